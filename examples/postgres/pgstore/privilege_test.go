package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// The least-privileged set-up: the DBA creates the schema for the
// application's role (CREATE SCHEMA … AUTHORIZATION app), which may not
// create schemas in the database. Migrate creates the tables in it and
// the stores work; it needs no right on the database.
func TestMigrateIntoSchemaPreparedByTheDBA(t *testing.T) {
	ctx := context.Background()
	admin := sharedPool(t)
	schema := newSchemaName()
	role := schema + "_app"
	if _, err := admin.Exec(ctx, `CREATE ROLE `+pgx.Identifier{role}.Sanitize()+` LOGIN`); err != nil {
		t.Skipf("cannot create a role on the test server: %v", err)
	}
	t.Cleanup(func() {
		dropSchema(t, admin, schema)
		if _, err := admin.Exec(ctx, `DROP ROLE `+pgx.Identifier{role}.Sanitize()); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	_, err := admin.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()+` AUTHORIZATION `+pgx.Identifier{role}.Sanitize())
	require.NoError(t, err)

	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.User, cfg.ConnConfig.Password = role, ""
	app, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(app.Close)
	if err := app.Ping(ctx); err != nil {
		t.Skipf("cannot log in as a new role without a password on the test server: %v", err)
	}
	var canCreate bool
	require.NoError(t, app.QueryRow(ctx, `SELECT has_database_privilege(current_database(), 'CREATE')`).Scan(&canCreate))
	require.False(t, canCreate, "the application's role may not create schemas")

	db := pgstore.New(app, &pgstore.Options{Schema: schema})
	err = db.Migrate(ctx)
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx), "migrating again")
	cs := db.Customers()
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))
	got, err := cs.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Ana", got.Name)
}
