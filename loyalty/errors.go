package loyalty

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

var (
	// ErrDuplicate is returned when an event or entry carries an
	// idempotency key that the member's ledger already holds. The ledger is
	// unchanged: delivering the same event twice earns once.
	ErrDuplicate = errors.New("loyalty: duplicate idempotency key")
	// ErrConflict is returned by [Store.Append] when the member's ledger is
	// no longer at the expected version: another writer appended first.
	ErrConflict = errors.New("loyalty: version conflict")
	// ErrOverflow is returned when a number of points would not fit in an
	// int64. Points never wrap around.
	ErrOverflow = errors.New("loyalty: points overflow")
	// ErrInsufficient is returned when a member has fewer available points
	// than an operation needs; see [*InsufficientError].
	ErrInsufficient = errors.New("loyalty: insufficient points")
	// ErrNotMember is returned for an event on a member whose ledger has
	// no join entry. It matches [customer.ErrNotFound] too.
	ErrNotMember = fmt.Errorf("loyalty: not a member: %w", customer.ErrNotFound)
	// ErrUnknownOrder is returned for a return of an order that this
	// member's ledger never recorded. It matches [customer.ErrNotFound] too.
	ErrUnknownOrder = fmt.Errorf("loyalty: unknown order: %w", customer.ErrNotFound)
	// ErrNoBenefit is returned for a bonus event that the programme does
	// not reward (a bonus of zero points).
	ErrNoBenefit = errors.New("loyalty: the programme grants nothing for this event")
	// ErrCorrupt is returned when stored entries cannot be replayed: a gap
	// in sequence numbers, an entry of another member, an unknown lot.
	ErrCorrupt = errors.New("loyalty: corrupt ledger")
)

// DuplicateError reports an idempotency key that was seen before. Same is
// true when the earlier event had the same content; false means the key
// was reused for a different event, which is a caller error worth a look.
// It matches [ErrDuplicate].
type DuplicateError struct {
	Member customer.ID // the ledger's member
	Key    string      // the idempotency key seen before
	Same   bool        // whether the earlier event had the same content
}

// Error says whether the event was applied already or the key reused. A
// second [BirthdayClaim] in one year says that the year's birthday
// benefit was already claimed.
func (e *DuplicateError) Error() string {
	if e.Same {
		return fmt.Sprintf("loyalty: member %q: event %q already applied", e.Member, e.Key)
	}
	if year, ok := strings.CutPrefix(e.Key, "birthday:"); ok {
		return fmt.Sprintf("loyalty: member %q: the birthday benefit of %s was already claimed (key %q)", e.Member, year, e.Key)
	}
	return fmt.Sprintf("loyalty: member %q: key %q already used by a different event", e.Member, e.Key)
}

// Is reports whether target is [ErrDuplicate].
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// InsufficientError reports an operation that needs more available points
// than the member has. It matches [ErrInsufficient].
type InsufficientError struct {
	Member customer.ID // the member
	// Record names the operation refused, e.g. `redemption "R7"`,
	// `adjustment "A2"` or "basket".
	Record    string
	Requested Points // the points the operation needs
	// Available is the points available; for a [Redemption] recorded
	// late, with those that expired after its time that it may spend,
	// and for a redemption paying for an order, without the points that
	// order earned at the redemption's time or after ([Redemption]); for
	// a basket, its Available or, with its Account given, what that
	// account has at its time when that is less ([Programme.Price]).
	Available Points
}

// Error names the record and the member and states the points requested
// and available.
func (e *InsufficientError) Error() string {
	if e.Record == "" {
		return fmt.Sprintf("loyalty: member %q: %d points requested, %d available", e.Member, e.Requested, e.Available)
	}
	return fmt.Sprintf("loyalty: %s of member %q: %d points requested, %d available", e.Record, e.Member, e.Requested, e.Available)
}

// Is reports whether target is [ErrInsufficient].
func (e *InsufficientError) Is(target error) bool { return target == ErrInsufficient }

// CouponError reports a coupon refused by one of its rules. Rule is one of
// the Rule constants; callers branch on it, not on the message. It matches
// [ErrCouponRefused].
type CouponError struct {
	Code string // the coupon's code
	Rule string // one of the Rule constants
	// Field is the coupon's field at fault, by its JSON name: the one
	// malformed ("percent", "scope.values[1]"), or the one whose rule the
	// order fails ("valid_until", "max_uses", "holder", "stacking",
	// "scope", "min_spend"; "code" for a coupon presented twice).
	Field  string
	Detail string // what exactly failed, for people; it begins with Field
	// Others are the coupon's further faults that [Programme.CheckCoupon]
	// found besides this one, each with its own Rule, Field and Detail
	// and no Others, in the order CheckCoupon finds them. It is empty
	// when CheckCoupon found one fault, and for a refusal by the order's
	// rules (validity, uses, stacking against the other coupons, …),
	// which [Programme.Price] reports one at a time. Error lists the
	// first ten of them.
	Others []CouponError
}

// Rules a coupon can fail, reported in [CouponError.Rule].
const (
	RuleValidity = "validity"  // outside its validity window
	RuleScope    = "scope"     // no line of the order is in scope, or none that costs anything
	RuleUses     = "uses"      // usage limit reached
	RulePersonal = "personal"  // a personal coupon presented by someone else
	RuleBounds   = "bounds"    // percentage outside the programme's bounds
	RuleStacking = "stacking"  // combined against its stacking rule
	RuleCurrency = "currency"  // fixed amount in another currency
	RuleRepeated = "repeated"  // the same coupon twice on one order
	RuleDefined  = "defined"   // the coupon itself is malformed
	RuleMinSpend = "min_spend" // the order is below the coupon's minimum
)

// ErrCouponRefused is matched by every [*CouponError].
var ErrCouponRefused = errors.New("loyalty: coupon refused")

// Error names the coupon, the rule and the detail, and then the rule and
// detail of each of the Others, the first ten of them and how many more
// there are: a scope of thousands of blank values has as many faults,
// all in Others.
func (e *CouponError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "loyalty: coupon %q refused (%s): %s", e.Code, e.Rule, e.Detail)
	for i, o := range e.Others {
		if i == maxOthersShown {
			fmt.Fprintf(&b, "; and %d more (see Others)", len(e.Others)-i)
			break
		}
		fmt.Fprintf(&b, "; also (%s): %s", o.Rule, o.Detail)
	}
	return b.String()
}

// maxOthersShown bounds the [CouponError.Others] that Error lists.
const maxOthersShown = 10

// Is reports whether target is [ErrCouponRefused].
func (e *CouponError) Is(target error) bool { return target == ErrCouponRefused }

// ErrNowAhead is matched by every [*NowAheadError]: a now later than a
// [Service]'s clock allows ([ServiceOptions].Clock).
var ErrNowAhead = errors.New("loyalty: now is ahead of the clock")

// NowAheadError reports a call of a [Service] refused because its now is
// later than the service's clock reading plus its tolerance
// ([ServiceOptions].Clock, MaxAhead): Now − Clock > MaxAhead. Nothing
// was read or stored. It matches [ErrNowAhead], and its Unwrap gives a
// [*customer.ValidationError] on the field "now" with
// [customer.CodeFuture], so it matches [customer.ErrInvalid] too.
type NowAheadError struct {
	Op       string        // the operation refused: "apply", "apply all" or "take gift"
	Member   customer.ID   // the member of the call
	Now      time.Time     // the now given
	Clock    time.Time     // the clock's reading
	MaxAhead time.Duration // how far after Clock a now may be
}

// Error names the operation, the member, the field "now", both times and
// the tolerance.
func (e *NowAheadError) Error() string {
	return fmt.Sprintf("%s: now: %s", e.record(), e.detail())
}

func (e *NowAheadError) record() string {
	return fmt.Sprintf("loyalty service: %s for member %q", e.Op, e.Member)
}

func (e *NowAheadError) detail() string {
	return fmt.Sprintf("%s is more than %s after the clock's %s", e.Now.Format(time.RFC3339Nano), e.MaxAhead, e.Clock.Format(time.RFC3339Nano))
}

// Is reports whether target is [ErrNowAhead].
func (e *NowAheadError) Is(target error) bool { return target == ErrNowAhead }

// Unwrap returns the refusal as a [*customer.ValidationError] of the
// call, on the field "now" with [customer.CodeFuture].
func (e *NowAheadError) Unwrap() error {
	return customer.Invalid(e.record(), []customer.FieldError{{Field: "now", Code: customer.CodeFuture, Message: e.detail()}})
}

// problems collects field errors of one record; err builds a
// [*customer.ValidationError] sorted by field.
type problems struct{ fields []customer.FieldError }

func (p *problems) add(field, code, format string, args ...any) {
	p.fields = append(p.fields, customer.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) merge(prefix string, err error) {
	var ve *customer.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			f.Field = prefix + f.Field
			p.fields = append(p.fields, f)
		}
		return
	}
	if err != nil {
		p.add(prefix, customer.CodeFormat, "%v", err)
	}
}

func (p *problems) err(record string) error {
	return customer.Invalid(record, p.fields)
}
