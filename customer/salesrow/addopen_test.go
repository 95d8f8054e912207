package salesrow

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// An order billed on several days counts once, on the day of its
// earliest sale row, whatever the order AddOpen gets the rows in; a
// refund dated before that day moves nothing, and a row after AsOf
// opens nothing.
func TestAddOpenCountsAnOrderOnItsEarliestDay(t *testing.T) {
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	day := func(s string) customer.Date {
		d, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return customer.DateOf(d)
	}
	row := func(date, order, amount string) Row {
		return Row{CustomerID: "a", Date: day(date), OrderID: order, Amount: decimal.RequireFromString(amount)}
	}
	rows := []Row{
		row("2025-07-05", "X", "1"), // after AsOf: left out
		row("2025-03-01", "X", "20"),
		row("2024-12-01", "X", "-3"), // a refund before the order
		row("2025-01-01", "X", "10"),
		row("2025-02-01", "Y", "5"),
		row("2025-01-15", "X", "7"),
	}
	type state struct {
		day  customer.Date
		seen bool
	}
	build := func(perm []int) *customer.Summary {
		s := customer.NewSummary("a", customer.Consumer, asOf, nil)
		orders := map[string]state{}
		for _, i := range perm {
			r := rows[i]
			o := orders[r.OrderID]
			d, seen, fe := AddOpen(s, &r, "EUR", o.day, o.seen)
			require.Nil(t, fe)
			orders[r.OrderID] = state{d, seen}
		}
		return s
	}
	ordersOn := func(s *customer.Summary) map[customer.Date]int {
		m := map[customer.Date]int{}
		for _, d := range s.Days {
			if d.Orders > 0 {
				m[d.Date] = d.Orders
			}
		}
		return m
	}
	want := map[customer.Date]int{day("2025-01-01"): 1, day("2025-02-01"): 1}
	for _, perm := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {1, 5, 3, 0, 2, 4}, {2, 3, 1, 5, 4, 0}} {
		s := build(perm)
		assert.Equal(t, want, ordersOn(s), "%v", perm)
		assert.Equal(t, 2, s.Orders, "%v", perm)
		assert.Equal(t, 1, s.Later, "%v", perm)
		assert.Equal(t, "42", s.Gross.String(), "%v", perm)
	}

	// A refund of an order not seen, or a row after AsOf, opens nothing.
	s := customer.NewSummary("a", customer.Consumer, asOf, nil)
	for _, i := range []int{2, 0} {
		d, seen, fe := AddOpen(s, &rows[i], "EUR", 0, false)
		require.Nil(t, fe)
		assert.False(t, seen)
		assert.Equal(t, customer.Date(0), d)
	}
	assert.Equal(t, 0, s.Orders)
}
