package segment

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// ErrInvalidPlan is matched by the errors of a [Plan] that
// [Plan.Validate] refuses.
var ErrInvalidPlan = errors.New("segment: invalid plan")

// KPI is a key performance indicator of a customer-relationship plan
// (domain rules §3.4: retention, conversion, repurchase rate, share of
// new customers, satisfaction index, and the sales the plan of 000 aims
// to raise). Every KPI is better higher: a plan's targets lie above their
// baselines. Value contribution (§3.4) is a breakdown by quadrant
// ([Migration].Contribution), not one number with a target, and is not a
// KPI here.
type KPI uint8

const (
	// KPIRetention is [Migration].Retention: of the customers who had
	// bought by the first period and were not lost in it, the share not
	// lost in the second. A share in [0, 1].
	KPIRetention KPI = iota + 1
	// KPIRepurchase is [Migration].Repurchase: of the customers who had
	// bought by the first period, the share who bought again in the
	// second (000, 四、预计成果: 复购率从目前的20%提升至30%). A share in [0, 1].
	KPIRepurchase
	// KPINewCustomers is [Migration].NewCustomers: of the customers who
	// bought in the second period, the share who bought for the first
	// time (000: 新客户占比从目前的30%提升至40%). A share in [0, 1].
	KPINewCustomers
	// KPIConversion is [Migration].Conversion: of the first period's
	// potential-value customers, the share who are high-value in the
	// second. A share in [0, 1].
	KPIConversion
	// KPISalesGrowth is the growth of the net sales of the review period
	// over those of a base period of the same length ([Sales]):
	// Review ÷ Base − 1, so 0.10 is +10% (000: 增加年销售额10%以上).
	// Measured from the caller's figures; [PeriodSales] gives a
	// period's net sales from the results of two days.
	KPISalesGrowth
	// KPISatisfaction is the satisfaction index of the caller's surveys
	// of the review period ([Satisfaction]), on the caller's scale (a
	// mean CSAT, a mean ratio of perceived to expected value, a share of
	// satisfied customers, …), at least 0 (000: 使满意度得分提升10%以上).
	// The scale must be the same for baseline and measurement.
	KPISatisfaction
)

var kpiNames = []string{"", "retention", "repurchase", "new-customers", "conversion", "sales-growth", "satisfaction"}

// ParseKPI parses "retention", "repurchase", "new-customers",
// "conversion", "sales-growth" or "satisfaction".
func ParseKPI(s string) (KPI, error) { return enumtext.Parse[KPI](s, kpiNames, "KPI") }

// String returns the KPI's name, or "KPI(n)" for an undefined value.
func (k KPI) String() string { return enumtext.String(k, kpiNames, "KPI") }

// Valid reports whether k is a defined KPI.
func (k KPI) Valid() bool { return enumtext.Valid(k, kpiNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k KPI) MarshalText() ([]byte, error) { return enumtext.Marshal(k, kpiNames, "KPI") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves k as it was.
func (k *KPI) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseKPI) }

// share reports whether k is a share in [0, 1].
func (k KPI) share() bool { return k >= KPIRetention && k <= KPIConversion }

// Target is one KPI of a [Plan]: where it stands (Baseline) and where
// the plan wants it, given in one of the two forms the plan of 000
// uses: as a level (Level: repurchase rate from 0.20 to 0.30) or as a
// growth relative to the baseline (Growth: satisfaction +10%, 0.10), the
// target then being Baseline × (1 + Growth). Exactly one of Level and
// Growth is set (non-zero). A Level of 0 is therefore not set, and a
// sales growth from a negative baseline back to 0 (sales no longer
// falling) cannot be given as a target: [Plan.Validate] refuses it as a
// target with neither.
//
// The numbers are read as the shortest decimals that print them
// ([decimal.NewFromFloat]), as a person reads the plan, and the target,
// the progress and whether it is met are worked out in decimals: a
// baseline of 0.2 grown by 0.5 is a target of 0.3, met by 3 customers in
// 10, not the float64 product 0.30000000000000004. A number the caller
// worked out in float64 is read as it prints: a baseline computed as
// 0.1 + 0.2 is 0.30000000000000004, and 3 customers in 10 are then a
// hair below it (progress −4e-16, not 0). Give the plan's numbers as
// written, or rounded to the decimals meant.
type Target struct {
	KPI KPI
	// Baseline is the KPI's value when the plan starts: a share in
	// [0, 1] for the rates, a growth of at least −1 for
	// [KPISalesGrowth], an index of at least 0 for [KPISatisfaction].
	Baseline float64
	// Level is the value to reach, above Baseline (within [0, 1] for a
	// share).
	Level float64
	// Growth is the relative rise to reach, above 0: the target is
	// Baseline × (1 + Growth). It needs a Baseline above 0, and is
	// refused for [KPISalesGrowth], where "sales +10%" is the level 0.10
	// and a growth of a growth would be misread.
	Growth float64
}

// Plan is a set of KPI targets, each KPI at most once, to review
// periodically against measurements ([Plan.Progress]; domain rules
// §3.4: "review periodically").
type Plan struct {
	Targets []Target
}

// DefaultPlan returns the expected results of the customer-relationship
// plan of 000 (四、预计成果), given the satisfaction index of the caller's
// base survey, on the caller's scale, which the source does not give:
//
//   - satisfaction: +10% over that index (满意度得分提升10%以上);
//   - repurchase rate: from 0.20 to 0.30 (复购率从目前的20%提升至30%);
//   - share of new customers: from 0.30 to 0.40 (新客户占比从目前的30%提升至40%);
//   - sales growth: from 0 (the base year's sales) to +10% (增加年销售额10%以上).
//
// The source's "or more" (以上) is the plan's: a target is met at or
// above its level. A satisfaction index of 0 or less has no growth, and
// [Plan.Validate] refuses the plan. Each call returns a new slice.
func DefaultPlan(satisfaction float64) Plan {
	return Plan{Targets: []Target{
		{KPI: KPISatisfaction, Baseline: satisfaction, Growth: 0.10},
		{KPI: KPIRepurchase, Baseline: 0.20, Level: 0.30},
		{KPI: KPINewCustomers, Baseline: 0.30, Level: 0.40},
		{KPI: KPISalesGrowth, Baseline: 0, Level: 0.10},
	}}
}

// goal is a validated target in decimals.
type goal struct {
	kpi            KPI
	baseline, aim  decimal.Decimal
	baseF, targetF float64
}

// Validate returns nil for a valid plan, and otherwise an error wrapping
// [ErrInvalidPlan] and a [*customer.ValidationError] for the record
// "plan" that names every bad field, as "targets[i].field", with the KPI
// in its message: no target ("targets"); an undefined KPI, or one listed
// twice ("kpi"); a baseline that is NaN, infinite or out of its KPI's
// range ("baseline"); neither or both of Level and Growth set; a Level
// that is NaN, infinite, not above the baseline or, for a share, above
// 1 ("level"); a Growth that is NaN, infinite, not above 0, of a
// baseline not above 0, or that takes a share above 1 or the target
// beyond a float64 ("growth").
func (p Plan) Validate() error {
	_, err := p.compile()
	return err
}

func (p Plan) compile() ([]goal, error) {
	var bad []customer.FieldError
	goals := make([]goal, 0, len(p.Targets))
	if len(p.Targets) == 0 {
		bad = append(bad, customer.FieldError{Field: "targets", Code: customer.CodeRequired, Message: "the plan has no target"})
	}
	seen := make(map[KPI]int, len(p.Targets))
	for i, t := range p.Targets {
		add := func(field, code, format string, a ...any) {
			bad = append(bad, customer.FieldError{Field: fmt.Sprintf("targets[%d].%s", i, field), Code: code,
				Message: t.KPI.String() + ": " + fmt.Sprintf(format, a...)})
		}
		if g, ok := t.compile(add); ok {
			goals = append(goals, g)
		}
		if !t.KPI.Valid() {
			continue
		}
		if j, dup := seen[t.KPI]; dup {
			add("kpi", customer.CodeDuplicate, "listed twice, also in targets[%d]", j)
		} else {
			seen[t.KPI] = i
		}
	}
	if err := customer.Invalid("plan", bad); err != nil {
		return nil, fmt.Errorf("segment: %w: %w", err, ErrInvalidPlan)
	}
	return goals, nil
}

// compile validates t, reporting its faults with add, and returns it in
// decimals when it is valid.
func (t Target) compile(add func(field, code, format string, a ...any)) (goal, bool) {
	ok := true
	fail := func(field, code, format string, a ...any) {
		add(field, code, format, a...)
		ok = false
	}
	finite := func(field string, x float64) bool {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			fail(field, customer.CodeFormat, "%v is not a number", x)
			return false
		}
		return true
	}
	if !t.KPI.Valid() {
		fail("kpi", customer.CodeUnknown, "not a KPI")
	}
	baseOK := finite("baseline", t.Baseline)
	if baseOK {
		switch {
		case t.KPI.share() && (t.Baseline < 0 || t.Baseline > 1):
			fail("baseline", customer.CodeRange, "%v is not a share in [0, 1]", t.Baseline)
			baseOK = false
		case t.KPI == KPISatisfaction && t.Baseline < 0:
			fail("baseline", customer.CodeNegative, "%v is negative", t.Baseline)
			baseOK = false
		case t.KPI == KPISalesGrowth && t.Baseline < -1:
			fail("baseline", customer.CodeRange, "%v is below −1 (sales below zero)", t.Baseline)
			baseOK = false
		}
	}
	g := goal{kpi: t.KPI, baseF: t.Baseline}
	if baseOK {
		g.baseline = decimal.NewFromFloat(t.Baseline)
	}
	switch {
	case t.Level == 0 && t.Growth == 0:
		fail("level", customer.CodeRequired, "neither a level nor a growth is set")
	case t.Level != 0 && t.Growth != 0:
		fail("growth", customer.CodeMismatch, "%v is set, and so is the level %v: set one", t.Growth, t.Level)
	case t.Level != 0:
		if !finite("level", t.Level) {
			break
		}
		switch {
		case t.KPI.share() && (t.Level < 0 || t.Level > 1):
			fail("level", customer.CodeRange, "%v is not a share in [0, 1]", t.Level)
		case baseOK && t.Level <= t.Baseline:
			fail("level", customer.CodeRange, "%v is not above the baseline %v", t.Level, t.Baseline)
		default:
			g.aim, g.targetF = decimal.NewFromFloat(t.Level), t.Level
		}
	default:
		if !finite("growth", t.Growth) {
			break
		}
		switch {
		case t.KPI == KPISalesGrowth:
			fail("growth", customer.CodeMismatch, "%v is a growth of the sales growth, which reads as the growth of sales itself: give the sales growth to reach as the level (sales +10%%: level 0.10)", t.Growth)
		case t.Growth < 0:
			fail("growth", customer.CodeNegative, "%v is negative: the target must be above the baseline", t.Growth)
		case !baseOK:
		case t.Baseline <= 0:
			fail("growth", customer.CodeMismatch, "%v of a baseline of %v is no rise; give a level", t.Growth, t.Baseline)
		default:
			aim := g.baseline.Mul(decimal.NewFromFloat(t.Growth).Add(decimal.NewFromInt(1)))
			f := aim.InexactFloat64()
			switch {
			case t.KPI.share() && aim.GreaterThan(decimal.NewFromInt(1)):
				fail("growth", customer.CodeRange, "%v of the baseline %v is %v, above 1", t.Growth, t.Baseline, aim)
			case math.IsInf(f, 0):
				fail("growth", customer.CodeRange, "%v of the baseline %v is beyond a float64", t.Growth, t.Baseline)
			default:
				g.aim, g.targetF = aim, f
			}
		}
	}
	return g, ok
}

// Satisfaction is the satisfaction index of the review period's surveys
// ([KPISatisfaction]) and the number of responses behind it. It is not
// measured when both are zero.
type Satisfaction struct {
	// Index is on the scale of the plan's baseline; finite, at least 0.
	Index float64
	// Responses is the number of survey responses behind Index, above 0
	// when Index is given.
	Responses int
}

// Sales are the net sales of a base period and of the review period, of
// the same length, for [KPISalesGrowth]: Review ÷ Base − 1. Net sales are
// what customers paid and kept in the period — sales less discounts,
// refunds and compensation, as [PeriodSales] counts them — in one
// currency. They are not measured when both are the zero Money (no
// currency).
type Sales struct {
	Base, Review customer.Money
}

// Measurements are what [Plan.Progress] measures the targets with: the
// rates of a [Migration] between the base and the review period, and the
// caller's own figures. A nil Migration, a zero Satisfaction or zero
// Sales are not measured.
type Measurements struct {
	Migration    *Migration
	Satisfaction Satisfaction
	Sales        Sales
}

// TargetProgress is the state of one target of a plan ([Plan.Progress]).
type TargetProgress struct {
	KPI KPI
	// Baseline is the target's baseline and Target the level aimed at:
	// Level, or Baseline × (1 + Growth), worked out in decimals and
	// rounded to a float64.
	Baseline, Target float64
	// Measured tells that the measurements hold the KPI: a rate without
	// customers behind it (Den 0), a satisfaction without responses, or
	// sales not given are not measured, and Value, Progress and Met are
	// then zero.
	Measured bool
	// Value is the measured value.
	Value float64
	// Progress is the share of the way from the baseline to the target
	// that the measured value has gone: (Value − Baseline) ÷ (Target −
	// Baseline), worked out in decimals and rounded to 16 decimals, so
	// exactly 0 at the baseline and 1 at the target, below 0 when the
	// KPI fell, above 1 beyond the target. It is never NaN nor
	// infinite: a progress beyond a float64 (a target a hair above its
	// baseline) is ±[math.MaxFloat64].
	Progress float64
	// Met tells that the measured value is at or above the target,
	// compared exactly, in decimals. It, not Progress, says whether the
	// target is met: a value a hair below the target (review sales of
	// 1.0999…9 against base sales of 1, for a sales-growth Level of
	// 0.10) has a progress that rounds to 1, and is not met.
	Met bool
	// Rate is the rate of the Migration, with its counts, for the
	// KPIs a [Migration] measures (also when not measured, Den 0); zero
	// for the others.
	Rate Rate
	// Responses is the number of survey responses behind the
	// satisfaction index; zero for the other KPIs.
	Responses int
	// BaseSales and Sales are the sales of the base and the review
	// period, for [KPISalesGrowth]; zero for the others.
	BaseSales, Sales customer.Money
}

// Progress returns the progress of each target of p, in the plan's
// order, against m (see [TargetProgress]): the rates come from
// m.Migration, the satisfaction index and the sales from the caller.
//
// A plan that [Plan.Validate] refuses is refused with its error. Bad
// measurements are refused with a [*customer.ValidationError] for the
// record "measurements", whether or not the plan uses them, naming every
// bad field: a rate with negative counts, more than its denominator or a
// Value other than Num ÷ Den ("migration.retention", "migration.repurchase",
// "migration.new_customers", "migration.conversion"); a satisfaction index
// NaN, infinite or negative ("satisfaction.index"); negative responses, or
// an index without any ("satisfaction.responses"); sales beyond the
// bounds of an amount ([customer.AmountInRange]: more than 30 integer
// digits or 30 decimals), sales with one period missing, a base not
// above zero ("sales.base"), or the periods in two currencies
// ("sales.review"; the error also wraps a
// [*customer.CurrencyMismatchError]). Nothing is changed.
func (p Plan) Progress(m Measurements) ([]TargetProgress, error) {
	goals, err := p.compile()
	if err != nil {
		return nil, err
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	out := make([]TargetProgress, len(goals))
	for i, g := range goals {
		tp := &out[i]
		tp.KPI, tp.Baseline, tp.Target = g.kpi, g.baseF, g.targetF
		var num, den decimal.Decimal
		switch g.kpi {
		case KPIRetention, KPIRepurchase, KPINewCustomers, KPIConversion:
			if m.Migration == nil {
				continue
			}
			tp.Rate = *m.Migration.rateOf(g.kpi)
			if tp.Rate.Den == 0 {
				continue
			}
			tp.Value = tp.Rate.Value
			num, den = decimal.NewFromInt(int64(tp.Rate.Num)), decimal.NewFromInt(int64(tp.Rate.Den))
		case KPISatisfaction:
			s := m.Satisfaction
			tp.Responses = s.Responses
			if s.Responses == 0 {
				continue
			}
			tp.Value = s.Index
			num, den = decimal.NewFromFloat(s.Index), decimal.NewFromInt(1)
		case KPISalesGrowth:
			s := m.Sales
			tp.BaseSales, tp.Sales = s.Base, s.Review
			if s.Base.Currency() == "" {
				continue
			}
			den = s.Base.Amount()
			num = s.Review.Amount().Sub(den)
			tp.Value = num.DivRound(den, 16).InexactFloat64()
		}
		tp.Measured = true
		tp.Progress = clampFloat(num.Sub(g.baseline.Mul(den)).DivRound(g.aim.Sub(g.baseline).Mul(den), 16).InexactFloat64())
		tp.Met = num.Cmp(g.aim.Mul(den)) >= 0
	}
	return out, nil
}

// clampFloat returns x, or ±math.MaxFloat64 for an infinite x.
func clampFloat(x float64) float64 {
	switch {
	case math.IsInf(x, 1):
		return math.MaxFloat64
	case math.IsInf(x, -1):
		return -math.MaxFloat64
	}
	return x
}

// rateOf returns the rate of mg that measures k, one of the shares.
func (mg *Migration) rateOf(k KPI) *Rate {
	switch k {
	case KPIRetention:
		return &mg.Retention
	case KPIRepurchase:
		return &mg.Repurchase
	case KPINewCustomers:
		return &mg.NewCustomers
	}
	return &mg.Conversion
}

// validate reports every bad field of m.
func (m *Measurements) validate() error {
	var bad []customer.FieldError
	add := func(field, code, format string, a ...any) {
		bad = append(bad, customer.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, a...)})
	}
	if mg := m.Migration; mg != nil {
		for k := KPIRetention; k <= KPIConversion; k++ {
			r := *mg.rateOf(k)
			field := "migration." + strings.ReplaceAll(k.String(), "-", "_")
			switch {
			case r.Num < 0 || r.Den < 0:
				add(field, customer.CodeNegative, "%d of %d: a count is negative", r.Num, r.Den)
			case r.Num > r.Den:
				add(field, customer.CodeRange, "%d of %d: more than the whole", r.Num, r.Den)
			case r.Value != rate(r.Num, r.Den).Value:
				add(field, customer.CodeMismatch, "value %v is not %d ÷ %d", r.Value, r.Num, r.Den)
			}
		}
	}
	s := m.Satisfaction
	switch {
	case math.IsNaN(s.Index) || math.IsInf(s.Index, 0):
		add("satisfaction.index", customer.CodeFormat, "%v is not a number", s.Index)
	case s.Index < 0:
		add("satisfaction.index", customer.CodeNegative, "%v is negative", s.Index)
	}
	switch {
	case s.Responses < 0:
		add("satisfaction.responses", customer.CodeNegative, "%d is negative", s.Responses)
	case s.Responses == 0 && s.Index != 0 && !math.IsNaN(s.Index):
		add("satisfaction.responses", customer.CodeRequired, "an index of %v has no response behind it", s.Index)
	}
	var mismatch error
	b, r := m.Sales.Base, m.Sales.Review
	// Bounded before any arithmetic: decimal arithmetic on an exponent
	// such as −2×10⁹ would not end.
	inRange := func(field string, s customer.Money) bool {
		if !customer.AmountInRange(s.Amount()) {
			// Not written out: an exponent of 2×10⁹ would be as many digits.
			add(field, customer.CodeRange, "the amount is beyond the bounds of an amount (30 integer digits, 30 decimals)")
			return false
		}
		return true
	}
	baseOK, reviewOK := inRange("sales.base", b), inRange("sales.review", r)
	switch {
	case b.Currency() == "" && r.Currency() == "":
	case b.Currency() == "":
		add("sales.base", customer.CodeRequired, "the review period's sales are given, the base period's not")
	case r.Currency() == "":
		add("sales.review", customer.CodeRequired, "the base period's sales are given, the review period's not")
	case !baseOK || !reviewOK:
	default:
		if b.Sign() <= 0 {
			add("sales.base", customer.CodeNotPos, "%v: a growth needs sales above zero in the base period", b)
		}
		if b.Currency() != r.Currency() {
			add("sales.review", customer.CodeMismatch, "in %s, the base period's in %s", r.Currency(), b.Currency())
			mismatch = &customer.CurrencyMismatchError{A: b.Currency(), B: r.Currency()}
		}
	}
	err := customer.Invalid("measurements", bad)
	switch {
	case err == nil:
		return nil
	case mismatch != nil:
		return fmt.Errorf("segment: %w: %w", err, mismatch)
	}
	return fmt.Errorf("segment: %w", err)
}

// PeriodSales returns the net sales of the period between the results
// of two days, each classified from summaries of the whole history up
// to its day (see [Migrate]): for each customer of after, its net
// (Result.Net: paid and kept) in after less its net in before (nothing
// when absent from before). It is sound because Net is cumulative, and
// counts what the ledger of the period would:
//
//   - a customer's purchases in the period, less their discounts;
//   - less the refunds paid in the period, also of goods bought before
//     it, and the compensation paid in it (customer.Summary.Credited):
//     the net sales of the period, which may be below zero;
//   - a customer new in after: its whole net, all of it bought in the
//     period, unless its history was summarised before it was on file
//     in before (then it is in before too);
//   - a customer in before and not in after (erased, or left out of
//     after): nothing, neither its purchases in the period, which
//     after does not know, nor a subtraction of its earlier net.
//
// It is not sound, and the caller's own figures are to be used, when
// the summaries of the two days are of different histories (a rolling
// window, a history that starts later for one of them), when a
// customer's ID changed between them (it then counts as new, with all
// its net), or when nets were converted into an analysis currency at
// the rates of each day ([Options].Rates): the difference then holds the
// change of the rates. With the results of one kind only (see
// [Migrate]), a customer whose kind changed counts as new in the other.
//
// The results are checked as [Migrate] checks them: one as-of day per
// period, the first before the second; no customer twice in a period; a
// result no classification gives; every net amount in one currency
// (else a [*MixedCurrencyError]). A net amount beyond the bounds of an
// amount ([customer.AmountInRange]) is an error wrapping
// [ErrInvalidResult] too. Unlike [Migrate], a customer whose kind
// changed between the two days is not refused: what it paid and kept
// does not depend on its kind. The sum is in that currency, zero in
// it when nobody's net changed, and the zero Money (no currency) when no
// result has a currency. The sum does not depend on the order of
// either list.
func PeriodSales(before, after []Result) (customer.Money, error) {
	b, err := index(before, "first")
	if err != nil {
		return customer.Money{}, err
	}
	if _, err := index(after, "second"); err != nil {
		return customer.Money{}, err
	}
	cur, err := currency(before, after)
	if err != nil {
		return customer.Money{}, err
	}
	if err := ordered(before, after); err != nil {
		return customer.Money{}, err
	}
	sum := decimal.Zero
	for i := range after {
		ra := &after[i]
		sum = sum.Add(ra.Net)
		if rb := b[ra.ID]; rb != nil {
			sum = sum.Sub(rb.Net)
		}
	}
	if cur == "" {
		return customer.Money{}, nil
	}
	return customer.MoneyFromDecimal(sum, cur)
}
