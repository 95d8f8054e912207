package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func eurCredit(id, orderID string, k customer.CreditKind, amount string, at func() customer.Credit) customer.Credit {
	c := at()
	m, err := customer.NewMoney(amount, "EUR")
	if err != nil {
		panic(err)
	}
	c.ID, c.OrderID, c.Kind, c.Amount = id, orderID, k, m
	return c
}

// A price reduction takes back its share of the order's points, with the
// returns of the same order: together they never take more than the
// order earned, and all of it once everything is given back.
func TestPriceReductionTakesBackItsShare(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	// Two coats at 100: 200 points on a spend of 200.
	o := order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "100", 2))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: o})
	earned, _, _ := a.OrderPoints("O1")
	require.Equal(t, loyalty.Points(200), earned)
	at := func() customer.Credit {
		return customer.Credit{CustomerID: "M1", Time: day(2026, 2, 4)}
	}

	a, entries, err := p.Apply(a, loyalty.Credited{Credit: eurCredit("K1", "O1", customer.PriceReduction, "30.00", at)}, day(2026, 2, 4))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	e := entries[0]
	assert.Equal(t, loyalty.EntryReduction, e.Kind)
	assert.Equal(t, loyalty.Points(-30), e.Points, "30 of the 200 spent: 30 of the 200 points")
	assert.Equal(t, "-30", e.Spend.String())
	assert.Equal(t, loyalty.Points(-30), e.Qualifying)
	assert.Equal(t, "credit:K1", e.Key)
	assert.Contains(t, e.Note, "price reduction of 30.00")
	_, clawed, _ := a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(30), clawed)

	// A coat comes back: its half of the points, on top of the reduction.
	a, entries, err = p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "COAT", Quantity: -1})}, day(2026, 2, 5))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(-100), entries[0].Points)
	_, clawed, _ = a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(130), clawed)

	// Giving back the rest of the price of the coat kept (70 of its 100
	// after the 30 given back) takes what is left, and no more.
	a, entries, err = p.Apply(a, loyalty.Credited{Credit: eurCredit("K2", "O1", customer.PriceReduction, "70", at)}, day(2026, 2, 6))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(-70), entries[0].Points, "capped at the 200 earned")
	_, clawed, _ = a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(200), clawed)
	assert.True(t, p.Qualifying(a, day(2026, 2, 6)).IsZero(), "qualifying spend never below zero: %s", p.Qualifying(a, day(2026, 2, 6)))

}

// A compensation is goodwill: an entry that records it, no points, no
// spend; delivered again it is a duplicate.
func TestCompensationTakesNothing(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "100", 1))})
	at := func() customer.Credit { return customer.Credit{CustomerID: "M1", Time: day(2026, 2, 3)} }
	for _, c := range []customer.Credit{
		eurCredit("G1", "", customer.Compensation, "15", at),
		eurCredit("G2", "O1", customer.Compensation, "500", at),
		eurCredit("G3", "BEFORE-JOINING", customer.Compensation, "5", at),
	} {
		next, entries, err := p.Apply(a, loyalty.Credited{Credit: c}, day(2026, 2, 3))
		require.NoError(t, err, c.ID)
		require.Len(t, entries, 1)
		assert.Equal(t, loyalty.EntryReduction, entries[0].Kind)
		assert.Zero(t, entries[0].Points)
		assert.True(t, entries[0].Spend.IsZero())
		assert.Contains(t, entries[0].Note, "goodwill")
		assert.Equal(t, a.Balance(), next.Balance())
		a = next
	}
	_, _, known := a.OrderPoints("BEFORE-JOINING")
	assert.False(t, known, "a compensation does not make an order known")
	_, _, err := p.Apply(a, loyalty.Credited{Credit: eurCredit("G1", "", customer.Compensation, "15", at)}, day(2026, 2, 3))
	var de *loyalty.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.True(t, de.Same)
}

// A price reduction that cannot be applied is refused, naming the field,
// and changes nothing.
func TestPriceReductionRefusals(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "100", 1))})
	at := func() customer.Credit { return customer.Credit{CustomerID: "M1", Time: day(2026, 2, 3)} }
	usd := eurCredit("K1", "O1", customer.PriceReduction, "10", at)
	usd.Amount, _ = customer.NewMoney("10", "USD")
	tests := []struct {
		name  string
		c     customer.Credit
		field string
		code  string
	}{
		{"no order", eurCredit("K1", "", customer.PriceReduction, "10", at), "credit.order_id", customer.CodeRequired},
		{"more than the spend", eurCredit("K1", "O1", customer.PriceReduction, "100.01", at), "credit.amount", customer.CodeTooMany},
		{"zero", eurCredit("K1", "O1", customer.PriceReduction, "0", at), "credit.amount", customer.CodeRange},
		{"other currency", usd, "credit.amount", customer.CodeMismatch},
		{"before the order", func() customer.Credit {
			c := eurCredit("K1", "O1", customer.PriceReduction, "10", at)
			c.Time = day(2026, 1, 20)
			return c
		}(), "credit.time", customer.CodeOrder},
		{"other member", func() customer.Credit {
			c := eurCredit("K1", "O1", customer.PriceReduction, "10", at)
			c.CustomerID = "M2"
			return c
		}(), "", ""},
		{"no id", eurCredit("", "O1", customer.PriceReduction, "10", at), "credit.id", customer.CodeRequired},
		{"unknown kind", eurCredit("K1", "O1", 9, "10", at), "credit.kind", customer.CodeUnknown},
		// Money paid out is whole cents, as customer.Credit.Validate says.
		{"sub-cent reduction", eurCredit("K1", "O1", customer.PriceReduction, "10.005", at), "credit.amount", customer.CodeFormat},
		{"sub-cent compensation", eurCredit("K1", "", customer.Compensation, "5.001", at), "credit.amount", customer.CodeFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code == customer.CodeFormat {
				cv := customer.Credit.Validate(tc.c, day(2026, 2, 3))
				var ce *customer.ValidationError
				require.ErrorAs(t, cv, &ce)
				require.True(t, ce.Has("amount", customer.CodeFormat), "the customer package agrees: %v", cv)
			}
			next, entries, err := p.Apply(a, loyalty.Credited{Credit: tc.c}, day(2026, 2, 3))
			require.Error(t, err)
			assert.Empty(t, entries)
			assert.Equal(t, a.Version, next.Version)
			if tc.field != "" {
				var ve *customer.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.True(t, ve.Has(tc.field, tc.code), "%v: want %s %s", err, tc.field, tc.code)
			}
		})
	}
	// An order that did not earn in this ledger.
	_, _, err := p.Apply(a, loyalty.Credited{Credit: eurCredit("K1", "O9", customer.PriceReduction, "10", at)}, day(2026, 2, 3))
	require.ErrorIs(t, err, loyalty.ErrUnknownOrder)
	// Two reductions may not give back more than the spend together.
	a = apply(t, p, a, day(2026, 2, 3), loyalty.Credited{Credit: eurCredit("K1", "O1", customer.PriceReduction, "60", at)})
	_, _, err = p.Apply(a, loyalty.Credited{Credit: eurCredit("K2", "O1", customer.PriceReduction, "40.01", at)}, day(2026, 2, 3))
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve) && ve.Has("credit.amount", customer.CodeTooMany), "%v", err)
	assert.Contains(t, err.Error(), "40.01 is more than the 40.00 of order \"O1\"'s spend of 100.00 not yet refunded or given back")
}

// Points already spent when a reduction takes them back follow the debt
// policy, as for returns.
func TestPriceReductionOfSpentPoints(t *testing.T) {
	for _, tc := range []struct {
		policy         string
		debt, forgiven loyalty.Points
	}{
		{"debt", 100, 0},
		{"cap-at-zero", 0, 100},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			p := debtProgramme(t, tc.policy)
			at := func() customer.Credit { return customer.Credit{CustomerID: "M1", Time: day(2026, 2, 3)} }
			var a loyalty.Account
			var log []loyalty.Entry
			for _, step := range []struct {
				e   loyalty.Event
				now time.Time
			}{
				{loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5)},
				{loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "300", 1))}, day(2026, 2, 1)},
				{loyalty.Redemption{Member: "M1", ID: "R1", Points: 250, Time: day(2026, 2, 1)}, day(2026, 2, 1)},
				{loyalty.Credited{Credit: eurCredit("K1", "O1", customer.PriceReduction, "150", at)}, day(2026, 2, 3)},
			} {
				next, entries, err := p.Apply(a, step.e, step.now)
				require.NoError(t, err, "%T", step.e)
				a, log = next, append(log, entries...)
			}
			e := log[len(log)-1]
			require.Equal(t, loyalty.EntryReduction, e.Kind)
			assert.Equal(t, tc.debt, e.Debt)
			assert.Equal(t, tc.forgiven, e.Forgiven)
			assert.Equal(t, loyalty.Points(0), a.Available, "the 50 left are taken")
			r, err := loyalty.Replay(log)
			require.NoError(t, err)
			assert.Equal(t, a.Balance(), r.Balance())
			assert.Equal(t, a.Debt, r.Debt)
			_, clawed, _ := r.OrderPoints("O1")
			assert.Equal(t, loyalty.Points(150), clawed)
		})
	}
}

// What a price reduction can still give back is the spend less what
// refunds paid back and earlier reductions gave back: nothing once every
// unit was refunded.
func TestPriceReductionAfterRefunds(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1),
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "100", 1))},
		loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 1), line("SHIRT", "shirts", "40", 2))})
	at := func() customer.Credit { return customer.Credit{CustomerID: "M1", Time: day(2026, 2, 3)} }
	a = apply(t, p, a, day(2026, 2, 2),
		loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 2), customer.ReturnLine{LineID: "COAT", Quantity: -1})},
		loyalty.Returned{Return: ret("X2", "O2", "M1", day(2026, 2, 2), customer.ReturnLine{LineID: "SHIRT", Quantity: -1})})

	refused := func(c customer.Credit, msg string) {
		t.Helper()
		next, entries, err := p.Apply(a, loyalty.Credited{Credit: c}, day(2026, 2, 3))
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("credit.amount", customer.CodeTooMany), "%v", err)
		assert.Contains(t, err.Error(), msg)
		assert.Empty(t, entries)
		assert.Equal(t, a.Version, next.Version)
	}
	// The coat was refunded in full: nothing is left to reduce.
	refused(eurCredit("K1", "O1", customer.PriceReduction, "0.01", at), `0.01 is more than the 0.00 of order "O1"'s spend of 100.00`)
	// One shirt of two came back: 40.00 is left, then 15.00 after a
	// reduction of 25.00.
	refused(eurCredit("K2", "O2", customer.PriceReduction, "40.01", at), `40.01 is more than the 40.00 of order "O2"'s spend of 80.00`)
	a = apply(t, p, a, day(2026, 2, 3), loyalty.Credited{Credit: eurCredit("K3", "O2", customer.PriceReduction, "25", at)})
	refused(eurCredit("K4", "O2", customer.PriceReduction, "15.01", at), `15.01 is more than the 15.00 of order "O2"'s spend of 80.00`)
	apply(t, p, a, day(2026, 2, 3), loyalty.Credited{Credit: eurCredit("K4", "O2", customer.PriceReduction, "15", at)})
}

// With earn multipliers the units kept may weigh more points per euro
// than those refunded: once refunds and price reductions together give
// back the whole price, the order's points are all taken back, whichever
// came first, and a reduction takes back its share of the points of the
// goods the member still holds.
func TestPriceReductionAndRefundWithMultipliers(t *testing.T) {
	p := club(t)
	at := func() customer.Credit { return customer.Credit{CustomerID: "M1", Time: day(2026, 2, 4)} }
	buy := func() loyalty.Account {
		a := joined(t, p, day(2026, 1, 5))
		// A jumper at 100 (double points: 200) and a coat at 100: 300
		// points on a spend of 200.
		a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1),
			line("KNIT", "knitwear", "100", 1), line("COAT", "coats", "100", 1))})
		earned, _, _ := a.OrderPoints("O1")
		require.Equal(t, loyalty.Points(300), earned)
		return a
	}
	refund := loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 4), customer.ReturnLine{LineID: "COAT", Quantity: -1})}
	half := loyalty.Credited{Credit: eurCredit("K1", "O1", customer.PriceReduction, "50", at)}
	rest := loyalty.Credited{Credit: eurCredit("K2", "O1", customer.PriceReduction, "50", at)}

	// The coat comes back (its 100 points), then half the jumper's price:
	// half of the jumper's 200 points.
	a := apply(t, p, buy(), day(2026, 2, 4), refund, half)
	_, clawed, _ := a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(200), clawed, "the coat's 100 and half the jumper's 200")
	// The rest of the jumper's price: the member paid nothing, keeps no point.
	a = apply(t, p, a, day(2026, 2, 4), rest)
	_, clawed, _ = a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(300), clawed, "the whole price was given back")

	// The same refund and reductions, reductions first: the same points.
	a = apply(t, p, buy(), day(2026, 2, 4), half, rest, refund)
	_, clawed, _ = a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(300), clawed, "the whole price was given back, reductions first")
	assert.Equal(t, loyalty.Points(0), a.Balance())
}
