package loyalty

import "github.com/tailorcrm/tailor/internal/enumtext"

// EntryKind is the kind of a ledger [Entry].
type EntryKind uint8

const (
	// EntryJoin opens a member's ledger: it records the birthday and the
	// joining time. It moves no points.
	EntryJoin EntryKind = iota + 1
	// EntryEarn records the points of a purchase: a new lot, pending until
	// the return window ends.
	EntryEarn
	// EntryBonus records points given for something other than a purchase:
	// a completed profile, a survey answer, a birthday gift. The lot is
	// available at once.
	EntryBonus
	// EntryRelease makes a pending lot available (pending → available). It
	// does not change the balance.
	EntryRelease
	// EntryRedeem spends available points, nearest expiry first.
	EntryRedeem
	// EntryExpire removes what is left of a lot on its expiry date.
	EntryExpire
	// EntryClawback takes back the points of refunded goods; for an
	// exchange it takes nothing and only records the event.
	EntryClawback
	// EntryRepay settles debt from points as they become available. It does
	// not change the balance.
	EntryRepay
	// EntryAdjust is a manual correction with a reason and an operator.
	EntryAdjust
	// EntryTier changes the member's tier: an upgrade, a review's or a
	// grace's end's downgrade, a tier taken back by a refund (keyed
	// "revoke:" + the return ID, [TierConfig].RevokeDays), the move off
	// a tier the programme dropped to the tier below it (keyed
	// "dropped-tier:" + the entry's Seq), or the move of a tier the
	// programme renamed or renumbered to its index and name (keyed
	// "renamed-tier:" + the entry's Seq; From and To may be equal), or
	// the naming of the tier held by a ledger written before tier names
	// were recorded (keyed "named-tier:" + the entry's Seq; From and To
	// are equal; [TierConfig].NameLedgers) ([TierConfig].Levels). Like a join and a review, it
	// records the name of the tier To ([Entry].TierName).
	EntryTier
	// EntryReview records a periodic tier review that changed no tier: the
	// tier was kept, or a grace period started or ended.
	EntryReview
	// EntryReduction takes back the points of a price reduction: the
	// share of the order's points that the money given back was of its
	// spend. For a compensation it takes nothing and only records the
	// event.
	EntryReduction
	// EntryRestore gives back points that paid for goods now refunded:
	// the share of the points redeemed for the order ([Redemption.Order])
	// that the refunded goods are of it (see [Returned]). The points form
	// a new lot, available at once, that keeps the expiry of the points
	// it replaces: a refund gives back one lot per expiry, and points
	// whose expiry has passed at the refund are given back expired (an
	// [EntryExpire] at the refund follows at once). A redemption for the
	// order recorded after its refunds gives back their share when it is
	// recorded, as of each refund (see [Redemption]).
	EntryRestore
	// EntryReopen puts back points that expired after the Time of a
	// [Redemption] recorded late, for that redemption to spend (see
	// [Redemption]): its Parts name the expired lots the points come
	// from, and the points form a new lot, available, that expires when
	// they did and that the redemption following it draws wholly.
	EntryReopen
	// EntryErase records an [Erasure]: from then on the ledger holds no
	// birthday and gives no birthday benefit. It moves no points.
	EntryErase
	// EntryBirthday records a [BirthdayChanged]: the member's birthday
	// from its Effective on, in Birthday (zero: unknown). It moves no
	// points.
	EntryBirthday
)

// The names of the entry kinds, indexed by kind. Kinds are stored by
// number and by name: a new kind is appended, never inserted.
var entryKindNames = []string{"", "join", "earn", "bonus", "release", "redeem", "expire", "clawback", "repay", "adjust", "tier", "review", "reduction", "restore", "reopen", "erase", "birthday"}

// ParseEntryKind parses the names written by [EntryKind.String].
func ParseEntryKind(s string) (EntryKind, error) {
	return enumtext.Parse[EntryKind](s, entryKindNames, "loyalty entry kind")
}

// String returns "earn", "redeem", ... or "EntryKind(n)" for an invalid value.
func (k EntryKind) String() string { return enumtext.String(k, entryKindNames, "EntryKind") }

// Valid reports whether k is a defined kind.
func (k EntryKind) Valid() bool { return enumtext.Valid(k, entryKindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k EntryKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, entryKindNames, "loyalty entry kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *EntryKind) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseEntryKind) }

// BonusKind says why bonus points were given (domain rules §6: points for
// completing one's profile or answering a survey; birthday benefits).
type BonusKind uint8

const (
	// BonusProfile rewards a completed clothing profile.
	BonusProfile BonusKind = iota + 1
	// BonusSurvey rewards a survey answer.
	BonusSurvey
	// BonusBirthday is the yearly birthday gift.
	BonusBirthday
)

var bonusKindNames = []string{"", "profile", "survey", "birthday"}

// ParseBonusKind parses "profile", "survey" or "birthday".
func ParseBonusKind(s string) (BonusKind, error) {
	return enumtext.Parse[BonusKind](s, bonusKindNames, "loyalty bonus kind")
}

// String returns the kind's name.
func (k BonusKind) String() string { return enumtext.String(k, bonusKindNames, "BonusKind") }

// Valid reports whether k is a defined kind.
func (k BonusKind) Valid() bool { return enumtext.Valid(k, bonusKindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k BonusKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, bonusKindNames, "loyalty bonus kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *BonusKind) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseBonusKind) }

// DebtPolicy says what happens when a return claws back points that the
// member has already spent.
type DebtPolicy uint8

const (
	// DebtRecord records the missing points as debt. Debt is visible in
	// [Account.Debt] and is settled from the member's next points as they
	// become available ([EntryRepay]).
	DebtRecord DebtPolicy = iota + 1
	// DebtCapAtZero takes what the member still has and writes off the
	// rest: the balance stops at zero.
	DebtCapAtZero
)

var debtPolicyNames = []string{"", "debt", "cap-at-zero"}

// ParseDebtPolicy parses "debt" or "cap-at-zero".
func ParseDebtPolicy(s string) (DebtPolicy, error) {
	return enumtext.Parse[DebtPolicy](s, debtPolicyNames, "debt policy")
}

// String returns "debt" or "cap-at-zero".
func (d DebtPolicy) String() string { return enumtext.String(d, debtPolicyNames, "DebtPolicy") }

// Valid reports whether d is a defined policy.
func (d DebtPolicy) Valid() bool { return enumtext.Valid(d, debtPolicyNames) }

// MarshalText implements [encoding.TextMarshaler].
func (d DebtPolicy) MarshalText() ([]byte, error) {
	return enumtext.Marshal(d, debtPolicyNames, "debt policy")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (d *DebtPolicy) UnmarshalText(b []byte) error { return enumtext.Unmarshal(d, b, ParseDebtPolicy) }

// Basis is what qualifies a member for a tier over the rolling window.
type Basis uint8

const (
	// BasisSpend counts the net amount paid for purchases, less returns.
	BasisSpend Basis = iota + 1
	// BasisPoints counts the points earned by purchases, less claw-backs
	// (bonus points and manual adjustments do not qualify).
	BasisPoints
)

var basisNames = []string{"", "spend", "points"}

// ParseBasis parses "spend" or "points".
func ParseBasis(s string) (Basis, error) { return enumtext.Parse[Basis](s, basisNames, "tier basis") }

// String returns "spend" or "points".
func (b Basis) String() string { return enumtext.String(b, basisNames, "Basis") }

// Valid reports whether b is a defined basis.
func (b Basis) Valid() bool { return enumtext.Valid(b, basisNames) }

// MarshalText implements [encoding.TextMarshaler].
func (b Basis) MarshalText() ([]byte, error) { return enumtext.Marshal(b, basisNames, "tier basis") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (b *Basis) UnmarshalText(t []byte) error { return enumtext.Unmarshal(b, t, ParseBasis) }

// Rounding says how a fractional number of points becomes whole points.
type Rounding uint8

const (
	// RoundDown drops the fraction (floor for positive amounts): 12.9
	// points are 12. The default: a member never gets a point that was
	// not fully earned.
	RoundDown Rounding = iota + 1
	// RoundHalfUp rounds halves up: 12.5 points are 13, 12.4 are 12.
	RoundHalfUp
)

var roundingNames = []string{"", "down", "half-up"}

// ParseRounding parses "down" or "half-up".
func ParseRounding(s string) (Rounding, error) {
	return enumtext.Parse[Rounding](s, roundingNames, "points rounding")
}

// String returns "down" or "half-up".
func (r Rounding) String() string { return enumtext.String(r, roundingNames, "Rounding") }

// Valid reports whether r is a defined rounding.
func (r Rounding) Valid() bool { return enumtext.Valid(r, roundingNames) }

// MarshalText implements [encoding.TextMarshaler].
func (r Rounding) MarshalText() ([]byte, error) {
	return enumtext.Marshal(r, roundingNames, "points rounding")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (r *Rounding) UnmarshalText(b []byte) error { return enumtext.Unmarshal(r, b, ParseRounding) }

// CouponKind says how a coupon or discount card takes money off.
type CouponKind uint8

const (
	// CouponPercent takes a percentage off the eligible lines (domain rules §6:
	// typically 5%–60%).
	CouponPercent CouponKind = iota + 1
	// CouponFixed takes a fixed amount off the eligible lines, shared in
	// proportion to their amounts.
	CouponFixed
)

var couponKindNames = []string{"", "percent", "fixed"}

// ParseCouponKind parses "percent" or "fixed".
func ParseCouponKind(s string) (CouponKind, error) {
	return enumtext.Parse[CouponKind](s, couponKindNames, "coupon kind")
}

// String returns "percent" or "fixed".
func (k CouponKind) String() string { return enumtext.String(k, couponKindNames, "CouponKind") }

// Valid reports whether k is a defined kind.
func (k CouponKind) Valid() bool { return enumtext.Valid(k, couponKindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k CouponKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, couponKindNames, "coupon kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *CouponKind) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseCouponKind) }

// ScopeKind is what a coupon or promotion applies to (domain rules §6: one
// product, one brand's series, or everything).
type ScopeKind uint8

const (
	// ScopeAll applies to every line.
	ScopeAll ScopeKind = iota + 1
	// ScopeSKU applies to lines whose SKU is listed.
	ScopeSKU
	// ScopeCategory applies to lines whose category is listed.
	ScopeCategory
	// ScopeSeries applies to lines whose brand or product series
	// ([Item.Series]) is listed.
	ScopeSeries
)

var scopeKindNames = []string{"", "all", "sku", "category", "series"}

// ParseScopeKind parses "all", "sku", "category" or "series".
func ParseScopeKind(s string) (ScopeKind, error) {
	return enumtext.Parse[ScopeKind](s, scopeKindNames, "scope kind")
}

// String returns the kind's name.
func (k ScopeKind) String() string { return enumtext.String(k, scopeKindNames, "ScopeKind") }

// Valid reports whether k is a defined kind.
func (k ScopeKind) Valid() bool { return enumtext.Valid(k, scopeKindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k ScopeKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, scopeKindNames, "scope kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *ScopeKind) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseScopeKind) }

// Stacking says whether a coupon combines with other coupons on one order.
type Stacking uint8

const (
	// StackCombinable coupons combine with other combinable coupons.
	StackCombinable Stacking = iota + 1
	// StackExclusive coupons must be the only coupon on the order.
	StackExclusive
)

var stackingNames = []string{"", "combinable", "exclusive"}

// ParseStacking parses "combinable" or "exclusive".
func ParseStacking(s string) (Stacking, error) {
	return enumtext.Parse[Stacking](s, stackingNames, "stacking rule")
}

// String returns "combinable" or "exclusive".
func (s Stacking) String() string { return enumtext.String(s, stackingNames, "Stacking") }

// Valid reports whether s is a defined rule.
func (s Stacking) Valid() bool { return enumtext.Valid(s, stackingNames) }

// MarshalText implements [encoding.TextMarshaler].
func (s Stacking) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, stackingNames, "stacking rule")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (s *Stacking) UnmarshalText(b []byte) error { return enumtext.Unmarshal(s, b, ParseStacking) }

// DeductionKind is the source of one deduction of a [Quote].
type DeductionKind uint8

const (
	// DeductSeasonal is an off-season discount (domain rules §6).
	DeductSeasonal DeductionKind = iota + 1
	// DeductQuantity is a quantity discount (domain rules §6).
	DeductQuantity
	// DeductCoupon is a coupon or discount card.
	DeductCoupon
	// DeductPoints is points paid in place of money.
	DeductPoints
)

var deductionKindNames = []string{"", "seasonal", "quantity", "coupon", "points"}

// ParseDeductionKind parses the names written by [DeductionKind.String].
func ParseDeductionKind(s string) (DeductionKind, error) {
	return enumtext.Parse[DeductionKind](s, deductionKindNames, "deduction kind")
}

// String returns "seasonal", "quantity", "coupon" or "points".
func (k DeductionKind) String() string {
	return enumtext.String(k, deductionKindNames, "DeductionKind")
}

// Valid reports whether k is a defined kind.
func (k DeductionKind) Valid() bool { return enumtext.Valid(k, deductionKindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k DeductionKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, deductionKindNames, "deduction kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *DeductionKind) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(k, b, ParseDeductionKind)
}
