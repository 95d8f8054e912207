package churn

import (
	"fmt"
	"math"
	"slices"
)

// HoldoutEvaluation compares a transaction model's predictions for a
// holdout period with what customers actually did.
type HoldoutEvaluation struct {
	// Customers is the number of customers evaluated.
	Customers int
	// Expected, Actual and PAlive are per customer, in input order:
	// E[Y(horizon) | calibration], the actual holdout count, and P(alive)
	// at the end of calibration. [EvaluateHoldout] fills them;
	// [HoldoutAccumulator.Evaluation], which does not keep them, leaves
	// them nil.
	Expected, Actual, PAlive []float64
	// TotalExpected and TotalActual are the sums over customers.
	TotalExpected, TotalActual float64
	// MAE and RMSE are the mean absolute and root mean squared errors of
	// Expected against Actual per customer.
	MAE, RMSE float64
	// ByFrequency groups customers by calibration frequency 0, 1, …, K−1
	// and K+ (the last bin, AndAbove).
	ByFrequency []FrequencyBin
	// AUC is the area under the ROC curve of 1 − P(alive) as a score for
	// the positive class "no purchase in the holdout", by the rank
	// (Mann–Whitney) method with tied scores given their mean rank:
	// AUC = (Σ ranks of positives − n₊(n₊+1)/2) / (n₊ n₋).
	AUC float64
	// AUCDefined is false when all customers are in one class (AUC is 0).
	AUCDefined bool
	// Brier is the Brier score of the same classifier,
	// mean over customers of ((1 − P(alive)) − 1{no holdout purchase})².
	Brier float64
}

// FrequencyBin is one row of HoldoutEvaluation.ByFrequency.
type FrequencyBin struct {
	// Frequency is the calibration frequency of the bin (its lower bound
	// when AndAbove).
	Frequency int
	// AndAbove marks the last bin, frequency ≥ Frequency.
	AndAbove bool
	// Customers is the number of customers in the bin.
	Customers int
	// MeanExpected and MeanActual are the bin's mean holdout purchases;
	// 0 for a bin without customers.
	MeanExpected, MeanActual float64
}

// maxHoldoutBin bounds the frequency bins of EvaluateHoldout (one bin each,
// allocated up front).
const maxHoldoutBin = 100000

// EvaluateHoldout scores the calibration observations with m over the
// holdout horizon and compares with actual (the holdout repeat purchase
// counts, same order and length, finite and ≥ 0). Frequency bins run from 0
// to maxBin, the last one collecting maxBin and above (1 ≤ maxBin ≤
// 100000; 7 is the customary choice of Fader, Hardie & Lee 2005, Figure 4).
//
// It is [HoldoutAccumulator.Evaluation] after one [HoldoutAccumulator.Add]
// of all customers, with Expected, Actual and PAlive filled in besides;
// the errors are those of [NewHoldoutAccumulator] and
// [HoldoutAccumulator.Add], after those of a nil m, lengths that differ
// and no customer. Of several bad customers the first by index is named
// (a P(alive) of m outside [0, 1], NaN included, is an *InputError
// naming the customer, see [LapseAUC]; so are expected purchases of m
// that are not finite and ≥ 0, see [HoldoutAccumulator.Add]): no field
// of the evaluation is NaN or infinite.
func EvaluateHoldout(m TransactionModel, cal []Observation, actual []float64, horizon float64, maxBin int) (HoldoutEvaluation, error) {
	if m == nil {
		return HoldoutEvaluation{}, fmt.Errorf("churn: evaluate: nil model: %w", ErrInvalidParams)
	}
	if len(cal) != len(actual) {
		return HoldoutEvaluation{}, fmt.Errorf("churn: evaluate: %d observations but %d holdout counts: %w", len(cal), len(actual), ErrInvalidInput)
	}
	if len(cal) == 0 {
		return HoldoutEvaluation{}, errNoCustomers
	}
	h, err := NewHoldoutAccumulator(m, horizon, maxBin)
	if err != nil {
		return HoldoutEvaluation{}, err
	}
	h.keep = true
	h.Grow(len(cal))
	n := len(cal)
	h.expected, h.actual, h.pAlive = make([]float64, 0, n), make([]float64, 0, n), make([]float64, 0, n)
	if err := h.Add(cal, actual); err != nil {
		return HoldoutEvaluation{}, err
	}
	return h.Evaluation()
}

// errNoCustomers is the error of a holdout check without a customer.
var errNoCustomers = fmt.Errorf("churn: evaluate: no customers: %w", ErrInsufficientData)

// HoldoutAccumulator computes the holdout check of [EvaluateHoldout] of
// customers added in parts, for a caller that cannot hold the
// observations, scores and holdout counts of all its customers at once.
// Each [HoldoutAccumulator.Add] scores one part with the model, as
// [ScoreAll] does, and adds it to running sums; [HoldoutAccumulator.Evaluation]
// returns the check of all the customers added so far, and may be called
// again after further parts.
//
// Over n customers i with expected holdout purchases eᵢ = E[Y(horizon) |
// calibration] (Fader, Hardie & Lee 2005, Marketing Science 24(2), eq. 10,
// and the model's own counterpart), actual holdout purchases aᵢ, P(alive)
// pᵢ and lapse indicator yᵢ = 1{aᵢ = 0}:
//
//	TotalExpected = Σ eᵢ,  TotalActual = Σ aᵢ
//	MAE   = Σ |eᵢ − aᵢ| / n
//	RMSE  = √(Σ (eᵢ − aᵢ)² / n)
//	Brier = Σ ((1 − pᵢ) − yᵢ)² / n   (Brier 1950, Monthly Weather Review 78(1), 1–3)
//	ByFrequency[k]: the means of eᵢ and aᵢ over the customers of
//	  calibration frequency k (k = maxBin: k and above)
//	  (Fader, Hardie & Lee 2005, Figure 4)
//	AUC   = (Σ ranks of the lapsed − n₊(n₊+1)/2) / (n₊ n₋)
//	  (ranks by ascending 1 − pᵢ, ties given their mean rank; see [LapseAUC])
//
// The sums are taken customer by customer in the order added, as
// EvaluateHoldout takes them, so the evaluation of the same customers is
// the same to the last bit however they are split into parts. The
// accumulator keeps, besides the sums and the bins, 8 bytes per customer
// for the AUC: P(alive) and the lapse bit in one uint64 (P(alive) is not
// negative, so its sign bit is free). [HoldoutAccumulator.Grow] sizes
// that store up front. It also keeps the scores of the largest part
// added, 16 bytes per customer of that part, to score the next parts
// into without allocating.
//
// A HoldoutAccumulator is not safe for concurrent use.
type HoldoutAccumulator struct {
	m       TransactionModel
	horizon float64
	n       int
	err     error
	bins    []FrequencyBin // sums until Evaluation divides a copy
	// totals in the order of EvaluateHoldout's loop
	totalExpected, totalActual, sae, sse, brier float64
	// keys are P(alive) and the lapse bit of each customer (see lapseKey),
	// in the order added until Evaluation sorts them.
	keys   []uint64
	scores []Score // scratch of Add
	// keep makes Add keep Expected, Actual and PAlive (EvaluateHoldout).
	keep                     bool
	expected, actual, pAlive []float64
}

// NewHoldoutAccumulator returns an accumulator of the holdout check of
// the transaction model m over the holdout horizon (in the model's time
// unit), with frequency bins 0 to maxBin as [EvaluateHoldout]. A nil m is
// ErrInvalidParams, a maxBin outside [1, 100000] an *InputError of the
// field "max_bin", and a horizon or model parameters that [ScoreAll]
// refuses that error (for [BGBB], a horizon that is not a whole number
// of opportunities, which its Score refuses, included).
func NewHoldoutAccumulator(m TransactionModel, horizon float64, maxBin int) (*HoldoutAccumulator, error) {
	if m == nil {
		return nil, fmt.Errorf("churn: evaluate: nil model: %w", ErrInvalidParams)
	}
	if maxBin < 1 || maxBin > maxHoldoutBin {
		return nil, &InputError{Index: -1, Fields: []FieldError{{"max_bin", float64(maxBin), "must be between 1 and 100000"}}}
	}
	// The checks of ScoreAll that do not depend on the customers, and
	// BG/BB's horizon of whole opportunities, which its Score checks
	// (customer by customer).
	if err := ScoreAll(m, nil, horizon, nil); err != nil {
		return nil, err
	}
	switch m.(type) {
	case BGBB, *BGBB:
		if err := checkOpportunities(horizon); err != nil {
			return nil, err
		}
	}
	bins := make([]FrequencyBin, maxBin+1)
	for i := range bins {
		bins[i].Frequency = i
	}
	bins[maxBin].AndAbove = true
	return &HoldoutAccumulator{m: m, horizon: horizon, bins: bins}, nil
}

// Grow grows the accumulator's store of P(alive), if necessary, to hold
// n more customers without another allocation (8 bytes each). A negative
// n is ignored; as [slices.Grow], Grow panics if the store cannot be
// allocated.
func (h *HoldoutAccumulator) Grow(n int) {
	if n > 0 {
		h.keys = slices.Grow(h.keys, n)
	}
}

// Len returns the number of customers added.
func (h *HoldoutAccumulator) Len() int { return h.n }

// Add scores the calibration observations cal with the model and adds
// them, with their holdout purchase counts actual (same length, each
// finite and ≥ 0), to the check; cal and actual are not retained.
//
// A customer is named in an error by its index among all the customers
// added, counting the earlier parts, and by its ID: the first customer
// of the part whose holdout count is bad (an *InputError of the field
// "actual"), whose observation the model cannot score (the error of
// [ScoreAll], its index counted so), whose calibration frequency is not
// a non-negative integer up to 1e7 (an *InputError of the field
// "frequency": a model of the caller's need not check it), whose
// P(alive) is not in [0, 1] (of the field "p_alive"), whose expected
// purchases are not finite and ≥ 0 (of the field "expected"), or with
// whom a sum of the check overflows (of the field "expected" or
// "actual", whichever is larger), whichever comes first; of one
// customer, in that order. Lengths that differ are ErrInvalidInput. A
// part with an error adds nothing, and the error stays: every later Add
// and Evaluation returns it.
func (h *HoldoutAccumulator) Add(cal []Observation, actual []float64) error {
	if h.err != nil {
		return h.err
	}
	if err := h.add(cal, actual); err != nil {
		h.err = err
		return err
	}
	return nil
}

func (h *HoldoutAccumulator) add(cal []Observation, actual []float64) error {
	if len(cal) != len(actual) {
		return fmt.Errorf("churn: evaluate: %d observations but %d holdout counts: %w", len(cal), len(actual), ErrInvalidInput)
	}
	// Customers before the first bad count are scored, so that the
	// first bad customer is named, whatever is wrong with it.
	ok := len(actual)
	for i, a := range actual {
		if !finite(a) || a < 0 {
			ok = i
			break
		}
	}
	h.scores = slices.Grow(h.scores[:0], ok)[:ok]
	scores := h.scores
	var bad error
	if err := scoreAll(h.m, cal[:ok], h.horizon, scores, h.n); err != nil {
		// Scored again one by one up to the first that fails, whose
		// error is that of ScoreAll, with the customer's index among
		// all: the customers before it can still have a bad P(alive).
		// When none fails again (a model of the caller's that is not
		// deterministic), the error is ScoreAll's, named alike, and no
		// other customer's is looked for.
		bad = err
		again := false
		for i := range ok {
			if err := scoreRange(h.m, cal[i:i+1], h.horizon, scores[i:i+1], h.n+i); err != nil {
				ok, bad, again = i, err, true
				break
			}
		}
		if !again {
			return bad
		}
	}
	// The sums are taken into copies, customer by customer in the order
	// of EvaluateHoldout's loop, and kept only when the whole part is
	// good: a part with an error adds nothing. Every customer's values
	// are checked before they are added, so that no NaN or Inf reaches
	// a sum and no frequency falls outside the bins.
	te, ta, sae, sse, brier := h.totalExpected, h.totalActual, h.sae, h.sse, h.brier
	for i, s := range scores[:ok] {
		if err := checkScored(h.n+i, cal[i], s); err != nil {
			return err
		}
		e, a := s.ExpectedPurchases, actual[i]
		te += e
		ta += a
		sae += math.Abs(e - a)
		sse += (e - a) * (e - a)
		y := 0.0
		if a == 0 {
			y = 1
		}
		d := (1 - s.PAlive) - y
		brier += d * d
		// e and a are finite and ≥ 0, so no sum is NaN, and the bins'
		// sums (of some of the same terms) are at most the totals.
		if max(te, ta, sae, sse) > math.MaxFloat64 {
			f := FieldError{"expected", e, "too large: the sums of the holdout check overflow"}
			if a > e {
				f = FieldError{"actual", a, f.Reason}
			}
			return &InputError{Index: h.n + i, ID: cal[i].ID, Fields: []FieldError{f}}
		}
	}
	if bad != nil {
		return bad
	}
	if ok < len(actual) {
		return &InputError{Index: h.n + ok, ID: cal[ok].ID, Fields: []FieldError{{"actual", actual[ok], "must be finite and non-negative"}}}
	}
	h.totalExpected, h.totalActual, h.sae, h.sse, h.brier = te, ta, sae, sse, brier
	maxBin := len(h.bins) - 1
	for i, s := range scores {
		e, a := s.ExpectedPurchases, actual[i]
		b := &h.bins[min(int(cal[i].Frequency), maxBin)]
		b.Customers++
		b.MeanExpected += e
		b.MeanActual += a
		h.keys = append(h.keys, lapseKey(s.PAlive, a == 0))
	}
	if h.keep {
		for _, s := range scores {
			h.expected = append(h.expected, s.ExpectedPurchases)
			h.pAlive = append(h.pAlive, s.PAlive)
		}
		h.actual = append(h.actual, actual...)
	}
	h.n += len(scores)
	return nil
}

// checkScored returns nil, or the *InputError naming the customer o of
// index i whose score s the holdout check cannot take: a calibration
// frequency that is not a bin (a model of the caller's need not check
// it), a P(alive) outside [0, 1] or expected purchases that are not
// finite and ≥ 0 (NaN included), in that order.
func checkScored(i int, o Observation, s Score) error {
	var f FieldError
	switch x, p, e := o.Frequency, s.PAlive, s.ExpectedPurchases; {
	case !(x >= 0 && x <= maxFrequency && x == math.Trunc(x)):
		f = checkFrequency(nil, x)[0]
	case !(p >= 0 && p <= 1):
		f = FieldError{"p_alive", p, "must be between 0 and 1"}
	case !(e >= 0 && e <= math.MaxFloat64):
		f = FieldError{"expected", e, "must be finite and non-negative"}
	default:
		return nil
	}
	return &InputError{Index: i, ID: o.ID, Fields: []FieldError{f}}
}

// Evaluation returns the holdout check of the customers added: every
// field of [HoldoutEvaluation] but Expected, Actual and PAlive, which
// are nil. Without a customer it is an error matching
// ErrInsufficientData; after an Add that failed, that error. It sorts
// the store of P(alive) in place (n log n time, no allocation beyond
// the bins) and leaves the accumulator ready for more parts.
func (h *HoldoutAccumulator) Evaluation() (HoldoutEvaluation, error) {
	if h.err != nil {
		return HoldoutEvaluation{}, h.err
	}
	n := h.n
	if n == 0 {
		return HoldoutEvaluation{}, errNoCustomers
	}
	ev := HoldoutEvaluation{
		Customers:     n,
		TotalExpected: h.totalExpected,
		TotalActual:   h.totalActual,
		MAE:           h.sae / float64(n),
		RMSE:          math.Sqrt(h.sse / float64(n)),
		Brier:         h.brier / float64(n),
		ByFrequency:   slices.Clone(h.bins),
	}
	for i := range ev.ByFrequency {
		b := &ev.ByFrequency[i]
		if c := b.Customers; c > 0 {
			b.MeanExpected /= float64(c)
			b.MeanActual /= float64(c)
		}
	}
	ev.AUC, ev.AUCDefined = lapseAUCOfKeys(h.keys)
	if h.keep {
		ev.Expected, ev.Actual, ev.PAlive = h.expected, h.actual, h.pAlive
	}
	return ev, nil
}

// lapseKey packs a P(alive) p in [0, 1] and whether the customer lapsed
// into one uint64 whose order is that of p: the bits of p (a −0 taken
// as 0), which for a number ≥ 0 order as the number does and leave the
// sign bit free, shifted up by one, and the lapse bit below them.
func lapseKey(p float64, lapsed bool) uint64 {
	if p == 0 {
		p = 0 // not −0
	}
	k := math.Float64bits(p) << 1
	if lapsed {
		k |= 1
	}
	return k
}

// lapseAUCOfKeys is the AUC of LapseAUC of the customers of keys (see
// lapseKey), which it sorts.
func lapseAUCOfKeys(keys []uint64) (auc float64, defined bool) {
	slices.Sort(keys)
	// Ascending score 1 − P(alive) is descending P(alive): rank r (from
	// 1) is keys[n−r]. Ties are the keys equal but for the lapse bit.
	n := len(keys)
	var pos, rankSum float64
	for i := 0; i < n; {
		j := i
		for j < n && keys[n-1-j]>>1 == keys[n-1-i]>>1 {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			if keys[n-1-k]&1 == 1 {
				pos++
				rankSum += avg
			}
		}
		i = j
	}
	neg := float64(n) - pos
	if pos == 0 || neg == 0 {
		return 0, false
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg), true
}

// LapseAUC returns the area under the ROC curve of the score
// 1 − pAlive[i] as a classifier of the customers who lapsed (made no
// purchase in the holdout period, lapsed(i) true) among len(pAlive)
// customers, and false, with 0, when they are all in one class. It is
// the AUC of [EvaluateHoldout], for a caller who keeps only P(alive) and
// the holdout counts of each customer. It is computed by the rank-sum
// (Mann–Whitney U) method, tied scores given their mean rank
// (Hanley & McNeil 1982, "The meaning and use of the area under a
// receiver operating characteristic (ROC) curve", Radiology 143(1),
// 29–36):
//
//	AUC = (Σ ranks of the lapsed − n₊(n₊+1)/2) / (n₊ n₋)
//
// with n₊ customers lapsed and n₋ not, ranks by ascending score.
//
// A P(alive) that is not in [0, 1] (NaN included) is rejected with an
// *InputError naming its index and the field "p_alive", and a nil lapsed
// with ErrInvalidInput when there are customers.
func LapseAUC(pAlive []float64, lapsed func(i int) bool) (auc float64, defined bool, err error) {
	for i, p := range pAlive {
		if !(p >= 0 && p <= 1) {
			return 0, false, &InputError{Index: i, Fields: []FieldError{{"p_alive", p, "must be between 0 and 1"}}}
		}
	}
	n := len(pAlive)
	if n > 0 && lapsed == nil {
		return 0, false, fmt.Errorf("churn: lapse AUC: nil lapsed: %w", ErrInvalidInput)
	}
	keys := make([]uint64, n)
	for i, p := range pAlive {
		keys[i] = lapseKey(p, lapsed(i))
	}
	auc, defined = lapseAUCOfKeys(keys)
	return auc, defined, nil
}
