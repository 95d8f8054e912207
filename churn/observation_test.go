package churn

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestObservationValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name   string
		obs    Observation
		fields []string
	}{
		{"valid", Observation{Frequency: 2, Recency: 30.43, T: 38.86}, nil},
		{"valid zero", Observation{Frequency: 0, Recency: 0, T: 1}, nil},
		{"valid recency = T", Observation{Frequency: 1, Recency: 5, T: 5}, nil},
		{"negative frequency", Observation{Frequency: -1, Recency: 1, T: 2}, []string{"frequency"}},
		{"fractional frequency", Observation{Frequency: 1.5, Recency: 1, T: 2}, []string{"frequency"}},
		{"NaN frequency", Observation{Frequency: nan, Recency: 1, T: 2}, []string{"frequency"}},
		{"negative recency", Observation{Frequency: 1, Recency: -1, T: 2}, []string{"recency"}},
		{"recency > T", Observation{Frequency: 1, Recency: 3, T: 2}, []string{"recency"}},
		{"recency without repeat", Observation{Frequency: 0, Recency: 1, T: 2}, []string{"recency"}},
		{"zero T", Observation{Frequency: 0, Recency: 0, T: 0}, []string{"T"}},
		{"negative T", Observation{Frequency: 0, Recency: 0, T: -3}, []string{"T"}},
		{"Inf T", Observation{Frequency: 1, Recency: 1, T: inf}, []string{"T"}},
		{"huge T", Observation{Frequency: 1, Recency: 1, T: 1e12}, []string{"T"}},
		{"all bad", Observation{ID: "c7", Frequency: -2, Recency: nan, T: -inf}, []string{"frequency", "recency", "T"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.obs.Validate()
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.ErrorIs(t, err, ErrInvalidInput)
			var got []string
			for _, f := range ie.Fields {
				got = append(got, f.Field)
			}
			require.Equal(t, tc.fields, got)
			require.Equal(t, tc.obs.ID, ie.ID)
		})
	}
}

func TestSpendObservationValidate(t *testing.T) {
	require.NoError(t, SpendObservation{Frequency: 2, MeanSpend: 30}.Validate())
	require.NoError(t, SpendObservation{Frequency: 1, MeanSpend: -1e15}.Validate())
	for _, tc := range []struct {
		obs    SpendObservation
		fields []string
	}{
		{SpendObservation{ID: "a", Frequency: 2, MeanSpend: 5e18}, []string{"mean_spend"}},
		{SpendObservation{ID: "b", Frequency: 1, MeanSpend: math.NaN()}, []string{"mean_spend"}},
		{SpendObservation{ID: "c", Frequency: -1, MeanSpend: math.Inf(-1)}, []string{"frequency", "mean_spend"}},
	} {
		var ie *InputError
		require.ErrorAs(t, tc.obs.Validate(), &ie, "%+v", tc.obs)
		var got []string
		for _, f := range ie.Fields {
			got = append(got, f.Field)
		}
		require.Equal(t, tc.fields, got)
		require.Equal(t, tc.obs.ID, ie.ID)
		require.Equal(t, -1, ie.Index)
	}
}

func TestGroupObservationsNamesTheCustomer(t *testing.T) {
	obs := []Observation{{ID: "a", Frequency: 1, Recency: 1, T: 2}, {ID: "b", Frequency: 1, Recency: 3, T: 2}}
	_, err := GroupObservations(obs)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 1, ie.Index)
	require.Equal(t, "b", ie.ID)
	require.Contains(t, err.Error(), `"b" (index 1)`)
	require.Contains(t, err.Error(), "recency 3: must not exceed T (2)")
	// A rejected Add changes nothing.
	g := &Groups{}
	require.NoError(t, g.Add(obs[0]))
	require.Error(t, g.Add(obs[1]))
	require.Equal(t, int64(1), g.Customers())
	require.Equal(t, 1, g.Len())
	require.Error(t, g.AddGroup(Group{Frequency: 1, Recency: 1, T: 2}, 0))
	require.Equal(t, int64(1), g.Customers())
}

func TestGroupsCountIdenticalTriples(t *testing.T) {
	g, err := GroupObservations(cdnowSummary(t))
	require.NoError(t, err)
	require.Equal(t, int64(2357), g.Customers())
	require.Less(t, g.Len(), 1200)
	var sumX float64
	for _, gr := range g.Slice() {
		sumX += gr.Frequency * float64(gr.Count)
	}
	require.Equal(t, 2457.0, sumX) // README: sum of frequency
	// -0 and 0 are one group.
	h := &Groups{}
	require.NoError(t, h.Add(Observation{Frequency: 0, Recency: math.Copysign(0, -1), T: 3}))
	require.NoError(t, h.Add(Observation{Frequency: 0, Recency: 0, T: 3}))
	require.Equal(t, 1, h.Len())
}

func genObservation(t *rapid.T, label string) Observation {
	T := rapid.Float64Range(0.1, 3650).Draw(t, label+"T")
	x := float64(rapid.IntRange(0, 600).Draw(t, label+"x"))
	tx := 0.0
	if x > 0 {
		// A repeat purchase is later than the first: t_x > 0.
		tx = max(rapid.Float64Range(0, 1).Draw(t, label+"frac"), 1e-9) * T
	}
	return Observation{Frequency: x, Recency: tx, T: T}
}

// Merging shards gives the groups of the union, whatever the split, and the
// log-likelihood of the union is the sum of the shards' log-likelihoods.
func TestGroupsMergeProperty(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	p := ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.6, Beta: 11.7}
	rapid.Check(t, func(t *rapid.T) {
		// Draw from a small pool so duplicates occur.
		pool := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Observation { return genObservation(t, "") }), 1, 8).Draw(t, "pool")
		obs := rapid.SliceOfN(rapid.SampledFrom(pool), 1, 60).Draw(t, "obs")
		cut := rapid.IntRange(0, len(obs)).Draw(t, "cut")
		all, err := GroupObservations(obs)
		require.NoError(t, err)
		a, err := GroupObservations(obs[:cut])
		require.NoError(t, err)
		b, err := GroupObservations(obs[cut:])
		require.NoError(t, err)
		ab := &Groups{}
		require.NoError(t, ab.Merge(b))
		require.NoError(t, ab.Merge(a))
		require.Equal(t, all.Slice(), ab.Slice())
		require.Equal(t, all.Customers(), ab.Customers())
		for _, model := range []interface {
			TotalLogLikelihood(*Groups) (float64, error)
		}{m, p, MBGNBD(m)} {
			la, err := model.TotalLogLikelihood(a)
			require.NoError(t, err)
			lb, err := model.TotalLogLikelihood(b)
			require.NoError(t, err)
			lab, err := model.TotalLogLikelihood(ab)
			require.NoError(t, err)
			require.InDelta(t, la+lb, lab, 1e-9*math.Max(1, math.Abs(lab)))
		}
	})
}

func TestSpendGroupsMergeAndExclusion(t *testing.T) {
	obs := []SpendObservation{{Frequency: 2, MeanSpend: 10}, {Frequency: 0, MeanSpend: 0}, {Frequency: 3, MeanSpend: -1},
		{Frequency: 2, MeanSpend: 10}, {Frequency: 1, MeanSpend: 0}, {Frequency: 4, MeanSpend: 22.5}}
	all, err := GroupSpend(obs)
	require.NoError(t, err)
	require.Equal(t, int64(3), all.Customers())
	require.Equal(t, int64(3), all.Excluded())
	require.Equal(t, 2, all.Len())
	a, _ := GroupSpend(obs[:2])
	b, _ := GroupSpend(obs[2:])
	require.NoError(t, a.Merge(b))
	require.Equal(t, all.Slice(), a.Slice())
	require.Equal(t, all.Excluded(), a.Excluded())
	_, err = GroupSpend([]SpendObservation{{ID: "z", Frequency: 1, MeanSpend: math.NaN()}})
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "mean_spend", ie.Fields[0].Field)
}

func TestInsufficientData(t *testing.T) {
	g := groupsOf(t, []Observation{{Frequency: 0, T: 10}, {Frequency: 0, T: 20}})
	_, err := FitBGNBD(g, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	_, err = FitMBGNBD(g, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	_, err = FitParetoNBD(g, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	_, err = FitBGNBD(&Groups{}, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	_, err = FitBGNBD(nil, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	sg, err := GroupSpend([]SpendObservation{{Frequency: 0}, {Frequency: 0}, {Frequency: 2, MeanSpend: 5}})
	require.NoError(t, err)
	fit, err := FitGammaGamma(sg, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	require.Equal(t, int64(2), fit.Excluded)
	require.False(t, errors.Is(err, ErrNoConvergence))
}

// groupsMachine checks Groups against a plain map model under any sequence
// of Add, AddGroup (valid and invalid) and Merge.
type groupsMachine struct {
	g     *Groups
	model map[[3]float64]int64
	pool  []Observation
}

func (m *groupsMachine) Add(t *rapid.T) {
	o := rapid.SampledFrom(m.pool).Draw(t, "obs")
	if rapid.Bool().Draw(t, "corrupt") {
		o.Recency = o.T + 1
		require.Error(t, m.g.Add(o))
		return
	}
	require.NoError(t, m.g.Add(o))
	m.model[[3]float64{o.Frequency, o.Recency, o.T}]++
}

func (m *groupsMachine) AddGroup(t *rapid.T) {
	o := rapid.SampledFrom(m.pool).Draw(t, "obs")
	n := rapid.Int64Range(-1, 5).Draw(t, "n")
	err := m.g.AddGroup(Group{Frequency: o.Frequency, Recency: o.Recency, T: o.T}, n)
	if n < 1 {
		require.ErrorIs(t, err, ErrInvalidInput)
		return
	}
	require.NoError(t, err)
	m.model[[3]float64{o.Frequency, o.Recency, o.T}] += n
}

func (m *groupsMachine) Merge(t *rapid.T) {
	obs := rapid.SliceOfN(rapid.SampledFrom(m.pool), 0, 10).Draw(t, "shard")
	other, err := GroupObservations(obs)
	require.NoError(t, err)
	require.NoError(t, m.g.Merge(other))
	for _, o := range obs {
		m.model[[3]float64{o.Frequency, o.Recency, o.T}]++
	}
}

func (m *groupsMachine) Check(t *rapid.T) {
	var total int64
	for _, c := range m.model {
		total += c
	}
	require.Equal(t, total, m.g.Customers())
	require.Equal(t, len(m.model), m.g.Len())
	gs := m.g.Slice()
	for i, gr := range gs {
		require.Equal(t, m.model[[3]float64{gr.Frequency, gr.Recency, gr.T}], gr.Count)
		if i > 0 {
			prev := gs[i-1]
			require.True(t, prev.Frequency < gr.Frequency ||
				prev.Frequency == gr.Frequency && (prev.Recency < gr.Recency || prev.Recency == gr.Recency && prev.T < gr.T))
		}
	}
}

func TestGroupsStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pool := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Observation { return genObservation(t, "") }), 1, 6).Draw(t, "pool")
		m := &groupsMachine{g: &Groups{}, model: map[[3]float64]int64{}, pool: pool}
		t.Repeat(rapid.StateMachineActions(m))
	})
}

// The likelihood loops allocate nothing.
func TestGroupSumsDoNotAllocate(t *testing.T) {
	p := prepare(groupsOf(t, cdnowExactWeeks(t).cal))
	pn := ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.6, Beta: 11.7}
	f := paretoObjective(p)
	require.True(t, finite(f([]float64{-0.6, 2.36, -0.5, 2.46}, nil))) // fills the log scratch
	bg := betaGeoObjective(p, 0)
	require.True(t, finite(bg([]float64{-1.4, 1.5, -0.2, 0.9}, nil)))
	tab := newParetoTableForTest(p, pn)
	allocs := testing.AllocsPerRun(5, func() {
		require.True(t, tab.fill(pn, true, false))
		pn.groupSum(p, tab, 0, len(p.gw), true)
		betaGeoGroupSum(p, 0, 0.24, 1.5, 0, len(p.gw), true)
	})
	require.Zero(t, allocs)
}

func newParetoTableForTest(p *prepared, m ParetoNBD) *paretoTable {
	tab := newParetoTable(p)
	tab.fill(m, true, false)
	return tab
}

// GroupsOf and SpendGroupsOf give the same groups as adding one customer
// at a time, and the result still takes Add and Merge.
func TestPropertyGroupsOfEqualsAdd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 200).Draw(t, "n")
		var obs []Observation
		var spend []SpendObservation
		var spendList []SpendGroup
		var list []Group
		for i := range n {
			x := float64(rapid.IntRange(0, 3).Draw(t, "x"))
			T := float64(rapid.IntRange(1, 4).Draw(t, "T"))
			tx := 0.0
			if x > 0 {
				tx = float64(rapid.IntRange(1, int(T)).Draw(t, "tx"))
			}
			c := int64(rapid.IntRange(1, 3).Draw(t, "count"))
			for range c {
				obs = append(obs, Observation{Frequency: x, Recency: tx, T: T})
			}
			list = append(list, Group{Frequency: x, Recency: tx, T: T, Count: c})
			m := float64(rapid.IntRange(-1, 3).Draw(t, "m"))
			for k := range c {
				spend = append(spend, SpendObservation{ID: fmt.Sprint(i, "-", k), Frequency: x, MeanSpend: m})
			}
			spendList = append(spendList, SpendGroup{Frequency: x, MeanSpend: m, Count: c})
		}
		want, err := GroupObservations(obs)
		require.NoError(t, err)
		got, err := GroupsOf(list)
		require.NoError(t, err)
		require.Equal(t, want.Slice(), got.Slice())
		require.Equal(t, want.Len(), got.Len())
		require.Equal(t, want.Customers(), got.Customers())
		extra := Observation{Frequency: 1, Recency: 1, T: 2}
		require.NoError(t, want.Add(extra))
		require.NoError(t, got.Add(extra))
		require.Equal(t, got.Slice(), got.inOrder())
		require.NoError(t, got.Merge(want))
		require.ErrorIs(t, want.Merge(want), ErrInvalidInput, "a shard merged with itself would count twice")
		twin, err := GroupsOf(want.Slice())
		require.NoError(t, err)
		require.NoError(t, want.Merge(twin))
		require.Equal(t, want.Slice(), got.Slice())
		require.Equal(t, got.Slice(), got.inOrder())

		ws, err := GroupSpend(spend)
		require.NoError(t, err)
		gs, err := SpendGroupsOf(spendList)
		require.NoError(t, err)
		require.Equal(t, ws.Slice(), gs.Slice())
		require.Equal(t, ws.Customers(), gs.Customers())
		require.Equal(t, ws.Excluded(), gs.Excluded())
		require.NoError(t, ws.Add(SpendObservation{Frequency: 1, MeanSpend: 2}))
		require.Equal(t, gs.Slice(), gs.inOrder())
		require.NoError(t, gs.Add(SpendObservation{Frequency: 1, MeanSpend: 2}))
		require.Equal(t, ws.Slice(), gs.Slice())
		require.Equal(t, gs.Slice(), gs.inOrder())
	})
}

func TestGroupsOfRejects(t *testing.T) {
	var ie *InputError
	bad := []Group{{Frequency: 2, Recency: 1, T: 2, Count: 1}, {Frequency: 1, Recency: 1, T: 2, Count: 1}, {Frequency: 1, Recency: 3, T: 2, Count: 1}}
	before := slices.Clone(bad)
	_, err := GroupsOf(bad)
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 2, ie.Index)
	require.Equal(t, before, bad, "a rejected list is left as it was")
	_, err = GroupsOf([]Group{{Frequency: 1, Recency: 1, T: 2, Count: 0}})
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "count", ie.Fields[0].Field)
	_, err = GroupsOf([]Group{{T: 1, Count: math.MaxInt64}, {T: 2, Count: 1}})
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 1, ie.Index)
	badSpend := []SpendGroup{{Frequency: 2, MeanSpend: 2, Count: 1}, {Frequency: 0, MeanSpend: 2, Count: 1}, {Frequency: -1, MeanSpend: 2, Count: 1}}
	beforeSpend := slices.Clone(badSpend)
	_, err = SpendGroupsOf(badSpend)
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 2, ie.Index)
	require.Equal(t, beforeSpend, badSpend, "a rejected list is left as it was")
	_, err = SpendGroupsOf([]SpendGroup{{Frequency: 1, MeanSpend: 2, Count: 0}})
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "count", ie.Fields[0].Field)
	g, err := GroupsOf(nil)
	require.NoError(t, err)
	require.Zero(t, g.Len())
}
