package shopgen

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// worker generates customers one at a time with its own random stream,
// reset for every customer from (seed, index).
type worker struct {
	g    *Generator
	r    *rng
	catW [2][]float64 // cumulative category weights of the current customer, per season
	buf  []byte
	// reuse recycles the memory of the previous record (see fill).
	reuse bool
	// lean leaves out what the CSV export does not write (names, contact
	// details, profile lists, line discounts as decimals) while drawing
	// the same random numbers, and keeps the amounts in fx.
	lean bool
	slab []customer.Line
	fx   fxTable
	// discs caches the decimal discounts of single units.
	discs map[discKey]decimal.Decimal
}

func (g *Generator) newWorker() *worker {
	w := &worker{g: g, r: newRNG()}
	for s := range w.catW {
		w.catW[s] = make([]float64, len(categories))
	}
	return w
}

// body is a consumer's hidden body and taste: what they buy.
type body struct {
	women   bool
	region  int
	letter  int // index into letterSizes
	inseam  int // index into inseams
	shoe    int // half-size index (0 is EU 34)
	colours [3]uint8
	nCol    int
	chanCum [3]float64
	t0      float64 // acquisition, in days of the window
	death   float64 // end of life, in days of the window
	heavy   bool
}

// Behaviour constants of consumers (per year unless stated).
const (
	// Purchase rate λ ~ Gamma(shape, mean/shape): shape below 1 gives many
	// rare buyers and a long tail of heavy ones.
	rateShape = 0.6
	rateMean  = 1.6
	// Dropout rate μ ~ Gamma(shape, mean/shape); lifetime ~ Exp(μ).
	dropShape = 1.0
	dropMean  = 0.55
	// Extra lines per order ~ Poisson(extraLines).
	extraLines = 0.75
	// returnCalibration scales the per-unit return chance so that the
	// configured return rates hold on average over the category mix and
	// the sizes bought (the relative propensities average about 0.93).
	returnCalibration = 1.08
	// Share of a sale order's lines taken from the marked-down collections.
	saleShare = 0.65
	// Chance that an article is bought in another size than the
	// customer's own (for a family member, or unsure of the fit).
	otherSize   = 0.15
	daysPerYear = 365.25
)

// expNegExtraLines is e^(−extraLines), for the Poisson draw of lines.
var expNegExtraLines = math.Exp(-extraLines)

func (w *worker) customer(i int) Record {
	var rec Record
	w.fill(&rec, i)
	return rec
}

// fill generates customer i into rec. When the worker reuses memory (the
// CSV export, which formats a record and drops it), rec's slices and the
// worker's line slab are recycled: the previous record must be dead.
func (w *worker) fill(rec *Record, i int) {
	w.r.reset(w.g.cfg.Seed, uint64(i))
	*rec = Record{Index: i, Orders: rec.Orders[:0], Returns: rec.Returns[:0],
		Interactions: rec.Interactions[:0], Complaints: rec.Complaints[:0]}
	w.slab = w.slab[:0]
	w.fx.lines, w.fx.orders = w.fx.lines[:0], w.fx.orders[:0]
	w.buf = append(w.buf[:0], 'C')
	w.buf = appendPadded(w.buf, i+1, 8)
	id := customer.ID(w.buf)
	if w.r.chance(w.g.cfg.IntermediaryShare) {
		w.intermediary(rec, id)
	} else {
		w.consumer(rec, id)
	}
	byTime := func(a, b time.Time) int { return a.Compare(b) }
	slices.SortStableFunc(rec.Returns, func(a, b customer.Return) int { return byTime(a.Time, b.Time) })
	slices.SortStableFunc(rec.Interactions, func(a, b customer.Interaction) int { return byTime(a.Time, b.Time) })
	slices.SortStableFunc(rec.Complaints, func(a, b Complaint) int { return byTime(a.Time, b.Time) })
}

// lines returns a slice of n lines with capacity c: fresh memory, or
// when reusing, a piece of the worker's slab.
func (w *worker) lines(n, c int) []customer.Line {
	if !w.reuse {
		return make([]customer.Line, n, c)
	}
	if cap(w.slab)-len(w.slab) < c {
		w.slab = make([]customer.Line, 0, max(2*cap(w.slab), c, 256))
	}
	k := len(w.slab)
	w.slab = w.slab[:k+c]
	return w.slab[k : k+n : k+c]
}

// appendPadded appends n in decimal with at least width digits.
func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for k := len(s); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// orderID returns the ID of customer id's n-th order: "O" + the digits
// of the customer ID + "-" + n, unique in the shop.
func orderID(id customer.ID, n int) string {
	var b [32]byte
	s := append(b[:0], 'O')
	s = append(s, id[1:]...)
	s = append(s, '-')
	s = appendPadded(s, n+1, 3)
	return string(s)
}

// lineID returns the ID of the j-th line (0-based) of an order.
func lineID(j int) string {
	if j+1 < len(numbers) {
		return numbers[j+1]
	}
	return strconv.Itoa(j + 1)
}

// at returns the instant of day offset t: the day of t, at a time between
// 08:00 and 22:00 given by t's fraction (so later t is never earlier).
func (w *worker) at(t float64) time.Time {
	day := math.Floor(t)
	sec := int64(day)*86400 + 8*3600 + int64((t-day)*14*3600)
	return time.Unix(w.g.startUnix+sec, 0).UTC()
}

// seasonal draws a time in [lo, hi) from the shop's seasonal intensity;
// it returns -1 when the window is empty.
func (w *worker) seasonal(lo, hi float64) float64 {
	g, r := w.g, w.r
	if hi <= lo {
		return -1
	}
	for {
		t := r.uniform(lo, hi)
		if r.Float64()*g.maxIntensity < g.cal[int(t)].intensity {
			return t
		}
	}
}

// next returns the time of the next purchase after t of a Poisson process
// of rate (per day) modulated by the seasonal intensity (thinning, Lewis
// & Shedler 1979), or -1 when it falls at or after limit.
func (w *worker) next(t, rate, limit float64) float64 {
	g, r := w.g, w.r
	if rate <= 0 {
		return -1
	}
	for {
		t += r.exp(rate * g.maxIntensity)
		if t >= limit {
			return -1
		}
		if r.Float64()*g.maxIntensity < g.cal[int(t)].intensity {
			return t
		}
	}
}

func (w *worker) consumer(rec *Record, id customer.ID) {
	g, r := w.g, w.r
	days := float64(g.days)
	c := &rec.Customer
	c.ID, c.Kind = id, customer.Consumer
	var b body
	b.women = r.chance(0.62)
	b.region = r.pick(regionWeights)
	c.Region = regions[b.region].name
	fi, si := r.IntN(len(womenNames)), r.IntN(len(surnames))
	first, firstLower := womenNames[fi], womenLower[fi]
	if !b.women {
		first, firstLower = menNames[fi], menLower[fi]
	}
	emailN := r.IntN(100)
	phoneN, street, house := -1, -1, 0
	if r.chance(0.7) {
		phoneN = 1_000_000 + r.IntN(9_000_000)
	}
	if r.chance(0.5) {
		street, house = r.IntN(len(streets)), 1+r.IntN(98)
	}
	if !w.lean { // the identity strings share one allocation
		buf := append(w.buf[:0], first...)
		buf = append(buf, ' ')
		buf = append(buf, surnames[si]...)
		nName := len(buf)
		buf = append(buf, firstLower...)
		buf = append(buf, '.')
		buf = append(buf, surLower[si]...)
		buf = append(buf, numbers[emailN]...)
		buf = append(buf, "@example.com"...)
		nEmail := len(buf)
		if phoneN >= 0 {
			buf = append(buf, "+49 1550 "...)
			buf = strconv.AppendInt(buf, int64(phoneN), 10)
		}
		nPhone := len(buf)
		if street >= 0 {
			buf = append(buf, streets[street]...)
			buf = append(buf, ' ')
			buf = append(buf, numbers[house]...)
			buf = append(buf, ", "...)
			buf = append(buf, c.Region...)
		}
		all := string(buf)
		w.buf = buf
		c.Name = all[:nName]
		c.Contact.Email = customer.Email(all[nName:nEmail])
		c.Contact.Phone = customer.Phone(all[nEmail:nPhone])
		c.Contact.Address = all[nPhone:]
	}
	endYear := g.cfg.End.UTC().Year()
	age := r.between(18, 35)
	if r.chance(0.35) {
		age = r.between(36, 72)
	}
	if r.chance(0.8) {
		m := time.Month(1 + r.IntN(12))
		c.Birthday = customer.Birthday{Year: endYear - age, Month: m, Day: 1 + r.IntN(28)}
	}
	c.Consent.Marketing = r.chance(0.62)
	c.Consent.Profiling = r.chance(0.3) || (c.Consent.Marketing && r.chance(0.5))

	// Body and sizes.
	b.letter = r.pick(letterWeights)
	if !b.women && b.letter < len(letterSizes)-1 && r.chance(0.4) {
		b.letter++
	}
	h := 166 + 6.5*r.NormFloat64()
	if !b.women {
		h = 179 + 7*r.NormFloat64()
	}
	height := int(math.Round(min(max(h, 145), 210)))
	b.inseam = min(max((height-152)/10, 0), len(inseams)-1)
	shoe := 38 + float64(height-166)/6.5 + 0.5*r.NormFloat64()
	if !b.women {
		shoe = 43 + float64(height-179)/6.5 + 0.5*r.NormFloat64()
	}
	b.shoe = min(max(int(math.Round(2*(shoe-34))), 0), len(shoeLabels)-2)
	if !r.chance(0.25) { // most people wear whole shoe sizes
		b.shoe &^= 1
	}

	// Taste: favourite colours and categories, channels.
	nCol := r.between(1, 3)
	for b.nCol < nCol {
		k := uint8(r.IntN(len(colours)))
		if !slices.Contains(b.colours[:b.nCol], k) {
			b.colours[b.nCol] = k
			b.nCol++
		}
	}
	var favCats [3]int
	nFav := r.between(1, 3)
	for k := range nFav {
		favCats[k] = r.IntN(len(categories))
	}
	for s := range 2 {
		sum := 0.0
		for k, cat := range categories {
			x := cat.ss
			if s == 1 {
				x = cat.aw
			}
			if cat.womens && !b.women {
				x = 0
			}
			if slices.Contains(favCats[:nFav], k) {
				x *= 4
			}
			sum += x
			w.catW[s][k] = sum
		}
	}
	sum := 0.0
	for k, share := range g.channels {
		sum += share * r.gamma(1.5, 1/1.5)
		b.chanCum[k] = sum
	}

	// The visible profile: what the customer told the shop.
	p := &c.Profile
	if r.chance(0.85) {
		p.TopSize = letterSizes[b.letter]
	}
	if r.chance(0.7) {
		p.BottomSize = waistInseamSize(b.letter, b.inseam, b.women)
	}
	if r.chance(0.6) {
		p.ShoeSize = shoeSize(b.shoe)
	}
	if r.chance(0.5) {
		p.HeightCM = height
	}
	if r.chance(0.6) {
		p.Fit = customer.Fit(1 + r.IntN(3))
	}
	style := -1
	if r.chance(0.7) {
		style = r.IntN(len(styleNames))
	}
	showColours, showCats := r.chance(0.8), r.chance(0.7)
	if !w.lean {
		tags := make([]string, 0, 1+b.nCol+nFav) // one allocation for the three lists
		if style >= 0 {
			tags = append(tags, styleNames[style])
			p.Styles = tags[0:1:1]
		}
		if showColours {
			n := len(tags)
			for _, k := range b.colours[:b.nCol] {
				tags = append(tags, colours[k].name)
			}
			p.Colours = tags[n:len(tags):len(tags)]
		}
		if showCats {
			n := len(tags)
			for _, k := range favCats[:nFav] {
				if !slices.Contains(tags[n:], categories[k].name) {
					tags = append(tags, categories[k].name)
				}
			}
			p.Categories = tags[n:len(tags):len(tags)]
		}
	}

	// Acquisition and the buy-till-you-die clock.
	b.t0 = w.seasonal(0, days)
	c.Joined = w.at(b.t0)
	lambda := r.gamma(rateShape, rateMean/rateShape)
	mu := r.gamma(dropShape, dropMean/dropShape)
	b.death = b.t0 + r.exp(mu)*daysPerYear
	b.heavy = lambda > 4

	if r.chance(g.cfg.PotentialShare) {
		rec.Truth.Potential = true
		w.potential(rec, &b)
	} else {
		rec.Truth.PurchaseRate = lambda
		if rec.Orders == nil {
			rec.Orders = make([]customer.Order, 0, 2+int(lambda*2))
		}
		t := b.t0
		for n := 0; t >= 0; n++ {
			w.consumerOrder(rec, &b, t, n)
			t = w.next(t, lambda/daysPerYear, min(b.death, days))
		}
	}
	if b.death < days {
		rec.Truth.Dropout = w.at(b.death)
	}
}

// potential gives a consumer who never buys a few signs of interest.
func (w *worker) potential(rec *Record, b *body) {
	g, r := w.g, w.r
	end := min(b.death+60, float64(g.days))
	n := 1 + r.poisson(3)
	t := b.t0
	for k := 0; k < n && t < end; k++ {
		kinds := cumulative(0.35, 0.2, 0.15, 0.15, 0.07, 0.08) // store, site, wishlist, cart, survey, event
		kind := customer.InteractionKind(1 + r.pick(kinds))
		w.interact(rec, b, t, kind, "")
		t += r.exp(1.0 / 45)
	}
}

// interact records an interaction at day offset t; subject "" is filled
// in from the catalogue for wish lists, baskets and events.
func (w *worker) interact(rec *Record, b *body, t float64, kind customer.InteractionKind, subject string) {
	g, r := w.g, w.r
	if t < b.t0 {
		t = b.t0
	}
	if t >= float64(g.days) {
		return
	}
	if subject == "" {
		di := &g.cal[int(t)]
		cl := &g.colls[di.full[0]]
		switch kind {
		case customer.Wishlist, customer.Cart:
			st := &cl.styles[r.IntN(len(categories))][r.IntN(stylesPerCategory)]
			subject = st.skus[r.IntN(st.nCol)]
		case customer.SiteVisit:
			subject = categories[r.IntN(len(categories))].name
		case customer.EventAttended:
			subject = eventNames[r.IntN(len(eventNames))]
		case customer.SurveyAnswered:
			subject = "satisfaction survey"
		}
	}
	if cap(rec.Interactions) == 0 {
		rec.Interactions = make([]customer.Interaction, 0, 4)
	}
	rec.Interactions = append(rec.Interactions, customer.Interaction{
		CustomerID: rec.Customer.ID, Time: w.at(t), Kind: kind, Subject: subject,
	})
}

// consumerOrder places order n of a consumer at day offset t, with its
// returns, complaints and the interactions around it.
func (w *worker) consumerOrder(rec *Record, b *body, t float64, n int) {
	g, r := w.g, w.r
	cfg := &g.cfg
	di := &g.cal[int(t)]
	id := rec.Customer.ID
	ch := customer.Channel(1 + r.pick(b.chanCum[:]))
	o := customer.Order{ID: orderID(id, n), CustomerID: id, Time: w.at(t), Channel: ch, Currency: cfg.Currency}
	switch ch {
	case customer.Store:
		st := g.stores[b.region]
		o.Store = st[r.IntN(len(st))]
	case customer.Online:
		o.Store = "WEB"
	case customer.Social:
		o.Store = "SOCIAL"
	}
	coupon := 0
	if di.markdown == 0 && r.chance(0.07) {
		coupon = 10 + 5*r.IntN(3)
	}
	nLines := 1 + min(r.poissonExp(expNegExtraLines), 7)
	o.Lines = w.lines(nLines, nLines)
	var mismatch uint16
	var cats [8]uint8
	for j := range o.Lines {
		var ci int16
		pct := coupon
		if len(di.sale) > 0 && r.chance(saleShare) {
			ci, pct = di.sale[r.IntN(len(di.sale))], di.markdown
		} else {
			ci = di.full[newest(r, len(di.full))]
		}
		cl := &g.colls[ci]
		k := r.pick(w.catW[cl.season-1])
		cat := &categories[k]
		cats[j] = uint8(k)
		st := &cl.styles[k][popular(r)]
		slot := r.IntN(st.nCol)
		if r.chance(0.6) {
			for s, col := range st.colours[:st.nCol] {
				if slices.Contains(b.colours[:b.nCol], col) {
					slot = s
					break
				}
			}
		}
		size, other := w.size(cat.sizes, b)
		if other {
			mismatch |= 1 << j
		}
		qty := 1
		if cat.maxQty > 1 && r.chance(0.15) {
			qty = r.between(2, cat.maxQty)
		}
		disc, discD := w.discount(st.price, pct, qty)
		w.keep(j == 0, st, false, disc, qty)
		o.Lines[j] = customer.Line{
			ID: lineID(j), SKU: st.skus[slot], Category: cat.name, Season: cl.label,
			Size: size, Colour: colours[st.colours[slot]].name, Quantity: qty,
			UnitPrice: st.priceD, UnitCost: decimal.NullDecimal{Decimal: st.costD, Valid: true},
			Discount: discD,
		}
	}
	rec.Orders = append(rec.Orders, o)

	// Signs of interest around the order.
	if ch != customer.Store {
		if r.chance(0.55) {
			w.interact(rec, b, t-r.uniform(0, 7), customer.SiteVisit, o.Lines[0].Category)
		}
		if r.chance(0.3) {
			w.interact(rec, b, t-r.uniform(0, 0.02), customer.Cart, o.Lines[0].SKU)
		}
		if r.chance(0.15) {
			w.interact(rec, b, t-r.uniform(1, 30), customer.Wishlist, o.Lines[0].SKU)
		}
	} else if r.chance(0.1) {
		w.interact(rec, b, t-r.uniform(1, 14), customer.StoreVisit, "")
	}
	if r.chance(0.05) {
		w.interact(rec, b, t+r.uniform(1, 7), customer.SurveyAnswered, "")
	}
	if b.heavy && r.chance(0.15) {
		w.interact(rec, b, t+r.uniform(5, 60), customer.EventAttended, "")
	}

	w.consumerReturn(rec, b, &rec.Orders[len(rec.Orders)-1], t, cats[:nLines], mismatch, di.markdown != 0)
}

// consumerReturn decides whether order o (placed at day offset t) comes
// back in part, and whether a complaint follows.
func (w *worker) consumerReturn(rec *Record, b *body, o *customer.Order, t float64, cats []uint8, mismatch uint16, sale bool) {
	g, r := w.g, w.r
	base := g.cfg.OnlineReturnRate
	if o.Channel == customer.Store {
		base = g.cfg.StoreReturnRate
	}
	var lines []customer.ReturnLine
	sizeIssue, sized := false, false
	for j, l := range o.Lines {
		p := base * returnCalibration * categories[cats[j]].returns
		if mismatch&(1<<j) != 0 {
			p *= 2.5
		} else {
			p *= 0.75
		}
		k := 0
		for range l.Quantity {
			if r.chance(min(p, 0.95)) {
				k++
			}
		}
		if k > 0 {
			lines = append(lines, customer.ReturnLine{LineID: l.ID, Quantity: -k})
			sizeIssue = sizeIssue || mismatch&(1<<j) != 0
			sized = sized || categories[cats[j]].sizes != noSize
		}
	}
	var ret *customer.Return
	var retT float64
	if lines != nil {
		var reason customer.ReturnReason
		switch {
		case sizeIssue && r.chance(0.75):
			reason = customer.SizeFit
		case o.Channel == customer.Store:
			reason = customer.ReturnReason(1 + r.pick(storeReasons))
		default:
			reason = customer.ReturnReason(1 + r.pick(onlineReasons))
		}
		if reason == customer.SizeFit && !sized { // one-size goods do not come back for their size
			reason = customer.ChangedMind
		}
		delay := r.uniform(0, 14)
		if o.Channel != customer.Store {
			delay = 3 + r.uniform(0, 27)
		}
		if rt := t + delay; rt < float64(g.days) {
			kind := customer.Refund
			if r.chance(exchangeChance[reason]) {
				kind = customer.Exchange
			}
			rec.Returns = append(rec.Returns, customer.Return{
				ID: o.ID + "-R1", OrderID: o.ID, CustomerID: o.CustomerID, Time: w.at(rt),
				Kind: kind, Reason: reason, Lines: lines,
			})
			ret, retT = &rec.Returns[len(rec.Returns)-1], rt
			if reason == customer.QualityDefect && r.chance(0.1) {
				b.death = min(b.death, rt+r.exp(1.0/90))
			}
		}
	}

	// Complaints: mostly after a defect or a late delivery.
	var cat ComplaintCategory
	var ct float64
	fromReturn := ret != nil && r.chance(complaintAfter[ret.Reason])
	if fromReturn {
		cat = complaintOf[ret.Reason]
		if cat == 0 {
			cat = ComplaintCategory(1 + r.pick(otherComplaints))
		}
		ct = retT + r.uniform(0, 3)
	} else if r.chance(0.006) {
		switch {
		case sale && r.chance(0.4):
			cat = PriceDispute
		case o.Channel == customer.Store:
			cat = []ComplaintCategory{StaffAttitude, QualityDefectComplaint, PriceDispute}[r.IntN(3)]
		default:
			cat = []ComplaintCategory{LateDeliveryComplaint, WrongItem, QualityDefectComplaint}[r.IntN(3)]
		}
		ct = t + r.uniform(0, 10)
	}
	if cat == 0 || ct >= float64(g.days) {
		return
	}
	sev := 1 + r.pick(severityWeights[cat])
	cp := Complaint{CustomerID: o.CustomerID, Time: w.at(ct), OrderID: o.ID, Category: cat, Severity: sev,
		Demand: Demand(1 + r.pick(demandWeights[cat]))}
	if fromReturn {
		cp.ReturnID = ret.ID
	}
	rec.Complaints = append(rec.Complaints, cp)
	if r.chance(0.12 * float64(sev)) {
		b.death = min(b.death, ct+r.exp(1.0/60))
	}
}

// newest picks one of n collections on sale, newest first: the newest is
// twice as likely as the next.
func newest(r *rng, n int) int {
	for i := 0; i < n-1; i++ {
		if r.chance(0.5) {
			return i
		}
	}
	return n - 1
}

// popular picks a style index with a skew towards the first styles, the
// bestsellers: index = ⌊N·U²⌋.
func popular(r *rng) int {
	u := r.Float64()
	return int(float64(stylesPerCategory) * u * u)
}

// size returns the size label of an article of size system sys bought by
// a consumer of body b, and whether it is not the customer's own size.
func (w *worker) size(sys sizeSystem, b *body) (string, bool) {
	r := w.r
	li, shoe, other := b.letter, b.shoe, false
	if r.chance(otherSize) {
		other = true
		d := 1
		if r.chance(0.5) {
			d = -1
		}
		if li+d < 0 || li+d >= len(letterSizes) {
			d = -d
		}
		li += d
		shoe += 2 * d
	}
	switch sys {
	case letterSize:
		return letterSizes[li], other
	case euGarment:
		return euGarmentSize(li, b.women), other
	case waistInseam:
		return waistInseamSize(li, b.inseam, b.women), other
	case euShoe:
		return shoeSize(shoe), other
	}
	return "", false
}

// discount returns the discount of a line of qty units at unit price
// (minor units) with pct percent off, rounded half up to the minor unit
// per unit, so a return refunds whole units exactly; in minor units and
// as the line's decimal (left zero by a lean worker, which formats from
// the integers).
func (w *worker) discount(price int64, pct, qty int) (int64, decimal.Decimal) {
	if pct == 0 {
		return 0, decimal.Zero
	}
	units := (price*int64(pct) + 50) / 100 * int64(qty)
	if w.lean {
		return units, decimal.Zero
	}
	if qty != 1 {
		return units, decimal.New(units, -w.g.digits)
	}
	// Most consumer lines are one unit: reuse the decimal (immutable).
	k := discKey{price: price, pct: int16(pct)}
	d, ok := w.discs[k]
	if !ok {
		d = decimal.New(units, -w.g.digits)
		if w.discs == nil {
			w.discs = make(map[discKey]decimal.Decimal)
		}
		w.discs[k] = d
	}
	return units, d
}

// discKey identifies the discount of one unit at a price and percentage.
type discKey struct {
	price int64
	pct   int16
}

// keep records the amounts of a new line of the current order (lean
// workers only); first starts a new order.
func (w *worker) keep(first bool, st *style, wholesale bool, disc int64, qty int) {
	if !w.lean {
		return
	}
	if first {
		w.fx.orders = append(w.fx.orders, int32(len(w.fx.lines)))
	}
	p := st.price
	if wholesale {
		p = st.wholesale
	}
	w.fx.lines = append(w.fx.lines, lineFx{price: p, disc: disc, cost: st.cost})
}

// Return reasons: size and fit first, online more "not as described" and
// late deliveries, in stores more defects found at home and changed minds.
var (
	// size-fit, quality-defect, not-as-described, changed-mind, late-delivery, other
	onlineReasons = cumulative(0.45, 0.10, 0.15, 0.18, 0.06, 0.06)
	storeReasons  = cumulative(0.40, 0.22, 0.03, 0.25, 0, 0.10)
	// chance that a return of each reason is an exchange
	exchangeChance = [...]float64{customer.SizeFit: 0.4, customer.QualityDefect: 0.25, customer.NotAsDescribed: 0.05,
		customer.ChangedMind: 0.05, customer.LateDelivery: 0, customer.OtherReason: 0.05}
	// chance of a complaint after a return of each reason
	complaintAfter = [...]float64{customer.SizeFit: 0.03, customer.QualityDefect: 0.35, customer.NotAsDescribed: 0.15,
		customer.ChangedMind: 0.005, customer.LateDelivery: 0.3, customer.OtherReason: 0.05}
	// the complaint that follows a return of each reason (0: drawn from otherComplaints)
	complaintOf = [...]ComplaintCategory{customer.SizeFit: SizeFitComplaint, customer.QualityDefect: QualityDefectComplaint,
		customer.NotAsDescribed: WrongItem, customer.ChangedMind: 0, customer.LateDelivery: LateDeliveryComplaint, customer.OtherReason: 0}
	otherComplaints = cumulative(0, 0, 0.3, 0, 0.4, 0.3)
	// severity 1..4 per complaint category
	severityWeights = [...][]float64{
		SizeFitComplaint:       cumulative(0.55, 0.3, 0.1, 0.05),
		QualityDefectComplaint: cumulative(0.2, 0.35, 0.3, 0.15),
		WrongItem:              cumulative(0.4, 0.35, 0.18, 0.07),
		LateDeliveryComplaint:  cumulative(0.35, 0.35, 0.2, 0.1),
		StaffAttitude:          cumulative(0.3, 0.4, 0.2, 0.1),
		PriceDispute:           cumulative(0.5, 0.3, 0.15, 0.05),
	}
	// return, exchange, repair, price-reduction, compensation per complaint category
	demandWeights = [...][]float64{
		SizeFitComplaint:       cumulative(0.3, 0.7, 0, 0, 0),
		QualityDefectComplaint: cumulative(0.3, 0.3, 0.2, 0, 0.2),
		WrongItem:              cumulative(0.3, 0.7, 0, 0, 0),
		LateDeliveryComplaint:  cumulative(0.4, 0, 0, 0, 0.6),
		StaffAttitude:          cumulative(0, 0, 0, 0.3, 0.7),
		PriceDispute:           cumulative(0, 0, 0, 0.8, 0.2),
	}
)
