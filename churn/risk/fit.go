package risk

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// Example is one labelled customer: the signals as of the end of a
// calibration period, and whether the customer churned, that is made no
// purchase in the holdout window after it.
type Example struct {
	Signals Signals
	Churned bool
}

// Label returns the example of in, a customer's input as of the end of
// the calibration period (in.Summary.AsOf), given the number of purchases
// the customer made in the holdout window that follows: churned means
// holdoutPurchases is 0. A negative count and the faults of an invalid
// input are one [*InputError] naming the customer and every bad field.
func Label(in Input, holdoutPurchases int) (Example, error) {
	var bad []customer.FieldError
	if holdoutPurchases < 0 {
		bad = []customer.FieldError{{Field: "holdout_purchases", Code: customer.CodeNegative,
			Message: fmt.Sprintf("must not be negative, got %d", holdoutPurchases)}}
	}
	s, err := NewSignals(in)
	if err := withFields(err, in.Summary.CustomerID, bad...); err != nil {
		return Example{}, err
	}
	return Example{Signals: s, Churned: holdoutPurchases == 0}, nil
}

// HoldoutPurchases counts the purchase days of full (a summary of the
// same customer as of the end of the holdout window) after the day of
// calibrationEnd: the holdout count for [Label].
func HoldoutPurchases(full customer.Summary, calibrationEnd time.Time) int {
	end := customer.DateOf(calibrationEnd)
	n := 0
	for _, d := range full.Days {
		if d.Orders > 0 && d.Date > end {
			n++
		}
	}
	return n
}

// FitReport describes a fit.
type FitReport struct {
	// Method is MethodFitted, or MethodRules when the data were too few.
	Method Method
	// Fallback is nil for a fitted model, else an
	// [*InsufficientDataError] saying why the rules serve.
	Fallback error
	// Examples and Churned count the labelled customers.
	Examples, Churned int
	// Lambda is the L2 penalty weight used.
	Lambda float64
	// Iterations of Newton's method (0 for the rules).
	Iterations int
	// Intercept and Coefficients of the model returned.
	Intercept    float64
	Coefficients []Coefficient
	// AgainstSign lists, in Feature order, the features whose fitted
	// weight is negative: every feature grows with the risk it warns of,
	// but correlated features, or customers who stay after a complaint
	// put right, can make the fit weigh one against its sign, so that in
	// this model more of it lowers the risk. Such a weight is kept (it is
	// what the labelled history says, and the risk stays a calibrated
	// probability), its negative contributions show in
	// [Result].Contributions, and no reason quotes the feature as a
	// warning (see [Reason]); review it before ranking customers for
	// contact by this model. Nil for the rules, whose weights are never
	// negative.
	AgainstSign []Feature
	// LogLoss is the mean log-loss of the returned model on the examples,
	// in nats (ln 2 ≈ 0.693 is a coin toss); 0 when there are no
	// examples (nothing was measured, not a perfect fit).
	LogLoss float64
	// PriorGap is the typical gap, in days, of single-purchase customers.
	PriorGap float64
}

// Fit fits the churn risk on labelled history: a logistic regression of
// Churned on the standardised features (see [Standardizer]), with an L2
// penalty λ (see [Options].Lambda), by Newton's method. The
// standardisation is fitted on the examples unless opts.Standardizer is
// given; the prior gap of single-purchase customers is the geometric mean
// of the other customers' typical gaps unless opts.PriorGap is given, and
// the standardizer's when one is given (a different opts.PriorGap is an
// [*OptionError]). The weights are not constrained in sign: one that
// comes out against its warning sign is kept and named in
// [FitReport].AgainstSign, and no reason quotes that feature.
//
// With fewer than opts.MinExamples examples, or fewer than
// opts.MinPerClass of either class, Fit returns the rule-based model
// (see [Rules]) and a report whose Method is MethodRules and whose
// Fallback says why; this is not an error. An invalid example is an
// [*InputError] naming it; bad options an [*OptionError]. The model and
// report do not depend on the order of the examples, to the last bit.
func Fit(examples []Example, opts *Options) (*Model, FitReport, error) {
	c, err := opts.config()
	if err != nil {
		return nil, FitReport{}, err
	}
	churned := 0
	for i := range examples {
		if err := examples[i].Signals.Validate(); err != nil {
			return nil, FitReport{}, withIndex(err, i)
		}
		if examples[i].Churned {
			churned++
		}
	}
	if std := c.std; std != nil {
		if !(std.PriorGap > 0) || std.minGap != c.minGap || std.halfLife != c.halfLife {
			return nil, FitReport{}, &OptionError{Field: "standardizer", Value: std.PriorGap, Reason: "not made by NewStandardizer with these options"}
		}
		if c.priorGap != 0 && c.priorGap != std.PriorGap {
			return nil, FitReport{}, &OptionError{Field: "prior_gap", Value: c.priorGap,
				Reason: fmt.Sprintf("differs from the standardizer's prior gap of %v days", std.PriorGap)}
		}
	}
	n := len(examples)
	rep := FitReport{Examples: n, Churned: churned, Lambda: c.lambda}
	if n < c.minExamples || churned < c.minPerClass || n-churned < c.minPerClass {
		m := rulesModel(c)
		rep.Method = MethodRules
		rep.Fallback = &InsufficientDataError{Examples: n, Churned: churned, Need: c.minExamples, NeedClass: c.minPerClass}
		m.report(&rep, examples)
		return m, rep, nil
	}

	std := c.std
	if std == nil {
		prior := c.priorGap
		if prior == 0 {
			var logs []float64
			for i := range examples {
				if s := &examples[i].Signals; s.ownGap() {
					logs = append(logs, math.Log(max(s.MedianGap, c.minGap)))
				}
			}
			lg := sortedMoments(logs)
			prior = DefaultPriorGap
			if lg.N > 0 {
				prior = math.Exp(lg.Mean)
			}
		}
		std = &Standardizer{PriorGap: prior, minGap: c.minGap, halfLife: c.halfLife}
	}
	vs := make([]vector, n)
	for i := range examples {
		vs[i] = features(&examples[i].Signals, std.PriorGap, c.minGap, c.halfLife)
	}
	if c.std == nil {
		col := make([]float64, 0, n)
		for f := 1; f < NumFeatures; f++ {
			col = col[:0]
			for i := range vs {
				if vs[i].present[f] {
					col = append(col, vs[i].x[f])
				}
			}
			std.Features[f] = sortedMoments(col)
		}
	}

	m := &Model{method: MethodFitted, cfg: c, priorGap: std.PriorGap}
	m.cfg.std = nil // the model keeps its own copy of the statistics
	for f := 1; f < NumFeatures; f++ {
		mo := std.Features[f]
		m.center[f] = mo.Mean
		if sd := mo.SD(); sd > 1e-12*max(1, math.Abs(mo.Mean)) && finite(sd) {
			m.scale[f] = sd
		}
	}
	// The design matrix holds the columns with spread only; the others
	// keep a zero coefficient.
	var cols []int
	for f := 1; f < NumFeatures; f++ {
		if m.scale[f] > 0 {
			cols = append(cols, f)
		}
	}
	p := len(cols)
	rows := make([]float64, n*p)
	var z [NumFeatures]float64
	for i := range vs {
		m.zscores(&vs[i], &z)
		for j, f := range cols {
			rows[i*p+j] = z[f]
		}
	}
	// The rows go to Newton's sums in a canonical order (churned last,
	// then by their values), so that the order of the examples, which
	// carries no information, does not change the model in its last bits.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if ya, yb := examples[a].Churned, examples[b].Churned; ya != yb {
			if yb {
				return -1
			}
			return 1
		}
		return slices.Compare(rows[a*p:(a+1)*p], rows[b*p:(b+1)*p])
	})
	x := make([]float64, n*p)
	y := make([]bool, n)
	for k, i := range order {
		copy(x[k*p:(k+1)*p], rows[i*p:(i+1)*p])
		y[k] = examples[i].Churned
	}
	lr, err := fitLogistic(x, p, y, c.lambda, c.maxIter)
	if err != nil {
		return nil, FitReport{}, err
	}
	m.intercept = lr.beta[0]
	for j, f := range cols {
		m.coef[f] = lr.beta[j+1]
	}
	rep.Method = MethodFitted
	rep.Iterations = lr.iterations
	m.report(&rep, examples)
	return m, rep, nil
}

func (m *Model) report(rep *FitReport, examples []Example) {
	rep.Intercept = m.intercept
	rep.Coefficients = m.Coefficients()
	rep.AgainstSign = nil
	for _, c := range rep.Coefficients {
		if c.Weight < 0 {
			rep.AgainstSign = append(rep.AgainstSign, c.Feature)
		}
	}
	rep.PriorGap = m.priorGap
	if len(examples) == 0 {
		return
	}
	loss := make([]float64, len(examples))
	for i := range examples {
		v := features(&examples[i].Signals, m.priorGap, m.cfg.minGap, m.cfg.halfLife)
		var z, c [NumFeatures]float64
		loss[i] = logLoss(m.standardise(&v, &z, &c), examples[i].Churned)
	}
	rep.LogLoss = sortedSum(loss) / float64(len(examples))
}

// sortedSum returns the sum of xs added in ascending order (sorting xs),
// so that it does not depend on the order they were given in.
func sortedSum(xs []float64) float64 {
	slices.Sort(xs)
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// sortedMoments returns the moments of xs added in ascending order
// (sorting xs), so that they do not depend on the order of the examples.
func sortedMoments(xs []float64) Moments {
	slices.Sort(xs)
	var m Moments
	for _, x := range xs {
		m = m.Add(x)
	}
	return m
}

// Evaluation measures a model's risks against known outcomes.
type Evaluation struct {
	// N and Churned count the examples.
	N, Churned int
	// AUC is the area under the ROC curve of the risk as a classifier of
	// churn (see [AUC]), computed on the log-odds (Result.Logit), which
	// rank customers as the exact risk does even where it rounds to 0 or
	// 1; valid only when HasAUC (both classes present).
	AUC    float64
	HasAUC bool
	// Brier is the Brier score (1/N)·Σ(risk − y)², y = 1 for churned
	// (Brier 1950, "Verification of forecasts expressed in terms of
	// probability"): 0 is perfect, 0.25 a constant ½.
	Brier float64
	// LogLoss is −(1/N)·Σ[y ln risk + (1 − y) ln(1 − risk)], in nats.
	LogLoss float64
	// MeanRisk is the mean risk (1/N)·Σ risk. Compared with the churn
	// rate Churned ÷ N it says whether the model's risks are too high or
	// too low on the whole (calibration in the large).
	MeanRisk float64
	// Calibration has one entry per band of the model's [Bands], in the
	// order low, watch, high, critical: how many customers the model put
	// in it, how many of those churned and their mean risk. In a
	// calibrated model each band's churn rate is near its mean risk (a
	// reliability table by band; Murphy & Winkler 1977, "Reliability of
	// subjective probability forecasts of precipitation and temperature").
	Calibration []BandCalibration
}

// BandCalibration is the outcome of the customers of one band.
type BandCalibration struct {
	Band Band
	// N counts the customers of the band, Churned those who churned.
	N, Churned int
	// MeanRisk is the mean risk of the band's customers; 0 when N is 0.
	MeanRisk float64
}

// Evaluate scores every example with m and compares the risks with the
// labels, typically on a holdout set the model was not fitted on: how
// well they rank (AUC), how close they are (Brier score, log-loss) and
// how calibrated (mean risk, and by band). No
// examples is [ErrNoExamples]; an invalid example an [*InputError]; a
// nil or zero model [ErrNoModel]. The evaluation does not depend on the
// order of the examples.
func Evaluate(m *Model, examples []Example) (Evaluation, error) {
	if err := m.check(); err != nil {
		return Evaluation{}, err
	}
	if len(examples) == 0 {
		return Evaluation{}, ErrNoExamples
	}
	logits := make([]float64, len(examples))
	labels := make([]bool, len(examples))
	brier := make([]float64, len(examples))
	loss := make([]float64, len(examples))
	risks := make([]float64, len(examples))
	bands := make([]Band, len(examples))
	var ev Evaluation
	for i := range examples {
		s := &examples[i].Signals
		if err := s.Validate(); err != nil {
			return Evaluation{}, withIndex(err, i)
		}
		v := features(s, m.priorGap, m.cfg.minGap, m.cfg.halfLife)
		var z, c [NumFeatures]float64
		logit := m.standardise(&v, &z, &c)
		r := sigmoid(logit)
		y := examples[i].Churned
		// ranked by the log-odds, which σ maps to the risk strictly
		// increasingly: the AUC of the exact risk, including those that
		// round to 0 or 1 in float64
		logits[i], labels[i] = logit, y
		yf := 0.0
		if y {
			yf = 1
			ev.Churned++
		}
		brier[i] = (r - yf) * (r - yf)
		loss[i] = logLoss(logit, y)
		risks[i], bands[i] = r, m.cfg.bands.Band(r)
	}
	ev.N = len(examples)
	ev.Brier = sortedSum(brier) / float64(ev.N)
	ev.LogLoss = sortedSum(loss) / float64(ev.N)
	ev.MeanRisk = sortedSum(slices.Clone(risks)) / float64(ev.N)
	for b := BandLow; b <= BandCritical; b++ {
		bc := BandCalibration{Band: b}
		var in []float64
		for i := range risks {
			if bands[i] == b {
				in = append(in, risks[i])
				if examples[i].Churned {
					bc.Churned++
				}
			}
		}
		if bc.N = len(in); bc.N > 0 {
			bc.MeanRisk = sortedSum(in) / float64(bc.N)
		}
		ev.Calibration = append(ev.Calibration, bc)
	}
	if auc, err := AUC(logits, labels); err == nil {
		ev.AUC, ev.HasAUC = auc, true
	}
	return ev, nil
}

// AUC returns the area under the ROC curve of scores as a classifier of
// positive: the probability that a random positive scores higher than a
// random negative, ties counting one half. It is computed by ranks (the
// Mann–Whitney U statistic; Hanley & McNeil 1982, "The meaning and use of
// the area under a ROC curve"): with tied scores given their average
// rank, AUC = (R₊ − n₊(n₊ + 1)/2) ÷ (n₊·n₋), R₊ the sum of the positives'
// ranks. Only one class is [ErrOneClass]; mismatched lengths or a NaN
// score an error.
func AUC(scores []float64, positive []bool) (float64, error) {
	if len(scores) != len(positive) {
		return 0, fmt.Errorf("risk: AUC of %d scores and %d labels", len(scores), len(positive))
	}
	idx := make([]int, len(scores))
	npos := 0
	for i, s := range scores {
		if math.IsNaN(s) {
			return 0, fmt.Errorf("risk: AUC: score #%d is NaN", i)
		}
		idx[i] = i
		if positive[i] {
			npos++
		}
	}
	nneg := len(scores) - npos
	if npos == 0 || nneg == 0 {
		return 0, ErrOneClass
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case scores[a] < scores[b]:
			return -1
		case scores[a] > scores[b]:
			return 1
		}
		return a - b
	})
	rankSum := 0.0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j, averaged
		for k := i; k < j; k++ {
			if positive[idx[k]] {
				rankSum += avg
			}
		}
		i = j
	}
	fp, fn := float64(npos), float64(nneg)
	return (rankSum - fp*(fp+1)/2) / (fp * fn), nil
}
