package customer

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
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

func TestInvalidSortsIndexesByNumber(t *testing.T) {
	fields := []FieldError{
		{Field: "lines[10].sku", Code: CodeRequired, Message: "ten"},
		{Field: "lines[2].sku", Code: CodeRequired, Message: "two"},
		{Field: "lines[1].sku", Code: CodeRequired, Message: "one"},
		{Field: "id", Code: CodeRequired, Message: "id"},
		{Field: "lines[2].quantity", Code: CodeNotPos, Message: "two q"},
	}
	var ve *ValidationError
	require.ErrorAs(t, Invalid("order", fields), &ve)
	var got []string
	for _, f := range ve.Fields {
		got = append(got, f.Field)
	}
	assert.Equal(t, []string{"id", "lines[1].sku", "lines[2].quantity", "lines[2].sku", "lines[10].sku"}, got)
}

func TestCompareFields(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"lines[2]", "lines[10]", -1},
		{"lines[10]", "lines[9]", 1},
		{"lines[007]", "lines[7]", -1}, // equal numbers: as text
		{"lines[7]", "lines[7]", 0},
		{"a", "a1", -1},
		{"lines[1]", "lines", 1},
		{"x9", "x:", -1}, // a digit against another byte: as bytes
		{"x9", "x/", 1},
		{"", "", 0},
	} {
		assert.Equal(t, c.want, CompareFields(c.a, c.b), "%q vs %q", c.a, c.b)
		assert.Equal(t, -c.want, CompareFields(c.b, c.a), "%q vs %q", c.b, c.a)
	}
}

// TestPropertyCompareFieldsIsAnOrder checks that CompareFields is a total
// order (antisymmetric, transitive, 0 only for equal strings) that agrees
// with byte order on strings without digits.
func TestPropertyCompareFieldsIsAnOrder(t *testing.T) {
	field := rapid.StringOf(rapid.SampledFrom([]rune("ab0179[]./")))
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := field.Draw(t, "a"), field.Draw(t, "b"), field.Draw(t, "c")
		ab, bc, ac := CompareFields(a, b), CompareFields(b, c), CompareFields(a, c)
		if ab != -CompareFields(b, a) {
			t.Fatalf("not antisymmetric: %q %q", a, b)
		}
		if (ab == 0) != (a == b) {
			t.Fatalf("%q and %q compare %d", a, b, ab)
		}
		if ab <= 0 && bc <= 0 && ac > 0 {
			t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", a, b, c, a, c)
		}
		if !strings.ContainsAny(a+b, "0123456789") && ab != strings.Compare(a, b) {
			t.Fatalf("%q vs %q: %d, byte order says %d", a, b, ab, strings.Compare(a, b))
		}
	})
}
