package customer_test

import (
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
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
	enumtext.TestRefusedKeepsValue(t,
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
	)
}
