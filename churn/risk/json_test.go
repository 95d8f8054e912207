package risk

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModelJSONRoundTrip(t *testing.T) {
	for _, m := range []*Model{mustRules(t), fittedModel()} {
		b, err := json.Marshal(m)
		require.NoError(t, err)
		var back Model
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, m.Method(), back.Method())
		assert.Equal(t, m.Coefficients(), back.Coefficients())
		assert.Equal(t, m.Intercept(), back.Intercept())
		assert.Equal(t, m.PriorGap(), back.PriorGap())
		assert.Equal(t, m.Bands(), back.Bands())
		for _, s := range randomSignals(rand.New(rand.NewPCG(4, 4)), 200) {
			a, err := m.ScoreSignals(s)
			require.NoError(t, err)
			c, err := back.ScoreSignals(s)
			require.NoError(t, err)
			assert.Equal(t, a, c)
		}
		again, err := json.Marshal(&back)
		require.NoError(t, err)
		assert.JSONEq(t, string(b), string(again))
	}
	b, err := json.Marshal(mustRules(t))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"method":"rules"`)
	assert.Contains(t, string(b), `{"feature":"overdue","weight":1.5,"center":0.6931471805599453,"scale":1}`)
}

func TestModelJSONRejects(t *testing.T) {
	good, err := json.Marshal(mustRules(t))
	require.NoError(t, err)
	tests := map[string]struct{ from, to string }{
		"method":     {`"method":"rules"`, `"method":"guess"`},
		"feature":    {`"feature":"overdue"`, `"feature":"mood"`},
		"twice":      {`"feature":"few_purchases"`, `"feature":"overdue"`},
		"scale":      {`"scale":1}`, `"scale":-1}`},
		"bands":      {`"watch":0.25`, `"watch":0.9`},
		"prior gap":  {`"prior_gap_days":90`, `"prior_gap_days":0`},
		"top":        {`"top_reasons":3`, `"top_reasons":0`},
		"syntax":     {`{`, `[`},
		"overflow":   {`"intercept":-1.4`, `"intercept":1e400`},
		"huge":       {`"weight":1.5`, `"weight":1e101`},
		"half-life":  {`"complaint_half_life_days":90`, `"complaint_half_life_days":-90`},
		"not number": {`"clip":6`, `"clip":"6"`},
		"clip":       {`"clip":6`, `"clip":1000`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(string(good), tt.from, tt.to, 1)
			require.NotEqual(t, string(good), doc)
			m := fittedModel()
			before := m.Coefficients()
			cp := *m
			assert.Error(t, json.Unmarshal([]byte(doc), &cp))
			assert.Equal(t, before, cp.Coefficients(), "unchanged")
		})
	}
}

// FuzzModelJSON: any document is either rejected or gives a model whose
// risks are finite and in [0, 1].
func FuzzModelJSON(f *testing.F) {
	for _, m := range []*Model{mustRules(f), fittedModel()} {
		b, err := json.Marshal(m)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"method":"fitted","intercept":1e100,"prior_gap_days":1e-300,"min_gap_days":1e-300,"complaint_half_life_days":1e-300,"clip":100,"top_reasons":1,"bands":{"watch":1e-300,"high":0.5,"critical":1},"terms":[{"feature":"overdue","weight":1e100,"center":-1e308,"scale":1e-308},{"feature":"not_alive","weight":-1e100,"center":1e308,"scale":1e-308}]}`))
	f.Add([]byte(`null`))
	sigs := randomSignals(rand.New(rand.NewPCG(6, 6)), 20)
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Model
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		for _, s := range sigs {
			r, err := m.ScoreSignals(s)
			require.NoError(t, err)
			require.True(t, r.Risk >= 0 && r.Risk <= 1, "risk %v", r.Risk)
			require.True(t, finite(r.Logit), "logit %v", r.Logit)
		}
	})
}
