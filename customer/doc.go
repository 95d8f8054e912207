// Package customer holds the validated facts that every other tailor
// package computes from: customers of two kinds (end consumers and
// intermediaries), their orders, returns, credits and interactions, exact
// money in one currency per amount, and a mergeable per-customer
// [Summary].
//
// # Money
//
// Amounts are [github.com/shopspring/decimal.Decimal] values, never
// float64. [Money] pairs an amount with a [Currency]; adding two
// currencies returns a [*CurrencyMismatchError] instead of a silent sum.
// [Money.Split] and [Money.Allocate] divide an amount in whole minor units
// that add up exactly.
//
// # Validation
//
// [Customer.Validate], [Order.Validate], [Return.Validate] (and
// [Return.ValidateAfter] for later returns of one order),
// [Credit.Validate] (and [Credit.ValidateFor] against the credit's order)
// and [Interaction.Validate] report every bad field of a record at once, in a
// [*ValidationError] whose fields are sorted (lines[2] before lines[10];
// [CompareFields] orders a caller's own problems alike) and carry a
// stable code, so messages are deterministic and callers can act on
// codes. Every check is
// made against an explicit instant, never the clock. A rejected record
// changes nothing. [Recorder] runs these checks against the stored
// history before it appends a record (see Storage).
//
// # Households
//
// A customer's Household lists the people the customer buys for (domain
// rules §1: "the whole family bought one each, dad's was a bit small"):
// each [Member] has an ID unique within the customer, a [Relation] and a
// sizing [Profile] of their own, checked by the rules of the customer's.
// Only a consumer has a household: an intermediary buys to resell.
// An order [Line] names the member it was bought for in Member (empty:
// the customer themself). [Order.ValidateFor] checks the members against
// the customer; [Order.Validate], [Summarize] and the stores see an order
// without its customer and check only the form. [Summary].Members counts
// per member the units bought and those returned, for size or fit apart
// ([MemberPurchases]).
//
// # Consent
//
// [Consent] holds the flags that gate marketing and profiling;
// [Customer].ConsentHistory holds the evidence behind them (GDPR art.
// 7(1): the controller must be able to demonstrate consent; PIPL art.
// 14): each [ConsentChange] says for which [Purpose] a consent was given
// or withdrawn, when, through which [ConsentSource], and under which
// notice. [Customer.RecordConsent] appends a change and sets its flag in
// one step, rejecting a change out of time order or in the future;
// [Customer.Validate] reports a flag that disagrees with the last change
// of its purpose. [Customer.AnonymizeAt] keeps the evidence through an
// erasure and records the withdrawals.
//
// # Summaries
//
// A [Summary] is built as of an instant from a customer's history, one
// record at a time, and keeps only what the analytic packages need.
// [Summarize] reads a history in any order, ignores identical
// redeliveries, and rejects a second version of an order or return
// ([ErrDuplicate]) and returns that bring back more units than the
// customer holds (sold less refunded; an exchange does not change it). A
// refund pays back whole minor units, allocated so that the refunds of a
// line add up to its net however they are split
// ([Summary.AddReturnAfter]); a shop that keeps a fee records the money
// it paid in [Return].Refund, at most that share. Money paid without
// goods coming back, such as a price reduction or a compensation that
// settles a complaint, is a [Credit]: it lowers the net and the profit.
// A compensation is goodwill, not a price, and counts on its own day, not
// the order's. A [Recorder] ([Return.ValidateAfter],
// [Credit.ValidateAfter]) refuses a Refund above its share, and a price
// reduction or refund that would make an order pay back more than its
// net, but a history imported as it was recorded elsewhere may hold
// either: a summary keeps such money as recorded, and its net may fall
// below zero (see Over-refunds on [Summary]). Two summaries of disjoint
// parts of one history merge into the summary of the whole, so the work
// can be split across shards. [SummarizeHistory] summarises a
// customer's stored history; package salesrow adds the rows of a sales
// export (one line per sale or refund, no order records) to a summary
// instead.
//
// Days are calendar days in the zone of each instant ([DateOf]): an
// order at 23:30 local time belongs to that local day, and the as-of
// instant's zone fixes the as-of day, from which recency, T and the
// lifecycle windows count. The same instant in UTC and in Asia/Shanghai
// can be two days, so pass the as-of instant in the business's own zone
// (time.Now().In(loc)), the same in every shard and every run; summaries
// of two as-of days do not merge.
//
// Summarize is on the hot path of batch jobs: it sums the amounts of
// ordinary prices in 64-bit fixed point and touches decimals once per
// purchase day, with exactly the result of decimal arithmetic (amounts
// beyond the fixed-point range take the decimal path).
//
// # Privacy
//
// Name, contact details, address, birthday and body measurements
// (clothing sizes and height) are personal data, and so is the household.
// [Customer], [Member], [Contact], [Email], [Phone], [Birthday] and
// [Profile] redact them in String, in every fmt verb and in log/slog
// output ([log/slog.LogValuer]), and validation errors name the field and
// the rule without echoing them; stores keep them. [Customer.Anonymize]
// erases them for an erasure request and keeps what finance and the
// models need; stored with [Directory.Put], the anonymised customer keeps
// its history, while [Directory.Delete] erases the customer with its
// history.
//
// # Storage
//
// The library stores nothing itself. Callers bring their database through
// small interfaces: [Getter] (with the optional [BatchGetter]), [Lister],
// [Directory] for customers, and [HistoryReader] and [HistoryWriter]
// (together [HistoryStore]) for their orders, returns, credits and
// interactions, appended idempotently. A store checks only that the
// customer and the order exist and that IDs are not reused; checking a
// record against what is stored is the job of a [Recorder]:
// [Recorder.RecordOrder] checks an order against its customer's household
// and the currency of the history, [Recorder.RecordReturn] a return
// against its order, the returns before it and the order's price
// reductions, [Recorder.RecordCredit] a credit against its order, the
// price reductions before it and the order's refunds, and each
// refuses a bad record with its [*ValidationError] and stores nothing. A
// history written only through a Recorder always summarises; a
// redelivered record is a no-op. [Recorder.Refundable] says what an
// order can still pay back, the bound those checks put on a refund or a
// price reduction of it. [Append] hands the one record of an
// [Event] to the [HistoryWriter] method of its kind, unchecked.
//
// Three optional capabilities, found by type assertion, make a step of
// several calls one atomic step of the store, across processes on one
// database: [Updater] changes one customer without losing a concurrent
// change, [Inserter] registers a new customer only when its ID is free,
// and [CheckedAppender] checks a record against the history and appends
// it together. Recorders over a CheckedAppender serialise each
// customer's records in the store, across processes; over another store
// a Recorder serialises them only within itself (see [Recorder] for
// several writers). A writer that appends directly is checked by
// neither.
//
// [MemStore] implements them all in memory. Package customertest is the
// conformance kit: run customertest.TestStore and
// customertest.TestHistoryStore against an adapter to check every promise
// the interfaces make, the optional capabilities included when the
// adapter has them (customertest.TestHistoryConflicts checks, beyond
// them, that a second version of a record is refused with the field that
// differs).
package customer
