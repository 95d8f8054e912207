package customer

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// extremeAmounts are decimals that no text ParseAmount accepts but that
// decimal.New or a JSON decoder builds: decimal arithmetic on them
// (rescaling to a common exponent) takes minutes or never ends, and
// negating the exponent math.MinInt32 overflows an int32. Each must be
// refused before any such arithmetic; a hang times the test out.
func extremeAmounts() []struct {
	name string
	d    decimal.Decimal
} {
	return []struct {
		name string
		d    decimal.Decimal
	}{
		{"1e100000000", decimal.RequireFromString("1e100000000")},
		{"1e-2147483648", decimal.RequireFromString("1e-2147483648")},
		{"New(1,MinInt32)", decimal.New(1, math.MinInt32)},
		{"New(1,MaxInt32)", decimal.New(1, math.MaxInt32)},
	}
}

// requireRejected runs f, which must fail, and requires s to be deeply
// equal to what it was before: a rejected operation changes nothing.
func requireRejected(t *testing.T, s *Summary, f func() error) error {
	t.Helper()
	before := s.Clone()
	err := f()
	require.Error(t, err)
	require.Equal(t, before, *s, "a rejected operation changed the summary")
	return err
}

// An order line whose unit price, discount or unit cost is beyond the
// bounds of ParseAmount is refused on that field (CodeRange), by
// Order.Validate, AddOrder and Summarize.
func TestExtremeLineAmountsAreRefused(t *testing.T) {
	for _, x := range extremeAmounts() {
		for _, field := range []string{"unit_price", "discount", "unit_cost", "-unit_price", "-discount", "-unit_cost"} {
			t.Run(x.name+"/"+field, func(t *testing.T) {
				o := validOrder()
				a := x.d
				if field[0] == '-' {
					// Negative too: reported once, as out of range.
					a, field = a.Neg(), field[1:]
				}
				switch field {
				case "unit_price":
					o.Lines[0].UnitPrice = a
				case "discount":
					o.Lines[0].Discount = a
				case "unit_cost":
					o.Lines[0].UnitCost = decimal.NewNullDecimal(a)
				}
				requireFields(t, o.Validate(vNow), fe("lines[0]."+field, CodeRange))

				s := NewSummary("C-1", Consumer, vNow, nil)
				var ve *ValidationError
				require.ErrorAs(t, requireRejected(t, s, func() error { return s.AddOrder(o) }), &ve)
				assert.True(t, ve.Has("lines[0]."+field, CodeRange), "%v", ve)

				_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o)}), nil)
				require.ErrorIs(t, err, ErrInvalid)
			})
		}
	}
}

// An order decoded from JSON whose price is
// "1e100000000" or "1e-2147483648" is refused at once.
func TestExtremeAmountsFromJSONAreRefused(t *testing.T) {
	for _, price := range []string{"1e100000000", "1e-2147483648", "-1e100000000", "1e2147483647"} {
		t.Run(price, func(t *testing.T) {
			js := `{"ID":"O","CustomerID":"C-1","Time":"2026-01-01T00:00:00Z","Channel":"store","Currency":"EUR",` +
				`"Lines":[{"ID":"1","Quantity":1,"UnitPrice":"` + price + `"}]}`
			var o Order
			require.NoError(t, json.Unmarshal([]byte(js), &o))
			err := o.Validate(vNow)
			requireFields(t, err, fe("lines[0].unit_price", CodeRange))
			assert.NotContains(t, err.Error(), "000000000000", "the message does not print the digits")
		})
	}
}

// The bounds are those of ParseAmount: 30 integer digits and 30 decimals
// are accepted, one more of either is refused with a message that counts
// them.
func TestAmountBoundsAreThoseOfParseAmount(t *testing.T) {
	thirty := "999999999999999999999999999999"
	for _, tc := range []struct {
		d   decimal.Decimal
		msg string // "" when accepted
	}{
		{d(thirty), ""},
		{d("-" + thirty), ""},
		{d("0." + thirty), ""},
		{decimal.New(1, 29), ""},
		{decimal.New(0, 30), ""},
		{decimal.New(1, -30), ""},
		{d(thirty + "9"), "has 31 integer digits, more than the 30 allowed"},
		{decimal.New(1, 30), "has 31 integer digits, more than the 30 allowed"},
		{decimal.New(1_000_000_000_000_000, 15), "has 31 integer digits, more than the 30 allowed"},
		{decimal.New(1, -31), "has 31 decimals, more than the 30 allowed"},
		{decimal.New(0, 31), "has 32 integer digits, more than the 30 allowed"},
		{decimal.New(1, math.MinInt32), "has 2147483648 decimals, more than the 30 allowed"},
		{decimal.New(1, math.MaxInt32), "has 2147483648 integer digits, more than the 30 allowed"},
	} {
		assert.Equal(t, tc.msg, checkAmount(tc.d), "%s", sciString(tc.d))
		// ParseAmount agrees wherever the decimal can be written plainly
		// (a zero is written "0" whatever its exponent).
		if e := tc.d.Exponent(); e >= -40 && e <= 40 && !tc.d.IsZero() {
			_, err := ParseAmount(tc.d.String())
			assert.Equal(t, tc.msg == "", err == nil, "ParseAmount(%s): %v", tc.d, err)
		}
	}
}

// A refund beyond the bounds is refused on "refund"; a return of an order
// whose line is beyond them reports the order instead of computing the
// share; AddReturn refuses the order.
func TestExtremeRefundsAreRefused(t *testing.T) {
	for _, x := range extremeAmounts() {
		t.Run(x.name, func(t *testing.T) {
			r := validReturn()
			r.Refund = decimal.NewNullDecimal(x.d)
			requireFields(t, r.Validate(validOrder(), vNow), fe("refund", CodeRange))
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(validOrder()))
			requireRejected(t, s, func() error { return s.AddReturn(r, validOrder()) })

			o := validOrder()
			o.Lines[0].UnitPrice = x.d
			r.Refund = refundOf("1")
			requireFields(t, r.Validate(o, vNow), fe("order_id", CodeRange))
			err := requireRejected(t, s, func() error { return s.AddReturn(validReturn(), o) })
			assert.ErrorIs(t, err, ErrInvalid)

			_, err = RefundShare(x.d, 0, 1, 2, "EUR")
			assert.ErrorIs(t, err, ErrInvalid)
		})
	}
}

// A credit amount beyond the bounds is refused on "amount"; a reduced
// beyond them on "reduced"; an order beyond them on "order_id", before
// its net is computed.
func TestExtremeCreditAmountsAreRefused(t *testing.T) {
	for _, x := range extremeAmounts() {
		t.Run(x.name, func(t *testing.T) {
			huge := Money{amount: x.d, currency: "EUR"}
			c := validCredit()
			c.Amount = huge
			requireFields(t, c.Validate(vNow), fe("amount", CodeRange))
			requireFields(t, c.ValidateFor(validOrder(), Money{}, vNow), fe("amount", CodeRange))

			comp := validCredit()
			comp.Kind, comp.OrderID, comp.Amount = Compensation, "", huge
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(validOrder()))
			requireRejected(t, s, func() error { return s.AddCredit(comp) })
			requireRejected(t, s, func() error { return s.AddCreditFor(c, validOrder(), Money{}) })

			requireFields(t, validCredit().ValidateFor(validOrder(), huge, vNow), fe("reduced", CodeRange))
			requireRejected(t, s, func() error { return s.AddCreditFor(validCredit(), validOrder(), huge) })

			o := validOrder()
			o.Lines[1].Discount = x.d
			requireFields(t, validCredit().ValidateFor(o, Money{}, vNow), fe("order_id", CodeRange))
		})
	}
}

// A sales row or a refund whose amount or cost is beyond the bounds is
// refused on that field.
func TestExtremeSaleAndRefundAmountsAreRefused(t *testing.T) {
	for _, x := range extremeAmounts() {
		t.Run(x.name, func(t *testing.T) {
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(validOrder()))
			huge := Money{amount: x.d, currency: "EUR"}
			requireFields(t, requireRejected(t, s, func() error {
				return s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: huge, Units: 1})
			}), fe("amount", CodeRange))
			requireFields(t, requireRejected(t, s, func() error {
				return s.AddSale(Sale{Time: vNow, Amount: huge.Neg(), Units: -1})
			}), fe("amount", CodeRange))
			requireFields(t, requireRejected(t, s, func() error {
				return s.AddSale(Sale{Time: vNow, Amount: eur("10"), Units: 1, Cost: decimal.NewNullDecimal(x.d)})
			}), fe("cost", CodeRange))
			requireFields(t, requireRejected(t, s, func() error { return s.AddRefund(vNow, huge, 1) }), fe("amount", CodeRange))
		})
	}
}

// Printing an extreme amount does not rescale it: Currency.Format and
// Money.String write its coefficient and exponent.
func TestExtremeAmountsFormat(t *testing.T) {
	for _, x := range extremeAmounts() {
		t.Run(x.name, func(t *testing.T) {
			want := sciString(x.d)
			assert.Equal(t, want, Currency("EUR").Format(x.d))
			assert.Equal(t, want, Currency("JPY").Format(x.d.Neg())[1:])
			assert.Equal(t, want+" EUR", Money{amount: x.d, currency: "EUR"}.String())
			assert.Equal(t, want, Money{amount: x.d}.String())
		})
	}
	assert.Equal(t, "1e100000000", sciString(decimal.RequireFromString("1e100000000")))
	assert.Equal(t, "19.80", Currency("EUR").Format(d("19.8")), "amounts within the bounds print as before")
}

// A default margin beyond the bounds is refused without comparing it
// with 1.
func TestExtremeMarginIsRefused(t *testing.T) {
	for _, x := range extremeAmounts() {
		t.Run(x.name, func(t *testing.T) {
			opts := &SummaryOptions{DefaultMargin: x.d}
			requireFields(t, opts.Validate(), fe("default_margin", CodeRange))
			_, err := Summarize("C-1", Consumer, vNow, nil, opts)
			require.ErrorIs(t, err, ErrInvalid)
			s := NewSummary("C-1", Consumer, vNow, opts)
			requireFields(t, s.AddOrder(validOrder()), fe("default_margin", CodeRange))
		})
	}
}

// Trade figures beyond the bounds are refused on their field.
func TestExtremeTradeAmountsAreRefused(t *testing.T) {
	for _, x := range extremeAmounts() {
		t.Run(x.name, func(t *testing.T) {
			c := validIntermediary()
			c.Trade.AnnualTurnover = Money{amount: x.d, currency: "EUR"}
			requireFields(t, c.Validate(vNow), fe("trade.annual_turnover", CodeRange))
		})
	}
}

// A second delivery of an order, return or credit with an extreme amount
// is a conflict found at once: comparing it with the first does not
// rescale it.
func TestExtremeRedeliveryIsAConflict(t *testing.T) {
	for _, x := range extremeAmounts() {
		t.Run(x.name, func(t *testing.T) {
			o := validOrder()
			bad := o.Clone()
			bad.Lines[0].UnitPrice = x.d
			assert.False(t, o.Equal(bad))
			checkDuplicate(t, o.Conflict(bad), `order "O-1"`, "lines[0].unit_price")
			_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evO(bad)}), nil)
			require.ErrorIs(t, err, ErrDuplicate)

			r := validReturn()
			badR := r.Clone()
			badR.Refund = decimal.NewNullDecimal(x.d)
			r.Refund = refundOf("1")
			assert.False(t, r.Equal(badR))

			c := validCredit()
			badC := c
			badC.Amount = Money{amount: x.d, currency: "EUR"}
			checkDuplicate(t, c.Conflict(badC), `credit "K-1"`, "amount")

			ctx := context.Background()
			m := NewMemStore()
			require.NoError(t, m.Put(ctx, validConsumer()))
			require.NoError(t, m.AppendOrder(ctx, o))
			require.ErrorIs(t, m.AppendOrder(ctx, bad), ErrDuplicate)
		})
	}
	// Equal by value, whatever the exponents, as before.
	assert.True(t, decEqual(d("1.5"), d("1.50")))
	assert.True(t, decEqual(decimal.New(0, math.MinInt32), decimal.Zero))
	assert.True(t, decEqual(decimal.New(10, 40), decimal.New(1, 41)))
	assert.False(t, decEqual(decimal.New(1, 41), decimal.New(1, 40)))
	assert.False(t, decEqual(d("-1"), d("1")))
}

// Within the bounds, the order of every check is unchanged; the fast
// path and the decimal path agree on the amounts at the bounds.
func TestAmountsAtTheBoundsAreAccepted(t *testing.T) {
	o := validOrder()
	o.Lines[0].UnitPrice = d("999999999999999999999.99") // beyond the fast path
	o.Lines[0].UnitCost = decimal.NewNullDecimal(decimal.New(1, -30))
	require.NoError(t, o.Validate(vNow))
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o)}), nil)
	require.NoError(t, err)
	assert.True(t, s.Gross.Equal(d("1999999999999999999999.98").Add(d("30"))), "%s", s.Gross)
}
