package terms_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

func BenchmarkInvoice(b *testing.B) {
	tm := twoTen()
	list := money(b, "1234.50", "EUR")
	for b.Loop() {
		if _, err := tm.Invoice("INV-1", "D-7", customer.Dealer, list, issued); err != nil {
			b.Fatal(err)
		}
	}
}

// A month-end run settles invoices paid in a dozen instalments.
func BenchmarkSettle(b *testing.B) {
	inv := dealerInvoice(b)
	var ps []terms.Payment
	for i := range 12 {
		ps = append(ps, pay(b, fmt.Sprintf("BANK-%d", 12-i), issued.Add(time.Duration(12-i)*36*time.Hour), "50.00"))
	}
	asOf := issued.AddDate(0, 2, 0)
	for b.Loop() {
		if _, err := inv.Settle(ps, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// A month-end run settles invoices paid in a dozen instalments, one of
// them in advance, with two credit notes.
func BenchmarkSettleWith(b *testing.B) {
	inv := dealerInvoice(b)
	var ps []terms.Payment
	for i := range 12 {
		ps = append(ps, pay(b, fmt.Sprintf("BANK-%d", 12-i), issued.Add(time.Duration(11-i)*36*time.Hour), "50.00"))
	}
	cs := []terms.CreditNote{note(b, "CN-2", issued.Add(200*time.Hour), "20.00"), note(b, "CN-1", issued.Add(50*time.Hour), "30.00")}
	asOf := issued.AddDate(0, 2, 0)
	for b.Loop() {
		if _, err := inv.SettleWith(ps, cs, asOf); err != nil {
			b.Fatal(err)
		}
	}
}
