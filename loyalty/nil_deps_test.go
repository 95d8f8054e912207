package loyalty_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A Service without a store or a programme (nil, a typed nil such as a
// nil *MemStore, a zero or nil Service) refuses every call with an error
// matching customer.ErrInvalid that names what is missing; it never
// panics and stores nothing.
func TestServiceWithoutDependenciesRefused(t *testing.T) {
	ctx := context.Background()
	p := club(t)
	join := loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}
	cases := []struct {
		name, field string
		svc         *loyalty.Service
	}{
		{"nil store", "store", loyalty.NewService(p, nil, nil)},
		{"typed nil store", "store", loyalty.NewService(p, (*loyalty.MemStore)(nil), nil)},
		{"nil programme", "programme", loyalty.NewService(nil, loyalty.NewMemStore(), nil)},
		{"zero programme", "programme", loyalty.NewService(&loyalty.Programme{}, loyalty.NewMemStore(), nil)},
		{"zero service", "programme", &loyalty.Service{}},
		{"nil service", "service", nil},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			check := func(err error) {
				t.Helper()
				require.Error(t, err)
				assert.ErrorIs(t, err, customer.ErrInvalid)
				assert.Contains(t, err.Error(), tt.field)
			}
			require.NotPanics(t, func() {
				_, _, err := tt.svc.Apply(ctx, join, day(2026, 1, 5))
				check(err)
				_, _, err = tt.svc.ApplyAll(ctx, []loyalty.Event{join}, day(2026, 1, 5))
				check(err)
				_, err = tt.svc.Account(ctx, "M1")
				check(err)
			})
		})
	}
	// Both missing: both named at once.
	_, _, err := loyalty.NewService(nil, nil, nil).Apply(ctx, join, day(2026, 1, 5))
	require.ErrorIs(t, err, customer.ErrInvalid)
	assert.Contains(t, err.Error(), "store")
	assert.Contains(t, err.Error(), "programme")
}

// A Programme not built by Compile or DecodeProgramme (nil, or the zero
// value) refuses Apply, Price and Earn with an error matching
// customer.ErrInvalid, and its accessors do not panic.
func TestProgrammeNotCompiledRefused(t *testing.T) {
	for _, p := range []*loyalty.Programme{nil, {}} {
		require.NotPanics(t, func() {
			_, _, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
			assert.ErrorIs(t, err, customer.ErrInvalid)
			_, err = p.Price(loyalty.Basket{})
			assert.ErrorIs(t, err, customer.ErrInvalid)
			_, err = p.Earn(order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1)), 0, customer.Birthday{}, 0)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			_ = p.Qualifying(loyalty.Account{}, day(2026, 2, 1))
			assert.Equal(t, 0, p.QualifyingLevel(loyalty.Account{}, day(2026, 2, 1)))
			assert.Empty(t, p.Levels())
			assert.Equal(t, loyalty.TierLevel{}, p.Tier(loyalty.Account{}))
			assert.NotNil(t, p.Location())
			_ = p.Config()
			_ = p.Key(loyalty.Join{Member: "M1"})
			assert.ErrorIs(t, p.CheckCoupon(loyalty.Coupon{Code: "C"}), customer.ErrInvalid)
		})
	}
}
