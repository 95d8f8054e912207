package privacy_test

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

// keyPattern is the form of every object key of the document.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// dataKeyed lists the paths of the objects of the document whose keys are
// data (IDs, codes) rather than names of the schema, and so exempt from
// keyPattern. The document has none: every list of records is an array.
var dataKeyed = map[string]bool{}

// decode reads a document keeping numbers exact.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), "%s", b)
	return v
}

// badKeys returns the paths of the keys of v, at any depth, that do not
// match keyPattern, outside the objects of dataKeyed.
func badKeys(v any, path string) []string {
	var bad []string
	switch v := v.(type) {
	case map[string]any:
		if dataKeyed[path] {
			return nil
		}
		for k, x := range v {
			if !keyPattern.MatchString(k) {
				bad = append(bad, path+"."+k)
			}
			bad = append(bad, badKeys(x, path+"."+k)...)
		}
	case []any:
		for _, x := range v {
			bad = append(bad, badKeys(x, path+"[]")...)
		}
	}
	slices.Sort(bad)
	return bad
}

// fill sets every exported field reachable from v (through structs,
// pointers and slices of one element) to a value that is not zero, so
// that a document made of it has every optional part.
func fill(v reflect.Value) {
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 4, 5, 6, 7, 8, 9, time.UTC)))
		return
	case reflect.TypeFor[decimal.Decimal]():
		v.Set(reflect.ValueOf(decimal.RequireFromString("12.25")))
		return
	case reflect.TypeFor[decimal.NullDecimal]():
		v.Set(reflect.ValueOf(decimal.NewNullDecimal(decimal.RequireFromString("3.5"))))
		return
	case reflect.TypeFor[customer.Money]():
		m, err := customer.NewMoney("7.90", "EUR")
		if err != nil {
			panic(err)
		}
		v.Set(reflect.ValueOf(m))
		return
	case reflect.TypeFor[customer.Currency]():
		v.SetString("EUR")
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("s")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1) // the first name of every enum
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	default:
		panic("fill: " + v.Type().String())
	}
}

// fullReport is a report with every field of every record set.
func fullReport(t *testing.T) privacy.Report {
	t.Helper()
	var r privacy.Report
	fill(reflect.ValueOf(&r).Elem())
	r.Complaints = nil
	s := newShop(t) // complaint cases as a store keeps them
	x, err := privacy.Export(context.Background(), "anna", privacy.Sources{Complaints: s.cases}, now)
	require.NoError(t, err)
	r.Complaints = x.Complaints
	return r
}

// Every key of the document is snake_case, in every part: the report's
// own keys, the customer record, the history, the loyalty ledger and
// the complaint cases, with every optional part present.
func TestDocumentKeysSnakeCase(t *testing.T) {
	customers, ledgers, _, cases := annasShop()
	rich, err := privacy.Export(context.Background(), "anna", privacy.Sources{
		Customers: customers, History: customers, Loyalty: ledgers, Complaints: cases}, now)
	require.NoError(t, err)
	require.NotEmpty(t, rich.Loyalty.Account.Lots(), "the fixture has open lots")
	for name, r := range map[string]privacy.Report{"shop": rich, "full": fullReport(t)} {
		b, err := json.Marshal(r)
		require.NoError(t, err, name)
		assert.Empty(t, badKeys(decode(t, b), ""), "%s: keys not matching %s in %s", name, keyPattern, b)
	}
}

// snake is the key of a Go field name in the document: "HeightCM" is
// "height_cm", "CustomerID" "customer_id", "SKU" "sku".
func snake(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (!unicode.IsUpper(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{"HeightCM": "height_cm", "CustomerID": "customer_id", "SKU": "sku",
		"AsOf": "as_of", "ConsentHistory": "consent_history", "ID": "id", "Made": "made"} {
		assert.Equal(t, want, snake(in), in)
	}
}

// isLeaf reports whether a value of t is one value of the document (a
// string, number or bool), not an object or array of it. The structs of
// package privacy are objects, whose JSON forms are under test.
func isLeaf(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Struct:
		if t.PkgPath() == reflect.TypeFor[privacy.Report]().PkgPath() {
			return false
		}
		return t.Implements(reflect.TypeFor[json.Marshaler]()) || t.Implements(reflect.TypeFor[encoding.TextMarshaler]())
	case reflect.Slice, reflect.Pointer, reflect.Map:
		return false
	}
	return true
}

// passedThrough are the types the document holds in the JSON forms of
// their own package, compared as a whole.
func passedThrough(t reflect.Type) bool {
	return t.PkgPath() == reflect.TypeFor[complaint.Case]().PkgPath()
}

// requireCarried fails unless doc, the JSON (decoded by decode) of the Go
// value src, carries every exported field of src, at any depth, under
// the snake_case of its Go name, with the same value: the same JSON as
// the value on its own, but for a zero time, which is null, the bonus
// kind of an entry that is no bonus, which is "", and a ledger entry's
// fingerprint, which is a decimal string.
func requireCarried(t *testing.T, src reflect.Value, doc any, path string) {
	t.Helper()
	if src.Kind() == reflect.Pointer {
		if src.IsNil() {
			require.Nil(t, doc, "%s: nil is null", path)
			return
		}
		src = src.Elem()
	}
	typ := src.Type()
	switch {
	case isLeaf(typ) || passedThrough(typ):
		if tm, ok := src.Interface().(time.Time); ok && tm.IsZero() {
			require.Nil(t, doc, "%s: a zero time is null", path)
			return
		}
		if b, ok := src.Interface().(loyalty.BonusKind); ok && b == 0 {
			require.Equal(t, "", doc, "%s: no bonus kind is empty", path)
			return
		}
		want, err := json.Marshal(src.Interface())
		require.NoError(t, err, path)
		got, err := json.Marshal(doc)
		require.NoError(t, err, path)
		require.JSONEq(t, string(want), string(got), path)
	case typ.Kind() == reflect.Slice:
		arr, ok := doc.([]any)
		require.True(t, ok, "%s: want an array (never null), got %#v", path, doc)
		require.Len(t, arr, src.Len(), path)
		for i := range src.Len() {
			requireCarried(t, src.Index(i), arr[i], path+"[]")
		}
	case typ.Kind() == reflect.Struct:
		obj, ok := doc.(map[string]any)
		require.True(t, ok, "%s: want an object, got %#v", path, doc)
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			v, ok := obj[snake(f.Name)]
			require.True(t, ok, "%s.%s (%s) has no key %q in the document", path, f.Name, typ, snake(f.Name))
			requireCarried(t, src.Field(i), v, path+"."+f.Name)
		}
	default:
		t.Fatalf("%s: unexpected %s", path, typ)
	}
}

// No datum is lost: every exported field of the report and of the
// records it holds — customer.Customer with its contact, consent history,
// profile, trade facts and household; Order, Line, Return, ReturnLine,
// Credit, Interaction; loyalty.Account, Entry, LotPart, LineRecord and
// Lot — set, is in the document with its value. A field added to one of
// those types fails here until the document carries it.
func TestDocumentCarriesEveryField(t *testing.T) {
	r := fullReport(t)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	requireCarried(t, reflect.ValueOf(r), decode(t, b), "Report")

	// The lots of an account are not fields of it, but its method.
	customers, ledgers, _, _ := annasShop()
	x, err := privacy.Export(context.Background(), "anna", privacy.Sources{Customers: customers, Loyalty: ledgers}, now)
	require.NoError(t, err)
	lots := x.Loyalty.Account.Lots()
	require.Len(t, lots, 1)
	requireAllSet(t, reflect.ValueOf(lots[0]), "lot") // every field of a lot exercised
	b, err = json.Marshal(*x.Loyalty)
	require.NoError(t, err)
	doc := decode(t, b).(map[string]any)
	requireCarried(t, reflect.ValueOf(lots), doc["lots"], "Loyalty.lots")
	requireCarried(t, reflect.ValueOf(x.Loyalty.Entries), doc["entries"], "Loyalty.Entries") // fingerprints beyond 2^53
	assert.Equal(t, json.Number("320"), doc["balance"])
}

// The document names its schema first, and a zero or empty report still
// has every key, with its lists as arrays.
func TestDocumentSchema(t *testing.T) {
	b, err := json.Marshal(privacy.Report{Customer: "anna", Made: now})
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte(`{"schema":"`+privacy.Schema+`",`)), "%s", b)
	assert.Equal(t, "tailor.privacy.export/v2", privacy.Schema)
	doc := decode(t, b).(map[string]any)
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	assert.Equal(t, []string{"complaints", "credits", "customer", "interactions", "loyalty", "made", "orders",
		"record", "returns", "schema", "sources"}, keys)
	for _, k := range []string{"sources", "orders", "returns", "credits", "interactions", "complaints"} {
		assert.Equal(t, []any{}, doc[k], k)
	}
	assert.Nil(t, doc["record"])
	assert.Nil(t, doc["loyalty"])
}
