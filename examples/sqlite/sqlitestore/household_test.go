package sqlitestore

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// Documents written before customers had households and lines named
// members read back with none, and a customer or line without them is
// written as before, so files of either age stay readable by both.
func TestDocumentsWithoutHouseholdsStayReadable(t *testing.T) {
	c, err := decodeCustomer("C-1", []byte(`{"kind":"consumer","name":"Ana","consent":{"Marketing":true,"Profiling":false},"profile":{"top_size":"M"}}`))
	require.NoError(t, err)
	assert.Empty(t, c.Household)
	assert.Equal(t, "M", c.Profile.TopSize)
	_, doc, err := encodeCustomer(customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"})
	require.NoError(t, err)
	assert.NotContains(t, string(doc), "household")

	o, err := decodeOrder("O-1", "C-1", "2026-03-02T09:00:00.000000000Z", "EUR",
		[]byte(`{"channel":"online","lines":[{"id":"1","quantity":1,"unit_price":"199.00"}]}`))
	require.NoError(t, err)
	require.Len(t, o.Lines, 1)
	assert.Empty(t, o.Lines[0].Member)
	o.Lines[0].Member = "dad"
	_, doc, err = encodeOrder(o)
	require.NoError(t, err)
	back, err := decodeOrder("O-1", "C-1", "2026-03-02T09:00:00.000000000Z", "EUR", doc)
	require.NoError(t, err)
	assert.True(t, back.Equal(o), "%s", doc)
	o.Lines[0].Member = ""
	_, doc, err = encodeOrder(o)
	require.NoError(t, err)
	assert.NotContains(t, string(doc), "member")
}

// A member's relation or fit that has no name cannot be stored: the
// error names the customer and the member's field, and nothing is kept.
func TestUndefinedMemberEnumIsRejected(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "shop.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	cs := db.Customers()
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		Household: []customer.Member{{ID: "dad", Relation: customer.Parent}, {ID: "kid", Relation: 42, Profile: customer.Profile{Fit: 9}}}}
	err = cs.Put(t.Context(), c)
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, `customer "C-1"`, ve.Record)
	assert.True(t, ve.Has("household[1].relation", customer.CodeUnknown), "%v", err)
	assert.True(t, ve.Has("household[1].profile.fit", customer.CodeUnknown), "%v", err)
	_, err = cs.Get(t.Context(), "C-1")
	assert.ErrorIs(t, err, customer.ErrNotFound, "a rejected Put stores nothing")
}

// Text of a document that is not valid UTF-8 is rejected, not replaced:
// the error names the record and each such field by its document path,
// and nothing is stored.
func TestInvalidUTF8InDocumentsIsRejected(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "shop.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	cs := db.Customers()
	joined := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	c := customer.Customer{ID: "C-\xff", Kind: customer.Consumer, Joined: joined,
		Household: []customer.Member{{ID: "dad", Relation: customer.Parent}, {ID: "M-\xfe", Relation: customer.Child, Name: "X\xc3"}},
		Consent:   customer.Consent{Marketing: true},
		ConsentHistory: []customer.ConsentChange{{Purpose: customer.PurposeMarketing, Given: true, Time: joined,
			Source: customer.SourceForm, Notice: "v\xff"}}}
	err = cs.Put(t.Context(), c)
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, `customer "C-\xff"`, ve.Record)
	for _, f := range []string{"household[1].id", "household[1].name", "consent_history[0].notice"} {
		assert.True(t, ve.Has(f, customer.CodeFormat), "want %s in %v", f, err)
	}
	assert.Len(t, ve.Fields, 3, "the customer ID is a column, kept as bytes: %v", err)
	_, err = cs.Get(t.Context(), c.ID)
	assert.ErrorIs(t, err, customer.ErrNotFound, "a rejected Put stores nothing")

	c.Household[1].ID, c.Household[1].Name, c.ConsentHistory[0].Notice = "kid", "X", "v1"
	require.NoError(t, cs.Put(t.Context(), c))
	o := customer.Order{ID: "O-1", CustomerID: c.ID, Time: joined.Add(time.Hour), Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "S", Quantity: 1, UnitPrice: decimal.RequireFromString("1")},
			{ID: "2", SKU: "T", Quantity: 1, UnitPrice: decimal.RequireFromString("1"), Member: "k\xffd"}}}
	err = cs.AppendOrder(t.Context(), o)
	require.ErrorIs(t, err, customer.ErrInvalid)
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.True(t, ve.Has("lines[1].member", customer.CodeFormat), "%v", err)
	for e, err := range cs.History(t.Context(), c.ID) {
		require.NoError(t, err)
		t.Errorf("a rejected AppendOrder stored %v", e)
	}
}

// The fields of a document that is not valid UTF-8 are listed as the
// library lists a record's problems (customer.Invalid): lines[2] before
// lines[10].
func TestInvalidUTF8FieldsInIndexOrder(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "shop.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	cs := db.Customers()
	joined := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	require.NoError(t, cs.Put(t.Context(), customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: joined}))
	o := customer.Order{ID: "O-1", CustomerID: "C-1", Time: joined.Add(time.Hour), Channel: customer.Store, Currency: "EUR"}
	for i := range 11 {
		l := customer.Line{ID: fmt.Sprint(i + 1), SKU: "S", Quantity: 1, UnitPrice: decimal.RequireFromString("1")}
		if i == 2 || i == 10 {
			l.Member = "k\xffd"
		}
		o.Lines = append(o.Lines, l)
	}
	err = cs.AppendOrder(t.Context(), o)
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Len(t, ve.Fields, 2, "%v", err)
	assert.Equal(t, "lines[2].member", ve.Fields[0].Field)
	assert.Equal(t, "lines[10].member", ve.Fields[1].Field)
}
