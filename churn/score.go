package churn

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// ScoreAll scores every observation with m over the horizon t (P(alive) and
// the conditional expected purchases in the next t periods) into out, which
// must have len(obs) elements. It splits the work over GOMAXPROCS
// goroutines in contiguous chunks; the result does not depend on the
// number of goroutines. On error (the first invalid observation by index,
// reported with its index) out is partially filled and must not be used.
func ScoreAll(m TransactionModel, obs []Observation, t float64, out []Score) error {
	if m == nil {
		return fmt.Errorf("churn: score: nil model: %w", ErrInvalidParams)
	}
	if len(out) != len(obs) {
		return fmt.Errorf("churn: score: %d observations but %d result slots: %w", len(obs), len(out), ErrInvalidInput)
	}
	if err := checkHorizon(t); err != nil {
		return err
	}
	if _, err := m.ExpectedPurchases(0); err != nil {
		return err // invalid parameters
	}
	const minChunk = 4096
	workers := runtime.GOMAXPROCS(0)
	if n := (len(obs) + minChunk - 1) / minChunk; n < workers {
		workers = n
	}
	if workers <= 1 {
		return scoreRange(m, obs, t, out, 0)
	}
	chunk := (len(obs) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo := w * chunk
		hi := min(lo+chunk, len(obs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = scoreRange(m, obs[lo:hi], t, out[lo:hi], lo)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// cachedScorer is implemented by the models whose conditional expectation
// has an (x, T)-only part worth memoising across customers.
type cachedScorer interface {
	scoreCached(o Observation, t float64, c *bracketCache) (Score, error)
}

func scoreRange(m TransactionModel, obs []Observation, t float64, out []Score, offset int) error {
	if cs, ok := m.(cachedScorer); ok && len(obs) >= 1024 {
		cache := new(bracketCache)
		for i, o := range obs {
			s, err := cs.scoreCached(o, t, cache)
			if err != nil {
				return withIndex(err, offset+i)
			}
			out[i] = s
		}
		return nil
	}
	for i, o := range obs {
		s, err := m.Score(o, t)
		if err != nil {
			return withIndex(err, offset+i)
		}
		out[i] = s
	}
	return nil
}

// withIndex sets the record index of an *InputError (copying it).
func withIndex(err error, index int) error {
	var ie *InputError
	if errors.As(err, &ie) {
		c := *ie
		c.Index = index
		return &c
	}
	return fmt.Errorf("churn: customer index %d: %w", index, err)
}

// DiscountedExpectedPurchases is the discounted expected number of
// purchases over the next n periods,
//
//	Σ_{k=1}^{n} (E[Y(k) | x, t_x, T] − E[Y(k−1) | x, t_x, T]) / (1+d)^k,
//
// i.e. the expected purchases of period k, discounted at rate d per period
// from the end of that period. This is the discretisation of lifetimes'
// customer_lifetime_value (Davidson-Pilon, lifetimes 0.11, utils.py) with
// a step of one model period; E[Y(0)] = 0. n must be in [1, 100000] and d
// finite and ≥ 0.
func DiscountedExpectedPurchases(m TransactionModel, o Observation, n int, d float64) (float64, error) {
	if n < 1 || n > 100000 {
		return 0, &InputError{ID: o.ID, Fields: []FieldError{{"periods", float64(n), "must be between 1 and 100000"}}}
	}
	if !finite(d) || d < 0 {
		return 0, &InputError{ID: o.ID, Fields: []FieldError{{"discount_rate", d, "must be finite and non-negative"}}}
	}
	prev, sum := 0.0, 0.0
	lf := math.Log1p(d)
	for k := 1; k <= n; k++ {
		e, err := m.ConditionalExpectedPurchases(o, float64(k))
		if err != nil {
			return 0, err
		}
		sum += math.Max(e-prev, 0) * math.Exp(-float64(k)*lf)
		prev = e
	}
	return finiteOr(sum)
}

// CLV is the expected customer lifetime value over the next n periods,
// discounted at rate d per period: the Gamma-Gamma conditional expected
// spend per transaction times DiscountedExpectedPurchases (Fader, Hardie &
// Lee 2005, "RFM and CLV", discretised per period; spend and
// purchases independent by assumption). meanSpend is the customer's mean
// repeat-transaction value z̄ (ignored when the frequency is 0, which gets
// the population mean). The result is a model estimate in the currency unit
// of the spend data, not a bookkeeping amount.
func CLV(m TransactionModel, spend GammaGamma, o Observation, meanSpend float64, n int, d float64) (float64, error) {
	z, err := spend.ConditionalExpectedSpend(o.Frequency, meanSpend)
	if err != nil {
		return 0, err
	}
	p, err := DiscountedExpectedPurchases(m, o, n, d)
	if err != nil {
		return 0, err
	}
	return finiteOr(z * p)
}
