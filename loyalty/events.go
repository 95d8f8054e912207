package loyalty

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Event is something that happened to a member. [Programme.Apply] turns
// an event into ledger entries. Every event but [Tick] has an idempotency
// key ([Event.Key], [Programme.Key]): the ledger accepts each key once, so
// an event delivered twice takes effect once. Events are compared by
// content with their times as instants: the same event with its times in
// another zone is a redelivery.
//
// The events are [Join], [Purchase], [Returned], [Credited],
// [Redemption], [Adjustment], [ProfileCompleted], [SurveyAnswered],
// [BirthdayClaim], [BirthdayChanged], [Erasure] and [Tick].
type Event interface {
	// Key returns the idempotency key, "" for [Tick].
	Key() string
	// MemberID returns the member the event is about.
	MemberID() customer.ID
	validate(p *Programme, a *Account, now time.Time) error
	apply(b *builder) error
}

// Join opens a member's ledger. Key "join".
type Join struct {
	// Member is the new member's customer ID.
	Member customer.ID
	// Birthday is needed for birthday benefits; zero when unknown.
	Birthday customer.Birthday
	// Time is when the member joined.
	Time time.Time
}

// Purchase earns the points of an order (domain rules §6: points by the amount
// spent). Key "order:" + the order ID.
//
// A purchase recorded late (a till that syncs late) earns with the tier
// the member held at its time, as the ledger records it when the
// purchase is recorded, and counts in the qualifying window by its time;
// the upgrade it brings takes effect as of its time or a later
// purchase's ([TierConfig]), so the purchases dated after it and
// recorded after it earn with the new tier, whether recorded one by one
// or in one sync. A tier review held between its time and its recording
// was held without it and is not held again. Within a grace period the
// purchase counts at the grace's end, so the member keeps its tier and
// review schedule as in time order. Without grace (GraceDays 0) the
// review may have moved the member down; the purchase then moves it up
// again as of that review, the member's last tier change, and restarts
// the review clock then: orders and birthday claims recorded in between
// keep what they earned with the lower tier.
//
// A purchase that used coupons names them in Coupons ([Quote.Checkout]
// does), and the ledger records the uses with the order's earn entry
// ([Entry.Coupons], [Account.CouponUses]). A coupon whose Limit the
// member's recorded uses reach refuses the purchase with a
// [*CouponError] (Rule [RuleUses], Field "max_uses_per_member": the
// member's limit, whichever of the coupon's fields set it, see
// [NewCouponUse]) wrapped in an error naming the purchase and the
// coupon's index ("coupons[0]"), and nothing is recorded: of two tills that both priced a single-use coupon for
// the same member, the one whose checkout is recorded second is
// refused, also through a [Service] that retries after a conflict,
// since the retry sees the first use. The same purchase delivered again
// is a redelivery ([DuplicateError]) and counts no second use.
type Purchase struct {
	// Order is the purchase, validated by [customer.Order.Validate].
	Order customer.Order
	// Coupons are the coupons the order used, each code once; none for
	// an order without coupons, which is written as before (no field).
	Coupons []CouponUse `json:",omitempty"`
}

// CouponUse is a coupon used on an order, as a [Purchase] reports it to
// the member's ledger.
type CouponUse struct {
	// Code is the coupon's code, not empty.
	Code string `json:"code"`
	// Limit is the most uses of the code the member may have, this one
	// included: the coupon's MaxUsesPerMember, or for a personal coupon
	// (a Holder) the smaller of it and MaxUses, whichever are set, since
	// only its holder can use it ([NewCouponUse]); 0 for no limit.
	Limit int `json:"limit,omitempty"`
}

// NewCouponUse returns the use of coupon c by its member's order: its
// code and the limit of uses by one member. A personal coupon (Holder
// set) can be used by its holder alone, so its MaxUses limits the
// holder too and the ledger can enforce it: the limit is then the
// smaller of MaxUsesPerMember and MaxUses, whichever are not zero. A
// bearer coupon's MaxUses counts everyone's uses, which no one
// member's ledger holds: the caller, or its store, counts them
// ([CouponUses.Total]).
func NewCouponUse(c Coupon) CouponUse {
	limit := c.MaxUsesPerMember
	if c.Holder != "" && c.MaxUses > 0 && (limit == 0 || c.MaxUses < limit) {
		limit = c.MaxUses
	}
	return CouponUse{Code: c.Code, Limit: limit}
}

// Returned claws back the points of the returned units. Key "return:" +
// the return ID. Quantities are negative, as on a credit note
// ([customer.ReturnLine]).
//
// A [customer.Refund] claws back the refunded units' share of the order's
// points and takes their amount off the qualifying spend: their share of
// the lines' net, also when the shop kept a fee ([customer.Return]'s
// Refund), which pays for a service, not for goods. A
// [customer.Exchange] moves no money: its claw-back entry takes no points
// and no spend and leaves the units with the member (the replacement is
// the same sale), so a later refund of them claws back as usual.
//
// A refund moves the member down only when the programme takes back
// tiers bought and refunded ([TierConfig].RevokeDays): right after its
// claw-back, an [EntryTier] keyed "revoke:" + the return ID then moves
// the member to the tier the qualifying value left reaches, when the
// tier held was reached within RevokeDays days before the refund's time
// and the value no longer reaches it.
//
// A refund of an order that points paid for (redemptions whose
// [Redemption.Order] names it) gives those points back by the share of
// the order's net that the refunded units paid: the order's
// [EntryRestore] entries reach the cumulative target
//
//	round(redeemed × min(1, returned net ÷ net))
//
// (half up), where returned net is the exact share of the lines' net of
// the units refunded, all of the points redeemed once every unit came
// back, never more. Points paid for the goods by price, as money does:
// unlike the claw-back, the target ignores earn multipliers, so
// returning the double-points line of a basket gives back that line's
// share of the points, not more. An order paid wholly with points has no
// net (it paid no money): its units returned ÷ its units sold take the
// place of the nets. An exchange gives nothing back.
//
// Points given back keep the expiry of the points they replace, so that
// buying with points about to expire and returning the goods does not
// renew them. The order's redemptions remember how many of the points
// they drew came from lots of each expiry date; refunds give them back
// latest expiry first (points that never expire first of all), so the
// points that stay spent are those nearest to expiry, the ones a
// redemption draws first. A refund gives back one new lot per expiry
// date, latest first, available at once and expiring when the points it
// replaces would have; the first is keyed "restore:" + the return ID, the
// next "restore-2:" + the return ID, and so on (the first of these keys
// the ledger does not hold yet). Points whose expiry is not after the
// refund's time are given back expired: their lot expires at the refund, at once
// ([EntryRestore] followed by [EntryExpire]), so they are counted as
// given back ([Account.OrderRedemption]) but never come back alive. The
// points come back before the refund's claw-back, which may draw on
// those alive (nearest expiry first, after the order's own lot), and
// what the claw-back leaves of them settles debt, nearest expiry first;
// the points given back expired take no part in either. Points paid on
// the order by a redemption recorded after the refund (a till that
// syncs late) come back when the redemption is recorded, as of the
// refund ([Redemption]).
//
// The refund that brings back the last unit of every line of an order
// gives back the uses of the coupons the order used ([Purchase.Coupons]):
// its claw-back entry names them ([Entry.Coupons]) and
// [Account.CouponUses] no longer counts them, so a member who returned
// everything bought with a single-use coupon may use it again (while it
// is valid). It gives back as well the year's birthday multiplier,
// when the order used it ([BirthdayConfig].Multiplier): its claw-back
// entry records the year ([Entry.Year]) and the next purchase of the
// birthday month that year earns the multiplier (none once the birthday
// is erased). A partial refund gives nothing back, nor does an exchange
// (the sale stands) or a price reduction ([Credited]); a redelivered
// return is a redelivery and gives nothing back twice.
type Returned struct {
	// Return is the return; its order must have earned in this ledger.
	Return customer.Return
}

// Credited records money given back to a member without goods coming
// back ([customer.Credit]). Key "credit:" + the credit ID.
//
// A [customer.PriceReduction] lowers what the order cost the member, so
// it takes back the points of the money given back: the order's
// claw-backs, of returns and reductions together, reach the cumulative
// target
//
//	round(points × (1 − kept weight ÷ total weight × kept spend ÷ kept net))
//
// (half up), where kept weight is the points weight of the units not
// returned ([Returned]; weight: net × rate × multipliers), kept net what
// those units cost, and kept spend what the member still pays for them:
// kept net less the sum of the order's price reductions, never below
// zero. The member keeps the points of the goods it keeps in the share
// of their price it still pays; without multipliers the target is
// round(points × (returned net + reduced) ÷ spend). It depends on what
// came back and what was given back, not on the order in which they
// were recorded; it only grows, so claw-backs never add up to more than
// the order earned, and reaches all of it once the goods came back or
// the whole price was given back, by refunds and reductions together.
// The reduction is also taken off the order's qualifying spend (never
// below zero).
//
// A price reduction may give back at most what the member still paid for
// the goods in money: the order's spend less what its refunds paid back
// and earlier reductions gave back, nothing once every unit was refunded.
// It gives back money, never points: points that paid for the order stay
// spent (a host that wants to give some back records an [Adjustment]).
// An amount must be in the programme's currency, in whole minor units.
//
// A [customer.Compensation] is goodwill, not a price: its entry takes no
// points and no spend and only records the event.
type Credited struct {
	// Credit is the credit; a price reduction must be of an order that
	// earned in this ledger.
	Credit customer.Credit
}

// Redemption spends available points, nearest expiry first. Key
// "redeem:" + ID.
//
// Points of an order do not pay for that order: a redemption never
// spends, nor counts as available, the points that the order it pays
// for (Order) earned when the order is dated at its Time or later,
// recorded on time or late, before or after the order's [Purchase].
// Paid points come first, as [Quote.Checkout] records them, and points
// are earned on what was paid (domain rules §6), so those points did not
// exist when the redemption took place; recorded after the purchase, a
// redemption spends what it would have spent recorded before it, and
// one that would need those points is refused ([InsufficientError]),
// as it would have been then. (Without a return window,
// [Config].PendingDays 0, the order's points are available at once.)
// The points of an order dated before the redemption are points like
// any other.
//
// A redemption is judged at its own Time, also when it is recorded late
// (the now of [Programme.Apply] after Time: a till that syncs late).
// Within [RedeemConfig.LateDays] of Time, it spends the points as it
// would have had it been recorded on time: first, nearest expiry first,
// the points it could spend at Time (earned and available by then,
// expiring after it), those that expired since among them, and the
// expiry writes off only what the redemption left. An
// expiry not recorded yet waits until after the redemption; points whose
// expiry is already in the ledger are put back for it by [EntryReopen]
// entries (keyed "reopen:" + ID, then "reopen-2:" + ID …), each a lot
// that keeps the expiry of the points it puts back (so that a refund of
// the order they paid for gives them back expired) and that the
// redemption spends wholly. Points of an order's lot that a claw-back
// already wrote off because they had expired ([Returned]) are not put
// back. The balance stays the sum of the entries, and the redemption's
// key keeps it to one. Besides, as any redemption, a late one may spend
// the points available when it is recorded: after those of its Time,
// nearest expiry first, the points earned or released since (but those
// of the order it pays for, above) and those a refund gave back since,
// however soon they expire. What another spend
// recorded in between drew (a redemption, a claw-back, a negative
// adjustment) is not judged again: the late redemption spends what it
// left, which may leave the member other points, expiring on other dates,
// than had the two been recorded in the order of their times, and under
// [DebtCapAtZero] a claw-back recorded in between may have taken points
// that, recorded in time order, the redemption would have spent first and
// the claw-back written off. Recorded later than LateDays after its Time,
// a redemption spends only the points available when it is recorded,
// nearest expiry first.
//
// A redemption for an order (Order) recorded after refunds of that
// order (the till synced late, the refund went through online at once)
// gives back at once what those refunds would have given back had it
// been recorded before them ([Returned]): refund by refund, in the order
// they were recorded, what the cumulative target for the units refunded
// so far adds to the points given back already, as of the refund's time
// (the redemption's Time, when later), latest expiry first, each lot
// keeping the expiry of the points it replaces and given back expired
// when that is not after the refund's time, keyed as the refund's own
// ("restore:" + the return ID, "restore-2:" + the return ID …, the first
// the ledger does not hold), and settling debt as a refund's do. A later
// refund of the order gives back only the rest: nothing comes back twice.
// An order the ledger does not know has no refunds, and an exchange
// gives nothing back. Once the refunds left the order fully refunded,
// every point paid on it is back, expiring when it would have had the
// redemption been recorded first, and the balance is the same at every
// later time, unless the claw-back of such a refund found the order's
// own lot short: recorded before the redemption, it drew on other points
// than the points given back it would have drawn on in time order, and,
// as any spend recorded in between, it is not judged again.
//
// A redemption whose ID is "gift:" + the code of a gift of the
// programme's catalogue + ":" + a request ID takes that gift ([Gift],
// [Programme.GiftRedemption]). Besides the rules above it must spend the
// gift's Points, pay for no order (Order and OrderTotal empty), be
// dated within the gift's ValidFrom and ValidUntil, by a member who
// holds at Time the gift's MinTier or a tier above it (as the ledger
// holds it once brought up to date) and who took the gift fewer than
// MaxPerMember times before ([Account.GiftUses]). Otherwise it is
// refused with a [*customer.ValidationError] naming the gift, the member
// and the field: "gift.points", "order", "order_total",
// "gift.valid_from", "gift.valid_until", "gift.min_tier" or
// "gift.max_per_member". Its entry's note names the gift. An ID of that
// form whose code the catalogue does not have is a plain redemption,
// which [Account.GiftUses] counts all the same: IDs that begin with
// "gift:" are best left to gifts.
type Redemption struct {
	// Member spends the points.
	Member customer.ID
	// ID identifies the redemption in the caller's system, e.g. the order
	// paid with the points.
	ID string
	// Points is how many points to spend, > 0 and at least
	// [RedeemConfig.MinPoints].
	Points Points
	// OrderTotal, when not zero, is the amount of the order the points pay
	// for; the value of the points must not exceed
	// [RedeemConfig.MaxShare] of it. It is in the programme's currency,
	// not negative, and in whole minor units of the currency (20.00 EUR,
	// not 20.005): more decimals are refused ("order_total",
	// [customer.CodeFormat]), never rounded, as the other amounts of the
	// package are.
	OrderTotal customer.Money
	// Time is when the points were spent.
	Time time.Time
	// Order, when not empty, is the ID of the order the points pay for
	// ([Quote.Checkout] sets it). A refund of that order's goods gives
	// the points back in proportion ([Returned]), also a refund recorded
	// before the redemption; points redeemed for no order, e.g. for a
	// gift, are never given back.
	Order string `json:",omitempty"`
}

// Adjustment is a manual correction by an operator. Key "adjust:" + ID.
// Positive points create a lot available at once; negative points draw on
// available points, nearest expiry first, and never below zero. Positive
// points must fit, with the points the member holds (available and
// pending), in [MaxPoints]: more is refused with an error wrapping
// [ErrOverflow] that names the adjustment and its points, and nothing is
// recorded. A ledger brought near MaxPoints by an adjustment has no room
// for the points of later orders ([ErrOverflow]) until a negative
// adjustment takes the points off again. Unlike a
// [Redemption], a negative adjustment is judged when it is recorded:
// dated before an expiry recorded since, it cannot take the points that
// expired.
type Adjustment struct {
	Member   customer.ID // the member whose points change
	ID       string      // the correction's ID in the caller's system
	Points   Points      // points added (> 0) or removed (< 0)
	Reason   string      // why, required
	Operator string      // who, required
	Time     time.Time   // when
}

// ProfileCompleted gives [EarnConfig.ProfileBonus] once for a complete
// clothing profile. Key "profile".
type ProfileCompleted struct {
	Member  customer.ID      // the member
	Profile customer.Profile // must be [customer.Profile.Complete]
	Time    time.Time        // when it was completed
}

// SurveyAnswered gives [EarnConfig.SurveyBonus] once per survey. Key
// "survey:" + SurveyID.
type SurveyAnswered struct {
	Member   customer.ID // the member
	SurveyID string      // the survey, required
	Time     time.Time   // when it was answered
}

// BirthdayClaim gives the birthday gift ([BirthdayConfig.Gift] plus the
// tier's [TierLevel.BirthdayGift]). It is accepted only within the
// member's birthday month and once per calendar year, both in the
// programme's time zone ([Config.Location]): key "birthday:" + the year
// ([Programme.Key]). A year not claimed is not carried over: a claim
// recorded (the now of [Programme.Apply]) more than
// [BirthdayConfig.LateDays] after its Time is refused, with a
// [*customer.ValidationError] on "time" naming the member, so that a
// claim dated in a past year's birthday month cannot collect that year's
// gift afterwards.
type BirthdayClaim struct {
	Member customer.ID // the member
	Time   time.Time   // when the gift is claimed, in the birthday month
}

// BirthdayChanged records the member's birthday anew: a wrong one
// corrected, one given after joining without, or none (a zero Birthday)
// when the customer takes it back. Key "birthday-change:" + ID.
//
// From Time on the birthday benefits follow the new birthday: a
// [BirthdayClaim] or a [Purchase] is judged by the birthday the member
// had at its own Time, also when it is recorded after the change (a
// purchase made in the old birthday month before the change earns the
// birthday multiplier as it would have on time). Entries recorded
// before the change keep what they earned. A change does not renew the
// benefits: the gift and the multiplier are still given at most once per
// calendar year ([BirthdayConfig]), so a member whose birthday moves to
// a later month after this year's gift gets the next gift next year.
//
// Time must not be before the member's last birthday change. After an
// [Erasure] the ledger holds no birthday for good and a change is
// refused (field "birthday"). The change's entry ([EntryBirthday])
// holds the birthday, which an [Eraser] erases as that of the join
// ([Entry.Erased]); delivered again after the erasure, the change is
// still a redelivery ([DuplicateError] with Same).
type BirthdayChanged struct {
	// Member is the member whose birthday changes.
	Member customer.ID
	// ID identifies the change in the caller's system, e.g. the update
	// of the customer record; required.
	ID string
	// Birthday is the new birthday, zero when it is no longer known.
	Birthday customer.Birthday
	// Time is when the birthday changed.
	Time time.Time
}

// Erasure erases the member's personal data from its ledger: the
// birthday, the only personal data a ledger holds (GDPR art. 17, PIPL
// art. 47). Key "erase:" + ID.
//
// From the erasure on, the account's birthday is unknown
// ([Account.Birthday] zero, [Account.Erased] set): a later
// [BirthdayClaim] is refused as for a member without a birthday, and a
// later [Purchase] earns no birthday multiplier, also one dated before
// the erasure and recorded after it. The points of birthday benefits
// given before stay, with their entries, so the month of such a benefit
// can still be inferred from the ledger (see the package documentation,
// Privacy). The erasure entry ([EntryErase]) moves no points.
//
// The entry alone does not remove the birthday from the stored join
// entry: a [Store] that implements [Eraser] does, in the same step as
// it appends the entry, and [Service] applies an Erasure only on such a
// store. The birthday is then gone from every stored entry and from the
// join entry's [Entry.Fingerprint] ([Entry.Erased]); a [Join] delivered
// again after it is still recognised as a redelivery
// ([DuplicateError] with Same).
type Erasure struct {
	// Member is the member whose personal data is erased.
	Member customer.ID
	// ID identifies the erasure in the caller's system, e.g. the
	// erasure request or the anonymisation of the customer; required.
	ID string
	// Time is when the data was erased, e.g. the time given to
	// [customer.Customer.AnonymizeAt].
	Time time.Time
}

// Tick brings a ledger up to now without an event: it releases pending
// points whose return window ended, expires lots, and runs due tier
// reviews, after recording the move of a member on a tier the programme
// dropped, renamed or renumbered, or, under a programme that names
// ledgers ([TierConfig].NameLedgers), the name of the tier held by a
// ledger written before tier names were recorded ([TierConfig].Levels):
// a sweep of Ticks over every member names the tiers of old ledgers
// before a restructure. It has no key; a Tick with nothing to do
// produces no entry.
type Tick struct {
	// Member is the member whose ledger is brought up to now.
	Member customer.ID
}

// Key returns "join".
func (Join) Key() string { return "join" }

// Key returns "order:" + the order ID.
func (e Purchase) Key() string { return "order:" + e.Order.ID }

// Key returns "return:" + the return ID.
func (e Returned) Key() string { return "return:" + e.Return.ID }

// Key returns "credit:" + the credit ID.
func (e Credited) Key() string { return "credit:" + e.Credit.ID }

// Key returns "redeem:" + ID.
func (e Redemption) Key() string { return "redeem:" + e.ID }

// Key returns "adjust:" + ID.
func (e Adjustment) Key() string { return "adjust:" + e.ID }

// Key returns "profile".
func (ProfileCompleted) Key() string { return "profile" }

// Key returns "survey:" + SurveyID.
func (e SurveyAnswered) Key() string { return "survey:" + e.SurveyID }

// Key returns "birthday:" + the year of Time in UTC, the key of the claim
// in a programme without a [Config.Location]; [Programme.Key] gives the
// key in any programme.
func (e BirthdayClaim) Key() string { return "birthday:" + strconv.Itoa(e.Time.UTC().Year()) }

// Key returns the idempotency key that [Programme.Apply] uses for e. It
// is e.Key(), except for a [BirthdayClaim], whose key names the year of
// its Time in the programme's time zone ([Config.Location]).
func (p *Programme) Key(e Event) string {
	if c, ok := e.(BirthdayClaim); ok {
		return "birthday:" + strconv.Itoa(c.Time.In(p.Location()).Year())
	}
	return e.Key()
}

// Key returns "birthday-change:" + ID.
func (e BirthdayChanged) Key() string { return birthdayChangePrefix + e.ID }

// birthdayChangePrefix begins the key of a [BirthdayChanged].
const birthdayChangePrefix = "birthday-change:"

// Key returns "erase:" + ID.
func (e Erasure) Key() string { return "erase:" + e.ID }

// Key returns "".
func (Tick) Key() string { return "" }

// MemberID returns Member.
func (e Join) MemberID() customer.ID { return e.Member }

// MemberID returns the order's customer.
func (e Purchase) MemberID() customer.ID { return e.Order.CustomerID }

// MemberID returns the return's customer.
func (e Returned) MemberID() customer.ID { return e.Return.CustomerID }

// MemberID returns the credit's customer.
func (e Credited) MemberID() customer.ID { return e.Credit.CustomerID }

// MemberID returns Member.
func (e Redemption) MemberID() customer.ID { return e.Member }

// MemberID returns Member.
func (e Adjustment) MemberID() customer.ID { return e.Member }

// MemberID returns Member.
func (e ProfileCompleted) MemberID() customer.ID { return e.Member }

// MemberID returns Member.
func (e SurveyAnswered) MemberID() customer.ID { return e.Member }

// MemberID returns Member.
func (e BirthdayClaim) MemberID() customer.ID { return e.Member }

// MemberID returns Member.
func (e BirthdayChanged) MemberID() customer.ID { return e.Member }

// MemberID returns Member.
func (e Erasure) MemberID() customer.ID { return e.Member }

// MemberID returns Member.
func (e Tick) MemberID() customer.ID { return e.Member }

// fingerprint hashes the content of an event (FNV-1a 64 of its JSON),
// with its times in UTC: an event is the same whatever zone its times
// are given in, as long as they are the same instants.
func fingerprint(e Event) Fingerprint { return zonedFingerprint(inUTC(e)) }

// inUTC returns e with its times in UTC.
func inUTC(e Event) Event {
	switch v := e.(type) {
	case Join:
		v.Time = v.Time.UTC()
		return v
	case Purchase:
		v.Order.Time = v.Order.Time.UTC()
		return v
	case Returned:
		v.Return.Time = v.Return.Time.UTC()
		return v
	case Credited:
		v.Credit.Time = v.Credit.Time.UTC()
		return v
	case Redemption:
		v.Time = v.Time.UTC()
		return v
	case Adjustment:
		v.Time = v.Time.UTC()
		return v
	case ProfileCompleted:
		v.Time = v.Time.UTC()
		return v
	case SurveyAnswered:
		v.Time = v.Time.UTC()
		return v
	case BirthdayClaim:
		v.Time = v.Time.UTC()
		return v
	case BirthdayChanged:
		v.Time = v.Time.UTC()
		return v
	case Erasure:
		v.Time = v.Time.UTC()
		return v
	}
	return e
}

// joinFingerprint returns the fingerprint of the join of member at t
// without a birthday: that of a join entry whose birthday was erased
// ([Entry.Erased]).
func joinFingerprint(member customer.ID, t time.Time) Fingerprint {
	return fingerprint(Join{Member: member, Time: t})
}

// birthdayChangeFingerprint returns the fingerprint of the birthday
// change of member keyed key at t without its birthday: that of a
// birthday entry whose birthday was erased ([Entry.Erased]).
func birthdayChangeFingerprint(member customer.ID, key string, t time.Time) Fingerprint {
	return fingerprint(BirthdayChanged{Member: member, ID: strings.TrimPrefix(key, birthdayChangePrefix), Time: t})
}

// zonedFingerprint hashes e with its times in the zones they carry. It is
// how fingerprints were computed before they compared instants; Apply
// still recognises a redelivery by it.
func zonedFingerprint(e Event) Fingerprint {
	b, err := json.Marshal(e)
	if err != nil {
		b = []byte(fmt.Sprintf("%T %s", e, e.Key()))
	}
	h := fnv.New64a()
	h.Write([]byte(fmt.Sprintf("%T", e)))
	h.Write(b)
	return Fingerprint(h.Sum64())
}

// checkWhen adds problems for a zero time, one after now, or one before
// the member joined.
func checkWhen(p *problems, field string, t, now time.Time, a *Account) {
	switch {
	case t.IsZero():
		p.add(field, customer.CodeRequired, "is zero")
	case t.After(now):
		p.add(field, customer.CodeFuture, "%s is after %s", t.Format(time.RFC3339), now.Format(time.RFC3339))
	case !a.Joined.IsZero() && t.Before(a.Joined):
		p.add(field, customer.CodeOrder, "%s is before the member joined (%s)", t.Format(time.RFC3339), a.Joined.Format(time.RFC3339))
	}
}

// checkBirthday adds a problem on "birthday" for a birthday b that is
// set and that [customer.Customer.Validate] refuses too: not a date, a
// year before [customer.MinBirthYear], or a date after now in the
// programme's zone. The date itself is not written: it is personal data.
func checkBirthday(pr *problems, p *Programme, b customer.Birthday, now time.Time) {
	if b.IsZero() {
		return
	}
	local := now.In(p.Location())
	switch {
	case !validBirthday(b):
		pr.add("birthday", customer.CodeRange, "is not a date")
	case b.Year == 0:
	case b.Year < customer.MinBirthYear:
		pr.add("birthday", customer.CodeRange, "the year is before %d", customer.MinBirthYear)
	case b.Year > local.Year() || b.Year == local.Year() && (b.Month > local.Month() || b.Month == local.Month() && b.Day > local.Day()):
		pr.add("birthday", customer.CodeFuture, "is after the date it is recorded (%s)", p.date(now))
	}
}

func validBirthday(b customer.Birthday) bool {
	if b.Month < time.January || b.Month > time.December || b.Day < 1 || b.Year < 0 {
		return false
	}
	y := b.Year
	if y == 0 {
		y = 2000 // a leap year, so 29 February is a valid birthday
	}
	return time.Date(y, b.Month, b.Day, 0, 0, 0, 0, time.UTC).Day() == b.Day
}

func (e Join) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	if e.Member == "" {
		pr.add("member", customer.CodeRequired, "is empty")
	}
	checkWhen(&pr, "time", e.Time, now, a)
	checkBirthday(&pr, p, e.Birthday, now)
	return pr.err(fmt.Sprintf("join of member %q", e.Member))
}

func (e Purchase) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	for i, l := range e.Order.Lines {
		if !sane(l.UnitPrice) {
			pr.add(fmt.Sprintf("order.lines[%d].unit_price", i), customer.CodeRange, "%s is too large or too precise", brief(l.UnitPrice))
		}
		if !sane(l.Discount) {
			pr.add(fmt.Sprintf("order.lines[%d].discount", i), customer.CodeRange, "%s is too large or too precise", brief(l.Discount))
		}
	}
	if len(pr.fields) > 0 {
		return pr.err(fmt.Sprintf("purchase %q of member %q", e.Order.ID, a.Member))
	}
	pr.merge("order.", e.Order.Validate(now))
	if e.Order.CustomerID != "" && e.Order.CustomerID != a.Member {
		pr.add("order.customer_id", customer.CodeMismatch, "is %q, the account is %q", e.Order.CustomerID, a.Member)
	}
	if e.Order.Currency.Valid() && e.Order.Currency != p.cfg.Currency {
		pr.add("order.currency", customer.CodeMismatch, "is %s, the programme's currency is %s", e.Order.Currency, p.cfg.Currency)
	}
	if !e.Order.Time.IsZero() && e.Order.Time.Before(a.Joined) {
		pr.add("order.time", customer.CodeOrder, "%s is before the member joined (%s)", e.Order.Time.Format(time.RFC3339), a.Joined.Format(time.RFC3339))
	}
	for i, c := range e.Coupons {
		f := fmt.Sprintf("coupons[%d].", i)
		switch {
		case c.Code == "":
			pr.add(f+"code", customer.CodeRequired, "is empty")
		case !utf8.ValidString(c.Code):
			pr.add(f+"code", customer.CodeFormat, "is not valid UTF-8")
		case slices.ContainsFunc(e.Coupons[:i], func(x CouponUse) bool { return x.Code == c.Code }):
			pr.add(f+"code", customer.CodeDuplicate, "coupon %q is used twice on one order", c.Code)
		}
		if c.Limit < 0 {
			pr.add(f+"limit", customer.CodeNegative, "must not be negative, is %d", c.Limit)
		}
	}
	record := fmt.Sprintf("purchase %q of member %q", e.Order.ID, a.Member)
	if err := pr.err(record); err != nil {
		return err
	}
	for i, c := range e.Coupons {
		if n := a.CouponUses(c.Code); c.Limit > 0 && n >= c.Limit {
			return fmt.Errorf("loyalty: %s: coupons[%d]: %w", record, i, &CouponError{Code: c.Code, Rule: RuleUses, Field: "max_uses_per_member",
				Detail: fmt.Sprintf("max_uses_per_member: used %d of %d times by member %q, as the ledger records", n, c.Limit, a.Member)})
		}
	}
	return nil
}

func (e Returned) validate(p *Programme, a *Account, now time.Time) error {
	r := e.Return
	var pr problems
	if r.ID == "" {
		pr.add("return.id", customer.CodeRequired, "is empty")
	}
	if r.CustomerID != a.Member {
		pr.add("return.customer_id", customer.CodeMismatch, "is %q, the account is %q", r.CustomerID, a.Member)
	}
	checkWhen(&pr, "return.time", r.Time, now, a)
	if !r.Kind.Valid() {
		pr.add("return.kind", customer.CodeUnknown, "unknown return kind %d", uint8(r.Kind))
	}
	if !r.Reason.Valid() {
		pr.add("return.reason", customer.CodeUnknown, "unknown return reason %d", uint8(r.Reason))
	}
	record := fmt.Sprintf("return %q of member %q", r.ID, a.Member)
	if r.OrderID == "" {
		pr.add("return.order_id", customer.CodeRequired, "is empty")
		return pr.err(record)
	}
	o, err := pr.orderOf(a, "return", r.ID, r.OrderID, r.Time)
	if o == nil {
		return err
	}
	if len(r.Lines) == 0 {
		pr.add("return.lines", customer.CodeRequired, "a return needs at least one line")
	}
	seen := map[string]bool{}
	for i, rl := range r.Lines {
		f := fmt.Sprintf("return.lines[%d]", i)
		if rl.Quantity >= 0 {
			pr.add(f+".quantity", customer.CodeRange, "must be negative (units returned), is %d", rl.Quantity)
		}
		if seen[rl.LineID] {
			pr.add(f+".line_id", customer.CodeDuplicate, "line %q is returned twice in one return", rl.LineID)
			continue
		}
		seen[rl.LineID] = true
		sold := -1
		for _, l := range o.lines {
			if l.LineID == rl.LineID {
				sold = l.Quantity
			}
		}
		switch {
		case sold < 0:
			pr.add(f+".line_id", customer.CodeUnknown, "order %q has no line %q", o.id, rl.LineID)
		case rl.Quantity < 0 && rl.Quantity < o.units[rl.LineID]-sold: // −rl.Quantity overflows for math.MinInt
			pr.add(f+".quantity", customer.CodeTooMany, "%d units returned before and %d now, the line sold %d", o.units[rl.LineID], uint(-(rl.Quantity+1))+1, sold)
		}
	}
	return pr.err(record)
}

func (e Credited) validate(p *Programme, a *Account, now time.Time) error {
	c := e.Credit
	var pr problems
	if c.ID == "" {
		pr.add("credit.id", customer.CodeRequired, "is empty")
	}
	if c.CustomerID != a.Member {
		pr.add("credit.customer_id", customer.CodeMismatch, "is %q, the account is %q", c.CustomerID, a.Member)
	}
	checkWhen(&pr, "credit.time", c.Time, now, a)
	if !c.Kind.Valid() {
		pr.add("credit.kind", customer.CodeUnknown, "unknown credit kind %d", uint8(c.Kind))
	}
	amount := c.Amount.Amount()
	cur := p.cfg.Currency
	digits := cur.Digits()
	switch {
	case !sane(amount) || amount.Sign() <= 0:
		pr.add("credit.amount", customer.CodeRange, "%s is not positive, too large or too precise", brief(amount))
	case c.Amount.Currency() != cur:
		pr.add("credit.amount", customer.CodeMismatch, "is in %s, the programme's currency is %s", c.Amount.Currency(), cur)
	case !amount.Equal(amount.Truncate(digits)):
		pr.add("credit.amount", customer.CodeFormat, "%s has more decimals than %s allows (%d)", amount.String(), cur, digits)
	}
	record := fmt.Sprintf("credit %q of member %q", c.ID, a.Member)
	if c.Kind != customer.PriceReduction {
		return pr.err(record)
	}
	if c.OrderID == "" {
		pr.add("credit.order_id", customer.CodeRequired, "is empty: a price reduction is for goods of an order")
		return pr.err(record)
	}
	o, err := pr.orderOf(a, "credit", c.ID, c.OrderID, c.Time)
	if o == nil {
		return err
	}
	// What the member still holds of the goods' price: the spend less
	// what refunds paid back and earlier reductions gave back.
	if left := decimal.Max(o.spend.Sub(o.returned).Sub(o.reduced), decimal.Zero); sane(amount) && amount.GreaterThan(left) {
		pr.add("credit.amount", customer.CodeTooMany, "%s is more than the %s of order %q's spend of %s not yet refunded or given back",
			cur.Format(amount), cur.Format(left), o.id, cur.Format(o.spend))
	}
	return pr.err(record)
}

func (e Redemption) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	if e.ID == "" {
		pr.add("id", customer.CodeRequired, "is empty")
	}
	checkWhen(&pr, "time", e.Time, now, a)
	switch {
	case e.Points <= 0:
		pr.add("points", customer.CodeNotPos, "must be positive, is %d", e.Points)
	case e.Points < p.cfg.Redeem.MinPoints:
		pr.add("points", customer.CodeRange, "%d is below the minimum of %d", e.Points, p.cfg.Redeem.MinPoints)
	}
	if total := e.OrderTotal.Amount(); !e.OrderTotal.IsZero() {
		digits := p.cfg.Currency.Digits()
		if !sane(total) || e.OrderTotal.Sign() < 0 {
			pr.add("order_total", customer.CodeRange, "%s is negative, too large or too precise", brief(total))
		} else if e.OrderTotal.Currency() != p.cfg.Currency {
			pr.add("order_total", customer.CodeMismatch, "is in %s, the programme's currency is %s", e.OrderTotal.Currency(), p.cfg.Currency)
		} else if !total.Equal(total.Truncate(digits)) {
			pr.add("order_total", customer.CodeFormat, "%s has more decimals than %s allows (%d)", total.String(), p.cfg.Currency, digits)
		} else if e.Points > 0 {
			limit := e.OrderTotal.Amount().Mul(p.cfg.Redeem.MaxShare)
			if v := p.pointsValue(e.Points); v.GreaterThan(limit) {
				pr.add("points", customer.CodeRange, "pay %s %s, more than the maximum share %s of the order's %s", p.cfg.Currency.Format(v), p.cfg.Currency, p.cfg.Redeem.MaxShare.String(), e.OrderTotal)
			}
		}
	}
	record := fmt.Sprintf("redemption %q of member %q", e.ID, e.Member)
	if code, ok := giftOf(e.ID); ok {
		if i := p.gift(code); i >= 0 {
			p.checkGift(&pr, a, e, i)
			p.checkGiftTier(&pr, a, e, i, now)
			record = giftRecord(code, e)
		}
	}
	return pr.err(record)
}

func (e Adjustment) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	if e.ID == "" {
		pr.add("id", customer.CodeRequired, "is empty")
	}
	checkWhen(&pr, "time", e.Time, now, a)
	switch e.Points {
	case 0:
		pr.add("points", customer.CodeRequired, "is zero")
	case -MaxPoints - 1:
		pr.add("points", customer.CodeRange, "%d is beyond the %d points a correction may remove", e.Points, MaxPoints)
	}
	if e.Reason == "" {
		pr.add("reason", customer.CodeRequired, "is empty")
	}
	if e.Operator == "" {
		pr.add("operator", customer.CodeRequired, "is empty")
	}
	return pr.err(fmt.Sprintf("adjustment %q of member %q", e.ID, a.Member))
}

func (e ProfileCompleted) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	checkWhen(&pr, "time", e.Time, now, a)
	if !e.Profile.Complete() {
		pr.add("profile", customer.CodeRequired, "is not complete (sizes, height, fit, a style, a colour and a category)")
	}
	if err := pr.err(fmt.Sprintf("profile bonus of member %q", e.Member)); err != nil {
		return err
	}
	if p.cfg.Earn.ProfileBonus == 0 {
		return fmt.Errorf("%w: profile bonus of member %q", ErrNoBenefit, e.Member)
	}
	return nil
}

func (e SurveyAnswered) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	if e.SurveyID == "" {
		pr.add("survey_id", customer.CodeRequired, "is empty")
	}
	checkWhen(&pr, "time", e.Time, now, a)
	if err := pr.err(fmt.Sprintf("survey bonus of member %q", e.Member)); err != nil {
		return err
	}
	if p.cfg.Earn.SurveyBonus == 0 {
		return fmt.Errorf("%w: survey bonus of member %q", ErrNoBenefit, e.Member)
	}
	return nil
}

func (e BirthdayClaim) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	checkWhen(&pr, "time", e.Time, now, a)
	switch {
	case a.birthdayAt(e.Time).IsZero():
		pr.add("birthday", customer.CodeRequired, "the member's birthday is unknown")
	case !e.Time.IsZero() && e.Time.In(p.Location()).Month() != a.birthdayAt(e.Time).Month:
		pr.add("time", customer.CodeRange, "%s is not in the birthday month of the member", p.date(e.Time))
	case !e.Time.IsZero() && now.Sub(e.Time) > lateness(p.cfg.Earn.Birthday.LateDays):
		pr.add("time", customer.CodeRange, "%s is more than %d days before the claim was recorded (%s): the birthday benefit of %d can no longer be claimed",
			e.Time.Format(time.RFC3339), p.cfg.Earn.Birthday.LateDays, now.Format(time.RFC3339), e.Time.In(p.Location()).Year())
	}
	if err := pr.err(fmt.Sprintf("birthday claim of member %q", e.Member)); err != nil {
		return err
	}
	g, err := p.birthdayGift(p.heldAt(a, e.Time))
	if err != nil {
		return fmt.Errorf("loyalty: birthday claim of member %q: %w", e.Member, err)
	}
	if g == 0 {
		return fmt.Errorf("%w: birthday gift of member %q", ErrNoBenefit, e.Member)
	}
	return nil
}

func (e Erasure) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	if e.ID == "" {
		pr.add("id", customer.CodeRequired, "is empty")
	}
	checkWhen(&pr, "time", e.Time, now, a)
	return pr.err(fmt.Sprintf("erasure %q of member %q", e.ID, e.Member))
}

func (e BirthdayChanged) validate(p *Programme, a *Account, now time.Time) error {
	var pr problems
	if e.ID == "" {
		pr.add("id", customer.CodeRequired, "is empty")
	}
	checkWhen(&pr, "time", e.Time, now, a)
	if last := a.birthdayChanged(); !e.Time.IsZero() && e.Time.Before(last) {
		pr.add("time", customer.CodeOrder, "%s is before the last birthday change (%s)", e.Time.Format(time.RFC3339), last.Format(time.RFC3339))
	}
	switch {
	case !a.Erased.IsZero():
		pr.add("birthday", customer.CodeMismatch, "the member's personal data was erased (%s): the ledger holds no birthday any more", a.Erased.Format(time.RFC3339))
	default:
		checkBirthday(&pr, p, e.Birthday, now)
	}
	return pr.err(fmt.Sprintf("birthday change %q of member %q", e.ID, e.Member))
}

func (Tick) validate(*Programme, *Account, time.Time) error { return nil }

// orderOf returns the order orderID that record (a "return" or a
// "credit") id of a's member is about, adding a problem to pr when the
// record's time t is before the order. When the order never earned in
// this ledger it returns nil and the problems found so far or, without
// any, an error wrapping [ErrUnknownOrder].
func (pr *problems) orderOf(a *Account, record, id, orderID string, t time.Time) (*orderRecord, error) {
	o, ok := a.orders.get(orderID)
	if !ok {
		if err := pr.err(fmt.Sprintf("%s %q of member %q", record, id, a.Member)); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("loyalty: %s %q of member %q: order %q: %w", record, id, a.Member, orderID, ErrUnknownOrder)
	}
	if !t.IsZero() && t.Before(o.time) {
		pr.add(record+".time", customer.CodeOrder, "%s is before the order's %s", t.Format(time.RFC3339), o.time.Format(time.RFC3339))
	}
	return o, nil
}
