package risk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// A case escalated by hand, before any deadline is missed, reaches the
// risk through complaint.Signals and ComplaintsAsOf: the escalation is
// counted, raises the risk and is named in the reasons; an escalation
// after the as-of instant is not.
func TestComplaintsAsOfCarriesEscalations(t *testing.T) {
	recorded := time.Date(2026, 2, 27, 9, 0, 0, 0, time.UTC)
	c, ev := complainttest.RecordFor("C-7", "C-1", recorded)
	log := []complaint.Event{ev}
	for i, cmd := range []complaint.Command{
		{Kind: complaint.CmdAccept},
		{Kind: complaint.CmdEscalate, Reason: "customer asks for a manager"},
	} {
		var err error
		c, ev, err = complaint.Apply(c, cmd, complainttest.Agent, recorded.Add(time.Duration(i+1)*time.Hour))
		require.NoError(t, err)
		log = append(log, ev)
	}
	escalatedAt := recorded.Add(2 * time.Hour)
	rules, err := risk.Rules(nil)
	require.NoError(t, err)

	score := func(asOf time.Time) (customer.ComplaintSignals, risk.Result) {
		t.Helper()
		sigs, err := complaint.Signals([][]complaint.Event{log}, asOf, 0, complaint.DefaultSLA())
		require.NoError(t, err)
		ins, err := risk.Collect([]customer.Summary{summaryAt(t, "C-1", asOf, 100, 40)},
			risk.ComplaintsAsOf{AsOf: asOf, Signals: sigs}, nil, customer.Weeks)
		require.NoError(t, err)
		r, err := rules.Score(ins[0])
		require.NoError(t, err)
		return ins[0].Complaints, r
	}
	before, rb := score(escalatedAt.Add(-time.Minute))
	after, ra := score(escalatedAt)
	require.Equal(t, 0, before.Escalated)
	require.Equal(t, 1, after.Escalated)
	require.Equal(t, 0, after.SLABreaches, "escalated before any deadline was missed")
	require.Equal(t, 1, after.Unresolved)
	require.Greater(t, ra.Risk, rb.Risk)
	quoted := func(r risk.Result) bool {
		for _, x := range r.Reasons {
			if strings.Contains(x.Text, "1 escalated") {
				return true
			}
		}
		return false
	}
	require.True(t, quoted(ra), "%+v", ra.Reasons)
	require.False(t, quoted(rb), "%+v", rb.Reasons)
}
