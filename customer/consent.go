package customer

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Purpose is what a consent is given for: one of the flags of [Consent].
type Purpose uint8

const (
	// PurposeMarketing is promotional contact ([Consent].Marketing).
	PurposeMarketing Purpose = iota + 1
	// PurposeProfiling is the use of the customer's own purchase history
	// to personalise or study them ([Consent].Profiling).
	PurposeProfiling
)

var purposeNames = []string{"", "marketing", "profiling"}

// Purposes lists every purpose, in the order of their values.
func Purposes() []Purpose { return []Purpose{PurposeMarketing, PurposeProfiling} }

// ParsePurpose parses "marketing" or "profiling".
func ParsePurpose(s string) (Purpose, error) {
	return enumtext.Parse[Purpose](s, purposeNames, "consent purpose")
}

// String returns the purpose's name.
func (p Purpose) String() string { return enumtext.String(p, purposeNames, "Purpose") }

// Valid reports whether p is a defined purpose.
func (p Purpose) Valid() bool { return enumtext.Valid(p, purposeNames) }

// MarshalText implements [encoding.TextMarshaler].
func (p Purpose) MarshalText() ([]byte, error) {
	return enumtext.Marshal(p, purposeNames, "consent purpose")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (p *Purpose) UnmarshalText(b []byte) error { return enumtext.Unmarshal(p, b, ParsePurpose) }

// ConsentSource is the channel through which a consent was given or
// withdrawn: where the proof of it is kept.
type ConsentSource uint8

const (
	// SourceForm: a signed form, on paper or a tablet in the shop.
	SourceForm ConsentSource = iota + 1
	// SourceTill: asked and answered at the till of a shop.
	SourceTill
	// SourceWebShop: a check box or preference page of the web shop.
	SourceWebShop
	// SourceApp: the brand's mobile app or mini program.
	SourceApp
	// SourceEmail: a link in an e-mail, such as an unsubscribe link, or
	// an e-mail from the customer.
	SourceEmail
	// SourcePhone: a call with the customer service.
	SourcePhone
	// SourceErasure: the withdrawal that an erasure request implies
	// ([Customer.AnonymizeAt]).
	SourceErasure
)

var sourceNames = []string{"", "form", "till", "web", "app", "email", "phone", "erasure"}

// ParseConsentSource parses "form", "till", "web", "app", "email",
// "phone" or "erasure".
func ParseConsentSource(s string) (ConsentSource, error) {
	return enumtext.Parse[ConsentSource](s, sourceNames, "consent source")
}

// String returns the source's name.
func (s ConsentSource) String() string { return enumtext.String(s, sourceNames, "ConsentSource") }

// Valid reports whether s is a defined source.
func (s ConsentSource) Valid() bool { return enumtext.Valid(s, sourceNames) }

// MarshalText implements [encoding.TextMarshaler].
func (s ConsentSource) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, sourceNames, "consent source")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (s *ConsentSource) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(s, b, ParseConsentSource)
}

// MaxNoticeLen is the most bytes [ConsentChange].Notice may hold: a label
// of a notice version, not the notice itself.
const MaxNoticeLen = 200

// ConsentChange is the evidence of one consent given or withdrawn: the
// record a controller keeps to demonstrate that the person consented
// (GDPR art. 7(1); PIPL art. 14), and when and how the consent was
// withdrawn (GDPR art. 7(3); PIPL art. 15).
//
// It holds no personal data beyond the fact that the customer it is
// filed under consented (no name, contact detail or address), so String,
// fmt and slog show it as it is.
type ConsentChange struct {
	// Purpose is the consent's purpose: marketing or profiling.
	Purpose Purpose
	// Given is true for a consent given, false for one withdrawn.
	Given bool
	// Time is when the customer gave or withdrew the consent.
	Time time.Time
	// Source is the channel through which it happened.
	Source ConsentSource
	// Notice identifies the text the customer was shown when consenting:
	// the version of the privacy notice or of the consent wording, such
	// as "privacy-notice v4 (2025-03)". It is required when the consent
	// is given (consent must be informed, GDPR art. 4(11) and recital 42;
	// PIPL art. 14), optional for a withdrawal, which must be as easy as
	// giving consent and needs no notice (GDPR art. 7(3)). At most
	// [MaxNoticeLen] bytes.
	Notice string
}

// Equal reports whether c and d are the same change, instants compared
// with time.Time.Equal.
func (c ConsentChange) Equal(d ConsentChange) bool {
	return c.Purpose == d.Purpose && c.Given == d.Given && c.Time.Equal(d.Time) &&
		c.Source == d.Source && c.Notice == d.Notice
}

// String returns the change as in
//
//	marketing given 2025-03-14T10:00:00Z via web (notice "privacy v4")
func (c ConsentChange) String() string {
	s := c.Purpose.String()
	if c.Given {
		s += " given "
	} else {
		s += " withdrawn "
	}
	s += c.Time.Format(time.RFC3339Nano) + " via " + c.Source.String()
	if c.Notice != "" {
		s += " (notice " + strconv.Quote(c.Notice) + ")"
	}
	return s
}

// flag returns the flag of purpose p in c.
func (c Consent) flag(p Purpose) bool {
	if p == PurposeProfiling {
		return c.Profiling
	}
	return c.Marketing
}

// set returns c with the flag of purpose p set to v.
func (c Consent) set(p Purpose, v bool) Consent {
	if p == PurposeProfiling {
		c.Profiling = v
	} else {
		c.Marketing = v
	}
	return c
}

// Allows reports whether c allows purpose p; false for an unknown
// purpose.
func (c Consent) Allows(p Purpose) bool { return p.Valid() && c.flag(p) }

// LatestConsent returns the last change of purpose p in c's
// ConsentHistory, the evidence of the present state of that consent, and
// whether there is one. A customer recorded before consent evidence was
// kept has none: the flag then stands without proof, and a caller that
// must demonstrate the consent (GDPR art. 7(1)) should ask for it again.
func (c Customer) LatestConsent(p Purpose) (ConsentChange, bool) {
	for i := len(c.ConsentHistory) - 1; i >= 0; i-- {
		if c.ConsentHistory[i].Purpose == p {
			return c.ConsentHistory[i], true
		}
	}
	return ConsentChange{}, false
}

// consentField returns "consent_history[i].name". It is called only on
// the error path.
func consentField(i int, name string) string {
	return "consent_history[" + strconv.Itoa(i) + "]." + name
}

// checkChange checks change ch, at index i of a history, on its own: its
// purpose, source, time (against now) and notice.
func checkChange(p *problems, i int, ch *ConsentChange, now time.Time) {
	switch {
	case ch.Purpose == 0:
		p.add(consentField(i, "purpose"), CodeRequired, "a consent change needs a purpose (marketing, profiling)")
	case !ch.Purpose.Valid():
		p.add(consentField(i, "purpose"), CodeUnknown, fmt.Sprintf("unknown purpose %d", uint8(ch.Purpose)))
	}
	switch {
	case ch.Source == 0:
		p.add(consentField(i, "source"), CodeRequired, "a consent change needs its source (form, till, web, app, email, phone, erasure)")
	case !ch.Source.Valid():
		p.add(consentField(i, "source"), CodeUnknown, fmt.Sprintf("unknown source %d", uint8(ch.Source)))
	case ch.Given && ch.Source == SourceErasure:
		p.add(consentField(i, "source"), CodeMismatch, "an erasure withdraws consent, it cannot give it")
	}
	checkTime(p, consentField(i, "time"), ch.Time, now)
	switch {
	case ch.Given && blank(ch.Notice):
		p.add(consentField(i, "notice"), CodeRequired, "a consent given needs the notice the customer was shown")
	case len(ch.Notice) > MaxNoticeLen:
		p.add(consentField(i, "notice"), CodeRange, fmt.Sprintf("is %d bytes, at most %d", len(ch.Notice), MaxNoticeLen))
	}
}

// checkConsent checks the consent history of c and that each flag agrees
// with the last change of its purpose (see [Customer.Validate]).
func checkConsent(p *problems, c *Customer, now time.Time) {
	h := c.ConsentHistory
	for i := range h {
		checkChange(p, i, &h[i], now)
		if i > 0 && !h[i].Time.IsZero() && h[i].Time.Before(h[i-1].Time) {
			p.add(consentField(i, "time"), CodeOrder, fmt.Sprintf("%s is before consent_history[%d] at %s",
				h[i].Time.Format(time.RFC3339Nano), i-1, h[i-1].Time.Format(time.RFC3339Nano)))
		}
	}
	for _, pur := range Purposes() {
		last, ok := c.LatestConsent(pur)
		if !ok || last.Given == c.Consent.flag(pur) {
			continue
		}
		verb := "withdraws"
		if last.Given {
			verb = "gives"
		}
		p.add("consent."+pur.String(), CodeMismatch, fmt.Sprintf("is %t, but the last %s change in consent_history %s it (%s)",
			c.Consent.flag(pur), pur, verb, last.Time.Format(time.RFC3339Nano)))
	}
}

// checkAfterLast reports t, the time of a change to be appended to h at
// index len(h), when it is before the last change of h (CodeOrder). A
// zero t is left to checkTime.
func checkAfterLast(p *problems, h []ConsentChange, t time.Time) {
	i := len(h)
	if i == 0 || t.IsZero() {
		return
	}
	if prev := h[i-1].Time; t.Before(prev) {
		p.add(consentField(i, "time"), CodeOrder, fmt.Sprintf("%s is before the last change, at %s",
			t.Format(time.RFC3339Nano), prev.Format(time.RFC3339Nano)))
	}
}

// RecordConsent returns c with change ch appended to its ConsentHistory
// and the flag of ch.Purpose set to ch.Given, so that flags and history
// agree by construction. It is the way to change a consent: setting a
// flag by hand makes [Customer.Validate] report it when the history says
// otherwise.
//
// now is the time of recording. It returns a [*ValidationError] for the
// record `customer "ID"`, naming the fields of the change as the index it
// would take ("consent_history[3].time"), when ch has a missing or
// unknown purpose or source (or a consent given by [SourceErasure]), a
// time that is zero, before [MinRecordYear], after now (a zero now skips
// this check) or before the last change of the history (the history is
// in time order; a change at the same instant as the last one is
// accepted and comes after it), or a consent given without its notice. A change that repeats the present
// state (a consent given again under a new notice) is recorded: it is
// evidence too. c's history must be in time order already; its other
// fields are not checked. On error c is returned unchanged; the result
// never shares the history's memory with c.
func (c Customer) RecordConsent(ch ConsentChange, now time.Time) (Customer, error) {
	var p problems
	i := len(c.ConsentHistory)
	checkChange(&p, i, &ch, now)
	checkAfterLast(&p, c.ConsentHistory, ch.Time)
	if err := p.err("customer", string(c.ID)); err != nil {
		return c, err
	}
	h := make([]ConsentChange, i, i+1)
	copy(h, c.ConsentHistory)
	c.ConsentHistory = append(h, ch)
	c.Consent = c.Consent.set(ch.Purpose, ch.Given)
	return c, nil
}

// AnonymizeAt returns c anonymised as [Customer.Anonymize] does, but
// keeping the consent history as evidence, with a withdrawal at now
// (Source [SourceErasure]) appended for each purpose whose consent is
// given, by its flag or by the last change of its purpose.
//
// The history is kept because the controller bears the burden of proving
// that the person consented to the processing done before the erasure
// (GDPR art. 7(1), recital 42; art. 5(2)), and erasure does not reach
// data needed to defend legal claims (GDPR art. 17(3)(e); PIPL art. 47
// leaves such retention to the laws that require it). The history names
// no person: purposes, instants, channels and notice versions, filed
// under the ID that Anonymize keeps for the orders. A caller whose IDs
// are personal data replaces the ID by a pseudonym, as for Anonymize.
//
// It returns a [*ValidationError] for the record `customer "ID"` when a
// change at now could not be recorded, whether or not a withdrawal is
// due (see [Customer.RecordConsent]): now zero or before [MinRecordYear]
// ("consent_history[n].time", n the length of the history), before the
// last change of the history (CodeOrder), or before c.Joined (CodeOrder,
// on the same field): an erasure before the customer existed is a clock
// or time-zone error of the caller, and its result would not be valid at
// now (Joined after now). A zero Joined is not checked. So the result is
// valid at now whenever c is. c is never changed.
func (c Customer) AnonymizeAt(now time.Time) (Customer, error) {
	var p problems
	checkTime(&p, consentField(len(c.ConsentHistory), "time"), now, time.Time{})
	checkAfterLast(&p, c.ConsentHistory, now)
	if !now.IsZero() && !c.Joined.IsZero() && now.Before(c.Joined) {
		p.add(consentField(len(c.ConsentHistory), "time"), CodeOrder, fmt.Sprintf("%s is before joined, at %s: the customer did not exist yet",
			now.Format(time.RFC3339Nano), c.Joined.Format(time.RFC3339Nano)))
	}
	if err := p.err("customer", string(c.ID)); err != nil {
		return c, err
	}
	a := c.Anonymize()
	a.ConsentHistory = slices.Clone(c.ConsentHistory)
	for _, pur := range Purposes() {
		last, ok := c.LatestConsent(pur)
		if !c.Consent.flag(pur) && (!ok || !last.Given) {
			continue
		}
		var err error
		if a, err = a.RecordConsent(ConsentChange{Purpose: pur, Time: now, Source: SourceErasure}, now); err != nil {
			return c, err
		}
	}
	return a, nil
}
