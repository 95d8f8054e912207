package loyalty_test

import (
	"encoding"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

type enum interface {
	fmt.Stringer
	encoding.TextMarshaler
}

func TestEnumsRoundTrip(t *testing.T) {
	type tc struct {
		name  string
		all   []enum
		parse func(string) (enum, error)
		zero  enum
		bad   encoding.TextUnmarshaler
	}
	wrap := func(f func(string) (enum, error)) func(string) (enum, error) { return f }
	tests := []tc{
		{"EntryKind", []enum{loyalty.EntryJoin, loyalty.EntryEarn, loyalty.EntryBonus, loyalty.EntryRelease, loyalty.EntryRedeem, loyalty.EntryExpire, loyalty.EntryClawback, loyalty.EntryRepay, loyalty.EntryAdjust, loyalty.EntryTier, loyalty.EntryReview, loyalty.EntryReduction, loyalty.EntryRestore, loyalty.EntryReopen, loyalty.EntryErase},
			wrap(func(s string) (enum, error) { return loyalty.ParseEntryKind(s) }), loyalty.EntryKind(0), new(loyalty.EntryKind)},
		{"BonusKind", []enum{loyalty.BonusProfile, loyalty.BonusSurvey, loyalty.BonusBirthday},
			wrap(func(s string) (enum, error) { return loyalty.ParseBonusKind(s) }), loyalty.BonusKind(0), new(loyalty.BonusKind)},
		{"DebtPolicy", []enum{loyalty.DebtRecord, loyalty.DebtCapAtZero},
			wrap(func(s string) (enum, error) { return loyalty.ParseDebtPolicy(s) }), loyalty.DebtPolicy(0), new(loyalty.DebtPolicy)},
		{"Basis", []enum{loyalty.BasisSpend, loyalty.BasisPoints},
			wrap(func(s string) (enum, error) { return loyalty.ParseBasis(s) }), loyalty.Basis(0), new(loyalty.Basis)},
		{"Rounding", []enum{loyalty.RoundDown, loyalty.RoundHalfUp},
			wrap(func(s string) (enum, error) { return loyalty.ParseRounding(s) }), loyalty.Rounding(0), new(loyalty.Rounding)},
		{"CouponKind", []enum{loyalty.CouponPercent, loyalty.CouponFixed},
			wrap(func(s string) (enum, error) { return loyalty.ParseCouponKind(s) }), loyalty.CouponKind(0), new(loyalty.CouponKind)},
		{"ScopeKind", []enum{loyalty.ScopeAll, loyalty.ScopeSKU, loyalty.ScopeCategory, loyalty.ScopeSeries},
			wrap(func(s string) (enum, error) { return loyalty.ParseScopeKind(s) }), loyalty.ScopeKind(0), new(loyalty.ScopeKind)},
		{"Stacking", []enum{loyalty.StackCombinable, loyalty.StackExclusive},
			wrap(func(s string) (enum, error) { return loyalty.ParseStacking(s) }), loyalty.Stacking(0), new(loyalty.Stacking)},
		{"DeductionKind", []enum{loyalty.DeductSeasonal, loyalty.DeductQuantity, loyalty.DeductCoupon, loyalty.DeductPoints},
			wrap(func(s string) (enum, error) { return loyalty.ParseDeductionKind(s) }), loyalty.DeductionKind(0), new(loyalty.DeductionKind)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range tc.all {
				b, err := v.MarshalText()
				require.NoError(t, err)
				assert.Equal(t, v.String(), string(b))
				back, err := tc.parse(string(b))
				require.NoError(t, err)
				assert.Equal(t, v, back)
				require.NoError(t, tc.bad.UnmarshalText(b))
				assert.Equal(t, v.String(), fmt.Sprint(tc.bad))
				assert.True(t, v.(interface{ Valid() bool }).Valid())
			}
			assert.Equal(t, tc.name+"(0)", tc.zero.String())
			assert.False(t, tc.zero.(interface{ Valid() bool }).Valid())
			_, err := tc.zero.MarshalText()
			require.Error(t, err)
			_, err = tc.parse("no such thing")
			require.Error(t, err)
			require.Error(t, tc.bad.UnmarshalText([]byte("")))
		})
	}
}
