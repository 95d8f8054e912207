package segment_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"pgregory.net/rapid"
)

const oneDay = 24 * time.Hour

// buysOn returns one purchase on each of the days given (days ago).
func buysOn(daysAgo ...int) []buy {
	out := make([]buy, len(daysAgo))
	for i, d := range daysAgo {
		out[i] = buy{DaysAgo: d, Qty: 1, Cents: 5000}
	}
	return out
}

// stageOf classifies one consumer alone: the lifecycle stage depends on
// the customer's own history and the options only.
func stageOf(t tb, buys []buy, opts *segment.Options) (segment.Stage, segment.Observation) {
	t.Helper()
	m, obs, err := segment.FitInputs([]segment.Input{input(t, spec{ID: "x", Kind: customer.Consumer, Buys: buys}, 1)}, opts)
	require.NoError(t, err)
	var r segment.Result
	require.NoError(t, m.Classify(&r, &obs[0]))
	return r.Stage, obs[0]
}

func TestLifecycleRhythmOfOccasions(t *testing.T) {
	every := func(step, n, last int) []buy {
		var d []int
		for i := range n {
			d = append(d, last+step*i)
		}
		return buysOn(d...)
	}
	perDay := &segment.Options{Lifecycle: segment.LifecycleOptions{OccasionWindow: oneDay}}
	for _, tc := range []struct {
		name      string
		buys      []buy
		opts      *segment.Options
		want      segment.Stage
		rhythm    float64
		occasions int
	}{
		// Purchase-day gaps 1, 364, 1, 364, 1: a median of 1 day would
		// make this yearly buyer dormant after the 180-day floor.
		{"two days running once a year, silent 200 days", buysOn(200, 201, 565, 566, 930, 931), nil, segment.StageActive, 365, 3},
		{"the same, silent 800 days", buysOn(800, 801, 1165, 1166, 1530, 1531), nil, segment.StageDormant, 365, 3},
		{"the same, every purchase day an occasion", buysOn(200, 201, 565, 566, 930, 931), perDay, segment.StageDormant, 1, 6},
		// Days apart by at least the window are each an occasion: the
		// rhythm is the median gap between purchase days, as before.
		{"weekly buyer keeps a weekly rhythm", every(7, 10, 200), nil, segment.StageDormant, 7, 10},
		{"monthly buyer", every(30, 6, 20), nil, segment.StageActive, 30, 6},
		// Anchored at its first day, an occasion does not chain a
		// frequent buyer's days into one: every 3 days gives occasions
		// 9 days apart (days 0, 3, 6 | 9, 12, 15 | …).
		{"buys every 3 days, silent 200 days", every(3, 12, 200), nil, segment.StageDormant, 9, 4},
		// Purchase days all within one occasion: the rhythm of a single
		// purchase day, DefaultGap 120 → dormant after 240 days.
		{"one occasion of two days, 200 days ago", buysOn(200, 203), nil, segment.StageActive, 0, 1},
		{"one occasion of two days, 300 days ago", buysOn(300, 303), nil, segment.StageDormant, 0, 1},
		// Not an invariant: a new occasion in the middle of a long gap
		// is a faster rhythm, and can make a customer overdue.
		{"yearly buyer, silent 400 days", buysOn(400, 765, 1130), nil, segment.StageActive, 365, 3},
		{"yearly buyer with a mid-season occasion", buysOn(400, 582, 765, 1130), nil, segment.StageDormant, 183, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, o := stageOf(t, tc.buys, tc.opts)
			assert.Equal(t, tc.want, st)
			assert.Equal(t, tc.rhythm, o.MedianGap)
			assert.Equal(t, tc.occasions-1, o.Gaps)
		})
	}
}

// dayOffsets returns the purchase days of buys as day numbers, ascending,
// without repeats (day 0 is the day of asOf; earlier days are negative).
func dayOffsets(buys []buy) []int {
	var d []int
	for _, b := range buys {
		d = append(d, -b.DaysAgo)
	}
	slices.Sort(d)
	return slices.Compact(d)
}

// occasionStarts returns the first days of the occasions of days
// (ascending), grouped with a window of w days.
func occasionStarts(days []int, w int) []int {
	var starts []int
	for _, d := range days {
		if len(starts) == 0 || d-starts[len(starts)-1] >= w {
			starts = append(starts, d)
		}
	}
	return starts
}

func genBuys(t *rapid.T) []buy {
	var days []int
	for range rapid.IntRange(1, 6).Draw(t, "occasions") {
		d := rapid.IntRange(0, 1500).Draw(t, "daysAgo")
		for range rapid.IntRange(1, 3).Draw(t, "days") {
			days = append(days, d)
			d = max(d-rapid.IntRange(1, 9).Draw(t, "step"), 0)
		}
	}
	return buysOn(days...)
}

// A purchase on a day of an occasion the customer already had — less
// than the occasion window after its first day — is the same shopping
// occasion: it never changes the rhythm, and so never moves the customer
// towards dormant or lost (the new day can only make the last purchase
// more recent). Counted by purchase days instead, such days shorten the
// median gap, and a yearly buyer of two days running reads dormant.
func TestPropertySameOccasionNeverMovesTowardsDormant(t *testing.T) {
	rank := map[segment.Stage]int{segment.StageNew: 0, segment.StageActive: 0, segment.StageDormant: 1, segment.StageLost: 2}
	rapid.Check(t, func(t *rapid.T) {
		buys := genBuys(t)
		before, o1 := stageOf(t, buys, nil)
		starts := occasionStarts(dayOffsets(buys), 7)
		more := slices.Clone(buys)
		for range rapid.IntRange(1, 4).Draw(t, "added") {
			d := rapid.SampledFrom(starts).Draw(t, "occasion") + rapid.IntRange(0, 6).Draw(t, "offset")
			if d <= 0 {
				more = append(more, buy{DaysAgo: -d, Qty: 1, Cents: 2500})
			}
		}
		after, o2 := stageOf(t, more, nil)
		require.Equal(t, o1.MedianGap, o2.MedianGap, "rhythm")
		require.Equal(t, o1.Gaps, o2.Gaps, "gaps")
		require.LessOrEqual(t, rank[after], rank[before], "%v → %v", before, after)
		if rank[before] == 0 {
			require.Equal(t, before, after)
		}
	})
}

// Grouping purchase days into occasions only ever lengthens the rhythm —
// an occasion gap is a run of purchase-day gaps adding up to at least the
// window, and one customer's single occasion takes DefaultGap, longer
// than the window — so with the default options no customer reads more
// overdue than when every purchase day counts as an occasion.
func TestPropertyOccasionsNeverReadMoreOverdue(t *testing.T) {
	rank := map[segment.Stage]int{segment.StageNew: 0, segment.StageActive: 0, segment.StageDormant: 1, segment.StageLost: 2}
	perDay := &segment.Options{Lifecycle: segment.LifecycleOptions{OccasionWindow: oneDay}}
	rapid.Check(t, func(t *rapid.T) {
		buys := genBuys(t)
		byOccasion, o := stageOf(t, buys, nil)
		byDay, d := stageOf(t, buys, perDay)
		if o.Gaps > 0 {
			require.GreaterOrEqual(t, o.MedianGap, d.MedianGap)
		}
		require.LessOrEqual(t, rank[byOccasion], rank[byDay], "%v by occasion, %v by purchase day", byOccasion, byDay)
	})
}

// Customers whose purchase days are at least the occasion window apart
// keep the rhythm they had when it was taken between purchase days; with
// a window of one day every customer does.
func TestPropertyOccasionsAsFarApartAsPurchaseDays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSpec(t, "c")
		sum := summarize(t, s, 1)
		g := sum.GapStats()
		var o segment.Observation
		require.NoError(t, segment.ObserveWith(segment.Input{Summary: sum}, &o,
			&segment.Options{Lifecycle: segment.LifecycleOptions{OccasionWindow: oneDay}}))
		require.Equal(t, g.N, o.Gaps)
		require.Equal(t, g.Median, o.MedianGap)
		require.NoError(t, segment.Observe(segment.Input{Summary: sum}, &o))
		if g.N == 0 || slices.Min(sum.Gaps()) >= 7 {
			require.Equal(t, g.N, o.Gaps)
			require.Equal(t, g.Median, o.MedianGap)
		} else {
			require.Less(t, o.Gaps, g.N, "close days merged")
		}
	})
}

func TestOccasionWindowOptions(t *testing.T) {
	in := input(t, spec{ID: "x", Kind: customer.Consumer, Buys: buysOn(10, 12, 400)}, 1)
	fortnight := &segment.Options{Lifecycle: segment.LifecycleOptions{OccasionWindow: 14 * oneDay}}

	// Observed with the default window, classified with another one: a
	// pipeline that forgot ObserveWith, refused at once.
	var o segment.Observation
	require.NoError(t, segment.Observe(in, &o))
	st, err := segment.NewStats(fortnight)
	require.NoError(t, err)
	err = st.Add(&o)
	require.ErrorIs(t, err, segment.ErrInvalidOptions)
	assert.ErrorContains(t, err, `"x"`)
	assert.ErrorContains(t, err, "OccasionWindow")
	m, obs, err := segment.FitInputs([]segment.Input{in}, nil)
	require.NoError(t, err)
	var r segment.Result
	require.NoError(t, m.Classify(&r, &obs[0]))
	mf, _, err := segment.FitInputs([]segment.Input{in}, fortnight)
	require.NoError(t, err)
	require.ErrorIs(t, mf.Classify(&r, &obs[0]), segment.ErrInvalidOptions)

	// Taken with the same options, it passes; a hand-made observation
	// (window 0) stands for the default window.
	require.NoError(t, segment.ObserveWith(in, &o, fortnight))
	assert.Equal(t, 14.0, o.OccasionWindow)
	require.NoError(t, st.Add(&o))
	require.NoError(t, mf.Classify(&r, &o))
	obs[0].OccasionWindow = 0
	require.NoError(t, m.Classify(&r, &obs[0]))

	for _, w := range []time.Duration{-oneDay, -1} {
		bad := &segment.Options{Lifecycle: segment.LifecycleOptions{OccasionWindow: w}}
		require.ErrorIs(t, segment.ObserveWith(in, &o, bad), segment.ErrInvalidOptions, "%v", w)
		_, err := segment.NewStats(bad)
		require.ErrorIs(t, err, segment.ErrInvalidOptions, "%v", w)
	}
}

// A customer is dormant when the days since the last purchase exceed the
// dormancy threshold, not when they reach it (the lifecycle rule of
// LifecycleOptions: r > dormant after → dormant; domain rules §3.3). With
// the threshold fixed at 200 days (floor = ceiling), a customer who last
// bought 200 days ago is active and one who last bought 201 days ago is
// dormant.
func TestDormantAfterTheThresholdNotAtIt(t *testing.T) {
	fixed := &segment.Options{Lifecycle: segment.LifecycleOptions{DormantFloor: 200 * 24 * time.Hour, DormantCeiling: 200 * 24 * time.Hour}}
	_, res := classify(t, inputs(t, []spec{
		{ID: "at", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 200, Qty: 1, Cents: 5000}, {DaysAgo: 260, Qty: 1, Cents: 5000}}},
		{ID: "past", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 201, Qty: 1, Cents: 5000}, {DaysAgo: 260, Qty: 1, Cents: 5000}}},
	}, 1), fixed)
	assert.Equal(t, segment.StageActive, res["at"].Stage)
	assert.Equal(t, segment.StageDormant, res["past"].Stage)
}
