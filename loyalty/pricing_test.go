package loyalty_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

func item(id, category, season, price string, qty int) loyalty.Item {
	return loyalty.Item{Line: customer.Line{ID: id, SKU: id, Category: category, Season: season, Quantity: qty, UnitPrice: dec(price)}}
}

func eur(t testing.TB, s string) customer.Money {
	m, err := customer.NewMoney(s, "EUR")
	require.NoError(t, err)
	return m
}

func TestPriceSeasonalQuantityCouponsAndPoints(t *testing.T) {
	p := club(t)
	b := loyalty.Basket{
		Member: "M1", Time: day(2026, 2, 10), Currency: "EUR",
		Items: []loyalty.Item{
			item("COAT", "coats", "2025-AW", "200", 1), // last winter: 30% off → 140
			item("SOCK", "socks", "2026-SS", "5", 3),   // three pairs: 20% off → 12
			item("KNIT", "knitwear", "2026-SS", "80", 1),
		},
		Coupons: []loyalty.Coupon{
			{Code: "KNIT10", Kind: loyalty.CouponPercent, Percent: dec("10"), Scope: loyalty.Scope{Kind: loyalty.ScopeCategory, Values: []string{"knitwear"}}, Stacking: loyalty.StackCombinable},
			{Code: "FIVE", Kind: loyalty.CouponFixed, Amount: eur(t, "5"), Scope: loyalty.Scope{Kind: loyalty.ScopeAll}, Stacking: loyalty.StackCombinable},
		},
		Points: 1000, Available: 1200,
	}
	q, err := p.Price(b)
	require.NoError(t, err)
	assert.True(t, q.Subtotal.Equal(dec("295")), q.Subtotal.String())
	require.Len(t, q.Deductions, 5)
	kinds := []loyalty.DeductionKind{loyalty.DeductSeasonal, loyalty.DeductQuantity, loyalty.DeductCoupon, loyalty.DeductCoupon, loyalty.DeductPoints}
	for i, d := range q.Deductions {
		assert.Equal(t, kinds[i], d.Kind)
		assert.NotEmpty(t, d.Explain)
	}
	assert.True(t, q.Deductions[0].Amount.Equal(dec("60")))
	assert.True(t, q.Deductions[1].Amount.Equal(dec("3")))
	assert.True(t, q.Deductions[2].Amount.Equal(dec("8")))
	assert.True(t, q.Deductions[3].Amount.Equal(dec("5")))
	// Left 219; 1000 points = 10.00 EUR, within half.
	assert.Equal(t, loyalty.Points(1000), q.PointsUsed)
	assert.True(t, q.PointsValue.Equal(dec("10")))
	assert.True(t, q.Total.Equal(dec("209")), q.Total.String())
	assert.True(t, q.Discount.Equal(dec("76")))

	sum := decimal.Zero
	for _, l := range q.Lines {
		sum = sum.Add(l.Total)
		assert.True(t, l.Amount.Equal(l.Discount.Add(l.Points).Add(l.Total)), "line %s adds up", l.ID)
	}
	assert.True(t, sum.Equal(q.Total))

	// The order built from the quote earns on the money paid: 209 points.
	o, err := q.Order("O9", customer.Online)
	require.NoError(t, err)
	a := joined(t, p, day(2026, 1, 5))
	_, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, b.Time)
	require.NoError(t, err)
	assert.True(t, entries[0].Spend.Equal(dec("209")))
}

func TestPricePointsCappedAtMaxShare(t *testing.T) {
	p := club(t)
	q, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR",
		Items: []loyalty.Item{item("HAT", "hats", "2026-SS", "30", 1)}, Points: 5000, Available: 5000})
	require.NoError(t, err)
	d := q.Deductions[0]
	assert.True(t, d.Capped)
	assert.True(t, d.Requested.Equal(dec("50")))
	assert.True(t, d.Amount.Equal(dec("15")), "half of 30")
	assert.Equal(t, loyalty.Points(1500), q.PointsUsed)
	assert.True(t, q.Total.Equal(dec("15")))
}

// Points that would buy less than a cent more are not charged: the
// member pays the fewest points that buy the discount.
func TestPricePointsChargesNoPointForLessThanACent(t *testing.T) {
	p, err := loyalty.Compile(loyalty.Config{Currency: "EUR", Earn: loyalty.EarnConfig{PointsPerUnit: dec("1")},
		Redeem: loyalty.RedeemConfig{PointsPerUnit: dec("1000"), MaxShare: dec("1"), MinPoints: 3}})
	require.NoError(t, err)
	for _, tc := range []struct {
		asked, used loyalty.Points
		value       string
	}{
		{1005, 1000, "1.00"},
		{1009, 1000, "1.00"},
		{1010, 1010, "1.01"},
		{9, 0, "0"}, // worth less than a cent: nothing to pay with
		{12, 10, "0.01"},
	} {
		q, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR",
			Items: []loyalty.Item{item("HAT", "hats", "2026-SS", "30", 1)}, Points: tc.asked, Available: 5000})
		require.NoError(t, err)
		assert.Equal(t, tc.used, q.PointsUsed, "%d points asked", tc.asked)
		assert.True(t, q.PointsValue.Equal(dec(tc.value)), "%d points asked pay %s", tc.asked, q.PointsValue)
		assert.True(t, q.Total.Equal(dec("30").Sub(dec(tc.value))))
	}
}

// A percentage coupon is rounded once, on what its lines cost together:
// ten lines of one cent at 50 % off save five cents, not ten (half a
// cent rounded up on every line).
func TestPricePercentCouponRoundedOnceNotPerLine(t *testing.T) {
	p := club(t)
	var items []loyalty.Item
	for i := range 10 {
		items = append(items, item(fmt.Sprint("PIN", i), "hats", "2026-SS", "0.01", 1))
	}
	half := loyalty.Coupon{Code: "HALF", Kind: loyalty.CouponPercent, Percent: dec("50"),
		Scope: loyalty.Scope{Kind: loyalty.ScopeAll}, Stacking: loyalty.StackCombinable}
	q, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR", Items: items, Coupons: []loyalty.Coupon{half}})
	require.NoError(t, err)
	assert.True(t, q.Discount.Equal(dec("0.05")), "discount %s", q.Discount)
	assert.True(t, q.Total.Equal(dec("0.05")), "total %s", q.Total)
	var lines decimal.Decimal
	for _, l := range q.Lines {
		lines = lines.Add(l.Discount)
	}
	assert.True(t, lines.Equal(q.Discount), "the lines' discounts add up to the coupon's")

	// So is a seasonal discount: ten lines of five cents at 30 % off
	// save fifteen cents, not twenty.
	items = items[:0]
	for i := range 10 {
		items = append(items, item(fmt.Sprint("PIN", i), "hats", "2025-AW", "0.05", 1))
	}
	q, err = p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 2, 10), Currency: "EUR", Items: items})
	require.NoError(t, err)
	require.Len(t, q.Deductions, 1)
	assert.Equal(t, loyalty.DeductSeasonal, q.Deductions[0].Kind)
	assert.True(t, q.Discount.Equal(dec("0.15")), "discount %s", q.Discount)
	assert.True(t, q.Total.Equal(dec("0.35")), "total %s", q.Total)
}

func TestPriceFixedCouponCappedAtZero(t *testing.T) {
	p := club(t)
	q, err := p.Price(loyalty.Basket{Time: day(2026, 5, 1), Currency: "EUR",
		Items:   []loyalty.Item{item("SOCK", "socks", "2026-SS", "4.99", 1), item("HAT", "hats", "2026-SS", "30", 1)},
		Coupons: []loyalty.Coupon{{Code: "SOCKS50", Kind: loyalty.CouponFixed, Amount: eur(t, "50"), Scope: loyalty.Scope{Kind: loyalty.ScopeSKU, Values: []string{"SOCK"}}, Stacking: loyalty.StackExclusive}}})
	require.NoError(t, err)
	d := q.Deductions[0]
	assert.True(t, d.Capped, "the cap is reported")
	assert.True(t, d.Amount.Equal(dec("4.99")))
	assert.True(t, q.Total.Equal(dec("30")))
	assert.Contains(t, d.Explain, "capped")
}

func TestPriceRefusesCoupons(t *testing.T) {
	p := club(t)
	at := day(2026, 5, 1)
	all := loyalty.Scope{Kind: loyalty.ScopeAll}
	pct := func(code, percent string) loyalty.Coupon {
		return loyalty.Coupon{Code: code, Kind: loyalty.CouponPercent, Percent: dec(percent), Scope: all, Stacking: loyalty.StackCombinable}
	}
	mod := func(c loyalty.Coupon, f func(*loyalty.Coupon)) loyalty.Coupon { f(&c); return c }
	tests := []struct {
		name    string
		coupons []loyalty.Coupon
		uses    map[string]loyalty.CouponUses
		rule    string
	}{
		{"same coupon twice", []loyalty.Coupon{pct("A", "10"), pct("A", "10")}, nil, loyalty.RuleRepeated},
		{"below bounds", []loyalty.Coupon{pct("A", "4")}, nil, loyalty.RuleBounds},
		{"above bounds", []loyalty.Coupon{pct("A", "61")}, nil, loyalty.RuleBounds},
		{"not yet valid", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.ValidFrom = day(2026, 6, 1) })}, nil, loyalty.RuleValidity},
		{"expired", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.ValidUntil = at })}, nil, loyalty.RuleValidity},
		{"out of scope", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.Scope = loyalty.Scope{Kind: loyalty.ScopeSeries, Values: []string{"tweed"}} })}, nil, loyalty.RuleScope},
		{"single use used", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.MaxUses = 1 })}, map[string]loyalty.CouponUses{"A": {Total: 1}}, loyalty.RuleUses},
		{"member limit", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.MaxUsesPerMember = 2 })}, map[string]loyalty.CouponUses{"A": {Total: 9, ByMember: 2}}, loyalty.RuleUses},
		{"someone else's", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.Holder = "M2" })}, nil, loyalty.RulePersonal},
		{"exclusive with another", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.Stacking = loyalty.StackExclusive }), pct("B", "10")}, nil, loyalty.RuleStacking},
		{"fixed in dollars", []loyalty.Coupon{{Code: "U", Kind: loyalty.CouponFixed, Amount: customer.Money{}, Scope: all, Stacking: loyalty.StackCombinable}}, nil, loyalty.RuleCurrency},
		{"below minimum spend", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.MinSpend = dec("100") })}, nil, loyalty.RuleMinSpend},
		{"no code", []loyalty.Coupon{pct("", "10")}, nil, loyalty.RuleDefined},
		{"no kind", []loyalty.Coupon{{Code: "Z", Scope: all, Stacking: loyalty.StackCombinable}}, nil, loyalty.RuleDefined},
		{"huge percent", []loyalty.Coupon{pct("A", "1e999999999")}, nil, loyalty.RuleDefined},
		// Money is whole cents: never rounded to fit.
		{"sub-cent amount", []loyalty.Coupon{{Code: "F", Kind: loyalty.CouponFixed, Amount: eur(t, "10.005"), Scope: all, Stacking: loyalty.StackCombinable}}, nil, loyalty.RuleDefined},
		// Which was meant, 20% or 10.00 EUR off? Neither is guessed.
		{"fixed with a percentage", []loyalty.Coupon{{Code: "F", Kind: loyalty.CouponFixed, Amount: eur(t, "10"), Percent: dec("20"), Scope: all, Stacking: loyalty.StackCombinable}}, nil, loyalty.RuleDefined},
		{"percentage with an amount", []loyalty.Coupon{mod(pct("A", "20"), func(c *loyalty.Coupon) { c.Amount = eur(t, "10") })}, nil, loyalty.RuleDefined},
		// A blank value would match every line that lacks one (no series).
		{"blank series", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.Scope = loyalty.Scope{Kind: loyalty.ScopeSeries, Values: []string{""}} })}, nil, loyalty.RuleDefined},
		{"blank SKU among others", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.Scope = loyalty.Scope{Kind: loyalty.ScopeSKU, Values: []string{"HAT", " "}} })}, nil, loyalty.RuleDefined},
		{"sub-cent minimum spend", []loyalty.Coupon{mod(pct("A", "10"), func(c *loyalty.Coupon) { c.MinSpend = dec("20.001") })}, nil, loyalty.RuleDefined},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR",
				Items: []loyalty.Item{item("HAT", "hats", "2026-SS", "30", 1)}, Coupons: tc.coupons, Uses: tc.uses})
			require.ErrorIs(t, err, loyalty.ErrCouponRefused)
			var ce *loyalty.CouponError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, tc.rule, ce.Rule, "%v", err)
			if tc.rule == loyalty.RuleMinSpend {
				// Amounts are written as money: with the currency's cents.
				assert.Contains(t, err.Error(), "in-scope lines cost 30.00 before coupons, the minimum is 100.00")
			}
			if strings.HasPrefix(tc.name, "sub-cent") {
				// The detail names the field and CheckCoupon agrees.
				field := map[bool]string{true: "amount: 10.005", false: "min_spend: 20.001"}[tc.coupons[0].Kind == loyalty.CouponFixed]
				assert.Contains(t, ce.Detail, field+" has more decimals than EUR allows (2)")
				assert.Equal(t, ce, p.CheckCoupon(tc.coupons[0]))
			}
		})
	}
}

func TestPriceRejectsBadBaskets(t *testing.T) {
	p := club(t)
	tests := []struct {
		name  string
		b     loyalty.Basket
		field string
	}{
		{"no time", loyalty.Basket{Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "1", 1)}}, "time"},
		{"other currency", loyalty.Basket{Time: day(2026, 1, 1), Currency: "USD", Items: []loyalty.Item{item("A", "c", "s", "1", 1)}}, "currency"},
		{"no items", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR"}, "items"},
		{"duplicate line", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "1", 1), item("A", "c", "s", "1", 1)}}, "items[1].id"},
		{"zero quantity", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "1", 0)}}, "items[0].quantity"},
		{"quantity beyond an order line's", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "1", customer.MaxLineQuantity+1)}}, "items[0].quantity"},
		{"negative price", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "-1", 1)}}, "items[0].unit_price"},
		{"sub-cent price", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "1.001", 1)}}, "items[0].unit_price"},
		{"anonymous points", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "1", 1)}, Points: 100, Available: 100}, "points"},
		{"below minimum points", loyalty.Basket{Member: "M1", Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "10", 1)}, Points: 50, Available: 100}, "points"},
		{"negative points", loyalty.Basket{Member: "M1", Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "10", 1)}, Points: -1}, "points"},
		{"negative available", loyalty.Basket{Member: "M1", Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "10", 1)}, Available: -10}, "available"},
		{"negative available, no points asked", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "10", 1)}, Available: -10}, "available"},
		{"negative total uses", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "10", 1)},
			Uses: map[string]loyalty.CouponUses{"SPRING": {Total: -1}}}, `uses["SPRING"].total`},
		{"negative uses by member", loyalty.Basket{Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "10", 1)},
			Uses: map[string]loyalty.CouponUses{"SPRING": {ByMember: -3}}}, `uses["SPRING"].by_member`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Price(tc.b)
			assert.Contains(t, fieldsOf(t, err), tc.field)
		})
	}
	_, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 1, 1), Currency: "EUR", Items: []loyalty.Item{item("A", "c", "s", "10", 1)}, Points: 500, Available: 100})
	require.ErrorIs(t, err, loyalty.ErrInsufficient)
	assert.ErrorContains(t, err, `basket of member "M1": 500 points requested, 100 available`)
}

// TestPriceProperties: for any basket and coupons, the total is between 0
// and the subtotal, every line adds up, deductions sum to the difference,
// and the same coupon presented twice is refused.
func TestPriceProperties(t *testing.T) {
	p := club(t)
	rapid.Check(t, func(rt *rapid.T) {
		b := drawBasket(rt)
		pts, coupons := b.Points, b.Coupons
		q, err := p.Price(b)
		if err != nil {
			var ce *loyalty.CouponError
			if !errors.As(err, &ce) || ce.Rule != loyalty.RuleScope && ce.Rule != loyalty.RuleMinSpend {
				rt.Fatalf("unexpected error %v", err)
			}
			return
		}
		if q.Total.Sign() < 0 || q.Total.GreaterThan(q.Subtotal) {
			rt.Fatalf("total %s outside [0, %s]", q.Total, q.Subtotal)
		}
		ded := decimal.Zero
		for _, d := range q.Deductions {
			if d.Amount.Sign() < 0 || d.Amount.GreaterThan(d.Requested) {
				rt.Fatalf("deduction %s: %s of %s requested", d.Name, d.Amount, d.Requested)
			}
			ded = ded.Add(d.Amount)
		}
		if !q.Subtotal.Sub(ded).Equal(q.Total) {
			rt.Fatalf("subtotal %s − deductions %s ≠ total %s", q.Subtotal, ded, q.Total)
		}
		for _, l := range q.Lines {
			if l.Total.Sign() < 0 || !l.Amount.Equal(l.Discount.Add(l.Points).Add(l.Total)) {
				rt.Fatalf("line %s does not add up: %+v", l.ID, l)
			}
		}
		limit := q.Subtotal.Sub(q.Discount).Mul(dec("0.5"))
		if q.PointsValue.GreaterThan(limit) || q.PointsUsed > pts {
			rt.Fatalf("points %d worth %s exceed the share or the request", q.PointsUsed, q.PointsValue)
		}
		if len(coupons) > 0 {
			b.Coupons = append(b.Coupons, coupons[0])
			_, err := p.Price(b)
			var ce *loyalty.CouponError
			if !errors.As(err, &ce) || ce.Rule != loyalty.RuleRepeated {
				rt.Fatalf("the same coupon twice: got %v", err)
			}
		}
	})
}

// Splitting a line into lines of one unit each moves the total by at
// most a cent per deduction: every discount is rounded once, on what its
// lines cost together, and only the cents a step spreads over its lines
// may fall on other lines, and so shift what a later step of some of
// them takes. Rounded per line, each line gained up to half a cent per
// step.
func TestPriceSplittingLinesMovesACentPerDeductionAtMost(t *testing.T) {
	p := club(t)
	rapid.Check(t, func(rt *rapid.T) {
		b := drawBasket(rt)
		q, err := p.Price(b)
		if err != nil {
			rt.Skip("refused as a whole")
		}
		split := b
		split.Items = nil
		for _, it := range b.Items {
			if it.Discount.Sign() != 0 || it.Quantity == 1 {
				split.Items = append(split.Items, it) // a markdown does not split evenly
				continue
			}
			for u := range it.Quantity {
				one := it
				one.ID, one.Quantity = fmt.Sprintf("%s-%d", it.ID, u), 1
				split.Items = append(split.Items, one)
			}
		}
		qs, err := p.Price(split)
		var ce *loyalty.CouponError
		if errors.As(err, &ce) && ce.Rule == loyalty.RuleScope && strings.Contains(err.Error(), "cost nothing") {
			// A line of a cent in a coupon's scope, alone in it: split
			// apart, a spread cent of a seasonal discount may fall on it
			// and leave the coupon nothing to take, which refuses it.
			rt.Skip("the split leaves a coupon's lines costing nothing")
		}
		if err != nil {
			rt.Fatalf("the split basket is refused: %v", err)
		}
		bound := decimal.New(int64(len(q.Deductions)), -2)
		if q.Total.Sub(qs.Total).Abs().GreaterThan(bound) {
			rt.Fatalf("discount %s, points %s, total %s; split into single units: %s, %s, %s",
				q.Discount, q.PointsValue, q.Total, qs.Discount, qs.PointsValue, qs.Total)
		}
	})
}

// drawBasket draws a basket of one to five lines, some marked down, with up
// to three combinable coupons and points, for the club programme.
func drawBasket(rt *rapid.T) loyalty.Basket {
	cats := []string{"coats", "socks", "knitwear", "hats"}
	seasons := []string{"2025-AW", "2026-SS"}
	n := rapid.IntRange(1, 5).Draw(rt, "lines")
	var items []loyalty.Item
	for i := range n {
		cents := rapid.Int64Range(0, 100000).Draw(rt, "cents")
		qty := rapid.IntRange(1, 4).Draw(rt, "qty")
		it := loyalty.Item{Line: customer.Line{ID: fmt.Sprint("L", i), SKU: fmt.Sprint("S", i%3),
			Category: rapid.SampledFrom(cats).Draw(rt, "cat"), Season: rapid.SampledFrom(seasons).Draw(rt, "season"),
			Quantity: qty, UnitPrice: decimal.New(cents, -2)}, Series: rapid.SampledFrom([]string{"", "tweed"}).Draw(rt, "series")}
		if rapid.Bool().Draw(rt, "markdown") {
			it.Discount = decimal.New(rapid.Int64Range(0, cents*int64(qty)).Draw(rt, "markdown cents"), -2)
		}
		items = append(items, it)
	}
	var coupons []loyalty.Coupon
	for i := range rapid.IntRange(0, 3).Draw(rt, "coupons") {
		c := loyalty.Coupon{Code: fmt.Sprint("C", i), Stacking: loyalty.StackCombinable,
			Scope: rapid.SampledFrom([]loyalty.Scope{{Kind: loyalty.ScopeAll}, {Kind: loyalty.ScopeCategory, Values: []string{"coats", "hats"}}, {Kind: loyalty.ScopeSeries, Values: []string{"tweed"}}}).Draw(rt, "scope")}
		if rapid.Bool().Draw(rt, "percent") {
			c.Kind, c.Percent = loyalty.CouponPercent, decimal.NewFromInt(int64(rapid.IntRange(5, 60).Draw(rt, "pct")))
		} else {
			c.Kind = loyalty.CouponFixed
			c.Amount, _ = customer.MoneyFromDecimal(decimal.New(rapid.Int64Range(1, 200000).Draw(rt, "amount"), -2), "EUR")
		}
		coupons = append(coupons, c)
	}
	pts := loyalty.Points(rapid.Int64Range(0, 100000).Draw(rt, "points"))
	if pts > 0 && pts < 100 {
		pts = 100
	}
	return loyalty.Basket{Member: "M1", Time: day(2026, rapid.SampledFrom([]time.Month{2, 6}).Draw(rt, "month"), 1),
		Currency: "EUR", Items: items, Coupons: coupons, Points: pts, Available: pts}
}

// knitBasket is a member's basket with a 20% knitwear coupon: 19.80 off
// the jumper, nothing off the coat.
func knitBasket(t testing.TB) loyalty.Basket {
	return loyalty.Basket{Member: "M1", Time: day(2026, 5, 4), Currency: "EUR",
		Items: []loyalty.Item{item("KNIT", "knitwear", "2026-SS", "99.00", 1), item("COAT", "coats", "2026-SS", "150.00", 1)},
		Coupons: []loyalty.Coupon{{Code: "KNIT20", Kind: loyalty.CouponPercent, Percent: dec("20"), Stacking: loyalty.StackCombinable,
			Scope: loyalty.Scope{Kind: loyalty.ScopeCategory, Values: []string{"knitwear"}}}}}
}

// TestQuoteOrderKeepsEachDiscountOnItsLine: the order comes from the
// basket the quote priced, so what the caller does to its own items
// afterwards (reordering them, keeping a subset, putting other goods
// under a line ID) cannot drop or move a discount.
func TestQuoteOrderKeepsEachDiscountOnItsLine(t *testing.T) {
	p := club(t)
	b := knitBasket(t)
	q, err := p.Price(b)
	require.NoError(t, err)
	require.True(t, q.Lines[0].Discount.Equal(dec("19.80")), q.Lines[0].Discount.String())
	want, err := q.Order("O1", customer.Online)
	require.NoError(t, err)
	assert.Equal(t, customer.ID("M1"), want.CustomerID)
	assert.True(t, want.Time.Equal(b.Time))
	require.Len(t, want.Lines, 2)
	assert.Equal(t, "KNIT", want.Lines[0].ID)
	assert.True(t, want.Lines[0].Discount.Equal(dec("19.80")), want.Lines[0].Discount.String())
	assert.True(t, want.Lines[1].Discount.IsZero(), want.Lines[1].Discount.String())
	net := want.Lines[0].Net().Add(want.Lines[1].Net())
	assert.True(t, net.Equal(q.Total) && net.Equal(dec("229.20")), net.String())

	edits := map[string]func(items []loyalty.Item) []loyalty.Item{
		"reordered": func(items []loyalty.Item) []loyalty.Item { slices.Reverse(items); return items },
		"subset":    func(items []loyalty.Item) []loyalty.Item { return items[1:] },
		"swapped": func(items []loyalty.Item) []loyalty.Item {
			items[0] = item("KNIT", "hats", "2026-SS", "12.00", 3)
			return items
		},
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			b := knitBasket(t)
			q, err := p.Price(b)
			require.NoError(t, err)
			b.Items = edit(b.Items)
			got, err := q.Order("O1", customer.Online)
			require.NoError(t, err)
			assert.True(t, got.Equal(want), "the order is the priced basket's: %+v", got.Lines)
		})
	}

	// Pricing the items in another order puts each discount on the same goods.
	r := knitBasket(t)
	slices.Reverse(r.Items)
	qr, err := p.Price(r)
	require.NoError(t, err)
	got, err := qr.Order("O1", customer.Online)
	require.NoError(t, err)
	require.Len(t, got.Lines, 2)
	assert.True(t, got.Lines[0].Equal(want.Lines[1]) && got.Lines[1].Equal(want.Lines[0]), "%+v", got.Lines)

	// The purchase earns on the 229.20 paid: 79.20 of knitwear at double points, 150 of coat.
	a := joined(t, p, day(2026, 1, 5))
	_, entries, err := p.Apply(a, loyalty.Purchase{Order: want}, b.Time)
	require.NoError(t, err)
	assert.True(t, entries[0].Spend.Equal(dec("229.20")), entries[0].Spend.String())
	assert.Equal(t, loyalty.Points(308), entries[0].Points)
}

// TestQuoteOrderRefusesAChangedQuote: a quote whose lines or amounts were
// changed after pricing, one with no basket, an anonymous one, and an
// invalid order ID or channel give an error naming the field and no
// order.
func TestQuoteOrderRefusesAChangedQuote(t *testing.T) {
	p := club(t)
	priced := func() loyalty.Quote {
		b := knitBasket(t)
		b.Points, b.Available = 1000, 1000
		q, err := p.Price(b)
		require.NoError(t, err)
		return q
	}
	tests := []struct {
		name    string
		edit    func(q *loyalty.Quote)
		id      string
		channel customer.Channel
		fields  []string
	}{
		{"lines reordered", func(q *loyalty.Quote) { slices.Reverse(q.Lines) }, "O1", customer.Online, []string{"lines[0].id", "lines[1].id"}},
		{"a line dropped", func(q *loyalty.Quote) { q.Lines = q.Lines[1:] }, "O1", customer.Online, []string{"lines"}},
		{"a line added", func(q *loyalty.Quote) { q.Lines = append(q.Lines, q.Lines[0]) }, "O1", customer.Online, []string{"lines"}},
		{"other goods under a line", func(q *loyalty.Quote) { q.Lines[1].ID = "HAT" }, "O1", customer.Online, []string{"lines[1].id"}},
		{"discount moved to another line", func(q *loyalty.Quote) {
			d := q.Lines[0].Discount
			q.Lines[0].Discount, q.Lines[0].Total = decimal.Zero, q.Lines[0].Total.Add(d)
			q.Lines[1].Discount, q.Lines[1].Total = d, q.Lines[1].Total.Sub(d)
		}, "O1", customer.Online, []string{"lines[0].discount", "lines[0].total", "lines[1].discount", "lines[1].total"}},
		{"amount changed", func(q *loyalty.Quote) { q.Lines[1].Amount = dec("15") }, "O1", customer.Online, []string{"lines[1].amount"}},
		{"points changed", func(q *loyalty.Quote) { q.Lines[1].Points = decimal.Zero }, "O1", customer.Online, []string{"lines[1].points"}},
		{"total changed", func(q *loyalty.Quote) { q.Total = q.Total.Add(dec("0.01")) }, "O1", customer.Online, []string{"total"}},
		{"discount changed", func(q *loyalty.Quote) { q.Discount = decimal.Zero }, "O1", customer.Online, []string{"discount"}},
		{"points value changed", func(q *loyalty.Quote) { q.PointsValue = decimal.Zero }, "O1", customer.Online, []string{"points_value"}},
		{"zero quote", func(q *loyalty.Quote) { *q = loyalty.Quote{} }, "O1", customer.Online, []string{"lines"}},
		{"hand-built quote", func(q *loyalty.Quote) { *q = loyalty.Quote{Currency: q.Currency, Lines: q.Lines, Total: q.Total} }, "O1", customer.Online, []string{"lines"}},
		{"empty order ID", func(*loyalty.Quote) {}, "", customer.Online, []string{"id"}},
		{"unknown channel", func(*loyalty.Quote) {}, "O1", customer.Channel(0), []string{"channel"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := priced()
			tc.edit(&q)
			o, err := q.Order(tc.id, tc.channel)
			assert.Equal(t, tc.fields, fieldsOf(t, err), "%v", err)
			assert.True(t, o.Equal(customer.Order{}) && o.Lines == nil, "no order: %+v", o)
		})
	}

	t.Run("anonymous basket", func(t *testing.T) {
		b := knitBasket(t)
		b.Member = ""
		q, err := p.Price(b)
		require.NoError(t, err)
		o, err := q.Order("O1", customer.Store)
		assert.Equal(t, []string{"member"}, fieldsOf(t, err))
		assert.Nil(t, o.Lines)
	})
}

// TestQuoteOrderProperties: for any basket and coupons, the order built
// from the quote is valid and is the basket priced, line for line; each
// line's discount grew by exactly the quote line's discount and points;
// the quote lines' discounts sum to the quote's Discount; the order's
// net amount is the quote's Total, and a purchase of it earns on that
// spend. What the caller does to its basket after pricing changes none
// of this.
func TestQuoteOrderProperties(t *testing.T) {
	p := club(t)
	member := joined(t, p, day(2026, 1, 5))
	rapid.Check(t, func(rt *rapid.T) {
		b := drawBasket(rt)
		items := slices.Clone(b.Items)
		q, err := p.Price(b)
		if err != nil {
			return // refused coupons: TestPriceProperties checks why
		}
		if perm := rapid.Permutation(b.Items).Draw(rt, "caller's items afterwards"); len(perm) > 0 {
			copy(b.Items, perm)
		}
		o, err := q.Order("O1", customer.Online)
		if err != nil {
			rt.Fatalf("order of a priced basket: %v", err)
		}
		if err := o.Validate(b.Time); err != nil {
			rt.Fatalf("invalid order: %v", err)
		}
		if o.CustomerID != b.Member || !o.Time.Equal(b.Time) || o.Currency != q.Currency || len(o.Lines) != len(items) || len(q.Lines) != len(items) {
			rt.Fatalf("order %+v is not the basket's", o)
		}
		lineDiscounts, added, net := decimal.Zero, decimal.Zero, decimal.Zero
		for i, l := range o.Lines {
			it, ql := items[i].Line, q.Lines[i]
			grown := l.Discount.Sub(it.Discount)
			if l.ID != it.ID || l.SKU != it.SKU || l.Quantity != it.Quantity || !l.UnitPrice.Equal(it.UnitPrice) || ql.ID != it.ID {
				rt.Fatalf("line %d: order %+v, basket %+v, quote %s", i, l, it, ql.ID)
			}
			if !grown.Equal(ql.Discount.Add(ql.Points)) {
				rt.Fatalf("line %s: discount grew by %s, the quote took %s + %s points", l.ID, grown, ql.Discount, ql.Points)
			}
			if !l.Net().Equal(ql.Total) {
				rt.Fatalf("line %s: net %s, quote line total %s", l.ID, l.Net(), ql.Total)
			}
			lineDiscounts = lineDiscounts.Add(ql.Discount)
			added = added.Add(grown)
			net = net.Add(l.Net())
		}
		if !lineDiscounts.Equal(q.Discount) {
			rt.Fatalf("line discounts sum to %s, the quote's discount is %s", lineDiscounts, q.Discount)
		}
		if !added.Equal(q.Discount.Add(q.PointsValue)) {
			rt.Fatalf("the order's discounts grew by %s, the quote took %s + %s in points", added, q.Discount, q.PointsValue)
		}
		if !net.Equal(q.Total) {
			rt.Fatalf("order net %s, quote total %s", net, q.Total)
		}
		_, entries, err := p.Apply(member, loyalty.Purchase{Order: o}, b.Time)
		if err != nil {
			rt.Fatalf("purchase: %v", err)
		}
		if !entries[0].Spend.Equal(q.Total) {
			rt.Fatalf("earned on %s, paid %s", entries[0].Spend, q.Total)
		}
	})
}

// The order in which combinable coupons are presented decides nothing:
// a permutation is accepted or refused alike (the same coupon and rule)
// and prices to the same total and deductions; and the coupons together
// are accepted exactly when each is accepted alone, since a coupon's
// minimum spend is measured before any coupon.
func TestCouponOrderDoesNotMatter(t *testing.T) {
	p := club(t)
	rapid.Check(t, func(rt *rapid.T) {
		b := drawBasket(rt)
		// Minimums near what the basket costs, so that coupons taken
		// first would often decide them.
		subtotal := decimal.Zero
		for _, it := range b.Items {
			subtotal = subtotal.Add(it.Net())
		}
		for i := range b.Coupons {
			if rapid.Bool().Draw(rt, "has min spend") {
				pct := rapid.Int64Range(1, 120).Draw(rt, "min spend % of the subtotal")
				b.Coupons[i].MinSpend = subtotal.Mul(decimal.NewFromInt(pct)).Shift(-2).Truncate(2)
			}
		}
		q, err := p.Price(b)
		perm := b
		perm.Coupons = rapid.Permutation(b.Coupons).Draw(rt, "presented")
		pq, perr := p.Price(perm)
		var ce, pce *loyalty.CouponError
		switch {
		case (err == nil) != (perr == nil):
			rt.Fatalf("presented as %v: %v; as %v: %v", codes(b.Coupons), err, codes(perm.Coupons), perr)
		case err != nil:
			require.ErrorAs(rt, err, &ce)
			require.ErrorAs(rt, perr, &pce)
			require.Equal(rt, ce.Code, pce.Code, "the same coupon is refused")
			require.Equal(rt, ce.Rule, pce.Rule)
		default:
			require.True(rt, q.Total.Equal(pq.Total), "total %s, permuted %s", q.Total, pq.Total)
			require.Equal(rt, q.Deductions, pq.Deductions)
			require.Equal(rt, outcome(q), outcome(pq))
		}
		for _, c := range b.Coupons {
			alone := b
			alone.Coupons = []loyalty.Coupon{c}
			_, aerr := p.Price(alone)
			var ace *loyalty.CouponError
			switch {
			case err == nil:
				require.NoError(rt, aerr, "coupon %s accepted with the others", c.Code)
			case c.Code == ce.Code:
				require.ErrorAs(rt, aerr, &ace, "coupon %s refused with the others (%v)", c.Code, err)
				require.Equal(rt, ce.Rule, ace.Rule)
			}
		}
	})
}

func codes(cs []loyalty.Coupon) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

// A coupon's minimum spend counts the lines after the programme's
// discounts and before any coupon: presented after a 20% coupon, a
// 10.00 coupon with a minimum of 100.00 still applies to a 110.00 basket.
func TestMinSpendBeforeCoupons(t *testing.T) {
	p := club(t)
	all := loyalty.Scope{Kind: loyalty.ScopeAll}
	pct := loyalty.Coupon{Code: "P20", Kind: loyalty.CouponPercent, Percent: dec("20"), Scope: all, Stacking: loyalty.StackCombinable}
	fix := loyalty.Coupon{Code: "F10", Kind: loyalty.CouponFixed, Amount: eur(t, "10.00"), Scope: all, Stacking: loyalty.StackCombinable, MinSpend: dec("100")}
	for _, cs := range [][]loyalty.Coupon{{pct, fix}, {fix, pct}} {
		q, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR",
			Items: []loyalty.Item{item("COAT", "coats", "2026-SS", "110.00", 1)}, Coupons: cs})
		require.NoError(t, err, codes(cs))
		assert.Equal(t, "78.00", q.Total.StringFixed(2), "20%% of 110.00, then 10.00 off: %v", codes(cs))
		assert.Equal(t, []string{"P20", "F10"}, []string{q.Deductions[0].Name, q.Deductions[1].Name}, "percentages first")
	}
}

// A quantity discount applies from exactly its minimum number of units in
// scope, counted over all the basket's lines, and not one unit before.
func TestQuantityDiscountExactlyAtItsMinimum(t *testing.T) {
	p := club(t) // 20% off socks from 3 units
	at := day(2026, 5, 1)
	price := func(items ...loyalty.Item) loyalty.Quote {
		q, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR", Items: items})
		require.NoError(t, err)
		return q
	}
	q := price(item("S1", "socks", "2026-SS", "5.00", 2), item("HAT", "hats", "2026-SS", "30", 1))
	assert.Empty(t, q.Deductions, "two pairs are one short")
	q = price(item("S1", "socks", "2026-SS", "5.00", 2), item("S2", "socks", "2026-SS", "7.50", 1), item("HAT", "hats", "2026-SS", "30", 1))
	require.Len(t, q.Deductions, 1)
	assert.Equal(t, loyalty.DeductQuantity, q.Deductions[0].Kind)
	assert.Equal(t, []string{"S1", "S2"}, q.Deductions[0].Lines)
	assert.True(t, q.Deductions[0].Amount.Equal(dec("3.50")), "20%% of 17.50 is %s", q.Deductions[0].Amount)
	assert.True(t, q.Total.Equal(dec("44.00")))
}

// A coupon valid until the end of 31 December in Paris is bounded by
// that instant, whatever zone the basket's time is written in: 23:30 in
// Paris is in, 23:30 in London (00:30 in Paris) is out.
func TestCouponValidityIsAnInstant(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	p := club(t)
	c := loyalty.Coupon{Code: "NYE", Kind: loyalty.CouponPercent, Percent: dec("10"), Scope: loyalty.Scope{Kind: loyalty.ScopeAll},
		Stacking: loyalty.StackCombinable, ValidUntil: time.Date(2027, 1, 1, 0, 0, 0, 0, paris)}
	price := func(at time.Time) error {
		_, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR", Items: []loyalty.Item{item("HAT", "hats", "2026-SS", "30", 1)}, Coupons: []loyalty.Coupon{c}})
		return err
	}
	require.NoError(t, price(time.Date(2026, 12, 31, 23, 30, 0, 0, paris)))
	require.NoError(t, price(time.Date(2026, 12, 31, 22, 59, 59, 0, london)))
	err = price(time.Date(2026, 12, 31, 23, 30, 0, 0, london))
	var ce *loyalty.CouponError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, loyalty.RuleValidity, ce.Rule)
	assert.Equal(t, err, price(time.Date(2027, 1, 1, 0, 0, 0, 0, paris)), "the end is exclusive")
}

// The order in which a till scans the lines decides nothing: a cent that
// a deduction cannot split evenly goes to the same line (by line ID)
// however the lines are ordered, so what later steps take, the total and
// each line's share are the same. Here 10.01 off two lines of 30.00 leaves
// a cent over; the 50.00 coats coupon then takes whatever the coat still
// costs, so the cent, were it given to the first line scanned, would
// move the total.
func TestPriceDoesNotDependOnLineOrder(t *testing.T) {
	p := club(t)
	all := loyalty.Scope{Kind: loyalty.ScopeAll}
	coats := loyalty.Scope{Kind: loyalty.ScopeCategory, Values: []string{"coats"}}
	b := loyalty.Basket{Member: "M1", Time: day(2026, 5, 4), Currency: "EUR",
		Items: []loyalty.Item{item("COAT", "coats", "2026-SS", "30.00", 1), item("KNIT", "knitwear", "2026-SS", "30.00", 1)},
		Coupons: []loyalty.Coupon{
			{Code: "A-ALL", Kind: loyalty.CouponFixed, Amount: eur(t, "10.01"), Scope: all, Stacking: loyalty.StackCombinable},
			{Code: "B-COATS", Kind: loyalty.CouponFixed, Amount: eur(t, "50.00"), Scope: coats, Stacking: loyalty.StackCombinable},
		}}
	q, err := p.Price(b)
	require.NoError(t, err)
	b.Items = []loyalty.Item{b.Items[1], b.Items[0]}
	r, err := p.Price(b)
	require.NoError(t, err)
	require.Equal(t, q.Total.StringFixed(2), r.Total.StringFixed(2), "scanned coat first, then knit first")

	rapid.Check(t, func(rt *rapid.T) {
		b := drawBasket(rt)
		q, err := p.Price(b)
		if err != nil {
			rt.Skip("refused as a whole")
		}
		perm := b
		perm.Items = rapid.Permutation(b.Items).Draw(rt, "scanned")
		pq, err := p.Price(perm)
		require.NoError(rt, err, "the same basket scanned in another order")
		for _, x := range [][2]decimal.Decimal{{q.Discount, pq.Discount}, {q.PointsValue, pq.PointsValue}, {q.Total, pq.Total}} {
			require.True(rt, x[0].Equal(x[1]), "%s, scanned in another order %s", x[0], x[1])
		}
		require.Equal(rt, q.PointsUsed, pq.PointsUsed)
		byID := map[string]loyalty.QuoteLine{}
		for _, l := range q.Lines {
			byID[l.ID] = l
		}
		for _, l := range pq.Lines {
			o := byID[l.ID]
			if !o.Discount.Equal(l.Discount) || !o.Points.Equal(l.Points) || !o.Total.Equal(l.Total) {
				rt.Fatalf("line %s: %+v, scanned in another order %+v", l.ID, o, l)
			}
		}
	})
}

// A free gift (a line that costs nothing) is not bought: it does not
// count towards a quantity discount's minimum, so a gift pair of socks
// does not bring two bought pairs to the three of "three pairs of socks".
func TestQuantityDiscountDoesNotCountGifts(t *testing.T) {
	p := club(t) // 20% off socks from 3 units
	gift := item("GIFT", "socks", "2026-SS", "0", 1)
	q, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR",
		Items: []loyalty.Item{item("S1", "socks", "2026-SS", "5.00", 2), gift}})
	require.NoError(t, err)
	assert.Empty(t, q.Deductions, "two pairs bought and one given")
	assert.Equal(t, "10.00", q.Total.StringFixed(2))

	q, err = p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR",
		Items: []loyalty.Item{item("S1", "socks", "2026-SS", "5.00", 3), gift}})
	require.NoError(t, err)
	require.Len(t, q.Deductions, 1, "three pairs bought")
	assert.Equal(t, "3.00", q.Deductions[0].Amount.StringFixed(2), "20%% of 15.00")
	assert.Equal(t, "12.00", q.Total.StringFixed(2))
}

// A coupon whose in-scope lines cost nothing before coupons (a free gift)
// would take nothing; it is refused (scope), so that a till does not
// record a single-use coupon as used for nothing off.
func TestCouponOnlyOnGiftsIsRefused(t *testing.T) {
	p := club(t)
	gift := item("GIFT", "socks", "2026-SS", "0", 1)
	coat := item("COAT", "coats", "2026-SS", "120.00", 1)
	onGift := loyalty.Scope{Kind: loyalty.ScopeSKU, Values: []string{"GIFT"}}
	for _, c := range []loyalty.Coupon{
		{Code: "P10", Kind: loyalty.CouponPercent, Percent: dec("10"), Scope: onGift, Stacking: loyalty.StackCombinable, MaxUses: 1},
		{Code: "F5", Kind: loyalty.CouponFixed, Amount: eur(t, "5.00"), Scope: onGift, Stacking: loyalty.StackCombinable, MaxUses: 1},
	} {
		_, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR",
			Items: []loyalty.Item{coat, gift}, Coupons: []loyalty.Coupon{c}})
		var ce *loyalty.CouponError
		require.ErrorAs(t, err, &ce, c.Code)
		assert.Equal(t, loyalty.RuleScope, ce.Rule, c.Code)
		assert.Equal(t, c.Code, ce.Code)
	}
}

// A malformed coupon is refused naming the field at fault, in Field (its
// JSON name) and at the head of the detail, so that a back office can
// point at it; and CheckCoupon says the same as Price.
func TestCouponErrorNamesTheField(t *testing.T) {
	p := club(t)
	all := loyalty.Scope{Kind: loyalty.ScopeAll}
	pct := loyalty.Coupon{Code: "A", Kind: loyalty.CouponPercent, Percent: dec("10"), Scope: all, Stacking: loyalty.StackCombinable}
	fix := loyalty.Coupon{Code: "F", Kind: loyalty.CouponFixed, Amount: eur(t, "10"), Scope: all, Stacking: loyalty.StackCombinable}
	mod := func(c loyalty.Coupon, f func(*loyalty.Coupon)) loyalty.Coupon { f(&c); return c }
	tests := []struct {
		coupon loyalty.Coupon
		field  string
	}{
		{mod(pct, func(c *loyalty.Coupon) { c.Code = "" }), "code"},
		{mod(pct, func(c *loyalty.Coupon) { c.Kind = 0 }), "kind"},
		{mod(pct, func(c *loyalty.Coupon) { c.Stacking = 0 }), "stacking"},
		{mod(pct, func(c *loyalty.Coupon) { c.Percent = dec("1e999999999") }), "percent"},
		{mod(fix, func(c *loyalty.Coupon) { c.Amount, _ = customer.MoneyFromDecimal(dec("1e40"), "EUR") }), "amount"},
		{mod(pct, func(c *loyalty.Coupon) { c.MinSpend = dec("1e-40") }), "min_spend"},
		{mod(pct, func(c *loyalty.Coupon) { c.Percent = dec("61") }), "percent"},
		{mod(pct, func(c *loyalty.Coupon) { c.Percent = dec("4.99") }), "percent"},
		{mod(fix, func(c *loyalty.Coupon) { c.Amount = customer.Money{} }), "amount"},
		{mod(fix, func(c *loyalty.Coupon) { c.Amount = eur(t, "-5") }), "amount"},
		{mod(pct, func(c *loyalty.Coupon) { c.MaxUses = -1 }), "max_uses"},
		{mod(pct, func(c *loyalty.Coupon) { c.MaxUsesPerMember = -1 }), "max_uses_per_member"},
		{mod(pct, func(c *loyalty.Coupon) { c.ValidFrom, c.ValidUntil = day(2026, 6, 1), day(2026, 5, 1) }), "valid_until"},
		{mod(pct, func(c *loyalty.Coupon) { c.Scope = loyalty.Scope{Kind: loyalty.ScopeSKU, Values: []string{"HAT", " "}} }), "scope.values[1]"},
		{mod(pct, func(c *loyalty.Coupon) { c.Scope = loyalty.Scope{Kind: loyalty.ScopeSKU} }), "scope.values"},
	}
	for _, tc := range tests {
		_, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 5, 1), Currency: "EUR",
			Items: []loyalty.Item{item("HAT", "hats", "2026-SS", "30", 1)}, Coupons: []loyalty.Coupon{tc.coupon}})
		var ce *loyalty.CouponError
		require.ErrorAs(t, err, &ce, tc.field)
		assert.Equal(t, tc.field, ce.Field, "%v", err)
		assert.True(t, strings.HasPrefix(ce.Detail, tc.field+": "), "the detail %q names %s", ce.Detail, tc.field)
		assert.Equal(t, ce, p.CheckCoupon(tc.coupon))
	}

	// A well-formed coupon that the order fails names the field whose
	// rule it fails.
	at := day(2026, 5, 1)
	for _, tc := range []struct {
		coupons []loyalty.Coupon
		uses    map[string]loyalty.CouponUses
		field   string
	}{
		{[]loyalty.Coupon{pct, pct}, nil, "code"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.Stacking = loyalty.StackExclusive }), fix}, nil, "stacking"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.ValidFrom = at.Add(time.Second) })}, nil, "valid_from"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.ValidUntil = at })}, nil, "valid_until"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.Holder = "M2" })}, nil, "holder"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.MaxUses = 1 })}, map[string]loyalty.CouponUses{"A": {Total: 1}}, "max_uses"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.MaxUsesPerMember = 1 })}, map[string]loyalty.CouponUses{"A": {Total: 1, ByMember: 1}}, "max_uses_per_member"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.Scope = loyalty.Scope{Kind: loyalty.ScopeSeries, Values: []string{"tweed"}} })}, nil, "scope"},
		{[]loyalty.Coupon{mod(pct, func(c *loyalty.Coupon) { c.MinSpend = dec("30.01") })}, nil, "min_spend"},
	} {
		_, err := p.Price(loyalty.Basket{Member: "M1", Time: at, Currency: "EUR",
			Items: []loyalty.Item{item("HAT", "hats", "2026-SS", "30", 1)}, Coupons: tc.coupons, Uses: tc.uses})
		var ce *loyalty.CouponError
		require.ErrorAs(t, err, &ce, tc.field)
		assert.Equal(t, tc.field, ce.Field, "%v", err)
		assert.True(t, strings.HasPrefix(ce.Detail, tc.field+": "), "the detail %q names %s", ce.Detail, tc.field)
	}
}
