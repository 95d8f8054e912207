package pgstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/tailorcrm/tailor/customer"
)

// errNoCustomer wraps customer.ErrNotFound for an unknown customer id.
func errNoCustomer(record string, id customer.ID) error {
	return fmt.Errorf("pgstore: %s: customer %q: %w", record, id, customer.ErrNotFound)
}

func emptyID(record string) error {
	return &customer.ValidationError{Record: record + ` ""`, Fields: []customer.FieldError{{Field: "id", Code: customer.CodeRequired, Message: "is empty"}}}
}

// appendOp is the append of one record, checked and encoded: the one
// statement that appends it and the reading of its outcome. The
// [customer.HistoryWriter] methods run the statement in a transaction of
// its own, [CustomerStore.AppendChecked] after the check in its
// transaction; both hand its outcome to result.
type appendOp struct {
	// record names the record in errors, as `order "O-1"`.
	record string
	sql    string
	args   []any
	// rows reads the statement's rows; nil for a statement that
	// returns none.
	rows func(pgx.Rows) error
	// result turns the outcome of the statement — err is its error,
	// classified ([classify]), and rows has read its rows when err is
	// nil — into the error of the append: nil when the record was
	// appended or is one stored already. It reads what it needs to
	// compare through q: the pool ([DB.reader]) once the statement's
	// transaction ended, or, from [CustomerStore.AppendChecked], the connection of
	// the transaction, still open, when the statement succeeded.
	result func(ctx context.Context, q querier, err error) error
}

// querier runs a query: a [reader], or a *pgxpool.Conn inside a
// transaction whose search_path is [pinSearchPath] (or, on a DB of
// [Open], the session's: [pins]).
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// keyed returns the result function of the append statement of x, a
// record under an ID whose rows rows reads into known (the customer
// exists) and inserted (x was inserted). keys are the record's texts in
// indexed columns, named by the error of an index entry the server
// cannot hold ([keyFault]). When the ID is taken — the
// statement inserted nothing, or a concurrent writer of the same ID
// committed first and the race surfaced at a unique index other than
// the ON CONFLICT arbiter — the stored record is read with stored
// (through the querier that the result function is given) and compared
// with x (Conflict): a redelivery is nil, anything else a
// [*customer.DuplicateError] naming the first field that differs; a
// record deleted since (with its customer) is a [*goneError].
// notFound, when not nil, is the error of a foreign_key_violation (a
// record of an order that is not the customer's).
func keyed[T interface{ Conflict(T) error }](x T, record, what string, keys []key, cust customer.ID, known, inserted *bool,
	notFound error, stored func(ctx context.Context, q querier) ([]T, error)) func(context.Context, querier, error) error {
	return func(ctx context.Context, q querier, err error) error {
		switch code, _ := pgCode(err); {
		case code == foreignKeyViolation && notFound != nil:
			return notFound
		case code == uniqueViolation:
		case err != nil:
			return keyFault(fmt.Errorf("pgstore: append %s: %w", record, err), record, keys...)
		case !*known:
			return errNoCustomer(record, cust)
		case *inserted:
			return nil
		}
		prev, err := stored(ctx, q)
		if err != nil {
			return fmt.Errorf("pgstore: append %s: read the stored %s: %w", record, what, err)
		}
		switch len(prev) {
		case 1:
			if err := prev[0].Conflict(x); err != nil {
				return fmt.Errorf("pgstore: %w", err)
			}
			return nil
		case 0:
			return &goneError{record: record}
		}
		return fmt.Errorf("pgstore: %s: %w", record, customer.ErrDuplicate)
	}
}

// goneError is the result of an append ([keyed]) that found its ID taken
// by a record that was gone, deleted with its customer, when the store
// read it to compare: neither a redelivery nor a conflict can be told.
// The [customer.HistoryWriter] methods then append again
// ([CustomerStore.appendAgain]); [CustomerStore.AppendChecked], which
// calls its check once, runs the append statement again in its
// transaction (only a record of another customer can be gone: one of its
// own customer is read while that customer's row is locked). A
// goneError matches customer.ErrDuplicate, as the ID was taken when the
// append ran.
type goneError struct{ record string }

func (e *goneError) Error() string {
	return fmt.Sprintf("pgstore: %s: its ID was taken, by a record deleted before it could be compared", e.record)
}

func (e *goneError) Unwrap() error { return customer.ErrDuplicate }

// appendAgain runs the one-statement append op ([DB.write]) and hands
// its outcome to op.result, again as long as that finds the record that
// held the ID gone ([goneError]): each time a Delete of its customer ran
// in between, and the next try sees the ID free, or taken by a record to
// compare, or its own customer gone. It stops when ctx is done.
func (s *CustomerStore) appendAgain(ctx context.Context, op *appendOp) error {
	for {
		err := op.result(ctx, s.db.reader(), s.db.write(ctx, op.rows, op.sql, op.args...))
		var gone *goneError
		if !errors.As(err, &gone) {
			return err
		}
		if err := ctxErr(ctx, "append "+op.record); err != nil {
			return err
		}
	}
}

// AppendOrder implements [customer.HistoryWriter] in one statement
// ([DB.write]: atomic, and nothing stored when it fails): it locks the customer row against deletion
// (FOR KEY SHARE), inserts the order unless its ID is taken, and the
// lines with it. When the ID is taken, the stored order is read and
// compared ([customer.Order.Conflict]): a redelivery is nil, anything
// else a [*customer.DuplicateError] naming the first field that differs.
// When the order that held the ID is gone by then, deleted with its
// customer, the append is made again, as are those of returns and
// credits.
func (s *CustomerStore) AppendOrder(ctx context.Context, o customer.Order) error {
	if err := ctxErr(ctx, fmt.Sprintf("append order %q", o.ID)); err != nil {
		return err
	}
	op, err := s.orderOp(o)
	if err != nil {
		return err
	}
	return s.appendAgain(ctx, op)
}

// orderOp checks and encodes o for [CustomerStore.AppendOrder] and
// [CustomerStore.AppendChecked].
func (s *CustomerStore) orderOp(o customer.Order) (*appendOp, error) {
	if o.ID == "" {
		return nil, emptyID("order")
	}
	record := fmt.Sprintf("order %q", o.ID)
	if err := checkText(record, o); err != nil {
		return nil, err
	}
	keys := []key{{"id", o.ID}, {"customer_id", string(o.CustomerID)}}
	n := len(o.Lines)
	pos := make([]int32, n)
	lineID, sku, cat, season, size, colour := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	qty := make([]int64, n)
	price, cost, disc := make([]string, n), make([]*string, n), make([]string, n)
	member := make([]string, n)
	for i, l := range o.Lines {
		member[i] = l.Member
		pos[i] = int32(i)
		lineID[i], sku[i], cat[i], season[i], size[i], colour[i] = l.ID, l.SKU, l.Category, l.Season, l.Size, l.Colour
		qty[i] = int64(l.Quantity)
		price[i], disc[i] = dec(l.UnitPrice), dec(l.Discount)
		if l.UnitCost.Valid {
			c := dec(l.UnitCost.Decimal)
			cost[i] = &c
		}
	}
	at, ns := nullInstant(o.Time)
	var known, inserted bool
	return &appendOp{
		record: record,
		sql: `WITH
		c AS (SELECT id FROM ` + s.db.t.customers + ` WHERE id = $2 FOR KEY SHARE),
		o AS (INSERT INTO ` + s.db.t.orders + ` (id, customer_id, at, at_ns, channel, store, currency)
			SELECT $1, c.id, $3, $4, $5, $6, $7 FROM c
			ON CONFLICT (id) DO NOTHING RETURNING id),
		l AS (INSERT INTO ` + s.db.t.orderLines + `
			(order_id, pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount, member)
			SELECT o.id, u.pos, u.line_id, u.sku, u.category, u.season, u.size, u.colour, u.quantity,
				u.unit_price::pg_catalog.numeric, u.unit_cost::pg_catalog.numeric, u.discount::pg_catalog.numeric, u.member
			FROM o, unnest($8::pg_catalog.int4[], $9::pg_catalog.text[], $10::pg_catalog.text[], $11::pg_catalog.text[], $12::pg_catalog.text[], $13::pg_catalog.text[], $14::pg_catalog.text[],
				$15::pg_catalog.int8[], $16::pg_catalog.text[], $17::pg_catalog.text[], $18::pg_catalog.text[], $19::pg_catalog.text[])
				AS u(pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount, member))
		SELECT EXISTS (SELECT FROM c), EXISTS (SELECT FROM o)`,
		args: []any{o.ID, string(o.CustomerID), at, ns, int16(o.Channel), o.Store, string(o.Currency),
			pos, lineID, sku, cat, season, size, colour, qty, price, cost, disc, member},
		rows: scanOne(&known, &inserted),
		result: keyed(o, record, "order", keys, o.CustomerID, &known, &inserted, nil, func(ctx context.Context, q querier) ([]customer.Order, error) {
			rows, err := q.Query(ctx, s.ordersSQL(`o.id = $1`), o.ID)
			if err != nil {
				return nil, err
			}
			return scanOrders(rows)
		}),
	}, nil
}

// AppendReturn implements [customer.HistoryWriter] in one statement, as
// AppendOrder, comparing a return delivered again under a taken ID with
// [customer.Return.Conflict]. The foreign key (order_id, customer_id) →
// orders makes the database refuse a return of an order that is not the
// customer's. An unset Refund is stored as NULL, a set one (zero
// included) as a NUMERIC with its scale.
func (s *CustomerStore) AppendReturn(ctx context.Context, r customer.Return) error {
	if err := ctxErr(ctx, fmt.Sprintf("append return %q", r.ID)); err != nil {
		return err
	}
	op, err := s.returnOp(r)
	if err != nil {
		return err
	}
	return s.appendAgain(ctx, op)
}

// returnOp checks and encodes r for [CustomerStore.AppendReturn] and
// [CustomerStore.AppendChecked].
func (s *CustomerStore) returnOp(r customer.Return) (*appendOp, error) {
	if r.ID == "" {
		return nil, emptyID("return")
	}
	record := fmt.Sprintf("return %q", r.ID)
	if err := checkText(record, r); err != nil {
		return nil, err
	}
	keys := []key{{"id", r.ID}, {"order_id", r.OrderID}, {"customer_id", string(r.CustomerID)}}
	n := len(r.Lines)
	pos, lineID, qty := make([]int32, n), make([]string, n), make([]int64, n)
	for i, l := range r.Lines {
		pos[i], lineID[i], qty[i] = int32(i), l.LineID, int64(l.Quantity)
	}
	at, ns := nullInstant(r.Time)
	var known, inserted bool
	return &appendOp{
		record: record,
		sql: `WITH
		c AS (SELECT id FROM ` + s.db.t.customers + ` WHERE id = $3 FOR KEY SHARE),
		r AS (INSERT INTO ` + s.db.t.returns + ` (id, order_id, customer_id, at, at_ns, kind, reason, refund)
			SELECT $1, $2, c.id, $4, $5, $6, $7, $11::pg_catalog.numeric FROM c
			ON CONFLICT (id) DO NOTHING RETURNING id),
		l AS (INSERT INTO ` + s.db.t.returnLines + ` (return_id, pos, line_id, quantity)
			SELECT r.id, u.pos, u.line_id, u.quantity
			FROM r, unnest($8::pg_catalog.int4[], $9::pg_catalog.text[], $10::pg_catalog.int8[]) AS u(pos, line_id, quantity))
		SELECT EXISTS (SELECT FROM c), EXISTS (SELECT FROM r)`,
		args: []any{r.ID, r.OrderID, string(r.CustomerID), at, ns, int16(r.Kind), int16(r.Reason), pos, lineID, qty, nullDec(r.Refund)},
		rows: scanOne(&known, &inserted),
		result: keyed(r, record, "return", keys, r.CustomerID, &known, &inserted,
			fmt.Errorf("pgstore: %s: order %q of customer %q: %w", record, r.OrderID, r.CustomerID, customer.ErrNotFound),
			func(ctx context.Context, q querier) ([]customer.Return, error) {
				rows, err := q.Query(ctx, s.returnsSQL(`r.id = $1`), r.ID)
				if err != nil {
					return nil, err
				}
				return scanReturns(rows)
			}),
	}, nil
}

// AppendCredit implements [customer.HistoryWriter] in one statement, as
// AppendOrder. A credit for no order has a NULL order_id; for an order,
// the foreign key (order_id, customer_id) → orders makes the database
// refuse a credit of an order that is not the customer's. A credit
// delivered again under a taken ID is compared with the stored one
// ([customer.Credit.Conflict]) before its order is looked at, as
// [customer.MemStore] does.
func (s *CustomerStore) AppendCredit(ctx context.Context, c customer.Credit) error {
	if err := ctxErr(ctx, fmt.Sprintf("append credit %q", c.ID)); err != nil {
		return err
	}
	op, err := s.creditOp(c)
	if err != nil {
		return err
	}
	return s.appendAgain(ctx, op)
}

// creditOp checks and encodes c for [CustomerStore.AppendCredit] and
// [CustomerStore.AppendChecked].
func (s *CustomerStore) creditOp(c customer.Credit) (*appendOp, error) {
	if c.ID == "" {
		return nil, emptyID("credit")
	}
	record := fmt.Sprintf("credit %q", c.ID)
	if err := checkText(record, c); err != nil {
		return nil, err
	}
	keys := []key{{"id", c.ID}, {"customer_id", string(c.CustomerID)}, {"order_id", c.OrderID}}
	var order any
	if c.OrderID != "" {
		order = c.OrderID
	}
	at, ns := nullInstant(c.Time)
	var known, inserted bool
	return &appendOp{
		record: record,
		sql: `WITH
		c AS (SELECT id FROM ` + s.db.t.customers + ` WHERE id = $3 FOR KEY SHARE),
		k AS (INSERT INTO ` + s.db.t.credits + ` (id, order_id, customer_id, at, at_ns, kind, amount, currency, source)
			SELECT $1, $2::pg_catalog.text, c.id, $4, $5, $6, $7::pg_catalog.numeric, $8, $9 FROM c
			ON CONFLICT (id) DO NOTHING RETURNING id)
		SELECT EXISTS (SELECT FROM c), EXISTS (SELECT FROM k)`,
		args: []any{c.ID, order, string(c.CustomerID), at, ns, int16(c.Kind),
			dec(c.Amount.Amount()), string(c.Amount.Currency()), c.Source},
		rows: scanOne(&known, &inserted),
		result: keyed(c, record, "credit", keys, c.CustomerID, &known, &inserted,
			fmt.Errorf("pgstore: %s: order %q of customer %q: %w", record, c.OrderID, c.CustomerID, customer.ErrNotFound),
			func(ctx context.Context, q querier) ([]customer.Credit, error) {
				rows, err := q.Query(ctx, s.creditsSQL(`id = $1`), c.ID)
				if err != nil {
					return nil, err
				}
				return scanCredits(rows)
			}),
	}, nil
}

// AppendInteraction implements [customer.HistoryWriter]: one insert, in a
// transaction of its own ([DB.write]), that the primary key (customer,
// instant, kind, subject) makes idempotent.
func (s *CustomerStore) AppendInteraction(ctx context.Context, i customer.Interaction) error {
	if err := ctxErr(ctx, fmt.Sprintf("append interaction of customer %q", i.CustomerID)); err != nil {
		return err
	}
	op, err := s.interactionOp(i)
	if err != nil {
		return err
	}
	return op.result(ctx, s.db.reader(), s.db.write(ctx, nil, op.sql, op.args...))
}

// interactionOp checks and encodes i for [CustomerStore.AppendInteraction]
// and [CustomerStore.AppendChecked].
func (s *CustomerStore) interactionOp(i customer.Interaction) (*appendOp, error) {
	record := fmt.Sprintf("interaction of customer %q", i.CustomerID)
	if err := checkText(record, i); err != nil {
		return nil, err
	}
	keys := []key{{"customer_id", string(i.CustomerID)}, {"subject", i.Subject}}
	at, ns := instant(i.Time)
	return &appendOp{
		record: record,
		sql: `INSERT INTO ` + s.db.t.interactions + ` (customer_id, at, at_ns, kind, subject)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		args: []any{string(i.CustomerID), at, ns, int16(i.Kind), i.Subject},
		result: func(_ context.Context, _ querier, err error) error {
			if code, _ := pgCode(err); code == foreignKeyViolation {
				return errNoCustomer("interaction", i.CustomerID)
			}
			if err != nil {
				return keyFault(fmt.Errorf("pgstore: append %s: %w", record, err), record, keys...)
			}
			return nil
		},
	}, nil
}

// AppendChecked implements [customer.CheckedAppender] in one
// transaction on one connection. BEGIN, a lock of the customer's row
// (SELECT … FOR UPDATE, which also holds off the FOR KEY SHARE of the
// plain appends of that customer and the FOR UPDATE of other
// AppendChecked calls and of [CustomerStore.Update], in every process on
// the database) and the queries of [CustomerStore.History] travel in one
// round trip; each query, run after the lock was granted, sees every
// record committed before. check runs once, on that history, with the
// row still locked; when it returns nil the append statement of the
// record's kind — the one its [customer.HistoryWriter] method runs —
// follows in the same transaction, and COMMIT is sent after its result
// is in, as for the plain appends; a record stored under the ID already
// is read and compared before COMMIT, while the customer's row is still
// locked, so that a Delete of the customer cannot take it away first.
// A record of another customer under the ID, deleted with that customer
// before it could be compared, is no answer: the append statement runs
// again in the same transaction, check's verdict standing.
// When check refuses, the transaction is rolled back and check's error
// returned as it is.
func (s *CustomerStore) AppendChecked(ctx context.Context, e customer.Event, check func(history []customer.Event) error) error {
	if err := ctxErr(ctx, "append "+e.Record()); err != nil {
		return err
	}
	var op *appendOp
	var err error
	switch {
	case e.Order != nil && e.Return == nil && e.Credit == nil && e.Interaction == nil:
		op, err = s.orderOp(*e.Order)
	case e.Return != nil && e.Order == nil && e.Credit == nil && e.Interaction == nil:
		op, err = s.returnOp(*e.Return)
	case e.Credit != nil && e.Order == nil && e.Return == nil && e.Interaction == nil:
		op, err = s.creditOp(*e.Credit)
	case e.Interaction != nil && e.Order == nil && e.Return == nil && e.Credit == nil:
		op, err = s.interactionOp(*e.Interaction)
	default:
		return fmt.Errorf("pgstore: append: an event holds no record or more than one: %w", customer.ErrInvalid)
	}
	if err != nil {
		return err
	}
	id := e.CustomerID()
	conn, err := s.db.pool.Acquire(s.db.own(ctx))
	if err != nil {
		return fmt.Errorf("pgstore: append %s: %w", op.record, err)
	}
	// A connection left inside a transaction (after an error) is
	// closed by the pool on release, which rolls the transaction back.
	defer conn.Release()
	rollback := func() {
		rctx, cancel := rollbackContext(ctx)
		defer cancel()
		_, _ = conn.Exec(rctx, `ROLLBACK`)
	}
	var locked bool
	b := &pgx.Batch{}
	b.Queue(readCommitted)
	s.db.queuePin(b)
	b.Queue(`SELECT EXISTS (SELECT FROM `+s.db.t.customers+` WHERE id = $1 FOR UPDATE)`, string(id)).QueryRow(func(r pgx.Row) error {
		return r.Scan(&locked)
	})
	history := s.queueHistory(b, id)
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		rollback()
		return fmt.Errorf("pgstore: append %s: read the history of %q: %w", op.record, id, classify(err))
	}
	if !locked {
		rollback()
		return errNoCustomer(op.record, id)
	}
	if err := check(history()); err != nil {
		rollback()
		return err
	}
	for {
		b = &pgx.Batch{}
		q := b.Queue(op.sql, op.args...)
		if op.rows != nil {
			q.Query(op.rows)
		}
		if err := conn.SendBatch(ctx, b).Close(); err != nil {
			rollback()
			return op.result(ctx, s.db.reader(), classify(err))
		}
		// The outcome is told before COMMIT, in the transaction: a stored
		// record of the customer whose ID the statement found taken is read
		// while the customer's row is still locked, so that a Delete of the
		// customer, which waits for the lock, cannot take it away before it
		// is compared. When the outcome is an error, nothing was inserted.
		err := op.result(ctx, conn, nil)
		var gone *goneError
		if errors.As(err, &gone) {
			// The ID was taken by a record of another customer, deleted
			// with it before the record could be compared: the
			// statement runs again in the same transaction, the
			// customer's row still locked, so that check's verdict
			// stands (no record of the customer was appended since) and
			// check is not called again; the next run finds the ID free,
			// or taken by a record to compare.
			if err := ctxErr(ctx, "append "+op.record); err != nil {
				rollback()
				return err
			}
			continue
		}
		if err != nil {
			rollback()
			return err
		}
		break
	}
	if err := commit(ctx, conn); err != nil {
		return fmt.Errorf("pgstore: append %s: %w", op.record, err)
	}
	return nil
}

// EraseInteractions implements [customer.InteractionEraser] in one
// statement ([DB.write]: atomic, and nothing deleted when it fails): it
// locks the customer row against deletion (FOR KEY SHARE, the lock the
// appends take, AppendInteraction through its foreign key), deletes the
// customer's interactions and counts the rows deleted. The DELETE sees
// the interactions committed when the statement starts (READ
// COMMITTED): one appended concurrently is committed before and deleted
// and counted, or kept; a row that two calls race to delete is deleted,
// and counted, by the one that locks it first, the other finding it gone
// once the first commits. A deleted row frees its primary key, so an
// interaction delivered again is stored again.
func (s *CustomerStore) EraseInteractions(ctx context.Context, id customer.ID) (int, error) {
	if err := ctxErr(ctx, fmt.Sprintf("erase the interactions of customer %q", id)); err != nil {
		return 0, err
	}
	if !storable(string(id)) {
		return 0, errNoCustomer("erase interactions", id)
	}
	var known bool
	var n int64
	err := s.db.write(ctx, scanOne(&known, &n), `WITH
		c AS (SELECT id FROM `+s.db.t.customers+` WHERE id = $1 FOR KEY SHARE),
		d AS (DELETE FROM `+s.db.t.interactions+` i USING c WHERE i.customer_id = c.id RETURNING 1)
		SELECT EXISTS (SELECT FROM c), (SELECT count(*) FROM d)`, string(id))
	switch {
	case err != nil:
		return 0, fmt.Errorf("pgstore: erase the interactions of customer %q: %w", id, err)
	case !known:
		return 0, errNoCustomer("erase interactions", id)
	}
	return int(n), nil
}

// History implements [customer.HistoryReader]. It reads the customer's
// orders, returns, credits and interactions in one round trip (a
// pipelined batch) inside a read-only REPEATABLE READ transaction (one
// snapshot), sorts them with [customer.CompareEvents] and yields them
// after the connection is back in the pool.
func (s *CustomerStore) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		if err := ctxErr(ctx, fmt.Sprintf("history of %q", id)); err != nil {
			yield(customer.Event{}, err)
			return
		}
		if !storable(string(id)) {
			yield(customer.Event{}, fmt.Errorf("pgstore: history of %q: %w", id, customer.ErrNotFound))
			return
		}
		var known bool
		b := &pgx.Batch{}
		b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
		s.db.queuePin(b)
		b.Queue(`SELECT EXISTS (SELECT FROM `+s.db.t.customers+` WHERE id = $1)`, string(id)).QueryRow(func(r pgx.Row) error {
			return r.Scan(&known)
		})
		history := s.queueHistory(b, id)
		// The COMMIT's tag needs no check, unlike a write's ([commit]):
		// the server answers ROLLBACK only for a transaction that a
		// failed statement aborted, and in this batch, sent in one piece
		// with nothing else on the connection in between, that is one of
		// the reads above, whose error Close returns (the server skips
		// the rest of the batch, the COMMIT too). Every read that
		// succeeded saw the snapshot, and a read-only transaction has
		// nothing to lose by a rollback.
		b.Queue(`COMMIT`)
		if err := s.db.pool.SendBatch(s.db.own(ctx), b).Close(); err != nil {
			yield(customer.Event{}, fmt.Errorf("pgstore: history of %q: %w", id, err))
			return
		}
		if !known {
			yield(customer.Event{}, fmt.Errorf("pgstore: history of %q: %w", id, customer.ErrNotFound))
			return
		}
		for _, e := range history() {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// queueHistory queues on b the queries that read the orders, returns,
// credits and interactions of customer id. The function it returns,
// called after b ran without error, gives them as events sorted with
// [customer.CompareEvents].
func (s *CustomerStore) queueHistory(b *pgx.Batch, id customer.ID) func() []customer.Event {
	var (
		orders       []customer.Order
		returns      []customer.Return
		credits      []customer.Credit
		interactions []customer.Interaction
	)
	b.Queue(s.ordersSQL(`o.customer_id = $1`), string(id)).Query(func(rows pgx.Rows) (err error) {
		orders, err = scanOrders(rows)
		return err
	})
	b.Queue(s.returnsSQL(`r.customer_id = $1`), string(id)).Query(func(rows pgx.Rows) (err error) {
		returns, err = scanReturns(rows)
		return err
	})
	b.Queue(s.creditsSQL(`customer_id = $1`), string(id)).Query(func(rows pgx.Rows) (err error) {
		credits, err = scanCredits(rows)
		return err
	})
	b.Queue(`SELECT at, at_ns, kind, subject FROM `+s.db.t.interactions+` WHERE customer_id = $1`, string(id)).Query(func(rows pgx.Rows) (err error) {
		interactions, err = scanInteractions(rows, id)
		return err
	})
	return func() []customer.Event {
		evs := make([]customer.Event, 0, len(orders)+len(returns)+len(credits)+len(interactions))
		for i := range orders {
			evs = append(evs, customer.Event{Order: &orders[i]})
		}
		for i := range returns {
			evs = append(evs, customer.Event{Return: &returns[i]})
		}
		for i := range credits {
			evs = append(evs, customer.Event{Credit: &credits[i]})
		}
		for i := range interactions {
			evs = append(evs, customer.Event{Interaction: &interactions[i]})
		}
		slices.SortStableFunc(evs, customer.CompareEvents)
		return evs
	}
}

// ordersSQL selects the orders matching where (on alias o) with their
// lines, for scanOrders.
func (s *CustomerStore) ordersSQL(where string) string {
	return `SELECT o.id, o.customer_id, o.at, o.at_ns, o.channel, o.store, o.currency,
			l.line_id, l.sku, l.category, l.season, l.size, l.colour, l.quantity,
			l.unit_price::pg_catalog.text, l.unit_cost::pg_catalog.text, l.discount::pg_catalog.text, l.member
		FROM ` + s.db.t.orders + ` o LEFT JOIN ` + s.db.t.orderLines + ` l ON l.order_id = o.id
		WHERE ` + where + ` ORDER BY o.id, l.pos`
}

// scanOrders reads the rows of ordersSQL and closes them.
func scanOrders(rows pgx.Rows) ([]customer.Order, error) {
	defer rows.Close()
	var out []customer.Order
	for rows.Next() {
		var (
			id, cust, store, cur                   string
			at                                     pgtype.Timestamptz
			ns, channel                            int16
			lineID, sku, cat, season, size, colour *string
			qty                                    *int64
			price, cost, disc, member              *string
		)
		if err := rows.Scan(&id, &cust, &at, &ns, &channel, &store, &cur,
			&lineID, &sku, &cat, &season, &size, &colour, &qty, &price, &cost, &disc, &member); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, customer.Order{ID: id, CustomerID: customer.ID(cust), Time: fromInstant(at, ns),
				Channel: customer.Channel(channel), Store: store, Currency: customer.Currency(cur)})
		}
		if lineID == nil {
			continue // an order without lines
		}
		l := customer.Line{ID: *lineID, SKU: *sku, Category: *cat, Season: *season, Size: *size, Colour: *colour, Quantity: int(*qty),
			Member: *member}
		var err error
		if l.UnitPrice, err = parseDec(*price, "unit_price"); err != nil {
			return nil, fmt.Errorf("order %q: %w", id, err)
		}
		if l.UnitCost, err = parseNullDec(cost, "unit_cost"); err != nil {
			return nil, fmt.Errorf("order %q: %w", id, err)
		}
		if l.Discount, err = parseDec(*disc, "discount"); err != nil {
			return nil, fmt.Errorf("order %q: %w", id, err)
		}
		o := &out[len(out)-1]
		o.Lines = append(o.Lines, l)
	}
	return out, rows.Err()
}

// returnsSQL selects the returns matching where (on alias r) with their
// lines, for scanReturns.
func (s *CustomerStore) returnsSQL(where string) string {
	return `SELECT r.id, r.order_id, r.customer_id, r.at, r.at_ns, r.kind, r.reason, r.refund::pg_catalog.text, l.line_id, l.quantity
		FROM ` + s.db.t.returns + ` r LEFT JOIN ` + s.db.t.returnLines + ` l ON l.return_id = r.id
		WHERE ` + where + ` ORDER BY r.id, l.pos`
}

// scanReturns reads the rows of returnsSQL and closes them. A NULL
// refund is an unset Refund.
func scanReturns(rows pgx.Rows) ([]customer.Return, error) {
	defer rows.Close()
	var out []customer.Return
	for rows.Next() {
		var (
			id, order, cust  string
			at               pgtype.Timestamptz
			ns, kind, reason int16
			refund, lineID   *string
			qty              *int64
		)
		if err := rows.Scan(&id, &order, &cust, &at, &ns, &kind, &reason, &refund, &lineID, &qty); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			r := customer.Return{ID: id, OrderID: order, CustomerID: customer.ID(cust), Time: fromInstant(at, ns),
				Kind: customer.ReturnKind(kind), Reason: customer.ReturnReason(reason)}
			var err error
			if r.Refund, err = parseNullDec(refund, "refund"); err != nil {
				return nil, fmt.Errorf("return %q: %w", id, err)
			}
			out = append(out, r)
		}
		if lineID != nil {
			r := &out[len(out)-1]
			r.Lines = append(r.Lines, customer.ReturnLine{LineID: *lineID, Quantity: int(*qty)})
		}
	}
	return out, rows.Err()
}

// creditsSQL selects the credits matching where, for scanCredits.
func (s *CustomerStore) creditsSQL(where string) string {
	return `SELECT id, order_id, customer_id, at, at_ns, kind, amount::pg_catalog.text, currency, source
		FROM ` + s.db.t.credits + ` WHERE ` + where + ` ORDER BY id`
}

// scanCredits reads the rows of creditsSQL and closes them. A NULL
// order_id is a credit for no order ("").
func scanCredits(rows pgx.Rows) ([]customer.Credit, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Credit, error) {
		var (
			id, cust, amount, cur, source string
			order                         *string
			at                            pgtype.Timestamptz
			ns, kind                      int16
		)
		if err := r.Scan(&id, &order, &cust, &at, &ns, &kind, &amount, &cur, &source); err != nil {
			return customer.Credit{}, err
		}
		c := customer.Credit{ID: id, CustomerID: customer.ID(cust), Time: fromInstant(at, ns), Kind: customer.CreditKind(kind), Source: source}
		if order != nil {
			c.OrderID = *order
		}
		d, err := parseDec(amount, "amount")
		if err != nil {
			return customer.Credit{}, fmt.Errorf("credit %q: %w", id, err)
		}
		if c.Amount, err = money(d, cur); err != nil {
			return customer.Credit{}, fmt.Errorf("credit %q: column amount: %w", id, err)
		}
		return c, nil
	})
}

// scanInteractions reads interactions of customer id.
func scanInteractions(rows pgx.Rows, id customer.ID) ([]customer.Interaction, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Interaction, error) {
		var (
			at       pgtype.Timestamptz
			ns, kind int16
			subject  string
		)
		err := r.Scan(&at, &ns, &kind, &subject)
		return customer.Interaction{CustomerID: id, Time: fromInstant(at, ns), Kind: customer.InteractionKind(kind), Subject: subject}, err
	})
}
