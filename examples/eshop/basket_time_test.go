package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
