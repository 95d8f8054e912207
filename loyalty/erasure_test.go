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

var july23 = customer.Birthday{Year: 1991, Month: time.July, Day: 23}

// appendOnly is a Store that is not an Eraser.
type appendOnly struct{ loyalty.Store }

func TestErasureEndsBirthdayBenefits(t *testing.T) {
	p := club(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)})
	// Before the erasure the birthday month doubles the points.
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2026, 7, 2), line("A", "coats", "100", 1))}, day(2026, 7, 2))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(200), entries[0].Points)

	a, entries, err = p.Apply(a, loyalty.Erasure{Member: "M1", ID: "anon-1", Time: day(2026, 7, 10)}, day(2026, 7, 10))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.EntryErase, entries[0].Kind)
	assert.Equal(t, "erase:anon-1", entries[0].Key)
	assert.Equal(t, loyalty.Points(0), entries[0].Points)
	assert.True(t, entries[0].Birthday.IsZero())
	assert.True(t, a.Birthday.IsZero(), "the account no longer holds the birthday")
	assert.True(t, a.Erased.Equal(day(2026, 7, 10)))
	assert.Equal(t, loyalty.Points(200), a.Balance(), "points of benefits given before stay")

	// A birthday claim after the erasure is refused as for a member
	// without a birthday, and records nothing.
	_, entries, err = p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 7, 15)}, day(2026, 7, 15))
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1)
	assert.Equal(t, "birthday", ve.Fields[0].Field)
	assert.Empty(t, entries)
	// A later purchase, also one dated before the erasure and recorded
	// after it, earns no birthday multiplier.
	for _, o := range []customer.Order{
		order("O2", "M1", day(2026, 7, 20), line("B", "coats", "100", 1)),
		order("O3", "M1", day(2026, 7, 9), line("C", "coats", "100", 1)),
	} {
		next, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 7, 20))
		require.NoError(t, err)
		assert.Equal(t, loyalty.Points(100), entries[0].Points, "order %s", o.ID)
		assert.Zero(t, entries[0].Year, "order %s uses no birthday multiplier", o.ID)
		a = next
	}
	// Erasing again under another ID is recorded and changes nothing else.
	again, _, err := p.Apply(a, loyalty.Erasure{Member: "M1", ID: "anon-2", Time: day(2026, 8, 1)}, day(2026, 8, 1))
	require.NoError(t, err)
	assert.True(t, again.Erased.Equal(day(2026, 7, 10)), "erased since the first erasure")
	assert.Equal(t, a.Balance(), again.Balance())
}

func TestErasureIsValidated(t *testing.T) {
	p := club(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 3, 5), loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 3, 5)})
	for name, tc := range map[string]struct {
		e      loyalty.Erasure
		fields []string
	}{
		"no id":          {loyalty.Erasure{Member: "M1", Time: day(2026, 3, 6)}, []string{"id"}},
		"zero time":      {loyalty.Erasure{Member: "M1", ID: "x"}, []string{"time"}},
		"future":         {loyalty.Erasure{Member: "M1", ID: "x", Time: day(2026, 4, 1)}, []string{"time"}},
		"before joining": {loyalty.Erasure{Member: "M1", ID: "x", Time: day(2026, 3, 1)}, []string{"time"}},
	} {
		t.Run(name, func(t *testing.T) {
			next, entries, err := p.Apply(a, tc.e, day(2026, 3, 10))
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			assert.Equal(t, tc.fields, got)
			assert.Contains(t, err.Error(), `"M1"`)
			assert.Empty(t, entries)
			assert.Equal(t, july23, next.Birthday, "a refused erasure changes nothing")
		})
	}
	_, _, err := p.Apply(loyalty.Account{}, loyalty.Erasure{Member: "nobody", ID: "x", Time: day(2026, 3, 6)}, day(2026, 3, 6))
	require.ErrorIs(t, err, loyalty.ErrNotMember)
	assert.Contains(t, err.Error(), `"nobody"`)
}

func TestServiceErasureBlanksStoredBirthday(t *testing.T) {
	ctx := context.Background()
	p := club(t)
	store := loyalty.NewMemStore()
	svc := loyalty.NewService(p, store, nil)
	join := loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)}
	_, _, err := svc.Apply(ctx, join, day(2026, 1, 5))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 7, 2), line("A", "coats", "100", 1))}, day(2026, 7, 2))
	require.NoError(t, err)
	before, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	require.Equal(t, july23, before[0].Birthday)

	erasure := loyalty.Erasure{Member: "M1", ID: "anon-1", Time: day(2026, 7, 10)}
	a, appended, err := svc.Apply(ctx, erasure, day(2026, 7, 10))
	require.NoError(t, err)
	require.Len(t, appended, 1)
	stored, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	require.Len(t, stored, len(before)+1)
	for _, e := range stored {
		assert.True(t, e.Birthday.IsZero(), "entry %d holds the birthday", e.Seq)
	}
	assert.Equal(t, before[0].Erased(), stored[0], "the join entry is stored erased")
	assert.NotEqual(t, before[0].Fingerprint, stored[0].Fingerprint, "the fingerprint of the join with its birthday is gone")
	for i := 1; i < len(before); i++ {
		assert.Equal(t, before[i], stored[i], "entries without personal data are kept as they were")
	}
	// The stored entries replay to the account the service holds, which
	// is that of the entries before erasure plus the erasure entry.
	replayed, err := loyalty.Replay(stored)
	require.NoError(t, err)
	assert.Equal(t, loyalty.WithoutOwnership(a), loyalty.WithoutOwnership(replayed))
	unblanked, err := loyalty.Replay(append(before, appended...))
	require.NoError(t, err)
	assert.Equal(t, loyalty.WithoutOwnership(unblanked), loyalty.WithoutOwnership(replayed))
	fresh, err := loyalty.NewService(p, store, &loyalty.ServiceOptions{NoCache: true}).Account(ctx, "M1")
	require.NoError(t, err)
	assert.True(t, fresh.Birthday.IsZero())

	// The join and the erasure delivered again are redeliveries and
	// change nothing.
	for _, e := range []loyalty.Event{join, erasure} {
		_, _, err = svc.Apply(ctx, e, day(2026, 7, 11))
		var de *loyalty.DuplicateError
		require.ErrorAs(t, err, &de, "%T", e)
		assert.True(t, de.Same, "%T", e)
	}
	again, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Equal(t, stored, again)

	// A birthday claim through the service is refused.
	_, _, err = svc.Apply(ctx, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 7, 15)}, day(2026, 7, 15))
	require.ErrorIs(t, err, customer.ErrInvalid)
}

func TestServiceErasureOfUnknownMemberIsAnError(t *testing.T) {
	store := loyalty.NewMemStore()
	_, _, err := loyalty.NewService(club(t), store, nil).Apply(context.Background(),
		loyalty.Erasure{Member: "nobody", ID: "anon-1", Time: day(2026, 7, 10)}, day(2026, 7, 10))
	require.ErrorIs(t, err, loyalty.ErrNotMember)
	assert.Contains(t, err.Error(), `"nobody"`)
}

func TestServiceRefusesErasureOnStoreThatCannotErase(t *testing.T) {
	ctx := context.Background()
	inner := loyalty.NewMemStore()
	svc := loyalty.NewService(club(t), appendOnly{inner}, nil)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Erasure{Member: "M1", ID: "anon-1", Time: day(2026, 7, 10)}, day(2026, 7, 10))
	require.ErrorIs(t, err, errors.ErrUnsupported)
	assert.Contains(t, err.Error(), `"M1"`)
	stored, err := inner.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Len(t, stored, 1, "nothing is stored")
}

// A ledger whose erasure entry was appended without erasing (by
// Programme.Apply and Store.Append) is erased when the erasure is
// delivered again through a Service.
func TestServiceErasureRedeliveryErasesWhatIsLeft(t *testing.T) {
	ctx := context.Background()
	p := club(t)
	store := loyalty.NewMemStore()
	a, entries, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	require.NoError(t, store.Append(ctx, "M1", 0, entries))
	erasure := loyalty.Erasure{Member: "M1", ID: "anon-1", Time: day(2026, 7, 10)}
	_, entries, err = p.Apply(a, erasure, day(2026, 7, 10))
	require.NoError(t, err)
	require.NoError(t, store.Append(ctx, "M1", 1, entries))
	stored, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	require.Equal(t, july23, stored[0].Birthday)

	_, _, err = loyalty.NewService(p, store, nil).Apply(ctx, erasure, day(2026, 7, 11))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)
	stored, err = store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.True(t, stored[0].Birthday.IsZero())
	assert.Len(t, stored, 2)
}

func TestEntryErased(t *testing.T) {
	p := club(t)
	_, entries, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	j := entries[0]
	e := j.Erased()
	assert.True(t, e.Birthday.IsZero())
	assert.Equal(t, july23, j.Birthday, "Erased returns a copy")
	assert.Equal(t, e, e.Erased(), "erasing twice is erasing once")
	// The erased fingerprint is that of the join without a birthday.
	_, plain, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	assert.Equal(t, plain[0].Fingerprint, e.Fingerprint)
	assert.Equal(t, plain[0], plain[0].Erased(), "a join without a birthday has nothing to erase")
}

// The erased ledger of a member who received no birthday benefit does
// not depend on the birthday: the same member, joined with different
// birthdays (or none) in three stores and doing the same things outside
// the birthday months, has the same stored entries after the erasure,
// fingerprints included. (A benefit given, by contrast, dates the
// birthday month; see the package documentation, Privacy.)
func TestErasedLedgerWithoutBenefitsIsIndependentOfTheBirthday(t *testing.T) {
	ctx := context.Background()
	p := club(t)
	var ledgers [][]loyalty.Entry
	for _, bd := range []customer.Birthday{july23, {Year: 1985, Month: time.March, Day: 3}, {}} {
		store := loyalty.NewMemStore()
		svc := loyalty.NewService(p, store, nil)
		for _, step := range []struct {
			e   loyalty.Event
			now time.Time
		}{
			{loyalty.Join{Member: "M1", Birthday: bd, Time: day(2026, 1, 5)}, day(2026, 1, 5)},
			{loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "600", 1))}, day(2026, 2, 1)},
			{loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 10), customer.ReturnLine{LineID: "A", Quantity: -1})}, day(2026, 2, 10)},
			{loyalty.Purchase{Order: order("O2", "M1", day(2026, 5, 1), line("B", "knitwear", "80", 2))}, day(2026, 5, 1)},
			{loyalty.Erasure{Member: "M1", ID: "anon", Time: day(2026, 8, 1)}, day(2026, 8, 1)},
		} {
			_, _, err := svc.Apply(ctx, step.e, step.now)
			require.NoError(t, err, "%v %T", bd, step.e)
		}
		stored, err := store.Entries(ctx, "M1", 0)
		require.NoError(t, err)
		ledgers = append(ledgers, stored)
	}
	assert.Equal(t, ledgers[0], ledgers[1])
	assert.Equal(t, ledgers[0], ledgers[2])
}
