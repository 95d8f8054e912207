package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resetPipelineFlags sets every flag of the pipeline back to its default,
// as if not given.
func resetPipelineFlags(t *testing.T) {
	t.Helper()
	pipelineFlags.VisitAll(func(f *flag.Flag) {
		if f.Name == "only-currency" {
			*onlyCurrency = onlyFlag{}
			return
		}
		require.NoError(t, f.Value.Set(f.DefValue), f.Name)
	})
}

// crmTwiceCommand is the crm subcommand that has the flag of the
// pipeline of that name; "" when crm has none of that name.
var crmTwiceCommand = map[string]string{
	"in": "segment", "as-of": "segment", "out": "segment", "currency": "segment", "kind": "segment",
	"margin": "segment", "skip-invalid": "segment", "only-currency": "segment",
	"model": "batch", "period": "batch", "horizon": "batch",
	"scores": "",
}

// A flag of the pipeline given twice is a usage error that names it and
// both values, in crm's words (crm reads one input, and so does the
// pipeline), whether given as -name value, -name=value or --name: the
// flag package would take the last value, and -in jan.csv -in feb.csv
// would analyse February alone. Every flag of the pipeline is covered.
func TestRepeatedFlagMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	seen := map[string]bool{}
	pipelineFlags.VisitAll(func(f *flag.Flag) {
		seen[f.Name] = true
		cmd, ok := crmTwiceCommand[f.Name]
		require.True(t, ok, "-%s: a case for the flag", f.Name)
		a, b := "v1", "v2"
		if f.Name == "horizon" {
			a, b = "10", "20" // crm reads the number first
		}
		args := []string{"-" + f.Name + "=" + a, "-" + f.Name + "=" + b}
		if f.Name == "skip-invalid" {
			a, b = "true", "true"
			args = []string{"-skip-invalid", "-skip-invalid"}
		}
		t.Run(f.Name, func(t *testing.T) {
			t.Cleanup(func() { resetPipelineFlags(t) })
			err := parseArgs(args)
			require.Error(t, err)
			want := fmt.Sprintf("-%s given twice (%q, then %q): give it once", f.Name, a, b)
			if cmd != "" {
				out := runCRMFails(t, bin, append([]string{cmd}, args...)...)
				m := regexp.MustCompile(`crm ` + cmd + `: (-\S+ given twice .*)`).FindStringSubmatch(out)
				require.NotNil(t, m, "crm's usage error: %s", out)
				want = strings.Replace(m[1], "crm reads one input", "beam reads one input", 1)
			}
			assert.Equal(t, want, err.Error())
		})
	})
	for name := range crmTwiceCommand {
		assert.True(t, seen[name], "-%s is a flag of the pipeline", name)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-in", "a.csv", "-in", "b.csv"}, `-in given twice ("a.csv", then "b.csv"): beam reads one input; to read several exports as one, put them together first: cat FILE1 FILE2 > ALL (a header that repeats the first is passed over)`},
		{[]string{"-only-currency", "EUR", "-only-currency", "USD"}, `-only-currency given twice ("EUR", then "USD"): give it once`},
		{[]string{"--only-currency", "EUR", "-only-currency=EUR"}, `-only-currency given twice ("EUR", then "EUR"): give it once`},
		{[]string{"-in", "a.csv", "-as-of", "2025-06-30", "-out", "o.csv", "-horizon", "10", "-horizon", "20"}, `-horizon given twice ("10", then "20"): give it once`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Cleanup(func() { resetPipelineFlags(t) })
			err := parseArgs(tc.args)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}

	t.Run("once each", func(t *testing.T) {
		t.Cleanup(func() { resetPipelineFlags(t) })
		require.NoError(t, parseArgs([]string{"-in", "a.csv", "-as-of", "2025-06-30", "-out", "o.csv", "-skip-invalid", "-only-currency", "eur", "-horizon", "10"}))
		cfg, err := configFromFlags()
		require.NoError(t, err)
		assert.Equal(t, "a.csv", cfg.In)
		assert.True(t, cfg.SkipInvalid)
		assert.Equal(t, "EUR", string(cfg.Only))
		assert.Equal(t, 10.0, cfg.Horizon)
		assert.Zero(t, flag.CommandLine.NArg())
	})
}

// parseFlags refuses twice only the flags it is told to (those of the
// pipeline): Beam's own keep the flag package's rule, for some of them
// (--sdk_harness_container_image_override) are given once per value. A
// stray argument is an error, and so is an unknown flag, and the flag
// set's error handling is as it was.
func TestParseFlags(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ExitOnError)
	own := fs.String("own", "", "")
	other := fs.String("other", "", "")
	isOwn := func(name string) bool { return name == "own" }
	require.NoError(t, parseFlags(fs, []string{"-own", "a", "-other", "b", "-other", "c"}, isOwn))
	assert.Equal(t, "a", *own)
	assert.Equal(t, "c", *other, "a flag of Beam's given twice keeps its rule")
	err := parseFlags(fs, []string{"-own", "a", "-own", "b"}, isOwn)
	require.Error(t, err)
	assert.Equal(t, `-own given twice ("a", then "b"): give it once`, err.Error())
	err = parseFlags(fs, []string{"-nope"}, isOwn)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-nope")
	err = parseFlags(fs, []string{"-own", "a", "stray"}, isOwn)
	require.Error(t, err)
	assert.Equal(t, `unexpected argument "stray" (flags come as -name value)`, err.Error())
	assert.Equal(t, flag.ExitOnError, fs.ErrorHandling())
	require.NoError(t, parseFlags(fs, []string{"-own", "z"}, isOwn), "the flag's own value again, ready for another parse")
	assert.Equal(t, "z", *own)
}

// stderrCase is a file to read, and the flags read it with.
type stderrCase struct {
	name, text string
	skip       bool
	only       string
}

// crmStderrInBeam returns what the pipeline must write on stderr for
// crm's stderr out on text, the file orders.csv: crm's lines with "beam:"
// for "crm:" and "crm segment:", a data row named by its byte offset
// rather than its line (the header keeps its line), but without the
// rows that -skip-invalid passed over and their count by reason (the
// pipeline's log lists the first ten).
func crmStderrInBeam(t *testing.T, out, text string) string {
	t.Helper()
	var b strings.Builder
	rowRE := regexp.MustCompile(`^orders\.csv:(\d+): `)
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.HasPrefix(line, "  ") {
			continue // a row that -skip-invalid passed over
		}
		rest, ok := strings.CutPrefix(line, "crm segment: ")
		if !ok {
			rest, ok = strings.CutPrefix(line, "crm: ")
		}
		require.True(t, ok, "a line of crm: %q", line)
		if strings.Contains(rest, "(-skip-invalid); the first") || strings.Contains(rest, "by column and reason") {
			continue
		}
		if m := rowRE.FindStringSubmatch(rest); m != nil {
			n, err := strconv.Atoi(m[1])
			require.NoError(t, err)
			if n > 1 {
				rest = "orders.csv, byte " + strconv.Itoa(byteOfLine(text, n)) + ": " + rest[len(m[0]):]
			}
		}
		b.WriteString("beam: " + rest + "\n")
	}
	return b.String()
}

// stderrOfBoth reads tc with crm segment and with the pipeline on runner,
// in the current directory (the file is orders.csv), and returns crm's
// stderr as the pipeline must write it, the pipeline's, and whether each
// run failed.
func stderrOfBoth(t *testing.T, bin, runner string, tc stderrCase) (want, got string, crmFailed, beamFailed bool) {
	t.Helper()
	require.NoError(t, os.WriteFile("orders.csv", []byte(tc.text), 0o644))
	for _, p := range []string{"crm.csv", "beam.csv"} {
		require.NoError(t, os.RemoveAll(p))
	}
	args := []string{"segment", "-in", "orders.csv", "-as-of", parityAsOf, "-out", "crm.csv"}
	cfg := parityConfig(t, "orders.csv", ".", false)
	cfg.Out = "beam.csv"
	if tc.skip {
		args = append(args, "-skip-invalid")
		cfg.SkipInvalid = true
	}
	if tc.only != "" {
		args = append(args, "-only-currency", tc.only)
		only, err := parseOnly(tc.only)
		require.NoError(t, err)
		cfg.Only = only
	}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	crmFailed = cmd.Run() != nil
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var buf bytes.Buffer
	beamFailed = run(ctx, runner, cfg, &buf) != nil
	return crmStderrInBeam(t, stderr.String(), tc.text), buf.String(), crmFailed, beamFailed
}

// TestStderrMatchesCRM reads files that crm fails on after reading them
// (no customer on or before the as-of day, with or without
// -skip-invalid and -only-currency), on which it writes the counts of the
// read before its error, and files on which it writes none (a malformed
// row, only a header), and files of odd make (a line with more or fewer
// fields than the header, an empty line in the middle, no line break at
// the end, a NUL byte in a field): the pipeline fails when crm does, and
// its stderr says what crm's says, line for line.
func TestStderrMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	t.Chdir(t.TempDir())
	const head = "customer_id,date,amount\n"
	for _, tc := range []stderrCase{
		{name: "only rows after the as-of day", text: head + "c1,2025-07-01,10\nc2,2025-08-01,10\n"},
		{name: "only rows after the as-of day, blank rows and headers", text: head + "c1,2025-07-01,10\n,,\n\n" + head + "c2,2025-08-01,10\n"},
		{name: "every row malformed, -skip-invalid", text: head + "c1,2025-01-01,1x\nc2,2025-01-02,1y\n", skip: true},
		{name: "malformed rows and later rows, -skip-invalid", text: head + "c1,2025-01-01,1x\nc2,2025-07-02,5\nc3,2025-01-02,\"1\"y\n", skip: true},
		{name: "no row in the currency read", text: "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-01-02,12,USD\nc3,2026-01-01,3,EUR\n,,,\n", only: "GBP"},
		{name: "rows in the currency read after the as-of day", text: "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-07-02,12,GBP\n", only: "gbp"},
		{name: "a malformed row after good ones", text: head + "c1,2025-01-01,10\nc2,2025-01-02,12\nc3,2025-01-03,1x\nc4,2025-01-04,5\n"},
		{name: "a malformed row after good ones, -skip-invalid", text: head + "c1,2025-01-01,10\nc2,2025-01-02,12\nc3,2025-01-03,1x\nc4,2025-01-04,5\n", skip: true},
		{name: "only a header", text: head},
		{name: "only a header without a line break", text: strings.TrimSuffix(head, "\n")},
		{name: "only a header, blank rows and headers", text: head + ",,\n" + head},
		{name: "more fields than the header", text: head + "c1,2025-01-01,10\nc2,2025-01-02,12,3\n"},
		{name: "fewer fields than the header", text: head + "c1,2025-01-01,10\nc2,2025-01-02\n"},
		{name: "fewer fields on the last line without a line break", text: head + "c1,2025-01-01,10\nc2"},
		{name: "an empty line in the middle", text: head + "c1,2025-01-01,10\n\nc2,2025-01-02,12\n"},
		{name: "empty lines with CR in the middle", text: "customer_id,date,amount\r\nc1,2025-01-01,10\r\n\r\n\r\nc2,2025-01-02,12\r\n"},
		{name: "no line break at the end", text: head + "c1,2025-01-01,10\nc2,2025-01-02,12"},
		{name: "a NUL byte in the customer ID", text: head + "c1,2025-01-01,10\nc\x002,2025-01-02,12\n"},
		{name: "a NUL byte in the amount", text: head + "c1,2025-01-01,10\nc2,2025-01-02,1\x002\n"},
		{name: "a NUL byte in an ignored column", text: "customer_id,date,amount,note\nc1,2025-01-01,10,a\x00b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, got, crmFailed, beamFailed := stderrOfBoth(t, bin, "direct", tc)
			assert.Equal(t, crmFailed, beamFailed, "fails as crm does; crm: %s", want)
			assert.Equal(t, want, got)
			if beamFailed {
				_, err := os.Stat("beam.csv")
				assert.True(t, os.IsNotExist(err), "nothing written")
			}
		})
	}
	if testing.Short() {
		return
	}
	// On prism the writer's error reaches the launcher as text alone.
	for _, tc := range []stderrCase{
		{name: "every row malformed, -skip-invalid", text: head + "c1,2025-01-01,1x\nc2,2025-01-02,1y\n", skip: true},
		{name: "no row in the currency read", text: "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\n", only: "GBP"},
		{name: "text after the quotes of the amount", text: head + "c1,2025-01-01,10\nc2,2025-01-02,\"12\"x\n"},
	} {
		t.Run("prism/"+tc.name, func(t *testing.T) {
			want, got, crmFailed, beamFailed := stderrOfBoth(t, bin, "prism", tc)
			assert.True(t, crmFailed)
			assert.True(t, beamFailed)
			assert.Equal(t, want, got)
		})
	}
}

// The error of a run without a customer carries the counts of the read,
// whether a runner passes on the error (direct) or its text alone, in an
// execution plan (prism, the runners of a cluster); other errors carry
// none.
func TestFailureCounts(t *testing.T) {
	nc := &noCustomerError{Counts: "1 row, 0 customers", Msg: "orders.csv: no customer has a valid row dated on or before -as-of 2025-06-30"}
	for name, err := range map[string]error{
		"the error":          fmt.Errorf("run: %w", nc),
		"its text in a plan": errors.New("job failed: stage 7 (writeFn) failed:\n" + nc.Error() + "\n"),
	} {
		line, ok := countsOf(err)
		assert.True(t, ok, name)
		assert.Equal(t, nc.Counts, line, name)
		assert.Equal(t, nc.Msg, cause(err).Error(), name)
	}
	re := &rowError{File: "orders.csv", Offset: 24, Column: "amount", Value: "1x", HasValue: true, Reason: "not a decimal number"}
	for name, err := range map[string]error{
		"a row's error":         fmt.Errorf("run: %w", re),
		"a row's error in text": errors.New("stage failed:\n" + re.Error()),
		"another error":         errors.New("orders.csv: no data rows (only a header, or nothing)"),
	} {
		_, ok := countsOf(err)
		assert.False(t, ok, name)
	}
	assert.Equal(t, re.Error(), cause(errors.New("stage failed:\n"+re.Error())).Error())
}

// TestStrayQuoteMatchesCRM puts a stray quote in every kind of column, as
// a bare quote in an unquoted field or text after a closing quote, or
// leaves a quote open to the end of the line or of the file: the
// pipeline's error names the column and the field as written, as crm's
// does (in the header, the line).
func TestStrayQuoteMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	t.Chdir(t.TempDir())
	const head = "customer_id,date,amount,note,last\nA,2024-01-01,10,a,b\n"
	for _, tc := range []stderrCase{
		{name: "text after the quotes of the amount", text: head + `A,2024-01-02,"12"x,a,b` + "\n"},
		{name: "bare quote in the amount", text: head + `A,2024-01-02,1"2,a,b` + "\n"},
		{name: "text after the quotes of the customer ID", text: head + `"B"x,2024-01-02,12,a,b` + "\n"},
		{name: "bare quote ending the customer ID", text: head + `B",2024-01-02,12,a,b` + "\n"},
		{name: "bare quote in the date", text: head + `B,2024-01-02",12,a,b` + "\n"},
		{name: "text after the quotes of the date", text: head + `B,"2024-01-02"x,12,a,b` + "\n"},
		{name: "bare quote in an ignored column", text: head + `B,2024-01-02,12,a"a,b` + "\n"},
		{name: "text after the quotes of an ignored column", text: head + `B,2024-01-02,12,"a"a,b` + "\n"},
		{name: "bare quote in the last column", text: head + `B,2024-01-02,12,a,b"` + "\n"},
		{name: "text after the quotes of the last column", text: head + `B,2024-01-02,12,a,"b"x` + "\n"},
		{name: "escaped quote then text", text: head + `"B""x"y,2024-01-02,12,a,b` + "\n"},
		{name: "quote opened in the last column", text: head + `B,2024-01-02,12,a,"b` + "\n"},
		{name: "quote opened in the amount", text: head + `B,2024-01-02,"12,a,b` + "\n"},
		{name: "quote opened in the amount, rows after", text: head + `B,2024-01-02,"12,a,b` + "\nC,2024-01-03,5,a,b\nD,2024-01-03,5,a,b\n"},
		{name: "quote opened at the end of the file", text: head + `B,2024-01-02,12,a,"b`},
		{name: "quote opened in a field beyond the header", text: head + `B,2024-01-02,12,a,b,"c` + "\n"},
		{name: "bare quote in a field beyond the header", text: head + `B,2024-01-02,12,a,b,c"` + "\n"},
		{name: "a space before the quotes", text: head + `B,2024-01-02,12, "a",b` + "\n"},
		{name: "CRLF", text: "customer_id,date,amount\r\nA,2024-01-01,10\r\nC,2024-01-02,1\"2\r\n"},
		{name: "names as written", text: " Customer_ID ,Date, AMOUNT ,My Col\nA,2024-01-01,10,a\nB,2024-01-01,1\"0,a\n"},
		{name: "a long field", text: head + "B,2024-01-02,12,a\"" + strings.Repeat("b", 200) + ",b\n"},
		{name: "after a malformed row, -skip-invalid", text: head + `"B"x,2024-01-02,12,a,b` + "\n" + `C,2024-01-02,"12"x,a,b` + "\n", skip: true},
		{name: "with -only-currency", text: "customer_id,date,amount,currency\nA,2024-01-01,10,EUR\nB,2024-01-02,10,\"EUR\"x\n", only: "EUR"},
		{name: "bare quote in the header", text: "customer_id,da\"te,amount\nA,2024-01-01,10\n"},
		{name: "text after the quotes in the header", text: "customer_id,\"date\"x,amount\nA,2024-01-01,10\n"},
		{name: "quote opened in the header", text: "customer_id,date,\"amount\nA,2024-01-01,10\n"},
		{name: "a space before the quotes in the header", text: "customer_id,date, \"amount\"\nA,2024-01-01,10\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, got, crmFailed, beamFailed := stderrOfBoth(t, bin, "direct", tc)
			assert.Equal(t, crmFailed, beamFailed, "fails as crm does; crm: %s", want)
			assert.Equal(t, want, got)
		})
	}
}
