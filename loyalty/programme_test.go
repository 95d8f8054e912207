package loyalty_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func TestDecodeProgrammeDefaults(t *testing.T) {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency":"EUR","earn":{"points_per_unit":"1"},"redeem":{"points_per_unit":"100"}}`))
	require.NoError(t, err)
	c := p.Config()
	assert.Equal(t, loyalty.RoundDown, c.Earn.Rounding)
	assert.Equal(t, loyalty.DebtRecord, c.DebtPolicy)
	assert.Equal(t, loyalty.BasisSpend, c.Tiers.Basis)
	assert.True(t, c.Redeem.MaxShare.Equal(dec("1")))
	assert.True(t, c.Pricing.MinPercent.Equal(dec("5")))
	assert.True(t, c.Pricing.MaxPercent.Equal(dec("60")))
	assert.Equal(t, 7, c.Redeem.LateDays)
	assert.Equal(t, 7, c.Earn.Birthday.LateDays)
	require.Len(t, p.Levels(), 1)
	assert.Equal(t, "member", p.Levels()[0].Name)
}

func TestProgrammeRoundTripsThroughJSON(t *testing.T) {
	p := club(t)
	data, err := json.Marshal(p.Config())
	require.NoError(t, err)
	q, err := loyalty.DecodeProgramme(data)
	require.NoError(t, err)
	assert.Equal(t, p.Config().Tiers.Levels[2].Name, q.Config().Tiers.Levels[2].Name)
	assert.True(t, q.Config().Earn.Multipliers[1].Factor.Equal(dec("1.5")))

	// Every field survives, tier maxima and times in another zone too:
	// the programme read back writes the same document.
	c := p.Config()
	c.Tiers.Levels[0].Max = decimal.NewNullDecimal(dec("500"))
	c.Tiers.Levels[1].Max = decimal.NewNullDecimal(dec("1500"))
	c.Pricing.Seasonal[0].From = time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	p, err = loyalty.Compile(c)
	require.NoError(t, err)
	data, err = json.Marshal(p.Config())
	require.NoError(t, err)
	q, err = loyalty.DecodeProgramme(data)
	require.NoError(t, err)
	again, err := json.Marshal(q.Config())
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again))
	assert.True(t, q.Config().Pricing.Seasonal[0].From.Equal(c.Pricing.Seasonal[0].From))
	assert.True(t, q.Config().Tiers.Levels[1].Max.Decimal.Equal(dec("1500")))
}

// A Config built in Go may leave the settings that have a default at
// zero: it still marshals (the field is left out) and reads back with
// the defaults.
func TestConfigWithDefaultsLeftZeroMarshals(t *testing.T) {
	c := club(t).Config()
	c.DebtPolicy, c.Earn.Rounding, c.Tiers.Basis = 0, 0, 0
	data, err := json.Marshal(c)
	require.NoError(t, err)
	q, err := loyalty.DecodeProgramme(data)
	require.NoError(t, err)
	assert.Equal(t, loyalty.DebtRecord, q.Config().DebtPolicy)
	assert.Equal(t, loyalty.RoundDown, q.Config().Earn.Rounding)
	assert.Equal(t, loyalty.BasisSpend, q.Config().Tiers.Basis)
}

// fieldsOf returns the fields named by a validation error.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "want a *customer.ValidationError, got %v", err)
	require.ErrorIs(t, err, customer.ErrInvalid)
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field)
	}
	return out
}

// programmeEditor returns a function that gives testdata/programme.json
// with its first old replaced by new (old must be there).
func programmeEditor(t *testing.T) func(old, new string) string {
	t.Helper()
	base, err := os.ReadFile("testdata/programme.json")
	require.NoError(t, err)
	return func(old, new string) string {
		require.Contains(t, string(base), old)
		return strings.Replace(string(base), old, new, 1)
	}
}

func TestDecodeProgrammeRejects(t *testing.T) {
	edit := programmeEditor(t)
	tests := []struct {
		name  string
		json  string
		field string
	}{
		{"malformed JSON", `{"currency": "EUR",`, "(json)"},
		{"syntax error", "{\n  \"currency\": \"EUR\" \"name\": 1}", "(json)"},
		{"not an object", `[1,2]`, "(json)"},
		{"empty", ``, "(json)"},
		{"trailing data", edit("", "") + `{}`, "(json)"},
		{"unknown field", edit(`"pending_days": 30`, `"pending_days": 30, "pending_dayz": 3`), "pending_dayz"},
		{"wrong type", edit(`"pending_days": 30`, `"pending_days": "thirty"`), "pending_days"},
		{"unknown currency", edit(`"currency": "EUR"`, `"currency": "EUX"`), "currency"},
		{"negative earn rate", edit(`"points_per_unit": "1"`, `"points_per_unit": "-1"`), "earn.points_per_unit"},
		{"zero earn rate", edit(`"points_per_unit": "1"`, `"points_per_unit": "0"`), "earn.points_per_unit"},
		{"huge exponent", edit(`"points_per_unit": "1"`, `"points_per_unit": "1e999999999"`), "earn.points_per_unit"},
		{"negative redeem rate", edit(`"points_per_unit": "100"`, `"points_per_unit": "-100"`), "redeem.points_per_unit"},
		{"max share above 1", edit(`"max_share": "0.5"`, `"max_share": "1.5"`), "redeem.max_share"},
		{"negative minimum", edit(`"min_points": 100`, `"min_points": -1`), "redeem.min_points"},
		{"negative multiplier", edit(`"factor": "2"`, `"factor": "-2"`), "earn.multipliers[0].factor"},
		{"unknown channel", edit(`"channels": ["online"]`, `"channels": ["fax"]`), "earn.multipliers[1].channels[0]"},
		{"window backwards", edit(`"until": "2026-03-08T00:00:00Z"`, `"until": "2026-02-08T00:00:00Z"`), "earn.multipliers[1].until"},
		{"negative bonus", edit(`"profile_bonus": 50`, `"profile_bonus": -50`), "earn.profile_bonus"},
		{"negative gift", edit(`"gift": 100`, `"gift": -100`), "earn.birthday.gift"},
		{"overlapping tiers", edit(`"min": "1500"`, `"min": "400"`), "tiers.levels[2].min"},
		{"tier max overlaps", edit(`{"name": "member", "min": "0"}`, `{"name": "member", "min": "0", "max": "600"}`), "tiers.levels[0].max"},
		{"tier max leaves gap", edit(`{"name": "member", "min": "0"}`, `{"name": "member", "min": "0", "max": "400"}`), "tiers.levels[0].max"},
		{"first tier above zero", edit(`{"name": "member", "min": "0"}`, `{"name": "member", "min": "10"}`), "tiers.levels[0].min"},
		{"duplicate tier", edit(`"name": "gold"`, `"name": "silver"`), "tiers.levels[2].name"},
		{"negative tier rate", edit(`"multiplier": "1.25"`, `"multiplier": "-1.25"`), "tiers.levels[1].multiplier"},
		{"no window", edit(`"window_months": 12`, `"window_months": 0`), "tiers.window_months"},
		{"no review", edit(`"review_months": 12`, `"review_months": 0`), "tiers.review_months"},
		{"grace longer than review", edit(`"grace_days": 30`, `"grace_days": 400`), "tiers.grace_days"},
		{"unknown basis", edit(`"basis": "spend"`, `"basis": "visits"`), "tiers.basis"},
		{"unknown debt policy", edit(`"debt_policy": "debt"`, `"debt_policy": "forgive"`), "debt_policy"},
		{"pending outlives expiry", edit(`"pending_days": 30`, `"pending_days": 400`), "pending_days"},
		{"negative expiry", edit(`"expiry_months": 12`, `"expiry_months": -1`), "expiry_months"},
		{"coupon bounds reversed", edit(`"min_percent": "5"`, `"min_percent": "70"`), "pricing.max_percent"},
		{"quantity of zero", edit(`"min_quantity": 3`, `"min_quantity": 0`), "pricing.quantity[0].min_quantity"},
		{"scope without values", edit(`"values": ["socks"]`, `"values": []`), "pricing.quantity[0].scope.values"},
		{"blank scope value", edit(`"values": ["socks"]`, `"values": ["socks", " "]`), "pricing.quantity[0].scope.values[1]"},
		{"blank season on sale", edit(`"seasons": ["2025-AW"]`, `"seasons": ["2025-AW", ""]`), "pricing.seasonal[0].seasons[1]"},
		{"blank multiplier category", edit(`"categories": ["knitwear"]`, `"categories": [""]`), "earn.multipliers[0].categories[0]"},
		{"seasonal percent negative", edit(`"percent": "30"`, `"percent": "-30"`), "pricing.seasonal[0].percent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := loyalty.DecodeProgramme([]byte(tc.json))
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Contains(t, fieldsOf(t, err), tc.field, "%v", err)
		})
	}
}

// A value that its type cannot read (a rate written "1,5", a date
// without a time, an unknown enumeration name) is named by its JSON
// path, indexes included, like the problems Compile finds; so is an
// unknown field inside a list.
func TestDecodeProgrammeNamesTheFieldOfAnUnreadableValue(t *testing.T) {
	edit := programmeEditor(t)
	tests := []struct {
		name, json, field, code string
	}{
		{"decimal comma", edit(`"points_per_unit": "1"`, `"points_per_unit": "1,5"`), "earn.points_per_unit", customer.CodeFormat},
		{"redeem rate not a number", edit(`"points_per_unit": "100"`, `"points_per_unit": "a hundred"`), "redeem.points_per_unit", customer.CodeFormat},
		{"tier min not a number", edit(`"min": "500"`, `"min": "five hundred"`), "tiers.levels[1].min", customer.CodeFormat},
		{"tier max not a number", edit(`{"name": "member", "min": "0"}`, `{"name": "member", "min": "0", "max": true}`), "tiers.levels[0].max", customer.CodeFormat},
		{"gift of the wrong type", edit(`"birthday_gift": 100`, `"birthday_gift": "100"`), "tiers.levels[1].birthday_gift", customer.CodeFormat},
		{"date without a time", edit(`"from": "2026-01-01T00:00:00Z"`, `"from": "2026-01-01"`), "pricing.seasonal[0].from", customer.CodeFormat},
		{"unknown scope kind", edit(`"kind": "category"`, `"kind": "everything"`), "pricing.quantity[0].scope.kind", customer.CodeFormat},
		{"unknown rounding", edit(`"rounding": "down"`, `"rounding": "sideways"`), "earn.rounding", customer.CodeFormat},
		{"unknown field in a list", edit(`{"name": "member", "min": "0"}`, `{"name": "member", "min": "0", "colour": "blue"}`), "tiers.levels[0].colour", customer.CodeUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := loyalty.DecodeProgramme([]byte(tc.json))
			require.Error(t, err)
			assert.Nil(t, p)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "%v", err)
			assert.Equal(t, tc.field, ve.Fields[0].Field, "%v", err)
			assert.Equal(t, tc.code, ve.Fields[0].Code, "%v", err)
		})
	}
}

func TestCompileReportsEveryProblem(t *testing.T) {
	_, err := loyalty.Compile(loyalty.Config{Currency: "XXX", PendingDays: -1})
	fields := fieldsOf(t, err)
	assert.Subset(t, fields, []string{"currency", "earn.points_per_unit", "redeem.points_per_unit", "pending_days"})
	assert.Contains(t, err.Error(), "loyalty programme")
}

func TestCompileCopiesTheConfig(t *testing.T) {
	c := club(t).Config()
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	c.Tiers.Levels[0].Name = "changed"
	c.Earn.Multipliers[0].Categories[0] = "changed"
	assert.Equal(t, "member", p.Levels()[0].Name)
	assert.Equal(t, "knitwear", p.Config().Earn.Multipliers[0].Categories[0])
}

func FuzzDecodeProgramme(f *testing.F) {
	base, err := os.ReadFile("testdata/programme.json")
	require.NoError(f, err)
	f.Add(base)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"currency":"EUR","earn":{"points_per_unit":"1e-40"}}`))
	f.Add([]byte(`{"currency":"JPY","earn":{"points_per_unit":1},"redeem":{"points_per_unit":1},"tiers":{"levels":[{"name":"a"},{"name":"b","min":1}]}}`))
	f.Add([]byte(`{"tiers":{"levels":[{"name":"a","max":"1e9999"}]}}`))
	f.Add([]byte(`{"currency":"EUR","earn":{"points_per_unit":1},"redeem":{"points_per_unit":1},"tiers":{"name_ledgers":true,"levels":[{"name":"a"},{"name":"b","min":1,"former_names":["silver","b\u00a0"]}]}}`))
	f.Add([]byte(`{"currency":"EUR","earn":{"points_per_unit":1},"redeem":{"points_per_unit":1},"tiers":{"levels":[{"name":"a"},{"name":"b","min":1}]},"gifts":[{"code":"SCARF","name":"scarf","points":300,"min_tier":"b","max_per_member":1,"valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z"},{"code":"SCARF","name":" ","points":0}]}`))
	f.Add([]byte(`{"currency":"EUR","earn":{"points_per_unit":1},"redeem":{"points_per_unit":1},"gifts":[{"code":"MUG","name":"mug","points":100}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := loyalty.DecodeProgramme(data)
		if err != nil {
			var ve *customer.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("error is not a validation error naming a field: %v", err)
			}
			if p != nil {
				t.Fatal("a programme with an error")
			}
			return
		}
		// A programme that decodes is usable: it prices and earns without
		// panicking, and survives a round trip.
		c := p.Config()
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := loyalty.DecodeProgramme(again); err != nil {
			t.Fatalf("round trip: %v\n%s", err, again)
		}
		o := order("O1", "M1", day(2026, 3, 3), line("A", "knitwear", "10.50", 2))
		o.Currency = c.Currency
		_, _ = p.Earn(o, len(p.Levels())-1, customer.Birthday{Month: 3, Day: 1}, 0)
	})
}
