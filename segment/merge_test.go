package segment_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// Shards gathered with other lifecycle or shop-type options do not
// merge: the occasion window decides which observations a shard took,
// and the merged statistics would classify by the options of whichever
// shard the others were merged into, so that the order of the merges
// would change the result. The refusal wraps ErrInvalidOptions and
// changes nothing.
func TestMergeRefusesOtherLifecycleAndShopTypeOptions(t *testing.T) {
	shard := func(opts *segment.Options, ins ...segment.Input) *segment.Stats {
		s, err := segment.NewStats(opts)
		require.NoError(t, err)
		var o segment.Observation
		for _, in := range ins {
			require.NoError(t, segment.ObserveWith(in, &o, opts))
			require.NoError(t, s.Add(&o))
		}
		return s
	}
	a := shard(nil, buyer(t, "c1", customer.Consumer, "EUR", 100))
	before := encodeStats(t, a)
	for _, opts := range []*segment.Options{
		{Lifecycle: segment.LifecycleOptions{OccasionWindow: 3 * 24 * time.Hour}},
		{Lifecycle: segment.LifecycleOptions{NewWindow: 10 * 24 * time.Hour}},
		{ShopTypes: segment.ShopTypeOptions{LoyalMinF: 5}},
	} {
		b := shard(opts, buyer(t, "c2", customer.Consumer, "EUR", 200))
		err := a.Merge(b)
		require.ErrorIs(t, err, segment.ErrInvalidOptions, "%+v", opts)
		require.Equal(t, before, encodeStats(t, a), "the refused merge changed the statistics")
		require.ErrorIs(t, b.Merge(a), segment.ErrInvalidOptions)
	}
	// The same options, given or defaulted, merge.
	same := shard(&segment.Options{}, buyer(t, "c3", customer.Consumer, "EUR", 300))
	require.NoError(t, a.Merge(same))
}

// FuzzStatsUnmarshalBinary decodes any data: no panic, a refusal wraps
// value.ErrInvalidInput and changes nothing, and what decodes encodes
// into a form that decodes to the same statistics.
func FuzzStatsUnmarshalBinary(f *testing.F) {
	seed, err := segment.NewStats(nil)
	require.NoError(f, err)
	var o segment.Observation
	for _, in := range []segment.Input{buyerF(f, "c1", customer.Consumer, 100), buyerF(f, "i1", customer.Intermediary, 900)} {
		require.NoError(f, segment.Observe(in, &o))
		require.NoError(f, seed.Add(&o))
	}
	f.Add(encodeStats(f, seed))
	f.Add([]byte("tss\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := segment.NewStats(nil)
		require.NoError(t, err)
		before := encodeStats(t, s)
		if err := s.UnmarshalBinary(data); err != nil {
			require.ErrorIs(t, err, value.ErrInvalidInput)
			require.Equal(t, before, encodeStats(t, s))
			return
		}
		b := encodeStats(t, s)
		s2, err := segment.NewStats(nil)
		require.NoError(t, err)
		require.NoError(t, s2.UnmarshalBinary(b))
		require.Equal(t, b, encodeStats(t, s2))
	})
}

func buyerF(f *testing.F, id string, k customer.Kind, amount int64) segment.Input {
	s := customer.NewSummary(customer.ID(id), k, asOf, nil)
	require.NoError(f, s.AddOrder(customer.Order{ID: id + "-1", CustomerID: customer.ID(id), Time: asOf.AddDate(0, 0, -10),
		Channel: customer.Store, Currency: "EUR", Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(amount)}}}))
	return segment.Input{Summary: s}
}
