package complaint_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// TestAnalyzeRanksCategoriesAndCauses pins the order of Report.ByCategory
// and Report.ByCause, which feed product and service improvement (domain
// rules §5, step 8 and "complaint data feeds product and service
// improvement"): most frequent first, ties in the order of the
// categories and causes. The counts come from maps, so the report is
// computed several times: an order left to the maps would differ.
func TestAnalyzeRanksCategoriesAndCauses(t *testing.T) {
	hp := complainttest.HappyPath()
	cases := []struct {
		cat   complaint.Category
		cause complaint.Cause
	}{
		{complaint.CategoryFabric, complaint.CauseManufacturing},
		{complaint.CategoryDelivery, complaint.CauseCarrier},
		{complaint.CategorySeams, complaint.CauseSizing},
		{complaint.CategorySizeFit, complaint.CauseMaterial},
		{complaint.CategorySeams, complaint.CauseCarrier},
		{complaint.CategoryDelivery, complaint.CauseMaterial},
		{complaint.CategorySizeFit, complaint.CauseSizing},
		{complaint.CategorySeams, complaint.CauseCarrier},
	}
	var logs [][]complaint.Event
	for i, k := range cases {
		in := complainttest.Intake(complaint.ID(fmt.Sprintf("C-%d", i+1)), t0)
		in.Category = k.cat
		finding := *hp[2].Command.Finding
		finding.Cause = k.cause
		logs = append(logs, script(t, in, t0, hp[0], hp[1],
			complainttest.Step{Command: complaint.Command{Kind: complaint.CmdInvestigate, Finding: &finding}, Actor: handler}))
	}
	for range 20 {
		r, err := complaint.Analyze(logs, t0, t0.Add(30*24*time.Hour), 1000, nil)
		require.NoError(t, err)
		assert.Equal(t, []complaint.CategoryCount{
			{Category: complaint.CategorySeams, Cases: 3, RatePer1000: 3},
			{Category: complaint.CategorySizeFit, Cases: 2, RatePer1000: 2},
			{Category: complaint.CategoryDelivery, Cases: 2, RatePer1000: 2},
			{Category: complaint.CategoryFabric, Cases: 1, RatePer1000: 1},
		}, r.ByCategory)
		assert.Equal(t, []complaint.CauseCount{
			{Cause: complaint.CauseCarrier, Cases: 3},
			{Cause: complaint.CauseMaterial, Cases: 2},
			{Cause: complaint.CauseSizing, Cases: 2},
			{Cause: complaint.CauseManufacturing, Cases: 1},
		}, r.ByCause)
		if t.Failed() {
			return
		}
	}
}
