package loyalty_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A member who joined without a birthday gives one later and gets the
// birthday gift in that month.
func TestBirthdayGivenAfterJoining(t *testing.T) {
	p := club(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	_, _, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 5, 3)}, day(2026, 5, 3))
	require.Error(t, err, "no birthday yet")
	may2 := customer.Birthday{Month: time.May, Day: 2}
	a = apply(t, p, a, day(2026, 5, 1), loyalty.BirthdayChanged{Member: "M1", ID: "c1", Birthday: may2, Time: day(2026, 5, 1)})
	assert.Equal(t, may2, a.Birthday)
	a = apply(t, p, a, day(2026, 5, 3), loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 5, 3)})
	assert.Equal(t, loyalty.Points(100), a.Balance())
}

// A member corrects a wrong birthday: the benefits follow the new one
// from the change on, still once a calendar year; a purchase made in the
// old birthday month before the change and recorded after it earns as
// it would have on time; the ledger replays to the same account.
func TestBirthdayCorrected(t *testing.T) {
	p := club(t)
	march10 := customer.Birthday{Month: time.March, Day: 10}
	may2 := customer.Birthday{Year: 1990, Month: time.May, Day: 2}
	var entries []loyalty.Entry
	var a loyalty.Account
	step := func(now time.Time, e loyalty.Event) error {
		t.Helper()
		next, es, err := p.Apply(a, e, now)
		if err == nil {
			a, entries = next, append(entries, es...)
		}
		return err
	}
	require.NoError(t, step(day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: march10, Time: day(2026, 1, 5)}))
	require.NoError(t, step(day(2026, 3, 12), loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 3, 12)}))
	change := loyalty.BirthdayChanged{Member: "M1", ID: "c1", Birthday: may2, Time: day(2026, 3, 25)}
	require.NoError(t, step(day(2026, 3, 25), change))
	assert.Equal(t, may2, a.Birthday)

	// Made on 20 March (birthday month then), recorded on 26 March.
	require.NoError(t, step(day(2026, 3, 26), loyalty.Purchase{Order: order("O1", "M1", day(2026, 3, 20), line("A", "coats", "100", 1))}))
	earned, _, _ := a.OrderPoints("O1")
	assert.Equal(t, loyalty.Points(200), earned, "the birthday month of the order's time")

	err := step(day(2026, 5, 4), loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 5, 4)})
	assert.ErrorIs(t, err, loyalty.ErrDuplicate, "the gift of 2026 was claimed already")
	require.NoError(t, step(day(2026, 5, 5), loyalty.Purchase{Order: order("O2", "M1", day(2026, 5, 5), line("B", "coats", "100", 1))}))
	earned, _, _ = a.OrderPoints("O2")
	assert.Equal(t, loyalty.Points(100), earned, "the multiplier of 2026 was used in March")

	var ve *customer.ValidationError
	err = step(day(2027, 3, 11), loyalty.BirthdayClaim{Member: "M1", Time: day(2027, 3, 11)})
	require.True(t, errors.As(err, &ve), "March is no longer the birthday month: %v", err)
	require.NoError(t, step(day(2027, 3, 12), loyalty.Purchase{Order: order("O3", "M1", day(2027, 3, 12), line("C", "coats", "100", 1))}))
	earned, _, _ = a.OrderPoints("O3")
	assert.Equal(t, loyalty.Points(100), earned, "no birthday multiplier in March 2027")
	require.NoError(t, step(day(2027, 5, 2), loyalty.BirthdayClaim{Member: "M1", Time: day(2027, 5, 2)}))
	require.NoError(t, step(day(2027, 5, 3), loyalty.Purchase{Order: order("O4", "M1", day(2027, 5, 3), line("D", "coats", "100", 1))}))
	earned, _, _ = a.OrderPoints("O4")
	assert.Equal(t, loyalty.Points(200), earned, "birthday month ×2 in May 2027")

	// Delivered again: a redelivery; the same ID with another birthday:
	// a key reused. Neither changes anything.
	before := a
	var de *loyalty.DuplicateError
	require.True(t, errors.As(step(day(2027, 6, 1), change), &de))
	assert.True(t, de.Same)
	other := change
	other.Birthday = march10
	require.True(t, errors.As(step(day(2027, 6, 1), other), &de))
	assert.False(t, de.Same)
	assert.Equal(t, before.Version, a.Version)
	assert.Equal(t, may2, a.Birthday)

	r, err := loyalty.Replay(entries)
	require.NoError(t, err)
	assert.Equal(t, a.Birthday, r.Birthday)
	assert.Equal(t, a.Balance(), r.Balance())
	for _, e := range entries {
		if e.Kind == loyalty.EntryBirthday {
			assert.NotContains(t, fmt.Sprint(e), "1990")
			assert.Zero(t, e.Points)
		}
	}
}

// A change that is not valid is refused with an error naming the member
// and the field, and changes nothing; after an erasure the ledger takes
// no birthday again.
func TestBirthdayChangeRefused(t *testing.T) {
	p := club(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.March, Day: 10}, Time: day(2026, 1, 5)})
	a = apply(t, p, a, day(2026, 4, 1), loyalty.BirthdayChanged{Member: "M1", ID: "c1", Birthday: customer.Birthday{Month: time.May, Day: 2}, Time: day(2026, 4, 1)})
	for _, c := range []struct {
		e     loyalty.BirthdayChanged
		field string
	}{
		{loyalty.BirthdayChanged{Member: "M1", ID: "c2", Birthday: customer.Birthday{Month: time.February, Day: 30}, Time: day(2026, 4, 2)}, "birthday"},
		{loyalty.BirthdayChanged{Member: "M1", ID: "", Birthday: customer.Birthday{Month: time.June, Day: 1}, Time: day(2026, 4, 2)}, "id"},
		{loyalty.BirthdayChanged{Member: "M1", ID: "c3", Birthday: customer.Birthday{Month: time.June, Day: 1}, Time: day(2026, 3, 31)}, "time"},
		{loyalty.BirthdayChanged{Member: "M1", ID: "c4", Birthday: customer.Birthday{Month: time.June, Day: 1}, Time: day(2026, 5, 1)}, "time"},
	} {
		next, es, err := p.Apply(a, c.e, day(2026, 4, 2))
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "%+v: %v", c.e.ID, err)
		assert.Contains(t, err.Error(), `"M1"`)
		assert.Contains(t, err.Error(), c.field)
		assert.Empty(t, es)
		assert.Equal(t, a.Version, next.Version)
		assert.Equal(t, a.Birthday, next.Birthday)
	}

	ctx := context.Background()
	st := loyalty.NewMemStore()
	svc := loyalty.NewService(p, st, nil)
	var recorded []loyalty.Entry
	for _, e := range []loyalty.Event{
		loyalty.Join{Member: "M2", Birthday: customer.Birthday{Month: time.March, Day: 10}, Time: day(2026, 1, 5)},
		loyalty.BirthdayChanged{Member: "M2", ID: "c1", Birthday: customer.Birthday{Year: 1990, Month: time.May, Day: 2}, Time: day(2026, 2, 1)},
		loyalty.Erasure{Member: "M2", ID: "e1", Time: day(2026, 2, 2)},
	} {
		_, es, err := svc.Apply(ctx, e, day(2026, 2, 2))
		require.NoError(t, err)
		recorded = append(recorded, es...)
	}
	// Stored erased: no birthday, and no fingerprint of the change with
	// its birthday, which would let the birthday be found by trying
	// every date.
	stored, err := st.Entries(ctx, "M2", 0)
	require.NoError(t, err)
	for i, e := range stored {
		assert.True(t, e.Birthday.IsZero(), "entry %d", e.Seq)
		if e.Kind == loyalty.EntryBirthday {
			assert.NotEqual(t, recorded[i].Fingerprint, e.Fingerprint, "the fingerprint of the change with its birthday")
		}
	}
	// Delivered again after the erasure: still a redelivery.
	_, _, err = svc.Apply(ctx, loyalty.BirthdayChanged{Member: "M2", ID: "c1", Birthday: customer.Birthday{Year: 1990, Month: time.May, Day: 2}, Time: day(2026, 2, 1)}, day(2026, 2, 3))
	var de *loyalty.DuplicateError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.True(t, de.Same)
	_, _, err = svc.Apply(ctx, loyalty.BirthdayChanged{Member: "M2", ID: "c2", Birthday: customer.Birthday{Month: time.June, Day: 1}, Time: day(2026, 2, 3)}, day(2026, 2, 3))
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Contains(t, err.Error(), "birthday")
	acct, err := svc.Account(ctx, "M2")
	require.NoError(t, err)
	assert.True(t, acct.Birthday.IsZero())
}

// The ledger refuses a birthday that the customer record refuses too: a
// year before customer.MinBirthYear or a date after the time it is
// recorded, on joining and on a change.
func TestBirthdayOutsideTheCustomerRulesRefused(t *testing.T) {
	p := club(t)
	now := day(2026, 4, 2)
	joined := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	for _, b := range []customer.Birthday{
		{Year: customer.MinBirthYear - 1, Month: time.May, Day: 2},
		{Year: 2031, Month: time.May, Day: 2},
		{Year: 2026, Month: time.April, Day: 3},
	} {
		for _, e := range []loyalty.Event{
			loyalty.Join{Member: "M2", Birthday: b, Time: now},
			loyalty.BirthdayChanged{Member: "M1", ID: "c", Birthday: b, Time: now},
		} {
			a := loyalty.Account{}
			if _, ok := e.(loyalty.BirthdayChanged); ok {
				a = joined
			}
			next, es, err := p.Apply(a, e, now)
			var ve *customer.ValidationError
			require.True(t, errors.As(err, &ve), "%T %d: %v", e, b.Year, err)
			assert.Equal(t, "birthday", ve.Fields[0].Field, "%v", err)
			assert.Contains(t, err.Error(), string(e.MemberID()))
			assert.Empty(t, es)
			assert.Equal(t, a.Version, next.Version)
		}
	}
	// The day itself is a birthday already.
	apply(t, p, loyalty.Account{}, now, loyalty.Join{Member: "M3", Birthday: customer.Birthday{Year: 2026, Month: time.April, Day: 2}, Time: now})
}

// A claim outside the birthday month is refused without telling the
// birthday month: an error is logged and shown, and the month is
// personal data, redacted everywhere else.
func TestBirthdayClaimErrorDoesNotTellTheMonth(t *testing.T) {
	p := club(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Year: 1991, Month: time.July, Day: 23}, Time: day(2026, 1, 5)})
	_, _, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 3, 2)}, day(2026, 3, 2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not in the birthday month")
	assert.Contains(t, err.Error(), `"M1"`)
	assert.NotContains(t, err.Error(), "July")
	assert.NotContains(t, err.Error(), "-07")
}
