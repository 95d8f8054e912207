package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// refusedNaming checks that err is a validation error of record
// (matching customer.ErrInvalid) that names field.
func refusedNaming(t *testing.T, err error, record, field string) {
	t.Helper()
	require.ErrorIs(t, err, customer.ErrInvalid, "%s %s", record, field)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve, "%s %s", record, field)
	assert.Equal(t, record, ve.Record)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	assert.Contains(t, fields, field, "%.80s: %.300v", record, err)
}

// A text, instant or amount the store cannot hold is refused naming the
// field as the library's own errors name it: the words of the Go name
// joined by "_" ("customer_id", "order_id", "lines[0].unit_price",
// "profile.top_size", "trade.cooperation_start" as customer.Order.Validate,
// customer.Return.Validate and customer.Customer.Validate say; "line_id",
// "expires_at" of a loyalty entry; "wait_reason" of a complaint case, its
// JSON name), not the Go name in lower case.
func TestRefusalsNameFieldsAsTheLibraryDoes(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	cs, ks, ls := db.Customers(), db.Complaints(), db.Loyalty()
	t0 := complainttest.T0
	far := time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)
	huge := decimal.New(1, 200000) // beyond NUMERIC's 131072 digits before the point
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))
	line := customer.Line{ID: "1", SKU: "COAT-1", Quantity: 1, UnitPrice: decimal.RequireFromString("100")}

	refusedNaming(t, cs.AppendOrder(ctx, customer.Order{ID: "O-1", CustomerID: "C\x00", Time: t0, Currency: "EUR",
		Lines: []customer.Line{line}}), `order "O-1"`, "customer_id")
	priced := line
	priced.UnitPrice = huge
	refusedNaming(t, cs.AppendOrder(ctx, customer.Order{ID: "O-1", CustomerID: "C-1", Time: t0, Currency: "EUR",
		Lines: []customer.Line{priced}}), `order "O-1"`, "lines[0].unit_price")
	refusedNaming(t, cs.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O\x00", CustomerID: "C-1", Time: t0,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: 1}}}), `return "R-1"`, "order_id")
	refusedNaming(t, cs.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: t0,
		Lines: []customer.ReturnLine{{LineID: "1\x00", Quantity: 1}}}), `return "R-1"`, "lines[0].line_id")
	refusedNaming(t, cs.AppendCredit(ctx, customer.Credit{ID: "CR-1", CustomerID: "C-1", OrderID: "O\x00", Time: t0,
		Kind: customer.Compensation}), `credit "CR-1"`, "order_id")
	refusedNaming(t, cs.AppendInteraction(ctx, customer.Interaction{CustomerID: "C\x00", Time: t0, Kind: customer.Cart}),
		fmt.Sprintf("interaction of customer %q", "C\x00"), "customer_id")

	sized := customer.Customer{ID: "C-2", Kind: customer.Consumer, Name: "Bo"}
	sized.Profile.TopSize = "M\x00"
	refusedNaming(t, cs.Put(ctx, sized), `customer "C-2"`, "profile.top_size")
	member := customer.Customer{ID: "C-2", Kind: customer.Consumer, Name: "Bo",
		Household: []customer.Member{{ID: "kid", Name: "Cy"}}}
	member.Household[0].Profile.ShoeSize = "\xff"
	refusedNaming(t, cs.Put(ctx, member), `customer "C-2"`, "household[0].profile.shoe_size")
	trade := customer.Customer{ID: "C-3", Kind: customer.Intermediary, Name: "Shop",
		Trade: &customer.Trade{CooperationStart: far}}
	refusedNaming(t, cs.Put(ctx, trade), `customer "C-3"`, "trade.cooperation_start")

	entry := loyalty.Entry{Seq: 1, Member: "M-1", Key: "k", Kind: loyalty.EntryAdjust, Time: t0}
	withOrder := entry
	withOrder.OrderID = "O\x00"
	refusedNaming(t, ls.Append(ctx, "M-1", 0, []loyalty.Entry{withOrder}), `loyalty entry 1 of member "M-1"`, "order_id")
	withLine := entry
	withLine.Lines = []loyalty.LineRecord{{LineID: "1\x00"}}
	refusedNaming(t, ls.Append(ctx, "M-1", 0, []loyalty.Entry{withLine}), `loyalty entry 1 of member "M-1"`, "lines[0].line_id")
	expiring := entry
	expiring.ExpiresAt = far
	refusedNaming(t, ls.Append(ctx, "M-1", 0, []loyalty.Entry{expiring}), `loyalty entry 1 of member "M-1"`, "expires_at")

	c, ev := complainttest.RecordFor("K-1", "C-1", t0)
	c.WaitReason = "\x00"
	refusedNaming(t, ks.Save(ctx, c, ev), `complaint "K-1"`, "wait_reason")

	// An index entry beyond the server's limit names the key fields the
	// index holds, as the library names them.
	pair := customer.ID(incompressible(1500))
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: pair, Kind: customer.Consumer, Name: "Eve"}))
	orderID := "O-" + incompressible(1500)
	refusedNaming(t, cs.AppendOrder(ctx, customer.Order{ID: orderID, CustomerID: pair, Time: t0, Currency: "EUR",
		Lines: []customer.Line{line}}), fmt.Sprintf("order %q", orderID), "customer_id")
	longMember := customer.ID(incompressible(1500))
	longOrder := entry
	longOrder.Member, longOrder.OrderID = longMember, incompressible(1500)
	refusedNaming(t, ls.Append(ctx, longMember, 0, []loyalty.Entry{longOrder}),
		fmt.Sprintf("loyalty entry 1 of member %q", longMember), "order_id")

	// Nothing of it was stored.
	for _, id := range []customer.ID{"C-1", pair} {
		for _, err := range cs.History(ctx, id) {
			require.NoError(t, err)
			t.Errorf("the history of %.20s is not empty", id)
		}
	}
	for _, id := range []customer.ID{"C-2", "C-3"} {
		_, err := cs.Get(ctx, id)
		require.ErrorIs(t, err, customer.ErrNotFound, "%s", id)
	}
	for _, id := range []customer.ID{"M-1", longMember} {
		entries, err := ls.Entries(ctx, id, 0)
		require.NoError(t, err)
		assert.Empty(t, entries, "%.20s", id)
	}
}
