package input

import (
	"hash/maphash"
	"unsafe"
)

// lineIndex tells the workers where the lines of a chunk without quotes
// end and which worker owns each, so that a worker reads only its own
// lines: the lines are found and their customer IDs hashed once, by the
// goroutine that reads the input, instead of once by every worker.
type lineIndex struct {
	ends  []uint32 // the end of each line, before its line break
	owner []uint8  // the worker of each line; noOwner for an empty line
}

// noOwner marks an empty line, which no worker reads (encoding/csv skips
// it); the indexer counts it.
const noOwner = 0xff

// indexer builds the lineIndex of chunks.
type indexer struct {
	col    int // the customer ID column
	n      int // workers
	seed   maphash.Seed
	free   chan *lineIndex
	lastID []byte
	lastOw uint8
	// empty counts the empty lines of the chunks indexed, which no
	// worker sees.
	empty int64
}

// index sets c.ix, when c has no quote, no line longer than MaxLineBytes
// and fewer than 2³² bytes; the owner of a line is the worker that
// worker.record gives it.
func (x *indexer) index(c *chunk) {
	if !c.plain || x.n >= noOwner || len(c.data) >= 1<<32 || len(c.data) == 0 {
		return
	}
	var ix *lineIndex
	select {
	case ix = <-x.free:
		ix.ends, ix.owner = ix.ends[:0], ix.owner[:0]
	default:
		ix = &lineIndex{}
	}
	data := c.data
	x.lastID = x.lastID[:0]
	x.lastOw = 0
	hasLast := false
	empty := int64(0)
	for pos := 0; pos < len(data); {
		end, next := lineAt(data, pos)
		l := data[pos:end]
		if n := len(l); n > 0 && l[n-1] == '\r' && (next > end || c.last) {
			l = l[:n-1]
		}
		if len(l) > MaxLineBytes {
			// walk reports it.
			select {
			case x.free <- ix:
			default:
			}
			return
		}
		ow := uint8(noOwner)
		if len(l) > 0 {
			r := record{raw: unsafe.String(unsafe.SliceData(l), len(l))}
			f, ok := r.field(x.col)
			if !plain(f) {
				f = trim(f)
			}
			switch {
			case !ok || f == "":
				ow = 0
			case hasLast && string(x.lastID) == f:
				ow = x.lastOw
			default:
				h := maphash.String(x.seed, f)
				ow = uint8((h >> 32) * uint64(x.n) >> 32)
				x.lastID = append(x.lastID[:0], f...)
				x.lastOw, hasLast = ow, true
			}
		} else {
			empty++
		}
		ix.ends = append(ix.ends, uint32(end))
		ix.owner = append(ix.owner, ow)
		pos = next
	}
	x.empty += empty
	c.ix = ix
}

// walkIndexed is walk for a chunk with a lineIndex: it calls fn for the
// lines of worker id only.
func (w *walker) walkIndexed(c *chunk, id uint8, fn func(r *record, re *RowError) bool) (error, int) {
	data, ix := c.data, c.ix
	var rec record
	start := 0
	for i, e := range ix.ends {
		s := start
		start = int(e) + 1
		if ix.owner[i] != id {
			continue
		}
		l := data[s:e]
		if n := len(l); n > 0 && l[n-1] == '\r' && (int(e) < len(data) || c.last) {
			l = l[:n-1]
		}
		rec = record{raw: unsafe.String(unsafe.SliceData(l), len(l)), line: c.line + i}
		if !fn(&rec, nil) {
			return nil, 0
		}
	}
	if c.skip != nil {
		re := *c.skip
		rec = record{line: re.Line}
		if !fn(&rec, &re) {
			return nil, 0
		}
	}
	if c.err != nil {
		return c.err, c.errLine
	}
	return nil, 0
}
