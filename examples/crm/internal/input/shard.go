package input

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/examples/crm/internal/hugepage"
)

// crec is the state of one customer in fixed point: the fields of a
// customer.Summary built by AddSale, with Orders the sum of the days'
// orders. Money is in units of 10⁻⁴: gross is Gross, at list price (a
// sale's amount + |discount|), discounts Discounts, fullNet FullPriceNet
// (equal to gross for an export without discounts); Cost is knownCost +
// unknownNet × (1 − margin). A customer of the wide tier (wide.go) keeps
// its money in a wrec instead, and one of the decimal path (slow) in an
// account.
type crec struct {
	id                                     uint64 // ids arena: chunk<<idChunkShift | offset<<idLenBits | length
	gross, refunded, knownCost, unknownNet int64
	discounts, fullNet                     int64
	cats                                   uint64 // bit i: category i of the shard
	days, orders                           blk
	units, returnedUnits                   int32
	returns, exchanges                     uint32
	exchangedUnits                         int32
	kind                                   customer.Kind
	stated                                 bool // a row stated kind (else it is the default)
	slow                                   bool // the state is in shard.slow
	// wide says the money is in shard.wides (the index in gross) and
	// the days in shard.wdays (wide.go).
	wide bool
}

// A day is one word: the date (offset by dayBias) in the top 23 bits, the
// orders in the next 4, the net (units of 10⁻⁴, up to ±6.8 million
// currency units) in the low 37, signed. A day that does not fit moves
// its customer to the wide tier (wide.go).
const (
	dayBias      = 1 << 22
	dayMaxOrders = 1<<4 - 1
	dayNetBits   = 37
)

func packDay(d customer.Date, orders uint32, net int64) (uint64, bool) {
	dd := int64(d) + dayBias
	if dd < 0 || dd >= 1<<23 || orders > dayMaxOrders || net < -(1<<(dayNetBits-1)) || net >= 1<<(dayNetBits-1) {
		return 0, false
	}
	return uint64(dd)<<41 | uint64(orders)<<dayNetBits | uint64(net)&(1<<dayNetBits-1), true
}

func dayDate(w uint64) customer.Date { return customer.Date(int64(w>>41) - dayBias) }
func dayOrders(w uint64) uint32      { return uint32(w>>dayNetBits) & dayMaxOrders }
func dayNet(w uint64) int64          { return int64(w<<(64-dayNetBits)) >> (64 - dayNetBits) }

// blk is a run of n entries in a word arena; its capacity is n rounded
// up to a power of two, at least minBlk (0 when n is 0).
type blk struct{ off, n uint32 }

// minBlk is the smallest capacity of a blk: most customers have a few
// days and orders, which then take no copies.
const minBlk = 4

func capOf(n uint32) uint32 {
	switch {
	case n == 0:
		return 0
	case n <= minBlk:
		return minBlk
	}
	return 1 << bits.Len32(n-1)
}

// Limits past which a customer takes the decimal path (a sorted slice
// of order keys is then too slow to insert into).
const (
	maxFastOrders = 1024
	maxFastDays   = 1 << 14
)

const (
	recChunk   = 1 << 12
	arenaChunk = 1 << 17 // words
	idChunk    = 1 << 20 // bytes
)

// arena hands out blocks of 2^k words from fixed-size chunks, with a free
// list per size.
type arena struct {
	chunks [][]uint64
	slabs  hugepage.Chunks[uint64]
	top    uint32
	free   [18]uint32 // head + 1
}

func (a *arena) alloc(words uint32) uint32 {
	c := bits.Len32(words - 1)
	if h := a.free[c]; h != 0 {
		off := h - 1
		a.free[c] = uint32(a.chunks[off/arenaChunk][off%arenaChunk])
		return off
	}
	end := uint32(len(a.chunks)) * arenaChunk
	if a.top+words > end {
		a.chunks = append(a.chunks, a.slabs.Next(arenaChunk))
		a.top = end
	}
	off := a.top
	a.top += words
	return off
}

func (a *arena) release(off, words uint32) {
	if words == 0 {
		return
	}
	c := bits.Len32(words - 1)
	a.chunks[off/arenaChunk][off%arenaChunk] = uint64(a.free[c])
	a.free[c] = off + 1
}

func (a *arena) slice(off, words uint32) []uint64 {
	o := off % arenaChunk
	return a.chunks[off/arenaChunk][o : o+words : o+words]
}

// grow makes room for one more entry of size words in b, moving it to a
// block twice as large when it is full.
func (a *arena) grow(b *blk, size uint32) []uint64 {
	if c := capOf(b.n); b.n == c {
		nc := max(minBlk, 2*c)
		off := a.alloc(nc * size)
		if b.n > 0 {
			copy(a.slice(off, b.n*size), a.slice(b.off, b.n*size))
			a.release(b.off, c*size)
		}
		b.off = off
	}
	b.n++
	return a.slice(b.off, capOf(b.n)*size)
}

// remove takes the entry of size words whose first word holds date
// (a day: dayDate) out of b, moving it to a block half as large when its
// capacity shrinks.
func (a *arena) remove(b *blk, size uint32, date customer.Date) {
	ws := a.slice(b.off, b.n*size)
	j := uint32(0)
	for dayDate(ws[j*size]) != date {
		j++
	}
	copy(ws[j*size:], ws[(j+1)*size:])
	c := capOf(b.n)
	b.n--
	if nc := capOf(b.n); nc != c {
		off := uint32(0)
		if nc > 0 {
			off = a.alloc(nc * size)
			copy(a.slice(off, b.n*size), a.slice(b.off, b.n*size))
		}
		a.release(b.off, c*size)
		b.off = off
	}
}

// shard holds the customers of one worker.
type shard struct {
	recs   [][]crec
	n      int32
	table  []uint64 // tag<<32 | index+1, open addressing
	ids    [][]byte
	days   arena // a word a day (packDay)
	orders arena // orders by key, orderWords an order (orderOf)
	// wides holds the money of the wide customers (wide.go), wdays
	// their days, two words a day (packWideDay).
	wides [][]wrec
	nwide int32
	wdays arena
	// worders holds the orders of the wide customers, wideOrderWords
	// words an order.
	worders arena
	// lastKey is an order key of customer lastKeyOf, that of the last
	// row added to the orders of a fixed record, and lastK the index of
	// its order there.
	lastKey   uint64
	lastKeyOf int32
	lastK     int
	cats      []string
	catID     map[string]int
	catSlot   [64]struct {
		name string
		i    int32
	}
	extra  map[int32][]int // categories past the 64th
	slow   map[int32]*account
	tmpl   *customer.Summary
	share  decimal.Decimal // 1 − margin
	sorted []int32
	// byRank holds the first 64 categories in sorted order, and rank the
	// place of each there; both are set when the scan is over.
	byRank []string
	rank   []uint8
	// keepEarly says the state of each customer as of earlier is kept
	// in earlies (earlier.go), a chunk of records for each of recs;
	// laterEarly counts the rows added that are dated after earlier, and
	// earlyLost says a sum of that state left its range, or a row or an
	// order crossed earlier (crossEarly).
	keepEarly  bool
	earlier    customer.Date
	earlies    [][]earlyRec
	laterEarly int64
	earlyLost  bool
}

func newShard(tmpl *customer.Summary, share decimal.Decimal) *shard {
	return &shard{table: make([]uint64, 1<<10), catID: map[string]int{}, tmpl: tmpl, share: share, lastKeyOf: -1}
}

func (s *shard) rec(i int32) *crec { return &s.recs[i/recChunk][i%recChunk] }

// The word of an ID in the ids arena holds its chunk, its offset in the
// chunk and its length. An ID is a field of one record, and a record
// ends within MaxLineBytes of its start, so the length fits in
// idLenBits; a chunk holds idChunk bytes, or one ID longer than that at
// offset 0.
const (
	idLenBits    = 23
	idOffBits    = 21
	idChunkShift = idLenBits + idOffBits
)

// Checked when compiled: a chunk's offsets fit in idOffBits, and an ID
// (within a record of up to about twice MaxLineBytes) in idLenBits.
const (
	_ = uint(1<<idOffBits - idChunk)
	_ = uint(1<<idLenBits - 2*MaxLineBytes)
)

func (s *shard) id(r *crec) string {
	b := s.ids[r.id>>idChunkShift]
	o := r.id >> idLenBits & (1<<idOffBits - 1)
	return unsafe.String(&b[o], int(r.id&(1<<idLenBits-1)))
}

// The table holds tag<<32 | index+1 for each customer, where the tag is
// the top half of the hash of the ID, and the home slot is the tag modulo
// the size of the table: the table grows without hashing the IDs again.
// (The owner of a customer is a function of the top bits of the tag, so
// its low bits, the slot, are spread evenly within a shard.)

func (s *shard) lookup(id string, h uint64) int32 {
	mask := uint64(len(s.table) - 1)
	tag := h >> 32
	for p := tag & mask; ; p = (p + 1) & mask {
		e := s.table[p]
		if e == 0 {
			return -1
		}
		if e>>32 == tag {
			i := int32(uint32(e) - 1)
			if s.id(s.rec(i)) == id {
				return i
			}
		}
	}
}

func (s *shard) put(h uint64, i int32) {
	s.put2(h>>32<<32 | uint64(i+1))
}

// insert adds a new customer of kind k and returns its index; stated
// says that a row stated k.
func (s *shard) insert(id string, h uint64, k customer.Kind, stated bool) int32 {
	if int(s.n+1)*4 > len(s.table)*3 {
		old := s.table
		s.table = hugepage.Make[uint64](2 * len(old))
		for _, e := range old {
			if e != 0 {
				s.put2(e)
			}
		}
	}
	i := s.n
	if int(i)%recChunk == 0 {
		s.recs = append(s.recs, make([]crec, recChunk))
		if s.keepEarly {
			s.earlies = append(s.earlies, make([]earlyRec, recChunk))
		}
	}
	s.n++
	r := s.rec(i)
	*r = crec{kind: k, stated: stated}
	// The ID goes to the byte arena.
	last := len(s.ids) - 1
	if last < 0 || len(s.ids[last])+len(id) > cap(s.ids[last]) {
		s.ids = append(s.ids, make([]byte, 0, max(idChunk, len(id))))
		last++
	}
	r.id = uint64(last)<<idChunkShift | uint64(len(s.ids[last]))<<idLenBits | uint64(len(id))
	s.ids[last] = append(s.ids[last], id...)
	s.put(h, i)
	return i
}

// put2 inserts a table entry at the first free slot from its home.
func (s *shard) put2(e uint64) {
	mask := uint64(len(s.table) - 1)
	p := e >> 32 & mask
	for s.table[p] != 0 {
		p = (p + 1) & mask
	}
	s.table[p] = e
}

// category returns the index of category c (not empty), adding it. A
// shop has a handful of categories: a small table indexed by the length
// and the outer bytes of the name finds one with a single comparison.
func (s *shard) category(c string) int {
	slot := &s.catSlot[(len(c)+3*int(c[0])+5*int(c[len(c)-1]))%len(s.catSlot)]
	if slot.name == c && slot.name != "" {
		return int(slot.i)
	}
	i := s.categoryIndex(c)
	slot.name, slot.i = s.cats[i], int32(i)
	return i
}

// categoryIndex returns the index of category c, adding it.
func (s *shard) categoryIndex(c string) int {
	if i, ok := s.catID[c]; ok {
		return i
	}
	i := len(s.cats)
	c = strings.Clone(c)
	s.cats = append(s.cats, c)
	s.catID[c] = i
	return i
}

// addUnits returns the units and returned units after a row (as
// account.add counts them), or false when they leave the int32 range.
func addUnits(units, returned int32, u, sign int, exchange bool, rowUnits int) ([2]int32, bool) {
	nu, nr := int64(units), int64(returned)
	if sign < 0 {
		nr -= int64(u)
	} else {
		nu += int64(u)
	}
	if exchange {
		nr -= int64(rowUnits)
	}
	if nu != int64(int32(nu)) || nr != int64(int32(nr)) {
		return [2]int32{}, false
	}
	return [2]int32{int32(nu), int32(nr)}, true
}

func add64(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) == (b > 0)
}

// addTo adds b to *a, unless the sum overflows: then it reports false
// and *a is left as it is.
func addTo(a *int64, b int64) bool {
	c, ok := add64(*a, b)
	if ok {
		*a = c
	}
	return ok
}

// addFixed adds a valid row dated on or before AsOf to customer i, as
// account.add does, and reports whether it could: false (nothing
// changed) when the customer is on the decimal path or a sum would
// overflow or a limit is reached.
func (s *shard) addFixed(i int32, fr *frow, sign, units int, exchange bool) bool {
	r := s.rec(i)
	if r.slow || r.wide {
		return false
	}
	a := fr.amount
	x := *r
	ok := true
	var ok1, ok2 bool
	if u, ok := addUnits(x.units, x.returnedUnits, units, sign, exchange, fr.units); ok {
		x.units, x.returnedUnits = u[0], u[1]
	} else {
		return false
	}
	if fr.hasCost && !exchange { // an exchange's cost is left out (salesrow)
		c := fr.cost
		if sign < 0 && c > 0 {
			c = -c
		}
		x.knownCost, ok1 = add64(x.knownCost, c)
	} else {
		x.unknownNet, ok1 = add64(x.unknownNet, a)
	}
	ok = ok && ok1
	// The money as customer.Summary.AddSale adds it: a sale with a
	// discount d other than zero at list price a + d in gross and at d in
	// discounts, one without at a in gross and fullNet; a refund whose
	// discount is zero (goods sold at full price came back) in fullNet
	// too. An exchange's discount is left out (salesrow).
	switch {
	case sign < 0:
		x.returns++
		x.refunded, ok2 = add64(x.refunded, -a)
		if ok2 && fr.hasDisc && fr.disc == 0 {
			ok2 = addTo(&x.fullNet, a)
		}
	case fr.hasDisc && fr.disc != 0 && !exchange:
		list, ok3 := add64(a, fr.disc)
		ok2 = ok3 && addTo(&x.gross, list) && addTo(&x.discounts, fr.disc)
	default:
		ok2 = addTo(&x.gross, a) && addTo(&x.fullNet, a)
	}
	ok = ok && ok2
	if exchange {
		x.returns++
		x.exchanges++
		x.exchangedUnits -= int32(fr.units)
	}
	if !ok || x.returns < r.returns || x.exchanges < r.exchanges || x.exchangedUnits < r.exchangedUnits {
		return false
	}
	if exchange {
		// Not a purchase: no order, no day, no category (salesrow).
		*r = x
		return true
	}
	oc, ok := s.orderStep(i, &x, fr, sign >= 0, a)
	if !ok {
		return false
	}
	// The days, found from the end: rows mostly come in date order.
	var days []uint64
	if x.days.n > 0 {
		days = s.days.slice(x.days.off, x.days.n)
	}
	// The day the order leaves, when it moves: its word after.
	fj, fw := -1, uint64(0)
	if oc.moved {
		j, _ := dayAt(days, int(x.days.n), 1, oc.from)
		fj = j - 1
		n, ok := add64(dayNet(days[fj]), -oc.movedNet)
		if !ok || oc.movedNet == math.MinInt64 {
			return false
		}
		o := dayOrders(days[fj])
		if oc.moveCount {
			o--
		}
		if fw, ok = packDay(oc.from, o, n); !ok {
			return false
		}
	}
	// The day the row counts on: its order's.
	add, ok := add64(a, oc.movedNet)
	if !ok {
		return false
	}
	var o uint32
	if oc.opens || oc.moveCount {
		o = 1
	}
	j, found := dayAt(days, int(x.days.n), 1, oc.target)
	if found {
		n, ok := add64(dayNet(days[j-1]), add)
		if !ok {
			return false
		}
		w, ok := packDay(oc.target, dayOrders(days[j-1])+o, n)
		if !ok {
			return false
		}
		if fj >= 0 {
			days[fj] = fw
		}
		days[j-1] = w
	} else {
		w, ok := packDay(oc.target, o, add)
		if !ok || x.days.n >= maxFastDays {
			return false
		}
		if fj >= 0 {
			days[fj] = fw
		}
		days = s.days.grow(&x.days, 1)
		copy(days[j+1:x.days.n], days[j:x.days.n-1])
		days[j] = w
	}
	if oc.moved && dayOrders(fw) == 0 && dayNet(fw) == 0 {
		// The day held only the order's rows.
		s.days.remove(&x.days, 1, oc.from)
	}
	s.setOrder(i, &x, fr, oc)
	if s.keepEarly {
		s.crossEarly(fr.date, oc)
	}
	if sign >= 0 && fr.cat != "" {
		s.addCategory(i, &x, fr.cat)
	}
	*r = x
	return true
}

// An order is orderWords words of the orders arena, sorted by key: its
// key (orderKey) and its state (salesrow.Order) in one word (packOrder):
// the day it counts on, whether it has a sale row, and the net of its
// rows counted, in units of 10⁻⁴.
const orderWords = 2

// The word of an order: the date (offset by dayBias) in the top 23 bits,
// as in a day's word, then a bit set when the order has a sale row, and
// the net in the low orderNetBits, signed (up to ±54 million currency
// units). An order whose net does not fit moves its customer to the
// decimal path.
const orderNetBits = 40

func packOrder(d customer.Date, sale bool, net int64) (uint64, bool) {
	dd := int64(d) + dayBias
	if dd < 0 || dd >= 1<<23 || net < -(1<<(orderNetBits-1)) || net >= 1<<(orderNetBits-1) {
		return 0, false
	}
	w := uint64(dd)<<41 | uint64(net)&(1<<orderNetBits-1)
	if sale {
		w |= 1 << orderNetBits
	}
	return w, true
}

func orderDate(w uint64) customer.Date { return customer.Date(int64(w>>41) - dayBias) }
func orderSale(w uint64) bool          { return w>>orderNetBits&1 != 0 }
func orderNet(w uint64) int64          { return int64(w<<(64-orderNetBits)) >> (64 - orderNetBits) }

// searchOrder returns the index in ks, orders of orderWords words, of
// the order of key, or where it goes, and whether it is there.
func searchOrder(ks []uint64, key uint64) (int, bool) { return searchKey(ks, orderWords, key) }

// searchKey returns the index in ks, entries of size words sorted by
// their first, of the entry of key, or where it goes, and whether it is
// there.
func searchKey(ks []uint64, size int, key uint64) (int, bool) {
	lo, hi := 0, len(ks)/size
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ks[size*m] < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(ks)/size && ks[size*lo] == key
}

// orderChange is what a row does to its order, as salesrow.Add counts
// it. k is the index of the order (where it goes when isNew); the row
// counts on day target, and counts an order there when opens (a new
// order's sale row, or the first sale row of an order of refunds only).
// When moved, the order leaves day from for target, with its net so far
// movedNet, and its count when moveCount. word is the order's word after
// the row (packOrder).
type orderChange struct {
	k                   int
	isNew, opens, moved bool
	moveCount           bool
	from, target        customer.Date
	movedNet            int64
	word                uint64
}

// dayAt returns where the day of date is or goes among the n days held
// in words, stride words a day with the date's word first: j days come
// before it, and found reports whether the j-th (counted from 1) is it.
// It searches from the end: rows mostly come in date order.
func dayAt(words []uint64, n, stride int, date customer.Date) (j int, found bool) {
	j = n
	for j > 0 && dayDate(words[stride*(j-1)]) > date {
		j--
	}
	return j, j > 0 && dayDate(words[stride*(j-1)]) == date
}

// meet sets in oc what a row dated date, a sale row when sale is set,
// does to the order it belongs to, counted on day d and with a sale row
// when hasSale is set (see orderChange), and returns whether the order
// has a sale row after it.
func (oc *orderChange) meet(sale, hasSale bool, d, date customer.Date) bool {
	oc.target = d
	switch {
	case sale && !hasSale:
		oc.opens, oc.target, hasSale = true, date, true
		oc.moved = date != d
	case (sale || !hasSale) && date < d:
		oc.moved, oc.moveCount, oc.target = true, sale, date
	}
	if oc.moved {
		oc.from = d
	}
	return hasSale
}

// orderStep returns what row fr of amount a, a sale row when sale is
// set, of customer i, whose record being built is x, does to its order;
// ok is false when a new order would pass maxFastOrders or the order's
// net does not fit its word. It changes nothing. The rows of an order
// come together: the order of the last row added is found without a
// search.
func (s *shard) orderStep(i int32, x *crec, fr *frow, sale bool, a int64) (oc orderChange, ok bool) {
	var ks []uint64
	if x.orders.n > 0 {
		ks = s.orders.slice(x.orders.off, x.orders.n*orderWords)
	}
	k, hit := s.lastK, true
	if i != s.lastKeyOf || fr.key != s.lastKey {
		k, hit = searchOrder(ks, fr.key)
	}
	oc.k = k
	if !hit {
		if x.orders.n >= maxFastOrders {
			return oc, false
		}
		oc.isNew, oc.opens, oc.target = true, sale, fr.date
		oc.word, ok = packOrder(fr.date, sale, a)
		return oc, ok
	}
	w := ks[orderWords*k+1]
	d, net := orderDate(w), orderNet(w)
	hasSale := oc.meet(sale, orderSale(w), d, fr.date)
	if oc.moved {
		oc.movedNet = net
	}
	n, ok := add64(net, a)
	if !ok {
		return oc, false
	}
	oc.word, ok = packOrder(oc.target, hasSale, n)
	return oc, ok
}

// setOrder records change oc of row fr in the orders of customer i,
// whose record being built is x, and the row's order as the last one.
func (s *shard) setOrder(i int32, x *crec, fr *frow, oc orderChange) {
	if oc.isNew {
		ks := s.orders.grow(&x.orders, orderWords)
		k, n := oc.k, int(x.orders.n)
		copy(ks[orderWords*(k+1):orderWords*n], ks[orderWords*k:orderWords*(n-1)])
		ks[orderWords*k], ks[orderWords*k+1] = fr.key, oc.word
	} else {
		ks := s.orders.slice(x.orders.off, x.orders.n*orderWords)
		ks[orderWords*oc.k+1] = oc.word
	}
	s.lastKey, s.lastKeyOf, s.lastK = fr.key, i, oc.k
}

// crossEarly records that the state as of Options.Earlier is lost when
// the row on date (change oc) counts on a day on the other side of
// Earlier than its own, or moves its order across Earlier: the days as
// of Earlier are then not those of the summary dated on or before it.
func (s *shard) crossEarly(date customer.Date, oc orderChange) {
	e := s.earlier
	if (date <= e) != (oc.target <= e) || (oc.moved && (oc.from <= e) != (oc.target <= e)) {
		s.earlyLost = true
	}
}

// addCategory adds category cat (not empty) to customer i, whose record
// being built is x.
func (s *shard) addCategory(i int32, x *crec, cat string) {
	c := s.category(cat)
	if c < 64 {
		x.cats |= 1 << c
		return
	}
	e := s.extra[i]
	if p, hit := slices.BinarySearch(e, c); !hit {
		if s.extra == nil {
			s.extra = map[int32][]int{}
		}
		s.extra[i] = slices.Insert(e, p, c)
	}
}

// state records that a row of customer i, now added, states kind k (0:
// none).
func (s *shard) state(i int32, k customer.Kind) {
	if k != 0 {
		r := s.rec(i)
		r.kind, r.stated = k, true
	}
}

// account moves customer i to the decimal path, if not there yet, and
// returns its account: from the summary fill makes of its fixed or wide
// record.
func (s *shard) account(i int32, cur customer.Currency) *account {
	r := s.rec(i)
	if r.slow {
		return s.slow[i]
	}
	a := &account{stated: r.stated}
	s.fill(i, &a.s, cur, nil)
	a.s.Days = slices.Clone(a.s.Days)
	a.s.Categories = slices.Clone(a.s.Categories)
	switch {
	case r.orders.n == 0:
	case r.wide:
		ks := s.worders.slice(r.orders.off, r.orders.n*wideOrderWords)
		for k := range int(r.orders.n) {
			a.orders.set(ks[wideOrderWords*k], wideOrder(ks, k))
		}
	default:
		ks := s.orders.slice(r.orders.off, r.orders.n*orderWords)
		for k := range int(r.orders.n) {
			w := ks[orderWords*k+1]
			a.orders.set(ks[orderWords*k], salesrow.Order{Day: orderDate(w), Seen: true, Sale: orderSale(w), Net: dec(orderNet(w))})
		}
	}
	if r.wide {
		s.wdays.release(r.days.off, capOf(r.days.n)*wideDayWords)
		s.worders.release(r.orders.off, capOf(r.orders.n)*wideOrderWords)
	} else {
		s.days.release(r.days.off, capOf(r.days.n))
		s.orders.release(r.orders.off, capOf(r.orders.n)*orderWords)
	}
	r.days, r.orders = blk{}, blk{}
	r.slow, r.wide = true, false
	if s.slow == nil {
		s.slow = map[int32]*account{}
	}
	s.slow[i] = a
	return a
}

// copySummary copies src into dst, into dst's own slices.
func copySummary(dst, src *customer.Summary) {
	days := append(dst.Days[:0], src.Days...)
	cats := append(dst.Categories[:0], src.Categories...)
	*dst = *src
	dst.Days, dst.Categories = days, cats
}

// zero4 is 0 with the exponent of the fixed-point amounts: sums and
// differences of decimals with equal exponents need no rescaling.
var zero4 = decimal.New(0, -fixScale)

// dec returns v units of 10⁻⁴ as a decimal.
func dec(v int64) decimal.Decimal {
	if v == 0 {
		return zero4
	}
	return decimal.New(v, -fixScale)
}

// amountCache holds decimals made from fixed-point amounts, direct
// mapped by a hash of the amount: shops sell at a few price points, so the
// nets of days repeat, and a decimal made costs an allocation. Decimals
// are immutable, so summaries may share them.
type amountCache [1 << 12]struct {
	v int64
	d decimal.Decimal
}

// dec is dec(v), from the cache when it holds v.
func (c *amountCache) dec(v int64) decimal.Decimal {
	if c == nil || v == 0 {
		return dec(v)
	}
	e := &c[uint64(v)*0x9e3779b97f4a7c15>>52]
	if e.v != v {
		e.v, e.d = v, dec(v)
	}
	return e.d
}

// fill writes the summary of customer i into dst, reusing dst's slices;
// c, when not nil, is the caller's cache of amounts.
func (s *shard) fill(i int32, dst *customer.Summary, cur customer.Currency, c *amountCache) {
	r := s.rec(i)
	days, cats := dst.Days[:0], dst.Categories[:0]
	if r.slow {
		copySummary(dst, &s.slow[i].s)
		return
	}
	*dst = *s.tmpl
	dst.CustomerID = customer.ID(s.id(r))
	dst.Kind = r.kind
	dst.Currency = cur
	dst.Units, dst.ReturnedUnits = int(r.units), int(r.returnedUnits)
	dst.Returns, dst.Exchanges = int(r.returns), int(r.exchanges)
	dst.ExchangedUnits = int(r.exchangedUnits)
	if r.wide {
		dst.Days = s.fillWide(r, dst, days)
		s.fillCategories(i, r, dst, cats)
		return
	}
	// The sums of customers of one or two lines repeat as the prices
	// do: from the cache.
	dst.Gross = c.dec(r.gross)
	dst.Discounts = c.dec(r.discounts)
	dst.FullPriceNet = dst.Gross
	if r.fullNet != r.gross {
		dst.FullPriceNet = c.dec(r.fullNet)
	}
	dst.Refunded = c.dec(r.refunded)
	cost := dec(r.knownCost)
	if r.unknownNet != 0 {
		cost = cost.Add(dec(r.unknownNet).Mul(s.share))
	}
	dst.Cost = cost
	var w []uint64
	if r.days.n > 0 {
		w = s.days.slice(r.days.off, r.days.n)
	}
	orders := 0
	for _, x := range w {
		d := customer.Day{Date: dayDate(x), Orders: int(dayOrders(x)), Net: c.dec(dayNet(x))}
		orders += d.Orders
		days = append(days, d)
	}
	dst.Orders = orders
	dst.Days = days
	s.fillCategories(i, r, dst, cats)
}

// fillCategories writes the categories of customer i into dst, in cats.
func (s *shard) fillCategories(i int32, r *crec, dst *customer.Summary, cats []string) {
	if s.rank != nil && s.extra[i] == nil {
		// The categories by rank: in sorted order without sorting.
		var m uint64
		for c := r.cats; c != 0; c &= c - 1 {
			m |= 1 << s.rank[bits.TrailingZeros64(c)]
		}
		for ; m != 0; m &= m - 1 {
			cats = append(cats, s.byRank[bits.TrailingZeros64(m)])
		}
		dst.Categories = cats
		return
	}
	for m := r.cats; m != 0; m &= m - 1 {
		cats = append(cats, s.cats[bits.TrailingZeros64(m)])
	}
	for _, c := range s.extra[i] {
		cats = append(cats, s.cats[c])
	}
	slices.Sort(cats)
	dst.Categories = cats
}

// rankCategories sets byRank and rank from the first 64 categories.
func (s *shard) rankCategories() {
	n := min(len(s.cats), 64)
	ix := make([]uint8, n)
	for i := range ix {
		ix[i] = uint8(i)
	}
	slices.SortFunc(ix, func(a, b uint8) int { return strings.Compare(s.cats[a], s.cats[b]) })
	s.byRank = make([]string, n)
	s.rank = make([]uint8, n)
	for r, c := range ix {
		s.byRank[r] = s.cats[c]
		s.rank[c] = uint8(r)
	}
}

// Table is the result of [ScanCSV]: the per-customer state and the counts
// of [Result], with the customers sorted by [salesrow.CompareIDs].
type Table struct {
	// Rows, Blank, Later, Skipped, Errors and Currency are as in
	// [Result].
	Rows, Blank, Later, Skipped int64
	// Headers is as in [Result]: the rows that repeat the header.
	Headers int64
	Errors  []error
	// Skips is as in [Result]: all the skipped rows, by column and kind
	// of reason.
	Skips    []Skip
	Currency customer.Currency
	// Others is as in [Result]: the rows left out for their currency
	// (Options.Only), by currency.
	Others []CurrencyRows
	// Misnamed are the columns of the header named as an optional
	// column in another style, which are not read
	// ([CSVReader.Misnamed]).
	Misnamed []Misnamed

	asOf     customer.Date
	template customer.Summary
	// keepEarly says the shards keep the state of each customer as of
	// Options.Earlier (earlier.go).
	keepEarly bool
	shards    []*shard
	order     []uint64 // shard<<32 | index, sorted by ID
	sums      []*customer.Summary
}

// TableOf wraps the summaries of a [Result] in a Table.
func TableOf(res *Result) *Table {
	return &Table{Rows: res.Rows, Blank: res.Blank, Headers: res.Headers, Later: res.Later, Skipped: res.Skipped, Errors: res.Errors, Skips: res.Skips,
		Currency: res.Currency, Others: res.Others, sums: res.Summaries}
}

// Len returns the number of customers.
func (t *Table) Len() int {
	if t.sums != nil {
		return len(t.sums)
	}
	return len(t.order)
}

// Summary writes the summary of the i-th customer (in ID order) into dst,
// reusing the memory of dst's slices: a summary to keep must be cloned.
// The summaries are those Summarize returns for the same input.
func (t *Table) Summary(i int, dst *customer.Summary) {
	t.summary(i, dst, nil)
}

func (t *Table) summary(i int, dst *customer.Summary, c *amountCache) {
	if t.sums != nil {
		copySummary(dst, t.sums[i])
		return
	}
	o := t.order[i]
	t.shards[o>>32].fill(int32(uint32(o)), dst, t.Currency, c)
}

// A Summarizer writes the summaries of a [Table] as [Table.Summary]
// does, faster when it writes many: it keeps the last decimal amounts it
// has made, and summaries share them (decimals are immutable). A
// Summarizer is for one goroutine at a time.
type Summarizer struct {
	t     *Table
	cache amountCache
}

// Summarizer returns a new Summarizer of t.
func (t *Table) Summarizer() *Summarizer { return &Summarizer{t: t} }

// Summary writes the summary of the i-th customer into dst, as
// [Table.Summary] does.
func (z *Summarizer) Summary(i int, dst *customer.Summary) { z.t.summary(i, dst, &z.cache) }

// Len returns the number of customers of the table.
func (z *Summarizer) Len() int { return z.t.Len() }

// ID returns the ID of the i-th customer.
func (t *Table) ID(i int) customer.ID {
	if t.sums != nil {
		return t.sums[i].CustomerID
	}
	o := t.order[i]
	s := t.shards[o>>32]
	return customer.ID(s.id(s.rec(int32(uint32(o)))))
}

// FullPriceBelowZero returns the number of customers whose full-price net
// (customer.Summary.FullPriceNet) is below zero, and the first of them in
// ID order: customers whose refund rows with a discount of zero paid back
// more than their sales without a discount brought in. An export that
// writes 0 on the refunds of discounted goods makes such customers (see
// salesrow, "Exports and full records"). It reads the records without
// making summaries.
func (t *Table) FullPriceBelowZero() (n int, first customer.ID) {
	for i := range t.Len() {
		if t.fullPriceSign(i) < 0 {
			if n == 0 {
				first = t.ID(i)
			}
			n++
		}
	}
	return n, first
}

// fullPriceSign returns the sign of the full-price net of the i-th
// customer.
func (t *Table) fullPriceSign(i int) int {
	if t.sums != nil {
		return t.sums[i].FullPriceNet.Sign()
	}
	o := t.order[i]
	s := t.shards[o>>32]
	j := int32(uint32(o))
	r := s.rec(j)
	switch {
	case r.slow:
		return s.slow[j].s.FullPriceNet.Sign()
	case r.wide:
		return s.wide(r).fullNet.sign()
	case r.fullNet < 0:
		return -1
	case r.fullNet > 0:
		return 1
	}
	return 0
}

// sort orders the customers by ID: each shard on its own goroutine, then
// a merge.
func (t *Table) sort() {
	var wg sync.WaitGroup
	for _, s := range t.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.sorted = make([]int32, s.n)
			for i := range s.sorted {
				s.sorted[i] = int32(i)
			}
			slices.SortFunc(s.sorted, func(a, b int32) int { return salesrow.CompareIDs(s.id(s.rec(a)), s.id(s.rec(b))) })
			s.rankCategories()
			// The table and the order keys are no longer needed.
			s.table = nil
			s.orders, s.worders = arena{}, arena{}
		}()
	}
	wg.Wait()
	n := 0
	for _, s := range t.shards {
		n += len(s.sorted)
	}
	t.order = make([]uint64, 0, n)
	pos := make([]int, len(t.shards))
	for len(t.order) < n {
		best := -1
		var bid string
		for k, s := range t.shards {
			if pos[k] == len(s.sorted) {
				continue
			}
			id := s.id(s.rec(s.sorted[pos[k]]))
			if best < 0 || salesrow.CompareIDs(id, bid) < 0 {
				best, bid = k, id
			}
		}
		t.order = append(t.order, uint64(best)<<32|uint64(uint32(t.shards[best].sorted[pos[best]])))
		pos[best]++
	}
	for _, s := range t.shards {
		s.sorted = nil
	}
}
