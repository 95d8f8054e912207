package complaint_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// BenchmarkServiceTransitions measures whole transitions on the in-memory
// store through Service.Do: load, apply, save case and event. Each
// iteration takes a fresh case through the eight happy-path commands
// after recording it; transitions/s counts all nine.
func BenchmarkServiceTransitions(b *testing.B) {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	steps := complainttest.HappyPath()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := complaint.ID(fmt.Sprintf("B-%d", i))
		in := complainttest.Intake(id, t0)
		if _, _, err := svc.Record(ctx, in, "", agent, t0); err != nil {
			b.Fatal(err)
		}
		for j, s := range steps {
			if _, _, err := svc.Do(ctx, id, s.Command, s.Actor, t0.Add(time.Duration(j+1)*time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*(len(steps)+1))/b.Elapsed().Seconds(), "transitions/s")
}

// BenchmarkServiceParallel runs the same on all CPUs, each goroutine on
// its own cases.
func BenchmarkServiceParallel(b *testing.B) {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	steps := complainttest.HappyPath()
	var seq int64
	var mu = make(chan struct{}, 1)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu <- struct{}{}
			seq++
			id := complaint.ID(fmt.Sprintf("P-%d", seq))
			<-mu
			in := complainttest.Intake(id, t0)
			if _, _, err := svc.Record(ctx, in, "", agent, t0); err != nil {
				b.Error(err)
				return
			}
			for j, s := range steps {
				if _, _, err := svc.Do(ctx, id, s.Command, s.Actor, t0.Add(time.Duration(j+1)*time.Hour)); err != nil {
					b.Error(err)
					return
				}
			}
		}
	})
	b.ReportMetric(float64(b.N*(len(steps)+1))/b.Elapsed().Seconds(), "transitions/s")
}

// BenchmarkApply measures the pure transition function alone.
func BenchmarkApply(b *testing.B) {
	c, _ := reach(2)
	cmd := complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := complaint.Apply(c, cmd, agent, hours(3)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRebuild measures rebuilding a closed case from its 9 events.
func BenchmarkRebuild(b *testing.B) {
	_, evs := reach(8)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := complaint.Rebuild(evs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSLAStatus measures the SLA clocks of a closed case.
func BenchmarkSLAStatus(b *testing.B) {
	_, evs := reach(8)
	sla := complaint.DefaultSLA()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := sla.Status(evs, hours(100)); err != nil {
			b.Fatal(err)
		}
	}
}
