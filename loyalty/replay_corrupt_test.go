package loyalty_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// corruptLedger is a ledger built with Apply, for tests that spoil one
// entry and replay it.
type corruptLedger struct {
	t   *testing.T
	p   *loyalty.Programme
	a   loyalty.Account
	log []loyalty.Entry
}

func (l *corruptLedger) step(now time.Time, e loyalty.Event) []loyalty.Entry {
	l.t.Helper()
	next, es, err := l.p.Apply(l.a, e, now)
	require.NoError(l.t, err, "%T %s", e, e.Key())
	l.a, l.log = next, append(l.log, es...)
	return es
}

// spoiled replays the ledger with entry i changed by spoil, after
// checking that the ledger replays as it was, and requires ErrCorrupt.
func (l *corruptLedger) spoiled(i int, spoil func(e *loyalty.Entry)) {
	l.t.Helper()
	_, err := loyalty.Replay(l.log)
	require.NoError(l.t, err)
	log := append([]loyalty.Entry(nil), l.log...)
	spoil(&log[i])
	_, err = loyalty.Replay(log)
	require.ErrorIs(l.t, err, loyalty.ErrCorrupt)
}

func indexOf(t *testing.T, log []loyalty.Entry, kind loyalty.EntryKind, key string) int {
	t.Helper()
	for i, e := range log {
		if e.Kind == kind && e.Key == key {
			return i
		}
	}
	t.Fatalf("no %s entry %q", kind, key)
	return -1
}

// Replay refuses a ledger whose earn entry names no order, or an order
// that an earlier entry of the ledger earned already: an order earns
// once (package documentation, "Ledger": every entry carries an
// idempotency key, an event takes effect once).
func TestReplayRefusesAnOrderEarnedTwiceOrUnnamed(t *testing.T) {
	at := day(2026, 3, 2)
	l := &corruptLedger{t: t, p: club(t)}
	l.step(at, loyalty.Join{Member: "M1", Time: at})
	l.step(at, loyalty.Purchase{Order: order("O1", "M1", at, line("A", "coats", "100", 1))})
	es := l.step(at, loyalty.Purchase{Order: order("O2", "M1", at, line("B", "coats", "50", 1))})
	require.Len(t, es, 1)
	second := indexOf(t, l.log, loyalty.EntryEarn, es[0].Key)

	t.Run("earned twice", func(t *testing.T) {
		l.t = t
		l.spoiled(second, func(e *loyalty.Entry) { e.OrderID = "O1" })
	})
	t.Run("unnamed", func(t *testing.T) {
		l.t = t
		l.spoiled(second, func(e *loyalty.Entry) { e.OrderID = "" })
	})
}

// Replay refuses a claw-back that gives back the uses of the order's
// coupons when not every unit of the order was refunded: only a refund
// that brings back every unit of an order gives its coupons' uses back
// (package documentation, "Coupon uses").
func TestReplayRefusesCouponUsesGivenBackWrongly(t *testing.T) {
	const m = "cleo"
	l := &corruptLedger{t: t, p: modelProgramme(t, loyalty.DebtRecord)}
	l.step(couponStart, loyalty.Join{Member: m, Time: couponStart})
	use := []loyalty.CouponUse{loyalty.NewCouponUse(welcome())}
	o := order("O1", m, couponStart, line("COAT", "coats", "80.00", 2), line("HAT", "hats", "20.00", 1))
	l.step(couponStart, loyalty.Purchase{Order: o, Coupons: use})
	t1 := couponStart.Add(time.Hour)
	partial := l.step(t1, loyalty.Returned{Return: ret("X1", "O1", m, t1, customer.ReturnLine{LineID: "COAT", Quantity: -2})})
	last := l.step(t1, loyalty.Returned{Return: ret("X2", "O1", m, t1, customer.ReturnLine{LineID: "HAT", Quantity: -1})})
	claw := func(es []loyalty.Entry) int {
		for _, e := range es {
			if e.Kind == loyalty.EntryClawback {
				return indexOf(t, l.log, loyalty.EntryClawback, e.Key)
			}
		}
		t.Fatal("no claw-back")
		return -1
	}
	first, final := claw(partial), claw(last)
	require.Empty(t, l.log[first].Coupons)
	require.Equal(t, []string{"WELCOME"}, l.log[final].Coupons)

	t.Run("after a partial refund", func(t *testing.T) {
		l.t = t
		l.spoiled(first, func(e *loyalty.Entry) { e.Coupons = []string{"WELCOME"} })
	})
}

// Replay refuses a reduction entry of no order (goodwill for an order
// the ledger does not hold) that moves points, spend, debt or forgiven
// points: goodwill takes nothing (package documentation, "Ledger").
func TestReplayRefusesAReductionOfNoOrderThatMoves(t *testing.T) {
	at := day(2026, 3, 2)
	l := &corruptLedger{t: t, p: club(t)}
	l.step(at, loyalty.Join{Member: "M1", Time: at})
	l.step(at, loyalty.Adjustment{Member: "M1", ID: "A1", Points: 300, Reason: "goodwill", Operator: "ops", Time: at})
	amount, err := customer.MoneyFromDecimal(dec("15"), "EUR")
	require.NoError(t, err)
	es := l.step(at, loyalty.Credited{Credit: customer.Credit{ID: "G1", CustomerID: "M1", Time: at,
		Kind: customer.Compensation, Amount: amount}})
	require.Len(t, es, 1)
	i := indexOf(t, l.log, loyalty.EntryReduction, es[0].Key)
	require.Empty(t, l.log[i].OrderID)

	for name, spoil := range map[string]func(e *loyalty.Entry){
		"points":   func(e *loyalty.Entry) { e.Points = -10 },
		"spend":    func(e *loyalty.Entry) { e.Spend = decimal.NewFromInt(-15) },
		"debt":     func(e *loyalty.Entry) { e.Debt = 10 },
		"forgiven": func(e *loyalty.Entry) { e.Forgiven = 10 },
	} {
		t.Run(name, func(t *testing.T) {
			l.t = t
			l.spoiled(i, spoil)
		})
	}
}
