package salesrow

import (
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

var orderAsOf = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

// orderRowOf is a row of customer a: date, order_id, amount and quantity.
func orderRowOf(t require.TestingT, date, order, amount string, units int) Row {
	d, err := time.Parse(time.DateOnly, date)
	require.NoError(t, err)
	return Row{CustomerID: "a", Date: customer.DateOf(d), OrderID: order, Amount: decimal.RequireFromString(amount), Units: units}
}

// addInOrder adds rows to a new summary of customer a as of orderAsOf in
// the order perm, keeping each order's state by order_id, or by day for
// a row without one.
func addInOrder(t require.TestingT, rows []Row, perm []int) *customer.Summary {
	s := customer.NewSummary("a", customer.Consumer, orderAsOf, nil)
	orders := map[string]*Order{}
	for _, i := range perm {
		r := rows[i]
		key := r.OrderID
		if key == "" {
			key = "day " + r.Date.String()
		}
		o := orders[key]
		if o == nil {
			o = &Order{}
			orders[key] = o
		}
		fe := Add(s, &r, "EUR", o)
		require.Nil(t, fe, "row %d", i)
	}
	return s
}

// dayList is the days of s as date: orders net, for comparing.
func dayList(s *customer.Summary) []string {
	var l []string
	for _, d := range s.Days {
		l = append(l, fmt.Sprintf("%s: %d %s", d.Date, d.Orders, d.Net.String()))
	}
	return l
}

// permutations returns perm of n rows: the file order, the reverse, and
// a few others.
func permutations(n int) [][]int {
	id := make([]int, n)
	for i := range id {
		id[i] = i
	}
	rev := slices.Clone(id)
	slices.Reverse(rev)
	rot := append(slices.Clone(id[n/2:]), id[:n/2]...)
	odd := []int{}
	for i := 1; i < n; i += 2 {
		odd = append(odd, i)
	}
	for i := 0; i < n; i += 2 {
		odd = append(odd, i)
	}
	return [][]int{id, rev, rot, odd}
}

// Every row of an order counts on the day of its earliest sale row, in
// whatever order the rows come: a refund dated before that day too, and
// a row after AsOf is left out.
func TestAddCountsAnOrderOnItsEarliestDay(t *testing.T) {
	rows := []Row{
		orderRowOf(t, "2025-07-05", "X", "1", 0), // after AsOf: left out
		orderRowOf(t, "2025-03-01", "X", "20", 0),
		orderRowOf(t, "2024-12-01", "X", "-3", 0), // a refund before the order's sale rows
		orderRowOf(t, "2025-01-01", "X", "10", 0),
		orderRowOf(t, "2025-02-01", "Y", "5", 0),
		orderRowOf(t, "2025-01-15", "X", "7", 0),
	}
	want := []string{"2025-01-01: 1 34", "2025-02-01: 1 5"}
	for _, perm := range append(permutations(len(rows)), []int{1, 5, 3, 0, 2, 4}, []int{2, 3, 1, 5, 4, 0}) {
		s := addInOrder(t, rows, perm)
		assert.Equal(t, want, dayList(s), "%v", perm)
		assert.Equal(t, 2, s.Orders, "%v", perm)
		assert.Equal(t, 1, s.Later, "%v", perm)
		assert.Equal(t, "42", s.Gross.String(), "%v", perm)
	}
}

// The cases of an export read against the same facts in full records,
// each in every order of its rows.
func TestAddOrderDayCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows []Row
		want []string
	}{
		{"a repeat order returned in full days later", []Row{
			orderRowOf(t, "2025-01-10", "A", "100", 1),
			orderRowOf(t, "2025-02-01", "B", "50", 1),
			orderRowOf(t, "2025-02-15", "B", "-50", -1),
		}, []string{"2025-01-10: 1 100", "2025-02-01: 1 0"}},
		{"the first order returned later", []Row{
			orderRowOf(t, "2025-01-10", "A", "100", 1),
			orderRowOf(t, "2025-03-01", "A", "-100", -1),
			orderRowOf(t, "2025-02-01", "B", "50", 1),
		}, []string{"2025-01-10: 1 0", "2025-02-01: 1 50"}},
		{"a refund before its sale row in file order", []Row{
			orderRowOf(t, "2025-02-15", "B", "-20", -1),
			orderRowOf(t, "2025-02-01", "B", "50", 1),
		}, []string{"2025-02-01: 1 30"}},
		{"a refund-only order over two days", []Row{
			orderRowOf(t, "2025-02-05", "R", "-10", -1),
			orderRowOf(t, "2025-02-03", "R", "-5", -1),
		}, []string{"2025-02-03: 0 -15"}},
		{"an order moved earlier carries its refunds", []Row{
			orderRowOf(t, "2025-02-10", "X", "30", 1),
			orderRowOf(t, "2025-02-12", "X", "-10", -1),
			orderRowOf(t, "2025-02-08", "X", "20", 1),
		}, []string{"2025-02-08: 1 40"}},
		{"a refund-only order that a later sale row opens", []Row{
			orderRowOf(t, "2025-02-03", "R", "-5", -1),
			orderRowOf(t, "2025-02-09", "R", "25", 1),
			orderRowOf(t, "2025-02-04", "S", "7", 1),
		}, []string{"2025-02-04: 1 7", "2025-02-09: 1 20"}},
		{"rows without an order_id stay on their own days", []Row{
			orderRowOf(t, "2025-02-03", "", "40", 1),
			orderRowOf(t, "2025-02-09", "", "-40", -1),
		}, []string{"2025-02-03: 1 40", "2025-02-09: 0 -40"}},
		{"an exchange moves no money and opens nothing", []Row{
			orderRowOf(t, "2025-02-03", "E", "40", 1),
			orderRowOf(t, "2025-02-01", "E", "0", -1),
		}, []string{"2025-02-03: 1 40"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, perm := range permutations(len(tc.rows)) {
				assert.Equal(t, tc.want, dayList(addInOrder(t, tc.rows, perm)), "%v", perm)
			}
		})
	}
}

// The audit's repeat order returned in full days later: the export's
// MeanRepeatSpend, the Gamma-Gamma input, is that of the full records
// (0: the repeat purchase was all returned), as are its days.
func TestAddRepeatOrderReturnedLaterMatchesFullRecords(t *testing.T) {
	rows := []Row{
		orderRowOf(t, "2025-01-10", "A", "100", 1),
		orderRowOf(t, "2025-03-01", "B", "-50", -1),
		orderRowOf(t, "2025-02-01", "B", "50", 1),
	}
	full := []exportOrder{
		{id: "A", day: 0, units: 1, price: 100},
		{id: "B", day: 22, units: 1, price: 50, returns: []exportReturn{{day: 50, units: 1}}},
	}
	base := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	f := summarizeRecords(t, base, full)
	for _, perm := range permutations(len(rows)) {
		s := addInOrder(t, rows, perm)
		sameAsRecords(t, f, s)
		m, ok := s.MeanRepeatSpend()
		require.True(t, ok)
		assert.True(t, m.IsZero(), "mean repeat spend %s", m)
	}
}

// exportOrder is an order of one line of units at price, on day day (a
// count of days after a base time), with its returns.
type exportOrder struct {
	id           string
	day, units   int
	price        int64
	returns      []exportReturn
	noSaleInFile bool
}

type exportReturn struct{ day, units int }

// summarizeRecords returns customer.Summarize of orders as full records,
// as of orderAsOf.
func summarizeRecords(t require.TestingT, base time.Time, orders []exportOrder) customer.Summary {
	var events []customer.Event
	for _, o := range orders {
		events = append(events, customer.Event{Order: &customer.Order{ID: o.id, CustomerID: "a", Time: base.AddDate(0, 0, o.day), Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", SKU: "s", Category: "c", Quantity: o.units, UnitPrice: decimal.NewFromInt(o.price)}}}})
		for k, r := range o.returns {
			events = append(events, customer.Event{Return: &customer.Return{ID: fmt.Sprintf("%s-r%d", o.id, k), OrderID: o.id, CustomerID: "a",
				Time: base.AddDate(0, 0, r.day), Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -r.units}}}})
		}
	}
	s, err := customer.Summarize("a", customer.Consumer, orderAsOf, iter.Seq[customer.Event](slices.Values(events)), nil)
	require.NoError(t, err)
	return s
}

// exportRows returns the rows of an export of orders: a sale row for
// each order, a refund row for each return.
func exportRows(base time.Time, orders []exportOrder) []Row {
	var rows []Row
	for _, o := range orders {
		rows = append(rows, Row{CustomerID: "a", Date: customer.DateOf(base.AddDate(0, 0, o.day)), OrderID: o.id,
			Amount: decimal.NewFromInt(o.price * int64(o.units)), Units: o.units, Category: "c"})
		for _, r := range o.returns {
			rows = append(rows, Row{CustomerID: "a", Date: customer.DateOf(base.AddDate(0, 0, r.day)), OrderID: o.id,
				Amount: decimal.NewFromInt(-o.price * int64(r.units)), Units: -r.units, Category: "c"})
		}
	}
	return rows
}

// sameAsRecords checks that the export's summary s has the days, orders,
// net and mean repeat spend of f, the summary of the full records.
func sameAsRecords(t require.TestingT, f customer.Summary, s *customer.Summary) {
	require.Equal(t, len(f.Days), len(s.Days), "days: %v, %v", dayList(&f), dayList(s))
	for i := range f.Days {
		require.Equal(t, f.Days[i].Date, s.Days[i].Date)
		require.Equal(t, f.Days[i].Orders, s.Days[i].Orders, "orders of %s", f.Days[i].Date)
		require.True(t, f.Days[i].Net.Equal(s.Days[i].Net), "net of %s: %s, export %s", f.Days[i].Date, f.Days[i].Net, s.Days[i].Net)
	}
	require.Equal(t, f.Orders, s.Orders)
	require.True(t, f.Net().Equal(s.Net()), "net %s, export %s", f.Net(), s.Net())
	fm, fok := f.MeanRepeatSpend()
	sm, sok := s.MeanRepeatSpend()
	require.Equal(t, fok, sok)
	require.True(t, fm.Equal(sm), "mean repeat spend %s, export %s", fm, sm)
}

// An export that full records can say (one day per order, refunds with
// their order, on later days) summarises as the records do, in every
// order of its rows; any export with order IDs (orders over several
// days, refunds before their sales, refund-only orders, rows without an
// order_id, exchanges, rows after AsOf) gives one summary in every order
// of its rows.
func TestAddShuffledRowsProperty(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // midnight, as the rows' dates
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(rt, "orders")
		var orders []exportOrder
		for i := range n {
			o := exportOrder{id: fmt.Sprint("o", i), day: rapid.IntRange(0, 150).Draw(rt, "day"),
				units: rapid.IntRange(1, 4).Draw(rt, "units"), price: rapid.Int64Range(1, 90).Draw(rt, "price")}
			left := o.units
			for left > 0 && rapid.Bool().Draw(rt, "return") {
				k := rapid.IntRange(1, left).Draw(rt, "returned")
				left -= k
				o.returns = append(o.returns, exportReturn{day: o.day + rapid.IntRange(1, 60).Draw(rt, "after"), units: k})
			}
			orders = append(orders, o)
		}
		rows := exportRows(base, orders)
		f := summarizeRecords(rt, base, orders)
		a := addInOrder(rt, rows, rapid.Permutation(seq(len(rows))).Draw(rt, "perm"))
		sameAsRecords(rt, f, a)

		// Any export: more rows, of any kind, on any day.
		extra := rapid.IntRange(0, 12).Draw(rt, "extra")
		for range extra {
			r := Row{CustomerID: "a", Date: customer.DateOf(base.AddDate(0, 0, rapid.IntRange(-5, 200).Draw(rt, "xday"))),
				OrderID: rapid.SampledFrom([]string{"", "o0", "o1", "r1", "r2"}).Draw(rt, "xorder")}
			switch rapid.IntRange(0, 3).Draw(rt, "xkind") {
			case 0:
				r.Amount, r.Units = decimal.NewFromInt(rapid.Int64Range(1, 50).Draw(rt, "xamount")), 1
			case 1:
				r.Amount, r.Units = decimal.NewFromInt(-rapid.Int64Range(1, 50).Draw(rt, "xamount")), -1
			case 2:
				r.Amount = decimal.Zero // a sale of nothing
			default:
				r.Units = -1 // an exchange
			}
			rows = append(rows, r)
		}
		b := addInOrder(rt, rows, seq(len(rows)))
		c := addInOrder(rt, rows, rapid.Permutation(seq(len(rows))).Draw(rt, "perm2"))
		require.Equal(rt, dayList(b), dayList(c))
		for _, p := range [][2]any{{b.Orders, c.Orders}, {b.Units, c.Units}, {b.Returns, c.Returns}, {b.Later, c.Later},
			{b.Gross.String(), c.Gross.String()}, {b.Refunded.String(), c.Refunded.String()}, {b.Cost.String(), c.Cost.String()}} {
			require.Equal(rt, p[0], p[1])
		}
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// The audit's spend-decline case: a first order returned for the most
// part weeks later, and a small order a year on. The export's spends of
// the last 12 months and of the 12 before (the spend-decline signal of
// churn risk) are those of the full records: the return lowers the
// first order's day, not the day it was made.
func TestAddFirstOrderReturnedLaterSpend12Months(t *testing.T) {
	base := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	orders := []exportOrder{
		{id: "O1", day: 0, units: 10, price: 100, returns: []exportReturn{{day: 19, units: 9}}},
		{id: "O2", day: 365, units: 1, price: 100},
	}
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	require.True(t, orderAsOf.Equal(asOf))
	f := summarizeRecords(t, base, orders)
	rows := exportRows(base, orders)
	for _, perm := range permutations(len(rows)) {
		s := addInOrder(t, rows, perm)
		sameAsRecords(t, f, s)
		fl, fp := f.Spend12Months()
		sl, sp := s.Spend12Months()
		assert.True(t, fl.Equal(sl) && fp.Equal(sp), "12-month spends %s %s, export %s %s", fl, fp, sl, sp)
	}
}
