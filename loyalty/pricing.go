package loyalty

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Item is one line of a basket to price: an order line and the brand or
// product series it belongs to, which coupons may be scoped to.
type Item struct {
	customer.Line
	// Series is the brand or product series, e.g. "heritage-tweed";
	// optional.
	Series string
}

// Coupon is a coupon or discount card (domain rules §6): a percentage (within
// the programme's bounds, 5%–60% by default) or a fixed amount off the
// lines in its scope, valid in a window, single- or multi-use, personal
// or bearer, with usage limits and a stacking rule. A discount card is a
// personal percentage coupon with no usage limit and a long validity.
type Coupon struct {
	// Code identifies the coupon; one code may be used once per order.
	Code string `json:"code"`
	// Kind is percentage or fixed amount.
	Kind CouponKind `json:"kind"`
	// Percent is the percentage off, for [CouponPercent] (20 = 20%);
	// zero for [CouponFixed].
	Percent decimal.Decimal `json:"percent"`
	// Amount is the money off, for [CouponFixed]; zero for
	// [CouponPercent].
	Amount customer.Money `json:"amount"`
	Scope  Scope          `json:"scope"`
	// ValidFrom (inclusive) and ValidUntil (exclusive) bound when the
	// coupon can be used; a zero time leaves that side open.
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until"`
	// MaxUses limits the uses of the code by everyone; 1 is a single-use
	// coupon, 0 is unlimited.
	MaxUses int `json:"max_uses"`
	// MaxUsesPerMember limits the uses by one member; 0 is unlimited.
	// An anonymous buyer's uses cannot be counted, so the limit does not
	// stop one (a welcome coupon at a first, anonymous checkout); a
	// coupon that must be counted per person is made personal (Holder)
	// or limited overall (MaxUses).
	MaxUsesPerMember int `json:"max_uses_per_member"`
	// Holder makes the coupon personal: only this member may use it.
	// Empty for a bearer coupon.
	Holder customer.ID `json:"holder"`
	// Stacking says whether it combines with other coupons. It is
	// required: the zero value is no rule, and [Programme.CheckCoupon]
	// and [Programme.Price] refuse a coupon without one. Write
	// [StackCombinable] ("combinable" in JSON) for a coupon that may be
	// used with other combinable coupons on one order, or
	// [StackExclusive] ("exclusive") for one that must be the order's
	// only coupon.
	Stacking Stacking `json:"stacking"`
	// MinSpend is the least amount of in-scope lines (after the
	// programme's discounts) for the coupon to apply; zero for none.
	MinSpend decimal.Decimal `json:"min_spend"`
}

// CouponUses is how often a coupon was used before, as the caller's
// records show: by everyone, and by the member presenting it.
//
// The member's own uses are in its ledger ([Account.CouponUses]) once
// its orders are recorded with the coupons they used ([Purchase.Coupons],
// [Quote.Checkout]): a basket priced with its member's [Basket.Account]
// takes ByMember from there, and ByMember is then left zero. Total, the
// uses by everyone, is in no one member's ledger: the caller, or its
// store, counts it (with the uses it records, less those a refund of a
// whole order gave back, as the ledger does) and gives it here.
type CouponUses struct {
	Total    int // uses by everyone
	ByMember int // uses by the member of the basket; zero with Basket.Account
}

// Basket is an order to price.
type Basket struct {
	// Member is the buyer, empty for an anonymous buyer (who may use bearer
	// coupons but not points or personal coupons).
	Member customer.ID
	// Tier is the name of the tier the member holds at Time
	// ([Programme.TierAt] of its [Account] and Time; [Programme.Tier],
	// the current tier, unless a tier change was recorded after Time),
	// for the seasonal discounts limited to tiers and the early access of
	// [SeasonalDiscount]; empty for an anonymous buyer. With Account
	// given, a Tier other than the one that account holds at Time is
	// refused, and an empty Tier is that one; when Time is before the
	// member joined ([Account].Joined) the member held no tier, so an
	// empty Tier is none and any Tier is refused (an error naming the
	// basket and the field "tier"). Without Account, a member whose Tier
	// is empty gets neither.
	Tier     string
	Time     time.Time
	Currency customer.Currency
	Items    []Item
	// Coupons are the coupons presented. Their order does not matter:
	// [Programme.Price] applies percentage coupons first, then fixed
	// amounts, each kind by code.
	Coupons []Coupon
	// Uses are the coupons' earlier uses, by code; no count may be
	// negative.
	Uses map[string]CouponUses
	// Account, when set, is the member's account ([Service.Account],
	// brought to Time), whose ledger counts the member's uses of each
	// coupon ([Account.CouponUses]): they are then taken from it rather
	// than from Uses, whose ByMember must be zero, and a personal
	// coupon's uses by everyone are at least its holder's. Its Member
	// must be the basket's. Nil leaves the count to Uses alone.
	Account *Account
	// Points are the points the member wants to pay with; Available is how
	// many it has available at Time ([Programme.AvailableAt] of its
	// [Account] and Time; [Account.Available] of an account brought up
	// to Time). Neither may be negative. With Account given, the basket
	// pays with no more points than that account has at Time either,
	// whatever Available says, so that a quote never spends points the
	// checkout's [Redemption] would find missing; an Available below it
	// caps the points (a host may offer fewer).
	Points    Points
	Available Points
}

// Quote is a priced basket. Amounts are exact decimals in the basket's
// currency. Total = Subtotal − Discount − PointsValue, and 0 ≤ Total ≤
// Subtotal.
//
// A Quote made by [Programme.Price] keeps the basket it priced (its
// member, time and items), so that [Quote.Order] builds the order from
// the very lines the amounts were computed for. It keeps the basket
// through storage too: [Quote.MarshalJSON] writes the basket with the
// quote, and a quote read back by [Quote.UnmarshalJSON] orders as the
// original does, so a quote shown to the buyer and kept until payment
// need not be priced again.
type Quote struct {
	Currency customer.Currency
	// Subtotal is what the lines cost before the programme's deductions:
	// Σ (quantity × unit price − the line's own discount).
	Subtotal decimal.Decimal
	// Lines break the quote down by line.
	Lines []QuoteLine
	// Deductions explain every amount taken off, in the order applied.
	Deductions []Deduction
	// Discount is the sum of the seasonal, quantity and coupon
	// deductions.
	Discount decimal.Decimal
	// PointsUsed is what the member pays in points, and PointsValue their
	// value in money: PointsUsed ÷ the redemption rate, truncated to the
	// minor unit. PointsUsed is the fewest points (at least the
	// redemption minimum) that pay PointsValue, so no point is charged
	// for less than a minor unit of money: at 1,000 points a euro, 1,005
	// points asked pay 1.00 with 1,000 points.
	PointsUsed  Points
	PointsValue decimal.Decimal
	// Total is what the member pays in money.
	Total decimal.Decimal

	// The basket priced: its member, its time and a copy of its items;
	// and a copy of Lines as priced, to tell whether they were changed.
	member customer.ID
	at     time.Time
	items  []Item
	lines  []QuoteLine
	// coupons are the coupons applied, by code, as the checkout's
	// [Purchase] reports them.
	coupons []CouponUse
}

// QuoteLine is one line of a [Quote].
type QuoteLine struct {
	ID string
	// Amount is the line's starting amount; Discount what the seasonal,
	// quantity and coupon deductions took off it; Points the part paid in
	// points; Total what is paid in money.
	Amount   decimal.Decimal
	Discount decimal.Decimal
	Points   decimal.Decimal
	Total    decimal.Decimal
}

// Deduction is one amount taken off a basket and why.
type Deduction struct {
	Kind DeductionKind
	// Name is the coupon code or the discount's name.
	Name string
	// Lines are the IDs of the lines it applied to.
	Lines []string
	// Amount is what was taken off.
	Amount decimal.Decimal
	// Capped is true when less than Requested was taken, because the lines
	// (or the points' maximum share) did not allow more: the total is never
	// pushed below zero.
	Capped    bool
	Requested decimal.Decimal
	// Explain says how the amount was computed.
	Explain string
}

func (s Scope) matches(it Item) bool {
	switch s.Kind {
	case ScopeAll:
		return true
	case ScopeSKU:
		return slices.Contains(s.Values, it.SKU)
	case ScopeCategory:
		return slices.Contains(s.Values, it.Category)
	case ScopeSeries:
		return slices.Contains(s.Values, it.Series)
	}
	return false
}

// CheckCoupon checks the coupon's definition against the programme: a code, a
// known kind, a percentage within [PricingConfig.MinPercent,
// MaxPercent] or a positive amount in the programme's currency (not
// both: a percentage coupon has no amount, a fixed one no percentage), a
// stacking rule (required: the zero Stacking is none), non-negative
// limits, a fixed amount and a minimum spend in whole minor units of the
// currency (never rounded), a valid window and a valid scope. It returns
// a [*CouponError] whose Field is the field at fault, by its JSON name
// ("percent", "scope.values[1]"), and whose Detail begins with it; when
// the coupon has several faults, every one is reported at once: the
// first found is the error's own, the others are in its
// [CouponError].Others, one per field (the first fault found for the
// field). A programme not compiled (nil or the zero value) returns the
// error of [Programme.Apply] for it, matching [customer.ErrInvalid],
// instead.
func (p *Programme) CheckCoupon(c Coupon) error {
	if err := p.usable(); err != nil {
		return err
	}
	var faults []CouponError
	seen := map[string]bool{}
	refuse := func(rule, field, format string, args ...any) {
		if seen[field] {
			return // the field's first fault stands
		}
		seen[field] = true
		faults = append(faults, CouponError{Code: c.Code, Rule: rule, Field: field, Detail: field + ": " + fmt.Sprintf(format, args...)})
	}
	pr := p.cfg.Pricing
	digits := p.cfg.Currency.Digits()
	if c.Code == "" {
		refuse(RuleDefined, "code", "is empty")
	}
	// A decimal beyond the bounds is compared with nothing, and quoted
	// only briefly: its arithmetic and its digits need not end.
	okPercent, okAmount, okMin := sane(c.Percent), sane(c.Amount.Amount()), sane(c.MinSpend)
	if !okPercent {
		refuse(RuleDefined, "percent", "%s is too large or too precise", brief(c.Percent))
	}
	if !okAmount {
		refuse(RuleDefined, "amount", "%s is too large or too precise", brief(c.Amount.Amount()))
	}
	if !okMin {
		refuse(RuleDefined, "min_spend", "%s is too large or too precise", brief(c.MinSpend))
	}
	if c.Kind == CouponFixed && !c.Percent.IsZero() {
		refuse(RuleDefined, "percent", "%s%% on a fixed-amount coupon of %s", brief(c.Percent), c.Amount)
	}
	if c.Kind == CouponPercent && !c.Amount.IsZero() {
		refuse(RuleDefined, "amount", "%s on a percentage coupon of %s%%", c.Amount, brief(c.Percent))
	}
	if okPercent && c.Kind == CouponPercent && (c.Percent.LessThan(pr.MinPercent) || c.Percent.GreaterThan(pr.MaxPercent)) {
		refuse(RuleBounds, "percent", "%s%% is outside the bounds %s%%–%s%%", c.Percent.String(), pr.MinPercent.String(), pr.MaxPercent.String())
	}
	if c.Kind == CouponFixed && c.Amount.Currency() != p.cfg.Currency {
		refuse(RuleCurrency, "amount", "%s is not in %s", c.Amount, p.cfg.Currency)
	}
	if c.Kind == CouponFixed && c.Amount.Sign() <= 0 {
		refuse(RuleDefined, "amount", "%s must be positive", c.Amount)
	}
	if !c.Kind.Valid() {
		refuse(RuleDefined, "kind", "unknown kind %d", uint8(c.Kind))
	}
	if !c.Stacking.Valid() {
		refuse(RuleDefined, "stacking", "unknown stacking rule %d: say %q or %q", uint8(c.Stacking), StackCombinable, StackExclusive)
	}
	if c.MaxUses < 0 {
		refuse(RuleDefined, "max_uses", "%d must not be negative", c.MaxUses)
	}
	if c.MaxUsesPerMember < 0 {
		refuse(RuleDefined, "max_uses_per_member", "%d must not be negative", c.MaxUsesPerMember)
	}
	if okAmount && c.Kind == CouponFixed && !c.Amount.Amount().Equal(c.Amount.Amount().Truncate(digits)) {
		refuse(RuleDefined, "amount", "%s has more decimals than %s allows (%d)", c.Amount.Amount().String(), p.cfg.Currency, digits)
	}
	if c.MinSpend.Sign() < 0 {
		refuse(RuleDefined, "min_spend", "%s must not be negative", brief(c.MinSpend))
	}
	if okMin && !c.MinSpend.Equal(c.MinSpend.Truncate(digits)) {
		refuse(RuleDefined, "min_spend", "%s has more decimals than %s allows (%d)", c.MinSpend.String(), p.cfg.Currency, digits)
	}
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && !c.ValidFrom.Before(c.ValidUntil) {
		refuse(RuleDefined, "valid_until", "is not after valid_from")
	}
	var pb problems
	checkScope(&pb, "scope", c.Scope)
	for _, f := range pb.fields {
		refuse(RuleDefined, f.Field, "%s", f.Message)
	}
	if len(faults) == 0 {
		return nil
	}
	ce := faults[0]
	if len(faults) > 1 {
		ce.Others = faults[1:]
	}
	return &ce
}

func (b *Basket) validate(p *Programme) error {
	var pr problems
	if b.Time.IsZero() {
		pr.add("time", customer.CodeRequired, "is zero")
	}
	if b.Currency != p.cfg.Currency {
		pr.add("currency", customer.CodeMismatch, "is %q, the programme's currency is %s", string(b.Currency), p.cfg.Currency)
	}
	if len(b.Items) == 0 {
		pr.add("items", customer.CodeRequired, "a basket needs at least one item")
	}
	digits := p.cfg.Currency.Digits()
	seen := map[string]bool{}
	for i, it := range b.Items {
		f := fmt.Sprintf("items[%d].", i)
		switch {
		case it.ID == "":
			pr.add(f+"id", customer.CodeRequired, "is empty")
		case seen[it.ID]:
			pr.add(f+"id", customer.CodeDuplicate, "line ID %q appears twice", it.ID)
		}
		seen[it.ID] = true
		if it.Quantity <= 0 {
			pr.add(f+"quantity", customer.CodeNotPos, "must be positive, is %d", it.Quantity)
		} else if it.Quantity > customer.MaxLineQuantity {
			pr.add(f+"quantity", customer.CodeRange, "%d is above the maximum of %d units per line", it.Quantity, customer.MaxLineQuantity)
		}
		for name, d := range map[string]decimal.Decimal{"unit_price": it.UnitPrice, "discount": it.Discount} {
			switch {
			case !sane(d):
				pr.add(f+name, customer.CodeRange, "%s is too large or too precise", brief(d))
			case d.Sign() < 0:
				pr.add(f+name, customer.CodeNegative, "must not be negative")
			case !d.Equal(d.Truncate(digits)):
				pr.add(f+name, customer.CodeFormat, "%s has more decimals than %s allows (%d)", d.String(), p.cfg.Currency, digits)
			}
		}
		if it.Quantity > 0 && sane(it.UnitPrice) && sane(it.Discount) && it.Discount.GreaterThan(it.Gross()) {
			pr.add(f+"discount", customer.CodeRange, "%s is more than the line's %s", p.cfg.Currency.Format(it.Discount), p.cfg.Currency.Format(it.Gross()))
		}
	}
	if b.Points < 0 {
		pr.add("points", customer.CodeNegative, "must not be negative, is %d", b.Points)
	}
	if b.Available < 0 {
		pr.add("available", customer.CodeNegative, "must not be negative, is %d", b.Available)
	}
	for code, u := range b.Uses {
		f := fmt.Sprintf("uses[%q].", code)
		if u.Total < 0 {
			pr.add(f+"total", customer.CodeNegative, "must not be negative, is %d", u.Total)
		}
		if u.ByMember < 0 {
			pr.add(f+"by_member", customer.CodeNegative, "must not be negative, is %d", u.ByMember)
		}
	}
	if b.Tier != "" {
		switch {
		case b.Member == "":
			pr.add("tier", customer.CodeMismatch, "an anonymous buyer holds no tier, is %q", b.Tier)
		case !slices.ContainsFunc(p.cfg.Tiers.Levels, func(l TierLevel) bool { return l.Name == b.Tier }):
			pr.add("tier", customer.CodeUnknown, "%q is not a tier of the programme", b.Tier)
		}
	}
	if b.Points > 0 && b.Member == "" {
		pr.add("points", customer.CodeMismatch, "an anonymous buyer cannot pay with points")
	}
	if a := b.Account; a != nil {
		switch {
		case b.Member == "":
			pr.add("account", customer.CodeMismatch, "an anonymous buyer has no account, is the account of %q", a.Member)
		case a.Member == "":
			pr.add("account", customer.CodeMismatch, "is an empty account (no join entry), the basket's member is %q", b.Member)
		case a.Member != b.Member:
			pr.add("account", customer.CodeMismatch, "is the account of %q, the basket's member is %q", a.Member, b.Member)
		case b.Tier != "" && b.Time.Before(a.Joined):
			// A tier is held from the join on: before it the member
			// held none, as an empty Tier says.
			pr.add("tier", customer.CodeMismatch, "is %q, but the basket's time %s is before the member joined (%s): it held no tier then",
				b.Tier, b.Time.Format(time.RFC3339), a.Joined.Format(time.RFC3339))
		case b.Tier != "":
			// The tier is the one the account holds at the basket's time
			// (read from the ledger's tier name, a tier dropped as the
			// one below it, as TierAt says).
			held := p.heldAt(a, b.Time)
			if name := p.cfg.Tiers.Levels[held].Name; name != b.Tier {
				pr.add("tier", customer.CodeMismatch, "is %q, the account given holds %q at the basket's time", b.Tier, name)
			}
		}
		for code, u := range b.Uses {
			if u.ByMember != 0 {
				pr.add(fmt.Sprintf("uses[%q].by_member", code), customer.CodeMismatch,
					"is %d, but the member's uses are counted by the account given (%d)", u.ByMember, a.CouponUses(code))
			}
		}
	}
	return pr.err(b.record())
}

// record names the basket in errors: with its member, when it has one.
func (b *Basket) record() string {
	if b.Member == "" {
		return "basket"
	}
	return fmt.Sprintf("basket of member %q", b.Member)
}

// Price prices basket b. The steps, each on what the previous left:
//
//  1. seasonal discounts running at b.Time for the buyer (from
//     EarlyFrom for a tier with early access; only for the listed tiers
//     when the discount has Tiers), the largest per line. The buyer's
//     tier is b.Tier, or, when it is empty and b.Account is given, the
//     tier that account holds at b.Time ([Programme.TierAt]), none
//     before the member joined;
//  2. quantity discounts whose minimum quantity the in-scope units reach,
//     the largest per line. Each discount of steps 1 and 2 takes
//     round(cost × percent / 100) (half up, to the minor unit) off the
//     lines it is the largest for, cost being what they cost together,
//     spread over them in proportion to what each costs by the
//     largest-remainder method, equal remainders served by line ID, so
//     that the order of the lines decides nothing: rounded once, so that
//     splitting a basket into more lines gains nothing but the cents a
//     step's spreading moves between the lines a later step takes from;
//  3. the coupons, in an order that does not depend on the order they
//     were presented in: percentage coupons first, then fixed amounts,
//     each kind by code. A percentage coupon takes its percentage of
//     what the in-scope lines still cost, rounded once as in step 2; a
//     fixed coupon takes its amount, capped at what they cost, spread
//     over them in the same way. A coupon's MinSpend is compared with its
//     in-scope lines after steps 1 and 2, before any coupon, so one
//     coupon never decides whether another applies;
//  4. points: value = points / [RedeemConfig.PointsPerUnit], truncated to
//     the minor unit, capped at [RedeemConfig.MaxShare] of what is left
//     (the points are then reduced to what the capped value is worth).
//
// No deduction takes a line below zero; a capped deduction says so. A
// coupon that is malformed, outside its window, out of scope (no line in
// it, or only lines that cost nothing after steps 1 and 2), used up,
// personal to someone else, combined against its stacking rule or
// presented twice refuses the whole quote with a [*CouponError] naming
// the rule, wrapped in an error naming the basket's member and the
// coupon's index among those presented ("coupons[1]"). Used up means its uses by everyone reach MaxUses or the
// member's reach MaxUsesPerMember: the member's from b.Account when it
// is given ([Account.CouponUses]), else from b.Uses, as are everyone's
// ([CouponUses]). Points beyond b.Available, or with b.Account given
// beyond what that account has at b.Time ([Programme.AvailableAt]),
// return a [*InsufficientError] whose Available is the smaller of the
// two; b.Available is not otherwise checked against the account, and a
// basket paying with no points does not bring the account to b.Time. A b.Account
// whose Level is negative or beyond the programme's tiers without a tier
// entry that reached it is refused as by [Programme.Apply]; one whose
// ledger names a tier the programme dropped holds the tier below it
// ([Programme.TierAt]).
func (p *Programme) Price(b Basket) (Quote, error) {
	if err := p.usable(); err != nil {
		return Quote{}, err
	}
	if err := b.validate(p); err != nil {
		return Quote{}, err
	}
	if b.Account != nil {
		if err := p.checkLevel(b.Account); err != nil {
			return Quote{}, fmt.Errorf("loyalty: basket of member %q: %w", b.Member, err)
		}
		if b.Tier == "" && !b.Time.Before(b.Account.Joined) {
			// The account tells the tier held at the basket's time; a
			// buyer who had not joined then held none.
			b.Tier = p.cfg.Tiers.Levels[p.heldAt(b.Account, b.Time)].Name
		}
	}
	// The points the basket may pay with: Available, and with Account
	// given no more than that account has at Time. Only a basket paying
	// with points needs the account brought to Time.
	avail := b.Available
	if b.Account != nil && b.Points > 0 {
		held, err := p.availableAt(b.Account, b.Time)
		if err != nil {
			return Quote{}, fmt.Errorf("loyalty: basket of member %q: %w", b.Member, err)
		}
		avail = min(avail, held)
	}
	cur := p.cfg.Currency
	digits := cur.Digits()
	q := Quote{Currency: cur, Subtotal: decimal.Zero, Discount: decimal.Zero, PointsValue: decimal.Zero,
		member: b.Member, at: b.Time, items: slices.Clone(b.Items)}
	amounts := make([]decimal.Decimal, len(b.Items))
	for i, it := range b.Items {
		amounts[i] = it.Net()
		q.Subtotal = q.Subtotal.Add(amounts[i])
		q.Lines = append(q.Lines, QuoteLine{ID: it.ID, Amount: amounts[i], Discount: decimal.Zero, Points: decimal.Zero})
	}
	take := func(i int, d decimal.Decimal) decimal.Decimal {
		d = decimal.Min(d, amounts[i])
		amounts[i] = amounts[i].Sub(d)
		q.Lines[i].Discount = q.Lines[i].Discount.Add(d)
		return d
	}
	// spread takes amount off lines in proportion to what they still
	// cost ([allocate]) and returns what it took.
	spread := func(lines []int, amount decimal.Decimal) (decimal.Decimal, error) {
		took := decimal.Zero
		if amount.Sign() <= 0 {
			return took, nil
		}
		parts, err := allocate(amount, lines, amounts, b.Items, digits)
		if err != nil {
			return took, err
		}
		for k, i := range lines {
			took = took.Add(take(i, parts[k]))
		}
		return took, nil
	}
	// percentOff takes pct percent off lines, rounded once on what they
	// cost together (half up, to the minor unit).
	percentOff := func(lines []int, pct decimal.Decimal) (decimal.Decimal, error) {
		sum := decimal.Zero
		for _, i := range lines {
			sum = sum.Add(amounts[i])
		}
		return spread(lines, sum.Mul(pct).Shift(-2).Round(digits))
	}
	// Per-line best promotions, one deduction per promotion.
	promo := func(kind DeductionKind, best func(i int) (int, decimal.Decimal), names func(int) string) error {
		type group struct {
			pct   decimal.Decimal
			lines []int
		}
		groups := map[int]*group{}
		var order []int
		for i := range b.Items {
			k, pct := best(i)
			if k < 0 {
				continue
			}
			g, ok := groups[k]
			if !ok {
				g = &group{pct: pct}
				groups[k] = g
				order = append(order, k)
			}
			g.lines = append(g.lines, i)
		}
		slices.Sort(order)
		for _, k := range order {
			g := groups[k]
			dd := Deduction{Kind: kind, Name: names(k), Explain: fmt.Sprintf("%s%% off", g.pct.String())}
			for _, i := range g.lines {
				dd.Lines = append(dd.Lines, b.Items[i].ID)
			}
			var err error
			if dd.Amount, err = percentOff(g.lines, g.pct); err != nil {
				return fmt.Errorf("loyalty: %s: %w", dd.Name, err)
			}
			dd.Requested = dd.Amount
			q.Deductions = append(q.Deductions, dd)
		}
		return nil
	}
	seasonal := p.cfg.Pricing.Seasonal
	early := false // the member's tier has early access
	if b.Tier != "" {
		i := slices.IndexFunc(p.cfg.Tiers.Levels, func(l TierLevel) bool { return l.Name == b.Tier })
		early = p.cfg.Tiers.Levels[i].EarlyAccess
	}
	err := promo(DeductSeasonal, func(i int) (int, decimal.Decimal) {
		k, bestPct := -1, decimal.Zero
		for j, s := range seasonal {
			from := s.From
			if early && !s.EarlyFrom.IsZero() {
				from = s.EarlyFrom
			}
			running := (from.IsZero() || !b.Time.Before(from)) && (s.Until.IsZero() || b.Time.Before(s.Until))
			if len(s.Tiers) > 0 && !slices.Contains(s.Tiers, b.Tier) {
				running = false // a members' sale, not for this buyer's tier
			}
			if running && slices.Contains(s.Seasons, b.Items[i].Season) && s.Percent.GreaterThan(bestPct) {
				k, bestPct = j, s.Percent
			}
		}
		return k, bestPct
	}, func(k int) string { return seasonal[k].Name })
	if err != nil {
		return Quote{}, err
	}
	quantity := p.cfg.Pricing.Quantity
	reached := make([]bool, len(quantity))
	for j, qd := range quantity {
		n := 0
		for _, it := range b.Items {
			// A line that costs nothing (a free gift) is not bought.
			if qd.Scope.matches(it) && it.Net().Sign() > 0 {
				n += it.Quantity
			}
		}
		reached[j] = n >= qd.MinQuantity
	}
	err = promo(DeductQuantity, func(i int) (int, decimal.Decimal) {
		k, bestPct := -1, decimal.Zero
		for j, qd := range quantity {
			if reached[j] && qd.Scope.matches(b.Items[i]) && qd.Percent.GreaterThan(bestPct) {
				k, bestPct = j, qd.Percent
			}
		}
		return k, bestPct
	}, func(k int) string { return quantity[k].Name })
	if err != nil {
		return Quote{}, err
	}
	if err := p.applyCoupons(&b, &q, amounts, spread, percentOff); err != nil {
		return Quote{}, err
	}
	for _, d := range q.Deductions {
		q.Discount = q.Discount.Add(d.Amount)
	}
	if err := p.payWithPoints(&b, avail, &q, amounts); err != nil {
		return Quote{}, err
	}
	q.Total = decimal.Zero
	for i := range q.Lines {
		q.Lines[i].Total = amounts[i]
		q.Total = q.Total.Add(amounts[i])
	}
	q.lines = slices.Clone(q.Lines)
	return q, nil
}

func (p *Programme) applyCoupons(b *Basket, q *Quote, amounts []decimal.Decimal,
	spread, percentOff func([]int, decimal.Decimal) (decimal.Decimal, error)) error {
	codes := make([]string, len(b.Coupons))
	for i, c := range b.Coupons {
		codes[i] = c.Code
	}
	// at names the coupon code's place among those presented (its
	// second, for a code presented twice) in the refusal ce.
	at := func(code string, ce error) error {
		i := slices.IndexFunc(b.Coupons, func(c Coupon) bool { return c.Code == code })
		if j := slices.IndexFunc(b.Coupons[i+1:], func(c Coupon) bool { return c.Code == code }); j >= 0 {
			i += 1 + j
		}
		return fmt.Errorf("loyalty: %s: coupons[%d]: %w", b.record(), i, ce)
	}
	slices.Sort(codes)
	for i := 1; i < len(codes); i++ {
		if codes[i] == codes[i-1] {
			return at(codes[i], &CouponError{Code: codes[i], Rule: RuleRepeated, Field: "code", Detail: "code: presented twice on one order"})
		}
	}
	// The codes are unique: this order is the same however the coupons
	// were presented.
	coupons := slices.Clone(b.Coupons)
	slices.SortFunc(coupons, func(x, y Coupon) int { return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Code, y.Code)) })
	// The minimum spend is measured on the amounts after the programme's
	// own discounts, before any coupon.
	base := slices.Clone(amounts)
	for _, c := range coupons {
		refuse := func(rule, field, format string, args ...any) error {
			return at(c.Code, &CouponError{Code: c.Code, Rule: rule, Field: field, Detail: field + ": " + fmt.Sprintf(format, args...)})
		}
		if err := p.CheckCoupon(c); err != nil {
			return at(c.Code, err)
		}
		if c.Stacking == StackExclusive && len(b.Coupons) > 1 {
			return refuse(RuleStacking, "stacking", "exclusive, but %d coupons were presented", len(b.Coupons))
		}
		if !c.ValidFrom.IsZero() && b.Time.Before(c.ValidFrom) {
			return refuse(RuleValidity, "valid_from", "valid from %s", c.ValidFrom.Format(time.RFC3339))
		}
		if !c.ValidUntil.IsZero() && !b.Time.Before(c.ValidUntil) {
			return refuse(RuleValidity, "valid_until", "expired at %s", c.ValidUntil.Format(time.RFC3339))
		}
		if c.Holder != "" && c.Holder != b.Member {
			return refuse(RulePersonal, "holder", "personal to another member")
		}
		u := b.Uses[c.Code]
		if b.Account != nil {
			u.ByMember = b.Account.CouponUses(c.Code)
			if c.Holder != "" {
				u.Total = max(u.Total, u.ByMember) // only the holder uses it
			}
		}
		if c.MaxUses > 0 && u.Total >= c.MaxUses {
			return refuse(RuleUses, "max_uses", "used %d of %d times", u.Total, c.MaxUses)
		}
		if c.MaxUsesPerMember > 0 && u.ByMember >= c.MaxUsesPerMember {
			return refuse(RuleUses, "max_uses_per_member", "used %d of %d times by this member", u.ByMember, c.MaxUsesPerMember)
		}
		var lines []int
		eligible, spend := decimal.Zero, decimal.Zero
		for i, it := range b.Items {
			if c.Scope.matches(it) {
				lines = append(lines, i)
				eligible = eligible.Add(amounts[i])
				spend = spend.Add(base[i])
			}
		}
		if len(lines) == 0 {
			return refuse(RuleScope, "scope", "no line is in its scope (%s %s)", c.Scope.Kind, strings.Join(c.Scope.Values, ", "))
		}
		if spend.IsZero() {
			return refuse(RuleScope, "scope", "the lines in its scope (%s %s) cost nothing before coupons", c.Scope.Kind, strings.Join(c.Scope.Values, ", "))
		}
		if spend.LessThan(c.MinSpend) {
			return refuse(RuleMinSpend, "min_spend", "in-scope lines cost %s before coupons, the minimum is %s", p.cfg.Currency.Format(spend), p.cfg.Currency.Format(c.MinSpend))
		}
		d := Deduction{Kind: DeductCoupon, Name: c.Code, Amount: decimal.Zero}
		for _, i := range lines {
			d.Lines = append(d.Lines, b.Items[i].ID)
		}
		var err error
		switch c.Kind {
		case CouponPercent:
			if d.Amount, err = percentOff(lines, c.Percent); err != nil {
				return refuse(RuleScope, "scope", "in-scope lines cost nothing: %v", err)
			}
			d.Requested = d.Amount
			d.Explain = fmt.Sprintf("%s%% off %s", c.Percent.String(), p.cfg.Currency.Format(eligible))
		case CouponFixed:
			want := c.Amount.Amount()
			d.Requested = want
			if d.Amount, err = spread(lines, decimal.Min(want, eligible)); err != nil {
				return refuse(RuleScope, "scope", "in-scope lines cost nothing: %v", err)
			}
			d.Capped = d.Amount.LessThan(want)
			d.Explain = fmt.Sprintf("%s off", c.Amount)
			if d.Capped {
				d.Explain += fmt.Sprintf(", capped at the %s the in-scope lines cost", p.cfg.Currency.Format(eligible))
			}
		}
		q.Deductions = append(q.Deductions, d)
	}
	q.coupons = nil
	for _, code := range codes {
		q.coupons = append(q.coupons, NewCouponUse(b.Coupons[slices.IndexFunc(b.Coupons, func(c Coupon) bool { return c.Code == code })]))
	}
	return nil
}

// payWithPoints takes b.Points, at most avail ([Programme.Price]), off
// what the lines of q still cost (amounts).
func (p *Programme) payWithPoints(b *Basket, avail Points, q *Quote, amounts []decimal.Decimal) error {
	if b.Points == 0 {
		return nil
	}
	rc := p.cfg.Redeem
	if b.Points > avail {
		return &InsufficientError{Member: b.Member, Record: "basket", Requested: b.Points, Available: avail}
	}
	if b.Points < rc.MinPoints {
		var pr problems
		pr.add("points", customer.CodeRange, "%d is below the minimum of %d", b.Points, rc.MinPoints)
		return pr.err(b.record())
	}
	digits := p.cfg.Currency.Digits()
	left := decimal.Zero
	for _, a := range amounts {
		left = left.Add(a)
	}
	want := p.pointsValue(b.Points)
	limit := left.Mul(rc.MaxShare).Truncate(digits)
	pts, value := b.Points, want
	d := Deduction{Kind: DeductPoints, Name: "points", Requested: want}
	if value.GreaterThan(limit) {
		n, err := pointsOf(limit.Mul(rc.PointsPerUnit), RoundDown)
		if err != nil {
			return err
		}
		pts = min(n, b.Points)
		if pts < rc.MinPoints {
			pts = 0
		}
		value = p.pointsValue(pts)
		d.Capped = true
	}
	// The fewest points that pay value: points that would buy less than a
	// minor unit more buy nothing and are not charged (at least the
	// minimum of a redemption is, when any is).
	if value.IsZero() {
		pts = 0
	} else if need, err := pointsOf(value.Mul(rc.PointsPerUnit).Ceil(), RoundDown); err == nil && need < pts {
		pts = max(need, rc.MinPoints)
	}
	d.Amount = value
	d.Explain = fmt.Sprintf("%d points at %s points per %s", pts, rc.PointsPerUnit.String(), p.cfg.Currency)
	if d.Capped {
		d.Explain += fmt.Sprintf("; %d points asked, capped at %s of the %s left to pay", b.Points, rc.MaxShare.String(), p.cfg.Currency.Format(left))
	}
	if value.Sign() > 0 {
		var idx []int
		for i, a := range amounts {
			if a.Sign() > 0 {
				idx = append(idx, i)
			}
		}
		parts, err := allocate(value, idx, amounts, b.Items, digits)
		if err != nil {
			return fmt.Errorf("loyalty: pay with points: %w", err)
		}
		for k, i := range idx {
			x := decimal.Min(parts[k], amounts[i])
			amounts[i] = amounts[i].Sub(x)
			q.Lines[i].Points = q.Lines[i].Points.Add(x)
		}
		d.Lines = nil
		for _, i := range idx {
			d.Lines = append(d.Lines, b.Items[i].ID)
		}
	}
	q.PointsUsed, q.PointsValue = pts, value
	q.Deductions = append(q.Deductions, d)
	return nil
}

// allocate splits amount, a whole number of minor units (digits
// decimals), over the lines of items at the indexes lines, in proportion
// to their weights, weights[i] for line i, by the largest-remainder
// method ([customer.Money.Allocate]): each line gets its share truncated
// to the minor unit, and the units left over go one each to the lines
// with the largest remainders. Lines whose remainders tie are served by
// line ID, never by where they stand in the basket, so that the same
// basket scanned in another order splits every amount the same way and
// prices to the same total. The parts sum to amount, and none exceeds
// its line's weight when amount is at most the weights' sum.
func allocate(amount decimal.Decimal, lines []int, weights []decimal.Decimal, items []Item, digits int32) ([]decimal.Decimal, error) {
	sum := decimal.Zero
	for _, i := range lines {
		sum = sum.Add(weights[i])
	}
	if sum.Sign() <= 0 {
		return nil, fmt.Errorf("loyalty: allocate %s over lines that cost nothing", amount.String())
	}
	parts := make([]decimal.Decimal, len(lines))
	rems := make([]decimal.Decimal, len(lines))
	left := amount
	for k, i := range lines {
		parts[k], rems[k] = amount.Mul(weights[i]).QuoRem(sum, digits) // truncated: both ≥ 0
		left = left.Sub(parts[k])
	}
	if left.IsZero() {
		return parts, nil
	}
	order := make([]int, len(lines))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(rems[y].Cmp(rems[x]), cmp.Compare(items[lines[x]].ID, items[lines[y]].ID))
	})
	unit := decimal.New(1, -digits)
	for _, k := range order {
		if left.Sign() <= 0 || rems[k].IsZero() {
			break
		}
		parts[k] = parts[k].Add(unit)
		left = left.Sub(unit)
	}
	return parts, nil
}

// Order returns the priced basket as a [customer.Order] for a
// [Purchase]. It is built from the basket the quote was made for, so it
// cannot be given other goods: the same lines in the same order, the
// basket's member as the customer, dated at the basket's time (when its
// discounts and coupons were checked; price the basket at the moment of
// sale), in the quote's currency. The caller gives only what pricing does
// not know: the order's ID and its channel.
//
// Each line's Discount is its own discount plus what the quote's
// deductions and points took off it ([QuoteLine] Discount + Points), so
// the order's net amount is exactly [Quote.Total], what was paid in
// money, and the order earns points on that alone. Over the whole order
// the discounts exceed the basket's own by exactly Discount +
// PointsValue.
//
// Order returns no order and a [*customer.ValidationError] naming the
// fields when the basket was anonymous (only a member earns points), when
// the quote was not made by [Programme.Price] (a zero or hand-built
// Quote has no basket), when its lines or amounts were changed after
// pricing (reordered, dropped, moved from one line to another), or
// when the order is not valid ([customer.Order.Validate]: an empty ID, an
// unknown channel).
func (q Quote) Order(id string, channel customer.Channel) (customer.Order, error) {
	if err := q.check(); err != nil {
		return customer.Order{}, err
	}
	o := customer.Order{ID: id, CustomerID: q.member, Time: q.at, Channel: channel, Currency: q.Currency,
		Lines: make([]customer.Line, len(q.items))}
	for i, it := range q.items {
		l := it.Line
		l.Discount = l.Discount.Add(q.lines[i].Discount).Add(q.lines[i].Points)
		o.Lines[i] = l
	}
	if err := o.Validate(q.at); err != nil {
		return customer.Order{}, err
	}
	return o, nil
}

// Checkout returns the events of paying the quote, for [Service.ApplyAll]:
// a [Redemption] of PointsUsed when the member pays with points, then the
// [Purchase] of the order ([Quote.Order]). The redemption has the order's
// ID as its ID and as its Order (so a refund of the order gives the
// points back, see [Returned]), the basket's member and time, and as
// OrderTotal what the lines cost after the discounts, Subtotal −
// Discount, the amount the points were capped against. The purchase
// names the coupons the quote applied, by code, each with its limit of
// uses by the member ([NewCouponUse]), so that the member's ledger
// records the uses and refuses a use beyond the limit ([Purchase]).
// Applied together, the points are spent only if the order earns and
// its coupons are not used up, and the same checkout delivered twice
// takes effect once. Errors are those of Order, and nothing is
// returned with them.
func (q Quote) Checkout(orderID string, channel customer.Channel) ([]Event, error) {
	o, err := q.Order(orderID, channel)
	if err != nil {
		return nil, err
	}
	buy := Purchase{Order: o, Coupons: slices.Clone(q.coupons)}
	if q.PointsUsed == 0 {
		return []Event{buy}, nil
	}
	paid, err := customer.MoneyFromDecimal(q.Subtotal.Sub(q.Discount), q.Currency)
	if err != nil {
		return nil, fmt.Errorf("loyalty: checkout of order %q: %w", orderID, err)
	}
	return []Event{Redemption{Member: q.member, ID: orderID, Points: q.PointsUsed, OrderTotal: paid, Time: q.at, Order: orderID}, buy}, nil
}

// check reports a quote that has no basket or no member, or whose lines
// or amounts were changed after pricing.
func (q *Quote) check() error {
	var pr problems
	if q.items == nil {
		pr.add("lines", customer.CodeRequired, "the quote has no basket: it was not made by Programme.Price")
		return pr.err("quote")
	}
	if q.member == "" {
		pr.add("member", customer.CodeRequired, "the basket is anonymous: only a member's order earns points")
	}
	if len(q.Lines) != len(q.lines) {
		pr.add("lines", customer.CodeMismatch, "%d lines, the basket priced has %d", len(q.Lines), len(q.lines))
		return pr.err("quote")
	}
	total, disc, pts := decimal.Zero, decimal.Zero, decimal.Zero
	for i, l := range q.Lines {
		want := q.lines[i]
		total, disc, pts = total.Add(want.Total), disc.Add(want.Discount), pts.Add(want.Points)
		f := fmt.Sprintf("lines[%d].", i)
		if l.ID != want.ID {
			pr.add(f+"id", customer.CodeMismatch, "is %q, the basket's line %d is %q", l.ID, i, want.ID)
			continue
		}
		for _, x := range []struct {
			name      string
			got, want decimal.Decimal
		}{{"amount", l.Amount, want.Amount}, {"discount", l.Discount, want.Discount}, {"points", l.Points, want.Points}, {"total", l.Total, want.Total}} {
			if !x.got.Equal(x.want) {
				pr.add(f+x.name, customer.CodeMismatch, "line %q: is %s, priced %s", l.ID, q.Currency.Format(x.got), q.Currency.Format(x.want))
			}
		}
	}
	for _, x := range []struct {
		name      string
		got, want decimal.Decimal
	}{{"discount", q.Discount, disc}, {"points_value", q.PointsValue, pts}, {"total", q.Total, total}} {
		if !x.got.Equal(x.want) {
			pr.add(x.name, customer.CodeMismatch, "is %s, priced %s", q.Currency.Format(x.got), q.Currency.Format(x.want))
		}
	}
	return pr.err("quote")
}
