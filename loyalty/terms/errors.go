package terms

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// problems collects the field errors of one record.
type problems struct{ fields []customer.FieldError }

func (p *problems) add(field, code, format string, args ...any) {
	p.fields = append(p.fields, customer.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was added, else a
// *customer.ValidationError for record with its fields sorted.
func (p *problems) err(record string) error {
	return customer.Invalid(record, p.fields)
}

// brief returns d, a number out of the bounds of customer.AmountInRange, for a message:
// its coefficient, shortened, and its exponent.
func brief(d decimal.Decimal) string {
	c := d.Coefficient().String()
	if len(c) > 40 {
		c = c[:40] + "…"
	}
	return fmt.Sprintf("%se%d", c, d.Exponent())
}

// checkPercent reports a percentage that is out of bounds, negative, or
// not below 100.
func checkPercent(p *problems, field string, d decimal.Decimal) {
	switch {
	case !customer.AmountInRange(d):
		p.add(field, customer.CodeRange, "%s is too large or too precise", brief(d))
	case d.Sign() < 0:
		p.add(field, customer.CodeNegative, "must not be negative, is %s", d.String())
	case d.GreaterThanOrEqual(hundred):
		p.add(field, customer.CodeRange, "must be below 100, is %s", d.String())
	}
}

// checkMoney reports an amount that is in another currency than cur, out
// of bounds, not positive, or finer than cur's minor unit. who names the
// record in the messages, e.g. `payment "P-1": `, or is empty; whose
// says whose currency cur is ("the terms'").
func checkMoney(p *problems, field, who, whose string, m customer.Money, cur customer.Currency) {
	d, digits := m.Amount(), cur.Digits()
	switch {
	case m.Currency() != cur:
		p.add(field, customer.CodeMismatch, "%sis in %q, %s currency is %s", who, string(m.Currency()), whose, cur)
	case !customer.AmountInRange(d):
		p.add(field, customer.CodeRange, "%s%s is too large or too precise", who, brief(d))
	case d.Sign() <= 0:
		p.add(field, customer.CodeNotPos, "%smust be positive, is %s", who, d.String())
	case !d.Equal(d.Truncate(digits)):
		p.add(field, customer.CodeFormat, "%s%s has more decimals than %s allows (%d)", who, d.String(), cur, digits)
	}
}

// minYear and maxYear bound the years of the times the package accepts,
// the years RFC 3339 can write: calendar days then stay far inside the
// range of [customer.Date].
const (
	minYear = 1
	maxYear = 9999
)

// checkTime reports a zero time or one outside the years minYear to
// maxYear.
func checkTime(p *problems, field, who string, t time.Time) bool {
	if t.IsZero() {
		p.add(field, customer.CodeRequired, "%sis zero", who)
		return false
	}
	if y := t.UTC().Year(); y < minYear || y > maxYear {
		p.add(field, customer.CodeRange, "%syear %d is outside %d–%d", who, y, minYear, maxYear)
		return false
	}
	return true
}

var hundred = decimal.NewFromInt(100)

// percentOf returns round(d × pct / 100), half up to digits decimals.
func percentOf(d, pct decimal.Decimal, digits int32) decimal.Decimal {
	return d.Mul(pct).Shift(-2).Round(digits)
}
