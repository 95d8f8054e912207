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
// a new lot, available at once, valid for the programme's expiry from the
// refund.
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
	assert.True(t, r[0].ExpiresAt.Equal(day(2027, 1, 13)), "valid for 12 months from the refund: %v", r[0].ExpiresAt)
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
