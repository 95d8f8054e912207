package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint"
)

// Apply checks the amounts of a sound case without allocating: a case
// whose carry-out paid deductions costs as much to move on as the same
// case whose staff were coached instead.
func TestApplyChecksSoundAmountsWithoutAllocating(t *testing.T) {
	approved, _ := reach(5)
	carried := func(action complaint.AccountabilityAction, deduction string) complaint.Case {
		e := &complaint.Execution{Notified: complaint.ChannelEmail, Loss: eur(t, "60.00")}
		for _, staff := range []complaint.ActorID{"qc-1", "qc-2", "qc-3"} {
			a := complaint.Accountability{Staff: staff, Action: action}
			if deduction != "" {
				a.Deduction = eur(t, deduction)
			}
			e.Accountability = append(e.Accountability, a)
		}
		c, _ := do(t, approved, complaint.Command{Kind: complaint.CmdCarryOut, Execution: e}, handler, hours(7))
		return c
	}
	escalate := complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}
	allocs := func(c complaint.Case) float64 {
		return testing.AllocsPerRun(100, func() {
			if _, _, err := complaint.Apply(c, escalate, agent, hours(9)); err != nil {
				t.Fatal(err)
			}
		})
	}
	coached := allocs(carried(complaint.ActionCoaching, ""))
	deducted := allocs(carried(complaint.ActionPayDeduction, "2.00"))
	assert.Equal(t, coached, deducted, "allocations with pay deductions")
}
