package value_test

import (
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

var asOf = time.Date(2026, 6, 30, 18, 0, 0, 0, time.UTC)

// buy is one order of a test customer: daysAgo before asOf, qty units at
// price (in cents) each, with an optional refund of units.
type buy struct {
	DaysAgo  int
	Qty      int
	Cents    int64
	Category string
	Refund   int // units refunded (≤ Qty)
}

// spec describes a test customer.
type spec struct {
	ID           string
	Kind         customer.Kind
	Buys         []buy
	Interactions int
}

// summarize builds the summary of s with every amount multiplied by scale.
func summarize(t tb, s spec, scale int64) *customer.Summary {
	t.Helper()
	sum := customer.NewSummary(customer.ID(s.ID), s.Kind, asOf, nil)
	for i, b := range s.Buys {
		when := asOf.AddDate(0, 0, -b.DaysAgo)
		price := decimal.New(b.Cents*scale, -2)
		o := customer.Order{ID: fmt.Sprintf("%s-%d", s.ID, i), CustomerID: sum.CustomerID, Time: when,
			Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Category: b.Category, Quantity: b.Qty, UnitPrice: price}}}
		require.NoError(t, sum.AddOrder(o))
		if b.Refund > 0 && b.Cents > 0 {
			m, err := customer.MoneyFromDecimal(price.Mul(decimal.NewFromInt(int64(b.Refund))), "EUR")
			require.NoError(t, err)
			require.NoError(t, sum.AddRefund(when, m, b.Refund))
		}
	}
	for i := 0; i < s.Interactions; i++ {
		require.NoError(t, sum.AddInteraction(customer.Interaction{CustomerID: sum.CustomerID,
			Time: asOf.AddDate(0, 0, -i-1), Kind: customer.SiteVisit}))
	}
	return sum
}

func extract(t tb, s spec, scale int64) value.Indicators {
	t.Helper()
	var x value.Indicators
	require.NoError(t, value.Extract(summarize(t, s, scale), nil, &x))
	return x
}

// extractAll returns the indicators of every customer of specs, at scale 1.
func extractAll(t tb, specs []spec) []value.Indicators {
	t.Helper()
	pop := make([]value.Indicators, len(specs))
	for i, s := range specs {
		pop[i] = extract(t, s, 1)
	}
	return pop
}

// genSpec draws a customer of kind k with id.
func genSpec(t *rapid.T, id string, k customer.Kind) spec {
	s := spec{ID: id, Kind: k, Interactions: rapid.IntRange(0, 3).Draw(t, "interactions")}
	n := rapid.IntRange(0, 5).Draw(t, "orders")
	for i := 0; i < n; i++ {
		b := buy{
			DaysAgo:  rapid.IntRange(0, 900).Draw(t, "daysAgo"),
			Qty:      rapid.IntRange(1, 4).Draw(t, "qty"),
			Cents:    rapid.Int64Range(0, 50000).Draw(t, "cents"),
			Category: rapid.SampledFrom([]string{"", "coats", "shirts", "shoes"}).Draw(t, "category"),
		}
		b.Refund = rapid.IntRange(0, b.Qty).Draw(t, "refund")
		if rapid.Bool().Draw(t, "whale") {
			b.Cents *= 10000
		}
		s.Buys = append(s.Buys, b)
	}
	return s
}

func genPopulation(t *rapid.T, k customer.Kind, min int) []spec {
	n := rapid.IntRange(min, 12).Draw(t, "n")
	out := make([]spec, n)
	for i := range out {
		out[i] = genSpec(t, fmt.Sprintf("c%02d", i), k)
	}
	return out
}

func requireFinite01(t tb, s value.Score) {
	t.Helper()
	for _, v := range []float64{s.Current, s.Potential, s.Total} {
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "score %v", s)
		require.GreaterOrEqual(t, v, 0.0)
		require.LessOrEqual(t, v, 1.0)
	}
}

func mustDecimal(t tb, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

// tb is what the helpers need of *testing.T and *rapid.T.
type tb interface {
	require.TestingT
	Helper()
}
