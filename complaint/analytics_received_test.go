package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A complaint belongs to the period in which the customer made it
// (Intake.Received), as its SLA clocks do, not to the one in which the
// desk typed it in: a letter received on 31 March and recorded on
// 2 April is a March complaint, counted in March's report whether the
// report is run before or after it was typed in, and not in April's.
// The churn signals count it as recent, and as the last complaint, by
// the same time.
func TestPeriodsCountFromReceipt(t *testing.T) {
	mar31 := time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)
	apr2 := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	in := complainttest.Intake("C-1", mar31)
	in.Channel = complaint.ChannelLetter
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, apr2)
	_, ev2 := do(t, c, complaint.Command{Kind: complaint.CmdAccept}, agent, apr2.Add(time.Hour))
	logs := [][]complaint.Event{{ev, ev2}}

	march := func(to time.Time) complaint.Report {
		r, err := complaint.Analyze(logs, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), to, 1000, nil)
		require.NoError(t, err)
		return r
	}
	apr1 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	r := march(apr1)
	assert.Equal(t, 1, r.Cases, "received in March")
	assert.InDelta(t, 1.0, r.RatePer1000, 1e-9)
	require.Len(t, r.ByCategory, 1)
	assert.Equal(t, complaint.CategorySeams, r.ByCategory[0].Category)
	assert.Equal(t, 1, r.Complainants)
	// Typed in after the period's end, the case is seen as recorded: its
	// judging clock ran from receipt to the recording, 42 hours, beyond
	// the 24h target.
	assert.Equal(t, 1, r.Breached)
	assert.Empty(t, r.StepTimes, "the judging step is not done when recorded")

	r, err := complaint.Analyze(logs, apr1, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), 1000, nil)
	require.NoError(t, err)
	assert.Zero(t, r.Cases, "not an April complaint")

	// The signals as of 29 June 2026 with a 90-day window, (31 March
	// 17:00, 29 June 17:00]: the complaint was made before the window,
	// though typed in within it.
	asOf := mar31.Add(90*24*time.Hour + time.Hour)
	sig, err := complaint.Signals(logs, asOf, 90*24*time.Hour, nil)
	require.NoError(t, err)
	s := sig["cust-C-1"]
	assert.Equal(t, 1, s.Total)
	assert.Zero(t, s.Recent, "made more than 90 days before")
	assert.Zero(t, s.MaxSeverity)
	assert.Equal(t, mar31, s.Last, "the last complaint was made on 31 March")
	sig, err = complaint.Signals(logs, asOf.Add(-2*time.Hour), 90*24*time.Hour, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, sig["cust-C-1"].Recent)
	// Before it is typed in the desk knows nothing of it.
	sig, err = complaint.Signals(logs, apr1, 0, nil)
	require.NoError(t, err)
	assert.Empty(t, sig)
}

// A report tells how far the recording it saw reaches, and how many of
// its complaints were typed in after the period: run on the period's
// last day it lacks the letter received then and typed in later, and
// says so by a LastRecorded before the period's end; run again after
// the letter was typed in, it counts the letter as recorded late.
func TestReportTellsItsRecordingCutOff(t *testing.T) {
	mar1 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	mar31 := time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC)
	apr1 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	apr2 := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	onTime := complainttest.Intake("C-1", mar31)
	_, ev1 := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &onTime}, agent, mar31)
	letter := complainttest.Intake("C-2", mar31.Add(2*time.Hour))
	letter.Channel = complaint.ChannelLetter
	_, ev2 := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &letter}, agent, apr2)
	mayIn := complainttest.Intake("C-3", apr2.Add(time.Hour))
	_, ev3 := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &mayIn}, agent, apr2.Add(time.Hour))

	// Run on 31 March at 18:00: the letter is not typed in yet.
	r, err := complaint.Analyze([][]complaint.Event{{ev1}}, mar1, apr1, 100, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Cases)
	assert.Equal(t, mar31, r.LastRecorded, "the recording seen ends before the period does")
	assert.True(t, r.LastRecorded.Before(r.To))
	assert.Zero(t, r.RecordedLate)

	// Run on 3 April: the letter, received in March and typed in on
	// 2 April, is a March case recorded late; the April case is not a
	// March case but shows how far the recording reaches.
	r, err = complaint.Analyze([][]complaint.Event{{ev1}, {ev2}, {ev3}}, mar1, apr1, 100, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, r.Cases)
	assert.Equal(t, 1, r.RecordedLate)
	assert.Equal(t, apr2.Add(time.Hour), r.LastRecorded)

	// A case recorded at the period's end is recorded after the period.
	atEnd := complainttest.Intake("C-4", mar31)
	_, ev4 := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &atEnd}, agent, apr1)
	r, err = complaint.Analyze([][]complaint.Event{{ev4}}, mar1, apr1, 100, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, r.RecordedLate)
	assert.Equal(t, apr1, r.LastRecorded)

	r, err = complaint.Analyze(nil, mar1, apr1, 100, nil)
	require.NoError(t, err)
	assert.True(t, r.LastRecorded.IsZero(), "no logs, no recording seen")
}
