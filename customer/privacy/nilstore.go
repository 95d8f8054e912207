package privacy

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/tailorcrm/tailor/customer"
)

// store is one store of [Sources] or [Targets], named by its field
// ("Targets.Interactions").
type store struct {
	field string
	value any
}

// checkStores returns an error matching [customer.ErrInvalid] naming
// every store that is a typed nil: a nil pointer, func or channel held
// in a non-nil interface. Such a value is not a nil target (which is left
// out) but a store that would be consulted and fail, most often with a
// panic half-way through; it is refused before any store is read or
// written. A nil map or slice is not refused: reading it is well defined
// (it holds nothing), so a store kept in one is an empty store. op is
// "export" or "erasure".
func checkStores(op string, id customer.ID, stores ...store) error {
	var bad []string
	for _, s := range stores {
		if s.value == nil {
			continue
		}
		v := reflect.ValueOf(s.value)
		switch v.Kind() {
		case reflect.Pointer, reflect.Func, reflect.Chan, reflect.UnsafePointer:
			if v.IsNil() {
				bad = append(bad, fmt.Sprintf("%s is a nil %T", s.field, s.value))
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("privacy: %s of customer %q: %s: give a store, or leave the field nil not to consult it: %w",
		op, id, strings.Join(bad, "; "), customer.ErrInvalid)
}
