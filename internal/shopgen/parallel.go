package shopgen

import (
	"io"
	"runtime"
	"sync"
)

// chunkSize is the number of customers a worker of [Generator.WriteCSV]
// generates and formats at a time.
const chunkSize = 256

// WriteCSV writes every customer of the shop as [WriteCSV] does — the same
// bytes — but generates and formats shards of customers on opts.Workers
// goroutines (default GOMAXPROCS) and writes them in customer order. It
// returns the number of data rows and the first error.
func (g *Generator) WriteCSV(w io.Writer, opts *CSVOptions) (int64, error) {
	workers := runtime.GOMAXPROCS(0)
	if opts != nil && opts.Workers > 0 {
		workers = opts.Workers
	}
	if workers == 1 {
		return g.writeCSV1(w, opts)
	}
	type chunk struct {
		buf  []byte
		rows int64
		err  error
		done chan struct{}
	}
	type job struct {
		lo, hi int
		c      *chunk
	}
	var rows int64
	if opts == nil || !opts.NoHeader {
		var cw csvWriter
		cw.header()
		if _, err := w.Write(cw.out); err != nil {
			return 0, err
		}
	}
	inFlight := 2 * workers
	queue := make(chan *chunk, inFlight)
	jobs := make(chan job, inFlight)
	free := make(chan []byte, inFlight+1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := g.newWorker()
			wk.reuse, wk.lean = true, true
			var rec Record
			for j := range jobs {
				cw := csvWriter{out: j.c.buf, plain: true, fx: &wk.fx}
				for i := j.lo; i < j.hi && j.c.err == nil; i++ {
					wk.fill(&rec, i)
					j.c.err = cw.record(&rec)
				}
				j.c.buf, j.c.rows = cw.out, cw.rows
				close(j.c.done)
			}
		}()
	}
	go func() {
		defer close(queue)
		defer close(jobs)
		for lo := 0; lo < g.cfg.Customers; lo += chunkSize {
			c := &chunk{done: make(chan struct{})}
			select {
			case c.buf = <-free:
			default:
			}
			select {
			case queue <- c:
			case <-stop:
				return
			}
			select {
			case jobs <- job{lo: lo, hi: min(lo+chunkSize, g.cfg.Customers), c: c}:
			case <-stop:
				return
			}
		}
	}()
	var err error
	for c := range queue {
		<-c.done
		if err = c.err; err == nil {
			_, err = w.Write(c.buf)
		}
		if err != nil {
			close(stop)
			for range queue { // unblock the dispatcher; unsent chunks are dropped
			}
			break
		}
		rows += c.rows
		select {
		case free <- c.buf[:0]:
		default:
		}
	}
	wg.Wait()
	return rows, err
}

// writeCSV1 is WriteCSV on the calling goroutine, recycling each record's
// memory for the next.
func (g *Generator) writeCSV1(w io.Writer, opts *CSVOptions) (int64, error) {
	wk := g.newWorker()
	wk.reuse, wk.lean = true, true
	cw := csvWriter{plain: true, fx: &wk.fx}
	if opts == nil || !opts.NoHeader {
		cw.header()
	}
	var rec Record
	for i := range g.cfg.Customers {
		wk.fill(&rec, i)
		if err := cw.record(&rec); err != nil {
			return cw.rows, err
		}
		if len(cw.out) >= 256<<10 {
			if _, err := w.Write(cw.out); err != nil {
				return cw.rows, err
			}
			cw.out = cw.out[:0]
		}
	}
	if len(cw.out) > 0 {
		if _, err := w.Write(cw.out); err != nil {
			return cw.rows, err
		}
	}
	return cw.rows, nil
}
