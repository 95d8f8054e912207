package privacy_test

import (
	"context"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
)

// directory is a customer directory kept in a map: a nil map is an empty
// directory, every read of it well defined.
type directory map[customer.ID]customer.Customer

func (d directory) Get(_ context.Context, id customer.ID) (customer.Customer, error) {
	c, ok := d[id]
	if !ok {
		return customer.Customer{}, customer.ErrNotFound
	}
	return c, nil
}

// events is a history kept in a slice: a nil slice is a history without
// events.
type events []customer.Event

func (es events) History(_ context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		for _, e := range es {
			if (e.Order != nil && e.Order.CustomerID == id) || (e.Interaction != nil && e.Interaction.CustomerID == id) {
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}

// A store kept in a map or a slice works when the map or slice is nil
// (it holds nothing): it is consulted and holds nothing, not refused as
// a typed nil, which only a nil pointer, func or channel is (consulting
// one panics or blocks).
func TestNilMapOrSliceStoreConsulted(t *testing.T) {
	ctx := context.Background()
	src := newShop(t).sources()
	src.Customers, src.History = directory(nil), events(nil)
	r, err := privacy.Export(ctx, "anna", src, now)
	require.NoError(t, err, "an empty directory and an empty history are stores")
	assert.Nil(t, r.Record)
	assert.Empty(t, r.Orders)
	assert.Contains(t, r.Sources, privacy.SourceCustomers)
	assert.Contains(t, r.Sources, privacy.SourceHistory)
}
