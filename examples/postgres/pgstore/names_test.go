package pgstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A call whose context has ended returns an error matching the
// context's that names the record the call was about, as the stores'
// other errors do, so that a log line says which customer, order, case
// or ledger was not written.
func TestCanceledCallsNameTheRecord(t *testing.T) {
	db := newDB(t)
	cs, ks, ls := db.Customers(), db.Complaints(), db.Loyalty()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c, ev := complainttest.Record("K-1", at)
	order := customer.Order{ID: "O-2", CustomerID: "C-1", Time: at, Currency: "EUR"}
	_, errGet := cs.Get(ctx, "C-1")
	_, errCase := ks.Get(ctx, "K-1")
	_, errEvents := ks.Events(ctx, "K-1")
	_, errCases := ks.Cases(ctx, "C-1")
	_, errEntries := ls.Entries(ctx, "M-1", 0)
	_, errErase := cs.EraseInteractions(ctx, "C-1")
	var errHistory error
	for _, err := range cs.History(ctx, "C-1") {
		errHistory = err
	}
	for name, err := range map[string]error{
		`"C-1" Get`: errGet, `"C-1" History`: errHistory, `"C-1" EraseInteractions`: errErase,
		`"C-2" Put`:         cs.Put(ctx, customer.Customer{ID: "C-2", Kind: customer.Consumer}),
		`"C-3" Insert`:      cs.Insert(ctx, customer.Customer{ID: "C-3", Kind: customer.Consumer}),
		`"C-1" Update`:      cs.Update(ctx, "C-1", func(*customer.Customer) error { return nil }),
		`"C-1" Delete`:      cs.Delete(ctx, "C-1"),
		`"O-1" AppendOrder`: cs.AppendOrder(ctx, customer.Order{ID: "O-1", CustomerID: "C-1", Time: at, Currency: "EUR"}),
		`"R-1" AppendReturn`: cs.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: at,
			Lines: []customer.ReturnLine{{LineID: "1", Quantity: 1}}}),
		`"CR-1" AppendCredit`:     cs.AppendCredit(ctx, customer.Credit{ID: "CR-1", CustomerID: "C-1", Time: at, Kind: customer.Compensation}),
		`"C-1" AppendInteraction`: cs.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: at, Kind: customer.Cart}),
		`"O-2" AppendChecked`:     cs.AppendChecked(ctx, customer.Event{Order: &order}, func([]customer.Event) error { return nil }),
		`"K-1" complaint Get`:     errCase, `"K-1" complaint Events`: errEvents, `"C-1" complaint Cases`: errCases,
		`"K-1" complaint Save`:  ks.Save(ctx, c, ev),
		`"C-1" complaint Erase`: ks.Erase(ctx, "C-1", at),
		`"M-1" loyalty Entries`: errEntries,
		`"M-1" loyalty Append`:  ls.Append(ctx, "M-1", 0, []loyalty.Entry{{Seq: 1, Member: "M-1", Key: "k", Kind: loyalty.EntryAdjust, Time: at}}),
		`"M-1" loyalty Erase`:   ls.Erase(ctx, "M-1", 0, nil),
	} {
		record, _, _ := strings.Cut(name, " ")
		if assert.ErrorIs(t, err, context.Canceled, name) {
			assert.Contains(t, err.Error(), record, "%s: the error names the record", name)
		}
	}
}
