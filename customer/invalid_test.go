package customer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvalid(t *testing.T) {
	require.NoError(t, Invalid(`order "O-1"`, nil))
	fields := []FieldError{
		{Field: "lines[0].quantity", Code: CodeNotPos, Message: "must be positive"},
		{Field: "id", Code: CodeRequired, Message: "is empty"},
		{Field: "lines[0].quantity", Code: CodeRange, Message: "second"},
	}
	err := Invalid(`order "O-1"`, fields)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, `order "O-1": id: is empty; lines[0].quantity: must be positive; lines[0].quantity: second`, err.Error())
	fields[0].Message = "changed"
	assert.Equal(t, "must be positive", ve.Fields[1].Message, "the error keeps its own copy")
}
