package customer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// MinRecordYear is the earliest year of the instant of a record: an
// order, return, credit or interaction, and a customer's Joined and an
// intermediary's cooperation start. An instant before 1 January of this
// year, 00:00 UTC, is refused (CodeRange): no shop's record is that old,
// and such a date is a placeholder for a missing one (another system's
// "0001-01-01", which is not Go's zero time once a time of day or an
// offset is added to it) or a mistyped year ("0025" for 2025), which
// would pass for decades of tenure and an early first purchase.
const MinRecordYear = 1900

// minRecordTime is the first instant of MinRecordYear, in UTC.
var minRecordTime = time.Date(MinRecordYear, time.January, 1, 0, 0, 0, 0, time.UTC)

// checkTime reports a zero time, one before [MinRecordYear], or one
// after now when now is not zero.
func checkTime(p *problems, field string, t, now time.Time) {
	switch {
	case t.IsZero():
		p.add(field, CodeRequired, "is zero")
	case t.Before(minRecordTime):
		p.add(field, CodeRange, fmt.Sprintf("%s is before %d", t.Format(time.RFC3339), MinRecordYear))
	case !now.IsZero() && t.After(now):
		p.add(field, CodeFuture, fmt.Sprintf("%s is after %s", t.Format(time.RFC3339), now.Format(time.RFC3339)))
	}
}

// blank reports whether id is empty or holds only white space
// ([unicode.IsSpace]): an ID that names nothing, as a blank cell of an
// export leaves it. It stops at the first other character and does not
// allocate.
func blank(id string) bool {
	for _, r := range id {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// checkID reports an ID that is empty or blank (only white space), with
// CodeRequired, or that is not valid UTF-8 or holds a control character
// (a line break, a tab, NUL: [unicode.IsControl]), with CodeFormat, and
// returns whether it is none of these. A control character in an ID is
// a broken import (a line end taken into the last column), and it would
// break every line-based export the ID is written to.
func checkID(p *problems, field, id string) bool {
	switch {
	case id == "":
		p.add(field, CodeRequired, "is empty")
	case blank(id):
		p.add(field, CodeRequired, fmt.Sprintf("%q is blank (only white space)", id))
	case !utf8.ValidString(id):
		p.add(field, CodeFormat, fmt.Sprintf("%q is not valid UTF-8", id))
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		p.add(field, CodeFormat, fmt.Sprintf("%q holds a control character", id))
	default:
		return true
	}
	return false
}

// badID reports whether checkID would report id. It reads ASCII a byte
// at a time and does not allocate: it runs for every line of an order.
func badID(id string) bool {
	for i := 0; i < len(id); i++ {
		b := id[i]
		if b >= utf8.RuneSelf {
			return !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 || blank(id)
		}
		if b < 0x20 || b == 0x7f {
			return true
		}
	}
	return blank(id)
}

// lineField returns "lines[i].name". It is called only on the error path.
func lineField(i int, name string) string {
	return "lines[" + strconv.Itoa(i) + "]." + name
}

// MaxLineQuantity is the most units one order line may sell, and the most
// a sales row ([Sale]) or a refund ([Summary.AddRefund]) may carry: a
// billion, the bound the sales-export reader (package salesrow, MaxUnits)
// puts on a quantity. No clothing order comes near it; a larger number is
// a data error (a barcode or an amount in the quantity column), and the
// bound keeps the unit counts of a summary far from overflow.
const MaxLineQuantity = 1_000_000_000

// smallOrder is the number of lines up to which duplicate line IDs are
// found by a linear scan instead of a map: cheaper, and no allocation.
const smallOrder = 16

// Validate checks o as recorded at time now and reports every problem at
// once in a [*ValidationError]: an empty or blank (only white space)
// order, customer or line ID, or one with a control character or bytes
// that are not UTF-8 (see [ID]); a zero time, one before [MinRecordYear], or
// one after now (a zero now skips that check); an unknown channel
// or currency; no lines; duplicate line IDs; a quantity ≤ 0 or above
// [MaxLineQuantity]; a unit price, unit cost or discount beyond the
// bounds of [ParseAmount], more than 30 integer digits or 30 decimals
// (CodeRange: a decimal decoded from JSON such as "1e100000000" is
// refused before any arithmetic on it); a negative
// unit price, unit cost or discount; a discount larger than the line; a
// unit price or discount with more decimals than the currency's minor unit
// (a unit cost may have more: cost accounting often carries them); a
// line's Member that is blank but not empty ("lines[i].member",
// CodeRequired). Whether the customer has the member each line names is
// checked by [Order.ValidateFor], which knows the customer.
//
// A valid order is checked without allocating.
func (o Order) Validate(now time.Time) error {
	var p problems
	o.check(&p, now)
	return p.err("order", o.ID)
}

// ValidateFor checks o as an order of customer c recorded at time now:
// every problem of [Order.Validate] and, in the same [*ValidationError],
// a customer_id other than c.ID (CodeMismatch) and a line whose Member is
// not the ID of a member of c.Household ("lines[i].member", CodeUnknown),
// or any line with a Member when c is an intermediary, which buys to
// resell and has no household ("lines[i].member", CodeMismatch).
//
// Only ValidateFor can check the members: [Order.Validate] and
// [Summarize] see the order without its customer, and stores check only
// that the customer exists ([HistoryWriter]). Call it where an order is
// recorded, with the customer as it is then; later changes of the
// household do not make recorded orders invalid.
func (o Order) ValidateFor(c Customer, now time.Time) error {
	var p problems
	o.check(&p, now)
	if !blank(string(o.CustomerID)) && o.CustomerID != c.ID {
		p.add("customer_id", CodeMismatch, fmt.Sprintf("is %q, the customer given is %q", o.CustomerID, c.ID))
	}
	for i := range o.Lines {
		m := o.Lines[i].Member
		if m == "" || badID(m) {
			continue
		}
		switch _, ok := c.Member(m); {
		case c.Kind == Intermediary:
			p.add(lineField(i, "member"), CodeMismatch, fmt.Sprintf("customer %q is an intermediary, which buys to resell and has no household member %q", c.ID, m))
		case !ok:
			p.add(lineField(i, "member"), CodeUnknown, fmt.Sprintf("customer %q has no household member %q", c.ID, m))
		}
	}
	return p.err("order", o.ID)
}

// check adds the problems of o to p, as [Order.Validate] finds them.
func (o *Order) check(p *problems, now time.Time) {
	checkID(p, "id", o.ID)
	checkID(p, "customer_id", string(o.CustomerID))
	checkTime(p, "time", o.Time, now)
	if !o.Channel.Valid() {
		p.add("channel", CodeUnknown, fmt.Sprintf("unknown channel %d", uint8(o.Channel)))
	}
	if !o.Currency.Valid() {
		p.add("currency", CodeUnknown, fmt.Sprintf("unknown currency %q", string(o.Currency)))
	}
	if len(o.Lines) == 0 {
		p.add("lines", CodeRequired, "an order needs at least one line")
	}
	digits := o.Currency.Digits()
	var seen map[string]int
	if len(o.Lines) > smallOrder {
		seen = make(map[string]int, len(o.Lines))
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		switch {
		case badID(l.ID):
			checkID(p, lineField(i, "id"), l.ID)
		case seen != nil:
			if j, dup := seen[l.ID]; dup {
				p.add(lineField(i, "id"), CodeDuplicate, fmt.Sprintf("line ID %q is also lines[%d]", l.ID, j))
			} else {
				seen[l.ID] = i
			}
		default:
			for j := range i {
				if o.Lines[j].ID == l.ID {
					p.add(lineField(i, "id"), CodeDuplicate, fmt.Sprintf("line ID %q is also lines[%d]", l.ID, j))
					break
				}
			}
		}
		if l.Member != "" && blank(l.Member) {
			p.add(lineField(i, "member"), CodeRequired, fmt.Sprintf("%q is blank (only white space); an item bought for the customer themself has no member", l.Member))
		} else if l.Member != "" && badID(l.Member) {
			checkID(p, lineField(i, "member"), l.Member)
		}
		if l.Quantity <= 0 {
			p.add(lineField(i, "quantity"), CodeNotPos, fmt.Sprintf("must be positive, is %d", l.Quantity))
		} else if l.Quantity > MaxLineQuantity {
			p.add(lineField(i, "quantity"), CodeRange, fmt.Sprintf("%d is above the maximum of %d units per line", l.Quantity, MaxLineQuantity))
		}
		// Amounts that fit the fixed-point fast path are within the
		// bounds of checkAmount; the others are checked before any
		// arithmetic on them.
		f, fast := fixLine(l)
		priceOK, discountOK, costOK := fast, fast, fast
		if !fast {
			priceOK = checkLineAmount(p, i, "unit_price", l.UnitPrice)
			discountOK = checkLineAmount(p, i, "discount", l.Discount)
			costOK = !l.UnitCost.Valid || checkLineAmount(p, i, "unit_cost", l.UnitCost.Decimal)
		}
		switch {
		case !priceOK:
		case l.UnitPrice.Sign() < 0:
			p.add(lineField(i, "unit_price"), CodeNegative, "must not be negative")
		case moreDecimals(l.UnitPrice, digits):
			p.add(lineField(i, "unit_price"), CodeFormat, fmt.Sprintf("%s has more decimals than %s allows (%d)", l.UnitPrice, o.Currency, digits))
		}
		if costOK && l.UnitCost.Valid && l.UnitCost.Decimal.Sign() < 0 {
			p.add(lineField(i, "unit_cost"), CodeNegative, "must not be negative")
		}
		switch {
		case !discountOK:
		case l.Discount.Sign() < 0:
			p.add(lineField(i, "discount"), CodeNegative, "must not be negative")
		case moreDecimals(l.Discount, digits):
			p.add(lineField(i, "discount"), CodeFormat, fmt.Sprintf("%s has more decimals than %s allows (%d)", l.Discount, o.Currency, digits))
		case l.Quantity > 0 && priceOK && l.UnitPrice.Sign() >= 0 && discountTooLarge(l, f, fast):
			p.add(lineField(i, "discount"), CodeRange, fmt.Sprintf("%s is more than the line's %s", l.Discount, l.Gross()))
		}
	}
}

// checkLineAmount reports amount a of field name of line i when it is
// beyond the bounds of [checkAmount], and returns whether it is within
// them.
func checkLineAmount(p *problems, i int, name string, a decimal.Decimal) bool {
	if msg := checkAmount(a); msg != "" {
		p.add(lineField(i, name), CodeRange, msg)
		return false
	}
	return true
}

// lineInRange reports whether the unit price and discount of l are
// within the bounds of [checkAmount], so that its net can be computed.
func lineInRange(l *Line) bool {
	if _, ok := fixLine(l); ok {
		return true
	}
	return AmountInRange(l.UnitPrice) && AmountInRange(l.Discount)
}

// discountTooLarge reports whether l's discount exceeds its gross amount,
// in fixed point when the amounts fit (fast, with f the line's fixed-point
// amounts). Both amounts are within the bounds of checkAmount.
func discountTooLarge(l *Line, f fixedLine, fast bool) bool {
	if fast {
		return f.discount > f.gross
	}
	return l.Discount.GreaterThan(l.Gross())
}

// lineIndex returns the index of the line with id, or -1.
func (o Order) lineIndex(id string) int {
	for i := range o.Lines {
		if o.Lines[i].ID == id {
			return i
		}
	}
	return -1
}

// line returns the line with id, or the zero Line.
func (o Order) line(id string) Line {
	if i := o.lineIndex(id); i >= 0 {
		return o.Lines[i]
	}
	return Line{}
}

// Validate checks r, a return of order o, as recorded at time now, and
// reports every problem at once: an empty or blank return, order,
// customer or line ID, or one with a control character or bytes that are
// not UTF-8; an order ID other than o's; another customer than
// o's; a zero time, one before [MinRecordYear], one after now (a zero
// now skips that check), or one before the order; an unknown kind or
// reason; no lines; a line
// that is not in the order or appears twice; a quantity ≥ 0 (returned
// units are negative, as on a credit note); more units than the line
// sold.
//
// Validate looks at r alone: when earlier refunds of the same order
// exist, use [Return.ValidateAfter], which also counts the units they
// took back.
func (r Return) Validate(o Order, now time.Time) error {
	return r.ValidateAfter(o, nil, now)
}

// ValidateAfter is [Return.Validate] for a return that follows earlier
// returns of the same order: refunded maps a line ID to the units (a
// positive count) that earlier refunds of it took back. A nil map means
// no earlier refunds; a count below zero or above the units the line sold
// is reported (CodeRange, on the return line's line_id).
//
// The units a customer holds of a line are the units it sold less those
// refunded: a refund or an exchange may bring back at most that many
// (CodeTooMany otherwise, with a message that names the line, the units
// it sold and those refunded before). Exchanges are not counted in
// refunded: the customer gives back units and receives as many others
// (another size or colour), so the units held do not change, and an
// exchanged unit can be exchanged again or refunded later.
//
// A Refund set on an exchange (CodeMismatch), beyond the bounds of
// [ParseAmount] (CodeRange), below zero (CodeNegative), finer than the
// currency's minor unit (CodeFormat) or above the share of the units
// returned (CodeTooMany, [RefundShare] summed over the lines) is reported
// on "refund". A share that cannot be computed because a line of o has
// an amount beyond those bounds is reported on "order_id" (CodeRange);
// [Order.Validate] names the amount.
func (r Return) ValidateAfter(o Order, refunded map[string]int, now time.Time) error {
	var p problems
	r.check(&p, &o, refunded, now, shareAfter)
	return p.err("return", r.ID)
}

// shareBound says which share of its units a return's Refund is compared
// with.
type shareBound uint8

const (
	// noShare: none, as a summary checks a refund: one above the share
	// is kept as recorded (see Over-refunds on [Summary]).
	noShare shareBound = iota
	// shareAfter: the share after the refunds before it, as
	// [Return.ValidateAfter] and a [Recorder] check a refund.
	shareAfter
)

// check adds the problems of r to p, as [Return.ValidateAfter] finds
// them. o is r's order, or nil when it is not known: then only what r
// shows alone is checked (IDs, time, kind, reason, the form of its lines,
// the sign and bounds of Refund). bound says which share of the units
// returned a Refund is compared with.
func (r *Return) check(p *problems, o *Order, refunded map[string]int, now time.Time, bound shareBound) {
	checkID(p, "id", r.ID)
	switch {
	case !checkID(p, "order_id", r.OrderID):
	case o != nil && r.OrderID != o.ID:
		p.add("order_id", CodeMismatch, fmt.Sprintf("is %q, the order given is %q", r.OrderID, o.ID))
	}
	switch {
	case !checkID(p, "customer_id", string(r.CustomerID)):
	case o != nil && r.CustomerID != o.CustomerID:
		p.add("customer_id", CodeMismatch, fmt.Sprintf("is %q, the order's customer is %q", r.CustomerID, o.CustomerID))
	}
	checkTime(p, "time", r.Time, now)
	if o != nil && !r.Time.IsZero() && r.Time.Before(o.Time) {
		p.add("time", CodeOrder, fmt.Sprintf("%s is before the order's %s", r.Time.Format(time.RFC3339), o.Time.Format(time.RFC3339)))
	}
	if !r.Kind.Valid() {
		p.add("kind", CodeUnknown, fmt.Sprintf("unknown return kind %d", uint8(r.Kind)))
	}
	if !r.Reason.Valid() {
		p.add("reason", CodeUnknown, fmt.Sprintf("unknown return reason %d", uint8(r.Reason)))
	}
	if len(r.Lines) == 0 {
		p.add("lines", CodeRequired, "a return needs at least one line")
	}
	linesOK := len(r.Lines) > 0
	lineProblems := len(p.fields)
	for i, rl := range r.Lines {
		if rl.Quantity >= 0 {
			p.add(lineField(i, "quantity"), CodeRange, fmt.Sprintf("must be negative (units returned), is %d", rl.Quantity))
		}
		dup := false
		for j := range i {
			if r.Lines[j].LineID == rl.LineID {
				dup = true
				break
			}
		}
		switch {
		case badID(rl.LineID):
			checkID(p, lineField(i, "line_id"), rl.LineID)
		case dup:
			p.add(lineField(i, "line_id"), CodeDuplicate, fmt.Sprintf("line %q is returned twice in one return", rl.LineID))
		case o == nil:
		default:
			k := o.lineIndex(rl.LineID)
			if k < 0 {
				p.add(lineField(i, "line_id"), CodeUnknown, fmt.Sprintf("order %q has no line %q", o.ID, rl.LineID))
				break
			}
			sold, before := o.Lines[k].Quantity, refunded[rl.LineID]
			if before < 0 || before > sold {
				p.add(lineField(i, "line_id"), CodeRange, fmt.Sprintf("the units of line %q refunded before are given as %d, not in [0, %d], the units it sold", rl.LineID, before, sold))
				break
			}
			// rl.Quantity < -(sold-before), without negating rl.Quantity,
			// which overflows for math.MinInt.
			if rl.Quantity < 0 && rl.Quantity < before-sold {
				back := uint(-(rl.Quantity + 1)) + 1 // |rl.Quantity|, also for math.MinInt
				p.add(lineField(i, "quantity"), CodeTooMany, tooManyUnits(r.Kind, back, rl.LineID, sold, before))
			}
		}
	}
	if r.Refund.Valid {
		linesOK = linesOK && len(p.fields) == lineProblems
		if !linesOK || o == nil {
			bound = noShare
		}
		r.checkRefund(p, o, refunded, bound)
	}
}

// checkRefund reports a Refund that is set on an exchange, beyond the
// bounds of checkAmount, negative, finer than the currency's minor unit
// of o (when o is known), or, unless bound is noShare (then r's lines
// need not be valid for o), more than the share of the units returned
// that bound names.
func (r *Return) checkRefund(p *problems, o *Order, refunded map[string]int, bound shareBound) {
	a := r.Refund.Decimal
	if r.Kind == Exchange {
		p.add("refund", CodeMismatch, "is set on an exchange, which pays nothing back")
		return
	}
	if msg := checkAmount(a); msg != "" {
		p.add("refund", CodeRange, msg)
		return
	}
	if a.Sign() < 0 {
		p.add("refund", CodeNegative, fmt.Sprintf("must not be negative, is %s", a))
		return
	}
	if o == nil {
		return
	}
	digits := o.Currency.Digits()
	if moreDecimals(a, digits) {
		p.add("refund", CodeFormat, fmt.Sprintf("%s has more decimals than %s allows (%d)", a, o.Currency, digits))
		return
	}
	if bound == noShare || r.Kind != Refund {
		return
	}
	sum := decimal.Zero
	for _, rl := range r.Lines {
		k := o.lineIndex(rl.LineID)
		l := &o.Lines[k]
		if !lineInRange(l) {
			p.add("order_id", CodeRange, fmt.Sprintf("order %q: lines[%d] has an amount beyond the bounds of an amount (see Order.Validate), so the refund cannot be checked against its share", o.ID, k))
			return
		}
		sum = sum.Add(refundShare(l.Net(), refunded[rl.LineID], -rl.Quantity, l.Quantity, digits))
	}
	if a.GreaterThan(sum) {
		p.add("refund", CodeTooMany, fmt.Sprintf("%s is more than the %s share of the units returned; money paid on top is a credit",
			o.Currency.Format(a), o.Currency.Format(sum)))
	}
}

// tooManyUnits is the message for a return of back units of line id,
// which sold sold units of which before were refunded before.
func tooManyUnits(k ReturnKind, back uint, id string, sold, before int) string {
	verb := "return"
	switch k {
	case Refund:
		verb = "refund"
	case Exchange:
		verb = "exchange"
	}
	msg := fmt.Sprintf("%s to %s, line %q sold %d", unitCount(uint64(back)), verb, id, sold)
	if before == 0 {
		return msg
	}
	held := max(sold-before, 0)
	return fmt.Sprintf("%s and %s refunded before, so the customer holds %d", msg, wasWere(before), held)
}

// unitCount returns "1 unit" or "n units".
func unitCount(n uint64) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.FormatUint(n, 10) + " units"
}

// wasWere returns "1 was" or "n were".
func wasWere(n int) string {
	if n == 1 {
		return "1 was"
	}
	return strconv.Itoa(n) + " were"
}

// Validate checks i as recorded at time now: an empty or blank customer
// ID or one with a control character or bytes that are not UTF-8, a zero time, one before [MinRecordYear] or a future one, an unknown
// kind.
func (i Interaction) Validate(now time.Time) error {
	var p problems
	checkID(&p, "customer_id", string(i.CustomerID))
	checkTime(&p, "time", i.Time, now)
	if !i.Kind.Valid() {
		p.add("kind", CodeUnknown, fmt.Sprintf("unknown interaction kind %d", uint8(i.Kind)))
	}
	return p.err("interaction of customer", string(i.CustomerID))
}
