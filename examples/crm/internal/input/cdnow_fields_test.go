package input

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// The fields of a CDNOW line are separated by any run of white space, as
// C's isspace counts it: space, tab, line feed, carriage return, vertical
// tab and form feed.
func TestCDNOWFieldsSeparatedByAnyWhiteSpace(t *testing.T) {
	for _, sep := range []string{" ", "\t", "\v", "\f", "\r", " \t\v\f\r "} {
		res, err := readCDNOW(t, "0001"+sep+"19970101"+sep+"2"+sep+"29.33\n", Options{AsOf: day(t, "1998-12-31")})
		require.NoError(t, err, "%q", sep)
		require.Len(t, res.Summaries, 1, "%q", sep)
		s := res.Summaries[0]
		assert.Equal(t, customer.ID("1"), s.CustomerID, "%q", sep)
		assert.Equal(t, 2, s.Units, "%q", sep)
		assert.True(t, s.Net().Equal(decimal.RequireFromString("29.33")), "%q: %s", sep, s.Net())
	}
}

// Only an ID of digits alone loses its leading zeros (to match the ID
// column of the CDNOW summary files); an ID with another character is
// kept as written, zeros and all.
func TestCDNOWOnlyDigitIDsLoseTheirZeros(t *testing.T) {
	res, err := readCDNOW(t, "00A1 19970101 1 1.5\n0007 19970101 1 1\n007- 19970101 1 1\n", Options{AsOf: day(t, "1998-12-31")})
	require.NoError(t, err)
	var ids []customer.ID
	for _, s := range res.Summaries {
		ids = append(ids, s.CustomerID)
	}
	assert.ElementsMatch(t, []customer.ID{"7", "00A1", "007-"}, ids)
}
