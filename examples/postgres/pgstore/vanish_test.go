package pgstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// deleteBeforeQuery is a pgx tracer that, once armed, runs its action
// (on another connection) just before the next query whose SQL holds
// marker is sent, alone or in a batch.
type deleteBeforeQuery struct {
	mu     sync.Mutex
	marker string
	action func(context.Context) error
	fired  int
	err    error
}

func (d *deleteBeforeQuery) arm(marker string, action func(context.Context) error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.marker, d.action, d.fired, d.err = marker, action, 0, nil
}

func (d *deleteBeforeQuery) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	d.before(ctx, data.SQL)
	return ctx
}

func (d *deleteBeforeQuery) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (d *deleteBeforeQuery) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	for _, q := range data.Batch.QueuedQueries {
		d.before(ctx, q.SQL)
	}
	return ctx
}

func (d *deleteBeforeQuery) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (d *deleteBeforeQuery) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// before runs the armed action when sql holds the marker.
func (d *deleteBeforeQuery) before(ctx context.Context, sql string) {
	d.mu.Lock()
	action := d.action
	if action != nil && strings.Contains(sql, d.marker) {
		d.action = nil
		d.fired++
	} else {
		action = nil
	}
	d.mu.Unlock()
	if action != nil {
		err := action(ctx)
		d.mu.Lock()
		d.err = err
		d.mu.Unlock()
	}
}

// An order, return or credit delivered again while its customer is
// deleted: the append finds the ID taken, and the record under it is
// gone (with its customer) when the store reads it to compare. The
// record was neither a conflicting one nor is it stored: the append is
// tried again, and now fails as one for an unknown customer
// (customer.ErrNotFound), not with customer.ErrDuplicate.
func TestRedeliveryRacingTheDeleteOfItsCustomer(t *testing.T) {
	ctx := context.Background()
	tracer := &deleteBeforeQuery{}
	s, schema := tracedCustomers(t, tracer)
	other := pgstore.New(sharedPool(t), &pgstore.Options{Schema: schema}).Customers()
	at := time.Date(2025, 5, 2, 9, 0, 0, 0, time.UTC)

	for name, tc := range map[string]struct {
		marker string
		append func(context.Context) error
	}{
		"order": {`o.id = $1`, func(ctx context.Context) error { return s.AppendOrder(ctx, sampleOrder("O-1", "C-1")) }},
		"return": {`r.id = $1`, func(ctx context.Context) error {
			return s.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: at,
				Kind: customer.Refund, Lines: []customer.ReturnLine{{LineID: "1", Quantity: 1}}})
		}},
		"credit": {`WHERE id = $1`, func(ctx context.Context) error { return s.AppendCredit(ctx, sampleCredit(t, "K-1", "O-1", "C-1")) }},
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
			require.NoError(t, s.AppendOrder(ctx, sampleOrder("O-1", "C-1")))
			if name != "order" {
				require.NoError(t, tc.append(ctx), "the first delivery")
			}
			tracer.arm(tc.marker, func(ctx context.Context) error { return other.Delete(ctx, "C-1") })
			err := tc.append(ctx)
			require.Equal(t, 1, tracer.fired, "the tracer did not run")
			require.NoError(t, tracer.err, "deleting C-1")
			assert.ErrorIs(t, err, customer.ErrNotFound)
			assert.NotErrorIs(t, err, customer.ErrDuplicate)
		})
	}
}

// AppendChecked of an order delivered again, while a Delete of its
// customer waits for the customer's row that AppendChecked holds
// locked: the stored order is compared before the lock is released, so
// the redelivery is nil, and the Delete then goes through.
func TestCheckedRedeliveryRacingTheDeleteOfItsCustomer(t *testing.T) {
	ctx := context.Background()
	tracer := &deleteBeforeQuery{}
	s, schema := tracedCustomers(t, tracer)
	other := pgstore.New(sharedPool(t), &pgstore.Options{Schema: schema}).Customers()
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	o := sampleOrder("O-1", "C-1")
	require.NoError(t, s.AppendOrder(ctx, o))

	deleted := make(chan error, 1)
	tracer.arm(`o.id = $1`, func(context.Context) error {
		// The Delete waits for the lock while the order is read, when
		// the lock is still held; give it the time to go through
		// otherwise.
		go func() { deleted <- other.Delete(ctx, "C-1") }()
		select {
		case err := <-deleted:
			deleted <- err
		case <-time.After(300 * time.Millisecond):
		}
		return nil
	})
	err := s.AppendChecked(ctx, customer.Event{Order: &o}, func([]customer.Event) error { return nil })
	require.Equal(t, 1, tracer.fired, "the tracer did not run")
	assert.NoError(t, err, "a redelivery")
	require.NoError(t, <-deleted, "the Delete went through after AppendChecked")
	_, err = s.Get(ctx, "C-1")
	assert.ErrorIs(t, err, customer.ErrNotFound)
}

// AppendChecked of an order, return or credit under an ID that a record
// of another customer holds, that customer deleted (with the record)
// after the append found the ID taken and before it read the record to
// compare: the ID is free by then, so the record is appended, as a
// plain append does after such a race, rather than refused with
// customer.ErrDuplicate; check runs once.
func TestCheckedAppendRacingTheDeleteOfAnotherCustomer(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 5, 2, 9, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		marker string
		// taken stores C-2's record under the ID (its order O-2 stored).
		taken func(s *pgstore.CustomerStore) error
		event customer.Event
	}{
		"order": {`o.id = $1`,
			func(s *pgstore.CustomerStore) error { return s.AppendOrder(ctx, sampleOrder("O-X", "C-2")) },
			customer.Event{Order: new(sampleOrder("O-X", "C-1"))}},
		"return": {`r.id = $1`,
			func(s *pgstore.CustomerStore) error {
				return s.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-2", CustomerID: "C-2", Time: at,
					Kind: customer.Refund, Lines: []customer.ReturnLine{{LineID: "1", Quantity: 1}}})
			},
			customer.Event{Return: &customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: at,
				Kind: customer.Refund, Lines: []customer.ReturnLine{{LineID: "2", Quantity: 1}}}}},
		"credit": {`WHERE id = $1`,
			func(s *pgstore.CustomerStore) error { return s.AppendCredit(ctx, sampleCredit(t, "K-1", "O-2", "C-2")) },
			customer.Event{Credit: new(sampleCredit(t, "K-1", "O-1", "C-1"))}},
	} {
		t.Run(name, func(t *testing.T) {
			tracer := &deleteBeforeQuery{}
			s, schema := tracedCustomers(t, tracer)
			other := pgstore.New(sharedPool(t), &pgstore.Options{Schema: schema}).Customers()
			for _, id := range []customer.ID{"C-1", "C-2"} {
				require.NoError(t, s.Put(ctx, customer.Customer{ID: id, Kind: customer.Consumer}))
			}
			require.NoError(t, s.AppendOrder(ctx, sampleOrder("O-1", "C-1")))
			require.NoError(t, s.AppendOrder(ctx, sampleOrder("O-2", "C-2")))
			require.NoError(t, tc.taken(s))

			tracer.arm(tc.marker, func(ctx context.Context) error { return other.Delete(ctx, "C-2") })
			checks := 0
			err := s.AppendChecked(ctx, tc.event, func([]customer.Event) error { checks++; return nil })
			require.Equal(t, 1, tracer.fired, "the tracer did not run")
			require.NoError(t, tracer.err, "deleting C-2")
			require.NoError(t, err)
			assert.Equal(t, 1, checks, "check runs once")
			var got []customer.Event
			for e, err := range s.History(ctx, "C-1") {
				require.NoError(t, err)
				got = append(got, e)
			}
			require.Len(t, got, 2, "O-1 and the record appended")
			assert.Equal(t, tc.event.Record(), got[1].Record())
		})
	}
}
