package customer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestCurrencyRefusalsNameCustomerAndField: every refusal of a record in
// another currency than the summary's names the customer, the record and
// the field, as the refusal of an order does, and still matches
// *CurrencyMismatchError; so does a merge of summaries in two
// currencies, in a batch job over many customers.
func TestCurrencyRefusalsNameCustomerAndField(t *testing.T) {
	asOf := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	at := asOf.AddDate(0, 0, -10)
	eur := func() *Summary {
		s := NewSummary("C-7", Consumer, asOf, nil)
		o := Order{ID: "O1", CustomerID: "C-7", Time: at, Channel: Online, Currency: "EUR",
			Lines: []Line{{ID: "1", Quantity: 1, UnitPrice: decimal.RequireFromString("10.00")}}}
		if err := s.AddOrder(o); err != nil {
			t.Fatal(err)
		}
		return s
	}
	usd, _ := NewMoney("5.00", "USD")
	usdSale, _ := NewMoney("-5.00", "USD")
	usdSummary := NewSummary("C-7", Consumer, asOf, nil)
	if err := usdSummary.AddOrder(Order{ID: "O2", CustomerID: "C-7", Time: at, Channel: Online, Currency: "USD",
		Lines: []Line{{ID: "1", Quantity: 1, UnitPrice: decimal.RequireFromString("10.00")}}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		err   error
		words []string
	}{
		{"AddCredit", eur().AddCredit(Credit{ID: "K1", CustomerID: "C-7", Time: at, Kind: Compensation, Amount: usd}),
			[]string{`credit "K1"`, `customer "C-7"`, "amount"}},
		{"AddRefund", eur().AddRefund(at, usd, 1), []string{`customer "C-7"`, "amount"}},
		{"AddSale", eur().AddSale(Sale{Time: at, Amount: usdSale, Units: -1}), []string{`customer "C-7"`, "amount"}},
		{"Merge", func() error { _, err := eur().Merge(*usdSummary); return err }(), []string{`customer "C-7"`, "currency"}},
	}
	for _, c := range cases {
		var m *CurrencyMismatchError
		if !errors.As(c.err, &m) {
			t.Errorf("%s: %v, want a *CurrencyMismatchError", c.name, c.err)
			continue
		}
		for _, w := range c.words {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: %q does not name %s", c.name, c.err, w)
			}
		}
	}
}
