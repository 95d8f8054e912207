package salesrow_test

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// FuzzParse parses any record: Parse never panics, and a row it accepts
// has what the rules promise, among them IDs of valid UTF-8 without
// control characters.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		" c1 ,2024-03-05,19.90,o-1,2,8.10,EUR,Wholesaler,coats",
		"c2,2024-03-05T23:30:00-05:00,-5,,,,,,",
		"c3,2024-03-05 10:00,0,,-1,,,,",
		",x,1e3,,1.5,,eur,robot,",
		"c4,2024-13-01,1,,,,,,",
		",,,,,,,,",
		" , ,\t,,, ,,,",
		",,",
		"M\xfcller,2024-03-05,1,,,,,,R\xf6cke",
		"Müller,2024-03-05,1,Ö-1,,,,,Röcke",
		"\ufeffc5,2024-03-05,1,o\x01,,,,,",
		"c6,2016-12-31T23:59:60Z,1,,,,,,",
		"c7,2016-12-31T15:59:60.5-08:00,1,,,,,,",
		"c8,2016-12-31 23:58:60,1,,,,,,",
		"c9,2016-12-31T23:59:60+01:00,1,,,,,,",
		"c10,2017-01-01t00:59:60.5+01:00,1,,,,,,",
		"c11,2016-12-30T23:59:60z,1,,,,,,",
		"c12,2016-06-30 23:59:60.25,1,,,,,,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		rec := strings.Split(line, ",")
		var r salesrow.Row
		fe := layout9.Parse(rec, &r)
		if salesrow.Blank(rec) && fe == nil {
			t.Fatalf("blank record %q parses", line)
		}
		if fe != nil {
			// Every error of Parse carries a code.
			if fe.Field < -1 || fe.Field >= len(rec) || fe.Error() == "" || fe.Code == salesrow.CodeUnknown {
				t.Fatalf("error %+v for %q", fe, line)
			}
			return
		}
		if r.CustomerID == "" || r.CustomerID != strings.TrimSpace(r.CustomerID) {
			t.Fatalf("customer ID %q", r.CustomerID)
		}
		// An accepted ID is valid UTF-8 without a control character or
		// a byte order mark, and an accepted category is valid UTF-8.
		for _, id := range []string{r.CustomerID, r.OrderID} {
			if !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 || strings.ContainsRune(id, '\ufeff') {
				t.Fatalf("ID %q of %q", id, line)
			}
		}
		if !utf8.ValidString(r.Category) {
			t.Fatalf("category %q of %q", r.Category, line)
		}
		if r.Units > salesrow.MaxUnits || r.Units < -salesrow.MaxUnits {
			t.Fatalf("units %d", r.Units)
		}
		if r.Currency != "" && !r.Currency.Valid() {
			t.Fatalf("currency %q", r.Currency)
		}
		if r.Kind != 0 && !r.Kind.Valid() {
			t.Fatalf("kind %v", r.Kind)
		}
		// The date is one customer.ParseDay reads, or a leap second:
		// second 60 of a time that ParseDay reads with second 59, on
		// the day of that time, which is 23:59:59 of the last day of a
		// month in UTC (as written without an offset).
		ds := strings.TrimSpace(rec[layout9.Date])
		d, err := customer.ParseDay(ds)
		if err != nil && len(ds) >= 19 && ds[16:19] == ":60" {
			s59 := ds[:17] + "59" + ds[19:]
			if d, err = customer.ParseDay(s59); err == nil {
				s59 = s59[:10] + "T" + s59[11:]
				if strings.HasSuffix(s59, "z") {
					s59 = strings.TrimSuffix(s59, "z") + "Z"
				}
				at, perr := time.Parse(time.RFC3339, s59)
				if perr != nil {
					at, perr = time.Parse("2006-01-02T15:04:05", s59)
				}
				u := at.UTC()
				if perr != nil || u.Hour() != 23 || u.Minute() != 59 || u.AddDate(0, 0, 1).Day() != 1 {
					t.Fatalf("date %q: a leap second at %v in UTC (%v)", ds, u, perr)
				}
			}
		}
		if err != nil || d != r.Date {
			t.Fatalf("date %q: %v, %v", rec[layout9.Date], r.Date, err)
		}
	})
}

// FuzzParseDiscount parses any discount field: ParseDiscount never
// panics, refuses a percentage with NotPercent, and a discount it takes
// adds to a sale at its size (Gross = amount + |d|, Discounts = |d|), or
// is refused by Add on the discount column, changing nothing.
func FuzzParseDiscount(f *testing.F) {
	for _, s := range []string{"9.74", "-9.74", "0", "0.00", "-0", "10%", "1e3", "9,74", "€5", "(5.00)", ".5", "5.",
		"1" + strings.Repeat("0", 31), "0." + strings.Repeat("0", 40) + "1", ""} {
		f.Add(s)
	}
	asOf := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, why := salesrow.ParseDiscount(s)
		if why != "" {
			if strings.HasSuffix(s, "%") != strings.HasSuffix(why, salesrow.NotPercent) {
				t.Fatalf("%q: reason %q", s, why)
			}
			return
		}
		amount := decimal.RequireFromString("20")
		r := salesrow.Row{CustomerID: "c", Date: customer.DateOf(asOf), Amount: amount, Units: 1, Discount: decimal.NewNullDecimal(d)}
		sum := customer.NewSummary("c", customer.Consumer, asOf, nil)
		before := sum.Clone()
		var o salesrow.Order
		if fe := salesrow.Add(sum, &r, "EUR", &o); fe != nil {
			if fe.Column != salesrow.ColDiscount {
				t.Fatalf("%q: %v", s, fe)
			}
			if sum.Gross.String() != before.Gross.String() || sum.Orders != before.Orders || o != (salesrow.Order{}) {
				t.Fatalf("%q: a refused row changed the summary", s)
			}
			return
		}
		if !sum.Discounts.Equal(d.Abs()) || !sum.Gross.Equal(amount.Add(d.Abs())) || !sum.Net().Equal(amount) {
			t.Fatalf("%q: gross %s, discounts %s, net %s", s, sum.Gross, sum.Discounts, sum.Net())
		}
		if (d.Sign() == 0) != sum.FullPriceNet.Equal(amount) {
			t.Fatalf("%q: full-price net %s", s, sum.FullPriceNet)
		}
	})
}
