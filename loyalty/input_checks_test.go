package loyalty_test

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A redemption's order total with more decimals than the programme's
// currency has (a sub-cent euro amount) is refused, naming order_total,
// as the other amounts of the package are; trailing zeros are not
// decimals.
func TestRedemptionOrderTotalInMinorUnits(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "500", 1))})
	a = apply(t, p, a, day(2026, 3, 5), loyalty.Tick{Member: "M1"})
	require.Positive(t, a.Available)
	for _, total := range []string{"20.005", "20.0000001", "0.001", "100.999"} {
		t.Run(total, func(t *testing.T) {
			e := loyalty.Redemption{Member: "M1", ID: "r", Points: 100, OrderTotal: eur(t, total), Time: day(2026, 3, 5)}
			a2, entries, err := p.Apply(a, e, day(2026, 3, 5))
			require.Error(t, err)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has("order_total", customer.CodeFormat), "%v", err)
			assert.Contains(t, err.Error(), `redemption "r" of member "M1"`)
			assert.Contains(t, err.Error(), "order_total: "+total+" has more decimals than EUR allows (2)")
			assert.Empty(t, entries)
			assert.Equal(t, a.Version, a2.Version)
			assert.Equal(t, a.Available, a2.Available)
		})
	}
	for _, total := range []string{"20.00", "20.000", "20.5", "20"} {
		_, _, err := p.Apply(a, loyalty.Redemption{Member: "M1", ID: "r", Points: 100, OrderTotal: eur(t, total), Time: day(2026, 3, 5)}, day(2026, 3, 5))
		assert.NoError(t, err, total)
	}
}

// CheckCoupon reports every fault of a coupon at once: the first in
// the error itself, as before, the others in Others, each naming its
// field.
func TestCheckCouponReportsEveryFault(t *testing.T) {
	p := club(t)
	all := loyalty.Scope{Kind: loyalty.ScopeAll}

	// No stacking rule and an amount that is negative and too precise:
	// both reported, the amount first, each field once.
	c := loyalty.Coupon{Code: "C", Kind: loyalty.CouponFixed, Amount: eur(t, "-5.555"), Scope: all}
	err := p.CheckCoupon(c)
	require.ErrorIs(t, err, loyalty.ErrCouponRefused)
	var ce *loyalty.CouponError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "amount", ce.Field)
	assert.Equal(t, []string{"amount", "stacking"}, couponFields(ce), "%v", err)
	assert.Contains(t, err.Error(), "amount: -5.555 EUR must be positive")
	assert.Contains(t, err.Error(), "stacking: unknown stacking rule 0")

	// Everything wrong at once.
	bad := loyalty.Coupon{Kind: loyalty.CouponFixed, Percent: dec("10"), Amount: eur(t, "10.001"),
		Scope:   loyalty.Scope{Kind: loyalty.ScopeSKU, Values: []string{"A", " ", ""}},
		MaxUses: -1, MaxUsesPerMember: -2, MinSpend: dec("-1"),
		ValidFrom: day(2026, 5, 1), ValidUntil: day(2026, 4, 1)}
	err = p.CheckCoupon(bad)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{"code", "percent", "stacking", "max_uses", "max_uses_per_member", "amount", "min_spend",
		"valid_until", "scope.values[1]", "scope.values[2]"}, couponFields(ce), "%v", err)
	for _, o := range ce.Others {
		assert.Equal(t, bad.Code, o.Code)
		assert.Empty(t, o.Others)
		assert.Contains(t, o.Detail, o.Field+": ")
		assert.Contains(t, err.Error(), o.Detail)
	}
	assert.Equal(t, loyalty.RuleDefined, ce.Rule)

	// Price refuses the coupon with the same error.
	_, perr := p.Price(loyalty.Basket{Time: day(2026, 5, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "coats", "2026-AW", "100", 1)},
		Coupons: []loyalty.Coupon{c}})
	var pce *loyalty.CouponError
	require.ErrorAs(t, perr, &pce)
	assert.Equal(t, ce0(t, p, c), pce)

	// One fault: the error is as before, with no others.
	one := loyalty.Coupon{Code: "O", Kind: loyalty.CouponPercent, Percent: dec("10"), Scope: all}
	require.ErrorAs(t, p.CheckCoupon(one), &ce)
	assert.Equal(t, "stacking", ce.Field)
	assert.Empty(t, ce.Others)
	one.Stacking = loyalty.StackCombinable
	assert.NoError(t, p.CheckCoupon(one))
}

func ce0(t *testing.T, p *loyalty.Programme, c loyalty.Coupon) *loyalty.CouponError {
	t.Helper()
	var ce *loyalty.CouponError
	require.True(t, errors.As(p.CheckCoupon(c), &ce))
	return ce
}

// couponFields lists the fields ce reports, its own first.
func couponFields(ce *loyalty.CouponError) []string {
	out := []string{ce.Field}
	for _, o := range ce.Others {
		out = append(out, o.Field)
	}
	return out
}

// A coupon with thousands of faults (a scope of blank values) is
// reported in time linear in them, and its error text stays short: it
// lists the first of the others and says how many more there are.
func TestCheckCouponManyFaultsBounded(t *testing.T) {
	p := club(t)
	const n = 30000
	c := loyalty.Coupon{Code: "C", Kind: loyalty.CouponFixed, Amount: eur(t, "10"), Stacking: loyalty.StackCombinable,
		Scope: loyalty.Scope{Kind: loyalty.ScopeSKU, Values: make([]string, n)}}
	start := time.Now()
	err := p.CheckCoupon(c)
	msg := err.Error()
	elapsed := time.Since(start)
	var ce *loyalty.CouponError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "scope.values[0]", ce.Field)
	require.Len(t, ce.Others, n-1)
	assert.Equal(t, fmt.Sprintf("scope.values[%d]", n-1), ce.Others[n-2].Field)
	assert.Less(t, len(msg), 2000, "the error text grows with the faults")
	assert.Contains(t, msg, fmt.Sprintf("and %d more", n-1-10))
	// Linear: some milliseconds; a quadratic search takes many seconds.
	assert.Less(t, elapsed, 3*time.Second)
}

// A percentage or a minimum spend too large or too precise to compute
// with is named briefly in every fault that quotes it, and is never
// written out in full: "1e-5000000" is not made a five-million-digit
// string, though another field's fault quotes it.
func TestCheckCouponInsaneDecimalsQuotedBriefly(t *testing.T) {
	p := club(t)
	huge := decimal.New(1, -5_000_000)
	for _, c := range []loyalty.Coupon{
		{Code: "P", Kind: loyalty.CouponPercent, Percent: huge, Amount: eur(t, "10"), Stacking: loyalty.StackCombinable},
		{Code: "F", Kind: loyalty.CouponFixed, Percent: huge, Amount: eur(t, "10"), Stacking: loyalty.StackCombinable},
		{Code: "M", Kind: loyalty.CouponFixed, Amount: eur(t, "10"), MinSpend: huge.Neg(), Stacking: loyalty.StackCombinable},
	} {
		c.Scope = loyalty.Scope{Kind: loyalty.ScopeAll}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := p.CheckCoupon(c)
		runtime.ReadMemStats(&after)
		require.ErrorIs(t, err, loyalty.ErrCouponRefused, c.Code)
		assert.Less(t, len(err.Error()), 500, "%s: %.200s", c.Code, err)
		assert.Contains(t, err.Error(), "1e-5000000", c.Code)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "%s: the decimal was written out", c.Code)
	}
}
