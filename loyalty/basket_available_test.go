package loyalty_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// availableAccount is a member of the club programme (points pending 30
// days, expiring after 12 months) with 200 points of a correction
// available from 10 January 2026 and 300 points of an order of that day
// pending until 9 February, stored as recorded on 10 January: not
// brought to any later time.
func availableAccount(t *testing.T, p *loyalty.Programme) loyalty.Account {
	t.Helper()
	start := day(2026, 1, 1)
	a := apply(t, p, loyalty.Account{}, start, loyalty.Join{Member: "M1", Time: start})
	bought := day(2026, 1, 10)
	return apply(t, p, a, bought,
		loyalty.Purchase{Order: order("O1", "M1", bought, line("COAT", "coats", "300", 1))},
		loyalty.Adjustment{Member: "M1", ID: "A1", Points: 200, Reason: "goodwill", Operator: "shop 3", Time: bought})
}

// A basket priced with its member's account pays with no more points
// than that account has at the basket's time
// ([loyalty.Programme.AvailableAt]), nor than its Available: the points
// released by then count, those still pending or expired by then do
// not. More is refused as insufficient ([loyalty.InsufficientError]),
// reporting the smaller of the two, the basket's member, and nothing
// priced; the account is not changed.
func TestBasketAvailableIsTheAccountsAtItsTime(t *testing.T) {
	p := club(t)
	a := availableAccount(t, p)
	require.Equal(t, loyalty.Points(200), a.Available)
	require.Equal(t, loyalty.Points(300), a.Pending)
	for _, tc := range []struct {
		name              string
		at                time.Time
		available, points loyalty.Points
		have              loyalty.Points // the cap reported; -1: priced
	}{
		{"pending points do not count", day(2026, 1, 20), 1000, 300, 200},
		{"what the account has then", day(2026, 1, 20), 1000, 200, -1},
		{"less than the account has", day(2026, 1, 20), 150, 150, -1},
		{"fewer offered than the account has", day(2026, 2, 20), 200, 300, 200},
		{"released by the basket's time", day(2026, 2, 20), 1000, 500, -1},
		{"more than the account has", day(2026, 2, 20), 1000, 501, 500},
		{"expired by the basket's time", day(2027, 1, 20), 1000, 100, 0},
		// Available is only a cap: one above what the account has then
		// (taken from the account brought to another time: a basket
		// priced ahead, a stored account) is priced as long as the
		// points paid are the account's then, and a basket paying with
		// no points is priced whatever Available says.
		{"no points paid, Available from another time", day(2027, 1, 20), 500, 0, -1},
		{"points the account has, Available from another time", day(2026, 1, 20), 500, 150, -1},
		{"more points than the account has then", day(2026, 1, 20), 500, 300, 200},
		{"points expired, Available from another time", day(2027, 1, 20), 500, 100, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := loyalty.Basket{Member: "M1", Time: tc.at, Currency: "EUR", Account: &a, Available: tc.available, Points: tc.points,
				Items: []loyalty.Item{{Line: line("DRESS", "dresses", "80", 1)}}}
			before := a
			q, err := p.Price(b)
			assert.Equal(t, before, a, "the account is not changed")
			if tc.have < 0 {
				require.NoError(t, err)
				assert.Equal(t, tc.points, q.PointsUsed)
				return
			}
			var ie *loyalty.InsufficientError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.points, ie.Requested)
			assert.Equal(t, tc.have, ie.Available)
			assert.Equal(t, customer.ID("M1"), ie.Member)
			assert.Contains(t, err.Error(), `"M1"`)
			assert.Empty(t, q.Lines)
		})
	}
}

// AvailableAt is what a redemption dated t may spend, recorded at t or,
// for a t before the account's AsOf, when the account was last brought
// up to date: a redemption of that many points is accepted and one of
// a redemption's minimum more is refused as insufficient, reporting the
// same number; recorded late
// within the programme's LateDays, the points that expired after t
// count.
func TestAvailableAtIsWhatARedemptionMaySpend(t *testing.T) {
	p := club(t)
	a := availableAccount(t, p)
	// Brought to 15 January 2027: the points of 10 January 2026 expired
	// on 10 January 2027.
	later, _, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 1, 15))
	require.NoError(t, err)
	require.Equal(t, loyalty.Points(0), later.Available)
	for _, tc := range []struct {
		a    loyalty.Account
		at   time.Time
		want loyalty.Points
	}{
		{a, day(2026, 1, 10), 200},
		{a, day(2026, 1, 20), 200},
		{a, day(2026, 2, 20), 500},
		{a, day(2027, 1, 20), 0},
		{later, day(2027, 1, 9), 500}, // late, within 7 days: the points alive then
		{later, day(2027, 1, 5), 0},   // too late: judged when recorded
		{later, day(2027, 1, 20), 0},
	} {
		got, err := p.AvailableAt(tc.a, tc.at)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "at %v", tc.at)
		now := tc.at
		if now.Before(tc.a.AsOf) {
			now = tc.a.AsOf
		}
		_, _, err = p.Apply(tc.a, loyalty.Redemption{Member: "M1", ID: "R", Time: tc.at, Points: got + p.Config().Redeem.MinPoints}, now)
		var ie *loyalty.InsufficientError
		require.ErrorAs(t, err, &ie, "at %v", tc.at)
		assert.Equal(t, got, ie.Available, "at %v", tc.at)
		if got >= p.Config().Redeem.MinPoints && got > 0 {
			_, _, err = p.Apply(tc.a, loyalty.Redemption{Member: "M1", ID: "R", Time: tc.at, Points: got}, now)
			assert.NoError(t, err, "at %v", tc.at)
		}
	}

	_, err = p.AvailableAt(a, time.Time{})
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "time", ve.Fields[0].Field)
	got, err := p.AvailableAt(loyalty.Account{}, day(2026, 1, 20))
	require.NoError(t, err)
	assert.Zero(t, got, "no ledger, no points")
	got, err = p.AvailableAt(later, day(2025, 12, 31))
	require.NoError(t, err)
	assert.Zero(t, got, "not a member yet")
	_, _, err = p.Apply(later, loyalty.Redemption{Member: "M1", ID: "R", Time: day(2025, 12, 31), Points: 100}, later.AsOf)
	assert.ErrorAs(t, err, &ve, "a redemption before the join is refused")
}

// The cap by the account's points at the basket's time holds for the
// smallest payment in points too: a programme that lets a member pay
// with a single point refuses that point when the account has none
// then, whatever Available says.
func TestBasketAvailableOnePoint(t *testing.T) {
	c := club(t).Config()
	c.Redeem.MinPoints = 1
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	a := availableAccount(t, p)
	for _, tc := range []struct {
		name string
		at   time.Time
		have loyalty.Points // the cap reported; -1: priced
	}{
		{"a point the account has then", day(2026, 1, 20), -1},
		{"no point left: expired by the basket's time", day(2027, 1, 20), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := loyalty.Basket{Member: "M1", Time: tc.at, Currency: "EUR", Account: &a, Available: 500, Points: 1,
				Items: []loyalty.Item{{Line: line("DRESS", "dresses", "80", 1)}}}
			q, err := p.Price(b)
			if tc.have < 0 {
				require.NoError(t, err)
				assert.Equal(t, loyalty.Points(1), q.PointsUsed)
				return
			}
			var ie *loyalty.InsufficientError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, loyalty.Points(1), ie.Requested)
			assert.Equal(t, tc.have, ie.Available)
		})
	}
}
