package risk

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/customer"
)

// ErrNoPurchase is matched by the error for a customer without any
// purchase: the risk of leaving is not defined for someone who never came.
var ErrNoPurchase = errors.New("risk: customer has no purchase")

// ErrInsufficientData is matched by [FitReport].Fallback when there were
// too few labelled customers, or customers of only one class, to fit the
// logistic model.
var ErrInsufficientData = errors.New("risk: too little labelled data to fit")

// ErrNoExamples is returned by [Evaluate] for an empty set of examples.
var ErrNoExamples = errors.New("risk: no examples")

// ErrOneClass is returned by [AUC] when every label is the same: the area
// under the ROC curve is not defined.
var ErrOneClass = errors.New("risk: AUC needs both classes")

// ErrNoConvergence is matched by [*ConvergenceError].
var ErrNoConvergence = errors.New("risk: fit did not converge")

// InputError reports every bad field of one customer's input. Index is
// the position of the customer in the slice given (0 for a single call).
// Fields use the codes of [customer.FieldError]. It matches
// [customer.ErrInvalid] with errors.Is.
type InputError struct {
	Index    int
	Customer customer.ID
	Fields   []customer.FieldError
}

// Error returns `risk: customer "C-7" (#3): p_alive: must be in [0, 1], got NaN; ...`.
func (e *InputError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "risk: customer %q (#%d): ", e.Customer, e.Index)
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Is reports whether target is [customer.ErrInvalid], or [ErrNoPurchase]
// when the customer has no purchase.
func (e *InputError) Is(target error) bool {
	if target == customer.ErrInvalid {
		return true
	}
	return target == ErrNoPurchase && e.Has("purchase_days", customer.CodeRequired)
}

// Has reports whether the error names field with code; an empty code
// matches any code.
func (e *InputError) Has(field, code string) bool {
	for _, f := range e.Fields {
		if f.Field == field && (code == "" || f.Code == code) {
			return true
		}
	}
	return false
}

// OptionError reports a bad field of [Options] or [Bands].
type OptionError struct {
	Field  string
	Value  float64
	Reason string
}

// Error returns `risk: option lambda = -1: must be positive`.
func (e *OptionError) Error() string {
	return fmt.Sprintf("risk: option %s = %v: %s", e.Field, e.Value, e.Reason)
}

// Is reports whether target is [customer.ErrInvalid].
func (e *OptionError) Is(target error) bool { return target == customer.ErrInvalid }

// InsufficientDataError says why the logistic model was not fitted.
type InsufficientDataError struct {
	Examples  int // labelled customers given
	Churned   int // of which labelled as churned
	Need      int // the minimum number of examples ([Options].MinExamples)
	NeedClass int // the minimum number of each class ([Options].MinPerClass)
}

// Error returns `risk: too little labelled data to fit: 12 customers (3 churned); need 50, with 10 of each class`.
func (e *InsufficientDataError) Error() string {
	return fmt.Sprintf("%v: %d customers (%d churned); need %d, with %d of each class",
		ErrInsufficientData, e.Examples, e.Churned, e.Need, e.NeedClass)
}

// Unwrap returns [ErrInsufficientData].
func (e *InsufficientDataError) Unwrap() error { return ErrInsufficientData }

// ConvergenceError is returned by [Fit] when Newton's method did not meet
// its tolerance within the iteration budget. It cannot happen for a
// well-posed problem (the penalised log-likelihood is strictly concave),
// but it is reported rather than hidden.
type ConvergenceError struct {
	Iterations   int
	Objective    float64 // penalised negative log-likelihood at the last iterate
	GradientNorm float64 // max-norm of its gradient
}

// Error describes the last iterate.
func (e *ConvergenceError) Error() string {
	return fmt.Sprintf("%v after %d iterations: objective %g, gradient %g",
		ErrNoConvergence, e.Iterations, e.Objective, e.GradientNorm)
}

// Unwrap returns [ErrNoConvergence].
func (e *ConvergenceError) Unwrap() error { return ErrNoConvergence }
