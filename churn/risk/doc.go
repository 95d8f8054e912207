// Package risk computes a complaint-aware churn risk for every customer:
// a probability in [0, 1] that the customer makes no purchase in the
// coming window, an early-warning [Band], and the reasons in words, each
// quoting the customer's own numbers ("no purchase for 214 days where
// this customer's usual gap is 60 days"; "2 complaints in 90 days, 1
// unresolved").
//
// The risk combines, as the [Feature] list documents with formulas: the
// buy-till-you-die P(alive) (computed by the caller with the churn
// package's models, or through [AliveModel], which [AliveOf] makes of
// them), recency measured against the customer's own rhythm, the number
// of purchase days, the year-on-year trend of purchase days and spend (a
// customer with no purchase day in the last two years counts as a full
// decline of purchase days, and of spend unless later shipments of an
// older order bring some into those years, so that the risk of a lapsed
// customer does not fall as time passes; in the customer's second year,
// when the year before is only partly the customer's history, its rest is
// filled with the rhythm of the last 12 months, so that neither the first
// nor the second anniversary of the first purchase moves the risk of a
// customer whose behaviour did not change), the return rate, and the
// complaint signals of [customer.ComplaintSignals] — recent, unresolved
// and SLA-breaching complaints, their severity and recency, complaints
// handled to the customer's dissatisfaction and complaints escalated by
// hand — taken through
// [ComplaintSource], so the complaint package can feed it (the signals
// of complaint.Signals through [ComplaintsAsOf]).
//
// # Which call
//
// One customer: build an [Input] (its [customer.Summary], its complaint
// signals and, when known, its P(alive)) and call [Model.Score] on the
// rule-based model of [Rules] or on a fitted one. A population:
// [Collect] builds the Inputs from the summaries, a [ComplaintSource]
// (the map of complaint.Signals through [ComplaintsAsOf]) and an
// [AliveModel] ([AliveOf] of a fitted churn model), and
// [Model.ScoreAll] scores them. A customer who never bought has no risk:
// Collect keeps such customers and Model.Score and Model.ScoreAll refuse
// them ([ErrNoPurchase]), so leave them out of the population
// (Summary.PurchaseDays() == 0). Each [Result] holds the risk, its
// [Band], the [Method] and the reasons ([Reason]).
//
// # Days and zones
//
// The counts of days (days since the last purchase, gaps, the two
// 12-month windows, T of the P(alive) triple, the age in days of the last
// complaint) are between calendar days as [customer.DateOf] gives them:
// an instant falls on its day in its own location, so the same as-of
// instant in UTC and in Asia/Shanghai can fall on different days and
// change the risk; summarise all customers as of one instant in one
// location. The complaint window is a duration and does not depend on
// the location.
//
// # Fit, then apply
//
// [Fit] learns a logistic regression with an L2 penalty from labelled
// history: customers' [Signals] at the end of a calibration period and
// whether they bought in the holdout window after it ([Label],
// [HoldoutPurchases]). Features are standardised by population
// statistics that merge across shards ([Standardizer], [Moments]) and
// move between workers as JSON ([Standardizer.MarshalJSON]); given to
// [Fit] ([Options].Standardizer), a standardizer brings its prior gap, and
// an [Options].PriorGap that differs from it is an [*OptionError]. A
// fitted model is stored as JSON too ([Model.MarshalJSON]). [Evaluate]
// reports the holdout AUC (ranked by the log-odds, so that risks that
// round to 0 or 1 still rank), Brier score, log-loss, and the calibration
// of the risks: their mean against the churn rate, overall and by band.
// A fitted weight can come out against its warning sign (more of it,
// lower risk); [FitReport].AgainstSign names such features, and no
// reason quotes them. When
// there are too few labelled customers, or only one class, [Fit] returns
// the documented rule-based model instead ([Rules], [DefaultRules]) and
// says so: every [Result] carries the [Method] that produced it.
//
// # Explain every number
//
// A [Result] carries each feature's contribution to the log-odds
// (coefficient × standardised feature) and the largest positive ones as
// reasons ([Reason]), deterministic for the same input: a reason quotes
// only features that raised the risk.
//
// # Errors
//
// Bad input — a NaN P(alive) or one outside [0, 1], negative counts,
// counts of purchase days that contradict the recency or each other
// (hand-filled [Signals]; see [Signals.Validate]), inconsistent complaint
// signals, a customer without a purchase, a summary without an as-of
// instant — is an
// [*InputError] naming the customer and every bad field; it matches
// [customer.ErrInvalid], and for a customer without a purchase
// [ErrNoPurchase] too. No NaN or Inf is ever returned.
package risk
