package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A bearer coupon (no Holder) with MaxUses may be used that many times
// by everyone together. No member's ledger holds the uses of others, so
// the server keeps them, in the ledger store, as a ledger of the coupon
// of its own (couponLedger): one entry of +1 point per use claimed by a
// delivery of an order ("use:" member "/" order "/" digest "#" n, where
// digest names the delivery's content, claimDigest), and one of −1 when
// the claim is given back ("release:" with the same suffix), or when
// the order is released as never recorded while only its claims held it
// ("void:" with the same suffix). The uses are the sum of its points. A
// use is claimed before the order's entry is written to the member's
// ledger, by an append conditioned on the coupon ledger's version, so of
// two orders that race for the last use exactly one gets it, also when
// two processes share the database; the other is refused (422) and
// stores nothing. The count is what is stored, never the request's: a
// basket's "uses.total" can only raise it (uses the shop knows of
// elsewhere).
//
// A claim belongs to the deliveries of one content: the same order with
// the same coupons, sent again, takes the claim it made; the same order
// ID with other coupons or other lines, sent to another server at once,
// claims a use of its own. So a delivery refused for good gives back
// only its own claim, never one that another delivery under the ID is
// about to record its order with (which would let the coupon be used
// more than MaxUses times); while both are under way they hold a use
// each, so the limit may be reached early, never exceeded. A claim
// stored before claims named their content (no digest) is taken by any
// delivery of its order. Nor does a delivery refused while its member's
// ledger holds an order under its ID give back the last claim of the
// order on a coupon that order names (releaseRefused): the member's
// ledger compares a delivery with the lines in sequence, so its refusal
// does not tell that the claim is not the recorded order's.
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
// An order released as never recorded is not recorded later under its
// ID, whichever store held it: one whose member's ledger held it finds
// its key there taken back (409), and one that only its claims held
// finds a "void:" entry of its ID in the ledger of a coupon it names
// (409; sent under the ID with none of the coupons it had claimed, it is
// an order the server never saw). The release means the shop will not
// send the order again (the checkout was abandoned, the payment failed):
// a late retry recorded as new would record an order that was not paid
// for.
//
// An order refused for good claims nothing: before the first claim,
// each bearer coupon's uses are checked against what this server read
// of its ledger (read on, before refusing, as another server may have
// given uses back since), and the member's account against the order
// (its key, the member's coupon limits, the join). Only what another
// writer appends meanwhile makes a claim that the refusal then gives
// back.
//
// The keys and the Operator of the coupon ledgers name the member by
// its ID, as the member's ledger and the history do, and hold nothing
// else of the member. An erasure (package privacy: Erase) keeps the
// customer ID in every store, the coupon ledgers too: the uses are
// accounting records (GDPR art. 17(3)(b)), and an order ID found in one
// leads to its member through the history anyway. A host whose member
// IDs are personal data replaces them by pseudonyms, as package
// customer asks, in the coupon ledgers' keys too. A hash of the ID in
// their place would not be a pseudonym (an ID can be guessed and hashed
// again), and the ledgers are append-only, so no erasure could rewrite
// them.
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
// from one delivery of an order.
type bearerClaims struct {
	version int64
	uses    int
	// own is the suffix of the delivery's claim not released: the claim
	// of an earlier delivery of the same content (claimDigest), or one
	// stored before claims named their content; "" when none. claims
	// counts the claims of the delivery's content, released or not.
	own    string
	claims int
	// open are the suffixes of the order's claims not released, of
	// every content, in key order.
	open []string
	// voided is set when the order was released as never recorded
	// while only its claims held it (a "void:" entry): its ID is spent.
	voided bool
}

// bearerClaim is a claim not released: its key's suffix (claimRef "#"
// n) and when it was made.
type bearerClaim struct {
	suffix string
	since  time.Time
}

// digest returns the content digest of the deliveries of c: "" for a
// claim stored before claims named their content.
func (c bearerClaim) digest() string {
	ref, _, _ := strings.Cut(c.suffix, "#")
	_, rest, _ := strings.Cut(ref, "/")
	_, d, _ := strings.Cut(rest, "/")
	return d
}

// bearerState is what was read of the coupon ledger of one code, up to
// version.
type bearerState struct {
	mu      sync.Mutex
	version int64
	uses    int
	// open holds, by member and order ID, the first claim not released
	// of each order; more, by bearerRef, the others (of deliveries of
	// other content, rare). claims counts the claims of each claimRef;
	// voided holds the bearerRef of the orders released as never
	// recorded.
	open   map[customer.ID]map[string]bearerClaim
	more   map[string][]bearerClaim
	claims map[string]int
	voided map[string]bool
}

// orderClaims calls f with each claim not released of order id of
// member. The caller holds st.mu.
func (st *bearerState) orderClaims(member customer.ID, id string, f func(c bearerClaim)) {
	first, ok := st.open[member][id]
	if !ok {
		return
	}
	f(first)
	for _, c := range st.more[bearerRef(member, id)] {
		f(c)
	}
}

// addClaim adds c, a claim of order id of member, replacing the claim of
// the same content. The caller holds st.mu.
func (st *bearerState) addClaim(member customer.ID, id string, c bearerClaim) {
	byID := st.open[member]
	if byID == nil {
		byID = map[string]bearerClaim{}
		st.open[member] = byID
	}
	first, ok := byID[id]
	if !ok || first.digest() == c.digest() {
		byID[id] = c
		return
	}
	ref := bearerRef(member, id)
	more := st.more[ref]
	if i := slices.IndexFunc(more, func(m bearerClaim) bool { return m.digest() == c.digest() }); i >= 0 {
		more[i] = c
		return
	}
	st.more[ref] = append(more, c)
}

// removeClaim removes the claim of order id of member with key suffix
// suffix, if it is not released. The caller holds st.mu.
func (st *bearerState) removeClaim(member customer.ID, id, suffix string) {
	byID := st.open[member]
	first, ok := byID[id]
	if !ok {
		return
	}
	ref := bearerRef(member, id)
	more := st.more[ref]
	if first.suffix == suffix {
		if len(more) > 0 {
			byID[id], more = more[0], more[1:]
		} else {
			delete(byID, id)
			if len(byID) == 0 {
				delete(st.open, member)
			}
		}
	} else {
		more = slices.DeleteFunc(more, func(m bearerClaim) bool { return m.suffix == suffix })
	}
	if len(more) == 0 {
		delete(st.more, ref)
	} else {
		st.more[ref] = more
	}
}

// view returns st as the delivery of content digest of order id of
// member sees it. The caller holds st.mu.
func (st *bearerState) view(member customer.ID, id, digest string) bearerClaims {
	b := bearerClaims{version: st.version, uses: st.uses, claims: st.claims[claimRef(member, id, digest)],
		voided: st.voided[bearerRef(member, id)]}
	legacy := ""
	st.orderClaims(member, id, func(c bearerClaim) {
		switch c.digest() {
		case digest:
			b.own = c.suffix
		case "":
			legacy = c.suffix
		}
		b.open = append(b.open, c.suffix)
	})
	if b.own == "" {
		b.own = legacy
	}
	slices.Sort(b.open)
	return b
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

// claimRef names the claims of the deliveries of content digest
// (claimDigest) of order id of member: the keys of a coupon ledger are
// kind ":" claimRef "#" n. No ID the API accepts holds a '/' (validID).
func claimRef(member customer.ID, id, digest string) string {
	return bearerRef(member, id) + "/" + digest
}

// claimDigest returns the digest of the content of a delivery of order
// o with the coupons uses: its time, channel, store, currency, lines
// (each field, amounts by value; by line ID when the lines are keyed,
// so in whatever sequence, as [customer.Order.Equal] compares them) and
// coupon codes, as 16 hex digits of their SHA-256. Two deliveries have
// one digest when they are the same order with the same coupons, and
// so take one claim; a delivery of other content under the order's ID
// claims, and gives back, a use of its own.
func claimDigest(o customer.Order, uses []loyalty.CouponUse) string {
	buf := make([]byte, 0, 512)
	field := func(v string) { buf = append(strconv.AppendQuote(buf, v), ',') }
	amount := func(d decimal.Decimal) { field(d.String()) }
	field(o.Time.UTC().Format(time.RFC3339Nano))
	field(o.Channel.String())
	field(o.Store)
	field(string(o.Currency))
	lines := slices.Clone(o.Lines)
	slices.SortStableFunc(lines, func(a, b customer.Line) int { return strings.Compare(a.ID, b.ID) })
	for i := range lines {
		if lines[i].ID == "" || i > 0 && lines[i].ID == lines[i-1].ID {
			// Not keyed: compared by position.
			lines = o.Lines
			break
		}
	}
	for _, l := range lines {
		buf = append(buf, '\n')
		for _, v := range []string{l.ID, l.SKU, l.Category, l.Season, l.Size, l.Colour, l.Member} {
			field(v)
		}
		buf = append(strconv.AppendInt(buf, int64(l.Quantity), 10), ',')
		amount(l.UnitPrice)
		amount(l.Discount)
		if l.UnitCost.Valid {
			amount(l.UnitCost.Decimal)
		} else {
			field("-")
		}
	}
	// uses are in code order (orderCoupons).
	buf = append(buf, '\n')
	for _, u := range uses {
		field(u.Code)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:8])
}

// catchUp reads the entries of the coupon ledger of code appended after
// st's version, or all of them when fresh is set or what was read no
// longer continues (the ledger is not the one read). The caller holds
// st.mu.
func (st *bearerState) catchUp(ctx context.Context, store loyalty.Store, code string, fresh bool) error {
	if fresh || st.open == nil {
		st.version, st.uses = 0, 0
		st.open, st.claims, st.voided = map[customer.ID]map[string]bearerClaim{}, map[string]int{}, map[string]bool{}
		st.more = map[string][]bearerClaim{}
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
	m, rest, _ := strings.Cut(ref, "/")
	id, _, _ := strings.Cut(rest, "/")
	member := customer.ID(m)
	switch kind {
	case "use":
		st.claims[ref]++
		st.addClaim(member, id, bearerClaim{suffix: suffix, since: e.Time})
	case "release", "void":
		if kind == "void" {
			st.voided[bearerRef(member, id)] = true
		}
		st.removeClaim(member, id, suffix)
	}
}

// appended adds entries, appended by this server in one append, to what
// was read of the coupon ledger of code when nothing else was appended
// before them.
func (s *Server) appended(code string, entries []loyalty.Entry) {
	st := s.bearer.state(code)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.open != nil && st.version == entries[0].Seq-1 {
		for i := range entries {
			st.apply(&entries[i])
		}
	}
}

// readClaims reads the coupon ledger of code as the delivery of content
// digest of order id of member sees it, all of it when fresh is set.
func (s *Server) readClaims(ctx context.Context, code string, member customer.ID, id, digest string, fresh bool) (bearerClaims, error) {
	st := s.bearer.state(code)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.catchUp(ctx, s.stores.Ledgers, code, fresh); err != nil {
		return bearerClaims{}, err
	}
	return st.view(member, id, digest), nil
}

// bearerUses returns the uses of bearer coupon code stored.
func (s *Server) bearerUses(ctx context.Context, code string) (int, error) {
	b, err := s.readClaims(ctx, code, "", "", "", false)
	return b.uses, err
}

// openClaim is a claim not released of an order of a member on a
// limited bearer coupon.
type openClaim struct {
	code, order string
	since       time.Time
}

// openClaims returns the claims not released of the orders of member
// on the limited bearer coupons, by code and order ID (the earliest of
// an order's claims on one coupon).
func (s *Server) openClaims(ctx context.Context, member customer.ID) ([]openClaim, error) {
	var out []openClaim
	for _, code := range s.limitedBearers() {
		st := s.bearer.state(code)
		st.mu.Lock()
		err := st.catchUp(ctx, s.stores.Ledgers, code, false)
		for id := range st.open[member] {
			c := openClaim{code: code, order: id}
			st.orderClaims(member, id, func(cl bearerClaim) {
				if c.since.IsZero() || cl.since.Before(c.since) {
					c.since = cl.since
				}
			})
			out = append(out, c)
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

// appendClaim appends the entries that next returns for the coupon
// ledger of code as the delivery of content digest of order id of
// member reads it, in one append conditioned on its version, reading
// again when another writer appended first. next returns no entry when
// there is nothing to append, or an error that refuses it. After
// maxClaimAttempts conflicts it gives up with an error matching
// loyalty.ErrConflict (or loyalty.ErrDuplicate, when the last attempt
// found its key taken by another writer): a 503, after which the
// member's ledger and the history hold nothing of the order, the claims
// made before stay for its next delivery, and the client may send it
// again.
func (s *Server) appendClaim(ctx context.Context, code string, member customer.ID, id, digest string, next func(b bearerClaims) ([]loyalty.Entry, error)) error {
	fresh := false
	for attempt := 1; ; attempt++ {
		b, err := s.readClaims(ctx, code, member, id, digest, fresh)
		if err != nil {
			return err
		}
		entries, err := next(b)
		if err != nil || len(entries) == 0 {
			return err
		}
		for i := range entries {
			entries[i].Seq, entries[i].Member = b.version+int64(i)+1, couponLedger(code)
		}
		err = s.stores.Ledgers.Append(ctx, couponLedger(code), b.version, entries)
		if err == nil {
			s.appended(code, entries)
			return nil
		}
		if attempt >= maxClaimAttempts || !errors.Is(err, loyalty.ErrConflict) && !errors.Is(err, loyalty.ErrDuplicate) {
			return fmt.Errorf("coupon %q: recording its use: %w", code, err)
		}
		// Another writer appended first: what it appended is read on.
		// A conflict with nothing new to read (the ledger is not the
		// one read before) reads it whole on the next attempt.
		after, rerr := s.readClaims(ctx, code, member, id, digest, false)
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

// bearerRefusal returns the refusal of the delivery of content digest
// of order o by the coupon ledger of c as b reads it, or nil: 409 on
// "id" when the order was released as never recorded (its ID is
// spent), 422 naming the coupon (at gives its index) when everyone's
// uses reach its MaxUses and the delivery holds no claim.
func bearerRefusal(o customer.Order, c loyalty.Coupon, at map[string]int, b bearerClaims) error {
	switch {
	case b.voided:
		return &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("order %q of member %q was released before it was recorded (its uses of coupon %q given back): send the order again under a new ID", o.ID, o.CustomerID, c.Code)}
	case b.own == "" && b.uses >= c.MaxUses:
		field := fmt.Sprintf("coupons[%d]", at[c.Code])
		return &apiError{status: http.StatusUnprocessableEntity, field: field,
			msg: fmt.Sprintf("%s: order %q of member %q: coupon %q was used %d times by everyone, its max_uses is %d",
				field, o.ID, o.CustomerID, c.Code, b.uses, c.MaxUses)}
	}
	return nil
}

// checkBearer refuses (bearerRefusal) the delivery of content digest of
// order o before it claims anything, from what was read of the coupon
// ledger of each limited bearer coupon of uses: a coupon read before
// and not refused is not read again here (the claim reads it); one
// whose cached state refuses the order is read on, as another server
// may have given uses back since, and refuses it only if it still does.
// A refusal that arises after this check (another writer claimed the
// last use meanwhile) is the claim's.
func (s *Server) checkBearer(ctx context.Context, o customer.Order, digest string, uses []loyalty.CouponUse, at map[string]int) error {
	for _, u := range uses {
		c := s.coupons[u.Code]
		if !limitedBearer(c) {
			continue
		}
		st := s.bearer.state(c.Code)
		st.mu.Lock()
		var err error
		read := st.open == nil
		if read {
			err = st.catchUp(ctx, s.stores.Ledgers, c.Code, false)
		}
		if err == nil {
			err = bearerRefusal(o, c, at, st.view(o.CustomerID, o.ID, digest))
			if err != nil && !read {
				if err = st.catchUp(ctx, s.stores.Ledgers, c.Code, false); err == nil {
					err = bearerRefusal(o, c, at, st.view(o.CustomerID, o.ID, digest))
				}
			}
		}
		st.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// claimBearer claims a use of each limited bearer coupon of uses for
// the delivery of content digest of order o, in code order: a delivery
// of the same content whose claim is held (sent again) takes it again.
// A coupon whose uses reach its MaxUses refuses the order (422 naming
// it, at gives its index), as does an order released as never recorded
// (409 on "id"); the caller gives back the claims of a refused order
// (releaseRefused).
func (s *Server) claimBearer(ctx context.Context, o customer.Order, digest string, uses []loyalty.CouponUse, at map[string]int, now time.Time) error {
	ref := claimRef(o.CustomerID, o.ID, digest)
	for _, u := range uses {
		c := s.coupons[u.Code]
		if !limitedBearer(c) {
			continue
		}
		err := s.appendClaim(ctx, c.Code, o.CustomerID, o.ID, digest, func(b bearerClaims) ([]loyalty.Entry, error) {
			if err := bearerRefusal(o, c, at, b); err != nil || b.own != "" {
				return nil, err
			}
			return []loyalty.Entry{{Key: fmt.Sprintf("use:%s#%d", ref, b.claims+1), Kind: loyalty.EntryAdjust, Points: 1,
				Time: now, Effective: now, OrderID: o.ID, Reason: "bearer coupon use", Operator: string(o.CustomerID)}}, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// releaseRefused gives back the claims of the delivery of content digest
// of order o, refused for good, on the limited bearer coupons of uses
// (those of its earlier deliveries of the same content too), unless the
// member's ledger holds this very delivery (o with these coupons) for
// an order that stands: the claims are then its. The claims of a
// delivery of other content under o's ID are that delivery's: it gives
// them back itself when it is refused.
//
// On a coupon that the member's ledger holds under o's ID for an order
// that stands (another delivery was recorded with it), the order keeps
// one claim: the delivery's is given back only while another claim of
// the order is held. The member's ledger tells a redelivery by the
// order's content in sequence and by each coupon's limit, the digest by
// the lines' IDs, and a claim stored before claims named their content
// is taken by any delivery, so the claim this delivery took may be the
// one the recorded order holds; giving it back would let the coupon be
// used more than MaxUses times. A delivery that the ledger takes as a
// redelivery once its lines are put in the sequence of the recorded
// order's (inEarnSequence) is the recorded order with these coupons:
// its claims are the order's and none is given back. The claim of
// another delivery under the ID is then the one given back when that
// delivery is refused, and the order sent again takes its own claim
// rather than claiming a second use that no release would give back.
func (s *Server) releaseRefused(ctx context.Context, o customer.Order, digest string, uses []loyalty.CouponUse, now time.Time) error {
	acct, err := s.ledger.Account(ctx, o.CustomerID)
	if err != nil {
		return err
	}
	var held []string
	if acct.HasKey(loyalty.Purchase{Order: o}.Key()) && !voided(&acct, o.ID) {
		// The key is taken, so Apply tells whether the entry under it
		// is this delivery's, and changes nothing.
		_, _, aerr := s.programme.Apply(acct, loyalty.Purchase{Order: o, Coupons: uses}, now)
		var dup *loyalty.DuplicateError
		if errors.As(aerr, &dup) && dup.Same {
			return nil
		}
		// o in the sequence of the lines of the earn under its key: the
		// ledger takes it as a redelivery when the earn is o with these
		// coupons, whose claims (of o's digest) are then the order's.
		entries, err := s.stores.Ledgers.Entries(ctx, o.CustomerID, 0)
		if err != nil {
			return err
		}
		if p, ok := inEarnSequence(entries, o); ok {
			_, _, aerr = s.programme.Apply(acct, loyalty.Purchase{Order: p, Coupons: uses}, now)
			if errors.As(aerr, &dup) && dup.Same {
				return nil
			}
		}
		held, _ = acct.OrderCoupons(o.ID)
	}
	var codes []string
	for _, u := range uses {
		if limitedBearer(s.coupons[u.Code]) {
			codes = append(codes, u.Code)
		}
	}
	_, err = s.releaseBearer(ctx, o.CustomerID, o.ID, digest, codes, held, "release", now)
	return err
}

// inEarnSequence returns o with its lines in the sequence of the lines
// of the earn of o.ID among entries, a member's ledger, when that earn
// has o's lines (earnedAs); false when it has not, or there is none.
func inEarnSequence(entries []loyalty.Entry, o customer.Order) (customer.Order, bool) {
	if !earnedAs(entries, o) {
		return o, false
	}
	key := loyalty.Purchase{Order: o}.Key()
	for _, e := range entries {
		if e.Key != key || e.Kind != loyalty.EntryEarn {
			continue
		}
		byID := make(map[string]customer.Line, len(o.Lines))
		for _, l := range o.Lines {
			byID[l.ID] = l
		}
		if len(byID) != len(o.Lines) {
			// Not keyed: earnedAs matched the lines in sequence.
			return o, true
		}
		lines := make([]customer.Line, 0, len(e.Lines))
		for _, r := range e.Lines {
			lines = append(lines, byID[r.LineID])
		}
		o.Lines = lines
		return o, true
	}
	return o, false
}

// releaseBearer releases, on each coupon of codes, the claim not
// released of the deliveries of content digest of order id of member,
// or every claim of the order not released when digest is "", with
// entries of kind ("release", or "void" for an order released as never
// recorded, whose ID is then spent), and returns the codes on which it
// released one. On a coupon of held (held by the order in its member's
// ledger), a claim of content digest is released only while the order
// holds another.
func (s *Server) releaseBearer(ctx context.Context, member customer.ID, id, digest string, codes, held []string, kind string, now time.Time) ([]string, error) {
	var released []string
	for _, code := range codes {
		made := false
		keep := slices.Contains(held, code)
		err := s.appendClaim(ctx, code, member, id, digest, func(b bearerClaims) ([]loyalty.Entry, error) {
			suffixes := b.open
			if digest != "" {
				suffixes = nil
				if b.own != "" && (!keep || len(b.open) > 1) {
					suffixes = []string{b.own}
				}
			}
			made = len(suffixes) > 0
			var entries []loyalty.Entry
			for _, suffix := range suffixes {
				entries = append(entries, loyalty.Entry{Key: kind + ":" + suffix, Kind: loyalty.EntryAdjust, Points: -1,
					Time: now, Effective: now, OrderID: id, Reason: "bearer coupon use released", Operator: string(member)})
			}
			return entries, nil
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

// releaseAllBearer releases the claims of order id of member, of every
// delivery, on every limited bearer coupon (its ledger entry was taken
// back), and returns the codes released.
func (s *Server) releaseAllBearer(ctx context.Context, member customer.ID, id string, now time.Time) ([]string, error) {
	return s.releaseBearer(ctx, member, id, "", s.limitedBearers(), nil, "release", now)
}

// voidBearer releases the claims of order id of member, of every
// delivery, on every limited bearer coupon, as an order released as
// never recorded while only its claims held it, so that the order sent
// again is refused (409 on "id"), and returns the codes released.
func (s *Server) voidBearer(ctx context.Context, member customer.ID, id string, now time.Time) ([]string, error) {
	return s.releaseBearer(ctx, member, id, "", s.limitedBearers(), nil, "void", now)
}

// bearerVoided reports whether order id of member was released as never
// recorded while only its claims held it (voidBearer).
func (s *Server) bearerVoided(ctx context.Context, member customer.ID, id string) (bool, error) {
	for _, code := range s.limitedBearers() {
		b, err := s.readClaims(ctx, code, member, id, "", false)
		if err != nil || b.voided {
			return b.voided, err
		}
	}
	return false, nil
}
