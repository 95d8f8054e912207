// Package value scores what each customer is worth, now and later:
// customer value = current value + potential value, measured by an
// indicator hierarchy of up to four levels whose weights are given
// directly or derived by the analytic hierarchy process ([AHP]).
//
// # Indicators
//
// [Extract] reads one customer's measurable indicators ([Indicator]) from
// its [customer.Summary] and, for intermediaries, the facts of
// [customer.Trade], into a flat [Indicators] value: decimals are turned
// into float64 once, because scores are dimensionless numbers, not money.
//
// # Models
//
// A [Model] is a hierarchy value → current / potential → groups →
// indicators for one kind of customer. [DefaultModel] returns the default
// model of each kind (profit and purchase volume for current value; for end
// customers consumption characteristics, loyalty and growth; for
// intermediaries operating strength, creditworthiness, cooperation
// loyalty and regional market size). Each leaf's [Measure] says how its
// indicator is normalised to [0, 1]: clipped at fitted quantiles and
// outlier fences, log-transformed (money spans five orders of magnitude
// in wholesale data), then min–max, z-score or percentile rank, inverted
// when lower is better; an indicator already on an absolute [0, 1] scale
// (the credit rating) may instead be taken as it is ([Absolute]), the
// same in any population. A model is configuration and keeps as JSON
// ([encoding/json]: snake_case keys, enumerations by name), so that a
// caller can store its own model and load it again.
//
// A model may also declare custom indicators ([Model].Custom,
// [CustomIndicator]): what the caller measures outside the library,
// such as a survey score, a target-customer flag, a dealer's staff
// trained (numbers) or a credit bureau's limit (money, a
// [customer.Money]). Each is [Custom](k); its leaves take any [Measure]
// a built-in indicator's can ([Absolute] only for one declared on a
// unit scale, [CustomIndicator].UnitScale), the caller sets each
// customer's values after [Extract] ([Model.SetCustom] for a number,
// [Model.SetCustomAmount] for money in the customer's currency, which
// [Indicators.Convert] converts), and an unknown value falls back as a
// built-in one does. The statistics, their merging and encoding, and
// the scorer treat them as the built-in indicators; see
// [Model.SetCustom] for an example.
//
// # Fit, then apply
//
// [Stats] gathers the population statistics of a model customer by
// customer and merges across shards exactly;
// [Stats.Scorer] (or [Fit]) fits them into an immutable, goroutine-safe
// [Scorer], whose [Scorer.ScoreInto] scores one customer without
// allocating. A [Score] holds current, potential and total value and the
// contribution of every leaf; they add up exactly (see [Unit]).
// [RFMStats] and [RFMScorer] do the same for RFM scores and segments,
// and score the spend per purchase ([RFMScore].AOV) by the same exact
// quantiles. Sharded statistics can be compacted where they were gathered
// ([Stats.Compact]), so that merging them is a linear merge.
// Both statistics have a binary encoding ([Stats.MarshalBinary],
// [Stats.UnmarshalBinary]), so that shards gathered on other machines can
// be shipped and merged. They hold the customers of one currency and of
// one as-of day ([Indicators.AsOf]): a customer or a shard of another
// day is refused with an [AsOfMismatchError] naming both days. The
// scorers fitted on them record that day ([Scorer.AsOf]) and the
// currency: a customer of another currency is refused, one of a later
// day is scored against the population of the fit's day.
//
// Degenerate populations are defined, never NaN: an indicator on which
// every customer is equal (and so any population of one) scores 0.5,
// unless its measure is [Absolute]; an empty population is [ErrEmpty].
// Scoring is invariant under a permutation of the population and under
// multiplying every amount by the same positive constant.
package value
