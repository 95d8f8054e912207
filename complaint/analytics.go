package complaint

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// CategoryCount is the number of cases of one category and their rate
// per 1,000 orders.
type CategoryCount struct {
	Category    Category // the category
	Cases       int      // cases of it in the period
	RatePer1000 float64  // Cases / orders × 1000; 0 without orders
}

// CauseCount is the number of investigated cases with one cause.
type CauseCount struct {
	Cause Cause // the cause found
	Cases int   // investigated cases with it
}

// StepTime summarises the working time of completed visits to one step.
type StepTime struct {
	State  State         // the step
	Visits int           // completed visits
	Median time.Duration // median working time of a visit ([Quantile] 0.5)
	P90    time.Duration // 90th percentile ([Quantile] 0.9)
}

// SatisfactionSummary aggregates the latest feedback of each case on the
// outcome it rates. Feedback rates a resolution carried out when it is
// recorded after the carry-out or given with the reopening of the
// carried-out or closed case; such feedback is a response, and the means
// and shares are over these. Feedback given with the reopening of a
// rejection (the customer contests it) rates the rejection: it is counted
// in OnRejection only. The means and shares over responses are 0 when
// there is no response (Responses is 0), and ResponseRate is 0 when no
// case was answered or closed unanswered: an undefined ratio is reported
// as 0, never NaN.
type SatisfactionSummary struct {
	// Responses is the number of cases with feedback on a resolution
	// carried out.
	Responses int
	// MeanRatio is the mean of perceived / expected value (domain rules §5).
	MeanRatio float64
	// MetShare is the share of responses with perceived ≥ expected.
	MetShare float64
	// MeanCSAT is the mean CSAT score (1–5).
	MeanCSAT float64
	// CSAT is the share of responses scoring 4 or 5, the usual CSAT
	// percentage as a fraction.
	CSAT float64
	// Unanswered is the number of cases closed without feedback: the
	// customer did not answer the follow-up within the policy's
	// [Policy.FeedbackWait], nor at a follow-up visit after the close.
	Unanswered int
	// ResponseRate is Responses / (Responses + Unanswered).
	ResponseRate float64
	// OnRejection is the number of cases whose latest feedback was given
	// with the reopening of a rejection: it rates the rejection, not a
	// resolution carried out, and is not counted in Responses, the means
	// or the shares.
	OnRejection int
}

// Report is the complaint analytics of one period.
type Report struct {
	// From and To bound the period: the cases of the complaints made in
	// [From, To) count, and their state is taken as of To. A complaint is
	// made when the customer complained (Intake.Received, or the time of
	// the recording when the receipt time is a placeholder, as for the
	// SLA clocks); one received in the period and typed in after To
	// counts with its state as of its recording.
	From, To time.Time
	// Orders is the number of orders of the period, given by the caller.
	Orders int
	// Cases is the number of complaints made in the period.
	Cases int
	// RatePer1000 is Cases / Orders × 1000 (0 without orders).
	RatePer1000 float64
	// ByCategory counts cases per category, most frequent first (ties by
	// category order).
	ByCategory []CategoryCount
	// ByCause counts investigated cases per cause, most frequent first
	// (ties by cause order).
	ByCause []CauseCount
	// StepTimes are the working times of completed step visits, in state
	// order, under the SLA policy's calendar; the first visit to recorded
	// counts from the intake's Received, as [SLAPolicy.Status] does.
	StepTimes []StepTime
	// Resolved is the number of cases whose resolution was carried out.
	Resolved int
	// ResolutionTime summarises the working time of the resolution clock
	// ([SLAStatus].Resolution: from the customer's complaint,
	// Intake.Received, to the carry-out, pauses excluded, under the SLA
	// policy's calendar) of the cases whose
	// resolution was carried out and not reopened since, as of To. Its
	// State is 0, as for the resolution [Clock], and Visits is the number
	// of such cases; a reopened case counts once it is carried out again,
	// with the working time of all its passes.
	ResolutionTime StepTime
	// FirstContact is the share of resolved cases resolved in one pass:
	// never reopened, sent back, revised, reassigned, escalated or paused
	// to wait for the customer; 0 when no case was resolved (Resolved is
	// 0).
	FirstContact float64
	// Reopened is the number of resolved or rejected cases reopened, and
	// ReopenRate Reopened / (Resolved + rejected cases), a case that was
	// rejected, reopened and resolved counting once, as resolved; 0 when
	// no case was resolved or rejected.
	Reopened   int
	ReopenRate float64 // Reopened / (Resolved + rejected and never resolved)
	// Complainants is the number of distinct customers, Repeat the number
	// with two or more cases in the period, RepeatShare their share (0
	// without complainants).
	Complainants int
	Repeat       int     // customers with two or more cases
	RepeatShare  float64 // Repeat / Complainants
	// Satisfaction aggregates the feedback.
	Satisfaction SatisfactionSummary
	// Breached is the number of cases with at least one SLA breach, and
	// Breaches the total number of breaches.
	Breached, Breaches int
	// BreachRate is the share of the period's cases with at least one
	// SLA breach, Breached / Cases; 0 without cases.
	BreachRate float64
	// LastRecorded is the latest recording time among all the logs given
	// (the time of each log's first event, whatever the period of its
	// complaint); zero without logs. It is how far the data the report
	// saw reaches: a complaint made in the period is in the report only
	// once typed in, so while LastRecorded is before To (a report run
	// on the period's last day) complaints made in the period may still
	// be missing, and a later run can count more. The report cannot know
	// of a complaint nobody typed in yet: a LastRecorded at or after To
	// says only that recording went on past the period's end.
	LastRecorded time.Time
	// RecordedLate is the number of the period's cases (of Cases) that
	// were typed in at or after To, later than the period they belong
	// to: complaints a report run at the period's end would have missed.
	RecordedLate int
}

// ErrPeriod is returned for a period whose end is not after its start or
// a negative order count.
var ErrPeriod = errors.New("complaint: invalid period")

// upTo returns the events at or before t.
func upTo(evs []Event, t time.Time) []Event {
	n := len(evs)
	for n > 0 && evs[n-1].At.After(t) {
		n--
	}
	return evs[:n]
}

// Analyze computes the complaint analytics of the period [from, to) from
// the event logs of cases (one log per case, as returned by
// [Store.Events]); logs of complaints made outside the period are
// skipped. A complaint belongs to the period in which the customer made
// it, as its SLA clocks start then ([SLAPolicy.Status]), not to the one
// in which it was typed in: a letter received on 31 March and recorded
// on 2 April is a March complaint, set against March's orders (a report
// run on 1 April does not have it yet; one run later does, and counts
// it in Report.RecordedLate; Report.LastRecorded tells how far the
// recording the report saw reaches). orders is
// the number of orders of the period. A bad log is an error naming its
// case (see [Rebuild]), and so are two logs of one case, which would
// count it twice (an error wrapping [ErrBadLog]).
//
// Quantiles use linear interpolation between order statistics (type 7 of
// Hyndman & Fan 1996, the default of R and NumPy).
func Analyze(logs [][]Event, from, to time.Time, orders int, sla *SLAPolicy) (Report, error) {
	r := Report{From: from, To: to, Orders: orders}
	if !to.After(from) || orders < 0 {
		return r, fmt.Errorf("%w: %s to %s with %d orders", ErrPeriod, from.Format(time.RFC3339), to.Format(time.RFC3339), orders)
	}
	byCat := map[Category]int{}
	byCause := map[Cause]int{}
	steps := map[State][]time.Duration{}
	var resolution []time.Duration
	perCustomer := map[customer.ID]int{}
	var fcr, rejected, ratioN, unanswered, onRejection int
	var ratios []float64
	var csatSum float64
	var met, csatTop int
	var once onceEach
	for _, log := range logs {
		if len(log) == 0 {
			continue
		}
		if err := once.check(log[0].Case); err != nil {
			return Report{}, err
		}
		r.LastRecorded = later(r.LastRecorded, log[0].At)
		if made := received(log[0]); made.Before(from) || !made.Before(to) {
			continue
		}
		// A case typed in after the period is taken as recorded.
		asOf := later(to, log[0].At)
		evs := upTo(log, asOf)
		c, err := Rebuild(evs)
		if err != nil {
			return Report{}, err
		}
		st, err := sla.Status(evs, asOf)
		if err != nil {
			return Report{}, err
		}
		r.Cases++
		if !log[0].At.Before(to) {
			r.RecordedLate++
		}
		byCat[c.Intake.Category]++
		perCustomer[c.Intake.Complainant]++
		if c.Finding != nil {
			byCause[c.Finding.Cause]++
		}
		for i, v := range st.Visits {
			if v.Running || (i == len(st.Visits)-1 && c.Open()) {
				continue
			}
			steps[v.State] = append(steps[v.State], v.Elapsed)
		}
		// A rejection reopened by a supervisor may still be resolved:
		// look at the whole log.
		resolved, wasRejected, done := false, false, false
		for _, ev := range evs {
			resolved = resolved || ev.To == StateCarriedOut
			wasRejected = wasRejected || ev.To == StateRejected
			switch {
			case ev.To == StateCarriedOut && ev.From != StateCarriedOut:
				done = true
			case ev.Command.Kind == CmdReopen:
				done = false
			}
		}
		if done {
			resolution = append(resolution, st.Resolution.Elapsed)
		}
		if wasRejected && !resolved {
			rejected++ // counted once among the resolved or rejected cases
		}
		if resolved {
			r.Resolved++
			if c.Reopens == 0 && c.SendBacks == 0 && c.Reassigns == 0 && c.Escalations == 0 && c.Waits == 0 && c.Revisions == 0 {
				fcr++
			}
		}
		if c.Reopens > 0 {
			r.Reopened++
		}
		if c.State == StateClosed && c.Feedback == nil {
			unanswered++
		}
		if f := c.Feedback; f != nil && ratesRejection(evs) {
			onRejection++
		} else if f != nil {
			ratioN++
			ratios = append(ratios, f.Satisfaction())
			csatSum += float64(f.CSAT)
			if f.Perceived >= f.Expected {
				met++
			}
			if f.CSAT >= 4 {
				csatTop++
			}
		}
		if st.Breaches > 0 {
			r.Breached++
			r.Breaches += st.Breaches
		}
	}
	r.RatePer1000 = per1000(r.Cases, orders)
	for cat, n := range byCat {
		r.ByCategory = append(r.ByCategory, CategoryCount{cat, n, per1000(n, orders)})
	}
	sort.Slice(r.ByCategory, func(i, j int) bool {
		a, b := r.ByCategory[i], r.ByCategory[j]
		return a.Cases > b.Cases || (a.Cases == b.Cases && a.Category < b.Category)
	})
	for cause, n := range byCause {
		r.ByCause = append(r.ByCause, CauseCount{cause, n})
	}
	sort.Slice(r.ByCause, func(i, j int) bool {
		a, b := r.ByCause[i], r.ByCause[j]
		return a.Cases > b.Cases || (a.Cases == b.Cases && a.Cause < b.Cause)
	})
	for s := StateRecorded; s.Valid(); s++ {
		d := steps[s]
		if len(d) == 0 {
			continue
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		r.StepTimes = append(r.StepTimes, StepTime{State: s, Visits: len(d), Median: Quantile(d, 0.5), P90: Quantile(d, 0.9)})
	}
	if len(resolution) > 0 {
		sort.Slice(resolution, func(i, j int) bool { return resolution[i] < resolution[j] })
		r.ResolutionTime = StepTime{Visits: len(resolution), Median: Quantile(resolution, 0.5), P90: Quantile(resolution, 0.9)}
	}
	r.BreachRate = share(r.Breached, r.Cases)
	r.FirstContact = share(fcr, r.Resolved)
	r.ReopenRate = share(r.Reopened, r.Resolved+rejected)
	r.Complainants = len(perCustomer)
	for _, n := range perCustomer {
		if n >= 2 {
			r.Repeat++
		}
	}
	r.RepeatShare = share(r.Repeat, r.Complainants)
	if ratioN > 0 {
		// Summed in ascending order, so that the mean does not depend on
		// the order of the logs (floating-point addition is not
		// associative).
		sort.Float64s(ratios)
		var ratioSum float64
		for _, x := range ratios {
			ratioSum += x
		}
		r.Satisfaction = SatisfactionSummary{
			Responses: ratioN, MeanRatio: ratioSum / float64(ratioN), MetShare: share(met, ratioN),
			MeanCSAT: csatSum / float64(ratioN), CSAT: share(csatTop, ratioN),
		}
	}
	r.Satisfaction.Unanswered = unanswered
	r.Satisfaction.OnRejection = onRejection
	r.Satisfaction.ResponseRate = share(ratioN, ratioN+unanswered)
	return r, nil
}

// ratesRejection reports whether the latest feedback of the log was
// given with the reopening of a rejection, and so rates the rejection
// rather than a resolution carried out.
func ratesRejection(evs []Event) bool {
	for i := len(evs) - 1; i >= 0; i-- {
		if ev := evs[i]; ev.Command.Feedback != nil {
			return ev.Command.Kind == CmdReopen && ev.From == StateRejected
		}
	}
	return false
}

func per1000(n, orders int) float64 {
	if orders <= 0 {
		return 0
	}
	return float64(n) / float64(orders) * 1000
}

func share(n, of int) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of sorted durations by
// linear interpolation between order statistics (Hyndman & Fan 1996,
// type 7): with h = (n−1)·q, x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). It
// returns 0 for no data and clamps q to [0, 1].
func Quantile(sorted []time.Duration, q float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if !(q > 0) {
		return sorted[0]
	}
	if q >= 1 {
		return sorted[n-1]
	}
	h := float64(n-1) * q
	lo := int(math.Floor(h))
	if lo+1 >= n {
		return sorted[n-1]
	}
	frac := h - float64(lo)
	a, b := sorted[lo], sorted[lo+1]
	if b-a >= 0 {
		return a + time.Duration(math.Round(frac*float64(b-a)))
	}
	// b − a overflows (durations of opposite signs near the limits):
	// interpolate in float64, within [a, b].
	x := math.Round(float64(a) + frac*(float64(b)-float64(a)))
	switch {
	case x <= float64(a):
		return a
	case x >= float64(b):
		return b
	}
	return time.Duration(x)
}

// feedbackTime returns when the latest feedback of the case of evs was
// given (the feedback [Case].Feedback holds after them): the time of the
// last event that recorded feedback after the last carry-out; zero when
// there is none.
func feedbackTime(evs []Event) time.Time {
	for i := len(evs) - 1; i >= 0; i-- {
		switch ev := evs[i]; {
		case ev.Command.Kind == CmdCarryOut:
			return time.Time{}
		case ev.Command.Kind == CmdRecordFeedback, ev.Command.Kind == CmdReopen && ev.Command.Feedback != nil:
			return ev.At
		}
	}
	return time.Time{}
}

// escalatedSince reports whether a person escalated the case of evs
// after from: an escalation event later than from whose actor is not
// [RoleSystem]. An automated job's escalations follow the service's own
// rules and deadlines (missed ones count as SLA breaches), not the
// customer's pressure.
func escalatedSince(evs []Event, from time.Time) bool {
	for i := len(evs) - 1; i >= 0 && evs[i].At.After(from); i-- {
		if ev := &evs[i]; ev.Command.Kind == CmdEscalate && ev.Actor.Role != RoleSystem {
			return true
		}
	}
	return false
}

// DefaultSignalWindow is the recent window of [Signals] when none is
// given.
const DefaultSignalWindow = 90 * 24 * time.Hour

// Signals computes each complainant's complaint signals as of asOf, in
// the form the churn risk consumes ([customer.ComplaintSignals]), from the
// cases' event logs. Cases recorded after asOf are ignored; window ≤ 0
// means [DefaultSignalWindow]. A case counts as recent when the customer
// made the complaint in (asOf − window, asOf] (Intake.Received, or the
// recording's time when the receipt time is a placeholder, as for the
// SLA clocks and the periods of [Analyze]), and Last is the latest such
// time: a letter received on 31 March and typed in on 2 April is a
// complaint of 31 March. A case counts as unresolved when open at asOf,
// as an SLA breach when any of its clocks under sla was overdue as of
// asOf, and as dissatisfied when its latest feedback as of asOf
// ([Case].Feedback of the case rebuilt up to asOf) is not
// [Feedback.Satisfied] and was given in (asOf − window, asOf]: feedback
// on a resolution, or given when the customer contested the outcome and
// the case was reopened; a new carry-out clears it until the customer
// rates the new resolution, and a rating older than the window no longer
// counts, as complaints older than it are not recent. A case counts as
// escalated when a person escalated it in (asOf − window, asOf]: an
// escalation event by an actor other than [RoleSystem] (an automated job,
// such as an SLA job whose escalations follow missed deadlines, counted
// as breaches), once per case however often it was escalated; escalations
// after asOf do not count. A bad log is an error naming its case
// ([Rebuild]), and so are two logs of one case (wrapping [ErrBadLog]).
func Signals(logs [][]Event, asOf time.Time, window time.Duration, sla *SLAPolicy) (map[customer.ID]customer.ComplaintSignals, error) {
	if window <= 0 {
		window = DefaultSignalWindow
	}
	out := map[customer.ID]customer.ComplaintSignals{}
	var once onceEach
	for _, log := range logs {
		if len(log) > 0 {
			if err := once.check(log[0].Case); err != nil {
				return nil, err
			}
		}
		evs := upTo(log, asOf)
		if len(evs) == 0 {
			continue
		}
		c, err := Rebuild(evs)
		if err != nil {
			return nil, err
		}
		st, err := sla.Status(evs, asOf)
		if err != nil {
			return nil, err
		}
		s := out[c.Intake.Complainant]
		s.Window = window
		s.Total++
		made := received(evs[0])
		if made.After(asOf.Add(-window)) {
			s.Recent++
			s.MaxSeverity = max(s.MaxSeverity, int(c.Intake.Severity))
		}
		if c.Open() {
			s.Unresolved++
		}
		if st.Breaches > 0 {
			s.SLABreaches++
		}
		if f := c.Feedback; f != nil && !f.Satisfied() && feedbackTime(evs).After(asOf.Add(-window)) {
			s.Dissatisfied++
		}
		if escalatedSince(evs, asOf.Add(-window)) {
			s.Escalated++
		}
		if made.After(s.Last) {
			s.Last = made
		}
		out[c.Intake.Complainant] = s
	}
	return out, nil
}

// onceEach checks that each case's log is given once.
type onceEach map[ID]bool

// check returns an error wrapping [ErrBadLog] when a log of case id was
// given before.
func (o *onceEach) check(id ID) error {
	if *o == nil {
		*o = onceEach{}
	}
	if (*o)[id] {
		return fmt.Errorf("complaint %q: two logs of the case: %w", id, ErrBadLog)
	}
	(*o)[id] = true
	return nil
}
