package customer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Bounds of the checks of [Customer.Validate].
const (
	// MinHeightCM and MaxHeightCM bound a known body height: 40 cm is a
	// newborn, 250 cm is above the tallest people recorded. 0 means
	// unknown and is allowed.
	MinHeightCM = 40
	MaxHeightCM = 250
	// MinBirthYear is the earliest birth year accepted.
	MinBirthYear = 1900
)

// Validate checks c as recorded at time now and reports every problem at
// once in a [*ValidationError] for the record `customer "ID"`. Fields are
// named as in the list below; a zero now skips the checks against the
// present.
//
// Messages name the rule broken; they do not echo a birthday, a height
// or a size, which are personal data, nor an e-mail address or phone
// number.
//
//   - id: empty or blank (only white space), CodeRequired; not valid
//     UTF-8 or holding a control character, CodeFormat (see [ID]).
//   - kind: not [Consumer] or [Intermediary].
//   - role: set for a consumer, or missing (or unknown) for an
//     intermediary.
//   - trade: missing for an intermediary, or set for a consumer.
//   - household: set for an intermediary (CodeMismatch), which buys to
//     resell, not for family members.
//   - trade.annual_turnover, trade.market_size: negative, or in an unknown
//     currency (the zero Money means unknown and is allowed).
//   - trade.outlets: negative.
//   - trade.rating: set and not a [CreditRating] from RatingD to
//     RatingAAA (0 means unknown and is allowed).
//   - trade.cooperation_start: set and before [MinRecordYear] or after
//     now (the zero time means unknown and is allowed).
//   - birthday: partly set, a month outside 1..12, a day that the month
//     does not have (31 February; 29 February only in leap years, or when
//     the year is unknown), a year before [MinBirthYear], a date after now.
//   - profile.height_cm: other than 0 (unknown) and outside
//     [MinHeightCM]..[MaxHeightCM].
//   - profile.top_size, profile.bottom_size, profile.shoe_size: not empty
//     and not in the size system of [ValidTopSize], [ValidBottomSize],
//     [ValidShoeSize].
//   - profile.fit: set and not Slim, Regular or Loose.
//   - profile.styles[i], profile.colours[i], profile.categories[i]: an
//     empty or blank entry.
//   - contact.email: not empty and not shaped like an address
//     ([ValidEmail]).
//   - contact.phone: not empty and not shaped like a number
//     ([ValidPhone]).
//   - joined: zero, before [MinRecordYear] or after now.
//   - household[i].id: as id, or the ID of an earlier member
//     (CodeDuplicate).
//   - household[i].relation: zero (CodeRequired) or not a defined
//     [Relation] (CodeUnknown).
//   - household[i].birthday: as birthday.
//   - household[i].profile.*: as profile.*.
//   - consent_history[i].purpose, consent_history[i].source: zero
//     (CodeRequired) or not defined (CodeUnknown); a consent given by
//     [SourceErasure] (CodeMismatch).
//   - consent_history[i].time: zero, before [MinRecordYear] or after now,
//     or before the change at i-1 (CodeOrder): the history is in time
//     order.
//   - consent_history[i].notice: blank for a consent given
//     (CodeRequired), or longer than [MaxNoticeLen].
//   - consent.marketing, consent.profiling: the flag differs from the
//     last change of its purpose in consent_history (CodeMismatch). The
//     flags are not derived from the history: a flag set by hand against
//     the evidence is an error, not silently overridden; record changes
//     with [Customer.RecordConsent], which sets both.
func (c Customer) Validate(now time.Time) error {
	var p problems
	checkID(&p, "id", string(c.ID))
	switch c.Kind {
	case Consumer:
		if c.Role != 0 {
			p.add("role", CodeMismatch, fmt.Sprintf("a consumer has no trade role, got %s", c.Role))
		}
		if c.Trade != nil {
			p.add("trade", CodeMismatch, "a consumer has no trade facts")
		}
	case Intermediary:
		if !c.Role.Valid() {
			p.add("role", CodeRequired, fmt.Sprintf("an intermediary needs a role (dealer, franchisee, wholesaler, agent), got %s", c.Role))
		}
		if c.Trade == nil {
			p.add("trade", CodeRequired, "an intermediary needs its trade facts")
		}
		if len(c.Household) > 0 {
			p.add("household", CodeMismatch, fmt.Sprintf("an intermediary buys to resell and has no household, got %d members", len(c.Household)))
		}
	default:
		p.add("kind", CodeUnknown, fmt.Sprintf("unknown customer kind %d", uint8(c.Kind)))
	}
	if c.Trade != nil {
		c.Trade.check(&p, now)
	}
	checkBirthday(&p, c.Birthday, now)
	c.Profile.check(&p)
	checkHousehold(&p, c.Household, now)
	checkConsent(&p, &c, now)
	if c.Contact.Email != "" && !ValidEmail(string(c.Contact.Email)) {
		p.add("contact.email", CodeFormat, "is not an e-mail address (name@domain.tld)")
	}
	if c.Contact.Phone != "" && !ValidPhone(string(c.Contact.Phone)) {
		p.add("contact.phone", CodeFormat, "is not a telephone number (6 to 15 digits, optional +, spaces, dashes, dots, brackets)")
	}
	checkTime(&p, "joined", c.Joined, now)
	return p.err("customer", string(c.ID))
}

func checkMoney(p *problems, field string, m Money) {
	if m == (Money{}) {
		return
	}
	if !m.Currency().Valid() {
		p.add(field, CodeUnknown, fmt.Sprintf("unknown currency %q", string(m.Currency())))
	}
	if msg := checkAmount(m.Amount()); msg != "" {
		p.add(field, CodeRange, msg)
	} else if m.Sign() < 0 {
		p.add(field, CodeNegative, "must not be negative")
	}
}

func (t *Trade) check(p *problems, now time.Time) {
	checkMoney(p, "trade.annual_turnover", t.AnnualTurnover)
	checkMoney(p, "trade.market_size", t.MarketSize)
	if t.Outlets < 0 {
		p.add("trade.outlets", CodeNegative, fmt.Sprintf("must not be negative, is %d", t.Outlets))
	}
	if t.Rating != 0 && (t.Rating < RatingD || t.Rating > RatingAAA) {
		p.add("trade.rating", CodeUnknown, fmt.Sprintf("unknown credit rating %d", uint8(t.Rating)))
	}
	if !t.CooperationStart.IsZero() {
		checkTime(p, "trade.cooperation_start", t.CooperationStart, now)
	}
}

// daysIn returns the number of days of month m in year y; a year of 0
// (unknown) counts as a leap year, so 29 February is accepted.
func daysIn(y int, m time.Month) int {
	if y == 0 {
		y = 2000
	}
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func checkBirthday(p *problems, b Birthday, now time.Time) {
	checkBirthdayField(p, "birthday", b, now)
}

// checkBirthdayField checks birthday b as [Customer.Validate] checks the
// customer's, reporting on field. The messages state the rule broken and
// never the birthday's month, day or year: a birthday is personal data,
// and a validation error travels into logs and responses.
func checkBirthdayField(p *problems, field string, b Birthday, now time.Time) {
	if b.IsZero() {
		return
	}
	switch {
	case b.Month < time.January || b.Month > time.December:
		p.add(field, CodeRange, "the month is not 1..12")
	case b.Day < 1 || b.Day > daysIn(b.Year, b.Month):
		p.add(field, CodeRange, "the day is not in the month (a leap day only in a leap year or with the year unknown)")
	}
	switch {
	case b.Year == 0:
	case b.Year < MinBirthYear:
		p.add(field, CodeRange, fmt.Sprintf("the year is before %d", MinBirthYear))
	case !now.IsZero() && b.Year > now.Year():
		p.add(field, CodeFuture, "the year is in the future")
	case !now.IsZero() && b.Year == now.Year() && b.Month >= 1 && b.Month <= 12 &&
		DateFromYMD(b.Year, b.Month, b.Day) > DateOf(now):
		p.add(field, CodeFuture, "is in the future")
	}
}

func (pr Profile) check(p *problems) { pr.checkAt(p, "profile.") }

// checkAt checks pr as [Customer.Validate] checks the customer's profile,
// naming its fields with prefix ("profile.", "household[1].profile.").
// The messages state the rule broken and never the height or size given:
// body measurements are personal data.
func (pr Profile) checkAt(p *problems, prefix string) {
	if pr.HeightCM != 0 && (pr.HeightCM < MinHeightCM || pr.HeightCM > MaxHeightCM) {
		p.add(prefix+"height_cm", CodeRange, fmt.Sprintf("is outside %d..%d cm (0 means unknown)", MinHeightCM, MaxHeightCM))
	}
	if pr.TopSize != "" && !ValidTopSize(pr.TopSize) {
		p.add(prefix+"top_size", CodeFormat, "is not a top size (XXS..5XL, EU 32..64, EU children 50..176, GB/T 170/88A)")
	}
	if pr.BottomSize != "" && !ValidBottomSize(pr.BottomSize) {
		p.add(prefix+"bottom_size", CodeFormat, "is not a bottom size (XXS..5XL, EU 32..64, GB/T 170/74A, W28/L32)")
	}
	if pr.ShoeSize != "" && !ValidShoeSize(pr.ShoeSize) {
		p.add(prefix+"shoe_size", CodeFormat, "is not an EU shoe size (16..52, halves allowed)")
	}
	if pr.Fit != 0 && (pr.Fit < Slim || pr.Fit > Loose) {
		p.add(prefix+"fit", CodeUnknown, fmt.Sprintf("unknown fit %d", uint8(pr.Fit)))
	}
	checkTags(p, prefix, "styles", pr.Styles)
	checkTags(p, prefix, "colours", pr.Colours)
	checkTags(p, prefix, "categories", pr.Categories)
}

// checkTags reports every empty or blank entry of a preference list.
func checkTags(p *problems, prefix, field string, tags []string) {
	for i, t := range tags {
		if blank(t) {
			p.add(fmt.Sprintf("%s%s[%d]", prefix, field, i), CodeRequired, fmt.Sprintf("%q is empty or blank", t))
		}
	}
}

// anyTag reports whether tags holds an entry that is not empty or blank.
func anyTag(tags []string) bool {
	for _, t := range tags {
		if !blank(t) {
			return true
		}
	}
	return false
}

// asciiUpper returns s in upper case and true when s is ASCII, or false:
// a size label is written in ASCII, and Unicode case mapping would turn
// letters that are not sizes into sizes ("ſ" upper-cases to "S").
func asciiUpper(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "", false
		}
	}
	return strings.ToUpper(s), true
}

// letterSizes are the international letter sizes, smallest first. "2XL"
// and "XXXL" are accepted as other spellings of "XXL" and "3XL".
var letterSizes = map[string]bool{
	"XXS": true, "XS": true, "S": true, "M": true, "L": true, "XL": true,
	"XXL": true, "2XL": true, "XXXL": true, "3XL": true, "4XL": true, "5XL": true,
}

// childSizes are the EU children's sizes: the child's height in cm (EN
// 13402), in steps of 6 cm from 50 to 176.
func childSize(n int) bool { return n >= 50 && n <= 176 && (n-50)%6 == 0 }

func atoiStrict(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// gbSize reports whether s is a size label of the Chinese standard GB/T
// 1335 (1335.1-2008 men, 1335.2-2008 women, 1335.3-2009 children):
// "号/型" followed by an optional body type, such as "170/88A". The first
// number is the body height in cm (50 to 200), the second the chest (tops)
// or waist (bottoms) girth in cm (40 to 150); the body type Y, A, B or C
// (in any case) classes the difference between chest and waist, and
// children's sizes have none.
func gbSize(s string) bool {
	h, g, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	if n := len(g); n > 0 && strings.IndexByte("YABCyabc", g[n-1]) >= 0 {
		g = g[:n-1]
	}
	height, ok1 := atoiStrict(h)
	girth, ok2 := atoiStrict(g)
	return ok1 && ok2 && height >= 50 && height <= 200 && girth >= 40 && girth <= 150
}

// garmentSize reports whether s is a letter size, an EU numeric size or a
// GB/T 1335 size.
func garmentSize(s string) bool {
	if gbSize(s) {
		return true
	}
	if u, ok := asciiUpper(s); ok && letterSizes[u] {
		return true
	}
	n, ok := atoiStrict(s)
	return ok && ((n >= 32 && n <= 64 && n%2 == 0) || childSize(n))
}

// ValidTopSize reports whether s is a size of the top (shirts, knitwear,
// coats, dresses) size system:
//
//   - a letter size XXS, XS, S, M, L, XL, XXL (or 2XL), 3XL (or XXXL), 4XL,
//     5XL, in ASCII letters of any case;
//   - an EU numeric garment size, an even number from 32 to 64 (women's
//     32–54, men's 44–64);
//   - an EU children's size, the height in cm from 50 to 176 in steps of 6
//     (EN 13402-3);
//   - a Chinese size of GB/T 1335, body height / chest girth in cm and an
//     optional body type Y, A, B or C: "170/88A", children's "130/64"
//     (height 50 to 200, girth 40 to 150).
func ValidTopSize(s string) bool { return garmentSize(s) }

// ValidBottomSize reports whether s is a size of the bottom (trousers,
// jeans, skirts) size system: any top size (see [ValidTopSize]; in a GB/T
// 1335 size such as "170/74A" the second number is the waist girth), or waist
// and inseam in inches, written "32/34", "W32L34", "W32 L34" or "W32/L34"
// (waist 22 to 50, inseam 26 to 38), or a waist alone as "W32". Letters
// are ASCII, in any case.
func ValidBottomSize(s string) bool {
	if garmentSize(s) {
		return true
	}
	u, ok := asciiUpper(s)
	if !ok {
		return false
	}
	var waist, leg string
	switch {
	case strings.HasPrefix(u, "W"):
		rest := u[1:]
		if i := strings.IndexByte(rest, 'L'); i >= 0 {
			waist, leg = rest[:i], rest[i+1:]
			if strings.HasSuffix(waist, " ") || strings.HasSuffix(waist, "/") {
				waist = waist[:len(waist)-1]
			}
			if leg == "" {
				return false
			}
		} else {
			waist = rest
		}
	default:
		var ok bool
		if waist, leg, ok = strings.Cut(u, "/"); !ok || leg == "" {
			return false
		}
	}
	w, ok := atoiStrict(waist)
	if !ok || w < 22 || w > 50 {
		return false
	}
	if leg == "" {
		return true
	}
	l, ok := atoiStrict(leg)
	return ok && l >= 26 && l <= 38
}

// ValidShoeSize reports whether s is an EU (Paris point) shoe size from 16
// (infants) to 52, whole or half: "42", "42.5" (also "42,5").
func ValidShoeSize(s string) bool {
	whole, half, hasHalf := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	n, ok := atoiStrict(whole)
	if !ok || n < 16 || n > 52 {
		return false
	}
	return !hasHalf || (half == "5" && n < 52)
}

// ValidEmail reports whether s is shaped like an e-mail address: one "@";
// a local part of 1 to 64 characters without spaces, control characters
// or any of `"(),:;<>[\]`, not starting or ending with a dot nor holding
// two dots in a row; a domain of at least two dot-separated labels of
// letters, digits and hyphens (not at a label's ends), the last at least
// two letters; at most 254 characters in all. It does not check that the
// address exists.
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || strings.Contains(domain, "@") {
		return false
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte(`"(),:;<>[\]`, c) >= 0 {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if c := tld[i]; c >= '0' && c <= '9' {
			return false
		}
	}
	return true
}

// ValidPhone reports whether s is shaped like a telephone number: an
// optional leading "+", then digits, 6 to 15 in all (15 is the E.164
// maximum), with spaces, dashes or dots between groups of them and
// optionally one pair of brackets around a group of digits, as an area code
// is written: "+420 601 123 456", "030-1234567", "030 - 1234567",
// "(030) 123 4567", "+49 (0)30 1234567". A separator at either end
// ("12 34 56-", "+ 49"), a bracket inside brackets, one not closed or not
// opened, or one next to a separator on its inner side ("(030 )") is
// refused.
func ValidPhone(s string) bool {
	if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	const (
		start  = iota // nothing read yet
		digit         // a digit
		sep           // a space, dash or dot
		open          // "("
		closed        // ")"
	)
	digits, prev, inside := 0, start, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			prev = digit
		case c == ' ' || c == '-' || c == '.':
			if prev == start || prev == open {
				return false
			}
			prev = sep
		case c == '(':
			if inside || prev == closed {
				return false
			}
			inside, prev = true, open
		case c == ')':
			if !inside || prev != digit {
				return false
			}
			inside, prev = false, closed
		default:
			return false
		}
	}
	return prev == digit && !inside && digits >= 6 && digits <= 15
}
