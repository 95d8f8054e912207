package report

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
)

// HoldoutBins is the last calibration-frequency bin of the holdout chart
// (7 and more), the customary choice of Fader, Hardie & Lee (2005),
// Figure 4.
const HoldoutBins = 7

// ChurnReport is the churn analysis of one kind of customer.
type ChurnReport struct {
	// Alive describes the MBG/NBD model that gives P(alive) today, or
	// says why there is none; AliveOK is true when there is one.
	Alive   string
	AliveOK bool
	// Method is how the risk was computed (fitted or rules); Note says
	// why the rules serve, or how well the fitted model ranks leavers.
	Method risk.Method
	Note   string
	// Holdout is the check of the transaction model on the holdout
	// period; nil when there is none, and HoldoutNote says why.
	Holdout     *Holdout
	HoldoutNote string
	// Histogram counts the customers scored by risk, RiskBins bars of
	// equal width on [0, 1]; Bands counts them by risk.Band.
	Histogram [RiskBins]int
	Bands     [5]int
	// Scored is the number of customers with a risk (those with a
	// purchase).
	Scored int
	// Cuts are the thresholds of the early-warning bands.
	Cuts risk.Bands
}

// Holdout is the expected against the actual number of repeat purchases
// in the holdout period of the customers known at the calibration end.
type Holdout struct {
	// Model and Params name the transaction model fitted on the
	// calibration period.
	Model, Params string
	// Customers is the number of customers checked.
	Customers int
	// Bins are the means by calibration frequency 0 … HoldoutBins+.
	Bins []churn.FrequencyBin
	// TotalExpected and TotalActual are sums over customers; MAE the mean
	// absolute error per customer.
	TotalExpected, TotalActual, MAE float64
	// AUC of 1 − P(alive) as a classifier of no holdout purchase, valid
	// when AUCDefined.
	AUC        float64
	AUCDefined bool
}

// kindChurn is what the at-risk table needs of one kind's analysis.
type kindChurn struct {
	model *risk.Model
	alive churn.TransactionModel // nil without a fit
}

// observation returns the BTYD triple of s in weeks; ok is false without
// a purchase or when the first purchase is on the as-of day (T = 0).
func observation(s *customer.Summary) (churn.Observation, bool) {
	x, tx, T, ok := s.BTYD(customer.Weeks)
	if !ok || T <= 0 {
		return churn.Observation{}, false
	}
	return churn.Observation{ID: string(s.CustomerID), Frequency: float64(x), Recency: tx, T: T}, true
}

// maxGradient is the largest gradient norm (of the mean log-likelihood per
// customer, see churn.FitInfo) at which a fit that did not meet its
// convergence criterion is still used.
const maxGradient = 1e-4

// fitMBG fits the MBG/NBD model to obs. A boundary fit whose point can
// stand for the limit (churn.BoundaryError.Usable, the rule of crm score
// and batch), and a fit stopped where the gradient is below maxGradient,
// are kept (the best point found, said in the description); any other
// failure is returned.
func fitMBG(obs []churn.Observation) (churn.MBGNBD, string, error) {
	g, err := churn.GroupObservations(obs)
	if err != nil {
		return churn.MBGNBD{}, "", err
	}
	return fitGroups(g)
}

// fitGroups is fitMBG of the grouped observations g.
func fitGroups(g *churn.Groups) (churn.MBGNBD, string, error) {
	f, err := churn.FitMBGNBD(g, nil)
	note := ""
	var ce *churn.ConvergenceError
	var be *churn.BoundaryError
	switch {
	case err == nil:
	case errors.As(err, &be) && be.Usable():
		note = " (a parameter at the edge of its range: a usable, not unique, estimate)"
	case errors.As(err, &ce) && ce.GradientNorm <= maxGradient:
		// The optimiser stopped on a flat ridge, at a point where the
		// likelihood no longer changes: as good as the optimum.
		note = " (the fit stopped on a flat ridge of the likelihood, gradient norm " + strconv.FormatFloat(ce.GradientNorm, 'g', 2, 64) + ")"
	default:
		return churn.MBGNBD{}, "", err
	}
	if _, err := f.Model.PAlive(churn.Observation{Frequency: 1, Recency: 1, T: 2}); err != nil {
		return churn.MBGNBD{}, "", err
	}
	var b strings.Builder
	b.WriteString("MBG/NBD on ")
	b.WriteString(strconv.FormatInt(g.Customers(), 10))
	b.WriteString(" customers, weeks:")
	for _, p := range f.Params() {
		b.WriteString(" ")
		b.WriteString(p.Name)
		b.WriteString(" = ")
		b.WriteString(strconv.FormatFloat(p.Value, 'g', 4, 64))
	}
	b.WriteString(note)
	return f.Model, b.String(), nil
}

// fitMBG is fitMBG of the observations of the customers of c, grouped
// as they are read from c.tri, without a slice of them; src are the
// customers as of the calibration end, read again for the error of an
// invalid observation, which names the customer.
func (c *calPopulation) fitMBG(src Summaries) (churn.MBGNBD, string, error) {
	g := &churn.Groups{}
	for _, t := range c.tri {
		if err := g.Add(t.observation()); err != nil {
			obs, _ := c.observations(src)
			return fitMBG(obs)
		}
	}
	return fitGroups(g)
}

// holdoutPart is the number of customers evaluateHoldout scores at a
// time (a variable for the tests).
var holdoutPart = 1 << 16

// evaluateHoldout returns churn.EvaluateHoldout(m, obs, actual, horizon,
// HoldoutBins) of the observations and holdout purchases of the customers
// of c, but for the per-customer Expected, Actual and PAlive, which are
// nil. The customers are added holdoutPart at a time to a
// churn.HoldoutAccumulator, whose evaluation is that of
// churn.EvaluateHoldout however the customers are split, and which keeps
// 8 bytes of each (for the AUC) instead of the scores, the expected and
// the actual purchases of each. On an error of a customer the error is
// that of churn.EvaluateHoldout of the observations read again from src
// (see calPopulation.observations), which names the customer by its ID.
func (c *calPopulation) evaluateHoldout(m churn.TransactionModel, src Summaries, horizon float64) (churn.HoldoutEvaluation, error) {
	full := func() (churn.HoldoutEvaluation, error) {
		obs, actual := c.observations(src)
		return churn.EvaluateHoldout(m, obs, actual, horizon, HoldoutBins)
	}
	n := len(c.tri)
	if m == nil || n == 0 || len(c.actual) != n {
		return full()
	}
	h, err := churn.NewHoldoutAccumulator(m, horizon, HoldoutBins)
	if err != nil {
		return full()
	}
	h.Grow(n)
	obs := make([]churn.Observation, min(n, holdoutPart))
	actual := make([]float64, len(obs))
	for lo := 0; lo < n; lo += holdoutPart {
		hi := min(lo+holdoutPart, n)
		part, act := obs[:hi-lo], actual[:hi-lo]
		for j := range part {
			part[j] = c.tri[lo+j].observation()
			act[j] = float64(c.actual[lo+j])
		}
		if err := h.Add(part, act); err != nil {
			return full()
		}
	}
	return h.Evaluation()
}

// input builds the risk input of s, with P(alive) from m when m is given
// and the customer has a triple.
func input(s *customer.Summary, m churn.TransactionModel) risk.Input {
	in := risk.Input{Summary: *s}
	if m == nil {
		return in
	}
	if o, ok := observation(s); ok {
		if p, err := m.PAlive(o); err == nil {
			in.PAlive, in.HasPAlive = p, true
		}
	}
	return in
}

// calibrate checks the transaction model on the holdout period and fits
// the churn risk on who came back, from the calibration population c of
// kind k, indices in calSrc (in.calibration). It returns nil (and says
// why in k.Churn) when the history has no usable calibration period.
func calibrate(in *Input, calSrc Summaries, k *KindReport, o *Options, c *calPopulation) (*risk.Model, error) {
	cr := &k.Churn
	calEnd := in.CalibrationEnd
	cal, actual, first, haveFirst := c.cal, c.actual, c.first, c.haveFirst
	switch {
	case !haveFirst:
		cr.HoldoutNote = fmt.Sprintf("the data are too short for a holdout check: no purchase on or before the calibration end %s, %d days before the as-of day", calEnd, o.Holdout)
	case int(calEnd-first) < o.MinCalibration:
		cr.HoldoutNote = fmt.Sprintf("the data are too short for a holdout check: the first purchase (%s) is only %d days before the calibration end %s; it needs %d days of calibration and %d of holdout", first, calEnd-first, calEnd, o.MinCalibration, o.Holdout)
	}
	if cr.HoldoutNote != "" {
		cr.Note = "rules: the history is too short to learn from"
		return nil, nil
	}

	var calModel churn.TransactionModel
	m, desc, err := c.fitMBG(calSrc)
	if err != nil {
		cr.HoldoutNote = "the MBG/NBD model could not be fitted on the calibration period: " + err.Error()
	} else {
		calModel = m
		ev, err := c.evaluateHoldout(m, calSrc, float64(in.AsOf-calEnd)/7)
		if err != nil {
			// A fit on few or degenerate data can leave predictions
			// that cannot be computed; P(alive) may still serve.
			cr.HoldoutNote = "the MBG/NBD model fitted on the calibration period cannot predict the holdout period: " + err.Error()
		} else {
			cr.Holdout = &Holdout{
				Model: "MBG/NBD", Params: desc, Customers: ev.Customers, Bins: ev.ByFrequency,
				TotalExpected: ev.TotalExpected, TotalActual: ev.TotalActual, MAE: ev.MAE,
				AUC: ev.AUC, AUCDefined: ev.AUCDefined,
			}
		}
	}

	// The triples are no longer needed: released before the examples.
	c.tri = nil

	// The risk learns from who did not come back. The customers are put
	// in the order of their examples' content (exampleKey), and every
	// second one trains, the others test; when there are more than
	// 2·MaxTraining, the first 2·MaxTraining of that order are used. The
	// split so depends on the facts of each customer, not on the IDs:
	// customers renamed, or listed in another order, split alike. Each
	// customer is labelled once, in the population's order, and the
	// error of a label is that of the first customer in that order whose
	// label fails.
	train, test, err := splitExamples(len(cal), 2*o.MaxTraining, func(i int, s *customer.Summary) (risk.Example, error) {
		calSrc.Summary(int(cal[i]), s)
		return risk.Label(input(s, calModel), int(actual[i]))
	})
	if err != nil {
		return nil, err
	}
	model, fr, err := risk.Fit(train, nil)
	if err != nil {
		// Newton's method cannot fail on a well-posed problem; if it
		// does, the documented rules serve and the page says why.
		cr.Note = "rules: the fit of the churn risk failed (" + err.Error() + ")"
		return nil, nil
	}
	if fr.Method != risk.MethodFitted {
		cr.Note = "rules: " + fr.Fallback.Error()
		return model, nil
	}
	cr.Note = fmt.Sprintf("fitted on %d customers as of %s (%d did not buy again in the next %d days)", fr.Examples, calEnd, fr.Churned, o.Holdout)
	if len(test) > 0 {
		ev, err := risk.Evaluate(model, test)
		if err == nil && ev.HasAUC {
			cr.Note += fmt.Sprintf("; on %d others it ranks leavers first with AUC %.2f", ev.N, ev.AUC)
		}
	}
	return model, nil
}

// keyed is a calibration customer (index i of the calibration
// population) with the key of its risk example, kept in slot slot of
// splitExamples' examples.
type keyed struct {
	key  uint64
	i    int32
	slot int32
}

// before orders keyed customers by key, then by index.
func (a keyed) before(b keyed) bool {
	return a.key < b.key || a.key == b.key && a.i < b.i
}

// splitExamples labels the n customers 0, …, n−1 by label, in that
// order, once each, and returns the examples of the first most of them in
// the order of (exampleKey, index): those at even places of that order
// in train, those at odd places in test. On the first error of label it
// returns that error. It holds the examples of at most most customers at
// a time: past most, a customer's example is kept only when its key comes
// before the last kept one's (a max-heap on the key), which it then
// replaces. train and test share one array.
func splitExamples(n, most int, label func(i int, s *customer.Summary) (risk.Example, error)) (train, test []risk.Example, err error) {
	limit := min(n, most)
	exs := make([]risk.Example, 0, limit)
	keys := make([]keyed, 0, limit) // a max-heap on before once full
	down := func(j int) {
		for {
			c := 2*j + 1
			if c >= len(keys) {
				return
			}
			if c+1 < len(keys) && keys[c].before(keys[c+1]) {
				c++
			}
			if !keys[j].before(keys[c]) {
				return
			}
			keys[j], keys[c] = keys[c], keys[j]
			j = c
		}
	}
	var s customer.Summary
	for i := range n {
		ex, err := label(i, &s)
		if err != nil {
			return nil, nil, err
		}
		k := keyed{key: exampleKey(&ex), i: int32(i)}
		switch {
		case len(keys) < limit:
			k.slot = int32(len(exs))
			exs, keys = append(exs, ex), append(keys, k)
			if len(keys) == limit && n > limit {
				for j := limit/2 - 1; j >= 0; j-- {
					down(j)
				}
			}
		case limit > 0 && k.before(keys[0]):
			k.slot = keys[0].slot
			exs[k.slot], keys[0] = ex, k
			down(0)
		}
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.i, b.i))
	})
	// Move the example at place j of the order to j/2 when j is even,
	// and to h + j/2 when odd, in place (following the cycles of the
	// permutation).
	h := (limit + 1) / 2
	to := make([]int32, limit)
	for j, k := range keys {
		to[k.slot] = int32(j/2 + j%2*h)
	}
	for j := range to {
		for int(to[j]) != j {
			t := to[j]
			exs[j], exs[t] = exs[t], exs[j]
			to[j], to[t] = to[t], t
		}
	}
	return exs[:h:h], exs[h:], nil
}

// exampleKey hashes what a risk example says of a customer — its
// signals but the customer's ID and the as-of instant, which all share,
// and whether it churned — so that customers with the same facts have
// the same key, whatever their IDs.
func exampleKey(ex *risk.Example) uint64 {
	sig := &ex.Signals
	h := fnv.New64a()
	var b []byte
	for _, v := range [...]uint64{
		math.Float64bits(sig.PAlive), boolBit(sig.HasPAlive),
		uint64(sig.DaysSinceLastPurchase), uint64(sig.PurchaseDays), uint64(sig.DaysSinceFirstPurchase),
		math.Float64bits(sig.MedianGap), boolBit(sig.PriorYear),
		uint64(sig.PurchaseDaysLast12), uint64(sig.PurchaseDaysPrior12),
		math.Float64bits(sig.ReturnRate), boolBit(ex.Churned),
	} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	for _, d := range [...]decimal.Decimal{sig.SpendFirstDay, sig.SpendLast12, sig.SpendPrior12} {
		b = append(b, d.String()...)
		b = append(b, 0)
	}
	if c := sig.Complaints; c != (customer.ComplaintSignals{}) {
		b = fmt.Appendf(b, "%v", c)
	}
	h.Write(b)
	return h.Sum64()
}

// boolBit is 1 for true and 0 for false.
func boolBit(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}
