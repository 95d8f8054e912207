package customer

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Redacted stands in for personal data in String, fmt and slog output.
const Redacted = "[redacted]"

// String returns the address redacted: the first character of the local
// part (the whole character, also beyond ASCII; none when it is not valid
// UTF-8), "***", and the domain ("j***@example.com"); "***" when it has no
// "@"; "" when empty.
func (e Email) String() string {
	if e == "" {
		return ""
	}
	local, domain, ok := strings.Cut(string(e), "@")
	if !ok || local == "" {
		return "***"
	}
	if r, n := utf8.DecodeRuneInString(local); r != utf8.RuneError || n > 1 {
		return local[:n] + "***@" + domain
	}
	return "***@" + domain
}

// GoString returns the redacted form, quoted, for %#v.
func (e Email) GoString() string { return strconv.Quote(e.String()) }

// Format prints the redacted form for every verb, so that no fmt verb
// (%v, %s, %q, %#v, %x) shows the address.
func (e Email) Format(f fmt.State, verb rune) { formatRedacted(f, verb, e.String()) }

// LogValue implements [slog.LogValuer]: the redacted form.
func (e Email) LogValue() slog.Value { return slog.StringValue(e.String()) }

// String returns the number redacted: "***" and its last two digits
// ("***45"); "" when empty.
func (p Phone) String() string {
	if p == "" {
		return ""
	}
	var last []byte
	for i := len(p) - 1; i >= 0 && len(last) < 2; i-- {
		if c := p[i]; c >= '0' && c <= '9' {
			last = append([]byte{c}, last...)
		}
	}
	return "***" + string(last)
}

// GoString returns the redacted form, quoted, for %#v.
func (p Phone) GoString() string { return strconv.Quote(p.String()) }

// Format prints the redacted form for every verb.
func (p Phone) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p.String()) }

// LogValue implements [slog.LogValuer]: the redacted form.
func (p Phone) LogValue() slog.Value { return slog.StringValue(p.String()) }

// formatRedacted prints s, quoted for %q and %#v.
func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// String returns the contact details redacted: e-mail and phone in their
// redacted forms, the address replaced by [Redacted].
func (c Contact) String() string {
	addr := ""
	if c.Address != "" {
		addr = Redacted
	}
	return "{Email:" + c.Email.String() + " Phone:" + c.Phone.String() + " Address:" + addr + "}"
}

// Format prints the redacted form for every verb.
func (c Contact) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue implements [slog.LogValuer]: the redacted fields.
func (c Contact) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("email", c.Email.String()),
		slog.String("phone", c.Phone.String()),
		slog.Bool("address", c.Address != ""))
}

// String returns [Redacted], or "" for an unknown birthday: a birthday is
// personal data.
func (b Birthday) String() string {
	if b.IsZero() {
		return ""
	}
	return Redacted
}

// Format prints the redacted form for every verb.
func (b Birthday) Format(f fmt.State, verb rune) { formatRedacted(f, verb, b.String()) }

// LogValue implements [slog.LogValuer]: the redacted form.
func (b Birthday) LogValue() slog.Value { return slog.StringValue(b.String()) }

// String returns c without its personal data: ID, kind, role, region, join
// day, consent and whether the personal fields are set, as in
//
//	customer "C-1" (consumer, region "Berlin", joined 2024-03-01, consent marketing=true profiling=false, personal data redacted)
//
// Name, contact details, address, birthday, clothing sizes and body
// height never appear, nor does anything of the household (a customer
// with one has personal data).
func (c Customer) String() string {
	var b strings.Builder
	b.WriteString("customer ")
	b.WriteString(strconv.Quote(string(c.ID)))
	b.WriteString(" (")
	b.WriteString(c.Kind.String())
	if c.Role != 0 {
		b.WriteString(" ")
		b.WriteString(c.Role.String())
	}
	if c.Region != "" {
		b.WriteString(", region ")
		b.WriteString(strconv.Quote(c.Region))
	}
	if !c.Joined.IsZero() {
		b.WriteString(", joined ")
		b.WriteString(c.Joined.Format(time.DateOnly))
	}
	fmt.Fprintf(&b, ", consent marketing=%t profiling=%t", c.Consent.Marketing, c.Consent.Profiling)
	if c.hasPersonalData() {
		b.WriteString(", personal data redacted")
	}
	b.WriteString(")")
	return b.String()
}

// GoString returns a Go-syntax-like form for %#v with every personal field
// (name, contact, birthday, sizes, height) replaced by [Redacted] and the
// household given by its size only.
func (c Customer) GoString() string {
	pd := func(set bool) string {
		if set {
			return strconv.Quote(Redacted)
		}
		return `""`
	}
	return fmt.Sprintf("customer.Customer{ID:%q, Kind:%s, Role:%s, Name:%s, Contact:%s, Birthday:%s, Region:%q, Joined:%s, Consent:%+v, Profile:{TopSize:%s, BottomSize:%s, ShoeSize:%s, HeightCM:%s, Fit:%d}, Trade:%t, Household:%d members, ConsentHistory:%d changes}",
		string(c.ID), c.Kind, c.Role, pd(c.Name != ""), pd(c.Contact != Contact{}), pd(!c.Birthday.IsZero()),
		c.Region, c.Joined.Format(time.RFC3339), c.Consent,
		pd(c.Profile.TopSize != ""), pd(c.Profile.BottomSize != ""), pd(c.Profile.ShoeSize != ""), pd(c.Profile.HeightCM != 0), c.Profile.Fit,
		c.Trade != nil, len(c.Household), len(c.ConsentHistory))
}

// Format prints [Customer.GoString] for %#v and [Customer.String] for
// every other verb (%q quotes it), so that fmt never shows personal data
// (a plain struct would print every field under %v and %+v).
func (c Customer) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(c.GoString()))
		return
	}
	formatRedacted(f, verb, c.String())
}

// LogValue implements [slog.LogValuer]: a group of the fields that are
// not personal data (id, kind, role, region, joined, consent), with
// "personal_data": "[redacted]" when any personal field is set. slog
// handlers, text or JSON, therefore never print a name, contact detail,
// birthday, size or height of a customer logged as an attribute's value.
//
// slog resolves a LogValuer only where it is the attribute's value: a
// slice, map or struct holding customers reaches slog.JSONHandler's
// encoding/json field by field, personal data included (the text handler
// formats it with fmt, which redacts). Log each customer as an attribute
// of its own, or their IDs.
func (c Customer) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", string(c.ID)),
		slog.String("kind", c.Kind.String()),
	}
	if c.Role != 0 {
		attrs = append(attrs, slog.String("role", c.Role.String()))
	}
	if c.Region != "" {
		attrs = append(attrs, slog.String("region", c.Region))
	}
	if !c.Joined.IsZero() {
		attrs = append(attrs, slog.Time("joined", c.Joined))
	}
	attrs = append(attrs,
		slog.Bool("consent_marketing", c.Consent.Marketing),
		slog.Bool("consent_profiling", c.Consent.Profiling))
	if c.hasPersonalData() {
		attrs = append(attrs, slog.String("personal_data", Redacted))
	}
	return slog.GroupValue(attrs...)
}

func (c Customer) hasPersonalData() bool {
	return c.Name != "" || c.Contact != (Contact{}) || !c.Birthday.IsZero() || c.Profile.hasPersonalData() ||
		len(c.Household) > 0
}

// hasPersonalData reports whether a body measurement of p is set: a size
// or the height.
func (p Profile) hasPersonalData() bool {
	return p.TopSize != "" || p.BottomSize != "" || p.ShoeSize != "" || p.HeightCM != 0
}

// redactedIf returns [Redacted] when set, else "".
func redactedIf(set bool) string {
	if set {
		return Redacted
	}
	return ""
}

// Anonymize returns c with its personal data erased, for an erasure
// request (GDPR art. 17): name, contact details, birthday and the whole
// clothing profile (sizes and height are body measurements; styles,
// colours and categories are preferences given for personalisation) are
// cleared, the household (other people's names, birthdays and
// measurements) is removed, and both consents are withdrawn. The consent
// history is dropped too: Anonymize has no instant at which to record the
// withdrawals, and a history whose last change gives a consent would
// contradict the withdrawn flags. [Customer.AnonymizeAt] keeps the
// history as the proof of past consent and records the withdrawals; use
// it when that proof must be kept (GDPR art. 7(1), art. 17(3)(e)). Order lines
// of the history keep the member IDs they name ([Line].Member), so the
// per-member counts of a [Summary] stay; when the caller's member IDs are
// themselves personal data (a first name), the caller must replace them
// by pseudonyms, as for the customer ID.
//
// It keeps what finance and the models need and what does not identify a
// person: the ID (orders, returns and the ledgers refer to it), kind,
// role, region, join date and the trade facts of an intermediary (a
// business, not a person). The ID is kept as it is: when the caller's IDs
// are themselves personal data (an e-mail address or phone number used as
// member number), the caller must replace it by a pseudonym in the
// customer and in its history, which this package cannot do for it. The
// result shares no memory with c.
func (c Customer) Anonymize() Customer {
	a := Customer{
		ID:     c.ID,
		Kind:   c.Kind,
		Role:   c.Role,
		Region: c.Region,
		Joined: c.Joined,
	}
	if c.Trade != nil {
		t := *c.Trade
		a.Trade = &t
	}
	return a
}

// String returns the profile with its body measurements, the three sizes
// and the height, each replaced by [Redacted] when known and empty when
// not; fit and preferences are shown.
func (p Profile) String() string {
	return fmt.Sprintf("{TopSize:%s BottomSize:%s ShoeSize:%s HeightCM:%s Fit:%d Styles:%v Colours:%v Categories:%v}",
		redactedIf(p.TopSize != ""), redactedIf(p.BottomSize != ""), redactedIf(p.ShoeSize != ""),
		redactedIf(p.HeightCM != 0), p.Fit, p.Styles, p.Colours, p.Categories)
}

// Format prints [Profile.String] for every verb, so that no fmt verb shows
// a size or the height.
func (p Profile) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p.String()) }

// LogValue implements [slog.LogValuer]: whether each size and the height
// is known, and the fit; never a size or the height itself.
func (p Profile) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("top_size_known", p.TopSize != ""),
		slog.Bool("bottom_size_known", p.BottomSize != ""),
		slog.Bool("shoe_size_known", p.ShoeSize != ""),
		slog.Bool("height_known", p.HeightCM != 0),
		slog.Int("fit", int(p.Fit)))
}
