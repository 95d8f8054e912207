package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// oldAppendOrderStatement returns the statement, and its arguments, by
// which the releases before households (schema versions 1 to 7) appended
// o: their CustomerStore.AppendOrder, word for word, without the member
// column of order_lines.
func oldAppendOrderStatement(schema string, o customer.Order) (string, []any) {
	n := len(o.Lines)
	pos := make([]int32, n)
	lineID, sku, cat, season, size, colour := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	qty := make([]int64, n)
	price, cost, disc := make([]string, n), make([]*string, n), make([]string, n)
	for i, l := range o.Lines {
		pos[i] = int32(i)
		lineID[i], sku[i], cat[i], season[i], size[i], colour[i] = l.ID, l.SKU, l.Category, l.Season, l.Size, l.Colour
		qty[i] = int64(l.Quantity)
		price[i], disc[i] = l.UnitPrice.String(), l.Discount.String()
		if l.UnitCost.Valid {
			c := l.UnitCost.Decimal.String()
			cost[i] = &c
		}
	}
	us := o.Time.Truncate(time.Microsecond)
	return `WITH
		c AS (SELECT id FROM ` + pgx.Identifier{schema, "customers"}.Sanitize() + ` WHERE id = $2 FOR KEY SHARE),
		o AS (INSERT INTO ` + pgx.Identifier{schema, "orders"}.Sanitize() + ` (id, customer_id, at, at_ns, channel, store, currency)
			SELECT $1, c.id, $3, $4, $5, $6, $7 FROM c
			ON CONFLICT (id) DO NOTHING RETURNING id),
		l AS (INSERT INTO ` + pgx.Identifier{schema, "order_lines"}.Sanitize() + `
			(order_id, pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount)
			SELECT o.id, u.pos, u.line_id, u.sku, u.category, u.season, u.size, u.colour, u.quantity,
				u.unit_price::numeric, u.unit_cost::numeric, u.discount::numeric
			FROM o, unnest($8::int4[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
				$15::int8[], $16::text[], $17::text[], $18::text[])
				AS u(pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount))
		SELECT EXISTS (SELECT FROM c), EXISTS (SELECT FROM o)`,
		[]any{o.ID, string(o.CustomerID), us, int16(o.Time.Sub(us)), int16(o.Channel), o.Store, string(o.Currency),
			pos, lineID, sku, cat, season, size, colour, qty, price, cost, disc}
}

// The migrations that lock two tables a customer's writers use:
// migration 6 (it creates credits, whose foreign keys lock customers,
// then orders, in SHARE ROW EXCLUSIVE mode) and migration 8 (it adds a
// column to customers, then to order_lines, each in ACCESS EXCLUSIVE
// mode). The writers of those tables lock customers first: an order
// append (as the releases before households ran it, on a connection
// that has run it before, its statement prepared) its customer's row
// (FOR KEY SHARE), then orders, then order_lines; a Delete customers,
// then, through the cascades, orders and order_lines. So a writer never
// holds one of the two tables while it waits for the migration, nor the
// migration one while it waits for a writer that waits for it. Forced to
// interleave both ways — the writer holding its first tables and
// waiting for order_lines (a transaction holds it in SHARE mode) when
// the migration asks for its first; the migration holding its first
// table and waiting for its second (a transaction holds a row of it)
// when the writer asks for its first — neither is aborted as a deadlock
// (SQLSTATE 40P01): both complete, the order is stored with its lines
// (member "") or the customer deleted with them.
func TestMigrateBesideAnOrderWriter(t *testing.T) {
	for _, from := range []int{7, 6, 5} {
		for _, first := range []string{"writer", "migration"} {
			for _, writer := range []string{"append", "delete"} {
				if from == 6 && writer == "append" {
					continue // migration 7 alters returns, which an order append never locks
				}
				t.Run(fmt.Sprintf("from schema %d, %s first, %s", from, first, writer), func(t *testing.T) {
					migrateBesideAnOrderWriter(t, from, first, writer)
				})
			}
		}
	}
}

// migrateBesideAnOrderWriter is TestMigrateBesideAnOrderWriter for a
// schema at version from, the writer or the migration locking first, and
// an order append or a customer's Delete (writer).
func migrateBesideAnOrderWriter(t *testing.T, from int, first, writer string) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, from))
	order := func(i int, c customer.ID) customer.Order {
		o := sampleOrder(fmt.Sprintf("O-%d", i), c)
		o.Lines[1].UnitCost = decimal.NewNullDecimal(decimal.RequireFromString("12.50"))
		return o
	}
	for i := range 8 {
		insertOldCustomer(t, db, customer.ID(fmt.Sprintf("C-%d", i)))
	}
	insertOldOrder(t, db, order(0, "C-0"))

	cfg := p.Config().Copy()
	cfg.MaxConns = 1
	one, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(one.Close)
	var writerPID int32
	require.NoError(t, one.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&writerPID))
	write := func(i int) error {
		c := customer.ID(fmt.Sprintf("C-%d", i))
		if writer == "delete" {
			return pgstore.New(one, &pgstore.Options{Schema: schema}).Customers().Delete(ctx, c)
		}
		q, args := oldAppendOrderStatement(schema, order(i, c))
		var known, inserted bool
		if err := one.QueryRow(ctx, q, args...).Scan(&known, &inserted); err != nil {
			return err
		}
		if !known || !inserted {
			return fmt.Errorf("order O-%d: customer found %v, order inserted %v", i, known, inserted)
		}
		return nil
	}
	// The same statements before, on the writer's one connection (a
	// customer with an order for each Delete, whose cascades reach
	// order_lines), so that they run prepared, on a generic plan too.
	for i := 1; i <= 6; i++ {
		if writer == "delete" {
			insertOldOrder(t, db, order(i, customer.ID(fmt.Sprintf("C-%d", i))))
		}
		require.NoError(t, write(i))
	}
	if writer == "delete" {
		insertOldOrder(t, db, order(7, "C-7"))
	}

	holder, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { holder.Rollback(ctx) })
	var holderPID int32
	require.NoError(t, holder.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&holderPID))
	hold := `LOCK TABLE ` + pgx.Identifier{schema, "order_lines"}.Sanitize() + ` IN SHARE MODE`
	if first == "migration" {
		// A row of the migration's second table: order_lines for 8,
		// orders for 6 (whose SHARE ROW EXCLUSIVE mode waits for a
		// writer's ROW EXCLUSIVE, not for a row lock).
		switch from {
		case 7:
			hold = `SELECT FROM ` + pgx.Identifier{schema, "order_lines"}.Sanitize() + ` WHERE order_id = 'O-0' FOR UPDATE`
		case 6:
			hold = `SELECT count(*) FROM ` + pgx.Identifier{schema, "returns"}.Sanitize()
		case 5:
			hold = `UPDATE ` + pgx.Identifier{schema, "orders"}.Sanitize() + ` SET store = store WHERE id = 'O-0'`
		}
	}
	_, err = holder.Exec(ctx, hold)
	require.NoError(t, err)

	migrated := make(chan error, 1)
	wrote := make(chan error, 1)
	if first == "writer" {
		go func() { wrote <- write(7) }()
		require.Equal(t, writerPID, blockedBy(t, p, holderPID, "the writer"))
		go func() { migrated <- db.Migrate(ctx) }()
		blockedBy(t, p, writerPID, "the migration")
	} else {
		go func() { migrated <- db.Migrate(ctx) }()
		migrator := blockedBy(t, p, holderPID, "the migration")
		go func() { wrote <- write(7) }()
		require.Equal(t, writerPID, blockedBy(t, p, migrator, "the writer"))
	}
	require.NoError(t, holder.Rollback(ctx))

	assert.NoError(t, returned(t, migrated, "Migrate"), "the migration")
	assert.NoError(t, returned(t, wrote, "the writer"), "the writer")
	assert.Equal(t, allVersions(), versions(t, schema))
	s := db.Customers()
	var lines int
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{schema, "order_lines"}.Sanitize()+` WHERE order_id = 'O-7'`).Scan(&lines))
	if writer == "delete" {
		_, err := s.Get(ctx, "C-7")
		require.ErrorIs(t, err, customer.ErrNotFound, "the deleted customer")
		assert.Zero(t, lines, "the deleted customer's order lines")
		return
	}
	want := order(7, "C-7")
	evs := events(t, s, "C-7")
	require.Len(t, evs, 1)
	require.NotNil(t, evs[0].Order)
	assert.NoError(t, evs[0].Order.Conflict(want), "the stored order")
	require.Len(t, evs[0].Order.Lines, len(want.Lines))
	for _, l := range evs[0].Order.Lines {
		assert.Empty(t, l.Member, "line %s: the member of a line stored before households", l.ID)
	}
}

// A reader of a customer's history (History's transaction: the customer,
// then its orders with their lines, then its returns, one snapshot)
// beside an upgrade from schema 6, whose migration 7 alters returns and
// migration 8 customers: forced to interleave so that the reader has
// read the customer and waits for orders (a transaction holds them in
// ACCESS EXCLUSIVE mode) when the migration starts, neither is aborted
// as a deadlock. Had migration 7 taken returns (ACCESS EXCLUSIVE, a lock
// plain reads wait for) before migration 8 waited for the reader's
// customers, the reader would wait for returns while holding customers.
func TestMigrateBesideAHistoryRead(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 6))
	insertOldCustomer(t, db, "C-1")
	insertOldOrder(t, db, sampleOrder("O-1", "C-1"))

	holder, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { holder.Rollback(ctx) })
	var holderPID int32
	require.NoError(t, holder.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&holderPID))
	_, err = holder.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, "orders"}.Sanitize()+` IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)

	conn, err := p.Acquire(ctx)
	require.NoError(t, err)
	t.Cleanup(conn.Release)
	var readerPID int32
	require.NoError(t, conn.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&readerPID))
	var known bool
	var lines, returns int
	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
	b.Queue(`SELECT EXISTS (SELECT FROM `+pgx.Identifier{schema, "customers"}.Sanitize()+` WHERE id = $1)`, "C-1").QueryRow(func(r pgx.Row) error {
		return r.Scan(&known)
	})
	b.Queue(`SELECT count(l.pos) FROM `+pgx.Identifier{schema, "orders"}.Sanitize()+` o LEFT JOIN `+
		pgx.Identifier{schema, "order_lines"}.Sanitize()+` l ON l.order_id = o.id WHERE o.customer_id = $1`, "C-1").QueryRow(func(r pgx.Row) error {
		return r.Scan(&lines)
	})
	b.Queue(`SELECT count(*) FROM `+pgx.Identifier{schema, "returns"}.Sanitize()+` WHERE customer_id = $1`, "C-1").QueryRow(func(r pgx.Row) error {
		return r.Scan(&returns)
	})
	b.Queue(`COMMIT`)
	read := make(chan error, 1)
	go func() { read <- conn.SendBatch(ctx, b).Close() }()
	require.Equal(t, readerPID, blockedBy(t, p, holderPID, "the reader"))
	migrated := make(chan error, 1)
	go func() { migrated <- db.Migrate(ctx) }()
	blockedBy(t, p, readerPID, "the migration")
	require.NoError(t, holder.Rollback(ctx))

	assert.NoError(t, returned(t, migrated, "Migrate"), "the migration")
	assert.NoError(t, returned(t, read, "the reader"), "the reader")
	assert.Equal(t, allVersions(), versions(t, schema))
	assert.True(t, known, "the customer read")
	assert.Equal(t, 2, lines, "the order lines read")
	assert.Zero(t, returns, "the returns read")
}
