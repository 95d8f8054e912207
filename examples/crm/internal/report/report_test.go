package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// hostile is put in front of every intermediary's ID: the page must
// escape it wherever it prints an ID.
const hostile = `<i>&"'`

var testAsOf = customer.DateFromYMD(2025, time.December, 31)

// shop generates n customers over [start, end) and builds the report
// input as crm report does: summaries as of testAsOf and as of the
// calibration end, classified by package segment, grades included,
// without customer records (a sales export has none).
func shop(t testing.TB, n int, seed uint64, start, end time.Time) *Input {
	t.Helper()
	in, err := buildShop(n, seed, start, end)
	require.NoError(t, err)
	return in
}

func buildShop(n int, seed uint64, start, end time.Time) (*Input, error) {
	cfg := shopgen.DefaultConfig()
	cfg.Customers, cfg.Seed, cfg.Start, cfg.End = n, seed, start, end
	cfg.IntermediaryShare = 0.05
	recs, err := shopgen.Generate(cfg)
	if err != nil {
		return nil, err
	}
	calEnd := CalibrationEnd(testAsOf, nil)
	in := &Input{Source: "shop.csv", AsOf: testAsOf, Currency: "EUR", CalibrationEnd: calEnd, Calibration: SummarySlice{}}
	for r := range recs {
		id := r.Customer.ID
		if r.Customer.Kind == customer.Intermediary {
			id = hostile + id
		}
		full, err := customer.Summarize(r.Customer.ID, r.Customer.Kind, testAsOf.Time(), r.Events(), nil)
		if err != nil {
			return nil, err
		}
		if full.Orders == 0 {
			continue
		}
		full.CustomerID = id
		in.Summaries = append(list(in.Summaries), &full)
		cal, err := customer.Summarize(r.Customer.ID, r.Customer.Kind, calEnd.Time(), r.Events(), nil)
		if err != nil {
			return nil, err
		}
		if cal.Orders > 0 {
			cal.CustomerID = id
			in.Calibration = append(list(in.Calibration), &cal)
		}
	}
	return in, classify(in)
}

// list returns the summaries of a test input, held in memory.
func list(s Summaries) SummarySlice {
	if s == nil {
		return nil
	}
	return s.(SummarySlice)
}

// classify classifies in.Summaries with package segment, as crm report
// does.
func classify(in *Input) error {
	pop := make([]segment.Input, len(list(in.Summaries)))
	for i, s := range list(in.Summaries) {
		pop[i] = segment.Input{Summary: s}
	}
	m, obs, err := segment.FitInputs(pop, &segment.Options{Grades: &segment.GradeOptions{}})
	if err != nil {
		return err
	}
	in.Segments = make([]Customer, len(obs))
	var r segment.Result
	for i := range obs {
		if err := m.Classify(&r, &obs[i]); err != nil {
			return err
		}
		in.Segments[i] = Classified(&r)
	}
	in.Thresholds = nil
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		if th := m.Thresholds(k); th.N > 0 {
			in.Thresholds = append(in.Thresholds, th)
		}
	}
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		if sc := m.RFMScorer(k); sc != nil {
			in.RFMBins = max(in.RFMBins, sc.Bins())
		}
	}
	return nil
}

var (
	fixtureOnce sync.Once
	fixtureIn   *Input
	fixtureRep  *Report
	fixtureHTML []byte
	fixtureErr  error
)

// fixture is a three-year shop of 1,500 customers, its report and page.
func fixture(t testing.TB) (*Input, *Report, []byte) {
	t.Helper()
	fixtureOnce.Do(func() {
		def := shopgen.DefaultConfig()
		fixtureIn = shop(t, 1500, 11, def.Start, def.End)
		fixtureRep, fixtureErr = Build(fixtureIn, nil)
		if fixtureErr != nil {
			return
		}
		var b bytes.Buffer
		fixtureErr = fixtureRep.WriteHTML(&b)
		fixtureHTML = b.Bytes()
	})
	require.NoError(t, fixtureErr)
	return fixtureIn, fixtureRep, fixtureHTML
}

// element is one parsed element of the page.
type element struct {
	name    string
	classes []string
	attrs   map[string]string
	text    string // the character data directly inside it
	parents []string
}

func (e *element) has(class string) bool {
	for _, c := range e.classes {
		if c == class {
			return true
		}
	}
	return false
}

// parsePage parses the page as XML (strictly: every element closed,
// every entity known) and returns its elements in document order.
func parsePage(t require.TestingT, page []byte) []*element {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	var out []*element
	var stack []*element
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "the page must be well-formed")
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &element{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
				if a.Name.Local == "class" {
					e.classes = strings.Fields(a.Value)
				}
			}
			for _, p := range stack {
				e.parents = append(e.parents, p.name)
			}
			out = append(out, e)
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	require.Empty(t, stack, "every element is closed")
	return out
}

func count(els []*element, name, class string) int {
	n := 0
	for _, e := range els {
		if (name == "" || e.name == name) && (class == "" || e.has(class)) {
			n++
		}
	}
	return n
}

func texts(els []*element, class string) []string {
	var s []string
	for _, e := range els {
		if e.has(class) {
			s = append(s, e.text)
		}
	}
	return s
}

func TestBuildFigures(t *testing.T) {
	in, rep, _ := fixture(t)
	require.Len(t, rep.Kinds, 2)
	assert.Equal(t, customer.Consumer, rep.Kinds[0].Kind)
	assert.Equal(t, customer.Intermediary, rep.Kinds[1].Kind)
	assert.Equal(t, len(list(in.Summaries)), rep.Customers)

	orders, net := 0, decimal.Zero
	for _, s := range list(in.Summaries) {
		orders += s.Orders
		net = net.Add(s.Net())
	}
	assert.Equal(t, orders, rep.Orders)
	assert.True(t, net.Equal(rep.Net), "net %s, report %s", net, rep.Net)

	rfm := 0
	for _, row := range rep.RFM.Cells {
		for _, c := range row {
			rfm += c.Customers
			if c.Customers > 0 {
				assert.True(t, c.Segment.Valid())
				assert.GreaterOrEqual(t, c.MeanM, 1.0)
				assert.LessOrEqual(t, c.MeanM, float64(rep.RFM.Bins))
			}
		}
	}
	buyers := 0
	for _, c := range in.Segments {
		if c.RFMSegment != value.NoRFMSegment {
			buyers++
		}
	}
	assert.Equal(t, buyers, rfm, "every customer with an RFM segment is in one RFM cell")

	// A customer without a purchase has no place on the grid: adding one
	// to the cell of the lost buyers changes nothing.
	g := newRFMGrid(rep.RFM.Bins)
	g.add(&Customer{R: 1, F: 1, M: 1, RFMSegment: value.Lost})
	g.add(&Customer{R: 1, F: 1, M: 1, RFMSegment: value.NoRFMSegment})
	g.add(&Customer{R: 1, F: 1, M: 1, RFMSegment: value.NoRFMSegment})
	g.finish()
	assert.Equal(t, 1, g.Cells[0][0].Customers)
	assert.Equal(t, value.Lost, g.Cells[0][0].Segment)

	for _, k := range rep.Kinds {
		var n, stages, types int
		qnet := decimal.Zero
		share, nshare := 0.0, 0.0
		for q := segment.HighValue; q.Valid(); q++ {
			n += k.Quadrants[q].Customers
			qnet = qnet.Add(k.Quadrants[q].Net)
			share += k.Quadrants[q].CustomerShare
			nshare += k.Quadrants[q].NetShare
		}
		assert.Equal(t, k.Customers, n, "%s: quadrants hold every customer", k.Kind)
		assert.True(t, qnet.Equal(k.Net))
		assert.InDelta(t, 1, share, 1e-9)
		assert.InDelta(t, 1, nshare, 1e-9)
		for i := range k.Stages {
			stages += k.Stages[i]
			types += k.ShopTypes[i]
		}
		assert.Equal(t, k.Customers, stages)
		assert.Equal(t, k.Customers, types)
		assert.Len(t, k.Points, k.Customers)

		spend := k.Spend.NonPositive
		for _, c := range k.Spend.Counts {
			spend += c
		}
		assert.Equal(t, k.Customers, spend, "%s: spend histogram holds every customer", k.Kind)

		c := k.Churn
		hist, bands := 0, 0
		for _, h := range c.Histogram {
			hist += h
		}
		for _, b := range c.Bands {
			bands += b
		}
		assert.Equal(t, c.Scored, hist)
		assert.Equal(t, c.Scored, bands)
		assert.Equal(t, k.Customers, c.Scored, "every customer has a purchase")
		assert.True(t, c.AliveOK, c.Alive)
		require.NotNil(t, c.Holdout, "%s: three years of history allow a holdout check: %s", k.Kind, c.HoldoutNote)
		assert.Len(t, c.Holdout.Bins, HoldoutBins+1)
		binned := 0
		for _, b := range c.Holdout.Bins {
			binned += b.Customers
		}
		assert.Equal(t, c.Holdout.Customers, binned)
		assert.Greater(t, c.Holdout.TotalActual, 0.0)
		if k.Kind == customer.Consumer {
			// Consumers buy as the model assumes; intermediaries' bulk
			// orders of each collection do not.
			assert.InEpsilon(t, c.Holdout.TotalActual, c.Holdout.TotalExpected, 0.25, "the model predicts the consumers' holdout within 25%")
		}
		assert.Greater(t, c.Holdout.TotalExpected, 0.0)
	}
	assert.Equal(t, risk.MethodFitted, rep.Kinds[0].Churn.Method, rep.Kinds[0].Churn.Note)
	assert.Contains(t, rep.Kinds[0].Churn.Note, "AUC")
}

func TestAtRiskTable(t *testing.T) {
	in, rep, _ := fixture(t)
	index := map[customer.ID]int{}
	for i, s := range list(in.Summaries) {
		index[s.CustomerID] = i
	}
	total := 0
	for _, k := range rep.Kinds {
		total += k.AtRiskTotal
		assert.LessOrEqual(t, len(k.AtRisk), DefaultTopN)
		for j, r := range k.AtRisk {
			i, ok := index[r.ID]
			require.True(t, ok)
			s, c := list(in.Summaries)[i], in.Segments[i]
			assert.Equal(t, k.Kind, s.Kind)
			assert.Contains(t, []segment.Quadrant{segment.HighValue, segment.SecondaryValue}, c.Quadrant, "only customers of high current value")
			assert.Contains(t, []string{"high", "critical"}, r.Band)
			assert.GreaterOrEqual(t, r.Risk, k.Churn.Cuts.High)
			assert.True(t, s.Net().Equal(r.Net))
			assert.NotEmpty(t, r.Reasons)
			assert.NotEmpty(t, r.Actions)
			// The actions are the playbook's for the customer's
			// segments, its grade included, and its churn-risk band,
			// every consent assumed: the retention contact comes first
			// (domain rules §4). Sales exports carry no complaint, so no
			// complaint is behind the risk.
			require.True(t, c.Grade.Valid(), "%s is graded", r.ID)
			band, err := risk.ParseBand(r.Band)
			require.NoError(t, err)
			want := segment.Result{ID: s.CustomerID, Kind: s.Kind, Quadrant: c.Quadrant, Grade: c.Grade, Stage: c.Stage, ShopType: c.ShopType,
				Consent: customer.Consent{Marketing: true, Profiling: true}, Risk: segment.Risk{Band: band}}
			book := segment.DefaultPlaybook()
			contact := book.Risks[band][0]
			if s.Kind == customer.Intermediary {
				contact = book.Intermediary.Risks[band][0]
			}
			require.NotEmpty(t, r.Actions)
			assert.Equal(t, Action{Description: contact.Description, Needs: needs(contact.Needs)}, r.Actions[0], "%s: the retention contact first", r.ID)
			var wantActions []string
			for _, a := range segment.DefaultPlaybook().Actions(&want) {
				wantActions = append(wantActions, a.Description)
			}
			var got []string
			for _, a := range r.Actions {
				got = append(got, a.Description)
			}
			assert.Equal(t, wantActions, got, "actions of %s (%v, %v)", r.ID, c.Quadrant, c.Grade)
			if j > 0 {
				assert.LessOrEqual(t, r.Net.Cmp(k.AtRisk[j-1].Net), 0, "largest net revenue first")
			}
		}
	}
	assert.Positive(t, total, "a three-year shop has valuable customers at risk")
	assert.LessOrEqual(t, total, rep.AtRiskCustomers)
	assert.True(t, rep.AtRiskNet.IsPositive())
}

func TestPageStructure(t *testing.T) {
	_, rep, page := fixture(t)
	els := parsePage(t, page)
	kinds := len(rep.Kinds)
	assert.Equal(t, 0, count(els, "script", ""), "no script")
	assert.Equal(t, strings.Count(string(page), "http://"), strings.Count(string(page), `xmlns="http://www.w3.org/2000/svg"`))

	assert.Equal(t, kinds, count(els, "svg", "quadrant-chart"))
	assert.Equal(t, 4*kinds, count(els, "text", "quadrant-label"), "four quadrant labels per kind")
	var want []string
	for range rep.Kinds {
		want = append(want, "Potential value", "High value", "Low value", "Secondary value")
	}
	assert.Equal(t, want, texts(els, "quadrant-label"))
	assert.Equal(t, 2*kinds, count(els, "line", "mean"), "two mean lines per kind")
	// 1,500 customers are drawn as dots.
	assert.Equal(t, rep.Customers, count(els, "circle", "pt"))

	assert.Equal(t, kinds, count(els, "svg", "spend-chart"))
	assert.Equal(t, 1, count(els, "svg", "rfm-heatmap"))
	assert.Equal(t, rep.RFM.Bins*rep.RFM.Bins, count(els, "rect", "rfm-cell"))
	assert.Equal(t, 4, count(els, "svg", "lifecycle-bars")+count(els, "svg", "shoptype-bars")+2)
	assert.Equal(t, 8, count(els, "g", "bar-row"), "four stages and four shop types")
	assert.Equal(t, 8*kinds, count(els, "rect", "bar"), "one bar segment per kind and row")

	assert.Equal(t, 1, count(els, "svg", "risk-histogram"))
	bars := 0
	for _, k := range rep.Kinds {
		for _, h := range k.Churn.Histogram {
			if h > 0 {
				bars++
			}
		}
	}
	assert.Equal(t, bars, count(els, "rect", "risk-bar"))
	assert.Equal(t, kinds, count(els, "svg", "holdout-chart"))
	assert.Equal(t, 2*(HoldoutBins+1)*kinds, count(els, "rect", "holdout-bar"))
	assert.Equal(t, 0, count(els, "", "holdout-missing"))

	rows := 0
	for _, k := range rep.Kinds {
		rows += len(k.AtRisk)
	}
	assert.Equal(t, rows, count(els, "tr", "at-risk-row"))
	var ids []string
	for _, e := range els {
		if e.name == "td" && e.has("id") {
			ids = append(ids, e.text)
		}
	}
	require.Len(t, ids, rows)
	for _, k := range rep.Kinds {
		for _, r := range k.AtRisk {
			assert.Contains(t, ids, string(r.ID), "the table names customers by their ID, read back intact")
		}
	}
}

func TestPageEscapesIDs(t *testing.T) {
	_, rep, page := fixture(t)
	require.NotEmpty(t, rep.Kinds[1].AtRisk, "an intermediary with the hostile ID is in the table")
	assert.NotContains(t, string(page), hostile)
	assert.Contains(t, string(page), esc(hostile))
}

func TestPageIsDeterministic(t *testing.T) {
	in, _, page := fixture(t)
	rep, err := Build(in, nil)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, rep.WriteHTML(&b))
	assert.Equal(t, page, b.Bytes())
}

func TestDensityForManyCustomers(t *testing.T) {
	in, _, _ := fixture(t)
	rep, err := Build(in, &Options{MaxPoints: 20})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, rep.WriteHTML(&b))
	els := parsePage(t, b.Bytes())
	assert.Equal(t, 0, count(els, "circle", "pt"), "past MaxPoints no customer is a dot")
	cells := count(els, "rect", "cell")
	assert.Positive(t, cells)
	assert.Less(t, cells, rep.Customers)
	assert.Equal(t, 4*len(rep.Kinds), count(els, "text", "quadrant-label"))
	// The grid has at most 90 × 66 cells a kind, whatever the number of
	// customers: the page stays small for a million.
	assert.LessOrEqual(t, cells, 2*90*66)
	assert.Less(t, b.Len(), 1<<20)
}

func TestShortHistory(t *testing.T) {
	// Two months of history: no calibration period before the holdout.
	in := shop(t, 300, 5, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.Empty(t, list(in.Calibration))
	rep, err := Build(in, nil)
	require.NoError(t, err)
	for _, k := range rep.Kinds {
		assert.Nil(t, k.Churn.Holdout)
		assert.Contains(t, k.Churn.HoldoutNote, "too short")
		assert.Equal(t, risk.MethodRules, k.Churn.Method)
		assert.Equal(t, k.Customers, k.Churn.Scored)
	}
	var b bytes.Buffer
	require.NoError(t, rep.WriteHTML(&b))
	els := parsePage(t, b.Bytes())
	assert.Equal(t, 0, count(els, "svg", "holdout-chart"))
	assert.Equal(t, len(rep.Kinds), count(els, "p", "holdout-missing"))
	assert.Contains(t, b.String(), "No holdout check: the data are too short")
	assert.Equal(t, 1, count(els, "svg", "risk-histogram"))
}

func TestCalibrationTooShort(t *testing.T) {
	// History from 2025-05-01: the calibration period up to 2025-07-02 is
	// two months, shorter than DefaultMinCalibration.
	in := shop(t, 300, 6, time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NotEmpty(t, list(in.Calibration))
	rep, err := Build(in, nil)
	require.NoError(t, err)
	k := rep.Kinds[0]
	assert.Nil(t, k.Churn.Holdout)
	assert.Contains(t, k.Churn.HoldoutNote, "needs 91 days of calibration")
	assert.Equal(t, risk.MethodRules, k.Churn.Method)
}

func TestBuildErrors(t *testing.T) {
	_, err := Build(&Input{AsOf: testAsOf}, nil)
	assert.ErrorContains(t, err, "no customers")
	in, _, _ := fixture(t)
	bad := *in
	bad.Segments = bad.Segments[:1]
	_, err = Build(&bad, nil)
	assert.ErrorContains(t, err, "classifications")
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{grouped(0), "0"},
		{grouped(999), "999"},
		{grouped(1000), "1,000"},
		{grouped(-1234567), "-1,234,567"},
		{money(decimal.RequireFromString("1234567.5")), "1,234,568"},
		{money(decimal.RequireFromString("-0.4")), "0"},
		{money(decimal.RequireFromString("-1500")), "-1,500"},
		{shortMoney(decimal.RequireFromString("29448922893.40")), "29.45 billion"},
		{shortMoney(decimal.RequireFromString("645365835")), "645.4 million"},
		{shortMoney(decimal.RequireFromString("-150000000")), "-150.0 million"},
		{shortMoney(decimal.RequireFromString("99999999")), ""},
		{compact(2500), "2.5k"},
		{compact(1e6), "1M"},
		{compact(10), "10"},
		{pct(0.1234), "12.3%"},
		{fixed(-0.0001, 2), "0.00"},
		{f1(-0.01), "0.0"},
		{riskPercent(0.996), "&gt;99%"},
		{riskPercent(1), "100%"},
		{riskPercent(0.5), "50%"},
		{short("Priority benefits: points exchange, gifts"), "Priority benefits"},
		{short("Win-back offer"), "Win-back offer"},
		{tickLabel(0.1, 0.1), "0.1"},
		{tickLabel(2000, 500), "2000"},
		{esc(`<a href="x">'&`), "&lt;a href=&#34;x&#34;&gt;&#39;&amp;"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got)
	}
	lo, hi, step := axisRange(0.095, 0.452, 6)
	assert.Equal(t, []float64{0, 0.5, 0.1}, []float64{lo, hi, step})
	assert.Equal(t, []float64{0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5}, ticks(lo, hi, step))
	assert.Equal(t, 1.0, niceStep(0, 5))
}

// countTicks returns the labels of the count axis of an SVG chart drawn
// by spendChart or riskChart: the texts anchored at the end, left of the
// plot.
func countTicks(t *testing.T, chart string) []string {
	t.Helper()
	els := parsePage(t, []byte(`<div>`+chart+`</div>`))
	var labels []string
	for _, el := range els {
		if el.name == "text" && el.attrs["text-anchor"] == "end" && el.attrs["class"] == "" {
			labels = append(labels, el.text)
		}
	}
	return labels
}

// A count axis is labelled in whole customers: a kind of three customers
// of distinct spend, or a risk histogram whose highest bar holds one or
// two customers, has ticks 0, 1, 2…, never a half customer printed as a
// second "0".
func TestCountAxesHaveWholeTicks(t *testing.T) {
	for most := 1; most <= 12; most++ {
		counts := make([]int, 3)
		counts[1] = most
		k := &KindReport{Kind: customer.Consumer, Spend: SpendHistogram{Lo: 1, Step: 0.5, Counts: counts, Median: 50}}
		k.Churn.Cuts = risk.DefaultBands
		k.Churn.Histogram[3] = most
		rep := &Report{Currency: "EUR", Kinds: []*KindReport{k}}
		for name, chart := range map[string]string{"spend": rep.spendChart(k), "risk": rep.riskChart()} {
			labels := countTicks(t, chart)
			require.GreaterOrEqual(t, len(labels), 2, "%s, most %d", name, most)
			step := mustAtoi(t, labels[1])
			require.Positive(t, step, "%s, most %d: labels %q", name, most, labels)
			for i, l := range labels {
				assert.Equal(t, strconv.Itoa(i*step), l, "%s, most %d: labels %q", name, most, labels)
			}
			assert.GreaterOrEqual(t, mustAtoi(t, labels[len(labels)-1]), most, "%s: %q", name, labels)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	require.NoError(t, err, "tick label %q", s)
	return n
}

// axisTicks returns the tick labels of the x axis (centred below the
// plot) and of the y axis (anchored at the end, left of it) of a chart.
func axisTicks(t *testing.T, chart string) (x, y []float64) {
	t.Helper()
	for _, el := range parsePage(t, []byte(`<div>`+chart+`</div>`)) {
		if el.name != "text" || el.attrs["class"] != "" {
			continue
		}
		v, err := strconv.ParseFloat(el.text, 64)
		if err != nil {
			continue
		}
		switch el.attrs["text-anchor"] {
		case "middle":
			x = append(x, v)
		case "end":
			y = append(y, v)
		}
	}
	return x, y
}

// A kind of one customer (or of customers of equal values) has no spread
// of values to scale the quadrant chart to: its axes then span the range
// of the scores, [0, 1], not a unit from the point to 1.2 or 1.4, values
// that no score takes.
func TestQuadrantChartOfOneCustomer(t *testing.T) {
	for _, v := range []float64{0, 0.25, 0.5, 0.97, 1} {
		k := &KindReport{Kind: customer.Intermediary, Customers: 1, Points: [][2]float64{{v, v}},
			Thresholds: segment.Thresholds{Kind: customer.Intermediary, Current: v, Potential: v}}
		rep := &Report{Currency: "EUR", Kinds: []*KindReport{k}, MaxPoints: 3000}
		x, y := axisTicks(t, rep.quadrantChart(k))
		for _, ax := range [][]float64{x, y} {
			require.NotEmpty(t, ax, "value %v", v)
			assert.Equal(t, 0.0, ax[0], "value %v: ticks %v", v, ax)
			assert.Equal(t, 1.0, ax[len(ax)-1], "value %v: ticks %v", v, ax)
		}
	}
}

// The log axis of net revenue per customer has at least two labels, so
// that it can be read: a kind whose customers all spend within one
// decade (20 to 50, between the labels 10 and 100) gets its bin edges
// labelled, not a bare axis or a lone "10".
func TestSpendAxisIsLabelled(t *testing.T) {
	for _, h := range []SpendHistogram{
		{Lo: 1.25, Step: 0.25, Counts: []int{1, 1}, Median: 30},   // 17.8 to 56.2: no decade
		{Lo: 1, Step: 0.25, Counts: []int{1, 2}, Median: 20},      // 10 to 31.6: one decade
		{Lo: 2.75, Step: 0.25, Counts: []int{3}, Median: 800},     // one bin
		{Lo: 0.5, Step: 0.25, Counts: []int{1, 0, 0, 0, 0, 0, 2}}, // 3.2 to 178: two decades
	} {
		k := &KindReport{Kind: customer.Consumer, Spend: h}
		rep := &Report{Currency: "EUR", Kinds: []*KindReport{k}}
		var labels []string
		for _, el := range parsePage(t, []byte(`<div>`+rep.spendChart(k)+`</div>`)) {
			if el.name == "text" && el.attrs["text-anchor"] == "middle" && el.attrs["class"] == "" {
				labels = append(labels, el.text)
			}
		}
		assert.GreaterOrEqual(t, len(labels), 2, "%+v: %q", h, labels)
		assert.Equal(t, len(labels), len(slices.Compact(slices.Clone(labels))), "%+v: %q", h, labels)
	}
}

// The figures of a chart name one customer in the singular: "1
// customer (100.0%)" in a quadrant, "1 customer without net revenue is
// not shown", never "1 customers".
func TestOneCustomerIsSingular(t *testing.T) {
	k := &KindReport{Kind: customer.Intermediary, Customers: 2, Points: [][2]float64{{0.2, 0.3}, {0.6, 0.4}},
		Thresholds: segment.Thresholds{Kind: customer.Intermediary, Current: 0.4, Potential: 0.35},
		Spend:      SpendHistogram{Lo: 1, Step: 0.25, Counts: []int{1}, NonPositive: 1, Median: 12}}
	k.Quadrants[segment.HighValue] = QuadrantStats{Customers: 1, CustomerShare: 0.5}
	k.Quadrants[segment.LowValue] = QuadrantStats{Customers: 1, CustomerShare: 0.5}
	k.Quadrants[segment.SecondaryValue] = QuadrantStats{Customers: 2000, CustomerShare: 0.5}
	rep := &Report{Currency: "EUR", Kinds: []*KindReport{k}, MaxPoints: 3000}
	for _, chart := range []string{rep.quadrantChart(k), rep.spendChart(k)} {
		assert.NotContains(t, chart, ">1 customers")
		assert.NotContains(t, chart, ": 1 customers")
	}
	assert.Contains(t, rep.quadrantChart(k), ">1 customer (50.0%)<")
	assert.Contains(t, rep.quadrantChart(k), ">2,000 customers (50.0%)<")
	assert.Contains(t, rep.spendChart(k), ">1 customer without net revenue is not shown<")
	assert.Contains(t, rep.spendChart(k), "<title>1 customer with 10 to 17.8</title>")
}
