package segment

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

var (
	// ErrEmpty is returned when a fit has no customer at all.
	ErrEmpty = errors.New("segment: empty population")
	// ErrInvalidOptions is matched by errors about [Options] and about
	// the policies [FollowUpPolicy] and [ContactPolicy].
	ErrInvalidOptions = errors.New("segment: invalid options")
	// ErrNotFitted is returned when a customer's kind had no customer in
	// the fit (in the first pass, or, for the Mean and Median rules, in
	// the second pass that gives the thresholds), so there is nothing to
	// compare it with.
	ErrNotFitted = errors.New("segment: no customer of this kind in the fit")
	// ErrDuplicate is returned by [Migrate] and [PeriodSales] for a
	// customer listed twice in one period, and by [Fit] and [FitInputs]
	// for a customer listed twice in the population.
	ErrDuplicate = errors.New("segment: customer listed twice")
	// ErrInvalidResult is returned by [Migrate] and [PeriodSales] for a
	// result with an undefined kind, quadrant, stage or shop type, a
	// total value that is not a score (a multiple of [value.Unit] in
	// [0, 1]), negative purchase days or a net amount beyond the bounds
	// of an amount or without a valid currency, by Migrate for a
	// customer whose kind differs between the periods, and by both for
	// periods whose as-of days are mixed or out of order.
	ErrInvalidResult = errors.New("segment: invalid result")
)

// Input is one customer to classify: its summary and, when known, its
// record. Customer is nil for sales exports that know only transactions:
// consent is then unknown (no action that needs consent is recommended)
// and an intermediary's trade indicators fall back as [value.DefaultModel]
// documents.
//
// Custom are the customer's values of the custom indicators that the
// value model of its kind declares ([value.Model].Custom, Options.Consumer
// and Options.Intermediary), by their declared names: what the caller
// measures outside the library, such as a survey score or a dealer's
// number of staff trained (a number, [value.CustomValue].Value) or its
// credit line (an amount of money, [value.CustomValue].Amount, for an
// indicator declared [value.CustomIndicator].Money). An indicator not
// listed is unknown, and its leaves fall back as the model says
// ([value.Measure]). An amount is in the customer's currency or, with
// Options.Rates, in any other: see [ObserveWith].
type Input struct {
	Summary  *customer.Summary
	Customer *customer.Customer
	Custom   []value.CustomValue
}

// Observation is what classification needs of one customer, read once by
// [Observe]: the value indicators and a few facts for the lifecycle, the
// shop type and the playbook. Fitting and classifying work on
// observations only, without decimals or allocation.
type Observation struct {
	value.Indicators
	// Consent is the customer's consent; the zero value (no consent) when
	// the record is unknown.
	Consent customer.Consent
	// Net is what the customer paid and kept, for value contribution,
	// in Indicators.Currency.
	Net decimal.Decimal
	// Credited is the money paid without goods coming back
	// ([customer.Summary.Credited]), which Net is net of: a compensation
	// of no order lowers Net without anything having been bought.
	Credited decimal.Decimal
	// MedianGap is the median number of days between the first days of
	// the customer's consecutive purchase occasions, and Gaps how many
	// gaps there are (occasions − 1): purchase days less than
	// OccasionWindow days after the first day of an occasion belong to it
	// (see [LifecycleOptions] and [customer.Summary.OccasionGapStats],
	// which takes the window rounded up to whole days). OccasionWindow is the window, in days,
	// they were taken with; zero stands for the default window of 7 days.
	// [Model.Classify] refuses an observation taken with another window
	// than its options'.
	MedianGap      float64
	Gaps           int
	OccasionWindow float64
	// SinceInteraction is the number of days from the last interaction
	// to AsOf ([customer.Summary.DaysSinceLastInteraction]); Interacted
	// is false when there was none.
	SinceInteraction int
	Interacted       bool
}

// Observe reads in into dst (overwriting it), grouping purchase days into
// occasions with the default window; it is [ObserveWith] with nil
// options, for fits with the default [LifecycleOptions.OccasionWindow].
func Observe(in Input, dst *Observation) error { return ObserveWith(in, dst, nil) }

// ObserveWith reads in into dst (overwriting it; an input it refuses
// leaves dst as it was), sets the values of in.Custom on its indicators
// ([value.Model.SetCustom], with the value model of the customer's kind
// in opts), grouping purchase days
// into occasions with the window of opts.Lifecycle.OccasionWindow (nil
// options, or a zero window, mean the default). Observations classified
// with options that set an OccasionWindow must be taken with those
// options; [FitInputs] does so. An invalid window is an error wrapping
// [ErrInvalidOptions]; an input without a summary or of no valid kind is
// one wrapping [value.ErrInvalidInput].
//
// The customer's currency is that of its summary; without orders, that
// of its first trade amount ([value.Extract]); without either, that of
// the custom amount of the first indicator the model declares among
// those given (in.Custom, [value.Model.SetCustomAmount]), whatever the
// order of in.Custom.
// A custom amount in another currency than the customer's is refused
// without opts.Rates (an error naming the customer and the indicator,
// wrapping a [*customer.CurrencyMismatchError]), as a trade amount is;
// a number given for an indicator declared money, or an amount for one
// declared a number, is refused.
//
// With opts.Currency and opts.Rates ([ExchangeRates]), a customer whose
// currency is not opts.Currency is converted into it: its money
// indicators ([value.Indicators.Convert], the custom amounts included)
// and Net and Credited (exactly, amount × rate) at the rate of its
// currency into opts.Currency, and its Currency becomes opts.Currency. A
// customer without a currency has no amount of money at all (no orders,
// no trade amounts, no custom amounts), and so nothing to convert. An
// amount of an intermediary's trade record (Trade.AnnualTurnover,
// Trade.MarketSize), or a custom amount, in another currency than the
// customer's, which [value.Extract] and [value.Model.SetCustomAmount]
// refuse, is converted at the rate of its own currency into
// opts.Currency (exactly, then the float64 nearest: a dealer buying in
// EUR whose turnover or credit line is given in USD). A converted amount
// beyond the float64 range is an [*value.InputError] naming the customer,
// the indicator (a custom one by its declared name), the amount, the
// rate and the amount it became, alike whether the amount was in the
// customer's currency or in another ([value.CheckConverted]). A missing
// rate is an error naming the customer and the pair, wrapping the error
// of Rates; a rate that [value.Indicators.Convert] refuses (not
// positive, or with no positive float64, such as 1e-400) is an
// [*value.InputError] naming the customer, the pair and the rate
// ([value.CheckRate]), whether it would convert the customer or only an
// amount of it; Currency without Rates, or Rates without a valid
// Currency, is one wrapping [ErrInvalidOptions].
// Observations classified with such options must be taken with them,
// at the same rates, as [FitInputs] does: [Stats.Add] and
// [Model.Classify] refuse one in another currency than opts.Currency
// (an error wrapping [ErrInvalidOptions]), and the scorers one in
// another currency than the fit's.
func ObserveWith(in Input, dst *Observation, opts *Options) error {
	var l LifecycleOptions
	if opts != nil {
		l = opts.Lifecycle
	}
	window, err := occasionWindow(l.OccasionWindow)
	if err != nil {
		return err
	}
	if opts != nil {
		if err := opts.checkRates(); err != nil {
			return err
		}
	}
	if in.Summary == nil {
		return fmt.Errorf("segment: input without a summary: %w", value.ErrInvalidInput)
	}
	s := in.Summary
	if !s.Kind.Valid() {
		return fmt.Errorf("segment: customer %q: kind %v: %w", s.CustomerID, s.Kind, value.ErrInvalidInput)
	}
	// The indicators are read and converted apart, and nothing below
	// fails: a refused input changes nothing.
	var x value.Indicators
	ex, trade := foreignTrade(opts, in)
	if err := value.Extract(s, ex.Customer, &x); err != nil {
		return err
	}
	m := valueModel(opts, x.Kind)
	var foreign []customAmount
	if len(in.Custom) > 0 {
		var err error
		if foreign, err = setCustom(opts, m, in.Custom, &x); err != nil {
			return err
		}
	}
	net, credited := s.Net(), s.Credited
	if err := convert(opts, &x, &net, &credited); err != nil {
		return nameCustom(err, m)
	}
	if err := convertTrade(opts, &x, trade); err != nil {
		return err
	}
	if err := convertCustom(opts, m, &x, foreign); err != nil {
		return err
	}
	*dst = Observation{Indicators: x}
	if in.Customer != nil {
		dst.Consent = in.Customer.Consent
	}
	dst.Net = net
	dst.Credited = credited
	g := s.OccasionGapStats(int(math.Ceil(window)))
	dst.MedianGap, dst.Gaps = g.Median, g.N
	dst.OccasionWindow = window
	dst.SinceInteraction, dst.Interacted = s.DaysSinceLastInteraction()
	return nil
}

// valueModel returns the value model of kind k in opts, nil when opts
// give none (the default model, which declares no custom indicator).
func valueModel(opts *Options, k customer.Kind) *value.Model {
	switch {
	case opts == nil:
		return nil
	case k == customer.Consumer:
		return opts.Consumer
	case k == customer.Intermediary:
		return opts.Intermediary
	}
	return nil
}

// customAmount is a custom amount of money in another currency than
// the customer's, which setCustom leaves to convertCustom.
type customAmount struct {
	name   string
	amount customer.Money
}

// setCustom sets the custom values vals on x by the value model m of
// x's kind (nil for the default model): a number with
// [value.Model.SetCustom], an amount with [value.Model.SetCustomAmount].
// A name m does not declare, a name listed twice, a value with both a
// number and an amount, and a value the declaration refuses are errors
// wrapping [value.ErrInvalidInput] that name the customer and the
// indicator: [*value.InputError]s whose Indicator and Name are set for
// a name m declares. With opts.Rates an amount in another currency than x's
// (when x has one) is not set but returned, for convertCustom to
// convert once x is in opts.Currency.
func setCustom(opts *Options, m *value.Model, vals []value.CustomValue, x *value.Indicators) ([]customAmount, error) {
	if m == nil {
		d := value.DefaultModel(x.Kind)
		m = &d
	}
	for i, v := range vals {
		for _, w := range vals[:i] {
			if w.Name == v.Name {
				return nil, customError(m, x.ID, v, fmt.Sprintf("given twice (the other time = %s)", customText(w)))
			}
		}
	}
	// In the order the model declares them, so that a customer without a
	// currency takes the same one whatever the order of vals.
	if len(vals) > 1 {
		vals = slices.Clone(vals)
		slices.SortStableFunc(vals, func(a, b value.CustomValue) int {
			return cmp.Compare(declaredAt(m, a.Name), declaredAt(m, b.Name))
		})
	}
	var foreign []customAmount
	for _, v := range vals {
		cur := v.Amount.Currency()
		var err error
		switch {
		case cur == "":
			err = m.SetCustom(x, v.Name, v.Value)
		case v.Value != 0:
			err = customError(m, x.ID, v, fmt.Sprintf("both a number (Value %v) and an amount (Amount %s %s)", v.Value, v.Amount.Amount(), cur))
		case opts != nil && opts.Rates != nil && x.Currency != "" && cur != x.Currency && declaresMoney(m, v.Name):
			foreign = append(foreign, customAmount{v.Name, v.Amount})
		default:
			err = m.SetCustomAmount(x, v.Name, v.Amount)
		}
		if err != nil {
			return nil, err
		}
	}
	return foreign, nil
}

// customError returns the [*value.InputError] of customer id about the
// custom value v, why: with its Indicator, its declared Name and its
// Value (v.Value, or the float64 of v.Amount) when m declares v.Name;
// naming v.Name in its Reason otherwise.
func customError(m *value.Model, id customer.ID, v value.CustomValue, why string) error {
	k := declaredAt(m, v.Name)
	if k == len(m.Custom) || k >= value.MaxCustom {
		return &value.InputError{Customer: id, Reason: fmt.Sprintf("custom indicator %q: %s", v.Name, why)}
	}
	n := v.Value
	if v.Amount.Currency() != "" && n == 0 {
		n = value.Float(v.Amount.Amount())
	}
	return &value.InputError{Customer: id, Indicator: value.Custom(k), Name: v.Name, Value: n, Reason: why}
}

// customText writes the custom value v: its number, or its amount when
// it has one ("5000.00 EUR").
func customText(v value.CustomValue) string {
	if v.Amount.Currency() != "" {
		return v.Amount.String()
	}
	return fmt.Sprint(v.Value)
}

// declaredAt returns the index in m.Custom of the custom indicator
// name, or len(m.Custom) when m does not declare it.
func declaredAt(m *value.Model, name string) int {
	for k, c := range m.Custom {
		if c.Name == name {
			return k
		}
	}
	return len(m.Custom)
}

// declaresMoney reports whether m declares the custom indicator name as
// money.
func declaresMoney(m *value.Model, name string) bool {
	for _, c := range m.Custom {
		if c.Name == name {
			return c.Money
		}
	}
	return false
}

// nameCustom gives an [*value.InputError] about a custom indicator of m
// that does not name it its declared name, and returns err.
func nameCustom(err error, m *value.Model) error {
	var e *value.InputError
	if m != nil && errors.As(err, &e) && e.Name == "" {
		if k, ok := e.Indicator.CustomIndex(); ok && k < len(m.Custom) {
			e.Name = m.Custom[k].Name
		}
	}
	return err
}

// purchased reports whether the customer has bought anything.
func (o *Observation) purchased() bool { return o.Known(value.Recency) }

// boughtBefore reports whether o bought in the window summarised, or
// before it: refunds without purchases in the window (a negative net
// before credits) bring back goods bought earlier. A credit alone is no
// purchase: a compensation may be of no order ([customer.Credit]).
func (o *Observation) boughtBefore() bool {
	return o.purchased() || o.Net.Add(o.Credited).Sign() < 0
}

// days returns the whole days of indicator i (0 when unknown).
func (o *Observation) days(i value.Indicator) int {
	v, _ := o.Get(i)
	return int(v)
}
