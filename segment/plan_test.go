package segment_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
	"github.com/tailorcrm/tailor/segment"
	"pgregory.net/rapid"
)

func eur(t testing.TB, s string) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(s, "EUR")
	require.NoError(t, err)
	return m
}

func TestKPIText(t *testing.T) {
	for k := segment.KPIRetention; k.Valid(); k++ {
		b, err := k.MarshalText()
		require.NoError(t, err)
		got, err := segment.ParseKPI(string(b))
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	assert.Equal(t, "sales-growth", segment.KPISalesGrowth.String())
	assert.Equal(t, "KPI(0)", segment.KPI(0).String())
	assert.Equal(t, "KPI(9)", segment.KPI(9).String())
	_, err := segment.KPI(0).MarshalText()
	assert.Error(t, err)
	k := segment.KPISatisfaction
	enumtext.TestRefusedKeepsValue(t, &k)
}

// rateOf is a Rate as Migrate fills it.
func rateOf(num, den int) segment.Rate {
	r := segment.Rate{Num: num, Den: den}
	if den > 0 {
		r.Value = float64(num) / float64(den)
	}
	return r
}

func TestPlanProgress(t *testing.T) {
	mg := &segment.Migration{
		Retention:    rateOf(70, 100),
		Repurchase:   rateOf(25, 100), // halfway from 0.20 to 0.30
		NewCustomers: rateOf(42, 100), // beyond 0.40
		Conversion:   rateOf(0, 0),    // no potential-value customer: not measured
	}
	plan := segment.Plan{Targets: []segment.Target{
		{KPI: segment.KPIRepurchase, Baseline: 0.20, Level: 0.30},
		{KPI: segment.KPINewCustomers, Baseline: 0.30, Level: 0.40},
		{KPI: segment.KPIConversion, Baseline: 0.10, Level: 0.15},
		{KPI: segment.KPIRetention, Baseline: 0.80, Level: 0.85}, // fell below the baseline
		{KPI: segment.KPISatisfaction, Baseline: 4, Growth: 0.10},
		{KPI: segment.KPISalesGrowth, Baseline: 0, Level: 0.10},
	}}
	m := segment.Measurements{
		Migration:    mg,
		Satisfaction: segment.Satisfaction{Index: 4.2, Responses: 180},
		Sales:        segment.Sales{Base: eur(t, "200000.00"), Review: eur(t, "215000.00")},
	}
	got, err := plan.Progress(m)
	require.NoError(t, err)
	require.Len(t, got, 6)
	for i, want := range []struct {
		kpi      segment.KPI
		measured bool
		value    float64
		target   float64
		progress float64
		met      bool
	}{
		{segment.KPIRepurchase, true, 0.25, 0.30, 0.5, false},
		{segment.KPINewCustomers, true, 0.42, 0.40, 1.2, true},
		{segment.KPIConversion, false, 0, 0.15, 0, false},
		{segment.KPIRetention, true, 0.70, 0.85, -2, false},
		{segment.KPISatisfaction, true, 4.2, 4.4, 0.5, false},
		{segment.KPISalesGrowth, true, 0.075, 0.10, 0.75, false},
	} {
		g := got[i]
		assert.Equal(t, want.kpi, g.KPI, "%d", i)
		assert.Equal(t, want.measured, g.Measured, "%v", want.kpi)
		assert.InDelta(t, want.value, g.Value, 1e-15, "%v", want.kpi)
		assert.InDelta(t, want.target, g.Target, 1e-15, "%v", want.kpi)
		assert.InDelta(t, want.progress, g.Progress, 1e-15, "%v", want.kpi)
		assert.Equal(t, want.met, g.Met, "%v", want.kpi)
	}
	assert.Equal(t, rateOf(25, 100), got[0].Rate, "the counts behind a rate")
	assert.Equal(t, rateOf(0, 0), got[2].Rate, "an unmeasured rate still shows its counts")
	assert.Equal(t, 180, got[4].Responses)
	assert.True(t, got[5].BaseSales.Equal(eur(t, "200000.00")))
	assert.True(t, got[5].Sales.Equal(eur(t, "215000.00")))
	assert.Zero(t, got[0].Responses, "only satisfaction has responses")
}

// A target given as growth is met by a measurement equal to baseline ×
// (1 + growth) read in decimals, as a person reads the plan: 0.2 × 1.5
// is 0.3, not the float64 product 0.30000000000000004.
func TestGrowthTargetIsExact(t *testing.T) {
	plan := segment.Plan{Targets: []segment.Target{
		{KPI: segment.KPIRepurchase, Baseline: 0.2, Growth: 0.5},
		{KPI: segment.KPISatisfaction, Baseline: 0.7, Growth: 0.1},
		{KPI: segment.KPISalesGrowth, Baseline: 0.1, Level: 0.3},
	}}
	got, err := plan.Progress(segment.Measurements{
		Migration:    &segment.Migration{Repurchase: rateOf(3, 10)},
		Satisfaction: segment.Satisfaction{Index: 0.77, Responses: 1},
		Sales:        segment.Sales{Base: eur(t, "10"), Review: eur(t, "13")},
	})
	require.NoError(t, err)
	for _, g := range got {
		assert.True(t, g.Met, "%v", g.KPI)
		assert.Equal(t, 1.0, g.Progress, "%v", g.KPI)
	}
	assert.Equal(t, 0.3, got[0].Target)
	assert.Equal(t, 0.77, got[1].Target)
}

// A KPI without a measurement is reported as not measured, with progress
// 0 and not met, never as a measured 0.
func TestProgressUnmeasured(t *testing.T) {
	plan := segment.DefaultPlan(4)
	got, err := plan.Progress(segment.Measurements{})
	require.NoError(t, err)
	require.Len(t, got, len(plan.Targets))
	for _, g := range got {
		assert.False(t, g.Measured, "%v", g.KPI)
		assert.False(t, g.Met, "%v", g.KPI)
		assert.Zero(t, g.Value, "%v", g.KPI)
		assert.Zero(t, g.Progress, "%v", g.KPI)
		assert.NotZero(t, g.Target, "%v", g.KPI)
	}
	// Rates without customers behind them are not measured either.
	got, err = plan.Progress(segment.Measurements{Migration: &segment.Migration{}})
	require.NoError(t, err)
	for _, g := range got {
		assert.False(t, g.Measured, "%v", g.KPI)
	}
}

func TestDefaultPlan(t *testing.T) {
	p := segment.DefaultPlan(4.0)
	require.NoError(t, p.Validate())
	assert.Equal(t, []segment.Target{
		{KPI: segment.KPISatisfaction, Baseline: 4.0, Growth: 0.10},
		{KPI: segment.KPIRepurchase, Baseline: 0.20, Level: 0.30},
		{KPI: segment.KPINewCustomers, Baseline: 0.30, Level: 0.40},
		{KPI: segment.KPISalesGrowth, Baseline: 0, Level: 0.10},
	}, p.Targets)
	// Each call returns its own slice.
	p.Targets[0].Baseline = 9
	assert.Equal(t, 4.0, segment.DefaultPlan(4).Targets[0].Baseline)
	// A satisfaction baseline the plan cannot grow from is refused when
	// the plan is used.
	err := segment.DefaultPlan(0).Validate()
	require.ErrorIs(t, err, segment.ErrInvalidPlan)
	assert.ErrorContains(t, err, "targets[0].growth")
}

// fieldsOf returns the fields a validation error names, and its message.
func fieldsOf(t *testing.T, err error) ([]string, string) {
	t.Helper()
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	var fs []string
	for _, f := range ve.Fields {
		fs = append(fs, f.Field)
	}
	return fs, err.Error()
}

func TestPlanRefusals(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for name, c := range map[string]struct {
		target segment.Target
		field  string
		kpi    string
	}{
		"undefined KPI":             {segment.Target{KPI: 0, Baseline: 0.1, Level: 0.2}, "targets[0].kpi", "KPI(0)"},
		"KPI beyond the table":      {segment.Target{KPI: 7, Baseline: 0.1, Level: 0.2}, "targets[0].kpi", "KPI(7)"},
		"NaN baseline":              {segment.Target{KPI: segment.KPIRepurchase, Baseline: nan, Level: 0.3}, "targets[0].baseline", "repurchase"},
		"infinite baseline":         {segment.Target{KPI: segment.KPISatisfaction, Baseline: inf, Growth: 0.1}, "targets[0].baseline", "satisfaction"},
		"share baseline above 1":    {segment.Target{KPI: segment.KPIRetention, Baseline: 1.2, Level: 0.9}, "targets[0].baseline", "retention"},
		"negative share baseline":   {segment.Target{KPI: segment.KPIConversion, Baseline: -0.1, Level: 0.3}, "targets[0].baseline", "conversion"},
		"negative satisfaction":     {segment.Target{KPI: segment.KPISatisfaction, Baseline: -1, Level: 3}, "targets[0].baseline", "satisfaction"},
		"sales growth below -100%":  {segment.Target{KPI: segment.KPISalesGrowth, Baseline: -1.5, Level: 0.1}, "targets[0].baseline", "sales-growth"},
		"no target":                 {segment.Target{KPI: segment.KPIRepurchase, Baseline: 0.2}, "targets[0].level", "repurchase"},
		"level 0 is no level":       {segment.Target{KPI: segment.KPISalesGrowth, Baseline: -0.05, Level: 0}, "targets[0].level", "sales-growth"},
		"level and growth":          {segment.Target{KPI: segment.KPIRepurchase, Baseline: 0.2, Level: 0.3, Growth: 0.5}, "targets[0].growth", "repurchase"},
		"NaN level":                 {segment.Target{KPI: segment.KPIRepurchase, Baseline: 0.2, Level: nan}, "targets[0].level", "repurchase"},
		"infinite growth":           {segment.Target{KPI: segment.KPISatisfaction, Baseline: 4, Growth: inf}, "targets[0].growth", "satisfaction"},
		"level below baseline":      {segment.Target{KPI: segment.KPIRepurchase, Baseline: 0.3, Level: 0.2}, "targets[0].level", "repurchase"},
		"level at baseline":         {segment.Target{KPI: segment.KPINewCustomers, Baseline: 0.3, Level: 0.3}, "targets[0].level", "new-customers"},
		"share level above 1":       {segment.Target{KPI: segment.KPIRepurchase, Baseline: 0.3, Level: 1.5}, "targets[0].level", "repurchase"},
		"negative growth":           {segment.Target{KPI: segment.KPISatisfaction, Baseline: 4, Growth: -0.1}, "targets[0].growth", "satisfaction"},
		"growth of a zero baseline": {segment.Target{KPI: segment.KPIRepurchase, Baseline: 0, Growth: 0.1}, "targets[0].growth", "repurchase"},
		"growth of a negative one":  {segment.Target{KPI: segment.KPISalesGrowth, Baseline: -0.05, Growth: 0.1}, "targets[0].growth", "sales-growth"},
		"growth beyond a share":     {segment.Target{KPI: segment.KPIRetention, Baseline: 0.8, Growth: 0.5}, "targets[0].growth", "retention"},
		"growth of sales growth":    {segment.Target{KPI: segment.KPISalesGrowth, Baseline: 0.05, Growth: 0.1}, "targets[0].growth", "sales-growth"},
		"growth beyond float64":     {segment.Target{KPI: segment.KPISatisfaction, Baseline: 1e308, Growth: 1e308}, "targets[0].growth", "satisfaction"},
	} {
		t.Run(name, func(t *testing.T) {
			p := segment.Plan{Targets: []segment.Target{c.target}}
			before := p.Targets[0]
			err := p.Validate()
			require.ErrorIs(t, err, segment.ErrInvalidPlan)
			require.ErrorIs(t, err, customer.ErrInvalid)
			fs, msg := fieldsOf(t, err)
			assert.Equal(t, []string{c.field}, fs)
			assert.Contains(t, msg, c.kpi, "the error names the KPI")
			_, err2 := p.Progress(segment.Measurements{})
			assert.Equal(t, err.Error(), err2.Error(), "Progress refuses the plan as Validate does")
			assert.Equal(t, fmt.Sprint(before), fmt.Sprint(p.Targets[0]), "nothing changed")
		})
	}
}

func TestPlanRefusesEmptyAndDuplicates(t *testing.T) {
	err := segment.Plan{}.Validate()
	require.ErrorIs(t, err, segment.ErrInvalidPlan)
	fs, _ := fieldsOf(t, err)
	assert.Equal(t, []string{"targets"}, fs)

	err = segment.Plan{Targets: []segment.Target{
		{KPI: segment.KPIRepurchase, Baseline: 0.2, Level: 0.3},
		{KPI: segment.KPISatisfaction, Baseline: 4, Growth: 0.1},
		{KPI: segment.KPIRepurchase, Baseline: 0.2, Level: 0.35},
	}}.Validate()
	require.ErrorIs(t, err, segment.ErrInvalidPlan)
	fs, msg := fieldsOf(t, err)
	assert.Equal(t, []string{"targets[2].kpi"}, fs)
	assert.Contains(t, msg, "repurchase")
	assert.Contains(t, msg, "targets[0]")
}

// Validation reports every bad field of the plan at once, in field order.
func TestPlanReportsEveryFault(t *testing.T) {
	err := segment.Plan{Targets: []segment.Target{
		{KPI: segment.KPIRepurchase, Baseline: math.NaN(), Level: 2},
		{KPI: segment.KPISatisfaction, Baseline: 4, Growth: 0.1},
		{KPI: 0, Baseline: 0.1, Level: 0.2},
		{KPI: segment.KPISatisfaction, Baseline: 4},
		{KPI: segment.KPINewCustomers, Baseline: 0.4, Level: 0.3},
	}}.Validate()
	fs, _ := fieldsOf(t, err)
	assert.Equal(t, []string{"targets[0].baseline", "targets[0].level", "targets[2].kpi", "targets[3].kpi", "targets[3].level", "targets[4].level"}, fs)
}

func TestMeasurementRefusals(t *testing.T) {
	plan := segment.DefaultPlan(4)
	usd, err := customer.NewMoney("100", "USD")
	require.NoError(t, err)
	for name, c := range map[string]struct {
		m     segment.Measurements
		field string
	}{
		"negative count":        {segment.Measurements{Migration: &segment.Migration{Retention: segment.Rate{Num: -1, Den: 2, Value: -0.5}}}, "migration.retention"},
		"more than the den":     {segment.Measurements{Migration: &segment.Migration{Repurchase: segment.Rate{Num: 3, Den: 2, Value: 1.5}}}, "migration.repurchase"},
		"value not num/den":     {segment.Measurements{Migration: &segment.Migration{NewCustomers: segment.Rate{Num: 1, Den: 2, Value: 0.7}}}, "migration.new_customers"},
		"NaN value":             {segment.Measurements{Migration: &segment.Migration{Conversion: segment.Rate{Num: 1, Den: 2, Value: math.NaN()}}}, "migration.conversion"},
		"NaN satisfaction":      {segment.Measurements{Satisfaction: segment.Satisfaction{Index: math.NaN(), Responses: 3}}, "satisfaction.index"},
		"infinite satisfaction": {segment.Measurements{Satisfaction: segment.Satisfaction{Index: math.Inf(1), Responses: 3}}, "satisfaction.index"},
		"negative satisfaction": {segment.Measurements{Satisfaction: segment.Satisfaction{Index: -1, Responses: 3}}, "satisfaction.index"},
		"negative responses":    {segment.Measurements{Satisfaction: segment.Satisfaction{Index: 4, Responses: -3}}, "satisfaction.responses"},
		"index and no response": {segment.Measurements{Satisfaction: segment.Satisfaction{Index: 4}}, "satisfaction.responses"},
		"no base sales":         {segment.Measurements{Sales: segment.Sales{Review: eur(t, "10")}}, "sales.base"},
		"no review sales":       {segment.Measurements{Sales: segment.Sales{Base: eur(t, "10")}}, "sales.review"},
		"zero base sales":       {segment.Measurements{Sales: segment.Sales{Base: customer.Zero("EUR"), Review: eur(t, "10")}}, "sales.base"},
		"negative base sales":   {segment.Measurements{Sales: segment.Sales{Base: eur(t, "-10"), Review: eur(t, "10")}}, "sales.base"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := plan.Progress(c.m)
			require.ErrorIs(t, err, customer.ErrInvalid)
			assert.Nil(t, got)
			fs, msg := fieldsOf(t, err)
			assert.Equal(t, []string{c.field}, fs)
			assert.True(t, strings.HasPrefix(msg, "segment: measurements: "), msg)
		})
	}
	// Sales in two currencies are not compared.
	_, err = plan.Progress(segment.Measurements{Sales: segment.Sales{Base: eur(t, "100"), Review: usd}})
	fs, _ := fieldsOf(t, err)
	assert.Equal(t, []string{"sales.review"}, fs)
	var mm *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &mm)
	assert.Equal(t, customer.CurrencyMismatchError{A: "EUR", B: "USD"}, *mm)
}

// Progress toward a target is monotone in the measured value, 0 at the
// baseline and exactly 1 at the target, for every KPI (all are better
// higher); the target is met exactly when the measured value reaches it.
func TestProgressProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Satisfaction, on a scale the caller chooses.
		b := rapid.Float64Range(0, 1e6).Draw(t, "baseline")
		g := rapid.Float64Range(1e-6, 10).Draw(t, "growth")
		plan := segment.Plan{Targets: []segment.Target{{KPI: segment.KPISatisfaction, Baseline: b, Growth: g}}}
		if plan.Validate() != nil {
			t.Skip("baseline 0 has no growth")
		}
		at := func(x float64) segment.TargetProgress {
			got, err := plan.Progress(segment.Measurements{Satisfaction: segment.Satisfaction{Index: x, Responses: 1}})
			require.NoError(t, err)
			return got[0]
		}
		x1 := rapid.Float64Range(0, 1e8).Draw(t, "x1")
		x2 := rapid.Float64Range(x1, 1e8).Draw(t, "x2")
		p1, p2 := at(x1), at(x2)
		if p1.Progress > p2.Progress {
			t.Fatalf("progress %v at %v above %v at %v", p1.Progress, x1, p2.Progress, x2)
		}
		if p1.Met && !p2.Met {
			t.Fatalf("met at %v, not at %v", x1, x2)
		}
		assert.Equal(t, 0.0, at(b).Progress)
		// The target read in decimals, as the plan is.
		exact := decimal.NewFromFloat(b).Mul(decimal.NewFromFloat(g).Add(decimal.NewFromInt(1)))
		assert.Equal(t, decimal.NewFromFloat(x1).GreaterThanOrEqual(exact), p1.Met, "met at %v", x1)
		if decimal.NewFromFloat(p1.Target).Equal(exact) {
			// The target is a float64 exactly: reaching it is progress 1.
			tp := at(p1.Target)
			assert.Equal(t, 1.0, tp.Progress)
			assert.True(t, tp.Met)
		}
	})
}

// The rates: the level is reached exactly when the counts reach it.
func TestRateProgressProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Baseline and level in percent, as plans give them; the
		// measured rates over any multiple of 100 customers.
		q := rapid.IntRange(1, 100).Draw(t, "customers per percent")
		den := 100 * q
		bp := rapid.IntRange(0, 99).Draw(t, "baseline percent")
		tp := rapid.IntRange(bp+1, 100).Draw(t, "target percent")
		bn, tn := bp*q, tp*q
		b, lv := float64(bp)/100, float64(tp)/100
		plan := segment.Plan{Targets: []segment.Target{{KPI: segment.KPIRepurchase, Baseline: b, Level: lv}}}
		require.NoError(t, plan.Validate())
		at := func(n int) segment.TargetProgress {
			got, err := plan.Progress(segment.Measurements{Migration: &segment.Migration{Repurchase: rateOf(n, den)}})
			require.NoError(t, err)
			return got[0]
		}
		n1 := rapid.IntRange(0, den).Draw(t, "n1")
		n2 := rapid.IntRange(n1, den).Draw(t, "n2")
		p1, p2 := at(n1), at(n2)
		if p1.Progress > p2.Progress {
			t.Fatalf("progress %v at %d/%d above %v at %d/%d", p1.Progress, n1, den, p2.Progress, n2, den)
		}
		assert.Equal(t, 0.0, at(bn).Progress, "at the baseline")
		assert.Equal(t, 1.0, at(tn).Progress, "at the target")
		assert.Equal(t, n1 >= tn, p1.Met)
		assert.True(t, p1.Measured)
		assert.False(t, math.IsNaN(p1.Progress) || math.IsInf(p1.Progress, 0))
	})
}

// A target a hair above its baseline gives a progress that does not fit
// in a float64: it is reported as the largest float64, never as +Inf.
func TestProgressStaysFinite(t *testing.T) {
	plan := segment.Plan{Targets: []segment.Target{{KPI: segment.KPISatisfaction, Baseline: 0, Level: 5e-324}}}
	got, err := plan.Progress(segment.Measurements{Satisfaction: segment.Satisfaction{Index: 1e308, Responses: 1}})
	require.NoError(t, err)
	assert.Equal(t, math.MaxFloat64, got[0].Progress)
	assert.True(t, got[0].Met)
}

func TestPeriodSales(t *testing.T) {
	before := []segment.Result{
		res("a", segment.HighValue, segment.StageActive, 3, "300", 0.5),
		res("b", segment.LowValue, segment.StageActive, 1, "80", 0.125),
		res("gone", segment.LowValue, segment.StageActive, 2, "500", 0.125),
		res("idle", segment.LowValue, segment.StageDormant, 1, "40", 0.125),
	}
	after := []segment.Result{
		res("a", segment.HighValue, segment.StageActive, 4, "420", 0.5),  // +120
		res("b", segment.LowValue, segment.StageActive, 1, "30", 0.125),  // refund of 50 in the period
		res("idle", segment.LowValue, segment.StageLost, 1, "40", 0.125), // nothing
		res("new", segment.LowValue, segment.StageNew, 1, "65.50", 0.125),
	}
	got, err := segment.PeriodSales(before, after)
	require.NoError(t, err)
	assert.True(t, got.Equal(eur(t, "135.50")), "120 − 50 + 0 + 65.50; gone is not counted: %v", got)

	// The order of the lists does not matter.
	rb, ra := append([]segment.Result(nil), before...), append([]segment.Result(nil), after...)
	for i, j := 0, len(rb)-1; i < j; i, j = i+1, j-1 {
		rb[i], rb[j] = rb[j], rb[i]
	}
	ra[0], ra[3] = ra[3], ra[0]
	got2, err := segment.PeriodSales(rb, ra)
	require.NoError(t, err)
	assert.True(t, got.Equal(got2))

	// No money at all: a zero without currency.
	z, err := segment.PeriodSales(nil, nil)
	require.NoError(t, err)
	assert.Equal(t, customer.Money{}, z)
	// Customers who bought nothing in the period: a zero in their currency.
	z, err = segment.PeriodSales(before[:1], before[:1:1])
	require.NoError(t, err)
	assert.True(t, z.Equal(customer.Zero("EUR")))
}

func TestPeriodSalesRefusals(t *testing.T) {
	a := res("a", segment.HighValue, segment.StageActive, 3, "300", 0.5)
	usd := a
	usd.ID, usd.Currency = "u", "USD"
	_, err := segment.PeriodSales([]segment.Result{a}, []segment.Result{a, usd})
	var mix *segment.MixedCurrencyError
	require.ErrorAs(t, err, &mix)

	_, err = segment.PeriodSales([]segment.Result{a}, []segment.Result{a, a})
	require.ErrorIs(t, err, segment.ErrDuplicate)
	assert.ErrorContains(t, err, `"a"`)

	late, early := a, a
	late.AsOf, late.AsOfKnown = 20000, true
	early.AsOf, early.AsOfKnown = 19000, true
	_, err = segment.PeriodSales([]segment.Result{late}, []segment.Result{early})
	require.ErrorIs(t, err, segment.ErrInvalidResult)

	bad := a
	bad.Currency = "XXX"
	_, err = segment.PeriodSales(nil, []segment.Result{bad})
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.False(t, errors.Is(err, segment.ErrDuplicate))
}

// Whatever the plan and the measurements, Progress either refuses them
// or returns finite numbers, and never panics.
func FuzzPlanProgress(f *testing.F) {
	f.Add(uint8(2), 0.2, 0.3, 0.0, 4.2, 10, 3, 10, "100", "110")
	f.Add(uint8(6), 4.0, 0.0, 0.1, 1e308, 1, 0, 0, "0.01", "1e25")
	f.Add(uint8(5), -1.0, 5e-324, 0.0, 0.0, 0, 1, 1, "-5", "5")
	f.Fuzz(func(t *testing.T, kpi uint8, base, level, growth, index float64, responses, num, den int, bs, rs string) {
		plan := segment.Plan{Targets: []segment.Target{{KPI: segment.KPI(kpi), Baseline: base, Level: level, Growth: growth}}}
		m := segment.Measurements{
			Migration:    &segment.Migration{Retention: rateOf(num, den), Repurchase: rateOf(num, den), NewCustomers: rateOf(num, den), Conversion: rateOf(num, den)},
			Satisfaction: segment.Satisfaction{Index: index, Responses: responses},
		}
		if b, err := customer.NewMoney(bs, "EUR"); err == nil {
			m.Sales.Base = b
		}
		if r, err := customer.NewMoney(rs, "EUR"); err == nil {
			m.Sales.Review = r
		}
		got, err := plan.Progress(m)
		if err != nil {
			return
		}
		require.NoError(t, plan.Validate())
		for _, g := range got {
			for _, x := range []float64{g.Value, g.Target, g.Progress} {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("%+v: not finite", g)
				}
			}
		}
	})
}

// within runs f and fails t when it has not returned within d: decimal
// arithmetic on an exponent such as −2×10⁹ would not end.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// Sales beyond the bounds of an amount (customer.AmountInRange) are
// refused before any arithmetic, naming the period, as every amount a
// record carries.
func TestMeasurementsRefuseSalesBeyondAmountBounds(t *testing.T) {
	plan := segment.DefaultPlan(4)
	tiny, err := customer.MoneyFromDecimal(decimal.New(1, -2_000_000_000), "EUR")
	require.NoError(t, err)
	huge, err := customer.MoneyFromDecimal(decimal.New(1, 40), "EUR")
	require.NoError(t, err)
	vast, err := customer.MoneyFromDecimal(decimal.New(1, 2_000_000_000), "EUR")
	require.NoError(t, err)
	for name, c := range map[string]struct {
		s      segment.Sales
		fields []string
	}{
		"base with 2e9 decimals":   {segment.Sales{Base: tiny, Review: eur(t, "1")}, []string{"sales.base"}},
		"review with 2e9 decimals": {segment.Sales{Base: eur(t, "1"), Review: tiny}, []string{"sales.review"}},
		"both beyond":              {segment.Sales{Base: huge, Review: tiny}, []string{"sales.base", "sales.review"}},
		"review with 2e9 digits":   {segment.Sales{Base: eur(t, "1"), Review: vast}, []string{"sales.review"}},
	} {
		t.Run(name, func(t *testing.T) {
			var got []segment.TargetProgress
			within(t, 10*time.Second, func() { got, err = plan.Progress(segment.Measurements{Sales: c.s}) })
			require.ErrorIs(t, err, customer.ErrInvalid)
			assert.Nil(t, got)
			fs, msg := fieldsOf(t, err)
			assert.Equal(t, c.fields, fs)
			assert.Contains(t, msg, "bounds of an amount")
			assert.Less(t, len(msg), 1000, "the amount is not written out in full")
		})
	}
}

// A net amount beyond the bounds of an amount is refused before any
// arithmetic, naming the customer and the period.
func TestPeriodSalesRefusesNetBeyondAmountBounds(t *testing.T) {
	a := res("a", segment.HighValue, segment.StageActive, 3, "300", 0.5)
	bad := a
	bad.Net = decimal.New(1, -2_000_000_000)
	vast := a
	vast.Net = decimal.New(1, 2_000_000_000)
	for name, c := range map[string]struct {
		before, after []segment.Result
		want          string
	}{
		"in the second period": {[]segment.Result{a}, []segment.Result{bad}, `second period: customer "a"`},
		"in the first period":  {[]segment.Result{bad}, []segment.Result{a}, `first period: customer "a"`},
		"2e9 digits, second":   {[]segment.Result{a}, []segment.Result{vast}, `second period: customer "a"`},
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			within(t, 10*time.Second, func() { _, err = segment.PeriodSales(c.before, c.after) })
			require.ErrorIs(t, err, segment.ErrInvalidResult)
			assert.ErrorContains(t, err, c.want)
			assert.ErrorContains(t, err, "bounds of an amount")
			assert.Less(t, len(err.Error()), 1000)
		})
	}
}

// PeriodSales does not refuse a customer whose kind changed between the
// two days, as Migrate does: its net is what it paid and kept, whatever
// its kind.
func TestPeriodSalesAcrossAKindChange(t *testing.T) {
	a := res("a", segment.HighValue, segment.StageActive, 3, "300", 0.5)
	b := res("a", segment.HighValue, segment.StageActive, 4, "450", 0.5)
	b.Kind = customer.Intermediary
	got, err := segment.PeriodSales([]segment.Result{a}, []segment.Result{b})
	require.NoError(t, err)
	assert.True(t, got.Equal(eur(t, "150")), "%v", got)
	_, err = segment.Migrate([]segment.Result{a}, []segment.Result{b})
	require.ErrorIs(t, err, segment.ErrInvalidResult)
}

// Met compares exactly; Progress is rounded, so a value a hair below the
// target may show a progress of 1 without being met.
func TestMetIsExactWhereProgressRounds(t *testing.T) {
	plan := segment.Plan{Targets: []segment.Target{{KPI: segment.KPISalesGrowth, Baseline: 0, Level: 0.10}}}
	for _, c := range []struct {
		review string
		met    bool
	}{
		{"1.0999999999999999999999", false},
		{"1.1", true},
		{"1.1000000000000000000001", true},
	} {
		got, err := plan.Progress(segment.Measurements{Sales: segment.Sales{Base: eur(t, "1"), Review: eur(t, c.review)}})
		require.NoError(t, err)
		assert.Equal(t, 1.0, got[0].Progress, c.review)
		assert.Equal(t, c.met, got[0].Met, c.review)
	}
}

// A baseline worked out in float64 is read as it prints, as documented:
// 0.1 + 0.2 is 0.30000000000000004, and 3 in 10 is a hair below it.
func TestFloatArithmeticBaselineIsReadAsItPrints(t *testing.T) {
	a, b := 0.1, 0.2
	for _, c := range []struct {
		baseline float64
		progress float64
	}{
		{a + b, -4e-16},
		{0.3, 0},
	} {
		plan := segment.Plan{Targets: []segment.Target{{KPI: segment.KPIRepurchase, Baseline: c.baseline, Level: 0.4}}}
		got, err := plan.Progress(segment.Measurements{Migration: &segment.Migration{Repurchase: rateOf(3, 10)}})
		require.NoError(t, err)
		assert.Equal(t, c.progress, got[0].Progress, "baseline %v", c.baseline)
	}
}

// A period whose refunds and compensation exceed its sales has net sales
// below zero: PeriodSales returns them, and Progress measures a review
// period below zero but refuses such a base. A customer billed in
// another currency on the later day is refused as Migrate refuses it.
func TestPeriodSalesBelowZeroAndACurrencyChange(t *testing.T) {
	before := []segment.Result{res("a", segment.HighValue, segment.StageActive, 3, "300", 0.5)}
	after := []segment.Result{res("a", segment.HighValue, segment.StageActive, 3, "180", 0.5)}
	got, err := segment.PeriodSales(before, after)
	require.NoError(t, err)
	assert.True(t, got.Equal(eur(t, "-120")), "%v", got)

	plan := segment.Plan{Targets: []segment.Target{{KPI: segment.KPISalesGrowth, Baseline: 0, Level: 0.1}}}
	p, err := plan.Progress(segment.Measurements{Sales: segment.Sales{Base: eur(t, "100"), Review: got}})
	require.NoError(t, err)
	assert.InDelta(t, -2.2, p[0].Value, 1e-15)
	assert.InDelta(t, -22.0, p[0].Progress, 1e-15)
	assert.False(t, p[0].Met)
	_, err = plan.Progress(segment.Measurements{Sales: segment.Sales{Base: got, Review: eur(t, "100")}})
	fs, _ := fieldsOf(t, err)
	assert.Equal(t, []string{"sales.base"}, fs)

	usd := after[0]
	usd.Currency = "USD"
	_, err = segment.PeriodSales(before, []segment.Result{usd})
	var mix *segment.MixedCurrencyError
	require.ErrorAs(t, err, &mix)
	assert.Equal(t, segment.MixedCurrencyError{A: "EUR", B: "USD", CustomerA: "a", CustomerB: "a"}, *mix)
}

// Migrate adds the nets of the second period up: a net beyond the bounds
// of an amount is refused before any arithmetic, naming the customer
// and the period, and is not written out.
func TestMigrateRefusesNetBeyondAmountBounds(t *testing.T) {
	a := res("a", segment.HighValue, segment.StageActive, 3, "300", 0.5)
	for name, exp := range map[string]int32{"2e9 decimals": -2_000_000_000, "2e9 digits": 2_000_000_000} {
		bad := a
		bad.Net = decimal.New(1, exp)
		for period, c := range map[string][2][]segment.Result{
			"first":  {{bad}, {a}},
			"second": {{a}, {bad}},
		} {
			t.Run(name+" in the "+period+" period", func(t *testing.T) {
				var err error
				within(t, 10*time.Second, func() { _, err = segment.Migrate(c[0], c[1]) })
				require.ErrorIs(t, err, segment.ErrInvalidResult)
				assert.ErrorContains(t, err, period+` period: customer "a"`)
				assert.ErrorContains(t, err, "bounds of an amount")
				assert.Less(t, len(err.Error()), 1000)
			})
		}
	}
}
