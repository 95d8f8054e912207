package report

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/segment"
)

// ConcurrentSummaries are Summaries that several goroutines may read at
// once, each through a reader of its own. Build then reads the customers
// in contiguous parts, one per core; the report is the same.
type ConcurrentSummaries interface {
	Summaries
	// Reader returns Summaries of the same customers for one more
	// goroutine.
	Reader() Summaries
}

// Reader returns s: reading a SummarySlice changes nothing, so any number
// of goroutines may read it at once.
func (s SummarySlice) Reader() Summaries { return s }

// defaultMinPart is the fewest customers of a part read on a goroutine of
// its own (Options.minPart).
const defaultMinPart = 4096

// numParts returns the number of parts split reads src in, of at least
// minPart customers each.
func numParts(src Summaries, minPart int) int {
	c, ok := src.(ConcurrentSummaries)
	if !ok || c == nil {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), src.Len()/minPart))
}

// split runs fn on numParts(src, minPart) contiguous parts [lo, hi) of
// the customers of src, in order of part, each part on its own goroutine
// with its own reader r when there is more than one.
func split(src Summaries, minPart int, fn func(part int, r Summaries, lo, hi int)) {
	n, k := src.Len(), numParts(src, minPart)
	if k == 1 {
		fn(0, src, 0, n)
		return
	}
	c := src.(ConcurrentSummaries)
	var wg sync.WaitGroup
	for p := range k {
		r := src
		if p > 0 {
			r = c.Reader()
		}
		wg.Go(func() { fn(p, r, n*p/k, n*(p+1)/k) })
	}
	wg.Wait()
}

// concat returns b appended to a, in a new slice of the length needed
// when a has no room for b: the parts of a pass are merged without the
// slack of a growing slice.
func concat[E any](a, b []E) []E {
	if cap(a)-len(a) >= len(b) {
		return append(a, b...)
	}
	return slices.Concat(a, b)
}

// kindPass is what the passes over the customers of Build gather of one
// kind (of one part of the customers, until the parts are merged).
type kindPass struct {
	k     *KindReport
	spend spendValues
	// alive groups the BTYD triples of the customers as of AsOf, for the
	// MBG/NBD model of P(alive) today: the groups of the kind, shared by
	// the parts, which add to them in batches under the lock of groups.
	// aliveN counts the triples of the part, flushed those added;
	// aliveErr is the first invalid one (churn.GroupObservations would
	// return it, its index counted within the kind).
	alive    *churn.Groups
	groups   *aliveGroups
	batch    []churn.Observation
	aliveN   int
	flushed  int
	aliveErr error
	churn    *kindChurn
	// cand are the customers of high current value at high or critical
	// risk, in order; err is the first error of the risk pass.
	cand []candidate
	err  error
}

// aliveGroups are the groups of the triples of each kind, shared by the
// parts of the first pass.
type aliveGroups struct {
	mu     sync.Mutex
	byKind map[customer.Kind]*churn.Groups
}

// of returns the groups of kind k.
func (a *aliveGroups) of(k customer.Kind) *churn.Groups {
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.byKind[k]
	if g == nil {
		g = &churn.Groups{}
		a.byKind[k] = g
	}
	return g
}

// aliveBatch is the number of triples a part adds to the groups at a
// time.
const aliveBatch = 1024

// observe adds the triple ob to the groups of P(alive) today.
func (p *kindPass) observe(ob churn.Observation) {
	p.aliveN++
	if p.aliveErr != nil {
		return
	}
	if p.batch == nil {
		p.batch = make([]churn.Observation, 0, aliveBatch)
	}
	p.batch = append(p.batch, ob)
	if len(p.batch) == aliveBatch {
		p.flush()
	}
}

// flush adds the batch of triples to the groups of the kind.
func (p *kindPass) flush() {
	if p.aliveErr == nil && len(p.batch) > 0 {
		p.groups.mu.Lock()
		for b, ob := range p.batch {
			if err := p.alive.Add(ob); err != nil {
				var ie *churn.InputError
				if errors.As(err, &ie) {
					ie.Index = p.flushed + b
				}
				p.aliveErr = err
				break
			}
		}
		p.groups.mu.Unlock()
	}
	p.flushed += len(p.batch)
	p.batch = p.batch[:0]
}

// merge adds the figures of the same kind of a later part, o.
func (p *kindPass) merge(o *kindPass) {
	k, ok := p.k, o.k
	k.Customers += ok.Customers
	k.Orders += ok.Orders
	k.Net = k.Net.Add(ok.Net)
	for q := range k.Quadrants {
		k.Quadrants[q].Customers += ok.Quadrants[q].Customers
		k.Quadrants[q].Net = k.Quadrants[q].Net.Add(ok.Quadrants[q].Net)
	}
	for i := range k.Stages {
		k.Stages[i] += ok.Stages[i]
	}
	for i := range k.ShopTypes {
		k.ShopTypes[i] += ok.ShopTypes[i]
	}
	for i := range k.Grades {
		k.Grades[i] += ok.Grades[i]
	}
	p.spend.pos = concat(p.spend.pos, o.spend.pos)
	p.spend.nonPositive += o.spend.nonPositive
	if p.aliveErr == nil && o.aliveErr != nil {
		var ie *churn.InputError
		if errors.As(o.aliveErr, &ie) {
			ie.Index += p.aliveN
		}
		p.aliveErr = o.aliveErr
	}
	p.aliveN += o.aliveN
}

// firstPass reads every customer once: the figures of each kind and of
// the RFM grid, the net revenues of the spend histogram, the triples of
// P(alive) today, the kind of every customer in order and, when there
// is a calibration population, the join index (nil without one). It
// appends the kinds found to rep.Kinds.
func (rep *Report) firstPass(in *Input, o *Options) (map[customer.Kind]*kindPass, *joinIndex, []customer.Kind) {
	n := in.Summaries.Len()
	calEnd := in.CalibrationEnd.Time()
	// The kinds of the customers go by index into a slice of its final
	// size: the points of each kind are gathered by it (gatherPoints).
	kindOf := make([]customer.Kind, n)
	var idx *joinIndex
	if cal, same := in.calibration(); cal != nil {
		idx = &joinIndex{kinds: kindOf, holdout: make([]int32, n), same: same}
		// Joined by index (same), no ID is looked up.
		switch src, ok := in.Summaries.(CustomerIDs); {
		case same:
		case ok:
			idx.src = src
		default:
			idx.ids = make([]customer.ID, n)
		}
	}
	parts := make([]map[customer.Kind]*kindPass, numParts(in.Summaries, o.minPart))
	grids := make([]RFMGrid, len(parts))
	groups := &aliveGroups{byKind: map[customer.Kind]*churn.Groups{}}
	split(in.Summaries, o.minPart, func(part int, src Summaries, lo, hi int) {
		kinds := map[customer.Kind]*kindPass{}
		grid := newRFMGrid(rep.RFM.Bins)
		var s customer.Summary
		for i := lo; i < hi; i++ {
			src.Summary(i, &s)
			p := kinds[s.Kind]
			if p == nil {
				p = &kindPass{k: &KindReport{Kind: s.Kind}, groups: groups, alive: groups.of(s.Kind)}
				kinds[s.Kind] = p
			}
			c := &in.Segments[i]
			p.add(c, &s)
			grid.add(c)
			kindOf[i] = s.Kind
			if idx != nil {
				idx.add(i, &s, calEnd)
			}
		}
		for _, p := range kinds {
			p.flush()
			p.batch = nil
		}
		parts[part], grids[part] = kinds, grid
	})
	kinds := parts[0]
	for _, p := range kinds {
		rep.Kinds = append(rep.Kinds, p.k)
	}
	rep.RFM = grids[0]
	for x := 1; x < len(parts); x++ {
		for kind, o := range parts[x] {
			if p := kinds[kind]; p != nil {
				p.merge(o)
			} else {
				kinds[kind] = o
				rep.Kinds = append(rep.Kinds, o.k)
			}
		}
		rep.RFM.merge(&grids[x])
	}
	if idx != nil {
		idx.sort()
	}
	return kinds, idx, kindOf
}

// gatherPoints sets the points of each kind of kinds: the (current,
// potential) values of segs, the classifications of the customers in
// order, whose kinds are kindOf, each kind's in a slice of its length.
// Build gathers them once the churn models are done, so that they are
// not held while the models are fitted.
func gatherPoints(segs []Customer, kindOf []customer.Kind, kinds map[customer.Kind]*kindPass) {
	for _, p := range kinds {
		p.k.Points = make([][2]float64, 0, p.k.Customers)
	}
	var k *KindReport
	for i := range segs {
		if k == nil || k.Kind != kindOf[i] {
			k = kinds[kindOf[i]].k
		}
		c := &segs[i]
		k.Points = append(k.Points, [2]float64{finite(c.Current), finite(c.Potential)})
	}
}

// add adds customer s, classified as c, to the figures of its kind.
func (p *kindPass) add(c *Customer, s *customer.Summary) {
	k := p.k
	net := s.Net()
	k.Customers++
	k.Orders += s.Orders
	k.Net = k.Net.Add(net)
	if c.Quadrant.Valid() {
		q := &k.Quadrants[c.Quadrant]
		q.Customers++
		q.Net = q.Net.Add(net)
	}
	if c.Stage.Valid() {
		k.Stages[c.Stage]++
	}
	if c.ShopType.Valid() {
		k.ShopTypes[c.ShopType]++
	}
	if c.Grade.Valid() {
		k.Grades[c.Grade]++
	}
	p.spend.add(net)
	if ob, ok := observation(s); ok {
		p.observe(ob)
	}
}

// merge adds the customers of o, a grid of as many bins, to g.
func (g *RFMGrid) merge(o *RFMGrid) {
	g.Unscored += o.Unscored
	for r := range g.Cells {
		for f := range g.Cells[r] {
			c, oc := &g.Cells[r][f], &o.Cells[r][f]
			c.Customers += oc.Customers
			c.sumM += oc.sumM
			for s := range c.segs {
				c.segs[s] += oc.segs[s]
			}
		}
	}
}

// CustomerIDs give the ID of a customer without building its summary.
// Build joins the customers as of the calibration end to those as of the
// as-of day by ID; Summaries that implement CustomerIDs save it keeping
// a copy of every ID.
type CustomerIDs interface {
	// ID returns the CustomerID of the i-th summary.
	ID(i int) customer.ID
}

// ID returns the ID of the i-th summary.
func (s SummarySlice) ID(i int) customer.ID { return s[i].CustomerID }

// joinIndex finds the customers as of AsOf by ID, for the join with the
// customers as of the calibration end: the ID of the i-th customer
// (src.ID(i), or ids[i] when the source does not give IDs), its kind
// kinds[i] and its purchases after the calibration end holdout[i].
type joinIndex struct {
	// same says the customers as of the calibration end are those as of
	// AsOf, index for index (Input.Earlier): the join is by index.
	same    bool
	src     CustomerIDs
	ids     []customer.ID
	kinds   []customer.Kind
	holdout []int32
	// order, when not nil, lists the customers sorted by ID
	// (salesrow.CompareIDs), for sources not in that order (a table
	// is).
	order []int32
}

func (x *joinIndex) add(i int, s *customer.Summary, calEnd time.Time) {
	if x.ids != nil {
		x.ids[i] = s.CustomerID
	}
	x.holdout[i] = int32(risk.HoldoutPurchases(*s, calEnd))
}

// id returns the ID of the i-th customer.
func (x *joinIndex) id(i int) string {
	if x.src != nil {
		return string(x.src.ID(i))
	}
	return string(x.ids[i])
}

// sort sets x.order when the IDs are not in order.
func (x *joinIndex) sort() {
	if x.same {
		return
	}
	n := len(x.kinds)
	for j := 1; j < n; j++ {
		if salesrow.CompareIDs(x.id(j-1), x.id(j)) > 0 {
			x.order = make([]int32, n)
			for i := range x.order {
				x.order[i] = int32(i)
			}
			slices.SortStableFunc(x.order, func(a, b int32) int {
				return salesrow.CompareIDs(x.id(int(a)), x.id(int(b)))
			})
			return
		}
	}
}

// at returns the position of the j-th ID in the order of IDs.
func (x *joinIndex) at(j int) int {
	if x.order != nil {
		return int(x.order[j])
	}
	return j
}

// lookup returns the index of the customer with ID id and kind k (the
// last when there are several). *next is where the search begins when
// the IDs are looked up in increasing order, as those of a table are: a
// merge; others are found by binary search.
func (x *joinIndex) lookup(id customer.ID, k customer.Kind, next *int) (int, bool) {
	n, key := len(x.kinds), string(id)
	cmp := func(j int) int { return salesrow.CompareIDs(x.id(x.at(j)), key) }
	lo := 0
	if *next > 0 && *next <= n && cmp(*next-1) < 0 {
		lo = *next
	}
	j := lo
	for j < n && j < lo+8 && cmp(j) < 0 {
		j++
	}
	if j < n && cmp(j) < 0 {
		j += sort.Search(n-j, func(y int) bool { return cmp(j+y) >= 0 })
	}
	found := -1
	for ; j < n && x.id(x.at(j)) == key; j++ {
		if i := x.at(j); x.kinds[i] == k {
			found = i
		}
	}
	*next = j
	return found, found >= 0
}

// calPopulation are the customers of one kind known at the calibration
// end: by index in the customers then (Input.calibration), each with its
// triple then and its purchases in the holdout period (from its summary
// as of AsOf); and the first purchase of any customer of the kind by
// then. The triples are kept in days, 12 bytes a customer instead of the
// 40 of a churn.Observation (see triple).
type calPopulation struct {
	cal       []int32
	tri       []triple
	actual    []int32
	first     customer.Date
	haveFirst bool
	// n counts the customers of cal while they are gathered.
	n int
}

// triple is the BTYD triple of a customer with a purchase, in days:
// x repeat purchase days, t_x days from the first purchase to the last,
// T days from the first purchase to the as-of instant of its summary.
// Its observation in weeks is that of Summary.BTYD(customer.Weeks),
// which divides the same whole days by 7.
type triple struct{ x, tx, T int32 }

// tripleOf returns the triple of s; ok is false when s has no
// observation (see observation).
func tripleOf(s *customer.Summary) (triple, bool) {
	first, ok := s.FirstPurchase()
	if !ok {
		return triple{}, false
	}
	last, _ := s.LastPurchase()
	T := customer.DateOf(s.AsOf) - first
	if T <= 0 {
		return triple{}, false
	}
	return triple{x: int32(s.PurchaseDays() - 1), tx: int32(last - first), T: int32(T)}, true
}

// observation returns the observation of t in weeks, without an ID.
func (t triple) observation() churn.Observation {
	return churn.Observation{Frequency: float64(t.x), Recency: float64(t.tx) / 7, T: float64(t.T) / 7}
}

// observations returns the observations of the customers of c in weeks,
// with their IDs, read again from src (the customers as of the
// calibration end), and their holdout purchases: what the checks of
// package churn name a customer by in their errors.
func (c *calPopulation) observations(src Summaries) ([]churn.Observation, []float64) {
	obs := make([]churn.Observation, len(c.cal))
	actual := make([]float64, len(c.cal))
	var s customer.Summary
	for j, i := range c.cal {
		src.Summary(int(i), &s)
		obs[j], _ = observation(&s)
		actual[j] = float64(c.actual[j])
	}
	return obs, actual
}

// merge adds the counts of o, of a later part, to c.
func (c *calPopulation) merge(o *calPopulation) {
	c.n += o.n
	if o.haveFirst && (!c.haveFirst || o.first < c.first) {
		c.first, c.haveFirst = o.first, true
	}
}

// calibration returns the customers as of the calibration end, and
// whether they are those of in.Summaries index for index (Input.Earlier);
// nil when there are none.
func (in *Input) calibration() (Summaries, bool) {
	if in.Calibration == nil && in.Earlier != nil {
		e := earlierSummaries{src: in.Summaries, early: in.Earlier, end: in.CalibrationEnd}
		if _, ok := in.Summaries.(ConcurrentSummaries); ok {
			return concurrentEarlier{e}, true
		}
		return e, true
	}
	if in.Calibration == nil || in.Calibration.Len() == 0 {
		return nil, false
	}
	return in.Calibration, false
}

// earlierSummaries are the customers as of the calibration end made of
// those as of AsOf, src, and their states then (Input.Earlier), index
// for index: a customer without a row by then has no days. Of each
// summary they set what the holdout check and the fit of the risk read
// of it: its days and orders, as-of instant, kind, units and returned
// units; its other fields (its money, returns, categories) are those
// as of AsOf.
type earlierSummaries struct {
	src   Summaries
	early EarlierStates
	end   customer.Date
}

// Len returns the number of customers as of AsOf.
func (e earlierSummaries) Len() int { return e.src.Len() }

// Summary writes the summary of the i-th customer as of the calibration
// end into dst.
func (e earlierSummaries) Summary(i int, dst *customer.Summary) {
	e.src.Summary(i, dst)
	kind, units, returned, ok := e.early.Earlier(i)
	n := 0
	if ok {
		// The days are in date order, mostly a few of them.
		n = len(dst.Days)
		for n > 0 && dst.Days[n-1].Date > e.end {
			n--
		}
		dst.Kind, dst.Units, dst.ReturnedUnits = kind, units, returned
	}
	orders := 0
	for _, d := range dst.Days[:n] {
		orders += d.Orders
	}
	dst.Days, dst.Orders, dst.AsOf = dst.Days[:n], orders, e.end.Time()
}

// concurrentEarlier are earlierSummaries of ConcurrentSummaries.
type concurrentEarlier struct{ earlierSummaries }

// Reader returns another reader of the same customers.
func (c concurrentEarlier) Reader() Summaries {
	e := c.earlierSummaries
	e.src = e.src.(ConcurrentSummaries).Reader()
	return concurrentEarlier{e}
}

// calibrationPass reads the customers as of the calibration end, cal
// (in.calibration), once, for every kind of kinds, joined by ID with the
// customers of the same kind as of AsOf in idx (nil when there is no
// calibration population), or by index when idx.same.
func calibrationPass(cal Summaries, o *Options, kinds map[customer.Kind]*kindPass, idx *joinIndex) map[customer.Kind]*calPopulation {
	if idx == nil {
		cals := make(map[customer.Kind]*calPopulation, len(kinds))
		for kind := range kinds {
			cals[kind] = &calPopulation{}
		}
		return cals
	}
	// The parts note each customer's triple and holdout purchases by
	// index (a triple with T = 0 for none), and the populations are then
	// gathered kind by kind in slices of their exact length.
	n := cal.Len()
	tri := make([]triple, n)
	actual := make([]int32, n)
	kindOf := make([]customer.Kind, n)
	parts := make([]map[customer.Kind]*calPopulation, numParts(cal, o.minPart))
	split(cal, o.minPart, func(part int, src Summaries, lo, hi int) {
		pc := make(map[customer.Kind]*calPopulation, len(kinds))
		for kind := range kinds {
			pc[kind] = &calPopulation{}
		}
		next := 0
		var s customer.Summary
		for i := lo; i < hi; i++ {
			src.Summary(i, &s)
			c := pc[s.Kind]
			if c == nil {
				continue
			}
			d, ok := s.FirstPurchase()
			if !ok {
				continue
			}
			if !c.haveFirst || d < c.first {
				c.first, c.haveFirst = d, true
			}
			t, ok := tripleOf(&s)
			if !ok {
				continue
			}
			j, known := i, idx.kinds[i] == s.Kind
			if !idx.same {
				j, known = idx.lookup(s.CustomerID, s.Kind, &next)
			}
			if !known {
				continue
			}
			tri[i], actual[i], kindOf[i] = t, idx.holdout[j], s.Kind
			c.n++
		}
		parts[part] = pc
	})
	cals := parts[0]
	for _, pc := range parts[1:] {
		for kind, c := range pc {
			cals[kind].merge(c)
		}
	}
	// The triples and holdout purchases of the largest population stay
	// where they are, moved to the front; the others are copied.
	var big *calPopulation
	for _, k := range slices.Sorted(maps.Keys(cals)) {
		if c := cals[k]; big == nil || c.n > big.n {
			big = c
		}
	}
	for _, c := range cals {
		c.cal = make([]int32, 0, c.n)
		if c != big {
			c.tri = make([]triple, 0, c.n)
			c.actual = make([]int32, 0, c.n)
		}
	}
	w := 0
	for i := range tri {
		t := tri[i]
		if t.T == 0 {
			continue
		}
		c := cals[kindOf[i]]
		c.cal = append(c.cal, int32(i))
		if c == big {
			tri[w], actual[w] = t, actual[i]
			w++
		} else {
			c.tri = append(c.tri, t)
			c.actual = append(c.actual, actual[i])
		}
	}
	if big != nil {
		big.tri, big.actual = tri[:w:w], actual[:w:w]
	}
	return cals
}

// churn fits and checks the churn models of every kind, fills k.Churn,
// scores the risk of every customer with a purchase and fills the
// at-risk figures and tables. kinds and idx are what firstPass gathered.
func (rep *Report) churn(in *Input, o *Options, kinds map[customer.Kind]*kindPass, idx *joinIndex) error {
	// P(alive) today, from the whole history up to the as-of day.
	for _, k := range rep.Kinds {
		p := kinds[k.Kind]
		p.churn = &kindChurn{}
		cr := &k.Churn
		err := p.aliveErr
		var m churn.MBGNBD
		var desc string
		if err == nil {
			m, desc, err = fitGroups(p.alive)
		}
		if err != nil {
			cr.Alive = "no P(alive): the MBG/NBD model could not be fitted (" + err.Error() + ")"
		} else {
			p.churn.alive, cr.Alive, cr.AliveOK = m, desc, true
		}
		p.alive, p.groups, p.aliveErr = nil, nil, nil
	}

	// The holdout check and the fit of the risk, kind by kind; the risk
	// of the kinds before one that fails is still scored, so that the
	// first error in kind order is the one returned.
	cal, _ := in.calibration()
	cals := calibrationPass(cal, o, kinds, idx)
	active := len(rep.Kinds)
	var calErr error
	for j, k := range rep.Kinds {
		model, err := calibrate(in, cal, k, o, cals[k.Kind])
		delete(cals, k.Kind)
		if err == nil && model == nil {
			model, err = risk.Rules(nil)
		}
		if err != nil {
			active, calErr = j, fmt.Errorf("report: churn of %ss: %w", k.Kind, err)
			break
		}
		kinds[k.Kind].churn.model = model
		k.Churn.Method = model.Method()
		k.Churn.Cuts = model.Bands()
	}
	for _, k := range rep.Kinds[active:] {
		kinds[k.Kind].churn = nil
	}
	rep.riskPass(in, o, kinds)
	for _, k := range rep.Kinds[:active] {
		if err := kinds[k.Kind].err; err != nil {
			return fmt.Errorf("report: churn of %ss: %w", k.Kind, err)
		}
	}
	if calErr != nil {
		return calErr
	}

	models := make(map[customer.Kind]*kindChurn, len(kinds))
	for kind, p := range kinds {
		models[kind] = p.churn
	}
	for _, k := range rep.Kinds {
		if err := atRiskRows(in, o, k, kinds[k.Kind].cand, models); err != nil {
			return err
		}
		kinds[k.Kind].cand = nil
	}
	return nil
}

// riskTally is what the risk pass counts of one kind in one part.
type riskTally struct {
	scored    int
	histogram [RiskBins]int
	bands     [5]int
	cand      []candidate
	err       error
}

// riskPass scores the risk of today of every customer with a purchase,
// of the kinds with a model: the risk histogram and bands of each kind,
// and the at-risk figures and candidates. The first error of each kind is
// left in its kindPass.
func (rep *Report) riskPass(in *Input, o *Options, kinds map[customer.Kind]*kindPass) {
	type partTally struct {
		kinds     map[customer.Kind]*riskTally
		customers int
		net       decimal.Decimal
	}
	parts := make([]partTally, numParts(in.Summaries, o.minPart))
	split(in.Summaries, o.minPart, func(part int, src Summaries, lo, hi int) {
		pt := &parts[part]
		pt.kinds = make(map[customer.Kind]*riskTally, len(kinds))
		for kind, p := range kinds {
			if p.churn != nil {
				pt.kinds[kind] = &riskTally{}
			}
		}
		var s customer.Summary
		for i := lo; i < hi; i++ {
			src.Summary(i, &s)
			t := pt.kinds[s.Kind]
			if t == nil || t.err != nil {
				continue
			}
			if _, ok := s.FirstPurchase(); !ok {
				continue
			}
			kc := kinds[s.Kind].churn
			r, err := score(&s, kc)
			if err != nil {
				t.err = err
				continue
			}
			cuts := kc.model.Bands()
			t.scored++
			t.histogram[min(int(r*RiskBins), RiskBins-1)]++
			t.bands[cuts.Band(r)]++
			if r < 0 || cuts.Band(r) < risk.BandHigh {
				continue
			}
			pt.customers++
			net := s.Net()
			pt.net = pt.net.Add(net)
			if q := in.Segments[i].Quadrant; q == segment.HighValue || q == segment.SecondaryValue {
				t.cand = append(t.cand, candidate{i: i, net: net, risk: r})
			}
		}
	})
	for _, pt := range parts {
		rep.AtRiskCustomers += pt.customers
		rep.AtRiskNet = rep.AtRiskNet.Add(pt.net)
		for kind, t := range pt.kinds {
			p := kinds[kind]
			if p.err != nil {
				continue
			}
			if t.err != nil {
				p.err = t.err
				continue
			}
			cr := &p.k.Churn
			cr.Scored += t.scored
			for b := range t.histogram {
				cr.Histogram[b] += t.histogram[b]
			}
			for b := range t.bands {
				cr.Bands[b] += t.bands[b]
			}
			p.cand = concat(p.cand, t.cand)
		}
	}
}

// score returns the risk of today of s, a customer with a purchase.
func score(s *customer.Summary, kc *kindChurn) (float64, error) {
	sig, err := risk.NewSignals(input(s, kc.alive))
	if err != nil {
		return 0, err
	}
	return kc.model.Risk(sig)
}
