package loyalty

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Apply returns the account after event e at time now, and the entries
// that took it there. It is a pure function of (a, e, now): no clock, no
// I/O, and a is never changed. The caller appends the entries to its
// [Store] (or lets a [Service] do it).
//
// A member whose ledger names a tier the programme dropped, renamed or
// moved to another index holds the tier the programme reads from the
// ledger's tier name (the one below a tier dropped), and the first event
// applied records the move before anything else ([TierConfig].Levels).
//
// Apply first brings the ledger up to now (as [Tick] does: releases,
// expiries, tier reviews, in time order), then applies e, then brings the
// ledger up to now again, which settles an order delivered after its
// return window. A [Redemption] recorded late is judged at its own Time
// (within [RedeemConfig.LateDays]): the expiry of the points it may still
// spend waits until after it. A now before a.AsOf is taken as a.AsOf, so
// time never runs backwards in one ledger.
//
// Errors change nothing: an event that fails validation returns a
// [*customer.ValidationError] naming the fields (an event that names no
// member, the field that should: "member", "order.customer_id" …); a key
// already in the ledger returns a [*DuplicateError] (matching
// [ErrDuplicate]), joined after the event's validation error
// ([errors.Join]) when the key was used by another event and this one is
// invalid too, so that both are reported (a delivery again of the same
// event is only a [*DuplicateError]); too few points return a
// [*InsufficientError]; an event on a member that has not joined returns
// [ErrNotMember]; an account whose Level is negative, or beyond the
// programme's tiers without a tier entry of its ledger that reached it
// (an Account made by hand), returns an error matching
// [customer.ErrInvalid] naming the field "account.level"; a result too
// large for int64 returns an error wrapping [ErrOverflow]. A programme
// not built by [Compile] or [DecodeProgramme] (a nil *Programme, the
// zero value) returns an error matching [customer.ErrInvalid] naming the
// field "programme", as do [Programme.Earn] and [Programme.Price].
func (p *Programme) Apply(a Account, e Event, now time.Time) (Account, []Entry, error) {
	if err := p.usable(); err != nil {
		return a, nil, err
	}
	if e == nil {
		return a, nil, errors.New("loyalty: nil event")
	}
	if now.IsZero() {
		return a, nil, errors.New("loyalty: apply at the zero time")
	}
	if err := p.checkLevel(&a); err != nil {
		return a, nil, err
	}
	if now.Before(a.AsOf) {
		now = a.AsOf
	}
	member := e.MemberID()
	_, isJoin := e.(Join)
	switch {
	case member == "":
		field, record := memberField(e)
		var pr problems
		pr.add(field, customer.CodeRequired, "is empty: the event names no member")
		return a, nil, pr.err(record)
	case a.Member == "" && !isJoin:
		return a, nil, fmt.Errorf("loyalty: member %q: %w", member, ErrNotMember)
	case a.Member != "" && member != a.Member:
		return a, nil, fmt.Errorf("loyalty: %T for member %q applied to the account of %q", e, member, a.Member)
	}
	key := p.Key(e)
	if key != "" {
		if old, dup := a.keys.get(key); dup {
			same := old == fingerprint(e) || old == zonedFingerprint(e)
			if !a.Erased.IsZero() {
				// The stored join's or birthday change's fingerprint is
				// that of the event without its birthday ([Entry.Erased]).
				switch v := e.(type) {
				case Join:
					same = same || old == joinFingerprint(v.Member, v.Time)
				case BirthdayChanged:
					same = same || old == birthdayChangeFingerprint(v.Member, key, v.Time)
				}
			}
			dup := &DuplicateError{Member: member, Key: key, Same: same}
			if !same {
				// A key reused by another event that is also invalid
				// (a birthday claim outside the birthday month after
				// the year's gift, say): both are reported, the event's
				// own problems first.
				if err := e.validate(p, &a, now); err != nil {
					return a, nil, errors.Join(err, dup)
				}
			}
			return a, nil, dup
		}
	}
	if err := e.validate(p, &a, now); err != nil {
		return a, nil, err
	}
	b := &builder{p: p, w: a.clone(), now: now, member: member, key: key}
	if key != "" {
		b.fp = fingerprint(e)
	}
	if !isJoin {
		if r, ok := e.(Redemption); ok && p.judgedLate(r.Time, now) {
			b.judgeAt = r.Time
		}
		err := b.settle()
		b.judgeAt = time.Time{}
		if err != nil {
			return a, nil, err
		}
	}
	if err := e.apply(b); err != nil {
		return a, nil, err
	}
	if err := b.settle(); err != nil {
		return a, nil, err
	}
	return b.w, b.out, nil
}

// memberField returns the field of e that names its member, by its name
// in the event, and the record e is, for the error of an event without
// its member.
func memberField(e Event) (field, record string) {
	switch v := e.(type) {
	case Join:
		return "member", "join"
	case Purchase:
		return "order.customer_id", fmt.Sprintf("purchase %q", v.Order.ID)
	case Returned:
		return "return.customer_id", fmt.Sprintf("return %q", v.Return.ID)
	case Credited:
		return "credit.customer_id", fmt.Sprintf("credit %q", v.Credit.ID)
	case Redemption:
		return "member", fmt.Sprintf("redemption %q", v.ID)
	case Adjustment:
		return "member", fmt.Sprintf("adjustment %q", v.ID)
	case ProfileCompleted:
		return "member", "profile bonus"
	case SurveyAnswered:
		return "member", fmt.Sprintf("survey bonus %q", v.SurveyID)
	case BirthdayClaim:
		return "member", "birthday claim"
	case BirthdayChanged:
		return "member", fmt.Sprintf("birthday change %q", v.ID)
	case Erasure:
		return "member", fmt.Sprintf("erasure %q", v.ID)
	case Tick:
		return "member", "tick"
	}
	return "member", fmt.Sprintf("%T", e)
}

// builder makes the entries of one Apply, folding each into a working
// copy as it goes so that later decisions see earlier entries.
type builder struct {
	p      *Programme
	w      Account
	now    time.Time
	member customer.ID
	key    string
	fp     Fingerprint
	out    []Entry
	// judgeAt, when set, is the time of a late redemption: settle leaves
	// the expiry of the lots alive then (earned by judgeAt, expiring
	// after it) until after the redemption.
	judgeAt time.Time
}

func (b *builder) emit(e Entry) error {
	e.Seq = b.w.Version + 1
	e.Member = b.member
	e.Time = b.now
	if levels := b.p.cfg.Tiers.Levels; (e.Kind == EntryTier || e.Kind == EntryReview) && e.TierName == "" && e.To >= 0 && e.To < len(levels) {
		e.TierName = levels[e.To].Name // the tier's identity ([Entry].TierName)
	}
	if e.Key == "" {
		e.Key = fmt.Sprintf("%s:%d", e.Kind, e.Seq)
	}
	if err := b.w.fold(&e); err != nil {
		return err
	}
	b.out = append(b.out, e)
	return nil
}

// event stamps the event's own key and fingerprint on its main entry.
func (b *builder) event(e Entry) error {
	e.Key, e.Fingerprint = b.key, b.fp
	return b.emit(e)
}

func (p *Programme) expiry(t time.Time) time.Time {
	if p.cfg.ExpiryMonths == 0 {
		return time.Time{}
	}
	return p.monthsFrom(t, p.cfg.ExpiryMonths)
}

func (p *Programme) multiTier() bool { return len(p.cfg.Tiers.Levels) > 1 }

// birthdayGift returns the programme's birthday gift plus that of tier
// level, or an error wrapping ErrOverflow when the sum does not fit.
func (p *Programme) birthdayGift(level int) (Points, error) {
	g := p.cfg.Earn.Birthday.Gift
	if level >= 0 && level < len(p.cfg.Tiers.Levels) {
		s, err := addPoints(g, p.cfg.Tiers.Levels[level].BirthdayGift)
		if err != nil {
			return 0, fmt.Errorf("loyalty: birthday gift of tier %s: %w", p.cfg.Tiers.Levels[level].Name, err)
		}
		g = s
	}
	return g, nil
}

// pointsValue returns the money paid by n points: n / rate, truncated to
// the currency's minor unit.
func (p *Programme) pointsValue(n Points) decimal.Decimal {
	d := p.cfg.Currency.Digits()
	return decimal.NewFromInt(int64(n)).DivRound(p.cfg.Redeem.PointsPerUnit, d+8).Truncate(d)
}

func (e Join) apply(b *builder) error {
	next := time.Time{}
	if b.p.multiTier() {
		next = b.p.reviewAfter(e.Time, e.Time)
	}
	return b.event(Entry{Kind: EntryJoin, Effective: e.Time, Birthday: e.Birthday, NextReview: next,
		TierName: b.p.cfg.Tiers.Levels[0].Name, Note: "joined the programme in tier " + b.p.cfg.Tiers.Levels[0].Name})
}

func (e BirthdayChanged) apply(b *builder) error {
	note := "birthday changed"
	if e.Birthday.IsZero() {
		note = "birthday withdrawn: birthday benefits end"
	}
	return b.event(Entry{Kind: EntryBirthday, Effective: e.Time, Birthday: e.Birthday, Note: note})
}

func (e Erasure) apply(b *builder) error {
	return b.event(Entry{Kind: EntryErase, Effective: e.Time, Note: "personal data erased: birthday benefits end"})
}

func (m Multiplier) matches(o customer.Order, l customer.Line) bool {
	in := func(list []string, v string) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	if !in(m.Categories, l.Category) || !in(m.Seasons, l.Season) {
		return false
	}
	if len(m.Channels) > 0 {
		ok := false
		for _, c := range m.Channels {
			ok = ok || c == o.Channel
		}
		if !ok {
			return false
		}
	}
	return (m.From.IsZero() || !o.Time.Before(m.From)) && (m.Until.IsZero() || o.Time.Before(m.Until))
}

// addFromZero returns sum + d, where first says that sum is still the
// decimal.Zero the sum started from. A first d with an exponent ≤ 0 is
// then the exact result, with the exponent Zero.Add(d) would have, and
// needs no arithmetic.
func addFromZero(sum, d decimal.Decimal, first bool) decimal.Decimal {
	if first && d.Exponent() <= 0 {
		return d
	}
	return sum.Add(d)
}

// Earning is the points an order would earn, line by line, with the
// multipliers used.
type Earning struct {
	Points Points
	// Lines hold each line's exact, unrounded share.
	Lines []LineRecord
	// Spend is the order's net amount paid.
	Spend decimal.Decimal
	// Multipliers name the multipliers applied to at least one line.
	Multipliers []string
	// BirthdayYear is the year whose birthday multiplier was used, or 0.
	BirthdayYear int
}

// Earn computes what order o earns for a member in tier level with the
// given birthday, whose birthday multiplier was last used in
// usedBirthdayYear, following the formula of [EarnConfig]. It changes
// nothing; [Programme.Apply] uses it for a [Purchase].
func (p *Programme) Earn(o customer.Order, level int, birthday customer.Birthday, usedBirthdayYear int) (Earning, error) {
	if err := p.usable(); err != nil {
		return Earning{}, err
	}
	if level < 0 || level >= len(p.cfg.Tiers.Levels) {
		return Earning{}, fmt.Errorf("loyalty: tier level %d out of range", level)
	}
	tier := p.cfg.Tiers.Levels[level]
	var out Earning
	names := map[string]bool{}
	bm := p.cfg.Earn.Birthday.Multiplier
	local := o.Time.In(p.Location())
	useBirthday := !bm.IsZero() && !bm.Equal(one) && !birthday.IsZero() &&
		local.Month() == birthday.Month && usedBirthdayYear != local.Year()
	birthdayName := "birthday month ×" + bm.String()
	if !tier.Multiplier.Equal(one) {
		names["tier "+tier.Name+" ×"+tier.Multiplier.String()] = true
	}
	total := decimal.Zero
	out.Spend = decimal.Zero
	raised := false // by the birthday multiplier, on some line
	for i, l := range o.Lines {
		if !sane(l.UnitPrice) || !sane(l.Discount) {
			return Earning{}, fmt.Errorf("loyalty: order %q line %d: price or discount too large or too precise", o.ID, i)
		}
		net := l.Net()
		f := tier.Multiplier
		for _, m := range p.cfg.Earn.Multipliers {
			if m.matches(o, l) {
				f = f.Mul(m.Factor)
				names[m.Name+" ×"+m.Factor.String()] = true
			}
		}
		// The birthday multiplier counts as used only on a line whose
		// points it changes: one with money paid (not a free gift or a
		// line discounted to nothing), where the cap leaves it something
		// to change.
		if c := p.cfg.Earn.MaxFactor; c.IsZero() {
			if useBirthday {
				f = f.Mul(bm)
				raised = raised || !net.IsZero()
			}
		} else {
			if useBirthday {
				if !net.IsZero() && !decimal.Min(f.Mul(bm), c).Equal(decimal.Min(f, c)) {
					raised = true
				}
				f = f.Mul(bm)
			}
			if f.GreaterThan(c) {
				f = c
				names["capped at ×"+c.String()] = true
			}
		}
		w := net.Mul(p.cfg.Earn.PointsPerUnit).Mul(f)
		total = addFromZero(total, w, i == 0)
		out.Spend = addFromZero(out.Spend, net, i == 0)
		out.Lines = append(out.Lines, LineRecord{LineID: l.ID, Quantity: l.Quantity, Net: net, Weight: w})
	}
	pts, err := pointsOf(total, p.cfg.Earn.Rounding)
	if err != nil {
		return Earning{}, fmt.Errorf("loyalty: order %q: %w", o.ID, err)
	}
	out.Points = pts
	// An order that earns nothing (paid wholly with points, say) leaves
	// the year's birthday multiplier for a later purchase.
	if useBirthday && raised && pts > 0 {
		out.BirthdayYear = local.Year()
		names[birthdayName] = true
	}
	for n := range names {
		out.Multipliers = append(out.Multipliers, n)
	}
	slices.Sort(out.Multipliers)
	return out, nil
}

func (e Purchase) apply(b *builder) error {
	o := e.Order
	w := &b.w
	// Orders may arrive out of time order: what matters is whether the
	// birthday multiplier of the order's own year was used.
	used := 0
	if y := o.Time.In(b.p.Location()).Year(); slices.Contains(w.birthdayMultYears, y) {
		used = y
	}
	// The tier is the one held at the order's time, so that an order
	// recorded late earns as it would have on time.
	earn, err := b.p.Earn(o, b.p.heldAt(w, o.Time), w.birthdayAt(o.Time), used)
	if err != nil {
		return err
	}
	lot := ""
	if earn.Points > 0 {
		lot = b.key
	}
	note := fmt.Sprintf("%d points for %s %s paid", earn.Points, o.Currency.Format(earn.Spend), o.Currency)
	if len(earn.Multipliers) > 0 {
		note += " (" + strings.Join(earn.Multipliers, ", ") + ")"
	}
	avail := o.Time.Add(time.Duration(b.p.cfg.PendingDays) * 24 * time.Hour)
	var codes []string
	for _, c := range e.Coupons {
		codes = append(codes, c.Code)
	}
	if len(codes) > 0 {
		note += "; coupons used: " + strings.Join(codes, ", ")
	}
	if err := b.event(Entry{Kind: EntryEarn, Effective: o.Time, Points: earn.Points, Lot: lot,
		AvailableAt: avail, ExpiresAt: b.p.expiry(o.Time), OrderID: o.ID, Lines: earn.Lines,
		Spend: earn.Spend, Qualifying: earn.Points, Year: earn.BirthdayYear, Note: note, Coupons: codes}); err != nil {
		return err
	}
	if lot != "" && !avail.After(o.Time) {
		if err := b.repay(lot, o.Time); err != nil {
			return err
		}
	}
	return b.upgrade(o.Time)
}

// upgrade moves the member up when the purchase of time at brings it to
// a higher tier, as [TierConfig] says: at the earliest of at — or the
// member's last tier change, when that is later — and the times of the
// purchases recorded already after it, up to b.now, at which the
// qualifying value (of the purchases dated up to then) reaches a higher
// tier's Min. Each upgrade restarts the review clock at its time, so a
// new tier is held for at least one review period and the reviews after
// it are counted from then (reviewAfter); an upgrade dated before the
// last review held takes the first date of its schedule after that
// review, so that no review is held twice.
func (b *builder) upgrade(at time.Time) error {
	if !b.p.multiTier() {
		return nil
	}
	w := &b.w
	top := len(b.p.cfg.Tiers.Levels) - 1
	if at.Before(w.LevelSince) {
		at = w.LevelSince
	}
	if at.After(b.now) {
		at = b.now
	}
	var err error
	try := func(t time.Time) bool {
		if q := b.p.qualifyingLevel(w, t); q > w.Level {
			from := t
			if w.reviewed.After(from) {
				from = w.reviewed
			}
			err = b.emit(Entry{Kind: EntryTier, Effective: t, From: w.Level, To: q,
				NextReview: b.p.reviewAfter(t, from),
				Note:       fmt.Sprintf("upgraded from %s to %s: qualifying %s", b.p.cfg.Tiers.Levels[w.Level].Name, b.p.cfg.Tiers.Levels[q].Name, b.p.Qualifying(*w, t))})
		}
		return err == nil && w.Level < top
	}
	if try(at) {
		qtimes(w.qual, at, b.now, try)
	}
	return err
}

// Qualifying returns the member's qualifying value at t (see
// [TierConfig]): the spend or points of purchases in (t − WindowMonths,
// t], less what was returned.
//
// A programme not compiled (nil or the zero value) returns zero.
func (p *Programme) Qualifying(a Account, t time.Time) decimal.Decimal {
	if p.usable() != nil {
		return decimal.Zero
	}
	return p.qualifying(&a, t)
}

func (p *Programme) qualifying(a *Account, t time.Time) decimal.Decimal {
	return p.qualifyingIn(a.qual, t)
}

// qualifyingIn is the qualifying value at t of the orders of treap q.
func (p *Programme) qualifyingIn(q *qnode, t time.Time) decimal.Decimal {
	from := p.monthsBefore(t, p.cfg.Tiers.WindowMonths)
	if !from.Before(t) {
		return decimal.Zero
	}
	// Two prefix sums of the order treap: (from, t] = (−∞, t] − (−∞, from].
	if p.cfg.Tiers.Basis == BasisPoints {
		return qpoints(q, t).sub(qpoints(q, from)).decimal()
	}
	upto, _ := qspend(q, t)
	before, any := qspend(q, from)
	if !any {
		return upto
	}
	return upto.Sub(before)
}

// QualifyingLevel returns the highest tier whose Min the member's
// qualifying value at t reaches. A programme not compiled (nil or the zero value) returns 0.
func (p *Programme) QualifyingLevel(a Account, t time.Time) int {
	if p.usable() != nil {
		return 0
	}
	return p.qualifyingLevel(&a, t)
}

func (p *Programme) qualifyingLevel(a *Account, t time.Time) int {
	if !p.multiTier() {
		return 0
	}
	v := p.qualifying(a, t)
	level := 0
	for i := range p.cfg.Tiers.Levels {
		if v.GreaterThanOrEqual(p.tierMin(i, v.Exponent())) {
			level = i
		}
	}
	return level
}

// checkLevel returns an error matching [customer.ErrInvalid] naming
// the field "account.level" when a's Level is negative, or beyond the
// programme's tiers without a tier entry of its ledger that moved the
// member there (an [Account] made by hand, not by [Replay]). A Level
// beyond the programme's tiers that the ledger reached, under a
// programme that had more tiers, is read from the tier's name, or
// without one as the top tier ([TierConfig].Levels).
func (p *Programme) checkLevel(a *Account) error {
	n := len(p.cfg.Tiers.Levels)
	if a.Level >= 0 && (a.Level < n || a.reachedLevel()) {
		return nil
	}
	var pr problems
	if a.Level < 0 {
		pr.add("account.level", customer.CodeRange, "is tier %d: tiers are numbered from 0", a.Level)
	} else {
		pr.add("account.level", customer.CodeRange, "is tier %d, programme %q has %d tiers (0 to %d) and no tier entry of the account moved the member there",
			a.Level, p.cfg.Name, n, n-1)
	}
	return pr.err(fmt.Sprintf("loyalty account of member %q", a.Member))
}

// tierMove says how the tier a ledger names stands in the programme
// ([Programme.place]).
type tierMove uint8

const (
	tierKept    tierMove = iota // the programme's tier at that index, of that name
	tierRenamed                 // the same tier, at another index or under another name
	tierDropped                 // a tier the programme no longer has
)

// place returns the tier of the programme that stands for tier level,
// named name ("" when unknown), of a's ledger, and how it stands
// ([TierConfig].Levels): the tier of that name, or listing it among its
// FormerNames, wherever it stands; for a name the programme does not
// have, the tier of a name the ledger recorded it renamed from
// (Account.renamedFrom), latest first: a programme older than the
// rename still reads the tier; for a name the programme no longer has
// otherwise, the tier now just below the position the dropped tier
// had, max(0, min(level, n) − 1) of n tiers, or the highest below that
// whose Min the member's qualifying value reached while it held the
// dropped tier, in the stretch span of its ledger (Account.heldSpan,
// Programme.reached); without a name, level itself, or the top tier,
// or the highest below it so reached, for a level above the
// programme's (dropped since the ledger named it); the lowest for a
// negative level.
func (p *Programme) place(a *Account, level int, name string, span int) (int, tierMove) {
	levels := p.cfg.Tiers.Levels
	n := len(levels)
	if level < 0 {
		return 0, tierKept // an Account made by hand
	}
	if name == "" {
		if level >= n {
			return p.reached(a, span, n-1), tierDropped
		}
		return max(0, level), tierKept
	}
	if i, ok := p.named(name); ok {
		if i == level && levels[i].Name == name {
			return i, tierKept
		}
		return i, tierRenamed
	}
	for _, former := range a.renamedFrom(name) {
		if i, ok := p.named(former); ok {
			return i, tierRenamed
		}
	}
	return p.reached(a, span, max(0, min(level, n)-1)), tierDropped
}

// reached returns the highest tier of the programme, tier below or
// lower, whose Min the member's qualifying value reached while it held
// the tier of stretch span of its ledger (Account.heldSpan), not while
// it held the same tier at another time: at the time it reached the
// tier and at the time of each purchase up to the next tier change (the
// ledger's last time, for the tier held); the lowest tier when none.
// The tier a member holds moves up at any purchase whose qualifying
// value reaches the next tier's Min, so the values the member had while
// it held a tier are below the Min of every tier above it: a tier whose
// Min is above all of them is one above the tier held, and a
// restructure that dropped the tier held moves no one there
// ([TierConfig].Levels).
func (p *Programme) reached(a *Account, span int, below int) int {
	if below <= 0 {
		return 0
	}
	from, to, last, known := a.heldSpan(span)
	best := p.qualifying(a, from)
	if known != nil {
		// As the change to the tier was judged: refunds recorded since
		// take nothing from what reached it.
		best = decimal.Max(best, p.qualifyingIn(known, from))
	}
	qtimes(a.qual, from, to, func(t time.Time) bool {
		if t.Before(to) || last {
			best = decimal.Max(best, p.qualifying(a, t))
		}
		return true
	})
	for below > 0 && !best.GreaterThanOrEqual(p.tierMin(below, best.Exponent())) {
		below--
	}
	return below
}

// named returns the tier of the programme called name, or else the
// one that lists name among its FormerNames, and whether there is one.
func (p *Programme) named(name string) (int, bool) {
	levels := p.cfg.Tiers.Levels
	if i := slices.IndexFunc(levels, func(l TierLevel) bool { return l.Name == name }); i >= 0 {
		return i, true
	}
	i := slices.IndexFunc(levels, func(l TierLevel) bool { return slices.Contains(l.FormerNames, name) })
	return i, i >= 0
}

// tierOf returns the tier of the programme that stands for tier level,
// named name, of a's ledger, held in its stretch span
// ([Programme.place]).
func (p *Programme) tierOf(a *Account, level int, name string, span int) int {
	i, _ := p.place(a, level, name, span)
	return i
}

// heldAt returns the programme's tier for the tier the member held at t
// ([Account.levelAt], read by tierOf).
func (p *Programme) heldAt(a *Account, t time.Time) int {
	level, name, span := a.levelAt(t)
	return p.tierOf(a, level, name, span)
}

// droppedTierPrefix begins the key of the tier entry that moves a
// member off a tier the programme no longer has to the tier it reads
// for it ([TierConfig].Levels); the entry's Seq follows it.
const droppedTierPrefix = "dropped-tier:"

// renamedTierPrefix begins the key of the tier entry that moves a
// member whose tier the programme renamed, or moved to another index,
// to that tier's index and name ([TierConfig].Levels); the entry's Seq
// follows it.
const renamedTierPrefix = "renamed-tier:"

// namedTierPrefix begins the key of the tier entry that names the tier
// held by a member whose ledger was written before tier names were
// recorded, written only by a programme that names ledgers
// ([TierConfig].NameLedgers): the programme's tier at the index the
// ledger holds, From and To both that index; the entry's Seq follows it.
const namedTierPrefix = "named-tier:"

// leaveDropped moves a member whose ledger names a tier the programme
// dropped, renamed or renumbered to the tier the programme reads for it
// ([Programme.place]), with the reason, effective from the ledger's
// last time (when the programme first reads it), keeping the review
// schedule and any grace under way. A member whose ledger names no tier
// (written before tier names were recorded) and holds one of the
// programme's tiers has that tier named the same way, when the
// programme names ledgers ([TierConfig].NameLedgers). It records
// nothing for a member whose tier stands where the ledger names it.
func (b *builder) leaveDropped() error {
	w := &b.w
	if w.Member == "" {
		return nil // nothing joined yet
	}
	levels := b.p.cfg.Tiers.Levels
	to, how := b.p.place(w, w.Level, w.levelName, len(w.tierChanges))
	if how == tierKept && (w.levelName != "" || !b.p.cfg.Tiers.NameLedgers) {
		return nil
	}
	at := w.AsOf
	if w.LevelSince.After(at) {
		at = w.LevelSince
	}
	e := Entry{Kind: EntryTier, Effective: at, From: w.Level, To: to, NextReview: w.NextReview, GraceUntil: w.GraceUntil}
	top := len(levels) - 1
	switch {
	case how == tierKept:
		e.Key = fmt.Sprintf("%s%d", namedTierPrefix, w.Version+1)
		e.Note = fmt.Sprintf("tier %d (since %s) is %q of the programme %q: the ledger names the tier held",
			w.Level, b.p.date(w.LevelSince), levels[to].Name, b.p.cfg.Name)
	case how == tierRenamed:
		e.Key = fmt.Sprintf("%s%d", renamedTierPrefix, w.Version+1)
		e.Note = fmt.Sprintf("tier %d %q (since %s) is tier %d %q of the programme %q: renamed or renumbered, the tier held",
			w.Level, w.levelName, b.p.date(w.LevelSince), to, levels[to].Name, b.p.cfg.Name)
	case w.levelName == "":
		e.Key = fmt.Sprintf("%s%d", droppedTierPrefix, w.Version+1)
		e.Note = fmt.Sprintf("tier %d (since %s) is not a tier of the programme: %q has %d tiers (0 to %d); moved to its top tier, %s",
			w.Level, b.p.date(w.LevelSince), b.p.cfg.Name, top+1, top, levels[top].Name)
		if to < top {
			e.Note = fmt.Sprintf("tier %d (since %s) is not a tier of the programme: %q has %d tiers (0 to %d); moved to %s, %s",
				w.Level, b.p.date(w.LevelSince), b.p.cfg.Name, top+1, top, levels[to].Name, notReached(levels, to, top))
		}
	default:
		e.Key = fmt.Sprintf("%s%d", droppedTierPrefix, w.Version+1)
		e.Note = fmt.Sprintf("tier %d %q (since %s) is not a tier of the programme: %q has %d tiers (0 to %d) and dropped it; moved to the tier below it, %s",
			w.Level, w.levelName, b.p.date(w.LevelSince), b.p.cfg.Name, top+1, top, levels[to].Name)
		if pos := max(0, min(w.Level, top+1)-1); to < pos {
			e.Note = fmt.Sprintf("tier %d %q (since %s) is not a tier of the programme: %q has %d tiers (0 to %d) and dropped it; moved to %s, %s",
				w.Level, w.levelName, b.p.date(w.LevelSince), b.p.cfg.Name, top+1, top, levels[to].Name, notReached(levels, to, pos))
		}
	}
	return b.emit(e)
}

// notReached says why the move off a dropped tier went to tier to, not
// to tier pos at the dropped tier's position: the member's qualifying
// value never reached pos's Min while it held the dropped tier.
func notReached(levels []TierLevel, to, pos int) string {
	return fmt.Sprintf("the highest tier below the position it had whose min its qualifying value reached while it held it (not %s's %s)",
		levels[pos].Name, levels[pos].Min.String())
}

// repay settles debt from a lot that just became available.
func (b *builder) repay(lot string, at time.Time) error {
	w := &b.w
	if w.Debt == 0 {
		return nil
	}
	i := w.lotIndex(lot)
	if i < 0 || w.lots[i].Pending {
		return nil
	}
	x := min(w.Debt, w.lots[i].Remaining)
	return b.emit(Entry{Kind: EntryRepay, Effective: at, Parts: []LotPart{{Lot: lot, Points: x}}, Debt: -x,
		Note: fmt.Sprintf("%d points settle debt", x)})
}

// draw takes n points from the lots, first the lot named first (if any),
// then available lots nearest expiry first, then, when withPending,
// pending lots nearest expiry first. It returns the parts and what it
// could not take.
func (w *Account) draw(n Points, first string, withPending bool) ([]LotPart, Points) {
	var parts []LotPart
	take := func(l *Lot) {
		if n == 0 || l.Remaining == 0 {
			return
		}
		x := min(n, l.Remaining)
		parts = append(parts, LotPart{Lot: l.ID, Points: x})
		n -= x
	}
	if i := w.lotIndex(first); first != "" && i >= 0 {
		take(w.lots[i])
	}
	for _, pending := range []bool{false, true} {
		if pending && !withPending {
			break
		}
		for _, l := range w.lots {
			if l.Pending == pending && l.ID != first {
				take(l)
			}
		}
	}
	return parts, n
}

func sumParts(parts []LotPart) Points {
	var s Points
	for _, p := range parts {
		s += p.Points // bounded by the lots' sum, which fits
	}
	return s
}

func (e Returned) apply(b *builder) error {
	r := e.Return
	w := &b.w
	o, _ := w.orders.get(r.OrderID)
	if r.Kind == customer.Exchange {
		// No money moves: the replacement is the same sale. The entry
		// records the event (and its key) but claws back nothing, keeps
		// the qualifying spend and leaves the units with the member, so a
		// later refund of the replacement claws back as usual.
		n := 0
		for _, rl := range r.Lines {
			n -= rl.Quantity
		}
		return b.event(Entry{Kind: EntryClawback, Effective: r.Time, OrderID: o.id, Spend: decimal.Zero,
			Note: fmt.Sprintf("exchange of %d units of order %q: no money moved, nothing clawed back", n, o.id)})
	}
	units := map[string]int{}
	for l, u := range o.units {
		units[l] = u
	}
	var lines []LineRecord
	cur := b.p.cfg.Currency
	for _, rl := range r.Lines {
		units[rl.LineID] += -rl.Quantity
	}
	// The spend refunded in all and each line's part of this refund are
	// the cumulative shares of customer.RefundShare, as the customer's
	// summary pays them: a line's parts add up to its net however its
	// units come back.
	retWeight, totalWeight, retSpend := decimal.Zero, decimal.Zero, decimal.Zero
	for _, l := range o.lines {
		totalWeight = totalWeight.Add(l.Weight)
		u := units[l.LineID]
		if u == 0 {
			continue
		}
		q := decimal.NewFromInt(int64(l.Quantity))
		uu := decimal.NewFromInt(int64(u))
		retWeight = retWeight.Add(l.Weight.Mul(uu).DivRound(q, 16))
		spent, err := customer.RefundShare(l.Net, 0, u, l.Quantity, cur)
		if err != nil {
			return fmt.Errorf("loyalty: return %q, line %q: %w", r.ID, l.LineID, err)
		}
		retSpend = retSpend.Add(spent)
	}
	for _, rl := range r.Lines {
		for _, l := range o.lines {
			if l.LineID == rl.LineID {
				net, err := customer.RefundShare(l.Net, o.units[l.LineID], -rl.Quantity, l.Quantity, cur)
				if err != nil {
					return fmt.Errorf("loyalty: return %q, line %q: %w", r.ID, l.LineID, err)
				}
				lines = append(lines, LineRecord{LineID: l.LineID, Quantity: -rl.Quantity, Net: net})
			}
		}
	}
	// The points that paid for the refunded goods come back first, so
	// that the claw-back below can draw on those still alive.
	var restored []string
	if rr, ok := w.redeemed.get(o.id); ok {
		target := o.restoreTarget(rr.points, units)
		if give := target - rr.restored; give > 0 {
			var err error
			if restored, err = b.restore(r.ID, o.id, r.Time, rr, give, "for the goods refunded"); err != nil {
				return err
			}
		}
	}
	target := o.clawTarget(retWeight, totalWeight, retSpend, o.reduced)
	delta := max(target-o.clawed, 0)
	spendDelta := retSpend.Sub(o.returned)
	if spendDelta.Sign() < 0 {
		spendDelta = decimal.Zero
	}
	entry := b.takeBack(o, delta, fmt.Sprintf("%d of the %d points of order %q clawed back for %s returned", delta, o.points, o.id, cur.Format(spendDelta)))
	entry.Kind, entry.Effective, entry.Lines, entry.Spend = EntryClawback, r.Time, lines, spendDelta.Neg()
	// The refund that brings back the order's last unit gives back the
	// uses of the coupons it used: the order no longer stands.
	whole := (&orderRecord{lines: o.lines, units: units}).refunded()
	if len(o.coupons) > 0 && !o.couponsBack && whole {
		entry.Coupons = slices.Clone(o.coupons)
		entry.Note += "; uses given back of coupons " + strings.Join(o.coupons, ", ")
	}
	// It gives back the birthday multiplier the order used too: the
	// next purchase of the birthday month that year earns it. Once the
	// birthday is erased no purchase can use it, and none is given back.
	if o.birthdayYear != 0 && !o.birthdayBack && whole && w.Erased.IsZero() && slices.Contains(w.birthdayMultYears, o.birthdayYear) {
		entry.Year = o.birthdayYear
		entry.Note += fmt.Sprintf("; birthday multiplier of %d given back", o.birthdayYear)
	}
	if err := b.event(entry); err != nil {
		return err
	}
	if err := b.revoke(r, o.id); err != nil {
		return err
	}
	// What the claw-back left of the points given back settles debt,
	// nearest expiry first.
	for _, lot := range slices.Backward(restored) {
		if err := b.repay(lot, r.Time); err != nil {
			return err
		}
	}
	return nil
}

// revokePrefix begins the key of the tier entry by which a refund takes
// back a tier reached shortly before it ([TierConfig].RevokeDays); the
// return's ID follows it.
const revokePrefix = "revoke:"

// revoke moves the member down after the claw-back of refund r of order,
// when [TierConfig].RevokeDays says so: at s, the latest of the refund's
// time, the last tier change and the last review held, to the higher of
// the tier the qualifying value at s reaches and the lowest tier held
// since RevokeDays × 24 h before the refund's time, when that is below
// the tier held, with the review schedule revokedSchedule restores.
func (b *builder) revoke(r customer.Return, order string) error {
	t := b.p.cfg.Tiers
	if t.RevokeDays == 0 || !b.p.multiTier() {
		return nil
	}
	w := &b.w
	at := r.Time
	for _, x := range []time.Time{w.LevelSince, w.reviewed} {
		if x.After(at) {
			at = x
		}
	}
	since := r.Time.Add(-time.Duration(t.RevokeDays) * 24 * time.Hour)
	floor := w.lowestSince(since, func(level int, name string, span int) int { return b.p.tierOf(w, level, name, span) })
	q := b.p.qualifyingLevel(w, at)
	to := max(q, floor)
	if to >= w.Level {
		return nil
	}
	name := func(i int) string { return t.Levels[i].Name }
	note := fmt.Sprintf("refund %q of order %q: %s revoked, reached %s, within %d days; qualifying %s below %s",
		r.ID, order, name(w.Level), b.p.date(w.LevelSince), t.RevokeDays, b.p.Qualifying(*w, at), t.Levels[w.Level].Min)
	if to == floor && floor > q {
		note += fmt.Sprintf("; moved down to %s, the tier held before", name(to))
	} else {
		note += fmt.Sprintf("; moved down to %s", name(to))
	}
	next, grace := w.NextReview, w.GraceUntil
	if n, g, _, ok := w.revokedSchedule(to, name(to), at); ok {
		next, grace = n, g
		note += fmt.Sprintf("; review schedule of %s restored, next review %s", name(to), b.p.date(next))
		if !grace.IsZero() {
			note += ", grace until " + b.p.date(grace)
		}
	}
	return b.emit(Entry{Kind: EntryTier, Key: revokePrefix + r.ID, Effective: at, From: w.Level, To: to, OrderID: order,
		NextReview: next, GraceUntil: grace, Note: note})
}

// restore gives back give points of those redeemed for order (rr), for
// the goods that return id refunded, as of time at, keeping the expiry of
// the points they replace (see [Returned]): one [EntryRestore] per
// expiry, latest expiry first, keyed "restore:" + id, "restore-2:" + id,
// "restore-3:" + id … (the first keys not in the ledger yet: a
// redemption recorded after the refund gives back after the refund's
// own entries, see [Redemption]). Points whose expiry is not after at
// are given back expired: their lot expires at at and its [EntryExpire]
// follows at once, so they neither absorb a claw-back nor settle debt.
// why completes each entry's note. It returns the lots given back alive,
// latest expiry first.
func (b *builder) restore(id, order string, at time.Time, rr redemptionRecord, give Points, why string) ([]string, error) {
	var alive []string
	k := 0
	for _, s := range rr.restoreShares(give) {
		lot := ""
		for lot == "" || b.w.HasKey(lot) {
			if k++; k == 1 {
				lot = "restore:" + id
			} else {
				lot = fmt.Sprintf("restore-%d:%s", k, id)
			}
		}
		note := fmt.Sprintf("%d of the %d points paid on order %q given back %s", s.points, rr.points, order, why)
		expires, dead := s.expires, !s.expires.IsZero() && !s.expires.After(at)
		switch {
		case dead:
			expires = at
			note += fmt.Sprintf(", expired: the points they replace expired %s", b.p.date(s.expires))
		case !expires.IsZero():
			note += fmt.Sprintf(", expiring %s as the points they replace", b.p.date(expires))
		}
		if err := b.emit(Entry{Kind: EntryRestore, Key: lot, Effective: at, Points: s.points, Lot: lot,
			AvailableAt: at, ExpiresAt: expires, OrderID: order, Note: note}); err != nil {
			return nil, err
		}
		if !dead {
			alive = append(alive, lot)
			continue
		}
		if err := b.expire(lot, at, fmt.Sprintf("%d points given back expired at once: the points they replace expired %s",
			s.points, b.p.date(s.expires))); err != nil {
			return nil, err
		}
	}
	return alive, nil
}

// restoreRefunded gives back, when redemption e pays for an order whose
// refunds are in the ledger already (a till that synced late, a refund
// that went through at once), what those refunds would have given back
// had e been recorded before them: refund by refund, in the order they
// were recorded, what the cumulative target of restoreTarget for the
// units refunded so far adds to the points given back already, as of the
// refund's time (e's Time, when later), with the keys, expiries and
// settling of debt of a refund's own give-back. A refund recorded after
// e gives back only the rest, as restoreTarget's target is cumulative.
// An order the ledger does not know has no refunds: nothing comes back.
func (b *builder) restoreRefunded(e Redemption) error {
	if e.Order == "" {
		return nil
	}
	o, ok := b.w.orders.get(e.Order)
	if !ok || len(o.refunds) == 0 {
		return nil
	}
	units := map[string]int{}
	for _, r := range o.refunds {
		for _, l := range r.lines {
			units[l.LineID] += l.Quantity
		}
		rr, _ := b.w.redeemed.get(e.Order)
		give := o.restoreTarget(rr.points, units) - rr.restored
		if give <= 0 {
			continue
		}
		at := r.at
		if at.Before(e.Time) {
			at = e.Time
		}
		alive, err := b.restore(r.id, e.Order, at, rr, give,
			fmt.Sprintf("for the goods return %q refunded before redemption %q was recorded", r.id, e.ID))
		if err != nil {
			return err
		}
		// As after a refund's claw-back: what is alive settles debt,
		// nearest expiry first.
		for _, lot := range slices.Backward(alive) {
			if err := b.repay(lot, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// expiryNote says in words what expired of lot l: points earned on a
// date; points given back by a refund ([EntryRestore]), which keep the
// expiry of the points they replace, on the date given back; points put
// back for a redemption recorded late ([EntryReopen]).
func (p *Programme) expiryNote(l *Lot) string {
	switch {
	case strings.HasPrefix(l.ID, "restore:") || strings.HasPrefix(l.ID, "restore-"):
		return fmt.Sprintf("%d points given back %s for refunded goods of order %q expired, as the points they replace", l.Remaining, p.date(l.EarnedAt), l.OrderID)
	case strings.HasPrefix(l.ID, "reopen:") || strings.HasPrefix(l.ID, "reopen-"):
		return fmt.Sprintf("%d points put back %s for a redemption recorded late expired again", l.Remaining, p.date(l.EarnedAt))
	}
	return fmt.Sprintf("%d points earned %s expired", l.Remaining, p.date(l.EarnedAt))
}

// expire emits the expiry of what is left of lot at time at.
func (b *builder) expire(lot string, at time.Time, note string) error {
	l := b.w.lots[b.w.lotIndex(lot)]
	return b.emit(Entry{Kind: EntryExpire, Key: "expire:" + lot, Effective: at, Points: -l.Remaining,
		Parts: []LotPart{{Lot: lot, Points: l.Remaining}}, Note: note})
}

// restoreTarget returns the cumulative target of the points given back
// to order o, for which redeemed points were paid, when units of it (by
// line) came back by refunds, rounded half up as the claw-back is:
//
//	redeemed × min(1, retNet ÷ totalNet)
//
// where retNet is the units' exact share of the lines' net (net × units
// ÷ quantity, line by line) and totalNet the order's net. The points
// paid for the goods as money did, by price: earn multipliers weigh what
// a line earns, not what it cost, so a refund of the double-points line
// of an order gives back its share of the points paid, not more. An
// order paid wholly with points has no net (it paid no money); its
// points then come back by the units refunded, retUnits of totalUnits.
// The target only grows as units come back and is all the points once
// every unit is back, so what is given back adds up to the points paid
// and never more.
func (o *orderRecord) restoreTarget(redeemed Points, units map[string]int) Points {
	retNet, totalNet := decimal.Zero, decimal.Zero
	var retUnits, totalUnits int64
	for _, l := range o.lines {
		totalNet = totalNet.Add(l.Net)
		totalUnits += int64(l.Quantity)
		u := units[l.LineID]
		retUnits += int64(u)
		if u != 0 {
			retNet = retNet.Add(l.Net.Mul(decimal.NewFromInt(int64(u))).DivRound(decimal.NewFromInt(int64(l.Quantity)), 16))
		}
	}
	switch {
	case redeemed <= 0 || retUnits <= 0 || totalUnits <= 0:
		return 0
	case retUnits >= totalUnits:
		return redeemed
	}
	pts := decimal.NewFromInt(int64(redeemed))
	var t decimal.Decimal
	if totalNet.Sign() > 0 {
		t = pts.Mul(retNet).DivRound(totalNet, 16)
	} else {
		t = pts.Mul(decimal.NewFromInt(retUnits)).DivRound(decimal.NewFromInt(totalUnits), 16)
	}
	t = t.Round(0)
	if t.GreaterThanOrEqual(pts) {
		return redeemed
	}
	return Points(t.IntPart())
}

// takeBack returns the entry that takes delta points of order o back:
// from the order's lot, then, of what the lot no longer holds, the points
// that expired from it are written off first (in Forgiven: expiry took
// them already), and the rest, spent, from the other lots, with what is
// missing recorded as debt or written off as the debt policy says; note
// is completed to say so. The caller sets the kind, times, lines and
// spend.
func (b *builder) takeBack(o *orderRecord, delta Points, note string) Entry {
	// What the order's own lot no longer holds was spent or expired; the
	// points that expired are gone already and are not taken again.
	var held Points
	if i := b.w.lotIndex(o.lot); o.lot != "" && i >= 0 {
		held = b.w.lots[i].Remaining
	}
	covered := o.clawed - o.lotClawed // what claw-backs covered beyond the lot
	beyond := delta - min(delta, held)
	lapsed := min(o.expired, covered+beyond) - min(o.expired, covered)
	parts, rest := b.w.draw(delta-lapsed, o.lot, true)
	taken := sumParts(parts)
	var debt, forgiven Points
	if b.p.cfg.DebtPolicy == DebtRecord {
		debt = rest
	} else {
		forgiven = rest
	}
	if debt > 0 {
		note += fmt.Sprintf("; %d already spent, recorded as debt", debt)
	}
	if forgiven > 0 {
		note += fmt.Sprintf("; %d already spent, written off (cap at zero)", forgiven)
	}
	if lapsed > 0 {
		note += fmt.Sprintf("; %d had expired, not taken again", lapsed)
	}
	return Entry{Points: -(taken + debt), Parts: parts, Debt: debt, Forgiven: forgiven + lapsed, OrderID: o.id,
		Qualifying: -delta, Note: note}
}

// clawTarget returns the cumulative target of o's claw-backs when units
// of weight retWeight (of the order's totalWeight) came back, refunds
// paid back retNet of its spend and price reductions gave back reduced,
// rounded half up:
//
//	points × (1 − kept weight ÷ total weight × kept spend ÷ kept net)
//
// where kept weight is totalWeight − retWeight, kept net what the units
// kept cost (spend − retNet) and kept spend what the member still pays
// for them (kept net − reduced, never below zero): the member keeps the
// points of the units it keeps, in the share of their price it still
// pays. Without multipliers (weights in proportion to the nets) this is
// points × (retNet + reduced) ÷ spend. It depends on what came back and
// what was given back so far, not on their order; it only grows as
// units come back and money is given back, and reaches the order's
// points exactly when everything is returned or the whole price given
// back (by refunds and reductions together), so the claw-backs of an
// order never add up to more than it earned.
func (o *orderRecord) clawTarget(retWeight, totalWeight, retNet, reduced decimal.Decimal) Points {
	if o.points <= 0 {
		return 0
	}
	keptNet := o.spend.Sub(retNet)
	keptWeight := totalWeight.Sub(retWeight)
	if totalWeight.Sign() <= 0 {
		// Lines recorded without weights: the nets weigh the points.
		totalWeight, keptWeight = o.spend, keptNet
	}
	if keptNet.Sign() <= 0 || totalWeight.Sign() <= 0 || keptWeight.Sign() <= 0 {
		return o.points
	}
	keptSpend := decimal.Max(keptNet.Sub(reduced), decimal.Zero)
	pts := decimal.NewFromInt(int64(o.points))
	kept := pts.Mul(keptWeight).Mul(keptSpend).DivRound(totalWeight.Mul(keptNet), 16)
	t := pts.Sub(kept).Round(0)
	if t.GreaterThanOrEqual(pts) {
		return o.points
	}
	if t.Sign() <= 0 {
		return 0
	}
	return Points(t.IntPart())
}

// returnedWeight returns the points weight of the units of o returned so
// far, and the weight of all its lines.
func (o *orderRecord) returnedWeight() (ret, total decimal.Decimal) {
	ret, total = decimal.Zero, decimal.Zero
	for _, l := range o.lines {
		total = total.Add(l.Weight)
		if u := o.units[l.LineID]; u != 0 {
			ret = ret.Add(l.Weight.Mul(decimal.NewFromInt(int64(u))).DivRound(decimal.NewFromInt(int64(l.Quantity)), 16))
		}
	}
	return ret, total
}

func (e Credited) apply(b *builder) error {
	c := e.Credit
	w := &b.w
	cur := b.p.cfg.Currency
	if c.Kind != customer.PriceReduction {
		// Goodwill moves no points. The order is named only when it
		// earned in this ledger.
		order := ""
		if _, ok := w.orders.get(c.OrderID); ok {
			order = c.OrderID
		}
		return b.event(Entry{Kind: EntryReduction, Effective: c.Time, OrderID: order, Spend: decimal.Zero,
			Note: fmt.Sprintf("%s of %s: goodwill, no points taken back", c.Kind, cur.Format(c.Amount.Amount()))})
	}
	o, _ := w.orders.get(c.OrderID)
	amount := c.Amount.Amount()
	reduced := o.reduced.Add(amount)
	retWeight, totalWeight := o.returnedWeight()
	target := o.clawTarget(retWeight, totalWeight, o.returned, reduced)
	delta := max(target-o.clawed, 0)
	entry := b.takeBack(o, delta, fmt.Sprintf("%d of the %d points of order %q taken back for a price reduction of %s", delta, o.points, o.id, cur.Format(amount)))
	entry.Kind, entry.Effective, entry.Spend = EntryReduction, c.Time, amount.Neg()
	return b.event(entry)
}

func (e Redemption) apply(b *builder) error {
	w := &b.w
	// The points that the order it pays for earned at its time or after
	// (its own lot) do not pay for it: paid points come first.
	own := w.ownLot(e.Order, e.Time)
	late := b.p.judgedLate(e.Time, b.now)
	avail, lapsed := w.spendable(e.Time, late, own)
	if avail < e.Points {
		return &InsufficientError{Member: w.Member, Record: fmt.Sprintf("redemption %q", e.ID), Requested: e.Points, Available: avail}
	}
	need := e.Points
	for i, x := range lapsed {
		put := min(need, x.points)
		if put == 0 {
			break
		}
		need -= put
		lot := "reopen:" + e.ID
		if i > 0 {
			lot = fmt.Sprintf("reopen-%d:%s", i+1, e.ID)
		}
		if err := b.emit(Entry{Kind: EntryReopen, Key: lot, Effective: e.Time, Points: put, Lot: lot,
			AvailableAt: e.Time, ExpiresAt: x.expires, Parts: []LotPart{{Lot: x.id, Points: put}},
			Note: fmt.Sprintf("%d points that expired %s put back for redemption %q of %s, recorded late", put, b.p.date(x.expires), e.ID, b.p.date(e.Time))}); err != nil {
			return err
		}
	}
	parts := w.drawAt(e.Points, e.Time, late, own)
	note := fmt.Sprintf("%d points redeemed for %s %s", e.Points, b.p.cfg.Currency.Format(b.p.pointsValue(e.Points)), b.p.cfg.Currency)
	if e.Order != "" {
		note += fmt.Sprintf(" paid on order %q", e.Order)
	}
	if code, ok := giftOf(e.ID); ok && b.p.gift(code) >= 0 {
		note = fmt.Sprintf("%d points redeemed for gift %q (%s)", e.Points, code, b.p.cfg.Gifts[b.p.gift(code)].Name)
	}
	if err := b.event(Entry{Kind: EntryRedeem, Effective: e.Time, Points: -e.Points, Parts: parts, OrderID: e.Order, Note: note}); err != nil {
		return err
	}
	return b.restoreRefunded(e)
}

// ownLot returns the ID of the lot that order earned when the order is
// dated t or later, "" otherwise (no order, one the ledger does not
// know, or one dated before t): the points a redemption of time t
// paying for the order may not spend. Paid points come first, as
// [Quote.Checkout] records them, so the points of an order dated with
// its redemption did not exist when the redemption took place.
func (w *Account) ownLot(order string, t time.Time) string {
	if o, ok := w.orders.get(order); ok && order != "" && !o.time.Before(t) {
		return o.lot
	}
	return ""
}

// spendable returns the points a redemption of time t may spend, on
// an account brought up to the time it is recorded, and, when it is
// judged late (late), the expired lots it may put back and spend first
// ([Account.reopenable]): the available points but those of lot own,
// and those of the lots put back but own's. The sum saturates at
// MaxPoints, more than any redemption asks.
func (w *Account) spendable(t time.Time, late bool, own string) (Points, []lapsedLot) {
	avail := w.Available
	if i := w.lotIndex(own); own != "" && i >= 0 && !w.lots[i].Pending {
		avail -= w.lots[i].Remaining // part of Available: no underflow
	}
	if !late {
		return avail, nil
	}
	lapsed := slices.DeleteFunc(w.reopenable(t), func(x lapsedLot) bool { return own != "" && x.id == own })
	for _, x := range lapsed {
		if avail += x.points; avail < 0 {
			avail = MaxPoints
		}
	}
	return avail, lapsed
}

// drawAt takes n available points for a redemption of time t, never
// from lot own (the lot of the order it pays for, "" if none). Judged
// late (late), first from the lots it could spend at t (earned and
// available by t, expiring after it: the points put back for it among
// them), nearest expiry first, then from the lots earned or released
// since, nearest expiry first: judged at its time, a redemption draws
// what it would have drawn had it been recorded then, whatever was
// recorded in between (points given back by a refund since, say, that
// expire sooner). Recorded on time, from the available lots nearest
// expiry first. It returns the parts; the caller checks that n points
// are available ([Account.spendable]).
func (w *Account) drawAt(n Points, t time.Time, late bool, own string) []LotPart {
	var parts []LotPart
	for _, then := range []bool{true, false} {
		for _, l := range w.lots {
			if n == 0 {
				return parts
			}
			if l.Pending || l.Remaining == 0 || (own != "" && l.ID == own) || (late && l.spendableAt(t) != then) || (!late && !then) {
				continue
			}
			x := min(n, l.Remaining)
			parts = append(parts, LotPart{Lot: l.ID, Points: x})
			n -= x
		}
	}
	return parts
}

// spendableAt reports whether a redemption at t could spend the lot's
// points: earned and available by t, not expired at t.
func (l *Lot) spendableAt(t time.Time) bool {
	return !l.EarnedAt.After(t) && !l.AvailableAt.After(t) && (l.ExpiresAt.IsZero() || l.ExpiresAt.After(t))
}

// reopenable returns the lapsed lots a redemption of time t may spend,
// in the order it spends them (nearest expiry first), each with the
// points it may put back: lots earned by t that expired after t, less,
// for an order's own lot, the expired points that a claw-back already
// left alone because they had expired (see takeBack).
func (w *Account) reopenable(t time.Time) []lapsedLot {
	var out []lapsedLot
	for _, x := range w.lapsed {
		if !x.expires.After(t) || x.earned.After(t) {
			continue
		}
		if o, ok := w.orders.get(x.order); ok && x.order != "" {
			x.points = min(x.points, max(o.expired-(o.clawed-o.lotClawed), 0))
		}
		if x.points > 0 {
			out = append(out, x)
		}
	}
	return out
}

func (e Adjustment) apply(b *builder) error {
	w := &b.w
	if e.Points > 0 {
		// Available and pending add up within MaxPoints (fold checks it).
		if held := w.Available + w.Pending; e.Points > MaxPoints-held {
			return fmt.Errorf("loyalty: adjustment %q of member %q: points: %d more than the %d the ledger can still hold (%d held, at most %d): %w",
				e.ID, w.Member, e.Points, MaxPoints-held, held, MaxPoints, ErrOverflow)
		}
		if err := b.event(Entry{Kind: EntryAdjust, Effective: e.Time, Points: e.Points, Lot: b.key,
			AvailableAt: e.Time, ExpiresAt: b.p.expiry(e.Time), Reason: e.Reason, Operator: e.Operator,
			Note: fmt.Sprintf("%d points added by %s: %s", e.Points, e.Operator, e.Reason)}); err != nil {
			return err
		}
		return b.repay(b.key, e.Time)
	}
	n := -e.Points
	if n < 0 || w.Available < n {
		return &InsufficientError{Member: w.Member, Record: fmt.Sprintf("adjustment %q", e.ID), Requested: n, Available: w.Available}
	}
	parts, _ := w.draw(n, "", false)
	return b.event(Entry{Kind: EntryAdjust, Effective: e.Time, Points: e.Points, Parts: parts,
		Reason: e.Reason, Operator: e.Operator,
		Note: fmt.Sprintf("%d points removed by %s: %s", n, e.Operator, e.Reason)})
}

func (b *builder) bonus(kind BonusKind, pts Points, at time.Time, year int, note string) error {
	if err := b.event(Entry{Kind: EntryBonus, Effective: at, Points: pts, Lot: b.key, AvailableAt: at,
		ExpiresAt: b.p.expiry(at), Bonus: kind, Year: year, Note: note}); err != nil {
		return err
	}
	return b.repay(b.key, at)
}

func (e ProfileCompleted) apply(b *builder) error {
	return b.bonus(BonusProfile, b.p.cfg.Earn.ProfileBonus, e.Time, 0,
		fmt.Sprintf("%d points for completing the profile", b.p.cfg.Earn.ProfileBonus))
}

func (e SurveyAnswered) apply(b *builder) error {
	return b.bonus(BonusSurvey, b.p.cfg.Earn.SurveyBonus, e.Time, 0,
		fmt.Sprintf("%d points for answering survey %q", b.p.cfg.Earn.SurveyBonus, e.SurveyID))
}

func (e BirthdayClaim) apply(b *builder) error {
	level := b.p.heldAt(&b.w, e.Time)
	g, err := b.p.birthdayGift(level)
	if err != nil {
		return err
	}
	if g == 0 {
		return fmt.Errorf("%w: birthday gift of member %q", ErrNoBenefit, e.Member)
	}
	year := e.Time.In(b.p.Location()).Year()
	return b.bonus(BonusBirthday, g, e.Time, year,
		fmt.Sprintf("%d points birthday gift %d (tier %s)", g, year, b.p.cfg.Tiers.Levels[level].Name))
}

func (Tick) apply(*builder) error { return nil }

// due kinds, in the order they run when due at the same instant.
const (
	dueRelease = iota
	dueExpire
	dueReview
	dueGrace
)

// settle runs everything due at or before now, earliest first.
func (b *builder) settle() error {
	if err := b.leaveDropped(); err != nil {
		return err
	}
	for {
		w := &b.w
		at, kind, lot := time.Time{}, -1, ""
		consider := func(t time.Time, k int, id string) {
			if t.IsZero() || t.After(b.now) {
				return
			}
			if kind < 0 || t.Before(at) || (t.Equal(at) && k < kind) {
				at, kind, lot = t, k, id
			}
		}
		for _, l := range w.lots {
			if l.Pending {
				consider(l.AvailableAt, dueRelease, l.ID)
			}
			if !b.judgeAt.IsZero() && !l.EarnedAt.After(b.judgeAt) && l.ExpiresAt.After(b.judgeAt) {
				continue // alive at the late redemption's time: expires after it
			}
			consider(l.ExpiresAt, dueExpire, l.ID)
		}
		if b.p.multiTier() {
			consider(w.NextReview, dueReview, "")
			consider(w.GraceUntil, dueGrace, "")
		}
		var err error
		switch kind {
		case -1:
			return nil
		case dueRelease:
			l := w.lots[w.lotIndex(lot)]
			err = b.emit(Entry{Kind: EntryRelease, Key: "release:" + lot, Effective: at,
				Parts: []LotPart{{Lot: lot, Points: l.Remaining}},
				Note:  fmt.Sprintf("%d points available: the return window ended", l.Remaining)})
			if err == nil {
				err = b.repay(lot, at)
			}
		case dueExpire:
			l := w.lots[w.lotIndex(lot)]
			err = b.expire(lot, at, b.p.expiryNote(l))
		case dueReview:
			err = b.review(at)
		case dueGrace:
			err = b.graceEnd(at)
		}
		if err != nil {
			return err
		}
	}
}

// review holds the periodic review due at at. The next review is the
// first date of the member's review schedule after at, counted from the
// start of the review clock, so that a review moved to the end of a
// shorter month does not move the ones after it, and a review date
// recorded by an earlier rule is followed by the schedule's next date.
func (b *builder) review(at time.Time) error {
	w := &b.w
	t := b.p.cfg.Tiers
	q := b.p.qualifyingLevel(w, at)
	clock := w.reviewClock
	if clock.IsZero() {
		clock = at
	}
	next := b.p.reviewAfter(clock, at)
	name := func(i int) string { return t.Levels[i].Name }
	v := b.p.Qualifying(*w, at)
	switch {
	case q > w.Level:
		return b.emit(Entry{Kind: EntryTier, Effective: at, From: w.Level, To: q, NextReview: next,
			Note: fmt.Sprintf("review: upgraded from %s to %s, qualifying %s", name(w.Level), name(q), v)})
	case q == w.Level:
		return b.emit(Entry{Kind: EntryReview, Effective: at, From: w.Level, To: w.Level, NextReview: next,
			Note: fmt.Sprintf("review: %s kept, qualifying %s", name(q), v)})
	case t.GraceDays == 0:
		return b.emit(Entry{Kind: EntryTier, Effective: at, From: w.Level, To: q, NextReview: next,
			Note: fmt.Sprintf("review: downgraded from %s to %s, qualifying %s below %s", name(w.Level), name(q), v, t.Levels[w.Level].Min)})
	case !w.GraceUntil.IsZero() && !w.GraceUntil.After(at):
		// A grace that ends with the review (a revocation held both at
		// once, see [TierConfig]) is not given again.
		return b.emit(Entry{Kind: EntryTier, Effective: at, From: w.Level, To: q, NextReview: next,
			Note: fmt.Sprintf("review: downgraded from %s to %s, qualifying %s below %s; the grace ended %s", name(w.Level), name(q), v, t.Levels[w.Level].Min, b.p.date(w.GraceUntil))})
	default:
		grace := at.Add(time.Duration(t.GraceDays) * 24 * time.Hour)
		return b.emit(Entry{Kind: EntryReview, Effective: at, From: w.Level, To: w.Level, NextReview: next, GraceUntil: grace,
			Note: fmt.Sprintf("review: qualifying %s is below %s for %s; grace until %s", v, t.Levels[w.Level].Min, name(w.Level), b.p.date(grace))})
	}
}

func (b *builder) graceEnd(at time.Time) error {
	w := &b.w
	t := b.p.cfg.Tiers
	q := b.p.qualifyingLevel(w, at)
	v := b.p.Qualifying(*w, at)
	if q < w.Level {
		return b.emit(Entry{Kind: EntryTier, Effective: at, From: w.Level, To: q, NextReview: w.NextReview,
			Note: fmt.Sprintf("grace ended: downgraded from %s to %s, qualifying %s", t.Levels[w.Level].Name, t.Levels[q].Name, v)})
	}
	return b.emit(Entry{Kind: EntryReview, Effective: at, From: w.Level, To: w.Level, NextReview: w.NextReview,
		Note: fmt.Sprintf("grace ended: %s kept, qualifying %s", t.Levels[w.Level].Name, v)})
}
