package customer

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sized returns a consumer whose profile and household member carry
// distinctive sizes and heights, and nothing else that is personal, so
// that any size or height in a printed or logged form is a leak.
func sized() Customer {
	return Customer{
		ID: "C-SIZED", Kind: Consumer, Joined: vNow.AddDate(-2, 0, 0),
		Profile: Profile{TopSize: "3XL", BottomSize: "W37L29", ShoeSize: "47.5", HeightCM: 233, Fit: Loose,
			Styles: []string{"classic"}},
		Household: []Member{{ID: "M-SIZED", Relation: Child,
			Profile: Profile{TopSize: "XXS", BottomSize: "W23/L27", ShoeSize: "16.5", HeightCM: 41}}},
	}
}

// sizeValues are the sizes and heights of sized.
var sizeValues = []string{"3XL", "W37L29", "47.5", "233", "XXS", "W23/L27", "16.5", "41"}

func assertNoSizes(t *testing.T, out string) {
	t.Helper()
	for _, s := range sizeValues {
		assert.NotContains(t, out, s, "size %q leaked in %q", s, out)
	}
}

// Sizes are body measurements, personal data as the height is: no fmt
// verb prints them, for a customer, its profile or a household member.
func TestSizesRedactedInFmt(t *testing.T) {
	c := sized()
	m := c.Household[0]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10v"} {
		for _, out := range []string{fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, []Customer{c})} {
			assertNoSizes(t, out)
			if verb != "%x" && verb != "%d" {
				assert.Contains(t, out, "C-SIZED", "verb %s", verb)
			}
		}
		for _, out := range []string{fmt.Sprintf(verb, m), fmt.Sprintf(verb, &m)} {
			assertNoSizes(t, out)
			if verb != "%x" && verb != "%d" {
				assert.Contains(t, out, "M-SIZED", "verb %s", verb)
			}
		}
		assertNoSizes(t, fmt.Sprintf(verb, c.Profile))
		assertNoSizes(t, fmt.Sprintf(verb, m.Profile))
	}
	assertNoSizes(t, c.String()+c.GoString()+c.Profile.String()+m.String())
	// A size alone, with no other personal field, is personal data.
	onlySize := Customer{ID: "C-2", Kind: Consumer, Profile: Profile{BottomSize: "W31"}}
	assert.Contains(t, onlySize.String(), "personal data redacted", "sizes are personal data")
	assert.Contains(t, onlySize.GoString(), `BottomSize:"`+Redacted+`"`)
	memberSize := Member{ID: "kid", Relation: Child, Profile: Profile{ShoeSize: "31"}}
	assert.Contains(t, memberSize.String(), "personal data redacted", "sizes are personal data")
	assert.Contains(t, c.Profile.String(), "TopSize:"+Redacted)
	assert.Contains(t, Profile{}.String(), "TopSize: ", "an unknown size stays empty")
}

// No slog handler, text or JSON, prints a size of a customer, a profile or
// a household member logged as an attribute's value.
func TestSizesRedactedInSlog(t *testing.T) {
	c := sized()
	for name, mk := range map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, noTime) },
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, noTime) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(mk(&buf)).Info("saved", "customer", c, "ptr", &c, "profile", c.Profile,
				"member", c.Household[0], "member_profile", c.Household[0].Profile)
			out := buf.String()
			assertNoSizes(t, out)
			assert.Contains(t, out, "C-SIZED")
			assert.Contains(t, out, "M-SIZED")
			assert.Contains(t, out, "top_size_known")
			assert.Contains(t, out, Redacted)
		})
	}
}

// Validation errors name the record, the field and the rule, but do not
// echo a birthday, a height or a size: the error travels into logs and
// responses that must not carry personal data.
func TestValidationErrorsDoNotEchoPersonalValues(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	base := Customer{ID: "C-BAD", Kind: Consumer, Joined: now.AddDate(-1, 0, 0)}
	for _, tc := range []struct {
		name    string
		mut     func(*Customer)
		field   string
		code    string
		rule    string   // part of the message that states the rule
		private []string // values that must not appear
	}{
		{"month out of range", func(c *Customer) { c.Birthday = Birthday{Year: 1977, Month: 13, Day: 19} },
			"birthday", CodeRange, "1..12", []string{"1977", "13", "19"}},
		{"no such day", func(c *Customer) { c.Birthday = Birthday{Year: 1977, Month: time.February, Day: 30} },
			"birthday", CodeRange, "day", []string{"1977", "February", "30"}},
		{"year too early", func(c *Customer) { c.Birthday = Birthday{Year: 1887, Month: time.August, Day: 17} },
			"birthday", CodeRange, "1900", []string{"1887", "August", "17"}},
		{"year in the future", func(c *Customer) { c.Birthday = Birthday{Year: 2083, Month: time.August, Day: 17} },
			"birthday", CodeFuture, "future", []string{"2083", "August", "17"}},
		{"day in the future", func(c *Customer) { c.Birthday = Birthday{Year: 2026, Month: time.August, Day: 17} },
			"birthday", CodeFuture, "future", []string{"August", "17"}},
		{"member birthday", func(c *Customer) {
			c.Household = []Member{{ID: "kid", Relation: Child, Birthday: Birthday{Year: 1877, Month: time.April, Day: 31}}}
		}, "household[0].birthday", CodeRange, "1900", []string{"1877", "April", "31"}},
		{"height", func(c *Customer) { c.Profile.HeightCM = 333 }, "profile.height_cm", CodeRange, "40..250", []string{"333"}},
		{"top size", func(c *Customer) { c.Profile.TopSize = "QQ17" }, "profile.top_size", CodeFormat, "top size", []string{"QQ17"}},
		{"bottom size", func(c *Customer) { c.Profile.BottomSize = "W99L99" }, "profile.bottom_size", CodeFormat, "bottom size", []string{"W99L99"}},
		{"shoe size", func(c *Customer) { c.Profile.ShoeSize = "61.5" }, "profile.shoe_size", CodeFormat, "EU shoe size", []string{"61.5"}},
		{"member size", func(c *Customer) {
			c.Household = []Member{{ID: "kid", Relation: Child, Profile: Profile{ShoeSize: "73", HeightCM: 9}}}
		}, "household[0].profile.shoe_size", CodeFormat, "EU shoe size", []string{"73", "9 cm"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.mut(&c)
			err := c.Validate(now)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tc.field, tc.code), "%v does not name %s (%s)", err, tc.field, tc.code)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, `customer "C-BAD": `), "%q does not name the record", msg)
			assert.Contains(t, msg, tc.field)
			assert.Contains(t, msg, tc.rule)
			for _, v := range tc.private {
				assert.NotContains(t, msg, v, "personal value %q echoed in %q", v, msg)
			}
		})
	}
}
