package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A flag given twice is a usage error that names it and both values,
// in every subcommand: the flag package would keep the last value and
// drop the first silently (crm segment -in jan.csv -in feb.csv would
// analyse February alone). Nothing is read or written.
func TestRepeatedFlagIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	jan, feb := filepath.Join(dir, "jan.csv"), filepath.Join(dir, "feb.csv")
	require.NoError(t, os.WriteFile(jan, []byte("customer_id,date,amount\nC1,2024-01-05,10\n"), 0o644))
	require.NoError(t, os.WriteFile(feb, []byte("customer_id,date,amount\nC2,2024-02-05,20\n"), 0o644))
	out := filepath.Join(dir, "out.csv")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"segment", "-in", jan, "-in", feb, "-as-of", "2024-12-31"},
			`-in given twice ("` + jan + `", then "` + feb + `"): crm reads one input; to read several exports as one, put them together first: cat FILE1 FILE2 > ALL (a header that repeats the first is passed over)`},
		{[]string{"segment", "-in", jan, "-as-of", "2024-12-31", "-as-of", "2024-06-30"}, `-as-of given twice ("2024-12-31", then "2024-06-30"): give it once`},
		{[]string{"segment", "-in", jan, "-as-of", "2024-12-31", "-out", out, "-out=" + out}, `-out given twice`},
		{[]string{"batch", "-in", jan, "-in=" + jan, "-as-of", "2024-12-31"}, `-in given twice`},
		{[]string{"batch", "-in", jan, "-as-of", "2024-12-31", "-model", "bgnbd", "--model", "paretonbd"}, `-model given twice ("bgnbd", then "paretonbd")`},
		{[]string{"batch", "-in", jan, "-as-of", "2024-12-31", "-horizon", "10", "-horizon", "20"}, `-horizon given twice`},
		{[]string{"batch", "-in", jan, "-as-of", "2024-12-31", "-discount-rate", "0.1", "-discount-rate", "0.2"}, `-discount-rate given twice`},
		{[]string{"batch", "-in", jan, "-as-of", "2024-12-31", "-period", "day", "-period", "week"}, `-period given twice`},
		{[]string{"fit", "-model", "bgnbd", "-in", jan, "-in", feb, "-calibration-end", "2024-12-31"}, `-in given twice`},
		{[]string{"fit", "-model", "bgnbd", "-in", jan, "-calibration-end", "2024-12-31", "-calibration-end", "2024-11-30"}, `-calibration-end given twice`},
		{[]string{"fit", "-model", "bgnbd", "-in", jan, "-calibration-end", "2024-12-31", "-json", "-json=false"}, `-json given twice ("true", then "false"): give it once`},
		{[]string{"score", "-model", "bgnbd", "-in", jan, "-calibration-end", "2024-12-31", "-spend", "gammagamma", "-spend", ""}, `-spend given twice`},
		{[]string{"score", "-model", "bgnbd", "-in", jan, "-calibration-end", "2024-12-31", "-format", "csv", "-format", "cdnow"}, `-format given twice`},
		{[]string{"report", "-in", jan, "-as-of", "2024-12-31", "-top", "5", "-top", "6"}, `-top given twice`},
		{[]string{"report", "-in", jan, "-as-of", "2024-12-31", "-holdout", "30", "-holdout", "60"}, `-holdout given twice`},
		{[]string{"report", "-in", jan, "-as-of", "2024-12-31", "-max-points", "30", "-max-points", "60"}, `-max-points given twice`},
		{[]string{"segment", "-in", jan, "-as-of", "2024-12-31", "-currency", "EUR", "-currency", "USD"}, `-currency given twice`},
		{[]string{"segment", "-in", jan, "-as-of", "2024-12-31", "-kind", "consumer", "-kind", "intermediary"}, `-kind given twice`},
		{[]string{"segment", "-in", jan, "-as-of", "2024-12-31", "-margin", "0.5", "-margin", "0.6"}, `-margin given twice`},
		// A bool flag given twice, even alike: the second says nothing
		// the first did not, or undoes it.
		{[]string{"segment", "-in", jan, "-as-of", "2024-12-31", "-skip-invalid", "-skip-invalid"}, `-skip-invalid given twice ("true", then "true"): give it once`},
		{[]string{"generate", "-customers", "5", "-customers", "6"}, `-customers given twice`},
		{[]string{"generate", "-seed", "1", "-seed", "2"}, `-seed given twice ("1", then "2")`},
		{[]string{"generate", "-start", "2020-01-01", "-start", "2021-01-01"}, `-start given twice`},
		{[]string{"generate", "-end", "2024-01-01", "-end", "2025-01-01"}, `-end given twice`},
		{[]string{"generate", "-intermediaries", "0.1", "-intermediaries", "0.2"}, `-intermediaries given twice`},
	} {
		r := crm(t, "", tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, "crm "+tc.args[0]+": "+tc.want, tc.args)
		assert.Contains(t, r.stderr, "run 'crm "+tc.args[0]+" -h' for usage", tc.args)
		assert.Empty(t, r.stdout, tc.args)
		assert.NotContains(t, r.stderr, "row", "%v: nothing is read", tc.args)
		_, err := os.Stat(out)
		assert.True(t, os.IsNotExist(err), "%v: no output", tc.args)
	}
}

// Every flag of every subcommand is refused twice: the test above has a
// case for each (checked here against the flag sets), and the usage
// of -h still shows each flag with its default.
func TestRepeatedFlagCoversEveryFlag(t *testing.T) {
	for _, c := range commands {
		var names []string
		r := crm(t, "", c.name, "-h")
		require.Equal(t, exitOK, r.code)
		assert.NotContains(t, r.stderr, "panic", c.name)
		assert.NotContains(t, r.stderr, "once", c.name)
		for _, line := range strings.Split(r.stderr, "\n") {
			if f, ok := strings.CutPrefix(strings.TrimSpace(line), "-"); ok {
				names = append(names, strings.Fields(f)[0])
			}
		}
		require.NotEmpty(t, names, c.name)
		dir := t.TempDir()
		for _, name := range names {
			v := "1"
			switch name {
			case "skip-invalid", "json":
				v = "true"
			case "out", "in":
				v = filepath.Join(dir, "f") // nothing is written where the test runs
			}
			r := crm(t, "", c.name, "-"+name+"="+v, "-"+name+"="+v)
			assert.Equal(t, exitUsage, r.code, "%s -%s: %s", c.name, name, r.stderr)
			assert.Contains(t, r.stderr, "-"+name+" given twice", "%s -%s", c.name, name)
		}
	}
}

// Parsing leaves the flag set as it was made: the values of the flags
// are those given, of their own types.
func TestParseFlagsKeepsTheFlagValues(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s := fs.String("s", "", "")
	b := fs.Bool("b", false, "")
	require.NoError(t, parseFlags(fs, []string{"-s", "v", "-b"}))
	assert.Equal(t, "v", *s)
	assert.True(t, *b)
	_, ok := fs.Lookup("b").Value.(flag.Getter)
	assert.True(t, ok, "the flag's own value")
	assert.Equal(t, true, fs.Lookup("b").Value.(flag.Getter).Get())
}
