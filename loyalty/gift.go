package loyalty

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tailorcrm/tailor/customer"
)

// Gift is a gift of the programme's catalogue ([Config].Gifts), which a
// member takes for points (domain rules §6: "points earned by the amount
// spent; redeemed for gifts", a points card that gives gifts by the
// number of points).
//
// A gift taken is a plain [Redemption] for no order
// ([Programme.GiftRedemption], [Service.TakeGift]): no new event and no
// new entry kind, so stores and replays know it already. Its points are
// never given back by a refund (a redemption for no order is not).
type Gift struct {
	// Code identifies the gift: not empty, valid UTF-8, without spaces
	// around it, control characters or a colon (it is part of the
	// redemption's ID, see [Programme.GiftRedemption]), unique in the
	// catalogue. Codes are compared exactly, case and all, as coupon
	// codes are.
	Code string `json:"code"`
	// Name is what the gift is, e.g. "cashmere scarf"; not blank.
	Name string `json:"name"`
	// Points is the gift's price in points, > 0 and at least
	// [RedeemConfig].MinPoints.
	Points Points `json:"points"`
	// ValidFrom (inclusive) and ValidUntil (exclusive) bound when the
	// gift may be taken, by the time it is taken; a zero time leaves that
	// side open.
	ValidFrom  time.Time `json:"valid_from,omitzero"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
	// MinTier, when set, is the name of the lowest tier whose members
	// may take the gift (a tier of the programme, compared exactly as
	// [TierLevel].Name): the member must hold it, or a tier above it, at
	// the time the gift is taken ([Programme.TierAt]). Empty: everyone.
	MinTier string `json:"min_tier,omitempty"`
	// MaxPerMember is the most times one member may take the gift, over
	// all time ([Account.GiftUses]); 0 is no limit.
	MaxPerMember int `json:"max_per_member,omitempty"`
}

// giftPrefix begins the ID of a [Redemption] that takes a gift: its
// ID is giftPrefix + code + ":" + the request ID, its key "redeem:" +
// that ID.
const giftPrefix = "gift:"

// giftID returns the [Redemption] ID of request id for gift code.
func giftID(code, id string) string { return giftPrefix + code + ":" + id }

// giftOf returns the gift code a redemption ID names, and whether it
// names one: an ID giftPrefix + code + ":" + request, code and request
// not empty. A code has no colon, so the first one ends it.
func giftOf(redemptionID string) (string, bool) {
	rest, ok := strings.CutPrefix(redemptionID, giftPrefix)
	if !ok {
		return "", false
	}
	code, req, ok := strings.Cut(rest, ":")
	return code, ok && code != "" && req != ""
}

// gift returns the index of the catalogue's gift code, or -1.
func (p *Programme) gift(code string) int {
	return slices.IndexFunc(p.cfg.Gifts, func(g Gift) bool { return g.Code == code })
}

// GiftRedemption returns the [Redemption] by which member takes gift code
// of the catalogue ([Config].Gifts) at t, for the request id of the
// caller's system (a web order, a till's receipt): ID "gift:" + code +
// ":" + id (key "redeem:gift:" + code + ":" + id), the gift's Points, no
// Order, Time t. It is pure: it reads only the catalogue. Apply it with
// [Programme.Apply] or [Service.Apply] ([Service.TakeGift] does both).
//
// The same request built again (same member, code, id and t, the
// catalogue unchanged) is the same event: applied again it is a
// redelivery, a [*DuplicateError] with Same, and changes nothing, also
// once the gift's limit is reached. The same id with another code is
// another request; with another t or price it is another event under
// the same key, a [*DuplicateError] without Same. [Service.TakeGift]
// also recognises a retry after the catalogue changed the gift's price
// or dropped it, from the redemption entry the ledger holds.
//
// Errors: a [*customer.ValidationError] naming the gift and the member,
// with the field "member" (empty), "code" (empty, or no gift of the
// catalogue: codes are compared exactly), "id" (empty) or "time" (zero);
// a programme not compiled is refused as by [Programme.Apply].
//
// The redemption is applied as any: its points available at t
// ([Redemption]: too few is an [*InsufficientError]), and, because its
// ID names a gift of the catalogue, the gift's rules too: t within the
// gift's ValidFrom and ValidUntil, the tier held at t at least MinTier,
// the member's earlier takings ([Account.GiftUses]) below MaxPerMember
// ([Redemption] says how each is refused).
func (p *Programme) GiftRedemption(member customer.ID, code, id string, t time.Time) (Redemption, error) {
	if err := p.usable(); err != nil {
		return Redemption{}, err
	}
	var pr problems
	if member == "" {
		pr.add("member", customer.CodeRequired, "is empty")
	}
	switch {
	case code == "":
		pr.add("code", customer.CodeRequired, "is empty")
	case p.gift(code) < 0:
		pr.add("code", customer.CodeUnknown, "%q is not a gift of the catalogue", code)
	}
	if id == "" {
		pr.add("id", customer.CodeRequired, "is empty")
	}
	if t.IsZero() {
		pr.add("time", customer.CodeRequired, "is zero")
	}
	if err := pr.err(fmt.Sprintf("gift %q of member %q (request %q)", code, member, id)); err != nil {
		return Redemption{}, err
	}
	g := p.cfg.Gifts[p.gift(code)]
	return Redemption{Member: member, ID: giftID(code, id), Points: g.Points, Time: t}, nil
}

// TakeGift has member take gift code of the catalogue at t, for the
// request id of the caller's system, recorded at now: it builds the
// [Redemption] with [Programme.GiftRedemption] and applies it with
// [Service.Apply], which returns the account after it and the entries
// appended. A retry of the request (same member, code, id and t, the
// instant compared) is a redelivery: a [*DuplicateError] with Same,
// nothing stored, also when the catalogue changed the gift's price or
// no longer has the gift since the request was taken (the ledger's
// redemption entry keyed "redeem:gift:" + code + ":" + id, dated t, is
// the request's). The same id with another t is another event under the
// same key, as [Programme.GiftRedemption] says. Errors are those of
// both; a refused gift stores nothing. With a Clock
// ([ServiceOptions].Clock), a now too far ahead of it is refused as
// [Service.Apply] refuses it, naming the operation "take gift", before
// anything else: nothing is read or stored, and a retried request is not
// answered either.
func (s *Service) TakeGift(ctx context.Context, member customer.ID, code, id string, t, now time.Time) (Account, []Entry, error) {
	if err := s.usable("take gift", member); err != nil {
		return Account{}, nil, err
	}
	if err := s.ahead("take gift", member, now); err != nil {
		return Account{}, nil, err
	}
	r, err := s.programme.GiftRedemption(member, code, id, t)
	var a Account
	var entries []Entry
	if err == nil {
		a, entries, err = s.apply(ctx, r, now)
	}
	var dup *DuplicateError
	if err == nil || (errors.As(err, &dup) && dup.Same) || member == "" || code == "" || id == "" || t.IsZero() {
		return a, entries, err
	}
	// Refused: a retry of a request taken under another catalogue is
	// still the request taken.
	taken, ok, lerr := s.takenAt(ctx, member, giftID(code, id), t)
	switch {
	case lerr != nil:
		return Account{}, nil, errors.Join(err, lerr)
	case ok:
		return taken, nil, &DuplicateError{Member: member, Key: "redeem:" + giftID(code, id), Same: true}
	}
	return a, entries, err
}

// takenAt returns the member's account and whether its ledger holds the
// redemption entry of redemption ID rid dated t (the instant compared).
func (s *Service) takenAt(ctx context.Context, member customer.ID, rid string, t time.Time) (Account, bool, error) {
	a, err := s.load(ctx, member)
	if err != nil {
		return Account{}, false, err
	}
	key := "redeem:" + rid
	if !a.HasKey(key) {
		return a, false, nil
	}
	stored, err := s.store.Entries(ctx, member, 0)
	if err != nil {
		return Account{}, false, fmt.Errorf("loyalty: load member %q: %w", member, err)
	}
	i := slices.IndexFunc(stored, func(e Entry) bool { return e.Key == key && e.Kind == EntryRedeem })
	return a, i >= 0 && stored[i].Effective.Equal(t), nil
}

// checkGift adds the problems of a redemption e that takes gift i of
// the catalogue, but for its tier (checkGiftTier): its points are the
// gift's, it pays for no order, its time is within the gift's window,
// and the member took the gift fewer than MaxPerMember times.
func (p *Programme) checkGift(pr *problems, a *Account, e Redemption, i int) {
	g := p.cfg.Gifts[i]
	f := fmt.Sprintf("gifts[%d]", i)
	if e.Points != g.Points {
		pr.add("gift.points", customer.CodeMismatch, "is %d, gift %q costs %d (%s.points)", e.Points, g.Code, g.Points, f)
	}
	if e.Order != "" {
		pr.add("order", customer.CodeMismatch, "is %q: gift %q is taken for no order", e.Order, g.Code)
	}
	if !e.OrderTotal.IsZero() {
		pr.add("order_total", customer.CodeMismatch, "is %s: gift %q is taken for no order", e.OrderTotal, g.Code)
	}
	if !e.Time.IsZero() {
		switch {
		case !g.ValidFrom.IsZero() && e.Time.Before(g.ValidFrom):
			pr.add("gift.valid_from", customer.CodeRange, "%s is before gift %q is offered, from %s (%s.valid_from)",
				e.Time.Format(time.RFC3339), g.Code, g.ValidFrom.Format(time.RFC3339), f)
		case !g.ValidUntil.IsZero() && !e.Time.Before(g.ValidUntil):
			pr.add("gift.valid_until", customer.CodeRange, "%s is not before gift %q ends, at %s (%s.valid_until)",
				e.Time.Format(time.RFC3339), g.Code, g.ValidUntil.Format(time.RFC3339), f)
		}
	}
	if n := a.GiftUses(g.Code); g.MaxPerMember > 0 && n >= g.MaxPerMember {
		times := fmt.Sprintf("%d times", n)
		if n == 1 {
			times = "once"
		}
		pr.add("gift.max_per_member", customer.CodeTooMany, "member %q took gift %q %s already, as the ledger records; %s.max_per_member allows %d",
			a.Member, g.Code, times, f, g.MaxPerMember)
	}
}

// checkGiftTier adds a problem when the member of a does not hold,
// at e's time, gift i's MinTier or a tier above it, on the ledger
// brought up to now as [Programme.Apply] brings it before e (reviews and
// grace ends due by then, a tier won or lost at them among them, the
// expiries a late redemption waits for left as Apply leaves them): the
// tier the member holds once the redemption is recorded, not the one of
// a ledger last written before a review. A ledger that cannot be brought
// up to date is left to Apply, which reports why.
func (p *Programme) checkGiftTier(pr *problems, a *Account, e Redemption, i int, now time.Time) {
	g := p.cfg.Gifts[i]
	if g.MinTier == "" || e.Time.IsZero() || e.Time.Before(a.Joined) || a.Member == "" {
		return
	}
	if now.Before(a.AsOf) {
		now = a.AsOf
	}
	b := &builder{p: p, w: a.clone(), now: now, member: a.Member}
	if p.judgedLate(e.Time, now) {
		b.judgeAt = e.Time
	}
	if err := b.settle(); err != nil {
		return
	}
	least := slices.IndexFunc(p.cfg.Tiers.Levels, func(l TierLevel) bool { return l.Name == g.MinTier })
	if held := p.heldAt(&b.w, e.Time); held < least {
		pr.add("gift.min_tier", customer.CodeRange, "member %q holds tier %q at %s, gift %q needs %q or above (gifts[%d].min_tier)",
			a.Member, p.cfg.Tiers.Levels[held].Name, p.date(e.Time), g.Code, g.MinTier, i)
	}
}

// giftRecord names the redemption e of gift code in errors.
func giftRecord(code string, e Redemption) string {
	return fmt.Sprintf("gift %q of member %q (redemption %q)", code, e.Member, e.ID)
}

// checkGifts adds the problems of the catalogue.
func (c *Config) checkGifts(p *problems) {
	codes := map[string]int{}
	for i, g := range c.Gifts {
		f := fmt.Sprintf("gifts[%d]", i)
		switch j, dup := codes[g.Code]; {
		case g.Code == "":
			p.add(f+".code", customer.CodeRequired, "is empty")
		case !utf8.ValidString(g.Code):
			p.add(f+".code", customer.CodeFormat, "%q is not valid UTF-8", g.Code)
		case strings.TrimSpace(g.Code) != g.Code:
			p.add(f+".code", customer.CodeFormat, "%q has spaces around it", g.Code)
		case strings.IndexFunc(g.Code, unicode.IsControl) >= 0:
			p.add(f+".code", customer.CodeFormat, "%q holds a control character", g.Code)
		case strings.Contains(g.Code, ":"):
			p.add(f+".code", customer.CodeFormat, "%q holds a colon, which ends the code in a redemption's ID", g.Code)
		case dup:
			p.add(f+".code", customer.CodeDuplicate, "%q is also gifts[%d]", g.Code, j)
		default:
			codes[g.Code] = i
		}
		if invisible(g.Name) {
			p.add(f+".name", customer.CodeRequired, "is blank")
		}
		switch {
		case g.Points <= 0:
			p.add(f+".points", customer.CodeNotPos, "must be positive, is %d", g.Points)
		case g.Points < c.Redeem.MinPoints:
			p.add(f+".points", customer.CodeRange, "%d is below the redemption minimum of %d (redeem.min_points)", g.Points, c.Redeem.MinPoints)
		}
		if !g.ValidFrom.IsZero() && !g.ValidUntil.IsZero() && !g.ValidFrom.Before(g.ValidUntil) {
			p.add(f+".valid_until", customer.CodeOrder, "must be after valid_from")
		}
		if g.MinTier != "" && !slices.ContainsFunc(c.Tiers.Levels, func(l TierLevel) bool { return l.Name == g.MinTier }) {
			p.add(f+".min_tier", customer.CodeUnknown, "%q is not a tier of the programme", g.MinTier)
		}
		if g.MaxPerMember < 0 {
			p.add(f+".max_per_member", customer.CodeNegative, "must not be negative, is %d", g.MaxPerMember)
		}
	}
}
