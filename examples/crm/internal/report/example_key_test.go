package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/churn/risk"
)

// exampleKey reads every field of a risk example but the customer's ID
// and the as-of instant: a change to any other field, including one a
// later release adds to risk.Signals, changes the key, so the training
// split never falls back on the customers' order for examples that
// differ.
func TestExampleKeyReadsEveryField(t *testing.T) {
	base := risk.Example{Signals: risk.Signals{Customer: "A", AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		SpendFirstDay: decimal.New(10, 0), SpendLast12: decimal.New(5, 0), SpendPrior12: decimal.New(7, 0)}}
	k0 := exampleKey(&base)

	renamed := base
	renamed.Signals.Customer = "B"
	renamed.Signals.AsOf = base.Signals.AsOf.Add(time.Hour)
	assert.Equal(t, k0, exampleKey(&renamed), "ID and as-of instant are not facts of the example")

	churned := base
	churned.Churned = true
	assert.NotEqual(t, k0, exampleKey(&churned), "Churned")

	sigs := reflect.TypeOf(risk.Signals{})
	for i := range sigs.NumField() {
		name := sigs.Field(i).Name
		if name == "Customer" || name == "AsOf" {
			continue
		}
		if name != "Complaints" {
			ex := base
			bump(t, reflect.ValueOf(&ex.Signals).Elem().Field(i), name)
			assert.NotEqual(t, k0, exampleKey(&ex), "changing %s changes the key", name)
			continue
		}
		cs := sigs.Field(i).Type
		for j := range cs.NumField() {
			ex := base
			bump(t, reflect.ValueOf(&ex.Signals.Complaints).Elem().Field(j), name+"."+cs.Field(j).Name)
			assert.NotEqual(t, k0, exampleKey(&ex), "changing %s.%s changes the key", name, cs.Field(j).Name)
		}
	}
}

// bump changes the value of field v, named name, whatever its type.
func bump(t *testing.T, v reflect.Value, name string) {
	t.Helper()
	switch {
	case v.Type() == reflect.TypeFor[decimal.Decimal]():
		v.Set(reflect.ValueOf(v.Interface().(decimal.Decimal).Add(decimal.New(1, -2))))
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)))
	case v.Kind() == reflect.Bool:
		v.SetBool(!v.Bool())
	case v.CanInt():
		v.SetInt(v.Int() + 3)
	case v.CanFloat():
		v.SetFloat(v.Float() + 0.25)
	default:
		t.Fatalf("field %s of kind %v: teach this test to change it", name, v.Kind())
	}
}
