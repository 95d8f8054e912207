package segment

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// Rates gives the exchange rates of a fit in several currencies
// (Options.Currency and Options.Rates).
//
// Rate returns the amount of currency to that one unit of currency from
// is worth: with 160 JPY to the euro, Rate("JPY", "EUR") is 0.00625. It
// is asked only for the currency of a customer that differs from
// Options.Currency, never for a pair of equal currencies. An error (no
// rate for the pair) refuses the customer; so does a rate that is not
// positive.
//
// A fit compares customers observed at one as-of day ([Stats]), so it
// takes one rate per pair: that of the as-of day of the summaries
// ([customer.Summary].AsOf), the day whose money the scores compare. The
// rate of another day would move every customer of the currency up or
// down against the others by the change of the rate; a caller who wants
// each order at the rate of its own day converts the orders before
// summarising them. [FitInputs] asks for each pair once.
type Rates interface {
	Rate(from, to customer.Currency) (decimal.Decimal, error)
}

// checkRates returns an error wrapping [ErrInvalidOptions] when only one
// of Currency and Rates is set, or Currency is not a currency code.
func (o *Options) checkRates() error {
	var why string
	switch {
	case o.Currency == "" && o.Rates == nil:
		return nil
	case o.Rates == nil:
		why = fmt.Sprintf("Currency %s without Rates: give the exchange rates into it", o.Currency)
	case o.Currency == "":
		why = "Rates without a Currency to convert into"
	case !o.Currency.Valid():
		why = fmt.Sprintf("Currency %q: not a currency code", o.Currency)
	default:
		return nil
	}
	return fmt.Errorf("segment: %s: %w", why, ErrInvalidOptions)
}

// convert converts the indicators x and the amounts net and credited of
// one customer into opts.Currency when opts set one and the customer's
// currency is another ([value.Indicators.Convert]; the decimals exactly,
// Net × rate). A customer without a currency (no money facts) is left as
// it is. On error nothing is changed.
func convert(opts *Options, x *value.Indicators, net, credited *decimal.Decimal) error {
	if opts == nil || opts.Rates == nil || x.Currency == "" || x.Currency == opts.Currency {
		return nil
	}
	from, to := x.Currency, opts.Currency
	rate, err := opts.Rates.Rate(from, to)
	if err != nil {
		return fmt.Errorf("segment: customer %q: no rate from %s to %s: %w", x.ID, from, to, err)
	}
	if err := x.Convert(to, rate); err != nil {
		return err
	}
	*net, *credited = net.Mul(rate), credited.Mul(rate)
	return nil
}

// onceRates asks Rates for each pair once, so that every customer of a
// currency in one [FitInputs] is converted at one rate.
type onceRates struct {
	r    Rates
	seen map[[2]customer.Currency]rateOrErr
}

type rateOrErr struct {
	rate decimal.Decimal
	err  error
}

// Rate implements [Rates].
func (o *onceRates) Rate(from, to customer.Currency) (decimal.Decimal, error) {
	k := [2]customer.Currency{from, to}
	v, ok := o.seen[k]
	if !ok {
		v.rate, v.err = o.r.Rate(from, to)
		o.seen[k] = v
	}
	return v.rate, v.err
}
