package value_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// A dealer network measures what the library cannot derive from the
// sales: the staff each dealer has trained and whether it is a target
// customer. The model declares them as custom indicators, its leaves
// measure them as any other, and the caller sets each dealer's values
// after Extract; a dealer whose staff count is unknown falls back to its
// number of outlets.
func ExampleModel_SetCustom() {
	model := value.Model{Kind: customer.Intermediary,
		Custom: []value.CustomIndicator{{Name: "staff-trained"}, {Name: "target-customer", UnitScale: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			{Name: "revenue", Weight: 1, Measure: &value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax}}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "operating-strength", Weight: 1, Children: []value.Node{
				{Name: "staff", Weight: 0.6, Measure: &value.Measure{Indicator: value.Custom(0), Transform: value.Log,
					Method: value.MinMax, Fallback: value.Outlets}},
				{Name: "target", Weight: 0.4, Measure: &value.Measure{Indicator: value.Custom(1), Transform: value.Linear,
					Method: value.Absolute}},
			}}}},
	}
	if err := model.Validate(); err != nil {
		panic(err)
	}

	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	var pop []value.Indicators
	for _, d := range []struct {
		id             string
		outlets, staff int
		target         float64
	}{{"north", 3, 24, 1}, {"south", 5, 4, 0}, {"east", 2, -1, 1}} {
		x := dealerOf(d.id, asOf, d.outlets)
		if d.staff >= 0 {
			if err := model.SetCustom(&x, "staff-trained", float64(d.staff)); err != nil {
				panic(err)
			}
		}
		if err := model.SetCustom(&x, "target-customer", d.target); err != nil {
			panic(err)
		}
		pop = append(pop, x)
	}
	sc, err := value.Fit(model, pop)
	if err != nil {
		panic(err)
	}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		if err != nil {
			panic(err)
		}
		p := sc.Explain(&pop[i], &s)[1]
		read := p.Indicator.String()
		if k, ok := p.Indicator.CustomIndex(); ok {
			read = model.Custom[k].Name
		}
		fmt.Printf("%s: potential %.3f; leaf %s read %s = %v (its %s)\n", pop[i].ID, s.Potential, p.Path, read, p.Raw, p.Source)
	}
	err = model.SetCustom(&pop[0], "staff", 3)
	fmt.Println(err)

	data, _ := json.Marshal(model.Custom)
	fmt.Println(string(data))
	// Output:
	// north: potential 0.500; leaf potential/operating-strength/staff read staff-trained = 24 (its indicator)
	// south: potential 0.000; leaf potential/operating-strength/staff read staff-trained = 4 (its indicator)
	// east: potential 0.200; leaf potential/operating-strength/staff read outlets = 2 (its fallback)
	// value: customer "north": custom indicator "staff": the intermediary model declares none of that name
	// [{"name":"staff-trained"},{"name":"target-customer","unit_scale":true}]
}

// dealerOf returns the indicators of a dealer with one order of 2,000 €
// ninety days before asOf and the given number of outlets.
func dealerOf(id string, asOf time.Time, outlets int) value.Indicators {
	s := customer.NewSummary(customer.ID(id), customer.Intermediary, asOf, nil)
	_ = s.AddOrder(customer.Order{ID: id + "-1", CustomerID: s.CustomerID, Time: asOf.AddDate(0, 0, -90),
		Channel: customer.Wholesale, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 50, UnitPrice: decimal.NewFromInt(40)}}})
	c := &customer.Customer{ID: s.CustomerID, Kind: customer.Intermediary, Trade: &customer.Trade{Outlets: outlets}}
	var x value.Indicators
	if err := value.Extract(s, c, &x); err != nil {
		panic(err)
	}
	return x
}

// A credit bureau's limit is money: it is given as a customer.Money in
// the dealer's currency, never as a float64, and converted with the
// dealer's other amounts. A limit in another currency than the dealer's
// is refused (segment.ObserveWith converts it with exchange rates), and
// a dealer without orders takes the currency of its limit.
func ExampleModel_SetCustomAmount() {
	model := value.Model{Kind: customer.Intermediary,
		Custom: []value.CustomIndicator{{Name: "bureau-limit", Money: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			{Name: "revenue", Weight: 1, Measure: &value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax}}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "limit", Weight: 1, Measure: &value.Measure{Indicator: value.Custom(0), Transform: value.Log, Method: value.MinMax}}}},
	}
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	x := dealerOf("north", asOf, 3) // buys in EUR
	limit, _ := customer.NewMoney("25000.50", "EUR")
	if err := model.SetCustomAmount(&x, "bureau-limit", limit); err != nil {
		panic(err)
	}
	if err := x.Convert("USD", decimal.RequireFromString("1.08")); err != nil {
		panic(err)
	}
	v, _ := x.Get(value.Custom(0))
	fmt.Println(x.Currency, v)

	y := dealerOf("south", asOf, 2)
	pounds, _ := customer.NewMoney("9000", "GBP")
	fmt.Println(model.SetCustomAmount(&y, "bureau-limit", pounds))
	fmt.Println(model.SetCustom(&y, "bureau-limit", 9000))

	prospect := value.Indicators{ID: "west", Kind: customer.Intermediary}
	_ = model.SetCustomAmount(&prospect, "bureau-limit", pounds)
	fmt.Println(prospect.Currency)
	// Output:
	// USD 27000.54
	// value: customer "south": indicator bureau-limit (custom-0) = 9000: an amount in another currency than the customer's: customer: currency mismatch: EUR and GBP
	// value: customer "south": indicator bureau-limit (custom-0) = 9000: a number where the model declares an amount of money (set it with Model.SetCustomAmount)
	// GBP
}
