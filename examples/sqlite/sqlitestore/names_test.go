package sqlitestore_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
)

// An error of the database — here a closed one, or a context that ended
// — names the record the call was about, as the stores' own errors do,
// so that a log line says which customer, order, case or ledger failed.
func TestDatabaseErrorsNameTheRecord(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "shop.db"))
	cs, ks, ls := db.Customers(), db.Complaints(), db.Loyalty()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	c, ev := complainttest.Record("K-1", day0)
	order := coat("O-2", "C-1", day0)
	calls := func(ctx context.Context) map[string]error {
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
		return map[string]error{
			`"C-1" Get`: errGet, `"C-1" History`: errHistory, `"C-1" EraseInteractions`: errErase,
			`"C-2" Put`:         cs.Put(ctx, consumer("C-2")),
			`"C-3" Insert`:      cs.Insert(ctx, consumer("C-3")),
			`"C-1" Update`:      cs.Update(ctx, "C-1", func(*customer.Customer) error { return nil }),
			`"C-1" Delete`:      cs.Delete(ctx, "C-1"),
			`"O-1" AppendOrder`: cs.AppendOrder(ctx, coat("O-1", "C-1", day0)),
			`"R-1" AppendReturn`: cs.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: day0,
				Lines: []customer.ReturnLine{{LineID: "1", Quantity: 1}}}),
			`"CR-1" AppendCredit`:     cs.AppendCredit(ctx, customer.Credit{ID: "CR-1", CustomerID: "C-1", Time: day0, Kind: customer.Compensation}),
			`"C-1" AppendInteraction`: cs.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: day0, Kind: customer.Cart}),
			`"O-2" AppendChecked`:     cs.AppendChecked(ctx, customer.Event{Order: &order}, func([]customer.Event) error { return nil }),
			`"K-1" complaint Get`:     errCase, `"K-1" complaint Events`: errEvents, `"C-1" complaint Cases`: errCases,
			`"K-1" complaint Save`:  ks.Save(ctx, c, ev),
			`"C-1" complaint Erase`: ks.Erase(ctx, "C-1", day0),
			`"M-1" loyalty Entries`: errEntries,
			`"M-1" loyalty Append`:  ls.Append(ctx, "M-1", 0, []loyalty.Entry{{Seq: 1, Member: "M-1", Key: "k", Kind: loyalty.EntryAdjust, Time: day0}}),
			`"M-1" loyalty Erase`:   ls.Erase(ctx, "M-1", 0, nil),
		}
	}
	check := func(why string, want error, errs map[string]error) {
		for name, err := range errs {
			record, _, _ := strings.Cut(name, " ")
			if assert.ErrorIs(t, err, want, "%s: %s", why, name) {
				assert.Contains(t, err.Error(), record, "%s: %s: the error names the record", why, name)
			}
		}
	}
	check("cancelled", context.Canceled, calls(cancelled))
	require.NoError(t, db.Close())
	check("closed", sqlitestore.ErrClosed, calls(ctx))
}
