// Package privacy gathers what the stores hold about one customer into one
// document, for a subject-access request: the right of access (GDPR art.
// 15), the right to data portability (GDPR art. 20) and the right to
// consult and copy (PIPL art. 45); and erases it in one call, for an
// erasure request: the right to erasure (GDPR art. 17) and to deletion
// (PIPL art. 47) (domain rules §1: consent and privacy law compliance).
//
// [Export] reads the stores a caller names in [Sources] — each optional —
// and returns a [Report]. The report is for the person themself, so it
// holds their personal data in full: nothing is redacted, unlike the
// String, fmt and slog forms of package customer. Handle it as the
// personal data it is.
//
// # What a report holds
//
//   - The customer record ([customer.Customer]): name, contact details,
//     birthday, region, join date, consent flags and their history (each
//     consent given or withdrawn, when, how and under which notice), the
//     clothing profile (sizes, height, fit, styles, colours, categories),
//     the trade facts of an intermediary, and the household: the people
//     the customer buys for, with their names, birthdays and profiles, as
//     the customer gave them.
//   - The history ([customer.HistoryReader]): orders with their lines,
//     returns, credits and interactions.
//   - The loyalty ledger ([loyalty.Entry]) as stored, the account it
//     folds into ([loyalty.Replay]): balances, tier level, review dates,
//     and the open lots of points with their expiry.
//   - The complaint cases ([complaint.Case]) the customer made, with
//     every event of their audit trails: what the customer said and asked
//     for, what was found, proposed, done, and the customer's feedback.
//   - When the report was made and which sources were consulted.
//
// # What it leaves out
//
//   - Derived data that the library computes and does not store: value
//     scores, RFM scores, segments and grades, churn probabilities and
//     risks, lifetime values, summaries. They are computed on demand from
//     the stored facts above; a caller that stores such results (or
//     decisions made with them) must add them to what it hands out.
//   - Data of other people held in the complaint cases: the staff member
//     a finding holds responsible and the measures taken with staff, pay
//     deductions among them (GDPR art. 15(4): the copy must not harm the
//     rights of others). The IDs of the staff who acted on a case stay.
//   - Whatever is not in the stores named: the loyalty programme's rules
//     and the uses of a coupon by everyone, files outside the library,
//     logs, and data in the caller's own systems.
//
// Records of other customers are never included: a source that returns
// one makes [Export] fail with an error matching [ErrForeignRecord].
//
// # The document
//
// A [Report] encodes with encoding/json to a document a person can read
// and a program can import. The customer's records, the loyalty ledger
// and the cases keep the JSON forms of their packages, so that a field
// those packages add appears without a change here: times in RFC 3339,
// money as a decimal string with its currency ("49.90 EUR"; the amounts
// of order lines are decimal strings in the order's currency), kinds,
// channels, states and reasons by name. The same stores give the same
// bytes: every list is ordered (history by time, ledger by sequence,
// cases by opening, events by sequence) whatever order a store returned.
//
// # Erasure
//
// [Erase] erases a customer's personal data in the stores a caller names
// in [Targets] — each optional — and returns an [ErasureReport] saying
// what it did in each. It anonymises the customer record
// ([customer.Customer.AnonymizeAt]: name, contact, birthday, profile and
// household erased, consents withdrawn) and applies a [loyalty.Erasure]
// to the ledger (the member's birthday erased). It keeps the consent
// history, the proof of past consent (GDPR art. 7(1)), and the orders,
// returns, credits, interactions and points, which are financial records
// holding no personal data beyond the customer ID; a caller whose IDs are
// personal data replaces them by pseudonyms. It erases nothing in the
// complaint cases, which package complaint keeps as an audit trail
// without an erasure, and lists them for the caller. Erase is safe to
// call again after a failure: what is erased already is left alone.
package privacy
