package customer

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestAddSaleMovesAnOrderCountedOnTheAsOfDay: a sale row at or before
// AsOf whose calendar day is after AsOf's (midnight UTC of 1 July, with
// AsOf at 23:00 in New York on 30 June) counts on AsOf's day; an earlier
// row of the same order moves the order from there, as MovedFrom names
// the first row's time, instead of being refused for a day that holds
// no order.
func TestAddSaleMovesAnOrderCountedOnTheAsOfDay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	asOf := time.Date(2025, 6, 30, 23, 0, 0, 0, ny)
	first := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) // 30 June 20:00 in New York
	earlier := time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)
	ten, err := NewMoney("10.00", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	five, err := NewMoney("5.00", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSummary("a", Consumer, asOf, nil)
	if err := s.AddSale(Sale{Time: first, NewOrder: true, Amount: ten, Units: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSale(Sale{Time: earlier, MovedFrom: first, Amount: five, Units: 1}); err != nil {
		t.Fatalf("AddSale of an earlier row of the order: %v", err)
	}
	d, ok := s.FirstPurchase()
	if s.Orders != 1 || s.PurchaseDays() != 1 || !ok || d != DateOf(earlier) {
		t.Errorf("%d orders on %d purchase days, the first %s; want 1 order on 1 day, %s", s.Orders, s.PurchaseDays(), d, DateOf(earlier))
	}
	if want := decimal.RequireFromString("15"); !s.Net().Equal(want) {
		t.Errorf("net %s, want %s", s.Net(), want)
	}
}
