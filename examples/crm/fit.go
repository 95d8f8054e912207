package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
)

// Model names of -model and -spend.
const (
	modelBGNBD      = "bgnbd"
	modelParetoNBD  = "paretonbd"
	modelMBGNBD     = "mbgnbd"
	modelGammaGamma = "gammagamma"
	modelBGBB       = "bgbb"
)

var transactionModels = []string{modelBGNBD, modelParetoNBD, modelMBGNBD, modelBGBB}

// discrete reports whether model counts whole periods (opportunities)
// rather than time: bgbb.
func discrete(model string) bool { return model == modelBGBB }

// checkModel checks that -model name is one of allowed. spendHint is
// what a usage error for gammagamma, a spend model, advises in its place,
// a format whose one %s is the allowed models ("" when gammagamma is
// allowed); it names only flags of the subcommand.
func checkModel(model *string, allowed []string, spendHint string) error {
	name := strings.ToLower(*model)
	for _, m := range allowed {
		if m == name {
			*model = name
			return nil
		}
	}
	switch {
	case name == "":
		return usagef("-model is required (one of %s)", strings.Join(allowed, ", "))
	case name == modelGammaGamma:
		return usagef("-model gammagamma is a spend model: "+spendHint, strings.Join(allowed, ", "))
	}
	return usagef("-model: unknown model %q (want %s)", *model, strings.Join(allowed, ", "))
}

func parsePeriod(s string) (customer.Period, error) {
	switch strings.ToLower(s) {
	case "week":
		return customer.Weeks, nil
	case "day":
		return customer.Days, nil
	}
	return 0, usagef("-period: unknown period %q (want day or week)", s)
}

func periodName(p customer.Period) string {
	if p == customer.Days {
		return "day"
	}
	return "week"
}

// modelFlags are the flags shared by fit and score.
type modelFlags struct {
	inputFlags
	model, calEnd, period, out string
}

func (f *modelFlags) register(fs *flag.FlagSet, models string) {
	f.inputFlags.register(fs)
	// The models read dates and amounts, never costs: the margin is
	// accepted, as for every subcommand that reads an export, and says so.
	fs.Lookup("margin").Usage += " (fit and score read no cost: it changes nothing here)"
	fs.StringVar(&f.model, "model", "", "model: "+models+" (required)")
	fs.StringVar(&f.calEnd, "calibration-end", "", "last day of the calibration period, `YYYY-MM-DD` (required): later rows are left out")
	fs.StringVar(&f.period, "period", "week", "time unit: day or week (days ÷ 7)")
	fs.StringVar(&f.out, "out", "", "output `file` (default stdout)")
}

// population is the model input built from the summaries.
type population struct {
	obs       []churn.Observation // one per customer with a purchase, sorted by ID
	spend     []float64           // mean repeat spend per obs (0 without repeat)
	kind      []customer.Kind     // per obs
	groups    *churn.Groups       // customers with T > 0
	spendG    *churn.SpendGroups  // all customers with T > 0; set for crm fit -model gammagamma
	spendIn   spendInput          // the same by kind
	noBuy     int                 // customers without a purchase in the calibration period
	firstOnly int                 // customers whose first purchase is on the calibration end (T = 0)
	discrete  bool                // the triples count whole periods (Summary.Opportunities)
	period    customer.Period
}

// buildPopulation turns the summaries into (x, t_x, T) observations and
// mean repeat spends, and groups them for fitting: the BTYD triples of
// customer.Summary.BTYD, or, when discrete, the whole periods of
// customer.Summary.Opportunities (for bgbb). Customers whose first
// purchase is on the last calibration day have T = 0 (in whole periods:
// whose first period is not over), which the models' likelihood does not
// take (they would add 0 to it): they are left out of the fit but scored.
// The mean spends are grouped for Gamma-Gamma only when spend is set: the
// transaction models take no amount, so a spend that Gamma-Gamma does not
// take (churn.SpendObservation.Validate) stops only a run that fits it.
func buildPopulation(t *input.Table, period customer.Period, discrete, spend bool) (*population, error) {
	// The triples and mean spends of every customer, on every core.
	type triple struct {
		x, tx, T, spend float64
		ok              bool
		kind            customer.Kind
	}
	tri := make([]triple, t.Len())
	parts(t.Len(), func(_, lo, hi int) error {
		z := t.Summarizer()
		var s customer.Summary
		for i := lo; i < hi; i++ {
			z.Summary(i, &s)
			var c triple
			if discrete {
				x, tx, n, ok := s.Opportunities(period)
				c = triple{x: float64(x), tx: float64(tx), T: float64(n), ok: ok}
			} else {
				x, tx, T, ok := s.BTYD(period)
				c = triple{x: float64(x), tx: tx, T: T, ok: ok}
			}
			c.spend, _ = s.MeanRepeatSpendFloat()
			c.kind = s.Kind
			tri[i] = c
		}
		return nil
	})
	// Then grouped by sorting (churn.GroupsOf, SpendGroupsOf), each
	// group of the lists remembering its customer for the errors.
	p := &population{discrete: discrete, period: period}
	bought, fitted := 0, 0
	var fittedK [customer.Intermediary + 1]int
	for _, c := range tri {
		if c.ok {
			bought++
			if c.T > 0 {
				fitted++
				if c.kind.Valid() {
					fittedK[c.kind]++
				}
			}
		}
	}
	p.obs = make([]churn.Observation, 0, bought)
	p.spend = make([]float64, 0, bought)
	p.kind = make([]customer.Kind, 0, bought)
	gs := make([]churn.Group, 0, fitted)
	of := make([]int32, 0, fitted) // the customer of each entry of gs
	var sg [customer.Intermediary + 1][]churn.SpendGroup
	var sgOf [customer.Intermediary + 1][]int32 // the customer of each entry of sg
	for _, k := range kinds {
		if spend {
			sg[k] = make([]churn.SpendGroup, 0, fittedK[k])
			sgOf[k] = make([]int32, 0, fittedK[k])
		}
	}
	for i, c := range tri {
		if !c.ok {
			p.noBuy++
			continue
		}
		if !c.kind.Valid() {
			return nil, fmt.Errorf("customer %q: kind %d", t.ID(i), c.kind)
		}
		o := churn.Observation{ID: string(t.ID(i)), Frequency: c.x, Recency: c.tx, T: c.T}
		p.obs = append(p.obs, o)
		p.spend = append(p.spend, c.spend)
		p.kind = append(p.kind, c.kind)
		p.spendIn.present[c.kind] = true
		if c.T == 0 {
			p.firstOnly++
			continue
		}
		gs = append(gs, churn.Group{Frequency: c.x, Recency: c.tx, T: c.T, Count: 1})
		of = append(of, int32(i))
		if spend {
			sg[c.kind] = append(sg[c.kind], churn.SpendGroup{Frequency: c.x, MeanSpend: c.spend, Count: 1})
			sgOf[c.kind] = append(sgOf[c.kind], int32(i))
		}
	}
	tri = nil
	var err error
	if p.groups, err = churn.GroupsOf(gs); err != nil {
		return nil, customerError(t, err, of)
	}
	if err := p.spendIn.group(sg, func(k customer.Kind, err error) error { return customerError(t, err, sgOf[k]) }); err != nil {
		return nil, err
	}
	return p, nil
}

// customerError names the customer of a *churn.InputError about entry
// j of a list whose entries are those of the customers of[j], by index
// in t: the error is then the same with the customer's ID in place of j,
// which is no row or line of the input (`churn: customer "C7":
// mean_spend …`, as crm batch words it). An InputError wrapped in
// another error keeps that error's words, with the customer before them.
func customerError(t *input.Table, err error, of []int32) error {
	j := inputIndex(err)
	if j < 0 || j >= len(of) {
		return err
	}
	id := string(t.ID(int(of[j])))
	if ie, ok := err.(*churn.InputError); ok {
		named := *ie
		named.ID, named.Index = id, -1
		return &named
	}
	return fmt.Errorf("customer %q: %w", id, err)
}

// report writes to stderr the customers left out of the fit: those
// without a purchase, which kept says the output keeps (crm batch, with
// its model columns empty) rather than leaves out (crm fit and score),
// and those whose first purchase is on the calibration end.
func (p *population) report(e *env, calEnd customer.Date, kept bool) {
	switch {
	case p.noBuy == 0:
	case kept:
		fmt.Fprintf(e.stderr, "crm: %s without a purchase on or before %s (only returns) left out of the fits: written with frequency to risk_band empty\n", customers(p.noBuy), calEnd)
	default:
		fmt.Fprintf(e.stderr, "crm: %s without a purchase on or before %s (only returns) left out\n", customers(p.noBuy), calEnd)
	}
	switch {
	case p.firstOnly == 0:
	case p.discrete:
		fmt.Fprintf(e.stderr, "crm: %s whose first %s after the first purchase is not over on %s (n = 0) left out of the fit\n", customers(p.firstOnly), periodName(p.period), calEnd)
	default:
		fmt.Fprintf(e.stderr, "crm: %s whose first purchase is on %s (T = 0) left out of the fit\n", customers(p.firstOnly), calEnd)
	}
}

// fitted is a fitted model of any kind.
type fitted struct {
	name     string
	params   []churn.Param
	info     churn.FitInfo
	tx       churn.TransactionModel // nil for gammagamma
	spend    churn.GammaGamma
	excluded int64 // gammagamma: customers without repeat purchase or positive spend
	// meanSpend is set for a gammagamma fit that determines the mean
	// spend pγ/(q−1) of a customer without a repeat purchase
	// (churn.GammaGammaFit.MeanSpendDetermined), judged by the signed
	// root meanSpendR of the likelihood ratio against q = 1 when
	// meanSpendROK (churn.GammaGammaFit.MeanSpendSignedRoot), and
	// otherwise by the standard error of q meanSpendSE
	// (churn.GammaGammaFit.MeanSpendStdErr: the fit's own, or without
	// one the least a fit on its customers can have).
	meanSpend    bool
	meanSpendR   float64
	meanSpendROK bool
	meanSpendSE  float64
	// edge is set when the likelihood is highest at the edge of the
	// parameter space and the fit is its best finite point (keepEdge).
	edge *churn.BoundaryError
}

func fitModel(name string, p *population) (fitted, error) {
	f := fitted{name: name}
	var err error
	switch name {
	case modelBGNBD:
		var r churn.BGNBDFit
		r, err = churn.FitBGNBD(p.groups, nil)
		f.params, f.info, f.tx = r.Params(), r.FitInfo, r.Model
	case modelParetoNBD:
		var r churn.ParetoNBDFit
		r, err = churn.FitParetoNBD(p.groups, nil)
		f.params, f.info, f.tx = r.Params(), r.FitInfo, r.Model
	case modelMBGNBD:
		var r churn.MBGNBDFit
		r, err = churn.FitMBGNBD(p.groups, nil)
		f.params, f.info, f.tx = r.Params(), r.FitInfo, r.Model
	case modelBGBB:
		var r churn.BGBBFit
		r, err = churn.FitBGBB(p.groups, nil)
		f.params, f.info, f.tx = r.Params(), r.FitInfo, r.Model
	case modelGammaGamma:
		var r churn.GammaGammaFit
		r, err = churn.FitGammaGamma(p.spendG, nil)
		f.params, f.info, f.spend, f.excluded = r.Params(), r.FitInfo, r.Model, r.Excluded
		f.meanSpend, f.meanSpendSE = r.MeanSpendDetermined(), r.MeanSpendStdErr()
		f.meanSpendR, f.meanSpendROK = r.MeanSpendSignedRoot()
	default:
		return f, usagef("-model: unknown model %q", name)
	}
	if err != nil {
		return f, err // the fits name themselves ("churn: fit bgnbd: …")
	}
	for _, p := range f.params {
		if !finite(p.Value) || !finite(p.StdErr) {
			return f, fmt.Errorf("fit %s: parameter %s is not finite", name, p.Name)
		}
	}
	if !finite(f.info.LogLikelihood) {
		return f, fmt.Errorf("fit %s: log-likelihood is not finite", name)
	}
	return f, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// fitJSON returns the JSON object of crm fit -json, with the parameters in the
// model's order and every number as num writes it (round-trip, plain
// notation from 1e-6 up to 1e21):
//
//	{"model":"bgnbd","params":{"r":…,"alpha":…,"a":…,"b":…},"loglik":…,
//	 "customers":…,"converged":true,"iterations":…,"std_errors":{…},
//	 "period":"week","calibration_end":"1997-09-30","groups":…,
//	 "gradient_norm":…}
//
// std_errors is empty when the observed information matrix is not positive
// definite, when a standard error is not finite, or when the fit is at the
// boundary of the parameter space ("boundary" below). A gammagamma fit adds
// "excluded", the customers without a repeat purchase or with a
// non-positive mean repeat spend. A fit whose likelihood is highest at the
// edge of the parameter space (f.edge, kept by keepEdge) adds, after
// every other field,
//
//	"boundary":{"a":"0","b":"inf"},"meaning":"nobody seems to leave: …"
//
// each parameter at the edge with the end it runs to, "0" or "inf" (as
// churn.BoundaryError.Limits gives it), and what the limit means for the
// model's predictions (BoundaryError.Meaning, "" when the model states
// none); the params are then the best finite point, and converged is what
// the optimiser reported. A number that is not finite, which JSON cannot
// hold, is written as null.
func fitJSON(f fitted, period customer.Period, calEnd customer.Date) string {
	var b strings.Builder
	obj := func(key func(churn.Param) float64) {
		b.WriteByte('{')
		for i, p := range f.params {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonString(p.Name))
			b.WriteByte(':')
			b.WriteString(jsonNum(key(p)))
		}
		b.WriteByte('}')
	}
	fmt.Fprintf(&b, `{"model":%s,"params":`, jsonString(f.name))
	obj(func(p churn.Param) float64 { return p.Value })
	fmt.Fprintf(&b, `,"loglik":%s,"customers":%d,"converged":%t,"iterations":%d,"std_errors":`,
		jsonNum(f.info.LogLikelihood), f.info.Customers, f.info.Converged, f.info.Iterations)
	if stdErrsOK(f) {
		obj(func(p churn.Param) float64 { return p.StdErr })
	} else {
		b.WriteString("{}")
	}
	fmt.Fprintf(&b, `,"period":%s,"calibration_end":%s,"groups":%d,"gradient_norm":%s`,
		jsonString(periodName(period)), jsonString(calEnd.String()), f.info.Groups, jsonNum(f.info.GradientNorm))
	if f.name == modelGammaGamma {
		fmt.Fprintf(&b, `,"excluded":%d`, f.excluded)
	}
	if f.edge != nil {
		b.WriteString(`,"boundary":{`)
		for i, end := range edgeEnds(f.edge, "inf") {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%s:%s", jsonString(f.edge.Names[i]), jsonString(end))
		}
		fmt.Fprintf(&b, `},"meaning":%s`, jsonString(f.edge.Meaning))
	}
	b.WriteString("}\n")
	return b.String()
}

// stdErrsOK reports whether the standard errors of f are to be shown:
// the fit is not at the boundary of the parameter space (f.edge: the
// best finite point of a likelihood that rises toward the edge has no
// sampling distribution around it, whatever the curvature there says),
// the observed information matrix was positive definite and every one
// is finite.
func stdErrsOK(f fitted) bool {
	if f.edge != nil || !f.info.StdErrOK {
		return false
	}
	for _, p := range f.params {
		if !finite(p.StdErr) {
			return false
		}
	}
	return true
}

// jsonNum is num(x) for JSON, which has no Inf or NaN: null for those.
func jsonNum(x float64) string {
	if !finite(x) {
		return "null"
	}
	return num(x)
}

// jsonString is s as a JSON string. (Go's %q is not one: it writes
// \x escapes, which JSON does not have.)
func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		return `""` // a string always marshals
	}
	return string(b)
}

// fitText is the readable form of a fit.
func fitText(f fitted, period customer.Period, calEnd customer.Date) string {
	var b strings.Builder
	fmt.Fprintf(&b, "model        %s (time in %ss, calibration to %s)\n", f.name, periodName(period), calEnd)
	fmt.Fprintf(&b, "customers    %d (%d distinct inputs)\n", f.info.Customers, f.info.Groups)
	if f.name == modelGammaGamma {
		fmt.Fprintf(&b, "excluded     %d (no repeat purchase or non-positive mean spend)\n", f.excluded)
	}
	for _, p := range f.params {
		if stdErrsOK(f) {
			fmt.Fprintf(&b, "%-12s %.6g ± %.3g\n", p.Name, p.Value, p.StdErr)
		} else {
			fmt.Fprintf(&b, "%-12s %.6g\n", p.Name, p.Value)
		}
	}
	fmt.Fprintf(&b, "loglik       %.4f\n", f.info.LogLikelihood)
	fmt.Fprintf(&b, "converged    %t after %d iterations (gradient norm %.3g)\n", f.info.Converged, f.info.Iterations, f.info.GradientNorm)
	if f.edge != nil {
		fmt.Fprintf(&b, "boundary     %s: the best finite point of the likelihood, which is highest at the edge of the parameter space\n", strings.Join(edgeParts(f.edge), ", "))
		if f.edge.Meaning != "" {
			fmt.Fprintf(&b, "meaning      %s\n", f.edge.Meaning)
		}
	}
	return b.String()
}

// readAndFit is what fit and score share: it reads the input up to
// calEnd, opens the output, builds the model input in period units and fits
// f.model; with edge set, a fit at the parameter boundary is kept as
// keepEdge keeps it, and note says so. spend says that a spend model is
// fitted besides (crm score -spend): the spend input is then built for
// it, as it is for -model gammagamma. On success the caller commits or
// aborts out.
func (f *modelFlags) readAndFit(e *env, calEnd customer.Date, period customer.Period, edge, spend bool) (out *output, pop *population, fit fitted, note string, err error) {
	t, out, err := f.scanTo(e, calEnd, f.out, "-calibration-end")
	if err != nil {
		return nil, nil, fitted{}, "", err
	}
	defer func() {
		if err != nil {
			out.abort()
			out = nil
		}
	}()
	if pop, err = buildPopulation(t, period, discrete(f.model), spend || f.model == modelGammaGamma); err != nil {
		return out, nil, fitted{}, "", err
	}
	pop.report(e, calEnd, false)
	if f.model == modelGammaGamma {
		if pop.spendG, err = pop.spendIn.all(); err != nil {
			return out, nil, fitted{}, "", err
		}
	}
	fit, err = fitModel(f.model, pop)
	if edge {
		fit, note, err = keepEdge(fit, err)
	}
	return out, pop, fit, note, err
}

func runFit(e *env, args []string) error {
	fs := newFlags(e, "fit", "-model MODEL -in FILE [-format csv|cdnow] -calibration-end YYYY-MM-DD [-period day|week] [-json] [-out FILE]")
	var f modelFlags
	f.register(fs, "bgnbd, paretonbd, mbgnbd, bgbb or gammagamma")
	asJSON := fs.Bool("json", false, "print the fit as one JSON object (otherwise as text)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkModel(&f.model, []string{modelBGNBD, modelParetoNBD, modelMBGNBD, modelBGBB, modelGammaGamma}, ""); err != nil {
		return err
	}
	period, err := parsePeriod(f.period)
	if err != nil {
		return err
	}
	calEnd, err := parseDay("calibration-end", f.calEnd)
	if err != nil {
		return err
	}
	// A fit at the edge of the parameter space whose best finite point
	// is usable is printed as any fit, with the edge, as crm score keeps
	// it; the note goes to stderr.
	out, pop, fit, note, err := f.readAndFit(e, calEnd, period, true, false)
	if err != nil {
		return err
	}
	defer out.abort()
	if note != "" {
		fmt.Fprintf(e.stderr, "crm: %s loglik %s on %s, converged %t%s\n", fit.name, num(fit.info.LogLikelihood), customers(fit.info.Customers), fit.info.Converged, note)
	}
	if f.model == modelGammaGamma && pop.spendIn.present[customer.Consumer] && pop.spendIn.present[customer.Intermediary] {
		fmt.Fprintln(e.stderr, "crm: this is the fit on consumers and intermediaries together; crm score and crm batch fit each kind on its own")
	}
	if *asJSON {
		io.WriteString(out, fitJSON(fit, period, calEnd))
	} else {
		io.WriteString(out, fitText(fit, period, calEnd))
	}
	return out.commit()
}

// annualToPeriod converts an annual discount rate to a rate per period.
func annualToPeriod(annual float64, period customer.Period) float64 {
	n := 52.0
	if period == customer.Days {
		n = 365
	}
	return math.Expm1(math.Log1p(annual) / n)
}

func runScore(e *env, args []string) error {
	fs := newFlags(e, "score", "-model MODEL -in FILE [-format csv|cdnow] -calibration-end YYYY-MM-DD [-period day|week] [-horizon H] [-spend gammagamma [-discount-rate R]] [-out FILE]")
	var f modelFlags
	f.register(fs, "bgnbd, paretonbd, mbgnbd or bgbb")
	horizon := fs.Float64("horizon", 0, "`periods` after the calibration end over which purchases (and CLV) are expected (default 52 weeks or 365 days)")
	spend := fs.String("spend", "", "spend `model` for a clv column: gammagamma")
	discount := fs.Float64("discount-rate", 0.10, "annual discount `rate` of the CLV, converted to the period: (1+R)^(1/52) − 1 per week, (1+R)^(1/365) − 1 per day")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkModel(&f.model, transactionModels, "score a transaction model (%s) with -spend gammagamma"); err != nil {
		return err
	}
	period, err := parsePeriod(f.period)
	if err != nil {
		return err
	}
	calEnd, err := parseDay("calibration-end", f.calEnd)
	if err != nil {
		return err
	}
	h, err := horizonOf(fs, *horizon, period, *spend != "" || discrete(f.model))
	if err != nil {
		return err
	}
	switch *spend = strings.ToLower(*spend); *spend {
	case "":
		if isSet(fs, "discount-rate") {
			return usagef("-discount-rate is the discount of the clv, which needs -spend gammagamma")
		}
	case modelGammaGamma:
		if !finite(*discount) || *discount < 0 || *discount > 10 {
			return usagef("-discount-rate %v: want an annual rate in [0, 10]", *discount)
		}
	default:
		return usagef("-spend: unknown spend model %q (want gammagamma)", *spend)
	}
	out, pop, fit, note, err := f.readAndFit(e, calEnd, period, true, *spend != "")
	if err != nil {
		return err
	}
	defer out.abort()
	var gg *spendFits
	if *spend != "" {
		// When no kind has a fit, the rows are written with an empty
		// clv, as crm batch writes them: the scores asked for are there,
		// and stderr says why the clv is not.
		s, err := fitSpend(&pop.spendIn)
		for _, n := range s.notes {
			fmt.Fprintln(e.stderr, n)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "crm: %v; the clv column is left empty\n", err)
		}
		gg = &s
	}
	fmt.Fprintf(e.stderr, "crm: %s loglik %s on %s, converged %t%s\n", fit.name, num(fit.info.LogLikelihood), customers(fit.info.Customers), fit.info.Converged, note)
	return writeScores(e, out, fit, gg, pop, h, annualToPeriod(*discount, period))
}

// writeScores writes one row per scored customer:
// customer_id,frequency,recency,T,p_alive,expected_purchases[,clv].
//
// The clv of a customer is that of the Gamma-Gamma fit of its kind; a
// customer whose kind has no fit has an empty clv.
func writeScores(e *env, out *output, fit fitted, gg *spendFits, pop *population, h, d float64) error {
	w := csv.NewWriter(out)
	var noCLV clvCounts
	head := []string{"customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases"}
	if gg != nil {
		head = append(head, "clv")
	}
	if err := w.Write(head); err != nil {
		return err
	}
	scores, err := scoreAll(fit.tx, pop.obs, h)
	if err != nil {
		return err
	}
	var dep []float64
	if gg != nil && gg.any() {
		if dep, err = discountedAll(fit.tx, pop.obs, int(h), d); err != nil {
			return err
		}
	}
	rec := make([]string, len(head))
	for i, o := range pop.obs {
		sc := scores[i]
		rec[0] = o.ID
		rec[1] = strconv.Itoa(int(o.Frequency))
		rec[2], rec[3] = num(o.Recency), num(o.T)
		rec[4], rec[5] = num(sc.PAlive), num(sc.ExpectedPurchases)
		if gg != nil {
			rec[6] = ""
			if m := gg.of(pop.kind[i]); m != nil {
				v, why, err := customerCLV(m, o, pop.spend[i], dep[i])
				if err != nil {
					return fmt.Errorf("clv of customer %q: %w", o.ID, err)
				}
				if why == clvOK {
					rec[6] = num(v)
				} else {
					noCLV[why].Add(1)
				}
			}
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	noCLV.report(e.stderr)
	return out.commit()
}

// scoreAll scores every customer over horizon h, on both cores. A
// customer whose first purchase is on the calibration end (T = 0) has made
// no repeat purchase and had no time to drop out: P(alive) = 1 and the
// expected purchases are those of a new customer, E[X(h)].
func scoreAll(m churn.TransactionModel, obs []churn.Observation, h float64) ([]churn.Score, error) {
	scores := make([]churn.Score, len(obs))
	idx, pos := positiveT(obs)
	for i, o := range obs {
		if o.T > 0 {
			continue
		}
		e, err := m.ExpectedPurchases(h)
		if err != nil {
			return nil, fmt.Errorf("score customer %q: %w", o.ID, err)
		}
		scores[i] = churn.Score{PAlive: 1, ExpectedPurchases: e}
	}
	if len(pos) == len(obs) {
		if err := churn.ScoreAll(m, obs, h, scores); err != nil {
			return nil, fmt.Errorf("score: %w", err)
		}
		return scores, nil
	}
	out := make([]churn.Score, len(pos))
	if err := churn.ScoreAll(m, pos, h, out); err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	for j, i := range idx {
		scores[i] = out[j]
	}
	return scores, nil
}

// positiveT returns the observations of obs with T > 0, and their
// indices in obs.
func positiveT(obs []churn.Observation) (idx []int, pos []churn.Observation) {
	for i, o := range obs {
		if o.T > 0 {
			idx = append(idx, i)
			pos = append(pos, o)
		}
	}
	return idx, pos
}

// discountedAll returns the discounted expected purchases over n
// periods at rate d of every observation of obs, by index:
// churn.DiscountedExpectedPurchases of those with T > 0, computed with
// churn.DiscountedExpectedPurchasesAll, and newDiscounted, the same for
// every one, of those with T = 0. Over n = 0 periods the sum is empty, 0
// for everybody.
func discountedAll(m churn.TransactionModel, obs []churn.Observation, n int, d float64) ([]float64, error) {
	if n == 0 {
		return make([]float64, len(obs)), nil
	}
	idx, pos := positiveT(obs)
	out := make([]float64, len(pos))
	if err := churn.DiscountedExpectedPurchasesAll(m, pos, n, d, out); err != nil {
		var ie *churn.InputError
		if errors.As(err, &ie) && ie.Index >= 0 && ie.Index < len(pos) {
			return nil, fmt.Errorf("clv of customer %q: %w", pos[ie.Index].ID, err)
		}
		return nil, fmt.Errorf("clv: %w", err)
	}
	dep := make([]float64, len(obs))
	if len(pos) < len(obs) {
		nd, err := newDiscounted(m, n, d)
		if err != nil {
			return nil, fmt.Errorf("clv of a new customer: %w", err)
		}
		for i := range dep {
			dep[i] = nd
		}
	}
	for j, i := range idx {
		dep[i] = out[j]
	}
	return dep, nil
}

// newDiscounted is the discounted expected purchases over the next n
// periods, at rate d per period, of a customer whose first purchase is on
// the calibration end (T = 0), the same for every such customer: the sum
// of churn.DiscountedExpectedPurchases over the unconditional expected
// purchases E[X(k)] of a new customer,
//
//	Σ_{k=1}^{n} (Ê(k) − Ê(k−1)) / (1+d)^k,
//
// Ê(k) = max(0, E[X(1)], …, E[X(k)]) the running maximum (E[X(k)]
// increases; a dip of its rounding is not counted as purchases),
// which, times the Gamma-Gamma expected spend, is the customer's CLV
// (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 2, discretised per
// period as lifetimes does).
func newDiscounted(m churn.TransactionModel, n int, d float64) (float64, error) {
	prev, sum := 0.0, 0.0
	lf := math.Log1p(d)
	for k := 1; k <= n; k++ {
		e, err := m.ExpectedPurchases(float64(k))
		if err != nil {
			return 0, err
		}
		if !(e <= prev) { // the running maximum, as churn's sums
			sum += (e - prev) * math.Exp(-float64(k)*lf)
			prev = e
		}
	}
	if !finite(sum) {
		return 0, churn.ErrNumerical
	}
	return sum, nil
}
