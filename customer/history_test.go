package customer_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// failingHistory is a HistoryReader that yields the events of history and
// then err.
type failingHistory struct {
	events []customer.Event
	err    error
}

func (f failingHistory) History(context.Context, customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		for _, e := range f.events {
			if !yield(e, nil) {
				return
			}
		}
		yield(customer.Event{}, f.err)
	}
}

// storeFault is an error type of a store, found with errors.As.
type storeFault struct{ table string }

func (e *storeFault) Error() string { return "table " + e.table + " is locked" }

// SummarizeHistory names the customer once: it adds `history of "id"`
// only to a store error that does not name the customer already, and
// errors.Is and errors.As see through it either way.
func TestSummarizeHistoryNamesTheCustomerOnce(t *testing.T) {
	ctx := context.Background()
	s := customer.NewMemStore()
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-7", Kind: customer.Consumer}))

	_, err := customer.SummarizeHistory(ctx, s, "nobody", customer.Consumer, asOf, nil)
	require.ErrorIs(t, err, customer.ErrNotFound)
	assert.Equal(t, `customer: history of "nobody": customer: not found`, err.Error())

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = customer.SummarizeHistory(cctx, s, "C-7", customer.Consumer, asOf, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, `customer: history of "C-7": context canceled`, err.Error())

	// A store that names the customer in its own words.
	named := fmt.Errorf("sqlstore: history of %q: %w", "C-7", customer.ErrNotFound)
	_, err = customer.SummarizeHistory(ctx, failingHistory{err: named}, "C-7", customer.Consumer, asOf, nil)
	require.ErrorIs(t, err, customer.ErrNotFound)
	assert.Equal(t, `sqlstore: history of "C-7": customer: not found`, err.Error())

	// A store error that does not name the customer, after some events.
	o := history()[0].Order
	fault := fmt.Errorf("sqlstore: read orders: %w", &storeFault{table: "orders"})
	_, err = customer.SummarizeHistory(ctx, failingHistory{events: []customer.Event{{Order: o}}, err: fault}, "C-7", customer.Consumer, asOf, nil)
	var sf *storeFault
	require.ErrorAs(t, err, &sf)
	assert.Equal(t, "orders", sf.table)
	assert.Equal(t, `customer: history of "C-7": sqlstore: read orders: table orders is locked`, err.Error())
	assert.True(t, errors.Is(err, fault))
}
