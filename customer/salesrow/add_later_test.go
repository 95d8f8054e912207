package salesrow

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// A sale row dated after AsOf is left out (counted in Later): it opens no
// order, so Add does not report it as opening one, and a row of the same
// order on or before AsOf that the caller adds after it still opens the
// order, whatever the order of the rows.
func TestAddRowAfterAsOfOpensNoOrder(t *testing.T) {
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	late := Row{CustomerID: "a", Date: customer.DateFromYMD(2025, 7, 5), OrderID: "X", Amount: decimal.RequireFromString("40"), Units: 2}
	early := Row{CustomerID: "a", Date: customer.DateFromYMD(2025, 6, 1), OrderID: "X", Amount: decimal.RequireFromString("60"), Units: 3}
	s := customer.NewSummary("a", customer.Consumer, asOf, nil)
	opened, fe := Add(s, &late, "EUR", false)
	if fe != nil {
		t.Fatal(fe)
	}
	if opened || s.Orders != 0 || s.Later != 1 {
		t.Errorf("Add of a row after AsOf = %v, Orders %d, Later %d; want false, 0, 1", opened, s.Orders, s.Later)
	}
	opened, fe = Add(s, &early, "EUR", opened)
	if fe != nil {
		t.Fatal(fe)
	}
	if !opened || s.Orders != 1 || s.PurchaseDays() != 1 {
		t.Errorf("Add of the order's row before AsOf = %v, Orders %d, purchase days %d; want true, 1, 1", opened, s.Orders, s.PurchaseDays())
	}
}
