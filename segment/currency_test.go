package segment_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// buyer is a customer with one purchase of amount in cur ten days ago.
func buyer(t *testing.T, id string, k customer.Kind, cur customer.Currency, amount int64) segment.Input {
	t.Helper()
	s := customer.NewSummary(customer.ID(id), k, asOf, nil)
	require.NoError(t, s.AddOrder(customer.Order{ID: id + "-1", CustomerID: customer.ID(id), Time: asOf.AddDate(0, 0, -10),
		Channel: customer.Store, Currency: cur, Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(amount)}}}))
	return segment.Input{Summary: s}
}

func results(t *testing.T, ins []segment.Input) []segment.Result {
	t.Helper()
	m, obs, err := segment.FitInputs(ins, nil)
	require.NoError(t, err)
	rs := make([]segment.Result, len(obs))
	for i := range obs {
		require.NoError(t, m.Classify(&rs[i], &obs[i]))
	}
	return rs
}

// Each kind may have its own currency — they are fitted apart — but
// Migrate adds up revenue over both and so refuses two currencies, naming
// both and a customer of each (mixing currencies in one aggregate is an error).
func TestMigrateRefusesMixedCurrencies(t *testing.T) {
	rs := results(t, []segment.Input{
		buyer(t, "c1", customer.Consumer, "EUR", 100),
		buyer(t, "c2", customer.Consumer, "EUR", 200),
		buyer(t, "w1", customer.Intermediary, "JPY", 1000000),
		buyer(t, "w2", customer.Intermediary, "JPY", 3000000),
	})
	for _, r := range rs {
		want := customer.Currency("EUR")
		if r.Kind == customer.Intermediary {
			want = "JPY"
		}
		assert.Equal(t, want, r.Currency, "%s: Result carries the currency of Net", r.ID)
	}

	_, err := segment.Migrate(nil, rs)
	var mixed *segment.MixedCurrencyError
	require.ErrorAs(t, err, &mixed)
	assert.Equal(t, segment.MixedCurrencyError{A: "EUR", B: "JPY", CustomerA: "c1", CustomerB: "w1"}, *mixed)
	assert.EqualError(t, err, `segment: net revenue in two currencies: customer "c1" in EUR, customer "w1" in JPY`)
	var mismatch *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &mismatch)
	assert.Equal(t, customer.CurrencyMismatchError{A: "EUR", B: "JPY"}, *mismatch)

	// Each kind alone is one currency.
	m, err := segment.Migrate(nil, rs[:2])
	require.NoError(t, err)
	assert.Equal(t, customer.Currency("EUR"), m.Currency)
	m, err = segment.Migrate(nil, rs[2:])
	require.NoError(t, err)
	assert.Equal(t, customer.Currency("JPY"), m.Currency)
	rev := decimal.Zero
	for _, c := range m.Contribution {
		rev = rev.Add(c.Revenue)
	}
	assert.True(t, rev.Equal(decimal.NewFromInt(4000000)), "JPY revenue %s", rev)

	// Across the periods, too.
	_, err = segment.Migrate(rs[:2], rs[2:])
	require.ErrorAs(t, err, &mixed)
	assert.Equal(t, segment.MixedCurrencyError{A: "EUR", B: "JPY", CustomerA: "c1", CustomerB: "w1"}, *mixed)

	// A customer without money facts has no currency and mixes with any.
	s := customer.NewSummary("browser", customer.Consumer, asOf, nil)
	require.NoError(t, s.AddInteraction(customer.Interaction{CustomerID: "browser", Time: asOf.AddDate(0, 0, -3), Kind: customer.StoreVisit}))
	rs = results(t, []segment.Input{buyer(t, "c1", customer.Consumer, "EUR", 100), {Summary: s}})
	assert.Equal(t, customer.Currency(""), rs[1].Currency)
	m, err = segment.Migrate(nil, rs)
	require.NoError(t, err)
	assert.Equal(t, customer.Currency("EUR"), m.Currency)

	// A net amount without a currency is no result Classify gives.
	bad := rs[0]
	bad.Currency = ""
	_, err = segment.Migrate(nil, []segment.Result{bad})
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.ErrorContains(t, err, `customer "c1": net 100 in currency ""`)
	assert.False(t, errors.As(err, &mixed))
}

// A Fixed threshold above the highest score of a kind would put every
// customer of that kind low: it is refused, naming the option and the
// range.
func TestFixedThresholdWithinTheScoreRange(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts segment.Options
		msg  string
	}{
		{"current above the current node", segment.Options{Rule: segment.Fixed, FixedCurrent: 0.9},
			"segment: FixedCurrent 0.9: must be in [0, 0.5], the range of the current value of consumer customers"},
		{"potential above the potential node", segment.Options{Rule: segment.Fixed, FixedPotential: 0.51},
			"segment: FixedPotential 0.51: must be in [0, 0.5], the range of the potential value of consumer customers"},
		{"negative", segment.Options{Rule: segment.Fixed, FixedCurrent: -0.1}, "segment: FixedCurrent -0.1: must be in [0, 1]"},
		{"above one", segment.Options{Rule: segment.Fixed, FixedPotential: 2}, "segment: FixedPotential 2: must be in [0, 1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := segment.NewStats(&tc.opts)
			require.ErrorIs(t, err, segment.ErrInvalidOptions)
			assert.ErrorContains(t, err, tc.msg)
			_, _, err = segment.FitInputs([]segment.Input{buyer(t, "c1", customer.Consumer, "EUR", 100)}, &tc.opts)
			require.ErrorIs(t, err, segment.ErrInvalidOptions)
		})
	}

	// The range is each kind's: an intermediary model whose current
	// node weighs 0.3 limits FixedCurrent to 0.3.
	im := value.DefaultModel(customer.Intermediary)
	im.Current.Weight, im.Potential.Weight = 0.3, 0.7
	_, err := segment.NewStats(&segment.Options{Intermediary: &im, Rule: segment.Fixed, FixedCurrent: 0.4})
	require.ErrorIs(t, err, segment.ErrInvalidOptions)
	assert.ErrorContains(t, err, "FixedCurrent 0.4: must be in [0, 0.3], the range of the current value of intermediary customers")

	// The top of the range is a threshold, as the mean of a population
	// of equals is: nobody is above it.
	_, err = segment.NewStats(&segment.Options{Intermediary: &im, Rule: segment.Fixed, FixedCurrent: 0.3, FixedPotential: 0.5})
	require.NoError(t, err)
	_, err = segment.NewStats(&segment.Options{Rule: segment.Fixed, FixedCurrent: 0.5, FixedPotential: 0.5})
	require.NoError(t, err)
	// Other rules do not read the fixed thresholds.
	_, err = segment.NewStats(&segment.Options{Rule: segment.Median, FixedCurrent: 0.9})
	require.NoError(t, err)
}

// A shard whose intermediaries are in another currency does not merge,
// and the refused merge leaves the consumers, which alone would have
// merged, as they were: a rejected operation changes no state.
func TestRefusedMergeChangesNothing(t *testing.T) {
	shard := func(ins ...segment.Input) *segment.Stats {
		s, err := segment.NewStats(nil)
		require.NoError(t, err)
		var o segment.Observation
		for _, in := range ins {
			require.NoError(t, segment.Observe(in, &o))
			require.NoError(t, s.Add(&o))
		}
		return s
	}
	a := shard(buyer(t, "c1", customer.Consumer, "EUR", 100), buyer(t, "i1", customer.Intermediary, "EUR", 900))
	b := shard(buyer(t, "c2", customer.Consumer, "EUR", 200), buyer(t, "i2", customer.Intermediary, "USD", 800))
	before := encodeStats(t, a)
	err := a.Merge(b)
	var mismatch *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &mismatch)
	require.EqualError(t, err, "value: merge the statistics of intermediary customers: customer: currency mismatch: EUR and USD")
	require.Equal(t, before, encodeStats(t, a), "the refused merge changed the statistics")
	sc, err := a.Scoring()
	require.NoError(t, err)
	assert.Equal(t, int64(1), sc.ValueScorer(customer.Consumer).N())

	// Statistics of other RFM options do not merge either, whichever
	// part is checked first.
	c, err := segment.NewStats(&segment.Options{RFM: &value.RFMOptions{Bins: 3}})
	require.NoError(t, err)
	require.ErrorIs(t, a.Merge(c), value.ErrInvalidModel)
	require.Equal(t, before, encodeStats(t, a))
}

// A customer with a known indicator that is not a finite number is
// refused before anything is added, even when the value model does not
// read that indicator and only the RFM statistics do.
func TestRefusedAddChangesNothing(t *testing.T) {
	leaf := func(name string, i value.Indicator) []value.Node {
		return []value.Node{{Name: name, Weight: 1, Measure: &value.Measure{Indicator: i, Transform: value.Linear, Method: value.MinMax}}}
	}
	m := value.Model{Kind: customer.Consumer,
		Current:   value.Node{Name: "current", Weight: 0.5, Children: leaf("profit", value.Profit)},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: leaf("growth", value.Growth)}}
	s, err := segment.NewStats(&segment.Options{Consumer: &m})
	require.NoError(t, err)
	var o segment.Observation
	require.NoError(t, segment.Observe(buyer(t, "c1", customer.Consumer, "EUR", 100), &o))
	require.NoError(t, s.Add(&o))
	before := encodeStats(t, s)
	for _, i := range []value.Indicator{value.Recency, value.Revenue, value.Interactions} {
		// Both infinities too: −∞ is as little a number as NaN and +∞.
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			bad := o
			bad.ID = "c2"
			bad.Set(i, v)
			err := s.Add(&bad)
			require.ErrorIs(t, err, value.ErrInvalidInput, "%v = %v", i, v)
			require.ErrorContains(t, err, fmt.Sprintf(`customer "c2": indicator %v = %v`, i, v))
			require.Equal(t, before, encodeStats(t, s), "%v = %v: the refused customer changed the statistics", i, v)
		}
	}
}
