package churn_test

import (
	"errors"
	"fmt"

	"github.com/tailorcrm/tailor/churn"
)

// A small shop: weekly summaries of 12 customers, some of whom stopped buying.
var shop = []churn.Observation{
	{ID: "ana", Frequency: 6, Recency: 35, T: 38},
	{ID: "ben", Frequency: 2, Recency: 8, T: 38},
	{ID: "cai", Frequency: 0, Recency: 0, T: 38},
	{ID: "dan", Frequency: 4, Recency: 30, T: 36},
	{ID: "eva", Frequency: 1, Recency: 3, T: 36},
	{ID: "fei", Frequency: 0, Recency: 0, T: 35},
	{ID: "gus", Frequency: 9, Recency: 33, T: 34},
	{ID: "hua", Frequency: 3, Recency: 10, T: 33},
	{ID: "ivy", Frequency: 0, Recency: 0, T: 30},
	{ID: "jon", Frequency: 5, Recency: 28, T: 30},
	{ID: "kim", Frequency: 1, Recency: 20, T: 29},
	{ID: "lea", Frequency: 2, Recency: 4, T: 28},
}

func ExampleFitBGNBD() {
	groups, err := churn.GroupObservations(shop)
	if err != nil {
		fmt.Println(err)
		return
	}
	fit, err := churn.FitBGNBD(groups, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range fit.Params() {
		fmt.Printf("%s = %.3f\n", p.Name, p.Value)
	}
	fmt.Printf("loglik = %.3f, converged: %v\n", fit.LogLikelihood, fit.Converged)
	for _, o := range shop[:3] {
		s, _ := fit.Model.Score(o, 13)
		fmt.Printf("%s: P(alive) %.3f, next 13 weeks %.2f purchases\n", o.ID, s.PAlive, s.ExpectedPurchases)
	}
	// In BG/NBD a customer without repeat purchase (cai) is alive by
	// assumption; MBG/NBD and Pareto/NBD let such customers drop out.

	// Output:
	// r = 1.021
	// alpha = 8.038
	// a = 0.606
	// b = 3.094
	// loglik = -109.890, converged: true
	// ana: P(alive) 0.893, next 13 weeks 1.66 purchases
	// ben: P(alive) 0.218, next 13 weeks 0.18 purchases
	// cai: P(alive) 1.000, next 13 weeks 0.28 purchases
}

func ExampleBGNBD_PAlive() {
	// The parameters of Fader, Hardie & Lee (2005) for CDNOW (weeks).
	m := churn.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	for _, o := range []churn.Observation{
		{Frequency: 2, Recency: 30.43, T: 38.86}, // bought recently
		{Frequency: 2, Recency: 5, T: 38.86},     // silent for 34 weeks
	} {
		p, _ := m.PAlive(o)
		fmt.Printf("x=%v t_x=%v: P(alive) = %.3f\n", o.Frequency, o.Recency, p)
	}
	// Output:
	// x=2 t_x=30.43: P(alive) = 0.727
	// x=2 t_x=5: P(alive) = 0.124
}

func ExampleGroups_Merge() {
	a, _ := churn.GroupObservations(shop[:6])
	b, _ := churn.GroupObservations(shop[6:])
	if err := a.Merge(b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Customers(), "customers in", a.Len(), "groups")
	// Output:
	// 12 customers in 12 groups
}

func ExampleCLV() {
	m := churn.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	spend := churn.GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	o := churn.Observation{Frequency: 2, Recency: 30.43, T: 38.86}
	// 52 weeks, 0.2% discount per week; the customer's mean repeat spend is 22.35.
	v, err := churn.CLV(m, spend, o, 22.35, 52, 0.002)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("CLV over 52 weeks: %.2f\n", v)
	// Output:
	// CLV over 52 weeks: 36.61
}

func ExampleScoreAll() {
	m := churn.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.668}
	scores := make([]churn.Score, len(shop))
	if err := churn.ScoreAll(m, shop, 13, scores); err != nil {
		fmt.Println(err)
		return
	}
	for i, s := range scores[:4] {
		fmt.Printf("%s: P(alive) %.3f, next 13 weeks %.2f\n", shop[i].ID, s.PAlive, s.ExpectedPurchases)
	}
	// Output:
	// ana: P(alive) 0.954, next 13 weeks 1.56
	// ben: P(alive) 0.218, next 13 weeks 0.14
	// cai: P(alive) 0.300, next 13 weeks 0.04
	// dan: P(alive) 0.894, next 13 weeks 1.05
}

func ExampleGammaGamma_ConditionalExpectedSpend() {
	// Fader & Hardie (note 025) on CDNOW: p 6.25, q 3.74, γ 15.44.
	m := churn.GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	pop, _ := m.ExpectedSpend()
	fmt.Printf("population mean %.2f\n", pop)
	for _, c := range []struct{ x, zbar float64 }{{1, 100}, {10, 100}, {3, 10}} {
		z, _ := m.ConditionalExpectedSpend(c.x, c.zbar)
		fmt.Printf("x=%v, mean %v: expected %.2f\n", c.x, c.zbar, z)
	}
	// Output:
	// population mean 35.22
	// x=1, mean 100: expected 80.26
	// x=10, mean 100: expected 97.28
	// x=3, mean 10: expected 13.22
}

// A small sample may not identify the model: the fit says so with a
// *BoundaryError and still returns its best point, which is kept when
// [BoundaryError.Usable] reports true (see ExampleBoundaryError).
func ExampleFitGammaGamma() {
	groups, err := churn.GroupSpend([]churn.SpendObservation{
		{ID: "ana", Frequency: 6, MeanSpend: 148.5},
		{ID: "ben", Frequency: 2, MeanSpend: 30},
		{ID: "cai", Frequency: 0}, // no repeat purchase: excluded, counted
		{ID: "dan", Frequency: 4, MeanSpend: 61.25},
		{ID: "eva", Frequency: 1, MeanSpend: 12},
		{ID: "gus", Frequency: 9, MeanSpend: 19.9},
		{ID: "hua", Frequency: 3, MeanSpend: 25},
		{ID: "ivy", Frequency: 7, MeanSpend: 310},
		{ID: "jon", Frequency: 5, MeanSpend: 80},
		{ID: "kim", Frequency: 8, MeanSpend: 9.5},
		{ID: "lea", Frequency: 2, MeanSpend: 35.5},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fit, err := churn.FitGammaGamma(groups, nil)
	fmt.Println("used", fit.Customers, "excluded", fit.Excluded)
	var be *churn.BoundaryError
	switch {
	case errors.As(err, &be) && be.Usable():
		// The best finite point stands for the limit: keep it.
		fmt.Println("not identified:", be.Names, "(fit kept)")
	case err != nil:
		fmt.Println(err)
		return
	}
	z, err := fit.Model.ConditionalExpectedSpend(4, 61.25)
	if err != nil {
		fmt.Println(err)
		return
	}
	// In the limit p → ∞, γ → 0 a customer's spend does not vary from one
	// transaction to the next, so the customer's own mean is the estimate.
	fmt.Printf("dan: expected spend per transaction %.2f\n", z)
	// Output:
	// used 10 excluded 1
	// not identified: [p v] (fit kept)
	// dan: expected spend per transaction 61.25
}

// BG/BB counts opportunities: here the six yearly appeals of a charity
// after each supporter's first donation (Fader, Hardie & Shang 2010), as
// (donations, last appeal with one, appeals, supporters).
func ExampleFitBGBB() {
	groups, err := churn.GroupsOf([]churn.Group{
		{0, 0, 6, 3464}, {1, 1, 6, 1091}, {1, 2, 6, 277}, {1, 3, 6, 129}, {1, 4, 6, 78}, {1, 5, 6, 119},
		{1, 6, 6, 129}, {2, 2, 6, 613}, {2, 3, 6, 255}, {2, 4, 6, 155}, {2, 5, 6, 173}, {2, 6, 6, 234},
		{3, 3, 6, 322}, {3, 4, 6, 181}, {3, 5, 6, 225}, {3, 6, 6, 357}, {4, 4, 6, 240}, {4, 5, 6, 284},
		{4, 6, 6, 512}, {5, 5, 6, 335}, {5, 6, 6, 728}, {6, 6, 6, 1203},
	})
	if err != nil {
		panic(err)
	}
	fit, err := churn.FitBGBB(groups, nil)
	if err != nil {
		panic(err)
	}
	m := fit.Model
	fmt.Printf("alpha %.3f beta %.3f gamma %.3f delta %.3f, log-likelihood %.1f\n", m.Alpha, m.Beta, m.Gamma, m.Delta, fit.LogLikelihood)
	lapsed := churn.Observation{Frequency: 2, Recency: 4, T: 6}
	s, err := m.Score(lapsed, 5)
	if err != nil {
		panic(err)
	}
	fmt.Printf("gave twice, last in appeal 4: P(alive) %.2f, %.2f donations expected in the next 5 appeals\n", s.PAlive, s.ExpectedPurchases)
	// Output:
	// alpha 1.204 beta 0.750 gamma 0.657 delta 2.783, log-likelihood -33225.6
	// gave twice, last in appeal 4: P(alive) 0.63, 1.06 donations expected in the next 5 appeals
}

// DERT at the paper's weekly rate (15% a year: ln(1.15)/52 ≈ 0.0027),
// with the Pareto/NBD parameters of Fader, Hardie & Lee (2005) for CDNOW.
// Multiplied by a customer's expected spend per transaction
// (GammaGamma.ConditionalExpectedSpend), it is the expected residual
// lifetime value.
func ExampleParetoNBD_DERT() {
	m := churn.ParetoNBD{R: 0.553277, Alpha: 10.577732, S: 0.606209, Beta: 11.667659}
	const delta = 0.0027 // per week, as in the paper
	for _, o := range []churn.Observation{
		{ID: "recent", Frequency: 2, Recency: 30.43, T: 38.86},
		{ID: "one-off", Frequency: 0, Recency: 0, T: 38.86},
		{ID: "frequent", Frequency: 26, Recency: 30.86, T: 31},
	} {
		d, err := m.DERT(o, delta)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-8s DERT %.2f\n", o.ID, d)
	}
	// Output:
	// recent   DERT 6.48
	// one-off  DERT 0.48
	// frequent DERT 86.03
}
