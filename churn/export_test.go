package churn

// PairShareAUC is pairShareAUC, for the tests of package churn_test.
var PairShareAUC = pairShareAUC
