package input

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotTextWhateverTheReads: an input that is no text is told for what
// it is also when it comes a byte a read (a pipe), in both formats, and
// a text input, of any length, with or without a byte order mark, reads
// as it is whatever the size of the reads, the shortest ones included.
func TestNotTextWhateverTheReads(t *testing.T) {
	for magic, want := range map[string]string{
		"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03": "gzip-compressed",
		"BZh91AY&SY\x14\x52\x88\xf0":               "bzip2-compressed",
		"\xfd7zXZ\x00\x00\x04\xe6\xd6":             "xz-compressed",
		"PAR1\x15\x04\x15\x10":                     "a Parquet file",
		"c\x00u\x00s\x00t\x00o\x00m\x00":           "UTF-16LE text without a byte order mark",
	} {
		for _, r := range []io.Reader{
			iotest.OneByteReader(bytes.NewReader([]byte(magic))),
			iotest.HalfReader(bytes.NewReader([]byte(magic))),
		} {
			_, err := NewCSVReader(r, "f.csv")
			require.Error(t, err, "%q", magic)
			assert.Contains(t, err.Error(), "f.csv: the file is "+want, "%q", magic)
		}
		_, err := Summarize(NewCDNOWReader(iotest.OneByteReader(bytes.NewReader([]byte(magic))), "f.txt"), "f.txt", Options{AsOf: day(t, "2024-12-31")})
		require.Error(t, err, "%q", magic)
		assert.Contains(t, err.Error(), "f.txt: the file is "+want, "%q", magic)
	}
	// Near misses are text: bzip2's magic needs its block magic too.
	for _, text := range []string{"", "a", "\ufeff", "\ufeffab", "BZh9", "BZh9 customer", "PAR1,customer_id", "customer_id,date,amount\n"} {
		for _, size := range []int{1, 2, 3, 9, 10, 11, 4096} {
			got, err := io.ReadAll(&chunkReader{r: skipBOM(bytes.NewReader([]byte(text)), "f.csv"), size: size})
			require.NoError(t, err, "%q, reads of %d", text, size)
			want := text
			if len(want) >= 3 && want[:3] == "\ufeff" {
				want = want[3:]
			}
			assert.Equal(t, want, string(got), "%q, reads of %d", text, size)
		}
	}
}

// chunkReader reads r into buffers of size bytes.
type chunkReader struct {
	r    io.Reader
	size int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(p) > c.size {
		p = p[:c.size]
	}
	return c.r.Read(p)
}
