package loyalty

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Entry is one append-only record of a member's points ledger. Entries are
// produced by [Programme.Apply] and replayed by [Replay]; a store keeps
// them as they are and never edits one, but for an [Eraser] that erases
// the personal data of a member's entries ([Entry.Erased]). The fields used depend on Kind;
// the others are zero.
//
// Points is the change of the member's net balance (available + pending −
// debt), so the net balance is always the sum of the entries' Points.
type Entry struct {
	// Seq is the entry's position in the member's ledger, from 1; the
	// ledger's version is the Seq of its last entry.
	Seq int64
	// Member owns the ledger.
	Member customer.ID
	// Key is the idempotency key, unique within the member's ledger.
	Key string
	// Fingerprint identifies the content of the event behind the entry, so
	// that a key reused for another event is told apart from a redelivery.
	// Its JSON form is a decimal string (see [Fingerprint]).
	Fingerprint Fingerprint
	// Kind says what the entry records.
	Kind EntryKind
	// Time is when the entry was recorded (the now of Apply).
	Time time.Time
	// Effective is when it took effect: the order time of an earn, the end
	// of the return window of a release, the expiry date of an expiry,
	// the time from which the member holds the tier for an upgrade
	// between reviews: that of the purchase that qualified, or the last
	// tier change when that is later ([TierConfig]; ledgers written
	// before hold the time the upgrade was recorded, and replay so); for
	// a tier taken back by a refund, the refund's time, or the last tier
	// change or review when that is later.
	Effective time.Time
	// Points is the change of the net balance.
	Points Points
	// Lot is the lot created by an earn, a bonus or a positive adjustment.
	Lot string
	// AvailableAt and ExpiresAt describe the created lot; a zero ExpiresAt
	// never expires.
	AvailableAt time.Time
	ExpiresAt   time.Time
	// Parts are the lots drawn on by a release, redeem, expiry, claw-back,
	// repayment or negative adjustment, in the order drawn; for a reopen,
	// the expired lot whose points it puts back.
	Parts []LotPart
	// Debt is the change of the member's debt.
	Debt Points
	// Forgiven is what a claw-back (or a price reduction's) did not take:
	// points already spent, written off under [DebtCapAtZero], and
	// points of the order's own lot that had expired, under either
	// policy.
	Forgiven Points
	// OrderID is the order of an earn or claw-back, or the order whose
	// refund took back a tier (a tier entry keyed "revoke:" + the return
	// ID, see [TierConfig].RevokeDays).
	OrderID string
	// Lines are the order's lines (earn) or the units refunded
	// (claw-back; none for an exchange, whose units stay sold).
	Lines []LineRecord
	// Spend is the change of qualifying spend: the net amount paid (earn)
	// or refunded (claw-back, negative; zero for an exchange).
	Spend decimal.Decimal
	// Qualifying is the change of qualifying points (purchase points less
	// claw-backs).
	Qualifying Points
	// Bonus says why a bonus was given; zero, and left out of the JSON
	// form, for every other kind of entry.
	Bonus BonusKind `json:",omitzero"`
	// Year is the calendar year of a birthday benefit: of the gift
	// (bonus), of the birthday multiplier an earn used, or of the
	// multiplier a claw-back gave back, refunding every unit of the
	// order that used it (see [Returned]).
	Year int
	// Reason and Operator explain a manual adjustment.
	Reason   string
	Operator string
	// From and To are tier levels (indexes into [Programme.Levels], as
	// the programme had them when the entry was recorded) of a tier
	// change or review.
	From, To int
	// TierName is the name of the tier a join, tier or review entry
	// leaves the member in: that of To, the lowest tier for a join. It is
	// the tier's identity, by which a programme that restructured its
	// tiers still tells which tier the member holds ([TierConfig].Levels,
	// [Account.LevelName]). It is empty for every other kind of entry
	// ([Replay] refuses one that names a tier) and in entries written
	// before tier names were recorded, and left out of the JSON form
	// when empty, so such entries read and write as before (and
	// versions from before tier names, which know no such field, read
	// it as they read the entry without it). Such a ledger is named by
	// the next tier or review entry, or, under a programme that names
	// ledgers, by a tier entry keyed "named-tier:" + its Seq
	// ([TierConfig].NameLedgers).
	TierName string `json:",omitzero"`
	// NextReview and GraceUntil are the review schedule after a join,
	// review or tier entry.
	NextReview time.Time
	GraceUntil time.Time
	// Birthday is the member's birthday (join, and the new one of a
	// birthday change); zero once erased ([Erasure], [Entry.Erased]).
	Birthday customer.Birthday
	// Note explains the entry in words.
	Note string
	// Coupons are the codes of the coupons the order used, each once
	// (earn, from [Purchase.Coupons]), or of those whose uses a refund
	// of every unit of the order gave back (claw-back, see [Returned]).
	// Entries written before coupon uses were recorded have none.
	Coupons []string
}

// LotPart is an amount of points drawn from one lot.
type LotPart struct {
	Lot    string // the lot's ID
	Points Points // the points drawn, > 0
}

// LineRecord is what an earn remembers of an order line, so that returns
// can claw back in proportion, or the units of a line that a claw-back
// returned.
type LineRecord struct {
	LineID   string
	Quantity int
	// Net is what was paid for the units (earn) or the part of it returned
	// (claw-back).
	Net decimal.Decimal
	// Weight is the line's exact share of the order's points before
	// rounding: net × rate × multipliers.
	Weight decimal.Decimal
}

// Lot is a quantity of points earned together, with one expiry date.
// Redemptions draw on lots nearest expiry first.
type Lot struct {
	// ID is the idempotency key of the entry that created the lot.
	ID string
	// EarnedAt is when the points were earned (the order time).
	EarnedAt time.Time
	// AvailableAt is when the lot stops being pending.
	AvailableAt time.Time
	// ExpiresAt is when what is left expires; zero never.
	ExpiresAt time.Time
	// Points is what the lot was created with; Remaining what is left.
	Points    Points
	Remaining Points
	// Pending is true until the lot is released.
	Pending bool
	// OrderID is the order that earned the lot, if any.
	OrderID string
}

// lotPoints returns the points of parts drawn from lot.
func lotPoints(parts []LotPart, lot string) Points {
	var n Points
	for _, p := range parts {
		if p.Lot == lot {
			n += p.Points
		}
	}
	return n
}

// orderRecord is what the ledger knows of one order.
type orderRecord struct {
	id     string
	time   time.Time
	lot    string
	points Points // earned
	clawed Points // covered by claw-backs, including what was forgiven
	// lotClawed is what the claw-backs drew from the order's own lot,
	// and expired what expired of that lot: the rest of the points the
	// order earned and its lot no longer holds were spent.
	lotClawed Points
	expired   Points
	spend     decimal.Decimal
	returned  decimal.Decimal // spend returned
	reduced   decimal.Decimal // spend given back by price reductions
	qual      Points          // qualifying points left
	lines     []LineRecord
	units     map[string]int // units returned by line
	// refunds are the order's refunds (not its exchanges), in the order
	// recorded, so that a redemption for the order recorded after them
	// can give back what they would have given back had it come first.
	// Shared between account versions: never changed in place.
	refunds []refundRecord
	// coupons are the codes of the coupons the order used, and
	// couponsBack whether a refund of every unit gave their uses back.
	// Shared between account versions: never changed in place.
	coupons     []string
	couponsBack bool
	// birthdayYear is the year whose birthday multiplier the order's
	// earn used (its Year), 0 if none, and birthdayBack whether a refund
	// of every unit gave it back.
	birthdayYear int
	birthdayBack bool
}

// refunded reports whether every unit of every line of o came back by
// refunds (an exchange returns none).
func (o *orderRecord) refunded() bool {
	if len(o.lines) == 0 {
		return false
	}
	for _, l := range o.lines {
		if o.units[l.LineID] < l.Quantity {
			return false
		}
	}
	return true
}

// refundRecord is what the ledger knows of one refund of an order.
type refundRecord struct {
	id    string       // the return's ID
	at    time.Time    // the return's time
	lines []LineRecord // the units refunded, by line
}

// redemptionRecord is what the ledger knows of the points redeemed to
// pay for one order.
type redemptionRecord struct {
	points   Points // redeemed for the order
	restored Points // given back by refunds of it
	// drawn holds the points redeemed for the order by the expiry of the
	// lots they were drawn from, one share per expiry, nearest expiry
	// first and never-expiring points last; the shares add up to points.
	// Shared between account versions: never changed in place.
	drawn []expiryShare
}

// lapsedLot is what expired of a lot and was not put back since: points
// that a [Redemption] recorded late, dated before the expiry, may still
// spend ([EntryReopen]).
type lapsedLot struct {
	id      string
	order   string // the order whose own lot it was, if any
	earned  time.Time
	expires time.Time
	points  Points
}

// lapsedCompare orders lapsed lots as lots are ordered: nearest expiry
// first, then oldest, then by ID.
func lapsedCompare(a, b lapsedLot) int {
	if c := expiryCompare(a.expires, b.expires); c != 0 {
		return c
	}
	if c := a.earned.Compare(b.earned); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// lapsedKept is how long after its expiry a lapsed lot is kept: the
// longest lateness a programme may allow a redemption. Older ones can
// never be put back and are dropped as the ledger moves on.
const lapsedKept = maxLateDays * 24 * time.Hour

// expiryShare is an amount of points that expire together; a zero
// expires never expires.
type expiryShare struct {
	expires time.Time
	points  Points
}

// expiryCompare orders expiry dates nearest first, with the zero time
// (never) last, as lots are ordered.
func expiryCompare(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

// withDrawn returns r with pts more points drawn from lots that expire
// at expires; r is unchanged.
func (r redemptionRecord) withDrawn(expires time.Time, pts Points) redemptionRecord {
	i, found := slices.BinarySearchFunc(r.drawn, expires, func(s expiryShare, t time.Time) int { return expiryCompare(s.expires, t) })
	r.drawn = slices.Clone(r.drawn)
	if found {
		r.drawn[i].points += pts // bounded by r.points, which the caller checks
	} else {
		r.drawn = slices.Insert(r.drawn, i, expiryShare{expires: expires, points: pts})
	}
	return r
}

// restoreShares returns how the next give points given back for the
// order split by the expiry of the points they replace: the points
// redeemed come back latest expiry first (never-expiring points first
// of all), after the r.restored points given back before. The shares are
// latest expiry first; give must not exceed r.points − r.restored.
func (r redemptionRecord) restoreShares(give Points) []expiryShare {
	var out []expiryShare
	skip := r.restored
	for i := len(r.drawn) - 1; i >= 0 && give > 0; i-- {
		s := r.drawn[i]
		if s.points <= skip {
			skip -= s.points
			continue
		}
		x := min(s.points-skip, give)
		skip = 0
		out = append(out, expiryShare{expires: s.expires, points: x})
		give -= x
	}
	return out
}

// Account is the state of one member's ledger: the fold of its entries. It
// is a value: [Programme.Apply] returns a new Account and never changes
// the one given, so an Account may be shared between goroutines.
type Account struct {
	// Member is the member's customer ID; empty before the join entry.
	Member customer.ID
	// Birthday is the member's birthday, zero when unknown: the join's,
	// or that of the last [BirthdayChanged].
	Birthday customer.Birthday
	// Joined is when the member joined.
	Joined time.Time
	// Erased is when the member's personal data was first erased
	// ([Erasure]), zero if never: Birthday is then zero for good.
	Erased time.Time
	// Version is the Seq of the last entry, 0 for an empty ledger.
	Version int64
	// AsOf is the latest now the ledger was brought to by an entry: the
	// latest Time of its entries. An Apply that records nothing (a
	// [Tick] with nothing due) leaves it as it was.
	AsOf time.Time
	// Available, Pending and Debt are the balances: spendable points,
	// points in their return window, and points owed.
	Available Points
	Pending   Points
	Debt      Points
	// Level is the current tier, an index into [Programme.Levels] as the
	// programme had them when the ledger recorded it. A programme that
	// since dropped, renamed or renumbered the tier reads the tier held
	// from its name ([Account.LevelName]; without one, a Level above its
	// top tier as its top tier) until an event records the move
	// ([TierConfig].Levels, [Programme.Tier]).
	Level int
	// LevelSince is when the member reached Level (a tier renamed or
	// renumbered is held since it was reached).
	LevelSince time.Time
	// NextReview is the next periodic tier review.
	NextReview time.Time
	// GraceUntil is the end of a grace period after a failed review, zero
	// outside one.
	GraceUntil time.Time

	lots             []*Lot // open lots, nearest expiry first; shared until ownLots, never changed in place
	lotsOwned        bool   // lots (the slice, not the Lots) is a private copy that fold may change
	keys             pmap[Fingerprint]
	orders           pmap[*orderRecord]
	redeemed         pmap[redemptionRecord] // by order ID
	couponUses       pmap[int]              // uses by the member, by coupon code
	giftUses         pmap[int]              // gifts taken by the member, by gift code
	qual             *qnode                 // orders by time with their qualifying sums
	birthdayGiftYear int
	// reviewClock is when the review clock last started: the join, or
	// the last upgrade between reviews. The periodic reviews fall every
	// ReviewMonths calendar months from it ([TierConfig]). It is derived
	// from the entries' times, so a replay rebuilds it.
	reviewClock time.Time
	// lapsed are the lots that expired within lapsedKept of AsOf, with
	// the points that expired of them and were not put back, in
	// lapsedCompare order; shared between account versions, never
	// changed in place.
	lapsed []lapsedLot
	// birthdayMultYears are the years whose birthday multiplier an earn
	// used, in the order used; shared between account versions, never
	// changed in place.
	birthdayMultYears []int
	// birthdayChanges are the member's birthday changes in the order
	// recorded (their times never decrease), each with the birthday it
	// replaced, so that birthdayAt can tell the birthday at a past time;
	// none once erased; shared between account versions, never changed
	// in place.
	birthdayChanges []birthdayChange
	// tierChanges are the member's tier changes in the order recorded
	// (their times never decrease), each with the level it left, so that
	// levelAt can tell the tier at a past time; shared between account
	// versions, never changed in place.
	tierChanges []tierChange
	// lastKey is the key of the last entry, so that a tier revocation
	// ([TierConfig].RevokeDays) is checked to follow the claw-back of
	// its refund.
	lastKey string
	// reviewed is when the last periodic review or end of a grace was
	// held (the Effective of its entry), zero before the first: the
	// review schedule of an upgrade dated before it continues after it
	// (see [TierConfig]). A replay rebuilds it from the entries.
	reviewed time.Time
	// levelName is the name of tier Level ([Account.LevelName]).
	levelName string
}

// LevelName returns the name of the tier held, as the ledger's last
// join, tier or review entry that named one recorded it
// ([Entry].TierName): "" for a ledger written before tier names were
// recorded, until a tier or review entry names it, or the first event
// applied under a programme that names ledgers ([TierConfig].NameLedgers)
// names the tier held.
// A programme reads the tier held from it ([TierConfig].Levels): when
// the programme's tier at Level has another name, the member holds the
// tier of that name, wherever it stands, or, the tier dropped, the one
// below it.
func (a *Account) LevelName() string { return a.levelName }

// tierChange is one tier change of a ledger: at Effective, from level
// from to level to, recorded by the entry seq keyed key, with the review
// schedule held before it (the review clock, the next review, the end of
// a grace under way and the last review held), which a revocation of the
// change restores (revokedSchedule).
type tierChange struct {
	at       time.Time
	from, to int
	seq      int64
	key      string
	clock    time.Time
	next     time.Time
	grace    time.Time
	reviewed time.Time
	// fromName and toName are the names of the tiers, "" when unknown.
	fromName, toName string
	// qual is the ledger's qualifying record (Account.qual) as the
	// change was recorded, never changed in place: the qualifying value
	// the change was judged by (Programme.reached).
	qual *qnode
}

// birthdayChange is one birthday change of a ledger: at Effective,
// keyed key, replacing birthday from.
type birthdayChange struct {
	at   time.Time
	key  string // the entry's key
	from customer.Birthday
}

// birthdayAt returns the birthday the member had at t as the ledger
// records it: Birthday, less the changes that took effect after t; zero
// once erased.
func (a *Account) birthdayAt(t time.Time) customer.Birthday {
	if !a.Erased.IsZero() {
		return customer.Birthday{}
	}
	b := a.Birthday
	for i := len(a.birthdayChanges) - 1; i >= 0 && a.birthdayChanges[i].at.After(t); i-- {
		b = a.birthdayChanges[i].from
	}
	return b
}

// birthdayChanged returns the time of the last birthday change, zero
// if none.
func (a *Account) birthdayChanged() time.Time {
	if n := len(a.birthdayChanges); n > 0 {
		return a.birthdayChanges[n-1].at
	}
	return time.Time{}
}

// levelAt returns the tier the member held at t as the ledger records
// it, by index and name ("" when unknown): Level and levelName, less the
// changes that took effect after t, under the name by which the
// renames recorded since know it (renamedSince); and the stretch in
// which it held it (heldSpan): the number of tier changes that took
// effect by t.
func (a *Account) levelAt(t time.Time) (level int, name string, span int) {
	level, name = a.Level, a.levelName
	i := len(a.tierChanges)
	for i > 0 && a.tierChanges[i-1].at.After(t) {
		i--
		level, name = a.tierChanges[i].from, a.tierChanges[i].fromName
	}
	level, name = a.renamedSince(i, level, name)
	return level, name, i
}

// renamedSince returns tier level, named name, of the ledger before its
// tier change i as the moves of renamed or renumbered tiers recorded
// from change i on name it ([TierConfig].Levels): such a move says that
// the tier it leaves is the tier it moves to, so a tier held before it
// is read as the programme reads the tier it moved to, not by a name
// the programme may since have dropped from its FormerNames (silver
// renamed argent, and argent since renamed plata). A tier is known by
// its name. One without a name (a ledger written before tier names were
// recorded) takes the name that the naming of the tier held at its
// index, recorded from change i on, gave it: the programme that named
// the tier is taken to number its tiers as the entries before did
// ([TierConfig].Levels); without such a naming it is left as it is.
func (a *Account) renamedSince(i, level int, name string) (int, string) {
	for _, c := range a.tierChanges[i:] {
		switch {
		case name == "":
			if c.from == level && strings.HasPrefix(c.key, namedTierPrefix) {
				name = c.toName
			}
		case c.fromName == name && strings.HasPrefix(c.key, renamedTierPrefix):
			level, name = c.to, c.toName
		}
	}
	return level, name
}

// renamedFrom returns the names under which the ledger's moves of a
// renamed or renumbered tier ([TierConfig].Levels) knew the tier it
// calls name before, latest first: such a move says that the tier it
// leaves is the tier it moves to, so argent recorded as silver renamed
// is silver for a programme that still calls it so.
func (a *Account) renamedFrom(name string) []string {
	names := []string{name}
	for i := len(a.tierChanges) - 1; i >= 0; i-- {
		c := a.tierChanges[i]
		if c.fromName != "" && slices.Contains(names, c.toName) && !slices.Contains(names, c.fromName) &&
			strings.HasPrefix(c.key, renamedTierPrefix) {
			names = append(names, c.fromName)
		}
	}
	return names[1:]
}

// heldSpan returns the stretch in which the member held the tier it
// held after its first span tier changes (the tier held, for span
// len(tierChanges)), as the ledger records it: from the last of those
// changes that moved the member to another tier (LevelSince for the
// tier held, Joined when none did) to the next such change (excluded),
// or to AsOf for the tier held (last true, AsOf included). The move of
// a renamed, renumbered or named tier is no such change: the member
// holds the same tier through it. known is the qualifying record as the
// change that started the stretch was recorded, nil when none did.
func (a *Account) heldSpan(span int) (from, to time.Time, last bool, known *qnode) {
	moves := func(c tierChange) bool {
		return !strings.HasPrefix(c.key, renamedTierPrefix) && !strings.HasPrefix(c.key, namedTierPrefix)
	}
	n := len(a.tierChanges)
	span = min(max(span, 0), n)
	from = a.Joined
	for i := span - 1; i >= 0; i-- {
		if c := a.tierChanges[i]; moves(c) {
			from, known = c.at, c.qual
			break
		}
	}
	for i := span; i < n; i++ {
		if c := a.tierChanges[i]; moves(c) {
			return from, c.at, false, known
		}
	}
	if !from.Equal(a.LevelSince) {
		// The tier held is held since LevelSince.
		from, known = a.LevelSince, nil
	}
	return from, a.AsOf, true, known
}

// reachedLevel reports whether the last tier entry of the ledger moved
// the member to Level.
func (a *Account) reachedLevel() bool {
	n := len(a.tierChanges)
	return n > 0 && a.tierChanges[n-1].to == a.Level
}

// lowestSince returns the lowest tier the member held from t on, as the
// ledger records it, each read as the tier of the programme it stands
// for by tier (a level and a name, held in the stretch span, see
// heldSpan): the tier held at t and those the changes after t moved to.
func (a *Account) lowestSince(t time.Time, tier func(level int, name string, span int) int) int {
	low := tier(a.levelAt(t))
	for i := len(a.tierChanges) - 1; i >= 0 && a.tierChanges[i].at.After(t); i-- {
		level, name := a.renamedSince(i+1, a.tierChanges[i].to, a.tierChanges[i].toName)
		low = min(low, tier(level, name, i+1))
	}
	return low
}

// Balance returns the net balance, available + pending − debt: the sum of
// the Points of every entry.
func (a *Account) Balance() Points { return a.Available + a.Pending - a.Debt }

// Lots returns a copy of the open lots (Remaining > 0), nearest expiry
// first; lots that never expire come last.
func (a *Account) Lots() []Lot {
	out := make([]Lot, len(a.lots))
	for i, l := range a.lots {
		out[i] = *l
	}
	return out
}

// HasKey reports whether the ledger holds an entry with idempotency key k.
func (a *Account) HasKey(k string) bool { _, ok := a.keys.get(k); return ok }

// OrderPoints returns the points order id earned and the points clawed
// back from it so far (including what was written off), and whether the
// ledger knows the order.
func (a *Account) OrderPoints(id string) (earned, clawed Points, ok bool) {
	o, ok := a.orders.get(id)
	if !ok {
		return 0, 0, false
	}
	return o.points, o.clawed, true
}

// CouponUses returns how many times the member used the coupon code, as
// the ledger records it: the orders whose [Purchase] named the code in
// its Coupons, less those whose every unit a refund brought back
// ([Returned]). It is the member's count for
// [Coupon.MaxUsesPerMember]; the uses by everyone ([Coupon.MaxUses])
// are not in any one member's ledger.
func (a *Account) CouponUses(code string) int {
	n, _ := a.couponUses.get(code)
	return n
}

// GiftUses returns how many times the member took the gift code
// ([Gift]), as the ledger records it: its redemption entries keyed
// "redeem:gift:" + code + ":" + a request ID ([Programme.GiftRedemption]),
// whether or not the programme's catalogue still has the gift. It is
// the member's count for [Gift].MaxPerMember. A gift is never given
// back, so the count never falls. Codes are compared exactly.
func (a *Account) GiftUses(code string) int {
	n, _ := a.giftUses.get(code)
	return n
}

// OrderCoupons returns the codes of the coupons order id used, as its
// [Purchase] recorded them, and whether a refund of every unit of the
// order gave their uses back. An unknown order used none.
func (a *Account) OrderCoupons(id string) (codes []string, givenBack bool) {
	o, ok := a.orders.get(id)
	if !ok {
		return nil, false
	}
	return slices.Clone(o.coupons), o.couponsBack
}

// OrderRedemption returns the points redeemed to pay for order id (the
// redemptions whose [Redemption.Order] is id) and the points given back
// since by refunds of its goods ([EntryRestore]), including those given
// back already expired.
func (a *Account) OrderRedemption(id string) (redeemed, restored Points) {
	r, _ := a.redeemed.get(id)
	return r.points, r.restored
}

// Replay folds entries, in order, into the Account they describe. It
// returns an error wrapping [ErrCorrupt] when they do not form a valid
// ledger (a gap in Seq, another member, a repeated key, an unknown lot,
// a lot drawn below zero), or [ErrOverflow].
func Replay(entries []Entry) (Account, error) {
	var a Account
	return a.With(entries...)
}

// With returns the account after entries, which must continue its ledger
// (the first Seq is Version+1). a is unchanged. Errors are as for
// [Replay].
func (a Account) With(entries ...Entry) (Account, error) {
	w := a.clone()
	for i := range entries {
		if err := w.fold(&entries[i]); err != nil {
			return a, err
		}
	}
	return w, nil
}

// clone returns a copy that fold may change. It is O(1): the indexes are
// persistent (never changed in place) and the lots are copied on the
// first write (see ownLots).
func (a *Account) clone() Account {
	w := *a
	w.lotsOwned = false
	return w
}

// ownLots makes the slice of a's lots a private copy before fold changes
// it. The Lots it points to stay shared: fold replaces a Lot it changes.
func (a *Account) ownLots() {
	if !a.lotsOwned {
		a.lots = slices.Clone(a.lots)
		a.lotsOwned = true
	}
}

// order returns a private copy of order id's record for changing; the
// caller stores it back with setOrder.
func (a *Account) order(id string) *orderRecord {
	o, ok := a.orders.get(id)
	if !ok {
		return nil
	}
	c := *o
	c.units = maps.Clone(o.units)
	return &c
}

// setOrder stores the changed record o and its qualifying contribution.
func (a *Account) setOrder(o *orderRecord) {
	a.orders = a.orders.set(o.id, o)
	a.qual = qupdate(a.qual, o.time, o.id, o.kept(), o.qual)
}

// kept returns the spend of o that the member kept: spend less what was
// returned and what price reductions gave back, never below zero (a line
// refunded after a reduction pays back its full share).
func (o *orderRecord) kept() decimal.Decimal {
	k := o.spend.Sub(o.returned)
	if o.reduced.Sign() != 0 {
		k = k.Sub(o.reduced)
	}
	if k.Sign() < 0 {
		return decimal.Zero
	}
	return k
}

func corrupt(e *Entry, format string, args ...any) error {
	return fmt.Errorf("%w: member %q entry %d (%s %q): %s", ErrCorrupt, e.Member, e.Seq, e.Kind, e.Key, fmt.Sprintf(format, args...))
}

func lotLess(a, b *Lot) int {
	// Nearest expiry first; lots that never expire last; then oldest.
	switch {
	case a.ExpiresAt.IsZero() && !b.ExpiresAt.IsZero():
		return 1
	case !a.ExpiresAt.IsZero() && b.ExpiresAt.IsZero():
		return -1
	}
	if c := a.ExpiresAt.Compare(b.ExpiresAt); c != 0 {
		return c
	}
	if c := a.EarnedAt.Compare(b.EarnedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func (a *Account) lotIndex(id string) int {
	for i := range a.lots {
		if a.lots[i].ID == id {
			return i
		}
	}
	return -1
}

// fold applies one entry to a working copy. It checks what a replay must
// check; the decisions themselves were made by Apply.
func (a *Account) fold(e *Entry) error {
	if e.Seq != a.Version+1 {
		return corrupt(e, "sequence %d does not follow version %d", e.Seq, a.Version)
	}
	if a.Member == "" && e.Kind != EntryJoin {
		return fmt.Errorf("%w: member %q: ledger does not start with a join entry", ErrCorrupt, e.Member)
	}
	if a.Member != "" && e.Member != a.Member {
		return corrupt(e, "belongs to member %q", a.Member)
	}
	if e.Key == "" {
		return corrupt(e, "empty key")
	}
	if _, dup := a.keys.get(e.Key); dup {
		return corrupt(e, "key used twice")
	}
	if len(e.Coupons) > 0 && e.Kind != EntryEarn && e.Kind != EntryClawback {
		return corrupt(e, "a %s entry names coupons", e.Kind)
	}
	if e.TierName != "" && e.Kind != EntryJoin && e.Kind != EntryTier && e.Kind != EntryReview {
		return corrupt(e, "a %s entry names tier %q (TierName)", e.Kind, e.TierName)
	}
	// restoredClock is the review clock a revocation restores, zero if
	// it keeps the schedule.
	var restoredClock time.Time
	if id, ok := strings.CutPrefix(e.Key, revokePrefix); ok {
		var err error
		if restoredClock, err = a.checkRevoke(e, id); err != nil {
			return err
		}
	} else if err := a.checkLevels(e); err != nil {
		return err
	}
	before := a.Balance()
	// Draw the parts first: every kind that has parts takes points out of
	// lots (a release empties a pending lot into the same lot, available).
	if len(e.Parts) > 0 {
		a.ownLots()
	}
	// A redemption for an order remembers the expiry of the points it
	// drew, which the points given back by refunds keep ([Returned]).
	var drawn []expiryShare
	// The parts of an expiry drawn from lots that orders earned.
	type orderPart struct {
		lot, order string
		points     Points
	}
	var expiredOf []orderPart
	parts := e.Parts
	if e.Kind == EntryReopen {
		parts = nil // they name expired lots, put back below
	}
	for _, part := range parts {
		i := a.lotIndex(part.Lot)
		if i < 0 {
			return corrupt(e, "unknown or empty lot %q", part.Lot)
		}
		c := *a.lots[i] // the Lot may be shared with other accounts
		l := &c
		a.lots[i] = l
		if part.Points <= 0 || part.Points > l.Remaining {
			return corrupt(e, "draws %d points from lot %q holding %d", part.Points, l.ID, l.Remaining)
		}
		if e.Kind == EntryRelease {
			if !l.Pending || part.Points != l.Remaining {
				return corrupt(e, "releases lot %q that is not wholly pending", l.ID)
			}
			l.Pending = false
			a.Pending -= part.Points
			a.Available += part.Points // cannot overflow: the sum was held before
			continue
		}
		if e.Kind == EntryRedeem && e.OrderID != "" {
			drawn = append(drawn, expiryShare{expires: l.ExpiresAt, points: part.Points})
		}
		if e.Kind == EntryExpire {
			if l.OrderID != "" {
				expiredOf = append(expiredOf, orderPart{l.ID, l.OrderID, part.Points})
			}
			a.lapse(l, part.Points)
		}
		l.Remaining -= part.Points
		if l.Pending {
			a.Pending -= part.Points
		} else {
			a.Available -= part.Points
		}
		if l.Remaining == 0 {
			a.lots = slices.Delete(a.lots, i, i+1)
		}
	}
	var err error
	switch e.Kind {
	case EntryJoin:
		if a.Member != "" {
			return corrupt(e, "second join")
		}
		a.Member, a.Birthday, a.Joined = e.Member, e.Birthday, e.Effective
		a.LevelSince, a.NextReview = e.Effective, e.NextReview
		a.reviewClock = e.Effective
		a.levelName = e.TierName
	case EntryEarn, EntryBonus, EntryAdjust, EntryRestore, EntryReopen:
		if e.Kind == EntryReopen {
			if err := a.reopen(e); err != nil {
				return err
			}
		}
		if e.Kind == EntryRestore {
			r, ok := a.redeemed.get(e.OrderID)
			if !ok || e.Lot == "" {
				return corrupt(e, "gives back points of order %q that none were redeemed for, or creates no lot", e.OrderID)
			}
			if r.restored += e.Points; e.Points <= 0 || r.restored > r.points {
				return corrupt(e, "gives back %d points of order %q, %d were redeemed for it", r.restored, e.OrderID, r.points)
			}
			a.redeemed = a.redeemed.set(e.OrderID, r)
		}
		if e.Lot != "" {
			if e.Points <= 0 {
				return corrupt(e, "creates lot %q of %d points", e.Lot, e.Points)
			}
			if a.lotIndex(e.Lot) >= 0 {
				return corrupt(e, "lot %q exists", e.Lot)
			}
			pending := e.AvailableAt.After(e.Effective)
			l := Lot{ID: e.Lot, EarnedAt: e.Effective, AvailableAt: e.AvailableAt, ExpiresAt: e.ExpiresAt,
				Points: e.Points, Remaining: e.Points, Pending: pending, OrderID: e.OrderID}
			if pending {
				a.Pending, err = addPoints(a.Pending, e.Points)
			} else {
				a.Available, err = addPoints(a.Available, e.Points)
			}
			if err != nil {
				return fmt.Errorf("loyalty: member %q: %w", e.Member, err)
			}
			i, _ := slices.BinarySearchFunc(a.lots, &l, lotLess)
			a.ownLots()
			a.lots = slices.Insert(a.lots, i, &l)
		}
		if e.Kind == EntryEarn {
			if _, dup := a.orders.get(e.OrderID); dup || e.OrderID == "" {
				return corrupt(e, "order %q earned twice or unnamed", e.OrderID)
			}
			for i, code := range e.Coupons {
				if code == "" || slices.Contains(e.Coupons[:i], code) {
					return corrupt(e, "coupon %q of order %q is empty or named twice", code, e.OrderID)
				}
				a.couponUses = a.couponUses.set(code, a.CouponUses(code)+1)
			}
			a.orders = a.orders.set(e.OrderID, &orderRecord{id: e.OrderID, time: e.Effective, lot: e.Lot, points: e.Points,
				spend: e.Spend, qual: e.Qualifying, lines: e.Lines, coupons: slices.Clone(e.Coupons), birthdayYear: e.Year})
			a.qual = qinsert(a.qual, e.Effective, e.OrderID, e.Spend, e.Qualifying)
			if e.Year != 0 && !slices.Contains(a.birthdayMultYears, e.Year) {
				a.birthdayMultYears = append(slices.Clip(a.birthdayMultYears), e.Year)
			}
		}
		if e.Kind == EntryBonus && e.Bonus == BonusBirthday {
			a.birthdayGiftYear = e.Year
		}
	case EntryRedeem:
		if id, ok := strings.CutPrefix(e.Key, "redeem:"); ok {
			if code, ok := giftOf(id); ok {
				a.giftUses = a.giftUses.set(code, a.GiftUses(code)+1)
			}
		}
		if e.OrderID != "" {
			if e.Points >= 0 || e.Points == -MaxPoints-1 {
				return corrupt(e, "a redemption for order %q changes the balance by %d", e.OrderID, e.Points)
			}
			r, _ := a.redeemed.get(e.OrderID)
			if r.points, err = addPoints(r.points, -e.Points); err != nil {
				return fmt.Errorf("loyalty: member %q: %w", e.Member, err)
			}
			for _, s := range drawn {
				r = r.withDrawn(s.expires, s.points)
			}
			a.redeemed = a.redeemed.set(e.OrderID, r)
		}
	case EntryExpire:
		for _, x := range expiredOf {
			if o := a.order(x.order); o != nil && o.lot == x.lot {
				o.expired += x.points
				a.setOrder(o)
			}
		}
	case EntryErase:
		if a.Erased.IsZero() {
			a.Erased = e.Effective
		}
		// The fingerprints of the join entry and the birthday changes
		// are stored without the birthday once erased ([Entry.Erased]);
		// the account agrees with them whether or not the store blanked
		// them yet.
		a.keys = a.keys.set(Join{}.Key(), joinFingerprint(a.Member, a.Joined))
		for _, c := range a.birthdayChanges {
			a.keys = a.keys.set(c.key, birthdayChangeFingerprint(a.Member, c.key, c.at))
		}
		a.Birthday, a.birthdayChanges = customer.Birthday{}, nil
	case EntryBirthday:
		if !a.Erased.IsZero() && !e.Birthday.IsZero() {
			return corrupt(e, "a birthday after the erasure of %v", a.Erased)
		}
		if e.Effective.Before(a.birthdayChanged()) {
			return corrupt(e, "a birthday change dated before the last one (%v)", a.birthdayChanged())
		}
		if a.Erased.IsZero() {
			a.birthdayChanges = append(slices.Clip(a.birthdayChanges), birthdayChange{at: e.Effective, key: e.Key, from: a.Birthday})
			a.Birthday = e.Birthday
		}
	case EntryClawback:
		o := a.order(e.OrderID)
		if o == nil {
			return corrupt(e, "claws back unknown order %q", e.OrderID)
		}
		o.lotClawed += lotPoints(e.Parts, o.lot)
		for _, l := range e.Lines {
			if o.units == nil {
				o.units = map[string]int{}
			}
			o.units[l.LineID] += l.Quantity
		}
		if len(e.Lines) > 0 { // a refund; an exchange returns no units
			o.refunds = append(slices.Clip(o.refunds), refundRecord{id: strings.TrimPrefix(e.Key, "return:"), at: e.Effective, lines: slices.Clone(e.Lines)})
		}
		o.clawed += -e.Points + e.Forgiven
		o.returned = o.returned.Sub(e.Spend)
		o.qual += e.Qualifying
		if o.clawed > o.points {
			return corrupt(e, "claws back %d of order %q that earned %d", o.clawed, o.id, o.points)
		}
		if len(e.Coupons) > 0 {
			if o.couponsBack || !o.refunded() || !slices.Equal(e.Coupons, o.coupons) {
				return corrupt(e, "gives back the uses of coupons %q, order %q used %q (given back before: %t, every unit refunded: %t)",
					e.Coupons, o.id, o.coupons, o.couponsBack, o.refunded())
			}
			for _, code := range e.Coupons {
				a.couponUses = a.couponUses.set(code, a.CouponUses(code)-1) // ≥ 0: the order's earn counted it
			}
			o.couponsBack = true
		}
		if e.Year != 0 {
			i := slices.Index(a.birthdayMultYears, e.Year)
			if o.birthdayBack || o.birthdayYear != e.Year || !o.refunded() || i < 0 {
				return corrupt(e, "gives back the birthday multiplier of %d, order %q used that of %d (given back before: %t, every unit refunded: %t)",
					e.Year, o.id, o.birthdayYear, o.birthdayBack, o.refunded())
			}
			a.birthdayMultYears = slices.Delete(slices.Clone(a.birthdayMultYears), i, i+1)
			o.birthdayBack = true
		}
		a.setOrder(o)
	case EntryReduction:
		if e.OrderID == "" {
			if e.Points != 0 || e.Spend.Sign() != 0 || e.Debt != 0 || e.Forgiven != 0 {
				return corrupt(e, "a reduction of no order moves points or spend")
			}
			break
		}
		o := a.order(e.OrderID)
		if o == nil {
			return corrupt(e, "reduces unknown order %q", e.OrderID)
		}
		if e.Spend.Sign() > 0 {
			return corrupt(e, "a reduction adds spend %s", e.Spend)
		}
		o.lotClawed += lotPoints(e.Parts, o.lot)
		o.clawed += -e.Points + e.Forgiven
		o.reduced = o.reduced.Sub(e.Spend)
		o.qual += e.Qualifying
		if o.clawed > o.points {
			return corrupt(e, "claws back %d of order %q that earned %d", o.clawed, o.id, o.points)
		}
		if o.reduced.GreaterThan(o.spend) {
			return corrupt(e, "reductions of %s on order %q that spent %s", o.reduced, o.id, o.spend)
		}
		a.setOrder(o)
	}
	a.Debt, err = addPoints(a.Debt, e.Debt)
	if err != nil {
		return fmt.Errorf("loyalty: member %q: %w", e.Member, err)
	}
	if a.Debt < 0 {
		return corrupt(e, "debt below zero")
	}
	if _, err := addPoints(a.Available, a.Pending); err != nil {
		return fmt.Errorf("loyalty: member %q: %w", e.Member, err)
	}
	if got := a.Balance() - before; got != e.Points {
		return corrupt(e, "changes the balance by %d but says %d", got, e.Points)
	}
	// A tier renamed, renumbered or named is the tier held: held since
	// it was reached.
	renamed := strings.HasPrefix(e.Key, renamedTierPrefix) || strings.HasPrefix(e.Key, namedTierPrefix)
	moved := renamed || strings.HasPrefix(e.Key, droppedTierPrefix)
	if e.Kind == EntryTier {
		a.tierChanges = append(slices.Clip(a.tierChanges), tierChange{at: e.Effective, from: a.Level, to: e.To,
			fromName: a.levelName, toName: e.TierName, seq: e.Seq, key: e.Key,
			clock: a.reviewClock, next: a.NextReview, grace: a.GraceUntil, reviewed: a.reviewed, qual: a.qual})
		a.Level, a.levelName = e.To, e.TierName
		if !renamed {
			a.LevelSince = e.Effective
		}
	}
	if e.Kind == EntryReview && e.TierName != "" {
		a.levelName = e.TierName
	}
	if e.Kind == EntryTier && e.To > e.From && !moved && !e.Effective.Equal(a.NextReview) {
		// An upgrade between reviews restarts the review clock; an
		// upgrade at a review happens at the review due, NextReview, and
		// keeps the schedule.
		a.reviewClock = e.Effective
	} else if (e.Kind == EntryTier || e.Kind == EntryReview) && e.Effective.After(a.reviewed) &&
		!strings.HasPrefix(e.Key, revokePrefix) && !moved {
		// Every other tier or review entry but a revocation, the move
		// off a dropped, renamed or renumbered tier or the naming of
		// the tier held is a review or the end of a grace.
		a.reviewed = e.Effective
	}
	if e.Kind == EntryTier || e.Kind == EntryReview {
		a.NextReview, a.GraceUntil = e.NextReview, e.GraceUntil
	}
	if !restoredClock.IsZero() {
		// A revocation that takes back the upgrade's schedule takes back
		// the clock it started.
		a.reviewClock = restoredClock
	}
	a.keys = a.keys.set(e.Key, e.Fingerprint)
	a.lastKey = e.Key
	a.Version = e.Seq
	if e.Time.After(a.AsOf) {
		a.AsOf = e.Time
		a.pruneLapsed()
	}
	return nil
}

// checkLevels checks the tiers of a tier or review entry e (other than
// a revocation, which checkRevoke checks) against the account before
// it: a tier change moves from the tier held (From) to another tier
// (To ≥ 0); a review keeps the tier held (From and To both). A replay
// does not know the programme, so To is not bounded from above: a tier
// above the programme's is one it dropped ([TierConfig].Levels).
//
// Tier names ([Entry].TierName) are checked where both are known: a
// review names the tier held, a tier change another tier. A replay does
// not know the programme, so the names themselves are not checked.
func (a *Account) checkLevels(e *Entry) error {
	if strings.HasPrefix(e.Key, droppedTierPrefix) {
		return a.checkDropped(e)
	}
	if strings.HasPrefix(e.Key, renamedTierPrefix) {
		return a.checkRenamed(e)
	}
	if strings.HasPrefix(e.Key, namedTierPrefix) {
		return a.checkNamed(e)
	}
	switch e.Kind {
	case EntryTier:
		if e.From != a.Level {
			return corrupt(e, "From is tier %d, the member holds tier %d", e.From, a.Level)
		}
		if e.To < 0 || e.To == e.From {
			return corrupt(e, "To is tier %d, From tier %d: not a tier change", e.To, e.From)
		}
		if e.TierName != "" && e.TierName == a.levelName {
			return corrupt(e, "moves to tier %q (TierName), the tier held", e.TierName)
		}
	case EntryReview:
		if e.From != a.Level || e.To != a.Level {
			return corrupt(e, "From and To are tiers %d and %d, the member holds tier %d", e.From, e.To, a.Level)
		}
		if e.TierName != "" && a.levelName != "" && e.TierName != a.levelName {
			return corrupt(e, "reviews tier %q (TierName), the member holds tier %q", e.TierName, a.levelName)
		}
	}
	return nil
}

// checkMove checks what the move off a dropped tier, that of a renamed
// or renumbered one and the naming of the tier held have in common (see
// checkDropped, checkRenamed and checkNamed): a tier entry from the tier
// held that moves nothing but the tier, dated neither before the last
// tier change nor before the ledger's last time, keeping the review
// schedule held.
func (a *Account) checkMove(e *Entry, what string) error {
	if e.Kind != EntryTier {
		return corrupt(e, "a %s entry keyed as the move of a %s tier", e.Kind, what)
	}
	if e.movesPoints() {
		return corrupt(e, "the move of a %s tier moves points", what)
	}
	if e.From != a.Level || e.To < 0 {
		return corrupt(e, "moves %s tier %d (From) to %d (To), the member holds %d", what, e.From, e.To, a.Level)
	}
	if e.Effective.Before(a.LevelSince) || e.Effective.Before(a.AsOf) {
		return corrupt(e, "dated %v, before the last tier change (%v) or the ledger's last time (%v)", e.Effective, a.LevelSince, a.AsOf)
	}
	if !e.NextReview.Equal(a.NextReview) || !e.GraceUntil.Equal(a.GraceUntil) {
		return corrupt(e, "NextReview %v and GraceUntil %v are not the review schedule held (%v, %v)",
			e.NextReview, e.GraceUntil, a.NextReview, a.GraceUntil)
	}
	return nil
}

// checkRenamed checks entry e, keyed as the move of a member whose tier
// the programme renamed or renumbered ([TierConfig].Levels), against the
// account before it: as checkMove, from a tier whose name the ledger
// knows, to a tier named, at another index or under another name. A
// replay does not know the programme, so it cannot check that the tier
// is the same.
func (a *Account) checkRenamed(e *Entry) error {
	if err := a.checkMove(e, "renamed"); err != nil {
		return err
	}
	if a.levelName == "" || e.TierName == "" || (e.To == e.From && e.TierName == a.levelName) {
		return corrupt(e, "renames tier %d %q to tier %d %q (TierName): a rename moves from a tier named to another index or name",
			e.From, a.levelName, e.To, e.TierName)
	}
	return nil
}

// checkNamed checks entry e, keyed as the naming of the tier held by a
// member whose ledger names none ([TierConfig].Levels), against the
// account before it: as checkMove, on a ledger without a tier name,
// from the tier held to the same tier (From and To both the level
// held), with a name. A replay does not know the programme, so it
// cannot check the name itself.
func (a *Account) checkNamed(e *Entry) error {
	if err := a.checkMove(e, "named"); err != nil {
		return err
	}
	if a.levelName != "" {
		return corrupt(e, "names tier %d %q (TierName), the ledger names it %q already", e.To, e.TierName, a.levelName)
	}
	if e.To != e.From || e.TierName == "" {
		return corrupt(e, "names tier %d (From) as tier %d %q (To, TierName): a naming keeps the tier held and names it", e.From, e.To, e.TierName)
	}
	return nil
}

// movesPoints reports whether e moves points, debt, lots or qualifying
// value: a tier entry that only moves the tier (a revocation, the move
// off a dropped tier, the naming of the tier held) does none of it.
func (e *Entry) movesPoints() bool {
	return e.Points != 0 || e.Debt != 0 || e.Forgiven != 0 || len(e.Parts) > 0 || e.Lot != "" || e.Qualifying != 0
}

// checkDropped checks entry e, keyed as the move off a tier the
// programme dropped ([TierConfig].Levels), against the account before
// it: as checkMove, down from the tier held, or, named, to a tier of
// another name no higher (the lowest tier, when the programme dropped
// the lowest). A replay does not know the programme, so it cannot check
// that To is the tier the programme reads ([TierConfig].Levels).
func (a *Account) checkDropped(e *Entry) error {
	if err := a.checkMove(e, "dropped"); err != nil {
		return err
	}
	// A named tier dropped at the bottom leaves its members in the new
	// lowest tier, at the same index under another name.
	if e.To > e.From || (e.To == e.From && (e.TierName == "" || a.levelName == "")) {
		return corrupt(e, "moves off dropped tier %d (From) to %d (To): not down", e.From, e.To)
	}
	if e.TierName != "" && e.TierName == a.levelName {
		return corrupt(e, "moves off dropped tier %q to a tier of the same name (TierName)", e.TierName)
	}
	return nil
}

// checkRevoke checks entry e, keyed as the revocation of a tier by the
// refund of return id ([TierConfig].RevokeDays), against the account
// before it: a tier entry that moves nothing but the tier, right after
// the claw-back of that refund of the order it names, down from the tier
// held (to a tier of another name, when it names one), dated neither
// before the refund nor before the last tier change or review, with the
// review schedule that revokedSchedule restores, or the one held (as
// written before revocations restored it). It returns the review clock
// to restore, zero when the schedule stays.
func (a *Account) checkRevoke(e *Entry, id string) (time.Time, error) {
	if e.Kind != EntryTier {
		return time.Time{}, corrupt(e, "a %s entry keyed as a tier revocation", e.Kind)
	}
	if e.movesPoints() {
		return time.Time{}, corrupt(e, "a tier revocation moves points")
	}
	o, ok := a.orders.get(e.OrderID)
	if a.lastKey != (Returned{}).Key()+id || !ok || len(o.refunds) == 0 || o.refunds[len(o.refunds)-1].id != id {
		return time.Time{}, corrupt(e, "does not follow the claw-back of refund %q of order %q", id, e.OrderID)
	}
	if e.From != a.Level || e.To < 0 || e.To >= e.From {
		return time.Time{}, corrupt(e, "revokes tier %d (From) to %d (To), the member holds %d", e.From, e.To, a.Level)
	}
	if e.TierName != "" && e.TierName == a.levelName {
		return time.Time{}, corrupt(e, "revokes tier %q to a tier of the same name (TierName)", e.TierName)
	}
	if at := o.refunds[len(o.refunds)-1].at; e.Effective.Before(at) || e.Effective.Before(a.LevelSince) || e.Effective.Before(a.reviewed) {
		return time.Time{}, corrupt(e, "dated %v, before the refund (%v), the last tier change (%v) or the last review (%v)", e.Effective, at, a.LevelSince, a.reviewed)
	}
	if next, grace, clock, ok := a.revokedSchedule(e.To, e.TierName, e.Effective); ok && e.NextReview.Equal(next) && e.GraceUntil.Equal(grace) {
		return clock, nil
	}
	if !e.NextReview.Equal(a.NextReview) || !e.GraceUntil.Equal(a.GraceUntil) {
		return time.Time{}, corrupt(e, "NextReview %v and GraceUntil %v are neither the review schedule held (%v, %v) nor the one the revocation restores",
			e.NextReview, e.GraceUntil, a.NextReview, a.GraceUntil)
	}
	return time.Time{}, nil
}

// revokedSchedule returns the review schedule that a revocation at at
// down to tier to, named toName ("" when unknown), restores
// ([TierConfig].RevokeDays): that of the upgrade it takes back wholly
// — the last tier change from tier to to a higher one — as held before
// that upgrade, when the upgrade started the review clock and no review
// or end of a grace was held since. The next review and the end of the
// grace are then those held before the upgrade, or at, when they fell
// due before it; clock is the review clock held before the upgrade. ok
// is false when the revocation keeps the schedule: the last change that
// took the member above tier to started from below it (the member
// keeps a tier that change reached), or a review was recorded since.
//
// The move of a renamed or renumbered tier ([TierConfig].Levels) is no
// tier change of the member's: the upgrade recorded just before the
// moves of renamed tiers since is taken back wholly as without them
// when it started from the tier of name toName and the moves renamed
// the tier it reached into the tier held. The tiers before such a move
// may be numbered otherwise, so any other change before it keeps the
// schedule.
func (a *Account) revokedSchedule(to int, toName string, at time.Time) (next, grace, clock time.Time, ok bool) {
	renamed := false
	for i := len(a.tierChanges) - 1; i >= 0; i-- {
		c := a.tierChanges[i]
		if strings.HasPrefix(c.key, renamedTierPrefix) {
			renamed = true
			continue
		}
		if renamed {
			level, name := a.renamedSince(i+1, c.to, c.toName)
			if c.fromName == "" || c.fromName != toName || c.toName == "" || level != a.Level || name != a.levelName {
				return time.Time{}, time.Time{}, time.Time{}, false
			}
		} else if c.from > to || c.to <= to {
			continue
		} else if c.from != to {
			return time.Time{}, time.Time{}, time.Time{}, false
		}
		if !c.reviewed.Equal(a.reviewed) || c.at.Equal(c.next) || c.clock.IsZero() {
			return time.Time{}, time.Time{}, time.Time{}, false
		}
		next, grace = c.next, c.grace
		if next.Before(at) {
			next = at
		}
		if !grace.IsZero() && grace.Before(at) {
			grace = at
		}
		return next, grace, c.clock, true
	}
	return time.Time{}, time.Time{}, time.Time{}, false
}

// lapse records that pts points of lot l expired.
func (a *Account) lapse(l *Lot, pts Points) {
	x := lapsedLot{id: l.ID, earned: l.EarnedAt, expires: l.ExpiresAt, points: pts}
	if o, ok := a.orders.get(l.OrderID); ok && l.OrderID != "" && o.lot == l.ID {
		x.order = l.OrderID
	}
	i, found := slices.BinarySearchFunc(a.lapsed, x, lapsedCompare)
	a.lapsed = slices.Clone(a.lapsed)
	if found {
		a.lapsed[i].points += pts // bounded by the lot's points, which fit
		return
	}
	a.lapsed = slices.Insert(a.lapsed, i, x)
}

// pruneLapsed drops the lapsed lots that expired lapsedKept or more
// before AsOf: no redemption can put them back any more.
func (a *Account) pruneLapsed() {
	n := 0
	for n < len(a.lapsed) && !a.lapsed[n].expires.IsZero() && !a.lapsed[n].expires.After(a.AsOf.Add(-lapsedKept)) {
		n++
	}
	if n > 0 {
		a.lapsed = slices.Clone(a.lapsed[n:])
	}
}

// reopen takes the points a reopen entry puts back from the lapsed lot
// its one part names; the caller creates the entry's lot.
func (a *Account) reopen(e *Entry) error {
	if len(e.Parts) != 1 {
		return corrupt(e, "a reopen names %d expired lots, not one", len(e.Parts))
	}
	part := e.Parts[0]
	i := slices.IndexFunc(a.lapsed, func(x lapsedLot) bool { return x.id == part.Lot })
	if i < 0 {
		return corrupt(e, "reopens lot %q, which has no expired points to put back", part.Lot)
	}
	x := a.lapsed[i]
	if part.Points <= 0 || part.Points > x.points || part.Points != e.Points || !e.ExpiresAt.Equal(x.expires) {
		return corrupt(e, "puts back %d points expiring %v of lot %q, of which %d expired %v", e.Points, e.ExpiresAt, x.id, x.points, x.expires)
	}
	if x.order != "" {
		o := a.order(x.order)
		if o == nil || o.expired < part.Points {
			return corrupt(e, "puts back more points of order %q than expired of it", x.order)
		}
		o.expired -= part.Points
		a.setOrder(o)
	}
	a.lapsed = slices.Clone(a.lapsed)
	if x.points == part.Points {
		a.lapsed = slices.Delete(a.lapsed, i, i+1)
	} else {
		a.lapsed[i].points -= part.Points
	}
	return nil
}
