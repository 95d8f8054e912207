package loyalty_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
	"pgregory.net/rapid"
)

// countingStore counts the appends that reach its store.
type countingStore struct {
	loyalty.Store
	mu      sync.Mutex
	appends int
}

func (s *countingStore) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	s.mu.Lock()
	s.appends++
	s.mu.Unlock()
	return s.Store.Append(ctx, member, expected, entries)
}

func (s *countingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appends
}

// checkout prices a 200 EUR coat for M1 paid partly with 200 points and
// returns the redemption and the purchase of the order, as a till would.
func checkout(t *testing.T, p *loyalty.Programme, orderID string, at time.Time, available loyalty.Points) (loyalty.Quote, loyalty.Redemption, loyalty.Purchase) {
	t.Helper()
	q, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR",
		Items: []loyalty.Item{item("COAT", "coats", "2026-SS", "200", 1)}, Points: 200, Available: available})
	require.NoError(t, err)
	o, err := q.Order(orderID, customer.Store)
	require.NoError(t, err)
	paid, err := customer.MoneyFromDecimal(q.Subtotal.Sub(q.Discount), q.Currency)
	require.NoError(t, err)
	return q, loyalty.Redemption{Member: "M1", ID: orderID, Points: q.PointsUsed, OrderTotal: paid, Time: at, Order: orderID},
		loyalty.Purchase{Order: o}
}

// Quote.Checkout gives the same events as the till of checkout builds by
// hand; without points, only the purchase; a changed quote, none.
func TestQuoteCheckout(t *testing.T) {
	p := club(t)
	at := day(2026, 3, 2)
	q, red, buy := checkout(t, p, "O2", at, 300)
	evs, err := q.Checkout("O2", customer.Store)
	require.NoError(t, err)
	assert.Equal(t, []loyalty.Event{red, buy}, evs)

	plain, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR",
		Items: []loyalty.Item{item("COAT", "coats", "2026-SS", "200", 1)}})
	require.NoError(t, err)
	evs, err = plain.Checkout("O3", customer.Store)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.IsType(t, loyalty.Purchase{}, evs[0])

	q.Lines[0].Points = q.Lines[0].Points.Add(decimal.NewFromInt(1))
	evs, err = q.Checkout("O2", customer.Store)
	assert.Contains(t, fieldsOf(t, err), "lines[0].points")
	assert.Nil(t, evs)
}

// withPoints makes M1 a member of svc who bought a 300 EUR coat in
// January, and returns the account at at, when its 300 points are
// available.
func withPoints(t *testing.T, svc *loyalty.Service, at time.Time) loyalty.Account {
	t.Helper()
	ctx := context.Background()
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("A", "coats", "300", 1))}, day(2026, 1, 10))
	require.NoError(t, err)
	a, _, err := svc.Apply(ctx, loyalty.Tick{Member: "M1"}, at)
	require.NoError(t, err)
	return a
}

// stored returns the member's entries in the store.
func stored(t *testing.T, s loyalty.Store) []loyalty.Entry {
	t.Helper()
	es, err := s.Entries(context.Background(), "M1", 0)
	require.NoError(t, err)
	return es
}

// TestApplyAllCheckoutIsAtomic: a redemption and the purchase it pays for,
// applied together, are stored in one append; when the purchase is
// refused the points stay unspent; a redelivered checkout takes effect
// once.
func TestApplyAllCheckoutIsAtomic(t *testing.T) {
	p := club(t)
	store := &countingStore{Store: loyalty.NewMemStore()}
	svc := loyalty.NewService(p, store, nil)
	ctx := context.Background()
	at := day(2026, 3, 2)
	before := withPoints(t, svc, at)
	require.Equal(t, loyalty.Points(300), before.Available)
	appends, ledger := store.count(), stored(t, store)

	q, red, buy := checkout(t, p, "O2", at, 300)
	require.Equal(t, loyalty.Points(200), q.PointsUsed)

	// The purchase is refused after the redemption was applied in memory:
	// nothing is stored, the points are not spent.
	bad := buy
	bad.Order = buy.Order.Clone()
	bad.Order.Currency = "USD"
	_, entries, err := svc.ApplyAll(ctx, []loyalty.Event{red, bad}, at)
	assert.Contains(t, fieldsOf(t, err), "order.currency")
	assert.Contains(t, err.Error(), `events[1]`)
	assert.Empty(t, entries)
	assert.Equal(t, appends, store.count(), "no append")
	assert.Equal(t, ledger, stored(t, store))
	a, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	assert.Equal(t, before.Balance(), a.Balance())
	assert.Equal(t, before.Version, a.Version)

	// Too many points: the redemption is refused, the purchase is not stored either.
	greedy := red
	greedy.Points = 1000
	greedy.OrderTotal = customer.Money{}
	_, _, err = svc.ApplyAll(ctx, []loyalty.Event{greedy, buy}, at)
	require.ErrorIs(t, err, loyalty.ErrInsufficient)
	assert.Equal(t, ledger, stored(t, store))

	// The checkout as priced: one append with both entries.
	a, entries, err = svc.ApplyAll(ctx, []loyalty.Event{red, buy}, at)
	require.NoError(t, err)
	assert.Equal(t, appends+1, store.count())
	require.Len(t, entries, 2)
	assert.Equal(t, loyalty.EntryRedeem, entries[0].Kind)
	assert.Equal(t, loyalty.Points(-200), entries[0].Points)
	assert.Equal(t, loyalty.EntryEarn, entries[1].Kind)
	assert.True(t, entries[1].Spend.Equal(q.Total), "earns on the %s paid, not %s", q.Total, entries[1].Spend)
	assert.Equal(t, before.Version+1, entries[0].Seq)
	assert.Equal(t, before.Version+2, entries[1].Seq)
	assert.Equal(t, append(ledger, entries...), stored(t, store))
	assert.Equal(t, loyalty.Points(300-200+198), a.Balance())
	after := a

	// Redelivered, whole or in part, or with a key twice: refused, nothing stored.
	fresh := loyalty.Redemption{Member: "M1", ID: "O3", Points: 100, Time: at}
	for name, batch := range map[string][]loyalty.Event{
		"the same checkout":           {red, buy},
		"a new redemption, old order": {fresh, buy},
		"a key twice":                 {fresh, fresh},
	} {
		t.Run(name, func(t *testing.T) {
			n := store.count()
			_, entries, err := svc.ApplyAll(ctx, batch, at)
			require.ErrorIs(t, err, loyalty.ErrDuplicate)
			var de *loyalty.DuplicateError
			require.True(t, errors.As(err, &de))
			assert.Empty(t, entries)
			assert.Equal(t, n, store.count())
			a, err := svc.Account(ctx, "M1")
			require.NoError(t, err)
			assert.Equal(t, after.Version, a.Version)
			assert.Equal(t, after.Balance(), a.Balance())
		})
	}
}

// TestApplyAllAfterStoreFaults: an append that fails stores neither entry
// and the checkout can be delivered again; one whose acknowledgement was
// lost took effect, and the redelivery is a duplicate.
func TestApplyAllAfterStoreFaults(t *testing.T) {
	for _, afterWrite := range []bool{false, true} {
		t.Run(fmt.Sprint("after write ", afterWrite), func(t *testing.T) {
			p := club(t)
			f := &loyaltytest.FaultStore{Store: loyalty.NewMemStore()}
			svc := loyalty.NewService(p, f, nil)
			ctx := context.Background()
			at := day(2026, 3, 2)
			withPoints(t, svc, at)
			_, red, buy := checkout(t, p, "O2", at, 300)
			ledger := stored(t, f)

			f.FailAppend = loyaltytest.Fault{Call: 4, AfterWrite: afterWrite}
			_, _, err := svc.ApplyAll(ctx, []loyalty.Event{red, buy}, at)
			require.ErrorIs(t, err, loyaltytest.ErrInjected)
			if afterWrite {
				assert.Len(t, stored(t, f), len(ledger)+2, "both entries were written")
			} else {
				assert.Equal(t, ledger, stored(t, f), "neither entry was written")
			}

			a, entries, err := svc.ApplyAll(ctx, []loyalty.Event{red, buy}, at)
			if afterWrite {
				require.ErrorIs(t, err, loyalty.ErrDuplicate)
				assert.Empty(t, entries)
			} else {
				require.NoError(t, err)
				assert.Len(t, entries, 2)
			}
			a, err = svc.Account(ctx, "M1")
			require.NoError(t, err)
			assert.Equal(t, loyalty.Points(300-200+198), a.Balance(), "spent and earned once")
			replayed, err := loyalty.Replay(stored(t, f))
			require.NoError(t, err)
			assert.Equal(t, a.Balance(), replayed.Balance())
		})
	}
}

func TestApplyAllRefusesMalformedBatches(t *testing.T) {
	svc := loyalty.NewService(club(t), loyalty.NewMemStore(), nil)
	ctx := context.Background()
	join := loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}
	for name, batch := range map[string][]loyalty.Event{
		"no events":   nil,
		"a nil event": {join, nil},
		"two members": {join, loyalty.Join{Member: "M2", Time: day(2026, 1, 5)}},
	} {
		t.Run(name, func(t *testing.T) {
			_, entries, err := svc.ApplyAll(ctx, batch, day(2026, 1, 5))
			require.Error(t, err)
			assert.Empty(t, entries)
			a, err := svc.Account(ctx, "M1")
			require.NoError(t, err)
			assert.Equal(t, int64(0), a.Version)
		})
	}
	// A join and a first purchase in one batch: the purchase sees the join.
	a, entries, err := svc.ApplyAll(ctx, []loyalty.Event{join,
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 5), line("A", "coats", "10", 1))}}, day(2026, 1, 5))
	require.NoError(t, err)
	assert.Len(t, entries, 2)
	assert.Equal(t, loyalty.Points(10), a.Balance())
}

// TestApplyAllProperties: a batch of events drawn at random, some of
// which fail, is stored whole when Programme.Apply accepts every event in
// turn, and not at all otherwise; the store then replays to the account
// ApplyAll returned.
func TestApplyAllProperties(t *testing.T) {
	p := club(t)
	rapid.Check(t, func(rt *rapid.T) {
		store := loyalty.NewMemStore()
		svc := loyalty.NewService(p, store, nil)
		ctx := context.Background()
		now := day(2026, 1, 5)
		model, _, err := svc.ApplyAll(ctx, []loyalty.Event{loyalty.Join{Member: "M1", Time: now},
			loyalty.Adjustment{Member: "M1", ID: "opening", Points: 2000, Reason: "opening balance", Operator: "op", Time: now}}, now)
		if err != nil {
			rt.Fatal(err)
		}
		next := 0
		for range rapid.IntRange(1, 6).Draw(rt, "batches") {
			now = now.Add(time.Duration(rapid.IntRange(0, 40*24).Draw(rt, "hours")) * time.Hour)
			var batch []loyalty.Event
			for range rapid.IntRange(1, 4).Draw(rt, "events") {
				next++
				id := fmt.Sprint("E", next)
				if rapid.IntRange(0, 5).Draw(rt, "reuse an ID") == 0 { // a duplicate, or a key twice in the batch
					id = fmt.Sprint("E", rapid.IntRange(1, next).Draw(rt, "id"))
				}
				var e loyalty.Event
				switch rapid.IntRange(0, 2).Draw(rt, "kind") {
				case 0:
					o := order(id, "M1", now, line("A", "coats", fmt.Sprint(rapid.IntRange(1, 500).Draw(rt, "price")), 1))
					if rapid.IntRange(0, 4).Draw(rt, "bad currency") == 0 {
						o.Currency = "USD"
					}
					e = loyalty.Purchase{Order: o}
				case 1:
					e = loyalty.Redemption{Member: "M1", ID: id, Points: loyalty.Points(rapid.IntRange(50, 400).Draw(rt, "redeem")), Time: now}
				default:
					e = loyalty.Adjustment{Member: "M1", ID: id, Points: loyalty.Points(rapid.IntRange(-100, 400).Draw(rt, "adjust")),
						Reason: "goodwill", Operator: "op", Time: now}
				}
				batch = append(batch, e)
			}
			want, ok := model, true
			var wantEntries []loyalty.Entry
			for _, e := range batch {
				a, es, err := p.Apply(want, e, now)
				if err != nil {
					ok = false
					break
				}
				want, wantEntries = a, append(wantEntries, es...)
			}
			before, err := store.Entries(ctx, "M1", 0)
			if err != nil {
				rt.Fatal(err)
			}
			got, entries, err := svc.ApplyAll(ctx, batch, now)
			after, _ := store.Entries(ctx, "M1", 0)
			if !ok {
				if err == nil || len(entries) != 0 || len(after) != len(before) {
					rt.Fatalf("a batch with a refused event: err %v, %d entries, ledger %d → %d", err, len(entries), len(before), len(after))
				}
				continue
			}
			if err != nil {
				rt.Fatalf("a batch every event of which applies: %v", err)
			}
			if len(entries) != len(wantEntries) || len(after) != len(before)+len(entries) || got.Version != want.Version || got.Balance() != want.Balance() {
				rt.Fatalf("stored %d entries (want %d), version %d (want %d), balance %d (want %d)",
					len(entries), len(wantEntries), got.Version, want.Version, got.Balance(), want.Balance())
			}
			replayed, err := loyalty.Replay(after)
			if err != nil || replayed.Balance() != got.Balance() || replayed.Version != got.Version {
				rt.Fatalf("replay %v: balance %d, version %d; ApplyAll gave %d, %d", err, replayed.Balance(), replayed.Version, got.Balance(), got.Version)
			}
			model = got
		}
	})
}

// TestApplyAllConcurrentCheckouts: checkouts racing on one account, each
// delivered twice, all take effect exactly once, each whole.
func TestApplyAllConcurrentCheckouts(t *testing.T) {
	p := club(t)
	store := loyalty.NewMemStore()
	ctx := context.Background()
	at := day(2026, 3, 2)
	_, _, err := loyalty.NewService(p, store, nil).ApplyAll(ctx, []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Adjustment{Member: "M1", ID: "opening", Points: 10000, Reason: "opening balance", Operator: "op", Time: day(2026, 1, 5)},
	}, day(2026, 1, 5))
	require.NoError(t, err)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := loyalty.NewService(p, store, &loyalty.ServiceOptions{Retries: 4 * n})
			id := fmt.Sprint("T", i%n)
			_, _, err := svc.ApplyAll(ctx, []loyalty.Event{
				loyalty.Redemption{Member: "M1", ID: id, Points: 100, Time: at},
				loyalty.Purchase{Order: order(id, "M1", at, line("A", "coats", "10", 1))},
			}, at)
			if err != nil && !errors.Is(err, loyalty.ErrDuplicate) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	es := stored(t, store)
	a, err := loyalty.Replay(es)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(10000-n*100+n*10), a.Balance())
	redeemed, earned := 0, 0
	for i, e := range es {
		switch e.Kind {
		case loyalty.EntryRedeem:
			redeemed++
			require.Less(t, i+1, len(es))
			assert.Equal(t, loyalty.EntryEarn, es[i+1].Kind, "each redemption is followed by its purchase")
			assert.Equal(t, "order:"+e.Key[len("redeem:"):], es[i+1].Key)
		case loyalty.EntryEarn:
			earned++
		}
	}
	assert.Equal(t, n, redeemed)
	assert.Equal(t, n, earned)
}
