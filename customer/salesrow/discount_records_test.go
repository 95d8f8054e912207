package salesrow

import (
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

func disc(s string) decimal.NullDecimal {
	return decimal.NewNullDecimal(decimal.RequireFromString(s))
}

// An order of a discounted and a full-price line, one row per line under
// one order_id, and later refunds of a unit of each: every order of the
// rows summarises as the records do, full-price net and days included.
func TestAddDiscountedAndFullPriceRowsEveryOrder(t *testing.T) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	back := day.AddDate(0, 0, 9)
	o := customer.Order{ID: "o1", CustomerID: "a", Time: day, Channel: customer.Store, Currency: "EUR", Lines: []customer.Line{
		{ID: "1", SKU: "s", Category: "c", Quantity: 2, UnitPrice: decimal.NewFromInt(30), Discount: decimal.NewFromInt(10)},
		{ID: "2", SKU: "t", Category: "c", Quantity: 1, UnitPrice: decimal.NewFromInt(40)},
	}}
	r1 := customer.Return{ID: "r1", OrderID: "o1", CustomerID: "a", Time: back, Kind: customer.Refund, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	r2 := customer.Return{ID: "r2", OrderID: "o1", CustomerID: "a", Time: back, Kind: customer.Refund, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	events := []customer.Event{{Order: &o}, {Return: &r1}, {Return: &r2}}
	f, err := customer.Summarize("a", customer.Consumer, orderAsOf, iter.Seq[customer.Event](slices.Values(events)), nil)
	require.NoError(t, err)

	rows := []Row{
		{CustomerID: "a", Date: customer.DateOf(day), OrderID: "o1", Amount: decimal.NewFromInt(50), Units: 2, Category: "c", Discount: disc("10")},
		{CustomerID: "a", Date: customer.DateOf(day), OrderID: "o1", Amount: decimal.NewFromInt(40), Units: 1, Category: "c", Discount: disc("0")},
		{CustomerID: "a", Date: customer.DateOf(back), OrderID: "o1", Amount: decimal.NewFromInt(-25), Units: -1, Category: "c", Discount: disc("-5")},
		{CustomerID: "a", Date: customer.DateOf(back), OrderID: "o1", Amount: decimal.NewFromInt(-40), Units: -1, Category: "c", Discount: disc("0")},
	}
	for _, perm := range permutations(len(rows)) {
		s := addInOrder(t, rows, perm)
		sameAsRecords(t, f, s)
		for _, p := range [][2]decimal.Decimal{{f.Gross, s.Gross}, {f.Discounts, s.Discounts}, {f.FullPriceNet, s.FullPriceNet}, {f.Refunded, s.Refunded}, {f.Cost, s.Cost}} {
			require.True(t, p[0].Equal(p[1]), "perm %v: records %s, export %s", perm, p[0], p[1])
		}
		require.Equal(t, f.FullPriceShare(), s.FullPriceShare())
	}
}

// A limit of exports ("Exports and full records"): the return of a free
// item (amount 0, negative quantity, a discount given) is read as an
// exchange, so the customer still holds the unit
// ([customer.Summary.KeptUnits]) and the return counts in Exchanges,
// where the record of the same return is a refund of nothing.
func TestAddFreeItemReturnReadAsExchange(t *testing.T) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	back := day.AddDate(0, 0, 9)
	o := customer.Order{ID: "o1", CustomerID: "a", Time: day, Channel: customer.Store, Currency: "EUR", Lines: []customer.Line{
		{ID: "1", SKU: "gift", Category: "c", Quantity: 1, UnitPrice: decimal.RequireFromString("19.95"), Discount: decimal.RequireFromString("19.95")},
		{ID: "2", SKU: "t", Category: "c", Quantity: 1, UnitPrice: decimal.NewFromInt(40)},
	}}
	r := customer.Return{ID: "r1", OrderID: "o1", CustomerID: "a", Time: back, Kind: customer.Refund, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	events := []customer.Event{{Order: &o}, {Return: &r}}
	f, err := customer.Summarize("a", customer.Consumer, orderAsOf, iter.Seq[customer.Event](slices.Values(events)), nil)
	require.NoError(t, err)

	rows := []Row{
		{CustomerID: "a", Date: customer.DateOf(day), OrderID: "o1", Amount: decimal.Zero, Units: 1, Category: "c", Discount: disc("19.95")},
		{CustomerID: "a", Date: customer.DateOf(day), OrderID: "o1", Amount: decimal.NewFromInt(40), Units: 1, Category: "c", Discount: disc("0")},
		{CustomerID: "a", Date: customer.DateOf(back), OrderID: "o1", Amount: decimal.Zero, Units: -1, Category: "c", Discount: disc("-19.95")},
	}
	s := addInOrder(t, rows, []int{0, 1, 2})
	sameAsRecords(t, f, s)
	assert.True(t, f.Gross.Equal(s.Gross) && f.Discounts.Equal(s.Discounts) && f.FullPriceNet.Equal(s.FullPriceNet))
	assert.Equal(t, 0, f.Exchanges)
	assert.Equal(t, 1, s.Exchanges, "read as an exchange")
	assert.Equal(t, 1, f.KeptUnits())
	assert.Equal(t, 2, s.KeptUnits(), "the free unit returned is still held")
}

// Every discount Add rejects names the column and its value, has a Code
// a reader can tally, and changes neither the summary nor the order.
func TestAddRejectedDiscountRows(t *testing.T) {
	day := customer.DateOf(orderAsOf.AddDate(0, 0, -10))
	for _, tc := range []struct {
		name   string
		row    Row
		col    string
		code   Code
		reason string
	}{
		{"too many decimals on a sale", Row{Amount: decimal.NewFromInt(10), Units: 1, Discount: disc("1." + strings.Repeat("0", 40) + "1")},
			ColDiscount, CodeDecimals, "decimals"},
		{"too many digits on a refund", Row{Amount: decimal.NewFromInt(-10), Units: -1, Discount: disc("1" + strings.Repeat("0", 40))},
			ColDiscount, CodeIntegerDigits, "integer digits"},
		{"too many digits on a sale after AsOf", Row{Date: customer.DateOf(orderAsOf.AddDate(0, 0, 5)), Amount: decimal.NewFromInt(10), Units: 1, Discount: disc("-1" + strings.Repeat("0", 40))},
			ColDiscount, CodeIntegerDigits, "integer digits"},
		{"negative cost and a discount too long on a sale", Row{Amount: decimal.NewFromInt(10), Units: 1, Cost: disc("-2"), Discount: disc("1" + strings.Repeat("0", 40))},
			ColCost, CodeUnknown, `must not be negative on a sale; discount "1` + strings.Repeat("0", 40) + `": `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := customer.NewSummary("a", customer.Consumer, orderAsOf, nil)
			o := Order{}
			first := Row{CustomerID: "a", Date: day, OrderID: "o1", Amount: decimal.NewFromInt(50), Units: 1, Discount: disc("5")}
			require.Nil(t, Add(s, &first, "EUR", &o))
			before, beforeO := s.Clone(), o
			r := tc.row
			r.CustomerID, r.OrderID = "a", "o1"
			if r.Date == 0 {
				r.Date = day
			}
			fe := Add(s, &r, "EUR", &o)
			require.NotNil(t, fe)
			assert.Equal(t, tc.col, fe.Column, "%v", fe)
			assert.True(t, fe.HasValue)
			assert.Equal(t, tc.code, fe.Code, "%v", fe)
			assert.Contains(t, fe.Error(), tc.reason)
			assert.Equal(t, before, *s)
			assert.Equal(t, beforeO, o)
		})
	}
}

// A discount column written otherwise than as money off a row: a
// percentage is refused with a reason that says what the column holds; a
// sale's discount written as a negative number is its size; a rate (0.1)
// cannot be told from money and reads as 0.1 taken off, which makes the
// sale one at a discount (the net stays the amount).
func TestDiscountColumnWrittenOtherwise(t *testing.T) {
	l, err := NewLayout([]string{"customer_id", "date", "amount", "discount"})
	require.NoError(t, err)
	var r Row
	fe := l.Parse([]string{"c", "2025-03-01", "45", "10%"}, &r)
	require.NotNil(t, fe)
	assert.Equal(t, `discount "10%": not a decimal number`+NotPercent, fe.Error())

	require.Nil(t, l.Parse([]string{"c", "2025-03-01", "45", "-5"}, &r))
	s := customer.NewSummary("c", customer.Consumer, orderAsOf, nil)
	require.Nil(t, Add(s, &r, "EUR", &Order{}))
	assert.Equal(t, "50", s.Gross.String())
	assert.Equal(t, "5", s.Discounts.String())
	assert.Equal(t, "45", s.Net().String())

	require.Nil(t, l.Parse([]string{"c", "2025-03-01", "45", "0.1"}, &r))
	s = customer.NewSummary("c", customer.Consumer, orderAsOf, nil)
	require.Nil(t, Add(s, &r, "EUR", &Order{}))
	assert.Equal(t, 0.0, s.FullPriceShare())
	assert.Equal(t, "45", s.Net().String())
}
