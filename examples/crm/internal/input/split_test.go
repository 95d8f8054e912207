package input

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/csvfault"
	"pgregory.net/rapid"
)

// naiveSplit is the reference for walker.cut and walker.split: the first
// n fields of s (all when n ≤ 0) and the number of fields.
func naiveSplit(s string, n int) ([]string, int) {
	all := strings.Split(s, ",")
	if n > 0 && n < len(all) {
		return all[:n], len(all)
	}
	return all, len(all)
}

func TestCutFindsEveryComma(t *testing.T) {
	tests := []string{
		"", ",", ",,", "a", "a,b", ",-5,-6,", "C1,2024-01-01,-1.5,-1", "12345678,", "1234567,8", ",,,,,,,,,,,,,,,,,",
		"C00000001,2025-05-29,O00000001-002,1,2025-PRE-AW-SHI-17-GRY,shirts,2025-PRE-AW,XXS,grey,social,SOCIAL,1,64.95,9.74,55.21,24.50,EUR,consumer,,sale,",
		"\xac,\xff,\x2d\x2c\x2d,\x01,\x00,", "-,-,-,-,-,-,-,-,-,-,-", "héllo,wörld,ünïcode,",
	}
	var w walker
	for _, s := range tests {
		for _, n := range []int{0, 1, 2, 3, 8, 18, 40} {
			want, nf := naiveSplit(s, n)
			r := record{raw: s}
			w.split(&r, n)
			require.Equal(t, want, r.fields, "%q n=%d", s, n)
			require.Equal(t, nf, r.nfields, "%q n=%d", s, n)
			r2 := record{raw: s}
			w.cut(&r2, n)
			require.Equal(t, nf, r2.nfields, "%q n=%d", s, n)
			for i := range want {
				require.Equal(t, want[i], r2.at(i), "%q n=%d field %d", s, n, i)
			}
		}
	}
}

func TestCutAgreesWithStringsSplit(t *testing.T) {
	var w walker
	rapid.Check(t, func(rt *rapid.T) {
		// Bytes near the comma (0x2c) and the borrow cases of the SWAR
		// test: '-' (0x2d), 0x00, 0x01, 0x80 and 0xac.
		b := rapid.SliceOfN(rapid.SampledFrom([]byte{',', '-', '+', 0, 1, 0x80, 0xac, 0xff, 'a', '9', ' ', '"'}), 0, 200).Draw(rt, "line")
		n := rapid.IntRange(-1, 30).Draw(rt, "n")
		s := string(b)
		want, nf := naiveSplit(s, n)
		r := record{raw: s}
		w.split(&r, n)
		if r.nfields != nf || strings.Join(r.fields, "|") != strings.Join(want, "|") || len(r.fields) != len(want) {
			rt.Fatalf("split(%q, %d) = %q (%d fields), want %q (%d)", s, n, r.fields, r.nfields, want, nf)
		}
	})
}

func TestCommaBits(t *testing.T) {
	for b := 0; b < 256; b++ {
		for pos := 0; pos < 8; pos++ {
			// A comma below the byte under test, so that a borrow would
			// show in the inexact test.
			var x uint64
			for i := 0; i < 8; i++ {
				x |= uint64(',') << (8 * i)
			}
			x &^= 0xff << (8 * pos)
			x |= uint64(b) << (8 * pos)
			got := commaBits(x)>>(8*pos+7)&1 == 1
			assert.Equal(t, b == ',', got, "byte %#x at %d", b, pos)
		}
	}
}

func TestBoundaryTellsPlainBlocks(t *testing.T) {
	cut, plain, open, _ := boundary([]byte("a,b\nc,d\ne"), 0)
	assert.Equal(t, 8, cut)
	assert.True(t, plain)
	assert.Equal(t, -1, open)
	cut, plain, open, _ = boundary([]byte("a,\"b\nc\",d\ne"), 0)
	assert.Equal(t, 10, cut)
	assert.False(t, plain)
	assert.Equal(t, -1, open)
}

func TestCategoryIndexesSurviveSlotCollisions(t *testing.T) {
	s := newShard(nil, zero4)
	// Same length and outer bytes: the same slot.
	names := []string{"axb", "ayb", "azb", "a b", "jeans", "shirts", "axb"}
	want := map[string]int{}
	for round := 0; round < 3; round++ {
		for _, n := range names {
			i := s.category(string([]byte(n))) // not the memory of the slot
			if w, ok := want[n]; ok {
				require.Equal(t, w, i, n)
			}
			want[n] = i
			require.Equal(t, n, s.cats[i])
		}
	}
	require.Len(t, s.cats, 6)
}

// frame cuts data, the whole input, into records as the readers do.
func frame(data []byte) (recs [][]string, lines []int, errs []*RowError) {
	w := walker{name: "f.csv"}
	c := &chunk{data: data, line: 1, last: true, plain: bytes.IndexByte(data, '"') < 0}
	cur := newCursor(c)
	var rec record
	for {
		re, ok := w.next(&cur, &rec)
		if !ok {
			break
		}
		if re != nil {
			recs, lines, errs = append(recs, nil), append(lines, re.Line), append(errs, re)
			continue
		}
		if rec.fields == nil {
			w.split(&rec, 0)
		}
		recs, lines, errs = append(recs, slices.Clone(rec.fields)), append(lines, rec.line), append(errs, nil)
	}
	return recs, lines, errs
}

// FuzzRecordsMatchEncodingCSV checks the readers' records against
// encoding/csv: the same fields on the same lines up to the first error,
// which is reported at the line where its record starts; and a malformed
// record takes one line only, so that what follows is read.
func FuzzRecordsMatchEncodingCSV(f *testing.F) {
	f.Add([]byte("a,b\nc,\"d\ne\",f\r\n\n\"g\"\"h\",i\r"))
	f.Add([]byte("a,\"b\nc,d\ne,f\n"))
	f.Add([]byte("a,b\"c\nd,e\n"))
	f.Add([]byte("a,\"b\nc\"d,e\nf,g\n"))
	f.Add([]byte("\"a\"\r\r\nb\n"))
	f.Add([]byte("\"\n\",0\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, lines, errs := frame(data)
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		for i := 0; ; i++ {
			want, err := cr.Read()
			if err == io.EOF {
				require.Len(t, recs, i)
				break
			}
			require.Less(t, i, len(recs), "record %d", i)
			if err != nil {
				var pe *csv.ParseError
				require.ErrorAs(t, err, &pe)
				require.NotNil(t, errs[i], "record %d", i)
				require.Equal(t, pe.StartLine, lines[i])
				// The reason is encoding/csv's, with a hint after it.
				require.Equal(t, pe.Err.Error(), strings.TrimSuffix(errs[i].Reason, csvfault.HintSpaceQuote))
				break
			}
			require.Nil(t, errs[i], "record %d", i)
			require.Equal(t, want, recs[i], "record %d", i)
			l, _ := cr.FieldPos(0)
			require.Equal(t, l, lines[i], "record %d", i)
		}
		// Every malformed record is one line: the next record starts on
		// the next line or later.
		for i, e := range errs {
			if e != nil && i+1 < len(lines) {
				require.Greater(t, lines[i+1], lines[i])
			}
		}
	})
}

// TestStrayQuoteCostsOneLine: a quote that opens a field and never closes
// (or closes a megabyte later) makes its line malformed, at that line,
// and the lines after it are read; the blocks the input is read in stay
// bounded.
func TestStrayQuoteCostsOneLine(t *testing.T) {
	const head = "customer_id,date,amount,category\n"
	var b strings.Builder
	b.WriteString(head)
	n := 0
	row := func(s string) {
		b.WriteString(s)
		n++
	}
	for i := 0; i < 99; i++ {
		row(fmt.Sprintf("C%d,2024-01-01,%d,x\n", i, i+1))
	}
	row("C100,2024-01-01,\"101,x\n") // line 101
	for i := 101; i < 60000; i++ {
		cat := "x"
		if i%5000 == 0 {
			cat = "\"coats, wool\"" // a quote the stray one would pair with
		}
		row(fmt.Sprintf("C%d,2024-01-01,%d,%s\n", i, i+1, cat))
	}
	data := []byte(b.String())
	res := readBothWays(t, data, `f.csv:101: amount "\"101,x": extraneous or missing " in quoted-field`)
	assert.EqualValues(t, n, res.Rows)
	assert.EqualValues(t, 1, res.Skipped)
	assert.Len(t, res.Summaries, n-1)
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	// The same, closed 5 MB later by a quote at the end of a line.
	b.Reset()
	b.WriteString(head + "C1,2024-01-01,\"1,x\n")
	for i := 0; i < 300000; i++ {
		b.WriteString("C9,2024-01-01,1,x\n")
	}
	b.WriteString("C9,2024-01-01,1,x\"\nC9,2024-01-01,1,x\n")
	big := []byte(b.String())
	o.SkipInvalid = true
	tab, err := ScanCSV(bytes.NewReader(big), "f.csv", o, 2)
	require.NoError(t, err)
	assert.EqualValues(t, 300003, tab.Rows)
	assert.EqualValues(t, 2, tab.Skipped, "the stray quote and the bare quote at the end")
	require.Len(t, tab.Errors, 2)
	assert.EqualError(t, tab.Errors[0], `f.csv:2: amount "\"1,x": extraneous or missing " in quoted-field`)
	assert.EqualError(t, tab.Errors[1], `f.csv:300003: category "x\"": bare " in non-quoted-field`)

	// Blocks of 64 kB: the one that holds the open quote grows to about
	// the bound, not to the end of the input.
	defer func(n int) { chunkBytes = n }(chunkBytes)
	chunkBytes = 64 << 10
	sp := &splitter{r: bytes.NewReader(big), name: "f.csv", line: 1}
	largest := 0
	for {
		c := sp.next()
		largest = max(largest, cap(c.data))
		if c.last {
			break
		}
	}
	assert.Less(t, largest, 3*MaxLineBytes)
	assert.Greater(t, len(big), 2*MaxLineBytes, "the test needs more input than that")
}

// TestStrayQuoteClosedLinesLaterCostsItsLine: a quote that opens a field
// and is closed lines later (by an inch mark at the end of a line, or in
// the middle of a field) makes a record encoding/csv reads; it has the
// wrong number of fields, or takes in lines that are rows of their own,
// so its first line is malformed and the lines after it are read. A line
// break within a quoted field of free text is read.
func TestStrayQuoteClosedLinesLaterCostsItsLine(t *testing.T) {
	const head = "customer_id,date,amount,category\n"
	tests := []struct {
		name    string
		open    string // the line with the stray quote
		between int    // good lines after it
		close   string // the line with the quote that closes it
		errs    []string
	}{
		{"closed at the end of a line", "C100,2024-01-01,\"101,x\n", 9, "C200,2024-01-01,201,W32\"\n",
			[]string{`f.csv:3: amount "\"101,x": extraneous or missing " in quoted-field`, `f.csv:13: category "W32\"": bare " in non-quoted-field`}},
		{"opened in the last field, closed at the end of a line", "C100,2024-01-01,101,\"x\n", 9, "C200,2024-01-01,201,W32\"\n",
			[]string{`f.csv:3: category "\"x": extraneous or missing " in quoted-field`, `f.csv:13: category "W32\"": bare " in non-quoted-field`}},
		{"closed in the middle of a field, right count", "C100,2024-01-01,\"101,x\n", 9, "C200,2024-01-01,W32\",x\n",
			[]string{`f.csv:3: amount "\"101,x": extraneous or missing " in quoted-field`, `f.csv:13: amount "W32\"": bare " in non-quoted-field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString(head + "C1,2024-01-01,1,x\n")
			b.WriteString(tt.open)
			for i := range tt.between {
				fmt.Fprintf(&b, "C%d,2024-01-01,%d,x\n", 101+i, 1+i)
			}
			b.WriteString(tt.close)
			b.WriteString("C300,2024-01-01,3,\"coats\nwool\"\nC301,2024-01-01,4,x\n")
			res := readBothWays(t, []byte(b.String()), tt.errs[0])
			rows := 1 + 1 + tt.between + 1 + 2 // the record over two lines is one
			assert.EqualValues(t, rows, res.Rows)
			assert.EqualValues(t, 2, res.Skipped)
			require.Len(t, res.Errors, 2)
			for i, e := range res.Errors {
				assert.EqualError(t, e, tt.errs[i])
			}
			assert.Len(t, res.Summaries, rows-2, "every good line is read")
		})
	}
}

// A malformed record whose fault encoding/csv finds lines after its
// first (here a stray quote closed on the next line, then a field opened
// again and found wrong on the line after) is reported alike however the
// input is cut into blocks: the column its error names is that of the
// field where a read of the whole input finds the fault, not the one
// where a block that ends within those lines would leave it open.
func TestMalformedRecordIsReportedAlikeWhereverBlocksEnd(t *testing.T) {
	data := []byte("customer_id,date,amount,quantity,order_id,cost,category\n" +
		" C1,2023-02-29,12.34,1,B,0.5,\"open\nC1,2024-02-29,5\",-1,A,,\"open\nC1,2024-02-29,12.34,x,,-1,\"two\nlines\"\n" +
		"C2,2024-03-01,1,1,,,x\n")
	for _, skip := range []bool{false, true} {
		o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: skip}
		want := summarizeBytes(data, o)
		if !skip {
			require.Equal(t, "error: f.csv:2: extraneous or missing \" in quoted-field", want)
		}
		func() {
			defer func(n int) { chunkBytes = n }(chunkBytes)
			for n := 1; n <= len(data); n++ {
				chunkBytes = n
				for _, workers := range []int{1, 2} {
					got := tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, workers))
					require.Equal(t, want, got, "blocks of %d bytes, %d workers", n, workers)
					cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
					require.NoError(t, err)
					require.Equal(t, want, outcome(Summarize(cr, "f.csv", o)), "the exact reader, blocks of %d bytes", n)
				}
			}
		}()
	}
}

// readBothWays reads data as of 2024-12-31: without -skip-invalid it
// requires the error stop, with it it returns the result; both ways, the
// scan agrees with the exact reader (checkScan).
func readBothWays(t *testing.T, data []byte, stop string) *Result {
	t.Helper()
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	var res *Result
	for _, skip := range []bool{false, true} {
		o.SkipInvalid = skip
		cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
		require.NoError(t, err)
		r, err := Summarize(cr, "f.csv", o)
		if !skip {
			require.EqualError(t, err, stop)
		} else {
			require.NoError(t, err)
			res = r
		}
		checkScan(t, data, o)
	}
	return res
}

// TestQuotedFieldLongerThanTheLimitIsABadRow: a quoted field still open
// MaxLineBytes bytes after the start of its record, whether it closes
// later or never, is a malformed row reported at the record's first line,
// naming the column and the limit: without -skip-invalid it stops the
// file there; with it, that line is skipped and the input goes on with
// the next line, the same way in both readers however the input is cut
// into blocks. In the header it stops the file either way. A record of
// exactly the limit is read.
func TestQuotedFieldLongerThanTheLimitIsABadRow(t *testing.T) {
	const head = "customer_id,date,amount,note\n"
	// A note of n bytes over lines of 64 bytes, none of them a row.
	note := func(n int) string {
		line := strings.Repeat("n", 63) + "\n"
		s := strings.Repeat(line, n/len(line))
		return s + strings.Repeat("m", n-len(s))
	}
	// Rows after the long record: the file is read in more than one
	// block.
	rows := strings.Repeat("C3,2024-01-02,2,x\n", (2*MaxLineBytes)/18)
	tooLong := func(line int, col string) string {
		return fmt.Sprintf("f.csv:%d: %srecord longer than %d bytes: its quoted field is still open there (a quote missing, or a field that long)",
			line, col, MaxLineBytes)
	}
	rec := "C1,2024-01-01,1,\"" // the start of the record on line 3
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	for _, tc := range []struct {
		name, data, err string
		ids             []customer.ID // the customers read with -skip-invalid
	}{
		{"closed past the limit", head + "C0,2024-01-01,1,x\n" + rec + note(MaxLineBytes) + "\"\n" + rows, tooLong(3, "note: "), []customer.ID{"C0", "C3"}},
		{"never closed", head + "C0,2024-01-01,1,x\n" + rec + note(MaxLineBytes+1000), tooLong(3, "note: "), []customer.ID{"C0"}},
		{"never closed, rows after", head + "C0,2024-01-01,1,x\n" + rec + note(MaxLineBytes+1000) + "\n" + rows, tooLong(3, "note: "), []customer.ID{"C0", "C3"}},
		{"one byte over", head + "C0,2024-01-01,1,x\n" + rec + note(MaxLineBytes-len(rec)) + "\"\n" + rows, tooLong(3, "note: "), []customer.ID{"C0", "C3"}},
		{"into a long last line", head + "C0,2024-01-01,1,x\n" + rec + "a\n" + strings.Repeat("z", MaxLineBytes+10) + "\"", tooLong(3, "note: "), []customer.ID{"C0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o.SkipInvalid = false
			require.Equal(t, "error: "+tc.err, summarizeBytes([]byte(tc.data), o))
			checkScan(t, []byte(tc.data), o)
			o.SkipInvalid = true
			r, err := NewCSVReader(strings.NewReader(tc.data), "f.csv")
			require.NoError(t, err)
			res, err := Summarize(r, "f.csv", o)
			require.NoError(t, err)
			require.NotEmpty(t, res.Errors)
			assert.Equal(t, tc.err, res.Errors[0].Error())
			var ids []customer.ID
			for _, s := range res.Summaries {
				ids = append(ids, s.CustomerID)
			}
			assert.Equal(t, tc.ids, ids)
			checkScan(t, []byte(tc.data), o)
		})
	}
	data := "customer_id,date,amount,\"" + note(MaxLineBytes) + "\"\n" + rows
	for _, skip := range []bool{false, true} {
		o.SkipInvalid = skip
		got := summarizeBytes([]byte(data), o)
		require.Equal(t, fmt.Sprintf("error: f.csv:1: header: record longer than %d bytes: its quoted field is still open there (a quote missing, or a field that long)", MaxLineBytes), got)
		checkScan(t, []byte(data), o)
	}
	// At the limit: the record is MaxLineBytes bytes long without its
	// line break, as a line may be.
	data = head + rec + note(MaxLineBytes-len(rec)-1) + "\"\n" + rows
	o.SkipInvalid = false
	res, err := readCSV(t, data, o)
	require.NoError(t, err)
	assert.EqualValues(t, 1+strings.Count(rows, "\n"), res.Rows)
	checkScan(t, []byte(data), o)
}

// TestLimitLeavesOutCRLF: MaxLineBytes bounds a line without its line
// break, which in a file of CRLF line ends is the CR and the LF: a file
// and its CRLF twin are read alike, a line of exactly the limit read and
// one a byte longer refused, in both csv readers however the input is
// cut, and in the cdnow format; so a quoted record whose last line break
// is a CRLF.
func TestLimitLeavesOutCRLF(t *testing.T) {
	const head = "customer_id,date,amount,note"
	pad := func(s string, n int) string { return s + strings.Repeat("n", n-len(s)) }
	for _, n := range []int{MaxLineBytes - 1, MaxLineBytes, MaxLineBytes + 1} {
		lines := []string{head, "C0,2024-01-01,1,x", pad("C1,2024-01-01,1,", n), pad("C2,2024-01-01,2,\"", n-1) + "\"", "C3,2024-01-02,3,y", pad("C4,2024-01-03,4,", n)}
		for _, skip := range []bool{false, true} {
			o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: skip}
			for _, end := range []string{"", "\n"} {
				lf := strings.Join(lines, "\n") + end
				crlf := strings.Join(lines, "\r\n") + strings.ReplaceAll(end, "\n", "\r\n")
				want := summarizeBytes([]byte(lf), o)
				require.Equal(t, want, summarizeBytes([]byte(crlf), o), "line of %d bytes, skip %v, end %q", n, skip, end)
				checkScan(t, []byte(crlf), o)
			}
		}
	}
	// A quoted record over lines, of the limit without its last line
	// break, a CRLF.
	rec := "C1,2024-01-01,1,\"" + strings.Repeat(strings.Repeat("n", 62)+"\r\n", MaxLineBytes/64-1)
	data := head + "\r\n" + pad(rec, MaxLineBytes-1) + "\"\r\nC2,2024-01-02,2,y\r\n"
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	res, err := readCSV(t, data, o)
	require.NoError(t, err)
	assert.EqualValues(t, 2, res.Rows)
	checkScan(t, []byte(data), o)

	cd := func(n int, eol string) string {
		return "1 19970101 1 1" + eol + pad("2 19970102 1 2 ", n) + eol + "3 19970103 1 3" + eol
	}
	for _, n := range []int{MaxLineBytes, MaxLineBytes + 1} {
		lf := outcome(Summarize(NewCDNOWReader(strings.NewReader(cd(n, "\n")), "c.txt"), "c.txt", Options{AsOf: customer.DateFromYMD(1998, 1, 1), SkipInvalid: true}))
		crlf := outcome(Summarize(NewCDNOWReader(strings.NewReader(cd(n, "\r\n")), "c.txt"), "c.txt", Options{AsOf: customer.DateFromYMD(1998, 1, 1), SkipInvalid: true}))
		assert.Equal(t, lf, crlf, "cdnow line of %d bytes", n)
	}
}
