package sqlitestore_test

import (
	"context"
	"path/filepath"
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
// HTTP server recovers from) does not leave the one writing connection
// inside its transaction: the transaction is rolled back, nothing of it
// is stored, the panic goes on to the caller, and later writes proceed.
func TestPanicInCallbackReleasesTheWriter(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "shop.db"))
	defer db.Close()
	cs := db.Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))

	p := callPanicking(func() {
		_ = cs.Update(ctx, "C-1", func(c *customer.Customer) error {
			c.Name = "changed"
			panic("change failed")
		})
	})
	assert.Equal(t, "change failed", p, "the panic reaches the caller")
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	got, err := cs.Get(wctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Ana", got.Name, "a panicking change stores nothing")
	require.NoError(t, cs.Put(wctx, consumer("C-2")), "a write after the panic")

	p = callPanicking(func() {
		_ = cs.AppendChecked(ctx, customer.Event{Order: new(coat("O-1", "C-1", day0))}, func([]customer.Event) error {
			panic("check failed")
		})
	})
	assert.Equal(t, "check failed", p, "the panic reaches the caller")
	require.NoError(t, cs.AppendOrder(wctx, coat("O-2", "C-1", day0)), "a write after the panic")
	evs := historyOf(t, cs, "C-1")
	require.Len(t, evs, 1, "a panicking check stores nothing")
	assert.Equal(t, "O-2", evs[0].Order.ID)
}
