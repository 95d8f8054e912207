package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A reopen window of 30 days and a feedback wait of a day are calendar
// days in the policy's Location: a customer told "you may come back
// within 30 days" may come back until the same time of day on the 30th
// day, also when the clocks went back or forward meanwhile, which
// 30 × 24 hours of elapsed time would make an hour too short or too long.
func TestWindowsAreCalendarDaysInTheLocation(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	p := complaint.DefaultPolicy()
	p.Location = berlin
	require.Equal(t, 30*24*time.Hour, p.ReopenWindow)
	require.Equal(t, 24*time.Hour, p.FeedbackWait)
	reopen := complaint.Command{Kind: complaint.CmdReopen, Reason: "seam split again", Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}
	closeCmd := complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}
	// carried returns case C-1 carried out at the given time.
	carried := func(at time.Time) complaint.Case {
		c, _ := complainttest.Run("C-1", at.Add(-6*time.Hour), 6)
		require.Equal(t, complaint.StateCarriedOut, c.State)
		require.True(t, c.CarriedOut.Equal(at))
		return c
	}

	// Autumn: carried out 10 October 10:00 CEST; the clocks go back on
	// 25 October. The 30th day ends at 10:00 CET on 9 November, 721 hours
	// later.
	autumn := carried(time.Date(2026, 10, 10, 10, 0, 0, 0, berlin))
	last := time.Date(2026, 11, 9, 10, 0, 0, 0, berlin)
	require.Equal(t, 721*time.Hour, last.Sub(autumn.CarriedOut))
	_, _, err = p.Apply(autumn, reopen, complainant, time.Date(2026, 11, 9, 9, 30, 0, 0, berlin))
	require.NoError(t, err, "9:30 on the 30th day is within the window")
	_, _, err = p.Apply(autumn, reopen, complainant, last)
	require.NoError(t, err, "the window's last instant counts")
	refused(t, p, autumn, reopen, complainant, last.Add(time.Second), gWindow)

	// Spring: carried out 10 March 10:00 CET; the clocks go forward on
	// 29 March. The 30th day ends at 10:00 CEST on 9 April, 719 hours
	// later.
	spring := carried(time.Date(2026, 3, 10, 10, 0, 0, 0, berlin))
	last = time.Date(2026, 4, 9, 10, 0, 0, 0, berlin)
	require.Equal(t, 719*time.Hour, last.Sub(spring.CarriedOut))
	_, _, err = p.Apply(spring, reopen, complainant, last)
	require.NoError(t, err)
	refused(t, p, spring, reopen, complainant, time.Date(2026, 4, 9, 10, 30, 0, 0, berlin), gWindow)

	// The feedback wait: carried out Saturday 24 October 12:00 CEST, the
	// day is over at 12:00 CET on Sunday, 25 hours later.
	sat := carried(time.Date(2026, 10, 24, 12, 0, 0, 0, berlin))
	due := time.Date(2026, 10, 25, 12, 0, 0, 0, berlin)
	require.Equal(t, 25*time.Hour, due.Sub(sat.CarriedOut))
	refused(t, p, sat, closeCmd, handler, time.Date(2026, 10, 25, 11, 30, 0, 0, berlin), gFeedback)
	_, _, err = p.Apply(sat, closeCmd, handler, due)
	require.NoError(t, err)

	// A window that is not whole days: the days as calendar days, the
	// rest as elapsed time (1 day and 1 hour: 13:00 CET on Sunday).
	p.FeedbackWait = 25 * time.Hour
	refused(t, p, sat, closeCmd, handler, due.Add(time.Hour-time.Second), gFeedback)
	_, _, err = p.Apply(sat, closeCmd, handler, due.Add(time.Hour))
	require.NoError(t, err)

	// Without a Location the days are UTC days, which have 24 hours: the
	// windows are elapsed time, whatever the zone of the case's times.
	p = complaint.DefaultPolicy()
	_, _, err = p.Apply(autumn, reopen, complainant, autumn.CarriedOut.Add(720*time.Hour))
	require.NoError(t, err)
	refused(t, p, autumn, reopen, complainant, autumn.CarriedOut.Add(720*time.Hour+time.Second), gWindow)
}
