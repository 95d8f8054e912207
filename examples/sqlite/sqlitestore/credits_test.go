package sqlitestore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

func money(t *testing.T, amount, cur string) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(amount, cur)
	require.NoError(t, err)
	return m
}

// reduction is a price reduction of 5.50 EUR on order of customer c.
func reduction(t *testing.T, id string, c customer.ID, order string, at time.Time) customer.Credit {
	t.Helper()
	return customer.Credit{ID: id, CustomerID: c, OrderID: order, Time: at, Kind: customer.PriceReduction,
		Amount: money(t, "5.50", "EUR"), Source: "K-7"}
}

// creditsOf returns the credits in the history of c.
func creditsOf(t *testing.T, s *sqlitestore.Customers, c customer.ID) []customer.Credit {
	t.Helper()
	var out []customer.Credit
	for _, e := range historyOf(t, s, c) {
		if e.Credit != nil {
			out = append(out, *e.Credit)
		}
	}
	return out
}

// Credits of both kinds, with and without an order, come back with every
// field: the amount by value, scale and currency; the instant to the
// nanosecond, in UTC, whatever zone it was given in. In the history they
// follow the orders and returns of their instant, by ID.
func TestCreditRoundTrip(t *testing.T) {
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-1", "C-1", day0)))
	at := time.Date(2026, 3, 2, 23, 59, 59, 123456789, time.FixedZone("UTC-3", -3*3600))
	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: at, Kind: customer.Refund,
		Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	require.NoError(t, cs.AppendReturn(ctx, r))
	credits := []customer.Credit{
		reduction(t, "CR-2", "C-1", "O-1", at),
		{ID: "CR-1", CustomerID: "C-1", Time: at, Kind: customer.Compensation, Amount: money(t, "10.00", "EUR")},
		{ID: "CR-3", CustomerID: "C-1", OrderID: "O-1", Time: day0.Add(time.Nanosecond), Kind: customer.Compensation,
			Amount: money(t, "1500", "JPY"), Source: "goodwill"},
	}
	for _, c := range credits {
		require.NoError(t, cs.AppendCredit(ctx, c))
	}

	hist := historyOf(t, cs, "C-1")
	require.Len(t, hist, 5)
	require.NotNil(t, hist[0].Order)
	got := []*customer.Credit{hist[1].Credit, hist[3].Credit, hist[4].Credit}
	require.NotNil(t, hist[2].Return, "a return comes before the credits of its instant")
	want := []customer.Credit{credits[2], credits[1], credits[0]}
	for i, g := range got {
		require.NotNil(t, g, "event %d", i)
		w := want[i]
		assert.True(t, g.Equal(w), "credit %s read back as %#v", w.ID, *g)
		assert.Equal(t, w.OrderID, g.OrderID)
		assert.Equal(t, w.Source, g.Source)
		assert.Equal(t, w.Kind, g.Kind)
		assert.True(t, g.Time.Equal(w.Time), "time %s, want %s", g.Time, w.Time)
		assert.Equal(t, time.UTC, g.Time.Location())
		assert.Equal(t, w.Amount.Currency(), g.Amount.Currency())
		assert.Equal(t, w.Amount.Amount().Exponent(), g.Amount.Amount().Exponent(), "scale of %s", w.Amount)
	}
	assert.Equal(t, "5.50 EUR", hist[4].Credit.Amount.String())
	assert.Equal(t, "5.50", hist[4].Credit.Amount.Amount().StringFixed(-hist[4].Credit.Amount.Amount().Exponent()))
	assert.Equal(t, "", hist[3].Credit.OrderID, "a compensation for no order")
}

// A credit delivered again unchanged is nil and stored once; one with
// different content under a taken ID, of the same customer or another, is
// ErrDuplicate naming the first field that differs, and stores nothing.
func TestCreditDuplicates(t *testing.T) {
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, cs.Put(ctx, consumer("C-2")))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-1", "C-1", day0)))
	c := reduction(t, "CR-1", "C-1", "O-1", day0.Add(time.Hour))
	require.NoError(t, cs.AppendCredit(ctx, c))
	again := c
	again.Time = c.Time.In(time.FixedZone("CET", 3600))
	again.Amount = money(t, "5.5", "EUR")
	require.NoError(t, cs.AppendCredit(ctx, again), "the same instant and amount, written otherwise")

	for _, tc := range []struct {
		field  string
		change func(*customer.Credit)
	}{
		{"customer_id", func(d *customer.Credit) { d.CustomerID, d.OrderID = "C-2", "" }},
		{"order_id", func(d *customer.Credit) { d.OrderID = "" }},
		{"time", func(d *customer.Credit) { d.Time = d.Time.Add(time.Nanosecond) }},
		{"kind", func(d *customer.Credit) { d.Kind = customer.Compensation }},
		{"amount", func(d *customer.Credit) { d.Amount = money(t, "5.51", "EUR") }},
		{"amount", func(d *customer.Credit) { d.Amount = money(t, "5.50", "CHF") }},
		{"source", func(d *customer.Credit) { d.Source = "" }},
	} {
		d := c
		tc.change(&d)
		err := cs.AppendCredit(ctx, d)
		require.ErrorIs(t, err, customer.ErrDuplicate, tc.field)
		var de *customer.DuplicateError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, tc.field, de.Field)
		assert.EqualError(t, err, `sqlitestore: credit "CR-1": duplicate ID with different `+tc.field)
	}
	got := creditsOf(t, cs, "C-1")
	require.Len(t, got, 1)
	assert.True(t, got[0].Equal(c))
	assert.Empty(t, creditsOf(t, cs, "C-2"))
}

// A credit of an unknown customer, for an unknown order, or for an order
// of another customer is ErrNotFound; an empty ID, an undefined kind or a
// year the columns cannot hold is ErrInvalid; a done context is its
// error. None stores anything: the ID stays free.
func TestCreditRefusals(t *testing.T) {
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, cs.Put(ctx, consumer("C-2")))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-1", "C-1", day0)))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-2", "C-2", day0)))
	at := day0.Add(time.Hour)

	for name, c := range map[string]customer.Credit{
		"unknown customer":       reduction(t, "CR-1", "C-9", "", at),
		"unknown order":          reduction(t, "CR-1", "C-1", "O-9", at),
		"order of another":       reduction(t, "CR-1", "C-1", "O-2", at),
		"another's customer ID":  reduction(t, "CR-1", "C-2", "O-1", at),
		"customer unknown first": reduction(t, "CR-1", "C-9", "O-9", at),
	} {
		err := cs.AppendCredit(ctx, c)
		assert.ErrorIs(t, err, customer.ErrNotFound, name)
		assert.ErrorContains(t, err, `credit "CR-1"`, name)
	}
	err := cs.AppendCredit(ctx, reduction(t, "CR-1", "C-1", "O-2", at))
	assert.EqualError(t, err, `sqlitestore: credit "CR-1": order "O-2" of customer "C-1": customer: not found`)

	var ve *customer.ValidationError
	err = cs.AppendCredit(ctx, reduction(t, "", "C-1", "O-1", at))
	require.ErrorIs(t, err, customer.ErrInvalid)
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("id", customer.CodeRequired), "%v", err)
	bad := reduction(t, "CR-1", "C-1", "O-1", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	bad.Kind = 9
	err = cs.AppendCredit(ctx, bad)
	require.ErrorIs(t, err, customer.ErrInvalid)
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("kind", customer.CodeUnknown), "%v", err)
	assert.True(t, ve.Has("time", customer.CodeRange), "%v", err)

	done, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, cs.AppendCredit(done, reduction(t, "CR-1", "C-1", "O-1", at)), context.Canceled)

	assert.Empty(t, creditsOf(t, cs, "C-1"))
	assert.Empty(t, creditsOf(t, cs, "C-2"))
	other := customer.Credit{ID: "CR-1", CustomerID: "C-2", Time: at, Kind: customer.Compensation, Amount: money(t, "3.00", "EUR")}
	require.NoError(t, cs.AppendCredit(ctx, other), "no refused credit took the ID")
}

// Deleting a customer deletes its credits and frees their IDs; the
// credits of other customers stay.
func TestDeleteRemovesCredits(t *testing.T) {
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, cs.Put(ctx, consumer("C-2")))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-1", "C-1", day0)))
	require.NoError(t, cs.AppendCredit(ctx, reduction(t, "CR-1", "C-1", "O-1", day0.Add(time.Hour))))
	require.NoError(t, cs.AppendCredit(ctx, customer.Credit{ID: "CR-2", CustomerID: "C-1", Time: day0,
		Kind: customer.Compensation, Amount: money(t, "2.00", "EUR")}))
	kept := customer.Credit{ID: "CR-3", CustomerID: "C-2", Time: day0, Kind: customer.Compensation, Amount: money(t, "4.00", "EUR")}
	require.NoError(t, cs.AppendCredit(ctx, kept))

	require.NoError(t, cs.Delete(ctx, "C-1"))
	for _, err := range cs.History(ctx, "C-1") {
		assert.ErrorIs(t, err, customer.ErrNotFound, "history of a deleted customer")
	}
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	assert.Empty(t, historyOf(t, cs, "C-1"), "a new customer under a deleted ID has no credits")
	again := customer.Credit{ID: "CR-1", CustomerID: "C-1", Time: day0.Add(48 * time.Hour), Kind: customer.Compensation,
		Amount: money(t, "9.00", "EUR")}
	require.NoError(t, cs.AppendCredit(ctx, again), "the deleted customer's credit ID is free again")
	got := creditsOf(t, cs, "C-2")
	require.Len(t, got, 1)
	assert.True(t, got[0].Equal(kept))
}
