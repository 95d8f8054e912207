package value

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Indicator is a measurable indicator (level 4 of the hierarchy, domain rules §2):
// one number per customer, read from its [customer.Summary] and, for the
// trade indicators of intermediaries, from [customer.Customer.Trade],
// or, for a custom indicator ([Custom], [Model].Custom), set by the
// caller.
// Money indicators are in the summary's currency, counts are plain
// numbers, times are whole days.
//
// Profit, Revenue, Units, AverageOrderValue and RecentSpend are net of
// returns, the money ones of credits too (price reductions and
// compensations, [customer.Credit]), and may be negative: refunds in the
// history can bring back goods bought before it (a sales export's window
// starts after the sale). They are kept as they are, not floored, so a
// customer who took back more than it bought ranks below one who bought
// nothing; the signed [Log] transform and the normalisation handle
// negative values. Growth floors each year at 0, and ReturnRate is
// clamped to [0, 1].
type Indicator uint8

const (
	// Profit is the gross profit of the goods kept:
	// Summary.GrossProfit() = Net − Cost (money); negative for a loss.
	Profit Indicator = iota + 1
	// Revenue is the net amount paid and kept: Summary.Net() = Gross −
	// Discounts − Refunded − Credited (money); negative when the refunds
	// and credits exceed the sales of the history.
	Revenue
	// Units is the number of units kept, Summary.KeptUnits(): units
	// bought less those sent back for a refund (an exchange swaps units
	// and keeps the number); negative when more units came back than the
	// history sold.
	Units
	// Orders is the number of orders placed: Summary.Orders.
	Orders
	// AverageOrderValue is Net ÷ Orders (money), the float64 nearest the
	// exact quotient, so that customers who spend the same per purchase
	// tie at any scale of the amounts; negative when Net is; unknown
	// without orders.
	AverageOrderValue
	// FullPriceShare is the share of the net paid at full price,
	// Summary.FullPriceShare() in [0, 1]: interest in the brand itself
	// rather than in its discounts.
	FullPriceShare
	// CategoryBreadth is the number of distinct categories bought,
	// Summary.CategoryBreadth().
	CategoryBreadth
	// ReturnRate is Summary.ReturnRate() = ReturnedUnits ÷ Units, clamped
	// to [0, 1] (more units refunded than the history sold is a rate of 1);
	// lower is better; unknown without units bought or returned: a
	// customer who bought nothing has no return rate, and 0 would rank it
	// with the customers who keep everything.
	ReturnRate
	// Interactions is the number of non-purchase contacts (visits, wish
	// lists, events), Summary.Interactions.
	Interactions
	// PurchaseDays is the number of distinct days with an order,
	// Summary.PurchaseDays(): the frequency of buying.
	PurchaseDays
	// Tenure is the number of days from the first purchase to AsOf,
	// Summary.Tenure(); unknown without orders.
	Tenure
	// Recency is the number of days from the last purchase to AsOf,
	// Summary.DaysSinceLastPurchase(); lower is better; unknown without
	// orders.
	Recency
	// Growth compares the net of the last twelve months L
	// (Summary.SpendLast12Months) with that of the twelve before P
	// (Summary.SpendPrior12Months), each floored at 0:
	// (L − P) ÷ (L + P), in [−1, 1], the float64 nearest the quotient
	// of the exact amounts; 0 when both are 0. It is the symmetric
	// growth rate, scale-free (amounts that differ by a factor, such as
	// a currency converted, give the same float64) and finite. It is unknown
	// without orders and when the first purchase falls in the last
	// twelve months: such a customer has no prior year to grow from,
	// and P = 0 would make it the fastest grower of all.
	Growth
	// RecentSpend is the net of the last twelve months,
	// Summary.SpendLast12Months() (money); negative when the year's
	// refunds exceed its sales.
	RecentSpend
	// Turnover is an intermediary's own annual sales,
	// Trade.AnnualTurnover (money); unknown without Trade or when zero.
	Turnover
	// Outlets is the number of points of sale an intermediary runs,
	// Trade.Outlets; unknown without Trade or when zero (a record that
	// does not give the number, as Turnover and MarketSize).
	Outlets
	// Credit is an intermediary's credit rating as a score in [0, 1],
	// Trade.Rating.Score(); unknown without Trade or rating.
	Credit
	// Cooperation is the number of days since the intermediary started to
	// sell the brand, AsOf − Trade.CooperationStart; unknown without Trade
	// or start date.
	Cooperation
	// MarketSize is the annual clothing spend of the intermediary's
	// region, Trade.MarketSize (money); unknown without Trade or when zero.
	MarketSize
)

// NumIndicators is one more than the largest built-in [Indicator]: the
// length of [Indicators.Values].
const NumIndicators = int(MarketSize) + 1

// MaxCustom is the number of custom indicators a [Model] may declare
// ([Model.Custom]): the indicators a caller measures itself.
const MaxCustom = 8

// firstCustom is the indicator of Model.Custom[0]. The built-in
// indicators stay below it, so that one added later leaves the custom
// indicators their numbers (and the encoded statistics theirs).
const firstCustom Indicator = 24

// numCodes is one more than the largest indicator, custom ones included:
// the bits of Indicators.known.
const numCodes = int(firstCustom) + MaxCustom

// Custom returns the indicator of a model's custom indicator k, the one
// that [Model].Custom[k] declares, for 0 ≤ k < [MaxCustom]; any other k
// gives 0, which is no indicator. Its text is "custom-k" outside a
// model; a model's JSON names it by its declared name.
func Custom(k int) Indicator {
	if k < 0 || k >= MaxCustom {
		return 0
	}
	return firstCustom + Indicator(k)
}

// CustomIndex returns k for the indicator [Custom](k), and false for a
// built-in indicator.
func (i Indicator) CustomIndex() (int, bool) {
	if i >= firstCustom && int(i) < numCodes {
		return int(i - firstCustom), true
	}
	return 0, false
}

// customNames are the text forms of the custom indicators outside a
// model.
var customNames = func() (n [MaxCustom]string) {
	for k := range n {
		n[k] = fmt.Sprintf("custom-%d", k)
	}
	return
}()

var indicatorNames = []string{"", "profit", "revenue", "units", "orders", "average-order-value",
	"full-price-share", "category-breadth", "return-rate", "interactions", "purchase-days",
	"tenure", "recency", "growth", "recent-spend", "turnover", "outlets", "credit",
	"cooperation", "market-size"}

// ParseIndicator parses an indicator's name, such as "profit" or
// "average-order-value", or the text "custom-k" of [Custom](k).
func ParseIndicator(s string) (Indicator, error) {
	i, err := enumtext.Parse[Indicator](s, indicatorNames, "value indicator")
	if err != nil {
		for k, n := range customNames {
			if n == s {
				return Custom(k), nil
			}
		}
	}
	return i, err
}

// String returns the indicator's name; "custom-k" for [Custom](k).
func (i Indicator) String() string {
	if k, ok := i.CustomIndex(); ok {
		return customNames[k]
	}
	return enumtext.String(i, indicatorNames, "Indicator")
}

// Valid reports whether i is a defined indicator: a built-in one or
// [Custom](k) for some k (which a model must still declare).
func (i Indicator) Valid() bool {
	_, custom := i.CustomIndex()
	return custom || enumtext.Valid(i, indicatorNames)
}

// MarshalText implements [encoding.TextMarshaler].
func (i Indicator) MarshalText() ([]byte, error) {
	if k, ok := i.CustomIndex(); ok {
		return []byte(customNames[k]), nil
	}
	return enumtext.Marshal(i, indicatorNames, "value indicator")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves i as it was.
func (i *Indicator) UnmarshalText(b []byte) error { return enumtext.Unmarshal(i, b, ParseIndicator) }

// Money reports whether the built-in indicator is an amount of money (and so
// spread over orders of magnitude in wholesale data). It is false for a
// custom indicator, whose model declares whether it is money
// ([CustomIndicator].Money) and whose value says so
// ([Indicators.IsAmount]).
func (i Indicator) Money() bool {
	switch i {
	case Profit, Revenue, AverageOrderValue, RecentSpend, Turnover, MarketSize:
		return true
	}
	return false
}

// Indicators are the raw indicator values of one customer, extracted once
// by [Extract] so that fitting and scoring never touch decimals again.
// Values holds the built-in indicators; Values[i] is meaningful only
// when Known(i). They also carry the day they were observed at
// ([Indicators.AsOf]), so that statistics hold customers of one day only
// (see [Stats]).
//
// The values of the custom indicators ([Custom], [Model].Custom), which
// the library cannot derive from a summary, are set by the caller after
// Extract: with [Indicators.Set] for a number (a count, a score, a flag
// of 0 or 1), with [Indicators.SetAmount] for an amount of money
// ([customer.Money], in Currency), which [Indicators.Convert] converts,
// or by name with [Model.SetCustom] and [Model.SetCustomAmount]. They
// are not in Values: [Indicators.Get] reads them. One not set is
// unknown, and a leaf measuring it falls back as for a built-in
// indicator (see [Measure]).
//
// Currency is that of the summary; without orders, that of the trade
// amounts; or else that of the custom amounts: a customer without a
// currency takes that of the first amount set ([Indicators.SetAmount]),
// and, when that is a custom amount, loses it with the last custom
// amount, replaced by a number or unset (see [Indicators.Set]).
type Indicators struct {
	ID       customer.ID
	Kind     customer.Kind
	Currency customer.Currency
	Values   [NumIndicators]float64
	custom   [MaxCustom]float64 // custom[k] is the value of Custom(k)
	known    uint32
	asOf     customer.Date
	hasAsOf  bool
	amounts  uint8 // bit k: Custom(k) is an amount of money (SetAmount)
	// curOfCustom: Currency was taken from a custom amount (SetAmount on
	// a customer without a currency), and no built-in amount was given
	// in it since; it goes with the last custom amount.
	curOfCustom bool
}

// SetAsOf sets the day the indicators were observed at, the day of the
// summary's AsOf ([customer.DateOf]); [Extract] sets it.
func (x *Indicators) SetAsOf(d customer.Date) { x.asOf, x.hasAsOf = d, true }

// AsOf returns the day the indicators were observed at and whether it
// is known: [Extract] sets it, indicators set by hand have none until
// [Indicators.SetAsOf].
func (x *Indicators) AsOf() (customer.Date, bool) { return x.asOf, x.hasAsOf }

// AsOfMismatchError is the error of statistics that hold the customers of
// one as-of day ([Indicators.AsOf]) asked to take a customer or a shard
// observed at another day: recency, tenure and every indicator counted
// up to the as-of day would mix two populations, and the statistics fit
// neither. A is the day of the statistics, B the other one.
type AsOfMismatchError struct {
	A, B customer.Date
}

// Error returns "value: as-of days differ: A and B".
func (e *AsOfMismatchError) Error() string {
	return fmt.Sprintf("value: as-of days differ: %v and %v", e.A, e.B)
}

// asOfDay is the as-of day of statistics: the day of the customers they
// hold, unknown while they hold none that knows its day.
type asOfDay struct {
	day   customer.Date
	known bool
}

// get returns the day and whether it is known.
func (a asOfDay) get() (customer.Date, bool) { return a.day, a.known }

// check returns an *AsOfMismatchError when both a and b are known and
// differ, or nil.
func (a asOfDay) check(b asOfDay) error {
	if a.known && b.known && a.day != b.day {
		return &AsOfMismatchError{A: a.day, B: b.day}
	}
	return nil
}

// take makes a the day of b when a is unknown.
func (a *asOfDay) take(b asOfDay) {
	if !a.known {
		*a = b
	}
}

// asOfOf returns the as-of day of indicators x.
func asOfOf(x *Indicators) asOfDay { return asOfDay{x.asOf, x.hasAsOf} }

// Set sets indicator i to v and marks it known; a custom indicator
// ([Custom]) is then a number, not an amount of money (see
// [Indicators.SetAmount]). An i that is no indicator panics.
//
// A custom amount replaced by a number no longer gives x its currency:
// when x took its Currency from a custom amount (a customer without
// orders or trade amounts, [Indicators.SetAmount]) and no custom amount
// is left, Currency becomes empty again, as that of a customer with no
// amount of money, which statistics of any currency take
// ([Stats.Add]). A currency x had otherwise (its summary's, or that of
// its trade amounts, [Extract]; one the caller set; one a built-in money
// indicator was given in with SetAmount) stays. [Indicators.Unset] does
// the same.
func (x *Indicators) Set(i Indicator, v float64) {
	mustBeIndicator(i, "Set")
	if k, ok := i.CustomIndex(); ok {
		x.custom[k] = v
		x.dropAmount(k)
	} else {
		x.Values[i] = v
	}
	x.known |= 1 << i
}

// dropAmount marks Custom(k) not an amount of money, and empties the
// currency that the custom amounts gave x when none is left.
func (x *Indicators) dropAmount(k int) {
	x.amounts &^= 1 << k
	if x.curOfCustom && x.amounts == 0 {
		x.Currency, x.curOfCustom = "", false
	}
}

// SetAmount sets indicator i to the amount of money m, as the float64
// nearest its decimal amount ([Float]), and marks it known: for a
// custom indicator ([Custom]) it records that the value is money, which
// [Indicators.Convert] converts into another currency with the built-in
// money indicators. m must be in x.Currency; a customer without a
// currency (no orders, no trade amounts: see [Extract]) takes m's, as
// it takes that of its first trade amount (and, when the first amount
// is a custom one, loses it with the last custom amount: see
// [Indicators.Set]). An i that is neither a custom indicator nor a
// built-in money one ([Indicator.Money]), an m without a currency or in
// another currency than x's (wrapping a [*customer.CurrencyMismatchError])
// and an amount beyond the float64 range (its Reason "1e309 EUR: an
// amount too large for the indicator (beyond the range of float64)") are
// an [*InputError] naming the customer and the indicator; x is then left
// as it was.
func (x *Indicators) SetAmount(i Indicator, m customer.Money) error {
	return x.setAmount(i, "", m)
}

// setAmount is SetAmount for the custom indicator declared as name.
func (x *Indicators) setAmount(i Indicator, name string, m customer.Money) error {
	v := Float(m.Amount())
	bad := func(why string, err error) error {
		return &InputError{Customer: x.ID, Indicator: i, Name: name, Value: v, Reason: why, Err: err}
	}
	_, custom := i.CustomIndex()
	switch cur := m.Currency(); {
	case !custom && !i.Money():
		return bad("not an amount of money: set it with Indicators.Set", nil)
	case cur == "":
		return bad("an amount of money without a currency", nil)
	case x.Currency != "" && cur != x.Currency:
		return bad("an amount in another currency than the customer's", &customer.CurrencyMismatchError{A: x.Currency, B: cur})
	case math.IsInf(v, 0):
		return bad(amountText(m.Amount(), m.Currency())+": "+tooLarge, nil)
	}
	if k, ok := i.CustomIndex(); ok {
		x.custom[k] = v
		x.amounts |= 1 << k
	} else {
		x.Values[i] = v
	}
	x.known |= 1 << i
	switch {
	case x.Currency == "":
		x.Currency, x.curOfCustom = m.Currency(), custom
	case !custom:
		x.curOfCustom = false // a built-in amount holds the currency too
	}
	return nil
}

// tooLarge is the Reason of an [*InputError] for an amount of money
// whose float64 is infinite, after the amount.
const tooLarge = "an amount too large for the indicator (beyond the range of float64)"

// amountText writes the amount d of currency c as [customer.Money]
// does ("1200.00 EUR", "1e309 EUR" beyond the bounds of
// [customer.ParseAmount]).
func amountText(d decimal.Decimal, c customer.Currency) string {
	if c == "" {
		return decText(d)
	}
	if !customer.AmountInRange(d) {
		d = trimZeros(d)
	}
	return c.Format(d) + " " + string(c)
}

// decText writes d as its String, or, beyond the bounds of
// [customer.ParseAmount] (a rate of 1e-400), as its coefficient without
// trailing zeros and its exponent, which is cheap to write.
func decText(d decimal.Decimal) string {
	if customer.AmountInRange(d) {
		return d.String()
	}
	d = trimZeros(d)
	return d.Coefficient().String() + "e" + strconv.FormatInt(int64(d.Exponent()), 10)
}

// trimZeros returns d with the trailing zeros of its coefficient moved
// into its exponent (10e308 is 1e309), as far as the exponent goes.
func trimZeros(d decimal.Decimal) decimal.Decimal {
	c, e := d.Coefficient(), d.Exponent()
	if c.Sign() == 0 {
		return d
	}
	ten := big.NewInt(10)
	var q, r big.Int
	for e < math.MaxInt32 {
		if q.QuoRem(c, ten, &r); r.Sign() != 0 {
			break
		}
		c.Set(&q)
		e++
	}
	return decimal.NewFromBigInt(c, e)
}

// IsAmount reports whether the value of indicator i is an amount of
// money: [Indicator.Money] for a built-in indicator, and for a custom
// one whether it was set with [Indicators.SetAmount].
func (x *Indicators) IsAmount(i Indicator) bool {
	if k, ok := i.CustomIndex(); ok {
		return x.amounts&(1<<k) != 0
	}
	return i.Money()
}

// Unset marks indicator i unknown; a custom amount unset no longer
// gives x its currency, as for [Indicators.Set]. An i that is no
// indicator panics.
func (x *Indicators) Unset(i Indicator) {
	mustBeIndicator(i, "Unset")
	if k, ok := i.CustomIndex(); ok {
		x.custom[k] = 0
		x.dropAmount(k)
	} else {
		x.Values[i] = 0
	}
	x.known &^= 1 << i
}

// mustBeIndicator panics, naming the method, when i is no indicator:
// the zero Indicator, or a number between the built-in and the custom
// ones or beyond them.
func mustBeIndicator(i Indicator, method string) {
	if !i.Valid() {
		panic(fmt.Sprintf("value: Indicators.%s: %d is no indicator", method, uint8(i)))
	}
}

// at returns the value of indicator i, known or not.
func (x *Indicators) at(i Indicator) float64 {
	if i < firstCustom {
		return x.Values[i]
	}
	return x.custom[i-firstCustom]
}

// setAt sets the value of the known indicator i.
func (x *Indicators) setAt(i Indicator, v float64) {
	if i < firstCustom {
		x.Values[i] = v
		return
	}
	x.custom[i-firstCustom] = v
}

// check returns an [*InputError] naming the first known indicator that
// is not a finite number, or nil.
func (x *Indicators) check() error {
	for m := x.known; m != 0; m &= m - 1 {
		i := Indicator(bits.TrailingZeros32(m))
		if v := x.at(i); v-v != 0 { // NaN or ±Inf
			return &InputError{Customer: x.ID, Indicator: i, Value: v}
		}
	}
	return nil
}

// Known reports whether indicator i has a value.
func (x *Indicators) Known(i Indicator) bool {
	return int(i) < numCodes && x.known&(1<<i) != 0
}

// Get returns indicator i and whether it is known.
func (x *Indicators) Get(i Indicator) (float64, bool) {
	if !x.Known(i) {
		return 0, false
	}
	return x.at(i), true
}

// Extract reads the indicators of the customer summarised by s into dst
// (overwriting it). c is the customer's record and may be nil (sales
// exports know only transactions); the trade indicators are then unknown
// and the model's fallbacks apply (see [Measure]). A record of another
// customer, or of another kind than the summary's (an [*InputError]
// naming both kinds), is an error; so are a nil summary, trade amounts in
// another currency than the summary's or than each other's (an
// [*InputError] wrapping a [*customer.CurrencyMismatchError]) and an
// amount too large for float64. A customer without orders takes the
// currency of its trade amounts. A cooperation that starts after s.AsOf
// is unknown at that day. On error dst is left as it was. dst records the day of
// s.AsOf ([Indicators.AsOf]).
func Extract(s *customer.Summary, c *customer.Customer, dst *Indicators) error {
	if s == nil {
		return fmt.Errorf("value: extract without a summary: %w", ErrInvalidInput)
	}
	var x Indicators
	if err := extract(s, c, &x); err != nil {
		return err
	}
	*dst = x
	return nil
}

func extract(s *customer.Summary, c *customer.Customer, dst *Indicators) error {
	*dst = Indicators{ID: s.CustomerID, Kind: s.Kind, Currency: s.Currency, asOf: customer.DateOf(s.AsOf), hasAsOf: true}
	if c != nil && c.ID != s.CustomerID {
		return fmt.Errorf("value: customer %q: record of customer %q: %w", s.CustomerID, c.ID, customer.ErrWrongCustomer)
	}
	if c != nil && c.Kind != s.Kind {
		return &InputError{Customer: s.CustomerID, Reason: fmt.Sprintf("the customer record is of kind %s, the summary of kind %s", c.Kind, s.Kind)}
	}
	var acc exactSum
	acc.add(s.Gross, 1)
	acc.add(s.Discounts, -1)
	acc.add(s.Refunded, -1)
	acc.add(s.Credited, -1)
	net := acc.float()
	aov := 0.0
	if s.Orders > 0 {
		aov = acc.quo(int64(s.Orders))
	}
	acc.add(s.Cost, -1)
	dst.Set(Profit, acc.float())
	dst.Set(Revenue, net)
	dst.Set(Units, float64(s.KeptUnits()))
	dst.Set(Orders, float64(s.Orders))
	if s.Orders > 0 {
		dst.Set(AverageOrderValue, aov)
	}
	if fp := Float(s.FullPriceNet); net > 0 && fp > 0 {
		dst.Set(FullPriceShare, min(fp/net, 1))
	} else {
		dst.Set(FullPriceShare, 0)
	}
	dst.Set(CategoryBreadth, float64(len(s.Categories)))
	if s.Units > 0 || s.ReturnedUnits > 0 {
		dst.Set(ReturnRate, s.ReturnRate())
	}
	dst.Set(Interactions, float64(s.Interactions))

	asOf, lastYear, twoYears := customer.SpendWindows(s.AsOf)
	var first, last customer.Date
	days := 0
	var ls, ps exactSum
	for i := range s.Days {
		d := &s.Days[i]
		if d.Orders > 0 {
			if days == 0 {
				first = d.Date
			}
			last = d.Date
			days++
		}
		switch {
		case d.Date > lastYear && d.Date <= asOf:
			ls.add(d.Net, 1)
		case d.Date > twoYears && d.Date <= lastYear:
			ps.add(d.Net, 1)
		}
	}
	dst.Set(PurchaseDays, float64(days))
	if days > 0 {
		dst.Set(Tenure, float64(asOf-first))
		dst.Set(Recency, float64(asOf-last))
	}
	dst.Set(RecentSpend, ls.float())
	// Growth needs a year before the last one to compare with: a
	// customer whose first purchase falls in the last twelve months was
	// not yet a customer in the prior year, and its P = 0 would read as
	// the largest growth there is.
	if days > 0 && first <= lastYear {
		dst.Set(Growth, growth(&ls, &ps))
	}

	if c != nil && c.Trade != nil {
		t := c.Trade
		for _, m := range []struct {
			i Indicator
			v customer.Money
		}{{Turnover, t.AnnualTurnover}, {MarketSize, t.MarketSize}} {
			if m.v.IsZero() {
				continue
			}
			// A customer without orders has no currency of its own yet:
			// the first trade amount gives it, so that the statistics it
			// joins refuse one in another currency than theirs.
			if dst.Currency == "" {
				dst.Currency = m.v.Currency()
			}
			if m.v.Currency() != dst.Currency {
				return &InputError{Customer: s.CustomerID, Reason: fmt.Sprintf("trade %s", m.i),
					Err: &customer.CurrencyMismatchError{A: dst.Currency, B: m.v.Currency()}}
			}
			dst.Set(m.i, Float(m.v.Amount()))
		}
		if t.Outlets > 0 {
			dst.Set(Outlets, float64(t.Outlets))
		}
		if t.Rating >= customer.RatingD && t.Rating <= customer.RatingAAA {
			dst.Set(Credit, t.Rating.Score())
		}
		// A cooperation that starts after the as-of day is not known
		// then, as every other fact dated after it (the tenure fallback
		// applies), not a negative length.
		if start := customer.DateOf(t.CooperationStart); !t.CooperationStart.IsZero() && start <= asOf {
			dst.Set(Cooperation, float64(asOf-start))
		}
	}
	return dst.check()
}

// growth returns the symmetric growth (L − P) ÷ (L + P) of the exact sums
// l and p, each floored at 0, as the float64 nearest the exact quotient;
// 0 when both are 0. The quotient of the exact sums is scale-free, so
// customers whose amounts differ by a factor — another currency
// converted ([Indicators.Convert]) — grow alike; the quotient of their
// rounded floats could differ in the last place.
func growth(l, p *exactSum) float64 {
	if !l.big && !p.big {
		a, b := max(l.c, 0), max(p.c, 0)
		switch {
		case a == 0 && b == 0:
			return 0
		case b == 0:
			return 1
		case a == 0:
			return -1
		}
		if v, _, ok := align(a, l.e, b, p.e); ok {
			// Both below 2⁶² after align, so neither the sum nor the
			// difference overflows; below 2⁵³ both are exact floats, and
			// one division rounds once.
			if n, d := v[0]-v[1], v[0]+v[1]; d < exact53 {
				return float64(n) / float64(d)
			}
		}
	}
	a, b := l.decimal(), p.decimal()
	if a.Sign() < 0 {
		a = decimal.Zero
	}
	if b.Sign() < 0 {
		b = decimal.Zero
	}
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case b.IsZero():
		return 1
	case a.IsZero():
		return -1
	}
	f, _ := new(big.Rat).Quo(a.Sub(b).Rat(), a.Add(b).Rat()).Float64()
	return f
}

// decimal returns the sum as a decimal.
func (a *exactSum) decimal() decimal.Decimal {
	if a.big {
		return a.exact
	}
	return decimal.New(a.c, a.e)
}

// limit bounds the coefficients of exactSum.
const limit = 1 << 62

// exactSum adds decimals exactly: in an int64 coefficient at a common
// exponent while that fits (no allocation), in decimal arithmetic after.
// Sums that are equal as decimals are then equal as float64, so ties
// between customers survive the conversion.
type exactSum struct {
	c     int64
	e     int32
	big   bool
	exact decimal.Decimal
}

func (a *exactSum) add(d decimal.Decimal, sign int64) {
	if d.IsZero() {
		return
	}
	if !a.big {
		if c, e, ok := small(d); ok {
			if a.c == 0 {
				a.c, a.e = sign*c, e
				return
			}
			// Both terms are below 2⁶² in magnitude after align, so
			// their sum does not overflow.
			if v, ae, ok := align(a.c, a.e, c, e); ok {
				if s := v[0] + sign*v[1]; s > -limit && s < limit {
					a.c, a.e = s, ae
					return
				}
			}
		}
		a.big = true
		a.exact = decimal.New(a.c, a.e)
	}
	if sign < 0 {
		d = d.Neg()
	}
	a.exact = a.exact.Add(d)
}

func (a *exactSum) float() float64 {
	switch {
	case a.big:
		return Float(a.exact)
	case a.c == 0:
		return 0
	case a.c < 1<<53 && a.c > -(1<<53) && a.e >= -22 && a.e <= 22:
		if a.e < 0 {
			return float64(a.c) / pow10[-a.e]
		}
		return float64(a.c) * pow10[a.e]
	}
	return Float(decimal.New(a.c, a.e))
}

// quo returns the sum divided by n > 0, correctly rounded: the float64
// nearest the exact quotient, so that equal quotients of different sums
// (0.09 in 3 orders, 0.06 in 2) are equal floats at any scale. Dividing
// the rounded float of the sum instead rounds twice and can split them.
func (a *exactSum) quo(n int64) float64 {
	switch {
	case !a.big && a.c == 0:
		return 0
	case !a.big && a.c < exact53 && a.c > -exact53 && n < exact53 && a.e >= -22 && a.e <= 22:
		// Both operands exact integers below 2⁵³: one correctly rounded
		// division.
		if a.e <= 0 {
			if d := float64(n) * pow10[-a.e]; d <= exact53 {
				return float64(a.c) / d
			}
		} else if m := float64(a.c) * pow10[a.e]; m <= exact53 && m >= -exact53 {
			return m / float64(n)
		}
	}
	d := a.exact
	if !a.big {
		d = decimal.New(a.c, a.e)
	}
	f, _ := new(big.Rat).Quo(d.Rat(), big.NewRat(n, 1)).Float64()
	return f
}

// small returns d's coefficient and exponent when the coefficient is
// below limit in magnitude and the exponent within ±22.
func small(d decimal.Decimal) (int64, int32, bool) {
	return coefWithin(d, &limitHi, &limitLo)
}

// exact53 bounds the coefficients that float64 holds exactly.
const exact53 = 1 << 53

// limitHi, limitLo, exactHi and exactLo[e+22] are ±limit and ±exact53 at
// exponent e: a decimal compares with the bound of its own exponent
// without rescaling or allocating.
var limitHi, limitLo, exactHi, exactLo = func() (lh, ll, eh, el [45]decimal.Decimal) {
	for i := range lh {
		e := int32(i - 22)
		lh[i], ll[i] = decimal.New(limit, e), decimal.New(-limit, e)
		eh[i], el[i] = decimal.New(exact53, e), decimal.New(-exact53, e)
	}
	return
}()

// coefWithin returns d's coefficient and exponent when the exponent is
// within ±22 and the coefficient strictly between the bounds lo and hi
// of that exponent.
func coefWithin(d decimal.Decimal, hi, lo *[45]decimal.Decimal) (int64, int32, bool) {
	e := d.Exponent()
	if e < -22 || e > 22 {
		return 0, 0, false
	}
	switch d.Sign() {
	case 0: // also the zero Decimal, which Cmp would allocate for
		return 0, e, true
	case 1:
		if d.Cmp(hi[e+22]) >= 0 {
			return 0, 0, false
		}
	default:
		if d.Cmp(lo[e+22]) <= 0 {
			return 0, 0, false
		}
	}
	return d.CoefficientInt64(), e, true
}

// align rescales a·10^ea and b·10^eb to the smaller exponent.
func align(a int64, ea int32, b int64, eb int32) ([2]int64, int32, bool) {
	for ea > eb {
		if a > limit/10 || a < -limit/10 {
			return [2]int64{}, 0, false
		}
		a *= 10
		ea--
	}
	for eb > ea {
		if b > limit/10 || b < -limit/10 {
			return [2]int64{}, 0, false
		}
		b *= 10
		eb--
	}
	return [2]int64{a, b}, ea, true
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// Float converts a decimal amount to the nearest float64 without
// allocating in the common case (a coefficient below 2⁵³ in magnitude and
// an exponent within ±22, both exact in float64, where one correctly
// rounded division or multiplication gives the nearest float64); other
// amounts take the exact, slower path, with the same result. Amounts
// beyond the float64 range become ±Inf, which [Extract] rejects.
// Scores are float64; money stays decimal elsewhere.
func Float(d decimal.Decimal) float64 {
	if d.IsZero() {
		return 0
	}
	if c, e, ok := coefWithin(d, &exactHi, &exactLo); ok {
		if e < 0 {
			return float64(c) / pow10[-e]
		}
		return float64(c) * pow10[e]
	}
	return d.InexactFloat64()
}

// Convert converts the money indicators of x ([Indicator.Money]: Profit,
// Revenue, AverageOrderValue, RecentSpend, Turnover and MarketSize, and
// the custom indicators set as amounts, [Indicators.IsAmount]) into
// currency to at rate, the amount of to that one unit of x.Currency is
// worth: each known one v becomes the float64 nearest d × rate ([Float]),
// with d the shortest decimal that v is the float64 nearest to — the
// decimal amount v was read from, when that has at most 15 significant
// digits ([Extract]) — one rounding per value. So a converted amount is
// the float64 of its exact equivalent in to, and ties with a customer
// who paid that amount in to (USD 1.50 at 0.8 is 1.2, where 1.5 × 0.8 in
// float64 is 1.2000000000000002, above it). An AverageOrderValue that is
// the float64 nearest Revenue ÷ Orders, as Extract gives it, becomes the
// float64 nearest the converted Revenue ÷ Orders, for the same tie; one
// set otherwise is converted as the other amounts. Counts, days, shares, ratios and
// ratings are left as they are, unknown values stay unknown, and
// x.Currency becomes to. Indicators are float64 already (scores are
// dimensionless numbers, not money: see [Extract]), so converting them
// changes no exact amount of money; the caller's decimal amounts are not
// touched.
//
// An invalid currency code, a rate [CheckRate] refuses (not positive,
// or with no positive float64: below about 5e-324 or above about
// 1.8e308), a known value that is not a finite number, or a converted
// amount beyond the float64 range is an [*InputError] naming the
// customer, the last two also the indicator (a converted amount with
// the Reason "1e308 EUR at rate 10 is 1e309 USD: an amount too large
// for the indicator (beyond the range of float64)"); x is then left as
// it was.
func (x *Indicators) Convert(to customer.Currency, rate decimal.Decimal) error {
	if !to.Valid() {
		return &InputError{Customer: x.ID, Reason: fmt.Sprintf("convert to currency %q: not a currency code", string(to))}
	}
	if err := CheckRate(x.ID, x.Currency, to, rate); err != nil {
		return err
	}
	if err := x.check(); err != nil {
		return err
	}
	y := *x
	var net decimal.Decimal // the converted Revenue, exact
	for m := y.known; m != 0; m &= m - 1 {
		if i := Indicator(bits.TrailingZeros32(m)); y.IsAmount(i) {
			a := decimal.NewFromFloat(y.at(i))
			d := a.Mul(rate)
			if i == Revenue {
				net = d
			}
			v := Float(d)
			if math.IsInf(v, 0) {
				return convertedTooLarge(x.ID, i, a, x.Currency, rate, d, to)
			}
			y.setAt(i, v)
		}
	}
	// AverageOrderValue as Extract gives it, the float64 nearest Net ÷
	// Orders, is taken again from the converted net, so that it ties
	// with a customer who paid that net in to.
	if aov, ok := x.Get(AverageOrderValue); ok && x.Known(Revenue) {
		if n := x.Values[Orders]; x.Known(Orders) && n >= 1 && n <= 1<<53 && n == math.Trunc(n) {
			var a, b exactSum
			a.add(decimal.NewFromFloat(x.Values[Revenue]), 1)
			if a.quo(int64(n)) == aov {
				b.add(net, 1)
				y.Values[AverageOrderValue] = b.quo(int64(n))
			}
		}
	}
	y.Currency = to
	if err := y.check(); err != nil {
		return err
	}
	*x = y
	return nil
}

// CheckRate returns the [*InputError] that [Indicators.Convert] returns
// for customer id when rate, from currency from into to, is no rate it
// takes: one that is not positive, or that has no positive float64
// (below about 5e-324 or above about 1.8e308, such as 1e-400), which
// would convert every amount to 0 or beyond the float64 range. Its
// Reason names the rate and the currencies ("rate 1e-400 from GBP to
// EUR: must be positive and within the range of float64"). It returns
// nil for a rate Convert takes. A caller that converts amounts itself
// (those in another currency than the customer's, which [Extract]
// refuses) refuses the same rates with it.
func CheckRate(id customer.ID, from, to customer.Currency, rate decimal.Decimal) error {
	if r := Float(rate); rate.Sign() <= 0 || !(r > 0) || math.IsInf(r, 0) {
		return &InputError{Customer: id, Reason: fmt.Sprintf("rate %s from %s to %s: must be positive and within the range of float64", decText(rate), from, to)}
	}
	return nil
}

// CheckConverted returns the [*InputError] that [Indicators.Convert]
// returns for indicator i of customer id when the amount a, converted
// exactly at rate into currency to (a × rate), is beyond the range of
// float64: naming the indicator, the amount, the rate and the amount it
// becomes, with Value ±Inf ("1e308 GBP at rate 10 is 1e309 USD: an
// amount too large for the indicator (beyond the range of float64)").
// It returns nil when a × rate has a finite float64 ([Float]). An a
// already in to is not converted, and rate is not used: the error is
// then that of [Indicators.SetAmount] for an amount beyond the float64
// range ("1e309 USD: an amount too large for the indicator (beyond the
// range of float64)"). A caller that converts amounts itself, at a rate
// [CheckRate] takes, refuses with it those that Convert would refuse.
func CheckConverted(id customer.ID, i Indicator, a customer.Money, rate decimal.Decimal, to customer.Currency) error {
	if a.Currency() == to {
		if v := Float(a.Amount()); math.IsInf(v, 0) {
			return &InputError{Customer: id, Indicator: i, Value: v, Reason: amountText(a.Amount(), to) + ": " + tooLarge}
		}
		return nil
	}
	d := a.Amount().Mul(rate)
	if math.IsInf(Float(d), 0) {
		return convertedTooLarge(id, i, a.Amount(), a.Currency(), rate, d, to)
	}
	return nil
}

// convertedTooLarge returns the [*InputError] of indicator i of
// customer id whose amount a of currency from is d, beyond the float64
// range, in to at rate.
func convertedTooLarge(id customer.ID, i Indicator, a decimal.Decimal, from customer.Currency, rate, d decimal.Decimal, to customer.Currency) error {
	return &InputError{Customer: id, Indicator: i, Value: Float(d), Reason: fmt.Sprintf("%s at rate %s is %s: %s",
		amountText(a, from), decText(rate), amountText(d, to), tooLarge)}
}
