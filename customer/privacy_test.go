package customer

import (
	"bytes"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// personal lists the personal data of validConsumer, none of which may
// appear in any printed or logged form.
var personal = []string{"Jana", "Novak", "jana.novak", "601 123", "123 456", "Praha 1", "1990", "168"}

func assertNoPersonalData(t *testing.T, out string) {
	t.Helper()
	for _, p := range personal {
		assert.NotContains(t, out, p, "personal data %q leaked in %q", p, out)
	}
}

func TestCustomerFmtRedacts(t *testing.T) {
	c := validConsumer()
	type wrapper struct {
		C    Customer
		Many []Customer
		P    *Customer
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10v"} {
		assertNoPersonalData(t, fmt.Sprintf(verb, c))
		assertNoPersonalData(t, fmt.Sprintf(verb, &c))
		assertNoPersonalData(t, fmt.Sprintf(verb, wrapper{C: c, Many: []Customer{c}, P: &c}))
		assertNoPersonalData(t, fmt.Sprintf(verb, c.Contact))
		assertNoPersonalData(t, fmt.Sprintf(verb, c.Contact.Email))
		assertNoPersonalData(t, fmt.Sprintf(verb, c.Contact.Phone))
		assertNoPersonalData(t, fmt.Sprintf(verb, c.Birthday))
		assertNoPersonalData(t, fmt.Sprintf(verb, c.Profile))
	}
	assertNoPersonalData(t, fmt.Sprint(c))
	assertNoPersonalData(t, fmt.Sprintln(c, c.Contact, c.Birthday))
	assert.Contains(t, c.String(), `customer "C-1" (consumer`)
	assert.Contains(t, fmt.Sprintf("%#v", c), `ID:"C-1"`)
}

func TestEmailPhoneRedaction(t *testing.T) {
	assert.Equal(t, "j***@example.com", Email("jana.novak@example.com").String())
	assert.Equal(t, "***", Email("not-an-address").String())
	assert.Equal(t, "***", Email("@example.com").String())
	assert.Equal(t, "", Email("").String())
	assert.Equal(t, "***56", Phone("+420 601 123 456").String())
	assert.Equal(t, "***7", Phone("7").String())
	assert.Equal(t, "", Phone("").String())
	assert.Equal(t, `"j***@example.com"`, fmt.Sprintf("%q", Email("jana.novak@example.com")))
	assert.Equal(t, `"***56"`, fmt.Sprintf("%#v", Phone("+420 601 123 456")))
}

// noTime leaves the time out of the log lines, so that the digits of a
// timestamp cannot be taken for leaked personal data.
var noTime = &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}}

func TestCustomerSlogRedacts(t *testing.T) {
	c := validConsumer()
	for name, mk := range map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, noTime) },
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, noTime) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(mk(&buf))
			log.Info("saved", "customer", c, "email", c.Contact.Email, "phone", c.Contact.Phone,
				"contact", c.Contact, "birthday", c.Birthday, "profile", c.Profile, "ptr", &c)
			out := buf.String()
			assertNoPersonalData(t, out)
			assert.Contains(t, out, "C-1")
			assert.Contains(t, out, "j***@example.com")
			assert.Contains(t, out, Redacted)
		})
	}
}

func TestAnonymize(t *testing.T) {
	c := validIntermediary()
	c.Name, c.Contact = "Hans Huber", Contact{Email: "hans@huber.example", Phone: "+49 89 123456", Address: "Marienplatz 1"}
	c.Birthday = Birthday{Year: 1960, Month: 7, Day: 1}
	c.Consent = Consent{Marketing: true, Profiling: true}
	c.Profile = Profile{TopSize: "L", HeightCM: 185, Styles: []string{"classic"}}
	a := c.Anonymize()
	assert.Equal(t, c.ID, a.ID)
	assert.Equal(t, c.Kind, a.Kind)
	assert.Equal(t, c.Role, a.Role)
	assert.Equal(t, c.Region, a.Region)
	assert.True(t, c.Joined.Equal(a.Joined))
	assert.True(t, c.Trade.Equal(a.Trade))
	assert.Empty(t, a.Name)
	assert.Equal(t, Contact{}, a.Contact)
	assert.True(t, a.Birthday.IsZero())
	assert.True(t, a.Profile.Equal(Profile{}))
	assert.Equal(t, Consent{}, a.Consent, "consent is withdrawn")
	a.Trade.Outlets = 99
	assert.Equal(t, 4, c.Trade.Outlets, "the result shares no memory with c")
	require.NoError(t, a.Validate(vNow), "an anonymised valid customer stays valid")
	assert.False(t, strings.Contains(a.String(), "redacted"), "nothing left to redact")
}

// TestEmailRedactionKeepsWholeFirstCharacter: an address whose local part
// starts with a character beyond ASCII (valid for ValidEmail) keeps that
// whole character, so that the redacted form is valid UTF-8 and shows no
// stray byte of it.
func TestEmailRedactionKeepsWholeFirstCharacter(t *testing.T) {
	for addr, want := range map[Email]string{
		"李明@example.cn":       "李***@example.cn",
		"élodie@example.fr":   "é***@example.fr",
		"\xffbad@example.com": "***@example.com",
	} {
		require.True(t, addr == "\xffbad@example.com" || ValidEmail(string(addr)), "%q is a valid address", string(addr))
		got := addr.String()
		assert.True(t, utf8.ValidString(got), "redacted %q is not valid UTF-8", got)
		assert.Equal(t, want, got)
		assert.Equal(t, strconv.Quote(want), fmt.Sprintf("%q", addr))
	}
}
