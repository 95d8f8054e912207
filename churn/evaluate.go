package churn

import (
	"cmp"
	"errors"
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
	// at the end of calibration.
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
// A P(alive) of m outside [0, 1] (NaN included) is an *InputError naming
// the customer (see LapseAUC).
func EvaluateHoldout(m TransactionModel, cal []Observation, actual []float64, horizon float64, maxBin int) (HoldoutEvaluation, error) {
	var ev HoldoutEvaluation
	if m == nil {
		return ev, fmt.Errorf("churn: evaluate: nil model: %w", ErrInvalidParams)
	}
	if len(cal) != len(actual) {
		return ev, fmt.Errorf("churn: evaluate: %d observations but %d holdout counts: %w", len(cal), len(actual), ErrInvalidInput)
	}
	if len(cal) == 0 {
		return ev, fmt.Errorf("churn: evaluate: no customers: %w", ErrInsufficientData)
	}
	if maxBin < 1 || maxBin > maxHoldoutBin {
		return ev, &InputError{Index: -1, Fields: []FieldError{{"max_bin", float64(maxBin), "must be between 1 and 100000"}}}
	}
	for i, a := range actual {
		if !finite(a) || a < 0 {
			return ev, &InputError{Index: i, ID: cal[i].ID, Fields: []FieldError{{"actual", a, "must be finite and non-negative"}}}
		}
	}
	scores := make([]Score, len(cal))
	if err := ScoreAll(m, cal, horizon, scores); err != nil {
		return ev, err
	}
	n := len(cal)
	ev.Customers = n
	ev.Expected = make([]float64, n)
	ev.Actual = slices.Clone(actual)
	ev.PAlive = make([]float64, n)
	bins := make([]FrequencyBin, maxBin+1)
	for i := range bins {
		bins[i].Frequency = i
	}
	bins[maxBin].AndAbove = true
	var sae, sse, brier float64
	for i, s := range scores {
		e, a := s.ExpectedPurchases, actual[i]
		ev.Expected[i] = e
		ev.PAlive[i] = s.PAlive
		ev.TotalExpected += e
		ev.TotalActual += a
		sae += math.Abs(e - a)
		sse += (e - a) * (e - a)
		y := 0.0
		if a == 0 {
			y = 1
		}
		d := (1 - s.PAlive) - y
		brier += d * d
		b := &bins[min(int(cal[i].Frequency), maxBin)]
		b.Customers++
		b.MeanExpected += e
		b.MeanActual += a
	}
	for i := range bins {
		if c := bins[i].Customers; c > 0 {
			bins[i].MeanExpected /= float64(c)
			bins[i].MeanActual /= float64(c)
		}
	}
	ev.ByFrequency = bins
	ev.MAE = sae / float64(n)
	ev.RMSE = math.Sqrt(sse / float64(n))
	ev.Brier = brier / float64(n)
	var err error
	ev.AUC, ev.AUCDefined, err = LapseAUC(ev.PAlive, func(i int) bool { return actual[i] == 0 })
	if err != nil {
		if ie := (*InputError)(nil); errors.As(err, &ie) {
			ie.ID = cal[ie.Index].ID
		}
		return HoldoutEvaluation{}, err
	}
	return ev, nil
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
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	// Ascending score 1 − P(alive) is descending P(alive).
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(pAlive[b], pAlive[a]) })
	var pos, rankSum float64
	for i := 0; i < n; {
		j := i
		for j < n && pAlive[idx[j]] == pAlive[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			if lapsed(idx[k]) {
				pos++
				rankSum += avg
			}
		}
		i = j
	}
	neg := float64(n) - pos
	if pos == 0 || neg == 0 {
		return 0, false, nil
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg), true, nil
}
