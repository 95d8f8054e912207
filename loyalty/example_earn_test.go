package loyalty_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Two promotions match the coat: double points on coats and triple points
// in the opening week, six times the points together. MaxFactor caps the
// combined multiplier of a line at 4.
func ExampleEarnConfig_maxFactor() {
	t := time.Date(2026, 10, 2, 11, 0, 0, 0, time.UTC)
	p, err := loyalty.Compile(loyalty.Config{Name: "club", Currency: "EUR",
		Earn: loyalty.EarnConfig{PointsPerUnit: decimal.NewFromInt(1), MaxFactor: decimal.NewFromInt(4),
			Multipliers: []loyalty.Multiplier{
				{Name: "double points on coats", Factor: decimal.NewFromInt(2), Categories: []string{"coats"}},
				{Name: "opening week", Factor: decimal.NewFromInt(3), Until: t.AddDate(0, 0, 7)},
			}},
		Redeem: loyalty.RedeemConfig{PointsPerUnit: decimal.NewFromInt(100)}})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _, _ := p.Apply(loyalty.Account{}, loyalty.Join{Member: "ana", Time: t}, t)
	o := customer.Order{ID: "O-1", CustomerID: "ana", Time: t, Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "COAT-1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("100.00")},
			{ID: "2", SKU: "SCARF-1", Category: "accessories", Quantity: 1, UnitPrice: decimal.RequireFromString("20.00")},
		}}
	_, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, t)
	fmt.Println(entries[0].Kind, entries[0].Points, err)
	// Output:
	// earn 460 <nil>
}

// The member's uses of a coupon are kept in its ledger with the orders
// that used them. A coupon of one use per member is refused on the
// member's second order, and nothing is recorded.
func ExampleAccount_CouponUses() {
	t := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	p, err := loyalty.Compile(loyalty.Config{Name: "club", Currency: "EUR",
		Earn:   loyalty.EarnConfig{PointsPerUnit: decimal.NewFromInt(1)},
		Redeem: loyalty.RedeemConfig{PointsPerUnit: decimal.NewFromInt(100)}})
	if err != nil {
		fmt.Println(err)
		return
	}
	welcome := loyalty.Coupon{Code: "WELCOME10", Kind: loyalty.CouponPercent, Percent: decimal.NewFromInt(10), MaxUsesPerMember: 1}
	order := func(id string, at time.Time) customer.Order {
		return customer.Order{ID: id, CustomerID: "leo", Time: at, Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", SKU: "SHIRT", Quantity: 1, UnitPrice: decimal.RequireFromString("39.95"),
				Discount: decimal.RequireFromString("4.00")}}}
	}
	a, _, _ := p.Apply(loyalty.Account{}, loyalty.Join{Member: "leo", Time: t}, t)
	use := []loyalty.CouponUse{loyalty.NewCouponUse(welcome)}
	a, _, err = p.Apply(a, loyalty.Purchase{Order: order("O-1", t), Coupons: use}, t)
	fmt.Println("first order:", err, "uses:", a.CouponUses("WELCOME10"))

	later := t.Add(24 * time.Hour)
	_, entries, err := p.Apply(a, loyalty.Purchase{Order: order("O-2", later), Coupons: use}, later)
	var ce *loyalty.CouponError
	fmt.Println("second order refused:", errors.As(err, &ce), "entries:", len(entries))
	// Output:
	// first order: <nil> uses: 1
	// second order refused: true entries: 0
}
