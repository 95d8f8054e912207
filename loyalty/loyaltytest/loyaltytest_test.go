package loyaltytest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

func TestMemStore(t *testing.T) {
	loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return loyalty.NewMemStore() })
}

func TestZeroMemStore(t *testing.T) {
	loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return &loyalty.MemStore{} })
}

// A failed erasure leaves the birthday stored; one whose acknowledgement
// was lost is a redelivery when delivered again, and leaves none.
func TestFaultStoreErase(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	bd := customer.Birthday{Month: time.May, Day: 4}
	for _, afterWrite := range []bool{false, true} {
		inner := loyalty.NewMemStore()
		f := &loyaltytest.FaultStore{Store: inner}
		svc := loyalty.NewService(loyaltytest.Programme(), f, nil)
		_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Birthday: bd, Time: at}, at)
		require.NoError(t, err)
		f.FailAppend = loyaltytest.Fault{Call: 2, AfterWrite: afterWrite}
		erasure := loyalty.Erasure{Member: "M1", ID: "anon-1", Time: at.Add(time.Hour)}
		_, _, err = svc.Apply(ctx, erasure, at.Add(time.Hour))
		require.ErrorIs(t, err, loyaltytest.ErrInjected)
		stored, err := inner.Entries(ctx, "M1", 0)
		require.NoError(t, err)
		if !afterWrite {
			require.Len(t, stored, 1)
			assert.Equal(t, bd, stored[0].Birthday, "a failed erasure changes nothing")
			_, _, err = svc.Apply(ctx, erasure, at.Add(time.Hour))
			require.NoError(t, err)
		} else {
			require.Len(t, stored, 2)
			assert.True(t, stored[0].Birthday.IsZero())
			_, _, err = svc.Apply(ctx, erasure, at.Add(time.Hour))
			require.ErrorIs(t, err, loyalty.ErrDuplicate)
		}
		stored, err = inner.Entries(ctx, "M1", 0)
		require.NoError(t, err)
		require.Len(t, stored, 2)
		assert.True(t, stored[0].Birthday.IsZero())
	}
	f := &loyaltytest.FaultStore{Store: struct{ loyalty.Store }{loyalty.NewMemStore()}}
	require.ErrorIs(t, f.Erase(ctx, "M1", 0, nil), errors.ErrUnsupported)
}

// A FaultStore that wraps no store (nil, or a nil *MemStore) refuses
// every call with an error matching customer.ErrInvalid that names the
// field, rather than panicking, and so does a Service over it.
func TestFaultStoreWithoutStore(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for _, inner := range []loyalty.Store{nil, (*loyalty.MemStore)(nil)} {
		f := &loyaltytest.FaultStore{Store: inner}
		require.NotPanics(t, func() {
			_, err := f.Entries(ctx, "M1", 0)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			assert.ErrorContains(t, err, "FaultStore.Store")
			err = f.Append(ctx, "M1", 0, nil)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			err = f.Erase(ctx, "M1", 0, nil)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			_, _, err = loyalty.NewService(loyaltytest.Programme(), f, nil).Apply(ctx, loyalty.Join{Member: "M1", Time: at}, at)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			assert.ErrorContains(t, err, "FaultStore.Store")
		})
	}
}
