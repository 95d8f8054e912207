package loyalty_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// payProgramme earns a point per euro and takes 10 points per euro for
// up to the whole order; points are available at once and last a year.
func payProgramme(t testing.TB, policy loyalty.DebtPolicy) *loyalty.Programme {
	t.Helper()
	p, err := loyalty.Compile(loyalty.Config{Currency: "EUR", ExpiryMonths: 12, DebtPolicy: policy,
		Earn:   loyalty.EarnConfig{PointsPerUnit: dec("1")},
		Redeem: loyalty.RedeemConfig{PointsPerUnit: dec("10"), MaxShare: dec("1")}})
	require.NoError(t, err)
	return p
}

// payWithPoints prices items for M1 paying pts points at time at, and
// returns the checkout's events for order id.
func payWithPoints(t testing.TB, p *loyalty.Programme, a loyalty.Account, id string, at time.Time, pts loyalty.Points, items ...loyalty.Item) []loyalty.Event {
	t.Helper()
	q, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR", Items: items, Points: pts, Available: a.Available})
	require.NoError(t, err)
	require.Equal(t, pts, q.PointsUsed)
	evs, err := q.Checkout(id, customer.Online)
	require.NoError(t, err)
	return evs
}

// An order paid wholly with points and refunded gives the points back:
// a new lot, available at once, that expires when the points it replaces
// would have.
func TestRefundGivesBackThePointsPaid(t *testing.T) {
	p := payProgramme(t, loyalty.DebtRecord)
	store := loyalty.NewMemStore()
	svc := loyalty.NewService(p, store, nil)
	ctx := context.Background()
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 10)}, day(2026, 1, 10))
	require.NoError(t, err)
	a, _, err := svc.Apply(ctx, loyalty.Purchase{Order: order("O0", "M1", day(2026, 1, 11), line("COAT", "coats", "500", 1))}, day(2026, 1, 11))
	require.NoError(t, err)
	require.Equal(t, loyalty.Points(500), a.Available)

	evs := payWithPoints(t, p, a, "O1", day(2026, 1, 12), 500, item("SCARF", "scarves", "2026-AW", "50.00", 1))
	require.Equal(t, "O1", evs[0].(loyalty.Redemption).Order, "Checkout ties the redemption to its order")
	a, _, err = svc.ApplyAll(ctx, evs, day(2026, 1, 12))
	require.NoError(t, err)
	require.Equal(t, loyalty.Points(0), a.Available)
	redeemed, restored := a.OrderRedemption("O1")
	assert.Equal(t, loyalty.Points(500), redeemed)
	assert.Zero(t, restored)

	refund := day(2026, 1, 13)
	a, entries, err := svc.Apply(ctx, loyalty.Returned{Return: ret("X1", "O1", "M1", refund, customer.ReturnLine{LineID: "SCARF", Quantity: -1})}, refund)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(500), a.Available, "the 500 points that paid for the scarf are back")
	r := ofKind(entries, loyalty.EntryRestore)
	require.Len(t, r, 1)
	assert.Equal(t, loyalty.Points(500), r[0].Points)
	assert.Equal(t, "O1", r[0].OrderID)
	assert.Equal(t, "restore:X1", r[0].Key)
	assert.Equal(t, r[0].Key, r[0].Lot)
	assert.True(t, r[0].AvailableAt.Equal(refund))
	assert.True(t, r[0].ExpiresAt.Equal(day(2027, 1, 11)), "the expiry of the points earned on O0, not 12 months from the refund: %v", r[0].ExpiresAt)
	_, restored = a.OrderRedemption("O1")
	assert.Equal(t, loyalty.Points(500), restored)

	// The stored ledger replays to the same account, the restore included.
	fresh := loyalty.NewService(p, store, nil)
	again, err := fresh.Account(ctx, "M1")
	require.NoError(t, err)
	assert.Equal(t, a.Balance(), again.Balance())
	assert.Equal(t, a.Lots(), again.Lots())
	_, restored = again.OrderRedemption("O1")
	assert.Equal(t, loyalty.Points(500), restored)

	// The refund delivered again gives nothing back a second time.
	_, _, err = svc.Apply(ctx, loyalty.Returned{Return: ret("X1", "O1", "M1", refund, customer.ReturnLine{LineID: "SCARF", Quantity: -1})}, refund)
	require.ErrorIs(t, err, loyalty.ErrDuplicate)
}

// Partial refunds give back the points by the returned weight, with a
// cumulative target rounded half up: they add up to exactly the points
// paid, never more.
func TestPartialRefundsGiveBackThePointsPaidExactly(t *testing.T) {
	p := payProgramme(t, loyalty.DebtRecord)
	at := day(2026, 2, 1)
	a := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Time: at},
		loyalty.Adjustment{Member: "M1", ID: "A1", Points: 1000, Reason: "welcome", Operator: "ops", Time: at})
	// Three shirts at 30.00 and a coat at 210.00, 100 points (10.00)
	// paid: the points are shared in proportion to the lines' amounts.
	evs := payWithPoints(t, p, a, "O1", at, 100,
		item("SHIRT", "shirts", "2026-AW", "30.00", 3), item("COAT", "coats", "2026-AW", "210.00", 1))
	a = apply(t, p, a, at, evs...)
	steps := []struct {
		line string
		want loyalty.Points // given back by this refund
	}{
		{"SHIRT", 10}, // weight 29/290 of the order: 10 of the 100
		{"SHIRT", 10},
		{"COAT", 70},
		{"SHIRT", 10}, // the last unit: exactly what is left
	}
	var total loyalty.Points
	for i, s := range steps {
		when := at.Add(time.Duration(i+1) * time.Hour)
		next, entries, err := p.Apply(a, loyalty.Returned{Return: ret(s.line+string(rune('1'+i)), "O1", "M1", when,
			customer.ReturnLine{LineID: s.line, Quantity: -1})}, when)
		require.NoError(t, err)
		var got loyalty.Points
		for _, e := range ofKind(entries, loyalty.EntryRestore) {
			got += e.Points
		}
		assert.Equal(t, s.want, got, "refund %d of %s", i+1, s.line)
		total += got
		a = next
	}
	assert.Equal(t, loyalty.Points(100), total)
	redeemed, restored := a.OrderRedemption("O1")
	assert.Equal(t, redeemed, restored)
}

// Units paid with points that do not split evenly: each refund gives
// back what its cumulative share rounds to, and the shares add up. An
// order paid wholly with points has no weight: its units decide.
func TestUnevenRefundsOfPointsAddUp(t *testing.T) {
	for _, tc := range []struct {
		name, price string
		qty         int
		want        []loyalty.Points
	}{
		// 10.02 paid with 100 points (10.00): 0.02 in money, no point
		// earned, a third of the weight per unit: 33.3, 66.7, 100.
		{"weight", "3.34", 3, []loyalty.Points{33, 34, 33}},
		// 10.00 wholly paid: no weight, half the units each time.
		{"units", "5.00", 2, []loyalty.Points{50, 50}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := payProgramme(t, loyalty.DebtCapAtZero)
			at := day(2026, 2, 1)
			a := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Time: at},
				loyalty.Adjustment{Member: "M1", ID: "A1", Points: 1000, Reason: "welcome", Operator: "ops", Time: at})
			a = apply(t, p, a, at, payWithPoints(t, p, a, "O1", at, 100, item("SOCKS", "socks", "2026-AW", tc.price, tc.qty))...)
			earned, _, _ := a.OrderPoints("O1")
			require.Zero(t, earned)
			var got []loyalty.Points
			for i := range tc.qty {
				when := at.Add(time.Duration(i+1) * time.Hour)
				next, entries, err := p.Apply(a, loyalty.Returned{Return: ret(string(rune('A'+i)), "O1", "M1", when,
					customer.ReturnLine{LineID: "SOCKS", Quantity: -1})}, when)
				require.NoError(t, err)
				r := ofKind(entries, loyalty.EntryRestore)
				require.Len(t, r, 1)
				got = append(got, r[0].Points)
				a = next
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, loyalty.Points(1000), a.Available)
		})
	}
}

// An exchange and a price reduction give no points back; neither does a
// refund of an order whose points were redeemed with no order named.
func TestWhatGivesNoPointsBack(t *testing.T) {
	p := payProgramme(t, loyalty.DebtRecord)
	at := day(2026, 2, 1)
	a := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Time: at},
		loyalty.Adjustment{Member: "M1", ID: "A1", Points: 1000, Reason: "welcome", Operator: "ops", Time: at})
	a = apply(t, p, a, at, payWithPoints(t, p, a, "O1", at, 200, item("COAT", "coats", "2026-AW", "100.00", 2))...)

	ex := ret("E1", "O1", "M1", at, customer.ReturnLine{LineID: "COAT", Quantity: -1})
	ex.Kind = customer.Exchange
	next, entries, err := p.Apply(a, loyalty.Returned{Return: ex}, at)
	require.NoError(t, err)
	assert.Empty(t, ofKind(entries, loyalty.EntryRestore), "an exchange moves no money and no points")
	assert.Equal(t, a.Balance(), next.Balance())

	cr := customer.Credit{ID: "K1", CustomerID: "M1", OrderID: "O1", Time: at, Kind: customer.PriceReduction, Amount: eurMoney(10)}
	next, entries, err = p.Apply(next, loyalty.Credited{Credit: cr}, at)
	require.NoError(t, err)
	assert.Empty(t, ofKind(entries, loyalty.EntryRestore), "a price reduction gives back money, not points")
	_, restored := next.OrderRedemption("O1")
	assert.Zero(t, restored)

	// Points redeemed for a gift, with an ID that happens to be an order's.
	b := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Time: at},
		loyalty.Adjustment{Member: "M1", ID: "A1", Points: 1000, Reason: "welcome", Operator: "ops", Time: at},
		loyalty.Redemption{Member: "M1", ID: "O2", Points: 300, Time: at},
		loyalty.Purchase{Order: order("O2", "M1", at, line("COAT", "coats", "100", 1))})
	_, entries, err = p.Apply(b, loyalty.Returned{Return: ret("X2", "O2", "M1", at, customer.ReturnLine{LineID: "COAT", Quantity: -1})}, at)
	require.NoError(t, err)
	assert.Empty(t, ofKind(entries, loyalty.EntryRestore))
}

// Points given back first settle the member's debt, and the claw-back of
// the same refund draws on them before any debt is recorded.
func TestRestoredPointsSettleDebt(t *testing.T) {
	p := payProgramme(t, loyalty.DebtRecord)
	at := day(2026, 2, 1)
	a := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Time: at},
		loyalty.Purchase{Order: order("O0", "M1", at, line("COAT", "coats", "300", 1))})
	// 300 points paid for a 40.00 jumper (10.00 in money earns 10).
	a = apply(t, p, a, at, payWithPoints(t, p, a, "O1", at, 300, item("KNIT", "knitwear", "2026-AW", "40.00", 1))...)
	require.Equal(t, loyalty.Points(10), a.Available)
	// The coat comes back: its 300 points were spent, 290 become debt.
	a = apply(t, p, a, at, loyalty.Returned{Return: ret("X0", "O0", "M1", at, customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	require.Equal(t, loyalty.Points(290), a.Debt)
	// The jumper comes back: 300 points given back, its 10 earned taken,
	// and the rest settles the debt.
	a, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", at, customer.ReturnLine{LineID: "KNIT", Quantity: -1})}, at)
	require.NoError(t, err)
	require.Len(t, ofKind(entries, loyalty.EntryRestore), 1)
	require.Len(t, ofKind(entries, loyalty.EntryRepay), 1)
	assert.Equal(t, loyalty.Points(0), a.Debt)
	assert.Equal(t, loyalty.Points(0), a.Available)
	assert.Equal(t, loyalty.Points(0), a.Balance())
}

// ledger applies events to one member's account and keeps every entry,
// so that a test can replay them.
type ledger struct {
	t   *testing.T
	p   *loyalty.Programme
	a   loyalty.Account
	log []loyalty.Entry
}

// do applies events at now and returns their entries.
func (l *ledger) do(now time.Time, events ...loyalty.Event) []loyalty.Entry {
	l.t.Helper()
	var entries []loyalty.Entry
	for _, e := range events {
		next, out, err := l.p.Apply(l.a, e, now)
		require.NoError(l.t, err, "%T %s", e, e.Key())
		l.a = next
		entries = append(entries, out...)
		l.log = append(l.log, out...)
	}
	return entries
}

// requireReplays checks that the stored entries rebuild the account.
func (l *ledger) requireReplays() {
	l.t.Helper()
	r, err := loyalty.Replay(l.log)
	require.NoError(l.t, err)
	require.Equal(l.t, l.a.Balance(), r.Balance())
	require.Equal(l.t, l.a.Debt, r.Debt)
	require.Equal(l.t, l.a.Lots(), r.Lots())
	rr, rs := r.OrderRedemption("O1")
	ar, as := l.a.OrderRedemption("O1")
	require.Equal(l.t, [2]loyalty.Points{ar, as}, [2]loyalty.Points{rr, rs})
}

// Points about to expire, spent on goods that are then refunded, are not
// renewed: refunded before their expiry they come back until that
// expiry; refunded after it they come back expired, at once.
func TestRestoredPointsKeepTheirExpiry(t *testing.T) {
	expiry := day(2027, 1, 10) // of the points welcomed on 2026-01-10
	for _, tc := range []struct {
		name            string
		refund, applied time.Time
	}{
		{"refunded before the points expire", day(2027, 1, 5), day(2027, 1, 5)},
		{"refunded when they expire", expiry, expiry},
		{"refunded after they expired", day(2027, 1, 20), day(2027, 1, 20)},
		// Alive at the refund, they expire at their date in the same
		// Apply.
		{"refunded before, recorded after they expired", day(2027, 1, 5), day(2027, 1, 20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, l := welcomed(t, expiry)

			// Three weeks before they expire, the 500 points pay for a scarf.
			bought := day(2026, 12, 20)
			l.do(bought, payWithPoints(t, p, l.a, "O1", bought, 500, item("SCARF", "scarves", "2026-AW", "50.00", 1))...)
			require.Zero(t, l.a.Available)

			entries := l.do(tc.applied, loyalty.Returned{Return: ret("X1", "O1", "M1", tc.refund, customer.ReturnLine{LineID: "SCARF", Quantity: -1})})
			r := ofKind(entries, loyalty.EntryRestore)
			require.Len(t, r, 1)
			require.Equal(t, loyalty.Points(500), r[0].Points)
			_, restored := l.a.OrderRedemption("O1")
			require.Equal(t, loyalty.Points(500), restored, "given back, alive or expired")
			if tc.refund.Before(expiry) {
				require.True(t, r[0].ExpiresAt.Equal(expiry), "restored points expire %v, the points they replace %v", r[0].ExpiresAt, expiry)
				if tc.applied.Before(expiry) {
					require.Empty(t, ofKind(entries, loyalty.EntryExpire))
					require.Equal(t, loyalty.Points(500), l.a.Available)
					l.requireReplays()
					entries = l.do(expiry, loyalty.Tick{Member: "M1"})
				}
				// They expire when the points they replace would have.
				x := ofKind(entries, loyalty.EntryExpire)
				require.Len(t, x, 1)
				require.Equal(t, r[0].Lot, x[0].Parts[0].Lot)
				require.True(t, x[0].Effective.Equal(expiry))
			} else {
				require.True(t, r[0].ExpiresAt.Equal(tc.refund), "restored points expire %v, at the refund", r[0].ExpiresAt)
				require.Len(t, entries, 3, "restore, its expiry at once, the claw-back: %v", entries)
				x := entries[1]
				require.Equal(t, loyalty.EntryExpire, x.Kind)
				require.Equal(t, "expire:"+r[0].Lot, x.Key)
				require.Equal(t, loyalty.Points(-500), x.Points)
				require.True(t, x.Effective.Equal(tc.refund))
				require.Equal(t, loyalty.EntryClawback, entries[2].Kind)
			}
			require.Zero(t, l.a.Available)
			require.Zero(t, l.a.Balance())
			require.Empty(t, l.a.Lots())
			l.requireReplays()
		})
	}
}

// A redemption that drew on lots of several expiries is given back
// latest expiry first, one lot per expiry, each keeping its expiry; a
// share split by the refunds comes back in parts, and points whose
// expiry has passed come back expired.
func TestRestoreAcrossExpiries(t *testing.T) {
	p := payProgramme(t, loyalty.DebtRecord)
	l := &ledger{t: t, p: p}
	start := day(2026, 1, 10)
	l.do(start, loyalty.Join{Member: "M1", Time: start})
	for _, g := range []struct {
		id  string
		at  time.Time
		pts loyalty.Points
	}{{"A", start, 100}, {"B", day(2026, 3, 1), 100}, {"C", day(2026, 6, 1), 200}} {
		l.do(g.at, loyalty.Adjustment{Member: "M1", ID: g.id, Points: g.pts, Reason: "gift", Operator: "ops", Time: g.at})
	}
	expA, expB, expC := day(2027, 1, 10), day(2027, 3, 1), day(2027, 6, 1)
	for i, want := range []time.Time{expA, expB, expC} {
		require.True(t, l.a.Lots()[i].ExpiresAt.Equal(want))
	}

	// Two jumpers wholly paid with 300 points: 100 expiring on expA, 100
	// on expB, 100 on expC, nearest expiry first.
	bought := day(2026, 12, 1)
	entries := l.do(bought, payWithPoints(t, p, l.a, "O1", bought, 300, item("KNIT", "knitwear", "2026-AW", "15.00", 2))...)
	redeem := ofKind(entries, loyalty.EntryRedeem)
	require.Len(t, redeem, 1)
	require.Equal(t, []loyalty.LotPart{{Lot: "adjust:A", Points: 100}, {Lot: "adjust:B", Points: 100}, {Lot: "adjust:C", Points: 100}}, redeem[0].Parts)

	type lot struct {
		key     string
		points  loyalty.Points
		expires time.Time
	}
	restores := func(entries []loyalty.Entry) []lot {
		var out []lot
		for _, e := range ofKind(entries, loyalty.EntryRestore) {
			require.Equal(t, e.Key, e.Lot)
			out = append(out, lot{e.Key, e.Points, e.ExpiresAt.UTC()})
		}
		return out
	}

	// One jumper back: 150 points, the latest-expiring first.
	first := day(2027, 1, 5)
	entries = l.do(first, loyalty.Returned{Return: ret("X1", "O1", "M1", first, customer.ReturnLine{LineID: "KNIT", Quantity: -1})})
	require.Equal(t, []lot{{"restore:X1", 100, expC}, {"restore-2:X1", 50, expB}}, restores(entries))
	require.Empty(t, ofKind(entries, loyalty.EntryExpire))
	require.Equal(t, loyalty.Points(250), l.a.Available)
	l.requireReplays()

	// The other after expA: the 50 left of expB, and the 100 of expA
	// given back expired at the refund.
	second := day(2027, 2, 1)
	entries = l.do(second, loyalty.Returned{Return: ret("X2", "O1", "M1", second, customer.ReturnLine{LineID: "KNIT", Quantity: -1})})
	require.Equal(t, []lot{{"restore:X2", 50, expB}, {"restore-2:X2", 100, second}}, restores(entries))
	x := ofKind(entries, loyalty.EntryExpire)
	require.Len(t, x, 1)
	require.Equal(t, "expire:restore-2:X2", x[0].Key)
	require.Equal(t, loyalty.Points(-100), x[0].Points)
	require.Equal(t, loyalty.Points(300), l.a.Available)
	redeemed, restored := l.a.OrderRedemption("O1")
	require.Equal(t, loyalty.Points(300), redeemed)
	require.Equal(t, loyalty.Points(300), restored)
	l.requireReplays()

	var got []lot
	for _, x := range l.a.Lots() {
		got = append(got, lot{x.ID, x.Remaining, x.ExpiresAt.UTC()})
	}
	require.Equal(t, []lot{{"restore-2:X1", 50, expB}, {"restore:X2", 50, expB}, {"adjust:C", 100, expC}, {"restore:X1", 100, expC}}, got)

	// The points given back expire with the points they replace.
	l.do(expB, loyalty.Tick{Member: "M1"})
	require.Equal(t, loyalty.Points(200), l.a.Available)
	l.do(expC, loyalty.Tick{Member: "M1"})
	require.Zero(t, l.a.Available)
	l.requireReplays()
}

// Points given back expired take no part in the refund: the claw-back
// of the points the goods earned cannot draw on them, nor does debt get
// settled from them. Given back alive, they can.
func TestExpiredRestoreNeitherAbsorbsClawbackNorSettlesDebt(t *testing.T) {
	expiry := day(2027, 1, 10)
	for _, tc := range []struct {
		name      string
		refund    time.Time
		clawParts []loyalty.LotPart
		repaid    bool
		available loyalty.Points
		debt      loyalty.Points
	}{
		// The claw-back takes the 50 points earned from the 500 given
		// back, and the rest settles the 30 owed.
		{"alive", day(2027, 1, 5), []loyalty.LotPart{{Lot: "restore:X1", Points: 50}}, true, 420, 0},
		// Nothing alive to draw on: the 50 are owed too.
		{"expired", day(2027, 1, 20), nil, false, 0, 80},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, l := welcomed(t, expiry)
			// A coat of 100.00: 50.00 paid with the 500 points about to
			// expire, 50.00 in money that earns 50 points.
			bought := day(2026, 12, 20)
			l.do(bought, payWithPoints(t, p, l.a, "O1", bought, 500, item("COAT", "coats", "2026-AW", "100.00", 1))...)
			require.Equal(t, loyalty.Points(50), l.a.Available)
			// A jacket earns 30 points, which are spent with the 50, and
			// comes back: 30 owed.
			l.do(bought, loyalty.Purchase{Order: order("O2", "M1", bought, line("JACKET", "coats", "30", 1))},
				loyalty.Redemption{Member: "M1", ID: "R1", Points: 80, Time: bought},
				loyalty.Returned{Return: ret("X0", "O2", "M1", bought, customer.ReturnLine{LineID: "JACKET", Quantity: -1})})
			require.Equal(t, loyalty.Points(30), l.a.Debt)

			entries := l.do(tc.refund, loyalty.Returned{Return: ret("X1", "O1", "M1", tc.refund, customer.ReturnLine{LineID: "COAT", Quantity: -1})})
			c := ofKind(entries, loyalty.EntryClawback)
			require.Len(t, c, 1)
			require.Equal(t, tc.clawParts, c[0].Parts)
			require.Equal(t, loyalty.Points(50)-sumParts(c[0].Parts), c[0].Debt, "what the claw-back found spent is owed")
			require.Equal(t, tc.repaid, len(ofKind(entries, loyalty.EntryRepay)) > 0)
			require.Equal(t, tc.available, l.a.Available)
			require.Equal(t, tc.debt, l.a.Debt)
			require.Equal(t, tc.available-tc.debt, l.a.Balance())
			l.requireReplays()
		})
	}
}

func sumParts(parts []loyalty.LotPart) loyalty.Points {
	var s loyalty.Points
	for _, p := range parts {
		s += p.Points
	}
	return s
}

// welcomed returns a programme that records debt and the ledger of member
// M1, who joined on 2026-01-10 with 500 welcome points expiring at
// expiry.
func welcomed(t *testing.T, expiry time.Time) (*loyalty.Programme, *ledger) {
	t.Helper()
	p := payProgramme(t, loyalty.DebtRecord)
	l := &ledger{t: t, p: p}
	joined := day(2026, 1, 10)
	l.do(joined, loyalty.Join{Member: "M1", Time: joined},
		loyalty.Adjustment{Member: "M1", ID: "A1", Points: 500, Reason: "welcome", Operator: "ops", Time: joined})
	require.True(t, l.a.Lots()[0].ExpiresAt.Equal(expiry))
	return p, l
}

// Points pay for goods by price, as money does: a refund of the line
// that earned double points gives back its share of the points paid by
// price, not by what it earned, so a basket of a double-points line and
// a plain one cannot be split to keep the plain one cheaper.
func TestRefundGivesBackThePointsByPriceNotByEarnWeight(t *testing.T) {
	p, err := loyalty.Compile(loyalty.Config{Currency: "EUR", ExpiryMonths: 12, DebtPolicy: loyalty.DebtRecord,
		Earn: loyalty.EarnConfig{PointsPerUnit: dec("1"),
			Multipliers: []loyalty.Multiplier{{Name: "double points on knitwear", Factor: dec("2"), Categories: []string{"knitwear"}}}},
		Redeem: loyalty.RedeemConfig{PointsPerUnit: dec("100"), MaxShare: dec("1")}})
	require.NoError(t, err)
	at := day(2026, 2, 1)
	a := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Time: at},
		loyalty.Adjustment{Member: "M1", ID: "A1", Points: 10000, Reason: "welcome", Operator: "ops", Time: at})
	// 200.00 of goods, 100.00 of it paid with 10,000 points.
	a = apply(t, p, a, at, payWithPoints(t, p, a, "O1", at, 10000,
		item("COAT", "coats", "2026-AW", "100.00", 1), item("KNIT", "knitwear", "2026-AW", "100.00", 1))...)
	when := at.Add(time.Hour)
	_, entries, err := p.Apply(a, loyalty.Returned{Return: ret("R1", "O1", "M1", when,
		customer.ReturnLine{LineID: "KNIT", Quantity: -1})}, when)
	require.NoError(t, err)
	var got loyalty.Points
	for _, e := range ofKind(entries, loyalty.EntryRestore) {
		got += e.Points
	}
	assert.Equal(t, loyalty.Points(5000), got, "half the price, half the points")
}

// A refund after the order's points expired takes back only the points
// that were spent: those that expired are gone already and are not taken
// a second time from the member's other points.
func TestClawbackAfterExpiryTakesOnlyWhatWasSpent(t *testing.T) {
	for _, policy := range []loyalty.DebtPolicy{loyalty.DebtRecord, loyalty.DebtCapAtZero} {
		t.Run(policy.String(), func(t *testing.T) {
			p := payProgramme(t, policy)
			at := day(2026, 1, 10)
			a := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Time: at},
				loyalty.Purchase{Order: order("O1", "M1", at, line("COAT", "coats", "100", 1))})
			a = apply(t, p, a, at.Add(time.Hour), loyalty.Redemption{Member: "M1", ID: "R1", Points: 60, Time: at.Add(time.Hour)})
			// Twelve months on, the 40 points left of the order expire;
			// then 25 points of a later purchase.
			later := day(2027, 1, 20)
			a = apply(t, p, a, later, loyalty.Purchase{Order: order("O2", "M1", later, line("SOCKS", "socks", "25", 1))})
			require.Equal(t, loyalty.Points(25), a.Available)

			back := later.Add(time.Hour)
			a, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", back,
				customer.ReturnLine{LineID: "COAT", Quantity: -1})}, back)
			require.NoError(t, err)
			c := ofKind(entries, loyalty.EntryClawback)
			require.Len(t, c, 1)
			// The 60 spent are taken: 25 from O2's points, 35 owed or
			// written off; the 40 that expired are not taken again.
			assert.Equal(t, loyalty.Points(0), a.Available)
			switch policy {
			case loyalty.DebtRecord:
				assert.Equal(t, loyalty.Points(-60), c[0].Points)
				assert.Equal(t, loyalty.Points(35), c[0].Debt)
				assert.Equal(t, loyalty.Points(40), c[0].Forgiven)
				assert.Equal(t, loyalty.Points(-35), a.Balance())
			case loyalty.DebtCapAtZero:
				assert.Equal(t, loyalty.Points(-25), c[0].Points)
				assert.Equal(t, loyalty.Points(75), c[0].Forgiven)
				assert.Equal(t, loyalty.Points(0), a.Balance())
			}
			assert.Contains(t, c[0].Note, "40 had expired, not taken again")
			earned, clawed, _ := a.OrderPoints("O1")
			assert.Equal(t, earned, clawed, "the whole order is covered")
		})
	}
}

// A till that records the redemption after the refund of the goods it
// paid for gives the points back then, down to a single point: 10
// points paid for ten pairs of socks, one pair refunded before the
// redemption is recorded, gives back 1 point (package documentation,
// "Ledger": points that paid for an order come back when its goods are
// refunded, also when a till records the redemption after the refund).
func TestRedemptionRecordedAfterTheRefundGivesBackOnePoint(t *testing.T) {
	p, l := welcomed(t, day(2027, 1, 10))
	bought := day(2026, 3, 2)
	evs := payWithPoints(t, p, l.a, "O1", bought, 10, item("SOCK", "socks", "2026-AW", "1.00", 10))
	require.Len(t, evs, 2)
	var redeem, purchase loyalty.Event
	for _, e := range evs {
		switch e.(type) {
		case loyalty.Redemption:
			redeem = e
		case loyalty.Purchase:
			purchase = e
		}
	}
	require.NotNil(t, redeem)
	require.NotNil(t, purchase)
	l.do(bought, purchase)
	refunded := bought.Add(time.Hour)
	l.do(refunded, loyalty.Returned{Return: ret("X1", "O1", "M1", refunded, customer.ReturnLine{LineID: "SOCK", Quantity: -1})})
	entries := l.do(refunded.Add(time.Hour), redeem)
	r := ofKind(entries, loyalty.EntryRestore)
	require.Len(t, r, 1, "%v", entries)
	assert.Equal(t, loyalty.Points(1), r[0].Points)
	paid, restored := l.a.OrderRedemption("O1")
	assert.Equal(t, loyalty.Points(10), paid)
	assert.Equal(t, loyalty.Points(1), restored)
	l.requireReplays()
}
