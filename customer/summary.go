package customer

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Day is one calendar day of a customer's history: the orders placed that
// day and their net amount after refunds of those orders' returns and
// credits of those orders ([Summary.AddCreditFor]). A day with Orders ==
// 0 is not a purchase day. It carries refunds whose order is unknown
// ([Summary.AddRefund]) and credits of no known order
// ([Summary.AddCredit]), and, in a summary of sales-export rows
// ([Summary.AddSale]), the rows of orders that have no sale row (refunds
// of goods bought before the export), and the rows of an order counted
// on an earlier day that its caller gives without that day
// ([Sale].OrderDay): its net can then be positive.
type Day struct {
	Date   Date
	Orders int
	Net    decimal.Decimal
}

// SummaryOptions configure how a [Summary] is built. A nil *SummaryOptions
// means the defaults.
type SummaryOptions struct {
	// DefaultMargin is the gross margin assumed for lines whose unit cost
	// is not known: cost = net × (1 − DefaultMargin). It must be in
	// [0, 1]; zero means the default, 0.55, a typical gross margin of
	// branded apparel retail.
	DefaultMargin decimal.Decimal
}

// Validate reports a DefaultMargin outside [0, 1] in a
// [*ValidationError] naming "default_margin". Nil options are valid.
func (o *SummaryOptions) Validate() error {
	var p problems
	o.check(&p)
	if len(p.fields) == 0 {
		return nil
	}
	return &ValidationError{Record: "summary options", Fields: p.fields}
}

func (o *SummaryOptions) check(p *problems) {
	if o == nil {
		return
	}
	if msg := marginProblem(o.DefaultMargin); msg != "" {
		p.add("default_margin", CodeRange, msg)
	}
}

// marginProblem returns "" when m is a default margin in [0, 1], and
// otherwise what is wrong with it. A margin beyond the bounds of an
// amount ([checkAmount]) is reported before it is compared with 1.
func marginProblem(m decimal.Decimal) string {
	if msg := checkAmount(m); msg != "" {
		return msg
	}
	if m.Sign() < 0 || m.GreaterThan(one) {
		return fmt.Sprintf("must be in [0, 1], is %s", m)
	}
	return ""
}

// DefaultMargin is the margin used when [SummaryOptions] give none.
var DefaultMargin = decimal.RequireFromString("0.55")

func (o *SummaryOptions) margin() decimal.Decimal {
	if o == nil || o.DefaultMargin.IsZero() {
		return DefaultMargin
	}
	return o.DefaultMargin
}

// Summary is what the analytic packages need to know of one customer's
// history, as of one instant. It is built incrementally ([NewSummary] and
// the Add methods, or [Summarize] over a stream) and holds no order: its
// size grows with the number of distinct purchase days, categories and
// household members bought for, not with the number of order lines.
//
// Summaries are mergeable: the summaries of two disjoint parts of one
// customer's history (a return travels with its order) merge, by
// [Summary.Merge], into exactly the summary of the whole.
//
// All money fields are in Currency; a summary never adds two currencies.
//
// # Days
//
// A record counts on its own calendar day, in the zone of its time
// ([DateOf]), with one exception: a record at or before AsOf never counts
// on a day after AsOf's own day, DateOf(AsOf). An order at 01:00 CEST on
// 30 June (23:00 UTC on 29 June) in a summary as of 23:30 UTC on 29 June
// counts on 29 June. So no day of Days is after the day of AsOf, and
// [Summary.BTYD] gives 0 ≤ recency ≤ T, [Summary.DaysSinceLastPurchase]
// and [Summary.Tenure] are never negative, and the spend windows
// ([Summary.Spend12Months]) hold every record on or before AsOf. A refund
// or price reduction of a known order counts on the order's day; a
// compensation, goodwill rather than a price, on its own.
//
// # Over-refunds
//
// A [Recorder] refuses to write a record that would make the refunds and
// price reductions of an order pay back more than the customer paid for
// it, the order's net. Histories imported from tills, ERPs and POS
// systems as they were recorded hold such records all the same: an order
// of 100 reduced by 20, then every unit refunded at the full 100 by a
// till that did not know of the reduction; the customer got 120 back. A
// summary, the input of the analysis, does not stop at such a customer
// and caps nothing: it keeps the money as recorded, as the rows of a
// sales export keep it ([Summary.AddSale]). Refunded is the money paid
// back for refunded units (each refund's Refund when set, its share
// otherwise) and Credited the amount of every credit, however much they
// add up to; a price reduction is taken off its order's day whole. So Net
// (Gross − Discounts − Refunded − Credited), GrossProfit,
// AverageOrderValue, the net of the order's day and with it the spend
// windows ([Summary.Spend12Months]) and [Summary.MeanRepeatSpend] can be
// below zero: −20 in the example, what the shop lost on the order.
// [Summary.FullPriceShare] is then 0. Cost is the cost of the goods kept:
// a refund takes back the cost of its goods, not of the money it paid.
// The unit counts (Units, ReturnedUnits, [Summary.KeptUnits],
// [Summary.ReturnRate]), the purchase days and the buy-till-you-die
// triple ([Summary.BTYD]) count goods and orders, and do not see the
// money at all.
//
// A refund's Refund above the share of its units (a till that paid back
// a unit sold at a discount at its shelf price) is kept as recorded too,
// whatever the dates of the line's other refunds.
//
// One check stays, because it catches a record that contradicts the
// goods, not money paid out. A return may bring back only units the
// customer holds: a unit refunded twice did not come back twice, so the
// second refund of the same units is an error naming it and its line's
// quantity (CodeTooMany), whatever either paid; money a shop paid twice
// is a [Credit] of kind [Compensation] (or, of an order the summary does
// not know, [Summary.AddRefund]). The bounds of the money are checked
// before a record is written, by a Recorder ([Recorder.Refundable] says
// what an order can still pay back), [Return.ValidateAfter] and
// [Credit.ValidateAfter].
//
// # Encoding
//
// The exported fields are the summary. The default margin of its
// [SummaryOptions] is not exported, so encoding/json and encoding/gob do
// not carry it: a decoded Summary uses [DefaultMargin] for what it adds
// until [Summary.SetOptions] gives it its options again, and
// [Summary.Merge] refuses to merge it with a summary of another margin.
type Summary struct {
	CustomerID ID
	Kind       Kind
	// AsOf is the instant of the analysis: facts dated after it are left
	// out and counted in Later. To analyse as of the end of a day, give
	// its last instant (the next midnight less a nanosecond): midnight at
	// its start leaves out the records of that day dated after midnight.
	// (A row of a sales export is dated at midnight of its day, package
	// salesrow, so an AsOf at midnight of a day, as the crm command's
	// -as-of gives, counts the rows of that day.)
	AsOf time.Time
	// Currency of every order; empty until the first order.
	Currency Currency

	Orders int // orders placed
	Units  int // units bought
	// ReturnedUnits counts the units brought back, refunded or
	// exchanged: a unit exchanged and its replacement refunded later
	// count twice, so it can exceed Units (see [Summary.ReturnRate]).
	ReturnedUnits int
	Returns       int // return records
	Exchanges     int // return records that were exchanges
	// ExchangedUnits counts the units brought back in exchanges ([Return]
	// of kind [Exchange]); ReturnedUnits counts them too. The customer
	// holds as many units after an exchange as before it, so they are
	// not taken off [Summary.KeptUnits].
	ExchangedUnits int
	Credits        int // credit records ([Summary.AddCredit])

	Gross        decimal.Decimal // Σ quantity × unit price (of a sales-export row, its list price: [Sale].Discount)
	Discounts    decimal.Decimal // Σ line discounts (and sales-export rows' discounts)
	Refunded     decimal.Decimal // money paid back for refunded units ([Summary.AddReturnAfter])
	Credited     decimal.Decimal // money paid without goods coming back: price reductions, compensations ([Summary.AddCredit])
	Cost         decimal.Decimal // cost of goods of the units kept
	FullPriceNet decimal.Decimal // net of lines (and sales-export rows) sold without any discount

	// Days are the distinct days with orders, refunds or credits,
	// ascending.
	Days []Day
	// Categories are the distinct categories bought, sorted.
	Categories []string
	// Members are the purchases for household members (lines whose
	// Member is set), one entry per member named, sorted by member ID;
	// nil when no line names a member. A summary does not know the
	// customer's household: it counts the members the lines name
	// ([Order.ValidateFor] checks them against the customer).
	Members []MemberPurchases

	Interactions int // interactions recorded
	// LastInteraction is the instant of the last interaction; zero when
	// none. Of one instant written in two zones, it holds the one on the
	// earlier calendar day ([Summary.DaysSinceLastInteraction]).
	LastInteraction time.Time

	// Later counts the records left out because they are dated after AsOf.
	Later int

	margin decimal.Decimal
	// costShare caches 1 − margin, the share of a net amount that is cost.
	costShare decimal.Decimal
	// badMargin says that NewSummary was given a margin outside [0, 1],
	// kept in margin for the error.
	badMargin bool
}

// costFactor returns 1 − margin, computed once.
func (s *Summary) costFactor() decimal.Decimal {
	if s.costShare.IsZero() {
		s.costShare = one.Sub(s.margin)
	}
	return s.costShare
}

// Clone returns a copy of s that shares no memory with it. A Summary holds
// slices: adding to a plain copy would change the original's days too, so
// clone a summary before adding to a copy of it.
func (s Summary) Clone() Summary {
	s.Days = slices.Clone(s.Days)
	s.Categories = slices.Clone(s.Categories)
	s.Members = slices.Clone(s.Members)
	return s
}

// NewSummary returns an empty summary of customer id of kind k as of asOf.
//
// NewSummary reports no error: a summary with an empty id, a zero AsOf,
// an unknown Kind or a DefaultMargin outside [0, 1] refuses every record
// (the Add methods and [Summary.Merge]) with a [*ValidationError] naming
// "customer_id", "as_of", "kind" or "default_margin", and stays empty.
// [Summarize] reports them at once.
func NewSummary(id ID, k Kind, asOf time.Time, opts *SummaryOptions) *Summary {
	s := &Summary{CustomerID: id, Kind: k, AsOf: asOf, margin: opts.margin()}
	s.badMargin = marginProblem(s.margin) != ""
	return s
}

// SetOptions gives s the options it was built with ([NewSummary],
// [Summarize]): a summary decoded from encoding/json or encoding/gob has
// lost them (see Encoding on [Summary]), so set them again before adding
// to it or merging it. Invalid options ([SummaryOptions.Validate]) return
// that error and change nothing. Options other than those s was built
// with make the records added later use another margin than the earlier
// ones.
func (s *Summary) SetOptions(opts *SummaryOptions) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	s.margin, s.costShare, s.badMargin = opts.margin(), decimal.Decimal{}, false
	return nil
}

// usable returns nil when s can take records, else the error naming what
// is wrong with its customer ID, AsOf, Kind or margin.
func (s *Summary) usable() error {
	if !s.badMargin && !s.AsOf.IsZero() && s.Kind.Valid() && s.CustomerID != "" {
		return nil
	}
	var p problems
	if s.CustomerID == "" {
		p.add("customer_id", CodeRequired, "is empty")
	}
	checkSummary(&p, s.Kind, s.AsOf)
	if s.badMargin {
		p.add("default_margin", CodeRange, marginProblem(s.margin))
	}
	return p.err("summary of customer", string(s.CustomerID))
}

// effectiveMargin returns the default margin s uses: its own, or
// [DefaultMargin] for a summary that has none (a zero Summary, or one
// decoded without its options).
func (s *Summary) effectiveMargin() decimal.Decimal {
	if s.margin.IsZero() {
		return DefaultMargin
	}
	return s.margin
}

// orderDay returns the day order o counts on (see dayOf), with the day
// of AsOf that acc holds when it is not nil.
func (s *Summary) orderDay(o *Order, acc *accum) Date {
	if acc != nil {
		return dayOf(o.Time, acc.asOfDay)
	}
	return dayOf(o.Time, s.asOfDay())
}

// asOfDay returns DateOf(s.AsOf), the last day a record can count on.
func (s *Summary) asOfDay() Date { return DateOf(s.AsOf) }

// dayOf returns the day that a record at t, at or before AsOf, counts on
// in a summary whose AsOf is on day asOfDay: t's own calendar day
// ([DateOf]), but not after asOfDay.
func dayOf(t time.Time, asOfDay Date) Date {
	if d := DateOf(t); d < asOfDay {
		return d
	}
	return asOfDay
}

// leaveOut counts a record dated after AsOf in Later, or returns an
// error matching [ErrOverflow] and changes nothing when Later is full.
// kind and id name the record (id may be empty).
func (s *Summary) leaveOut(kind, id string) error {
	if s.Later == math.MaxInt {
		return s.overflow(recordName(kind, id), "later", s.Later, 1)
	}
	s.Later++
	return nil
}

// recordName returns `kind "id"`, or kind when id is empty.
func recordName(kind, id string) string {
	if id == "" {
		return kind
	}
	return kind + " " + strconv.Quote(id)
}

func checkSummary(p *problems, k Kind, asOf time.Time) {
	if !k.Valid() {
		p.add("kind", CodeUnknown, fmt.Sprintf("unknown customer kind %d", uint8(k)))
	}
	if asOf.IsZero() {
		p.add("as_of", CodeRequired, "is zero: the summary needs the instant of the analysis")
	}
}

// Event is one fact of a customer's history: exactly one of its fields is
// set. [HistoryReader.History] yields events, [Summarize] reads them, and
// [Append] and [CheckedAppender.AppendChecked] store the record one holds.
type Event struct {
	Order       *Order
	Return      *Return
	Credit      *Credit
	Interaction *Interaction
}

// Equal reports whether e and o carry records of one kind that are equal
// by that kind's Equal ([Order.Equal], [Return.Equal], [Credit.Equal],
// [Interaction.Equal]): the same fact, delivered twice. Events of two
// kinds, or an empty one, are not equal.
func (e Event) Equal(o Event) bool {
	switch {
	case e.Order != nil && o.Order != nil:
		return e.Order.Equal(*o.Order)
	case e.Return != nil && o.Return != nil:
		return e.Return.Equal(*o.Return)
	case e.Credit != nil && o.Credit != nil:
		return e.Credit.Equal(*o.Credit)
	case e.Interaction != nil && o.Interaction != nil:
		return e.Interaction.Equal(*o.Interaction)
	}
	return false
}

// Time returns the instant of the record the event carries, or the zero
// time for an empty event.
func (e Event) Time() time.Time {
	switch {
	case e.Order != nil:
		return e.Order.Time
	case e.Return != nil:
		return e.Return.Time
	case e.Credit != nil:
		return e.Credit.Time
	case e.Interaction != nil:
		return e.Interaction.Time
	}
	return time.Time{}
}

func (e Event) records() int {
	n := 0
	if e.Order != nil {
		n++
	}
	if e.Return != nil {
		n++
	}
	if e.Credit != nil {
		n++
	}
	if e.Interaction != nil {
		n++
	}
	return n
}

// Summarize builds the summary of customer id as of asOf from a stream of
// its history. The stream is read once, in any order: a return that comes
// before its order waits until the order arrives, so the result does not
// depend on the order of the events.
//
// A nil history is an empty one.
//
// Summarize keeps a copy of each order's lines (to price returns and to
// recognise a redelivery) and of the returns seen, not the summary's
// inputs as a whole: a reader that decodes every record into one buffer
// may reuse it once the record is yielded.
// It checks what a single record cannot show: the same order or return ID
// delivered twice is a no-op when the content is identical ([Order.Equal])
// and a [*DuplicateError] (matching [ErrDuplicate]) naming the first field
// that differs otherwise. An order (or a credit of no order) delivered
// again with its time written in another zone is identical, the same
// instant, but may fall on another calendar day ([DateOf]): it counts on
// the earlier of the two days, whichever came first. A return may not
// bring back more units of a line than the customer holds, the units sold
// less those refunded before (an exchange leaves that number unchanged;
// see [Return.ValidateAfter]); a return whose order never comes is an
// error wrapping [ErrNotFound], unless it is dated after asOf.
// Interactions carry no ID: an interaction equal to one read before
// ([Interaction.Equal]: the same instant, perhaps written in another
// zone, kind and subject) is the same fact delivered again, a no-op, as
// the stores hold it ([HistoryWriter.AppendInteraction]).
// Credits are kept like returns: a credit ID delivered twice is a no-op
// when the content is identical ([Credit.Equal]) and a *DuplicateError
// otherwise; a credit for an order that never comes is an error wrapping
// ErrNotFound, unless it is dated after asOf.
//
// Returns are checked and added once the stream has been read, in the
// order of [CompareEvents] (by time, then by ID), as [Summary.AddReturnAfter]
// adds them: whether an exchange is possible depends on the refunds
// before it, and each refund's share of a line's net on the units
// refunded before it (the shares of a line add up to the same amount in
// any order). Credits are added after the returns, in the same order, a
// credit of an order with [Summary.AddCreditFor]. Refunds and price
// reductions that together pay back more than an order's net, which a
// [Recorder] refuses to write, are kept as recorded whatever their order
// in time (see Over-refunds on [Summary]); two refunds of the same units
// are not.
//
// A record dated after asOf is checked as the Add methods check it (all
// but what depends on asOf or on the records before it), then left out
// and counted in Later. The first invalid record stops it with an error
// naming that record. An
// empty id, an unknown kind, a zero asOf or a DefaultMargin outside
// [0, 1] is a [*ValidationError] naming every such field, returned before
// the history is read.
//
// Summarize is given the customer's ID and kind, not the customer, so it
// cannot know the household: it counts the units of a line in
// [Summary].Members under whatever member the line names (checked for
// form only: a blank member is an invalid order). Check the members
// where the order is recorded, with [Order.ValidateFor].
func Summarize(id ID, k Kind, asOf time.Time, history iter.Seq[Event], opts *SummaryOptions) (Summary, error) {
	var p problems
	if id == "" {
		p.add("customer_id", CodeRequired, "is empty")
	}
	checkSummary(&p, k, asOf)
	opts.check(&p)
	if err := p.err("summary of customer", string(id)); err != nil {
		return Summary{}, err
	}
	b := summarizer{s: NewSummary(id, k, asOf, opts)}
	// Room for a typical customer's days and categories, so that the
	// slices do not grow one allocation at a time.
	b.s.Days = make([]Day, 0, 8)
	b.s.Categories = make([]string, 0, 4)
	b.acc.days = make([]dayNet, 0, 8)
	b.acc.asOfDay = DateOf(asOf)
	if history != nil {
		for e := range history {
			if err := b.add(e); err != nil {
				return Summary{}, err
			}
		}
	}
	if err := b.finish(); err != nil {
		return Summary{}, err
	}
	return *b.s, nil
}

// orderEntry is what Summarize keeps of an order: the order, and the units
// of each line refunded so far (nil until the first refund).
type orderEntry struct {
	order    Order
	refunded map[string]int
}

// summarizer is the state of one [Summarize] run.
type summarizer struct {
	s       *Summary
	acc     accum
	orders  map[string]orderEntry
	returns map[string]Return
	pending []Return
	credits map[string]int // index in owed
	owed    []Credit       // credits in the order they came
	// seen holds the interactions read, to tell a redelivery.
	seen map[interactionKey]struct{}
	// lines and returnLines are the chunks that hold the copies of the
	// lines of the orders and returns kept, so that a record's lines are
	// copied once, without an allocation each.
	lines       []Line
	returnLines []ReturnLine
}

// keepOrder returns o with a copy of its lines that does not share memory
// with the caller's.
func (b *summarizer) keepOrder(o *Order) Order {
	k := *o
	k.Lines = keep(&b.lines, o.Lines)
	return k
}

// keepReturn returns r with a copy of its lines that does not share
// memory with the caller's.
func (b *summarizer) keepReturn(r *Return) Return {
	k := *r
	k.Lines = keep(&b.returnLines, r.Lines)
	return k
}

// keep copies s to the end of *chunk and returns the copy, capped so
// that appending to it never writes into the chunk. A full chunk is left
// to the copies it holds and replaced by one twice its size, so that
// nothing is copied twice.
func keep[T any](chunk *[]T, s []T) []T {
	if cap(*chunk)-len(*chunk) < len(s) {
		*chunk = make([]T, 0, max(2*cap(*chunk), len(s), 16))
	}
	n := len(*chunk)
	*chunk = append(*chunk, s...)
	return (*chunk)[n:len(*chunk):len(*chunk)]
}

func (b *summarizer) add(e Event) error {
	if n := e.records(); n != 1 {
		return fmt.Errorf("customer: event in the history of %q carries %d records, want exactly one", b.s.CustomerID, n)
	}
	switch {
	case e.Order != nil:
		o := e.Order
		if prev, ok := b.orders[o.ID]; ok && o.ID != "" {
			if !prev.order.Equal(*o) {
				return duplicateOrder(&prev.order, o)
			}
			b.redeliver(o, prev)
			return nil
		}
		if err := b.s.addOrder(o, &b.acc); err != nil {
			return err
		}
		if b.orders == nil {
			b.orders = make(map[string]orderEntry)
		}
		b.orders[o.ID] = orderEntry{order: b.keepOrder(o)}
	case e.Return != nil:
		r := e.Return
		if prev, ok := b.returns[r.ID]; ok && r.ID != "" {
			if prev.Equal(*r) {
				return nil
			}
			return duplicateReturn(&prev, r)
		}
		if b.returns == nil {
			b.returns = make(map[string]Return)
		}
		k := b.keepReturn(r)
		b.returns[r.ID] = k
		b.pending = append(b.pending, k)
	case e.Credit != nil:
		c := e.Credit
		if i, ok := b.credits[c.ID]; ok && c.ID != "" {
			prev := &b.owed[i]
			if err := prev.Conflict(*c); err != nil {
				return err
			}
			// The same instant: a credit that counts on its own day
			// (of no order, or a compensation) counts on the earlier
			// of the two calendar days.
			if dayOf(c.Time, b.acc.asOfDay) < dayOf(prev.Time, b.acc.asOfDay) {
				prev.Time = c.Time
			}
			return nil
		}
		if b.credits == nil {
			b.credits = make(map[string]int)
		}
		b.credits[c.ID] = len(b.owed)
		b.owed = append(b.owed, *c)
	case e.Interaction != nil:
		k := keyOf(*e.Interaction)
		if _, ok := b.seen[k]; ok {
			// The same instant, perhaps written in another zone: the
			// last interaction counts on the earlier calendar day.
			if !e.Interaction.Time.After(b.s.AsOf) {
				b.s.noteInteraction(e.Interaction.Time)
			}
			return nil
		}
		if err := b.s.AddInteraction(*e.Interaction); err != nil {
			return err
		}
		if b.seen == nil {
			b.seen = make(map[interactionKey]struct{})
		}
		b.seen[k] = struct{}{}
	}
	return nil
}

// redeliver takes o, a second delivery of the order prev that Summarize
// added, equal to it: the same instant, perhaps written in another zone,
// so on another calendar day. The order counts on the earlier of the two
// days, so that the summary does not depend on which came first. While
// the history is read only orders are on the summary's days (returns and
// credits are added at the end), so the order's net and count move from
// one day to the other, and a day left without orders goes.
func (b *summarizer) redeliver(o *Order, prev orderEntry) {
	if prev.order.Time.After(b.s.AsOf) {
		return
	}
	from, to := dayOf(prev.order.Time, b.acc.asOfDay), dayOf(o.Time, b.acc.asOfDay)
	if to >= from {
		return
	}
	s := b.s
	s.flush(&b.acc)
	net := prev.order.net()
	// The day keeps what else happened on it (a refund, another order).
	i := s.dayIndex(from)
	s.Days[i].Orders--
	s.Days[i].Net = s.Days[i].Net.Sub(net)
	if s.Days[i].Orders == 0 && s.Days[i].Net.IsZero() {
		s.Days = slices.Delete(s.Days, i, i+1)
	}
	i = s.dayIndex(to)
	s.Days[i].Orders++
	s.Days[i].Net = addDec(s.Days[i].Net, net)
	prev.order.Time = o.Time
	b.orders[o.ID] = prev
}

// addReturn adds r, whose order is known, after the earlier refunds of
// the same order.
func (b *summarizer) addReturn(r *Return) error {
	entry := b.orders[r.OrderID]
	if err := b.s.addReturn(r, &entry.order, entry.refunded, &b.acc, false); err != nil {
		return err
	}
	if r.Kind != Refund || r.Time.After(b.s.AsOf) {
		return nil
	}
	if entry.refunded == nil {
		entry.refunded = make(map[string]int, len(r.Lines))
	}
	for _, rl := range r.Lines {
		entry.refunded[rl.LineID] -= rl.Quantity
	}
	b.orders[r.OrderID] = entry
	return nil
}

// finish adds the returns in the order of [CompareEvents], then carries
// the fixed-point totals into the summary.
func (b *summarizer) finish() error {
	slices.SortFunc(b.pending, func(x, y Return) int {
		if c := x.Time.Compare(y.Time); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	for i := range b.pending {
		r := &b.pending[i]
		if _, ok := b.orders[r.OrderID]; !ok {
			// Checked alone: an invalid return (such as one of a blank
			// order ID) is reported as such, one dated after AsOf is
			// left out, and any other is an error wrapping ErrNotFound.
			if err := b.s.addReturn(r, nil, nil, &b.acc, false); err != nil {
				return err
			}
			continue
		}
		if err := b.addReturn(r); err != nil {
			return err
		}
	}
	if err := b.addCredits(); err != nil {
		return err
	}
	b.s.flush(&b.acc)
	return nil
}

// addCredits adds the credits in the order of [CompareEvents], each one
// of a known order as [Summary.AddCreditFor] adds it. The price
// reductions of an order before a credit bound nothing in a summary (see
// Over-refunds on [Summary]), so none are passed: their sum, which may
// leave the bounds of an amount, would only stop the summary. It runs
// after the returns were added.
func (b *summarizer) addCredits() error {
	slices.SortFunc(b.owed, func(x, y Credit) int {
		if c := x.Time.Compare(y.Time); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	for i := range b.owed {
		c := &b.owed[i]
		if blank(c.OrderID) || c.Time.After(b.s.AsOf) {
			if err := b.s.addCredit(c, nil, Money{}, false); err != nil {
				return err
			}
			continue
		}
		entry, ok := b.orders[c.OrderID]
		if !ok {
			return fmt.Errorf("customer: credit %q: order %q: %w", c.ID, c.OrderID, ErrNotFound)
		}
		if err := b.s.addCredit(c, &entry.order, Money{}, false); err != nil {
			return err
		}
	}
	return nil
}

// paidBack returns the money that the refunds among rs, valid returns of
// order o in the order of [CompareEvents], paid back: in all, and for
// each return (zero for an exchange). A refund pays its Refund when set,
// and otherwise the share of its units of their lines' net after the
// units refunded before it ([RefundShare]), as [Summary.AddReturnAfter]
// pays it.
func paidBack(o *Order, rs []Return) (decimal.Decimal, []decimal.Decimal) {
	var total decimal.Decimal
	each := make([]decimal.Decimal, len(rs))
	refunded := map[string]int{}
	digits := o.Currency.Digits()
	for i := range rs {
		r := &rs[i]
		if r.Kind != Refund {
			continue
		}
		var share decimal.Decimal
		for _, rl := range r.Lines {
			k := o.lineIndex(rl.LineID)
			if k < 0 {
				continue
			}
			l := &o.Lines[k]
			share = share.Add(refundShare(l.Net(), refunded[rl.LineID], -rl.Quantity, l.Quantity, digits))
			refunded[rl.LineID] -= rl.Quantity
		}
		if r.Refund.Valid {
			share = r.Refund.Decimal
		}
		each[i] = share
		total = total.Add(share)
	}
	return total, each
}

func (s *Summary) ensureMargin() {
	if s.margin.IsZero() {
		s.margin = DefaultMargin
	}
}

// dayIndex returns the index in Days of day d, inserting it if needed.
func (s *Summary) dayIndex(d Date) int {
	i, found := slices.BinarySearchFunc(s.Days, d, func(x Day, d Date) int { return cmp.Compare(x.Date, d) })
	if !found {
		s.Days = slices.Insert(s.Days, i, Day{Date: d})
	}
	return i
}

func (s *Summary) day(d Date) *Day { return &s.Days[s.dayIndex(d)] }

func (s *Summary) currency(c Currency) error {
	if s.Currency == "" {
		s.Currency = c
		return nil
	}
	if s.Currency != c {
		return &CurrencyMismatchError{A: s.Currency, B: c}
	}
	return nil
}

// ErrWrongCustomer is returned when a record of one customer is added to
// another customer's summary.
var ErrWrongCustomer = errors.New("customer: record of another customer")

// addCount returns a + b, or false when it does not fit in an int.
func addCount(a, b int) (int, bool) {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		return 0, false
	}
	return c, true
}

// overflow returns the error for adding n to the count field (now v) of
// s by record.
func (s *Summary) overflow(record, field string, v, n int) error {
	return fmt.Errorf("%s of customer %q: %s: %d + %d does not fit in an int: %w", record, s.CustomerID, field, v, n, ErrOverflow)
}

// AddOrder adds o to the summary, on the day of o's time (see Days on
// [Summary]). An order dated after AsOf is checked all the same (as
// [Order.Validate] with a zero now, and for its customer), then left out
// and counted in Later. An invalid order (see [Order.Validate]), an order
// of another customer, one in another currency than the summary's, or one
// that would overflow Units, Orders or Later ([ErrOverflow]) returns an
// error and changes nothing.
//
// AddOrder does not know the orders added before: it is the caller's job
// not to add one order twice ([Summarize] does it for a stream).
func (s *Summary) AddOrder(o Order) error { return s.addOrder(&o, nil) }

// orderTotals are the sums of an order's lines in fixed point.
type orderTotals struct {
	gross, discounts, net, knownCost, unknownCostNet, fullPriceNet, refunded int64
}

// plus returns t + u, or false on overflow.
func (t orderTotals) plus(u orderTotals) (orderTotals, bool) {
	var ok [7]bool
	t.gross, ok[0] = addFixed(t.gross, u.gross)
	t.discounts, ok[1] = addFixed(t.discounts, u.discounts)
	t.net, ok[2] = addFixed(t.net, u.net)
	t.knownCost, ok[3] = addFixed(t.knownCost, u.knownCost)
	t.unknownCostNet, ok[4] = addFixed(t.unknownCostNet, u.unknownCostNet)
	t.fullPriceNet, ok[5] = addFixed(t.fullPriceNet, u.fullPriceNet)
	t.refunded, ok[6] = addFixed(t.refunded, u.refunded)
	return t, ok == [7]bool{true, true, true, true, true, true, true}
}

// fixOrder returns the totals of o's lines, or false when an amount does
// not fit the fixed-point fast path.
func fixOrder(o *Order) (orderTotals, bool) {
	var t orderTotals
	for i := range o.Lines {
		f, ok := fixLine(&o.Lines[i])
		if !ok {
			return t, false
		}
		net := f.gross - f.discount
		u := orderTotals{gross: f.gross, discounts: f.discount, net: net}
		if f.costKnown {
			u.knownCost = f.cost
		} else {
			u.unknownCostNet = net
		}
		if f.discount == 0 {
			u.fullPriceNet = net
		}
		if t, ok = t.plus(u); !ok {
			return t, false
		}
	}
	return t, true
}

// accum holds the fixed-point totals of orders that [Summarize] has added
// but not yet carried into the decimal fields, so that a stream of orders
// costs a handful of decimal operations instead of several per line.
type accum struct {
	t    orderTotals
	days []dayNet // sorted by date
	// asOfDay is DateOf of the summary's AsOf, computed once per run.
	asOfDay Date
}

type dayNet struct {
	date Date
	net  int64
}

func (a *accum) tryAdd(t orderTotals, d Date) bool {
	sum, ok := a.t.plus(t)
	if !ok {
		return false
	}
	i, found := slices.BinarySearchFunc(a.days, d, func(x dayNet, d Date) int { return cmp.Compare(x.date, d) })
	if found {
		n, ok := addFixed(a.days[i].net, t.net)
		if !ok {
			return false
		}
		a.days[i].net = n
	} else {
		a.days = slices.Insert(a.days, i, dayNet{date: d, net: t.net})
	}
	a.t = sum
	return true
}

var one = decimal.NewFromInt(1)

// addTotals adds fixed-point totals to the decimal fields; the net of the
// days is added by the caller.
func (s *Summary) addTotals(t orderTotals) {
	if t.gross != 0 {
		s.Gross = addDec(s.Gross, fromFixed(t.gross))
	}
	if t.discounts != 0 {
		s.Discounts = addDec(s.Discounts, fromFixed(t.discounts))
	}
	if t.knownCost != 0 {
		s.Cost = addDec(s.Cost, fromFixed(t.knownCost))
	}
	if t.unknownCostNet != 0 {
		s.Cost = addDec(s.Cost, fromFixed(t.unknownCostNet).Mul(s.costFactor()))
	}
	if t.fullPriceNet != 0 {
		s.FullPriceNet = addDec(s.FullPriceNet, fromFixed(t.fullPriceNet))
	}
	if t.refunded != 0 {
		s.Refunded = addDec(s.Refunded, fromFixed(t.refunded))
	}
}

// flush carries a's totals into the decimal fields and empties a.
func (s *Summary) flush(a *accum) {
	s.addTotals(a.t)
	for _, d := range a.days {
		if d.net != 0 {
			x := s.day(d.date)
			x.Net = addDec(x.Net, fromFixed(d.net))
		}
	}
	a.t = orderTotals{}
	a.days = a.days[:0]
}

// addOrder adds o; with a non-nil acc, the amounts of the fast path go to
// acc, to be flushed later.
func (s *Summary) addOrder(o *Order, acc *accum) error {
	if err := s.usable(); err != nil {
		return err
	}
	later := o.Time.After(s.AsOf)
	now := s.AsOf
	if later {
		now = time.Time{} // a later order is left out, not in the future
	}
	if err := o.Validate(now); err != nil {
		return err
	}
	if o.CustomerID != s.CustomerID {
		return fmt.Errorf("order %q of customer %q: %w %q", o.ID, o.CustomerID, ErrWrongCustomer, s.CustomerID)
	}
	if later {
		return s.leaveOut("order", o.ID)
	}
	if s.Currency != "" && s.Currency != o.Currency {
		return fmt.Errorf("order %q of customer %q: currency: %s, the summary is in %s: %w", o.ID, o.CustomerID, o.Currency, s.Currency, &CurrencyMismatchError{A: s.Currency, B: o.Currency})
	}
	units, ok := 0, true
	for j := 0; j < len(o.Lines) && ok; j++ {
		units, ok = addCount(units, o.Lines[j].Quantity)
	}
	if ok {
		_, ok = addCount(s.Units, units)
	}
	if !ok {
		return s.overflow(fmt.Sprintf("order %q", o.ID), "units", s.Units, units)
	}
	if s.Orders == math.MaxInt {
		return s.overflow(fmt.Sprintf("order %q", o.ID), "orders", s.Orders, 1)
	}
	date := s.orderDay(o, acc)
	s.ensureMargin()
	_ = s.currency(o.Currency)
	i := s.dayIndex(date)
	t, fast := fixOrder(o)
	switch {
	case fast && acc != nil:
		if !acc.tryAdd(t, date) {
			s.flush(acc)
			acc.tryAdd(t, date) // an empty accumulator takes any one order
			i = s.dayIndex(date)
		}
	case fast:
		s.addTotals(t)
		if t.net != 0 {
			s.Days[i].Net = addDec(s.Days[i].Net, fromFixed(t.net))
		}
	default:
		s.addOrderDecimal(o, &s.Days[i])
	}
	s.Units += units
	for j := range o.Lines {
		l := &o.Lines[j]
		if l.Category != "" {
			if k, found := slices.BinarySearch(s.Categories, l.Category); !found {
				s.Categories = slices.Insert(s.Categories, k, l.Category)
			}
		}
		if l.Member != "" {
			// Bounded by Units, checked above: no overflow.
			s.member(l.Member).Units += l.Quantity
		}
	}
	s.Orders++
	s.Days[i].Orders++
	return nil
}

// addOrderDecimal adds o's amounts with decimal arithmetic, for amounts
// outside the fixed-point range.
func (s *Summary) addOrderDecimal(o *Order, d *Day) {
	net := decimal.Zero
	for _, l := range o.Lines {
		g := l.Gross()
		ln := g.Sub(l.Discount)
		net = net.Add(ln)
		s.Gross = s.Gross.Add(g)
		s.Discounts = s.Discounts.Add(l.Discount)
		s.Cost = s.Cost.Add(s.lineCost(l, ln))
		if l.Discount.IsZero() {
			s.FullPriceNet = s.FullPriceNet.Add(ln)
		}
	}
	d.Net = d.Net.Add(net)
}

func (s *Summary) lineCost(l Line, net decimal.Decimal) decimal.Decimal {
	if l.UnitCost.Valid {
		return l.UnitCost.Decimal.Mul(decimal.NewFromInt(int64(l.Quantity)))
	}
	return net.Mul(s.costFactor())
}

// AddReturn adds r, a return of order o's lines, when none of the units
// of o was refunded before: it is [Summary.AddReturnAfter] with a nil map.
// For a later return of the same order use AddReturnAfter, which knows
// the units refunded before; otherwise the refunds of a line split over
// several returns need not add up to the line's net.
func (s *Summary) AddReturn(r Return, o Order) error { return s.addReturn(&r, &o, nil, nil, true) }

// AddReturnAfter adds r, a return of order o's lines (o as given to
// [Summary.AddOrder]), that follows earlier returns of the same order:
// refunded maps a line ID to the units that earlier refunds of it took
// back, as for [Return.ValidateAfter]; exchanges are not counted. A nil
// map means no earlier refunds. [Summarize] adds each return this way, in
// time order.
//
// A refund pays back whole minor units of the order's currency
// ([Currency.Digits]), allocated cumulatively over the units of each
// line: returning u units of a line of q units and net N ([Line.Net])
// after k of its units were refunded before pays back
//
//	refund = round(N × (k+u) ÷ q) − round(N × k ÷ q)
//
// where round rounds half up (half away from zero) to the minor unit. The
// refunds of a line telescope: however the returns split its units, the
// refunds of R units add up to round(N × R ÷ q), what one return of R
// units pays, and to exactly N once every unit has come back. No share
// is negative, so the shares never take Net below what the units kept
// paid. This is
// the cumulative target with which package loyalty claws back the spend
// of a return (half up, per line), so both agree on the money paid back.
//
// The refund is added to Refunded and taken off the net of the order's
// day, and off FullPriceNet when the line sold without a discount. A
// return whose Refund is set pays that instead: the fee kept is not in
// Refunded and stays in the net, while FullPriceNet and the cost taken
// back are those of the goods. A Refund above the share, which
// [Return.ValidateAfter] and a [Recorder] refuse, is kept as recorded
// (see Over-refunds on [Summary]). The
// cost of goods taken back is unit cost × u when the line's unit cost is
// known (exact, as the order added unit cost × q; a unit cost may carry
// more decimals than the currency) and refund × (1 − margin) otherwise;
// either way the cost taken back adds up to the line's cost once every
// unit has been refunded.
//
// An exchange moves no money: it counts in Returns, Exchanges,
// ReturnedUnits and ExchangedUnits only, and leaves the units the
// customer holds ([Summary.KeptUnits]) unchanged.
// A return dated after AsOf is checked all the same (its order with
// [Order.Validate] and it with [Return.ValidateAfter], both with a zero
// now; and for its customer), then left out and counted in Later. An
// invalid order (see [Order.Validate], as of AsOf: the error wraps the
// order's [*ValidationError]), an invalid return (see
// [Return.ValidateAfter], except that its Refund is not compared with the
// share of its units),
// one of another customer or in another currency than the summary's, or
// one that would overflow ReturnedUnits, Returns, Exchanges,
// ExchangedUnits or Later ([ErrOverflow]) returns an error and changes
// nothing.
func (s *Summary) AddReturnAfter(r Return, o Order, refunded map[string]int) error {
	return s.addReturn(&r, &o, refunded, nil, true)
}

// addReturn adds r after the refunds in refunded; with a non-nil acc, the
// amounts of the fast path go to acc, to be flushed later. checkOrder
// says whether o still has to be validated; [Summarize] passes only
// orders that [Summary.AddOrder] validated.
func (s *Summary) addReturn(r *Return, o *Order, refunded map[string]int, acc *accum, checkOrder bool) error {
	if err := s.usable(); err != nil {
		return err
	}
	// A return dated after AsOf is checked without the checks that
	// depend on AsOf (a later return is left out, not in the future) or
	// on the refunds before it, which the summary need not all know: its
	// Refund is not compared with the share of the units.
	later := r.Time.After(s.AsOf)
	now := s.AsOf
	if later {
		now = time.Time{}
	}
	if checkOrder && o != nil {
		if err := o.Validate(now); err != nil {
			return fmt.Errorf("return %q: %w", r.ID, err)
		}
	}
	// A Refund is not compared with the share of its units: one above it
	// is kept as recorded (see Over-refunds on [Summary]).
	var p problems
	r.check(&p, o, refunded, now, noShare)
	if err := p.err("return", r.ID); err != nil {
		return err
	}
	if r.CustomerID != s.CustomerID {
		return fmt.Errorf("return %q of customer %q: %w %q", r.ID, r.CustomerID, ErrWrongCustomer, s.CustomerID)
	}
	if later {
		return s.leaveOut("return", r.ID)
	}
	if o == nil {
		// Only a return dated after AsOf may come without its order.
		return fmt.Errorf("customer: return %q: order %q: %w", r.ID, r.OrderID, ErrNotFound)
	}
	if s.Currency != "" && s.Currency != o.Currency {
		return fmt.Errorf("return %q of customer %q: the currency of order %q: %s, the summary is in %s: %w", r.ID, s.CustomerID, o.ID, o.Currency, s.Currency, &CurrencyMismatchError{A: s.Currency, B: o.Currency})
	}
	// Valid: each −rl.Quantity is in [1, the line's quantity], so the
	// sum fits as the order's units did.
	units := 0
	for _, rl := range r.Lines {
		units -= rl.Quantity
	}
	if _, ok := addCount(s.ReturnedUnits, units); !ok {
		return s.overflow(fmt.Sprintf("return %q", r.ID), "returned units", s.ReturnedUnits, units)
	}
	if s.Returns == math.MaxInt {
		return s.overflow(fmt.Sprintf("return %q", r.ID), "returns", s.Returns, 1)
	}
	if r.Kind == Exchange && s.Exchanges == math.MaxInt {
		return s.overflow(fmt.Sprintf("return %q", r.ID), "exchanges", s.Exchanges, 1)
	}
	if _, ok := addCount(s.ExchangedUnits, units); r.Kind == Exchange && !ok {
		return s.overflow(fmt.Sprintf("return %q", r.ID), "exchanged units", s.ExchangedUnits, units)
	}
	date := s.orderDay(o, acc)
	s.ensureMargin()
	_ = s.currency(o.Currency)
	s.ReturnedUnits += units
	s.Returns++
	if r.Kind == Exchange {
		s.Exchanges++
		s.ExchangedUnits += units
	}
	if o.hasMemberLine() {
		s.addMemberReturn(r, o)
	}
	if r.Kind != Refund {
		return nil
	}
	// The refunds of lines whose amounts fit the fixed-point fast path
	// are summed in rt; the others in decimal. Both round the same exact
	// quotients, so the result does not depend on the path.
	digits := o.Currency.Digits()
	var rt orderTotals
	refund := decimal.Decimal{}
	for _, rl := range r.Lines {
		l := &o.Lines[o.lineIndex(rl.LineID)]
		before, back := refunded[rl.LineID], -rl.Quantity
		if u, ok := fixRefund(l, before, back, digits); ok {
			if sum, ok := rt.plus(u); ok {
				rt = sum
				continue
			}
		}
		share := refundShare(l.Net(), before, back, l.Quantity, digits)
		refund = refund.Add(share)
		if l.UnitCost.Valid {
			s.Cost = s.Cost.Sub(l.UnitCost.Decimal.Mul(decimal.NewFromInt(int64(back))))
		} else {
			s.Cost = s.Cost.Sub(share.Mul(s.costFactor()))
		}
		if l.Discount.IsZero() {
			s.FullPriceNet = s.FullPriceNet.Sub(share)
		}
	}
	// The share paid back: refund in decimal plus rt.net in fixed point.
	var share decimal.Decimal
	if r.Refund.Valid {
		share = addDec(refund, fromFixed(rt.net))
	}
	if rt != (orderTotals{}) {
		// rt holds positive amounts taken back: subtract them.
		back := orderTotals{knownCost: -rt.knownCost, unknownCostNet: -rt.unknownCostNet,
			fullPriceNet: -rt.fullPriceNet, refunded: rt.net, net: -rt.net}
		if acc == nil || !acc.tryAdd(back, date) {
			s.addTotals(orderTotals{knownCost: back.knownCost, unknownCostNet: back.unknownCostNet, fullPriceNet: back.fullPriceNet})
			refund = addDec(refund, fromFixed(rt.net))
		}
	}
	// A fee kept from the share (Refund below it) stays with the shop:
	// it is not refunded and stays in the day's net. The cost and the
	// full-price net taken back are those of the goods, fee or not.
	if r.Refund.Valid {
		if fee := share.Sub(r.Refund.Decimal); fee.Sign() != 0 {
			refund = refund.Sub(fee)
		}
	}
	if refund.Sign() != 0 {
		s.Refunded = addDec(s.Refunded, refund)
		d := s.day(date)
		d.Net = addDec(d.Net, refund.Neg())
	}
	return nil
}

// RefundShare returns the money paid back for refunding back units of a
// line of quantity units and net amount net ([Line.Net]) in currency cur,
// after before of its units were refunded:
//
//	round(net × (before+back) ÷ quantity) − round(net × before ÷ quantity)
//
// rounded half up (half away from zero) to the currency's minor unit, as
// [Summary.AddReturnAfter] pays it and package loyalty claws back the
// spend: the shares of a line add up to its net however its units come
// back. It returns an error matching [ErrInvalid] unless quantity > 0,
// before ≥ 0, back ≥ 0 and before + back ≤ quantity, or when net is
// negative or beyond the bounds of [ParseAmount].
func RefundShare(net decimal.Decimal, before, back, quantity int, cur Currency) (decimal.Decimal, error) {
	if !AmountInRange(net) {
		return decimal.Decimal{}, fmt.Errorf("customer: refund share of %d units after %d of a line of %d units: net %s: %w",
			back, before, quantity, checkAmount(net), ErrInvalid)
	}
	if quantity <= 0 || before < 0 || back < 0 || before > quantity-back || net.Sign() < 0 {
		return decimal.Decimal{}, fmt.Errorf("customer: refund share of %d units after %d of a line of %d units and net %s: %w",
			back, before, quantity, cur.Format(net), ErrInvalid)
	}
	return refundShare(net, before, back, quantity, cur.Digits()), nil
}

// refundShare is [RefundShare] for valid arguments, with the currency's
// digits.
func refundShare(net decimal.Decimal, before, back, q int, digits int32) decimal.Decimal {
	return refundTarget(net, before+back, q, digits).Sub(refundTarget(net, before, q, digits))
}

// refundTarget returns net × k ÷ q rounded half up (half away from zero)
// to digits decimals: the money paid back, in all, for k units of the
// line.
func refundTarget(net decimal.Decimal, k, q int, digits int32) decimal.Decimal {
	if k == 0 {
		return decimal.Zero
	}
	return net.Mul(decimal.NewFromInt(int64(k))).DivRound(decimal.NewFromInt(int64(q)), digits)
}

// fixRefund returns, in fixed point, the amounts taken back by refunding
// back units of l after before of its units were refunded, in a currency
// of digits decimals (net: the refund, as [refundShare]; knownCost: unit
// cost × back, or unknownCostNet: the refund; fullPriceNet: the refund
// when l sold at full price), or false when they do not fit the fast
// path.
func fixRefund(l *Line, before, back int, digits int32) (orderTotals, bool) {
	f, ok := fixLine(l)
	if !ok || before < 0 || back <= 0 || back > l.Quantity-before || digits < 0 || digits > fixScale {
		return orderTotals{}, false
	}
	q := int64(l.Quantity)
	net := f.gross - f.discount
	hi, ok := fixTarget(net, int64(before+back), q, digits)
	if !ok {
		return orderTotals{}, false
	}
	lo, ok := fixTarget(net, int64(before), q, digits)
	if !ok {
		return orderTotals{}, false
	}
	share := hi - lo
	u := orderTotals{net: share}
	if f.costKnown {
		// f.cost is unit cost × q, so this is unit cost × back, below
		// f.cost.
		u.knownCost = f.cost / q * int64(back)
	} else {
		u.unknownCostNet = share
	}
	if f.discount == 0 {
		u.fullPriceNet = share
	}
	return u, true
}

// fixTarget is [refundTarget] in fixed point: net × k ÷ q rounded half up
// to digits decimals, for net ≥ 0 and 0 ≤ k ≤ q ≤ fixMaxQty; false
// otherwise or when net × k overflows.
func fixTarget(net, k, q int64, digits int32) (int64, bool) {
	if net < 0 || k < 0 || k > q || q > fixMaxQty {
		return 0, false
	}
	if k == 0 {
		return 0, true
	}
	if net > math.MaxInt64/k {
		return 0, false
	}
	unit := pow10[fixScale-digits] // one minor unit
	d := q * unit                  // ≤ 10^10
	quo, rem := net*k/d, net*k%d
	if rem >= d-rem { // 2 × rem ≥ d: half or more rounds up
		quo++
	}
	return quo * unit, true
}

// addDec returns a + b, without an addition when a is zero.
func addDec(a, b decimal.Decimal) decimal.Decimal {
	if a.Sign() == 0 {
		return b
	}
	return a.Add(b)
}

// AddRefund records money paid back when the order it belongs to is not
// known, as in sales exports where a return is a row with a negative
// amount: amount (> 0) is taken off day t (see Days on [Summary]), and
// units (in [0, [MaxLineQuantity]]) count as returned. Cost of the
// returned goods is reduced at the default margin.
//
// The amount is kept exactly as given, also when it has more decimals
// than its currency's minor unit: a refund of a computed net such as
// 12.345 EUR is neither rounded nor rejected, the rule of the sales-export
// rows of package salesrow (an amount beyond the bounds of [ParseAmount]
// is rejected). A refund dated after AsOf is checked all the same, then
// left out and counted in Later. An invalid refund (such as one of a zero
// time or one before [MinRecordYear]), or one that would
// overflow ReturnedUnits, Returns or Later ([ErrOverflow]), returns an
// error and changes nothing.
func (s *Summary) AddRefund(t time.Time, amount Money, units int) error {
	if err := s.usable(); err != nil {
		return err
	}
	var p problems
	checkTime(&p, "time", t, time.Time{})
	if msg := checkAmount(amount.Amount()); msg != "" {
		p.add("amount", CodeRange, msg)
	} else if amount.Sign() <= 0 {
		p.add("amount", CodeNotPos, "must be positive")
	}
	if !amount.Currency().Valid() {
		p.add("currency", CodeUnknown, fmt.Sprintf("unknown currency %q", amount.Currency()))
	}
	if units < 0 {
		p.add("units", CodeNegative, "must not be negative")
	} else if units > MaxLineQuantity {
		p.add("units", CodeRange, fmt.Sprintf("%d is above the maximum of %d", units, MaxLineQuantity))
	}
	if err := p.err("refund of customer", string(s.CustomerID)); err != nil {
		return err
	}
	if t.After(s.AsOf) {
		return s.leaveOut("refund", "")
	}
	if s.Currency != "" && s.Currency != amount.Currency() {
		return fmt.Errorf("refund of customer %q: amount: in %s, the summary is in %s: %w", s.CustomerID, amount.Currency(), s.Currency, &CurrencyMismatchError{A: s.Currency, B: amount.Currency()})
	}
	if _, ok := addCount(s.ReturnedUnits, units); !ok {
		return s.overflow("refund", "returned units", s.ReturnedUnits, units)
	}
	if s.Returns == math.MaxInt {
		return s.overflow("refund", "returns", s.Returns, 1)
	}
	s.ensureMargin()
	_ = s.currency(amount.Currency())
	a := amount.Amount()
	s.ReturnedUnits += units
	s.Returns++
	s.Refunded = s.Refunded.Add(a)
	s.Cost = s.Cost.Sub(a.Mul(decimal.NewFromInt(1).Sub(s.margin)))
	d := s.day(dayOf(t, s.asOfDay()))
	d.Net = d.Net.Sub(a)
	return nil
}

// AddInteraction counts i. One dated after AsOf is checked all the same
// (as [Interaction.Validate] with a zero now, and for its customer), then
// left out and counted in Later. An invalid interaction, one of another
// customer, or one that would overflow Interactions or Later
// ([ErrOverflow]) returns an error and changes nothing.
//
// AddInteraction does not know the interactions added before: it is the
// caller's job not to add one interaction twice ([Summarize] skips an
// interaction equal to one it read, [Interaction.Equal]).
func (s *Summary) AddInteraction(i Interaction) error {
	if err := s.usable(); err != nil {
		return err
	}
	later := i.Time.After(s.AsOf)
	now := s.AsOf
	if later {
		now = time.Time{}
	}
	if err := i.Validate(now); err != nil {
		return err
	}
	if i.CustomerID != s.CustomerID {
		return fmt.Errorf("interaction of customer %q: %w %q", i.CustomerID, ErrWrongCustomer, s.CustomerID)
	}
	if later {
		return s.leaveOut("interaction", "")
	}
	if s.Interactions == math.MaxInt {
		return s.overflow("interaction", "interactions", s.Interactions, 1)
	}
	s.Interactions++
	s.noteInteraction(i.Time)
	return nil
}

// noteInteraction makes t, the instant of an interaction at or before
// AsOf, LastInteraction when it is later, or the same instant on an
// earlier calendar day ([DateOf]): of one instant written in two zones,
// the earlier day counts, whichever came first, as for an order
// delivered twice ([Summarize]).
func (s *Summary) noteInteraction(t time.Time) {
	if laterInteraction(t, s.LastInteraction) {
		s.LastInteraction = t
	}
}

// laterInteraction reports whether an interaction at t is the last one
// rather than one at last: t is after last, or the same instant on an
// earlier calendar day.
func laterInteraction(t, last time.Time) bool {
	return t.After(last) || (t.Equal(last) && DateOf(t) < DateOf(last))
}

// ErrMergeMismatch is matched by the error of [Summary.Merge] for
// summaries of different customers or kinds, as of different instants or
// days, or with different default margins. The error names the customers
// and what differs.
var ErrMergeMismatch = errors.New("customer: summaries do not match")

// Merge returns the summary of the union of the two histories that s and
// t summarise. They must be of the same customer and kind, as of the same
// AsOf, the same instant on the same calendar day (the same instant in
// two zones can fall on two days, and the days of a summary depend on
// AsOf's: see Days on [Summary]), with the same default margin
// ([SummaryOptions]; [DefaultMargin] for a summary decoded without its
// options), and in the same currency (or one of them without orders); a
// count of the union that would not fit in an int is an error matching
// [ErrOverflow]. Summaries that do not match give an error matching
// [ErrMergeMismatch] that says what differs. The result does not depend
// on which of the two is the receiver, but for the zone AsOf is written
// in: s's.
//
// The two histories must not share a fact, which Merge cannot see: an
// order belongs to one of them with its returns and credits, and an
// interaction with every redelivery of it ([Interaction.Equal]), which
// [Summarize] counts once; an interaction in both is counted twice.
func (s Summary) Merge(t Summary) (Summary, error) {
	if err := s.mismatch(&t); err != nil {
		return Summary{}, err
	}
	if err := s.usable(); err != nil {
		return Summary{}, err
	}
	if err := t.usable(); err != nil {
		return Summary{}, err
	}
	m := s
	if s.Currency == "" {
		m.Currency = t.Currency
	} else if t.Currency != "" && t.Currency != s.Currency {
		return Summary{}, fmt.Errorf("merge of two summaries of customer %q: currency: %s and %s: %w", s.CustomerID, s.Currency, t.Currency, &CurrencyMismatchError{A: s.Currency, B: t.Currency})
	}
	if m.margin.IsZero() {
		m.margin, m.costShare = t.margin, t.costShare
	}
	counts := [...]struct {
		name string
		a, b int
	}{
		{"orders", s.Orders, t.Orders}, {"units", s.Units, t.Units},
		{"returned units", s.ReturnedUnits, t.ReturnedUnits}, {"returns", s.Returns, t.Returns},
		{"exchanges", s.Exchanges, t.Exchanges}, {"interactions", s.Interactions, t.Interactions},
		{"later", s.Later, t.Later}, {"credits", s.Credits, t.Credits},
		{"exchanged units", s.ExchangedUnits, t.ExchangedUnits},
	}
	var sums [len(counts)]int
	for i, c := range counts {
		v, ok := addCount(c.a, c.b)
		if !ok {
			return Summary{}, fmt.Errorf("merge of customer %q: %s: %d + %d does not fit in an int: %w", s.CustomerID, c.name, c.a, c.b, ErrOverflow)
		}
		sums[i] = v
	}
	m.Orders, m.Units, m.ReturnedUnits, m.Returns, m.Exchanges, m.Interactions, m.Later, m.Credits = sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7]
	m.ExchangedUnits = sums[8]
	m.Gross = s.Gross.Add(t.Gross)
	m.Discounts = s.Discounts.Add(t.Discounts)
	m.Refunded = s.Refunded.Add(t.Refunded)
	m.Credited = s.Credited.Add(t.Credited)
	m.Cost = s.Cost.Add(t.Cost)
	m.FullPriceNet = s.FullPriceNet.Add(t.FullPriceNet)
	if laterInteraction(t.LastInteraction, m.LastInteraction) {
		m.LastInteraction = t.LastInteraction
	}
	m.Days = mergeDays(s.Days, t.Days)
	m.Categories = mergeSorted(s.Categories, t.Categories)
	m.Members = mergeMembers(s.Members, t.Members)
	return m, nil
}

// mismatch returns nil when s and t can be merged, and otherwise an error
// matching ErrMergeMismatch that names both customers and says what
// differs: the customer IDs, the kinds, the as-of instants, the as-of
// calendar days (and the spend windows that derive from them) or the
// default margins.
func (s *Summary) mismatch(t *Summary) error {
	var what []string
	if s.CustomerID != t.CustomerID {
		what = append(what, "the customers differ")
	}
	if s.Kind != t.Kind {
		what = append(what, fmt.Sprintf("the kinds differ (%s and %s)", s.Kind, t.Kind))
	}
	if !s.AsOf.Equal(t.AsOf) {
		what = append(what, fmt.Sprintf("the as-of instants differ (%s and %s)", s.AsOf.Format(time.RFC3339Nano), t.AsOf.Format(time.RFC3339Nano)))
	} else {
		sd, sy, s2 := SpendWindows(s.AsOf)
		td, ty, t2 := SpendWindows(t.AsOf)
		if sd != td || sy != ty || s2 != t2 {
			what = append(what, fmt.Sprintf("the as-of days differ (%s and %s): the same instant in zones whose dates differ", sd, td))
		}
	}
	if sm, tm := s.effectiveMargin(), t.effectiveMargin(); !decEqual(sm, tm) {
		what = append(what, fmt.Sprintf("the default margins differ (%s and %s; a summary decoded from JSON or gob needs SetOptions)", safeString(sm), safeString(tm)))
	}
	if len(what) == 0 {
		return nil
	}
	whose := fmt.Sprintf("two summaries of customer %q", s.CustomerID)
	if s.CustomerID != t.CustomerID {
		whose = fmt.Sprintf("the summaries of customers %q and %q", s.CustomerID, t.CustomerID)
	}
	return fmt.Errorf("merge of %s: %s: %w", whose, strings.Join(what, "; "), ErrMergeMismatch)
}

func mergeDays(a, b []Day) []Day {
	out := make([]Day, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].Date < b[j].Date):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].Date < a[i].Date:
			out = append(out, b[j])
			j++
		default:
			out = append(out, Day{Date: a[i].Date, Orders: a[i].Orders + b[j].Orders, Net: a[i].Net.Add(b[j].Net)})
			i++
			j++
		}
	}
	return out
}

func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Net returns what the customer paid and kept: Gross − Discounts −
// Refunded − Credited.
func (s Summary) Net() decimal.Decimal {
	a := s.netSum()
	return a.value()
}

// netSum returns Gross − Discounts − Refunded − Credited as an exact sum.
// A zero Credited is left out, so that the net of a summary without
// credits has the exponent it had before credits existed.
func (s *Summary) netSum() decSum {
	a := sumFrom(s.Gross)
	a.add(s.Discounts, true)
	a.add(s.Refunded, true)
	if !s.Credited.IsZero() {
		a.add(s.Credited, true)
	}
	return a
}

// GrossProfit returns Net − Cost.
func (s Summary) GrossProfit() decimal.Decimal {
	a := s.netSum()
	a.add(s.Cost, true)
	return a.value()
}

// AverageOrderValue returns Net ÷ Orders, to four decimals; zero without
// orders.
func (s Summary) AverageOrderValue() decimal.Decimal {
	if s.Orders == 0 {
		return decimal.Zero
	}
	a := s.netSum()
	return a.divRound(int64(s.Orders), 4)
}

// KeptUnits returns the units the customer bought and did not send back
// for a refund: Units − (ReturnedUnits − ExchangedUnits). An exchange
// swaps units for as many others and leaves it unchanged, and a unit
// exchanged and then refunded counts once, so it is never below the
// units sold less those refunded. It is negative only when refunds
// ([Summary.AddRefund], [Summary.AddSale]) bring back units sold before
// the history summarised, or when fields were set by hand.
func (s Summary) KeptUnits() int {
	return s.Units - (s.ReturnedUnits - s.ExchangedUnits)
}

// ReturnRate returns ReturnedUnits ÷ Units, clamped to [0, 1]: zero
// without units returned, 1 for units returned without units bought. The
// ratio can exceed 1 when refunds ([Summary.AddRefund], [Summary.AddSale])
// bring back units sold before the history summarised (a sales export's
// window), or when units come back more than once: an exchange, then a
// refund (or another exchange) of the replacement. Either way at least as
// many units came back as were sold, so the rate is 1; a customer whose
// window holds only returns is the limit of that. ReturnedUnits itself
// keeps the count as recorded.
func (s Summary) ReturnRate() float64 {
	if s.Units <= 0 {
		if s.ReturnedUnits > 0 {
			return 1
		}
		return 0
	}
	return min(max(float64(s.ReturnedUnits)/float64(s.Units), 0), 1)
}

// FullPriceShare returns the share of the net amount kept that was paid
// at full price (lines, or sales-export rows, with no discount):
// FullPriceNet ÷ Net, at most 1, and 0 when either is not positive
// (without sales, or after refunds of more than they brought in).
func (s Summary) FullPriceShare() float64 {
	n := s.Net()
	if n.Sign() <= 0 || s.FullPriceNet.Sign() <= 0 {
		return 0
	}
	f, _ := s.FullPriceNet.Div(n).Float64()
	return min(f, 1)
}

// CategoryBreadth returns the number of distinct categories bought.
func (s Summary) CategoryBreadth() int { return len(s.Categories) }

// PurchaseDays returns the number of distinct days with an order.
func (s Summary) PurchaseDays() int {
	n := 0
	for _, d := range s.Days {
		if d.Orders > 0 {
			n++
		}
	}
	return n
}

// FirstPurchase returns the day of the first order; ok is false without
// orders.
func (s Summary) FirstPurchase() (d Date, ok bool) {
	for _, x := range s.Days {
		if x.Orders > 0 {
			return x.Date, true
		}
	}
	return 0, false
}

// LastPurchase returns the day of the last order; ok is false without
// orders.
func (s Summary) LastPurchase() (d Date, ok bool) {
	for i := len(s.Days) - 1; i >= 0; i-- {
		if s.Days[i].Orders > 0 {
			return s.Days[i].Date, true
		}
	}
	return 0, false
}

// DaysSinceLastPurchase returns the whole days from the last order to
// AsOf; ok is false without orders.
func (s Summary) DaysSinceLastPurchase() (days int, ok bool) {
	last, ok := s.LastPurchase()
	if !ok {
		return 0, false
	}
	return int(DateOf(s.AsOf) - last), true
}

// DaysSinceLastInteraction returns the whole days from the day of the
// last interaction to AsOf's day, and false when there was none. The
// interaction counts on its own calendar day, but never on a day after
// AsOf's, as a record's day does (see Days): one written in a zone ahead
// of AsOf's can fall on the next calendar day, and is 0 days ago, not −1.
func (s Summary) DaysSinceLastInteraction() (days int, ok bool) {
	if s.LastInteraction.IsZero() {
		return 0, false
	}
	asOf := s.asOfDay()
	return int(asOf - dayOf(s.LastInteraction, asOf)), true
}

// Gaps returns the days between consecutive purchase days, oldest first.
func (s Summary) Gaps() []int {
	n := s.PurchaseDays()
	if n < 2 {
		return nil
	}
	return s.appendGaps(make([]int, 0, n-1), 1)
}

// appendGaps appends to g the gaps between the first days of
// consecutive shopping occasions: a purchase day less than window days
// after the first day of the current occasion belongs to it, any other
// opens the next. With a window of 1 day or less every purchase day is
// an occasion.
func (s *Summary) appendGaps(g []int, window int) []int {
	var start Date
	seen := false
	for i := range s.Days {
		d := &s.Days[i]
		switch {
		case d.Orders <= 0:
		case !seen:
			start, seen = d.Date, true
		case int(d.Date-start) >= window:
			g = append(g, int(d.Date-start))
			start = d.Date
		}
	}
	return g
}

// GapStats describes the intervals between a customer's purchase days, or
// shopping occasions, in days. N is the number of gaps (purchase days or
// occasions − 1); the other fields are zero when N is 0.
type GapStats struct {
	N      int
	Mean   float64
	Median float64
	Last   int
}

// gapBuf is the number of gaps GapStats sorts without allocating.
const gapBuf = 64

// GapStats returns the mean, median and last gap between purchase days.
// The median of an even number of gaps is the mean of the middle two.
func (s Summary) GapStats() GapStats { return s.gapStats(1) }

// DefaultOccasionWindow is the usual window of [Summary.OccasionGapStats],
// in days: the purchases of one week are one shopping occasion.
const DefaultOccasionWindow = 7

// OccasionGapStats is [Summary.GapStats] over shopping occasions instead
// of purchase days: a purchase day less than window days after the first
// day of an occasion belongs to it, any other day opens the next, and the
// gaps are taken between the first days of consecutive occasions. Days a
// few apart — a coat on Saturday and the matching scarf on Sunday, an
// online order and a store visit in the same week — are one occasion, not
// a habit of buying daily: a customer who shops so once a year has
// purchase-day gaps 1, 364, 1, 364, 1 (median 1) but occasion gaps 365,
// 365 (median 365). An occasion is anchored at its first day, not chained
// day to day, so a customer who buys every 3 days has occasions 9 days
// apart with a window of 7, not one occasion for ever. Days at least
// window apart are each an occasion; a window of 1 or less gives
// GapStats.
func (s Summary) OccasionGapStats(window int) GapStats { return s.gapStats(window) }

func (s *Summary) gapStats(window int) GapStats {
	var buf [gapBuf]int
	g := s.appendGaps(buf[:0], window)
	if len(g) == 0 {
		return GapStats{}
	}
	sum := 0
	for _, x := range g {
		sum += x
	}
	last := g[len(g)-1]
	if len(g) <= 16 {
		// insertion sort: a customer has a handful of gaps
		for i := 1; i < len(g); i++ {
			for j := i; j > 0 && g[j] < g[j-1]; j-- {
				g[j], g[j-1] = g[j-1], g[j]
			}
		}
	} else {
		slices.Sort(g)
	}
	n := len(g)
	med := float64(g[n/2])
	if n%2 == 0 {
		med = float64(g[n/2-1]+g[n/2]) / 2
	}
	return GapStats{N: n, Mean: float64(sum) / float64(n), Median: med, Last: last}
}

// SpendLast12Months returns the net amount of the days in the year up to
// AsOf (after AsOf minus one year), and SpendPrior12Months that of the
// year before. Together they measure growth.
func (s Summary) SpendLast12Months() decimal.Decimal {
	day, yearAgo, _ := SpendWindows(s.AsOf)
	return s.spendBetween(yearAgo, day)
}

// SpendPrior12Months returns the net amount of the days after AsOf minus
// two years and up to AsOf minus one year.
func (s Summary) SpendPrior12Months() decimal.Decimal {
	_, yearAgo, twoYears := SpendWindows(s.AsOf)
	return s.spendBetween(twoYears, yearAgo)
}

// Spend12Months returns SpendLast12Months and SpendPrior12Months in one
// pass over the days.
func (s Summary) Spend12Months() (last, prior decimal.Decimal) {
	asOf, yearAgo, twoYears := SpendWindows(s.AsOf)
	l, p := zeroSum(), zeroSum()
	nl, np := 0, 0
	for i := range s.Days {
		d := &s.Days[i]
		switch {
		case d.Date > yearAgo && d.Date <= asOf:
			l.add(d.Net, false)
			nl++
		case d.Date > twoYears && d.Date <= yearAgo:
			p.add(d.Net, false)
			np++
		}
	}
	last, prior = decimal.Zero, decimal.Zero
	if nl > 0 {
		last = l.value()
	}
	if np > 0 {
		prior = p.value()
	}
	return last, prior
}

// spendBetween sums the net of days in (from, to].
func (s *Summary) spendBetween(from, to Date) decimal.Decimal {
	sum, n := zeroSum(), 0
	for i := range s.Days {
		d := &s.Days[i]
		if d.Date > from && d.Date <= to {
			sum.add(d.Net, false)
			n++
		}
	}
	if n == 0 {
		return decimal.Zero
	}
	return sum.value()
}

// Period is the time unit of the buy-till-you-die triple. Its zero value
// is not a period: [Summary.BTYD] and [Summary.Opportunities] panic on
// it.
type Period uint8

const (
	// Days counts time in whole days between dates.
	Days Period = iota + 1
	// Weeks counts time in days ÷ 7.
	Weeks
)

// BTYD returns the triple of the buy-till-you-die models as of AsOf, with
// the conventions of the BTYD literature (Fader, Hardie & Lee 2005), the
// lifetimes library and CLVTools: the orders of one day are one
// transaction; frequency is the number of purchase days after the first,
// recency the time from the first to the last purchase day, and T the time
// from the first purchase day to the day of AsOf, in days or weeks (days ÷
// 7). ok is false without orders. T is 0 for a customer whose first
// purchase is on the day of AsOf: the churn models take T > 0 only, so
// such a customer is left out of a fit and scored as just bought
// (P(alive) = 1), as risk.Collect and crm do.
//
// It panics when unit is not Days or Weeks ([Period.Valid]), with or
// without purchases: a Period comes from the calling code or from
// [ParsePeriod], which rejects every other text, so another value (a
// zero Period left unset, a number of days such as 7) is a programming
// error that would otherwise be read silently as days.
func (s Summary) BTYD(unit Period) (frequency int, recency, T float64, ok bool) {
	unit.mustBeValid("BTYD")
	first, ok := s.FirstPurchase()
	if !ok {
		return 0, 0, 0, false
	}
	last, _ := s.LastPurchase()
	div := 1.0
	if unit == Weeks {
		div = 7
	}
	return s.PurchaseDays() - 1, float64(last-first) / div, float64(DateOf(s.AsOf)-first) / div, true
}

// MeanRepeatSpend returns the mean net amount of the repeat transactions:
// the net of the purchase days after the first, divided by their number.
// It is the input of the Gamma-Gamma spend model (Fader, Hardie & Lee
// 2005, "RFM and CLV"), which excludes the first transaction. ok is false
// when there is no repeat purchase.
func (s Summary) MeanRepeatSpend() (mean decimal.Decimal, ok bool) {
	sum, n := s.repeatSpend()
	if n == 0 {
		return decimal.Zero, false
	}
	return sum.divRound(int64(n), 8), true
}

// MeanRepeatSpendFloat returns [Summary.MeanRepeatSpend] as the nearest
// float64 (what decimal.Decimal.InexactFloat64 of it gives), for models
// that work in float64 such as Gamma-Gamma. It does not allocate for the
// amounts of real shops: a mean below 2⁵³ × 10⁻⁸ is its coefficient,
// exact in float64, divided by 10⁸, one correctly rounded division.
func (s Summary) MeanRepeatSpendFloat() (mean float64, ok bool) {
	sum, n := s.repeatSpend()
	if n == 0 {
		return 0, false
	}
	if q, ok := sum.divRoundInt(int64(n), 8); ok && q > -(1<<53) && q < 1<<53 {
		return float64(q) / 1e8, true
	}
	return sum.divRound(int64(n), 8).InexactFloat64(), true
}

// repeatSpend returns the sum of the net of the purchase days after the
// first, and their number.
func (s *Summary) repeatSpend() (decSum, int) {
	sum, n, seen := zeroSum(), 0, false
	for i := range s.Days {
		d := &s.Days[i]
		if d.Orders == 0 {
			continue
		}
		if !seen {
			seen = true
			continue
		}
		sum.add(d.Net, false)
		n++
	}
	return sum, n
}

// Tenure returns the whole days from the first purchase to AsOf; ok is
// false without orders.
func (s Summary) Tenure() (days int, ok bool) {
	first, ok := s.FirstPurchase()
	if !ok {
		return 0, false
	}
	return int(DateOf(s.AsOf) - first), true
}
