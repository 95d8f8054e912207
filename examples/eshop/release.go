package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A coupon order is written to the member's ledger before the history
// (postCouponOrder). When the store fails in between, the request
// answers 503 and the ledger holds the order's points and coupon uses
// until the shop sends the order again. A shop that will not send it
// again (the customer abandoned the checkout, the payment failed)
// releases it: POST /v1/orders/{id}/release takes the ledger entry back
// as a compensation does (undo), so the coupons may be used again. The
// member's points answer lists such orders under "unrecorded_orders",
// for a job that releases those older than the shop's retry window. An
// order that claimed uses of bearer coupons (bearer.go) and failed
// before the member's ledger took it holds only those claims: it is
// listed too, and its release gives them back and spends its ID.

type releaseIn struct {
	CustomerID string `json:"customer_id"`
}

type releaseOut struct {
	OrderID    string `json:"order_id"`
	CustomerID string `json:"customer_id"`
	// Duplicate is true when the order was released, or taken back by a
	// compensation, before.
	Duplicate        bool      `json:"duplicate"`
	Clawed           int64     `json:"points_clawed_back"`
	CouponsGivenBack []string  `json:"coupons_given_back,omitempty"`
	Points           pointsOut `json:"points"`
}

// postRelease takes back the ledger entry of coupon order {id} of the
// body's customer_id that the history does not hold: its points are
// clawed back and its coupons given back (undo). 200, also when it was
// taken back before ("duplicate": true); the order sent afterwards is
// 409 on "id" (postCouponOrder), to be sent under a new ID. An order the
// history holds is not released (409 on "id": a return takes it back);
// one the ledger does not hold either gives back the uses of bearer
// coupons it claimed (200, "coupons_given_back", when its request
// failed between the claim and the member's ledger, and 200 with
// "duplicate": true when a release gave them back before; sent again
// after that, it is 409 on "id" as well: voidBearer) or is 404 on "id"
// when it holds none and was not released.
// When the
// history holds another order under the ID (another writer recorded it
// meanwhile), the entry is taken back and the history's order earns
// under its reissue ID (settle).
func (s *Server) postRelease(ctx context.Context, _ Caller, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	if err := checkID("id", id); err != nil {
		return 0, nil, err
	}
	var in releaseIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if err := checkID("customer_id", in.CustomerID); err != nil {
		return 0, nil, err
	}
	member := customer.ID(in.CustomerID)
	now := s.now()
	defer s.lock(member)()
	prev, _, err := s.storedOrder(ctx, member, id)
	if err != nil {
		return 0, nil, notFound(err, "customer_id", "no such customer")
	}
	acct, err := s.ledger.Account(ctx, member)
	if err != nil {
		return 0, nil, err
	}
	out := releaseOut{OrderID: id, CustomerID: in.CustomerID}
	recorded := &apiError{status: http.StatusConflict, field: "id",
		msg: fmt.Sprintf("order %q of customer %q is recorded: a return takes it back", id, member)}
	switch {
	case voided(&acct, id):
		out.Duplicate = true
		// Its uses of bearer coupons were given back with it (undo),
		// unless that failed: then now.
		if _, err := s.releaseAllBearer(ctx, member, id, now); err != nil {
			return 0, nil, err
		}
	case !acct.HasKey(loyalty.Purchase{Order: customer.Order{ID: id}}.Key()):
		if prev != nil {
			return 0, nil, recorded
		}
		// An order whose request failed after it claimed uses of
		// bearer coupons and before its member's ledger took it holds
		// only those claims: they are given back, and its ID is spent
		// (voidBearer), as that of an order whose ledger entry is
		// taken back.
		back, err := s.voidBearer(ctx, member, id, now)
		if err != nil {
			return 0, nil, err
		}
		if len(back) == 0 {
			released, err := s.bearerVoided(ctx, member, id)
			if err != nil {
				return 0, nil, err
			}
			if !released {
				return 0, nil, &apiError{status: http.StatusNotFound, field: "id",
					msg: fmt.Sprintf("no order %q of customer %q: neither its history nor its ledger holds it", id, member)}
			}
			out.Duplicate = true
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "order released", slog.String("order", id), slog.Bool("duplicate", out.Duplicate))
		if acct, err = s.settle(ctx, member, now); err != nil {
			return 0, nil, err
		}
		out.CouponsGivenBack = back
		out.Points = s.pointsView(acct, now)
		return http.StatusOK, out, nil
	case prev != nil:
		// The history holds an order under the ID: the ledger's entry
		// is that order's, or another's, whose history record the
		// history refuses for good.
		undone, err := s.undoOther(ctx, *prev, now)
		if err != nil {
			return 0, nil, err
		}
		if !undone {
			return 0, nil, recorded
		}
	default:
		if _, err := s.undo(ctx, member, id, now); err != nil {
			return 0, nil, err
		}
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "order released", slog.String("order", id), slog.Bool("duplicate", out.Duplicate))
	if acct, err = s.settle(ctx, member, now); err != nil {
		return 0, nil, err
	}
	if !voided(&acct, id) {
		// The ledger refused to take the entry back (undo logged why).
		return 0, nil, &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q of member %q: the ledger refuses to take its entry back (returns were recorded against it): settle it by hand", id, member)}
	}
	clawed, back, err := s.returnEntries(ctx, member, voidID(id))
	if err != nil {
		return 0, nil, err
	}
	out.Clawed, out.CouponsGivenBack = int64(clawed), back
	out.Points = s.pointsView(acct, now)
	return http.StatusOK, out, nil
}

// unrecordedOut is an order a member's ledger holds and its history does
// not: a coupon order whose request failed between the two writes; or
// one that holds uses of bearer coupons that neither holds.
type unrecordedOut struct {
	OrderID string `json:"order_id"`
	// Since is when the ledger entry was written (or the first use of a
	// bearer coupon claimed), for a job that releases the orders older
	// than the shop's retry window.
	Since string `json:"since"`
}

// unrecordedOrders returns the orders that member's ledger holds and its
// history does not, other than those taken back: coupon orders whose
// request failed between the two writes (503) and that were not sent
// again, in the ledger's order; then, by ID, those that its ledger does
// not hold but that hold uses of bearer coupons (their request failed
// between the claim and the member's ledger), since their first claim. An order whose ID the history holds for
// another order (another writer recorded it meanwhile; earnedAs) is one
// of them: the history, which takes an ID once, will never hold it, and
// until it is released the history's order earns nothing.
func (s *Server) unrecordedOrders(ctx context.Context, member customer.ID) ([]unrecordedOut, error) {
	entries, err := s.stores.Ledgers.Entries(ctx, member, 0)
	if err != nil {
		return nil, err
	}
	var out []unrecordedOut
	keys := map[string]bool{}
	for _, e := range entries {
		keys[e.Key] = true
		id, ok := strings.CutPrefix(e.Key, loyalty.Purchase{}.Key())
		if ok && e.Kind == loyalty.EntryEarn && !strings.HasPrefix(id, reissueID("")) {
			out = append(out, unrecordedOut{OrderID: id, Since: formatTime(e.Time)})
		}
	}
	out = slices.DeleteFunc(out, func(u unrecordedOut) bool {
		return keys[loyalty.Returned{Return: customer.Return{ID: voidID(u.OrderID)}}.Key()]
	})
	// An order that claimed uses of bearer coupons and that the
	// member's ledger does not hold (its request failed in between),
	// since its first claim.
	claims, err := s.openClaims(ctx, member)
	if err != nil {
		return nil, err
	}
	since := map[string]time.Time{}
	for _, c := range claims {
		if keys[loyalty.Purchase{Order: customer.Order{ID: c.order}}.Key()] {
			continue
		}
		if t, ok := since[c.order]; !ok || c.since.Before(t) {
			since[c.order] = c.since
		}
	}
	for _, id := range slices.Sorted(maps.Keys(since)) {
		out = append(out, unrecordedOut{OrderID: id, Since: formatTime(since[id])})
	}
	if len(out) == 0 {
		return nil, nil
	}
	for ev, err := range s.stores.Customers.History(ctx, member) {
		if err != nil {
			return nil, err
		}
		if o := ev.Order; o != nil {
			out = slices.DeleteFunc(out, func(u unrecordedOut) bool { return u.OrderID == o.ID && earnedAs(entries, *o) })
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
