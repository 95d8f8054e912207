package complaint

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// Calendar is a business-hours calendar: working time runs from Open to
// Close (offsets from local midnight in Location) on the Workdays, except
// on Holidays. A nil *Calendar means the clock runs around the clock.
type Calendar struct {
	// Location is the time zone of the hours and holidays; nil is UTC.
	Location *time.Location
	// Open and Close bound the working hours of a day, 0 ≤ Open < Close ≤ 24h.
	Open, Close time.Duration
	// Workdays marks the working days of the week, indexed by
	// [time.Weekday].
	Workdays [7]bool
	// Holidays are dates (in Location) without working hours.
	Holidays []customer.Date
}

// OfficeHours returns a Monday-to-Friday calendar from open to close in
// loc, with the given holidays.
func OfficeHours(loc *time.Location, open, close time.Duration, holidays ...customer.Date) *Calendar {
	c := &Calendar{Location: loc, Open: open, Close: close, Holidays: holidays}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Workdays[d] = true
	}
	return c
}

// ErrCalendar is matched by the error of [Calendar.Validate].
var ErrCalendar = errors.New("complaint: invalid calendar")

// Validate reports hours outside 0 ≤ Open < Close ≤ 24h or a week
// without a working day. A nil calendar is valid.
func (cal *Calendar) Validate() error {
	if cal == nil {
		return nil
	}
	if cal.Open < 0 || cal.Close > 24*time.Hour || cal.Open >= cal.Close {
		return fmt.Errorf("%w: hours %s–%s", ErrCalendar, cal.Open, cal.Close)
	}
	for _, w := range cal.Workdays {
		if w {
			return nil
		}
	}
	return fmt.Errorf("%w: no working day", ErrCalendar)
}

func (cal *Calendar) loc() *time.Location {
	if cal.Location == nil {
		return time.UTC
	}
	return cal.Location
}

// window returns the working hours of the date y-m-d, numbered date
// ([dayNumber]), in Location, and false when that day has none.
func (cal *Calendar) window(y int, m time.Month, d int, date int64) (open, close time.Time, ok bool) {
	// The weekday of the date itself: local midnight may not exist (a
	// daylight-saving change at midnight) and fall on the day before.
	if !cal.Workdays[weekday(date)] {
		return open, close, false
	}
	for _, h := range cal.Holidays {
		if int64(h) == date {
			return open, close, false
		}
	}
	return cal.at(y, m, d, cal.Open), cal.at(y, m, d, cal.Close), true
}

// at returns the first instant at or after the wall-clock time off past
// midnight of the date y-m-d in Location. A wall-clock time that does not
// exist (skipped by a daylight-saving change) gives the instant of the
// change, so that a day's opening never falls on the day before, the
// close of one day (24h) is the opening (0) of the next, and hours that
// open and close within the skipped time are empty. [time.Date] moves
// such a time by the length of the skip, backward in zones west of UTC
// (into the zone before the change, which ends at it) and forward in
// zones east of it (into the zone after the change, which starts at it).
func (cal *Calendar) at(y int, m time.Month, d int, off time.Duration) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, int(off), cal.loc())
	want := time.Date(y, m, d, 0, 0, 0, int(off), time.UTC)
	ty, tm, td := t.Date()
	h, mi, sec := t.Clock()
	got := time.Date(ty, tm, td, h, mi, sec, t.Nanosecond(), time.UTC)
	switch start, end := t.ZoneBounds(); {
	case got.Before(want) && !end.IsZero():
		return end
	case got.After(want) && !start.IsZero():
		return start
	}
	return t
}

// nextDate returns the calendar date after y-m-d, computed in UTC: the
// day after in Location may not start at midnight.
func nextDate(y int, m time.Month, d int) (int, time.Month, int) {
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC).Date()
}

// Working returns the working time between from and to: to − from for a
// nil calendar, else the sum of the overlaps of [from, to) with the
// working hours; 0 when to is not after from. A working time longer than
// a [time.Duration] holds (about 292 years) is the longest Duration, as
// [time.Time.Sub] gives it. A calendar that [Calendar.Validate] refuses
// has no working time: 0 (hours beyond the day would overlap from one
// day to the next, hours that do not open before they close would count
// backward, and a week without a workday has none). A span from or to
// an instant whose date (in Location) lies beyond [Calendar.Covers]
// has no working time either: 0, for a time that cannot be counted
// exactly (near the ends of a [time.Time], the days after a date
// wrap around to the distant past).
//
// The cost grows with the number of changes of the zone's offset within
// [from, to) (twice a year in a zone with daylight-saving time, never in
// UTC), times the logarithm of the number of holidays, which are sorted
// once per call, not with the number of days: a run of whole days
// between two changes counts its workdays arithmetically (whole weeks
// times the workdays of a week, plus the days left over, less the
// holidays among them), each such day holding Close − Open of working
// time, as the offset does not change within it.
func (cal *Calendar) Working(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if cal == nil {
		return to.Sub(from)
	}
	if cal.Validate() != nil || !cal.Covers(from) || !cal.Covers(to) {
		return 0
	}
	var sum time.Duration
	var hol holidays // the holidays on workdays, sorted, once needed
	y, m, d := from.In(cal.loc()).Date()
	for {
		start := cal.at(y, m, d, 0)
		if !start.Before(to) {
			return sum
		}
		date := dayNumber(y, m, d)
		if n := wholeDays(y, m, d, start, from, to); n > 0 {
			if hol == nil {
				hol = cal.workdayHolidays()
			}
			w := cal.workdays(date, n, hol)
			if sum = addSat(sum, mulSat(cal.Close-cal.Open, w)); sum == maxDuration {
				return sum
			}
			y, m, d = time.Date(y, m, d+int(n), 0, 0, 0, 0, time.UTC).Date()
			continue
		}
		if o, c, ok := cal.window(y, m, d, date); ok {
			a, b := later(from, o), earlier(to, c)
			if b.After(a) {
				if sum = addSat(sum, b.Sub(a)); sum == maxDuration {
					return sum
				}
			}
		}
		y, m, d = nextDate(y, m, d)
	}
}

// wholeDays returns the number of whole local days from start (the
// first instant of a day, in the calendar's Location) that lie within
// [from, to) and before the next change of the zone's offset, the day
// that ends at that change excepted: within them every day is 24 hours
// long and its hours are where the wall clock says. It is 0 when start
// is before from, or is not midnight of the date y-m-d (a change skipped
// that midnight, and the day is shorter, or the whole date).
func wholeDays(y int, m time.Month, d int, start, from, to time.Time) int64 {
	if start.Before(from) {
		return 0
	}
	if sy, sm, sd := start.Date(); sy != y || sm != m || sd != d {
		return 0
	}
	if h, mi, s := start.Clock(); h != 0 || mi != 0 || s != 0 || start.Nanosecond() != 0 {
		return 0
	}
	limit, change := to, false
	if _, end := start.ZoneBounds(); !end.IsZero() && end.Before(to) {
		// A wall-clock time at the change may be read in either offset:
		// the day that ends there is left to the walk over single days.
		limit, change = end, true
	}
	n := (limit.Unix() - start.Unix()) / 86400
	if change {
		n--
	}
	return max(n, 0)
}

// dayNumber returns the number of the date y-m-d: the days from
// 1 January 1970 to it, negative before. Unlike a [customer.Date], whose
// int32 ends about 5.9 million years from 1970, it numbers every date
// that a [time.Time] can reach, so that the weekdays and holidays of
// dates that far out are not those of dates wrapped around to others;
// a holiday's number is its Date's.
func dayNumber(y int, m time.Month, d int) int64 {
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	n := u / 86400
	if u%86400 < 0 {
		n--
	}
	return n
}

// holidays are the distinct holidays of a calendar that fall on a
// workday, in order. They are Dates, whose numbers are their
// [dayNumber]s: kept as such, they take half the memory of int64s.
type holidays []customer.Date

// search returns the index of the first holiday numbered d ([dayNumber])
// or later.
func (hol holidays) search(d int64) int {
	i, _ := slices.BinarySearchFunc(hol, d, func(h customer.Date, d int64) int { return cmp.Compare(int64(h), d) })
	return i
}

// workdayHolidays returns the distinct holidays of the calendar that
// fall on a workday, in order.
func (cal *Calendar) workdayHolidays() holidays {
	hol := make(holidays, 0, len(cal.Holidays))
	for _, h := range cal.Holidays {
		if cal.Workdays[weekday(int64(h))] {
			hol = append(hol, h)
		}
	}
	slices.Sort(hol)
	return slices.Compact(hol)
}

// weekday returns the day of the week of the date numbered d
// ([dayNumber]; 1 January 1970 was a Thursday).
func weekday(d int64) time.Weekday {
	return time.Weekday((d%7 + 7 + int64(time.Thursday)) % 7)
}

// workdays returns the number of working days among the n dates from
// first on: the workdays of the week times the whole weeks, plus the
// workdays among the dates left over, less the holidays hol (sorted, on
// workdays) among them.
func (cal *Calendar) workdays(first, n int64, hol holidays) int64 {
	var week int64
	for _, w := range cal.Workdays {
		if w {
			week++
		}
	}
	count := n / 7 * week
	for k := int64(0); k < n%7; k++ {
		if cal.Workdays[(int64(weekday(first))+k)%7] {
			count++
		}
	}
	return count - int64(hol.search(first+n)-hol.search(first))
}

// maxCalendarDay bounds the numbers ([dayNumber]) of the dates a
// calendar counts: 2⁴⁵ days, about 96 billion years either side of
// 1970, well within the years a [time.Time] holds (about 292 billion),
// so that the midnight and the hours of every date up to it, and of the
// day after, are exact.
const maxCalendarDay = 1 << 45

// Covers reports whether the calendar counts working time on the date of
// t in Location: a date within 2⁴⁵ days (about 96 billion years) of
// 1 January 1970. [Calendar.Working] and [Calendar.Add] count exactly
// on those dates, and refuse the instants beyond them. A nil calendar
// covers every instant.
func (cal *Calendar) Covers(t time.Time) bool {
	if cal == nil {
		return true
	}
	y, m, d := t.In(cal.loc()).Date()
	n := dayNumber(y, m, d)
	return -maxCalendarDay <= n && n <= maxCalendarDay
}

// mulSat returns d × n for d, n ≥ 0, or [maxDuration] when the product
// does not fit.
func mulSat(d time.Duration, n int64) time.Duration {
	if n > 0 && d > maxDuration/time.Duration(n) {
		return maxDuration
	}
	return d * time.Duration(n)
}

// maxIdleDays bounds the search of [Calendar.Add] for a working day.
const maxIdleDays = 800

// maxRunDays bounds the days [Calendar.Add] passes at once (about
// 46,000 years), so that the bisection over them stays within an int.
const maxRunDays = 1 << 24

// Add returns the instant at which d of working time has passed after t:
// the earliest instant x with [Calendar.Working](t, x) = d. For d ≤ 0 it
// returns t. It returns the zero time when the calendar has no working
// hours on 800 days in a row before d has passed, when t or the instant
// it looks for lies beyond [Calendar.Covers] (an instant near the ends
// of that range, or hours of less than about a quarter of a millisecond
// a day, can take a Duration there), and for a calendar that
// [Calendar.Validate] refuses, which has no working time
// ([Calendar.Working]).
//
// Like Working, its cost grows with the changes of the zone's offset
// that d takes (and the logarithm of the number of days between them and
// of the holidays), not with the days: within a run of whole days
// between two changes, every working day holds Close − Open, so the
// number of working days that d uses up whole, q = ⌊(d − 1ns) / (Close −
// Open)⌋, is passed at once, to the day on which the q-th working day of
// the run falls (found by bisection over the count of [Calendar.Working]'s
// arithmetic); the rest, at most one day's hours, is found on the days
// after it, one by one; the holidays among the days passed are
// looked at for a run of 800 days without working hours.
func (cal *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if cal == nil {
		return t.Add(d)
	}
	if cal.Validate() != nil || !cal.Covers(t) {
		return time.Time{}
	}
	per := cal.Close - cal.Open
	var week int64
	for _, w := range cal.Workdays {
		if w {
			week++
		}
	}
	var hol holidays // the holidays on workdays, sorted, once needed
	y, m, dd := t.In(cal.loc()).Date()
	idle := 0
	for idle < maxIdleDays {
		date := dayNumber(y, m, dd)
		if date < -maxCalendarDay || date > maxCalendarDay {
			return time.Time{}
		}
		if start := cal.at(y, m, dd, 0); !start.Before(t) && d > per {
			if hol == nil {
				hol = cal.workdayHolidays()
			}
			// Enough days for the working days d takes, the holidays
			// among them made up for (each week has week workdays).
			q := int64((d - 1) / per)
			limit := int64(maxRunDays)
			if q < maxRunDays {
				limit = min(limit, ((q+int64(len(hol)))/week+2)*7)
			}
			n := wholeDays(y, m, dd, start, t, time.Unix(start.Unix()+limit*86400, 0))
			if k, used := cal.skip(date, n, q, hol); k > 0 {
				trail, out := cal.idleRuns(date, k, hol, idle)
				if out {
					return time.Time{}
				}
				idle = int(trail)
				d -= time.Duration(used) * per
				y, m, dd = time.Date(y, m, dd+int(k), 0, 0, 0, 0, time.UTC).Date()
				continue
			}
		}
		if o, c, ok := cal.window(y, m, dd, date); ok && c.After(t) {
			a := later(t, o)
			avail := c.Sub(a)
			if d <= avail {
				return a.Add(d)
			}
			d -= avail
			idle = 0
		} else {
			idle++
		}
		y, m, dd = nextDate(y, m, dd)
	}
	return time.Time{}
}

// skip returns how many of the n whole days from first Add passes at
// once on its way to q working days (workdays not in hol): all n when
// they hold fewer than q, else the days up to and including the one on
// which the q-th falls; and the working days among them.
func (cal *Calendar) skip(first, n, q int64, hol holidays) (k, used int64) {
	if n <= 0 || q <= 0 {
		return 0, 0
	}
	if all := cal.workdays(first, n, hol); all < q {
		return n, all
	}
	// The fewest days from first holding q working days: the count is
	// non-decreasing in the days.
	k = int64(sort.Search(int(n), func(i int) bool { return cal.workdays(first, int64(i)+1, hol) >= q })) + 1
	return k, q
}

// idleRuns follows the days without working hours (days off and the
// holidays hol, sorted, on workdays) through the k dates from first,
// after idle such days before them. It returns the number of such days
// in a row at their end (idle + k when none of them has working hours),
// and whether maxIdleDays of them came in a row. Its cost grows with the
// holidays among the dates, not with k: between two holidays every
// workday has working hours.
func (cal *Calendar) idleRuns(first, k int64, hol holidays, idle int) (int64, bool) {
	end := first + k
	last := first - 1 - int64(idle) // the last day with working hours
	lo := hol.search(first)
	// gap visits the dates in (a, b), none of them a holiday: the first
	// workday among them ends the run of idle days since last, the last
	// one starts the next.
	gap := func(a, b int64) bool {
		f := a + 1
		for f < b && !cal.Workdays[weekday(f)] {
			f++
		}
		if f >= b {
			return false
		}
		if f-1-last >= maxIdleDays {
			return true
		}
		l := b - 1
		for !cal.Workdays[weekday(l)] {
			l--
		}
		last = l
		return false
	}
	prev := first - 1
	for _, date := range hol[lo:] {
		h := int64(date)
		if h >= end {
			break
		}
		if gap(prev, h) {
			return 0, true
		}
		prev = h
	}
	if gap(prev, end) {
		return 0, true
	}
	return end - 1 - last, end-1-last >= maxIdleDays
}

// maxDuration is the longest [time.Duration].
const maxDuration = time.Duration(math.MaxInt64)

// addSat returns a + b for durations a, b ≥ 0, or [maxDuration] when the
// sum does not fit: a clock that ran that long stays overdue, never
// wraps around to a negative time.
func addSat(a, b time.Duration) time.Duration {
	if a > maxDuration-b {
		return maxDuration
	}
	return a + b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Targets holds one duration per priority, indexed by [Priority]; zero
// means no target.
type Targets [PriorityUrgent + 1]time.Duration

// SLAPolicy sets the service-level targets: for each step (the state a
// case is in) and priority, how much working time the step may take, and
// for the whole case how much working time may pass until the resolution
// is carried out. The clocks of a case start when the customer complained
// (Intake.Received), the time before it was recorded included. Time
// spent waiting for the customer never counts. A nil
// *SLAPolicy means [DefaultSLA].
//
// Everything is computed from the event log, so changing the policy
// recomputes every clock without losing the pauses, which are events.
type SLAPolicy struct {
	// Steps are the targets of each step.
	Steps map[State]Targets
	// Resolution is the target from the customer's complaint
	// (Intake.Received) to carried out (or another end).
	Resolution Targets
	// EscalateAt is the multiple of a target after which escalation is
	// due (1.5: when half the target again has passed); finite values
	// below 1 count as 1. It is read as the decimal it is written as
	// (the shortest that reads back as the float64: 1.2, not the binary
	// fraction a trifle below it that a float64 holds), so that 1.2 × a
	// target of 240 hours is 288 hours to the nanosecond, and the point
	// is compared with a clock's Elapsed exactly, however long the
	// target.
	EscalateAt float64
	// Calendar is the business-hours calendar; nil counts all hours.
	Calendar *Calendar
}

// DefaultSLA returns targets in hours, around the clock, escalation at
// 1.5 × target:
//
//	step          low  normal  high  urgent
//	recorded       48      24     4       2   (judge)
//	accepted       48      24     4       2   (assign)
//	assigned      120      72    48      24   (investigate)
//	investigated   72      48    24       8   (propose)
//	proposed       48      24     8       4   (approve)
//	approved      120      72    48      24   (carry out)
//	carried-out   168     120    72      48   (feedback and close)
//	resolution    336     240   120      72
func DefaultSLA() *SLAPolicy {
	h := func(low, normal, high, urgent int) Targets {
		return Targets{
			PriorityLow: time.Duration(low) * time.Hour, PriorityNormal: time.Duration(normal) * time.Hour,
			PriorityHigh: time.Duration(high) * time.Hour, PriorityUrgent: time.Duration(urgent) * time.Hour,
		}
	}
	return &SLAPolicy{
		Steps: map[State]Targets{
			StateRecorded:     h(48, 24, 4, 2),
			StateAccepted:     h(48, 24, 4, 2),
			StateAssigned:     h(120, 72, 48, 24),
			StateInvestigated: h(72, 48, 24, 8),
			StateProposed:     h(48, 24, 8, 4),
			StateApproved:     h(120, 72, 48, 24),
			StateCarriedOut:   h(168, 120, 72, 48),
		},
		Resolution: h(336, 240, 120, 72),
		EscalateAt: 1.5,
	}
}

var defaultSLA = DefaultSLA()

// Clock is one SLA clock as of an instant: a step visit (State set) or
// the whole resolution (State 0).
type Clock struct {
	// State is the step; 0 for the resolution clock.
	State State
	// Started is when the clock started: the intake's Received (the
	// recording's time when it is a placeholder, see [SLAPolicy.Status])
	// for the resolution clock and the first visit (to recorded), the
	// event that entered the step for any other visit.
	Started time.Time
	// Elapsed is the working time counted, pauses excluded; at most the
	// longest [time.Duration] (about 292 years), at which it stays.
	Elapsed time.Duration
	// Target is the allowed working time, fixed by the priority when the
	// clock started; 0 means none.
	Target time.Duration
	// Due is when Elapsed reached or will reach Target: zero when there
	// is no target, or when it is not reached and the clock is not
	// running.
	Due time.Time
	// Running reports whether the clock counts at the instant (it is the
	// current step and the case is not waiting for the customer).
	Running bool
	// Overdue reports Elapsed > Target (with a target).
	Overdue bool
	// EscalationDue reports Elapsed > EscalateAt × Target while the
	// clock is not Escalated and still times work to do: an escalation
	// is called for. Only the current step's visit (also while the case
	// waits for the customer) and the resolution clock until the
	// resolution is carried out or the case ends can be due; a completed
	// visit, and the resolution of a case carried out (waiting for
	// feedback after it included), closed, rejected or withdrawn, are
	// not, though they stay Overdue.
	EscalationDue bool
	// Escalated reports that the case was escalated once the clock had
	// reached EscalateAt × Target: that escalation answers the clock, so
	// an SLA job that escalates whatever is due escalates each clock
	// once, not on every run.
	Escalated bool
}

// SLAStatus is a case's service-level position as of an instant.
type SLAStatus struct {
	AsOf     time.Time // the instant
	State    State     // the case's state then
	Priority Priority  // the case's priority then
	// Paused reports that the case is waiting for the customer.
	Paused bool
	// PausedFor is the total wall-clock time spent waiting; at most the
	// longest [time.Duration], at which it stays.
	PausedFor time.Duration
	// Step is the clock of the current step (for a waiting case, of the
	// step it will resume); zero for a case in a final state.
	Step Clock
	// Resolution runs from the customer's complaint (Intake.Received)
	// until the resolution is carried out or the case ends, and again
	// after a reopening.
	Resolution Clock
	// Visits are the clocks of every step visit, in order; the last is
	// Step when the case is open.
	Visits []Clock
	// Breaches counts the overdue visits plus the resolution when overdue.
	Breaches int
}

// Overdue reports whether the current step or the resolution is overdue.
func (s SLAStatus) Overdue() bool { return s.Step.Overdue || s.Resolution.Overdue }

// EscalationDue reports whether the current step or the resolution has
// passed its escalation point.
func (s SLAStatus) EscalationDue() bool { return s.Step.EscalationDue || s.Resolution.EscalationDue }

// ErrAsOf is returned when an SLA is asked for before the case was
// recorded (also when the complaint was received earlier: before it is
// recorded there is no case to time).
var ErrAsOf = errors.New("complaint: as-of time before the case was recorded")

// ErrBeyondCalendar is returned when an SLA is asked for as of an
// instant that the policy's calendar does not cover ([Calendar.Covers]):
// its working time cannot be counted.
var ErrBeyondCalendar = errors.New("complaint: as-of time beyond the calendar's dates")

// resolutionCounts reports whether time in s counts toward resolution.
func resolutionCounts(s State) bool {
	switch s {
	case StateWaiting, StateCarriedOut, StateClosed, StateRejected, StateWithdrawn:
		return false
	}
	return true
}

// Validate reports every problem of the policy at once in a
// [*customer.ValidationError]: a negative target (field
// "steps.<state>.<priority>" or "resolution.<priority>"), targets for a
// state that is not a step of the workflow, an EscalateAt that is NaN or
// infinite; and a bad calendar (an error wrapping [ErrCalendar]). A zero
// target means no target. Status validates the policy first.
func (p *SLAPolicy) Validate() error {
	if p == nil {
		return nil
	}
	var q problems
	targets := func(field string, t Targets) {
		for pr, d := range t {
			if d < 0 {
				q.add(field+"."+Priority(pr).String(), customer.CodeRange, fmt.Sprintf("is negative (%s)", d))
			}
		}
	}
	for st, t := range p.Steps {
		if !st.Valid() || !(Case{State: st, Version: 1}).Open() || st == StateWaiting {
			q.add("steps."+st.String(), customer.CodeUnknown, "is not a step of the workflow that a target can time")
			continue
		}
		targets("steps."+st.String(), t)
	}
	targets("resolution", p.Resolution)
	if math.IsNaN(p.EscalateAt) || math.IsInf(p.EscalateAt, 0) {
		q.add("escalate_at", customer.CodeRange, fmt.Sprintf("must be a finite multiple of the target, got %v", p.EscalateAt))
	}
	if err := q.err("complaint: SLA policy"); err != nil {
		return err
	}
	return p.Calendar.Validate()
}

func (p *SLAPolicy) count(c *Clock, a, b time.Time) {
	w := p.Calendar.Working(a, b)
	sum := addSat(c.Elapsed, w)
	if c.Target > 0 && c.Elapsed < c.Target && sum >= c.Target {
		c.Due = p.Calendar.Add(a, c.Target-c.Elapsed)
	}
	c.Elapsed = sum
}

func (p *SLAPolicy) finish(c *Clock, asOf time.Time, at multiple) {
	if c.Target <= 0 {
		return
	}
	if c.Running && c.Due.IsZero() {
		c.Due = p.Calendar.Add(asOf, c.Target-c.Elapsed)
	}
	c.Overdue = c.Elapsed > c.Target
	c.EscalationDue = at.past(c) > 0 && !c.Escalated
}

// multiple is EscalateAt (at least 1) as the decimal it is written as,
// digits × 10^exp: the shortest decimal that reads back as the float64
// ([strconv.FormatFloat] with precision −1), such as 1.2 for the
// float64 nearest to 1.2, which is a binary fraction a trifle below it.
// A policy writes the multiple in decimal; its product with a target in
// hours is then a whole number of nanoseconds (1.2 × 240 h = 288 h),
// where the binary fraction's product falls a fraction of a nanosecond
// short of it or beyond it and would move the point by a nanosecond.
type multiple struct {
	digits uint64 // at most 17 decimal digits
	exp    int
}

// pow10 holds 10^0 … 10^19, the powers of ten a uint64 holds.
var pow10 = func() (t [20]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// multipleOf returns x, at least 1, as a [multiple]. x must be finite
// ([SLAPolicy.Validate]).
func multipleOf(x float64) multiple {
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], max(x, 1), 'e', -1, 64) // d.ddde±xx
	var m multiple
	i, n := 0, 0
	for ; i < len(s) && s[i] != 'e'; i++ {
		if s[i] != '.' {
			m.digits = m.digits*10 + uint64(s[i]-'0')
			n++
		}
	}
	e, neg := 0, false
	for _, b := range s[i+1:] {
		switch {
		case b == '-':
			neg = true
		case b >= '0' && b <= '9':
			e = e*10 + int(b-'0')
		}
	}
	if neg {
		e = -e
	}
	m.exp = e - (n - 1)
	return m
}

// past compares c's Elapsed with the working time after which
// escalation of c (Target > 0) is due, the multiple × Target: −1, 0 or
// +1 as Elapsed is below, at or past it. It compares exactly, in
// integers of 128 bits: digits (below 2⁵⁷) × Target (below 2⁶³), and
// Elapsed × 10^−exp (exp ≥ −16 for a multiple of 17 digits at least 1),
// where a float64 of a Duration beyond 2⁵³ ns (about 104 days) would
// round it by nanoseconds either way.
func (m multiple) past(c *Clock) int {
	e, t := c.Elapsed, c.Target
	if e < 0 || t <= 0 {
		return cmp.Compare(e, 0)
	}
	if m.exp >= 0 {
		// The point is digits × 10^exp × Target, beyond any Duration
		// when it does not fit in 64 bits.
		if m.exp >= len(pow10) {
			return -1
		}
		hi, f := bits.Mul64(m.digits, pow10[m.exp])
		if hi != 0 {
			return -1
		}
		hi, point := bits.Mul64(f, uint64(t))
		if hi != 0 {
			return -1
		}
		return cmp.Compare(uint64(e), point)
	}
	eh, el := bits.Mul64(uint64(e), pow10[-m.exp])
	ph, pl := bits.Mul64(m.digits, uint64(t))
	if c := cmp.Compare(eh, ph); c != 0 {
		return c
	}
	return cmp.Compare(el, pl)
}

// escalated marks c Escalated when the case is escalated after c reached
// its escalation point.
func escalated(c *Clock, at multiple) {
	if c.Target > 0 && at.past(c) >= 0 {
		c.Escalated = true
	}
}

// Status computes the case's SLA clocks as of asOf from its events
// (events after asOf are ignored). The log is checked as by [Rebuild].
// The customer waits from the moment they complained, not from when the
// complaint was typed in: the first visit (judging the recorded case)
// and the resolution clock start at the intake's Received (not after
// the recording, which [Apply] ensures), so a letter recorded three days
// after it arrived is three days into its clocks; the recording's own
// time stays in the audit trail (the first event's At, Case.Opened). A
// Received before [customer.MinRecordYear], a placeholder for a missing
// date that only logs written before [Apply] refused it hold, starts
// them at the recording instead.
// A visit to a step starts when the case enters it and continues across
// waits for the customer and self-transitions (escalation, feedback);
// re-entering the step later (after a send-back, a revision or a
// reopening) starts a new visit. Targets are fixed when a clock starts,
// from the priority then.
// An escalation recorded once a clock has passed its escalation point
// marks that clock Escalated, and escalation is no longer due on it; an
// escalation before the point leaves the clock as it is.
// An asOf, or a start of the clocks, whose date the policy's calendar
// does not cover ([Calendar.Covers]: dates more than about 96 billion
// years from 1970) is refused with [ErrBeyondCalendar] rather than
// timed wrongly.
func (p *SLAPolicy) Status(events []Event, asOf time.Time) (SLAStatus, error) {
	if p == nil {
		p = defaultSLA
	}
	if err := p.Validate(); err != nil {
		return SLAStatus{}, err
	}
	if _, err := Rebuild(events); err != nil {
		return SLAStatus{}, err
	}
	if asOf.Before(events[0].At) {
		return SLAStatus{}, fmt.Errorf("complaint %q: %s: %w", events[0].Case, asOf.Format(time.RFC3339), ErrAsOf)
	}
	if !p.Calendar.Covers(asOf) || !p.Calendar.Covers(received(events[0])) {
		return SLAStatus{}, fmt.Errorf("complaint %q: %s: %w", events[0].Case, asOf.Format(time.RFC3339), ErrBeyondCalendar)
	}
	at := multipleOf(p.EscalateAt)
	n := len(events)
	for n > 0 && events[n-1].At.After(asOf) {
		n--
	}
	evs := events[:n]
	st := SLAStatus{AsOf: asOf}
	cur := -1 // index in st.Visits of the open visit
	res := &st.Resolution
	res.Started = received(evs[0])
	res.Target = p.Resolution[evs[0].Priority]
	for i, ev := range evs {
		end := asOf
		if i+1 < len(evs) {
			end = evs[i+1].At
		}
		if i == 0 {
			// The customer has waited since they complained.
			ev.At = res.Started
		}
		if ev.Command.Kind == CmdEscalate {
			// The clocks have counted up to ev.At.
			if cur >= 0 {
				escalated(&st.Visits[cur], at)
			}
			escalated(res, at)
		}
		switch {
		case ev.To == StateWaiting || ev.To == ev.From:
		case ev.From == StateWaiting && cur >= 0 && st.Visits[cur].State == ev.To:
		case !Case{State: ev.To, Version: 1}.Open():
			cur = -1
		default:
			st.Visits = append(st.Visits, Clock{State: ev.To, Started: ev.At, Target: p.Steps[ev.To][ev.Priority]})
			cur = len(st.Visits) - 1
		}
		if ev.To == StateWaiting {
			st.PausedFor = addSat(st.PausedFor, end.Sub(ev.At))
		} else if cur >= 0 {
			p.count(&st.Visits[cur], ev.At, end)
		}
		if resolutionCounts(ev.To) {
			p.count(res, ev.At, end)
		}
		st.State, st.Priority = ev.To, ev.Priority
	}
	st.Paused = st.State == StateWaiting
	if cur >= 0 {
		st.Visits[cur].Running = !st.Paused
	}
	res.Running = resolutionCounts(st.State)
	for i := range st.Visits {
		p.finish(&st.Visits[i], asOf, at)
		if i != cur {
			st.Visits[i].EscalationDue = false // the step is done
		}
		if st.Visits[i].Overdue {
			st.Breaches++
		}
	}
	p.finish(res, asOf, at)
	if !resolutionCounts(st.State) && !(st.Paused && cur >= 0 && resolutionCounts(st.Visits[cur].State)) {
		// Carried out or ended (also while waiting after the carry-out):
		// nothing is left that an escalation could speed up.
		res.EscalationDue = false
	}
	if res.Overdue {
		st.Breaches++
	}
	if cur >= 0 {
		st.Step = st.Visits[cur]
	}
	return st, nil
}

// received returns when the customer complained, by the recording event
// rec: its intake's Received, which [Apply] and [Rebuild] keep at or
// before the recording, or the recording's own time when the intake has
// no earlier one. A Received before [customer.MinRecordYear], which
// [Apply] refuses but [Rebuild] accepts in a log written before the
// check, is a placeholder for a missing date (see [Intake].Received),
// not a time the customer complained: it counts as missing, and the
// recording's time is used, so that the clocks of such a case do not
// start centuries overdue.
func received(rec Event) time.Time {
	if in := rec.Command.Intake; in != nil && !in.Received.Before(minReceived) && in.Received.Before(rec.At) {
		return in.Received
	}
	return rec.At
}
