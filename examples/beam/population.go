package main

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// kinds are the customer kinds, in the order of the per-kind arrays.
var kinds = [2]customer.Kind{customer.Consumer, customer.Intermediary}

func kindIndex(k customer.Kind) int {
	if k == customer.Intermediary {
		return 1
	}
	return 0
}

// stats is the accumulator of the first pass: the segment statistics
// (segment.Stats), which merge exactly across shards, shipped between
// workers in their binary encoding.
type stats struct {
	s *segment.Stats
}

func encodeStats(a stats) ([]byte, error) { return a.s.MarshalBinary() }

func decodeStats(b []byte) (stats, error) {
	s, err := decodeSegmentStats(b, segmentOptions())
	return stats{s}, err
}

// decodeSegmentStats decodes encoded first-pass statistics into new ones
// with opts.
func decodeSegmentStats(b []byte, opts *segment.Options) (*segment.Stats, error) {
	s, err := segment.NewStats(opts)
	if err != nil {
		return nil, err
	}
	if err := s.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return s, nil
}

// statsFn combines the customers' summaries into the first-pass
// statistics of the population, and outputs their encoding: the workers
// that read it as a side input each decode their own copy.
type statsFn struct{}

// CreateAccumulator returns empty statistics.
func (*statsFn) CreateAccumulator() (stats, error) {
	s, err := segment.NewStats(segmentOptions())
	return stats{s}, err
}

// AddInput observes one customer and adds it.
func (*statsFn) AddInput(a stats, s customer.Summary) (stats, error) {
	var o segment.Observation
	if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
		return a, err
	}
	return a, a.s.Add(&o)
}

// MergeAccumulators merges two shards' statistics.
func (*statsFn) MergeAccumulators(a, b stats) (stats, error) { return a, a.s.Merge(b.s) }

// ExtractOutput returns the encoded statistics.
func (*statsFn) ExtractOutput(a stats) ([]byte, error) { return a.s.MarshalBinary() }

// segmentOptions are the options of the segmentation, those of crm: the
// defaults of package segment with the customer grades at their defaults
// (segment.GradeOptions).
func segmentOptions() *segment.Options {
	return &segment.Options{Grades: &segment.GradeOptions{}}
}

// thresholdSums are the second-pass statistics: per kind, those of the
// Mean rule — the customers and the sums of their current and potential
// value in units of value.Unit — and, for the grades, which rank the
// customers of a kind by total value, every customer's current and
// potential value in those units (Values[i][j] is the pair of the j-th
// customer of kind index i, in no particular order). The scores lie on
// that grid, so the sums are exact integers, the values exact, and both
// merge exactly in any order.
type thresholdSums struct {
	N, Current, Potential [2]int64
	Values                [2][][2]int64
}

// add adds the statistics of another shard to t.
func (t *thresholdSums) add(o *thresholdSums) {
	for i := range kinds {
		t.N[i] += o.N[i]
		t.Current[i] += o.Current[i]
		t.Potential[i] += o.Potential[i]
		t.Values[i] = append(t.Values[i], o.Values[i]...)
	}
}

// thresholds returns the quadrant thresholds of kind index i: the mean
// value of the kind, Σ value ÷ n with one rounding (segment.ThresholdStats
// and the package documentation of segment: "the mean is an exact sum
// divided once").
func (t *thresholdSums) thresholds(i int) (current, potential float64) {
	if t.N[i] == 0 {
		return 0, 0
	}
	return float64(t.Current[i]) * value.Unit / float64(t.N[i]),
		float64(t.Potential[i]) * value.Unit / float64(t.N[i])
}

// fitted is the segmentation fitted from the two passes, rebuilt on each
// worker from the side inputs (the first-pass statistics and the
// threshold sums): one model per kind, with that kind's mean thresholds
// given as the Fixed rule and the grade cuts fitted by
// segment.ThresholdStats from the kind's values, so that classification
// is segment.Model.Classify itself.
type fitted struct {
	models [2]*segment.Model
}

func fitSegmentation(smp []byte, t *thresholdSums) (*fitted, error) {
	f := &fitted{}
	for i, k := range kinds {
		if t.N[i] == 0 {
			continue
		}
		if int64(len(t.Values[i])) != t.N[i] {
			return nil, fmt.Errorf("segment: threshold sums of the %v customers: %d values for %d customers", k, len(t.Values[i]), t.N[i])
		}
		opts := segmentOptions()
		opts.Rule = segment.Fixed
		opts.FixedCurrent, opts.FixedPotential = t.thresholds(i)
		st, err := decodeSegmentStats(smp, opts)
		if err != nil {
			return nil, err
		}
		sc, err := st.Scoring()
		if err != nil {
			return nil, err
		}
		// The Fixed rule reads no sum; the grades rank the values.
		ts := sc.NewThresholdStats()
		for _, v := range t.Values[i] {
			if err := ts.AddScore(k, value.Score{Current: float64(v[0]) * value.Unit, Potential: float64(v[1]) * value.Unit}); err != nil {
				return nil, err
			}
		}
		if f.models[i], err = ts.Model(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// classify classifies one customer.
func (f *fitted) classify(dst *segment.Result, o *segment.Observation) error {
	m := f.models[kindIndex(o.Kind)]
	if m == nil {
		return fmt.Errorf("segment: customer %q (%v): %w", o.ID, o.Kind, segment.ErrNotFitted)
	}
	return m.Classify(dst, o)
}

// groups is the encoded form of churn.Groups: its sorted groups.
type groups struct {
	Groups []churn.Group
}

func groupsOf(g *churn.Groups) groups { return groups{Groups: g.Slice()} }

// decode rebuilds the churn.Groups.
func (g groups) decode() (*churn.Groups, error) {
	out := &churn.Groups{}
	for _, gr := range g.Groups {
		if err := out.AddGroup(gr, gr.Count); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// model is a fitted transaction model with the numbers crm fit reports:
// BG/NBD, or BG/BB when Name is "bgbb" (then BGBB holds it). When the fit
// failed, Failed holds its error and there is no model.
type model struct {
	Name       string
	Model      churn.BGNBD
	BGBB       churn.BGBB
	LogLik     float64
	Customers  int64
	Groups     int
	Converged  bool
	Iterations int
	Failed     string
}

// tx returns the fitted model.
func (m *model) tx() churn.TransactionModel {
	if m.Name == modelBGBB {
		return m.BGBB
	}
	return m.Model
}

// The transaction models of the pipeline, named as crm names them.
const (
	modelBGNBD = "bgnbd"
	modelBGBB  = "bgbb"
)

var fitsFailed = beam.NewCounter("crm", "fit-failed")

// fitFn fits the transaction model named Model to the merged groups,
// with the checks of crm batch: a fit whose likelihood is highest at the
// edge of the parameter space is kept at its best finite point when its
// parameters are finite and positive (see keptAtEdge); any other error of
// the fit, or, for a fit not at the edge, a parameter, standard error or
// log-likelihood that is not finite (checkFit), is a failed fit. As in crm batch, a failed fit does not fail
// the run: it is logged and counted, and the model it outputs carries
// the error (model.Failed), so that the scores leave p_alive and
// expected_purchases empty.
type fitFn struct {
	Model string
}

// ProcessElement fits the model to the merged groups, none when no
// customer has a triple (then the fit fails, for want of customers).
func (fn *fitFn) ProcessElement(ctx context.Context, _ []byte, grp func(*groups) bool) (model, error) {
	gr := &churn.Groups{}
	var g groups
	for grp(&g) {
		var err error
		if gr, err = g.decode(); err != nil {
			return model{}, err
		}
	}
	m, err := fitModel(fn.Model, gr)
	if err != nil {
		if m.Name == "" {
			return model{}, err
		}
		log.Warnf(ctx, "%v; p_alive and expected_purchases are left empty", err)
		fitsFailed.Inc(ctx, 1)
		return model{Name: fn.Model, Failed: err.Error()}, nil
	}
	return m, nil
}

// fitModel fits the model name to gr. An error with a model of an empty
// Name is no failure of the fit but of the call (an unknown model).
func fitModel(name string, gr *churn.Groups) (model, error) {
	m := model{Name: name}
	var params []churn.Param
	var info churn.FitInfo
	var err error
	switch name {
	case modelBGBB:
		var r churn.BGBBFit
		r, err = churn.FitBGBB(gr, nil)
		m.BGBB, params, info = r.Model, r.Params(), r.FitInfo
	case modelBGNBD:
		var r churn.BGNBDFit
		r, err = churn.FitBGNBD(gr, nil)
		m.Model, params, info = r.Model, r.Params(), r.FitInfo
	default:
		return model{}, fmt.Errorf("unknown model %q", name)
	}
	switch {
	case err != nil:
		// A fit kept at the edge has finite, positive parameters
		// (churn.BoundaryError.Usable) and is kept as crm keeps it.
		if err := keptAtEdge(err); err != nil {
			return m, err // the fits name themselves ("churn: fit bgbb: …")
		}
	default:
		if err := checkFit(name, params, info); err != nil {
			return m, err
		}
	}
	m.LogLik, m.Customers, m.Groups, m.Converged, m.Iterations = info.LogLikelihood, info.Customers, info.Groups, info.Converged, info.Iterations
	return m, nil
}

// checkFit fails a fit whose parameters, their standard errors or the
// log-likelihood are not finite, as crm does.
func checkFit(name string, params []churn.Param, info churn.FitInfo) error {
	for _, p := range params {
		if !finite(p.Value) || !finite(p.StdErr) {
			return fmt.Errorf("fit %s: parameter %s is not finite", name, p.Name)
		}
	}
	if !finite(info.LogLikelihood) {
		return fmt.Errorf("fit %s: log-likelihood is not finite", name)
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// keptAtEdge returns nil for a *churn.BoundaryError whose best finite
// point is usable (churn.BoundaryError.Usable), which crm batch keeps
// too, and err otherwise.
func keptAtEdge(err error) error {
	var be *churn.BoundaryError
	if errors.As(err, &be) && be.Usable() {
		return nil
	}
	return err
}
