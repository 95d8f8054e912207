package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// The population models — the quadrant thresholds and RFM bins of segment,
// the MBG/NBD and Gamma-Gamma parameters of churn, the coefficients of the
// churn risk — need every customer, so they are fitted from the stored
// histories by Server.Refresh: at start-up, every -refresh interval and on
// POST /v1/models/refresh. Between fits they are stale: a customer's own
// numbers (summary, recency, complaints, P(alive) from the fitted
// parameters) are always computed afresh at the request, but they are
// compared with the population as it was at the fit. Every insight
// response says when that was ("model.fitted_at", "model.age_seconds").

// HoldoutWeeks is the length of the window after the calibration period
// whose purchases label the churn risk's training examples: a customer
// with no purchase in it churned.
const HoldoutWeeks = 26

// Models are the population models of one fit. They are immutable.
type Models struct {
	// AsOf is the instant of the fit; Took how long it took.
	AsOf time.Time
	Took time.Duration
	// Customers is the number of customers read; Segmented those with a
	// history, in the segment fit; Skipped those whose history could not
	// be summarised.
	Customers, Segmented, Skipped int
	// Segment classifies customers; nil when nobody has a history yet.
	Segment *segment.Model
	// Alive is MBG/NBD fitted on the consumers' purchase histories, in
	// weeks; nil (and Notes say why) when it could not be fitted.
	Alive churn.TransactionModel
	// Spend is the Gamma-Gamma spend model; nil when it could not be
	// fitted.
	Spend *churn.GammaGamma
	// SpendMean reports whether Spend determines the mean spend p·v/(q−1)
	// it gives a customer without a repeat purchase
	// (churn.GammaGammaFit.MeanSpendDetermined); when it does not, such
	// a customer has no clv.
	SpendMean bool
	// Risk is the churn risk model, fitted on a calibration split or the
	// rule-based fallback.
	Risk       *risk.Model
	RiskReport risk.FitReport
	// Notes explain the models that could not be fitted.
	Notes []string
}

// alive adapts a transaction model to risk.AliveModel.
type alive struct{ m churn.TransactionModel }

func (a alive) PAlive(x, tx, T float64) (float64, error) {
	return a.m.PAlive(churn.Observation{Frequency: x, Recency: tx, T: T})
}

// signalMap serves complaint signals computed beforehand.
type signalMap map[customer.ID]customer.ComplaintSignals

func (m signalMap) ComplaintSignals(id customer.ID, _ time.Time) (customer.ComplaintSignals, error) {
	return m[id], nil
}

func btyd(s customer.Summary) (churn.Observation, bool) {
	x, tx, T, ok := s.BTYD(customer.Weeks)
	if !ok || T <= 0 {
		return churn.Observation{}, false
	}
	return churn.Observation{ID: string(s.CustomerID), Frequency: float64(x), Recency: tx, T: T}, true
}

// Refresh fits the population models on the stored customers as of now
// and installs them. Only one fit runs at a time. Store errors are
// returned (the previous models stay); models that cannot be fitted on the
// data are left out and explained in Models.Notes.
func (s *Server) Refresh(ctx context.Context) (*Models, error) {
	s.fitting.Lock()
	defer s.fitting.Unlock()
	start := time.Now()
	now := s.now()
	calEnd := now.AddDate(0, 0, -7*HoldoutWeeks)
	m := &Models{AsOf: now}

	var (
		inputs             []segment.Input
		full, cal, calFull []customer.Summary
		sigCal             = signalMap{}
	)
	for c, err := range s.stores.Customers.List(ctx) {
		if err != nil {
			return nil, err
		}
		m.Customers++
		var events []customer.Event
		for ev, err := range s.stores.Customers.History(ctx, c.ID) {
			if err != nil {
				return nil, err
			}
			events = append(events, ev)
		}
		sumNow, left, err := summarize(c.ID, c.Kind, now, now, events)
		if err != nil {
			m.Skipped++
			s.log.LogAttrs(ctx, slog.LevelWarn, "refresh: history skipped", slog.String("error", err.Error()))
			continue
		}
		s.logLeftOut(ctx, "refresh", c.ID, left)
		if sumNow.Orders == 0 && sumNow.Interactions == 0 {
			continue
		}
		logs, err := s.casesOf(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if len(logs) > 0 {
			sig, err := complaint.Signals(logs, calEnd, 0, nil)
			if err != nil {
				return nil, fmt.Errorf("complaint signals: %w", err)
			}
			sigCal[c.ID] = sig[c.ID]
		}
		inputs = append(inputs, segment.Input{Summary: &sumNow, Customer: &c})
		if c.Kind != customer.Consumer || sumNow.Orders == 0 {
			continue
		}
		full = append(full, sumNow)
		sumCal, _, err := summarize(c.ID, c.Kind, calEnd, now, events)
		if err == nil && sumCal.Orders > 0 {
			cal = append(cal, sumCal)
			calFull = append(calFull, sumNow)
		}
	}
	m.Segmented = len(inputs)
	if len(inputs) > 0 {
		seg, _, err := segment.FitInputs(inputs, nil)
		if err != nil {
			m.Notes = append(m.Notes, "segment: "+err.Error())
		}
		m.Segment = seg
	} else {
		m.Notes = append(m.Notes, "segment: no customer with a history yet")
	}

	// The churn risk learns who did not come back: signals as of the end
	// of a calibration period, labelled by the holdout half year.
	calAlive := s.fitAlive(cal, &m.Notes, "calibration")
	var examples []risk.Example
	if len(cal) > 0 {
		var am risk.AliveModel
		if calAlive != nil {
			am = alive{calAlive}
		}
		ins, err := risk.Collect(cal, sigCal, am, customer.Weeks)
		if err != nil {
			m.Notes = append(m.Notes, "risk: "+err.Error())
		}
		for i, in := range ins {
			ex, err := risk.Label(in, risk.HoldoutPurchases(calFull[i], calEnd))
			if err == nil {
				examples = append(examples, ex)
			}
		}
	}
	rm, rep, err := risk.Fit(examples, nil)
	if err != nil {
		m.Notes = append(m.Notes, "risk: "+err.Error()+"; the rule-based model serves")
		if rm, err = risk.Rules(nil); err != nil {
			return nil, err
		}
		rep = risk.FitReport{Method: risk.MethodRules}
	} else if rep.Fallback != nil {
		m.Notes = append(m.Notes, "risk: "+rep.Fallback.Error()+"; the rule-based model serves")
	}
	m.Risk, m.RiskReport = rm, rep

	// Today's parameters, on everything.
	m.Alive = s.fitAlive(full, &m.Notes, "current")
	var spend []churn.SpendObservation
	for _, sum := range full {
		if mean, ok := sum.MeanRepeatSpend(); ok {
			x, _, _, _ := sum.BTYD(customer.Weeks)
			f, _ := mean.Float64()
			spend = append(spend, churn.SpendObservation{ID: string(sum.CustomerID), Frequency: float64(x), MeanSpend: f})
		}
	}
	if g, err := churn.GroupSpend(spend); err != nil {
		m.Notes = append(m.Notes, "gamma-gamma: "+err.Error())
	} else if fit, err := churn.FitGammaGamma(g, nil); err != nil {
		m.Notes = append(m.Notes, "gamma-gamma: "+err.Error())
	} else {
		m.Spend, m.SpendMean = &fit.Model, fit.MeanSpendDetermined()
		if note := spendMeanNote(fit); note != "" {
			m.Notes = append(m.Notes, note)
		}
	}
	m.Took = time.Since(start)
	s.models.Store(m)
	s.log.LogAttrs(ctx, slog.LevelInfo, "models fitted", slog.Int("customers", m.Customers),
		slog.Int("segmented", m.Segmented), slog.Bool("alive", m.Alive != nil), slog.String("risk", m.RiskReport.Method.String()),
		slog.Duration("took", m.Took))
	return m, nil
}

// fitAlive fits MBG/NBD (which, unlike BG/NBD, lets one-off buyers leave)
// on the consumers' summaries in weeks; nil when it cannot.
func (s *Server) fitAlive(sums []customer.Summary, notes *[]string, what string) churn.TransactionModel {
	var obs []churn.Observation
	for _, sum := range sums {
		if o, ok := btyd(sum); ok {
			obs = append(obs, o)
		}
	}
	if len(obs) == 0 {
		*notes = append(*notes, "mbgnbd ("+what+"): no consumer with a purchase history")
		return nil
	}
	g, err := churn.GroupObservations(obs)
	if err != nil {
		*notes = append(*notes, "mbgnbd ("+what+"): "+err.Error())
		return nil
	}
	fit, err := churn.FitMBGNBD(g, nil)
	if err != nil {
		*notes = append(*notes, "mbgnbd ("+what+"): "+err.Error())
		return nil
	}
	return fit.Model
}

// leftOut is a record of a customer's history that the shop's Recorder
// would have refused — a complaint's price reduction of more than its
// order's net, or a refund of units refunded before, stored by an older
// release that did not check them — and that the summaries therefore
// leave out. The insight names it, so that it can be fixed, instead of
// failing for ever or adding it up.
type leftOut struct {
	// Record names the record: `credit "C-7:1#9" (complaint "C-7:1")`,
	// `return "R-2"`.
	Record string `json:"record"`
	// Error is the check the record fails.
	Error string `json:"error"`
}

// summarize is customer.Summarize of the events of customer id as of
// asOf, without the returns and credits that the shop's Recorder would
// have refused at now (see admissible): the shop writes its history only through a Recorder, so
// such a record is a defect of an older release. They are left out and
// returned, not an error (see admissible). When the rest of the history
// does not add up either (an invalid order, say), Summarize's error,
// which names the record at fault, is returned.
func summarize(id customer.ID, k customer.Kind, asOf, now time.Time, events []customer.Event) (customer.Summary, []leftOut, error) {
	kept, left := admissible(events, now)
	sum, err := customer.Summarize(id, k, asOf, slices.Values(kept), nil)
	if err != nil {
		return customer.Summary{}, nil, err
	}
	return sum, left, nil
}

// admissible returns the events of one customer's history that the
// Recorder's write-time checks accept, and names the others. The returns
// and credits are checked in the order in which a summary adds them:
// every return, by time then ID ([customer.CompareEvents]), with
// [customer.Return.ValidateAfter] against its order and the refunds of
// that order kept before it (the units the customer holds, a refund at
// most the units' share); then every credit, in the same order, with
// [customer.Credit.ValidateAfter] against its order, the price reductions
// of that order kept before it and the refunds kept (a price reduction
// at most what is left of the order's net), or a credit of no order with
// [customer.Credit.Validate] and the currency of the orders. A return or
// credit of an order the history lacks is left out too. The checks skip
// "not after now" against now, the server's instant: the instant of the
// write is not stored, but it was not after now, so a record dated after
// now was refused by any Recorder. They take the whole history, whatever
// the instant of the summary, so every summary of one history made at
// one now leaves out the same records. Orders and
// interactions are kept: Summarize checks them.
//
// The order in which the records were written is not stored, so of two
// records that conflict the one left out is the later in this order,
// which need not be the one the Recorder refused when they were
// written. Of a refund and a price reduction that together pay back more
// than their order's net, the price reduction is left out: the refund
// brought goods back, which the unit counts of a summary need. A credit
// of no order is checked against the currency of the orders, or, without
// any, of the first credit kept.
//
// The work grows with the records of an order as n log n (the sort): what
// an order's refunds paid back is added up once for all its credits.
func admissible(events []customer.Event, now time.Time) ([]customer.Event, []leftOut) {
	orders := map[string]*customer.Order{}
	var currency customer.Currency
	var rets, credits, kept []customer.Event
	for _, e := range events {
		switch {
		case e.Return != nil:
			rets = append(rets, e)
		case e.Credit != nil:
			credits = append(credits, e)
		default:
			if o := e.Order; o != nil {
				if _, ok := orders[o.ID]; !ok {
					orders[o.ID] = o
				}
				if currency == "" {
					currency = o.Currency
				}
			}
			kept = append(kept, e)
		}
	}
	if len(rets) == 0 && len(credits) == 0 {
		return events, nil
	}
	var left []leftOut
	leave := func(e customer.Event, err error) {
		record := e.Record()
		if e.Credit != nil && e.Credit.Source != "" {
			record += " (" + e.Credit.Source + ")"
		}
		left = append(left, leftOut{Record: record, Error: err.Error()})
	}

	slices.SortStableFunc(rets, customer.CompareEvents)
	refunded := map[string]map[string]int{} // order → line → units
	returnsOf := map[string][]customer.Return{}
	seenReturns := map[string]customer.Return{}
	for _, e := range rets {
		r := *e.Return
		if prev, ok := seenReturns[r.ID]; ok {
			if err := prev.Conflict(r); err != nil {
				leave(e, err)
			} else {
				kept = append(kept, e) // the same return delivered again
			}
			continue
		}
		o, ok := orders[r.OrderID]
		if !ok {
			leave(e, unknownOrder(e.Record(), e.CustomerID(), r.OrderID))
			continue
		}
		if err := r.ValidateAfter(*o, refunded[o.ID], now); err != nil {
			leave(e, err)
			continue
		}
		seenReturns[r.ID] = r
		returnsOf[o.ID] = append(returnsOf[o.ID], r)
		if r.Kind == customer.Refund {
			if refunded[o.ID] == nil {
				refunded[o.ID] = map[string]int{}
			}
			for _, l := range r.Lines {
				refunded[o.ID][l.LineID] -= l.Quantity
			}
		}
		kept = append(kept, e)
	}

	slices.SortStableFunc(credits, customer.CompareEvents)
	reduced := map[string]customer.Money{}
	// What each order's kept refunds paid back: its returns are all
	// checked before its first credit, so the sum is the same for every
	// price reduction of the order, added up once (customer.RefundsPaid)
	// rather than by ValidateAfter at every one.
	paid := map[string]decimal.Decimal{}
	seenCredits := map[string]customer.Credit{}
	for _, e := range credits {
		c := *e.Credit
		if prev, ok := seenCredits[c.ID]; ok {
			if err := prev.Conflict(c); err != nil {
				leave(e, err)
			} else {
				kept = append(kept, e)
			}
			continue
		}
		var err error
		if strings.TrimSpace(c.OrderID) == "" { // Validate reports a blank one
			err = c.Validate(now)
			if cur := c.Amount.Currency(); err == nil && currency != "" && cur != currency {
				err = &customer.ValidationError{Record: e.Record(), Fields: []customer.FieldError{{Field: "amount", Code: customer.CodeMismatch,
					Message: fmt.Sprintf("is in %s, the history of customer %q in %s", cur, c.CustomerID, currency)}}}
			}
		} else if o, ok := orders[c.OrderID]; !ok {
			err = unknownOrder(e.Record(), c.CustomerID, c.OrderID)
		} else {
			refunded, done := paid[o.ID]
			if !done {
				refunded = customer.RefundsPaid(*o, returnsOf[o.ID])
				paid[o.ID] = refunded
			}
			err = c.ValidateAfterPaid(*o, reduced[o.ID], refunded, now)
		}
		if err != nil {
			leave(e, err)
			continue
		}
		if currency == "" {
			currency = c.Amount.Currency()
		}
		seenCredits[c.ID] = c
		if c.Kind == customer.PriceReduction {
			// Within the order's net, so within the bounds of an amount.
			reduced[c.OrderID], _ = reduced[c.OrderID].Add(c.Amount)
		}
		kept = append(kept, e)
	}
	return kept, left
}

// unknownOrder is the error of record, a return or credit of customer
// id, whose order orderID is not in the customer's history, as the
// Recorder reports it.
func unknownOrder(record string, id customer.ID, orderID string) error {
	return &customer.ValidationError{Record: record, Fields: []customer.FieldError{{Field: "order_id", Code: customer.CodeUnknown,
		Message: fmt.Sprintf("customer %q has no order %q", id, orderID)}}}
}

// logLeftOut logs the records of customer id's history that a summary
// left out.
func (s *Server) logLeftOut(ctx context.Context, what string, id customer.ID, left []leftOut) {
	for _, l := range left {
		s.log.LogAttrs(ctx, slog.LevelWarn, what+": history record left out", slog.String("customer", string(id)),
			slog.String("record", l.Record), slog.String("error", l.Error))
	}
}

// classify summarises customer id's history as of now and classifies it
// with the fitted segment model. Records of the history that the shop's
// Recorder would have refused are left out of the summary and returned
// (see summarize).
func (s *Server) classify(ctx context.Context, m *Models, id customer.ID, now time.Time) (segment.Result, customer.Summary, []leftOut, error) {
	c, err := s.stores.Customers.Get(ctx, id)
	if err != nil {
		return segment.Result{}, customer.Summary{}, nil, notFound(err, "id", "no such customer")
	}
	if err := s.syncCredits(ctx, id); err != nil {
		return segment.Result{}, customer.Summary{}, nil, err
	}
	var events []customer.Event
	for ev, err := range s.stores.Customers.History(ctx, id) {
		if err != nil {
			return segment.Result{}, customer.Summary{}, nil, err
		}
		events = append(events, ev)
	}
	sum, left, err := summarize(id, c.Kind, now, now, events)
	if err != nil {
		return segment.Result{}, customer.Summary{}, nil, err
	}
	s.logLeftOut(ctx, "insight", id, left)
	if m.Segment == nil {
		return segment.Result{}, sum, left, &apiError{status: http.StatusServiceUnavailable, msg: "no segment model yet: no customer had a history at the last fit"}
	}
	var obs segment.Observation
	if err := segment.Observe(segment.Input{Summary: &sum, Customer: &c}, &obs); err != nil {
		return segment.Result{}, sum, left, err
	}
	var res segment.Result
	if err := m.Segment.Classify(&res, &obs); err != nil {
		if errors.Is(err, segment.ErrNotFitted) {
			return segment.Result{}, sum, left, &apiError{status: http.StatusServiceUnavailable, field: "id",
				msg: "no customer of this kind was in the last fit; refresh the models"}
		}
		return segment.Result{}, sum, left, err
	}
	return res, sum, left, nil
}

type modelOut struct {
	FittedAt   string   `json:"fitted_at"`
	AgeSeconds float64  `json:"age_seconds"`
	Customers  int      `json:"customers"`
	Segmented  int      `json:"segmented"`
	Alive      string   `json:"transaction_model,omitempty"`
	Spend      bool     `json:"spend_model"`
	Risk       string   `json:"risk_method"`
	Took       string   `json:"took,omitempty"`
	Notes      []string `json:"notes,omitempty"`
}

func (m *Models) out(now time.Time) modelOut {
	o := modelOut{FittedAt: formatTime(m.AsOf), AgeSeconds: math.Max(0, now.Sub(m.AsOf).Seconds()),
		Customers: m.Customers, Segmented: m.Segmented, Spend: m.Spend != nil,
		Risk: m.RiskReport.Method.String(), Took: m.Took.String(), Notes: m.Notes}
	if m.Alive != nil {
		o.Alive = m.Alive.Name()
	}
	return o
}

type partOut struct {
	Indicator  string  `json:"indicator"`
	Weight     float64 `json:"weight"`
	Normalized float64 `json:"normalized"`
	Part       float64 `json:"part"`
	Current    bool    `json:"current"`
	Source     string  `json:"source"`
}

type insightOut struct {
	Customer string   `json:"customer"`
	AsOf     string   `json:"as_of"`
	Model    modelOut `json:"model"`
	Summary  struct {
		Orders       int     `json:"orders"`
		PurchaseDays int     `json:"purchase_days"`
		Net          string  `json:"net"`
		Currency     string  `json:"currency,omitempty"`
		LastPurchase string  `json:"last_purchase,omitempty"`
		DaysSince    *int    `json:"days_since_last_purchase,omitempty"`
		ReturnRate   float64 `json:"return_rate"`
	} `json:"summary"`
	Segment struct {
		Quadrant   string     `json:"quadrant"`
		Threshold  [2]float64 `json:"thresholds"` // current, potential
		Rule       string     `json:"threshold_rule"`
		RFM        [3]uint8   `json:"rfm"`
		RFMSegment string     `json:"rfm_segment"`
		Stage      string     `json:"stage"`
		ShopType   string     `json:"shop_type"`
	} `json:"segment"`
	Value struct {
		Current   float64   `json:"current"`
		Potential float64   `json:"potential"`
		Total     float64   `json:"total"`
		Breakdown []partOut `json:"breakdown"`
	} `json:"value"`
	Churn *churnOut `json:"churn,omitempty"`
	// Actions are the default playbook's for the customer's segments and,
	// for a consumer, its churn-risk band (the retention contact first),
	// as the customer's consent allows.
	Actions []string `json:"actions"`
	// LeftOut names the records of the history that the shop's Recorder
	// would have refused and that the insight left out: fix them in the
	// history.
	LeftOut []leftOut `json:"left_out,omitempty"`
}

type churnOut struct {
	PAlive            *float64 `json:"p_alive,omitempty"`
	ExpectedPurchases *float64 `json:"expected_purchases_52w,omitempty"`
	CLV               *float64 `json:"clv_52w,omitempty"`
	Risk              float64  `json:"risk"`
	Band              string   `json:"band"`
	Method            string   `json:"method"`
	Reasons           []string `json:"reasons"`
}

// weeklyDiscount is a 10% yearly discount rate per week: 1.1^(1/52) − 1.
var weeklyDiscount = math.Pow(1.1, 1.0/52) - 1

func (s *Server) getInsight(ctx context.Context, _ Caller, r *http.Request) (int, any, error) {
	id := customer.ID(r.PathValue("id"))
	if err := checkID("id", string(id)); err != nil {
		return 0, nil, err
	}
	m := s.models.Load()
	if m == nil {
		return 0, nil, &apiError{status: http.StatusServiceUnavailable, msg: "models not fitted yet"}
	}
	now := s.now()
	res, sum, left, err := s.classify(ctx, m, id, now)
	if err != nil {
		return 0, nil, err
	}
	var out insightOut
	out.Customer, out.AsOf, out.Model, out.LeftOut = string(id), formatTime(now), m.out(now), left
	out.Summary.Orders, out.Summary.PurchaseDays = sum.Orders, sum.PurchaseDays()
	out.Summary.Net, out.Summary.Currency = sum.Net().StringFixed(sum.Currency.Digits()), string(sum.Currency)
	out.Summary.ReturnRate = sum.ReturnRate()
	if d, ok := sum.LastPurchase(); ok {
		out.Summary.LastPurchase = d.String()
		days, _ := sum.DaysSinceLastPurchase()
		out.Summary.DaysSince = &days
	}
	th := m.Segment.Thresholds(res.Kind)
	out.Segment.Quadrant, out.Segment.Threshold, out.Segment.Rule = res.Quadrant.String(), [2]float64{th.Current, th.Potential}, th.Rule.String()
	out.Segment.RFM = [3]uint8{res.RFM.R, res.RFM.F, res.RFM.M}
	out.Segment.RFMSegment, out.Segment.Stage, out.Segment.ShopType = res.RFM.Segment.String(), res.Stage.String(), res.ShopType.String()
	out.Value.Current, out.Value.Potential, out.Value.Total = res.Value.Current, res.Value.Potential, res.Value.Total
	if sc := m.Segment.ValueScorer(res.Kind); sc != nil {
		for k, leaf := range sc.Leaves() {
			if k >= res.Value.N {
				break
			}
			out.Value.Breakdown = append(out.Value.Breakdown, partOut{Indicator: leaf.Path, Weight: leaf.Weight,
				Normalized: res.Value.Normalized[k], Part: res.Value.Part[k], Current: leaf.InCurrent, Source: res.Value.Source[k].String()})
		}
	}
	if sum.Orders > 0 && sum.Kind == customer.Consumer {
		c, rk, err := s.churnOf(ctx, m, sum, now)
		if err != nil {
			return 0, nil, err
		}
		out.Churn, res.Risk = c, rk
	}
	// The playbook's actions, those of the churn-risk band first: at high
	// or critical risk, a retention contact (domain rules §4).
	for _, a := range segment.DefaultPlaybook().Actions(&res) {
		out.Actions = append(out.Actions, a.Description)
	}
	return http.StatusOK, out, nil
}

// spendMeanNote is the note of a spend fit with q > 1 that does not
// determine the mean spend p·v/(q−1) (churn.GammaGammaFit.MeanSpendDetermined):
// q, the signed root of the likelihood ratio against q = 1 it is judged
// by (MeanSpendSignedRoot) or, for a fit without one, the standard error
// (MeanSpendStdErr), and that customers without a repeat purchase then
// have no clv_52w; "" for any other fit.
func spendMeanNote(fit churn.GammaGammaFit) string {
	if !(fit.Model.Q > 1) || fit.MeanSpendDetermined() {
		return ""
	}
	if r, ok := fit.MeanSpendSignedRoot(); ok {
		return fmt.Sprintf("gamma-gamma: q = %.3g cannot be told from 1 (signed root of the likelihood ratio %.2g, not above 1.96), so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase have no clv_52w",
			fit.Model.Q, r)
	}
	return fmt.Sprintf("gamma-gamma: q = %.3g is within 1.96 standard errors (%.2g) of 1, so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase have no clv_52w",
		fit.Model.Q, fit.MeanSpendStdErr())
}

// clv is the 52-week CLV of a customer with observation o and summary
// sum under m's models (churn.CLV at a 10% yearly discount); nil when m
// has no spend model, when it gives the customer no finite expected
// spend, or when the customer has no repeat purchase and the spend
// model does not determine the mean spend it would give them
// (Models.SpendMean).
func (m *Models) clv(o churn.Observation, sum customer.Summary) *float64 {
	if m.Alive == nil || m.Spend == nil || o.Frequency == 0 && !m.SpendMean {
		return nil
	}
	mean, _ := sum.MeanRepeatSpend()
	f, _ := mean.Float64()
	clv, err := churn.CLV(m.Alive, *m.Spend, o, f, 52, weeklyDiscount)
	if err != nil {
		return nil
	}
	return &clv
}

// churnOf scores the churn risk of a consumer with purchases, and returns
// it for the playbook too: its band, and whether a complaint is among its
// reasons (segment.RiskOf).
func (s *Server) churnOf(ctx context.Context, m *Models, sum customer.Summary, now time.Time) (*churnOut, segment.Risk, error) {
	logs, err := s.casesOf(ctx, sum.CustomerID)
	if err != nil {
		return nil, segment.Risk{}, err
	}
	in := risk.Input{Summary: sum}
	if len(logs) > 0 {
		sig, err := complaint.Signals(logs, now, 0, nil)
		if err != nil {
			return nil, segment.Risk{}, err
		}
		in.Complaints = sig[sum.CustomerID]
	}
	out := &churnOut{}
	if o, ok := btyd(sum); ok && m.Alive != nil {
		if sc, err := m.Alive.Score(o, 52); err == nil {
			in.PAlive, in.HasPAlive = sc.PAlive, true
			out.PAlive, out.ExpectedPurchases = &sc.PAlive, &sc.ExpectedPurchases
			out.CLV = m.clv(o, sum)
		}
	}
	res, err := m.Risk.Score(in)
	if err != nil {
		return nil, segment.Risk{}, err
	}
	out.Risk, out.Band, out.Method = res.Risk, res.Band.String(), res.Method.String()
	out.Reasons = []string{}
	for _, r := range res.Reasons {
		out.Reasons = append(out.Reasons, r.Text)
	}
	return out, segment.RiskOf(&res), nil
}

func (s *Server) postRefresh(ctx context.Context, _ Caller, r *http.Request) (int, any, error) {
	m, err := s.Refresh(ctx)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m.out(s.now()), nil
}
