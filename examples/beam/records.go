package main

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"
	"github.com/tailorcrm/tailor/internal/csvrecord"
)

// csvRecord is one csv record of a file, as the reader cuts it: a quoted
// field may hold line breaks, so it may span lines.
type csvRecord struct {
	// Text is the record without the line break that ends it (LF or
	// CRLF). For a malformed record, which ends with its first line, it
	// runs to the end of the line where encoding/csv finds it wrong
	// (csvrecord.Scan's scanned), as crm reads it to name the field at
	// fault.
	Text string
	// Long, for a record longer than the limit (csvrecord.Scan), is one
	// more than the index of its field still open there; 0 for any
	// other record.
	Long int
}

// recordsFn is a splittable DoFn that emits every csv record of the data
// of a file, those after the header, with the byte offset at which it
// starts, as crm reads them (csvrecord): a record belongs to the byte
// range in which it starts, as a line does in textio.Read. The offset
// orders the rows as the file does, which is what makes the result
// independent of how the file was split: of the rows of one order, the
// first sale in the file counts the order.
//
// A reader whose range starts within the data finds the first record
// that starts there or after it, the one a read of the data from its
// start finds (firstRecord), so that every record is read once, however
// the file is split, also when a runner splits a range while it is read.
type recordsFn struct {
	// Block is the size of the byte ranges; blockSize when 0.
	Block int64
	// Start is the byte offset of the data, after the header; Width is
	// the header's number of fields (csvrecord.Scan).
	Start int64
	Width int
	// limit is the longest record (csvrecord.MaxLineBytes when 0), and
	// chunk the least number of bytes read at a time (1 MiB when 0):
	// smaller in tests.
	limit, chunk int
}

// CreateInitialRestriction is the whole file.
func (fn *recordsFn) CreateInitialRestriction(file fileio.ReadableFile) offsetrange.Restriction {
	return offsetrange.Restriction{Start: 0, End: file.Metadata.Size}
}

// SplitRestriction splits a file into blocks of Block bytes (a last one
// of a quarter of that or less joins the one before).
func (fn *recordsFn) SplitRestriction(_ fileio.ReadableFile, rest offsetrange.Restriction) []offsetrange.Restriction {
	block := fn.Block
	if block <= 0 {
		block = blockSize
	}
	splits := rest.SizedSplits(block)
	if n := len(splits); n > 1 && splits[n-1].End-splits[n-1].Start <= block/4 {
		splits[n-2].End = splits[n-1].End
		splits = splits[:n-1]
	}
	return splits
}

// RestrictionSize is the number of bytes of a restriction.
func (fn *recordsFn) RestrictionSize(_ fileio.ReadableFile, rest offsetrange.Restriction) float64 {
	return rest.Size()
}

// CreateTracker tracks the byte offsets claimed.
func (fn *recordsFn) CreateTracker(rest offsetrange.Restriction) *sdf.LockRTracker {
	return sdf.NewLockRTracker(offsetrange.NewTracker(rest))
}

// ProcessElement emits the records that start within the restriction. A
// run of Ctrl-Z (0x1A) that ends the file, the end-of-file mark of DOS
// text, carries no data, as in crm.
func (fn *recordsFn) ProcessElement(ctx context.Context, rt *sdf.LockRTracker, file fileio.ReadableFile, emit func(int64, csvRecord)) error {
	w := fn.window(func(off int64) (io.ReadCloser, error) { return openAt(ctx, file, off) })
	defer w.close()
	err := w.records(rt, emit)
	if err != nil {
		return fmt.Errorf("%s: %w", file.Metadata.Path, err)
	}
	return nil
}

// window returns a window on the file that open opens, read with the
// rules of fn.
func (fn *recordsFn) window(open func(off int64) (io.ReadCloser, error)) *window {
	w := &window{open: open, start: fn.Start, width: fn.Width, limit: fn.limit, chunk: fn.chunk}
	if w.limit <= 0 {
		w.limit = csvrecord.MaxLineBytes
	}
	if w.chunk <= 0 {
		w.chunk = 1 << 20
	}
	return w
}

// openAt opens file at byte off: by seeking when the file can, else by
// reading past the bytes before off.
func openAt(ctx context.Context, file fileio.ReadableFile, off int64) (io.ReadCloser, error) {
	fd, err := file.Open(ctx)
	if err != nil {
		return nil, err
	}
	if off == 0 {
		return fd, nil
	}
	if s, ok := fd.(io.Seeker); ok {
		if _, err = s.Seek(off, io.SeekStart); err == nil {
			return fd, nil
		}
	} else if _, err = io.CopyN(io.Discard, fd, off); err == nil || err == io.EOF {
		// A file shorter than off is read to its end.
		return fd, nil
	}
	fd.Close()
	return nil, fmt.Errorf("seek to byte %d: %w", off, err)
}

// window holds the bytes of a file from base on, read a block at a time,
// and finds its records.
type window struct {
	open  func(off int64) (io.ReadCloser, error)
	rc    io.ReadCloser
	base  int64
	buf   []byte
	eof   bool // buf runs to the end of the file, Ctrl-Z marks trimmed
	start int64
	width int
	limit int
	chunk int
}

func (w *window) close() {
	if w.rc != nil {
		w.rc.Close()
		w.rc = nil
	}
}

// seek makes the window start at off, which it reads again from the file
// when off is before the bytes it holds.
func (w *window) seek(off int64) error {
	if w.rc != nil && off >= w.base && off <= w.base+int64(len(w.buf)) {
		w.drop(off)
		return nil
	}
	w.close()
	rc, err := w.open(off)
	if err != nil {
		return err
	}
	w.rc, w.base, w.buf, w.eof = rc, off, w.buf[:0], false
	return nil
}

// drop lets go of the bytes before off, when they are many.
func (w *window) drop(off int64) {
	n := int(off - w.base)
	if n > w.chunk && n >= len(w.buf)/2 {
		w.buf = w.buf[:copy(w.buf, w.buf[n:])]
		w.base = off
	}
}

// fill reads more of the file: as many bytes as the window holds, and
// at least chunk. At the end of the file it trims the Ctrl-Z marks that
// end it and sets eof.
func (w *window) fill() error {
	if w.eof {
		return nil
	}
	want := len(w.buf) + max(len(w.buf), w.chunk)
	if cap(w.buf) < want {
		w.buf = append(make([]byte, 0, want), w.buf...)
	}
	for empty := 0; len(w.buf) < want; {
		n, err := w.rc.Read(w.buf[len(w.buf):want])
		w.buf = w.buf[:len(w.buf)+n]
		if err == io.EOF {
			w.eof = true
			for len(w.buf) > 0 && w.buf[len(w.buf)-1] == 0x1a {
				w.buf = w.buf[:len(w.buf)-1]
			}
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			empty = 0
		} else if empty++; empty == 100 {
			return io.ErrNoProgress
		}
	}
	return nil
}

// view returns the bytes of the window that are surely data: before the
// end of the file, not the Ctrl-Z marks that may end it.
func (w *window) view() []byte {
	b := w.buf
	if !w.eof {
		for len(b) > 0 && b[len(b)-1] == 0x1a {
			b = b[:len(b)-1]
		}
	}
	return b
}

// atEnd reports whether the data ends at or before off.
func (w *window) atEnd(off int64) (bool, error) {
	for !w.eof && off-w.base >= int64(len(w.view())) {
		if err := w.fill(); err != nil {
			return false, err
		}
	}
	return off-w.base >= int64(len(w.buf)), nil
}

// scan scans the record that starts at off (csvrecord.Scan): its end,
// the end of what encoding/csv reads of it, and its field open past the
// limit, or -1.
func (w *window) scan(off int64) (end, scanned int64, open int, err error) {
	// A line without quotes is a record (csvrecord.Scan), the commonest
	// case, told without reading its fields.
	if i := off - w.base; i < int64(len(w.buf)) {
		b := w.buf[i:]
		if j := bytes.IndexByte(b, '\n'); j >= 0 && bytes.IndexByte(b[:j], '"') < 0 {
			end = off + int64(j) + 1
			return end, end, -1, nil
		}
	}
	for {
		e, s, o := csvrecord.Scan(w.view(), int(off-w.base), w.eof, w.width, w.limit)
		if e >= 0 {
			return w.base + int64(e), w.base + int64(s), o, nil
		}
		if err := w.fill(); err != nil {
			return 0, 0, 0, err
		}
	}
}

// lineStart returns the offset of the first line that starts at off or
// after it (off > 0, within the window), or the end of the data.
func (w *window) lineStart(off int64) (int64, error) {
	if w.buf[off-1-w.base] == '\n' {
		return off, nil
	}
	for from := off; ; {
		b := w.buf
		from = min(from, w.base+int64(len(b))) // the end of the file may be trimmed
		if j := bytes.IndexByte(b[from-w.base:], '\n'); j >= 0 {
			return from + int64(j) + 1, nil
		}
		if w.eof {
			return w.base + int64(len(b)), nil
		}
		from = w.base + int64(len(b))
		if err := w.fill(); err != nil {
			return 0, err
		}
	}
}

// reach makes the window hold the bytes before off, or the file's end.
func (w *window) reach(off int64) error {
	for !w.eof && off-w.base > int64(len(w.buf)) {
		if err := w.fill(); err != nil {
			return err
		}
	}
	return nil
}

// records emits the records that start within the restriction of rt.
func (w *window) records(rt *sdf.LockRTracker, emit func(int64, csvRecord)) error {
	t, err := w.firstRecord(rt.GetRestriction().(offsetrange.Restriction).Start)
	if err != nil {
		return err
	}
	for {
		done, err := w.atEnd(t)
		if err != nil {
			return err
		}
		if done {
			rt.TryClaim(max(t, rt.GetRestriction().(offsetrange.Restriction).End))
			return nil
		}
		if !rt.TryClaim(t) {
			return nil
		}
		end, scanned, open, err := w.scan(t)
		if err != nil {
			return err
		}
		emit(t, csvRecord{Text: recordText(w.buf[t-w.base : scanned-w.base]), Long: open + 1})
		t = end
		w.drop(t)
	}
}

// recordText is the text of a record without the line break that ends
// it (LF, CRLF, or a CR at the end of the file).
func recordText(b []byte) string {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return string(b)
}

// firstRecord returns the offset of the first record of the data that
// starts at p or after it, or the end of the data when none does: the
// one a read of the data from its start finds.
//
// A record that holds a line break (within quotes) ends at most
// W = limit+2 bytes after its start, its last line break included
// (csvrecord.Scan); any other ends with its first line. So the record
// that is open at p, if any, ends at the first line start X at p or
// after it, unless it is one of several lines that started within W
// bytes before X and is open at X-1 within a quoted field, and so holds
// a quote between its start and X. When the W bytes before p and those
// from p to X hold no quote, X is the first record at p or after it.
//
// Else the data is read from an anchor A = p-W (synchronize), with A
// twice as far back each time it fails, and from the start of the data
// at last, which never fails.
func (w *window) firstRecord(p int64) (int64, error) {
	if p <= w.start {
		return w.start, w.seek(w.start)
	}
	from := max(w.start, p-int64(w.limit)-2)
	if err := w.seek(from); err != nil {
		return 0, err
	}
	if err := w.reach(p); err != nil {
		return 0, err
	}
	if p-w.base > int64(len(w.buf)) {
		return p, nil // past the end of the data
	}
	x, err := w.lineStart(p)
	if err != nil {
		return 0, err
	}
	if x-w.base >= int64(len(w.buf)) && w.eof {
		return x, nil
	}
	if bytes.IndexByte(w.buf[from-w.base:x-w.base], '"') < 0 {
		return x, nil
	}
	for back := int64(w.limit) + 2; ; back *= 2 {
		a := p - back
		if a <= w.start {
			return w.follow(w.start, p)
		}
		q, ok, err := w.synchronize(a, p)
		if err != nil {
			return 0, err
		}
		if ok {
			return w.follow(q, p)
		}
	}
}

// follow reads the records from q, the start of one, to the first that
// starts at p or after it, and returns its offset.
func (w *window) follow(q, p int64) (int64, error) {
	if err := w.seek(q); err != nil {
		return 0, err
	}
	for q < p {
		done, err := w.atEnd(q)
		if err != nil || done {
			return q, err
		}
		if q, _, _, err = w.scan(q); err != nil {
			return 0, err
		}
		w.drop(q)
	}
	return q, nil
}

// synchronize finds the start of a record of the data, at or before p
// or the first after p, reading from the anchor a, start < a < p: it
// returns the offset of the record and true, or false when it cannot
// tell it so.
//
// Records start at line starts only. Let Y be the first line start at a
// or after it, and t the last record start before Y (start is one, and
// start < a ≤ Y). If the record at t ends at Y, Y starts a record. Else
// it ends past Y: a record of one line ends at the first line start
// after its own, which is at Y or before it, so this one spans lines,
// and ends at most W bytes after t (csvrecord.Scan); so t > Y-W ≥ a-W,
// and t < a, as no line starts between a and Y. So the records of the
// data pass through one of the candidates: every line start from a-W
// (or start) to a, and Y.
//
// From each candidate the records are read in turn, a chain of record
// starts; the chain of the data is one of them. Each step moves the
// chain whose record starts first; two chains that meet are one from
// there on. When one chain is left, at Q, every chain, that of the data
// too, passes through Q: Q starts a record. Only a chain before p is
// moved, so when Q is past p, each chain came to Q from before p (or,
// Y, started there with no line start between p and Y): no record
// starts between p and Q, and Q is the first at p or after it. When the
// first chain is at p or past it and the chains are still more than
// one, the records from p on cannot be told, and synchronize fails.
func (w *window) synchronize(a, p int64) (int64, bool, error) {
	lo := max(w.start, a-int64(w.limit)-2)
	from := lo
	if lo > w.start {
		from = lo - 1 // the byte before lo tells whether a line starts there
	}
	if err := w.seek(from); err != nil {
		return 0, false, err
	}
	if err := w.reach(a + 1); err != nil {
		return 0, false, err
	}
	if a-w.base >= int64(len(w.buf)) {
		return 0, false, nil
	}
	var c chains
	for i := lo; i < a; i++ {
		if i == w.start || w.buf[i-1-w.base] == '\n' {
			c.add(i)
		}
	}
	y, err := w.lineStart(a)
	if err != nil {
		return 0, false, err
	}
	c.add(y)
	for {
		q := c.next()
		if c.Len() == 0 {
			return q, true, nil
		}
		if q >= p {
			return 0, false, nil
		}
		done, err := w.atEnd(q)
		if err != nil {
			return 0, false, err
		}
		if done {
			return 0, false, errors.New("records past the end of the data") // never: q < p
		}
		end, _, _, err := w.scan(q)
		if err != nil {
			return 0, false, err
		}
		c.add(end)
		w.drop(c.min())
	}
}

// chains holds the offsets at which the chains of synchronize stand, a
// heap with each offset once.
type chains struct {
	h  offsets
	at map[int64]bool
}

// add adds a chain at off, one with the chain there if any.
func (c *chains) add(off int64) {
	if c.at == nil {
		c.at = map[int64]bool{}
	}
	if !c.at[off] {
		c.at[off] = true
		heap.Push(&c.h, off)
	}
}

// next removes the chain that stands first and returns its offset.
func (c *chains) next() int64 {
	off := heap.Pop(&c.h).(int64)
	delete(c.at, off)
	return off
}

// min is the offset of the chain that stands first.
func (c *chains) min() int64 { return c.h[0] }

// Len is the number of chains.
func (c *chains) Len() int { return len(c.h) }

// offsets is a min-heap of offsets (container/heap).
type offsets []int64

func (h offsets) Len() int           { return len(h) }
func (h offsets) Less(i, j int) bool { return h[i] < h[j] }
func (h offsets) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *offsets) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *offsets) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
