package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// The discount column summarises in beam as salesrow.Add does with the
// rows in file order: refunds before their sale, a discounted and a
// full-price row of one order, a free item, an exchange carrying a
// discount, a row after AsOf.
func TestDiscountSameAsSalesrow(t *testing.T) {
	header := []string{"customer_id", "date", "order_id", "amount", "quantity", "discount"}
	lines := []string{
		"c1,2025-03-02,o1,-25,-1,-5",
		"c1,2025-03-02,o1,-40,-1,0",
		"c1,2025-03-01,o1,50,2,10",
		"c1,2025-03-01,o1,40,1,0",
		"c1,2025-04-01,o2,0,1,19.95",
		"c1,2025-04-03,o2,0,-1,-19.95",
		"c1,2025-07-01,o3,10,1,2",
		"c1,2025-05-01,,30,1,",
		"c1,2025-05-02,,-30,-1,",
	}
	l, err := salesrow.NewLayout(header)
	require.NoError(t, err)
	p := parser{File: "orders.csv", Currency: "EUR", Cols: *l}
	var rows []row
	want := customer.NewSummary("c1", customer.Consumer, customer.Date(testSummarizer.AsOf).Time(), &customer.SummaryOptions{DefaultMargin: customer.DefaultMargin})
	orders := map[string]*salesrow.Order{}
	for i, line := range lines {
		_, r, _, err := p.parse(int64(i), line)
		require.NoError(t, err)
		rows = append(rows, r)
		var sr salesrow.Row
		require.Nil(t, l.Parse(splitOrFail(t, line), &sr))
		o := orders[r.Order]
		if o == nil {
			o = &salesrow.Order{}
			orders[r.Order] = o
		}
		require.Nil(t, salesrow.Add(want, &sr, "EUR", o))
	}
	z := testSummarizer
	z.Margin = customer.DefaultMargin.String()
	s, err := z.summarize("c1", rows)
	require.NoError(t, err)
	for _, pair := range [][2]string{{want.Gross.String(), s.Gross.String()}, {want.Discounts.String(), s.Discounts.String()},
		{want.FullPriceNet.String(), s.FullPriceNet.String()}, {want.Refunded.String(), s.Refunded.String()}, {want.Cost.String(), s.Cost.String()}} {
		assert.Equal(t, pair[0], pair[1])
	}
	assert.Equal(t, "149.95", s.Gross.String(), "50+10 + 40 + 0+19.95 + 30")
	assert.Equal(t, "29.95", s.Discounts.String())
	assert.Equal(t, "30", s.FullPriceNet.String(), "40 sold and refunded at full price; 30 without a discount known")
	assert.Equal(t, 1, s.Later)
	assert.Equal(t, 1, s.Exchanges, "the free item's return is read as an exchange")
}

func splitOrFail(t *testing.T, line string) []string {
	t.Helper()
	rec, err := splitLine(line)
	require.NoError(t, err)
	return rec
}
