package customer

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// A clone shares no memory with the original: adding a sale of a new
// category to the clone, whose categories have room to grow in place,
// leaves the original's categories as they were.
func TestCloneDoesNotShareCategories(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	for _, c := range []string{"b", "c", "d"} {
		require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -3), NewOrder: true, Amount: eur("10"), Units: 1, Category: c}))
	}
	s.Categories = append(make([]string, 0, 8), s.Categories...) // room to insert in place
	c := s.Clone()
	require.NoError(t, c.AddSale(Sale{Time: vNow.AddDate(0, 0, -1), NewOrder: true, Amount: eur("10"), Units: 1, Category: "a"}))
	require.Equal(t, []string{"a", "b", "c", "d"}, c.Categories)
	require.Equal(t, []string{"b", "c", "d"}, s.Categories, "the original's categories changed with its clone's")
}

// A refund of an unknown order may count up to MaxLineQuantity units,
// as its doc says ([0, MaxLineQuantity]), and one more is refused on
// "units", changing nothing. It takes the amount off Refunded and the
// cost of the goods at the default margin off Cost: cost = amount ×
// (1 − margin), the cost share of [DefaultMargin].
func TestAddRefundUnitsBoundAndCost(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -9), NewOrder: true, Amount: eur("200"), Units: 2}))
	cost := s.Cost
	require.NoError(t, s.AddRefund(vNow.AddDate(0, 0, -2), eur("100"), MaxLineQuantity))
	require.Equal(t, MaxLineQuantity, s.ReturnedUnits)
	require.True(t, s.Refunded.Equal(d("100")), "refunded %s", s.Refunded)
	want := cost.Sub(d("100").Mul(decimal.NewFromInt(1).Sub(DefaultMargin)))
	require.True(t, s.Cost.Equal(want), "cost %s, want %s", s.Cost, want)
	require.True(t, s.Cost.Equal(d("45")), "cost %s: 90 of the sale less 45 of the refund", s.Cost)

	s = NewSummary("C-1", Consumer, vNow, nil)
	before := s.Clone()
	requireFields(t, s.AddRefund(vNow.AddDate(0, 0, -2), eur("100"), MaxLineQuantity+1), fe("units", CodeRange))
	require.Equal(t, before, *s, "a refused refund changes nothing")
}

// The refunds of single units of a line of net 10.00 EUR bought three
// times pay back 3.33, 3.34 and 3.33 (the share of each unit after the
// units refunded before it, rounded half up: 10 × k ÷ 3 to the cent,
// [RefundShare]): all of the 10.00 together, so no price reduction of
// the order is left, not even a cent, as the sum of three shares of
// 3.33 would leave.
func TestPriceReductionAfterRefundsOfEveryUnitOneByOne(t *testing.T) {
	o := Order{ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10), Channel: Online, Currency: "EUR",
		Lines: []Line{{ID: "1", SKU: "TEE", Quantity: 3, UnitPrice: d("10"), Discount: d("20")}}}
	require.NoError(t, o.Validate(vNow))
	var rs []Return
	for i, id := range []string{"R-1", "R-2", "R-3"} {
		rs = append(rs, Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -8+i),
			Kind: Refund, Reason: SizeFit, Lines: []ReturnLine{{LineID: "1", Quantity: -1}}})
	}
	k := validCredit()
	k.Amount = eur("0.01")
	var ve *ValidationError
	require.ErrorAs(t, k.ValidateAfter(o, Money{}, rs, vNow), &ve)
	require.True(t, ve.Has("amount", CodeTooMany), "%v", ve)
}

// A refund row's cost of goods comes back whatever its sign: an export
// may write the cost of returned goods as positive or as negative (Cost
// of [Sale]: negative for a return), and either way the goods are back,
// so Cost falls by its size, as on a return row without money.
func TestSaleRefundRowCostComesBackWhateverItsSign(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -9), NewOrder: true, Amount: eur("50"), Units: 1, Cost: decimal.NewNullDecimal(d("20"))}))
	for _, c := range []string{"20", "-20"} {
		r := s.Clone()
		require.NoError(t, r.AddSale(Sale{Time: vNow.AddDate(0, 0, -2), Amount: eur("-50"), Units: -1, Cost: decimal.NewNullDecimal(d(c))}))
		require.True(t, r.Cost.IsZero(), "cost %s after the return of goods of cost %s", r.Cost, c)
		require.True(t, r.Refunded.Equal(d("50")), "refunded %s", r.Refunded)
	}
}

// Summarize keeps every order when the running totals outgrow the fixed
// point of its fast path: ten orders of a line of 10⁶ units at
// 99,999,999 EUR each (10¹⁴ EUR a line, within the bounds of an amount)
// add up to 10¹⁵ EUR, beyond what int64 holds at four decimals, and
// Gross is still all ten lines.
func TestSummarizeKeepsOrdersBeyondFastPathRange(t *testing.T) {
	var evs []Event
	for i := range 10 {
		evs = append(evs, evO(Order{ID: "O-" + string(rune('A'+i)), CustomerID: "C-1", Time: vNow.AddDate(0, 0, -20+i), Channel: Online, Currency: "EUR",
			Lines: []Line{{ID: "1", SKU: "BULK", Quantity: 1_000_000, UnitPrice: d("99999999")}}}))
	}
	s, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
	require.NoError(t, err)
	require.Equal(t, 10, s.Orders)
	want := d("99999999").Mul(decimal.NewFromInt(10_000_000))
	require.True(t, s.Gross.Equal(want), "gross %s, want %s", s.Gross, want)
	var net decimal.Decimal
	for _, x := range s.Days {
		net = net.Add(x.Net)
	}
	require.True(t, net.Equal(want), "net of the days %s, want %s", net, want)
}

// One order whose lines together outgrow the fixed point of the fast
// path (ten lines of 10¹⁴ EUR) is summed exactly all the same.
func TestSummaryOfOrderBeyondFastPathRange(t *testing.T) {
	o := Order{ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -3), Channel: Online, Currency: "EUR"}
	for i := range 10 {
		o.Lines = append(o.Lines, Line{ID: string(rune('a' + i)), SKU: "BULK", Quantity: 1_000_000, UnitPrice: d("99999999")})
	}
	want := d("99999999").Mul(decimal.NewFromInt(10_000_000))
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o)}), nil)
	require.NoError(t, err)
	require.True(t, s.Gross.Equal(want), "gross %s, want %s", s.Gross, want)
	a := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, a.AddOrder(o))
	require.True(t, a.Gross.Equal(want), "AddOrder: gross %s, want %s", a.Gross, want)
}

// A negative reduced is reported on "reduced", and the amount is then not
// compared with what is left of the order's net (Credit.ValidateFor): a
// negative reduction does not widen the bound.
func TestCreditNegativeReducedNotComparedWithNet(t *testing.T) {
	k := validCredit()
	k.Amount = eur("300.00") // more than the net of 210
	err := k.ValidateFor(validOrder(), eur("-10.00"), vNow)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.True(t, ve.Has("reduced", CodeNegative), "%v", err)
	require.False(t, ve.Has("amount", ""), "%v", err)
}
