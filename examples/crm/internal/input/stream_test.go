package input

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// rowSource generates a csv export of n rows on the fly: 40 customers
// buying on the days of one year, so the summaries stop growing after the
// first few thousand rows while the rows go on.
type rowSource struct {
	n, i int
	buf  []byte
}

func (s *rowSource) Read(p []byte) (int, error) {
	for len(s.buf) < len(p) && s.i <= s.n {
		if s.i == 0 {
			s.buf = append(s.buf, "customer_id,date,amount,quantity,category\n"...)
		} else {
			d := customer.DateFromYMD(2024, 1, 1) + customer.Date(s.i%366)
			s.buf = fmt.Appendf(s.buf, "C%d,%s,%d.%02d,1,cat%d\n", s.i%40, d, 10+s.i%90, s.i%100, s.i%7)
		}
		s.i++
	}
	if len(s.buf) == 0 {
		return 0, io.EOF
	}
	k := copy(p, s.buf)
	s.buf = s.buf[:copy(s.buf, s.buf[k:])]
	return k, nil
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestMemoryDoesNotGrowWithRows reads many rows of few customers from a
// stream and checks that what stays in memory is the summaries, not the
// rows: the live heap after reading 30,000 or 300,000 rows is about the
// same, and far below the size of the input.
func TestMemoryDoesNotGrowWithRows(t *testing.T) {
	n := 300_000
	if testing.Short() || raceEnabled {
		n = 40_000
	}
	measure := func(rows int) (uint64, *Result) {
		base := liveHeap()
		r, err := NewCSVReader(&rowSource{n: rows}, "stream.csv")
		require.NoError(t, err)
		res, err := Summarize(r, "stream.csv", Options{AsOf: customer.DateFromYMD(2025, 1, 1)})
		require.NoError(t, err)
		h := liveHeap()
		runtime.KeepAlive(res)
		if h < base {
			return 0, res
		}
		return h - base, res
	}
	small, res := measure(n / 10)
	require.Len(t, res.Summaries, 40)
	large, res := measure(n)
	require.Len(t, res.Summaries, 40)
	assert.EqualValues(t, n, res.Rows)
	for _, s := range res.Summaries {
		// Customer c buys on rows i ≡ c (mod 40), on day i mod 366: 183
		// distinct days, however many rows.
		require.Equal(t, 183, s.PurchaseDays(), s.CustomerID)
	}
	t.Logf("live heap: %d KB after %d rows, %d KB after %d rows", small>>10, n/10, large>>10, n)
	assert.Less(t, large, small+1<<20, "the live heap grows by less than 1 MiB from %d to %d rows", n/10, n)
	assert.Less(t, large, uint64(4<<20))
}

// TestFloatNoiseKeepsCustomersSmall reads the same rows of 20,000
// customers twice with ScanCSV, once in cents and once with the float
// noise of a spreadsheet's price × quantity (12.339999999999999 for
// 12.34), and checks that the table of the second stays about as small
// as that of the first: its customers take the wide tier, without
// pointers, not the decimal path (big integers, ten times the memory).
func TestFloatNoiseKeepsCustomersSmall(t *testing.T) {
	n := 20_000
	if testing.Short() || raceEnabled {
		n = 4_000
	}
	export := func(noise bool) []byte {
		var b bytes.Buffer
		b.WriteString("customer_id,date,order_id,amount,quantity,cost\n")
		for c := range n {
			for k := range 3 {
				d := customer.DateFromYMD(2024, 1, 1) + customer.Date(c%300+k*7)
				amount := fmt.Sprintf("%d.%02d", 10+c%90, c%100)
				if noise {
					amount = fmt.Sprintf("%d.%02d9999999999999", 10+c%90-1+(c%100+99)/100, (c%100+99)%100)
				}
				fmt.Fprintf(&b, "C%d,%s,O%d-%d,%s,1,4.10\n", c, d, c, k, amount)
			}
		}
		return b.Bytes()
	}
	measure := func(data []byte) uint64 {
		base := liveHeap()
		tab, err := ScanCSV(bytes.NewReader(data), "n.csv", Options{AsOf: customer.DateFromYMD(2025, 1, 1)}, 2)
		require.NoError(t, err)
		require.Equal(t, n, tab.Len())
		h := liveHeap()
		runtime.KeepAlive(tab)
		return max(h, base) - base
	}
	cents, noisy := export(false), export(true)
	require.Contains(t, string(noisy), ".339999999999999,")
	fixed := measure(cents)
	wide := measure(noisy)
	t.Logf("live heap of %d customers: %d KB in cents, %d KB with float noise", n, fixed>>10, wide>>10)
	assert.Less(t, wide, 2*fixed+1<<20, "float noise keeps a customer within twice its size in cents")
}
