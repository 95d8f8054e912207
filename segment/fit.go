package segment

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/uniqueid"
	"github.com/tailorcrm/tailor/value"
)

// kinds are the customer kinds, in the order of the per-kind arrays.
var kinds = [2]customer.Kind{customer.Consumer, customer.Intermediary}

func kindIndex(k customer.Kind) int {
	if k == customer.Intermediary {
		return 1
	}
	return 0
}

// Stats are the first-pass population statistics of a segmentation: the
// value and RFM statistics of each kind ([value.Stats],
// [value.RFMStats]). They merge across shards exactly.
//
// One currency per kind: [value.Stats] refuses a customer (Add) or a
// shard (Merge) in another currency than the customers of its kind
// before. Consumers and intermediaries are scored apart and never
// compared, so the two kinds may be in different currencies; an
// aggregate of money over both, such as [Migrate], checks that they are
// not.
// Observations taken with Options.Currency and Options.Rates
// ([ObserveWith]) are all in that currency ([ExchangeRates]).
//
// One as-of day: a segmentation is of a population observed at one day
// ([value.Indicators.AsOf], the day of the summaries' AsOf), since
// recency, tenure and the lifecycle all count up to it. Stats refuse a
// customer (Add) or a shard (Merge) observed at another day than the
// customers before, of either kind, with an error wrapping a
// *[value.AsOfMismatchError] that names both days; so does the second
// pass ([ThresholdStats.Add]) for a customer of another day than the
// first pass's. Observations without a day are taken at any day.
//
// One entry per customer: Stats keep no customer IDs, so a customer
// added twice, or to two shards, counts twice in its kind's means,
// medians and RFM bins; the caller adds each customer once, in one
// shard. [Fit] and [FitInputs], which see the whole population, refuse
// a repeated ID ([ErrDuplicate]).
type Stats struct {
	opts  Options
	rules rules
	value [2]*value.Stats
	rfm   [2]*value.RFMStats
}

// NewStats returns empty first-pass statistics, or an error for invalid
// options or models. With the Fixed rule, a threshold above the weight of
// its node in either kind's model (the highest value a customer of that
// kind can score) is an error wrapping [ErrInvalidOptions] that names the
// option and the range.
func NewStats(opts *Options) (*Stats, error) {
	r, err := opts.compile()
	if err != nil {
		return nil, err
	}
	s := &Stats{rules: r}
	if opts != nil {
		s.opts = *opts
	}
	if g := s.opts.Grades; g != nil {
		// Keep the validated grade options, whatever the caller does to
		// its own afterwards.
		c := *g
		s.opts.Grades = &c
	}
	for i, k := range kinds {
		m := value.DefaultModel(k)
		if k == customer.Consumer && s.opts.Consumer != nil {
			m = *s.opts.Consumer
		}
		if k == customer.Intermediary && s.opts.Intermediary != nil {
			m = *s.opts.Intermediary
		}
		if m.Kind != k {
			return nil, fmt.Errorf("segment: the %v model is for %v customers: %w", k, m.Kind, ErrInvalidOptions)
		}
		if s.value[i], err = value.NewStats(m); err != nil {
			return nil, err
		}
		if err := s.opts.checkFixed(&m); err != nil {
			return nil, err
		}
		if s.rfm[i], err = value.NewRFMStats(k, s.opts.RFM); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Grow tells the statistics that about n more customers will be added,
// so that buffers are sized once.
func (s *Stats) Grow(n int) {
	for i := range kinds {
		s.value[i].Grow(n)
		s.rfm[i].Grow(n)
	}
}

// Compact sorts the values added so far (see [value.Stats.Compact]):
// called on each shard before Merge, it does the sorting work of Merge
// and Scoring in the shard's own goroutine. It changes no result.
func (s *Stats) Compact() {
	for i := range kinds {
		s.value[i].Compact()
		s.rfm[i].Compact()
	}
}

// Add adds one customer; an invalid one (of no valid kind, in another
// currency than the customers of its kind before, observed at another
// as-of day than the customers before, or with a known indicator that is
// not a finite number, which scoring would refuse) is rejected and
// changes nothing. So is one observed with another
// occasion window than the options', or, with Options.Currency, one in
// another currency, observed without the conversion (an error wrapping
// [ErrInvalidOptions]; see [ObserveWith]), which classification would
// refuse.
func (s *Stats) Add(o *Observation) error {
	if !o.Kind.Valid() {
		return fmt.Errorf("segment: customer %q: kind %v: %w", o.ID, o.Kind, value.ErrInvalidInput)
	}
	if err := s.rules.check(o); err != nil {
		return err
	}
	if err := checkAsOf(s.AsOf, o); err != nil {
		return err
	}
	// The RFM statistics check only the indicators they read: check
	// every one first, as the value statistics do, so that neither
	// refuses a customer the other has taken.
	for k := value.Indicator(1); int(k) < value.NumIndicators; k++ {
		if v, ok := o.Get(k); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			return &value.InputError{Customer: o.ID, Indicator: k, Value: v}
		}
	}
	i := kindIndex(o.Kind)
	for c := range value.MaxCustom {
		if v, ok := o.Get(value.Custom(c)); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			e := &value.InputError{Customer: o.ID, Indicator: value.Custom(c), Value: v}
			if d := s.value[i].Custom(); c < len(d) {
				e.Name = d[c].Name
			}
			return e
		}
	}
	if err := s.value[i].Add(&o.Indicators); err != nil {
		return err
	}
	return s.rfm[i].Add(&o.Indicators)
}

// Merge adds the statistics of another shard (fitted with the same
// options); o is not changed. Statistics that do not merge (other models
// or options, a kind in another currency, or customers observed at
// another as-of day) are an error and leave s unchanged. Other lifecycle or shop-type options, or another
// Options.Currency, are an error wrapping [ErrInvalidOptions]: the occasion window decides which observations a
// shard takes, and the merged statistics classify by their options, which
// would otherwise be those of whichever shard the others were merged
// into. The quadrant rule may differ, as in [Stats.UnmarshalBinary].
// s.Merge(s) is an error: every customer would count twice.
func (s *Stats) Merge(o *Stats) error {
	if s == o {
		return &value.InputError{Reason: "merge segment statistics with themselves: a shard would count twice"}
	}
	if s.rules != o.rules {
		return fmt.Errorf("segment: cannot merge the statistics of other lifecycle, shop-type or currency options: %w", ErrInvalidOptions)
	}
	a, aok := s.AsOf()
	b, bok := o.AsOf()
	if aok && bok && a != b {
		return &value.InputError{Reason: "merge the segment statistics", Err: &value.AsOfMismatchError{A: a, B: b}}
	}
	for i := range kinds {
		if err := s.value[i].CheckMerge(o.value[i]); err != nil {
			return err
		}
		if err := s.rfm[i].CheckMerge(o.rfm[i]); err != nil {
			return err
		}
	}
	for i := range kinds {
		if err := s.value[i].Merge(o.value[i]); err != nil {
			return err
		}
		if err := s.rfm[i].Merge(o.rfm[i]); err != nil {
			return err
		}
	}
	return nil
}

// AsOf returns the as-of day of the customers added, of either kind
// ([value.Indicators.AsOf]), and whether it is known: unknown while no
// customer added knew its day.
func (s *Stats) AsOf() (customer.Date, bool) {
	for i := range kinds {
		if d, ok := s.value[i].AsOf(); ok {
			return d, true
		}
		if d, ok := s.rfm[i].AsOf(); ok {
			return d, true
		}
	}
	return 0, false
}

// checkAsOf returns an error wrapping a *value.AsOfMismatchError when o
// and the statistics whose day asOf returns know their days and they
// differ, or nil.
func checkAsOf(asOf func() (customer.Date, bool), o *Observation) error {
	a, aok := asOf()
	b, bok := o.AsOf()
	if aok && bok && a != b {
		return &value.InputError{Customer: o.ID, Reason: "as-of day", Err: &value.AsOfMismatchError{A: a, B: b}}
	}
	return nil
}

// Scoring is the fitted first pass: value and RFM scorers per kind.
// It is immutable and safe for concurrent use.
type Scoring struct {
	opts    Options
	rules   rules
	value   [2]*value.Scorer // nil for a kind without customers
	rfm     [2]*value.RFMScorer
	counts  [2]int64
	asOf    customer.Date
	hasAsOf bool
}

// AsOf returns the as-of day of the customers of the first pass
// ([Stats.AsOf]) and whether it is known. A nil *Scoring, the first pass
// of a Model that no fit made, has no day.
func (sc *Scoring) AsOf() (customer.Date, bool) {
	if sc == nil {
		return 0, false
	}
	return sc.asOf, sc.hasAsOf
}

// Scoring fits the first pass, or returns [ErrEmpty] without customers.
func (s *Stats) Scoring() (*Scoring, error) {
	sc := &Scoring{opts: s.opts, rules: s.rules}
	sc.asOf, sc.hasAsOf = s.AsOf()
	total := int64(0)
	for i := range kinds {
		n := s.value[i].N()
		sc.counts[i] = n
		total += n
		if n == 0 {
			continue
		}
		v, err := s.value[i].Scorer()
		if err != nil {
			return nil, err
		}
		sc.value[i], sc.rfm[i] = v, s.rfm[i].Scorer()
	}
	if total == 0 {
		return nil, ErrEmpty
	}
	return sc, nil
}

// ValueScorer returns the value scorer of kind k, nil when the fit had no
// customer of that kind (or sc is nil).
func (sc *Scoring) ValueScorer(k customer.Kind) *value.Scorer {
	if sc == nil {
		return nil
	}
	return sc.value[kindIndex(k)]
}

// RFMScorer returns the RFM scorer of kind k, nil when the fit had no
// customer of that kind (or sc is nil).
func (sc *Scoring) RFMScorer(k customer.Kind) *value.RFMScorer {
	if sc == nil {
		return nil
	}
	return sc.rfm[kindIndex(k)]
}

// ThresholdStats are the second-pass statistics: the quadrant thresholds
// and the grade cuts need the population's value scores, so they are
// gathered after the first pass has been fitted. The sums are exact
// integers in units of [value.Unit], and the median samples and the
// total values that the grades rank (with Options.Grades only) exact,
// so they merge across shards exactly, in any order.
type ThresholdStats struct {
	sc       *Scoring
	n        [2]int64
	cur, pot [2]int64
	curs     [2][]float64 // Median rule only
	pots     [2][]float64
	tots     [2][]float64 // total values, with Options.Grades only
}

// NewThresholdStats returns empty second-pass statistics.
func (sc *Scoring) NewThresholdStats() *ThresholdStats { return &ThresholdStats{sc: sc} }

// Add scores o and adds its values. A customer observed at another
// as-of day than those of the first pass ([Scoring.AsOf]) is an error
// wrapping a *[value.AsOfMismatchError], and changes nothing.
func (t *ThresholdStats) Add(o *Observation) error {
	if err := checkAsOf(t.sc.AsOf, o); err != nil {
		return err
	}
	var s value.Score
	if err := t.sc.score(&s, o); err != nil {
		return err
	}
	return t.AddScore(o.Kind, s)
}

// AddScore adds the value v of a customer of kind k that the caller has
// already scored with this Scoring, as [Scoring.Classify] does into
// Result.Value: it is Add without scoring the customer a second time. v
// must be such a score: Current and Potential in [0, 1] and multiples of
// [value.Unit]; anything else is an error wrapping [value.ErrInvalidInput],
// and changes nothing. A kind without customers in the first pass has
// no scorer, so no score of this Scoring: it is an error wrapping
// [ErrNotFitted], and changes nothing.
func (t *ThresholdStats) AddScore(k customer.Kind, v value.Score) error {
	if !k.Valid() {
		return fmt.Errorf("segment: threshold statistics: kind %v: %w", k, value.ErrInvalidInput)
	}
	if t.sc == nil || t.sc.value[kindIndex(k)] == nil {
		return fmt.Errorf("segment: threshold statistics: kind %v: %w", k, ErrNotFitted)
	}
	for _, x := range [...]float64{v.Current, v.Potential} {
		if !(x >= 0 && x <= 1) || math.Trunc(x/value.Unit) != x/value.Unit {
			return fmt.Errorf("segment: threshold statistics: value %v is not a score on the grid of value.Unit: %w", x, value.ErrInvalidInput)
		}
	}
	i := kindIndex(k)
	t.n[i]++
	t.cur[i] += int64(v.Current / value.Unit)
	t.pot[i] += int64(v.Potential / value.Unit)
	if t.sc.opts.Rule == Median {
		t.curs[i] = append(t.curs[i], v.Current)
		t.pots[i] = append(t.pots[i], v.Potential)
	}
	if t.sc.opts.Grades != nil {
		t.tots[i] = append(t.tots[i], v.Current+v.Potential)
	}
	return nil
}

// Merge adds the statistics of another shard of the same Scoring;
// t.Merge(t) is an error wrapping [ErrInvalidOptions] (every customer
// would count twice).
func (t *ThresholdStats) Merge(o *ThresholdStats) error {
	if t == o {
		return fmt.Errorf("segment: cannot merge threshold statistics with themselves: a shard would count twice: %w", ErrInvalidOptions)
	}
	if t.sc != o.sc {
		return fmt.Errorf("segment: cannot merge threshold statistics of different fits: %w", ErrInvalidOptions)
	}
	for i := range kinds {
		t.n[i] += o.n[i]
		t.cur[i] += o.cur[i]
		t.pot[i] += o.pot[i]
		t.curs[i] = append(t.curs[i], o.curs[i]...)
		t.pots[i] = append(t.pots[i], o.pots[i]...)
		t.tots[i] = append(t.tots[i], o.tots[i]...)
	}
	return nil
}

// Thresholds are the quadrant thresholds of one kind: a customer's value
// is high when it is strictly above the threshold.
type Thresholds struct {
	Kind customer.Kind
	Rule Rule
	// N is the number of customers of the kind in the second pass; with
	// none, the Mean and Median rules give no threshold (Current and
	// Potential are then 0, and the kind's customers are not placed:
	// see [Model.Classify]).
	N int64
	// Current and Potential are the thresholds; for the Mean rule the
	// float64 nearest to the mean, while [Model.Quadrant] compares with
	// the exact mean.
	Current, Potential float64
}

// Model classifies customers. It is immutable and safe for concurrent use.
//
// A Model is made by [Fit], [FitInputs] or [ThresholdStats.Model]. One that
// no fit made — the zero Model, or a nil *Model — has no customer of either
// kind: [Model.Classify] refuses every customer with an error wrapping
// [ErrNotFitted], [Model.Quadrant] and [Model.Grade] give the zero class,
// and the thresholds are zero, as for a kind without customers in a fit.
type Model struct {
	*Scoring
	thresholds [2]Thresholds
	grades     [2]GradeThresholds
	// sums are the exact sums of the current and potential values of
	// each kind in units of [value.Unit] (Mean rule), against which
	// Quadrant compares without the rounding of the mean.
	sums [2][2]int64
}

// lowerMedian returns the lower median of v (sorting it).
func lowerMedian(v []float64) float64 {
	slices.SortFunc(v, cmp.Compare[float64])
	return v[(len(v)-1)/2]
}

// Model fits the thresholds: for the Mean rule the mean of the kind,
// Σ value ÷ n (the sum is exact; one rounding in the division); for
// Median the lower median; for Fixed the given values. With
// Options.Grades, it also fits the grade cuts of each kind by rank of
// total value ([GradeOptions]), which need the scores of the second pass
// whatever the rule: a Model fitted without them grades nobody.
//
// Statistics of no first pass (a zero ThresholdStats, or those of the
// zero Model's nil Scoring) score nobody: Add and AddScore refuse every
// customer, and Model is an error wrapping [ErrNotFitted].
func (t *ThresholdStats) Model() (*Model, error) {
	if t.sc == nil {
		return nil, fmt.Errorf("segment: threshold statistics of no first pass (make them with Scoring.NewThresholdStats of a fitted Stats): %w", ErrNotFitted)
	}
	m := &Model{Scoring: t.sc}
	for i, k := range kinds {
		th := Thresholds{Kind: k, Rule: t.sc.opts.Rule, N: t.n[i]}
		if th.Rule == 0 {
			th.Rule = Mean
		}
		switch {
		case th.Rule == Fixed:
			th.Current, th.Potential = t.sc.opts.FixedCurrent, t.sc.opts.FixedPotential
		case t.n[i] == 0:
		case th.Rule == Median:
			th.Current, th.Potential = lowerMedian(t.curs[i]), lowerMedian(t.pots[i])
		default:
			th.Current = float64(t.cur[i]) * value.Unit / float64(t.n[i])
			th.Potential = float64(t.pot[i]) * value.Unit / float64(t.n[i])
			m.sums[i] = [2]int64{t.cur[i], t.pot[i]}
		}
		m.thresholds[i] = th
		if g := t.sc.opts.Grades; g != nil {
			m.grades[i] = gradeThresholds(k, t.tots[i], g)
		} else {
			m.grades[i] = GradeThresholds{Kind: k}
		}
	}
	return m, nil
}

// Fit fits a segmentation to a population in two passes over it (see
// [Stats] and [ThresholdStats], which do the same over shards).
//
// Each customer is listed once: a customer listed twice would count twice
// in the means, medians and RFM bins of its kind and move the others'
// quadrants. An ID repeated in the population is an error wrapping
// [ErrDuplicate] that names the customer and both positions, and nothing
// is fitted. Observations without an ID cannot be told apart and are not
// checked. ([Stats] and [ThresholdStats] keep no IDs: their caller lists
// each customer once, in one shard.)
func Fit(population []Observation, opts *Options) (*Model, error) {
	st, err := NewStats(opts)
	if err != nil {
		return nil, err
	}
	if err := unique(len(population), func(i int) customer.ID { return population[i].ID }, nil); err != nil {
		return nil, err
	}
	return fit(st, population)
}

// fit fits st to a population whose IDs have been checked.
func fit(st *Stats, population []Observation) (*Model, error) {
	st.Grow(len(population))
	for i := range population {
		if err := st.Add(&population[i]); err != nil {
			return nil, err
		}
	}
	sc, err := st.Scoring()
	if err != nil {
		return nil, err
	}
	ts := sc.NewThresholdStats()
	for i := range population {
		if err := ts.Add(&population[i]); err != nil {
			return nil, err
		}
	}
	return ts.Model()
}

// FitInputs observes every input with opts (see [ObserveWith]), fits,
// and returns the model with the observations, in input order, ready for
// [Model.Classify]. It is the one-call entry point for a whole
// population. A customer ID repeated in the population (a loader that
// delivered a customer twice) is an error wrapping [ErrDuplicate] that
// names the customer and both positions, and nothing is fitted (see
// [Fit]). The customers of one kind must share a currency (see
// [Stats]); the two kinds may differ. With Options.Currency and
// Options.Rates every customer is converted into that currency first
// (see [ObserveWith] and [ExchangeRates]), each pair's rate asked for once, so
// customers in several currencies are fitted together.
func FitInputs(population []Input, opts *Options) (*Model, []Observation, error) {
	obsOpts := opts
	if opts != nil && opts.Rates != nil {
		o := *opts
		o.Rates = &onceRates{r: opts.Rates, seen: map[[2]customer.Currency]rateOrErr{}}
		obsOpts = &o
	}
	if err := unique(len(population), func(i int) customer.ID {
		if s := population[i].Summary; s != nil {
			return s.CustomerID
		}
		return ""
	}, nil); err != nil {
		return nil, nil, err
	}
	obs := make([]Observation, len(population))
	for i, in := range population {
		if err := ObserveWith(in, &obs[i], obsOpts); err != nil {
			return nil, nil, err
		}
	}
	st, err := NewStats(opts)
	if err != nil {
		return nil, nil, err
	}
	m, err := fit(st, obs)
	if err != nil {
		return nil, nil, err
	}
	return m, obs, nil
}

// unique returns an error wrapping [ErrDuplicate] naming the first ID
// that id gives at two of the positions 0 to n−1, and both positions, or
// nil. The empty ID is not checked. hash, when not nil, replaces the
// seeded hash of [uniqueid.FirstRepeat], which does the work.
func unique(n int, id func(int) customer.ID, hash func(customer.ID) uint64) error {
	var h func(string) uint64
	if hash != nil {
		h = func(s string) uint64 { return hash(customer.ID(s)) }
	}
	i, j, ok := uniqueid.FirstRepeat(n, func(k int) string { return string(id(k)) }, h)
	if !ok {
		return nil
	}
	return fmt.Errorf("segment: population: customer %q at positions %d and %d: %w", id(j), i, j, ErrDuplicate)
}

// Thresholds returns the quadrant thresholds of kind k.
func (m *Model) Thresholds(k customer.Kind) Thresholds {
	if m == nil {
		return Thresholds{}
	}
	return m.thresholds[kindIndex(k)]
}

// Result is a customer's classification, with every number it rests on.
type Result struct {
	ID       customer.ID
	Kind     customer.Kind
	Value    value.Score
	Quadrant Quadrant
	// RFM is the customer's RFM scores and segment; a customer without
	// a purchase in the history has [value.NoRFMSegment] (RFM groups
	// buyers), whatever its Stage and ShopType: a customer who has only
	// refunds of goods bought before the history is lost by lifecycle,
	// but in no RFM segment.
	RFM      value.RFMScore
	Stage    Stage
	ShopType ShopType
	// Grade is the customer grade A, B or C ([GradeOptions]); zero when
	// the options grade nobody (Options.Grades nil), or when only the
	// first pass classified the customer ([Scoring.Classify]).
	Grade Grade
	// Consent, Net, Currency and PurchaseDays are carried over from the
	// observation for the playbook and the KPIs of [Migrate]. Net is in
	// Currency, the summary's, or the analysis currency of
	// [Options].Currency when the customer's was converted: then it is
	// the exact product of the summary's net and the rate, with as many
	// decimals as that gives (JPY 12345 at 0.0062893 is EUR
	// 77.6414085), which a caller that keeps whole minor units rounds;
	// Currency is empty when the customer has no order, return or
	// credit, and Net is then zero.
	Consent      customer.Consent
	Net          decimal.Decimal
	Currency     customer.Currency
	PurchaseDays int
	// AsOf is the day the customer was observed at, carried over from
	// the observation ([value.Indicators.AsOf]); AsOfKnown is false for
	// an observation without one. [Migrate] checks with them that each
	// period's results are of one day and the periods in order.
	AsOf      customer.Date
	AsOfKnown bool
	// Risk is the customer's churn risk, for the playbook: classification
	// does not compute it, and [Model.Classify] and [Scoring.Classify] set
	// it to the zero Risk (not known), so that a result reused for the
	// next customer does not keep the risk of the last. A host that scores
	// the risk (package churn/risk) sets it afterwards with [RiskOf].
	Risk Risk
}

func (sc *Scoring) score(dst *value.Score, o *Observation) error {
	if !o.Kind.Valid() {
		return fmt.Errorf("segment: customer %q: kind %v: %w", o.ID, o.Kind, value.ErrInvalidInput)
	}
	if sc == nil {
		return notFitted(o)
	}
	v := sc.value[kindIndex(o.Kind)]
	if v == nil {
		return fmt.Errorf("segment: customer %q (%v): %w", o.ID, o.Kind, ErrNotFitted)
	}
	if err := sc.rules.check(o); err != nil {
		return err
	}
	return v.ScoreInto(dst, &o.Indicators)
}

// Classify classifies o into dst without allocating: value scores,
// quadrant against the thresholds of o's kind, RFM, lifecycle stage,
// shop type and, with Options.Grades, grade ([Model.Grade]). An
// observation taken with another occasion window than the model's
// options, or, with Options.Currency, in another currency (see
// [ObserveWith]), is an error wrapping [ErrInvalidOptions].
// A customer of a kind without customers in the first pass, or, for the
// Mean and Median rules, in the second pass ([ThresholdStats] that never
// saw the kind: a lost shard, a pass not run), has no thresholds to be
// compared with: an error wrapping [ErrNotFitted], leaving dst as it was.
func (m *Model) Classify(dst *Result, o *Observation) error {
	if m == nil || m.Scoring == nil {
		return notFitted(o)
	}
	if k := o.Kind; k.Valid() && m.value[kindIndex(k)] != nil && !m.placed(k) {
		return fmt.Errorf("segment: customer %q (%v): the second pass had no customer of this kind to take the %v thresholds from: %w",
			o.ID, k, m.thresholds[kindIndex(k)].Rule, ErrNotFitted)
	}
	if err := m.Scoring.Classify(dst, o); err != nil {
		return err
	}
	dst.Quadrant = m.Quadrant(o.Kind, dst.Value)
	dst.Grade = m.Grade(o.Kind, dst.Value)
	return nil
}

// Classify classifies o into dst like [Model.Classify] but without the
// quadrant and the grade, which need the thresholds of the second pass:
// dst.Quadrant and dst.Grade are left zero. With [Model.Quadrant] and
// [Model.Grade] it lets a caller classify during the second pass, keep
// the results, and set the quadrants and grades once the thresholds are
// known, instead of observing every customer a third time.
func (sc *Scoring) Classify(dst *Result, o *Observation) error {
	if err := sc.score(&dst.Value, o); err != nil {
		return err
	}
	rs := sc.rfm[kindIndex(o.Kind)]
	rfm, err := rs.Score(&o.Indicators)
	if err != nil {
		return err
	}
	dst.Quadrant, dst.Grade = 0, 0
	dst.ID, dst.Kind, dst.RFM = o.ID, o.Kind, rfm
	dst.Stage = sc.rules.stage(o)
	dst.ShopType = sc.rules.shopType(o, dst.Stage, rs.OnGrid(rfm))
	dst.Consent, dst.Net, dst.Currency, dst.PurchaseDays = o.Consent, o.Net, o.Currency, o.days(value.PurchaseDays)
	dst.AsOf, dst.AsOfKnown = o.AsOf()
	dst.Risk = Risk{}
	return nil
}

// notFitted is the error for customer o of a Model or Scoring that no fit
// made.
func notFitted(o *Observation) error {
	return fmt.Errorf("segment: customer %q (%v): the model was not fitted (make it with Fit, FitInputs or ThresholdStats.Model): %w",
		o.ID, o.Kind, ErrNotFitted)
}

// placed reports whether customers of the valid kind k can be placed in a
// quadrant: the first pass had customers of the kind, and the thresholds
// are given (Fixed) or were taken from customers of the kind in the
// second pass.
func (m *Model) placed(k customer.Kind) bool {
	if m == nil || m.Scoring == nil {
		return false
	}
	i := kindIndex(k)
	return m.value[i] != nil && (m.thresholds[i].Rule == Fixed || m.thresholds[i].N > 0)
}

// finite reports whether x is a finite number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// above reports whether x, a current (col 0) or potential (col 1) value
// of a customer of kind index i, is strictly above the threshold. For the
// Mean rule a value on the grid of [value.Unit], as every score is, is
// compared with the exact mean Σ ÷ n: x ÷ Unit · n > Σ (in units), in
// 128-bit integers, since the mean rounded to a float64 can equal a value
// just above it once Σ exceeds 2⁵³ units (about ten million customers).
// Any other value is compared with the rounded threshold.
func (m *Model) above(i, col int, x float64) bool {
	th := &m.thresholds[i]
	t := th.Current
	if col == 1 {
		t = th.Potential
	}
	if th.Rule != Mean || th.N <= 0 || !(x >= 0 && x <= 1) || math.Trunc(x/value.Unit) != x/value.Unit {
		return x > t
	}
	hi, lo := bits.Mul64(uint64(x/value.Unit), uint64(th.N))
	return hi != 0 || lo > uint64(m.sums[i][col])
}

// Quadrant returns the quadrant of value scores v of a customer of kind k:
// current and potential value each high when strictly above the
// threshold of the kind (for the Mean rule, the exact mean of the kind,
// of which [Thresholds] reports the nearest float64). An invalid kind, a kind without thresholds
// (no customer of the kind in the first pass, or, for the Mean and
// Median rules, in the second: the mean of nobody is no threshold, see
// [Model.Classify]), or a current or potential value that is not a
// finite number (no score) give the zero Quadrant, as for [Model.Grade].
func (m *Model) Quadrant(k customer.Kind, v value.Score) Quadrant {
	if !k.Valid() || !m.placed(k) || !finite(v.Current) || !finite(v.Potential) {
		return 0
	}
	i := kindIndex(k)
	hiC, hiP := m.above(i, 0, v.Current), m.above(i, 1, v.Potential)
	switch {
	case hiC && hiP:
		return HighValue
	case hiP:
		return PotentialValue
	case hiC:
		return SecondaryValue
	}
	return LowValue
}
