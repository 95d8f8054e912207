package customer_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// A consumer has no role, fit or rating; such zero values must survive a
// JSON round trip, as storage adapters and HTTP backends rely on it.
func TestCustomerJSONRoundTrip(t *testing.T) {
	joined := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	turnover, err := customer.NewMoney("2500000.00", "EUR")
	require.NoError(t, err)
	market, err := customer.NewMoney("90000000", "EUR")
	require.NoError(t, err)
	for _, c := range []customer.Customer{
		{ID: "c1", Kind: customer.Consumer, Joined: joined},
		{ID: "c2", Kind: customer.Consumer, Name: "Anna Li", Joined: joined,
			Contact:  customer.Contact{Email: "anna@example.com", Phone: "+86 138 0000 1234"},
			Birthday: customer.Birthday{Year: 1994, Month: time.September, Day: 14},
			Consent:  customer.Consent{Marketing: true},
			Profile:  customer.Profile{TopSize: "M", HeightCM: 168, Fit: customer.Slim, Colours: []string{"navy"}}},
		{ID: "d1", Kind: customer.Intermediary, Role: customer.Dealer, Joined: joined,
			Trade: &customer.Trade{AnnualTurnover: turnover, Outlets: 4, Rating: customer.RatingBBB,
				CooperationStart: joined.AddDate(-3, 0, 0), MarketSize: market}},
		{ID: "d2", Kind: customer.Intermediary, Role: customer.Agent, Joined: joined, Trade: &customer.Trade{}},
	} {
		b, err := json.Marshal(c)
		require.NoError(t, err, c.ID)
		var back customer.Customer
		require.NoError(t, json.Unmarshal(b, &back), "%s: %s", c.ID, b)
		assert.True(t, c.Equal(back), "%s: %s", c.ID, b)
	}
}

func TestZeroMoneyText(t *testing.T) {
	b, err := customer.Money{}.MarshalText()
	require.NoError(t, err)
	var m customer.Money
	require.NoError(t, m.UnmarshalText(b))
	assert.True(t, m.Equal(customer.Money{}))
	ten, err := customer.NewMoney("10.50", "EUR")
	require.NoError(t, err)
	b, err = ten.MarshalText()
	require.NoError(t, err)
	require.NoError(t, m.UnmarshalText(b))
	assert.True(t, m.Equal(ten))
	assert.Error(t, m.UnmarshalText([]byte("10.50")), "an amount without a currency")
}
