package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// defaultProgramme is the built-in loyalty programme (-programme replaces
// it): a point per euro, 100 points pay a euro, up to half an order.
const defaultProgramme = `{
  "name": "atelier club",
  "currency": "EUR",
  "earn": {"points_per_unit": "1", "birthday": {"multiplier": "2", "gift": 100}, "profile_bonus": 50},
  "redeem": {"points_per_unit": "100", "min_points": 100, "max_share": "0.5"},
  "expiry_months": 24,
  "pending_days": 30,
  "tiers": {"basis": "spend", "window_months": 12, "review_months": 12, "grace_days": 30,
    "levels": [
      {"name": "member", "min": "0"},
      {"name": "silver", "min": "500", "multiplier": "1.25", "birthday_gift": 100, "free_alterations": true},
      {"name": "gold", "min": "1500", "multiplier": "1.5", "birthday_gift": 250, "early_access": true, "free_alterations": true}
    ]},
  "debt_policy": "debt",
  "pricing": {"seasonal": [{"name": "end of season", "seasons": ["2025-SS"], "percent": "30"}]}
}`

// defaultCoupons are the built-in coupons (-coupons replaces them).
const defaultCoupons = `[
  {"code": "WELCOME10", "kind": "percent", "percent": "10", "scope": {"kind": "all"}, "max_uses_per_member": 1, "stacking": "combinable"},
  {"code": "KNIT20", "kind": "fixed", "amount": "20.00 EUR", "scope": {"kind": "category", "values": ["knitwear"]}, "min_spend": "100", "stacking": "exclusive"}
]`

// decodeCoupons reads a JSON array of loyalty.Coupon strictly and checks
// each against the programme.
func decodeCoupons(p *loyalty.Programme, data []byte) (map[string]loyalty.Coupon, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var list []loyalty.Coupon
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("coupons: %w", err)
	}
	out := make(map[string]loyalty.Coupon, len(list))
	for i, c := range list {
		if err := p.CheckCoupon(c); err != nil {
			return nil, fmt.Errorf("coupons[%d]: %w", i, err)
		}
		if _, dup := out[c.Code]; dup {
			return nil, fmt.Errorf("coupons[%d]: code %q twice", i, c.Code)
		}
		out[c.Code] = c
	}
	return out, nil
}

// member reads the member ID of the path and settles its ledger.
func (s *Server) member(ctx context.Context, r *http.Request) (loyalty.Account, error) {
	id := r.PathValue("id")
	if err := checkID("id", id); err != nil {
		return loyalty.Account{}, err
	}
	defer s.lock(customer.ID(id))()
	acct, err := s.settle(ctx, customer.ID(id), s.now())
	if err != nil {
		return loyalty.Account{}, err
	}
	if acct.Member == "" {
		return loyalty.Account{}, &apiError{status: http.StatusNotFound, field: "id", msg: "not a member of the programme"}
	}
	return acct, nil
}

// memberPointsOut is a member's points and the orders its ledger holds
// that its history does not (unrecordedOrders): to be sent again, or
// released (postRelease).
type memberPointsOut struct {
	pointsOut
	UnrecordedOrders []unrecordedOut `json:"unrecorded_orders,omitempty"`
}

func (s *Server) getPoints(ctx context.Context, _ Caller, r *http.Request) (int, any, error) {
	acct, err := s.member(ctx, r)
	if err != nil {
		return 0, nil, err
	}
	out := memberPointsOut{pointsOut: s.pointsView(acct, s.now())}
	if out.UnrecordedOrders, err = s.unrecordedOrders(ctx, acct.Member); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

type adjustmentIn struct {
	ID     string `json:"id"`
	Points int64  `json:"points"`
	Reason string `json:"reason"`
}

// postAdjustment corrects a member's points by hand: supervisors and
// managers only; the key's ID is the operator in the ledger.
func (s *Server) postAdjustment(ctx context.Context, caller Caller, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	if err := checkID("id", id); err != nil {
		return 0, nil, err
	}
	var in adjustmentIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var p problems
	if !validID.MatchString(in.ID) {
		p.add("id", "must be 1–64 letters, digits, '.', '-' or '_'")
	}
	if in.Points == 0 {
		p.add("points", "must not be zero")
	}
	if in.Reason == "" {
		p.add("reason", "is required")
	}
	if err := p.err(); err != nil {
		return 0, nil, err
	}
	now := s.now()
	member := customer.ID(id)
	defer s.lock(member)()
	if _, err := s.settle(ctx, member, now); err != nil {
		return 0, nil, err
	}
	adj := loyalty.Adjustment{Member: member, ID: in.ID, Points: loyalty.Points(in.Points),
		Reason: in.Reason, Operator: caller.ID, Time: now}
	acct, _, err := s.ledger.Apply(ctx, adj, now)
	var dup *loyalty.DuplicateError
	status := http.StatusCreated
	switch {
	case errors.As(err, &dup) && dup.Same:
		status = http.StatusOK
		acct, err = s.ledger.Account(ctx, member)
	case errors.As(err, &dup):
		// The adjustment's time is the request's, so a redelivery differs
		// from the first delivery in it: compare what the caller sent.
		same, ferr := s.sameAdjustment(ctx, adj)
		if ferr != nil {
			return 0, nil, ferr
		}
		if !same {
			return 0, nil, &apiError{status: http.StatusConflict, field: "id", msg: fmt.Sprintf("adjustment %q was made before with other content", in.ID)}
		}
		status = http.StatusOK
		acct, err = s.ledger.Account(ctx, member)
	case errors.Is(err, loyalty.ErrNotMember):
		return 0, nil, &apiError{status: http.StatusNotFound, field: "id", msg: "not a member of the programme"}
	}
	if err != nil {
		return 0, nil, err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "points adjusted", slog.String("operator", caller.ID),
		slog.String("adjustment", in.ID), slog.Int64("points", in.Points))
	return status, map[string]any{"adjustment": in.ID, "duplicate": status == http.StatusOK, "points": s.pointsView(acct, now)}, nil
}

// sameAdjustment reports whether the ledger of adj's member holds an
// adjustment under adj's ID with adj's points, reason and operator: a
// redelivery of adj, made at another time.
func (s *Server) sameAdjustment(ctx context.Context, adj loyalty.Adjustment) (bool, error) {
	entries, err := s.stores.Ledgers.Entries(ctx, adj.Member, 0)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Key == adj.Key() && e.Kind == loyalty.EntryAdjust {
			return e.Points == adj.Points && e.Reason == adj.Reason && e.Operator == adj.Operator, nil
		}
	}
	return false, nil
}

type itemIn struct {
	ID        string `json:"id"`
	SKU       string `json:"sku"`
	Category  string `json:"category"`
	Season    string `json:"season"`
	Series    string `json:"series"`
	Quantity  int    `json:"quantity"`
	UnitPrice string `json:"unit_price"`
	Discount  string `json:"discount"`
}

// usesIn is how often a coupon was used before, as the shop counts it.
// The uses of a member of the programme are its ledger's, not the
// request's: by_member is for baskets of other buyers only. The uses by
// everyone of a bearer coupon with max_uses are those the server stored
// (bearerUses); total can only raise them, with uses the shop knows of
// elsewhere.
type usesIn struct {
	Total    int `json:"total"`     // by everyone
	ByMember int `json:"by_member"` // by the basket's buyer, when not a member
}

type basketIn struct {
	Member   string            `json:"member"`
	Time     string            `json:"time"`
	Currency string            `json:"currency"`
	Items    []itemIn          `json:"items"`
	Coupons  []string          `json:"coupons"`
	Uses     map[string]usesIn `json:"uses"`
	Points   int64             `json:"points"`
}

type deductionOut struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Lines     []string `json:"lines"`
	Amount    string   `json:"amount"`
	Capped    bool     `json:"capped,omitempty"`
	Requested string   `json:"requested,omitempty"`
	Explain   string   `json:"explain"`
}

type quoteLineOut struct {
	ID       string `json:"id"`
	Amount   string `json:"amount"`
	Discount string `json:"discount"`
	Points   string `json:"points"`
	Total    string `json:"total"`
}

type quoteOut struct {
	Currency    string         `json:"currency"`
	Subtotal    string         `json:"subtotal"`
	Discount    string         `json:"discount"`
	PointsUsed  int64          `json:"points_used"`
	PointsValue string         `json:"points_value"`
	Total       string         `json:"total"`
	Lines       []quoteLineOut `json:"lines"`
	Deductions  []deductionOut `json:"deductions"`
}

// priceBasket prices a basket with the programme's discounts, the coupons
// presented and the member's points (loyalty.Programme.Price), those it
// has at the basket's time (loyalty.Programme.AvailableAt), in the tier
// it holds then (loyalty.Basket.Account, brought to a basket's time
// later than now). A
// member's coupon uses are taken from its ledger (loyalty.Basket.Account);
// the uses by everyone of a limited bearer coupon from the server's
// count (bearerUses), raised by the request's, and of others from the
// request. It changes nothing: the points
// are spent, and the coupons used, when the order is recorded.
func (s *Server) priceBasket(ctx context.Context, _ Caller, r *http.Request) (int, any, error) {
	var in basketIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	now := s.now()
	var p problems
	b := loyalty.Basket{
		Member:   customer.ID(in.Member),
		Time:     parseTime(&p, "time", in.Time, false),
		Currency: parseCurrency(&p, "currency", in.Currency),
		Points:   loyalty.Points(in.Points),
	}
	for _, code := range slices.Sorted(maps.Keys(in.Uses)) {
		u := in.Uses[code]
		if u.Total < 0 || u.ByMember < 0 || u.ByMember > u.Total {
			p.add(fmt.Sprintf("uses[%s]", code), "total and by_member must not be negative, nor by_member above total")
			continue
		}
		if b.Uses == nil {
			b.Uses = map[string]loyalty.CouponUses{}
		}
		b.Uses[code] = loyalty.CouponUses{Total: u.Total, ByMember: u.ByMember}
	}
	if b.Time.IsZero() {
		b.Time = now
	}
	if in.Member != "" && !validID.MatchString(in.Member) {
		p.add("member", "must be 1–64 letters, digits, '.', '-' or '_'")
	}
	if len(in.Items) == 0 {
		p.add("items", "a basket needs at least one item")
	}
	if in.Points < 0 {
		p.add("points", "must not be negative")
	}
	if in.Points > 0 && in.Member == "" {
		p.add("points", "only a member pays with points")
	}
	for i, it := range in.Items {
		f := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
		if it.ID == "" {
			p.add(f("id"), "is required")
		}
		if it.Quantity <= 0 {
			p.add(f("quantity"), "must be positive")
		}
		price := parseAmount(&p, f("unit_price"), it.UnitPrice, true)
		if price.IsNegative() {
			p.add(f("unit_price"), "must not be negative")
		}
		disc := parseAmount(&p, f("discount"), it.Discount, false)
		if disc.IsNegative() || disc.GreaterThan(price.Mul(decimal.NewFromInt(int64(it.Quantity)))) {
			p.add(f("discount"), "must be between 0 and the line's amount")
		}
		b.Items = append(b.Items, loyalty.Item{Series: it.Series, Line: customer.Line{
			ID: it.ID, SKU: it.SKU, Category: it.Category, Season: it.Season,
			Quantity: it.Quantity, UnitPrice: price, Discount: disc}})
	}
	for i, code := range in.Coupons {
		c, ok := s.coupons[code]
		if !ok {
			p.add(fmt.Sprintf("coupons[%d]", i), "no coupon %q", code)
			continue
		}
		b.Coupons = append(b.Coupons, c)
	}
	if err := p.err(); err != nil {
		return 0, nil, err
	}
	// The uses by everyone of a limited bearer coupon are those stored,
	// whatever the request claims below them.
	for _, c := range b.Coupons {
		if !limitedBearer(c) {
			continue
		}
		n, err := s.bearerUses(ctx, c.Code)
		if err != nil {
			return 0, nil, err
		}
		if u := b.Uses[c.Code]; n > u.Total {
			if b.Uses == nil {
				b.Uses = map[string]loyalty.CouponUses{}
			}
			u.Total = n
			b.Uses[c.Code] = u
		}
	}
	if b.Member != "" {
		acct, err := func() (loyalty.Account, error) {
			defer s.lock(b.Member)()
			return s.settle(ctx, b.Member, now)
		}()
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusNotFound {
			return 0, nil, &apiError{status: http.StatusNotFound, field: "member", msg: "no such customer"}
		}
		if err != nil {
			return 0, nil, notFound(err, "member", "no such customer")
		}
		if acct.Member != "" {
			// The member's ledger counts its coupon uses
			// (loyalty.Account.CouponUses): the basket takes them from
			// there, and a count of the request would contradict it.
			for _, code := range slices.Sorted(maps.Keys(b.Uses)) {
				if b.Uses[code].ByMember != 0 {
					return 0, nil, badRequest(fmt.Sprintf("uses[%s].by_member", code),
						"must be left out for a member's basket: the member's ledger counts its uses (%d)", acct.CouponUses(code))
				}
			}
			// The account as of the basket's time, when that is later
			// than now: the tier the basket holds is the one held then
			// (loyalty.Basket.Account), after the reviews due by then.
			upTo := now
			if b.Time.After(upTo) {
				upTo = b.Time
			}
			cur := s.current(acct, upTo)
			b.Account = &cur
			// The points the member has at the basket's time, which
			// may differ from now's: points whose return window ends
			// before a basket dated later pay for it.
			avail, err := s.programme.AvailableAt(cur, b.Time)
			if err != nil {
				return 0, nil, err
			}
			b.Available = avail
		}
	}
	q, err := s.programme.Price(b)
	if err != nil {
		return 0, nil, err
	}
	digits := q.Currency.Digits()
	fx := func(d decimal.Decimal) string { return d.StringFixed(digits) }
	out := quoteOut{
		Currency: string(q.Currency), Subtotal: fx(q.Subtotal), Discount: fx(q.Discount),
		PointsUsed: int64(q.PointsUsed), PointsValue: fx(q.PointsValue), Total: fx(q.Total),
	}
	for _, l := range q.Lines {
		out.Lines = append(out.Lines, quoteLineOut{ID: l.ID, Amount: fx(l.Amount),
			Discount: fx(l.Discount), Points: fx(l.Points), Total: fx(l.Total)})
	}
	for _, d := range q.Deductions {
		do := deductionOut{Kind: d.Kind.String(), Name: d.Name, Lines: d.Lines, Amount: fx(d.Amount),
			Capped: d.Capped, Explain: d.Explain}
		if d.Capped {
			do.Requested = fx(d.Requested)
		}
		out.Deductions = append(out.Deductions, do)
	}
	return http.StatusOK, out, nil
}
