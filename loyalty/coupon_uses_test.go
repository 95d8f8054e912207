package loyalty_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

var couponStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// welcome is a single-use-per-member bearer coupon: 10% off everything.
func welcome() loyalty.Coupon {
	return loyalty.Coupon{Code: "WELCOME", Kind: loyalty.CouponPercent, Percent: dec("10"),
		Scope: loyalty.Scope{Kind: loyalty.ScopeAll}, MaxUsesPerMember: 1, Stacking: loyalty.StackCombinable}
}

func couponBasket(member customer.ID, at time.Time, a *loyalty.Account, coupons ...loyalty.Coupon) loyalty.Basket {
	return loyalty.Basket{Member: member, Time: at, Currency: "EUR", Account: a, Coupons: coupons,
		Items: []loyalty.Item{{Line: customer.Line{ID: "1", SKU: "COAT", Category: "coats", Quantity: 2, UnitPrice: dec("80.00")}}}}
}

// Two tills price the same single-use coupon for one member, each from
// the account it loaded, and both check out: the ledger records the
// first use and refuses the second, which changes nothing (its points
// stay unspent), also through a Service that retries after a conflict.
func TestCouponSingleUseTwoTills(t *testing.T) {
	ctx := context.Background()
	p := modelProgramme(t, loyalty.DebtRecord)
	store := loyalty.NewMemStore()
	tillA := loyalty.NewService(p, store, nil)
	tillB := loyalty.NewService(p, store, nil)
	const m = "anna"
	_, _, err := tillA.Apply(ctx, loyalty.Join{Member: m, Time: couponStart}, couponStart)
	require.NoError(t, err)
	_, _, err = tillA.Apply(ctx, loyalty.Adjustment{Member: m, ID: "gift", Points: 1000, Reason: "welcome", Operator: "ops", Time: couponStart}, couponStart)
	require.NoError(t, err)

	at := couponStart.Add(time.Hour)
	checkout := func(till *loyalty.Service, order string, points loyalty.Points) []loyalty.Event {
		a, err := till.Account(ctx, m)
		require.NoError(t, err)
		b := couponBasket(m, at, &a, welcome())
		b.Points, b.Available = points, a.Available
		q, err := p.Price(b)
		require.NoError(t, err, "till pricing %s", order)
		events, err := q.Checkout(order, customer.Store)
		require.NoError(t, err)
		return events
	}
	// Both tills price before either records: both see no use.
	evA := checkout(tillA, "O-A", 0)
	evB := checkout(tillB, "O-B", 500)

	acct, _, err := tillA.ApplyAll(ctx, evA, at)
	require.NoError(t, err)
	require.Equal(t, 1, acct.CouponUses("WELCOME"))
	before, err := store.Entries(ctx, m, 0)
	require.NoError(t, err)

	_, _, err = tillB.ApplyAll(ctx, evB, at)
	require.Error(t, err, "the second use of a single-use coupon by the same member was recorded")
	require.ErrorIs(t, err, loyalty.ErrCouponRefused)
	var ce *loyalty.CouponError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "WELCOME", ce.Code)
	assert.Equal(t, loyalty.RuleUses, ce.Rule)
	assert.Equal(t, "max_uses_per_member", ce.Field)
	assert.Contains(t, err.Error(), `purchase "O-B"`)
	assert.Contains(t, err.Error(), "coupons[0]")

	after, err := store.Entries(ctx, m, 0)
	require.NoError(t, err)
	require.Equal(t, len(before), len(after), "a refused checkout appended entries")
	b, err := tillB.Account(ctx, m)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(1000), b.Available, "the refused checkout's points were spent")
	assert.Equal(t, 1, b.CouponUses("WELCOME"))

	// Priced again with the account, the coupon is refused at once.
	_, err = p.Price(couponBasket(m, at, &b, welcome()))
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "max_uses_per_member", ce.Field)
	// Without the account the caller's count decides, as before.
	_, err = p.Price(couponBasket(m, at, nil, welcome()))
	require.NoError(t, err)
}

// The same purchase delivered twice counts one use.
func TestCouponRedeliveryCountsOnce(t *testing.T) {
	p := modelProgramme(t, loyalty.DebtRecord)
	const m = "ben"
	a := apply(t, p, loyalty.Account{}, couponStart, loyalty.Join{Member: m, Time: couponStart})
	c := welcome()
	c.MaxUsesPerMember = 2
	buy := loyalty.Purchase{Order: order("O1", m, couponStart, line("COAT", "coats", "80.00", 1)), Coupons: []loyalty.CouponUse{loyalty.NewCouponUse(c)}}
	a = apply(t, p, a, couponStart, buy)
	_, entries, err := p.Apply(a, buy, couponStart.Add(time.Minute))
	var dup *loyalty.DuplicateError
	require.ErrorAs(t, err, &dup)
	assert.True(t, dup.Same)
	assert.Empty(t, entries)
	assert.Equal(t, 1, a.CouponUses("WELCOME"))
}

// A refund of every unit of the order gives the use back; a partial
// refund and an exchange do not; a redelivered refund gives nothing
// back twice. Replay gives the same uses.
func TestCouponFullRefundGivesUseBack(t *testing.T) {
	p := modelProgramme(t, loyalty.DebtRecord)
	const m = "cleo"
	var log []loyalty.Entry
	a := loyalty.Account{}
	step := func(now time.Time, e loyalty.Event) error {
		next, entries, err := p.Apply(a, e, now)
		if err == nil {
			a, log = next, append(log, entries...)
		}
		return err
	}
	require.NoError(t, step(couponStart, loyalty.Join{Member: m, Time: couponStart}))
	use := []loyalty.CouponUse{loyalty.NewCouponUse(welcome())}
	o := order("O1", m, couponStart, line("COAT", "coats", "80.00", 2), line("HAT", "hats", "20.00", 1))
	require.NoError(t, step(couponStart, loyalty.Purchase{Order: o, Coupons: use}))
	require.Equal(t, 1, a.CouponUses("WELCOME"))

	t1 := couponStart.Add(time.Hour)
	ex := ret("X0", "O1", m, t1, customer.ReturnLine{LineID: "COAT", Quantity: -2}, customer.ReturnLine{LineID: "HAT", Quantity: -1})
	ex.Kind = customer.Exchange
	require.NoError(t, step(t1, loyalty.Returned{Return: ex}))
	assert.Equal(t, 1, a.CouponUses("WELCOME"), "an exchange gave the use back")
	require.NoError(t, step(t1, loyalty.Returned{Return: ret("X1", "O1", m, t1, customer.ReturnLine{LineID: "COAT", Quantity: -2})}))
	assert.Equal(t, 1, a.CouponUses("WELCOME"), "a partial refund gave the use back")
	// Still used: a second order with it is refused.
	err := step(t1, loyalty.Purchase{Order: order("O2", m, t1, line("SCARF", "scarves", "30.00", 1)), Coupons: use})
	require.ErrorIs(t, err, loyalty.ErrCouponRefused)

	last := loyalty.Returned{Return: ret("X2", "O1", m, t1, customer.ReturnLine{LineID: "HAT", Quantity: -1})}
	require.NoError(t, step(t1, last))
	assert.Equal(t, 0, a.CouponUses("WELCOME"), "a refund of every unit kept the use")
	codes, back := a.OrderCoupons("O1")
	assert.Equal(t, []string{"WELCOME"}, codes)
	assert.True(t, back)
	require.ErrorIs(t, step(t1, last), loyalty.ErrDuplicate)
	assert.Equal(t, 0, a.CouponUses("WELCOME"))

	require.NoError(t, step(t1, loyalty.Purchase{Order: order("O2", m, t1, line("SCARF", "scarves", "30.00", 1)), Coupons: use}))
	assert.Equal(t, 1, a.CouponUses("WELCOME"))
	r, err := loyalty.Replay(log)
	require.NoError(t, err)
	assert.Equal(t, a.CouponUses("WELCOME"), r.CouponUses("WELCOME"))
}

// A personal coupon is used by its holder alone: its MaxUses is the
// holder's limit too, and the ledger enforces it.
func TestCouponPersonalSingleUse(t *testing.T) {
	p := modelProgramme(t, loyalty.DebtRecord)
	const m = "dora"
	a := apply(t, p, loyalty.Account{}, couponStart, loyalty.Join{Member: m, Time: couponStart})
	bday := loyalty.Coupon{Code: "BDAY-DORA", Kind: loyalty.CouponPercent, Percent: dec("15"), Scope: loyalty.Scope{Kind: loyalty.ScopeAll},
		MaxUses: 1, Holder: m, Stacking: loyalty.StackCombinable}
	assert.Equal(t, loyalty.CouponUse{Code: "BDAY-DORA", Limit: 1}, loyalty.NewCouponUse(bday))
	q, err := p.Price(couponBasket(m, couponStart, &a, bday))
	require.NoError(t, err)
	events, err := q.Checkout("O1", customer.Online)
	require.NoError(t, err)
	a = apply(t, p, a, couponStart, events...)
	_, err = p.Price(couponBasket(m, couponStart, &a, bday))
	var ce *loyalty.CouponError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "max_uses", ce.Field, "a personal coupon's uses by everyone are at least its holder's")
	_, _, err = p.Apply(a, loyalty.Purchase{Order: order("O2", m, couponStart, line("HAT", "hats", "20.00", 1)),
		Coupons: []loyalty.CouponUse{loyalty.NewCouponUse(bday)}}, couponStart)
	require.ErrorIs(t, err, loyalty.ErrCouponRefused)
}

func TestCouponUsesBadInputs(t *testing.T) {
	p := modelProgramme(t, loyalty.DebtRecord)
	const m = "eli"
	a := apply(t, p, loyalty.Account{}, couponStart, loyalty.Join{Member: m, Time: couponStart})
	o := order("O1", m, couponStart, line("HAT", "hats", "20.00", 1))
	for _, tc := range []struct {
		coupons []loyalty.CouponUse
		field   string
	}{
		{[]loyalty.CouponUse{{Code: ""}}, "coupons[0].code"},
		{[]loyalty.CouponUse{{Code: "A"}, {Code: "A", Limit: 2}}, "coupons[1].code"},
		{[]loyalty.CouponUse{{Code: "A", Limit: -1}}, "coupons[0].limit"},
		{[]loyalty.CouponUse{{Code: "\xff"}}, "coupons[0].code"},
	} {
		next, entries, err := p.Apply(a, loyalty.Purchase{Order: o, Coupons: tc.coupons}, couponStart)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve, "%v", tc.coupons)
		assert.Contains(t, ve.Error(), `purchase "O1"`)
		require.Len(t, ve.Fields, 1, "%v", ve)
		assert.Equal(t, tc.field, ve.Fields[0].Field)
		assert.Empty(t, entries)
		assert.Equal(t, a.Version, next.Version)
	}

	other := loyalty.Account{}
	other = apply(t, p, other, couponStart, loyalty.Join{Member: "zoe", Time: couponStart})
	for _, tc := range []struct {
		b     loyalty.Basket
		field string
	}{
		{couponBasket(m, couponStart, &other, welcome()), "account"},
		{couponBasket("", couponStart, &loyalty.Account{}, welcome()), "account"},
		{couponBasket(m, couponStart, &loyalty.Account{}, welcome()), "account"},
		{func() loyalty.Basket {
			b := couponBasket(m, couponStart, &a, welcome())
			b.Uses = map[string]loyalty.CouponUses{"WELCOME": {Total: 3, ByMember: 1}}
			return b
		}(), `uses["WELCOME"].by_member`},
	} {
		_, err := p.Price(tc.b)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Len(t, ve.Fields, 1, "%v", ve)
		assert.Equal(t, tc.field, ve.Fields[0].Field)
	}
}

// A purchase without coupons is written as before, so the fingerprints
// of ledgers stored before coupon uses were recorded still tell a
// redelivery.
func TestCouponlessPurchaseFingerprintUnchanged(t *testing.T) {
	p := modelProgramme(t, loyalty.DebtRecord)
	const m = "finn"
	a := apply(t, p, loyalty.Account{}, couponStart, loyalty.Join{Member: m, Time: couponStart})
	o := order("O1", m, couponStart, line("HAT", "hats", "20.00", 1))
	_, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, couponStart)
	require.NoError(t, err)
	data, err := json.Marshal(struct{ Order customer.Order }{o}) // the purchase as it was written
	require.NoError(t, err)
	h := fnv.New64a()
	h.Write([]byte("loyalty.Purchase"))
	h.Write(data)
	assert.Equal(t, loyalty.Fingerprint(h.Sum64()), entries[0].Fingerprint)
	assert.Nil(t, entries[0].Coupons)
}

// A quote that applied coupons keeps them through JSON, and its checkout
// names them.
func TestQuoteJSONKeepsCoupons(t *testing.T) {
	p := modelProgramme(t, loyalty.DebtRecord)
	q, err := p.Price(couponBasket("gil", couponStart, nil, welcome()))
	require.NoError(t, err)
	data, err := json.Marshal(q)
	require.NoError(t, err)
	var r loyalty.Quote
	require.NoError(t, json.Unmarshal(data, &r))
	events, err := r.Checkout("O1", customer.Store)
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, []loyalty.CouponUse{{Code: "WELCOME", Limit: 1}}, events[0].(loyalty.Purchase).Coupons)

	bad := strings.Replace(string(data), `"limit":1`, `"limit":-1`, 1)
	require.NotEqual(t, string(data), bad)
	var ve *customer.ValidationError
	require.ErrorAs(t, json.Unmarshal([]byte(bad), &r), &ve)
	assert.Equal(t, "basket.coupons[0].limit", ve.Fields[0].Field)
}

// couponModel is what the property below knows: each coupon's limit and
// uses, each order's coupons, units sold and refunded.
type couponModel struct {
	uses   map[string]int
	orders []*couponOrder
}

type couponOrder struct {
	id       string
	buy      loyalty.Purchase
	sold     map[string]int
	refunded map[string]int
	back     bool
	at       time.Time
}

var couponLimits = map[string]int{"ONCE": 1, "TWICE": 2, "ANY": 0}

// Over random sequences of purchases with coupons, redeliveries, partial
// and full refunds and exchanges, the member's uses never exceed a
// coupon's limit and are those of the model, a refused purchase changes
// nothing, and a replay of the ledger gives the same account.
func TestCouponUsesProperty(t *testing.T) {
	p := modelProgramme(t, loyalty.DebtRecord)
	codes := []string{"ANY", "ONCE", "TWICE"}
	rapid.Check(t, func(rt *rapid.T) {
		const m = "m"
		now := couponStart
		a, entries, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: m, Time: now}, now)
		if err != nil {
			rt.Fatal(err)
		}
		log := slices.Clone(entries)
		model := couponModel{uses: map[string]int{}}
		n := rapid.IntRange(1, 40).Draw(rt, "steps")
		for step := range n {
			now = now.Add(time.Duration(rapid.IntRange(1, 48).Draw(rt, "hours")) * time.Hour)
			var e loyalty.Event
			var o *couponOrder
			kind := rapid.IntRange(0, 9).Draw(rt, "kind")
			switch {
			case kind < 5 || len(model.orders) == 0: // a purchase
				o = &couponOrder{id: fmt.Sprintf("O%d", step), sold: map[string]int{}, refunded: map[string]int{}, at: now}
				var lines []customer.Line
				for i := range rapid.IntRange(1, 3).Draw(rt, "lines") {
					id := fmt.Sprintf("L%d", i)
					q := rapid.IntRange(1, 3).Draw(rt, "qty")
					o.sold[id] = q
					lines = append(lines, customer.Line{ID: id, SKU: id, Category: "coats", Quantity: q, UnitPrice: dec("25.00")})
				}
				o.buy = loyalty.Purchase{Order: customer.Order{ID: o.id, CustomerID: m, Time: now, Channel: customer.Store, Currency: "EUR", Lines: lines}}
				for _, c := range codes {
					if rapid.Bool().Draw(rt, "use "+c) {
						o.buy.Coupons = append(o.buy.Coupons, loyalty.CouponUse{Code: c, Limit: couponLimits[c]})
					}
				}
				e = o.buy
			case kind < 7: // a redelivery
				o = model.orders[rapid.IntRange(0, len(model.orders)-1).Draw(rt, "order")]
				e = o.buy
			default: // a refund or an exchange of some units left
				o = model.orders[rapid.IntRange(0, len(model.orders)-1).Draw(rt, "order")]
				var rl []customer.ReturnLine
				for _, id := range slices.Sorted(maps.Keys(o.sold)) {
					if left := o.sold[id] - o.refunded[id]; left > 0 && rapid.Bool().Draw(rt, "return "+id) {
						rl = append(rl, customer.ReturnLine{LineID: id, Quantity: -rapid.IntRange(1, left).Draw(rt, "units")})
					}
				}
				if len(rl) == 0 {
					continue
				}
				r := ret(fmt.Sprintf("R%d", step), o.id, m, now, rl...)
				if rapid.IntRange(0, 3).Draw(rt, "exchange") == 0 {
					r.Kind = customer.Exchange
				}
				e = loyalty.Returned{Return: r}
			}
			next, entries, err := p.Apply(a, e, now)
			switch ev := e.(type) {
			case loyalty.Purchase:
				known := slices.ContainsFunc(model.orders, func(x *couponOrder) bool { return x.id == ev.Order.ID })
				allowed := true
				for _, c := range ev.Coupons {
					allowed = allowed && (c.Limit == 0 || model.uses[c.Code] < c.Limit)
				}
				switch {
				case known:
					if !errors.Is(err, loyalty.ErrDuplicate) {
						rt.Fatalf("redelivery of %s: %v", ev.Order.ID, err)
					}
				case !allowed:
					if !errors.Is(err, loyalty.ErrCouponRefused) {
						rt.Fatalf("purchase %s with coupons %v over their limits (uses %v): %v", ev.Order.ID, ev.Coupons, model.uses, err)
					}
				case err != nil:
					rt.Fatalf("purchase %s: %v", ev.Order.ID, err)
				default:
					for _, c := range ev.Coupons {
						model.uses[c.Code]++
					}
					model.orders = append(model.orders, o)
				}
			case loyalty.Returned:
				if err != nil {
					rt.Fatalf("return %s: %v", ev.Return.ID, err)
				}
				if ev.Return.Kind == customer.Refund {
					full := true
					for _, l := range ev.Return.Lines {
						o.refunded[l.LineID] -= l.Quantity
					}
					for id, q := range o.sold {
						full = full && o.refunded[id] == q
					}
					if full && !o.back && len(o.buy.Coupons) > 0 {
						o.back = true
						for _, c := range o.buy.Coupons {
							model.uses[c.Code]--
						}
					}
				}
			}
			if err != nil {
				if len(entries) != 0 || next.Version != a.Version {
					rt.Fatalf("a refused %T changed the account", e)
				}
				continue
			}
			a, log = next, append(log, entries...)
			for _, c := range codes {
				got := a.CouponUses(c)
				if got != model.uses[c] {
					rt.Fatalf("uses of %s: %d, the model has %d", c, got, model.uses[c])
				}
				if l := couponLimits[c]; l > 0 && got > l {
					rt.Fatalf("uses of %s: %d, beyond the limit %d", c, got, l)
				}
			}
		}
		r, err := loyalty.Replay(log)
		if err != nil {
			rt.Fatalf("replay: %v", err)
		}
		if r.Version != a.Version || r.Balance() != a.Balance() || !slices.Equal(r.Lots(), a.Lots()) {
			rt.Fatalf("replay differs from the applied account")
		}
		for _, c := range codes {
			if r.CouponUses(c) != a.CouponUses(c) {
				rt.Fatalf("replay: uses of %s %d, applied %d", c, r.CouponUses(c), a.CouponUses(c))
			}
		}
		for _, o := range model.orders {
			rc, rb := r.OrderCoupons(o.id)
			ac, ab := a.OrderCoupons(o.id)
			if !slices.Equal(rc, ac) || rb != ab || ab != o.back {
				rt.Fatalf("order %s: replay %v %t, applied %v %t, model given back %t", o.id, rc, rb, ac, ab, o.back)
			}
		}
	})
}
