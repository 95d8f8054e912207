package pgstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// incompressible returns n bytes of hexadecimal digits that do not
// repeat, so that the server cannot compress an index entry of them
// below its limit.
func incompressible(n int) string {
	var b strings.Builder
	sum := sha256.Sum256([]byte("pgstore"))
	for b.Len() < n {
		b.WriteString(hex.EncodeToString(sum[:]))
		sum = sha256.Sum256(sum[:])
	}
	return b.String()[:n]
}

// invalidKey checks that err is a validation error of record (matching
// customer.ErrInvalid) whose fields include field, with CodeRange.
func invalidKey(t *testing.T, err error, record, field string) {
	t.Helper()
	require.ErrorIs(t, err, customer.ErrInvalid, "%.80s", record)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, record, ve.Record)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
		assert.Equal(t, customer.CodeRange, f.Code, f.Field)
	}
	assert.Contains(t, fields, field, "%.200s", err)
}

// Texts kept in indexed columns are stored whenever PostgreSQL can index
// them, with no length limit of the store's own: a customer ID of 2000
// incompressible bytes (Put, Update, its orders, interactions, erasure
// and Delete), an order ID and an interaction's subject of 2500 bytes
// next to a short customer ID, a ledger member of 1500 bytes appending
// at versions past 0, an entry's key and order ID of 2500 bytes, a
// complaint case of a complainant of 2000 bytes (the customer then
// deleted) and a customer ID of 16 KiB that the server compresses. An
// index entry beyond the server's limit (one text of 3000 incompressible
// bytes, or two of some 1500 in one index) is refused with a validation
// error naming the record and the field, storing nothing.
func TestLongKeysKeptUpToTheIndexLimit(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	cs, ls, cc := db.Customers(), db.Loyalty(), db.Complaints()
	t0 := complainttest.T0

	long := customer.ID(incompressible(2000))
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: long, Name: "Ana"}))
	require.NoError(t, cs.Update(ctx, long, func(c *customer.Customer) error { c.Region = "north"; return nil }))
	got, err := cs.Get(ctx, long)
	require.NoError(t, err)
	assert.Equal(t, "north", got.Region)
	require.NoError(t, cs.AppendOrder(ctx, customer.Order{ID: "O-1", CustomerID: long, Time: t0}))
	five, err := customer.NewMoney("5", "EUR")
	require.NoError(t, err)
	require.NoError(t, cs.AppendCredit(ctx, customer.Credit{ID: "K-1", OrderID: "O-1", CustomerID: long, Time: t0,
		Amount: five, Kind: customer.Compensation}))
	require.NoError(t, cs.AppendInteraction(ctx, customer.Interaction{CustomerID: long, Time: t0, Kind: customer.SiteVisit, Subject: "home"}))
	n, err := cs.EraseInteractions(ctx, long)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-1", Name: "Ben"}))
	wide := incompressible(2500)
	require.NoError(t, cs.AppendOrder(ctx, customer.Order{ID: "O-" + wide, CustomerID: "C-1", Time: t0}))
	require.NoError(t, cs.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: t0, Kind: customer.SiteVisit, Subject: wide}))
	var events int
	for _, err := range cs.History(ctx, "C-1") {
		require.NoError(t, err)
		events++
	}
	assert.Equal(t, 2, events)

	squeezed := customer.ID(strings.Repeat("C-2/", 4<<10))
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: squeezed, Name: "Cleo"}))
	_, err = cs.Get(ctx, squeezed)
	require.NoError(t, err)

	member := customer.ID(incompressible(1500))
	require.NoError(t, ls.Append(ctx, member, 0, []loyalty.Entry{{Seq: 1, Member: member, Key: "k1"}}))
	require.NoError(t, ls.Append(ctx, member, 1, []loyalty.Entry{{Seq: 2, Member: member, Key: "k2"}}))
	require.NoError(t, ls.Append(ctx, "M-1", 0, []loyalty.Entry{{Seq: 1, Member: "M-1", Key: wide, OrderID: wide}}))
	entries, err := ls.Entries(ctx, member, 0)
	require.NoError(t, err)
	assert.Len(t, entries, 2)

	c, ev := complainttest.RecordFor("CASE-1", long, t0)
	require.NoError(t, cc.Save(ctx, c, ev))
	cases, err := cc.Cases(ctx, long)
	require.NoError(t, err)
	assert.Len(t, cases, 1)

	// Beyond the server's limit: refused, naming the field.
	over := incompressible(3000)
	invalidKey(t, cs.Put(ctx, customer.Customer{ID: customer.ID(over), Name: "Dan"}), fmt.Sprintf("customer %q", over), "id")
	invalidKey(t, cs.AppendInteraction(ctx, customer.Interaction{CustomerID: long, Time: t0, Kind: customer.Cart, Subject: incompressible(1500)}),
		fmt.Sprintf("interaction of customer %q", long), "subject")
	pair := customer.ID(incompressible(1500))
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: pair, Name: "Eve"}))
	orderID := "O-" + incompressible(1500)
	invalidKey(t, cs.AppendOrder(ctx, customer.Order{ID: orderID, CustomerID: pair, Time: t0}), fmt.Sprintf("order %q", orderID), "id")
	invalidKey(t, ls.Append(ctx, member, 2, []loyalty.Entry{{Seq: 3, Member: member, Key: "k3"}, {Seq: 4, Member: member, Key: incompressible(1500)}}),
		fmt.Sprintf("loyalty entry 4 of member %q", member), "key")
	invalidKey(t, ls.Append(ctx, customer.ID(over), 0, []loyalty.Entry{{Seq: 1, Member: customer.ID(over), Key: "k"}}),
		fmt.Sprintf("loyalty entry 1 of member %q", over), "member")
	c, ev = complainttest.RecordFor("CASE-2", customer.ID(over), t0)
	invalidKey(t, cc.Save(ctx, c, ev), `complaint "CASE-2"`, "intake.complainant")

	// Nothing of the refused writes was stored.
	_, err = cs.Get(ctx, customer.ID(over))
	require.ErrorIs(t, err, customer.ErrNotFound)
	for _, err := range cs.History(ctx, pair) {
		require.NoError(t, err)
		t.Errorf("the history of the customer of the refused order is not empty")
	}
	entries, err = ls.Entries(ctx, member, 0)
	require.NoError(t, err)
	assert.Len(t, entries, 2)
	_, err = cc.Get(ctx, "CASE-2")
	require.ErrorIs(t, err, complaint.ErrNotFound)

	// The customer of 2000 bytes is deleted.
	require.NoError(t, cs.Delete(ctx, long))
	_, err = cs.Get(ctx, long)
	require.ErrorIs(t, err, customer.ErrNotFound)
}
