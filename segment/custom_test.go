package segment_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// staffModel is an intermediary model whose potential value is its
// operating strength as the caller measures it: staff trained, whether
// it is a target customer, and its credit line.
func staffModel() value.Model {
	m := func(i value.Indicator, tr value.Transform, me value.Method) *value.Measure {
		return &value.Measure{Indicator: i, Transform: tr, Method: me}
	}
	return value.Model{Kind: customer.Intermediary,
		Custom: []value.CustomIndicator{{Name: "staff-trained"}, {Name: "target-customer", UnitScale: true}, {Name: "credit-line", Money: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			{Name: "revenue", Weight: 1, Measure: m(value.Revenue, value.Log, value.MinMax)}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "operating-strength", Weight: 1, Children: []value.Node{
				{Name: "staff", Weight: 0.5, Measure: m(value.Custom(0), value.Log, value.MinMax)},
				{Name: "target", Weight: 0.25, Measure: m(value.Custom(1), value.Linear, value.Absolute)},
				{Name: "credit-line", Weight: 0.25, Measure: m(value.Custom(2), value.Log, value.MinMax)},
			}}}},
	}
}

// amount returns the custom value name of the amount s in currency cur.
func amount(t *testing.T, name, s string, cur customer.Currency) value.CustomValue {
	t.Helper()
	m, err := customer.NewMoney(s, string(cur))
	require.NoError(t, err)
	return value.CustomValue{Name: name, Amount: m}
}

// withCustom returns in with the custom values given.
func withCustom(in segment.Input, vals ...value.CustomValue) segment.Input {
	in.Custom = vals
	return in
}

// A caller supplies each dealer's custom values with its input, and the
// quadrants follow a model that measures them: the dealers with trained
// staff, targeted and with a large credit line have the high potential,
// whatever their current value.
func TestCustomValuesDecideTheQuadrants(t *testing.T) {
	start := asOf.AddDate(-3, 0, 0)
	ins := []segment.Input{
		withCustom(dealerInput(t, "small-strong", start, 30), value.CustomValue{Name: "staff-trained", Value: 40},
			value.CustomValue{Name: "target-customer", Value: 1}, amount(t, "credit-line", "100000", "EUR")),
		withCustom(dealerInput(t, "big-weak", start, 30, 120, 210), value.CustomValue{Name: "staff-trained", Value: 0},
			value.CustomValue{Name: "target-customer", Value: 0}, amount(t, "credit-line", "1000", "EUR")),
		withCustom(dealerInput(t, "big-strong", start, 30, 120, 210), amount(t, "credit-line", "90000", "EUR"),
			value.CustomValue{Name: "staff-trained", Value: 35}, value.CustomValue{Name: "target-customer", Value: 1}),
		dealerInput(t, "small-unknown", start, 30),
	}
	m := staffModel()
	opts := &segment.Options{Intermediary: &m}
	model, rs := classify(t, ins, opts)
	want := map[customer.ID]segment.Quadrant{"small-strong": segment.PotentialValue, "big-weak": segment.SecondaryValue,
		"big-strong": segment.HighValue, "small-unknown": segment.LowValue}
	for id, q := range want {
		assert.Equal(t, q, rs[id].Quadrant, "%s", id)
	}
	leaves := model.Scoring.ValueScorer(customer.Intermediary).Leaves()
	assert.Equal(t, "potential/operating-strength/staff", leaves[1].Path)
	r := rs["small-strong"]
	assert.Equal(t, value.FromIndicator, r.Value.Source[1])
	assert.Equal(t, 1.0, r.Value.Normalized[1])
	assert.Equal(t, value.FromMissing, rs["small-unknown"].Value.Source[1])

	var o segment.Observation
	require.NoError(t, segment.ObserveWith(ins[0], &o, opts))
	v, ok := o.Get(value.Custom(0))
	assert.True(t, ok)
	assert.Equal(t, 40.0, v)
	assert.True(t, o.IsAmount(value.Custom(2)))
}

// A custom money value is an amount in the customer's currency, and is
// converted with its other amounts into the analysis currency; a custom
// number is not.
func TestCustomMoneyIsConverted(t *testing.T) {
	m := staffModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD",
		Rates: rateTable{{"EUR", "USD"}: decimal.RequireFromString("1.25")}}
	in := withCustom(dealerInput(t, "d", asOf.AddDate(-3, 0, 0), 30),
		amount(t, "credit-line", "1000.40", "EUR"), value.CustomValue{Name: "staff-trained", Value: 7})
	var o segment.Observation
	require.NoError(t, segment.ObserveWith(in, &o, opts))
	assert.Equal(t, customer.Currency("USD"), o.Currency)
	v, _ := o.Get(value.Custom(2))
	assert.Equal(t, 1250.5, v)
	n, _ := o.Get(value.Custom(0))
	assert.Equal(t, 7.0, n)
}

// A custom value the model of the customer's kind refuses is an error
// naming the customer and the indicator, and changes nothing: a name it
// does not declare (the default models declare none), one given twice,
// a value that is not a finite number, one off the unit scale, a number
// for an indicator declared money and an amount for one declared a
// number, both at once, and, without exchange rates, an amount in
// another currency than the customer's.
func TestCustomInputErrors(t *testing.T) {
	m := staffModel()
	opts := &segment.Options{Intermediary: &m}
	base := dealerInput(t, "d9", asOf.AddDate(-3, 0, 0), 30)
	for _, c := range []struct {
		opts *segment.Options
		vals []value.CustomValue
		want string
	}{
		{nil, []value.CustomValue{{Name: "staff-trained", Value: 3}}, `customer "d9": custom indicator "staff-trained": the intermediary model declares none of that name`},
		{opts, []value.CustomValue{{Name: "staff", Value: 3}}, `customer "d9": custom indicator "staff": the intermediary model declares none`},
		{opts, []value.CustomValue{{Name: "staff-trained", Value: 3}, {Name: "staff-trained", Value: 4}}, `customer "d9": indicator staff-trained (custom-0) = 4: given twice (the other time = 3)`},
		{opts, []value.CustomValue{{Name: "staff-trained", Value: math.NaN()}}, `customer "d9": indicator staff-trained (custom-0) = NaN`},
		{opts, []value.CustomValue{{Name: "target-customer", Value: 2}}, `customer "d9": indicator target-customer (custom-1) = 2: outside [0, 1], the scale it is declared on`},
		{opts, []value.CustomValue{{Name: "credit-line", Value: 5000}}, `customer "d9": indicator credit-line (custom-2) = 5000: a number where the model declares an amount of money`},
		{opts, []value.CustomValue{amount(t, "staff-trained", "3", "EUR")}, `customer "d9": indicator staff-trained (custom-0) = 3: an amount of money where the model declares a number`},
		{opts, []value.CustomValue{{Name: "credit-line", Value: 5000, Amount: amount(t, "", "5000", "EUR").Amount}},
			`customer "d9": indicator credit-line (custom-2) = 5000: both a number (Value 5000) and an amount (Amount 5000 EUR)`},
		{opts, []value.CustomValue{amount(t, "credit-line", "5000", "GBP")},
			`customer "d9": indicator credit-line (custom-2) = 5000: an amount in another currency than the customer's: customer: currency mismatch: EUR and GBP`},
	} {
		o := segment.Observation{MedianGap: 42}
		err := segment.ObserveWith(withCustom(base, c.vals...), &o, c.opts)
		require.ErrorIs(t, err, value.ErrInvalidInput, c.want)
		assert.Contains(t, err.Error(), c.want)
		assert.Equal(t, segment.Observation{MedianGap: 42}, o, "a refused input changes nothing")
		_, _, err = segment.FitInputs([]segment.Input{withCustom(base, c.vals...)}, c.opts)
		assert.ErrorIs(t, err, value.ErrInvalidInput)
	}

	// A custom value set by hand on an observation that the statistics
	// would refuse is refused by them first.
	var o segment.Observation
	require.NoError(t, segment.ObserveWith(base, &o, opts))
	o.Set(value.Custom(0), math.Inf(1))
	st, err := segment.NewStats(opts)
	require.NoError(t, err)
	err = st.Add(&o)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Contains(t, err.Error(), `customer "d9": indicator staff-trained (custom-0) = +Inf`)
}

// Inputs without custom values observe exactly as before.
func TestInputWithoutCustomUnchanged(t *testing.T) {
	in := dealerInput(t, "d", time.Time{}, 30, 90)
	var a, b segment.Observation
	require.NoError(t, segment.Observe(in, &a))
	in.Custom = []value.CustomValue{}
	require.NoError(t, segment.Observe(in, &b))
	assert.Equal(t, a, b)
	for k := range value.MaxCustom {
		assert.False(t, a.Known(value.Custom(k)))
	}
}

// First-pass statistics of a model with custom indicators keep their
// binary encoding, and refuse to decode into those of a model with other
// custom indicators.
func TestCustomStatsEncoding(t *testing.T) {
	m := staffModel()
	opts := &segment.Options{Intermediary: &m}
	st, err := segment.NewStats(opts)
	require.NoError(t, err)
	for i, staff := range []float64{3, 30} {
		in := withCustom(dealerInput(t, fmt.Sprint("d", i), asOf.AddDate(-3, 0, 0), 30), value.CustomValue{Name: "staff-trained", Value: staff})
		var o segment.Observation
		require.NoError(t, segment.ObserveWith(in, &o, opts))
		require.NoError(t, st.Add(&o))
	}
	data, err := st.MarshalBinary()
	require.NoError(t, err)
	back, err := segment.NewStats(opts)
	require.NoError(t, err)
	require.NoError(t, back.UnmarshalBinary(data))
	again, err := back.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, data, again)

	other := staffModel()
	other.Custom = other.Custom[:2]
	other.Potential.Children[0].Children = other.Potential.Children[0].Children[:2]
	other.Potential.Children[0].Children[0].Weight = 0.75
	o, err := segment.NewStats(&segment.Options{Intermediary: &other})
	require.NoError(t, err)
	err = o.UnmarshalBinary(data)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Contains(t, err.Error(), "other custom indicators")
}
