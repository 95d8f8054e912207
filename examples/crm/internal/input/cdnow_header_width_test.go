package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A repeat of the header before the first data line is passed over
// without setting the file's width: the first data line sets it, also
// when the header has another number of words than the data has fields
// (a header of four names over the five columns with master_id). A
// repeat after the data, of another width than the data's, is passed
// over and counted as well.
func TestCDNOWRepeatedHeaderBeforeDataSetsNoWidth(t *testing.T) {
	const (
		h4   = "customer_id date quantity amount\n"
		jan5 = "00001 0001 19970101 1 10\n00002 0002 19970105 2 20.5\n"
		feb5 = "00001 0001 19970201 1 10\n"
	)
	r := NewCDNOWReader(strings.NewReader(h4+h4+jan5+h4+feb5), "cdnow.txt")
	res, err := Summarize(r, "cdnow.txt", Options{AsOf: day(t, "1997-12-31")})
	require.NoError(t, err)
	assert.Equal(t, 5, r.Columns())
	assert.EqualValues(t, 2, res.Headers)
	assert.EqualValues(t, 3, res.Rows)
}
