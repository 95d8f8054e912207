package report

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	b.WriteString(strconv.Itoa(len(obs)))
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

// analyseChurn fits and checks the churn models of kind k, fills k.Churn
// and sets risks[i] for each customer of the kind with a purchase.
func analyseChurn(in *Input, k *KindReport, o *Options, risks []float64) (*kindChurn, error) {
	cr := &k.Churn
	kc := &kindChurn{}
	model, err := calibrate(in, k, o)
	if err != nil {
		return nil, err
	}
	if model == nil {
		if model, err = risk.Rules(nil); err != nil {
			return nil, err
		}
	}
	kc.model = model
	cr.Method = model.Method()
	cr.Cuts = model.Bands()

	// Today: P(alive) from the whole history, then every customer's risk.
	var obs []churn.Observation
	for _, s := range all(in.Summaries) {
		if s.Kind != k.Kind {
			continue
		}
		if ob, ok := observation(s); ok {
			obs = append(obs, ob)
		}
	}
	if m, desc, err := fitMBG(obs); err != nil {
		cr.Alive = "no P(alive): the MBG/NBD model could not be fitted (" + err.Error() + ")"
	} else {
		kc.alive, cr.Alive, cr.AliveOK = m, desc, true
	}
	for i, s := range all(in.Summaries) {
		if s.Kind != k.Kind {
			continue
		}
		if _, ok := s.FirstPurchase(); !ok {
			continue
		}
		sig, err := risk.NewSignals(input(s, kc.alive))
		if err != nil {
			return nil, err
		}
		r, err := model.Risk(sig)
		if err != nil {
			return nil, err
		}
		risks[i] = r
		cr.Scored++
		cr.Histogram[min(int(r*RiskBins), RiskBins-1)]++
		cr.Bands[cr.Cuts.Band(r)]++
	}
	return kc, nil
}

// calibrate checks the transaction model on the holdout period and fits
// the churn risk on who came back. It returns nil (and says why in
// k.Churn) when the history has no usable calibration period.
func calibrate(in *Input, k *KindReport, o *Options) (*risk.Model, error) {
	cr := &k.Churn
	calEnd := in.CalibrationEnd
	// The customers known at the calibration end, by index in
	// in.Calibration, each with its observation then and its purchases in
	// the holdout period (from its summary as of AsOf).
	var cal []int
	var obs []churn.Observation
	var actual []float64
	first := customer.Date(0)
	haveFirst := false
	byID := make(map[customer.ID]int)
	for i, s := range all(in.Summaries) {
		if s.Kind == k.Kind {
			byID[s.CustomerID] = i
		}
	}
	var full customer.Summary
	for i, s := range all(in.Calibration) {
		if s.Kind != k.Kind {
			continue
		}
		d, ok := s.FirstPurchase()
		if !ok {
			continue
		}
		if !haveFirst || d < first {
			first, haveFirst = d, true
		}
		j, known := byID[s.CustomerID]
		ob, ok := observation(s)
		if !ok || !known {
			continue
		}
		in.Summaries.Summary(j, &full)
		cal = append(cal, i)
		obs = append(obs, ob)
		actual = append(actual, float64(risk.HoldoutPurchases(full, calEnd.Time())))
	}
	byID = nil // released before the fits
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
	m, desc, err := fitMBG(obs)
	if err != nil {
		cr.HoldoutNote = "the MBG/NBD model could not be fitted on the calibration period: " + err.Error()
	} else {
		calModel = m
		ev, err := churn.EvaluateHoldout(m, obs, actual, float64(in.AsOf-calEnd)/7, HoldoutBins)
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

	// The risk learns from who did not come back: every second customer
	// (of a fixed-stride sample when there are many) trains, the others
	// test.
	stride := max(1, (len(cal)+2*o.MaxTraining-1)/(2*o.MaxTraining))
	var train, test []risk.Example
	var s customer.Summary
	for i := 0; i < len(cal); i += stride {
		in.Calibration.Summary(cal[i], &s)
		ex, err := risk.Label(input(&s, calModel), int(actual[i]))
		if err != nil {
			return nil, err
		}
		if (i/stride)%2 == 0 {
			train = append(train, ex)
		} else {
			test = append(test, ex)
		}
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
