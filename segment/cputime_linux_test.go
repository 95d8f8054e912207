//go:build linux

package segment_test

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time used by the calling OS thread, so that a
// benchmark on a shared machine can report CPU time per customer beside
// wall time. The caller locks its goroutine to the thread.
func threadCPU() time.Duration { return cpu(1) } // RUSAGE_THREAD

// processCPU returns the CPU time used by the process (all threads,
// garbage collection included).
func processCPU() time.Duration { return cpu(syscall.RUSAGE_SELF) }

func cpu(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
