package value_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// partOf returns the line of the breakdown of x with the given path.
func partOf(t *testing.T, sc *value.Scorer, x *value.Indicators, path string) value.Part {
	t.Helper()
	s, err := sc.Score(x)
	require.NoError(t, err)
	for _, p := range sc.Explain(x, &s) {
		if p.Path == path {
			return p
		}
	}
	t.Fatalf("no leaf %q", path)
	return value.Part{}
}

// TestZeroOutletsIsUnknown: a trade record that does not give the number
// of outlets (0, as stores that leave the field out read it back) makes
// the indicator unknown, like a zero turnover, so operating strength falls
// back to the dealer's purchases instead of scoring it as the weakest.
func TestZeroOutletsIsUnknown(t *testing.T) {
	dealer := func(id string, outlets int) value.Indicators {
		sum := summarize(t, spec{ID: id, Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 400, Qty: 100, Cents: 2000}, {DaysAgo: 10, Qty: 50, Cents: 2000}}}, 1)
		c := &customer.Customer{ID: customer.ID(id), Kind: customer.Intermediary, Trade: &customer.Trade{Outlets: outlets, Rating: customer.RatingA}}
		var x value.Indicators
		require.NoError(t, value.Extract(sum, c, &x))
		return x
	}
	unknown, one, five := dealer("unknown", 0), dealer("one", 1), dealer("five", 5)
	_, ok := unknown.Get(value.Outlets)
	assert.False(t, ok)
	sc, err := value.Fit(value.DefaultModel(customer.Intermediary), []value.Indicators{unknown, one, five})
	require.NoError(t, err)
	p := partOf(t, sc, &unknown, "potential/operating-strength/outlets")
	assert.Equal(t, value.FromFallback, p.Source)
	assert.Equal(t, value.Revenue, p.Indicator)
	assert.Greater(t, p.Normalized, partOf(t, sc, &one, "potential/operating-strength/outlets").Normalized,
		"an unrecorded number of outlets is not the fewest")
}

// TestBadCreditLowersPotential: of two dealers equal in all but their
// credit rating, the one in default scores the lower potential value, and
// an unrated one lies between them.
func TestBadCreditLowersPotential(t *testing.T) {
	var pop []value.Indicators
	for i, r := range []customer.CreditRating{customer.RatingD, customer.RatingAAA, 0, customer.RatingBB} {
		id := fmt.Sprint("d", i)
		sum := summarize(t, spec{ID: id, Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 400, Qty: 100, Cents: 2000}, {DaysAgo: 10, Qty: 50, Cents: 2000}}}, 1)
		turnover, err := customer.NewMoney("2500000", "EUR")
		require.NoError(t, err)
		c := &customer.Customer{ID: customer.ID(id), Kind: customer.Intermediary, Trade: &customer.Trade{
			AnnualTurnover: turnover, Outlets: 3, Rating: r, CooperationStart: asOf.AddDate(-3, 0, 0)}}
		var x value.Indicators
		require.NoError(t, value.Extract(sum, c, &x))
		pop = append(pop, x)
	}
	sc, err := value.Fit(value.DefaultModel(customer.Intermediary), pop)
	require.NoError(t, err)
	var pot [4]float64
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		pot[i] = s.Potential
	}
	assert.Less(t, pot[0], pot[2], "in default < unrated")
	assert.Less(t, pot[2], pot[1], "unrated < AAA")
	assert.Less(t, pot[0], pot[3], "D < BB")
}

// TestReturnRateNeedsUnits: a customer who has bought nothing has no
// return rate; it scores the neutral 0.5, not the best score of the
// customers who keep everything they buy.
func TestReturnRateNeedsUnits(t *testing.T) {
	keeper := extract(t, spec{ID: "keeper", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 40, Qty: 2, Cents: 5000}}}, 1)
	returner := extract(t, spec{ID: "returner", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 40, Qty: 2, Cents: 5000, Refund: 2}}}, 1)
	browser := extract(t, spec{ID: "browser", Kind: customer.Consumer, Interactions: 3}, 1)
	_, ok := browser.Get(value.ReturnRate)
	assert.False(t, ok, "no units: no return rate")
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), []value.Indicators{keeper, returner, browser})
	require.NoError(t, err)
	p := partOf(t, sc, &browser, "potential/consumption/return-rate")
	assert.Equal(t, value.FromMissing, p.Source)
	assert.Equal(t, 0.5, p.Normalized)
	assert.Equal(t, 1.0, partOf(t, sc, &keeper, "potential/consumption/return-rate").Normalized)
	assert.Equal(t, 0.0, partOf(t, sc, &returner, "potential/consumption/return-rate").Normalized)
}

// TestGrowthNeedsAPriorYear: a customer whose first purchase is a month
// old has no year before the last one to grow from. Its growth is
// unknown and scores the neutral 0.5, not the top score that P = 0 would
// give it, above every established customer whose spending really grew.
// A customer with a prior year keeps its growth, a negative year counting
// as 0.
func TestGrowthNeedsAPriorYear(t *testing.T) {
	var pop []value.Indicators
	for i := 0; i < 20; i++ {
		pop = append(pop, extract(t, spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer,
			Buys: []buy{{DaysAgo: 500, Qty: 1, Cents: 10000}, {DaysAgo: 100, Qty: 1, Cents: int64(5000 + 1000*i)}}}, 1))
	}
	grower := pop[len(pop)-1]
	newcomer := extract(t, spec{ID: "new", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 30, Qty: 1, Cents: 5000}}}, 1)
	_, ok := newcomer.Get(value.Growth)
	assert.False(t, ok, "no prior year: growth is unknown")
	v, ok := grower.Get(value.Growth)
	require.True(t, ok)
	assert.InDelta(t, (240.0-100)/(240+100), v, 1e-12)
	lapsed := extract(t, spec{ID: "lapsed", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 400, Qty: 1, Cents: 10000, Refund: 1}}}, 1)
	v, ok = lapsed.Get(value.Growth)
	require.True(t, ok, "a first purchase in the prior year gives a prior year")
	assert.Equal(t, 0.0, v, "two empty years: no growth")

	pop = append(pop, newcomer, lapsed)
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
	p := partOf(t, sc, &newcomer, "potential/growth/growth")
	assert.Equal(t, value.FromMissing, p.Source)
	assert.Equal(t, 0.5, p.Normalized, "unknown growth is neither the best nor the worst")
	assert.Less(t, p.Normalized, partOf(t, sc, &grower, "potential/growth/growth").Normalized,
		"a newcomer does not out-grow a customer whose spending grew")
}
