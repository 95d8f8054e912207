package loyalty

import (
	"hash/maphash"
	"math/big"
	"math/bits"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// The Account's indexes are persistent: an update returns a new version
// and shares every untouched node with the old one, which is never
// changed. Apply therefore copies O(log n) nodes per update instead of
// the whole ledger state, and an Account stays a value.

var pseed = maphash.MakeSeed()

// pmap is a persistent hash trie from string keys to V: 16-way inner
// nodes on successive 4-bit slices of the key's hash, leaves of up to
// pLeafMax items. The zero pmap is empty.
type pmap[V any] struct {
	root *pnode[V]
	n    int
}

type pitem[V any] struct {
	h   uint64
	key string
	val V
}

type pnode[V any] struct {
	kids  *[16]*pnode[V] // inner node when non-nil
	items []pitem[V]     // leaf items otherwise
}

const pLeafMax = 32

// Len returns the number of keys.
func (m pmap[V]) Len() int { return m.n }

// get returns the value of key k.
func (m pmap[V]) get(k string) (V, bool) { return m.lookup(maphash.String(pseed, k), k) }

// lookup returns the value of key k whose hash is h.
func (m pmap[V]) lookup(h uint64, k string) (V, bool) {
	n := m.root
	for shift := uint(0); n != nil; shift += 4 {
		if n.kids == nil {
			for i := range n.items {
				if n.items[i].h == h && n.items[i].key == k {
					return n.items[i].val, true
				}
			}
			break
		}
		n = n.kids[(h>>shift)&15]
	}
	var zero V
	return zero, false
}

// set returns m with k mapped to v; m is unchanged.
func (m pmap[V]) set(k string, v V) pmap[V] {
	root, added := pset(m.root, pitem[V]{h: maphash.String(pseed, k), key: k, val: v}, 0)
	m.root = root
	if added {
		m.n++
	}
	return m
}

// pset returns a copy of n with it set, and whether the key is new. It
// never changes n.
func pset[V any](n *pnode[V], it pitem[V], shift uint) (*pnode[V], bool) {
	if n == nil {
		return &pnode[V]{items: []pitem[V]{it}}, true
	}
	if n.kids != nil {
		kids := *n.kids
		i := (it.h >> shift) & 15
		c, added := pset(kids[i], it, shift+4)
		kids[i] = c
		return &pnode[V]{kids: &kids}, added
	}
	for i := range n.items {
		if n.items[i].h == it.h && n.items[i].key == it.key {
			items := slices.Clone(n.items)
			items[i] = it
			return &pnode[V]{items: items}, false
		}
	}
	if len(n.items) < pLeafMax || shift >= 64 {
		items := make([]pitem[V], len(n.items)+1)
		copy(items, n.items)
		items[len(n.items)] = it
		return &pnode[V]{items: items}, true
	}
	// Split the full leaf into an inner node; items keep their order.
	inner := &pnode[V]{kids: &[16]*pnode[V]{}}
	for _, x := range n.items {
		inner, _ = pset(inner, x, shift)
	}
	inner, _ = pset(inner, it, shift)
	return inner, true
}

// int128 is an exact two's-complement 128-bit sum of int64 values: no sum
// of up to 2⁶³ Points overflows it.
type int128 struct {
	hi int64
	lo uint64
}

func i128(x int64) int128 { return int128{hi: x >> 63, lo: uint64(x)} }

func (a int128) add(b int128) int128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	return int128{hi: a.hi + b.hi + int64(c), lo: lo}
}

func (a int128) sub(b int128) int128 {
	lo, c := bits.Sub64(a.lo, b.lo, 0)
	return int128{hi: a.hi - b.hi - int64(c), lo: lo}
}

func (a int128) decimal() decimal.Decimal {
	if a.hi == int64(a.lo)>>63 {
		return decimal.NewFromInt(int64(a.lo))
	}
	v := new(big.Int).SetInt64(a.hi)
	v.Lsh(v, 64)
	v.Add(v, new(big.Int).SetUint64(a.lo))
	return decimal.NewFromBigInt(v, 0)
}

// qnode is a node of a persistent treap of the ledger's orders ordered by
// (time, ID), each node holding its order's qualifying contribution (the
// spend less what was returned, and the qualifying points left) and the
// sums over its subtree. The qualifying value of a window (from, t] is
// then prefix(t) − prefix(from), two walks from the root; the sums are
// exact (decimal and 128-bit integers). A nil *qnode is the empty treap.
type qnode struct {
	t           time.Time
	id          string
	prio        uint64
	spend       decimal.Decimal // spend − returned
	qual        Points
	sumSpend    decimal.Decimal
	sumQual     int128
	left, right *qnode
}

func qless(t1 time.Time, id1 string, t2 time.Time, id2 string) bool {
	if c := t1.Compare(t2); c != 0 {
		return c < 0
	}
	return id1 < id2
}

// fix recomputes n's sums from its children; n must be a fresh node.
func (n *qnode) fix() {
	n.sumSpend, n.sumQual = n.spend, i128(int64(n.qual))
	for _, c := range [2]*qnode{n.left, n.right} {
		if c != nil {
			n.sumSpend = n.sumSpend.Add(c.sumSpend)
			n.sumQual = n.sumQual.add(c.sumQual)
		}
	}
}

// qinsert returns the treap with order (t, id) added; n is unchanged. The
// order must not be in the treap.
func qinsert(n *qnode, t time.Time, id string, spend decimal.Decimal, qual Points) *qnode {
	if n == nil {
		x := &qnode{t: t, id: id, prio: maphash.String(pseed, id), spend: spend, qual: qual}
		x.fix()
		return x
	}
	c := *n
	if qless(t, id, n.t, n.id) {
		c.left = qinsert(n.left, t, id, spend, qual)
		if c.left.prio > c.prio {
			l := c.left // fresh: safe to change
			c.left = l.right
			c.fix()
			l.right = &c
			l.fix()
			return l
		}
	} else {
		c.right = qinsert(n.right, t, id, spend, qual)
		if c.right.prio > c.prio {
			r := c.right
			c.right = r.left
			c.fix()
			r.left = &c
			r.fix()
			return r
		}
	}
	c.fix()
	return &c
}

// qupdate returns the treap with the contribution of order (t, id) set;
// n is unchanged. An order not in the treap leaves it as it is.
func qupdate(n *qnode, t time.Time, id string, spend decimal.Decimal, qual Points) *qnode {
	if n == nil {
		return nil
	}
	c := *n
	switch {
	case n.id == id && n.t.Equal(t):
		c.spend, c.qual = spend, qual
	case qless(t, id, n.t, n.id):
		c.left = qupdate(n.left, t, id, spend, qual)
	default:
		c.right = qupdate(n.right, t, id, spend, qual)
	}
	c.fix()
	return &c
}

// qspend returns the sum, from decimal.Zero, of spend less returns over
// the orders at or before t, and whether there are any.
func qspend(n *qnode, t time.Time) (decimal.Decimal, bool) {
	sum, any := decimal.Zero, false
	for n != nil {
		if n.t.After(t) {
			n = n.left
			continue
		}
		sum = addFromZero(sum, n.spend, !any)
		any = true
		if n.left != nil {
			sum = sum.Add(n.left.sumSpend)
		}
		n = n.right
	}
	return sum, any
}

// qtimes calls visit with the time of each order in (from, to], in time
// order (a time once per order at it), until visit returns false.
func qtimes(n *qnode, from, to time.Time, visit func(time.Time) bool) bool {
	if n == nil {
		return true
	}
	if n.t.After(from) && !qtimes(n.left, from, to, visit) {
		return false
	}
	if n.t.After(from) && !n.t.After(to) && !visit(n.t) {
		return false
	}
	if !n.t.After(to) {
		return qtimes(n.right, from, to, visit)
	}
	return true
}

// qpoints returns the sum of qualifying points over the orders at or
// before t.
func qpoints(n *qnode, t time.Time) int128 {
	var sum int128
	for n != nil {
		if n.t.After(t) {
			n = n.left
			continue
		}
		sum = sum.add(i128(int64(n.qual)))
		if n.left != nil {
			sum = sum.add(n.left.sumQual)
		}
		n = n.right
	}
	return sum
}
