package pgstore

import (
	"context"
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

// AppendOrder implements [customer.HistoryWriter] in one statement
// ([DB.write]: atomic, and nothing stored when it fails): it locks the customer row against deletion
// (FOR KEY SHARE), inserts the order unless its ID is taken, and the
// lines with it. When the ID is taken, the stored order is read and
// compared ([customer.Order.Conflict]): a redelivery is nil, anything
// else a [*customer.DuplicateError] naming the first field that differs.
func (s *CustomerStore) AppendOrder(ctx context.Context, o customer.Order) error {
	if err := ctxErr(ctx, "append order"); err != nil {
		return err
	}
	if o.ID == "" {
		return emptyID("order")
	}
	record := fmt.Sprintf("order %q", o.ID)
	if err := checkText(record, o); err != nil {
		return err
	}
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
	err := s.db.write(ctx, scanOne(&known, &inserted), `WITH
		c AS (SELECT id FROM `+s.db.t.customers+` WHERE id = $2 FOR KEY SHARE),
		o AS (INSERT INTO `+s.db.t.orders+` (id, customer_id, at, at_ns, channel, store, currency)
			SELECT $1, c.id, $3, $4, $5, $6, $7 FROM c
			ON CONFLICT (id) DO NOTHING RETURNING id),
		l AS (INSERT INTO `+s.db.t.orderLines+`
			(order_id, pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount, member)
			SELECT o.id, u.pos, u.line_id, u.sku, u.category, u.season, u.size, u.colour, u.quantity,
				u.unit_price::numeric, u.unit_cost::numeric, u.discount::numeric, u.member
			FROM o, unnest($8::int4[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
				$15::int8[], $16::text[], $17::text[], $18::text[], $19::text[])
				AS u(pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount, member))
		SELECT EXISTS (SELECT FROM c), EXISTS (SELECT FROM o)`,
		o.ID, string(o.CustomerID), at, ns, int16(o.Channel), o.Store, string(o.Currency),
		pos, lineID, sku, cat, season, size, colour, qty, price, cost, disc, member)
	switch code, _ := pgCode(err); {
	case code == uniqueViolation:
		// A concurrent writer of the same ID committed first, and the
		// race surfaced at a unique index other than the ON CONFLICT
		// arbiter: the ID is taken, so compare with what it stored.
	case err != nil:
		return fmt.Errorf("pgstore: append %s: %w", record, err)
	case !known:
		return errNoCustomer(record, o.CustomerID)
	case inserted:
		return nil
	}
	rows, err := s.db.pool.Query(ctx, s.ordersSQL(`o.id = $1`), o.ID)
	if err != nil {
		return fmt.Errorf("pgstore: append %s: read the stored order: %w", record, err)
	}
	prev, err := scanOrders(rows)
	if err != nil {
		return fmt.Errorf("pgstore: append %s: read the stored order: %w", record, err)
	}
	if len(prev) == 1 {
		if err := prev[0].Conflict(o); err != nil {
			return fmt.Errorf("pgstore: %w", err)
		}
		return nil
	}
	return fmt.Errorf("pgstore: %s: %w", record, customer.ErrDuplicate)
}

// AppendReturn implements [customer.HistoryWriter] in one statement, as
// AppendOrder, comparing a return delivered again under a taken ID with
// [customer.Return.Conflict]. The foreign key (order_id, customer_id) →
// orders makes the database refuse a return of an order that is not the
// customer's. An unset Refund is stored as NULL, a set one (zero
// included) as a NUMERIC with its scale.
func (s *CustomerStore) AppendReturn(ctx context.Context, r customer.Return) error {
	if err := ctxErr(ctx, "append return"); err != nil {
		return err
	}
	if r.ID == "" {
		return emptyID("return")
	}
	record := fmt.Sprintf("return %q", r.ID)
	if err := checkText(record, r); err != nil {
		return err
	}
	n := len(r.Lines)
	pos, lineID, qty := make([]int32, n), make([]string, n), make([]int64, n)
	for i, l := range r.Lines {
		pos[i], lineID[i], qty[i] = int32(i), l.LineID, int64(l.Quantity)
	}
	at, ns := nullInstant(r.Time)
	var known, inserted bool
	err := s.db.write(ctx, scanOne(&known, &inserted), `WITH
		c AS (SELECT id FROM `+s.db.t.customers+` WHERE id = $3 FOR KEY SHARE),
		r AS (INSERT INTO `+s.db.t.returns+` (id, order_id, customer_id, at, at_ns, kind, reason, refund)
			SELECT $1, $2, c.id, $4, $5, $6, $7, $11::numeric FROM c
			ON CONFLICT (id) DO NOTHING RETURNING id),
		l AS (INSERT INTO `+s.db.t.returnLines+` (return_id, pos, line_id, quantity)
			SELECT r.id, u.pos, u.line_id, u.quantity
			FROM r, unnest($8::int4[], $9::text[], $10::int8[]) AS u(pos, line_id, quantity))
		SELECT EXISTS (SELECT FROM c), EXISTS (SELECT FROM r)`,
		r.ID, r.OrderID, string(r.CustomerID), at, ns, int16(r.Kind), int16(r.Reason), pos, lineID, qty, nullDec(r.Refund))
	switch code, _ := pgCode(err); {
	case code == foreignKeyViolation:
		return fmt.Errorf("pgstore: %s: order %q of customer %q: %w", record, r.OrderID, r.CustomerID, customer.ErrNotFound)
	case code == uniqueViolation:
		// A concurrent writer of the same ID committed first: compare
		// with what it stored, as for orders.
	case err != nil:
		return fmt.Errorf("pgstore: append %s: %w", record, err)
	case !known:
		return errNoCustomer(record, r.CustomerID)
	case inserted:
		return nil
	}
	rows, err := s.db.pool.Query(ctx, s.returnsSQL(`r.id = $1`), r.ID)
	if err != nil {
		return fmt.Errorf("pgstore: append %s: read the stored return: %w", record, err)
	}
	prev, err := scanReturns(rows)
	if err != nil {
		return fmt.Errorf("pgstore: append %s: read the stored return: %w", record, err)
	}
	if len(prev) == 1 {
		if err := prev[0].Conflict(r); err != nil {
			return fmt.Errorf("pgstore: %w", err)
		}
		return nil
	}
	return fmt.Errorf("pgstore: %s: %w", record, customer.ErrDuplicate)
}

// AppendCredit implements [customer.HistoryWriter] in one statement, as
// AppendOrder. A credit for no order has a NULL order_id; for an order,
// the foreign key (order_id, customer_id) → orders makes the database
// refuse a credit of an order that is not the customer's. A credit
// delivered again under a taken ID is compared with the stored one
// ([customer.Credit.Conflict]) before its order is looked at, as
// [customer.MemStore] does.
func (s *CustomerStore) AppendCredit(ctx context.Context, c customer.Credit) error {
	if err := ctxErr(ctx, "append credit"); err != nil {
		return err
	}
	if c.ID == "" {
		return emptyID("credit")
	}
	record := fmt.Sprintf("credit %q", c.ID)
	if err := checkText(record, c); err != nil {
		return err
	}
	var order any
	if c.OrderID != "" {
		order = c.OrderID
	}
	at, ns := nullInstant(c.Time)
	var known, inserted bool
	err := s.db.write(ctx, scanOne(&known, &inserted), `WITH
		c AS (SELECT id FROM `+s.db.t.customers+` WHERE id = $3 FOR KEY SHARE),
		k AS (INSERT INTO `+s.db.t.credits+` (id, order_id, customer_id, at, at_ns, kind, amount, currency, source)
			SELECT $1, $2::text, c.id, $4, $5, $6, $7::numeric, $8, $9 FROM c
			ON CONFLICT (id) DO NOTHING RETURNING id)
		SELECT EXISTS (SELECT FROM c), EXISTS (SELECT FROM k)`,
		c.ID, order, string(c.CustomerID), at, ns, int16(c.Kind),
		dec(c.Amount.Amount()), string(c.Amount.Currency()), c.Source)
	switch code, _ := pgCode(err); {
	case code == foreignKeyViolation:
		return fmt.Errorf("pgstore: %s: order %q of customer %q: %w", record, c.OrderID, c.CustomerID, customer.ErrNotFound)
	case code == uniqueViolation:
		// A concurrent writer of the same ID committed first: compare
		// with what it stored, as for orders.
	case err != nil:
		return fmt.Errorf("pgstore: append %s: %w", record, err)
	case !known:
		return errNoCustomer(record, c.CustomerID)
	case inserted:
		return nil
	}
	rows, err := s.db.pool.Query(ctx, s.creditsSQL(`id = $1`), c.ID)
	if err != nil {
		return fmt.Errorf("pgstore: append %s: read the stored credit: %w", record, err)
	}
	prev, err := scanCredits(rows)
	if err != nil {
		return fmt.Errorf("pgstore: append %s: read the stored credit: %w", record, err)
	}
	if len(prev) == 1 {
		if err := prev[0].Conflict(c); err != nil {
			return fmt.Errorf("pgstore: %w", err)
		}
		return nil
	}
	return fmt.Errorf("pgstore: %s: %w", record, customer.ErrDuplicate)
}

// AppendInteraction implements [customer.HistoryWriter]: one insert that
// the primary key (customer, instant, kind, subject) makes idempotent.
func (s *CustomerStore) AppendInteraction(ctx context.Context, i customer.Interaction) error {
	if err := ctxErr(ctx, "append interaction"); err != nil {
		return err
	}
	if err := checkText(fmt.Sprintf("interaction of customer %q", i.CustomerID), i); err != nil {
		return err
	}
	at, ns := instant(i.Time)
	_, err := s.db.pool.Exec(ctx, `INSERT INTO `+s.db.t.interactions+` (customer_id, at, at_ns, kind, subject)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		string(i.CustomerID), at, ns, int16(i.Kind), i.Subject)
	if code, _ := pgCode(err); code == foreignKeyViolation {
		return errNoCustomer("interaction", i.CustomerID)
	}
	if err != nil {
		return fmt.Errorf("pgstore: append interaction of customer %q: %w", i.CustomerID, classify(err))
	}
	return nil
}

// History implements [customer.HistoryReader]. It reads the customer's
// orders, returns, credits and interactions in one round trip (a
// pipelined batch) inside a read-only REPEATABLE READ transaction (one
// snapshot), sorts them with [customer.CompareEvents] and yields them
// after the connection is back in the pool.
func (s *CustomerStore) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		if err := ctxErr(ctx, "history"); err != nil {
			yield(customer.Event{}, err)
			return
		}
		if !storable(string(id)) {
			yield(customer.Event{}, fmt.Errorf("pgstore: history of %q: %w", id, customer.ErrNotFound))
			return
		}
		var (
			known        bool
			orders       []customer.Order
			returns      []customer.Return
			credits      []customer.Credit
			interactions []customer.Interaction
		)
		b := &pgx.Batch{}
		b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
		b.Queue(`SELECT EXISTS (SELECT FROM `+s.db.t.customers+` WHERE id = $1)`, string(id)).QueryRow(func(r pgx.Row) error {
			return r.Scan(&known)
		})
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
		b.Queue(`COMMIT`)
		if err := s.db.pool.SendBatch(ctx, b).Close(); err != nil {
			yield(customer.Event{}, fmt.Errorf("pgstore: history of %q: %w", id, err))
			return
		}
		if !known {
			yield(customer.Event{}, fmt.Errorf("pgstore: history of %q: %w", id, customer.ErrNotFound))
			return
		}
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
		for _, e := range evs {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// ordersSQL selects the orders matching where (on alias o) with their
// lines, for scanOrders.
func (s *CustomerStore) ordersSQL(where string) string {
	return `SELECT o.id, o.customer_id, o.at, o.at_ns, o.channel, o.store, o.currency,
			l.line_id, l.sku, l.category, l.season, l.size, l.colour, l.quantity,
			l.unit_price::text, l.unit_cost::text, l.discount::text, l.member
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
	return `SELECT r.id, r.order_id, r.customer_id, r.at, r.at_ns, r.kind, r.reason, r.refund::text, l.line_id, l.quantity
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
	return `SELECT id, order_id, customer_id, at, at_ns, kind, amount::text, currency, source
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
