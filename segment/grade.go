package segment

import (
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// GradeOptions set the customer grades (domain rules §3.3, 004), one
// classification in three levels, computed when [Options].Grades is not
// nil:
//
//   - A: strategic customers (战略客户), the "A high-value customers"
//     (A类客户是高价值客户);
//   - B: important customers (重要客户), the "B potential customers"
//     (B类客户是潜力客户);
//   - C: ordinary customers (一般客户), the "C ordinary customers"
//     (C类客户是一般客户).
//
// The source grades customers "by customer value and demand
// characteristics" and "by consumption habits, purchasing power and
// loyalty", and gives no numbers. The default is the classic ABC
// customer analysis (the Pareto split: a fifth of the customers bring
// most of the value), by rank of total value — current plus potential
// value, [value.Score].Total, which weighs purchases, purchasing power
// and loyalty (domain rules §2) — within the customer's kind: consumers
// and intermediaries are valued by different models and graded apart, as
// for the quadrants. With n the customers of the kind in the fit and x a
// customer's total value:
//
//	rank(x) = 1 + #{customers of the kind whose total value is above x}
//	A       when rank(x) ≤ ⌈AShare · n⌉             (the top 20%)
//	B       when rank(x) ≤ ⌈(AShare + BShare) · n⌉  (the next 30%)
//	C       otherwise                               (the other 50%)
//
// Ties: customers of equal total value share the best of their ranks,
// so they get the same grade, the better one when they straddle a cut.
// The grades thus depend only on the multiset of the kind's total values,
// never on the order of the customers or of the shards; A holds exactly
// ⌈AShare · n⌉ customers unless several tie at the cut, when it holds
// them all. A share is read as the shortest decimal that denotes it (0.2
// is two tenths, not the binary fraction nearest to it), so that
// ⌈AShare · n⌉ is exact. [Model.GradeThresholds] reports the least total
// value of A and of B by rank; a customer outside the fit is graded by
// comparing its total value with them.
//
// The "B potential" of the source: a customer of the potential-value
// quadrant (low current, high potential value, domain rules §3.1) who is
// not A is at least B, as the source names B by its potential.
// NoPotentialB turns this off, leaving the ranks alone.
//
// Zero fields take the defaults: AShare 0.2, BShare 0.3. A share that is
// set must lie in (0, 1), and AShare + BShare must be below 1, so that C
// is not empty by construction. Like the quadrant rule, the grade
// options are read only when the second pass is fitted
// ([ThresholdStats.Model]): first-pass statistics gathered with other
// grade options merge and decode, and the options of the receiver apply.
type GradeOptions struct {
	// AShare is the share of the customers of a kind ranked A; 0 means 0.2.
	AShare float64
	// BShare is the share ranked B after them; 0 means 0.3.
	BShare float64
	// NoPotentialB turns off the rule that a potential-value customer
	// who is not A is B.
	NoPotentialB bool
}

// Default grade shares of [GradeOptions].
const (
	defaultAShare = 0.2
	defaultBShare = 0.3
)

// shares returns the validated shares of A and B as decimals, defaults
// applied, or an error wrapping ErrInvalidOptions that names the field.
func (g *GradeOptions) shares() (a, b decimal.Decimal, err error) {
	var d [2]decimal.Decimal
	for i, c := range []struct {
		name    string
		v, dflt float64
	}{{"Grades.AShare", g.AShare, defaultAShare}, {"Grades.BShare", g.BShare, defaultBShare}} {
		v := c.v
		if v == 0 {
			v = c.dflt
		}
		if !(v > 0 && v < 1) {
			return a, b, fmt.Errorf("segment: %s = %v: must be in (0, 1): %w", c.name, c.v, ErrInvalidOptions)
		}
		d[i] = decimal.NewFromFloat(v)
	}
	if sum := d[0].Add(d[1]); !sum.LessThan(decimal.NewFromInt(1)) {
		return a, b, fmt.Errorf("segment: Grades.AShare + Grades.BShare = %v + %v = %v: must be below 1: %w", d[0], d[1], sum, ErrInvalidOptions)
	}
	return d[0], d[1], nil
}

// GradeThresholds are the grade cuts of one kind (see [GradeOptions]).
// A customer of the kind is A when its total value is at least A, else B
// when it is at least B, else C — or B, when it is of the potential-value
// quadrant and PotentialB is set.
type GradeThresholds struct {
	// Kind is the kind of customer the cuts are of.
	Kind customer.Kind
	// N is the number of customers of the kind in the fit. It and the
	// fields below are zero when the fit had no customer of the kind, or
	// when the options grade nobody (Options.Grades nil): nobody of the
	// kind is then graded.
	N int64
	// TopA = ⌈AShare · N⌉ and TopAB = ⌈(AShare + BShare) · N⌉ are the
	// last ranks of A and of B.
	TopA, TopAB int64
	// A and B are the total values at ranks TopA and TopAB (counted
	// from the highest): the least total value of A, and of B by rank.
	A, B float64
	// PotentialB tells whether potential-value customers are at least B.
	PotentialB bool
}

// gradeThresholds fits the grade cuts of kind k from the total values
// tots of its customers (sorting tots).
func gradeThresholds(k customer.Kind, tots []float64, opts *GradeOptions) GradeThresholds {
	g := GradeThresholds{Kind: k, N: int64(len(tots)), PotentialB: !opts.NoPotentialB}
	if g.N == 0 {
		return g
	}
	a, b, err := opts.shares()
	if err != nil {
		// NewStats validated the options the Scoring carries.
		panic(err)
	}
	n := decimal.NewFromInt(g.N)
	g.TopA = a.Mul(n).Ceil().IntPart()
	g.TopAB = a.Add(b).Mul(n).Ceil().IntPart()
	slices.Sort(tots)
	g.A, g.B = tots[g.N-g.TopA], tots[g.N-g.TopAB]
	return g
}

// GradeThresholds returns the grade cuts of kind k.
func (m *Model) GradeThresholds(k customer.Kind) GradeThresholds {
	if m == nil {
		return GradeThresholds{}
	}
	return m.grades[kindIndex(k)]
}

// Grade returns the grade of a customer of kind k with value scores v
// (see [GradeOptions]): A when its total value, v.Current + v.Potential,
// is at least the kind's [GradeThresholds].A, B when at least its B or
// when the customer is of the potential-value quadrant ([Model.Quadrant])
// and the options keep potential-value customers B, C otherwise. An
// invalid kind, a kind without customers in the fit, options that grade
// nobody (Options.Grades nil), or a total value that is not a finite
// number (no score: NaN or infinite current or potential value) give the
// zero Grade.
func (m *Model) Grade(k customer.Kind, v value.Score) Grade {
	if m == nil || !k.Valid() {
		return 0
	}
	g := &m.grades[kindIndex(k)]
	t := v.Current + v.Potential
	if g.N == 0 || math.IsNaN(t) || math.IsInf(t, 0) {
		return 0
	}
	switch {
	case t >= g.A:
		return GradeA
	case t >= g.B, g.PotentialB && m.Quadrant(k, v) == PotentialValue:
		return GradeB
	}
	return GradeC
}
