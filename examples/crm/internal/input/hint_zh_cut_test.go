package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A customer_id of UTF-8 Chinese cut short within its last character,
// as a field cut to a number of bytes is, is told that no conversion
// mends it, on both readers' paths; a quantity of a great many
// full-width zeros before a digit gets a hint of bounded length.
func TestTextsCutShortAndLongFullWidth(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	data := "customer_id,date,amount\nC1,2024-01-02,10\n\xe5\xbc\xa0\xe4\xb8,2024-03-05,12\n"
	_, err := readCSV(t, data, o)
	require.Error(t, err)
	assert.Equal(t, `orders.csv:3: customer_id "\xe5\xbc\xa0\xe4\xb8": not UTF-8: UTF-8 cut short within its last character, as a field cut to a number of bytes is; no conversion mends it: export the text whole`, err.Error())
	checkScan(t, []byte(data), o)

	data = "customer_id,date,amount,quantity\nC1,2024-01-02,10,1\nC1,2024-03-05,12," + strings.Repeat("０", 100000) + "１\n"
	_, err = readCSV(t, data, o)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, "%.300s", err.Error())
	assert.True(t, strings.HasSuffix(err.Error(), "(300003 bytes): not an integer (full-width digits: write them as ASCII digits, 1)"), "%.300s", err.Error())
	checkScan(t, []byte(data), o)
}
