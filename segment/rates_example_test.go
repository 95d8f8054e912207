package segment_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// eurRates are the euro rates of one day: the amount of EUR that one
// unit of a currency is worth.
type eurRates map[customer.Currency]string

func (r eurRates) Rate(from, to customer.Currency) (decimal.Decimal, error) {
	if s, ok := r[from]; ok && to == "EUR" {
		return decimal.NewFromString(s)
	}
	return decimal.Decimal{}, fmt.Errorf("%s not quoted", from)
}

// Dealers billed in euros and one in yen are fitted together, at the
// caller's rates of the as-of day; the yen dealer's money is compared in
// euros, and its result carries its net in euros.
func ExampleFitInputs_rates() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	dealer := func(id string, cur customer.Currency, amounts ...string) segment.Input {
		s := customer.NewSummary(customer.ID(id), customer.Intermediary, asOf, nil)
		for i, a := range amounts {
			_ = s.AddOrder(customer.Order{ID: fmt.Sprint(id, i), CustomerID: s.CustomerID,
				Time: asOf.AddDate(0, 0, -30-90*i), Channel: customer.Wholesale, Currency: cur,
				Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 10, UnitPrice: decimal.RequireFromString(a)}}})
		}
		return segment.Input{Summary: s}
	}
	population := []segment.Input{
		dealer("d-fr", "EUR", "120.00", "95.00", "110.00"),
		dealer("d-de", "EUR", "80.00", "60.00"),
		dealer("d-it", "EUR", "45.00"),
		dealer("d-jp", "JPY", "19200", "16000", "17600"),
	}
	opts := &segment.Options{Currency: "EUR", Rates: eurRates{"JPY": "0.00625"}}
	m, obs, err := segment.FitInputs(population, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	var r segment.Result
	for i := range obs {
		if err := m.Classify(&r, &obs[i]); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.ID, r.Currency, r.Currency.Format(r.Net), r.Quadrant)
	}

	// Without a rate for the yen, the dealer is refused by name.
	opts.Rates = eurRates{}
	_, _, err = segment.FitInputs(population, opts)
	fmt.Println(err)
	// Output:
	// d-fr EUR 3250.00 high-value
	// d-de EUR 1400.00 low-value
	// d-it EUR 450.00 low-value
	// d-jp EUR 3300.00 high-value
	// segment: customer "d-jp": no rate from JPY to EUR: JPY not quoted
}
