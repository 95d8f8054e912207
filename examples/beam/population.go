package main

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

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

// point is what the first pass of the segmentation (segment.Stats.Add)
// reads of one customer: kind, currency and the known indicator values.
// segment.Stats has no encoded form, so this is what travels between
// workers in its place.
type point struct {
	Kind     uint8
	Currency string
	// Known has bit i set when indicator i is known; Values holds the
	// known values in indicator order.
	Known  uint64
	Values []float64
}

func pointOf(o *segment.Observation) point {
	p := point{Kind: uint8(o.Kind), Currency: string(o.Currency)}
	for i := 1; i < value.NumIndicators; i++ {
		if v, ok := o.Get(value.Indicator(i)); ok {
			p.Known |= 1 << i
			p.Values = append(p.Values, v)
		}
	}
	return p
}

// observation returns the observation that Stats.Add reads.
func (p *point) observation(dst *segment.Observation) error {
	*dst = segment.Observation{}
	dst.Kind, dst.Currency = customer.Kind(p.Kind), customer.Currency(p.Currency)
	j := 0
	for i := 1; i < value.NumIndicators; i++ {
		if p.Known&(1<<i) == 0 {
			continue
		}
		if j >= len(p.Values) {
			return errors.New("population sample: fewer values than known indicators")
		}
		dst.Set(value.Indicator(i), p.Values[j])
		j++
	}
	if j != len(p.Values) {
		return errors.New("population sample: more values than known indicators")
	}
	return nil
}

func comparePoints(a, b *point) int {
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Currency, b.Currency); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Known, b.Known); c != 0 {
		return c
	}
	return slices.Compare(a.Values, b.Values)
}

// pointRun is a point with the number of customers that share it.
type pointRun struct {
	Point point
	Count int64
}

// sample is the exact sample of the first pass: every distinct point
// with its count. Two shards' samples merge into the sample of the union
// whatever the order, so the statistics built from it, and the fit, are a
// function of the population alone.
type sample struct {
	// Runs are sorted and distinct when Sorted is true.
	Runs   []pointRun
	Sorted bool
}

// normalize sorts the runs and adds up equal points.
func (s *sample) normalize() {
	if s.Sorted {
		return
	}
	slices.SortFunc(s.Runs, func(a, b pointRun) int { return comparePoints(&a.Point, &b.Point) })
	out := s.Runs[:0]
	for _, r := range s.Runs {
		if n := len(out); n > 0 && comparePoints(&out[n-1].Point, &r.Point) == 0 {
			out[n-1].Count += r.Count
			continue
		}
		out = append(out, r)
	}
	s.Runs, s.Sorted = out, true
}

// stats builds the first-pass statistics of the sample with opts.
func (s *sample) stats(opts *segment.Options) (*segment.Stats, error) {
	st, err := segment.NewStats(opts)
	if err != nil {
		return nil, err
	}
	var o segment.Observation
	for i := range s.Runs {
		r := &s.Runs[i]
		if err := r.Point.observation(&o); err != nil {
			return nil, err
		}
		for range r.Count {
			if err := st.Add(&o); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

// sampleFn combines the customers' points into the population sample.
type sampleFn struct{}

// CreateAccumulator returns an empty sample.
func (sampleFn) CreateAccumulator() sample { return sample{Sorted: true} }

// AddInput adds one customer.
func (sampleFn) AddInput(s sample, p point) sample {
	s.Runs = append(s.Runs, pointRun{Point: p, Count: 1})
	s.Sorted = false
	return s
}

// MergeAccumulators merges two shards' samples.
func (sampleFn) MergeAccumulators(a, b sample) sample {
	a.Runs = append(a.Runs, b.Runs...)
	a.Sorted = false
	a.normalize()
	return a
}

// ExtractOutput returns the sample in its canonical (sorted) form.
func (sampleFn) ExtractOutput(s sample) sample {
	s.normalize()
	return s
}

// thresholdSums are the second-pass statistics of the Mean rule: per
// kind, the customers and the sums of their current and potential value
// in units of value.Unit. The scores lie on that grid, so the sums are
// exact integers and merge exactly in any order.
type thresholdSums struct {
	N, Current, Potential [2]int64
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
// worker from the side inputs (the sample and the threshold sums): one
// model per kind, with that kind's mean thresholds given as the Fixed
// rule, so that classification is segment.Model.Classify itself.
type fitted struct {
	models [2]*segment.Model
}

func fitSegmentation(s *sample, t *thresholdSums) (*fitted, error) {
	f := &fitted{}
	for i := range kinds {
		if t.N[i] == 0 {
			continue
		}
		cur, pot := t.thresholds(i)
		st, err := s.stats(&segment.Options{Rule: segment.Fixed, FixedCurrent: cur, FixedPotential: pot})
		if err != nil {
			return nil, err
		}
		sc, err := st.Scoring()
		if err != nil {
			return nil, err
		}
		if f.models[i], err = sc.NewThresholdStats().Model(); err != nil {
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

// model is a fitted BG/NBD model with the numbers crm fit reports.
type model struct {
	Model      churn.BGNBD
	LogLik     float64
	Customers  int64
	Groups     int
	Converged  bool
	Iterations int
}

// fitBGNBD fits the BG/NBD model to the merged groups, with the checks of
// crm fit: an error of the fit, or a parameter or log-likelihood that is
// not finite, fails the run.
func fitBGNBD(g groups) (model, error) {
	gr, err := g.decode()
	if err != nil {
		return model{}, err
	}
	r, err := churn.FitBGNBD(gr, nil)
	if err != nil {
		return model{}, fmt.Errorf("fit bgnbd: %w", err)
	}
	for _, p := range r.Params() {
		if !finite(p.Value) {
			return model{}, fmt.Errorf("fit bgnbd: parameter %s is not finite", p.Name)
		}
	}
	if !finite(r.LogLikelihood) {
		return model{}, errors.New("fit bgnbd: log-likelihood is not finite")
	}
	return model{Model: r.Model, LogLik: r.LogLikelihood, Customers: r.Customers, Groups: r.Groups,
		Converged: r.Converged, Iterations: r.Iterations}, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
