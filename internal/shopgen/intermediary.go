package shopgen

import (
	"math"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// tradeProfile holds the behaviour of one intermediary role: median
// yearly turnover in euros and its log-normal spread, turnover per
// outlet, replenishment orders per year.
type tradeProfile struct {
	turnover, sigma float64
	perOutlet       float64
	replenish       float64
	clearance       float64 // chance of a clearance order in each sale
}

var tradeProfiles = [...]tradeProfile{
	customer.Dealer:     {turnover: 1.2e6, sigma: 1.0, perOutlet: 0.6e6, replenish: 2, clearance: 0.2},
	customer.Franchisee: {turnover: 2.0e6, sigma: 0.8, perOutlet: 0.9e6, replenish: 4, clearance: 0.1},
	customer.Wholesaler: {turnover: 12e6, sigma: 1.1, perOutlet: 8e6, replenish: 3, clearance: 0.7},
	customer.Agent:      {turnover: 0.6e6, sigma: 1.0, perOutlet: 0.6e6, replenish: 1.5, clearance: 0.4},
}

var (
	roleWeights   = cumulative(0.35, 0.30, 0.20, 0.15)
	ratingWeights = cumulative(0.01, 0.02, 0.04, 0.10, 0.18, 0.27, 0.22, 0.12, 0.04) // D … AAA
)

// interOrder is a planned order of an intermediary.
type interOrder struct {
	t    float64
	kind uint8 // 0 pre-order, 1 replenishment, 2 clearance
	coll int16 // the collection of a pre-order
}

func (w *worker) intermediary(rec *Record, id customer.ID) {
	g, r := w.g, w.r
	days := float64(g.days)
	c := &rec.Customer
	c.ID, c.Kind = id, customer.Intermediary
	c.Role = customer.Role(1 + r.pick(roleWeights))
	tp := tradeProfiles[c.Role]
	reg := r.pick(regionWeights)
	c.Region = regions[reg].name
	si := r.IntN(len(surnames))
	phone, street, house := 10_000+r.IntN(90_000), r.IntN(len(streets)), 1+r.IntN(98)
	if !w.lean {
		c.Name = surnames[si] + tradeNames[int(c.Role)]
		c.Contact.Email = customer.Email("orders." + string(id[1:]) + "@example.com")
		c.Contact.Phone = customer.Phone("+49 30 555 " + strconv.Itoa(phone))
		c.Contact.Address = streets[street] + " " + numbers[house] + ", " + c.Region
	}
	c.Consent = customer.Consent{Marketing: r.chance(0.8), Profiling: r.chance(0.7)}

	// Trade facts: turnover log-normal, spread over orders of magnitude.
	turnover := tp.turnover * r.lognormal(0, tp.sigma)
	outlets := max(1, int(math.Round(turnover/tp.perOutlet*r.uniform(0.7, 1.3))))
	rating := customer.CreditRating(1 + r.pick(ratingWeights))
	coop := -r.uniform(0, 12*daysPerYear) // established partners
	if r.chance(0.35) {
		coop = r.uniform(0, days-30) // partners won in the window
	}
	market := float64(regions[reg].market) * 1e6 * r.uniform(0.8, 1.2)
	c.Trade = &customer.Trade{
		AnnualTurnover:   w.money(turnover * g.level),
		Outlets:          outlets,
		Rating:           rating,
		CooperationStart: w.at(coop),
		MarketSize:       w.money(market * g.level),
	}
	c.Joined = c.Trade.CooperationStart

	// Life: contracts end at about 8% a year, more for weak credit.
	mu := 0.08
	if rating <= customer.RatingB {
		mu += 0.15
	}
	from := max(coop, 0)
	death := from + r.exp(mu)*daysPerYear
	end := min(death, days)
	rec.Truth.PurchaseRate = tp.replenish + float64(len(g.cfg.Collections))
	if death < days {
		rec.Truth.Dropout = w.at(death)
	}

	// Plan the orders: pre-orders for each collection, replenishment
	// during the season, clearance in the sales.
	var plan []interOrder
	small := turnover < 0.8e6
	for ci := range g.colls {
		cl := &g.colls[ci]
		if small && r.chance(0.4) { // small partners skip some collections
			continue
		}
		t := float64(cl.launch) - r.uniform(30, 75)
		if t >= from && t < end {
			plan = append(plan, interOrder{t: t, kind: 0, coll: int16(ci)})
			if ev := t - r.uniform(1, 14); ev >= from && r.chance(0.5) { // the collection's showroom
				w.interAt(rec, ev, customer.EventAttended, cl.label)
			}
		}
	}
	for t := from + r.exp(tp.replenish/daysPerYear); t < end; t += r.exp(tp.replenish / daysPerYear) {
		plan = append(plan, interOrder{t: t, kind: 1})
	}
	inSale := false
	for d := int(from); d < int(end); d++ {
		s := g.cal[d].markdown != 0
		if s && !inSale && r.chance(tp.clearance) {
			if t := float64(d) + r.uniform(0, 20); t < end && g.cal[int(t)].markdown != 0 {
				plan = append(plan, interOrder{t: t, kind: 2})
			}
		}
		inSale = s
	}
	slices.SortStableFunc(plan, func(a, b interOrder) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return 0
	})

	// Budget: the brand's share of the partner's purchases, at wholesale
	// prices (about half the retail turnover), spread over its orders.
	perYear := turnover * r.uniform(0.04, 0.25) * wholesaleShare * g.level
	ordersPerYear := tp.replenish + float64(len(g.cfg.Collections))*0.8
	budget := perYear / ordersPerYear
	if cap(rec.Orders) < len(plan) {
		rec.Orders = make([]customer.Order, 0, len(plan))
	}
	for n, p := range plan {
		w.interOrder(rec, p, n, budget*r.uniform(0.6, 1.4), outlets)
	}
}

// interAt records an intermediary's interaction at day offset t.
func (w *worker) interAt(rec *Record, t float64, kind customer.InteractionKind, subject string) {
	rec.Interactions = append(rec.Interactions, customer.Interaction{
		CustomerID: rec.Customer.ID, Time: w.at(t), Kind: kind, Subject: subject,
	})
}

// money returns v (in currency units) rounded to whole units.
func (w *worker) money(v float64) customer.Money {
	m, _ := customer.MoneyFromDecimal(decimal.NewFromInt(max(1, int64(math.Round(v)))), w.g.cfg.Currency)
	return m
}

// sizeRuns are the sizes intermediaries order of each size system, with
// their relative weights (a bell around the middle).
var sizeRunWeights = []float64{0.5, 1, 1.4, 1.4, 1, 0.5}

func sizeRun(sys sizeSystem, women bool, k int) string {
	switch sys {
	case letterSize:
		return letterSizes[1+k] // XS … XXL
	case euGarment:
		return euGarmentSize(1+k, women)
	case waistInseam:
		return waistInseamSize(1+k, 1+k%2, women)
	case euShoe:
		return shoeSize(6 + 4*k) // 37, 39, … whole sizes
	}
	return ""
}

// interOrder places planned order n of an intermediary.
func (w *worker) interOrder(rec *Record, p interOrder, n int, budget float64, outlets int) {
	g, r := w.g, w.r
	di := &g.cal[int(p.t)]
	id := rec.Customer.ID
	o := customer.Order{ID: orderID(id, n), CustomerID: id, Time: w.at(p.t), Channel: customer.Wholesale,
		Store: "B2B", Currency: g.cfg.Currency}
	nStyles := r.between(1, 4)
	linesPer := 1 + len(sizeRunWeights)*3/4
	o.Lines = w.lines(0, nStyles*len(sizeRunWeights))
	lineBudget := budget / float64(nStyles*linesPer)
	for range nStyles {
		var ci int16
		pct := 0
		switch {
		case p.kind == 0:
			ci = p.coll
		case p.kind == 2 && len(di.sale) > 0:
			ci, pct = di.sale[r.IntN(len(di.sale))], min(di.markdown+10, 70)
		default:
			ci = di.full[newest(r, len(di.full))]
		}
		cl := &g.colls[ci]
		k := r.pick(w.interCats(cl.season))
		cat := &categories[k]
		st := &cl.styles[k][popular(r)]
		slot := r.IntN(st.nCol)
		women := cat.womens || r.chance(0.6)
		lo, hi := 0, 0
		if cat.sizes != noSize {
			lo = r.IntN(2)
			hi = len(sizeRunWeights) - r.IntN(2)
		} else {
			hi = 1
		}
		for s := lo; s < hi; s++ {
			wgt := 1.0
			if cat.sizes != noSize {
				wgt = sizeRunWeights[s]
			}
			qty := int(math.Round(lineBudget * wgt / float64(st.wholesale) * math.Pow10(int(g.digits)) * r.uniform(0.7, 1.3)))
			qty = min(max(qty, 2*min(outlets, 6)), 5000)
			lp := pct
			if lp < 5 && qty >= 100 {
				lp = 5 // volume discount
			}
			disc, discD := w.discount(st.wholesale, lp, qty)
			w.keep(len(o.Lines) == 0, st, true, disc, qty)
			o.Lines = append(o.Lines, customer.Line{
				ID: lineID(len(o.Lines)), SKU: st.skus[slot], Category: cat.name, Season: cl.label,
				Size: sizeRun(cat.sizes, women, s), Colour: colours[st.colours[slot]].name, Quantity: qty,
				UnitPrice: st.wholesaleD, UnitCost: decimal.NullDecimal{Decimal: st.costD, Valid: true},
				Discount: discD,
			})
		}
	}
	rec.Orders = append(rec.Orders, o)
	w.interReturn(rec, &rec.Orders[len(rec.Orders)-1], p)
}

// interCats returns cumulative category weights of an intermediary's
// assortment in a season.
func (w *worker) interCats(s Season) []float64 {
	if s == SpringSummer {
		return interSS
	}
	return interAW
}

var interSS, interAW = func() ([]float64, []float64) {
	ss := make([]float64, len(categories))
	aw := make([]float64, len(categories))
	for i, c := range categories {
		ss[i], aw[i] = c.ss, c.aw
	}
	return cumulative(ss...), cumulative(aw...)
}()

// interReturn: intermediaries return little — defective goods, wrong
// deliveries — and complain about them, late pre-orders and prices.
func (w *worker) interReturn(rec *Record, o *customer.Order, p interOrder) {
	g, r := w.g, w.r
	days := float64(g.days)
	var cat ComplaintCategory
	ct := p.t + r.uniform(3, 30)
	switch u := r.Float64(); {
	case u < 0.065: // defective units, or a wrong delivery
		defect := u < 0.05
		l := o.Lines[r.IntN(len(o.Lines))]
		k := l.Quantity
		reason, kind := customer.NotAsDescribed, customer.Exchange
		if defect {
			k = max(1, int(float64(l.Quantity)*r.uniform(0.03, 0.2)))
			reason, kind = customer.QualityDefect, customer.Refund
		} else if r.chance(0.5) {
			kind = customer.Refund
		}
		rt := p.t + r.uniform(7, 45)
		if rt >= days {
			return
		}
		rec.Returns = append(rec.Returns, customer.Return{
			ID: o.ID + "-R1", OrderID: o.ID, CustomerID: o.CustomerID, Time: w.at(rt), Kind: kind, Reason: reason,
			Lines: []customer.ReturnLine{{LineID: l.ID, Quantity: -k}},
		})
		chance := 0.6
		cat = WrongItem
		if defect {
			chance, cat = 0.5, QualityDefectComplaint
		}
		if !r.chance(chance) {
			return
		}
		ct = rt + r.uniform(0, 5)
	case p.kind == 0 && u < 0.095:
		cat = LateDeliveryComplaint
	case u < 0.105:
		cat = PriceDispute
	default:
		return
	}
	if ct >= days {
		return
	}
	sev := 1 + r.pick(severityWeights[cat])
	cp := Complaint{CustomerID: o.CustomerID, Time: w.at(ct), OrderID: o.ID, Category: cat, Severity: sev,
		Demand: Demand(1 + r.pick(interDemand[cat]))}
	if cat == QualityDefectComplaint || cat == WrongItem {
		cp.ReturnID = o.ID + "-R1"
	}
	rec.Complaints = append(rec.Complaints, cp)
}

// return, exchange, repair, price-reduction, compensation per complaint
// category of intermediaries (domain rules §5).
var interDemand = [...][]float64{
	SizeFitComplaint:       cumulative(0.5, 0.5, 0, 0, 0),
	QualityDefectComplaint: cumulative(0.2, 0, 0, 0.4, 0.4),
	WrongItem:              cumulative(0.3, 0.7, 0, 0, 0),
	LateDeliveryComplaint:  cumulative(0.1, 0, 0, 0.3, 0.6),
	StaffAttitude:          cumulative(0, 0, 0, 0, 1),
	PriceDispute:           cumulative(0, 0, 0, 1, 0),
}
