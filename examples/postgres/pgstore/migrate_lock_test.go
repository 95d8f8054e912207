package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// A migration that must alter a table another transaction is reading
// gives up after Options.MigrationLockTimeout instead of queueing every
// later query of the table behind itself: ErrMigrationLocked, the schema
// as it was; once the reader is gone, Migrate applies it.
func TestMigrateGivesUpWaitingForATableLock(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	last := pgstore.SchemaVersion()
	db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: 100 * time.Millisecond})
	require.NoError(t, pgstore.MigrateTo(ctx, db, last-1))

	// The last migration alters customers; a transaction reading it
	// holds a lock that ALTER TABLE waits for.
	reader, err := p.Begin(ctx)
	require.NoError(t, err)
	defer reader.Rollback(ctx)
	_, err = reader.Exec(ctx, `SELECT 1 FROM `+pgx.Identifier{schema, "customers"}.Sanitize()+` LIMIT 1`)
	require.NoError(t, err)

	err = db.Migrate(ctx)
	require.ErrorIs(t, err, pgstore.ErrMigrationLocked)
	assert.Contains(t, err.Error(), schema)
	assert.Equal(t, allVersions()[:last-1], versions(t, schema), "the migration was rolled back")

	require.NoError(t, reader.Rollback(ctx))
	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
}
