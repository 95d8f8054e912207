package risk

import (
	"errors"
	"fmt"
	"math"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
)

// vector holds raw feature values indexed by Feature; present[f] is false
// for a missing feature.
type vector struct {
	x       [NumFeatures]float64
	present [NumFeatures]bool
}

// typicalGap returns the gap, in days, that the customer's recency is
// measured against: the median gap between the customer's shopping
// occasions when there are at least two, else the population's prior
// gap; either floored at minGap. own tells which.
func typicalGap(s *Signals, prior, minGap float64) (gap float64, own bool) {
	if s.ownGap() {
		return max(s.MedianGap, minGap), true
	}
	return max(prior, minGap), false
}

// complaintAge returns the whole days from the last complaint to AsOf;
// ok is false without a dated complaint.
func complaintAge(s *Signals) (days int, ok bool) {
	if s.Complaints.Last.IsZero() {
		return 0, false
	}
	// max: a last complaint in another time zone may fall on a later
	// calendar day than AsOf although it is not after it
	return max(0, int(customer.DateOf(s.AsOf)-customer.DateOf(s.Complaints.Last))), true
}

// decline returns (p − l) ÷ (p + l) with negative values counted as zero;
// ok is false when p + l is 0.
func decline(prior, last float64) (float64, bool) {
	prior, last = max(prior, 0), max(last, 0)
	if prior+last == 0 {
		return 0, false
	}
	return (prior - last) / (prior + last), true
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// toFloat returns the float64 nearest to d, for the spend ratios (a
// score, not money). Amounts with a coefficient below 2⁵³ and at most 22
// decimals, that is all real ones, convert without allocating: the
// coefficient and the power of ten are exact in float64, so one
// correctly rounded division or product gives the nearest float, as the
// exact conversion of the other amounts does.
func toFloat(d decimal.Decimal) float64 {
	if d.IsZero() {
		return 0
	}
	if e := int(d.Exponent()); e > -len(pow10) && e < len(pow10) &&
		(d.Sign() > 0 && d.Cmp(exactHi[e+len(pow10)-1]) < 0 || d.Sign() < 0 && d.Cmp(exactLo[e+len(pow10)-1]) > 0) {
		// |coefficient| < 2⁵³: exact in float64, as is the power of ten
		c := float64(d.CoefficientInt64())
		if e < 0 {
			return c / pow10[-e]
		}
		return c * pow10[e]
	}
	return d.InexactFloat64()
}

// exactHi and exactLo[e+22] are ±2⁵³ at exponent e, for toFloat to
// compare a coefficient with, without rescaling or allocating.
var exactHi, exactLo = func() (hi, lo [2*len(pow10) - 1]decimal.Decimal) {
	for i := range hi {
		e := int32(i - len(pow10) + 1)
		hi[i], lo[i] = decimal.New(1<<53, e), decimal.New(-(1<<53), e)
	}
	return hi, lo
}()

// lnCounts[n] is ln(1 + n) for the small counts of complaints.
var lnCounts = func() (t [64]float64) {
	for n := range t {
		t[n] = math.Log1p(float64(n))
	}
	return t
}()

// lnCount returns ln(1 + n) for n ≥ 0.
func lnCount(n int) float64 {
	if n < len(lnCounts) {
		return lnCounts[n]
	}
	return math.Log1p(float64(n))
}

// features computes the raw features of a valid s (see [Feature] for the
// formulas), with prior the typical gap of single-purchase customers.
func features(s *Signals, prior, minGap, halfLife float64) vector {
	var v vector
	set := func(f Feature, x float64) { v.x[f], v.present[f] = x, true }
	if s.HasPAlive && s.PurchaseDays >= 2 {
		set(FeatureNotAlive, 1-s.PAlive)
	}
	g, _ := typicalGap(s, prior, minGap)
	set(FeatureOverdue, overdue(float64(s.DaysSinceLastPurchase), g))
	set(FeatureFewPurchases, 1/float64(s.PurchaseDays))
	switch {
	case s.PriorYear && s.PurchaseDaysPrior12+s.PurchaseDaysLast12 == 0:
		// every purchase day is more than two years old: purchases
		// stopped, as they did when the last purchase was still in the
		// year before; spend too, unless later shipments of an older
		// order bring some into the two years
		set(FeatureFrequencyDecline, 1)
		d, ok := decline(toFloat(s.SpendPrior12), toFloat(s.SpendLast12))
		if !ok || !finite(d) {
			d = 1
		}
		set(FeatureSpendDecline, d)
	case s.PriorYear:
		freq, spend, freqOK, spendOK := trends(s)
		if freqOK {
			set(FeatureFrequencyDecline, freq)
		}
		if spendOK {
			set(FeatureSpendDecline, spend)
		}
	}
	set(FeatureReturnRate, s.ReturnRate)
	c := &s.Complaints
	set(FeatureRecentComplaints, lnCount(c.Recent))
	set(FeatureUnresolved, lnCount(c.Unresolved))
	set(FeatureSLABreaches, lnCount(c.SLABreaches))
	set(FeatureDissatisfied, lnCount(c.Dissatisfied))
	set(FeatureEscalated, lnCount(c.Escalated))
	set(FeatureSeverity, float64(c.MaxSeverity)/MaxSeverity)
	fresh := 0.0
	if a, ok := complaintAge(s); ok {
		fresh = math.Exp2(-float64(a) / halfLife)
	}
	set(FeatureComplaintRecency, fresh)
	return v
}

// trends returns the frequency and spend declines of s, which has a
// prior year and a purchase day in the last 24 months (see
// [FeatureFrequencyDecline]); ok is false for a missing one.
func trends(s *Signals) (freq, spend float64, freqOK, spendOK bool) {
	l, p := s.PurchaseDaysLast12, s.PurchaseDaysPrior12
	freq, freqOK = decline(float64(p), float64(l))
	spend, spendOK = decline(toFloat(s.SpendPrior12), toFloat(s.SpendLast12))
	spendOK = spendOK && finite(spend)
	if l+p < s.PurchaseDays {
		// two full years of the customer's history
		return freq, spend, freqOK, spendOK
	}
	// The first purchase day is in the 12 months before the last 12,
	// which hold only part of a year of the customer's history. Without
	// a purchase day since (l = 0; freq is +1), or with the first day not
	// given, the trends are only a decline of the raw counts and spends.
	if l == 0 || s.DaysSinceFirstPurchase == 0 {
		return freq, spend, freqOK && freq > 0, spendOK && spend > 0
	}
	e, w := secondYear(s)
	if e <= 0 {
		// the first anniversary: no day of the customer's history to
		// compare with
		return 0, 0, false, false
	}
	// the first purchase day opens the history and says nothing of its
	// rhythm; the rest of the year is filled with the last 12 months'
	freq, freqOK = decline(float64(p-1)+float64(l)*(1-w), float64(l))
	sl := toFloat(s.SpendLast12)
	spend, spendOK = decline(toFloat(s.SpendPrior12)-toFloat(s.SpendFirstDay)+max(sl, 0)*(1-w), sl)
	return freq, spend, freqOK, spendOK && finite(spend)
}

// secondYear returns, for s with a prior year and every purchase day in
// the last 24 months, the days e of the customer's history after the first
// purchase day in the 12 months before the last 12, and their share w of
// those 12 months, in [0, 1]. e ≤ 0 on the first anniversary (or with a
// first purchase day not given).
func secondYear(s *Signals) (e int, w float64) {
	last, prior := 365, 365
	if !s.AsOf.IsZero() {
		asOf, yearAgo, twoYearsAgo := customer.SpendWindows(s.AsOf)
		last, prior = int(asOf-yearAgo), int(yearAgo-twoYearsAgo)
	}
	e = s.DaysSinceFirstPurchase - last
	return e, max(0, min(float64(e)/float64(prior), 1))
}

// partialYear reports whether the trends of s fill the year before the
// last 12 months with the last 12 months' rhythm (see
// [FeatureFrequencyDecline]): a prior year, every purchase day in the last
// 24 months, some in the last 12, and the first purchase day given.
func partialYear(s *Signals) bool {
	return s.PriorYear && s.PurchaseDaysLast12 > 0 && s.DaysSinceFirstPurchase > 0 &&
		s.PurchaseDaysLast12+s.PurchaseDaysPrior12 == s.PurchaseDays
}

// overdue returns ln(1 + d ÷ g) for d ≥ 0 and g > 0, as ln d − ln g
// when d ÷ g overflows (a gap floored at a tiny [Options].MinGap): then
// d ≫ g and ln(1 + d ÷ g) = ln(d + g) − ln g equals ln d − ln g to the
// last bit.
func overdue(d, g float64) float64 {
	if r := d / g; !math.IsInf(r, 0) {
		return math.Log1p(r)
	}
	return math.Log(d) - math.Log(g)
}

// LogGapMoments returns the moments of ln g over the customers with at
// least two purchase days, g their median gap floored at
// [Options].MinGap. Their exponentiated mean, the geometric mean of the
// typical gaps, is the prior gap [Fit] gives single-purchase customers;
// the moments of shards merge (see [Moments]), so all shards can agree
// on one prior before accumulating a [Standardizer]. Invalid signals are
// skipped here; [Fit] reports them.
func LogGapMoments(sigs []Signals, opts *Options) (Moments, error) {
	c, err := opts.config()
	if err != nil {
		return Moments{}, err
	}
	var m Moments
	for i := range sigs {
		if sigs[i].ownGap() && sigs[i].Validate() == nil {
			m = m.Add(math.Log(max(sigs[i].MedianGap, c.minGap)))
		}
	}
	return m, nil
}

// Standardizer holds the population statistics that standardise the
// features of the fitted model: for each feature, the [Moments] of its
// present values, computed with one prior gap. A feature is standardised
// as
//
//	z = clip((x − mean) ÷ sd, ±Clip),
//
// and z = 0 when the feature is missing or the population has no spread
// (sd = 0): such a feature neither adds to nor takes from the risk.
// Standardizers of shards built with the same prior gap and options merge
// into the standardizer of the union; stored as JSON
// ([Standardizer.MarshalJSON]) with those options, a shard accumulated on
// another worker merges as the one it was stored from.
type Standardizer struct {
	// PriorGap is the typical gap, in days, of single-purchase customers.
	PriorGap float64
	// Features are the moments of each feature's present values, indexed
	// by Feature.
	Features [NumFeatures]Moments

	minGap, halfLife float64
}

// NewStandardizer returns an empty standardizer whose single-purchase
// customers are measured against priorGap days (which must be positive;
// see [LogGapMoments]).
func NewStandardizer(priorGap float64, opts *Options) (*Standardizer, error) {
	c, err := opts.config()
	if err != nil {
		return nil, err
	}
	if !finite(priorGap) || priorGap <= 0 {
		return nil, &OptionError{Field: "prior_gap", Value: priorGap, Reason: "must be positive and finite"}
	}
	return &Standardizer{PriorGap: priorGap, minGap: c.minGap, halfLife: c.halfLife}, nil
}

// built reports whether z was made by [NewStandardizer] or
// [Standardizer.UnmarshalJSON].
func (z *Standardizer) built() bool {
	return z != nil && z.PriorGap > 0 && z.minGap > 0 && z.halfLife > 0
}

// Add validates s and adds its features. An invalid s returns its
// [*InputError] and changes nothing; a nil standardizer, or one not made
// by [NewStandardizer] or [Standardizer.UnmarshalJSON], is an error.
func (z *Standardizer) Add(s Signals) error {
	if !z.built() {
		return errUnbuiltStandardizer
	}
	if err := s.Validate(); err != nil {
		return err
	}
	z.add(features(&s, z.PriorGap, z.minGap, z.halfLife))
	return nil
}

func (z *Standardizer) add(v vector) {
	for f := 1; f < NumFeatures; f++ {
		if v.present[f] {
			z.Features[f] = z.Features[f].Add(v.x[f])
		}
	}
}

var errUnbuiltStandardizer = errors.New("risk: standardizer not made by NewStandardizer")

// Merge adds the statistics of o, a standardizer of another shard. Both
// must have the same prior gap and options, and be made by
// [NewStandardizer] or [Standardizer.UnmarshalJSON] (neither nil); o must
// not be z itself, whose customers would count twice. A refused merge
// changes nothing.
func (z *Standardizer) Merge(o *Standardizer) error {
	switch {
	case o == nil:
		return errors.New("risk: merge a nil standardizer")
	case !z.built() || !o.built():
		return errUnbuiltStandardizer
	case z == o:
		return errors.New("risk: merge a standardizer into itself: its customers would count twice")
	}
	if z.PriorGap != o.PriorGap || z.minGap != o.minGap || z.halfLife != o.halfLife {
		return fmt.Errorf("risk: merge standardizers with different prior gaps or options (%v vs %v days)", z.PriorGap, o.PriorGap)
	}
	for f := 1; f < NumFeatures; f++ {
		z.Features[f] = z.Features[f].Merge(o.Features[f])
	}
	return nil
}
