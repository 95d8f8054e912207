// Package churn fits and applies the "buy till you die" models of
// customer-base analysis for non-contractual settings such as clothing
// retail, where customers leave without telling anyone: BG/NBD, Pareto/NBD,
// MBG/NBD for the number of transactions, BG/BB for transactions at
// discrete opportunities, and the Gamma-Gamma model for the spend per
// transaction. It imports no other tailor package.
//
// # Input
//
// Each customer is summarised by an [Observation] (x, t_x, T): x repeat
// transactions (purchase periods after the first), the time t_x of the last
// one and the time T since the first purchase, all measured from the first
// purchase and in one time unit of the caller's choice (days, weeks). Same-day
// purchases count as one transaction, the convention of the BTYD
// literature. BG/NBD, MBG/NBD and Pareto/NBD model purchases in continuous
// time, so on daily data a customer who now and then buys twice a day is
// undercounted, and r and α come out a little high: on BG/NBD data
// simulated with CDNOW's weekly parameters (r 0.24, α 4.4, a 0.79, b
// 2.4; 5,000 customers, first purchases over 12 weeks, 20 draws), where
// 1.3% of repeat purchases fall on a day already taken, the mean fit had
// r 0.251 and α 4.85, a bias the standard errors do not include (the
// same draws in finer time gave 0.244 and 4.48). BG/BB,
// whose opportunities are the days themselves, has no such bias. A day is
// a calendar day in the location of the instant it is read from:
// customer.Summary.BTYD counts
// days with customer.DateOf, in the zone of each record's time and of the
// summary's AsOf, so one instant given in UTC and in Asia/Shanghai can
// end on different days and give T one day apart; build all triples of a
// fit from AsOf values in one location. [GroupObservations] validates
// (refusing a customer ID given twice, and a repeat purchase at t_x = 0)
// and groups identical triples ([Groups]); the likelihoods are count-weighted
// sums over groups, so a fit costs time in proportion to the distinct
// triples. Groups are mergeable ([Groups.Merge]): shards grouped on several
// workers merge into the groups of the union, and the fit of the merged
// groups is the fit of the whole population. [SpendGroups] does the same
// for the Gamma-Gamma input and counts the customers it must exclude.
//
// # Models and formulas
//
// Transaction rate while active: λ ~ Gamma(r, α) (α in time units). Dropout:
//
//   - BG/NBD (Fader, Hardie & Lee 2005, Marketing Science 24(2)): after each
//     repeat purchase, p ~ Beta(a, b). Likelihood (eq. 6)
//     L = B(a,b+x)/B(a,b)·Γ(r+x)α^r/(Γ(r)(α+T)^{r+x}) + 1{x>0}·B(a+1,b+x−1)/B(a,b)·Γ(r+x)α^r/(Γ(r)(α+t_x)^{r+x});
//     P(alive) = 1/(1 + 1{x>0}·a/(b+x−1)·((α+T)/(α+t_x))^{r+x}) (note 021).
//     A customer drops out only after a repeat purchase, so one who bought
//     once (x = 0) has P(alive) = 1 however long ago that was, a known
//     property of the model (Fader, Hardie & Lee 2005; the reason for
//     MBG/NBD, Batislam, Denizel & Filiztekin 2007): a one-time buyer of
//     years ago counts as a live customer, and, where purchase rates vary
//     little between customers (large r and α), is expected to buy as
//     much as a new one, and can get the highest CLV of the shop. Where
//     many customers buy once, use MBG/NBD or Pareto/NBD.
//   - MBG/NBD (Batislam, Denizel & Filiztekin 2007): as BG/NBD but dropout is
//     also possible right after the first purchase (b+x → b+x+1, no 1{x>0}).
//   - Pareto/NBD (Schmittlein, Morrison & Colombo 1987): exponential lifetime
//     with μ ~ Gamma(s, β). The likelihood (Fader & Hardie 2005, note 009)
//     involves ₂F₁(r+s+x, ·; r+s+x+1; z), evaluated in log space by the
//     positive series of its Euler transformation (A&S 15.3.3), whose terms
//     fall at least as fast as z^k and, for large x, much faster. Where that
//     series is slow (z near 1 with few purchases, or a large s), the
//     likelihood term it belongs to is integrated directly,
//     ∫_{t_x}^T (α+τ)^{−(r+x)}(β+τ)^{−(s+1)} dτ (the customer dies between
//     the last purchase and T), by Gauss–Legendre quadrature, with the
//     derivatives under the integral sign for an analytic gradient. The
//     likelihood is assembled as −r ln(1+T/α) − x ln(α+T) − s ln(1+T/β)
//     plus ln(1 + e^D), D the log-odds of having died by T, with the
//     logarithms of nearly equal quantities taken as ln(1 + difference/…):
//     where a fit runs s and β (or r and α) towards 1e10, the terms
//     s ln β and s ln(β+T) of the published form would each be 1e11 and
//     their difference lose the digits that decide the fit.
//   - BG/BB (Fader, Hardie & Shang 2010, Marketing Science 29(6)): time is
//     a sequence of transaction opportunities (one a day, a week, a yearly
//     appeal); an active customer buys at each with probability
//     p ~ Beta(α, β) and drops out before each with θ ~ Beta(γ, δ). The
//     triple counts opportunities: x of the n after the first purchase had
//     one, the last being t_x. Likelihood (eq. 5)
//     L = B(α+x,β+n−x)/B(α,β)·B(γ,δ+n)/B(γ,δ) + Σ_{i=0}^{n−t_x−1} B(α+x,β+t_x−x+i)/B(α,β)·B(γ+1,δ+t_x+i)/B(γ,δ),
//     the sum by a recurrence of its ratios; see [BGBB].
//   - Gamma-Gamma (Fader, Hardie & Lee 2005, JMR 42(4); Fader & Hardie note
//     025): transaction values ~ Gamma(p, ν), ν ~ Gamma(q, γ); the fit uses the
//     density of the mean repeat spend z̄, the prediction is
//     E[Z | x, z̄] = p(γ + x z̄)/(px + q − 1).
//
// The expectations E[X(t)] and E[Y(t) | x, t_x, T] of BG/NBD and MBG/NBD
// contain (…)/(a−1)·[1 − (1−z)^{c}·₂F₁(…; z)]. The package applies Euler's
// transformation ₂F₁(a1,b1;c1;z) = (1−z)^{c1−a1−b1}₂F₁(c1−a1, c1−b1; c1; z)
// (Abramowitz & Stegun 15.3.3), after which the bracket is
// (1 − (1−z)^{a−1}·₂F₁(A, a−1; C; z))/(a−1): the factor a−1 cancels
// analytically, so a = 1 is no singularity, and the powers of (1−z) that
// overflow for large x cancel too. That series is used where it is well
// conditioned and w = z/(1−z) ≤ 1e3 (ordinary fits and horizons); for
// large a (its terms grow like (1−z)^{−(a−1)}: fits on long histories
// where dropout is rare give a and b in the millions), a result much
// smaller than (a+b−1)/(a−1) or a longer horizon, the bracket is
// evaluated from the model's definition E[(1 − (1+p·w)^{−r})/p],
// p ~ Beta(a, b): as a series of positive terms (the negative binomial
// probabilities of the purchase count times the survival sums
// Σ_{j<m} (b)_j/(a+b)_j) or by the trapezoidal rule in the log-odds of p,
// whichever is cheaper (the series up to 1e4 terms, beyond which the
// rounding of its weights grows). For small a or b and long horizons,
// where the series needs of the order of r·w terms and the density's
// tails e^{a·y}, e^{−b·y} in the log-odds y are 1/a and 1/b long, the
// limits of the integrand at p → 0 and p → 1 are integrated in closed
// form and only the rest, which falls off within a few units, by the
// trapezoidal rule. These methods take w itself, not z, which rounds to
// 1 once w passes 2^53. They agree with a math/big evaluation of the
// published formulas to about 1e-12, and with 50-digit mpmath values to
// 2e-11 for a, b down to 1e-5 and w up to 1e17. Each method's doc comment
// gives its formula and source.
//
// Far horizons have defined limits. Where w = t/α itself is beyond the
// float range (α below about 1e-299 of t), and where the series and
// quadratures fail above w = 1e300, the bracket is taken from ln w by
// Gauss's connection formula for ₂F₁ at z → 1 (Abramowitz & Stegun
// 15.3.6), whose neglected terms are 1/w times smaller: E[X(t)] of BG/NBD
// tends to (a+b−1)/(a−1) for a > 1 (MBG/NBD's to b/(a−1)), and grows
// like w^{1−a} for a < 1 and like b·(ln w + ψ(r) − ψ(b)) at a = 1. A
// value beyond the float range, or one whose terms cancel beyond
// resolution (r below about 1/ln w with a near 1 or 1+r), is
// [ErrNumerical], never +Inf or a silent 0. Pareto/NBD's expectations,
// P(X = x), P(alive) and DERT at a tiny α or β (down to subnormal
// values) are taken through their logarithms, and P(alive) of a customer
// all but surely gone is its tiny value, not a silent 0 (see
// [ParetoNBD.ExpectedPurchases] and [ParetoNBD.PAlive]).
//
// # Fitting
//
// [FitBGNBD], [FitMBGNBD], [FitParetoNBD], [FitBGBB] and [FitGammaGamma]
// (or [FitTransactionModel], which fits the transaction model a
// [ModelKind] names) maximise the likelihood over the logarithms of the parameters (which
// keeps them positive) with BFGS, analytic gradients for all five models, a
// backtracking line search, and a few Newton steps on the finite-difference
// Hessian of the gradient at the end (the likelihood's rounding noise hides
// the last digits from a line search, the gradient does not). Standard
// errors come from the inverse observed information at the optimum. The
// log-likelihoods are full (no constant dropped); on the CDNOW sample
// (weekly, calibration to 1997-09-30; testdata/cdnow/README.md) they are
// −9582.4292 (BG/NBD) and −9594.9762 (Pareto/NBD), as published to one
// decimal (Fader, Hardie & Lee 2005) and as in CLVTools; −4055.9177
// (Gamma-Gamma), as in CLVTools; and −9582.1357 (MBG/NBD), as in
// lifetimes.
//
// Errors are typed: [ErrInsufficientData] (nobody repeats), [*ConvergenceError]
// (iteration budget, with the last log-likelihood, gradient norm and
// parameters), [*BoundaryError] (a parameter runs to 0 or ∞, e.g. no
// dropout: β → ∞ for Pareto/NBD, a → 0 for BG/NBD and MBG/NBD; the fit
// holds the best finite point), [*InputError] (names the customer index,
// ID and every bad field). No parameter, score or prediction is ever NaN
// or Inf (the +Inf of a BoundaryError's Limits names an end, not a
// value).
//
// A *BoundaryError is not a failure to fit: on small or young customer
// bases (a few dozen customers, nobody lapsed yet) it is a common outcome.
// The fit returned with it is filled in, and when [BoundaryError.Usable]
// reports true (finite log-likelihood, every parameter finite and
// positive) its model is usable: it scores customers like any fitted
// model and stands for the limit the likelihood runs to. Test for it with
// errors.As(err, &be) && be.Usable() before treating err as fatal, and
// tell the user which parameters the data cannot identify (be.Names),
// the end each runs to (be.Limits: 0 or +Inf, judged for a time scale
// against the data, so the verdict is the same in days or weeks) and,
// where the model states it, what that limit means for the predictions
// (be.Meaning); see the example of [BoundaryError].
//
// # Applying a model
//
// The fitted models implement [TransactionModel]; [ScoreAll] scores many
// customers on all cores (a panic of the caller's model on one of them
// reaches the caller's goroutine); [CLV] combines a transaction
// model with the Gamma-Gamma spend model; [ParetoNBD.DERT] is the
// continuously discounted expected residual transactions of Fader, Hardie
// & Lee (2005, "RFM and CLV") over the whole remaining lifetime;
// [EvaluateHoldout] compares predictions with a holdout period (MAE, RMSE,
// by-frequency means, AUC and Brier score of P(alive) as a churn
// classifier), and [HoldoutAccumulator] computes the same check of
// customers added in parts, keeping 8 bytes per customer (and 16 per
// customer of the largest part, to score the next parts into).
package churn
