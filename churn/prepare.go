package churn

import (
	"fmt"
	"math"
	"slices"
)

// prepared is the fit-time layout of grouped observations: the distinct
// frequencies, T values and recencies, each group pointing into them, so
// that every term that depends on one of them alone is computed once per
// distinct value and not once per group. Scratch slices are allocated
// once here, so likelihood evaluations allocate nothing.
type prepared struct {
	n        float64   // customers
	xs, xw   []float64 // distinct frequencies and their customer counts
	Ts, txs  []float64 // distinct T and distinct recencies
	gw, gx   []float64 // per group: count, frequency
	gix      []int32   // per group: index into xs
	giT, gtx []int32   // per group: index into Ts, txs
	sumX     float64   // Σ count·x
	sumT     float64   // Σ count·T

	// scratch, one entry per distinct value
	lT, iT, ltx, itx []float64
	aT, bT           []float64
	xa, xb           []float64
}

func distinct(v []float64) []float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return slices.Compact(s)
}

func indexOf(s []float64, v float64) int32 {
	i, _ := slices.BinarySearch(s, v)
	return int32(i)
}

func prepare(g *Groups) *prepared {
	gs := g.inOrder()
	p := &prepared{n: float64(g.Customers())}
	all := make([]float64, len(gs))
	for i, gr := range gs {
		all[i] = gr.Frequency
	}
	p.xs = distinct(all)
	for i, gr := range gs {
		all[i] = gr.T
	}
	p.Ts = distinct(all)
	for i, gr := range gs {
		all[i] = gr.Recency
	}
	p.txs = distinct(all)
	p.xw = make([]float64, len(p.xs))
	p.gw = make([]float64, len(gs))
	p.gx = make([]float64, len(gs))
	p.gix = make([]int32, len(gs))
	p.giT = make([]int32, len(gs))
	p.gtx = make([]int32, len(gs))
	for i, gr := range gs {
		w := float64(gr.Count)
		p.gw[i] = w
		p.gx[i] = gr.Frequency
		p.gix[i] = indexOf(p.xs, gr.Frequency)
		p.giT[i] = indexOf(p.Ts, gr.T)
		p.gtx[i] = indexOf(p.txs, gr.Recency)
		p.xw[p.gix[i]] += w
		p.sumX += w * gr.Frequency
		p.sumT += w * gr.T
	}
	p.lT = make([]float64, len(p.Ts))
	p.iT = make([]float64, len(p.Ts))
	p.aT = make([]float64, len(p.Ts))
	p.bT = make([]float64, len(p.Ts))
	p.ltx = make([]float64, len(p.txs))
	p.itx = make([]float64, len(p.txs))
	p.xa = make([]float64, len(p.xs))
	p.xb = make([]float64, len(p.xs))
	return p
}

// checkTransactionData rejects populations that cannot identify a
// transaction model.
func checkTransactionData(g *Groups) error {
	if g == nil || g.Customers() == 0 {
		return &dataError{"no customers"}
	}
	for _, gr := range g.groups {
		if gr.Frequency > 0 {
			return nil
		}
	}
	return &dataError{fmt.Sprintf("none of %d customers has a repeat purchase", g.Customers())}
}

// dataError is ErrInsufficientData with what is missing; its text does
// not repeat the package name that the fit's own context gives.
type dataError struct{ why string }

func (e *dataError) Error() string { return "insufficient data to fit the model: " + e.why }
func (e *dataError) Unwrap() error { return ErrInsufficientData }

// defaultRateStart returns log start values r = 1, α = ΣT/Σx (so that the
// mean purchase rate r/α matches the observed repeat rate).
func defaultRateStart(p *prepared) (float64, float64) {
	alpha := p.sumT / math.Max(p.sumX, 1)
	return 0, math.Log(math.Min(math.Max(alpha, 1e-6), 1e6))
}
