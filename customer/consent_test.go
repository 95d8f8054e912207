package customer_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

var cNow = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)

// consenting returns a consumer who gave marketing consent through the
// web shop and then profiling consent at the till, flags set to match.
func consenting() customer.Customer {
	return customer.Customer{
		ID: "C-1", Kind: customer.Consumer, Joined: cNow.AddDate(-2, 0, 0),
		Consent: customer.Consent{Marketing: true, Profiling: true},
		ConsentHistory: []customer.ConsentChange{
			{Purpose: customer.PurposeMarketing, Given: true, Time: cNow.AddDate(-1, 0, 0), Source: customer.SourceWebShop, Notice: "privacy v3"},
			{Purpose: customer.PurposeProfiling, Given: true, Time: cNow.AddDate(0, -1, 0), Source: customer.SourceTill, Notice: "privacy v4"},
		},
	}
}

func TestConsentEnumsText(t *testing.T) {
	for _, p := range customer.Purposes() {
		b, err := p.MarshalText()
		require.NoError(t, err)
		var back customer.Purpose
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, p, back)
	}
	for s := customer.SourceForm; s <= customer.SourceErasure; s++ {
		b, err := s.MarshalText()
		require.NoError(t, err)
		back, err := customer.ParseConsentSource(string(b))
		require.NoError(t, err)
		assert.Equal(t, s, back)
	}
	for _, bad := range []customer.Purpose{0, 3, 255} {
		assert.False(t, bad.Valid())
		_, err := bad.MarshalText()
		assert.Error(t, err, "purpose %d", uint8(bad))
	}
	for _, bad := range []customer.ConsentSource{0, 8, 255} {
		assert.False(t, bad.Valid())
		_, err := bad.MarshalText()
		assert.Error(t, err, "source %d", uint8(bad))
	}
	_, err := customer.ParsePurpose("newsletter")
	assert.Error(t, err)
	_, err = customer.ParseConsentSource("")
	assert.Error(t, err)
}

// Every bad consent history is reported by Validate, with the field and
// code named; a customer recorded before consent evidence (flags, no
// history) stays valid.
func TestValidateConsentHistory(t *testing.T) {
	long := strings.Repeat("v", customer.MaxNoticeLen+1)
	for _, tc := range []struct {
		name        string
		edit        func(c *customer.Customer)
		field, code string
	}{
		{"no purpose", func(c *customer.Customer) { c.ConsentHistory[0].Purpose = 0 }, "consent_history[0].purpose", customer.CodeRequired},
		{"unknown purpose", func(c *customer.Customer) { c.ConsentHistory[1].Purpose = 9 }, "consent_history[1].purpose", customer.CodeUnknown},
		{"no source", func(c *customer.Customer) { c.ConsentHistory[0].Source = 0 }, "consent_history[0].source", customer.CodeRequired},
		{"unknown source", func(c *customer.Customer) { c.ConsentHistory[1].Source = 99 }, "consent_history[1].source", customer.CodeUnknown},
		{"given by erasure", func(c *customer.Customer) { c.ConsentHistory[1].Source = customer.SourceErasure }, "consent_history[1].source", customer.CodeMismatch},
		{"zero time", func(c *customer.Customer) { c.ConsentHistory[1].Time = time.Time{} }, "consent_history[1].time", customer.CodeRequired},
		{"time before records", func(c *customer.Customer) {
			c.ConsentHistory[0].Time = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
		}, "consent_history[0].time", customer.CodeRange},
		{"time in the future", func(c *customer.Customer) { c.ConsentHistory[1].Time = cNow.Add(time.Second) }, "consent_history[1].time", customer.CodeFuture},
		{"out of time order", func(c *customer.Customer) {
			c.ConsentHistory[1].Time = c.ConsentHistory[0].Time.Add(-time.Nanosecond)
		}, "consent_history[1].time", customer.CodeOrder},
		{"given without notice", func(c *customer.Customer) { c.ConsentHistory[0].Notice = "" }, "consent_history[0].notice", customer.CodeRequired},
		{"given with blank notice", func(c *customer.Customer) { c.ConsentHistory[1].Notice = " \t" }, "consent_history[1].notice", customer.CodeRequired},
		{"notice too long", func(c *customer.Customer) { c.ConsentHistory[1].Notice = long }, "consent_history[1].notice", customer.CodeRange},
		{"marketing flag without its grant", func(c *customer.Customer) {
			c.ConsentHistory = append(c.ConsentHistory, customer.ConsentChange{Purpose: customer.PurposeMarketing,
				Time: cNow.AddDate(0, 0, -1), Source: customer.SourceEmail})
		}, "consent.marketing", customer.CodeMismatch},
		{"profiling flag cleared by hand", func(c *customer.Customer) { c.Consent.Profiling = false }, "consent.profiling", customer.CodeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := consenting()
			require.NoError(t, c.Validate(cNow))
			tc.edit(&c)
			ve := validationError(t, c.Validate(cNow))
			assert.Equal(t, `customer "C-1"`, ve.Record)
			assert.True(t, ve.Has(tc.field, tc.code), "want %s %s in %v", tc.field, tc.code, ve)
			assert.Len(t, ve.Fields, 1, "only the bad field: %v", ve)
		})
	}
	t.Run("flags without history", func(t *testing.T) {
		c := consenting()
		c.ConsentHistory = nil
		assert.NoError(t, c.Validate(cNow), "a customer recorded before consent evidence was kept")
		_, ok := c.LatestConsent(customer.PurposeMarketing)
		assert.False(t, ok, "no evidence")
	})
	t.Run("withdrawal without notice", func(t *testing.T) {
		c, err := consenting().RecordConsent(customer.ConsentChange{Purpose: customer.PurposeMarketing,
			Time: cNow, Source: customer.SourceEmail}, cNow)
		require.NoError(t, err)
		assert.NoError(t, c.Validate(cNow), "a withdrawal needs no notice")
	})
}

// RecordConsent rejects every bad change, naming the record and the field
// at the index the change would take, and changes nothing.
func TestRecordConsentRejects(t *testing.T) {
	good := customer.ConsentChange{Purpose: customer.PurposeMarketing, Time: cNow.AddDate(0, 0, -1), Source: customer.SourceApp}
	for _, tc := range []struct {
		name        string
		edit        func(ch *customer.ConsentChange)
		now         time.Time
		field, code string
	}{
		{"no purpose", func(ch *customer.ConsentChange) { ch.Purpose = 0 }, cNow, "purpose", customer.CodeRequired},
		{"unknown purpose", func(ch *customer.ConsentChange) { ch.Purpose = 7 }, cNow, "purpose", customer.CodeUnknown},
		{"no source", func(ch *customer.ConsentChange) { ch.Source = 0 }, cNow, "source", customer.CodeRequired},
		{"unknown source", func(ch *customer.ConsentChange) { ch.Source = 200 }, cNow, "source", customer.CodeUnknown},
		{"given by erasure", func(ch *customer.ConsentChange) {
			ch.Given, ch.Notice, ch.Source = true, "v4", customer.SourceErasure
		}, cNow, "source", customer.CodeMismatch},
		{"zero time", func(ch *customer.ConsentChange) { ch.Time = time.Time{} }, cNow, "time", customer.CodeRequired},
		{"after now", func(ch *customer.ConsentChange) { ch.Time = cNow.Add(time.Nanosecond) }, cNow, "time", customer.CodeFuture},
		{"before the last change", func(ch *customer.ConsentChange) { ch.Time = cNow.AddDate(0, -2, 0) }, cNow, "time", customer.CodeOrder},
		{"given without notice", func(ch *customer.ConsentChange) { ch.Given = true }, cNow, "notice", customer.CodeRequired},
		{"notice too long", func(ch *customer.ConsentChange) {
			ch.Notice = strings.Repeat("x", customer.MaxNoticeLen+1)
		}, cNow, "notice", customer.CodeRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := consenting()
			before := c.Clone()
			ch := good
			tc.edit(&ch)
			got, err := c.RecordConsent(ch, tc.now)
			ve := validationError(t, err)
			assert.Equal(t, `customer "C-1"`, ve.Record)
			assert.True(t, ve.Has("consent_history[2]."+tc.field, tc.code), "want consent_history[2].%s %s in %v", tc.field, tc.code, ve)
			assert.True(t, c.Equal(before), "the customer was changed")
			assert.True(t, got.Equal(before), "a rejected change returned another customer")
		})
	}
	t.Run("zero now skips the future check", func(t *testing.T) {
		ch := good
		ch.Time = cNow.AddDate(1, 0, 0)
		_, err := consenting().RecordConsent(ch, time.Time{})
		assert.NoError(t, err)
	})
}

// Two changes recorded on one customer give two customers that share no
// history: the second does not overwrite the first's last change.
func TestRecordConsentSharesNoMemory(t *testing.T) {
	c := consenting()
	c.ConsentHistory = append(make([]customer.ConsentChange, 0, 8), c.ConsentHistory...)
	withdraw := customer.ConsentChange{Purpose: customer.PurposeMarketing, Time: cNow, Source: customer.SourceEmail}
	a, err := c.RecordConsent(withdraw, cNow)
	require.NoError(t, err)
	regive := customer.ConsentChange{Purpose: customer.PurposeMarketing, Given: true, Time: cNow, Source: customer.SourceTill, Notice: "privacy v5"}
	b, err := c.RecordConsent(regive, cNow)
	require.NoError(t, err)
	assert.False(t, a.Consent.Marketing)
	assert.True(t, b.Consent.Marketing)
	last, _ := a.LatestConsent(customer.PurposeMarketing)
	assert.True(t, last.Equal(withdraw), "a's withdrawal was overwritten by b's grant: %s", last)
	assert.Len(t, c.ConsentHistory, 2, "c is unchanged")
	require.NoError(t, a.Validate(cNow))
	require.NoError(t, b.Validate(cNow))
}

func TestConsentEqualAndClone(t *testing.T) {
	c := consenting()
	d := c.Clone()
	require.True(t, c.Equal(d))
	d.ConsentHistory[0].Notice = "privacy v2"
	assert.Equal(t, "privacy v3", c.ConsentHistory[0].Notice, "Clone copies the history")
	assert.False(t, c.Equal(d), "a different notice")
	d = c.Clone()
	d.ConsentHistory[1].Time = d.ConsentHistory[1].Time.In(time.FixedZone("UTC+8", 8*3600))
	assert.True(t, c.Equal(d), "the same instant in another zone")
	d.ConsentHistory = d.ConsentHistory[:1]
	assert.False(t, c.Equal(d), "a change fewer")
	e := c.Clone()
	e.ConsentHistory = nil
	f := c.Clone()
	f.ConsentHistory = []customer.ConsentChange{}
	assert.True(t, e.Equal(f), "nil and empty are equal")
}

// AnonymizeAt keeps the evidence and records the withdrawals; Anonymize,
// which has no instant to date them, drops the history. Both results are
// valid and c is unchanged.
func TestAnonymizeConsentHistory(t *testing.T) {
	c := consenting()
	c.Name, c.Contact.Email = "Jana Novak", "jana@example.com"
	before := c.Clone()
	a, err := c.AnonymizeAt(cNow)
	require.NoError(t, err)
	assert.True(t, c.Equal(before))
	assert.Equal(t, customer.Consent{}, a.Consent)
	assert.Empty(t, a.Name)
	require.Len(t, a.ConsentHistory, 4)
	assert.True(t, a.ConsentHistory[0].Equal(c.ConsentHistory[0]) && a.ConsentHistory[1].Equal(c.ConsentHistory[1]), "the evidence is kept")
	for i, p := range []customer.Purpose{customer.PurposeMarketing, customer.PurposeProfiling} {
		w := a.ConsentHistory[2+i]
		assert.Equal(t, customer.ConsentChange{Purpose: p, Time: cNow, Source: customer.SourceErasure}, w)
	}
	require.NoError(t, a.Validate(cNow))

	plain := c.Anonymize()
	assert.Empty(t, plain.ConsentHistory)
	require.NoError(t, plain.Validate(cNow))

	// A flag without history (recorded before evidence was kept) is
	// withdrawn too; a purpose already withdrawn is not withdrawn again.
	legacy := customer.Customer{ID: "C-2", Kind: customer.Consumer, Joined: cNow.AddDate(-1, 0, 0),
		Consent: customer.Consent{Profiling: true}}
	a, err = legacy.AnonymizeAt(cNow)
	require.NoError(t, err)
	assert.Equal(t, []customer.ConsentChange{{Purpose: customer.PurposeProfiling, Time: cNow, Source: customer.SourceErasure}}, a.ConsentHistory)

	_, err = c.AnonymizeAt(cNow.AddDate(0, -2, 0))
	ve := validationError(t, err)
	assert.True(t, ve.Has("consent_history[2].time", customer.CodeOrder), "%v", ve)
	_, err = c.AnonymizeAt(time.Time{})
	ve = validationError(t, err)
	assert.True(t, ve.Has("consent_history[2].time", customer.CodeRequired), "%v", ve)
	assert.True(t, c.Equal(before))
}

func TestConsentJSONRoundTrip(t *testing.T) {
	c := consenting()
	c.ConsentHistory[0].Time = c.ConsentHistory[0].Time.Add(123456789).In(time.FixedZone("UTC-3", -3*3600))
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Purpose":"marketing"`)
	assert.Contains(t, string(b), `"Source":"web"`)
	var back customer.Customer
	require.NoError(t, json.Unmarshal(b, &back), "%s", b)
	assert.True(t, back.Equal(c), "%s", b)
	assert.Error(t, json.Unmarshal([]byte(`{"ConsentHistory":[{"Purpose":"newsletter"}]}`), &back))
}

// %#v shows the number of consent changes; String and slog keep showing
// the flags only.
func TestConsentGoString(t *testing.T) {
	s := fmt.Sprintf("%#v", consenting())
	assert.Contains(t, s, "ConsentHistory:2 changes")
}

// Any sequence of consent changes, valid or not, leaves the flags equal
// to the last change of their purpose, the customer valid, and a rejected
// change without effect; the result survives a JSON round trip.
func TestConsentHistoryProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := customer.Customer{ID: "C-9", Kind: customer.Consumer, Joined: cNow.AddDate(-3, 0, 0),
			Consent: customer.Consent{Marketing: rapid.Bool().Draw(t, "legacy marketing")}}
		at := cNow.AddDate(-2, 0, 0)
		last := map[customer.Purpose]bool{customer.PurposeMarketing: c.Consent.Marketing}
		accepted := 0
		for i := range rapid.IntRange(0, 12).Draw(t, "changes") {
			step := time.Duration(rapid.IntRange(-3, 10).Draw(t, fmt.Sprint("step", i))) * time.Hour
			ch := customer.ConsentChange{
				Purpose: rapid.SampledFrom([]customer.Purpose{customer.PurposeMarketing, customer.PurposeProfiling, 0}).Draw(t, fmt.Sprint("purpose", i)),
				Given:   rapid.Bool().Draw(t, fmt.Sprint("given", i)),
				Time:    at.Add(step),
				Source:  rapid.SampledFrom([]customer.ConsentSource{customer.SourceForm, customer.SourceWebShop, customer.SourceEmail}).Draw(t, fmt.Sprint("source", i)),
				Notice:  rapid.SampledFrom([]string{"", "privacy v4"}).Draw(t, fmt.Sprint("notice", i)),
			}
			before := c.Clone()
			next, err := c.RecordConsent(ch, cNow)
			valid := ch.Purpose != 0 && step >= 0 && (!ch.Given || ch.Notice != "")
			if accepted == 0 && step < 0 {
				valid = ch.Purpose != 0 && (!ch.Given || ch.Notice != "") // nothing to be out of order with
			}
			if valid != (err == nil) {
				t.Fatalf("change %d %s: err = %v, want valid=%t", i, ch, err, valid)
			}
			if err != nil {
				if !c.Equal(before) || !next.Equal(before) {
					t.Fatalf("a rejected change %s changed the customer", ch)
				}
				continue
			}
			c, at = next, ch.Time
			last[ch.Purpose] = ch.Given
			accepted++
		}
		if c.Consent.Marketing != last[customer.PurposeMarketing] || c.Consent.Profiling != last[customer.PurposeProfiling] {
			t.Fatalf("flags %+v, last changes %v", c.Consent, last)
		}
		if len(c.ConsentHistory) != accepted {
			t.Fatalf("history of %d changes, %d accepted", len(c.ConsentHistory), accepted)
		}
		if err := c.Validate(cNow); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back customer.Customer
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(c) {
			t.Fatalf("JSON round trip: %v, equal %t: %s", err, back.Equal(c), b)
		}
	})
}

// AnonymizeAt checks now against the history whether or not a withdrawal
// is recorded: an erasure dated before the last change, or at a zero
// instant, is refused also when every consent is withdrawn already, so
// that what AnonymizeAt returns is valid at now.
func TestAnonymizeAtChecksNowWithoutWithdrawal(t *testing.T) {
	c := consenting()
	last := c.ConsentHistory[len(c.ConsentHistory)-1].Time
	for _, p := range customer.Purposes() {
		var err error
		c, err = c.RecordConsent(customer.ConsentChange{Purpose: p, Time: last.Add(time.Hour), Source: customer.SourceEmail}, cNow)
		require.NoError(t, err)
	}
	require.NoError(t, c.Validate(cNow))
	before := c.Clone()
	n := len(c.ConsentHistory)

	a, err := c.AnonymizeAt(cNow)
	require.NoError(t, err)
	require.NoError(t, a.Validate(cNow))
	assert.Len(t, a.ConsentHistory, n, "nothing to withdraw")

	early := last.Add(30 * time.Minute) // before the withdrawals
	_, err = c.AnonymizeAt(early)
	ve := validationError(t, err)
	assert.Equal(t, `customer "C-1"`, ve.Record)
	assert.True(t, ve.Has(fmt.Sprintf("consent_history[%d].time", n), customer.CodeOrder), "%v", ve)

	_, err = c.AnonymizeAt(time.Time{})
	ve = validationError(t, err)
	assert.True(t, ve.Has(fmt.Sprintf("consent_history[%d].time", n), customer.CodeRequired), "%v", ve)
	assert.True(t, c.Equal(before))

	// A customer without history or consent has nothing to check now
	// against but the instant itself.
	bare := customer.Customer{ID: "C-2", Kind: customer.Consumer, Joined: cNow.AddDate(-1, 0, 0)}
	_, err = bare.AnonymizeAt(time.Time{})
	assert.True(t, validationError(t, err).Has("consent_history[0].time", customer.CodeRequired), "%v", err)
	a, err = bare.AnonymizeAt(cNow)
	require.NoError(t, err)
	assert.Empty(t, a.ConsentHistory)
}

// An erasure dated before the customer joined is a caller's clock or
// time-zone error: AnonymizeAt refuses it, naming the customer and the
// instant it would record, whether or not a withdrawal is due, and
// changes nothing. An erasure at the instant of joining is accepted.
func TestAnonymizeAtBeforeJoined(t *testing.T) {
	for name, c := range map[string]customer.Customer{
		"with consent": consenting(),
		"without consent": {ID: "C-2", Kind: customer.Consumer, Name: "Jana Novak",
			Joined: cNow.AddDate(0, 0, -1)},
		// A legacy record whose consent history predates the join date.
		"history before joined": func() customer.Customer {
			c := consenting()
			c.Joined = cNow.AddDate(0, 0, -1)
			return c
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			before := c.Clone()
			n := len(c.ConsentHistory)
			early := c.Joined.Add(-time.Hour) // after the last consent change in two cases
			got, err := c.AnonymizeAt(early)
			ve := validationError(t, err)
			assert.Equal(t, fmt.Sprintf("customer %q", c.ID), ve.Record)
			assert.True(t, ve.Has(fmt.Sprintf("consent_history[%d].time", n), customer.CodeOrder), "%v", ve)
			assert.Contains(t, ve.Error(), "joined")
			assert.True(t, c.Equal(before), "c is unchanged")
			assert.True(t, got.Equal(before), "the result of a refusal is c")

			if last, ok := lastChange(c); !ok || !last.After(c.Joined) {
				a, err := c.AnonymizeAt(c.Joined)
				require.NoError(t, err, "an erasure at the instant of joining")
				require.NoError(t, a.Validate(c.Joined))
			}
		})
	}
}

// lastChange returns the time of the last change of c's consent history.
func lastChange(c customer.Customer) (time.Time, bool) {
	if len(c.ConsentHistory) == 0 {
		return time.Time{}, false
	}
	return c.ConsentHistory[len(c.ConsentHistory)-1].Time, true
}
