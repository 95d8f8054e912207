package risk

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/internal/logtext"
)

// Reason is one warning sign of a customer, in words, with the
// contribution (log-odds) of the features it quotes.
type Reason struct {
	// Features are the features the text quotes; complaint features are
	// grouped into one reason, and so are the two trends when neither a
	// purchase nor spend is left in the last 24 months ("no purchase or
	// spend in the last 24 months"): one warning sign, which told twice
	// would push another, such as the complaint that may be why, out of
	// the reasons.
	Features []Feature
	// Contribution is the sum of their contributions, positive. Each
	// feature quoted contributes positively on its own: a reason says
	// only what raised the risk, so a feature that a fitted model weighs
	// against its warning sign ([FitReport].AgainstSign) is never quoted
	// as a warning, however much of it the customer shows.
	Contribution float64
	// Text states the customer's own numbers, such as "no purchase for 214
	// days where this customer's usual gap is 60 days" (with ", counted as
	// the minimum of 7 days" when the usual gap is below [Options].MinGap).
	// In the customer's second year a trend is quoted against the days
	// after the first purchase, as [FeatureFrequencyDecline] compares them
	// ("3 purchase days in the last 12 months against 4.7 the year before:
	// 2 in its 35 days after the first purchase, the rest at the last 12
	// months' pace", the year to one decimal, or to as many more as it
	// takes not to read as no decline: "2 against 2.04"; "spend in the
	// last 12 months down 42% on the year before, its 35 days after the
	// first purchase and the rest at the last 12 months' pace"). A spend decline quoted as down x is
	// the feature's v = (p − l) ÷ (p + l) as x = (p − l) ÷ p = 2v ÷ (1 + v),
	// in any year.
	Text string
}

var severityWords = [MaxSeverity + 1]string{"", "low", "medium", "high", "critical"}

// reasons builds the reasons of s: one per topic whose quoted features
// have a positive total contribution, largest first (ties in Feature
// order), at most top. Topics are P(alive), recency, the number of
// purchase days, purchase frequency, spend (one topic with frequency when
// both stopped: see [stoppedTogether]), returns, and complaints
// (recent, unresolved, escalated, handled to the customer's
// dissatisfaction, SLA breaches, severity and age of the last one,
// quoting only those that are non-zero and push the risk up). Text is deterministic: the same
// signals give the same words.
//
// A feature is a warning sign only on its risky side: every feature
// grows with the risk it measures, so it is quoted only when its value
// is positive (a decline, not a rise) and above the population's mean
// (z > 0) as well as pushing the risk up. A fitted coefficient of the
// unexpected sign, which correlated features can produce, makes a
// contribution positive for a customer below the mean; that is part of
// the score, but a rising spend is not put into words as a reason.
func reasons(s *Signals, v *vector, z, c *[NumFeatures]float64, gap float64, own bool, top int) []Reason {
	var out []Reason
	single := func(f Feature, text func() string) {
		if warns(f, v, z, c) {
			out = append(out, Reason{Features: []Feature{f}, Contribution: c[f], Text: text()})
		}
	}
	single(FeatureNotAlive, func() string {
		p := percent(s.PAlive)
		if strings.HasPrefix(p, "under") || strings.HasPrefix(p, "over") {
			return "probability of still being an active customer " + p
		}
		return "probability of still being an active customer only " + p
	})
	single(FeatureOverdue, func() string {
		if own {
			// the customer's own median gap, and the floor it was
			// raised to when below [Options].MinGap
			text := "no purchase for " + days(s.DaysSinceLastPurchase) + " where this customer's usual gap is " + daysF(s.MedianGap)
			if g := daysF(gap); g != daysF(s.MedianGap) {
				text += ", counted as the minimum of " + g
			}
			return text
		}
		return "no purchase for " + days(s.DaysSinceLastPurchase) + " where the typical customer's gap is " + daysF(gap)
	})
	single(FeatureFewPurchases, func() string {
		return "only " + logtext.Count(s.PurchaseDays, "purchase day", "purchase days") + " so far"
	})
	if stoppedTogether(s, v, z, c) {
		// purchases and spend stopped together: one warning sign, told
		// once, so that it does not push another out of the reasons
		out = append(out, Reason{Features: []Feature{FeatureFrequencyDecline, FeatureSpendDecline},
			Contribution: c[FeatureFrequencyDecline] + c[FeatureSpendDecline], Text: "no purchase or spend in the last 24 months"})
	} else {
		single(FeatureFrequencyDecline, func() string {
			l, p := s.PurchaseDaysLast12, s.PurchaseDaysPrior12
			if l == 0 && p == 0 {
				return "no purchase in the last 24 months"
			}
			if l == 0 {
				return "no purchase in the last 12 months against " + logtext.Count(p, "purchase day", "purchase days") + " the year before"
			}
			if partialYear(s) {
				// the year before holds only e days of the customer's
				// history after the first purchase day; the feature
				// compares with that year filled at the last 12 months'
				// pace, which the text quotes, so that "2 against 2 in
				// 260 days" does not read as no decline
				e, w := secondYear(s)
				year := float64(p-1) + float64(l)*(1-w)
				return logtext.Count(l, "purchase day", "purchase days") + " in the last 12 months against " + yearText(year, l) +
					" the year before: " + strconv.Itoa(p-1) + " in its " + days(e) + " after the first purchase, the rest at the last 12 months' pace"
			}
			return logtext.Count(l, "purchase day", "purchase days") + " in the last 12 months against " + strconv.Itoa(p) + " the year before"
		})
		single(FeatureSpendDecline, func() string {
			// quoted only as a decline: spend before > spend since ≥ 0, or
			// no purchase day in the two years
			p, l := max(toFloat(s.SpendPrior12), 0), max(toFloat(s.SpendLast12), 0)
			if !(p > 0) { // and l = 0
				return "no spend in the last 24 months"
			}
			if partialYear(s) {
				// the year the feature compares with: the spend of the e
				// days after the first purchase day, the rest of the year
				// at the last 12 months' pace; above the spend since, as
				// the decline is positive
				e, w := secondYear(s)
				year := max(toFloat(s.SpendPrior12)-toFloat(s.SpendFirstDay)+l*(1-w), 0)
				return "spend in the last 12 months down " + percent((year-l)/year) + " on the year before, its " + days(e) +
					" after the first purchase and the rest at the last 12 months' pace"
			}
			return "spend in the last 12 months down " + percent((p-l)/p) + " on the year before"
		})
	}
	single(FeatureReturnRate, func() string {
		return "returns " + percent(s.ReturnRate) + " of units bought"
	})
	if r, ok := complaintReason(s, v, z, c); ok {
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Reason) int {
		switch {
		case a.Contribution > b.Contribution:
			return -1
		case a.Contribution < b.Contribution:
			return 1
		}
		return 0
	})
	if len(out) > top {
		out = out[:top]
	}
	return out
}

// stoppedTogether reports whether both trends of s warn and say the same:
// no purchase day and no spend in the last 24 months (a later shipment of
// an older order can bring some spend into them, which is then told on its
// own).
func stoppedTogether(s *Signals, v *vector, z, c *[NumFeatures]float64) bool {
	return warns(FeatureFrequencyDecline, v, z, c) && warns(FeatureSpendDecline, v, z, c) &&
		s.PurchaseDaysLast12 == 0 && s.PurchaseDaysPrior12 == 0 &&
		!s.SpendLast12.IsPositive() && !s.SpendPrior12.IsPositive()
}

// warns reports whether feature f of v is a warning sign: present,
// positive, above the population's mean and pushing the risk up.
func warns(f Feature, v *vector, z, c *[NumFeatures]float64) bool {
	return v.present[f] && v.x[f] > 0 && z[f] > 0 && c[f] > 0
}

// complaintReason groups the complaint features into one sentence, such
// as "2 complaints in 90 days, 1 unresolved".
func complaintReason(s *Signals, v *vector, z, c *[NumFeatures]float64) (Reason, bool) {
	cs := &s.Complaints
	age, hasAge := complaintAge(s)
	sev := severityWords[max(0, min(MaxSeverity, cs.MaxSeverity))]
	var r Reason
	var b strings.Builder
	for _, f := range [...]Feature{FeatureRecentComplaints, FeatureUnresolved, FeatureEscalated, FeatureDissatisfied, FeatureSLABreaches, FeatureSeverity, FeatureComplaintRecency} {
		var on bool
		switch f {
		case FeatureRecentComplaints:
			on = cs.Recent > 0
		case FeatureUnresolved:
			on = cs.Unresolved > 0
		case FeatureEscalated:
			on = cs.Escalated > 0
		case FeatureDissatisfied:
			on = cs.Dissatisfied > 0
		case FeatureSLABreaches:
			on = cs.SLABreaches > 0
		case FeatureSeverity:
			on = cs.MaxSeverity > 0
		case FeatureComplaintRecency:
			on = hasAge
		}
		if !on || !warns(f, v, z, c) {
			continue
		}
		head := len(r.Features) == 0
		if !head {
			b.WriteString(", ")
		}
		switch f {
		case FeatureRecentComplaints:
			b.WriteString(logtext.Count(cs.Recent, "complaint", "complaints") + " in " + duration(cs.Window))
		case FeatureUnresolved:
			if head {
				b.WriteString(logtext.Count(cs.Unresolved, "unresolved complaint", "unresolved complaints"))
			} else {
				b.WriteString(strconv.Itoa(cs.Unresolved) + " unresolved")
			}
		case FeatureEscalated:
			if head {
				b.WriteString(logtext.Count(cs.Escalated, "escalated complaint", "escalated complaints"))
			} else {
				b.WriteString(strconv.Itoa(cs.Escalated) + " escalated")
			}
		case FeatureDissatisfied:
			n := cs.Dissatisfied
			if head {
				b.WriteString(plural(n, "1 complaint handled to the customer's dissatisfaction", strconv.Itoa(n)+" complaints handled to the customer's dissatisfaction"))
			} else {
				b.WriteString(strconv.Itoa(n) + " handled to the customer's dissatisfaction")
			}
		case FeatureSLABreaches:
			n := cs.SLABreaches
			if head {
				b.WriteString(plural(n, "1 complaint past its service deadline", strconv.Itoa(n)+" complaints past their service deadline"))
			} else {
				b.WriteString(plural(n, "1 past its service deadline", strconv.Itoa(n)+" past their service deadline"))
			}
		// the short forms refer to the recent complaints when they lead
		// the sentence; after another count they would read as its own
		case FeatureSeverity:
			switch {
			case head:
				b.WriteString("a complaint of " + sev + " severity")
			case r.Features[0] == FeatureRecentComplaints:
				b.WriteString("the worst of " + sev + " severity")
			default:
				b.WriteString("the worst recent one of " + sev + " severity")
			}
		case FeatureComplaintRecency:
			switch {
			case head:
				b.WriteString("the last complaint " + ago(age))
			case r.Features[0] == FeatureRecentComplaints:
				b.WriteString("the last one " + ago(age))
			default:
				b.WriteString("the last complaint " + ago(age))
			}
		}
		r.Features = append(r.Features, f)
		r.Contribution += c[f]
	}
	if len(r.Features) == 0 || !(r.Contribution > 0) {
		return Reason{}, false
	}
	r.Text = b.String()
	return r, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func days(n int) string { return logtext.Count(n, "day", "days") }

func ago(n int) string {
	if n == 0 {
		return "today"
	}
	return days(n) + " ago"
}

// daysF writes a number of days with at most one decimal, in plain
// digits however large.
func daysF(d float64) string {
	r := d // from 2⁵² on, every float64 is a whole number
	if math.Abs(d) < 1<<52 {
		r = math.Round(d*10) / 10
	}
	if r == math.Trunc(r) {
		if r == 1 {
			return "1 day"
		}
		return strconv.FormatFloat(r, 'f', 0, 64) + " days"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + " days"
}

// duration writes a window in days, or in hours or minutes when it is
// shorter than a day or an hour, with at most one decimal.
func duration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return daysF(d.Hours() / 24)
	case d >= time.Hour:
		return unitsF(d.Hours(), "hour", "hours")
	case d >= time.Minute:
		return unitsF(d.Minutes(), "minute", "minutes")
	}
	return d.String()
}

// unitsF writes x, below 24 or 60, with at most one decimal and its unit.
func unitsF(x float64, one, many string) string {
	r := math.Round(x*10) / 10
	if r == 1 {
		return "1 " + one
	}
	if r == math.Trunc(r) {
		return strconv.FormatFloat(r, 'f', 0, 64) + " " + many
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + " " + many
}

// oneDecimal writes x ≥ 0 rounded to one decimal, without a trailing
// ".0".
func oneDecimal(x float64) string {
	r := math.Round(x*10) / 10
	if r == math.Trunc(r) {
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// yearText writes year, the purchase days of the year before as
// [FeatureFrequencyDecline] fills it in the customer's second year, for
// a reason against l purchase days in the last 12 months: to one
// decimal, or, when year is above l but one decimal would not show it
// (2.04 against 2), to two or three, so that a decline never reads as
// "2 against 2". year − l = ((p−1)·y − l·e) ÷ y for a year y of 365 or
// 366 days (see secondYear), so a year above l is at least 1/366 above
// it, which three decimals show.
func yearText(year float64, l int) string {
	text := oneDecimal(year)
	for d := 2; d <= 3 && year > float64(l); d++ {
		if shown, err := strconv.ParseFloat(text, 64); err == nil && shown > float64(l) {
			break
		}
		text = strconv.FormatFloat(year, 'f', d, 64)
	}
	return text
}

// percent writes a share as a whole percentage, "under 1%" for a small
// positive share and "over 99%" for one short of the whole, so that
// neither reads as none or all.
func percent(x float64) string {
	p := math.Round(100 * x)
	switch {
	case p == 0 && x > 0:
		return "under 1%"
	case p == 100 && x < 1:
		return "over 99%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}
