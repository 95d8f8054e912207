package loyalty_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// A redemption that pays for an order, recorded late after the order's
// purchase, does not spend the points that order earned: paid points
// first (as [loyalty.Quote.Checkout] records them), the order's points
// did not exist at the redemption's time. Here the order's lot, earned
// on 30 January, expires at the end of February, before the lot of
// 28 January 17:00: nearest expiry first would take it.
func TestLateRedemptionDoesNotSpendItsOwnOrdersPoints(t *testing.T) {
	p, err := loyalty.Compile(loyalty.Config{Name: "late", Currency: "EUR",
		Earn:         loyalty.EarnConfig{PointsPerUnit: dec("1")},
		Redeem:       loyalty.RedeemConfig{PointsPerUnit: dec("1")},
		ExpiryMonths: 1})
	require.NoError(t, err)
	start := time.Date(2026, 1, 23, 0, 0, 0, 0, time.UTC)
	bought := time.Date(2026, 1, 28, 17, 0, 0, 0, time.UTC)
	paid := time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC)
	a := apply(t, p, loyalty.Account{}, start, loyalty.Join{Member: "M1", Time: start})
	a = apply(t, p, a, bought, loyalty.Purchase{Order: order("O1", "M1", bought, line("COAT", "coats", "1", 1))})
	purchase := loyalty.Purchase{Order: order("O2", "M1", paid, line("HAT", "hats", "1", 1))}
	redeem := loyalty.Redemption{Member: "M1", ID: "R1", Order: "O2", Time: paid, Points: 1}

	onTime := apply(t, p, a, paid, redeem, purchase)
	late := apply(t, p, a, paid, purchase)
	late, entries, err := p.Apply(late, redeem, paid.Add(time.Hour))
	require.NoError(t, err)
	redeems := ofKind(entries, loyalty.EntryRedeem)
	require.Len(t, redeems, 1)
	assert.Equal(t, []loyalty.LotPart{{Lot: "order:O1", Points: 1}}, redeems[0].Parts, "the points of 28 January, as on time")
	assert.Equal(t, onTime.Lots(), late.Lots())
}

// Points of an order do not pay for that order (domain rules §6: points
// are earned by the amount paid, so they exist only once it is paid):
// with no return window the order's lot is available at once, yet a
// redemption for the order, dated with it and recorded after its
// purchase, on time at the same instant or late, neither spends it nor
// counts it as available.
// It spends what it would have spent recorded first, as
// [loyalty.Quote.Checkout] records it, and is refused when that was too
// little, as it would have been then.
func TestRedemptionNeverSpendsItsOwnOrdersPoints(t *testing.T) {
	p, err := loyalty.Compile(loyalty.Config{Name: "own", Currency: "EUR",
		Earn:         loyalty.EarnConfig{PointsPerUnit: dec("1")},
		Redeem:       loyalty.RedeemConfig{PointsPerUnit: dec("1")},
		ExpiryMonths: 12})
	require.NoError(t, err)
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	paid := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	joined := apply(t, p, loyalty.Account{}, start, loyalty.Join{Member: "M1", Time: start})
	// 30 points of an earlier order, expiring before the order's own.
	rich := apply(t, p, joined, start, loyalty.Purchase{Order: order("O1", "M1", start, line("COAT", "coats", "30", 1))})
	purchase := loyalty.Purchase{Order: order("O2", "M1", paid, line("HAT", "hats", "50", 1))}
	for _, tc := range []struct {
		name     string
		a        loyalty.Account
		points   loyalty.Points
		recorded time.Duration // after the redemption's time
		want     []loyalty.LotPart
	}{
		{"on time, too few other points", joined, 20, 0, nil},
		{"late, too few other points", joined, 20, time.Hour, nil},
		{"on time, other points enough", rich, 20, 0, []loyalty.LotPart{{Lot: "order:O1", Points: 20}}},
		{"late, other points enough", rich, 20, time.Hour, []loyalty.LotPart{{Lot: "order:O1", Points: 20}}},
		{"on time, more than the other points", rich, 40, 0, nil},
		{"late, more than the other points", rich, 40, time.Hour, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			redeem := loyalty.Redemption{Member: "M1", ID: "R1", Order: "O2", Time: paid, Points: tc.points}
			first, _, firstErr := p.Apply(tc.a, redeem, paid)
			bought := apply(t, p, tc.a, paid, purchase)
			require.Equal(t, loyalty.Points(50), bought.Lots()[len(bought.Lots())-1].Remaining, "the order's lot is available at once")
			after, entries, err := p.Apply(bought, redeem, paid.Add(tc.recorded))
			if tc.want == nil {
				var ie *loyalty.InsufficientError
				require.ErrorAs(t, err, &ie, "recorded first: %v", firstErr)
				require.ErrorIs(t, firstErr, loyalty.ErrInsufficient)
				assert.Equal(t, bought.Available-50, ie.Available, "the order's points are not available to pay for it")
				assert.Empty(t, entries)
				assert.Equal(t, bought.Lots(), after.Lots())
				return
			}
			require.NoError(t, err)
			require.NoError(t, firstErr)
			redeems := ofKind(entries, loyalty.EntryRedeem)
			require.Len(t, redeems, 1)
			assert.Equal(t, tc.want, redeems[0].Parts)
			want := apply(t, p, first, paid, purchase)
			assert.Equal(t, want.Lots(), after.Lots(), "as recorded first")
		})
	}
}
