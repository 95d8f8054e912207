package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"pgregory.net/rapid"
)

// sampleReturn returns a refund of one scarf (line 2) of order of c, a
// day after sampleOrder, at an instant with nanoseconds in Hawaii's zone,
// with refund as its Refund ("" for unset).
func sampleReturn(id, order string, c customer.ID, refund string) customer.Return {
	r := customer.Return{ID: id, OrderID: order, CustomerID: c,
		Time: time.Date(2025, 5, 2, 3, 4, 5, 678901234, time.FixedZone("HST", -10*3600)),
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	if refund != "" {
		r.Refund = decimal.NewNullDecimal(decimal.RequireFromString(refund))
	}
	return r
}

// returnRows counts the rows of db's returns table.
func returnRows(t *testing.T, db *pgstore.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM `+pgx.Identifier{db.Schema(), "returns"}.Sanitize()).Scan(&n))
	return n
}

// insertOldReturn stores r as the versions of this package before the
// refund column did (schema versions 1 to 6): a row of returns without a
// refund, and its lines. r.Refund is ignored.
func insertOldReturn(t *testing.T, db *pgstore.DB, r customer.Return) {
	t.Helper()
	ctx := context.Background()
	us := r.Time.Truncate(time.Microsecond)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO `+pgx.Identifier{db.Schema(), "returns"}.Sanitize()+` (id, order_id, customer_id, at, at_ns, kind, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.ID, r.OrderID, string(r.CustomerID), us, int16(r.Time.Sub(us)), int16(r.Kind), int16(r.Reason))
	for i, l := range r.Lines {
		b.Queue(`INSERT INTO `+pgx.Identifier{db.Schema(), "return_lines"}.Sanitize()+` (return_id, pos, line_id, quantity)
			VALUES ($1, $2, $3, $4)`, r.ID, i, l.LineID, l.Quantity)
	}
	require.NoError(t, db.Pool().SendBatch(ctx, b).Close())
}

// insertOldCustomer stores a consumer with only an ID, and insertOldOrder
// stores o, as the package wrote them before households (version 8):
// Put and AppendOrder write the columns of the latest schema.
func insertOldCustomer(t *testing.T, db *pgstore.DB, id customer.ID) {
	t.Helper()
	_, err := db.Pool().Exec(context.Background(), `INSERT INTO `+pgx.Identifier{db.Schema(), "customers"}.Sanitize()+` (id, kind, role, name, email, phone, address,
		birth_year, birth_month, birth_day, region, joined, joined_ns, consent_marketing, consent_profiling,
		top_size, bottom_size, shoe_size, height_cm, fit, styles, colours, categories, has_trade)
		VALUES ($1, $2, 0, '', '', '', '', 0, 0, 0, '', NULL, 0, false, false, '', '', '', 0, 0, '{}', '{}', '{}', false)`,
		string(id), int16(customer.Consumer))
	require.NoError(t, err)
}

func insertOldOrder(t *testing.T, db *pgstore.DB, o customer.Order) {
	t.Helper()
	us := o.Time.Truncate(time.Microsecond)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO `+pgx.Identifier{db.Schema(), "orders"}.Sanitize()+` (id, customer_id, at, at_ns, channel, store, currency)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		o.ID, string(o.CustomerID), us, int16(o.Time.Sub(us)), int16(o.Channel), o.Store, string(o.Currency))
	for i, l := range o.Lines {
		var cost any
		if l.UnitCost.Valid {
			cost = l.UnitCost.Decimal.String()
		}
		b.Queue(`INSERT INTO `+pgx.Identifier{db.Schema(), "order_lines"}.Sanitize()+` (order_id, pos, line_id, sku, category, season, size,
			colour, quantity, unit_price, unit_cost, discount) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::numeric, $11::numeric, $12::numeric)`,
			o.ID, i, l.ID, l.SKU, l.Category, l.Season, l.Size, l.Colour, l.Quantity, l.UnitPrice.String(), cost, l.Discount.String())
	}
	require.NoError(t, db.Pool().SendBatch(context.Background(), b).Close())
}

// returnOf returns the return id in the history of c, failing t when it
// is not there.
func returnOf(t *testing.T, s *pgstore.CustomerStore, c customer.ID, id string) customer.Return {
	t.Helper()
	for _, e := range events(t, s, c) {
		if e.Return != nil && e.Return.ID == id {
			return *e.Return
		}
	}
	t.Fatalf("return %q is not in the history of %q", id, c)
	return customer.Return{}
}

// A return's Refund comes back from History as stored: unset as unset (a
// NULL refund), zero as a set zero, an amount with its value and scale
// ("12.50" stays 12.50); a redelivery, also with the refund written with
// another scale, is nil and stores nothing.
func TestReturnRefundRoundTrip(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		id, refund string
		exponent   int32
	}{
		{"R-1", "", 0},
		{"R-2", "0", 0},
		{"R-3", "12.50", -2},
		{"R-4", "0.00", -2},
	} {
		want := sampleReturn(tc.id, "O-1", "C-1", tc.refund)
		require.NoError(t, s.AppendReturn(ctx, want), "return %s", tc.id)
		require.NoError(t, s.AppendReturn(ctx, want), "redelivery of %s", tc.id)
		got := returnOf(t, s, "C-1", tc.id)
		assert.True(t, got.Equal(want), "History returned\n%#v\nAppendReturn stored\n%#v", got, want)
		assert.Equal(t, want.Time.UnixNano(), got.Time.UnixNano())
		if tc.refund == "" {
			assert.False(t, got.Refund.Valid, "%s: an unset refund came back set: %s", tc.id, got.Refund.Decimal)
			var refund *string
			require.NoError(t, db.Pool().QueryRow(ctx, `SELECT refund::text FROM `+pgx.Identifier{db.Schema(), "returns"}.Sanitize()+
				` WHERE id = $1`, tc.id).Scan(&refund))
			assert.Nil(t, refund, "an unset refund is NULL")
			continue
		}
		require.True(t, got.Refund.Valid, "%s: a refund of %s came back unset", tc.id, tc.refund)
		assert.True(t, got.Refund.Decimal.Equal(want.Refund.Decimal), "%s: refund %s, stored %s", tc.id, got.Refund.Decimal, tc.refund)
		assert.Equal(t, tc.exponent, got.Refund.Decimal.Exponent(), "%s: the scale of %s is kept: %s", tc.id, tc.refund, got.Refund.Decimal)
	}
	again := sampleReturn("R-3", "O-1", "C-1", "12.5")
	again.Time = again.Time.UTC()
	require.NoError(t, s.AppendReturn(ctx, again), "the same return: refund and instant equal by value")
	assert.Equal(t, 4, returnRows(t, db), "redeliveries stored nothing")
}

// Any return comes back from AppendReturn and History equal — instants
// with nanoseconds from year 1 to 9999 in odd zones (or zero), any kind
// and reason byte, any lines, a refund unset or of any scale (kept when
// negative) — and its redelivery is accepted.
func TestReturnRoundTripAny(t *testing.T) {
	_, s := creditStore(t)
	ctx := context.Background()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		id := fmt.Sprintf("%s#%04d", genText.Draw(rt, "id"), n)
		want := customer.Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: genTime().Draw(rt, "time"),
			Kind: customer.ReturnKind(rapid.Uint8().Draw(rt, "kind")), Reason: customer.ReturnReason(rapid.Uint8().Draw(rt, "reason"))}
		for range rapid.IntRange(0, 3).Draw(rt, "lines") {
			want.Lines = append(want.Lines, customer.ReturnLine{LineID: genText.Draw(rt, "line"), Quantity: rapid.Int().Draw(rt, "qty")})
		}
		if rapid.Bool().Draw(rt, "refund") {
			want.Refund = decimal.NewNullDecimal(genDec().Draw(rt, "amount"))
		}
		require.NoError(rt, s.AppendReturn(ctx, want))
		require.NoError(rt, s.AppendReturn(ctx, want), "redelivery")
		var got *customer.Return
		for e, err := range s.History(ctx, "C-1") {
			require.NoError(rt, err)
			if e.Return != nil && e.Return.ID == id {
				got = e.Return
			}
		}
		require.NotNil(rt, got)
		if !got.Equal(want) {
			rt.Fatalf("History returned\n%#v\nAppendReturn stored\n%#v", *got, want)
		}
		if a, w := got.Refund.Decimal, want.Refund.Decimal; want.Refund.Valid && w.Exponent() < 0 && a.Exponent() != w.Exponent() {
			rt.Fatalf("refund %s (exponent %d), stored %s (exponent %d)", a, a.Exponent(), w, w.Exponent())
		}
	})
}

// A return delivered again under a taken ID with another refund — set
// where it was unset, unset where it was set, another amount, zero — is a
// *customer.DuplicateError naming "refund" (lines are compared first);
// nothing of it is stored and the first version is kept.
func TestReturnConflictNamesRefund(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	for i, tc := range []struct {
		field, stored, delivered string
		change                   func(r *customer.Return)
	}{
		{"refund", "", "0", nil},
		{"refund", "", "12.50", nil},
		{"refund", "12.50", "", nil},
		{"refund", "12.50", "12.49", nil},
		{"refund", "12.50", "0", nil},
		{"refund", "0", "", nil},
		{"refund", "0", "0.01", nil},
		{"lines", "12.50", "0", func(r *customer.Return) { r.Lines = append(r.Lines, customer.ReturnLine{LineID: "1", Quantity: -1}) }},
		{"reason", "12.50", "", func(r *customer.Return) { r.Reason = customer.QualityDefect }},
	} {
		id := fmt.Sprintf("R-%d", i+1)
		name := fmt.Sprintf("%s: refund %q, then %q", id, tc.stored, tc.delivered)
		r := sampleReturn(id, "O-1", "C-1", tc.stored)
		require.NoError(t, s.AppendReturn(ctx, r), "%s", name)
		other := sampleReturn(id, "O-1", "C-1", tc.delivered)
		if tc.change != nil {
			tc.change(&other)
		}
		err := s.AppendReturn(ctx, other)
		require.ErrorIs(t, err, customer.ErrDuplicate, "%s", name)
		var dup *customer.DuplicateError
		require.ErrorAs(t, err, &dup, "%s", name)
		assert.Equal(t, fmt.Sprintf("return %q", id), dup.Record, "%s", name)
		assert.Equal(t, tc.field, dup.Field, "%s", name)
		assert.EqualError(t, err, fmt.Sprintf("pgstore: return %q: duplicate ID with different %s", id, tc.field), "%s", name)
		assert.NotErrorIs(t, err, customer.ErrNotFound, "%s", name)
		assert.Equal(t, i+1, returnRows(t, db), "%s: the duplicate was stored", name)
		got := returnOf(t, s, "C-1", id)
		assert.True(t, got.Equal(r), "%s: the first version is kept, got %#v", name, got)
	}
}

// Concurrent deliveries of one return with a refund store it once and
// all succeed; concurrent versions differing only in their refund store
// one of them, and every other writer gets a *customer.DuplicateError
// naming "refund", as a serial run would (run with -race).
func TestConcurrentReturnRefunds(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	const n = 16
	run := func(ret func(i int) customer.Return) []error {
		return concurrently(n, func(i int) error { return s.AppendReturn(ctx, ret(i)) })
	}

	for i, err := range run(func(int) customer.Return { return sampleReturn("R-1", "O-1", "C-1", "12.50") }) {
		assert.NoError(t, err, "writer %d", i)
	}
	assert.Equal(t, 1, returnRows(t, db))

	refund := func(i int) string {
		if i == 0 {
			return "" // one writer leaves the refund unset
		}
		return fmt.Sprintf("%d.00", i)
	}
	won := -1
	for i, err := range run(func(i int) customer.Return { return sampleReturn("R-2", "O-1", "C-1", refund(i)) }) {
		if err == nil {
			assert.Equal(t, -1, won, "writers %d and %d both stored R-2", won, i)
			won = i
			continue
		}
		var dup *customer.DuplicateError
		if assert.True(t, errors.As(err, &dup), "writer %d got %v, want a *customer.DuplicateError", i, err) {
			assert.Equal(t, "refund", dup.Field)
		}
	}
	require.NotEqual(t, -1, won, "no writer stored R-2")
	assert.Equal(t, 2, returnRows(t, db))
	got := returnOf(t, s, "C-1", "R-2")
	assert.True(t, got.Equal(sampleReturn("R-2", "O-1", "C-1", refund(won))), "writer %d's refund is kept, got %#v", won, got.Refund)
}

// A schema of version 6, before refunds, holding returns (written as the
// package then wrote them) is upgraded: the returns read back with their
// refund unset, a redelivery of one without a refund is nil and with one
// a duplicate naming "refund"; new returns store their refund. A row
// without a refund in an up-to-date schema reads back unset too.
func TestMigrateAddsReturnRefund(t *testing.T) {
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	ctx := context.Background()
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 6))
	s := db.Customers()
	insertOldCustomer(t, db, "C-1")
	insertOldOrder(t, db, sampleOrder("O-1", "C-1"))
	old := sampleReturn("R-1", "O-1", "C-1", "")
	insertOldReturn(t, db, old)
	require.Error(t, s.AppendReturn(ctx, sampleReturn("R-2", "O-1", "C-1", "5.50")), "the refund column does not exist yet")

	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
	got := returnOf(t, s, "C-1", "R-1")
	assert.False(t, got.Refund.Valid, "an old return came back with a refund of %s", got.Refund.Decimal)
	assert.True(t, got.Equal(old), "return kept: got %#v", got)
	require.NoError(t, s.AppendReturn(ctx, old), "redelivery of the old return")
	err := s.AppendReturn(ctx, sampleReturn("R-1", "O-1", "C-1", "0"))
	var dup *customer.DuplicateError
	require.ErrorAs(t, err, &dup)
	assert.Equal(t, "refund", dup.Field)

	fee := sampleReturn("R-2", "O-1", "C-1", "5.50")
	require.NoError(t, s.AppendReturn(ctx, fee))
	got = returnOf(t, s, "C-1", "R-2")
	assert.True(t, got.Equal(fee), "got %#v", got)
	assert.Equal(t, "5.50", got.Refund.Decimal.StringFixed(-got.Refund.Decimal.Exponent()))

	plain := sampleReturn("R-3", "O-1", "C-1", "")
	insertOldReturn(t, db, plain)
	got = returnOf(t, s, "C-1", "R-3")
	assert.False(t, got.Refund.Valid)
	assert.True(t, got.Equal(plain), "got %#v", got)
}
