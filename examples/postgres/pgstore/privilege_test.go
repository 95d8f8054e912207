package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

// A role that may create tables in its schema but may not use PL/pgSQL
// (a DBA revoked USAGE on the language from PUBLIC in the database)
// cannot create the trigger functions of migration 10: Migrate fails
// naming that migration and the server's refusal (SQLSTATE 42501), and,
// as it runs in one transaction, leaves the schema as it was, without a
// table of the earlier steps. Once the role may use the language,
// Migrate applies every step.
func TestMigrateWithoutPLpgSQLNamesTheStep(t *testing.T) {
	ctx := context.Background()
	admin := sharedPool(t)
	role := newSchemaName() + "_app"
	if _, err := admin.Exec(ctx, `CREATE ROLE `+pgx.Identifier{role}.Sanitize()+` LOGIN`); err != nil {
		t.Skipf("cannot create a role on the test server: %v", err)
	}
	t.Cleanup(func() { // after the database's drop: cleanups run last added first
		if _, err := admin.Exec(ctx, `DROP ROLE `+pgx.Identifier{role}.Sanitize()); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	p := scratchDatabase(t)
	_, err := p.Exec(ctx, `REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC`)
	require.NoError(t, err)
	_, err = p.Exec(ctx, `CREATE SCHEMA shop AUTHORIZATION `+pgx.Identifier{role}.Sanitize())
	require.NoError(t, err)

	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.Database = p.Config().ConnConfig.Database
	cfg.ConnConfig.User, cfg.ConnConfig.Password = role, ""
	app, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(app.Close)
	if err := app.Ping(ctx); err != nil {
		t.Skipf("cannot log in as a new role without a password on the test server: %v", err)
	}
	var usable bool
	require.NoError(t, app.QueryRow(ctx, `SELECT has_language_privilege('plpgsql', 'USAGE')`).Scan(&usable))
	require.False(t, usable, "the role may not use PL/pgSQL")

	db := pgstore.New(app, &pgstore.Options{Schema: "shop"})
	err = db.Migrate(ctx)
	require.Error(t, err)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "42501", pgErr.Code, "%v", err)
	assert.Contains(t, err.Error(), "migration 10 (", "the first step with a function in PL/pgSQL")
	var tables int
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'shop'`).Scan(&tables))
	assert.Zero(t, tables, "no table of the earlier steps is left")

	_, err = p.Exec(ctx, `GRANT USAGE ON LANGUAGE plpgsql TO `+pgx.Identifier{role}.Sanitize())
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx))
	var version int
	require.NoError(t, app.QueryRow(ctx, `SELECT max(version) FROM shop.schema_version`).Scan(&version))
	assert.Equal(t, pgstore.SchemaVersion(), version)
}
