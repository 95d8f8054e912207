package complaint_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
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

// BenchmarkApplyPolicy measures the pure transition function under a
// policy of the caller's, which Apply validates on every call: the
// default policy's values, and those with three approving departments.
func BenchmarkApplyPolicy(b *testing.B) {
	c, _ := reach(2)
	cmd := complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}
	desk := complaint.DefaultPolicy()
	desk.ApprovingDepartments = []string{"Customer Service", "Quality", "Head  Office"}
	for _, bc := range []struct {
		name string
		p    *complaint.Policy
	}{{"default", complaint.DefaultPolicy()}, {"departments", desk}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := bc.p.Apply(c, cmd, agent, hours(3)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPolicyValidate measures Policy.Validate alone, which
// Policy.Apply calls on a caller's policy: the default policy's five
// thresholds and five penalty schedules, and those with three approving
// departments.
func BenchmarkPolicyValidate(b *testing.B) {
	desk := complaint.DefaultPolicy()
	desk.ApprovingDepartments = []string{"Customer Service", "Quality", "Head  Office"}
	for _, bc := range []struct {
		name string
		p    *complaint.Policy
	}{{"default", complaint.DefaultPolicy()}, {"departments", desk}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := bc.p.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
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

// BenchmarkSLAStatusLongSpan measures the SLA clocks of a case received
// on the first day of customer.MinRecordYear and recorded in 2026, under
// an office-hours calendar in a zone with daylight-saving time and a
// holiday list: the clocks span more than a century of working days.
func BenchmarkSLAStatusLongSpan(b *testing.B) {
	evs := longSpanLog(b)
	sla := complaint.DefaultSLA()
	sla.Calendar = longSpanCalendar(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sla.Status(evs, hours(100)); err != nil {
			b.Fatal(err)
		}
	}
}

// longSpanCalendar is office hours 9:00–17:00 in Europe/Berlin with the
// New Year and Christmas holidays of 1900–2030.
func longSpanCalendar(tb testing.TB) *complaint.Calendar {
	tb.Helper()
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Skip("no time zone database:", err)
	}
	var hol []customer.Date
	for y := 1900; y <= 2030; y++ {
		hol = append(hol, customer.DateFromYMD(y, time.January, 1), customer.DateFromYMD(y, time.December, 25))
	}
	return complaint.OfficeHours(ber, 9*time.Hour, 17*time.Hour, hol...)
}

// longSpanLog is case C-1 received on 1 January 1900 and recorded and
// accepted at t0 (2026).
func longSpanLog(tb testing.TB) []complaint.Event {
	tb.Helper()
	in := complainttest.Intake("C-1", time.Date(customer.MinRecordYear, time.January, 1, 0, 0, 0, 0, time.UTC))
	c, ev, err := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	if err != nil {
		tb.Fatal(err)
	}
	_, ev2, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdAccept}, agent, hours(1))
	if err != nil {
		tb.Fatal(err)
	}
	return []complaint.Event{ev, ev2}
}

// BenchmarkCalendarAdd measures Calendar.Add under office hours in a
// zone with daylight-saving time and a holiday list (longSpanCalendar),
// for targets of a day's, an SLA's, a year's and a decade's working
// time.
func BenchmarkCalendarAdd(b *testing.B) {
	cal := longSpanCalendar(b)
	from := time.Date(2026, time.March, 2, 10, 30, 0, 0, cal.Location)
	for _, bc := range []struct {
		name string
		d    time.Duration
	}{
		{"8h", 8 * time.Hour},
		{"72h", 72 * time.Hour},
		{"1y", 250 * 8 * time.Hour},
		{"10y", 2500 * 8 * time.Hour},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if cal.Add(from, bc.d).IsZero() {
					b.Fatal("no end")
				}
			}
		})
	}
}
