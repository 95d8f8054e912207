package segment

import (
	"fmt"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// FollowUpCadence is how often an established customer is followed up
// (回访) after its first follow-up: at the end of each quarter or every
// half year (000, 方案一 定期回访客户: 对于老客户则可以在每季度末或每半年进行一次回访).
type FollowUpCadence uint8

const (
	// FollowUpQuarterEnd: on the last day of a calendar quarter (每季度末),
	// 31 March, 30 June, 30 September or 31 December; the default. See
	// [NextFollowUp] for which quarter end.
	FollowUpQuarterEnd FollowUpCadence = iota + 1
	// FollowUpInterval: [FollowUpPolicy].Months calendar months after the
	// last follow-up, by default six (每半年, every half year).
	FollowUpInterval
)

var cadenceNames = []string{"", "quarter-end", "interval"}

// ParseFollowUpCadence parses "quarter-end" or "interval".
func ParseFollowUpCadence(s string) (FollowUpCadence, error) {
	return enumtext.Parse[FollowUpCadence](s, cadenceNames, "follow-up cadence")
}

// String returns "quarter-end" or "interval".
func (c FollowUpCadence) String() string { return enumtext.String(c, cadenceNames, "FollowUpCadence") }

// Valid reports whether c is a defined cadence.
func (c FollowUpCadence) Valid() bool { return enumtext.Valid(c, cadenceNames) }

// MarshalText implements [encoding.TextMarshaler].
func (c FollowUpCadence) MarshalText() ([]byte, error) {
	return enumtext.Marshal(c, cadenceNames, "follow-up cadence")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves c as it was.
func (c *FollowUpCadence) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(c, b, ParseFollowUpCadence)
}

// FollowUpReason says why a follow-up is due.
type FollowUpReason uint8

const (
	// FollowUpFirstPurchase: the new customer's follow-up, about a week
	// after its first purchase (000: 对于新客户可在第一次购买后一周左右进行一次回访).
	FollowUpFirstPurchase FollowUpReason = iota + 1
	// FollowUpPeriodic: the established customer's follow-up of the
	// cadence ([FollowUpCadence]).
	FollowUpPeriodic
)

var reasonNames = []string{"", "first-purchase", "periodic"}

// ParseFollowUpReason parses "first-purchase" or "periodic".
func ParseFollowUpReason(s string) (FollowUpReason, error) {
	return enumtext.Parse[FollowUpReason](s, reasonNames, "follow-up reason")
}

// String returns "first-purchase" or "periodic".
func (r FollowUpReason) String() string { return enumtext.String(r, reasonNames, "FollowUpReason") }

// Valid reports whether r is a defined reason.
func (r FollowUpReason) Valid() bool { return enumtext.Valid(r, reasonNames) }

// MarshalText implements [encoding.TextMarshaler].
func (r FollowUpReason) MarshalText() ([]byte, error) {
	return enumtext.Marshal(r, reasonNames, "follow-up reason")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves r as it was.
func (r *FollowUpReason) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(r, b, ParseFollowUpReason)
}

// FollowUpTopic is a question a follow-up asks. What it asks depends on
// the kind of customer (003, 2.4.3.2 主動回訪與溝通): an end consumer how
// the clothes wear, an intermediary how the brand's lines sell and how
// much it holds; and every customer its latest needs and opinions (000).
type FollowUpTopic uint8

const (
	// TopicWear: how the clothes wear — fit, quality, care (003:
	// 了解最終客戶對服裝的穿著情況). Asked of consumers.
	TopicWear FollowUpTopic = iota + 1
	// TopicSalesAndStock: how the brand's lines sell and what is in
	// stock, so that new lines arrive in time and nothing runs short
	// (003: 了解中間客戶服裝產品的銷售與庫存情況,避免出現因新款到貨不及時或斷檔導致客戶不滿的情況).
	// Asked of intermediaries (dealers, franchisees).
	TopicSalesAndStock
	// TopicNeeds: their latest needs and opinions, and any problem to
	// handle at once (000: 了解客户最新的需求和意见,并及时处理客户反馈的问题).
	// Asked of every customer.
	TopicNeeds
)

var topicNames = []string{"", "wear", "sales-and-stock", "needs-and-opinions"}

// ParseFollowUpTopic parses "wear", "sales-and-stock" or
// "needs-and-opinions".
func ParseFollowUpTopic(s string) (FollowUpTopic, error) {
	return enumtext.Parse[FollowUpTopic](s, topicNames, "follow-up topic")
}

// String returns the topic's name.
func (t FollowUpTopic) String() string { return enumtext.String(t, topicNames, "FollowUpTopic") }

// Valid reports whether t is a defined topic.
func (t FollowUpTopic) Valid() bool { return enumtext.Valid(t, topicNames) }

// MarshalText implements [encoding.TextMarshaler].
func (t FollowUpTopic) MarshalText() ([]byte, error) {
	return enumtext.Marshal(t, topicNames, "follow-up topic")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves t as it was.
func (t *FollowUpTopic) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(t, b, ParseFollowUpTopic)
}

// FollowUpPolicy sets the follow-up visits (回访) of 000, 方案一 定期回访客户:
// "for new customers a follow-up about a week after the first purchase;
// for established customers at the end of each quarter or every half
// year, to learn their latest needs and opinions and handle what they
// report" (对于新客户可在第一次购买后一周左右进行一次回访,对于老客户则可以在每季度末或每半年进行一次回访).
// A nil *FollowUpPolicy means the defaults. [NextFollowUp] applies it.
//
// Zero fields take the defaults: NewCustomerAfter 7 days, Cadence
// [FollowUpQuarterEnd], Months 6 with [FollowUpInterval]. Fields that are
// set must be in range: NewCustomerAfter a whole number of days from 1 to
// 90 (the default new-customer window of [LifecycleOptions]: a later
// follow-up is no longer that of a new customer), Months from 1 to 12 and
// only with FollowUpInterval (quarter ends have no interval to set).
type FollowUpPolicy struct {
	// NewCustomerAfter is the time from the first purchase to the new
	// customer's follow-up (一周左右, about a week): whole days.
	NewCustomerAfter time.Duration
	// Cadence is that of established customers.
	Cadence FollowUpCadence
	// Months is the interval of FollowUpInterval, in calendar months
	// (每半年: 6).
	Months int
}

// Defaults and bounds of [FollowUpPolicy].
const (
	defaultNewCustomerAfter = 7 * day
	maxNewCustomerAfter     = 90 * day
	defaultFollowUpMonths   = 6
	maxFollowUpMonths       = 12
)

// Validate returns nil when p is a valid policy (nil is: the defaults),
// and otherwise an error wrapping both [ErrInvalidOptions] and a
// [*customer.ValidationError] for the record "follow-up policy" that
// names every bad field (NewCustomerAfter, Cadence, Months).
func (p *FollowUpPolicy) Validate() error {
	_, err := p.compile()
	return err
}

// followUpRules is a validated FollowUpPolicy with its defaults applied.
type followUpRules struct {
	newDays  customer.Date
	interval bool
	months   int
}

// compile validates p and applies its defaults.
func (p *FollowUpPolicy) compile() (followUpRules, error) {
	r := followUpRules{newDays: customer.Date(defaultNewCustomerAfter / day)}
	if p == nil {
		return r, nil
	}
	var bad []customer.FieldError
	add := func(field, code, format string, a ...any) {
		bad = append(bad, customer.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, a...)})
	}
	switch w := p.NewCustomerAfter; {
	case w == 0:
	case w < 0:
		add("NewCustomerAfter", customer.CodeNegative, "%v is negative", w)
	case w%day != 0:
		add("NewCustomerAfter", customer.CodeFormat, "%v is not a whole number of days", w)
	case w > maxNewCustomerAfter:
		add("NewCustomerAfter", customer.CodeRange, "%v (%d days) is above 90 days", w, w/day)
	default:
		r.newDays = customer.Date(w / day)
	}
	switch p.Cadence {
	case 0, FollowUpQuarterEnd:
		if p.Months != 0 {
			add("Months", customer.CodeMismatch, "%d is set, but the cadence is %v, which has no interval", p.Months, FollowUpQuarterEnd)
		}
	case FollowUpInterval:
		r.interval, r.months = true, defaultFollowUpMonths
		switch m := p.Months; {
		case m == 0:
		case m < 0:
			add("Months", customer.CodeNegative, "%d is negative", m)
		case m > maxFollowUpMonths:
			add("Months", customer.CodeRange, "%d is above 12", m)
		default:
			r.months = m
		}
	default:
		add("Cadence", customer.CodeUnknown, "%v is not a cadence", p.Cadence)
		if p.Months < 0 || p.Months > maxFollowUpMonths {
			add("Months", customer.CodeRange, "%d is not in [1, 12]", p.Months)
		}
	}
	if err := customer.Invalid("follow-up policy", bad); err != nil {
		return r, fmt.Errorf("segment: %w: %w", err, ErrInvalidOptions)
	}
	return r, nil
}

// FollowUpFacts are what [NextFollowUp] needs to know of one customer,
// as of one day. [FollowUpFactsOf] reads them from a summary, all but the
// last follow-up, which the host keeps (a call log, a visit report).
//
// FirstPurchase is read only when Bought is set, LastFollowUp only when
// FollowedUp is set: a customer who never bought (a prospect) has no
// first purchase, one never followed up no last follow-up. Every day
// given lies within 0000-01-01 and 9999-12-31, the days that YYYY-MM-DD
// writes.
type FollowUpFacts struct {
	// ID names the customer; it must not be blank.
	ID customer.ID
	// Kind decides what the follow-up asks ([FollowUpTopic]).
	Kind customer.Kind
	// AsOf is the day of the analysis.
	AsOf customer.Date
	// FirstPurchase is the day of the customer's first purchase, and
	// Bought tells that it has one. A first purchase after AsOf is none
	// as of AsOf.
	FirstPurchase customer.Date
	Bought        bool
	// LastFollowUp is the day of the last follow-up contact made, and
	// FollowedUp tells that one was made. It must not be after AsOf.
	LastFollowUp customer.Date
	FollowedUp   bool
}

// Days of [FollowUpFacts] outside these bounds are refused: 0000-01-01
// and 9999-12-31, in days since 1970-01-01.
const (
	minFollowUpDay customer.Date = -719528
	maxFollowUpDay customer.Date = 2932896
)

// validate reports every bad field of f.
func (f *FollowUpFacts) validate() error {
	var bad dayFaults
	bad.id(f.ID)
	if !f.Kind.Valid() {
		bad.add("kind", customer.CodeUnknown, "%v is not a customer kind", f.Kind)
	}
	asOfOK := bad.day("as_of", f.AsOf)
	if f.Bought {
		bad.day("first_purchase", f.FirstPurchase)
	}
	if f.FollowedUp && bad.day("last_follow_up", f.LastFollowUp) && asOfOK && f.LastFollowUp > f.AsOf {
		bad.add("last_follow_up", customer.CodeFuture, "%v is after the as-of day %v: the follow-ups before it are not known", f.LastFollowUp, f.AsOf)
	}
	return customer.Invalid(fmt.Sprintf("follow-up of customer %q", f.ID), bad)
}

// dayFaults collects the faults of the facts of one customer that
// NextFollowUp and NextPromotion are given, each naming its field.
type dayFaults []customer.FieldError

// add adds the fault of field, its message formatted from format and a.
func (b *dayFaults) add(field, code, format string, a ...any) {
	*b = append(*b, customer.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, a...)})
}

// id adds a fault for an empty or blank customer ID.
func (b *dayFaults) id(id customer.ID) {
	if strings.TrimSpace(string(id)) == "" {
		b.add("id", customer.CodeRequired, "is empty")
	}
}

// day reports whether d lies within 0000-01-01 to 9999-12-31, and adds a
// fault naming field when it does not.
func (b *dayFaults) day(field string, d customer.Date) bool {
	if d < minFollowUpDay || d > maxFollowUpDay {
		b.add(field, customer.CodeRange, "day %d (since 1970-01-01) is outside 0000-01-01 to 9999-12-31", d)
		return false
	}
	return true
}

// FollowUp is the next follow-up of one customer ([NextFollowUp]).
type FollowUp struct {
	// ID and Kind are those of the customer (FollowUpFacts).
	ID   customer.ID
	Kind customer.Kind
	// Reason says whether it is the new customer's follow-up or a
	// periodic one.
	Reason FollowUpReason
	// Due is the day it is due on.
	Due customer.Date
	// Overdue tells that the as-of day is after Due: a follow-up made on
	// its due day is on time.
	Overdue bool
	// Ask lists what it asks, by the customer's kind: [TopicWear] then
	// [TopicNeeds] of a consumer, [TopicSalesAndStock] then [TopicNeeds]
	// of an intermediary.
	Ask []FollowUpTopic
}

// Action returns the follow-up as a playbook [Action], for a host that
// lists it beside [Playbook.Actions]: code "first-purchase-follow-up" or
// "periodic-follow-up", a description of what it asks, phrased for the
// kind, and the consent it needs. A consumer's follow-up is unsolicited
// contact, a follow-up survey, and needs [NeedsMarketing] (as the
// "regular-follow-up" of [DefaultPlaybook]); an intermediary's is the
// business contact of an account manager, a service that needs none. The
// zero FollowUp (none due) has the zero Action.
func (f FollowUp) Action() Action {
	if !f.Reason.Valid() {
		return Action{}
	}
	if f.Kind == customer.Intermediary {
		const ask = ": its sales and stock of the brand's lines, so that new lines arrive in time and nothing runs short, and its latest needs and opinions; handle what it reports"
		if f.Reason == FollowUpPeriodic {
			return Action{"periodic-follow-up", "Periodic follow-up with the partner" + ask, 0}
		}
		return Action{"first-purchase-follow-up", "Follow-up with the new partner after its first order" + ask, 0}
	}
	const ask = ": how the clothes wear — fit, quality, care — and their latest needs and opinions; handle what they report"
	if f.Reason == FollowUpPeriodic {
		return Action{"periodic-follow-up", "Periodic follow-up" + ask, NeedsMarketing}
	}
	return Action{"first-purchase-follow-up", "Follow-up after the first purchase" + ask, NeedsMarketing}
}

// NextFollowUp returns the next follow-up of the customer of f under
// policy p (nil: the defaults), and ok true; or ok false when the
// customer has none as of f.AsOf: a prospect, who has not bought (the
// follow-up of 000 follows a purchase: a customer is followed up, a
// prospect recruited), or a customer whose first purchase is after the
// as-of day. With P the first purchase, L the last follow-up and A the
// as-of day:
//
//   - Never followed up since the first purchase (no L, or L before P):
//     the new customer's follow-up, due on P + NewCustomerAfter (7 days).
//     A customer never followed up is owed it however long ago it
//     bought, overdue since then. A contact before the first purchase
//     was one with a prospect and is not that follow-up.
//   - Followed up on or after the first purchase day (L ≥ P): that was
//     the new customer's follow-up, even when made before its due day,
//     and the periodic follow-ups follow. With [FollowUpQuarterEnd], the
//     next is due on the last day of L's calendar quarter, unless L is in
//     the quarter's last month (March, June, September, December): the
//     follow-up made then is that quarter's, and the next is due on the
//     last day of the following quarter. So a follow-up made on its due
//     day, 31 March, is followed by 30 June; a late one, on 5 April, by
//     30 June too; and a new customer followed up in the last month of a
//     quarter is next followed up at the end of the next quarter, not a
//     few days later. With [FollowUpInterval], the next is due Months
//     calendar months after L, on the same day of the month, or on the
//     month's last day when it has no such day: 31 August + 6 months is
//     28 February, 29 in a leap year.
//
// The due day depends on P, L and the policy alone, not on A, so a later
// as-of day never moves it; it is always after P and after L. The
// follow-up is overdue when A is after the due day. What it asks follows
// f.Kind ([FollowUp].Ask); [FollowUp.Action] phrases it as an action.
//
// Invalid facts are refused with a [*customer.ValidationError] (matching
// [customer.ErrInvalid]) for the record `follow-up of customer "id"`
// that names every bad field: a blank id, an undefined kind, a day
// outside 0000-01-01 to 9999-12-31, and a last follow-up after the as-of
// day, whose predecessors are then unknown (a first purchase after it is
// no error: as of A the customer had not bought). An invalid policy is
// refused as [FollowUpPolicy.Validate] refuses it.
func NextFollowUp(f FollowUpFacts, p *FollowUpPolicy) (next FollowUp, ok bool, err error) {
	r, err := p.compile()
	if err != nil {
		return FollowUp{}, false, err
	}
	if err := f.validate(); err != nil {
		return FollowUp{}, false, err
	}
	if !f.Bought || f.FirstPurchase > f.AsOf {
		return FollowUp{}, false, nil
	}
	next = FollowUp{ID: f.ID, Kind: f.Kind}
	switch {
	case !f.FollowedUp || f.LastFollowUp < f.FirstPurchase:
		next.Reason, next.Due = FollowUpFirstPurchase, f.FirstPurchase+r.newDays
	case r.interval:
		next.Reason, next.Due = FollowUpPeriodic, addMonths(f.LastFollowUp, r.months)
	default:
		next.Reason, next.Due = FollowUpPeriodic, quarterEndAfter(f.LastFollowUp)
	}
	next.Overdue = f.AsOf > next.Due
	if f.Kind == customer.Intermediary {
		next.Ask = []FollowUpTopic{TopicSalesAndStock, TopicNeeds}
	} else {
		next.Ask = []FollowUpTopic{TopicWear, TopicNeeds}
	}
	return next, true, nil
}

// quarterEndAfter returns the last day of d's calendar quarter, or of
// the next quarter when d is in its quarter's last month.
func quarterEndAfter(d customer.Date) customer.Date {
	y, m, _ := d.Time().Date()
	last := (int(m)-1)/3*3 + 3 // the last month of d's quarter
	if int(m) == last {
		last += 3
	}
	return customer.DateFromYMD(y, time.Month(last+1), 0) // day 0: the last day of month last
}

// addMonths returns the day n calendar months after d: the same day of
// the month, or the last day of the month when it is shorter.
func addMonths(d customer.Date, n int) customer.Date {
	y, m, dd := d.Time().Date()
	end := customer.DateFromYMD(y, m+time.Month(n)+1, 0)
	return min(customer.DateFromYMD(y, m+time.Month(n), dd), end)
}

// FollowUpFactsOf returns the facts of s's customer for [NextFollowUp],
// all but the last follow-up, which the caller sets (LastFollowUp and
// FollowedUp): its ID and Kind, the day of its first purchase
// ([customer.Summary.FirstPurchase], the first day with an order; Bought
// false without one) and the as-of day, the day of s.AsOf
// ([customer.DateOf]), on or after every day of the summary. A summary
// holds the history it was given: when that starts after the customer's
// first orders, its first purchase is the first in the history. A nil
// summary, or one without an AsOf, is refused with a
// [*customer.ValidationError].
func FollowUpFactsOf(s *customer.Summary) (FollowUpFacts, error) {
	if s == nil {
		return FollowUpFacts{}, customer.Invalid("follow-up of a nil summary", []customer.FieldError{{Field: "summary", Code: customer.CodeRequired, Message: "is nil"}})
	}
	if s.AsOf.IsZero() {
		return FollowUpFacts{}, customer.Invalid(fmt.Sprintf("follow-up of customer %q", s.CustomerID),
			[]customer.FieldError{{Field: "as_of", Code: customer.CodeRequired, Message: "the summary has no AsOf"}})
	}
	f := FollowUpFacts{ID: s.CustomerID, Kind: s.Kind, AsOf: customer.DateOf(s.AsOf)}
	f.FirstPurchase, f.Bought = s.FirstPurchase()
	return f, nil
}
