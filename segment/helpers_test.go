package segment_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"pgregory.net/rapid"
)

var asOf = time.Date(2026, 6, 30, 18, 0, 0, 0, time.UTC)

// tb is what the helpers need of *testing.T and *rapid.T.
type tb interface {
	require.TestingT
	Helper()
}

type buy struct {
	DaysAgo int
	Qty     int
	Cents   int64
	Refund  int
}

type spec struct {
	ID       string
	Kind     customer.Kind
	Buys     []buy
	Visits   []int // days ago
	Consent  *customer.Consent
	Turnover string
}

func summarize(t tb, s spec, scale int64) *customer.Summary {
	t.Helper()
	sum := customer.NewSummary(customer.ID(s.ID), s.Kind, asOf, nil)
	for i, b := range s.Buys {
		when := asOf.AddDate(0, 0, -b.DaysAgo)
		price := decimal.New(b.Cents*scale, -2)
		o := customer.Order{ID: fmt.Sprintf("%s-%d", s.ID, i), CustomerID: sum.CustomerID, Time: when,
			Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: b.Qty, UnitPrice: price}}}
		require.NoError(t, sum.AddOrder(o))
		if b.Refund > 0 && b.Cents > 0 {
			m, err := customer.MoneyFromDecimal(price.Mul(decimal.NewFromInt(int64(b.Refund))), "EUR")
			require.NoError(t, err)
			require.NoError(t, sum.AddRefund(when, m, b.Refund))
		}
	}
	for _, d := range s.Visits {
		require.NoError(t, sum.AddInteraction(customer.Interaction{CustomerID: sum.CustomerID,
			Time: asOf.AddDate(0, 0, -d), Kind: customer.StoreVisit}))
	}
	return sum
}

func input(t tb, s spec, scale int64) segment.Input {
	in := segment.Input{Summary: summarize(t, s, scale)}
	if s.Consent != nil || s.Turnover != "" {
		c := &customer.Customer{ID: customer.ID(s.ID), Kind: s.Kind}
		if s.Consent != nil {
			c.Consent = *s.Consent
		}
		if s.Turnover != "" {
			m, err := customer.NewMoney(s.Turnover, "EUR")
			require.NoError(t, err)
			c.Trade = &customer.Trade{AnnualTurnover: m.Mul(decimal.NewFromInt(scale)), Outlets: 2, Rating: customer.RatingBBB}
		}
		in.Customer = c
	}
	return in
}

func genSpec(t *rapid.T, id string) spec {
	s := spec{ID: id, Kind: rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Consumer, customer.Intermediary}).Draw(t, "kind")}
	for range rapid.IntRange(0, 5).Draw(t, "orders") {
		b := buy{DaysAgo: rapid.IntRange(0, 1500).Draw(t, "daysAgo"), Qty: rapid.IntRange(1, 4).Draw(t, "qty"),
			Cents: rapid.Int64Range(0, 50000).Draw(t, "cents")}
		b.Refund = rapid.IntRange(0, b.Qty).Draw(t, "refund")
		if rapid.Bool().Draw(t, "whale") {
			b.Cents *= 10000
		}
		s.Buys = append(s.Buys, b)
	}
	for range rapid.IntRange(0, 2).Draw(t, "visits") {
		s.Visits = append(s.Visits, rapid.IntRange(0, 400).Draw(t, "visit"))
	}
	if len(s.Buys) == 0 && len(s.Visits) == 0 {
		s.Visits = []int{rapid.IntRange(0, 400).Draw(t, "visit")}
	}
	if s.Kind == customer.Intermediary && rapid.Bool().Draw(t, "trade") {
		s.Turnover = fmt.Sprint(rapid.IntRange(1000, 10000000).Draw(t, "turnover"))
	}
	return s
}

func genPopulation(t *rapid.T) []spec {
	n := rapid.IntRange(1, 14).Draw(t, "n")
	out := make([]spec, n)
	for i := range out {
		out[i] = genSpec(t, fmt.Sprintf("c%02d", i))
	}
	return out
}

// classify fits on the inputs and returns every result by customer.
func classify(t tb, ins []segment.Input, opts *segment.Options) (*segment.Model, map[customer.ID]segment.Result) {
	t.Helper()
	m, obs, err := segment.FitInputs(ins, opts)
	require.NoError(t, err)
	out := map[customer.ID]segment.Result{}
	for i := range obs {
		var r segment.Result
		require.NoError(t, m.Classify(&r, &obs[i]))
		out[r.ID] = r
	}
	return m, out
}

func inputs(t tb, specs []spec, scale int64) []segment.Input {
	out := make([]segment.Input, len(specs))
	for i, s := range specs {
		out[i] = input(t, s, scale)
	}
	return out
}
