package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

// Two DBs on one file — two processes, as far as SQLite can tell — that
// update one customer at once each change a different thing, and every
// change is kept: Update holds the file's write lock from its read to
// its write, so neither connection's read goes stale.
func TestUpdateAcrossConnections(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
	// Under the race detector the other connection's lock may be held
	// for longer than the default busy time-out.
	opts := &sqlitestore.Options{BusyTimeout: time.Minute}
	var stores [2]*sqlitestore.Customers
	for i := range stores {
		db, err := sqlitestore.Open(ctx, path, opts)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		stores[i] = db.Customers()
	}
	require.NoError(t, stores[0].Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana",
		Joined: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}))

	const workers, each = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	start := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			<-start
			s := stores[w%2]
			for i := range each {
				tag := fmt.Sprintf("w%d-%d", w, i)
				err := s.Update(ctx, "C-1", func(c *customer.Customer) error {
					time.Sleep(time.Millisecond) // the other connection tries meanwhile
					if w%2 == 0 {
						c.Household = append(c.Household, customer.Member{ID: tag, Relation: customer.Child})
					} else {
						c.ConsentHistory = append(c.ConsentHistory, customer.ConsentChange{Purpose: customer.PurposeMarketing,
							Time: time.Date(2026, 1, 1, 0, w, i, 0, time.UTC), Source: customer.SourceWebShop, Notice: tag})
					}
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("Update %s: %w", tag, err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := stores[1].Get(ctx, "C-1")
	require.NoError(t, err)
	for w := range workers {
		for i := range each {
			tag := fmt.Sprintf("w%d-%d", w, i)
			if w%2 == 0 {
				assert.True(t, slices.ContainsFunc(got.Household, func(m customer.Member) bool { return m.ID == tag }), "member %s lost", tag)
			} else {
				assert.True(t, slices.ContainsFunc(got.ConsentHistory, func(ch customer.ConsentChange) bool { return ch.Notice == tag }),
					"consent change %s lost", tag)
			}
		}
	}
	assert.Equal(t, "Ana", got.Name)
}

// A customer that change makes unfit for SQLite (an undefined enumeration
// value) is refused with an error matching customer.ErrInvalid, as Put
// refuses it, and nothing is stored; change's own error comes back as
// it was returned.
func TestUpdateRefusesWhatPutRefuses(t *testing.T) {
	ctx := context.Background()
	s := newDB(t).Customers()
	want := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}
	require.NoError(t, s.Put(ctx, want))
	err := s.Update(ctx, "C-1", func(c *customer.Customer) error {
		c.Name = "changed"
		c.Household = append(c.Household, customer.Member{ID: "m", Relation: customer.Relation(200)})
		return nil
	})
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("household[0].relation", customer.CodeUnknown), "%v", err)

	refused := errors.New("refused")
	err = s.Update(ctx, "C-1", func(c *customer.Customer) error {
		c.Name = "changed"
		return refused
	})
	assert.Same(t, refused, err)
	got, err := s.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "%+v", got)
}
