package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn"
)

// heavyTailShop is a shop whose intermediaries' mean order values spread
// over orders of magnitude (log-normal with σ = 1.4 across dealers):
// their Gamma-Gamma fit has q near 1, which the likelihood ratio against
// q = 1 cannot tell from 1.
// Consumers spend on one scale. Some customers of each kind bought once.
func heavyTailShop() string {
	r := rand.New(rand.NewPCG(11, 3))
	var b strings.Builder
	b.WriteString("customer_id,date,amount,kind\n")
	day := func(d int) string { return fmt.Sprintf("2024-%02d-%02d", 1+d/28, 1+d%28) }
	write := func(id, kind string, mean float64, orders int) {
		for k := range orders {
			amt := mean * (0.5 + r.Float64())
			fmt.Fprintf(&b, "%s,%s,%.2f,%s\n", id, day(k*(300/orders)+r.IntN(5)), amt, kind)
		}
	}
	for i := range 1500 {
		write(fmt.Sprintf("D%04d", i), "intermediary", 1000*math.Exp(1.4*r.NormFloat64()), 1+r.IntN(7))
	}
	for i := range 1500 {
		write(fmt.Sprintf("C%04d", i), "consumer", 60*math.Exp(0.3*r.NormFloat64()), 1+r.IntN(5))
	}
	return b.String()
}

// TestCLVOfOneTimeBuyersNeedsADeterminedMean checks that a customer
// without a repeat purchase, whose expected spend is the mean spend
// p·v/(q−1) of the kind, gets no clv when the kind's Gamma-Gamma fit does
// not determine that mean (q not told from 1 by the likelihood ratio): it would
// be a number of any size (the dealers of a generated shop got 2.8e8).
// Repeat customers of the kind, and one-time buyers of the other kind,
// keep theirs; stderr says why, in score and in batch.
func TestCLVOfOneTimeBuyersNeedsADeterminedMean(t *testing.T) {
	shop := heavyTailShop()
	f := crm(t, rowsOfKind(t, shop, "intermediary"), "fit", "-model", "gammagamma", "-json", "-in", "-", "-calibration-end", "2024-12-31")
	require.Equal(t, 0, f.code, f.stderr)
	var got fitOutput
	require.NoError(t, json.Unmarshal([]byte(f.stdout), &got))
	q, se := got.Params["q"], got.StdErrors["q"]
	require.Greater(t, q, 1.0, f.stdout)
	require.Less(t, q-1, 1.96*se, "the dealers' mean is not determined: %s", f.stdout)

	sc := crm(t, shop, "score", "-model", "bgnbd", "-spend", "gammagamma", "-in", "-", "-calibration-end", "2024-12-31")
	require.Equal(t, 0, sc.code, sc.stderr)
	assert.Regexp(t, `gammagamma for intermediaries p=\S+ q=\S+ v=\S+ on \d+ repeat customers \(\d+ excluded\); the likelihood ratio does not tell q from 1 \(signed root \S+, not above 1\.96\), so the mean spend p·v/\(q−1\) is not determined: customers without a repeat purchase get no clv`, sc.stderr)
	assert.NotRegexp(t, `gammagamma for consumers [^\n]*not determined`, sc.stderr)
	rows := readCSVFile(t, sc.stdout)
	require.Equal(t, []string{"customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases", "clv"}, rows[0])
	var noMean, dealers1, consumers1 int
	for _, row := range rows[1:] {
		dealer, once := strings.HasPrefix(row[0], "D"), row[1] == "0"
		switch {
		case dealer && once:
			dealers1++
			assert.Empty(t, row[6], "%v", row)
			noMean++
		case once:
			consumers1++
			fallthrough
		default:
			require.NotEmpty(t, row[6], "%v", row)
			v := parseF(t, row[6])
			assert.True(t, v > 0 && v < 1e7, "%v", row)
		}
	}
	require.Positive(t, dealers1)
	require.Positive(t, consumers1)
	assert.Contains(t, sc.stderr, fmt.Sprintf("crm: %d customers have an empty clv: without a repeat purchase their expected spend is the mean spend p·v/(q−1) of their kind, which its Gamma-Gamma fit does not determine (its q cannot be told from 1)\n", noMean))

	// batch gives the same clv column, to the digit, and says the same.
	bt := crm(t, shop, "batch", "-in", "-", "-as-of", "2024-12-31")
	require.Equal(t, 0, bt.code, bt.stderr)
	assert.Contains(t, bt.stderr, fmt.Sprintf("crm: %d customers have an empty clv: without a repeat purchase", noMean))
	brows := readCSVFile(t, bt.stdout)
	col := -1
	for j, h := range brows[0] {
		if h == "clv" {
			col = j
		}
	}
	require.NotEqual(t, -1, col, "%v", brows[0])
	clv := map[string]string{}
	for _, row := range rows[1:] {
		clv[row[0]] = row[6]
	}
	for _, row := range brows[1:] {
		assert.Equal(t, clv[row[0]], row[col], "%s: score and batch give the same clv", row[0])
	}
}

// fixedOrderShop is a shop of intermediaries each of which orders the
// same amount every time (a standing order), the amounts spread across
// dealers as 100/ν with ν exponential (gamma of shape 1: mean spends
// with no finite mean), at the quantiles (i + ½)/n. Its Gamma-Gamma fit
// ends on the edge p → ∞, v → 0 (spend does not vary within a customer)
// with q near 1 and no standard errors.
func fixedOrderShop(n int) string {
	var b strings.Builder
	b.WriteString("customer_id,date,amount,kind\n")
	day := func(d int) string { return fmt.Sprintf("2024-%02d-%02d", 1+d/28, 1+d%28) }
	for i := range n {
		u := (float64(i) + 0.5) / float64(n)
		z := 100 / -math.Log1p(-u)
		k := 1 + (i*7919)%7
		for j := range k {
			fmt.Fprintf(&b, "D%05d,%s,%.2f,intermediary\n", i, day(j*(300/k)+i%5), z)
		}
	}
	return b.String()
}

// A fit on the edge of the parameter space has no standard errors; q is
// judged, as elsewhere, by the likelihood ratio against the best fit with
// q = 1 (churn.GammaGammaFit.MeanSpendSignedRoot). Taking q > 1 alone gave
// the one-time dealers of fixedOrderShop clvs of 80,000 (q = 1.0024, a
// mean order of 42,000 where the median is 144).
func TestCLVOfOneTimeBuyersAtTheEdge(t *testing.T) {
	shop := fixedOrderShop(3000)
	f := crm(t, shop, "fit", "-model", "gammagamma", "-json", "-in", "-", "-calibration-end", "2024-12-31")
	require.Equal(t, 0, f.code, f.stderr)
	var got fitOutput
	require.NoError(t, json.Unmarshal([]byte(f.stdout), &got))
	require.Greater(t, got.Params["q"], 1.0, f.stdout)
	require.Empty(t, got.StdErrors, "a fit on the edge: %s", f.stdout)
	require.Greater(t, got.Params["p"], 1e6, "p → ∞: %s", f.stdout)

	sc := crm(t, shop, "score", "-model", "bgnbd", "-spend", "gammagamma", "-in", "-", "-calibration-end", "2024-12-31")
	require.Equal(t, 0, sc.code, sc.stderr)
	assert.Regexp(t, `crm: gammagamma p=\S+ q=\S+ v=\S+ on (\d+) repeat customers \(\d+ excluded\) \(likelihood highest at the edge of the parameter space, p → ∞, v → 0[^\n]*\); the likelihood ratio does not tell q from 1 \(signed root 0\.\d+, not above 1\.96\), so the mean spend p·v/\(q−1\) is not determined: customers without a repeat purchase get no clv\n`, sc.stderr)
	rows := readCSVFile(t, sc.stdout)
	once := 0
	for _, row := range rows[1:] {
		if row[1] == "0" {
			once++
			assert.Empty(t, row[6], "%v", row)
		} else {
			require.NotEmpty(t, row[6], "%v", row)
		}
	}
	require.Positive(t, once)
	assert.Contains(t, sc.stderr, fmt.Sprintf("crm: %d customers have an empty clv: without a repeat purchase", once))

	bt := crm(t, shop, "batch", "-in", "-", "-as-of", "2024-12-31")
	require.Equal(t, 0, bt.code, bt.stderr)
	assert.Contains(t, bt.stderr, "the likelihood ratio does not tell q from 1 (signed root")
	assert.Contains(t, bt.stderr, fmt.Sprintf("crm: %d customers have an empty clv: without a repeat purchase", once))
	brows := readCSVFile(t, bt.stdout)
	col := slices.Index(brows[0], "clv")
	require.NotEqual(t, -1, col, "%v", brows[0])
	clv := map[string]string{}
	for _, row := range rows[1:] {
		clv[row[0]] = row[6]
	}
	for _, row := range brows[1:] {
		assert.Equal(t, clv[row[0]], row[col], "%s: score and batch give the same clv", row[0])
	}
}

// spendLine says by which rule a fit with q > 1 leaves the mean spend
// undetermined: the likelihood ratio against q = 1 when the fit has its
// signed root, and otherwise (a fit at q = 1 that found no finite
// likelihood or ran out of iterations) the standard error of q, the fit's
// own or the least a fit on its customers can have; a fit that
// determines the mean, or has q ≤ 1, says nothing of it.
func TestSpendLineRules(t *testing.T) {
	f := fitted{spend: churn.GammaGamma{P: 2, Q: 1.5, V: 10}, excluded: 3}
	f.info.Customers = 40
	f.meanSpendR, f.meanSpendROK, f.meanSpendSE = 1.25, true, 0.4
	assert.Equal(t, "crm: gammagamma for dealers p=2 q=1.5 v=10 on 40 repeat customers (3 excluded); the likelihood ratio does not tell q from 1 (signed root 1.25, not above 1.96), so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase get no clv", spendLine("dealers", f, ""))

	f.meanSpendROK = false
	f.info.StdErrOK = true
	assert.Equal(t, "crm: gammagamma p=2 q=1.5 v=10 on 40 repeat customers (3 excluded); q is within 1.96 standard errors (0.4) of 1, so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase get no clv", spendLine("", f, ""))
	f.info.StdErrOK = false
	assert.Contains(t, spendLine("", f, ""), "; q is within 1.96 standard errors (0.4, the least a fit on 40 customers can have: the fit has none of its own) of 1,")

	f.meanSpend = true
	assert.Equal(t, "crm: gammagamma p=2 q=1.5 v=10 on 40 repeat customers (3 excluded)", spendLine("", f, ""))
	f.meanSpend, f.spend.Q = false, 0.9
	assert.Equal(t, "crm: gammagamma p=2 q=0.9 v=10 on 40 repeat customers (3 excluded)", spendLine("", f, ""))
}
