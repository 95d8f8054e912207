package loyalty_test

import (
	"testing"

	"github.com/tailorcrm/tailor/internal/enumtext"
	"github.com/tailorcrm/tailor/loyalty"
)

// Every enum of the package refuses a text that names no value and
// keeps the value it had: a rejected decode changes nothing.
func TestEnumRefusedTextLeavesValue(t *testing.T) {
	vEntryKind := loyalty.EntryKind(1)
	vBonusKind := loyalty.BonusKind(1)
	vDebtPolicy := loyalty.DebtPolicy(1)
	vBasis := loyalty.Basis(1)
	vRounding := loyalty.Rounding(1)
	vCouponKind := loyalty.CouponKind(1)
	vScopeKind := loyalty.ScopeKind(1)
	vStacking := loyalty.Stacking(1)
	vDeductionKind := loyalty.DeductionKind(1)
	enumtext.TestRefusedKeepsValue(t,
		&vEntryKind,
		&vBonusKind,
		&vDebtPolicy,
		&vBasis,
		&vRounding,
		&vCouponKind,
		&vScopeKind,
		&vStacking,
		&vDeductionKind,
	)
}
