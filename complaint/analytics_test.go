package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// script records in at start and applies steps one hour apart.
func script(t *testing.T, in complaint.Intake, start time.Time, steps ...complainttest.Step) []complaint.Event {
	t.Helper()
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, start)
	evs := []complaint.Event{ev}
	for i, s := range steps {
		c, ev = do(t, c, s.Command, s.Actor, start.Add(time.Duration(i+1)*time.Hour))
		evs = append(evs, ev)
	}
	return evs
}

func analyticsLogs(t *testing.T) [][]complaint.Event {
	hp := complainttest.HappyPath()
	_, a := reach(len(hp))

	in2 := complainttest.Intake("C-2", t0)
	in2.Complainant = "cust-C-1"
	in2.Category = complaint.CategoryDelivery
	in2.Severity = complaint.SeverityHigh
	b := script(t, in2, t0,
		hp[0], hp[1],
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseCarrier, Responsible: complaint.PartyCarrier, Detail: "parcel lost"}}, Actor: handler},
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "letter"}}, Actor: handler},
		hp[4],
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, Actor: handler},
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 2}}, Actor: complainant},
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReopen, Reason: "still no parcel"}, Actor: agent},
	)
	c := script(t, complainttest.Intake("C-3", t0), t0,
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReject, Reply: "washed at 90°"}, Actor: agent})
	d := script(t, complainttest.Intake("C-4", t0.Add(-48*time.Hour)), t0.Add(-48*time.Hour))
	e := script(t, complainttest.Intake("C-5", t0.Add(2*time.Hour)), t0.Add(2*time.Hour),
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdWait, Reason: "receipt"}, Actor: agent})
	return [][]complaint.Event{a, b, c, d, e, nil}
}

func TestAnalyze(t *testing.T) {
	logs := analyticsLogs(t)
	r, err := complaint.Analyze(logs, t0, t0.Add(30*24*time.Hour), 2000, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, r.Cases, "C-4 was recorded before the period")
	assert.InDelta(t, 2.0, r.RatePer1000, 1e-12)
	assert.Equal(t, []complaint.CategoryCount{
		{Category: complaint.CategorySeams, Cases: 3, RatePer1000: 1.5},
		{Category: complaint.CategoryDelivery, Cases: 1, RatePer1000: 0.5},
	}, r.ByCategory)
	assert.Equal(t, []complaint.CauseCount{{Cause: complaint.CauseManufacturing, Cases: 1}, {Cause: complaint.CauseCarrier, Cases: 1}}, r.ByCause)
	assert.Equal(t, 2, r.Resolved)
	assert.InDelta(t, 0.5, r.FirstContact, 1e-12)
	assert.Equal(t, 1, r.Reopened)
	assert.InDelta(t, 1.0/3, r.ReopenRate, 1e-12, "one reopened of two resolved and one rejected")
	assert.Equal(t, 3, r.Complainants)
	assert.Equal(t, 1, r.Repeat)
	assert.InDelta(t, 1.0/3, r.RepeatShare, 1e-12)
	assert.Equal(t, complaint.SatisfactionSummary{Responses: 2, MeanRatio: 0.625, MetShare: 0.5, MeanCSAT: 3, CSAT: 0.5, ResponseRate: 1}, r.Satisfaction)
	require.NotEmpty(t, r.StepTimes)
	rec := r.StepTimes[0]
	assert.Equal(t, complaint.StateRecorded, rec.State)
	assert.Equal(t, 3, rec.Visits, "C-5's recorded visit is still open")
	assert.Equal(t, time.Hour, rec.Median)
	assert.Equal(t, time.Hour, rec.P90)
	last := r.StepTimes[len(r.StepTimes)-1]
	assert.Equal(t, complaint.StateCarriedOut, last.State)
	assert.Equal(t, 2, last.Visits)
	assert.Equal(t, 2*time.Hour, last.Median, "C-1 carried out at 6h, closed at 8h; C-2 carried out at 6h, reopened at 8h")
	assert.Equal(t, 1, r.Breached, "C-2's reopened investigation is overdue")
	assert.GreaterOrEqual(t, r.Breaches, 2)

	_, err = complaint.Analyze(logs, t0, t0, 10, nil)
	assert.ErrorIs(t, err, complaint.ErrPeriod)
	_, err = complaint.Analyze(logs, t0, t0.Add(time.Hour), -1, nil)
	assert.ErrorIs(t, err, complaint.ErrPeriod)
	bad := [][]complaint.Event{{logs[0][0], logs[0][2]}}
	_, err = complaint.Analyze(bad, t0, t0.Add(time.Hour*100), 10, nil)
	assert.ErrorIs(t, err, complaint.ErrBadLog)
	empty, err := complaint.Analyze(nil, t0, t0.Add(time.Hour), 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, empty.Cases)
	assert.Equal(t, 0.0, empty.RatePer1000)
	assert.Equal(t, 0.0, empty.FirstContact)
}

func TestSignals(t *testing.T) {
	logs := analyticsLogs(t)
	sig, err := complaint.Signals(logs, t0.Add(10*24*time.Hour), 0, nil)
	require.NoError(t, err)
	window := complaint.DefaultSignalWindow
	// C-2, reopened after feedback of 2 perceived against 8 expected, is
	// still in rework: its latest feedback says the customer is
	// dissatisfied.
	assert.Equal(t, customer.ComplaintSignals{Total: 2, Recent: 2, Window: window, Unresolved: 1, SLABreaches: 1, Dissatisfied: 1, MaxSeverity: 3, Last: t0}, sig["cust-C-1"])
	assert.Equal(t, customer.ComplaintSignals{Total: 1, Recent: 1, Window: window, MaxSeverity: 2, Last: t0}, sig["cust-C-3"])
	assert.Equal(t, customer.ComplaintSignals{Total: 1, Recent: 1, Window: window, Unresolved: 1, MaxSeverity: 2, Last: t0.Add(2 * time.Hour)}, sig["cust-C-5"])
	assert.Equal(t, 1, sig["cust-C-4"].SLABreaches, "judgement overdue")
	assert.Len(t, sig, 4)

	// Long after, with a 30-day window, nothing is recent.
	sig, err = complaint.Signals(logs, t0.Add(100*24*time.Hour), 30*24*time.Hour, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, sig["cust-C-1"].Recent)
	assert.Equal(t, 0, sig["cust-C-1"].MaxSeverity)
	assert.Equal(t, 2, sig["cust-C-1"].Total)

	// Before anything was recorded there are no signals; a bad log is an error.
	sig, err = complaint.Signals(logs, t0.Add(-72*time.Hour), 0, nil)
	require.NoError(t, err)
	assert.Empty(t, sig)
	_, err = complaint.Signals([][]complaint.Event{logs[0][1:]}, t0.Add(time.Hour*50), 0, nil)
	assert.ErrorIs(t, err, complaint.ErrBadLog)
}

func TestQuantile(t *testing.T) {
	d := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Minute
		}
		return out
	}
	cases := []struct {
		xs   []time.Duration
		q    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{d(7), 0.9, 7 * time.Minute},
		{d(1, 2, 3, 4), 0.5, 150 * time.Second},
		{d(1, 2, 3, 4), 0.9, 222 * time.Second}, // h = 2.7 → 3 + 0.7·1 (type 7, as R's quantile)
		{d(1, 2, 3, 4), 0, time.Minute},
		{d(1, 2, 3, 4), -1, time.Minute},
		{d(1, 2, 3, 4), 2, 4 * time.Minute},
		{d(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), 0.9, 91 * time.Minute},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, complaint.Quantile(tc.xs, tc.q), "%v q=%v", tc.xs, tc.q)
	}
}

// TestAnalyzeUndefinedRatiosAreZero pins the documented value of every
// ratio whose denominator is zero: one open case, no order, no
// resolution, rejection or feedback.
func TestAnalyzeUndefinedRatiosAreZero(t *testing.T) {
	open := script(t, complainttest.Intake("C-9", t0), t0)
	r, err := complaint.Analyze([][]complaint.Event{open}, t0, t0.Add(24*time.Hour), 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Cases)
	assert.Equal(t, 0.0, r.RatePer1000, "no orders")
	assert.Equal(t, []complaint.CategoryCount{{Category: complaint.CategorySeams, Cases: 1, RatePer1000: 0}}, r.ByCategory, "no orders")
	assert.Equal(t, 0, r.Resolved)
	assert.Equal(t, 0.0, r.FirstContact, "nothing resolved")
	assert.Equal(t, 0.0, r.ReopenRate, "nothing resolved or rejected")
	assert.Equal(t, 1, r.Complainants)
	assert.Equal(t, 0.0, r.RepeatShare)
	assert.Equal(t, complaint.SatisfactionSummary{}, r.Satisfaction, "no response, none unanswered")
}
