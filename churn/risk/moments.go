package risk

import "math"

// Moments are the count, mean and sum of squared deviations of a stream of
// numbers, updated one value at a time by Welford's method and merged by
// the parallel formula of Chan, Golub & LeVeque (1979, "Updating formulae
// and a pairwise algorithm for computing sample variances"):
//
//	n = n_a + n_b,  δ = mean_b − mean_a,
//	mean = mean_a + δ·n_b/n,  M2 = M2_a + M2_b + δ²·n_a·n_b/n.
//
// The moments of two shards merge into the moments of their union (up to
// rounding), so the standardisation can be fitted across workers.
type Moments struct {
	N    int64
	Mean float64
	M2   float64
}

// Add returns the moments with x added. A NaN or infinite x is ignored.
func (m Moments) Add(x float64) Moments {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return m
	}
	m.N++
	d := x - m.Mean
	m.Mean += d / float64(m.N)
	m.M2 += d * (x - m.Mean)
	return m
}

// Merge returns the moments of the union of the two streams.
func (m Moments) Merge(o Moments) Moments {
	switch {
	case o.N == 0:
		return m
	case m.N == 0:
		return o
	}
	n := m.N + o.N
	fa, fb, fn := float64(m.N), float64(o.N), float64(n)
	d := o.Mean - m.Mean
	return Moments{
		N:    n,
		Mean: m.Mean + d*fb/fn,
		M2:   m.M2 + o.M2 + d*d*fa*fb/fn,
	}
}

// Variance returns the population variance M2 ÷ N; zero when N is 0.
func (m Moments) Variance() float64 {
	if m.N == 0 || m.M2 <= 0 {
		return 0
	}
	return m.M2 / float64(m.N)
}

// SD returns the population standard deviation √Variance.
func (m Moments) SD() float64 { return math.Sqrt(m.Variance()) }
