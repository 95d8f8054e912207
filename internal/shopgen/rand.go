package shopgen

import (
	"math"
	"math/rand/v2"
)

// splitmix64 is the finaliser of SplitMix64 (Steele, Lea & Flood 2014),
// used to derive independent PCG seeds from (seed, stream).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// streamSeeds returns the two PCG seeds of stream s of seed.
func streamSeeds(seed, s uint64) (uint64, uint64) {
	a := splitmix64(seed ^ splitmix64(s))
	return a, splitmix64(a ^ 0x5851f42d4c957f2d)
}

// rng is a random stream with the distributions the generator needs.
type rng struct {
	pcg *rand.PCG
	*rand.Rand
}

func newRNG() *rng {
	p := rand.NewPCG(0, 0)
	return &rng{pcg: p, Rand: rand.New(p)}
}

// reset points r at stream s of seed.
func (r *rng) reset(seed, s uint64) { r.pcg.Seed(streamSeeds(seed, s)) }

// chance returns true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// uniform returns a uniform number in [lo, hi).
func (r *rng) uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// between returns a uniform integer in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// exp returns an exponential variate of the given rate.
func (r *rng) exp(rate float64) float64 { return r.ExpFloat64() / rate }

// gamma returns a gamma variate of shape k and scale θ (mean kθ), by
// Marsaglia & Tsang (2000), "A simple method for generating gamma
// variables", with the boost X·U^(1/k) for k < 1.
func (r *rng) gamma(k, theta float64) float64 {
	boost := 1.0
	if k < 1 {
		boost = math.Pow(1-r.Float64(), 1/k)
		k++
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * theta * boost
		}
	}
}

// lognormal returns exp(N(mu, sigma²)).
func (r *rng) lognormal(mu, sigma float64) float64 {
	return math.Exp(mu + sigma*r.NormFloat64())
}

// poisson returns a Poisson variate of mean m (Knuth's product method for
// small means, a rounded normal approximation above 30).
func (r *rng) poisson(m float64) int {
	if m <= 0 {
		return 0
	}
	if m > 30 {
		return max(0, int(math.Round(m+math.Sqrt(m)*r.NormFloat64())))
	}
	return r.poissonExp(math.Exp(-m))
}

// poissonExp is poisson for a mean m given as l = e^(−m), m ≤ 30.
func (r *rng) poissonExp(l float64) int {
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// pick returns an index drawn with the given cumulative weights (the last
// one is the total).
func (r *rng) pick(cum []float64) int {
	u := r.Float64() * cum[len(cum)-1]
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

// cumulative returns the running sums of w.
func cumulative(w ...float64) []float64 {
	c := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		c[i] = s
	}
	return c
}
