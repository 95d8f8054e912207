// Command cdnow fits tailor's buy-till-you-die models to the CDNOW sample
// (Fader, Hardie & Lee 2005) and sets them beside the published values:
// the calibration period runs to 1997-09-30, the 39-week holdout to
// 1998-06-30, time is counted in weeks.
//
//	go run ./examples/cdnow [-in churn/testdata/cdnow/CDNOW_sample.txt]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
)

func main() {
	in := flag.String("in", "churn/testdata/cdnow/CDNOW_sample.txt", "CDNOW transaction `file` (5 columns)")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cdnow:", err)
		os.Exit(1)
	}
	defer f.Close()
	if err := run(os.Stdout, f, *in); err != nil {
		fmt.Fprintln(os.Stderr, "cdnow:", err)
		os.Exit(1)
	}
}

var (
	calibrationEnd = customer.DateFromYMD(1997, time.September, 30)
	holdoutEnd     = customer.DateFromYMD(1998, time.June, 30)
)

// history is one customer's purchase days and the spend of each.
type history struct {
	days  []customer.Date
	spend map[customer.Date]float64
}

// read parses the five-column CDNOW file: master id, customer id, date
// YYYYMMDD, quantity, dollar amount. Same-day rows are one transaction.
func read(r io.Reader, name string) (map[string]*history, error) {
	cs := map[string]*history{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 5 {
			return nil, fmt.Errorf("%s:%d: %d columns, want 5", name, line, len(f))
		}
		t, err := time.Parse("20060102", f[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: date %q: want YYYYMMDD", name, line, f[2])
		}
		amount, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: amount %q: not a number", name, line, f[4])
		}
		h := cs[f[1]]
		if h == nil {
			h = &history{spend: map[customer.Date]float64{}}
			cs[f[1]] = h
		}
		d := customer.DateOf(t)
		if _, seen := h.spend[d]; !seen {
			h.days = append(h.days, d)
		}
		h.spend[d] += amount
	}
	return cs, sc.Err()
}

func run(w io.Writer, r io.Reader, name string) error {
	cs, err := read(r, name)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(cs))
	for id := range cs {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	var obs []churn.Observation
	var spend []churn.SpendObservation
	var holdout []float64
	for _, id := range ids {
		h := cs[id]
		sort.Slice(h.days, func(i, j int) bool { return h.days[i] < h.days[j] })
		first := h.days[0]
		x, last, total, later := 0, first, 0.0, 0
		for _, d := range h.days[1:] {
			if d > calibrationEnd {
				if d <= holdoutEnd {
					later++
				}
				continue
			}
			x++
			last = d
			total += h.spend[d]
		}
		o := churn.Observation{ID: id, Frequency: float64(x),
			Recency: float64(last-first) / 7, T: float64(calibrationEnd-first) / 7}
		obs = append(obs, o)
		holdout = append(holdout, float64(later))
		mean := 0.0
		if x > 0 {
			mean = total / float64(x)
		}
		spend = append(spend, churn.SpendObservation{ID: id, Frequency: float64(x), MeanSpend: mean})
	}
	groups, err := churn.GroupObservations(obs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "CDNOW sample: %d customers, %d distinct (x, t_x, T) triples, calibration to %s.\n\n",
		len(obs), groups.Len(), calibrationEnd)

	published := map[churn.ModelKind]string{
		churn.ModelBGNBD:     "r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4 (Fader, Hardie & Lee 2005)",
		churn.ModelParetoNBD: "r 0.55, α 10.58, s 0.61, β 11.67, LL −9595.0 (Fader, Hardie & Lee 2005)",
		churn.ModelMBGNBD:    "r 0.5248, α 6.1831, a 0.8914, b 1.6140, LL −9582.14 (lifetimes)",
	}
	fmt.Fprintf(w, "%-10s %-66s %10s\n", "model", "fitted", "loglik")
	var models []churn.TransactionModel
	for _, k := range []churn.ModelKind{churn.ModelBGNBD, churn.ModelParetoNBD, churn.ModelMBGNBD} {
		fit, err := churn.FitTransactionModel(k, groups, nil)
		if err != nil {
			return fmt.Errorf("%v: %w", k, err)
		}
		var ps []string
		for _, p := range fit.Params() {
			ps = append(ps, fmt.Sprintf("%s %.4f±%.3f", p.Name, p.Value, p.StdErr))
		}
		fmt.Fprintf(w, "%-10v %-66s %10.3f\n", k, strings.Join(ps, ", "), fit.Diagnostics().LogLikelihood)
		fmt.Fprintf(w, "%-10s published: %s\n", "", published[k])
		models = append(models, fit.Transactions())
	}
	sg, err := churn.GroupSpend(spend)
	if err != nil {
		return err
	}
	gg, err := churn.FitGammaGamma(sg, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-10s p %.4f, q %.4f, v %.4f on %d repeat buyers (%d without a repeat left out); LL %.3f\n",
		"gammagamma", gg.Model.P, gg.Model.Q, gg.Model.V, gg.Customers, gg.Excluded, gg.LogLikelihood)
	fmt.Fprintf(w, "%-10s published: p 6.25, q 3.74, γ 15.44 (Fader & Hardie, note 025)\n\n", "")

	fmt.Fprintln(w, "39-week holdout, expected against actual repeat purchases:")
	fmt.Fprintf(w, "%-10s %9s %7s %7s %7s %7s %7s\n", "model", "expected", "actual", "MAE", "RMSE", "AUC", "Brier")
	for _, m := range models {
		ev, err := churn.EvaluateHoldout(m, obs, holdout, 39, 7)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-10s %9.1f %7.0f %7.4f %7.4f %7.3f %7.3f\n", m.Name(), ev.TotalExpected, ev.TotalActual, ev.MAE, ev.RMSE, ev.AUC, ev.Brier)
	}

	bg := models[0]
	o := churn.Observation{Frequency: 2, Recency: 30.43, T: 38.86}
	pa, err := bg.PAlive(o)
	if err != nil {
		return err
	}
	next, err := bg.ConditionalExpectedPurchases(o, 39)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nBG/NBD for a customer with x = 2, t_x = 30.43, T = 38.86: P(alive) %.5f, next 39 weeks %.5f\n", pa, next)
	fmt.Fprintln(w, "(Hardie's spreadsheet: 0.72661 and 1.22591 with the parameters fitted on the rounded summary)")
	clv, err := churn.CLV(bg, gg.Model, o, 35, 52, 0.10/52)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Its expected value over the next year at 10%% a year, mean repeat spend $35: $%.2f\n", clv)
	return nil
}
