package customer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A sale row whose order was counted on a later day moves the order to
// its own day: the later day keeps its net but no longer its order, and
// Orders is unchanged.
func TestSaleMovedFromMovesTheOrder(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	later, early := vNow.AddDate(0, 0, -2), vNow.AddDate(0, 0, -9)
	require.NoError(t, s.AddSale(Sale{Time: later, NewOrder: true, Amount: eur("20"), Units: 1}))
	require.NoError(t, s.AddSale(Sale{Time: early, MovedFrom: later, Amount: eur("10"), Units: 1}))
	assert.Equal(t, 1, s.Orders)
	require.Len(t, s.Days, 2)
	assert.Equal(t, DateOf(early), s.Days[0].Date)
	assert.Equal(t, 1, s.Days[0].Orders)
	assert.Equal(t, "10", s.Days[0].Net.String())
	assert.Equal(t, DateOf(later), s.Days[1].Date)
	assert.Equal(t, 0, s.Days[1].Orders)
	assert.Equal(t, "20", s.Days[1].Net.String())
	assert.Equal(t, 2, s.Units)

	// The same rows in date order give the same summary.
	r := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, r.AddSale(Sale{Time: early, NewOrder: true, Amount: eur("10"), Units: 1}))
	require.NoError(t, r.AddSale(Sale{Time: later, Amount: eur("20"), Units: 1}))
	requireSameSummary(t, r, s)

	// A return ignores MovedFrom, as it ignores NewOrder.
	require.NoError(t, s.AddSale(Sale{Time: early, MovedFrom: later, Amount: eur("-5"), Units: -1}))
	assert.Equal(t, 1, s.Days[0].Orders)
	assert.Equal(t, 0, s.Days[1].Orders)
}

// A MovedFrom that names no later day holding an order, or one with
// NewOrder, is rejected, and changes nothing.
func TestSaleMovedFromRejected(t *testing.T) {
	later, early := vNow.AddDate(0, 0, -2), vNow.AddDate(0, 0, -9)
	for _, tc := range []struct {
		name string
		x    Sale
		code string
	}{
		{"not later", Sale{Time: later, MovedFrom: early, Amount: eur("1")}, CodeOrder},
		{"same day", Sale{Time: later, MovedFrom: later.Add(time.Hour), Amount: eur("1")}, CodeOrder},
		{"no day", Sale{Time: early, MovedFrom: vNow.AddDate(0, 0, -1), Amount: eur("1")}, CodeUnknown},
		{"day without an order", Sale{Time: early, MovedFrom: vNow.AddDate(0, 0, -3), Amount: eur("1")}, CodeUnknown},
		{"after as-of", Sale{Time: early, MovedFrom: vNow.Add(time.Hour), Amount: eur("1")}, CodeRange},
		{"new order too", Sale{Time: early, MovedFrom: later, NewOrder: true, Amount: eur("1")}, CodeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddSale(Sale{Time: later, NewOrder: true, Amount: eur("20"), Units: 1}))
			// A day with a net but no order: a refund.
			require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -3), Amount: eur("-2"), Units: -1}))
			before := s.Clone()
			err := s.AddSale(tc.x)
			require.Error(t, err)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, "moved from", ve.Fields[0].Field)
			assert.Equal(t, tc.code, ve.Fields[0].Code)
			requireSameSummary(t, &before, s)
		})
	}
}

// requireSameSummary checks that a and b hold equal sums, days and
// counts (decimals by value and exponent).
func requireSameSummary(t require.TestingT, a, b *Summary) {
	require.Equal(t, a.Orders, b.Orders, "orders")
	require.Equal(t, a.Units, b.Units, "units")
	require.Equal(t, a.Returns, b.Returns, "returns")
	require.Equal(t, a.ReturnedUnits, b.ReturnedUnits, "returned units")
	require.Equal(t, a.Later, b.Later, "later")
	require.Equal(t, a.Categories, b.Categories, "categories")
	for _, p := range [][2]string{{a.Gross.String(), b.Gross.String()}, {a.Refunded.String(), b.Refunded.String()}, {a.Cost.String(), b.Cost.String()}} {
		require.Equal(t, p[0], p[1])
	}
	require.Equal(t, len(a.Days), len(b.Days), "days")
	for i := range a.Days {
		x, y := a.Days[i], b.Days[i]
		require.Equal(t, x.Date, y.Date, "day %d", i)
		require.Equal(t, x.Orders, y.Orders, "orders of %s", x.Date)
		require.True(t, x.Net.Equal(y.Net) && x.Net.Exponent() == y.Net.Exponent(), "net of %s: %s, %s", x.Date, x.Net, y.Net)
	}
}

// TestSaleRowsInAnyOrderGiveOneSummary adds one set of export rows, with
// order keys, in two random permutations through a minimal caller that
// keeps each order's open day (the earliest day of its sale rows read so
// far): NewOrder for an order not seen, MovedFrom for a row earlier than
// the order's open day. The summaries are equal, and each order counts
// once, on the earliest day of its sale rows.
func TestSaleRowsInAnyOrderGiveOneSummary(t *testing.T) {
	base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	asOf := base.AddDate(0, 0, 30)
	rapid.Check(t, func(rt *rapid.T) {
		type row struct {
			x     Sale
			order int
		}
		n := rapid.IntRange(1, 25).Draw(rt, "rows")
		rows := make([]row, n)
		for i := range rows {
			cents := rapid.IntRange(-500, 3000).Draw(rt, fmt.Sprint("cents", i))
			units := 1
			if cents < 0 {
				units = -1
			}
			rows[i] = row{order: rapid.IntRange(0, 5).Draw(rt, fmt.Sprint("order", i)), x: Sale{
				Time:   base.AddDate(0, 0, rapid.IntRange(0, 35).Draw(rt, fmt.Sprint("day", i))),
				Amount: eur(fmt.Sprintf("%d.%02d", cents/100, abs(cents%100))),
				Units:  units,
			}}
			if cents < 0 && cents > -100 {
				rows[i].x.Amount = eur(fmt.Sprintf("-0.%02d", -cents))
			}
		}
		add := func(perm []int) *Summary {
			s := NewSummary("C-1", Consumer, asOf, nil)
			open := map[int]time.Time{}
			for _, i := range perm {
				r := rows[i]
				x := r.x
				if x.Amount.Sign() >= 0 && !x.Time.After(asOf) {
					at, seen := open[r.order]
					switch {
					case !seen:
						x.NewOrder = true
						open[r.order] = x.Time
					case DateOf(x.Time) < DateOf(at):
						x.MovedFrom = at
						open[r.order] = x.Time
					}
				}
				if err := s.AddSale(x); err != nil {
					rt.Fatalf("row %d: %v", i, err)
				}
			}
			return s
		}
		ident := make([]int, n)
		for i := range ident {
			ident[i] = i
		}
		a := add(ident)
		perm := rapid.Permutation(ident).Draw(rt, "perm")
		b := add(perm)
		requireSameSummary(rt, a, b)
		// Each order on the earliest day of its sale rows.
		first := map[int]Date{}
		for _, r := range rows {
			if r.x.Amount.Sign() < 0 || r.x.Time.After(asOf) {
				continue
			}
			if d, ok := first[r.order]; !ok || DateOf(r.x.Time) < d {
				first[r.order] = DateOf(r.x.Time)
			}
		}
		want := map[Date]int{}
		for _, d := range first {
			want[d]++
		}
		got := map[Date]int{}
		for _, d := range b.Days {
			if d.Orders != 0 {
				got[d.Date] = d.Orders
			}
		}
		require.Equal(rt, want, got)
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
