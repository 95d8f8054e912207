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

// Texts kept in indexed columns beyond the customer and complaint IDs
// the kits check (an interaction's subject, a ledger's member, entry key
// and order) are refused beyond 1024 bytes with a validation error
// naming the record and the field, storing nothing, instead of failing
// on the server's limit of an index entry; at 1024 bytes, the widest
// entries of the schema (two such texts) are stored.
func TestLongKeysRefusedNamingTheField(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	cs, ls := db.Customers(), db.Loyalty()
	invalid := func(err error, record, field string) {
		t.Helper()
		require.ErrorIs(t, err, customer.ErrInvalid, "%.80s", record)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, record, ve.Record)
		if assert.Len(t, ve.Fields, 1) {
			assert.Equal(t, field, ve.Fields[0].Field)
			assert.Equal(t, customer.CodeRange, ve.Fields[0].Code)
		}
	}
	atLimit, over := incompressible(1024), incompressible(1025)

	// At the limit: a customer and an order whose IDs both take it, an
	// interaction of that customer whose subject does, a ledger entry
	// whose member, key and order do.
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: customer.ID(atLimit), Name: "Ana"}))
	require.NoError(t, cs.AppendOrder(ctx, customer.Order{ID: "O-" + atLimit[2:], CustomerID: customer.ID(atLimit), Time: complainttest.T0}))
	require.NoError(t, cs.AppendInteraction(ctx, customer.Interaction{CustomerID: customer.ID(atLimit), Time: complainttest.T0,
		Kind: customer.SiteVisit, Subject: atLimit}))
	member := customer.ID(atLimit)
	require.NoError(t, ls.Append(ctx, member, 0, []loyalty.Entry{{Seq: 1, Member: member, Key: atLimit, OrderID: atLimit}}))

	invalid(cs.AppendInteraction(ctx, customer.Interaction{CustomerID: customer.ID(atLimit), Time: complainttest.T0, Kind: customer.Cart, Subject: over}),
		fmt.Sprintf("interaction of customer %q", atLimit), "subject")
	long := customer.ID(over)
	invalid(ls.Append(ctx, long, 0, []loyalty.Entry{{Seq: 1, Member: long, Key: "k"}}), fmt.Sprintf("loyalty entry 1 of member %q", over), "member")
	invalid(ls.Append(ctx, member, 1, []loyalty.Entry{{Seq: 2, Member: member, Key: over}}), fmt.Sprintf("loyalty entry 2 of member %q", atLimit), "key")
	invalid(ls.Append(ctx, member, 1, []loyalty.Entry{{Seq: 2, Member: member, Key: "k", OrderID: over}}), fmt.Sprintf("loyalty entry 2 of member %q", atLimit), "orderid")

	var n int
	for e, err := range cs.History(ctx, customer.ID(atLimit)) {
		require.NoError(t, err)
		if e.Interaction != nil {
			assert.Equal(t, atLimit, e.Interaction.Subject)
		}
		n++
	}
	assert.Equal(t, 2, n, "the order and the interaction at the limit, nothing refused")
	entries, err := ls.Entries(ctx, member, 0)
	require.NoError(t, err)
	if assert.Len(t, entries, 1, "the entry at the limit alone") {
		assert.Equal(t, atLimit, entries[0].Key)
		assert.Equal(t, atLimit, entries[0].OrderID)
	}
	entries, err = ls.Entries(ctx, long, 0)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
