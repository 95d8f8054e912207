package complaint_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

const gPenalty = "measure with the responsible staff member sized by the loss (policy penalties)"

// eurPenalties is a schedule of the penalty of the staff responsible by
// the loss: any measure below 100 EUR, a warning at least from 100 EUR, a
// pay deduction of at least 5% of the loss from 500 EUR and of 10% from
// 2000 EUR.
func eurPenalties() complaint.PenaltySchedule {
	return complaint.PenaltySchedule{
		{From: decimal.NewFromInt(100), Action: complaint.ActionWarning},
		{From: decimal.NewFromInt(500), Action: complaint.ActionPayDeduction, Share: decimal.NewFromInt(5)},
		{From: decimal.NewFromInt(2000), Action: complaint.ActionPayDeduction, Share: decimal.NewFromInt(10)},
	}
}

// penaltyPolicy is the default policy with eurPenalties for EUR and no
// schedule in any other currency.
func penaltyPolicy() *complaint.Policy {
	p := complaint.DefaultPolicy()
	p.Penalties = map[customer.Currency]complaint.PenaltySchedule{"EUR": eurPenalties()}
	return p
}

// approvedApology is case C-1 whose finding holds clerk-9 responsible
// for their conduct, with an apology (it pays nothing) approved: its
// loss is what the carry-out records.
func approvedApology(t testing.TB) complaint.Case {
	assigned, _ := reach(2)
	c, _ := do(t, assigned, conduct("clerk-9"), handler, hours(3))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "call"}}, handler, hours(4))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	return c
}

// measure is an accountability entry: "coaching", "warning", or a pay
// deduction of that many EUR ("25.00").
func measure(t testing.TB, staff complaint.ActorID, m string) complaint.Accountability {
	switch m {
	case "coaching":
		return complaint.Accountability{Staff: staff, Action: complaint.ActionCoaching}
	case "warning":
		return complaint.Accountability{Staff: staff, Action: complaint.ActionWarning}
	}
	return complaint.Accountability{Staff: staff, Action: complaint.ActionPayDeduction, Deduction: eur(t, m)}
}

// carryLoss is a carry-out that records loss (none when empty) with the
// entries given.
func carryLoss(t testing.TB, loss string, acc ...complaint.Accountability) complaint.Command {
	ex := &complaint.Execution{Notified: complaint.ChannelPhone, Accountability: acc}
	if loss != "" {
		ex.Loss = eur(t, loss)
	}
	return complaint.Command{Kind: complaint.CmdCarryOut, Execution: ex}
}

// Domain rules §5 step 7 (seed 004: "依照投诉所造成的损失大小,扣罚责任人一定比例的
// 绩效工资或资金", by the size of the loss the complaint caused, deduct a
// share of the performance pay of the person responsible): the measure
// with the staff member the finding names meets the policy's schedule
// for the loss, at each step's edge.
func TestPenaltySizedByTheLoss(t *testing.T) {
	c := approvedApology(t)
	p := penaltyPolicy()
	for _, tc := range []struct {
		loss    string   // recorded; "" for none (the apology pays nothing)
		measure []string // entries for clerk-9
		missing string   // what the refusal names; "" when carried out
	}{
		{"", []string{"coaching"}, ""},
		{"99.99", []string{"coaching"}, ""},
		{"100.00", []string{"coaching"}, "a warning at least for a loss of 100.00 EUR"},
		{"100.00", []string{"warning"}, ""},
		{"100.00", []string{"1.00"}, ""}, // a pay deduction is heavier than a warning
		{"499.99", []string{"warning"}, ""},
		{"500.00", []string{"warning"}, "a pay deduction of at least 25.00 EUR for a loss of 500.00 EUR"},
		{"500.00", []string{"24.99"}, "a pay deduction of at least 25.00 EUR for a loss of 500.00 EUR"},
		{"500.00", []string{"25.00"}, ""},
		{"500.00", []string{"warning", "10.00", "15.00"}, ""}, // the staff member's deductions add up
		{"500.00", []string{"warning", "10.00", "14.99"}, "a pay deduction of at least 25.00 EUR for a loss of 500.00 EUR"},
		{"500.01", []string{"25.00"}, "a pay deduction of at least 25.01 EUR for a loss of 500.01 EUR"}, // 25.0005 rounded up to a cent
		{"500.01", []string{"25.01"}, ""},
		{"1999.99", []string{"99.99"}, "a pay deduction of at least 100.00 EUR for a loss of 1999.99 EUR"},
		{"1999.99", []string{"100.00"}, ""},
		{"2000.00", []string{"100.00"}, "a pay deduction of at least 200.00 EUR for a loss of 2000.00 EUR"},
		{"2000.00", []string{"199.99"}, "a pay deduction of at least 200.00 EUR for a loss of 2000.00 EUR"},
		{"2000.00", []string{"200.00"}, ""},
		{"2000.00", []string{"2000.00"}, ""}, // the whole loss, the cap
	} {
		name := fmt.Sprintf("loss %q %v", tc.loss, tc.measure)
		var acc []complaint.Accountability
		for _, m := range tc.measure {
			acc = append(acc, measure(t, "clerk-9", m))
		}
		cmd := carryLoss(t, tc.loss, acc...)
		if tc.missing == "" {
			next, ev, err := p.Apply(c, cmd, handler, hours(6))
			require.NoError(t, err, name)
			assert.Equal(t, complaint.StateCarriedOut, next.State, name)
			assert.Equal(t, complaint.CmdCarryOut, ev.Command.Kind, name)
			continue
		}
		refused(t, p, c, cmd, handler, hours(6), gPenalty)
		_, _, err := p.Apply(c, cmd, handler, hours(6))
		var te *complaint.TransitionError
		require.ErrorAs(t, err, &te, name)
		require.Len(t, te.Missing, 1, name)
		assert.Contains(t, te.Missing[0], tc.missing, name)
		assert.Contains(t, te.Missing[0], `"clerk-9"`, name)
		assert.Contains(t, err.Error(), gPenalty+": "+te.Missing[0], name)
	}
}

// The measures of other staff do not count for the one the finding
// names; without an entry for them both guards say what is missing.
func TestPenaltyIsTheResponsibleStaffMembers(t *testing.T) {
	c := approvedApology(t)
	p := penaltyPolicy()
	refused(t, p, c, carryLoss(t, "600", measure(t, "clerk-1", "60.00"), measure(t, "clerk-9", "warning")), handler, hours(6), gPenalty)
	refused(t, p, c, carryLoss(t, "600", measure(t, "clerk-1", "60.00")), handler, hours(6), gAccount, gPenalty)
	_, _, err := p.Apply(c, carryLoss(t, "600"), handler, hours(6))
	var te *complaint.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, []string{gAccount, gPenalty}, te.FailedGuards)
	assert.Equal(t, []string{"", `a pay deduction of at least 30.00 EUR for a loss of 600.00 EUR (5% of the loss, penalties["EUR"][1]) with staff member "clerk-9"`}, te.Missing)
	// Missing is aligned with FailedGuards.
	_, _, err = p.Apply(c, carryLoss(t, "600"), handler2, hours(6))
	require.ErrorAs(t, err, &te)
	assert.Equal(t, []string{gHandler, gAccount, gPenalty}, te.FailedGuards)
	require.Len(t, te.Missing, 3)
	assert.Equal(t, []string{"", ""}, te.Missing[:2])
	assert.Contains(t, te.Missing[2], "a pay deduction of at least 30.00 EUR for a loss of 600.00 EUR")
	assert.Contains(t, err.Error(), "refused by guard: "+gHandler+"; "+gAccount+"; "+gPenalty+": a pay deduction")
	// Below every step an entry of any measure is enough, as before.
	refused(t, p, c, carryLoss(t, "50"), handler, hours(6), gAccount)
	do2(t, p, c, carryLoss(t, "50", measure(t, "clerk-9", "coaching")))
	// A guard that does not tell what it misses leaves Missing empty.
	_, _, err = p.Apply(c, carryLoss(t, "50"), handler2, hours(6))
	require.ErrorAs(t, err, &te)
	assert.Equal(t, []string{gHandler, gAccount}, te.FailedGuards)
	assert.Nil(t, te.Missing)
}

func do2(t testing.TB, p *complaint.Policy, c complaint.Case, cmd complaint.Command) complaint.Case {
	t.Helper()
	next, _, err := p.Apply(c, cmd, handler, hours(6))
	require.NoError(t, err)
	return next
}

// The loss is the one the carry-out records (Execution.Loss) or, without
// one, what the resolution pays the customer, as for the bound of the
// deductions.
func TestPenaltyLossOfTheResolution(t *testing.T) {
	assigned, _ := reach(2)
	p := penaltyPolicy()
	c, _ := do(t, assigned, conduct("clerk-9"), handler, hours(3))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "150"), Detail: "voucher"}}, handler, hours(4))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, manager, hours(5))
	refused(t, p, c, carryLoss(t, "", measure(t, "clerk-9", "coaching")), handler, hours(6), gPenalty)
	_, _, err := p.Apply(c, carryLoss(t, "", measure(t, "clerk-9", "coaching")), handler, hours(6))
	assert.ErrorContains(t, err, "a warning at least for a loss of 150.00 EUR")
	do2(t, p, c, carryLoss(t, "", measure(t, "clerk-9", "warning")))
	// A loss recorded stands for the payment, lower or higher.
	do2(t, p, c, carryLoss(t, "90", measure(t, "clerk-9", "coaching")))
	refused(t, p, c, carryLoss(t, "800", measure(t, "clerk-9", "warning")), handler, hours(6), gPenalty)
	do2(t, p, c, carryLoss(t, "800", measure(t, "clerk-9", "40.00")))
}

// Without a schedule for the case's currency, and under the zero Policy,
// any measure will do, as before the schedule; a finding that names no
// staff member asks for none.
func TestPenaltyWithoutSchedule(t *testing.T) {
	c := approvedApology(t)
	big := carryLoss(t, "5000", measure(t, "clerk-9", "coaching"))
	for _, p := range []*complaint.Policy{{}, {Penalties: map[customer.Currency]complaint.PenaltySchedule{"USD": eurPenalties(), "EUR": nil}}} {
		_, _, err := p.Apply(c, big, handler, hours(6))
		require.NoError(t, err)
	}
	refused(t, penaltyPolicy(), c, big, handler, hours(6), gPenalty)

	assigned, _ := reach(2)
	other, _ := do(t, assigned, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "weak seam"}}, handler, hours(3))
	other, _ = do(t, other, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "call"}}, handler, hours(4))
	other, _ = do(t, other, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	do2(t, penaltyPolicy(), other, carryLoss(t, "5000"))
}

// A finding of staff conduct from a log written before findings had to
// name the staff member carries out with an entry of someone's that
// meets the schedule.
func TestPenaltyOldStaffConductFinding(t *testing.T) {
	assigned, evs := reach(2)
	_, ev := do(t, assigned, conduct("clerk-9"), handler, hours(3))
	ev.Command.Finding.Staff = ""
	c, err := complaint.Rebuild(append(evs, ev))
	require.NoError(t, err)
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "call"}}, handler, hours(4))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	p := penaltyPolicy()
	refused(t, p, c, carryLoss(t, "600", measure(t, "clerk-1", "warning")), handler, hours(6), gPenalty)
	_, _, err = p.Apply(c, carryLoss(t, "600", measure(t, "clerk-1", "warning")), handler, hours(6))
	assert.ErrorContains(t, err, `a pay deduction of at least 30.00 EUR for a loss of 600.00 EUR (5% of the loss, penalties["EUR"][1]) with one staff member`)
	do2(t, p, c, carryLoss(t, "600", measure(t, "clerk-1", "warning"), measure(t, "clerk-2", "30.00")))
}

// The schedule is Apply's: a log written before it, whose carry-out
// holds a measure the schedule would refuse, still rebuilds, and a
// Service under the schedule verifies it and takes its next commands.
func TestPenaltyOldLogRebuilds(t *testing.T) {
	c := approvedApology(t)
	before := complaint.DefaultPolicy() // as before the rule
	before.Penalties = nil
	old, ev, err := before.Apply(c, carryLoss(t, "5000", measure(t, "clerk-9", "coaching")), handler, hours(6))
	require.NoError(t, err)
	refused(t, penaltyPolicy(), c, ev.Command, handler, hours(6), gPenalty)
	refused(t, nil, c, ev.Command, handler, hours(6), gPenalty)

	assigned, evs := reach(2)
	log := append([]complaint.Event(nil), evs...)
	cur := assigned
	for _, step := range []struct {
		cmd complaint.Command
		a   complaint.Actor
	}{
		{conduct("clerk-9"), handler},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "call"}}, handler},
		{complaint.Command{Kind: complaint.CmdApprove}, supervisor},
		{ev.Command, handler},
	} {
		var e complaint.Event
		cur, e, err = before.Apply(cur, step.cmd, step.a, hours(float64(len(log)+1)))
		require.NoError(t, err)
		log = append(log, e)
	}
	rebuilt, err := complaint.Rebuild(log)
	require.NoError(t, err)
	assert.Equal(t, complaint.StateCarriedOut, rebuilt.State)
	assert.Equal(t, old.Execution.Accountability, rebuilt.Execution.Accountability)

	ctx := t.Context()
	store := complaint.NewMemStore()
	for i := range log {
		c, err := complaint.Rebuild(log[:i+1])
		require.NoError(t, err)
		require.NoError(t, store.Save(ctx, c, log[i]))
	}
	svc := &complaint.Service{Store: store, Policy: penaltyPolicy()}
	require.NoError(t, svc.Verify(ctx, "C-1"))
	next, _, err := svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 8, Expected: 8, CSAT: 5}}, agent, hours(20))
	require.NoError(t, err)
	assert.Equal(t, complaint.StateCarriedOut, next.State)
}

// The default policy sizes the penalty in the currencies it sets
// approval thresholds for: a warning at least from the threshold on (the
// threshold included, which a supervisor may still approve alone), a pay
// deduction of at least 5% from five times it.
func TestDefaultPenalties(t *testing.T) {
	p := complaint.DefaultPolicy()
	for cur, limit := range p.ApprovalThresholds {
		s := p.Penalties[cur]
		require.Len(t, s, 2, cur)
		assert.True(t, s[0].From.Equal(limit), cur)
		assert.Equal(t, complaint.ActionWarning, s[0].Action, cur)
		assert.True(t, s[1].From.Equal(limit.Mul(decimal.NewFromInt(5))), cur)
		assert.Equal(t, complaint.ActionPayDeduction, s[1].Action, cur)
		assert.True(t, s[1].Share.Equal(decimal.NewFromInt(5)), cur)
	}
	assert.Len(t, p.Penalties, len(p.ApprovalThresholds))

	c := approvedApology(t)
	refused(t, nil, c, carryLoss(t, "100", measure(t, "clerk-9", "coaching")), handler, hours(6), gPenalty)
	do(t, c, carryLoss(t, "99.99", measure(t, "clerk-9", "coaching")), handler, hours(6))
	do(t, c, carryLoss(t, "499.99", measure(t, "clerk-9", "warning")), handler, hours(6))
	refused(t, nil, c, carryLoss(t, "500", measure(t, "clerk-9", "24.99")), handler, hours(6), gPenalty)
	do(t, c, carryLoss(t, "500", measure(t, "clerk-9", "25")), handler, hours(6))
}

// Step and LeastDeduction tell a caller what the schedule asks for a
// loss, as the guard does.
func TestPenaltyScheduleStep(t *testing.T) {
	s := eurPenalties()
	for _, tc := range []struct {
		loss  string
		step  int // -1: below every step
		least string
	}{
		{"0", -1, ""}, {"99.99", -1, ""}, {"100", 0, ""}, {"499.99", 0, ""},
		{"500", 1, "25.00 EUR"}, {"500.01", 1, "25.01 EUR"}, {"1999.99", 1, "100.00 EUR"}, {"2000", 2, "200.00 EUR"},
	} {
		loss := eur(t, tc.loss)
		st, ok := s.Step(loss.Amount())
		require.Equal(t, tc.step >= 0, ok, tc.loss)
		if !ok {
			assert.Equal(t, complaint.PenaltyStep{}, st)
			continue
		}
		assert.Equal(t, s[tc.step], st, tc.loss)
		least := st.LeastDeduction(loss)
		if tc.least == "" {
			assert.True(t, least.IsZero() && least.Currency() == "", tc.loss)
			continue
		}
		assert.Equal(t, tc.least, least.String(), tc.loss)
	}
	jpy, err := customer.NewMoney("1001", "JPY")
	require.NoError(t, err)
	assert.Equal(t, "51 JPY", s[1].LeastDeduction(jpy).String(), "50.05 rounded up to a whole yen")
}

// A Policy with a schedule goes through JSON and back, and validates the
// same; the steps' JSON names their fields and the action by its text.
func TestPenaltyPolicyJSON(t *testing.T) {
	p := &complaint.Policy{
		ApprovalThresholds: map[customer.Currency]decimal.Decimal{"EUR": decimal.NewFromInt(100)},
		ReopenWindow:       complaint.DefaultPolicy().ReopenWindow,
		Penalties: map[customer.Currency]complaint.PenaltySchedule{
			"EUR": eurPenalties(),
			"JPY": {{From: decimal.NewFromInt(15000), Action: complaint.ActionPayDeduction, Share: decimal.RequireFromString("2.5")}},
		},
	}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"EUR":[{"from":"100","action":"warning"},{"from":"500","action":"pay-deduction","share":"5"},`)
	assert.Contains(t, string(b), `"JPY":[{"from":"15000","action":"pay-deduction","share":"2.5"}]`)
	var q complaint.Policy
	require.NoError(t, json.Unmarshal(b, &q))
	require.NoError(t, q.Validate())
	require.Len(t, q.Penalties, 2)
	for cur, s := range p.Penalties {
		got := q.Penalties[cur]
		require.Len(t, got, len(s), cur)
		for i := range s {
			assert.True(t, s[i].From.Equal(got[i].From), "%s %d", cur, i)
			assert.Equal(t, s[i].Action, got[i].Action, "%s %d", cur, i)
			assert.True(t, s[i].Share.Equal(got[i].Share), "%s %d", cur, i)
		}
	}
	again, err := json.Marshal(&q)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(again))

	// A step whose action is not one of the measures is refused by the
	// decoder, naming the text.
	err = json.Unmarshal([]byte(`{"Penalties":{"EUR":[{"from":"100","action":"dismissal"}]}}`), &q)
	assert.ErrorContains(t, err, "dismissal")
}

// penaltyFaults are the faults of a schedule Validate refuses, each
// naming its field alone; TestPolicyValidateRefusesEachFault and the
// other tests of policyFaults take them too.
var penaltyFaults = []policyFault{
	{"penalties in an unknown currency", penalties("eur", step("100", complaint.ActionWarning, "")), `penalties["eur"]`, customer.CodeUnknown},
	{"penalty step from a negative loss", penalties("EUR", step("-1", complaint.ActionWarning, "")), `penalties["EUR"][0].from`, customer.CodeNegative},
	{"penalty step beyond the bounds of an amount", penalties("EUR", step("1e40", complaint.ActionWarning, "")), `penalties["EUR"][0].from`, customer.CodeRange},
	{"penalty step with an extreme exponent", penalties("EUR", complaint.PenaltyStep{From: decimal.New(1, -2147483647), Action: complaint.ActionWarning}), `penalties["EUR"][0].from`, customer.CodeRange},
	{"penalty steps from the same loss", penalties("EUR", step("100", complaint.ActionWarning, ""), step("100", complaint.ActionPayDeduction, "5")), `penalties["EUR"][1].from`, customer.CodeOrder},
	{"penalty steps descending", penalties("EUR", step("500", complaint.ActionWarning, ""), step("100", complaint.ActionPayDeduction, "5")), `penalties["EUR"][1].from`, customer.CodeOrder},
	{"pay deduction from a loss of zero", penalties("EUR", step("0", complaint.ActionPayDeduction, "5")), `penalties["EUR"][0].from`, customer.CodeNotPos},
	{"penalty step of no action", penalties("EUR", step("100", 0, "")), `penalties["EUR"][0].action`, customer.CodeUnknown},
	{"penalty step of an undefined action", penalties("EUR", step("100", 9, "")), `penalties["EUR"][0].action`, customer.CodeUnknown},
	{"penalty step of coaching", penalties("GBP", step("100", complaint.ActionCoaching, "")), `penalties["GBP"][0].action`, customer.CodeMismatch},
	{"penalty step lighter than the one before", penalties("EUR", step("100", complaint.ActionPayDeduction, "5"), step("500", complaint.ActionWarning, "")), `penalties["EUR"][1].action`, customer.CodeOrder},
	{"penalty step as light as the one before", penalties("EUR", step("100", complaint.ActionWarning, ""), step("500", complaint.ActionWarning, "")), `penalties["EUR"][1].action`, customer.CodeOrder},
	{"pay deduction without a share", penalties("EUR", step("100", complaint.ActionPayDeduction, "")), `penalties["EUR"][0].share`, customer.CodeRequired},
	{"pay deduction of a negative share", penalties("EUR", step("100", complaint.ActionPayDeduction, "-5")), `penalties["EUR"][0].share`, customer.CodeNotPos},
	{"pay deduction of more than the loss", penalties("EUR", step("100", complaint.ActionPayDeduction, "100.01")), `penalties["EUR"][0].share`, customer.CodeRange},
	{"pay deduction share with an extreme exponent", penalties("EUR", complaint.PenaltyStep{From: decimal.NewFromInt(100), Action: complaint.ActionPayDeduction, Share: decimal.New(1, 2147483647)}), `penalties["EUR"][0].share`, customer.CodeRange},
	{"share of a warning", penalties("EUR", step("100", complaint.ActionWarning, "5")), `penalties["EUR"][0].share`, customer.CodeMismatch},
	{"pay deduction share below the one before", penalties("EUR", step("100", complaint.ActionPayDeduction, "10"), step("500", complaint.ActionPayDeduction, "5")), `penalties["EUR"][1].share`, customer.CodeOrder},
	{"pay deduction share as the one before", penalties("CNY", step("800", complaint.ActionWarning, ""), step("4000", complaint.ActionPayDeduction, "5"), step("8000", complaint.ActionPayDeduction, "5.0")), `penalties["CNY"][2].share`, customer.CodeOrder},
}

func init() { policyFaults = append(policyFaults, penaltyFaults...) }

func penalties(cur customer.Currency, steps ...complaint.PenaltyStep) func(p *complaint.Policy) {
	return func(p *complaint.Policy) {
		if p.Penalties == nil {
			p.Penalties = map[customer.Currency]complaint.PenaltySchedule{}
		}
		p.Penalties[cur] = steps
	}
}

func step(from string, a complaint.AccountabilityAction, share string) complaint.PenaltyStep {
	s := complaint.PenaltyStep{From: decimal.RequireFromString(from), Action: a}
	if share != "" {
		s.Share = decimal.RequireFromString(share)
	}
	return s
}

// Schedules Validate accepts: empty ones, a warning from a loss of
// zero (every case), a deduction of the whole loss.
func TestPenaltyScheduleValid(t *testing.T) {
	for _, s := range []complaint.PenaltySchedule{
		nil, {},
		{step("0", complaint.ActionWarning, "")},
		{step("0.01", complaint.ActionPayDeduction, "100")},
		{step("0", complaint.ActionWarning, ""), step("10", complaint.ActionPayDeduction, "0.5"), step("10.01", complaint.ActionPayDeduction, "0.51")},
	} {
		p := &complaint.Policy{Penalties: map[customer.Currency]complaint.PenaltySchedule{"EUR": s}}
		require.NoError(t, p.Validate(), "%v", s)
	}
}

// Every fault of a schedule is listed at once, each by its field; a step
// is compared with the one before only when both are sound, so one
// fault is reported once.
func TestPenaltyScheduleListsEveryFault(t *testing.T) {
	p := &complaint.Policy{Penalties: map[customer.Currency]complaint.PenaltySchedule{
		"EUR": {
			step("-5", complaint.ActionWarning, ""),        // 0: negative
			step("100", complaint.ActionCoaching, "3"),     // 1: coaching, with a share
			step("50", complaint.ActionPayDeduction, ""),   // 2: below the step before, no share
			step("600", complaint.ActionPayDeduction, "5"), // 3: sound
			step("700", complaint.ActionPayDeduction, "4"), // 4: a smaller share
			step("800", complaint.ActionWarning, ""),       // 5: lighter
		},
		"XYZ": {step("100", complaint.ActionWarning, "")},
	}}
	err := p.Validate()
	policyInvalid(t, err,
		`penalties["EUR"][0].from`, customer.CodeNegative,
		`penalties["EUR"][1].action`, customer.CodeMismatch,
		`penalties["EUR"][1].share`, customer.CodeMismatch,
		`penalties["EUR"][2].from`, customer.CodeOrder,
		`penalties["EUR"][2].share`, customer.CodeRequired,
		`penalties["EUR"][4].share`, customer.CodeOrder,
		`penalties["EUR"][5].action`, customer.CodeOrder,
		`penalties["XYZ"]`, customer.CodeUnknown,
	)
	for range 20 {
		require.Equal(t, err.Error(), p.Validate().Error())
	}
	assert.Contains(t, err.Error(), `penalties["EUR"][4].share: 4 is below the share of penalties["EUR"][3] (5)`)
}

// drawSchedule draws a valid schedule in EUR: ascending steps, each
// asking more than the one before, their losses in cents.
func drawSchedule(t *rapid.T) complaint.PenaltySchedule {
	var s complaint.PenaltySchedule
	from := rapid.Int64Range(0, 50_000).Draw(t, "first from")
	last := complaint.ActionCoaching
	share := int64(0) // tenths of a percent
	for range rapid.IntRange(0, 4).Draw(t, "steps") {
		if last < complaint.ActionWarning && rapid.Bool().Draw(t, "warning") {
			s = append(s, complaint.PenaltyStep{From: decimal.New(from, -2), Action: complaint.ActionWarning})
			last = complaint.ActionWarning
		} else {
			if share >= 1000 {
				break
			}
			share = rapid.Int64Range(share+1, 1000).Draw(t, "share")
			from = max(from, 1)
			s = append(s, complaint.PenaltyStep{From: decimal.New(from, -2), Action: complaint.ActionPayDeduction, Share: decimal.New(share, -1)})
			last = complaint.ActionPayDeduction
		}
		from += rapid.Int64Range(1, 100_000).Draw(t, "step")
	}
	return s
}

// heavierThan draws a measure at least as heavy as m (an action, and a
// pay deduction's cents) that a carry-out of loss cents may take: a
// heavier action, or a deduction at least as large, within the loss.
func heavierThan(t *rapid.T, a complaint.AccountabilityAction, cents, loss int64) (complaint.AccountabilityAction, int64) {
	top := complaint.ActionPayDeduction
	if loss == 0 {
		top = complaint.ActionWarning // no deduction without a loss
	}
	h := complaint.AccountabilityAction(rapid.IntRange(int(min(a, top)), int(top)).Draw(t, "heavier action"))
	if h != complaint.ActionPayDeduction {
		return h, 0
	}
	return h, rapid.Int64Range(max(cents, 1), loss).Draw(t, "heavier deduction")
}

func entry(a complaint.AccountabilityAction, cents int64) complaint.Accountability {
	e := complaint.Accountability{Staff: "clerk-9", Action: a}
	if a == complaint.ActionPayDeduction {
		e.Deduction, _ = customer.MoneyFromDecimal(decimal.New(cents, -2), "EUR")
	}
	return e
}

func carryCents(loss int64, acc ...complaint.Accountability) complaint.Command {
	ex := &complaint.Execution{Notified: complaint.ChannelPhone, Accountability: acc}
	if loss > 0 {
		ex.Loss, _ = customer.MoneyFromDecimal(decimal.New(loss, -2), "EUR")
	}
	return complaint.Command{Kind: complaint.CmdCarryOut, Execution: ex}
}

// penaltyRefused applies cmd and reports whether the penalty guard alone
// refused it; any other error fails the test.
func penaltyRefused(t *rapid.T, p *complaint.Policy, c complaint.Case, cmd complaint.Command) bool {
	next, _, err := p.Apply(c, cmd, handler, hours(6))
	if err == nil {
		if next.State != complaint.StateCarriedOut {
			t.Fatalf("carried out into %s", next.State)
		}
		return false
	}
	var te *complaint.TransitionError
	if !errors.As(err, &te) || !reflect.DeepEqual(te.FailedGuards, []string{gPenalty}) || len(te.Missing) != 1 || te.Missing[0] == "" {
		t.Fatalf("refused otherwise: %v", err)
	}
	return true
}

// Properties of the guard, for any valid schedule: a carry-out that
// passes with a measure passes with any heavier one; raising the loss
// never makes a refused measure pass; and the schedule can always be
// met (a deduction of the least the step asks, at most the loss).
func TestPenaltyMonotone(t *testing.T) {
	c := approvedApology(t)
	rapid.Check(t, func(t *rapid.T) {
		p := &complaint.Policy{Penalties: map[customer.Currency]complaint.PenaltySchedule{"EUR": drawSchedule(t)}}
		if err := p.Validate(); err != nil {
			t.Fatalf("drawn schedule refused: %v", err)
		}
		loss := rapid.Int64Range(0, 300_000).Draw(t, "loss")
		top := complaint.ActionPayDeduction
		if loss == 0 {
			top = complaint.ActionWarning
		}
		a := complaint.AccountabilityAction(rapid.IntRange(int(complaint.ActionCoaching), int(top)).Draw(t, "action"))
		var cents int64
		if a == complaint.ActionPayDeduction {
			cents = rapid.Int64Range(1, loss).Draw(t, "deduction")
		}
		refusedM := penaltyRefused(t, p, c, carryCents(loss, entry(a, cents)))
		if !refusedM {
			h, hc := heavierThan(t, a, cents, loss)
			if penaltyRefused(t, p, c, carryCents(loss, entry(h, hc))) {
				t.Fatalf("loss %d: %s %d passes, heavier %s %d refused", loss, a, cents, h, hc)
			}
		}
		more := loss + rapid.Int64Range(0, 300_000).Draw(t, "more loss")
		if refusedM && !penaltyRefused(t, p, c, carryCents(more, entry(a, cents))) {
			t.Fatalf("%s %d refused at a loss of %d, passes at %d", a, cents, loss, more)
		}
		// The least the schedule asks passes.
		lossM, _ := customer.MoneyFromDecimal(decimal.New(loss, -2), "EUR")
		st, ok := p.Penalties["EUR"].Step(lossM.Amount())
		least := complaint.AccountabilityAction(complaint.ActionCoaching)
		var leastCents int64
		if ok {
			least = st.Action
			leastCents = st.LeastDeduction(lossM).Amount().Shift(2).IntPart()
		}
		if penaltyRefused(t, p, c, carryCents(loss, entry(least, leastCents))) {
			t.Fatalf("loss %d: the least the schedule asks, %s %d, refused", loss, least, leastCents)
		}
	})
}

// A schedule with a fault in it is refused by Apply before it looks at
// the case, whatever it is.
func TestPenaltyFaultRefusedByApply(t *testing.T) {
	c := approvedApology(t)
	for _, f := range penaltyFaults {
		p := &complaint.Policy{}
		f.inject(p)
		before := c.Clone()
		got, ev, err := p.Apply(c, carryLoss(t, "5000", measure(t, "clerk-9", "coaching")), handler, hours(6))
		policyInvalid(t, err, f.field, f.code)
		assert.True(t, reflect.DeepEqual(before, got), f.name)
		assert.Equal(t, complaint.Event{}, ev, f.name)
		assert.True(t, strings.HasPrefix(f.field, "penalties["), f.name)
	}
}
