package salesrow

import (
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// discountedOrder is an order of one line of units at price, each sold
// with disc off (0: at full price), with its returns.
type discountedOrder struct {
	exportOrder
	disc int64
}

// An export with a discount column summarises as the full records of
// the same lines do in Gross, Discounts, FullPriceNet and so the
// full-price share, as well as in days, orders and net, in every order
// of its rows: a sale row counts at amount + discount, and a refund
// row whose discount is zero takes its amount off FullPriceNet.
func TestAddDiscountsMatchFullRecordsProperty(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 5).Draw(rt, "orders")
		var orders []discountedOrder
		for i := range n {
			o := discountedOrder{exportOrder: exportOrder{id: fmt.Sprint("o", i), day: rapid.IntRange(0, 150).Draw(rt, "day"),
				units: rapid.IntRange(1, 4).Draw(rt, "units"), price: rapid.Int64Range(2, 90).Draw(rt, "price")}}
			if rapid.Bool().Draw(rt, "discounted") {
				o.disc = rapid.Int64Range(1, o.price-1).Draw(rt, "disc")
			}
			left := o.units
			for left > 0 && rapid.Bool().Draw(rt, "return") {
				k := rapid.IntRange(1, left).Draw(rt, "returned")
				left -= k
				o.returns = append(o.returns, exportReturn{day: o.day + rapid.IntRange(0, 60).Draw(rt, "after"), units: k})
			}
			orders = append(orders, o)
		}
		// A refund's discount may be written with either sign.
		flip := rapid.Bool().Draw(rt, "flip")
		var events []customer.Event
		var rows []Row
		for _, o := range orders {
			net := o.price - o.disc
			events = append(events, customer.Event{Order: &customer.Order{ID: o.id, CustomerID: "a", Time: base.AddDate(0, 0, o.day), Channel: customer.Store, Currency: "EUR",
				Lines: []customer.Line{{ID: "1", SKU: "s", Category: "c", Quantity: o.units, UnitPrice: decimal.NewFromInt(o.price), Discount: decimal.NewFromInt(o.disc * int64(o.units))}}}})
			rows = append(rows, Row{CustomerID: "a", Date: customer.DateOf(base.AddDate(0, 0, o.day)), OrderID: o.id,
				Amount: decimal.NewFromInt(net * int64(o.units)), Units: o.units, Category: "c",
				Discount: decimal.NewNullDecimal(decimal.NewFromInt(o.disc * int64(o.units)))})
			for k, r := range o.returns {
				events = append(events, customer.Event{Return: &customer.Return{ID: fmt.Sprintf("%s-r%d", o.id, k), OrderID: o.id, CustomerID: "a",
					Time: base.AddDate(0, 0, r.day), Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -r.units}}}})
				d := -o.disc * int64(r.units)
				if flip {
					d = -d
				}
				rows = append(rows, Row{CustomerID: "a", Date: customer.DateOf(base.AddDate(0, 0, r.day)), OrderID: o.id,
					Amount: decimal.NewFromInt(-net * int64(r.units)), Units: -r.units, Category: "c",
					Discount: decimal.NewNullDecimal(decimal.NewFromInt(d))})
			}
		}
		f, err := customer.Summarize("a", customer.Consumer, orderAsOf, iter.Seq[customer.Event](slices.Values(events)), nil)
		require.NoError(rt, err)
		s := addInOrder(rt, rows, rapid.Permutation(seq(len(rows))).Draw(rt, "perm"))
		sameAsRecords(rt, f, s)
		for _, p := range [][2]decimal.Decimal{{f.Gross, s.Gross}, {f.Discounts, s.Discounts}, {f.FullPriceNet, s.FullPriceNet}, {f.Refunded, s.Refunded}, {f.Cost, s.Cost}} {
			require.True(rt, p[0].Equal(p[1]), "records %s, export %s", p[0], p[1])
		}
		require.Equal(rt, f.FullPriceShare(), s.FullPriceShare())
	})
}

func TestParseDiscount(t *testing.T) {
	l, err := NewLayout([]string{"customer_id", "date", "amount", "discount", "quantity"})
	require.NoError(t, err)
	assert.Equal(t, 3, l.Discount)
	assert.Equal(t, 5, l.Used())

	var r Row
	require.Nil(t, l.Parse([]string{"C1", "2025-05-29", "55.21", " 9.74 ", "1"}, &r))
	assert.True(t, r.Discount.Valid)
	assert.Equal(t, "9.74", r.Discount.Decimal.String())

	require.Nil(t, l.Parse([]string{"C1", "2025-05-29", "55.21", "", "1"}, &r))
	assert.False(t, r.Discount.Valid, "an empty field is no discount known")

	fe := l.Parse([]string{"C1", "2025-05-29", "55.21", "10%", "1"}, &r)
	require.NotNil(t, fe)
	assert.Equal(t, `discount "10%": not a decimal number`+NotPercent, fe.Error())
	assert.Equal(t, 3, fe.Field)
	assert.Equal(t, CodeInvalid, fe.Code)

	fe = l.Parse([]string{"C1", "2025-05-29", "55.21", "9,74", "1"}, &r)
	require.NotNil(t, fe)
	assert.Equal(t, `discount "9,74": not a decimal number`, fe.Error(), "no percentage, no hint on one")

	// Without the column nothing changes.
	l, err = NewLayout([]string{"customer_id", "date", "amount"})
	require.NoError(t, err)
	assert.Equal(t, -1, l.Discount)
	require.Nil(t, l.Parse([]string{"C1", "2025-05-29", "55.21"}, &r))
	assert.False(t, r.Discount.Valid)

	_, err = NewLayout([]string{"customer_id", "date", "amount", "Discount", "discount "})
	require.ErrorContains(t, err, `column "discount" appears twice`)
}

// Add refuses a discount beyond the bounds of an amount with an error
// naming the column and the value, and changes nothing; a sale's
// discount of either sign counts at its size, and an exchange's is left
// out, as its cost is.
func TestAddDiscountRows(t *testing.T) {
	s := customer.NewSummary("a", customer.Consumer, orderAsOf, nil)
	var o Order
	big := Row{CustomerID: "a", Date: customer.DateOf(orderAsOf), OrderID: "o1", Amount: decimal.NewFromInt(10), Units: 1,
		Discount: decimal.NewNullDecimal(decimal.New(-1, 31))}
	before := s.Clone()
	fe := Add(s, &big, "EUR", &o)
	require.NotNil(t, fe)
	assert.Equal(t, ColDiscount, fe.Column)
	assert.Equal(t, CodeIntegerDigits, fe.Code)
	assert.Equal(t, before, *s)
	assert.Equal(t, Order{}, o)

	neg := big
	neg.Discount = decimal.NewNullDecimal(decimal.NewFromInt(-2))
	require.Nil(t, Add(s, &neg, "EUR", &o))
	assert.Equal(t, "12", s.Gross.String())
	assert.Equal(t, "2", s.Discounts.String())

	exchange := Row{CustomerID: "a", Date: customer.DateOf(orderAsOf), Amount: decimal.Zero, Units: -1,
		Discount: decimal.NewNullDecimal(decimal.NewFromInt(-3))}
	require.Nil(t, Add(s, &exchange, "EUR", &o))
	assert.Equal(t, "2", s.Discounts.String())
	assert.True(t, s.FullPriceNet.IsZero())
}
