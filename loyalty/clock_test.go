package loyalty_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// callCountingStore is a MemStore that counts the calls of its methods.
type callCountingStore struct {
	*loyalty.MemStore
	calls atomic.Int64
}

func (s *callCountingStore) Entries(ctx context.Context, member customer.ID, after int64) ([]loyalty.Entry, error) {
	s.calls.Add(1)
	return s.MemStore.Entries(ctx, member, after)
}

func (s *callCountingStore) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	s.calls.Add(1)
	return s.MemStore.Append(ctx, member, expected, entries)
}

func (s *callCountingStore) Erase(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	s.calls.Add(1)
	return s.MemStore.Erase(ctx, member, expected, entries)
}

// version is the number of entries the store holds for member.
func version(t require.TestingT, s loyalty.Store, member customer.ID) int {
	es, err := s.Entries(context.Background(), member, 0)
	require.NoError(t, err)
	return len(es)
}

// aheadOf checks that err is the refusal of a now ahead of the clock for
// operation op of member M1.
func aheadOf(t *testing.T, err error, op string, now, clock time.Time, maxAhead time.Duration) {
	t.Helper()
	require.ErrorIs(t, err, loyalty.ErrNowAhead)
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ae *loyalty.NowAheadError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, loyalty.NowAheadError{Op: op, Member: "M1", Now: now, Clock: clock, MaxAhead: maxAhead}, *ae)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("now", customer.CodeFuture), "%v", err)
	for _, s := range []string{op, `member "M1"`, "now: ", now.Format(time.RFC3339Nano), clock.Format(time.RFC3339Nano), maxAhead.String()} {
		assert.Contains(t, err.Error(), s)
	}
}

// A service wired to the host's clock refuses a now too far ahead of it
// (the till with a wrong clock of 2036) before it reads the store, and
// the member's later calls at the real time go on as if it never came.
func TestServiceClockRefusesAFutureNow(t *testing.T) {
	ctx := context.Background()
	p := club(t)
	real := day(2026, 4, 1)
	store := &callCountingStore{MemStore: loyalty.NewMemStore()}
	svc := loyalty.NewService(p, store, &loyalty.ServiceOptions{Clock: func() time.Time { return real }})
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 1)}, day(2026, 1, 1))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "600", 1))}, day(2026, 2, 1))
	require.NoError(t, err)
	before, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	n := version(t, store, "M1")

	wrong := time.Date(2036, 4, 1, 0, 0, 0, 0, time.UTC)
	calls := store.calls.Load()
	a, entries, err := svc.Apply(ctx, loyalty.Tick{Member: "M1"}, wrong)
	aheadOf(t, err, "apply", wrong, real, loyalty.DefaultMaxAhead)
	assert.Empty(t, entries)
	assert.Equal(t, loyalty.Account{}, a)
	_, entries, err = svc.ApplyAll(ctx, []loyalty.Event{loyalty.Tick{Member: "M1"}}, wrong)
	aheadOf(t, err, "apply all", wrong, real, loyalty.DefaultMaxAhead)
	assert.Empty(t, entries)
	// A redelivery is not answered either: the now is wrong.
	_, _, err = svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 1)}, wrong)
	aheadOf(t, err, "apply", wrong, real, loyalty.DefaultMaxAhead)
	assert.Equal(t, calls, store.calls.Load(), "the store was read or written")
	assert.Equal(t, n, version(t, store, "M1"))

	// At the real time the ledger is as before: the points are there.
	a, _, err = svc.Apply(ctx, loyalty.Tick{Member: "M1"}, real)
	require.NoError(t, err)
	assert.Equal(t, before.Level, a.Level)
	assert.Equal(t, before.Available+before.Pending, a.Available)
	assert.Equal(t, real, a.AsOf)
}

// TakeGift is guarded too, naming its operation, and reads nothing.
func TestServiceClockRefusesAFutureGift(t *testing.T) {
	ctx := context.Background()
	p := giftClub(t)
	real := day(2026, 3, 10)
	store := &callCountingStore{MemStore: loyalty.NewMemStore()}
	svc := loyalty.NewService(p, store, &loyalty.ServiceOptions{Clock: func() time.Time { return real }, MaxAhead: time.Hour})
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("A", "coats", "600", 1))}, day(2026, 1, 10))
	require.NoError(t, err)
	n, calls := version(t, store, "M1"), store.calls.Load()
	late := real.Add(time.Hour + time.Nanosecond)
	_, entries, err := svc.TakeGift(ctx, "M1", "SCARF", "req-1", real, late)
	aheadOf(t, err, "take gift", late, real, time.Hour)
	assert.Empty(t, entries)
	assert.Equal(t, calls, store.calls.Load())
	assert.Equal(t, n, version(t, store, "M1"))
	_, entries, err = svc.TakeGift(ctx, "M1", "SCARF", "req-1", real, real.Add(time.Hour))
	require.NoError(t, err, "exactly at the bound")
	assert.NotEmpty(t, entries)
}

// The bound: a now at exactly Clock() + MaxAhead is taken, one a
// nanosecond later refused; zero MaxAhead is DefaultMaxAhead, a negative
// one none; a now in the past is taken; without a clock a future now is
// trusted, as before.
func TestServiceClockBound(t *testing.T) {
	ctx := context.Background()
	p := club(t)
	clock := day(2026, 1, 5)
	for _, tc := range []struct {
		name     string
		maxAhead time.Duration
		bound    time.Duration
	}{
		{"default", 0, loyalty.DefaultMaxAhead},
		{"an hour", time.Hour, time.Hour},
		{"none", -time.Second, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := loyalty.NewMemStore()
			svc := loyalty.NewService(p, store, &loyalty.ServiceOptions{Clock: func() time.Time { return clock }, MaxAhead: tc.maxAhead})
			over := clock.Add(tc.bound + time.Nanosecond)
			_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: clock}, over)
			aheadOf(t, err, "apply", over, clock, tc.bound)
			assert.Equal(t, 0, version(t, store, "M1"))
			_, _, err = svc.Apply(ctx, loyalty.Join{Member: "M1", Time: clock}, clock.Add(tc.bound))
			require.NoError(t, err)
			_, _, err = svc.Apply(ctx, loyalty.Tick{Member: "M1"}, clock.Add(-time.Hour))
			require.NoError(t, err, "a now in the past")
		})
	}
	// The clock is read at each call.
	var now atomic.Int64
	now.Store(clock.UnixNano())
	svc := loyalty.NewService(p, loyalty.NewMemStore(), &loyalty.ServiceOptions{Clock: func() time.Time { return time.Unix(0, now.Load()).UTC() }})
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: clock}, clock)
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Tick{Member: "M1"}, clock.Add(time.Hour))
	require.ErrorIs(t, err, loyalty.ErrNowAhead)
	now.Store(clock.Add(time.Hour).UnixNano())
	_, _, err = svc.Apply(ctx, loyalty.Tick{Member: "M1"}, clock.Add(time.Hour))
	require.NoError(t, err)

	// Without a clock, a future now is trusted and moves the ledger.
	svc = loyalty.NewService(p, loyalty.NewMemStore(), nil)
	_, _, err = svc.Apply(ctx, loyalty.Join{Member: "M1", Time: clock}, clock)
	require.NoError(t, err)
	a, _, err := svc.Apply(ctx, loyalty.Tick{Member: "M1"}, time.Date(2036, 4, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	a, _, err = svc.Apply(ctx, loyalty.Tick{Member: "M1"}, clock)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2036, 4, 1, 0, 0, 0, 0, time.UTC), a.AsOf, "time never runs backwards in a ledger")
}

// For any clock, tolerance and now, a guarded service refuses the call
// exactly when now is later than Clock() + MaxAhead, then without
// touching the store; otherwise it does what a service without a clock
// does.
func TestServiceClockProperty(t *testing.T) {
	p := club(t)
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		joined := day(2026, 1, 5).Add(time.Duration(rapid.Int64Range(0, int64(400*24*time.Hour)).Draw(rt, "joined")))
		clock := joined.Add(time.Duration(rapid.Int64Range(0, int64(800*24*time.Hour)).Draw(rt, "clock")))
		maxAhead := rapid.SampledFrom([]time.Duration{0, -1, time.Nanosecond, time.Second, time.Hour, 48 * time.Hour}).Draw(rt, "max ahead")
		bound := maxAhead
		switch {
		case maxAhead == 0:
			bound = loyalty.DefaultMaxAhead
		case maxAhead < 0:
			bound = 0
		}
		lead := rapid.OneOf(
			rapid.Int64Range(-int64(bound)-2, int64(bound)+2),
			rapid.Int64Range(-int64(10*365*24*time.Hour), int64(10*365*24*time.Hour)),
		).Draw(rt, "lead")
		now := clock.Add(time.Duration(lead))
		if now.Before(joined) {
			now = joined
		}
		guarded := &callCountingStore{MemStore: loyalty.NewMemStore()}
		plain := loyalty.NewMemStore()
		gs := loyalty.NewService(p, guarded, &loyalty.ServiceOptions{Clock: func() time.Time { return clock }, MaxAhead: maxAhead})
		ps := loyalty.NewService(p, plain, nil)
		for _, s := range []loyalty.Store{guarded.MemStore, plain} {
			if _, _, err := loyalty.NewService(p, s, nil).ApplyAll(ctx, []loyalty.Event{
				loyalty.Join{Member: "M1", Time: joined},
				loyalty.Purchase{Order: order("O1", "M1", joined, line("A", "coats", "600", 1))},
			}, joined); err != nil {
				rt.Fatal(err)
			}
		}
		events := []loyalty.Event{loyalty.Tick{Member: "M1"}}
		if rapid.Bool().Draw(rt, "purchase") {
			events = []loyalty.Event{loyalty.Purchase{Order: order("O2", "M1", now, line("B", "coats", "100", 1))}}
		}
		n, calls := version(rt, guarded, "M1"), guarded.calls.Load()
		ga, gEntries, gerr := gs.ApplyAll(ctx, events, now)
		pa, pEntries, perr := ps.ApplyAll(ctx, events, now)
		if now.After(clock.Add(bound)) {
			var ae *loyalty.NowAheadError
			if !errors.As(gerr, &ae) || ae.Now != now || ae.Clock != clock || ae.MaxAhead != bound || ae.Op != "apply all" || ae.Member != "M1" {
				rt.Fatalf("now %v, clock %v, bound %v: got %v, want a NowAheadError", now, clock, bound, gerr)
			}
			if guarded.calls.Load() != calls || len(gEntries) != 0 || version(rt, guarded, "M1") != n {
				rt.Fatalf("refused, but the store was used")
			}
			return
		}
		if (gerr == nil) != (perr == nil) || gerr != nil && gerr.Error() != perr.Error() {
			rt.Fatalf("within the bound: guarded %v, plain %v", gerr, perr)
		}
		assert.Equal(rt, pEntries, gEntries)
		assert.Equal(rt, pa.Available, ga.Available)
		assert.Equal(rt, pa.Version, ga.Version)
	})
}
