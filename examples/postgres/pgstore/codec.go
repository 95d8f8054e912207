package pgstore

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// instant splits t into what a timestamptz keeps (microseconds) and the
// nanoseconds below them (0–999).
func instant(t time.Time) (time.Time, int16) {
	us := t.Truncate(time.Microsecond)
	return us, int16(t.Sub(us))
}

// nullInstant is instant with the zero time stored as NULL.
func nullInstant(t time.Time) (any, int16) {
	if t.IsZero() {
		return nil, 0
	}
	return instant(t)
}

// fromInstant is the inverse of instant and nullInstant: NULL is the zero
// time, other instants are in UTC.
func fromInstant(ts pgtype.Timestamptz, ns int16) time.Time {
	if !ts.Valid {
		return time.Time{}
	}
	return ts.Time.Add(time.Duration(ns)).UTC()
}

// dec returns d as text for a NUMERIC parameter: exact, with its scale
// ("199.00" stays 199.00; decimal.String would write 199).
func dec(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}

// nullDec returns d as text, or nil (NULL) when d is not valid.
func nullDec(d decimal.NullDecimal) any {
	if !d.Valid {
		return nil
	}
	return dec(d.Decimal)
}

// parseDec reads a NUMERIC column selected as text.
func parseDec(s string, field string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("column %s: %w", field, err)
	}
	return d, nil
}

// parseNullDec reads a nullable NUMERIC column selected as text.
func parseNullDec(s *string, field string) (decimal.NullDecimal, error) {
	if s == nil {
		return decimal.NullDecimal{}, nil
	}
	d, err := parseDec(*s, field)
	return decimal.NullDecimal{Decimal: d, Valid: err == nil}, err
}

// money rebuilds a customer.Money from its amount and currency columns.
// A zero amount gives the zero Money of that currency, whatever the code;
// any other amount needs a known currency.
func money(amount decimal.Decimal, cur string) (customer.Money, error) {
	if amount.IsZero() {
		return customer.Zero(customer.Currency(cur)), nil
	}
	return customer.MoneyFromDecimal(amount, customer.Currency(cur))
}

// pgCode returns the SQLSTATE of a server error in err's chain and the
// name of the constraint it names, or "" when err is not a server error.
func pgCode(err error) (code, constraint string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code, pe.ConstraintName
	}
	return "", ""
}

// SQLSTATE codes the stores map to the library's errors.
const (
	uniqueViolation     = "23505"
	lockNotAvailable    = "55P03"
	foreignKeyViolation = "23503"
)

// scanOne returns a result function for [DB.write] that scans the
// statement's one row into dst.
func scanOne(dst ...any) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return err
			}
			return pgx.ErrNoRows
		}
		if err := rows.Scan(dst...); err != nil {
			return err
		}
		rows.Close()
		return rows.Err()
	}
}

// storable reports whether PostgreSQL text can hold s: it is valid UTF-8
// without a NUL byte. A key that is not storable was never stored (writes
// refuse it, see checkText), so a lookup by it finds nothing and need not
// ask the server, which would reject it.
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// key is a text kept in an indexed column (an ID, the ID of the
// customer, order or case a record belongs to, an interaction's subject,
// a ledger entry's key), with the name of its field as [checkText] names
// fields.
type key struct{ field, value string }

// programLimitExceeded is the SQLSTATE of an index entry beyond the size
// a B-tree index holds ("index row size … exceeds btree version 4
// maximum 2704 for index …"; the error names the index as its
// constraint).
const programLimitExceeded = "54000"

// indexFields names, for each index of the schema that holds a text of
// a record's fields, those fields, in the order of the index's columns
// (as [checkText] names fields; "id" for the lines' order_id and
// return_id and the events' case_id, the ID of the record written with
// them).
var indexFields = map[string][]string{
	"customers_pkey":                     {"id"},
	"orders_pkey":                        {"id"},
	"orders_id_customer_id_key":          {"id", "customer_id"},
	"orders_customer_at":                 {"customer_id"},
	"order_lines_pkey":                   {"id"},
	"returns_pkey":                       {"id"},
	"returns_customer_at":                {"customer_id"},
	"returns_order":                      {"order_id", "customer_id"},
	"return_lines_pkey":                  {"id"},
	"interactions_pkey":                  {"customer_id", "subject"},
	"credits_pkey":                       {"id"},
	"credits_customer_at":                {"customer_id"},
	"credits_order":                      {"order_id", "customer_id"},
	"complaint_cases_pkey":               {"id"},
	"complaint_cases_complainant_opened": {"intake.complainant", "id"},
	"complaint_events_pkey":              {"id"},
	"loyalty_entries_pkey":               {"member"},
	"loyalty_entries_member_key":         {"member", "key"},
	"loyalty_entries_order":              {"member", "order_id"},
}

// keyFault returns, when err is the server's refusal of an index entry
// beyond the size a B-tree index holds, a [*customer.ValidationError]
// (matching customer.ErrInvalid) naming record and those of keys that
// the index holds (all of them for an index [indexFields] does not
// list), and err itself otherwise. The limit is the server's: an entry
// holds at most about a third of a page, 2704 bytes of the default
// 8 KiB, after the server compresses the texts of an entry longer than
// about 500 bytes (PostgreSQL documentation, 67.4.1 B-Tree Structure;
// BTMaxItemSize in src/include/access/nbtree.h, and index_form_tuple in
// src/backend/access/common/indextuple.c), so no length checked in
// advance would tell what the server stores: a key of 16 KiB that
// compresses is kept, two incompressible ones of 1500 bytes in one index
// are not. The statement failed, so nothing was stored.
func keyFault(err error, record string, keys ...key) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != programLimitExceeded {
		return err
	}
	fields, listed := indexFields[pe.ConstraintName]
	var faults []customer.FieldError
	for _, k := range keys {
		if listed && !slices.Contains(fields, k.field) {
			continue
		}
		faults = append(faults, customer.FieldError{Field: k.field, Code: customer.CodeRange,
			Message: fmt.Sprintf("is %d bytes long, in an index entry PostgreSQL cannot hold: %s", len(k.value), pe.Message)})
	}
	if len(faults) == 0 {
		return err
	}
	return &customer.ValidationError{Record: record, Fields: faults}
}

// checkText returns a [*customer.ValidationError] (matching
// customer.ErrInvalid) naming the first field of v, walked depth-first,
// that PostgreSQL cannot store as given: a string that is not valid UTF-8
// (encoding/json would silently replace the bad bytes in a JSONB
// payload) or that holds a NUL byte (no text or jsonb value can), an
// instant outside timestamptz's range ([timeInRange]), or a decimal (a
// set decimal.NullDecimal, a customer.Money's amount) that NUMERIC
// cannot hold ([numericFault]). record names the
// record in the error. The path of the field is built only for a fault,
// so a record that is fine costs the walk alone.
func checkText(record string, v any) error {
	return fieldFault(record, badText(addressable(v), false))
}

// addressable returns an addressable copy of v, whose fields and
// elements are addressable too (see [addressed]).
func addressable(v any) reflect.Value {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return rv
	}
	c := reflect.New(rv.Type()).Elem()
	c.Set(rv)
	return c
}

// checkJSON is [checkText] for a value stored as JSON (a jsonb column):
// each instant must also be one that encoding/json can write
// ([jsonTimeOK]), or json.Marshal would fail with an error that names
// neither the record nor the field, and each customer.Money amount one
// that its JSON form can be read back from ([customer.AmountInRange]).
func checkJSON(record string, v any) error {
	return fieldFault(record, badText(addressable(v), true))
}

// fieldFault returns the validation error of record for f, nil for nil.
func fieldFault(record string, f *textFault) error {
	if f == nil {
		return nil
	}
	return &customer.ValidationError{Record: record, Fields: []customer.FieldError{{Field: f.field(), Code: f.code, Message: f.msg}}}
}

// jsonTimeOK reports whether encoding/json can write t: RFC 3339, as
// time.Time.MarshalJSON writes it, has a year of exactly four digits
// (0 to 9999, in t's own zone) and a zone offset under 24 hours.
func jsonTimeOK(t time.Time) bool {
	_, off := t.Zone()
	y := t.Year()
	return y >= 0 && y <= 9999 && off > -24*60*60 && off < 24*60*60
}

// Ends of timestamptz's range, in the proleptic Gregorian calendar that
// both PostgreSQL and package time use: from 24 November 4714 BC (Julian
// day 0, astronomical year −4713; 1 January 4713 BC in the Julian
// calendar, PostgreSQL's documented "4713 BC") to the end of 294276 AD.
// PostgreSQL's MIN_TIMESTAMP and END_TIMESTAMP
// (src/include/datatype/timestamp.h), −211813488000000000 and
// 9223371331200000000 microseconds from 2000-01-01.
var (
	minTimestamp = time.Date(-4713, time.November, 24, 0, 0, 0, 0, time.UTC)
	endTimestamp = time.Date(294277, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// timeInRange reports whether a timestamptz column can hold t: the zero
// time, which the columns keep as NULL or as 0001-01-01, or an instant
// from minTimestamp up to, not including, endTimestamp. The check is
// needed as well as the server's: pgx sends an instant as microseconds
// from 2000 in an int64, which an instant some 290,000 years away
// overflows, wrapping around to another instant the server accepts
// (year 600000 would be stored as 15445-12-13) or to the values of
// ±infinity, which read back as the zero time.
func timeInRange(t time.Time) bool {
	return t.IsZero() || (!t.Before(minTimestamp) && t.Before(endTimestamp))
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
	moneyType       = reflect.TypeFor[customer.Money]()
)

// Limits of PostgreSQL's NUMERIC: "up to 131072 digits before the decimal
// point; up to 16383 digits after the decimal point" (PostgreSQL
// documentation, 8.1.2 Arbitrary Precision Numbers).
const (
	numericIntDigits = 131072
	numericScale     = 16383
)

// numericFault returns what keeps a NUMERIC column from holding d, ""
// when nothing does: more than numericScale decimals, or more than
// numericIntDigits integer digits (a zero coefficient counts as one
// digit, so that a zero with such an exponent is refused too:
// decimal.Decimal.String would build 10^exponent to write it). It never
// writes d out, so an exponent such as math.MaxInt32 costs nothing, and
// compares in int64 (negating the exponent math.MinInt32 overflows an
// int32). A coefficient below 2^53 costs no allocation:
// decimal.Decimal.NumDigits counts it with a float64 logarithm, which
// may be one off, so the digits are counted exactly only when that could
// matter, at the limit.
func numericFault(d decimal.Decimal) string {
	e := int64(d.Exponent())
	if e < -numericScale {
		return fmt.Sprintf("has %d decimals, more than the %d PostgreSQL's NUMERIC can hold", -e, numericScale)
	}
	if n := e + int64(d.NumDigits()); n >= numericIntDigits-1 && (n > numericIntDigits+1 || e+exactDigits(d) > numericIntDigits) {
		return fmt.Sprintf("has more integer digits than the %d PostgreSQL's NUMERIC can hold", numericIntDigits)
	}
	return ""
}

// exactDigits returns the number of decimal digits of d's coefficient, 1
// for zero.
func exactDigits(d decimal.Decimal) int64 {
	c := d.Coefficient()
	return int64(len(c.Abs(c).String()))
}

// addressed returns the T that v holds: through a pointer when v is
// addressable, which, unlike boxing a copy of the value, allocates
// nothing ([checkText] walks an addressable copy of its record).
func addressed[T any](v reflect.Value) T {
	if v.CanAddr() {
		return *v.Addr().Interface().(*T)
	}
	return v.Interface().(T)
}

// textFault is what badText found: the code and message of the field,
// and the steps of its path from the field up (a struct field's name, or
// an element's index in brackets).
type textFault struct {
	up        []string
	code, msg string
}

// field returns the path of the field: the names of the struct fields
// ([fieldName]) joined by dots, each index after its slice
// ("lines[0].unit_price"), as the library's validation names fields.
func (f *textFault) field() string {
	var b strings.Builder
	for i := len(f.up) - 1; i >= 0; i-- {
		step := f.up[i]
		if b.Len() > 0 && !strings.HasPrefix(step, "[") {
			b.WriteByte('.')
		}
		b.WriteString(step)
	}
	return b.String()
}

// fieldName returns the name the library's errors give a struct field
// (customer.Order.Validate's "customer_id", "lines[0].unit_price",
// customer.Customer.Validate's "profile.height_cm", complaint's JSON
// names such as "wait_reason"): the Go name in lower case, words joined
// by "_", an initialism one word ("CustomerID" is "customer_id",
// "HeightCM" "height_cm", "SKU" "sku").
func fieldName(goName string) string {
	rs := []rune(goName)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			// A new word: after a lower-case letter or a digit, or the
			// last capital of an initialism followed by a lower-case
			// letter ("URLPath": "url_path").
			if unicode.IsLower(prev) || unicode.IsDigit(prev) ||
				unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// badText returns the first fault of v (see checkText, and checkJSON
// when inJSON), nil when there is none. A fault in a map's key or value
// is named by the map's path.
func badText(v reflect.Value, inJSON bool) *textFault {
	if v.IsValid() {
		switch v.Type() {
		case decimalType:
			if msg := numericFault(addressed[decimal.Decimal](v)); msg != "" {
				return &textFault{code: customer.CodeRange, msg: msg}
			}
			return nil
		case nullDecimalType:
			if n := addressed[decimal.NullDecimal](v); n.Valid {
				if msg := numericFault(n.Decimal); msg != "" {
					return &textFault{code: customer.CodeRange, msg: msg}
				}
			}
			return nil
		case moneyType:
			a := addressed[customer.Money](v).Amount()
			if inJSON {
				// customer.Money writes an amount beyond these bounds as
				// coefficient and exponent, a form that reading it back
				// (customer.ParseAmount) refuses.
				if !customer.AmountInRange(a) {
					return &textFault{code: customer.CodeRange,
						msg: "is beyond what a JSON payload can hold and read back: at most 30 integer digits and 30 decimals"}
				}
				return nil
			}
			if msg := numericFault(a); msg != "" {
				return &textFault{code: customer.CodeRange, msg: msg}
			}
			return nil
		}
	}
	if v.IsValid() && v.Type() == timeType {
		t := v.Interface().(time.Time)
		switch {
		case !timeInRange(t):
			return &textFault{code: customer.CodeRange, msg: fmt.Sprintf("%s is outside PostgreSQL's range of instants, 4713 BC to 294276 AD",
				t.UTC().Format("2006-01-02T15:04:05Z07:00"))}
		case inJSON && !jsonTimeOK(t):
			return &textFault{code: customer.CodeRange, msg: fmt.Sprintf("%s is outside what JSON (RFC 3339) can hold: years 0 to 9999, zone offsets under 24 hours",
				t.Format("2006-01-02T15:04:05Z07:00"))}
		}
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		switch {
		case !utf8.ValidString(s):
			return &textFault{code: customer.CodeFormat, msg: "is not valid UTF-8"}
		case strings.IndexByte(s, 0) >= 0:
			return &textFault{code: customer.CodeFormat, msg: "contains a NUL byte, which PostgreSQL cannot store"}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badText(v.Elem(), inJSON)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f := badText(v.Index(i), inJSON); f != nil {
				f.up = append(f.up, "["+strconv.Itoa(i)+"]")
				return f
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if f := badText(iter.Key(), inJSON); f != nil {
				return f
			}
			if f := badText(iter.Value(), inJSON); f != nil {
				return f
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if !t.Field(i).IsExported() {
				continue // unexported state (money amounts) holds no text
			}
			if f := badText(v.Field(i), inJSON); f != nil {
				f.up = append(f.up, fieldName(t.Field(i).Name))
				return f
			}
		}
	}
	return nil
}

// classify marks an error of the server that rejected the data itself
// (SQLSTATE class 22, data exception: a time out of range, a number too
// large, text it cannot hold) as matching customer.ErrInvalid too.
func classify(err error) error {
	if code, _ := pgCode(err); strings.HasPrefix(code, "22") {
		return fmt.Errorf("%w: %w", customer.ErrInvalid, err)
	}
	return err
}
