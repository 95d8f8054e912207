package segment_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

func encodeStats(t require.TestingT, s *segment.Stats) []byte {
	b, err := s.MarshalBinary()
	require.NoError(t, err)
	return b
}

// The first pass spread over shards, each shipped as its encoding and
// merged where the fit is made, classifies every customer as the fit of
// the whole population does; the decoded statistics may carry another
// quadrant rule.
func TestPropertyEncodedStatsFitAsTheWhole(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ins := inputs(t, genPopulation(t), 1)
		whole, want := classify(t, ins, nil)
		obs := make([]segment.Observation, len(ins))
		for i := range ins {
			require.NoError(t, segment.Observe(ins[i], &obs[i]))
		}
		merged, err := segment.NewStats(nil)
		require.NoError(t, err)
		shards := rapid.IntRange(1, 4).Draw(t, "shards")
		for sh := range shards {
			s, err := segment.NewStats(nil)
			require.NoError(t, err)
			for i := range obs {
				if i%shards == sh {
					require.NoError(t, s.Add(&obs[i]))
				}
			}
			d, err := segment.NewStats(nil)
			require.NoError(t, err)
			require.NoError(t, d.UnmarshalBinary(encodeStats(t, s)))
			require.NoError(t, merged.Merge(d))
		}
		sc, err := merged.Scoring()
		require.NoError(t, err)
		ts := sc.NewThresholdStats()
		for i := range obs {
			require.NoError(t, ts.Add(&obs[i]))
		}
		m, err := ts.Model()
		require.NoError(t, err)
		for i := range obs {
			var r segment.Result
			require.NoError(t, m.Classify(&r, &obs[i]))
			require.Equal(t, want[r.ID], r)
		}

		// Decoded into statistics with the Fixed rule at the thresholds
		// of the whole, the same classification.
		th := whole.Thresholds(customer.Consumer)
		fixed, err := segment.NewStats(&segment.Options{Rule: segment.Fixed, FixedCurrent: th.Current, FixedPotential: th.Potential})
		require.NoError(t, err)
		require.NoError(t, fixed.UnmarshalBinary(encodeStats(t, merged)))
		fsc, err := fixed.Scoring()
		require.NoError(t, err)
		fm, err := fsc.NewThresholdStats().Model()
		require.NoError(t, err)
		for i := range obs {
			if obs[i].Kind != customer.Consumer {
				continue
			}
			var r segment.Result
			require.NoError(t, fm.Classify(&r, &obs[i]))
			require.Equal(t, want[r.ID], r)
		}
	})
}

// Data that is not an encoding of segment statistics of the same models
// is rejected and changes nothing.
func TestDecodeStatsRejectsAndChangesNothing(t *testing.T) {
	ins := []segment.Input{
		input(t, spec{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 2000}}}, 100),
		input(t, spec{ID: "b", Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 5, Qty: 2, Cents: 9000}, {DaysAgo: 50, Qty: 1, Cents: 4000}}}, 100),
	}
	src, err := segment.NewStats(nil)
	require.NoError(t, err)
	var o segment.Observation
	for _, in := range ins {
		require.NoError(t, segment.Observe(in, &o))
		require.NoError(t, src.Add(&o))
	}
	enc := encodeStats(t, src)

	dst, err := segment.NewStats(nil)
	require.NoError(t, err)
	require.NoError(t, segment.Observe(ins[0], &o))
	require.NoError(t, dst.Add(&o))
	before := encodeStats(t, dst)
	check := func(err error, what string) {
		t.Helper()
		require.ErrorIs(t, err, value.ErrInvalidInput, what)
		require.ErrorContains(t, err, "segment: decode statistics", what)
		require.Equal(t, before, encodeStats(t, dst), "%s: the statistics changed", what)
	}
	for n := range len(enc) {
		check(dst.UnmarshalBinary(enc[:n]), "truncated")
	}
	check(dst.UnmarshalBinary(append(append([]byte(nil), enc...), 7)), "a byte after the end")
	bad := append([]byte(nil), enc...)
	bad[3] = 9
	check(dst.UnmarshalBinary(bad), "another version")
	bad[3] = 1
	err = dst.UnmarshalBinary(bad)
	check(err, "version 1")
	require.EqualError(t, err, "segment: decode statistics: version 1 holds no spend per purchase, which version 2 added: gather the statistics again: value: invalid input")

	rfm, err := segment.NewStats(&segment.Options{RFM: &value.RFMOptions{Bins: 3}})
	require.NoError(t, err)
	err = rfm.UnmarshalBinary(enc)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.ErrorContains(t, err, "segment: decode statistics of consumer customers: value: decode RFM statistics: the statistics of other options")
}

// A Result of the default options, which grade nobody (Grade zero),
// encodes as JSON and decodes to the same result: the zero grade is the
// empty text.
func TestResultJSONRoundTrip(t *testing.T) {
	pop := []segment.Input{
		buyer(t, "c1", customer.Consumer, "EUR", 100),
		buyer(t, "c2", customer.Consumer, "EUR", 300),
	}
	rs := results(t, pop)
	for _, r := range rs {
		require.Equal(t, segment.Grade(0), r.Grade)
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var back segment.Result
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, r.ID, back.ID)
		assert.Equal(t, r.Quadrant, back.Quadrant)
		assert.Equal(t, r.Grade, back.Grade)
		assert.Equal(t, r.RFM, back.RFM)
		assert.True(t, r.Net.Equal(back.Net))
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.JSONEq(t, string(b), string(again))
	}
}
