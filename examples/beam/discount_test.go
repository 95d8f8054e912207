package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A discount column is read as crm reads it: a sale counts at its list
// price in Gross, its discount in Discounts, and a refund whose discount
// is zero comes off FullPriceNet; a discount written as a negative
// number counts at its size.
func TestDiscountColumn(t *testing.T) {
	l, err := salesrow.NewLayout([]string{"customer_id", "date", "order_id", "amount", "discount"})
	require.NoError(t, err)
	p := parser{File: "orders.csv", Currency: "EUR", Cols: *l}
	var rows []row
	for i, line := range []string{
		"c1,2025-01-10,o1,55.21,9.74",
		"c1,2025-02-10,o2,73.95,0.00",
		"c1,2025-03-01,o2,-73.95,0",
		"c1,2025-03-02,o1,-55.21,-9.74",
		"c1,2025-04-01,o3,20,",
	} {
		id, r, kind, err := p.parse(int64(100*i), line)
		require.NoError(t, err, line)
		require.Equal(t, dataRow, kind)
		require.Equal(t, "c1", id)
		rows = append(rows, r)
	}
	assert.Equal(t, "9.74", rows[0].Discount)
	assert.Equal(t, "", rows[4].Discount, "an empty field is no discount known")

	s, err := testSummarizer.summarize("c1", rows)
	require.NoError(t, err)
	assert.Equal(t, "158.9", s.Gross.String(), "55.21 + 9.74 + 73.95 + 20")
	assert.Equal(t, "9.74", s.Discounts.String())
	assert.Equal(t, "20", s.FullPriceNet.String(), "73.95 sold and returned at full price; 20 without a discount known")
	assert.Equal(t, "20", s.Net().String())

	// A discount written as a negative number counts at its size.
	_, neg, _, err := p.parse(7, "c1,2025-01-10,o1,10,-1")
	require.NoError(t, err)
	s, err = testSummarizer.summarize("c1", []row{neg})
	require.NoError(t, err)
	assert.Equal(t, "11", s.Gross.String())
	assert.Equal(t, "1", s.Discounts.String())
}
