package complaint_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// berlin returns the Europe/Berlin zone, or skips the test.
func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	return loc
}

// deskIntake is a complaint form of customer "cust-<id>" about order O-<id>.
func deskIntake(id complaint.ID, ch complaint.Channel, sev complaint.Severity, received time.Time, t *testing.T) complaint.Intake {
	return complaint.Intake{
		ID: id, Complainant: customer.ID("cust-" + string(id)), Channel: ch, Received: received,
		Subject:  complaint.Subject{Kind: complaint.SubjectOrder, Order: "O-" + string(id)},
		Category: complaint.CategorySeams, Severity: sev, Currency: "EUR", OrderValue: eur(t, "189.00"),
		Demand:      complaint.Demand{Kind: complaint.ResolutionRefund},
		Description: "the seam of the jacket split",
	}
}

// A complaint received on Christmas Eve at 16:00 in Berlin, high
// priority (4 working hours to judge it), under office hours 9–17 Monday
// to Friday with Christmas Day a holiday: one hour on Thursday, none on
// the holiday and the weekend, three on Monday, so the judgement is due
// Monday 28 December at 12:00 local (11:00 UTC). At 12:30 it is overdue;
// escalation is due after 6 hours (1.5 × 4), from Monday 14:00; the SLA
// job escalates at 14:30, which answers the clock.
func TestDeskAcknowledgementOverChristmas(t *testing.T) {
	loc := berlin(t)
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }
	sla := complaint.DefaultSLA()
	sla.Calendar = complaint.OfficeHours(loc, 9*time.Hour, 17*time.Hour, customer.DateFromYMD(2026, 12, 25))
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	in := deskIntake("X-1", complaint.ChannelPhone, complaint.SeverityHigh, at(24, 16, 0), t)
	c, _, err := svc.Do(ctx, "X-1", complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, at(24, 16, 0))
	require.NoError(t, err)
	require.Equal(t, complaint.PriorityHigh, c.Priority)

	status := func(asOf time.Time) complaint.SLAStatus {
		evs, err := svc.History(ctx, "X-1")
		require.NoError(t, err)
		st, err := sla.Status(evs, asOf)
		require.NoError(t, err)
		return st
	}
	st := status(at(24, 16, 0))
	assert.Equal(t, 4*time.Hour, st.Step.Target)
	assert.True(t, st.Step.Due.Equal(time.Date(2026, 12, 28, 11, 0, 0, 0, time.UTC)), "due %s", st.Step.Due)
	assert.True(t, st.Resolution.Due.Equal(sla.Calendar.Add(at(24, 16, 0), 120*time.Hour)))

	st = status(at(28, 12, 30))
	assert.Equal(t, 4*time.Hour+30*time.Minute, st.Step.Elapsed)
	assert.True(t, st.Step.Overdue)
	assert.False(t, st.EscalationDue())
	assert.Equal(t, 1, st.Breaches)

	assert.False(t, status(at(28, 14, 0)).EscalationDue(), "at exactly 1.5 × the target")
	require.True(t, status(at(28, 14, 1)).EscalationDue())
	c, _, err = svc.Do(ctx, "X-1", complaint.Command{Kind: complaint.CmdEscalate, Reason: "judgement overdue"}, system, at(28, 14, 30))
	require.NoError(t, err)
	assert.Equal(t, complaint.PriorityUrgent, c.Priority)
	st = status(at(28, 15, 0))
	assert.False(t, st.EscalationDue(), "the escalation answered the clock")
	assert.True(t, st.Step.Escalated)
	assert.Equal(t, 4*time.Hour, st.Step.Target, "the target of a running clock stays")

	// Accepted on Tuesday 10:00: the next step is timed by the urgent
	// target (2 hours), due at 12:00.
	_, _, err = svc.Do(ctx, "X-1", complaint.Command{Kind: complaint.CmdAccept}, agent, at(29, 10, 0))
	require.NoError(t, err)
	st = status(at(29, 10, 0))
	assert.Equal(t, complaint.StateAccepted, st.Step.State)
	assert.Equal(t, 2*time.Hour, st.Step.Target)
	assert.True(t, st.Step.Due.Equal(at(29, 12, 0)), "due %s", st.Step.Due)
	require.Len(t, st.Visits, 2)
	assert.Equal(t, 1*time.Hour+8*time.Hour+1*time.Hour, st.Visits[0].Elapsed, "Thu 1 h, Mon 8 h, Tue 1 h")
}

// Across the change to summer time (Sunday 29 March 2026 in Berlin) a
// normal case recorded on Friday at 15:00 CET has 24 working hours to be
// judged: Friday 2, Monday 8, Tuesday 8, Wednesday 6, due Wednesday
// 15:00 CEST, 13:00 UTC (not 14:00, an hour late).
func TestDeskAcknowledgementAcrossDST(t *testing.T) {
	loc := berlin(t)
	sla := complaint.DefaultSLA()
	sla.Calendar = complaint.OfficeHours(loc, 9*time.Hour, 17*time.Hour)
	rec := time.Date(2026, 3, 27, 15, 0, 0, 0, loc)
	in := deskIntake("X-2", complaint.ChannelEmail, complaint.SeverityMedium, rec, t)
	_, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, rec)
	st, err := sla.Status([]complaint.Event{ev}, rec)
	require.NoError(t, err)
	assert.Equal(t, 24*time.Hour, st.Step.Target)
	assert.True(t, st.Step.Due.Equal(time.Date(2026, 4, 1, 13, 0, 0, 0, time.UTC)), "due %s", st.Step.Due)
	st, err = sla.Status([]complaint.Event{ev}, time.Date(2026, 4, 1, 13, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, 24*time.Hour, st.Step.Elapsed)
	assert.False(t, st.Step.Overdue)
}

// Every channel: recorded, listed, and the customer told on the channel
// the complaint came in by; a customer may record their own complaint,
// not another's.
func TestDeskIntakeOnEveryChannel(t *testing.T) {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	for ch := complaint.ChannelPhone; ch.Valid(); ch++ {
		id := complaint.ID("CH-" + ch.String())
		in := deskIntake(id, ch, complaint.SeverityLow, t0, t)
		self := complaint.Actor{ID: complaint.ActorID(in.Complainant), Role: complaint.RoleCustomer}
		other := complaint.Actor{ID: "cust-someone-else", Role: complaint.RoleCustomer}
		_, _, err := svc.Do(ctx, id, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, other, t0)
		require.ErrorIs(t, err, complaint.ErrNotPermitted, "%s", ch)
		assert.Contains(t, err.Error(), string(id))
		_, err = svc.History(ctx, id)
		require.ErrorIs(t, err, complaint.ErrNotFound, "a refused record stored nothing")

		c, ev, err := svc.Do(ctx, id, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, self, t0)
		require.NoError(t, err, "%s", ch)
		assert.Equal(t, ch, c.Intake.Channel)
		n, ok, err := complaint.NoticeOf(c, ev)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, ch, n.Channel)
		assert.Equal(t, complaint.TopicReceived, n.Topic)
		cases, err := svc.Cases(ctx, in.Complainant)
		require.NoError(t, err)
		require.Len(t, cases, 1)
		assert.Equal(t, id, cases[0].ID)
	}
	assert.Len(t, svc.Store.(*complaint.MemStore).IDs(), 7)
}

// refusedByService applies cmd through svc and requires that it fails
// naming the case, that the store holds the same case and events as
// before, and returns the error.
func refusedByService(t *testing.T, svc *complaint.Service, id complaint.ID, cmd complaint.Command, a complaint.Actor, at time.Time) error {
	t.Helper()
	ctx := context.Background()
	before, err := svc.Store.Get(ctx, id)
	require.NoError(t, err)
	evsBefore, err := svc.History(ctx, id)
	require.NoError(t, err)
	got, ev, err := svc.Do(ctx, id, cmd, a, at)
	require.Error(t, err, "%s by %s", cmd.Kind, a)
	assert.Contains(t, err.Error(), `complaint "`+string(id)+`"`)
	assert.True(t, reflect.DeepEqual(before, got), "Do returned another case")
	assert.Equal(t, complaint.Event{}, ev)
	after, err2 := svc.Store.Get(ctx, id)
	require.NoError(t, err2)
	assert.True(t, reflect.DeepEqual(before, after), "stored case changed")
	evsAfter, err2 := svc.History(ctx, id)
	require.NoError(t, err2)
	assert.True(t, reflect.DeepEqual(evsBefore, evsAfter), "stored events changed")
	return err
}

// hasField requires a *customer.ValidationError with the field and code.
func hasField(t *testing.T, err error, field, code string) {
	t.Helper()
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has(field, code), "want %s %s in %v", field, code, err)
	assert.Contains(t, err.Error(), field)
}

// One case through the desk: reassigned to another department (the old
// handler loses it), a price reduction of 80 EUR approved by a
// supervisor (limit 100), carried out, rated poorly, reopened; then a
// compensation of 30 EUR: 110 EUR paid out in all, above the limit, so
// the supervisor is refused and a manager approves. A refund of 110 more
// would give back 190 of an order worth 189 and is refused. Every
// refused command leaves the store as it was and names the case and the
// field. The audit trail has every accepted step, in order, with its
// actor, and the credits are the two payments.
func TestDeskMoneyReassignReopenAudit(t *testing.T) {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	const id = "M-1"
	in := deskIntake(id, complaint.ChannelChat, complaint.SeverityMedium, t0, t)
	cust := complaint.Actor{ID: "cust-M-1", Role: complaint.RoleCustomer}
	h := 0
	next := func() time.Time { h++; return hours(float64(h)) }
	ok := func(cmd complaint.Command, a complaint.Actor) complaint.Case {
		t.Helper()
		c, _, err := svc.Do(ctx, id, cmd, a, next())
		require.NoError(t, err, "%s by %s", cmd.Kind, a)
		return c
	}
	ok(complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent)
	ok(complaint.Command{Kind: complaint.CmdAccept}, agent)
	ok(complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}, agent)
	// Only a supervisor reassigns.
	err := refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "logistics", Handler: handler2.ID}}, handler, next())
	assert.ErrorIs(t, err, complaint.ErrNotPermitted)
	c := ok(complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "logistics", Handler: handler2.ID}, Reason: "delivery damage"}, supervisor)
	assert.Equal(t, "logistics", c.Department)
	err = refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseCarrier, Responsible: complaint.PartyCarrier, Detail: "crushed box"}}, handler, next())
	assert.ErrorIs(t, err, complaint.ErrNotPermitted, "the former handler")
	// A finding without its detail names the field.
	err = refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseCarrier, Responsible: complaint.PartyCarrier}}, handler2, next())
	hasField(t, err, "command.finding.detail", customer.CodeRequired)
	ok(complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseCarrier, Responsible: complaint.PartyCarrier, Detail: "crushed box"}}, handler2)
	ok(complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "80.00"), Detail: "keep it, 80 back"}}, handler2)
	// The proposer may not approve; a handler may not either.
	err = refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdApprove}, handler2, next())
	assert.ErrorIs(t, err, complaint.ErrNotPermitted)
	ok(complaint.Command{Kind: complaint.CmdApprove}, supervisor)
	ok(complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelChat}}, handler2)
	// Withdrawal after the carry-out is refused.
	err = refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdWithdraw}, cust, next())
	assert.ErrorIs(t, err, complaint.ErrNotPermitted)
	// Feedback out of range names the field.
	err = refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 11, Expected: 8, CSAT: 2}}, cust, next())
	hasField(t, err, "command.feedback.perceived", customer.CodeRange)
	ok(complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 4, Expected: 8, CSAT: 2}}, cust)
	c = ok(complaint.Command{Kind: complaint.CmdReopen, Reason: "the price cut is too small"}, cust)
	assert.Equal(t, complaint.StateAssigned, c.State)
	assert.Equal(t, "80.00 EUR", c.PaidOut.String())
	ok(complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseCarrier, Responsible: complaint.PartyCarrier, Detail: "crushed box, again"}}, handler2)
	ok(complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "30.00"), Detail: "voucher"}}, handler2)
	// The supervisor's limit: 80 paid + 30 = 110 > 100.
	err = refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdApprove}, supervisor, next())
	var te *complaint.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, []string{"approver's authority covers the amount (manager above the approval threshold)"}, te.FailedGuards)
	ok(complaint.Command{Kind: complaint.CmdApprove}, manager)
	c = ok(complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, handler2)
	assert.Equal(t, "110.00 EUR", c.PaidOut.String())
	assert.Equal(t, "80.00 EUR", c.Paid.String(), "a compensation gives back nothing of the price")
	ok(complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 5, Expected: 8, CSAT: 2}}, cust)
	ok(complaint.Command{Kind: complaint.CmdReopen, Reason: "still not right"}, cust)
	ok(complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseCarrier, Responsible: complaint.PartyCarrier, Detail: "crushed box, again"}}, handler2)
	// 80 given back + 110 refund = 190 > 189.
	err = refusedByService(t, svc, id, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "110.00"), Detail: "full refund"}}, handler2, next())
	hasField(t, err, "command.proposal.amount", customer.CodeTooMany)
	ok(complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "109.00"), Detail: "the rest of the price"}}, handler2)

	evs, err := svc.History(ctx, id)
	require.NoError(t, err)
	kinds := make([]string, len(evs))
	for i, ev := range evs {
		assert.Equal(t, i+1, ev.Seq)
		if i > 0 {
			assert.False(t, ev.At.Before(evs[i-1].At))
			assert.Equal(t, evs[i-1].To, ev.From)
		}
		kinds[i] = ev.Command.Kind.String() + "/" + string(ev.Actor.ID)
	}
	assert.Equal(t, []string{
		"record/agent-1", "accept/agent-1", "assign/agent-1", "reassign/supervisor-1", "investigate/handler-2",
		"propose/handler-2", "approve/supervisor-1", "carry-out/handler-2", "record-feedback/cust-M-1", "reopen/cust-M-1",
		"investigate/handler-2", "propose/handler-2", "approve/manager-1", "carry-out/handler-2", "record-feedback/cust-M-1",
		"reopen/cust-M-1", "investigate/handler-2", "propose/handler-2",
	}, kinds)
	require.NoError(t, svc.Verify(ctx, id))
	credits, err := complaint.Credits(evs)
	require.NoError(t, err)
	require.Len(t, credits, 2)
	assert.Equal(t, "M-1#8", credits[0].ID)
	assert.Equal(t, customer.PriceReduction, credits[0].Kind)
	assert.Equal(t, "80.00 EUR", credits[0].Amount.String())
	assert.Equal(t, "M-1#14", credits[1].ID)
	assert.Equal(t, customer.Compensation, credits[1].Kind)
	assert.Equal(t, "O-M-1", credits[1].OrderID)
}

// deskScript applies steps (hour offsets from t0) to a new case and
// returns its events.
type deskStep struct {
	h   float64
	cmd complaint.Command
	a   complaint.Actor
}

func deskRun(t *testing.T, in complaint.Intake, steps ...deskStep) []complaint.Event {
	t.Helper()
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, in.Received)
	evs := []complaint.Event{ev}
	for _, s := range steps {
		c, ev = do(t, c, s.cmd, s.a, hours(s.h))
		evs = append(evs, ev)
	}
	return evs
}

// Five cases of a month, worked by hand (around the clock, default
// targets, 400 orders):
//
//	A seams     recorded 0, accepted 1, assigned 2, investigated 5, proposed 6, approved 7, carried out 10, feedback 8/8 CSAT 5 at 11, closed 12
//	B sizing    same customer as A, recorded 24, rejected 26
//	C seams     recorded 48, accepted 49, assigned 50, investigated 60, proposed 61, approved 62, carried out 64, feedback 3/6 CSAT 2 at 65,
//	            reopened 66, investigated 70, proposed 71, approved 72, carried out 74, closed unanswered 98
//	D seams     recorded 100, accepted 101, waiting 102, withdrawn 110
//	E seams     high priority, recorded 200, accepted 210, still open at the end (720)
//
// Resolution times: A 10 h, C 16 + 8 = 24 h: median 17 h, P90 10 + 0.9 × 14 = 22.6 h.
// Step visits completed: recorded 1, 2, 1, 1, 10 (median 1 h, P90 2 + 0.6 × 8 = 6.8 h);
// assigned 3, 10, 4 (median 4 h, P90 4 + 0.8 × 6 = 8.8 h); approved 3, 2, 2;
// carried-out 2, 2, 24 (P90 2 + 0.8 × 22 = 19.6 h). E breaches its
// recorded visit (10 h > 4 h), its accepted visit (510 h > 4 h) and its
// resolution (520 h > 120 h): one case breached, three breaches.
func TestDeskAnalyticsByHand(t *testing.T) {
	in := func(id complaint.ID, cust customer.ID, cat complaint.Category, sev complaint.Severity, h float64) complaint.Intake {
		x := deskIntake(id, complaint.ChannelWeb, sev, hours(h), t)
		x.Complainant, x.Category = cust, cat
		return x
	}
	assign := complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}
	investigate := func(c complaint.Cause) complaint.Command {
		return complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: c, Responsible: complaint.PartySupplier, Detail: "found"}}
	}
	propose := complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionExchange, Detail: "new jacket"}}
	feedback := func(p, e, csat int) complaint.Command {
		return complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: p, Expected: e, CSAT: csat}}
	}
	accept := complaint.Command{Kind: complaint.CmdAccept}
	approve := complaint.Command{Kind: complaint.CmdApprove}
	carry := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}
	closing := complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}
	custC := complaint.Actor{ID: "cust-C", Role: complaint.RoleCustomer}
	custD := complaint.Actor{ID: "cust-D", Role: complaint.RoleCustomer}
	logs := [][]complaint.Event{
		deskRun(t, in("A", "cust-A", complaint.CategorySeams, complaint.SeverityMedium, 0),
			deskStep{1, accept, agent}, deskStep{2, assign, agent}, deskStep{5, investigate(complaint.CauseManufacturing), handler},
			deskStep{6, propose, handler}, deskStep{7, approve, supervisor}, deskStep{10, carry, handler},
			deskStep{11, feedback(8, 8, 5), agent}, deskStep{12, closing, handler}),
		deskRun(t, in("B", "cust-A", complaint.CategorySizeFit, complaint.SeverityMedium, 24),
			deskStep{26, complaint.Command{Kind: complaint.CmdReject, Reply: "as per the care label"}, agent}),
		deskRun(t, in("C", "cust-C", complaint.CategorySeams, complaint.SeverityMedium, 48),
			deskStep{49, accept, agent}, deskStep{50, assign, agent}, deskStep{60, investigate(complaint.CauseMaterial), handler},
			deskStep{61, propose, handler}, deskStep{62, approve, supervisor}, deskStep{64, carry, handler},
			deskStep{65, feedback(3, 6, 2), custC}, deskStep{66, complaint.Command{Kind: complaint.CmdReopen, Reason: "wrong size again"}, custC},
			deskStep{70, investigate(complaint.CauseMaterial), handler}, deskStep{71, propose, handler}, deskStep{72, approve, supervisor},
			deskStep{74, carry, handler}, deskStep{98, closing, handler}),
		deskRun(t, in("D", "cust-D", complaint.CategorySeams, complaint.SeverityMedium, 100),
			deskStep{101, accept, agent}, deskStep{102, complaint.Command{Kind: complaint.CmdWait, Reason: "photo please"}, agent},
			deskStep{110, complaint.Command{Kind: complaint.CmdWithdraw}, custD}),
		deskRun(t, in("E", "cust-E", complaint.CategorySeams, complaint.SeverityHigh, 200), deskStep{210, accept, agent}),
	}
	r, err := complaint.Analyze(logs, t0, hours(720), 400, nil)
	require.NoError(t, err)
	assert.Equal(t, 5, r.Cases)
	assert.InDelta(t, 12.5, r.RatePer1000, 1e-12)
	assert.Equal(t, []complaint.CategoryCount{{complaint.CategorySeams, 4, 10}, {complaint.CategorySizeFit, 1, 2.5}}, r.ByCategory)
	assert.Equal(t, []complaint.CauseCount{{complaint.CauseManufacturing, 1}, {complaint.CauseMaterial, 1}}, r.ByCause)
	assert.Equal(t, 2, r.Resolved)
	assert.InDelta(t, 0.5, r.FirstContact, 1e-12)
	assert.Equal(t, 1, r.Reopened)
	assert.InDelta(t, 1.0/3, r.ReopenRate, 1e-12)
	assert.Equal(t, 4, r.Complainants)
	assert.Equal(t, 1, r.Repeat)
	assert.InDelta(t, 0.25, r.RepeatShare, 1e-12)
	assert.Equal(t, complaint.SatisfactionSummary{Responses: 1, MeanRatio: 1, MetShare: 1, MeanCSAT: 5, CSAT: 1, Unanswered: 1, ResponseRate: 0.5}, r.Satisfaction)
	assert.Equal(t, complaint.StepTime{Visits: 2, Median: 17 * time.Hour, P90: 22*time.Hour + 36*time.Minute}, r.ResolutionTime)
	h := time.Hour
	assert.Equal(t, []complaint.StepTime{
		{complaint.StateRecorded, 5, h, 6*h + 48*time.Minute},
		{complaint.StateAccepted, 3, h, h},
		{complaint.StateAssigned, 3, 4 * h, 8*h + 48*time.Minute},
		{complaint.StateInvestigated, 3, h, h},
		{complaint.StateProposed, 3, h, h},
		{complaint.StateApproved, 3, 2 * h, 2*h + 48*time.Minute},
		{complaint.StateCarriedOut, 3, 2 * h, 19*h + 36*time.Minute},
	}, r.StepTimes)
	assert.Equal(t, 1, r.Breached)
	assert.Equal(t, 3, r.Breaches)
	assert.InDelta(t, 0.2, r.BreachRate, 1e-12, "1 of 5 cases")

	sig, err := complaint.Signals(logs, hours(720), 0, nil)
	require.NoError(t, err)
	require.Len(t, sig, 4)
	assert.Equal(t, 2, sig["cust-A"].Total)
	assert.Equal(t, 2, sig["cust-A"].Recent)
	assert.Equal(t, 0, sig["cust-A"].Unresolved)
	assert.True(t, sig["cust-A"].Last.Equal(hours(24)))
	assert.Equal(t, 0, sig["cust-C"].Dissatisfied, "the resolution carried out again was not rated")
	assert.Equal(t, 1, sig["cust-E"].Unresolved)
	assert.Equal(t, 1, sig["cust-E"].SLABreaches)
	assert.Equal(t, int(complaint.SeverityHigh), sig["cust-E"].MaxSeverity)
	// As of 65.5 h, C's customer had just rated the first resolution 3/6.
	sig, err = complaint.Signals(logs, hours(65.5), 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, sig["cust-C"].Dissatisfied)
	assert.Equal(t, 1, sig["cust-C"].Unresolved)
}

// A record command through the service that lacks its intake is refused
// naming the case the service was asked to record and the missing field;
// nothing is stored.
func TestDeskRecordWithoutIntakeNamesTheCase(t *testing.T) {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	_, _, err := svc.Do(ctx, "K-9", complaint.Command{Kind: complaint.CmdRecord, Note: "form lost"}, agent, t0)
	hasField(t, err, "command.intake", customer.CodeRequired)
	assert.Contains(t, err.Error(), `complaint "K-9"`)
	_, err = svc.Store.Get(ctx, "K-9")
	assert.ErrorIs(t, err, complaint.ErrNotFound)
}

// A case resolved late: its resolution clock stopped at the carry-out
// (400 h of a normal case's 240 h, past the escalation point of 360 h).
// It was a breach, and stays one; but nothing is left to escalate: an SLA
// job that escalates whatever is due must not escalate a case that is
// carried out, waiting for feedback, or closed (an escalation would also
// count against the case's first-contact resolution in [Analyze]).
func TestDeskNoEscalationDueOnceResolved(t *testing.T) {
	c, evs := reach(5) // approved at 5h
	c, ev := do(t, c, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionCoaching}}}}, handler, hours(400))
	evs = append(evs, ev)
	sla := complaint.DefaultSLA()
	st, err := sla.Status(evs, hours(401))
	require.NoError(t, err)
	assert.True(t, st.Resolution.Overdue, "the breach stays")
	assert.Equal(t, 1, st.Breaches-countOverdueVisits(st))
	assert.False(t, st.Resolution.EscalationDue, "the resolution is carried out")
	assert.False(t, st.EscalationDue())

	// Waiting for the customer after the carry-out: still nothing to escalate.
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: "size of the new one?"}, handler, hours(402))
	evs = append(evs, ev)
	st, err = sla.Status(evs, hours(403))
	require.NoError(t, err)
	assert.False(t, st.EscalationDue())
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdResume}, agent, hours(404))
	evs = append(evs, ev)

	_, ev = do(t, c, complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}, handler, hours(430))
	evs = append(evs, ev)
	st, err = sla.Status(evs, hours(431))
	require.NoError(t, err)
	assert.False(t, st.EscalationDue(), "a closed case")
	assert.True(t, st.Overdue(), "the breach stays")
}

func countOverdueVisits(st complaint.SLAStatus) int {
	n := 0
	for _, v := range st.Visits {
		if v.Overdue {
			n++
		}
	}
	return n
}

// A reassignment to the department and handler the case already has
// moves nothing: it would only add an event, count as a reassignment
// (the case would no longer be a first-contact resolution in [Analyze])
// and is refused, the case unchanged. Another handler in the same
// department, or the same handler in another department, is a
// reassignment.
func TestDeskReassignToTheSameOwnerIsRefused(t *testing.T) {
	c, _ := reach(2) // assigned to quality / handler-1
	same := complaint.Command{Kind: complaint.CmdReassign, Reason: "workload", Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}
	refused(t, nil, c, same, supervisor, hours(3), "assignment differs from the case's department and handler")
	c2, _ := do(t, c, complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler2.ID}}, supervisor, hours(3))
	assert.Equal(t, 1, c2.Reassigns)
	c3, _ := do(t, c, complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "returns", Handler: handler.ID}}, supervisor, hours(3))
	assert.Equal(t, 1, c3.Reassigns)
}

// Follow-up visits check the quality of the resolution and the
// customer's satisfaction with it (domain rules §5). A case closed
// without an answer once the feedback wait had passed is followed up a
// few days later: what the customer says then is recorded on the closed
// case, which stays closed, tells the customer nothing new, and is no
// longer counted as unanswered but as a response; a follow-up after the
// reopen window is refused and changes nothing.
func TestDeskFollowUpAfterClosing(t *testing.T) {
	c, evs := reach(6) // carried out at 6h
	closing := complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}
	c, ev := do(t, c, closing, handler, hours(6+24))
	evs = append(evs, ev)
	r, err := complaint.Analyze([][]complaint.Event{evs}, t0, hours(1000), 10, nil)
	require.NoError(t, err)
	require.Equal(t, 1, r.Satisfaction.Unanswered)

	follow := complaint.Command{Kind: complaint.CmdRecordFeedback, Note: "follow-up call", Feedback: &complaint.Feedback{Perceived: 9, Expected: 8, CSAT: 5}}
	c2, ev := do(t, c, follow, agent, hours(6+24+72))
	assert.Equal(t, complaint.StateClosed, c2.State)
	assert.Equal(t, 9, c2.Feedback.Perceived)
	assert.Equal(t, c.Closed, c2.Closed)
	_, told, err := complaint.NoticeOf(c2, ev)
	require.NoError(t, err)
	assert.False(t, told)
	evs = append(evs, ev)
	r, err = complaint.Analyze([][]complaint.Event{evs}, t0, hours(1000), 10, nil)
	require.NoError(t, err)
	assert.Equal(t, complaint.SatisfactionSummary{Responses: 1, MeanRatio: 9.0 / 8, MetShare: 1, MeanCSAT: 5, CSAT: 1, ResponseRate: 1}, r.Satisfaction)
	rebuilt, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c2.Feedback, rebuilt.Feedback)

	// The reopen window (30 days from the carry-out) bounds the follow-up.
	refused(t, nil, c, follow, agent, hours(6+30*24+1), "within the reopen window")
	// Someone else's follow-up is not the customer's.
	refused(t, nil, c, follow, stranger, hours(40), "actor is agent or above, or the complainant")
}

// A refund brings goods back and is recorded as a customer.Return of the
// order's lines ([Credits]), which needs the order: proposing one on a
// case whose subject names no order is refused, naming the case and the
// field, as a price reduction is; a compensation needs no order.
func TestDeskRefundNeedsAnOrder(t *testing.T) {
	in := complaint.Intake{
		ID: "R-1", Complainant: "cust-R-1", Channel: complaint.ChannelStore, Received: t0,
		Subject:  complaint.Subject{Kind: complaint.SubjectProduct, SKU: "JKT-01-M"},
		Category: complaint.CategorySeams, Severity: complaint.SeverityMedium, Currency: "EUR",
		Demand: complaint.Demand{Kind: complaint.ResolutionRefund}, Description: "seam split",
	}
	evs := deskRun(t, in,
		deskStep{1, complaint.Command{Kind: complaint.CmdAccept}, agent},
		deskStep{2, complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}, agent},
		deskStep{3, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "d"}}, handler})
	c, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	refund := complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "50.00"), Detail: "money back"}}
	invalid(t, c, refund, handler, hours(4), "command.proposal.kind", customer.CodeMismatch)
	_, _, err = complaint.Apply(c, refund, handler, hours(4))
	assert.Contains(t, fmt.Sprint(err), `complaint "R-1": propose`)
	do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "50.00"), Detail: "voucher"}}, handler, hours(4))
}

// The customer hears of every step that concerns them, in order, on the
// channel they complained by (the resolution on the channel the handler
// used), with their value class, and of nothing within the brand.
func TestDeskCustomerKeptInformed(t *testing.T) {
	in := deskIntake("N-1", complaint.ChannelSocial, complaint.SeverityMedium, t0, t)
	in.Value = complaint.ValueHighBoth
	cust := complaint.Actor{ID: "cust-N-1", Role: complaint.RoleCustomer}
	evs := deskRun(t, in,
		deskStep{1, complaint.Command{Kind: complaint.CmdAccept}, agent},
		deskStep{2, complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}, agent},
		deskStep{3, complaint.Command{Kind: complaint.CmdWait, Reason: "a photo of the seam"}, handler},
		deskStep{4, complaint.Command{Kind: complaint.CmdResume}, cust},
		deskStep{5, complaint.Command{Kind: complaint.CmdEscalate, Reason: "VIP"}, agent},
		deskStep{6, complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler2.ID}}, supervisor},
		deskStep{7, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "d"}}, handler2},
		deskStep{8, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionExchange, Detail: "new jacket"}}, handler2},
		deskStep{9, complaint.Command{Kind: complaint.CmdSendBack, Reason: "offer a repair first"}, supervisor},
		deskStep{10, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRepair, Detail: "repair"}}, handler2},
		deskStep{11, complaint.Command{Kind: complaint.CmdApprove}, supervisor},
		deskStep{12, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelPhone}}, handler2},
		deskStep{13, complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 9, Expected: 8, CSAT: 5}}, cust},
		deskStep{14, complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}, handler2},
	)
	ns, err := complaint.Notices(evs)
	require.NoError(t, err)
	var got []string
	for _, n := range ns {
		assert.Equal(t, complaint.ValueHighBoth, n.Value)
		assert.Equal(t, customer.ID("cust-N-1"), n.Complainant)
		got = append(got, fmt.Sprintf("%d %s %s", n.Seq, n.Topic, n.Channel))
	}
	assert.Equal(t, []string{
		"1 received social", "2 accepted social", "3 assigned social", "4 waiting social", "5 resumed social",
		"8 investigating social", "12 resolution-decided social", "13 resolved phone", "15 closed social",
	}, got)
	assert.Equal(t, "a photo of the seam", ns[3].Asked)
	assert.Equal(t, complaint.ResolutionRepair, ns[6].Resolution.Kind)
}

// A handler goes on leave while their case waits for the customer's
// photo. The supervisor moves the case to another department without
// resuming it: resuming would tell the customer the case goes on
// ("resumed") while the brand still waits for them, and waiting again
// would ask them a second time. The case keeps waiting (the SLA clocks
// stay paused), the customer hears of the move, and on the customer's
// reply the new handler goes on. A case that waits before it was
// assigned has no one to move it from.
func TestDeskReassignWhileWaiting(t *testing.T) {
	c, evs := reach(3) // investigated by handler-1 at 3h
	c, ev := do(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: "a photo of the label"}, handler, hours(4))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdReassign, Reason: "handler on leave", Assignment: &complaint.Assignment{Department: "returns", Handler: handler2.ID}}, supervisor, hours(5))
	evs = append(evs, ev)
	assert.Equal(t, complaint.StateWaiting, c.State)
	assert.Equal(t, complaint.StateInvestigated, c.ResumeTo)
	assert.Equal(t, "a photo of the label", c.WaitReason)
	assert.Equal(t, handler2.ID, c.Handler)
	n, told, err := complaint.NoticeOf(c, ev)
	require.NoError(t, err)
	require.True(t, told)
	assert.Equal(t, complaint.TopicReassigned, n.Topic)
	assert.Equal(t, "returns", n.Department)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(30))
	evs = append(evs, ev)
	assert.Equal(t, complaint.StateInvestigated, c.State)
	st, err := complaint.DefaultSLA().Status(evs, hours(31))
	require.NoError(t, err)
	assert.Equal(t, 26*time.Hour, st.PausedFor)
	assert.Equal(t, 2*time.Hour, st.Step.Elapsed, "investigated from 3h to 4h and from 30h to 31h")
	rebuilt, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c.Handler, rebuilt.Handler)
	do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRepair, Detail: "repair"}}, handler2, hours(32))

	// The steps a waiting case may be reassigned from are those the
	// table reassigns in.
	var from []complaint.State
	for _, r := range complaint.Rules() {
		if r.On == complaint.CmdReassign && r.From != complaint.StateWaiting {
			from = append(from, r.From)
		}
	}
	assert.ElementsMatch(t, []complaint.State{complaint.StateAssigned, complaint.StateInvestigated, complaint.StateApproved}, from)

	// Waiting before the assignment: nothing to reassign.
	r, _ := reach(1) // accepted
	r, _ = do(t, r, complaint.Command{Kind: complaint.CmdWait, Reason: "order number?"}, agent, hours(2))
	refused(t, nil, r, complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "returns", Handler: handler2.ID}}, supervisor, hours(3),
		"case waits from a step in which it can be reassigned")
}

// A shop open every day around the clock in New York: the night the
// clocks go back (1 November 2026) has 25 hours, all working time; a
// shop open 10–20 every day loses nothing and gains nothing that day.
func TestDeskCalendarFallBack(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, ny) }
	every := [7]bool{true, true, true, true, true, true, true}
	allDay := &complaint.Calendar{Location: ny, Open: 0, Close: 24 * time.Hour, Workdays: every}
	shop := &complaint.Calendar{Location: ny, Open: 10 * time.Hour, Close: 20 * time.Hour, Workdays: every}
	assert.Equal(t, 25*time.Hour, allDay.Working(at(10, 31, 12), at(11, 1, 12)))
	assert.True(t, allDay.Add(at(10, 31, 12), 25*time.Hour).Equal(at(11, 1, 12)))
	assert.Equal(t, 2*time.Hour, shop.Working(at(10, 31, 19), at(11, 1, 11)), "Saturday 19–20, Sunday 10–11")
	assert.True(t, shop.Add(at(10, 31, 19), 2*time.Hour).Equal(at(11, 1, 11)))
	assert.Equal(t, 10*time.Hour, shop.Working(at(11, 1, 0), at(11, 2, 0)))
}
