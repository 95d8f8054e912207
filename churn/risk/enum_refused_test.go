package risk_test

import (
	"testing"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Every enum of the package refuses a text that names no value and
// keeps the value it had: a rejected decode changes nothing.
func TestEnumRefusedTextLeavesValue(t *testing.T) {
	vBand := risk.Band(1)
	vMethod := risk.Method(1)
	vFeature := risk.Feature(1)
	enumtext.TestRefusedKeepsValue(t,
		&vBand,
		&vMethod,
		&vFeature,
	)
}
