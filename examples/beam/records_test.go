package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/internal/csvrecord"
	"pgregory.net/rapid"
)

// emitted is a record as the reader emits it.
type emitted struct {
	Off int64
	csvRecord
}

func (e emitted) String() string { return fmt.Sprintf("%d:%q/%d", e.Off, e.Text, e.Long) }

// sequential returns the records of the data of b, from start, as a read
// of the whole file from there finds them (csvrecord.Scan), the
// Ctrl-Z marks at the end left out.
func sequential(b []byte, start int64, width, limit int) []emitted {
	for len(b) > 0 && b[len(b)-1] == 0x1a {
		b = b[:len(b)-1]
	}
	var out []emitted
	for i := int(start); i < len(b); {
		end, scanned, open := csvrecord.Scan(b, i, true, width, limit)
		out = append(out, emitted{int64(i), csvRecord{Text: recordText(b[i:scanned]), Long: open + 1}})
		i = end
	}
	return out
}

// memOpen opens b at an offset, as openAt opens a file.
func memOpen(b []byte) func(int64) (io.ReadCloser, error) {
	return func(off int64) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b[min(off, int64(len(b))):])), nil
	}
}

// readRange reads the records of rest as a worker does, and, when split
// is in (0, 1), splits the restriction after the first record as a
// runner does while it is read: the residual, if any, is returned.
func readRange(t require.TestingT, fn *recordsFn, b []byte, rest offsetrange.Restriction, split float64) ([]emitted, *offsetrange.Restriction) {
	rt := fn.CreateTracker(rest)
	w := fn.window(memOpen(b))
	defer w.close()
	var out []emitted
	var residual *offsetrange.Restriction
	err := w.records(rt, func(off int64, r csvRecord) {
		out = append(out, emitted{off, r})
		if split > 0 && residual == nil {
			_, res, err := rt.TrySplit(split)
			require.NoError(t, err)
			if res != nil {
				r := res.(offsetrange.Restriction)
				residual = &r
			} else {
				split = 0
			}
		}
	})
	require.NoError(t, err)
	require.NoError(t, rt.GetError())
	require.True(t, rt.IsDone(), "restriction %v done", rt.GetRestriction())
	return out, residual
}

// fieldGen draws a field of a csv file of the sorts that decide where
// records end.
func fieldGen(width, limit int) *rapid.Generator[string] {
	row := strings.Repeat("r,", width-1) + "r"
	return rapid.SampledFrom([]string{
		"x", "12", "", " ", `"a,b"`, "\"l1\nl2\"", "\"l1\r\nl2\"", `"say ""hi"""`, `W32"`, `"open`,
		`"`, `""`, "\"\n\"", "\"a\n\nb\"", "\"" + row + "\"", "\"x\n" + row + "\ny\"", "\"x\n" + row,
		"\"" + strings.Repeat("n", limit) + "\"", "\"" + strings.Repeat("n\n", limit/2+1) + "\"",
		strings.Repeat("z", limit+1), "a\rb",
	})
}

// csvFile draws a csv file: a header of width fields, rows of drawn
// fields, of the header's width or not, ending with LF or CRLF, empty
// lines, the last line with or without its line break, and Ctrl-Z marks
// after it or none.
func csvFile(t *rapid.T, width, limit int) []byte {
	var b bytes.Buffer
	for i := range width {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "h%d", i)
	}
	b.WriteString("\n")
	field := fieldGen(width, limit)
	// opener is a row whose last field opens a quote that the next such
	// row closes: two lines that read as a record from either one.
	opener := strings.Repeat("a,", width-1) + "\"\n"
	for range rapid.IntRange(0, 30).Draw(t, "rows") {
		if rapid.IntRange(0, 3).Draw(t, "opener") == 0 {
			b.WriteString(strings.Repeat(opener, rapid.IntRange(1, 12).Draw(t, "openers")))
			continue
		}
		n := width
		if rapid.IntRange(0, 4).Draw(t, "odd width") == 0 {
			n = rapid.IntRange(1, width+1).Draw(t, "fields")
		}
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(field.Draw(t, "field"))
		}
		b.WriteString(rapid.SampledFrom([]string{"\n", "\n", "\r\n", "\n\n"}).Draw(t, "end"))
	}
	if rapid.Bool().Draw(t, "no last line break") {
		b.Truncate(len(bytes.TrimRight(b.Bytes(), "\r\n")))
	}
	b.WriteString(strings.Repeat("\x1a", rapid.IntRange(0, 2).Draw(t, "ctrl-z")))
	return b.Bytes()
}

// TestRecordsSplitProperty: however a file is cut into byte ranges, and
// however a runner splits a range while it is read, the records the
// reader emits over the ranges are those of a read of the data from its
// start, offset by offset and text by text, each once: the file of
// quoted line breaks, CRLF, doubled and stray quotes, rows of the
// header's width within quotes and records longer than the limit (a
// small one).
func TestRecordsSplitProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		width := rapid.IntRange(1, 5).Draw(t, "width")
		limit := rapid.IntRange(3, 40).Draw(t, "limit")
		b := csvFile(t, width, limit)
		start := int64(bytes.IndexByte(b, '\n') + 1)
		if rapid.Bool().Draw(t, "data from 0") {
			start = 0
		}
		fn := &recordsFn{Start: start, Width: width, limit: limit, chunk: rapid.IntRange(1, 16).Draw(t, "chunk")}
		want := sequential(b, start, width, limit)
		cuts := rapid.SliceOfNDistinct(rapid.Int64Range(1, max(1, int64(len(b))-1)), 0, 12, rapid.ID).Draw(t, "cuts")
		cuts = append(cuts, 0, int64(len(b)))
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		split := rapid.SampledFrom([]float64{0, 0, 0.1, 0.5}).Draw(t, "split")
		var got []emitted
		for i := 1; i < len(cuts); i++ {
			rest := &offsetrange.Restriction{Start: cuts[i-1], End: cuts[i]}
			for rest != nil {
				var out []emitted
				out, rest = readRange(t, fn, b, *rest, split)
				got = append(got, out...)
			}
		}
		if !slices.Equal(want, got) {
			t.Fatalf("file %q, start %d:\nwant %v\n got %v", b, start, want, got)
		}
	})
}

// TestSynchronizeQuoteAll reads a file whose every field is quoted, where
// the quick way to the first record of a range never applies: the
// records of the anchor's candidates meet before the range starts, and
// every range starts at the record a read from the start finds.
func TestSynchronizeQuoteAll(t *testing.T) {
	const limit = 30
	var b bytes.Buffer
	b.WriteString("customer_id,date,amount\n")
	for i := range 40 {
		fmt.Fprintf(&b, "\"c%d\",\"2024-01-%02d\",\"%d\"\n", i, 1+i%28, i)
	}
	data := b.Bytes()
	start := int64(len("customer_id,date,amount\n"))
	fn := &recordsFn{Start: start, Width: 3, limit: limit, chunk: 7}
	want := sequential(data, start, 3, limit)
	w := fn.window(memOpen(data))
	defer w.close()
	for p := start + 2*limit + 5; p < int64(len(data)); p++ {
		q, ok, err := w.synchronize(p-limit-2, p)
		require.NoError(t, err)
		require.True(t, ok, "converges before %d", p)
		assert.True(t, slices.ContainsFunc(want, func(e emitted) bool { return e.Off == q }), "%d starts a record", q)
		got, err := w.firstRecord(p)
		require.NoError(t, err)
		i := slices.IndexFunc(want, func(e emitted) bool { return e.Off >= p })
		if i < 0 {
			assert.Equal(t, int64(len(data)), got, "p %d", p)
		} else {
			assert.Equal(t, want[i].Off, got, "p %d", p)
		}
	}
	for block := int64(1); block < int64(len(data)); block += 13 {
		fn.Block = block
		var got []emitted
		file := fileio.ReadableFile{Metadata: fileio.FileMetadata{Size: int64(len(data))}}
		for _, rest := range fn.SplitRestriction(file, fn.CreateInitialRestriction(file)) {
			out, _ := readRange(t, fn, data, rest, 0)
			got = append(got, out...)
		}
		require.Equal(t, want, got, "block %d", block)
	}
}

// TestSynchronizeMovesBack reads a file where two readings of the same
// lines are both records of the header's width, `a,b,"` then `c,d,"`
// (a record of two lines, from either line), for more than W bytes
// before a range starts: the chains from an anchor W bytes before it do
// not meet before it, the one from an anchor 2W before it, in plain
// rows, does; and with such lines from the start of the data, only a
// read from the start tells the records.
func TestSynchronizeMovesBack(t *testing.T) {
	const limit = 40
	const W = limit + 2
	head := "customer_id,date,amount\n"
	var b strings.Builder
	b.WriteString(head)
	for i := 0; b.Len() < len(head)+3*W; i++ {
		fmt.Fprintf(&b, "c%d,2024-01-01,%d\n", i, i)
	}
	plain := b.Len()
	for i := 0; b.Len() < plain+3*W; i++ {
		fmt.Fprintf(&b, "a%d,b,\"\n", i)
	}
	data := []byte(b.String())
	start := int64(len(head))
	fn := &recordsFn{Start: start, Width: 3, limit: limit, chunk: 5}
	want := sequential(data, start, 3, limit)
	w := fn.window(memOpen(data))
	defer w.close()
	// A range that starts on the second line of a record: a line start
	// is no record start.
	p := int64(plain + W + 10)
	for slices.ContainsFunc(want, func(e emitted) bool { return e.Off == firstLineStart(data, p) }) {
		p++
	}
	_, ok, err := w.synchronize(p-W, p)
	require.NoError(t, err)
	assert.False(t, ok, "the chains from p-W do not meet before p")
	q, ok, err := w.synchronize(p-2*W, p)
	require.NoError(t, err)
	require.True(t, ok, "the chains from p-2W meet before p")
	assert.Less(t, q, int64(plain))
	got, err := w.firstRecord(p)
	require.NoError(t, err)
	i := slices.IndexFunc(want, func(e emitted) bool { return e.Off >= p })
	assert.Equal(t, want[i].Off, got)

	// The same lines from the start of the data: no anchor helps.
	data = []byte(head + strings.Repeat("a,b,\"\nc,d,\"\n", 3*W/5))
	want = sequential(data, start, 3, limit)
	for block := int64(3); block < int64(len(data)); block += 7 {
		fn.Block = block
		var got []emitted
		file := fileio.ReadableFile{Metadata: fileio.FileMetadata{Size: int64(len(data))}}
		for _, rest := range fn.SplitRestriction(file, fn.CreateInitialRestriction(file)) {
			out, _ := readRange(t, fn, data, rest, 0)
			got = append(got, out...)
		}
		require.Equal(t, want, got, "block %d", block)
	}
}

// firstLineStart is the first line start at p or after it.
func firstLineStart(b []byte, p int64) int64 {
	if b[p-1] == '\n' {
		return p
	}
	return p + int64(bytes.IndexByte(b[p:], '\n')) + 1
}

// BenchmarkRecords reads a file of generated rows without quotes in one
// range, as a worker reads a block: the commonest input, which must
// read as fast as lines do.
func BenchmarkRecords(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("customer_id,date,amount,order_id,quantity,cost,currency,kind,category\n")
	for i := 0; buf.Len() < 16<<20; i++ {
		fmt.Fprintf(&buf, "C%08d,2023-09-19,211.65,O%08d-001,2,98.93,EUR,consumer,coats\n", i%50000, i)
	}
	path := writeFile(b, buf.String())
	file := fileio.ReadableFile{Metadata: fileio.FileMetadata{Path: path, Size: int64(buf.Len())}}
	fn := &recordsFn{Start: int64(bytes.IndexByte(buf.Bytes(), '\n') + 1), Width: 9}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		rest := fn.CreateInitialRestriction(file)
		err := fn.ProcessElement(context.Background(), fn.CreateTracker(rest), file, func(int64, csvRecord) { n++ })
		if err != nil || n == 0 {
			b.Fatal(err, n)
		}
	}
}

// TestReadHeaderOverLines reads the header as crm does, as a csv record:
// a quoted name may hold a line break, and the data starts after the
// record; a header line or record longer than the limit is an error at
// its line, in crm's words.
func TestReadHeaderOverLines(t *testing.T) {
	text := "\n\"sep=,\"\r\ncustomer_id,date,amount,\"no\r\nte\"\r\nc1,2024-01-02,10,x\r\n"
	l, names, start, err := readHeaderNames(context.Background(), writeFile(t, text))
	require.NoError(t, err)
	assert.Equal(t, 4, l.Fields)
	assert.Equal(t, []string{"customer_id", "date", "amount", "no\nte"}, names, "encoding/csv reads CRLF within quotes as LF")
	assert.Equal(t, int64(strings.Index(text, "c1,")), start)

	long := "customer_id,date,amount,\"" + strings.Repeat("x\n", maxLineBytes/2+10) + "\"\nc1,2024-01-02,10,x\n"
	_, _, _, err = readHeaderNames(context.Background(), writeFile(t, "\n"+long))
	require.Error(t, err)
	assert.Regexp(t, `orders\.csv:2: header: record longer than 1048576 bytes: its quoted field is still open there`, err.Error())

	_, _, _, err = readHeaderNames(context.Background(), writeFile(t, "customer_id,date,amount,"+strings.Repeat("y", maxLineBytes)+"\n"))
	require.Error(t, err)
	assert.Regexp(t, `orders\.csv:1: header: line longer than 1048576 bytes$`, err.Error())
}

// TestRecordText: a record's text leaves out the line break that ends
// it, LF, CRLF, or a CR at the end of the file, and nothing more.
func TestRecordText(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "\n": "", "\r\n": "", "\r": "", "a": "a", "a\n": "a", "a\r\n": "a", "a\r": "a",
		"a\r\r\n": "a\r", "a\n\n": "a\n", "\"x\r\ny\"\r\n": "\"x\r\ny\"",
	} {
		assert.Equal(t, want, recordText([]byte(in)), "%q", in)
	}
}
