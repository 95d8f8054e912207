// Package customer holds the validated facts that every other tailor
// package computes from: customers of two kinds (end consumers and
// intermediaries), their orders, returns and interactions, exact money in
// one currency per amount, and a mergeable per-customer [Summary].
//
// # Money
//
// Amounts are [github.com/shopspring/decimal.Decimal] values, never
// float64. [Money] pairs an amount with a [Currency]; adding two
// currencies returns a [*CurrencyMismatchError] instead of a silent sum.
//
// # Validation
//
// Validate methods report every bad field of a record at once, in a
// [*ValidationError] whose fields are sorted, so messages are
// deterministic. A rejected record changes nothing.
//
// # Summaries
//
// A [Summary] is built as of an instant from a customer's history, one
// record at a time, and keeps only what the analytic packages need. Two
// summaries of disjoint parts of one history merge into the summary of the
// whole, so the work can be split across shards.
package customer
