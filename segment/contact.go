package segment

import (
	"fmt"
	"slices"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// ContactGroup is a group of customers with its own cadence of
// promotional contact ([ContactPolicy]).
type ContactGroup uint8

const (
	// ContactVIP: the high-value loyal customers (VIP) of 001, whose
	// contact is moderate, care rather than frequent promotions
	// (沟通频率适度,注重情感关怀而非频繁促销; domain rules §3.3).
	// [ContactGroupOf] places here the high-value quadrant and grade A.
	ContactVIP ContactGroup = iota + 1
	// ContactStandard: every other customer.
	ContactStandard
)

var contactGroupNames = []string{"", "vip", "standard"}

// ParseContactGroup parses "vip" or "standard".
func ParseContactGroup(s string) (ContactGroup, error) {
	return enumtext.Parse[ContactGroup](s, contactGroupNames, "contact group")
}

// String returns "vip" or "standard".
func (g ContactGroup) String() string {
	return enumtext.String(g, contactGroupNames, "ContactGroup")
}

// Valid reports whether g is a defined group.
func (g ContactGroup) Valid() bool { return enumtext.Valid(g, contactGroupNames) }

// MarshalText implements [encoding.TextMarshaler].
func (g ContactGroup) MarshalText() ([]byte, error) {
	return enumtext.Marshal(g, contactGroupNames, "contact group")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves g as it was.
func (g *ContactGroup) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(g, b, ParseContactGroup)
}

// ContactGroupOf returns the contact group of a classified customer:
// [ContactVIP] for a customer of the [HighValue] quadrant or of grade
// [GradeA] (strategic; 004's A high-value customer), the two readings of
// 001's high-value loyal customer; [ContactStandard] for the others,
// among them a result that no classification filled (quadrant and grade
// zero), which nothing shows to be high-value.
func ContactGroupOf(r *Result) ContactGroup {
	if r.Quadrant == HighValue || r.Grade == GradeA {
		return ContactVIP
	}
	return ContactStandard
}

// ContactLimit limits the promotional contacts of one group: at least
// MinGap between two, and at most Max within any Window of consecutive
// days. MinGap and Window are whole days.
type ContactLimit struct {
	// MinGap is the least time from one promotional contact to the
	// next: with 14 days, a customer contacted on 1 June is next
	// contacted on 15 June at the earliest.
	MinGap time.Duration
	// Max is the most promotional contacts within Window.
	Max int
	// Window is the length of the rolling period of Max: the window
	// ending on day D holds the days from D − Window + 1 to D.
	Window time.Duration
}

// ContactPolicy sets how often a customer may be contacted with a
// promotion — an offer, a sale, a coupon, a new-collection campaign —
// per [ContactGroup]: for VIP customers moderately, as 001 asks
// (沟通频率适度,注重情感关怀而非频繁促销: moderate contact frequency, care
// rather than frequent promotions). A nil *ContactPolicy means the
// defaults; [NextPromotion] applies it.
//
// Only promotional contact is limited. Service contact — the follow-up
// visits of [NextFollowUp], complaint notices and their follow-up,
// order and delivery messages, the care of a VIP (a birthday greeting,
// an invitation to a member salon) — is neither limited nor counted:
// the caller passes the days of its promotions only. The consent to
// marketing ([NeedsMarketing]) decides whether a customer may receive
// promotions at all; the policy only when.
//
// The source gives no number: the defaults are chosen, a VIP receiving
// about half as many promotions as another customer. VIP: MinGap 14
// days, Max 2 in a Window of 30 days; Standard: MinGap 7 days, Max 4 in
// 30 days. Zero fields take their group's defaults. Fields that are set
// must be in range: MinGap and Window whole days from 1 to 365, Max
// from 1 to 365.
type ContactPolicy struct {
	VIP, Standard ContactLimit
}

// defaultContactLimits are the defaults of [ContactPolicy], indexed by
// group; compile copies them.
var defaultContactLimits = [...]ContactLimit{
	ContactVIP:      {MinGap: 14 * day, Max: 2, Window: 30 * day},
	ContactStandard: {MinGap: 7 * day, Max: 4, Window: 30 * day},
}

// Bounds of [ContactPolicy].
const (
	maxContactSpan = 365 * day
	maxContactCap  = 365
)

// Validate returns nil when p is a valid policy (nil is: the defaults),
// and otherwise an error wrapping both [ErrInvalidOptions] and a
// [*customer.ValidationError] for the record "contact policy" that
// names every bad field ("VIP.MinGap", "Standard.Max", …).
func (p *ContactPolicy) Validate() error {
	_, err := p.compile()
	return err
}

// compile validates p and returns the limits of each group, defaults
// applied, indexed by ContactGroup.
func (p *ContactPolicy) compile() ([3]ContactLimit, error) {
	limits := defaultContactLimits
	if p == nil {
		return limits, nil
	}
	var bad []customer.FieldError
	add := func(field, code, format string, a ...any) {
		bad = append(bad, customer.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, a...)})
	}
	span := func(field string, d time.Duration, dst *time.Duration) {
		switch {
		case d == 0:
		case d < 0:
			add(field, customer.CodeNegative, "%v is negative", d)
		case d%day != 0:
			add(field, customer.CodeFormat, "%v is not a whole number of days", d)
		case d > maxContactSpan:
			add(field, customer.CodeRange, "%v (%d days) is above 365 days", d, d/day)
		default:
			*dst = d
		}
	}
	for _, g := range []struct {
		name  string
		group ContactGroup
		l     ContactLimit
	}{{"VIP", ContactVIP, p.VIP}, {"Standard", ContactStandard, p.Standard}} {
		dst := &limits[g.group]
		span(g.name+".MinGap", g.l.MinGap, &dst.MinGap)
		span(g.name+".Window", g.l.Window, &dst.Window)
		switch m := g.l.Max; {
		case m == 0:
		case m < 0:
			add(g.name+".Max", customer.CodeNegative, "%d is negative", m)
		case m > maxContactCap:
			add(g.name+".Max", customer.CodeRange, "%d is above 365", m)
		default:
			dst.Max = m
		}
	}
	if err := customer.Invalid("contact policy", bad); err != nil {
		return limits, fmt.Errorf("segment: %w: %w", err, ErrInvalidOptions)
	}
	return limits, nil
}

// PromotionFacts are what [NextPromotion] needs to know of one customer
// as of one day: its group and the days of its promotional contacts,
// which the host keeps (a campaign log). Every day given lies within
// 0000-01-01 and 9999-12-31.
type PromotionFacts struct {
	// ID names the customer; it must not be blank.
	ID customer.ID
	// Group is the customer's contact group ([ContactGroupOf]).
	Group ContactGroup
	// AsOf is the day a promotion is considered for.
	AsOf customer.Date
	// Promotions are the days of the customer's promotional contacts, in
	// any order, none after AsOf; two on one day count as two. Those of
	// the last Window and the last one are enough: older ones change
	// nothing.
	Promotions []customer.Date
}

// validate reports every bad field of f.
func (f *PromotionFacts) validate() error {
	var bad dayFaults
	bad.id(f.ID)
	if !f.Group.Valid() {
		bad.add("group", customer.CodeUnknown, "%v is not a contact group", f.Group)
	}
	asOfOK := bad.day("as_of", f.AsOf)
	for i, d := range f.Promotions {
		field := fmt.Sprintf("promotions[%d]", i)
		if bad.day(field, d) && asOfOK && d > f.AsOf {
			bad.add(field, customer.CodeFuture, "%v is after the as-of day %v", d, f.AsOf)
		}
	}
	return customer.Invalid(fmt.Sprintf("promotions of customer %q", f.ID), bad)
}

// PromotionSlot says whether a customer may receive a promotion on the
// as-of day and, if not, from which day ([NextPromotion]).
type PromotionSlot struct {
	// ID and Group are those of the customer (PromotionFacts).
	ID    customer.ID
	Group ContactGroup
	// Allowed tells that a promotion is allowed on the as-of day.
	Allowed bool
	// From is the first day, from the as-of day on, on which one is
	// allowed: the as-of day when Allowed, else the later of GapFrom and
	// CapFrom. It may lie after 9999-12-31 (up to 365 days after it),
	// computed without overflow, as the due day of [NextFollowUp] may.
	From customer.Date
	// GapFrom is the first day, from the as-of day on, that the least
	// gap allows: the last promotion's day + MinGap. CapFrom is the
	// first that the cap allows: the day the Max-th latest promotion
	// leaves the window (its day + Window), with no more than Max − 1
	// promotions left in it.
	GapFrom, CapFrom customer.Date
	// Recent is the number of promotions in the window ending on the
	// as-of day.
	Recent int
	// Limit is the limit applied, defaults filled in.
	Limit ContactLimit
}

// NextPromotion says whether the customer of f may receive a promotional
// contact on f.AsOf under policy p (nil: the defaults), and if not from
// which day. With A the as-of day, L the last promotion, P_Max the
// Max-th latest promotion (counting two on one day as two) and the
// limit of f.Group:
//
//	From = max(A, L + MinGap, P_Max + Window)
//
// the terms of L and P_Max left out when there are not that many
// promotions. A promotion on day D ≥ A keeps the least gap when
// D − L ≥ MinGap, and the cap when the window ending on D (days
// D − Window + 1 to D) holds fewer than Max promotions, which holds
// exactly when P_Max is before it. From depends on the promotions and
// the policy alone, not on A, as long as A is not after it: asked again
// on any day up to From, the answer is From. A shop that sends a
// promotion only when allowed keeps its policy. Service contacts are
// not counted ([ContactPolicy]).
//
// Near the end of the calendar From may be after 9999-12-31, the last
// day the facts may hold: it is returned as computed, not refused, and
// asking on such a day is refused as any as-of day outside the range.
//
// Invalid facts are refused with a [*customer.ValidationError] (matching
// [customer.ErrInvalid]) for the record `promotions of customer "id"`
// that names every bad field: a blank id, an undefined group, a day
// outside 0000-01-01 to 9999-12-31, a promotion after the as-of day
// ("promotions[i]"). An invalid policy is refused as
// [ContactPolicy.Validate] refuses it. f.Promotions is not changed.
func NextPromotion(f PromotionFacts, p *ContactPolicy) (PromotionSlot, error) {
	limits, err := p.compile()
	if err != nil {
		return PromotionSlot{}, err
	}
	if err := f.validate(); err != nil {
		return PromotionSlot{}, err
	}
	l := limits[f.Group]
	gap, window := customer.Date(l.MinGap/day), customer.Date(l.Window/day)
	s := PromotionSlot{ID: f.ID, Group: f.Group, GapFrom: f.AsOf, CapFrom: f.AsOf, Limit: l}
	latest := slices.Clone(f.Promotions)
	slices.SortFunc(latest, func(a, b customer.Date) int { return int(b) - int(a) })
	if len(latest) > 0 {
		s.GapFrom = max(f.AsOf, latest[0]+gap)
	}
	if len(latest) >= l.Max {
		s.CapFrom = max(f.AsOf, latest[l.Max-1]+window)
	}
	for _, d := range latest {
		if d <= f.AsOf-window {
			break
		}
		s.Recent++
	}
	s.From = max(s.GapFrom, s.CapFrom)
	s.Allowed = s.From == f.AsOf
	return s, nil
}
