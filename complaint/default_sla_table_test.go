package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint"
)

// TestDefaultSLAMatchesItsTable pins every target of DefaultSLA to the
// table of its doc comment (hours, around the clock, escalation at
// 1.5 × target), so that a target cannot change without the documented
// table changing with it.
func TestDefaultSLAMatchesItsTable(t *testing.T) {
	h := func(low, normal, high, urgent time.Duration) complaint.Targets {
		return complaint.Targets{
			complaint.PriorityLow: low * time.Hour, complaint.PriorityNormal: normal * time.Hour,
			complaint.PriorityHigh: high * time.Hour, complaint.PriorityUrgent: urgent * time.Hour,
		}
	}
	p := complaint.DefaultSLA()
	assert.Equal(t, map[complaint.State]complaint.Targets{
		complaint.StateRecorded:     h(48, 24, 4, 2),
		complaint.StateAccepted:     h(48, 24, 4, 2),
		complaint.StateAssigned:     h(120, 72, 48, 24),
		complaint.StateInvestigated: h(72, 48, 24, 8),
		complaint.StateProposed:     h(48, 24, 8, 4),
		complaint.StateApproved:     h(120, 72, 48, 24),
		complaint.StateCarriedOut:   h(168, 120, 72, 48),
	}, p.Steps)
	assert.Equal(t, h(336, 240, 120, 72), p.Resolution)
	assert.Equal(t, 1.5, p.EscalateAt)
	assert.Nil(t, p.Calendar)
}
