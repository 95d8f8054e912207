package complaint_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// thirds returns order O-1 of one line of three jackets of net net in
// currency cur, whose shares part the net in thirds rounded to the minor
// unit: net 10.00 gives 3.33, 3.34, 3.33; net 20.00 gives 6.67, 6.66,
// 6.67.
func thirds(cur customer.Currency, net string) customer.Order {
	n := decimal.RequireFromString(net)
	return customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: cur,
		Lines: []customer.Line{{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: 3, UnitPrice: n, Discount: n.Add(n)}}}
}

// thirdsCase returns case C-1 about order o, in its currency, after a
// refund of one unit for amount was carried out (event 7, at hour 7).
func thirdsCase(t *testing.T, o customer.Order, amount string) (complaint.Case, []complaint.Event) {
	t.Helper()
	m, err := customer.NewMoney(amount, string(o.Currency))
	require.NoError(t, err)
	value, err := customer.NewMoney(o.Lines[0].Net().String(), string(o.Currency))
	require.NoError(t, err)
	c, evs := investigatedWith(t, func(in *complaint.Intake) {
		in.Currency = o.Currency
		in.OrderValue = value
		in.Demand = complaint.Demand{Kind: complaint.ResolutionRefund, Amount: value}
	})
	return resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: m, Units: 1, Detail: "one back"}, 5)
}

// backdated is a till refund of one unit of line 1 of order O-1 at hour
// 6, before the carry-out of event 7.
func backdated(kind customer.ReturnKind) customer.Return {
	return customer.Return{ID: "R-back", OrderID: "O-1", CustomerID: "cust-C-1", Time: hours(6), Kind: kind, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
}

// A return of the case already recorded is given as recorded when a till
// refund dated before the carry-out, recorded after the case's return,
// moves the case's unit to another share, a minor unit more or less than
// the one it paid: the Recorder took the till refund, and a redelivery
// gives the same returns, whatever the share now, in euros and in yen.
func TestRefundsRedeliveredAfterABackdatedReturn(t *testing.T) {
	for _, tc := range []struct {
		name, cur, net, amount string
		refund                 string // the Refund of the case's return; "" unset
	}{
		{"share up", "EUR", "10.00", "3.33", ""},
		{"share down", "EUR", "20.00", "6.67", ""},
		{"share up, yen", "JPY", "1000", "333", ""},
		{"share down, yen", "JPY", "2000", "667", ""},
		{"below the share, then at it", "EUR", "20.00", "6.66", "6.66"},
		{"below the share, then further below it", "EUR", "10.00", "3.32", "3.32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := thirds(customer.Currency(tc.cur), tc.net)
			h := newHistory(t, o)
			_, evs := thirdsCase(t, o, tc.amount)
			rets, err := h.deliver(t, evs, o)
			require.NoError(t, err)
			require.Len(t, rets, 1)
			assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, rets[0].Lines)
			assert.Equal(t, tc.refund != "", rets[0].Refund.Valid)
			if tc.refund != "" {
				assert.Equal(t, tc.refund, rets[0].Refund.Decimal.StringFixed(customer.Currency(tc.cur).Digits()))
			}

			h.ret(t, backdated(customer.Refund))
			again, err := complaint.Refunds(evs, o, h.events(t))
			require.NoError(t, err, "a redelivery after a backdated till refund")
			require.Len(t, again, 1)
			assert.True(t, again[0].Equal(rets[0]), "given as recorded: %+v, %+v", again[0], rets[0])
			h.ret(t, again[0])
		})
	}
}

// A later refund of the reopened case counts the case's return recorded
// before as the history holds it: its share after a backdated till
// refund (3.34), not the amount approved (3.33), bounds what is left to
// pay back after a price reduction, as the Recorder counts it.
func TestRefundsAfterAStoredReturnCountItAsStored(t *testing.T) {
	o := thirds("EUR", "10.00")
	for _, tc := range []struct {
		amount string
		ok     bool
	}{{"2.34", false}, {"2.33", true}} {
		t.Run(tc.amount, func(t *testing.T) {
			h := newHistory(t, o)
			c, evs := thirdsCase(t, o, "3.33")
			_, err := h.deliver(t, evs, o)
			require.NoError(t, err)
			h.ret(t, backdated(customer.Refund))
			h.credit(t, customer.Credit{ID: "CR-1", CustomerID: "cust-C-1", OrderID: "O-1", Time: hours(7.5), Kind: customer.PriceReduction, Amount: eur(t, "1.00")})
			// left: 10.00 - 1.00 - 3.33 (R-back) - 3.34 (C-1#7) = 2.33
			c, evs = reopenAt(t, c, evs, 8)
			_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, tc.amount), Units: 1, Detail: "the last one"}, 10)
			got, err := h.deliver(t, evs, o)
			if !tc.ok {
				refundRefused(t, got, err, "12", "proposal.amount", customer.CodeTooMany)
				assert.ErrorContains(t, err, "2.33")
				rets, err := complaint.Refunds(evs, o, nil)
				require.NoError(t, err)
				assert.Error(t, h.rec.RecordReturn(context.Background(), rets[1], hours(100)), "the Recorder refuses it too")
				return
			}
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.False(t, got[0].Refund.Valid, "given as recorded")
		})
	}
}

// A return under the ID of the case's return that differs from it by
// more than a rounding of the shares is another return: a conflict,
// whatever the share now.
func TestRefundsStoredReturnThatDiffers(t *testing.T) {
	o := thirds("EUR", "10.00")
	_, evs := thirdsCase(t, o, "3.32")
	_, evs33 := thirdsCase(t, o, "3.33")
	one := func(refund string) customer.Return {
		r := customer.Return{ID: "C-1#7", OrderID: "O-1", CustomerID: "cust-C-1", Time: hours(7), Kind: customer.Refund,
			Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
		if refund != "" {
			r.Refund = decimal.NewNullDecimal(decimal.RequireFromString(refund))
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		evs    []complaint.Event
		stored customer.Return
	}{
		{"unset, approved below every share", evs, one("")},
		{"set to another amount", evs, one("3.31")},
		{"set a cent above the amount", evs, one("3.33")},
		{"set a cent below the amount", evs33, one("3.32")},
		{"other units", evs33, func() customer.Return {
			r := one("")
			r.Lines[0].Quantity = -2
			return r
		}()},
		{"another time", evs33, func() customer.Return {
			r := one("")
			r.Time = hours(6)
			return r
		}()},
		{"another reason", evs33, func() customer.Return {
			r := one("")
			r.Reason = customer.SizeFit
			return r
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, back := range []bool{false, true} {
				hist := []customer.Event{{Order: &o}}
				if back {
					b := backdated(customer.Refund)
					hist = append(hist, customer.Event{Return: &b})
				}
				s := tc.stored
				hist = append(hist, customer.Event{Return: &s})
				got, err := complaint.Refunds(tc.evs, o, hist)
				refundRefused(t, got, err, "7", "history["+map[bool]string{false: "1", true: "2"}[back]+"]", customer.CodeDuplicate)
			}
		})
	}
}
