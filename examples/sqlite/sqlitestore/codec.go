package sqlitestore

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// timeLayout is the text form of an instant in a column: UTC, nanoseconds,
// fixed width, so that text order is time order (for years 0 to 9999).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// timeText returns t's column form. Years outside 0–9999 have none.
func timeText(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("year %d is outside 0–9999", y)
	}
	return t.Format(timeLayout), nil
}

// parseTime reads a column written by timeText.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// utc returns t in UTC, the zero time unchanged, for the JSON documents.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// dec is a decimal that keeps its scale in JSON: 199.00 is written
// "199.00" (decimal.Decimal's own JSON would write "199"). The text is
// exact: no rounding, no float.
type dec struct{ decimal.Decimal }

// decText returns d with as many decimals as its exponent says.
func decText(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}

func (d dec) IsZero() bool { return d.Decimal.IsZero() }

func (d dec) MarshalJSON() ([]byte, error) { return strconv.AppendQuote(nil, decText(d.Decimal)), nil }

func (d *dec) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decimal %s: want a quoted number", b)
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("decimal %q: %w", s, err)
	}
	d.Decimal = v
	return nil
}

// moneyDoc is a customer.Money in a document: the amount and the
// currency apart, so that a zero Money (no currency) has a form too.
type moneyDoc struct {
	Amount   dec               `json:"amount,omitzero"`
	Currency customer.Currency `json:"currency,omitempty"`
}

func (m moneyDoc) IsZero() bool { return m.Amount.IsZero() && m.Currency == "" }

func docOfMoney(m customer.Money) (moneyDoc, error) {
	if m.Currency() == "" && !m.IsZero() {
		return moneyDoc{}, fmt.Errorf("amount %s has no currency", decText(m.Amount()))
	}
	return moneyDoc{Amount: dec{m.Amount()}, Currency: m.Currency()}, nil
}

func (m moneyDoc) money() (customer.Money, error) {
	if m.Amount.IsZero() {
		return customer.Zero(m.Currency), nil
	}
	return customer.MoneyFromDecimal(m.Amount.Decimal, m.Currency)
}

// enumName returns the column form of an enumeration value: "" for the
// zero value (unset), its name otherwise; an undefined value has none.
func enumName[T ~uint8](v T) (string, error) {
	if v == 0 {
		return "", nil
	}
	m, ok := any(v).(encoding.TextMarshaler)
	if !ok {
		return strconv.Itoa(int(v)), nil
	}
	b, err := m.MarshalText()
	return string(b), err
}

// parseEnum reads a column written by enumName.
func parseEnum[T ~uint8, P interface {
	*T
	encoding.TextUnmarshaler
}](s string) (T, error) {
	var v T
	if s == "" {
		return v, nil
	}
	err := P(&v).UnmarshalText([]byte(s))
	return v, err
}

// invalid returns a validation error of record with one field problem.
func invalid(record, field, code, msg string) error {
	return &customer.ValidationError{Record: record, Fields: []customer.FieldError{{Field: field, Code: code, Message: msg}}}
}

// fields collects field problems of one record.
type fields []customer.FieldError

func (f *fields) add(field, code, msg string) {
	*f = append(*f, customer.FieldError{Field: field, Code: code, Message: msg})
}

// enum checks that a non-zero enumeration value has a name.
func (f *fields) enum(field string, v uint8, err error) {
	if err != nil {
		f.add(field, customer.CodeUnknown, fmt.Sprintf("undefined value %d", v))
	}
}

// time checks that t has a column form.
func (f *fields) time(field string, t time.Time) string {
	s, err := timeText(t)
	if err != nil {
		f.add(field, customer.CodeRange, err.Error())
	}
	return s
}

// text reports each string of document d, a struct of this package's
// document types, that is not valid UTF-8, named by its JSON path
// ("household[1].id", "lines[0].member"): encoding/json would write
// U+FFFD for each invalid byte, and the document would read back
// changed. The IDs kept in columns are bytes and are not in d.
func (f *fields) text(d any) {
	walkText(reflect.ValueOf(d), "", f)
}

func walkText(v reflect.Value, path string, f *fields) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) {
			f.add(path, customer.CodeFormat, "is not valid UTF-8, which the stored JSON document cannot hold")
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walkText(v.Elem(), path, f)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkText(v.Index(i), fmt.Sprintf("%s[%d]", path, i), f)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue // unexported state (decimals, times) holds no text
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				name = strings.ToLower(sf.Name)
			}
			if path != "" {
				name = path + "." + name
			}
			walkText(v.Field(i), name, f)
		}
	}
}

func (f fields) err(record string) error {
	return customer.Invalid(record, f)
}
