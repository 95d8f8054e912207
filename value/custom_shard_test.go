package value_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// brandInterestModel is a consumer model with a brand-interest survey
// score on the unit scale.
func brandInterestModel() value.Model {
	return value.Model{Kind: customer.Consumer,
		Custom: []value.CustomIndicator{{Name: "brand-interest", UnitScale: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			leaf("revenue", 1, value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax})}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			leaf("interest", 0.6, value.Measure{Indicator: value.Custom(0), Transform: value.Linear, Method: value.Absolute,
				Fallback: value.FullPriceShare, Missing: 0.3}),
			leaf("growth", 0.4, value.Measure{Indicator: value.Growth, Transform: value.Linear, Method: value.MinMax, Missing: 0.5}),
		}},
	}
}

// creditLineModel is a dealer model with a money credit line.
func creditLineModel() value.Model {
	return value.Model{Kind: customer.Intermediary,
		Custom: []value.CustomIndicator{{Name: "credit-line", Money: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			leaf("revenue", 1, value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax})}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			leaf("credit-line", 0.7, value.Measure{Indicator: value.Custom(0), Transform: value.Log, Method: value.PercentileRank,
				Winsor: 0.01, Fallback: value.Revenue, Missing: 0.2}),
			leaf("outlets", 0.3, value.Measure{Indicator: value.Outlets, Transform: value.Log, Method: value.MinMax}),
		}},
	}
}

// The integrator's path: both models saved as JSON and loaded, the
// statistics gathered in two goroutines, each shard shipped as bytes,
// decoded and merged, score as one pass over the whole population.
func TestCustomShardedJSONBinary(t *testing.T) {
	for _, m := range []value.Model{brandInterestModel(), creditLineModel()} {
		t.Run(m.Kind.String(), func(t *testing.T) {
			require.NoError(t, m.Validate())
			data, err := json.Marshal(m)
			require.NoError(t, err)
			var loaded value.Model
			require.NoError(t, json.Unmarshal(data, &loaded))
			require.Equal(t, m, loaded)

			var pop []value.Indicators
			for i := range 40 {
				var x value.Indicators
				if m.Kind == customer.Consumer {
					x = extract(t, spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer,
						Buys: []buy{{DaysAgo: 10 + 20*i, Qty: 1 + i%3, Cents: int64(1000 + 777*i)}}}, 1)
					if i%4 != 0 {
						require.NoError(t, loaded.SetCustom(&x, "brand-interest", float64(i%11)/10))
					}
				} else {
					x = dealer(t, fmt.Sprint("d", i), float64(1000+313*i), 1+i%5, nil)
					if i%5 != 0 {
						line := money(t, decimal.New(int64(i*i)*100025, -2), "EUR")
						require.NoError(t, loaded.SetCustomAmount(&x, "credit-line", line))
					}
				}
				pop = append(pop, x)
			}
			whole, err := value.Fit(m, pop)
			require.NoError(t, err)

			blobs := make([][]byte, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for sh := range 2 {
				wg.Go(func() {
					st, err := value.NewStats(loaded)
					if err != nil {
						errs[sh] = err
						return
					}
					for i := sh; i < len(pop); i += 2 {
						if err := st.Add(&pop[i]); err != nil {
							errs[sh] = err
							return
						}
					}
					st.Compact()
					blobs[sh], errs[sh] = st.MarshalBinary()
				})
			}
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			merged, err := value.NewStats(loaded)
			require.NoError(t, err)
			for _, b := range blobs {
				assert.Equal(t, byte(3), b[3], "version 3 for a model with custom indicators")
				d, err := value.NewStats(loaded)
				require.NoError(t, err)
				require.NoError(t, d.UnmarshalBinary(b))
				require.NoError(t, merged.Merge(d))
			}
			sc, err := merged.Scorer()
			require.NoError(t, err)
			for i := range pop {
				a, err := whole.Score(&pop[i])
				require.NoError(t, err)
				b, err := sc.Score(&pop[i])
				require.NoError(t, err)
				require.Equal(t, a, b, pop[i].ID)
			}
		})
	}
}

// identityCase is a leaf measure over a built-in indicator b with a
// built-in fallback f, and the same with either or both replaced by a
// custom indicator fed the same values.
type identityCase struct{ customLeaf, customFallback bool }

// A custom indicator fed the values of a built-in one scores exactly as
// it, as a leaf, as a fallback, or both, whatever the measure; through
// fitting directly and through sharded, encoded and merged statistics.
func TestCustomIdentityOverAllFallbacks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind")
		var pop []value.Indicators
		if k == customer.Consumer {
			pop = extractAll(t, genPopulation(t, k, 1))
		} else {
			for i := range rapid.IntRange(1, 8).Draw(t, "dealers") {
				r := rapid.SampledFrom([]customer.CreditRating{0, customer.RatingB, customer.RatingAA}).Draw(t, "rating")
				x := ratedDealer(t, fmt.Sprint("d", i), r)
				if rapid.Bool().Draw(t, "no revenue") {
					x.Unset(value.Revenue)
				}
				pop = append(pop, x)
			}
		}
		ind := []value.Indicator{value.Profit, value.Revenue, value.Units, value.AverageOrderValue, value.FullPriceShare,
			value.ReturnRate, value.Interactions, value.Tenure, value.Growth, value.RecentSpend, value.Recency}
		if k == customer.Intermediary {
			ind = append(ind, value.Turnover, value.Outlets, value.Credit, value.Cooperation)
		}
		b := rapid.SampledFrom(ind).Draw(t, "indicator")
		f := rapid.SampledFrom(ind).Filter(func(f value.Indicator) bool { return f != b }).Draw(t, "fallback")
		m := value.Measure{Indicator: b, Fallback: f,
			Transform:     rapid.SampledFrom([]value.Transform{value.Linear, value.Log}).Draw(t, "transform"),
			Method:        rapid.SampledFrom([]value.Method{value.MinMax, value.ZScore, value.PercentileRank}).Draw(t, "method"),
			Winsor:        rapid.SampledFrom([]float64{0, 0.01, 0.25}).Draw(t, "winsor"),
			LowerIsBetter: rapid.Bool().Draw(t, "lower"),
			Missing:       rapid.SampledFrom([]float64{0, 0.5, 1}).Draw(t, "missing"),
		}
		if unitScaleBuiltin[b] && unitScaleBuiltin[f] && rapid.Bool().Draw(t, "absolute") {
			m.Method, m.Transform, m.Winsor = value.Absolute, value.Linear, 0
		}
		model := func(c identityCase) value.Model {
			cm := m
			decl := []value.CustomIndicator{
				{Name: "leaf-values", Money: b.Money(), UnitScale: unitScaleBuiltin[b]},
				{Name: "fallback-values", Money: f.Money(), UnitScale: unitScaleBuiltin[f]},
			}
			if c.customLeaf {
				cm.Indicator = value.Custom(0)
			}
			if c.customFallback {
				cm.Fallback = value.Custom(1)
			}
			if !c.customLeaf && !c.customFallback {
				decl = nil
			}
			return value.Model{Kind: k, Custom: decl,
				Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{leaf("measured", 1, cm)}},
				Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
					leaf("tenure", 1, value.Measure{Indicator: value.Tenure, Transform: value.Log, Method: value.MinMax})}},
			}
		}
		feed := func(mod value.Model) []value.Indicators {
			out := append([]value.Indicators(nil), pop...)
			if len(mod.Custom) == 0 {
				return out
			}
			for i := range out {
				for c, from := range []value.Indicator{b, f} {
					if v, ok := out[i].Get(from); ok {
						setCustomFloat(t, mod, &out[i], mod.Custom[c].Name, v)
					}
				}
			}
			return out
		}
		base := model(identityCase{})
		want := fitScores(t, base, pop)
		shards := rapid.IntRange(1, 3).Draw(t, "shards")
		for _, c := range []identityCase{{true, false}, {false, true}, {true, true}} {
			mod := model(c)
			cpop := feed(mod)
			got := fitScores(t, mod, cpop)
			require.Equal(t, want, got, "%+v", c)

			merged, err := value.NewStats(mod)
			require.NoError(t, err)
			for sh := range shards {
				st, err := value.NewStats(mod)
				require.NoError(t, err)
				for i := sh; i < len(cpop); i += shards {
					require.NoError(t, st.Add(&cpop[i]))
				}
				d, err := value.NewStats(mod)
				require.NoError(t, err)
				require.NoError(t, d.UnmarshalBinary(encode(t, st)))
				require.NoError(t, merged.Merge(d))
			}
			sc, err := merged.Scorer()
			require.NoError(t, err)
			for i := range cpop {
				s, err := sc.Score(&cpop[i])
				require.NoError(t, err)
				require.Equal(t, want[cpop[i].ID], s, "%+v sharded, customer %s", c, cpop[i].ID)
			}
		}
	})
}

// A custom leaf that no customer knows falls back for every customer, as
// a built-in one would; its statistics encode, decode and merge.
func TestCustomLeafKnownByNobody(t *testing.T) {
	m := creditLineModel()
	var pop []value.Indicators
	for i := range 5 {
		pop = append(pop, dealer(t, fmt.Sprint("d", i), float64(1000*(i+1)), i+1, nil))
	}
	pop[2].Unset(value.Revenue) // neither the leaf nor its fallback
	st, err := value.NewStats(m)
	require.NoError(t, err)
	for i := range pop {
		require.NoError(t, st.Add(&pop[i]))
	}
	d, err := value.NewStats(m)
	require.NoError(t, err)
	require.NoError(t, d.UnmarshalBinary(encode(t, st)))
	require.Equal(t, encode(t, st), encode(t, d))
	sc, err := d.Scorer()
	require.NoError(t, err)
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		if i == 2 {
			assert.Equal(t, value.FromMissing, s.Source[1])
			assert.Equal(t, 0.2, s.Normalized[1])
		} else {
			assert.Equal(t, value.FromFallback, s.Source[1])
		}
	}
}

// JSON edge cases of the custom indicators.
func TestCustomJSONEdges(t *testing.T) {
	data, err := json.Marshal(creditLineModel())
	require.NoError(t, err)
	js := string(data)

	// "custom-0" in a leaf resolves to the declared custom indicator and
	// is written back under its declared name.
	var m value.Model
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(js, `"indicator":"credit-line"`, `"indicator":"custom-0"`, 1)), &m))
	require.Equal(t, creditLineModel(), m)

	// "custom-3" of a model declaring one is refused by Validate, naming the leaf.
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(js, `"indicator":"credit-line"`, `"indicator":"custom-3"`, 1)), &m))
	err = m.Validate()
	var me *value.ModelError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "potential/credit-line", me.Path)

	// A declaration named as a built-in indicator is refused.
	clash := strings.Replace(js, `{"name":"credit-line","money":true}`, `{"name":"revenue","money":true}`, 1)
	clash = strings.Replace(clash, `"indicator":"credit-line"`, `"indicator":"revenue"`, 1)
	require.NoError(t, json.Unmarshal([]byte(clash), &m))
	err = m.Validate()
	require.ErrorAs(t, err, &me)
	assert.Contains(t, me.Reason, "the name of a built-in indicator")

	// An unknown name in a leaf names itself.
	before := m
	err = json.Unmarshal([]byte(strings.Replace(js, `"indicator":"credit-line"`, `"indicator":"credit-limit"`, 1)), &m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"credit-limit"`)
	assert.Equal(t, before, m)
}

// Scoring with an absolute custom leaf that falls back to a built-in
// indicator, and with a money custom leaf, allocates nothing.
func TestScoreIntoNoAllocCustomFallback(t *testing.T) {
	m := brandInterestModel()
	var pop []value.Indicators
	for i := range 20 {
		x := extract(t, spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer,
			Buys: []buy{{DaysAgo: 10 + 30*i, Qty: 1, Cents: int64(1000 + 50*i)}}}, 1)
		if i%2 == 0 {
			require.NoError(t, m.SetCustom(&x, "brand-interest", 0.5))
		}
		pop = append(pop, x)
	}
	sc, err := value.Fit(m, pop)
	require.NoError(t, err)
	dm := creditLineModel()
	var dpop []value.Indicators
	for i := range 10 {
		x := dealer(t, fmt.Sprint("d", i), float64(1000*(i+1)), 1+i%3, nil)
		if i%3 != 0 {
			require.NoError(t, dm.SetCustomAmount(&x, "credit-line", money(t, decimal.New(int64(5000*i), 0), "EUR")))
		}
		dpop = append(dpop, x)
	}
	dsc, err := value.Fit(dm, dpop)
	require.NoError(t, err)
	var s value.Score
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		for i := range pop {
			_ = sc.ScoreInto(&s, &pop[i])
		}
		for i := range dpop {
			_ = dsc.ScoreInto(&s, &dpop[i])
		}
	}))
}

// Statistics of a model with custom indicators decode from any data
// without a panic, and what decodes encodes into a form that decodes to
// the same statistics.
func FuzzCustomStatsUnmarshalBinary(f *testing.F) {
	st, err := value.NewStats(storesModel())
	require.NoError(f, err)
	for _, x := range dealers(f) {
		require.NoError(f, st.Add(&x))
	}
	f.Add(encode(f, st))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := value.NewStats(storesModel())
		require.NoError(t, err)
		if s.UnmarshalBinary(data) != nil {
			return
		}
		b := encode(t, s)
		s2, err := value.NewStats(storesModel())
		require.NoError(t, err)
		require.NoError(t, s2.UnmarshalBinary(b))
		require.Equal(t, b, encode(t, s2))
		_, _ = s2.Scorer()
	})
}
