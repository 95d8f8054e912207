package pgstore_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
)

var birthday = customer.Birthday{Year: 1990, Month: 5, Day: 17}

// joinWithBirthday is the join entry of member, which holds a birthday.
func joinWithBirthday(member customer.ID) loyalty.Entry {
	return loyalty.Entry{Seq: 1, Member: member, Key: "join", Fingerprint: 1, Kind: loyalty.EntryJoin,
		Time: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), Effective: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC),
		Birthday: birthday}
}

// birthdayChange is entry seq of member, a birthday change.
func birthdayChange(member customer.ID, seq int64) loyalty.Entry {
	at := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Hour)
	return loyalty.Entry{Seq: seq, Member: member, Key: "birthday:" + time.Duration(seq).String(), Fingerprint: loyalty.Fingerprint(seq),
		Kind: loyalty.EntryBirthday, Time: at, Effective: at, Birthday: birthday}
}

// birthdays returns the seqs of member's entries that hold a birthday.
func birthdays(t *testing.T, s loyalty.Store, member customer.ID) []int64 {
	t.Helper()
	entries, err := s.Entries(context.Background(), member, 0)
	require.NoError(t, err)
	var out []int64
	for _, e := range entries {
		if e.Birthday != (customer.Birthday{}) {
			out = append(out, e.Seq)
		}
	}
	return out
}

// afterQuery is a pgx query tracer that runs action once, when the
// first query whose SQL contains match, alone or in a batch, has been
// read to the end.
type afterQuery struct {
	match  string
	action func()
	fired  atomic.Bool
}

type matchedKey struct{}

func (a *afterQuery) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, matchedKey{}, strings.Contains(data.SQL, a.match))
}

func (a *afterQuery) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	if m, _ := ctx.Value(matchedKey{}).(bool); m && data.Err == nil && a.fired.CompareAndSwap(false, true) {
		a.action()
	}
}

func (a *afterQuery) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (a *afterQuery) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	if strings.Contains(data.SQL, a.match) && data.Err == nil && a.fired.CompareAndSwap(false, true) {
		a.action()
	}
}

func (a *afterQuery) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// An Erase whose expected version is above the ledger's is refused with
// ErrConflict and changes nothing, also when another writer brings the
// ledger to that version between the erasure's read of the entries and
// its write: accepting it then would leave the birthday of the entries
// that writer appended in place, a partial erasure reported as done.
func TestEraseAboveTheVersionRefusedWhenTheLedgerCatchesUp(t *testing.T) {
	check := newDB(t)
	ctx := context.Background()
	s := check.Loyalty()
	require.NoError(t, s.Append(ctx, "M", 0, []loyalty.Entry{joinWithBirthday("M")}))
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	tr := &afterQuery{match: "AND seq > $2 ORDER BY seq", action: func() {
		if err := s.Append(ctx, "M", 1, []loyalty.Entry{birthdayChange("M", 2)}); err != nil {
			t.Errorf("concurrent append: %v", err)
		}
	}}
	cfg.ConnConfig.Tracer = tr
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer p.Close()
	broken := pgstore.New(p, &pgstore.Options{Schema: check.Schema()})

	err = broken.Loyalty().Erase(ctx, "M", 2, nil)
	require.True(t, tr.fired.Load(), "the concurrent append ran after the erasure's read")
	require.ErrorIs(t, err, loyalty.ErrConflict, "at the erasure's read the ledger was at version 1, not 2")
	assert.ErrorContains(t, err, `"M"`)
	assert.Equal(t, []int64{1, 2}, birthdays(t, s, "M"), "a refused erasure changes nothing")

	// At the version it is at, the erasure goes through, whole.
	require.NoError(t, broken.Loyalty().Erase(ctx, "M", 2, nil))
	assert.Empty(t, birthdays(t, s, "M"))
}

// Under concurrency: an appender adds a birthday change at version v+1
// while an eraser erases at version v+1. Whenever the erasure succeeds,
// no entry up to v+1 holds a birthday; when it is refused, it erased
// nothing.
func TestConcurrentEraseAboveTheVersionIsAllOrNothing(t *testing.T) {
	s := newDB(t).Loyalty()
	ctx := context.Background()
	rounds := 30
	if testing.Short() {
		rounds = 5
	}
	for r := range rounds {
		member := customer.ID("M" + time.Duration(r).String())
		require.NoError(t, s.Append(ctx, member, 0, []loyalty.Entry{joinWithBirthday(member)}))
		var wg sync.WaitGroup
		var eraseErr, appendErr error
		start := make(chan struct{})
		wg.Go(func() { <-start; appendErr = s.Append(ctx, member, 1, []loyalty.Entry{birthdayChange(member, 2)}) })
		wg.Go(func() { <-start; eraseErr = s.Erase(ctx, member, 2, nil) })
		close(start)
		wg.Wait()
		require.NoError(t, appendErr)
		left := birthdays(t, s, member)
		if eraseErr == nil {
			require.Empty(t, left, "round %d: the erasure succeeded but left birthdays", r)
		} else {
			require.ErrorIs(t, eraseErr, loyalty.ErrConflict)
			require.Equal(t, []int64{1, 2}, left, "round %d: a refused erasure changed the ledger", r)
		}
	}
}

// stallPool returns a DB over a new schema on a pool of its own whose
// connection checkout, once stall is set, waits until the context of the
// checkout is done (as a pool whose connections are all in use, or a
// server that does not answer, would), or until the test ends; the hook
// runs its action before the statement it is armed for.
func stallPool(t *testing.T) (db, check *pgstore.DB, h *hook, stall *atomic.Bool) {
	t.Helper()
	check = newDB(t)
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	h, stall = &hook{}, &atomic.Bool{}
	release := make(chan struct{})
	cfg.ConnConfig.Tracer = h
	cfg.PrepareConn = func(ctx context.Context, _ *pgx.Conn) (bool, error) {
		if !stall.Load() {
			return true, nil
		}
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case <-release:
			return true, nil
		}
	}
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	t.Cleanup(func() { close(release) })
	return pgstore.New(p, &pgstore.Options{Schema: check.Schema()}), check, h, stall
}

// An append that loses the race on the unique keys looks at the ledger
// again to tell ErrDuplicate from ErrConflict. That look respects the
// caller's context: when it cannot be done before the deadline, the
// append returns an error matching ErrConflict and the context's error,
// naming the member, and nothing of the batch is stored.
func TestAppendRecheckRespectsTheDeadline(t *testing.T) {
	db, check, h, stall := stallPool(t)
	ctx := context.Background()
	entries := pgx.Identifier{check.Schema(), "loyalty_entries"}.Sanitize()
	h.arm("ins AS (INSERT INTO", func(conn *pgx.Conn) {
		// Another writer takes seq 1 and commits while the append's
		// insert waits for it: the insert fails with unique_violation.
		blocker, err := sharedPool(t).Begin(ctx)
		if err != nil {
			t.Errorf("begin: %v", err)
			return
		}
		_, err = blocker.Exec(ctx, `INSERT INTO `+entries+` (member, seq, key, fingerprint, kind, at, at_ns,
			effective, effective_ns, points, order_id, spend, detail)
			VALUES ('M', 1, 'other', 0, 1, NULL, 0, NULL, 0, 5, '', 0, '{}')`)
		if err != nil {
			t.Errorf("blocker insert: %v", err)
			_ = blocker.Rollback(ctx)
			return
		}
		pid := conn.PgConn().PID()
		go func() {
			defer func() { _ = blocker.Commit(ctx) }()
			for range 500 {
				var waiting bool
				if err := sharedPool(t).QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_locks WHERE pid = $1 AND NOT granted)`,
					pid).Scan(&waiting); err != nil {
					t.Errorf("pg_locks: %v", err)
					return
				}
				if waiting {
					stall.Store(true)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
			t.Errorf("the append never waited for the blocker")
		}()
	})
	actx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- db.Loyalty().Append(actx, "M", 0, []loyalty.Entry{{Seq: 1, Member: "M", Key: "mine", Kind: loyalty.EntryAdjust, Points: 7}})
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		stall.Store(false)
		t.Fatal("the append's re-check ignored the deadline (still running 8 s after it)")
	}
	require.True(t, h.hasFired())
	require.True(t, stall.Load(), "the append lost the race on the unique keys")
	require.ErrorIs(t, err, loyalty.ErrConflict)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, `member "M"`)
	stall.Store(false)
	got, err := check.Loyalty().Entries(ctx, "M", 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "other", got[0].Key, "nothing of the refused batch is stored")
}
