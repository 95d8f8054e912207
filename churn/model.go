package churn

import (
	"fmt"
	"math"
)

// TransactionModel is what the scoring, CLV and evaluation code needs from a
// fitted transaction model (BGNBD, MBGNBD, ParetoNBD, BGBB). Time arguments
// are in the unit the model was fitted in (for BGBB, whole opportunities).
type TransactionModel interface {
	// Name is the model's short name ("bgnbd", "mbgnbd", "paretonbd",
	// "bgbb").
	Name() string
	// PAlive is the probability that the customer is still active at T.
	PAlive(o Observation) (float64, error)
	// ExpectedPurchases is E[X(t)], the expected number of repeat purchases
	// of a new customer in (0, t].
	ExpectedPurchases(t float64) (float64, error)
	// ConditionalExpectedPurchases is E[Y(t) | x, t_x, T], the expected
	// number of purchases in (T, T+t].
	ConditionalExpectedPurchases(o Observation, t float64) (float64, error)
	// Score returns P(alive) and the conditional expected purchases in the
	// next t periods together (cheaper than the two calls).
	Score(o Observation, t float64) (Score, error)
}

// Score is the per-customer output of a transaction model.
type Score struct {
	// PAlive is the probability that the customer is active at T.
	PAlive float64
	// ExpectedPurchases is the expected number of purchases in the horizon.
	ExpectedPurchases float64
}

// PAliveAt returns the probability that the customer is still active at
// T+t given no purchase in (T, T+t]: the model's P(alive) for the triple
// (x, t_x, T+t), since observing no purchase up to T+t is exactly the
// calibration summary ending at T+t.
func PAliveAt(m TransactionModel, o Observation, t float64) (float64, error) {
	if m == nil {
		return 0, fmt.Errorf("churn: P(alive) of customer %q: nil model: %w", o.ID, ErrInvalidParams)
	}
	if !finite(t) || t < 0 {
		return 0, &InputError{Index: -1, ID: o.ID, Fields: []FieldError{{"t", t, "must be finite and non-negative"}}}
	}
	o.T += t
	return m.PAlive(o)
}

func checkHorizon(t float64) error {
	if !finite(t) || t < 0 || t > maxTime {
		return &InputError{Index: -1, Fields: []FieldError{{"t", t, "horizon must be finite, non-negative and at most 1e9"}}}
	}
	return nil
}

func positiveFinite(vs ...float64) bool {
	for _, v := range vs {
		if !(v > 0) || math.IsInf(v, 1) {
			return false
		}
	}
	return true
}

// clamp01 guards probabilities against rounding just outside [0, 1].
func clamp01(p float64) float64 {
	return math.Min(math.Max(p, 0), 1)
}
