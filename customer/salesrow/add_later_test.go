package salesrow

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// A sale row dated after AsOf is left out (counted in Later): it opens no
// order, so Add keeps its order unseen, and a row of the same
// order on or before AsOf that the caller adds after it still opens the
// order, whatever the order of the rows.
func TestAddRowAfterAsOfOpensNoOrder(t *testing.T) {
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	late := Row{CustomerID: "a", Date: customer.DateFromYMD(2025, 7, 5), OrderID: "X", Amount: decimal.RequireFromString("40"), Units: 2}
	early := Row{CustomerID: "a", Date: customer.DateFromYMD(2025, 6, 1), OrderID: "X", Amount: decimal.RequireFromString("60"), Units: 3}
	s := customer.NewSummary("a", customer.Consumer, asOf, nil)
	var o Order
	if fe := Add(s, &late, "EUR", &o); fe != nil {
		t.Fatal(fe)
	}
	if o.Seen || s.Orders != 0 || s.Later != 1 {
		t.Errorf("Add of a row after AsOf: seen %v, Orders %d, Later %d; want false, 0, 1", o.Seen, s.Orders, s.Later)
	}
	if fe := Add(s, &early, "EUR", &o); fe != nil {
		t.Fatal(fe)
	}
	if !o.Sale || s.Orders != 1 || s.PurchaseDays() != 1 {
		t.Errorf("Add of the order's row before AsOf: sale %v, Orders %d, purchase days %d; want true, 1, 1", o.Sale, s.Orders, s.PurchaseDays())
	}
}
