package csvfault

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FieldText gives a malformed field as written: to the next separator,
// or for a field that opens a quote, to the first separator after the
// quote that closes it, or to the end of the line when none does.
func TestFieldText(t *testing.T) {
	for _, tt := range []struct {
		record string
		i      int
		want   string
	}{
		{"C1,2024-01-02,5\"0,1\n", 2, `5"0`},
		{"C1,\"2024-01-02,5\nC2,x\n", 1, `"2024-01-02,5`},
		{"\"B\"x,2024-01-02,5\n", 0, `"B"x`},
		{"a,\"we said \"\"hi\"\" \"x,b\r\n", 1, `"we said ""hi"" "x`},
		{"a,\"q,\"\"r\"\"\",\"s\"t\n", 2, `"s"t`},
		{"a,b\nc,d\n", 3, ""}, // no such field on the record's line
		{"a,,c", 1, ""},
	} {
		assert.Equal(t, tt.want, FieldText(tt.record, tt.i), "%q field %d", tt.record, tt.i)
	}
}

// parseError returns encoding/csv's error of reading the first record of
// b.
func parseError(t *testing.T, b string) *csv.ParseError {
	t.Helper()
	r := csv.NewReader(strings.NewReader(b))
	r.FieldsPerRecord = -1
	_, err := r.Read()
	var pe *csv.ParseError
	require.True(t, errors.As(err, &pe), "%q: %v", b, err)
	return pe
}

// Locate names the field encoding/csv found the fault in, with its text
// and reason, and adds the hint only for a bare quote after spaces.
func TestLocate(t *testing.T) {
	for _, tt := range []struct {
		record string
		want   Fault
	}{
		{"C1,2024-01-02,5\"0,1\n", Fault{2, `5"0`, csv.ErrBareQuote.Error()}},
		{"C1, \"2024-01-02\",5\n", Fault{1, ` "2024-01-02"`, csv.ErrBareQuote.Error() + HintSpaceQuote}},
		{"\"B\"x,2024-01-02,5\n", Fault{0, `"B"x`, csv.ErrQuote.Error()}},
		{"a,b,\"open\n", Fault{2, `"open`, csv.ErrQuote.Error()}},
		{"a,\"x\"\"y\" z,b\n", Fault{1, `"x""y" z`, csv.ErrQuote.Error()}},
	} {
		assert.Equal(t, tt.want, Locate(tt.record, parseError(t, tt.record)), "%q", tt.record)
	}
}

func ExampleLocate() {
	const row = "C1, \"2024-01-02\",5\n"
	_, err := csv.NewReader(strings.NewReader(row)).Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		f := Locate(row, pe)
		fmt.Printf("field %d %q: %s\n", f.Field, f.Text, f.Reason)
	}
	// Output:
	// field 1 " \"2024-01-02\"": bare " in non-quoted-field; a quote after a space opens no quoted field: remove the spaces between the commas and the quotes
}
