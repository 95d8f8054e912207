package input

import (
	"fmt"
	"hash/maphash"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

func TestIndexFindsLinesAndOwners(t *testing.T) {
	seed := maphash.MakeSeed()
	x := &indexer{col: 1, n: 3, seed: seed, free: make(chan *lineIndex, 1)}
	data := "2024-01-01,C1,1\n\r\n2024-01-01, C1 ,1\r\n2024-01-02,,1\n\n2024-01-02\n2024-01-03,C2,1\r"
	c := &chunk{data: []byte(data), line: 10, last: true, plain: true}
	x.index(c)
	require.NotNil(t, c.ix)
	owner := func(id string) uint8 {
		h := maphash.String(seed, id)
		return uint8((h >> 32) * 3 >> 32)
	}
	assert.Equal(t, []uint8{owner("C1"), noOwner, owner("C1"), 0, noOwner, 0, owner("C2")}, c.ix.owner)
	assert.EqualValues(t, 2, x.empty, "the empty lines, which no worker sees, are counted")
	ends := []uint32{}
	for i, b := range []byte(data) {
		if b == '\n' {
			ends = append(ends, uint32(i))
		}
	}
	assert.Equal(t, append(ends, uint32(len(data))), c.ix.ends)

	// Each worker sees its own lines, with their line numbers, the last
	// one without its carriage return (the chunk ends the file).
	var w walker
	seen := map[int]string{}
	for id := uint8(0); id < 3; id++ {
		_, _ = w.walkIndexed(c, id, func(r *record, re *RowError) bool {
			require.Nil(t, re)
			seen[r.line] = r.raw
			return true
		})
	}
	assert.Equal(t, map[int]string{10: "2024-01-01,C1,1", 12: "2024-01-01, C1 ,1", 13: "2024-01-02,,1", 15: "2024-01-02", 16: "2024-01-03,C2,1"}, seen)
}

func TestIndexLeavesOtherChunksToWalk(t *testing.T) {
	x := &indexer{col: 0, n: 2, seed: maphash.MakeSeed(), free: make(chan *lineIndex, 1)}
	quoted := &chunk{data: []byte("\"C1\",2024-01-01,1\n"), plain: false}
	x.index(quoted)
	assert.Nil(t, quoted.ix)
	long := &chunk{data: []byte("C1,2024-01-01,1\nC2," + strings.Repeat("x", MaxLineBytes) + "\n"), plain: true}
	x.index(long)
	assert.Nil(t, long.ix)
	empty := &chunk{plain: true, last: true}
	x.index(empty)
	assert.Nil(t, empty.ix)
	many := &indexer{col: 0, n: noOwner, seed: maphash.MakeSeed()}
	c := &chunk{data: []byte("C1,2024-01-01,1\n"), plain: true}
	many.index(c)
	assert.Nil(t, c.ix)
}

func TestScanWithTheIDColumnLastAndBlankLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("date,amount,order_id,customer_id\r\n")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "2024-%02d-%02d,%d.5,O%d,C%d\r\n", 1+i%12, 1+i%28, i%50, i/3, i%37)
		if i%17 == 0 {
			b.WriteString("\r\n\n")
		}
		if i%41 == 0 {
			b.WriteString("2024-01-01,1,O1,\n")
		}
	}
	for _, skip := range []bool{false, true} {
		checkScan(t, []byte(b.String()), Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: skip})
	}
}
