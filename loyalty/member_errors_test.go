package loyalty_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Every refused operation on an account names the record, its member and
// the field, and changes nothing.
func TestRefusedOperationsNameTheMember(t *testing.T) {
	p := debtProgramme(t, "debt")
	a, _ := lateLedger(t, p, day(2026, 3, 1))
	now := day(2026, 3, 2)
	minus5, err := customer.NewMoney("-5", p.Config().Currency.String())
	require.NoError(t, err)
	for _, tc := range []struct {
		name, record, field string
		e                   loyalty.Event
	}{
		{"purchase in another currency", `purchase "O9"`, "order.currency",
			loyalty.Purchase{Order: func() customer.Order {
				o := order("O9", "M1", day(2026, 3, 1), line("COAT", "coats", "300", 1))
				o.Currency = "JPY"
				return o
			}()}},
		{"return without an ID", `return ""`, "return.id",
			loyalty.Returned{Return: customer.Return{OrderID: "O1", CustomerID: "M1", Time: day(2026, 3, 1),
				Kind: customer.Refund, Reason: customer.SizeFit}}},
		{"return of an unknown order", `return "R9"`, "return.order_id",
			loyalty.Returned{Return: customer.Return{ID: "R9", CustomerID: "M1", Time: day(2026, 3, 1),
				Kind: customer.Refund, Reason: customer.SizeFit}}},
		{"credit of a negative amount", `credit "C9"`, "credit.amount",
			loyalty.Credited{Credit: customer.Credit{ID: "C9", CustomerID: "M1", Time: day(2026, 3, 1),
				Kind: customer.Compensation, Amount: minus5}}},
		{"adjustment of no points", `adjustment "A9"`, "points",
			loyalty.Adjustment{Member: "M1", ID: "A9", Reason: "typo", Operator: "op", Time: day(2026, 3, 1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after, entries, err := p.Apply(a, tc.e, now)
			assert.ErrorContains(t, err, tc.record+` of member "M1"`)
			assert.Contains(t, fieldsOf(t, err), tc.field)
			assert.Empty(t, entries)
			assert.Equal(t, a.Version, after.Version)
			assert.Equal(t, a.Balance(), after.Balance())
		})
	}
}
