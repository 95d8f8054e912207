package value

import (
	"fmt"
	"math"
	"slices"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Unit is the resolution of every score: contributions are rounded down
// to whole multiples of 2⁻³² (≈ 2.3e-10), so a total never exceeds 1. On that grid sums are exact in
// float64 — up to 2²⁰ customers' totals add without rounding in any order
// — so the current, potential and total scores are exact sums of their
// parts, and population means do not depend on the order of the
// customers.
const Unit = 1.0 / (1 << 32)

// Source says where a leaf's normalised score came from.
type Source uint8

const (
	// FromIndicator: the leaf's own indicator was known.
	FromIndicator Source = iota + 1
	// FromFallback: the indicator was unknown, its fallback was used.
	FromFallback
	// FromMissing: neither was known; the measure's Missing score was used.
	FromMissing
)

var sourceNames = []string{"", "indicator", "fallback", "missing"}

// String returns "indicator", "fallback" or "missing".
func (s Source) String() string { return enumtext.String(s, sourceNames, "Source") }

// MarshalText implements [encoding.TextMarshaler]. The zero Source, that
// of the entries of a [Score] at and after N (no leaf), encodes as the
// empty string.
func (s Source) MarshalText() ([]byte, error) {
	return enumtext.MarshalOptional(s, sourceNames, "score source")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; the empty string
// decodes as the zero Source, and a text it refuses leaves s unchanged.
func (s *Source) UnmarshalText(b []byte) error {
	v, err := enumtext.ParseOptional[Source](string(b), sourceNames, "score source")
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Score is one customer's value (dimensionless, in [0, 1]) with its
// breakdown. Part[k] is the contribution of leaf k of [Scorer.Leaves]:
// Weight_k × Normalized[k], rounded down to a multiple of [Unit]. Current is
// the sum of the parts of the current-value leaves, Potential that of the
// potential-value leaves, and Total = Current + Potential = Σ Part,
// exactly. Entries at and after N are zero.
type Score struct {
	Current, Potential, Total float64
	N                         int
	Normalized                [MaxLeaves]float64
	Part                      [MaxLeaves]float64
	Source                    [MaxLeaves]Source
}

type compiled struct {
	ind, fb    Indicator
	w, missing float64
	prim, fall norm
	fitted     [2]Fitted
}

// Scorer applies a fitted model to customers. It is immutable and safe for
// concurrent use.
type Scorer struct {
	kind     customer.Kind
	leaves   []Leaf
	custom   []CustomIndicator
	cl       [MaxLeaves]compiled
	n        int64
	currency customer.Currency
	asOf     asOfDay
}

// AsOf returns the as-of day of the customers the scorer was fitted on
// ([Stats.AsOf]) and whether it is known: the day its ranges are of,
// which tells how old a fit applied to later customers is (see
// [Scorer.ScoreInto]).
func (sc *Scorer) AsOf() (customer.Date, bool) { return sc.asOf.get() }

// Kind returns the kind of customer the scorer was fitted for.
func (sc *Scorer) Kind() customer.Kind { return sc.kind }

// N returns the number of customers it was fitted on.
func (sc *Scorer) N() int64 { return sc.n }

// Custom returns the custom indicators of the model (a copy; see
// [Model].Custom): Custom()[k] declares the indicator [Custom](k) of
// [Leaf].Measure and [Part].Indicator.
func (sc *Scorer) Custom() []CustomIndicator { return slices.Clone(sc.custom) }

// Leaves returns the model's leaves in breakdown order (a copy).
func (sc *Scorer) Leaves() []Leaf { return append([]Leaf(nil), sc.leaves...) }

// Fitted returns what the fit learned for leaf k's indicator and, when the
// measure has one, for its fallback.
func (sc *Scorer) Fitted(k int) (indicator, fallback Fitted) {
	c := &sc.cl[k]
	return c.fitted[0], c.fitted[1]
}

// ScoreInto scores x into dst without allocating. x must be of the
// scorer's kind, in the currency of the customers it was fitted on (when
// both are known), its known values finite (as [Extract] gives
// them), and its values of the custom indicators the model declares as
// their declarations say (see [Stats.Add]); otherwise it is an [*InputError] naming the customer, wrapping
// a [*customer.CurrencyMismatchError] for the currency, and dst is left
// as it was. A customer observed at another day than the fit's
// ([Scorer.AsOf]) is scored against the fitted ranges, as a shop scores
// today's customer with last night's fit: the score places the customer
// in the population of the fit's day.
func (sc *Scorer) ScoreInto(dst *Score, x *Indicators) error {
	if x.Kind != sc.kind {
		return &InputError{Customer: x.ID, Reason: fmt.Sprintf("kind %v: the scorer is for %v customers", x.Kind, sc.kind)}
	}
	if x.Currency != "" && sc.currency != "" && x.Currency != sc.currency {
		return &InputError{Customer: x.ID, Reason: "currency of the fit", Err: &customer.CurrencyMismatchError{A: sc.currency, B: x.Currency}}
	}
	if err := checkValues(x, sc.custom); err != nil {
		return err
	}
	var cur, pot float64
	nl, prev := len(sc.leaves), dst.N
	dst.N = nl
	for k := 0; k < nl; k++ {
		c := &sc.cl[k]
		var s float64
		src := FromIndicator
		switch {
		case x.known&(1<<c.ind) != 0 && !c.prim.empty:
			s = c.prim.apply(x.at(c.ind))
		case c.fb != 0 && x.known&(1<<c.fb) != 0 && !c.fall.empty:
			s, src = c.fall.apply(x.at(c.fb)), FromFallback
		default:
			s, src = c.missing, FromMissing
		}
		p := math.Floor(c.w*s*(1<<32)) * Unit
		dst.Normalized[k], dst.Part[k], dst.Source[k] = s, p, src
		if sc.leaves[k].InCurrent {
			cur += p
		} else {
			pot += p
		}
	}
	for k := nl; k < prev && k < MaxLeaves; k++ {
		dst.Normalized[k], dst.Part[k], dst.Source[k] = 0, 0, 0
	}
	dst.Current, dst.Potential, dst.Total = cur, pot, cur+pot
	return nil
}

// Score returns the score of x; see [Scorer.ScoreInto].
func (sc *Scorer) Score(x *Indicators) (Score, error) {
	var s Score
	err := sc.ScoreInto(&s, x)
	return s, err
}

// Part is one line of a score's explanation.
type Part struct {
	Path         string
	Indicator    Indicator
	Source       Source
	Raw          float64 // the raw value used (0 when Source is FromMissing)
	Weight       float64 // global weight of the leaf
	Normalized   float64 // score of the leaf in [0, 1]
	Contribution float64 // Weight × Normalized on the Unit grid
}

// Explain returns the breakdown of s (a score of x by sc) line by line:
// the contributions sum to s.Total.
func (sc *Scorer) Explain(x *Indicators, s *Score) []Part {
	out := make([]Part, 0, len(sc.leaves))
	for k, l := range sc.leaves {
		p := Part{Path: l.Path, Indicator: l.Measure.Indicator, Source: s.Source[k], Weight: l.Weight,
			Normalized: s.Normalized[k], Contribution: s.Part[k]}
		switch s.Source[k] {
		case FromIndicator:
			p.Raw = x.at(l.Measure.Indicator)
		case FromFallback:
			p.Indicator = l.Measure.Fallback
			p.Raw = x.at(l.Measure.Fallback)
		}
		out = append(out, p)
	}
	return out
}
