package enumtext

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type colour uint8

var colourNames = []string{"", "red", "green"}

func TestRoundTrip(t *testing.T) {
	for v := colour(1); int(v) < len(colourNames); v++ {
		s := String(v, colourNames, "Colour")
		got, err := Parse[colour](s, colourNames, "colour")
		require.NoError(t, err)
		assert.Equal(t, v, got)
		b, err := Marshal(v, colourNames, "colour")
		require.NoError(t, err)
		assert.Equal(t, s, string(b))
	}
}

func TestInvalid(t *testing.T) {
	assert.Equal(t, "Colour(0)", String(colour(0), colourNames, "Colour"))
	assert.Equal(t, "Colour(9)", String(colour(9), colourNames, "Colour"))
	_, err := Parse[colour]("", colourNames, "colour")
	assert.ErrorContains(t, err, `unknown colour ""`)
	_, err = Parse[colour]("blue", colourNames, "colour")
	assert.Error(t, err)
	_, err = Marshal(colour(0), colourNames, "colour")
	assert.Error(t, err)
	assert.False(t, Valid(colour(3), colourNames))
}

func TestOptional(t *testing.T) {
	b, err := MarshalOptional(colour(0), colourNames, "colour")
	require.NoError(t, err)
	assert.Empty(t, b)
	v, err := ParseOptional[colour]("", colourNames, "colour")
	require.NoError(t, err)
	assert.Equal(t, colour(0), v)
	b, err = MarshalOptional(colour(2), colourNames, "colour")
	require.NoError(t, err)
	assert.Equal(t, "green", string(b))
	_, err = ParseOptional[colour]("blue", colourNames, "colour")
	assert.Error(t, err)
	_, err = MarshalOptional(colour(9), colourNames, "colour")
	assert.Error(t, err)
}

func TestUnmarshalLeavesValueOnError(t *testing.T) {
	v := colour(2)
	parse := func(s string) (colour, error) { return Parse[colour](s, colourNames, "colour") }
	require.Error(t, Unmarshal(&v, []byte("blue"), parse))
	assert.Equal(t, colour(2), v, "a refused text changes nothing")
	require.NoError(t, Unmarshal(&v, []byte("red"), parse))
	assert.Equal(t, colour(1), v)
}

// zeroing decodes as enums did before Unmarshal: a refused text sets
// the value to zero.
type zeroing colour

func (z *zeroing) UnmarshalText(b []byte) (err error) {
	var c colour
	c, err = Parse[colour](string(b), colourNames, "colour")
	*z = zeroing(c)
	return err
}

// recorder collects the errors a check reports.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

func TestRefusedKeepsValueFindsAZeroingDecode(t *testing.T) {
	var r recorder
	z := zeroing(2)
	TestRefusedKeepsValue(&r, &z)
	assert.Len(t, r.errs, 1, "the changed value is reported")
}
