package customer_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
)

func TestMemStoreConformance(t *testing.T) {
	customertest.TestStore(t, func(*testing.T) customer.Directory { return customer.NewMemStore() })
}

func TestMemStoreHistoryConformance(t *testing.T) {
	customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
		s := customer.NewMemStore()
		return s, s
	})
}

func TestMemStoreHistoryConflicts(t *testing.T) {
	customertest.TestHistoryConflicts(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
		s := customer.NewMemStore()
		return s, s
	})
}

func TestSummarizeHistory(t *testing.T) {
	ctx := context.Background()
	s := customer.NewMemStore()
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-7", Kind: customer.Consumer}))
	for _, e := range history() {
		switch {
		case e.Order != nil:
			require.NoError(t, s.AppendOrder(ctx, *e.Order))
		case e.Return != nil:
			require.NoError(t, s.AppendReturn(ctx, *e.Return))
		}
	}
	got, err := customer.SummarizeHistory(ctx, s, "C-7", customer.Consumer, asOf, nil)
	require.NoError(t, err)
	want, err := customer.Summarize("C-7", customer.Consumer, asOf, slices.Values(history()), nil)
	require.NoError(t, err)
	assert.Equal(t, want.Orders, got.Orders)
	assert.True(t, want.Net().Equal(got.Net()))
	assert.Equal(t, want.ReturnedUnits, got.ReturnedUnits)

	_, err = customer.SummarizeHistory(ctx, s, "nobody", customer.Consumer, asOf, nil)
	assert.ErrorIs(t, err, customer.ErrNotFound)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = customer.SummarizeHistory(cctx, s, "C-7", customer.Consumer, asOf, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestGetManyFallsBackToGet(t *testing.T) {
	ctx := context.Background()
	s := customer.NewMemStore()
	for _, id := range []customer.ID{"a", "b"} {
		require.NoError(t, s.Put(ctx, customer.Customer{ID: id, Kind: customer.Consumer}))
	}
	// getterOnly hides the BatchGetter method.
	g := getterOnly{s}
	cs, err := customer.GetMany(ctx, g, []customer.ID{"b", "a"})
	require.NoError(t, err)
	require.Len(t, cs, 2)
	assert.Equal(t, customer.ID("b"), cs[0].ID)
	_, err = customer.GetMany(ctx, g, []customer.ID{"a", "zz"})
	assert.ErrorIs(t, err, customer.ErrNotFound)
	cs, err = customer.GetMany(ctx, s, []customer.ID{"a"})
	require.NoError(t, err)
	assert.Len(t, cs, 1)
}

type getterOnly struct{ g customer.Getter }

func (g getterOnly) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	return g.g.Get(ctx, id)
}

// TestMemStoreRedeliveryInAnotherZoneKeepsEarlierDay: an order, or a
// credit, delivered twice with its time written in two zones whose
// calendar days differ is one record; the store keeps it on the earlier
// day, as Summarize counts it, so that neither the stored history nor its
// summary depends on which delivery came first.
func TestMemStoreRedeliveryInAnotherZoneKeepsEarlierDay(t *testing.T) {
	ctx := context.Background()
	utc := time.Date(2025, 3, 13, 20, 0, 0, 0, time.UTC) // 2025-03-14 04:00 in Shanghai
	shanghai := utc.In(time.FixedZone("CST", 8*3600))
	order := func(at time.Time, price string) *customer.Order {
		return &customer.Order{ID: "O-1", CustomerID: "C-1", Time: at, Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", SKU: "COAT-1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString(price)}}}
	}
	five, err := customer.NewMoney("5.00", "EUR")
	require.NoError(t, err)
	credit := func(at time.Time) *customer.Credit {
		return &customer.Credit{ID: "K-1", CustomerID: "C-1", Time: at.Add(time.Hour), Kind: customer.Compensation, Amount: five}
	}
	asOf := utc.AddDate(0, 1, 0)
	for _, zones := range [][2]time.Time{{shanghai, utc}, {utc, shanghai}} {
		first, second := zones[0], zones[1]
		// The second version writes the price at another scale: equal by value.
		deliveries := []customer.Event{{Order: order(first, "99.90")}, {Order: order(second, "99.9")},
			{Credit: credit(first)}, {Credit: credit(second)}}
		s := customer.NewMemStore()
		require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
		for _, e := range deliveries {
			if e.Order != nil {
				require.NoError(t, s.AppendOrder(ctx, *e.Order))
			} else {
				require.NoError(t, s.AppendCredit(ctx, *e.Credit))
			}
		}
		var got []customer.Event
		for e, err := range s.History(ctx, "C-1") {
			require.NoError(t, err)
			got = append(got, e)
		}
		require.Len(t, got, 2)
		require.NotNil(t, got[0].Order)
		require.NotNil(t, got[1].Credit)
		where := first.Location().String()
		assert.Equal(t, customer.DateOf(utc), customer.DateOf(got[0].Order.Time), "order first delivered in %s", where)
		assert.Equal(t, customer.DateOf(utc), customer.DateOf(got[1].Credit.Time), "credit first delivered in %s", where)
		assert.Equal(t, int32(-2), got[0].Order.Lines[0].UnitPrice.Exponent(), "the stored lines are the first version's (99.90)")

		fromStore, err := customer.SummarizeHistory(ctx, s, "C-1", customer.Consumer, asOf, nil)
		require.NoError(t, err)
		fromStream, err := customer.Summarize("C-1", customer.Consumer, asOf, slices.Values(deliveries), nil)
		require.NoError(t, err)
		assert.Equal(t, dayList(fromStream.Days), dayList(fromStore.Days), "summary's days, first delivered in %s", where)
	}
}

// dayList writes days as "date:orders:net" with the net normalised, so
// that amounts compare by value.
func dayList(days []customer.Day) []string {
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = fmt.Sprintf("%s:%d:%s", d.Date, d.Orders, d.Net.String())
	}
	return out
}
