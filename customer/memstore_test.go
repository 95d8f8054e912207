package customer_test

import (
	"context"
	"slices"
	"testing"

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
