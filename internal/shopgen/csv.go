package shopgen

import (
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// CSVColumns are the columns [WriteCSV] writes, in order. The `csv`
// input format of the crm command (see the crm command's documentation)
// reads customer_id, date, order_id, category, quantity, discount,
// amount, cost, currency and kind; the others are extra, and readers
// that find columns by name ignore them:
//
//   - customer_id, date (YYYY-MM-DD, the day of the order or return in
//     its time's location), order_id, line_id (unique within the order);
//   - sku, category, season (the collection, "2025-AW"), size, colour;
//   - channel (store, online, social, wholesale) and store;
//   - quantity: units, negative on a return row;
//   - unit_price, discount: the line's list price per unit and the
//     discount on the row, so that amount = quantity × unit_price −
//     discount on sale and refund rows;
//   - amount: what the customer paid for the row, negative for a refund;
//   - cost: cost of goods of the row (quantity × unit cost), negative for
//     a refund, empty when the unit cost is unknown;
//   - currency, kind (consumer or intermediary), role (dealer,
//     franchisee, wholesaler, agent; empty for consumers);
//   - type: sale, return (a refund) or exchange; reason: the return
//     reason on return and exchange rows.
//
// An exchange row has the returned units as a negative quantity, amount
// and cost 0 and an empty discount: the units came back and others went
// out, no money moved.
var CSVColumns = []string{
	"customer_id", "date", "order_id", "line_id", "sku", "category", "season", "size", "colour",
	"channel", "store", "quantity", "unit_price", "discount", "amount", "cost", "currency",
	"kind", "role", "type", "reason",
}

// CSVOptions configure [WriteCSV]. A nil *CSVOptions means the defaults.
type CSVOptions struct {
	// NoHeader leaves out the header row (to append shards to one file).
	NoHeader bool
	// Workers is the number of goroutines of [Generator.WriteCSV]; 0 or
	// less means GOMAXPROCS. The output does not depend on it; WriteCSV
	// ignores it.
	Workers int
}

// WriteCSV writes one row per order line and per returned line of every
// record, in the columns of [CSVColumns], and returns the number of data
// rows written.
//
// Rows come customer by customer, in the order of records; within a
// customer, in time order (an order's rows before the rows of a return of
// the same instant; within an order or return, in line order). The file
// as a whole is therefore not sorted by date: a reader must not assume it
// is (the crm command does not), and `sort -t, -k2,2 -s` sorts it by date
// if needed. A return row carries the order_id of its order and the date
// of the return.
//
// WriteCSV writes in blocks of about 256 KiB; it returns the first write
// error. [Generator.WriteCSV] writes the same bytes using every core.
func WriteCSV(w io.Writer, records iter.Seq[Record], opts *CSVOptions) (rows int64, err error) {
	var cw csvWriter
	if opts == nil || !opts.NoHeader {
		cw.header()
	}
	for rec := range records {
		if err := cw.record(&rec); err != nil {
			return cw.rows, err
		}
		if len(cw.out) >= 256<<10 {
			if _, err := w.Write(cw.out); err != nil {
				return cw.rows, err
			}
			cw.out = cw.out[:0]
		}
	}
	if len(cw.out) > 0 {
		if _, err := w.Write(cw.out); err != nil {
			return cw.rows, err
		}
	}
	return cw.rows, nil
}

// csvWriter appends CSV rows to out.
type csvWriter struct {
	out  []byte
	rows int64
	// plain skips the quoting check: set only for records of a Generator,
	// whose strings never need quotes (see Config.validate).
	plain bool
	// fx holds the amounts of the current record of a lean worker.
	fx *fxTable
	// the last UTC day written and its text, for appendDate
	day     int64
	dayText [10]byte
}

func (cw *csvWriter) header() {
	for i, c := range CSVColumns {
		if i > 0 {
			cw.out = append(cw.out, ',')
		}
		cw.out = append(cw.out, c...)
	}
	cw.out = append(cw.out, '\n')
}

func (cw *csvWriter) record(rec *Record) error {
	i, j := 0, 0
	for i < len(rec.Orders) || j < len(rec.Returns) {
		if j == len(rec.Returns) || (i < len(rec.Orders) && !rec.Returns[j].Time.Before(rec.Orders[i].Time)) {
			o := &rec.Orders[i]
			digits := o.Currency.Digits()
			for k := range o.Lines {
				cw.row(rec, o, &o.Lines[k], nil, 0, digits, cw.fx.line(i, k))
			}
			i++
			continue
		}
		r := &rec.Returns[j]
		j++
		oi := orderIndex(rec, r.OrderID)
		if oi < 0 {
			return fmt.Errorf("shopgen: csv: customer %q: return %q: order %q: %w", rec.Customer.ID, r.ID, r.OrderID, customer.ErrNotFound)
		}
		o := &rec.Orders[oi]
		digits := o.Currency.Digits()
		for _, rl := range r.Lines {
			k := lineIndex(o, rl.LineID)
			if k < 0 {
				return fmt.Errorf("shopgen: csv: customer %q: return %q: order %q has no line %q", rec.Customer.ID, r.ID, o.ID, rl.LineID)
			}
			cw.row(rec, o, &o.Lines[k], r, rl.Quantity, digits, cw.fx.line(oi, k))
		}
	}
	return nil
}

// orderIndex returns the index of the order with id in rec, or -1.
func orderIndex(rec *Record, id string) int {
	for i := len(rec.Orders) - 1; i >= 0; i-- {
		if rec.Orders[i].ID == id {
			return i
		}
	}
	return -1
}

// lineIndex returns the index of the line with id in o, or -1.
func lineIndex(o *customer.Order, id string) int {
	for k := range o.Lines {
		if o.Lines[k].ID == id {
			return k
		}
	}
	return -1
}

// lineFx is a generated line's amounts in minor units, which a lean
// worker keeps beside its record (whose line discounts it leaves zero) so
// that the export formats them without decimal arithmetic. Generated
// discounts are whole minor units per unit, so every returned share is
// exact.
type lineFx struct{ price, disc, cost int64 } // unit price, line discount, unit cost

// fxTable holds the lineFx of one record: orders[i] is the index in lines
// of order i's first line.
type fxTable struct {
	lines  []lineFx
	orders []int32
}

// line returns the amounts of line k of order i, or nil without a table.
func (t *fxTable) line(i, k int) *lineFx {
	if t == nil {
		return nil
	}
	return &t.lines[int(t.orders[i])+k]
}

// row writes one sale row (r == nil) or one returned line (qty < 0).
func (cw *csvWriter) row(rec *Record, o *customer.Order, l *customer.Line, r *customer.Return, qty int, digits int32, f *lineFx) {
	b := cw.out
	b = cw.field(b, string(rec.Customer.ID))
	b = append(b, ',')
	t := o.Time
	if r != nil {
		t = r.Time
	}
	b = cw.appendDate(b, t)
	b = append(b, ',')
	b = cw.field(b, o.ID)
	b = append(b, ',')
	b = cw.field(b, l.ID)
	b = append(b, ',')
	b = cw.field(b, l.SKU)
	b = append(b, ',')
	b = cw.field(b, l.Category)
	b = append(b, ',')
	b = cw.field(b, l.Season)
	b = append(b, ',')
	b = cw.field(b, l.Size)
	b = append(b, ',')
	b = cw.field(b, l.Colour)
	b = append(b, ',')
	if o.Channel.Valid() {
		b = append(b, o.Channel.String()...)
	}
	b = append(b, ',')
	b = cw.field(b, o.Store)
	b = append(b, ',')
	sold := l.Quantity
	if r == nil {
		qty = sold
	}
	b = strconv.AppendInt(b, int64(qty), 10)
	b = append(b, ',')
	p, pok := int64(0), true
	if f != nil {
		p = f.price
	} else {
		p, pok = fixed(l.UnitPrice, digits)
	}
	if pok {
		b = appendFixed(b, p, digits)
	} else {
		b = appendMoney(b, l.UnitPrice, digits)
	}
	b = append(b, ',')
	exchange := r != nil && r.Kind == customer.Exchange
	switch {
	case exchange:
		b = append(b, ',')
		b = appendMoney(b, decimal.Zero, digits)
		b = append(b, ',')
		if l.UnitCost.Valid {
			b = appendMoney(b, decimal.Zero, digits)
		}
	default:
		b = cw.amounts(b, l, f, qty, sold, digits, p, pok)
	}
	b = append(b, ',')
	b = append(b, o.Currency...)
	b = append(b, ',')
	if rec.Customer.Kind.Valid() {
		b = append(b, rec.Customer.Kind.String()...)
	}
	b = append(b, ',')
	if rec.Customer.Role.Valid() {
		b = append(b, rec.Customer.Role.String()...)
	}
	b = append(b, ',')
	switch {
	case r == nil:
		b = append(b, "sale,"...)
	case exchange:
		b = append(b, "exchange,"...)
	default:
		b = append(b, "return,"...)
	}
	if r != nil && r.Reason.Valid() {
		b = append(b, r.Reason.String()...)
	}
	b = append(b, '\n')
	cw.out = b
	cw.rows++
}

// amounts appends "discount,amount,cost" of qty of the sold units of l
// (qty < 0 for returned units, which get their pro rata share of the
// line's discount).
func (cw *csvWriter) amounts(b []byte, l *customer.Line, f *lineFx, qty, sold int, digits int32, p int64, ok1 bool) []byte {
	var d, c int64
	ok2, ok3 := true, true
	if f != nil {
		d, c = f.disc, f.cost
	} else {
		d, ok2 = fixed(l.Discount, digits)
		if l.UnitCost.Valid {
			c, ok3 = fixed(l.UnitCost.Decimal, digits)
		}
	}
	q, s := int64(qty), int64(sold)
	if f != nil || ok1 && ok2 && ok3 && (qty == sold || d*q%s == 0) {
		disc := d * q / s
		b = appendFixed(b, disc, digits)
		b = append(b, ',')
		b = appendFixed(b, q*p-disc, digits)
		b = append(b, ',')
		if l.UnitCost.Valid {
			b = appendFixed(b, q*c, digits)
		}
		return b
	}
	// Exact decimal arithmetic for amounts outside the fast path.
	dq, ds := decimal.NewFromInt(q), decimal.NewFromInt(s)
	disc := l.Discount.Mul(dq).DivRound(ds, digits)
	b = appendMoney(b, disc, digits)
	b = append(b, ',')
	b = appendMoney(b, l.UnitPrice.Mul(dq).Sub(disc), digits)
	b = append(b, ',')
	if l.UnitCost.Valid {
		b = appendMoney(b, l.UnitCost.Decimal.Mul(dq), digits)
	}
	return b
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000}

// fixedLimits[e+fixedBias] is ±10^15 with exponent e, to bound a
// coefficient by [decimal.Decimal.Cmp] without allocating (Cmp of two
// decimals with the same exponent compares their coefficients).
var fixedLimits, fixedNegLimits = func() (pos, neg [32]decimal.Decimal) {
	for i := range pos {
		pos[i] = decimal.New(1e15, int32(i-fixedBias))
		neg[i] = decimal.New(-1e15, int32(i-fixedBias))
	}
	return
}()

const fixedBias = 16

// fixed returns d in units of 10^-digits when that is exact and small
// enough to compute rows with int64 without overflow (|d| < 10^12 units).
func fixed(d decimal.Decimal, digits int32) (int64, bool) {
	e := d.Exponent()
	if e+fixedBias < 0 || e+fixedBias >= int32(len(fixedLimits)) {
		return 0, false
	}
	switch d.Sign() {
	case 0:
		return 0, true
	case 1:
		if d.Cmp(fixedLimits[e+fixedBias]) >= 0 {
			return 0, false
		}
	default:
		if d.Cmp(fixedNegLimits[e+fixedBias]) <= 0 {
			return 0, false
		}
	}
	c := d.CoefficientInt64()
	var v int64
	switch k := e + digits; {
	case k == 0:
		v = c
	case k > 0 && k < int32(len(pow10)):
		v = c * pow10[k]
	case k < 0 && -k < int32(len(pow10)) && c%pow10[-k] == 0:
		v = c / pow10[-k]
	default:
		return 0, false
	}
	if v >= 1e12 || v <= -1e12 {
		return 0, false
	}
	return v, true
}

// appendFixed appends v units of 10^-digits with exactly digits decimals.
func appendFixed(b []byte, v int64, digits int32) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	if digits == 0 {
		return strconv.AppendInt(b, v, 10)
	}
	unit := pow10[digits]
	b = strconv.AppendInt(b, v/unit, 10)
	b = append(b, '.')
	f := v % unit
	for u := unit / 10; u > 0; u /= 10 {
		b = append(b, byte('0'+f/u%10))
	}
	return b
}

// appendMoney appends d with at least digits decimals (more when d has
// more, never rounded).
func appendMoney(b []byte, d decimal.Decimal, digits int32) []byte {
	if v, ok := fixed(d, digits); ok {
		return appendFixed(b, v, digits)
	}
	if -d.Exponent() > digits {
		return append(b, d.String()...)
	}
	return append(b, d.StringFixed(digits)...)
}

// appendDate appends t's calendar day as YYYY-MM-DD, remembering the
// last UTC day (rows of one customer often share a day).
func (cw *csvWriter) appendDate(b []byte, t time.Time) []byte {
	if t.Location() != time.UTC {
		return appendDate(b, t)
	}
	day := t.Unix()
	day = (day - ((day%86400)+86400)%86400) / 86400 // floor division
	if day != cw.day || cw.dayText[0] == 0 {
		if d := appendDate(cw.dayText[:0], t); len(d) != len(cw.dayText) {
			cw.dayText[0] = 0 // a year outside 0..9999: not cached
			return append(b, d...)
		}
		cw.day = day
	}
	return append(b, cw.dayText[:]...)
}

// appendDate appends t's calendar day as YYYY-MM-DD.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y >= 0 && y <= 9999 {
		b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
			byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+d/10), byte('0'+d%10))
		return b
	}
	return t.AppendFormat(b, time.DateOnly)
}

// field appends s as a CSV field.
func (cw *csvWriter) field(b []byte, s string) []byte {
	if cw.plain {
		return append(b, s...)
	}
	return appendField(b, s)
}

// needsQuote marks the bytes that force a CSV field into quotes.
var needsQuote = [256]bool{',': true, '"': true, '\n': true, '\r': true}

// appendField appends s, quoted as RFC 4180 requires when it holds a
// comma, a quote or a line break.
func appendField(b []byte, s string) []byte {
	start := len(b)
	b = append(b, s...)
	for _, c := range b[start:] {
		if needsQuote[c] {
			return appendQuoted(b[:start], s)
		}
	}
	return b
}

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
