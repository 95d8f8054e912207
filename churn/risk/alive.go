package risk

import (
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
)

// AliveOf adapts a fitted transaction model of the churn package
// (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB) to [AliveModel]: PAlive(x, t_x, T)
// returns m.PAlive(churn.Observation{Frequency: x, Recency: t_x, T: T}),
// the same value and the same error. The triple must be in the unit m was
// fitted in (for BG/BB, whole opportunities; a fractional time is the
// model's *churn.InputError). With a nil m, PAlive returns an error
// matching churn.ErrInvalidParams.
func AliveOf(m churn.TransactionModel) AliveModel { return aliveModel{m} }

type aliveModel struct{ m churn.TransactionModel }

func (a aliveModel) PAlive(frequency, recency, T float64) (float64, error) {
	return churn.PAliveAt(a.m, churn.Observation{Frequency: frequency, Recency: recency, T: T}, 0)
}

// ComplaintsAsOf is a [ComplaintSource] over complaint signals computed
// for every complainant as of one instant, such as the map that
// complaint.Signals returns from the logs of every case recorded up to
// that instant (complaint.Service.Logs reads them in one pass, without a
// call per customer or per case): a customer absent from Signals has
// none (zero signals). It serves only the instant it was computed for: asked
// for another instant (compared with time.Time.Equal, so the same instant
// in another location is the same), it returns an [*InputError] on the
// field "as_of" rather than signals of the wrong day.
type ComplaintsAsOf struct {
	// AsOf is the instant Signals were computed as of.
	AsOf time.Time
	// Signals are the complaint signals by customer.
	Signals map[customer.ID]customer.ComplaintSignals
}

// ComplaintSignals returns the signals of id, zero for a customer without
// complaints, or an [*InputError] when asOf is not c.AsOf.
func (c ComplaintsAsOf) ComplaintSignals(id customer.ID, asOf time.Time) (customer.ComplaintSignals, error) {
	if !asOf.Equal(c.AsOf) {
		return customer.ComplaintSignals{}, &InputError{Customer: id, Fields: []customer.FieldError{{
			Field: "as_of", Code: customer.CodeMismatch,
			Message: fmt.Sprintf("complaint signals computed as of %s, asked as of %s", c.AsOf.Format(time.RFC3339), asOf.Format(time.RFC3339)),
		}}}
	}
	return c.Signals[id], nil
}
