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
