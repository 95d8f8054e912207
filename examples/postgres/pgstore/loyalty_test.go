package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// Concurrent deliveries of one entry (same key, same version): one is
// stored, every other gets ErrDuplicate — what a serial run gives, even
// for the writers that lost the race on the unique keys — with Same set,
// as the fingerprints agree.
func TestConcurrentSameKeyIsDuplicate(t *testing.T) {
	s := newDB(t).Loyalty()
	ctx := context.Background()
	e := loyalty.Entry{Seq: 1, Member: "M1", Key: "order:O-1", Fingerprint: 42, Kind: loyalty.EntryAdjust, Points: 10}
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = s.Append(ctx, "M1", 0, []loyalty.Entry{e})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		var dup *loyalty.DuplicateError
		if assert.True(t, errors.As(err, &dup), "loser got %v, want a *loyalty.DuplicateError", err) {
			assert.True(t, dup.Same, "same fingerprint, so Same")
			assert.Equal(t, "order:O-1", dup.Key)
		}
	}
	assert.Equal(t, 1, won)
	got, err := s.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Len(t, got, 1)

	other := e
	other.Seq, other.Fingerprint = 2, 7
	err = s.Append(ctx, "M1", 1, []loyalty.Entry{other})
	var dup *loyalty.DuplicateError
	require.ErrorAs(t, err, &dup)
	assert.False(t, dup.Same, "a key reused for other content")
}

// A batch whose entries do not continue the ledger, or belong to another
// member, is refused as invalid before it reaches the database.
func TestAppendMisnumberedBatchIsInvalid(t *testing.T) {
	s := newDB(t).Loyalty()
	ctx := context.Background()
	err := s.Append(ctx, "M1", 0, []loyalty.Entry{{Seq: 2, Member: "M1", Key: "a"}})
	require.ErrorIs(t, err, customer.ErrInvalid)
	err = s.Append(ctx, "M1", 0, []loyalty.Entry{{Seq: 1, Member: "M2", Key: "a"}})
	require.ErrorIs(t, err, customer.ErrInvalid)
	got, err := s.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Empty(t, got)
}

// The e-shop's case: 64 concurrent deliveries of one order event through
// loyalty.Service earn once; the others are told it was a duplicate. And
// 16 different orders of one member, concurrently, all earn (the
// service's retries absorb the version conflicts).
func TestServiceConcurrentDeliveries(t *testing.T) {
	s := newDB(t).Loyalty()
	ctx := context.Background()
	svc := loyalty.NewService(loyaltytest.Programme(), s, &loyalty.ServiceOptions{Retries: 1000})
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, now)
	require.NoError(t, err)

	run := func(n int, event func(i int) loyalty.Event) []error {
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				_, _, errs[i] = svc.Apply(ctx, event(i), now)
			})
		}
		close(start)
		wg.Wait()
		return errs
	}
	errs := run(64, func(int) loyalty.Event { return loyalty.Purchase{Order: loyaltytest.Order("O-1", "M1", 80, 1)} })
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			assert.ErrorIs(t, err, loyalty.ErrDuplicate)
		}
	}
	assert.Equal(t, 1, won, "deliveries that earned")

	errs = run(16, func(i int) loyalty.Event {
		return loyalty.Purchase{Order: loyaltytest.Order(fmt.Sprintf("O-%d", i+2), "M1", 10, i+2)}
	})
	for _, err := range errs {
		assert.NoError(t, err)
	}
	entries, err := s.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	a, err := loyalty.Replay(entries)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(80+16*10), a.Balance())
}
