package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes a CPU profile to the file named by the environment
// variable CRM_CPUPROFILE and a heap (allocation) profile to the one named
// by CRM_MEMPROFILE, when set; the returned function ends them. It is for
// measuring the command itself and is not part of its interface.
func startProfiles(stderr io.Writer) (stop func()) {
	var cpu *os.File
	if path := os.Getenv("CRM_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "crm: CRM_CPUPROFILE: %v\n", err)
		} else {
			cpu = f
		}
	}
	if os.Getenv("CRM_MEMPROFILE") != "" {
		runtime.MemProfileRate = 64 << 10
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if path := os.Getenv("CRM_MEMPROFILE"); path != "" {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "crm: CRM_MEMPROFILE: %v\n", err)
			}
		}
	}
}
