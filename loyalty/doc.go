// Package loyalty runs a clothing brand's membership programme: points
// earned by the amount paid and spent as money off or on gifts, pending points during
// the return window, expiry, claw-back on returns and price reductions,
// member tiers with their benefits, birthday benefits, bonus points for a
// completed profile or a survey answer, and coupons, discount cards,
// quantity and seasonal discounts.
//
// # Which call
//
// Decode and compile the programme once ([DecodeProgramme]), make a
// [Service] over a [Store] ([NewService]), and hand it each [Event] of a
// member with [Service.Apply]: a [Join], a [Purchase] (points earned,
// tier moved up), a [Returned] or a [Credited] (claw-back), a
// [Redemption], a [BirthdayClaim], a [BirthdayChanged] when the
// member's birthday is corrected or given later, and a [Tick] that releases pending
// points, expires lots and runs due tier reviews. [Service.Account]
// gives the balances and the tier ([Account].Level, an index into
// [Programme.Levels], and [Account.LevelName], the tier's name, from
// which [Programme.Tier] reads the tier held when the programme
// restructured its tiers since). The example
// "membersYear" follows one member through a year.
//
// # Programme as data
//
// A [Config] is plain data, usually written as JSON; [Compile] checks it
// (every bad field at once, named by its JSON path) and returns an
// immutable [Programme] safe for concurrent use, and [DecodeProgramme]
// decodes the JSON strictly and compiles it in one call. A tier's name
// ([TierLevel].Name) must show: one of white space or invisible
// characters only, or with a control character, is refused; a former
// name ([TierLevel].FormerNames) is taken as ledgers recorded it.
//
// # Earning
//
// A [Purchase] earns points on the money paid for each line, raised by the
// multipliers that apply to the line — the member's tier, promotions
// ([Multiplier]), the birthday month — whose product is capped at
// [EarnConfig].MaxFactor when it is set, so that stacked promotions cannot
// multiply points without bound; [EarnConfig] gives the formula.
//
// # Ledger
//
// Each member has an append-only ledger of [Entry] values: join, earn,
// bonus, release (pending → available), redeem, expire, claw-back,
// reduction, restore of points paid for refunded goods, repayment of
// debt, manual adjustment with reason and operator, tier changes and
// reviews, points put back for a redemption recorded late, birthday
// changes ([EntryBirthday]) and erasures ([EntryErase]). Every entry
// carries an idempotency key, unique in the ledger, so an event
// delivered twice takes effect once ([ErrDuplicate]). Points are exact
// int64 values; arithmetic that would overflow is an error
// ([ErrOverflow]).
//
// [Programme.Apply] is a pure function of (account, event, now): it
// returns the entries an [Event] produces and the [Account] after them,
// and never reads a clock. [Replay] folds stored entries back into the
// same Account. The net balance (available + pending − debt) is always the
// sum of the entries' Points.
//
// Points are redeemed nearest expiry first; a redemption that pays for
// an order never spends the points that order earns at or after the
// redemption's time ([Redemption]). A redemption is judged at its own
// time: recorded late (a till that syncs late), within
// [RedeemConfig.LateDays], it spends first the points it could have
// spent then, also those that expired after its time, and the expiry
// writes off only what it left, whether or not the ledger recorded the
// expiry before the redemption came ([EntryReopen]). A birthday claim
// recorded more than [BirthdayConfig.LateDays] after its time is
// refused, so that the gift of a past year cannot be claimed afterwards. A refund claws back the
// order's points in proportion to the returned lines' share of them:
// from what the order's own lot still holds, then, of the points it no
// longer holds, those that expired are not taken again (the member lost
// them already) and those spent are taken from other lots or become debt
// or are written off, as [DebtPolicy] says. An exchange ([customer.Exchange]: another size or colour, no
// money moves) claws back nothing and keeps the qualifying spend: the
// replacement is the same sale, and a later refund of it claws back as
// usual. A price reduction ([Credited], a [customer.Credit]) takes back
// the share of the points of the goods the member kept that the money
// given back was of their price, together with the order's returns never
// more than it earned and all of it once refunds and reductions gave
// back the whole price, in whichever order they came; a compensation is
// goodwill and takes nothing.
//
// Points that paid for an order ([Redemption.Order], set by
// [Quote.Checkout]) come back when its goods are refunded, in proportion
// to the goods returned and never more than were paid ([Returned],
// [EntryRestore]), also when a till records the redemption after the
// refund. They keep the expiry of the points they replace, and
// points whose expiry passed before the refund come back expired, so a
// return never renews points. A price reduction gives back money, not
// points.
//
// Available and pending points are never negative. Points that a
// claw-back finds already spent are owed, shown as [Account.Debt] under
// [DebtRecord]: the net balance ([Account.Balance], available + pending −
// debt) is then below zero until later points settle the debt. Under
// [DebtCapAtZero] nothing is owed and the net balance never goes below
// zero.
//
// # Time zone
//
// Whatever zone a time.Time carries, the library decides by its instant.
// Where a rule needs a calendar date — the birthday month and the year of
// a birthday benefit, the months added for expiry dates, tier reviews and
// the qualifying window — the date is the one in the programme's zone,
// [Config.Location] (set in Go; nil is UTC). The same event given with
// its times in another zone is the same event: delivered again, it is a
// redelivery ([DuplicateError] with Same), and applied it gives the
// same entries, their times the same instants.
//
// # A wrong now
//
// The library reads no clock: every call is given its now, and
// [Programme.Apply] trusts it. Time never runs backwards in a ledger: a
// now before the ledger's latest ([Account].AsOf) is taken as that
// latest. So one call with a now in the future (a till whose clock is
// years ahead, seconds taken for milliseconds) brings the ledger up to
// it for good: pending points are released, lots expire, tier reviews
// and grace ends are held as of then, and every later call at the real
// time is taken as at that future now: the member's next purchase
// earns points whose expiry, reckoned from the purchase, is already
// past, so they expire at once, and a tier is lost at a review that
// has not come. A host guards against it
// by wiring its clock to the [Service] ([ServiceOptions].Clock, with a
// tolerance MaxAhead, [DefaultMaxAhead] by default): a now later than
// the clock allows is then refused with a [*NowAheadError], matching
// [ErrNowAhead], before anything is read or stored. Without a Clock the
// future now is trusted, as [Programme.Apply] trusts it.
//
// The library offers no way to undo a wrong now that got in before the
// guard was wired: a ledger is append-only, and no event takes entries
// back or moves [Account].AsOf back (an [Adjustment] gives or takes
// points, not a tier, and is applied as at that future now too). What a
// host can do is in its own store. The entries written under the wrong
// now, and all the entries appended after them, carry
// it, or a later time, as their Time ([Entry].Time is the now they
// were applied at, after the clamp above); the entries before them are
// the ledger as it was. With every [Service] on the store stopped (a
// Service caches accounts, and one that outlives the repair appends at
// a version the store no longer has), the host deletes the member's
// entries from the first whose Time is after the real time on, checks
// that what remains replays ([Replay]), starts its services again, and
// applies again, at their own times and with the real now, the events
// that it had applied since the wrong one (their keys went with their
// entries, so they are not taken for redeliveries). Points redeemed in
// the meantime, refused or granted, are the host's to look at again.
// [MemStore] and the [Store] interface have no deletion: a store of the
// host's own (a database) is needed for it.
//
// # Tiers
//
// A member moves up a tier as soon as its qualifying spend or points over
// the rolling window reach the tier's minimum, as of the time of the
// purchase that brings them there, not the time it is recorded, so that
// purchases recorded in time order earn the same however often the till
// syncs; and down only at a periodic review, after a grace period
// ([TierConfig] gives the rule for purchases recorded out of time
// order). A refund that takes the qualifying value below the minimum
// moves no one down before the review, unless the programme takes back
// a tier that refunded purchases bought ([TierConfig].RevokeDays, off
// by default): then a refund within that many days of reaching the tier
// moves the member down at once to the tier the qualifying value left
// still reaches, never below the lowest tier held in those days, with an
// [EntryTier] keyed "revoke:" + the return's ID that names the order
// and the refund in its note and takes back the review schedule that
// the upgrade taken back started: the next review and any grace under
// way are again those of the tier held before ([TierConfig] says when).
// [Replay] refuses such an entry that does not follow its refund's
// claw-back, does not move down from the tier held, is dated before the
// refund, the last tier change or the last review, or moves the review
// schedule elsewhere; and any tier or review entry whose From is not the
// tier held at that point of the ledger. A price reduction ([Credited])
// or an exchange takes back no tier. Join, tier and review entries
// record the name of the tier they leave the member in
// ([Entry].TierName), its identity: a programme that adds, drops,
// renames ([TierLevel].FormerNames) or reorders tiers blocks no one and,
// on a ledger that names its tier, moves no one silently. A member whose
// tier the programme renumbered or renamed holds that tier; one whose
// tier it dropped holds the tier below it (the top tier, for a top tier
// dropped; the lowest tier, for the lowest dropped), or a lower one
// when its qualifying value never reached that tier's Min while it held
// the dropped one, so that a restructure moves no one up; the next
// event applied records the move with its reason ([TierConfig].Levels).
//
// Ledgers written before tier names were recorded name their tier by
// index only, which a restructure renames silently (with silver dropped,
// a silver member would read as gold). A programme that names ledgers
// ([TierConfig].NameLedgers, off by default) names the tier held with
// the first event applied to such a ledger, a [Tick] too (an
// [EntryTier] keyed "named-tier:" + its Seq), which versions of this
// library from before the naming refuse; without it such a ledger is
// left as it is, as before, so services of both versions may share
// the ledgers during a rolling upgrade. So, to restructure tiers when
// ledgers predate tier names: first run this version of the library in
// every service with the programme unchanged; then set NameLedgers in
// every service, the programme otherwise unchanged (there is no going
// back to a version before the naming from then on); then apply a
// [Tick] to every member (a sweep; the example of [Tick] shows one),
// still under the programme that wrote the ledgers; then wait until no
// event dated before the sweep can still be recorded (purchases and
// birthday claims recorded late, refunds whose [TierConfig].RevokeDays
// reach back before it), since the sweep names the tier held but not
// the other tiers held before it, which are still read by index; only
// then roll out the restructured programme ([TierConfig].Levels says
// how long). A ledger whose first event under a programme that names
// ledgers comes under the restructured programme is named by index, the
// rename it would otherwise undergo, for good. [Replay] reads a named
// ledger whatever the programme.
//
// Two tier entries of this version are read otherwise by the versions
// before it, which matters while services of both share the ledgers.
// A refund that takes back a tier renamed or renumbered since it was
// reached restores the review schedule held before the upgrade
// ([TierConfig].Levels): earlier versions refuse such a revocation as
// corrupt ([ErrCorrupt]), and with it every later event of the member.
// Such a revocation follows the move of a renamed tier recorded after
// an upgrade of at most [TierConfig].RevokeDays before the refund, so
// roll this version out only once a restructure that renamed or
// renumbered tiers has been in every service for that long (and for as
// long as a refund may be recorded late), and restructure only once
// this version runs everywhere. The move off a dropped tier may go to
// a lower tier than earlier versions chose ([TierConfig].Levels):
// earlier versions replay it, but, applying the first event after a
// restructure that drops several tiers, they may move a member up, so
// the same holds for such a restructure.
//
// # Pricing
//
// [Programme.Price] prices a basket with the programme's seasonal and
// quantity discounts (a seasonal discount may be a members' sale for some
// tiers, and open early to the tiers with early access), the coupons
// presented (in an order that does not depend on the order they were
// presented in) and points, in exact decimal arithmetic; neither the
// order of the coupons nor that of the lines changes the total or any
// line's share of it: the total is never negative (each deduction is capped and
// the cap reported) and every deduction is explained in the [Quote].
// A basket priced with its member's account ([Basket].Account) holds
// the tier that the account holds at the basket's time (none before the
// member joined: a tier named for such a basket is refused), and pays with
// no more points than the account has available then
// ([Programme.TierAt], [Programme.AvailableAt]).
// [Quote.Order] builds the order of the [Purchase] from the basket the
// quote priced, each line carrying what was taken off it, so the order
// earns points on the money paid and no discount can be lost or moved.
//
// # Coupon uses
//
// A coupon's limits ([Coupon.MaxUses], [Coupon.MaxUsesPerMember]) count
// its uses. The member's own are kept in its ledger: the [Purchase] of an
// order names the coupons it used ([Purchase.Coupons], set by
// [Quote.Checkout]), its earn entry records them ([Entry.Coupons]) and
// [Account.CouponUses] counts them, rebuilt by [Replay] as the rest of
// the account. A purchase whose coupon the member has used up is
// refused and records nothing, so two tills that priced the same
// single-use coupon for one member cannot both record it; a redelivered
// purchase counts no second use. A refund that brings back every unit
// of an order gives its coupons' uses back (the order no longer
// stands), and the year's birthday multiplier the order used too
// ([Entry.Year] on its claw-back); a partial refund, an exchange or a
// price reduction does not.
// [Programme.Price] takes the member's uses from [Basket.Account] when
// it is given. A personal coupon is used by its holder alone, so its
// MaxUses is enforced by the holder's ledger too ([NewCouponUse]). The
// uses of a bearer coupon by everyone are in no one member's ledger: the
// caller or its store counts them and gives them as [CouponUses.Total].
// Entries written before coupon uses were recorded name no coupons and
// replay as before.
//
// # Gifts
//
// A programme may keep a catalogue of gifts that members take for points
// ([Config].Gifts, [Gift]): a price in points, an optional window, an
// optional least tier and an optional limit per member.
// [Programme.GiftRedemption] turns "member M takes gift G at t, request
// id" into a plain [Redemption] for no order, ID "gift:" + G + ":" + id,
// and [Service.TakeGift] applies it. The ledger has no new event or
// entry kind for it: the redemption's key keeps a retried request to
// one, and [Account.GiftUses] counts the member's takings of a gift from
// the keys of its redemption entries, rebuilt by [Replay]. The rules
// are checked when the redemption is applied (see [Redemption]), so a
// [Service] that retries after a conflict checks the limit again. A
// gift is never given back: a refund gives back only points paid on
// its order.
//
// # Privacy
//
// The member's birthday is the only personal data in a ledger (in the
// join entry, the entries of birthday changes and the [Account]);
// [Account] and [Entry] leave it out of String and slog output. slog
// resolves a [slog.LogValuer] only where it is an attribute's value: a
// plain []Entry or []Account reaches slog.JSONHandler's encoding/json,
// whose form of an Entry is the stored one, birthday included. Log
// [Entries] instead, or install [ReplaceAttr] in the handler.
//
// Anonymising the customer ([customer.Customer.Anonymize],
// [customer.Customer.AnonymizeAt]) does not reach the ledger by itself:
// the caller that anonymises a member (GDPR art. 17, PIPL art. 47) also
// applies an [Erasure] through its [Service], with the same time. One
// call appends the erasure entry ([EntryErase]) and, on a store that
// implements [Eraser] ([MemStore] does), blanks the birthday in the
// stored join entry and birthday changes in the same atomic step,
// together with their fingerprints, which a hash of the birthday would
// otherwise betray ([Entry.Erased]); a Service refuses an Erasure on a store that
// cannot erase. From then on the account's birthday is unknown: later
// birthday claims are refused and later purchases earn no birthday
// multiplier; the points already given stay, and the ledger still
// records that they were a birthday benefit (a bonus entry of kind
// [BonusBirthday], an earn entry's Year), which is the programme's
// accounting, not the birthday. The names of the tiers held, which
// join, tier and review entries record ([Entry].TierName), are the
// programme's names, not personal data: an erasure keeps them.
// Delivered again, the erasure is a
// redelivery ([DuplicateError]) and changes nothing, and so are the join
// and a birthday change; a new birthday change is refused.
// loyaltytest.TestStore checks an Eraser.
//
// What an erased ledger still implies: the birthday itself (day and
// year) is gone, but the month of a birthday benefit given before the
// erasure can be inferred, since the benefit is given only in the
// birthday month. The gift's entry is dated in that month, its lot
// expires [Config].ExpiryMonths after it, its place in the append-only
// sequence lies between entries dated around it, and its points, like
// the extra points of a purchase earned with the birthday multiplier,
// are the amounts the programme gives for a birthday. These are the
// ledger's accounting (the balance, when points expire, what each
// benefit cost) and stay: hiding the month would need the entry's date
// and expiry changed (the member's points would then expire at another
// time), the entry moved in the sequence (which [Replay] and the
// version of [Store.Append] rely on), or its points merged away (the
// per-member totals an audit reconciles); renaming its kind would not
// hide it from anyone who holds the programme's rules. A member who
// never received a birthday benefit leaves no trace of the month. A
// host keeps an erased ledger as pseudonymised accounting records
// (GDPR art. 17(3)(b), PIPL art. 47: storage the law requires) and
// limits who may read it.
//
// # Storage
//
// A [Store] keeps ledgers: two methods, an atomic append conditioned on
// the ledger's version and on unused idempotency keys; a store that can
// erase personal data also implements [Eraser]. [MemStore] is the
// in-memory implementation; loyaltytest.TestStore checks any
// implementation. [Service] loads, applies and appends, retrying when
// another writer appended first. [Service.ApplyAll] applies several
// events of one member in one append, all or none: a checkout's
// [Redemption] and [Purchase] together, so a refused purchase leaves the
// points unspent.
package loyalty
