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

// lockCustomer checks that customer id exists and keeps it from being
// deleted until the transaction ends.
func (s *CustomerStore) lockCustomer(ctx context.Context, tx pgx.Tx, id customer.ID, record string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM `+s.db.t.customers+` WHERE id = $1 FOR KEY SHARE`, string(id)).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNoCustomer(record, id)
	}
	return err
}

// AppendOrder implements [customer.HistoryWriter]: the order and its
// lines in one transaction. A redelivery is compared with the stored
// order ([customer.Order.Equal]).
func (s *CustomerStore) AppendOrder(ctx context.Context, o customer.Order) error {
	if err := ctxErr(ctx, "append order"); err != nil {
		return err
	}
	if o.ID == "" {
		return emptyID("order")
	}
	record := fmt.Sprintf("order %q", o.ID)
	err := s.db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if err := s.lockCustomer(ctx, tx, o.CustomerID, record); err != nil {
			return err
		}
		at, ns := nullInstant(o.Time)
		tag, err := tx.Exec(ctx, `INSERT INTO `+s.db.t.orders+` (id, customer_id, at, at_ns, channel, store, currency)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			o.ID, string(o.CustomerID), at, ns, int16(o.Channel), o.Store, string(o.Currency))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			prev, err := s.orders(ctx, tx, `o.id = $1`, o.ID)
			if err != nil {
				return err
			}
			if len(prev) == 1 && prev[0].Equal(o) {
				return nil
			}
			return fmt.Errorf("pgstore: %s: %w", record, customer.ErrDuplicate)
		}
		n := len(o.Lines)
		pos := make([]int32, n)
		lineID, sku, cat, season, size, colour := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		qty := make([]int64, n)
		price, cost, disc := make([]string, n), make([]*string, n), make([]string, n)
		for i, l := range o.Lines {
			pos[i] = int32(i)
			lineID[i], sku[i], cat[i], season[i], size[i], colour[i] = l.ID, l.SKU, l.Category, l.Season, l.Size, l.Colour
			qty[i] = int64(l.Quantity)
			price[i], disc[i] = dec(l.UnitPrice), dec(l.Discount)
			if l.UnitCost.Valid {
				c := dec(l.UnitCost.Decimal)
				cost[i] = &c
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+s.db.t.orderLines+`
			(order_id, pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount)
			SELECT $1, u.pos, u.line_id, u.sku, u.category, u.season, u.size, u.colour, u.quantity,
				u.unit_price::numeric, u.unit_cost::numeric, u.discount::numeric
			FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::int8[], $10::text[], $11::text[], $12::text[])
				AS u(pos, line_id, sku, category, season, size, colour, quantity, unit_price, unit_cost, discount)`,
			o.ID, pos, lineID, sku, cat, season, size, colour, qty, price, cost, disc)
		return err
	})
	return wrapAppend(err, record)
}

// wrapAppend adds context to an error of an append that is not already
// one of the store's own.
func wrapAppend(err error, record string) error {
	if err == nil || errors.Is(err, customer.ErrNotFound) || errors.Is(err, customer.ErrDuplicate) {
		return err
	}
	return fmt.Errorf("pgstore: append %s: %w", record, err)
}

// AppendReturn implements [customer.HistoryWriter]. The foreign key
// (order_id, customer_id) → orders makes the database refuse a return of
// an order that is not the customer's.
func (s *CustomerStore) AppendReturn(ctx context.Context, r customer.Return) error {
	if err := ctxErr(ctx, "append return"); err != nil {
		return err
	}
	if r.ID == "" {
		return emptyID("return")
	}
	record := fmt.Sprintf("return %q", r.ID)
	err := s.db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if err := s.lockCustomer(ctx, tx, r.CustomerID, record); err != nil {
			return err
		}
		at, ns := nullInstant(r.Time)
		tag, err := tx.Exec(ctx, `INSERT INTO `+s.db.t.returns+` (id, order_id, customer_id, at, at_ns, kind, reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			r.ID, r.OrderID, string(r.CustomerID), at, ns, int16(r.Kind), int16(r.Reason))
		if code, _ := pgCode(err); code == foreignKeyViolation {
			return fmt.Errorf("pgstore: %s: order %q of customer %q: %w", record, r.OrderID, r.CustomerID, customer.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			prev, err := s.returns(ctx, tx, `r.id = $1`, r.ID)
			if err != nil {
				return err
			}
			if len(prev) == 1 && prev[0].Equal(r) {
				return nil
			}
			return fmt.Errorf("pgstore: %s: %w", record, customer.ErrDuplicate)
		}
		n := len(r.Lines)
		pos, lineID, qty := make([]int32, n), make([]string, n), make([]int64, n)
		for i, l := range r.Lines {
			pos[i], lineID[i], qty[i] = int32(i), l.LineID, int64(l.Quantity)
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+s.db.t.returnLines+` (return_id, pos, line_id, quantity)
			SELECT $1, u.pos, u.line_id, u.quantity FROM unnest($2::int4[], $3::text[], $4::int8[]) AS u(pos, line_id, quantity)`,
			r.ID, pos, lineID, qty)
		return err
	})
	return wrapAppend(err, record)
}

// AppendInteraction implements [customer.HistoryWriter]: one insert that
// the primary key (customer, instant, kind, subject) makes idempotent.
func (s *CustomerStore) AppendInteraction(ctx context.Context, i customer.Interaction) error {
	if err := ctxErr(ctx, "append interaction"); err != nil {
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
		return fmt.Errorf("pgstore: append interaction of customer %q: %w", i.CustomerID, err)
	}
	return nil
}

// History implements [customer.HistoryReader]. It reads the customer's
// orders, returns and interactions in one read-only REPEATABLE READ
// transaction (one snapshot), sorts them with [customer.CompareEvents] and
// yields them after the connection is back in the pool.
func (s *CustomerStore) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		if err := ctxErr(ctx, "history"); err != nil {
			yield(customer.Event{}, err)
			return
		}
		var evs []customer.Event
		err := s.db.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM `+s.db.t.customers+` WHERE id = $1`, string(id)).Scan(&one)
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("pgstore: history of %q: %w", id, customer.ErrNotFound)
			}
			if err != nil {
				return err
			}
			orders, err := s.orders(ctx, tx, `o.customer_id = $1`, string(id))
			if err != nil {
				return err
			}
			returns, err := s.returns(ctx, tx, `r.customer_id = $1`, string(id))
			if err != nil {
				return err
			}
			interactions, err := s.interactions(ctx, tx, id)
			if err != nil {
				return err
			}
			evs = make([]customer.Event, 0, len(orders)+len(returns)+len(interactions))
			for i := range orders {
				evs = append(evs, customer.Event{Order: &orders[i]})
			}
			for i := range returns {
				evs = append(evs, customer.Event{Return: &returns[i]})
			}
			for i := range interactions {
				evs = append(evs, customer.Event{Interaction: &interactions[i]})
			}
			return nil
		})
		if err != nil {
			if !errors.Is(err, customer.ErrNotFound) {
				err = fmt.Errorf("pgstore: history of %q: %w", id, err)
			}
			yield(customer.Event{}, err)
			return
		}
		slices.SortStableFunc(evs, customer.CompareEvents)
		for _, e := range evs {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// orders reads the orders matching where (on alias o, one parameter arg)
// with their lines.
func (s *CustomerStore) orders(ctx context.Context, tx pgx.Tx, where string, arg any) ([]customer.Order, error) {
	rows, err := tx.Query(ctx, `SELECT o.id, o.customer_id, o.at, o.at_ns, o.channel, o.store, o.currency,
			l.line_id, l.sku, l.category, l.season, l.size, l.colour, l.quantity,
			l.unit_price::text, l.unit_cost::text, l.discount::text
		FROM `+s.db.t.orders+` o LEFT JOIN `+s.db.t.orderLines+` l ON l.order_id = o.id
		WHERE `+where+` ORDER BY o.id, l.pos`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customer.Order
	for rows.Next() {
		var (
			id, cust, store, cur                   string
			at                                     pgtype.Timestamptz
			ns, channel                            int16
			lineID, sku, cat, season, size, colour *string
			qty                                    *int64
			price, cost, disc                      *string
		)
		if err := rows.Scan(&id, &cust, &at, &ns, &channel, &store, &cur,
			&lineID, &sku, &cat, &season, &size, &colour, &qty, &price, &cost, &disc); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, customer.Order{ID: id, CustomerID: customer.ID(cust), Time: fromInstant(at, ns),
				Channel: customer.Channel(channel), Store: store, Currency: customer.Currency(cur)})
		}
		if lineID == nil {
			continue // an order without lines
		}
		l := customer.Line{ID: *lineID, SKU: *sku, Category: *cat, Season: *season, Size: *size, Colour: *colour, Quantity: int(*qty)}
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

// returns reads the returns matching where (on alias r, one parameter
// arg) with their lines.
func (s *CustomerStore) returns(ctx context.Context, tx pgx.Tx, where string, arg any) ([]customer.Return, error) {
	rows, err := tx.Query(ctx, `SELECT r.id, r.order_id, r.customer_id, r.at, r.at_ns, r.kind, r.reason, l.line_id, l.quantity
		FROM `+s.db.t.returns+` r LEFT JOIN `+s.db.t.returnLines+` l ON l.return_id = r.id
		WHERE `+where+` ORDER BY r.id, l.pos`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customer.Return
	for rows.Next() {
		var (
			id, order, cust  string
			at               pgtype.Timestamptz
			ns, kind, reason int16
			lineID           *string
			qty              *int64
		)
		if err := rows.Scan(&id, &order, &cust, &at, &ns, &kind, &reason, &lineID, &qty); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, customer.Return{ID: id, OrderID: order, CustomerID: customer.ID(cust), Time: fromInstant(at, ns),
				Kind: customer.ReturnKind(kind), Reason: customer.ReturnReason(reason)})
		}
		if lineID != nil {
			r := &out[len(out)-1]
			r.Lines = append(r.Lines, customer.ReturnLine{LineID: *lineID, Quantity: int(*qty)})
		}
	}
	return out, rows.Err()
}

// interactions reads the interactions of customer id.
func (s *CustomerStore) interactions(ctx context.Context, tx pgx.Tx, id customer.ID) ([]customer.Interaction, error) {
	rows, err := tx.Query(ctx, `SELECT at, at_ns, kind, subject FROM `+s.db.t.interactions+` WHERE customer_id = $1`, string(id))
	if err != nil {
		return nil, err
	}
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
