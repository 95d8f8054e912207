package loyalty_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

func TestEarnMultipliersAndRounding(t *testing.T) {
	p := club(t)
	c := p.Config()
	c.Earn.Multipliers = append(c.Earn.Multipliers, loyalty.Multiplier{Name: "new season", Factor: dec("1.1"), Seasons: []string{"2027-SS"}})
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	launch := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	mk := func(at time.Time, ch customer.Channel, lines ...customer.Line) customer.Order {
		o := order("O", "M1", at, lines...)
		o.Channel = ch
		return o
	}
	knit := line("K", "knitwear", "10.99", 1)
	ss := line("S", "shirts", "10.99", 1)
	ss.Season = "2027-SS"
	tests := []struct {
		name   string
		o      customer.Order
		level  int
		points loyalty.Points
		names  int
	}{
		{"plain, rounded down", mk(launch, customer.Store, line("A", "coats", "10.99", 1)), 0, 10, 0},
		{"category doubles", mk(launch, customer.Store, knit), 0, 21, 1},       // 21.98
		{"channel in its window", mk(launch, customer.Online, knit), 0, 32, 2}, // 32.97
		{"channel outside its window", mk(day(2026, 3, 8), customer.Online, knit), 0, 21, 1},
		{"season", mk(launch, customer.Store, ss), 0, 12, 1}, // 12.089
		{"tier multiplier", mk(launch, customer.Store, line("A", "coats", "100", 1)), 2, 150, 1},
		{"line discount is not paid", mk(launch, customer.Store, customer.Line{ID: "D", Quantity: 2, UnitPrice: dec("50"), Discount: dec("30")}), 0, 70, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := p.Earn(tc.o, tc.level, customer.Birthday{}, 0)
			require.NoError(t, err)
			assert.Equal(t, tc.points, e.Points)
			assert.Len(t, e.Multipliers, tc.names, "%v", e.Multipliers)
		})
	}
	_, err = p.Earn(mk(launch, customer.Store, knit), 7, customer.Birthday{}, 0)
	require.Error(t, err)

	c.Earn.Rounding = loyalty.RoundHalfUp
	half, err := loyalty.Compile(c)
	require.NoError(t, err)
	e, err := half.Earn(mk(launch, customer.Store, line("A", "coats", "10.50", 1)), 0, customer.Birthday{}, 0)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(11), e.Points)
	e, err = half.Earn(mk(launch, customer.Store, line("A", "coats", "10.49", 1)), 0, customer.Birthday{}, 0)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(10), e.Points)
}

func TestLateDeliveredOrderSettlesAtOnce(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	// An order of February delivered in May: available at once, and the
	// entries say when each step took effect.
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))}, day(2026, 5, 1))
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, loyalty.EntryRelease, entries[1].Kind)
	assert.Equal(t, day(2026, 3, 3), entries[1].Effective)
	assert.Equal(t, loyalty.Points(100), a.Available)
}

func TestMemStoreConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("the kit also runs in loyaltytest")
	}
	loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return loyalty.NewMemStore() })
}
