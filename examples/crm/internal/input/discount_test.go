package input

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// discountRows are the rows of one customer: a sale at 80 with 20 off, a
// sale at full price (discount 0) and one without a discount known, a
// refund of the full-price sale (discount 0) and one of the discounted
// sale (its discount written negative), and an exchange with a discount,
// which counts for nothing. Per customer.Summary.AddSale: Gross =
// (80 + 20) + 50 + 30 = 180, Discounts = 20, FullPriceNet = 50 + 30 − 50
// = 30, Refunded = 50 + 80 = 130. disc is the text of the discount of
// the first sale: 20 in any number of decimals, which sets the
// customer's tier.
func discountRows(id, disc string) string {
	return id + ",2024-01-05,O1,80," + disc + ",1\n" +
		id + ",2024-01-05,O1,50,0,1\n" +
		id + ",2024-01-06,O2,30,,1\n" +
		id + ",2024-01-07,O2,-50,0.00,-1\n" +
		id + ",2024-01-07,O1,-80,-20,-1\n" +
		id + ",2024-01-08,,0,-5,-1\n"
}

const discountHead = "customer_id,date,order_id,amount,discount,quantity\n"

// Every tier sums Gross at list price, Discounts, and FullPriceNet as
// customer.Summary.AddSale does: customer F in the fixed tier, W in the
// wide one (a discount of six decimals), D on the decimal path (one of
// nineteen), with the same values.
func TestDiscountsInEveryTier(t *testing.T) {
	defer func() { wideTier = true }()
	data := []byte(discountHead + discountRows("F", "20") + discountRows("W", "20.000000") + discountRows("D", "20.0000000000000000000"))
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	checkScan(t, data, o)
	for _, on := range []bool{true, false} {
		wideTier = on
		for _, workers := range []int{1, 3} {
			tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, workers)
			require.NoError(t, err)
			require.Equal(t, 3, tab.Len())
			for i, s := range summariesOf(t, tab) {
				what := string(s.CustomerID)
				assert.Equal(t, "180", s.Gross.String(), what)
				assert.Equal(t, "20", s.Discounts.String(), what)
				assert.Equal(t, "30", s.FullPriceNet.String(), what)
				assert.Equal(t, "130", s.Refunded.String(), what)
				assert.Equal(t, 3, s.Returns, what)
				shard := tab.shards[tab.order[i]>>32]
				r := shard.rec(int32(uint32(tab.order[i])))
				switch {
				case s.CustomerID == "F":
					assert.True(t, !r.wide && !r.slow, "F is fixed")
				case s.CustomerID == "W" && on:
					assert.True(t, r.wide, "W is wide")
				default:
					assert.True(t, r.slow, "%s is on the decimal path", what)
				}
			}
		}
	}
}

// A file without a discount column, and one whose discount fields are
// all empty, summarise as before discounts were read: every sale at full
// price (FullPriceNet = Gross, Discounts 0), refunds leaving
// FullPriceNet as it is.
func TestNoDiscountIsFullPrice(t *testing.T) {
	without := "customer_id,date,amount,quantity\nA,2024-01-05,80,1\nA,2024-01-06,-30,-1\nB,2024-01-05,1.123456,1\n"
	empty := "customer_id,date,amount,quantity,discount\nA,2024-01-05,80,1,\nA,2024-01-06,-30,-1,\nB,2024-01-05,1.123456,1,\n"
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	for _, data := range []string{without, empty} {
		checkScan(t, []byte(data), o)
		tab, err := ScanCSV(strings.NewReader(data), "f.csv", o, 2)
		require.NoError(t, err)
		for _, s := range summariesOf(t, tab) {
			assert.True(t, s.FullPriceNet.Equal(s.Gross), "%s: %s %s", s.CustomerID, s.FullPriceNet, s.Gross)
			assert.True(t, s.Discounts.IsZero())
		}
	}
	assert.Equal(t, summarizeBytes([]byte(without), o), summarizeBytes([]byte(empty), o))
}

// A discount written as a negative number counts at its size, on a sale
// as on a refund, in every tier (fixed, wide, decimal) and worker count:
// the file reads as the one with the signs dropped.
func TestNegativeDiscountIsItsSize(t *testing.T) {
	defer func() { wideTier = true }()
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	for _, disc := range []string{"2", "2.000001", "2.0000000000000000001", "0.0001"} {
		rows := "A,2024-01-05,O1,80,20,1\nA,2024-01-06,O1,-10,-2,-1\nA,2024-01-07,,0,-1,-1\nA,2024-01-08,O9,10,%s,1\nA,2025-01-07,,10,-1,1\n"
		neg := []byte(discountHead + strings.ReplaceAll(fmt.Sprintf(rows, "-"+disc), ",20,", ",-20,"))
		pos := []byte(discountHead + fmt.Sprintf(rows, disc))
		checkScan(t, neg, o)
		want := summarizeBytes(pos, o)
		assert.Equal(t, want, summarizeBytes(neg, o), "discount -%s", disc)
		for _, on := range []bool{true, false} {
			wideTier = on
			for _, workers := range []int{1, 2} {
				a, err := ScanCSV(bytes.NewReader(neg), "f.csv", o, workers)
				require.NoError(t, err)
				b, err := ScanCSV(bytes.NewReader(pos), "f.csv", o, workers)
				require.NoError(t, err)
				var x, y customer.Summary
				a.Summary(0, &x)
				b.Summary(0, &y)
				assert.Equal(t, summaryText(&y), summaryText(&x), "discount -%s, wide %v, %d workers", disc, on, workers)
				assert.True(t, x.Discounts.GreaterThan(decimal.NewFromInt(20)), "%s", x.Discounts)
			}
		}
	}
}

// A discount written for people gets the hint an amount gets; a
// percentage, the reason salesrow gives it.
func TestDiscountHints(t *testing.T) {
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	for disc, want := range map[string]string{
		"€5":   `f.csv:2: discount "€5": not a decimal number; ` + hintSign,
		"1,50": `f.csv:2: discount "1,50": not a decimal number; ` + hintComma,
		"10%":  `f.csv:2: discount "10%": not a decimal number` + salesrow.NotPercent,
		"x":    `f.csv:2: discount "x": not a decimal number`,
	} {
		data := discountHead + `A,2024-01-05,O1,80,"` + disc + "\",1\n"
		for _, workers := range []int{1, 2} {
			_, err := ScanCSV(strings.NewReader(data), "f.csv", o, workers)
			require.EqualError(t, err, want)
		}
		require.Equal(t, "error: "+want, summarizeBytes([]byte(data), o))
	}
}

// The record of a customer of the fixed tier grows by two words for
// what Discounts and FullPriceNet need.
func TestFixedRecordSize(t *testing.T) {
	assert.LessOrEqual(t, unsafe.Sizeof(crec{}), uintptr(104))
}
