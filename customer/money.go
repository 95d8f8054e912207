package customer

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Currency is an ISO 4217 alphabetic currency code such as "EUR" or "CNY".
// Only codes in the table of [ParseCurrency] are valid.
type Currency string

// currencyDigits maps the ISO 4217 codes that tailor knows to the number of
// digits of their minor unit (ISO 4217, list one).
var currencyDigits = map[Currency]int32{
	"AED": 2, "ARS": 2, "AUD": 2, "BGN": 2, "BHD": 3, "BRL": 2, "CAD": 2,
	"CHF": 2, "CLP": 0, "CNY": 2, "COP": 2, "CZK": 2, "DKK": 2, "EGP": 2,
	"EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2,
	"ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "MAD": 2, "MXN": 2,
	"MYR": 2, "NGN": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PEN": 2, "PHP": 2,
	"PKR": 2, "PLN": 2, "QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "SAR": 2,
	"SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2, "TWD": 2, "UAH": 2,
	"USD": 2, "VND": 0, "ZAR": 2,
}

// ErrUnknownCurrency is returned for a currency code that is not in the
// table of known ISO 4217 codes.
var ErrUnknownCurrency = errors.New("customer: unknown currency")

// ParseCurrency returns the currency with code s. The code must be three
// upper-case letters and one of the ISO 4217 codes tailor knows; anything
// else returns an error wrapping [ErrUnknownCurrency].
func ParseCurrency(s string) (Currency, error) {
	c := Currency(s)
	if _, ok := currencyDigits[c]; !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownCurrency, s)
	}
	return c, nil
}

// Valid reports whether c is a known ISO 4217 code.
func (c Currency) Valid() bool {
	_, ok := currencyDigits[c]
	return ok
}

// Digits returns the number of digits of c's minor unit (2 for EUR, 0 for
// JPY, 3 for KWD), or 2 for an unknown currency.
func (c Currency) Digits() int32 {
	if d, ok := currencyDigits[c]; ok {
		return d
	}
	return 2
}

// String returns the code.
func (c Currency) String() string { return string(c) }

// Format returns amount as a person reads an amount of c: with the
// digits of c's minor unit (19.8 EUR is "19.80", 1200 JPY "1200"), or
// with all of its digits, trailing zeros dropped, when it has more
// ("0.125"). It never rounds. An amount beyond the bounds of
// [ParseAmount] (more than 30 integer digits or 30 decimals, which only a
// decimal built or decoded some other way can have) is written as its
// coefficient and exponent ("1e-2147483648"), so that printing it stays
// cheap.
func (c Currency) Format(amount decimal.Decimal) string {
	if !AmountInRange(amount) {
		return sciString(amount)
	}
	d := c.Digits()
	if moreDecimals(amount, d) {
		return amount.String()
	}
	return amount.StringFixed(d)
}

// moreDecimals reports whether a, an amount within the bounds of
// [checkAmount], has more decimals than digits once trailing zeros are
// dropped. The exponent is compared in int64: negating math.MinInt32
// overflows an int32.
func moreDecimals(a decimal.Decimal, digits int32) bool {
	return -int64(a.Exponent()) > int64(digits) && !a.Truncate(digits).Equal(a)
}

// CurrencyMismatchError is returned by operations that would combine
// amounts of two currencies.
type CurrencyMismatchError struct {
	A, B Currency
}

// Error returns "customer: currency mismatch: A and B".
func (e *CurrencyMismatchError) Error() string {
	return fmt.Sprintf("customer: currency mismatch: %s and %s", e.A, e.B)
}

// Money is an exact decimal amount in one currency. The zero Money has no
// currency and amount zero; it is the identity of [Money.Add], so a sum can
// start from it.
//
// Money never holds a float: construct it with [NewMoney] or
// [MoneyFromDecimal].
type Money struct {
	amount   decimal.Decimal
	currency Currency
}

// NewMoney parses amount as a decimal number ("49.90", "-3", "1200.5") in
// currency code cur. It rejects the empty string, NaN, infinities,
// exponents that overflow, anything that is not a plain decimal number, and
// unknown currencies. More decimals than the currency's minor unit are
// allowed (unit prices and costs may need them); round with [Money.Round].
func NewMoney(amount, cur string) (Money, error) {
	c, err := ParseCurrency(cur)
	if err != nil {
		return Money{}, err
	}
	d, err := ParseAmount(amount)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: d, currency: c}, nil
}

// MoneyFromDecimal returns d in currency cur. It checks the currency, not
// the amount: the validation of the record that carries the money
// reports an amount beyond the bounds of [ParseAmount] (more than 30
// integer digits or 30 decimals) or one that is otherwise wrong for it.
func MoneyFromDecimal(d decimal.Decimal, cur Currency) (Money, error) {
	if !cur.Valid() {
		return Money{}, fmt.Errorf("%w %q", ErrUnknownCurrency, string(cur))
	}
	return Money{amount: d, currency: cur}, nil
}

// Zero returns an amount of zero in currency cur.
func Zero(cur Currency) Money { return Money{currency: cur} }

// maxAmountDigits bounds the size of a parsed amount: no shop sells for more
// than 10^30 of anything, and a bound keeps "1e400" from allocating a
// 400-digit number. Validation applies the same bound, as [checkAmount],
// to amounts that did not come through [ParseAmount].
const maxAmountDigits = 30

// amountHi[i] and amountLo[i] are ±10^maxAmountDigits written with
// exponent i − maxAmountDigits, so that an amount with that exponent is
// compared with its bound without rescaling or allocating.
var amountHi, amountLo = func() (hi, lo [2*maxAmountDigits + 1]decimal.Decimal) {
	for i := range hi {
		e := int32(i - maxAmountDigits)
		c := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(maxAmountDigits-e)), nil)
		hi[i] = decimal.NewFromBigInt(c, e)
		lo[i] = decimal.NewFromBigInt(new(big.Int).Neg(c), e)
	}
	return hi, lo
}()

// AmountInRange reports whether d is within the bounds that [ParseAmount]
// sets on text: at most 30 integer digits and at most 30 decimals, that
// is an exponent in [−30, 30] and |d| < 10^30. Validation refuses amounts
// beyond them however they were made, before any arithmetic (an exponent
// such as that of 1e-2147483648 would make comparing or rescaling slow);
// other packages bound their numbers with it too. It costs a comparison
// of the exponent and one of the coefficient with the bound of the same
// exponent, and no allocation.
func AmountInRange(d decimal.Decimal) bool {
	e := d.Exponent()
	if e < -maxAmountDigits || e > maxAmountDigits {
		return false
	}
	switch d.Sign() {
	case 0: // also the zero Decimal, which Cmp would allocate for
		return true
	case 1:
		return d.Cmp(amountHi[e+maxAmountDigits]) < 0
	default:
		return d.Cmp(amountLo[e+maxAmountDigits]) > 0
	}
}

// checkAmount returns "" when d is within the bounds of [ParseAmount]
// (at most 30 integer digits and 30 decimals), and otherwise what is
// wrong with it, for a [FieldError] with [CodeRange]. Validation checks
// the bound before any arithmetic that rescales d: decimal arithmetic on
// an exponent such as 10^8 or math.MinInt32 would take minutes or never
// end. The exponent and the number of digits are compared in int64, so
// no exponent overflows.
func checkAmount(d decimal.Decimal) string {
	if AmountInRange(d) {
		return ""
	}
	e := int64(d.Exponent())
	if e < -maxAmountDigits {
		return fmt.Sprintf("has %d decimals, more than the %d allowed", -e, maxAmountDigits)
	}
	return fmt.Sprintf("has %d integer digits, more than the %d allowed", coefDigits(d)+e, maxAmountDigits)
}

// coefDigits returns the number of decimal digits of d's coefficient, 1
// for zero. decimal.Decimal.NumDigits estimates small coefficients with
// a float64 logarithm, which can be one off (10^15 gives 15); those are
// counted exactly here.
func coefDigits(d decimal.Decimal) int64 {
	n := d.NumDigits()
	if n > 18 {
		// Counted exactly from the coefficient's bit length.
		return int64(n)
	}
	// Below 10^18 (the float estimate is used only below 2^53): the
	// coefficient fits an int64.
	c := d.CoefficientInt64()
	if c < 0 {
		c = -c
	}
	k := int64(1)
	for k < int64(len(pow10i)) && c >= pow10i[k] {
		k++
	}
	return k
}

// safeString returns d.String(), or sciString(d) for a decimal beyond the
// bounds of checkAmount.
func safeString(d decimal.Decimal) string {
	if AmountInRange(d) {
		return d.String()
	}
	return sciString(d)
}

// sciString writes d as its coefficient and exponent, "1e-2147483648",
// without the rescaling that decimal.Decimal.String needs for such an
// exponent.
func sciString(d decimal.Decimal) string {
	return d.Coefficient().String() + "e" + strconv.FormatInt(int64(d.Exponent()), 10)
}

// ParseAmount parses a plain decimal number: an optional sign ("+" or "-")
// and digits with at most one decimal point, at least one digit on either
// side of it ("12", "-0.5", "+1200.50", ".5" and "5." too). It rejects "", "NaN",
// "Inf", exponents ("1e400"), thousands separators and anything else that is
// not such a number, and numbers of more than 30 integer digits or more
// than 30 decimals.
func ParseAmount(s string) (decimal.Decimal, error) {
	if err := checkAmountSyntax(s); err != nil {
		return decimal.Decimal{}, err
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q: not a decimal number", s)
	}
	return d, nil
}

func checkAmountSyntax(s string) error {
	if s == "" {
		return errors.New("empty amount")
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	intDigits, fracDigits, dot := 0, 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if dot {
				fracDigits++
			} else {
				intDigits++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return fmt.Errorf("%q: not a decimal number", s)
		}
	}
	if intDigits+fracDigits == 0 {
		return fmt.Errorf("%q: not a decimal number", s)
	}
	if intDigits > maxAmountDigits {
		return fmt.Errorf("%q: too large", s)
	}
	if fracDigits > maxAmountDigits {
		return fmt.Errorf("%q: more than %d decimals", s, maxAmountDigits)
	}
	return nil
}

// Amount returns the decimal amount.
func (m Money) Amount() decimal.Decimal { return m.amount }

// Currency returns the currency, empty for the zero Money.
func (m Money) Currency() Currency { return m.currency }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.amount.IsZero() }

// Sign returns -1, 0 or +1 as the amount is negative, zero or positive.
func (m Money) Sign() int { return m.amount.Sign() }

// Neg returns -m.
func (m Money) Neg() Money { return Money{amount: m.amount.Neg(), currency: m.currency} }

// Mul returns m multiplied by the exact factor f. The product is not
// bounded: a factor with an extreme exponent gives an amount that the
// validation of a record carrying it rejects ([ParseAmount] gives the
// bounds).
func (m Money) Mul(f decimal.Decimal) Money {
	return Money{amount: m.amount.Mul(f), currency: m.currency}
}

func (m Money) common(n Money) (Currency, error) {
	switch {
	case m.currency == n.currency:
		return m.currency, nil
	case m.currency == "" && m.amount.IsZero():
		return n.currency, nil
	case n.currency == "" && n.amount.IsZero():
		return m.currency, nil
	}
	return "", &CurrencyMismatchError{A: m.currency, B: n.currency}
}

// Add returns m + n, or a [*CurrencyMismatchError] when the currencies
// differ. The zero Money adds to any currency.
func (m Money) Add(n Money) (Money, error) {
	c, err := m.common(n)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Add(n.amount), currency: c}, nil
}

// Sub returns m − n, or a [*CurrencyMismatchError] when the currencies
// differ.
func (m Money) Sub(n Money) (Money, error) { return m.Add(n.Neg()) }

// Cmp compares m and n: -1 if m < n, 0 if equal, +1 if m > n; an error when
// the currencies differ.
func (m Money) Cmp(n Money) (int, error) {
	if _, err := m.common(n); err != nil {
		return 0, err
	}
	return m.amount.Cmp(n.amount), nil
}

// Equal reports whether m and n have the same currency and amount.
func (m Money) Equal(n Money) bool {
	_, err := m.common(n)
	return err == nil && decEqual(m.amount, n.amount)
}

// decEqual reports whether a and b are equal by value, as
// decimal.Decimal.Equal does, without its rescaling to the smaller
// exponent when the two cannot be equal: an amount compared with one of
// an extreme exponent (a second delivery of a record with garbage in it)
// is answered at once. Two non-zero decimals of different magnitudes (the
// position of the leading digit, digits + exponent) differ; of the same
// magnitude, rescaling one to the other's exponent costs no more digits
// than their coefficients have.
func decEqual(a, b decimal.Decimal) bool {
	if a.Exponent() == b.Exponent() {
		return a.Equal(b)
	}
	sa, sb := a.Sign(), b.Sign()
	if sa != sb {
		return false
	}
	if sa == 0 {
		return true
	}
	if !AmountInRange(a) || !AmountInRange(b) {
		if coefDigits(a)+int64(a.Exponent()) != coefDigits(b)+int64(b.Exponent()) {
			return false
		}
	}
	return a.Equal(b)
}

// RoundingMode says how an amount is rounded to the minor unit.
type RoundingMode uint8

const (
	// HalfUp rounds halves away from zero (0.125 → 0.13), the usual rule
	// on receipts.
	HalfUp RoundingMode = iota + 1
	// HalfEven rounds halves to the even digit (0.125 → 0.12), banker's
	// rounding.
	HalfEven
	// Down truncates toward zero.
	Down
)

var roundingNames = []string{"", "half-up", "half-even", "down"}

// String returns "half-up", "half-even" or "down".
func (r RoundingMode) String() string {
	if r > 0 && int(r) < len(roundingNames) {
		return roundingNames[r]
	}
	return fmt.Sprintf("RoundingMode(%d)", uint8(r))
}

// Round returns m rounded to its currency's minor unit with mode r. An
// invalid mode rounds half up.
func (m Money) Round(r RoundingMode) Money {
	return Money{amount: RoundAmount(m.amount, m.currency.Digits(), r), currency: m.currency}
}

// RoundAmount rounds d to places decimals with mode r. An invalid mode
// rounds half up.
func RoundAmount(d decimal.Decimal, places int32, r RoundingMode) decimal.Decimal {
	switch r {
	case HalfEven:
		return d.RoundBank(places)
	case Down:
		return d.Truncate(places)
	default:
		return d.Round(places)
	}
}

// Split divides m into n parts that differ by at most one minor unit and
// sum exactly to m rounded to the minor unit; the remainder goes to the
// first parts. It returns an error when n < 1.
func (m Money) Split(n int) ([]Money, error) {
	if n < 1 {
		return nil, fmt.Errorf("customer: split into %d parts", n)
	}
	ratios := make([]decimal.Decimal, n)
	for i := range ratios {
		ratios[i] = one
	}
	return m.Allocate(ratios...)
}

// Allocate divides m in proportion to ratios, in whole minor units, so that
// the parts sum exactly to m rounded half up to the minor unit. Each part
// is its exact share rounded toward zero, and the minor units left over
// go one each to the parts whose shares lost the most to that rounding
// (the largest remainder method), the first of them on a tie: no part is
// more than one minor unit from its exact share, and a part of ratio zero
// gets nothing. Ratios must be non-negative and not all zero.
func (m Money) Allocate(ratios ...decimal.Decimal) ([]Money, error) {
	if len(ratios) == 0 {
		return nil, errors.New("customer: allocate with no ratios")
	}
	total := decimal.Zero
	for i, r := range ratios {
		if r.Sign() < 0 {
			return nil, fmt.Errorf("customer: allocate: ratio %d is negative", i)
		}
		total = total.Add(r)
	}
	if total.IsZero() {
		return nil, errors.New("customer: allocate: ratios sum to zero")
	}
	digits := m.currency.Digits()
	whole := m.amount.Round(digits)
	parts := make([]Money, len(ratios))
	rems := make([]decimal.Decimal, len(ratios))
	left := whole
	for i, r := range ratios {
		p, rem := whole.Mul(r).QuoRem(total, digits) // truncated toward zero
		parts[i] = Money{amount: p, currency: m.currency}
		rems[i] = rem.Abs()
		left = left.Sub(p)
	}
	if left.IsZero() {
		return parts, nil
	}
	// Each part lost less than one minor unit, and only a part with a
	// remainder lost anything, so the k units left (with the sign of
	// whole) are fewer than the parts with a remainder: the k largest
	// remainders take one each.
	unit := decimal.New(1, -digits)
	if left.Sign() < 0 {
		unit = unit.Neg()
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].GreaterThan(rems[order[b]]) })
	for _, k := range order {
		if left.IsZero() || rems[k].IsZero() {
			break
		}
		parts[k].amount = parts[k].amount.Add(unit)
		left = left.Sub(unit)
	}
	return parts, nil
}

// String formats m as "49.90 EUR", with at least the currency's minor-unit
// digits ([Currency.Format]).
func (m Money) String() string {
	if m.currency == "" {
		if !AmountInRange(m.amount) {
			return sciString(m.amount)
		}
		return m.amount.StringFixed(2)
	}
	return m.currency.Format(m.amount) + " " + string(m.currency)
}

// MarshalText encodes m as "49.90 EUR".
// The zero Money, which has no currency, encodes as the empty string.
func (m Money) MarshalText() ([]byte, error) {
	if m.currency == "" && m.amount.IsZero() {
		return []byte{}, nil
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes the form written by [Money.MarshalText]; the empty
// string decodes as the zero Money.
func (m *Money) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Money{}
		return nil
	}
	amount, cur, ok := strings.Cut(string(b), " ")
	if !ok {
		return fmt.Errorf("customer: money %q: want \"AMOUNT CODE\"", b)
	}
	v, err := NewMoney(amount, cur)
	if err != nil {
		return fmt.Errorf("customer: money %q: %w", b, err)
	}
	*m = v
	return nil
}
