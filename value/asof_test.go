package value_test

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// observedAt returns the indicators of customer id, who bought once ten
// days before at, observed at instant at.
func observedAt(t *testing.T, id string, at time.Time) value.Indicators {
	t.Helper()
	sum := customer.NewSummary(customer.ID(id), customer.Consumer, at, nil)
	require.NoError(t, sum.AddOrder(customer.Order{ID: id + "-1", CustomerID: sum.CustomerID, Time: at.AddDate(0, 0, -10),
		Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.New(int64(2000+len(id)), -2)}}}))
	var x value.Indicators
	require.NoError(t, value.Extract(sum, nil, &x))
	return x
}

var (
	dayA = time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)
	dayB = time.Date(2025, 12, 31, 18, 0, 0, 0, time.UTC)
)

// Extract records the day of the summary's AsOf; indicators set by hand
// have none.
func TestExtractRecordsTheAsOfDay(t *testing.T) {
	x := observedAt(t, "a", dayA)
	d, ok := x.AsOf()
	assert.True(t, ok)
	assert.Equal(t, customer.DateOf(dayA), d)
	var y value.Indicators
	_, ok = y.AsOf()
	assert.False(t, ok)
	y.SetAsOf(customer.DateOf(dayB))
	d, ok = y.AsOf()
	assert.True(t, ok)
	assert.Equal(t, customer.DateOf(dayB), d)
}

// asOfStats are the statistics that record the as-of day of what they
// hold: value.Stats and value.RFMStats.
type asOfStats interface {
	Add(*value.Indicators) error
	AsOf() (customer.Date, bool)
	MarshalBinary() ([]byte, error)
	UnmarshalBinary([]byte) error
}

func newAsOfStats(t *testing.T, rfm bool) asOfStats {
	t.Helper()
	if rfm {
		s, err := value.NewRFMStats(customer.Consumer, nil)
		require.NoError(t, err)
		return s
	}
	s, err := value.NewStats(value.DefaultModel(customer.Consumer))
	require.NoError(t, err)
	return s
}

func mergeAsOf(a, b asOfStats) (check, merge error) {
	switch a := a.(type) {
	case *value.Stats:
		return a.CheckMerge(b.(*value.Stats)), a.Merge(b.(*value.Stats))
	case *value.RFMStats:
		return a.CheckMerge(b.(*value.RFMStats)), a.Merge(b.(*value.RFMStats))
	}
	panic("not statistics")
}

// requireAsOfMismatch checks that err is a typed as-of mismatch of days a
// and b that names both.
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

// Statistics hold the customers observed at one as-of day: a customer
// observed at another day (Add) or a shard of another day (Merge) is
// refused with a *value.AsOfMismatchError naming both days, and changes
// nothing; another instant of the same day, indicators without an as-of
// day and empty shards are taken. The day travels with the encoding.
func TestStatsRefuseAnotherAsOfDay(t *testing.T) {
	for _, rfm := range []bool{false, true} {
		t.Run(map[bool]string{false: "value", true: "rfm"}[rfm], func(t *testing.T) {
			st := newAsOfStats(t, rfm)
			_, ok := st.AsOf()
			require.False(t, ok, "empty statistics know no day")
			a := observedAt(t, "a", dayA)
			require.NoError(t, st.Add(&a))
			d, ok := st.AsOf()
			require.True(t, ok)
			require.Equal(t, customer.DateOf(dayA), d)
			later := observedAt(t, "later", dayA.Add(5*time.Hour))
			require.NoError(t, st.Add(&later), "the same day, another hour")
			var byHand value.Indicators
			byHand.ID, byHand.Kind, byHand.Currency = "h", customer.Consumer, "EUR"
			byHand.Set(value.Recency, 3)
			byHand.Set(value.PurchaseDays, 1)
			byHand.Set(value.Revenue, 30)
			require.NoError(t, st.Add(&byHand), "no as-of day: taken")
			before := encode(t, st)

			b := observedAt(t, "b", dayB)
			err := st.Add(&b)
			requireAsOfMismatch(t, err, dayA, dayB)
			assert.ErrorContains(t, err, `"b"`)
			require.Equal(t, before, encode(t, st), "a refused customer changes nothing")

			other := newAsOfStats(t, rfm)
			require.NoError(t, other.Add(&b))
			check, merge := mergeAsOf(st, other)
			requireAsOfMismatch(t, check, dayA, dayB)
			requireAsOfMismatch(t, merge, dayA, dayB)
			require.Equal(t, before, encode(t, st), "a refused merge changes nothing")

			// Through the encoding.
			dec := newAsOfStats(t, rfm)
			require.NoError(t, dec.UnmarshalBinary(encode(t, other)))
			d, ok = dec.AsOf()
			require.True(t, ok)
			require.Equal(t, customer.DateOf(dayB), d)
			_, merge = mergeAsOf(st, dec)
			requireAsOfMismatch(t, merge, dayA, dayB)
			require.Equal(t, before, encode(t, st))

			// An empty shard merges either way and takes the day.
			empty := newAsOfStats(t, rfm)
			_, merge = mergeAsOf(st, empty)
			require.NoError(t, merge)
			_, merge = mergeAsOf(empty, other)
			require.NoError(t, merge)
			d, ok = empty.AsOf()
			require.True(t, ok)
			require.Equal(t, customer.DateOf(dayB), d)
			err = empty.Add(&a)
			requireAsOfMismatch(t, err, dayB, dayA)
		})
	}
}

// Encodings of the versions before the as-of day (value statistics 1,
// RFM statistics 2 and 3) still decode, into statistics of an unknown
// day that merge with those of any day and then take its day.
func TestEncodingsWithoutAsOfDayStillDecode(t *testing.T) {
	for _, rfm := range []bool{false, true} {
		t.Run(map[bool]string{false: "value", true: "rfm"}[rfm], func(t *testing.T) {
			st := newAsOfStats(t, rfm)
			a := observedAt(t, "a", dayA)
			require.NoError(t, st.Add(&a))
			enc := encode(t, st)
			// The day is the last field: a flag byte and the day as a
			// signed varint.
			day := binary.AppendVarint(nil, int64(customer.DateOf(dayA)))
			tail := append([]byte{1}, day...)
			require.Equal(t, tail, enc[len(enc)-len(tail):])
			old := append([]byte(nil), enc[:len(enc)-len(tail)]...)
			versions := []byte{1}
			if rfm {
				versions = []byte{3}
			}
			for _, v := range versions {
				old[3] = v
				dec := newAsOfStats(t, rfm)
				require.NoError(t, dec.UnmarshalBinary(old), "version %d", v)
				_, ok := dec.AsOf()
				require.False(t, ok, "version %d knows no day", v)
				// Re-encoded: the current version, with no day.
				want := append(append([]byte(nil), enc[:len(enc)-len(tail)]...), 0)
				require.Equal(t, want, encode(t, dec))
				b := observedAt(t, "b", dayB)
				require.NoError(t, dec.Add(&b), "an unknown day takes any")
				d, ok := dec.AsOf()
				require.True(t, ok)
				require.Equal(t, customer.DateOf(dayB), d)
			}
			// A flag other than 0 or 1, or a day missing, is corrupt.
			for _, bad := range [][]byte{
				append(append([]byte(nil), enc[:len(enc)-len(tail)]...), 2),
				append(append([]byte(nil), enc[:len(enc)-len(tail)]...), 1),
			} {
				dec := newAsOfStats(t, rfm)
				before := encode(t, dec)
				require.ErrorIs(t, dec.UnmarshalBinary(bad), value.ErrInvalidInput)
				require.Equal(t, before, encode(t, dec))
			}
		})
	}
}

// A scorer records the as-of day of the customers it was fitted on
// (Scorer.AsOf, RFMScorer.AsOf), and scores customers of a later day
// against the ranges of that day, as a shop scores today's customer with
// last night's fit: the score of a customer of another day is the score
// of the same indicators without a day.
func TestScorersScoreALaterDayWithTheFitsRanges(t *testing.T) {
	a1, a2 := observedAt(t, "a1", dayA), observedAt(t, "a2", dayA)
	b := observedAt(t, "b", dayB)
	var byHand value.Indicators
	byHand.ID, byHand.Kind, byHand.Currency = b.ID, b.Kind, b.Currency
	for i := value.Indicator(1); int(i) < value.NumIndicators; i++ {
		if v, ok := b.Get(i); ok {
			byHand.Set(i, v)
		}
	}
	_, known := byHand.AsOf()
	require.False(t, known)

	sc, err := value.Fit(value.DefaultModel(customer.Consumer), []value.Indicators{a1, a2})
	require.NoError(t, err)
	d, ok := sc.AsOf()
	require.True(t, ok)
	require.Equal(t, customer.DateOf(dayA), d)
	got, err := sc.Score(&b)
	require.NoError(t, err)
	want, err := sc.Score(&byHand)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	rs, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, rs.Add(&a1))
	require.NoError(t, rs.Add(&a2))
	rsc := rs.Scorer()
	d, ok = rsc.AsOf()
	require.True(t, ok)
	require.Equal(t, customer.DateOf(dayA), d)
	gotRFM, err := rsc.Score(&b)
	require.NoError(t, err)
	wantRFM, err := rsc.Score(&byHand)
	require.NoError(t, err)
	assert.Equal(t, wantRFM, gotRFM)

	// A fit on indicators without a day knows none and scores any day.
	var h1, h2 value.Indicators
	for i, h := range []*value.Indicators{&h1, &h2} {
		h.ID, h.Kind, h.Currency = customer.ID(fmt.Sprint("h", i)), customer.Consumer, "EUR"
		h.Set(value.Recency, float64(3+i))
		h.Set(value.PurchaseDays, 1)
		h.Set(value.Revenue, float64(30+i))
	}
	sc, err = value.Fit(value.DefaultModel(customer.Consumer), []value.Indicators{h1, h2})
	require.NoError(t, err)
	_, ok = sc.AsOf()
	require.False(t, ok)
	_, err = sc.Score(&b)
	require.NoError(t, err)
}

// A scorer fitted on customers of one currency scores customers of that
// currency only: the money indicators of a customer in another currency
// are not comparable with the fitted ranges. The customer is refused with
// an *value.InputError naming it and wrapping a
// *customer.CurrencyMismatchError; a customer without a currency (no
// order) is scored.
func TestScorersRefuseAnotherCurrency(t *testing.T) {
	in := func(id string, cur customer.Currency, cents int64) value.Indicators {
		sum := customer.NewSummary(customer.ID(id), customer.Consumer, dayA, nil)
		require.NoError(t, sum.AddOrder(customer.Order{ID: id + "-1", CustomerID: sum.CustomerID, Time: dayA.AddDate(0, 0, -10),
			Channel: customer.Store, Currency: cur,
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.New(cents, -2)}}}))
		var x value.Indicators
		require.NoError(t, value.Extract(sum, nil, &x))
		return x
	}
	a, b := in("a", "EUR", 2000), in("b", "EUR", 9000)
	jpy := in("y", "JPY", 500000)
	var none value.Indicators
	require.NoError(t, value.Extract(customer.NewSummary("n", customer.Consumer, dayA, nil), nil, &none))

	sc, err := value.Fit(value.DefaultModel(customer.Consumer), []value.Indicators{a, b})
	require.NoError(t, err)
	_, err = sc.Score(&none)
	require.NoError(t, err, "no currency: scored")
	_, err = sc.Score(&jpy)
	var mismatch *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &mismatch)
	assert.Equal(t, customer.CurrencyMismatchError{A: "EUR", B: "JPY"}, *mismatch)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.ErrorContains(t, err, `"y"`)

	rs, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, rs.Add(&a))
	require.NoError(t, rs.Add(&b))
	rsc := rs.Scorer()
	_, err = rsc.Score(&none)
	require.NoError(t, err)
	_, err = rsc.Score(&jpy)
	require.ErrorAs(t, err, &mismatch)
	assert.Equal(t, customer.CurrencyMismatchError{A: "EUR", B: "JPY"}, *mismatch)
	assert.ErrorContains(t, err, `"y"`)
}
