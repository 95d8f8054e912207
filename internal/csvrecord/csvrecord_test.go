package csvrecord

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// csvText draws a short csv-like text of the pieces that decide where
// records end: commas, quotes, doubled quotes, line breaks (LF, CRLF, a
// lone CR) and text.
func csvText(t *rapid.T, label string) []byte {
	pieces := rapid.SliceOfN(rapid.SampledFrom([]string{"a", "bc", ",", ",", "\"", "\"\"", "\n", "\n", "\r\n", "\r", "a,b,c\n"}), 0, 40).Draw(t, label)
	return []byte(strings.Join(pieces, ""))
}

// TestScanOfPrefix: where Scan tells the end of a record from a prefix of
// the input (eof not set), it tells the one it tells from the whole
// input, with the same scanned end and open field: a reader that sees a
// file a block at a time cuts it where a reader of the whole file does.
func TestScanOfPrefix(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := csvText(t, "text")
		width := rapid.IntRange(0, 4).Draw(t, "width")
		limit := rapid.IntRange(1, 24).Draw(t, "limit")
		starts := []int{0}
		for i, c := range b {
			if c == '\n' && i+1 < len(b) {
				starts = append(starts, i+1)
			}
		}
		i := rapid.SampledFrom(starts).Draw(t, "i")
		n := rapid.IntRange(i, len(b)).Draw(t, "prefix")
		end, scanned, open := Scan(b[:n], i, false, width, limit)
		if end < 0 {
			if scanned != -1 || open != -1 {
				t.Fatalf("undecided, scanned %d, open %d", scanned, open)
			}
			return
		}
		wend, wscanned, wopen := Scan(b, i, true, width, limit)
		if end != wend || scanned != wscanned || open != wopen {
			t.Fatalf("prefix %d: (%d, %d, %d), whole input: (%d, %d, %d)", n, end, scanned, open, wend, wscanned, wopen)
		}
		if end <= i || scanned < end {
			t.Fatalf("end %d, scanned %d of a record at %d", end, scanned, i)
		}
		if first := LineEnd(b, i, true); end > first+1 && end-i > limit+2 {
			t.Fatalf("a record of several lines ends at %d, more than limit+2 after %d", end, i)
		}
	})
}
