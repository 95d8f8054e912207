package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMisnamedColumns: a header column named as an optional column in
// another style ("Order ID", "OrderID", "order-id" for order_id) is not
// read, as any unknown column, and both readers report it with the
// column it would be; a column of the exact name is read and then no
// other is reported for it.
func TestMisnamedColumns(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, c := range []struct {
		header string
		want   []Misnamed
	}{
		{"customer_id,date,amount", nil},
		{"customer_id,date,amount,Order ID", []Misnamed{{4, "Order ID", ColOrderID}}},
		{"\ufeffOrderID,amount,date,customer_id", []Misnamed{{1, "OrderID", ColOrderID}}},
		{"customer_id,date,amount, order-id ,Qty,Unit_Cost,COST.,Currency_", []Misnamed{
			{4, "order-id", ColOrderID}, {7, "COST.", ColCost}, {8, "Currency_", ColCurrency}}},
		{"customer_id,date,amount,Customer Kind,kind_,category,Cate Gory", []Misnamed{{5, "kind_", ColKind}}},
		{"customer_id,date,amount,order_id,Order ID", nil},
		{"Customer_ID,Date,Amount,ORDER_ID", nil},
	} {
		row := "C1,2024-01-01,10" + commas(c.header)
		if strings.HasPrefix(c.header, "\ufeff") {
			row = "O1,10,2024-01-01,C1"
		}
		data := []byte(c.header + "\n" + row + "\n")
		cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, cr.Misnamed(), c.header)
		tb, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, tb.Misnamed, c.header)
	}
	assert.Equal(t, `field 4, "Order ID", would be order_id but is not read under that name: rename the column`,
		Misnamed{4, "Order ID", ColOrderID}.String())
}

// commas returns a comma for each field of header past the third.
func commas(header string) string {
	n := bytes.Count([]byte(header), []byte(","))
	return string(bytes.Repeat([]byte(","), n-2))
}
