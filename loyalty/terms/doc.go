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
// average, what it owes past the due date. It is an input for the
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
