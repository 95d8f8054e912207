package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The shapes a request body may nest: objects in arrays in objects in
// arrays, arrays of strings, a nested object.
type pathDoc struct {
	ID    string     `json:"id"`
	Lines []pathLine `json:"lines"`
	Meta  struct {
		Tags []string `json:"tags"`
		N    int      `json:"n"`
	} `json:"meta"`
}

type pathLine struct {
	Quantity  int        `json:"quantity"`
	UnitPrice string     `json:"unit_price"`
	Parts     []pathPart `json:"parts"`
}

type pathPart struct {
	Weight int `json:"w"`
}

// A type error anywhere in a body is named by its path with the index of
// every array element on the way, as validation errors name fields
// ("lines[2].parts[0].w", never "lines.parts.w"), however the body is
// laid out.
func TestTypeErrorsNameTheIndexedField(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		// A valid body, then one value replaced by one of a wrong type.
		type slot struct {
			path  string
			kind  string // "int", "string", "object" or "array"
			place func(v json.RawMessage)
		}
		var slots []slot
		doc := map[string]any{"id": "D-1"}
		slots = append(slots, slot{"id", "string", func(v json.RawMessage) { doc["id"] = v }})
		var lines []any
		for i := range rapid.IntRange(1, 4).Draw(rt, "lines") {
			l := map[string]any{"quantity": 1, "unit_price": "9.90"}
			var parts []any
			for j := range rapid.IntRange(0, 3).Draw(rt, "parts") {
				p := map[string]any{"w": j}
				parts = append(parts, p)
				slots = append(slots, slot{fmt.Sprintf("lines[%d].parts[%d].w", i, j), "int", func(v json.RawMessage) { p["w"] = v }})
				slots = append(slots, slot{fmt.Sprintf("lines[%d].parts[%d]", i, j), "object", func(v json.RawMessage) { parts[j] = v }})
			}
			l["parts"] = parts
			lines = append(lines, l)
			slots = append(slots,
				slot{fmt.Sprintf("lines[%d].quantity", i), "int", func(v json.RawMessage) { l["quantity"] = v }},
				slot{fmt.Sprintf("lines[%d].unit_price", i), "string", func(v json.RawMessage) { l["unit_price"] = v }},
				slot{fmt.Sprintf("lines[%d].parts", i), "array", func(v json.RawMessage) { l["parts"] = v }},
				slot{fmt.Sprintf("lines[%d]", i), "object", func(v json.RawMessage) { lines[i] = v }})
		}
		doc["lines"] = lines
		slots = append(slots, slot{"lines", "array", func(v json.RawMessage) { doc["lines"] = v }})
		tags := []any{"a", "b"}
		meta := map[string]any{"tags": tags, "n": 3}
		doc["meta"] = meta
		slots = append(slots,
			slot{"meta.tags[1]", "string", func(v json.RawMessage) { tags[1] = v }},
			slot{"meta.n", "int", func(v json.RawMessage) { meta["n"] = v }},
			slot{"meta", "object", func(v json.RawMessage) { doc["meta"] = v }})

		s := rapid.SampledFrom(slots).Draw(rt, "slot")
		wrong := map[string][]string{
			"int":    {`"7"`, `1.5`, `true`, `{}`, `[1]`},
			"string": {`7`, `true`, `{"a":1}`, `["x"]`},
			"object": {`"x"`, `7`, `false`, `[{"w":1}]`},
			"array":  {`"x"`, `7`, `{"w":1}`},
		}[s.kind]
		s.place(json.RawMessage(rapid.SampledFrom(wrong).Draw(rt, "wrong value")))
		var body []byte
		var err error
		if rapid.Bool().Draw(rt, "indented") {
			body, err = json.MarshalIndent(doc, " ", "\t ")
		} else {
			body, err = json.Marshal(doc)
		}
		require.NoError(rt, err)

		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		var out pathDoc
		err = decode(req, &out)
		var ae *apiError
		require.True(rt, errors.As(err, &ae), "%v", err)
		require.Equal(rt, s.path, ae.field, "%s", body)
	})
}

// duplicateKey finds a key twice in one object at any depth, folded as
// encoding/json folds keys, and nothing else.
func TestDuplicateKey(t *testing.T) {
	for body, want := range map[string]string{
		`{"a":1,"b":2}`:                           "",
		`{"a":{"x":1},"b":{"x":1}}`:               "",
		`[{"x":1},{"x":2}]`:                       "",
		`{"a":1,"a":2}`:                           "a",
		`{"sku":1,"SKU":2}`:                       "SKU",
		`{"sku":1,"ſku":2}`:                       "ſku",
		`{"k":1,"\u212a":2}`:                      "\u212a",
		`{"lines":[{"q":1},{"q":1,"Q":2}]}`:       "lines[1].Q",
		`{"m":{"n":[[{"z":1}],[{"z":1,"z":2}]]}}`: "m.n[1][0].z",
		`{"a":1,"a"`:                              "a",
		`{"a":1,"b"`:                              "",
	} {
		require.Equal(t, want, duplicateKey([]byte(body)), body)
	}
}

// The keys of an object decoded into a map are the caller's own and
// compared exactly, as encoding/json keeps them: two coupon codes in
// other letter cases are two entries, the same code twice is refused.
// The keys of a struct, also one inside a map, fold as before.
func TestDuplicateKeyForMaps(t *testing.T) {
	typ := reflect.TypeOf(basketIn{})
	for body, want := range map[string]string{
		`{"uses":{"WELCOME10":{"total":1},"welcome10":{"total":2}}}`:     "",
		`{"uses":{"WELCOME10":{"total":1},"WELCOME10":{"total":2}}}`:     "uses.WELCOME10",
		`{"uses":{"WELCOME10":{"total":1,"TOTAL":2}}}`:                   "uses.WELCOME10.TOTAL",
		`{"items":[{"sku":"a"},{"sku":"a","SKU":"b"}],"Currency":"EUR"}`: "items[1].SKU",
		`{"currency":"EUR","Currency":"EUR"}`:                            "Currency",
	} {
		require.Equal(t, want, duplicateKeyFor([]byte(body), typ), body)
	}
}
