package complaint_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// A price reduction of the order in the history, as a damaged store may
// give it back, whose amount is beyond the bounds of an amount (an
// extreme exponent, whose arithmetic would not end), not positive, or in
// another currency than the order's, is refused by Refunds and
// MarkLastUnits, naming the history's record, rather than taken off
// what is left of the order to pay back.
func TestRefundsRefuseABadPriceReductionOfTheHistory(t *testing.T) {
	o := jacketOrder()
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "139.00"), Detail: "money back"}, 5)
	for _, tc := range []struct {
		name   string
		amount customer.Money
		code   string
	}{
		{"1e-2147483647", withMoney(t, decimal.New(1, -2147483647), "EUR"), customer.CodeRange},
		{"1e2147483647", withMoney(t, decimal.New(1, 2147483647), "EUR"), customer.CodeRange},
		{"1e31", withMoney(t, decimal.New(1, 31), "EUR"), customer.CodeRange},
		{"negative", eur(t, "-50.00"), customer.CodeNotPos},
		{"zero", eur(t, "0"), customer.CodeNotPos},
		{"in USD", eurIn(t, "50.00", "USD"), customer.CodeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			history := []customer.Event{{Order: &o}, {Credit: &customer.Credit{ID: "CR-1", CustomerID: "cust-C-1", OrderID: "O-1",
				Time: hours(4.5), Kind: customer.PriceReduction, Amount: tc.amount}}}
			type result struct {
				rets []customer.Return
				err  error
			}
			done := make(chan result, 2)
			go func() {
				rets, err := complaint.Refunds(evs, o, history)
				done <- result{rets, err}
			}()
			go func() {
				_, _, err := complaint.MarkLastUnits(c, evs[len(evs)-1], evs[:len(evs)-1], o, history)
				done <- result{nil, err}
			}()
			for range 2 {
				select {
				case r := <-done:
					refundRefused(t, r.rets, r.err, "7", "history[1]", tc.code)
					assert.ErrorContains(t, r.err, `credit "CR-1"`)
				case <-time.After(2 * time.Second):
					t.Fatal("Refunds or MarkLastUnits did not return within 2 s")
				}
			}
		})
	}
}

// A return of the history under the ID of the case's return (a second
// delivery), as a damaged store may give it back, whose Refund has an
// extreme exponent is not the case's refund: Refunds refuses it as
// another return under that ID, naming the history's record, rather
// than compare the amounts without end.
func TestRefundsRefuseAStoredReturnBeyondTheBounds(t *testing.T) {
	o := jacketOrder()
	c, evs := reach(3)
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "139.00"), Detail: "money back"}, 5)
	rets, err := complaint.Refunds(evs, o, []customer.Event{{Order: &o}})
	require.NoError(t, err)
	require.Len(t, rets, 1)
	for _, d := range []decimal.Decimal{decimal.New(1, -2147483647), decimal.New(1, 2147483647)} {
		stored := rets[0].Clone()
		stored.Refund = decimal.NewNullDecimal(d)
		history := []customer.Event{{Order: &o}, {Return: &stored}}
		type result struct {
			rets []customer.Return
			err  error
		}
		done := make(chan result, 1)
		go func() {
			rets, err := complaint.Refunds(evs, o, history)
			done <- result{rets, err}
		}()
		select {
		case r := <-done:
			refundRefused(t, r.rets, r.err, "7", "history[1]", customer.CodeDuplicate)
		case <-time.After(2 * time.Second):
			t.Fatalf("Refunds did not return within 2 s with a stored refund of exponent %d", d.Exponent())
		}
	}
}
