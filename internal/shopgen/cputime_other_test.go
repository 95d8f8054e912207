//go:build !unix

package shopgen

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
