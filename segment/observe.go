package segment

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

var (
	// ErrEmpty is returned when a fit has no customer at all.
	ErrEmpty = errors.New("segment: empty population")
	// ErrInvalidOptions is matched by errors about [Options].
	ErrInvalidOptions = errors.New("segment: invalid options")
	// ErrNotFitted is returned when a customer's kind had no customer in
	// the fit, so there is nothing to compare it with.
	ErrNotFitted = errors.New("segment: no customer of this kind in the fit")
	// ErrDuplicate is returned by [Migrate] for a customer listed twice
	// in one period.
	ErrDuplicate = errors.New("segment: customer listed twice")
	// ErrInvalidResult is returned by [Migrate] for a result with an
	// undefined quadrant, stage or shop type.
	ErrInvalidResult = errors.New("segment: invalid result")
)

// Input is one customer to classify: its summary and, when known, its
// record. Customer is nil for sales exports that know only transactions:
// consent is then unknown (no action that needs consent is recommended)
// and an intermediary's trade indicators fall back as [value.DefaultModel]
// documents.
type Input struct {
	Summary  *customer.Summary
	Customer *customer.Customer
}

// Observation is what classification needs of one customer, read once by
// [Observe]: the value indicators and a few facts for the lifecycle, the
// shop type and the playbook. Fitting and classifying work on
// observations only, without decimals or allocation.
type Observation struct {
	value.Indicators
	// Consent is the customer's consent; the zero value (no consent) when
	// the record is unknown.
	Consent customer.Consent
	// Net is what the customer paid and kept, for value contribution,
	// in Indicators.Currency.
	Net decimal.Decimal
	// MedianGap is the median number of days between purchase days; Gaps
	// is how many gaps there are (purchase days − 1).
	MedianGap float64
	Gaps      int
	// SinceInteraction is the number of days from the last interaction
	// to AsOf ([customer.Summary.DaysSinceLastInteraction]); Interacted
	// is false when there was none.
	SinceInteraction int
	Interacted       bool
}

// Observe reads in into dst (overwriting it).
func Observe(in Input, dst *Observation) error {
	if in.Summary == nil {
		return fmt.Errorf("segment: input without a summary: %w", value.ErrInvalidInput)
	}
	s := in.Summary
	if !s.Kind.Valid() {
		return fmt.Errorf("segment: customer %q: kind %v: %w", s.CustomerID, s.Kind, value.ErrInvalidInput)
	}
	*dst = Observation{}
	if err := value.Extract(s, in.Customer, &dst.Indicators); err != nil {
		return err
	}
	if in.Customer != nil {
		dst.Consent = in.Customer.Consent
	}
	dst.Net = s.Net()
	g := s.GapStats()
	dst.MedianGap, dst.Gaps = g.Median, g.N
	dst.SinceInteraction, dst.Interacted = s.DaysSinceLastInteraction()
	return nil
}

// purchased reports whether the customer has bought anything.
func (o *Observation) purchased() bool { return o.Known(value.Recency) }

// boughtBefore reports whether o bought in the window summarised, or
// before it: refunds without purchases in the window (a negative net)
// bring back goods bought earlier.
func (o *Observation) boughtBefore() bool { return o.purchased() || o.Net.Sign() < 0 }

// days returns the whole days of indicator i (0 when unknown).
func (o *Observation) days(i value.Indicator) int {
	v, _ := o.Get(i)
	return int(v)
}
