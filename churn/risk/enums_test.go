package risk

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnumsRoundTrip(t *testing.T) {
	for _, b := range []Band{BandLow, BandWatch, BandHigh, BandCritical} {
		text, err := b.MarshalText()
		require.NoError(t, err)
		var got Band
		require.NoError(t, got.UnmarshalText(text))
		assert.Equal(t, b, got)
		assert.True(t, b.Valid())
	}
	for _, m := range []Method{MethodFitted, MethodRules} {
		text, err := m.MarshalText()
		require.NoError(t, err)
		var got Method
		require.NoError(t, got.UnmarshalText(text))
		assert.Equal(t, m, got)
	}
	for _, f := range Features() {
		text, err := f.MarshalText()
		require.NoError(t, err)
		var got Feature
		require.NoError(t, got.UnmarshalText(text))
		assert.Equal(t, f, got)
	}
	assert.Len(t, Features(), NumFeatures-1)
	assert.Equal(t, "critical", BandCritical.String())
	assert.Equal(t, "rules", MethodRules.String())
	assert.Equal(t, "unresolved_complaints", FeatureUnresolved.String())

	j, err := json.Marshal(map[string]any{"band": BandWatch, "method": MethodFitted})
	require.NoError(t, err)
	assert.JSONEq(t, `{"band":"watch","method":"fitted"}`, string(j))
}

func TestEnumsInvalid(t *testing.T) {
	assert.Equal(t, "Band(0)", Band(0).String())
	assert.Equal(t, "Method(9)", Method(9).String())
	assert.Equal(t, "Feature(14)", Feature(14).String())
	assert.False(t, Band(5).Valid())
	_, err := Band(0).MarshalText()
	assert.Error(t, err)
	_, err = Method(3).MarshalText()
	assert.Error(t, err)
	_, err = Feature(0).MarshalText()
	assert.Error(t, err)
	_, err = ParseBand("High")
	assert.Error(t, err)
	_, err = ParseMethod("")
	assert.Error(t, err)
	var f Feature
	assert.Error(t, f.UnmarshalText([]byte("overdu")))
	var m Method
	assert.Error(t, m.UnmarshalText([]byte("x")))
	var b Band
	assert.Error(t, b.UnmarshalText([]byte("x")))
}
