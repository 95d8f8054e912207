// Command beam runs the fit-then-apply batch of the crm command — per
// customer summaries, value scores, quadrants, RFM, lifecycle, shop types,
// customer grades, and the BG/NBD (or BG/BB) fit with P(alive) and
// expected purchases — as an Apache Beam pipeline, so that it runs on one
// machine (the direct or prism runner) or spread over the workers of
// Flink, Spark or Dataflow.
//
//	beam -in orders.csv -as-of 2025-06-30 -out segments.csv [-scores scores.csv [-model bgnbd|bgbb]] [-only-currency CODE] [-skip-invalid] [--runner=direct]
//
// -out receives the rows of `crm segment` and -scores those of `crm score
// -model bgnbd` (or bgbb; calibration end = -as-of), sorted by customer ID
// as crm sorts them; both are written, or neither. A malformed row fails
// the run with crm's words (the first in file order), or with
// -skip-invalid is passed over and counted. A file holds one currency;
// -only-currency CODE reads the rows in CODE of a file in several, as crm
// does: the others are left out, whatever else they hold, and counted by
// currency on stderr. A flag of the pipeline given twice is refused, as
// crm refuses it. README.md describes the stages, what is per
// customer and what is population-wide, and the flags of each runner.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	// Registers every runner and the local and GCS file systems.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/flagonce"
)

// pipelineFlags are the flags of the pipeline, those of crm that it
// reads: init adds them to flag.CommandLine, beside Beam's own
// (--runner, --endpoint, …), and parseArgs refuses them given twice, as
// crm refuses its flags.
var pipelineFlags = flag.NewFlagSet("beam", flag.ContinueOnError)

var (
	in       = pipelineFlags.String("in", "", "input csv `file` (required; any Beam file system: /local/path, gs://bucket/path)")
	asOf     = pipelineFlags.String("as-of", "", "day of the analysis and calibration end, `YYYY-MM-DD` (required): later rows are left out")
	out      = pipelineFlags.String("out", "", "output `file` of the segments (required)")
	scores   = pipelineFlags.String("scores", "", "output `file` of the scores of -model, as crm score writes them (optional)")
	txModel  = pipelineFlags.String("model", "bgnbd", "transaction model of the scores: bgnbd, or bgbb (whole periods)")
	currency = pipelineFlags.String("currency", "USD", "ISO 4217 currency of rows without a currency column")
	kind     = pipelineFlags.String("kind", "consumer", "kind of customers whose rows name none: consumer or intermediary (or an intermediary role: dealer, franchisee, wholesaler, agent)")
	margin   = pipelineFlags.String("margin", customer.DefaultMargin.String(), "gross margin assumed for rows without a cost, in (0, 1)")
	period   = pipelineFlags.String("period", "week", "time unit of the scores: day or week")
	skip     = pipelineFlags.Bool("skip-invalid", false, "skip malformed rows (their count goes to stderr, the first ten errors to the log) instead of stopping")
	horizon  = &horizonFlag{}
	// onlyCurrency is -only-currency.
	onlyCurrency = &onlyFlag{}
)

func init() {
	pipelineFlags.Var(horizon, "horizon", "`periods` after the calibration end over which purchases are expected, in [0, 100000] (default 52 weeks or 365 days)")
	pipelineFlags.Var(onlyCurrency, "only-currency", "read only the rows in this ISO 4217 `currency` (any case) of a file in several: the rows in others (their own, or -currency for rows without one) are left out, whatever else they hold, and counted on stderr")
	pipelineFlags.VisitAll(func(f *flag.Flag) { flag.CommandLine.Var(f.Value, f.Name, f.Usage) })
}

// onlyFlag is the value of -only-currency: the code as given, and whether
// it was given (an empty code given is an error, not the flag left out),
// as crm reads it.
type onlyFlag struct {
	code string
	set  bool
}

// String returns the code given.
func (o *onlyFlag) String() string {
	if o == nil {
		return ""
	}
	return o.code
}

// Set records the code; configFromFlags checks it.
func (o *onlyFlag) Set(s string) error {
	*o = onlyFlag{code: s, set: true}
	return nil
}

// parseOnly reads the code of -only-currency, an ISO 4217 code in any
// case, trimmed of spaces, refusing anything else in crm's words.
func parseOnly(code string) (customer.Currency, error) {
	c, err := customer.ParseCurrency(strings.ToUpper(strings.TrimSpace(code)))
	if err != nil {
		return "", fmt.Errorf("-only-currency %q: not an ISO 4217 currency code%s", code, salesrow.CurrencyHint(code))
	}
	return c, nil
}

// horizonFlag is the value of -horizon: a number of periods, or not set
// (the default of a year, which depends on -period). Set("") unsets it.
type horizonFlag struct {
	v   float64
	set bool
}

// String returns the number of periods, "" when not set.
func (h *horizonFlag) String() string {
	if h == nil || !h.set {
		return ""
	}
	return strconv.FormatFloat(h.v, 'g', -1, 64)
}

// Set reads a number of periods; its range is checked by
// configFromFlags, which knows the model.
func (h *horizonFlag) Set(s string) error {
	if s == "" {
		*h = horizonFlag{}
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*h = horizonFlag{v: v, set: true}
	return nil
}

func main() {
	if err := parseArgs(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			flag.Usage()
			os.Exit(0)
		}
		fmt.Fprintf(os.Stderr, "beam: %v\n", err)
		flag.Usage()
		os.Exit(2)
	}
	beam.Init()
	cfg, err := configFromFlags()
	if err != nil {
		fmt.Fprintf(os.Stderr, "beam: %v\n", err)
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), *runners.Runner, cfg, os.Stderr); err != nil {
		os.Exit(1)
	}
}

// parseArgs parses the command line args into flag.CommandLine: the
// flags of the pipeline, each at most once, and Beam's.
func parseArgs(args []string) error {
	return parseFlags(flag.CommandLine, args, func(name string) bool { return pipelineFlags.Lookup(name) != nil })
}

// parseFlags parses args into fs, as crm parses its command line
// (flagonce): a flag for which once is true given twice is an error that
// names it and both values, where the flag package would take the last
// value and drop the first silently (-in jan.csv -in feb.csv would read
// February alone); so is a stray argument. The other flags (Beam's, some
// of which are given once per value) keep the flag package's rule. It
// returns the error rather than exiting or printing the usage, whatever
// the error handling of fs, which it leaves as it was, and the flags'
// values as they were made.
func parseFlags(fs *flag.FlagSet, args []string, once func(name string) bool) error {
	err := flagonce.Parse(fs, args, once)
	var twice *flagonce.TwiceError
	switch {
	case errors.As(err, &twice):
		return twiceError(twice)
	case err != nil:
		return err
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q (flags come as -name value)", fs.Arg(0))
	}
	return nil
}

// twiceError is the error of a flag given twice, in crm's words: both
// values, and for -in how to read several exports as one.
func twiceError(e *flagonce.TwiceError) error {
	if e.Name == "in" {
		return fmt.Errorf("%w: beam reads one input; to read several exports as one, put them together first: cat FILE1 FILE2 > ALL (a header that repeats the first is passed over)", e)
	}
	return fmt.Errorf("%w: give it once", e)
}

func configFromFlags() (config, error) {
	if *in == "" || *out == "" || *asOf == "" {
		return config{}, errors.New("-in, -out and -as-of are required")
	}
	d, err := parseDay(*asOf)
	if err != nil {
		return config{}, fmt.Errorf("-as-of: %w", err)
	}
	cur, err := customer.ParseCurrency(*currency)
	if err != nil {
		return config{}, fmt.Errorf("-currency: %w%s", err, salesrow.CurrencyHint(*currency))
	}
	var only customer.Currency
	if onlyCurrency.set {
		if only, err = parseOnly(onlyCurrency.code); err != nil {
			return config{}, err
		}
	}
	k, why := salesrow.ParseKind(*kind)
	if why != "" {
		return config{}, fmt.Errorf("-kind %q: %s", *kind, why)
	}
	m, err := customer.ParseAmount(*margin)
	if err != nil || m.Sign() <= 0 || m.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return config{}, fmt.Errorf("-margin %q: want a decimal number between 0 and 1 (exclusive)", *margin)
	}
	cfg := config{In: *in, AsOf: d, Out: *out, Scores: *scores, Currency: cur, Only: only, Kind: k, Margin: m.String(), Horizon: horizon.v, Model: *txModel, SkipInvalid: *skip}
	if cfg.Model != modelBGNBD && cfg.Model != modelBGBB {
		return config{}, fmt.Errorf("-model: unknown model %q (want bgnbd or bgbb)", cfg.Model)
	}
	switch *period {
	case "week":
		cfg.Period = customer.Weeks
	case "day":
		cfg.Period = customer.Days
	default:
		return config{}, fmt.Errorf("-period: unknown period %q (want day or week)", *period)
	}
	// As crm score reads it: absent, a year; given, any number of
	// periods in [0, 100000], 0 included (nobody buys in no time).
	if !horizon.set {
		cfg.Horizon = 52
		if cfg.Period == customer.Days {
			cfg.Horizon = 365
		}
	}
	if !finite(cfg.Horizon) || cfg.Horizon < 0 || cfg.Horizon > 1e5 {
		return config{}, fmt.Errorf("-horizon %v: want a number of periods in [0, 100000]", cfg.Horizon)
	}
	cfg.Horizon += 0 // -0 is 0
	if cfg.Model == modelBGBB && cfg.Horizon != math.Trunc(cfg.Horizon) {
		return config{}, fmt.Errorf("-horizon %v: bgbb counts whole periods: want a whole number", cfg.Horizon)
	}
	return cfg, nil
}

// run builds the pipeline of cfg and runs it on runner (prism when ""),
// then writes on stderr what crm writes: the counts of the read, or the
// error of a failed run, after the counts when the file was read to the
// end and held no customer (countsOf).
func run(ctx context.Context, runner string, cfg config, stderr io.Writer) error {
	c, err := execute(ctx, runner, cfg)
	if err != nil {
		if line, ok := countsOf(err); ok {
			fmt.Fprintf(stderr, "beam: %s: %s\n", cfg.In, line)
		}
		fmt.Fprintf(stderr, "beam: %v\n", cause(err))
		return err
	}
	if c.known {
		fmt.Fprintf(stderr, "beam: %s: %s\n", cfg.In, c.line(cfg.AsOf))
		if c.fitFailed > 0 {
			fmt.Fprintf(stderr, "beam: the %s fit failed (the reason is logged above): p_alive and expected_purchases are left empty\n", cfg.Model)
		}
	}
	return nil
}

// line returns the counts of a run on the as-of day asOf as crm writes
// them after "crm: FILE: ": "2549 rows (6 skipped as malformed), 300
// customers; 1234 rows in other currencies left out (CHF 1000, USD 234);
// 532 rows dated after -as-of 2025-06-30 left out", then the blank rows
// and the repeated headers passed over.
func (c *counts) line(asOf customer.Date) string {
	var b strings.Builder
	b.WriteString(counted(c.rows, "row"))
	if c.skipped > 0 {
		fmt.Fprintf(&b, " (%d skipped as malformed)", c.skipped)
	}
	fmt.Fprintf(&b, ", %s", counted(c.customers, "customer"))
	if len(c.others) > 0 {
		var n int64
		parts := make([]string, len(c.others))
		for i, o := range c.others {
			n += o.Rows
			parts[i] = fmt.Sprintf("%s %d", o.Code, o.Rows)
		}
		in := "in other currencies"
		if len(c.others) == 1 {
			in = "in another currency"
		}
		fmt.Fprintf(&b, "; %s %s left out (%s)", counted(n, "row"), in, strings.Join(parts, ", "))
	}
	if c.later > 0 {
		fmt.Fprintf(&b, "; %s dated after -as-of %s left out", counted(c.later, "row"), asOf)
	}
	if c.blank > 0 {
		fmt.Fprintf(&b, "; %s (no field filled) passed over", counted(c.blank, "blank row"))
	}
	if c.headers > 0 {
		fmt.Fprintf(&b, "; %s passed over", counted(c.headers, "repeated header row"))
	}
	return b.String()
}

// counted returns "1 row" or "n rows": n and noun, in the plural unless
// n is 1.
func counted[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// cause returns the error a DoFn failed with, without the execution plan
// that the runners put around it, nor the counts of the read that a
// noCustomerError carries (countsOf).
func cause(err error) error {
	_, _, c := failure(err)
	return c
}

// countsOf returns the counts of the read that the error of a run
// carries, as crm writes them before its error (counts.line), and
// whether it carries them: only a noCustomerError does.
func countsOf(err error) (string, bool) {
	line, ok, _ := failure(err)
	return line, ok
}

// failure takes the error of a run apart: the counts of the read, if it
// carries them, and the error a DoFn failed with. A runner passes on the
// error itself (direct) or only its text, in an execution plan (prism,
// and the runners of a cluster); a noCustomerError's text is its counts,
// marked, and its message, on two lines.
func failure(err error) (line string, ok bool, cause error) {
	var nc *noCustomerError
	if errors.As(err, &nc) {
		return nc.Counts, true, errors.New(nc.Msg)
	}
	var re *rowError
	if errors.As(err, &re) {
		return "", false, re
	}
	msg := err.Error()
	i := strings.LastIndex(msg, "failed:\n")
	if i < 0 {
		return "", false, err
	}
	msg = strings.TrimSpace(msg[i+len("failed:\n"):])
	if rest, found := strings.CutPrefix(msg, countsMark); found {
		if line, m, found := strings.Cut(rest, "\n"); found {
			return line, true, errors.New(m)
		}
	}
	return "", false, errors.New(msg)
}

// countsMark begins the text of a noCustomerError, before its counts.
const countsMark = "counts of the read: "

// noCustomerError is the error of a run whose file, read to the end,
// holds no customer on or before the as-of day (in the currency read):
// Msg says so in crm's words, and Counts are the counts of the read, as
// crm writes them on stderr before that error (counts.line: "2 rows, 0
// customers; 2 rows dated after -as-of 2025-06-30 left out").
type noCustomerError struct {
	Counts, Msg string
}

// Error returns the counts, marked (countsMark), and the message, on two
// lines: what a runner that passes on only the text keeps of both.
func (e *noCustomerError) Error() string {
	return countsMark + e.Counts + "\n" + e.Msg
}

// counts are the counters of a run, when the runner reports them.
type counts struct {
	known                                           bool
	rows, later, blank, headers, customers, skipped int64
	// skipped are the malformed rows passed over (-skip-invalid).
	// fitFailed is 1 when the transaction fit failed (-scores).
	fitFailed int64
	// others are the rows left out for their currency
	// (-only-currency), by currency, most first, then by code.
	others []currencyRows
}

// execute builds the pipeline of cfg and runs it on runner ("direct",
// "prism", "flink", "spark", "dataflow", …; "" for prism).
func execute(ctx context.Context, runner string, cfg config) (counts, error) {
	p, s := beam.NewPipelineWithRoot()
	if err := build(ctx, s, cfg); err != nil {
		return counts{}, err
	}
	if runner == "" {
		runner = "prism"
	}
	res, err := beam.Run(ctx, runner, p)
	if err != nil || res == nil {
		return counts{}, err
	}
	var c counts
	for _, m := range res.Metrics().AllMetrics().Counters() {
		if m.Key.Namespace != "crm" {
			continue
		}
		c.known = true
		switch m.Key.Name {
		case "rows":
			c.rows += m.Result()
		case "rows-after-as-of":
			c.later += m.Result()
		case "rows-blank":
			c.blank += m.Result()
		case "rows-header":
			c.headers += m.Result()
		case "rows-skipped":
			c.skipped += m.Result()
		case "customers":
			c.customers += m.Result()
		case "fit-failed":
			c.fitFailed += m.Result()
		default:
			if code, ok := strings.CutPrefix(m.Key.Name, otherCounter); ok {
				c.others = mergeOthers(c.others, []currencyRows{{Code: code, Rows: m.Result()}})
			}
		}
	}
	// By code until here; listed most first, as crm lists them.
	c.others = (&readStats{Others: c.others}).others()
	return c, nil
}
