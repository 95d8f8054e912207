package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A bearer coupon (no Holder) with MaxUses may be used that many times
// by everyone together. No member's ledger holds the uses of others, so
// the server keeps them, in the ledger store, as a ledger of the coupon
// of its own (couponLedger): one entry of +1 point per use claimed by an
// order ("use:" member "/" order "#" n), and one of −1 when the order's
// ledger entry is taken back (undo, a release) or the order is refused
// for good ("release:" with the same suffix). The uses are the sum of
// its points. A use is claimed before the order's entry is written to
// the member's ledger, by an append conditioned on the coupon ledger's
// version, so of two orders that race for the last use exactly one gets
// it, also when two processes share the database; the other is refused
// (422) and stores nothing. The count is what is stored, never the
// request's: a basket's "uses.total" can only raise it (uses the shop
// knows of elsewhere).
//
// A use is given back only when the order cannot stand: refused for
// good (a coupon used up, another order under its ID, an order the
// ledger does not reward), taken back (undo), or released. A request
// that fails otherwise (503: the store failed, or its answer was lost
// after it stored the order's entry) keeps its claim for the order's
// next delivery, which takes the same claim: the limit may be reached
// early, never exceeded. Such an order, whose member's ledger may not
// hold it, is listed among the member's unrecorded orders and released
// as they are (postRelease). A refund gives no bearer use back (the
// order was placed with it); only an order taken back as never recorded
// does.
//
// The server reads each coupon ledger whole once and then only the
// entries appended after what it read (bearerCache), so an order costs
// the same with the coupon's 100,000th use as with its first.

// couponLedger is the ledger of the uses of bearer coupon code. The ':'
// keeps it apart from every customer ID the API accepts (validID).
func couponLedger(code string) customer.ID { return customer.ID("coupon:" + code) }

// limitedBearer reports whether c is a bearer coupon whose uses by
// everyone the server counts.
func limitedBearer(c loyalty.Coupon) bool { return c.Holder == "" && c.MaxUses > 0 }

// bearerClaims is the coupon ledger of a bearer coupon as read, seen
// from one order.
type bearerClaims struct {
	version int64
	uses    int
	// open is the suffix of the order's claim not released ("" when
	// none); claims counts its claims, released or not.
	open   string
	claims int
}

// bearerClaim is a claim not released: its key's suffix and when it
// was made.
type bearerClaim struct {
	suffix string
	since  time.Time
}

// bearerState is what was read of the coupon ledger of one code, up to
// version.
type bearerState struct {
	mu      sync.Mutex
	version int64
	uses    int
	// open holds, by member and order ID, the order's claim not
	// released; claims counts the claims of each bearerRef.
	open   map[customer.ID]map[string]bearerClaim
	claims map[string]int
}

// bearerCache holds the bearerState of each code read.
type bearerCache struct {
	mu     sync.Mutex
	byCode map[string]*bearerState
}

func (c *bearerCache) state(code string) *bearerState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byCode == nil {
		c.byCode = map[string]*bearerState{}
	}
	st := c.byCode[code]
	if st == nil {
		st = &bearerState{}
		c.byCode[code] = st
	}
	return st
}

// bearerRef names order id of member in the keys of a coupon ledger.
func bearerRef(member customer.ID, id string) string { return string(member) + "/" + id }

// catchUp reads the entries of the coupon ledger of code appended after
// st's version, or all of them when fresh is set or what was read no
// longer continues (the ledger is not the one read). The caller holds
// st.mu.
func (st *bearerState) catchUp(ctx context.Context, store loyalty.Store, code string, fresh bool) error {
	if fresh || st.open == nil {
		st.version, st.uses = 0, 0
		st.open, st.claims = map[customer.ID]map[string]bearerClaim{}, map[string]int{}
	}
	entries, err := store.Entries(ctx, couponLedger(code), st.version)
	if err != nil {
		return fmt.Errorf("coupon %q: reading its uses: %w", code, err)
	}
	if len(entries) > 0 && entries[0].Seq != st.version+1 && st.version > 0 {
		return st.catchUp(ctx, store, code, true)
	}
	for i := range entries {
		st.apply(&entries[i])
	}
	return nil
}

// apply adds e, the entry after st's version, to st. The caller holds
// st.mu.
func (st *bearerState) apply(e *loyalty.Entry) {
	st.version = e.Seq
	st.uses += int(e.Points)
	kind, suffix, _ := strings.Cut(e.Key, ":")
	ref, _, _ := strings.Cut(suffix, "#")
	m, id, _ := strings.Cut(ref, "/")
	member := customer.ID(m)
	switch kind {
	case "use":
		if st.open[member] == nil {
			st.open[member] = map[string]bearerClaim{}
		}
		st.open[member][id] = bearerClaim{suffix: suffix, since: e.Time}
		st.claims[ref]++
	case "release":
		if st.open[member][id].suffix == suffix {
			delete(st.open[member], id)
			if len(st.open[member]) == 0 {
				delete(st.open, member)
			}
		}
	}
}

// appended adds e, appended by this server, to what was read of the
// coupon ledger of code when nothing else was appended before it.
func (s *Server) appended(code string, e *loyalty.Entry) {
	st := s.bearer.state(code)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.open != nil && st.version == e.Seq-1 {
		st.apply(e)
	}
}

// readClaims reads the coupon ledger of code as order id of member
// sees it, all of it when fresh is set.
func (s *Server) readClaims(ctx context.Context, code string, member customer.ID, id string, fresh bool) (bearerClaims, error) {
	st := s.bearer.state(code)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.catchUp(ctx, s.stores.Ledgers, code, fresh); err != nil {
		return bearerClaims{}, err
	}
	return bearerClaims{version: st.version, uses: st.uses,
		open: st.open[member][id].suffix, claims: st.claims[bearerRef(member, id)]}, nil
}

// bearerUses returns the uses of bearer coupon code stored.
func (s *Server) bearerUses(ctx context.Context, code string) (int, error) {
	b, err := s.readClaims(ctx, code, "", "", false)
	return b.uses, err
}

// openClaim is a claim not released of an order of a member on a
// limited bearer coupon.
type openClaim struct {
	code, order string
	since       time.Time
}

// openClaims returns the claims not released of the orders of member
// on the limited bearer coupons, by code and order ID.
func (s *Server) openClaims(ctx context.Context, member customer.ID) ([]openClaim, error) {
	var out []openClaim
	for _, code := range s.limitedBearers() {
		st := s.bearer.state(code)
		st.mu.Lock()
		err := st.catchUp(ctx, s.stores.Ledgers, code, false)
		for id, c := range st.open[member] {
			out = append(out, openClaim{code: code, order: id, since: c.since})
		}
		st.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b openClaim) int {
		return cmp.Or(strings.Compare(a.code, b.code), strings.Compare(a.order, b.order))
	})
	return out, nil
}

// limitedBearers returns the codes of the limited bearer coupons, in
// code order.
func (s *Server) limitedBearers() []string {
	var codes []string
	for _, code := range slices.Sorted(maps.Keys(s.coupons)) {
		if limitedBearer(s.coupons[code]) {
			codes = append(codes, code)
		}
	}
	return codes
}

// appendClaim appends the entry that next returns for the coupon ledger
// of code as order id of member reads it, conditioned on its version,
// reading again when another writer appended first. next returns no
// entry when there is nothing to append, or an error that refuses it.
// After maxClaimAttempts conflicts it gives up with an error matching
// loyalty.ErrConflict (or loyalty.ErrDuplicate, when the last attempt
// found its key taken by another writer): a 503, after which the
// member's ledger and the history hold nothing of the order, the claims
// made before stay for its next delivery, and the client may send it
// again.
func (s *Server) appendClaim(ctx context.Context, code string, member customer.ID, id string, next func(b bearerClaims) (*loyalty.Entry, error)) error {
	fresh := false
	for attempt := 1; ; attempt++ {
		b, err := s.readClaims(ctx, code, member, id, fresh)
		if err != nil {
			return err
		}
		e, err := next(b)
		if err != nil || e == nil {
			return err
		}
		e.Seq, e.Member = b.version+1, couponLedger(code)
		err = s.stores.Ledgers.Append(ctx, couponLedger(code), b.version, []loyalty.Entry{*e})
		if err == nil {
			s.appended(code, e)
			return nil
		}
		if attempt >= maxClaimAttempts || !errors.Is(err, loyalty.ErrConflict) && !errors.Is(err, loyalty.ErrDuplicate) {
			return fmt.Errorf("coupon %q: recording its use: %w", code, err)
		}
		// Another writer appended first: what it appended is read on.
		// A conflict with nothing new to read (the ledger is not the
		// one read before) reads it whole on the next attempt.
		after, rerr := s.readClaims(ctx, code, member, id, false)
		if rerr != nil {
			return rerr
		}
		fresh = after.version == b.version
		runtime.Gosched()
	}
}

// maxClaimAttempts bounds the appends of one claim or release that
// other writers of the coupon ledger overtake.
const maxClaimAttempts = 64

// claimBearer claims a use of each limited bearer coupon of uses for
// order o, in code order: an order that holds a claim already (sent
// again) takes it again. A coupon whose uses reach its MaxUses refuses
// the order (422 naming it, at gives its index); the caller gives back
// the claims of a refused order (releaseRefused).
func (s *Server) claimBearer(ctx context.Context, o customer.Order, uses []loyalty.CouponUse, at map[string]int, now time.Time) error {
	ref := bearerRef(o.CustomerID, o.ID)
	for _, u := range uses {
		c := s.coupons[u.Code]
		if !limitedBearer(c) {
			continue
		}
		err := s.appendClaim(ctx, c.Code, o.CustomerID, o.ID, func(b bearerClaims) (*loyalty.Entry, error) {
			if b.open != "" {
				return nil, nil
			}
			if b.uses >= c.MaxUses {
				field := fmt.Sprintf("coupons[%d]", at[c.Code])
				return nil, &apiError{status: http.StatusUnprocessableEntity, field: field,
					msg: fmt.Sprintf("%s: order %q of member %q: coupon %q was used %d times by everyone, its max_uses is %d",
						field, o.ID, o.CustomerID, c.Code, b.uses, c.MaxUses)}
			}
			return &loyalty.Entry{Key: fmt.Sprintf("use:%s#%d", ref, b.claims+1), Kind: loyalty.EntryAdjust, Points: 1,
				Time: now, Effective: now, OrderID: o.ID, Reason: "bearer coupon use", Operator: string(o.CustomerID)}, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// releaseRefused gives back the claims of order o, refused for good, on
// the limited bearer coupons of uses, those of its earlier deliveries
// too, but for the coupons that the member's ledger records under o's
// ID for an order that stands (another delivery under that ID was
// recorded with them: the claims are its).
func (s *Server) releaseRefused(ctx context.Context, o customer.Order, uses []loyalty.CouponUse, now time.Time) error {
	acct, err := s.ledger.Account(ctx, o.CustomerID)
	if err != nil {
		return err
	}
	var held []string
	if acct.HasKey(loyalty.Purchase{Order: o}.Key()) && !voided(&acct, o.ID) {
		held, _ = acct.OrderCoupons(o.ID)
	}
	var codes []string
	for _, u := range uses {
		if limitedBearer(s.coupons[u.Code]) && !slices.Contains(held, u.Code) {
			codes = append(codes, u.Code)
		}
	}
	_, err = s.releaseBearer(ctx, o.CustomerID, o.ID, codes, now)
	return err
}

// releaseBearer releases the claim of order id of member on each coupon
// of codes that holds one not released, and returns the codes released.
func (s *Server) releaseBearer(ctx context.Context, member customer.ID, id string, codes []string, now time.Time) ([]string, error) {
	var released []string
	for _, code := range codes {
		made := false
		err := s.appendClaim(ctx, code, member, id, func(b bearerClaims) (*loyalty.Entry, error) {
			made = b.open != ""
			if !made {
				return nil, nil
			}
			return &loyalty.Entry{Key: "release:" + b.open, Kind: loyalty.EntryAdjust, Points: -1,
				Time: now, Effective: now, OrderID: id, Reason: "bearer coupon use released", Operator: string(member)}, nil
		})
		if err != nil {
			return released, err
		}
		if made {
			released = append(released, code)
		}
	}
	return released, nil
}

// releaseAllBearer releases the claims of order id of member on every
// limited bearer coupon (its ledger entry was taken back, or it has
// none and was released), and returns the codes released.
func (s *Server) releaseAllBearer(ctx context.Context, member customer.ID, id string, now time.Time) ([]string, error) {
	return s.releaseBearer(ctx, member, id, s.limitedBearers(), now)
}
