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
// A panic of m's methods on one of those goroutines is a panic of
// ScoreAll, with the same value, in the caller's goroutine.
func ScoreAll(m TransactionModel, obs []Observation, t float64, out []Score) error {
	return scoreAll(m, obs, t, out, 0)
}

// scoreAll is [ScoreAll] of customers whose indexes in errors start at
// base: obs[i] is named as customer base+i.
func scoreAll(m TransactionModel, obs []Observation, t float64, out []Score, base int) error {
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
		return scoreRange(m, obs, t, out, base)
	}
	chunk := (len(obs) + workers - 1) / workers
	return onWorkers(workers, func(w int) error {
		lo := w * chunk
		hi := min(lo+chunk, len(obs))
		return scoreRange(m, obs[lo:hi], t, out[lo:hi], base+lo)
	})
}

// own reports whether m is one of this package's models (a value or a
// pointer), whose unexported fast paths (cachedScorer, aliveFactored)
// compute what its exported methods do. A caller's type that embeds one
// of them has those methods promoted but may override Score, PAlive or
// ConditionalExpectedPurchases: it is served by its exported methods
// alone.
func own(m TransactionModel) bool {
	switch m.(type) {
	case BGNBD, *BGNBD, MBGNBD, *MBGNBD, ParetoNBD, *ParetoNBD, BGBB, *BGBB, ownWrapper:
		return true
	}
	return false
}

// ownWrapper is implemented by a type of this package that wraps one of
// its models and keeps its fast paths (the tests' wrapper that counts
// the evaluations of those paths). No model has the method, so an
// embedding type outside the package cannot get it.
type ownWrapper interface{ wrapsOwnModel() }

// cachedScorer is implemented by the models whose conditional expectation
// has an (x, T)-only part worth memoising across customers.
type cachedScorer interface {
	scoreCached(o Observation, t float64, c *bracketCache) (Score, error)
}

func scoreRange(m TransactionModel, obs []Observation, t float64, out []Score, offset int) error {
	if cs, ok := m.(cachedScorer); ok && own(m) && len(obs) >= 1024 {
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
// a step of one model period; E[Y(0)] = 0. Unlike lifetimes, whose
// discount_rate is monthly whatever the step, d is the rate of one model
// period: an annual rate R is (1+R)^(1/52) − 1 per week and
// (1+R)^(1/365) − 1 per day; d = 0 gives E[Y(n) | x, t_x, T]. Where
// E[Y(k)] is flat (nearly every customer dropped out) and its rounding
// makes it dip below an earlier period's, the increments are those of its
// running maximum: a dip is not counted as purchases. n must be in
// [1, 100000] and d finite and ≥ 0. For BG/NBD and MBG/NBD beyond 256
// periods the sum is taken by parts, with the expectation given alive
// interpolated in ln t between a number of horizons that grows like ln n
// (see discountedSmooth in the source); it agrees with the sum period by
// period to about 1e-13 relative (3e-11 at worst over 20,000 random and
// boundary parameters, where the batched evaluations of the sum period
// by period differ by that from single ones), and falls back to that sum
// where the interpolation cannot be verified.
func DiscountedExpectedPurchases(m TransactionModel, o Observation, n int, d float64) (float64, error) {
	if m == nil {
		return 0, fmt.Errorf("churn: discounted expected purchases of customer %q: nil model: %w", o.ID, ErrInvalidParams)
	}
	if err := checkDiscount(o.ID, n, d); err != nil {
		return 0, err
	}
	if f, ok := m.(aliveFactored); ok && own(m) {
		pa, err := m.PAlive(o)
		if err != nil {
			return 0, err
		}
		if pa == 0 {
			return 0, nil
		}
		s, err := discountedAlive(f, o.Frequency, o.T, n, d)
		if err != nil {
			return 0, fmt.Errorf("churn: discounted expected purchases of customer %q: %w", o.ID, err)
		}
		return finiteOr(pa * s)
	}
	prev, sum := 0.0, 0.0
	lf := math.Log1p(d)
	for k := 1; k <= n; k++ {
		e, err := m.ConditionalExpectedPurchases(o, float64(k))
		if err != nil {
			return 0, err
		}
		if !(e <= prev) { // the running maximum, as discountedAlive
			sum += (e - prev) * math.Exp(-float64(k)*lf)
			prev = e
		}
	}
	return finiteOr(sum)
}

func checkDiscount(id string, n int, d float64) error {
	if n < 1 || n > 100000 {
		return &InputError{Index: -1, ID: id, Fields: []FieldError{{"periods", float64(n), "must be between 1 and 100000"}}}
	}
	if !finite(d) || d < 0 {
		return &InputError{Index: -1, ID: id, Fields: []FieldError{{"discount_rate", d, "must be finite and non-negative"}}}
	}
	return nil
}

// aliveFactored is implemented by the models whose conditional expectation
// factors as
//
//	E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) · g(x, T, t),
//
// where g, the expected purchases in (T, T+t] of a customer known to be
// alive at T, does not depend on t_x: BG/NBD (Fader, Hardie & Lee 2005,
// eq. 10), MBG/NBD (Batislam et al. 2007) and Pareto/NBD (Schmittlein,
// Morrison & Colombo 1987; Fader, Hardie & Lee 2005, "A note on deriving
// the Pareto/NBD model", eq. 22). The discounted sum of a horizon then
// costs one P(alive) per customer and one series per distinct (x, T).
type aliveFactored interface {
	aliveExpectation(x, T, t float64) (float64, bool)
}

// discountedAlive is Σ_{k=1}^{n} (ĝ(k) − ĝ(k−1)) / (1+d)^k with
// ĝ(k) = max(0, g(1), …, g(k)) the running maximum of g and ĝ(0) = 0.
// g is increasing, so this is the sum of its increments; where its true
// increments fall below its rounding (g flat, at its limit) and the
// computed g dips, a dip is not counted as purchases when g climbs back
// (clamping each increment at 0 instead would add up the rounding of
// every period: 1e-12 relative over 256 periods, 1e-10 over a few
// thousand), so that d = 0 gives g(n) to its rounding. Since
// P(alive) ≥ 0, P(alive) times it is the sum of
// DiscountedExpectedPurchases term by term. Beyond smoothMin
// periods, for the models whose g is smooth in t (aliveSmooth), it is
// summed by discountedSmooth, at a cost that grows like ln n in
// evaluations of g; otherwise, and where that method cannot vouch for its
// result, one period at a time (discountedPeriods).
func discountedAlive(f aliveFactored, x, T float64, n int, d float64) (float64, error) {
	if s, ok := f.(aliveSmooth); ok && n > smoothMin {
		if v, ok := discountedSmooth(f, s, x, T, n, d); ok {
			return finiteOr(v)
		}
	}
	sum, _, err := discountedPeriods(f, x, T, n, d)
	if err != nil {
		return 0, err
	}
	return finiteOr(sum)
}

// discountedPeriods is the sum of discountedAlive over periods 1 … n, one
// period at a time, and ĝ(n).
func discountedPeriods(f aliveFactored, x, T float64, n int, d float64) (sum, gn float64, err error) {
	prev := 0.0
	lf := math.Log1p(d)
	many, _ := f.(aliveBatched)
	var gs [maxBatch]float64
	for k0 := 1; k0 <= n; k0 += maxBatch {
		b := gs[:min(maxBatch, n-k0+1)]
		if many == nil || !many.aliveExpectations(x, T, k0, b) {
			for j := range b {
				g, ok := f.aliveExpectation(x, T, float64(k0+j))
				if !ok {
					return 0, 0, ErrNumerical
				}
				b[j] = g
			}
		}
		for j, g := range b {
			if !(g <= prev) { // NaN too: reported by the caller's finiteOr
				sum += (g - prev) * math.Exp(-float64(k0+j)*lf)
				prev = g
			}
		}
	}
	return sum, prev, nil
}

// aliveBatched is implemented by the models that compute g(x, T, t) of
// aliveFactored for consecutive periods at once, sharing the work of the
// series: out[j] = g(x, T, t0+j), up to maxBatch periods. false means
// that it could not (the caller falls back to one period at a time).
type aliveBatched interface {
	aliveExpectations(x, T float64, t0 int, out []float64) bool
}

// DiscountedExpectedPurchasesAll sets out[i] to
// DiscountedExpectedPurchases(m, obs[i], n, d) for every observation, to
// the last bit, splitting the work over GOMAXPROCS goroutines. For the
// models of this package the sum over the n periods is computed once per
// distinct (frequency, T) and scaled by each customer's P(alive), so a
// population of a million customers with a few thousand distinct pairs
// costs little more than its P(alive). out must have len(obs) elements; on
// error (the first invalid observation by index, reported with its index)
// out must not be used. A panic of m's methods is one of
// DiscountedExpectedPurchasesAll in the caller's goroutine, as of
// [ScoreAll].
func DiscountedExpectedPurchasesAll(m TransactionModel, obs []Observation, n int, d float64, out []float64) error {
	if m == nil {
		return fmt.Errorf("churn: discounted expected purchases: nil model: %w", ErrInvalidParams)
	}
	if len(out) != len(obs) {
		return fmt.Errorf("churn: discounted expected purchases: %d observations but %d result slots: %w", len(obs), len(out), ErrInvalidInput)
	}
	if err := checkDiscount("", n, d); err != nil {
		return err
	}
	if _, err := m.ExpectedPurchases(0); err != nil {
		return err // invalid parameters
	}
	f, ok := m.(aliveFactored)
	if !ok || !own(m) {
		return inParallel(len(obs), func(lo, hi int) error {
			for i := lo; i < hi; i++ {
				v, err := DiscountedExpectedPurchases(m, obs[i], n, d)
				if err != nil {
					return withIndex(err, i)
				}
				out[i] = v
			}
			return nil
		})
	}
	// P(alive) of every customer into out, and the distinct (x, T).
	type pair struct{ x, T float64 }
	err := inParallel(len(obs), func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			pa, err := m.PAlive(obs[i])
			if err != nil {
				return withIndex(err, i)
			}
			out[i] = pa
		}
		return nil
	})
	if err != nil {
		return err
	}
	index := make(map[pair]int32)
	var pairs []pair
	key := make([]int32, len(obs))
	for i, o := range obs {
		p := pair{o.Frequency, o.T}
		j, seen := index[p]
		if !seen {
			j = int32(len(pairs))
			index[p] = j
			pairs = append(pairs, p)
		}
		key[i] = j
	}
	index = nil
	sums := make([]float64, len(pairs))
	errs := make([]error, len(pairs))
	_ = inParallel(len(pairs), func(lo, hi int) error {
		for j := lo; j < hi; j++ {
			sums[j], errs[j] = discountedAlive(f, pairs[j].x, pairs[j].T, n, d)
		}
		return nil
	})
	for i, o := range obs {
		pa := out[i]
		if pa == 0 {
			continue
		}
		if err := errs[key[i]]; err != nil {
			return withIndex(fmt.Errorf("churn: discounted expected purchases of customer %q: %w", o.ID, err), i)
		}
		v, err := finiteOr(pa * sums[key[i]])
		if err != nil {
			return withIndex(err, i)
		}
		out[i] = v
	}
	return nil
}

// inParallel calls fn on contiguous ranges covering [0, n), one per
// goroutine (at most GOMAXPROCS, and ranges of at least 1024), and
// returns the error of the lowest range that failed.
func inParallel(n int, fn func(lo, hi int) error) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), n/1024))
	if workers == 1 {
		return fn(0, n)
	}
	return onWorkers(workers, func(w int) error {
		return fn(n*w/workers, n*(w+1)/workers)
	})
}

// onWorkers calls fn(w) for w in [0, workers), each on a goroutine of
// its own, and returns the error of the lowest w that failed. The calls
// run a caller's model: if one panics, onWorkers panics with the same
// value in the calling goroutine once every call has returned (the
// panic of the lowest w), where the caller may recover it, as it could
// had the package scored on the caller's goroutine; a panic left on a
// goroutine of the package's would end the program.
func onWorkers(workers int, fn func(w int) error) error {
	errs := make([]error, workers)
	panics := make([]any, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			defer func() { panics[w] = recover() }()
			errs[w] = fn(w)
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// CLV is the expected customer lifetime value over the next n periods,
// discounted at rate d per period: the Gamma-Gamma conditional expected
// spend per transaction times DiscountedExpectedPurchases (Fader, Hardie &
// Lee 2005, "RFM and CLV", discretised per period; spend and
// purchases independent by assumption). meanSpend is the customer's mean
// repeat-transaction value z̄ (ignored when the frequency is 0, which gets
// the population mean). The result is a model estimate in the currency unit
// of the spend data, not a bookkeeping amount. d is the rate of one model
// period: an annual rate R is (1+R)^(1/52) − 1 per week and
// (1+R)^(1/365) − 1 per day, as crm's -discount-rate converts it. Errors
// name the customer (o.ID) and the bad field, including mean_spend.
func CLV(m TransactionModel, spend GammaGamma, o Observation, meanSpend float64, n int, d float64) (float64, error) {
	z, err := spend.ConditionalExpectedSpend(o.Frequency, meanSpend)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			c := *ie
			c.ID = o.ID
			return 0, &c
		}
		return 0, fmt.Errorf("churn: clv of customer %q: %w", o.ID, err)
	}
	p, err := DiscountedExpectedPurchases(m, o, n, d)
	if err != nil {
		return 0, err
	}
	return finiteOr(z * p)
}
