package loyalty_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

func TestServiceCachesAndReadsOnlyNewEntries(t *testing.T) {
	p := club(t)
	store := loyalty.NewMemStore()
	ctx := context.Background()
	one := loyalty.NewService(p, store, nil)
	two := loyalty.NewService(p, store, &loyalty.ServiceOptions{NoCache: true})
	_, _, err := one.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	a, _, err := one.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))}, day(2026, 2, 1))
	require.NoError(t, err)
	// Another service writes; the first one sees it on its next load.
	_, _, err = two.Apply(ctx, loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 2), line("B", "coats", "50", 1))}, day(2026, 2, 2))
	require.NoError(t, err)
	got, err := one.Account(ctx, "M1")
	require.NoError(t, err)
	assert.Equal(t, a.Version+1, got.Version)
	assert.Equal(t, loyalty.Points(150), got.Balance())
	_, _, err = one.Apply(ctx, loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 2), line("B", "coats", "50", 1))}, day(2026, 2, 3))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)
	assert.Same(t, p, one.Programme())

	unknown, err := one.Account(ctx, "nobody")
	require.NoError(t, err)
	assert.Equal(t, int64(0), unknown.Version)
	_, _, err = one.Apply(ctx, nil, day(2026, 2, 3))
	require.Error(t, err)
}

func TestServiceReportsStoreFaults(t *testing.T) {
	p := club(t)
	f := &loyaltytest.FaultStore{Store: loyalty.NewMemStore(), FailEntries: loyaltytest.Fault{Call: 1}}
	svc := loyalty.NewService(p, f, nil)
	ctx := context.Background()
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.ErrorIs(t, err, loyaltytest.ErrInjected)
	_, _, err = svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	_, n := f.Injected()
	assert.Equal(t, 1, n)

	mine := errors.New("disk full")
	f.Err, f.FailAppend = mine, loyaltytest.Fault{Every: 1}
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))}, day(2026, 2, 1))
	require.ErrorIs(t, err, mine)
	a, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(0), a.Balance())
	_, err = svc.Account(context.Background(), "M1")
	require.NoError(t, err)
}

// conflictStore reports a conflict on every append.
type conflictStore struct{ loyalty.Store }

func (conflictStore) Append(context.Context, customer.ID, int64, []loyalty.Entry) error {
	return loyalty.ErrConflict
}

func TestServiceGivesUpAfterRetries(t *testing.T) {
	svc := loyalty.NewService(club(t), conflictStore{loyalty.NewMemStore()}, &loyalty.ServiceOptions{Retries: 3})
	_, _, err := svc.Apply(context.Background(), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.ErrorIs(t, err, loyalty.ErrConflict)
}

func TestMemStoreHonoursContext(t *testing.T) {
	s := loyalty.NewMemStore()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Entries(ctx, "M1", 0)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.Append(ctx, "M1", 0, nil), context.Canceled)
}

func TestReplayRejectsCorruptLedgers(t *testing.T) {
	p := club(t)
	var a loyalty.Account
	var all []loyalty.Entry
	for _, e := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))},
		loyalty.Redemption{Member: "M1", ID: "R", Points: 100, Time: day(2026, 3, 10)},
	} {
		next, entries, err := p.Apply(a, e, day(2026, 3, 10))
		require.NoError(t, err)
		a, all = next, append(all, entries...)
	}
	_, err := loyalty.Replay(all)
	require.NoError(t, err)
	edits := map[string]func([]loyalty.Entry){
		"gap":           func(es []loyalty.Entry) { es[1].Seq = 5 },
		"other member":  func(es []loyalty.Entry) { es[1].Member = "M2" },
		"no join":       func(es []loyalty.Entry) { es[0].Kind = loyalty.EntryEarn },
		"repeated key":  func(es []loyalty.Entry) { es[2].Key = es[1].Key },
		"empty key":     func(es []loyalty.Entry) { es[2].Key = "" },
		"unknown lot":   func(es []loyalty.Entry) { es[len(es)-1].Parts = []loyalty.LotPart{{Lot: "nope", Points: 1}} },
		"overdraw":      func(es []loyalty.Entry) { es[len(es)-1].Parts = []loyalty.LotPart{{Lot: "order:O1", Points: 101}} },
		"wrong balance": func(es []loyalty.Entry) { es[len(es)-1].Points = -99 },
		"negative debt": func(es []loyalty.Entry) { es[len(es)-1].Debt = -1 },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			es := append([]loyalty.Entry(nil), all...)
			for i := range es {
				es[i].Parts = append([]loyalty.LotPart(nil), es[i].Parts...)
			}
			edit(es)
			_, err := loyalty.Replay(es)
			require.ErrorIs(t, err, loyalty.ErrCorrupt)
		})
	}
	// With continues a ledger and leaves the account unchanged on error.
	head, err := loyalty.Replay(all[:2])
	require.NoError(t, err)
	_, err = head.With(all[3:]...)
	require.ErrorIs(t, err, loyalty.ErrCorrupt)
	assert.Equal(t, int64(2), head.Version)
}
