package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
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
//  1. the order is recorded in the history through the server's
//     customer.Recorder (a return too), which checks it against the
//     customer and the history in one step of the store with its append,
//     so also against what other servers on the same database append;
//     atomically (all lines or none) and idempotently (the same order
//     again is a no-op; another order under the same ID is refused:
//     409);
//  2. then the points are earned under the idempotency key "order:" + ID.
//
// If the store fails between the two, the request answers 503 and the
// order is recorded but not yet earned. That state is never shown: every
// read of a member's points, and every model refresh, first settles the
// ledger against the history (settle), applying in time order each
// order, return and credit (a price reduction takes points back) that has
// no ledger entry yet; the shop's retry of the 503 does the same.
// Applying twice is impossible, since the ledger accepts each key once.
//
// An order that names the coupons it used is the exception: its ledger
// entry is written first (postCouponOrder). The member's ledger counts
// the uses of each coupon and refuses a use over the member's limit,
// under its optimistic concurrency, so of two orders that used the same
// single-use coupon exactly one is recorded, also when two processes
// write the member, and the refused one stores nothing. The history
// cannot hold the coupons an order used, so settle could not give them
// to the ledger: a coupon order is never left in the history without
// its ledger entry. The order is checked as the Recorder will check it
// (against the customer and the currency of the history) before the
// ledger is written. If the store fails between the two, the request
// answers 503 and the order's points (and coupon uses) are in the ledger
// until the shop's retry appends the order to the history, once: the
// ledger takes the order's key once, the history the order's ID. If the
// history refuses the order for good after its ledger entry was written
// (another writer recorded another order under its ID in between), the
// entry is taken back (compensate): a refund of every unit, in the
// ledger alone, claws back its points and gives back its coupon uses; a
// retry of the order completes a compensation that failed. The order the
// history holds under that ID earns under its reissue ID (inLedger); a
// plain order that finds its key taken by another order's entry takes
// that entry back itself (undoOther). A coupon order whose request
// failed between the two writes and that the shop will not send again
// is released (postRelease). Before both writes, the order claims a use
// of each bearer coupon with MaxUses in the coupon's own ledger
// (bearer.go), as no member's ledger counts the uses by everyone.
//
// The writes, in order, and what a crash (or a lost answer: 503) between
// two of them leaves, which the resend of the original order repairs:
//
//   - a plain order: the history, then the member's ledger. Between the
//     two the history holds the order without its earn; the resend (or
//     any read, settle) applies it.
//   - a coupon order: the claims in the coupon ledgers, then the member's
//     ledger, then the history. After the claims, the resend takes the
//     claims of its content and goes on; after the member's ledger, it
//     finds its entry (a redelivery, no second use) and appends the order
//     to the history.
//
// The resend repairs only if nothing else is recorded under the order's
// ID meanwhile, and nothing that is refused is: a plain order under the
// ID of a coupon order that the member's ledger holds and the history
// does not, and that the ledger cannot tell from it (the coupon order
// sent without its coupons, or another order differing only in fields
// the ledger does not keep, such as a SKU), is refused (409) before the
// history is written (heldByCoupons), so it stores nothing and the
// coupon order's resend still records it. A plain order that the ledger
// tells apart is another order: it is recorded, the coupon order's entry
// is taken back (undoOther) and its resend is refused (409), as when
// another writer records another order under the ID first. Neither a
// coupon order that holds only claims in the coupon ledgers, nor one in
// another member's ledger, holds the ID: a plain order under it is
// recorded, and the coupon order's resend is refused (409), its claims
// and entry given back. Only a coupon order whose ledger entry another
// server writes after that check and before the plain order's earn (its
// server read the history before the plain order's record) can still
// leave the plain order in the history answered 409: the coupon
// order's resend then either completes (it is that order, with its
// coupons) or is refused and its entry taken back, after which the
// plain order earns under its reissue ID.

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
	// Coupons are the codes of the coupons the order used, each a
	// coupon of the programme, named once.
	Coupons []string `json:"coupons"`
}

// orderCoupons resolves the coupon codes of an order to their uses, by
// code as [loyalty.Quote.Checkout] reports them, and the index of each
// code in the request (for the field of an error). An unknown code, or
// one named twice, is a problem naming its element.
func (s *Server) orderCoupons(p *problems, codes []string) ([]loyalty.CouponUse, map[string]int) {
	var uses []loyalty.CouponUse
	at := map[string]int{}
	for i, code := range codes {
		f := fmt.Sprintf("coupons[%d]", i)
		c, ok := s.coupons[code]
		if _, dup := at[code]; dup {
			p.add(f, "coupon %q is named twice", code)
			continue
		}
		if !ok {
			p.add(f, "no coupon %q", code)
			continue
		}
		at[code] = i
		uses = append(uses, loyalty.NewCouponUse(c))
	}
	slices.SortFunc(uses, func(a, b loyalty.CouponUse) int { return strings.Compare(a.Code, b.Code) })
	return uses, at
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

// current brings a to now in memory (releases and expiries due; nothing
// is stored) unless it is there already.
func (s *Server) current(a loyalty.Account, now time.Time) loyalty.Account {
	if a.AsOf.Before(now) {
		if b, _, err := s.programme.Apply(a, loyalty.Tick{Member: a.Member}, now); err == nil {
			a = b
		}
	}
	return a
}

// pointsView returns a's balances as of now ([Server.current]).
func (s *Server) pointsView(a loyalty.Account, now time.Time) pointsOut {
	a = s.current(a, now)
	return pointsOut{
		Member: string(a.Member), Available: int64(a.Available), Pending: int64(a.Pending),
		Debt: int64(a.Debt), Balance: int64(a.Balance()), Tier: s.programme.Tier(a).Name, AsOf: formatTime(now),
	}
}

type orderOut struct {
	OrderID   string `json:"order_id"`
	Duplicate bool   `json:"duplicate"`
	Earned    int64  `json:"points_earned"`
	Note      string `json:"note,omitempty"`
	// Coupons are the codes of the coupons the order used, as the
	// member's ledger recorded them.
	Coupons []string  `json:"coupons,omitempty"`
	Points  pointsOut `json:"points"`
}

func (s *Server) postOrder(ctx context.Context, caller Caller, r *http.Request) (int, any, error) {
	var in orderIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var p problems
	o := in.order(&p)
	uses, at := s.orderCoupons(&p, in.Coupons)
	now := s.now()
	if len(p.list) > 0 {
		// The order's own checks too, so that the answer lists every
		// bad field; those of a value that could not be read are
		// listed once.
		p.merge(o.Validate(now))
		return 0, nil, p.err()
	}
	if cur := s.programme.Config().Currency; o.Currency != cur {
		return 0, nil, badRequest("currency", "this shop sells in %s", cur)
	}
	defer s.lock(o.CustomerID)()
	if len(uses) > 0 {
		out, err := s.postCouponOrder(ctx, o, uses, at, now)
		if err != nil {
			return 0, nil, err
		}
		return s.orderDone(ctx, o, out, 0)
	}
	// A coupon order not yet in the history holds its ID (heldByCoupons):
	// o is refused before the history is written, so that the refusal
	// stores nothing.
	if held, err := s.heldByCoupons(ctx, o); err != nil {
		return 0, nil, err
	} else if held {
		if verr := o.Validate(now); verr != nil {
			return 0, nil, verr
		}
		return 0, nil, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q of member %q was sent before with coupons: send it again as it was first sent, coupons and all (or, if it is not recorded, release it); another order needs another ID", o.ID, o.CustomerID)}
	}
	stored, err := s.history.RecordOrderStored(ctx, o, now)
	if err != nil {
		if errors.Is(err, customer.ErrNotFound) {
			// The body is answered before the customer: an invalid
			// order is 400 naming its field, also for an unknown
			// customer.
			if verr := o.Validate(now); verr != nil {
				return 0, nil, verr
			}
		}
		return 0, nil, recordError(err, "order", o.ID)
	}
	// The history alone tells a redelivery (o recorded before, by this
	// request's first delivery or another server): an order that earns
	// nothing has no ledger entry, and an entry the ledger holds already
	// may be the earn of the order this request stored, applied by
	// another server (its delivery of o, or a read it settled) between
	// the record above and the earn below.
	out := orderOut{OrderID: o.ID, Duplicate: !stored}
	earn := loyalty.Purchase{Order: o}
	acct, entries, err := s.ledger.Apply(ctx, earn, now)
	var dup *loyalty.DuplicateError
	if errors.As(err, &dup) && !dup.Same {
		// The history holds o under its ID (recorded above, or before),
		// and the ledger's key of o holds another event: o with its
		// lines in another sequence (a redelivery: earnedPlain), o with
		// the coupons it was recorded with (o sent again without them,
		// in whatever sequence: 409), or another order, a coupon order
		// written to the ledger first, whose history record is refused
		// for good, since the history takes an ID once. That one's
		// entry is taken back (undoOther; done before, by the coupon
		// order's own request or by this order's first delivery, it is
		// a no-op), and o earns under its reissue ID.
		undone, uerr := s.undoOther(ctx, o, now)
		if uerr != nil {
			return 0, nil, uerr
		}
		if undone {
			earn.Order.ID = reissueID(o.ID)
			acct, entries, err = s.ledger.Apply(ctx, earn, now)
		} else if own, oerr := s.earnedPlain(ctx, o); oerr != nil {
			return 0, nil, oerr
		} else if own {
			// o's own earn, its lines in another sequence (the ledger
			// compares them in sequence, the history by ID): a
			// redelivery, which writes nothing.
			err = &loyalty.DuplicateError{Member: dup.Member, Key: dup.Key, Same: true}
		}
	}
	var ve *customer.ValidationError
	switch {
	case errors.As(err, &dup) && dup.Same:
		// Earned before: by an earlier delivery, or by another server
		// after this request recorded o. Whether this is a redelivery
		// is the history's answer (out.Duplicate), not the ledger's.
		if acct, err = s.ledger.Account(ctx, o.CustomerID); err != nil {
			return 0, nil, err
		}
	case errors.As(err, &dup):
		return 0, nil, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q earned points before with other content, or with coupons: send it again as it was recorded", o.ID)}
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
	s.orderResult(&out, acct, o.ID, now)
	return s.orderDone(ctx, o, out, len(entries))
}

// heldByCoupons reports whether plain order o (one that names no
// coupon) finds its ID held by a coupon order that its member's ledger
// holds and its history may not: the earn under o's key names coupons,
// is not taken back (voided), and the ledger cannot tell it from o
// (earnedAs: the same order time, and the same line IDs, quantities and
// nets; the ledger keeps no SKU, category or other line field). Such an
// earn is the coupon order's whose request failed between its ledger
// entry and its history record (503), or that the history holds already;
// o is then that order sent without its coupons, or another order under
// its ID, and either way a client error (409): recorded, o would take
// the ID in the history, the coupon order's resend would be refused, and
// o would earn nothing until then. An earn that earnedAs tells apart from o is another order's, and
// is taken back once o is in the history (undoOther). The caller holds
// the member's lock.
//
// It costs one read of the entries appended to the member's ledger
// since the server last read it (the service's cache), and the whole
// ledger only when the key is held by a coupon order.
func (s *Server) heldByCoupons(ctx context.Context, o customer.Order) (bool, error) {
	acct, err := s.ledger.Account(ctx, o.CustomerID)
	if err != nil {
		return false, err
	}
	if !acct.HasKey(loyalty.Purchase{Order: o}.Key()) || voided(&acct, o.ID) {
		return false, nil
	}
	if codes, _ := acct.OrderCoupons(o.ID); len(codes) == 0 {
		return false, nil
	}
	entries, err := s.stores.Ledgers.Entries(ctx, o.CustomerID, 0)
	if err != nil {
		return false, err
	}
	return earnedAs(entries, o), nil
}

// orderResult fills out with what the ledger of acct holds of order id
// of the history (under its reissue ID when its key is held by an order
// taken back).
func (s *Server) orderResult(out *orderOut, acct loyalty.Account, id string, now time.Time) {
	id = ledgerOrderID(&acct, id)
	earned, _, _ := acct.OrderPoints(id)
	out.Earned = int64(earned)
	out.Coupons, _ = acct.OrderCoupons(id)
	out.Points = s.pointsView(acct, now)
}

// orderDone logs the order recorded and returns its response: 201, or
// 200 for a redelivery.
func (s *Server) orderDone(ctx context.Context, o customer.Order, out orderOut, entries int) (int, any, error) {
	status := http.StatusCreated
	if out.Duplicate {
		status = http.StatusOK
	}
	s.log.LogAttrs(ctx, slog.LevelDebug, "order recorded", slog.String("order", o.ID),
		slog.Int("lines", len(o.Lines)), slog.Int("entries", entries), slog.Bool("duplicate", out.Duplicate),
		slog.Int("coupons", len(out.Coupons)))
	return status, out, nil
}

// postCouponOrder records order o, which used the coupons uses (by code;
// at gives each code's index in the request), ledger first: a use of
// each bearer coupon with MaxUses is claimed (claimBearer), the purchase
// naming the coupons is applied to the member's ledger, which refuses a
// use over the member's limit, and only then is the order appended to
// the history. The caller holds the member's lock.
//
// Refused, with nothing stored: another order under o's ID (409, "id"),
// also the same order recorded before with other coupons; a coupon the
// member has used up, or a bearer coupon used MaxUses times by everyone
// (422, "coupons[i]"); a customer who is not a member of the
// programme, or an order its ledger does not reward (placed before the
// member joined, worth more points than a ledger holds), whose coupon
// uses could not be counted (422, "coupons"); an order the history would
// refuse (400). The same order again is a redelivery: 200,
// no second use. An order the history refuses after its ledger entry was
// written is answered as the history refuses it, with the entry taken
// back (compensate). An order refused for good by what the stores
// hold when it arrives claims no use of a bearer coupon (checkBearer,
// checkLedger); one refused after its claims (another writer appended
// meanwhile) gives back the uses that this delivery and the earlier
// deliveries of the same content claimed (releaseRefused), not those of
// a delivery of other content under its ID. One that fails otherwise
// (503) keeps them for its next delivery. An order released as never
// recorded is 409 on "id" (a release spends its ID; bearer.go).
func (s *Server) postCouponOrder(ctx context.Context, o customer.Order, uses []loyalty.CouponUse, at map[string]int, now time.Time) (orderOut, error) {
	out := orderOut{OrderID: o.ID}
	// An order refused for good gives back this delivery's claims of
	// uses of limited bearer coupons, those of its earlier deliveries of
	// the same content too (releaseRefused); one whose request fails
	// otherwise keeps them for its next delivery: the member's ledger
	// may hold it although the store's answer was an error.
	digest := claimDigest(o, uses)
	refused := false
	defer func() {
		if !refused {
			return
		}
		if err := s.releaseRefused(ctx, o, digest, uses, now); err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "bearer coupon use of a refused order not released: it stays counted",
				slog.String("order", o.ID), slog.String("error", err.Error()))
		}
	}()
	prev, cur, err := s.storedOrder(ctx, o.CustomerID, o.ID)
	if err != nil {
		if errors.Is(err, customer.ErrNotFound) {
			// An invalid order is 400 naming its field, also for an
			// unknown customer.
			if verr := o.Validate(now); verr != nil {
				return out, verr
			}
		}
		return out, notFound(err, "customer_id", "no such customer")
	}
	if prev != nil && !prev.Equal(o) {
		// The ledger may hold this order from a delivery whose history
		// record was refused and whose compensation failed: complete it.
		if err := s.compensateIfOurs(ctx, o, uses, now); err != nil {
			return out, err
		}
		refused = true
		return out, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q was recorded before with other content", o.ID)}
	}
	// The ledger is written before the history, so an order the
	// Recorder would refuse must not reach it: the order is checked as
	// the Recorder checks it, against the customer (ValidateFor) and the
	// currency of the history. What another writer appends between this
	// check and the history record is handled by compensateIfOurs.
	if prev == nil {
		c, err := s.stores.Customers.Get(ctx, o.CustomerID)
		if err != nil {
			return out, notFound(err, "customer_id", "no such customer")
		}
		verr := o.ValidateFor(c, now)
		if verr == nil && cur != "" && o.Currency != cur {
			verr = customer.Invalid(fmt.Sprintf("order %q", o.ID), []customer.FieldError{{Field: "currency", Code: customer.CodeMismatch,
				Message: fmt.Sprintf("is %s, the history of customer %q is in %s", o.Currency, o.CustomerID, cur)}})
		}
		if verr != nil {
			// The history refuses the order for good: a ledger entry of a
			// delivery whose compensation failed is taken back now.
			if err := s.compensateIfOurs(ctx, o, uses, now); err != nil {
				return out, err
			}
			refused = true
			return out, verr
		}
	}
	// Settling joins the member when the join did not land, and applies
	// the history's orders without a ledger entry, which used no coupons.
	acct, err := s.settle(ctx, o.CustomerID, now)
	var ae *apiError
	if errors.As(err, &ae) && ae.status == http.StatusNotFound {
		return out, &apiError{status: http.StatusNotFound, field: "customer_id", msg: "no such customer"}
	}
	if err != nil {
		return out, err
	}
	if acct.Member == "" {
		return out, &apiError{status: http.StatusUnprocessableEntity, field: "coupons",
			msg: fmt.Sprintf("coupons: customer %q is not a member of the loyalty programme: the uses of its coupons cannot be counted", o.CustomerID)}
	}
	// An order that the coupon ledgers or the member's ledger refuse
	// for good, as read now, is refused before anything is claimed:
	// the coupon ledgers of its other bearer coupons are not written.
	// What other writers append meanwhile is caught below, by the
	// claims (conditioned on each coupon ledger's version) and by the
	// member's ledger.
	if err := s.checkBearer(ctx, o, digest, uses, at); err != nil {
		// A coupon ledger that could not be read refuses nothing (503):
		// the claims of this content stay, as another delivery of it
		// may be recording the order with them.
		var ae *apiError
		refused = errors.As(err, &ae)
		return out, err
	}
	if err := s.checkLedger(o, uses, at, &acct, now); err != nil {
		refused = true
		return out, err
	}
	// The uses by everyone of the limited bearer coupons are claimed
	// first (claimBearer).
	if err := s.claimBearer(ctx, o, digest, uses, at, now); err != nil {
		var ae *apiError
		refused = errors.As(err, &ae)
		return out, err
	}
	acct, _, err = s.ledger.Apply(ctx, loyalty.Purchase{Order: o, Coupons: uses}, now)
	var dup *loyalty.DuplicateError
	if errors.As(err, &dup) && dup.Same {
		out.Duplicate = true
		if acct, err = s.ledger.Account(ctx, o.CustomerID); err != nil {
			return out, err
		}
		err = dup
	}
	if rerr := ledgerRefusal(o, at, &acct, err); rerr != nil {
		refused = true
		return out, rerr
	}
	if err != nil && !out.Duplicate {
		return out, err
	}
	if err := s.history.RecordOrder(ctx, o, now); err != nil {
		if refusedForGood(err) {
			// The history will never hold the order: the ledger entry
			// written for it is taken back.
			if cerr := s.compensate(ctx, o, now); cerr != nil {
				return out, cerr
			}
		}
		return out, recordError(err, "order", o.ID)
	}
	s.orderResult(&out, acct, o.ID, now)
	return out, nil
}

// checkLedger returns the refusal for good (ledgerRefusal) of coupon
// order o, with the coupons uses, by the member's account acct, or nil.
// The purchase is applied to acct in memory only when acct shows a
// refusal coming: its key taken (another order under o's ID, or o taken
// back), a coupon the member has used up, or an order placed before the
// member joined; an order that would only overflow the ledger is left to
// the ledger's own append.
func (s *Server) checkLedger(o customer.Order, uses []loyalty.CouponUse, at map[string]int, acct *loyalty.Account, now time.Time) error {
	doomed := acct.HasKey(loyalty.Purchase{Order: o}.Key()) || o.Time.Before(acct.Joined)
	for _, u := range uses {
		doomed = doomed || u.Limit > 0 && acct.CouponUses(u.Code) >= u.Limit
	}
	if !doomed {
		return nil
	}
	_, _, err := s.programme.Apply(*acct, loyalty.Purchase{Order: o, Coupons: uses}, now)
	return ledgerRefusal(o, at, acct, err)
}

// ledgerRefusal returns the answer to coupon order o when err, of
// applying its purchase to the member's account acct, refuses it for
// good: 409 on "id" for another order under its ID (or the order with
// other coupons) and for the order whose entry was taken back
// (compensate, a release); 422 naming the coupon (at gives its index)
// that the member has used up; 422 on "coupons" for an order the ledger
// does not reward, which cannot record the uses. Nil for no error, a
// redelivery of an order that stands, or an error that may pass when
// the order is sent again.
func ledgerRefusal(o customer.Order, at map[string]int, acct *loyalty.Account, err error) error {
	var dup *loyalty.DuplicateError
	var ce *loyalty.CouponError
	var ve *customer.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &dup) && dup.Same:
		if voided(acct, o.ID) {
			// The entry was taken back (compensate, or a release): the
			// order's points are gone and its coupons given back, so
			// recording it now would keep an order that used coupons
			// no ledger counts.
			return &apiError{status: http.StatusConflict, field: "id",
				msg: fmt.Sprintf("order %q of member %q was taken back before it was recorded (its points clawed back, its coupons given back): send the order again under a new ID", o.ID, o.CustomerID)}
		}
	case errors.As(err, &dup):
		return &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q was recorded before with other content or other coupons", o.ID)}
	case errors.As(err, &ce):
		field := "coupons"
		if i, ok := at[ce.Code]; ok {
			field = fmt.Sprintf("coupons[%d]", i)
		}
		return &apiError{status: http.StatusUnprocessableEntity, field: field,
			msg: fmt.Sprintf("%s: order %q of member %q: %v", field, o.ID, o.CustomerID, ce)}
	case errors.As(err, &ve), errors.Is(err, loyalty.ErrOverflow):
		return &apiError{status: http.StatusUnprocessableEntity, field: "coupons",
			msg: "coupons: the order earns nothing in the member's ledger, so the uses of its coupons cannot be recorded: " + err.Error()}
	}
	return nil
}

// refusedForGood reports whether err, of a Recorder call, refuses the
// record for good: another record under its ID, a record the history's
// checks refuse, or an unknown customer. Any other error (of a store, of
// the context) may pass when the record is sent again.
func refusedForGood(err error) bool {
	var ve *customer.ValidationError
	return errors.Is(err, customer.ErrDuplicate) || errors.As(err, &ve) || errors.Is(err, customer.ErrNotFound)
}

// voidID is the ID of the return that compensates the ledger entry of
// coupon order id, which the history refused after the entry was
// written. The ':' keeps it apart from every return ID the API accepts
// (validID).
func voidID(id string) string { return "void:" + id }

// compensate takes back the ledger entry of coupon order o, which the
// history refused after the entry was written (undo), so that no coupon
// stays used, nor point earned, by an order the history does not hold.
// The caller holds the member's lock.
func (s *Server) compensate(ctx context.Context, o customer.Order, now time.Time) error {
	_, err := s.undo(ctx, o.CustomerID, o.ID, now)
	return err
}

// reissueID is the ID under which a member's ledger holds order id of
// the history when the ledger's key of id is held by another order: a
// coupon order written to the ledger first, which the history refused
// and whose entry was taken back (voidID). The ':' keeps it apart from
// every order ID the API accepts (validID).
func reissueID(id string) string { return "reissue:" + id }

// voided reports whether the ledger entry of order id in acct was taken
// back (undo).
func voided(acct *loyalty.Account, id string) bool {
	return acct.HasKey(loyalty.Returned{Return: customer.Return{ID: voidID(id)}}.Key())
}

// ledgerOrderID returns the ID under which acct holds, or is to hold, the
// earn of order id of the history: its reissue ID when the entry under
// id was taken back, else id.
func ledgerOrderID(acct *loyalty.Account, id string) string {
	if id != "" && voided(acct, id) {
		return reissueID(id)
	}
	return id
}

// inLedger returns e, an event of the history, as the ledger of acct
// takes it: an order whose key is held by an order taken back earns
// under its reissue ID, and its returns and credits refer to that ID.
func inLedger(acct *loyalty.Account, e loyalty.Event) loyalty.Event {
	switch e := e.(type) {
	case loyalty.Purchase:
		e.Order.ID = ledgerOrderID(acct, e.Order.ID)
		return e
	case loyalty.Returned:
		e.Return.OrderID = ledgerOrderID(acct, e.Return.OrderID)
		return e
	case loyalty.Credited:
		e.Credit.OrderID = ledgerOrderID(acct, e.Credit.OrderID)
		return e
	}
	return e
}

// earnedAs reports whether the earn of order o.ID among entries, a
// member's ledger, is o's, the coupons it names aside: the same order
// time and the same lines (ID, quantity and net, as the earn records
// them), by position or, when o's lines are keyed, by line ID in
// whatever sequence, as the history compares orders
// ([customer.Order.Equal]). False when there is no earn of o.ID.
func earnedAs(entries []loyalty.Entry, o customer.Order) bool {
	key := loyalty.Purchase{Order: o}.Key()
	for _, e := range entries {
		if e.Key != key || e.Kind != loyalty.EntryEarn {
			continue
		}
		if !e.Effective.Equal(o.Time) || len(e.Lines) != len(o.Lines) {
			return false
		}
		same := func(r loyalty.LineRecord, l customer.Line) bool {
			return r.LineID == l.ID && r.Quantity == l.Quantity && r.Net.Equal(l.Net())
		}
		inSequence := true
		for i, l := range o.Lines {
			inSequence = inSequence && same(e.Lines[i], l)
		}
		if inSequence {
			return true
		}
		byID := make(map[string]customer.Line, len(o.Lines))
		for _, l := range o.Lines {
			byID[l.ID] = l
		}
		if _, unkeyed := byID[""]; unkeyed || len(byID) != len(o.Lines) {
			return false
		}
		for _, r := range e.Lines {
			l, ok := byID[r.LineID]
			if !ok || !same(r, l) {
				return false
			}
			delete(byID, r.LineID)
		}
		return true
	}
	return false
}

// earnedPlain reports whether the earn under the key of order o of the
// history in its member's ledger is o's (earnedAs) and names no coupon:
// o itself, applied with its lines in another sequence. A ledger entry
// with coupons is a coupon order's, written before the history; one
// without is the earn of the order the history holds under the ID.
func (s *Server) earnedPlain(ctx context.Context, o customer.Order) (bool, error) {
	entries, acct, err := s.ledgerOf(ctx, o.CustomerID)
	if err != nil {
		return false, err
	}
	codes, _ := acct.OrderCoupons(o.ID)
	return len(codes) == 0 && earnedAs(entries, o), nil
}

// ledgerOf returns the entries of member's ledger, all of them, and the
// account they replay to.
func (s *Server) ledgerOf(ctx context.Context, member customer.ID) ([]loyalty.Entry, loyalty.Account, error) {
	entries, err := s.stores.Ledgers.Entries(ctx, member, 0)
	if err != nil {
		return nil, loyalty.Account{}, err
	}
	acct, err := loyalty.Replay(entries)
	if err != nil {
		return nil, loyalty.Account{}, err
	}
	return entries, acct, nil
}

// undoOther takes back (undo) the ledger entry under the key of order o
// of the history when it is another order's (earnedAs), and reports
// whether the entry under o's key is taken back, now or before, so that
// o earns under its reissue ID. The caller holds the member's lock.
func (s *Server) undoOther(ctx context.Context, o customer.Order, now time.Time) (bool, error) {
	entries, acct, err := s.ledgerOf(ctx, o.CustomerID)
	if err != nil {
		return false, err
	}
	if voided(&acct, o.ID) {
		return true, nil
	}
	if earnedAs(entries, o) {
		return false, nil
	}
	if acct, err = s.undo(ctx, o.CustomerID, o.ID, now); err != nil {
		return false, err
	}
	return voided(&acct, o.ID), nil
}

// undo takes back the ledger entry of order id of member, which the
// history does not hold (it holds another order under id, or will never
// hold this one): a refund of every unit the entry earned on, as the
// ledger's earn records them, under the key of voidID, in the ledger
// alone, claws back all of its points and gives back the uses of its
// coupons ([loyalty.Returned]), the uses by everyone of its bearer
// coupons too (releaseAllBearer). It returns the account after. An entry
// taken back before, or no entry under id, is left as it is; one the
// ledger refuses to take back (returns of the order recorded against the
// entry since) is logged, to be settled by hand. The caller holds the
// member's lock.
func (s *Server) undo(ctx context.Context, member customer.ID, id string, now time.Time) (loyalty.Account, error) {
	acct, err := s.undoEntry(ctx, member, id, now)
	if err != nil || !voided(&acct, id) {
		return acct, err
	}
	// The order no longer stands: its uses of bearer coupons are
	// released too (again, when a release failed before).
	if _, err := s.releaseAllBearer(ctx, member, id, now); err != nil {
		return loyalty.Account{}, fmt.Errorf("order %q: %w", id, err)
	}
	return acct, nil
}

// undoEntry takes back the ledger entry of order id of member as undo
// says, without the uses of bearer coupons.
func (s *Server) undoEntry(ctx context.Context, member customer.ID, id string, now time.Time) (loyalty.Account, error) {
	entries, acct, err := s.ledgerOf(ctx, member)
	if err != nil {
		return loyalty.Account{}, err
	}
	if voided(&acct, id) {
		return acct, nil
	}
	ret := customer.Return{ID: voidID(id), OrderID: id, CustomerID: member, Time: now,
		Kind: customer.Refund, Reason: customer.OtherReason}
	key := loyalty.Purchase{Order: customer.Order{ID: id}}.Key()
	for _, e := range entries {
		if e.Key == key && e.Kind == loyalty.EntryEarn {
			for _, l := range e.Lines {
				ret.Lines = append(ret.Lines, customer.ReturnLine{LineID: l.LineID, Quantity: -l.Quantity})
			}
		}
	}
	if len(ret.Lines) == 0 {
		return acct, nil
	}
	next, _, err := s.ledger.Apply(ctx, loyalty.Returned{Return: ret}, now)
	var ve *customer.ValidationError
	switch {
	case errors.Is(err, loyalty.ErrDuplicate):
		return s.ledger.Account(ctx, member)
	case errors.As(err, &ve):
		// The ledger holds returns of the order already (the history's
		// order under its ID was returned against it): what is left is
		// to be settled by hand.
		s.log.LogAttrs(ctx, slog.LevelWarn, "order the history does not hold: ledger entry not taken back",
			slog.String("order", id), slog.String("error", err.Error()))
		return acct, nil
	case err != nil:
		return loyalty.Account{}, fmt.Errorf("order %q: taking back the ledger entry of an order the history does not hold: %w", id, err)
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "order the history does not hold: ledger entry taken back",
		slog.String("order", id))
	return next, nil
}

// compensateIfOurs compensates the ledger entry of coupon order o when
// the member's ledger holds o itself, with its coupons uses, while the
// history holds another order under o's ID or refuses o for good (its
// currency, its customer): a delivery of o whose history record was
// refused and whose compensation did not complete.
// A ledger that holds the history's order, or none, is left as it is.
// The caller holds the member's lock.
func (s *Server) compensateIfOurs(ctx context.Context, o customer.Order, uses []loyalty.CouponUse, now time.Time) error {
	acct, err := s.ledger.Account(ctx, o.CustomerID)
	if err != nil {
		return err
	}
	if !acct.HasKey(loyalty.Purchase{Order: o}.Key()) || acct.HasKey(loyalty.Returned{Return: customer.Return{ID: voidID(o.ID)}}.Key()) {
		return nil
	}
	// The key is taken, so Apply writes nothing: it tells whether the
	// entry under it is o's.
	_, _, err = s.ledger.Apply(ctx, loyalty.Purchase{Order: o, Coupons: uses}, now)
	var dup *loyalty.DuplicateError
	if !errors.As(err, &dup) {
		return err
	}
	if !dup.Same {
		return nil
	}
	return s.compensate(ctx, o, now)
}

// storedOrder returns order id of member's history, or nil when the
// history has none under that ID, and the currency of the history (that
// of its first order or credit, as the Recorder takes it; empty when it
// has neither).
func (s *Server) storedOrder(ctx context.Context, member customer.ID, id string) (*customer.Order, customer.Currency, error) {
	var found *customer.Order
	var cur customer.Currency
	for ev, err := range s.stores.Customers.History(ctx, member) {
		if err != nil {
			return nil, "", err
		}
		switch {
		case ev.Order != nil:
			if cur == "" {
				cur = ev.Order.Currency
			}
			if ev.Order.ID == id {
				found = ev.Order
			}
		case ev.Credit != nil && cur == "":
			cur = ev.Credit.Amount.Currency()
		}
	}
	return found, cur, nil
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
	ReturnID  string `json:"return_id"`
	Duplicate bool   `json:"duplicate"`
	Clawed    int64  `json:"points_clawed_back"`
	Note      string `json:"note,omitempty"`
	// CouponsGivenBack are the coupons whose uses this return gave back:
	// it refunded the last units of an order that used them.
	CouponsGivenBack []string  `json:"coupons_given_back,omitempty"`
	Points           pointsOut `json:"points"`
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
	now := s.now()
	if len(p.list) > 0 {
		// The checks that need no order too, so that the answer lists
		// every bad field.
		p.merge(returnAlone(ret, now))
		return 0, nil, p.err()
	}
	defer s.lock(ret.CustomerID)()
	stored, err := s.history.RecordReturnStored(ctx, ret, now)
	if err != nil {
		var ve *customer.ValidationError
		if errors.Is(err, customer.ErrNotFound) && !errors.As(err, &ve) {
			// The body is answered before the customer: a return that
			// is invalid without its order is 400 naming its field,
			// also for an unknown customer.
			if verr := returnAlone(ret, now); verr != nil {
				return 0, nil, verr
			}
		}
		return 0, nil, recordError(err, "return", ret.ID)
	}
	out, err := s.clawBack(ctx, ret, stored, now)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusCreated
	if out.Duplicate {
		status = http.StatusOK
	}
	return status, out, nil
}

// clawBack applies return ret, which the history holds (stored: this
// request's record stored it; otherwise it was there before), to its
// member's ledger: the points of the units it takes back are clawed back,
// and the uses of the coupons of an order whose last units it refunds
// are given back. The ledger takes each return's key once, so a second
// call is a no-op answered as the first. A return sent to /v1/returns and
// the return of a refund a complaint carried out (carryOut) go through
// it. The caller holds the member's lock.
func (s *Server) clawBack(ctx context.Context, ret customer.Return, stored bool, now time.Time) (returnOut, error) {
	// The history alone tells a redelivery (ret recorded before, by this
	// request's first delivery or another server): a return of an order
	// that earned nothing has no ledger entry, and an entry the ledger
	// holds already may be the claw-back of the return this request
	// stored, applied by another server (its delivery of ret, or a read
	// it settled) between the record above and the claw-back below.
	out := returnOut{ReturnID: ret.ID, Duplicate: !stored}
	acct, _, err := s.ledger.Apply(ctx, loyalty.Returned{Return: ret}, now)
	var dup *loyalty.DuplicateError
	if err != nil && !(errors.As(err, &dup) && dup.Same) {
		// The order may earn under its reissue ID (inLedger), which the
		// ledger is asked only when the return refers to it.
		a, aerr := s.ledger.Account(ctx, ret.CustomerID)
		if aerr != nil {
			return returnOut{}, aerr
		}
		if id := ledgerOrderID(&a, ret.OrderID); id != ret.OrderID {
			mapped := ret
			mapped.OrderID = id
			acct, _, err = s.ledger.Apply(ctx, loyalty.Returned{Return: mapped}, now)
		}
	}
	var ve *customer.ValidationError
	switch {
	case errors.As(err, &dup) && dup.Same:
		// Clawed back before: by an earlier delivery, or by another
		// server after this request recorded ret. Whether this is a
		// redelivery is the history's answer (out.Duplicate), not the
		// ledger's.
		acct, err = s.ledger.Account(ctx, ret.CustomerID)
	case errors.As(err, &dup) && !stored:
		// The history holds ret (a redelivery), and the ledger takes a
		// return only from the history (this handler and settle,
		// after the history record), so the claw-back under its key is
		// of the history's return: ret with its lines in another
		// sequence (the ledger compares them in sequence, the history
		// by line ID). Nothing is written.
		acct, err = s.ledger.Account(ctx, ret.CustomerID)
	case errors.As(err, &dup):
		return returnOut{}, &apiError{status: http.StatusConflict, field: "id",
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
		return returnOut{}, err
	}
	// What the return's own entries did, so that a redelivery answers as
	// the first delivery did.
	clawed, back, err := s.returnEntries(ctx, ret.CustomerID, ret.ID)
	if err != nil {
		return returnOut{}, err
	}
	out.Clawed, out.CouponsGivenBack = int64(clawed), back
	out.Points = s.pointsView(acct, now)
	return out, nil
}

// returnEntries returns the points that the claw-back of return id
// took back in member's ledger (its points and those it forgave, as
// [loyalty.Account.OrderPoints] counts them) and the coupons whose uses
// it gave back; none when the ledger holds no claw-back of it.
func (s *Server) returnEntries(ctx context.Context, member customer.ID, id string) (loyalty.Points, []string, error) {
	entries, err := s.stores.Ledgers.Entries(ctx, member, 0)
	if err != nil {
		return 0, nil, err
	}
	key := loyalty.Returned{Return: customer.Return{ID: id}}.Key()
	var clawed loyalty.Points
	var back []string
	for _, e := range entries {
		if e.Key == key && e.Kind == loyalty.EntryClawback {
			clawed += -e.Points + e.Forgiven
			back = append(back, e.Coupons...)
		}
	}
	return clawed, back, nil
}

// returnAlone returns the problems of ret that show without its order
// (the checks of [customer.Return.Validate] that need no order) at now,
// as a 400 naming the first field, or nil. The ID, kind and reason were
// checked when the request was read.
func returnAlone(ret customer.Return, now time.Time) error {
	var p problems
	if ret.Time.After(now) {
		p.add("time", "%s is after %s", formatTime(ret.Time), formatTime(now))
	} else if ret.Time.Year() < customer.MinRecordYear {
		p.add("time", "is before %d", customer.MinRecordYear)
	}
	if len(ret.Lines) == 0 {
		p.add("lines", "a return needs at least one line")
	}
	seen := map[string]bool{}
	for i, rl := range ret.Lines {
		f := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		if rl.Quantity >= 0 {
			p.add(f("quantity"), "must be negative (units returned), is %d", rl.Quantity)
		}
		switch {
		case strings.TrimSpace(rl.LineID) == "":
			p.add(f("line_id"), "is required")
		case seen[rl.LineID]:
			p.add(f("line_id"), "line %q is returned twice in one return", rl.LineID)
		}
		seen[rl.LineID] = true
	}
	if ret.Refund.Valid {
		switch {
		case ret.Kind == customer.Exchange:
			p.add("refund", "is set on an exchange, which pays nothing back")
		case ret.Refund.Decimal.IsNegative():
			p.add("refund", "must not be negative")
		}
	}
	return p.err()
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
		if e = inLedger(&acct, e); acct.HasKey(e.Key()) {
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
