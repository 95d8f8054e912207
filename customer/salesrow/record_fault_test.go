package salesrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A record of the wrong number of fields is a fault of the whole record:
// its Field is -1 and it has no Column, for Parse (against the header)
// and ParseUsed (against the columns read) alike.
func TestRecordFaultsHaveNoField(t *testing.T) {
	var r salesrow.Row
	for _, fe := range []*salesrow.FieldError{
		layout9.Parse([]string{"c1", "2024-03-05", "1"}, &r),
		layout9.ParseUsed([]string{"c1", "2024-03-05"}, &r),
	} {
		require.NotNil(t, fe)
		assert.Equal(t, -1, fe.Field, "%v", fe)
		assert.Empty(t, fe.Column, "%v", fe)
		assert.False(t, fe.HasValue, "%v", fe)
		assert.Equal(t, salesrow.CodeFieldCount, fe.Code, "%v", fe)
	}
}
