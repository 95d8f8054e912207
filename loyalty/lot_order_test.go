package loyalty_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Lots that never expire come last (Account.Lots), and a redemption
// draws on the lots nearest expiry first (Lot): points earned under a
// programme without expiry are kept for after those that expire,
// whichever was earned first.
func TestLotsThatNeverExpireComeLast(t *testing.T) {
	expiring := club(t)
	c := expiring.Config()
	c.ExpiryMonths = 0
	forever, err := loyalty.Compile(c)
	require.NoError(t, err)
	total, err := customer.MoneyFromDecimal(dec("50"), "EUR")
	require.NoError(t, err)

	for _, tc := range []struct {
		name          string
		first, second *loyalty.Programme
		firstPoints   loyalty.Points
		secondPoints  loyalty.Points
	}{
		{"the lot that never expires earned first", forever, expiring, 300, 200},
		{"the lot that never expires earned last", expiring, forever, 200, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at, later := day(2026, 3, 2), day(2026, 3, 9)
			a := apply(t, tc.first, loyalty.Account{}, at,
				loyalty.Join{Member: "M1", Time: at},
				loyalty.Adjustment{Member: "M1", ID: "A1", Points: tc.firstPoints, Reason: "goodwill", Operator: "ops", Time: at})
			a = apply(t, tc.second, a, later,
				loyalty.Adjustment{Member: "M1", ID: "A2", Points: tc.secondPoints, Reason: "goodwill", Operator: "ops", Time: later})
			lots := a.Lots()
			require.Len(t, lots, 2)
			assert.False(t, lots[0].ExpiresAt.IsZero(), "the expiring lot first")
			assert.True(t, lots[1].ExpiresAt.IsZero(), "the lot that never expires last")

			a = apply(t, expiring, a, later, loyalty.Redemption{Member: "M1", ID: "R1", Points: 150, OrderTotal: total, Time: later})
			lots = a.Lots()
			require.Len(t, lots, 2)
			assert.Equal(t, loyalty.Points(50), lots[0].Remaining, "spent from the expiring lot")
			assert.Equal(t, loyalty.Points(300), lots[1].Remaining, "the lot that never expires untouched")
		})
	}
}
