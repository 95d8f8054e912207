package customer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var cest = time.FixedZone("CEST", 2*3600)

// oneLine returns an order of customer C-1 at t of one unit at price.
func oneLine(id string, t time.Time, price string) Order {
	return Order{ID: id, CustomerID: "C-1", Time: t, Channel: Store, Currency: "EUR",
		Lines: []Line{{ID: "1", Quantity: 1, UnitPrice: d(price)}}}
}

// A purchase at or before AsOf written in a zone ahead of AsOf's counts
// on AsOf's day, not on the next date: recency ≤ T, no negative day
// counts, and the spend of the last year holds it.
func TestRecordsBeforeAsOfNeverCountAfterItsDay(t *testing.T) {
	asOf := time.Date(2026, 6, 29, 23, 30, 0, 0, time.UTC)
	o1 := oneLine("O1", time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), "10")
	o2 := oneLine("O2", time.Date(2026, 6, 30, 1, 0, 0, 0, cest), "10") // 23:00Z, before asOf
	require.True(t, o2.Time.Before(asOf))

	s := NewSummary("C-1", Consumer, asOf, nil)
	require.NoError(t, s.AddOrder(o1))
	require.NoError(t, s.AddOrder(o2))
	f, r, T, ok := s.BTYD(Days)
	require.True(t, ok)
	assert.Equal(t, []any{1, 28.0, 28.0}, []any{f, r, T})
	days, _ := s.DaysSinceLastPurchase()
	assert.Equal(t, 0, days)
	assert.Equal(t, "20", s.SpendLast12Months().String())
	assert.Equal(t, "20", s.Net().String())
	last, _ := s.LastPurchase()
	assert.Equal(t, "2026-06-29", last.String())

	sum, err := Summarize("C-1", Consumer, asOf, seqOf([]Event{evO(o2), evO(o1)}), nil)
	require.NoError(t, err)
	assertSameSummary(t, *s, sum)

	only := NewSummary("C-1", Consumer, asOf, nil)
	require.NoError(t, only.AddOrder(o2))
	_, r, T, _ = only.BTYD(Weeks)
	assert.Equal(t, []float64{0, 0}, []float64{r, T})
	tenure, _ := only.Tenure()
	assert.Equal(t, 0, tenure)
	_, _, n, _ := only.Opportunities(Days)
	assert.Equal(t, 0, n)

	// Refunds, credits and sales rows follow the same rule.
	rows := NewSummary("C-1", Consumer, asOf, nil)
	late := time.Date(2026, 6, 30, 1, 15, 0, 0, cest)
	require.NoError(t, rows.AddSale(Sale{Time: late, NewOrder: true, Amount: eur("30"), Units: 1}))
	require.NoError(t, rows.AddSale(Sale{Time: late, Amount: eur("-5"), Units: -1}))
	require.NoError(t, rows.AddRefund(late, eur("5"), 0))
	require.NoError(t, rows.AddCredit(Credit{ID: "K", CustomerID: "C-1", Time: late, Kind: Compensation, Amount: eur("5")}))
	require.Len(t, rows.Days, 1)
	assert.Equal(t, "2026-06-29", rows.Days[0].Date.String())
	assert.Equal(t, "15", rows.SpendLast12Months().String())
	assert.True(t, rows.Net().Equal(rows.SpendLast12Months()))
}

// An order delivered twice, the second time written in another zone, is
// identical (the same instant) and counts on the earlier of its two
// calendar days whichever delivery came first, with its returns and
// credits; so does a credit of no order.
func TestRedeliveryInAnotherZoneDoesNotDependOnWhichCameFirst(t *testing.T) {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	utc := oneLine("O1", time.Date(2026, 6, 1, 23, 30, 0, 0, time.UTC), "10")
	utc.Lines = append(utc.Lines, Line{ID: "2", Quantity: 2, UnitPrice: d("7.5"), Discount: d("1")})
	local := utc.Clone()
	local.Time = utc.Time.In(cest) // 2 June, 01:30
	require.True(t, utc.Equal(local))
	other := oneLine("O2", time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC), "4") // the later day has another order
	r := Return{ID: "R1", OrderID: "O1", CustomerID: "C-1", Time: utc.Time.Add(24 * time.Hour), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "2", Quantity: -1}}}
	k := Credit{ID: "K1", CustomerID: "C-1", OrderID: "O1", Time: r.Time, Kind: PriceReduction, Amount: eur("1")}
	comp := Credit{ID: "K2", CustomerID: "C-1", Time: time.Date(2026, 6, 10, 23, 0, 0, 0, time.UTC), Kind: Compensation, Amount: eur("2")}
	compLocal := comp
	compLocal.Time = comp.Time.In(cest)

	first, err := Summarize("C-1", Consumer, asOf, seqOf([]Event{evO(utc), evO(other), evR(r), {Credit: &k}, {Credit: &comp}, evO(local), {Credit: &compLocal}}), nil)
	require.NoError(t, err)
	second, err := Summarize("C-1", Consumer, asOf, seqOf([]Event{evO(local), {Credit: &compLocal}, evO(other), evR(r), {Credit: &k}, evO(utc), {Credit: &comp}}), nil)
	require.NoError(t, err)
	assertSameSummary(t, first, second)
	assert.Equal(t, first.Days, second.Days)
	require.Len(t, first.Days, 3)
	assert.Equal(t, "2026-06-01", first.Days[0].Date.String())
	assert.Equal(t, 1, first.Days[0].Orders)
	// 10 + 14, less the refund of one unit (7) and the price reduction (1)
	assert.Equal(t, "16", first.Days[0].Net.String())
	assert.Equal(t, "2026-06-02", first.Days[1].Date.String())
	assert.Equal(t, "4", first.Days[1].Net.String())
	assert.Equal(t, "2026-06-10", first.Days[2].Date.String(), "the credit of no order counts on its earlier day")

	// Alone on its later day, the order leaves no empty day behind.
	alone, err := Summarize("C-1", Consumer, asOf, seqOf([]Event{evO(local), evO(utc)}), nil)
	require.NoError(t, err)
	require.Len(t, alone.Days, 1)
	assert.Equal(t, "2026-06-01", alone.Days[0].Date.String())
	assert.Equal(t, 1, alone.Orders)
	assert.Equal(t, "24", alone.Days[0].Net.String())
}

// Merge refuses summaries as of the same instant on two calendar days,
// in either direction, naming what differs; on the same day it accepts
// them in any zone, and the two directions agree.
func TestMergeRefusesAsOfOnAnotherDay(t *testing.T) {
	asOf := time.Date(2026, 6, 29, 23, 30, 0, 0, time.UTC)
	a := NewSummary("C-1", Consumer, asOf, nil)
	b := NewSummary("C-1", Consumer, asOf.In(cest), nil)
	require.NoError(t, a.AddOrder(oneLine("O1", time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), "10")))
	require.NoError(t, b.AddOrder(oneLine("O2", time.Date(2026, 6, 30, 1, 0, 0, 0, cest), "10")))
	for _, err := range []error{mergeErr(a, b), mergeErr(b, a)} {
		require.ErrorIs(t, err, ErrMergeMismatch)
		assert.Contains(t, err.Error(), `merge of two summaries of customer "C-1": the as-of days differ (2026-06-`)
	}

	tokyo := time.FixedZone("JST", 9*3600)
	day := time.Date(2026, 6, 29, 12, 0, 0, 0, time.UTC) // 21:00 in Tokyo, the same date
	c := NewSummary("C-1", Consumer, day, nil)
	e := NewSummary("C-1", Consumer, day.In(tokyo), nil)
	require.NoError(t, c.AddOrder(oneLine("O1", time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), "10")))
	require.NoError(t, e.AddOrder(oneLine("O2", day.In(tokyo).Add(-time.Hour), "10")))
	ce, err := c.Merge(*e)
	require.NoError(t, err)
	ec, err := e.Merge(*c)
	require.NoError(t, err)
	assertSameSummary(t, ce, ec)
}

func mergeErr(a, b *Summary) error {
	_, err := a.Merge(*b)
	return err
}

// zoneGen draws a fixed zone of offset −12h..+14h, in quarter hours.
func zoneGen(t *rapid.T, name string) *time.Location {
	q := rapid.IntRange(-48, 56).Draw(t, name)
	return time.FixedZone(fmt.Sprintf("UTC%+d", q*15), q*15*60)
}

// checkDays checks the invariants of the days of s: none after the day
// of AsOf, 0 ≤ recency ≤ T, no negative day count, and the spend of the
// last year, of the year before and of the days before them add up to
// the net.
func checkDays(t *rapid.T, s Summary, what string) {
	asOfDay, _, twoYears := SpendWindows(s.AsOf)
	earlier := zeroSum()
	for _, d := range s.Days {
		require.LessOrEqual(t, d.Date, asOfDay, "%s: day %s after AsOf's day %s", what, d.Date, asOfDay)
		if d.Date <= twoYears {
			earlier.add(d.Net, false)
		}
	}
	if f, r, T, ok := s.BTYD(Days); ok {
		require.GreaterOrEqual(t, f, 0, what)
		require.GreaterOrEqual(t, r, 0.0, what)
		require.LessOrEqual(t, r, T, "%s: recency %v > T %v", what, r, T)
		n, _ := s.DaysSinceLastPurchase()
		require.GreaterOrEqual(t, n, 0, what)
		tenure, _ := s.Tenure()
		require.GreaterOrEqual(t, tenure, 0, what)
	}
	last, prior := s.Spend12Months()
	sum := sumFrom(last)
	sum.add(prior, false)
	sum.add(earlier.value(), false)
	require.True(t, sum.value().Equal(s.Net()), "%s: last %s + prior %s + earlier %s != net %s", what, last, prior, earlier.value(), s.Net())
}

// TestPropDaysAcrossZones: for records in any zone at or before AsOf (in
// any zone), no day is after AsOf's, 0 ≤ recency ≤ T, the spend windows
// and the days before them account for the net, and Merge is
// commutative: both directions give the same summary, or both refuse.
func TestPropDaysAcrossZones(t *testing.T) {
	base := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		instant := base.Add(time.Duration(rapid.IntRange(0, 2*24*60).Draw(t, "as-of minutes")) * time.Minute)
		sa := NewSummary("C-1", Consumer, instant.In(zoneGen(t, "zone of a")), nil)
		sb := NewSummary("C-1", Consumer, instant.In(zoneGen(t, "zone of b")), nil)
		for i := range rapid.IntRange(0, 10).Draw(t, "records") {
			var back time.Duration
			if rapid.Bool().Draw(t, "near as-of") {
				back = time.Duration(rapid.IntRange(0, 2*24*60).Draw(t, "minutes before")) * time.Minute
			} else {
				back = time.Duration(rapid.IntRange(0, 3*366*24).Draw(t, "hours before")) * time.Hour
			}
			at := instant.Add(-back).In(zoneGen(t, "zone"))
			s := sa
			if rapid.Bool().Draw(t, "to b") {
				s = sb
			}
			id := fmt.Sprintf("R%d", i)
			amount := rapid.SampledFrom([]string{"10", "0.5", "99.90"}).Draw(t, "amount")
			var err error
			switch rapid.IntRange(0, 3).Draw(t, "kind") {
			case 0:
				err = s.AddOrder(oneLine(id, at, amount))
			case 1:
				err = s.AddRefund(at, eur(amount), 1)
			case 2:
				err = s.AddCredit(Credit{ID: id, CustomerID: "C-1", Time: at, Kind: Compensation, Amount: eur(amount)})
			default:
				err = s.AddSale(Sale{Time: at, NewOrder: true, Amount: eur(amount), Units: 1})
			}
			require.NoError(t, err)
		}
		checkDays(t, *sa, "a")
		checkDays(t, *sb, "b")
		ab, errAB := sa.Merge(*sb)
		ba, errBA := sb.Merge(*sa)
		if DateOf(sa.AsOf) != DateOf(sb.AsOf) {
			require.True(t, errors.Is(errAB, ErrMergeMismatch) && errors.Is(errBA, ErrMergeMismatch), "%v; %v", errAB, errBA)
			return
		}
		require.NoError(t, errAB)
		require.NoError(t, errBA)
		assertSameSummary(t, ab, ba)
		checkDays(t, ab, "merged")
	})
}
