package segment

import (
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
)

// Needs says which consent an action requires: consent flags gate
// actions, not the classification that selects them — every customer is
// classified, and service actions (Needs 0) apply without consent. It is
// a bit set.
type Needs uint8

const (
	// NeedsMarketing: promotional or unsolicited contact — offers,
	// coupons, incentives, campaigns, invitations, follow-up surveys —
	// needs customer.Consent.Marketing. The business contact of an
	// account manager with a trade partner is service, and needs none.
	NeedsMarketing Needs = 1 << iota
	// NeedsProfiling: using the customer's own purchase history to
	// personalise what they are offered or told, or to study them one by
	// one (personalised recommendations and content, proposals chosen
	// from their orders, learning their needs, mining their history)
	// needs customer.Consent.Profiling. Segmentation itself (quadrant,
	// RFM, lifecycle stage, shop type) is not gated by it.
	NeedsProfiling
)

// Action is one recommended action of the strategy playbook.
type Action struct {
	// Code is a stable identifier for the host to translate or route.
	Code string
	// Description is the action in plain words, as domain rules §3 gives
	// it (for intermediaries, phrased for a trade partner).
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
//
// Consumers and intermediaries (dealers, franchisees, wholesalers) are
// valued by different models (domain rules §2) and are served
// differently: a dealer is not offered birthday treats or a try-on.
// Intermediary, when not nil, is the playbook of intermediaries, used
// for every result of kind [customer.Intermediary] instead of the
// playbook's own lists (and Skip); its own Intermediary field is not
// read. When Intermediary is nil, intermediaries get the same lists as
// consumers, so a playbook built without it keeps its behaviour, and the
// zero Playbook still recommends nothing to anyone.
type Playbook struct {
	// Quadrants, ShopTypes and Stages list the actions of each quadrant
	// (domain rules §3.1), shop type (§3.2) and lifecycle stage (§3.3),
	// Grades those of each customer grade (§3.3, 004).
	Quadrants map[Quadrant][]Action
	ShopTypes map[ShopType][]Action
	Stages    map[Stage][]Action
	Grades    map[Grade][]Action
	// Risks lists the actions of each churn-risk band ([Risk].Band,
	// domain rules §4) for a customer whose risk no complaint is behind,
	// ComplaintRisks those for a customer with a complaint among the
	// reasons of its risk ([Risk].Complaint); when ComplaintRisks is nil,
	// Risks serve both. A risk not known (the zero band) or of a band
	// without a list has no risk action.
	Risks          map[risk.Band][]Action
	ComplaintRisks map[risk.Band][]Action
	// Skip lists, per quadrant, the codes of actions its customers are
	// not offered, whichever list they come from; nil skips nothing.
	Skip map[Quadrant][]string
	// Intermediary is the playbook of intermediaries; nil: the lists
	// above serve them too.
	Intermediary *Playbook
}

// DefaultPlaybook returns the strategies of domain rules §3, and those of
// §4 for customers at risk of leaving.
//
// For consumers: per quadrant (§3.1, from 000), per shop type (§3.2,
// from 002) and per lifecycle stage (§3.3, from 001; for lost customers
// the lost-customer strategies of §3.2): new customers are welcomed;
// active (growing) ones are led to try more categories and offered
// coupons or spend-X-save-Y to raise frequency and basket size; dormant
// ones are asked why, woken up and invited to the new arrivals; lost ones
// are surveyed for the reason, offered a win-back, and their history is
// mined for improvements. High-value customers skip the coupons of the
// active stage and the limited-time offers of drifting shoppers: for VIPs
// §3.3 asks care rather than promotions, at a moderate contact frequency.
//
// Per grade (§3.3, 004, which asks a management strategy per grade
// without spelling it out): strategic (A) customers get the one-to-one
// care of a key account — for consumers the VIP service of the
// high-value quadrant, a dedicated advisor one to one
// (001: 专属客服一对一咨询; 000), for intermediaries the key-account
// service; important (B) customers get regular care and development —
// regular follow-up visits to learn their satisfaction and changing
// needs and to find cross-selling opportunities (004: 定期客户回访,
// 了解客户的满意度和需求变化, 挖掘交叉销售的机会; 000: 定期回访客户), by
// the account manager for an intermediary (the action recommends them;
// [NextFollowUp] gives the day each customer, of any grade, is due); ordinary (C) customers get standard, low-cost, automated
// service — self-service and automated messages rather than staff time
// (000 and 004: the CRM system automates customer and marketing
// management, with less manpower and a standardised process; §3.1's
// low-cost effort for low-value customers), standard terms for an
// intermediary. High-value customers skip the standard service: their
// quadrant asks VIP service.
//
// For intermediaries (Intermediary): the same strategies per quadrant and
// stage, phrased for a trade partner and the indicators of its potential
// value (§2: operating strength, creditworthiness, cooperation loyalty,
// regional market size) — key-account service and joint planning of
// assortment and orders for high-value partners; development of the
// partner and its territory, sell-through support and order incentives
// for potential-value ones; service quality, a review of credit terms and
// retention terms for secondary-value ones; low-cost standard terms and,
// after a period of observation, a review of an unprofitable dealership
// for low-value ones; onboarding, range extension, finding why orders
// stopped and win-back terms by stage. The shop types describe a
// clothing shop's shoppers (§3.2), so intermediaries get no shop-type
// action: their Result.ShopType is still computed, and a host may list
// actions in Intermediary.ShopTypes. The grades' actions of
// intermediaries are those named above.
//
// Per churn-risk band (§4, from 000: when a customer's behaviour matches
// leaving, 及时与这些客户进行沟通, 了解他们的不满和问题, 并采取相应的解决措施,
// 如提供优惠、改进服务等, 以留住客户 — promptly contact them, learn their
// dissatisfaction and problems, and act, with offers or better service,
// to keep them), as the bands of churn/risk ask: at high risk, contact
// them and ask what is wrong; at critical risk, act now as well. A
// consumer at high risk is contacted promptly to learn what is wrong,
// the reasons of the risk ([risk.Result].Reasons, which the host shows
// beside the action) saying what to ask about, and what they say is acted
// on; at critical risk a retention offer is made now too (the
// "retention-offers" of the secondary-value quadrant, listed once). When
// a complaint is behind the risk ([Risk].Complaint) the remedy is better
// service instead: a prompt contact about the complaint, to learn what is
// still wrong, put it right and improve their service, at both bands.
// For intermediaries the account manager visits the partner promptly to
// learn what is wrong and acts on it, at critical risk with retention
// terms (the secondary-value quadrant's "retention-terms"); with a
// complaint behind the risk the visit is about the claim. A risk not
// known, low or only worth watching adds nothing, and the lists above
// stay as they are. The risk's actions come first: they are the most
// urgent.
//
// The consent of the risk's actions follows the line the other actions
// draw: asking a consumer, unprompted, what is wrong is unsolicited
// contact, as asking a dormant one why ("find-reason") or surveying a
// lost one ("reason-survey"), and needs marketing consent, as does the
// offer; a contact about the customer's own complaint is service — the
// complaint workflow notifies the customer and collects their feedback
// (§5), and fast handling of complaints is service ("keep-current-value")
// — and needs none, so that a customer who complained and is leaving is
// contacted whatever their consent; the account manager's visit to a
// trade partner is business contact and needs none, its retention terms
// are an offer and need marketing consent. None needs profiling consent:
// the churn risk is a classification of the customer, as the lifecycle
// stage is, and the contact asks rather than personalises. High-value
// customers keep the retention offer at critical risk: it is the remedy
// of §4, not the promotion their quadrant skips.
func DefaultPlaybook() Playbook {
	const m, p = NeedsMarketing, NeedsProfiling
	var (
		recommendCategories = Action{"recommend-categories", "Personalised recommendations to try more categories", p}
		basketCoupons       = Action{"basket-coupons", "Coupons and spend-X-save-Y offers to raise frequency and basket size", m}
		limitedOffers       = Action{"limited-time-offers", "Limited-time offers", m}
		reasonSurvey        = Action{"reason-survey", "Follow-up survey of why they left", m}
		winBackOffer        = Action{"win-back-offer", "Win-back offer", m}
		mineHistory         = Action{"mine-history", "Mine their purchase history for product and service improvements", p}
		orderIncentives     = Action{"order-incentives", "Order incentives — quantity and seasonal pre-order discounts — to raise order frequency and size", m}
		vipService          = Action{"vip-service", "One-to-one VIP service to keep a long-term relationship", 0}
		standardService     = Action{"standard-service", "Standard, low-cost service: self-service and automated messages rather than staff time", 0}
		keyAccountService   = Action{"key-account-service", "Key-account service: a dedicated account manager and regular business reviews to keep a long-term partnership", 0}
		standardTerms       = Action{"standard-terms", "Serve them at low cost: standard terms, self-service ordering, shared marketing material", 0}
		retentionOffers     = Action{"retention-offers", "Retention offers before their buying drops", m}
		retentionTerms      = Action{"retention-terms", "Retention terms, such as a cooperation rebate, before their orders drop", m}
		retentionContact    = Action{"retention-contact", "Contact them promptly to learn what is wrong — the reasons of their churn risk say what to ask about — and act on what they say: an offer, or better service", m}
		serviceRecovery     = Action{"service-recovery", "Contact them promptly about their complaint: learn what is still wrong, put it right and improve their service — one person in charge, a fast resolution", 0}
		retentionVisit      = Action{"retention-visit", "The account manager visits them promptly to learn what is wrong — the reasons of their churn risk say what to ask about: sell-through, stock, terms, service or a competitor — and acts on it", 0}
		claimRecovery       = Action{"claim-recovery", "The account manager visits them promptly about their complaint: learn what is still wrong, put it right and improve their service — delivery, claims and returns handling", 0}
	)
	return Playbook{
		Quadrants: map[Quadrant][]Action{
			HighValue: {
				vipService,
				{"learn-needs", "Learn their needs in depth from purchases and preferences", p},
				{"early-access", "Early access to new collections, priority on limited editions, birthday treats, member salons; care rather than promotions, at a moderate contact frequency", m},
			},
			PotentialValue: {
				{"guide-buying", "Invest service time and resources to guide their buying and turn high potential into high current value", 0},
				recommendCategories,
				basketCoupons,
			},
			SecondaryValue: {
				{"keep-current-value", "Invest to keep their current value high: service quality, fast handling of complaints", 0},
				retentionOffers,
			},
			LowValue: {
				{"light-guidance", "Spend some low-cost effort to guide them, above all while the business is young and building its customer base", 0},
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
				limitedOffers,
				{"social-interaction", "Interaction on social media", m},
				{"membership-invitation", "Invitation to join the membership", m},
			},
			ShopLost: {reasonSurvey, winBackOffer, mineHistory},
		},
		Stages: map[Stage][]Action{
			StageNew: {
				{"welcome", "Welcome and introduce the membership benefits", m},
			},
			StageActive: {recommendCategories, basketCoupons},
			StageDormant: {
				{"find-reason", "Ask them the reason for their silence: product or service?", m},
				{"wake-up-offer", "Exclusive wake-up offer and invitation to the new arrivals", m},
				{"personal-content", "Personalised content chosen from their history", m | p},
			},
			StageLost: {reasonSurvey, winBackOffer, mineHistory},
		},
		Grades: map[Grade][]Action{
			GradeA: {vipService},
			GradeB: {{"regular-follow-up", "Regular follow-up visits to learn their satisfaction and changing needs, and to find cross-selling opportunities", m}},
			GradeC: {standardService},
		},
		Risks: map[risk.Band][]Action{
			risk.BandHigh:     {retentionContact},
			risk.BandCritical: {retentionContact, retentionOffers},
		},
		ComplaintRisks: map[risk.Band][]Action{
			risk.BandHigh:     {serviceRecovery},
			risk.BandCritical: {serviceRecovery},
		},
		Skip: map[Quadrant][]string{
			HighValue: {basketCoupons.Code, limitedOffers.Code, standardService.Code},
		},
		Intermediary: &Playbook{
			Quadrants: map[Quadrant][]Action{
				HighValue: {
					keyAccountService,
					{"joint-planning", "Plan assortment and orders jointly, from their order and sell-through history and their region's demand", p},
					{"early-allocation", "Early previews of new collections and priority allocation of limited lines", m},
				},
				PotentialValue: {
					{"partner-development", "Invest account-manager time and resources — merchandising, staff training, territory development — to turn their operating strength and regional market into orders", 0},
					{"sell-through-support", "Sell-through support: assortment and replenishment proposals from their order history", p},
					orderIncentives,
				},
				SecondaryValue: {
					{"partner-service-quality", "Keep their current business: reliable delivery, fast handling of claims and returns", 0},
					{"credit-terms-review", "Review credit terms and limits against their creditworthiness and payment record", 0},
					retentionTerms,
				},
				LowValue: {
					standardTerms,
					{"review-dealership", "If there is little effect after a period of observation, review the partnership — terms, territory, or ending it: not every dealership is profitable", 0},
				},
			},
			Grades: map[Grade][]Action{
				GradeA: {keyAccountService},
				GradeB: {{"regular-partner-reviews", "Regular visits by the account manager to review their satisfaction, changing needs and the development of their business", 0}},
				GradeC: {standardTerms},
			},
			Risks: map[risk.Band][]Action{
				risk.BandHigh:     {retentionVisit},
				risk.BandCritical: {retentionVisit, retentionTerms},
			},
			ComplaintRisks: map[risk.Band][]Action{
				risk.BandHigh:     {claimRecovery},
				risk.BandCritical: {claimRecovery},
			},
			Skip: map[Quadrant][]string{
				HighValue: {standardTerms.Code},
			},
			Stages: map[Stage][]Action{
				StageNew: {
					{"partner-onboarding", "Onboard the new partner: account manager, ordering and credit terms, merchandising standards, staff training", 0},
				},
				StageActive: {
					{"range-extension", "Proposals to carry more of the brand's categories, chosen from their order and sell-through history", p},
					orderIncentives,
				},
				StageDormant: {
					{"order-gap-review", "Find out why orders stopped: sell-through, stock, terms, service or a competitor?", 0},
					{"reorder-invitation", "Invitation to order the new collection, with re-order terms", m},
				},
				StageLost: {
					{"exit-review", "Talk with them about why the partnership lapsed", 0},
					{"win-back-terms", "Terms to resume the partnership", m},
					{"mine-order-history", "Mine their order and return history for product, terms and service improvements", p},
				},
			},
		},
	}
}

// Actions returns the actions for r — those of its churn-risk band
// (ComplaintRisks when a complaint is behind the risk, else Risks), then
// of its quadrant, then of its grade, then of its shop type, then of its
// lifecycle stage, each code once, without the codes its quadrant skips
// — that r's consent allows. A result without a grade (zero Grade) gets
// no grade action, one whose risk is not known (zero Risk) no risk
// action. The lists are those of p.Intermediary when r is of kind
// [customer.Intermediary] and p.Intermediary is not nil, else those of
// p. A customer without a known record has no consent, so only service
// actions remain.
func (p Playbook) Actions(r *Result) []Action {
	b := &p
	if r.Kind == customer.Intermediary && p.Intermediary != nil {
		b = p.Intermediary
	}
	var out []Action
	seen := map[string]bool{}
	for _, c := range b.Skip[r.Quadrant] {
		seen[c] = true
	}
	risks := b.Risks
	if r.Risk.Complaint && b.ComplaintRisks != nil {
		risks = b.ComplaintRisks
	}
	for _, list := range [][]Action{risks[r.Risk.Band], b.Quadrants[r.Quadrant], b.Grades[r.Grade], b.ShopTypes[r.ShopType], b.Stages[r.Stage]} {
		for _, a := range list {
			if !seen[a.Code] && a.Allowed(r.Consent) {
				seen[a.Code] = true
				out = append(out, a)
			}
		}
	}
	return out
}
