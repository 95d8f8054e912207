package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// typeErrorField names the field of a JSON type error in data, the
// request body, as the validation errors name fields: with the index of
// every array element on the way ("lines[1].quantity"). encoding/json
// names it by its keys alone ("lines.quantity"); its Offset says where
// the value is: the end of a literal (a string, number or bool), or just
// after the opening bracket of an object or array. The value is the
// innermost one whose span, after its first byte up to its end, holds
// the Offset. When the keys of that value's path are not te.Field's
// (case-insensitively, as encoding/json matches keys), or data cannot be
// read again, te.Field is returned as it is.
func typeErrorField(data []byte, te *json.UnmarshalTypeError) string {
	w := pathWalker{dec: json.NewDecoder(bytes.NewReader(data)), data: data, off: te.Offset}
	w.dec.UseNumber()
	found, ok := w.value(nil)
	if !ok || found == nil {
		return te.Field
	}
	keys := strings.Split(te.Field, ".")
	if te.Field == "" || len(keys) != len(found) {
		return te.Field
	}
	var b strings.Builder
	for i, s := range found {
		if !strings.EqualFold(s.key, keys[i]) {
			return te.Field
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(keys[i])
		for _, n := range s.index {
			b.WriteString("[" + strconv.Itoa(n) + "]")
		}
	}
	return b.String()
}

// pathStep is one key of a path and the indexes of the array elements
// taken under it.
type pathStep struct {
	key   string
	index []int
}

// pathWalker reads a JSON document token by token, looking for the
// innermost value whose span holds off.
type pathWalker struct {
	dec  *json.Decoder
	data []byte
	off  int64
}

// start returns where the next value begins: the decoder's position
// past the spaces and the separator before the value.
func (w *pathWalker) start() int64 {
	i := w.dec.InputOffset()
	for i < int64(len(w.data)) && strings.IndexByte(" \t\r\n,:", w.data[i]) >= 0 {
		i++
	}
	return i
}

// holds reports whether the value from start to end holds the offset.
func (w *pathWalker) holds(start, end int64) bool { return start < w.off && w.off <= end }

// value reads the next value, at path, and returns the path of the
// innermost value within it that holds the offset (nil for none), and
// whether the document could be read.
func (w *pathWalker) value(path []pathStep) ([]pathStep, bool) {
	start := w.start()
	tok, err := w.dec.Token()
	if err != nil {
		return nil, false
	}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		if w.holds(start, w.dec.InputOffset()) {
			return path, true
		}
		return nil, true
	}
	var found []pathStep
	for i := 0; w.dec.More(); i++ {
		var sub []pathStep
		if d == '[' {
			sub = clonePath(path)
			if len(sub) == 0 {
				sub = []pathStep{{}}
			}
			last := &sub[len(sub)-1]
			last.index = append(last.index, i)
		} else {
			k, err := w.dec.Token()
			if err != nil {
				return nil, false
			}
			key, _ := k.(string)
			sub = append(clonePath(path), pathStep{key: key})
		}
		f, ok := w.value(sub)
		if !ok {
			return nil, false
		}
		if found == nil {
			found = f
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing delimiter
		return nil, false
	}
	if found == nil && w.holds(start, w.dec.InputOffset()) {
		found = path
		if found == nil {
			found = []pathStep{}
		}
	}
	return found, true
}

func clonePath(p []pathStep) []pathStep {
	out := make([]pathStep, len(p))
	for i, s := range p {
		out[i] = pathStep{key: s.key, index: append([]int(nil), s.index...)}
	}
	return out
}

// duplicateKey returns the path of the first key that appears twice in one
// object of data ("lines[1].unit_price"), named as its second appearance
// spells it, or "" when there is none (data is read up to where it stops
// being JSON; decode calls it on bodies decoded already). Keys are
// compared as encoding/json matches them to fields, without regard to
// case (Unicode simple folding: "ID" and "id", "ſku" and "sku"), since it
// keeps the last of such keys and a reader of the first would see another
// request than the server.
func duplicateKey(data []byte) string { return duplicateKeyFor(data, nil) }

// duplicateKeyFor is duplicateKey for data that decodes into a value of
// type t: the keys of an object that decodes into a map are compared
// exactly, as encoding/json keeps them ("WELCOME10" and "welcome10" are
// two coupon codes); those of a struct, or of a value of no known type (t
// nil), without regard to case.
func duplicateKeyFor(data []byte, t reflect.Type) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	field, _ := dupIn(dec, t, "")
	return field
}

// dupIn reads the next value of dec, of type t (nil when unknown) at
// path, and returns the path of the first duplicate key within it, and
// whether the value could be read.
func dupIn(dec *json.Decoder, t reflect.Type, path string) (string, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return "", false
	}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		return "", true
	}
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = jsonFields(t)
	}
	exact := t != nil && t.Kind() == reflect.Map
	seen := map[string]bool{}
	for i := 0; dec.More(); i++ {
		sub, elem := path+"["+strconv.Itoa(i)+"]", reflect.Type(nil)
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		if d == '{' {
			k, err := dec.Token()
			if err != nil {
				return "", false
			}
			key, _ := k.(string)
			if sub = key; path != "" {
				sub = path + "." + key
			}
			folded := key
			switch {
			case exact:
				elem = t.Elem()
			default:
				folded = foldKey(key)
				for name, ft := range fields {
					if foldKey(name) == folded {
						elem = ft
					}
				}
			}
			if seen[folded] {
				return sub, true
			}
			seen[folded] = true
		}
		if f, ok := dupIn(dec, elem, sub); !ok || f != "" {
			return f, ok
		}
	}
	_, err = dec.Token() // the closing delimiter
	return "", err == nil
}

// foldKey returns key case-folded as encoding/json folds keys to match
// them to fields: each rune lowered, then raised.
func foldKey(key string) string {
	return strings.Map(func(r rune) rune { return unicode.ToUpper(unicode.ToLower(r)) }, key)
}

// miscasedKey returns the path of the first key of data, a body that
// decoded into a value of type t, that names a field of t's only in
// another letter case ("Amount" for "amount"; "lines[0].SKU"), and the
// field's name as t spells it; "" when every key is spelt as its field.
// encoding/json matches keys to fields without regard to case; this API
// does not, so that a key means the same here as in every other reader
// of the request. Keys of a map, and values of other types than structs,
// slices, arrays, maps and pointers to them, are not checked.
func miscasedKey(data []byte, t reflect.Type) (path, want string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	path, want, _ = casedIn(dec, t, "")
	return path, want
}

// casedIn reads the next value of dec, of type t at path, and returns
// the path of the first miscased key within it and its field's name, and
// whether the value could be read.
func casedIn(dec *json.Decoder, t reflect.Type, path string) (string, string, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return "", "", false
	}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		return "", "", true
	}
	var names map[string]reflect.Type
	if d == '{' && t != nil && t.Kind() == reflect.Struct {
		names = jsonFields(t)
	}
	for i := 0; dec.More(); i++ {
		sub, elem := path+"["+strconv.Itoa(i)+"]", reflect.Type(nil)
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		if d == '{' {
			k, err := dec.Token()
			if err != nil {
				return "", "", false
			}
			key, _ := k.(string)
			if sub = key; path != "" {
				sub = path + "." + key
			}
			switch {
			case names != nil:
				if ft, ok := names[key]; ok {
					elem = ft
					break
				}
				for name := range names {
					if strings.EqualFold(name, key) || foldKey(name) == foldKey(key) {
						return sub, name, true
					}
				}
			case t != nil && t.Kind() == reflect.Map:
				elem = t.Elem()
			}
		}
		if f, w, ok := casedIn(dec, elem, sub); !ok || f != "" {
			return f, w, ok
		}
	}
	_, err = dec.Token() // the closing delimiter
	return "", "", err == nil
}

// jsonFields returns the JSON names of the fields of struct type t, as
// encoding/json names them (the tag's name, else the field's), with the
// fields of embedded structs promoted, and each field's type.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for n, ft := range jsonFields(et) {
					if _, ok := out[n]; !ok {
						out[n] = ft
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
