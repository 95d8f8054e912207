package loyalty_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Every entry of a ledger marshals to JSON and back, also those that are
// not bonuses (their bonus kind is zero, which has no text form).
func TestEntriesMarshalJSON(t *testing.T) {
	p := club(t)
	var entries []loyalty.Entry
	var a loyalty.Account
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))},
	} {
		next, es, err := p.Apply(a, ev, day(2026, 5, 1))
		require.NoError(t, err)
		a, entries = next, append(entries, es...)
	}
	require.Len(t, entries, 3, "join, earn, release")
	for _, e := range entries {
		b, err := json.Marshal(e)
		require.NoError(t, err, "%s", e.Kind)
		var back loyalty.Entry
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		assert.Equal(t, e.Kind, back.Kind)
		assert.Equal(t, e.Bonus, back.Bonus)
		assert.Equal(t, e.Points, back.Points)
	}
}

// floatRoundTrip passes JSON through a reader that holds every number
// as a float64, as JavaScript and many JSON libraries do, and writes it
// back.
func floatRoundTrip(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return out
}

// A fingerprint is a 64-bit hash, above 2^53 nearly always: written as
// a JSON number, a reader that holds numbers as float64 rounds it, and
// an entry read and written back by such a client no longer matches
// its event. Entry writes it as a decimal string, which survives.
func TestEntryFingerprintSurvivesFloatJSON(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	_, entries, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))}, day(2026, 5, 1))
	require.NoError(t, err)
	entries = append(entries, loyalty.Entry{Seq: 9, Member: "M1", Key: "k", Kind: loyalty.EntryAdjust, Fingerprint: 0xfedcba9876543210},
		loyalty.Entry{Seq: 10, Member: "M1", Key: "max", Kind: loyalty.EntryAdjust, Fingerprint: 1<<64 - 1})
	for _, e := range entries {
		b, err := json.Marshal(e)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(b, &doc))
		assert.Equal(t, strconv.FormatUint(uint64(e.Fingerprint), 10), doc["Fingerprint"], "%s: the fingerprint is a decimal string", b)
		var back loyalty.Entry
		require.NoError(t, json.Unmarshal(floatRoundTrip(t, b), &back), "%s", b)
		assert.Equal(t, e.Fingerprint, back.Fingerprint, "%s %q: fingerprint %#x after a float64 reader", e.Kind, e.Key, e.Fingerprint)
		assert.Equal(t, e.Key, back.Key)
		assert.Equal(t, e.Kind, back.Kind)
		assert.Equal(t, e.Points, back.Points)
		assert.True(t, e.Time.Equal(back.Time))
	}
}

// Entries written before, with the fingerprint as a JSON number, read
// back exactly; a fingerprint that is neither a decimal string nor a
// number of the digits of an unsigned 64-bit integer is refused with
// an error naming the field and the value, and the fingerprint read
// into is unchanged.
func TestEntryFingerprintJSONForms(t *testing.T) {
	read := func(fp string) (loyalty.Entry, error) {
		var e loyalty.Entry
		err := json.Unmarshal([]byte(`{"Seq":3,"Member":"M1","Key":"order:O1","Fingerprint":`+fp+`,"Kind":"earn","Points":12}`), &e)
		return e, err
	}
	for fp, want := range map[string]loyalty.Fingerprint{
		`18364758544493064720`:   0xfedcba9876543210,
		`"18364758544493064720"`: 0xfedcba9876543210,
		`18446744073709551615`:   1<<64 - 1,
		`"0"`:                    0,
		`0`:                      0,
		`null`:                   0,
		// A JSON string is its characters, however escaped.
		`"\u0031\u0038364758544493064720"`: 0xfedcba9876543210,
	} {
		e, err := read(fp)
		require.NoError(t, err, fp)
		assert.Equal(t, want, e.Fingerprint, fp)
		assert.Equal(t, "order:O1", e.Key, fp)
		assert.Equal(t, loyalty.Points(12), e.Points, fp)
	}
	e, err := json.Marshal(loyalty.Entry{Kind: loyalty.EntryAdjust, Fingerprint: 0})
	require.NoError(t, err)
	assert.Contains(t, string(e), `"Fingerprint":"0"`)
	for _, fp := range []string{`-1`, `"-1"`, `1.5`, `1e3`, `1.8364758544493064e+19`, `18446744073709551616`, `"18446744073709551616"`,
		`""`, `"x"`, `" 1"`, `"+1"`, `"0x10"`, `true`, `{}`, `[]`, `"\u002d1"`, `"1\u0020"`, `"\""`} {
		_, err := read(fp)
		require.Error(t, err, fp)
		assert.Contains(t, err.Error(), "fingerprint "+fp+":", fp)
		assert.ErrorIs(t, err, customer.ErrInvalid, fp)
		into := loyalty.Fingerprint(9)
		require.Error(t, json.Unmarshal([]byte(fp), &into), fp)
		assert.Equal(t, loyalty.Fingerprint(9), into, fp)
	}
	// Unmarshal into an entry keeps what the JSON leaves out, as for a
	// plain struct.
	kept := loyalty.Entry{Fingerprint: 7, Note: "n"}
	require.NoError(t, json.Unmarshal([]byte(`{"Key":"k"}`), &kept))
	assert.Equal(t, loyalty.Fingerprint(7), kept.Fingerprint)
	assert.Equal(t, "n", kept.Note)
	assert.Equal(t, "k", kept.Key)
}

// A value of the wrong type in an entry is a *json.UnmarshalTypeError
// naming the struct Entry (or the nested struct) and the field's path
// from the entry.
func TestEntryJSONTypeErrorNamesTheField(t *testing.T) {
	for doc, want := range map[string][2]string{
		`{"Seq":3,"Points":"x"}`:                           {"Entry", "Points"},
		`[{"Seq":1},{"Seq":2,"Points":"x"}]`:               {"Entry", "Points"},
		`{"Seq":3,"Parts":[{"Lot":"a","Points":"y"}]}`:     {"LotPart", "Parts.Points"},
		`[{"Seq":3,"Parts":[{"Lot":"a","Points":"y"}]}]`:   {"LotPart", "Parts.Points"},
		`{"Seq":3,"Key":"k","Kind":"earn","Time":"never"}`: {"", ""},
	} {
		var err error
		if doc[0] == '[' {
			var es []loyalty.Entry
			err = json.Unmarshal([]byte(doc), &es)
		} else {
			var e loyalty.Entry
			err = json.Unmarshal([]byte(doc), &e)
		}
		require.Error(t, err, doc)
		if want[1] == "" {
			// Not a type error: time.Time's own parse error.
			assert.NotContains(t, err.Error(), "plain", doc)
			continue
		}
		var te *json.UnmarshalTypeError
		require.ErrorAs(t, err, &te, doc)
		assert.Equal(t, want[0], te.Struct, doc)
		assert.Equal(t, want[1], te.Field, doc)
		assert.NotContains(t, err.Error(), "plain", doc)
	}
}
