// Package enumtext implements the text form shared by tailor's enumerated
// types: a lower-case name per value, the zero value invalid, and
// "Type(n)" for values outside the table.
package enumtext

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
)

// Enum is the underlying type of an enumeration whose zero value is invalid
// and whose valid values are 1..len(names)-1.
type Enum interface{ ~uint8 }

// String returns names[v], or typeName(v) when v has no name.
func String[T Enum](v T, names []string, typeName string) string {
	if v > 0 && int(v) < len(names) {
		return names[v]
	}
	return typeName + "(" + strconv.Itoa(int(v)) + ")"
}

// Parse returns the value whose name is s. names[0] is never matched.
func Parse[T Enum](s string, names []string, typeName string) (T, error) {
	for i := 1; i < len(names); i++ {
		if names[i] == s {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q", typeName, s)
}

// Valid reports whether v has a name.
func Valid[T Enum](v T, names []string) bool {
	return v > 0 && int(v) < len(names)
}

// Marshal returns the text form of v, or an error when v has no name.
func Marshal[T Enum](v T, names []string, typeName string) ([]byte, error) {
	if !Valid(v, names) {
		return nil, fmt.Errorf("invalid %s %d", typeName, uint8(v))
	}
	return []byte(names[v]), nil
}

// MarshalOptional is Marshal for a field where the zero value means "not
// set": it encodes zero as the empty string.
func MarshalOptional[T Enum](v T, names []string, typeName string) ([]byte, error) {
	if v == 0 {
		return []byte{}, nil
	}
	return Marshal(v, names, typeName)
}

// ParseOptional is Parse for a field where the zero value means "not
// set": it decodes the empty string as zero.
func ParseOptional[T Enum](s string, names []string, typeName string) (T, error) {
	if s == "" {
		return 0, nil
	}
	return Parse[T](s, names, typeName)
}

// Unmarshal sets *dst to the value parse gives for the text b, and leaves
// *dst as it was when parse refuses b: a refused text changes nothing.
func Unmarshal[T Enum](dst *T, b []byte, parse func(string) (T, error)) error {
	v, err := parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// TestRefusedKeepsValue checks, for a test t, that each of us refuses a
// text that names no value and keeps the value it had: a rejected decode
// changes nothing. Give it pointers to enums set to a valid value.
func TestRefusedKeepsValue(t interface {
	Helper()
	Errorf(format string, args ...any)
}, us ...encoding.TextUnmarshaler) {
	t.Helper()
	for _, u := range us {
		before := reflect.ValueOf(u).Elem().Interface()
		if err := u.UnmarshalText([]byte("no such name")); err == nil {
			t.Errorf("%T: no error for an unknown name", u)
		}
		if after := reflect.ValueOf(u).Elem().Interface(); after != before {
			t.Errorf("%T: a refused text changed %v to %v", u, before, after)
		}
	}
}
