package segment_test

import (
	"encoding/binary"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// observedAt returns the observation of customer id of kind k, who
// bought once for amount ten days before at, observed at instant at.
func observedAt(t *testing.T, id string, k customer.Kind, amount int64, at time.Time) segment.Observation {
	t.Helper()
	s := customer.NewSummary(customer.ID(id), k, at, nil)
	require.NoError(t, s.AddOrder(customer.Order{ID: id + "-1", CustomerID: customer.ID(id), Time: at.AddDate(0, 0, -10),
		Channel: customer.Store, Currency: "EUR", Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(amount)}}}))
	var o segment.Observation
	require.NoError(t, segment.Observe(segment.Input{Summary: s}, &o))
	return o
}

// requireAsOfMismatch checks that err is a typed mismatch of the days of
// a and b that names both.
func requireAsOfMismatch(t *testing.T, err error, a, b time.Time) {
	t.Helper()
	var mismatch *value.AsOfMismatchError
	require.ErrorAs(t, err, &mismatch)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Equal(t, customer.DateOf(a), mismatch.A)
	assert.Equal(t, customer.DateOf(b), mismatch.B)
	assert.ErrorContains(t, err, customer.DateOf(a).String())
	assert.ErrorContains(t, err, customer.DateOf(b).String())
}

// A segmentation is of a population observed at one day: the first pass
// refuses a customer (of either kind) or a shard observed at another
// day, with a typed error naming both days, and changes nothing; so does
// the second pass for a customer of another day than the first pass's.
// The day travels with the encoding.
func TestStatsRefuseAnotherAsOfDay(t *testing.T) {
	dayA := time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)
	dayB := time.Date(2025, 12, 31, 18, 0, 0, 0, time.UTC)
	opts := &segment.Options{Grades: &segment.GradeOptions{}}
	st, err := segment.NewStats(opts)
	require.NoError(t, err)
	_, ok := st.AsOf()
	require.False(t, ok)
	a := observedAt(t, "a", customer.Consumer, 100, dayA)
	require.NoError(t, st.Add(&a))
	a2 := observedAt(t, "a2", customer.Consumer, 300, dayA.Add(-12*time.Hour))
	require.NoError(t, st.Add(&a2), "the same day, earlier")
	d, ok := st.AsOf()
	require.True(t, ok)
	require.Equal(t, customer.DateOf(dayA), d)
	before := encodeStats(t, st)

	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		b := observedAt(t, "b", k, 200, dayB)
		err := st.Add(&b)
		requireAsOfMismatch(t, err, dayA, dayB)
		assert.ErrorContains(t, err, `"b"`)
		require.Equal(t, before, encodeStats(t, st), "%v: a refused customer changes nothing", k)

		other, err := segment.NewStats(opts)
		require.NoError(t, err)
		require.NoError(t, other.Add(&b))
		requireAsOfMismatch(t, st.Merge(other), dayA, dayB)
		require.Equal(t, before, encodeStats(t, st), "%v: a refused merge changes nothing", k)
		requireAsOfMismatch(t, other.Merge(st), dayB, dayA)

		// Shipped as its encoding, the shard keeps its day.
		dec, err := segment.NewStats(opts)
		require.NoError(t, err)
		require.NoError(t, dec.UnmarshalBinary(encodeStats(t, other)))
		d, ok := dec.AsOf()
		require.True(t, ok)
		require.Equal(t, customer.DateOf(dayB), d)
		requireAsOfMismatch(t, st.Merge(dec), dayA, dayB)
		require.Equal(t, before, encodeStats(t, st))
	}

	// An empty shard merges and takes the day.
	empty, err := segment.NewStats(opts)
	require.NoError(t, err)
	require.NoError(t, st.Merge(empty))
	require.NoError(t, empty.Merge(st))
	d, ok = empty.AsOf()
	require.True(t, ok)
	require.Equal(t, customer.DateOf(dayA), d)

	// The second pass.
	sc, err := st.Scoring()
	require.NoError(t, err)
	d, ok = sc.AsOf()
	require.True(t, ok)
	require.Equal(t, customer.DateOf(dayA), d)
	ts := sc.NewThresholdStats()
	require.NoError(t, ts.Add(&a))
	b := observedAt(t, "b", customer.Consumer, 200, dayB)
	requireAsOfMismatch(t, ts.Add(&b), dayA, dayB)
	m, err := ts.Model()
	require.NoError(t, err)
	assert.Equal(t, int64(1), m.Thresholds(customer.Consumer).N, "the refused customer is not counted")
	assert.Equal(t, int64(1), m.GradeThresholds(customer.Consumer).N, "nor ranked")
}

// Statistics whose kinds hold customers of two days are corrupt: their
// encoding is refused.
func TestDecodeRefusesTwoAsOfDays(t *testing.T) {
	dayA := time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)
	dayB := time.Date(2025, 12, 31, 18, 0, 0, 0, time.UTC)
	// Encode the consumers of one day and the intermediaries of another,
	// each alone, and splice the intermediaries' part into the other.
	one := func(k customer.Kind, at time.Time) []byte {
		st, err := segment.NewStats(nil)
		require.NoError(t, err)
		o := observedAt(t, "x", k, 100, at)
		require.NoError(t, st.Add(&o))
		return encodeStats(t, st)
	}
	// The encoding is a header and four parts, each its length and its
	// bytes: the value and RFM statistics of consumers, then of
	// intermediaries.
	parts := func(b []byte) [][]byte {
		var out [][]byte
		for b = b[4:]; len(b) > 0; {
			n, k := binary.Uvarint(b)
			require.Positive(t, k)
			out = append(out, b[:k+int(n)])
			b = b[k+int(n):]
		}
		require.Len(t, out, 4)
		return out
	}
	cons, inter := one(customer.Consumer, dayA), one(customer.Intermediary, dayB)
	c, i := parts(cons), parts(inter)
	mixed := slices.Concat(cons[:4], c[0], c[1], i[2], i[3])
	dst, err := segment.NewStats(nil)
	require.NoError(t, err)
	before := encodeStats(t, dst)
	err = dst.UnmarshalBinary(mixed)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.ErrorContains(t, err, "two as-of days")
	require.Equal(t, before, encodeStats(t, dst))
}

// Statistics merged with themselves (a loop that merges every shard into
// the first, the first included) would count every customer twice: both
// passes refuse it and change nothing.
func TestStatsRefuseToMergeThemselves(t *testing.T) {
	day := time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)
	st, err := segment.NewStats(&segment.Options{})
	require.NoError(t, err)
	a := observedAt(t, "a", customer.Consumer, 100, day)
	require.NoError(t, st.Add(&a))
	require.ErrorIs(t, st.Merge(st), value.ErrInvalidInput)
	sc, err := st.Scoring()
	require.NoError(t, err)
	ts := sc.NewThresholdStats()
	require.NoError(t, ts.Add(&a))
	require.ErrorIs(t, ts.Merge(ts), segment.ErrInvalidOptions)
	m, err := ts.Model()
	require.NoError(t, err)
	assert.Equal(t, int64(1), m.Thresholds(customer.Consumer).N)
}

// A model fitted on the population of one as-of day classifies a
// customer of a later day against that population, as a shop classifies
// today's customer with last night's fit; Result.AsOf carries the day
// the customer was observed at.
func TestClassifyALaterDayWithTheFit(t *testing.T) {
	dayA := time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)
	dayB := time.Date(2025, 12, 31, 18, 0, 0, 0, time.UTC)
	pop := []segment.Observation{
		observedAt(t, "a", customer.Consumer, 100, dayA),
		observedAt(t, "b", customer.Consumer, 300, dayA),
		observedAt(t, "w", customer.Intermediary, 9000, dayA),
	}
	m, err := segment.Fit(pop, nil)
	require.NoError(t, err)
	var r segment.Result
	require.NoError(t, m.Classify(&r, &pop[0]))
	assert.Equal(t, customer.DateOf(dayA), r.AsOf)
	assert.True(t, r.AsOfKnown)
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		late := observedAt(t, "late", k, 200, dayB)
		require.NoError(t, m.Classify(&r, &late))
		assert.Equal(t, customer.DateOf(dayB), r.AsOf)
		assert.True(t, r.AsOfKnown)
		assert.Equal(t, k, r.Kind)
	}
}

// resultsAt classifies the customers, each bought once for the amount
// given ten days before at, with a model fitted on them.
func resultsAt(t *testing.T, at time.Time, amounts map[string]int64) []segment.Result {
	t.Helper()
	var obs []segment.Observation
	for _, id := range slices.Sorted(maps.Keys(amounts)) {
		obs = append(obs, observedAt(t, id, customer.Consumer, amounts[id], at))
	}
	m, err := segment.Fit(obs, nil)
	require.NoError(t, err)
	rs := make([]segment.Result, len(obs))
	for i := range obs {
		require.NoError(t, m.Classify(&rs[i], &obs[i]))
	}
	return rs
}

// requirePeriodMismatch checks that err is a refusal of Migrate for the
// days of a and b that names both.
func requirePeriodMismatch(t *testing.T, err error, a, b time.Time) {
	t.Helper()
	var mismatch *value.AsOfMismatchError
	require.ErrorAs(t, err, &mismatch)
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.Equal(t, customer.DateOf(a), mismatch.A)
	assert.Equal(t, customer.DateOf(b), mismatch.B)
	assert.ErrorContains(t, err, customer.DateOf(a).String())
	assert.ErrorContains(t, err, customer.DateOf(b).String())
}

// Migrate compares an earlier period with a later one: the results of
// each period are of one as-of day, and those of the first period of an
// earlier day than those of the second. Periods in the wrong order, of
// the same day, or a period mixing two days are refused with an error
// wrapping segment.ErrInvalidResult and a *value.AsOfMismatchError that
// names a customer of each day and both days. Results without a day
// (stored before results carried one) are taken as they are.
func TestMigrateRefusesUnorderedPeriods(t *testing.T) {
	dayA := time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)
	dayB := time.Date(2025, 12, 31, 18, 0, 0, 0, time.UTC)
	then := resultsAt(t, dayA, map[string]int64{"a": 100, "b": 300})
	now := resultsAt(t, dayB, map[string]int64{"a": 500, "b": 300, "c": 50})

	m, err := segment.Migrate(then, now)
	require.NoError(t, err)
	assert.Equal(t, 3, m.Contribution[segment.HighValue].Customers+m.Contribution[segment.PotentialValue].Customers+
		m.Contribution[segment.SecondaryValue].Customers+m.Contribution[segment.LowValue].Customers)

	_, err = segment.Migrate(now, then)
	requirePeriodMismatch(t, err, dayB, dayA)
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.ErrorContains(t, err, `"a"`)

	_, err = segment.Migrate(then, then)
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	var mismatch *value.AsOfMismatchError
	require.ErrorAs(t, err, &mismatch)
	assert.Equal(t, value.AsOfMismatchError{A: customer.DateOf(dayA), B: customer.DateOf(dayA)}, *mismatch)
	assert.Equal(t, `segment: both periods are as of 2025-06-30 (customers "a" and "a"): the first must be of an earlier day: segment: invalid result`, err.Error(),
		"the same day twice is not said to differ")

	mixed := append(slices.Clone(then[:1]), now[2])
	_, err = segment.Migrate(mixed, now)
	requirePeriodMismatch(t, err, dayA, dayB)
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.ErrorContains(t, err, `first period`)
	assert.ErrorContains(t, err, `"a"`)
	assert.ErrorContains(t, err, `"c"`)
	old := then[1]
	old.ID = "d"
	_, err = segment.Migrate(then[:1], append(slices.Clone(now), old))
	requirePeriodMismatch(t, err, dayB, dayA)
	assert.ErrorContains(t, err, `second period`)
	assert.ErrorContains(t, err, `"d"`)

	// Results without a day are taken.
	undated := slices.Clone(then)
	for i := range undated {
		undated[i].AsOf, undated[i].AsOfKnown = 0, false
	}
	_, err = segment.Migrate(undated, undated)
	require.NoError(t, err)
	_, err = segment.Migrate(undated, now)
	require.NoError(t, err)
}
