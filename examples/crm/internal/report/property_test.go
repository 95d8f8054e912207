package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// idBytes are the bytes customer IDs are drawn from: letters, what HTML
// and XML treat specially, control characters and bytes that are not
// UTF-8 on their own.
var idBytes = []byte("aZ09-_ <>&\"';\x00\x01\x1f\x7f\xc3\xa9\xe2\x82\xac\xff\xfe")

// randomInput draws a small population of customers with random IDs and
// histories of sales and refunds in the three years before testAsOf.
func randomInput(t *rapid.T) *Input {
	n := rapid.IntRange(1, 25).Draw(t, "customers")
	in := &Input{Source: "x.csv", AsOf: testAsOf, Currency: "EUR", CalibrationEnd: CalibrationEnd(testAsOf, nil)}
	seen := map[customer.ID]bool{}
	for i := range n {
		raw := rapid.SliceOfN(rapid.SampledFrom(idBytes), 1, 8).Draw(t, "id")
		id := customer.ID(raw)
		if seen[id] {
			id = customer.ID(fmt.Sprintf("%s#%d", raw, i))
		}
		seen[id] = true
		kind := rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind")
		full := customer.NewSummary(id, kind, testAsOf.Time(), nil)
		cal := customer.NewSummary(id, kind, in.CalibrationEnd.Time(), nil)
		sales := rapid.IntRange(1, 6).Draw(t, "sales")
		for range sales {
			day := testAsOf - customer.Date(rapid.IntRange(0, 3*365).Draw(t, "days before"))
			cents := rapid.Int64Range(-5000, 90000).Draw(t, "cents")
			amount, err := customer.MoneyFromDecimal(decimal.New(cents, -2), "EUR")
			require.NoError(t, err)
			sale := customer.Sale{Time: day.Time().Add(12 * time.Hour), NewOrder: cents >= 0, Amount: amount, Units: 1}
			if cents < 0 {
				sale.Units = -1
			}
			if err := full.AddSale(sale); err != nil {
				continue // a refund the history cannot take
			}
			if day <= in.CalibrationEnd {
				_ = cal.AddSale(sale)
			}
		}
		if _, ok := full.FirstPurchase(); !ok {
			continue
		}
		in.Summaries = append(list(in.Summaries), full)
		if _, ok := cal.FirstPurchase(); ok {
			in.Calibration = append(list(in.Calibration), cal)
		}
	}
	return in
}

// TestBuildProperties checks on random populations that the report is
// built, that its figures add up, and that the page is well-formed with
// every customer ID printed as itself (made valid for XML).
func TestBuildProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := randomInput(t)
		if len(list(in.Summaries)) == 0 {
			t.Skip("no customer with a purchase")
		}
		require.NoError(t, classify(in))
		rep, err := Build(in, &Options{MaxPoints: rapid.IntRange(1, 30).Draw(t, "max points")})
		require.NoError(t, err)
		assert.Equal(t, len(list(in.Summaries)), rep.Customers)
		scored := 0
		for _, k := range rep.Kinds {
			n := 0
			for q := segment.HighValue; q.Valid(); q++ {
				n += k.Quadrants[q].Customers
			}
			assert.Equal(t, k.Customers, n)
			scored += k.Churn.Scored
			for _, h := range k.Churn.Histogram {
				assert.GreaterOrEqual(t, h, 0)
			}
		}
		assert.Equal(t, rep.Customers, scored, "everyone with a purchase has a risk")

		var b bytes.Buffer
		require.NoError(t, rep.WriteHTML(&b))
		els := parsePage(t, b.Bytes())
		assert.Equal(t, 4*len(rep.Kinds), count(els, "text", "quadrant-label"))
		var ids []string
		for _, e := range els {
			if e.name == "td" && e.has("id") {
				ids = append(ids, e.text)
			}
		}
		var want []string
		for _, k := range rep.Kinds {
			for _, r := range k.AtRisk {
				want = append(want, clean(string(r.ID)))
			}
		}
		assert.Equal(t, want, ids)
		assert.False(t, strings.Contains(b.String(), "\x00"))
	})
}
