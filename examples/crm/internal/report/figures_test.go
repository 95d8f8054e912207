package report

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// tableRows returns the rows of the table with the given class, each the
// texts of its th and td cells in order, header rows included.
func tableRows(els []*element, class string) [][]string {
	var rows [][]string
	in := false
	for _, e := range els {
		switch {
		case e.name == "table":
			in = e.has(class)
		case !in:
		case e.name == "tr":
			rows = append(rows, nil)
		case e.name == "th" || e.name == "td":
			rows[len(rows)-1] = append(rows[len(rows)-1], strings.TrimSpace(e.text))
		}
	}
	return rows
}

// findRow returns the first row whose first cell is head.
func findRow(t *testing.T, rows [][]string, head string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 0 && r[0] == head {
			return r
		}
	}
	t.Fatalf("no row %q in %q", head, rows)
	return nil
}

// The figures the charts draw are also on the page as tables of text,
// with header cells scoped to their row or column: a screen reader
// cannot read an SVG drawn as an image, colour alone tells the kinds
// apart in the stacked bars, and a quadrant's net revenue, drawn only as
// a share, is an amount a finance analyst checks against crm batch.
func TestFiguresAsTables(t *testing.T) {
	_, rep, page := fixture(t)
	els := parsePage(t, page)

	for _, e := range els {
		if e.name == "th" {
			assert.Contains(t, []string{"col", "row"}, e.attrs["scope"], "th %q has a scope", e.text)
		}
	}

	q := tableRows(els, "quadrant-table")
	require.NotEmpty(t, q, "a table of the quadrants")
	for _, k := range rep.Kinds {
		for qd := segment.HighValue; qd.Valid(); qd++ {
			s := k.Quadrants[qd]
			row := findRow(t, q, kindPlural(k.Kind)+": "+strings.ToLower(quadrantName(qd)))
			net := strings.ReplaceAll(row[3], ",", "")
			assert.Equal(t, []string{grouped(s.Customers), pct(s.CustomerShare), s.Net.StringFixed(2), pct(s.NetShare)},
				[]string{row[1], row[2], net, row[4]}, "%s %s", k.Kind, qd)
		}
	}

	st := tableRows(els, "lifecycle-table")
	require.NotEmpty(t, st, "a table of the lifecycle stages")
	for s := segment.StageNew; s.Valid(); s++ {
		row := findRow(t, st, capital(s.String()))
		total := 0
		for j, k := range rep.Kinds {
			assert.Equal(t, grouped(k.Stages[s]), row[1+j], "%s %s", k.Kind, s)
			total += k.Stages[s]
		}
		assert.Equal(t, grouped(total), row[1+len(rep.Kinds)])
	}
	sh := tableRows(els, "shoptype-table")
	require.NotEmpty(t, sh, "a table of the shop types")
	for s := segment.ShopLoyal; s.Valid(); s++ {
		row := findRow(t, sh, capital(s.String()))
		for j, k := range rep.Kinds {
			assert.Equal(t, grouped(k.ShopTypes[s]), row[1+j], "%s %s", k.Kind, s)
		}
	}
}

// The headline names one customer in the singular, and gives the net
// revenue to the cent as well as rounded, so that it can be checked
// against the sum of crm batch's net column.
func TestHeadlineFigures(t *testing.T) {
	render := func(rep *Report) string {
		var b strings.Builder
		rep.headline(func(s ...string) {
			for _, x := range s {
				b.WriteString(x)
			}
		})
		return b.String()
	}
	one := &Report{Currency: "EUR", Customers: 1, Orders: 1, Net: decimal.RequireFromString("150.75"),
		Kinds: []*KindReport{{Kind: customer.Consumer, Customers: 1, Orders: 1}}}
	h := render(one)
	assert.NotContains(t, h, "1 consumers")
	assert.NotContains(t, h, ">customers:")
	assert.Contains(t, h, "1 consumer")
	assert.Contains(t, h, ">order<")

	big := &Report{Currency: "EUR", Customers: 3, Orders: 4, Net: decimal.RequireFromString("52258299.92"),
		Kinds: []*KindReport{{Kind: customer.Consumer, Customers: 3, Orders: 4}}}
	assert.Contains(t, render(big), "52,258,299.92 EUR")
	jpy := &Report{Currency: "JPY", Customers: 3, Orders: 4, Net: decimal.RequireFromString("1234567"),
		Kinds: []*KindReport{{Kind: customer.Consumer, Customers: 3, Orders: 4}}}
	assert.Contains(t, render(jpy), "1,234,567 JPY")

	// No share of a net revenue that is not positive: the amount instead.
	refunds := &Report{Currency: "EUR", Customers: 3, Net: decimal.RequireFromString("-50.5"),
		AtRiskCustomers: 1, AtRiskNet: decimal.RequireFromString("-20"),
		Kinds: []*KindReport{{Kind: customer.Consumer, Customers: 3}}}
	h = render(refunds)
	assert.NotContains(t, h, "% of net revenue")
	assert.Contains(t, h, ">customer at high or critical churn risk, with -20.00 EUR of net revenue<")
}

// The holdout note names one purchase in the singular.
func TestHoldoutNoteIsSingular(t *testing.T) {
	rep := &Report{Kinds: []*KindReport{{Kind: customer.Consumer, Customers: 1}}}
	rep.Kinds[0].Churn.Holdout = &Holdout{Customers: 1, TotalExpected: 1.05, TotalActual: 1}
	var b strings.Builder
	rep.holdoutSection(func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
	})
	assert.Contains(t, b.String(), "1 repeat purchase expected, 1 made")
}

// A customer with refunds only (of goods bought before the export) has
// no RFM score: the heat map says how many are left off it, so that its
// cells add up to the customers of the headline.
func TestRFMMapCountsCustomersLeftOff(t *testing.T) {
	in := &Input{Source: "refunds.csv", AsOf: testAsOf, Currency: "EUR", CalibrationEnd: CalibrationEnd(testAsOf, nil)}
	day := testAsOf - 30
	for i, cents := range []int64{12000, 4500, -2000} {
		id := customer.ID(string(rune('A' + i)))
		s := customer.NewSummary(id, customer.Consumer, testAsOf.Time(), nil)
		amount, err := customer.MoneyFromDecimal(decimal.New(cents, -2), "EUR")
		require.NoError(t, err)
		sale := customer.Sale{Time: day.Time().Add(12 * time.Hour), NewOrder: cents > 0, Amount: amount, Units: 1}
		if cents < 0 {
			sale.Units = -1
		}
		require.NoError(t, s.AddSale(sale))
		in.Summaries = append(list(in.Summaries), s)
	}
	require.NoError(t, classify(in))
	rep, err := Build(in, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.RFM.Unscored)
	var b bytes.Buffer
	require.NoError(t, rep.WriteHTML(&b))
	assert.True(t, strings.Contains(b.String(), "1 customer without a purchase has no RFM score and is not on the map"), "the heat map names the customer left off")
}

// The churn-risk section says in words where each band starts, what
// P(alive) and AUC mean, that crm batch's churn_risk column comes from
// another model (so its bands are not these), and how many customers of
// a kind have no risk because they made no purchase.
func TestRiskSectionExplains(t *testing.T) {
	k := &KindReport{Kind: customer.Consumer, Customers: 3}
	k.Churn.Scored, k.Churn.Cuts = 2, risk.DefaultBands
	k.Churn.Bands[risk.BandLow], k.Churn.Bands[risk.BandHigh] = 1, 1
	k.Churn.Note = "fitted on 60 customers as of 2025-07-02 (30 did not buy again in the next 182 days); on 60 others it ranks leavers first with AUC 0.84"
	rep := &Report{Kinds: []*KindReport{k}, HoldoutWeeks: 26}
	var b strings.Builder
	rep.riskSection(func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
	})
	page := b.String()
	for _, want := range []string{
		"watch from 25%, high from 50%, critical from 75%",
		"P(alive) is the probability that the customer still buys",
		"AUC is the chance that",
		"crm batch",
		"1 customer without a purchase has no churn risk",
	} {
		assert.True(t, strings.Contains(page, want), "the risk section says %q", want)
	}
}

// The heat map, the spend histograms and the holdout bars also have
// their figures in tables: inside an SVG drawn as an image a screen
// reader reads none of them, and a bar's count is otherwise only in
// its tooltip.
func TestMoreFiguresAsTables(t *testing.T) {
	_, rep, page := fixture(t)
	els := parsePage(t, page)

	rfm := tableRows(els, "rfm-table")
	require.NotEmpty(t, rfm, "a table of the heat map")
	for r := 1; r <= rep.RFM.Bins; r++ {
		row := findRow(t, rfm, "R"+strconv.Itoa(r))
		for f := 1; f <= rep.RFM.Bins; f++ {
			assert.Equal(t, grouped(rep.RFM.Cells[r-1][f-1].Customers), row[f], "R%d F%d", r, f)
		}
	}

	spend := tableRows(els, "spend-table")
	require.NotEmpty(t, spend, "a table of the spend histograms")
	for _, k := range rep.Kinds {
		h := k.Spend
		n := 0
		for i, c := range h.Counts {
			lo, hi := math.Pow(10, h.Lo+float64(i)*h.Step), math.Pow(10, h.Lo+float64(i+1)*h.Step)
			row := findRow(t, spend, kindPlural(k.Kind)+": "+compact(lo)+" to "+compact(hi))
			assert.Equal(t, grouped(c), row[1])
			n += c
		}
		row := findRow(t, spend, kindPlural(k.Kind)+": none (0 or less)")
		assert.Equal(t, grouped(h.NonPositive), row[1])
		assert.Equal(t, k.Customers, n+h.NonPositive)
	}

	hold := tableRows(els, "holdout-table")
	require.NotEmpty(t, hold, "a table of the holdout check")
	for _, k := range rep.Kinds {
		require.NotNil(t, k.Churn.Holdout)
		for _, b := range k.Churn.Holdout.Bins {
			label := strconv.Itoa(b.Frequency)
			if b.AndAbove {
				label += " or more"
			}
			row := findRow(t, hold, kindPlural(k.Kind)+": "+label)
			assert.Equal(t, []string{grouped(b.Customers), fixed(b.MeanExpected, 2), fixed(b.MeanActual, 2)}, row[1:])
		}
	}
}

// A kind whose net revenue is not positive (only refunds) has no shares
// of it: the chart gives each quadrant's net revenue as an amount and the
// table a dash, instead of a "0.0% of net revenue" that reads as if the
// quadrant had bought nothing.
func TestNoShareOfNonPositiveNet(t *testing.T) {
	k := &KindReport{Kind: customer.Consumer, Customers: 2, Net: decimal.RequireFromString("-50.5"),
		Points:     [][2]float64{{0.2, 0.3}, {0.6, 0.4}},
		Thresholds: segment.Thresholds{Kind: customer.Consumer, Current: 0.4, Potential: 0.35}}
	k.Quadrants[segment.HighValue] = QuadrantStats{Customers: 1, CustomerShare: 0.5, Net: decimal.RequireFromString("-20")}
	k.Quadrants[segment.LowValue] = QuadrantStats{Customers: 1, CustomerShare: 0.5, Net: decimal.RequireFromString("-30.5")}
	rep := &Report{Currency: "EUR", Kinds: []*KindReport{k}, MaxPoints: 3000}
	chart := rep.quadrantChart(k)
	assert.False(t, strings.Contains(chart, "% of net revenue"), "no share of a net revenue that is not positive")
	assert.True(t, strings.Contains(chart, ">-20 EUR net revenue<"), "the amount of the high-value quadrant")
	assert.True(t, strings.Contains(chart, ">-31 EUR net revenue<"), "the amount of the low-value quadrant, rounded")

	var b strings.Builder
	rep.quadrantTable(func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
	})
	els := parsePage(t, []byte(b.String()))
	rows := tableRows(els, "quadrant-table")
	for _, head := range []string{"Consumers: high value", "Consumers: low value", "Consumers: all quadrants"} {
		assert.Equal(t, "–", findRow(t, rows, head)[4], head)
	}
	assert.Equal(t, "-20.00", findRow(t, rows, "Consumers: high value")[3])
}
