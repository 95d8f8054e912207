package salesrow_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// FuzzFullWidthToASCII folds any text: it never panics, leaves ASCII and
// any text without full-width forms as it is (and says it changed
// nothing), keeps a text valid UTF-8 when it was, folds every full-width
// form, and keeps each byte that is not UTF-8 as it is; a text of ASCII
// written in full-width forms folds back to that ASCII.
func FuzzFullWidthToASCII(f *testing.F) {
	for _, s := range []string{"", "12.50", "１２．５０", "２０２４－０３－０５", "ＣＮＹ", "张三", "１２\u3000",
		"M\xfcller", "\xd5\xc5\xc8\xfd", "１２\xff", "\xef\xbc", "～！", "\uff5f\uff00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, changed := salesrow.FullWidthToASCII(s)
		if !changed && out != s {
			t.Fatalf("%q: %q, changed nothing", s, out)
		}
		if changed != strings.ContainsFunc(s, func(r rune) bool { return r >= 0xff01 && r <= 0xff5e || r == '\u3000' }) {
			t.Fatalf("%q: changed %v", s, changed)
		}
		if utf8.ValidString(s) != utf8.ValidString(out) {
			t.Fatalf("%q: %q, valid UTF-8 %v", s, out, utf8.ValidString(out))
		}
		if strings.ContainsFunc(out, func(r rune) bool { return r >= 0xff01 && r <= 0xff5e || r == '\u3000' }) {
			t.Fatalf("%q: %q still holds a full-width form", s, out)
		}
		if len(out) > len(s) {
			t.Fatalf("%q: %q is longer", s, out)
		}
		// The ASCII of s, written in full-width forms, folds back to it.
		ascii := strings.Map(func(r rune) rune {
			if r > 0x20 && r < 0x7f || r == ' ' {
				return r
			}
			return -1
		}, s)
		if out, _ := salesrow.FullWidthToASCII(ascii); out != ascii {
			t.Fatalf("%q: ASCII %q folds to %q", s, ascii, out)
		}
		wide := strings.Map(func(r rune) rune {
			if r == ' ' {
				return '\u3000'
			}
			return r + 0xfee0
		}, ascii)
		if out, changed := salesrow.FullWidthToASCII(wide); out != ascii || changed != (ascii != "") {
			t.Fatalf("%q: full-width %q folds to %q, %v", ascii, wide, out, changed)
		}
	})
}

// FuzzNotUTF8 classifies any text: IDProblem and TextProblem never
// panic, give a text that is not UTF-8 one of the four reasons that say
// so, and give one that is no such reason; a text of ASCII with one
// byte that GB18030 has not (0x80, 0xFF) is Windows-1252 alone.
func FuzzNotUTF8(f *testing.F) {
	for _, s := range []string{"", "C1", "M\xfcller", "\xd5\xc5\xc8\xfd", "\xc4\xd0", "Promo\xe7\xe3o", "\x95\x32\x82\x36",
		"\x95\x32\x82", "\xd6\xec\xe9\x46\xbb\xf9", "M\xc3\xbcll\xe4\xb8", "\xef\xbb", "张三", "\xab\xc9t\xe9\xbb", "张\xe4"} {
		f.Add(s)
	}
	reasons := map[string]bool{salesrow.NotUTF8: true, salesrow.NotUTF8GB: true, salesrow.NotUTF8Either: true, salesrow.NotUTF8Cut: true}
	f.Fuzz(func(t *testing.T, s string) {
		id, text := salesrow.IDProblem(s), salesrow.TextProblem(s)
		if utf8.ValidString(s) {
			if reasons[id] || text != "" {
				t.Fatalf("%q: %q, %q", s, id, text)
			}
			return
		}
		if !reasons[id] || id != text {
			t.Fatalf("%q: %q, %q", s, id, text)
		}
		for _, b := range []string{"\x80", "\xff"} {
			if w := ascii(s) + b; w != b {
				assert.Equal(t, salesrow.NotUTF8, salesrow.IDProblem(w), "%q", w)
			}
		}
	})
}

// FullWidthToASCII keeps the bytes of a text that is not UTF-8 as they
// are, and says it changed nothing when it folded nothing.
func TestFullWidthToASCIIKeepsBytes(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		changed bool
	}{
		{"\xff", "\xff", false},
		{"M\xfcller", "M\xfcller", false},
		{"１２\xff", "12\xff", true},
		{"\xd5\xc5１", "\xd5\xc51", true},
	} {
		out, changed := salesrow.FullWidthToASCII(tc.in)
		assert.Equal(t, tc.out, out, "%q", tc.in)
		assert.Equal(t, tc.changed, changed, "%q", tc.in)
	}
}

// ascii returns the bytes of s below 0x80.
func ascii(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] < 0x80 {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
