package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A bearer coupon (no Holder) with MaxUses may be used that many times
// by everyone together. No member's ledger holds the uses of others, so
// the server keeps them, in the ledger store, as a ledger of the coupon
// of its own (couponLedger): one entry of +1 point per use claimed by an
// order ("use:" member "/" order "#" n), and one of −1 when the order's
// ledger entry is taken back (undo) or the request that claimed it is
// refused ("release:" with the same suffix). The uses are the sum of its
// points. A use is claimed before the order's entry is written to the
// member's ledger, by an append conditioned on the coupon ledger's
// version, so of two orders that race for the last use exactly one gets
// it, also when two processes share the database; the other is refused
// (422) and stores nothing. The count is what is stored, never the
// request's: a basket's "uses.total" can only raise it (uses the shop
// knows of elsewhere). A use whose request failed between its claim and
// the member's ledger stays counted until the order is sent again
// (which takes the same claim) or released: the limit may be reached
// early, never exceeded. A refund gives no bearer use back (the order
// was placed with it); only an order taken back as never recorded does.

// couponLedger is the ledger of the uses of bearer coupon code. The ':'
// keeps it apart from every customer ID the API accepts (validID).
func couponLedger(code string) customer.ID { return customer.ID("coupon:" + code) }

// limitedBearer reports whether c is a bearer coupon whose uses by
// everyone the server counts.
func limitedBearer(c loyalty.Coupon) bool { return c.Holder == "" && c.MaxUses > 0 }

// bearerClaims is the coupon ledger of a bearer coupon as read.
type bearerClaims struct {
	version int64
	uses    int
	// open is, by member "/" order, the suffix of its claim not released
	// ("" when none); claims counts its claims, released or not.
	open   map[string]string
	claims map[string]int
}

// bearerRef names order id of member in the keys of a coupon ledger.
func bearerRef(member customer.ID, id string) string { return string(member) + "/" + id }

// readClaims reads the coupon ledger of code.
func (s *Server) readClaims(ctx context.Context, code string) (bearerClaims, error) {
	entries, err := s.stores.Ledgers.Entries(ctx, couponLedger(code), 0)
	if err != nil {
		return bearerClaims{}, fmt.Errorf("coupon %q: reading its uses: %w", code, err)
	}
	b := bearerClaims{open: map[string]string{}, claims: map[string]int{}}
	for _, e := range entries {
		b.version = e.Seq
		b.uses += int(e.Points)
		switch {
		case strings.HasPrefix(e.Key, "use:"):
			suffix := strings.TrimPrefix(e.Key, "use:")
			ref, _, _ := strings.Cut(suffix, "#")
			b.open[ref] = suffix
			b.claims[ref]++
		case strings.HasPrefix(e.Key, "release:"):
			suffix := strings.TrimPrefix(e.Key, "release:")
			ref, _, _ := strings.Cut(suffix, "#")
			if b.open[ref] == suffix {
				delete(b.open, ref)
			}
		}
	}
	return b, nil
}

// bearerUses returns the uses of bearer coupon code stored.
func (s *Server) bearerUses(ctx context.Context, code string) (int, error) {
	b, err := s.readClaims(ctx, code)
	return b.uses, err
}

// appendClaim appends the entry that next returns for the coupon ledger
// of code as read, conditioned on its version, reading again when
// another writer appended first. next returns no entry when there is
// nothing to append, or an error that refuses it.
func (s *Server) appendClaim(ctx context.Context, code string, next func(b bearerClaims) (*loyalty.Entry, error)) error {
	for attempt := 0; ; attempt++ {
		b, err := s.readClaims(ctx, code)
		if err != nil {
			return err
		}
		e, err := next(b)
		if err != nil || e == nil {
			return err
		}
		e.Seq, e.Member = b.version+1, couponLedger(code)
		err = s.stores.Ledgers.Append(ctx, couponLedger(code), b.version, []loyalty.Entry{*e})
		if err == nil || attempt >= 64 || !errors.Is(err, loyalty.ErrConflict) && !errors.Is(err, loyalty.ErrDuplicate) {
			if err != nil {
				return fmt.Errorf("coupon %q: recording its use: %w", code, err)
			}
			return nil
		}
		runtime.Gosched()
	}
}

// claimBearer claims a use of each limited bearer coupon of uses for
// order o, in code order: an order that holds a claim already (sent
// again) takes it again. It returns the codes claimed now, for
// releaseBearer when the order is refused after. A coupon whose uses
// reach its MaxUses refuses the order (422 naming it, at gives its
// index), and the claims made before it are released.
func (s *Server) claimBearer(ctx context.Context, o customer.Order, uses []loyalty.CouponUse, at map[string]int, now time.Time) ([]string, error) {
	var claimed []string
	ref := bearerRef(o.CustomerID, o.ID)
	for _, u := range uses {
		c := s.coupons[u.Code]
		if !limitedBearer(c) {
			continue
		}
		var made bool
		err := s.appendClaim(ctx, c.Code, func(b bearerClaims) (*loyalty.Entry, error) {
			made = false
			if b.open[ref] != "" {
				return nil, nil
			}
			if b.uses >= c.MaxUses {
				field := fmt.Sprintf("coupons[%d]", at[c.Code])
				return nil, &apiError{status: http.StatusUnprocessableEntity, field: field,
					msg: fmt.Sprintf("%s: order %q of member %q: coupon %q was used %d times by everyone, its max_uses is %d",
						field, o.ID, o.CustomerID, c.Code, b.uses, c.MaxUses)}
			}
			made = true
			return &loyalty.Entry{Key: fmt.Sprintf("use:%s#%d", ref, b.claims[ref]+1), Kind: loyalty.EntryAdjust, Points: 1,
				Time: now, Effective: now, OrderID: o.ID, Reason: "bearer coupon use", Operator: string(o.CustomerID)}, nil
		})
		if err != nil {
			if rerr := s.releaseBearer(ctx, o.CustomerID, o.ID, claimed, now); rerr != nil {
				return nil, errors.Join(err, rerr)
			}
			return nil, err
		}
		if made {
			claimed = append(claimed, c.Code)
		}
	}
	return claimed, nil
}

// releaseBearer releases the claim of order id of member on each coupon
// of codes that holds one not released.
func (s *Server) releaseBearer(ctx context.Context, member customer.ID, id string, codes []string, now time.Time) error {
	ref := bearerRef(member, id)
	for _, code := range codes {
		err := s.appendClaim(ctx, code, func(b bearerClaims) (*loyalty.Entry, error) {
			suffix := b.open[ref]
			if suffix == "" {
				return nil, nil
			}
			return &loyalty.Entry{Key: "release:" + suffix, Kind: loyalty.EntryAdjust, Points: -1,
				Time: now, Effective: now, OrderID: id, Reason: "bearer coupon use released", Operator: string(member)}, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// releaseAllBearer releases the claims of order id of member on every
// limited bearer coupon: its ledger entry was taken back.
func (s *Server) releaseAllBearer(ctx context.Context, member customer.ID, id string, now time.Time) error {
	var codes []string
	for _, code := range slices.Sorted(maps.Keys(s.coupons)) {
		if limitedBearer(s.coupons[code]) {
			codes = append(codes, code)
		}
	}
	return s.releaseBearer(ctx, member, id, codes, now)
}
