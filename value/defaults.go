package value

import "github.com/tailorcrm/tailor/customer"

// DefaultWinsor is the tail share clipped by the default money, count and
// day measures (tenure, recency, cooperation; see [DefaultModel]): the
// 1 % most extreme customers at each end no longer stretch
// the scale for everybody else. The quantiles only bite in populations
// of 101 or more; the outer fences and the gap cap that come with them
// (see [Measure]) clip a far-out value at any population size.
const DefaultWinsor = 0.01

func money(i Indicator) *Measure {
	return &Measure{Indicator: i, Transform: Log, Method: MinMax, Winsor: DefaultWinsor}
}

func count(i Indicator) *Measure {
	return &Measure{Indicator: i, Transform: Log, Method: MinMax, Winsor: DefaultWinsor}
}

func share(i Indicator) *Measure {
	return &Measure{Indicator: i, Transform: Linear, Method: MinMax}
}

// unit measures an indicator already on an absolute [0, 1] scale as it
// is ([Absolute]).
func unit(i Indicator) *Measure {
	return &Measure{Indicator: i, Transform: Linear, Method: Absolute}
}

func leaf(name string, w float64, m *Measure) Node { return Node{Name: name, Weight: w, Measure: m} }

// ConsumerPotentialComparisons is the AHP matrix of the default consumer
// potential value over its groups (consumption, loyalty, growth): loyalty
// and continuity of purchasing predict future purchases best (domain rules §2:
// "continuity of purchasing / loyalty and trust"), so it is judged
// moderately more important than consumption characteristics (2) and
// growth (3); consumption characteristics are weakly more important than
// growth (2). Its weights are ≈ (0.297, 0.540, 0.163), CR ≈ 0.008.
func ConsumerPotentialComparisons() [][]float64 {
	return [][]float64{
		{1, 1.0 / 2, 2},
		{2, 1, 3},
		{1.0 / 2, 1.0 / 3, 1},
	}
}

// IntermediaryPotentialComparisons is the AHP matrix of the default
// intermediary potential value over its groups (operating strength,
// creditworthiness, cooperation loyalty, regional market size; domain rules §2):
// operating strength and cooperation loyalty are equally important and
// weakly more important than creditworthiness (2) and moderately more
// than market size (3); creditworthiness is weakly more important than
// market size (2). Its weights are ≈ (0.351, 0.189, 0.351, 0.109),
// CR ≈ 0.004.
func IntermediaryPotentialComparisons() [][]float64 {
	return [][]float64{
		{1, 2, 1, 3},
		{1.0 / 2, 1, 1.0 / 2, 2},
		{1, 2, 1, 3},
		{1.0 / 3, 1.0 / 2, 1.0 / 3, 1},
	}
}

// DefaultModel returns the default hierarchy of domain rules §2 for kind k (a
// fresh value the caller may change: re-weight, replace a measure, add or
// remove nodes). The two kinds share the current value and differ in
// potential value:
//
//	value (1)
//	├─ current 0.5                        consumer  intermediary
//	│  ├─ profit                             0.6       0.4      Profit (log, min-max, winsor 1 %)
//	│  └─ purchase-volume                    0.4       0.6
//	│     ├─ revenue 0.6                                          Revenue (log, min-max, winsor 1 %)
//	│     └─ units 0.4                                            Units (log, min-max, winsor 1 %)
//	└─ potential 0.5
//	   consumer (group weights by AHP, [ConsumerPotentialComparisons]):
//	   ├─ consumption        average-order-value 0.3 (log; unknown → 0), full-price-share 0.2,
//	   │                     category-breadth 0.2 (log), interactions 0.15 (log),
//	   │                     return-rate 0.15 (lower is better; unknown → 0.5)
//	   ├─ loyalty            purchase-days 0.4 (log), tenure 0.25, recency 0.35 (lower is
//	   │                     better; unknown → 0)
//	   └─ growth             growth 0.6 (unknown → 0.5), recent-spend 0.4 (log)
//	   intermediary (group weights by AHP, [IntermediaryPotentialComparisons]):
//	   ├─ operating-strength turnover 0.7 (log), outlets 0.3 (log); both fall back to revenue
//	   ├─ creditworthiness   credit 1 (absolute; unknown → 0.5, BB)
//	   ├─ cooperation        cooperation 0.5 (falls back to tenure), purchase-days 0.3 (log),
//	   │                     recency 0.2 (lower is better; unknown → 0)
//	   └─ market-size        market-size 1 (log; unknown → 0.5)
//
// Profit weighs more for end customers, purchase volume for
// intermediaries, whose bulk orders spread the product cost (domain rules §2).
// Without a customer record (sales exports) an intermediary's operating
// strength is measured by its purchases from the brand, its cooperation
// by its tenure as a buyer, and its credit and market size are neutral
// (0.5 for everybody), so they do not move its rank.
//
// The credit rating ([customer.CreditRating.Score]: D 0, C 1/8, …, BB
// 1/2, BBB 5/8, …, AA 7/8, AAA 1) is scored on its own scale
// ([Absolute]), not stretched over the population's range: a rating
// means the same whoever else is rated, and min–max over a handful of
// letters would make AA the worst of a population rated AA and AAA. An
// unknown rating scores 0.5, the rating BB in the middle of the scale
// (speculative grade): below every dealer rated BBB or better
// (investment grade), above those rated B or worse.
//
// The other shares in [0, 1] keep min–max over the population. The
// full-price share and the return rate rank a brand's own customers
// against each other: in a shop whose returns run from 0 to 20 % an
// absolute return rate would squeeze the indicator into [0.8, 1] and
// shrink its weight to a fifth, and the neutral 0.5 of an unknown return
// rate would read as a rate of 50 %, worse than nearly everybody's,
// where min–max makes it the middle of the customers' range. A letter
// rating has a fixed meaning, a share of returns a meaning relative to
// the shop's clientele. An end customer
// without a year of history before the last twelve months has no growth
// to measure ([Growth] is unknown) and scores the neutral 0.5 on it,
// neither the best nor the worst. Unless said, a
// measure is linear, min-max, higher is better, and an unknown value scores
// 0. Every measure but the shares and ratings (full-price-share,
// return-rate, growth, credit) is winsorised at [DefaultWinsor]: the log
// measures of money and counts, and the days of tenure, recency and
// cooperation. A winsorised measure is also clipped at the outer fences
// and the gap cap of [Measure].
func DefaultModel(k customer.Kind) Model {
	profitW, volumeW := 0.6, 0.4
	if k == customer.Intermediary {
		profitW, volumeW = 0.4, 0.6
	}
	m := Model{
		Kind: k,
		Current: Node{Name: "current", Weight: 0.5, Children: []Node{
			leaf("profit", profitW, money(Profit)),
			{Name: "purchase-volume", Weight: volumeW, Children: []Node{
				leaf("revenue", 0.6, money(Revenue)),
				leaf("units", 0.4, count(Units)),
			}},
		}},
	}
	recency := func(w float64) Node {
		r := share(Recency)
		r.LowerIsBetter = true
		r.Winsor = DefaultWinsor
		return leaf("recency", w, r)
	}
	if k == customer.Intermediary {
		turnover := money(Turnover)
		turnover.Fallback = Revenue
		outlets := count(Outlets)
		outlets.Fallback = Revenue
		credit := unit(Credit)
		credit.Missing = 0.5 // BB, the middle of the rating scale
		coop := share(Cooperation)
		coop.Winsor = DefaultWinsor
		coop.Fallback = Tenure
		market := money(MarketSize)
		market.Missing = 0.5
		m.Potential = Node{Name: "potential", Weight: 0.5, Pairwise: IntermediaryPotentialComparisons(), Children: []Node{
			{Name: "operating-strength", Children: []Node{
				leaf("turnover", 0.7, turnover),
				leaf("outlets", 0.3, outlets),
			}},
			{Name: "creditworthiness", Children: []Node{leaf("credit", 1, credit)}},
			{Name: "cooperation", Children: []Node{
				leaf("cooperation", 0.5, coop),
				leaf("purchase-days", 0.3, count(PurchaseDays)),
				recency(0.2),
			}},
			{Name: "market-size", Children: []Node{leaf("market-size", 1, market)}},
		}}
		return m
	}
	returns := share(ReturnRate)
	returns.LowerIsBetter = true
	returns.Missing = 0.5
	tenure := share(Tenure)
	tenure.Winsor = DefaultWinsor
	growth := share(Growth)
	growth.Missing = 0.5
	m.Potential = Node{Name: "potential", Weight: 0.5, Pairwise: ConsumerPotentialComparisons(), Children: []Node{
		{Name: "consumption", Children: []Node{
			leaf("average-order-value", 0.3, money(AverageOrderValue)),
			leaf("full-price-share", 0.2, share(FullPriceShare)),
			leaf("category-breadth", 0.2, count(CategoryBreadth)),
			leaf("interactions", 0.15, count(Interactions)),
			leaf("return-rate", 0.15, returns),
		}},
		{Name: "loyalty", Children: []Node{
			leaf("purchase-days", 0.4, count(PurchaseDays)),
			leaf("tenure", 0.25, tenure),
			recency(0.35),
		}},
		{Name: "growth", Children: []Node{
			leaf("growth", 0.6, growth),
			leaf("recent-spend", 0.4, money(RecentSpend)),
		}},
	}}
	return m
}
