package loyalty

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// quoteDoc is the stored form of a Quote. Amounts are strings, so that
// no float ever holds them and "10.50" keeps its two decimals.
type quoteDoc struct {
	Currency    string         `json:"currency"`
	Subtotal    string         `json:"subtotal"`
	Lines       []quoteLineDoc `json:"lines"`
	Deductions  []deductionDoc `json:"deductions"`
	Discount    string         `json:"discount"`
	PointsUsed  Points         `json:"points_used"`
	PointsValue string         `json:"points_value"`
	Total       string         `json:"total"`
	Basket      *basketDoc     `json:"basket"`
}

type quoteLineDoc struct {
	ID       string `json:"id"`
	Amount   string `json:"amount"`
	Discount string `json:"discount"`
	Points   string `json:"points"`
	Total    string `json:"total"`
}

type deductionDoc struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Lines     []string `json:"lines"`
	Amount    string   `json:"amount"`
	Capped    bool     `json:"capped"`
	Requested string   `json:"requested"`
	Explain   string   `json:"explain"`
}

// basketDoc is the basket a quote priced: what Quote keeps unexported.
type basketDoc struct {
	Member string         `json:"member"`
	Time   string         `json:"time"`
	Items  []itemDoc      `json:"items"`
	Priced []quoteLineDoc `json:"priced"`
	// Coupons are the coupons applied; absent when none were, as in
	// quotes stored before coupon uses were recorded.
	Coupons []CouponUse `json:"coupons,omitempty"`
}

type itemDoc struct {
	ID        string  `json:"id"`
	SKU       string  `json:"sku,omitempty"`
	Category  string  `json:"category,omitempty"`
	Season    string  `json:"season,omitempty"`
	Size      string  `json:"size,omitempty"`
	Colour    string  `json:"colour,omitempty"`
	Series    string  `json:"series,omitempty"`
	Quantity  int     `json:"quantity"`
	UnitPrice string  `json:"unit_price"`
	UnitCost  *string `json:"unit_cost,omitempty"`
	Discount  string  `json:"discount"`
}

const quoteRecord = "quote"

// maxStoredDigits is the most digits a stored amount has before or after
// its decimal point, as [customer.ParseAmount] reads them.
const maxStoredDigits = 30

// MarshalJSON writes q with the basket it priced, so that a quote kept
// between requests (in a session store, say) can still be ordered when
// the buyer pays. The object has the exported fields under the names
// "currency", "subtotal", "lines" (each "id", "amount", "discount",
// "points", "total"), "deductions" (each "kind", "name", "lines",
// "amount", "capped", "requested", "explain"), "discount",
// "points_used", "points_value" and "total", and "basket": its "member"
// (empty when anonymous), its "time", its "items" (the order lines with
// their "series"), "priced", a copy of the lines as
// [Programme.Price] computed them, and "coupons", the coupons applied
// (each "code" and, when it has one, "limit", see [CouponUse]), left out
// when none were.
//
// Amounts are JSON strings, never numbers, with as many decimals as
// their exponent says: 10.50 is written "10.50" and read back with the
// same exponent. An amount with a positive exponent (decimal.Zero is one)
// is written as a whole number and read back with exponent 0, an equal
// value. The time is RFC 3339 with nanoseconds and the time's own
// offset (UTC for an offset with seconds, which RFC 3339 cannot write),
// so that the orders and events of the restored quote are the
// original's to the byte: the ledger tells a repeated checkout by its
// content. Points are JSON numbers.
//
// The zero Quote is written as null. MarshalJSON writes nothing that
// [Quote.UnmarshalJSON] would refuse: a quote with no basket (not made
// by Price), or one changed after pricing so that its figures no longer
// add up or its lines no longer match its basket, gets a
// [*customer.ValidationError] naming the fields, as do amounts of more
// than 30 digits before or after the point, a time outside the years
// 0–9999 and text that is not UTF-8.
func (q Quote) MarshalJSON() ([]byte, error) {
	if q.isZero() {
		return []byte("null"), nil
	}
	var pr problems
	if q.storable(&pr, true); len(pr.fields) > 0 {
		return nil, pr.err(quoteRecord)
	}
	at, _ := timeText(q.at)
	doc := quoteDoc{
		Currency: string(q.Currency), Subtotal: mustAmount(q.Subtotal), Lines: quoteLineDocs(q.Lines),
		Deductions: make([]deductionDoc, len(q.Deductions)), Discount: mustAmount(q.Discount),
		PointsUsed: q.PointsUsed, PointsValue: mustAmount(q.PointsValue), Total: mustAmount(q.Total),
		Basket: &basketDoc{Member: string(q.member), Time: at, Items: make([]itemDoc, len(q.items)), Priced: quoteLineDocs(q.lines),
			Coupons: q.coupons},
	}
	for i, d := range q.Deductions {
		doc.Deductions[i] = deductionDoc{Kind: d.Kind.String(), Name: d.Name, Lines: append([]string{}, d.Lines...),
			Amount: mustAmount(d.Amount), Capped: d.Capped, Requested: mustAmount(d.Requested), Explain: d.Explain}
	}
	for i, it := range q.items {
		doc.Basket.Items[i] = itemDoc{ID: it.ID, SKU: it.SKU, Category: it.Category, Season: it.Season, Size: it.Size,
			Colour: it.Colour, Series: it.Series, Quantity: it.Quantity, UnitPrice: mustAmount(it.UnitPrice), Discount: mustAmount(it.Discount)}
		if it.UnitCost.Valid {
			c := mustAmount(it.UnitCost.Decimal)
			doc.Basket.Items[i].UnitCost = &c
		}
	}
	return json.Marshal(doc)
}

// UnmarshalJSON reads a quote written by [Quote.MarshalJSON]. The
// restored quote has the same exported fields and the same basket, so
// [Quote.Order] and [Quote.Checkout] give what they gave for the quote
// that was stored: the same order, lines, amounts and events.
//
// It checks what it reads and reports every bad field at once in a
// [*customer.ValidationError] whose fields are JSON paths
// ("basket.items[1].quantity"), leaving q unchanged: malformed JSON or
// unknown fields; a currency tailor does not know; an amount that is not
// a plain decimal string ([customer.ParseAmount]: no JSON number, no
// exponent, NaN or more than 30 digits before or after the point), or is
// negative (a unit cost may be); negative points; a quantity that is
// not positive or above [customer.MaxLineQuantity]; a missing or non-RFC
// 3339 time; an unknown deduction kind; figures that do not add up (on
// each line amount = discount + points + total; subtotal, discount and
// points_value the sums of the lines'; total = subtotal − discount −
// points_value; the deductions summing to discount and, for points, to
// points_value); and a basket that does not match the lines (one item
// per line, with the same ID in the same place, no ID twice, each
// priced amount the item's quantity × unit price − discount, each
// deduction's lines among them); coupons not in order of code, each
// once, or with an empty code or a negative limit. The JSON null leaves q unchanged, as
// encoding/json does for other values.
//
// What a restored quote proves: the caller's storage is trusted. The
// checks above find a document that is damaged or inconsistent; they
// do not prove that Price made it. The "priced" copy serves as it does
// in memory: a document whose lines or amounts were edited but not the
// copy, even so that the figures still add up (a discount moved to
// another line, a lower total with a larger discount), is read back,
// and [Quote.Order] refuses it as a quote changed after pricing, naming
// the fields, as it refuses an anonymous quote read back. An edit of
// the copy and the basket alike cannot be told from a quote priced that
// way: a caller that does not trust where it keeps quotes should keep
// them out of the buyer's reach (server-side, not in a cookie) or sign
// them.
func (q *Quote) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var doc quoteDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return decodeError(quoteRecord, b, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var p problems
		p.add("(json)", customer.CodeFormat, "trailing data after the quote")
		return p.err(quoteRecord)
	}
	n, read := doc.quote()
	// What could not be read is reported once; the sums are checked
	// only when every amount was read.
	var pr problems
	n.storable(&pr, len(read.fields) == 0)
	reported := make(map[string]bool, len(read.fields))
	for _, f := range read.fields {
		reported[f.Field] = true
	}
	for _, f := range pr.fields {
		if !reported[f.Field] {
			read.fields = append(read.fields, f)
		}
	}
	if err := read.err(quoteRecord); err != nil {
		return err
	}
	*q = n
	return nil
}

// isZero reports whether q is the zero Quote.
func (q *Quote) isZero() bool {
	return q.Currency == "" && len(q.Lines) == 0 && len(q.Deductions) == 0 && q.PointsUsed == 0 &&
		q.Subtotal.IsZero() && q.Discount.IsZero() && q.PointsValue.IsZero() && q.Total.IsZero() &&
		q.member == "" && q.at.IsZero() && q.items == nil && q.lines == nil
}

// quote converts the document and reports every field that cannot be
// read; storable checks what was read.
func (d *quoteDoc) quote() (Quote, *problems) {
	var pr problems
	amount := func(field, s string) decimal.Decimal {
		if s == "" {
			pr.add(field, customer.CodeRequired, "is missing")
			return decimal.Decimal{}
		}
		v, err := customer.ParseAmount(s)
		if err != nil {
			pr.add(field, customer.CodeFormat, "want a plain decimal string such as \"49.90\", got %q", clip(s))
			return decimal.Decimal{}
		}
		return v
	}
	lines := func(prefix string, docs []quoteLineDoc) []QuoteLine {
		if len(docs) == 0 {
			return nil
		}
		ls := make([]QuoteLine, len(docs))
		for i, l := range docs {
			f := fmt.Sprintf("%s[%d].", prefix, i)
			ls[i] = QuoteLine{ID: l.ID, Amount: amount(f+"amount", l.Amount), Discount: amount(f+"discount", l.Discount),
				Points: amount(f+"points", l.Points), Total: amount(f+"total", l.Total)}
		}
		return ls
	}
	q := Quote{
		Currency: customer.Currency(d.Currency), Subtotal: amount("subtotal", d.Subtotal), Lines: lines("lines", d.Lines),
		Discount: amount("discount", d.Discount), PointsUsed: d.PointsUsed,
		PointsValue: amount("points_value", d.PointsValue), Total: amount("total", d.Total),
	}
	for i, dd := range d.Deductions {
		f := fmt.Sprintf("deductions[%d].", i)
		var kind DeductionKind
		if dd.Kind == "" {
			pr.add(f+"kind", customer.CodeRequired, "is missing")
		} else if k, err := ParseDeductionKind(dd.Kind); err != nil {
			pr.add(f+"kind", customer.CodeUnknown, "unknown deduction kind %q", clip(dd.Kind))
		} else {
			kind = k
		}
		x := Deduction{Kind: kind, Name: dd.Name, Amount: amount(f+"amount", dd.Amount), Capped: dd.Capped,
			Requested: amount(f+"requested", dd.Requested), Explain: dd.Explain}
		if len(dd.Lines) > 0 {
			x.Lines = dd.Lines
		}
		q.Deductions = append(q.Deductions, x)
	}
	if b := d.Basket; b != nil {
		q.member = customer.ID(b.Member)
		switch t, err := time.Parse(time.RFC3339Nano, b.Time); {
		case b.Time == "":
			pr.add("basket.time", customer.CodeRequired, "is missing")
		case err != nil:
			pr.add("basket.time", customer.CodeFormat, "want an RFC 3339 time such as \"2026-05-04T15:00:00Z\", got %q", clip(b.Time))
		default:
			q.at = t
		}
		q.items = make([]Item, len(b.Items))
		for i, it := range b.Items {
			f := fmt.Sprintf("basket.items[%d].", i)
			q.items[i] = Item{Series: it.Series, Line: customer.Line{ID: it.ID, SKU: it.SKU, Category: it.Category,
				Season: it.Season, Size: it.Size, Colour: it.Colour, Quantity: it.Quantity,
				UnitPrice: amount(f+"unit_price", it.UnitPrice), Discount: amount(f+"discount", it.Discount)}}
			if it.UnitCost != nil {
				q.items[i].UnitCost = decimal.NewNullDecimal(amount(f+"unit_cost", *it.UnitCost))
			}
		}
		q.lines = lines("basket.priced", b.Priced)
		if len(b.Coupons) > 0 {
			q.coupons = b.Coupons
		}
	}
	return q, &pr
}

// storable adds to pr, every one, the fields of q that keep it from
// being stored and read back as it is: a missing basket, amounts or a
// time that cannot be written, invalid text, negative amounts or
// points, quantities out of range, a basket that does not match the
// lines and, when sums is true, figures that do not add up. It does not
// compare the lines with the copy priced: that is [Quote.Order]'s check,
// which a restored quote keeps.
func (q *Quote) storable(pr *problems, sums bool) {
	switch {
	case q.Currency == "":
		pr.add("currency", customer.CodeRequired, "is missing")
	case !q.Currency.Valid():
		pr.add("currency", customer.CodeUnknown, "unknown currency %q", clip(string(q.Currency)))
	}
	numbers := true // every amount can be written and is not negative
	amount := func(field string, d decimal.Decimal, signed bool) {
		if _, ok := amountText(d); !ok {
			pr.add(field, customer.CodeRange, "%s has more than %d digits before or after the point", brief(d), maxStoredDigits)
			numbers = false
		} else if !signed && d.Sign() < 0 {
			pr.add(field, customer.CodeNegative, "must not be negative, is %s", show(d))
			numbers = false
		}
	}
	text := func(field, s string) {
		if !utf8.ValidString(s) {
			pr.add(field, customer.CodeFormat, "is not valid UTF-8")
		}
	}
	lines := func(prefix string, ls []QuoteLine) {
		for i, l := range ls {
			f := fmt.Sprintf("%s[%d].", prefix, i)
			text(f+"id", l.ID)
			amount(f+"amount", l.Amount, false)
			amount(f+"discount", l.Discount, false)
			amount(f+"points", l.Points, false)
			amount(f+"total", l.Total, false)
		}
	}
	amount("subtotal", q.Subtotal, false)
	amount("discount", q.Discount, false)
	amount("points_value", q.PointsValue, false)
	amount("total", q.Total, false)
	if q.PointsUsed < 0 {
		pr.add("points_used", customer.CodeNegative, "must not be negative, is %d", q.PointsUsed)
	}
	lines("lines", q.Lines)
	ids := make(map[string]bool, len(q.Lines))
	for _, l := range q.Lines {
		ids[l.ID] = true
	}
	for i, d := range q.Deductions {
		f := fmt.Sprintf("deductions[%d].", i)
		if !d.Kind.Valid() {
			pr.add(f+"kind", customer.CodeUnknown, "unknown deduction kind %d", uint8(d.Kind))
		}
		text(f+"name", d.Name)
		text(f+"explain", d.Explain)
		for j, id := range d.Lines {
			if !ids[id] {
				pr.add(fmt.Sprintf("%slines[%d]", f, j), customer.CodeUnknown, "no line of the quote has ID %q", clip(id))
			}
		}
		amount(f+"amount", d.Amount, false)
		amount(f+"requested", d.Requested, false)
	}

	if q.items == nil {
		pr.add("basket", customer.CodeRequired, "the quote has no basket: it was not made by Programme.Price")
		return
	}
	text("basket.member", string(q.member))
	if q.at.IsZero() {
		pr.add("basket.time", customer.CodeRequired, "is zero")
	} else if _, ok := timeText(q.at); !ok {
		pr.add("basket.time", customer.CodeRange, "%s cannot be written in RFC 3339 (a year outside 0–9999 or an offset beyond ±24h)", q.at)
	}
	if len(q.items) == 0 {
		pr.add("basket.items", customer.CodeRequired, "the basket has no items")
	}
	seen := make(map[string]int, len(q.items))
	for i, it := range q.items {
		f := fmt.Sprintf("basket.items[%d].", i)
		switch j, dup := seen[it.ID]; {
		case it.ID == "":
			pr.add(f+"id", customer.CodeRequired, "is empty")
		case dup:
			pr.add(f+"id", customer.CodeDuplicate, "line ID %q is also basket.items[%d]", clip(it.ID), j)
		default:
			seen[it.ID] = i
		}
		for _, s := range []struct{ name, v string }{{"id", it.ID}, {"sku", it.SKU}, {"category", it.Category},
			{"season", it.Season}, {"size", it.Size}, {"colour", it.Colour}, {"series", it.Series}} {
			text(f+s.name, s.v)
		}
		if it.Quantity <= 0 {
			pr.add(f+"quantity", customer.CodeNotPos, "must be positive, is %d", it.Quantity)
		} else if it.Quantity > customer.MaxLineQuantity {
			pr.add(f+"quantity", customer.CodeRange, "%d is above the maximum of %d units per line", it.Quantity, customer.MaxLineQuantity)
		}
		amount(f+"unit_price", it.UnitPrice, false)
		amount(f+"discount", it.Discount, false)
		if it.UnitCost.Valid {
			amount(f+"unit_cost", it.UnitCost.Decimal, true)
		}
	}
	lines("basket.priced", q.lines)
	for i, c := range q.coupons {
		f := fmt.Sprintf("basket.coupons[%d].", i)
		switch {
		case c.Code == "":
			pr.add(f+"code", customer.CodeRequired, "is empty")
		case i > 0 && c.Code <= q.coupons[i-1].Code:
			pr.add(f+"code", customer.CodeOrder, "%q is not after %q: the coupons are by code, each once", clip(c.Code), clip(q.coupons[i-1].Code))
		}
		text(f+"code", c.Code)
		if c.Limit < 0 {
			pr.add(f+"limit", customer.CodeNegative, "must not be negative, is %d", c.Limit)
		}
	}
	if len(q.lines) != len(q.items) {
		pr.add("basket.priced", customer.CodeMismatch, "%d lines priced, the basket has %d items", len(q.lines), len(q.items))
	}
	if len(q.Lines) != len(q.items) {
		pr.add("lines", customer.CodeMismatch, "%d lines, the basket has %d items", len(q.Lines), len(q.items))
	}
	for i, it := range q.items {
		if i < len(q.lines) && q.lines[i].ID != it.ID {
			pr.add(fmt.Sprintf("basket.priced[%d].id", i), customer.CodeMismatch, "is %q, the basket's item %d is %q", clip(q.lines[i].ID), i, clip(it.ID))
		}
		if i < len(q.Lines) && q.Lines[i].ID != it.ID {
			pr.add(fmt.Sprintf("lines[%d].id", i), customer.CodeMismatch, "is %q, the basket's item %d is %q", clip(q.Lines[i].ID), i, clip(it.ID))
		}
	}
	if !numbers || !sums {
		return
	}

	// The figures add up.
	addsUp := func(prefix string, ls []QuoteLine) {
		for i, l := range ls {
			if rest := l.Amount.Sub(l.Discount).Sub(l.Points); !rest.Equal(l.Total) {
				pr.add(fmt.Sprintf("%s[%d].total", prefix, i), customer.CodeMismatch, "is %s, amount − discount − points is %s", show(l.Total), show(rest))
			}
		}
	}
	addsUp("lines", q.Lines)
	addsUp("basket.priced", q.lines)
	for i, it := range q.items {
		if i < len(q.lines) && it.Quantity > 0 && it.Quantity <= customer.MaxLineQuantity && !q.lines[i].Amount.Equal(it.Net()) {
			pr.add(fmt.Sprintf("basket.priced[%d].amount", i), customer.CodeMismatch,
				"is %s, the item's quantity × unit price − discount is %s", show(q.lines[i].Amount), show(it.Net()))
		}
	}
	sub, disc, pts, tot := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
	for _, l := range q.Lines {
		sub, disc, pts, tot = sub.Add(l.Amount), disc.Add(l.Discount), pts.Add(l.Points), tot.Add(l.Total)
	}
	for _, x := range []struct {
		field, what string
		got, sum    decimal.Decimal
	}{{"subtotal", "amounts", q.Subtotal, sub}, {"discount", "discounts", q.Discount, disc}, {"points_value", "points", q.PointsValue, pts}} {
		if !x.got.Equal(x.sum) {
			pr.add(x.field, customer.CodeMismatch, "is %s, the lines' %s sum to %s", show(x.got), x.what, show(x.sum))
		}
	}
	if want := q.Subtotal.Sub(q.Discount).Sub(q.PointsValue); !q.Total.Equal(want) {
		pr.add("total", customer.CodeMismatch, "is %s, subtotal − discount − points_value is %s", show(q.Total), show(want))
	} else if !q.Total.Equal(tot) {
		pr.add("total", customer.CodeMismatch, "is %s, the lines' totals sum to %s", show(q.Total), show(tot))
	}
	off, paid := decimal.Zero, decimal.Zero
	for _, d := range q.Deductions {
		switch {
		case d.Kind == DeductPoints:
			paid = paid.Add(d.Amount)
		case d.Kind.Valid():
			off = off.Add(d.Amount)
		}
	}
	if !off.Equal(q.Discount) {
		pr.add("deductions", customer.CodeMismatch, "the seasonal, quantity and coupon deductions sum to %s, discount is %s", show(off), show(q.Discount))
	}
	if !paid.Equal(q.PointsValue) {
		pr.add("deductions", customer.CodeMismatch, "the points deductions sum to %s, points_value is %s", show(paid), show(q.PointsValue))
	}
}

func quoteLineDocs(ls []QuoteLine) []quoteLineDoc {
	docs := make([]quoteLineDoc, len(ls))
	for i, l := range ls {
		docs[i] = quoteLineDoc{ID: l.ID, Amount: mustAmount(l.Amount), Discount: mustAmount(l.Discount),
			Points: mustAmount(l.Points), Total: mustAmount(l.Total)}
	}
	return docs
}

// amountText returns d as [customer.ParseAmount] reads it back: "10.50"
// for 10.50 with exponent −2, "500" for 5 × 10². It reports false for an
// amount with more than 30 digits before or after the point.
func amountText(d decimal.Decimal) (string, bool) {
	e := d.Exponent()
	if e < -maxStoredDigits || e > maxStoredDigits {
		return "", false
	}
	var s string
	if e >= 0 {
		s = d.String()
	} else {
		s = d.StringFixed(-e)
	}
	digits := strings.TrimPrefix(s, "-")
	whole, frac := len(digits), 0
	if i := strings.IndexByte(digits, '.'); i >= 0 {
		whole, frac = i, len(digits)-i-1
	}
	return s, whole <= maxStoredDigits && frac <= maxStoredDigits
}

// mustAmount returns amountText(d) for an amount storable accepted.
func mustAmount(d decimal.Decimal) string {
	s, ok := amountText(d)
	if !ok {
		panic("loyalty: quote amount " + brief(d) + " cannot be written")
	}
	return s
}

// timeText formats t in RFC 3339 with nanoseconds and t's offset, or in
// UTC when the offset has seconds, which RFC 3339 cannot write. It
// reports false when the text would not parse back to the same instant.
func timeText(t time.Time) (string, bool) {
	if _, off := t.Zone(); off%60 != 0 {
		t = t.UTC()
	}
	s := t.Format(time.RFC3339Nano)
	back, err := time.Parse(time.RFC3339Nano, s)
	return s, err == nil && back.Equal(t)
}

// show formats d for an error message as it is stored ("24.20").
func show(d decimal.Decimal) string {
	if s, ok := amountText(d); ok {
		return s
	}
	return brief(d)
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
