package value_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// fuzzBoundedRules are rules that bound M and AOV before the default
// grid, whose statistics encode at version 5.
func fuzzBoundedRules() []value.RFMRule {
	return append([]value.RFMRule{
		{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 1, FMax: 5, MMin: 4},
		{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 5},
		{Segment: value.HighFrequencyLowSpend, RMin: 1, RMax: 5, FMin: 4, FMax: 5, AOVMax: 2},
	}, value.DefaultRFMRules()...)
}

// FuzzRFMStatsBoundedUnmarshalBinary decodes any data into statistics of
// rules that bound M and AOV (version 5), with 5, 2 or 7 bins: no panic; what decodes
// encodes at version 5 into a form that decodes to the same statistics,
// and scores every customer with a segment of the rules.
func FuzzRFMStatsBoundedUnmarshalBinary(f *testing.F) {
	newStats := func(t require.TestingT, bins int) *value.RFMStats {
		s, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Bins: bins, Rules: fuzzBoundedRules()})
		require.NoError(t, err)
		return s
	}
	binsOf := []int{0, 2, 7}
	for i, bins := range binsOf {
		st := newStats(f, bins)
		for j := range 12 {
			x := rfmxa(fmt.Sprint("c", j), float64(3+17*j%50), float64(1+j%6), float64(40*(j*j%13)), float64(10+7*(j%5)))
			x.Currency = "EUR"
			require.NoError(f, st.Add(&x))
		}
		enc := encode(f, st)
		require.NoError(f, newStats(f, bins).UnmarshalBinary(enc), "%d bins", bins)
		f.Add(uint8(i), enc)
		f.Add(uint8(i), encode(f, newStats(f, bins)))
	}
	plain, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(f, err)
	f.Add(uint8(0), encode(f, plain))
	f.Add(uint8(0), []byte("trf\x05"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		b := binsOf[int(which)%len(binsOf)]
		s := newStats(t, b)
		if s.UnmarshalBinary(data) != nil {
			return
		}
		enc := encode(t, s)
		require.Equal(t, "trf\x05", string(enc[:4]))
		s2 := newStats(t, b)
		require.NoError(t, s2.UnmarshalBinary(enc))
		require.Equal(t, enc, encode(t, s2))
		sc := s2.Scorer()
		for _, x := range []value.Indicators{rfmIn("x", "", 1, 1, 1), rfmxa("y", 0, 9, 1e6, 1e5), rfmxa("z", 1e4, 1, 0, 0)} {
			got, err := sc.Score(&x)
			require.NoError(t, err)
			require.True(t, got.Segment.Valid(), "%+v", got)
		}
	})
}
