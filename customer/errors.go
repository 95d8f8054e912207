package customer

import (
	"cmp"
	"errors"
	"sort"
	"strconv"
	"strings"
)

// ErrNotFound is returned by stores for an unknown customer, order or
// record.
var ErrNotFound = errors.New("customer: not found")

// ErrDuplicate is returned when a record arrives under an ID that is
// already taken by a record with different content: an order, return or
// customer delivered twice in two versions. A redelivery of identical
// content is not an error; it is a no-op. [Summarize], [MemStore] and
// [Order.Conflict] (for stores) report a conflicting order or return with
// a [*DuplicateError], which names the first field that differs.
var ErrDuplicate = errors.New("customer: duplicate ID with different content")

// DuplicateError reports a record that arrived under an ID already taken
// by a record with different content: an order or a return delivered
// twice in two versions. Record names the record, such as `order "O-17"`;
// Field is the path, as in [FieldError], of the first field in which the
// two versions differ, such as "lines[0].quantity", or "lines" when one
// version has more lines than the other and the lines both have are
// equal. It matches [ErrDuplicate].
type DuplicateError struct {
	Record string
	Field  string
}

// Error returns `order "O-17": duplicate ID with different
// lines[0].quantity`.
func (e *DuplicateError) Error() string {
	return e.Record + ": duplicate ID with different " + e.Field
}

// Is reports whether target is [ErrDuplicate].
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// duplicateOrder returns the error for order o delivered under the ID of
// prev, which has different content.
func duplicateOrder(prev, o *Order) error {
	return &DuplicateError{Record: "order " + strconv.Quote(o.ID), Field: prev.diff(o)}
}

// duplicateReturn returns the error for return r delivered under the ID
// of prev, which has different content.
func duplicateReturn(prev, r *Return) error {
	return &DuplicateError{Record: "return " + strconv.Quote(r.ID), Field: prev.diff(r)}
}

// ErrOverflow is returned when a count of a [Summary] (Orders, Units,
// ReturnedUnits, Returns, Exchanges, ExchangedUnits, Credits,
// Interactions, Later) would no longer fit in an int. The record that
// would overflow it is not added, and the summary is unchanged.
var ErrOverflow = errors.New("customer: count overflow")

// ErrInvalid is matched by every [*ValidationError]:
// errors.Is(err, ErrInvalid) tells a caller that the input, not the system,
// is at fault.
var ErrInvalid = errors.New("invalid record")

// Codes of [FieldError] that callers may translate.
const (
	CodeRequired  = "required" // the field is empty
	CodeNegative  = "negative" // a value below zero where none is allowed
	CodeNotPos    = "not_positive"
	CodeRange     = "out_of_range" // outside the documented bounds
	CodeFuture    = "future"       // later than the time of validation
	CodeOrder     = "order"        // dated before something it must follow
	CodeDuplicate = "duplicate"    // an ID used twice
	CodeUnknown   = "unknown"      // a code or reference that does not exist
	CodeMismatch  = "mismatch"     // disagrees with another field or record
	CodeFormat    = "format"       // not in the expected form
	CodeTooMany   = "too_many"     // more than is available
)

// FieldError is one problem with one field of a record. Field is a path
// such as "lines[2].quantity"; Code is one of the Code constants.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

// String returns "field: message".
func (e FieldError) String() string { return e.Field + ": " + e.Message }

// ValidationError lists every problem found in one record. Record names
// the record, such as `order "O-17"`. Its errors are sorted by field, so
// the message is deterministic.
type ValidationError struct {
	Record string
	Fields []FieldError
}

// Error returns `order "O-17": lines[0].quantity: must be positive; ...`.
// It has no package prefix: other packages (complaint, loyalty) report
// their records with it too, and the record's name says what it is.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Record)
	b.WriteString(": ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Invalid returns nil when fields is empty, and otherwise a
// [*ValidationError] for record with a copy of fields sorted by field
// (stably, so the problems of one field keep their order), a run of
// digits comparing by its number: lines[2] before lines[10]. Other
// packages report their records with it, so that every invalid record of
// the library is reported alike.
func Invalid(record string, fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	f := append([]FieldError(nil), fields...)
	sort.SliceStable(f, func(i, j int) bool { return CompareFields(f[i].Field, f[j].Field) < 0 })
	return &ValidationError{Record: record, Fields: f}
}

// CompareFields orders field paths as [Invalid] sorts them, for a caller
// that lists problems of its own beside the library's: as text, except
// that where both paths have a run of decimal digits at the same place
// the runs compare by the numbers they write (leading zeros aside), so
// that the problems of lines[2] come before those of lines[10]. Equal
// numbers written with other leading zeros ("07", "7") then compare as
// text. It returns -1, 0 or +1, as [strings.Compare] does, and is a
// total order.
func CompareFields(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			ei, ej := digitsEnd(a, i), digitsEnd(b, j)
			na, nb := trimZeros(a[i:ei]), trimZeros(b[j:ej])
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			if c := strings.Compare(a[i:ei], b[j:ej]); c != 0 {
				return c
			}
			i, j = ei, ej
			continue
		}
		if a[i] != b[j] {
			return cmp.Compare(a[i], b[j])
		}
		i++
		j++
	}
	return cmp.Compare(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitsEnd returns the end of the run of digits of s that starts at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// trimZeros returns the digits ds without leading zeros ("" for zero).
func trimZeros(ds string) string { return strings.TrimLeft(ds, "0") }

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Has reports whether the error names field with code; an empty code
// matches any code.
func (e *ValidationError) Has(field, code string) bool {
	for _, f := range e.Fields {
		if f.Field == field && (code == "" || f.Code == code) {
			return true
		}
	}
	return false
}

// problems collects the field errors of one record.
type problems struct {
	fields []FieldError
}

func (p *problems) add(field, code, msg string) {
	p.fields = append(p.fields, FieldError{Field: field, Code: code, Message: msg})
}

// err returns nil when nothing was added, else a *ValidationError for
// the record `kind "id"` with its fields sorted. The record's name is
// formatted only when there is an error, so a valid record costs no
// allocation.
func (p *problems) err(kind, id string) error {
	if len(p.fields) == 0 {
		return nil
	}
	return Invalid(kind+" "+strconv.Quote(id), p.fields)
}
