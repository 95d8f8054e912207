// Package segment classifies customers (domain rules §3): the four value
// quadrants, RFM segments, lifecycle stages, the four shop types and the
// customer grades A, B and C, with a strategy playbook filtered by
// consent and the migration KPIs that show whether the strategies work.
//
// # One call
//
// [FitInputs] takes the whole population (summaries, with customer
// records when known), fits, and returns a [Model] and the customers'
// observations ([Observation]); [Model.Classify] then fills a [Result]
// per customer without allocating: current, potential and total value
// (with their breakdown), quadrant, R, F, M, the spend-per-purchase
// score, RFM segment, lifecycle stage, shop type and grade. Value
// models with custom indicators ([value.Model].Custom) take each
// customer's values of them from its input ([Input].Custom).
//
// # Quadrants
//
// A customer's current value is high when it is strictly above the
// threshold of its kind, likewise potential value (domain rules §3.1: above the
// average is high). The default threshold is the mean of the kind —
// consumers and intermediaries are valued by different models and never
// compared with each other; [Median] and [Fixed] are options.
// [Model.Thresholds] reports the thresholds used. A kind with no
// thresholds (no customer of it in the fit, or, for the mean and the
// median, in the second pass) places nobody: [Model.Classify] refuses
// its customers with an error wrapping [ErrNotFitted], and
// [Model.Quadrant] gives them the zero Quadrant; so does a Model that no
// fit made (the zero Model), for every customer. Scores lie on the
// [value.Unit] grid, so the mean is an exact sum divided once, and a
// score is compared with the exact mean, not with its rounding to a
// float64: anyone can recompute it from the printed values and find the
// same quadrants.
//
// Intermediaries of every role (dealers, franchisees, wholesalers,
// agents) are one kind and share its thresholds and grade cut-offs, as
// the domain rules have it: a wholesaler's volume then tends to place it
// high, an agent's low. To compare the intermediaries of one role only
// among themselves, fit a Model on that role's customers (their
// observations, or [FitInputs] of their inputs) and classify them with
// it; the value models and everything else stay as they are.
//
// # Grades
//
// The grades of domain rules §3.3 (004) — strategic, important and
// ordinary customers, also named A high-value, B potential and C
// ordinary — are one classification, [Grade]: by default the top 20% of
// each kind by total value are A, the next 30% B, the rest C, and a
// potential-value customer who is not A is B ([GradeOptions]). Equal
// total values get the same, better grade, so the grades depend neither
// on the order of the customers nor on the shards. In a degenerate
// population the two rules part ways: customers who are all alike (or a
// population of one) are all low-value, since none is above the mean,
// and all strategic, since they tie at the top; the playbook then holds
// the actions of both, and the population is too uniform to segment.
// [Model.GradeThresholds] reports the cuts used. Grading is asked for
// with [Options].Grades; without it Result.Grade is zero and the playbook
// has no grade action for the customer.
//
// # Fit, then apply, over shards
//
// Fitting takes two passes: [Stats] (value and RFM statistics per kind)
// gives a [Scoring]; its [ThresholdStats] (sums or exact samples of the
// scores, and the total values that the grades rank) give the [Model].
// Both merge across shards exactly, so a distributed fit equals the fit
// on the whole; [Stats] travel between machines in their binary encoding
// ([Stats.MarshalBinary]). [Fit] does both passes over a slice. The
// statistics hold a population observed at one as-of day ([Stats.AsOf]):
// a customer or a shard of another day is refused with a
// [value.AsOfMismatchError] naming both days. A fitted model classifies
// a customer of a later day against the population of the fit's day, as
// a shop classifies today's customer with last night's fit (Result.AsOf
// is the customer's day). [Migrate] compares the results of two
// populations, the earlier day first, each of the customers on file by
// its day.
//
// # Currencies
//
// The customers of one kind are compared in one currency. Customers
// billed in several (dealers in several countries) are fitted together
// with [Options].Currency and [Options].Rates, the caller's exchange
// rates of the as-of day ([ExchangeRates]): [ObserveWith] and [FitInputs] convert
// each customer's money indicators, net and credits into that currency,
// so the value scores, the RFM monetary score, the quadrants, the grades
// and the revenue of [Migrate] compare them as one population. Without
// the options a second currency in a kind is refused, and [Migrate]
// refuses results in two ([MixedCurrencyError]).
//
// # Lifecycle and shop types
//
// Lifecycle windows follow each customer's own purchase rhythm with
// floors and ceilings ([LifecycleOptions]); the rhythm is taken between
// shopping occasions, purchase days within a week of an occasion's first
// day counting as one ([ObserveWith]); [Scoring.LifecycleWindows] gives
// one customer's rhythm and windows, to explain its stage. The shop types
// follow documented rules ([ShopTypeOptions]).
//
// # Playbook
//
// [DefaultPlaybook] recommends actions per quadrant, shop type and
// lifecycle stage, filtered by the customer's consent ([Needs]): the
// consent gates actions, not the classification. Intermediaries have a
// playbook of their own ([Playbook].Intermediary), phrased for a trade
// partner, without the shop types' shopper actions. A customer at high or
// critical churn risk (package churn/risk; [Result].Risk, set with
// [RiskOf]) is contacted first to learn what is wrong, at critical risk
// also kept with an offer, or, when a complaint is behind the risk, with
// better service (domain rules §4); a risk not known, low or worth
// watching changes nothing.
//
// # Follow-up visits
//
// Every customer who bought is followed up (回访, 000 方案一 定期回访客户):
// a new customer about a week after the first purchase, an established
// one at each quarter end or every half year ([FollowUpPolicy]).
// [NextFollowUp] gives one customer's next follow-up as of a day — its
// due day, whether it is overdue, its reason and what it asks: a
// consumer how the clothes wear, an intermediary how the lines sell and
// what it holds in stock (003), and each its latest needs and opinions.
// [FollowUpFactsOf] reads the facts it needs from a summary, all but the
// last follow-up made, which the host keeps. The follow-up does not
// depend on the segments, and the playbook's lists are not dated:
// [FollowUp.Action] gives it as an [Action] to list beside
// [Playbook.Actions], filtered by consent as they are.
//
// # Plans and their targets
//
// A [Plan] sets targets for the KPIs of domain rules §3.4 ([KPI]), each
// from a baseline to a level (repurchase rate from 0.20 to 0.30) or by a
// growth (satisfaction +10%), as the plan of 000 does ([DefaultPlan]).
// [Plan.Progress] reviews it against [Measurements]: the rates of a
// [Migration], with their counts, and the caller's satisfaction index
// and sales; for each target the measured value, the share of the way
// from baseline to target and whether it is met, worked out in decimals.
// A KPI without a measurement is reported as not measured, never as 0.
// [PeriodSales] gives the net sales of a period from the results of its
// two ends.
//
// # Promotional contact
//
// VIP customers are contacted moderately, with care rather than frequent
// promotions (001). A [ContactPolicy] sets, per [ContactGroup] — VIP
// (the high-value quadrant or grade A) and the others — the least gap
// between two promotions and their cap per rolling window;
// [NextPromotion] says whether a customer may receive one on a day, and
// if not from which day. Service contact (follow-ups, complaint notices)
// is not limited.
package segment
