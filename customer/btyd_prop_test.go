package customer

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// refDay returns the number, from 1970-01-01, of the calendar day of t in
// t's own zone, computed through time.Time.Date and time.Date alone.
func refDay(t time.Time) int {
	y, m, dd := t.Date()
	return int(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// TestBTYDMatchesIndependentCount builds summaries from random histories
// (orders in random zones, returns and exchanges of them, refunds of no
// known order, a calibration end in another random zone, around the leap
// day of 2024) and checks [Summary.BTYD] and [Summary.Opportunities]
// against the convention of crm fit counted from the records directly:
// orders at or before AsOf, each on its local calendar day but not after
// AsOf's day; days with only refunds or exchanges are no transactions;
// frequency = distinct order days after the first, recency = last − first,
// T = AsOf's day − first, weeks = days ÷ 7; in whole periods of L days,
// period k holds days first+L(k−1)+1 … first+Lk and n = ⌊T/L⌋.
func TestBTYDMatchesIndependentCount(t *testing.T) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	zone := func(rt *rapid.T, label string) *time.Location {
		q := rapid.IntRange(-12*4, 14*4).Draw(rt, label) // quarter hours
		return time.FixedZone(fmt.Sprintf("Z%d", q), q*15*60)
	}
	rapid.Check(t, func(rt *rapid.T) {
		asOf := base.Add(time.Duration(rapid.IntRange(0, 120*24*60).Draw(rt, "asOfMin")) * time.Minute).In(zone(rt, "asOfZone"))
		nOrders := rapid.IntRange(0, 12).Draw(rt, "orders")
		var events []Event
		var orderTimes []time.Time
		for i := range nOrders {
			// Most orders near AsOf; some on AsOf's day or after it.
			ot := asOf.Add(-time.Duration(rapid.IntRange(-3*24*60, 70*24*60).Draw(rt, "beforeMin")) * time.Minute).In(zone(rt, "orderZone"))
			if rapid.IntRange(0, 5).Draw(rt, "sameDay") == 0 {
				ot = asOf.Add(-time.Duration(rapid.IntRange(0, 30*60).Draw(rt, "nearMin")) * time.Minute).In(zone(rt, "nearZone"))
			}
			id := fmt.Sprintf("O-%d", i)
			o := oneLine(id, ot, "10")
			events = append(events, evO(o))
			orderTimes = append(orderTimes, ot)
			if k := rapid.IntRange(0, 2).Draw(rt, "return"); k > 0 {
				at := ot.Add(time.Duration(rapid.IntRange(1, 20*24).Draw(rt, "returnAfterH")) * time.Hour).In(zone(rt, "returnZone"))
				events = append(events, evR(Return{ID: "R-" + id, OrderID: id, CustomerID: "C-1", Time: at,
					Kind: ReturnKind(k), Reason: SizeFit, Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}))
			}
		}
		s, err := Summarize("C-1", Consumer, asOf, seqOf(events), nil)
		if err != nil {
			rt.Fatal(err)
		}
		for range rapid.IntRange(0, 3).Draw(rt, "refunds") {
			ft := asOf.Add(-time.Duration(rapid.IntRange(0, 80*24*60).Draw(rt, "refundMin")) * time.Minute).In(zone(rt, "refundZone"))
			if err := s.AddRefund(ft, eur("5"), 1); err != nil {
				rt.Fatal(err)
			}
		}

		asOfDay := refDay(asOf)
		days := map[int]bool{}
		first, last := 0, 0
		for _, ot := range orderTimes {
			if ot.After(asOf) {
				continue
			}
			d := min(refDay(ot), asOfDay)
			if len(days) == 0 || d < first {
				first = d
			}
			if len(days) == 0 || d > last {
				last = d
			}
			days[d] = true
		}

		for _, unit := range []Period{Days, Weeks} {
			f, r, T, ok := s.BTYD(unit)
			x, tx, n, ook := s.Opportunities(unit)
			if len(days) == 0 {
				if ok || ook || f != 0 || r != 0 || T != 0 || x != 0 || tx != 0 || n != 0 {
					rt.Fatalf("unit %d: no purchase, got BTYD (%d, %v, %v, %v), Opportunities (%d, %d, %d, %v)", unit, f, r, T, ok, x, tx, n, ook)
				}
				continue
			}
			l := 1
			if unit == Weeks {
				l = 7
			}
			wantF, wantR, wantT := len(days)-1, float64(last-first)/float64(l), float64(asOfDay-first)/float64(l)
			if !ok || f != wantF || r != wantR || T != wantT {
				rt.Fatalf("unit %d: BTYD (%d, %v, %v, %v), want (%d, %v, %v, true)", unit, f, r, T, ok, wantF, wantR, wantT)
			}
			wantN := (asOfDay - first) / l
			periods, wantTx := map[int]bool{}, 0
			for d := range days {
				if d == first {
					continue
				}
				k := (d - first + l - 1) / l
				if k <= wantN {
					periods[k] = true
					wantTx = max(wantTx, k)
				}
			}
			if !ook || x != len(periods) || tx != wantTx || n != wantN {
				rt.Fatalf("unit %d: Opportunities (%d, %d, %d, %v), want (%d, %d, %d, true)", unit, x, tx, n, ook, len(periods), wantTx, wantN)
			}
		}
	})
}
