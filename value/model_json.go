package value

import (
	"encoding/json"

	"github.com/tailorcrm/tailor/customer"
)

// The JSON form of a Model is that of its fields, except that a measure
// names a custom indicator ([Custom]) by the name the model declares for
// it ([CustomIndicator].Name), which only the model knows: modelJSON,
// nodeJSON and measureJSON mirror Model, Node and Measure with the
// indicators as names.

type modelJSON struct {
	Kind      customer.Kind     `json:"kind"`
	Custom    []CustomIndicator `json:"custom,omitempty"`
	Current   nodeJSON          `json:"current"`
	Potential nodeJSON          `json:"potential"`
}

type nodeJSON struct {
	Name     string       `json:"name"`
	Weight   float64      `json:"weight,omitzero"`
	Pairwise [][]float64  `json:"pairwise,omitempty"`
	Children []nodeJSON   `json:"children,omitempty"`
	Measure  *measureJSON `json:"measure,omitempty"`
}

type measureJSON struct {
	Indicator     namedIndicator `json:"indicator"`
	Transform     Transform      `json:"transform"`
	Method        Method         `json:"method"`
	Winsor        float64        `json:"winsor,omitzero"`
	LowerIsBetter bool           `json:"lower_is_better,omitzero"`
	Fallback      namedIndicator `json:"fallback,omitzero"`
	Missing       float64        `json:"missing,omitzero"`
}

// namedIndicator is an indicator in a model's JSON: encoded, i under the
// name the model declares for it (name, when set); decoded, the text read
// (set when there was one), resolved against the declarations after.
type namedIndicator struct {
	i    Indicator
	name string
	set  bool
}

// IsZero reports an indicator that is not set, which omitzero leaves out.
func (n namedIndicator) IsZero() bool { return n.i == 0 && n.name == "" && !n.set }

// MarshalText implements [encoding.TextMarshaler].
func (n namedIndicator) MarshalText() ([]byte, error) {
	if n.name != "" {
		return []byte(n.name), nil
	}
	return n.i.MarshalText()
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (n *namedIndicator) UnmarshalText(b []byte) error {
	n.name, n.set = string(b), true
	return nil
}

// resolve returns the indicator that n names in a model declaring custom:
// a built-in indicator or "custom-k" by [ParseIndicator], then a declared
// name; an unknown name is the error of ParseIndicator.
func (n *namedIndicator) resolve(custom []CustomIndicator) (Indicator, error) {
	if !n.set {
		return 0, nil
	}
	i, err := ParseIndicator(n.name)
	if err == nil {
		return i, nil
	}
	for k := range custom {
		if k < MaxCustom && custom[k].Name == n.name {
			return Custom(k), nil
		}
	}
	return 0, err
}

// MarshalJSON implements [json.Marshaler]: the fields of m, keys in
// snake_case, enumerations and indicators by their names (a custom one by
// its declared name), zero fields left out.
func (m Model) MarshalJSON() ([]byte, error) {
	w := modelJSON{Kind: m.Kind, Custom: m.Custom,
		Current: toJSON(&m.Current, m.Custom), Potential: toJSON(&m.Potential, m.Custom)}
	return json.Marshal(&w)
}

// UnmarshalJSON implements [json.Unmarshaler]. An unknown name (of a
// kind, method, transform or indicator that is neither built in nor
// declared in the model's custom indicators) is an error; m is then left
// as it was. A decoded model replaces m whole.
func (m *Model) UnmarshalJSON(data []byte) error {
	var w modelJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	out := Model{Kind: w.Kind, Custom: w.Custom}
	var err error
	if out.Current, err = fromJSON(&w.Current, w.Custom); err != nil {
		return err
	}
	if out.Potential, err = fromJSON(&w.Potential, w.Custom); err != nil {
		return err
	}
	*m = out
	return nil
}

func toJSON(n *Node, custom []CustomIndicator) nodeJSON {
	w := nodeJSON{Name: n.Name, Weight: n.Weight, Pairwise: n.Pairwise}
	if n.Children != nil {
		w.Children = make([]nodeJSON, len(n.Children))
		for i := range n.Children {
			w.Children[i] = toJSON(&n.Children[i], custom)
		}
	}
	if m := n.Measure; m != nil {
		w.Measure = &measureJSON{Indicator: nameOf(m.Indicator, custom), Transform: m.Transform, Method: m.Method,
			Winsor: m.Winsor, LowerIsBetter: m.LowerIsBetter, Fallback: nameOf(m.Fallback, custom), Missing: m.Missing}
	}
	return w
}

// nameOf returns i as named in a model declaring custom.
func nameOf(i Indicator, custom []CustomIndicator) namedIndicator {
	n := namedIndicator{i: i}
	if k, ok := i.CustomIndex(); ok && k < len(custom) {
		n.name = custom[k].Name
	}
	return n
}

func fromJSON(w *nodeJSON, custom []CustomIndicator) (Node, error) {
	n := Node{Name: w.Name, Weight: w.Weight, Pairwise: w.Pairwise}
	if w.Children != nil {
		n.Children = make([]Node, len(w.Children))
		for i := range w.Children {
			var err error
			if n.Children[i], err = fromJSON(&w.Children[i], custom); err != nil {
				return Node{}, err
			}
		}
	}
	if wm := w.Measure; wm != nil {
		m := &Measure{Transform: wm.Transform, Method: wm.Method, Winsor: wm.Winsor,
			LowerIsBetter: wm.LowerIsBetter, Missing: wm.Missing}
		var err error
		if m.Indicator, err = wm.Indicator.resolve(custom); err != nil {
			return Node{}, err
		}
		if m.Fallback, err = wm.Fallback.resolve(custom); err != nil {
			return Node{}, err
		}
		n.Measure = m
	}
	return n, nil
}
