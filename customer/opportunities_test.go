package customer

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestOpportunitiesWeeks(t *testing.T) {
	first := DateFromYMD(2025, 1, 1)
	day := func(offset, orders int) Day { return Day{Date: first + Date(offset), Orders: orders} }
	s := Summary{AsOf: (first + 30).Time(), Days: []Day{
		day(0, 1),  // the first purchase
		day(3, 2),  // week 1 (days 1–7)
		day(7, 1),  // week 1
		day(8, 0),  // a refund only: no purchase
		day(15, 1), // week 3 (days 15–21)
		day(29, 1), // day 29: past week 4, which ends on day 28
	}}
	x, tx, n, ok := s.Opportunities(Weeks)
	require.True(t, ok)
	require.Equal(t, [3]int{2, 3, 4}, [3]int{x, tx, n})

	x, tx, n, ok = s.Opportunities(Days)
	require.True(t, ok)
	require.Equal(t, [3]int{4, 29, 30}, [3]int{x, tx, n})

	_, _, _, ok = Summary{AsOf: first.Time(), Days: []Day{day(0, 0)}}.Opportunities(Weeks)
	require.False(t, ok)
	x, tx, n, ok = Summary{AsOf: (first + 6).Time(), Days: []Day{day(0, 1), day(2, 1)}}.Opportunities(Weeks)
	require.True(t, ok)
	require.Equal(t, [3]int{0, 0, 0}, [3]int{x, tx, n}, "the first week is not over")
}

// TestOpportunitiesProperties: in days the result is the BTYD triple; in
// weeks 0 ≤ x ≤ tx ≤ n, n = ⌊T/7⌋, and x is at most the purchase days
// after the first.
func TestOpportunitiesProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		first := DateFromYMD(2024, 3, 1)
		age := rapid.IntRange(0, 400).Draw(rt, "age")
		offsets := rapid.SliceOfDistinct(rapid.IntRange(1, age+10), rapid.ID[int]).Draw(rt, "offsets")
		days := []Day{{Date: first, Orders: 1}}
		for o := 1; o <= age+10; o++ {
			for _, v := range offsets {
				if v == o && o <= age {
					days = append(days, Day{Date: first + Date(o), Orders: rapid.IntRange(0, 2).Draw(rt, "orders")})
				}
			}
		}
		s := Summary{AsOf: (first + Date(age)).Time(), Days: days}
		x, tx, n, ok := s.Opportunities(Days)
		bx, btx, bT, bok := s.BTYD(Days)
		if !ok || !bok || x != bx || float64(tx) != btx || float64(n) != bT {
			rt.Fatalf("days: (%d, %d, %d) want BTYD (%d, %v, %v)", x, tx, n, bx, btx, bT)
		}
		x, tx, n, ok = s.Opportunities(Weeks)
		if !ok || n != age/7 || x < 0 || x > tx || tx > n || (x == 0) != (tx == 0) || x > s.PurchaseDays()-1 {
			rt.Fatalf("weeks: (%d, %d, %d) of age %d and %d purchase days", x, tx, n, age, s.PurchaseDays())
		}
		weeks, last := map[int]bool{}, 0
		for _, d := range days[1:] {
			if w := (int(d.Date-first) + 6) / 7; d.Orders > 0 && w <= n {
				weeks[w] = true
				last = max(last, w)
			}
		}
		if x != len(weeks) || tx != last {
			rt.Fatalf("weeks: x, tx = %d, %d, want %d, %d", x, tx, len(weeks), last)
		}
	})
}
