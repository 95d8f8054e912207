package loyalty

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Config is a loyalty programme as data: what a brand writes in its
// configuration file (JSON, see [DecodeProgramme]) and what [Compile]
// turns into a [Programme]. The rules are those of domain rules §6: points earned by
// the amount spent and redeemed for money off or for gifts, birthday benefits, bonus
// points for a completed profile or a survey answer, member tiers, and
// discount cards, quantity and seasonal discounts.
//
// Zero values of optional fields take the defaults documented on each
// field.
type Config struct {
	// Name names the programme in error messages.
	Name string `json:"name"`
	// Currency is the one currency of the programme's orders.
	Currency customer.Currency `json:"currency"`
	// Earn holds the earning rules.
	Earn EarnConfig `json:"earn"`
	// Redeem holds the redemption rules.
	Redeem RedeemConfig `json:"redeem"`
	// ExpiryMonths is how many months after they were earned points
	// expire: a lot earned at t expires ExpiryMonths calendar months
	// later in the programme's [Config.Location], on t's day of the month
	// at t's time of day, or on the month's last day when it is shorter
	// (31 January + 1 month is 28 or 29 February, 29 February + 12
	// months is 28 February), so points earned later never expire on an
	// earlier day. On a day whose clock skips t's time of day (a change
	// to summer time), they expire as much later that day as the clock
	// skips, never on the day before. Redemptions and expiries go by each
	// lot's own expiry date, nearest first. A lot keeps the expiry date
	// it was earned with. 0 means points never expire.
	ExpiryMonths int `json:"expiry_months"`
	// PendingDays is the return window: points of a purchase stay pending,
	// not spendable, until PendingDays × 24 h after the order. 0 makes them
	// available at once.
	PendingDays int `json:"pending_days"`
	// Tiers holds the member tiers; none means a single tier "member".
	Tiers TierConfig `json:"tiers"`
	// DebtPolicy applies when a return claws back points already spent.
	// Default [DebtRecord].
	DebtPolicy DebtPolicy `json:"debt_policy,omitempty"`
	// Pricing holds coupon bounds and the quantity and seasonal discounts.
	Pricing PricingConfig `json:"pricing"`
	// Gifts is the catalogue of gifts members take for points (domain
	// rules §6: points redeemed for gifts); none leaves the field out of
	// the JSON form. See [Gift] and [Programme.GiftRedemption].
	Gifts []Gift `json:"gifts,omitempty"`
	// Location is the programme's time zone: the calendar in which every
	// date-based rule is decided, whatever zone the times given carry.
	// It decides the month and year of a birthday benefit, the months
	// added for expiry dates, tier reviews and the qualifying window, and
	// the dates written in notes. nil means UTC. It is set in Go, e.g.
	// from time.LoadLocation in the host, never read from the system by
	// the library, and not part of the JSON form.
	Location *time.Location `json:"-"`
}

// EarnConfig holds the earning rules.
//
// The points of a purchase are
//
//	points = round( Σ_lines net_l × PointsPerUnit × Π m_l )
//
// where net_l is what was paid for line l (quantity × unit price −
// discount, [customer.Line.Net]), the product runs over every multiplier
// that applies to the line (that of the tier the member held at the
// order's time, each matching [Multiplier], the birthday multiplier),
// and round is [EarnConfig.Rounding] applied once to the order's exact
// decimal total (domain rules §6: points by the amount spent). When
// [EarnConfig.MaxFactor] is set, a line's product is min(Π m_l,
// MaxFactor), so that promotions stacked on a tier cannot multiply
// points without bound.
type EarnConfig struct {
	// PointsPerUnit is the points per one currency unit of the net amount
	// paid, > 0 (1 = one point per euro).
	PointsPerUnit decimal.Decimal `json:"points_per_unit"`
	// Rounding turns the exact total into whole points. Default
	// [RoundDown].
	Rounding Rounding `json:"rounding,omitempty"`
	// Multipliers raise the points of matching lines.
	Multipliers []Multiplier `json:"multipliers"`
	// MaxFactor caps the combined multiplier of a line — the tier's,
	// every matching [Multiplier]'s and the birthday multiplier,
	// multiplied — at this factor; 0 means no cap. When set it is at
	// least 1, so a cap never takes away the base points (2 = a line
	// earns at most double points, however many promotions apply).
	MaxFactor decimal.Decimal `json:"max_factor,omitzero"`
	// Birthday is the birthday-month benefit.
	Birthday BirthdayConfig `json:"birthday"`
	// ProfileBonus is given once when the member completes the clothing
	// profile ([customer.Profile.Complete]); 0 gives nothing.
	ProfileBonus Points `json:"profile_bonus"`
	// SurveyBonus is given for each distinct survey answered; 0 gives
	// nothing.
	SurveyBonus Points `json:"survey_bonus"`
}

// Multiplier multiplies the points of the lines it matches. Every
// non-empty condition must hold; empty conditions match everything.
type Multiplier struct {
	// Name explains the multiplier in entries, e.g. "double points on
	// knitwear".
	Name string `json:"name"`
	// Factor multiplies the points, > 0 (2 = double points).
	Factor decimal.Decimal `json:"factor"`
	// Categories match [customer.Line.Category]; none may be blank.
	Categories []string `json:"categories,omitempty"`
	// Seasons match [customer.Line.Season], the collection ("2026-AW");
	// none may be blank.
	Seasons []string `json:"seasons,omitempty"`
	// Channels match [customer.Order.Channel].
	Channels []customer.Channel `json:"channels,omitempty"`
	// From and Until bound the order time, From inclusive, Until
	// exclusive; a zero time leaves that side open.
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
}

// BirthdayConfig is the birthday benefit (domain rules §6). Both parts are
// granted at most once per calendar year and only within the member's
// birthday month, both in the programme's [Config.Location]: a year in
// which the member did not claim them is lost, never carried over, so
// benefits never stack across missed years. The birthday month is that
// of the birthday the member had at the time of the purchase or claim,
// which a [BirthdayChanged] may move: once a year still, whatever the
// changes.
type BirthdayConfig struct {
	// Multiplier multiplies the points of the member's first purchase in
	// the birthday month, each year, that earns points: an order that
	// earns none (paid wholly with points, say) leaves it for the next,
	// and so does one whose lines all earn at [EarnConfig.MaxFactor]
	// already, where the multiplier would change nothing (a line with
	// nothing paid, such as a free gift, earns nothing either way). A
	// refund of every unit of the purchase that used it gives it back
	// (the purchase no longer stands, see [Returned]); a partial refund
	// or an exchange does not. 0 or 1 means no multiplier.
	Multiplier decimal.Decimal `json:"multiplier"`
	// Gift is the points given by a [BirthdayClaim], added to the
	// [TierLevel.BirthdayGift] of the tier the member held at the claim's
	// Time, also when the claim is recorded late after a tier change.
	Gift Points `json:"gift"`
	// LateDays is how many days (periods of 24 hours) after its Time a
	// [BirthdayClaim] may be recorded (the now of [Programme.Apply]), so
	// that a till that syncs late still delivers the claim of the month's
	// last day; a claim recorded later is refused, so that the gift of a
	// past year cannot be claimed afterwards. 0 means the default, 7
	// days; at most 31.
	LateDays int `json:"late_days"`
}

// RedeemConfig holds the redemption rules: points pay for part of an order.
//
//	value = points / PointsPerUnit, truncated to the currency's minor unit
type RedeemConfig struct {
	// PointsPerUnit is how many points pay one currency unit, > 0 (100 =
	// 100 points per euro).
	PointsPerUnit decimal.Decimal `json:"points_per_unit"`
	// MinPoints is the fewest points one redemption may use.
	MinPoints Points `json:"min_points"`
	// MaxShare is the largest share of an order's amount (after
	// discounts) that points may pay, in (0, 1]. Default 1.
	MaxShare decimal.Decimal `json:"max_share"`
	// LateDays is how many days (periods of 24 hours) after its Time a
	// [Redemption] may be recorded (the now of [Programme.Apply]) and
	// still be judged at its Time: it then spends first the points it
	// could have spent at its Time, those that expired in between among
	// them, as it would have had it been recorded on time (a till that
	// syncs late). A redemption recorded later spends only the points
	// available when it is recorded. 0 means the default, 7 days; at
	// most 31.
	LateDays int `json:"late_days"`
}

// TierConfig holds the member tiers.
//
// The qualifying value of a member at time t is the spend or the points
// ([Basis]) of the purchases made in (t − WindowMonths, t], less what was
// refunded (an exchange takes nothing off). A member moves up at once when a purchase brings it to a
// higher tier's Min, as of the purchase's time, not the time it is
// recorded: that purchase earns with the tier held before it, the
// purchases dated after it with the new tier, so purchases recorded in
// time order earn the same whether recorded one by one or in one sync
// later. Precisely, a [Purchase] dated t moves the member up to the
// highest tier reached at the earliest time, among t and the times of
// the purchases already recorded dated after t (up to the recording
// time), at which the qualifying value — of the purchases dated up to
// then, as the ledger holds them when the purchase is recorded, less
// what was refunded — reaches the tier's Min; a higher tier reached at
// a later of these times follows at that time. The upgrade never takes
// effect before the member's last tier change ([Account.LevelSince]): a
// purchase dated before it counts as of that change. An upgrade changes
// no entry recorded before it: a purchase dated after the upgrade but
// recorded before it keeps the points it earned, and a purchase dated
// before the upgrade earns with the tier of its time even if its own
// spend would have reached the Min then had it been recorded first.
// Nor does it hold again a review recorded after its time (held without
// the purchase, [Purchase]); the reviews after it follow the clock it
// restarts, from the schedule's first date after that review. Ledgers
// written when an upgrade took effect at its recording time replay as
// written: each tier entry takes effect at its Effective.
//
// A member moves down only at a periodic review (or, with RevokeDays, at
// a refund, below), every
// ReviewMonths months on the schedule below: a member who no longer qualifies gets
// GraceDays of grace and is moved down to the tier it qualifies for at
// the end of the grace period if it still falls short then. Months are
// calendar months in the programme's [Config.Location]; GraceDays are
// periods of 24 hours. t − WindowMonths is the same day and time of the
// month WindowMonths earlier, or that month's last day when it is
// shorter (31 August less six months is the end of February), so the
// window only moves forward as t does.
//
// The review clock starts when the member joins and starts again when a
// purchase moves the member up between reviews (at the upgrade's time),
// so a new tier is held for at least ReviewMonths. A qualifying value
// that falls below the tier's Min between reviews (a refund, purchases
// leaving the window) moves no one down before the next review, but for
// a refund of a tier reached shortly before it when RevokeDays is set
// (below). The k-th review after the clock starts falls k × ReviewMonths
// calendar months after its start, on the same day of the month and at the same time of
// day, or on the month's last day when the month is shorter; on a day whose clock skips that time of day (a
// change to summer time), as much later that day as the clock skips,
// never on the day before. Each review is counted from the clock's
// start, not from the review before it, so a shorter month never moves
// the reviews after it. Reviewed monthly, a member who joined on 31 January
// is reviewed on 28 (or 29) February, 31 March, 30 April, 31 May and so
// on; every six months from 31 August, at the end of February and on 31
// August; yearly from 29 February, on 28 February in the years that have
// no 29th and on 29 February in leap years. A review that moves the
// member up or down, and the end of a grace, keep the schedule. Reviews
// that fell due while nothing was recorded for the member are held one
// after another, each at its own date, when the ledger is next brought
// up to date. A review date already recorded in the ledger stays as
// recorded; the review after it is the schedule's next date.
//
// RevokeDays, when set, takes back a tier that refunded purchases
// earned, so that buying enough for a tier and refunding it the next day
// does not keep the tier until the next review. A refund ([Returned] of
// kind refund; an exchange keeps the spend) whose claw-back leaves the
// member's qualifying value below the Min of the tier it holds moves the
// member down at once when that tier was reached within RevokeDays days
// (periods of 24 hours) before the refund's time, or after it (a refund
// recorded late): to the highest tier that the qualifying value after
// the refund still reaches, and never below the tier held before the
// upgrades being taken back: the lowest tier held since RevokeDays days
// before the refund's time (a tier lost at a review or at the end of a
// grace in those days does not come back by buying a higher one and
// refunding it). Precisely, with t the refund's time and s the later of
// t, the last tier change ([Account.LevelSince]) and the last review
// held, the member moves at s from its tier L to
//
//	max(QualifyingLevel at s, the lowest tier held from t − RevokeDays × 24 h on)
//
// when that is below L. The move is an [EntryTier] keyed "revoke:" + the
// return's ID, naming the order refunded, that follows the refund's
// claw-back and says in its note which refund took which tier back; it
// holds no review. It takes back with the tier the review schedule that
// the upgrade it takes back started, so that buying a tier and refunding
// it never moves the review of the tier held before nor ends its grace:
// when the move takes back wholly the last upgrade from the tier it moves
// to (the member holds again the tier that upgrade left) and no review or
// end of a grace was held since that upgrade, the review clock, the next
// review and a grace under way are again those held before the upgrade; a
// review or an end of the grace that fell due in between is held at the
// move instead; when both did, the review is held at the move and, the
// grace being over, moves a member who falls short down at once.
// Otherwise (the member keeps a tier that upgrade reached, or a review
// was held since) the schedule and a grace under way stay as they are.
// The move of a tier renamed or renumbered since the upgrade is not a
// tier change of the member's and takes nothing from this: a refund
// that takes back silver, renamed argent since it was reached from
// member, restores the schedule held in member before the upgrade, as
// without the rename. Of the changes before such a move only that
// upgrade is so read, by the names it recorded: a revocation that
// takes back more (an upgrade before the move and another after it,
// say) keeps the schedule.
// Ledgers written when a revocation kept the schedule replay as written.
// Purchases dated before the move earn with the tier held at their time,
// as for any tier change. A purchase recorded later that brings the
// qualifying value back up moves the member up again, as of the move down
// at the earliest ([Account.LevelSince]). A tier reached RevokeDays days
// or more before the refund moves down only at a review as above. A price
// reduction ([Credited]) takes back no tier. 0 (the default) revokes
// nothing, and ledgers written without it replay as written.
type TierConfig struct {
	// Basis is what qualifies. Default [BasisSpend].
	Basis Basis `json:"basis,omitempty"`
	// WindowMonths is the rolling qualifying window, > 0 with two or more
	// levels.
	WindowMonths int `json:"window_months"`
	// ReviewMonths is the time between reviews in calendar months, > 0
	// with two or more levels.
	ReviewMonths int `json:"review_months"`
	// GraceDays is the grace period after a failed review, ≥ 0.
	GraceDays int `json:"grace_days"`
	// RevokeDays is how many days after the member reaches a tier a
	// refund that leaves the qualifying value below the tier's Min takes
	// the tier back at once (see above), within [0, 3650]. 0 means never:
	// a tier is left only at a review.
	RevokeDays int `json:"revoke_days,omitempty"`
	// NameLedgers has the first event applied to a ledger written before
	// tier names were recorded ([Account.LevelName] empty), a [Tick] too,
	// name the tier held: the programme's tier at the ledger's index
	// (an [EntryTier] keyed "named-tier:" + its Seq, From and To equal;
	// [TierConfig].Levels). Default false: such a ledger is left as it
	// is and names its tier by index until a tier or review entry
	// records the name, as before the naming.
	//
	// Versions of this library from before the naming refuse a ledger so
	// named ([ErrCorrupt]: a tier entry that moves no tier), and a
	// programme that sets it ([DecodeProgramme]: an unknown field).
	// Set it only once no service runs such a version, and never go back
	// to one. Before a restructure, as [TierConfig].Levels says: run this
	// version in every service; set it in every service, the tiers
	// unchanged; sweep (a [Tick] to every member); wait; only then
	// restructure. A programme that does not set it reads, and applies
	// events to, ledgers named by one that did, keeping the names they
	// recorded; [Replay] reads them whatever the programme.
	NameLedgers bool `json:"name_ledgers,omitempty"`
	// Levels are the tiers from lowest to highest. The first must have
	// Min 0; each range [Min, Max) must start where the previous ends.
	//
	// A tier's Name is its identity. Ledgers name the tier a member holds
	// by its index and, since tier names are recorded, by its name too:
	// each join, tier and review entry records the name of the tier it
	// leaves the member in ([Entry].TierName), and [Account.LevelName]
	// holds it. A programme may therefore restructure its tiers anywhere:
	// add tiers, drop them, rename them. The tier a member holds is read
	// from the name its ledger recorded:
	//
	//   - a tier of the programme of that name, or one that lists it in
	//     its FormerNames (a tier renamed, or merged into another), is the
	//     tier held, wherever it now stands: a tier added below gold
	//     leaves a gold member in gold. A rename the ledger recorded
	//     (below) names the tier held before it too: with silver renamed
	//     argent and recorded so, and argent since renamed plata, the
	//     silver the ledger names before the first rename is plata. The
	//     other way round, a programme that does not know the name a
	//     recorded rename gave (one older than the rename, still running
	//     while the new one is rolled out) reads the tier by the name
	//     the rename left: argent is its silver, not a tier dropped;
	//   - a name the programme no longer has is a tier it dropped: the
	//     member holds the tier now just below the position the dropped
	//     tier had in the ledger (index i of a programme of n tiers:
	//     tier max(0, min(i, n) − 1)), that is the nearest remaining tier
	//     below it when tiers were dropped but none inserted below it,
	//     unless the member's qualifying value never reached that
	//     tier's Min while it held the dropped tier: then the highest
	//     tier below that it reached, the lowest tier at least. The
	//     values read are those at the time the member reached the
	//     dropped tier, as the tier change that reached it was judged
	//     and as the ledger now reads it, and at the time of each
	//     purchase until it left the tier (until the ledger's last time,
	//     for the tier held); for a time the member held a dropped tier
	//     ([Programme.TierAt], a purchase recorded late), those of the
	//     stretch in which it held it then, not those of another time it
	//     held the same tier. A restructure so moves no one up. The tier
	//     a member holds moves up at any purchase that reaches the next
	//     tier's Min, so the values it had while it held a tier are
	//     below the Min of every tier that was above it: where the
	//     position alone would name such a tier (with silver and gold
	//     dropped from member, silver, gold and platinum, a gold member
	//     would hold platinum, now the tier at silver's index), its Min,
	//     if kept, is above them, and the member holds member. A dropped
	//     top tier is so read as the top tier. Dropping one tier moves
	//     the members who reached it by their qualifying value as
	//     before, since the value that reached it reached the tier below
	//     too: with silver dropped from member, silver and gold, a
	//     silver member holds member and a gold member holds gold; with
	//     gold dropped from member, silver, gold and platinum, a gold
	//     member holds silver, a refund since or not. One that a refund
	//     ([TierConfig].RevokeDays) moved down to the dropped tier, the
	//     lowest it held in those days, with a value below the Min of
	//     the tier below it may hold a lower tier. The rule reads the
	//     programme's Mins: a programme that lowers the Min of a tier it
	//     keeps above a dropped one to what members of the dropped tier
	//     reached moves them there: they reached its Min. It reads the
	//     values by the programme's WindowMonths and Basis too, as the
	//     ledger records neither: a programme that lengthens the window
	//     as it drops tiers may so move a member up (gold, with 1600,
	//     1000 and 1400 bought within two years but never 3000 within
	//     one, holds platinum under a window of 24 months when silver and
	//     gold are dropped). A programme
	//     that drops several tiers at once, or inserts tiers below a
	//     tier it drops, says where their members go with FormerNames
	//     ("silver" among member's, say): the position may otherwise
	//     name a tier lower than the nearest below. Tiers dropped one
	//     restructure after another are dropped at once for a member
	//     whose ledger recorded nothing in between;
	//   - a ledger written before tier names were recorded (no name)
	//     names its tier by index alone, as before: a level above the
	//     programme's top tier is read as the top tier (or the highest
	//     below it that the member's qualifying value reached while it
	//     held that level, as for a tier dropped), and any other
	//     level as the tier now at that index, so a tier dropped or
	//     inserted below it renames it undetectably. A programme that
	//     names ledgers (NameLedgers) names the tier held (below) with
	//     the first event applied to it: the programme's tier at that
	//     index. Versions of this library from before the naming refuse
	//     a ledger so named ([ErrCorrupt]: a tier entry that moves no
	//     tier), hence the setting, off by default: without it nothing
	//     is named, and the first tier or review entry recorded since
	//     names the tier, as before. Name such ledgers before
	//     restructuring: first run this version of the library in every
	//     service with the programme unchanged (no service may run an
	//     older version once any names a ledger, and there is no going
	//     back to one); then set NameLedgers, the programme otherwise
	//     unchanged, in every service; then apply a [Tick] to every
	//     member (a sweep), which names each ledger's tier; then wait
	//     until no event dated before the sweep can still come (see
	//     below); only then roll out the restructured programme, which
	//     reads each member's tier by name. A ledger whose first event
	//     under a programme that names ledgers comes under the
	//     restructured programme is named with the tier now at its
	//     index, the tier that programme reads for it anyway: the silent
	//     rename, recorded for good. A named ledger reads by that name
	//     the tier it held at the same index before the naming (a
	//     purchase recorded late earns with it); tiers it held at other
	//     indexes before keep no name and are read by index, also by the
	//     restructured programme: a purchase recorded late, dated when a
	//     gold member held silver, earns with the multiplier of the tier
	//     now at silver's index. Hence the wait: longer than purchases
	//     may be recorded late, than birthday claims may
	//     ([BirthdayConfig].LateDays), and, with RevokeDays, than
	//     RevokeDays plus how late a refund may be recorded (a refund
	//     moves a member no lower than the lowest tier held since
	//     RevokeDays before its time).
	//
	// A renamed tier whose former name is not in its FormerNames is a
	// tier dropped and another added: its members move to the tier below.
	//
	// The member holds the tier so read for everything: its benefits
	// ([Programme.Tier], [Programme.TierAt]), its multiplier for
	// purchases, also those dated before, its birthday gift, its pricing
	// and its Min at the next review. When the tier so read is not the
	// one the ledger names (its index or its name differs), the first
	// event applied to the member ([Programme.Apply], a [Tick] too)
	// records the move with its reason, before anything else: an
	// [EntryTier] keyed "dropped-tier:" + its Seq when the tier was
	// dropped, or "renamed-tier:" + its Seq when the tier stands at
	// another index or under another name (From and To may then be
	// equal, the name differs), from the tier the ledger names to the one
	// read, or, with NameLedgers, "named-tier:" + its Seq when the
	// ledger names no tier and holds one of the programme's (From and To
	// both that tier, with its name; [Replay] refuses one on a ledger
	// that names its tier),
	// effective at the ledger's last time ([Account].AsOf, or the
	// last tier change when that is later), recorded now. It moves no
	// points, keeps the review schedule and any grace under way, is not a
	// review and starts no review clock; a renamed or named tier is
	// still held since [Account].LevelSince. A refund that takes back a
	// renamed or renumbered tier ([TierConfig].RevokeDays) takes back
	// with it the schedule of the upgrade that reached it, as without
	// the move: when the upgrade recorded just before the move started
	// from the tier the refund moves the member to, by name (see
	// [TierConfig]), and otherwise keeps the schedule, since the tiers
	// before the move may be numbered otherwise; a naming moves no tier
	// and leaves the schedule of the upgrade before it to be restored,
	// as on a ledger that named its tiers from the start. Versions of
	// this library that kept the schedule at any such revocation
	// refuse one that restores it ([ErrCorrupt]), and so every later
	// event of that member: restructure only once none runs, and roll
	// this version out alongside them only when no tier was renamed or
	// renumbered within RevokeDays before (a refund of an upgrade
	// recorded under the programme before that restructure may come
	// until then; the package documentation says more). Until then
	// [Account].Level and its name ([Account.LevelName]), as stored,
	// still name the tier as the ledger recorded it. Nothing is refused
	// for it, an [Erasure] least of all, and the ledger as written
	// replays as before. Versions of this library from before the naming
	// refuse such a move that leaves the member at the same index (a
	// tier renamed in place, or the lowest tier dropped: From and To
	// equal) as they refuse a naming, whatever NameLedgers: restructure
	// only once no service runs one.
	//
	// A programme reads a name it does not know, and that no rename the
	// ledger recorded explains, as a tier dropped, and the move it
	// records is not undone by a programme that knows the name. While a
	// restructure is rolled out, the services still running the
	// programme before it would so move down the members whom the new
	// one moved to a tier it added or renamed. Stop them first, or roll
	// out first the programme before with the new names among the
	// FormerNames of the tiers they stand for (argent among silver's),
	// then the new one.
	Levels []TierLevel `json:"levels"`
}

// TierLevel is one tier and its benefits.
type TierLevel struct {
	// Name is unique and valid UTF-8, e.g. "silver", not blank (white
	// space and invisible format characters such as a zero-width space
	// only: it would show as nothing, and no members' sale could name it,
	// see [SeasonalDiscount].Tiers) and free of control characters (a
	// line break or a NUL would break the notes and exports it is written
	// to); names are compared exactly (case, spaces and all), here and in
	// ledgers.
	Name string `json:"name"`
	// Min is the qualifying value from which the tier applies.
	Min decimal.Decimal `json:"min"`
	// Max, when set, is where the tier ends (exclusive); it must equal the
	// next level's Min. The last level has no Max.
	Max decimal.NullDecimal `json:"max"`
	// Multiplier multiplies the points of every purchase made while the
	// member holds the tier (by the order's time, also for an order
	// recorded late). 0 means 1.
	Multiplier decimal.Decimal `json:"multiplier"`
	// BirthdayGift is added to the programme's birthday gift.
	BirthdayGift Points `json:"birthday_gift"`
	// EarlyAccess grants early access to new collections and sales
	// (domain rules §6: priority rights for loyal customers).
	EarlyAccess bool `json:"early_access"`
	// FreeAlterations grants free alterations of garments bought.
	FreeAlterations bool `json:"free_alterations"`
	// FormerNames are names by which ledgers may know the tier: its names
	// before a rename, or those of tiers dropped whose members it takes
	// (see [TierConfig].Levels). None is empty, not valid UTF-8, the
	// name of a tier, or a former name of another tier or listed twice.
	// Like a Name, they are compared exactly: a former name is a name a
	// ledger recorded, that is the Name of a tier of an earlier
	// programme, and a Name may have spaces around it, so " Gold " is
	// accepted and kept as given, and stands for a
	// tier recorded as " Gold " only, not for one recorded as "Gold" (a
	// programme that renames " Gold " to "Gold" lists " Gold " so;
	// trimmed or refused, the name would leave its members no way to
	// keep their tier through the rename). For the same reason a former
	// name may be blank or hold a control character, which a Name may
	// not: ledgers written under a programme that had such a tier
	// recorded its name, and listing it is how its members keep their
	// tier.
	// A tier renamed twice (silver, then argent, then plata) lists both
	// names before (argent and silver) while a ledger may still name it
	// by either: a ledger that recorded nothing since the first rename
	// still names silver, which without it is a tier dropped.
	FormerNames []string `json:"former_names,omitempty"`
}

// PricingConfig holds coupon bounds and the programme's own discounts.
type PricingConfig struct {
	// MinPercent and MaxPercent bound a percentage coupon (domain rules §6: a
	// discount rate typically of 5%–60%). Defaults 5 and 60.
	MinPercent decimal.Decimal `json:"min_percent"`
	MaxPercent decimal.Decimal `json:"max_percent"`
	// Quantity are quantity discounts.
	Quantity []QuantityDiscount `json:"quantity"`
	// Seasonal are off-season discounts.
	Seasonal []SeasonalDiscount `json:"seasonal"`
}

// Scope is what a coupon or discount applies to.
type Scope struct {
	Kind ScopeKind `json:"kind"`
	// Values are the SKUs, categories or series, none blank; empty for
	// [ScopeAll].
	Values []string `json:"values,omitempty"`
}

// QuantityDiscount takes Percent off the lines in Scope when the order has
// at least MinQuantity units in scope (domain rules §6: quantity discounts). When
// several apply to a line, the largest percentage wins. Only units bought
// count: a line that costs nothing ([customer.Line.Net] zero, a free
// gift) does not bring the order to MinQuantity.
type QuantityDiscount struct {
	Name        string          `json:"name"`
	Scope       Scope           `json:"scope"`
	MinQuantity int             `json:"min_quantity"`
	Percent     decimal.Decimal `json:"percent"`
}

// SeasonalDiscount takes Percent off lines of past collections while the
// promotion runs (domain rules §6: seasonal discounts for off-season buying).
// When several apply to a line, the largest percentage wins.
//
// Tiers and EarlyFrom give loyal customers exclusive discounts and
// priority rights (domain rules §6): a discount limited to some tiers is
// a members' sale, and the members of a tier with
// [TierLevel.EarlyAccess] enter a sale at EarlyFrom, before everyone
// else. Both go by [Basket.Tier], the tier the member holds.
type SeasonalDiscount struct {
	Name string `json:"name"`
	// Seasons are the collections on sale, matched against
	// [customer.Line.Season]; at least one, none blank.
	Seasons []string        `json:"seasons"`
	Percent decimal.Decimal `json:"percent"`
	// From (inclusive) and Until (exclusive) bound when it runs; zero
	// leaves that side open.
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
	// Tiers, when set, limit the discount to members holding one of
	// these tiers, by name; none blank, each a tier of the programme.
	// Empty: everyone, anonymous buyers too.
	Tiers []string `json:"tiers,omitempty"`
	// EarlyFrom, when set, is when members of a tier with early access
	// may start using the discount: before From, which must be set, in a
	// programme with at least one such tier. Zero: no early access.
	EarlyFrom time.Time `json:"early_from,omitzero"`
}

// Programme is a validated, immutable loyalty programme. It is safe for
// concurrent use. Build one with [Compile] or [DecodeProgramme]: a nil
// *Programme or the zero value is not one, and its methods that return
// an error ([Programme.Apply], [Programme.Earn], [Programme.Price],
// [Programme.CheckCoupon]) return one matching [customer.ErrInvalid]
// naming the field "programme"; the others return zero values.
type Programme struct {
	cfg Config
	// mins[i][k] is the Min of tier i with exponent −k (the same value),
	// so that comparing a qualifying value of that exponent with it
	// rescales nothing. Only for Mins with an exponent ≥ −minScales.
	mins [][]decimal.Decimal
}

// minScales bounds the exponents (−minScales..0) of the rescaled tier
// minimums a Programme keeps.
const minScales = 12

func newProgramme(c Config) *Programme {
	p := &Programme{cfg: c}
	for _, l := range c.Tiers.Levels {
		var at []decimal.Decimal
		if e := l.Min.Exponent(); e >= -minScales && e <= minScales {
			at = make([]decimal.Decimal, minScales+1)
			for k := range at {
				if int32(-k) > e {
					continue // would lose digits: left zero, not used
				}
				c := l.Min.Coefficient()
				c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)+int64(k)), nil))
				at[k] = decimal.NewFromBigInt(c, int32(-k))
			}
		}
		p.mins = append(p.mins, at)
	}
	return p
}

// tierMin returns tier i's Min, with exponent e when it has one kept.
func (p *Programme) tierMin(i int, e int32) decimal.Decimal {
	if i < len(p.mins) && e <= 0 && e >= -minScales && int(-e) < len(p.mins[i]) && e <= p.cfg.Tiers.Levels[i].Min.Exponent() {
		return p.mins[i][-e]
	}
	return p.cfg.Tiers.Levels[i].Min
}

var (
	one     = decimal.NewFromInt(1)
	hundred = decimal.NewFromInt(100)
)

// DecodeProgramme decodes a JSON programme strictly (unknown fields,
// trailing data and type errors are errors) and compiles it. Every error
// is a [*customer.ValidationError] naming the fields at fault by their
// JSON paths ("tiers.levels[1].min"), also for a value its type cannot
// read (a decimal written "1,5", an unknown name).
func DecodeProgramme(data []byte) (*Programme, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	record := "loyalty programme"
	if err := dec.Decode(&c); err != nil {
		// encoding/json names neither the list index of a value of the
		// wrong type nor the field of a value its own type refuses (a
		// decimal "1,5", an unknown name, a date without a time): find
		// them by reading the document field by field.
		var syn *json.SyntaxError
		if raw := firstValue(data); !errors.As(err, &syn) && raw != nil {
			var p problems
			locateJSON(&p, raw, reflect.TypeFor[Config](), "")
			if len(p.fields) > 0 {
				return nil, p.err(record)
			}
		}
		return nil, decodeError(record, data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var p problems
		p.add("(json)", customer.CodeFormat, "trailing data after the programme")
		return nil, p.err(record)
	}
	return Compile(c)
}

// firstValue returns the first JSON value of data, or nil when it has
// none that is well formed.
func firstValue(data []byte) []byte {
	var raw json.RawMessage
	if json.NewDecoder(bytes.NewReader(data)).Decode(&raw) != nil {
		return nil
	}
	return raw
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// locateJSON adds a problem for every value of the JSON document raw
// that a value of type t cannot take, named by its JSON path from path
// ("tiers.levels[1].min"), and for every object key that names no field
// (encoding/json's rules: the tag's name, else the field's name, matched
// exactly or else without regard to case).
func locateJSON(p *problems, raw json.RawMessage, t reflect.Type, path string) {
	name := path
	if name == "" {
		name = "(json)"
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) ||
		(t.Kind() != reflect.Struct && t.Kind() != reflect.Slice && t.Kind() != reflect.Array && t.Kind() != reflect.Pointer) {
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				p.add(name, customer.CodeFormat, "want %s, got JSON %s", typ.Type, typ.Value)
			} else {
				p.add(name, customer.CodeFormat, "%v", err)
			}
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		locateJSON(p, raw, t.Elem(), path)
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			p.add(name, customer.CodeFormat, "want a list for %s", t)
			return
		}
		for i, item := range items {
			locateJSON(p, item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			p.add(name, customer.CodeFormat, "want an object for %s", t)
			return
		}
		fields := map[string]reflect.Type{}
		for _, f := range reflect.VisibleFields(t) {
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || tag == "-" || (f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct) {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			fields[tag] = f.Type
		}
		keys := slices.Sorted(maps.Keys(obj))
		for _, k := range keys {
			at := k
			if path != "" {
				at = path + "." + k
			}
			ft, ok := fields[k]
			if !ok {
				for n, nt := range fields {
					if strings.EqualFold(n, k) {
						ft, ok = nt, true
						break
					}
				}
			}
			if !ok {
				p.add(at, customer.CodeUnknown, "unknown field")
				continue
			}
			locateJSON(p, obj[k], ft, at)
		}
	}
}

func decodeError(record string, data []byte, err error) error {
	var p problems
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		p.add("(json)", customer.CodeFormat, "malformed JSON at line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(json)"
		}
		p.add(field, customer.CodeFormat, "want %s, got JSON %s", typ.Type, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		p.add(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), customer.CodeUnknown, "unknown field")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		p.add("(json)", customer.CodeFormat, "empty or truncated JSON")
	default:
		p.add("(json)", customer.CodeFormat, "%v", err)
	}
	return p.err(record)
}

func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = int(off) - bytes.LastIndexByte(data[:off], '\n') - 1
	return line, col
}

// Compile checks c, fills the documented defaults, and returns the
// programme. It reports every problem at once in a
// [*customer.ValidationError] with fields named by their JSON paths
// ("tiers.levels[1].min", "earn.multipliers[0].factor").
func Compile(c Config) (*Programme, error) {
	c = c.clone()
	c.defaults()
	var p problems
	c.check(&p)
	name := "loyalty programme"
	if c.Name != "" {
		name = fmt.Sprintf("loyalty programme %q", c.Name)
	}
	if err := p.err(name); err != nil {
		return nil, err
	}
	return newProgramme(c), nil
}

// usable returns nil for a programme built by [Compile] or
// [DecodeProgramme], and an error matching [customer.ErrInvalid] naming
// the field "programme" for a nil *Programme or one not built so (the
// zero value, which has no tiers): its methods that return an error
// return this one rather than panic.
func (p *Programme) usable() error {
	var pr problems
	switch {
	case p == nil:
		pr.add("programme", customer.CodeRequired, "is nil: build one with Compile or DecodeProgramme")
	case len(p.cfg.Tiers.Levels) == 0:
		pr.add("programme", customer.CodeRequired, "is not compiled (it has no tiers): build one with Compile or DecodeProgramme")
	}
	return pr.err("loyalty programme")
}

// Config returns a copy of the programme's configuration, defaults
// filled; the zero Config for a nil programme.
func (p *Programme) Config() Config {
	if p == nil {
		return Config{}
	}
	return p.cfg.clone()
}

// Location returns the programme's time zone, [Config.Location], or
// time.UTC when it has none (or the programme is nil).
func (p *Programme) Location() *time.Location {
	if p == nil || p.cfg.Location == nil {
		return time.UTC
	}
	return p.cfg.Location
}

// monthsBefore returns t less n calendar months, counted in the
// programme's time zone, in t's own zone. A day the earlier month does
// not have becomes its last day (31 August less six months is 28 or 29
// February, not 3 March), so that the start of a rolling window never
// moves backwards as t moves on.
func (p *Programme) monthsBefore(t time.Time, n int) time.Time { return p.monthsFrom(t, -n) }

// monthsFrom returns t plus n calendar months (n may be negative),
// counted in the programme's time zone, in t's own zone: the same day of
// the month and time of day, or the target month's last day when it is
// shorter than t's day (31 January plus one month is 28 or 29 February,
// not 3 March). A time of day that the zone's clock skips on that day (a
// change to summer time) is read with the offset before the change, so
// it falls as much later that day as the clock skips (02:30 on a day
// whose clocks go from 02:00 to 03:00 is 03:30), never on the day
// before; time.Date alone may return either instant.
func (p *Programme) monthsFrom(t time.Time, n int) time.Time {
	local := t.In(p.Location())
	y, m, d := local.Date()
	if last := time.Date(y, m+time.Month(n)+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	hh, mm, ss := local.Clock()
	r := time.Date(y, m+time.Month(n), d, hh, mm, ss, local.Nanosecond(), p.Location())
	// In a gap, time.Date reads the wall time with one of the offsets
	// around it; read with the other, the later instant is the one after
	// the change. Elsewhere both readings are r.
	_, off := r.Zone()
	wall := time.Date(y, m+time.Month(n), d, hh, mm, ss, local.Nanosecond(), time.UTC)
	if alt := wall.Add(-time.Duration(off) * time.Second); alt.After(r) {
		r = alt
	}
	return r.In(t.Location())
}

// reviewAfter returns the first tier review ([TierConfig]) of the review
// clock started at start that falls after t: start plus the smallest
// positive multiple of ReviewMonths calendar months (as monthsFrom counts
// them) that is later than t. Each review is counted from start itself,
// never from the review before it, so a day the month lacks does not
// move the ones after it.
func (p *Programme) reviewAfter(start, t time.Time) time.Time {
	r := p.cfg.Tiers.ReviewMonths
	if r <= 0 {
		return time.Time{}
	}
	ls, lt := start.In(p.Location()), t.In(p.Location())
	// The review k·r months after start falls in start's month plus k·r
	// months, so the first one after t is the one in t's month or one of
	// the next r: begin at the last multiple at or before t's month.
	k := max(((lt.Year()-ls.Year())*12+int(lt.Month()-ls.Month()))/r, 1)
	for {
		if next := p.monthsFrom(start, k*r); next.After(t) {
			return next
		}
		k++
	}
}

// date formats the calendar date of t in the programme's time zone.
func (p *Programme) date(t time.Time) string { return t.In(p.Location()).Format(time.DateOnly) }

// Levels returns a copy of the tiers, lowest first. [Account.Level]
// indexes this slice, except for a stored account whose tier the
// programme dropped, renamed or renumbered since the ledger named it
// ([TierConfig].Levels), until an event records the move:
// [Programme.Tier] reads any account. A nil programme has none.
func (p *Programme) Levels() []TierLevel {
	if p == nil {
		return nil
	}
	out := slices.Clone(p.cfg.Tiers.Levels)
	for i := range out {
		out[i].FormerNames = slices.Clone(out[i].FormerNames)
	}
	return out
}

// tierLevel returns a copy of tier i, which its caller may change.
func (p *Programme) tierLevel(i int) TierLevel {
	l := p.cfg.Tiers.Levels[i]
	l.FormerNames = slices.Clone(l.FormerNames)
	return l
}

func (c Config) clone() Config {
	c.Earn.Multipliers = slices.Clone(c.Earn.Multipliers)
	for i := range c.Earn.Multipliers {
		m := &c.Earn.Multipliers[i]
		m.Categories, m.Seasons, m.Channels = slices.Clone(m.Categories), slices.Clone(m.Seasons), slices.Clone(m.Channels)
	}
	c.Tiers.Levels = slices.Clone(c.Tiers.Levels)
	for i := range c.Tiers.Levels {
		c.Tiers.Levels[i].FormerNames = slices.Clone(c.Tiers.Levels[i].FormerNames)
	}
	c.Pricing.Quantity = slices.Clone(c.Pricing.Quantity)
	for i := range c.Pricing.Quantity {
		c.Pricing.Quantity[i].Scope.Values = slices.Clone(c.Pricing.Quantity[i].Scope.Values)
	}
	c.Pricing.Seasonal = slices.Clone(c.Pricing.Seasonal)
	for i := range c.Pricing.Seasonal {
		c.Pricing.Seasonal[i].Seasons = slices.Clone(c.Pricing.Seasonal[i].Seasons)
		c.Pricing.Seasonal[i].Tiers = slices.Clone(c.Pricing.Seasonal[i].Tiers)
	}
	c.Gifts = slices.Clone(c.Gifts)
	return c
}

func (c *Config) defaults() {
	if c.Earn.Rounding == 0 {
		c.Earn.Rounding = RoundDown
	}
	if c.DebtPolicy == 0 {
		c.DebtPolicy = DebtRecord
	}
	if c.Tiers.Basis == 0 {
		c.Tiers.Basis = BasisSpend
	}
	if len(c.Tiers.Levels) == 0 {
		c.Tiers.Levels = []TierLevel{{Name: "member"}}
	}
	for i := range c.Tiers.Levels {
		if c.Tiers.Levels[i].Multiplier.IsZero() {
			c.Tiers.Levels[i].Multiplier = one
		}
	}
	if c.Redeem.MaxShare.IsZero() {
		c.Redeem.MaxShare = one
	}
	if c.Redeem.LateDays == 0 {
		c.Redeem.LateDays = defaultLateDays
	}
	if c.Earn.Birthday.LateDays == 0 {
		c.Earn.Birthday.LateDays = defaultLateDays
	}
	if c.Pricing.MinPercent.IsZero() {
		c.Pricing.MinPercent = decimal.NewFromInt(5)
	}
	if c.Pricing.MaxPercent.IsZero() {
		c.Pricing.MaxPercent = decimal.NewFromInt(60)
	}
}

// invisible reports whether name shows as nothing: it holds only white
// space ([unicode.IsSpace]) and format characters ([unicode.Cf], such as
// a zero-width space or a soft hyphen).
func invisible(name string) bool {
	for _, r := range name {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// sane reports whether d is small enough to compute with: at most 30
// digits and an exponent within ±30. It keeps "1e999999999" from turning a
// comparison into a billion-digit multiplication.
func sane(d decimal.Decimal) bool {
	return d.Exponent() >= -30 && d.Exponent() <= 30 && d.NumDigits() <= 30 &&
		d.NumDigits()+int(d.Exponent()) <= 30
}

// checkRange adds a problem unless lo <= d <= hi (or lo < d when open).
func checkRange(p *problems, field string, d, lo, hi decimal.Decimal, openLow bool) {
	switch {
	case !sane(d):
		p.add(field, customer.CodeRange, "%s is too large or too precise", brief(d))
	case d.Sign() < 0:
		p.add(field, customer.CodeNegative, "must not be negative, is %s", d.String())
	case openLow && d.LessThanOrEqual(lo):
		p.add(field, customer.CodeRange, "must be more than %s, is %s", lo.String(), d.String())
	case d.LessThan(lo) || d.GreaterThan(hi):
		p.add(field, customer.CodeRange, "must be within [%s, %s], is %s", lo.String(), hi.String(), d.String())
	}
}

var (
	maxRate   = decimal.New(1, 9)
	maxFactor = decimal.New(1, 18)
	maxMoney  = decimal.New(1, 18)
)

func checkWindow(p *problems, field string, from, until time.Time) {
	if !from.IsZero() && !until.IsZero() && !from.Before(until) {
		p.add(field+".until", customer.CodeOrder, "must be after from")
	}
}

// defaultLateDays and maxLateDays are the default and the largest
// LateDays of a redemption or a birthday claim.
const (
	defaultLateDays = 7
	maxLateDays     = 31
)

func checkLateDays(p *problems, field string, days int) {
	if days < 1 || days > maxLateDays {
		p.add(field, customer.CodeRange, "must be within [1, %d] (0 for the default of %d), is %d", maxLateDays, defaultLateDays, days)
	}
}

// lateness returns the lateness LateDays allows.
func lateness(days int) time.Duration { return time.Duration(days) * 24 * time.Hour }

// judgedLate reports whether a redemption of time t recorded at now is
// late, and within the lateness [RedeemConfig.LateDays] allows, so that
// it is judged at t.
func (p *Programme) judgedLate(t, now time.Time) bool {
	return t.Before(now) && now.Sub(t) <= lateness(p.cfg.Redeem.LateDays)
}

func checkNonNeg(p *problems, field string, v Points) {
	if v < 0 {
		p.add(field, customer.CodeNegative, "must not be negative, is %d", v)
	}
}

func (c *Config) check(p *problems) {
	if !c.Currency.Valid() {
		p.add("currency", customer.CodeUnknown, "unknown currency %q", string(c.Currency))
	}
	checkRange(p, "earn.points_per_unit", c.Earn.PointsPerUnit, decimal.Zero, maxRate, true)
	if !c.Earn.Rounding.Valid() {
		p.add("earn.rounding", customer.CodeUnknown, "unknown rounding %d", uint8(c.Earn.Rounding))
	}
	for i, m := range c.Earn.Multipliers {
		f := fmt.Sprintf("earn.multipliers[%d]", i)
		checkRange(p, f+".factor", m.Factor, decimal.Zero, maxFactor, true)
		checkBlank(p, f+".categories", m.Categories)
		checkBlank(p, f+".seasons", m.Seasons)
		for j, ch := range m.Channels {
			if !ch.Valid() {
				p.add(fmt.Sprintf("%s.channels[%d]", f, j), customer.CodeUnknown, "unknown channel %d", uint8(ch))
			}
		}
		checkWindow(p, f, m.From, m.Until)
	}
	if !c.Earn.MaxFactor.IsZero() {
		checkRange(p, "earn.max_factor", c.Earn.MaxFactor, one, maxFactor, false)
	}
	if !c.Earn.Birthday.Multiplier.IsZero() {
		checkRange(p, "earn.birthday.multiplier", c.Earn.Birthday.Multiplier, decimal.Zero, maxFactor, true)
	}
	checkNonNeg(p, "earn.birthday.gift", c.Earn.Birthday.Gift)
	checkLateDays(p, "earn.birthday.late_days", c.Earn.Birthday.LateDays)
	checkNonNeg(p, "earn.profile_bonus", c.Earn.ProfileBonus)
	checkNonNeg(p, "earn.survey_bonus", c.Earn.SurveyBonus)

	checkRange(p, "redeem.points_per_unit", c.Redeem.PointsPerUnit, decimal.Zero, maxRate, true)
	checkNonNeg(p, "redeem.min_points", c.Redeem.MinPoints)
	checkRange(p, "redeem.max_share", c.Redeem.MaxShare, decimal.Zero, one, true)
	checkLateDays(p, "redeem.late_days", c.Redeem.LateDays)

	if c.ExpiryMonths < 0 || c.ExpiryMonths > 1200 {
		p.add("expiry_months", customer.CodeRange, "must be within [0, 1200], is %d", c.ExpiryMonths)
	}
	if c.PendingDays < 0 || c.PendingDays > 3650 {
		p.add("pending_days", customer.CodeRange, "must be within [0, 3650], is %d", c.PendingDays)
	} else if c.ExpiryMonths > 0 && c.PendingDays >= 28*c.ExpiryMonths {
		p.add("pending_days", customer.CodeRange, "the return window (%d days) must end before points expire (%d months)", c.PendingDays, c.ExpiryMonths)
	}
	if !c.DebtPolicy.Valid() {
		p.add("debt_policy", customer.CodeUnknown, "unknown debt policy %d", uint8(c.DebtPolicy))
	}
	c.checkTiers(p)
	c.checkPricing(p)
	c.checkGifts(p)
}

func (c *Config) checkTiers(p *problems) {
	t := &c.Tiers
	if !t.Basis.Valid() {
		p.add("tiers.basis", customer.CodeUnknown, "unknown basis %d", uint8(t.Basis))
	}
	multi := len(t.Levels) > 1
	if t.WindowMonths < 0 || t.WindowMonths > 120 || (multi && t.WindowMonths == 0) {
		p.add("tiers.window_months", customer.CodeRange, "must be within [1, 120] with two or more tiers, is %d", t.WindowMonths)
	}
	if t.ReviewMonths < 0 || t.ReviewMonths > 120 || (multi && t.ReviewMonths == 0) {
		p.add("tiers.review_months", customer.CodeRange, "must be within [1, 120] with two or more tiers, is %d", t.ReviewMonths)
	}
	if t.GraceDays < 0 || t.GraceDays > 3650 {
		p.add("tiers.grace_days", customer.CodeRange, "must be within [0, 3650], is %d", t.GraceDays)
	}
	if t.RevokeDays < 0 || t.RevokeDays > 3650 {
		p.add("tiers.revoke_days", customer.CodeRange, "must be within [0, 3650], is %d", t.RevokeDays)
	}
	if multi && t.ReviewMonths > 0 && t.GraceDays >= 28*t.ReviewMonths {
		p.add("tiers.grace_days", customer.CodeRange, "grace (%d days) must end before the next review (%d months)", t.GraceDays, t.ReviewMonths)
	}
	names := map[string]int{}
	formers := map[string]string{} // former name → its field
	for i, l := range t.Levels {
		f := fmt.Sprintf("tiers.levels[%d]", i)
		if l.Name == "" {
			p.add(f+".name", customer.CodeRequired, "is empty")
		} else if invisible(l.Name) {
			// It would show as nothing in notes and on screens, and no
			// members' sale could name it (pricing.seasonal[i].tiers).
			p.add(f+".name", customer.CodeRequired, "%q is blank (white space or invisible characters only)", l.Name)
		} else if !utf8.ValidString(l.Name) {
			// Ledgers stored as JSON would read it back otherwise.
			p.add(f+".name", customer.CodeFormat, "%q is not valid UTF-8", l.Name)
		} else if strings.IndexFunc(l.Name, unicode.IsControl) >= 0 {
			// A line break or a NUL breaks every line-based export and
			// note the name is written to, and a database's JSON column
			// refuses a NUL.
			p.add(f+".name", customer.CodeFormat, "%q holds a control character", l.Name)
		} else if j, dup := names[l.Name]; dup {
			p.add(f+".name", customer.CodeDuplicate, "%q is also tiers.levels[%d]", l.Name, j)
		} else {
			names[l.Name] = i
		}
		checkRange(p, f+".min", l.Min, decimal.Zero, maxMoney, false)
		for j, n := range l.FormerNames {
			ff := fmt.Sprintf("%s.former_names[%d]", f, j)
			switch k, seen := formers[n]; {
			case n == "":
				p.add(ff, customer.CodeRequired, "is empty")
			case !utf8.ValidString(n):
				p.add(ff, customer.CodeFormat, "%q is not valid UTF-8", n)
			case slices.ContainsFunc(t.Levels, func(x TierLevel) bool { return x.Name == n }):
				p.add(ff, customer.CodeDuplicate, "%q is the name of a tier", n)
			case seen:
				p.add(ff, customer.CodeDuplicate, "%q is also %s", n, k)
			default:
				formers[n] = ff
			}
		}
		checkRange(p, f+".multiplier", l.Multiplier, decimal.Zero, maxFactor, true)
		checkNonNeg(p, f+".birthday_gift", l.BirthdayGift)
		if i == 0 && sane(l.Min) && !l.Min.IsZero() {
			p.add(f+".min", customer.CodeRange, "the first tier must start at 0, starts at %s", l.Min.String())
		}
		if l.Max.Valid && !sane(l.Max.Decimal) {
			p.add(f+".max", customer.CodeRange, "%s is too large or too precise", brief(l.Max.Decimal))
			continue
		}
		if !sane(l.Min) {
			continue
		}
		if l.Max.Valid && l.Max.Decimal.LessThanOrEqual(l.Min) {
			p.add(f+".max", customer.CodeRange, "max %s must be above min %s", l.Max.Decimal.String(), l.Min.String())
		}
		if i+1 == len(t.Levels) {
			if l.Max.Valid {
				p.add(f+".max", customer.CodeRange, "the highest tier must have no max (values above %s would have no tier)", l.Max.Decimal.String())
			}
			continue
		}
		next := t.Levels[i+1]
		if !sane(next.Min) {
			continue
		}
		if !next.Min.GreaterThan(l.Min) {
			p.add(fmt.Sprintf("tiers.levels[%d].min", i+1), customer.CodeRange, "overlaps tiers.levels[%d]: min %s is not above %s", i, next.Min.String(), l.Min.String())
		}
		if l.Max.Valid {
			switch l.Max.Decimal.Cmp(next.Min) {
			case 1:
				p.add(f+".max", customer.CodeRange, "overlaps tiers.levels[%d]: max %s is above its min %s", i+1, l.Max.Decimal.String(), next.Min.String())
			case -1:
				p.add(f+".max", customer.CodeRange, "leaves a gap before tiers.levels[%d]: max %s is below its min %s", i+1, l.Max.Decimal.String(), next.Min.String())
			}
		}
	}
}

func checkScope(p *problems, field string, s Scope) {
	switch {
	case !s.Kind.Valid():
		p.add(field+".kind", customer.CodeUnknown, "unknown scope kind %d", uint8(s.Kind))
	case s.Kind == ScopeAll && len(s.Values) > 0:
		p.add(field+".values", customer.CodeMismatch, "scope all takes no values")
	case s.Kind != ScopeAll && len(s.Values) == 0:
		p.add(field+".values", customer.CodeRequired, "scope %s needs at least one value", s.Kind)
	default:
		checkBlank(p, field+".values", s.Values)
	}
}

// checkBlank adds a problem for every blank value of a list that lines
// are matched against: a blank value would match every line that has
// none (a line without a series, say), not one named.
func checkBlank(p *problems, field string, values []string) {
	for i, v := range values {
		if strings.TrimSpace(v) == "" {
			p.add(fmt.Sprintf("%s[%d]", field, i), customer.CodeRequired, "is blank")
		}
	}
}

func (c *Config) checkPricing(p *problems) {
	pr := &c.Pricing
	checkRange(p, "pricing.min_percent", pr.MinPercent, decimal.Zero, hundred, true)
	checkRange(p, "pricing.max_percent", pr.MaxPercent, decimal.Zero, hundred, true)
	if sane(pr.MinPercent) && sane(pr.MaxPercent) && pr.MinPercent.GreaterThan(pr.MaxPercent) {
		p.add("pricing.max_percent", customer.CodeRange, "must not be below min_percent %s", pr.MinPercent.String())
	}
	for i, q := range pr.Quantity {
		f := fmt.Sprintf("pricing.quantity[%d]", i)
		checkScope(p, f+".scope", q.Scope)
		if q.MinQuantity < 1 {
			p.add(f+".min_quantity", customer.CodeNotPos, "must be at least 1, is %d", q.MinQuantity)
		}
		checkRange(p, f+".percent", q.Percent, decimal.Zero, hundred, true)
	}
	for i, s := range pr.Seasonal {
		f := fmt.Sprintf("pricing.seasonal[%d]", i)
		if len(s.Seasons) == 0 {
			p.add(f+".seasons", customer.CodeRequired, "needs at least one season")
		}
		checkBlank(p, f+".seasons", s.Seasons)
		checkRange(p, f+".percent", s.Percent, decimal.Zero, hundred, true)
		checkWindow(p, f, s.From, s.Until)
		for j, name := range s.Tiers {
			tf := fmt.Sprintf("%s.tiers[%d]", f, j)
			switch {
			case strings.TrimSpace(name) == "":
				p.add(tf, customer.CodeRequired, "is blank")
			case !slices.ContainsFunc(c.Tiers.Levels, func(l TierLevel) bool { return l.Name == name }):
				p.add(tf, customer.CodeUnknown, "%q is not a tier of the programme", name)
			}
		}
		if !s.EarlyFrom.IsZero() {
			switch {
			case s.From.IsZero():
				p.add(f+".early_from", customer.CodeRequired, "early access needs a from to come before")
			case !s.EarlyFrom.Before(s.From):
				p.add(f+".early_from", customer.CodeOrder, "must be before from")
			case !slices.ContainsFunc(c.Tiers.Levels, func(l TierLevel) bool { return l.EarlyAccess }):
				p.add(f+".early_from", customer.CodeMismatch, "no tier of the programme has early access")
			}
		}
	}
}

// brief formats d as a plain decimal ("-5", "10.005") when it is small
// enough to compute with, and otherwise without expanding its exponent:
// "123e-45".
func brief(d decimal.Decimal) string {
	if sane(d) {
		return d.String()
	}
	c := d.Coefficient().String()
	if len(c) > 40 {
		c = c[:40] + "…"
	}
	return fmt.Sprintf("%se%d", c, d.Exponent())
}

// TierAt returns the tier the member held at t as the ledger records it
// (the current tier less the tier changes that took effect after t),
// with its benefits: the Tier of a [Basket] dated t. Before the member
// joined it returns the lowest tier, though the member held none then: a
// basket so dated gets no tier's benefits when given no Tier, and
// [Programme.Price] refuses it when given one. A tier the programme
// dropped, renamed or renumbered since the ledger named it is read from
// the tier's name, under the name the renames the ledger recorded since
// give it, as [Programme.Tier] reads it ([TierConfig].Levels), and a
// programme not compiled returns the zero TierLevel.
func (p *Programme) TierAt(a Account, t time.Time) TierLevel {
	if p.usable() != nil {
		return TierLevel{}
	}
	return p.tierLevel(p.heldAt(&a, t))
}

// AvailableAt returns the points the member may pay with at t, as the
// ledger records them: what a [Redemption] dated t (for no order) may
// spend, recorded at t, or at a.AsOf when t is before it. The account
// is brought to that time first, as a [Tick] would bring it: the points
// whose return window ended by then are released, and those that
// expired by then are gone; recorded within [RedeemConfig.LateDays] of
// t, the points alive at t that expired since count too, as for a
// redemption recorded late. It is the Available of a [Basket] dated t
// whose Account is a ([Programme.Price] pays with no more). a is not
// changed. An account with no ledger has none, nor has a member before
// it joined. Errors: a zero t is a [*customer.ValidationError] naming
// the field "time"; a programme not compiled and an account whose Level
// is negative or beyond the programme's tiers without a tier entry that
// reached it are refused as by [Programme.Apply]. A tier the programme
// dropped, renamed or renumbered is read as [TierConfig].Levels says.
func (p *Programme) AvailableAt(a Account, t time.Time) (Points, error) {
	if err := p.usable(); err != nil {
		return 0, err
	}
	if t.IsZero() {
		var pr problems
		pr.add("time", customer.CodeRequired, "is zero")
		return 0, pr.err(fmt.Sprintf("available points of member %q", a.Member))
	}
	if err := p.checkLevel(&a); err != nil {
		return 0, err
	}
	return p.availableAt(&a, t)
}

// availableAt is AvailableAt on an account whose tiers were checked.
func (p *Programme) availableAt(a *Account, t time.Time) (Points, error) {
	if a.Member == "" || t.Before(a.Joined) {
		return 0, nil // no member then: a redemption of that time is refused
	}
	now := t
	if now.Before(a.AsOf) {
		now = a.AsOf
	}
	late := p.judgedLate(t, now)
	b := &builder{p: p, w: a.clone(), now: now, member: a.Member}
	if late {
		b.judgeAt = t // as Apply settles before a late redemption
	}
	if err := b.settle(); err != nil {
		return 0, err
	}
	avail, _ := b.w.spendable(t, late, "")
	return avail, nil
}

// Tier returns the member's current tier with its benefits (multiplier,
// birthday gift, early access, free alterations): the tier of the
// programme that stands for the one the ledger names, read from its name
// ([Account.LevelName]) wherever the programme now has it, the tier
// below it for a tier the programme dropped, and for a ledger without
// tier names a level above the programme's tiers as the top tier
// ([TierConfig].Levels); a negative level returns the lowest tier. A programme not compiled
// (nil or the zero value) has no tiers and returns the zero TierLevel.
func (p *Programme) Tier(a Account) TierLevel {
	if p.usable() != nil {
		return TierLevel{}
	}
	return p.tierLevel(p.tierOf(&a, a.Level, a.levelName, len(a.tierChanges)))
}
