package customer

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"49.90", "-3", "+0.5", ".5", "5.", "", "NaN", "Inf", "-Inf", "1e400", "12x", "1,000",
		"123456789012345678901234567890", "1234567890123456789012345678901", "0.000000000000000000000000000001", "-", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseAmount(s)
		if err != nil {
			return
		}
		if checkAmountSyntax(s) != nil {
			t.Fatalf("ParseAmount(%q) accepted what the syntax check rejects", s)
		}
		if strings.ContainsAny(s, "eEnNiI,_ x") {
			t.Fatalf("ParseAmount(%q) accepted a non-plain number", s)
		}
		back, err := ParseAmount(d.String())
		if err != nil || !back.Equal(d) {
			t.Fatalf("ParseAmount(%q) = %s, which does not parse back (%v)", s, d, err)
		}
	})
}

func FuzzMoneyUnmarshalText(f *testing.F) {
	for _, s := range []string{"49.90 EUR", "1500 JPY", "-0.125 KWD", "49.90", "EUR 49.90", "1e3 EUR", "NaN EUR", "1 eur", "1  EUR", " EUR", "1 EUR ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var m Money
		if err := m.UnmarshalText([]byte(s)); err != nil {
			if m != (Money{}) {
				t.Fatalf("a failed UnmarshalText(%q) changed the money to %s", s, m)
			}
			return
		}
		if s == "" {
			// The empty text is the zero Money, which has no currency.
			if !m.Equal(Money{}) || m.Currency() != "" {
				t.Fatalf(`UnmarshalText("") = %s, want the zero Money`, m)
			}
			return
		}
		if !m.Currency().Valid() {
			t.Fatalf("UnmarshalText(%q) accepted currency %q", s, m.Currency())
		}
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Money
		if err := back.UnmarshalText(b); err != nil || !back.Equal(m) {
			t.Fatalf("%q → %s → %q does not round-trip (%v)", s, m, b, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-31", "1970-01-01", "1969-12-31", "2024-02-29", "2023-02-29", "2026-13-01", "2026-1-1", "", "9999-12-31", "0001-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) = %s: not the same day", s, d)
		}
		y, m, dd := d.Time().Date()
		if DateFromYMD(y, m, dd) != d || DateOf(d.Time()) != d {
			t.Fatalf("ParseDate(%q) = %d does not round-trip through time", s, d)
		}
	})
}

// orderReader decodes the compact encoding of FuzzOrderValidate: a byte
// stream read front to back, zero when exhausted.
type orderReader struct{ b []byte }

func (r *orderReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *orderReader) int16() int16 {
	return int16(binary.LittleEndian.Uint16([]byte{r.byte(), r.byte()}))
}

func (r *orderReader) amount() decimal.Decimal {
	v := int64(r.int16())
	if r.byte()%8 == 0 {
		v *= 1 << 40 // far beyond the fixed-point range
	}
	return decimal.New(v, -int32(r.byte()%7))
}

var fuzzCurrencies = []Currency{"EUR", "JPY", "KWD", "", "XYZ", "eur"}

// decodeOrder builds an order from data: flags for the IDs, a time offset
// from now, channel, currency, then up to 7 lines with ID, quantity,
// price, optional cost and discount.
func decodeOrder(data []byte, now time.Time) Order {
	r := &orderReader{b: data}
	flags := r.byte()
	o := Order{ID: "O", CustomerID: "C", Store: "S"}
	if flags&1 != 0 {
		o.ID = ""
	}
	if flags&2 != 0 {
		o.CustomerID = ""
	}
	if flags&4 == 0 {
		o.Time = now.Add(time.Duration(r.int16()) * time.Hour)
	}
	o.Channel = Channel(r.byte() % 6)
	o.Currency = fuzzCurrencies[int(r.byte())%len(fuzzCurrencies)]
	for range int(r.byte() % 8) {
		id := r.byte()
		l := Line{Quantity: int(int8(r.byte())), UnitPrice: r.amount(), Category: "c"}
		if id%5 != 0 {
			l.ID = string(rune('A' + id%5))
		}
		if r.byte()%2 == 1 {
			l.UnitCost = decimal.NewNullDecimal(r.amount())
		}
		l.Discount = r.amount()
		o.Lines = append(o.Lines, l)
	}
	return o
}

// FuzzOrderValidate: Validate never panics, and an order it accepts
// satisfies every invariant the summaries rely on and summarises without
// error.
func FuzzOrderValidate(f *testing.F) {
	f.Add([]byte{0, 0xf0, 0xff, 1, 0, 2, 1, 2, 0xe8, 3, 1, 2, 0, 0, 0, 0, 0, 2, 3, 0x10, 0, 1, 2, 1, 5, 0, 1, 1, 0, 0, 1})
	f.Add([]byte{7, 1, 1, 1})
	f.Add([]byte{0, 0, 0, 2, 1, 1, 1, 1, 0xff, 0xff, 9, 2, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0xf6, 0xff, 2, 0, 2, 1, 2, 0xe8, 0x03, 1, 2, 0, 100, 0, 1, 2, 2, 1, 50, 0, 1, 0, 1, 20, 0, 1, 0, 0, 0, 1, 0})
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		o := decodeOrder(data, now)
		if err := o.Validate(now); err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("Validate returned %T, want *ValidationError", err)
			}
			return
		}
		if o.ID == "" || o.CustomerID == "" || o.Time.IsZero() || o.Time.After(now) || !o.Channel.Valid() || !o.Currency.Valid() || len(o.Lines) == 0 {
			t.Fatalf("accepted an order with a bad header: %+v", o)
		}
		seen := map[string]bool{}
		total := decimal.Zero
		for i, l := range o.Lines {
			if l.ID == "" || seen[l.ID] {
				t.Fatalf("line %d: empty or duplicate ID %q accepted", i, l.ID)
			}
			seen[l.ID] = true
			if l.Quantity <= 0 || l.UnitPrice.Sign() < 0 || l.Discount.Sign() < 0 || l.Discount.GreaterThan(l.Gross()) ||
				(l.UnitCost.Valid && l.UnitCost.Decimal.Sign() < 0) || l.Net().Sign() < 0 {
				t.Fatalf("line %d accepted with a bad amount: %+v", i, l)
			}
			if !l.UnitPrice.Equal(l.UnitPrice.Round(o.Currency.Digits())) || !l.Discount.Equal(l.Discount.Round(o.Currency.Digits())) {
				t.Fatalf("line %d: price %s has more decimals than %s allows", i, l.UnitPrice, o.Currency)
			}
			total = total.Add(l.Net())
		}
		s := NewSummary("C", Consumer, now, nil)
		if err := s.AddOrder(o); err != nil {
			t.Fatalf("a valid order does not summarise: %v", err)
		}
		if !s.Net().Equal(total) || s.Orders != 1 || len(s.Days) != 1 || !s.Days[0].Net.Equal(total) {
			t.Fatalf("summary net %s (day %s), want %s", s.Net(), s.Days[0].Net, total)
		}
	})
}

// TestFuzzOrderSeedsReachBothSides: the seed corpus of FuzzOrderValidate
// holds accepted orders (so the invariants are checked) and rejected ones.
func TestFuzzOrderSeedsReachBothSides(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	valid := decodeOrder([]byte{0, 0xf6, 0xff, 2, 0, 2, 1, 2, 0xe8, 0x03, 1, 2, 0, 100, 0, 1, 2, 2, 1, 50, 0, 1, 0, 1, 20, 0, 1, 0, 0, 0, 1, 0}, now)
	if err := valid.Validate(now); err != nil {
		t.Errorf("seed meant to be valid: %v", err)
	}
	if err := decodeOrder([]byte{7, 1, 1, 1}, now).Validate(now); err == nil {
		t.Errorf("seed meant to be invalid was accepted")
	}
}
