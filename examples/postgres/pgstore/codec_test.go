package pgstore

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// The codecs need no server: these tests run everywhere.

// An instant splits into microseconds and the nanoseconds below them and
// joins back exactly, for any instant from year 1 to 9999.
func FuzzInstant(f *testing.F) {
	for _, s := range [][2]int64{{0, 0}, {0, 999}, {-1, 1}, {-62135596800, 0}, {253402300799, 999999999}, {1741946400, 123456789}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		sec = min(max(sec, -62135596800), 253402300799)
		tm := time.Unix(sec, nsec).In(time.FixedZone("X", 3208))
		us, ns := instant(tm)
		require.True(t, ns >= 0 && ns < 1000, "ns %d", ns)
		require.Zero(t, us.Nanosecond()%1000, "not whole microseconds: %v", us)
		back := fromInstant(pgtype.Timestamptz{Time: us, Valid: true}, ns)
		require.True(t, back.Equal(tm), "%v came back as %v", tm, back)
		require.Equal(t, time.UTC, back.Location())
	})
}

// A decimal's NUMERIC text parses back to the same value, with its scale
// when it has decimals.
func FuzzDec(f *testing.F) {
	for _, s := range []string{"0", "199.00", "-0.0001", "1e3", "123456789012345678901234567890.123456789", "5E-12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := decimal.NewFromString(s)
		if err != nil || d.Exponent() < -1000 || d.Exponent() > 1000 {
			return
		}
		text := dec(d)
		back, err := decimal.NewFromString(text)
		require.NoError(t, err, "dec(%s) = %q", s, text)
		require.True(t, back.Equal(d), "%s came back as %s", d, back)
		if d.Exponent() < 0 {
			require.Equal(t, d.Exponent(), back.Exponent(), "scale of %s lost in %q", s, text)
		}
		require.NotContains(t, text, "e", "NUMERIC text %q", text)
	})
}

// The JSON detail of a ledger entry decodes to what was encoded, and a
// corrupt detail gives an error, never a panic.
func FuzzEntryDetail(f *testing.F) {
	f.Add("lot-1", "note", "12.50", "0.125", int64(1741946400), int64(5), int64(100), []byte(`{"lines":[{"line_id":"1","net":"x"}]}`))
	f.Add("", "", "0", "0", int64(0), int64(0), int64(0), []byte(`{`))
	f.Fuzz(func(t *testing.T, lot, note, net, weight string, sec, nsec, pts int64, corrupt []byte) {
		var d entryDetail
		if json.Unmarshal(corrupt, &d) == nil {
			var e loyalty.Entry
			_ = d.fill(&e) // must not panic
		}
		n, err1 := decimal.NewFromString(net)
		w, err2 := decimal.NewFromString(weight)
		if err1 != nil || err2 != nil || n.Exponent() < -1000 || w.Exponent() < -1000 || n.Exponent() > 1000 || w.Exponent() > 1000 {
			return
		}
		sec = min(max(sec, -62135596800), 253402300799-1)
		nsec = (nsec%1e9 + 1e9) % 1e9
		e := loyalty.Entry{Lot: lot, Note: note, Points: loyalty.Points(pts), Debt: loyalty.Points(-pts),
			ExpiresAt: time.Unix(sec, nsec), Birthday: customer.Birthday{Year: int(pts), Month: time.May, Day: 4},
			Parts: []loyalty.LotPart{{Lot: lot, Points: loyalty.Points(pts)}},
			Lines: []loyalty.LineRecord{{LineID: note, Quantity: int(pts), Net: n, Weight: w}}}
		if checkText("entry", e) != nil {
			return
		}
		b, err := json.Marshal(detailOf(e))
		require.NoError(t, err)
		var back entryDetail
		require.NoError(t, json.Unmarshal(b, &back))
		var got loyalty.Entry
		require.NoError(t, back.fill(&got))
		assert.Equal(t, e.Lot, got.Lot)
		assert.Equal(t, e.Note, got.Note)
		assert.Equal(t, e.Debt, got.Debt)
		assert.Equal(t, e.Birthday, got.Birthday)
		assert.Equal(t, e.Parts, got.Parts)
		assert.True(t, got.ExpiresAt.Equal(e.ExpiresAt) || (got.ExpiresAt.IsZero() && e.ExpiresAt.IsZero()))
		require.Len(t, got.Lines, 1)
		assert.True(t, got.Lines[0].Net.Equal(n) && got.Lines[0].Weight.Equal(w))
		assert.Equal(t, e.Lines[0].LineID, got.Lines[0].LineID)
	})
}

// checkText refuses exactly the strings PostgreSQL cannot hold, and names
// the field.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"", "ok", "a\x00b", "caf\xe9", "日本", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bad := !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0
		c := customer.Customer{ID: "C", Profile: customer.Profile{Styles: []string{"ok", s}},
			Trade: &customer.Trade{Outlets: 1}}
		err := checkText("customer", c)
		require.Equal(t, bad, err != nil, "checkText(%q) = %v", s, err)
		if bad {
			require.ErrorIs(t, err, customer.ErrInvalid)
			require.Contains(t, err.Error(), "profile.styles[1]")
		}
	})
}

// checkText costs a record PostgreSQL can hold the walk alone: no
// allocation per field or element (the path of a field is built only
// for a fault), so an order of many lines costs no more allocations than
// one of a line. A fault deep in the record is still named by its path.
func TestCheckTextAllocatesOnlyForAFault(t *testing.T) {
	order := func(lines int) customer.Order {
		o := customer.Order{ID: "O-1", CustomerID: "C-1", Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Currency: "EUR"}
		for i := range lines {
			o.Lines = append(o.Lines, customer.Line{ID: fmt.Sprint(i + 1), SKU: "COAT-1", Category: "coats", Quantity: 1,
				UnitPrice: decimal.RequireFromString("199.90")})
		}
		return o
	}
	allocs := func(o customer.Order) float64 {
		return testing.AllocsPerRun(50, func() {
			if err := checkText("order", o); err != nil {
				t.Fatal(err)
			}
		})
	}
	one, many := allocs(order(1)), allocs(order(40))
	assert.LessOrEqual(t, many, one, "allocations of an order of 40 lines, of 1 line: %v, %v", many, one)

	o := order(5)
	o.Lines[3].SKU = "COAT\x00"
	err := checkText(`order "O-1"`, o)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("lines[3].sku", customer.CodeFormat), "%v", err)
}

// Money rebuilt from its columns: a zero amount keeps any currency code,
// a non-zero amount needs a known one.
func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		amount, cur string
		ok          bool
	}{
		{"0", "", true}, {"0.00", "EUR", true}, {"0", "XXX", true}, {"12.30", "EUR", true}, {"5", "", false}, {"5", "XXX", false},
	} {
		t.Run(fmt.Sprintf("%s %s", tc.amount, tc.cur), func(t *testing.T) {
			m, err := money(decimal.RequireFromString(tc.amount), tc.cur)
			if !tc.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.True(t, m.Amount().Equal(decimal.RequireFromString(tc.amount)))
			assert.Equal(t, customer.Currency(tc.cur), m.Currency())
		})
	}
}

// numericFault refuses exactly what NUMERIC cannot hold, also where
// decimal.Decimal.NumDigits's estimate is one off (10^15, 10^15−1).
func TestNumericFaultAtTheLimits(t *testing.T) {
	const p15 = int64(1e15) // NumDigits may say 15 digits
	for _, tc := range []struct {
		d  decimal.Decimal
		ok bool
	}{
		{decimal.New(1, numericIntDigits-1), true},
		{decimal.New(1, numericIntDigits), false},
		{decimal.New(0, numericIntDigits-1), true},
		{decimal.New(0, numericIntDigits), false},
		{decimal.New(p15, numericIntDigits-16), true},
		{decimal.New(p15, numericIntDigits-15), false},
		{decimal.New(-(p15 - 1), numericIntDigits-15), true},
		{decimal.New(-(p15 - 1), numericIntDigits-14), false},
		{decimal.New(7, -numericScale), true},
		{decimal.New(7, -numericScale-1), false},
		{decimal.New(math.MaxInt64, -numericScale), true},
	} {
		msg := numericFault(tc.d)
		assert.Equal(t, tc.ok, msg == "", "%s·10^%d: %q", tc.d.Coefficient(), tc.d.Exponent(), msg)
	}
}
