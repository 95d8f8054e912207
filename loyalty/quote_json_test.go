package loyalty_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// outcome describes everything a quote gives when the buyer pays: the
// order, or the error, and the checkout's events as the ledger sees them
// (their JSON is what tells a repeated checkout). Two quotes with the
// same outcome check out identically.
func outcome(q loyalty.Quote) string {
	var b strings.Builder
	o, err := q.Order("O1", customer.Online)
	data, jerr := json.Marshal(o)
	fmt.Fprintf(&b, "order %s (%v), error %v\n", data, jerr, err)
	evs, err := q.Checkout("O1", customer.Online)
	for _, e := range evs {
		data, jerr := json.Marshal(e)
		fmt.Fprintf(&b, "%T %s (%v)\n", e, data, jerr)
	}
	fmt.Fprintf(&b, "checkout error %v", err)
	return b.String()
}

// roundTrip stores q as JSON and reads it back.
func roundTrip(t testing.TB, q loyalty.Quote) ([]byte, loyalty.Quote) {
	t.Helper()
	data, err := json.Marshal(q)
	require.NoError(t, err)
	var r loyalty.Quote
	require.NoError(t, json.Unmarshal(data, &r), "%s", data)
	return data, r
}

// requireSameQuote checks that r is q restored: the same fields and
// basket, the same order and checkout, and the same JSON again.
func requireSameQuote(t testing.TB, q, r loyalty.Quote, data []byte) {
	t.Helper()
	require.Empty(t, loyalty.QuoteDiff(q, r))
	require.Equal(t, outcome(q), outcome(r))
	again, err := json.Marshal(r)
	require.NoError(t, err)
	require.Equal(t, string(data), string(again))
}

// pointsBasket is knitBasket paid partly with 1000 points: a coupon
// deduction on the jumper and points on both lines.
func pointsBasket(t testing.TB) loyalty.Basket {
	b := knitBasket(t)
	b.Points, b.Available = 1000, 1000
	return b
}

func priced(t testing.TB, p *loyalty.Programme, b loyalty.Basket) loyalty.Quote {
	t.Helper()
	q, err := p.Price(b)
	require.NoError(t, err)
	return q
}

// TestQuoteJSONRoundTrip: a priced quote stored as JSON and read back is
// the same quote, basket included, and orders and checks out exactly as
// the original: the same lines, amounts, discounts and events.
func TestQuoteJSONRoundTrip(t *testing.T) {
	p := club(t)
	tests := map[string]func(b *loyalty.Basket){
		"coupon and points": func(*loyalty.Basket) {},
		"anonymous":         func(b *loyalty.Basket) { b.Member, b.Points, b.Available = "", 0, 0 },
		"no deductions":     func(b *loyalty.Basket) { b.Coupons, b.Points, b.Available = nil, 0, 0 },
		"local time with nanoseconds": func(b *loyalty.Basket) {
			b.Time = time.Date(2026, 5, 4, 19, 31, 7, 123456789, time.FixedZone("IST", 5*3600+1800))
		},
		"every line field": func(b *loyalty.Basket) {
			b.Items[0].Size, b.Items[0].Colour, b.Items[0].Series = "M", "navy", "heritage-tweed"
			b.Items[0].UnitCost = decimal.NewNullDecimal(dec("31.40"))
			b.Items[1].Quantity, b.Items[1].UnitPrice, b.Items[1].Discount = 2, dec("75.25"), dec("10.50")
		},
		"a price with a positive exponent": func(b *loyalty.Basket) { b.Items[1].UnitPrice = decimal.New(15, 1) },
	}
	for name, edit := range tests {
		t.Run(name, func(t *testing.T) {
			b := pointsBasket(t)
			edit(&b)
			q := priced(t, p, b)
			data, r := roundTrip(t, q)
			requireSameQuote(t, q, r, data)
			if b.Member != "" {
				o, err := r.Order("O1", customer.Online)
				require.NoError(t, err, "the restored quote orders")
				assert.Equal(t, b.Member, o.CustomerID)
				assert.Equal(t, b.Time.Format(time.RFC3339Nano), o.Time.Format(time.RFC3339Nano), "the same instant at the same offset")
			}
		})
	}

	t.Run("amounts keep their exponent", func(t *testing.T) {
		b := pointsBasket(t)
		b.Items[1].Discount = dec("10.50")
		data, r := roundTrip(t, priced(t, p, b))
		assert.Contains(t, string(data), `"unit_price":"150.00","discount":"10.50"`)
		o, err := r.Order("O1", customer.Online)
		require.NoError(t, err)
		for _, l := range o.Lines {
			assert.Equal(t, int32(-2), l.UnitPrice.Exponent(), "line %s: %s", l.ID, l.UnitPrice)
		}
	})
}

// TestQuoteJSONRoundTripProperties: for any basket (any time zone,
// anonymous or not, with unit costs, sizes and colours), the quote read
// back from its JSON is the same quote and orders and checks out exactly
// as the original. A quote changed after pricing is either refused when
// written, or read back so that Order refuses it just as it refuses the
// original.
func TestQuoteJSONRoundTripProperties(t *testing.T) {
	p := club(t)
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("", -(9*3600 + 30*60)), time.FixedZone("", 14*3600)}
	rapid.Check(t, func(rt *rapid.T) {
		b := drawBasket(rt)
		b.Time = b.Time.Add(time.Duration(rapid.Int64Range(0, int64(time.Hour)).Draw(rt, "ns"))).In(rapid.SampledFrom(zones).Draw(rt, "zone"))
		if rapid.Bool().Draw(rt, "anonymous") {
			b.Member, b.Points, b.Available = "", 0, 0
		}
		for i := range b.Items {
			if rapid.Bool().Draw(rt, "unit cost") {
				b.Items[i].UnitCost = decimal.NewNullDecimal(decimal.New(rapid.Int64Range(0, 100000).Draw(rt, "cost cents"), -2))
			}
			b.Items[i].Size = rapid.SampledFrom([]string{"", "S", "42"}).Draw(rt, "size")
			b.Items[i].Colour = rapid.SampledFrom([]string{"", "navy", "écru"}).Draw(rt, "colour")
		}
		q, err := p.Price(b)
		if err != nil {
			return // refused coupons: TestPriceProperties checks why
		}
		data, err := json.Marshal(q)
		if err != nil {
			rt.Fatalf("marshal a priced quote: %v", err)
		}
		var r loyalty.Quote
		if err := json.Unmarshal(data, &r); err != nil {
			rt.Fatalf("unmarshal %s: %v", data, err)
		}
		if d := loyalty.QuoteDiff(q, r); d != "" {
			rt.Fatalf("restored quote differs: %s\n%s", d, data)
		}
		if want, got := outcome(q), outcome(r); want != got {
			rt.Fatalf("the restored quote checks out otherwise:\n%s\nwant\n%s", got, want)
		}
		if _, err := r.Order("O1", customer.Online); (err == nil) != (b.Member != "") {
			rt.Fatalf("order of the restored quote of member %q: %v", b.Member, err)
		}
		if again, err := json.Marshal(r); err != nil || !bytes.Equal(again, data) {
			rt.Fatalf("written again (%v):\n%s\nfirst\n%s", err, again, data)
		}

		// A quote changed after pricing, through its exported fields.
		var c loyalty.Quote
		if err := json.Unmarshal(data, &c); err != nil { // a copy that shares no slice with q
			rt.Fatal(err)
		}
		name := changeQuote(rt, &c)
		if _, err := c.Order("O1", customer.Online); err == nil {
			rt.Fatalf("%s: Order accepts the changed quote", name)
		}
		changed, err := json.Marshal(c)
		if err != nil {
			var ve *customer.ValidationError
			if !errors.As(err, &ve) {
				rt.Fatalf("%s: marshal error %v is not a validation error", name, err)
			}
			return
		}
		var cr loyalty.Quote
		if err := json.Unmarshal(changed, &cr); err != nil {
			rt.Fatalf("%s: written, then refused: %v\n%s", name, err, changed)
		}
		if d := loyalty.QuoteDiff(c, cr); d != "" {
			rt.Fatalf("%s: restored quote differs: %s", name, d)
		}
		if want, got := outcome(c), outcome(cr); want != got {
			rt.Fatalf("%s: the restored quote checks out otherwise:\n%s\nwant\n%s", name, got, want)
		}
	})
}

// changeQuote changes q's lines or amounts as a caller might after
// pricing, and says how.
func changeQuote(rt *rapid.T, q *loyalty.Quote) string {
	n := len(q.Lines)
	i := rapid.IntRange(0, n-1).Draw(rt, "line")
	cent := dec("0.01")
	switch k := rapid.IntRange(0, 5).Draw(rt, "change"); {
	case k == 0 && n > 1:
		q.Lines[0], q.Lines[n-1] = q.Lines[n-1], q.Lines[0]
		return "two lines swapped"
	case k == 1:
		q.Lines = slices.Delete(q.Lines, i, i+1)
		return "a line dropped"
	case k == 2:
		q.Total = q.Total.Add(cent)
		return "total changed"
	case k == 3:
		q.Lines[i].Points = q.Lines[i].Points.Add(cent)
		return "a line's points changed"
	case k == 4 && n > 1 && q.Lines[i].Discount.Sign() > 0:
		j := (i + 1) % n
		d := q.Lines[i].Discount
		q.Lines[i].Discount, q.Lines[i].Total = decimal.Zero, q.Lines[i].Total.Add(d)
		q.Lines[j].Discount, q.Lines[j].Total = q.Lines[j].Discount.Add(d), q.Lines[j].Total.Sub(d)
		return "a discount moved to another line, the sums kept"
	default:
		// A lower total with a larger discount, everything adding up.
		x := q.Lines[i].Total
		if x.IsZero() {
			q.Lines[i].Amount, q.Lines[i].Discount = q.Lines[i].Amount.Add(cent), q.Lines[i].Discount.Add(cent)
			q.Subtotal, q.Discount = q.Subtotal.Add(cent), q.Discount.Add(cent)
			x = cent
		} else {
			q.Lines[i].Discount, q.Lines[i].Total = q.Lines[i].Discount.Add(x), decimal.Zero
			q.Discount, q.Total = q.Discount.Add(x), q.Total.Sub(x)
		}
		for k := range q.Deductions {
			if q.Deductions[k].Kind != loyalty.DeductPoints {
				q.Deductions[k].Amount = q.Deductions[k].Amount.Add(x)
				return "a line's total given away as discount, the sums kept"
			}
		}
		q.Deductions = append(q.Deductions, loyalty.Deduction{Kind: loyalty.DeductCoupon, Name: "FREE", Amount: x, Requested: x})
		return "a line's total given away as a new coupon, the sums kept"
	}
}

// TestQuoteJSONChangedLinesRefusedByOrder: a stored quote whose lines or
// amounts were edited but not the copy priced, so that its figures still
// add up, is read back, and Order refuses it naming the same fields as
// for the quote changed in memory.
func TestQuoteJSONChangedLinesRefusedByOrder(t *testing.T) {
	p := club(t)
	tests := []struct {
		name   string
		edit   func(q *loyalty.Quote)
		fields []string
	}{
		{"discount moved to another line", func(q *loyalty.Quote) {
			d := q.Lines[0].Discount
			q.Lines[0].Discount, q.Lines[0].Total = decimal.Zero, q.Lines[0].Total.Add(d)
			q.Lines[1].Discount, q.Lines[1].Total = d, q.Lines[1].Total.Sub(d)
		}, []string{"lines[0].discount", "lines[0].total", "lines[1].discount", "lines[1].total"}},
		{"a lower total, a larger coupon", func(q *loyalty.Quote) {
			ten := dec("10")
			q.Lines[1].Discount, q.Lines[1].Total = q.Lines[1].Discount.Add(ten), q.Lines[1].Total.Sub(ten)
			q.Deductions[0].Amount = q.Deductions[0].Amount.Add(ten)
			q.Discount, q.Total = q.Discount.Add(ten), q.Total.Sub(ten)
		}, []string{"discount", "lines[1].discount", "lines[1].total", "total"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := priced(t, p, pointsBasket(t))
			// The same edit in memory, as Order has always refused it.
			inMemory := priced(t, p, pointsBasket(t))
			tc.edit(&inMemory)
			_, err := inMemory.Order("O1", customer.Online)
			require.Equal(t, tc.fields, fieldsOf(t, err))

			// The edit in the stored JSON, leaving basket.priced alone.
			data, err := json.Marshal(q)
			require.NoError(t, err)
			edited := editJSON(t, data, func(m map[string]any) {
				var e loyalty.Quote
				require.NoError(t, json.Unmarshal(data, &e))
				tc.edit(&e)
				for _, k := range []string{"lines", "deductions", "discount", "total"} {
					m[k] = jsonField(t, e, k)
				}
			})
			require.NotEqual(t, string(data), string(edited))
			var r loyalty.Quote
			require.NoError(t, json.Unmarshal(edited, &r), "the figures add up")
			o, err := r.Order("O1", customer.Online)
			assert.Equal(t, tc.fields, fieldsOf(t, err), "%v", err)
			assert.Nil(t, o.Lines)
			evs, err := r.Checkout("O1", customer.Online)
			assert.Equal(t, tc.fields, fieldsOf(t, err))
			assert.Nil(t, evs)
		})
	}
}

// jsonField returns the field k of q's JSON.
func jsonField(t testing.TB, q loyalty.Quote, k string) any {
	t.Helper()
	data, err := json.Marshal(q)
	require.NoError(t, err)
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	require.NoError(t, d.Decode(&m))
	return m[k]
}

// editJSON decodes data, applies edit and encodes it again; numbers stay
// as written.
func editJSON(t testing.TB, data []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	require.NoError(t, d.Decode(&m))
	edit(m)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

var pathStep = regexp.MustCompile(`^([a-z_]+)(?:\[(\d+)\])?$`)

// setPath sets the value at a path such as "basket.items[0].quantity";
// a nil value deletes a key.
func setPath(t testing.TB, m map[string]any, path string, v any) {
	t.Helper()
	steps := strings.Split(path, ".")
	var cur any = m
	for n, s := range steps {
		g := pathStep.FindStringSubmatch(s)
		require.NotNil(t, g, "path step %q", s)
		obj, ok := cur.(map[string]any)
		require.True(t, ok, "%s: not an object", s)
		last := n == len(steps)-1
		if g[2] == "" {
			if last {
				if v == nil {
					delete(obj, g[1])
				} else {
					obj[g[1]] = v
				}
				return
			}
			cur = obj[g[1]]
			continue
		}
		arr, ok := obj[g[1]].([]any)
		require.True(t, ok, "%s: not an array", s)
		i, _ := strconv.Atoi(g[2])
		if last {
			if v == nil {
				obj[g[1]] = slices.Delete(arr, i, i+1)
			} else {
				arr[i] = v
			}
			return
		}
		cur = arr[i]
	}
}

// TestQuoteUnmarshalJSONRejects: each bad document is refused with a
// validation error naming the field and the reason, and leaves the
// destination as it was.
func TestQuoteUnmarshalJSONRejects(t *testing.T) {
	p := club(t)
	base, err := json.Marshal(priced(t, p, pointsBasket(t)))
	require.NoError(t, err)
	set := func(kv ...any) func(t testing.TB) []byte {
		return func(t testing.TB) []byte {
			return editJSON(t, base, func(m map[string]any) {
				for i := 0; i < len(kv); i += 2 {
					setPath(t, m, kv[i].(string), kv[i+1])
				}
			})
		}
	}
	raw := func(s string) func(testing.TB) []byte { return func(testing.TB) []byte { return []byte(s) } }
	type want struct{ field, code string }
	tests := []struct {
		name  string
		doc   func(t testing.TB) []byte
		wants []want
		exact bool // the wants are all the fields named
	}{
		{"unknown currency", set("currency", "XEU"), []want{{"currency", customer.CodeUnknown}}, true},
		{"no currency", set("currency", nil), []want{{"currency", customer.CodeRequired}}, true},
		{"decimal comma", set("subtotal", "249,00"), []want{{"subtotal", customer.CodeFormat}}, true},
		{"exponent", set("lines[0].amount", "9.9e1"), []want{{"lines[0].amount", customer.CodeFormat}}, true},
		{"NaN", set("total", "NaN"), []want{{"total", customer.CodeFormat}}, true},
		{"31 integer digits", set("basket.items[1].unit_price", "1"+strings.Repeat("0", 30)), []want{{"basket.items[1].unit_price", customer.CodeFormat}}, true},
		{"31 decimals", set("basket.priced[0].points", "0."+strings.Repeat("0", 31)), []want{{"basket.priced[0].points", customer.CodeFormat}}, true},
		{"an amount as a JSON number", set("discount", json.Number("19.8")), []want{{"discount", customer.CodeFormat}}, true},
		{"an amount missing", set("points_value", nil), []want{{"points_value", customer.CodeRequired}}, true},
		{"malformed unit cost", set("basket.items[0].unit_cost", "cheap"), []want{{"basket.items[0].unit_cost", customer.CodeFormat}}, true},
		{"negative quantity", set("basket.items[0].quantity", -1), []want{{"basket.items[0].quantity", customer.CodeNotPos}}, true},
		{"zero quantity", set("basket.items[1].quantity", 0), []want{{"basket.items[1].quantity", customer.CodeNotPos}}, true},
		{"quantity above a line's", set("basket.items[1].quantity", customer.MaxLineQuantity+1), []want{{"basket.items[1].quantity", customer.CodeRange}}, true},
		{"fractional quantity", set("basket.items[1].quantity", json.Number("1.5")), []want{{"basket.items.quantity", customer.CodeFormat}}, true},
		{"negative points", set("points_used", -1000), []want{{"points_used", customer.CodeNegative}}, true},
		{"negative line points", set("lines[1].points", "-1.00"), []want{{"lines[1].points", customer.CodeNegative}}, true},
		{"negative unit price", set("basket.items[0].unit_price", "-99.00"), []want{{"basket.items[0].unit_price", customer.CodeNegative}}, true},
		{"total is not subtotal − discount − points value", set("total", "219.21"), []want{{"total", customer.CodeMismatch}}, true},
		{"a line that does not add up", set("lines[0].total", "0.00"), []want{{"lines[0].total", customer.CodeMismatch}, {"total", customer.CodeMismatch}}, true},
		{"subtotal is not the lines' amounts", set("subtotal", "259.00", "total", "229.20"),
			[]want{{"subtotal", customer.CodeMismatch}, {"total", customer.CodeMismatch}}, true},
		{"discount is not the lines' discounts", set("discount", "29.80", "total", "209.20"),
			[]want{{"deductions", customer.CodeMismatch}, {"discount", customer.CodeMismatch}, {"total", customer.CodeMismatch}}, true},
		{"deductions that do not sum to the discount", set("deductions[0].amount", "9.80"), []want{{"deductions", customer.CodeMismatch}}, true},
		{"points deduction not the points value", set("deductions[1].amount", "1.00"), []want{{"deductions", customer.CodeMismatch}}, true},
		{"unknown deduction kind", set("deductions[0].kind", "rebate"), []want{{"deductions[0].kind", customer.CodeUnknown}}, true},
		{"deduction of an unknown line", set("deductions[0].lines[0]", "HAT"), []want{{"deductions[0].lines[0]", customer.CodeUnknown}}, true},
		{"no basket", set("basket", nil), []want{{"basket", customer.CodeRequired}}, true},
		{"a basket item not the line's", set("basket.items[0].id", "HAT", "basket.priced[0].id", "HAT"), []want{{"lines[0].id", customer.CodeMismatch}}, true},
		{"lines in another order than the basket", set("basket.items[0].id", "COAT", "basket.items[1].id", "KNIT", "basket.priced[0].id", "COAT", "basket.priced[1].id", "KNIT"),
			[]want{{"lines[0].id", customer.CodeMismatch}, {"lines[1].id", customer.CodeMismatch}}, false},
		{"a priced line not the item's", set("basket.priced[1].id", "HAT"), []want{{"basket.priced[1].id", customer.CodeMismatch}}, true},
		{"one item fewer than lines", set("basket.items[1]", nil, "basket.priced[1]", nil), []want{{"lines", customer.CodeMismatch}}, true},
		{"no lines", set("lines", nil), []want{{"lines", customer.CodeMismatch}}, false},
		{"no items", set("basket.items", []any{}, "basket.priced", []any{}), []want{{"basket.items", customer.CodeRequired}}, false},
		{"a priced amount not the item's net", set("basket.items[1].unit_price", "100.00"), []want{{"basket.priced[1].amount", customer.CodeMismatch}}, true},
		{"a line ID twice", set("basket.items[1].id", "KNIT", "basket.priced[1].id", "KNIT", "lines[1].id", "KNIT"),
			[]want{{"basket.items[1].id", customer.CodeDuplicate}}, false},
		{"an empty item ID", set("basket.items[1].id", "", "basket.priced[1].id", "", "lines[1].id", ""),
			[]want{{"basket.items[1].id", customer.CodeRequired}}, false},
		{"time not RFC 3339", set("basket.time", "04/05/2026 12:00"), []want{{"basket.time", customer.CodeFormat}}, true},
		{"no time", set("basket.time", nil), []want{{"basket.time", customer.CodeRequired}}, true},
		{"the zero time", set("basket.time", "0001-01-01T00:00:00Z"), []want{{"basket.time", customer.CodeRequired}}, true},
		{"unknown field", set("note", "x"), []want{{"note", customer.CodeUnknown}}, true},
		{"every bad field at once", set("currency", "XEU", "basket.items[0].quantity", -2, "lines[1].amount", "1e2"),
			[]want{{"basket.items[0].quantity", customer.CodeNotPos}, {"currency", customer.CodeUnknown}}, false},
		{"malformed JSON", raw(`{"currency": "EUR",`), []want{{"(json)", customer.CodeFormat}}, true},
		{"trailing data", func(testing.TB) []byte { return append(slices.Clone(base), " {}"...) }, []want{{"(json)", customer.CodeFormat}}, true},
		{"not an object", raw(`["EUR"]`), []want{{"(json)", customer.CodeFormat}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, dst := roundTrip(t, priced(t, p, loyalty.Basket{Member: "M2", Time: day(2026, 4, 1), Currency: "EUR",
				Items: []loyalty.Item{item("HAT", "hats", "2026-SS", "30", 1)}}))
			before := dst
			err := dst.UnmarshalJSON(tc.doc(t))
			var ve *customer.ValidationError
			require.True(t, errors.As(err, &ve), "want a validation error, got %v", err)
			require.ErrorIs(t, err, customer.ErrInvalid)
			assert.Equal(t, "quote", ve.Record)
			for _, w := range tc.wants {
				assert.True(t, ve.Has(w.field, w.code), "want %s (%s) in %v", w.field, w.code, err)
			}
			if tc.exact {
				var fields []string
				for _, w := range tc.wants {
					fields = append(fields, w.field)
				}
				assert.Equal(t, fields, fieldsOf(t, err), "%v", err)
			}
			assert.Empty(t, loyalty.QuoteDiff(before, dst), "the destination is unchanged")
			assert.Equal(t, outcome(before), outcome(dst))
		})
	}

	t.Run("through encoding/json", func(t *testing.T) {
		var q loyalty.Quote
		err := json.Unmarshal(set("basket.items[0].quantity", -1)(t), &q)
		assert.Equal(t, []string{"basket.items[0].quantity"}, fieldsOf(t, err))
		assert.Empty(t, loyalty.QuoteDiff(loyalty.Quote{}, q))
	})
}

// TestQuoteMarshalJSON: the zero quote is null, and null leaves a quote
// as it is; a quote that could not be read back is not written.
func TestQuoteMarshalJSON(t *testing.T) {
	p := club(t)
	data, err := json.Marshal(loyalty.Quote{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(data))
	var session struct {
		Quote loyalty.Quote `json:"quote"`
	}
	data, err = json.Marshal(session)
	require.NoError(t, err)
	assert.JSONEq(t, `{"quote": null}`, string(data))
	_, session.Quote = roundTrip(t, priced(t, p, knitBasket(t)))
	before := session.Quote
	require.NoError(t, json.Unmarshal([]byte(`{"quote": null}`), &session))
	assert.Empty(t, loyalty.QuoteDiff(before, session.Quote))

	// A session holding a quote survives as a whole.
	data, err = json.Marshal(session)
	require.NoError(t, err)
	var back struct {
		Quote loyalty.Quote `json:"quote"`
	}
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Empty(t, loyalty.QuoteDiff(session.Quote, back.Quote))
	assert.Equal(t, outcome(session.Quote), outcome(back.Quote))

	tests := []struct {
		name  string
		quote func() loyalty.Quote
		field string
		code  string
	}{
		{"no basket", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			return loyalty.Quote{Currency: q.Currency, Subtotal: q.Subtotal, Lines: q.Lines, Discount: q.Discount, Total: q.Total, PointsValue: q.PointsValue}
		}, "basket", customer.CodeRequired},
		{"total changed", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			q.Total = q.Total.Add(dec("0.01"))
			return q
		}, "total", customer.CodeMismatch},
		{"lines reordered", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			slices.Reverse(q.Lines)
			return q
		}, "lines[0].id", customer.CodeMismatch},
		{"too precise", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			q.Subtotal = decimal.New(1, -31)
			return q
		}, "subtotal", customer.CodeRange},
		{"31 integer digits", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			q.Lines[0].Amount = decimal.New(1, 30)
			return q
		}, "lines[0].amount", customer.CodeRange},
		{"a billion integer digits", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			q.Lines[0].Amount = decimal.New(1, 999999999)
			return q
		}, "lines[0].amount", customer.CodeRange},
		{"negative", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			q.Lines[1].Points = dec("-1")
			return q
		}, "lines[1].points", customer.CodeNegative},
		{"unknown deduction kind", func() loyalty.Quote {
			q := priced(t, p, knitBasket(t))
			q.Deductions[0].Kind = 0
			return q
		}, "deductions[0].kind", customer.CodeUnknown},
		{"a year RFC 3339 cannot write", func() loyalty.Quote {
			b := knitBasket(t)
			b.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			return priced(t, p, b)
		}, "basket.time", customer.CodeRange},
		{"text that is not UTF-8", func() loyalty.Quote {
			b := knitBasket(t)
			b.Items[1].Colour = "\xffnavy"
			return priced(t, p, b)
		}, "basket.items[1].colour", customer.CodeFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.quote())
			assert.Nil(t, data)
			var ve *customer.ValidationError
			require.True(t, errors.As(err, &ve), "want a validation error, got %v", err)
			assert.True(t, ve.Has(tc.field, tc.code), "want %s (%s) in %v", tc.field, tc.code, err)
		})
	}
}

// TestQuoteJSONCheckoutIsTheSameCheckout: the checkout of a stored and
// restored quote is the original's to the ledger: delivering both takes
// effect once, and the second is recognised as the same events, not as
// a reused key.
func TestQuoteJSONCheckoutIsTheSameCheckout(t *testing.T) {
	p := club(t)
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	at := day(2026, 3, 2).In(time.FixedZone("CET", 3600))
	before := withPoints(t, svc, at)
	q, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR",
		Items: []loyalty.Item{item("COAT", "coats", "2026-SS", "200", 1)}, Points: 200, Available: before.Available})
	require.NoError(t, err)
	_, r := roundTrip(t, q)

	evs, err := r.Checkout("O2", customer.Store)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	a, entries, err := svc.ApplyAll(ctx, evs, at)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, before.Balance()-200+198, a.Balance())

	evs, err = q.Checkout("O2", customer.Store)
	require.NoError(t, err)
	_, _, err = svc.ApplyAll(ctx, evs, at)
	var de *loyalty.DuplicateError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.True(t, de.Same, "the original's checkout is the restored one's: %v", err)
}

// FuzzQuoteUnmarshalJSON: reading any document never panics; a document
// that is read is written back, and that reads to the same quote, which
// orders and checks out the same.
func FuzzQuoteUnmarshalJSON(f *testing.F) {
	p := club(f)
	for _, edit := range []func(b *loyalty.Basket){
		func(*loyalty.Basket) {},
		func(b *loyalty.Basket) { b.Member, b.Points, b.Available = "", 0, 0 },
		func(b *loyalty.Basket) {
			b.Time = time.Date(2026, 5, 4, 19, 31, 7, 123456789, time.FixedZone("", -3*3600))
			b.Items[0].UnitCost = decimal.NewNullDecimal(dec("31.40"))
			b.Items[1].Size, b.Items[1].Colour, b.Items[1].Series = "L", "écru", "tweed"
		},
	} {
		b := pointsBasket(f)
		edit(&b)
		data, err := json.Marshal(priced(f, p, b))
		require.NoError(f, err)
		f.Add(data)
		f.Add(bytes.Replace(data, []byte(`"19.80"`), []byte(`"19.8"`), -1))
		f.Add(bytes.Replace(data, []byte(`"quantity":1`), []byte(`"quantity":-1`), 1))
	}
	for _, s := range []string{`null`, `{}`, `[]`, `{"basket": {}}`, `{"currency": "EUR", "subtotal": "1e9"}`, `"quote"`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var direct loyalty.Quote
		if err := direct.UnmarshalJSON(data); err != nil {
			var ve *customer.ValidationError
			require.True(t, errors.As(err, &ve), "want a validation error, got %v", err)
		}
		var q loyalty.Quote
		if err := json.Unmarshal(data, &q); err != nil {
			return
		}
		out, err := json.Marshal(q)
		require.NoError(t, err, "an accepted quote is written back")
		var r loyalty.Quote
		require.NoError(t, json.Unmarshal(out, &r), "%s", out)
		require.Empty(t, loyalty.QuoteDiff(q, r), "%s", out)
		again, err := json.Marshal(r)
		require.NoError(t, err)
		require.Equal(t, string(out), string(again))
		require.Equal(t, outcome(q), outcome(r))
	})
}

// BenchmarkQuoteJSON stores a two-line quote with a coupon and points
// and reads it back, as an e-shop does between showing a price and
// taking the payment.
func BenchmarkQuoteJSON(b *testing.B) {
	q := priced(b, club(b), pointsBasket(b))
	b.ReportAllocs()
	for b.Loop() {
		data, err := json.Marshal(q)
		if err != nil {
			b.Fatal(err)
		}
		var r loyalty.Quote
		if err := json.Unmarshal(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}
