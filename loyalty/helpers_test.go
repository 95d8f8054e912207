package loyalty_test

import (
	"os"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func club(t testing.TB) *loyalty.Programme {
	t.Helper()
	data, err := os.ReadFile("testdata/programme.json")
	require.NoError(t, err)
	p, err := loyalty.DecodeProgramme(data)
	require.NoError(t, err)
	return p
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func order(id string, member customer.ID, at time.Time, lines ...customer.Line) customer.Order {
	for i := range lines {
		if lines[i].ID == "" {
			lines[i].ID = "L" + string(rune('1'+i))
		}
		if lines[i].Quantity == 0 {
			lines[i].Quantity = 1
		}
	}
	return customer.Order{ID: id, CustomerID: member, Time: at, Channel: customer.Store, Currency: "EUR", Lines: lines}
}

func line(sku, category, price string, qty int) customer.Line {
	return customer.Line{ID: sku, SKU: sku, Category: category, Season: "2026-AW", Quantity: qty, UnitPrice: dec(price)}
}

func ret(id, orderID string, member customer.ID, at time.Time, lines ...customer.ReturnLine) customer.Return {
	return customer.Return{ID: id, OrderID: orderID, CustomerID: member, Time: at,
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: lines}
}

// apply applies events in order on one account and fails the test on error.
func apply(t testing.TB, p *loyalty.Programme, a loyalty.Account, now time.Time, events ...loyalty.Event) loyalty.Account {
	t.Helper()
	for _, e := range events {
		next, _, err := p.Apply(a, e, now)
		require.NoError(t, err, "%T %s", e, e.Key())
		a = next
	}
	return a
}
