package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// callPanicking calls f and returns what it panicked with, nil when it
// returned.
func callPanicking(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// A change or check function that panics (a bug in the caller, which an
// HTTP server recovers from) does not leave its transaction open on a
// connection outside the pool, holding the customer's row lock: the
// transaction is rolled back, nothing of it is stored, the panic goes
// on to the caller, and the next Update or AppendChecked of the
// customer gets the row.
func TestPanicInCallbackReleasesTheRow(t *testing.T) {
	ctx := context.Background()
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))

	p := callPanicking(func() {
		_ = cs.Update(ctx, "C-1", func(c *customer.Customer) error {
			c.Name = "changed"
			panic("change failed")
		})
	})
	assert.Equal(t, "change failed", p, "the panic reaches the caller")
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	require.NoError(t, cs.Update(wctx, "C-1", func(c *customer.Customer) error {
		assert.Equal(t, "Ana", c.Name, "a panicking change stores nothing")
		c.Region = "Berlin"
		return nil
	}), "an Update after the panic")

	order := customer.Order{ID: "O-1", CustomerID: "C-1", Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Currency: "EUR"}
	p = callPanicking(func() {
		_ = cs.AppendChecked(ctx, customer.Event{Order: &order}, func([]customer.Event) error {
			panic("check failed")
		})
	})
	assert.Equal(t, "check failed", p, "the panic reaches the caller")
	require.NoError(t, cs.AppendChecked(wctx, customer.Event{Order: &order}, func(h []customer.Event) error {
		assert.Empty(t, h, "a panicking check stores nothing")
		return nil
	}), "an AppendChecked after the panic")
}
