package hugepage

import (
	"syscall"
	"unsafe"
)

// advise asks for huge pages for the whole huge pages among the n bytes
// at p.
func advise(p unsafe.Pointer, n uintptr) {
	skip := -uintptr(p) & (Size - 1) // to the first huge page boundary
	if skip >= n {
		return
	}
	whole := (n - skip) &^ (Size - 1)
	if whole == 0 {
		return
	}
	// An error (EINVAL where the kernel has no transparent huge pages)
	// leaves the memory as it was, which is all advice can do.
	_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(p, skip)), whole), syscall.MADV_HUGEPAGE)
}
