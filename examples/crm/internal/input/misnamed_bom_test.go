package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A byte order mark before the first name of a header does not hide an
// export's name for a required column (exportHints): "\ufeffInvoiceDate"
// is InvoiceDate, named without the mark, as salesrow.NewLayout reads a
// name, whether the reader dropped the mark or hands it on. A required
// column whose name follows the mark is not missing.
func TestExportHintAfterAByteOrderMark(t *testing.T) {
	o := Options{AsOf: day(t, "2011-12-31")}
	for data, want := range map[string]string{
		"\ufeffInvoiceDate,amount,UnitPrice,customer_id\n": `orders.csv:1: missing required column "date" (header has 4 columns; need customer_id, date, amount; ` +
			`field 1, "InvoiceDate", the invoice date of the Online Retail exports, would be date: rename the column)`,
		"\ufeffPrice,date,customer_id\n": `orders.csv:1: missing required column "amount" (header has 3 columns; need customer_id, date, amount; ` +
			`field 1, "Price", is probably a price per unit, as in Online Retail II, not the amount of the row: add a column amount, the quantity times the price (negative for a return))`,
		"\ufeffdate,InvoiceDate,amount\n": `orders.csv:1: missing required column "customer_id" (header has 3 columns; need customer_id, date, amount)`,
	} {
		_, err := readCSV(t, data, o)
		require.Error(t, err, data)
		assert.Equal(t, want, err.Error())
		_, err = ScanCSV(strings.NewReader(data), "orders.csv", o, 2)
		require.Error(t, err, data)
		assert.Equal(t, want, err.Error())
	}
	// The fields as a reader of its own hands them, the mark still on
	// the first (NewLayout reads such a header).
	assert.Equal(t, `; field 1, "InvoiceDate", the invoice date of the Online Retail exports, would be date: rename the column`,
		exportHints([]string{"\ufeffInvoiceDate", "amount", "UnitPrice", "customer_id"}))
	assert.Equal(t, "", exportHints([]string{"\ufeffdate", "InvoiceDate", "amount", "Customer ID"}),
		"date follows the mark: it is not missing")
}
