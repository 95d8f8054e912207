package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// versions returns the rows of schema's schema_version table.
func versions(t *testing.T, schema string) []int {
	t.Helper()
	rows, err := sharedPool(t).Query(context.Background(), `SELECT version FROM `+pgx.Identifier{schema, "schema_version"}.Sanitize()+` ORDER BY version`)
	require.NoError(t, err)
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	return vs
}

func allVersions() []int {
	var vs []int
	for v := 1; v <= pgstore.SchemaVersion(); v++ {
		vs = append(vs, v)
	}
	return vs
}

// Several processes migrating one new schema at once: each migration is
// applied once and every Migrate succeeds.
func TestMigrateConcurrently(t *testing.T) {
	migrateConcurrently(t, sharedPool(t))
}

// migrateConcurrently migrates one new schema from eight goroutines at
// once over p and checks that every Migrate succeeds and each migration
// is listed once.
func migrateConcurrently(t *testing.T, p *pgxpool.Pool) {
	t.Helper()
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, sharedPool(t), schema) })
	errs := concurrently(8, func(int) error {
		return pgstore.New(p, &pgstore.Options{Schema: schema}).Migrate(context.Background())
	})
	for i, err := range errs {
		assert.NoError(t, err, "migration %d", i)
	}
	assert.Equal(t, allVersions(), versions(t, schema))
}

// Migrate on an up-to-date schema changes nothing and keeps the data.
func TestMigrateAgainKeepsData(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	require.NoError(t, db.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))
	require.NoError(t, db.Migrate(ctx))
	require.NoError(t, pgstore.New(db.Pool(), &pgstore.Options{Schema: db.Schema()}).Migrate(ctx))
	c, err := db.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Ana", c.Name)
	assert.Equal(t, allVersions(), versions(t, db.Schema()))
}

// A schema at an older version is brought up to date, its data kept.
func TestMigrateUpgradesOldSchema(t *testing.T) {
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	ctx := context.Background()
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 1))
	assert.Equal(t, []int{1}, versions(t, schema))
	// A customer with an order, written as a version-1 program wrote
	// them: the columns of version 1 only (the store itself writes the
	// latest schema's columns).
	table := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	_, err := p.Exec(ctx, `INSERT INTO `+table("customers")+` (id, kind, role, name, email, phone, address,
		birth_year, birth_month, birth_day, region, joined, joined_ns, consent_marketing, consent_profiling,
		top_size, bottom_size, shoe_size, height_cm, fit, styles, colours, categories, has_trade)
		VALUES ('C-1', 1, 0, 'Ana', '', '', '', 0, 0, 0, '', '2026-01-05T09:00:00Z', 0, false, false,
		'M', '', '', 0, 0, '{}', '{}', '{}', false)`)
	require.NoError(t, err)
	_, err = p.Exec(ctx, `INSERT INTO `+table("orders")+` (id, customer_id, at, at_ns, channel, store, currency)
		VALUES ('O-1', 'C-1', '2026-03-02T09:00:00Z', 0, 2, '', 'EUR')`)
	require.NoError(t, err)
	_, err = p.Exec(ctx, `INSERT INTO `+table("order_lines")+` (order_id, pos, line_id, sku, category, season, size,
		colour, quantity, unit_price, unit_cost, discount) VALUES ('O-1', 0, '1', 'COAT-1', '', '', '', '', 1, 199.00, NULL, 0)`)
	require.NoError(t, err)
	c, ev := complainttest.Record("K-1", complainttest.T0)
	require.Error(t, db.Complaints().Save(ctx, c, ev), "the complaint tables do not exist yet")

	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
	got, err := db.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Ana", got.Name)
	assert.Equal(t, "M", got.Profile.TopSize)
	assert.Empty(t, got.Household, "a customer stored before households has none")
	var lines []customer.Line
	for e, err := range db.Customers().History(ctx, "C-1") {
		require.NoError(t, err)
		if e.Order != nil {
			lines = append(lines, e.Order.Lines...)
		}
	}
	require.Len(t, lines, 1)
	assert.Empty(t, lines[0].Member, "a line stored before members is the customer's own")
	// After the upgrade, households and members are stored.
	got.Household = []customer.Member{{ID: "dad", Relation: customer.Parent, Profile: customer.Profile{TopSize: "XL"}}}
	require.NoError(t, db.Customers().Put(ctx, got))
	back, err := db.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, back.Equal(got), "household after the upgrade")
	require.NoError(t, db.Complaints().Save(ctx, c, ev))
	_, err = db.Complaints().Get(ctx, "K-1")
	require.NoError(t, err)
}

// A database migrated by a newer program is refused, not misread.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	_, err := db.Pool().Exec(ctx, `INSERT INTO `+pgx.Identifier{db.Schema(), "schema_version"}.Sanitize()+
		` (version, description) VALUES ($1, 'from the future')`, pgstore.SchemaVersion()+1)
	require.NoError(t, err)
	err = db.Migrate(ctx)
	require.ErrorIs(t, err, pgstore.ErrSchemaTooNew)
	_, err = pgstore.Open(ctx, testDSN(t), &pgstore.Options{Schema: db.Schema()})
	require.ErrorIs(t, err, pgstore.ErrSchemaTooNew)
}

// Open connects, migrates a new schema and gives working stores; Close
// closes the pool it opened, and a pool passed to New stays open.
func TestOpen(t *testing.T) {
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, sharedPool(t), schema) })
	ctx := context.Background()
	db, err := pgstore.Open(ctx, testDSN(t), &pgstore.Options{Schema: schema})
	require.NoError(t, err)
	assert.Equal(t, schema, db.Schema())
	c, ev := complainttest.Record("K-1", complainttest.T0)
	require.NoError(t, db.Complaints().Save(ctx, c, ev))
	db.Close()
	_, err = db.Complaints().Get(ctx, "K-1")
	assert.Error(t, err, "the pool is closed")
	assert.NotErrorIs(t, err, complaint.ErrNotFound)

	shared := pgstore.New(sharedPool(t), &pgstore.Options{Schema: schema})
	shared.Close()
	_, err = shared.Complaints().Get(ctx, "K-1")
	assert.NoError(t, err, "Close closed a pool it did not open")

	_, err = pgstore.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=1", nil)
	assert.Error(t, err)
	_, err = pgstore.Open(ctx, "::not a dsn::", nil)
	assert.Error(t, err)
}

// Migrate with a context that is done fails with its error.
func TestMigrateCanceled(t *testing.T) {
	p := sharedPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	err := pgstore.New(p, &pgstore.Options{Schema: newSchemaName()}).Migrate(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// Customers stored before migration 9 read back with no consent history
// and their flags as they were; after it, histories are stored.
func TestMigrateAddsConsentHistory(t *testing.T) {
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	ctx := context.Background()
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 8))
	// A customer as a version-8 program wrote it: consent flags, no
	// history column yet.
	_, err := p.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "customers"}.Sanitize()+` (id, kind, role, name, email, phone, address,
		birth_year, birth_month, birth_day, region, joined, joined_ns, consent_marketing, consent_profiling,
		top_size, bottom_size, shoe_size, height_cm, fit, styles, colours, categories, has_trade, household)
		VALUES ('C-1', 1, 0, 'Ana', '', '', '', 0, 0, 0, '', '2026-01-05T09:00:00Z', 0, true, false,
		'', '', '', 0, 0, '{}', '{}', '{}', false, '[]')`)
	require.NoError(t, err)

	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
	got, err := db.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Nil(t, got.ConsentHistory, "a customer stored before consent evidence has none")
	assert.Equal(t, customer.Consent{Marketing: true}, got.Consent)
	require.NoError(t, got.Validate(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)), "flags without evidence stay valid")

	// After the upgrade, the history is stored with the customer.
	at := time.Date(2026, 5, 4, 3, 2, 1, 123456789, time.FixedZone("UTC+8", 8*3600))
	got, err = got.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeMarketing, Time: at,
		Source: customer.SourceEmail}, at)
	require.NoError(t, err)
	got, err = got.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeProfiling, Given: true, Time: at,
		Source: customer.SourceTill, Notice: "隐私政策 v2"}, at)
	require.NoError(t, err)
	require.NoError(t, db.Customers().Put(ctx, got))
	back, err := db.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, back.Equal(got), "consent history after the upgrade: %v", back.ConsentHistory)
}
