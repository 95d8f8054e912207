package segment

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// ExchangeRates gives the exchange rates of a fit in several currencies
// (Options.Currency and Options.Rates).
//
// Rate returns the amount of currency to that one unit of currency from
// is worth: with 160 JPY to the euro, Rate("JPY", "EUR") is 0.00625. It
// is asked only for a currency that differs from Options.Currency — a
// customer's, or that of an amount of its trade record or of a custom
// amount ([value.CustomValue].Amount) in another currency than the
// customer's — never for a pair of equal currencies.
// An error (no rate for the pair) refuses the customer; so does a rate
// that [value.Indicators.Convert] refuses ([value.CheckRate]: one that
// is not positive, or that has no positive float64, such as 1e-400),
// whether it converts the customer or only an amount of it in another
// currency.
//
// A fit compares customers observed at one as-of day ([Stats]), so it
// takes one rate per pair: that of the as-of day of the summaries
// ([customer.Summary].AsOf), the day whose money the scores compare. The
// rate of another day would move every customer of the currency up or
// down against the others by the change of the rate; a caller who wants
// each order at the rate of its own day converts the orders before
// summarising them. [FitInputs] asks for each pair once.
type ExchangeRates interface {
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
	rate, err := rateOf(opts, x.ID, x.Currency)
	if err != nil {
		return err
	}
	if err := x.Convert(opts.Currency, rate); err != nil {
		return err
	}
	*net, *credited = net.Mul(rate), credited.Mul(rate)
	return nil
}

// rateOf returns the rate of currency from into opts.Currency, or an
// error naming customer id and the pair: one wrapping the error of
// Rates, or, for a rate that [value.Indicators.Convert] refuses, the
// [*value.InputError] of [value.CheckRate], which names the rate too.
func rateOf(opts *Options, id customer.ID, from customer.Currency) (decimal.Decimal, error) {
	rate, err := opts.Rates.Rate(from, opts.Currency)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("segment: customer %q: no rate from %s to %s: %w", id, from, opts.Currency, err)
	}
	if err := value.CheckRate(id, from, opts.Currency, rate); err != nil {
		return decimal.Decimal{}, err
	}
	return rate, nil
}

// tradeAmount is an amount of a trade record taken out by foreignTrade.
type tradeAmount struct {
	i value.Indicator
	m customer.Money
}

// foreignTrade returns in with a trade record without the amounts in
// another currency than the customer's own — the summary's, or, without
// orders, that of the first amount, as [value.Extract] reads them — and
// the amounts taken out, when opts convert ([ExchangeRates]); in as it is
// otherwise. Extract refuses such amounts; [ObserveWith] converts them
// apart.
func foreignTrade(opts *Options, in Input) (Input, []tradeAmount) {
	if opts == nil || opts.Rates == nil || in.Customer == nil || in.Customer.Trade == nil {
		return in, nil
	}
	t := *in.Customer.Trade
	own := in.Summary.Currency
	var out []tradeAmount
	for _, a := range []struct {
		i value.Indicator
		m *customer.Money
	}{{value.Turnover, &t.AnnualTurnover}, {value.MarketSize, &t.MarketSize}} {
		if a.m.IsZero() {
			continue
		}
		if own == "" {
			own = a.m.Currency()
		}
		if a.m.Currency() != own {
			out = append(out, tradeAmount{a.i, *a.m})
			*a.m = customer.Money{}
		}
	}
	if out == nil {
		return in, nil
	}
	c := *in.Customer
	c.Trade = &t
	in.Customer = &c
	return in, out
}

// convertTrade sets the indicators of the trade amounts that
// foreignTrade took out of x's record, each converted exactly into
// opts.Currency at the rate of its own currency and then rounded to the
// nearest float64 ([value.Float]); one beyond the float64 range is the
// error of [value.CheckConverted]. On error x is left as it was.
func convertTrade(opts *Options, x *value.Indicators, amounts []tradeAmount) error {
	y := *x
	for _, a := range amounts {
		d, err := exchange(opts, x.ID, a.i, a.m)
		if err != nil {
			return err
		}
		y.Set(a.i, value.Float(d))
	}
	*x = y
	return nil
}

// convertCustom sets the custom amounts that setCustom set aside, in
// another currency than x's, on x (already in opts.Currency), each
// converted exactly into opts.Currency at the rate of its own currency
// ([value.Model.SetCustomAmount] then takes the float64 nearest); one
// beyond the float64 range is the error of [value.CheckConverted],
// naming the indicator by its declared name. On error x is left as it
// was.
func convertCustom(opts *Options, m *value.Model, x *value.Indicators, amounts []customAmount) error {
	if len(amounts) == 0 {
		return nil
	}
	y := *x
	for _, a := range amounts {
		d, err := exchange(opts, x.ID, value.Custom(declaredAt(m, a.name)), a.amount)
		if err != nil {
			return nameCustom(err, m)
		}
		c, err := customer.MoneyFromDecimal(d, opts.Currency)
		if err != nil {
			return err
		}
		if err := m.SetCustomAmount(&y, a.name, c); err != nil {
			return err
		}
	}
	*x = y
	return nil
}

// exchange returns the amount a of indicator i in opts.Currency,
// exactly: a × the rate of a's currency. A missing rate is an error
// naming customer id and the pair; a rate that [value.Indicators.Convert]
// refuses, and a product beyond the float64 range, are an
// [*value.InputError] as Convert gives them ([value.CheckRate],
// [value.CheckConverted]).
func exchange(opts *Options, id customer.ID, i value.Indicator, a customer.Money) (decimal.Decimal, error) {
	d := a.Amount()
	cur := a.Currency()
	if cur == opts.Currency {
		// No rate, but the float64 range still bounds the amount.
		return d, value.CheckConverted(id, i, a, decimal.Decimal{}, opts.Currency)
	}
	rate, err := rateOf(opts, id, cur)
	if err != nil {
		return decimal.Decimal{}, err
	}
	if err := value.CheckConverted(id, i, a, rate, opts.Currency); err != nil {
		return decimal.Decimal{}, err
	}
	return d.Mul(rate), nil
}

// onceRates asks Rates for each pair once, so that every customer of a
// currency in one [FitInputs] is converted at one rate.
type onceRates struct {
	r    ExchangeRates
	seen map[[2]customer.Currency]rateOrErr
}

type rateOrErr struct {
	rate decimal.Decimal
	err  error
}

// Rate implements [ExchangeRates].
func (o *onceRates) Rate(from, to customer.Currency) (decimal.Decimal, error) {
	k := [2]customer.Currency{from, to}
	v, ok := o.seen[k]
	if !ok {
		v.rate, v.err = o.r.Rate(from, to)
		o.seen[k] = v
	}
	return v.rate, v.err
}
