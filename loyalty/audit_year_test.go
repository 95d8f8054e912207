package loyalty_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A member born on 29 February claims the gift in February of a year
// without a 29th, and the birthday multiplier applies to a February
// purchase of that year.
func TestYearLeapDayBirthdayInCommonYear(t *testing.T) {
	p := club(t)
	leap := customer.Birthday{Year: 1996, Month: time.February, Day: 29}
	a := apply(t, p, loyalty.Account{}, day(2027, 1, 5), loyalty.Join{Member: "M1", Birthday: leap, Time: day(2027, 1, 5)})
	a = apply(t, p, a, day(2027, 2, 28), loyalty.BirthdayClaim{Member: "M1", Time: day(2027, 2, 28)})
	assert.Equal(t, loyalty.Points(100), a.Balance())
	_, es, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2027, 2, 28), line("A", "coats", "100", 1))}, day(2027, 2, 28))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(200), es[0].Points, "birthday month ×2")
}

// A member who joins on the birthday itself claims the gift at the
// moment of joining.
func TestYearBirthdayOnSignUpDay(t *testing.T) {
	p := club(t)
	at := day(2026, 7, 23)
	a := apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.July, Day: 23}, Time: at})
	a = apply(t, p, a, at, loyalty.BirthdayClaim{Member: "M1", Time: at})
	assert.Equal(t, loyalty.Points(100), a.Balance())
}

// In Shanghai (UTC+8) the first of March starts at 16:00 UTC on the last
// day of February: a claim then is in a March birthday month, and a claim
// at 23:00 UTC on 31 December is one of the next year.
func TestYearBirthdayInZoneAheadOfUTC(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	p := zoned(t, sh)
	join := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	a := apply(t, p, loyalty.Account{}, join, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.March, Day: 1}, Time: join})
	claim := time.Date(2026, 2, 28, 17, 0, 0, 0, time.UTC)
	a = apply(t, p, a, claim, loyalty.BirthdayClaim{Member: "M1", Time: claim})
	assert.True(t, a.HasKey("birthday:2026"))
	_, _, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: claim.Add(2 * time.Hour)}, claim.Add(2*time.Hour))
	assert.ErrorIs(t, err, loyalty.ErrDuplicate, "one claim a year")

	b := apply(t, p, loyalty.Account{}, join, loyalty.Join{Member: "M2", Birthday: customer.Birthday{Month: time.January, Day: 1}, Time: join})
	nye := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	b = apply(t, p, b, nye, loyalty.BirthdayClaim{Member: "M2", Time: nye})
	assert.True(t, b.HasKey("birthday:2027"))
	assert.False(t, b.HasKey("birthday:2026"))
}

// A rejected event changes nothing in the store: not the ledger, the
// balance or the tier; and its error names the member and the field.
func TestYearRejectedEventsChangeNothing(t *testing.T) {
	p := club(t)
	ctx := context.Background()
	st := loyalty.NewMemStore()
	svc := loyalty.NewService(p, st, nil)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.May, Day: 2}, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("A", "coats", "600", 1))}, day(2026, 1, 10))
	require.NoError(t, err)
	before, err := st.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	acct, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	require.Equal(t, 1, acct.Level)

	bad := []struct {
		ev    loyalty.Event
		field string
	}{
		{loyalty.Redemption{Member: "M1", ID: "R1", Points: 50, Time: day(2026, 3, 1)}, "points"},
		{loyalty.Redemption{Member: "M1", ID: "", Points: 100, Time: day(2026, 3, 1)}, "id"},
		{loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 3, 1)}, "time"},
		{loyalty.Adjustment{Member: "M1", ID: "A1", Points: 10, Time: day(2026, 3, 1), Operator: "ops"}, "reason"},
		{loyalty.Returned{Return: ret("R1", "O1", "M1", day(2026, 3, 1), customer.ReturnLine{LineID: "A", Quantity: -2})}, "return.lines[0].quantity"},
		{loyalty.Purchase{Order: order("O2", "M1", day(2025, 3, 1), line("B", "coats", "10", 1))}, "order.time"},
		{loyalty.Join{Member: "M1", Time: day(2026, 3, 1), Birthday: customer.Birthday{Month: time.February, Day: 30}}, ""},
	}
	for _, c := range bad {
		_, _, err := svc.Apply(ctx, c.ev, day(2026, 3, 1))
		require.Error(t, err, "%T", c.ev)
		assert.Contains(t, err.Error(), `"M1"`, "%T: %v", c.ev, err)
		if c.field != "" {
			var ve *customer.ValidationError
			if assert.True(t, errors.As(err, &ve), "%T: %v", c.ev, err) {
				assert.Contains(t, err.Error(), c.field)
			}
		}
	}
	after, err := st.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	acct2, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	assert.Equal(t, acct.Balance(), acct2.Balance())
	assert.Equal(t, acct.Level, acct2.Level)
}

// A year of one member through a Service: sign-up, purchases, a
// partial return after the points were spent and after the tier went
// up, a price reduction, bonuses, a birthday change and gift, expiry and
// the tier review; then every keyed event delivered again, also with its
// times in another zone, is a redelivery that changes nothing.
func TestYearRedeliveryChangesNothing(t *testing.T) {
	p := club(t)
	ctx := context.Background()
	st := loyalty.NewMemStore()
	svc := loyalty.NewService(p, st, nil)
	var events []loyalty.Event
	do := func(now time.Time, e loyalty.Event) loyalty.Account {
		t.Helper()
		a, _, err := svc.Apply(ctx, e, now)
		require.NoError(t, err, "%T %s", e, e.Key())
		events = append(events, e)
		return a
	}
	do(day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.June, Day: 1}, Time: day(2026, 1, 5)})
	do(day(2026, 1, 10), loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("COAT", "coats", "300", 1), line("KNIT", "knitwear", "100", 2))})
	a := do(day(2026, 2, 20), loyalty.Redemption{Member: "M1", ID: "R1", Points: 700, Time: day(2026, 2, 20)})
	require.Equal(t, loyalty.Points(0), a.Available)
	require.Equal(t, 1, a.Level, "silver from 500 spent")
	a = do(day(2026, 2, 21), loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 21), line("BOOT", "shoes", "200", 1))})
	// Two of the knitwear returned, after their points were spent and the
	// tier went up: the points are owed, the tier stays until the review.
	a = do(day(2026, 2, 25), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 25), customer.ReturnLine{LineID: "KNIT", Quantity: -2})})
	// O1 reached silver itself. The 400 points of the knitwear were
	// spent: they are taken from O2's pending lot (250), the rest owed.
	assert.Equal(t, loyalty.Points(150), a.Debt)
	assert.Equal(t, loyalty.Points(0), a.Pending)
	assert.Equal(t, 1, a.Level)
	amt, err := customer.NewMoney("30", "EUR")
	require.NoError(t, err)
	do(day(2026, 3, 1), loyalty.Credited{Credit: customer.Credit{ID: "K1", CustomerID: "M1", OrderID: "O2", Time: day(2026, 3, 1), Kind: customer.PriceReduction, Amount: amt}})
	do(day(2026, 3, 2), loyalty.SurveyAnswered{Member: "M1", SurveyID: "fit", Time: day(2026, 3, 2)})
	do(day(2026, 4, 1), loyalty.BirthdayChanged{Member: "M1", ID: "B1", Birthday: customer.Birthday{Month: time.May, Day: 20}, Time: day(2026, 4, 1)})
	do(day(2026, 5, 20), loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 5, 20)})
	do(day(2026, 6, 1), loyalty.Adjustment{Member: "M1", ID: "A1", Points: 25, Reason: "goodwill", Operator: "ops", Time: day(2026, 6, 1)})
	a = do(day(2027, 2, 1), loyalty.Tick{Member: "M1"})
	// The review of 10 January 2027, a year after the upgrade, found 170
	// of spend in the window (O2's 200 less 30 reduced; O1 left the
	// window): 30 days' grace, silver kept until then.
	assert.Equal(t, 1, a.Level, "silver kept during the grace")
	assert.True(t, a.GraceUntil.Equal(day(2027, 2, 9)), "%v", a.GraceUntil)
	a = do(day(2027, 2, 10), loyalty.Tick{Member: "M1"})
	assert.Equal(t, 0, a.Level, "silver lost at the end of the grace")

	before, err := st.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	kiev := time.FixedZone("EET", 2*3600)
	for _, e := range events {
		if e.Key() == "" {
			continue
		}
		for _, ev := range []loyalty.Event{e, shifted(e, kiev)} {
			_, _, err := svc.Apply(ctx, ev, day(2027, 2, 2))
			var de *loyalty.DuplicateError
			require.True(t, errors.As(err, &de), "%s: %v", e.Key(), err)
			assert.True(t, de.Same, "%s", e.Key())
		}
	}
	after, err := st.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

// shifted returns e with its times in loc: the same instants.
func shifted(e loyalty.Event, loc *time.Location) loyalty.Event {
	switch v := e.(type) {
	case loyalty.Join:
		v.Time = v.Time.In(loc)
		return v
	case loyalty.Purchase:
		v.Order.Time = v.Order.Time.In(loc)
		return v
	case loyalty.Returned:
		v.Return.Time = v.Return.Time.In(loc)
		return v
	case loyalty.Credited:
		v.Credit.Time = v.Credit.Time.In(loc)
		return v
	case loyalty.Redemption:
		v.Time = v.Time.In(loc)
		return v
	case loyalty.Adjustment:
		v.Time = v.Time.In(loc)
		return v
	case loyalty.SurveyAnswered:
		v.Time = v.Time.In(loc)
		return v
	case loyalty.BirthdayClaim:
		v.Time = v.Time.In(loc)
		return v
	case loyalty.BirthdayChanged:
		v.Time = v.Time.In(loc)
		return v
	}
	return e
}
