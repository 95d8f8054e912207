package customer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A sale row whose order was counted on a later day moves the order to
// its own day, with the net of its rows counted there: the later day,
// left with no order and no net, goes, and Orders is unchanged.
func TestSaleMovedFromMovesTheOrder(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	later, early := vNow.AddDate(0, 0, -2), vNow.AddDate(0, 0, -9)
	require.NoError(t, s.AddSale(Sale{Time: later, NewOrder: true, Amount: eur("20"), Units: 1}))
	require.NoError(t, s.AddSale(Sale{Time: early, MovedFrom: later, MovedNet: dec("20"), Amount: eur("10"), Units: 1}))
	assert.Equal(t, 1, s.Orders)
	require.Len(t, s.Days, 1)
	assert.Equal(t, DateOf(early), s.Days[0].Date)
	assert.Equal(t, 1, s.Days[0].Orders)
	assert.Equal(t, "30", s.Days[0].Net.String())
	assert.Equal(t, 2, s.Units)

	// The same rows in date order give the same summary.
	r := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, r.AddSale(Sale{Time: early, NewOrder: true, Amount: eur("10"), Units: 1}))
	require.NoError(t, r.AddSale(Sale{Time: later, OrderDay: early, Amount: eur("20"), Units: 1}))
	requireSameSummary(t, r, s)

	// A return of the order counts on the order's day.
	require.NoError(t, s.AddSale(Sale{Time: later, OrderDay: early, Amount: eur("-5"), Units: -1}))
	require.Len(t, s.Days, 1)
	assert.Equal(t, "25", s.Days[0].Net.String())
}

// An order of refund rows only counts on the day of its earliest row: a
// refund dated before moves it there, and its first sale row opens it on
// the sale's day, the refunds moving along.
func TestSaleMovedFromOfRefundsOnly(t *testing.T) {
	d1, d2, d3 := vNow.AddDate(0, 0, -9), vNow.AddDate(0, 0, -5), vNow.AddDate(0, 0, -2)
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: d2, Amount: eur("-4"), Units: -1}))
	require.NoError(t, s.AddSale(Sale{Time: d1, MovedFrom: d2, MovedNet: dec("-4"), Amount: eur("-6"), Units: -1}))
	require.Len(t, s.Days, 1)
	assert.Equal(t, DateOf(d1), s.Days[0].Date)
	assert.Equal(t, "-10", s.Days[0].Net.String())
	assert.Equal(t, 0, s.Orders)
	// The sale opens it on its own day, later.
	require.NoError(t, s.AddSale(Sale{Time: d3, NewOrder: true, MovedFrom: d1, MovedNet: dec("-10"), Amount: eur("30"), Units: 3}))
	require.Len(t, s.Days, 1)
	assert.Equal(t, DateOf(d3), s.Days[0].Date)
	assert.Equal(t, 1, s.Days[0].Orders)
	assert.Equal(t, "20", s.Days[0].Net.String())
	assert.Equal(t, 1, s.Orders)
}

// A MovedFrom, OrderDay or MovedNet that breaks the rules of Sale is
// rejected, names its field, and changes nothing.
func TestSaleMovedFromRejected(t *testing.T) {
	later, early := vNow.AddDate(0, 0, -2), vNow.AddDate(0, 0, -9)
	for _, tc := range []struct {
		name  string
		x     Sale
		code  string
		field string
	}{
		{"not later", Sale{Time: later, MovedFrom: early, Amount: eur("1")}, CodeOrder, ""},
		{"same day", Sale{Time: later, MovedFrom: later.Add(time.Hour), Amount: eur("1")}, CodeOrder, ""},
		{"no day", Sale{Time: early, MovedFrom: vNow.AddDate(0, 0, -1), Amount: eur("1")}, CodeUnknown, ""},
		{"day without an order", Sale{Time: early, MovedFrom: vNow.AddDate(0, 0, -3), Amount: eur("1")}, CodeUnknown, ""},
		{"after as-of", Sale{Time: early, MovedFrom: vNow.Add(time.Hour), Amount: eur("1")}, CodeRange, ""},
		{"new order on its own day", Sale{Time: later, MovedFrom: later.Add(time.Hour), NewOrder: true, Amount: eur("1")}, CodeOrder, ""},
		{"refunds only, a positive net", Sale{Time: early, MovedFrom: vNow.AddDate(0, 0, -3), MovedNet: dec("2"), Amount: eur("-1"), Units: -1}, CodeRange, "moved net"},
		{"refund moved to a later day", Sale{Time: vNow.AddDate(0, 0, -1), MovedFrom: vNow.AddDate(0, 0, -3), MovedNet: dec("-2"), Amount: eur("-1"), Units: -1}, CodeOrder, ""},
		{"net without moved from", Sale{Time: early, MovedNet: dec("2"), Amount: eur("1")}, CodeMismatch, "moved net"},
		{"order day after as-of", Sale{Time: early, OrderDay: vNow.Add(time.Hour), Amount: eur("-1"), Units: -1}, CodeRange, "order day"},
		{"order day not before a sale", Sale{Time: early, OrderDay: later, Amount: eur("1")}, CodeOrder, "order day"},
		{"order day on no day", Sale{Time: later, OrderDay: early, Amount: eur("1")}, CodeUnknown, "order day"},
		{"order day with moved from", Sale{Time: early, OrderDay: later, MovedFrom: later, Amount: eur("1")}, CodeMismatch, "order day"},
		{"order day opening an order", Sale{Time: vNow, OrderDay: later, NewOrder: true, Amount: eur("1")}, CodeMismatch, "order day"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddSale(Sale{Time: later, NewOrder: true, Amount: eur("20"), Units: 1}))
			// A day with a net but no order: a refund.
			require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -3), Amount: eur("-2"), Units: -1}))
			before := s.Clone()
			err := s.AddSale(tc.x)
			require.Error(t, err)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			field := tc.field
			if field == "" {
				field = "moved from"
			}
			assert.Equal(t, field, ve.Fields[0].Field)
			assert.Equal(t, tc.code, ve.Fields[0].Code)
			requireSameSummary(t, &before, s)
		})
	}
}

// requireSameSummary checks that a and b hold equal sums, days and
// counts (decimals by value and exponent).
func requireSameSummary(t require.TestingT, a, b *Summary) {
	require.Equal(t, a.Orders, b.Orders, "orders")
	require.Equal(t, a.Units, b.Units, "units")
	require.Equal(t, a.Returns, b.Returns, "returns")
	require.Equal(t, a.ReturnedUnits, b.ReturnedUnits, "returned units")
	require.Equal(t, a.Later, b.Later, "later")
	require.Equal(t, a.Categories, b.Categories, "categories")
	for _, p := range [][2]string{{a.Gross.String(), b.Gross.String()}, {a.Refunded.String(), b.Refunded.String()}, {a.Cost.String(), b.Cost.String()}} {
		require.Equal(t, p[0], p[1])
	}
	require.Equal(t, len(a.Days), len(b.Days), "days")
	for i := range a.Days {
		x, y := a.Days[i], b.Days[i]
		require.Equal(t, x.Date, y.Date, "day %d", i)
		require.Equal(t, x.Orders, y.Orders, "orders of %s", x.Date)
		require.True(t, x.Net.Equal(y.Net) && x.Net.Exponent() == y.Net.Exponent(), "net of %s: %s, %s", x.Date, x.Net, y.Net)
	}
}

// orderState is the state of one order that a caller of AddSale keeps
// (as package salesrow does): the day it counts on, whether it has a
// sale row, and the net of its rows counted so far.
type orderState struct {
	seen, sale bool
	at         time.Time
	net        decimal.Decimal
}

// orderRow sets the order fields of x, a row of the order of state st
// dated on or before AsOf, and updates st: every row of an order counts
// on the day of its earliest sale row, or of its earliest row when it
// has none.
func orderRow(x *Sale, st *orderState) {
	if x.Amount.Sign() == 0 && x.Units < 0 {
		return // an exchange moves no money
	}
	isSale := x.Amount.Sign() >= 0
	a, d := x.Amount.Amount(), DateOf(x.Time)
	switch {
	case !st.seen:
		x.NewOrder = isSale
		*st = orderState{seen: true, sale: isSale, at: x.Time, net: a}
		return
	case isSale && !st.sale:
		x.NewOrder = true
		if d != DateOf(st.at) {
			x.MovedFrom, x.MovedNet = st.at, st.net
		}
		st.sale, st.at = true, x.Time
	case (isSale || !st.sale) && d < DateOf(st.at):
		x.MovedFrom, x.MovedNet = st.at, st.net
		st.at = x.Time
	case d != DateOf(st.at):
		x.OrderDay = st.at
	}
	st.net = st.net.Add(a)
}

// TestSaleRowsInAnyOrderGiveOneSummary adds one set of export rows, with
// order keys, in two random permutations through a minimal caller that
// keeps each order's state (orderRow). The summaries are equal, and
// every row of an order counts on one day: that of its earliest sale
// row, or of its earliest row for an order of refunds only.
func TestSaleRowsInAnyOrderGiveOneSummary(t *testing.T) {
	base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	asOf := base.AddDate(0, 0, 30)
	rapid.Check(t, func(rt *rapid.T) {
		type row struct {
			x     Sale
			order int
		}
		n := rapid.IntRange(1, 25).Draw(rt, "rows")
		rows := make([]row, n)
		for i := range rows {
			cents := rapid.IntRange(-500, 3000).Draw(rt, fmt.Sprint("cents", i))
			units := 1
			if cents < 0 {
				units = -1
			}
			rows[i] = row{order: rapid.IntRange(0, 5).Draw(rt, fmt.Sprint("order", i)), x: Sale{
				Time:   base.AddDate(0, 0, rapid.IntRange(0, 35).Draw(rt, fmt.Sprint("day", i))),
				Amount: eur(fmt.Sprintf("%d.%02d", cents/100, abs(cents%100))),
				Units:  units,
			}}
			if cents < 0 && cents > -100 {
				rows[i].x.Amount = eur(fmt.Sprintf("-0.%02d", -cents))
			}
		}
		add := func(perm []int) *Summary {
			s := NewSummary("C-1", Consumer, asOf, nil)
			orders := map[int]*orderState{}
			for _, i := range perm {
				r := rows[i]
				x := r.x
				if !x.Time.After(asOf) {
					st := orders[r.order]
					if st == nil {
						st = &orderState{}
						orders[r.order] = st
					}
					orderRow(&x, st)
				}
				if err := s.AddSale(x); err != nil {
					rt.Fatalf("row %d: %v", i, err)
				}
			}
			return s
		}
		ident := make([]int, n)
		for i := range ident {
			ident[i] = i
		}
		a := add(ident)
		perm := rapid.Permutation(ident).Draw(rt, "perm")
		b := add(perm)
		requireSameSummary(rt, a, b)
		// Each order on the earliest day of its sale rows, or of its rows.
		type ord struct {
			sale bool
			day  Date
			net  decimal.Decimal
		}
		byOrder := map[int]*ord{}
		for _, r := range rows {
			if r.x.Time.After(asOf) {
				continue
			}
			d, sale := DateOf(r.x.Time), r.x.Amount.Sign() >= 0
			o := byOrder[r.order]
			switch {
			case o == nil:
				o = &ord{sale: sale, day: d}
				byOrder[r.order] = o
			case sale && !o.sale:
				o.sale, o.day = true, d
			case sale == o.sale && d < o.day:
				o.day = d
			}
			o.net = o.net.Add(r.x.Amount.Amount())
		}
		want := map[Date]Day{}
		for _, o := range byOrder {
			w := want[o.day]
			w.Date = o.day
			if o.sale {
				w.Orders++
			}
			w.Net = w.Net.Add(o.net)
			want[o.day] = w
		}
		require.Len(rt, b.Days, len(want))
		for _, d := range b.Days {
			w := want[d.Date]
			require.Equal(rt, w.Orders, d.Orders, "orders of %s", d.Date)
			require.True(rt, w.Net.Equal(d.Net), "net of %s: %s, want %s", d.Date, d.Net, w.Net)
		}
	})
}

// dec is the decimal of s.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
