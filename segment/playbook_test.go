package segment_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

func codes(as []segment.Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}

func TestPlaybookFiltersByConsent(t *testing.T) {
	p := segment.DefaultPlaybook()
	r := segment.Result{Quadrant: segment.HighValue, ShopType: segment.ShopLoyal, Stage: segment.StageActive}
	assert.Equal(t, []string{"vip-service"}, codes(p.Actions(&r)), "no consent: service only")
	r.Consent = customer.Consent{Profiling: true}
	assert.Equal(t, []string{"vip-service", "learn-needs", "personal-recommendations", "recommend-categories"}, codes(p.Actions(&r)))
	r.Consent = customer.Consent{Marketing: true, Profiling: true}
	assert.Equal(t, []string{"vip-service", "learn-needs", "early-access", "personal-recommendations", "priority-benefits", "member-events",
		"recommend-categories"}, codes(p.Actions(&r)), "no coupons for a VIP: care rather than promotions")
	for _, a := range p.Actions(&segment.Result{Quadrant: segment.PotentialValue, ShopType: segment.ShopDrifting,
		Stage: segment.StageDormant, Consent: customer.Consent{Profiling: true}}) {
		assert.Zero(t, a.Needs&segment.NeedsMarketing, "%s is marketing without consent", a.Code)
	}
}

func TestDefaultPlaybookCoversEverySegment(t *testing.T) {
	p := segment.DefaultPlaybook()
	all := customer.Consent{Marketing: true, Profiling: true}
	for q := segment.HighValue; q <= segment.LowValue; q++ {
		assert.NotEmpty(t, p.Quadrants[q], q)
		assert.NotEmpty(t, p.Actions(&segment.Result{Quadrant: q, ShopType: segment.ShopDrifting, Stage: segment.StageActive}), "a service action for %v", q)
	}
	for s := segment.ShopLoyal; s <= segment.ShopLost; s++ {
		assert.NotEmpty(t, p.ShopTypes[s], s)
	}
	seen := map[string]bool{}
	for _, r := range []segment.Result{{Quadrant: segment.HighValue, ShopType: segment.ShopLoyal, Stage: segment.StageNew, Consent: all},
		{Quadrant: segment.LowValue, ShopType: segment.ShopLost, Stage: segment.StageDormant, Consent: all}} {
		for _, a := range p.Actions(&r) {
			assert.NotEmpty(t, a.Description)
			seen[a.Code] = true
		}
	}
}

func res(id string, q segment.Quadrant, st segment.Stage, days int, net string, total float64) segment.Result {
	return segment.Result{ID: customer.ID(id), Kind: customer.Consumer, Quadrant: q, Stage: st, ShopType: segment.ShopDrifting,
		PurchaseDays: days, Net: decimal.RequireFromString(net), Currency: "EUR", Value: value.Score{Total: total}}
}

func TestMigrate(t *testing.T) {
	before := []segment.Result{
		res("a", segment.PotentialValue, segment.StageActive, 2, "100", 0.5),
		res("b", segment.PotentialValue, segment.StageActive, 1, "50", 0.25),
		res("c", segment.HighValue, segment.StageActive, 5, "900", 0.75),
		res("d", segment.LowValue, segment.StageLost, 1, "10", 0.125),
		res("e", segment.LowValue, segment.StageDormant, 1, "20", 0.125),
	}
	after := []segment.Result{
		res("a", segment.HighValue, segment.StageActive, 4, "300", 0.75),
		res("b", segment.PotentialValue, segment.StageDormant, 1, "50", 0.25),
		res("c", segment.HighValue, segment.StageActive, 6, "1000", 0.75),
		res("d", segment.LowValue, segment.StageLost, 1, "10", 0.125),
		res("f", segment.LowValue, segment.StageNew, 1, "40", 0.125),
	}
	m, err := segment.Migrate(before, after)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{Num: 3, Den: 4, Value: 0.75}, m.Retention, "a, b, c stay; e disappeared")
	assert.Equal(t, segment.Rate{Num: 2, Den: 4, Value: 0.5}, m.Repurchase, "a and c bought again")
	assert.Equal(t, segment.Rate{Num: 1, Den: 3, Value: 1.0 / 3}, m.NewCustomers, "of a, c and f, who bought in the second period, f is new")
	assert.Equal(t, segment.Rate{Num: 1, Den: 2, Value: 0.5}, m.Conversion, "a: potential → high")
	assert.Equal(t, 1, m.Quadrants[segment.PotentialValue][segment.HighValue])
	assert.Equal(t, 1, m.Quadrants[segment.LowValue][0], "e left")
	assert.Equal(t, 1, m.Quadrants[0][segment.LowValue], "f is new")
	assert.Equal(t, 1, m.Stages[segment.StageActive][segment.StageDormant])
	total := 0
	for _, row := range m.Quadrants {
		for _, n := range row {
			total += n
		}
	}
	assert.Equal(t, 6, total, "every customer of either period once")
	hv := m.Contribution[segment.HighValue]
	assert.Equal(t, 2, hv.Customers)
	assert.True(t, hv.Revenue.Equal(decimal.NewFromInt(1300)))
	assert.InDelta(t, 1300.0/1400, hv.RevenueShare, 1e-12)
	assert.InDelta(t, 10.0/13, hv.PurchaseShare, 1e-12)
	assert.InDelta(t, 1.5/2, hv.ValueShare, 1e-12)
	assert.Equal(t, customer.Currency("EUR"), m.Currency)

	rev, err := segment.Migrate(after, before)
	require.NoError(t, err)
	assert.Equal(t, 1, rev.Quadrants[segment.HighValue][segment.PotentialValue])

	_, err = segment.Migrate(append(before, before[0]), after)
	require.ErrorIs(t, err, segment.ErrDuplicate)
	_, err = segment.Migrate(before, []segment.Result{{ID: "z"}})
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	empty, err := segment.Migrate(nil, nil)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{}, empty.Retention, "no customer: 0, not NaN")
}

// every returns a result of each quadrant, shop type and lifecycle stage
// for kind k and consent c.
func every(k customer.Kind, c customer.Consent) []segment.Result {
	var out []segment.Result
	for q := segment.HighValue; q <= segment.LowValue; q++ {
		for s := segment.ShopLoyal; s <= segment.ShopLost; s++ {
			for st := segment.StageNew; st <= segment.StageLost; st++ {
				out = append(out, segment.Result{Kind: k, Quadrant: q, ShopType: s, Stage: st, Consent: c})
			}
		}
	}
	return out
}

// Intermediaries are dealers, franchisees and wholesalers (domain rules
// §1, §2): the default playbook offers them actions of their own, never
// a shopper's (birthday treats, member events, try-on, membership,
// social media), and no shop-type action.
func TestDefaultPlaybookServesIntermediariesAsPartners(t *testing.T) {
	p := segment.DefaultPlaybook()
	require.NotNil(t, p.Intermediary)
	all := customer.Consent{Marketing: true, Profiling: true}
	shopper := map[string]bool{}
	for _, l := range p.Quadrants {
		for _, a := range l {
			shopper[a.Code] = true
		}
	}
	for _, l := range p.ShopTypes {
		for _, a := range l {
			shopper[a.Code] = true
		}
	}
	for _, l := range p.Stages {
		for _, a := range l {
			shopper[a.Code] = true
		}
	}
	partner := map[string]bool{}
	for _, r := range every(customer.Intermediary, all) {
		got := p.Actions(&r)
		require.NotEmpty(t, got, "%v %v %v", r.Quadrant, r.ShopType, r.Stage)
		for _, a := range got {
			assert.False(t, shopper[a.Code], "%s offered to an intermediary (%v, %v, %v)", a.Code, r.Quadrant, r.ShopType, r.Stage)
			assert.NotEmpty(t, a.Description, a.Code)
			partner[a.Code] = true
		}
		withoutShopType := r
		withoutShopType.ShopType = 0
		assert.Equal(t, got, p.Actions(&withoutShopType), "no shop-type action for intermediaries")
	}
	for _, c := range []string{"key-account-service", "joint-planning", "credit-terms-review", "sell-through-support", "review-dealership",
		"partner-onboarding", "order-gap-review", "win-back-terms"} {
		assert.True(t, partner[c], "%s", c)
	}
	for q := segment.HighValue; q <= segment.LowValue; q++ {
		r := segment.Result{Kind: customer.Intermediary, Quadrant: q, ShopType: segment.ShopDrifting, Stage: segment.StageActive}
		assert.NotEmpty(t, p.Actions(&r), "a service action for %v intermediaries without consent", q)
	}
	// Consumers keep the shopper's playbook.
	vip := segment.Result{Kind: customer.Consumer, Quadrant: segment.HighValue, ShopType: segment.ShopLoyal, Stage: segment.StageActive, Consent: all}
	assert.Contains(t, codes(p.Actions(&vip)), "early-access")
}

// A playbook built without Intermediary serves intermediaries with its
// own lists, as before the field existed; the zero Playbook has nothing.
func TestPlaybookWithoutIntermediaryServesBothKinds(t *testing.T) {
	a := segment.Action{Code: "call", Description: "Call them"}
	b := segment.Playbook{Quadrants: map[segment.Quadrant][]segment.Action{segment.LowValue: {a}}}
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		r := segment.Result{Kind: k, Quadrant: segment.LowValue, ShopType: segment.ShopDrifting, Stage: segment.StageActive}
		assert.Equal(t, []segment.Action{a}, b.Actions(&r), "%v", k)
		assert.Empty(t, segment.Playbook{}.Actions(&r), "%v", k)
	}
	// With an Intermediary playbook, its lists only: even a nil map
	// means no action, not the consumers'.
	b.Intermediary = &segment.Playbook{}
	assert.Empty(t, b.Actions(&segment.Result{Kind: customer.Intermediary, Quadrant: segment.LowValue}))
	assert.NotEmpty(t, b.Actions(&segment.Result{Kind: customer.Consumer, Quadrant: segment.LowValue}))
}

// Every lifecycle stage has actions of its own, for both kinds (domain
// rules §3.2, §3.3): active (growing) customers are led to more
// categories and larger baskets, lost ones surveyed and won back.
func TestDefaultPlaybookHasActionsForEveryStage(t *testing.T) {
	p := segment.DefaultPlaybook()
	for st := segment.StageNew; st <= segment.StageLost; st++ {
		assert.NotEmpty(t, p.Stages[st], "consumers %v", st)
		assert.NotEmpty(t, p.Intermediary.Stages[st], "intermediaries %v", st)
	}
	all := customer.Consent{Marketing: true, Profiling: true}
	growing := segment.Result{Quadrant: segment.LowValue, ShopType: segment.ShopDrifting, Stage: segment.StageActive, Consent: all}
	assert.Subset(t, codes(p.Actions(&growing)), []string{"recommend-categories", "basket-coupons"})
	// Lost by lifecycle but showing interest again (shop type
	// potential): the lost-customer strategies still apply.
	// A VIP who buys now and then gets care, not promotions (§3.3).
	vip := segment.Result{Quadrant: segment.HighValue, ShopType: segment.ShopDrifting, Stage: segment.StageActive, Consent: all}
	assert.NotContains(t, codes(p.Actions(&vip)), "basket-coupons")
	assert.NotContains(t, codes(p.Actions(&vip)), "limited-time-offers")
	assert.Contains(t, codes(p.Actions(&vip)), "early-access")
	lost := segment.Result{Quadrant: segment.SecondaryValue, ShopType: segment.ShopPotential, Stage: segment.StageLost, Consent: all}
	assert.Subset(t, codes(p.Actions(&lost)), []string{"reason-survey", "win-back-offer", "mine-history"})
	// Consent still gates them: a lost customer without consent gets
	// only the service actions of the quadrant.
	lost.Consent = customer.Consent{}
	for _, a := range p.Actions(&lost) {
		assert.Zero(t, a.Needs, a.Code)
	}
}

// Whatever the segment, kind and consent, the actions are allowed by the
// consent, listed once each, and none a quadrant skips.
func TestPropertyActionsRespectConsentAndSkip(t *testing.T) {
	p := segment.DefaultPlaybook()
	rapid.Check(t, func(t *rapid.T) {
		r := segment.Result{
			Kind:     rapid.SampledFrom([]customer.Kind{0, customer.Consumer, customer.Intermediary}).Draw(t, "kind"),
			Quadrant: segment.Quadrant(rapid.IntRange(0, 5).Draw(t, "quadrant")),
			ShopType: segment.ShopType(rapid.IntRange(0, 5).Draw(t, "shopType")),
			Stage:    segment.Stage(rapid.IntRange(0, 5).Draw(t, "stage")),
			Consent:  customer.Consent{Marketing: rapid.Bool().Draw(t, "marketing"), Profiling: rapid.Bool().Draw(t, "profiling")},
		}
		book := &p
		if r.Kind == customer.Intermediary {
			book = p.Intermediary
		}
		seen := map[string]bool{}
		for _, a := range p.Actions(&r) {
			require.True(t, a.Allowed(r.Consent), a.Code)
			require.False(t, seen[a.Code], "%s twice", a.Code)
			seen[a.Code] = true
			require.NotContains(t, book.Skip[r.Quadrant], a.Code)
		}
	})
}

// Finding why a dormant shopper went quiet means asking them (the
// default playbook's dormant customers "are asked why"), an unsolicited
// contact like the follow-up survey of a lost one: without marketing
// consent neither is recommended, and with it both are. A dealer's
// order-gap review is the account manager's business contact, and
// needs none.
func TestAskingWhyNeedsMarketingConsent(t *testing.T) {
	p := segment.DefaultPlaybook()
	for _, c := range []customer.Consent{{}, {Profiling: true}} {
		for _, st := range []segment.Stage{segment.StageDormant, segment.StageLost} {
			r := segment.Result{Kind: customer.Consumer, Quadrant: segment.LowValue, ShopType: segment.ShopDrifting, Stage: st, Consent: c}
			got := codes(p.Actions(&r))
			assert.NotContains(t, got, "find-reason", "%v, consent %+v", st, c)
			assert.NotContains(t, got, "reason-survey", "%v, consent %+v", st, c)
		}
	}
	all := customer.Consent{Marketing: true, Profiling: true}
	dormant := segment.Result{Kind: customer.Consumer, Quadrant: segment.LowValue, ShopType: segment.ShopDrifting, Stage: segment.StageDormant, Consent: all}
	assert.Contains(t, codes(p.Actions(&dormant)), "find-reason")
	dealer := segment.Result{Kind: customer.Intermediary, Quadrant: segment.LowValue, ShopType: segment.ShopDrifting, Stage: segment.StageDormant}
	assert.Contains(t, codes(p.Actions(&dealer)), "order-gap-review")
}

// Deciding about a relationship is the business's own review, not contact
// with the customer: a low-value customer without any consent still has
// the review of the relationship (domain rules §3.1: if little effect
// after a period of observation, consider ending it), and a
// secondary-value customer the service that keeps its current value
// high (§3.1). Neither needs marketing or profiling consent.
func TestQuadrantServiceActionsNeedNoConsent(t *testing.T) {
	p := segment.DefaultPlaybook()
	low := segment.Result{Kind: customer.Consumer, Quadrant: segment.LowValue, ShopType: segment.ShopDrifting, Stage: segment.StageActive}
	assert.Contains(t, codes(p.Actions(&low)), "review-relationship")
	second := segment.Result{Kind: customer.Consumer, Quadrant: segment.SecondaryValue, ShopType: segment.ShopDrifting, Stage: segment.StageActive}
	assert.Contains(t, codes(p.Actions(&second)), "keep-current-value")
}
