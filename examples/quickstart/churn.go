package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// calibrationEnd splits the history: models learn from what happened
// before it and are checked against the half year after it.
var calibrationEnd = time.Date(2025, 6, 30, 23, 59, 59, 0, time.UTC)

// complaintDesk serves the generated complaints as the churn risk's
// complaint signals. Generated complaints carry no case state, so a
// complaint of the last 14 days counts as unresolved.
type complaintDesk map[customer.ID][]shopgen.Complaint

func (d complaintDesk) ComplaintSignals(id customer.ID, asOf time.Time) (customer.ComplaintSignals, error) {
	s := customer.ComplaintSignals{Window: 90 * 24 * time.Hour}
	for _, c := range d[id] {
		if c.Time.After(asOf) {
			continue
		}
		s.Total++
		if asOf.Sub(c.Time) <= s.Window {
			s.Recent++
			s.MaxSeverity = max(s.MaxSeverity, c.Severity)
		}
		if asOf.Sub(c.Time) <= 14*24*time.Hour {
			s.Unresolved++
		}
		if c.Time.After(s.Last) {
			s.Last = c.Time
		}
	}
	return s, nil
}

// observations returns the BG/NBD triples of summaries in weeks.
func observations(sums []customer.Summary) []churn.Observation {
	obs := make([]churn.Observation, len(sums))
	for i, s := range sums {
		x, tx, T, _ := s.BTYD(customer.Weeks)
		obs[i] = churn.Observation{ID: string(s.CustomerID), Frequency: float64(x), Recency: tx, T: T}
	}
	return obs
}

func churnRisk(w io.Writer, s *shop) error {
	heading(w, "Who is leaving")
	desk := complaintDesk{}
	var cal, full []customer.Summary
	byID := map[customer.ID]customer.Summary{}
	for _, sum := range s.summaries {
		byID[sum.CustomerID] = sum
	}
	for i := range s.records {
		r := &s.records[i]
		desk[r.Customer.ID] = r.Complaints
		c, err := customer.Summarize(r.Customer.ID, r.Customer.Kind, calibrationEnd, r.Events(), nil)
		if err != nil {
			return err
		}
		// A customer first seen on the last day has T = 0: no model can
		// say anything of them yet.
		if t, ok := c.Tenure(); ok && t > 0 && c.Kind == customer.Consumer {
			cal = append(cal, c)
			full = append(full, byID[c.CustomerID])
		}
	}

	// Three buy-till-you-die models on the calibration period, each
	// checked against the holdout half year.
	g, err := churn.GroupObservations(observations(cal))
	if err != nil {
		return err
	}
	horizon := float64(customer.DateOf(asOf)-customer.DateOf(calibrationEnd)) / 7
	actual := make([]float64, len(cal))
	for i := range cal {
		actual[i] = float64(risk.HoldoutPurchases(full[i], calibrationEnd))
	}
	bg, err := churn.FitBGNBD(g, nil)
	if err != nil {
		return err
	}
	mbg, err := churn.FitMBGNBD(g, nil)
	if err != nil {
		return err
	}
	pareto, err := churn.FitParetoNBD(g, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Fitted on %d shoppers up to %s, checked on the next %.0f weeks:\n", len(cal), calibrationEnd.Format(time.DateOnly), horizon)
	fmt.Fprintf(w, "  %-10s %10s %9s %9s %7s %14s\n", "model", "loglik", "expected", "actual", "MAE", "P(alive) AUC")
	for _, f := range []struct {
		m  churn.TransactionModel
		ll float64
	}{{bg.Model, bg.LogLikelihood}, {mbg.Model, mbg.LogLikelihood}, {pareto.Model, pareto.LogLikelihood}} {
		ev, err := churn.EvaluateHoldout(f.m, observations(cal), actual, horizon, 7)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-10s %10.1f %9.0f %9.0f %7.3f %14.3f\n", f.m.Name(), f.ll, ev.TotalExpected, ev.TotalActual, ev.MAE, ev.AUC)
	}
	fmt.Fprintln(w, "BG/NBD counts every one-off buyer as alive (P(alive) = 1 at frequency 0), which ranks them")
	fmt.Fprintln(w, "wrongly in a shop full of one-off buyers; MBG/NBD lets them leave, so the risk below uses it.")
	m := mbg.Model

	// The churn risk learns from the same split: who did not come back.
	ins, err := risk.Collect(cal, desk, risk.AliveOf(m), customer.Weeks)
	if err != nil {
		return err
	}
	var train, test []risk.Example
	for i, in := range ins {
		ex, err := risk.Label(in, int(actual[i]))
		if err != nil {
			return err
		}
		if i%2 == 0 {
			train = append(train, ex)
		} else {
			test = append(test, ex)
		}
	}
	model, report, err := risk.Fit(train, nil)
	if err != nil {
		return err
	}
	rev, err := risk.Evaluate(model, test)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Churn risk %s on %d shoppers; on %d others it ranks leavers first with AUC %.3f (Brier %.3f).\n",
		report.Method, report.Examples, rev.N, rev.AUC, rev.Brier)

	// Today: refit on everything and score the same shoppers as of now.
	gNow, err := churn.GroupObservations(observations(full))
	if err != nil {
		return err
	}
	now, err := churn.FitMBGNBD(gNow, nil)
	if err != nil {
		return err
	}
	cur, err := risk.Collect(full, desk, risk.AliveOf(now.Model), customer.Weeks)
	if err != nil {
		return err
	}
	results, err := model.ScoreAll(cur)
	if err != nil {
		return err
	}
	bands := map[risk.Band]int{}
	for _, r := range results {
		bands[r.Band]++
	}
	var counts []string
	for b := risk.BandLow; b.Valid(); b++ {
		counts = append(counts, fmt.Sprintf("%s %d", b, bands[b]))
	}
	fmt.Fprintf(w, "Early warning today for these %d shoppers: %s.\n", len(results), strings.Join(counts, ", "))

	// The customers most worth a call: high spend, high risk.
	type pick struct {
		r   risk.Result
		net float64
	}
	var picks []pick
	for i, r := range results {
		if r.Band < risk.BandHigh {
			continue
		}
		f, _ := full[i].Net().Float64()
		picks = append(picks, pick{r, f})
	}
	slices.SortFunc(picks, func(a, b pick) int {
		switch {
		case a.net > b.net:
			return -1
		case a.net < b.net:
			return 1
		}
		return 0
	})
	fmt.Fprintln(w, "\nBig spenders at risk, and why:")
	for _, p := range picks[:min(3, len(picks))] {
		fmt.Fprintf(w, "  %s (spent %.0f EUR): risk %.0f%%\n", p.r.Customer, p.net, 100*p.r.Risk)
		for _, reason := range p.r.Reasons {
			fmt.Fprintf(w, "    - %s\n", reason.Text)
		}
	}
	return nil
}
