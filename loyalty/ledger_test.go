package loyalty_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func joined(t *testing.T, p *loyalty.Programme, at time.Time) loyalty.Account {
	return apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.October, Day: 3}, Time: at})
}

func TestPurchaseEarnsPendingThenAvailable(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	o := order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "249.90", 1), line("KNIT", "knitwear", "60", 2))
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 1))
	require.NoError(t, err)
	// 249.90 + 2×60×2 (knitwear doubled) = 489.90 → 489 points, pending.
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.EntryEarn, entries[0].Kind)
	assert.Equal(t, loyalty.Points(489), entries[0].Points)
	assert.Equal(t, loyalty.Points(489), a.Pending)
	assert.Equal(t, loyalty.Points(0), a.Available)
	assert.Contains(t, entries[0].Note, "double points on knitwear")

	// Before the window ends: still pending. After: available.
	a2, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 3, 2))
	require.NoError(t, err)
	require.Len(t, entries, 0)
	assert.Equal(t, a.Version, a2.Version)
	a3, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 3, 4))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.EntryRelease, entries[0].Kind)
	assert.Equal(t, loyalty.Points(489), a3.Available)
	assert.Equal(t, loyalty.Points(0), a3.Pending)
}

func TestSameOrderTwiceEarnsOnce(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	o := order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "100", 1))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: o})
	again, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 2))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)
	var de *loyalty.DuplicateError
	require.True(t, errors.As(err, &de))
	assert.True(t, de.Same)
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, again.Version)
	assert.Equal(t, a.Balance(), again.Balance())

	o.Lines[0].UnitPrice = dec("200")
	_, _, err = p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 2))
	require.True(t, errors.As(err, &de))
	assert.False(t, de.Same, "a reused key with other content is told apart")
}

func TestReplayEqualsApply(t *testing.T) {
	p := club(t)
	var all []loyalty.Entry
	var a loyalty.Account
	step := func(now time.Time, e loyalty.Event) {
		next, entries, err := p.Apply(a, e, now)
		require.NoError(t, err)
		all = append(all, entries...)
		a = next
	}
	step(day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	step(day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "700", 1))})
	step(day(2026, 4, 1), loyalty.Redemption{Member: "M1", ID: "R1", Points: 300, Time: day(2026, 4, 1)})
	step(day(2026, 4, 2), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 4, 2), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	r, err := loyalty.Replay(all)
	require.NoError(t, err)
	assert.Equal(t, a.Balance(), r.Balance())
	assert.Equal(t, a.Debt, r.Debt)
	assert.Equal(t, a.Lots(), r.Lots())
	assert.Equal(t, a.Level, r.Level)
	var sum loyalty.Points
	for _, e := range all {
		sum += e.Points
	}
	assert.Equal(t, sum, r.Balance())
	for _, e := range all {
		t.Logf("%d %-8s %5d debt %d  %s", e.Seq, e.Kind, e.Points, e.Debt, e.Note)
	}
}

func TestPartialReturnClawsBackInProportion(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	// 200 (coat) + 3 × 20 scarves = 260 points.
	o := order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "200", 1), line("SCARF", "scarves", "20", 3))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: o})
	require.Equal(t, loyalty.Points(260), a.Pending)

	// One scarf of three: 260 × 20/260 = 20 points.
	a, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "SCARF", Quantity: -1})}, day(2026, 2, 5))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.Points(-20), entries[0].Points)
	assert.Equal(t, loyalty.Points(240), a.Pending)
	assert.True(t, entries[0].Spend.Equal(dec("-20")))

	// The same return again: duplicate, nothing changes.
	_, _, err = p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "SCARF", Quantity: -1})}, day(2026, 2, 6))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)

	// Three more scarves than are left: refused, naming the field.
	_, _, err = p.Apply(a, loyalty.Returned{Return: ret("X2", "O1", "M1", day(2026, 2, 6), customer.ReturnLine{LineID: "SCARF", Quantity: -3})}, day(2026, 2, 6))
	assert.Contains(t, fieldsOf(t, err), "return.lines[0].quantity")

	// Everything else: the order's claw-backs add up to exactly what it earned.
	a = apply(t, p, a, day(2026, 2, 7), loyalty.Returned{Return: ret("X3", "O1", "M1", day(2026, 2, 7),
		customer.ReturnLine{LineID: "SCARF", Quantity: -2}, customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	earned, clawed, ok := a.OrderPoints("O1")
	require.True(t, ok)
	assert.Equal(t, earned, clawed)
	assert.Equal(t, loyalty.Points(0), a.Balance())
	assert.Empty(t, a.Lots())
}

// A line refunded a unit at a time: each claw-back records the part of
// the line's net that the customer's summary pays back for it, and the
// parts add up to the line's net.
func TestSplitRefundRecordsWholeCents(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	knit := line("KNIT", "knitwear", "33.33", 3)
	knit.Discount = dec("10.00") // net 89.99
	o := order("O1", "M1", day(2026, 2, 1), knit)
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: o})
	s := customer.NewSummary("M1", customer.Consumer, day(2026, 3, 1), nil)
	require.NoError(t, s.AddOrder(o))
	refunded := map[string]int{}
	total := decimal.Zero
	for i, want := range []string{"30.00", "29.99", "30.00"} {
		r := ret(fmt.Sprint("X", i), "O1", "M1", day(2026, 2, 2+i), customer.ReturnLine{LineID: "KNIT", Quantity: -1})
		var entries []loyalty.Entry
		var err error
		a, entries, err = p.Apply(a, loyalty.Returned{Return: r}, day(2026, 2, 2+i))
		require.NoError(t, err)
		require.Len(t, entries, 1)
		require.Len(t, entries[0].Lines, 1)
		got := entries[0].Lines[0].Net
		assert.True(t, got.Equal(dec(want)), "refund %d: line record %s, want %s", i, got, want)
		assert.True(t, entries[0].Spend.Neg().Equal(got), "refund %d: spend %s", i, entries[0].Spend)
		before := s.Refunded
		require.NoError(t, s.AddReturnAfter(r, o, refunded))
		refunded["KNIT"]++
		assert.True(t, s.Refunded.Sub(before).Equal(got), "refund %d: the summary paid %s", i, s.Refunded.Sub(before))
		total = total.Add(got)
	}
	assert.True(t, total.Equal(dec("89.99")), "total %s", total)
}

func TestReturnOfUnknownOrderOrOneThatEarnedNothing(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	_, _, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "NOPE", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "A", Quantity: -1})}, day(2026, 2, 5))
	require.ErrorIs(t, err, loyalty.ErrUnknownOrder)
	require.ErrorIs(t, err, customer.ErrNotFound)

	free := order("O0", "M1", day(2026, 2, 1), line("GIFT", "accessories", "0.50", 1))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: free})
	earned, _, _ := a.OrderPoints("O0")
	require.Equal(t, loyalty.Points(0), earned)
	a2, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X2", "O0", "M1", day(2026, 2, 2), customer.ReturnLine{LineID: "GIFT", Quantity: -1})}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.Points(0), entries[0].Points, "no negative claw-back")
	assert.Equal(t, a.Balance(), a2.Balance())
}

func debtProgramme(t testing.TB, policy string) *loyalty.Programme {
	c := club(t).Config()
	c.DebtPolicy, _ = loyalty.ParseDebtPolicy(policy)
	c.PendingDays = 0
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

func TestSpentPointsBecomeDebtOrAreCapped(t *testing.T) {
	for _, tc := range []struct {
		policy          string
		debt, forgiven  loyalty.Points
		balanceAfterBuy loyalty.Points
	}{
		{"debt", 250, 0, -50},
		{"cap-at-zero", 0, 250, 200},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			p := debtProgramme(t, tc.policy)
			a := joined(t, p, day(2026, 1, 5))
			a = apply(t, p, a, day(2026, 2, 1),
				loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "300", 1))},
				loyalty.Redemption{Member: "M1", ID: "R1", Points: 250, Time: day(2026, 2, 1)})
			require.Equal(t, loyalty.Points(50), a.Available)
			a, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 3), customer.ReturnLine{LineID: "COAT", Quantity: -1})}, day(2026, 2, 3))
			require.NoError(t, err)
			claw := entries[0]
			assert.Equal(t, tc.debt, claw.Debt)
			assert.Equal(t, tc.forgiven, claw.Forgiven)
			assert.Equal(t, tc.debt, a.Debt)
			assert.Equal(t, loyalty.Points(0), a.Available, "the 50 left are taken")
			assert.Equal(t, -tc.debt, a.Balance(), "negative only as visible debt")
			_, clawed, _ := a.OrderPoints("O1")
			assert.Equal(t, loyalty.Points(300), clawed, "never more than the order earned")

			// The next purchase settles the debt first.
			a, entries, err = p.Apply(a, loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 10), line("HAT", "hats", "200", 1))}, day(2026, 2, 10))
			require.NoError(t, err)
			assert.Equal(t, tc.balanceAfterBuy, a.Balance())
			assert.GreaterOrEqual(t, a.Available, loyalty.Points(0))
			if tc.debt > 0 {
				assert.Equal(t, loyalty.EntryRepay, entries[1].Kind)
				assert.Equal(t, tc.debt-200, a.Debt)
				assert.Equal(t, loyalty.Points(0), a.Available)
			}
		})
	}
}

func TestRedeemNearestExpiryFirst(t *testing.T) {
	p := debtProgramme(t, "debt")
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 3, 1),
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("A", "coats", "100", 1))},
		loyalty.Adjustment{Member: "M1", ID: "goodwill", Points: 30, Reason: "late delivery", Operator: "clerk-7", Time: day(2026, 2, 20)},
		loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 1), line("B", "coats", "100", 1))})
	lots := a.Lots()
	require.Len(t, lots, 3)
	assert.Equal(t, "order:O1", lots[0].ID)
	assert.Equal(t, "order:O2", lots[1].ID)
	assert.Equal(t, "adjust:goodwill", lots[2].ID)

	a, entries, err := p.Apply(a, loyalty.Redemption{Member: "M1", ID: "R1", Points: 150, Time: day(2026, 3, 1)}, day(2026, 3, 1))
	require.NoError(t, err)
	assert.Equal(t, []loyalty.LotPart{{Lot: "order:O1", Points: 100}, {Lot: "order:O2", Points: 50}}, entries[0].Parts)

	// O2's remaining 50 expire on 2027-02-01; the adjustment's 30 on 2027-02-20.
	a, entries, err = p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 2, 10))
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, loyalty.EntryReview, entries[0].Kind, "the yearly tier review on 2027-01-05")
	entries = entries[1:]
	assert.Equal(t, loyalty.EntryExpire, entries[0].Kind)
	assert.Equal(t, loyalty.Points(-50), entries[0].Points)
	assert.Equal(t, day(2027, 2, 1), entries[0].Effective)
	assert.Equal(t, loyalty.Points(30), a.Available)
}

func TestRedemptionRules(t *testing.T) {
	p := debtProgramme(t, "debt")
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "500", 1))})
	eur := func(s string) customer.Money {
		m, err := customer.NewMoney(s, "EUR")
		require.NoError(t, err)
		return m
	}
	tests := []struct {
		name  string
		e     loyalty.Redemption
		field string
		err   error
	}{
		{"below minimum", loyalty.Redemption{ID: "r", Points: 99}, "points", nil},
		{"zero", loyalty.Redemption{ID: "r", Points: 0}, "points", nil},
		{"no id", loyalty.Redemption{Points: 100}, "id", nil},
		{"over the order's share", loyalty.Redemption{ID: "r", Points: 400, OrderTotal: eur("7.00")}, "points", nil},
		{"other currency", loyalty.Redemption{ID: "r", Points: 100, OrderTotal: customer.Money{}}, "", nil},
		{"future", loyalty.Redemption{ID: "r", Points: 100, Time: day(2026, 5, 1)}, "time", nil},
		{"more than available", loyalty.Redemption{ID: "r", Points: 501}, "", loyalty.ErrInsufficient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.e
			e.Member = "M1"
			if e.Time.IsZero() {
				e.Time = day(2026, 2, 2)
			}
			a2, entries, err := p.Apply(a, e, day(2026, 2, 2))
			if tc.field == "" && tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			} else {
				assert.Contains(t, fieldsOf(t, err), tc.field)
			}
			assert.Empty(t, entries)
			assert.Equal(t, a.Version, a2.Version)
			assert.Equal(t, a.Available, a2.Available)
		})
	}
	_, _, err := p.Apply(a, loyalty.Redemption{Member: "M1", ID: "ok", Points: 400, OrderTotal: eur("8.00"), Time: day(2026, 2, 2)}, day(2026, 2, 2))
	require.NoError(t, err, "4.00 is half of 8.00")
}

func TestBirthdayBenefitsOncePerYearNeverStacking(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2025, 6, 1)) // birthday 3 October
	// First October purchase is doubled; the second is not.
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2025, 10, 5), line("A", "coats", "100", 1))}, day(2025, 10, 5))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(200), entries[0].Points)
	assert.Equal(t, 2025, entries[0].Year)
	a, entries, err = p.Apply(a, loyalty.Purchase{Order: order("O2", "M1", day(2025, 10, 20), line("B", "coats", "100", 1))}, day(2025, 10, 20))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(100), entries[0].Points)

	claim := func(at time.Time) error {
		next, _, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: at}, at)
		if err == nil {
			a = next
		}
		return err
	}
	require.NoError(t, claim(day(2025, 10, 21)))
	err = claim(day(2025, 10, 22))
	require.ErrorIs(t, err, loyalty.ErrDuplicate, "once per year")
	assert.ErrorContains(t, err, "birthday benefit of 2025 was already claimed")
	assert.Contains(t, fieldsOf(t, claim(day(2026, 11, 2))), "time", "only in the birthday month")
	// 2026 is skipped; in 2027 there is one gift, not two.
	a2, entries, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2027, 10, 3)}, day(2027, 10, 3))
	require.NoError(t, err)
	var gift loyalty.Points
	for _, e := range entries {
		if e.Kind == loyalty.EntryBonus {
			gift += e.Points
		}
	}
	a = a2
	assert.True(t, a.HasKey("birthday:2025"))
	assert.False(t, a.HasKey("birthday:2026"), "a missed year is not carried over")
	assert.True(t, a.HasKey("birthday:2027"))
	assert.Equal(t, loyalty.Points(100), gift, "one programme gift of 100 in the member tier")
	require.ErrorIs(t, claim(day(2027, 10, 30)), loyalty.ErrDuplicate)

	unknown := apply(t, p, loyalty.Account{}, day(2025, 1, 1), loyalty.Join{Member: "M2", Time: day(2025, 1, 1)})
	_, _, err = p.Apply(unknown, loyalty.BirthdayClaim{Member: "M2", Time: day(2025, 3, 1)}, day(2025, 3, 1))
	assert.Contains(t, fieldsOf(t, err), "birthday")
}

// Orders may be delivered out of time order: an October order of an
// earlier year, delivered after this year's doubled one, takes that
// year's multiplier and leaves this year's used.
func TestBirthdayMultiplierOncePerYearOutOfOrder(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2024, 1, 5)) // birthday 3 October
	now := day(2025, 10, 20)
	earned := func(id string, at time.Time) loyalty.Points {
		t.Helper()
		next, entries, err := p.Apply(a, loyalty.Purchase{Order: order(id, "M1", at, line("A", "coats", "100", 1))}, now)
		require.NoError(t, err)
		a = next
		return ofKind(entries, loyalty.EntryEarn)[0].Points
	}
	assert.Equal(t, loyalty.Points(200), earned("O2025", day(2025, 10, 10)), "first of 2025")
	assert.Equal(t, loyalty.Points(200), earned("O2024", day(2024, 10, 10)), "first of 2024, delivered late")
	assert.Equal(t, loyalty.Points(100), earned("O2025b", day(2025, 10, 15)), "2025's multiplier was used")
}

// An order that earns nothing (paid wholly with points, or given away)
// does not use up the year's birthday multiplier.
func TestBirthdayMultiplierNotUsedByAnOrderEarningNothing(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2025, 1, 5)) // birthday 3 October
	free := line("A", "coats", "100", 1)
	free.Discount = dec("100")
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: order("FREE", "M1", day(2025, 10, 5), free)}, day(2025, 10, 5))
	require.NoError(t, err)
	earn := ofKind(entries, loyalty.EntryEarn)[0]
	assert.Equal(t, loyalty.Points(0), earn.Points)
	assert.Zero(t, earn.Year)
	assert.NotContains(t, earn.Note, "birthday")
	_, entries, err = p.Apply(a, loyalty.Purchase{Order: order("PAID", "M1", day(2025, 10, 6), line("B", "coats", "100", 1))}, day(2025, 10, 6))
	require.NoError(t, err)
	earn = ofKind(entries, loyalty.EntryEarn)[0]
	assert.Equal(t, loyalty.Points(200), earn.Points, "the first purchase that earns is doubled")
	assert.Equal(t, 2025, earn.Year)
}

// An order paid in money whose points, doubled for the birthday, still
// round down to nothing (0.40 EUR: 0.8 points, rounding down) earns
// nothing either and leaves the year's birthday multiplier for a later
// purchase (Earning.BirthdayYear).
func TestBirthdayMultiplierNotUsedByAnOrderRoundingToNothing(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2025, 1, 5)) // birthday 3 October
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: order("TINY", "M1", day(2025, 10, 5), line("A", "socks", "0.40", 1))}, day(2025, 10, 5))
	require.NoError(t, err)
	earn := ofKind(entries, loyalty.EntryEarn)[0]
	assert.Equal(t, loyalty.Points(0), earn.Points)
	assert.Zero(t, earn.Year)
	_, entries, err = p.Apply(a, loyalty.Purchase{Order: order("PAID", "M1", day(2025, 10, 6), line("B", "coats", "100", 1))}, day(2025, 10, 6))
	require.NoError(t, err)
	earn = ofKind(entries, loyalty.EntryEarn)[0]
	assert.Equal(t, loyalty.Points(200), earn.Points, "the first purchase that earns is doubled")
	assert.Equal(t, 2025, earn.Year)
}

// A birthday gift whose programme and tier parts add up beyond int64 is
// an overflow error, not the programme's part alone.
func TestBirthdayGiftOverflow(t *testing.T) {
	c := club(t).Config()
	c.Earn.Birthday.Gift = loyalty.MaxPoints
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	a := joined(t, p, day(2025, 1, 5))
	// Silver (which adds 100) until the review, with nothing left.
	a = apply(t, p, a, day(2025, 3, 2),
		loyalty.Purchase{Order: order("O1", "M1", day(2025, 3, 1), line("COAT", "coats", "600", 1))},
		loyalty.Returned{Return: ret("X1", "O1", "M1", day(2025, 3, 2), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	require.Equal(t, 1, a.Level)
	require.Equal(t, loyalty.Points(0), a.Balance())
	_, entries, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2025, 10, 5)}, day(2025, 10, 5))
	require.ErrorIs(t, err, loyalty.ErrOverflow)
	assert.ErrorContains(t, err, "silver")
	assert.Empty(t, entries)
}

func TestBonusesForProfileAndSurvey(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	complete := customer.Profile{TopSize: "M", BottomSize: "32", ShoeSize: "42", HeightCM: 178, Fit: customer.Regular,
		Styles: []string{"classic"}, Colours: []string{"navy"}, Categories: []string{"coats"}}
	_, _, err := p.Apply(a, loyalty.ProfileCompleted{Member: "M1", Profile: customer.Profile{TopSize: "M"}, Time: day(2026, 1, 6)}, day(2026, 1, 6))
	assert.Contains(t, fieldsOf(t, err), "profile")
	a = apply(t, p, a, day(2026, 1, 6),
		loyalty.ProfileCompleted{Member: "M1", Profile: complete, Time: day(2026, 1, 6)},
		loyalty.SurveyAnswered{Member: "M1", SurveyID: "fit-2026", Time: day(2026, 1, 6)},
		loyalty.SurveyAnswered{Member: "M1", SurveyID: "colours-2026", Time: day(2026, 1, 6)})
	assert.Equal(t, loyalty.Points(90), a.Available, "bonuses are available at once")
	_, _, err = p.Apply(a, loyalty.ProfileCompleted{Member: "M1", Profile: complete, Time: day(2026, 1, 7)}, day(2026, 1, 7))
	require.ErrorIs(t, err, loyalty.ErrDuplicate, "the profile bonus is given once")
	_, _, err = p.Apply(a, loyalty.SurveyAnswered{Member: "M1", Time: day(2026, 1, 7)}, day(2026, 1, 7))
	assert.Contains(t, fieldsOf(t, err), "survey_id")

	c := p.Config()
	c.Earn.SurveyBonus = 0
	none, err := loyalty.Compile(c)
	require.NoError(t, err)
	_, _, err = none.Apply(a, loyalty.SurveyAnswered{Member: "M1", SurveyID: "x", Time: day(2026, 1, 7)}, day(2026, 1, 7))
	require.ErrorIs(t, err, loyalty.ErrNoBenefit)
	assert.ErrorContains(t, err, `survey bonus of member "M1"`)
}

func TestAdjustments(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	_, _, err := p.Apply(a, loyalty.Adjustment{Member: "M1", ID: "a1", Points: 10, Time: day(2026, 1, 6)}, day(2026, 1, 6))
	assert.Subset(t, fieldsOf(t, err), []string{"reason", "operator"})
	a = apply(t, p, a, day(2026, 1, 6), loyalty.Adjustment{Member: "M1", ID: "a1", Points: 40, Reason: "goodwill", Operator: "anna", Time: day(2026, 1, 6)})
	_, _, err = p.Apply(a, loyalty.Adjustment{Member: "M1", ID: "a2", Points: -41, Reason: "error", Operator: "anna", Time: day(2026, 1, 6)}, day(2026, 1, 6))
	require.ErrorIs(t, err, loyalty.ErrInsufficient, "never below zero")
	assert.ErrorContains(t, err, `adjustment "a2" of member "M1": 41 points requested, 40 available`)
	a, entries, err := p.Apply(a, loyalty.Adjustment{Member: "M1", ID: "a2", Points: -15, Reason: "error", Operator: "anna", Time: day(2026, 1, 6)}, day(2026, 1, 6))
	require.NoError(t, err)
	assert.Equal(t, "anna", entries[0].Operator)
	assert.Equal(t, "error", entries[0].Reason)
	assert.Equal(t, loyalty.Points(25), a.Available)

	// The most negative int64 has no positive counterpart: a bad field,
	// not a shortage of points.
	next, entries, err := p.Apply(a, loyalty.Adjustment{Member: "M1", ID: "a3", Points: math.MinInt64, Reason: "error", Operator: "anna", Time: day(2026, 1, 6)}, day(2026, 1, 6))
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("points", customer.CodeRange), "%v", err)
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, next.Version)
}

// Amounts in error messages read as plain decimals, money with the
// currency's cents: never "0e0" or "-5e0".
func TestErrorMessagesPrintPlainAmounts(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "100", 1))})
	at := func() customer.Credit { return customer.Credit{CustomerID: "M1", Time: day(2026, 2, 3)} }
	for amount, want := range map[string]string{"0": "credit.amount: 0 is not positive", "-5": "credit.amount: -5 is not positive"} {
		_, _, err := p.Apply(a, loyalty.Credited{Credit: eurCredit("K1", "O1", customer.PriceReduction, amount, at)}, day(2026, 2, 3))
		require.Error(t, err)
		assert.Contains(t, err.Error(), want)
		assert.NotRegexp(t, `\de-?\d`, err.Error())
	}
	huge := eurCredit("K1", "O1", customer.PriceReduction, "1", at)
	huge.Amount, _ = customer.MoneyFromDecimal(dec("1e999999999"), "EUR")
	_, _, err := p.Apply(a, loyalty.Credited{Credit: huge}, day(2026, 2, 3))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1e999999999 is not positive, too large or too precise", "a huge number keeps its exponent")

	a = apply(t, p, a, day(2026, 3, 4), loyalty.Tick{Member: "M1"})
	total, err := customer.NewMoney("1.99", "EUR")
	require.NoError(t, err)
	_, _, err = p.Apply(a, loyalty.Redemption{Member: "M1", ID: "R1", Points: 100, OrderTotal: total, Time: day(2026, 3, 4)}, day(2026, 3, 4))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pay 1.00 EUR, more than the maximum share 0.5 of the order's 1.99 EUR")
}

func TestOverflowIsAnError(t *testing.T) {
	c := club(t).Config()
	c.Earn.Multipliers[0].Factor = dec("1000000000000000000")
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	a := joined(t, p, day(2026, 1, 5))
	o := order("O1", "M1", day(2026, 2, 1), line("K", "knitwear", "100", 1))
	a2, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 1))
	require.ErrorIs(t, err, loyalty.ErrOverflow)
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, a2.Version)

	// Two lots that fit alone but not together.
	c.Earn.Multipliers[0].Factor = dec("50000000000000000")
	p, err = loyalty.Compile(c)
	require.NoError(t, err)
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: o}) // 5e18 points
	o.ID = "O2"
	_, _, err = p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 1))
	require.ErrorIs(t, err, loyalty.ErrOverflow)
}

func TestEventValidation(t *testing.T) {
	p := club(t)
	var empty loyalty.Account
	_, _, err := p.Apply(empty, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "1", 1))}, day(2026, 2, 1))
	require.ErrorIs(t, err, loyalty.ErrNotMember)
	_, _, err = p.Apply(empty, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: 2, Day: 31}, Time: day(2026, 1, 1)}, day(2026, 1, 1))
	assert.Contains(t, fieldsOf(t, err), "birthday")
	_, _, err = p.Apply(empty, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: 2, Day: 29}, Time: day(2026, 1, 1)}, day(2026, 1, 1))
	require.NoError(t, err, "29 February is a birthday")
	_, _, err = p.Apply(empty, nil, day(2026, 1, 1))
	require.Error(t, err)
	_, _, err = p.Apply(empty, loyalty.Join{Member: "M1", Time: day(2026, 1, 1)}, time.Time{})
	require.Error(t, err)

	a := joined(t, p, day(2026, 1, 5))
	_, _, err = p.Apply(a, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 6))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)

	bad := order("O1", "M1", day(2026, 3, 1), line("A", "coats", "-1", 0))
	bad.Currency = "USD"
	_, _, err = p.Apply(a, loyalty.Purchase{Order: bad}, day(2026, 2, 1))
	assert.Subset(t, fieldsOf(t, err), []string{"order.time", "order.currency", "order.lines[0].unit_price"})

	early := order("O2", "M1", day(2025, 12, 1), line("A", "coats", "10", 1))
	_, _, err = p.Apply(a, loyalty.Purchase{Order: early}, day(2026, 2, 1))
	assert.Contains(t, fieldsOf(t, err), "order.time", "before joining")

	huge := order("O3", "M1", day(2026, 2, 1), line("A", "coats", "1", 1))
	huge.Lines[0].UnitPrice = dec("1e999999999")
	_, _, err = p.Apply(a, loyalty.Purchase{Order: huge}, day(2026, 2, 1))
	assert.Contains(t, fieldsOf(t, err), "order.lines[0].unit_price")

	_, _, err = p.Apply(a, loyalty.Tick{Member: "M2"}, day(2026, 2, 1))
	require.Error(t, err, "an event of another member")
}

func TestNowNeverRunsBackwards(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))})
	a = apply(t, p, a, day(2026, 3, 10), loyalty.Tick{Member: "M1"})
	require.Equal(t, loyalty.Points(100), a.Available)
	a2, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 1, 6))
	require.NoError(t, err)
	assert.Empty(t, entries)
	assert.Equal(t, a.Available, a2.Available)
}

func TestExchangeClawsBackNothing(t *testing.T) {
	p := debtProgramme(t, "debt") // no pending days: the points can be spent at once
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1),
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), customer.Line{ID: "a", SKU: "COAT-M", Category: "coats", Quantity: 1, UnitPrice: dec("600")})},
		loyalty.Redemption{Member: "M1", ID: "R1", Points: 500, Time: day(2026, 2, 1)})
	require.Equal(t, 1, a.Level, "silver")
	require.Equal(t, loyalty.Points(100), a.Available)

	// Another size: no money moves, so no points move and the spend still counts.
	x := ret("X1", "O1", "M1", day(2026, 2, 3), customer.ReturnLine{LineID: "a", Quantity: -1})
	x.Kind = customer.Exchange
	before := a
	a, entries, err := p.Apply(a, loyalty.Returned{Return: x}, day(2026, 2, 3))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	e := entries[0]
	assert.Equal(t, loyalty.EntryClawback, e.Kind)
	assert.Equal(t, loyalty.Points(0), e.Points)
	assert.Equal(t, loyalty.Points(0), e.Qualifying)
	assert.Equal(t, loyalty.Points(0), e.Debt)
	assert.True(t, e.Spend.IsZero(), "spend %s", e.Spend)
	assert.Contains(t, e.Note, "exchange")
	assert.Equal(t, before.Balance(), a.Balance())
	assert.Equal(t, loyalty.Points(0), a.Debt)
	assert.Equal(t, 1, a.Level)
	assert.True(t, p.Qualifying(a, day(2026, 2, 3)).Equal(dec("600")), "qualifying %s", p.Qualifying(a, day(2026, 2, 3)))
	_, clawed, _ := a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(0), clawed)

	// The same exchange again: a duplicate.
	_, _, err = p.Apply(a, loyalty.Returned{Return: x}, day(2026, 2, 4))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)

	// The replacement is the same sale: refunding it later claws back the order's points.
	a, entries, err = p.Apply(a, loyalty.Returned{Return: ret("X2", "O1", "M1", day(2026, 2, 10), customer.ReturnLine{LineID: "a", Quantity: -1})}, day(2026, 2, 10))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(-600), entries[0].Points)
	assert.Equal(t, loyalty.Points(500), a.Debt)
	assert.True(t, p.Qualifying(a, day(2026, 2, 10)).IsZero())
}

// TestReturnOfTheMostNegativeQuantity: −math.MinInt overflows to itself;
// such a return line is still more units than the line sold, refused.
func TestReturnOfTheMostNegativeQuantity(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "200", 1))})
	next, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "COAT", Quantity: math.MinInt})}, day(2026, 2, 5))
	assert.Contains(t, fieldsOf(t, err), "return.lines[0].quantity")
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, next.Version)
	assert.Equal(t, a.Balance(), next.Balance())
}

// An adjustment the ledger cannot hold is refused naming the adjustment
// and its points field, and changes nothing; the member's other points
// stay usable, and an adjustment that fits is still taken.
func TestAdjustmentOverflowNamesTheField(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	adj := func(id string, pts loyalty.Points) loyalty.Adjustment {
		return loyalty.Adjustment{Member: "M1", ID: id, Points: pts, Reason: "typo", Operator: "anna", Time: day(2026, 1, 6)}
	}
	a = apply(t, p, a, day(2026, 1, 6), adj("A1", loyalty.MaxPoints-10))
	next, entries, err := p.Apply(a, adj("A2", 11), day(2026, 1, 6))
	require.ErrorIs(t, err, loyalty.ErrOverflow)
	assert.ErrorContains(t, err, `adjustment "A2" of member "M1": points: 11 more than the`)
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, next.Version)
	a = apply(t, p, a, day(2026, 1, 6), adj("A3", 10))
	assert.Equal(t, loyalty.MaxPoints, a.Available)
}
