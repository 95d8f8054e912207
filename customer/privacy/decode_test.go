package privacy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

// roundTrip decodes the document of r and checks that the report decoded
// encodes to the same document and holds the same records.
func roundTrip(t tester, r privacy.Report) {
	t.Helper()
	doc, err := json.Marshal(r)
	require.NoError(t, err)
	var back privacy.Report
	require.NoError(t, json.Unmarshal(doc, &back))
	again, err := json.Marshal(back)
	require.NoError(t, err)
	require.Equal(t, string(doc), string(again), "the decoded report encodes to the same document")
	require.True(t, back.Made.Equal(r.Made))
	require.Equal(t, r.Customer, back.Customer)
	if r.Record != nil {
		require.NotNil(t, back.Record)
		require.True(t, r.Record.Equal(*back.Record), "record")
	}
	require.Len(t, back.Orders, len(r.Orders))
	for i := range r.Orders {
		require.True(t, r.Orders[i].Equal(back.Orders[i]), "order %d", i)
	}
	for i := range r.Returns {
		require.True(t, r.Returns[i].Equal(back.Returns[i]), "return %d", i)
	}
	for i := range r.Credits {
		require.True(t, r.Credits[i].Equal(back.Credits[i]), "credit %d", i)
	}
	for i := range r.Interactions {
		require.True(t, r.Interactions[i].Equal(back.Interactions[i]), "interaction %d", i)
	}
	if r.Loyalty != nil {
		require.NotNil(t, back.Loyalty)
		require.Equal(t, r.Loyalty.Account.Balance(), back.Loyalty.Account.Balance())
		require.Equal(t, r.Loyalty.Account.Lots(), back.Loyalty.Account.Lots())
	}
	require.Len(t, back.Complaints, len(r.Complaints))
}

// The document decodes back into the report it was made from: every
// field of the customer record and the history (the full report), a
// shop's ledger and cases, and the same after an erasure.
func TestReportRoundTrip(t *testing.T) {
	full := fullReport(t)
	full.Loyalty = nil // a filled ledger does not replay; the shop's below does
	// Every record of the customer the complaint cases are of, as Export
	// makes it: a document with another customer's record is refused.
	full.Customer, full.Record.ID = "anna", "anna"
	full.Orders[0].CustomerID, full.Returns[0].CustomerID = "anna", "anna"
	full.Credits[0].CustomerID, full.Interactions[0].CustomerID = "anna", "anna"
	roundTrip(t, full)

	customers, ledgers, _, cases := annasShop()
	rich, err := privacy.Export(context.Background(), "anna", privacy.Sources{
		Customers: customers, History: customers, Loyalty: ledgers, Complaints: cases}, now)
	require.NoError(t, err)
	roundTrip(t, rich)

	s := newErasureShop(t)
	s.person(t, "ben", 0)
	_, err = privacy.Erase(context.Background(), "ben", s.targets(), now)
	require.NoError(t, err)
	erased, _ := s.export(t, "ben")
	roundTrip(t, erased)
}

// The round trip holds for any shop rapid generates, in any time zone.
func TestReportRoundTripProp(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s := shop{customer.NewMemStore(), loyalty.NewMemStore(), complaint.NewMemStore()}
		h := holding{id: customer.ID(fmt.Sprintf("c%04d", rapid.IntRange(0, 9999).Draw(rt, "id")))}
		h.record = rapid.Bool().Draw(rt, "record")
		h.history = h.record && rapid.Bool().Draw(rt, "history")
		h.ledger = rapid.Bool().Draw(rt, "ledger")
		h.complaints = !(h.record || h.ledger) || rapid.Bool().Draw(rt, "complaints")
		add(rt, s, h, rapid.IntRange(0, 500).Draw(rt, "minutes"))
		zone := time.FixedZone("z", rapid.IntRange(-12, 14).Draw(rt, "offset")*3600)
		r, err := privacy.Export(context.Background(), h.id, s.sources(), now.In(zone))
		if err != nil {
			rt.Fatalf("export: %v", err)
		}
		roundTrip(rt, r)
	})
}

// A document that is not a report of this schema, or whose ledger
// account disagrees with its entries, is refused, and the report is
// unchanged; keys this version does not know are ignored.
func TestReportDecodeRefused(t *testing.T) {
	customers, ledgers, _, cases := annasShop()
	r, err := privacy.Export(context.Background(), "anna", privacy.Sources{
		Customers: customers, History: customers, Loyalty: ledgers, Complaints: cases}, now)
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	doc := string(b)
	require.Contains(t, doc, `"balance":`)

	for name, bad := range map[string]string{
		"other schema":     strings.Replace(doc, privacy.Schema, "tailor.privacy.export/v1", 1),
		"no schema":        `{"customer":"anna"}`,
		"not json":         doc[:len(doc)/2],
		"balance":          strings.Replace(doc, `"balance":`, `"balance":1`, 1),
		"unknown bonus":    strings.Replace(doc, `"bonus":""`, `"bonus":"lottery"`, 1),
		"malformed amount": strings.Replace(doc, `"unit_price":"`, `"unit_price":"12x`, 1),
	} {
		got := privacy.Report{Customer: "kept"}
		err := json.Unmarshal([]byte(bad), &got)
		assert.Error(t, err, name)
		assert.Equal(t, privacy.Report{Customer: "kept"}, got, "%s: a refused document changes nothing", name)
	}

	var got privacy.Report
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(doc, `"customer":"anna"`, `"customer":"anna","added_later":{"x":[1]}`, 1)), &got))
	again, err := json.Marshal(got)
	require.NoError(t, err)
	assert.Equal(t, doc, string(again))
}

// Amounts are decimal strings in the document whatever the program sets
// decimal.MarshalJSONWithoutQuotes to: as numbers, a generic reader would
// round them to binary floating point.
func TestDocumentAmountsAreStrings(t *testing.T) {
	customers, ledgers, _, cases := annasShop()
	r, err := privacy.Export(context.Background(), "anna", privacy.Sources{
		Customers: customers, History: customers, Loyalty: ledgers, Complaints: cases}, now)
	require.NoError(t, err)
	want, err := json.Marshal(r)
	require.NoError(t, err)
	old := decimal.MarshalJSONWithoutQuotes
	decimal.MarshalJSONWithoutQuotes = true
	t.Cleanup(func() { decimal.MarshalJSONWithoutQuotes = old })
	got, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	assert.Contains(t, string(got), `"unit_price":"`)
	assert.Contains(t, string(got), `"spend":"`)
	var back privacy.Report
	require.NoError(t, json.Unmarshal(got, &back))
}
