// Package hugepage makes large slices whose memory the kernel may back
// with transparent huge pages where it gives them only on request, as
// Linux does in its "madvise" mode, the setting of many distributions.
//
// A slice of a hundred megabytes touched for the first time costs one
// page fault per 4 KiB page, 25,600 of them; on a virtual machine each
// takes microseconds. Backed by 2 MiB pages it costs 50, and its random
// reads miss the TLB less often. The Go runtime does not ask for huge
// pages for the heap, so a program that fills large slices asks for them
// itself: crm's hash tables of customers, its word arenas and its
// per-customer rows.
//
// The request is advice. Where the system has no transparent huge pages,
// has them switched off, or is not Linux, [Make] is make.
package hugepage

import "unsafe"

// Size is the huge page size the advice is aligned to: 2 MiB, that of
// amd64 and of arm64 with 4 KiB base pages.
const Size = 2 << 20

// SlabBytes is the size up to which the slabs of [Chunks] double: at
// least seven eighths of a slab that large is in whole huge pages,
// wherever it starts.
const SlabBytes = 8 * Size

// Make returns a slice of n zero values of T, as make([]T, n) does. The
// whole huge pages inside it, if any, are advised to be backed by huge
// pages (madvise MADV_HUGEPAGE), so that the first write to each faults
// in a huge page. The advice changes neither the contents nor the
// lifetime of the slice.
func Make[T any](n int) []T {
	s := make([]T, n)
	var zero T
	if size := uintptr(n) * unsafe.Sizeof(zero); size >= Size {
		advise(unsafe.Pointer(unsafe.SliceData(s)), size)
	}
	return s
}

// Chunks hands out chunks of values of T, carved from slabs that double
// from one chunk up to SlabBytes (or one chunk, when that is larger), so that a small input takes small
// slabs and a large one slabs of huge pages. Each chunk has the capacity
// asked for: appending past it reallocates, never spills into the next
// chunk. The zero Chunks is ready to use.
type Chunks[T any] struct {
	slab []T
	n    int // chunks in the last slab
}

// Next returns a new chunk of n zero values.
func (c *Chunks[T]) Next(n int) []T {
	if len(c.slab) < n {
		var zero T
		per := max(1, SlabBytes/(max(1, int(unsafe.Sizeof(zero)))*max(1, n)))
		c.n = min(max(1, 2*c.n), per)
		c.slab = Make[T](c.n * n)
	}
	ch := c.slab[:n:n]
	c.slab = c.slab[n:]
	return ch
}
