package churn

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The CDNOW sample (Fader, Hardie & Lee 2005; brucehardie.com) as shipped by
// the lifetimes Python package; see testdata/cdnow/README.md.
const cdnowDir = "testdata/cdnow"

// readCSV reads a CSV file with a header into maps keyed by column name.
func readCSV(t testing.TB, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(cdnowDir, name))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(recs), 1)
	head := recs[0]
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(head))
		for i, h := range head {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, s)
	return v
}

// cdnowSummary reads cdnow_customers_summary.csv (2-decimal weeks).
func cdnowSummary(t testing.TB) []Observation {
	rows := readCSV(t, "cdnow_customers_summary.csv")
	obs := make([]Observation, len(rows))
	for i, r := range rows {
		obs[i] = Observation{ID: r["ID"], Frequency: num(t, r["frequency"]), Recency: num(t, r["recency"]), T: num(t, r["T"])}
	}
	return obs
}

// cdnowSpend reads cdnow_customers_summary_with_transactions.csv.
func cdnowSpend(t testing.TB) []SpendObservation {
	rows := readCSV(t, "cdnow_customers_summary_with_transactions.csv")
	obs := make([]SpendObservation, len(rows))
	for i, r := range rows {
		obs[i] = SpendObservation{ID: r["ID"], Frequency: num(t, r["x"]), MeanSpend: num(t, r["zbar"])}
	}
	return obs
}

type referenceRow struct {
	obs                      Observation
	pAlive, expected, actual float64
}

func cdnowReference(t testing.TB) []referenceRow {
	rows := readCSV(t, "reference_bgnbd_sample.csv")
	out := make([]referenceRow, len(rows))
	for i, r := range rows {
		out[i] = referenceRow{
			obs:      Observation{ID: r["customer_id"], Frequency: num(t, r["frequency"]), Recency: num(t, r["recency"]), T: num(t, r["T"])},
			pAlive:   num(t, r["p_alive"]),
			expected: num(t, r["expected_holdout"]),
			actual:   num(t, r["actual_holdout"]),
		}
	}
	return out
}

type cdnowTx struct {
	id     string
	day    time.Time
	amount float64
}

// cdnowTransactions parses CDNOW_sample.txt: whitespace-separated
// master_id, customer_id, YYYYMMDD, quantity, amount; CRLF line ends.
func cdnowTransactions(t testing.TB) []cdnowTx {
	t.Helper()
	f, err := os.Open(filepath.Join(cdnowDir, "CDNOW_sample.txt"))
	require.NoError(t, err)
	defer f.Close()
	var out []cdnowTx
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		require.Len(t, fs, 5, "line %d", line)
		d, err := time.Parse("20060102", fs[2])
		require.NoError(t, err, "line %d", line)
		out = append(out, cdnowTx{id: fs[1], day: d, amount: num(t, fs[4])})
	}
	require.NoError(t, sc.Err())
	return out
}

type holdoutCase struct {
	cal     []Observation
	actual  []float64 // repeat transactions (distinct days) in the holdout
	spend   []SpendObservation
	horizon float64 // weeks
}

// cdnowExactWeeks applies the README protocol: calibration ends 1997-09-30,
// same-day rows are one transaction, time in days/7 from the first purchase.
func cdnowExactWeeks(t testing.TB) holdoutCase {
	txs := cdnowTransactions(t)
	calEnd := time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	obsEnd := time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
	type cust struct {
		days  map[time.Time]float64
		order []time.Time
	}
	byID := map[string]*cust{}
	var ids []string
	for _, tx := range txs {
		c := byID[tx.id]
		if c == nil {
			c = &cust{days: map[time.Time]float64{}}
			byID[tx.id] = c
			ids = append(ids, tx.id)
		}
		if _, ok := c.days[tx.day]; !ok {
			c.order = append(c.order, tx.day)
		}
		c.days[tx.day] += tx.amount
	}
	slices.Sort(ids)
	weeks := func(a, b time.Time) float64 { return float64(int(b.Sub(a).Hours()/24+0.5)) / 7 }
	var hc holdoutCase
	hc.horizon = weeks(calEnd, obsEnd)
	for _, id := range ids {
		c := byID[id]
		slices.SortFunc(c.order, func(a, b time.Time) int { return a.Compare(b) })
		first := c.order[0]
		if first.After(calEnd) {
			continue
		}
		var x, hold, spend float64
		last := first
		for _, d := range c.order[1:] {
			if d.After(calEnd) {
				if !d.After(obsEnd) {
					hold++
				}
				continue
			}
			x++
			last = d
			spend += c.days[d]
		}
		mean := 0.0
		if x > 0 {
			mean = spend / x
		}
		hc.cal = append(hc.cal, Observation{ID: id, Frequency: x, Recency: weeks(first, last), T: weeks(first, calEnd)})
		hc.actual = append(hc.actual, hold)
		hc.spend = append(hc.spend, SpendObservation{ID: id, Frequency: x, MeanSpend: mean})
	}
	return hc
}

func groupsOf(t testing.TB, obs []Observation) *Groups {
	g, err := GroupObservations(obs)
	require.NoError(t, err)
	return g
}

// closeTo asserts |got − want| ≤ tol·max(1, |want|) (abs-or-rel tolerance).
func closeTo(t testing.TB, want, got, tol float64, msgAndArgs ...any) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		require.Failf(t, "not close", "want %.10g, got %.10g (tol %g) %s", want, got, tol, fmt.Sprint(msgAndArgs...))
	}
}

// relClose asserts |got − want| ≤ tol·|want|.
func relClose(t testing.TB, want, got, tol float64, msgAndArgs ...any) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Abs(want)) {
		require.Failf(t, "not close", "want %.10g, got %.10g (rel tol %g) %s", want, got, tol, fmt.Sprint(msgAndArgs...))
	}
}

func TestCDNOWExactWeeksProtocol(t *testing.T) {
	hc := cdnowExactWeeks(t)
	require.Len(t, hc.cal, 2357)
	closeTo(t, 39, hc.horizon, 1e-12)
	total := 0.0
	for _, a := range hc.actual {
		total += a
	}
	closeTo(t, 1882, total, 0)
	// Matches the 2-decimal summary up to rounding and the reference file exactly.
	sum := cdnowSummary(t)
	ref := cdnowReference(t)
	for i, o := range hc.cal {
		require.Equal(t, sum[i].ID, strings.TrimLeft(o.ID, "0"))
		require.Equal(t, sum[i].Frequency, o.Frequency)
		require.InDelta(t, sum[i].Recency, o.Recency, 0.0051)
		require.InDelta(t, sum[i].T, o.T, 0.0051)
		require.InDelta(t, ref[i].obs.Recency, o.Recency, 1e-12)
		require.InDelta(t, ref[i].obs.T, o.T, 1e-12)
		require.Equal(t, ref[i].actual, hc.actual[i])
	}
}
