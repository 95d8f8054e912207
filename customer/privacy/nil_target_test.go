package privacy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

// A target or source that is a nil pointer (or nil func) held in an
// interface is not a nil interface: it would be consulted and panic.
// Erase and Export refuse it with an error naming the field, before
// anything is read or written.
func TestNilStoreRefused(t *testing.T) {
	ctx := context.Background()
	erasures := []struct {
		field string
		set   func(*privacy.Targets)
	}{
		{"Targets.Customers", func(t *privacy.Targets) { t.Customers = (*customer.MemStore)(nil) }},
		{"Targets.Customers", func(t *privacy.Targets) { t.Customers = (*faultyDirectory)(nil) }},
		{"Targets.Interactions", func(t *privacy.Targets) { t.Interactions = (*customer.MemStore)(nil) }},
		{"Targets.Complaints", func(t *privacy.Targets) { t.Complaints = (*complaint.MemStore)(nil) }},
		{"Targets.Complaints", func(t *privacy.Targets) { t.Complaints = (*faultyCases)(nil) }},
	}
	for _, tt := range erasures {
		t.Run("erase "+tt.field, func(t *testing.T) {
			s := newErasureShop(t)
			s.person(t, "anna", 0)
			_, before := s.export(t, "anna")
			tg := s.targets()
			tt.set(&tg)
			var err error
			require.NotPanics(t, func() { _, err = privacy.Erase(ctx, "anna", tg, now) })
			require.Error(t, err)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			assert.Contains(t, err.Error(), tt.field)
			assert.Contains(t, err.Error(), `"anna"`)
			_, after := s.export(t, "anna")
			assert.Equal(t, before, after, "a refused erasure changes nothing")
		})
	}

	exports := []struct {
		field string
		set   func(*privacy.Sources)
	}{
		{"Sources.Customers", func(s *privacy.Sources) { s.Customers = (*customer.MemStore)(nil) }},
		{"Sources.Customers", func(s *privacy.Sources) { s.Customers = getterFn(nil) }},
		{"Sources.History", func(s *privacy.Sources) { s.History = (*customer.MemStore)(nil) }},
		{"Sources.History", func(s *privacy.Sources) { s.History = historyFn(nil) }},
		{"Sources.Loyalty", func(s *privacy.Sources) { s.Loyalty = (*loyalty.MemStore)(nil) }},
		{"Sources.Loyalty", func(s *privacy.Sources) { s.Loyalty = ledgerFn(nil) }},
		{"Sources.Complaints", func(s *privacy.Sources) { s.Complaints = (*complaint.MemStore)(nil) }},
	}
	for _, tt := range exports {
		t.Run("export "+tt.field, func(t *testing.T) {
			s := newShop(t)
			src := s.sources()
			tt.set(&src)
			var err error
			require.NotPanics(t, func() { _, err = privacy.Export(ctx, "anna", src, now) })
			require.Error(t, err)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			assert.Contains(t, err.Error(), tt.field)
			assert.Contains(t, err.Error(), `"anna"`)
		})
	}

	// Every nil store is named at once.
	t.Run("erase two nil targets", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		tg := s.targets()
		tg.Customers, tg.Complaints = (*customer.MemStore)(nil), (*complaint.MemStore)(nil)
		_, err := privacy.Erase(ctx, "anna", tg, now)
		require.ErrorIs(t, err, customer.ErrInvalid)
		assert.Contains(t, err.Error(), "Targets.Customers")
		assert.Contains(t, err.Error(), "Targets.Complaints")
		assert.NotContains(t, err.Error(), "Targets.Interactions")
	})
	t.Run("export two nil sources", func(t *testing.T) {
		src := newShop(t).sources()
		src.History, src.Loyalty = (*customer.MemStore)(nil), ledgerFn(nil)
		_, err := privacy.Export(ctx, "anna", src, now)
		require.ErrorIs(t, err, customer.ErrInvalid)
		assert.Contains(t, err.Error(), "Sources.History")
		assert.Contains(t, err.Error(), "Sources.Loyalty")
	})

	// A nil *loyalty.Service is a nil target, not consulted, as before.
	t.Run("nil loyalty service", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		tg := s.targets()
		tg.Loyalty = nil
		r, err := privacy.Erase(ctx, "anna", tg, now)
		require.NoError(t, err)
		assert.Equal(t, privacy.NotDone, r.Loyalty)
		assert.False(t, errors.Is(err, customer.ErrInvalid))
	})
}
