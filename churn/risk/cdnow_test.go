package risk

import (
	"bufio"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// The CDNOW sample (see ../testdata/cdnow/README.md): 2,357 customers,
// calibration to 1997-09-30, 39-week holdout to 1998-06-30, and the
// reference BG/NBD P(alive) of lifetimes 0.11.3 per customer.
var (
	cdnowDir     = filepath.Join("..", "testdata", "cdnow")
	cdnowCalEnd  = time.Date(1997, 9, 30, 23, 59, 59, 0, time.UTC)
	cdnowHoldEnd = time.Date(1998, 6, 30, 23, 59, 59, 0, time.UTC)
)

type cdnowCustomer struct {
	cal, full customer.Summary
	pAlive    float64
	actual    int // reference holdout repeat transactions
}

func loadCDNOW(t testing.TB) []cdnowCustomer {
	t.Helper()
	f, err := os.Open(filepath.Join(cdnowDir, "CDNOW_sample.txt"))
	require.NoError(t, err)
	defer f.Close()
	cal := map[int]*customer.Summary{}
	full := map[int]*customer.Summary{}
	sc := bufio.NewScanner(f)
	row := 0
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		require.Len(t, fs, 5)
		id, err := strconv.Atoi(fs[1])
		require.NoError(t, err)
		day, err := time.Parse("20060102", fs[2])
		require.NoError(t, err)
		_, err = strconv.Atoi(fs[3]) // CDs bought: no returns in CDNOW, so units do not matter
		require.NoError(t, err)
		amount := decimal.RequireFromString(fs[4])
		cid := customer.ID(fs[1])
		if cal[id] == nil {
			cal[id] = customer.NewSummary(cid, customer.Consumer, cdnowCalEnd, nil)
			full[id] = customer.NewSummary(cid, customer.Consumer, cdnowHoldEnd, nil)
		}
		o := customer.Order{ID: strconv.Itoa(row), CustomerID: cid, Time: day.Add(12 * time.Hour),
			Channel: customer.Online, Currency: "USD",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: amount}}}
		require.NoError(t, cal[id].AddOrder(o))
		require.NoError(t, full[id].AddOrder(o))
		row++
	}
	require.NoError(t, sc.Err())

	rf, err := os.Open(filepath.Join(cdnowDir, "reference_bgnbd_sample.csv"))
	require.NoError(t, err)
	defer rf.Close()
	recs, err := csv.NewReader(rf).ReadAll()
	require.NoError(t, err)
	out := make([]cdnowCustomer, 0, len(recs)-1)
	for _, r := range recs[1:] {
		id, err := strconv.Atoi(r[0])
		require.NoError(t, err)
		p, err := strconv.ParseFloat(r[4], 64)
		require.NoError(t, err)
		a, err := strconv.ParseFloat(r[6], 64)
		require.NoError(t, err)
		require.NotNil(t, cal[id], "customer %d", id)
		out = append(out, cdnowCustomer{cal: *cal[id], full: *full[id], pAlive: p, actual: int(a)})
	}
	return out
}

// TestCDNOWHoldout fits the risk on half of the CDNOW customers (odd
// IDs) and measures it on the other half, against the label "no purchase
// in the 39-week holdout".
func TestCDNOWHoldout(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the CDNOW sample")
	}
	cs := loadCDNOW(t)
	require.Len(t, cs, 2357)
	var train, test []Example
	var pTest []float64
	for i, c := range cs {
		// the holdout count from the summaries equals the reference's
		n := HoldoutPurchases(c.full, cdnowCalEnd)
		require.Equal(t, c.actual, n, "customer %s", c.cal.CustomerID)
		ex, err := Label(Input{Summary: c.cal, PAlive: c.pAlive, HasPAlive: true}, n)
		require.NoError(t, err)
		if i%2 == 0 {
			train = append(train, ex)
		} else {
			test = append(test, ex)
			pTest = append(pTest, 1-c.pAlive)
		}
	}
	m, rep, err := Fit(train, nil)
	require.NoError(t, err)
	require.Equal(t, MethodFitted, rep.Method)
	ev, err := Evaluate(m, test)
	require.NoError(t, err)
	rules, err := Evaluate(mustRules(t), test)
	require.NoError(t, err)
	labels := make([]bool, len(test))
	for i := range test {
		labels[i] = test[i].Churned
	}
	pAUC, err := AUC(pTest, labels)
	require.NoError(t, err)

	t.Logf("train %d (%d churned), %d iterations, log-loss %.4f, prior gap %.1f days",
		rep.Examples, rep.Churned, rep.Iterations, rep.LogLoss, rep.PriorGap)
	for _, c := range rep.Coefficients {
		t.Logf("  %-22s %+.4f (centre %.4f, scale %.4f)", c.Feature, c.Weight, c.Center, c.Scale)
	}
	t.Logf("holdout %d (%d churned): fitted AUC %.4f Brier %.4f log-loss %.4f; rules AUC %.4f Brier %.4f; 1 − P(alive) alone AUC %.4f",
		ev.N, ev.Churned, ev.AUC, ev.Brier, ev.LogLoss, rules.AUC, rules.Brier, pAUC)

	// without P(alive): what the BTYD model adds
	strip := func(ex []Example) []Example {
		out := append([]Example(nil), ex...)
		for i := range out {
			out[i].Signals.HasPAlive = false
		}
		return out
	}
	m2, _, err := Fit(strip(train), nil)
	require.NoError(t, err)
	ev2, err := Evaluate(m2, strip(test))
	require.NoError(t, err)
	t.Logf("without P(alive): fitted AUC %.4f Brier %.4f", ev2.AUC, ev2.Brier)

	// The fitted risk ranks at least as well as P(alive) alone (it
	// contains it) and is better calibrated than the rules, which were
	// not fitted to this shop's base rate.
	assert.Greater(t, ev.AUC, 0.77)
	assert.Greater(t, ev.AUC, rules.AUC)
	assert.GreaterOrEqual(t, ev.AUC, pAUC-0.005)
	assert.Less(t, ev.Brier, rules.Brier)
	assert.Less(t, ev.Brier, 0.2)
}
