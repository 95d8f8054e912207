package segment

import (
	"fmt"
	"math"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

const day = 24 * time.Hour

// LifecycleOptions set the lifecycle windows (domain rules §3.3). Clothing is
// seasonal (domain rules §7: a customer who buys twice a year can still be
// perfectly active), so a customer's windows follow their own rhythm —
// the median gap between their purchase occasions — and are bounded by
// floors and ceilings:
//
//	occasions     = the purchase days, in order, grouped: a day less than
//	                OccasionWindow after the first day of the current
//	                occasion belongs to it, any other day opens the next
//	rhythm        = median gap between the first days of consecutive
//	                occasions, or DefaultGap with a single occasion
//	dormant after = clamp(DormantFactor × rhythm, DormantFloor, DormantCeiling)
//	lost after    = max(clamp(LostFactor × rhythm, LostFloor, LostCeiling), dormant after)
//
// Then, with r the days since the last purchase: r > lost after → lost;
// r > dormant after → dormant; first purchase within NewWindow → new,
// unless the customer is an intermediary whose trade record dates its
// cooperation with the brand further back ([value.Cooperation] >
// NewWindow: the history summarised starts after its first orders, and
// a partner of eight years is not onboarded again); otherwise active.
//
// The rhythm is taken between occasions, not purchase days, because
// purchase days a few days apart — a coat on Saturday and the matching
// scarf on Sunday, an online order and a store visit in the same week —
// are one shopping occasion, not a habit of buying every day: a customer
// who does that once a year has purchase-day gaps 1, 364, 1, 364, 1,
// whose median of 1 day would make them dormant after the 180-day floor
// although they buy yearly; their occasions are 365 days apart, and they
// are dormant after 730 days. Purchase days that are at least
// OccasionWindow apart are each an occasion, so for them the rhythm is
// the median gap between purchase days. An occasion is anchored at its
// first day rather than chained from day to day, so that a frequent
// buyer keeps a frequent rhythm: one who buys every 3 days has occasions
// 9 days apart with the default window, not one occasion lasting years.
// Purchase days of one occasion count as one: adding a purchase day less
// than OccasionWindow after the first day of one of the customer's
// occasions never changes the rhythm. A customer whose purchase days all
// fall within one occasion has the rhythm of a single purchase,
// DefaultGap. An OccasionWindow of one day (24h) counts every purchase
// day as an occasion. The window is applied when the customer is
// observed ([ObserveWith]), and classification refuses an observation
// taken with another window.
//
// A customer without a purchase in the history summarised is lost when
// it bought before the history (it has only refunds of goods bought
// earlier, a negative net before credits: a credit alone, such as a
// compensation of no order, is no purchase), whether or not it is in contact again: lost
// (流失, domain rules §3.2 and §3.3) is a customer who bought and stopped,
// as for [ShopLost], and such a customer, like a buyer of long ago who
// visits again, is one to win back, not a recruit to welcome (a recent
// contact makes its shop type potential). A customer who never bought is
// new when it interacted within NewWindow (a recent contact, not yet
// won), unless it is an intermediary of a cooperation longer than
// NewWindow, and dormant otherwise: a registered customer who never
// bought and has gone quiet is asleep, one to wake up (domain rules §3.3,
// 001), not one who left.
//
// Zero fields take the defaults: NewWindow 90 days, DefaultGap
// 120 days (about one season), DormantFactor 2, LostFactor 4,
// DormantFloor 180 days, LostFloor 365 days, DormantCeiling 730 days,
// LostCeiling 1095 days, OccasionWindow 7 days (a week: the follow-up
// purchases of one shopping occasion; weekly buyers keep their weekly
// rhythm). So a customer who buys monthly is dormant after 180 days and
// lost after a year; one who buys every autumn (gap 365) is dormant after
// 730 days and lost after 1095. Fields that are set must be positive.
type LifecycleOptions struct {
	NewWindow                   time.Duration
	DefaultGap                  time.Duration
	DormantFactor, LostFactor   float64
	DormantFloor, LostFloor     time.Duration
	DormantCeiling, LostCeiling time.Duration
	// OccasionWindow groups purchase days into occasions before the
	// rhythm is taken: a purchase day less than OccasionWindow after the
	// first day of an occasion belongs to it.
	OccasionWindow time.Duration
}

// defaultOccasionWindow is the default of LifecycleOptions.OccasionWindow.
const defaultOccasionWindow = 7 * day

// occasionWindow returns the occasion window w (zero: the default), in
// days, or an error wrapping ErrInvalidOptions when it is not positive.
func occasionWindow(w time.Duration) (float64, error) {
	d := orDays(w, defaultOccasionWindow)
	if !(d > 0) {
		return 0, fmt.Errorf("segment: OccasionWindow = %v days: must be positive: %w", d, ErrInvalidOptions)
	}
	return d, nil
}

// ShopTypeOptions set the rules of the four shop types (domain rules §3.2),
// applied in this order, the first that holds wins:
//
//   - lost: lifecycle stage lost, bought before, and no interaction
//     within InterestWindow;
//   - loyal: stage new or active, F ≥ LoyalMinF and AOV ≥ LoyalMinAOV,
//     and M ≥ LoyalMinM when that is set (scores of [value.RFMScore],
//     read on the 1–5 grid as RFM rules are): "large spend per purchase,
//     high frequency" (domain rules §3.2, 002) — AOV is the spend per purchase,
//     net ÷ orders, scored by quantile against the customers of the
//     same kind;
//   - potential: an interaction within InterestWindow after the last
//     purchase, or interactions without any purchase — interest not yet
//     turned into buying;
//   - drifting: everybody else: occasional (F below LoyalMinF), small
//     spend per purchase (AOV below LoyalMinAOV), or dormant, without
//     recent interest — domain rules §3.2's "occasional, unstable frequency,
//     small spend". A frequent buyer of small baskets (the
//     high-frequency, low-spend customers of domain rules §2, 001) is drifting,
//     not loyal.
//
// Total spend (M) is not required by default: domain rules §3.2 defines loyal by
// spend per purchase and frequency, and M, about F × spend per purchase,
// rises with frequency alone, so as a criterion of "large spend" it would
// let frequent small spenders pass; a customer who passes both F and AOV
// nearly always has a high M anyway. LoyalMinM is there for a shop that
// wants a floor on total spend as well.
//
// The four types are those of a shop's shoppers (domain rules §3.2). An
// intermediary (a dealer, a franchisee) is given one by the same rules,
// its scores taken against the customers of its own kind: its buying
// pattern among the trade customers. [DefaultPlaybook] gives
// intermediaries no shop-type action (their actions follow their
// quadrant, stage and grade); a host may list some in
// [Playbook].Intermediary.ShopTypes.
//
// Zero fields take the defaults: LoyalMinF 4, LoyalMinAOV 4, LoyalMinM
// none, InterestWindow 90 days. Scores must be at most 5.
type ShopTypeOptions struct {
	// LoyalMinF is the least frequency score (RFM F, on the 1–5 grid)
	// of a loyal customer.
	LoyalMinF uint8
	// LoyalMinAOV is the least spend-per-purchase score
	// ([value.RFMScore].AOV, on the 1–5 grid) of a loyal customer.
	LoyalMinAOV uint8
	// LoyalMinM is the least total-spend score (RFM M, on the 1–5 grid)
	// of a loyal customer; 0 means no requirement.
	LoyalMinM uint8
	// InterestWindow is how recent an interaction shows interest.
	InterestWindow time.Duration
}

// Options configure [Fit]; nil means the defaults.
type Options struct {
	// Consumer and Intermediary are the value models; nil means
	// value.DefaultModel of the kind.
	Consumer, Intermediary *value.Model
	// RFM configures the RFM scores; nil means the defaults.
	RFM *value.RFMOptions
	// Rule sets the quadrant thresholds; zero means Mean.
	Rule Rule
	// FixedCurrent and FixedPotential are the thresholds of Rule Fixed,
	// on the scale of the scores: current and potential value each lie
	// in [0, the weight of their node in the value model], so a
	// threshold must lie in that range for the models of both kinds
	// (with the default models, [0, 0.5]); one above it, which would
	// put every customer low, is refused.
	FixedCurrent, FixedPotential float64
	Lifecycle                    LifecycleOptions
	ShopTypes                    ShopTypeOptions
	// Grades, when not nil, grade every customer A, B or C
	// ([GradeOptions]; &GradeOptions{} for the defaults). Nil grades
	// nobody: Result.Grade stays zero, and the second pass gathers no
	// total values.
	Grades *GradeOptions
	// Currency and Rates, set together, fit customers billed in several
	// currencies: [ObserveWith] converts each customer whose currency
	// is not Currency into it, at the rate that Rates gives for its
	// currency and Currency ([ExchangeRates]). Both zero (the default) convert
	// nothing: the customers of one kind must then share a currency
	// ([Stats]).
	Currency customer.Currency
	Rates    ExchangeRates
}

// rules is the compiled, validated form of the lifecycle and shop-type
// options, in days, and of the currency the options convert into.
type rules struct {
	newWindow, defaultGap       float64
	dormantFactor, lostFactor   float64
	dormantFloor, lostFloor     float64
	dormantCeiling, lostCeiling float64
	occasionWindow              float64
	loyalMinF, loyalMinM        uint8
	loyalMinAOV                 uint8
	interestWindow              float64
	// currency is Options.Currency: the currency of every observation
	// with money facts (empty: no conversion).
	currency customer.Currency
}

func orDays(d, def time.Duration) float64 {
	if d == 0 {
		d = def
	}
	return float64(d) / float64(day)
}

func or(f, def float64) float64 {
	if f == 0 {
		return def
	}
	return f
}

func (o *Options) compile() (rules, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	l, s := opt.Lifecycle, opt.ShopTypes
	r := rules{
		newWindow:      orDays(l.NewWindow, 90*day),
		defaultGap:     orDays(l.DefaultGap, 120*day),
		dormantFactor:  or(l.DormantFactor, 2),
		lostFactor:     or(l.LostFactor, 4),
		dormantFloor:   orDays(l.DormantFloor, 180*day),
		lostFloor:      orDays(l.LostFloor, 365*day),
		dormantCeiling: orDays(l.DormantCeiling, 730*day),
		lostCeiling:    orDays(l.LostCeiling, 1095*day),
		occasionWindow: orDays(l.OccasionWindow, defaultOccasionWindow),
		loyalMinF:      s.LoyalMinF,
		loyalMinM:      s.LoyalMinM,
		loyalMinAOV:    s.LoyalMinAOV,
		interestWindow: orDays(s.InterestWindow, 90*day),
		currency:       opt.Currency,
	}
	if r.loyalMinF == 0 {
		r.loyalMinF = 4
	}
	if r.loyalMinAOV == 0 {
		r.loyalMinAOV = 4
	}
	bad := func(f string, a ...any) (rules, error) {
		return rules{}, fmt.Errorf("segment: %s: %w", fmt.Sprintf(f, a...), ErrInvalidOptions)
	}
	if err := opt.checkRates(); err != nil {
		return rules{}, err
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"NewWindow", r.newWindow}, {"DefaultGap", r.defaultGap}, {"DormantFactor", r.dormantFactor},
		{"LostFactor", r.lostFactor}, {"DormantFloor", r.dormantFloor}, {"LostFloor", r.lostFloor},
		{"DormantCeiling", r.dormantCeiling}, {"LostCeiling", r.lostCeiling}, {"InterestWindow", r.interestWindow},
		{"OccasionWindow", r.occasionWindow}} {
		if !(c.v > 0) || math.IsInf(c.v, 0) {
			return bad("%s = %v: must be positive", c.name, c.v)
		}
	}
	switch {
	case r.dormantFloor > r.dormantCeiling:
		return bad("DormantFloor %v days is above DormantCeiling %v days", r.dormantFloor, r.dormantCeiling)
	case r.lostFloor > r.lostCeiling:
		return bad("LostFloor %v days is above LostCeiling %v days", r.lostFloor, r.lostCeiling)
	case r.loyalMinF > 5 || r.loyalMinAOV > 5 || r.loyalMinM > 5:
		return bad("LoyalMinF %d, LoyalMinAOV %d, LoyalMinM %d: scores are on the 1–5 grid", r.loyalMinF, r.loyalMinAOV, r.loyalMinM)
	}
	switch opt.Rule {
	case 0, Mean, Median:
	case Fixed:
		// The range of each kind's model is checked by NewStats.
		for _, c := range []struct {
			name string
			v    float64
		}{{"FixedCurrent", opt.FixedCurrent}, {"FixedPotential", opt.FixedPotential}} {
			if math.IsNaN(c.v) || math.IsInf(c.v, 0) || c.v < 0 || c.v > 1 {
				return bad("%s %v: must be in [0, 1]", c.name, c.v)
			}
		}
	default:
		return bad("rule %v", opt.Rule)
	}
	if opt.Grades != nil {
		if _, _, err := opt.Grades.shares(); err != nil {
			return rules{}, err
		}
	}
	return r, nil
}

// checkFixed checks the thresholds of the Fixed rule against the range of
// the scores of model m: current value lies in [0, m.Current.Weight],
// potential value in [0, m.Potential.Weight] (see [value.Model]).
func (o *Options) checkFixed(m *value.Model) error {
	if o.Rule != Fixed {
		return nil
	}
	for _, c := range []struct {
		name, node string
		v, max     float64
	}{{"FixedCurrent", "current", o.FixedCurrent, m.Current.Weight}, {"FixedPotential", "potential", o.FixedPotential, m.Potential.Weight}} {
		if c.v > c.max {
			return fmt.Errorf("segment: %s %v: must be in [0, %v], the range of the %s value of %v customers (the weight of the %s node of their model): %w",
				c.name, c.v, c.max, c.node, m.Kind, c.node, ErrInvalidOptions)
		}
	}
	return nil
}

// check refuses an observation whose purchase occasions were grouped with
// another window than the options', or, when the options convert into a
// currency, one in another currency: taken without the conversion (see
// [ObserveWith]).
func (r *rules) check(o *Observation) error {
	if r.currency != "" && o.Currency != "" && o.Currency != r.currency {
		return fmt.Errorf("segment: customer %q: observation in %s, the options convert into %s: observe with ObserveWith and the options of the fit: %w",
			o.ID, o.Currency, r.currency, ErrInvalidOptions)
	}
	w := o.OccasionWindow
	if w == 0 {
		w = float64(defaultOccasionWindow) / float64(day)
	}
	if w != r.occasionWindow {
		return fmt.Errorf("segment: customer %q: observation taken with an OccasionWindow of %v days, the options give %v days: observe with ObserveWith and the options of the fit: %w",
			o.ID, w, r.occasionWindow, ErrInvalidOptions)
	}
	return nil
}

// rhythm returns o's rhythm in days, and whether it is its own (two
// purchase occasions or more) rather than DefaultGap.
func (r *rules) rhythm(o *Observation) (float64, bool) {
	if o.Gaps > 0 {
		return o.MedianGap, true
	}
	return r.defaultGap, false
}

// windows returns the dormant and lost windows of o, in days.
func (r *rules) windows(o *Observation) (dormant, lost float64) {
	rhythm, _ := r.rhythm(o)
	dormant = min(max(r.dormantFactor*rhythm, r.dormantFloor), r.dormantCeiling)
	lost = max(min(max(r.lostFactor*rhythm, r.lostFloor), r.lostCeiling), dormant)
	return dormant, lost
}

// LifecycleWindows are the numbers that place one customer in its
// lifecycle stage ([LifecycleOptions]), in days, so that a stage can be
// explained: "buys about every 30 days; dormant after 180 days without a
// purchase, lost after 365; last purchase 214 days ago".
type LifecycleWindows struct {
	// Rhythm is the customer's rhythm: the median gap between the first
	// days of its purchase occasions when Own, or DefaultGap when it has
	// fewer than two occasions.
	Rhythm float64
	Own    bool
	// New is NewWindow: a first purchase (or, for a customer who never
	// bought, an interaction) at most this long ago is new, unless the
	// customer is an intermediary of a longer cooperation.
	New float64
	// DormantAfter and LostAfter are the customer's windows: with more
	// days than DormantAfter since its last purchase it is dormant, with
	// more than LostAfter lost.
	DormantAfter, LostAfter float64
	// SinceLastPurchase is the days since the last purchase, when Bought.
	SinceLastPurchase int
	Bought            bool
}

// String tells the windows in plain words, for example "buys about every
// 30 days: dormant after 180 days without a purchase, lost after 365;
// last purchase 214 days ago".
func (w LifecycleWindows) String() string {
	rhythm := fmt.Sprintf("buys about every %v days", w.Rhythm)
	if !w.Own {
		rhythm = fmt.Sprintf("fewer than two purchase occasions, so a rhythm of %v days is assumed", w.Rhythm)
	}
	last := "no purchase in the history"
	if w.Bought {
		last = fmt.Sprintf("last purchase %d days ago", w.SinceLastPurchase)
	}
	return fmt.Sprintf("%s: dormant after %v days without a purchase, lost after %v; %s",
		rhythm, w.DormantAfter, w.LostAfter, last)
}

// LifecycleWindows returns the windows by which [Scoring.Classify] places
// o in its lifecycle stage, with the options of the fit: a buyer is lost
// when SinceLastPurchase > LostAfter, else dormant when it is >
// DormantAfter, else new or active (see [LifecycleOptions]). An
// observation taken with another occasion window than the options' is
// an error wrapping [ErrInvalidOptions], as for Classify.
func (sc *Scoring) LifecycleWindows(o *Observation) (LifecycleWindows, error) {
	if sc == nil {
		return LifecycleWindows{}, notFitted(o)
	}
	if err := sc.rules.check(o); err != nil {
		return LifecycleWindows{}, err
	}
	w := LifecycleWindows{New: sc.rules.newWindow}
	w.Rhythm, w.Own = sc.rules.rhythm(o)
	w.DormantAfter, w.LostAfter = sc.rules.windows(o)
	if o.purchased() {
		w.SinceLastPurchase, w.Bought = o.days(value.Recency), true
	}
	return w, nil
}

// stage returns o's lifecycle stage.
func (r *rules) stage(o *Observation) Stage {
	if !o.purchased() {
		switch {
		case o.boughtBefore():
			return StageLost
		case o.Interacted && float64(o.SinceInteraction) <= r.newWindow && !r.longCooperation(o):
			return StageNew
		}
		return StageDormant
	}
	dormant, lost := r.windows(o)
	rec := o.Values[value.Recency]
	switch {
	case rec > lost:
		return StageLost
	case rec > dormant:
		return StageDormant
	case o.Values[value.Tenure] <= r.newWindow && !r.longCooperation(o):
		return StageNew
	}
	return StageActive
}

// longCooperation reports whether o is an intermediary whose cooperation
// with the brand ([value.Cooperation], from its trade record) is known
// and began more than NewWindow days before the as-of day: it has bought
// for longer than the history summarised shows.
func (r *rules) longCooperation(o *Observation) bool {
	d, ok := o.Get(value.Cooperation)
	return ok && o.Kind == customer.Intermediary && d > r.newWindow
}

// shopType returns o's shop type; grid is o's RFM score read on the 1–5
// grid ([value.RFMScorer.OnGrid]).
func (r *rules) shopType(o *Observation, st Stage, grid value.RFMScore) ShopType {
	interest := o.Interacted && float64(o.SinceInteraction) <= r.interestWindow &&
		(!o.purchased() || float64(o.SinceInteraction) < o.Values[value.Recency])
	switch {
	case st == StageLost && !interest && o.boughtBefore():
		return ShopLost
	case (st == StageNew || st == StageActive) && o.purchased() &&
		grid.F >= r.loyalMinF && grid.AOV >= r.loyalMinAOV && grid.M >= r.loyalMinM:
		return ShopLoyal
	case interest:
		return ShopPotential
	}
	return ShopDrifting
}
