package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// A Put, Delete or AppendInteraction blocked behind another
// transaction's lock on the customer's row, whose context then ends,
// returns the context's error and changes nothing — also once the lock
// is released: the statement runs in a transaction that is never
// committed, not as an autocommitted statement that the server would
// finish and commit after the caller stopped waiting.
func TestCanceledDirectoryWritesWhileBlocked(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for name, write := range map[string]func(context.Context, *pgstore.CustomerStore) error{
		"Put": func(ctx context.Context, cs *pgstore.CustomerStore) error {
			return cs.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Changed"})
		},
		"Delete": func(ctx context.Context, cs *pgstore.CustomerStore) error { return cs.Delete(ctx, "C-1") },
		"AppendInteraction": func(ctx context.Context, cs *pgstore.CustomerStore) error {
			return cs.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: at, Kind: customer.SiteVisit, Subject: "s"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			ctx := context.Background()
			cs := db.Customers()
			require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))

			blocker, err := sharedPool(t).Begin(ctx)
			require.NoError(t, err)
			defer func() { _ = blocker.Rollback(ctx) }()
			_, err = blocker.Exec(ctx, `SELECT 1 FROM `+pgx.Identifier{db.Schema(), "customers"}.Sanitize()+` WHERE id = 'C-1' FOR UPDATE`)
			require.NoError(t, err)

			cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			require.ErrorIs(t, write(cctx, cs), context.DeadlineExceeded)
			require.NoError(t, blocker.Rollback(ctx))

			// Give a statement the server might still run time to finish.
			time.Sleep(300 * time.Millisecond)
			got, err := cs.Get(ctx, "C-1")
			require.NoError(t, err, "the customer is still there")
			assert.Equal(t, "Ana", got.Name, "the customer is as before")
			for e, err := range cs.History(ctx, "C-1") {
				require.NoError(t, err)
				t.Errorf("a write that returned an error stored %v", e)
			}
		})
	}
}
