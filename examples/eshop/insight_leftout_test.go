package main

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// refund is a refund of qty units of line of order o, dated at, paying
// back amount when it is not empty (the units' share otherwise).
func refund(id, o, cust string, at time.Time, line string, qty int, amount string) customer.Return {
	r := customer.Return{ID: id, OrderID: o, CustomerID: customer.ID(cust), Time: at, Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: line, Quantity: -qty}}}
	if amount != "" {
		r.Refund = decimal.NewNullDecimal(decimal.RequireFromString(amount))
	}
	return r
}

// leftOutOf returns the "left_out" records of an insight response, by
// their names, with their errors.
func leftOutOf(t *testing.T, r response) map[string]string {
	t.Helper()
	left, ok := r.Body["left_out"].([]any)
	require.True(t, ok, r.String())
	out := map[string]string{}
	for _, l := range left {
		rec := l.(map[string]any)
		out[rec["record"].(string)] = rec["error"].(string)
	}
	return out
}

// Before the e-shop recorded its history through a Recorder, two servers
// could refund the same units at once (both answered 201), and a
// backdated refund was checked against the refunds stored before it, not
// those dated before it, so it could pay more than its share. Such a
// return would not pass the Recorder's checks: the insight and the fit
// leave it out and name it, and count the history's valid returns.
func TestInsightLeavesOutRefusedReturns(t *testing.T) {
	e := newEnv(t, memoryStores())
	ctx := context.Background()
	_, err := e.srv.Seed(ctx, 100, testNow)
	require.NoError(t, err)
	e.register("C-RET")
	// Net 2 × 89.90 + 54.90 = 234.70.
	r := e.do("POST", "/v1/orders", "shop", order("O-RET", "C-RET", testNow.Add(-48*time.Hour), 2, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	// Written straight to the store, as an older version of the shop did.
	for _, ret := range []customer.Return{
		refund("R-1", "O-RET", "C-RET", testNow.Add(-40*time.Hour), "1", 1, ""),
		refund("R-2", "O-RET", "C-RET", testNow.Add(-30*time.Hour), "1", 2, ""),      // 1 unit held
		refund("R-3", "O-RET", "C-RET", testNow.Add(-20*time.Hour), "2", 1, "80.00"), // share 54.90
		refund("R-4", "O-RET", "C-RET", testNow.Add(-10*time.Hour), "1", 1, ""),
	} {
		require.NoError(t, e.stores.Customers.AppendReturn(ctx, ret))
	}

	r = e.do("POST", "/v1/models/refresh", "analyst-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.NotContains(t, e.logs.String(), "refresh: history skipped", "the customer stays in the fit")
	assert.Contains(t, e.logs.String(), `"msg":"refresh: history record left out","customer":"C-RET","record":"return \"R-2\""`)

	r = e.do("GET", "/v1/customers/C-RET/insight", "analyst-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	left := leftOutOf(t, r)
	require.Len(t, left, 2, r.String())
	assert.Contains(t, left[`return "R-2"`], "lines[0].quantity", "more units than the customer held")
	assert.Contains(t, left[`return "R-3"`], "refund", "more than the units' share")
	sum := r.Body["summary"].(map[string]any)
	assert.Equal(t, "54.90", sum["net"], "the order's 234.70 less R-1 and R-4, 89.90 each")
	assert.InDelta(t, 2.0/3, sum["return_rate"], 1e-9, "2 of 3 units came back")
	assert.Contains(t, e.logs.String(), `"msg":"insight: history record left out","customer":"C-RET","record":"return \"R-3\""`)
}

// Before the Recorder bounded a price reduction by the money its order's
// refunds paid back (and a refund by the order's price reductions), a
// complaint's price reduction and a refund of the order could together
// pay back more than the customer paid. The insight checks the records
// as a summary takes them, the returns before the credits, so the price
// reduction is left out, though it was written first and a Recorder would
// have refused the refund; the refund, which brought goods back, counts.
func TestInsightLeavesOutAPriceReductionBeyondTheRefunds(t *testing.T) {
	e := newEnv(t, memoryStores())
	ctx := context.Background()
	_, err := e.srv.Seed(ctx, 100, testNow)
	require.NoError(t, err)
	e.register("C-OVR")
	// Net 89.90 + 54.90 = 144.80.
	r := e.do("POST", "/v1/orders", "shop", order("O-OVR", "C-OVR", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	eur, err := customer.NewMoney("100.00", "EUR")
	require.NoError(t, err)
	// Written straight to the store, as an older version of the shop did:
	// the reduction first, then a refund of 89.90 that pays back 45.10
	// more than the 144.80 the customer paid.
	require.NoError(t, e.stores.Customers.AppendCredit(ctx, customer.Credit{ID: "C-OVR:1#3", CustomerID: "C-OVR", OrderID: "O-OVR",
		Time: testNow.Add(-30 * time.Hour), Kind: customer.PriceReduction, Amount: eur, Source: `complaint "C-OVR:1"`}))
	require.NoError(t, e.stores.Customers.AppendReturn(ctx, refund("R-OVR", "O-OVR", "C-OVR", testNow.Add(-20*time.Hour), "1", 1, "")))

	r = e.do("POST", "/v1/models/refresh", "analyst-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Contains(t, e.logs.String(), `"msg":"refresh: history record left out","customer":"C-OVR"`)

	r = e.do("GET", "/v1/customers/C-OVR/insight", "analyst-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	left := leftOutOf(t, r)
	require.Len(t, left, 1, r.String())
	assert.Contains(t, left[`credit "C-OVR:1#3" (complaint "C-OVR:1")`], "left of the order's net of 144.80 after earlier reductions of 0.00 and refunds of 89.90", "the error says what the reduction exceeds")
	sum := r.Body["summary"].(map[string]any)
	assert.Equal(t, "54.90", sum["net"], "the order's 144.80 less the refund of 89.90; never below zero")
	assert.InDelta(t, 0.5, sum["return_rate"], 1e-9)
}

// A history written through the shop's Recorder holds no record its
// checks refuse: the summaries of a generated shop leave nothing out and
// are those of customer.Summarize, as of now and as of the calibration
// end the fit uses.
func TestSummarizeLeavesNothingOutOfARecordedHistory(t *testing.T) {
	e := newEnv(t, memoryStores())
	ctx := context.Background()
	_, err := e.srv.Seed(ctx, 200, testNow)
	require.NoError(t, err)
	histories := 0
	for c, err := range e.stores.Customers.List(ctx) {
		require.NoError(t, err)
		var events []customer.Event
		for ev, err := range e.stores.Customers.History(ctx, c.ID) {
			require.NoError(t, err)
			events = append(events, ev)
		}
		if len(events) > 0 {
			histories++
		}
		for _, asOf := range []time.Time{testNow, testNow.AddDate(0, 0, -7*HoldoutWeeks)} {
			want, err := customer.Summarize(c.ID, c.Kind, asOf, slices.Values(events), nil)
			require.NoError(t, err)
			got, left, err := summarize(c.ID, c.Kind, asOf, testNow, events)
			require.NoError(t, err)
			assert.Empty(t, left, "%s as of %s", c.ID, asOf)
			assert.Equal(t, want, got, "%s as of %s", c.ID, asOf)
		}
	}
	assert.Greater(t, histories, 100)
}

// summarize decides what to leave out on the whole stored history, in
// the order a summary takes the records, whatever the instant of the
// summary: a return or credit of an order the history lacks (which no
// store of the shop accepts, but an imported history may hold) is left
// out and named, as is a price reduction beyond a refund dated after the
// summary's instant, so the fit's calibration summary and the insight
// leave out the same records.
func TestSummarizeLeavesOutTheSameRecordsAtAnyInstant(t *testing.T) {
	at := testNow.Add(-48 * time.Hour)
	o := customer.Order{ID: "O-1", CustomerID: "C-1", Time: at, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "KN-100", Category: "knitwear", Quantity: 1, UnitPrice: decimal.RequireFromString("89.90")}}}
	reduction := func(id, orderID string, when time.Time, amount string) customer.Credit {
		m, err := customer.NewMoney(amount, "EUR")
		require.NoError(t, err)
		return customer.Credit{ID: id, CustomerID: "C-1", OrderID: orderID, Time: when, Kind: customer.PriceReduction, Amount: m}
	}
	orphan := refund("R-9", "O-9", "C-1", at.Add(time.Hour), "1", 1, "")
	late := refund("R-1", "O-1", "C-1", at.Add(30*time.Hour), "1", 1, "")
	reduced := reduction("K-1", "O-1", at.Add(time.Hour), "20.00")
	orphanCredit := reduction("K-9", "O-9", at.Add(2*time.Hour), "5.00")
	events := []customer.Event{{Credit: &orphanCredit}, {Return: &late}, {Credit: &reduced}, {Return: &orphan}, {Order: &o}}

	for _, asOf := range []time.Time{testNow, at.Add(10 * time.Hour)} {
		sum, left, err := summarize("C-1", customer.Consumer, asOf, testNow, events)
		require.NoError(t, err, "as of %s", asOf)
		var names []string
		for _, l := range left {
			names = append(names, l.Record)
			assert.Contains(t, l.Error, "order", "%s: the error says what the record contradicts", l.Record)
		}
		assert.Equal(t, []string{`return "R-9"`, `credit "K-1"`, `credit "K-9"`}, names, "as of %s", asOf)
		assert.True(t, sum.Credited.IsZero(), "as of %s: %s", asOf, sum.Credited)
		assert.Equal(t, 1, sum.Orders)
	}
	sum, _, err := summarize("C-1", customer.Consumer, testNow, testNow, events)
	require.NoError(t, err)
	assert.Equal(t, "0", sum.Net().String(), "the order refunded whole")
}
