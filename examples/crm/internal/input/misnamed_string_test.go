package input

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Misnamed.String tells what an export's name is only for the column
// that export gives it: InvoiceNo stands for order_id, so as a name for
// another column it gets the plain hint of a name written in another
// style.
func TestMisnamedStringExportNameOfAnotherColumn(t *testing.T) {
	assert.Equal(t, `field 2, "InvoiceNo", would be discount but is not read under that name: rename the column`,
		Misnamed{Field: 2, Name: "InvoiceNo", Column: ColDiscount}.String())
	assert.Equal(t, `field 2, "Invoice No", the invoice number of the Online Retail exports, is not read as order_id: `+
		`without an order_id, a customer's invoices of one day are one order; rename the column order_id`,
		Misnamed{Field: 2, Name: "Invoice No", Column: ColOrderID}.String())
	assert.Equal(t, `field 3, "Order ID", would be order_id but is not read under that name: rename the column`,
		Misnamed{Field: 3, Name: "Order ID", Column: ColOrderID}.String())
}
