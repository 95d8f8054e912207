package risk

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// The complaint reason names the highest severity of the recent
// complaints, the lowest one too: a "low" complaint raises the risk
// (FeatureSeverity = 1 ÷ 4) and the reason says of what severity it was
// (domain rules §4: complaint records are a churn signal).
func TestComplaintReasonNamesLowSeverity(t *testing.T) {
	s := steady("A", 10, 30)
	s.Complaints = customer.ComplaintSignals{Total: 1, Recent: 1, Window: 90 * 24 * time.Hour, MaxSeverity: 1, Last: asOf.AddDate(0, 0, -3)}
	r, err := mustRules(t).ScoreSignals(s)
	require.NoError(t, err)
	var found bool
	for _, x := range r.Reasons {
		if strings.Contains(x.Text, "complaint") {
			found = true
			require.Contains(t, x.Text, "low", "%q", x.Text)
			require.Contains(t, x.Features, FeatureSeverity, "%+v", x)
		}
	}
	require.True(t, found, "no complaint reason: %q", reasonTexts(r))
}
