package segment

import "github.com/tailorcrm/tailor/internal/enumtext"

// Quadrant is the class of domain rules §3.1: current value and potential value,
// each high or low against a threshold of the customer's kind.
type Quadrant uint8

const (
	// HighValue: high current and high potential value (高价值客户).
	HighValue Quadrant = iota + 1
	// PotentialValue: low current, high potential value (潜在价值客户).
	PotentialValue
	// SecondaryValue: high current, low potential value (次价值客户).
	SecondaryValue
	// LowValue: low current and low potential value (低价值客户).
	LowValue
)

var quadrantNames = []string{"", "high-value", "potential-value", "secondary-value", "low-value"}

// ParseQuadrant parses "high-value", "potential-value", "secondary-value"
// or "low-value".
func ParseQuadrant(s string) (Quadrant, error) {
	return enumtext.Parse[Quadrant](s, quadrantNames, "quadrant")
}

// String returns the quadrant's name.
func (q Quadrant) String() string { return enumtext.String(q, quadrantNames, "Quadrant") }

// Valid reports whether q is a defined quadrant.
func (q Quadrant) Valid() bool { return enumtext.Valid(q, quadrantNames) }

// MarshalText implements [encoding.TextMarshaler]. The zero Quadrant,
// that of a score against no thresholds ([Model.Quadrant]), is the
// empty text; any other undefined value is an error.
func (q Quadrant) MarshalText() ([]byte, error) {
	return enumtext.MarshalOptional(q, quadrantNames, "quadrant")
}

// UnmarshalText implements [encoding.TextUnmarshaler]: the empty text is
// the zero Quadrant. A text that names no quadrant is an error and
// leaves q as it was.
func (q *Quadrant) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(q, b, func(s string) (Quadrant, error) {
		return enumtext.ParseOptional[Quadrant](s, quadrantNames, "quadrant")
	})
}

// Stage is a lifecycle stage of domain rules §3.3.
type Stage uint8

const (
	// StageNew: first purchase within the new-customer window; for a
	// customer who never bought, an interaction within it. An intermediary whose trade
	// record dates its cooperation further back than the window is not
	// new (see [LifecycleOptions]).
	StageNew Stage = iota + 1
	// StageActive: buying in their own rhythm.
	StageActive
	// StageDormant (sleeping): overdue by their own rhythm; also a
	// customer who never bought and has not interacted within the
	// new-customer window (registered, asleep, to wake up).
	StageDormant
	// StageLost: bought, and so long overdue that they are probably
	// gone; also a customer whose history holds only refunds of goods
	// bought before it, in contact or not. A customer who has never
	// bought is not lost (see [LifecycleOptions]).
	StageLost
)

var stageNames = []string{"", "new", "active", "dormant", "lost"}

// ParseStage parses "new", "active", "dormant" or "lost".
func ParseStage(s string) (Stage, error) {
	return enumtext.Parse[Stage](s, stageNames, "lifecycle stage")
}

// String returns the stage's name.
func (s Stage) String() string { return enumtext.String(s, stageNames, "Stage") }

// Valid reports whether s is a defined stage.
func (s Stage) Valid() bool { return enumtext.Valid(s, stageNames) }

// MarshalText implements [encoding.TextMarshaler].
func (s Stage) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, stageNames, "lifecycle stage")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves s as it was.
func (s *Stage) UnmarshalText(b []byte) error { return enumtext.Unmarshal(s, b, ParseStage) }

// ShopType is one of the four customer types of a clothing shop (domain rules
// §3.2).
type ShopType uint8

const (
	// ShopLoyal (忠诚型): large spend per purchase, high frequency, new
	// or active (see [ShopTypeOptions]).
	ShopLoyal ShopType = iota + 1
	// ShopPotential (潜在型): shows interest (visits, wish lists, events)
	// without having decided to buy.
	ShopPotential
	// ShopDrifting (游离型): occasional, small-basket or unstable
	// buying; also a customer who has never bought and shows no recent
	// interest (registered, not won yet).
	ShopDrifting
	// ShopLost (流失型): bought before, but not for a long time and no
	// longer in contact. A customer who has never bought is not lost.
	ShopLost
)

var shopTypeNames = []string{"", "loyal", "potential", "drifting", "lost"}

// ParseShopType parses "loyal", "potential", "drifting" or "lost".
func ParseShopType(s string) (ShopType, error) {
	return enumtext.Parse[ShopType](s, shopTypeNames, "shop type")
}

// String returns the type's name.
func (t ShopType) String() string { return enumtext.String(t, shopTypeNames, "ShopType") }

// Valid reports whether t is a defined shop type.
func (t ShopType) Valid() bool { return enumtext.Valid(t, shopTypeNames) }

// MarshalText implements [encoding.TextMarshaler].
func (t ShopType) MarshalText() ([]byte, error) {
	return enumtext.Marshal(t, shopTypeNames, "shop type")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves t as it was.
func (t *ShopType) UnmarshalText(b []byte) error { return enumtext.Unmarshal(t, b, ParseShopType) }

// Rule is how the quadrant thresholds are set.
type Rule uint8

const (
	// Mean: the mean current and potential value of the customer's kind
	// (domain rules §3.1: above the average is high). The default.
	Mean Rule = iota + 1
	// Median: the median of the customer's kind; for an even count the
	// lower median, the smaller of the two middle values (see
	// [ThresholdStats.Model]).
	Median
	// Fixed: the thresholds given in [Options].
	Fixed
)

var ruleNames = []string{"", "mean", "median", "fixed"}

// ParseRule parses "mean", "median" or "fixed".
func ParseRule(s string) (Rule, error) { return enumtext.Parse[Rule](s, ruleNames, "threshold rule") }

// String returns the rule's name.
func (r Rule) String() string { return enumtext.String(r, ruleNames, "Rule") }

// MarshalText implements [encoding.TextMarshaler].
func (r Rule) MarshalText() ([]byte, error) { return enumtext.Marshal(r, ruleNames, "threshold rule") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves r as it was.
func (r *Rule) UnmarshalText(b []byte) error { return enumtext.Unmarshal(r, b, ParseRule) }

// Grade is a customer grade of domain rules §3.3 (004): A, B or C by the
// customer's value within its kind (see [GradeOptions]).
type Grade uint8

const (
	// GradeA: strategic customer (战略客户), the A high-value customer
	// (A类客户是高价值客户) — by default the top 20% by total value.
	GradeA Grade = iota + 1
	// GradeB: important customer (重要客户), the B potential customer
	// (B类客户是潜力客户) — by default the next 30% by total value, and a
	// potential-value customer who is not A.
	GradeB
	// GradeC: ordinary customer (一般客户), the C ordinary customer
	// (C类客户是一般客户) — everybody else.
	GradeC
)

var gradeNames = []string{"", "strategic", "important", "ordinary"}

// ParseGrade parses "strategic", "important" or "ordinary".
func ParseGrade(s string) (Grade, error) { return enumtext.Parse[Grade](s, gradeNames, "grade") }

// String returns the grade's name: "strategic" for A, "important" for B,
// "ordinary" for C.
func (g Grade) String() string { return enumtext.String(g, gradeNames, "Grade") }

// Valid reports whether g is a defined grade.
func (g Grade) Valid() bool { return enumtext.Valid(g, gradeNames) }

// MarshalText implements [encoding.TextMarshaler]. The zero Grade, that
// of a result of options that grade nobody ([Result].Grade), is the empty
// text, so that such a result encodes; any other undefined value is an
// error.
func (g Grade) MarshalText() ([]byte, error) {
	return enumtext.MarshalOptional(g, gradeNames, "grade")
}

// UnmarshalText implements [encoding.TextUnmarshaler]: the empty text is
// the zero Grade. A text that names no grade is an error and leaves g as
// it was.
func (g *Grade) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(g, b, func(s string) (Grade, error) {
		return enumtext.ParseOptional[Grade](s, gradeNames, "grade")
	})
}
