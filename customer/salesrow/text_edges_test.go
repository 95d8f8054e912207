package salesrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A control character or a byte order mark is refused wherever it is in
// an ID: at its first byte, in the middle, at its end.
func TestIDProblemAnywhereInTheID(t *testing.T) {
	for _, tc := range []struct{ id, why string }{
		{"\x01c1", salesrow.ControlChar},
		{"\x00", salesrow.ControlChar},
		{"c\x7f1", salesrow.ControlChar},
		{"c1\n", salesrow.ControlChar},
		{"\u0085é", salesrow.ControlChar},
		{"\ufeffc1", salesrow.BOMInID},
		{"é\ufeff", salesrow.BOMInID},
		{"\xffc1", salesrow.NotUTF8},
		{"Müller", ""},
	} {
		assert.Equal(t, tc.why, salesrow.IDProblem(tc.id), "%q", tc.id)
	}
}
