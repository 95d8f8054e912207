package loyalty

import (
	"errors"
	"fmt"
	"strings"

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

// Error names the coupon, the rule and the detail.
func (e *CouponError) Error() string {
	return fmt.Sprintf("loyalty: coupon %q refused (%s): %s", e.Code, e.Rule, e.Detail)
}

// Is reports whether target is [ErrCouponRefused].
func (e *CouponError) Is(target error) bool { return target == ErrCouponRefused }

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
