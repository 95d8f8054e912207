package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// An Update waits for the row another connection's Update holds, and
// gives up when its context is done: an error matching
// context.DeadlineExceeded, its change never called, nothing of it
// stored; the holder's change is kept. The two stores have pools of
// their own, as two servers on one database do.
func TestUpdateWaitsForTheRowAcrossPools(t *testing.T) {
	ctx := context.Background()
	first := newDB(t)
	other, err := pgxpool.New(ctx, testDSN(t))
	require.NoError(t, err)
	t.Cleanup(other.Close)
	a, b := first.Customers(), pgstore.New(other, &pgstore.Options{Schema: first.Schema()}).Customers()
	require.NoError(t, a.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))

	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Update(ctx, "C-1", func(c *customer.Customer) error {
			close(holding)
			<-release
			c.Region = "Berlin"
			return nil
		})
	}()
	<-holding
	wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	called := false
	err = b.Update(wctx, "C-1", func(c *customer.Customer) error {
		called = true
		c.Name = "changed"
		return nil
	})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, called, "the waiting Update called change")
	close(release)
	require.NoError(t, <-done)

	got, err := b.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Berlin", got.Region)
	assert.Equal(t, "Ana", got.Name)

	// Once the row is free, the other pool's Update sees the first's change.
	require.NoError(t, b.Update(ctx, "C-1", func(c *customer.Customer) error {
		assert.Equal(t, "Berlin", c.Region)
		c.Name = "Ana Lima"
		return nil
	}))
	got, err = a.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Ana Lima", got.Name)
	assert.Equal(t, "Berlin", got.Region)
}

// A customer that change makes unfit for PostgreSQL (a NUL byte in a
// name) is refused with an error matching customer.ErrInvalid, as Put
// refuses it, and nothing is stored; change's own error comes back as
// it was returned; an ID PostgreSQL cannot hold is unknown.
func TestUpdateRefusesWhatPutRefuses(t *testing.T) {
	ctx := context.Background()
	s := newDB(t).Customers()
	want := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}
	require.NoError(t, s.Put(ctx, want))
	err := s.Update(ctx, "C-1", func(c *customer.Customer) error {
		c.Region = "changed"
		c.Name = "A\x00na"
		return nil
	})
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("name", customer.CodeFormat), "%v", err)

	refused := errors.New("refused")
	err = s.Update(ctx, "C-1", func(c *customer.Customer) error {
		c.Name = "changed"
		return refused
	})
	assert.Same(t, refused, err)

	err = s.Update(ctx, "C-\x00", func(*customer.Customer) error { return nil })
	assert.ErrorIs(t, err, customer.ErrNotFound)

	got, err := s.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "%+v", got)
}
