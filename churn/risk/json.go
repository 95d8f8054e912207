package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// modelJSON is the stored form of a Model.
type modelJSON struct {
	Method            Method     `json:"method"`
	Intercept         float64    `json:"intercept"`
	PriorGap          float64    `json:"prior_gap_days"`
	MinGap            float64    `json:"min_gap_days"`
	ComplaintHalfLife float64    `json:"complaint_half_life_days"`
	Clip              float64    `json:"clip"`
	TopReasons        int        `json:"top_reasons"`
	Bands             bandsJSON  `json:"bands"`
	Terms             []termJSON `json:"terms"`
}

type bandsJSON struct {
	Watch    float64 `json:"watch"`
	High     float64 `json:"high"`
	Critical float64 `json:"critical"`
}

type termJSON struct {
	Feature Feature `json:"feature"`
	Weight  float64 `json:"weight"`
	Center  float64 `json:"center"`
	Scale   float64 `json:"scale"`
}

// MarshalJSON stores the model: method, intercept, one term per feature
// (by name) and the options that scoring uses, so that a model fitted
// once can be stored by the caller and scored with later. A nil or zero
// model is [ErrNoModel].
func (m *Model) MarshalJSON() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	j := modelJSON{
		Method: m.method, Intercept: m.intercept, PriorGap: m.priorGap,
		MinGap: m.cfg.minGap, ComplaintHalfLife: m.cfg.halfLife, Clip: m.cfg.clip,
		TopReasons: m.cfg.topReasons,
		Bands:      bandsJSON{m.cfg.bands.Watch, m.cfg.bands.High, m.cfg.bands.Critical},
	}
	for _, c := range m.Coefficients() {
		j.Terms = append(j.Terms, termJSON{c.Feature, c.Weight, c.Center, c.Scale})
	}
	return json.Marshal(j)
}

// maxWeight bounds the intercept and weights of a stored model, so that
// no sum of contributions can overflow.
const maxWeight = 1e100

// UnmarshalJSON restores a model stored by MarshalJSON. Every number must
// be finite, intercept and weights at most 1e100 in magnitude (and the
// weights of a rules model non-negative and its centres of P(alive) and
// the trends within their values, as in [RuleWeights]), scales and
// gaps non-negative or positive as in [Options],
// bands ordered, features known and not repeated; a feature left out has
// no weight. A rejected document leaves m unchanged; a nil m is an
// error.
func (m *Model) UnmarshalJSON(b []byte) error {
	if m == nil {
		return errors.New("risk: model: UnmarshalJSON on a nil *Model")
	}
	var j modelJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("risk: model: %w", err)
	}
	bad := func(field string, v float64, reason string) error {
		return fmt.Errorf("risk: model: %w", &OptionError{Field: field, Value: v, Reason: reason})
	}
	if !j.Method.Valid() {
		return bad("method", float64(j.Method), "unknown method")
	}
	o := Options{
		MinGap: j.MinGap, ComplaintHalfLife: j.ComplaintHalfLife, Clip: j.Clip, TopReasons: j.TopReasons,
		Bands: Bands{j.Bands.Watch, j.Bands.High, j.Bands.Critical},
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"min_gap_days", j.MinGap}, {"complaint_half_life_days", j.ComplaintHalfLife}, {"clip", j.Clip}, {"prior_gap_days", j.PriorGap}} {
		if !finite(f.v) || f.v <= 0 {
			return bad(f.name, f.v, "must be positive and finite")
		}
	}
	if j.TopReasons <= 0 {
		return bad("top_reasons", float64(j.TopReasons), "must be positive")
	}
	if !finite(j.Intercept) || math.Abs(j.Intercept) > maxWeight {
		return bad("intercept", j.Intercept, "must be finite, at most 1e100 in magnitude")
	}
	if err := o.Bands.validate(); err != nil {
		return fmt.Errorf("risk: model: %w", err)
	}
	c, err := o.config()
	if err != nil {
		return fmt.Errorf("risk: model: %w", err)
	}
	n := Model{method: j.Method, intercept: j.Intercept, priorGap: j.PriorGap, cfg: c}
	var seen [NumFeatures]bool
	for _, t := range j.Terms {
		if !t.Feature.Valid() {
			return bad("terms.feature", float64(t.Feature), "unknown feature")
		}
		name := "terms." + t.Feature.String()
		switch {
		case seen[t.Feature]:
			return bad(name, 0, "appears twice")
		case !finite(t.Weight) || math.Abs(t.Weight) > maxWeight:
			return bad(name+".weight", t.Weight, "must be finite, at most 1e100 in magnitude")
		case j.Method == MethodRules && t.Weight < 0:
			return bad(name+".weight", t.Weight, "must not be negative in a rules model (see RuleWeights)")
		case !finite(t.Center):
			return bad(name+".center", t.Center, "must be finite")
		case j.Method == MethodRules && checkReference(t.Feature, t.Center, name+".center") != nil:
			return fmt.Errorf("risk: model: %w", checkReference(t.Feature, t.Center, name+".center"))
		case !finite(t.Scale) || t.Scale < 0:
			return bad(name+".scale", t.Scale, "must be finite and non-negative")
		}
		seen[t.Feature] = true
		n.coef[t.Feature], n.center[t.Feature], n.scale[t.Feature] = t.Weight, t.Center, t.Scale
	}
	*m = n
	return nil
}

// standardizerJSON is the stored form of a Standardizer.
type standardizerJSON struct {
	PriorGap          float64       `json:"prior_gap_days"`
	MinGap            float64       `json:"min_gap_days"`
	ComplaintHalfLife float64       `json:"complaint_half_life_days"`
	Features          []momentsJSON `json:"features"`
}

type momentsJSON struct {
	Feature Feature `json:"feature"`
	N       int64   `json:"n"`
	Mean    float64 `json:"mean"`
	M2      float64 `json:"m2"`
}

// MarshalJSON stores the standardizer: its prior gap, the options its
// features depend on, and the moments of each feature by name, so that a
// shard accumulated on one worker can be merged on another (see
// [Standardizer.Merge]). Numbers are stored to the last bit. A
// standardizer not made by [NewStandardizer] is an error.
func (z Standardizer) MarshalJSON() ([]byte, error) {
	if !z.built() {
		return nil, errUnbuiltStandardizer
	}
	j := standardizerJSON{PriorGap: z.PriorGap, MinGap: z.minGap, ComplaintHalfLife: z.halfLife}
	for f := Feature(1); int(f) < NumFeatures; f++ {
		m := z.Features[f]
		j.Features = append(j.Features, momentsJSON{Feature: f, N: m.N, Mean: m.Mean, M2: m.M2})
	}
	return json.Marshal(j)
}

// UnmarshalJSON restores a standardizer stored by MarshalJSON. The gaps
// and the half-life must be positive and finite, features known and not
// repeated, counts non-negative, means finite, sums of squared deviations
// finite and non-negative, and both zero with a count of zero; a feature
// left out has no values. A rejected document leaves z unchanged; a nil
// z is an error.
func (z *Standardizer) UnmarshalJSON(b []byte) error {
	if z == nil {
		return errors.New("risk: standardizer: UnmarshalJSON on a nil *Standardizer")
	}
	var j standardizerJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("risk: standardizer: %w", err)
	}
	bad := func(field string, v float64, reason string) error {
		return fmt.Errorf("risk: standardizer: %w", &OptionError{Field: field, Value: v, Reason: reason})
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"prior_gap_days", j.PriorGap}, {"min_gap_days", j.MinGap}, {"complaint_half_life_days", j.ComplaintHalfLife}} {
		if !finite(f.v) || f.v <= 0 {
			return bad(f.name, f.v, "must be positive and finite")
		}
	}
	n := Standardizer{PriorGap: j.PriorGap, minGap: j.MinGap, halfLife: j.ComplaintHalfLife}
	var seen [NumFeatures]bool
	for _, m := range j.Features {
		if !m.Feature.Valid() {
			return bad("features.feature", float64(m.Feature), "unknown feature")
		}
		name := "features." + m.Feature.String()
		switch {
		case seen[m.Feature]:
			return bad(name, 0, "appears twice")
		case m.N < 0:
			return bad(name+".n", float64(m.N), "must not be negative")
		case !finite(m.Mean):
			return bad(name+".mean", m.Mean, "must be finite")
		case !finite(m.M2) || m.M2 < 0:
			return bad(name+".m2", m.M2, "must be finite and non-negative")
		case m.N == 0 && (m.Mean != 0 || m.M2 != 0):
			return bad(name+".n", 0, "is zero with a mean or spread")
		}
		seen[m.Feature] = true
		n.Features[m.Feature] = Moments{N: m.N, Mean: m.Mean, M2: m.M2}
	}
	*z = n
	return nil
}
