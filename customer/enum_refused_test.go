package customer_test

import (
	"encoding"
	"reflect"
	"testing"

	"github.com/tailorcrm/tailor/customer"
)

// Every enum of the package refuses a text that names no value and
// keeps the value it had: a rejected decode changes nothing.
func TestEnumRefusedTextLeavesValue(t *testing.T) {
	vPurpose := customer.Purpose(1)
	vConsentSource := customer.ConsentSource(1)
	vCreditKind := customer.CreditKind(1)
	vRelation := customer.Relation(1)
	vKind := customer.Kind(1)
	vRole := customer.Role(1)
	vChannel := customer.Channel(1)
	vReturnReason := customer.ReturnReason(1)
	vReturnKind := customer.ReturnKind(1)
	vInteractionKind := customer.InteractionKind(1)
	vFit := customer.Fit(1)
	vCreditRating := customer.CreditRating(1)
	vPeriod := customer.Period(1)
	vRoundingMode := customer.RoundingMode(1)
	for _, u := range []encoding.TextUnmarshaler{
		&vPurpose,
		&vConsentSource,
		&vCreditKind,
		&vRelation,
		&vKind,
		&vRole,
		&vChannel,
		&vReturnReason,
		&vReturnKind,
		&vInteractionKind,
		&vFit,
		&vCreditRating,
		&vPeriod,
		&vRoundingMode,
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
