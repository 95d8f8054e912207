package pgstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// A schema name longer than the server keeps of an identifier (63 bytes
// by default) would be cut to it in every statement, so that two shops
// whose names share their first 63 bytes would share one schema, and
// their migrations would take different locks. Migrate refuses such a
// name (customer.ErrInvalid, Options.Schema) and creates nothing; a name
// of exactly the limit works.
func TestMigrateRefusesASchemaNameTheServerWouldCut(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	var limit int
	require.NoError(t, p.QueryRow(ctx, `SELECT pg_catalog.current_setting('max_identifier_length')::int`).Scan(&limit))

	prefix := newSchemaName() + "_"
	long := prefix + strings.Repeat("x", limit-len(prefix)) + "_shop_a"
	t.Cleanup(func() { dropSchema(t, p, long[:limit]) })
	err := pgstore.New(p, &pgstore.Options{Schema: long}).Migrate(ctx)
	require.ErrorIs(t, err, customer.ErrInvalid)
	var verr *customer.ValidationError
	require.ErrorAs(t, err, &verr)
	assert.True(t, verr.Has("Options.Schema", customer.CodeRange), "%v", err)
	assert.Contains(t, err.Error(), "70 bytes")
	var n int
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1`, long[:limit]).Scan(&n))
	assert.Zero(t, n, "no schema of the cut name")

	// In UTF-8 bytes, not characters: 32 two-byte letters are 64 bytes.
	wide := strings.Repeat("ü", 32)
	t.Cleanup(func() { dropSchema(t, p, strings.Repeat("ü", 31)) })
	err = pgstore.New(p, &pgstore.Options{Schema: wide}).Migrate(ctx)
	require.ErrorIs(t, err, customer.ErrInvalid)

	exact := prefix + strings.Repeat("y", limit-len(prefix))
	require.Len(t, exact, limit)
	t.Cleanup(func() { dropSchema(t, p, exact) })
	require.NoError(t, pgstore.New(p, &pgstore.Options{Schema: exact}).Migrate(ctx))
}
