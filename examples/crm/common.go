package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"github.com/tailorcrm/tailor/internal/flagonce"
)

// errHelp is returned when -h was asked for; the usage is already printed.
var errHelp = errors.New("help requested")

// newFlags returns the flag set of subcommand name; synopsis is printed
// by -h above the flags.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("crm "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: crm %s %s\n\nflags:\n", name, synopsis)
		fs.SetOutput(e.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args; -h prints the usage and returns errHelp, a bad
// flag or a stray argument is a usage error (whose message says how to
// get the usage, which is not printed then). So is a flag given twice
// (flagonce), which the flag package would take the last value of,
// dropping the first silently: -in jan.csv -in feb.csv would read
// February alone.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := flagonce.Parse(fs, args, nil)
	var twice *flagonce.TwiceError
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return errHelp
	case errors.As(err, &twice):
		return twiceError(twice)
	case err != nil:
		return &usageError{msg: err.Error()}
	case fs.NArg() > 0:
		return usagef("unexpected argument %q (flags come as -name value)", fs.Arg(0))
	}
	return nil
}

// twiceError is the usage error of a flag given twice: both values, and
// for -in how to read several exports as one.
func twiceError(e *flagonce.TwiceError) error {
	if e.Name == "in" {
		return usagef("%s: crm reads one input; to read several exports as one, put them together first: cat FILE1 FILE2 > ALL (a header that repeats the first is passed over)", e)
	}
	return usagef("%s: give it once", e)
}

// isSet reports whether flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// horizonOf returns the -horizon h, or its default of a year (52 weeks
// or 365 days) when the flag is absent. It must be in [0, 100000]
// periods, and a whole number of periods when whole is set (the CLV sums
// over whole periods). A horizon of 0, the first of a series of
// horizons, expects no purchase and no value: nobody buys in no time.
func horizonOf(fs *flag.FlagSet, h float64, period customer.Period, whole bool) (float64, error) {
	if !isSet(fs, "horizon") {
		if period == customer.Days {
			return 365, nil
		}
		return 52, nil
	}
	switch {
	case whole && (!finite(h) || h < 0 || h > 1e5 || h != math.Trunc(h)):
		return 0, usagef("-horizon %v: want a whole number of periods in [0, 100000] (for the CLV, and for bgbb, which counts whole periods)", h)
	case !finite(h) || h < 0 || h > 1e5:
		return 0, usagef("-horizon %v: want a number of periods in [0, 100000]", h)
	}
	return h + 0, nil // -0 is 0
}

// firstRowDay is the first day a row crm reads may have (the first day
// of customer.MinRecordYear): no day of a flag is before it.
var firstRowDay = customer.DateFromYMD(customer.MinRecordYear, time.January, 1)

// parseDay parses the YYYY-MM-DD value of flag name; empty is a usage
// error when required. A day before firstRowDay is a usage error too,
// given before any input is read: crm reads no row dated before it, so
// an analysis as of that day would read the whole input to find no row
// that counts, and a generated history starting then could not be read
// back.
func parseDay(name, s string) (customer.Date, error) {
	if s == "" {
		return 0, usagef("-%s YYYY-MM-DD is required", name)
	}
	d, err := input.ParseDay(s)
	if err != nil {
		return 0, usagef("-%s: %v", name, err)
	}
	if d < firstRowDay {
		return 0, usagef("-%s %s: want a day on or after %s (crm reads no row dated before %d)", name, d, firstRowDay, customer.MinRecordYear)
	}
	return d, nil
}

// inputFlags are the flags of every subcommand that reads an export.
type inputFlags struct {
	in, format, currency, kind, margin string
	skipInvalid                        bool
	// only is -only-currency, the one currency read of a file in
	// several.
	only currencyFlag
	// name names the input in messages instead of in, when in is a copy
	// of it (crm report spools standard input to a temporary file).
	name string
}

func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.in, "in", "", "input `file` (required; - for stdin)")
	fs.StringVar(&f.format, "format", "csv", "input format: csv or cdnow")
	fs.StringVar(&f.currency, "currency", string(input.DefaultCurrency), "ISO 4217 currency of rows without a currency column (a file holds one currency; -only-currency reads one of several)")
	fs.Var(&f.only, "only-currency", "read only the rows in this ISO 4217 `currency` (any case) of a file in several: the rows in others (their own, or -currency for rows without one) are left out, whatever else they hold, and counted on stderr")
	fs.StringVar(&f.kind, "kind", "consumer", "kind of customers whose rows name none: consumer or intermediary (or an intermediary role: dealer, franchisee, wholesaler, agent)")
	fs.StringVar(&f.margin, "margin", customer.DefaultMargin.String(), "gross margin assumed for rows without a cost, in (0, 1): cost = amount × (1 − margin)")
	fs.BoolVar(&f.skipInvalid, "skip-invalid", false, "skip malformed rows (their count, the first ten errors and a count by column and reason go to stderr) instead of stopping")
}

// currencyFlag is the value of -only-currency: the code as given, and
// whether it was given (an empty code given is an error, not the flag
// left out).
type currencyFlag struct {
	code string
	set  bool
}

// String returns the code given.
func (c *currencyFlag) String() string {
	if c == nil {
		return ""
	}
	return c.code
}

// Set records the code; open checks it.
func (c *currencyFlag) Set(s string) error {
	c.code, c.set = s, true
	return nil
}

// source is an opened input, validated flags included.
type source struct {
	name   string
	format input.Format
	r      io.Reader
	size   int64       // -1 when unknown
	info   os.FileInfo // of the input file; nil for stdin
	close  func()
	opts   input.Options
	// listed are the malformed rows that an earlier read of the same
	// input in this run reported; nil when there was none.
	listed *skipped
	// checked is set when an earlier read of the same input in this
	// run has checked its header (reportMisnamed) and its customer IDs
	// (reportFloatIDs): their warnings are not repeated.
	checked bool
}

// skipped are the malformed rows of a read: their count, the first of
// their errors and the count of each fault.
type skipped struct {
	n     int64
	errs  []error
	skips []input.Skip
}

// rowCounts formats the rows read, of which skipped were malformed rows
// passed over with -skip-invalid, and the customers found: "6923 rows
// (4 skipped as malformed), 2357 customers".
func rowCounts(rows, skipped int64, n int) string {
	s := counted(rows, "row")
	if skipped > 0 {
		s += fmt.Sprintf(" (%d skipped as malformed)", skipped)
	}
	return s + ", " + customers(n)
}

// reportSkipped writes the count of the malformed rows skipped, the
// first of their errors, and the count of every fault (column and
// reason) among all of them to stderr: "crm: orders.csv: 4103 skipped
// rows by column and reason: customer_id: empty ×4100; amount: not a
// decimal number ×3"; when a reason is that of GBK/GB18030 text
// (salesrow.NotUTF8GB, not the GBK-or-Windows-1252 one), a line that
// tells to convert the whole file (input.GBKNote). When an earlier read
// of the input (s.listed) reported the same rows, it writes the count
// only, with a pointer to that list.
func (s *source) reportSkipped(e *env, k skipped) {
	if k.n == 0 {
		return
	}
	if s.listed.same(k) {
		fmt.Fprintf(e.stderr, "crm: %s: skipped %s (-skip-invalid), listed above\n", s.name, counted(k.n, "malformed row"))
		return
	}
	fmt.Fprintf(e.stderr, "crm: %s: skipped %s (-skip-invalid); the first %d:\n", s.name, counted(k.n, "malformed row"), len(k.errs))
	for _, err := range k.errs {
		fmt.Fprintf(e.stderr, "  %v\n", err)
	}
	if len(k.skips) == 0 {
		return
	}
	fmt.Fprintf(e.stderr, "crm: %s: %s by column and reason: ", s.name, counted(k.n, "skipped row"))
	for i, sk := range k.skips {
		if i > 0 {
			fmt.Fprint(e.stderr, "; ")
		}
		if sk.Column != "" {
			fmt.Fprintf(e.stderr, "%s: ", sk.Column)
		}
		fmt.Fprintf(e.stderr, "%s ×%d", sk.Kind, sk.Rows)
	}
	fmt.Fprintln(e.stderr)
	if note := input.GBKNote(k.skips); note != "" {
		fmt.Fprintf(e.stderr, "crm: %s: %s\n", s.name, note)
	}
}

// same reports whether path names the input file itself.
func (s *source) same(path string) bool {
	if s.info == nil || path == "" || path == "-" {
		return false
	}
	st, err := os.Stat(path)
	return err == nil && os.SameFile(s.info, st)
}

// open checks the input flags and opens the input. Every problem with the
// flags or a missing file is a usage error.
func (f *inputFlags) open(e *env, asOf customer.Date) (*source, error) {
	format, err := input.ParseFormat(f.format)
	if err != nil {
		return nil, usagef("-format: %v", err)
	}
	cur, err := customer.ParseCurrency(strings.ToUpper(f.currency))
	if err != nil {
		return nil, usagef("-currency: %v%s", err, salesrow.CurrencyHint(f.currency))
	}
	var only customer.Currency
	if f.only.set {
		if only, err = customer.ParseCurrency(strings.ToUpper(strings.TrimSpace(f.only.code))); err != nil {
			return nil, usagef("-only-currency %q: not an ISO 4217 currency code%s", f.only.code, salesrow.CurrencyHint(f.only.code))
		}
	}
	kind, why := salesrow.ParseKind(f.kind)
	if why != "" {
		return nil, usagef("-kind %q: %s", f.kind, why)
	}
	margin, err := customer.ParseAmount(f.margin)
	if err != nil || margin.Sign() <= 0 || margin.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return nil, usagef("-margin %q: want a decimal number between 0 and 1 (exclusive)", f.margin)
	}
	if f.in == "" {
		return nil, usagef("-in FILE is required")
	}
	s := &source{format: format, size: -1, close: func() {}, opts: input.Options{
		AsOf: asOf, Currency: cur, Only: only, Kind: kind, Margin: margin, SkipInvalid: f.skipInvalid,
	}}
	if f.in == "-" {
		s.name, s.r = "stdin", e.stdin
		return s, nil
	}
	file, err := os.Open(f.in)
	if err != nil {
		return nil, usagef("-in: %v", err)
	}
	if st, err := file.Stat(); err == nil {
		if st.IsDir() {
			file.Close()
			return nil, usagef("-in %s: is a directory", f.in)
		}
		s.size, s.info = st.Size(), st
	}
	s.name, s.r, s.close = f.label(), file, func() { file.Close() }
	return s, nil
}

// label is the name of the input in messages: the name given for it,
// else its path.
func (f *inputFlags) label() string {
	if f.name != "" {
		return f.name
	}
	return f.in
}

// summarize reads the whole input and returns the per-customer summaries
// as of the source's AsOf, reporting on stderr what was skipped and left
// out; what names the as-of flag in those reports.
func (s *source) summarize(e *env, what string) (*input.Result, error) {
	defer s.close()
	var rd input.Reader
	var misnamed []input.Misnamed
	switch s.format {
	case input.CDNOW:
		rd = input.NewCDNOWReader(s.r, s.name)
	default:
		cr, err := input.NewCSVReader(s.r, s.name)
		if err != nil {
			return nil, err
		}
		rd, misnamed = cr, cr.Misnamed()
	}
	p := newProgress(e.stderr, s.name, s.size)
	s.opts.Progress = p.update
	res, err := input.Summarize(rd, s.name, s.opts)
	p.done()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "crm: %s: %s", s.name, rowCounts(res.Rows, res.Skipped, len(res.Summaries)))
	reportOthers(e, res.Others)
	if res.Later > 0 {
		fmt.Fprintf(e.stderr, "; %s dated after %s %s left out", counted(res.Later, "row"), what, s.opts.AsOf)
	}
	reportPassedOver(e, res.Blank, res.Headers)
	fmt.Fprintln(e.stderr)
	s.reportSkipped(e, skipped{n: res.Skipped, errs: res.Errors, skips: res.Skips})
	if !s.checked {
		reportMisnamed(e, s.name, misnamed)
		reportFloatIDs(e, s.name, len(res.Summaries), func(i int) customer.ID { return res.Summaries[i].CustomerID })
		reportFullPrice(e, s.name, input.TableOf(res))
	}
	if len(res.Summaries) == 0 {
		return nil, s.noCustomer(what)
	}
	return res, nil
}

// noCustomer is the error of a read that found no customer with a valid
// row (in the currency read, with -only-currency) dated on or before
// the source's AsOf, named what.
func (s *source) noCustomer(what string) error {
	in := ""
	if s.opts.Only != "" {
		in = " in " + string(s.opts.Only)
	}
	return fmt.Errorf("%s: no customer has a valid row%s dated on or before %s %s", s.name, in, what, s.opts.AsOf)
}

// reportOthers goes on the line of the row counts with the count of the
// rows left out for their currency (-only-currency), by currency, most
// first: "; 1234 rows in other currencies left out (CHF 1000, USD 234)".
func reportOthers(e *env, others []input.CurrencyRows) {
	if len(others) == 0 {
		return
	}
	var n int64
	parts := make([]string, len(others))
	for i, c := range others {
		n += c.Rows
		parts[i] = fmt.Sprintf("%s %d", c.Currency, c.Rows)
	}
	in := "in other currencies"
	if len(others) == 1 {
		in = "in another currency"
	}
	fmt.Fprintf(e.stderr, "; %s %s left out (%s)", counted(n, "row"), in, strings.Join(parts, ", "))
}

// reportMisnamed warns on stderr of the columns of the header whose names
// are those of an optional column written in another style ("Order ID"
// for order_id): they are not read, as any unknown column, which would
// change the results silently (without its order_id, a customer's rows
// of one day are one order), so each is named with the column it would
// be.
func reportMisnamed(e *env, name string, ms []input.Misnamed) {
	for _, m := range ms {
		fmt.Fprintf(e.stderr, "crm: %s: %v\n", name, m)
	}
}

// reportFloatIDs warns on stderr when customer IDs of the file read
// (n of them, the i-th given by id) look like whole numbers written as
// floating-point numbers, "12346.0": what a spreadsheet or pandas writes
// of a column of numeric IDs with blanks in it. They are taken as
// written, so 12346.0 is another customer than 12346 of another export;
// the warning says so, with the count and the first such ID.
//
// It also warns of IDs written in scientific notation, "1.23457E+11": what
// a spreadsheet writes of a long numeric ID, keeping six significant
// digits, so that customers whose IDs differ only in the digits lost
// share one ID and are summed as one. The IDs are taken as written; the
// warning says how many there are, the first, and what to do.
//
// It warns too of IDs that are the text of a missing value ("nan",
// "NULL", "#N/A": see placeholderLike): every row without a customer is
// then one customer, often the largest of the file, which would lead its
// RFM segment and grade and weigh in every fit.
func reportFloatIDs(e *env, name string, n int, id func(i int) customer.ID) {
	count, first := 0, customer.ID("")
	sci, firstSci := 0, customer.ID("")
	missing, firstMissing := 0, customer.ID("")
	for i := range n {
		c := id(i)
		switch {
		case floatLike(string(c)):
			if count == 0 {
				first = c
			}
			count++
		case sciLike(string(c)):
			if sci == 0 {
				firstSci = c
			}
			sci++
		case placeholderLike(string(c)):
			// The least in byte order, so that the readers, whose
			// customers come in different orders, name the same one.
			if missing == 0 || c < firstMissing {
				firstMissing = c
			}
			missing++
		}
	}
	if missing > 0 {
		look := "look like the text of a missing value"
		if missing == 1 {
			look = "looks like the text of a missing value"
		}
		fmt.Fprintf(e.stderr, "crm: %s: %s %s (%q), as pandas, R, a database or a spreadsheet writes an empty cell: each is one customer here, made of all the rows without a customer; empty those cells (such rows are then an error, or skipped with -skip-invalid) or drop the rows\n",
			name, counted(missing, "customer ID"), look, string(firstMissing))
	}
	if sci > 0 {
		look := "look like numbers"
		if sci == 1 {
			look = "looks like a number"
		}
		fmt.Fprintf(e.stderr, "crm: %s: %s %s in scientific notation (%q), as a spreadsheet writes a long numeric ID, keeping only its first digits: customers whose IDs differ in the digits lost are one customer here; format the ID column as text before saving the export\n",
			name, counted(sci, "customer ID"), look, string(firstSci))
	}
	if count > 0 {
		look := "look like whole numbers written as floats"
		if count == 1 {
			look = "looks like a whole number written as a float"
		}
		fmt.Fprintf(e.stderr, "crm: %s: %s %s (%q): taken as written, not as %s; a column of IDs with blanks read by a spreadsheet or pandas writes them so\n",
			name, counted(count, "customer ID"), look, string(first), strings.SplitN(string(first), ".", 2)[0])
	}
}

// reportFullPrice warns on stderr of the customers whose full-price net
// is below zero (input.Table.FullPriceBelowZero): their refund rows with
// a discount of 0, goods sold at full price coming back, paid back more
// than their sales without a discount brought in. Refunds of goods bought
// before the export do this, and so does an export that writes discount
// 0 on every refund row, whatever the discount of the goods was, which
// gives such customers a full-price share of 0. The
// warning says how many there are, the first, and what to do. Without a
// discount column no customer is so.
func reportFullPrice(e *env, name string, t *input.Table) {
	n, first := t.FullPriceBelowZero()
	if n == 0 {
		return
	}
	have, their := "have", "their"
	if n == 1 {
		have, their = "has", "its"
	}
	fmt.Fprintf(e.stderr, "crm: %s: %s (%q) %s more refunded at full price (refund rows with discount 0) than bought at full price: %s full-price share is 0; refunds of goods bought before the export do this, and so does an export that writes discount 0 on refunds of discounted goods: leave the discount empty on refund rows whose discount it does not know\n",
		name, counted(n, "customer"), string(first), have, their)
}

// sciLike reports whether s is a number in the scientific notation of
// spreadsheets and pandas: a digit, optionally a point and digits, then
// E or e, a sign and two digits or more ("1.23457E+11", "4e+15").
func sciLike(s string) bool {
	if len(s) < 5 || s[0] < '0' || s[0] > '9' {
		return false
	}
	i := 1
	if s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i+3 > len(s) || s[i]|0x20 != 'e' || s[i+1] != '+' && s[i+1] != '-' {
		return false
	}
	exp := s[i+2:]
	if len(exp) < 2 {
		return false
	}
	for j := 0; j < len(exp); j++ {
		if exp[j] < '0' || exp[j] > '9' {
			return false
		}
	}
	return true
}

// placeholderLike reports whether s, in any case, is the text that a
// program writes for a missing value: "nan" (pandas, of a blank cell of a
// column turned into text), "NaT", "<NA>" and "None" (pandas and Python),
// "NA" (R), "NULL" and "nil" (databases, JSON, Go), "#N/A" and "N/A"
// (spreadsheets), "undefined" (JavaScript).
func placeholderLike(s string) bool {
	switch strings.ToLower(s) {
	case "nan", "nat", "<na>", "none", "na", "n/a", "#n/a", "null", "nil", "undefined":
		return true
	}
	return false
}

// floatLike reports whether s is digits, a point and zeros only: "12346.0".
func floatLike(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) || s[i] != '.' || i == len(s)-1 {
		return false
	}
	for _, c := range s[i+1:] {
		if c != '0' {
			return false
		}
	}
	return true
}

// reportPassedOver ends the line of counts of a read with the count of
// the blank rows passed over (every field empty, or an empty line), and
// that of the rows that repeat the header (as two exports put one after
// the other have), when there were any: they carry no data, but nothing
// is dropped silently.
func reportPassedOver(e *env, blank, headers int64) {
	if blank > 0 {
		fmt.Fprintf(e.stderr, "; %s (no field filled) passed over", counted(blank, "blank row"))
	}
	if headers > 0 {
		fmt.Fprintf(e.stderr, "; %s passed over", counted(headers, "repeated header row"))
	}
}

// same reports whether k holds the skipped rows of o: their count, their
// errors listed and their count by fault.
func (k *skipped) same(o skipped) bool {
	if k == nil || k.n != o.n || len(k.errs) != len(o.errs) || !slices.Equal(k.skips, o.skips) {
		return false
	}
	for i, err := range o.errs {
		if err.Error() != k.errs[i].Error() {
			return false
		}
	}
	return true
}

// output is where data goes: stdout; a regular file, written through a
// temporary file in the same directory and renamed by commit; or a device
// or named pipe (/dev/null, a FIFO), written directly, since renaming over
// it would replace it. A file replaced keeps its permissions, and a
// symbolic link stays one: the file it points to is replaced, or created
// when the link dangles (outTarget).
type output struct {
	w      *bufio.Writer
	f      *os.File
	path   string      // as given, for messages
	target string      // path with its symbolic links resolved, renamed onto
	mode   os.FileMode // the permissions of the file committed
	direct bool        // f is path itself, not a temporary file
	done   bool
}

// createOutput opens path ("" or "-" for stdout). Every problem with
// path found here, before any work (a directory, no directory, a
// directory where no file can be created, a device that cannot be
// opened), is a usage error, as a -in that cannot be opened is; a write
// that fails later is a run-time error.
func createOutput(e *env, path string) (*output, error) {
	if path == "" || path == "-" {
		return &output{w: bufio.NewWriterSize(e.stdout, 64<<10)}, nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, usagef("-out %s: is a directory", path)
	} else if err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, usagef("-out: %v", err)
		}
		return &output{w: bufio.NewWriterSize(f, 256<<10), f: f, path: path, direct: true}, nil
	}
	// A new file is readable by all (0644); one replaced keeps its mode.
	target, err := outTarget(path)
	if err != nil {
		return nil, usagef("-out %s: %v", path, err)
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(target); err == nil {
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(target)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if target != path {
			return nil, usagef("-out %s: a symbolic link to %s: no directory %s", path, target, dir)
		}
		return nil, usagef("-out %s: no directory %s", path, dir)
	}
	f, err := temps.create(dir, "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary file's name would only confuse
		}
		return nil, usagef("-out %s: %v", path, err)
	}
	return &output{w: bufio.NewWriterSize(f, 256<<10), f: f, path: path, target: target, mode: mode}, nil
}

// maxLinks is the number of symbolic links outTarget follows before it
// takes them for a loop, as Linux's path resolution does (MAXSYMLINKS).
const maxLinks = 40

// outTarget returns the file that writing path writes: path with its
// symbolic links resolved. A link that dangles, whose file does not
// exist yet, is followed too: its file is the one created, and the link
// stays a link, as the shell's > creates the file a dangling link names;
// renaming over the link itself would turn it into a regular file. A
// path whose directory does not exist is returned as it is (the caller
// says so); a loop of links is an error.
func outTarget(path string) (string, error) {
	if t, err := filepath.EvalSymlinks(path); err == nil {
		return t, nil
	}
	p := path
	for range maxLinks {
		// The directory first, so that a relative link is read from
		// where it is: "../t.csv" in a directory reached through a
		// link is not lexically ../t.csv.
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return p, nil
		}
		p = filepath.Join(dir, filepath.Base(p))
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(dir, dest)
		}
		p = dest
	}
	return "", errors.New("too many levels of symbolic links")
}

// temps are the temporary files of the outputs not yet committed or
// aborted, which removeTemps deletes when the command is interrupted.
var temps = tempFiles{names: map[string]bool{}}

type tempFiles struct {
	mu    sync.Mutex
	names map[string]bool
}

// create creates a temporary file as os.CreateTemp does and adds it,
// under the lock that removeTemps takes, so that an interrupt never
// comes between the two and leaves the file behind.
func (t *tempFiles) create(dir, pattern string) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := os.CreateTemp(dir, pattern)
	if err == nil {
		t.names[f.Name()] = true
	}
	return f, err
}

func (t *tempFiles) done(name string) {
	t.mu.Lock()
	delete(t.names, name)
	t.mu.Unlock()
}

// removeTemps deletes the temporary files of the open outputs, so that
// an interrupted command leaves nothing behind.
func removeTemps() {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	for name := range temps.names {
		os.Remove(name)
	}
	clear(temps.names)
}

// writeError is the error of a failed write to the output named name.
// The operating system's error is named by its cause alone: it names
// the same file, or the temporary file written in its place.
func writeError(name string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("write %s: %w", name, err)
}

// Write writes to the buffered output.
func (o *output) Write(p []byte) (int, error) { return o.w.Write(p) }

// commit flushes the output and, for a file, moves it into place.
func (o *output) commit() error {
	if err := o.w.Flush(); err != nil {
		o.abort()
		return writeError(o.name(), err)
	}
	if o.f == nil {
		o.done = true
		return nil
	}
	if o.direct {
		o.done = true
		if err := o.f.Close(); err != nil {
			return writeError(o.path, err)
		}
		return nil
	}
	tmp := o.f.Name()
	defer temps.done(tmp)
	err := o.f.Chmod(o.mode)
	if err == nil {
		err = o.f.Sync()
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, o.target)
	}
	if err != nil {
		os.Remove(tmp)
		return writeError(o.path, err)
	}
	o.done = true
	return nil
}

// abort removes the temporary file of an output not committed; it is a
// no-op after commit.
func (o *output) abort() {
	if o == nil || o.done {
		return
	}
	o.done = true
	if o.f != nil {
		o.f.Close()
		if !o.direct {
			os.Remove(o.f.Name())
			temps.done(o.f.Name())
		}
	}
}

func (o *output) name() string {
	if o.f == nil {
		return "stdout"
	}
	return o.path
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress reports on stderr how the reading of an input goes, "crm: "
// first as in crm's other notes on stderr: on a terminal, one line
// rewritten in place four times a second; elsewhere (a log file, a
// pipe), a line of its own every logEvery, the first when the read has
// taken that long, so that a long run in a batch job shows that it moves
// and a short one writes nothing more.
type progress struct {
	w     io.Writer
	name  string
	size  int64
	start time.Time
	last  time.Time
	shown bool
	lines bool // not a terminal: whole lines, every logEvery
	now   func() time.Time
}

// logEvery is the interval of the progress lines written to a log.
const logEvery = 10 * time.Second

// newProgress returns the progress of reading the input name of size
// bytes (-1 when unknown), reported on w.
func newProgress(w io.Writer, name string, size int64) *progress {
	return newProgressAt(w, name, size, !isTerminal(w), time.Now)
}

// newProgressAt is newProgress with the kind of w and the clock given.
func newProgressAt(w io.Writer, name string, size int64, lines bool, now func() time.Time) *progress {
	t := now()
	return &progress{w: w, name: name, size: size, start: t, last: t, lines: lines, now: now}
}

func (p *progress) update(rows, bytes int64) {
	now := p.now()
	every := 250 * time.Millisecond
	if p.lines {
		every = logEvery
	}
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	line := progressLine(p.name, rows, bytes, p.size, now.Sub(p.start))
	if p.lines {
		fmt.Fprintf(p.w, "crm: %s\n", strings.TrimRight(line, " "))
		return
	}
	p.shown = true
	fmt.Fprintf(p.w, "\rcrm: %s", line)
}

// progressLine formats "orders.csv: 1.2M rows, 35% of 1.4GB, 2.1M rows/s",
// padded with three spaces to blank the end of a longer line before it.
func progressLine(name string, rows, bytes, size int64, elapsed time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s rows", name, si(float64(rows)))
	if size > 0 {
		fmt.Fprintf(&b, ", %d%% of %sB", bytes*100/size, si(float64(size)))
	}
	if s := elapsed.Seconds(); s > 0 {
		fmt.Fprintf(&b, ", %s rows/s", si(float64(rows)/s))
	}
	b.WriteString("   ")
	return b.String()
}

// done clears the line of a terminal.
func (p *progress) done() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// si formats x with a k, M or G suffix.
func si(x float64) string {
	switch {
	case x >= 1e9:
		return strconv.FormatFloat(x/1e9, 'f', 1, 64) + "G"
	case x >= 1e6:
		return strconv.FormatFloat(x/1e6, 'f', 1, 64) + "M"
	case x >= 1e3:
		return strconv.FormatFloat(x/1e3, 'f', 1, 64) + "k"
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

// num formats x as appendNum does.
func num(x float64) string { return string(appendNum(nil, x)) }
