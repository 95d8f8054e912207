package value_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/value"
)

// NumIndicators is one more than the largest Indicator, as its doc
// comment says: every index of Indicators.Values but 0 is an indicator
// with a name, and the first index past the array is none.
func TestNumIndicatorsIsOneMoreThanTheLargest(t *testing.T) {
	assert.Equal(t, int(value.MarketSize)+1, value.NumIndicators)
	for i := value.Indicator(1); int(i) < value.NumIndicators; i++ {
		assert.True(t, i.Valid(), "indicator %d", i)
		p, err := value.ParseIndicator(i.String())
		assert.NoError(t, err, "indicator %d", i)
		assert.Equal(t, i, p)
	}
	assert.False(t, value.Indicator(value.NumIndicators).Valid())
	var x value.Indicators
	assert.Len(t, x.Values, value.NumIndicators)
}
