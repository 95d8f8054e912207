// Package churn fits and applies the "buy till you die" models of
// customer-base analysis in non-contractual settings: BG/NBD, Pareto/NBD,
// MBG/NBD and the Gamma-Gamma spend model.
package churn
