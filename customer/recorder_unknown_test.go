package customer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestRecorderUnknownCustomerNamesRecord: a return or credit of a
// customer the store does not hold is refused with an error matching
// ErrNotFound that names the record as well as the customer, over a
// store that checks and appends in one step and over one that does not,
// so that a batch of records can report which one failed.
func TestRecorderUnknownCustomerNamesRecord(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	amount, err := NewMoney("1.00", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	type plain struct{ HistoryStore } // no CheckedAppender
	m := NewMemStore()
	for name, rec := range map[string]*Recorder{
		"checked": {Customers: m, History: m},
		"plain":   {Customers: m, History: plain{m}},
	} {
		ret := Return{ID: "R-1", OrderID: "O-1", CustomerID: "nobody", Time: now, Kind: Refund, Reason: SizeFit,
			Lines: []ReturnLine{{LineID: "a", Quantity: -1}}}
		cr := Credit{ID: "K-1", CustomerID: "nobody", Time: now, Kind: Compensation, Amount: amount}
		for what, err := range map[string]error{
			`return "R-1"`: rec.RecordReturn(ctx, ret, now),
			`credit "K-1"`: rec.RecordCredit(ctx, cr, now),
		} {
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), what) || !strings.Contains(err.Error(), `"nobody"`) {
				t.Errorf("%s store: recording %s of an unknown customer: %v; want an error matching ErrNotFound naming %s and customer \"nobody\"", name, what, err, what)
			}
		}
	}
}
