package customer

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// Recorder records facts in customers' histories after checking them
// against what is stored: the customer (for the household members an
// order names), the customer's orders (for the returns and credits of
// one), the returns and price reductions recorded before, and the
// currency of the history. A [HistoryWriter] checks only that the
// customer and the order exist and that IDs are not reused; a history
// written only through a Recorder also holds together as a whole, so
// [SummarizeHistory] summarises it as of any instant: no record of it is
// invalid, none names an order the history lacks, all are in one
// currency, and no return brings back more than the customer holds when
// the returns are taken in time order, as a summary takes them.
//
// Each Record call but [Recorder.RecordInteraction] reads the whole
// history of the record's customer: the cost of a record grows with the
// customer's history, which for a clothing customer is short.
//
// # Redelivery
//
// A record equal to one stored under its ID ([Order.Equal],
// [Return.Equal], [Credit.Equal], [Interaction.Equal]) is the same fact
// delivered again: it is handed to the store, whose append of it is a
// no-op, without being checked again. It was checked when it was first
// recorded, against the history and the customer as they were then, and
// recording it again changes nothing; so an order delivered again after
// its units were refunded, after the member it names left the household,
// or with a now earlier than its own time, is still accepted (with a
// zero now it is not: see The time of recording). A record under a
// stored ID with other content is refused with a [*DuplicateError]
// naming the first field that differs. An order whose lines carry IDs
// is equal to one with the same lines in another sequence
// ([Order.Equal]). [Recorder.RecordOrderStored] and
// [Recorder.RecordReturnStored] tell a caller whether an order or a
// return was stored or was such a redelivery.
//
// # The time of recording
//
// Each Record call takes now, the time the record is recorded (the
// host's clock; the library reads none), and refuses a record dated
// after it. The validators ([Order.Validate] and the others) skip that
// check for a zero now; a Recorder does not: it refuses a zero now with
// a [*ValidationError] of the record on "now" (CodeRequired), holding the
// record's other problems that show without its history too, and stores
// nothing, also for a redelivery. A record dated in a later year is then
// never stored because a host forgot to pass the time. A host that loads
// records of the past (an import of another system's history) passes the
// time of the load.
//
// # Every problem at once
//
// A refused record is reported with every problem found in it at once,
// in one [*ValidationError]: those of its validator and those found
// against the history, also when its own ID is empty, blank or holds a
// control character (a store refuses a record without an ID before its
// history could be checked, [HistoryWriter]; the Recorder checks such a
// record against the history it reads and appends nothing). A record
// whose customer ID is not an ID has no history to check against, and
// is reported with the problems of its validator, at time now.
//
// # Concurrency
//
// A Recorder is safe for concurrent use when its stores are, and it
// serialises the records of one customer, so that two returns of one
// order recorded at once are checked one after the other and cannot
// together bring back more units than were sold. Every check depends
// only on the history of the record's customer (IDs unique across
// customers are the store's to enforce, in its append), so records of
// different customers need not wait for each other (a store may still
// serialise them, as MemStore does).
//
// When History is a [CheckedAppender] (as [MemStore] and the database
// stores of the examples are), each record is checked and appended in
// one atomic step of the store: Recorders in several processes on one
// database serialise each customer's records among themselves. Otherwise
// each Record call holds an in-process lock of the record's customer,
// in this Recorder, from reading the history to the append; then two
// Recorders, two processes, or a writer that appends to the store
// directly can still interleave a check and an append, and two returns
// of one order can over-return it, after which [SummarizeHistory] fails
// for the customer. A deployment with several writers over such a store
// must send all records of a customer through one Recorder (for instance
// by partitioning the incoming records by customer ID), or hold a lock
// of its own per customer around each Record call. In either case a
// writer that appends to the store directly, not through a Recorder, is
// not checked.
//
// A Recorder must not be copied after first use. Its zero value with
// the two stores set is ready to use.
type Recorder struct {
	// Customers reads the customer of an order, whose household
	// members the order's lines name; required.
	Customers Getter
	// History reads the history the records are checked against and
	// stores them; required.
	History HistoryStore

	mu    sync.Mutex
	locks map[ID]*customerLock
}

// customerLock is the lock of one customer: a channel of one slot, so
// that waiting for it stops when the context is done, and the number of
// calls that hold or wait for it, so that it is dropped when none does.
type customerLock struct {
	slot  chan struct{}
	users int
}

// lock takes the lock of customer id and returns the function that
// releases it, or an error wrapping ctx.Err() when the context is done
// before the lock is free.
func (r *Recorder) lock(ctx context.Context, id ID, op string) (func(), error) {
	r.mu.Lock()
	if r.locks == nil {
		r.locks = make(map[ID]*customerLock)
	}
	l := r.locks[id]
	if l == nil {
		l = &customerLock{slot: make(chan struct{}, 1)}
		r.locks[id] = l
	}
	l.users++
	r.mu.Unlock()
	done := func() {
		r.mu.Lock()
		if l.users--; l.users == 0 {
			delete(r.locks, id)
		}
		r.mu.Unlock()
	}
	select {
	case l.slot <- struct{}{}:
		return func() { <-l.slot; done() }, nil
	case <-ctx.Done():
		done()
		return nil, fmt.Errorf("customer: %s: %w", op, ctx.Err())
	}
}

// stored is what a Record call reads of a customer's history.
type stored struct {
	orders       map[string]Order
	returns      map[string]Return
	credits      map[string]Credit
	interactions []Interaction
	// currency is the currency of the history's orders and credits;
	// empty when it has none.
	currency Currency
}

// read reads the history of customer id.
func (r *Recorder) read(ctx context.Context, id ID) (*stored, error) {
	return collect(r.History.History(ctx, id))
}

// commit checks the record e holds against the history of its customer
// with check and appends it: in one step of the store when it is a
// [CheckedAppender], and otherwise under the Recorder's lock of the
// customer, between reading the history and appending. op names the
// operation in an error of the lock. An error that does not name the
// record (an unknown customer, a done context) is wrapped in one that
// does.
func (r *Recorder) commit(ctx context.Context, e Event, op string, check func(*stored) error) error {
	return named(e, r.commitStep(ctx, e, op, check))
}

// named returns err, when not nil, wrapped in an error naming the record
// e holds unless it names it already.
func named(e Event, err error) error {
	if err == nil {
		return nil
	}
	name := e.Record()
	if strings.Contains(err.Error(), name) {
		return err
	}
	return fmt.Errorf("customer: %s: %w", name, err)
}

// refuse checks the record e holds, whose own ID is not an ID (empty,
// blank, or with a control character: see [Order.Validate]), against
// the history of its customer with check, and returns the error, which
// then holds every problem of the record, the one of its ID among them:
// those of its validator and those found against the history. A store
// refuses to append a record without an ID before its check could run
// ([HistoryWriter]); the record is refused in any case, so the history
// is only read, without the lock of the customer, and nothing is
// appended. A stored record under the same ID, which only a writer that
// bypasses the Recorder can have stored, is not taken for a redelivery.
// alone returns the problems of the record that show without the
// history; it answers when check finds none.
func (r *Recorder) refuse(ctx context.Context, e Event, check func(*stored) error, alone func() error) error {
	h, err := r.read(ctx, e.CustomerID())
	if err != nil {
		return named(e, err)
	}
	switch {
	case e.Order != nil:
		delete(h.orders, e.Order.ID)
	case e.Return != nil:
		delete(h.returns, e.Return.ID)
	case e.Credit != nil:
		delete(h.credits, e.Credit.ID)
	}
	if err := check(h); err != nil {
		return named(e, err)
	}
	return alone()
}

// zeroNow adds to p the problem of a zero now, which every Record call
// refuses: with it, the check that the record is not dated after the
// time it is recorded would be skipped ([Order.Validate]), and a record
// dated in a later year would be stored.
func zeroNow(p *problems, now time.Time) {
	if now.IsZero() {
		p.add("now", CodeRequired, "is zero: a record is checked against the time it is recorded, which is required")
	}
}

// Record names the record e holds, for errors and logs: `order "O-1"`,
// `return "R-1"`, `credit "K-1"` or `interaction of customer "C-1"`;
// "event" when it holds none or more than one.
func (e Event) Record() string {
	switch {
	case e.records() != 1:
		return "event"
	case e.Order != nil:
		return recordName("order", e.Order.ID)
	case e.Return != nil:
		return recordName("return", e.Return.ID)
	case e.Credit != nil:
		return recordName("credit", e.Credit.ID)
	}
	return "interaction of customer " + strconv.Quote(string(e.Interaction.CustomerID))
}

// commitStep is commit without the naming of the record in its error.
func (r *Recorder) commitStep(ctx context.Context, e Event, op string, check func(*stored) error) error {
	if a, ok := r.History.(CheckedAppender); ok {
		return a.AppendChecked(ctx, e, func(evs []Event) error {
			h, err := collect(func(yield func(Event, error) bool) {
				for _, e := range evs {
					if !yield(e, nil) {
						return
					}
				}
			})
			if err != nil {
				return err
			}
			return check(h)
		})
	}
	id := e.CustomerID()
	unlock, err := r.lock(ctx, id, op)
	if err != nil {
		return err
	}
	defer unlock()
	h, err := r.read(ctx, id)
	if err != nil {
		return err
	}
	if err := check(h); err != nil {
		return err
	}
	return Append(ctx, r.History, e)
}

// collect gathers what a Record call needs of a history.
func collect(seq iter.Seq2[Event, error]) (*stored, error) {
	h := &stored{orders: map[string]Order{}, returns: map[string]Return{}, credits: map[string]Credit{}}
	if seq == nil {
		return h, nil
	}
	for e, err := range seq {
		if err != nil {
			return nil, err
		}
		switch {
		case e.Order != nil:
			h.orders[e.Order.ID] = *e.Order
			if h.currency == "" {
				h.currency = e.Order.Currency
			}
		case e.Return != nil:
			h.returns[e.Return.ID] = *e.Return
		case e.Credit != nil:
			h.credits[e.Credit.ID] = *e.Credit
			if h.currency == "" {
				h.currency = e.Credit.Amount.Currency()
			}
		case e.Interaction != nil:
			h.interactions = append(h.interactions, *e.Interaction)
		}
	}
	return h, nil
}

// RecordOrder checks o and appends it to its customer's history. It
// refuses, with the [*ValidationError] of [Order.ValidateFor] against the
// customer as it is now (every bad field at once), an order that is
// invalid at time now, names a household member the customer does not
// have, or, in the same error, is in another currency than the orders
// and credits the customer's history holds ("currency", CodeMismatch: a
// summary is in one currency). An order of an unknown customer is an
// error wrapping [ErrNotFound]. A zero now is refused ("now",
// CodeRequired), as for every Record call: it would skip the check that
// o is not dated after now (see The time of recording on [Recorder]). A
// refused order stores nothing. See [Recorder] for redelivery, and
// [Recorder.RecordOrderStored] to know whether the order was stored or
// found already recorded.
func (r *Recorder) RecordOrder(ctx context.Context, o Order, now time.Time) error {
	_, err := r.RecordOrderStored(ctx, o, now)
	return err
}

// RecordOrderStored is [Recorder.RecordOrder], and also reports whether
// it stored o: true when o was new and is now in the history, false
// when the history already held o under its ID with the same content
// ([Order.Equal]: a redelivery, accepted as a no-op) and whenever err is
// not nil. A caller that answers a redelivery differently from a new
// order (an HTTP server's 200 and 201, say) tells them apart with it,
// without a second read of the history: the answer comes from the same
// read of the history the order was checked against, in the same step
// as the append (see Concurrency on [Recorder]).
func (r *Recorder) RecordOrderStored(ctx context.Context, o Order, now time.Time) (bool, error) {
	if now.IsZero() || badID(string(o.CustomerID)) {
		var p problems
		zeroNow(&p, now)
		o.check(&p, now)
		return false, p.err("order", o.ID)
	}
	c, err := r.Customers.Get(ctx, o.CustomerID)
	if err != nil {
		return false, fmt.Errorf("customer: order %q: %w", o.ID, err)
	}
	check := func(h *stored) error {
		var p problems
		if err := o.ValidateFor(c, now); err != nil {
			var v *ValidationError
			if !errors.As(err, &v) {
				return err
			}
			p.fields = v.Fields
		}
		if h.currency != "" && o.Currency.Valid() && o.Currency != h.currency {
			p.add("currency", CodeMismatch, fmt.Sprintf("is %s, the history of customer %q is in %s", o.Currency, o.CustomerID, h.currency))
		}
		return p.err("order", o.ID)
	}
	if badID(o.ID) {
		return false, r.refuse(ctx, Event{Order: &o}, check, func() error { return o.ValidateFor(c, now) })
	}
	// The check may run more than once (a store that retries its step);
	// the last run decides.
	redelivered := false
	err = r.commit(ctx, Event{Order: &o}, "record order", func(h *stored) error {
		prev, ok := h.orders[o.ID]
		redelivered = ok
		if ok {
			return prev.Conflict(o)
		}
		return check(h)
	})
	return err == nil && !redelivered, err
}

// RecordReturn checks ret against its order and the returns of that
// order recorded before, and appends it. It refuses, with the
// [*ValidationError] of [Return.ValidateAfter] (every bad field at once),
// a return that is invalid at time now or for its order: in particular
// one of a line the order does not have, or of more units than the
// customer holds. The order is looked up in the history of ret's
// customer; one that is not there is reported on "order_id"
// (CodeUnknown), with whatever else is wrong with ret. A zero now is
// refused ("now", CodeRequired), as for every Record call: it would skip
// the check that ret is not dated after now (see The time of recording
// on [Recorder]).
//
// The returns of an order count in the order of [CompareEvents], as
// [Summarize] adds them, whatever order they are recorded in: a return
// dated before returns recorded earlier is checked against the refunds
// dated before it, and it is refused too when a return dated after it
// would then bring back more than the customer holds, or be paid more
// than its share ("time", CodeOrder, with that return's problem in the
// message).
//
// A refund may not pay back, with the other refunds of its order and the
// order's price reductions ([Recorder.RecordCredit]), more than the
// order's net: the customer never gets more back for an order than they
// paid for it. A refund after a price reduction that would is refused
// on "refund" (CodeTooMany, with what is left to pay back in the
// message); record the money actually paid back in its Refund. So a
// full refund of an order of net 100 after a price reduction of 20 pays
// at most 80. A compensation does not count: it is goodwill, not a price.
//
// A refused return stores nothing. See [Recorder] for redelivery and for
// two returns of one order recorded at once, and
// [Recorder.RecordReturnStored] to know whether the return was stored or
// found already recorded.
func (r *Recorder) RecordReturn(ctx context.Context, ret Return, now time.Time) error {
	_, err := r.RecordReturnStored(ctx, ret, now)
	return err
}

// RecordReturnStored is [Recorder.RecordReturn], and also reports
// whether it stored ret: true when ret was new and is now in the
// history, false when the history already held ret under its ID with the
// same content ([Return.Equal]: a redelivery, accepted as a no-op) and
// whenever err is not nil. A caller that answers a redelivery
// differently from a new return (an HTTP server's 200 and 201, say)
// tells them apart with it, without a second read of the history: the
// answer comes from the same read of the history the return was checked
// against, in the same step as the append (see Concurrency on
// [Recorder]).
func (r *Recorder) RecordReturnStored(ctx context.Context, ret Return, now time.Time) (bool, error) {
	if now.IsZero() || badID(string(ret.CustomerID)) {
		var p problems
		zeroNow(&p, now)
		ret.check(&p, nil, nil, now, shareAfter)
		return false, p.err("return", ret.ID)
	}
	if badID(ret.ID) {
		return false, r.refuse(ctx, Event{Return: &ret}, func(h *stored) error { return h.checkReturn(ret, now) },
			func() error { return returnAlone(&ret, now, "") })
	}
	// The check may run more than once (a store that retries its step);
	// the last run decides.
	redelivered := false
	err := r.commit(ctx, Event{Return: &ret}, "record return", func(h *stored) error {
		_, redelivered = h.returns[ret.ID]
		return h.checkReturn(ret, now)
	})
	return err == nil && !redelivered, err
}

// checkReturn checks ret against h, for RecordReturnStored.
func (h *stored) checkReturn(ret Return, now time.Time) error {
	if prev, ok := h.returns[ret.ID]; ok {
		return prev.Conflict(ret)
	}
	o, ok := h.orders[ret.OrderID]
	if !ok {
		return returnAlone(&ret, now, fmt.Sprintf("customer %q has no order %q", ret.CustomerID, ret.OrderID))
	}
	// The returns of o in the order in which Summarize checks them.
	rs := []Return{ret}
	for _, s := range h.returns {
		if s.OrderID == o.ID {
			rs = append(rs, s)
		}
	}
	slices.SortFunc(rs, compareReturns)
	if err := h.checkReturnSteps(ret, &o, rs, now); err != nil {
		return err
	}
	return h.checkPaidBack(ret, &o, rs)
}

// checkReturnSteps checks each return of rs, the returns of order o with
// ret among them in the order of [CompareEvents], after the refunds
// before it, for checkReturn.
func (h *stored) checkReturnSteps(ret Return, o *Order, rs []Return, now time.Time) error {
	refunded := map[string]int{}
	for i := range rs {
		s := &rs[i]
		if s.ID == ret.ID {
			if err := ret.ValidateAfter(*o, refunded, now); err != nil {
				return err
			}
		} else if err := s.ValidateAfter(*o, refunded, time.Time{}); err != nil {
			if compareReturns(*s, ret) > 0 {
				var p problems
				p.add("time", CodeOrder, fmt.Sprintf("%s is before return %q of order %q, which would then be invalid: %v", ret.Time.Format(time.RFC3339), s.ID, o.ID, err))
				return p.err("return", ret.ID)
			}
			// A return before ret that is invalid already: the
			// history was not written through a Recorder.
			return fmt.Errorf("customer: return %q: the history of customer %q holds an invalid return of order %q: %w", ret.ID, ret.CustomerID, o.ID, err)
		}
		if s.Kind == Refund {
			for _, rl := range s.Lines {
				refunded[rl.LineID] -= rl.Quantity
			}
		}
	}
	return nil
}

// checkPaidBack checks that refund ret, with the other returns of order
// o (rs, valid, in the order of [CompareEvents]) and the price reductions
// of o, does not pay back more than o's net: the customer never gets
// more back for an order than they paid for it. It reports a refund that
// would on "refund" (CodeTooMany), with what is left to pay back.
func (h *stored) checkPaidBack(ret Return, o *Order, rs []Return) error {
	if ret.Kind != Refund || o.outOfRange() >= 0 {
		return nil
	}
	reduced := h.reduced(o.ID)
	if reduced.IsZero() {
		// Refunds alone pay back at most the shares of their units,
		// which add up to at most the net of the lines.
		return nil
	}
	total, each := paidBack(o, rs)
	net := o.net()
	if total.Add(reduced).LessThanOrEqual(net) {
		return nil
	}
	mine := each[slices.IndexFunc(rs, func(r Return) bool { return r.ID == ret.ID })]
	left := decimal.Max(net.Sub(reduced).Sub(total.Sub(mine)), decimal.Zero)
	cur := o.Currency
	var p problems
	p.add("refund", CodeTooMany, fmt.Sprintf("pays back %s, more than the %s left of the net of order %q (%s) after its price reductions of %s and its other refunds of %s; set refund to at most %s",
		cur.Format(mine), cur.Format(left), o.ID, cur.Format(net), cur.Format(reduced), cur.Format(total.Sub(mine)), cur.Format(left)))
	return p.err("return", ret.ID)
}

// reduced returns the sum of the price reductions of order id in h.
func (h *stored) reduced(id string) decimal.Decimal {
	var sum decimal.Decimal
	for _, d := range h.credits {
		if d.OrderID == id && d.Kind == PriceReduction {
			sum = sum.Add(d.Amount.Amount())
		}
	}
	return sum
}

// refundsPaid returns the money that the refunds of order o in h paid
// back.
func (h *stored) refundsPaid(o *Order) decimal.Decimal {
	var rs []Return
	for _, r := range h.returns {
		if r.OrderID == o.ID {
			rs = append(rs, r)
		}
	}
	return refundsPaidOf(o, rs)
}

// compareReturns orders two returns as [CompareEvents] does.
func compareReturns(x, y Return) int { return CompareEvents(Event{Return: &x}, Event{Return: &y}) }

// returnAlone returns the problems of ret that show without its order,
// at time now, and, when unknown is not empty, the problem of an order
// that is not known, on "order_id" (CodeUnknown).
func returnAlone(ret *Return, now time.Time, unknown string) error {
	var p problems
	ret.check(&p, nil, nil, now, shareAfter)
	if unknown != "" && !p.has("order_id", "") {
		p.add("order_id", CodeUnknown, unknown)
	}
	return p.err("return", ret.ID)
}

// has reports whether a problem of field with code was added; an empty
// code matches any code.
func (p *problems) has(field, code string) bool {
	return (&ValidationError{Fields: p.fields}).Has(field, code)
}

// RecordCredit checks c and appends it. A credit for an order is checked
// against that order, looked up in the history of c's customer, with
// [Credit.ValidateAfter]: its price reductions together, with the money
// the refunds of its returns paid back, whatever their dates, may not be
// more than the order's net, so that in time order none is either and the
// customer never gets more back for an order than they paid for it
// ("amount", CodeTooMany). A compensation is goodwill, not a price
// (domain rules §5 list it beside the price reduction among the remedies
// of a complaint; it pays for the trouble): it is not bounded by the
// order's net, and a summary counts it on its own day, not the order's
// ([Summary.AddCreditFor]). An order that is not in the history is
// reported on "order_id" (CodeUnknown). A credit for no order (a
// compensation) is checked with [Credit.Validate], and in the same error
// as either, a credit in another currency than the orders and credits of
// the history ("amount", CodeMismatch: a summary is in one currency):
// every bad field at once. A zero now is refused ("now", CodeRequired),
// as for every Record call: it would skip the check that c is not dated
// after now (see The time of recording on [Recorder]). A refused credit
// stores nothing. See [Recorder] for redelivery.
func (r *Recorder) RecordCredit(ctx context.Context, c Credit, now time.Time) error {
	if now.IsZero() || badID(string(c.CustomerID)) {
		var p problems
		zeroNow(&p, now)
		c.check(&p, now)
		return p.err("credit", c.ID)
	}
	if badID(c.ID) {
		return r.refuse(ctx, Event{Credit: &c}, func(h *stored) error { return h.checkCredit(c, now) },
			func() error { return c.Validate(now) })
	}
	return r.commit(ctx, Event{Credit: &c}, "record credit", func(h *stored) error {
		return h.checkCredit(c, now)
	})
}

// Refundable returns what order orderID of customer id can still pay
// back, the bound [Recorder.RecordCredit] puts on a price reduction of
// it and [Recorder.RecordReturn] on a refund: the order's net, less the
// price reductions credited for it and the money the refunds among its
// returns paid back, in the order's currency, never below zero.
// Compensations are not counted: they are goodwill, not a price.
//
// For a refund the answer is exact when it is dated after the order's
// other returns. One dated before some of them is counted before them
// ([CompareEvents]), and the shares of their units ([RefundShare]),
// each rounded to the minor unit, can then grow by a cent each: such a
// refund may be refused ("refund", CodeTooMany) a cent or so below the
// answer, the message saying what it may pay.
//
// It reads the customer's history and writes nothing, so a record made
// after it can lower the answer: it is the value to show, or to give a
// complaint about the order as its order value (complaint.Intake
// OrderValue), not a reservation. An order the history lacks is an
// error wrapping [ErrNotFound]; an order whose lines hold an amount
// beyond the bounds of an amount, whose net cannot be computed, an error
// wrapping [ErrInvalid].
func (r *Recorder) Refundable(ctx context.Context, id ID, orderID string) (Money, error) {
	h, err := r.read(ctx, id)
	if err != nil {
		return Money{}, fmt.Errorf("customer: refundable of order %q: %w", orderID, err)
	}
	o, ok := h.orders[orderID]
	if !ok {
		return Money{}, fmt.Errorf("customer: refundable: customer %q has no order %q: %w", id, orderID, ErrNotFound)
	}
	if k := o.outOfRange(); k >= 0 {
		return Money{}, fmt.Errorf("customer: refundable: order %q: lines[%d] has an amount beyond the bounds of an amount, so its net cannot be computed: %w", o.ID, k, ErrInvalid)
	}
	left := o.net().Sub(h.refundsPaid(&o))
	for _, d := range h.credits {
		if d.OrderID == o.ID && d.Kind == PriceReduction {
			left = left.Sub(d.Amount.Amount())
		}
	}
	return Money{amount: decimal.Max(left, decimal.Zero), currency: o.Currency}, nil
}

// checkCredit checks c against h, for RecordCredit.
func (h *stored) checkCredit(c Credit, now time.Time) error {
	if prev, ok := h.credits[c.ID]; ok {
		return prev.Conflict(c)
	}
	var p problems
	switch o, ok := h.orders[c.OrderID]; {
	case blank(c.OrderID):
		c.check(&p, now)
	case !ok:
		c.check(&p, now)
		if !p.has("order_id", "") {
			p.add("order_id", CodeUnknown, fmt.Sprintf("customer %q has no order %q", c.CustomerID, c.OrderID))
		}
	default:
		reduced := Zero(o.Currency)
		for _, d := range h.credits {
			if d.OrderID == o.ID && d.Kind == PriceReduction {
				var err error
				if reduced, err = reduced.Add(d.Amount); err != nil {
					return fmt.Errorf("customer: credit %q: the history of customer %q holds an invalid credit %q: %w", c.ID, c.CustomerID, d.ID, err)
				}
			}
		}
		var refunded decimal.Decimal
		if c.Kind == PriceReduction && o.outOfRange() < 0 {
			refunded = h.refundsPaid(&o)
		}
		if err := c.validateFor(&o, reduced, refunded, true, now); err != nil {
			var v *ValidationError
			if !errors.As(err, &v) {
				return err
			}
			p.fields = v.Fields
		}
	}
	if cur := c.Amount.Currency(); h.currency != "" && cur.Valid() && cur != h.currency && !p.has("amount", CodeMismatch) {
		p.add("amount", CodeMismatch, fmt.Sprintf("is in %s, the history of customer %q in %s", cur, c.CustomerID, h.currency))
	}
	return p.err("credit", c.ID)
}

// RecordInteraction checks i with [Interaction.Validate] at time now and
// appends it. An interaction equal to one stored is accepted without
// being checked again (see [Recorder]); one that is invalid is refused
// with the [*ValidationError] and stores nothing. An interaction depends
// on no other record, so RecordInteraction reads the history only to
// tell a redelivery from an invalid interaction, and does not take the
// customer's lock. A zero now is refused ("now", CodeRequired), also for
// an interaction already stored, as for every Record call: it would skip
// the check that i is not dated after now (see The time of recording on
// [Recorder]).
func (r *Recorder) RecordInteraction(ctx context.Context, i Interaction, now time.Time) error {
	if now.IsZero() {
		err := i.Validate(now)
		var p problems
		var v *ValidationError
		if errors.As(err, &v) {
			p.fields = slices.Clone(v.Fields)
		}
		zeroNow(&p, now)
		return p.err("interaction of customer", string(i.CustomerID))
	}
	err := i.Validate(now)
	if err != nil && !badID(string(i.CustomerID)) {
		h, herr := r.read(ctx, i.CustomerID)
		if herr != nil {
			return herr
		}
		if slices.ContainsFunc(h.interactions, i.Equal) {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	return r.History.AppendInteraction(ctx, i)
}
