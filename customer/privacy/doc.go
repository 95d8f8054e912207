// Package privacy gathers what the stores hold about one customer into one
// document, for a subject-access request: the right of access (GDPR art.
// 15), the right to data portability (GDPR art. 20) and the right to
// consult and copy (PIPL art. 45); and erases it in one call, for an
// erasure request: the right to erasure (GDPR art. 17) and to deletion
// (PIPL art. 47) (domain rules §1: consent and privacy law compliance).
//
// [Export] reads the stores a caller names in [Sources] — each optional:
// a nil field is not consulted, while a field holding a nil pointer (a
// typed nil, such as a nil *customer.MemStore) is refused, naming the
// field, before any store is read — and returns a [Report]. The report is for the person themself, so it
// holds their personal data in full: nothing is redacted, unlike the
// String, fmt and slog forms of package customer. Handle it as the
// personal data it is. Only its JSON form shows it: the String, fmt and
// slog forms of a [Report], a [Loyalty] and a [Complaint] say whom the
// report is about and how many records it holds, never what they say, so
// that a report logged by mistake copies no personal data into the logs.
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
// one makes [Export] fail with an error matching [ErrForeignRecord], and
// [Report.UnmarshalJSON] refuses a document holding one (a record, order,
// return, credit, interaction, ledger entry or case of another customer
// than the document's, or an event of another case) with the same error.
//
// # The document
//
// A [Report] encodes with encoding/json ([Report.MarshalJSON]) to one
// document a person can read and a program can import: structured and
// machine-readable (GDPR art. 20(1)), with one schema, named by its
// first key. It decodes back ([Report.UnmarshalJSON]) into the report it
// was made from, so that the data can move to another system; a
// document that names no customer, or holds records of another, is
// refused. Every key of every object is snake_case (^[a-z][a-z0-9_]*$),
// the snake_case of the Go field it carries ("ConsentHistory" is
// "consent_history", "HeightCM" "height_cm"); no object is keyed by data.
// Every key is always present: a list is an array, empty when there is
// nothing; a record that is absent is null; a time not set (unknown, or
// never, as the expiry of a lot that does not expire) is null. Times are
// RFC 3339; money is a decimal string with its currency ("49.90 EUR");
// the amounts of order lines and returns, in their order's currency, and
// the spend, net and weight of ledger entries are decimal strings
// ("45.5"); points and counts are integers; kinds, channels, states and
// reasons are their names, "" for an optional one not set. The keys, top level first:
//
//   - schema: "tailor.privacy.export/v2" ([Schema]).
//   - customer: the customer ID; made: when the report was made; sources:
//     the names of the sources consulted ([SourceCustomers] ...).
//   - record: the customer record ([customer.Customer]), null when not
//     held: id, kind, role, name, contact {email, phone, address},
//     birthday {year, month, day} (1–12 for the month, 0 for a part not
//     known), region, joined, consent {marketing, profiling},
//     consent_history [{purpose, given, time, source, notice}], profile
//     {top_size, bottom_size, shoe_size, height_cm, fit, styles, colours,
//     categories}, trade (null for a consumer) {annual_turnover, outlets,
//     rating, cooperation_start, market_size}, household [{id, relation,
//     name, birthday, profile}].
//   - orders: [{id, customer_id, time, channel, store, currency, lines
//     [{id, sku, category, season, size, colour, quantity, unit_price,
//     unit_cost (null when unknown), discount, member}]}].
//   - returns: [{id, order_id, customer_id, time, kind, reason, lines
//     [{line_id, quantity}], refund (null when the units' share was
//     paid)}].
//   - credits: [{id, customer_id, order_id, time, kind, amount, source}].
//   - interactions: [{customer_id, time, kind, subject}].
//   - loyalty: the points ledger, null when not held: account {member,
//     birthday, joined, erased, version, as_of, available, pending, debt,
//     level (an index into the programme's levels as they were when the
//     ledger recorded it; join, tier and review entries record the
//     tier's name in tier_name, [loyalty.Account.LevelName]), level_since,
//     next_review, grace_until}, balance (available and pending less
//     debt, [loyalty.Account.Balance]), lots (the open lots) [{id, earned_at, available_at, expires_at, points,
//     remaining, pending, order_id}], entries [{seq, member, key,
//     fingerprint (a decimal string: it may exceed the 2^53 that a JSON
//     number carries exactly, RFC 7493 §2.2), kind, time, effective,
//     points, lot, available_at, expires_at, parts [{lot, points}], debt,
//     forgiven, order_id, lines [{line_id, quantity, net, weight}], spend,
//     qualifying, bonus, year, reason, operator, from, to, tier_name
//     ("" but in join, tier and review entries that name their tier),
//     next_review, grace_until, birthday, note, coupons}].
//   - complaints: [{case, events}], each case ([complaint.Case]) and
//     event ([complaint.Event]) in the JSON form of package complaint,
//     whose keys are snake_case too and whose optional parts are left
//     out when not set.
//
// The same stores give the same bytes: every list is ordered (history by
// time, ledger by sequence, cases by opening, events by sequence)
// whatever order a store returned. The schema's name changes when a key
// is renamed or removed or a value changes its form; a reader should
// ignore keys it does not know, which a later version may add.
//
// # Erasure
//
// [Erase] erases a customer's personal data in the stores a caller names
// in [Targets] — each optional, and a typed nil refused as by [Export] —
// and returns an [ErasureReport] saying
// what it did in each. It anonymises the customer record
// ([customer.Customer.AnonymizeAt]: name, contact, birthday, profile and
// household erased, consents withdrawn), applies a [loyalty.Erasure] to
// the ledger (the member's birthday erased) and deletes the customer's
// interactions from the history store ([customer.InteractionEraser]:
// visits, wish lists, carts, survey answers, events), which no law
// requires keeping. It keeps the consent history, the proof of past
// consent (GDPR art. 7(1)), and the orders, returns, credits and points,
// which are financial records holding no personal data beyond the
// customer ID and the household member IDs of order lines (the tier
// names a ledger records, [loyalty.Entry].TierName, are the programme's
// names of its tiers, not personal data); a caller
// whose IDs are personal data replaces them by pseudonyms. Without an
// interactions target the interactions stay, and the report says so
// ([NotDone]). An export made before the erasure lists them with the
// rest of the history. In the complaint cases it
// blanks the customer's own words ([complaint.EraseCase]) when the store
// is a [complaint.Eraser] and no case is open, and keeps the business
// record of each case; otherwise it keeps the cases as they are and lists
// them for the caller. A case reopened after an erasure holds new words
// and is erased again, once closed, by the next call. Erase is safe to
// call again after a failure: what is erased already is left alone.
package privacy
