package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A column that the header has under its own name is read, wherever it
// is (the first field too): another column named like it in another
// style is then no misnamed column, only an unknown one.
func TestMisnamedNotWhenTheColumnIsThere(t *testing.T) {
	for _, header := range []string{
		"order_id,customer_id,date,amount,Order ID",
		"quantity,customer_id,date,amount,Qty,Quan-tity",
		"discount,customer_id,date,amount,Line Discount,Discount Amount",
		"customer_id,date,amount,category,Category Name",
	} {
		fields := strings.Split(header, ",")
		l, err := salesrow.NewLayout(fields)
		require.NoError(t, err, header)
		assert.Empty(t, misnamed(fields, l), header)
	}
	fields := strings.Split("customer_id,order_id,date,amount,Order ID,Line Discount", ",")
	l, err := salesrow.NewLayout(fields)
	require.NoError(t, err)
	assert.Equal(t, []Misnamed{{6, "Line Discount", ColDiscount}}, misnamed(fields, l))
}
