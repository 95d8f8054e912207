package risk

import (
	"encoding/json"
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
// once can be stored by the caller and scored with later.
func (m *Model) MarshalJSON() ([]byte, error) {
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
// be finite, intercept and weights at most 1e100 in magnitude, scales and gaps non-negative or positive as in [Options],
// bands ordered, features known and not repeated; a feature left out has
// no weight. A rejected document leaves m unchanged.
func (m *Model) UnmarshalJSON(b []byte) error {
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
		case !finite(t.Center):
			return bad(name+".center", t.Center, "must be finite")
		case !finite(t.Scale) || t.Scale < 0:
			return bad(name+".scale", t.Scale, "must be finite and non-negative")
		}
		seen[t.Feature] = true
		n.coef[t.Feature], n.center[t.Feature], n.scale[t.Feature] = t.Weight, t.Center, t.Scale
	}
	*m = n
	return nil
}
