package input

import (
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// The wide tier of [ScanCSV] holds the customers with an amount, a cost
// or a discount of more than fixScale decimals (a price times a quantity
// written by a spreadsheet, 15.299999999999999) without leaving fixed
// point: the money of such a customer is in 128-bit integers of units of
// 10⁻¹⁸ (wideScale), in a pointer-free record (wrec) beside its crec, and
// each of its days is two words of a second day arena. A customer moves from
// the fixed record to the wide one, exactly (its sums times 10¹⁴), at its
// first row that does not fit the fixed one, and to the decimal path
// only when a row does not fit the wide one either (more than wideScale
// decimals, more than wideIntDigits integer digits, a sum beyond 2¹²⁷ or
// a day's net beyond 2⁹⁵ units, or a limit of the fixed path).
//
// The summary of a wide customer is the one the decimal path builds, to
// the exponent of each decimal: the decimal path starts from the fixed
// record's summary (every amount with exponent −fixScale) and adds each
// row with shopspring's Add and Sub, whose result has the smaller of the
// two exponents, and with a cost of amount × (1 − margin) for a row
// without one, whose exponent is the sum of the two. So the wide record
// keeps, beside each sum, the exponent the decimal path would give it:
// that of a row's amount, cost or discount is −fixScale for a row whose
// amount, cost and discount fit the fixed record (the decimal path adds
// it from the fixed values) and the number of decimals written, negated,
// for any other. A sale's Gross at list price, Gross + (amount +
// discount), takes the smallest exponent of the three.

// wideScale is the number of decimals of a wide amount.
const wideScale = 18

// wideIntDigits bounds the integer digits of a wide amount, so that an
// amount is below 10³⁷ in units of 10⁻¹⁸ and a sum of two cannot wrap.
const wideIntDigits = 19

// wideTier enables the wide tier; tests turn it off to compare with the
// decimal path.
var wideTier = true

// pow10u holds 10^i for i ≤ 19.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// i128 is a signed 128-bit integer in two's complement.
type i128 struct {
	hi int64
	lo uint64
}

func i128From(v int64) i128 { return i128{hi: v >> 63, lo: uint64(v)} }

func (a i128) sign() int {
	switch {
	case a.hi < 0:
		return -1
	case a.hi == 0 && a.lo == 0:
		return 0
	}
	return 1
}

// add returns a + b and whether it did not overflow.
func (a i128) add(b i128) (i128, bool) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi := a.hi + b.hi + int64(c)
	return i128{hi, lo}, (a.hi^hi)&(b.hi^hi) >= 0
}

func (a i128) neg() i128 {
	lo, b := bits.Sub64(0, a.lo, 0)
	return i128{-a.hi - int64(b), lo}
}

// abs returns |a| as an unsigned pair; a is above −2¹²⁷.
func (a i128) abs() (hi, lo uint64) {
	if a.hi < 0 {
		a = a.neg()
	}
	return uint64(a.hi), a.lo
}

// mulPow10 returns a × 10^k, k ≤ 19, for |a| < 2⁶³ (no overflow: the
// product is below 2¹²⁷).
func mulPow10(v int64, k int) i128 {
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	hi, lo := bits.Mul64(u, pow10u[k])
	r := i128{int64(hi), lo}
	if v < 0 {
		r = r.neg()
	}
	return r
}

// fits96 reports whether a is within the 96 bits of a wide day's net.
func (a i128) fits96() bool { return a.hi>>31 == 0 || a.hi>>31 == -1 }

// divPow10 returns |a| / 10^k (k ≤ 19) with the sign of a; the division
// is exact for the callers.
func divPow10(a i128, k int) i128 {
	hi, lo := a.abs()
	d := pow10u[k]
	qh := hi / d
	ql, _ := bits.Div64(hi%d, lo, d)
	r := i128{int64(qh), ql}
	if a.hi < 0 {
		r = r.neg()
	}
	return r
}

// wideDec returns v units of 10⁻¹⁸ as a decimal of exponent e (the
// value is a multiple of 10^e when e ≥ −18).
func wideDec(v i128, e int32) decimal.Decimal {
	if e >= -wideScale {
		c := v
		if k := int(wideScale + e); k > 0 {
			c = divPow10(v, k)
		}
		if c.hi == int64(c.lo)>>63 {
			return decimal.New(int64(c.lo), e)
		}
		return decimal.NewFromBigInt(bigOf(c), e)
	}
	// A finer exponent: the coefficient is v × 10^(−18−e).
	b := bigOf(v)
	b.Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-wideScale-e)), nil))
	return decimal.NewFromBigInt(b, e)
}

func bigOf(v i128) *big.Int {
	hi, lo := v.abs()
	b := new(big.Int).SetUint64(hi)
	b.Lsh(b, 64)
	b.Or(b, new(big.Int).SetUint64(lo))
	if v.hi < 0 {
		b.Neg(b)
	}
	return b
}

// parseWide parses an optional minus sign, 1 to wideIntDigits digits
// and optionally a point followed by 1 to wideScale digits, as
// customer.ParseAmount reads them: the value in units of 10⁻¹⁸ and the
// exponent of the decimal ParseAmount returns (minus the number of
// decimals written). ok is false for any other text.
func parseWide(s string) (v i128, exp int8, ok bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		neg = true
		i = 1
	}
	var ip, fp uint64
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		ip = ip*10 + uint64(s[i]-'0')
		i++
	}
	if n := i - start; n == 0 || n > wideIntDigits {
		return i128{}, 0, false
	}
	frac := 0
	if i < len(s) {
		if s[i] != '.' {
			return i128{}, 0, false
		}
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			fp = fp*10 + uint64(s[i]-'0')
			i++
		}
		frac = i - fs
		if frac == 0 || frac > wideScale || i != len(s) {
			return i128{}, 0, false
		}
	}
	hi, lo := bits.Mul64(ip, pow10u[wideScale])
	lo, c := bits.Add64(lo, fp*pow10u[wideScale-frac], 0)
	v = i128{int64(hi + c), lo}
	if neg {
		v = v.neg()
	}
	return v, int8(-frac), true
}

// fixLimit is 10³²: an amount below it in units of 10⁻¹⁸ is below 10¹⁸
// in units of 10⁻⁴.
var fixLimit = func() i128 {
	hi, lo := bits.Mul64(pow10u[16], pow10u[16])
	return i128{int64(hi), lo}
}()

// parseFixedOrWide parses s with parseWide when parseFixed does not
// read it (more decimals, more integer digits, leading zeros): the value
// in units of 10⁻⁴ when toFixed would take the decimal ParseAmount
// returns (a zero, or at most fixScale decimals and below 10¹⁴), else
// wide. The row's money is then parsed again by parseWide.
func parseFixedOrWide(s string) (v int64, wide, ok bool) {
	w, e, ok := parseWide(s)
	if !ok {
		return 0, false, false
	}
	if w.sign() == 0 {
		return 0, false, true
	}
	if hi, lo := w.abs(); e >= -fixScale && (hi < uint64(fixLimit.hi) || hi == uint64(fixLimit.hi) && lo < fixLimit.lo) {
		c := divPow10(w, wideScale-fixScale)
		return int64(c.lo), false, true
	}
	return 0, true, true
}

// wideLimit is 10³⁷: the bound of a wide amount in units of 10⁻¹⁸.
var wideLimit = func() i128 {
	hi, lo := bits.Mul64(pow10u[19], pow10u[18])
	return i128{int64(hi), lo}
}()

// toWide returns d in units of 10⁻¹⁸ and its exponent when it has at
// most wideScale decimals and fewer than wideIntDigits integer digits
// (an exponent above 0 counts as 0: the parsers give none).
func toWide(d decimal.Decimal) (i128, int8, bool) {
	e := d.Exponent()
	if e < -wideScale || e > 0 {
		return i128{}, 0, false
	}
	k := int(wideScale + e)
	if d.NumDigits() <= 18 {
		return mulPow10(d.CoefficientInt64(), k), int8(e), true
	}
	c := d.Coefficient()
	c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	neg := c.Sign() < 0
	c.Abs(c)
	if c.BitLen() > 126 {
		return i128{}, 0, false
	}
	lo := new(big.Int).And(c, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi := new(big.Int).Rsh(c, 64).Uint64()
	v := i128{int64(hi), lo}
	if lim, _ := wideLimit.add(v.neg()); lim.hi < 0 || lim.sign() == 0 {
		return i128{}, 0, false
	}
	if neg {
		v = v.neg()
	}
	return v, int8(e), true
}

// wrec is the money of a wide customer, in units of 10⁻¹⁸, with the
// exponent of each decimal of its summary: Gross, Discounts,
// FullPriceNet (fullNet), Refunded, and Cost, which is knownCost +
// unknownNet × (1 − margin).
type wrec struct {
	gross, refunded, knownCost, unknownNet i128
	discounts, fullNet                     i128
	eGross, eRefunded, eDisc, eFull        int8
	eCost                                  int32
}

// A wide day is two words: the first holds the date and the orders as
// in a fixed day (packDay), then −exponent of the net in 5 bits and the
// top 32 bits of the net, signed; the second the low 64 bits.
const (
	wideDayWords = 2
	dayExpShift  = 32
)

func packWideDay(d customer.Date, orders uint32, exp int8, net i128) ([2]uint64, bool) {
	w, ok := packDay(d, orders, 0)
	if !ok || !net.fits96() || exp > 0 || exp < -wideScale {
		return [2]uint64{}, false
	}
	return [2]uint64{w | uint64(-exp)<<dayExpShift | uint64(uint32(net.hi)), net.lo}, true
}

func wideDayExp(w uint64) int8    { return -int8(w >> dayExpShift & 31) }
func wideDayNet(w [2]uint64) i128 { return i128{int64(int32(uint32(w[0]))), w[1]} }

// wide returns the wide record of wide customer r: its index is kept in
// r.gross, which a wide customer does not use.
func (s *shard) wide(r *crec) *wrec {
	i := r.gross
	return &s.wides[i/recChunk][i%recChunk]
}

// widen moves fixed customer i to the wide tier, exactly: the sums times
// 10¹⁴, with the exponents of the summary fill makes of the fixed record.
func (s *shard) widen(i int32) {
	r := s.rec(i)
	k := wideScale - fixScale
	k4 := k
	eCost := int32(-fixScale)
	if r.unknownNet != 0 {
		eCost += min(0, s.share.Exponent())
	}
	w := wrec{gross: mulPow10(r.gross, k), refunded: mulPow10(r.refunded, k), knownCost: mulPow10(r.knownCost, k),
		unknownNet: mulPow10(r.unknownNet, k), discounts: mulPow10(r.discounts, k), fullNet: mulPow10(r.fullNet, k),
		eGross: -fixScale, eRefunded: -fixScale, eDisc: -fixScale, eFull: -fixScale, eCost: eCost}
	var days blk
	if r.days.n > 0 {
		old := s.days.slice(r.days.off, r.days.n)
		days = blk{off: s.wdays.alloc(capOf(r.days.n) * wideDayWords), n: r.days.n}
		nw := s.wdays.slice(days.off, days.n*wideDayWords)
		for j, x := range old {
			d, _ := packWideDay(dayDate(x), dayOrders(x), -fixScale, mulPow10(dayNet(x), k))
			nw[2*j], nw[2*j+1] = d[0], d[1]
		}
		s.days.release(r.days.off, capOf(r.days.n))
	}
	var orders blk
	if r.orders.n > 0 {
		old := s.orders.slice(r.orders.off, r.orders.n*orderWords)
		orders = blk{off: s.worders.alloc(capOf(r.orders.n) * wideOrderWords), n: r.orders.n}
		nw := s.worders.slice(orders.off, orders.n*wideOrderWords)
		for k := range int(r.orders.n) {
			w := old[orderWords*k+1]
			net := mulPow10(orderNet(w), k4)
			p, _ := packOrder(orderDate(w), orderSale(w), 0)
			e := nw[wideOrderWords*k:]
			e[0], e[1], e[2], e[3] = old[orderWords*k], p|fixScale, uint64(net.hi), net.lo
		}
		s.orders.release(r.orders.off, capOf(r.orders.n)*orderWords)
	}
	n := s.nwide
	if int(n)%recChunk == 0 {
		s.wides = append(s.wides, make([]wrec, recChunk))
	}
	s.nwide++
	s.wides[n/recChunk][n%recChunk] = w
	r.gross = int64(n)
	r.days, r.orders = days, orders
	r.wide = true
}

// wrow is the money of a row in the wide tier: amount, cost and
// discount in units of 10⁻¹⁸, with the exponents of the decimals the
// decimal path adds.
type wrow struct {
	amount, cost, disc i128
	ea, ec, ed         int8
}

// addWide adds a valid row dated on or before AsOf to customer i in the
// wide tier, moving a fixed customer there, as account.add does; m is
// the row's money. It reports whether it could: false (nothing changed
// but the move) when the customer is on the decimal path or a sum would
// overflow or a limit is reached.
func (s *shard) addWide(i int32, fr *frow, m *wrow, sign, units int, exchange bool) bool {
	r := s.rec(i)
	if r.slow {
		return false
	}
	if !r.wide {
		s.widen(i)
	}
	x := *r
	wr := s.wide(r)
	y := *wr
	a := m.amount
	if u, ok := addUnits(x.units, x.returnedUnits, units, sign, exchange, fr.units); ok {
		x.units, x.returnedUnits = u[0], u[1]
	} else {
		return false
	}
	ok := true
	if exchange {
		// No money, no cost (salesrow), no day.
		x.returns++
		x.exchanges++
		x.exchangedUnits -= int32(fr.units)
		if x.returns < r.returns || x.exchanges < r.exchanges || x.exchangedUnits < r.exchangedUnits {
			return false
		}
		*r = x
		return true
	}
	var ok1, ok2 bool
	if fr.hasCost {
		c := m.cost
		if sign < 0 && c.sign() > 0 {
			c = c.neg()
		}
		y.knownCost, ok1 = y.knownCost.add(c)
		y.eCost = min(y.eCost, int32(m.ec))
	} else {
		y.unknownNet, ok1 = y.unknownNet.add(a)
		y.eCost = min(y.eCost, int32(m.ea)+min(0, s.share.Exponent()))
	}
	ok3 := true
	switch {
	case sign < 0:
		x.returns++
		y.refunded, ok2 = y.refunded.add(a.neg())
		y.eRefunded = min(y.eRefunded, m.ea)
		if fr.hasDisc && m.disc.sign() == 0 {
			// Goods sold at full price came back.
			y.fullNet, ok3 = y.fullNet.add(a)
			y.eFull = min(y.eFull, m.ea)
		}
	case fr.hasDisc && m.disc.sign() != 0:
		// At list price: Gross + (amount + discount), whose exponent is
		// the smallest of the three.
		var list i128
		if list, ok2 = a.add(m.disc); ok2 {
			y.gross, ok2 = y.gross.add(list)
		}
		y.eGross = min(y.eGross, m.ea, m.ed)
		y.discounts, ok3 = y.discounts.add(m.disc)
		y.eDisc = min(y.eDisc, m.ed)
	default:
		y.gross, ok2 = y.gross.add(a)
		y.eGross = min(y.eGross, m.ea)
		y.fullNet, ok3 = y.fullNet.add(a)
		y.eFull = min(y.eFull, m.ea)
	}
	ok = ok1 && ok2 && ok3
	if !ok || x.returns < r.returns {
		return false
	}
	oc, ok := s.wideOrderStep(&x, fr, sign >= 0, a, m.ea)
	if !ok {
		return false
	}
	// The days, found from the end: rows mostly come in date order.
	var days []uint64
	if x.days.n > 0 {
		days = s.wdays.slice(x.days.off, x.days.n*wideDayWords)
	}
	// The day the order leaves, when it moves: its words after.
	fj, fw := -1, [2]uint64{}
	if oc.moved {
		j, _ := dayAt(days, int(x.days.n), wideDayWords, oc.from)
		fj = j - 1
		d := [2]uint64{days[2*fj], days[2*fj+1]}
		n, ok := wideDayNet(d).add(oc.movedNet.neg())
		if !ok {
			return false
		}
		o := dayOrders(d[0])
		if oc.moveCount {
			o--
		}
		if fw, ok = packWideDay(oc.from, o, min(wideDayExp(d[0]), oc.movedExp), n); !ok {
			return false
		}
	}
	// The day the row counts on: its order's.
	add, exp := a, m.ea
	if oc.moved {
		if add, ok = a.add(oc.movedNet); !ok {
			return false
		}
		exp = min(exp, oc.movedExp)
	}
	var o uint32
	if oc.opens || oc.moveCount {
		o = 1
	}
	j, found := dayAt(days, int(x.days.n), wideDayWords, oc.target)
	if found {
		d := [2]uint64{days[2*(j-1)], days[2*j-1]}
		n, ok := wideDayNet(d).add(add)
		if !ok {
			return false
		}
		w, ok := packWideDay(oc.target, dayOrders(d[0])+o, min(wideDayExp(d[0]), exp), n)
		if !ok {
			return false
		}
		if fj >= 0 {
			days[2*fj], days[2*fj+1] = fw[0], fw[1]
		}
		days[2*(j-1)], days[2*j-1] = w[0], w[1]
	} else {
		// A new day's net is the zero Decimal (exponent 0) plus the amount.
		w, ok := packWideDay(oc.target, o, min(0, exp), add)
		if !ok || x.days.n >= maxFastDays {
			return false
		}
		if fj >= 0 {
			days[2*fj], days[2*fj+1] = fw[0], fw[1]
		}
		days = s.wdays.grow(&x.days, wideDayWords)
		n := int(x.days.n)
		copy(days[2*(j+1):2*n], days[2*j:2*(n-1)])
		days[2*j], days[2*j+1] = w[0], w[1]
	}
	if oc.moved && dayOrders(fw[0]) == 0 && wideDayNet(fw).sign() == 0 {
		// The day held only the order's rows.
		s.wdays.remove(&x.days, wideDayWords, oc.from)
	}
	s.setWideOrder(&x, fr, oc)
	if s.keepEarly {
		s.crossEarly(fr.date, oc.orderChange)
	}
	if sign >= 0 && fr.cat != "" {
		s.addCategory(i, &x, fr.cat)
	}
	*r = x
	*wr = y
	return true
}

// A wide customer's order is wideOrderWords words of the worders arena,
// sorted by key: its key, a word as packOrder makes it with a net of 0
// and −exponent of the net in its low 5 bits, and the net, in units of
// 10⁻¹⁸, in two words (high, then low) with the exponent the decimal
// path gives it (salesrow.Order.Net: the smallest of its rows').
const wideOrderWords = 4

// wideOrderChange is an orderChange of a wide customer: movedNet and
// movedExp are the net that moves, and word, net and exp the order's
// state after the row.
type wideOrderChange struct {
	orderChange
	movedNet, net i128
	movedExp, exp int8
}

// wideOrderStep is orderStep for wide customer x, of a row of amount a
// (units of 10⁻¹⁸) and exponent ea.
func (s *shard) wideOrderStep(x *crec, fr *frow, sale bool, a i128, ea int8) (oc wideOrderChange, ok bool) {
	var ks []uint64
	if x.orders.n > 0 {
		ks = s.worders.slice(x.orders.off, x.orders.n*wideOrderWords)
	}
	k, hit := searchKey(ks, wideOrderWords, fr.key)
	oc.k = k
	if !hit {
		if x.orders.n >= maxFastOrders {
			return oc, false
		}
		oc.isNew, oc.opens, oc.target = true, sale, fr.date
		oc.word, ok = packOrder(fr.date, sale, 0)
		oc.net, oc.exp = a, ea
		return oc, ok
	}
	w := ks[wideOrderWords*k+1]
	d := orderDate(w)
	net, exp := i128{int64(ks[wideOrderWords*k+2]), ks[wideOrderWords*k+3]}, -int8(w&31)
	hasSale := oc.meet(sale, orderSale(w), d, fr.date)
	if oc.moved {
		oc.movedNet, oc.movedExp = net, exp
	}
	if oc.net, ok = net.add(a); !ok {
		return oc, false
	}
	oc.exp = min(exp, ea)
	oc.word, ok = packOrder(oc.target, hasSale, 0)
	return oc, ok
}

// setWideOrder records change oc of row fr in the orders of the wide
// customer whose record being built is x.
func (s *shard) setWideOrder(x *crec, fr *frow, oc wideOrderChange) {
	var ks []uint64
	if oc.isNew {
		ks = s.worders.grow(&x.orders, wideOrderWords)
		k, n := oc.k, int(x.orders.n)
		copy(ks[wideOrderWords*(k+1):wideOrderWords*n], ks[wideOrderWords*k:wideOrderWords*(n-1)])
		ks[wideOrderWords*k] = fr.key
	} else {
		ks = s.worders.slice(x.orders.off, x.orders.n*wideOrderWords)
	}
	e := ks[wideOrderWords*oc.k:]
	e[1], e[2], e[3] = oc.word|uint64(-oc.exp), uint64(oc.net.hi), oc.net.lo
}

// wideOrder returns the state of the k-th order of ks, orders of a wide
// customer.
func wideOrder(ks []uint64, k int) salesrow.Order {
	e := ks[wideOrderWords*k:]
	return salesrow.Order{Day: orderDate(e[1]), Seen: true, Sale: orderSale(e[1]), Net: wideDec(i128{int64(e[2]), e[3]}, int32(-int8(e[1]&31)))}
}

// fillWide writes the money and the days of wide customer r into dst.
func (s *shard) fillWide(r *crec, dst *customer.Summary, days []customer.Day) []customer.Day {
	w := s.wide(r)
	dst.Gross = wideDec(w.gross, int32(w.eGross))
	dst.Discounts = wideDec(w.discounts, int32(w.eDisc))
	dst.FullPriceNet = wideDec(w.fullNet, int32(w.eFull))
	dst.Refunded = wideDec(w.refunded, int32(w.eRefunded))
	if w.unknownNet.sign() == 0 {
		dst.Cost = wideDec(w.knownCost, w.eCost)
	} else {
		// The value is a multiple of 10^eCost: Round only sets the
		// exponent.
		dst.Cost = wideDec(w.knownCost, -wideScale).Add(wideDec(w.unknownNet, -wideScale).Mul(s.share)).Round(-w.eCost)
	}
	var ws []uint64
	if r.days.n > 0 {
		ws = s.wdays.slice(r.days.off, r.days.n*wideDayWords)
	}
	orders := 0
	for j := 0; j < len(ws); j += wideDayWords {
		d := [2]uint64{ws[j], ws[j+1]}
		day := customer.Day{Date: dayDate(d[0]), Orders: int(dayOrders(d[0])), Net: wideDec(wideDayNet(d), int32(wideDayExp(d[0])))}
		orders += day.Orders
		days = append(days, day)
	}
	dst.Orders = orders
	return days
}
