package salesrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A text of UTF-8 Chinese cut short within its last character, as a
// field cut to a number of bytes is, is UTF-8: a conversion from
// Windows-1252 or GB18030 would corrupt the rest of the file, and the
// reason names none (NotUTF8Cut). A GBK text whose first bytes happen to
// be UTF-8 of two-byte characters only ("女" is 0xC5 0xAE, "Ů" in UTF-8),
// before a character that looks like the start of a UTF-8 one, is read
// as GB18030, as is a GBK text after ASCII alone ("VIP" and 0xE4 0xB8):
// two-byte UTF-8 characters, or none, are too weak a sign of UTF-8.
func TestNotUTF8CutShort(t *testing.T) {
	const wantCut = "not UTF-8: UTF-8 cut short within its last character, as a field cut to a number of bytes is; no conversion mends it: export the text whole"
	assert.Equal(t, wantCut, salesrow.NotUTF8Cut)
	for _, tc := range []struct{ name, s, want string }{
		{"张三 cut by one byte", "\xe5\xbc\xa0\xe4\xb8", wantCut},
		{"连衣裙 cut by two bytes", "\xe8\xbf\x9e\xe8\xa1\xa3\xe8", wantCut},
		{"VIP会员 cut", "VIP\xe4\xbc\x9a\xe5\x91", wantCut},
		{"Zoë 张 cut", "Zo\xc3\xab \xe5\xbc\xa0\xe4", wantCut},
		{"女孩 in GBK", "\xc5\xae\xba\xa2", wantNotUTF8GB},
		{"女 and 涓 in GBK", "\xc5\xae\xe4\xb8", wantNotUTF8GB},
		{"VIP涓 in GBK", "VIP\xe4\xb8", wantNotUTF8GB},
		{"Café in Windows-1252", "Caf\xe9", salesrow.NotUTF8},
		{"C3Ã in Windows-1252", "C3\xc3", salesrow.NotUTF8},
	} {
		assert.Equal(t, tc.want, salesrow.IDProblem(tc.s), "IDProblem %s %q", tc.name, tc.s)
		assert.Equal(t, tc.want, salesrow.TextProblem(tc.s), "TextProblem %s %q", tc.name, tc.s)
	}
}
