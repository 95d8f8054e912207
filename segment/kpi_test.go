package segment_test

import (
	"math"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// A repurchase is a purchase by a customer who had bought before: a
// registered customer who makes a first purchase between the periods has
// not bought again, and a customer who had never bought cannot.
func TestRepurchaseNeedsAnEarlierPurchase(t *testing.T) {
	before := []segment.Result{
		res("buyer", segment.LowValue, segment.StageActive, 1, "50", 0.125),
		res("loyal", segment.HighValue, segment.StageActive, 3, "300", 0.5),
		res("first", segment.LowValue, segment.StageDormant, 0, "0", 0),
		res("never", segment.LowValue, segment.StageDormant, 0, "0", 0),
	}
	after := []segment.Result{
		res("buyer", segment.LowValue, segment.StageActive, 1, "50", 0.125),
		res("loyal", segment.HighValue, segment.StageActive, 4, "400", 0.5),
		res("first", segment.LowValue, segment.StageNew, 1, "80", 0.125),
		res("never", segment.LowValue, segment.StageDormant, 0, "0", 0),
	}
	m, err := segment.Migrate(before, after)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{Num: 1, Den: 2, Value: 0.5}, m.Repurchase,
		"of buyer and loyal, who had bought, loyal bought again; first bought for the first time")
}

// Results are exported values a host may store and read back: Migrate
// refuses one whose numbers no classification gives, rather than adding
// NaN or negative counts into the KPIs.
func TestMigrateRefusesImpossibleNumbers(t *testing.T) {
	ok := res("a", segment.LowValue, segment.StageActive, 1, "10", 0.125)
	for name, bad := range map[string]func(*segment.Result){
		"NaN total":              func(r *segment.Result) { r.Value.Total = math.NaN() },
		"infinite total":         func(r *segment.Result) { r.Value.Total = math.Inf(1) },
		"negative total":         func(r *segment.Result) { r.Value.Total = -0.25 },
		"total above 1":          func(r *segment.Result) { r.Value.Total = 2 },
		"total off the grid":     func(r *segment.Result) { r.Value.Total = value.Unit / 2 },
		"negative purchase days": func(r *segment.Result) { r.PurchaseDays = -1 },
	} {
		r := ok
		bad(&r)
		_, err := segment.Migrate(nil, []segment.Result{r})
		require.ErrorIs(t, err, segment.ErrInvalidResult, name)
		assert.Contains(t, err.Error(), `"a"`, name)
		_, err = segment.Migrate([]segment.Result{r}, nil)
		require.ErrorIs(t, err, segment.ErrInvalidResult, name)
	}
}

// A customer who has never bought is never lost (see LifecycleOptions), so
// counting them would make them retained whatever happens: retention is
// of the customers who had bought by the first period.
func TestRetentionOfBuyersOnly(t *testing.T) {
	var before, after []segment.Result
	for _, id := range []string{"r1", "r2", "r3"} {
		before = append(before, res(id, segment.LowValue, segment.StageDormant, 0, "0", 0))
		after = append(after, res(id, segment.LowValue, segment.StageDormant, 0, "0", 0))
	}
	before = append(before,
		res("kept", segment.HighValue, segment.StageActive, 3, "300", 0.5),
		res("gone", segment.LowValue, segment.StageDormant, 1, "20", 0.125))
	after = append(after,
		res("kept", segment.HighValue, segment.StageActive, 4, "400", 0.5),
		res("gone", segment.LowValue, segment.StageLost, 1, "20", 0.125))
	m, err := segment.Migrate(before, after)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{Num: 1, Den: 2, Value: 0.5}, m.Retention,
		"of the two buyers, kept stayed and gone was lost; the registered non-buyers are not counted")
}

// Quadrants are taken against the thresholds of the customer's kind:
// a customer whose kind differs between the periods has no transition
// to count, and a result of no kind was classified by no model.
func TestMigrateRefusesKindChangesAndNoKind(t *testing.T) {
	a := res("a", segment.HighValue, segment.StageActive, 2, "100", 0.5)
	b := res("b", segment.LowValue, segment.StageActive, 1, "10", 0.125)
	dealer := a
	dealer.Kind = customer.Intermediary
	_, err := segment.Migrate([]segment.Result{a, b}, []segment.Result{b, dealer})
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.Contains(t, err.Error(), `customer "a"`)
	assert.Contains(t, err.Error(), "kind")

	none := b
	none.Kind = 0
	_, err = segment.Migrate([]segment.Result{none}, nil)
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.Contains(t, err.Error(), `customer "b"`)

	// Each kind on its own: the dealer is new among dealers, and a left
	// the consumers.
	m, err := segment.Migrate([]segment.Result{a, b}, []segment.Result{b})
	require.NoError(t, err)
	assert.Equal(t, 1, m.Quadrants[segment.HighValue][0])
	m, err = segment.Migrate(nil, []segment.Result{dealer})
	require.NoError(t, err)
	assert.Equal(t, 1, m.Quadrants[0][segment.HighValue])
}

func genResults(t *rapid.T, label string, ids []string) []segment.Result {
	var out []segment.Result
	for _, id := range ids {
		if !rapid.Bool().Draw(t, label+" present "+id) {
			continue
		}
		out = append(out, segment.Result{ID: customer.ID(id), Kind: customer.Consumer,
			Quadrant:     segment.Quadrant(rapid.IntRange(1, 4).Draw(t, label+" q")),
			Stage:        segment.Stage(rapid.IntRange(1, 4).Draw(t, label+" st")),
			ShopType:     segment.ShopType(rapid.IntRange(1, 4).Draw(t, label+" shop")),
			PurchaseDays: rapid.IntRange(0, 5).Draw(t, label+" days"),
			Net:          decimal.New(rapid.Int64Range(-1000, 100000).Draw(t, label+" cents"), -2), Currency: "EUR",
			Value: value.Score{Total: float64(rapid.Int64Range(0, 1<<32).Draw(t, label+" units")) * value.Unit}})
	}
	return out
}

// The matrices count every customer of either period once, by class:
// row sums are the first period's counts, column sums the second's;
// every KPI is a share with Num ≤ Den, never NaN; and nothing depends on
// the order of either list.
func TestPropertyMigrationCountsAndOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ids := []string{"a", "b", "c", "d", "e", "f", "g"}
		before, after := genResults(t, "before", ids), genResults(t, "after", ids)
		m, err := segment.Migrate(before, after)
		require.NoError(t, err)
		for name, mx := range map[string][5][5]int{"quadrants": m.Quadrants, "stages": m.Stages, "shop types": m.ShopTypes} {
			var rows, cols [5]int
			for i := range mx {
				for j := range mx[i] {
					rows[i] += mx[i][j]
					cols[j] += mx[i][j]
				}
			}
			var wantRows, wantCols [5]int
			class := func(r segment.Result) int {
				return map[string]int{"quadrants": int(r.Quadrant), "stages": int(r.Stage), "shop types": int(r.ShopType)}[name]
			}
			for _, r := range before {
				wantRows[class(r)]++
			}
			for _, r := range after {
				wantCols[class(r)]++
			}
			// Row 0 holds the customers new in the second period, column 0
			// those gone from it.
			newOnes, gone := 0, 0
			inAfter := map[customer.ID]bool{}
			for _, r := range after {
				inAfter[r.ID] = true
			}
			inBefore := map[customer.ID]bool{}
			for _, r := range before {
				inBefore[r.ID] = true
				if !inAfter[r.ID] {
					gone++
				}
			}
			for _, r := range after {
				if !inBefore[r.ID] {
					newOnes++
				}
			}
			wantRows[0], wantCols[0] = newOnes, gone
			assert.Equal(t, wantRows, rows, "%s: row sums", name)
			assert.Equal(t, wantCols, cols, "%s: column sums", name)
			assert.Zero(t, mx[0][0], name)
		}
		for name, r := range map[string]segment.Rate{"retention": m.Retention, "repurchase": m.Repurchase,
			"new customers": m.NewCustomers, "conversion": m.Conversion} {
			assert.True(t, r.Num >= 0 && r.Num <= r.Den, "%s: %+v", name, r)
			assert.True(t, r.Value >= 0 && r.Value <= 1, "%s: %+v", name, r)
		}
		shuffle := func(rs []segment.Result, label string) []segment.Result {
			out := slices.Clone(rs)
			for i := len(out) - 1; i > 0; i-- {
				j := rapid.IntRange(0, i).Draw(t, label)
				out[i], out[j] = out[j], out[i]
			}
			return out
		}
		p, err := segment.Migrate(shuffle(before, "perm before"), shuffle(after, "perm after"))
		require.NoError(t, err)
		assert.Equal(t, m.Quadrants, p.Quadrants)
		assert.Equal(t, m.Stages, p.Stages)
		assert.Equal(t, m.ShopTypes, p.ShopTypes)
		assert.Equal(t, [4]segment.Rate{m.Retention, m.Repurchase, m.NewCustomers, m.Conversion},
			[4]segment.Rate{p.Retention, p.Repurchase, p.NewCustomers, p.Conversion})
		for q := range m.Contribution {
			c, d := m.Contribution[q], p.Contribution[q]
			assert.True(t, c.Revenue.Equal(d.Revenue), "quadrant %d revenue", q)
			c.Revenue, d.Revenue = decimal.Zero, decimal.Zero
			assert.Equal(t, c, d, "quadrant %d", q)
		}
	})
}

// New customers are counted among the period's buyers: a first purchase
// (also by a customer on file who had never bought) is new, a repeat
// purchase is not, and customers who did not buy in the period, whether
// on file before or registered in it, are in neither count.
func TestNewCustomersAmongThePeriodsBuyers(t *testing.T) {
	before := []segment.Result{
		res("quiet", segment.LowValue, segment.StageDormant, 1, "10", 0.125),
		res("again", segment.LowValue, segment.StageActive, 1, "10", 0.125),
		res("onfile", segment.LowValue, segment.StageNew, 0, "0", 0.125),
	}
	after := []segment.Result{
		res("quiet", segment.LowValue, segment.StageDormant, 1, "10", 0.125),
		res("again", segment.LowValue, segment.StageActive, 3, "30", 0.125),
		res("onfile", segment.LowValue, segment.StageNew, 2, "20", 0.125),
		res("fresh", segment.LowValue, segment.StageNew, 1, "10", 0.125),
		res("signedup", segment.LowValue, segment.StageNew, 0, "0", 0.125),
	}
	m, err := segment.Migrate(before, after)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{Num: 2, Den: 3, Value: 2.0 / 3}, m.NewCustomers, "onfile and fresh of again, onfile and fresh")
}

// Grades migrate like quadrants: [from][to], 0 for a customer absent
// from a period or not graded; an undefined grade is refused.
func TestMigrateGrades(t *testing.T) {
	graded := func(id string, g segment.Grade, days int) segment.Result {
		r := res(id, segment.LowValue, segment.StageActive, days, "10", 0.125)
		r.Grade = g
		return r
	}
	before := []segment.Result{
		graded("up", segment.GradeC, 1), graded("down", segment.GradeA, 2), graded("same", segment.GradeB, 1),
		graded("gone", segment.GradeC, 1), graded("ungraded", 0, 1),
	}
	after := []segment.Result{
		graded("up", segment.GradeA, 3), graded("down", segment.GradeB, 2), graded("same", segment.GradeB, 2),
		graded("new", segment.GradeC, 1), graded("ungraded", segment.GradeB, 1),
	}
	m, err := segment.Migrate(before, after)
	require.NoError(t, err)
	want := [4][4]int{}
	want[segment.GradeC][segment.GradeA] = 1 // up
	want[segment.GradeA][segment.GradeB] = 1 // down
	want[segment.GradeB][segment.GradeB] = 1 // same
	want[segment.GradeC][0] = 1              // gone
	want[0][segment.GradeC] = 1              // new
	want[0][segment.GradeB] = 1              // graded only in the second period
	assert.Equal(t, want, m.Grades)

	bad := graded("x", segment.Grade(9), 1)
	_, err = segment.Migrate(nil, []segment.Result{bad})
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	assert.Contains(t, err.Error(), `"x"`)
}

// Conversion is the share of the first period's potential-value
// customers who are high-value in the second (domain rules §3.1: turn
// high potential into high current value; §3.4: conversion rate). A
// potential customer who stays potential, moves elsewhere or is absent
// from the second period counts in the denominator only; a customer who
// becomes high-value from another quadrant counts in neither.
func TestConversionOfPotentialToHighValue(t *testing.T) {
	before := []segment.Result{
		res("won", segment.PotentialValue, segment.StageActive, 1, "50", 0.25),
		res("still", segment.PotentialValue, segment.StageActive, 1, "50", 0.25),
		res("other", segment.PotentialValue, segment.StageActive, 1, "50", 0.25),
		res("gone", segment.PotentialValue, segment.StageActive, 1, "50", 0.25),
		res("low", segment.LowValue, segment.StageActive, 1, "20", 0.125),
		res("high", segment.HighValue, segment.StageActive, 2, "300", 0.5),
	}
	after := []segment.Result{
		res("won", segment.HighValue, segment.StageActive, 3, "400", 0.75),
		res("still", segment.PotentialValue, segment.StageActive, 1, "50", 0.25),
		res("other", segment.SecondaryValue, segment.StageActive, 2, "200", 0.5),
		res("low", segment.HighValue, segment.StageActive, 3, "400", 0.75),
		res("high", segment.HighValue, segment.StageActive, 3, "400", 0.75),
	}
	m, err := segment.Migrate(before, after)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{Num: 1, Den: 4, Value: 0.25}, m.Conversion,
		"of won, still, other and gone, the potential-value customers of the first period, won became high-value")
	// One of one is a rate of 1: Value = Num ÷ Den whenever Den > 0.
	m, err = segment.Migrate(before[:1], after[:1])
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{Num: 1, Den: 1, Value: 1}, m.Conversion)
}
