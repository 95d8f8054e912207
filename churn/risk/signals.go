package risk

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/logtext"
)

// Input is what the risk needs to know of one customer: the summary of
// the purchase history as of the instant of the analysis
// (Summary.AsOf), the complaint signals as of the same instant, and,
// optionally, the probability that the customer is still active from a
// fitted buy-till-you-die model (the churn package's BG/NBD, Pareto/NBD or
// MBG/NBD), computed by the caller for the same instant.
type Input struct {
	Summary    customer.Summary
	Complaints customer.ComplaintSignals
	// PAlive is P(alive) in [0, 1]; read only when HasPAlive is true.
	PAlive    float64
	HasPAlive bool
}

// Signals are the plain numbers the risk is computed from, in the units a
// person reads: days, counts, amounts and shares. [NewSignals] derives
// them from an [Input]; callers with their own aggregates may fill them
// directly, as NewSignals would ([Signals.Validate] refuses counts that
// contradict each other). The reasons quote these numbers.
type Signals struct {
	Customer customer.ID
	// AsOf is the instant of the analysis. It is needed only to age the
	// last complaint (Complaints.Last).
	AsOf time.Time
	// PAlive is P(alive) in [0, 1]; read only when HasPAlive is true.
	PAlive    float64
	HasPAlive bool
	// DaysSinceLastPurchase counts whole days from the last purchase day
	// to AsOf.
	DaysSinceLastPurchase int
	// PurchaseDays is the number of distinct days with an order (≥ 1).
	PurchaseDays int
	// DaysSinceFirstPurchase counts whole days from the first purchase
	// day to AsOf, and SpendFirstDay is the net spend of that day (as
	// counted in SpendPrior12). The trends read them only in the
	// customer's second year, while the first purchase day is in the 12
	// months before the last 12 (see [FeatureFrequencyDecline]).
	// [NewSignals] fills both; hand-filled signals may leave
	// DaysSinceFirstPurchase 0, "not given" (with PriorYear the first
	// purchase is at least 365 days old), and the trends of that year are
	// then only a decline of the raw counts, as [FeatureFrequencyDecline]
	// documents.
	DaysSinceFirstPurchase int
	SpendFirstDay          decimal.Decimal
	// MedianGap is the median number of days between the customer's
	// shopping occasions: [customer.Summary.OccasionGapStats] with
	// [customer.DefaultOccasionWindow], so that purchase days of one week
	// count as one visit. It is 0 when the purchase days make a single
	// occasion; the customer's recency is then measured against the
	// population's gap, as for a single purchase day.
	MedianGap float64
	// PriorYear is true when the first purchase is at least a year before
	// AsOf (on or before the same date a year earlier), so that the
	// year-on-year trends can be defined (see [FeatureFrequencyDecline]).
	PriorYear bool
	// PurchaseDaysLast12 and PurchaseDaysPrior12 count purchase days in
	// the 12 months up to AsOf and in the 12 months before those (or in
	// the 52 weeks and the 52 before, as a data warehouse may count
	// them); they must agree with PriorYear and DaysSinceLastPurchase
	// (see [Signals.Validate]). Without PriorYear they are not read, and
	// may be left 0.
	PurchaseDaysLast12  int
	PurchaseDaysPrior12 int
	// SpendLast12 and SpendPrior12 are the net spend in the same two
	// years (see [customer.Summary.SpendLast12Months]).
	SpendLast12  decimal.Decimal
	SpendPrior12 decimal.Decimal
	// ReturnRate is the share of units bought that were returned, in
	// [0, 1].
	ReturnRate float64
	// Complaints are the customer's complaint signals as of AsOf.
	Complaints customer.ComplaintSignals
}

// NewSignals validates in and derives its [Signals]. A summary without an
// as-of instant (field "as_of"), a customer without a
// purchase, a P(alive) that is NaN or outside [0, 1], and inconsistent
// complaint signals (see [Signals.Validate]) are errors naming the
// customer and every bad field. The return rate is capped at 1: a sales
// export can carry refunds of units bought before its first row.
func NewSignals(in Input) (Signals, error) {
	s := &in.Summary
	sig := Signals{
		Customer:   s.CustomerID,
		AsOf:       s.AsOf,
		PAlive:     in.PAlive,
		HasPAlive:  in.HasPAlive,
		Complaints: in.Complaints,
	}
	// One pass over the days for the purchase days, the first and last
	// of them and the counts of the two years; the dates of AsOf and one
	// and two years before are computed once.
	asOf, yearAgo, twoYearsAgo := customer.SpendWindows(s.AsOf)
	var first, last customer.Date
	var firstNet decimal.Decimal
	for i := range s.Days {
		d := &s.Days[i]
		if d.Orders == 0 {
			continue
		}
		if d.Orders > 0 {
			if sig.PurchaseDays == 0 {
				first, firstNet = d.Date, d.Net
			}
			last = d.Date
			sig.PurchaseDays++
		}
		switch {
		case d.Date > yearAgo && d.Date <= asOf:
			sig.PurchaseDaysLast12++
		case d.Date > twoYearsAgo && d.Date <= yearAgo:
			sig.PurchaseDaysPrior12++
		}
	}
	var zeroAsOf []customer.FieldError
	if s.AsOf.IsZero() {
		// no instant to count the days to: only the fault is reported,
		// not the nonsense counts it would give
		zeroAsOf = []customer.FieldError{{Field: "as_of", Code: customer.CodeRequired, Message: "is zero: the summary has no as-of instant"}}
		sig.PurchaseDaysLast12, sig.PurchaseDaysPrior12 = 0, 0
	} else if sig.PurchaseDays > 0 {
		sig.DaysSinceLastPurchase = int(asOf - last)
		sig.DaysSinceFirstPurchase, sig.SpendFirstDay = int(asOf-first), firstNet
		if sig.PurchaseDays > 1 {
			sig.MedianGap = s.OccasionGapStats(customer.DefaultOccasionWindow).Median
		}
		sig.PriorYear = first <= yearAgo
		sig.SpendLast12, sig.SpendPrior12 = s.Spend12Months()
		sig.ReturnRate = min(s.ReturnRate(), 1)
	}
	if err := withFields(sig.Validate(), sig.Customer, zeroAsOf...); err != nil {
		return Signals{}, err
	}
	return sig, nil
}

// withFields returns err, an [*InputError] of customer id or nil, with the
// fields of more added (a field err already names is not repeated), or
// err unchanged when more is empty.
func withFields(err error, id customer.ID, more ...customer.FieldError) error {
	if len(more) == 0 {
		return err
	}
	e := &InputError{Customer: id}
	if err != nil {
		if !errors.As(err, &e) {
			return err
		}
		c := *e
		c.Fields = slices.Clone(e.Fields)
		e = &c
	}
	for _, f := range more {
		if !e.Has(f.Field, "") {
			e.Fields = append(e.Fields, f)
		}
	}
	sortFields(e.Fields)
	return e
}

// ownGap reports whether the customer has a rhythm of its own: at least
// two shopping occasions, so a positive MedianGap.
func (s *Signals) ownGap() bool { return s.PurchaseDays >= 2 && s.MedianGap > 0 }

// MaxSeverity is the highest complaint severity of
// [customer.ComplaintSignals] (critical).
const MaxSeverity = 4

// Validate reports every bad field of s in one [*InputError]: P(alive)
// NaN or outside [0, 1]; no purchase day ([ErrNoPurchase]); negative day
// counts, or more purchase days in the last two years than in all; a
// median gap that is NaN, infinite or negative (0 is a single shopping
// occasion, see MedianGap), or positive with a single purchase day;
// counts of purchase days, recency and PriorYear that contradict each
// other, as hand-filled signals can and signals of [NewSignals] never do
// (12 months before AsOf are 365 or 366 days, 24 months 730 or 731; a
// data warehouse that counts the last 12 months as 52 weeks, and the 24 as
// 104, gives counts of 364 and 728 days, which are accepted as well, so
// the bounds below are those of a year of 364 to 366 days):
//
//   - a count of the last 12 months or of the 12 before them above 366;
//   - without PriorYear (the first purchase, and so every one, in the
//     last 12 months): a last purchase 366 or more days ago, more than
//     366 purchase days, purchase days in the 12 months before, or
//     PurchaseDaysLast12 neither 0 (not given: it is not read without a
//     prior year) nor PurchaseDays;
//   - with PriorYear (the first purchase at least a year ago): every
//     purchase day in the last 12 months; none in them although the last
//     purchase is less than 364 days ago, or some although it is 366 or
//     more days ago; none in the 12 months before although the last
//     purchase is 366 to 727 days ago, or some although it is 731 or
//     more days ago (a year without a purchase day may hold spend: the
//     later shipment of an order counted on an earlier day);
//   - DaysSinceFirstPurchase, when given (not 0), negative, less than
//     DaysSinceLastPurchase + PurchaseDays − 1, less than 364 with
//     PriorYear or 366 or more without, 731 or more with every purchase
//     day in the last 24 months, or less than 728 with some before them,
//     or, with every purchase day in the last 24 months and PriorYear,
//     less than PurchaseDaysPrior12 + 363 (those 12 months end at least
//     364 days before AsOf, so they hold at most the first purchase day
//     and DaysSinceFirstPurchase − 364 days after it);
//
// a return rate outside [0, 1]; negative complaint
// counts, recent, unresolved, breached, dissatisfied or escalated complaints exceeding the total,
// a severity outside 0–4 or above 0 with no recent complaint, recent,
// dissatisfied or escalated complaints without a window, a last complaint after AsOf or without any
// complaint, and a last complaint that contradicts the recent count: a
// complaint is recent when recorded in (AsOf − Window, AsOf], so with
// recent complaints the last one is within the window, and without them
// it is not (the definitions of complaint.Signals).
func (s Signals) Validate() error {
	var p []customer.FieldError
	add := func(field, code, msg string) {
		p = append(p, customer.FieldError{Field: field, Code: code, Message: msg})
	}
	if s.HasPAlive && !(s.PAlive >= 0 && s.PAlive <= 1) {
		add("p_alive", customer.CodeRange, fmt.Sprintf("must be in [0, 1], got %v", s.PAlive))
	}
	if s.PurchaseDays < 1 {
		add("purchase_days", customer.CodeRequired, fmt.Sprintf("no purchase (%d purchase days)", s.PurchaseDays))
	}
	if s.DaysSinceLastPurchase < 0 {
		add("days_since_last_purchase", customer.CodeNegative, fmt.Sprintf("must not be negative, got %d", s.DaysSinceLastPurchase))
	}
	if math.IsNaN(s.MedianGap) || math.IsInf(s.MedianGap, 0) || s.MedianGap < 0 {
		add("median_gap", customer.CodeRange, fmt.Sprintf("must be finite and non-negative, got %v", s.MedianGap))
	}
	if s.PurchaseDaysLast12 < 0 {
		add("purchase_days_last_12", customer.CodeNegative, fmt.Sprintf("must not be negative, got %d", s.PurchaseDaysLast12))
	}
	if s.PurchaseDaysPrior12 < 0 {
		add("purchase_days_prior_12", customer.CodeNegative, fmt.Sprintf("must not be negative, got %d", s.PurchaseDaysPrior12))
	}
	if l, p := s.PurchaseDaysLast12, s.PurchaseDaysPrior12; l >= 0 && p >= 0 && s.PurchaseDays >= 1 && l+p > s.PurchaseDays {
		add("purchase_days_prior_12", customer.CodeTooMany, fmt.Sprintf("%d with %d in the last 12 months exceeds the %d purchase days in all", p, l, s.PurchaseDays))
	}
	if s.PurchaseDays == 1 && s.MedianGap > 0 && finite(s.MedianGap) {
		add("median_gap", customer.CodeMismatch, fmt.Sprintf("is %s with a single purchase day (a gap needs two)", daysF(s.MedianGap)))
	}
	if l, pr := s.PurchaseDaysLast12, s.PurchaseDaysPrior12; s.PurchaseDays >= 1 && s.DaysSinceLastPurchase >= 0 && l >= 0 && pr >= 0 {
		s.historyProblems(func(field, code, msg string) {
			for _, f := range p {
				if f.Field == field {
					return // one fault of a field is enough to act on
				}
			}
			add(field, code, msg)
		})
	}
	if s.DaysSinceFirstPurchase < 0 {
		add("days_since_first_purchase", customer.CodeNegative, fmt.Sprintf("must not be negative, got %d", s.DaysSinceFirstPurchase))
	} else if s.DaysSinceFirstPurchase > 0 && s.PurchaseDays >= 1 && s.DaysSinceLastPurchase >= 0 {
		s.firstPurchaseProblems(add)
	}
	if !(s.ReturnRate >= 0 && s.ReturnRate <= 1) {
		add("return_rate", customer.CodeRange, fmt.Sprintf("must be in [0, 1], got %v", s.ReturnRate))
	}
	c := s.Complaints
	for _, n := range []struct {
		field string
		v     int
	}{{"complaints.total", c.Total}, {"complaints.recent", c.Recent}, {"complaints.unresolved", c.Unresolved}, {"complaints.sla_breaches", c.SLABreaches}, {"complaints.dissatisfied", c.Dissatisfied}, {"complaints.escalated", c.Escalated}} {
		if n.v < 0 {
			add(n.field, customer.CodeNegative, fmt.Sprintf("must not be negative, got %d", n.v))
		}
	}
	for _, n := range []struct {
		field string
		v     int
	}{{"complaints.recent", c.Recent}, {"complaints.unresolved", c.Unresolved}, {"complaints.sla_breaches", c.SLABreaches}, {"complaints.dissatisfied", c.Dissatisfied}, {"complaints.escalated", c.Escalated}} {
		if n.v > c.Total && c.Total >= 0 {
			add(n.field, customer.CodeTooMany, fmt.Sprintf("%d exceeds the %d complaints in total", n.v, c.Total))
		}
	}
	if c.MaxSeverity < 0 || c.MaxSeverity > MaxSeverity {
		add("complaints.max_severity", customer.CodeRange, fmt.Sprintf("must be in 0–%d, got %d", MaxSeverity, c.MaxSeverity))
	} else if c.MaxSeverity > 0 && c.Recent == 0 {
		add("complaints.max_severity", customer.CodeMismatch, fmt.Sprintf("is %d with no recent complaint (it is the worst of the recent ones)", c.MaxSeverity))
	}
	if c.Window < 0 {
		add("complaints.window", customer.CodeNegative, fmt.Sprintf("must not be negative, got %v", c.Window))
	} else if c.Window == 0 && c.Recent > 0 {
		add("complaints.window", customer.CodeRequired, fmt.Sprintf("is zero with %d recent complaints", c.Recent))
	} else if c.Window == 0 && c.Dissatisfied > 0 {
		add("complaints.window", customer.CodeRequired, fmt.Sprintf("is zero with %d dissatisfied complaints (rated within the window)", c.Dissatisfied))
	} else if c.Window == 0 && c.Escalated > 0 {
		add("complaints.window", customer.CodeRequired, fmt.Sprintf("is zero with %d escalated complaints (escalated within the window)", c.Escalated))
	}
	if !c.Last.IsZero() {
		switch {
		case c.Total == 0:
			add("complaints.last", customer.CodeMismatch, "is set with no complaint")
		case s.AsOf.IsZero():
			add("as_of", customer.CodeRequired, "is zero but the last complaint is dated")
		case c.Last.After(s.AsOf):
			add("complaints.last", customer.CodeFuture, fmt.Sprintf("%s is after the as-of instant %s", c.Last.Format(time.RFC3339), s.AsOf.Format(time.RFC3339)))
		case c.Window > 0 && c.Recent > 0 && !c.Last.After(s.AsOf.Add(-c.Window)):
			add("complaints.last", customer.CodeMismatch, fmt.Sprintf("%s is before the recent window of %s but %d complaints are recent",
				c.Last.Format(time.RFC3339), duration(c.Window), c.Recent))
		case c.Window > 0 && c.Recent == 0 && c.Last.After(s.AsOf.Add(-c.Window)):
			add("complaints.last", customer.CodeMismatch, fmt.Sprintf("%s is within the recent window of %s but no complaint is recent",
				c.Last.Format(time.RFC3339), duration(c.Window)))
		}
	}
	if len(p) == 0 {
		return nil
	}
	sortFields(p)
	return &InputError{Customer: s.Customer, Fields: p}
}

// Spans in days of the two years: 12 months before AsOf are 365 or 366
// days (366 when they hold a 29 February), 24 months 730 or 731; a data
// warehouse that counts a year as 52 weeks gives 364 and 728, which are
// accepted too (see [Signals.Validate]).
const (
	yearMin, yearMax         = 364, 366
	twoYearsMin, twoYearsMax = 728, 731
)

// historyProblems reports, through add, the counts of s that contradict
// each other. The last purchase, d = DaysSinceLastPurchase days before
// AsOf, is in the last 12 months when d < 364 and before them when
// d ≥ 366; in the 12 months before those when 366 ≤ d < 728, and before
// both when d ≥ 731 (d = 364 and 365, and 728 to 730, depend on the
// calendar, or on a year counted as 52 weeks). Without
// a prior year every purchase day is in the last 12 months; with one,
// the first is not, and a year without a purchase day has no positive
// spend. s has at least one purchase day and no negative count.
func (s *Signals) historyProblems(add func(field, code, msg string)) {
	d, n, l, pr := s.DaysSinceLastPurchase, s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12
	for _, c := range [...]struct {
		field string
		v     int
	}{{"purchase_days_last_12", l}, {"purchase_days_prior_12", pr}} {
		if c.v > yearMax {
			add(c.field, customer.CodeTooMany, fmt.Sprintf("%d exceeds the %d days of 12 months", c.v, yearMax))
		}
	}
	if !s.PriorYear {
		// the first purchase, and so every one, is in the last 12 months
		if n > yearMax {
			add("prior_year", customer.CodeMismatch, fmt.Sprintf("is false (first purchase within the last 12 months) but %d purchase days exceed the %d days of 12 months", n, yearMax))
		}
		if d >= yearMax {
			add("prior_year", customer.CodeMismatch, fmt.Sprintf("is false (first purchase within the last 12 months) but the last purchase is %s ago", days(d)))
		}
		if pr > 0 {
			add("purchase_days_prior_12", customer.CodeMismatch, fmt.Sprintf("is %d but prior_year is false (first purchase within the last 12 months)", pr))
		}
		if l != 0 && l != n {
			// 0: not given, as they are not read without a prior year
			add("purchase_days_last_12", customer.CodeMismatch, fmt.Sprintf("is %d of %s but prior_year is false (every purchase within the last 12 months)",
				l, logtext.Count(n, "purchase day", "purchase days")))
		}
		return
	}
	if l >= n {
		add("prior_year", customer.CodeMismatch, fmt.Sprintf("is true (first purchase at least a year ago) but %s of %s are in the last 12 months",
			strconv.Itoa(l), logtext.Count(n, "purchase day", "purchase days")))
	}
	switch {
	case d < yearMin && l == 0:
		add("purchase_days_last_12", customer.CodeMismatch, fmt.Sprintf("is 0 but the last purchase, %s ago, is in the last 12 months", days(d)))
	case d >= yearMax && l > 0:
		add("purchase_days_last_12", customer.CodeMismatch, fmt.Sprintf("is %d but the last purchase, %s ago, is before the last 12 months", l, days(d)))
	}
	// A year without a purchase day may still hold a positive spend: a
	// later shipment of an order counted on an earlier day (a dealer
	// billed per shipment under one order number, customer.Sale).
	switch {
	case d >= yearMax && d < twoYearsMin && pr == 0:
		add("purchase_days_prior_12", customer.CodeMismatch, fmt.Sprintf("is 0 but the last purchase, %s ago, is in the 12 months before the last 12", days(d)))
	case d >= twoYearsMax && pr > 0:
		add("purchase_days_prior_12", customer.CodeMismatch, fmt.Sprintf("is %d but the last purchase, %s ago, is before the last 24 months", pr, days(d)))
	}
}

// firstPurchaseProblems reports, through add, a DaysSinceFirstPurchase
// (positive: given) that contradicts the recency, the number of purchase
// days, PriorYear or the counts of the two years: the first purchase day
// is at least PurchaseDays − 1 days before the last; it is at least 364
// days ago with PriorYear and less than 366 without (a year counted as 52
// weeks is 364 days); with PriorYear it is in the 12 months before the
// last 12 (less than 731 days ago) when every purchase day is in the two
// years, and before them (728 or more days ago) when some is not, and in
// the first case those 12 months, which end at least 364 days before
// AsOf, hold at most f − 363 purchase days, f = DaysSinceFirstPurchase
// (the first and the days after it up to their end). s has at least one
// purchase day and no negative recency.
func (s *Signals) firstPurchaseProblems(add func(field, code, msg string)) {
	const field = "days_since_first_purchase"
	f, d, n := s.DaysSinceFirstPurchase, s.DaysSinceLastPurchase, s.PurchaseDays
	switch {
	case f < d+n-1:
		add(field, customer.CodeMismatch, fmt.Sprintf("is %d but the last purchase is %s ago with %s",
			f, days(d), logtext.Count(n, "purchase day", "purchase days")))
	case s.PriorYear && f < yearMin:
		add(field, customer.CodeMismatch, fmt.Sprintf("is %d but prior_year is true (first purchase at least a year ago)", f))
	case !s.PriorYear && f >= yearMax:
		add(field, customer.CodeMismatch, fmt.Sprintf("is %d but prior_year is false (first purchase within the last 12 months)", f))
	case s.PriorYear && s.PurchaseDaysLast12 >= 0 && s.PurchaseDaysPrior12 >= 0:
		inTwoYears := s.PurchaseDaysLast12+s.PurchaseDaysPrior12 == n
		switch {
		case inTwoYears && f >= twoYearsMax:
			add(field, customer.CodeMismatch, fmt.Sprintf("is %d but every one of the %s is in the last 24 months", f,
				logtext.Count(n, "purchase day", "purchase days")))
		case !inTwoYears && f < twoYearsMin:
			add(field, customer.CodeMismatch, fmt.Sprintf("is %d but %d of the %s are before the last 24 months", f,
				n-s.PurchaseDaysLast12-s.PurchaseDaysPrior12, logtext.Count(n, "purchase day", "purchase days")))
		case inTwoYears && s.PurchaseDaysPrior12 > f-yearMin+1:
			add(field, customer.CodeMismatch, fmt.Sprintf("is %d but the 12 months before the last 12 hold %s, more than the %s from the first purchase to their end, at least %s ago",
				f, logtext.Count(s.PurchaseDaysPrior12, "purchase day", "purchase days"), days(f-yearMin+1), days(yearMin)))
		}
	}
}

func sortFields(p []customer.FieldError) {
	// insertion sort, stable, by field: the lists are short
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Field < p[j-1].Field; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// ComplaintSource gives the complaint signals of a customer as of an
// instant. complaint.Signals computes the signals of every complainant
// from the cases' event logs, which [ComplaintsAsOf] serves; callers with
// their own complaint system implement it directly. It must return zero
// signals (not an error) for a customer without complaints.
type ComplaintSource interface {
	ComplaintSignals(id customer.ID, asOf time.Time) (customer.ComplaintSignals, error)
}

// AliveModel is the part of a fitted buy-till-you-die model the risk
// uses: the probability that a customer with the given frequency
// (repeat purchase days), recency (time from the first to the last
// purchase day) and T (time from the first purchase day to the as-of
// instant) is still active. Times are in the unit the model was fitted
// in. [AliveOf] adapts the churn package's fitted models.
type AliveModel interface {
	PAlive(frequency, recency, T float64) (float64, error)
}

// Collect builds the inputs of summaries, asking complaints (when not
// nil) for each customer's complaint signals as of the summary's AsOf,
// and alive (when not nil) for P(alive) from the summary's
// buy-till-you-die triple in unit. Customers without a purchase have no
// triple and get no P(alive); they are kept, in the summaries' order, but
// have no risk: [Model.Score] and [Model.ScoreAll] refuse them
// ([ErrNoPurchase]), so a caller scoring a population leaves them out
// (Summary.PurchaseDays() == 0) before or after collecting. A customer whose first purchase is on the
// as-of day (T = 0, which the models do not take) gets P(alive) = 1, the
// limit of every buy-till-you-die model as T → 0: they have just bought.
// An error from either source stops it, wrapped with the customer and its
// index. With alive not nil, unit must be [customer.Days] or
// [customer.Weeks]; another is an [*OptionError].
func Collect(summaries []customer.Summary, complaints ComplaintSource, alive AliveModel, unit customer.Period) ([]Input, error) {
	if alive != nil && !unit.Valid() {
		return nil, &OptionError{Field: "unit", Value: float64(unit), Reason: "must be days or weeks"}
	}
	out := make([]Input, len(summaries))
	for i, s := range summaries {
		in := Input{Summary: s}
		if complaints != nil {
			c, err := complaints.ComplaintSignals(s.CustomerID, s.AsOf)
			if err != nil {
				return nil, fmt.Errorf("risk: complaint signals of customer %q (#%d): %w", s.CustomerID, i, err)
			}
			in.Complaints = c
		}
		if alive != nil {
			if x, r, t, ok := s.BTYD(unit); ok {
				p := 1.0 // T = 0
				if t > 0 {
					var err error
					if p, err = alive.PAlive(float64(x), r, t); err != nil {
						return nil, fmt.Errorf("risk: P(alive) of customer %q (#%d): %w", s.CustomerID, i, err)
					}
				}
				in.PAlive, in.HasPAlive = p, true
			}
		}
		out[i] = in
	}
	return out, nil
}
