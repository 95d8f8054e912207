package report

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// Defaults of Options.
const (
	// DefaultHoldout is the holdout period of the churn models, in days:
	// 26 weeks, half a year, two fashion seasons.
	DefaultHoldout = 182
	// DefaultMinCalibration is the shortest calibration period, in days
	// from the first purchase in the data to the calibration end, that the
	// churn models are fitted and checked on: a quarter.
	DefaultMinCalibration = 91
	// DefaultMaxPoints is the most customers of one kind drawn as dots in
	// the quadrant chart; more are drawn as a density grid.
	DefaultMaxPoints = 3000
	// DefaultTopN is the number of customers of each kind in the at-risk
	// table.
	DefaultTopN = 10
	// DefaultMaxTraining is the most labelled customers the churn risk is
	// fitted on (and as many evaluated on); of larger populations, the
	// first customers in the order of their labelled examples' content
	// are used, so the result is deterministic and does not depend on
	// the customers' IDs.
	DefaultMaxTraining = 100000
)

// RiskBins is the number of bars of the churn-risk histogram, each 5
// points of probability wide.
const RiskBins = 20

// Options configure Build. A nil *Options, and every zero field, means the
// default.
type Options struct {
	// Holdout is the holdout period in days: the calibration period ends
	// Holdout days before the as-of day. Default DefaultHoldout.
	Holdout int
	// MinCalibration is the shortest calibration period in days. Default
	// DefaultMinCalibration.
	MinCalibration int
	// MaxPoints is the most customers of a kind drawn as dots. Default
	// DefaultMaxPoints.
	MaxPoints int
	// TopN is the number of rows of each kind in the at-risk table. Default
	// DefaultTopN.
	TopN int
	// MaxTraining caps the labelled customers of the risk fit. Default
	// DefaultMaxTraining.
	MaxTraining int
	// minPart is the fewest customers read on a goroutine of their own
	// (see ConcurrentSummaries). Default defaultMinPart.
	minPart int
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Holdout <= 0 {
		r.Holdout = DefaultHoldout
	}
	if r.MinCalibration <= 0 {
		r.MinCalibration = DefaultMinCalibration
	}
	if r.MaxPoints <= 0 {
		r.MaxPoints = DefaultMaxPoints
	}
	if r.TopN <= 0 {
		r.TopN = DefaultTopN
	}
	if r.MaxTraining <= 0 {
		r.MaxTraining = DefaultMaxTraining
	}
	if r.minPart <= 0 {
		r.minPart = defaultMinPart
	}
	return r
}

// CalibrationEnd returns the last day of the calibration period for an
// analysis as of asOf: opts.Holdout days earlier.
func CalibrationEnd(asOf customer.Date, opts *Options) customer.Date {
	o := opts.withDefaults()
	return asOf - customer.Date(o.Holdout)
}

// Customer is one customer's classification by package segment, in the
// compact form the report keeps (a segment.Result holds the whole value
// breakdown).
type Customer struct {
	// Current and Potential are the value scores.
	Current, Potential float64
	Quadrant           segment.Quadrant
	// R, F and M are the RFM scores, 1 … RFMBins.
	R, F, M    uint8
	RFMSegment value.RFMSegment
	Stage      segment.Stage
	ShopType   segment.ShopType
	// Grade is the customer grade; zero when the segmentation grades
	// nobody (segment.Options.Grades nil).
	Grade segment.Grade
}

// Classified returns the compact form of r.
func Classified(r *segment.Result) Customer {
	return Customer{
		Current: r.Value.Current, Potential: r.Value.Potential, Quadrant: r.Quadrant,
		R: r.RFM.R, F: r.RFM.F, M: r.RFM.M, RFMSegment: r.RFM.Segment,
		Stage: r.Stage, ShopType: r.ShopType, Grade: r.Grade,
	}
}

// Summaries are the customers of a report, read one at a time: Len of
// them, the i-th built by Summary into dst (reusing dst's memory), so that
// a large population need not be held in memory as summaries. Building a
// summary must not change another. The report reads a source several
// times, in order and by index, from one goroutine (several, each with a
// reader of its own, when the source is [ConcurrentSummaries]), and does
// not change the summaries.
type Summaries interface {
	Len() int
	Summary(i int, dst *customer.Summary)
}

// SummarySlice is Summaries held in memory.
type SummarySlice []*customer.Summary

// Len returns the number of summaries.
func (s SummarySlice) Len() int { return len(s) }

// Summary copies the i-th summary into dst; the copy shares the
// summary's slices.
func (s SummarySlice) Summary(i int, dst *customer.Summary) { *dst = *s[i] }

// Input is what the report is built from.
type Input struct {
	// Source names the export in the heading (a file name; "" for none).
	Source string
	// AsOf is the day of the analysis.
	AsOf customer.Date
	// Currency of every amount.
	Currency customer.Currency
	// Summaries are the customers as of AsOf, one each, in a fixed order
	// (the report keeps it where it lists customers with equal keys).
	Summaries Summaries
	// Segments[i] is the classification of Summaries[i].
	Segments []Customer
	// Thresholds are the quadrant thresholds of the kinds present.
	Thresholds []segment.Thresholds
	// RFMBins is the number of RFM scores (5 by default in package value).
	RFMBins int
	// Calibration are the customers as of CalibrationEnd (the same
	// export read only up to that day): empty when no row is dated on or
	// before it, and the report then says the history is too short for
	// a holdout check. Nil counts as empty unless Earlier is given.
	Calibration    Summaries
	CalibrationEnd customer.Date
	// Earlier, when Calibration is nil, gives the customers as of
	// CalibrationEnd from Summaries, without a second population: the
	// summary of the i-th as of CalibrationEnd is its summary as of
	// AsOf cut to the days on or before CalibrationEnd, with the kind,
	// units and returned units Earlier gives. That is the summary of the
	// export read only up to that day when the summaries are of sales
	// rows dated by day, as package input makes them (an order counts on
	// the day of its earliest sale row, and the net of a day is that of
	// the rows of its date), not when a return is booked on the day of
	// its sale. Nil with Calibration nil: no customer as of
	// CalibrationEnd.
	Earlier EarlierStates
}

// EarlierStates give what the summary of a customer as of the
// calibration end holds that its summary as of the as-of day does not
// tell (see Input.Earlier). Build may call Earlier from several
// goroutines at once.
type EarlierStates interface {
	// Earlier returns the kind, units and returned units as of the
	// calibration end of the i-th customer of Input.Summaries; ok is
	// false when the customer has no row on or before that day.
	Earlier(i int) (kind customer.Kind, units, returnedUnits int, ok bool)
}

// Report is everything the page shows, computed.
type Report struct {
	Source   string
	AsOf     customer.Date
	Currency customer.Currency
	// Customers, Orders and Net are totals over every kind.
	Customers, Orders int
	Net               decimal.Decimal
	// Kinds are the kinds present, consumers first.
	Kinds []*KindReport
	// RFM is the heat map of every customer.
	RFM RFMGrid
	// CalibrationEnd and HoldoutWeeks describe the holdout split (also
	// when it could not be used).
	CalibrationEnd customer.Date
	HoldoutWeeks   float64
	// AtRiskNet is the net revenue of every customer at high or critical
	// risk, of any value; AtRiskCustomers counts them.
	AtRiskNet       decimal.Decimal
	AtRiskCustomers int
	// MaxPoints is Options.MaxPoints.
	MaxPoints int
}

// KindReport is the part of the report about one kind of customer.
type KindReport struct {
	Kind              customer.Kind
	Customers, Orders int
	Net               decimal.Decimal
	Thresholds        segment.Thresholds
	// Quadrants is indexed by segment.Quadrant (index 0 unused).
	Quadrants [5]QuadrantStats
	// Points are the (current, potential) values of every customer.
	Points [][2]float64
	// Spend is the histogram of net revenue per customer.
	Spend SpendHistogram
	// Stages and ShopTypes count customers, indexed by the enum.
	Stages    [5]int
	ShopTypes [5]int
	// Grades counts the customers of each grade, indexed by
	// segment.Grade (index 0: customers without a grade).
	Grades [4]int
	// Churn is the churn analysis of the kind.
	Churn ChurnReport
	// AtRisk are the customers of high current value at high or critical
	// risk, largest net revenue first (of equal net revenue, the higher
	// risk first), at most Options.TopN; AtRiskTotal counts all of them.
	AtRisk      []AtRisk
	AtRiskTotal int
}

// QuadrantStats are the customers of one quadrant of one kind.
type QuadrantStats struct {
	Customers int
	Net       decimal.Decimal
	// CustomerShare and NetShare are shares of the kind's customers and
	// of its net revenue. CustomerShare is in [0, 1]; NetShare is 0 when
	// the kind's net revenue is not positive, and falls outside [0, 1]
	// when some quadrant's net revenue is negative (refunds outweigh
	// sales there): the shares of a kind always add up to 1.
	CustomerShare, NetShare float64
}

// SpendHistogram counts customers by net revenue on a logarithmic scale:
// Counts[i] holds the customers with net revenue in [10^(Lo + i·Step),
// 10^(Lo + (i+1)·Step)); NonPositive those with none (returns outweigh
// purchases, or free goods only).
type SpendHistogram struct {
	Lo, Step    float64
	Counts      []int
	NonPositive int
	// Median is the median net revenue of the customers with a positive
	// one (0 when none).
	Median float64
}

// RFMGrid is the R × F heat map: Cells[r-1][f-1] are the customers with
// recency score r and frequency score f. Customers without a purchase,
// who have no RFM segment, are not on it.
type RFMGrid struct {
	Bins  int
	Cells [][]RFMCell
	// Unscored counts the customers left off the grid: those without a
	// purchase, who have no RFM score.
	Unscored int
}

// RFMCell is one cell of the heat map.
type RFMCell struct {
	Customers int
	// MeanM is the mean monetary score of its customers (0 when empty).
	MeanM float64
	// Segment is the RFM segment most of its customers are in.
	Segment value.RFMSegment
	sumM    float64
	segs    [16]int
}

// AtRisk is one row of the at-risk table.
type AtRisk struct {
	ID           customer.ID
	Kind         customer.Kind
	Quadrant     segment.Quadrant
	Net          decimal.Decimal
	LastPurchase customer.Date
	Risk         float64
	Band         string
	// Reasons are the risk model's reasons, in words.
	Reasons []string
	// Actions are the playbook's actions for the customer's churn-risk
	// band (the retention contact, first) and segments: quadrant, grade
	// (when graded), shop type and lifecycle stage.
	Actions []Action
}

// Action is a recommended action and the consent it needs.
type Action struct {
	Description string
	// Needs names the consent the action requires ("marketing",
	// "profiling", "marketing and profiling"), "" for a service action.
	// Sales exports carry no consent, so the page marks such actions as
	// needing it instead of leaving them out.
	Needs string
}

// Build computes the report. The summaries and their classifications must
// match one for one; an empty population is an error.
func Build(in *Input, opts *Options) (*Report, error) {
	o := opts.withDefaults()
	if in.Summaries == nil || in.Summaries.Len() == 0 {
		return nil, errors.New("report: no customers")
	}
	n := in.Summaries.Len()
	if len(in.Segments) != n {
		return nil, fmt.Errorf("report: %d classifications for %d customers", len(in.Segments), n)
	}
	rep := &Report{
		Source: in.Source, AsOf: in.AsOf, Currency: in.Currency,
		CalibrationEnd: in.CalibrationEnd, MaxPoints: o.MaxPoints,
		HoldoutWeeks: float64(in.AsOf-in.CalibrationEnd) / 7,
	}
	bins := in.RFMBins
	if bins <= 0 {
		bins = 5
	}
	rep.RFM = newRFMGrid(bins)

	// One pass over the customers for the figures and what the churn
	// models need of them: a summary is built at most twice more, for
	// the risk and for the rows of the at-risk table.
	kinds, idx, kindOf := rep.firstPass(in, &o)
	slices.SortFunc(rep.Kinds, func(a, b *KindReport) int { return int(a.Kind) - int(b.Kind) })
	for _, th := range in.Thresholds {
		if p := kinds[th.Kind]; p != nil {
			p.k.Thresholds = th
		}
	}
	for _, k := range rep.Kinds {
		rep.Customers += k.Customers
		rep.Orders += k.Orders
		rep.Net = rep.Net.Add(k.Net)
		for q := range k.Quadrants {
			qs := &k.Quadrants[q]
			qs.CustomerShare = float64(qs.Customers) / float64(k.Customers)
			if k.Net.Sign() > 0 {
				qs.NetShare = qs.Net.Div(k.Net).InexactFloat64()
			}
		}
	}
	rep.RFM.finish()
	for _, k := range rep.Kinds {
		p := kinds[k.Kind]
		k.Spend = p.spend.histogram()
		p.spend = spendValues{}
	}

	if err := rep.churn(in, &o, kinds, idx); err != nil {
		return nil, err
	}
	gatherPoints(in.Segments, kindOf, kinds)
	return rep, nil
}

// candidate is a row of the at-risk table before the ranking.
type candidate struct {
	i    int
	net  decimal.Decimal
	risk float64 // of today, as the risk pass scored it
}

func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

func newRFMGrid(bins int) RFMGrid {
	g := RFMGrid{Bins: bins, Cells: make([][]RFMCell, bins)}
	for r := range g.Cells {
		g.Cells[r] = make([]RFMCell, bins)
	}
	return g
}

func (g *RFMGrid) add(c *Customer) {
	r, f := int(c.R), int(c.F)
	// A customer without a purchase (only refunds of goods bought
	// before the export) has no RFM segment, and no place on the grid
	// of the buyers.
	if r < 1 || r > g.Bins || f < 1 || f > g.Bins || c.RFMSegment == value.NoRFMSegment {
		g.Unscored++
		return
	}
	cell := &g.Cells[r-1][f-1]
	cell.Customers++
	cell.sumM += float64(c.M)
	if int(c.RFMSegment) < len(cell.segs) {
		cell.segs[c.RFMSegment]++
	}
}

func (g *RFMGrid) finish() {
	for r := range g.Cells {
		for f := range g.Cells[r] {
			c := &g.Cells[r][f]
			if c.Customers == 0 {
				continue
			}
			c.MeanM = c.sumM / float64(c.Customers)
			best := 0
			for s, n := range c.segs {
				if n > c.segs[best] {
					best = s
				}
			}
			c.Segment = value.RFMSegment(best)
		}
	}
}

// spendValues gathers the net revenues of the customers of a kind for
// the histogram of their spend.
type spendValues struct {
	pos         []float64
	nonPositive int
}

func (v *spendValues) add(net decimal.Decimal) {
	f := floatOf(net)
	if f <= 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		v.nonPositive++
		return
	}
	v.pos = append(v.pos, f)
}

// pow10 are the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// floatOf returns d.InexactFloat64(), the float64 nearest to d, without
// the big.Rat that makes it when the coefficient (at most 15 digits) and
// the power of ten are exact in a float64: one IEEE 754 division or
// multiplication then rounds the exact quotient or product to nearest,
// ties to even, as big.Rat.Float64 does (IEEE 754-2008, 4.3.1).
func floatOf(d decimal.Decimal) float64 {
	e := int(d.Exponent())
	if e < -len(pow10)+1 || e > len(pow10)-1 || d.NumDigits() > 15 {
		return d.InexactFloat64()
	}
	c := float64(d.CoefficientInt64())
	if e < 0 {
		return c / pow10[-e]
	}
	return c * pow10[e]
}

// histogram bins the net revenues in quarter decades; it sorts v.pos.
func (v *spendValues) histogram() SpendHistogram {
	const step = 0.25
	h := SpendHistogram{Step: step, NonPositive: v.nonPositive}
	pos := v.pos
	if len(pos) == 0 {
		return h
	}
	slices.Sort(pos)
	h.Median = pos[len(pos)/2]
	if len(pos)%2 == 0 {
		h.Median = (pos[len(pos)/2-1] + pos[len(pos)/2]) / 2
	}
	lo := math.Floor(math.Log10(pos[0])/step) * step
	hi := math.Floor(math.Log10(pos[len(pos)-1])/step)*step + step
	n := int(math.Round((hi - lo) / step))
	h.Lo, h.Counts = lo, make([]int, max(n, 1))
	for _, f := range pos {
		i := int(math.Floor((math.Log10(f) - lo) / step))
		h.Counts[min(max(i, 0), len(h.Counts)-1)]++
	}
	return h
}

// atRiskRows fills the at-risk table of kind k from its candidates
// (customers of high current value, quadrant high-value or
// secondary-value, at high or critical risk, in order): largest net
// revenue first, of equal net revenue the higher risk first, at most
// o.TopN. Kinds are ranked apart: an intermediary's revenue is that of a
// whole shop.
func atRiskRows(in *Input, o *Options, k *KindReport, cand []candidate, models map[customer.Kind]*kindChurn) error {
	k.AtRiskTotal = len(cand)
	// Largest net revenue first, then the higher risk, so that which of
	// two customers of equal net revenue makes the table depends on their
	// facts, not on their IDs; customers equal in both in their order: a
	// total order, so an unstable sort gives the same rows.
	slices.SortFunc(cand, func(a, b candidate) int {
		if c := b.net.Cmp(a.net); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(b.risk, a.risk), cmp.Compare(a.i, b.i))
	})
	book := segment.DefaultPlaybook()
	all := customer.Consent{Marketing: true, Profiling: true}
	var buf customer.Summary
	for _, cd := range cand[:min(len(cand), o.TopN)] {
		i := cd.i
		s, c := &buf, &in.Segments[i]
		in.Summaries.Summary(i, s)
		kc := models[s.Kind]
		sig, err := risk.NewSignals(input(s, kc.alive))
		if err != nil {
			return err
		}
		res, err := kc.model.ScoreSignals(sig)
		if err != nil {
			return err
		}
		last, _ := s.LastPurchase()
		row := AtRisk{
			ID: s.CustomerID, Kind: s.Kind, Quadrant: c.Quadrant, Net: cd.net,
			LastPurchase: last, Risk: res.Risk, Band: res.Band.String(),
		}
		for _, r := range res.Reasons {
			row.Reasons = append(row.Reasons, r.Text)
		}
		sr := segment.Result{ID: s.CustomerID, Kind: s.Kind, Quadrant: c.Quadrant, Grade: c.Grade, Stage: c.Stage, ShopType: c.ShopType, Consent: all,
			Risk: segment.RiskOf(&res)}
		for _, a := range book.Actions(&sr) {
			row.Actions = append(row.Actions, Action{Description: a.Description, Needs: needs(a.Needs)})
		}
		k.AtRisk = append(k.AtRisk, row)
	}
	return nil
}

// needs names the consent n stands for.
func needs(n segment.Needs) string {
	var parts []string
	if n&segment.NeedsMarketing != 0 {
		parts = append(parts, "marketing")
	}
	if n&segment.NeedsProfiling != 0 {
		parts = append(parts, "profiling")
	}
	return strings.Join(parts, " and ")
}
