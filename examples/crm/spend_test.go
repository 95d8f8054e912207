package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
)

// rowsOfKind returns the header and the rows of a generated shop whose
// kind column is kind.
func rowsOfKind(t *testing.T, shop, kind string) string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(shop)).ReadAll()
	require.NoError(t, err)
	col := -1
	for i, name := range recs[0] {
		if name == "kind" {
			col = i
		}
	}
	require.GreaterOrEqual(t, col, 0, "a kind column")
	var b strings.Builder
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write(recs[0]))
	n := 0
	for _, r := range recs[1:] {
		if r[col] == kind {
			require.NoError(t, w.Write(r))
			n++
		}
	}
	w.Flush()
	require.Positive(t, n, "rows of kind %s", kind)
	return b.String()
}

// TestSpendModelPerKind checks that crm score fits Gamma-Gamma to the
// consumers alone on a shop with intermediaries: the consumers' fit is
// that of crm fit on the consumers' rows, to the last digit, and a
// one-time consumer's expected spend is the consumers' mean, not one
// raised by the dealers' orders.
func TestSpendModelPerKind(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	const calEnd = "2025-06-30"
	sc := crm(t, shop, "score", "-model", "bgnbd", "-spend", "gammagamma", "-in", "-", "-calibration-end", calEnd)
	require.Equal(t, 0, sc.code, sc.stderr)
	re := regexp.MustCompile(`gammagamma for (consumers|intermediaries) p=(\S+) q=(\S+) v=(\S+) on`)
	fits := map[string][]string{}
	for _, m := range re.FindAllStringSubmatch(sc.stderr, -1) {
		fits[m[1]] = m[2:]
	}
	require.Contains(t, fits, "consumers", sc.stderr)
	require.Contains(t, fits, "intermediaries", sc.stderr)

	for kind, who := range map[string]string{"consumer": "consumers", "intermediary": "intermediaries"} {
		f := crm(t, rowsOfKind(t, shop, kind), "fit", "-model", "gammagamma", "-json", "-in", "-", "-calibration-end", calEnd)
		require.Equal(t, 0, f.code, f.stderr)
		assert.NotContains(t, f.stderr, "together", "one kind only")
		var got struct {
			Params map[string]json.Number `json:"params"`
		}
		require.NoError(t, json.Unmarshal([]byte(f.stdout), &got))
		assert.Equal(t, fits[who], []string{got.Params["p"].String(), got.Params["q"].String(), got.Params["v"].String()}, who)
	}

	pooled := crm(t, shop, "fit", "-model", "gammagamma", "-json", "-in", "-", "-calibration-end", calEnd)
	require.Equal(t, 0, pooled.code, pooled.stderr)
	assert.Contains(t, pooled.stderr, "the fit on consumers and intermediaries together")
}

// TestSpendModelFallsBackToThePooledFit checks that a kind too small for
// a Gamma-Gamma fit of its own (one dealer) uses the fit on all
// customers, says so, and gets a clv.
func TestSpendModelFallsBackToThePooledFit(t *testing.T) {
	t.Parallel()
	shop := rowsOfKind(t, generatedShop(t), "consumer")
	head := shop[:strings.IndexByte(shop, '\n')]
	cols := strings.Split(head, ",")
	row := func(date, order, amount string) string {
		f := make([]string, len(cols))
		for i, c := range cols {
			switch c {
			case "customer_id":
				f[i] = "DEALER"
			case "date":
				f[i] = date
			case "order_id":
				f[i] = order
			case "amount":
				f[i] = amount
			case "quantity":
				f[i] = "10"
			case "kind":
				f[i] = "intermediary"
			case "currency":
				f[i] = "EUR"
			}
		}
		return strings.Join(f, ",") + "\n"
	}
	shop += row("2024-03-01", "D1", "2500.00") + row("2024-09-01", "D2", "3100.00")
	for _, cmd := range [][]string{
		{"score", "-model", "bgnbd", "-spend", "gammagamma", "-in", "-", "-calibration-end", "2025-06-30"},
		{"batch", "-in", "-", "-as-of", "2025-06-30"},
	} {
		r := crm(t, shop, cmd...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stderr, "gammagamma for consumers p=", cmd[0])
		assert.Regexp(t, `gammagamma for intermediaries: .*insufficient data.*they use the fit on all customers`, r.stderr, cmd[0])
		assert.Contains(t, r.stderr, "gammagamma for all customers p=", cmd[0])
		var dealer []string
		for _, rec := range readCSVFile(t, r.stdout) {
			if rec[0] == "DEALER" {
				dealer = rec
			}
		}
		require.NotNil(t, dealer, cmd[0])
		clv := dealer[len(dealer)-1]
		if cmd[0] == "batch" {
			clv = dealer[len(dealer)-3]
		}
		assert.NotEmpty(t, clv, "%s: the dealer has a clv", cmd[0])
	}
}

// A kind whose mean spends do not vary between customers has its
// Gamma-Gamma likelihood highest at the edge of the parameter space (q
// and v without bound): the kind keeps its best finite point, whose
// expected spend is the kind's mean, rather than the dealers' pooled fit.
func TestSpendModelKeepsABoundaryFit(t *testing.T) {
	var cons, deal []churn.SpendGroup
	for x := 1; x <= 6; x++ {
		cons = append(cons, churn.SpendGroup{Frequency: float64(x), MeanSpend: 40, Count: int64(10 * x)})
		deal = append(deal, churn.SpendGroup{Frequency: float64(x), MeanSpend: 1000 * float64(x), Count: 3})
	}
	var in spendInput
	in.present[customer.Consumer], in.present[customer.Intermediary] = true, true
	require.NoError(t, in.group([customer.Intermediary + 1][]churn.SpendGroup{customer.Consumer: cons, customer.Intermediary: deal},
		func(_ customer.Kind, err error) error { return err }))
	_, err := churn.FitGammaGamma(in.groups[customer.Consumer], nil)
	require.ErrorIs(t, err, churn.ErrBoundary, "the consumers' own fit is at the boundary")

	fits, err := fitSpend(&in)
	require.NoError(t, err)
	require.Len(t, fits.notes, 2)
	assert.Contains(t, fits.notes[0], "gammagamma for consumers p=")
	assert.Contains(t, fits.notes[0], "edge of the parameter space")
	assert.NotContains(t, strings.Join(fits.notes, "\n"), "all customers")
	z, err := fits.of(customer.Consumer).spend.ConditionalExpectedSpend(3, 40)
	require.NoError(t, err)
	assert.InDelta(t, 40, z, 0.5, "a consumer's expected spend is the consumers' mean")
}

// TestCLVUndefinedUnderTheSpendModel checks that a customer to whom the
// Gamma-Gamma fit gives no finite expected spend (q ≤ 1, no repeat
// purchase) gets no clv and no error, and the others get theirs.
func TestCLVUndefinedUnderTheSpendModel(t *testing.T) {
	tx := churn.BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	m := &fitted{spend: churn.GammaGamma{P: 0.81, Q: 0.84, V: 11100}}
	for _, tc := range []struct {
		o      churn.Observation
		z      float64
		wantOK bool
	}{
		{churn.Observation{Frequency: 0, Recency: 0, T: 30}, 0, false},
		{churn.Observation{Frequency: 0, Recency: 0, T: 0}, 0, false},
		// A repeat customer who kept no money: the shrinkage with z̄ = 0,
		// which px + q > 1 makes finite.
		{churn.Observation{Frequency: 2, Recency: 20, T: 30}, 0, true},
		{churn.Observation{Frequency: 2, Recency: 20, T: 30}, 800, true},
		{churn.Observation{Frequency: 0.0, Recency: 0, T: 30}, 800, false},
	} {
		dep, err := churn.DiscountedExpectedPurchases(tx, tc.o, 52, 0.002)
		if tc.o.T == 0 {
			dep, err = newDiscounted(tx, 52, 0.002)
		}
		require.NoError(t, err)
		v, why, err := customerCLV(m, tc.o, tc.z, dep)
		ok := why == clvOK
		require.NoError(t, err, "%+v", tc.o)
		assert.Equal(t, tc.wantOK, ok, "%+v z̄=%v", tc.o, tc.z)
		if ok {
			assert.True(t, v > 0 && finite(v), "clv %v", v)
		}
	}
	// Spending less never raises the clv.
	o := churn.Observation{Frequency: 2, Recency: 20, T: 30}
	dep, err := churn.DiscountedExpectedPurchases(tx, o, 52, 0.002)
	require.NoError(t, err)
	prev := 0.0
	for _, z := range []float64{-50, 0, 0.01, 800} {
		v, why, err := customerCLV(m, o, z, dep)
		require.NoError(t, err)
		require.Equal(t, clvOK, why)
		assert.GreaterOrEqual(t, v, prev, "z̄=%v", z)
		prev = v
	}
	assert.Equal(t, "crm: 1 customer has an empty clv: the Gamma-Gamma fit of their kind gives them no finite expected spend (it needs p·x + q > 1, x their repeat purchases)", noCLVNote(1, clvInfinite))
}

// When a kind falls back to the fit on all customers and that fit ends at
// the edge of the parameter space, its line says so, with the end each
// parameter runs to as the fit reports it: a shop whose consumers each
// spend the same on every purchase (10.00, 20.00, …) has p → ∞ and
// v → 0, whatever the currency unit — v is small in cents and large in
// dong, and the direction must not be read off its value.
func TestSpendModelPooledFitAtTheEdge(t *testing.T) {
	t.Parallel()
	for _, scale := range []string{"", "000000"} {
		var b strings.Builder
		b.WriteString("customer_id,date,amount,kind\n")
		for i := range 50 {
			for j := range 2 + i%5 {
				fmt.Fprintf(&b, "c%d,2024-%02d-%02d,%d%s.00,consumer\n", i, 1+j, 1+i%28, 10*(1+i%3), scale)
			}
		}
		for i := range 5 {
			for j := range 2 {
				fmt.Fprintf(&b, "d%d,2024-%02d-01,500%s.00,intermediary\n", i, 1+6*j, scale)
			}
		}
		r := crm(t, b.String(), "batch", "-in", "-", "-as-of", "2024-12-31")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Regexp(t, `gammagamma for intermediaries: .*they use the fit on all customers`, r.stderr, "scale %q", scale)
		assert.Regexp(t, `gammagamma for all customers p=.*edge of the parameter space, p → ∞, v → 0.*own mean`, r.stderr, "scale %q", scale)
	}
}

// When no kind has a Gamma-Gamma fit (here two repeat customers whose
// (frequency, mean spend) are the same: too little to fit), crm score
// -spend gammagamma writes its rows as crm batch does, with an empty clv
// and a note on stderr saying why, and exits 0; the other columns are
// those of the run without -spend.
func TestScoreWithoutASpendFit(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i := range 60 {
		fmt.Fprintf(&b, "c%d,2024-01-%02d,50.00\n", i, 1+i%28)
		if i < 2 {
			fmt.Fprintf(&b, "c%d,2024-03-%02d,60.00\nc%d,2024-05-%02d,70.00\n", i, 1+i, i, 1+i)
		}
	}
	data := b.String()
	args := []string{"score", "-model", "bgnbd", "-in", "-", "-calibration-end", "2024-12-31"}
	plain := crm(t, data, args...)
	require.Equal(t, 0, plain.code, plain.stderr)
	r := crm(t, data, append(args, "-spend", "gammagamma")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "fit gammagamma: insufficient data")
	assert.Contains(t, r.stderr, "the clv column is left empty")
	got, want := readCSVFile(t, r.stdout), readCSVFile(t, plain.stdout)
	require.Len(t, got, 61)
	require.Len(t, got, len(want))
	assert.Equal(t, append(want[0], "clv"), got[0])
	for i := 1; i < len(got); i++ {
		assert.Equal(t, append(want[i], ""), got[i], "row %d", i)
	}

	// The same with batch, for comparison: rows written, clv empty.
	bt := crm(t, data, "batch", "-in", "-", "-as-of", "2024-12-31")
	require.Equal(t, 0, bt.code, bt.stderr)
	assert.Contains(t, bt.stderr, "the clv column is left empty")

	// A failure of the transaction model is still an error.
	one := "customer_id,date,amount\nc1,2024-01-01,5\nc2,2024-01-02,6\n"
	r = crm(t, one, append(args, "-spend", "gammagamma")...)
	assert.Equal(t, exitError, r.code)
	assert.Empty(t, r.stdout)
}

// The transaction models take no amount: a mean repeat spend beyond what
// Gamma-Gamma takes (10¹⁵) does not stop crm fit of bgnbd or crm score
// without -spend, which write their results; the Gamma-Gamma fit, which
// reads the spends, is an error that names the customer.
func TestSpendOutOfRangeStopsOnlyTheSpendModel(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i := range 30 {
		for k := range 1 + i%4 {
			fmt.Fprintf(&b, "C%d,2024-%02d-%02d,%d.50\n", i, 1+k*3, 1+i%28, 10+i)
		}
	}
	b.WriteString("BIG,2024-01-05,3000000000000000\nBIG,2024-04-05,3000000000000000\n")
	data := b.String()
	for _, args := range [][]string{
		{"fit", "-model", "bgnbd", "-json"},
		{"fit", "-model", "paretonbd"},
		{"score", "-model", "bgnbd"},
	} {
		r := crm(t, data, append(args, "-in", "-", "-calibration-end", "2024-12-31")...)
		require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		assert.NotEmpty(t, r.stdout, args)
	}
	r := crm(t, data, "score", "-model", "bgnbd", "-in", "-", "-calibration-end", "2024-12-31")
	assert.Contains(t, r.stdout, "\nBIG,1,", "BIG is scored")
	r = crm(t, data, "fit", "-model", "gammagamma", "-in", "-", "-calibration-end", "2024-12-31")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, `customer "BIG"`)
	assert.Contains(t, r.stderr, "mean_spend 3e+15: must be at most 1e+15")
	// The customer is named as crm batch names it, without the position
	// of its entry in a list of the fit, which is no line or row of the
	// input.
	const named = `churn: customer "BIG": mean_spend 3e+15: must be at most 1e+15 in absolute value` + "\n"
	assert.Equal(t, "crm fit: "+named, lastLine(r.stderr))
	r = crm(t, data, "score", "-model", "bgnbd", "-spend", "gammagamma", "-in", "-", "-calibration-end", "2024-12-31")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Equal(t, "crm score: "+named, lastLine(r.stderr))
	r = crm(t, data, "batch", "-in", "-", "-as-of", "2024-12-31")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Equal(t, "crm batch: "+named, lastLine(r.stderr))
}

// lastLine returns the last line of s, with its newline.
func lastLine(s string) string {
	return s[strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n")+1:]
}
