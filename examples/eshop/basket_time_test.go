package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// A basket pays with the points the member has at the basket's time, not
// at the time it is priced: points whose return window ends between now
// and a basket dated later pay for it, and the refusal of too many
// points names what the member has then.
func TestBasketPointsAtBasketTime(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	o := order("O-1", "C-1", testNow.Add(-2*time.Hour), 2, "89.90")
	r := e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	require.EqualValues(t, 234, num(r.Body["points_earned"]))
	// The 30-day return window ends 2 hours before testNow + 30 days;
	// now is 4 hours before that, the basket an hour after it.
	e.advance(30*24*time.Hour - 6*time.Hour)
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	require.EqualValues(t, 0, num(r.Body["available"]), "still pending now")

	at := testNow.Add(30*24*time.Hour - time.Hour)
	basket := map[string]any{"member": "C-1", "currency": "EUR", "points": 200, "time": at.Format(time.RFC3339),
		"items": []map[string]any{{"id": "1", "sku": "KN-100", "category": "knitwear", "quantity": 1, "unit_price": "100.00"}}}
	r = e.do("POST", "/v1/baskets/price", "shop", basket)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.EqualValues(t, 200, num(r.Body["points_used"]))
	assert.Equal(t, "98.00", r.Body["total"])

	basket["points"] = 300
	r = e.do("POST", "/v1/baskets/price", "shop", basket)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "points", r.field())
	assert.Contains(t, r.Body["error"], "234", "the points available at the basket's time")
}

// A basket dated later holds the tier its member holds then: the
// account is brought to the basket's time, so a gold member whose
// grace ends before a basket dated after it does not enter the gold
// members' sale with it, and enters it with a basket dated now.
func TestBasketTierAtBasketTime(t *testing.T) {
	e := newEnv(t, memoryStores())
	c := e.srv.programme.Config()
	c.Pricing.Seasonal = append(c.Pricing.Seasonal, loyalty.SeasonalDiscount{Name: "gold members' sale",
		Seasons: []string{"2026-AW"}, Percent: decimal.RequireFromString("25"), Tiers: []string{"gold"}})
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	e.srv.programme = p
	e.register("C-1")
	r := e.do("POST", "/v1/orders", "shop", order("O-1", "C-1", testNow.Add(-2*time.Hour), 1, "1600.00"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	require.Equal(t, "gold", r.Body["points"].(map[string]any)["tier"], r.String())

	// A year on the review finds nothing bought since: a grace of 30
	// days, gold still held now.
	e.advance(365*24*time.Hour + 10*24*time.Hour)
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	require.Equal(t, "gold", r.Body["tier"], r.String())

	now := testNow.Add(375 * 24 * time.Hour)
	for _, tc := range []struct {
		at    time.Time
		total string
	}{
		{now, "75.00"},                           // gold, in its grace
		{now.Add(25 * 24 * time.Hour), "100.00"}, // the grace ended before
	} {
		basket := map[string]any{"member": "C-1", "currency": "EUR", "time": tc.at.Format(time.RFC3339),
			"items": []map[string]any{{"id": "1", "sku": "CO-1", "category": "coats", "season": "2026-AW", "quantity": 1, "unit_price": "100.00"}}}
		r = e.do("POST", "/v1/baskets/price", "shop", basket)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, tc.total, r.Body["total"], "basket of %s", tc.at.Format(time.DateOnly))
	}
	e.advance(25 * 24 * time.Hour)
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "member", r.Body["tier"], "the grace ended: %s", r.String())
}
