package churn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// simulateGammaGamma draws n repeat customers of the Gamma-Gamma model:
// x uniform on 1…xMax repeat transactions (xMax > 0), or 1 + a geometric
// count with success probability 1/2 capped at 20 (xMax = 0: most
// customers buy again once or twice, as in a shop's data), ν ~ Gamma(q,
// rate γ), and the mean z̄ of x values Gamma(p, rate ν), which is
// Gamma(px, rate xν).
func simulateGammaGamma(rng *rand.Rand, n int, p, q, v float64, xMax int) []SpendObservation {
	obs := make([]SpendObservation, n)
	for i := range obs {
		var x float64
		if xMax > 0 {
			x = float64(1 + rng.IntN(xMax))
		} else {
			for x = 1; x < 20 && rng.IntN(2) == 0; x++ {
			}
		}
		nu := gammaVariate(rng, q) / v
		obs[i] = SpendObservation{Frequency: x, MeanSpend: gammaVariate(rng, p*x) / (x * nu)}
	}
	return obs
}

// simVerdict is one simulated fit judged by the Wald and the
// likelihood-ratio rule.
type simVerdict struct {
	failed, edge, lrUnconverged bool
	wald, lr, waldLog           bool
	fitTime, q1Time             time.Duration
}

func judgeSimulated(obs []SpendObservation) simVerdict {
	var v simVerdict
	g, err := GroupSpend(obs)
	if err != nil {
		v.failed = true
		return v
	}
	t0 := time.Now()
	fit, err := FitGammaGamma(g, nil)
	v.fitTime = time.Since(t0)
	var be *BoundaryError
	switch {
	case errors.As(err, &be) && be.Usable():
		v.edge = true
	case err != nil:
		v.failed = true
		return v
	}
	q := fit.Model.Q
	se := fit.MeanSpendStdErr()
	// The Wald rule on q, which MeanSpendDetermined used before the
	// likelihood ratio, and the Wald rule on ln q, the scale the fit runs
	// on: ln q̂ > 1.96·se(q)/q̂.
	v.wald = q > 1 && (q > math.Exp(ridgeTheta) || q-1 > meanSpendZ*se)
	v.waldLog = q > 1 && (q > math.Exp(ridgeTheta) || math.Log(q) > meanSpendZ*se/q)
	v.lr = fit.MeanSpendDetermined()
	if q > 1 && q <= math.Exp(ridgeTheta) {
		// The fit at q = 1 again, for its time (the objective's set-up
		// included) and convergence.
		t1 := time.Now()
		raw, meanZ := gammaGammaObjective(g)
		s, _ := settings(nil, 1e-9)
		_, conv, _ := gammaGammaMaxAtQ(raw, meanZ, g.Customers(), 1, [2]float64{fit.Model.P, fit.Model.V / q}, s)
		v.q1Time = time.Since(t1)
		v.lrUnconverged = !conv
	}
	return v
}

// TestGammaGammaMeanRuleSimulation measures how often MeanSpendDetermined
// (the one-sided likelihood-ratio rule), the Wald rule on q it replaced
// and the Wald rule on ln q call the mean spend determined, on data
// simulated with q ≤ 1 (size; at most 2.5% wanted) and q > 1 (power),
// for 200, 2,000 and 20,000 customers and p, γ near the fits to the crm
// tool's consumers and dealers and to CDNOW. It runs only with
// TAILOR_GG_SIM set (to the replications per cell, or 1 for 200);
// TAILOR_GG_SIM_SIZES, _SETS, _Q and _XMAX (0: few transactions per
// customer) narrow it. Each cell has a seeded stream of its own:
//
//	TAILOR_GG_SIM=1000 go test -run GammaGammaMeanRuleSimulation -v ./churn/
func TestGammaGammaMeanRuleSimulation(t *testing.T) {
	env := os.Getenv("TAILOR_GG_SIM")
	if env == "" || testing.Short() {
		t.Skip("set TAILOR_GG_SIM to run the simulation")
	}
	reps, _ := strconv.Atoi(env)
	if reps <= 1 {
		reps = 200
	}
	sizes := []int{200, 2000, 20000}
	if s := os.Getenv("TAILOR_GG_SIM_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, _ := strconv.Atoi(f)
			sizes = append(sizes, n)
		}
	}
	xMax := 20
	qOffset := 0 // index of qs[0] among the seven values of q, for the seeds
	if s := os.Getenv("TAILOR_GG_SIM_XMAX"); s != "" {
		xMax, _ = strconv.Atoi(s) // 0: geometric
	}
	sets := []struct {
		name string
		seed uint64 // for a stream of its own
		p, v float64
	}{{"consumers", 0, 1.36, 4380}, {"intermediaries", 1, 0.48, 26700}, {"cdnow", 2, 6.25, 15.44}}
	if s := os.Getenv("TAILOR_GG_SIM_SETS"); s != "" {
		keep := sets[:0]
		for _, st := range sets {
			if strings.Contains(s, st.name) {
				keep = append(keep, st)
			}
		}
		sets = keep
	}
	qs := []float64{0.8, 0.95, 1.0, 1.05, 1.2, 1.5, 3}
	if s := os.Getenv("TAILOR_GG_SIM_Q"); s != "" {
		q, _ := strconv.ParseFloat(s, 64)
		qi := slices.Index(qs, q)
		if qi < 0 {
			t.Fatalf("TAILOR_GG_SIM_Q=%s: want one of %v", s, qs)
		}
		qs = []float64{q}
		qOffset = qi
	}
	fmt.Printf("reps=%d xMax=%d\n%-15s %6s %5s %14s %14s %14s %5s %5s %5s %9s %9s\n", reps, xMax, "set", "n", "q", "wald", "lr", "wald ln q", "edge", "fail", "lrNC", "fit ms", "of it q=1")
	for _, st := range sets {
		for _, n := range sizes {
			for qi, q := range qs {
				var mu sync.Mutex
				var wald, lr, wlog, edge, fail, nc, done int
				var ft, qt time.Duration
				var wg sync.WaitGroup
				work := make(chan int)
				for range 2 {
					wg.Go(func() {
						for r := range work {
							rng := rand.New(rand.NewPCG(uint64(1000*n+10*(qOffset+qi))+st.seed, uint64(r)))
							v := judgeSimulated(simulateGammaGamma(rng, n, st.p, q, st.v, xMax))
							mu.Lock()
							if v.failed {
								fail++
							} else {
								done++
								ft += v.fitTime
								qt += v.q1Time
								if v.edge {
									edge++
								}
								if v.lrUnconverged {
									nc++
								}
								if v.wald {
									wald++
								}
								if v.lr {
									lr++
								}
								if v.waldLog {
									wlog++
								}
							}
							mu.Unlock()
						}
					})
				}
				for r := range reps {
					work <- r
				}
				close(work)
				wg.Wait()
				pct := func(k int) string { return fmt.Sprintf("%d (%.1f%%)", k, 100*float64(k)/float64(max(done, 1))) }
				fmt.Printf("%-15s %6d %5.2f %14s %14s %14s %5d %5d %5d %9.2f %9.2f\n", st.name, n, q, pct(wald), pct(lr), pct(wlog), edge, fail, nc,
					float64(ft.Microseconds())/1e3/float64(max(done, 1)), float64(qt.Microseconds())/1e3/float64(max(done, 1)))
			}
		}
	}
}
