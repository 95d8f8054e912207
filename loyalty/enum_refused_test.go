package loyalty_test

import (
	"encoding"
	"reflect"
	"testing"

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
	for _, u := range []encoding.TextUnmarshaler{
		&vEntryKind,
		&vBonusKind,
		&vDebtPolicy,
		&vBasis,
		&vRounding,
		&vCouponKind,
		&vScopeKind,
		&vStacking,
		&vDeductionKind,
	} {
		before := reflect.ValueOf(u).Elem().Interface()
		if err := u.UnmarshalText([]byte("no such name")); err == nil {
			t.Errorf("%T: no error for an unknown name", u)
		}
		if after := reflect.ValueOf(u).Elem().Interface(); after != before {
			t.Errorf("%T: a refused text changed %v to %v", u, before, after)
		}
	}
}
