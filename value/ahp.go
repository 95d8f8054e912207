package value

import (
	"fmt"
	"math"
)

// RandomIndex is Saaty's random consistency index RI(n) for matrices of
// order n = 1 … 15: the mean consistency index of random reciprocal
// matrices with entries from the 1/9 … 9 scale, as the table of Saaty
// (1980, "The Analytic Hierarchy Process") is usually reproduced, its
// 1.48 at n = 12 included. Tables from later simulations differ
// slightly (0.52 rather than 0.58 at n = 3, for one); a caller that
// prefers one of them can compare a result's CI with its own RI.
var RandomIndex = [...]float64{0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59}

// MaxAHPOrder is the largest pairwise-comparison matrix [AHP] accepts.
const MaxAHPOrder = len(RandomIndex) - 1

// reciprocalTol is the relative tolerance of the reciprocity check
// a_ji · a_ij = 1: matrices typed with 1/3 written as 0.3333 pass.
const reciprocalTol = 1e-3

// reciprocalSlack absorbs the rounding of the product a_ji · a_ij in
// float64, so that a product exactly 0.1 % off, such as 0.111 · 9 =
// 0.999 (1/9 typed to three decimals), passes as 0.333 · 3 does.
const reciprocalSlack = 1e-12

// AHPResult is the outcome of the analytic hierarchy process on one
// pairwise-comparison matrix.
type AHPResult struct {
	// Weights is the principal eigenvector, normalised to sum to 1.
	Weights []float64
	// LambdaMax is the principal eigenvalue: λmax ≥ n for an exactly
	// reciprocal matrix (Saaty 1980), possibly a little below n for one
	// accepted within the reciprocity tolerance (1/3 typed as 0.333).
	LambdaMax float64
	// CI is the consistency index max(0, (λmax − n) ÷ (n − 1)), the
	// floor at 0 absorbing a λmax just below n; 0 for n ≤ 2.
	CI float64
	// CR is the consistency ratio CI ÷ RI(n); 0 for n ≤ 2.
	CR float64
}

// AHP derives weights from a pairwise-comparison matrix by the analytic
// hierarchy process (Saaty 1980): a[i][j] says how much more important
// item i is than item j on the 1–9 scale (a[j][i] = 1 ÷ a[i][j],
// a[i][i] = 1). The weights are the principal right eigenvector w of a,
// A·w = λmax·w, normalised to Σw = 1, found by power iteration (a is
// positive, so by Perron's theorem λmax is simple and w positive). For a
// perfectly consistent matrix a[i][j] = w_i ÷ w_j the first iteration
// already returns w.
//
// The consistency index is CI = max(0, (λmax − n) ÷ (n − 1)) and the
// consistency ratio CR = CI ÷ RI(n) with Saaty's [RandomIndex]. A matrix with
// CR ≥ 0.1 returns a *[ConsistencyError] carrying the CR (and the result
// alongside, for display). A matrix that is not square, has zero,
// negative or non-finite entries, entries beyond the scale 1/9 … 9 (by
// more than 0.1 %; the random index, and so the CR, is defined for that
// scale only), a diagonal other than 1, is not reciprocal within 0.1 %,
// or is larger than [MaxAHPOrder] returns a *[ModelError].
func AHP(a [][]float64) (AHPResult, error) {
	if err := checkPairwise(a); err != nil {
		return AHPResult{}, err
	}
	n := len(a)
	w := make([]float64, n)
	next := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	for iter := 0; iter < 1000; iter++ {
		sum := 0.0
		for i := range a {
			s := 0.0
			for j, x := range a[i] {
				s += x * w[j]
			}
			next[i] = s
			sum += s
		}
		diff := 0.0
		for i := range next {
			next[i] /= sum
			diff = max(diff, math.Abs(next[i]-w[i]))
		}
		w, next = next, w
		if diff <= 1e-15 {
			break
		}
	}
	lambda := 0.0
	for i := range a {
		s := 0.0
		for j, x := range a[i] {
			s += x * w[j]
		}
		lambda += s / w[i]
	}
	lambda /= float64(n)
	r := AHPResult{Weights: w, LambdaMax: lambda}
	if n > 2 {
		r.CI = max(0, (lambda-float64(n))/float64(n-1))
		r.CR = r.CI / RandomIndex[n]
	}
	if r.CR >= 0.1 {
		return r, &ConsistencyError{CR: r.CR, CI: r.CI}
	}
	return r, nil
}

func checkPairwise(a [][]float64) error {
	n := len(a)
	if n == 0 {
		return &ModelError{Reason: "pairwise matrix is empty"}
	}
	if n > MaxAHPOrder {
		return &ModelError{Reason: fmt.Sprintf("pairwise matrix of order %d: at most %d items", n, MaxAHPOrder)}
	}
	for i, row := range a {
		if len(row) != n {
			return &ModelError{Reason: fmt.Sprintf("pairwise matrix is not square: row %d has %d entries, want %d", i, len(row), n)}
		}
		for j, x := range row {
			switch {
			case math.IsNaN(x) || math.IsInf(x, 0) || x <= 0:
				return &ModelError{Reason: fmt.Sprintf("pairwise entry [%d][%d] = %v: must be a positive number", i, j, x)}
			case x > 9*(1+reciprocalTol) || x < (1-reciprocalTol)/9:
				return &ModelError{Reason: fmt.Sprintf("pairwise entry [%d][%d] = %v: beyond Saaty's scale 1/9 … 9", i, j, x)}
			case i == j && x != 1:
				return &ModelError{Reason: fmt.Sprintf("pairwise entry [%d][%d] = %v: the diagonal must be 1", i, j, x)}
			}
		}
	}
	for i := range a {
		for j := i + 1; j < n; j++ {
			if math.Abs(a[i][j]*a[j][i]-1) > reciprocalTol+reciprocalSlack {
				return &ModelError{Reason: fmt.Sprintf("pairwise matrix is not reciprocal: [%d][%d] = %v but [%d][%d] = %v (want %v)",
					i, j, a[i][j], j, i, a[j][i], 1/a[i][j])}
			}
		}
	}
	return nil
}
