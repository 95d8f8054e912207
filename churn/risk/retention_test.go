package risk_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
)

// The tests of this file use the package as a retention manager of a
// clothing retailer would: summaries built from orders, complaint signals
// and the public API only.

var retAsOf = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const retDay = 24 * time.Hour

// purchase is one order of a test history: when, the amount and the
// units, and the units refunded an hour later.
type purchase struct {
	when     time.Time
	amount   int64
	units    int
	returned int
}

// history builds the summary of id as of asOf from purchases, as the
// customer package builds it from real orders.
func history(t testing.TB, id customer.ID, kind customer.Kind, asOf time.Time, ps ...purchase) customer.Summary {
	t.Helper()
	s := customer.NewSummary(id, kind, asOf, nil)
	channel := customer.Store
	if kind == customer.Intermediary {
		channel = customer.Wholesale
	}
	for i, p := range ps {
		units := max(p.units, 1)
		price := decimal.NewFromInt(p.amount).Div(decimal.NewFromInt(int64(units))).Round(2)
		require.NoError(t, s.AddOrder(customer.Order{
			ID: fmt.Sprintf("%s-%d", id, i), CustomerID: id, Time: p.when, Channel: channel, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", SKU: "JACKET", Category: "outerwear", Quantity: units, UnitPrice: price}},
		}))
		if p.returned > 0 {
			back, err := customer.NewMoney(price.Mul(decimal.NewFromInt(int64(p.returned))).String(), "EUR")
			require.NoError(t, err)
			require.NoError(t, s.AddRefund(p.when.Add(time.Hour), back, p.returned))
		}
	}
	return *s
}

// seasonal buys every spring (10 April) and autumn (10 October) from
// 2023 up to asOf.
func seasonal(t testing.TB, id customer.ID, asOf time.Time) customer.Summary {
	var ps []purchase
	for y := 2023; y <= asOf.Year(); y++ {
		for _, m := range []time.Month{time.April, time.October} {
			if when := time.Date(y, m, 10, 15, 0, 0, 0, time.UTC); !when.After(asOf) {
				ps = append(ps, purchase{when: when, amount: 180, units: 2})
			}
		}
	}
	return history(t, id, customer.Consumer, asOf, ps...)
}

// weekly bought every week for two years, the last time stoppedDaysAgo
// days before retAsOf.
func weekly(t testing.TB, id customer.ID, stoppedDaysAgo int) customer.Summary {
	var ps []purchase
	for d := stoppedDaysAgo; d <= stoppedDaysAgo+2*365; d += 7 {
		ps = append(ps, purchase{when: retAsOf.AddDate(0, 0, -d), amount: 40})
	}
	return history(t, id, customer.Consumer, retAsOf, ps...)
}

func rules(t testing.TB, opts *risk.Options) *risk.Model {
	t.Helper()
	m, err := risk.Rules(opts)
	require.NoError(t, err)
	return m
}

func score(t testing.TB, m *risk.Model, in risk.Input) risk.Result {
	t.Helper()
	r, err := m.Score(in)
	require.NoError(t, err)
	return r
}

func contribution(r risk.Result, f risk.Feature) risk.Contribution {
	return r.Contributions[int(f)-1]
}

// A population of seasonal buyers, two purchases a year, is not flagged
// five months after the autumn purchase: their silence is measured
// against their own half-year rhythm (domain rules §7). A weekly buyer
// silent for as long is.
func TestSeasonalBuyersAreNotFlagged(t *testing.T) {
	m := rules(t, nil)
	for _, asOf := range []time.Time{
		time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),  // 142 days after autumn
		time.Date(2026, 9, 20, 12, 0, 0, 0, time.UTC), // 163 days after spring
	} {
		r := score(t, m, risk.Input{Summary: seasonal(t, "SEASON", asOf)})
		assert.Equal(t, risk.BandLow, r.Band, "as of %s: risk %.3f", asOf, r.Risk)
		assert.True(t, r.OwnGap)
		assert.InDelta(t, 182.5, r.TypicalGap, 1.5)
		for _, why := range r.Reasons {
			assert.NotContains(t, why.Text, "no purchase for", "a seasonal buyer within its rhythm is not overdue")
			assert.NotContains(t, why.Text, "in the last 12 months", "a seasonal buyer is steady year on year")
		}
	}
	silent := score(t, m, risk.Input{Summary: weekly(t, "WEEKLY", 142)})
	season := score(t, m, risk.Input{Summary: seasonal(t, "SEASON", retAsOf)})
	assert.Greater(t, silent.Risk, season.Risk)
	assert.GreaterOrEqual(t, silent.Band, risk.BandHigh)
}

// A seasonal buyer who missed a whole season is overdue against its own
// rhythm, and the reason says so in its own numbers.
func TestSeasonalBuyerWhoMissesASeason(t *testing.T) {
	m := rules(t, nil)
	asOf := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var ps []purchase
	for y := 2023; y <= 2025; y++ {
		ps = append(ps, purchase{when: time.Date(y, time.April, 10, 15, 0, 0, 0, time.UTC), amount: 180},
			purchase{when: time.Date(y, time.October, 10, 15, 0, 0, 0, time.UTC), amount: 180})
	}
	r := score(t, m, risk.Input{Summary: history(t, "SEASON", customer.Consumer, asOf, ps...)})
	inRhythm := score(t, m, risk.Input{Summary: seasonal(t, "SEASON", asOf)})
	assert.Greater(t, r.Risk, inRhythm.Risk)
	silence := int(customer.DateOf(asOf) - customer.DateOf(ps[len(ps)-1].when))
	var texts []string
	for _, why := range r.Reasons {
		texts = append(texts, why.Text)
	}
	assert.Contains(t, texts, fmt.Sprintf("no purchase for %d days where this customer's usual gap is 183 days", silence))
	assert.Contains(t, texts, "no purchase in the last 12 months against 2 purchase days the year before")
}

// A loyal weekly buyer who stopped two months ago is high risk, and the
// first reason quotes the silence against the weekly rhythm.
func TestWeeklyBuyerWhoStops(t *testing.T) {
	m := rules(t, nil)
	active := score(t, m, risk.Input{Summary: weekly(t, "W", 3)})
	assert.Equal(t, risk.BandLow, active.Band, "risk %.3f", active.Risk)
	stopped := score(t, m, risk.Input{Summary: weekly(t, "W", 60)})
	assert.GreaterOrEqual(t, stopped.Band, risk.BandHigh, "risk %.3f", stopped.Risk)
	require.NotEmpty(t, stopped.Reasons)
	assert.Equal(t, "no purchase for 60 days where this customer's usual gap is 7 days", stopped.Reasons[0].Text)
	assert.Equal(t, []risk.Feature{risk.FeatureOverdue}, stopped.Reasons[0].Features)
	// the longer the silence, the higher the risk
	prev := active.Risk
	for _, d := range []int{10, 30, 60, 120, 365} {
		r := score(t, m, risk.Input{Summary: weekly(t, "W", d)})
		assert.GreaterOrEqual(t, r.Risk, prev, "stopped %d days ago", d)
		prev = r.Risk
	}
}

// A customer with several unresolved complaints past their service
// deadline: the complaint reason quotes every count in the documented
// order (recent, unresolved, escalated, dissatisfied, SLA breaches,
// severity, age of the last one).
func TestUnresolvedComplaintsPastDeadline(t *testing.T) {
	m := rules(t, nil)
	sum := history(t, "C-1", customer.Consumer, retAsOf,
		purchase{when: retAsOf.AddDate(0, 0, -200), amount: 120},
		purchase{when: retAsOf.AddDate(0, 0, -140), amount: 90},
		purchase{when: retAsOf.AddDate(0, 0, -80), amount: 60},
		purchase{when: retAsOf.AddDate(0, 0, -20), amount: 75})
	calm := score(t, m, risk.Input{Summary: sum})
	c := customer.ComplaintSignals{
		Total: 4, Recent: 3, Window: 90 * retDay, Unresolved: 3, SLABreaches: 2, Escalated: 1, Dissatisfied: 1,
		MaxSeverity: 3, Last: retAsOf.AddDate(0, 0, -5),
	}
	r := score(t, m, risk.Input{Summary: sum, Complaints: c})
	assert.Greater(t, r.Risk, calm.Risk)
	assert.GreaterOrEqual(t, r.Band, risk.BandHigh, "risk %.3f", r.Risk)
	require.NotEmpty(t, r.Reasons)
	assert.Equal(t, "3 complaints in 90 days, 3 unresolved, 1 escalated, 1 handled to the customer's dissatisfaction, "+
		"2 past their service deadline, the worst of high severity, the last one 5 days ago", r.Reasons[0].Text)
	assert.Equal(t, []risk.Feature{risk.FeatureRecentComplaints, risk.FeatureUnresolved, risk.FeatureEscalated,
		risk.FeatureDissatisfied, risk.FeatureSLABreaches, risk.FeatureSeverity, risk.FeatureComplaintRecency},
		r.Reasons[0].Features)
	sumC := 0.0
	for _, f := range r.Reasons[0].Features {
		sumC += contribution(r, f).Contribution
	}
	assert.InDelta(t, sumC, r.Reasons[0].Contribution, 1e-12)
	// each further unresolved complaint raises the risk
	prev := r.Risk
	for n := 4; n <= 12; n++ {
		c.Total, c.Unresolved = n, n
		next := score(t, m, risk.Input{Summary: sum, Complaints: c})
		assert.Greater(t, next.Risk, prev, "%d unresolved", n)
		prev = next.Risk
	}
}

// Reasons are in decreasing order of contribution, quote the customer's
// own numbers, and are the same on every call.
func TestReasonsOrderAndDeterminism(t *testing.T) {
	m := rules(t, &risk.Options{TopReasons: 10})
	sum := history(t, "C-2", customer.Consumer, retAsOf,
		purchase{when: retAsOf.AddDate(0, 0, -600), amount: 300, units: 5, returned: 3},
		purchase{when: retAsOf.AddDate(0, 0, -540), amount: 200, units: 4, returned: 2},
		purchase{when: retAsOf.AddDate(0, 0, -480), amount: 100, units: 1},
		purchase{when: retAsOf.AddDate(0, 0, -300), amount: 50, units: 1})
	in := risk.Input{Summary: sum, PAlive: 0.123, HasPAlive: true, Complaints: customer.ComplaintSignals{
		Total: 1, Recent: 1, Window: 90 * retDay, MaxSeverity: 4, Last: retAsOf.AddDate(0, 0, -30),
	}}
	r := score(t, m, in)
	texts := map[risk.Feature]string{}
	for i, why := range r.Reasons {
		if i > 0 {
			assert.GreaterOrEqual(t, r.Reasons[i-1].Contribution, why.Contribution)
		}
		assert.Greater(t, why.Contribution, 0.0)
		texts[why.Features[0]] = why.Text
	}
	assert.Equal(t, "probability of still being an active customer only 12%", texts[risk.FeatureNotAlive])
	assert.Equal(t, "no purchase for 300 days where this customer's usual gap is 60 days", texts[risk.FeatureOverdue])
	// the first purchase 600 days ago: the year before holds the 235
	// days after it
	assert.Equal(t, "1 purchase day in the last 12 months against 2.4 the year before: 2 in its 235 days after the first purchase, the rest at the last 12 months' pace", texts[risk.FeatureFrequencyDecline])
	assert.Equal(t, "spend in the last 12 months down 77% on the year before, its 235 days after the first purchase and the rest at the last 12 months' pace", texts[risk.FeatureSpendDecline])
	assert.Equal(t, "returns 45% of units bought", texts[risk.FeatureReturnRate])
	assert.Equal(t, "1 complaint in 90 days, the worst of critical severity, the last one 30 days ago", texts[risk.FeatureRecentComplaints])
	for range 20 {
		again := score(t, m, in)
		assert.Equal(t, r, again)
	}
}

// A customer with only returns and no purchase has no churn risk: an
// *InputError naming the customer and the field, matching ErrNoPurchase.
// A customer who sent everything back is scored, and the return rate is
// quoted.
func TestOnlyReturns(t *testing.T) {
	m := rules(t, nil)
	s := customer.NewSummary("RET", customer.Consumer, retAsOf, nil)
	back, err := customer.NewMoney("59.90", "EUR")
	require.NoError(t, err)
	require.NoError(t, s.AddRefund(retAsOf.AddDate(0, 0, -10), back, 1))
	_, err = m.Score(risk.Input{Summary: *s})
	var ie *risk.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, customer.ID("RET"), ie.Customer)
	assert.True(t, ie.Has("purchase_days", customer.CodeRequired))
	assert.ErrorIs(t, err, risk.ErrNoPurchase)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Contains(t, err.Error(), `"RET"`)

	all := history(t, "RET2", customer.Consumer, retAsOf,
		purchase{when: retAsOf.AddDate(0, 0, -50), amount: 200, units: 2, returned: 2},
		purchase{when: retAsOf.AddDate(0, 0, -20), amount: 100, units: 1, returned: 1})
	r := score(t, m, risk.Input{Summary: all})
	assert.Equal(t, 1.0, contribution(r, risk.FeatureReturnRate).Value)
	var quoted bool
	for _, why := range r.Reasons {
		quoted = quoted || why.Text == "returns 100% of units bought"
	}
	assert.True(t, quoted, "%+v", r.Reasons)
}

// Without P(alive) the feature is missing and contributes nothing; the
// risk is the same as for a customer at the rule's reference P(alive).
func TestUnknownPAlive(t *testing.T) {
	m := rules(t, nil)
	sum := weekly(t, "W", 20)
	r := score(t, m, risk.Input{Summary: sum})
	c := contribution(r, risk.FeatureNotAlive)
	assert.False(t, c.Present)
	assert.Zero(t, c.Contribution)
	ref := score(t, m, risk.Input{Summary: sum, PAlive: 0.5, HasPAlive: true})
	assert.InDelta(t, ref.Risk, r.Risk, 1e-15)
	low := score(t, m, risk.Input{Summary: sum, PAlive: 0.05, HasPAlive: true})
	assert.Greater(t, low.Risk, r.Risk)
	// a P(alive) not flagged as known is not read, even when it is NaN
	nan := score(t, m, risk.Input{Summary: sum, PAlive: math.NaN()})
	assert.Equal(t, r, nan)
	// Collect without an alive model gives none
	ins, err := risk.Collect([]customer.Summary{sum}, nil, nil, 0)
	require.NoError(t, err)
	assert.False(t, ins[0].HasPAlive)
}

type constAlive float64

func (p constAlive) PAlive(x, r, T float64) (float64, error) { return float64(p), nil }

// A brand-new customer with one purchase today is not flagged, and
// P(alive), 1 for any one-time buyer by construction, is not used.
func TestBrandNewCustomer(t *testing.T) {
	m := rules(t, nil)
	for _, ago := range []int{0, 3, 30} {
		sum := history(t, "NEW", customer.Consumer, retAsOf, purchase{when: retAsOf.Add(-time.Duration(ago)*retDay - time.Hour), amount: 49})
		ins, err := risk.Collect([]customer.Summary{sum}, nil, constAlive(0.01), customer.Days)
		require.NoError(t, err)
		r := score(t, m, ins[0])
		assert.False(t, contribution(r, risk.FeatureNotAlive).Present, "%d days", ago)
		assert.False(t, contribution(r, risk.FeatureFrequencyDecline).Present)
		assert.False(t, contribution(r, risk.FeatureSpendDecline).Present)
		assert.False(t, r.OwnGap)
		assert.Equal(t, risk.DefaultPriorGap, r.TypicalGap)
		assert.Equal(t, risk.BandLow, r.Band, "%d days: risk %.3f", ago, r.Risk)
	}
	// a one-time buyer from more than a year ago is critical
	old := history(t, "OLD", customer.Consumer, retAsOf, purchase{when: retAsOf.AddDate(-1, -2, 0), amount: 49})
	r := score(t, m, risk.Input{Summary: old})
	assert.Equal(t, risk.BandCritical, r.Band)
	require.NotEmpty(t, r.Reasons)
	assert.Equal(t, "no purchase for 424 days where the typical customer's gap is 90 days", r.Reasons[0].Text)
}

// Dealers (intermediaries) buying in bulk every month are scored like
// any customer, with amounts in the millions.
func TestDealers(t *testing.T) {
	m := rules(t, nil)
	var ps []purchase
	for d := 15; d <= 900; d += 30 {
		ps = append(ps, purchase{when: retAsOf.AddDate(0, 0, -d), amount: 2_500_000, units: 5000, returned: 50})
	}
	dealer := history(t, "D-1", customer.Intermediary, retAsOf, ps...)
	r := score(t, m, risk.Input{Summary: dealer})
	assert.Equal(t, risk.BandLow, r.Band, "risk %.3f", r.Risk)
	assert.Equal(t, 30.0, r.TypicalGap)
	assert.True(t, r.OwnGap)
	// the same dealer silent for five months
	late := history(t, "D-1", customer.Intermediary, retAsOf.AddDate(0, 4, 0), ps...)
	l := score(t, m, risk.Input{Summary: late})
	assert.Greater(t, l.Risk, r.Risk)
	assert.GreaterOrEqual(t, l.Band, risk.BandHigh)
	require.NotEmpty(t, l.Reasons)
	assert.True(t, strings.HasPrefix(l.Reasons[0].Text, "no purchase for "), l.Reasons[0].Text)
}

// The band of every result follows the documented thresholds: risk <
// Watch is low, < High watch, < Critical high, else critical.
func TestBandThresholds(t *testing.T) {
	b := risk.Bands{Watch: 0.1, High: 0.3, Critical: 0.9}
	for _, c := range []struct {
		r    float64
		want risk.Band
	}{
		{0, risk.BandLow}, {math.Nextafter(0.1, 0), risk.BandLow}, {0.1, risk.BandWatch},
		{math.Nextafter(0.3, 0), risk.BandWatch}, {0.3, risk.BandHigh},
		{math.Nextafter(0.9, 0), risk.BandHigh}, {0.9, risk.BandCritical}, {1, risk.BandCritical},
	} {
		assert.Equal(t, c.want, b.Band(c.r), "risk %v", c.r)
	}
	m := rules(t, &risk.Options{Bands: b})
	assert.Equal(t, b, m.Bands())
	for d := 0; d <= 400; d += 7 {
		r := score(t, m, risk.Input{Summary: weekly(t, "W", d)})
		assert.Equal(t, b.Band(r.Risk), r.Band)
	}
	for _, bad := range []risk.Bands{{Watch: 0.5, High: 0.5, Critical: 0.9}, {Watch: 0, High: 0.5, Critical: 0.9},
		{Watch: 0.2, High: 0.5, Critical: 1.1}, {Watch: math.NaN(), High: 0.5, Critical: 0.9}, {Watch: 0.3}} {
		_, err := risk.Rules(&risk.Options{Bands: bad})
		var oe *risk.OptionError
		assert.ErrorAs(t, err, &oe, "%+v", bad)
	}
}

// Bad input is one *InputError naming the customer and every bad field.
func TestBadInputNamesEveryField(t *testing.T) {
	m := rules(t, nil)
	s := customer.NewSummary("BAD", customer.Consumer, retAsOf, nil)
	in := risk.Input{Summary: *s, PAlive: math.NaN(), HasPAlive: true, Complaints: customer.ComplaintSignals{
		Total: 1, Recent: 2, Unresolved: -1, SLABreaches: 3, MaxSeverity: 7, Last: retAsOf.Add(retDay),
	}}
	_, err := m.Score(in)
	var ie *risk.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, customer.ID("BAD"), ie.Customer)
	for _, f := range []string{"p_alive", "purchase_days", "complaints.recent", "complaints.unresolved",
		"complaints.sla_breaches", "complaints.max_severity", "complaints.window", "complaints.last"} {
		assert.True(t, ie.Has(f, ""), "missing %s in %v", f, err)
		assert.Contains(t, err.Error(), f)
	}
	_, err = m.ScoreAll([]risk.Input{{Summary: weekly(t, "OK", 3)}, in})
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 1, ie.Index)
	assert.Equal(t, customer.ID("BAD"), ie.Customer)
}

// With a minimum gap above the customer's own rhythm, the reason still
// quotes the customer's own usual gap, and says what it was counted as.
func TestReasonQuotesOwnGapBelowTheMinimum(t *testing.T) {
	m := rules(t, &risk.Options{MinGap: 14})
	r := score(t, m, risk.Input{Summary: weekly(t, "W", 60)})
	assert.Equal(t, 14.0, r.TypicalGap)
	assert.True(t, r.OwnGap)
	require.NotEmpty(t, r.Reasons)
	assert.Equal(t, "no purchase for 60 days where this customer's usual gap is 7 days, counted as the minimum of 14 days", r.Reasons[0].Text)
	// at or above the minimum, nothing is added
	r = score(t, rules(t, &risk.Options{MinGap: 7}), risk.Input{Summary: weekly(t, "W", 60)})
	assert.Equal(t, "no purchase for 60 days where this customer's usual gap is 7 days", r.Reasons[0].Text)
}

// Label reports every bad field of a customer in one error: a negative
// holdout count together with the input's own faults.
func TestLabelNamesEveryBadField(t *testing.T) {
	in := risk.Input{Summary: weekly(t, "L-1", 10), PAlive: 2, HasPAlive: true}
	_, err := risk.Label(in, -1)
	var ie *risk.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, customer.ID("L-1"), ie.Customer)
	assert.True(t, ie.Has("holdout_purchases", customer.CodeNegative), "%v", err)
	assert.True(t, ie.Has("p_alive", customer.CodeRange), "%v", err)
	// each alone
	_, err = risk.Label(risk.Input{Summary: weekly(t, "L-1", 10)}, -1)
	require.ErrorAs(t, err, &ie)
	assert.Len(t, ie.Fields, 1)
	_, err = risk.Label(in, 0)
	require.ErrorAs(t, err, &ie)
	assert.False(t, ie.Has("holdout_purchases", ""))
	ex, err := risk.Label(risk.Input{Summary: weekly(t, "L-1", 10)}, 0)
	require.NoError(t, err)
	assert.True(t, ex.Churned)
}

// A summary without an as-of instant is rejected naming as_of.
func TestSummaryWithoutAsOf(t *testing.T) {
	s := weekly(t, "Z", 10)
	s.AsOf = time.Time{}
	_, err := rules(t, nil).Score(risk.Input{Summary: s})
	var ie *risk.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, customer.ID("Z"), ie.Customer)
	assert.True(t, ie.Has("as_of", customer.CodeRequired), "%v", err)
	assert.False(t, ie.Has("days_since_last_purchase", ""), "%v", err)
	// with other faults, all are named
	_, err = rules(t, nil).Score(risk.Input{Summary: s, PAlive: math.NaN(), HasPAlive: true})
	require.ErrorAs(t, err, &ie)
	assert.True(t, ie.Has("as_of", customer.CodeRequired), "%v", err)
	assert.True(t, ie.Has("p_alive", customer.CodeRange), "%v", err)
	// and with a dated complaint, as_of is named once
	_, err = rules(t, nil).Score(risk.Input{Summary: s, Complaints: customer.ComplaintSignals{Total: 1, Last: retAsOf}})
	require.ErrorAs(t, err, &ie)
	n := 0
	for _, f := range ie.Fields {
		if f.Field == "as_of" {
			n++
		}
	}
	assert.Equal(t, 1, n, "%v", err)
}

// A retailer's whole population, from orders to a fitted model: seasonal
// buyers, weekly regulars (some of whom stop), one-time buyers, dealers
// and complainers, labelled by whether they bought in the 6 months after
// the calibration end. The fitted model ranks the leavers above the
// stayers, is stored and reloaded, and scores the same.
func TestPopulationFitEvaluateStore(t *testing.T) {
	calEnd := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	end := calEnd.AddDate(0, 6, 0)
	var fulls []customer.Summary
	var complaints = map[customer.ID]customer.ComplaintSignals{}
	add := func(id customer.ID, kind customer.Kind, days ...time.Time) {
		ps := make([]purchase, len(days))
		for i, d := range days {
			ps[i] = purchase{when: d, amount: 60 + int64(i%5)*10, units: 1 + i%3}
		}
		fulls = append(fulls, history(t, id, kind, end, ps...))
	}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 11, 0, 0, 0, time.UTC) }
	for i := range 40 { // seasonal buyers, all keep their rhythm
		var ds []time.Time
		for y := 2022; y <= 2026; y++ {
			for _, m := range []time.Month{time.March, time.September} {
				if d := at(y, m, 5+i%20); !d.After(end) && (y < 2025 || m == time.March || i%4 != 0) {
					ds = append(ds, d)
				}
			}
		}
		add(customer.ID(fmt.Sprint("S-", i)), customer.Consumer, ds...)
	}
	for i := range 40 { // weekly regulars; the odd ones stop 1-4 months before calibration end
		stop := calEnd
		if i%2 == 1 {
			stop = calEnd.AddDate(0, -1-i%4, 0)
		}
		var ds []time.Time
		for d := at(2024, 1, 1+i%7); !d.After(end); d = d.AddDate(0, 0, 7) {
			if !d.After(stop) || (i%2 == 0 && d.After(calEnd)) {
				ds = append(ds, d)
			}
		}
		add(customer.ID(fmt.Sprint("W-", i)), customer.Consumer, ds...)
	}
	for i := range 30 { // one-time buyers; a few come back
		ds := []time.Time{calEnd.AddDate(0, 0, -10-i*12)}
		if i%6 == 0 {
			ds = append(ds, calEnd.AddDate(0, 1, 0))
		}
		add(customer.ID(fmt.Sprint("N-", i)), customer.Consumer, ds...)
	}
	for i := range 20 { // dealers ordering monthly; those with unresolved complaints leave
		leaves := i%3 == 0
		var ds []time.Time
		for d := at(2023, 1, 10+i%10); !d.After(end); d = d.AddDate(0, 1, 0) {
			if !d.After(calEnd) || !leaves {
				ds = append(ds, d)
			}
		}
		id := customer.ID(fmt.Sprint("D-", i))
		add(id, customer.Intermediary, ds...)
		if leaves {
			complaints[id] = customer.ComplaintSignals{Total: 3, Recent: 2, Unresolved: 2, SLABreaches: 1, Window: 90 * retDay,
				MaxSeverity: 3, Last: calEnd.AddDate(0, 0, -12)}
		}
	}
	// the summaries as of the calibration end, and the labels
	cal := make([]customer.Summary, len(fulls))
	for i, f := range fulls {
		s := customer.NewSummary(f.CustomerID, f.Kind, calEnd, nil)
		for _, d := range f.Days {
			if t0 := d.Date.Time(); !t0.After(calEnd) && d.Orders > 0 {
				require.NoError(t, s.AddOrder(customer.Order{ID: fmt.Sprint(f.CustomerID, d.Date), CustomerID: f.CustomerID,
					Time: t0.Add(11 * time.Hour), Channel: customer.Store, Currency: "EUR",
					Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(70)}}}))
			}
		}
		cal[i] = *s
	}
	ins, err := risk.Collect(cal, risk.ComplaintsAsOf{AsOf: calEnd, Signals: complaints}, nil, 0)
	require.NoError(t, err)
	ex := make([]risk.Example, len(ins))
	churned := 0
	for i := range ins {
		ex[i], err = risk.Label(ins[i], risk.HoldoutPurchases(fulls[i], calEnd))
		require.NoError(t, err)
		if ex[i].Churned {
			churned++
		}
	}
	require.Greater(t, churned, 20)
	require.Greater(t, len(ex)-churned, 20)

	m, rep, err := risk.Fit(ex, nil)
	require.NoError(t, err)
	require.Equal(t, risk.MethodFitted, rep.Method, "%v", rep.Fallback)
	assert.Nil(t, rep.Fallback)
	ev, err := risk.Evaluate(m, ex)
	require.NoError(t, err)
	assert.Greater(t, ev.AUC, 0.9, "%+v", ev)
	assert.Less(t, ev.Brier, 0.1, "%+v", ev)
	assert.InDelta(t, rep.LogLoss, ev.LogLoss, 1e-12)
	rulesEv, err := risk.Evaluate(rules(t, nil), ex)
	require.NoError(t, err)
	assert.Greater(t, rulesEv.AUC, 0.8, "%+v", rulesEv)

	b, err := json.Marshal(m)
	require.NoError(t, err)
	var back risk.Model
	require.NoError(t, json.Unmarshal(b, &back))
	res, err := m.ScoreAll(ins)
	require.NoError(t, err)
	again, err := back.ScoreAll(ins)
	require.NoError(t, err)
	assert.Equal(t, res, again)
	for _, r := range res {
		assert.Equal(t, risk.MethodFitted, r.Method)
		assert.Equal(t, m.Bands().Band(r.Risk), r.Band)
	}

	// too little of it: the rules serve, and the report says why
	small, srep, err := risk.Fit(ex[:30], nil)
	require.NoError(t, err)
	assert.Equal(t, risk.MethodRules, small.Method())
	assert.ErrorIs(t, srep.Fallback, risk.ErrInsufficientData)
	var ide *risk.InsufficientDataError
	require.ErrorAs(t, srep.Fallback, &ide)
	assert.Equal(t, 30, ide.Examples)
	assert.Contains(t, srep.Fallback.Error(), "30 customers")
	r, err := small.Score(ins[0])
	require.NoError(t, err)
	assert.Equal(t, risk.MethodRules, r.Method)
	var stayers []risk.Example
	for _, e := range ex {
		if !e.Churned {
			stayers = append(stayers, e)
		}
	}
	one, orep, err := risk.Fit(stayers, nil)
	require.NoError(t, err)
	assert.Equal(t, risk.MethodRules, one.Method())
	require.ErrorAs(t, orep.Fallback, &ide)
	assert.Zero(t, ide.Churned)
}

// With P(alive) of a BG/NBD model (the published CDNOW parameters, in
// weeks), seasonal buyers in their rhythm stay low and a weekly buyer
// who stopped is flagged.
func TestSeasonalWithBGNBD(t *testing.T) {
	bg := churn.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	sums := []customer.Summary{seasonal(t, "SEASON", retAsOf), weekly(t, "STOPPED", 90), weekly(t, "ACTIVE", 2)}
	ins, err := risk.Collect(sums, nil, risk.AliveOf(bg), customer.Weeks)
	require.NoError(t, err)
	res, err := rules(t, nil).ScoreAll(ins)
	require.NoError(t, err)
	assert.Equal(t, risk.BandLow, res[0].Band)
	assert.GreaterOrEqual(t, res[1].Band, risk.BandHigh)
	assert.Equal(t, risk.BandLow, res[2].Band)
}

// A customer who stopped buying only grows riskier as the silence goes
// on: day after day, from a year to three years after the last purchase,
// the risk never falls, also when the last purchase leaves the two
// 12-month windows of the trends.
func TestLapsedCustomerNeverGetsSafer(t *testing.T) {
	m := rules(t, nil)
	last := time.Date(2023, 5, 20, 10, 0, 0, 0, time.UTC)
	ps := []purchase{{when: last.AddDate(0, 0, -60), amount: 90}, {when: last.AddDate(0, 0, -30), amount: 70}, {when: last, amount: 50}}
	one := []purchase{{when: last, amount: 50}}
	for _, buys := range [][]purchase{one, ps} {
		prev := 0.0
		for d := 366; d <= 3*365; d++ {
			asOf := last.AddDate(0, 0, d)
			r := score(t, m, risk.Input{Summary: history(t, "LAPSED", customer.Consumer, asOf, buys...)})
			if r.Risk < prev {
				t.Fatalf("%d purchase days: risk fell from %.4f to %.4f on day %d of the silence; reasons %v",
					len(buys), prev, r.Risk, d, r.Reasons)
			}
			prev = r.Risk
			for _, why := range r.Reasons {
				assert.NotContains(t, why.Text, "NaN")
			}
		}
	}
}

// More than two years after the last purchase, the trends say the
// purchases and the spend stopped, in words that fit.
func TestReasonsAfterTwoYearsOfSilence(t *testing.T) {
	m := rules(t, &risk.Options{TopReasons: 10})
	last := time.Date(2023, 5, 20, 10, 0, 0, 0, time.UTC)
	r := score(t, m, risk.Input{Summary: history(t, "LAPSED", customer.Consumer, last.AddDate(0, 0, 800),
		purchase{when: last.AddDate(0, 0, -30), amount: 70}, purchase{when: last, amount: 50})})
	var texts []string
	for _, why := range r.Reasons {
		texts = append(texts, why.Text)
	}
	assert.Equal(t, []string{
		"no purchase for 800 days where this customer's usual gap is 30 days",
		"no purchase or spend in the last 24 months",
		"only 2 purchase days so far",
	}, texts)
	assert.Equal(t, 1.0, contribution(r, risk.FeatureFrequencyDecline).Value)
	assert.Equal(t, 1.0, contribution(r, risk.FeatureSpendDecline).Value)
}
