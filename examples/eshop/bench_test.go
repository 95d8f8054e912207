package main

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// clients is the number of concurrent HTTP clients of the benchmarks.
const clients = 64

// BenchmarkRecordOrder records orders over HTTP on loopback from 64
// concurrent clients and reports requests per second:
//
//	go test -run '^$' -bench RecordOrder -benchtime 2000x ./examples/eshop
//
// members: distinct orders spread over 64 members; one-member: distinct
// orders of a single member (every write on one ledger); redelivery: the
// same order delivered again and again (idempotent no-ops). With
// TAILOR_POSTGRES_DSN set it measures PostgreSQL too.
func BenchmarkRecordOrder(b *testing.B) {
	backendNames := []string{"memory", "sqlite"}
	if os.Getenv("TAILOR_POSTGRES_DSN") != "" {
		backendNames = append(backendNames, "postgres")
	}
	for _, backend := range backendNames {
		for _, load := range []string{"members", "one-member", "redelivery"} {
			b.Run(backend+"/"+load, func(b *testing.B) {
				var e *testEnv
				switch backend {
				case "memory":
					e = newEnv(b, memoryStores())
				case "sqlite":
					e, _ = sqliteEnv(b)
				case "postgres":
					e = newEnv(b, postgresTestStores(b))
				}
				for i := range clients {
					e.register(fmt.Sprintf("C-%d", i))
				}
				same := order("O-same", "C-0", testNow.Add(-time.Hour), 1, "49.90")
				var seq atomic.Int64
				var failed atomic.Int64
				b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
				b.ResetTimer()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						n := seq.Add(1)
						body := same
						switch load {
						case "members":
							body = order(fmt.Sprintf("O-%d", n), fmt.Sprintf("C-%d", n%clients), testNow.Add(-time.Hour), 1, "49.90")
						case "one-member":
							body = order(fmt.Sprintf("O-%d", n), "C-0", testNow.Add(-time.Hour), 1, "49.90")
						}
						r, err := e.try("POST", "/v1/orders", e.keys["shop"], body)
						if err != nil || (r.Status != http.StatusCreated && r.Status != http.StatusOK) {
							failed.Add(1)
						}
					}
				})
				elapsed := time.Since(start)
				b.StopTimer()
				if f := failed.Load(); f > 0 {
					b.Fatalf("%d requests failed", f)
				}
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			})
		}
	}
}
