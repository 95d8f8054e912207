package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"pgregory.net/rapid"
)

// eur returns amount in euros.
func eur(t *testing.T, amount string) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(amount, "EUR")
	require.NoError(t, err)
	return m
}

// sampleCredit returns a price reduction of 5.50 EUR on order of c, two
// days after sampleOrder, at an instant with nanoseconds in Nepal's zone
// (UTC+05:45).
func sampleCredit(t *testing.T, id, order string, c customer.ID) customer.Credit {
	return customer.Credit{ID: id, CustomerID: c, OrderID: order,
		Time: time.Date(2025, 5, 3, 17, 45, 0, 987654321, time.FixedZone("NPT", 5*3600+45*60)),
		Kind: customer.PriceReduction, Amount: eur(t, "5.50"), Source: "case K-7"}
}

// creditStore returns a store holding customers C-1 and C-2 and order
// O-1 of C-1 (sampleOrder).
func creditStore(t *testing.T) (*pgstore.DB, *pgstore.CustomerStore) {
	t.Helper()
	db := newDB(t)
	s := db.Customers()
	ctx := context.Background()
	for _, id := range []customer.ID{"C-1", "C-2"} {
		require.NoError(t, s.Put(ctx, customer.Customer{ID: id, Kind: customer.Consumer}))
	}
	require.NoError(t, s.AppendOrder(ctx, sampleOrder("O-1", "C-1")))
	return db, s
}

// events returns the history of id, failing t on an error.
func events(t *testing.T, s *pgstore.CustomerStore, id customer.ID) []customer.Event {
	t.Helper()
	var evs []customer.Event
	for e, err := range s.History(context.Background(), id) {
		require.NoError(t, err)
		evs = append(evs, e)
	}
	return evs
}

// creditRows counts the rows of db's credits table.
func creditRows(t *testing.T, db *pgstore.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM `+pgx.Identifier{db.Schema(), "credits"}.Sanitize()).Scan(&n))
	return n
}

// Credits of both kinds, for an order and for none, come back from
// History equal (the instant exactly, in UTC; the amount with its value
// and scale; a missing order as ""), and a redelivery is nil and stores
// nothing.
func TestCreditRoundTrip(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	reduction := sampleCredit(t, "K-1", "O-1", "C-1")
	compensation := customer.Credit{ID: "K-2", CustomerID: "C-1",
		Time: time.Date(2025, 5, 4, 1, 2, 3, 4, time.FixedZone("HST", -10*3600)),
		Kind: customer.Compensation, Amount: eur(t, "10.00")}
	for _, c := range []customer.Credit{reduction, compensation} {
		require.NoError(t, s.AppendCredit(ctx, c), "credit %s", c.ID)
		require.NoError(t, s.AppendCredit(ctx, c), "redelivery of %s", c.ID)
	}
	again := reduction
	again.Amount = eur(t, "5.5")
	again.Time = reduction.Time.UTC()
	require.NoError(t, s.AppendCredit(ctx, again), "the same credit: amount and instant equal by value")
	assert.Equal(t, 2, creditRows(t, db), "redeliveries stored nothing")

	evs := events(t, s, "C-1")
	require.Len(t, evs, 3)
	require.NotNil(t, evs[0].Order)
	for i, want := range []customer.Credit{reduction, compensation} {
		got := evs[i+1].Credit
		require.NotNil(t, got, "event %d", i+1)
		assert.True(t, got.Equal(want), "History returned\n%#v\nAppendCredit stored\n%#v", *got, want)
		assert.Equal(t, time.UTC, got.Time.Location())
		assert.Equal(t, want.Time.UnixNano(), got.Time.UnixNano())
		assert.Equal(t, want.Kind, got.Kind)
		assert.Equal(t, want.OrderID, got.OrderID)
		assert.Equal(t, want.Source, got.Source)
		assert.Equal(t, customer.Currency("EUR"), got.Amount.Currency())
	}
	amount := evs[1].Credit.Amount.Amount()
	assert.True(t, amount.Equal(reduction.Amount.Amount()), "amount %s, stored 5.50", amount)
	assert.Equal(t, int32(-2), amount.Exponent(), "the scale of 5.50 is kept: %s", amount)

	var orderID *string
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT order_id FROM `+pgx.Identifier{db.Schema(), "credits"}.Sanitize()+
		` WHERE id = 'K-2'`).Scan(&orderID))
	assert.Nil(t, orderID, "a credit for no order has a NULL order_id")
}

// Any credit comes back from AppendCredit and History equal — instants
// with nanoseconds from year 1 to 9999 in odd zones (or zero), amounts of
// any scale, any kind byte, any text but NUL — and its redelivery is
// accepted.
func TestCreditRoundTripAny(t *testing.T) {
	_, s := creditStore(t)
	ctx := context.Background()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		id := fmt.Sprintf("%s#%04d", genText.Draw(rt, "id"), n)
		want := customer.Credit{ID: id, CustomerID: "C-1", OrderID: rapid.SampledFrom([]string{"", "O-1"}).Draw(rt, "order"),
			Time: genTime().Draw(rt, "time"), Kind: customer.CreditKind(rapid.Uint8().Draw(rt, "kind")),
			Amount: genMoney().Draw(rt, "amount"), Source: genText.Draw(rt, "source")}
		require.NoError(rt, s.AppendCredit(ctx, want))
		require.NoError(rt, s.AppendCredit(ctx, want), "redelivery")
		var got *customer.Credit
		for e, err := range s.History(ctx, "C-1") {
			require.NoError(rt, err)
			if e.Credit != nil && e.Credit.ID == id {
				got = e.Credit
			}
		}
		require.NotNil(rt, got)
		if !got.Equal(want) {
			rt.Fatalf("History returned\n%#v\nAppendCredit stored\n%#v", *got, want)
		}
		if a, w := got.Amount.Amount(), want.Amount.Amount(); w.Exponent() < 0 && !w.IsZero() && a.Exponent() != w.Exponent() {
			rt.Fatalf("amount %s (exponent %d), stored %s (exponent %d)", a, a.Exponent(), w, w.Exponent())
		}
	})
}

// At one instant History yields orders, then returns, then credits (by
// ID), then interactions, as customer.CompareEvents orders them.
func TestCreditHistoryOrder(t *testing.T) {
	_, s := creditStore(t)
	ctx := context.Background()
	o := sampleOrder("O-2", "C-1")
	at := o.Time.Add(time.Hour)
	o.Time = at
	require.NoError(t, s.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: at, Kind: customer.Cart, Subject: "COAT-1"}))
	for _, id := range []string{"K-3", "K-1", "K-2"} {
		c := sampleCredit(t, id, "", "C-1")
		c.Kind, c.Time = customer.Compensation, at
		require.NoError(t, s.AppendCredit(ctx, c))
	}
	early := sampleCredit(t, "K-9", "O-1", "C-1")
	early.Time = at.Add(-time.Nanosecond)
	require.NoError(t, s.AppendCredit(ctx, early))
	require.NoError(t, s.AppendOrder(ctx, o))
	require.NoError(t, s.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-2", CustomerID: "C-1", Time: at,
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}))

	var got []string
	for _, e := range events(t, s, "C-1") {
		switch {
		case e.Order != nil:
			got = append(got, "order "+e.Order.ID)
		case e.Return != nil:
			got = append(got, "return "+e.Return.ID)
		case e.Credit != nil:
			got = append(got, "credit "+e.Credit.ID)
		case e.Interaction != nil:
			got = append(got, "interaction "+e.Interaction.Subject)
		}
	}
	assert.Equal(t, []string{"order O-1", "credit K-9", "order O-2", "return R-1",
		"credit K-1", "credit K-2", "credit K-3", "interaction COAT-1"}, got)
}

// A different credit under a taken ID is a *customer.DuplicateError
// naming the first field that differs, checked before the credit's order
// (a changed order ID is a duplicate, even of an order that does not
// exist); nothing of it is stored.
func TestCreditConflictNamesField(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	require.NoError(t, s.AppendOrder(ctx, sampleOrder("O-2", "C-1")))
	c := sampleCredit(t, "K-1", "O-1", "C-1")
	require.NoError(t, s.AppendCredit(ctx, c))
	for _, tc := range []struct {
		field  string
		change func(c *customer.Credit)
	}{
		{"customer_id", func(c *customer.Credit) { c.CustomerID, c.OrderID = "C-2", "" }},
		{"order_id", func(c *customer.Credit) { c.OrderID = "O-2" }},
		{"order_id", func(c *customer.Credit) { c.OrderID = "O-404" }},
		{"order_id", func(c *customer.Credit) { c.OrderID, c.Kind = "", customer.Compensation }},
		{"time", func(c *customer.Credit) { c.Time = c.Time.Add(time.Nanosecond) }},
		{"kind", func(c *customer.Credit) { c.Kind = customer.Compensation }},
		{"amount", func(c *customer.Credit) { c.Amount = eur(t, "5.51") }},
		{"amount", func(c *customer.Credit) { c.Amount = customer.Money{} }},
		{"source", func(c *customer.Credit) { c.Source = "" }},
	} {
		other := c
		tc.change(&other)
		err := s.AppendCredit(ctx, other)
		require.ErrorIs(t, err, customer.ErrDuplicate, "%s", tc.field)
		var dup *customer.DuplicateError
		require.ErrorAs(t, err, &dup, "%s", tc.field)
		assert.Equal(t, `credit "K-1"`, dup.Record)
		assert.Equal(t, tc.field, dup.Field)
		assert.EqualError(t, err, `pgstore: credit "K-1": duplicate ID with different `+tc.field)
		assert.NotErrorIs(t, err, customer.ErrNotFound, "%s", tc.field)
	}
	assert.Equal(t, 1, creditRows(t, db))
	evs := events(t, s, "C-1")
	require.Len(t, evs, 3)
	require.NotNil(t, evs[2].Credit)
	assert.True(t, evs[2].Credit.Equal(c), "the first version is kept")
	assert.Empty(t, events(t, s, "C-2"))
}

// A credit of an unknown customer, of an unknown order, or of another
// customer's order is ErrNotFound; one without an ID is ErrInvalid; one
// with text PostgreSQL cannot hold is ErrInvalid naming the field; a done
// context is its error. None stores anything, and the ID stays free.
func TestCreditRefused(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	require.NoError(t, s.AppendOrder(ctx, sampleOrder("O-2", "C-2")))

	err := s.AppendCredit(ctx, sampleCredit(t, "K-1", "", "C-404"))
	require.ErrorIs(t, err, customer.ErrNotFound)
	assert.EqualError(t, err, `pgstore: credit "K-1": customer "C-404": customer: not found`)
	err = s.AppendCredit(ctx, sampleCredit(t, "K-1", "O-404", "C-1"))
	require.ErrorIs(t, err, customer.ErrNotFound)
	assert.Contains(t, err.Error(), `order "O-404" of customer "C-1"`)
	err = s.AppendCredit(ctx, sampleCredit(t, "K-1", "O-2", "C-1"))
	require.ErrorIs(t, err, customer.ErrNotFound, "O-2 is C-2's order")
	assert.Contains(t, err.Error(), `order "O-2" of customer "C-1"`)

	err = s.AppendCredit(ctx, sampleCredit(t, "", "O-1", "C-1"))
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, `credit ""`, ve.Record)
	bad := sampleCredit(t, "K-1", "O-1", "C-1")
	bad.Source = "case\x00"
	err = s.AppendCredit(ctx, bad)
	require.ErrorIs(t, err, customer.ErrInvalid)
	assert.Contains(t, err.Error(), "source")
	bad = sampleCredit(t, "K-1\xff", "O-1", "C-1")
	require.ErrorIs(t, s.AppendCredit(ctx, bad), customer.ErrInvalid)
	bad = sampleCredit(t, "K-1", "O-1", "C-1")
	bad.Time = time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)
	require.ErrorIs(t, s.AppendCredit(ctx, bad), customer.ErrInvalid, "a time beyond timestamptz's range")

	done, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.AppendCredit(done, sampleCredit(t, "K-1", "O-1", "C-1")), context.Canceled)

	assert.Zero(t, creditRows(t, db), "a refused credit was stored")
	assert.Len(t, events(t, s, "C-1"), 1)
	assert.Len(t, events(t, s, "C-2"), 1)
	c := sampleCredit(t, "K-1", "O-2", "C-2")
	require.NoError(t, s.AppendCredit(ctx, c), "K-1 is still free")
	evs := events(t, s, "C-2")
	require.Len(t, evs, 2)
	assert.True(t, evs[1].Credit.Equal(c))
}

// Delete erases the customer's credits with it: its history is gone, and
// once it is put again it starts empty and the credits' IDs are free,
// for it and for other customers.
func TestDeleteRemovesCredits(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	require.NoError(t, s.AppendCredit(ctx, sampleCredit(t, "K-1", "O-1", "C-1")))
	compensation := sampleCredit(t, "K-2", "", "C-1")
	compensation.Kind = customer.Compensation
	require.NoError(t, s.AppendCredit(ctx, compensation))
	other := sampleCredit(t, "K-3", "", "C-2")
	other.Kind = customer.Compensation
	require.NoError(t, s.AppendCredit(ctx, other))

	require.NoError(t, s.Delete(ctx, "C-1"))
	for _, err := range s.History(ctx, "C-1") {
		require.ErrorIs(t, err, customer.ErrNotFound)
	}
	assert.Equal(t, 1, creditRows(t, db), "only C-2's credit is left")

	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	assert.Empty(t, events(t, s, "C-1"))
	reused := compensation
	reused.CustomerID = "C-2"
	require.NoError(t, s.AppendCredit(ctx, reused), "K-2 is free for another customer")
	changed := sampleCredit(t, "K-1", "", "C-1")
	changed.Kind, changed.Amount = customer.Compensation, eur(t, "1.00")
	require.NoError(t, s.AppendCredit(ctx, changed), "K-1 is free with other content")
	evs := events(t, s, "C-1")
	require.Len(t, evs, 1)
	assert.True(t, evs[0].Credit.Equal(changed))
	assert.Len(t, events(t, s, "C-2"), 2)
}

// Concurrent deliveries of one credit store it once and all succeed;
// concurrent different versions under one ID store one of them, and every
// other writer gets a *customer.DuplicateError naming the field, as a
// serial run would (run with -race).
func TestConcurrentCreditAppends(t *testing.T) {
	db, s := creditStore(t)
	ctx := context.Background()
	const n = 16
	run := func(credit func(i int) customer.Credit) []error {
		return concurrently(n, func(i int) error { return s.AppendCredit(ctx, credit(i)) })
	}

	for i, err := range run(func(int) customer.Credit { return sampleCredit(t, "K-1", "O-1", "C-1") }) {
		assert.NoError(t, err, "writer %d", i)
	}
	assert.Equal(t, 1, creditRows(t, db))

	won := -1
	for i, err := range run(func(i int) customer.Credit {
		c := sampleCredit(t, "K-2", "O-1", "C-1")
		c.Source = fmt.Sprint("writer ", i)
		return c
	}) {
		if err == nil {
			assert.Equal(t, -1, won, "writers %d and %d both stored K-2", won, i)
			won = i
			continue
		}
		var dup *customer.DuplicateError
		if assert.True(t, errors.As(err, &dup), "writer %d got %v, want a *customer.DuplicateError", i, err) {
			assert.Equal(t, "source", dup.Field)
		}
	}
	require.NotEqual(t, -1, won, "no writer stored K-2")
	evs := events(t, s, "C-1")
	require.Len(t, evs, 3)
	assert.Equal(t, fmt.Sprint("writer ", won), evs[2].Credit.Source)
}

// A context cancelled after the credit was written, before the commit,
// leaves no credit behind; the credit delivered again is then stored.
func TestCanceledAppendCredit(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	require.NoError(t, check.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	require.NoError(t, check.Customers().AppendOrder(ctx, sampleOrder("O-1", "C-1")))
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h.arm("COMMIT", func(*pgx.Conn) { cancel() })
	c := sampleCredit(t, "K-1", "O-1", "C-1")
	require.ErrorIs(t, broken.Customers().AppendCredit(cctx, c), context.Canceled)
	assert.True(t, h.hasFired())
	assert.Equal(t, 1, historyLen(t, check.Customers(), "C-1"), "a half-applied credit was stored")
	require.NoError(t, broken.Customers().AppendCredit(ctx, c))
	assert.Equal(t, 2, historyLen(t, check.Customers(), "C-1"))
}

// A schema of version 5, before credits, holding a customer's order and
// return is upgraded: the history is kept, and credits are stored and
// read with it.
func TestMigrateAddsCredits(t *testing.T) {
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	ctx := context.Background()
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 5))
	s := db.Customers()
	insertOldCustomer(t, db, "C-1")
	o := sampleOrder("O-1", "C-1")
	insertOldOrder(t, db, o)
	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: o.Time.Add(time.Hour),
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	insertOldReturn(t, db, r) // AppendReturn needs the refund column of version 7
	c := sampleCredit(t, "K-1", "O-1", "C-1")
	require.Error(t, s.AppendCredit(ctx, c), "the credits table does not exist yet")

	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
	require.NoError(t, s.AppendCredit(ctx, c))
	evs := events(t, s, "C-1")
	require.Len(t, evs, 3)
	assert.True(t, evs[0].Order != nil && evs[0].Order.Equal(o), "order kept")
	assert.True(t, evs[1].Return != nil && evs[1].Return.Equal(r), "return kept")
	assert.True(t, evs[2].Credit != nil && evs[2].Credit.Equal(c), "credit stored")
}

// concurrently calls f(0), …, f(n−1) on n goroutines released together,
// and returns their errors.
func concurrently(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}
