package loyalty_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// modelLateDays is how late the model programme lets a redemption be
// recorded and still be judged at its own time.
const modelLateDays = 5

// modelProgramme is a programme whose rules the model below can follow
// on its own: one point per euro, two on knitwear, a 10-day return
// window, expiry after 3 months, redemptions judged at their own time
// when recorded up to 5 days late, tiers on spend over 2 months reviewed
// every 2 calendar months with 5 days of grace; gold earns double.
func modelProgramme(t testing.TB, policy loyalty.DebtPolicy) *loyalty.Programme {
	return modelProgrammeRevoking(t, policy, 0)
}

// modelProgrammeRevoking is modelProgramme with tiers that a refund
// within revokeDays of reaching them takes back ([loyalty.TierConfig]
// RevokeDays; 0 never).
func modelProgrammeRevoking(t testing.TB, policy loyalty.DebtPolicy, revokeDays int) *loyalty.Programme {
	p, err := loyalty.Compile(modelConfig(policy, revokeDays))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// modelConfig is the configuration of modelProgrammeRevoking.
func modelConfig(policy loyalty.DebtPolicy, revokeDays int) loyalty.Config {
	return loyalty.Config{
		Name: "model", Currency: "EUR",
		Earn: loyalty.EarnConfig{PointsPerUnit: dec("1"), Multipliers: []loyalty.Multiplier{
			{Name: "double points on knitwear", Factor: dec("2"), Categories: []string{"knitwear"}},
		}, Birthday: loyalty.BirthdayConfig{Gift: modelBirthdayGift}, SurveyBonus: modelSurveyBonus, ProfileBonus: modelProfileBonus},
		Redeem:       loyalty.RedeemConfig{PointsPerUnit: dec("100"), LateDays: modelLateDays},
		ExpiryMonths: 3, PendingDays: 10, DebtPolicy: policy,
		Gifts: []loyalty.Gift{{Code: modelGift, Name: "scarf", Points: modelGiftPoints, MaxPerMember: modelGiftLimit}},
		Tiers: loyalty.TierConfig{WindowMonths: 2, ReviewMonths: modelReviewMonths, GraceDays: 5, RevokeDays: revokeDays, Levels: []loyalty.TierLevel{
			{Name: "base"}, {Name: "silver", Min: dec("300")}, {Name: "gold", Min: dec("900"), Multiplier: dec("2")},
		}},
	}
}

// modelOrder is what the model knows of an order.
type modelOrder struct {
	at       time.Time
	qty      map[string]int
	price    map[string]int64 // whole euros per unit paid in money
	factor   map[string]int64 // the line's earn multiplier; none is 1
	tier     int64            // the multiplier of the tier held at the order's time; 0 is 1
	returned map[string]int
	reduced  int64 // whole euros given back by price reductions
	earned   loyalty.Points
	clawed   loyalty.Points // taken back by returns and reductions
	redeemed loyalty.Points // points paid for the order (one line)
	restored loyalty.Points // points given back by refunds
	// drawn is how many of the redeemed points came from lots of each
	// expiry, nearest expiry first.
	drawn []modelShare
	// lotClawed is what claw-backs took from the order's own lot, and
	// expired what expired of it.
	lotClawed, expired loyalty.Points
	// refunds are the order's refunds, in the order recorded.
	refunds []modelRefund
}

// modelRefund is a refund of units of one line of an order.
type modelRefund struct {
	id    string
	at    time.Time
	line  string
	units int
}

// modelLapsed is what expired of a lot and was not put back since.
type modelLapsed struct {
	lot, order      string // order: the order whose own lot it was, if any
	earned, expires time.Time
	points          loyalty.Points
}

// modelShare is an amount of points with one expiry date.
type modelShare struct {
	expires time.Time
	points  loyalty.Points
}

// drawnBy returns the expiries of the pts points a redemption draws
// from lots, nearest expiry first, available lots only, one share per
// expiry date.
func drawnBy(lots []loyalty.Lot, pts loyalty.Points) []modelShare {
	var out []modelShare
	for _, l := range fifo(lots) {
		if pts == 0 {
			break
		}
		if l.Pending {
			continue
		}
		x := min(pts, l.Remaining)
		if n := len(out); n > 0 && out[n-1].expires.Equal(l.ExpiresAt) {
			out[n-1].points += x
		} else {
			out = append(out, modelShare{l.ExpiresAt, x})
		}
		pts -= x
	}
	return out
}

// giveBack returns how give more points given back for the order split
// by expiry: the points drawn come back latest expiry first, after those
// given back before. The shares are latest expiry first.
func (o *modelOrder) giveBack(give loyalty.Points) []modelShare {
	var out []modelShare
	skip := o.restored
	for _, s := range slices.Backward(o.drawn) {
		x := min(max(s.points-skip, 0), give)
		skip = max(skip-s.points, 0)
		if x > 0 {
			out = append(out, modelShare{s.expires, x})
			give -= x
		}
	}
	return out
}

// clawTarget is what the order's claw-backs add up to: the member keeps
// the points of the units it keeps (their euros times their factor) in
// the share of their price it still pays, rounded half up; without
// multipliers, one point per euro returned or given back. All of the
// points once nothing is paid for the units kept.
func (o *modelOrder) clawTarget() loyalty.Points {
	var keptW, keptNet int64
	for id, q := range o.qty {
		keptW += int64(q-o.returned[id]) * o.price[id] * o.weightOf(id)
		keptNet += int64(q-o.returned[id]) * o.price[id]
	}
	earned := int64(o.earned)
	if keptW <= 0 || keptNet <= 0 {
		return o.earned
	}
	keptSpend := max(keptNet-o.reduced, 0)
	// earned − earned × keptW/earned × keptSpend/keptNet: the weights
	// add up to the points earned, so this is earned − keptW × keptSpend ÷ keptNet.
	num := earned*keptNet - keptW*keptSpend
	return loyalty.Points((2*num + keptNet) / (2 * keptNet))
}

// weightOf is the points per euro of line id: its multiplier times
// that of the tier.
func (o *modelOrder) weightOf(id string) int64 {
	f, t := o.factor[id], o.tier
	if f == 0 {
		f = 1
	}
	if t == 0 {
		t = 1
	}
	return f * t
}

// restoreTarget is what refunds give back of the points paid for the
// order: the share of its money paid that the units returned paid (of
// its units when it paid no money), rounded half up.
func (o *modelOrder) restoreTarget() loyalty.Points { return o.restoreTargetOf(o.returned) }

// restoreTargetOf is restoreTarget when returned units came back.
func (o *modelOrder) restoreTargetOf(returned map[string]int) loyalty.Points {
	var q, u, net, back int64
	for id, n := range o.qty {
		q += int64(n)
		u += int64(returned[id])
		net += int64(n) * o.price[id]
		back += int64(returned[id]) * o.price[id]
	}
	if net == 0 {
		net, back = q, u
	}
	return loyalty.Points((2*int64(o.redeemed)*back + net) / (2 * net))
}

// addDrawn adds points drawn from lots of the given expiries to what was
// redeemed for the order, one share per expiry, nearest expiry first.
func (o *modelOrder) addDrawn(add []modelShare) {
	for _, a := range add {
		i := slices.IndexFunc(o.drawn, func(s modelShare) bool { return s.expires.Equal(a.expires) })
		if i >= 0 {
			o.drawn[i].points += a.points
			continue
		}
		o.drawn = append(o.drawn, a)
	}
	slices.SortFunc(o.drawn, func(a, b modelShare) int { return a.expires.Compare(b.expires) })
}

// spendAt is what the member kept of the order: the units kept less the
// price reductions, never below zero.
func (o *modelOrder) spendAt() decimal.Decimal {
	var s int64
	for id, q := range o.qty {
		s += int64(q-o.returned[id]) * o.price[id]
	}
	return decimal.NewFromInt(max(s-o.reduced, 0))
}

// spend is what the order paid.
func (o *modelOrder) spend() int64 {
	var s int64
	for id, q := range o.qty {
		s += int64(q) * o.price[id]
	}
	return s
}

type ledgerMachine struct {
	p      *loyalty.Programme
	policy loyalty.DebtPolicy
	// revokeDays is the programme's RevokeDays: a refund within as many
	// days of reaching a tier that leaves too little for it takes it
	// back (0 never).
	revokeDays int
	now        time.Time
	a          loyalty.Account
	log        []loyalty.Entry
	orders     map[string]*modelOrder
	ids        []string
	events     []loyalty.Event // applied events, for redelivery
	nextID     int
	balance    loyalty.Points // the model's net balance
	joined     time.Time
	lapsed     []modelLapsed // what expired of each lot and was not put back
	// clock is when the review clock last started (the join or an
	// upgrade between reviews), reviewed the periodic reviews held since,
	// and due the review the model expects next: modelReviewMonths ×
	// (reviewed+1) calendar months after clock.
	clock    time.Time
	reviewed int
	due      time.Time
	// lastReview is when the last review or end of a grace was held.
	lastReview time.Time
	// tiers are the tier changes in the order recorded, each checked
	// against the rules when recorded.
	tiers []modelTierChange
	// birthday is the member's birthday, zero when unknown or erased,
	// and gifts the years whose birthday gift was claimed.
	birthday customer.Birthday
	gifts    map[int]bool
	// surveys are the surveys answered, by ID, with the time of the
	// answer that earned; profiled when the profile bonus was given.
	surveys  map[string]time.Time
	profiled time.Time
	// dropped is set once the programme dropped its top tier, gold
	// (DropGold): silver is then the top tier; droppedSilver once it
	// dropped its middle tier, silver (DropSilver): gold is then the
	// second tier. The programme is restructured once, one way or the
	// other.
	dropped, droppedSilver bool
	// renamedFrom is the number of tier changes recorded before the
	// move of a tier renumbered by DropSilver (a gold member's), zero if
	// none: a revocation restores no schedule of a change before it.
	renamedFrom int
	// unnamed is set while the ledger is as written before tier names
	// were recorded (ForgetNames): with naming (the programme's
	// NameLedgers, SwitchNaming) the next event applied names the tier
	// held first; without, the next tier or review entry names it, and
	// nothing else does. namedAt is when that naming took effect, zero
	// if none.
	unnamed bool
	naming  bool
	namedAt time.Time
}

// modelTierChange is a tier change: from level from to level to, at
// time at, with the review schedule held before it (sched).
type modelTierChange struct {
	at       time.Time
	from, to int
	sched    modelSchedule
	// toName is the name of tier to, as the entry recorded it.
	toName string
	// ledgerFrom and ledgerTo are the names of tiers from and to as the
	// ledger now records them: "" once its tier names were forgotten
	// (ForgetNames), and "" for from when the ledger named no tier then.
	ledgerFrom, ledgerTo string
}

// modelSchedule is the model's review schedule at one point: the clock,
// the reviews held since it started, the review due, the end of a grace
// under way (zero outside one) and the last review held.
type modelSchedule struct {
	clock      time.Time
	reviewed   int
	due        time.Time
	grace      time.Time
	lastReview time.Time
}

func (c modelTierChange) String() string {
	return fmt.Sprintf("level %d from %s", c.to, c.at.Format(time.RFC3339))
}

// nameAt is the name of the tier the member held at t as recorded so
// far.
func (m *ledgerMachine) nameAt(t time.Time) string {
	name := "base"
	for _, c := range m.tiers {
		if !c.at.After(t) {
			name = c.toName
		}
	}
	return name
}

// tierOf is the programme's tier for the tier a ledger names name: the
// tier of that name, or, for a tier dropped, the one below it (silver
// for gold, base for silver).
func (m *ledgerMachine) tierOf(name string) int {
	levels := m.p.Levels()
	if i := slices.IndexFunc(levels, func(l loyalty.TierLevel) bool { return l.Name == name }); i >= 0 {
		return i
	}
	if name == "gold" {
		return m.top()
	}
	return 0
}

// levelAt is the programme's tier for the one the member held at t as
// recorded so far.
func (m *ledgerMachine) levelAt(t time.Time) int { return m.tierOf(m.nameAt(t)) }

// top is the programme's top tier: a tier above it, one the programme
// dropped, is read as it.
func (m *ledgerMachine) top() int { return len(m.p.Levels()) - 1 }

// tierFactor is the earn multiplier of the tier held at t, a dropped
// tier read as the top tier.
func (m *ledgerMachine) tierFactor(t time.Time) int64 {
	if m.p.Levels()[m.levelAt(t)].Name == "gold" {
		return 2
	}
	return 1
}

// levelOf is the highest tier whose Min v reaches.
func (m *ledgerMachine) levelOf(v decimal.Decimal) int {
	level := 0
	for i, l := range m.p.Levels() {
		if v.GreaterThanOrEqual(l.Min) {
			level = i
		}
	}
	return level
}

// upgrades are the upgrades a purchase dated at, recorded at m.now,
// brings to a member whose account was pre (the model knows the order
// already): at the earliest of at — not before the last tier change —
// and the times of the orders dated after it up to now at which the
// qualifying spend of the orders dated up to then reaches a higher
// tier, each higher tier at the first such time.
func (m *ledgerMachine) upgrades(pre loyalty.Account, at time.Time) []modelTierChange {
	// The tier held is the programme's for the one the ledger names;
	// one the programme dropped is left first, at the ledger's last
	// time.
	level, since := pre.Level, pre.LevelSince
	if name := pre.LevelName(); name != "" {
		level = m.tierOf(name)
		if !slices.ContainsFunc(m.p.Levels(), func(l loyalty.TierLevel) bool { return l.Name == name }) && pre.AsOf.After(since) {
			since = pre.AsOf
		}
	}
	start := at
	if start.Before(since) {
		start = since
	}
	times := []time.Time{start}
	for _, id := range m.ids {
		if t := m.orders[id].at; t.After(start) && !t.After(m.now) {
			times = append(times, t)
		}
	}
	slices.SortFunc(times, time.Time.Compare)
	var out []modelTierChange
	for _, t := range times {
		if q := m.levelOf(m.qualifying(t)); q > level {
			out = append(out, modelTierChange{at: t, to: q})
			level = q
		}
	}
	return out
}

// modelReviewMonths is the model programme's review period.
const modelReviewMonths = 2

// lapse records that pts points of lot l expired: an order's own lot
// counts them as expired of the order.
func (m *ledgerMachine) lapse(l loyalty.Lot, pts loyalty.Points) {
	x := modelLapsed{lot: l.ID, earned: l.EarnedAt, expires: l.ExpiresAt, points: pts}
	if o := m.orders[l.OrderID]; o != nil && l.ID == "order:"+l.OrderID {
		x.order = l.OrderID
		o.expired += pts
	}
	m.lapsed = append(m.lapsed, x)
}

// reopenable returns the indexes into m.lapsed of the points a
// redemption of time t may put back, nearest expiry first, and how many
// of each: lots earned by t that expired after t; of an order's own lot
// not the expired points a claw-back already left alone for having
// expired.
func (m *ledgerMachine) reopenable(t time.Time) (idx []int, pts []loyalty.Points) {
	for i, x := range m.lapsed {
		if !x.expires.After(t) || x.earned.After(t) || x.points == 0 {
			continue
		}
		n := x.points
		if o := m.orders[x.order]; o != nil {
			n = min(n, max(o.expired-(o.clawed-o.lotClawed), 0))
		}
		if n > 0 {
			idx, pts = append(idx, i), append(pts, n)
		}
	}
	order := make([]int, len(idx))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := m.lapsed[idx[a]], m.lapsed[idx[b]]
		return cmp.Or(x.expires.Compare(y.expires), x.earned.Compare(y.earned), cmp.Compare(x.lot, y.lot))
	})
	var si []int
	var sp []loyalty.Points
	for _, k := range order {
		si, sp = append(si, idx[k]), append(sp, pts[k])
	}
	return si, sp
}

// clawBack changes the model for delta more points of order id taken
// back, held being what its own lot held before: from the lot first;
// of what the lot no longer holds, the points that expired from it are
// not taken again, counted first; the rest as takeBack says.
func (m *ledgerMachine) clawBack(o *modelOrder, delta, held loyalty.Points) {
	covered := o.clawed - o.lotClawed
	beyond := delta - min(delta, held)
	lapsed := min(o.expired, covered+beyond) - min(o.expired, covered)
	o.lotClawed += min(delta, held)
	o.clawed += delta
	m.takeBack(delta - lapsed)
}

// held returns what the lot order id earned holds now.
func (m *ledgerMachine) held(id string) loyalty.Points {
	for _, l := range m.a.Lots() {
		if l.ID == "order:"+id {
			return l.Remaining
		}
	}
	return 0
}

// takeBack changes the model's balance for delta points taken back:
// all of them under the debt policy, at most the balance when it caps
// at zero.
func (m *ledgerMachine) takeBack(delta loyalty.Points) {
	if m.policy == loyalty.DebtCapAtZero {
		delta = min(delta, m.balance)
	}
	m.balance -= delta
}

// apply applies e and checks the rules that hold for every event; it
// returns the entries, or nil and the error.
func (m *ledgerMachine) apply(rt *rapid.T, e loyalty.Event) ([]loyalty.Entry, error) {
	before := m.a
	next, entries, err := m.p.Apply(m.a, e, m.now)
	if err != nil {
		if next.Version != before.Version || next.Balance() != before.Balance() {
			rt.Fatalf("%T failed (%v) but changed the account", e, err)
		}
		if len(entries) != 0 {
			rt.Fatalf("%T failed but returned entries", e)
		}
		return nil, err
	}
	// A member whose tier the programme dropped (gold or silver) is
	// moved to the tier below by the first entry of the next event
	// applied, and only then; a member whose tier it renumbered (gold,
	// silver dropped) to that tier's index.
	levels := m.p.Levels()
	name := before.LevelName()
	dropped := name != "" && !slices.ContainsFunc(levels, func(l loyalty.TierLevel) bool { return l.Name == name })
	renamed := name != "" && !dropped && (before.Level >= len(levels) || levels[before.Level].Name != name)
	gotDropped := len(entries) > 0 && strings.HasPrefix(entries[0].Key, "dropped-tier:")
	gotRenamed := len(entries) > 0 && strings.HasPrefix(entries[0].Key, "renamed-tier:")
	// A ledger that names no tier has the tier held named first by a
	// programme that names ledgers, and only by one: without, no event
	// writes a naming, which versions from before it refuse.
	unnamed := before.Member != "" && name == ""
	gotNamed := len(entries) > 0 && strings.HasPrefix(entries[0].Key, "named-tier:")
	if unnamed != m.unnamed {
		rt.Fatalf("%T of a member whose ledger names tier %q, model unnamed %t", e, name, m.unnamed)
	}
	if slices.ContainsFunc(entries, func(e loyalty.Entry) bool { return strings.HasPrefix(e.Key, "named-tier:") }) && !m.naming {
		rt.Fatalf("%T named the tier under a programme that does not name ledgers: %v", e, entries)
	}
	if gotDropped != dropped || gotRenamed != renamed || gotNamed != (unnamed && m.naming) {
		rt.Fatalf("%T of a member at level %d %q, programme %v: entries %v", e, before.Level, name, levels, entries)
	}
	if next.Level > m.top() {
		rt.Fatalf("%T left the member at level %d above the top %d", e, next.Level, m.top())
	}
	// Each entry is checked against the state just before it.
	cur := before
	for i := range entries {
		m.checkEntry(rt, cur, entries[i])
		cur, err = cur.With(entries[i])
		if err != nil {
			rt.Fatalf("entry %d does not fold: %v", i, err)
		}
	}
	m.a = next
	m.log = append(m.log, entries...)
	m.events = append(m.events, e)
	return entries, nil
}

// fifo sorts lots nearest expiry first, the model's own ordering.
func fifo(lots []loyalty.Lot) []loyalty.Lot {
	lots = slices.Clone(lots)
	slices.SortStableFunc(lots, func(a, b loyalty.Lot) int {
		if c := a.ExpiresAt.Compare(b.ExpiresAt); c != 0 {
			return c
		}
		if c := a.EarnedAt.Compare(b.EarnedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return lots
}

// qualifying is the model's own qualifying spend at t.
func (m *ledgerMachine) qualifying(t time.Time) decimal.Decimal {
	from := monthsBefore(t, 2)
	s := decimal.Zero
	for _, id := range m.ids {
		o := m.orders[id]
		if o.at.After(from) && !o.at.After(t) {
			s = s.Add(o.spendAt())
		}
	}
	return s
}

// monthsAfter is t plus n calendar months, on the last day of the later
// month when it is shorter than t's day.
func monthsAfter(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// monthsBefore is t less n calendar months, on the last day of the
// earlier month when it is shorter than t's day.
func monthsBefore(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month()-time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

func (m *ledgerMachine) checkEntry(rt *rapid.T, pre loyalty.Account, e loyalty.Entry) {
	levels := m.p.Levels()
	due := m.due
	sched := modelSchedule{clock: m.clock, reviewed: m.reviewed, due: m.due, grace: pre.GraceUntil, lastReview: m.lastReview}
	m.checkSchedule(rt, pre, e)
	switch e.Kind {
	case loyalty.EntryRedeem:
		// Nearest expiry first: the parts are exactly the prefix of the
		// available lots in expiry order. Judged at its own time, a
		// redemption recorded late draws first the lots it could spend
		// then (earned and available by then, expiring after it), then
		// the others.
		want := e.Points * -1
		// Never the points that the order it pays for earned at its
		// time or after.
		lots := slices.DeleteFunc(fifo(pre.Lots()), func(l loyalty.Lot) bool {
			o := m.orders[e.OrderID]
			return o != nil && l.ID == "order:"+e.OrderID && !o.at.Before(e.Effective)
		})
		if t := e.Effective; e.Time.After(t) && e.Time.Sub(t) <= modelLateDays*24*time.Hour {
			then := func(l loyalty.Lot) bool {
				return !l.EarnedAt.After(t) && !l.AvailableAt.After(t) && (l.ExpiresAt.IsZero() || l.ExpiresAt.After(t))
			}
			var first, rest []loyalty.Lot
			for _, l := range lots {
				if then(l) {
					first = append(first, l)
				} else {
					rest = append(rest, l)
				}
			}
			lots = append(first, rest...)
		}
		var parts []loyalty.LotPart
		for _, l := range lots {
			if want == 0 {
				break
			}
			if l.Pending {
				continue
			}
			x := min(want, l.Remaining)
			parts = append(parts, loyalty.LotPart{Lot: l.ID, Points: x})
			want -= x
		}
		if !slices.Equal(parts, e.Parts) {
			rt.Fatalf("redeem drew %v, nearest expiry first is %v", e.Parts, parts)
		}
	case loyalty.EntryExpire:
		if e.Effective.After(m.now) {
			rt.Fatalf("expired in the future: %v", e.Effective)
		}
	case loyalty.EntryTier:
		if strings.HasPrefix(e.Key, "dropped-tier:") {
			// From the dropped tier to the one below it, dated the
			// ledger's last time, moving no points.
			to := m.tierOf(pre.LevelName())
			if e.From != pre.Level || e.To != to || e.TierName != levels[to].Name || !e.Effective.Equal(pre.AsOf) || e.Points != 0 || len(e.Parts) != 0 {
				rt.Fatalf("move off a dropped tier %+v; model from %d to %d at %v", e, pre.Level, to, pre.AsOf)
			}
			m.tiers = append(m.tiers, modelTierChange{e.Effective, e.From, e.To, sched, e.TierName, pre.LevelName(), e.TierName})
			break
		}
		if strings.HasPrefix(e.Key, "renamed-tier:") {
			// To the renumbered tier's index, same name, dated the
			// ledger's last time, moving no points; the tier is held
			// since it was reached, so the model records no change.
			to := m.tierOf(pre.LevelName())
			if e.From != pre.Level || e.To != to || e.TierName != pre.LevelName() || !e.Effective.Equal(pre.AsOf) || e.Points != 0 || len(e.Parts) != 0 {
				rt.Fatalf("move of a renumbered tier %+v; model from %d to %d at %v", e, pre.Level, to, pre.AsOf)
			}
			m.renamedFrom = len(m.tiers)
			break
		}
		if strings.HasPrefix(e.Key, "named-tier:") {
			// The tier held, at its index, named as the model knows it,
			// dated the ledger's last time, moving no points; the tier
			// is held since it was reached, so the model records no
			// change.
			if pre.LevelName() != "" || e.Key != fmt.Sprintf("named-tier:%d", e.Seq) || e.From != pre.Level || e.To != pre.Level ||
				e.TierName != levels[pre.Level].Name || e.TierName != m.nameAt(m.now) || !e.Effective.Equal(pre.AsOf) ||
				e.Points != 0 || len(e.Parts) != 0 || e.Qualifying != 0 {
				rt.Fatalf("naming of the tier held %+v; model level %d %q at %v", e, pre.Level, m.nameAt(m.now), pre.AsOf)
			}
			m.unnamed, m.namedAt = false, e.Effective
			break
		}
		if strings.HasPrefix(e.Key, "revoke:") {
			// Checked by Return, which knows the refund; never back in
			// time.
			if n := len(m.tiers); n > 0 && e.Effective.Before(m.tiers[n-1].at) {
				rt.Fatalf("revocation at %v before the last tier change at %v", e.Effective, m.tiers[n-1].at)
			}
			m.tiers = append(m.tiers, modelTierChange{e.Effective, e.From, e.To, sched, e.TierName, pre.LevelName(), e.TierName})
			break
		}
		v := m.qualifying(e.Effective)
		if e.To > e.From && v.LessThan(levels[e.To].Min) {
			rt.Fatalf("upgrade to %s with qualifying %s < %s", levels[e.To].Name, v, levels[e.To].Min)
		}
		if e.To < e.From {
			if !e.Effective.Equal(due) && !e.Effective.Equal(pre.GraceUntil) {
				rt.Fatalf("downgrade at %v, not at a review or the end of a grace", e.Effective)
			}
			if v.GreaterThanOrEqual(levels[e.From].Min) {
				rt.Fatalf("downgrade from %s with qualifying %s ≥ %s", levels[e.From].Name, v, levels[e.From].Min)
			}
			if !pre.GraceUntil.IsZero() && !e.Effective.Equal(pre.GraceUntil) {
				rt.Fatalf("downgrade at %v during a grace until %v", e.Effective, pre.GraceUntil)
			}
		}
		if n := len(m.tiers); n > 0 && e.Effective.Before(m.tiers[n-1].at) {
			rt.Fatalf("tier change at %v before the last one at %v", e.Effective, m.tiers[n-1].at)
		}
		m.tiers = append(m.tiers, modelTierChange{e.Effective, e.From, e.To, sched, e.TierName, pre.LevelName(), e.TierName})
	case loyalty.EntryReview:
		if e.TierName != levels[e.To].Name {
			rt.Fatalf("review of tier %d named %q", e.To, e.TierName)
		}
		if !e.Effective.Equal(due) && !e.Effective.Equal(pre.GraceUntil) {
			rt.Fatalf("review at %v, not scheduled (next %v, grace %v)", e.Effective, due, pre.GraceUntil)
		}
	}
	// Without naming, the first tier or review entry of a ledger that
	// names no tier names it, as before the naming.
	if (e.Kind == loyalty.EntryTier || e.Kind == loyalty.EntryReview) && m.unnamed {
		if e.TierName == "" || strings.HasPrefix(e.Key, "named-tier:") {
			rt.Fatalf("%s entry %+v of a ledger that names no tier", e.Kind, e)
		}
		m.unnamed, m.namedAt = false, e.Effective
	}
}

// checkSchedule follows the review schedule: the k-th review after the
// review clock starts (the join, or an upgrade between reviews) is
// k × modelReviewMonths calendar months after its start, on its day of
// the month or the month's last day; a review that moves the member up
// or down and the end of a grace keep the schedule.
func (m *ledgerMachine) checkSchedule(rt *rapid.T, pre loyalty.Account, e loyalty.Entry) {
	switch {
	case e.Kind == loyalty.EntryTier && (strings.HasPrefix(e.Key, "dropped-tier:") || strings.HasPrefix(e.Key, "renamed-tier:") ||
		strings.HasPrefix(e.Key, "named-tier:")):
		// The move off a dropped tier, and the naming of the tier held,
		// hold no review and keep the schedule and the grace.
		if !e.NextReview.Equal(m.due) || !e.GraceUntil.Equal(pre.GraceUntil) {
			rt.Fatalf("move off a dropped tier at %v: next review %v, grace %v; want %v, %v", e.Effective, e.NextReview, e.GraceUntil, m.due, pre.GraceUntil)
		}
		return
	case e.Kind == loyalty.EntryTier && strings.HasPrefix(e.Key, "revoke:"):
		// A revocation holds no review. It takes back the schedule of
		// the upgrade it takes back wholly (the last one from its tier
		// to a higher one), when no review was held since: the schedule
		// held before that upgrade comes back, with a review or the end
		// of a grace that fell due before the revocation held at it.
		// Otherwise it keeps the schedule and the grace. The move of a
		// renumbered tier is no change of the member's: the upgrade
		// just before it, when no change followed, is taken back
		// wholly when it left the tier of the revocation's name and
		// reached the tier held, by the names the ledger recorded.
		want, grace := m.due, pre.GraceUntil
		for i := len(m.tiers) - 1; i >= m.renamedFrom-1 && i >= 0; i-- {
			c := m.tiers[i]
			before := i < m.renamedFrom
			if before && (i != len(m.tiers)-1 || c.ledgerFrom == "" || c.ledgerFrom != e.TierName || c.ledgerTo != pre.LevelName()) {
				break
			}
			if !before && (c.from > e.To || c.to <= e.To) {
				continue
			}
			if (before || c.from == e.To) && c.sched.lastReview.Equal(m.lastReview) {
				m.clock, m.reviewed = c.sched.clock, c.sched.reviewed
				want, grace = c.sched.due, c.sched.grace
				if want.Before(e.Effective) {
					want = e.Effective
				}
				if !grace.IsZero() && grace.Before(e.Effective) {
					grace = e.Effective
				}
				m.due = want
			}
			break
		}
		if !e.NextReview.Equal(want) || !e.GraceUntil.Equal(grace) {
			rt.Fatalf("revocation at %v: next review %v, grace %v; want %v, %v", e.Effective, e.NextReview, e.GraceUntil, want, grace)
		}
		return
	case e.Kind == loyalty.EntryJoin:
		m.clock, m.reviewed = e.Effective, 0
	case e.Kind != loyalty.EntryTier && e.Kind != loyalty.EntryReview:
		return
	case e.Effective.Equal(m.due):
		// A review that a revocation held late, at its own time, is
		// followed by the schedule's first date after it.
		m.reviewed++
		for !monthsAfter(m.clock, modelReviewMonths*(m.reviewed+1)).After(e.Effective) {
			m.reviewed++
		}
		m.lastReview = e.Effective
	case e.Kind == loyalty.EntryTier && e.To > e.From:
		// An upgrade between reviews restarts the clock; dated before the
		// last review held, its schedule continues after that review.
		m.clock, m.reviewed = e.Effective, 0
		for !monthsAfter(m.clock, modelReviewMonths*(m.reviewed+1)).After(m.lastReview) {
			m.reviewed++
		}
	case !e.Effective.Equal(pre.GraceUntil):
		rt.Fatalf("%s at %v: neither the review due %v nor the end of the grace %v", e.Kind, e.Effective, m.due, pre.GraceUntil)
	default:
		m.lastReview = e.Effective
	}
	m.due = monthsAfter(m.clock, modelReviewMonths*(m.reviewed+1))
	if !e.NextReview.Equal(m.due) {
		rt.Fatalf("%s at %v: next review %v, want %v (%d × %d months from %v)", e.Kind, e.Effective, e.NextReview, m.due, m.reviewed+1, modelReviewMonths, m.clock)
	}
}

func (m *ledgerMachine) Check(rt *rapid.T) {
	a := m.a
	// Balance = sum of entries, and the stored entries replay to the account.
	var sum loyalty.Points
	earns := map[string]int{}
	for _, e := range m.log {
		sum += e.Points
		if e.Kind == loyalty.EntryEarn {
			earns[e.OrderID]++
		}
	}
	if sum != a.Balance() {
		rt.Fatalf("balance %d ≠ sum of entries %d", a.Balance(), sum)
	}
	if a.Balance() != m.balance {
		rt.Fatalf("balance %d, model %d", a.Balance(), m.balance)
	}
	r, err := loyalty.Replay(m.log)
	if err != nil {
		rt.Fatalf("replay: %v", err)
	}
	if r.Balance() != a.Balance() || r.Debt != a.Debt || r.Level != a.Level || !slices.Equal(r.Lots(), a.Lots()) ||
		!r.NextReview.Equal(a.NextReview) || !r.GraceUntil.Equal(a.GraceUntil) {
		rt.Fatalf("replay differs from the applied account")
	}
	// The account names the tier it holds as the last tier entry did;
	// none while the ledger is as written before tier names.
	want := m.nameAt(a.AsOf.Add(24 * time.Hour))
	if m.unnamed {
		want = ""
	}
	if r.LevelName() != a.LevelName() || a.LevelName() != want {
		rt.Fatalf("account names tier %q, replay %q, model %q", a.LevelName(), r.LevelName(), want)
	}
	// Once erased, the account holds no birthday, and the entries as an
	// Eraser stores them replay to the same account as the entries
	// applied.
	if !a.Erased.IsZero() {
		if !a.Birthday.IsZero() {
			rt.Fatalf("erased at %v, the account still holds a birthday", a.Erased)
		}
		erased := make([]loyalty.Entry, len(m.log))
		for i, e := range m.log {
			erased[i] = e.Erased()
		}
		re, err := loyalty.Replay(erased)
		if err != nil {
			rt.Fatalf("replay of the erased entries: %v", err)
		}
		if !reflect.DeepEqual(loyalty.WithoutOwnership(re), loyalty.WithoutOwnership(r)) {
			rt.Fatalf("replay of the erased entries differs from the replay of the entries")
		}
	}
	// Also in what a late redemption may spend, and no points put back
	// for one outlive it.
	requireSameLateness(rt, m.p, a, m.log)
	// No double earn.
	for id, n := range earns {
		if n != 1 {
			rt.Fatalf("order %s earned %d times", id, n)
		}
	}
	// Never negative outside the debt policy.
	if a.Available < 0 || a.Pending < 0 || a.Debt < 0 {
		rt.Fatalf("negative balance: %d available, %d pending, %d debt", a.Available, a.Pending, a.Debt)
	}
	if a.Debt > 0 && m.policy != loyalty.DebtRecord {
		rt.Fatalf("debt %d under %s", a.Debt, m.policy)
	}
	if a.Debt > 0 && a.Available > 0 {
		rt.Fatalf("debt %d left unpaid with %d available", a.Debt, a.Available)
	}
	// Lots: pending exactly within the return window, nothing overdue.
	var avail, pend loyalty.Points
	for _, l := range a.Lots() {
		if l.Pending != l.AvailableAt.After(a.AsOf) && !(l.Pending && !l.AvailableAt.After(l.EarnedAt)) {
			rt.Fatalf("lot %s pending=%v, available at %v, ledger at %v", l.ID, l.Pending, l.AvailableAt, a.AsOf)
		}
		if !l.ExpiresAt.IsZero() && !l.ExpiresAt.After(a.AsOf) {
			rt.Fatalf("lot %s should have expired at %v", l.ID, l.ExpiresAt)
		}
		if l.Pending {
			pend += l.Remaining
		} else {
			avail += l.Remaining
		}
	}
	if avail != a.Available || pend != a.Pending {
		rt.Fatalf("lots hold %d+%d, account says %d+%d", avail, pend, a.Available, a.Pending)
	}
	// Claw-back never removes more than the order earned; all of it when
	// everything came back.
	for id, o := range m.orders {
		earned, clawed, ok := a.OrderPoints(id)
		if !ok || earned != o.earned {
			rt.Fatalf("order %s: earned %d, model %d", id, earned, o.earned)
		}
		if clawed < 0 || clawed > earned {
			rt.Fatalf("order %s: clawed %d of %d", id, clawed, earned)
		}
		if o.spendAt().IsZero() && clawed != earned {
			rt.Fatalf("order %s fully returned, clawed %d of %d", id, clawed, earned)
		}
		// Points paid for the order come back with its goods, never more.
		redeemed, restored := a.OrderRedemption(id)
		if redeemed != o.redeemed || restored != o.restored {
			rt.Fatalf("order %s: %d points paid, %d given back; model %d, %d", id, redeemed, restored, o.redeemed, o.restored)
		}
		if restored > redeemed || m.allReturned(id) && restored != redeemed {
			rt.Fatalf("order %s: %d of the %d points paid given back", id, restored, redeemed)
		}
	}
	// Every review due by now was held; the next is the model's.
	if !a.NextReview.Equal(m.due) || !a.NextReview.After(a.AsOf) {
		rt.Fatalf("next review %v at %v, model %v", a.NextReview, a.AsOf, m.due)
	}
	// The tier is never below what the member qualifies for now.
	if q := m.p.QualifyingLevel(a, a.AsOf); q > a.Level {
		rt.Fatalf("qualifies for level %d, holds %d", q, a.Level)
	}
	if !m.p.Qualifying(a, a.AsOf).Equal(m.qualifying(a.AsOf)) {
		rt.Fatalf("qualifying spend %s, model %s", m.p.Qualifying(a, a.AsOf), m.qualifying(a.AsOf))
	}
}

func (m *ledgerMachine) Wait(rt *rapid.T) {
	m.wait(rt, time.Duration(rapid.IntRange(1, 40*24).Draw(rt, "hours"))*time.Hour)
}

// WaitLong brings the ledger up to date after 2 to 14 months without an
// event: the reviews due in between are held one after another, each at
// its own date. The return windows open now end first, in a wait of
// their own, so that no lot is both released (paying debt) and expired
// within the long one, which the balance model does not follow.
func (m *ledgerMachine) WaitLong(rt *rapid.T) {
	m.wait(rt, 10*24*time.Hour+time.Hour)
	m.wait(rt, time.Duration(rapid.IntRange(60*24, 430*24).Draw(rt, "hours"))*time.Hour)
}

// wait brings the ledger up to date d later.
func (m *ledgerMachine) wait(rt *rapid.T, d time.Duration) {
	m.now = m.now.Add(d)
	// What is left of the lots whose expiry comes goes; nothing else
	// that falls due (releases, repayments, reviews) moves the balance.
	var expiring loyalty.Points
	for _, l := range m.a.Lots() {
		if !l.ExpiresAt.IsZero() && !l.ExpiresAt.After(m.now) {
			expiring += l.Remaining
			m.lapse(l, l.Remaining)
		}
	}
	if _, err := m.apply(rt, loyalty.Tick{Member: "M1"}); err != nil {
		rt.Fatalf("tick: %v", err)
	}
	m.balance -= expiring
}

func (m *ledgerMachine) Buy(rt *rapid.T) { m.buy(rt, m.now) }

// BuyLate records now an order dated up to 20 days before (a till that
// syncs late), never before the join: it earns with the tier held at its
// time and moves the member up as of its time or a later order's.
func (m *ledgerMachine) BuyLate(rt *rapid.T) {
	at := m.now.Add(-time.Duration(rapid.IntRange(1, 20*24).Draw(rt, "hours late")) * time.Hour)
	if at.Before(m.joined) {
		at = m.joined
	}
	m.buy(rt, at)
}

// buy records now an order dated at and checks what it earns and the
// upgrades it brings.
func (m *ledgerMachine) buy(rt *rapid.T, at time.Time) {
	m.nextID++
	id := fmt.Sprint("O", m.nextID)
	o := customer.Order{ID: id, CustomerID: "M1", Time: at, Channel: customer.Online, Currency: "EUR"}
	mo := &modelOrder{at: at, tier: m.tierFactor(at), qty: map[string]int{}, price: map[string]int64{}, factor: map[string]int64{}, returned: map[string]int{}}
	var net, pts int64
	for i := range rapid.IntRange(1, 3).Draw(rt, "lines") {
		lid := fmt.Sprint("L", i)
		q := rapid.IntRange(1, 3).Draw(rt, "qty")
		pr := rapid.Int64Range(0, 400).Draw(rt, "price")
		cat := rapid.SampledFrom([]string{"coats", "knitwear"}).Draw(rt, "category")
		o.Lines = append(o.Lines, customer.Line{ID: lid, SKU: lid, Category: cat, Quantity: q, UnitPrice: decimal.NewFromInt(pr)})
		mo.qty[lid], mo.price[lid] = q, pr
		if cat == "knitwear" {
			mo.factor[lid] = 2
		}
		net += int64(q) * pr
		pts += int64(q) * pr * mo.weightOf(lid)
	}
	m.orders[id] = mo // the model knows the order when the entries are checked
	m.ids = append(m.ids, id)
	pre := m.a
	entries, err := m.apply(rt, loyalty.Purchase{Order: o})
	if err != nil {
		rt.Fatalf("purchase: %v", err)
	}
	var ups []modelTierChange
	for _, e := range entries {
		if e.Kind == loyalty.EntryTier && strings.HasPrefix(e.Note, "upgraded from") {
			ups = append(ups, modelTierChange{at: e.Effective, to: e.To})
		}
	}
	if want := m.upgrades(pre, at); !slices.EqualFunc(ups, want, func(a, b modelTierChange) bool { return a.at.Equal(b.at) && a.to == b.to }) {
		rt.Fatalf("purchase dated %v recorded %v: upgrades %v, model %v", at, m.now, ups, want)
	}
	earn := ofKind(entries, loyalty.EntryEarn)
	if len(earn) != 1 || earn[0].Points != loyalty.Points(pts) {
		rt.Fatalf("purchase of %d euros (%d points with multipliers) earned %v", net, pts, earn)
	}
	mo.earned = earn[0].Points
	m.balance += loyalty.Points(pts)
}

// BuyWithPoints buys one line paid partly or wholly with points, through
// Price and Checkout: the redemption is tied to the order, and refunds
// of the order's units give the points back in proportion.
func (m *ledgerMachine) BuyWithPoints(rt *rapid.T) {
	qty := rapid.IntRange(1, 3).Draw(rt, "qty")
	afford := int64(m.a.Available) / (100 * int64(qty)) // whole euros per unit the points can pay
	if afford < 1 {
		rt.Skip("too few points available")
	}
	price := rapid.Int64Range(1, 400).Draw(rt, "price")
	k := rapid.Int64Range(1, min(price, afford)).Draw(rt, "euros per unit in points")
	pts := loyalty.Points(100 * int64(qty) * k)
	m.nextID++
	id := fmt.Sprint("P", m.nextID)
	q, err := m.p.Price(loyalty.Basket{Member: "M1", Time: m.now, Currency: "EUR", Points: pts, Available: m.a.Available,
		Items: []loyalty.Item{{Line: customer.Line{ID: "L0", SKU: "L0", Category: "coats", Quantity: qty, UnitPrice: decimal.NewFromInt(price)}}}})
	if err != nil {
		rt.Fatalf("price: %v", err)
	}
	if q.PointsUsed != pts {
		rt.Fatalf("paid %d points, asked %d", q.PointsUsed, pts)
	}
	evs, err := q.Checkout(id, customer.Online)
	if err != nil {
		rt.Fatalf("checkout: %v", err)
	}
	net := int64(qty) * (price - k)
	mo := &modelOrder{at: m.now, tier: m.tierFactor(m.now), qty: map[string]int{"L0": qty}, price: map[string]int64{"L0": price - k},
		returned: map[string]int{}, redeemed: pts, drawn: drawnBy(m.a.Lots(), pts)}
	m.orders[id] = mo
	m.ids = append(m.ids, id)
	for _, e := range evs {
		if _, err := m.apply(rt, e); err != nil {
			rt.Fatalf("checkout %T: %v", e, err)
		}
	}
	earned, _, _ := m.a.OrderPoints(id)
	if earned != loyalty.Points(net*mo.weightOf("L0")) {
		rt.Fatalf("paying %d euros in money earned %d (tier ×%d)", net, earned, mo.weightOf("L0"))
	}
	mo.earned = earned
	m.balance += earned - pts
}

func (m *ledgerMachine) Return(rt *rapid.T) {
	var open []string
	for _, id := range m.ids {
		if !m.allReturned(id) {
			open = append(open, id)
		}
	}
	if len(open) == 0 {
		rt.Skip("nothing to return")
	}
	m.refund(rt, rapid.SampledFrom(open).Draw(rt, "order"))
}

// ReturnLatest refunds units of the order bought last, when some are
// left: a purchase refunded soon after it, which may take back the tier
// it brought.
func (m *ledgerMachine) ReturnLatest(rt *rapid.T) {
	if len(m.ids) == 0 || m.allReturned(m.ids[len(m.ids)-1]) {
		rt.Skip("nothing to return")
	}
	m.refund(rt, m.ids[len(m.ids)-1])
}

// refund refunds units of one line of order id now and checks the
// points given back and clawed back, and the tier.
func (m *ledgerMachine) refund(rt *rapid.T, id string) {
	o := m.orders[id]
	var lines []string
	for lid, q := range o.qty {
		if q > o.returned[lid] {
			lines = append(lines, lid)
		}
	}
	if len(lines) == 0 {
		rt.Skip("order fully returned")
	}
	slices.Sort(lines)
	lid := rapid.SampledFrom(lines).Draw(rt, "line")
	units := rapid.IntRange(1, o.qty[lid]-o.returned[lid]).Draw(rt, "units")
	m.nextID++
	r := customer.Return{ID: fmt.Sprint("X", m.nextID), OrderID: id, CustomerID: "M1", Time: m.now,
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: lid, Quantity: -units}}}
	_, preClawed, _ := m.a.OrderPoints(id)
	held := m.held(id)
	// What the model knows of the tiers before the refund: the tier, when
	// it was last changed, and the lowest tier held since revokeDays
	// before.
	preLevel, preSince := 0, m.joined
	if n := len(m.tiers); n > 0 {
		preLevel, preSince = m.tierOf(m.tiers[n-1].toName), m.tiers[n-1].at
	}
	preReview := m.lastReview
	since := m.now.Add(-time.Duration(m.revokeDays) * 24 * time.Hour)
	floor := m.levelAt(since)
	for _, c := range m.tiers {
		if c.at.After(since) {
			floor = min(floor, m.tierOf(c.toName))
		}
	}
	// A dropped tier is left for the one below first, at the ledger's
	// last time, which is not after the refund.
	if name := m.a.LevelName(); !slices.ContainsFunc(m.p.Levels(), func(l loyalty.TierLevel) bool { return l.Name == name }) {
		preSince = m.a.AsOf
	}
	entries, err := m.apply(rt, loyalty.Returned{Return: r})
	if err != nil {
		rt.Fatalf("return: %v", err)
	}
	o.returned[lid] += units
	m.checkRevoke(rt, entries, r.ID, id, preLevel, floor, []time.Time{preSince, preReview})
	o.refunds = append(o.refunds, modelRefund{id: r.ID, at: m.now, line: lid, units: units})
	c := ofKind(entries, loyalty.EntryClawback)
	if len(c) != 1 || -c[0].Points+c[0].Forgiven+preClawed > o.earned {
		rt.Fatalf("claw-back %v of an order that earned %d (clawed %d before)", c, o.earned, preClawed)
	}
	// The points paid for the units come back first, latest expiry
	// first, one lot per expiry that keeps the expiry of the points it
	// replaces; points whose expiry has passed come back expired at once,
	// before the claw-back, which cannot draw on them. Then the
	// claw-back.
	give := o.restoreTarget() - o.restored
	var got loyalty.Points
	for _, e := range ofKind(entries, loyalty.EntryRestore) {
		got += e.Points
	}
	if got != give {
		rt.Fatalf("refund of %d units of order %s gave back %d points, model %d", units, id, got, give)
	}
	shares := o.giveBack(give)
	restores := ofKind(entries, loyalty.EntryRestore)
	require.Len(rt, restores, len(shares), "one restored lot per expiry: %v", shares)
	var expired loyalty.Points
	for i, sh := range shares {
		e := restores[i]
		require.Equal(rt, sh.points, e.Points, "restore %s", e.Key)
		if sh.expires.After(m.now) {
			require.True(rt, e.ExpiresAt.Equal(sh.expires), "restore %s expires %v, the points it replaces %v", e.Key, e.ExpiresAt, sh.expires)
			continue
		}
		// Given back expired: the lot expires at the refund, at once,
		// before the claw-back.
		require.True(rt, e.ExpiresAt.Equal(m.now), "restore %s of points expired %v expires %v", e.Key, sh.expires, e.ExpiresAt)
		j := slices.IndexFunc(entries, func(x loyalty.Entry) bool { return x.Key == e.Key })
		require.Less(rt, j+1, len(entries))
		x := entries[j+1]
		require.Equal(rt, loyalty.EntryExpire, x.Kind, "restore %s of expired points is followed by its expiry", e.Key)
		require.Equal(rt, []loyalty.LotPart{{Lot: e.Lot, Points: sh.points}}, x.Parts)
		expired += sh.points
		m.lapse(loyalty.Lot{ID: e.Lot, OrderID: e.OrderID, EarnedAt: e.Effective, ExpiresAt: e.ExpiresAt}, sh.points)
	}
	o.restored += give
	m.balance += give - expired
	m.clawBack(o, o.clawTarget()-o.clawed, held)
	// Too many units: refused, nothing changes.
	r.ID += "-again"
	r.Lines = []customer.ReturnLine{{LineID: lid, Quantity: -(o.qty[lid] - o.returned[lid] + 1)}}
	if _, err := m.apply(rt, loyalty.Returned{Return: r}); err == nil {
		rt.Fatalf("returning more units than sold was accepted")
	}
}

// checkRevoke checks the tier revocation that the refund ret of order,
// whose entries are given, brings: when the programme revokes, the
// refund leaves the member at s (the latest of the refund's time and
// times, the last tier change and review before it) with the tier that
// the qualifying spend at s reaches, or the lowest tier floor held since
// revokeDays before the refund, when that is the higher, if it is below the tier
// held (preLevel); nothing otherwise. The revocation follows the
// refund's claw-back at once.
func (m *ledgerMachine) checkRevoke(rt *rapid.T, entries []loyalty.Entry, ret, order string, preLevel, floor int, times []time.Time) {
	at := m.now
	for _, t := range times {
		if t.After(at) {
			at = t
		}
	}
	want := -1
	if m.revokeDays > 0 {
		if to := max(m.levelOf(m.qualifying(at)), floor); to < preLevel {
			want = to
		}
	}
	i := slices.IndexFunc(entries, func(e loyalty.Entry) bool { return strings.HasPrefix(e.Key, "revoke:") })
	if want < 0 {
		if i >= 0 {
			rt.Fatalf("refund %s revoked %v; the model keeps level %d (qualifying %s, floor %d)", ret, entries[i], preLevel, m.qualifying(at), floor)
		}
		return
	}
	if i < 0 {
		rt.Fatalf("refund %s left level %d; the model revokes to %d (qualifying %s, floor %d)", ret, preLevel, want, m.qualifying(at), floor)
	}
	e := entries[i]
	if e.Kind != loyalty.EntryTier || e.Key != "revoke:"+ret || e.OrderID != order || e.From != preLevel || e.To != want || !e.Effective.Equal(at) {
		rt.Fatalf("refund %s: revocation %+v; model from %d to %d at %v", ret, e, preLevel, want, at)
	}
	if i == 0 || entries[i-1].Kind != loyalty.EntryClawback || entries[i-1].Key != "return:"+ret {
		rt.Fatalf("refund %s: revocation does not follow its claw-back", ret)
	}
	if !strings.Contains(e.Note, fmt.Sprintf("refund %q of order %q", ret, order)) {
		rt.Fatalf("revocation note %q does not name the refund", e.Note)
	}
}

// Exchange swaps units of an order for another size: no money moves, so
// nothing is clawed back, the qualifying spend stays, and the units stay
// sold (the model's returned counts do not change).
func (m *ledgerMachine) Exchange(rt *rapid.T) {
	type unit struct {
		order, line string
		left        int
	}
	var open []unit
	for _, id := range m.ids {
		o := m.orders[id]
		for lid, q := range o.qty {
			if q > o.returned[lid] {
				open = append(open, unit{id, lid, q - o.returned[lid]})
			}
		}
	}
	if len(open) == 0 {
		rt.Skip("nothing to exchange")
	}
	slices.SortFunc(open, func(a, b unit) int { return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.line, b.line)) })
	u := rapid.SampledFrom(open).Draw(rt, "unit")
	units := rapid.IntRange(1, u.left).Draw(rt, "units")
	m.nextID++
	r := customer.Return{ID: fmt.Sprint("E", m.nextID), OrderID: u.order, CustomerID: "M1", Time: m.now,
		Kind: customer.Exchange, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: u.line, Quantity: -units}}}
	before := m.a
	_, preClawed, _ := before.OrderPoints(u.order)
	entries, err := m.apply(rt, loyalty.Returned{Return: r})
	if err != nil {
		rt.Fatalf("exchange: %v", err)
	}
	c := ofKind(entries, loyalty.EntryClawback)
	if len(c) != 1 || c[0].Points != 0 || c[0].Qualifying != 0 || c[0].Debt != 0 || c[0].Forgiven != 0 || !c[0].Spend.IsZero() {
		rt.Fatalf("exchange clawed back %v", c)
	}
	if _, clawed, _ := m.a.OrderPoints(u.order); clawed != preClawed {
		rt.Fatalf("exchange changed the order's claw-back from %d to %d", preClawed, clawed)
	}
	if m.a.Debt > before.Debt {
		rt.Fatalf("exchange raised the debt from %d to %d", before.Debt, m.a.Debt)
	}
}

// Reduce gives back part of an order's price (a price reduction): the
// points of that share come back, never more than the order earned, and
// a reduction beyond the spend not yet given back is refused.
func (m *ledgerMachine) Reduce(rt *rapid.T) {
	var open []string
	for _, id := range m.ids {
		if m.orders[id].spendAt().Sign() > 0 {
			open = append(open, id)
		}
	}
	if len(open) == 0 {
		rt.Skip("nothing to reduce")
	}
	id := rapid.SampledFrom(open).Draw(rt, "order")
	o := m.orders[id]
	// What is left to reduce: the spend less refunds and reductions.
	left := o.spendAt().IntPart()
	amount := rapid.Int64Range(1, left).Draw(rt, "reduction")
	m.nextID++
	cr := customer.Credit{ID: fmt.Sprint("K", m.nextID), CustomerID: "M1", OrderID: id, Time: m.now,
		Kind: customer.PriceReduction, Amount: eurMoney(amount)}
	_, preClawed, _ := m.a.OrderPoints(id)
	held := m.held(id)
	entries, err := m.apply(rt, loyalty.Credited{Credit: cr})
	if err != nil {
		rt.Fatalf("reduction: %v", err)
	}
	o.reduced += amount
	r := ofKind(entries, loyalty.EntryReduction)
	if len(r) != 1 || r[0].Points > 0 || -r[0].Points+r[0].Forgiven+preClawed > o.earned {
		rt.Fatalf("reduction %v of an order that earned %d (clawed %d before)", r, o.earned, preClawed)
	}
	// Points in proportion: the member keeps the points of the units it
	// keeps in the share of their price it still pays.
	_, clawed, _ := m.a.OrderPoints(id)
	want := o.clawTarget()
	if clawed != want {
		rt.Fatalf("order %s: clawed %d after a reduction, want %d (spend %d, kept %s)", id, clawed, want, o.spend(), o.spendAt())
	}
	m.clawBack(o, want-o.clawed, held)
	// More than is left: refused, nothing changes.
	cr.ID += "-again"
	cr.Amount = eurMoney(o.spendAt().IntPart() + 1)
	if _, err := m.apply(rt, loyalty.Credited{Credit: cr}); err == nil {
		rt.Fatalf("a reduction beyond the spend was accepted")
	}
}

// Compensate records goodwill money: it takes no points and no spend.
func (m *ledgerMachine) Compensate(rt *rapid.T) {
	m.nextID++
	cr := customer.Credit{ID: fmt.Sprint("G", m.nextID), CustomerID: "M1", Time: m.now,
		Kind: customer.Compensation, Amount: eurMoney(rapid.Int64Range(1, 500).Draw(rt, "compensation"))}
	before := m.a
	entries, err := m.apply(rt, loyalty.Credited{Credit: cr})
	if err != nil {
		rt.Fatalf("compensation: %v", err)
	}
	r := ofKind(entries, loyalty.EntryReduction)
	if len(r) != 1 || r[0].Points != 0 || !r[0].Spend.IsZero() || r[0].Qualifying != 0 {
		rt.Fatalf("compensation moved points or spend: %v", r)
	}
	if m.a.Debt > before.Debt {
		rt.Fatalf("compensation raised the debt from %d to %d", before.Debt, m.a.Debt)
	}
}

func eurMoney(euros int64) customer.Money {
	m, err := customer.MoneyFromDecimal(decimal.NewFromInt(euros), "EUR")
	if err != nil {
		panic(err)
	}
	return m
}

func (m *ledgerMachine) allReturned(id string) bool {
	o := m.orders[id]
	for lid, q := range o.qty {
		if o.returned[lid] < q {
			return false
		}
	}
	return true
}

func (m *ledgerMachine) Redeem(rt *rapid.T) {
	pts := loyalty.Points(rapid.Int64Range(1, 2000).Draw(rt, "points"))
	m.nextID++
	// The points available once the ledger is brought to now.
	settled, _, err := m.p.Apply(m.a, loyalty.Tick{Member: "M1"}, m.now)
	if err != nil {
		rt.Fatalf("tick: %v", err)
	}
	if n, err := m.p.AvailableAt(m.a, m.now); err != nil || n != settled.Available {
		rt.Fatalf("AvailableAt %v: %d, %v; the account brought to then has %d", m.now, n, err, settled.Available)
	}
	_, err = m.apply(rt, loyalty.Redemption{Member: "M1", ID: fmt.Sprint("R", m.nextID), Points: pts, Time: m.now})
	switch {
	case pts > settled.Available && !errors.Is(err, loyalty.ErrInsufficient):
		rt.Fatalf("redeemed %d of %d available: %v", pts, settled.Available, err)
	case pts <= settled.Available && err != nil:
		rt.Fatalf("redeem %d of %d available: %v", pts, settled.Available, err)
	case err == nil:
		m.balance -= pts
	}
}

// RedeemLate records a redemption late: dated up to 8 days before or
// after the ledger's now, or shortly before a lot's expiry (recorded or
// not yet), and recorded up to 8 days later. Recorded within the
// programme's LateDays of its time, it is judged at its time: it spends
// first, nearest expiry first, the points alive then (earned by then)
// that expired since — put back when the ledger recorded their expiry,
// expiring after it when not — then the points available when it is
// recorded, and the expiry writes off only what it left. Recorded later,
// it spends only the points available when it is recorded. It may pay
// for an order: refunds of the order recorded before it give back at
// once what they would have given back had it come first. Too few
// points: refused, nothing changes.
func (m *ledgerMachine) RedeemLate(rt *rapid.T) {
	hours := func(lo, hi int, label string) time.Duration {
		return time.Duration(rapid.IntRange(lo, hi).Draw(rt, label)) * time.Hour
	}
	var expiries []time.Time // of the open lots and of the points that expired
	for _, l := range m.a.Lots() {
		expiries = append(expiries, l.ExpiresAt)
	}
	for _, x := range m.lapsed {
		if x.points > 0 {
			expiries = append(expiries, x.expires)
		}
	}
	var t time.Time
	if len(expiries) > 0 && rapid.Bool().Draw(rt, "just before an expiry") {
		t = rapid.SampledFrom(expiries).Draw(rt, "expiry").Add(-hours(1, 3*24, "hours before the expiry"))
	} else {
		t = m.now.Add(hours(-8*24, 8*24, "hours after now"))
	}
	if t.Before(m.joined) {
		t = m.joined
	}
	at := t
	if at.Before(m.now) {
		at = m.now
	}
	at = at.Add(hours(0, 8*24, "hours recorded after its time"))
	late := at.After(t) && at.Sub(t) <= modelLateDays*24*time.Hour
	// It may pay for an order, refunded or not. The points that order
	// earned, when it is dated at t or later, do not pay for it.
	paid, own := "", ""
	if len(m.ids) > 0 && rapid.Bool().Draw(rt, "pays for an order") {
		paid = rapid.SampledFrom(m.ids).Draw(rt, "order paid")
		if !m.orders[paid].at.Before(t) {
			own = "order:" + paid
		}
	}
	// What settling the ledger to at does, as a Tick would: the lots
	// alive at t that expire by at wait when the redemption is late.
	settled, tick, err := m.p.Apply(m.a, loyalty.Tick{Member: "M1"}, at)
	if err != nil {
		rt.Fatalf("tick: %v", err)
	}
	lots := map[string]loyalty.Lot{}
	for _, l := range m.a.Lots() {
		lots[l.ID] = l
	}
	type expiring struct {
		lot loyalty.Lot
		pts loyalty.Points
	}
	var lost, waiting []expiring
	var waitSum loyalty.Points
	for _, e := range ofKind(tick, loyalty.EntryExpire) {
		x := expiring{lots[e.Parts[0].Lot], e.Parts[0].Points}
		if late && !x.lot.EarnedAt.After(t) && x.lot.ExpiresAt.After(t) {
			waiting = append(waiting, x)
			if x.lot.ID != own {
				waitSum += x.pts
			}
		} else {
			lost = append(lost, x)
		}
	}
	var idx []int
	var back []loyalty.Points
	if late {
		all, pts := m.reopenable(t)
		for k, i := range all {
			if m.lapsed[i].lot != own {
				idx, back = append(idx, i), append(back, pts[k])
			}
		}
	}
	pool := settled.Available + waitSum
	for _, l := range settled.Lots() {
		if l.ID == own && !l.Pending {
			pool -= l.Remaining
		}
	}
	for _, n := range back {
		pool += n
	}
	if own == "" && (at.Equal(t) || at.Equal(settled.AsOf)) {
		// What AvailableAt says it may spend, of the account brought
		// to the time it is recorded (its AsOf, when that brought
		// entries).
		if n, err := m.p.AvailableAt(settled, t); err != nil || n != pool {
			rt.Fatalf("AvailableAt %v: %d, %v; a redemption then recorded at %v may spend %d", t, n, err, at, pool)
		}
	}
	pts := loyalty.Points(rapid.Int64Range(1, int64(pool)+100).Draw(rt, "points"))
	m.nextID++
	id := fmt.Sprint("L", m.nextID)
	prev := m.now
	m.now = at // the entries are checked against the ledger's new now
	entries, err := m.apply(rt, loyalty.Redemption{Member: "M1", ID: id, Points: pts, Time: t, Order: paid})
	if pts > pool {
		m.now = prev
		var ie *loyalty.InsufficientError
		if !errors.As(err, &ie) || ie.Available != pool {
			rt.Fatalf("redeemed %d of the %d points a redemption of %v recorded at %v may spend: %v", pts, pool, t, at, err)
		}
		return
	}
	if err != nil {
		rt.Fatalf("redeem %d of the %d points a redemption of %v recorded at %v may spend: %v", pts, pool, t, at, err)
	}
	// The expiries of the lots not alive at t (or all, when not late)
	// come first and lose their points.
	for _, x := range lost {
		m.lapse(x.lot, x.pts)
		m.balance -= x.pts
	}
	// Then the points put back, nearest expiry first.
	need := pts
	reopens := ofKind(entries, loyalty.EntryReopen)
	k := 0
	for i, j := range idx {
		n := min(need, back[i])
		if n == 0 {
			break
		}
		if k >= len(reopens) {
			rt.Fatalf("redemption of %v recorded at %v put back %d lots, the model %d or more", t, at, len(reopens), k+1)
		}
		x := &m.lapsed[j]
		require.Equal(rt, []loyalty.LotPart{{Lot: x.lot, Points: n}}, reopens[k].Parts, "reopen %d", k)
		require.Equal(rt, n, reopens[k].Points)
		require.True(rt, reopens[k].ExpiresAt.Equal(x.expires), "the points put back keep their expiry")
		x.points -= n
		if o := m.orders[x.order]; o != nil {
			o.expired -= n
		}
		need -= n
		m.balance += n
		k++
	}
	require.Len(rt, reopens, k, "lots put back")
	redeem := ofKind(entries, loyalty.EntryRedeem)
	require.Len(rt, redeem, 1)
	require.Equal(rt, -pts, redeem[0].Points)
	require.True(rt, redeem[0].Effective.Equal(t))
	m.balance -= pts
	// Then the lots alive at t that waited, nearest expiry first; what
	// the redemption left of them expires after it.
	slices.SortFunc(waiting, func(a, b expiring) int {
		return cmp.Or(a.lot.ExpiresAt.Compare(b.lot.ExpiresAt), a.lot.EarnedAt.Compare(b.lot.EarnedAt), cmp.Compare(a.lot.ID, b.lot.ID))
	})
	after := map[string]loyalty.Points{}
	ri := slices.IndexFunc(entries, func(e loyalty.Entry) bool { return e.Kind == loyalty.EntryRedeem })
	given := map[string]bool{} // lots given back for refunds of the order paid, checked below
	for _, e := range ofKind(entries, loyalty.EntryRestore) {
		given[e.Lot] = true
	}
	for _, e := range entries[ri+1:] {
		if e.Kind == loyalty.EntryExpire && !given[e.Parts[0].Lot] {
			after[e.Parts[0].Lot] += e.Parts[0].Points
		}
	}
	for _, x := range waiting {
		n := min(need, x.pts)
		if x.lot.ID == own {
			n = 0 // not spent: it pays for the order that earned it
		}
		need -= n
		left := x.pts - n
		require.Equal(rt, left, after[x.lot.ID], "lot %s alive at the redemption's time: only what it left expires after it", x.lot.ID)
		delete(after, x.lot.ID)
		if left > 0 {
			m.lapse(x.lot, left)
			m.balance -= left
		}
	}
	require.Empty(rt, after, "no other expiry after the redemption")
	if o := m.orders[paid]; o != nil {
		m.giveBackRefunded(rt, paid, t, pts, entries, lots, settled.Debt)
	}
}

// giveBackRefunded follows a redemption of pts points at t that paid for
// order id, recorded at m.now with entries, lots being the lots before it
// and debt the debt: the refunds of o recorded before it give back at
// once, one after another, what each would have given back had the
// redemption come first, as of the refund (or t, when later): latest
// expiry first after the points given back before, each lot keeping the
// expiry of the points it replaces, given back expired when that is not
// after the refund. What is given back alive settles debt, nearest
// expiry first, and what it leaves expires at its date, when that has
// come.
func (m *ledgerMachine) giveBackRefunded(rt *rapid.T, id string, t time.Time, pts loyalty.Points, entries []loyalty.Entry, lots map[string]loyalty.Lot, debt loyalty.Points) {
	o := m.orders[id]
	expiry := map[string]time.Time{}
	for id, l := range lots {
		expiry[id] = l.ExpiresAt
	}
	for _, e := range ofKind(entries, loyalty.EntryReopen) {
		expiry[e.Lot] = e.ExpiresAt
	}
	var drawn []modelShare
	for _, part := range ofKind(entries, loyalty.EntryRedeem)[0].Parts {
		drawn = append(drawn, modelShare{expiry[part.Lot], part.Points})
	}
	o.addDrawn(drawn)
	o.redeemed += pts

	restores := ofKind(entries, loyalty.EntryRestore)
	expired := map[string]loyalty.Points{} // by lot, with when
	when := map[string]time.Time{}
	given := map[string]bool{}
	for _, e := range restores {
		given[e.Lot] = true
	}
	for _, e := range ofKind(entries, loyalty.EntryExpire) {
		if given[e.Parts[0].Lot] {
			expired[e.Parts[0].Lot] += e.Parts[0].Points
			when[e.Parts[0].Lot] = e.Effective
		}
	}
	repaid := map[string]loyalty.Points{}
	for _, e := range ofKind(entries, loyalty.EntryRepay) {
		repaid[e.Parts[0].Lot] += e.Parts[0].Points
	}
	returned := map[string]int{}
	k := 0
	for _, r := range o.refunds {
		returned[r.line] += r.units
		give := o.restoreTargetOf(returned) - o.restored
		if give <= 0 {
			continue
		}
		as := r.at
		if as.Before(t) {
			as = t
		}
		shares := o.giveBack(give)
		var alive []modelShare
		var lotsAlive []string
		for _, sh := range shares {
			require.Less(rt, k, len(restores), "refund %s of order %s gives back %d points in %d lots", r.id, id, give, len(shares))
			e := restores[k]
			k++
			require.Equal(rt, sh.points, e.Points, "restore %s", e.Key)
			require.True(rt, e.Effective.Equal(as) && e.AvailableAt.Equal(as), "restore %s as of %v, the refund %v", e.Key, e.Effective, as)
			require.True(rt, strings.HasSuffix(e.Key, ":"+r.id), "restore %s for refund %s", e.Key, r.id)
			m.balance += sh.points
			if !sh.expires.After(as) {
				// Given back expired, at once.
				require.True(rt, e.ExpiresAt.Equal(as), "restore %s of points expired %v expires %v", e.Key, sh.expires, e.ExpiresAt)
				require.Equal(rt, sh.points, expired[e.Lot], "restore %s expires at once", e.Key)
				require.True(rt, when[e.Lot].Equal(as))
				m.lapse(loyalty.Lot{ID: e.Lot, OrderID: e.OrderID, EarnedAt: as, ExpiresAt: as}, sh.points)
				m.balance -= sh.points
				delete(expired, e.Lot)
				continue
			}
			require.True(rt, e.ExpiresAt.Equal(sh.expires), "restore %s expires %v, the points it replaces %v", e.Key, e.ExpiresAt, sh.expires)
			alive, lotsAlive = append(alive, sh), append(lotsAlive, e.Lot)
		}
		o.restored += give
		// Nearest expiry first, what is alive settles debt; what is left
		// expires at its date if that has come.
		for i := len(alive) - 1; i >= 0; i-- {
			sh, lot := alive[i], lotsAlive[i]
			x := min(debt, sh.points)
			debt -= x
			require.Equal(rt, x, repaid[lot], "lot %s settles debt", lot)
			left := sh.points - x
			if sh.expires.After(m.now) || left == 0 {
				require.Zero(rt, expired[lot], "lot %s given back alive", lot)
				continue
			}
			require.Equal(rt, left, expired[lot], "lot %s expires at its date", lot)
			require.True(rt, when[lot].Equal(sh.expires))
			m.lapse(loyalty.Lot{ID: lot, OrderID: id, EarnedAt: as, ExpiresAt: sh.expires}, left)
			m.balance -= left
			delete(expired, lot)
		}
	}
	require.Len(rt, restores, k, "points given back for the refunds before the redemption")
	require.Empty(rt, expired, "no other expiry of the points given back")
}

func (m *ledgerMachine) Adjust(rt *rapid.T) {
	pts := loyalty.Points(rapid.Int64Range(-300, 300).Draw(rt, "points"))
	if pts == 0 {
		rt.Skip("zero adjustment")
	}
	m.nextID++
	_, err := m.apply(rt, loyalty.Adjustment{Member: "M1", ID: fmt.Sprint("A", m.nextID), Points: pts, Reason: "model", Operator: "rapid", Time: m.now})
	if err != nil && !errors.Is(err, loyalty.ErrInsufficient) {
		rt.Fatalf("adjust %d: %v", pts, err)
	}
	if err == nil {
		m.balance += pts
	}
}

// Erase erases the member's birthday: no points move, and the join
// stays recognised when it is delivered again (Redeliver).
func (m *ledgerMachine) Erase(rt *rapid.T) {
	m.nextID++
	entries, err := m.apply(rt, loyalty.Erasure{Member: "M1", ID: fmt.Sprint("E", m.nextID), Time: m.now})
	if err != nil {
		rt.Fatalf("erase: %v", err)
	}
	m.birthday = customer.Birthday{}
	if !m.a.Birthday.IsZero() || m.a.Erased.IsZero() {
		rt.Fatalf("after an erasure the account holds a birthday or no erasure time")
	}
	for _, e := range entries {
		if e.Kind == loyalty.EntryErase && e.Points != 0 {
			rt.Fatalf("the erasure entry moves %d points", e.Points)
		}
	}
}

// Ahead hands the member's ledger, as the model holds it, to a service
// wired to a clock that reads the model's now, and applies a tick or a
// purchase at a now ahead of it: beyond the tolerance (DefaultMaxAhead)
// it is refused and the ledger stays as it was; at the bound it gives
// what Programme.Apply gives. The model does not take the event: the
// member's own time goes on from the model's now.
func (m *ledgerMachine) Ahead(rt *rapid.T) {
	ctx := context.Background()
	store := loyalty.NewMemStore()
	if err := store.Append(ctx, "M1", 0, m.log); err != nil {
		rt.Fatalf("the model's ledger: %v", err)
	}
	svc := loyalty.NewService(m.p, store, &loyalty.ServiceOptions{Clock: func() time.Time { return m.now }})
	lead := rapid.SampledFrom([]time.Duration{loyalty.DefaultMaxAhead + time.Nanosecond, time.Hour, 90 * 24 * time.Hour, 10 * 365 * 24 * time.Hour}).Draw(rt, "lead")
	atBound := rapid.Bool().Draw(rt, "at the bound")
	if atBound {
		lead = loyalty.DefaultMaxAhead
	}
	now := m.now.Add(lead)
	m.nextID++
	var e loyalty.Event = loyalty.Tick{Member: "M1"}
	if rapid.Bool().Draw(rt, "purchase") {
		e = loyalty.Purchase{Order: order(fmt.Sprint("A", m.nextID), "M1", now, line("X", "coats", "120", 1))}
	}
	a, entries, err := svc.Apply(ctx, e, now)
	if !atBound {
		var ae *loyalty.NowAheadError
		if !errors.As(err, &ae) || !ae.Now.Equal(now) || !ae.Clock.Equal(m.now) || len(entries) != 0 {
			rt.Fatalf("%T %v ahead of the clock: got %v, want a NowAheadError", e, lead, err)
		}
		if stored, err := store.Entries(ctx, "M1", 0); err != nil || !reflect.DeepEqual(stored, m.log) {
			rt.Fatalf("a refused %T changed the ledger (%v)", e, err)
		}
		return
	}
	want, wantEntries, wantErr := m.p.Apply(m.a, e, now)
	if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(entries, wantEntries) || a.Version != want.Version && err == nil {
		rt.Fatalf("%T at the bound: service %v %v, Programme.Apply %v %v", e, entries, err, wantEntries, wantErr)
	}
}

// The model programme's bonuses: the birthday gift, claimed in the
// birthday month once a calendar year, and the bonus for each survey.
const (
	modelBirthdayGift loyalty.Points = 40
	modelSurveyBonus  loyalty.Points = 25
	modelProfileBonus loyalty.Points = 35
)

// ClaimBirthday claims the birthday gift now: a lot available at once,
// as a positive adjustment, given once a year and only in the birthday
// month of a member whose birthday is known (not erased); any other
// claim is refused and changes nothing.
func (m *ledgerMachine) ClaimBirthday(rt *rapid.T) {
	_, err := m.apply(rt, loyalty.BirthdayClaim{Member: "M1", Time: m.now})
	var ve *customer.ValidationError
	switch y := m.now.Year(); {
	case m.gifts[y]:
		if !errors.Is(err, loyalty.ErrDuplicate) {
			rt.Fatalf("second birthday claim of %d: got %v, want a duplicate", y, err)
		}
	case m.birthday.IsZero() || m.now.Month() != m.birthday.Month:
		if !errors.As(err, &ve) {
			rt.Fatalf("birthday claim on %v, birthday %v (erased %t): got %v, want a validation error",
				m.now, m.birthday.Month, !m.a.Erased.IsZero(), err)
		}
	case err != nil:
		rt.Fatalf("birthday claim in the birthday month of %d: %v", y, err)
	default:
		m.gifts[y] = true
		m.balance += modelBirthdayGift
	}
}

// DropGold restructures the programme once: it drops its top tier,
// gold, so that silver is the top tier. A member holding gold holds
// silver from then on, and the next event applied records the move
// (checked by apply and checkEntry); gold's multiplier no longer applies,
// also to purchases recorded late dated when the member held gold.
func (m *ledgerMachine) DropGold(rt *rapid.T) {
	if m.dropped || m.droppedSilver {
		rt.Skip("restructured already")
	}
	m.sweep(rt)
	m.dropped = true
	m.compile(rt)
}

// DropSilver restructures the programme once: it drops its middle
// tier, silver, so that gold is the second tier. A member holding
// silver holds base from then on (the tier below: no one is upgraded),
// and one holding gold holds gold; the next event applied records the
// move (checked by apply and checkEntry), off a dropped tier or of a
// renumbered one. Silver's Min no longer counts: 900 reaches gold.
func (m *ledgerMachine) DropSilver(rt *rapid.T) {
	if m.dropped || m.droppedSilver {
		rt.Skip("restructured already")
	}
	m.sweep(rt)
	m.droppedSilver = true
	m.compile(rt)
}

// compile sets the programme as restructured (DropGold, DropSilver) and
// naming ledgers or not (SwitchNaming).
func (m *ledgerMachine) compile(rt *rapid.T) {
	c := modelConfig(m.policy, m.revokeDays)
	switch {
	case m.dropped:
		c.Tiers.Levels = c.Tiers.Levels[:2]
	case m.droppedSilver:
		c.Tiers.Levels = []loyalty.TierLevel{c.Tiers.Levels[0], c.Tiers.Levels[2]}
	}
	c.Tiers.NameLedgers = m.naming
	p, err := loyalty.Compile(c)
	if err != nil {
		rt.Fatal(err)
	}
	m.p = p
}

// SwitchNaming turns the programme's NameLedgers on or off: with it, the
// next event applied to a ledger that names no tier names it (checked
// by apply and checkEntry); without, nothing is named that way, and a
// ledger named with it reads and takes events as before.
func (m *ledgerMachine) SwitchNaming(rt *rapid.T) {
	m.naming = !m.naming
	m.compile(rt)
}

// ForgetNames makes the ledger one written before tier names were
// recorded: its entries without their tier names ([Entry].TierName), as
// a member's ledger of a programme running when the library began to
// record them. Under a programme that names ledgers (SwitchNaming) the
// next event applied names the tier held; under one that does not, the
// next tier or review entry does (checked by apply and checkEntry). Old
// ledgers predate restructures by name, so only before the programme
// restructured, and before a naming.
func (m *ledgerMachine) ForgetNames(rt *rapid.T) {
	if m.dropped || m.droppedSilver {
		rt.Skip("restructured already")
	}
	if slices.ContainsFunc(m.log, func(e loyalty.Entry) bool { return strings.HasPrefix(e.Key, "named-tier:") }) {
		rt.Skip("named already")
	}
	old := make([]loyalty.Entry, len(m.log))
	for i, e := range m.log {
		old[i] = e
		switch e.Kind {
		case loyalty.EntryJoin, loyalty.EntryTier, loyalty.EntryReview:
			old[i].TierName = ""
		}
	}
	a, err := loyalty.Replay(old)
	if err != nil {
		rt.Fatalf("replay of the ledger without tier names: %v", err)
	}
	if a.LevelName() != "" || a.Level != m.a.Level || a.Balance() != m.a.Balance() || !a.NextReview.Equal(m.a.NextReview) ||
		!a.LevelSince.Equal(m.a.LevelSince) || !a.GraceUntil.Equal(m.a.GraceUntil) {
		rt.Fatalf("the ledger without tier names replays to another account")
	}
	for i := range m.tiers {
		m.tiers[i].ledgerFrom, m.tiers[i].ledgerTo = "", ""
	}
	m.a, m.log, m.unnamed = a, old, true
}

// sweep names the tier of a ledger written before tier names were
// recorded with a Tick now, under the programme that wrote it, naming
// ledgers (set first when it does not): what a retailer does before
// restructuring its tiers. The naming names the
// tier held, and the one held before at the same index, but not the
// tiers held before at other indexes ([TierConfig].Levels), which a
// restructure still reads by index: the restructure follows the
// naming (by the sweep or an event before it) after longer than an
// event recorded later may look back (a purchase recorded late, the
// lowest tier held within RevokeDays of a refund).
func (m *ledgerMachine) sweep(rt *rapid.T) {
	if m.unnamed {
		if !m.naming {
			m.naming = true
			m.compile(rt)
		}
		m.wait(rt, 0)
		if m.unnamed {
			rt.Fatalf("the sweep named no tier")
		}
	}
	if horizon := m.namedAt.Add(91 * 24 * time.Hour); !m.namedAt.IsZero() && m.now.Before(horizon) {
		m.wait(rt, 10*24*time.Hour+time.Hour)
		if m.now.Before(horizon) {
			m.wait(rt, horizon.Sub(m.now))
		}
	}
}

// ChangeBirthday gives the member another birthday now, or none: the
// birthday claims after it follow the new one, still once a calendar
// year (ClaimBirthday); after an erasure it is refused and changes
// nothing.
func (m *ledgerMachine) ChangeBirthday(rt *rapid.T) {
	var bd customer.Birthday
	if rapid.IntRange(0, 4).Draw(rt, "birthday known") > 0 {
		bd = customer.Birthday{Month: time.Month(rapid.IntRange(1, 12).Draw(rt, "new birthday month")), Day: rapid.IntRange(1, 28).Draw(rt, "new birthday day")}
	}
	m.nextID++
	_, err := m.apply(rt, loyalty.BirthdayChanged{Member: "M1", ID: fmt.Sprint("B", m.nextID), Birthday: bd, Time: m.now})
	var ve *customer.ValidationError
	switch {
	case !m.a.Erased.IsZero():
		if !errors.As(err, &ve) {
			rt.Fatalf("birthday change after the erasure: got %v, want a validation error", err)
		}
	case err != nil:
		rt.Fatalf("birthday change: %v", err)
	default:
		m.birthday = bd
		if m.a.Birthday != bd {
			rt.Fatalf("birthday changed to %v, the account holds %v", bd.Month, m.a.Birthday.Month)
		}
	}
}

// CompleteProfile completes the clothing profile now: the bonus is
// given once, as a lot available at once; completed again at another
// time, the key is reused and nothing changes.
func (m *ledgerMachine) CompleteProfile(rt *rapid.T) {
	profile := customer.Profile{TopSize: "M", BottomSize: "32", ShoeSize: "42", HeightCM: 178, Fit: customer.Regular,
		Styles: []string{"classic"}, Colours: []string{"navy"}, Categories: []string{"coats"}}
	_, err := m.apply(rt, loyalty.ProfileCompleted{Member: "M1", Profile: profile, Time: m.now})
	switch {
	case !m.profiled.IsZero():
		var de *loyalty.DuplicateError
		if !errors.As(err, &de) || de.Same != m.profiled.Equal(m.now) {
			rt.Fatalf("profile completed again: got %v, want a duplicate", err)
		}
	case err != nil:
		rt.Fatalf("profile completed: %v", err)
	default:
		m.profiled = m.now
		m.balance += modelProfileBonus
	}
}

// AnswerSurvey answers one of a few surveys now: the first answer of a
// survey earns a lot available at once; answering it again at another
// time reuses its key and is refused, changing nothing.
func (m *ledgerMachine) AnswerSurvey(rt *rapid.T) {
	id := rapid.SampledFrom([]string{"fit", "colours", "service"}).Draw(rt, "survey")
	_, err := m.apply(rt, loyalty.SurveyAnswered{Member: "M1", SurveyID: id, Time: m.now})
	at, answered := m.surveys[id]
	switch {
	case answered:
		var de *loyalty.DuplicateError
		if !errors.As(err, &de) || de.Same != at.Equal(m.now) {
			rt.Fatalf("survey %q answered again: got %v, want a duplicate", id, err)
		}
	case err != nil:
		rt.Fatalf("survey %q: %v", id, err)
	default:
		m.surveys[id] = m.now
		m.balance += modelSurveyBonus
	}
}

// The model programme's gift: a scarf for modelGiftPoints points, at
// most modelGiftLimit times per member.
const (
	modelGift                      = "scarf"
	modelGiftPoints loyalty.Points = 150
	modelGiftLimit                 = 2
)

// TakeGift takes the gift for one of a few request IDs, so that a
// request may come again (a redelivery, at the same time or another):
// a request taken before is a duplicate; otherwise the gift is refused
// once taken modelGiftLimit times (field "gift.max_per_member"), then
// when too few points are available, and else spends its points, which
// no refund gives back (the model's balance keeps them spent).
func (m *ledgerMachine) TakeGift(rt *rapid.T) {
	settled, _, err := m.p.Apply(m.a, loyalty.Tick{Member: "M1"}, m.now)
	if err != nil {
		rt.Fatalf("tick: %v", err)
	}
	req := fmt.Sprint("G", rapid.IntRange(1, 4).Draw(rt, "gift request"))
	r, err := m.p.GiftRedemption("M1", modelGift, req, m.now)
	if err != nil {
		rt.Fatal(err)
	}
	taken := m.a.GiftUses(modelGift)
	again := m.a.HasKey(r.Key())
	_, err = m.apply(rt, r)
	var ve *customer.ValidationError
	switch {
	case again:
		if !errors.Is(err, loyalty.ErrDuplicate) {
			rt.Fatalf("gift request %s again: got %v, want a duplicate", req, err)
		}
	case taken >= modelGiftLimit:
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != "gift.max_per_member" {
			rt.Fatalf("gift taken %d times, once more: got %v, want the limit", taken, err)
		}
	case modelGiftPoints > settled.Available:
		if !errors.Is(err, loyalty.ErrInsufficient) {
			rt.Fatalf("gift of %d with %d available: got %v", modelGiftPoints, settled.Available, err)
		}
	case err != nil:
		rt.Fatalf("gift of %d with %d available: %v", modelGiftPoints, settled.Available, err)
	default:
		m.balance -= modelGiftPoints
		taken++
	}
	if got := m.a.GiftUses(modelGift); got != taken {
		rt.Fatalf("gift taken %d times, the account counts %d", taken, got)
	}
}

func (m *ledgerMachine) Redeliver(rt *rapid.T) {
	var keyed []loyalty.Event
	for _, e := range m.events {
		if e.Key() != "" {
			keyed = append(keyed, e)
		}
	}
	e := rapid.SampledFrom(keyed).Draw(rt, "event")
	_, err := m.apply(rt, e)
	var de *loyalty.DuplicateError
	if !errors.As(err, &de) || !de.Same {
		rt.Fatalf("redelivered %s: got %v, want a duplicate", e.Key(), err)
	}
}

// TestLedgerModel runs random histories of one member against a model:
// the balance is the model's and the sum of the entries; no double earn;
// nothing negative outside the debt policy; redemption nearest expiry
// first; claw-back never above what the order earned; points paid for an
// order come back with its refunded goods, in proportion, never more than
// were paid, latest expiry first and keeping the expiry of the points
// they replace (expired at once, before the claw-back, when that has
// passed), also for refunds recorded before the redemption that paid,
// refund by refund as of each refund; a redemption recorded late is
// judged at its own time, within the programme's bound: it may spend the
// points that expired since, and the expiry writes off only what it left; tier changes only as the
// rules say: a purchase, also one recorded up to 20 days late, earns
// with the tier held at its time and moves the member up as of the
// earliest purchase time, not before its own nor the last tier change,
// at which the spend dated up to then reaches the tier; reviews fall every two calendar months from the join or the
// last upgrade between reviews, on its day of the month or the month's
// last day, however long the ledger waits; bonuses (the birthday gift,
// once a year in the birthday month of the birthday held then, which a
// birthday change moves and an erasure ends; the profile bonus once; a
// survey's once) add a lot available at once; a gift of the catalogue
// spends its points, at most its limit of times, and a request taken
// again is a duplicate.
func TestLedgerModel(t *testing.T) {
	for _, policy := range []loyalty.DebtPolicy{loyalty.DebtRecord, loyalty.DebtCapAtZero} {
		t.Run(policy.String(), func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				// Tiers taken back by a refund never, within 20 days
				// of reaching them, or within 90, longer than the
				// review period, so that a grace may be under way.
				revoke := rapid.SampledFrom([]int{0, 20, 90}).Draw(rt, "revoke days")
				p := modelProgrammeRevoking(t, policy, revoke)
				// Joined on any day, often at the end of a month, whose day
				// later months may lack.
				y := rapid.IntRange(2026, 2028).Draw(rt, "join year")
				mo := time.Month(rapid.IntRange(1, 12).Draw(rt, "join month"))
				d := min(rapid.SampledFrom([]int{1, 15, 28, 29, 30, 31}).Draw(rt, "join day"), daysIn(y, mo))
				start := time.Date(y, mo, d, 9, 0, 0, 0, time.UTC)
				m := &ledgerMachine{p: p, policy: policy, revokeDays: revoke, now: start, joined: start, orders: map[string]*modelOrder{}}
				// The model programme gives a birthday gift (ClaimBirthday)
				// but no birthday multiplier; the birthday may be erased
				// (Erase).
				var bd customer.Birthday
				if rapid.Bool().Draw(rt, "birthday") {
					bd = customer.Birthday{Month: time.Month(rapid.IntRange(1, 12).Draw(rt, "birthday month")), Day: rapid.IntRange(1, 28).Draw(rt, "birthday day")}
				}
				m.birthday, m.gifts, m.surveys = bd, map[int]bool{}, map[string]time.Time{}
				if _, err := m.apply(rt, loyalty.Join{Member: "M1", Birthday: bd, Time: start}); err != nil {
					rt.Fatal(err)
				}
				rt.Repeat(rapid.StateMachineActions(m))
			})
		})
	}
}
