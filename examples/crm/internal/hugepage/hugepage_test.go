package hugepage

import (
	"fmt"
	"testing"
	"unsafe"

	"pgregory.net/rapid"
)

func TestMakeIsMake(t *testing.T) {
	for _, n := range []int{0, 1, 1000, Size/8 - 1, Size / 8, 3 * SlabBytes / 8} {
		s := Make[uint64](n)
		if len(s) != n || cap(s) != n {
			t.Fatalf("Make(%d): len %d cap %d", n, len(s), cap(s))
		}
		for i, v := range s {
			if v != 0 {
				t.Fatalf("Make(%d)[%d] = %d, want 0", n, i, v)
			}
		}
		for i := range s {
			s[i] = uint64(i)
		}
		for i, v := range s {
			if v != uint64(i) {
				t.Fatalf("Make(%d)[%d] = %d after writing %d", n, i, v, i)
			}
		}
	}
}

// The chunks are zero, of the length and capacity asked for, and
// disjoint: a write to one, or an append past its end, changes no other.
func TestChunksAreDisjoint(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c Chunks[int32]
		sizes := rapid.SliceOfN(rapid.IntRange(1, 1<<19), 1, 40).Draw(t, "sizes")
		var chunks [][]int32
		for k, n := range sizes {
			ch := c.Next(n)
			if len(ch) != n || cap(ch) != n {
				t.Fatalf("chunk %d: len %d cap %d, want %d", k, len(ch), cap(ch), n)
			}
			for i, v := range ch {
				if v != 0 {
					t.Fatalf("chunk %d [%d] = %d, want 0", k, i, v)
				}
			}
			for i := range ch {
				ch[i] = int32(k)
			}
			_ = append(ch, -1) // past the capacity: a new array
			chunks = append(chunks, ch)
		}
		for k, ch := range chunks {
			for i, v := range ch {
				if v != int32(k) {
					t.Fatalf("chunk %d [%d] = %d: another chunk wrote over it", k, i, v)
				}
			}
		}
	})
}

// A large input takes slabs of SlabBytes, which advice can reach;
// a small one, one chunk.
func TestChunksSlabsGrow(t *testing.T) {
	var c Chunks[uint64]
	const n = 1 << 10 // 8 KiB chunks
	c.Next(n)
	if len(c.slab) != 0 {
		t.Fatalf("first slab holds %d more values, want one chunk", len(c.slab))
	}
	for range 2 * SlabBytes / (8 * n) {
		c.Next(n)
	}
	if got := c.n * n * int(unsafe.Sizeof(uint64(0))); got != SlabBytes {
		t.Fatalf("slab of %d bytes after %d bytes of chunks, want %d", got, 2*SlabBytes, SlabBytes)
	}
}

func ExampleMake() {
	// A table of 4 Mi words (32 MiB): its 2 MiB pages fault in whole.
	table := Make[uint64](4 << 20)
	table[len(table)-1] = 42
	fmt.Println(len(table), table[0], table[len(table)-1])
	// Output: 4194304 0 42
}
