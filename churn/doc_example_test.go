package churn_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/churn"
)

// From transactions to predictions on the CDNOW sample (Fader, Hardie &
// Lee 2005): purchases of one customer on one day are one transaction,
// times are exact weeks from each customer's first purchase, the
// calibration period ends on 30 September 1997. BG/NBD and Gamma-Gamma
// reproduce the published estimates and log-likelihoods, and the fitted
// models give P(alive), the purchases expected in the 39 weeks after the
// calibration period and a customer's lifetime value. A customer who
// bought once, at the start, is alive for sure under BG/NBD, not under
// MBG/NBD.
func Example() {
	f, err := os.Open("testdata/cdnow/CDNOW_sample.txt")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	end := time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	type day struct {
		id   string
		date time.Time
	}
	spend := map[day]float64{}
	var order []string
	days := map[string][]time.Time{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text()) // master id, sample id, YYYYMMDD, CDs, dollars
		date, err := time.Parse("20060102", fields[2])
		if err != nil {
			panic(err)
		}
		amount, err := strconv.ParseFloat(fields[4], 64)
		if err != nil {
			panic(err)
		}
		id := fields[1]
		if _, seen := days[id]; !seen {
			order = append(order, id)
			days[id] = nil
		}
		if date.After(end) {
			continue
		}
		k := day{id, date}
		if _, ok := spend[k]; !ok {
			days[id] = append(days[id], date)
		}
		spend[k] += amount
	}
	if err := sc.Err(); err != nil {
		panic(err)
	}

	weeks := func(d time.Duration) float64 { return d.Hours() / 24 / 7 }
	var obs []churn.Observation
	var spends []churn.SpendObservation
	for _, id := range order {
		ds := days[id] // in date order: the file is sorted by customer and date
		o := churn.Observation{ID: id, Frequency: float64(len(ds) - 1),
			Recency: weeks(ds[len(ds)-1].Sub(ds[0])), T: weeks(end.Sub(ds[0]))}
		obs = append(obs, o)
		mean := 0.0
		for _, d := range ds[1:] {
			mean += spend[day{id, d}] / o.Frequency
		}
		spends = append(spends, churn.SpendObservation{ID: id, Frequency: o.Frequency, MeanSpend: mean})
	}

	groups, err := churn.GroupObservations(obs)
	if err != nil {
		panic(err)
	}
	bg, err := churn.FitBGNBD(groups, nil)
	if err != nil {
		panic(err)
	}
	m := bg.Model
	fmt.Printf("BG/NBD on %d customers: r %.4f, α %.4f, a %.4f, b %.4f, LL %.4f\n", bg.Customers, m.R, m.Alpha, m.A, m.B, bg.LogLikelihood)

	sg, err := churn.GroupSpend(spends)
	if err != nil {
		panic(err)
	}
	gg, err := churn.FitGammaGamma(sg, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Gamma-Gamma on %d repeat customers (%d excluded): p %.4f, q %.4f, γ %.4f, LL %.4f\n",
		gg.Customers, gg.Excluded, gg.Model.P, gg.Model.Q, gg.Model.V, gg.LogLikelihood)

	first := obs[0]
	s, err := m.Score(first, 39)
	if err != nil {
		panic(err)
	}
	// 0.27% a week, about 15% a year: (1.15)^(1/52) − 1 ≈ 0.0027.
	clv, err := churn.CLV(m, gg.Model, first, spends[0].MeanSpend, 52, 0.0027)
	if err != nil {
		panic(err)
	}
	fmt.Printf("customer %s (x %.0f, t_x %.2f, T %.2f): P(alive) %.4f, %.4f purchases expected in 39 weeks, CLV over 52 weeks %.2f\n",
		first.ID, first.Frequency, first.Recency, first.T, s.PAlive, s.ExpectedPurchases, clv)

	// BG/NBD lets a customer leave only after a repeat purchase: one who
	// bought once, long ago, is alive for sure. MBG/NBD lets them leave.
	var once churn.Observation
	for _, o := range obs {
		if o.Frequency == 0 && o.T > once.T {
			once = o
		}
	}
	mbg, err := churn.FitMBGNBD(groups, nil)
	if err != nil {
		panic(err)
	}
	pBG, err := m.PAlive(once)
	if err != nil {
		panic(err)
	}
	pMBG, err := mbg.Model.PAlive(once)
	if err != nil {
		panic(err)
	}
	fmt.Printf("customer %s (bought once, %.2f weeks ago): P(alive) %.4f under BG/NBD, %.4f under MBG/NBD\n", once.ID, once.T, pBG, pMBG)
	// Output:
	// BG/NBD on 2357 customers: r 0.2426, α 4.4136, a 0.7929, b 2.4259, LL -9582.4292
	// Gamma-Gamma on 946 repeat customers (1411 excluded): p 6.2496, q 3.7442, γ 15.4435, LL -4055.9177
	// customer 0001 (x 2, t_x 30.43, T 38.86): P(alive) 0.7266, 1.2260 purchases expected in 39 weeks, CLV over 52 weeks 35.99
	// customer 0003 (bought once, 38.86 weeks ago): P(alive) 1.0000 under BG/NBD, 0.3897 under MBG/NBD
}
