package risk

import (
	"errors"

	"github.com/tailorcrm/tailor/customer"
)

// Model turns a customer's [Signals] into a churn risk, a band and
// reasons. It is made by [Fit] (a logistic regression on standardised
// features) or [Rules] (fixed weights on raw features), is immutable and
// safe for concurrent use. Both compute
//
//	risk = σ(b₀ + Σ_f β_f·z_f),  z_f = clip((x_f − c_f) ÷ s_f, ±Clip),
//
// with x_f the raw feature, c_f its centre (the population mean, or the
// rule's reference) and s_f its scale (the population standard deviation,
// or 1 for the rules). The contribution of a feature is β_f·z_f: the
// change in log-odds it causes against a customer at the centre. The
// rules' weights are never negative; a fitted β_f can be, when the
// labelled history says so ([FitReport].AgainstSign).
type Model struct {
	method    Method
	intercept float64
	coef      [NumFeatures]float64
	center    [NumFeatures]float64
	scale     [NumFeatures]float64 // 0: the feature contributes nothing
	priorGap  float64
	cfg       config
}

// Coefficient is one feature's term of a [Model].
type Coefficient struct {
	Feature Feature
	// Weight is β_f, in log-odds per unit of z_f.
	Weight float64
	// Center and Scale standardise the raw feature: z = (x − Center) ÷
	// Scale. Scale 0 means the feature is ignored (no spread in the
	// training population).
	Center, Scale float64
}

// Rules returns the rule-based model: the weights of opts.Rules (nil:
// [DefaultRules]) on the raw features, single-purchase customers measured
// against opts.PriorGap (zero: [DefaultPriorGap]) days.
func Rules(opts *Options) (*Model, error) {
	c, err := opts.config()
	if err != nil {
		return nil, err
	}
	return rulesModel(c), nil
}

func rulesModel(c config) *Model {
	m := &Model{method: MethodRules, intercept: c.rules.Intercept, cfg: c, priorGap: c.priorGap}
	m.cfg.std = nil
	if m.priorGap == 0 {
		m.priorGap = DefaultPriorGap
	}
	for f := 1; f < NumFeatures; f++ {
		m.coef[f] = c.rules.Features[f].Weight
		m.center[f] = c.rules.Features[f].Reference
		m.scale[f] = 1
	}
	return m
}

// ErrNoModel is returned when scoring with a nil or zero Model: one must
// come from [Fit], [Rules] or [Model.UnmarshalJSON].
var ErrNoModel = errors.New("risk: model not made by Fit, Rules or UnmarshalJSON")

func (m *Model) check() error {
	if m == nil || !m.method.Valid() {
		return ErrNoModel
	}
	return nil
}

// The accessors below return zero values (0, nil, Bands{}) for a nil or
// zero Model, as scoring with one returns [ErrNoModel].

// Method returns which model this is; 0 for a nil or zero model.
func (m *Model) Method() Method {
	if m.check() != nil {
		return 0
	}
	return m.method
}

// Intercept returns b₀, the log-odds of a customer at the centre of every
// feature; 0 for a nil or zero model.
func (m *Model) Intercept() float64 {
	if m.check() != nil {
		return 0
	}
	return m.intercept
}

// Coefficients returns the terms of the model in Feature order; nil for
// a nil or zero model.
func (m *Model) Coefficients() []Coefficient {
	if m.check() != nil {
		return nil
	}
	out := make([]Coefficient, 0, NumFeatures-1)
	for f := Feature(1); int(f) < NumFeatures; f++ {
		out = append(out, Coefficient{Feature: f, Weight: m.coef[f], Center: m.center[f], Scale: m.scale[f]})
	}
	return out
}

// PriorGap returns the typical gap, in days, that single-purchase
// customers are measured against; 0 for a nil or zero model.
func (m *Model) PriorGap() float64 {
	if m.check() != nil {
		return 0
	}
	return m.priorGap
}

// Bands returns the early-warning thresholds; Bands{} for a nil or zero
// model.
func (m *Model) Bands() Bands {
	if m.check() != nil {
		return Bands{}
	}
	return m.cfg.bands
}

// TypicalGap returns the gap, in days, that s's recency is measured
// against: the median gap between the customer's shopping occasions when
// there are at least two (own is true; see [Signals].MedianGap), else the
// model's prior gap; either floored at [Options].MinGap. A nil or zero
// model returns 0 and false.
func (m *Model) TypicalGap(s Signals) (gap float64, own bool) {
	if m.check() != nil {
		return 0, false
	}
	return typicalGap(&s, m.priorGap, m.cfg.minGap)
}

// zscores writes the standardised features of v into z: 0 for a
// missing feature or one without spread.
func (m *Model) zscores(v *vector, z *[NumFeatures]float64) {
	for f := 1; f < NumFeatures; f++ {
		if !v.present[f] || m.scale[f] == 0 {
			z[f] = 0
			continue
		}
		z[f] = max(-m.cfg.clip, min(m.cfg.clip, (v.x[f]-m.center[f])/m.scale[f]))
	}
}

// standardise writes the standardised features of v into z and their
// contributions β_f·z_f into contrib, and returns the log-odds.
func (m *Model) standardise(v *vector, z, contrib *[NumFeatures]float64) float64 {
	m.zscores(v, z)
	logit := m.intercept
	for f := 1; f < NumFeatures; f++ {
		contrib[f] = m.coef[f] * z[f]
		logit += contrib[f]
	}
	return logit
}

// Risk returns the churn risk of s, in [0, 1], without the explanation:
// the cheap path for ranking many customers. Invalid signals return an
// [*InputError].
func (m *Model) Risk(s Signals) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := s.Validate(); err != nil {
		return 0, err
	}
	v := features(&s, m.priorGap, m.cfg.minGap, m.cfg.halfLife)
	var z, c [NumFeatures]float64
	return sigmoid(m.standardise(&v, &z, &c)), nil
}

// Contribution is one feature's part in a customer's risk.
type Contribution struct {
	Feature Feature
	// Present is false when the feature could not be computed (no
	// P(alive) given; no prior year for the trends, or no day of the
	// customer's history after the first purchase in the year before; see
	// [FeatureFrequencyDecline]).
	Present bool
	// Value is the raw feature x_f (see [Feature]).
	Value float64
	// Z is the standardised feature z_f.
	Z float64
	// Contribution is β_f·z_f, in log-odds.
	Contribution float64
}

// Result is the churn risk of one customer, explained.
type Result struct {
	Customer customer.ID
	// Risk is the probability of no purchase in the horizon the model was
	// trained for (for the rules: a calibrated-by-judgement score), in
	// [0, 1].
	Risk float64
	// Band is the early-warning level of Risk.
	Band Band
	// Method says which model produced it.
	Method Method
	// Logit is b₀ + Σ contributions = ln(Risk ÷ (1 − Risk)).
	Logit float64
	// TypicalGap is the gap, in days, recency was measured against, and
	// OwnGap whether it is the customer's own median gap.
	TypicalGap float64
	OwnGap     bool
	// Contributions has one entry per feature, in Feature order.
	Contributions []Contribution
	// Reasons are the largest positive contributions in words, largest
	// first, at most [Options].TopReasons.
	Reasons []Reason
}

// Score validates in and returns its explained risk.
func (m *Model) Score(in Input) (Result, error) {
	if err := m.check(); err != nil {
		return Result{}, err
	}
	s, err := NewSignals(in)
	if err != nil {
		return Result{}, err
	}
	return m.score(&s), nil
}

// ScoreSignals validates s and returns its explained risk.
func (m *Model) ScoreSignals(s Signals) (Result, error) {
	if err := m.check(); err != nil {
		return Result{}, err
	}
	if err := s.Validate(); err != nil {
		return Result{}, err
	}
	return m.score(&s), nil
}

func (m *Model) score(s *Signals) Result {
	v := features(s, m.priorGap, m.cfg.minGap, m.cfg.halfLife)
	var z, c [NumFeatures]float64
	logit := m.standardise(&v, &z, &c)
	risk := sigmoid(logit)
	gap, own := typicalGap(s, m.priorGap, m.cfg.minGap)
	r := Result{
		Customer:      s.Customer,
		Risk:          risk,
		Band:          m.cfg.bands.Band(risk),
		Method:        m.method,
		Logit:         logit,
		TypicalGap:    gap,
		OwnGap:        own,
		Contributions: make([]Contribution, NumFeatures-1),
	}
	for f := 1; f < NumFeatures; f++ {
		r.Contributions[f-1] = Contribution{Feature: Feature(f), Present: v.present[f], Value: v.x[f], Z: z[f], Contribution: c[f]}
	}
	r.Reasons = reasons(s, &v, &z, &c, gap, own, m.cfg.topReasons)
	return r
}

// ScoreAll scores every input; the first invalid one stops it with an
// [*InputError] whose Index is its position. A nil or zero model is
// [ErrNoModel], even with no inputs.
//
// A customer without a purchase (Summary.PurchaseDays() == 0: never
// bought, or only returns and interactions in the history) has no churn
// risk and is such an error, matching [ErrNoPurchase]: [Collect] keeps
// such customers, so leave them out of a population before scoring it,
// as in the example of [Collect].
func (m *Model) ScoreAll(ins []Input) ([]Result, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	out := make([]Result, len(ins))
	for i := range ins {
		r, err := m.Score(ins[i])
		if err != nil {
			return nil, withIndex(err, i)
		}
		out[i] = r
	}
	return out, nil
}

func withIndex(err error, i int) error {
	if e, ok := err.(*InputError); ok {
		c := *e
		c.Index = i
		return &c
	}
	return err
}
