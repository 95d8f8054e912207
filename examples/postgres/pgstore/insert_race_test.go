package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// An Insert that finds the ID taken, but whose customer is deleted
// before Insert reads it to compare, finds the ID free: it stores its
// customer, as it would have had it come a moment later, rather than
// failing with an error that is neither nil nor ErrDuplicate.
func TestInsertRacingADelete(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	require.NoError(t, check.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))
	h.arm(`WHERE id = $1`, func(*pgx.Conn) {
		assert.NoError(t, check.Customers().Delete(ctx, "C-1"), "the delete between Insert's statements")
	})
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Bea"}
	require.NoError(t, broken.Customers().Insert(ctx, c))
	require.True(t, h.hasFired(), "the customer was deleted between the insert and the read")
	got, err := check.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, got.Equal(c), "stored %+v", got)
}
