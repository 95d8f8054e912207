package customer_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/tailorcrm/tailor/customer"
)

// BTYD and Opportunities refuse a period other than Days and Weeks with a
// panic that names it, with or without purchases, instead of reading it
// as days.
func TestInvalidPeriodPanics(t *testing.T) {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	bought := customer.NewSummary("C-1", customer.Consumer, asOf, nil)
	o := customer.Order{ID: "O-1", CustomerID: "C-1", Time: asOf.AddDate(0, 0, -30), Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "COAT", Quantity: 1, UnitPrice: decimal.RequireFromString("100")}}}
	if err := bought.AddOrder(o); err != nil {
		t.Fatal(err)
	}
	empty := customer.NewSummary("C-2", customer.Consumer, asOf, nil)
	for _, p := range []customer.Period{0, 3, 7, 255} {
		assert.False(t, p.Valid())
		for name, s := range map[string]*customer.Summary{"with purchases": bought, "without": empty} {
			want := "customer: Summary.BTYD: invalid " + p.String() + " (want Days or Weeks)"
			assert.PanicsWithValue(t, want, func() { s.BTYD(p) }, "%s %s", name, p)
			want = "customer: Summary.Opportunities: invalid " + p.String() + " (want Days or Weeks)"
			assert.PanicsWithValue(t, want, func() { s.Opportunities(p) }, "%s %s", name, p)
		}
	}
	for _, p := range []customer.Period{customer.Days, customer.Weeks} {
		assert.True(t, p.Valid())
		assert.NotPanics(t, func() { bought.BTYD(p); bought.Opportunities(p) })
	}
	_, _, T, _ := bought.BTYD(customer.Weeks)
	assert.InDelta(t, 30.0/7, T, 1e-12)
}
