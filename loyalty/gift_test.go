package loyalty_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// giftCatalogue is the catalogue of the gift tests: a scarf once per
// member, a tote in March 2026 only, a mug for silver and above, a
// watch for gold, and a coat no one can afford.
func giftCatalogue() []loyalty.Gift {
	return []loyalty.Gift{
		{Code: "SCARF", Name: "cashmere scarf", Points: 300, MaxPerMember: 1},
		{Code: "TOTE", Name: "canvas tote", Points: 150, ValidFrom: day(2026, 3, 1), ValidUntil: day(2026, 4, 1)},
		{Code: "MUG", Name: "atelier mug", Points: 100, MinTier: "silver"},
		{Code: "WATCH", Name: "watch", Points: 200, MinTier: "gold"},
		{Code: "COAT", Name: "wool coat", Points: 5000},
	}
}

// giftClub is the club programme with the gift catalogue.
func giftClub(t testing.TB) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Gifts = giftCatalogue()
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// giftMember returns a service whose member M1 joined on 5 January 2026
// and bought for 600 on 10 January: silver, 600 points available from 9
// February.
func giftMember(t *testing.T, p *loyalty.Programme) (*loyalty.Service, *loyalty.MemStore) {
	t.Helper()
	store := loyalty.NewMemStore()
	svc := loyalty.NewService(p, store, nil)
	ctx := context.Background()
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("A", "coats", "600", 1))}, day(2026, 1, 10))
	require.NoError(t, err)
	return svc, store
}

func TestTakeGiftSpendsTheGiftsPoints(t *testing.T) {
	p := giftClub(t)
	svc, _ := giftMember(t, p)
	ctx := context.Background()
	a, entries, err := svc.TakeGift(ctx, "M1", "SCARF", "req-1", day(2026, 3, 10), day(2026, 3, 10))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(300), a.Available)
	assert.Equal(t, loyalty.Points(300), a.Balance())
	require.NotEmpty(t, entries) // the release of O1's points, then the gift
	last := entries[len(entries)-1]
	assert.Equal(t, loyalty.EntryRedeem, last.Kind)
	assert.Equal(t, loyalty.Points(-300), last.Points)
	assert.Equal(t, "redeem:gift:SCARF:req-1", last.Key)
	assert.Equal(t, `300 points redeemed for gift "SCARF" (cashmere scarf)`, last.Note)
	assert.Equal(t, 1, a.GiftUses("SCARF"))
	assert.Equal(t, 0, a.GiftUses("scarf"), "codes are compared exactly, as coupon codes")

	// The builder gives the plain redemption the ledger knows.
	r, err := p.GiftRedemption("M1", "MUG", "req-2", day(2026, 3, 11))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Redemption{Member: "M1", ID: "gift:MUG:req-2", Points: 100, Time: day(2026, 3, 11)}, r)
	a, _, err = svc.Apply(ctx, r, day(2026, 3, 11))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(200), a.Available)
	assert.Equal(t, 1, a.GiftUses("MUG"))
}

func TestTakeGiftRetryIsANoOp(t *testing.T) {
	p := giftClub(t)
	svc, store := giftMember(t, p)
	ctx := context.Background()
	a, _, err := svc.TakeGift(ctx, "M1", "SCARF", "req-1", day(2026, 3, 10), day(2026, 3, 10))
	require.NoError(t, err)
	before, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	// The same request again, later: the same event, not a second use
	// refused by the limit.
	again, entries, err := svc.TakeGift(ctx, "M1", "SCARF", "req-1", day(2026, 3, 10), day(2026, 3, 12))
	var dup *loyalty.DuplicateError
	require.ErrorAs(t, err, &dup)
	assert.True(t, dup.Same)
	assert.Empty(t, entries)
	assert.Equal(t, a.Balance(), again.Balance())
	after, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Equal(t, before, after)

	replayed, err := loyalty.Replay(after)
	require.NoError(t, err)
	assert.Equal(t, 1, replayed.GiftUses("SCARF"))
}

func TestTakeGiftRefuses(t *testing.T) {
	tests := []struct {
		name  string
		code  string
		id    string
		at    time.Time
		field string // the field named, or "" for want
		want  error
	}{
		{"unknown code", "HAT", "r", day(2026, 3, 10), "code", nil},
		{"code of another case", "scarf", "r", day(2026, 3, 10), "code", nil},
		{"empty code", "", "r", day(2026, 3, 10), "code", nil},
		{"empty request", "SCARF", "", day(2026, 3, 10), "id", nil},
		{"zero time", "SCARF", "r", time.Time{}, "time", nil},
		{"before the window", "TOTE", "r", day(2026, 2, 28), "gift.valid_from", nil},
		{"at the window's end", "TOTE", "r", day(2026, 4, 1), "gift.valid_until", nil},
		{"tier below the least", "WATCH", "r", day(2026, 3, 10), "gift.min_tier", nil},
		{"limit reached", "SCARF", "second", day(2026, 3, 10), "gift.max_per_member", nil},
		{"not enough points", "COAT", "r", day(2026, 3, 10), "", loyalty.ErrInsufficient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := giftClub(t)
			svc, store := giftMember(t, p)
			ctx := context.Background()
			_, _, err := svc.TakeGift(ctx, "M1", "SCARF", "first", day(2026, 3, 1), day(2026, 3, 1))
			require.NoError(t, err)
			before, err := store.Entries(ctx, "M1", 0)
			require.NoError(t, err)
			now := day(2026, 4, 2)
			_, entries, err := svc.TakeGift(ctx, "M1", tc.code, tc.id, tc.at, now)
			require.Error(t, err)
			assert.Empty(t, entries)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			} else {
				assert.Contains(t, fieldsOf(t, err), tc.field, "%v", err)
				assert.Contains(t, err.Error(), `"M1"`, "the error names the member")
			}
			after, err := store.Entries(ctx, "M1", 0)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a refused gift changes nothing")
		})
	}
}

// The points of a purchase still in its return window do not pay for a
// gift.
func TestTakeGiftPendingPoints(t *testing.T) {
	svc, store := giftMember(t, giftClub(t))
	ctx := context.Background()
	_, entries, err := svc.TakeGift(ctx, "M1", "MUG", "r", day(2026, 1, 20), day(2026, 1, 20))
	require.ErrorIs(t, err, loyalty.ErrInsufficient)
	assert.Empty(t, entries)
	stored, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Len(t, stored, 3) // the join, the purchase and its upgrade
}

// The tier is the one held at the gift's time: a member who reached gold
// after it was refused the watch for its time, and gets it at a later
// time.
func TestTakeGiftTierAtItsTime(t *testing.T) {
	p := giftClub(t)
	svc, _ := giftMember(t, p)
	ctx := context.Background()
	_, _, err := svc.Apply(ctx, loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("B", "coats", "1000", 1))}, day(2026, 3, 1))
	require.NoError(t, err)
	_, _, err = svc.TakeGift(ctx, "M1", "WATCH", "early", day(2026, 2, 20), day(2026, 3, 2))
	assert.Contains(t, fieldsOf(t, err), "gift.min_tier")
	a, _, err := svc.TakeGift(ctx, "M1", "WATCH", "late", day(2026, 3, 2), day(2026, 3, 2))
	require.NoError(t, err)
	assert.Equal(t, "gold", p.TierAt(a, day(2026, 3, 2)).Name)
}

// A tier lost at a review that falls before the gift's time but is not
// recorded yet is lost for the gift too: the ledger is brought up to
// date before the gift is judged.
func TestTakeGiftTierAfterAReviewNotRecordedYet(t *testing.T) {
	c := giftClub(t).Config()
	c.ExpiryMonths = 0
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	svc, store := giftMember(t, p)
	ctx := context.Background()
	a, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	at := day(2027, 3, 1) // after the review of 10 January 2027 and its grace
	require.Equal(t, "silver", p.Tier(a).Name, "as recorded")
	ticked, _, err := p.Apply(a, loyalty.Tick{Member: "M1"}, at)
	require.NoError(t, err)
	require.Equal(t, "member", p.TierAt(ticked, at).Name, "brought up to date")
	before, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	_, _, err = svc.TakeGift(ctx, "M1", "MUG", "r", at, at)
	assert.Equal(t, []string{"gift.min_tier"}, fieldsOf(t, err))
	after, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

// A redemption built by hand under a gift's ID is held to the
// catalogue: the gift's points, for no order.
func TestGiftRedemptionByHandIsChecked(t *testing.T) {
	p := giftClub(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 3, 10),
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("A", "coats", "600", 1))})
	for _, tc := range []struct {
		name  string
		r     loyalty.Redemption
		field string
	}{
		{"fewer points", loyalty.Redemption{Member: "M1", ID: "gift:SCARF:x", Points: 100, Time: day(2026, 3, 10)}, "gift.points"},
		{"for an order", loyalty.Redemption{Member: "M1", ID: "gift:SCARF:x", Points: 300, Time: day(2026, 3, 10), Order: "O1"}, "order"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, entries, err := p.Apply(a, tc.r, day(2026, 3, 10))
			assert.Contains(t, fieldsOf(t, err), tc.field)
			assert.Empty(t, entries)
			assert.Equal(t, a.Balance(), got.Balance())
		})
	}
	// An ID that names no gift of the catalogue is a plain redemption.
	_, _, err := p.Apply(a, loyalty.Redemption{Member: "M1", ID: "gift:HAT:x", Points: 120, Time: day(2026, 3, 10)}, day(2026, 3, 10))
	require.NoError(t, err)
}

func TestCompileRejectsGifts(t *testing.T) {
	base := club(t).Config()
	tests := []struct {
		name  string
		edit  func(g []loyalty.Gift) []loyalty.Gift
		field string
	}{
		{"empty code", func(g []loyalty.Gift) []loyalty.Gift { g[0].Code = ""; return g }, "gifts[0].code"},
		{"code with spaces around", func(g []loyalty.Gift) []loyalty.Gift { g[0].Code = " SCARF"; return g }, "gifts[0].code"},
		{"code with a colon", func(g []loyalty.Gift) []loyalty.Gift { g[1].Code = "TO:TE"; return g }, "gifts[1].code"},
		{"code not UTF-8", func(g []loyalty.Gift) []loyalty.Gift { g[1].Code = "T\xffE"; return g }, "gifts[1].code"},
		{"code with a control character", func(g []loyalty.Gift) []loyalty.Gift { g[1].Code = "T\nE"; return g }, "gifts[1].code"},
		{"duplicate code", func(g []loyalty.Gift) []loyalty.Gift { g[2].Code = "SCARF"; return g }, "gifts[2].code"},
		{"blank name", func(g []loyalty.Gift) []loyalty.Gift { g[2].Name = " "; return g }, "gifts[2].name"},
		{"zero points", func(g []loyalty.Gift) []loyalty.Gift { g[3].Points = 0; return g }, "gifts[3].points"},
		{"negative points", func(g []loyalty.Gift) []loyalty.Gift { g[3].Points = -5; return g }, "gifts[3].points"},
		{"below the redemption minimum", func(g []loyalty.Gift) []loyalty.Gift { g[3].Points = 99; return g }, "gifts[3].points"},
		{"window backwards", func(g []loyalty.Gift) []loyalty.Gift { g[1].ValidUntil = day(2026, 2, 1); return g }, "gifts[1].valid_until"},
		{"unknown tier", func(g []loyalty.Gift) []loyalty.Gift { g[3].MinTier = "platinum"; return g }, "gifts[3].min_tier"},
		{"tier of another case", func(g []loyalty.Gift) []loyalty.Gift { g[3].MinTier = "Gold"; return g }, "gifts[3].min_tier"},
		{"negative limit", func(g []loyalty.Gift) []loyalty.Gift { g[0].MaxPerMember = -1; return g }, "gifts[0].max_per_member"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.Gifts = tc.edit(giftCatalogue())
			_, err := loyalty.Compile(c)
			assert.Equal(t, []string{tc.field}, fieldsOf(t, err))
		})
	}
	// Every fault at once.
	c := base
	c.Gifts = giftCatalogue()
	c.Gifts[0].Code, c.Gifts[3].Points, c.Gifts[4].MinTier = "", 0, "bronze"
	_, err := loyalty.Compile(c)
	assert.ElementsMatch(t, []string{"gifts[0].code", "gifts[3].points", "gifts[4].min_tier"}, fieldsOf(t, err))
}

func TestGiftsJSON(t *testing.T) {
	// A programme without gifts writes no gifts field.
	data, err := json.Marshal(club(t).Config())
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"gifts"`)

	// With gifts it reads back the same.
	p := giftClub(t)
	data, err = json.Marshal(p.Config())
	require.NoError(t, err)
	q, err := loyalty.DecodeProgramme(data)
	require.NoError(t, err)
	assert.Equal(t, p.Config().Gifts, q.Config().Gifts)
	again, err := json.Marshal(q.Config())
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again))

	// A value of the wrong type is named by its path.
	edit := programmeEditor(t)
	_, err = loyalty.DecodeProgramme([]byte(edit(`"debt_policy": "debt"`,
		`"debt_policy": "debt", "gifts": [{"code": "A", "name": "a", "points": 100}, {"code": "B", "name": "b", "points": "many"}]`)))
	assert.Equal(t, []string{"gifts[1].points"}, fieldsOf(t, err))
	_, err = loyalty.DecodeProgramme([]byte(edit(`"debt_policy": "debt"`,
		`"debt_policy": "debt", "gifts": [{"code": "A", "name": "a", "points": 100, "min_tier": "platinum"}]`)))
	assert.Equal(t, []string{"gifts[0].min_tier"}, fieldsOf(t, err))
}

// Gifts are taken with points, never given back: a refund of every
// order claws back their points and leaves the gifts taken, and the
// balance is the sum of the entries; the available points never fall
// below zero.
func TestGiftsNeverGivenBack(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		p := giftClub(t)
		ctx := context.Background()
		store := loyalty.NewMemStore()
		svc := loyalty.NewService(p, store, nil)
		start := day(2026, 1, 5)
		_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: start}, start)
		require.NoError(rt, err)
		now := start
		var orders []string
		taken := map[string]int{}
		spent := loyalty.Points(0)
		n := rapid.IntRange(1, 30).Draw(rt, "steps")
		for i := range n {
			now = now.Add(time.Duration(rapid.IntRange(1, 20).Draw(rt, "days")) * 24 * time.Hour)
			switch rapid.IntRange(0, 2).Draw(rt, "action") {
			case 0:
				id := fmt.Sprint("O", i)
				price := fmt.Sprint(rapid.IntRange(50, 900).Draw(rt, "price"))
				_, _, err := svc.Apply(ctx, loyalty.Purchase{Order: order(id, "M1", now, line("A", "coats", price, 1))}, now)
				require.NoError(rt, err)
				orders = append(orders, id)
			case 1:
				g := rapid.SampledFrom(giftCatalogue()).Draw(rt, "gift")
				req := rapid.SampledFrom([]string{"a", "b", fmt.Sprint("r", i)}).Draw(rt, "request")
				before, err := svc.Account(ctx, "M1")
				require.NoError(rt, err)
				a, _, err := svc.TakeGift(ctx, "M1", g.Code, req, now, now)
				if err == nil {
					taken[g.Code]++
					spent += g.Points
					require.Equal(rt, taken[g.Code], a.GiftUses(g.Code))
					if g.MaxPerMember > 0 {
						require.LessOrEqual(rt, a.GiftUses(g.Code), g.MaxPerMember)
					}
				} else {
					after, err2 := svc.Account(ctx, "M1")
					require.NoError(rt, err2)
					require.Equal(rt, before.Version, after.Version, "refused: %v", err)
				}
			case 2:
				if len(orders) == 0 {
					continue
				}
				id := orders[0]
				orders = orders[1:]
				r := ret("R"+id, id, "M1", now, customer.ReturnLine{LineID: "A", Quantity: -1})
				_, entries, err := svc.Apply(ctx, loyalty.Returned{Return: r}, now)
				require.NoError(rt, err)
				for _, e := range entries {
					require.NotEqual(rt, loyalty.EntryRestore, e.Kind, "a gift's points came back")
				}
			}
			a, err := svc.Account(ctx, "M1")
			require.NoError(rt, err)
			require.GreaterOrEqual(rt, a.Available, loyalty.Points(0))
			stored, err := store.Entries(ctx, "M1", 0)
			require.NoError(rt, err)
			sum := loyalty.Points(0)
			for _, e := range stored {
				sum += e.Points
			}
			require.Equal(rt, sum, a.Balance(), "the balance is the sum of the entries")
			for code, k := range taken {
				require.Equal(rt, k, a.GiftUses(code))
			}
		}
	})
}

func ExampleService_TakeGift() {
	p, err := loyalty.DecodeProgramme([]byte(`{
  "name": "points card", "currency": "EUR",
  "earn": {"points_per_unit": "1"},
  "redeem": {"points_per_unit": "100"},
  "gifts": [
    {"code": "SCARF", "name": "cashmere scarf", "points": 300, "max_per_member": 1},
    {"code": "WATCH", "name": "watch", "points": 200, "min_tier": "gold"}
  ],
  "tiers": {"window_months": 12, "review_months": 12,
    "levels": [{"name": "member", "min": "0"}, {"name": "gold", "min": "1000"}]}
}`))
	if err != nil {
		panic(err)
	}
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 11, 0, 0, 0, time.UTC) }
	if _, _, err := svc.Apply(ctx, loyalty.Join{Member: "anna", Time: at(1, 5)}, at(1, 5)); err != nil {
		panic(err)
	}
	o := customer.Order{ID: "O-1", CustomerID: "anna", Time: at(1, 10), Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{{ID: "L1", SKU: "COAT", Quantity: 1, UnitPrice: dec("450")}}}
	if _, _, err := svc.Apply(ctx, loyalty.Purchase{Order: o}, at(1, 10)); err != nil {
		panic(err)
	}
	take := func(code, id string, t time.Time) {
		a, entries, err := svc.TakeGift(ctx, "anna", code, id, t, t)
		var dup *loyalty.DuplicateError
		switch {
		case errors.As(err, &dup) && dup.Same:
			fmt.Printf("%s again (%s): already taken, balance %d\n", code, id, a.Balance())
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Printf("%s (%s): %s, balance %d\n", code, id, entries[0].Note, a.Balance())
		}
	}
	take("SCARF", "web-1", at(2, 1))
	take("SCARF", "web-1", at(2, 1))
	take("SCARF", "web-2", at(2, 2))
	take("WATCH", "web-3", at(2, 3))
	// Output:
	// SCARF (web-1): 300 points redeemed for gift "SCARF" (cashmere scarf), balance 150
	// SCARF again (web-1): already taken, balance 150
	// gift "SCARF" of member "anna" (redemption "gift:SCARF:web-2"): gift.max_per_member: member "anna" took gift "SCARF" once already, as the ledger records; gifts[0].max_per_member allows 1
	// gift "WATCH" of member "anna" (redemption "gift:WATCH:web-3"): gift.min_tier: member "anna" holds tier "member" at 2026-02-03, gift "WATCH" needs "gold" or above (gifts[1].min_tier)
}

func ExampleProgramme_GiftRedemption() {
	c := loyalty.Config{
		Name: "points card", Currency: "EUR",
		Earn:   loyalty.EarnConfig{PointsPerUnit: dec("1")},
		Redeem: loyalty.RedeemConfig{PointsPerUnit: dec("100")},
		Gifts:  []loyalty.Gift{{Code: "TOTE", Name: "canvas tote", Points: 150}},
	}
	p, err := loyalty.Compile(c)
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 2, 1, 11, 0, 0, 0, time.UTC)
	r, err := p.GiftRedemption("anna", "TOTE", "till-7-0042", at)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d points, key %s\n", r.ID, r.Points, r.Key())
	_, err = p.GiftRedemption("anna", "tote", "till-7-0043", at)
	fmt.Println(err)
	// Output:
	// gift:TOTE:till-7-0042: 150 points, key redeem:gift:TOTE:till-7-0042
	// gift "tote" of member "anna" (request "till-7-0043"): code: "tote" is not a gift of the catalogue
}

// A tier won at a review that falls before the gift's time but is not
// recorded yet is held for the gift too: the ledger is brought up to
// date before any of the gift's rules is judged. Here the programme
// lowered gold's Min after the member's purchases, so the review of 10
// January 2027 moves the member from silver to gold.
func TestTakeGiftTierWonAtAReviewNotRecordedYet(t *testing.T) {
	c := giftClub(t).Config()
	c.ExpiryMonths = 0
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	svc, store := giftMember(t, p)
	ctx := context.Background()
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O2", "M1", day(2026, 6, 1), line("B", "coats", "650", 1))}, day(2026, 6, 1))
	require.NoError(t, err)
	c.Tiers.Levels[1].Min, c.Tiers.Levels[2].Min = dec("300"), dec("600")
	q, err := loyalty.Compile(c)
	require.NoError(t, err)
	svc = loyalty.NewService(q, store, nil)
	a, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	at := day(2027, 1, 15)
	require.Equal(t, "silver", q.TierAt(a, at).Name, "as recorded")
	ticked, _, err := q.Apply(a, loyalty.Tick{Member: "M1"}, at)
	require.NoError(t, err)
	require.Equal(t, "gold", q.TierAt(ticked, at).Name, "brought up to date")

	a, entries, err := svc.TakeGift(ctx, "M1", "WATCH", "r", at, at)
	require.NoError(t, err)
	assert.Equal(t, "redeem:gift:WATCH:r", entries[len(entries)-1].Key)
	assert.Equal(t, 1, a.GiftUses("WATCH"))
}

// A retry of a request taken before (same member, code, id and time) is
// a redelivery that changes nothing, as TakeGift says, also after the
// catalogue changed the gift's price or dropped the gift: the member
// has the gift, and the caller must not read the retry as a refusal.
func TestTakeGiftRetryAfterTheCatalogueChanged(t *testing.T) {
	p := giftClub(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(c *loyalty.Config)
	}{
		{"price raised", func(c *loyalty.Config) { c.Gifts[0].Points = 400 }},
		{"price raised, no limit", func(c *loyalty.Config) { c.Gifts[0].Points, c.Gifts[0].MaxPerMember = 400, 0 }},
		{"gift dropped", func(c *loyalty.Config) { c.Gifts = c.Gifts[1:] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, store := giftMember(t, p)
			at := day(2026, 3, 10)
			_, _, err := svc.TakeGift(ctx, "M1", "SCARF", "req-1", at, at)
			require.NoError(t, err)
			before, err := store.Entries(ctx, "M1", 0)
			require.NoError(t, err)
			c := p.Config()
			tc.edit(&c)
			q, err := loyalty.Compile(c)
			require.NoError(t, err)
			svc = loyalty.NewService(q, store, nil)

			a, entries, err := svc.TakeGift(ctx, "M1", "SCARF", "req-1", at.In(time.FixedZone("JST", 9*3600)), day(2026, 3, 12))
			var dup *loyalty.DuplicateError
			require.ErrorAs(t, err, &dup)
			assert.True(t, dup.Same, "%v", err)
			assert.Equal(t, "redeem:gift:SCARF:req-1", dup.Key)
			assert.Equal(t, loyalty.DuplicateError{Member: "M1", Key: "redeem:gift:SCARF:req-1", Same: true}, *dup, "%v", err)
			assert.Empty(t, entries)
			assert.Equal(t, 1, a.GiftUses("SCARF"))
			after, err := store.Entries(ctx, "M1", 0)
			require.NoError(t, err)
			assert.Equal(t, before, after)

			// The same id at another time is another event under the
			// same key: not a redelivery.
			_, _, err = svc.TakeGift(ctx, "M1", "SCARF", "req-1", at.Add(time.Hour), day(2026, 3, 12))
			if errors.As(err, &dup) {
				assert.False(t, dup.Same)
			} else {
				assert.Contains(t, fieldsOf(t, err), "code", "%v", err)
			}
		})
	}
}

// An erasure leaves the gifts taken as they were: the gift entries hold
// no personal data (their note names the gift of the catalogue), the
// stored ledger replays to the same uses, the limit still holds, and a
// retry of a request taken before is still a redelivery.
func TestGiftsAfterAnErasure(t *testing.T) {
	p := giftClub(t)
	store := loyalty.NewMemStore()
	svc := loyalty.NewService(p, store, nil)
	ctx := context.Background()
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("A", "coats", "600", 1))}, day(2026, 1, 10))
	require.NoError(t, err)
	_, entries, err := svc.TakeGift(ctx, "M1", "SCARF", "req-1", day(2026, 3, 10), day(2026, 3, 10))
	require.NoError(t, err)
	gift := entries[len(entries)-1]
	_, _, err = svc.Apply(ctx, loyalty.Erasure{Member: "M1", ID: "anon-1", Time: day(2026, 3, 11)}, day(2026, 3, 11))
	require.NoError(t, err)

	stored, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Contains(t, stored, gift, "the gift's entry is kept as it was")
	assert.NotContains(t, gift.Note, "1991")
	a, err := loyalty.Replay(stored)
	require.NoError(t, err)
	assert.Equal(t, 1, a.GiftUses("SCARF"))
	assert.True(t, a.Birthday.IsZero())

	_, _, err = svc.TakeGift(ctx, "M1", "SCARF", "req-1", day(2026, 3, 10), day(2026, 3, 12))
	var dup *loyalty.DuplicateError
	require.ErrorAs(t, err, &dup)
	assert.True(t, dup.Same)
	_, _, err = svc.TakeGift(ctx, "M1", "SCARF", "req-2", day(2026, 3, 12), day(2026, 3, 12))
	assert.Equal(t, []string{"gift.max_per_member"}, fieldsOf(t, err))
}

// A tier renamed since the ledger named it is read as the tier it now
// is, as tier pricing reads it: a member whose ledger holds "silver"
// takes the gift of the tier now called "argent". The catalogue names
// tiers by their names of now, as seasonal discounts do.
func TestTakeGiftTierRenamed(t *testing.T) {
	p := giftClub(t)
	svc, store := giftMember(t, p)
	ctx := context.Background()
	c := p.Config()
	c.Tiers.Levels[1].Name, c.Tiers.Levels[1].FormerNames = "argent", []string{"silver"}
	c.Gifts[2].MinTier = "silver"
	_, err := loyalty.Compile(c)
	assert.Equal(t, []string{"gifts[2].min_tier"}, fieldsOf(t, err), "a former name")
	c.Gifts[2].MinTier = "argent"
	q, err := loyalty.Compile(c)
	require.NoError(t, err)
	svc = loyalty.NewService(q, store, nil)
	a, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	require.Equal(t, "silver", a.LevelName(), "as the ledger names it")
	at := day(2026, 3, 10)
	a, _, err = svc.TakeGift(ctx, "M1", "MUG", "r", at, at)
	require.NoError(t, err)
	assert.Equal(t, "argent", q.TierAt(a, at).Name)
	_, _, err = svc.TakeGift(ctx, "M1", "WATCH", "r", at, at)
	assert.Equal(t, []string{"gift.min_tier"}, fieldsOf(t, err))
	assert.Contains(t, err.Error(), `holds tier "argent"`)
}
