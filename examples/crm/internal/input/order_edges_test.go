package input

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// Edge property: amounts about the 40-bit order net and 37-bit day net of
// the fixed tier, nets cancelling to exactly zero, refund-only orders,
// exchanges, rows without order_id, rows after AsOf, one order_id under
// two customers, discounts of every tier (zero, positive, a refund's of
// either sign, empty, negative on a sale, about the fixed tier's and the
// wide tier's limits, more decimals than the wide tier holds); every row
// order, tier and worker count agree.
func TestOrderEdgesAgreeInEveryTier(t *testing.T) {
	defer func() { wideTier = true }()
	rapid.Check(t, func(t *rapid.T) {
		base := customer.DateFromYMD(2024, 1, 1)
		n := rapid.IntRange(1, 40).Draw(t, "rows")
		recs := make([][]string, n)
		for i := range recs {
			amount := rapid.SampledFrom([]string{
				"10", "-10", "0", "0", "30000000", "-30000000", "54975581.3887", "-54975581.3888",
				"27487790.6944", "-27487790.6944", "6871947.6736", "-6871947.6736", "5", "-5", "1.5",
				"10.00", "-10.0000", "1.23456", "-1.23456", "54975581.38871", "-54975581.38881",
			}).Draw(t, "amount")
			q := "1"
			switch {
			case amount[0] == '-':
				q = "-1"
			case amount == "0" && rapid.Bool().Draw(t, "exchange?"):
				q = "-1"
			}
			day := base + customer.Date(rapid.IntRange(0, 4).Draw(t, "day"))
			if rapid.IntRange(0, 7).Draw(t, "after?") == 0 {
				day = base + 40
			}
			recs[i] = []string{
				rapid.SampledFrom([]string{"C1", "C2"}).Draw(t, "customer"),
				day.String(),
				fmt.Sprint("O", rapid.IntRange(0, 3).Draw(t, "order")),
				amount, q,
				rapid.SampledFrom([]string{"", "", "", "consumer", "intermediary"}).Draw(t, "kind"),
				rapid.SampledFrom([]string{"EUR", "EUR", "EUR", "USD"}).Draw(t, "currency"),
				rapid.SampledFrom([]string{
					"", "", "0", "0.00", "2.5", "-2.5", "1.23456", "-1.23456", "54975581.3887", "-54975581.3887",
					"99999999999999.9999", "-99999999999999.9999", "9999999999999999999.5", "0.0000000000000000001",
					"-0.0000000000000000001", "0.000000000000000000",
				}).Draw(t, "discount"),
			}
			if rapid.IntRange(0, 5).Draw(t, "no order?") == 0 {
				recs[i][2] = ""
			}
		}
		write := func(rows [][]string) []byte {
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			require.NoError(t, w.Write([]string{"customer_id", "date", "order_id", "amount", "quantity", "kind", "currency", "discount"}))
			require.NoError(t, w.WriteAll(rows))
			w.Flush()
			return buf.Bytes()
		}
		perm := rapid.Permutation(recs).Draw(t, "permutation")
		a, b := write(recs), write(perm)
		o := Options{AsOf: base + 30, SkipInvalid: true}
		want := summarizeBytes(a, o)
		wantB := summarizeBytes(b, o)
		if !strings.Contains(want, "f.csv:") {
			require.Equal(t, want, wantB, "row order\n%s\n%s", a, b)
		}
		for _, on := range []bool{true, false} {
			wideTier = on
			for _, workers := range []int{1, 3} {
				require.Equal(t, want, tableOutcome(ScanCSV(bytes.NewReader(a), "f.csv", o, workers)), "wide %v\n%s", on, a)
				require.Equal(t, wantB, tableOutcome(ScanCSV(bytes.NewReader(b), "f.csv", o, workers)), "wide %v\n%s", on, b)
			}
		}
		// Decimals to the exponent: the wide tier as the decimal path.
		var sums [2][]customer.Summary
		for k, on := range []bool{true, false} {
			wideTier = on
			tab, err := ScanCSV(bytes.NewReader(b), "f.csv", o, 1)
			if err != nil {
				return
			}
			sums[k] = summariesOf(t, tab)
		}
		require.Len(t, sums[1], len(sums[0]))
		for k := range sums[0] {
			requireSameSummary(t, &sums[0][k], &sums[1][k])
		}
	})
}
