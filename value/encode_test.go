package value_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// statsOf gathers the value and RFM statistics of population, in shards
// of the customers whose index is sh mod shards.
func statsOf(t *rapid.T, k customer.Kind, xs []value.Indicators, sh, shards int) (*value.Stats, *value.RFMStats) {
	st, err := value.NewStats(value.DefaultModel(k))
	require.NoError(t, err)
	rs, err := value.NewRFMStats(k, nil)
	require.NoError(t, err)
	for i := range xs {
		if i%shards == sh {
			require.NoError(t, st.Add(&xs[i]))
			require.NoError(t, rs.Add(&xs[i]))
		}
	}
	return st, rs
}

func encode(t require.TestingT, m interface{ MarshalBinary() ([]byte, error) }) []byte {
	b, err := m.MarshalBinary()
	require.NoError(t, err)
	return b
}

// Shards encoded, decoded and merged are the statistics of the whole
// population: the same encoding, the same scores.
func TestPropertyEncodedShardsMergeIntoTheWhole(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind")
		xs := extractAll(t, genPopulation(t, k, 1))
		wholeV, wholeR := statsOf(t, k, xs, 0, 1)
		shards := rapid.IntRange(1, 4).Draw(t, "shards")
		mergedV, mergedR := statsOf(t, k, nil, 0, 1)
		for sh := range shards {
			v, r := statsOf(t, k, xs, sh, shards)
			dv, dr := statsOf(t, k, nil, 0, 1)
			require.NoError(t, dv.UnmarshalBinary(encode(t, v)))
			require.NoError(t, dr.UnmarshalBinary(encode(t, r)))
			require.Equal(t, encode(t, v), encode(t, dv), "a decoded shard encodes as the shard")
			require.NoError(t, mergedV.Merge(dv))
			require.NoError(t, mergedR.Merge(dr))
		}
		require.Equal(t, encode(t, wholeV), encode(t, mergedV))
		require.Equal(t, encode(t, wholeR), encode(t, mergedR))
		require.Equal(t, wholeV.N(), mergedV.N())
		want, err := wholeV.Scorer()
		require.NoError(t, err)
		got, err := mergedV.Scorer()
		require.NoError(t, err)
		wantR, gotR := wholeR.Scorer(), mergedR.Scorer()
		for i := range xs {
			ws, err := want.Score(&xs[i])
			require.NoError(t, err)
			gs, err := got.Score(&xs[i])
			require.NoError(t, err)
			require.Equal(t, ws, gs)
			wr, err := wantR.Score(&xs[i])
			require.NoError(t, err)
			gr, err := gotR.Score(&xs[i])
			require.NoError(t, err)
			require.Equal(t, wr, gr)
		}
	})
}

// Data that is not an encoding of statistics of the same model is
// rejected and changes nothing: every truncation, other models and
// options, changed bytes.
func TestPropertyDecodeRejectsAndChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := customer.Consumer
		xs := extractAll(t, genPopulation(t, k, 1))
		v, r := statsOf(t, k, xs, 0, 1)
		ev, er := encode(t, v), encode(t, r)
		// The targets hold statistics of their own, which must survive.
		tv, tr := statsOf(t, k, xs[:1], 0, 1)
		bv, br := encode(t, tv), encode(t, tr)
		check := func(err error, what string) {
			require.Error(t, err, what)
			require.ErrorIs(t, err, value.ErrInvalidInput, what)
			require.Equal(t, bv, encode(t, tv), "%s: value statistics changed", what)
			require.Equal(t, br, encode(t, tr), "%s: RFM statistics changed", what)
		}
		for n := range len(ev) {
			check(tv.UnmarshalBinary(ev[:n]), "truncated value statistics")
		}
		for n := range len(er) {
			check(tr.UnmarshalBinary(er[:n]), "truncated RFM statistics")
		}
		check(tv.UnmarshalBinary(append(ev, 0)), "a byte after the end")
		check(tv.UnmarshalBinary(er), "RFM statistics as value statistics")
		check(tr.UnmarshalBinary(ev), "value statistics as RFM statistics")

		other := value.DefaultModel(k)
		m := firstMeasure(&other.Current)
		require.NotNil(t, m)
		m.Winsor = 0.25 - m.Winsor/2 // another winsorising share in [0, 0.5)
		ov, err := value.NewStats(other)
		require.NoError(t, err)
		check(ov.UnmarshalBinary(ev), "another model")
		iv, _ := statsOf(t, customer.Intermediary, nil, 0, 1)
		check(iv.UnmarshalBinary(ev), "another kind")
		or, err := value.NewRFMStats(k, &value.RFMOptions{Bins: 4})
		require.NoError(t, err)
		check(or.UnmarshalBinary(er), "other RFM options")

		// A changed byte either still decodes (a value changed into
		// another valid one) or is rejected without a change.
		i := rapid.IntRange(0, len(ev)-1).Draw(t, "byte")
		bad := append([]byte(nil), ev...)
		bad[i] ^= byte(rapid.IntRange(1, 255).Draw(t, "flip"))
		if err := tv.UnmarshalBinary(bad); err != nil {
			check(err, "a changed byte")
		} else {
			tv, _ = statsOf(t, k, xs[:1], 0, 1)
		}
	})
}

// firstMeasure returns the first measure under n, depth first.
func firstMeasure(n *value.Node) *value.Measure {
	if n.Measure != nil {
		return n.Measure
	}
	for i := range n.Children {
		if m := firstMeasure(&n.Children[i]); m != nil {
			return m
		}
	}
	return nil
}

// Counts that add up to more customers than the statistics hold are
// rejected: an encoding is checked, not trusted.
func TestDecodeChecksCounts(t *testing.T) {
	st, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	b := encode(t, st)
	// The last bytes are n (0) and four empty samples; claim one value
	// counted twice in the first sample of a population of one.
	require.Equal(t, []byte{0, 0, 0, 0, 0}, b[len(b)-5:])
	b = b[:len(b)-5]
	b = binary.AppendUvarint(b, 1)
	b = binary.AppendUvarint(b, 1)
	b = binary.LittleEndian.AppendUint64(b, 0x4000000000000000) // 2.0
	b = binary.AppendUvarint(b, 2)
	b = append(b, 0, 0, 0)
	err = st.UnmarshalBinary(b)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.ErrorContains(t, err, "value: decode RFM statistics: sample counts")
	require.False(t, errors.Is(err, value.ErrEmpty))
}

// FuzzStatsUnmarshalBinary decodes any data: no panic, and what decodes
// encodes into a form that decodes to the same statistics.
func FuzzStatsUnmarshalBinary(f *testing.F) {
	st, err := value.NewStats(value.DefaultModel(customer.Consumer))
	require.NoError(f, err)
	var x value.Indicators
	x.Kind, x.Currency = customer.Consumer, "EUR"
	x.Set(value.Revenue, 120)
	x.Set(value.Profit, 50)
	x.Set(value.Recency, 3)
	require.NoError(f, st.Add(&x))
	f.Add(encode(f, st))
	f.Add([]byte("tvs\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := value.NewStats(value.DefaultModel(customer.Consumer))
		require.NoError(t, err)
		if s.UnmarshalBinary(data) != nil {
			return
		}
		b := encode(t, s)
		s2, err := value.NewStats(value.DefaultModel(customer.Consumer))
		require.NoError(t, err)
		require.NoError(t, s2.UnmarshalBinary(b))
		require.Equal(t, b, encode(t, s2))
	})
}

// Version 1 of the RFM statistics held no spend per purchase: it is
// refused with an error that says so, and changes nothing; the current
// version carries the spend per purchase through a round trip.
func TestRFMStatsVersion1IsRefused(t *testing.T) {
	st, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	x := rfmxa("a", 3, 2, 300, 150)
	require.NoError(t, st.Add(&x))
	enc := encode(t, st)
	require.Equal(t, "trf\x04", string(enc[:4]))

	dst, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, dst.UnmarshalBinary(enc))
	require.Equal(t, encode(t, st), encode(t, dst))
	require.Equal(t, st.Scorer().AOVCuts(), dst.Scorer().AOVCuts())

	empty, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	before := encode(t, empty)
	// A version-1 encoding: the same bytes without the as-of day (one
	// byte, unknown) and the last sample.
	v1 := append([]byte(nil), enc[:len(enc)-1-(1+8+1)]...)
	v1[3] = 1
	err = empty.UnmarshalBinary(v1)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.EqualError(t, err, "value: decode RFM statistics: version 1 holds no spend per purchase, which version 2 added: gather the statistics again")
	require.Equal(t, before, encode(t, empty))
}

// RFM statistics encoded by earlier versions (2: no currency, no as-of
// day; 3: no as-of day) decode unchanged, and their scorer places a
// customer without a purchase in no segment, while the buyers keep the
// segments of the statistics that were encoded.
func TestRFMStatsOlderVersionsScoreNonBuyersWithoutSegment(t *testing.T) {
	st, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	pop := []value.Indicators{
		rfmxa("old-once", 400, 1, 20, 20), rfmxa("mid", 60, 3, 200, 60), rfmxa("often", 5, 9, 900, 100),
		{ID: "browser", Kind: customer.Consumer},
	}
	for i := range pop {
		require.NoError(t, st.Add(&pop[i]))
	}
	enc := encode(t, st)
	require.Equal(t, "trf\x04", string(enc[:4]))
	// Unknown day: the as-of day is one flag byte, 0. Empty currency:
	// one length byte, 0, after the tag, version, kind, bins and grid.
	require.Equal(t, byte(0), enc[len(enc)-1])
	v3 := append([]byte(nil), enc[:len(enc)-1]...)
	v3[3] = 3
	at := len("trf") + 1 + 1 + 1 + 6*6
	require.Equal(t, byte(0), v3[at])
	v2 := append(append([]byte(nil), v3[:at]...), v3[at+1:]...)
	v2[3] = 2
	want := st.Scorer()
	for name, b := range map[string][]byte{"version 2": v2, "version 3": v3, "version 4": enc} {
		dst, err := value.NewRFMStats(customer.Consumer, nil)
		require.NoError(t, err)
		require.NoError(t, dst.UnmarshalBinary(b), name)
		sc := dst.Scorer()
		for i := range pop {
			got, err := sc.Score(&pop[i])
			require.NoError(t, err)
			w, err := want.Score(&pop[i])
			require.NoError(t, err)
			assert.Equal(t, w, got, "%s: %s", name, pop[i].ID)
			if pop[i].ID == "browser" {
				assert.Equal(t, value.NoRFMSegment, got.Segment, name)
			} else {
				assert.True(t, got.Segment.Valid(), "%s: %s", name, pop[i].ID)
			}
		}
	}
}
