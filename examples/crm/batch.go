package main

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/hugepage"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"github.com/tailorcrm/tailor/internal/radix"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// batchColumns are the columns crm batch adds after those of crm segment
// but the grade, which comes last (gradeColumn).
var batchColumns = []string{"frequency", "recency", "T", "p_alive", "expected_purchases", "clv", "churn_risk", "risk_band"}

// emptyBatchColumns are the columns of batchColumns, all empty.
var emptyBatchColumns = strings.Repeat(",", len(batchColumns))

func runBatch(e *env, args []string) error {
	fs := newFlags(e, "batch", "-in FILE [-format csv|cdnow] -as-of YYYY-MM-DD [-model bgnbd|paretonbd|mbgnbd|bgbb] [-period day|week] [-horizon H] [-discount-rate R] [-out FILE]")
	var f inputFlags
	f.register(fs)
	asOfFlag := fs.String("as-of", "", "day of the analysis and end of the calibration period, `YYYY-MM-DD` (required): later rows are left out and counted")
	outPath := fs.String("out", "", "output `file` (default stdout): one row per customer, columns "+strings.Join(segmentColumns, ",")+","+strings.Join(batchColumns, ",")+","+gradeColumn)
	model := fs.String("model", modelBGNBD, "transaction model: bgnbd, paretonbd, mbgnbd or bgbb (whole periods)")
	periodFlag := fs.String("period", "week", "time unit of frequency, recency, T and -horizon: day or week (days ÷ 7)")
	horizon := fs.Float64("horizon", 0, "whole `periods` after -as-of over which purchases and CLV are expected (default 52 weeks or 365 days)")
	discount := fs.Float64("discount-rate", 0.10, "annual discount `rate` of the CLV, as in crm score")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkModel(model, transactionModels, "crm batch fits Gamma-Gamma for its clv column itself; choose a transaction model (%s)"); err != nil {
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
	h, err := horizonOf(fs, *horizon, period, true)
	if err != nil {
		return err
	}
	if !finite(*discount) || *discount < 0 || *discount > 10 {
		return usagef("-discount-rate %v: want an annual rate in [0, 10]", *discount)
	}
	t, out, err := f.scanTo(e, asOf, *outPath, "-as-of")
	if err != nil {
		return err
	}
	defer out.abort()
	b := &batch{t: t, asOf: asOf, period: period, h: h, d: annualToPeriod(*discount, period), discrete: discrete(*model)}
	if err := b.fit(e, *model); err != nil {
		return err
	}
	if err := b.write(out); err != nil {
		return writeError(out.name(), err)
	}
	b.noCLV.report(e.stderr)
	return out.commit()
}

// batch is the state of crm batch between its passes.
type batch struct {
	t      *input.Table
	asOf   customer.Date
	period customer.Period
	h      float64 // horizon, whole periods
	d      float64 // discount rate per period
	// discrete: the triples count whole periods (bgbb), as
	// customer.Summary.Opportunities gives them, not days.
	discrete bool

	seg    *segment.Model
	tx     churn.TransactionModel // nil when the fit failed
	gg     *spendFits             // by kind; nil when no spend model was fitted
	groups []churn.Group          // sorted (frequency, recency, T), T > 0
	group  []int32                // of each customer: index in groups, noTriple or firstDay
	scores []churn.Score          // of groups, over h
	dep    []float64              // of groups: discounted expected purchases over h periods
	newDep float64                // the same of a customer with T = 0 (newDiscounted)
	new    churn.Score            // of a customer with T = 0
	risk   *risk.Model
	spend  []float64       // mean repeat spend of each customer, from the first pass
	kinds  []customer.Kind // of each customer, from the first pass
	noCLV  clvCounts       // customers without a clv, by the reason

	rows       []row               // of each customer, from the second pass
	periods    *periodTexts        // of the recencies and ages, for the output
	bigNets    map[int32]string    // nets of the rows marked bigNet, by customer
	currencies []customer.Currency // of the rows, by index
}

// keyed is a customer's BTYD triple in whole days (in whole periods for
// bgbb), with the customer's index: half the size of the float triple,
// and faster to sort.
type keyed struct {
	x, tx, T int32
	i        int32
}

// noPurchase is the T of the triple of a customer without a purchase.
const noPurchase = -1

// The group of a customer without a purchase, and of one whose first
// purchase is on the last day (T = 0, not in the fit).
const (
	noTriple int32 = -1
	firstDay int32 = -2
)

// fit makes the first pass over the customers, which gathers the segment
// statistics (compacted on every core, then merged), the BTYD triples and
// the mean repeat spends; groups the triples by sorting; fits the
// transaction model and Gamma-Gamma at the same time; scores every
// distinct (x, t_x, T) once; and makes the second pass (classify).
func (b *batch) fit(e *env, model string) error {
	t := b.t
	n := t.Len()
	b.spend = hugepage.Make[float64](n)
	b.kinds = make([]customer.Kind, n)
	tri := hugepage.Make[keyed](n)
	stats, err := observeParts(t, func(i int, s *customer.Summary) error {
		if m, ok := s.MeanRepeatSpendFloat(); ok {
			b.spend[i] = m
		}
		if !s.Kind.Valid() {
			return fmt.Errorf("customer %q: kind %d", s.CustomerID, s.Kind)
		}
		b.kinds[i] = s.Kind
		// In days, then converted as BTYD converts them: days ÷ 7; or in
		// whole periods.
		var x int
		var tx, T float64
		var ok bool
		if b.discrete {
			var itx, n int
			x, itx, n, ok = s.Opportunities(b.period)
			tx, T = float64(itx), float64(n)
		} else {
			x, tx, T, ok = s.BTYD(customer.Days)
		}
		if !ok {
			T = noPurchase
		}
		if m := b.spend[i]; x > 0 && m > 0 {
			// Checked here, where the customer is known; the spend groups
			// no longer know whose they are.
			so := churn.SpendObservation{ID: string(s.CustomerID), Frequency: float64(x), MeanSpend: m}
			if err := so.Validate(); err != nil {
				return err // it names the customer
			}
		}
		if x > math.MaxInt32 || T > math.MaxInt32 {
			return fmt.Errorf("customer %q: BTYD triple (%d, %v, %v) out of range", s.CustomerID, x, tx, T)
		}
		tri[i] = keyed{x: int32(x), tx: int32(tx), T: int32(T), i: int32(i)}
		return nil
	})
	if err != nil {
		return err
	}
	// The compacted parts merge in linear time; merged before the
	// triples are grouped, their memory is free before the fits take
	// theirs.
	for _, st := range stats[1:] {
		if err := stats[0].Merge(st); err != nil {
			return err
		}
	}
	sc, err := stats[0].Scoring()
	if err != nil {
		return err
	}
	stats = nil // the Scoring has what it needs
	pop, err := b.groupTriples(tri)
	if err != nil {
		return err
	}
	tri = nil
	if b.risk, err = risk.Rules(nil); err != nil {
		return err
	}
	pop.report(e, b.asOf, true)

	// The two fits at once, then the scores of every distinct triple.
	var gg spendFits
	var ggErr error
	var wg sync.WaitGroup
	wg.Go(func() { gg, ggErr = fitSpend(&pop.spendIn) })
	fit, edge, fitErr := keepEdge(fitModel(model, pop))
	wg.Wait()
	b.groups = pop.groups.Slice() // in the order of b.group: sorted and distinct already
	pop = nil
	if fitErr != nil {
		fmt.Fprintf(e.stderr, "crm: %v; p_alive, expected_purchases and clv are left empty, and churn_risk is the rule-based risk without P(alive)\n", fitErr)
	} else {
		b.tx = fit.tx
		fmt.Fprintf(e.stderr, "crm: %s loglik %s on %s, converged %t%s\n", fit.name, num(fit.info.LogLikelihood), customers(fit.info.Customers), fit.info.Converged, edge)
		for _, n := range gg.notes {
			fmt.Fprintln(e.stderr, n)
		}
		if ggErr != nil {
			fmt.Fprintf(e.stderr, "crm: %v; the clv column is left empty\n", ggErr)
		} else {
			b.gg = &gg
		}
		if err := b.scoreGroups(); err != nil {
			return err
		}
	}
	return b.classify(sc)
}

// groupTriples sorts the triples of the customers with T > 0 (in place), sets
// b.groups to the distinct ones and b.group to each customer's, and
// returns the population to fit: the groups and the spend groups.
func (b *batch) groupTriples(tri []keyed) (*population, error) {
	pop := &population{discrete: b.discrete, period: b.period}
	b.group = hugepage.Make[int32](len(tri))
	div := 1.0
	if b.period == customer.Weeks && !b.discrete {
		div = 7
	}
	// The repeat customers with a mean spend, by kind, counted first so
	// that the spend groups are allocated once.
	var repeat [customer.Intermediary + 1]int
	for _, k := range tri {
		if k.T > 0 && k.x > 0 && b.spend[k.i] > 0 {
			repeat[b.kinds[k.i]]++
		}
	}
	var spend [customer.Intermediary + 1][]churn.SpendGroup
	for _, kind := range kinds {
		spend[kind] = make([]churn.SpendGroup, 1, 1+repeat[kind])
	}
	fitted := tri[:0]
	for _, k := range tri {
		if k.T >= 0 {
			pop.spendIn.present[b.kinds[k.i]] = true
		}
		switch {
		case k.T < 0:
			b.group[k.i] = noTriple
			pop.noBuy++
		case k.T == 0:
			b.group[k.i] = firstDay
			pop.firstOnly++
		default:
			fitted = append(fitted, k)
			// The customers Gamma-Gamma leaves out are one entry.
			sp := spend[b.kinds[k.i]]
			if m := b.spend[k.i]; k.x > 0 && m > 0 {
				sp = append(sp, churn.SpendGroup{Frequency: float64(k.x), MeanSpend: m, Count: 1})
			} else {
				sp[0].Count++
			}
			spend[b.kinds[k.i]] = sp
		}
	}
	for _, kind := range kinds {
		if spend[kind][0].Count == 0 {
			spend[kind] = spend[kind][1:]
		}
	}
	// The spend groups are sorted while the triples are. A mean spend
	// beyond the model's range is an error, which the fit would give too.
	var spendErr error
	var spending sync.WaitGroup
	spending.Go(func() {
		spendErr = pop.spendIn.group(spend, func(_ customer.Kind, err error) error { return err })
		clear(spend[:])
	})
	gs := make([]churn.Group, 0, len(fitted)/2)
	last := keyed{x: -1}
	eachSorted(fitted, len(tri), func(k keyed) {
		if k.x != last.x || k.tx != last.tx || k.T != last.T {
			gs = append(gs, churn.Group{Frequency: float64(k.x), Recency: float64(k.tx) / div, T: float64(k.T) / div})
			last = k
		}
		gs[len(gs)-1].Count++
		b.group[k.i] = int32(len(gs) - 1)
	})
	spending.Wait()
	if spendErr != nil {
		return nil, spendErr
	}
	var err error
	// GroupsOf takes gs over; the fits are done with it before b.groups
	// is set from it, so the groups are held once.
	if pop.groups, err = churn.GroupsOf(gs); err != nil {
		if j := inputIndex(err); j >= 0 {
			if i := slices.Index(b.group, int32(j)); i >= 0 {
				return nil, fmt.Errorf("customer %q: %w", b.t.ID(i), err)
			}
		}
		return nil, err
	}
	return pop, nil
}

// inputIndex returns the record index of a *churn.InputError, or -1.
func inputIndex(err error) int {
	var ie *churn.InputError
	if errors.As(err, &ie) {
		return ie.Index
	}
	return -1
}

// eachSorted calls fn for each of ks (triples with T > 0 of customers
// below n, in customer order) in (x, t_x, T) order, and, for equal
// triples, in customer order; ks may be reordered. When the triples and
// the customer index fit one word, as those of a sales history do, they
// are sorted as packed words by radix sort, in linear time (about 10×
// faster than by comparison for a million customers: BenchmarkGroupSort);
// otherwise by comparison.
func eachSorted(ks []keyed, n int, fn func(keyed)) {
	var mx, mtx, mT, low int32
	for _, k := range ks {
		mx, mtx, mT = max(mx, k.x), max(mtx, k.tx), max(mT, k.T)
		low = min(low, k.x, k.tx, k.T)
	}
	bi := uint(bits.Len(uint(max(n-1, 0))))
	bT := uint(bits.Len32(uint32(mT)))
	btx := uint(bits.Len32(uint32(mtx)))
	bx := uint(bits.Len32(uint32(mx)))
	if low < 0 || bi+bT+btx+bx > 64 {
		sortKeyed(ks)
		for _, k := range ks {
			fn(k)
		}
		return
	}
	keys := hugepage.Make[uint64](len(ks))
	for j, k := range ks {
		keys[j] = (uint64(k.x)<<(btx+bT)|uint64(k.tx)<<bT|uint64(k.T))<<bi | uint64(k.i)
	}
	keys = radix.SortFrom(keys, hugepage.Make[uint64](len(keys)), bi)
	field := func(w uint64, b uint) int32 { return int32(w & (1<<b - 1)) }
	for _, w := range keys {
		fn(keyed{i: field(w, bi), T: field(w>>bi, bT), tx: field(w>>(bi+bT), btx), x: int32(w >> (bi + bT + btx))})
	}
}

// sortKeyed sorts ks by (x, t_x, T), and equal triples by customer, in
// place.
func sortKeyed(ks []keyed) {
	slices.SortFunc(ks, func(a, b keyed) int {
		switch {
		case a.x != b.x:
			return cmp.Compare(a.x, b.x)
		case a.tx != b.tx:
			return cmp.Compare(a.tx, b.tx)
		case a.T != b.T:
			return cmp.Compare(a.T, b.T)
		}
		return cmp.Compare(a.i, b.i)
	})
}

// row is what the second pass keeps of a customer for the output: its
// classification but the quadrant and the grade, which need the
// thresholds that the pass gathers (the write sets them from the value
// kept here), and its churn risk. The rest is in the table or in the
// per-customer slices of batch.
type row struct {
	current, potential float64 // the total is their sum, exactly (see value.Score)
	risk               float64
	net                int64 // coefficient of the net amount (see netExp)
	orders             int32
	netExp             int8 // exponent, or bigNet when the net is in batch.bigNets
	kind               customer.Kind
	rfm                value.RFMScore
	stage              segment.Stage
	shop               segment.ShopType
	band               risk.Band
	currency           uint8 // index in batch.currencies
}

// bigNet marks a row whose net amount does not fit the int64 coefficient
// and an int8 exponent.
const bigNet = math.MinInt8

// classify is the second pass: it classifies every customer but the
// quadrant and the grade, computes the churn risk and gathers the
// quadrant thresholds and the total values that the grades rank (8 bytes
// a customer, held until the model is fitted).
func (b *batch) classify(sc *segment.Scoring) error {
	t := b.t
	b.rows = hugepage.Make[row](t.Len())
	ts := make([]*segment.ThresholdStats, runtime.GOMAXPROCS(0))
	type odd struct {
		nets       map[int32]string
		currencies []customer.Currency
	}
	odds := make([]odd, len(ts))
	k, err := parts(t.Len(), func(p, lo, hi int) error {
		ts[p] = sc.NewThresholdStats()
		od := &odds[p]
		var s customer.Summary
		var o segment.Observation
		var r segment.Result
		z := t.Summarizer()
		for i := lo; i < hi; i++ {
			z.Summary(i, &s)
			if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
				return err
			}
			if err := sc.Classify(&r, &o); err != nil {
				return err
			}
			if err := ts[p].AddScore(r.Kind, r.Value); err != nil {
				return err
			}
			w := &b.rows[i]
			if r.Value.Total != r.Value.Current+r.Value.Potential {
				return fmt.Errorf("customer %q: total value %v is not current %v + potential %v", s.CustomerID, r.Value.Total, r.Value.Current, r.Value.Potential)
			}
			*w = row{current: r.Value.Current, potential: r.Value.Potential,
				orders: int32(s.Orders), kind: s.Kind, rfm: r.RFM, stage: r.Stage, shop: r.ShopType}
			if s.Orders > math.MaxInt32 {
				return fmt.Errorf("customer %q: %d orders: too many", s.CustomerID, s.Orders)
			}
			if exp := r.Net.Exponent(); r.Net.NumDigits() <= 18 && exp > bigNet && exp <= math.MaxInt8 {
				w.net, w.netExp = r.Net.CoefficientInt64(), int8(exp)
			} else {
				if od.nets == nil {
					od.nets = make(map[int32]string)
				}
				od.nets[int32(i)] = r.Net.String()
				w.netExp = bigNet
			}
			if s.Currency != t.Currency {
				j := slices.Index(od.currencies, s.Currency)
				if j < 0 {
					j = len(od.currencies)
					od.currencies = append(od.currencies, s.Currency)
				}
				w.currency = uint8(j + 1) // resolved after the pass
			}
			if err := b.scoreRisk(w, i, &s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for p := 1; p < k; p++ {
		if err := ts[0].Merge(ts[p]); err != nil {
			return err
		}
	}
	if b.seg, err = ts[0].Model(); err != nil {
		return err
	}
	// The rare nets beyond int64 and currencies other than the table's.
	b.currencies = []customer.Currency{t.Currency}
	for p := range k {
		for i, net := range odds[p].nets {
			if b.bigNets == nil {
				b.bigNets = make(map[int32]string)
			}
			b.bigNets[i] = net
		}
		if len(odds[p].currencies) == 0 {
			continue
		}
		lo, hi := t.Len()*p/k, t.Len()*(p+1)/k
		for i := lo; i < hi; i++ {
			w := &b.rows[i]
			if w.currency == 0 {
				continue
			}
			c := odds[p].currencies[w.currency-1]
			j := slices.Index(b.currencies, c)
			if j < 0 {
				j = len(b.currencies)
				b.currencies = append(b.currencies, c)
			}
			if j > math.MaxUint8 {
				return fmt.Errorf("customer %q: more than %d currencies", t.ID(i), math.MaxUint8)
			}
			w.currency = uint8(j)
		}
	}
	return nil
}

// scoreRisk sets the churn risk of customer i, who has summary s, when
// the customer has a purchase: with its P(alive) when the transaction
// model is fitted, from the other signals alone when the fit failed.
func (b *batch) scoreRisk(w *row, i int, s *customer.Summary) error {
	if b.group[i] == noTriple {
		return nil
	}
	in := risk.Input{Summary: *s}
	if b.tx != nil {
		sc := b.new
		if j := b.group[i]; j >= 0 {
			sc = b.scores[j]
		}
		in.PAlive, in.HasPAlive = sc.PAlive, true
	}
	sig, err := risk.NewSignals(in)
	if err != nil {
		return fmt.Errorf("churn risk of customer %q: %w", s.CustomerID, err)
	}
	rv, err := b.risk.Risk(sig)
	if err != nil {
		return fmt.Errorf("churn risk of customer %q: %w", s.CustomerID, err)
	}
	w.risk, w.band = rv, b.risk.Bands().Band(rv)
	return nil
}

// scoreGroups scores every distinct triple once: P(alive) and the
// expected purchases over the horizon, and the discounted expected
// purchases of the CLV with churn.DiscountedExpectedPurchasesAll (the
// same to the last bit as churn.DiscountedExpectedPurchases, as crm score
// computes it).
func (b *batch) scoreGroups() error {
	b.scores = make([]churn.Score, len(b.groups))
	if b.gg != nil {
		b.dep = make([]float64, len(b.groups))
	}
	// In chunks, so that the observations are not all held at once.
	obs := make([]churn.Observation, 0, min(len(b.groups), 1<<16))
	for lo := 0; lo < len(b.groups); lo += cap(obs) {
		hi := min(lo+cap(obs), len(b.groups))
		obs = obs[:0]
		for _, g := range b.groups[lo:hi] {
			obs = append(obs, churn.Observation{Frequency: g.Frequency, Recency: g.Recency, T: g.T})
		}
		if err := churn.ScoreAll(b.tx, obs, b.h, b.scores[lo:hi]); err != nil {
			return fmt.Errorf("score: %w", err)
		}
		// Over a horizon of 0 periods the sum is empty: 0, as made.
		if b.gg != nil && b.h > 0 {
			if err := churn.DiscountedExpectedPurchasesAll(b.tx, obs, int(b.h), b.d, b.dep[lo:hi]); err != nil {
				return fmt.Errorf("clv: %w", err)
			}
		}
	}
	e, err := b.tx.ExpectedPurchases(b.h)
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	b.new = churn.Score{PAlive: 1, ExpectedPurchases: e}
	if b.gg != nil && b.h > 0 {
		if b.newDep, err = newDiscounted(b.tx, int(b.h), b.d); err != nil {
			return fmt.Errorf("clv of a new customer: %w", err)
		}
	}
	return nil
}

// write is the last pass: it sets the quadrant and the grade of every
// customer from the model of the second pass and writes the rows.
func (b *batch) write(out *output) error {
	head := strings.Join(segmentColumns, ",") + "," + strings.Join(batchColumns, ",") + "," + gradeColumn + "\n"
	if _, err := out.Write([]byte(head)); err != nil {
		return err
	}
	b.periods = newPeriodTexts(b.groups, b.period)
	return writeOrdered(out, b.t.Len(), func(i int, _ *customer.Summary, buf []byte) ([]byte, error) {
		buf = b.appendSegment(buf, i)
		buf, err := b.appendChurn(buf, i)
		if err == nil {
			buf, err = b.appendGrade(buf, i)
		}
		return append(buf, '\n'), err
	})
}

// appendSegment appends the columns of crm segment for customer i, as
// appendSegment (table.go) writes them from a summary.
func (b *batch) appendSegment(dst []byte, i int) []byte {
	w := &b.rows[i]
	r := segment.Result{Kind: w.kind, RFM: w.rfm, Stage: w.stage, ShopType: w.shop,
		Value: value.Score{Current: w.current, Potential: w.potential, Total: w.current + w.potential}}
	r.Quadrant = b.seg.Quadrant(w.kind, r.Value)
	dst = appendSegmentHead(dst, b.t.ID(i), &r, int(w.orders))
	if w.netExp == bigNet {
		dst = append(dst, b.bigNets[int32(i)]...)
	} else {
		dst = appendDecimal(dst, w.net, int32(w.netExp))
	}
	dst = append(dst, ',')
	return appendField(dst, string(b.currencies[w.currency]))
}

// appendGrade appends a comma and the grade of customer i: that of the
// model of the second pass for the customer's value, as appendSegment
// sets the quadrant, so the rows need not keep it.
func (b *batch) appendGrade(dst []byte, i int) ([]byte, error) {
	w := &b.rows[i]
	g := b.seg.Grade(w.kind, value.Score{Current: w.current, Potential: w.potential, Total: w.current + w.potential})
	if int(g) < len(gradeTexts) && gradeTexts[g] != "" {
		dst = append(dst, ',')
		return append(dst, gradeTexts[g]...), nil
	}
	return appendGrade(dst, b.t.ID(i), g) // the error, naming the customer
}

// appendDecimal appends c·10^exp as decimal.Decimal's String writes it:
// no exponent, the trailing zeros of the fraction dropped.
func appendDecimal(dst []byte, c int64, exp int32) []byte {
	if c < 0 {
		dst = append(dst, '-')
	}
	var digits [24]byte
	d := strconv.AppendUint(digits[:0], uint64(c), 10)
	if c < 0 {
		d = strconv.AppendUint(digits[:0], -uint64(c), 10)
	}
	if c == 0 {
		return append(dst, '0')
	}
	if exp >= 0 {
		dst = append(dst, d...)
		for range exp {
			dst = append(dst, '0')
		}
		return dst
	}
	point := len(d) + int(exp) // digits before the point
	frac := d
	if point > 0 {
		dst = append(dst, d[:point]...)
		frac = d[point:]
	} else {
		dst = append(dst, '0')
	}
	frac = []byte(strings.TrimRight(string(frac), "0"))
	if len(frac) == 0 {
		return dst
	}
	dst = append(dst, '.')
	for range max(0, -point) {
		dst = append(dst, '0')
	}
	return append(dst, frac...)
}

// appendChurn appends the columns of batchColumns; those that cannot be
// computed (no purchase, no fit) are empty.
func (b *batch) appendChurn(buf []byte, i int) ([]byte, error) {
	j := b.group[i]
	if j == noTriple {
		return append(buf, emptyBatchColumns...), nil
	}
	ob := churn.Observation{ID: string(b.t.ID(i))}
	var gg *fitted
	if b.gg != nil {
		gg = b.gg.of(b.kinds[i])
	}
	// gg is nil when the transaction fit failed: b.gg is set only after it.
	sc, dep, withCLV := b.new, b.newDep, gg != nil
	if j >= 0 {
		g := &b.groups[j]
		ob.Frequency, ob.Recency, ob.T = g.Frequency, g.Recency, g.T
		if b.tx != nil {
			sc = b.scores[j]
		}
		if withCLV {
			dep = b.dep[j]
		}
	}
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(ob.Frequency), 10)
	buf = append(buf, ',')
	buf = b.periods.append(buf, ob.Recency)
	buf = append(buf, ',')
	buf = b.periods.append(buf, ob.T)
	buf = append(buf, ',')
	if b.tx == nil {
		// The fit failed: no P(alive), expectation or CLV.
		buf = append(buf, ",,"...)
	} else {
		buf = appendNum(buf, sc.PAlive)
		buf = append(buf, ',')
		buf = appendNum(buf, sc.ExpectedPurchases)
		buf = append(buf, ',')
	}
	if withCLV {
		v, why, err := customerCLV(gg, ob, b.spend[i], dep)
		if err != nil {
			return buf, fmt.Errorf("clv of customer %q: %w", ob.ID, err)
		}
		if why == clvOK {
			buf = appendNum(buf, v)
		} else {
			b.noCLV[why].Add(1)
		}
	}
	w := &b.rows[i]
	buf = append(buf, ',')
	buf = appendNum(buf, w.risk)
	buf = append(buf, ',')
	buf = append(buf, w.band.String()...)
	return buf, nil
}

// periodTexts holds the text of the whole numbers of days, converted to
// periods (÷ 7 for weeks), up to the largest T of the groups: recency
// and T take few distinct values, which are formatted once.
type periodTexts struct {
	div  float64
	text []string
}

// maxPeriodTexts bounds the days held: about 180 years.
const maxPeriodTexts = 1 << 16

func newPeriodTexts(groups []churn.Group, p customer.Period) *periodTexts {
	pt := &periodTexts{div: 1}
	if p == customer.Weeks {
		pt.div = 7
	}
	days := 0.0
	for _, g := range groups {
		days = max(days, math.Round(g.T*pt.div))
	}
	pt.text = make([]string, int(min(days+1, maxPeriodTexts)))
	for d := range pt.text {
		pt.text[d] = string(appendNum(nil, float64(d)/pt.div))
	}
	return pt
}

// append appends x as appendNum does, from the table when x is a whole
// number of days converted.
func (pt *periodTexts) append(dst []byte, x float64) []byte {
	d := math.Round(x * pt.div)
	if d >= 0 && d < float64(len(pt.text)) && float64(int(d))/pt.div == x && !math.Signbit(x) {
		return append(dst, pt.text[int(d)]...)
	}
	return appendNum(dst, x)
}
