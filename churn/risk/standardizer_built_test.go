package risk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A standardizer whose prior gap was set to zero after NewStandardizer
// (the field is exported) is no longer one NewStandardizer makes, which
// refuses a prior gap that is not positive: Add refuses it and changes
// nothing, rather than measuring single-purchase customers against a gap
// of no days.
func TestStandardizerWithZeroPriorGapRefused(t *testing.T) {
	z, err := NewStandardizer(60, nil)
	require.NoError(t, err)
	z.PriorGap = 0
	before := z.Features
	require.ErrorIs(t, z.Add(steady("A", 10, 30)), errUnbuiltStandardizer)
	require.Equal(t, before, z.Features, "a refused add changes nothing")
	_, err = NewStandardizer(0, nil)
	require.Error(t, err, "a prior gap of zero days")
}
