package value_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// leaf returns a leaf node measuring m.
func leaf(name string, w float64, m value.Measure) value.Node {
	return value.Node{Name: name, Weight: w, Measure: &m}
}

// twoLeafModel is a model of kind k whose current value is the leaf
// "measured" (weight 0.7) beside revenue, and whose potential value is
// growth falling back to fb (growth is unknown for a customer of less
// than a year, whose tenure is known).
func twoLeafModel(k customer.Kind, measured value.Measure, fb value.Indicator, custom ...value.CustomIndicator) value.Model {
	return value.Model{Kind: k, Custom: custom,
		Current: value.Node{Name: "current", Weight: 0.6, Children: []value.Node{
			{Name: "group", Weight: 1, Children: []value.Node{
				leaf("measured", 0.7, measured),
				leaf("revenue", 0.3, value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax, Winsor: value.DefaultWinsor}),
			}}}},
		Potential: value.Node{Name: "potential", Weight: 0.4, Children: []value.Node{
			leaf("growth", 1, value.Measure{Indicator: value.Growth, Transform: value.Linear, Method: value.MinMax,
				Fallback: fb, Missing: 0.25})}},
	}
}

// unitScaleBuiltin are the built-in indicators on a [0, 1] scale.
var unitScaleBuiltin = map[value.Indicator]bool{value.FullPriceShare: true, value.ReturnRate: true, value.Credit: true}

// A custom indicator whose values are those of a built-in one scores
// every customer exactly as the built-in one, whatever the measure: a
// leaf of it or a fallback to it is a leaf or a fallback like any other.
func TestCustomLeafScoresAsTheBuiltinOne(t *testing.T) {
	fellBack, absolute := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		var pop []value.Indicators
		if k == customer.Consumer {
			pop = extractAll(t, genPopulation(t, k, 1))
		} else {
			for i := range rapid.IntRange(1, 8).Draw(t, "dealers") {
				r := rapid.SampledFrom([]customer.CreditRating{0, customer.RatingB, customer.RatingBBB, customer.RatingAA, customer.RatingAAA}).Draw(t, "rating")
				pop = append(pop, ratedDealer(t, fmt.Sprint("d", i), r))
			}
		}
		ind := []value.Indicator{value.Profit, value.Revenue, value.Units, value.AverageOrderValue, value.FullPriceShare,
			value.ReturnRate, value.Interactions, value.Tenure, value.Growth, value.RecentSpend}
		if k == customer.Intermediary {
			ind = append(ind, value.Turnover, value.Outlets, value.Credit, value.Cooperation)
		}
		b := rapid.SampledFrom(ind).Draw(t, "indicator")
		m := value.Measure{Indicator: b,
			Transform:     rapid.SampledFrom([]value.Transform{value.Linear, value.Log}).Draw(t, "transform"),
			Method:        rapid.SampledFrom([]value.Method{value.MinMax, value.ZScore, value.PercentileRank}).Draw(t, "method"),
			Winsor:        rapid.SampledFrom([]float64{0, 0.01, 0.25}).Draw(t, "winsor"),
			LowerIsBetter: rapid.Bool().Draw(t, "lower"),
			Missing:       rapid.SampledFrom([]float64{0, 0.5, 1}).Draw(t, "missing"),
		}
		if unitScaleBuiltin[b] && rapid.Bool().Draw(t, "absolute") {
			m.Method, m.Transform, m.Winsor = value.Absolute, value.Linear, 0
			absolute++
		}
		builtin := twoLeafModel(k, m, value.Tenure)
		cm := m
		cm.Indicator = value.Custom(1)
		custom := twoLeafModel(k, cm, value.Custom(0),
			value.CustomIndicator{Name: "days-as-customer"},
			value.CustomIndicator{Name: "mine", Money: b.Money(), UnitScale: unitScaleBuiltin[b]})
		cpop := append([]value.Indicators(nil), pop...)
		for i := range cpop {
			for c, from := range []value.Indicator{value.Tenure, b} {
				if v, ok := cpop[i].Get(from); ok {
					setCustomFloat(t, custom, &cpop[i], custom.Custom[c].Name, v)
				}
			}
		}
		a, err := value.Fit(builtin, pop)
		require.NoError(t, err)
		c, err := value.Fit(custom, cpop)
		require.NoError(t, err)
		for i := range pop {
			sa, err := a.Score(&pop[i])
			require.NoError(t, err)
			sc, err := c.Score(&cpop[i])
			require.NoError(t, err)
			require.Equal(t, sa, sc, "customer %s", pop[i].ID)
			if sc.Source[2] == value.FromFallback {
				fellBack++
			}
			pa, pc := a.Explain(&pop[i], &sa), c.Explain(&cpop[i], &sc)
			for j := range pa {
				require.Equal(t, pa[j].Path, pc[j].Path)
				require.Equal(t, pa[j].Raw, pc[j].Raw)
				require.Equal(t, pa[j].Contribution, pc[j].Contribution)
			}
		}
	})
	if !testing.Short() { // -short draws too few cases to be sure of both
		assert.Positive(t, fellBack, "some customers fell back to the custom fallback")
		assert.Positive(t, absolute, "some custom leaves were absolute")
	}
}

// genSpend returns a custom amount in cents, unknown (false) at times.
func genSpend(t *rapid.T, label string) (int64, bool) {
	if !rapid.Bool().Draw(t, label+" known") {
		return 0, false
	}
	c := rapid.Int64Range(-5000, 5000000).Draw(t, label)
	if rapid.Bool().Draw(t, label+" whale") {
		c *= 1000
	}
	return c, true
}

// A custom money indicator keeps the invariances of the built-in ones:
// the order of the population changes no score, and converting every
// customer's amounts at one rate (all of them, custom ones included, by
// Indicators.Convert) changes none beyond rounding.
func TestCustomMoneyIsPermutationAndScaleInvariant(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := customer.Consumer
		pop := extractAll(t, genPopulation(t, k, 1))
		model := twoLeafModel(k, value.Measure{Indicator: value.Custom(0),
			Transform: rapid.SampledFrom([]value.Transform{value.Linear, value.Log}).Draw(t, "transform"),
			Method:    rapid.SampledFrom([]value.Method{value.MinMax, value.ZScore, value.PercentileRank}).Draw(t, "method"),
			Winsor:    value.DefaultWinsor, Fallback: value.Revenue, Missing: 0.5}, value.Tenure,
			value.CustomIndicator{Name: "dealer-spend", Money: true})
		cents := make([]int64, len(pop))
		for i := range pop {
			if c, ok := genSpend(t, "spend"); ok {
				cents[i] = c
				require.NoError(t, model.SetCustomAmount(&pop[i], "dealer-spend", money(t, decimal.New(c, -2), "EUR")))
			}
		}
		base := fitScores(t, model, pop)

		perm := rapid.Permutation(pop).Draw(t, "perm")
		require.Equal(t, base, fitScores(t, model, perm))

		scale := rapid.SampledFrom([]int64{2, 3, 7, 100, 12345}).Draw(t, "scale")
		conv := append([]value.Indicators(nil), pop...)
		for i := range conv {
			require.NoError(t, conv[i].Convert("USD", decimal.NewFromInt(scale)))
			if v, ok := conv[i].Get(value.Custom(0)); ok {
				require.Equal(t, value.Float(decimal.New(cents[i]*scale, -2)), v, "converted exactly")
				require.True(t, conv[i].IsAmount(value.Custom(0)))
			}
		}
		scaled := fitScores(t, model, conv)
		for id, s := range base {
			require.InDelta(t, s.Current, scaled[id].Current, 1e-9, id)
			require.InDelta(t, s.Potential, scaled[id].Potential, 1e-9, id)
		}
	})
}

// setCustomFloat sets the custom indicator name of x to v: as a number,
// or, declared money, as the amount of x's currency (EUR when x has
// none) whose shortest decimal v is, which SetCustomAmount turns back
// into v exactly.
func setCustomFloat(t tb, m value.Model, x *value.Indicators, name string, v float64) {
	t.Helper()
	for _, c := range m.Custom {
		if c.Name == name && c.Money {
			cur := x.Currency
			if cur == "" {
				cur = "EUR"
			}
			require.NoError(t, m.SetCustomAmount(x, name, money(t, decimal.NewFromFloat(v), cur)))
			got, _ := x.Get(value.Custom(slices.Index(m.Custom, c)))
			require.Equal(t, v, got)
			return
		}
	}
	require.NoError(t, m.SetCustom(x, name, v))
}

// money returns d in currency cur.
func money(t tb, d decimal.Decimal, cur customer.Currency) customer.Money {
	t.Helper()
	m, err := customer.MoneyFromDecimal(d, cur)
	require.NoError(t, err)
	return m
}

// fitScores fits m on pop and scores every customer.
func fitScores(t tb, m value.Model, pop []value.Indicators) map[customer.ID]value.Score {
	t.Helper()
	sc, err := value.Fit(m, pop)
	require.NoError(t, err)
	out := map[customer.ID]value.Score{}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		out[pop[i].ID] = s
	}
	return out
}

// storesModel is an intermediary model with the custom indicators
// stores (a count) and survey (a score on [0, 1]) as leaves.
func storesModel() value.Model {
	return value.Model{Kind: customer.Intermediary,
		Custom: []value.CustomIndicator{{Name: "stores"}, {Name: "survey", UnitScale: true}, {Name: "bureau-limit", Money: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			leaf("revenue", 1, value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax})}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "operating-strength", Weight: 1, Children: []value.Node{
				leaf("stores", 0.5, value.Measure{Indicator: value.Custom(0), Transform: value.Log, Method: value.MinMax, Fallback: value.Outlets, Missing: 0.1}),
				leaf("survey", 0.25, value.Measure{Indicator: value.Custom(1), Transform: value.Linear, Method: value.Absolute, Missing: 0.5}),
				leaf("limit", 0.25, value.Measure{Indicator: value.Custom(2), Transform: value.Log, Method: value.PercentileRank}),
			}}}},
	}
}

// Every defect of the custom indicators of a model is a *ModelError
// that names the field: the declaration by number and name, or the leaf
// by its path; Validate says it, and Fit says the same.
func TestCustomModelErrorsNameTheField(t *testing.T) {
	nine := make([]value.CustomIndicator, value.MaxCustom+1)
	for k := range nine {
		nine[k].Name = fmt.Sprint("x", k)
	}
	for name, c := range map[string]struct {
		edit func(m *value.Model)
		path string
		want string
	}{
		"too many":      {func(m *value.Model) { m.Custom = nine }, "", "9 custom indicators: at most 8"},
		"no name":       {func(m *value.Model) { m.Custom[1].Name = "" }, "", `custom indicator 1 (""): name: required`},
		"built-in name": {func(m *value.Model) { m.Custom[0].Name = "outlets" }, "", `custom indicator 0 ("outlets"): name: the name of a built-in indicator`},
		"generic name":  {func(m *value.Model) { m.Custom[2].Name = "custom-0" }, "", `custom indicator 2 ("custom-0"): name: the text of the indicator custom-0 outside a model, reserved`},
		"duplicate":     {func(m *value.Model) { m.Custom[2].Name = "stores" }, "", `custom indicator 2 ("stores"): name: custom indicator 0 has it too`},
		"money on unit": {func(m *value.Model) { m.Custom[1].Money = true }, "", `custom indicator 1 ("survey"): money and unit_scale`},
		"undeclared leaf": {func(m *value.Model) { m.Custom = m.Custom[:2] }, "potential/operating-strength/limit",
			"indicator custom-2: the model declares 2 custom indicators"},
		"undeclared fallback": {func(m *value.Model) {
			m.Potential.Children[0].Children[0].Measure.Fallback = value.Custom(5)
		}, "potential/operating-strength/stores", "fallback indicator custom-5: the model declares 3 custom indicators"},
		"absolute off the unit scale": {func(m *value.Model) { m.Custom[1].UnitScale = false }, "potential/operating-strength/survey",
			"indicator survey is not on a [0, 1] scale"},
		"absolute fallback off the unit scale": {func(m *value.Model) {
			m.Potential.Children[0].Children[1].Measure.Fallback = value.Custom(0)
		}, "potential/operating-strength/survey", "fallback indicator stores is not on a [0, 1] scale"},
	} {
		t.Run(name, func(t *testing.T) {
			m := storesModel()
			c.edit(&m)
			err := m.Validate()
			var me *value.ModelError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, c.path, me.Path)
			assert.Contains(t, me.Reason, c.want)
			_, fitErr := value.Fit(m, nil)
			assert.Equal(t, err.Error(), fitErr.Error())
		})
	}
	require.NoError(t, storesModel().Validate())
}

// dealer returns the indicators of an intermediary with revenue and
// outlets, and the custom values given (by name) as storesModel
// declares them.
func dealer(t tb, id string, revenue float64, outlets int, custom map[string]float64) value.Indicators {
	t.Helper()
	x := value.Indicators{ID: customer.ID(id), Kind: customer.Intermediary, Currency: "EUR"}
	x.Set(value.Revenue, revenue)
	if outlets > 0 {
		x.Set(value.Outlets, float64(outlets))
	}
	m := storesModel()
	for name, v := range custom {
		setCustomFloat(t, m, &x, name, v)
	}
	return x
}

func dealers(t tb) []value.Indicators {
	return []value.Indicators{
		dealer(t, "big", 90000, 0, map[string]float64{"stores": 12, "survey": 0.9, "bureau-limit": 500000}),
		dealer(t, "small", 20000, 0, map[string]float64{"stores": 2, "survey": 0.4, "bureau-limit": 20000}),
		dealer(t, "mid", 50000, 0, map[string]float64{"stores": 5, "bureau-limit": 80000}),
		dealer(t, "unsurveyed", 40000, 4, nil),
		dealer(t, "blank", 10000, 0, nil),
	}
}

// An unknown custom value falls back as an unknown built-in one does:
// to the fallback indicator when known, to Missing otherwise; and the
// explanation names the custom leaf by its path.
func TestCustomUnknownFallsBack(t *testing.T) {
	pop := dealers(t)
	sc, err := value.Fit(storesModel(), pop)
	require.NoError(t, err)
	assert.Equal(t, storesModel().Custom, sc.Custom())
	src := func(x *value.Indicators, path string) value.Part {
		s, err := sc.Score(x)
		require.NoError(t, err)
		for _, p := range sc.Explain(x, &s) {
			if p.Path == path {
				return p
			}
		}
		t.Fatalf("no part %s", path)
		return value.Part{}
	}
	const stores, survey = "potential/operating-strength/stores", "potential/operating-strength/survey"
	big := src(&pop[0], stores)
	assert.Equal(t, value.FromIndicator, big.Source)
	assert.Equal(t, value.Custom(0), big.Indicator)
	assert.Equal(t, 12.0, big.Raw)
	assert.Equal(t, 1.0, big.Normalized)
	assert.Equal(t, 0.9, src(&pop[0], survey).Normalized, "absolute: the survey score as it is")
	fb := src(&pop[3], stores)
	assert.Equal(t, value.FromFallback, fb.Source)
	assert.Equal(t, value.Outlets, fb.Indicator)
	assert.Equal(t, 4.0, fb.Raw)
	miss := src(&pop[4], stores)
	assert.Equal(t, value.FromMissing, miss.Source)
	assert.Equal(t, 0.1, miss.Normalized)
	assert.Equal(t, value.FromMissing, src(&pop[2], survey).Source)

	x := pop[0]
	x.Unset(value.Custom(0))
	_, ok := x.Get(value.Custom(0))
	assert.False(t, ok)
	assert.Equal(t, value.FromMissing, src(&x, stores).Source)
}

// A custom money indicator is converted with the built-in ones, exactly;
// a custom number is not.
func TestCustomConvert(t *testing.T) {
	x := value.Indicators{ID: "d", Kind: customer.Intermediary, Currency: "USD"}
	x.Set(value.Revenue, 1.5)
	m := storesModel()
	require.NoError(t, m.SetCustomAmount(&x, "bureau-limit", money(t, decimal.RequireFromString("1.50"), "USD")))
	require.NoError(t, m.SetCustom(&x, "stores", 3))
	assert.True(t, x.IsAmount(value.Custom(2)))
	assert.False(t, x.IsAmount(value.Custom(0)))
	assert.True(t, x.IsAmount(value.Revenue))
	require.NoError(t, x.Convert("EUR", decimal.RequireFromString("0.8")))
	v, _ := x.Get(value.Custom(2))
	assert.Equal(t, 1.2, v, "1.50 at 0.8 is 1.2, the amount's exact equivalent")
	assert.Equal(t, x.Values[value.Revenue], v)
	n, _ := x.Get(value.Custom(0))
	assert.Equal(t, 3.0, n)
}

// Bad custom values are refused with an error naming the customer and
// the indicator, and change nothing: SetCustom refuses an undeclared
// name, a value that is not a finite number, one off the unit scale and
// a number for an indicator declared money; SetCustomAmount an amount
// for one declared a number, an amount without a currency, in another
// currency than the customer's or beyond float64; Stats.Add and
// ScoreInto refuse those set by hand, and money set as a number or the
// other way round.
func TestCustomBadValues(t *testing.T) {
	m := storesModel()
	x := dealer(t, "d1", 1000, 0, map[string]float64{"stores": 3})
	before := x
	for _, c := range []struct {
		name string
		v    float64
		want string
	}{
		{"staff", 1, `customer "d1": custom indicator "staff": the intermediary model declares none of that name`},
		{"stores", nan(), `customer "d1": indicator stores (custom-0) = NaN: not a finite number`},
		{"bureau-limit", 1000, `customer "d1": indicator bureau-limit (custom-2) = 1000: a number where the model declares an amount of money`},
		{"survey", 1.5, `customer "d1": indicator survey (custom-1) = 1.5: outside [0, 1], the scale it is declared on (unit_scale)`},
		{"survey", -0.1, `indicator survey (custom-1) = -0.1: outside [0, 1]`},
	} {
		err := m.SetCustom(&x, c.name, c.v)
		require.ErrorIs(t, err, value.ErrInvalidInput, c.name)
		assert.Contains(t, err.Error(), c.want)
		assert.Equal(t, before, x, "a refused value changes nothing")
	}
	huge, err := decimal.NewFromString("1e400")
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		a    customer.Money
		want string
	}{
		{"staff", money(t, decimal.NewFromInt(1), "EUR"), `customer "d1": custom indicator "staff": the intermediary model declares none`},
		{"stores", money(t, decimal.NewFromInt(3), "EUR"), `customer "d1": indicator stores (custom-0) = 3: an amount of money where the model declares a number`},
		{"bureau-limit", customer.Money{}, `customer "d1": indicator bureau-limit (custom-2) = 0: an amount of money without a currency`},
		{"bureau-limit", money(t, decimal.NewFromInt(5), "GBP"), `customer "d1": indicator bureau-limit (custom-2) = 5: an amount in another currency than the customer's: customer: currency mismatch: EUR and GBP`},
		{"bureau-limit", money(t, huge, "EUR"), `customer "d1": indicator bureau-limit (custom-2) = +Inf: 1e400 EUR: an amount too large for the indicator (beyond the range of float64)`},
	} {
		err := m.SetCustomAmount(&x, c.name, c.a)
		require.ErrorIs(t, err, value.ErrInvalidInput, c.name)
		assert.Contains(t, err.Error(), c.want)
		assert.Equal(t, before, x, "a refused value changes nothing")
	}
	var ie *value.InputError
	require.ErrorAs(t, m.SetCustomAmount(&x, "bureau-limit", money(t, decimal.NewFromInt(5), "GBP")), &ie)
	var cm *customer.CurrencyMismatchError
	assert.ErrorAs(t, ie, &cm)
	assert.Equal(t, value.Custom(2), ie.Indicator)
	assert.Equal(t, "bureau-limit", ie.Name)

	st, err := value.NewStats(m)
	require.NoError(t, err)
	require.NoError(t, st.Add(&before))
	sc, err := st.Scorer()
	require.NoError(t, err)
	for _, c := range []struct {
		set  func(x *value.Indicators)
		want string
	}{
		{func(x *value.Indicators) { x.Set(value.Custom(0), nan()) }, `customer "d2": indicator stores (custom-0) = NaN`},
		{func(x *value.Indicators) { x.Set(value.Custom(1), 2) }, `customer "d2": indicator survey (custom-1) = 2: outside [0, 1], the scale it is declared on`},
		{func(x *value.Indicators) { x.Set(value.Custom(2), 100) }, `customer "d2": indicator bureau-limit (custom-2) = 100: set as a number (Indicators.Set), the model declares an amount of money`},
		{func(x *value.Indicators) {
			require.NoError(t, x.SetAmount(value.Custom(0), money(t, decimal.NewFromInt(100), "EUR")))
		},
			`customer "d2": indicator stores (custom-0) = 100: set as an amount of money (Indicators.SetAmount), the model declares a number`},
	} {
		y := dealer(t, "d2", 500, 0, nil)
		c.set(&y)
		err := st.Add(&y)
		require.ErrorIs(t, err, value.ErrInvalidInput)
		assert.Contains(t, err.Error(), c.want)
		assert.Equal(t, int64(1), st.N(), "a refused customer changes nothing")
		var s value.Score
		err = sc.ScoreInto(&s, &y)
		require.ErrorIs(t, err, value.ErrInvalidInput)
		assert.Contains(t, err.Error(), c.want)
		assert.Zero(t, s, "a refused customer leaves the score as it was")
	}
}

// Statistics with custom indicators merge across shards exactly and
// keep their binary encoding (version 3, the declarations included);
// those of a model without them keep version 2, byte for byte. A shard
// of a model with other custom indicators is refused, naming both
// declarations.
func TestCustomStatsMergeAndEncoding(t *testing.T) {
	pop := dealers(t)
	m := storesModel()
	whole, err := value.NewStats(m)
	require.NoError(t, err)
	a, _ := value.NewStats(m)
	b, _ := value.NewStats(m)
	for i := range pop {
		require.NoError(t, whole.Add(&pop[i]))
		require.NoError(t, []*value.Stats{a, b}[i%2].Add(&pop[i]))
	}
	a.Compact()
	require.NoError(t, a.Merge(b))
	data, err := a.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, "tvs\x03", string(data[:4]))
	back, _ := value.NewStats(m)
	require.NoError(t, back.UnmarshalBinary(data))
	assert.Equal(t, m.Custom, back.Custom())
	sw, err := whole.Scorer()
	require.NoError(t, err)
	for _, st := range []*value.Stats{a, back} {
		sc, err := st.Scorer()
		require.NoError(t, err)
		for i := range pop {
			x, _ := sw.Score(&pop[i])
			y, _ := sc.Score(&pop[i])
			require.Equal(t, x, y)
		}
	}

	plain, _ := value.NewStats(value.DefaultModel(customer.Intermediary))
	pd, err := plain.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, "tvs\x02", string(pd[:4]), "a model without custom indicators keeps version 2")

	other := storesModel()
	other.Custom[0].Name = "shops"
	o, err := value.NewStats(other)
	require.NoError(t, err)
	n := a.N()
	err = a.Merge(o)
	require.ErrorIs(t, err, value.ErrInvalidModel)
	assert.Contains(t, err.Error(), "cannot merge the statistics of models with other custom indicators: [stores, survey (unit scale), bureau-limit (money)] and [shops, survey (unit scale), bureau-limit (money)]")
	assert.Equal(t, n, a.N())

	err = o.UnmarshalBinary(data)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Contains(t, err.Error(), "the statistics of a model with other custom indicators: [stores, survey (unit scale), bureau-limit (money)], want [shops, survey (unit scale), bureau-limit (money)]")
	assert.Zero(t, o.N())

	// A model that declares custom indicators but reads none refuses the
	// statistics of one that declares none, and the other way round.
	declared := value.DefaultModel(customer.Intermediary)
	declared.Custom = []value.CustomIndicator{{Name: "stores"}}
	ds, err := value.NewStats(declared)
	require.NoError(t, err)
	err = ds.UnmarshalBinary(pd)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Contains(t, err.Error(), "other custom indicators: none, want [stores]")
	dd, err := ds.MarshalBinary()
	require.NoError(t, err)
	err = plain.UnmarshalBinary(dd)
	assert.Contains(t, err.Error(), "other custom indicators: [stores], want none")
	assert.ErrorIs(t, plain.Merge(ds), value.ErrInvalidModel)
}

// Scoring allocates nothing, with or without a custom leaf.
func TestScoreIntoDoesNotAllocate(t *testing.T) {
	plain := synthetic(200)
	ps, err := value.Fit(value.DefaultModel(customer.Consumer), plain)
	require.NoError(t, err)
	pop := dealers(t)
	cs, err := value.Fit(storesModel(), pop)
	require.NoError(t, err)
	var s value.Score
	assert.Zero(t, testing.AllocsPerRun(200, func() {
		for i := range plain[:20] {
			_ = ps.ScoreInto(&s, &plain[i])
		}
	}), "default model")
	assert.Zero(t, testing.AllocsPerRun(200, func() {
		for i := range pop {
			_ = cs.ScoreInto(&s, &pop[i])
		}
	}), "custom leaves")
}

// A model with custom indicators keeps as JSON: the declarations under
// "custom" and the measures naming them by their names; it decodes to
// the same model, which scores the same.
func TestCustomModelJSON(t *testing.T) {
	m := storesModel()
	data, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"intermediary",
		"custom":[{"name":"stores"},{"name":"survey","unit_scale":true},{"name":"bureau-limit","money":true}],
		"current":{"name":"current","weight":0.5,"children":[
			{"name":"revenue","weight":1,"measure":{"indicator":"revenue","transform":"log","method":"min-max"}}]},
		"potential":{"name":"potential","weight":0.5,"children":[{"name":"operating-strength","weight":1,"children":[
			{"name":"stores","weight":0.5,"measure":{"indicator":"stores","transform":"log","method":"min-max","fallback":"outlets","missing":0.1}},
			{"name":"survey","weight":0.25,"measure":{"indicator":"survey","transform":"linear","method":"absolute","missing":0.5}},
			{"name":"limit","weight":0.25,"measure":{"indicator":"bureau-limit","transform":"log","method":"percentile-rank"}}]}]}}`,
		string(data))
	var back value.Model
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, m, back)
	require.NoError(t, back.Validate())

	// A name neither built in nor declared is an error of the decoding,
	// which names it, and leaves the model as it was.
	bad := strings.Replace(string(data), `"indicator":"bureau-limit"`, `"indicator":"bureau-score"`, 1)
	err = json.Unmarshal([]byte(bad), &back)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"bureau-score"`)
	assert.Equal(t, m, back)

	// A custom indicator as a fallback, named in the JSON too.
	m.Current.Children[0].Measure.Fallback = value.Custom(2)
	data, err = json.Marshal(m)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"fallback":"bureau-limit"`)
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, m, back)
}

// The text of a custom indicator outside a model is "custom-k", and
// parses back.
func TestCustomIndicatorText(t *testing.T) {
	for k := range value.MaxCustom {
		i := value.Custom(k)
		require.True(t, i.Valid())
		got, ok := i.CustomIndex()
		require.True(t, ok)
		require.Equal(t, k, got)
		b, err := i.MarshalText()
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint("custom-", k), string(b))
		p, err := value.ParseIndicator(string(b))
		require.NoError(t, err)
		require.Equal(t, i, p)
		require.False(t, i.Money())
	}
	assert.Equal(t, value.Indicator(0), value.Custom(-1))
	assert.Equal(t, value.Indicator(0), value.Custom(value.MaxCustom))
	_, ok := value.Revenue.CustomIndex()
	assert.False(t, ok)
	_, err := value.ParseIndicator("custom-8")
	assert.Error(t, err)
}

// The errors of custom indicators are of the library's error types.
func TestCustomErrorTypes(t *testing.T) {
	x := value.Indicators{ID: "d"}
	m := storesModel()
	var ie *value.InputError
	require.True(t, errors.As(m.SetCustom(&x, "nope", 1), &ie))
	assert.Equal(t, customer.ID("d"), ie.Customer)
}

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }
