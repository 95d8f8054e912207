// Package tailor is an embeddable library for the customer-relationship
// logic of clothing retail: it turns a brand's customers, purchases,
// returns and complaints into value scores, segments, churn risk, a
// complaint workflow and a loyalty programme.
//
// ERP systems and e-shop backends import it. It never opens a file, a
// socket or a database, never reads the clock, and never keeps global
// state: time is a parameter, storage is an interface the caller
// implements, and the same input always gives the same output.
//
// # Packages
//
//   - [github.com/tailorcrm/tailor/customer]: the validated facts —
//     customers (end consumers and intermediaries such as dealers and
//     franchisees) with their households and the evidence of their
//     consent, orders, returns, credits, interactions, exact decimal
//     money ([github.com/shopspring/decimal]) in one currency per amount —
//     and a mergeable per-customer Summary.
//   - [github.com/tailorcrm/tailor/value]: what a customer is worth, now
//     (current value) and later (potential value), from a weighted
//     indicator hierarchy with AHP weights (a model keeps as JSON; a
//     credit rating is scored on its own scale); RFM scores and segments.
//   - [github.com/tailorcrm/tailor/segment]: the four value quadrants
//     (current × potential against the mean of the customer's kind),
//     lifecycle stages, the four shop types, the customer grades A, B and
//     C (strategic, important, ordinary), strategy playbooks, and the
//     migration between periods.
//   - [github.com/tailorcrm/tailor/churn]: buy-till-you-die models
//     (BG/NBD, Pareto/NBD, MBG/NBD, BG/BB, Gamma-Gamma), customer lifetime
//     value and holdout evaluation, with defined values at far horizons.
//   - [github.com/tailorcrm/tailor/churn/risk]: a complaint-aware churn
//     risk per customer, with an early-warning band and its reasons.
//   - [github.com/tailorcrm/tailor/complaint]: the complaint-handling
//     workflow as a typed state machine with an audit trail and SLAs; the
//     notices that keep the complainant informed; the money a case pays,
//     as customer credits, and the goods a refund takes back, as the
//     customer returns the history accepts.
//   - [github.com/tailorcrm/tailor/loyalty]: points ledger, tiers and
//     members' sales, coupons and discount cards (each member's uses kept
//     in its ledger), birthday benefits.
//   - [github.com/tailorcrm/tailor/loyalty/terms]: the trade terms of
//     intermediaries — the functional discount by role and the cash
//     discount for prompt payment — and invoices settled against their
//     payments (prepayments included) and credit notes, a transfer
//     allocated over open invoices, with a payment record for
//     creditworthiness.
//   - [github.com/tailorcrm/tailor/customer/salesrow]: the rules of one row of a
//     sales export (columns by header name, fields, how a row adds to a
//     Summary), shared by the programs that read such exports.
//   - [github.com/tailorcrm/tailor/customer/privacy]: everything the stores hold
//     about one customer — record, history, loyalty ledger, complaint
//     cases — gathered into one document for a subject-access request
//     (GDPR art. 15 and 20, PIPL art. 45), and erased across the stores
//     in one retryable call (art. 17, PIPL art. 47).
//
// # How data flows
//
// The caller reads purchases from its own storage and hands them to the
// customer package, which validates every record (all bad fields of a
// record are reported at once) and folds each customer's history into a
// Summary as of a date. Summaries hold no orders, only what the models
// need, and two summaries of disjoint parts of a history merge into the
// summary of the whole, so the work can be sharded.
//
// Anything that needs the whole population is split in two steps: a fit
// over all summaries that returns an immutable, goroutine-safe value
// (normalisation statistics, quadrant means, RFM quantiles, model
// parameters), and an apply step per customer. Population statistics merge
// across shards too, so the same code runs in one process or on the
// workers of a distributed engine.
//
//	storage  ─► customer (facts, Summary) ─► value (scores, RFM) ─► segment (quadrants, lifecycle, shop types, grades)
//	                                       ─► churn (fit, then score) ─► churn/risk (risk and its reasons)
//	events   ─► complaint (workflow, SLAs) ─► complaint signals for churn/risk; credits and returns for customer histories
//	         ─► loyalty (ledger, tiers, coupons)
//	invoices ─► terms (trade discounts, settlement) ─► payment record for creditworthiness
//
// # Storage
//
// Packages that keep state across calls — customer, complaint and loyalty —
// declare the few methods they need as small interfaces, with optimistic
// concurrency (versions and ErrConflict), idempotency keys (ErrDuplicate) or
// atomic read-modify-write (customer.Updater) wherever two writers can race.
// Each ships an in-memory implementation and
// a conformance kit (customertest, complainttest, loyaltytest) that a caller
// runs against an adapter for its own database, as testing/fstest checks a
// file system.
//
// # Money and time
//
// Money is always a decimal amount with a currency code; adding two
// currencies is an error, not a silent sum. Scores, probabilities and model
// parameters are float64 and never NaN or infinite. Every computation that
// depends on time takes the instant as a parameter.
//
// # Domain rules
//
// The rules the packages carry come from business write-ups on customer
// relationships in clothing companies: brands with their own stores and
// online shops, and brands that sell through dealers and franchisees.
// Doc comments cite them by section, as "domain rules §6", and some by the
// write-up they come from (000 … 004):
//
//   - §1 customer: two kinds of customer, end consumers and intermediaries
//     (dealers, franchisees, wholesalers, agents); one view of each
//     customer with a clothing profile; purchases, returns and exchanges;
//     consent for collecting data; data checked and kept current.
//   - §2 value: customer value is current value (profit, purchase volume)
//     plus potential value (a consumer's consumption, loyalty and growth;
//     an intermediary's operating strength, creditworthiness, cooperation
//     loyalty and regional market size), weighted in a hierarchy of up to
//     four levels; RFM analysis; lifetime value.
//   - §3 segment: §3.1 the four quadrants of current × potential value
//     against the mean; §3.2 the four shop types (loyal, potential,
//     drifting, lost); §3.3 lifecycle stages and value tiers with their
//     strategies; §3.4 measuring whether it works (retention, repurchase,
//     conversion, value contribution).
//   - §4 churn: the last purchase, the change in purchase frequency and
//     complaint records predict who is leaving.
//   - §5 complaint: an eight-step handling process (record, judge, assign,
//     investigate, propose, approve, carry out, evaluate), the customer
//     kept informed of every step, satisfaction = perceived ÷ expected
//     value.
//   - §6 loyalty: points by the amount spent, birthday benefits, tiers,
//     coupons and discount cards (5 %–60 %), quantity, cash, functional and
//     seasonal discounts.
//   - §7 context: seasonal collections, so windows for dormant and lost
//     customers are longer than in groceries and configurable.
//
// # Privacy
//
// Personal data (name, contact details, birthday, body measurements) is
// redacted when a customer is printed or logged, consent flags gate
// marketing actions, erasure anonymises a customer while keeping the
// aggregates finance needs, and [github.com/tailorcrm/tailor/customer/privacy]
// hands a customer a copy of everything held about them and erases it
// where the law does not require it kept.
package tailor
