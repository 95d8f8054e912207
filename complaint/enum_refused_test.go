package complaint_test

import (
	"testing"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Every enum of the package refuses a text that names no value and
// keeps the value it had: a rejected decode changes nothing.
func TestEnumRefusedTextLeavesValue(t *testing.T) {
	vState := complaint.State(1)
	vCommandKind := complaint.CommandKind(1)
	vRole := complaint.Role(1)
	vChannel := complaint.Channel(1)
	vSubjectKind := complaint.SubjectKind(1)
	vCategory := complaint.Category(1)
	vSeverity := complaint.Severity(1)
	vPriority := complaint.Priority(1)
	vValueClass := complaint.ValueClass(1)
	vResolutionKind := complaint.ResolutionKind(1)
	vCause := complaint.Cause(1)
	vParty := complaint.Party(1)
	vAccountabilityAction := complaint.AccountabilityAction(1)
	vTopic := complaint.Topic(1)
	enumtext.TestRefusedKeepsValue(t,
		&vState,
		&vCommandKind,
		&vRole,
		&vChannel,
		&vSubjectKind,
		&vCategory,
		&vSeverity,
		&vPriority,
		&vValueClass,
		&vResolutionKind,
		&vCause,
		&vParty,
		&vAccountabilityAction,
		&vTopic,
	)
}
