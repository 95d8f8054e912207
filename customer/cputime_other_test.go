//go:build !unix

package customer

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
