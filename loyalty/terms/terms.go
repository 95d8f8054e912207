package terms

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// MaxDays bounds [CashDiscount.Days] and [Terms.NetDays]: ten years. No
// trade credit runs that long; the bound catches a count of days that is
// really something else and keeps the dates in range.
const MaxDays = 3650

// Terms are the trade terms a brand gives its intermediaries: a
// functional discount by role and a cash discount for prompt payment
// (domain rules §6). Terms are plain data; [Terms.Validate] checks them and
// [Terms.Invoice] prices an invoice under them. They are read, never
// changed, so one Terms value may serve many goroutines.
type Terms struct {
	// Currency is the currency of every invoice and payment.
	Currency customer.Currency
	// Functional is the functional (trade) discount by the function the
	// intermediary performs in the channel, as a percentage of the list
	// price in [0, 100): a wholesaler that stocks and breaks bulk
	// usually gets more than an agent that only sells on commission.
	Functional map[customer.Role]decimal.Decimal
	// Default, when Valid, is the functional discount of a role that
	// Functional does not list. When it is not Valid, invoicing such a
	// role is an error: terms that forgot a role should not price it at
	// list price without a word.
	Default decimal.NullDecimal
	// Cash is the discount for prompt payment.
	Cash CashDiscount
	// NetDays is how many calendar days after the invoice's day the whole
	// amount is due: 30 in "2/10 net 30". It is at least Cash.Days and
	// at most [MaxDays].
	NetDays int
	// Location is the zone of the calendar in which days are counted: the
	// day of an invoice, of a payment, the discount and due dates. nil
	// means UTC. It is set in Go (e.g. from time.LoadLocation in the
	// host), never read from the system by the library.
	Location *time.Location
	// Calendar, when set, moves the discount date and the due date that
	// fall on a day it closes to the next day it opens (see [Calendar]),
	// e.g. [Weekends]. nil keeps them on the calendar day: the days are
	// counted as they fall.
	Calendar Calendar
}

// CashDiscount is a discount for prompt payment: Percent off the invoice
// amount when it is paid within Days calendar days of the invoice's day
// ("2/10": Percent 2, Days 10). A zero CashDiscount gives none ("net 30"
// alone).
type CashDiscount struct {
	// Percent is the discount, a percentage in [0, 100) (2 = 2 %).
	Percent decimal.Decimal
	// Days is the discount period in calendar days, in [0, MaxDays]; 0
	// means paid on the invoice's day.
	Days int
}

// Validate checks the terms and reports every fault at once in a
// [*customer.ValidationError] for the record "terms": an unknown currency
// ("currency"); an unknown role ("functional[Role(9)]") or a percentage
// outside [0, 100) ("functional[dealer]", "default", "cash.percent"),
// also one beyond the bounds of customer.ParseAmount; no role listed and no default
// ("functional"); a negative count of days or one above [MaxDays]
// ("cash.days", "net_days"); NetDays before the end of the discount
// period ("net_days").
func (t Terms) Validate() error {
	var p problems
	if !t.Currency.Valid() {
		p.add("currency", customer.CodeUnknown, "unknown currency %q", string(t.Currency))
	}
	roles := make([]customer.Role, 0, len(t.Functional))
	for r := range t.Functional {
		roles = append(roles, r)
	}
	slices.Sort(roles)
	for _, r := range roles {
		f := "functional[" + r.String() + "]"
		if !r.Valid() {
			p.add(f, customer.CodeUnknown, "unknown intermediary role %d", uint8(r))
			continue
		}
		checkPercent(&p, f, t.Functional[r])
	}
	if t.Default.Valid {
		checkPercent(&p, "default", t.Default.Decimal)
	} else if len(t.Functional) == 0 {
		p.add("functional", customer.CodeRequired, "lists no role and no default is set")
	}
	checkPercent(&p, "cash.percent", t.Cash.Percent)
	daysOK := checkDays(&p, "cash.days", t.Cash.Days)
	if checkDays(&p, "net_days", t.NetDays) && daysOK && t.NetDays < t.Cash.Days {
		p.add("net_days", customer.CodeRange, "%d is before the end of the %d-day discount period", t.NetDays, t.Cash.Days)
	}
	return p.err("terms")
}

// checkDays reports a count of days below 0 or above MaxDays.
func checkDays(p *problems, field string, n int) bool {
	switch {
	case n < 0:
		p.add(field, customer.CodeNegative, "must not be negative, is %d", n)
	case n > MaxDays:
		p.add(field, customer.CodeRange, "%d is above the maximum of %d days", n, MaxDays)
	default:
		return true
	}
	return false
}

// location returns the terms' zone, UTC when none is set.
func location(l *time.Location) *time.Location {
	if l == nil {
		return time.UTC
	}
	return l
}

// dayOf returns the calendar day of t in zone l.
func dayOf(t time.Time, l *time.Location) customer.Date {
	return customer.DateOf(t.In(location(l)))
}

// Percent returns the functional discount of role, in percent, and
// whether the terms give one: Functional[role], or Default when role is
// not listed and Default is set.
func (t Terms) Percent(role customer.Role) (decimal.Decimal, bool) {
	if f, ok := t.Functional[role]; ok {
		return f, true
	}
	if t.Default.Valid {
		return t.Default.Decimal, true
	}
	return decimal.Decimal{}, false
}

// Invoice is an intermediary's invoice priced under [Terms]. Its amounts
// are in one currency, in whole minor units: List − Functional = Amount,
// 0 ≤ Functional < List and 0 ≤ CashDiscount < Amount. An Invoice is
// plain data that a caller may store; [Invoice.Validate] checks one read
// back.
type Invoice struct {
	ID       string
	Customer customer.ID
	Role     customer.Role
	// Issued is when the invoice was issued; its calendar day in
	// Location starts the discount and payment periods.
	Issued time.Time
	// List is the amount at list prices.
	List customer.Money
	// FunctionalPercent is the functional discount of Role, in percent,
	// and Functional the money it takes off:
	// round(List × FunctionalPercent / 100), half up to the minor unit.
	FunctionalPercent decimal.Decimal
	Functional        customer.Money
	// Amount is what the intermediary owes: List − Functional.
	Amount customer.Money
	// CashPercent is the cash discount in percent, and CashDiscount the
	// money it takes off when the invoice is paid by DiscountUntil:
	// round(Amount × CashPercent / 100), half up to the minor unit.
	CashPercent  decimal.Decimal
	CashDiscount customer.Money
	// DiscountUntil is the last calendar day on which a payment counts
	// for the cash discount: roll(day(Issued) + Cash.Days).
	DiscountUntil customer.Date
	// Due is the last calendar day on which a payment is on time:
	// roll(day(Issued) + NetDays).
	Due customer.Date
	// Location is the zone of the calendar days, that of the terms (nil
	// means UTC). A caller that stores invoices stores the zone's name
	// with them and sets it back when it reads them.
	Location *time.Location
	// Calendar is the terms' [Calendar] that rolled DiscountUntil and Due
	// (nil: none). A caller that stores invoices stores which calendar
	// with them and sets it back when it reads them; [Invoice.Validate]
	// then checks that both dates are open days.
	Calendar Calendar
}

// Invoice prices invoice id of customer c, an intermediary of role, for
// list, the amount at list prices, issued at the instant issued (see the
// package documentation for the formulas).
//
// It returns the error of [Terms.Validate] when the terms are not valid.
// Otherwise it reports every fault of the invoice at once in a
// [*customer.ValidationError] for the record `invoice "id"`: an empty ID
// ("id") or customer ("customer"); a role that is not an intermediary's,
// or one the terms give no functional discount and no default ("role");
// a list amount in another currency than the terms', of more than 30
// digits, not positive or finer than the currency's minor unit ("list"),
// or so small that a discount, rounded, would take all of it; a zero
// issued time or one outside the years 1–9999 ("issued"); a
// [Terms].Calendar that opens no day among the discount date or the due
// date and the [MaxRoll] days after it ("calendar"). A rejected invoice
// returns the zero Invoice.
func (t Terms) Invoice(id string, c customer.ID, role customer.Role, list customer.Money, issued time.Time) (Invoice, error) {
	if err := t.Validate(); err != nil {
		return Invoice{}, err
	}
	var p problems
	if id == "" {
		p.add("id", customer.CodeRequired, "is empty")
	}
	if c == "" {
		p.add("customer", customer.CodeRequired, "is empty")
	}
	pct, covered := t.Percent(role)
	switch {
	case !role.Valid():
		p.add("role", customer.CodeUnknown, "%s is not an intermediary's role", role)
		covered = false
	case !covered:
		p.add("role", customer.CodeUnknown, "the terms give no functional discount for role %s and set no default", role)
	}
	n := len(p.fields)
	checkMoney(&p, "list", "", "the terms'", list, t.Currency)
	listOK := len(p.fields) == n
	timeOK := checkTime(&p, "issued", "", issued)
	if !listOK || !covered || !timeOK {
		return Invoice{}, p.err("invoice " + strconv.Quote(id))
	}
	cur, digits := t.Currency, t.Currency.Digits()
	functional := percentOf(list.Amount(), pct, digits)
	amount := list.Amount().Sub(functional)
	cash := percentOf(amount, t.Cash.Percent, digits)
	if amount.Sign() <= 0 || cash.GreaterThanOrEqual(amount) {
		p.add("list", customer.CodeRange, "%s is too small: the discounts, rounded to the minor unit, would take all of it",
			list)
	}
	if err := p.err("invoice " + strconv.Quote(id)); err != nil {
		return Invoice{}, err
	}
	day := dayOf(issued, t.Location)
	until, untilOK := roll(t.Calendar, day+customer.Date(t.Cash.Days))
	due, dueOK := roll(t.Calendar, day+customer.Date(t.NetDays))
	for _, x := range []struct {
		ok   bool
		name string
		d    customer.Date
	}{{untilOK, "discount date", day + customer.Date(t.Cash.Days)}, {dueOK, "due date", day + customer.Date(t.NetDays)}} {
		if !x.ok {
			p.add("calendar", customer.CodeRange, "opens no day from the %s %s to %s, %d days after it",
				x.name, x.d, x.d+MaxRoll, MaxRoll)
		}
	}
	if err := p.err("invoice " + strconv.Quote(id)); err != nil {
		return Invoice{}, err
	}
	return Invoice{
		ID: id, Customer: c, Role: role, Issued: issued, List: list,
		FunctionalPercent: pct, Functional: money(functional, cur), Amount: money(amount, cur),
		CashPercent: t.Cash.Percent, CashDiscount: money(cash, cur),
		DiscountUntil: until, Due: due,
		Location: t.Location, Calendar: t.Calendar,
	}, nil
}

// money returns d in cur, a currency known to be valid.
func money(d decimal.Decimal, cur customer.Currency) customer.Money {
	m, _ := customer.MoneyFromDecimal(d, cur)
	return m
}

// Validate checks an invoice, typically one read back from storage or
// built by hand, and reports every fault at once in a
// [*customer.ValidationError] for the record `invoice "id"`: an empty ID
// or customer, an unknown role, a zero or out-of-range Issued; an amount
// not in List's currency, out of bounds or finer than the minor unit
// ("list", "functional", "amount", "cash_discount"); a percentage outside
// [0, 100); amounts that do not follow from the percentages by the
// formulas of the package ("functional", "amount", "cash_discount"); a
// discount date before the invoice's day or after the due date
// ("discount_until", "due"); a discount date or due date more than
// [MaxDays] after the invoice's day, or, with a Calendar, more than
// MaxDays + [MaxRoll] days after it or on a day the Calendar closes
// ("discount_until", "due").
func (inv Invoice) Validate() error {
	var p problems
	if inv.ID == "" {
		p.add("id", customer.CodeRequired, "is empty")
	}
	if inv.Customer == "" {
		p.add("customer", customer.CodeRequired, "is empty")
	}
	if !inv.Role.Valid() {
		p.add("role", customer.CodeUnknown, "%s is not an intermediary's role", inv.Role)
	}
	timeOK := checkTime(&p, "issued", "", inv.Issued)
	cur := inv.List.Currency()
	n := len(p.fields)
	if !cur.Valid() {
		p.add("list", customer.CodeUnknown, "unknown currency %q", string(cur))
	} else {
		checkMoney(&p, "list", "", "the invoice's", inv.List, cur)
		checkMoney(&p, "amount", "", "the list's", inv.Amount, cur)
		checkAmount(&p, "functional", inv.Functional, cur)
		checkAmount(&p, "cash_discount", inv.CashDiscount, cur)
	}
	checkPercent(&p, "functional_percent", inv.FunctionalPercent)
	checkPercent(&p, "cash_percent", inv.CashPercent)
	if len(p.fields) == n {
		digits := cur.Digits()
		list, amount := inv.List.Amount(), inv.Amount.Amount()
		if f := percentOf(list, inv.FunctionalPercent, digits); !f.Equal(inv.Functional.Amount()) {
			p.add("functional", customer.CodeMismatch, "is %s, but %s%% of %s is %s", inv.Functional, inv.FunctionalPercent, inv.List, money(f, cur))
		} else if a := list.Sub(f); !a.Equal(amount) {
			p.add("amount", customer.CodeMismatch, "is %s, but %s − %s is %s", inv.Amount, inv.List, inv.Functional, money(a, cur))
		}
		if c := percentOf(amount, inv.CashPercent, digits); !c.Equal(inv.CashDiscount.Amount()) {
			p.add("cash_discount", customer.CodeMismatch, "is %s, but %s%% of %s is %s", inv.CashDiscount, inv.CashPercent, inv.Amount, money(c, cur))
		} else if !c.LessThan(amount) {
			p.add("cash_discount", customer.CodeRange, "%s takes all of the amount %s", inv.CashDiscount, inv.Amount)
		}
	}
	if timeOK {
		// The distances in days are taken in int64: between two Dates
		// they need not fit a Date. A calendar may roll a date up to
		// MaxRoll days past the last day of its period.
		maxDays := int64(MaxDays)
		if inv.Calendar != nil {
			maxDays += MaxRoll
		}
		if day := dayOf(inv.Issued, inv.Location); inv.DiscountUntil < day {
			p.add("discount_until", customer.CodeOrder, "%s is before the invoice's day %s", inv.DiscountUntil, day)
		} else if int64(inv.DiscountUntil)-int64(day) > maxDays {
			p.add("discount_until", customer.CodeRange, "%s is more than %d days after the invoice's day %s", inv.DiscountUntil, maxDays, day)
		} else if inv.Due < inv.DiscountUntil {
			p.add("due", customer.CodeOrder, "%s is before the discount date %s", inv.Due, inv.DiscountUntil)
		} else if int64(inv.Due)-int64(day) > maxDays {
			p.add("due", customer.CodeRange, "%s is more than %d days after the invoice's day %s", inv.Due, maxDays, day)
		} else if inv.Calendar != nil {
			if !inv.Calendar.IsBusinessDay(inv.DiscountUntil) {
				p.add("discount_until", customer.CodeMismatch, "%s is a day the invoice's calendar closes", inv.DiscountUntil)
			}
			if !inv.Calendar.IsBusinessDay(inv.Due) {
				p.add("due", customer.CodeMismatch, "%s is a day the invoice's calendar closes", inv.Due)
			}
		}
	}
	return p.err("invoice " + strconv.Quote(inv.ID))
}

// checkAmount reports a discount that is not in cur, out of bounds,
// negative or finer than cur's minor unit.
func checkAmount(p *problems, field string, m customer.Money, cur customer.Currency) {
	if m.IsZero() && m.Currency() == "" {
		m = customer.Zero(cur) // the zero Money is a zero discount
	}
	if m.Currency() != cur {
		p.add(field, customer.CodeMismatch, "is in %q, the list's currency is %s", string(m.Currency()), cur)
		return
	}
	if m.Sign() > 0 {
		checkMoney(p, field, "", "the list's", m, cur)
	} else if m.Sign() < 0 {
		p.add(field, customer.CodeNegative, "must not be negative, is %s", m)
	}
}

// Explain says how the invoice's amounts were computed, e.g.
// "list 1000.00 EUR − 30% functional discount (dealer) 300.00 EUR =
// 700.00 EUR; 2% cash discount 14.00 EUR if paid by 2025-03-13, else
// 700.00 EUR due 2025-04-02".
func (inv Invoice) Explain() string {
	cur := inv.List.Currency()
	show := func(m customer.Money) string { return cur.Format(m.Amount()) + " " + string(cur) }
	s := fmt.Sprintf("list %s − %s%% functional discount (%s) %s = %s; ",
		show(inv.List), inv.FunctionalPercent, inv.Role, show(inv.Functional), show(inv.Amount))
	if inv.CashDiscount.Sign() > 0 {
		s += fmt.Sprintf("%s%% cash discount %s if paid by %s, else ", inv.CashPercent, show(inv.CashDiscount), inv.DiscountUntil)
	}
	return s + fmt.Sprintf("%s due %s", show(inv.Amount), inv.Due)
}
