package value_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// A Model is configuration: the default models of both kinds, and a
// caller's own, survive a JSON round trip unchanged and score the same
// population the same.
func TestModelJSONRoundTrip(t *testing.T) {
	custom := value.DefaultModel(customer.Intermediary)
	custom.Potential.Children[1].Children[0].Measure.Method = value.Absolute
	custom.Current.Children[0].Measure.Method = value.PercentileRank
	custom.Current.Children[0].Measure.LowerIsBetter = true
	for name, m := range map[string]value.Model{
		"consumer":     value.DefaultModel(customer.Consumer),
		"intermediary": value.DefaultModel(customer.Intermediary),
		"custom":       custom,
	} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(m)
			require.NoError(t, err)
			var back value.Model
			require.NoError(t, json.Unmarshal(data, &back))
			assert.Equal(t, m, back)

			var pop []value.Indicators
			for i, r := range []customer.CreditRating{customer.RatingAA, 0, customer.RatingAAA, customer.RatingBBB} {
				id := string(rune('a' + i))
				if m.Kind == customer.Consumer {
					pop = append(pop, extract(t, spec{ID: id, Kind: customer.Consumer, Interactions: i,
						Buys: []buy{{DaysAgo: 400 - 90*i, Qty: 1 + i, Cents: 1500 + 700*int64(i), Category: "coats"}, {DaysAgo: 20 + i, Qty: 1, Cents: 4000, Refund: i % 2}}}, 1))
					continue
				}
				pop = append(pop, ratedDealer(t, id, r))
			}
			a, err := value.Fit(m, pop)
			require.NoError(t, err)
			b, err := value.Fit(back, pop)
			require.NoError(t, err)
			for i := range pop {
				sa, err := a.Score(&pop[i])
				require.NoError(t, err)
				sb, err := b.Score(&pop[i])
				require.NoError(t, err)
				assert.Equal(t, sa, sb)
			}
		})
	}
}

// The JSON of a model names everything by name, in snake_case, and
// leaves zero fields out: what an operator reads and edits.
func TestModelJSONShape(t *testing.T) {
	m := value.Model{Kind: customer.Consumer,
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			{Name: "revenue", Weight: 1, Measure: &value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax, Winsor: 0.01}}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "recency", Weight: 1, Measure: &value.Measure{Indicator: value.Recency, Transform: value.Linear, Method: value.MinMax, LowerIsBetter: true, Fallback: value.Tenure, Missing: 0.5}}}},
	}
	data, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"consumer",
		"current":{"name":"current","weight":0.5,"children":[
			{"name":"revenue","weight":1,"measure":{"indicator":"revenue","transform":"log","method":"min-max","winsor":0.01}}]},
		"potential":{"name":"potential","weight":0.5,"children":[
			{"name":"recency","weight":1,"measure":{"indicator":"recency","transform":"linear","method":"min-max","lower_is_better":true,"fallback":"tenure","missing":0.5}}]}}`,
		string(data))
}

// An unknown name is an error of the decoding, which names it.
func TestModelJSONUnknownName(t *testing.T) {
	for _, bad := range []string{
		`{"kind":"consumer","current":{"name":"c","measure":{"indicator":"revenu","transform":"log","method":"min-max"}}}`,
		`{"kind":"consumer","current":{"name":"c","measure":{"indicator":"revenue","transform":"log","method":"minmax"}}}`,
		`{"kind":"shopper"}`,
	} {
		var m value.Model
		err := json.Unmarshal([]byte(bad), &m)
		require.Error(t, err, bad)
		assert.Regexp(t, `revenu|minmax|shopper`, err.Error())
	}
}

// A decoded model is checked where it is loaded: Validate names the
// node and the reason, as Fit would, and passes the default models.
func TestModelValidate(t *testing.T) {
	require.NoError(t, value.DefaultModel(customer.Consumer).Validate())
	require.NoError(t, value.DefaultModel(customer.Intermediary).Validate())
	var m value.Model
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"consumer",
		"current":{"name":"current","weight":0.5,"children":[{"name":"revenue","weight":1,"measure":{"indicator":"revenue","method":"absolute"}}]},
		"potential":{"name":"potential","weight":0.5,"children":[{"name":"tenure","weight":1,"measure":{"indicator":"tenure","transform":"linear","method":"min-max"}}]}}`), &m))
	err := m.Validate()
	var me *value.ModelError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "current/revenue", me.Path)
	_, fitErr := value.Fit(m, nil)
	assert.Equal(t, err.Error(), fitErr.Error(), "Validate says what Fit says")
}

// A model read from JSON never panics: whatever decodes either is
// refused by Validate with an error, or is a valid model whose JSON
// decodes to a valid model with the same JSON (an empty list and no
// list are one).
func FuzzModelJSON(f *testing.F) {
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		data, err := json.Marshal(value.DefaultModel(k))
		require.NoError(f, err)
		f.Add(data)
	}
	custom, err := json.Marshal(storesModel())
	require.NoError(f, err)
	f.Add(custom)
	f.Add([]byte(`{"kind":"consumer","custom":[{"name":"survey","unit_scale":true},{"name":"spend","money":true}],` +
		`"current":{"name":"c","weight":0.5,"children":[{"name":"s","weight":1,"measure":{"indicator":"survey","transform":"linear","method":"absolute","fallback":"full-price-share"}}]},` +
		`"potential":{"name":"p","weight":0.5,"children":[{"name":"t","weight":1,"measure":{"indicator":"tenure","transform":"log","method":"z-score","fallback":"spend"}}]}}`))
	f.Add([]byte(`{"kind":"consumer","current":{"name":"c","weight":1,"measure":{"indicator":"revenue","transform":"log","method":"absolute"}}}`))
	f.Add([]byte(`{"kind":"intermediary","potential":{"name":"p","pairwise":[[1,2],[0.5,1]],"children":[{"name":"a"},{"name":"b"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m value.Model
		if json.Unmarshal(data, &m) != nil {
			return
		}
		if err := m.Validate(); err != nil {
			return
		}
		again, err := json.Marshal(m)
		require.NoError(t, err)
		var back value.Model
		require.NoError(t, json.Unmarshal(again, &back))
		require.NoError(t, back.Validate())
		twice, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(again), string(twice))
	})
}
