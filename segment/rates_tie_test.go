package segment_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// oneOrder is a consumer with one order of one unit at price in cur,
// daysAgo days before asOf.
func oneOrder(t *testing.T, id string, cur customer.Currency, price string, daysAgo int) segment.Input {
	t.Helper()
	s := customer.NewSummary(customer.ID(id), customer.Consumer, asOf, nil)
	require.NoError(t, s.AddOrder(customer.Order{ID: id + "-1", CustomerID: s.CustomerID,
		Time: asOf.AddDate(0, 0, -daysAgo), Channel: customer.Store, Currency: cur,
		Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString(price)}}}))
	return segment.Input{Summary: s}
}

// A customer whose amounts convert exactly into those of a customer of
// the analysis currency ties with it: USD 1.50 at 0.8 is EUR 1.20, and
// the two are scored alike, although 1.5 × 0.8 in float64 is not the
// float64 of 1.2.
func TestConvertedTiesWithNative(t *testing.T) {
	pop := []segment.Input{
		oneOrder(t, "a", "EUR", "0.50", 10),
		oneOrder(t, "twin", "EUR", "1.20", 10),
		oneOrder(t, "usd", "USD", "1.50", 10),
		oneOrder(t, "b", "EUR", "3.00", 10),
		oneOrder(t, "c", "EUR", "9.00", 10),
	}
	opts := &segment.Options{Currency: "EUR", Rates: rateTable{{"USD", "EUR"}: decimal.RequireFromString("0.8")}}
	m, obs, err := segment.FitInputs(pop, opts)
	require.NoError(t, err)
	assert.Equal(t, obs[1].Values, obs[2].Values)
	assert.True(t, obs[2].Net.Equal(decimal.RequireFromString("1.2")), "net %s", obs[2].Net)
	rs := classifyAll(t, m, obs)
	tw, us := rs[1], rs[2]
	assert.Equal(t, tw.RFM, us.RFM)
	assert.Equal(t, tw.Value, us.Value)
	assert.Equal(t, tw.Quadrant, us.Quadrant)
	assert.Equal(t, tw.ShopType, us.ShopType)
}

// Observations taken without the conversion are refused by statistics
// and models whose options convert into another currency, naming the
// customer and both currencies: a fit of them would compare the kind in
// the currency of its customers, not in the options', and later
// observations taken with the options would be refused.
func TestOptionsCurrencyRefusesUnconverted(t *testing.T) {
	var obs []segment.Observation
	for i, p := range []string{"160", "480", "1600", "16000"} {
		var o segment.Observation
		require.NoError(t, segment.Observe(oneOrder(t, fmt.Sprintf("j%d", i), "JPY", p, 10+i), &o))
		obs = append(obs, o)
	}
	opts := &segment.Options{Currency: "EUR", Rates: rateTable{{"JPY", "EUR"}: jpyEUR}}
	_, err := segment.Fit(obs, opts)
	require.ErrorIs(t, err, segment.ErrInvalidOptions)
	assert.EqualError(t, err, `segment: customer "j0": observation in JPY, the options convert into EUR: observe with ObserveWith and the options of the fit: segment: invalid options`)

	st, err := segment.NewStats(opts)
	require.NoError(t, err)
	require.ErrorIs(t, st.Add(&obs[0]), segment.ErrInvalidOptions)
	_, err = st.Scoring()
	require.ErrorIs(t, err, segment.ErrEmpty, "a refused observation changes nothing")

	// A model fitted without the options in JPY classifies them; one
	// with the options refuses them.
	plain, err := segment.Fit(obs, nil)
	require.NoError(t, err)
	var r segment.Result
	require.NoError(t, plain.Classify(&r, &obs[0]))

	// Taken with the options, they fit, and a customer without a
	// currency (no money facts) is taken as well.
	conv := make([]segment.Observation, len(obs))
	for i := range obs {
		require.NoError(t, segment.ObserveWith(oneOrder(t, fmt.Sprintf("j%d", i), "JPY", []string{"160", "480", "1600", "16000"}[i], 10+i), &conv[i], opts))
	}
	var none segment.Observation
	require.NoError(t, segment.ObserveWith(segment.Input{Summary: customer.NewSummary("none", customer.Consumer, asOf, nil)}, &none, opts))
	assert.Equal(t, customer.Currency(""), none.Currency)
	fm, err := segment.Fit(append(conv, none), opts)
	require.NoError(t, err)
	r = segment.Result{ID: "kept"}
	keep := r
	err = fm.Classify(&r, &obs[0])
	require.ErrorIs(t, err, segment.ErrInvalidOptions)
	assert.ErrorContains(t, err, `customer "j0": observation in JPY, the options convert into EUR`)
	assert.Equal(t, keep, r)
}

// Shards gathered with options that convert into different currencies
// do not merge, even while one of them holds no customer of a kind.
func TestMergeRefusesOtherCurrencyOptions(t *testing.T) {
	a, err := segment.NewStats(&segment.Options{Currency: "EUR", Rates: rateTable{}})
	require.NoError(t, err)
	b, err := segment.NewStats(&segment.Options{Currency: "USD", Rates: rateTable{}})
	require.NoError(t, err)
	require.ErrorIs(t, a.Merge(b), segment.ErrInvalidOptions)
}

// Credited is converted with Net: a compensation in JPY is counted in EUR
// at the rate, as Net, which is net of it.
func TestObserveWithConvertsCredited(t *testing.T) {
	in := oneOrder(t, "jp", "JPY", "16000", 10)
	m, err := customer.MoneyFromDecimal(decimal.NewFromInt(3200), "JPY")
	require.NoError(t, err)
	require.NoError(t, in.Summary.AddCredit(customer.Credit{ID: "k1", CustomerID: "jp",
		Time: asOf.AddDate(0, 0, -5), Kind: customer.Compensation, Amount: m}))
	var o segment.Observation
	require.NoError(t, segment.ObserveWith(in, &o, &segment.Options{Currency: "EUR", Rates: rateTable{{"JPY", "EUR"}: jpyEUR}}))
	assert.True(t, o.Credited.Equal(decimal.NewFromInt(20)), "credited %s", o.Credited)
	assert.True(t, o.Net.Equal(decimal.NewFromInt(80)), "net %s", o.Net)
	assert.Equal(t, 80.0, o.Values[value.Revenue])
}

// A shard gathered without the conversion, decoded into statistics whose
// options convert into another currency, is refused and changes nothing.
func TestUnmarshalRefusesOtherCurrency(t *testing.T) {
	plain, err := segment.NewStats(nil)
	require.NoError(t, err)
	var o segment.Observation
	require.NoError(t, segment.Observe(oneOrder(t, "j0", "JPY", "1600", 10), &o))
	require.NoError(t, plain.Add(&o))
	data, err := plain.MarshalBinary()
	require.NoError(t, err)

	opts := &segment.Options{Currency: "EUR", Rates: rateTable{{"JPY", "EUR"}: jpyEUR}}
	st, err := segment.NewStats(opts)
	require.NoError(t, err)
	err = st.UnmarshalBinary(data)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.EqualError(t, err, "segment: decode statistics: consumer customers in JPY, the options convert into EUR: value: invalid input")
	_, err = st.Scoring()
	require.ErrorIs(t, err, segment.ErrEmpty)

	// Converted, the shard decodes.
	conv, err := segment.NewStats(opts)
	require.NoError(t, err)
	require.NoError(t, segment.ObserveWith(oneOrder(t, "j0", "JPY", "1600", 10), &o, opts))
	require.NoError(t, conv.Add(&o))
	data, err = conv.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, st.UnmarshalBinary(data))
}

// dealer is an intermediary with one order of 100 in cur (none when cur
// is empty) and a trade record of the given turnover and market size.
func dealer(t *testing.T, id string, cur customer.Currency, turnover, market customer.Money) segment.Input {
	t.Helper()
	s := customer.NewSummary(customer.ID(id), customer.Intermediary, asOf, nil)
	if cur != "" {
		require.NoError(t, s.AddOrder(customer.Order{ID: id + "-1", CustomerID: s.CustomerID, Time: asOf.AddDate(0, 0, -10),
			Channel: customer.Store, Currency: cur,
			Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.NewFromInt(100)}}}))
	}
	return segment.Input{Summary: s, Customer: &customer.Customer{ID: s.CustomerID, Kind: customer.Intermediary,
		Trade: &customer.Trade{AnnualTurnover: turnover, MarketSize: market, Outlets: 1}}}
}

func money(t *testing.T, amount string, cur customer.Currency) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(amount, string(cur))
	require.NoError(t, err)
	return m
}

// With the rates, a dealer whose trade record is in another currency than
// its orders is converted as one without orders is: each amount at the
// rate of its own currency into the analysis currency. Without the
// rates it is refused as before.
func TestObserveWithConvertsTradeInAnotherCurrency(t *testing.T) {
	rates := rateTable{{"USD", "EUR"}: decimal.RequireFromString("0.92"), {"JPY", "EUR"}: jpyEUR}
	opts := &segment.Options{Currency: "EUR", Rates: rates}
	in := dealer(t, "d", "EUR", money(t, "500000", "USD"), money(t, "160000000", "JPY"))
	var o segment.Observation
	err := segment.Observe(in, &o)
	var mm *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &mm)

	require.NoError(t, segment.ObserveWith(in, &o, opts))
	assert.Equal(t, customer.Currency("EUR"), o.Currency)
	assert.Equal(t, 460000.0, o.Values[value.Turnover])
	assert.Equal(t, 1e6, o.Values[value.MarketSize])
	assert.Equal(t, 100.0, o.Values[value.Revenue])
	assert.True(t, o.Net.Equal(decimal.NewFromInt(100)))

	// The same dealer without orders, and one buying in JPY.
	var p segment.Observation
	require.NoError(t, segment.ObserveWith(dealer(t, "d", "", money(t, "500000", "USD"), money(t, "160000000", "JPY")), &p, opts))
	assert.Equal(t, customer.Currency("EUR"), p.Currency)
	assert.Equal(t, o.Values[value.Turnover], p.Values[value.Turnover])
	assert.Equal(t, o.Values[value.MarketSize], p.Values[value.MarketSize])
	require.NoError(t, segment.ObserveWith(dealer(t, "d", "JPY", money(t, "500000", "USD"), customer.Money{}), &p, opts))
	assert.Equal(t, 460000.0, p.Values[value.Turnover])
	assert.Equal(t, 0.625, p.Values[value.Revenue])

	// A missing rate for the trade currency names the customer and the
	// pair, and changes nothing.
	keep := o
	err = segment.ObserveWith(dealer(t, "d", "EUR", money(t, "500000", "GBP"), customer.Money{}), &o, opts)
	require.ErrorIs(t, err, errNoRate)
	assert.EqualError(t, err, `segment: customer "d": no rate from GBP to EUR: GBP/EUR: no rate`)
	assert.Equal(t, keep, o)
	// So does a converted amount beyond float64.
	err = segment.ObserveWith(dealer(t, "d", "EUR", money(t, "500000", "USD"), customer.Money{}), &o,
		&segment.Options{Currency: "EUR", Rates: rateTable{{"USD", "EUR"}: decimal.New(1, 305)}})
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.ErrorContains(t, err, `customer "d"`)
	assert.ErrorContains(t, err, `turnover`)
	assert.Equal(t, keep, o)
}

// A customer converted at a rate of a few decimals is classified as its
// twin who paid the converted amounts in the analysis currency: the same
// scores, quadrant, grade and net, whatever the rate's float64 rounding.
func TestConvertedTwinClassifiedAlike(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 5).Draw(t, "n")
		kind := rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind")
		// rate = m ÷ 1000; USD amounts in multiples of 10 units (1000
		// cents) are then whole EUR cents.
		m := rapid.Int64Range(1, 5000).Draw(t, "m")
		rate := decimal.New(m, -3)
		usd := rapid.SliceOfN(rapid.Int64Range(1, 300), 2, 4).Draw(t, "usd")
		for q := range usd {
			usd[q] *= 1000
		}
		pop := make([]segment.Input, 0, n+2)
		for i := range n {
			cents := rapid.SliceOfN(rapid.Int64Range(1, 300_000), 2, 4).Draw(t, fmt.Sprintf("cents%d", i))
			pop = append(pop, moneyIn(t, fmt.Sprintf("c%d", i), kind, "EUR", cents, one))
		}
		pop = append(pop, moneyIn(t, "twin", kind, "EUR", usd, rate), moneyIn(t, "usd", kind, "USD", usd, one))
		opts := &segment.Options{Currency: "EUR", Rates: rateTable{{"USD", "EUR"}: rate}, Grades: &segment.GradeOptions{}}
		md, obs, err := segment.FitInputs(pop, opts)
		require.NoError(t, err)
		tw, us := obs[n], obs[n+1]
		require.Equal(t, tw.Values, us.Values)
		require.True(t, tw.Net.Equal(us.Net), "net %s and %s", tw.Net, us.Net)
		rs := classifyAll(t, md, obs)
		a, b := rs[n], rs[n+1]
		b.ID, b.Net = a.ID, a.Net
		require.Equal(t, a, b)
	})
}
