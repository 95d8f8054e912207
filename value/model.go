package value

import (
	"fmt"
	"math"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Transform is applied to a raw indicator before it is normalised.
type Transform uint8

const (
	// Linear leaves the value as it is.
	Linear Transform = iota + 1
	// Log is the signed logarithm t(x) = sign(x)·ln(1 + |x| ÷ s), where
	// the scale s is the population median of |x| over the customers with
	// x ≠ 0 (1 when there is none). It tames money spread over orders of
	// magnitude, keeps the order of customers, handles 0 and negative
	// profit, and — because s scales with the amounts — is unchanged when
	// every amount is multiplied by the same positive constant. It is
	// finite for every finite x, also when |x| ÷ s is beyond float64 (a
	// tiny median beside a huge value): t is then ln|x| − ln s, equal to
	// ln(1 + |x| ÷ s) within rounding.
	//
	// On a min–max measure over values ≥ 0 a customer whose own value
	// rises never scores lower after a refit: a rise from a positive
	// value can only raise s, which lifts every score below the top, and
	// one from 0 starts at the bottom. With negative values in the
	// population that no longer holds: a customer rising towards 0 can
	// lower s (from −2 to −1 in 0, 0, 1, −2, −51 halves it), and a
	// positive one raising s shrinks the positive side against the
	// negative one, so a refitted score can fall a little (by 0.0002 in
	// that example) although the customer's value rose. The order of the
	// customers within one fit is always kept.
	Log
)

var transformNames = []string{"", "linear", "log"}

// ParseTransform parses "linear" or "log".
func ParseTransform(s string) (Transform, error) {
	return enumtext.Parse[Transform](s, transformNames, "value transform")
}

// String returns the transform's name.
func (t Transform) String() string { return enumtext.String(t, transformNames, "Transform") }

// MarshalText implements [encoding.TextMarshaler].
func (t Transform) MarshalText() ([]byte, error) {
	return enumtext.Marshal(t, transformNames, "value transform")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves t as it was.
func (t *Transform) UnmarshalText(b []byte) error { return enumtext.Unmarshal(t, b, ParseTransform) }

// Method normalises a (transformed) indicator to [0, 1]: across the
// population (MinMax, ZScore, PercentileRank), or on the indicator's own
// scale (Absolute).
type Method uint8

const (
	// MinMax maps t to (t − min) ÷ (max − min) over the population
	// (after clipping, when set; see [Measure]); values outside the
	// fitted range are clamped to [0, 1].
	MinMax Method = iota + 1
	// ZScore maps t to Φ((t − μ) ÷ σ), the standard normal distribution
	// function of the z-score, with μ and σ the population mean and
	// standard deviation (divisor n) after clipping, when set. Φ puts the z-score on [0, 1] so it
	// adds up with the other indicators.
	ZScore
	// PercentileRank maps x to its mid-rank share of the population,
	// (#below + #equal ÷ 2) ÷ n, robust to any outlier; see [Scorer] for
	// the interpolation between fitted knots.
	PercentileRank
	// Absolute takes an indicator that is already on an absolute [0, 1]
	// scale as it is: x clamped to [0, 1], with no population statistic at
	// all. A customer's score is then the same in any population, and a
	// population where everybody is equal scores that value, not 0.5: a
	// credit rating of AA is 7/8 ([customer.CreditRating.Score]) whoever
	// else is rated, and Missing is a point of the indicator's own scale
	// (for the credit rating 0.5 is BB, the middle of its scale), not of the
	// population's range. Only the indicators on [0, 1] take it
	// (FullPriceShare, ReturnRate, Credit), as indicator and as fallback,
	// with the Linear transform and no clipping: a log transform would
	// depend on the population's median and clipping on its quantiles.
	Absolute
)

var methodNames = []string{"", "min-max", "z-score", "percentile-rank", "absolute"}

// ParseMethod parses "min-max", "z-score", "percentile-rank" or
// "absolute".
func ParseMethod(s string) (Method, error) {
	return enumtext.Parse[Method](s, methodNames, "normalisation method")
}

// String returns the method's name.
func (m Method) String() string { return enumtext.String(m, methodNames, "Method") }

// MarshalText implements [encoding.TextMarshaler].
func (m Method) MarshalText() ([]byte, error) {
	return enumtext.Marshal(m, methodNames, "normalisation method")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves m as it was.
func (m *Method) UnmarshalText(b []byte) error { return enumtext.Unmarshal(m, b, ParseMethod) }

// Measure says how a leaf of the hierarchy turns a raw indicator into a
// normalised score in [0, 1] (1 is best):
//
//  1. clip, when Winsor > 0 (PercentileRank, robust already, ignores it;
//     Absolute refuses it): clamp x to the bounds below, fitted on the
//     population;
//  2. transform (see [Transform]);
//  3. normalise (see [Method]); a constant indicator (all customers equal,
//     or a population of one) scores 0.5 for everybody, except on an
//     Absolute measure, which scores every customer on the indicator's own
//     scale;
//  4. invert to 1 − score when LowerIsBetter.
//
// The clipping bounds are found on the transformed values. Let
// t₀ ≤ … ≤ tₙ₋₁ be the transformed values of the n customers,
// k = ⌊Winsor·(n − 1)⌋, a = tₖ and b = tₙ₋₁₋ₖ the winsorising quantiles
// (which clip nothing in a population smaller than 1 ÷ Winsor + 1), and
// H₁, H₃ Tukey's hinges: the values at depth (⌊(n + 1) ÷ 2⌋ + 1) ÷ 2 from
// either end, the mean of two neighbours when the depth is a half. The
// upper bound is the least of
//
//   - b;
//   - the outer fence H₃ + 3·(H₃ − a), when the hinges lie strictly
//     inside the quantiles and H₃ > a: Tukey's outer fence, two steps of
//     1.5 spreads beyond the hinge (Tukey 1977, Exploratory Data
//     Analysis), with the spread measured from a instead of from H₁. It
//     catches a cluster of far-out values;
//   - the gap cap a + 2·(tₙ₋₂₋ₖ − a), when n − 2 − k > 1 + k (the
//     runners-up at either end are different customers): the most extreme value reaches at most twice as far from
//     a as the runner-up, that is the gap ratio (b − tₙ₋₂₋ₖ) ÷ (b − a) of
//     Dixon's test for a single outlier is at most ½ (Dixon 1950,
//     "Analysis of extreme values", Ann. Math. Statist. 21). It catches a
//     lone extreme value at any population size;
//
// and the lower bound mirrors it: the greatest of a, H₁ − 3·(b − H₁) and
// b − 2·(b − t₁₊ₖ). The money, count and day measures of [DefaultModel]
// are so clipped (Winsor = [DefaultWinsor]): with 60 customers spending
// 20 … 2,380 € and one spending 1e9, the current values of the 60 span
// 0.040 … 0.250 (0.040 … 0.460 without the outlier; 0.040 … 0.073 with
// the quantiles alone); money spread evenly over five orders of
// magnitude is not clipped.
//
// A bound is the fence itself, not the nearest population value inside
// it, and is anchored at the opposite quantile, not at the other hinge:
// then the clipping never makes a customer whose own amount rises score
// lower on a min–max measure after a refit (a bound snapped to a population value would jump past the customer as
// its rise let a far-out value back in, and a fence anchored at H₁ would
// outrun the customer at H₃). The price is that a lone outlier still
// halves the range of the others.
//
// If the two bounds meet while the customers differ (most customers
// share one value, such as no interactions, and the bounds fall on it),
// clipping would make the indicator constant and erase a rare signal: the
// bounds then move out to the nearest distinct values below and above
// the median, so that the one customer in 102 with interactions still
// scores 1 and the others 0.
//
// A customer whose indicator is unknown gets the normalised score of
// Fallback (an indicator normalised the same way over its own population)
// when that is known, and Missing otherwise.
type Measure struct {
	Indicator     Indicator `json:"indicator"`
	Transform     Transform `json:"transform"`
	Method        Method    `json:"method"`
	Winsor        float64   `json:"winsor,omitzero"` // quantile share clipped at each tail, in [0, 0.5); 0 = no clipping at all
	LowerIsBetter bool      `json:"lower_is_better,omitzero"`
	Fallback      Indicator `json:"fallback,omitzero"` // optional
	Missing       float64   `json:"missing,omitzero"`  // in [0, 1]
}

// Node is a node of the indicator hierarchy (domain rules §2: value → current /
// potential → indicator groups → measurable indicators, at most four
// levels). A leaf has a Measure and no children. Weight is the node's
// share of its parent: the weights of siblings are positive and sum to 1
// (within 1e-9; the leaves' global weights are then rescaled to sum to
// exactly 1). When Pairwise is set, the children's weights are instead
// derived from it by [AHP] (row i compares child i), and a matrix with
// CR ≥ 0.1 is an error, as is a child's Weight set to another value than
// the matrix gives (leave it 0). Name is required, is unique among its siblings
// (current and potential are siblings) and holds no "/", so that a path
// such as "potential/growth/recent-spend" names one node.
type Node struct {
	Name     string      `json:"name"`
	Weight   float64     `json:"weight,omitzero"`
	Pairwise [][]float64 `json:"pairwise,omitempty"`
	Children []Node      `json:"children,omitempty"`
	Measure  *Measure    `json:"measure,omitempty"`
}

// Model is an indicator hierarchy for one kind of customer. Its level 1 is
// the customer's value; Current and Potential are its two level-2 nodes,
// whose weights sum to 1. A customer's total score is the weighted sum of
// its normalised leaves, Σ w_leaf·score_leaf, where w_leaf is the product
// of the weights on the leaf's path; the current and potential scores are
// the parts of that sum under each node, so current + potential = total.
// Each leaf is normalised over the population as its [Measure] says
// (or, with [Absolute], on its indicator's own [0, 1] scale),
// with far-out values clipped by quantiles, Tukey's outer fences (Tukey
// 1977) and a cap on the lead of the most extreme customer, and rare
// signals kept from being clipped away. A consumer's model may not
// measure the trade indicators (Turnover to MarketSize), which only an
// intermediary's record holds.
//
// A Model is configuration and keeps as JSON ([encoding/json]): keys in
// snake_case, enumerations by their names ("intermediary", "log",
// "min-max", "return-rate"), zero fields left out; an unknown name is an
// error of the decoding. A decoded model is checked where it is used, as
// any other.
type Model struct {
	Kind      customer.Kind `json:"kind"`
	Current   Node          `json:"current"`
	Potential Node          `json:"potential"`
}

// MaxLeaves is the largest number of leaves a [Model] may have: the size
// of the breakdown arrays of [Score].
const MaxLeaves = 32

// Leaf describes one compiled leaf of a fitted model.
type Leaf struct {
	Path    string  // "current/profit/profit"
	Weight  float64 // global weight: product of the weights on the path
	Measure Measure
	// InCurrent is true for leaves under the current-value node.
	InCurrent bool
}

// Validate reports what is wrong with m as [Fit] and [NewStats] would,
// before any customer is read: a [*ModelError] naming the node's path
// ("potential/growth/recent-spend"; none for an invalid Kind) and the
// reason, a [*ConsistencyError] naming the node of a pairwise matrix
// whose consistency ratio is 0.1 or more, or nil. A model
// decoded from JSON, or edited by an operator, is checked by it where
// it is loaded.
func (m Model) Validate() error {
	_, err := m.compile()
	return err
}

// compile validates m and flattens it into leaves with global weights.
func (m *Model) compile() ([]Leaf, error) {
	if !m.Kind.Valid() {
		return nil, &ModelError{Reason: fmt.Sprintf("kind %v: must be consumer or intermediary", m.Kind)}
	}
	top := []Node{m.Current, m.Potential}
	if err := checkSiblings("", top); err != nil {
		return nil, err
	}
	if err := checkWeights("", top); err != nil {
		return nil, err
	}
	var leaves []Leaf
	for i := range top {
		if err := flatten(&top[i], top[i].Name, top[i].Weight, 2, i == 0, &leaves); err != nil {
			return nil, err
		}
	}
	// Rescale so the global weights sum to 1 to the last bit (sibling
	// weights were accepted within 1e-9 of summing to 1).
	sum := 0.0
	for _, l := range leaves {
		sum += l.Weight
	}
	for i := range leaves {
		leaves[i].Weight /= sum
	}
	if len(leaves) > MaxLeaves {
		return nil, &ModelError{Reason: fmt.Sprintf("%d leaves: at most %d", len(leaves), MaxLeaves)}
	}
	if m.Kind == customer.Consumer {
		// A consumer has no trade data: such a leaf would score every
		// consumer by its Missing value, a weight that measures nothing.
		for _, l := range leaves {
			if trade(l.Measure.Indicator) {
				return nil, &ModelError{Path: l.Path, Reason: fmt.Sprintf("indicator %s comes from an intermediary's trade data, which a consumer has none of", l.Measure.Indicator)}
			}
		}
	}
	return leaves, nil
}

// trade reports whether i is read from an intermediary's trade data
// (customer.Trade).
func trade(i Indicator) bool { return i >= Turnover && i <= MarketSize }

func flatten(n *Node, path string, w float64, level int, cur bool, out *[]Leaf) error {
	if n.Name == "" {
		return &ModelError{Path: path, Reason: "node without a name"}
	}
	if strings.Contains(n.Name, "/") {
		return &ModelError{Path: path, Reason: fmt.Sprintf(`name %q: "/" separates the names of a path`, n.Name)}
	}
	if n.Measure != nil {
		if len(n.Children) > 0 {
			return &ModelError{Path: path, Reason: "a leaf (with a measure) cannot have children"}
		}
		if level < 3 {
			return &ModelError{Path: path, Reason: "current and potential need indicators below them"}
		}
		if err := checkMeasure(path, n.Measure); err != nil {
			return err
		}
		*out = append(*out, Leaf{Path: path, Weight: w, Measure: *n.Measure, InCurrent: cur})
		return nil
	}
	if len(n.Children) == 0 {
		return &ModelError{Path: path, Reason: "node has neither a measure nor children"}
	}
	if level >= 4 {
		return &ModelError{Path: path, Reason: "more than four levels: a level-4 node must be a measurable indicator"}
	}
	if err := checkSiblings(path, n.Children); err != nil {
		return err
	}
	var weights []float64
	if n.Pairwise != nil {
		if len(n.Pairwise) != len(n.Children) {
			return &ModelError{Path: path, Reason: fmt.Sprintf("pairwise matrix of order %d for %d children", len(n.Pairwise), len(n.Children))}
		}
		r, err := AHP(n.Pairwise)
		if err != nil {
			switch e := err.(type) {
			case *ConsistencyError:
				e.Path = path
			case *ModelError:
				e.Path = path
			}
			return err
		}
		weights = r.Weights
		for i, c := range n.Children {
			if c.Weight != 0 && math.Abs(c.Weight-weights[i]) > 1e-9 {
				return &ModelError{Path: path + "/" + c.Name, Reason: fmt.Sprintf("weight %v set beside the pairwise matrix of its parent, which gives %v: leave it 0", c.Weight, weights[i])}
			}
		}
	} else if err := checkWeights(path, n.Children); err != nil {
		return err
	}
	for i := range n.Children {
		c := &n.Children[i]
		cw := c.Weight
		if weights != nil {
			cw = weights[i]
		}
		if err := flatten(c, path+"/"+c.Name, w*cw, level+1, cur, out); err != nil {
			return err
		}
	}
	return nil
}

// checkSiblings refuses two siblings of one name, so that a path (of a
// [Leaf], a [Part] or a [ModelError]) names one node.
func checkSiblings(path string, nodes []Node) error {
	for i := range nodes {
		for j := range i {
			if nodes[i].Name != "" && nodes[i].Name == nodes[j].Name {
				p := nodes[i].Name
				if path != "" {
					p = path + "/" + p
				}
				return &ModelError{Path: p, Reason: fmt.Sprintf("another sibling is named %q", nodes[i].Name)}
			}
		}
	}
	return nil
}

func checkWeights(path string, nodes []Node) error {
	sum := 0.0
	for _, c := range nodes {
		p := c.Name
		if path != "" {
			p = path + "/" + c.Name
		}
		if math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) || c.Weight <= 0 {
			return &ModelError{Path: p, Reason: fmt.Sprintf("weight %v: must be positive (remove a node to leave it out)", c.Weight)}
		}
		sum += c.Weight
	}
	if math.Abs(sum-1) > 1e-9 {
		where := path
		if where == "" {
			where = "value"
		}
		return &ModelError{Path: where, Reason: fmt.Sprintf("weights of the children sum to %v, want 1", sum)}
	}
	return nil
}

func checkMeasure(path string, m *Measure) error {
	bad := func(f string, a ...any) error { return &ModelError{Path: path, Reason: fmt.Sprintf(f, a...)} }
	switch {
	case !m.Indicator.Valid():
		return bad("indicator %v is not defined", m.Indicator)
	case m.Transform != Linear && m.Transform != Log:
		return bad("transform %v is not defined", m.Transform)
	case m.Method < MinMax || m.Method > Absolute:
		return bad("method %v is not defined", m.Method)
	case !(m.Winsor >= 0 && m.Winsor < 0.5):
		return bad("winsor share %v: must be in [0, 0.5)", m.Winsor)
	case m.Fallback != 0 && !m.Fallback.Valid():
		return bad("fallback indicator %v is not defined", m.Fallback)
	case !(m.Missing >= 0 && m.Missing <= 1):
		return bad("missing score %v: must be in [0, 1]", m.Missing)
	}
	if m.Method == Absolute {
		switch {
		case !unitScale(m.Indicator):
			return bad("indicator %s is not on a [0, 1] scale: the absolute method takes full-price-share, return-rate or credit", m.Indicator)
		case m.Fallback != 0 && !unitScale(m.Fallback):
			return bad("fallback indicator %s is not on a [0, 1] scale: the absolute method takes full-price-share, return-rate or credit", m.Fallback)
		case m.Transform != Linear:
			return bad("%v transform with the absolute method: the value is taken on its own scale, linear", m.Transform)
		case m.Winsor != 0:
			return bad("winsor share %v with the absolute method: it fits no population bounds, leave it 0", m.Winsor)
		}
	}
	return nil
}

// unitScale reports whether i is on an absolute [0, 1] scale, the same in
// every population, so that the [Absolute] method may take it.
func unitScale(i Indicator) bool { return i == FullPriceShare || i == ReturnRate || i == Credit }
