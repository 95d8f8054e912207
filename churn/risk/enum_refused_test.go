package risk_test

import (
	"encoding"
	"reflect"
	"testing"

	"github.com/tailorcrm/tailor/churn/risk"
)

// Every enum of the package refuses a text that names no value and
// keeps the value it had: a rejected decode changes nothing.
func TestEnumRefusedTextLeavesValue(t *testing.T) {
	vBand := risk.Band(1)
	vMethod := risk.Method(1)
	vFeature := risk.Feature(1)
	for _, u := range []encoding.TextUnmarshaler{
		&vBand,
		&vMethod,
		&vFeature,
	} {
		before := reflect.ValueOf(u).Elem().Interface()
		if err := u.UnmarshalText([]byte("no such name")); err == nil {
			t.Errorf("%T: no error for an unknown name", u)
		}
		if after := reflect.ValueOf(u).Elem().Interface(); after != before {
			t.Errorf("%T: a refused text changed %v to %v", u, before, after)
		}
	}
}
