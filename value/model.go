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
	// (FullPriceShare, ReturnRate, Credit, and a custom indicator
	// declared [CustomIndicator].UnitScale), as indicator and as
	// fallback, with the Linear transform and no clipping: a log
	// transform would depend on the population's median and clipping on
	// its quantiles.
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
//
// Custom declares the indicators the caller measures itself (at most
// [MaxCustom]): values the library cannot derive from a summary, numbers
// such as a survey score, a target-customer flag or a dealer's number of
// staff trained, or amounts of money such as a credit bureau's limit
// ([CustomIndicator].Money). Custom[k] is the indicator [Custom](k): a
// leaf measures it, or falls back to it, as a built-in one, with any
// transform and method ([Absolute] only when it is declared on a unit
// scale), and the caller sets its values on each customer's
// [Indicators] (see [Model.SetCustom] for a number,
// [Model.SetCustomAmount] for money). In the model's JSON a measure
// names it by its declared name.
type Model struct {
	Kind      customer.Kind     `json:"kind"`
	Custom    []CustomIndicator `json:"custom,omitempty"`
	Current   Node              `json:"current"`
	Potential Node              `json:"potential"`
}

// CustomIndicator declares an indicator of a [Model] that the caller
// measures outside the library (domain rules §2: the level-4 indicators
// a retailer chooses).
type CustomIndicator struct {
	// Name names the indicator in the model's JSON and in errors. It is
	// required, unique among the model's custom indicators, and neither
	// the name of a built-in indicator ("profit") nor the text
	// "custom-k" of [Custom](k).
	Name string `json:"name"`
	// Money says that the values are amounts of money ([customer.Money],
	// never a float64): they are set with [Model.SetCustomAmount] (or
	// [Indicators.SetAmount]) in the customer's currency, and converted
	// by [Indicators.Convert] as the built-in money indicators. A value
	// set as a number where the model declares money, or the other way
	// round, is refused by [Model.SetCustom] and [Model.SetCustomAmount],
	// and, for every custom indicator the model declares (a leaf reading
	// it or not), by [Stats.Add] and [Scorer.ScoreInto].
	Money bool `json:"money,omitzero"`
	// UnitScale says that the values lie on an absolute [0, 1] scale,
	// the same in any population (a survey score as a share, a flag of 0
	// or 1), so that the [Absolute] method may take them; a value
	// outside [0, 1] is then refused. Money is on no such scale.
	UnitScale bool `json:"unit_scale,omitzero"`
}

// CustomValue is one customer's value of a custom indicator, named as
// the model declares it ([CustomIndicator].Name): Value for a number,
// Amount for an indicator declared Money (Value is then 0). A zero
// Amount (no currency) is no amount: the value is the number Value.
type CustomValue struct {
	Name   string
	Value  float64
	Amount customer.Money
}

// SetCustom sets the number v as the value of the custom indicator that
// m declares by name on x ([Indicators.Set]). A name m does not declare,
// an indicator declared Money (set with [Model.SetCustomAmount]), a
// value that is not a finite number, and one outside [0, 1] for an
// indicator declared UnitScale are an [*InputError] naming the customer
// and the indicator (its Indicator set, but for an undeclared name);
// x is then left as it was.
func (m *Model) SetCustom(x *Indicators, name string, v float64) error {
	k, err := m.customOf(x, name)
	if err != nil {
		return err
	}
	d := &m.Custom[k]
	if d.Money {
		return &InputError{Customer: x.ID, Indicator: Custom(k), Name: d.Name, Value: v,
			Reason: "a number where the model declares an amount of money (set it with Model.SetCustomAmount)"}
	}
	if err := checkCustomValue(x.ID, d, Custom(k), v); err != nil {
		return err
	}
	x.Set(Custom(k), v)
	return nil
}

// SetCustomAmount sets the amount of money a as the value of the custom
// indicator that m declares by name, declared Money, on x
// ([Indicators.SetAmount]): a must be in x.Currency, and a customer
// without a currency takes a's (until no custom amount is left: see
// [Indicators.Set]). A name m does not declare, an indicator
// declared as a number (set with [Model.SetCustom]), an amount without
// a currency or in another currency than x's, and one beyond the
// float64 range are an [*InputError] naming the customer and the
// indicator; x is then left as it was.
func (m *Model) SetCustomAmount(x *Indicators, name string, a customer.Money) error {
	k, err := m.customOf(x, name)
	if err != nil {
		return err
	}
	if d := &m.Custom[k]; !d.Money {
		return &InputError{Customer: x.ID, Indicator: Custom(k), Name: d.Name, Value: Float(a.Amount()),
			Reason: "an amount of money where the model declares a number (set it with Model.SetCustom)"}
	}
	return x.setAmount(Custom(k), name, a)
}

// customOf returns the k of the custom indicator m declares as name, or
// an [*InputError] naming customer x.ID and name.
func (m *Model) customOf(x *Indicators, name string) (int, error) {
	k := m.customIndex(name)
	if k < 0 || k >= MaxCustom {
		return 0, &InputError{Customer: x.ID, Reason: fmt.Sprintf("custom indicator %q: the %v model declares none of that name", name, m.Kind)}
	}
	return k, nil
}

// customIndex returns the k of the custom indicator named name, or −1.
func (m *Model) customIndex(name string) int {
	for k := range m.Custom {
		if m.Custom[k].Name == name {
			return k
		}
	}
	return -1
}

// checkCustomValue returns an [*InputError] naming customer id and
// custom indicator i, declared as d, when v is not a value of it.
func checkCustomValue(id customer.ID, d *CustomIndicator, i Indicator, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return &InputError{Customer: id, Indicator: i, Name: d.Name, Value: v}
	case d.UnitScale && !(v >= 0 && v <= 1):
		return &InputError{Customer: id, Indicator: i, Name: d.Name, Value: v, Reason: "outside [0, 1], the scale it is declared on (unit_scale)"}
	}
	return nil
}

// checkValues returns an [*InputError] for the first value of x that is
// not a finite number, naming a custom indicator by its name in custom,
// or for the first custom value that custom refuses (checkCustom).
func checkValues(x *Indicators, custom []CustomIndicator) error {
	if err := x.check(); err != nil {
		if e, ok := err.(*InputError); ok {
			e.Name = customName(e.Indicator, custom)
		}
		return err
	}
	if len(custom) > 0 {
		return checkCustom(x, custom)
	}
	return nil
}

// checkCustom returns an [*InputError] for the first custom indicator
// declared in custom that x knows with a value its declaration refuses:
// one that is not a finite number, one outside [0, 1] on a unit scale,
// or money set as a number or the other way round
// ([CustomIndicator].Money).
func checkCustom(x *Indicators, custom []CustomIndicator) error {
	for k := range custom {
		i := Custom(k)
		if !x.Known(i) {
			continue
		}
		d := &custom[k]
		v := x.at(i)
		if err := checkCustomValue(x.ID, d, i, v); err != nil {
			return err
		}
		if money := x.amounts&(1<<k) != 0; money != d.Money {
			why := "set as an amount of money (Indicators.SetAmount), the model declares a number"
			if d.Money {
				why = "set as a number (Indicators.Set), the model declares an amount of money"
			}
			return &InputError{Customer: x.ID, Indicator: i, Name: d.Name, Value: v, Reason: why}
		}
	}
	return nil
}

// checkCustomDecl validates the custom indicators a model declares.
func checkCustomDecl(custom []CustomIndicator) error {
	if len(custom) > MaxCustom {
		return &ModelError{Reason: fmt.Sprintf("%d custom indicators: at most %d", len(custom), MaxCustom)}
	}
	for k, c := range custom {
		bad := func(f string, a ...any) error {
			return &ModelError{Reason: fmt.Sprintf("custom indicator %d (%q): ", k, c.Name) + fmt.Sprintf(f, a...)}
		}
		if c.Name == "" {
			return bad("name: required")
		}
		if i, err := ParseIndicator(c.Name); err == nil {
			if _, ok := i.CustomIndex(); ok {
				return bad("name: the text of the indicator %v outside a model, reserved", i)
			}
			return bad("name: the name of a built-in indicator")
		}
		for j := range k {
			if custom[j].Name == c.Name {
				return bad("name: custom indicator %d has it too", j)
			}
		}
		if c.Money && c.UnitScale {
			return bad("money and unit_scale: an amount of money is on no absolute [0, 1] scale")
		}
	}
	return nil
}

// indicatorName returns the name of i in a model declaring custom: its
// declared name for a custom indicator.
func indicatorName(i Indicator, custom []CustomIndicator) string {
	if k, ok := i.CustomIndex(); ok && k < len(custom) {
		return custom[k].Name
	}
	return i.String()
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
	if err := checkCustomDecl(m.Custom); err != nil {
		return nil, err
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
		if err := flatten(&top[i], top[i].Name, top[i].Weight, 2, i == 0, m.Custom, &leaves); err != nil {
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

func flatten(n *Node, path string, w float64, level int, cur bool, custom []CustomIndicator, out *[]Leaf) error {
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
		if err := checkMeasure(path, n.Measure, custom); err != nil {
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
		if err := flatten(c, path+"/"+c.Name, w*cw, level+1, cur, custom, out); err != nil {
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

func checkMeasure(path string, m *Measure, custom []CustomIndicator) error {
	bad := func(f string, a ...any) error { return &ModelError{Path: path, Reason: fmt.Sprintf(f, a...)} }
	switch {
	case !m.Indicator.Valid():
		return bad("indicator %v is not defined", m.Indicator)
	case !declared(m.Indicator, custom):
		return bad("indicator %v: the model declares %d custom indicators", m.Indicator, len(custom))
	case m.Transform != Linear && m.Transform != Log:
		return bad("transform %v is not defined", m.Transform)
	case m.Method < MinMax || m.Method > Absolute:
		return bad("method %v is not defined", m.Method)
	case !(m.Winsor >= 0 && m.Winsor < 0.5):
		return bad("winsor share %v: must be in [0, 0.5)", m.Winsor)
	case m.Fallback != 0 && !m.Fallback.Valid():
		return bad("fallback indicator %v is not defined", m.Fallback)
	case m.Fallback != 0 && !declared(m.Fallback, custom):
		return bad("fallback indicator %v: the model declares %d custom indicators", m.Fallback, len(custom))
	case !(m.Missing >= 0 && m.Missing <= 1):
		return bad("missing score %v: must be in [0, 1]", m.Missing)
	}
	if m.Method == Absolute {
		const takes = "the absolute method takes full-price-share, return-rate, credit or a custom indicator declared unit_scale"
		switch {
		case !unitScale(m.Indicator, custom):
			return bad("indicator %s is not on a [0, 1] scale: %s", indicatorName(m.Indicator, custom), takes)
		case m.Fallback != 0 && !unitScale(m.Fallback, custom):
			return bad("fallback indicator %s is not on a [0, 1] scale: %s", indicatorName(m.Fallback, custom), takes)
		case m.Transform != Linear:
			return bad("%v transform with the absolute method: the value is taken on its own scale, linear", m.Transform)
		case m.Winsor != 0:
			return bad("winsor share %v with the absolute method: it fits no population bounds, leave it 0", m.Winsor)
		}
	}
	return nil
}

// declared reports whether i is a built-in indicator or a custom one that
// custom declares.
func declared(i Indicator, custom []CustomIndicator) bool {
	k, ok := i.CustomIndex()
	return !ok || k < len(custom)
}

// unitScale reports whether i is on an absolute [0, 1] scale, the same in
// every population, so that the [Absolute] method may take it: a custom
// indicator when it is declared so.
func unitScale(i Indicator, custom []CustomIndicator) bool {
	if k, ok := i.CustomIndex(); ok {
		return k < len(custom) && custom[k].UnitScale
	}
	return i == FullPriceShare || i == ReturnRate || i == Credit
}
