package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Recording an order touches two stores: the customer's history (the
// order with its lines) and the member's points ledger (the earn). The
// storage interfaces are separate and no backend offers one transaction
// over both, so the server makes the history the truth and the ledger
// follow it:
//
//  1. the order is appended to the history, atomically (all lines or
//     none) and idempotently (the same order again is a no-op; another
//     order under the same ID is refused: 409);
//  2. then the points are earned under the idempotency key "order:" + ID.
//
// If the store fails between the two, the request answers 503 and the
// order is recorded but not yet earned. That state is never shown: every
// read of a member's points, and every model refresh, first settles the
// ledger against the history (settle), applying in time order each
// order, return and credit (a price reduction takes points back) that has
// no ledger entry yet; the shop's retry of the 503 does the same.
// Applying twice is impossible, since the ledger accepts each key once.

type lineIn struct {
	ID        string `json:"id"`
	SKU       string `json:"sku"`
	Category  string `json:"category"`
	Season    string `json:"season"`
	Size      string `json:"size"`
	Colour    string `json:"colour"`
	Quantity  int    `json:"quantity"`
	UnitPrice string `json:"unit_price"`
	UnitCost  string `json:"unit_cost"`
	Discount  string `json:"discount"`
}

type orderIn struct {
	ID         string   `json:"id"`
	CustomerID string   `json:"customer_id"`
	Time       string   `json:"time"`
	Channel    string   `json:"channel"`
	Store      string   `json:"store"`
	Currency   string   `json:"currency"`
	Lines      []lineIn `json:"lines"`
}

func (in *orderIn) order(p *problems) customer.Order {
	if err := checkID("id", in.ID); err != nil && in.ID != "" {
		p.add("id", "must be 1–64 letters, digits, '.', '-' or '_'")
	}
	if in.CustomerID != "" && !validID.MatchString(in.CustomerID) {
		p.add("customer_id", "must be 1–64 letters, digits, '.', '-' or '_'")
	}
	o := customer.Order{
		ID:         in.ID,
		CustomerID: customer.ID(in.CustomerID),
		Time:       parseTime(p, "time", in.Time, true),
		Channel:    parseEnum(p, "channel", in.Channel, true, customer.ParseChannel),
		Store:      in.Store,
		Currency:   parseCurrency(p, "currency", in.Currency),
		Lines:      make([]customer.Line, len(in.Lines)),
	}
	for i, l := range in.Lines {
		f := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		o.Lines[i] = customer.Line{
			ID: l.ID, SKU: l.SKU, Category: l.Category, Season: l.Season, Size: l.Size, Colour: l.Colour,
			Quantity:  l.Quantity,
			UnitPrice: parseAmount(p, f("unit_price"), l.UnitPrice, true),
			Discount:  parseAmount(p, f("discount"), l.Discount, false),
		}
		if l.UnitCost != "" {
			o.Lines[i].UnitCost.Decimal = parseAmount(p, f("unit_cost"), l.UnitCost, true)
			o.Lines[i].UnitCost.Valid = true
		}
	}
	return o
}

// pointsOut is a member's points as of the request.
type pointsOut struct {
	Member    string `json:"member"`
	Available int64  `json:"available"`
	Pending   int64  `json:"pending"`
	Debt      int64  `json:"debt"`
	Balance   int64  `json:"balance"`
	Tier      string `json:"tier"`
	AsOf      string `json:"as_of"`
}

// pointsView brings a to now in memory (releases and expiries due; nothing
// is stored) unless it is there already, and returns its balances.
func (s *Server) pointsView(a loyalty.Account, now time.Time) pointsOut {
	if a.AsOf.Before(now) {
		if b, _, err := s.programme.Apply(a, loyalty.Tick{Member: a.Member}, now); err == nil {
			a = b
		}
	}
	return pointsOut{
		Member: string(a.Member), Available: int64(a.Available), Pending: int64(a.Pending),
		Debt: int64(a.Debt), Balance: int64(a.Balance()), Tier: s.programme.Tier(a).Name, AsOf: formatTime(now),
	}
}

type orderOut struct {
	OrderID   string    `json:"order_id"`
	Duplicate bool      `json:"duplicate"`
	Earned    int64     `json:"points_earned"`
	Note      string    `json:"note,omitempty"`
	Points    pointsOut `json:"points"`
}

func (s *Server) postOrder(ctx context.Context, caller Caller, r *http.Request) (int, any, error) {
	var in orderIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var p problems
	o := in.order(&p)
	if err := p.err(); err != nil {
		return 0, nil, err
	}
	now := s.now()
	if err := o.Validate(now); err != nil {
		return 0, nil, err
	}
	if cur := s.programme.Config().Currency; o.Currency != cur {
		return 0, nil, badRequest("currency", "this shop sells in %s", cur)
	}
	defer s.lock(o.CustomerID)()
	switch err := s.stores.Customers.AppendOrder(ctx, o); {
	case errors.Is(err, customer.ErrDuplicate):
		return 0, nil, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q was recorded before with other content", o.ID)}
	case err != nil:
		return 0, nil, notFound(err, "customer_id", "no such customer")
	}
	out := orderOut{OrderID: o.ID}
	acct, entries, err := s.ledger.Apply(ctx, loyalty.Purchase{Order: o}, now)
	var dup *loyalty.DuplicateError
	var ve *customer.ValidationError
	switch {
	case errors.As(err, &dup) && dup.Same:
		out.Duplicate = true
		if acct, err = s.ledger.Account(ctx, o.CustomerID); err != nil {
			return 0, nil, err
		}
	case errors.As(err, &dup):
		return 0, nil, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q earned points before with other content", o.ID)}
	case errors.Is(err, loyalty.ErrNotMember):
		// Registered, but the join did not land (the store failed
		// after the customer was stored): settle joins and earns.
		if acct, err = s.settle(ctx, o.CustomerID, now); err != nil {
			return 0, nil, err
		}
	case errors.As(err, &ve), errors.Is(err, loyalty.ErrOverflow):
		// A valid order the programme does not reward (placed before
		// the member joined, or worth more points than the ledger can
		// hold): it stays recorded and earns nothing.
		out.Note = "earns no points: " + err.Error()
		if acct, err = s.ledger.Account(ctx, o.CustomerID); err != nil {
			return 0, nil, err
		}
	case err != nil:
		return 0, nil, err
	}
	earned, _, _ := acct.OrderPoints(o.ID)
	out.Earned = int64(earned)
	out.Points = s.pointsView(acct, now)
	status := http.StatusCreated
	if out.Duplicate {
		status = http.StatusOK
	}
	s.log.LogAttrs(ctx, slog.LevelDebug, "order recorded", slog.String("order", o.ID),
		slog.Int("lines", len(o.Lines)), slog.Int("entries", len(entries)), slog.Bool("duplicate", out.Duplicate))
	return status, out, nil
}

type returnLineIn struct {
	LineID   string `json:"line_id"`
	Quantity int    `json:"quantity"`
}

type returnIn struct {
	ID         string         `json:"id"`
	OrderID    string         `json:"order_id"`
	CustomerID string         `json:"customer_id"`
	Time       string         `json:"time"`
	Kind       string         `json:"kind"`
	Reason     string         `json:"reason"`
	Lines      []returnLineIn `json:"lines"`
	// Refund is the money paid back when a fee was kept from the units'
	// share; empty pays the share.
	Refund string `json:"refund"`
}

type returnOut struct {
	ReturnID  string    `json:"return_id"`
	Duplicate bool      `json:"duplicate"`
	Clawed    int64     `json:"points_clawed_back"`
	Note      string    `json:"note,omitempty"`
	Points    pointsOut `json:"points"`
}

func (s *Server) postReturn(ctx context.Context, caller Caller, r *http.Request) (int, any, error) {
	var in returnIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var p problems
	for _, f := range []struct{ name, v string }{{"id", in.ID}, {"order_id", in.OrderID}, {"customer_id", in.CustomerID}} {
		if !validID.MatchString(f.v) {
			p.add(f.name, "must be 1–64 letters, digits, '.', '-' or '_'")
		}
	}
	ret := customer.Return{
		ID: in.ID, OrderID: in.OrderID, CustomerID: customer.ID(in.CustomerID),
		Time:   parseTime(&p, "time", in.Time, true),
		Kind:   parseEnum(&p, "kind", in.Kind, true, customer.ParseReturnKind),
		Reason: parseEnum(&p, "reason", in.Reason, true, customer.ParseReturnReason),
	}
	for _, l := range in.Lines {
		ret.Lines = append(ret.Lines, customer.ReturnLine{LineID: l.LineID, Quantity: l.Quantity})
	}
	if in.Refund != "" {
		ret.Refund = decimal.NewNullDecimal(parseAmount(&p, "refund", in.Refund, true))
	}
	if err := p.err(); err != nil {
		return 0, nil, err
	}
	now := s.now()
	defer s.lock(ret.CustomerID)()

	// The order and the units of it refunded before (an exchange leaves
	// the units with the customer), from the history.
	var order *customer.Order
	refunded := map[string]int{}
	redelivery := false
	for ev, err := range s.stores.Customers.History(ctx, ret.CustomerID) {
		if err != nil {
			return 0, nil, notFound(err, "customer_id", "no such customer")
		}
		switch {
		case ev.Order != nil && ev.Order.ID == ret.OrderID:
			order = ev.Order
		case ev.Return != nil && ev.Return.ID == ret.ID:
			if !ev.Return.Equal(ret) {
				return 0, nil, &apiError{status: http.StatusConflict, field: "id",
					msg: fmt.Sprintf("return %q was recorded before with other content", ret.ID)}
			}
			redelivery = true
		case ev.Return != nil && ev.Return.OrderID == ret.OrderID && ev.Return.Kind == customer.Refund:
			for _, l := range ev.Return.Lines {
				refunded[l.LineID] -= l.Quantity
			}
		}
	}
	if order == nil {
		return 0, nil, &apiError{status: http.StatusNotFound, field: "order_id", msg: "no such order of this customer"}
	}
	if !redelivery {
		if err := ret.ValidateAfter(*order, refunded, now); err != nil {
			return 0, nil, err
		}
	}
	switch err := s.stores.Customers.AppendReturn(ctx, ret); {
	case errors.Is(err, customer.ErrDuplicate):
		return 0, nil, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("return %q was recorded before with other content", ret.ID)}
	case err != nil:
		return 0, nil, notFound(err, "order_id", "no such order of this customer")
	}
	out := returnOut{ReturnID: ret.ID}
	_, clawed0, _ := s.orderPoints(ctx, ret.CustomerID, ret.OrderID)
	acct, _, err := s.ledger.Apply(ctx, loyalty.Returned{Return: ret}, now)
	var dup *loyalty.DuplicateError
	var ve *customer.ValidationError
	switch {
	case errors.As(err, &dup) && dup.Same:
		out.Duplicate = true
		acct, err = s.ledger.Account(ctx, ret.CustomerID)
	case errors.As(err, &dup):
		return 0, nil, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("return %q clawed back points before with other content", ret.ID)}
	case errors.Is(err, customer.ErrNotFound):
		// The order's earn (or the join) has not landed yet: settle
		// applies it, then this return, in time order. An order that
		// earned nothing has nothing to claw back.
		acct, err = s.settle(ctx, ret.CustomerID, now)
	case errors.As(err, &ve):
		out.Note = "claws back no points: " + ve.Error()
		acct, err = s.ledger.Account(ctx, ret.CustomerID)
	}
	if err != nil {
		return 0, nil, err
	}
	if !out.Duplicate {
		_, clawed, _ := acct.OrderPoints(ret.OrderID)
		out.Clawed = int64(clawed - clawed0)
	}
	out.Points = s.pointsView(acct, now)
	status := http.StatusCreated
	if out.Duplicate {
		status = http.StatusOK
	}
	return status, out, nil
}

// orderPoints returns what order id has earned and had clawed back so far.
func (s *Server) orderPoints(ctx context.Context, member customer.ID, id string) (earned, clawed loyalty.Points, err error) {
	a, err := s.ledger.Account(ctx, member)
	if err != nil {
		return 0, 0, err
	}
	earned, clawed, _ = a.OrderPoints(id)
	return earned, clawed, nil
}

// settle brings member's ledger in line with its history: it joins the
// programme when the ledger is empty, then applies, in the history's time
// order, every order and return that has no ledger entry yet. The caller
// holds the member's lock. An event the programme refuses (an order from
// before the member joined, say, or one whose points would overflow the
// ledger) is skipped and logged, so that one record cannot block the
// member's reads.
func (s *Server) settle(ctx context.Context, member customer.ID, now time.Time) (loyalty.Account, error) {
	acct, err := s.ledger.Account(ctx, member)
	if err != nil {
		return loyalty.Account{}, err
	}
	if acct.Member == "" {
		c, err := s.stores.Customers.Get(ctx, member)
		if err != nil {
			return loyalty.Account{}, notFound(err, "id", "no such customer")
		}
		if c.Kind != customer.Consumer {
			return acct, nil
		}
		if acct, err = s.join(ctx, c, now); err != nil {
			return loyalty.Account{}, err
		}
	}
	for ev, err := range s.stores.Customers.History(ctx, member) {
		if err != nil {
			return loyalty.Account{}, notFound(err, "id", "no such customer")
		}
		var e loyalty.Event
		switch {
		case ev.Order != nil:
			e = loyalty.Purchase{Order: *ev.Order}
		case ev.Return != nil:
			e = loyalty.Returned{Return: *ev.Return}
		case ev.Credit != nil:
			e = loyalty.Credited{Credit: *ev.Credit}
		default:
			continue
		}
		if acct.HasKey(e.Key()) {
			continue
		}
		next, _, err := s.ledger.Apply(ctx, e, now)
		var ve *customer.ValidationError
		switch {
		case err == nil:
			acct = next
		case errors.Is(err, loyalty.ErrDuplicate):
			if acct, err = s.ledger.Account(ctx, member); err != nil {
				return loyalty.Account{}, err
			}
		case errors.As(err, &ve), errors.Is(err, loyalty.ErrUnknownOrder), errors.Is(err, loyalty.ErrOverflow):
			s.log.LogAttrs(ctx, slog.LevelDebug, "settle: record not applicable to the ledger",
				slog.String("key", e.Key()), slog.String("error", err.Error()))
		default:
			return loyalty.Account{}, err
		}
	}
	return acct, nil
}
