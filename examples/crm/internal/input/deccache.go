package input

import (
	"sync/atomic"

	"github.com/shopspring/decimal"
)

// A decimal.Decimal holds its coefficient in a *big.Int, so that every
// new decimal costs two allocations. The sums that [Table.Summary] builds
// are mostly whole cents of modest size (a day's net, a customer's gross),
// and decimals are never changed in place, so one decimal of each such
// value is shared by every summary that holds it.
const (
	decPageBits = 12
	decCents    = 1 << 18 // whole cents in (−decCents, decCents) are cached
	decPages    = 2 * decCents >> decPageBits
)

// decPage is 2^decPageBits consecutive cached values.
type decPage [1 << decPageBits]atomic.Pointer[decimal.Decimal]

// decCache hands out decimals of units of 10⁻⁴ (exponent −fixScale),
// sharing one decimal per value of whole cents; it is safe for concurrent
// use. Its pages are allocated on first use.
type decCache struct {
	pages [decPages]atomic.Pointer[decPage]
}

// dec returns v units of 10⁻⁴ as a decimal with exponent −fixScale.
func (c *decCache) dec(v int64) decimal.Decimal {
	if v == 0 {
		return zero4
	}
	if c == nil || v%100 != 0 {
		return decimal.New(v, -fixScale)
	}
	k := v/100 + decCents
	if k <= 0 || k >= 2*decCents {
		return decimal.New(v, -fixScale)
	}
	slot := &c.pages[k>>decPageBits]
	p := slot.Load()
	if p == nil {
		p = new(decPage)
		if !slot.CompareAndSwap(nil, p) {
			p = slot.Load()
		}
	}
	e := &p[k&(1<<decPageBits-1)]
	if d := e.Load(); d != nil {
		return *d
	}
	d := decimal.New(v, -fixScale)
	// Two goroutines may store different but equal decimals: either is
	// right.
	e.Store(&d)
	return d
}
