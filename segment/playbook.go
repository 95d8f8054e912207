package segment

import "github.com/tailorcrm/tailor/customer"

// Needs says which consent an action requires: consent flags gate
// marketing actions. It is a bit set.
type Needs uint8

const (
	// NeedsMarketing: promotional contact (offers, coupons, campaigns,
	// invitations) needs customer.Consent.Marketing.
	NeedsMarketing Needs = 1 << iota
	// NeedsProfiling: using the purchase history for personalised
	// recommendations needs customer.Consent.Profiling.
	NeedsProfiling
)

// Action is one recommended action of the strategy playbook.
type Action struct {
	// Code is a stable identifier for the host to translate or route.
	Code string
	// Description is the action in plain words, as domain rules §3 gives it.
	Description string
	// Needs is the consent the action requires; 0 for service actions
	// that need none.
	Needs Needs
}

// Allowed reports whether consent c permits the action.
func (a Action) Allowed(c customer.Consent) bool {
	return (a.Needs&NeedsMarketing == 0 || c.Marketing) && (a.Needs&NeedsProfiling == 0 || c.Profiling)
}

// Playbook maps segments to recommended actions. It is data: change it,
// or build your own.
type Playbook struct {
	Quadrants map[Quadrant][]Action
	ShopTypes map[ShopType][]Action
	Stages    map[Stage][]Action
}

// DefaultPlaybook returns the strategies of domain rules §3: per quadrant
// (§3.1, from 000), per shop type (§3.2, from 002) and for new and
// dormant customers (§3.3, from 001).
func DefaultPlaybook() Playbook {
	const m, p = NeedsMarketing, NeedsProfiling
	return Playbook{
		Quadrants: map[Quadrant][]Action{
			HighValue: {
				{"vip-service", "One-to-one VIP service to keep a long-term relationship", 0},
				{"learn-needs", "Learn their needs in depth from purchases and preferences", p},
				{"early-access", "Early access to new collections, priority on limited editions, birthday treats, member salons; care rather than promotions, at a moderate contact frequency", m},
			},
			PotentialValue: {
				{"guide-buying", "Invest service time and resources to guide their buying and turn high potential into high current value", 0},
				{"recommend-categories", "Personalised recommendations to try more categories", p},
				{"basket-coupons", "Coupons and spend-X-save-Y offers to raise frequency and basket size", m},
			},
			SecondaryValue: {
				{"keep-current-value", "Invest to keep their current value high: service quality, fast handling of complaints", 0},
				{"retention-offers", "Retention offers before their buying drops", m},
			},
			LowValue: {
				{"light-guidance", "Spend some low-cost effort to guide them early on", 0},
				{"review-relationship", "If there is little effect after a period of observation, consider ending the investment: not every customer is profitable", 0},
			},
		},
		ShopTypes: map[ShopType][]Action{
			ShopLoyal: {
				{"personal-recommendations", "Personalised recommendations", p},
				{"priority-benefits", "Priority benefits: points exchange, exclusive discounts, gifts", m},
				{"member-events", "Invitations to member events", m},
			},
			ShopPotential: {
				{"answer-questions", "Answer their questions about products and sizes", 0},
				{"precise-marketing", "Precise marketing from their browsing and purchase data", m | p},
				{"free-trial", "Free trial or try-on offer", m},
			},
			ShopDrifting: {
				{"limited-time-offers", "Limited-time offers", m},
				{"social-interaction", "Interaction on social media", m},
				{"membership-invitation", "Invitation to join the membership", m},
			},
			ShopLost: {
				{"reason-survey", "Follow-up survey of why they left", m},
				{"win-back-offer", "Win-back offer", m},
				{"mine-history", "Mine their purchase history for product and service improvements", p},
			},
		},
		Stages: map[Stage][]Action{
			StageNew: {
				{"welcome", "Welcome and introduce the membership benefits", m},
			},
			StageDormant: {
				{"find-reason", "Find the reason for the silence: product or service?", 0},
				{"wake-up-offer", "Exclusive wake-up offer and invitation to the new arrivals", m},
				{"personal-content", "Personalised content chosen from their history", m | p},
			},
		},
	}
}

// Actions returns the actions for r — those of its quadrant, then of its
// shop type, then of its lifecycle stage, each code once — that r's
// consent allows. A customer without a known record has no consent, so
// only service actions remain.
func (p Playbook) Actions(r *Result) []Action {
	var out []Action
	seen := map[string]bool{}
	for _, list := range [][]Action{p.Quadrants[r.Quadrant], p.ShopTypes[r.ShopType], p.Stages[r.Stage]} {
		for _, a := range list {
			if !seen[a.Code] && a.Allowed(r.Consent) {
				seen[a.Code] = true
				out = append(out, a)
			}
		}
	}
	return out
}
