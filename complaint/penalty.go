package complaint

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// PenaltyStep is one step of a [PenaltySchedule]: from a loss of From
// (in the schedule's currency, From included) the staff member
// responsible for a complaint gets at least Action. For
// [ActionPayDeduction] Share is the least deduction in percent of the
// loss, above 0 and at most 100; for [ActionWarning] it is zero.
//
// The source (seed 004, step 7 of complaint handling: "依照投诉所造成的损失大小,
// 扣罚责任人一定比例的绩效工资或资金", by the size of the loss the complaint
// caused, deduct a share of the performance pay or bonus of the person
// responsible) sizes the deduction by the loss and takes it from pay.
// The package knows the loss, not anyone's pay, so a step's share is of
// the loss: a deduction of at least
//
//	least = ⌈loss × Share / 100⌉
//
// rounded up to whole minor units of the currency (a deduction is in
// whole minor units, so it meets the step exactly when it is at least
// loss × Share / 100). With Share at most 100 the least deduction is at
// most the loss, within which the deductions of a carry-out stay (see
// [Execution].Loss), so every step can be met. The brand chooses the
// shares so that they fit the performance pay of its staff; the source
// sets no figures.
type PenaltyStep struct {
	From   decimal.Decimal      `json:"from"`           // the least loss the step applies to
	Action AccountabilityAction `json:"action"`         // the least measure: warning or pay-deduction
	Share  decimal.Decimal      `json:"share,omitzero"` // percent of the loss, for pay-deduction
}

// PenaltySchedule is the least measure taken with the staff member
// responsible for a complaint by the size of its loss, in one currency
// (domain rules §5 step 7): steps in ascending From, each asking more
// than the one before (a heavier action, or a pay deduction of a larger
// share). Below the first step, and for an empty schedule, any measure
// will do ([ActionCoaching] the least); from a step's From on, that
// step's. A measure is heavier than another when its action comes later
// among the [AccountabilityAction] constants (coaching, warning, pay
// deduction), so a pay deduction of any amount meets a warning step.
//
// The loss of a case's carry-out is the one it records
// ([Execution].Loss) or, without one, what the resolution carried out
// pays the customer (a refund, a price reduction or a compensation;
// nothing for an exchange, a repair or an apology, whose cost the
// carry-out records as its loss), the same loss that bounds the pay
// deductions.
type PenaltySchedule []PenaltyStep

// Step returns the step of s that applies to a loss: the last whose
// From is at most loss. It reports false, and the zero step, for a loss
// below every step (any measure will do). s is taken as valid (see
// [Policy.Validate]), but values it refuses do not make Step hang: a
// loss beyond the bounds of an amount (more than 30 integer digits or
// 30 decimals) is below every step, and a step whose From is beyond
// them, and every step after it, applies to no loss.
func (s PenaltySchedule) Step(loss decimal.Decimal) (PenaltyStep, bool) {
	if i := s.step(loss); i >= 0 {
		return s[i], true
	}
	return PenaltyStep{}, false
}

// step returns the index of the step of s that applies to loss, -1 when
// none does.
func (s PenaltySchedule) step(loss decimal.Decimal) int {
	i := -1
	if !customer.AmountInRange(loss) {
		// The bound first: comparing an amount with an extreme
		// exponent would not end.
		return i
	}
	for j, st := range s {
		if !customer.AmountInRange(st.From) || st.From.GreaterThan(loss) {
			break
		}
		i = j
	}
	return i
}

// LeastDeduction returns the least pay deduction st asks for a loss:
// loss × Share / 100 rounded up to whole minor units of the loss's
// currency (see [PenaltyStep]). It returns the zero Money for a step of
// another action, for a loss in no known currency, and for what
// [Policy.Validate] and [Apply] refuse: a share outside (0, 100], a
// negative loss, and a share or loss beyond the bounds of an amount
// (more than 30 integer digits or 30 decimals).
func (st PenaltyStep) LeastDeduction(loss customer.Money) customer.Money {
	cur, l := loss.Currency(), loss.Amount()
	if st.Action != ActionPayDeduction || !cur.Valid() {
		return customer.Money{}
	}
	// The bounds first: comparing an amount with an extreme exponent
	// would not end.
	if !customer.AmountInRange(st.Share) || !customer.AmountInRange(l) ||
		st.Share.Sign() <= 0 || st.Share.GreaterThan(hundred) || l.Sign() < 0 {
		return customer.Money{}
	}
	m, err := customer.MoneyFromDecimal(l.Mul(st.Share).Shift(-2).RoundCeil(cur.Digits()), cur)
	if err != nil {
		return customer.Money{}
	}
	return m
}

// hundred is the largest share of a pay deduction step, in percent.
var hundred = decimal.NewFromInt(100)

// gPenalty sizes the measure with the staff member the finding names by
// the loss of the carry-out, as the policy's schedule for the case's
// currency asks (domain rules §5 step 7); see [PenaltySchedule]. Without
// a schedule, or for a loss below its first step, any measure will do,
// and then gAccountable alone asks for the entry. A finding of staff
// conduct from a log written before findings had to name the staff
// member (see checkStaffConduct) is met by the entries of any one staff
// member. Rebuild checks no guard, so logs written before the schedule
// rebuild.
var gPenalty = guard{
	name:    "measure with the responsible staff member sized by the loss (policy penalties)",
	ok:      func(g *guardInput) bool { return g.penaltyMissing() == "" },
	missing: func(g *guardInput) string { return g.penaltyMissing() },
}

// penaltyMissing returns what the measures of the carry-out miss of the
// policy's schedule, "" when they meet it or it asks nothing.
func (g *guardInput) penaltyMissing() string {
	f := g.c.Finding
	if f == nil || g.cmd.Execution == nil {
		return ""
	}
	anyone := f.Staff == "" && f.Cause == CauseStaffConduct
	if f.Staff == "" && !anyone {
		return ""
	}
	cur := g.c.Intake.Currency
	s := g.policy.Penalties[cur]
	if len(s) == 0 {
		return ""
	}
	loss, _, ok := lossOf(g.c, g.cmd.Execution)
	if !ok {
		return "" // refused by checkCommand before the guards
	}
	i := s.step(loss.Amount())
	if i < 0 {
		return ""
	}
	st := s[i]
	least := st.LeastDeduction(loss)
	acc := g.cmd.Execution.Accountability
	if anyone {
		for _, a := range acc {
			if meetsPenalty(acc, a.Staff, st, least, cur) {
				return ""
			}
		}
	} else if meetsPenalty(acc, f.Staff, st, least, cur) {
		return ""
	}
	who := fmt.Sprintf("with staff member %q", string(f.Staff))
	if anyone {
		who = "with one staff member (the finding names none)"
	}
	if st.Action == ActionPayDeduction {
		return fmt.Sprintf("a pay deduction of at least %s for a loss of %s (%s%% of the loss, %s) %s", least, loss, st.Share, stepName(cur, i), who)
	}
	return fmt.Sprintf("a %s at least for a loss of %s (%s) %s", st.Action, loss, stepName(cur, i), who)
}

// meetsPenalty reports whether the entries of acc for staff together
// meet step st, whose least deduction is least: their heaviest action is
// at least st's, and for a pay deduction step their deductions in
// currency cur add up to least or more.
func meetsPenalty(acc []Accountability, staff ActorID, st PenaltyStep, least customer.Money, cur customer.Currency) bool {
	heaviest := AccountabilityAction(0)
	deducted := decimal.Zero
	for _, a := range acc {
		if a.Staff != staff {
			continue
		}
		heaviest = max(heaviest, a.Action)
		if d := a.Deduction; a.Action == ActionPayDeduction && d.Currency() == cur {
			deducted = deducted.Add(d.Amount())
		}
	}
	if st.Action == ActionPayDeduction {
		return heaviest == ActionPayDeduction && deducted.GreaterThanOrEqual(least.Amount())
	}
	return heaviest >= st.Action
}

func stepName(cur customer.Currency, i int) string {
	return fmt.Sprintf("penalties[%q][%d]", string(cur), i)
}

func penaltiesField(cur customer.Currency) string {
	return fmt.Sprintf("penalties[%q]", string(cur))
}

// checkPenalties reports the faults of the policy's penalty schedules
// (see [Policy.Validate]). A step is compared with the one before it
// only in fields sound in both, so that one fault is reported once. A
// valid schedule costs no allocation when its amounts share their
// exponents (decimal.NewFromInt ones do).
func (p *Policy) checkPenalties(q *problems) {
	for cur, s := range p.Penalties {
		if !cur.Valid() {
			q.add(penaltiesField(cur), customer.CodeUnknown, fmt.Sprintf("%q is not a known ISO 4217 currency code", string(cur)))
		}
		prevFrom, prevAction, prevShare := false, false, false // sound in the step before
		for i, st := range s {
			fromOK := checkStepFrom(q, cur, i, st)
			actionOK := checkStepAction(q, cur, i, st)
			shareOK := checkStepShare(q, cur, i, st)
			if i > 0 {
				prev := s[i-1]
				if fromOK && prevFrom && !st.From.GreaterThan(prev.From) {
					q.add(stepField(cur, i, "from"), customer.CodeOrder, fmt.Sprintf("%s is not above the loss of %s (%s): the steps ascend", st.From, stepName(cur, i-1), prev.From))
				}
				if actionOK && prevAction {
					switch {
					case st.Action < prev.Action:
						q.add(stepField(cur, i, "action"), customer.CodeOrder, fmt.Sprintf("%s is lighter than the %s of %s: a step asks more than the one before", st.Action, prev.Action, stepName(cur, i-1)))
					case st.Action == prev.Action && st.Action != ActionPayDeduction:
						q.add(stepField(cur, i, "action"), customer.CodeOrder, fmt.Sprintf("%s is the action of %s: a step asks more than the one before", st.Action, stepName(cur, i-1)))
					case st.Action == ActionPayDeduction && prev.Action == ActionPayDeduction && shareOK && prevShare:
						switch c := st.Share.Cmp(prev.Share); {
						case c < 0:
							q.add(stepField(cur, i, "share"), customer.CodeOrder, fmt.Sprintf("%s is below the share of %s (%s): a step asks more than the one before", st.Share, stepName(cur, i-1), prev.Share))
						case c == 0:
							q.add(stepField(cur, i, "share"), customer.CodeOrder, fmt.Sprintf("%s is the share of %s: a step asks more than the one before", st.Share, stepName(cur, i-1)))
						}
					}
				}
			}
			prevFrom, prevAction, prevShare = fromOK, actionOK, shareOK
		}
	}
}

func stepField(cur customer.Currency, i int, name string) string {
	return fmt.Sprintf("penalties[%q][%d].%s", string(cur), i, name)
}

// checkStepFrom reports a From beyond the bounds of an amount, below
// zero, or zero for a pay deduction, and reports whether it is sound.
func checkStepFrom(q *problems, cur customer.Currency, i int, st PenaltyStep) bool {
	switch {
	case !customer.AmountInRange(st.From):
		// The bound first: comparing an amount with an extreme
		// exponent would not end.
		q.add(stepField(cur, i, "from"), customer.CodeRange, "is outside the bounds of an amount (at most 30 integer digits and 30 decimals)")
	case st.From.Sign() < 0:
		q.add(stepField(cur, i, "from"), customer.CodeNegative, fmt.Sprintf("is negative (%s); a loss is zero or more", st.From))
	case st.From.Sign() == 0 && st.Action == ActionPayDeduction:
		q.add(stepField(cur, i, "from"), customer.CodeNotPos, "is zero for a pay deduction: without a loss no deduction can be made, as the deductions stay within the loss")
	default:
		return true
	}
	return false
}

// checkStepAction reports an undefined action and coaching, which asks
// nothing more than no step, and reports whether the action is sound.
func checkStepAction(q *problems, cur customer.Currency, i int, st PenaltyStep) bool {
	switch {
	case !st.Action.Valid():
		q.add(stepField(cur, i, "action"), customer.CodeUnknown, fmt.Sprintf("undefined value %d; a step asks for a warning or a pay-deduction", uint8(st.Action)))
	case st.Action == ActionCoaching:
		q.add(stepField(cur, i, "action"), customer.CodeMismatch, "is coaching, the least measure, which any entry meets: a step of it asks nothing")
	default:
		return true
	}
	return false
}

// checkStepShare reports the share of a pay deduction step that is
// missing, not positive, above 100 or beyond the bounds of an amount,
// and a share of a step of another action, and reports whether the
// share is sound.
func checkStepShare(q *problems, cur customer.Currency, i int, st PenaltyStep) bool {
	f := func() string { return stepField(cur, i, "share") } // only for a fault: it allocates
	if st.Action != ActionPayDeduction {
		if !st.Share.IsZero() {
			q.add(f(), customer.CodeMismatch, fmt.Sprintf("is set (%s), but only a pay-deduction step takes a share of the loss", safeDecimal(st.Share)))
			return false
		}
		return true
	}
	switch {
	case !customer.AmountInRange(st.Share):
		q.add(f(), customer.CodeRange, "is outside the bounds of an amount (at most 30 integer digits and 30 decimals)")
	case st.Share.IsZero():
		q.add(f(), customer.CodeRequired, "is empty: a pay-deduction step takes a share of the loss in percent, above 0 and at most 100")
	case st.Share.Sign() < 0:
		q.add(f(), customer.CodeNotPos, fmt.Sprintf("must be positive, got %s", st.Share))
	case st.Share.GreaterThan(hundred):
		q.add(f(), customer.CodeRange, fmt.Sprintf("%s is above 100: a deduction stays within the loss", st.Share))
	default:
		return true
	}
	return false
}

// safeDecimal formats d, or says it is beyond the bounds of an amount,
// whose text would be too long to print.
func safeDecimal(d decimal.Decimal) string {
	if !customer.AmountInRange(d) {
		return "beyond the bounds of an amount"
	}
	return d.String()
}
