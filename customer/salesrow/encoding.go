package salesrow

import "unicode/utf8"

// notUTF8 returns the reason for a text s that is not valid UTF-8, by
// the encoding its bytes suggest: [NotUTF8Cut] when it is UTF-8 cut
// short, [NotUTF8GB] when they read as Chinese in GB18030,
// [NotUTF8Either] when they may be that or Latin-1 or Windows-1252
// text, [NotUTF8] otherwise. It looks at s alone (one
// field), never converts it, and runs on the error path only.
//
// The rule. GB18030 (GB 18030-2005 § 6; GBK and GB2312 are its one- and
// two-byte part) writes a Chinese character as two bytes, a first byte
// 0x81–0xFE and a second byte 0x40–0x7E or 0x80–0xFE, or, rarely, as
// four, 0x81–0xFE, 0x30–0x39, 0x81–0xFE, 0x30–0x39; ASCII is itself.
// Windows-1252 writes an accented letter as one byte ≥ 0x80, which in
// European text stands between ASCII letters ("Müller": M 0xFC ller).
// So s is taken for GB18030 when
//
//   - every byte ≥ 0x80 of s belongs to such a character, read from the
//     start of s, and
//   - every two-byte character has a second byte ≥ 0x80: the characters
//     of GB2312, the common Chinese ones, all do; a byte ≥ 0x80 followed
//     by an ASCII character is what Windows-1252 text is made of, and
//     a text of such pairs alone is taken for Windows-1252, and
//   - the text is no Windows-1252 word: two such characters stand in a
//     row (four bytes ≥ 0x80 in a row, which no European word has), or
//     one of the bytes is no letter in Windows-1252 (0x80–0xBF but for
//     Š Œ Ž š œ ž Ÿ ª µ º, and × ÷), or a character is of four bytes.
//
// When the first two hold and the third does not (one character of two
// letters, "男" as 0xC4 0xD0 reads "ÄÐ", as "ção" has "çã"), or when s
// has two-byte characters of both shapes ("朱镕基": 镕 is 0xE9 0x46), both
// conversions are named. Any text that is no GB18030 gets [NotUTF8].
//
// A text that is UTF-8 but for a sequence cut short at its end (a field
// cut to a byte length) gets [NotUTF8Cut] when what comes before the
// cut holds a UTF-8 character of three or four bytes (Chinese is of
// three): GBK text makes such a character, and then a cut one, seldom.
// It makes UTF-8 of two-byte characters often ("女" as 0xC5 0xAE is "Ů"
// in UTF-8; one in eight GB2312 characters is so), and a text cut after
// ASCII alone ("Café" with é as 0xE9, a lead byte of UTF-8) is more
// likely Windows-1252 or GBK than UTF-8: both are read by the rule
// above. A one-character UTF-8 text cut short ("张" as 0xE5 0xBC) has no
// such sign and is read as GB18030.
//
// Big5 (Taiwan, Hong Kong) and Shift_JIS write many characters with an
// ASCII second byte, which is what Latin-1 text looks like too: they get
// [NotUTF8]; a Big5 text of second bytes ≥ 0x80 alone reads as GB18030.
func notUTF8(s string) string {
	if cutUTF8(s) {
		return NotUTF8Cut
	}
	var (
		asciiSecond bool // a two-byte character with a second byte < 0x80
		highSecond  bool // one with a second byte ≥ 0x80
		notLatin    bool // a byte that no Windows-1252 word has, or a four-byte character
		inRow       bool // two characters of two or four bytes in a row
		run         int  // characters of two or four bytes in a row so far
	)
	for i := 0; i < len(s); {
		b := s[i]
		if b < 0x80 {
			run = 0
			i++
			continue
		}
		if b == 0x80 || b == 0xff || i+1 >= len(s) {
			return NotUTF8
		}
		switch c := s[i+1]; {
		case c >= '0' && c <= '9':
			if i+3 >= len(s) || s[i+2] < 0x81 || s[i+2] == 0xff || s[i+3] < '0' || s[i+3] > '9' {
				return NotUTF8
			}
			notLatin = true
			i += 4
		case c >= 0x40 && c <= 0x7e:
			asciiSecond = true
			i += 2
		case c >= 0x80 && c <= 0xfe:
			highSecond = true
			notLatin = notLatin || !latinLetter(b) || !latinLetter(c)
			i += 2
		default:
			return NotUTF8
		}
		run++
		inRow = inRow || run >= 2
	}
	switch {
	case asciiSecond && !highSecond && !notLatin:
		return NotUTF8
	case asciiSecond:
		return NotUTF8Either
	case inRow || notLatin:
		return NotUTF8GB
	}
	return NotUTF8Either
}

// latinLetter reports whether Windows-1252 shows the byte b ≥ 0x80 as a
// letter: Š Œ Ž š œ ž Ÿ (0x8A, 0x8C, 0x8E, 0x9A, 0x9C, 0x9E, 0x9F), ª µ º
// (0xAA, 0xB5, 0xBA), and 0xC0–0xFF but × (0xD7) and ÷ (0xF7).
func latinLetter(b byte) bool {
	switch b {
	case 0x8a, 0x8c, 0x8e, 0x9a, 0x9c, 0x9e, 0x9f, 0xaa, 0xb5, 0xba:
		return true
	case 0xd7, 0xf7:
		return false
	}
	return b >= 0xc0
}

// cutUTF8 reports whether s is valid UTF-8 but for a sequence cut short
// at its end (a first byte and fewer continuation bytes than it needs),
// with a character of three or four bytes before it.
func cutUTF8(s string) bool {
	for k := max(0, len(s)-3); k < len(s); k++ {
		if !utf8.FullRuneInString(s[k:]) && utf8.ValidString(s[:k]) {
			return wideRune(s[:k])
		}
	}
	return false
}

// wideRune reports whether s, valid UTF-8, holds a character of three
// or four bytes (U+0800 and above).
func wideRune(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xe0 {
			return true
		}
	}
	return false
}
