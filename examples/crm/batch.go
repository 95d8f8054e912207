package main

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"github.com/tailorcrm/tailor/segment"
)

// batchColumns are the columns crm batch adds after those of crm segment.
var batchColumns = []string{"frequency", "recency", "T", "p_alive", "expected_purchases", "clv", "churn_risk", "risk_band"}

func runBatch(e *env, args []string) error {
	fs := newFlags(e, "batch", "-in FILE [-format csv|cdnow] -as-of YYYY-MM-DD [-model bgnbd|paretonbd|mbgnbd] [-period day|week] [-horizon H] [-discount-rate R] [-out FILE]")
	var f inputFlags
	f.register(fs)
	asOfFlag := fs.String("as-of", "", "day of the analysis and end of the calibration period, `YYYY-MM-DD` (required): later rows are left out and counted")
	outPath := fs.String("out", "", "output `file` (default stdout)")
	model := fs.String("model", modelBGNBD, "transaction model: bgnbd, paretonbd or mbgnbd")
	periodFlag := fs.String("period", "week", "time unit of frequency, recency, T and -horizon: day or week (days ÷ 7)")
	horizon := fs.Float64("horizon", 0, "whole `periods` after -as-of over which purchases and CLV are expected (default 52 weeks or 365 days)")
	discount := fs.Float64("discount-rate", 0.10, "annual discount `rate` of the CLV, as in crm score")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkModel(*model, transactionModels); err != nil {
		return err
	}
	period, err := parsePeriod(*periodFlag)
	if err != nil {
		return err
	}
	asOf, err := parseDay("as-of", *asOfFlag)
	if err != nil {
		return err
	}
	h := *horizon
	if h == 0 {
		h = 52
		if period == customer.Days {
			h = 365
		}
	}
	if !finite(h) || h < 1 || h > 1e5 || h != math.Trunc(h) {
		return usagef("-horizon %v: want a whole number of periods in [1, 100000]", *horizon)
	}
	if !finite(*discount) || *discount < 0 || *discount > 10 {
		return usagef("-discount-rate %v: want an annual rate in [0, 10]", *discount)
	}
	src, err := f.open(e, asOf)
	if err != nil {
		return err
	}
	out, err := createOutput(e, *outPath)
	if err != nil {
		src.close()
		return err
	}
	defer out.abort()
	t, err := src.scan(e, "-as-of")
	if err != nil {
		return err
	}
	b := &batch{t: t, asOf: asOf, period: period, h: h, d: annualToPeriod(*discount, period)}
	if err := b.fit(e, *model); err != nil {
		return err
	}
	if err := b.write(out); err != nil {
		return fmt.Errorf("write %s: %w", out.name(), err)
	}
	return out.commit()
}

// batch is the state of crm batch between its passes.
type batch struct {
	t      *input.Table
	asOf   customer.Date
	period customer.Period
	h      float64 // horizon, whole periods
	d      float64 // discount rate per period

	seg    *segment.Model
	tx     churn.TransactionModel // nil when the fit failed
	gg     *churn.GammaGamma      // nil when the fit failed
	groups []churn.Group          // sorted (frequency, recency, T), T > 0
	scores []churn.Score          // of groups, over h
	dep    []float64              // of groups: discounted expected purchases over h periods
	new    churn.Score            // of a customer with T = 0
	risk   *risk.Model
	spend  []float64 // mean repeat spend of each customer, from the first pass
}

// triple returns the BTYD triple of s.
func triple(s *customer.Summary, p customer.Period) (churn.Observation, bool) {
	x, tx, T, ok := s.BTYD(p)
	if !ok {
		return churn.Observation{}, false
	}
	return churn.Observation{ID: string(s.CustomerID), Frequency: float64(x), Recency: tx, T: T}, true
}

// fit makes the first two passes over the customers, the segment
// statistics and then the quadrant thresholds together with the BTYD
// groups (so that the statistics of the first pass are gone when the
// groups are built), fits the segmentation, the transaction model and
// Gamma-Gamma, and scores every distinct (x, t_x, T) once.
func (b *batch) fit(e *env, model string) error {
	t := b.t
	b.spend = make([]float64, t.Len())
	stats := make([]*segment.Stats, runtime.GOMAXPROCS(0))
	k, err := parts(t.Len(), func(p, lo, hi int) error {
		st, err := segment.NewStats(nil)
		if err != nil {
			return err
		}
		stats[p] = st
		var s customer.Summary
		var o segment.Observation
		for i := lo; i < hi; i++ {
			t.Summary(i, &s)
			if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
				return err
			}
			if err := st.Add(&o); err != nil {
				return err
			}
			if m, ok := s.MeanRepeatSpend(); ok {
				b.spend[i] = m.InexactFloat64()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, st := range stats[1:k] {
		if err := stats[0].Merge(st); err != nil {
			return err
		}
	}
	sc, err := stats[0].Scoring()
	if err != nil {
		return err
	}
	stats = nil
	pop, err := b.thresholds(sc)
	if err != nil {
		return err
	}
	if b.risk, err = risk.Rules(nil); err != nil {
		return err
	}
	pop.report(e, b.asOf)
	b.groups = pop.groups.Slice()
	fit, err := fitModel(model, pop)
	if err != nil {
		fmt.Fprintf(e.stderr, "crm: %v; the churn columns are left empty\n", err)
		return nil
	}
	b.tx = fit.tx
	fmt.Fprintf(e.stderr, "crm: %s loglik %s on %d customers, converged %t\n", fit.name, num(fit.info.LogLikelihood), fit.info.Customers, fit.info.Converged)
	if gg, err := fitModel(modelGammaGamma, pop); err != nil {
		fmt.Fprintf(e.stderr, "crm: %v; the clv column is left empty\n", err)
	} else {
		b.gg = &gg.spend
		fmt.Fprintf(e.stderr, "crm: gammagamma p=%s q=%s v=%s on %d repeat customers (%d excluded)\n",
			num(gg.spend.P), num(gg.spend.Q), num(gg.spend.V), gg.info.Customers, gg.excluded)
	}
	return b.scoreGroups()
}

// thresholds is the second pass: the quadrant thresholds, and the model
// input of every customer with a purchase.
func (b *batch) thresholds(sc *segment.Scoring) (*population, error) {
	t := b.t
	ts := make([]*segment.ThresholdStats, runtime.GOMAXPROCS(0))
	pops := make([]*population, len(ts))
	k, err := parts(t.Len(), func(p, lo, hi int) error {
		ts[p] = sc.NewThresholdStats()
		pop := &population{groups: &churn.Groups{}, spendG: &churn.SpendGroups{}}
		pops[p] = pop
		var s customer.Summary
		var o segment.Observation
		for i := lo; i < hi; i++ {
			t.Summary(i, &s)
			if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
				return err
			}
			if err := ts[p].Add(&o); err != nil {
				return err
			}
			ob, ok := triple(&s, b.period)
			switch {
			case !ok:
				pop.noBuy++
			case ob.T == 0:
				pop.firstOnly++
			default:
				if err := pop.groups.Add(ob); err != nil {
					return fmt.Errorf("customer %q: %w", s.CustomerID, err)
				}
				if err := pop.spendG.Add(churn.SpendObservation{ID: ob.ID, Frequency: ob.Frequency, MeanSpend: b.spend[i]}); err != nil {
					return fmt.Errorf("customer %q: %w", s.CustomerID, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	pop := pops[0]
	for p := 1; p < k; p++ {
		if err := ts[0].Merge(ts[p]); err != nil {
			return nil, err
		}
		if err := pop.groups.Merge(pops[p].groups); err != nil {
			return nil, err
		}
		if err := pop.spendG.Merge(pops[p].spendG); err != nil {
			return nil, err
		}
		pop.noBuy += pops[p].noBuy
		pop.firstOnly += pops[p].firstOnly
	}
	if b.seg, err = ts[0].Model(); err != nil {
		return nil, err
	}
	return pop, nil
}

// scoreGroups scores every distinct triple once: P(alive) and the
// expected purchases over the horizon, and the discounted expected
// purchases of the CLV, Σ_{k=1}^{h} max(E[Y(k)] − E[Y(k−1)], 0)/(1+d)^k,
// computed exactly as churn.DiscountedExpectedPurchases does but one
// horizon k at a time over all triples (churn.ScoreAll, which shares the
// hypergeometric terms of equal (x, T)), so that the result is the same
// to the last bit at a fraction of the cost.
func (b *batch) scoreGroups() error {
	obs := make([]churn.Observation, len(b.groups))
	for i, g := range b.groups {
		obs[i] = churn.Observation{Frequency: g.Frequency, Recency: g.Recency, T: g.T}
	}
	b.scores = make([]churn.Score, len(obs))
	if len(obs) > 0 {
		if err := churn.ScoreAll(b.tx, obs, b.h, b.scores); err != nil {
			return fmt.Errorf("score: %w", err)
		}
	}
	e, err := b.tx.ExpectedPurchases(b.h)
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	b.new = churn.Score{PAlive: 1, ExpectedPurchases: e}
	if b.gg == nil {
		return nil
	}
	n := int(b.h)
	b.dep = make([]float64, len(obs))
	prev := make([]float64, len(obs))
	cur := make([]churn.Score, len(obs))
	lf := math.Log1p(b.d)
	for k := 1; k <= n && len(obs) > 0; k++ {
		if err := churn.ScoreAll(b.tx, obs, float64(k), cur); err != nil {
			return fmt.Errorf("clv: %w", err)
		}
		w := math.Exp(-float64(k) * lf)
		for i := range obs {
			e := cur[i].ExpectedPurchases
			b.dep[i] += math.Max(e-prev[i], 0) * w
			prev[i] = e
		}
	}
	return nil
}

// group returns the index of o's triple in b.groups.
func (b *batch) group(o churn.Observation) (int, bool) {
	return slices.BinarySearchFunc(b.groups, o, func(g churn.Group, o churn.Observation) int {
		if c := cmp.Compare(g.Frequency, o.Frequency); c != 0 {
			return c
		}
		if c := cmp.Compare(g.Recency, o.Recency); c != 0 {
			return c
		}
		return cmp.Compare(g.T, o.T)
	})
}

// write is the last pass: classify, score and write every customer.
func (b *batch) write(out *output) error {
	head := strings.Join(segmentColumns, ",") + "," + strings.Join(batchColumns, ",") + "\n"
	if _, err := out.Write([]byte(head)); err != nil {
		return err
	}
	t := b.t
	return writeOrdered(out, t.Len(), func(i int, s *customer.Summary, buf []byte) ([]byte, error) {
		var o segment.Observation
		var r segment.Result
		t.Summary(i, s)
		buf, err := appendSegment(buf, b.seg, s, &o, &r)
		if err != nil {
			return buf, err
		}
		buf, err = b.appendChurn(buf, s, b.spend[i])
		return append(buf, '\n'), err
	})
}

// appendChurn appends the columns of batchColumns; those that cannot be
// computed (no purchase, no fit) are empty.
func (b *batch) appendChurn(buf []byte, s *customer.Summary, z float64) ([]byte, error) {
	ob, ok := triple(s, b.period)
	if !ok || b.tx == nil {
		return append(buf, ",,,,,,,"...), nil
	}
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(ob.Frequency), 10)
	buf = append(buf, ',')
	buf = appendNum(buf, ob.Recency)
	buf = append(buf, ',')
	buf = appendNum(buf, ob.T)
	sc, dep, clvOK := b.new, 0.0, b.gg != nil
	if ob.T > 0 {
		j, found := b.group(ob)
		if !found {
			return buf, fmt.Errorf("customer %q: triple not fitted", s.CustomerID)
		}
		sc = b.scores[j]
		if clvOK {
			dep = b.dep[j]
		}
	}
	buf = append(buf, ',')
	buf = appendNum(buf, sc.PAlive)
	buf = append(buf, ',')
	buf = appendNum(buf, sc.ExpectedPurchases)
	buf = append(buf, ',')
	if clvOK {
		var v float64
		var err error
		if ob.T > 0 {
			v, err = b.gg.ConditionalExpectedSpend(ob.Frequency, z)
			v *= dep
			if err == nil && !finite(v) {
				err = churn.ErrNumerical
			}
		} else {
			v, err = clv(b.tx, *b.gg, ob, z, int(b.h), b.d)
		}
		if err != nil {
			return buf, fmt.Errorf("clv of customer %q: %w", s.CustomerID, err)
		}
		buf = appendNum(buf, v)
	}
	sig, err := risk.NewSignals(risk.Input{Summary: *s, PAlive: sc.PAlive, HasPAlive: true})
	if err != nil {
		return buf, fmt.Errorf("churn risk of customer %q: %w", s.CustomerID, err)
	}
	rv, err := b.risk.Risk(sig)
	if err != nil {
		return buf, fmt.Errorf("churn risk of customer %q: %w", s.CustomerID, err)
	}
	buf = append(buf, ',')
	buf = appendNum(buf, rv)
	buf = append(buf, ',')
	buf = append(buf, b.risk.Bands().Band(rv).String()...)
	return buf, nil
}
