package complaint_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// applied is what Policy.Apply returned.
type applied struct {
	c   complaint.Case
	ev  complaint.Event
	err error
}

// applyWithin applies cmd under p and fails the test when Apply does
// not return within two seconds, so that a hang fails rather than stalls
// the suite.
func applyWithin(t testing.TB, p *complaint.Policy, c complaint.Case, cmd complaint.Command, a complaint.Actor, at time.Time) (complaint.Case, complaint.Event, error) {
	t.Helper()
	done := make(chan applied, 1)
	go func() {
		next, ev, err := p.Apply(c, cmd, a, at)
		done <- applied{next, ev, err}
	}()
	select {
	case r := <-done:
		return r.c, r.ev, r.err
	case <-time.After(2 * time.Second):
		t.Fatalf("%s by %s did not return within 2 s", cmd.Kind, a)
		return complaint.Case{}, complaint.Event{}, nil
	}
}

// withMoney returns d in currency cur, whatever its bounds.
func withMoney(t testing.TB, d decimal.Decimal, cur customer.Currency) customer.Money {
	t.Helper()
	m, err := customer.MoneyFromDecimal(d, cur)
	require.NoError(t, err)
	return m
}

// A case whose amounts no log of events leads to, as a hand-built case or
// a damaged store may give it, is refused by every command, before any
// arithmetic: with a field error naming the case's field, and the case
// unchanged. Amounts with an extreme exponent (1e-2147483647) would make
// the arithmetic of the approval, the carry-out and the proposal's bound
// by the order value run without end.
func TestApplyRefusesCorruptCaseAmounts(t *testing.T) {
	tiny := decimal.New(1, -2147483647)
	huge := decimal.New(1, 2147483647)

	type step struct {
		cmd complaint.Command
		by  complaint.Actor
	}
	type base struct {
		name string
		c    complaint.Case
		cmds []step
	}
	escalate := step{complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, supervisor}
	investigated, _ := reach(3)
	proposed, _ := reach(4)
	approved, _ := reach(5)
	carried, _ := reach(6) // a price reduction of 40.00 EUR paid
	carried.Execution.Loss = eur(t, "40.00")
	carried.Execution.Accountability = append(carried.Execution.Accountability,
		complaint.Accountability{Staff: "qc-2", Action: complaint.ActionPayDeduction, Deduction: eur(t, "2.00")})
	waiting, _ := do(t, approved, complaint.Command{Kind: complaint.CmdWait, Reason: "size"}, handler, hours(6))
	reopened, _ := do(t, carried, complaint.Command{Kind: complaint.CmdReopen, Reason: "still torn",
		Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}, complainant, hours(7))
	reopened, _ = do(t, reopened, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "second seam"}}, handler, hours(8))

	propose := func(k complaint.ResolutionKind, amount string) step {
		return step{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: k, Amount: eur(t, amount), Detail: "x"}}, handler}
	}
	carryOut := func(loss string, deductions ...string) step {
		e := &complaint.Execution{Notified: complaint.ChannelEmail, Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionCoaching}}}
		if loss != "" {
			e.Loss = eur(t, loss)
		}
		for _, d := range deductions {
			e.Accountability = append(e.Accountability, complaint.Accountability{Staff: "qc-1", Action: complaint.ActionPayDeduction, Deduction: eur(t, d)})
		}
		return step{complaint.Command{Kind: complaint.CmdCarryOut, Execution: e}, handler}
	}
	bases := []base{
		{"investigated", investigated, []step{escalate,
			propose(complaint.ResolutionRefund, "20.00"), propose(complaint.ResolutionPriceReduction, "20.00"),
			propose(complaint.ResolutionCompensation, "20.00")}},
		{"proposed", proposed, []step{escalate, {complaint.Command{Kind: complaint.CmdApprove}, supervisor},
			{complaint.Command{Kind: complaint.CmdApprove}, manager}}},
		{"approved", approved, []step{escalate, carryOut("", "1.00"), carryOut("60.00", "1.00", "2.00")}},
		{"carried-out", carried, []step{escalate,
			{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 8, Expected: 8, CSAT: 5}}, agent}}},
		{"waiting", waiting, []step{escalate, {complaint.Command{Kind: complaint.CmdResume}, complainant}}},
		{"reopened", reopened, []step{escalate, propose(complaint.ResolutionRefund, "20.00"), propose(complaint.ResolutionCompensation, "20.00")}},
	}

	type corruption struct {
		name        string
		field, code string
		applies     func(c complaint.Case) bool // nil: every case
		alter       func(c *complaint.Case)
	}
	hasProposal := func(c complaint.Case) bool { return c.Proposal != nil }
	hasExecution := func(c complaint.Case) bool { return c.Execution != nil }
	corruptions := []corruption{
		{"order value 1e-2147483647", "case.intake.order_value", customer.CodeRange, nil,
			func(c *complaint.Case) { c.Intake.OrderValue = withMoney(t, tiny, "EUR") }},
		{"order value 1e2147483647", "case.intake.order_value", customer.CodeRange, nil,
			func(c *complaint.Case) { c.Intake.OrderValue = withMoney(t, huge, "EUR") }},
		{"order value 1e31", "case.intake.order_value", customer.CodeRange, nil,
			func(c *complaint.Case) { c.Intake.OrderValue = withMoney(t, decimal.New(1, 31), "EUR") }},
		{"order value in USD", "case.intake.order_value", customer.CodeMismatch, nil,
			func(c *complaint.Case) { c.Intake.OrderValue = eurIn(t, "189.00", "USD") }},
		{"order value negative", "case.intake.order_value", customer.CodeNotPos, nil,
			func(c *complaint.Case) { c.Intake.OrderValue = eur(t, "-189.00") }},
		{"demand 1e-2147483647", "case.intake.demand.amount", customer.CodeRange, nil,
			func(c *complaint.Case) { c.Intake.Demand.Amount = withMoney(t, tiny, "EUR") }},
		{"unknown currency", "case.intake.currency", customer.CodeUnknown, nil,
			func(c *complaint.Case) { c.Intake.Currency = "EURO" }},
		{"paid 1e-2147483647", "case.paid", customer.CodeRange, nil,
			func(c *complaint.Case) { c.Paid = withMoney(t, tiny, "EUR") }},
		{"paid 1e2147483647", "case.paid", customer.CodeRange, nil,
			func(c *complaint.Case) { c.Paid = withMoney(t, huge, "EUR") }},
		{"paid in USD", "case.paid", customer.CodeMismatch, nil,
			func(c *complaint.Case) { c.Paid = eurIn(t, "10.00", "USD") }},
		{"paid negative", "case.paid", customer.CodeNegative, nil,
			func(c *complaint.Case) { c.Paid = eur(t, "-10.00") }},
		{"paid out 1e-2147483647", "case.paid_out", customer.CodeRange, nil,
			func(c *complaint.Case) { c.PaidOut = withMoney(t, tiny, "EUR") }},
		{"paid out 1e2147483647", "case.paid_out", customer.CodeRange, nil,
			func(c *complaint.Case) { c.PaidOut = withMoney(t, huge, "EUR") }},
		{"paid out in USD", "case.paid_out", customer.CodeMismatch, nil,
			func(c *complaint.Case) { c.PaidOut = eurIn(t, "10.00", "USD") }},
		{"paid out negative", "case.paid_out", customer.CodeNegative, nil,
			func(c *complaint.Case) { c.PaidOut = eur(t, "-1000.00") }},
		{"proposal 1e-2147483647", "case.proposal.amount", customer.CodeRange, hasProposal,
			func(c *complaint.Case) { c.Proposal.Amount = withMoney(t, tiny, "EUR") }},
		{"proposal 1e2147483647", "case.proposal.amount", customer.CodeRange, hasProposal,
			func(c *complaint.Case) { c.Proposal.Amount = withMoney(t, huge, "EUR") }},
		{"proposal in USD", "case.proposal.amount", customer.CodeMismatch, hasProposal,
			func(c *complaint.Case) { c.Proposal.Amount = eurIn(t, "40.00", "USD") }},
		{"proposal negative", "case.proposal.amount", customer.CodeNotPos, hasProposal,
			func(c *complaint.Case) { c.Proposal.Amount = eur(t, "-40.00") }},
		{"proposal zero", "case.proposal.amount", customer.CodeNotPos, hasProposal,
			func(c *complaint.Case) { c.Proposal.Amount = eur(t, "0") }},
		{"proposal of half a cent", "case.proposal.amount", customer.CodeFormat, hasProposal,
			func(c *complaint.Case) { c.Proposal.Amount = eur(t, "40.005") }},
		{"apology with an amount", "case.proposal.amount", customer.CodeMismatch, hasProposal,
			func(c *complaint.Case) { c.Proposal.Kind = complaint.ResolutionApology }},
		{"proposal of no kind", "case.proposal.kind", customer.CodeUnknown, hasProposal,
			func(c *complaint.Case) { c.Proposal.Kind = complaint.ResolutionKind(99) }},
		{"proposed without proposal", "case.proposal", customer.CodeRequired,
			func(c complaint.Case) bool {
				return c.State == complaint.StateProposed || c.State == complaint.StateApproved || c.ResumeTo == complaint.StateApproved
			},
			func(c *complaint.Case) { c.Proposal = nil }},
		{"loss 1e-2147483647", "case.execution.loss", customer.CodeRange, hasExecution,
			func(c *complaint.Case) { c.Execution.Loss = withMoney(t, tiny, "EUR") }},
		{"coaching with a deduction", "case.execution.accountability[0].deduction", customer.CodeMismatch, hasExecution,
			func(c *complaint.Case) { c.Execution.Accountability[0].Deduction = eur(t, "1.00") }},
		{"deduction negative", "case.execution.accountability[1].deduction", customer.CodeNotPos, hasExecution,
			func(c *complaint.Case) { c.Execution.Accountability[1].Deduction = eur(t, "-1.00") }},
		{"deduction 1e-2147483647", "case.execution.accountability[1].deduction", customer.CodeRange, hasExecution,
			func(c *complaint.Case) { c.Execution.Accountability[1].Deduction = withMoney(t, tiny, "EUR") }},
	}
	for _, b := range bases {
		for _, k := range corruptions {
			if k.applies != nil && !k.applies(b.c) {
				continue
			}
			t.Run(b.name+"/"+k.name, func(t *testing.T) {
				c := b.c.Clone()
				k.alter(&c)
				before := c.Clone()
				for _, s := range b.cmds {
					got, ev, err := applyWithin(t, nil, c, s.cmd, s.by, hours(20))
					var ve *customer.ValidationError
					require.ErrorAs(t, err, &ve, "%s", s.cmd.Kind)
					assert.ErrorIs(t, err, customer.ErrInvalid)
					assert.True(t, ve.Has(k.field, k.code), "want %s %s in %v", k.field, k.code, err)
					assert.Len(t, ve.Fields, 1, "%v", err)
					assert.Contains(t, err.Error(), `complaint "C-1"`)
					assert.True(t, reflect.DeepEqual(before, got), "case changed")
					assert.True(t, reflect.DeepEqual(before, c), "case given changed")
					assert.Equal(t, complaint.Event{}, ev)
				}
			})
		}
	}
	// The cases as the log left them move on.
	for _, b := range bases {
		for _, s := range b.cmds {
			_, _, err := applyWithin(t, nil, b.c, s.cmd, s.by, hours(20))
			require.NoError(t, err, "%s: %s by %s", b.name, s.cmd.Kind, s.by)
		}
	}
}

// eurIn returns amount in currency cur.
func eurIn(t testing.TB, amount string, cur customer.Currency) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(amount, string(cur))
	require.NoError(t, err)
	return m
}

// Service.Do refuses a stored case with a corrupt amount as Apply does,
// and stores nothing.
func TestServiceDoRefusesCorruptCaseAmounts(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	c, evs := reach(5) // approved
	for i, ev := range evs {
		next, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, mem.Save(ctx, next, ev))
	}
	require.Equal(t, 6, c.Version)
	svc := &complaint.Service{Store: alteredStore{mem, func(c *complaint.Case) {
		c.Proposal.Amount = withMoney(t, decimal.New(1, -2147483647), "EUR")
	}}}
	cmd := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail,
		Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionPayDeduction, Deduction: eur(t, "1.00")}}}}
	done := make(chan error, 1)
	go func() {
		_, _, err := svc.Do(ctx, "C-1", cmd, handler, hours(10))
		done <- err
	}()
	select {
	case err := <-done:
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("case.proposal.amount", customer.CodeRange), "%v", err)
	case <-time.After(2 * time.Second):
		t.Fatal("Do did not return within 2 s")
	}
	stored, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, stored, 6, "nothing stored")
}

// A proposal that, with what the case paid out before, would take the
// sum paid out beyond the bounds of an amount is refused: the case would
// otherwise hold an amount Apply refuses on every later command.
func TestProposalKeepsPaidOutWithinBounds(t *testing.T) {
	c, _ := reach(3)
	c.Intake.OrderValue = customer.Money{}
	c.PaidOut = eur(t, "900000000000000000000000000000") // 9 × 10²⁹
	cmd := complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{
		Kind: complaint.ResolutionCompensation, Amount: eur(t, "100000000000000000000000000000"), Detail: "x"}}
	invalid(t, c, cmd, handler, hours(10), "command.proposal.amount", customer.CodeRange)
	cmd.Proposal.Amount = eur(t, "99999999999999999999999999999")
	do(t, c, cmd, handler, hours(10))

	// A proposal approved before the bound, carried out.
	approved, _ := reach(5) // a price reduction of 40.00 EUR
	nines := eur(t, "999999999999999999999999999999")
	approved.PaidOut, approved.Paid = nines, nines
	approved.Intake.OrderValue = customer.Money{}
	carryOut := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}
	invalid(t, approved, carryOut, handler, hours(10), "case.proposal.amount", customer.CodeRange)
	approved.PaidOut = eur(t, "999999999999999999999999999959.99")
	invalid(t, approved, carryOut, handler, hours(10), "case.proposal.amount", customer.CodeRange) // paid back
	approved.Paid = approved.PaidOut
	next, _ := do(t, approved, carryOut, handler, hours(10))
	assert.Equal(t, "999999999999999999999999999999.99 EUR", next.PaidOut.String())
}
