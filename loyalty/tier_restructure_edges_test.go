package loyalty_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// bpgpTiers returns the club with the tiers bronze (0), silver (500),
// gold (1500) and platinum (3000), or those of them named in keep, in
// that order, the lowest starting at 0.
func bpgpTiers(t testing.TB, keep ...string) *loyalty.Programme {
	t.Helper()
	all := []loyalty.TierLevel{
		{Name: "bronze", Min: dec("0")},
		{Name: "silver", Min: dec("500"), Multiplier: dec("1.25")},
		{Name: "gold", Min: dec("1500"), Multiplier: dec("1.5")},
		{Name: "platinum", Min: dec("3000"), Multiplier: dec("2")},
	}
	var levels []loyalty.TierLevel
	for _, l := range all {
		if len(keep) == 0 || slices.Contains(keep, l.Name) {
			levels = append(levels, l)
		}
	}
	levels[0].Min = decimal.Zero
	c := club(t).Config()
	c.Tiers.Levels = levels
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// fourTierMember returns the account of a member of bpgpTiers who
// joined on 5 January 2026 and bought for each amount of spends on the
// first of the months from February on.
func fourTierMember(t testing.TB, spends ...string) loyalty.Account {
	t.Helper()
	a, _ := fourTierLedger(t, spends...)
	return a
}

// fourTierLedger is fourTierMember with the member's entries.
func fourTierLedger(t testing.TB, spends ...string) (loyalty.Account, []loyalty.Entry) {
	t.Helper()
	p := bpgpTiers(t)
	var a loyalty.Account
	var all []loyalty.Entry
	events := []loyalty.Event{loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}}
	for i, s := range spends {
		events = append(events, loyalty.Purchase{Order: order(fmt.Sprintf("O%d", i+1), "M1", day(2026, time.Month(2+i), 1), line("COAT", "coats", s, 1))})
	}
	for _, ev := range events {
		next, es, err := p.Apply(a, ev, day(2026, 6, 1))
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	return a, all
}

// Several tiers dropped at once upgrade no one: with silver and gold
// dropped from bronze, silver, gold and platinum, a gold member (who
// reached gold straight from bronze, or through silver) holds bronze,
// not platinum, the tier now at the position below gold's: its
// qualifying value never reached platinum's Min while it held gold. One
// tier dropped moves its members as before, to the tier below.
func TestSeveralTiersDroppedUpgradeNoOne(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spends []string
		keep   []string
		want   string
		note   string // in the move's note when not the tier at the position
	}{
		{"gold from bronze, silver and gold dropped", []string{"2000"}, []string{"bronze", "platinum"}, "bronze", "not platinum's 3000"},
		{"gold through silver, silver and gold dropped", []string{"600", "1000"}, []string{"bronze", "platinum"}, "bronze", "not platinum's 3000"},
		{"gold, gold dropped", []string{"2000"}, []string{"bronze", "silver", "platinum"}, "silver", ""},
		{"gold, bronze and gold dropped", []string{"2000"}, []string{"silver", "platinum"}, "silver", "not platinum's 3000"},
		{"silver, silver dropped", []string{"600"}, []string{"bronze", "gold", "platinum"}, "bronze", ""},
		{"platinum, platinum and gold dropped", []string{"4000"}, []string{"bronze", "silver"}, "silver", ""},
		{"platinum, platinum dropped", []string{"4000"}, []string{"bronze", "silver", "gold"}, "gold", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fourTierMember(t, tc.spends...)
			p := bpgpTiers(t, tc.keep...)
			assert.Equal(t, tc.want, p.Tier(a).Name)
			assert.Equal(t, tc.want, p.TierAt(a, day(2026, 5, 15)).Name)
			b, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 6, 2))
			require.NoError(t, err)
			moves := tierMoves(es, "dropped-tier:")
			require.Len(t, moves, 1, "%v", es)
			assert.Equal(t, tc.want, moves[0].TierName, moves[0].Note)
			if tc.note != "" {
				assert.Contains(t, moves[0].Note, tc.note)
			} else {
				assert.Contains(t, moves[0].Note, "moved to the tier below it, "+tc.want)
			}
			assert.Equal(t, tc.want, b.LevelName())
		})
	}

	// A refund since takes nothing from the value that reached gold:
	// with gold dropped, a gold member whose purchase was refunded (no
	// RevokeDays: it keeps gold until the review) holds silver, as
	// before; with silver and gold dropped, still not platinum.
	a, all := fourTierLedger(t, "2000")
	a, es := applyAll(t, bpgpTiers(t), a, day(2026, 6, 1), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 6, 1), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	require.Equal(t, "gold", a.LevelName())
	require.True(t, bpgpTiers(t).Qualifying(a, day(2026, 2, 1)).IsZero())
	assert.Equal(t, "silver", bpgpTiers(t, "bronze", "silver", "platinum").Tier(a).Name)
	assert.Equal(t, "bronze", bpgpTiers(t, "bronze", "platinum").Tier(a).Name)
	r, err := loyalty.Replay(append(all, es...))
	require.NoError(t, err)
	assert.Equal(t, "silver", bpgpTiers(t, "bronze", "silver", "platinum").Tier(r).Name, "replayed")
	assert.Equal(t, "silver", bpgpTiers(t, "bronze", "silver", "platinum").TierAt(r, day(2026, 3, 1)).Name)

	// A ledger written before tier names were recorded, at a level above
	// the programme's top tier, holds the top tier only when it reached
	// its Min: a gold member (level 2) of a programme of bronze and
	// platinum holds bronze.
	_, all = fourTierLedger(t, "2000")
	for i := range all {
		all[i].TierName = ""
	}
	a, err = loyalty.Replay(all)
	require.NoError(t, err)
	require.Equal(t, 2, a.Level)
	p := bpgpTiers(t, "bronze", "platinum")
	assert.Equal(t, "bronze", p.Tier(a).Name)
	_, es, err = p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 6, 2))
	require.NoError(t, err)
	moves := tierMoves(es, "dropped-tier:")
	require.Len(t, moves, 1, "%v", es)
	assert.Equal(t, 0, moves[0].To)
	assert.Contains(t, moves[0].Note, "not platinum's 3000")
	// The top tier when it reached it.
	_, all = fourTierLedger(t, "4000")
	for i := range all {
		all[i].TierName = ""
	}
	a, err = loyalty.Replay(all)
	require.NoError(t, err)
	require.Equal(t, 3, a.Level)
	assert.Equal(t, "gold", bpgpTiers(t, "bronze", "silver", "gold").Tier(a).Name)
}

// A restructure moves no member up, however many tiers it drops and
// adds: for random programmes, members and restructures that keep the
// order and the Min of the tiers they keep (the new lowest starting at
// 0) and add tiers anywhere, the move off a dropped tier lands on a
// tier that the old programme had at or below the dropped one, or on
// a tier added that asks less than the tier above the dropped one did,
// or on the lowest tier.
func TestDroppedTierMoveNeverUpgrades(t *testing.T) {
	base := club(t).Config()
	moved, capped := 0, 0 // dropped-tier moves seen, and those below the position
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(rt, "tiers")
		old := make([]loyalty.TierLevel, n)
		mins := make([]int64, n)
		for i := range old {
			if i > 0 {
				mins[i] = mins[i-1] + rapid.Int64Range(1, 1500).Draw(rt, fmt.Sprintf("step%d", i))
			}
			old[i] = loyalty.TierLevel{Name: fmt.Sprintf("t%d", i), Min: decimal.NewFromInt(mins[i])}
		}
		c := base
		c.Tiers.Levels = old
		c.Tiers.RevokeDays = rapid.SampledFrom([]int{0, 30}).Draw(rt, "revoke")
		p, err := loyalty.Compile(c)
		if err != nil {
			rt.Fatalf("old programme: %v", err)
		}

		// A member with random purchases and refunds.
		var a loyalty.Account
		now := day(2026, 1, 5)
		step := func(ev loyalty.Event) {
			next, _, err := p.Apply(a, ev, now)
			if err == nil {
				a = next
			}
		}
		step(loyalty.Join{Member: "M1", Time: now})
		for i := range rapid.IntRange(1, 8).Draw(rt, "events") {
			now = now.Add(time.Duration(rapid.IntRange(1, 120).Draw(rt, fmt.Sprintf("days%d", i))) * 24 * time.Hour)
			id := fmt.Sprintf("O%d", i)
			step(loyalty.Purchase{Order: order(id, "M1", now, line("COAT", "coats", fmt.Sprint(rapid.IntRange(1, 4000).Draw(rt, "spend"+id)), 1))})
			if rapid.Bool().Draw(rt, "refund"+id) {
				now = now.Add(24 * time.Hour)
				step(loyalty.Returned{Return: ret("X"+id, id, "M1", now, customer.ReturnLine{LineID: "COAT", Quantity: -1})})
			}
		}
		held := a.LevelName()
		hi := slices.IndexFunc(old, func(l loyalty.TierLevel) bool { return l.Name == held })
		if hi < 0 {
			rt.Fatalf("member holds %q, not a tier of %v", held, old)
		}

		// The restructure: keep some tiers in order, add others.
		var levels []loyalty.TierLevel
		for i, l := range old {
			if rapid.IntRange(0, 2).Draw(rt, fmt.Sprintf("keep%d", i)) == 0 {
				levels = append(levels, l)
			}
			if rapid.IntRange(0, 3).Draw(rt, fmt.Sprintf("add%d", i)) == 0 {
				hiMin := mins[i] + 1500
				if i+1 < n {
					hiMin = mins[i+1]
				}
				if hiMin-mins[i] > 1 {
					m := rapid.Int64Range(mins[i]+1, hiMin-1).Draw(rt, fmt.Sprintf("addMin%d", i))
					levels = append(levels, loyalty.TierLevel{Name: fmt.Sprintf("new%d", i), Min: decimal.NewFromInt(m)})
				}
			}
		}
		if len(levels) == 0 {
			levels = append(levels, loyalty.TierLevel{Name: "only"})
		}
		levels[0].Min = decimal.Zero
		c.Tiers.Levels = levels
		q, err := loyalty.Compile(c)
		if err != nil {
			rt.Fatalf("new programme %v: %v", levels, err)
		}
		_, es, err := q.Apply(a, loyalty.Tick{Member: "M1"}, now.Add(24*time.Hour))
		if err != nil {
			rt.Fatalf("tick: %v", err)
		}
		moves := tierMoves(es, "dropped-tier:")
		if slices.ContainsFunc(levels, func(l loyalty.TierLevel) bool { return l.Name == held }) {
			if len(moves) != 0 {
				rt.Fatalf("%q kept, moved: %v", held, moves)
			}
			return
		}
		if len(moves) != 1 {
			rt.Fatalf("%q dropped: moves %v", held, es)
		}
		to := moves[0].To
		moved++
		if to < max(0, min(hi, len(levels))-1) {
			capped++
		}
		if to == 0 || q.Tier(a).Name != levels[to].Name {
			if to != 0 {
				rt.Fatalf("Tier reads %q, the move %q", q.Tier(a).Name, levels[to].Name)
			}
			return
		}
		got := levels[to].Name
		if oi := slices.IndexFunc(old, func(l loyalty.TierLevel) bool { return l.Name == got }); oi >= 0 {
			if oi > hi {
				rt.Fatalf("%q (tier %d of %v) dropped: moved up to %q (tier %d before), new tiers %v", held, hi, names(old), got, oi, names(levels))
			}
			return
		}
		if hi+1 < n && !levels[to].Min.LessThan(old[hi+1].Min) {
			rt.Fatalf("%q dropped: moved to %q (min %s), which asks as much as %q (min %s) above it did; new tiers %v",
				held, got, levels[to].Min, old[hi+1].Name, old[hi+1].Min, names(levels))
		}
	})
	t.Logf("%d dropped-tier moves, %d below the position", moved, capped)
	if !testing.Short() {
		assert.Positive(t, moved, "the restructures drop tiers members hold")
	}
}

func names(levels []loyalty.TierLevel) []string {
	out := make([]string, len(levels))
	for i, l := range levels {
		out[i] = fmt.Sprintf("%s@%s", l.Name, l.Min)
	}
	return out
}

// A refund that takes back a tier renamed since it was reached restores
// the review schedule held before the upgrade, as it does for a tier
// never renamed: a rename is not a tier change the member made, so the
// member is reviewed when it would have been without the rename.
func TestRevokeAfterRenameRestoresTheSchedule(t *testing.T) {
	// Without a rename: the refund on 20 March takes back silver reached
	// on 1 March, and the review of the join (5 January 2027) is back.
	plain := clubRenamed(t, 30, "silver")
	var log []loyalty.Entry
	step := func(p *loyalty.Programme, a loyalty.Account, now time.Time, e loyalty.Event) (loyalty.Account, []loyalty.Entry) {
		t.Helper()
		a, es := applyAll(t, p, a, now, e)
		log = append(log, es...)
		return a, es
	}
	a, _ := step(plain, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	require.Equal(t, day(2027, 1, 5), a.NextReview)
	a, _ = step(plain, a, day(2026, 3, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 3, 1), line("COAT", "coats", "600", 1))})
	require.Equal(t, "silver", a.LevelName())
	require.Equal(t, day(2027, 3, 1), a.NextReview, "the upgrade starts a review clock")
	refund := loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 3, 20), customer.ReturnLine{LineID: "COAT", Quantity: -1})}
	before := a
	plainLog := slices.Clone(log)
	b, es := applyAll(t, plain, before, day(2026, 3, 20), refund)
	revoked := tierMoves(es, "revoke:")
	require.Len(t, revoked, 1, "%v", es)
	assert.Equal(t, day(2027, 1, 5), revoked[0].NextReview)
	assert.Equal(t, day(2027, 1, 5), b.NextReview)
	requireReplays(t, b, append(plainLog, es...))

	// With silver renamed argent on 10 March, recorded before the
	// refund: the same schedule.
	renamed := clubRenamed(t, 30, "argent", "silver")
	a, es = step(renamed, before, day(2026, 3, 10), loyalty.Tick{Member: "M1"})
	require.Len(t, tierMoves(es, "renamed-tier:"), 1, "%v", es)
	require.Equal(t, day(2027, 3, 1), a.NextReview, "a rename keeps the schedule")
	b, es = step(renamed, a, day(2026, 3, 20), refund)
	revoked = tierMoves(es, "revoke:")
	require.Len(t, revoked, 1, "%v", es)
	assert.Equal(t, "member", revoked[0].TierName)
	assert.Equal(t, day(2027, 1, 5), revoked[0].NextReview, "the review of the join is back: %s", revoked[0].Note)
	assert.Contains(t, revoked[0].Note, "review schedule of member restored")
	assert.Equal(t, day(2027, 1, 5), b.NextReview)
	requireReplays(t, b, log)
	// A review under the schedule restored comes when it would have.
	c, es := applyAll(t, renamed, b, day(2027, 1, 6), loyalty.Tick{Member: "M1"})
	assert.NotEmpty(t, ofKind(es, loyalty.EntryReview), "%v", es)
	assert.Equal(t, day(2028, 1, 5), c.NextReview)
	requireReplays(t, c, append(slices.Clone(log), es...))

	// The revocation as written before, keeping the schedule of the
	// upgrade, still replays.
	old := slices.Clone(log)
	i := slices.IndexFunc(old, func(e loyalty.Entry) bool { return strings.HasPrefix(e.Key, "revoke:") })
	require.Positive(t, i)
	old[i].NextReview = before.NextReview
	r, err := loyalty.Replay(old)
	require.NoError(t, err)
	assert.Equal(t, before.NextReview, r.NextReview)
}

// A renamed tier taken back to a tier the member did not hold before
// the upgrade keeps the schedule, as without the rename: silver reached
// from member, bronze added below silver since, and the refund leaves
// the member in bronze, which the upgrade passed over.
func TestRevokeAfterRenumberToAnotherTierKeepsTheSchedule(t *testing.T) {
	p := revoking(t, 30)
	var log []loyalty.Entry
	a := silverMember(t, p, &log)
	a, _ = applyAll(t, p, a, day(2026, 1, 12), loyalty.Purchase{Order: order("O2", "M1", day(2026, 1, 12), line("HAT", "hats", "300", 1))})
	c := p.Config()
	member, silver, gold := c.Tiers.Levels[0], c.Tiers.Levels[1], c.Tiers.Levels[2]
	member.Max = decimal.NewNullDecimal(dec("200"))
	bronze := loyalty.TierLevel{Name: "bronze", Min: dec("200"), Max: decimal.NewNullDecimal(dec("500"))}
	c.Tiers.Levels = []loyalty.TierLevel{member, bronze, silver, gold}
	q, err := loyalty.Compile(c)
	require.NoError(t, err)
	a, es := applyAll(t, q, a, day(2026, 1, 14), loyalty.Tick{Member: "M1"})
	require.Len(t, tierMoves(es, "renamed-tier:"), 1, "%v", es)
	held := a.NextReview
	b, es := applyAll(t, q, a, day(2026, 1, 15), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 1, 15), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	revoked := tierMoves(es, "revoke:")
	require.Len(t, revoked, 1, "%v", es)
	assert.Equal(t, "bronze", revoked[0].TierName)
	assert.Equal(t, held, revoked[0].NextReview, "bronze was never held: the schedule stays")
	assert.Equal(t, held, b.NextReview)
}

// Tier names and former names are compared exactly, case and spaces
// and all, and checked alike: a former name with surrounding spaces is
// accepted as a tier name with them is, since a ledger may have
// recorded such a name. It stands for that name only: " Gold " among
// a tier's former names takes the members of a tier called " Gold ",
// and no member of one called "Gold".
func TestTierFormerNameWithSpacesIsExact(t *testing.T) {
	spaced := club(t).Config()
	spaced.Tiers.Levels[2].Name = " Gold "
	old, err := loyalty.Compile(spaced)
	require.NoError(t, err, "a tier name with spaces is accepted")
	member := func(p *loyalty.Programme) loyalty.Account {
		var a loyalty.Account
		for _, ev := range []loyalty.Event{
			loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
			loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "2000", 1))},
		} {
			next, _, err := p.Apply(a, ev, day(2026, 2, 1))
			require.NoError(t, err)
			a = next
		}
		return a
	}
	a := member(old)
	require.Equal(t, " Gold ", a.LevelName())

	// The clean-up: " Gold " renamed "Gold", listing its old name.
	c := club(t).Config()
	c.Tiers.Levels[2].Name, c.Tiers.Levels[2].FormerNames = "Gold", []string{" Gold "}
	p, err := loyalty.Compile(c)
	require.NoError(t, err, "a former name with spaces is accepted")
	assert.Equal(t, []string{" Gold "}, p.Levels()[2].FormerNames, "kept as given")
	assert.Equal(t, "Gold", p.Tier(a).Name)
	_, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, tierMoves(es, "renamed-tier:"), 1, "%v", es)

	// A ledger that recorded "gold" is not known by " gold ": gold is a
	// tier dropped, its members move to the tier below.
	g := member(club(t))
	require.Equal(t, "gold", g.LevelName())
	c = club(t).Config()
	c.Tiers.Levels[2].Name, c.Tiers.Levels[2].FormerNames = "platinum", []string{" gold "}
	p, err = loyalty.Compile(c)
	require.NoError(t, err)
	assert.Equal(t, "silver", p.Tier(g).Name)
	c.Tiers.Levels[2].FormerNames = []string{"gold"}
	p, err = loyalty.Compile(c)
	require.NoError(t, err)
	assert.Equal(t, "platinum", p.Tier(g).Name)

	// An empty name is refused for both alike.
	for _, tc := range []struct {
		change func(c *loyalty.Config)
		field  string
	}{
		{func(c *loyalty.Config) { c.Tiers.Levels[1].Name = "" }, "tiers.levels[1].name"},
		{func(c *loyalty.Config) { c.Tiers.Levels[1].FormerNames = []string{""} }, "tiers.levels[1].former_names[0]"},
	} {
		c := club(t).Config()
		tc.change(&c)
		_, err := loyalty.Compile(c)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Len(t, ve.Fields, 1, "%v", err)
		assert.Equal(t, tc.field, ve.Fields[0].Field)
		assert.Equal(t, customer.CodeRequired, ve.Fields[0].Code)
	}
}
