package input

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"pgregory.net/rapid"
)

// phraseKind is the kind of fe read from the phrases of its reason, as
// fieldKind read it before salesrow.Code: the oracle of
// TestFieldKindFromCodesAsFromPhrases.
func phraseKind(fe *salesrow.FieldError) string {
	switch {
	case fe.Column == "":
		return kindFieldCount
	case fe.Field >= 0:
		if fe.Column == ColQuantity && strings.HasPrefix(fe.Reason, kindNotInteger) {
			return kindNotInteger
		}
		return fe.Reason
	}
	first, _, _ := strings.Cut(fe.Reason, "; ")
	switch {
	case strings.HasSuffix(first, " on earlier rows"), strings.Contains(first, " buys in "):
		return kindEarlier
	case strings.Contains(first, " for an amount of "):
		return kindSign
	case strings.Contains(first, " units per row"):
		return "beyond the maximum units per row"
	case strings.Contains(first, "does not fit in an int"):
		return kindOverflow
	case strings.HasSuffix(first, " is before "+strconv.Itoa(customer.MinRecordYear)):
		return "before " + strconv.Itoa(customer.MinRecordYear)
	case strings.Contains(first, " decimals, more than the "):
		return "too many decimals"
	case strings.Contains(first, " integer digits, more than the "):
		return "too many integer digits"
	}
	return first
}

// The tally of -skip-invalid counts every fault of a row that parses or
// is added under the kind it had when kinds were read from the phrases
// of the reasons (phraseKind); the codes met cover those of Parse and of
// the checks of a sale.
func TestFieldKindFromCodesAsFromPhrases(t *testing.T) {
	lay := &salesrow.Layout{Fields: 9, CustomerID: 0, Date: 1, Amount: 2, OrderID: 3, Quantity: 4, Cost: 5, Currency: 6, Kind: 7, Category: -1, Discount: 8}
	asOf := customer.DateFromYMD(2025, 12, 31)
	codes := map[salesrow.Code]bool{}
	// feed parses and adds each record in turn, as a reader does, and
	// compares the kind of every fault with the phrases'.
	feed := func(fatalf func(string, ...any), recs [][]string) {
		sums := map[string]*customer.Summary{}
		state := map[string]*salesrow.Order{}
		for _, rec := range recs {
			var r salesrow.Row
			fe := lay.Parse(rec, &r)
			if fe == nil {
				s := sums[r.CustomerID]
				if s == nil {
					k := r.Kind
					if k == 0 {
						k = customer.Consumer
					}
					s = customer.NewSummary(customer.ID(r.CustomerID), k, asOf.Time(), nil)
					sums[r.CustomerID] = s
				}
				cur := r.Currency
				if cur == "" {
					cur = "EUR"
				}
				key := r.CustomerID + "\x00" + r.OrderID
				if r.OrderID == "" {
					key = r.CustomerID + "\x00day " + r.Date.String()
				}
				o := state[key]
				if o == nil {
					o = &salesrow.Order{}
					state[key] = o
				}
				fe = salesrow.Add(s, &r, cur, o)
			}
			if fe != nil {
				codes[fe.Code] = true
				if old, now := phraseKind(fe), fieldKind(fe); old != now {
					fatalf("%q: %v (code %v): kind %q, %q from the phrases", rec, fe, fe.Code, now, old)
				}
			}
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(rt, "rows")
		recs := make([][]string, n)
		for i := range recs {
			rec := []string{
				rapid.SampledFrom([]string{"c1", "c2", " "}).Draw(rt, "id"),
				rapid.SampledFrom([]string{"2024-03-05", "2024-04-01", "2024-03-05", "2024-04-01", "0025-03-01", "1899-12-31", "2024-02-30", "2016-12-31T23:58:60Z", "2016-12-31T23:59:60Z"}).Draw(rt, "date"),
				rapid.SampledFrom([]string{"10", "10", "10", "-10", "0", "12x", "", "1." + strings.Repeat("0", 40) + "1"}).Draw(rt, "amount"),
				rapid.SampledFrom([]string{"", "o1", "o2"}).Draw(rt, "order"),
				rapid.SampledFrom([]string{"", "", "", "1", "-1", "2", "1.5", "1,000", "99999999999", "-2000000000"}).Draw(rt, "qty"),
				rapid.SampledFrom([]string{"", "", "", "-3", "5", "abc", "1" + strings.Repeat("0", 40)}).Draw(rt, "cost"),
				rapid.SampledFrom([]string{"", "", "", "EUR", "USD", "euro", "JPY"}).Draw(rt, "currency"),
				rapid.SampledFrom([]string{"", "", "consumer", "intermediary", "robot"}).Draw(rt, "kind"),
				rapid.SampledFrom([]string{"", "", "", "", "", "", "", "-2", "0", "2", "10%", "1" + strings.Repeat("0", 40)}).Draw(rt, "discount"),
			}
			if rapid.IntRange(0, 20).Draw(rt, "short") == 0 {
				rec = rec[:3]
			}
			recs[i] = rec
		}
		feed(rt.Fatalf, recs)
	})
	// A row of each code, so that every code is met whatever the draws.
	feed(t.Fatalf, [][]string{
		{"c1", "2024-03-05", "10"},                             // field count
		{"c1", "2024-03-05", "12x", "", "", "", "", "", ""},    // invalid
		{"c1", "2024-03-05", "10", "", "1.5", "", "", "", ""},  // not an integer
		{"c1", "2024-03-05", "10", "", "1", "", "EUR", "", ""}, // a first sale in EUR
		{"c1", "2024-03-06", "10", "", "1", "", "USD", "", ""}, // another currency: earlier rows
		{"c1", "2024-03-07", "10", "", "-1", "", "", "", ""},   // sign
		{"c1", "0025-03-01", "10", "", "1", "", "", "", ""},    // too early
		{"c1", "2024-03-08", "10", "", "1", "-3", "", "", ""},  // a negative cost on a sale: unknown
	})
	for _, c := range []salesrow.Code{salesrow.CodeFieldCount, salesrow.CodeInvalid, salesrow.CodeNotInteger, salesrow.CodeEarlier,
		salesrow.CodeSign, salesrow.CodeTooEarly, salesrow.CodeUnknown} {
		require.True(t, codes[c], "code %v met", c)
	}
}
