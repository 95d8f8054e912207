package customer

import (
	"encoding/json"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordsMoney compares the money fields of a summary of records, f, and
// of export rows, s.
func recordsMoney(t *testing.T, f, s Summary) {
	t.Helper()
	for _, p := range []struct {
		name string
		a, b decimal.Decimal
	}{
		{"gross", f.Gross, s.Gross}, {"discounts", f.Discounts, s.Discounts},
		{"full-price net", f.FullPriceNet, s.FullPriceNet}, {"refunded", f.Refunded, s.Refunded},
		{"cost", f.Cost, s.Cost}, {"net", f.Net(), s.Net()},
	} {
		assert.True(t, p.a.Equal(p.b), "%s: records %s, export %s", p.name, p.a, p.b)
	}
	assert.Equal(t, f.FullPriceShare(), s.FullPriceShare())
	assert.Equal(t, f.Units, s.Units)
	assert.Equal(t, f.ReturnedUnits, s.ReturnedUnits)
	assert.Equal(t, f.Orders, s.Orders)
	require.Equal(t, len(f.Days), len(s.Days))
	for i := range f.Days {
		assert.Equal(t, f.Days[i].Date, s.Days[i].Date)
		assert.Equal(t, f.Days[i].Orders, s.Days[i].Orders)
		assert.True(t, f.Days[i].Net.Equal(s.Days[i].Net), "net of %s: records %s, export %s", f.Days[i].Date, f.Days[i].Net, s.Days[i].Net)
	}
}

func summarizeEvents(t *testing.T, events ...Event) Summary {
	t.Helper()
	f, err := Summarize("C-1", Consumer, vNow, iter.Seq[Event](slices.Values(events)), nil)
	require.NoError(t, err)
	return f
}

// An order of a discounted line and a full-price line, written as one
// row per line, and a later refund of a unit of each: the export says
// everything the records say.
func TestAddSaleMixedOrderAsRowsMatchesRecords(t *testing.T) {
	day, back := vNow.AddDate(0, 0, -20), vNow.AddDate(0, 0, -10)
	o := Order{ID: "o1", CustomerID: "C-1", Time: day, Channel: Store, Currency: "EUR", Lines: []Line{
		{ID: "1", SKU: "a", Category: "c", Quantity: 2, UnitPrice: d("30"), Discount: d("10")},
		{ID: "2", SKU: "b", Category: "c", Quantity: 1, UnitPrice: d("40")},
	}}
	r := Return{ID: "r1", OrderID: "o1", CustomerID: "C-1", Time: back, Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}, {LineID: "2", Quantity: -1}}}
	f := summarizeEvents(t, Event{Order: &o}, Event{Return: &r})

	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: day, NewOrder: true, Amount: eur("50"), Units: 2, Discount: discount("10"), Category: "c"}))
	require.NoError(t, s.AddSale(Sale{Time: day, Amount: eur("40"), Units: 1, Discount: discount("0"), Category: "c"}))
	require.NoError(t, s.AddSale(Sale{Time: back, OrderDay: day, Amount: eur("-25"), Units: -1, Discount: discount("-5")}))
	require.NoError(t, s.AddSale(Sale{Time: back, OrderDay: day, Amount: eur("-40"), Units: -1, Discount: discount("0")}))
	recordsMoney(t, f, *s)
}

// A free item (all of its price taken off) beside a full-price item, and
// a return of the free item: AddSale takes the zero-money return as
// units back without money, as the records' refund of nothing does.
func TestAddSaleFreeItemMatchesRecords(t *testing.T) {
	day, back := vNow.AddDate(0, 0, -20), vNow.AddDate(0, 0, -10)
	o := Order{ID: "o1", CustomerID: "C-1", Time: day, Channel: Store, Currency: "EUR", Lines: []Line{
		{ID: "1", SKU: "gift", Category: "c", Quantity: 1, UnitPrice: d("19.95"), Discount: d("19.95")},
		{ID: "2", SKU: "b", Category: "c", Quantity: 1, UnitPrice: d("30")},
	}}
	r := Return{ID: "r1", OrderID: "o1", CustomerID: "C-1", Time: back, Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
	f := summarizeEvents(t, Event{Order: &o}, Event{Return: &r})

	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: day, NewOrder: true, Amount: Zero("EUR"), Units: 1, Discount: discount("19.95"), Category: "c"}))
	require.NoError(t, s.AddSale(Sale{Time: day, Amount: eur("30"), Units: 1, Discount: discount("0"), Category: "c"}))
	require.NoError(t, s.AddSale(Sale{Time: back, Amount: Zero("EUR"), Units: -1, Discount: discount("-19.95")}))
	recordsMoney(t, f, *s)
	assert.Equal(t, f.KeptUnits(), s.KeptUnits())
}

// A limit of exports (package salesrow, "Exports and full records"): an
// export that writes 0 on the refund of a discounted line takes it off
// FullPriceNet, which the records never do, so a later full-price sale
// shows a full-price share of 1/2 where the records say 1.
func TestAddSaleZeroDiscountOnRefundOfDiscountedLine(t *testing.T) {
	day, back, later := vNow.AddDate(0, 0, -30), vNow.AddDate(0, 0, -20), vNow.AddDate(0, 0, -10)
	o1 := Order{ID: "o1", CustomerID: "C-1", Time: day, Channel: Store, Currency: "EUR", Lines: []Line{
		{ID: "1", SKU: "a", Category: "c", Quantity: 1, UnitPrice: d("60"), Discount: d("10")}}}
	r := Return{ID: "r1", OrderID: "o1", CustomerID: "C-1", Time: back, Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
	o2 := Order{ID: "o2", CustomerID: "C-1", Time: later, Channel: Store, Currency: "EUR", Lines: []Line{
		{ID: "1", SKU: "b", Category: "c", Quantity: 2, UnitPrice: d("50")}}}
	f := summarizeEvents(t, Event{Order: &o1}, Event{Return: &r}, Event{Order: &o2})

	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: day, NewOrder: true, Amount: eur("50"), Units: 1, Discount: discount("10")}))
	require.NoError(t, s.AddSale(Sale{Time: back, OrderDay: day, Amount: eur("-50"), Units: -1, Discount: discount("0")}))
	require.NoError(t, s.AddSale(Sale{Time: later, NewOrder: true, Amount: eur("100"), Units: 2, Discount: discount("0")}))

	assert.Equal(t, "100", f.FullPriceNet.String())
	assert.Equal(t, 1.0, f.FullPriceShare())
	assert.Equal(t, "50", s.FullPriceNet.String(), "the discounted refund came off FullPriceNet")
	assert.Equal(t, 0.5, s.FullPriceShare())
	assert.True(t, f.Net().Equal(s.Net()))
}

// A limit of exports (package salesrow, "Exports and full records"): a
// refund that keeps a fee (Return.Refund below the share) takes the
// goods' share off FullPriceNet in the records; a refund row can only
// take its amount, what was paid back.
func TestAddSaleRefundWithFee(t *testing.T) {
	day, back := vNow.AddDate(0, 0, -30), vNow.AddDate(0, 0, -20)
	o := Order{ID: "o1", CustomerID: "C-1", Time: day, Channel: Store, Currency: "EUR", Lines: []Line{
		{ID: "1", SKU: "a", Category: "c", Quantity: 2, UnitPrice: d("50")}}}
	r := Return{ID: "r1", OrderID: "o1", CustomerID: "C-1", Time: back, Kind: Refund, Reason: SizeFit,
		Refund: decimal.NewNullDecimal(d("45")), Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
	f := summarizeEvents(t, Event{Order: &o}, Event{Return: &r})

	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: day, NewOrder: true, Amount: eur("100"), Units: 2, Discount: discount("0")}))
	require.NoError(t, s.AddSale(Sale{Time: back, OrderDay: day, Amount: eur("-45"), Units: -1, Discount: discount("0")}))
	assert.True(t, f.Net().Equal(s.Net()))
	assert.Equal(t, "50", f.FullPriceNet.String())
	assert.Equal(t, "55", s.FullPriceNet.String())
	assert.Equal(t, 50.0/55, f.FullPriceShare())
	assert.Equal(t, 1.0, s.FullPriceShare())
}

// A rejected discount changes nothing, on a refund too, and a row after
// AsOf is checked for it before it is left out.
func TestAddSaleRejectedDiscountChangesNothing(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -3), NewOrder: true, Amount: eur("50"), Units: 1, Discount: discount("5")}))
	before := s.Clone()
	for _, x := range []Sale{
		{Time: vNow, Amount: eur("-50"), Units: -1, Discount: discount("1e31")},
		{Time: vNow, Amount: eur("-50"), Units: -1, Discount: discount("-0.0000000000000000000000000000001")},
		{Time: vNow.Add(time.Hour), NewOrder: true, Amount: eur("50"), Units: 1, Discount: discount("-1e31")},
		{Time: vNow, OrderDay: vNow.AddDate(0, 0, -3), Amount: eur("10"), Units: 1, Discount: discount("1e30")},
	} {
		err := s.AddSale(x)
		require.Error(t, err, "%+v", x)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "discount", ve.Fields[0].Field, "%v", err)
		assert.Contains(t, err.Error(), `sale of customer "C-1": discount: `)
		assert.Equal(t, before, *s)
	}
}

// A summary of an export with discounts holds FullPriceNet below zero or
// above Net; FullPriceShare stays in [0, 1], and Merge and the JSON
// encoding keep Discounts and FullPriceNet.
func TestAddSaleFullPriceNetOutsideNet(t *testing.T) {
	day := vNow.AddDate(0, 0, -5)
	neg := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, neg.AddSale(Sale{Time: day, NewOrder: true, Amount: eur("50"), Units: 1, Discount: discount("10")}))
	require.NoError(t, neg.AddSale(Sale{Time: day, Amount: eur("-50"), Units: -1, Discount: discount("0")}))
	require.NoError(t, neg.AddSale(Sale{Time: day, NewOrder: true, Amount: eur("30"), Units: 1, Discount: discount("3")}))
	assert.Equal(t, "-50", neg.FullPriceNet.String())
	assert.Equal(t, 0.0, neg.FullPriceShare())

	above := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, above.AddSale(Sale{Time: day, NewOrder: true, Amount: eur("100"), Units: 1, Discount: discount("0")}))
	require.NoError(t, above.AddSale(Sale{Time: day, Amount: eur("-60"), Units: -1}))
	assert.Equal(t, "100", above.FullPriceNet.String())
	assert.Equal(t, 1.0, above.FullPriceShare())

	m, err := neg.Merge(*above)
	require.NoError(t, err)
	assert.Equal(t, "13", m.Discounts.String())
	assert.Equal(t, "50", m.FullPriceNet.String())
	assert.Equal(t, 50.0/70, m.FullPriceShare())

	b, err := json.Marshal(m)
	require.NoError(t, err)
	var back Summary
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Discounts.Equal(m.Discounts) && back.FullPriceNet.Equal(m.FullPriceNet) && back.Gross.Equal(m.Gross))
}
