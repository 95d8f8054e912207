package risk

import (
	"fmt"
	"math"
)

// Defaults of [Options].
const (
	// DefaultLambda is the L2 penalty weight λ of the logistic fit.
	DefaultLambda = 1.0
	// DefaultMinExamples is the fewest labelled customers the logistic
	// model is fitted on.
	DefaultMinExamples = 50
	// DefaultMinPerClass is the fewest churned, and the fewest retained,
	// customers the logistic model is fitted on.
	DefaultMinPerClass = 10
	// DefaultMaxIterations bounds Newton's method; it converges in well
	// under 20 iterations on real data.
	DefaultMaxIterations = 100
	// DefaultTopReasons is the number of reasons given per customer.
	DefaultTopReasons = 3
	// DefaultMinGap floors the typical gap between purchases, in days, so
	// that a customer who bought on two consecutive days is not called
	// overdue a week later.
	DefaultMinGap = 7.0
	// DefaultPriorGap is the typical gap, in days, assumed for customers
	// with a single purchase day by the rule-based model, which has no
	// population to learn it from: a quarter, the usual rhythm of the
	// fashion seasons' drops (domain rules §4: clothing is seasonal).
	DefaultPriorGap = 90.0
	// DefaultComplaintHalfLife is the age, in days, at which a complaint
	// weighs half as much as a fresh one; it matches the 90-day recent
	// window of the complaint package.
	DefaultComplaintHalfLife = 90.0
	// DefaultClip bounds standardised features to ±DefaultClip standard
	// deviations, so one extreme customer cannot dominate the fit.
	DefaultClip = 6.0
	// MaxClip is the largest Clip accepted.
	MaxClip = 100.0
)

// Options configure [Fit] and [Rules]. A nil *Options, and every zero
// field, means the default.
type Options struct {
	// Lambda is the weight λ of the L2 penalty (λ/2)·Σβ_j² added to the
	// summed log-loss (the intercept is not penalised). It must be
	// positive: it is what keeps the coefficients finite when the classes
	// are separable. Default [DefaultLambda].
	Lambda float64
	// MinExamples and MinPerClass: with fewer labelled customers, or
	// fewer of either class, [Fit] returns the rule-based model.
	// Defaults [DefaultMinExamples], [DefaultMinPerClass].
	MinExamples int
	MinPerClass int
	// MaxIterations bounds Newton's method. Default
	// [DefaultMaxIterations].
	MaxIterations int
	// Bands are the early-warning thresholds. Default [DefaultBands].
	Bands Bands
	// TopReasons is the most reasons given per customer. Default
	// [DefaultTopReasons].
	TopReasons int
	// MinGap floors the typical gap, in days. Default [DefaultMinGap].
	MinGap float64
	// PriorGap is the typical gap, in days, of customers with a single
	// shopping occasion. Zero means: the geometric mean of the other customers'
	// median gaps when fitting (see [LogGapMoments]), [DefaultPriorGap]
	// for the rules.
	PriorGap float64
	// ComplaintHalfLife is the half-life, in days, of
	// [FeatureComplaintRecency]. Default [DefaultComplaintHalfLife].
	ComplaintHalfLife float64
	// Clip bounds standardised features to ±Clip; at most [MaxClip].
	// Default [DefaultClip].
	Clip float64
	// Rules are the weights of the rule-based model. Nil means
	// [DefaultRules].
	Rules *RuleWeights
	// Standardizer, when not nil, is used by [Fit] instead of statistics
	// of the labelled examples: for instance those of the whole customer
	// base, merged across shards, while the model is fitted on a labelled
	// sample.
	Standardizer *Standardizer
}

// Bands are the risk thresholds of the early-warning levels: risk <
// Watch is [BandLow], < High is [BandWatch], < Critical is [BandHigh],
// and the rest [BandCritical]. They must satisfy 0 < Watch < High <
// Critical ≤ 1. The zero value means [DefaultBands].
type Bands struct {
	Watch, High, Critical float64
}

// DefaultBands are the quartiles of the probability scale: a customer is
// watched from a one-in-four chance of leaving, high from even odds and
// critical from three in four.
var DefaultBands = Bands{Watch: 0.25, High: 0.5, Critical: 0.75}

// Band returns the level of risk r; the zero Bands are [DefaultBands].
func (b Bands) Band(r float64) Band {
	if b == (Bands{}) {
		b = DefaultBands
	}
	switch {
	case r >= b.Critical:
		return BandCritical
	case r >= b.High:
		return BandHigh
	case r >= b.Watch:
		return BandWatch
	}
	return BandLow
}

func (b Bands) validate() error {
	if !(b.Watch > 0 && b.Watch < b.High && b.High < b.Critical && b.Critical <= 1) {
		return &OptionError{Field: "bands", Value: b.Watch, Reason: "need 0 < watch < high < critical ≤ 1"}
	}
	return nil
}

// Rule is the fixed weight of one feature in the rule-based model, and
// the reference value at which the feature contributes nothing: the
// contribution is Weight × (x − Reference).
type Rule struct {
	Weight, Reference float64
}

// RuleWeights define the rule-based risk:
//
//	risk = σ(Intercept + Σ_f Weight_f · (x_f − Reference_f)),  σ(z) = 1 ÷ (1 + e^−z),
//
// with x_f the raw feature (see [Feature]); a missing feature contributes
// nothing, as if it were at its reference. Weights must be finite and
// non-negative, so more of any warning sign never lowers the risk;
// references finite, and those of the features that can be missing within
// the values they take (not_alive in [0, 1], frequency_decline and
// spend_decline in [−1, 1]), so that a customer showing a sign, even at
// its worst, is never safer than one without it (the other features are
// never missing: their references only shift the intercept); weights and
// the intercept are at most 1e100 in magnitude, as in a stored model (see
// [Model.UnmarshalJSON]), so that no sum of contributions overflows to an
// infinite or NaN log-odds.
type RuleWeights struct {
	Intercept float64
	Features  [NumFeatures]Rule
}

// DefaultRules returns the documented weights of the rule-based model.
// They are not fitted: they encode the direction of each warning sign
// (domain rules §4: time since the last purchase, a fall in purchase frequency,
// complaints — 71% of customers who leave do so after a bad experience)
// on a scale where each sign at a plainly worrying level adds about one
// unit of log-odds. The reference customer (P(alive) ½, one usual gap
// since the last purchase, four purchase days, steady year on year, 20%
// of units returned, no complaint) has a risk of σ(−1.4) ≈ 0.2.
//
//	feature                  weight  reference  worrying level → contribution
//	not_alive                 2.5     0.5       P(alive) 0.1 → +1.0
//	overdue                   1.5     ln 2      6 usual gaps → +1.9
//	few_purchases             1.0     0.25      one-time buyer → +0.75
//	frequency_decline         1.0     0         purchases stopped → +1.0
//	spend_decline             1.0     0         spend stopped → +1.0
//	return_rate               1.5     0.2       60% returned → +0.6
//	recent_complaints         0.6     0         2 complaints → +0.66
//	unresolved_complaints     0.8     0         1 unresolved → +0.55
//	sla_breaches              0.5     0         1 breach → +0.35
//	complaint_severity        0.8     0         critical → +0.8
//	complaint_recency         0.5     0         complaint today → +0.5
//	dissatisfied_complaints   1.0     0         1 dissatisfied → +0.69
//	escalated_complaints      0.7     0         1 escalated → +0.49
//
// An escalation by hand is a sign of the customer's pressure and weighs
// more than a missed deadline (0.5), which the customer may not even
// notice; but an escalated case is mostly also unresolved and recent, and
// those weights add up (1 recent, unresolved, escalated complaint → +1.39),
// so it weighs less than unresolved (0.8) alone, and less than a
// resolution the customer said was unsatisfying (1.0), the bad experience
// itself.
func DefaultRules() RuleWeights {
	var w RuleWeights
	w.Intercept = -1.4
	w.Features[FeatureNotAlive] = Rule{2.5, 0.5}
	w.Features[FeatureOverdue] = Rule{1.5, math.Ln2}
	w.Features[FeatureFewPurchases] = Rule{1.0, 0.25}
	w.Features[FeatureFrequencyDecline] = Rule{1.0, 0}
	w.Features[FeatureSpendDecline] = Rule{1.0, 0}
	w.Features[FeatureReturnRate] = Rule{1.5, 0.2}
	w.Features[FeatureRecentComplaints] = Rule{0.6, 0}
	w.Features[FeatureUnresolved] = Rule{0.8, 0}
	w.Features[FeatureSLABreaches] = Rule{0.5, 0}
	w.Features[FeatureSeverity] = Rule{0.8, 0}
	w.Features[FeatureComplaintRecency] = Rule{0.5, 0}
	w.Features[FeatureDissatisfied] = Rule{1.0, 0}
	w.Features[FeatureEscalated] = Rule{0.7, 0}
	return w
}

func (w *RuleWeights) validate() error {
	if !finite(w.Intercept) || math.Abs(w.Intercept) > maxWeight {
		return &OptionError{Field: "rules.intercept", Value: w.Intercept, Reason: "must be finite, at most 1e100 in magnitude"}
	}
	for f := Feature(1); int(f) < NumFeatures; f++ {
		r := w.Features[f]
		if !finite(r.Weight) || r.Weight < 0 || r.Weight > maxWeight {
			return &OptionError{Field: "rules." + f.String() + ".weight", Value: r.Weight, Reason: "must be finite, non-negative and at most 1e100"}
		}
		if !finite(r.Reference) {
			return &OptionError{Field: "rules." + f.String() + ".reference", Value: r.Reference, Reason: "must be finite"}
		}
		if err := checkReference(f, r.Reference, "rules."+f.String()+".reference"); err != nil {
			return err
		}
	}
	return nil
}

// missingRange returns the least and the greatest value of a feature
// that can be missing: P(alive) and the trends; ok is false for the
// others, which every valid customer has.
func missingRange(f Feature) (lo, hi float64, ok bool) {
	switch f {
	case FeatureNotAlive:
		return 0, 1, true
	case FeatureFrequencyDecline, FeatureSpendDecline:
		return -1, 1, true
	}
	return 0, 0, false
}

// checkReference refuses, as an [*OptionError] of field, a reference of a
// feature that can be missing outside the values the feature takes: a
// missing feature contributes as if it were at the reference, so one
// beyond the worst value would make every customer who shows the sign,
// even at its worst, safer than one without it (a customer who stopped
// buying safer than a first-year one, who has no trend yet), and one
// beyond the best value the reverse.
func checkReference(f Feature, ref float64, field string) error {
	if lo, hi, ok := missingRange(f); ok && !(ref >= lo && ref <= hi) {
		return &OptionError{Field: field, Value: ref, Reason: fmt.Sprintf("must be in [%v, %v], the values %s takes: a missing feature counts as at its reference", lo, hi, f)}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// config is Options with the defaults filled in.
type config struct {
	lambda      float64
	minExamples int
	minPerClass int
	maxIter     int
	bands       Bands
	topReasons  int
	minGap      float64
	priorGap    float64 // 0: not given
	halfLife    float64
	clip        float64
	rules       RuleWeights
	std         *Standardizer
}

func (o *Options) config() (config, error) {
	c := config{
		lambda: DefaultLambda, minExamples: DefaultMinExamples, minPerClass: DefaultMinPerClass,
		maxIter: DefaultMaxIterations, bands: DefaultBands, topReasons: DefaultTopReasons,
		minGap: DefaultMinGap, halfLife: DefaultComplaintHalfLife, clip: DefaultClip,
		rules: DefaultRules(),
	}
	if o == nil {
		return c, nil
	}
	pos := func(field string, v float64, dst *float64) error {
		switch {
		case v == 0:
			return nil
		case !finite(v) || v < 0:
			return &OptionError{Field: field, Value: v, Reason: "must be positive and finite"}
		}
		*dst = v
		return nil
	}
	posInt := func(field string, v int, dst *int) error {
		switch {
		case v == 0:
			return nil
		case v < 0:
			return &OptionError{Field: field, Value: float64(v), Reason: "must not be negative"}
		}
		*dst = v
		return nil
	}
	for _, err := range []error{
		pos("lambda", o.Lambda, &c.lambda),
		pos("min_gap", o.MinGap, &c.minGap),
		pos("prior_gap", o.PriorGap, &c.priorGap),
		pos("complaint_half_life", o.ComplaintHalfLife, &c.halfLife),
		pos("clip", o.Clip, &c.clip),
		posInt("min_examples", o.MinExamples, &c.minExamples),
		posInt("min_per_class", o.MinPerClass, &c.minPerClass),
		posInt("max_iterations", o.MaxIterations, &c.maxIter),
		posInt("top_reasons", o.TopReasons, &c.topReasons),
	} {
		if err != nil {
			return config{}, err
		}
	}
	if c.clip > MaxClip {
		return config{}, &OptionError{Field: "clip", Value: c.clip, Reason: "must be at most 100"}
	}
	if o.Bands != (Bands{}) {
		if err := o.Bands.validate(); err != nil {
			return config{}, err
		}
		c.bands = o.Bands
	}
	if o.Rules != nil {
		if err := o.Rules.validate(); err != nil {
			return config{}, err
		}
		c.rules = *o.Rules
	}
	c.std = o.Standardizer
	return c, nil
}
