package churn_test

import (
	"errors"
	"fmt"

	"github.com/tailorcrm/tailor/churn"
)

// A shop open for eight months, weekly summaries: every customer with a
// repeat purchase bought in the last few weeks, so nobody is seen to
// drop out and the data cannot say how fast customers leave.
var youngShop = []churn.Observation{
	{ID: "ana", Frequency: 5, Recency: 30, T: 32},
	{ID: "ben", Frequency: 3, Recency: 27, T: 30},
	{ID: "cai", Frequency: 0, Recency: 0, T: 29},
	{ID: "dan", Frequency: 4, Recency: 26, T: 28},
	{ID: "eva", Frequency: 2, Recency: 22, T: 26},
	{ID: "fei", Frequency: 1, Recency: 12, T: 25},
	{ID: "gus", Frequency: 6, Recency: 23, T: 24},
	{ID: "hua", Frequency: 2, Recency: 19, T: 22},
	{ID: "ivy", Frequency: 0, Recency: 0, T: 20},
	{ID: "jon", Frequency: 3, Recency: 17, T: 18},
}

// A fit whose likelihood keeps rising towards the edge of the parameter
// space returns a *BoundaryError together with the fit at the best
// finite point. When [BoundaryError.Usable] reports true, that fit is the
// estimate to keep: its model scores customers like any other, standing
// for the limit (here: no dropout). Only other errors, or a boundary
// error that is not usable, mean there is no model. What to tell the
// user is which quantity the data cannot identify (Names, with the end
// each runs to in Limits) and what that means for the predictions
// (Meaning); the others stand.
func ExampleBoundaryError() {
	groups, err := churn.GroupObservations(youngShop)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, kind := range []churn.ModelKind{churn.ModelBGNBD, churn.ModelMBGNBD, churn.ModelParetoNBD} {
		fit, err := churn.FitTransactionModel(kind, groups, nil)
		var be *churn.BoundaryError
		switch {
		case errors.As(err, &be) && be.Usable():
			// Keep the fit; say what the data cannot tell.
			fmt.Printf("%s: %v run to %v, fit kept (loglik %.2f)\n", kind, be.Names, be.Limits, be.LogLikelihood)
			fmt.Printf("  meaning: %s\n", be.Meaning)
		case err != nil:
			fmt.Printf("%s: no model: %v\n", kind, err)
			continue
		default:
			fmt.Printf("%s: fitted\n", kind)
		}
		s, err := fit.Transactions().Score(youngShop[0], 13)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("  ana: P(alive) %.3f, next 13 weeks %.2f purchases\n", s.PAlive, s.ExpectedPurchases)
	}
	fmt.Println("Nobody has dropped out yet, so the dropout rate cannot be estimated:")
	fmt.Println("P(alive) is about 1 for everyone until customers lapse; the expected purchases stand.")
	// Output:
	// bgnbd: [a b] run to [0 +Inf], fit kept (loglik -84.99)
	//   meaning: nobody seems to leave: P(alive) is near 1 for every customer
	//   ana: P(alive) 1.000, next 13 weeks 1.59 purchases
	// mbgnbd: [a b] run to [0 +Inf], fit kept (loglik -84.99)
	//   meaning: nobody seems to leave: P(alive) is near 1 for every customer
	//   ana: P(alive) 1.000, next 13 weeks 1.59 purchases
	// paretonbd: [s beta] run to [0 +Inf], fit kept (loglik -84.99)
	//   meaning: nobody seems to leave: P(alive) is near 1 for every customer
	//   ana: P(alive) 1.000, next 13 weeks 1.59 purchases
	// Nobody has dropped out yet, so the dropout rate cannot be estimated:
	// P(alive) is about 1 for everyone until customers lapse; the expected purchases stand.
}
