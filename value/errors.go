package value

import (
	"errors"
	"fmt"

	"github.com/tailorcrm/tailor/customer"
)

var (
	// ErrEmpty is returned when a fit has no customer to learn from.
	ErrEmpty = errors.New("value: empty population")
	// ErrInvalidModel is matched (errors.Is) by every *ModelError.
	ErrInvalidModel = errors.New("value: invalid model")
	// ErrInconsistent is matched by every *ConsistencyError.
	ErrInconsistent = errors.New("value: pairwise comparisons are inconsistent")
	// ErrInvalidInput is matched by every *InputError.
	ErrInvalidInput = errors.New("value: invalid input")
)

// ModelError reports a defect of a [Model] or of an AHP matrix: Path
// names the node ("potential/growth/recent-spend"), Reason what is wrong.
type ModelError struct {
	Path   string
	Reason string
}

// Error implements error.
func (e *ModelError) Error() string {
	if e.Path == "" {
		return "value: invalid model: " + e.Reason
	}
	return fmt.Sprintf("value: invalid model at %q: %s", e.Path, e.Reason)
}

// Is lets errors.Is(err, ErrInvalidModel) match.
func (e *ModelError) Is(target error) bool { return target == ErrInvalidModel }

// ConsistencyError reports a pairwise-comparison matrix whose consistency
// ratio CR = CI ÷ RI is 0.1 or more (Saaty 1980), so its weights are not
// to be trusted: revise the comparisons.
type ConsistencyError struct {
	Path string  // node whose Pairwise matrix it is; empty for [AHP]
	CR   float64 // consistency ratio
	CI   float64 // consistency index (λmax − n) ÷ (n − 1)
}

// Error implements error.
func (e *ConsistencyError) Error() string {
	where := ""
	if e.Path != "" {
		where = fmt.Sprintf(" at %q", e.Path)
	}
	return fmt.Sprintf("value: pairwise comparisons%s are inconsistent: consistency ratio %.4f ≥ 0.1 (CI %.4f)", where, e.CR, e.CI)
}

// Is lets errors.Is(err, ErrInconsistent) match.
func (e *ConsistencyError) Is(target error) bool { return target == ErrInconsistent }

// InputError reports an indicator value that is not a finite number or
// that the model's declaration of a custom indicator refuses, an amount
// of money that is no value of its indicator (without a currency, in
// another currency than the customer's, beyond float64 as given or
// once converted), an exchange rate that [Indicators.Convert] refuses
// ([CheckRate]), a customer that does not fit the model (wrong kind,
// other currency), or statistics that do not merge for their currency.
type InputError struct {
	Customer  customer.ID // empty for a merge of statistics
	Indicator Indicator   // zero when the problem is not one indicator
	Name      string      // the declared name of a custom Indicator ([CustomIndicator].Name), when known
	Value     float64     // the value of Indicator
	Reason    string      // what is wrong; for an Indicator, empty when its Value is not a finite number
	Err       error       // underlying cause, may be nil
}

// Error implements error. An error about no one customer (a merge of
// statistics) names none. One about an indicator reads
// "value: customer "c": indicator profit = v: reason", a custom indicator
// named by its declared name and its text ("indicator staff-trained
// (custom-0)") when Name is set, with "not a finite number" for an empty
// Reason, followed by ": " and Err when Err is set.
func (e *InputError) Error() string {
	if e.Customer == "" && e.Indicator == 0 {
		if e.Err != nil {
			return fmt.Sprintf("value: %s: %v", e.Reason, e.Err)
		}
		return "value: " + e.Reason
	}
	if e.Indicator != 0 {
		name := e.Indicator.String()
		if _, custom := e.Indicator.CustomIndex(); custom && e.Name != "" {
			name = e.Name + " (" + name + ")"
		}
		why := e.Reason
		if why == "" {
			why = "not a finite number"
		}
		if e.Err != nil {
			return fmt.Sprintf("value: customer %q: indicator %s = %v: %s: %v", e.Customer, name, e.Value, why, e.Err)
		}
		return fmt.Sprintf("value: customer %q: indicator %s = %v: %s", e.Customer, name, e.Value, why)
	}
	if e.Err != nil {
		return fmt.Sprintf("value: customer %q: %s: %v", e.Customer, e.Reason, e.Err)
	}
	return fmt.Sprintf("value: customer %q: %s", e.Customer, e.Reason)
}

// Is lets errors.Is(err, ErrInvalidInput) match.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// Unwrap returns the underlying cause.
func (e *InputError) Unwrap() error { return e.Err }
