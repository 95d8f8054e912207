// Package terms prices and settles the invoices of a brand's
// intermediaries (dealers, franchisees, wholesalers, agents) under the
// trade terms the brand gives them: a functional discount by the role the
// intermediary plays in the channel, and a cash discount for prompt
// payment (the quantity and seasonal discounts of consumer baskets are
// in package loyalty).
//
// # Pricing an invoice
//
// [Terms.Invoice] turns an amount at list prices into an [Invoice]. With
// f the functional discount of the intermediary's role and c the cash
// discount, both percentages (30 = 30 %):
//
//	functional    = round(list × f / 100)
//	amount        = list − functional
//	cash          = round(amount × c / 100)
//	discountUntil = roll(day(issued) + Cash.Days)
//	due           = roll(day(issued) + NetDays)
//
// round rounds half up (away from zero) to the minor unit of the terms'
// currency; every amount is exact. "2/10 net 30" is c = 2, Cash.Days = 10,
// NetDays = 30: 2 % off when paid within 10 days of the invoice,
// otherwise the whole amount in 30 days. roll(d) is d itself unless the
// terms set a [Calendar] (see Business days).
//
// # Settling an invoice
//
// [Invoice.Settle] reads the payments of an invoice as of an instant. The
// cash discount is taken when the payments made on or before the
// discount date add up to at least amount − cash; the invoice is then
// settled and nothing more is owed. Otherwise the whole amount is owed,
// and the invoice is settled when the payments reach it. A partial
// payment within the discount period earns no partial discount. Payments
// beyond what is owed are reported as overpaid, never dropped. For every
// [Settlement]:
//
//	owed + paid − overpaid + discount = amount
//
// # Prepayments
//
// A payment received before the invoice was issued (a deposit, cash in
// advance, a transfer made hours before the invoice was written) is
// applied at the invoice's issue: it counts on the invoice's day, within
// the discount period, and an invoice it settles is settled at its issue,
// on time, as payables systems apply a prepayment to the invoice it was
// made for (Oracle PeopleSoft Payables, "Discounts and Prepayment
// Application"). [Settlement].Prepaid says how much of what was paid came
// so. A prepayment is checked as any payment: positive, in the invoice's
// currency, in whole minor units.
//
// # Credit notes
//
// A return or an allowance is not a negative invoice: it is a
// [CreditNote] against the invoice, read by [Invoice.SettleWith] with
// the payments. From its instant on, the invoice asks its amount less the
// credit notes, and the cash discount is recomputed on that, as "2/10
// net 30" is read in practice (the discount is taken on the invoice less
// its returns and allowances):
//
//	amount = Invoice.Amount − credited
//	cash   = round(amount × c / 100)
//
// The credit notes of an invoice take at most its amount; one that would
// take more is refused.
//
// # One transfer, several invoices
//
// A bank transfer that pays several invoices of one intermediary is split
// by [Allocate] over their settlements as of the transfer: oldest due
// first, each invoice getting what settles it then (with its cash
// discount while that is open), the last one perhaps in part, and what
// is left over reported, exactly. Each part is a [Payment] of its
// invoice.
//
// # Terms and the customer history
//
// Package customer keeps an intermediary's history as it keeps a
// consumer's, and package value scores it from that history (revenue,
// profit, purchase days). The mapping that keeps the history's money
// equal to what the intermediary paid and kept is:
//
//   - The invoice's order is a [customer.Order] of channel
//     [customer.Wholesale] whose lines are at list price
//     ([customer.Line].UnitPrice is "the list price of one unit") and
//     carry the functional discount as their Discount, the invoice's
//     Functional allocated over the lines in proportion to their list
//     amounts (e.g. by [customer.Money.Allocate]), so that the order's
//     gross is List and its net, Σ [customer.Line.Net], is Amount. Trade
//     discounts are not revenue, and Gross then compares intermediaries
//     of every role at the same prices; a history at the intermediary's
//     price would hide the discount, and report every line as sold at full
//     price.
//   - A cash discount taken is a [customer.Credit] of kind
//     [customer.PriceReduction] for the order: it is a reduction of the
//     price of goods the intermediary keeps, granted after the sale
//     (accounting books it as a sales discount, a reduction of revenue),
//     and the history counts it on the order's day. It is not a line
//     discount: the order is recorded before anyone knows whether the
//     discount will be taken. It is recorded when the [Settlement]'s
//     Discount rises, of the rise (the Discount as of the instant less
//     the Discount as of the instant before it), at the instant of the
//     payment or credit note that raised it: the payment that settles the
//     invoice with the discount, at SettledAt (a prepayment counting at
//     the invoice's issue), or a credit note that lowers the amount so
//     far that the payments by DiscountUntil cover it less its discount,
//     which may come after the invoice was settled in full without it.
//   - A credit note for goods sent back is a [customer.Return] of kind
//     [customer.Refund] of those units; one for an allowance on goods kept
//     is a [customer.Credit] of kind PriceReduction. Either is recorded at
//     the credit note's amount less the fall it brings to the Discount
//     (the Discount as of the instant before it less the one as of it,
//     when positive), which is what the return's Refund or the credit
//     records: on an invoice already settled with the cash discount, the
//     credit note also lowers the discount, and pays back its amount
//     less that change.
//   - Payments themselves are not history: how an intermediary pays goes
//     into its [Record], and from there into its credit rating.
//
// The history then records, at each payment and credit note, the change
// of Credited + Discount, and its net is what the intermediary paid and
// kept: Σ (Paid − Overpaid) over its settled invoices, to the minor unit.
// Reading the cash discount off one settlement instead (the final one,
// or the one as of SettledAt) misses a discount that a later credit note
// lowered or brought back.
//
// # Calendar days
//
// The discount date and the due date are calendar days ([customer.Date]),
// and a payment counts on the calendar day of its instant in the terms'
// zone, [Terms.Location] (nil is UTC), whatever zone its time.Time
// carries: a payment at 23:59 on the discount date in that zone takes the
// discount, one at 00:00 the next day does not. Days late are counted in
// calendar days after the due date.
//
// # Business days
//
// Many jurisdictions move a deadline that falls on a Saturday, Sunday or
// public holiday to the next working day (German BGB §193; Art. 3(4) of
// Regulation (EEC, Euratom) No 1182/71). The rule is opt-in: with
// [Terms].Calendar set, e.g. to [Weekends] or to a [CalendarFunc] that
// also closes the caller's holidays,
//
//	roll(d) = the first day e ≥ d that the calendar opens, e ≤ d + MaxRoll
//
// and a calendar that opens no such day is an error ("calendar"). The
// discount date and the due date of the invoice, and so of its
// settlements, are the rolled days: a payment counts on its day in the
// terms' zone as above, and days late are counted after the rolled due
// date. The length of the periods is not changed, only where they end:
// Cash.Days and NetDays still count every calendar day. Without a
// calendar the days are counted as they fall.
//
// # Payment record
//
// [NewRecord] folds the settlements of one intermediary into a
// [Record]: how many invoices it settled on time, how late it paid on
// average, what it owes past the due date. An invoice settled by a
// prepayment is settled on time. An invoice credited in full asked
// nothing, so it is neither on time nor late: it is counted apart
// ([Record].CreditedInFull) and left out of the on-time share and the
// days late. It is an input for the
// creditworthiness of an intermediary's potential value: the
// caller maps it onto a [customer.CreditRating] by its own credit policy
// and stores it in [customer.Trade].Rating, which package value scores.
//
// # Errors
//
// Bad input is reported at once with every fault, in a
// [*customer.ValidationError] naming the record and the field
// ("functional[dealer]", "cash.percent", "payments[2].amount"); a
// rejected call returns no partial result. The package never reads the
// clock.
package terms
