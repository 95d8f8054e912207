package input

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// DefaultCurrency is the currency of rows that name none, unless
// [Options.Currency] says otherwise. The CDNOW data are in US dollars.
const DefaultCurrency customer.Currency = "USD"

// MaxReportedErrors is the number of skipped-row errors kept in
// [Result.Errors].
const MaxReportedErrors = 10

// ProgressEvery is the number of rows between two Progress calls.
const ProgressEvery = 1 << 16

// Options configure [Summarize].
type Options struct {
	// AsOf is the day of the analysis: rows dated after it are counted in
	// Result.Later and left out.
	AsOf customer.Date
	// Currency of rows without a currency; DefaultCurrency when empty.
	Currency customer.Currency
	// Only, when not empty, is the one currency read: a row in another
	// (its own, or Currency when it names none) is left out before
	// anything else reads it, whatever else it holds, and counted in
	// Result.Others (see the package comment, "Currencies"). Empty, a
	// file holds one currency, and a row in another is malformed.
	Only customer.Currency
	// Kind of customers whose rows name none; consumer when zero.
	Kind customer.Kind
	// Margin is the gross margin assumed for rows without a cost; zero
	// means customer.DefaultMargin.
	Margin decimal.Decimal
	// SkipInvalid skips malformed rows (counting them) instead of stopping.
	SkipInvalid bool
	// Progress, if not nil, is called every ProgressEvery rows (or every
	// Every rows when Every > 0) with the rows and bytes read so far.
	Progress func(rows, bytes int64)
	Every    int64
	// KeepEarlier asks [ScanCSV] to keep also the state of each
	// customer as of Earlier, a day before AsOf ([Table.EarlierOf]), so
	// that the summaries as of both days come from one read. Summarize
	// does not keep it.
	KeepEarlier bool
	Earlier     customer.Date
}

// Result is the outcome of [Summarize].
type Result struct {
	// Summaries holds one summary per customer with a row on or before
	// AsOf, sorted by customer ID in the order of [salesrow.CompareIDs].
	Summaries []*customer.Summary
	// Rows is the number of data rows read, valid or not; blank rows
	// are none.
	Rows int64
	// Blank is the number of blank rows passed over: the rows whose
	// every field is empty (salesrow.Blank), whatever their number of
	// fields, and the empty lines after the header; in the CDNOW
	// format, the lines without a field ([CDNOWReader.Blank]). It is 0
	// for a Reader that is no BlankCounter.
	Blank int64
	// Headers is the number of rows passed over because they repeat the
	// header (salesrow.Layout.RepeatsHeader; in the CDNOW format,
	// [CDNOWReader.Headers]), as two exports put one after the other
	// have; they are not in Rows either. It is 0 for a Reader that is no
	// HeaderCounter.
	Headers int64
	// Later is the number of valid rows dated after AsOf.
	Later int64
	// Skipped is the number of malformed rows skipped.
	Skipped int64
	// Errors are the first MaxReportedErrors errors of skipped rows.
	Errors []error
	// Skips counts all the skipped rows by column and kind of reason
	// ([RowError.Kind]), most rows first, then by column and by kind.
	Skips []Skip
	// Currency is the currency of the file: Options.Only when given.
	Currency customer.Currency
	// Others counts the rows left out for their currency
	// (Options.Only), by currency, most rows first, then by code. They
	// are in Rows, and in no other count.
	Others []CurrencyRows
}

// CurrencyRows is the number of rows in one currency that a read with
// [Options.Only] left out.
type CurrencyRows struct {
	Currency customer.Currency // the rows' currency
	Rows     int64             // how many rows were left out
}

// currencyCounts counts the rows left out for their currency. It is
// touched only for such a row. A count is held by pointer, so that
// adding to it stores no key: an assignment to a map stores its string
// key again, and the key of a row points into a block that is reused.
type currencyCounts map[customer.Currency]*int64

// add counts a row in cur, whose text may point into a block: a code
// seen first is cloned.
func (k *currencyCounts) add(cur customer.Currency) {
	if p := (*k)[cur]; p != nil {
		*p++
		return
	}
	k.put(customer.Currency(strings.Clone(string(cur))), 1)
}

// put adds n rows in cur, a code that is kept.
func (k *currencyCounts) put(cur customer.Currency, n int64) {
	if *k == nil {
		*k = currencyCounts{}
	}
	if p := (*k)[cur]; p != nil {
		*p += n
		return
	}
	(*k)[cur] = &n
}

// merge adds the counts of o to k.
func (k *currencyCounts) merge(o currencyCounts) {
	for cur, n := range o {
		k.put(cur, *n)
	}
}

// total is the number of rows counted.
func (k currencyCounts) total() int64 {
	var n int64
	for _, v := range k {
		n += *v
	}
	return n
}

// sorted returns the counts, most rows first, then by code: the same
// for the same rows, however they were read; nil when there is none.
func (k currencyCounts) sorted() []CurrencyRows {
	if len(k) == 0 {
		return nil
	}
	out := make([]CurrencyRows, 0, len(k))
	for cur, n := range k {
		out = append(out, CurrencyRows{Currency: cur, Rows: *n})
	}
	slices.SortFunc(out, func(a, b CurrencyRows) int {
		if a.Rows != b.Rows {
			return cmp.Compare(b.Rows, a.Rows)
		}
		return cmp.Compare(a.Currency, b.Currency)
	})
	return out
}

// currencyFilter is a Reader that can leave out, itself, the rows in
// another currency than Options.Only that it would report malformed, as
// [CSVReader] and [CDNOWReader] do: it reads the currency of a row
// first. Summarize leaves out the rows that parse.
type currencyFilter interface {
	// filterCurrency makes the reader pass over, and count in others,
	// the rows whose currency (def when they name none) is a code other
	// than only, malformed but of the header's number of fields.
	filterCurrency(only, def customer.Currency, others *currencyCounts)
}

// otherCurrency reads s, the currency field of a row ("" when the file
// has none), as salesrow does (trimmed, in any case), def when it is
// empty: it returns the currency and true when that is a code other
// than only, and tells whether the field was empty (the row is then in
// the default, and may yet be a blank row or the header again).
func otherCurrency(s string, only, def customer.Currency) (cur customer.Currency, other, empty bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, def != only, true
	}
	c, err := customer.ParseCurrency(strings.ToUpper(s))
	if err != nil || c == only {
		return "", false, false
	}
	return c, true, false
}

type account struct {
	s      customer.Summary
	orders orderSet
	// stated is set once a row of the customer states its kind; until
	// then s.Kind is the default (Options.Kind).
	stated bool
}

// Summarize reads every row of r and returns the per-customer summaries as
// of o.AsOf. The first malformed row stops it with a [*RowError] unless
// o.SkipInvalid is set; a file without data rows (blank rows are none)
// returns an error wrapping [ErrNoRows]. When r is a [BlankCounter],
// Result.Blank counts the blank rows it passed over, and when it is a
// [HeaderCounter], Result.Headers the repeated header rows. A file holds one
// currency: a row in another currency is malformed, unless o.Only is
// given, which leaves out the rows in other currencies (a [CSVReader] or
// [CDNOWReader] passed as r is set to pass over those that are
// malformed). A rejected row changes no summary.
func Summarize(r Reader, name string, o Options) (*Result, error) {
	if o.Currency == "" {
		o.Currency = DefaultCurrency
	}
	if !o.Currency.Valid() {
		return nil, fmt.Errorf("unknown currency %q", string(o.Currency))
	}
	if o.Only != "" && !o.Only.Valid() {
		return nil, fmt.Errorf("unknown currency %q", string(o.Only))
	}
	if o.Kind == 0 {
		o.Kind = customer.Consumer
	}
	if o.Every <= 0 {
		o.Every = ProgressEvery
	}
	sopts := &customer.SummaryOptions{DefaultMargin: o.Margin}
	res := &Result{Currency: o.Only}
	accounts := make(map[string]*account)
	in := interner{}
	var sk skips
	// others are the rows left out for their currency that parse;
	// passed those the reader passed over.
	var others, passed currencyCounts
	if f, ok := r.(currencyFilter); ok && o.Only != "" {
		f.filterCurrency(o.Only, o.Currency, &passed)
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		var re *RowError
		if err != nil && !errors.As(err, &re) {
			return nil, err
		}
		res.Rows++
		if o.Progress != nil && res.Rows%o.Every == 0 {
			o.Progress(res.Rows, r.Offset())
		}
		if err == nil {
			re = add(accounts, in, row, name, &o, sopts, res, &others)
		}
		if re != nil {
			if !o.SkipInvalid {
				return nil, re
			}
			res.Skipped++
			sk.add(re)
			if len(res.Errors) < MaxReportedErrors {
				res.Errors = append(res.Errors, re)
			}
		}
	}
	if bc, ok := r.(BlankCounter); ok {
		res.Blank = bc.Blank()
	}
	if hc, ok := r.(HeaderCounter); ok {
		res.Headers = hc.Headers()
	}
	res.Rows += passed.total()
	others.merge(passed)
	res.Others = others.sorted()
	if res.Rows == 0 {
		return nil, noRows(name, res.Blank, res.Headers)
	}
	if res.Currency == "" {
		res.Currency = o.Currency
	}
	res.Skips = sk.sorted()
	res.Summaries = make([]*customer.Summary, 0, len(accounts))
	for _, a := range accounts {
		a.orders = orderSet{}
		res.Summaries = append(res.Summaries, &a.s)
	}
	slices.SortFunc(res.Summaries, func(a, b *customer.Summary) int {
		return salesrow.CompareIDs(string(a.CustomerID), string(b.CustomerID))
	})
	return res, nil
}

// noRows is the error of file name when it has no data rows; blank is
// the number of blank rows it has, headers that of repeated header rows.
func noRows(name string, blank, headers int64) error {
	if blank == 0 && headers == 0 {
		return fmt.Errorf("%s: %w (only a header, or nothing)", name, ErrNoRows)
	}
	parts := []string{"a header"}
	if blank > 0 {
		parts = append(parts, plural(blank, "blank row"))
	}
	if headers > 0 {
		parts = append(parts, plural(headers, "repeated header row"))
	}
	last := len(parts) - 1
	return fmt.Errorf("%s: %w (only %s and %s)", name, ErrNoRows, strings.Join(parts[:last], ", "), parts[last])
}

// plural returns "1 row" or "n rows" for what, "row".
func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// currencyError is the error of a row, on line line, whose currency cur
// is not the file's: the row's own (given), or the default when the row
// gives none. It says how to read such a file: one currency at a time
// (Options.Only, crm's -only-currency).
func currencyError(name string, line int, given, cur, file customer.Currency) *RowError {
	var re *RowError
	each := fmt.Sprintf("analyse one at a time with -only-currency %s or -only-currency %s", file, cur)
	if given == "" {
		re = valueError(name, line, ColCurrency, "", fmt.Sprintf("empty, so %s (the default); the file is in %s, and one file holds one currency (-currency %s makes %s the default; or %s)", cur, file, file, file, each))
	} else {
		re = valueError(name, line, ColCurrency, string(cur), fmt.Sprintf("the file is in %s, and one file holds one currency: %s", file, each))
	}
	re.Kind = kindCurrency
	return re
}

// add adds one valid row; it returns a *RowError, and changes nothing,
// when the row cannot be added. A row in another currency than o.Only,
// when given, is counted in others and changes nothing else.
func add(accounts map[string]*account, in interner, row *Row, name string, o *Options, sopts *customer.SummaryOptions, res *Result, others *currencyCounts) *RowError {
	cur := row.Currency
	if cur == "" {
		cur = o.Currency
	} else {
		cur = customer.Currency(in.get(string(cur)))
	}
	if o.Only != "" {
		if cur != o.Only {
			others.add(cur)
			return nil
		}
	} else if res.Currency == "" {
		res.Currency = cur
	} else if cur != res.Currency {
		return currencyError(name, row.Line, row.Currency, cur, res.Currency)
	}
	if row.Date > o.AsOf {
		res.Later++
		return nil
	}
	a := accounts[row.CustomerID]
	fresh := a == nil
	if fresh {
		a = &account{s: *customer.NewSummary(customer.ID(strings.Clone(row.CustomerID)), o.Kind, o.AsOf.Time(), sopts)}
	}
	if re := a.add(row, orderKey(row.OrderID, row.Date), cur, in.get(row.Category), name); re != nil {
		return re
	}
	if fresh {
		accounts[string(a.s.CustomerID)] = a
	}
	return nil
}

// add adds one valid row, dated on or before the summary's as-of day, to
// a with the rules of salesrow.Add; key is the row's order key, cur its
// currency and category its category, interned. It returns a *RowError,
// and changes nothing, when the row cannot be added.
//
// The kind of a customer is the one its rows state: the first row that
// states one sets it (until then the summary holds the default kind), and
// a row stating another is rejected, in whatever order the rows come.
func (a *account) add(row *Row, key uint64, cur customer.Currency, category, name string) *RowError {
	r := row.Row
	r.Category = category
	kind := a.s.Kind
	if r.Kind != 0 && !a.stated {
		a.s.Kind = r.Kind
	}
	o := a.orders.get(key)
	before := o
	if fe := salesrow.Add(&a.s, &r, cur, &o); fe != nil {
		a.s.Kind = kind
		return rowError(name, row.Line, fe)
	}
	if r.Kind != 0 {
		a.stated = true
	}
	if o != before {
		a.orders.set(key, o)
	}
	return nil
}

// interner shares one copy of each distinct short string (categories,
// currency codes) that summaries keep, so that no summary holds on to the
// memory of the line it was read from.
type interner map[string]string

func (in interner) get(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in[s]; ok {
		return c
	}
	c := strings.Clone(s)
	in[c] = c
	return c
}
