//go:build !linux

package segment_test

import "time"

// threadCPU is not available on this system; benchmarks report 0.
func threadCPU() time.Duration { return 0 }

// processCPU is not available on this system; benchmarks report 0.
func processCPU() time.Duration { return 0 }
