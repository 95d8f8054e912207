package segment_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// creditLineModel is a dealer model whose potential is a money credit
// line.
func creditLineModel() value.Model {
	m := func(i value.Indicator, tr value.Transform, me value.Method) *value.Measure {
		return &value.Measure{Indicator: i, Transform: tr, Method: me}
	}
	return value.Model{Kind: customer.Intermediary,
		Custom: []value.CustomIndicator{{Name: "credit-line", Money: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			{Name: "revenue", Weight: 1, Measure: m(value.Revenue, value.Log, value.MinMax)}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "credit-line", Weight: 1, Measure: m(value.Custom(0), value.Linear, value.MinMax)}}},
	}
}

// inCurrency returns a dealer input as dealerInput's with one order
// thirty days ago in cur.
func inCurrency(t *testing.T, id string, cur customer.Currency) segment.Input {
	t.Helper()
	s := customer.NewSummary(customer.ID(id), customer.Intermediary, asOf, nil)
	require.NoError(t, s.AddOrder(customer.Order{ID: id + "-0", CustomerID: customer.ID(id),
		Time: asOf.AddDate(0, 0, -30), Channel: customer.Wholesale, Currency: cur,
		Lines: []customer.Line{{ID: "1", Quantity: 50, UnitPrice: decimal.NewFromInt(40)}}}))
	c := &customer.Customer{ID: customer.ID(id), Kind: customer.Intermediary,
		Trade: &customer.Trade{Outlets: 2, Rating: customer.RatingBBB, CooperationStart: asOf.AddDate(-3, 0, 0)}}
	return segment.Input{Summary: s, Customer: c}
}

// Custom money values in two currencies are converted into the analysis
// currency with the customer's other amounts, exactly: a GBP dealer's
// credit line ties with a USD dealer's of its exact equivalent, and so
// does a EUR dealer's credit line given in GBP, converted at the rate
// of its own currency as a trade amount in another currency is.
func TestCustomMoneyTwoCurrencies(t *testing.T) {
	m := creditLineModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("1.1"), {"GBP", "USD"}: decimal.RequireFromString("1.3")}}
	start := asOf.AddDate(-3, 0, 0)
	ins := []segment.Input{
		withCustom(dealerInput(t, "eur", start, 30), amount(t, "credit-line", "1000.1", "EUR")),
		withCustom(inCurrency(t, "gbp", "GBP"), amount(t, "credit-line", "1000.1", "GBP")),
		withCustom(inCurrency(t, "usd", "USD"), amount(t, "credit-line", "1300.13", "USD")),
		withCustom(inCurrency(t, "usd-low", "USD"), amount(t, "credit-line", "10", "USD")),
		withCustom(dealerInput(t, "eur-gbp-line", start, 30), amount(t, "credit-line", "1000.1", "GBP")),
		withCustom(dealerInput(t, "eur-usd-line", start, 30), amount(t, "credit-line", "1300.13", "USD")),
	}
	model, obs, err := segment.FitInputs(ins, opts)
	require.NoError(t, err)
	got := map[customer.ID]float64{}
	for i := range obs {
		assert.Equal(t, customer.Currency("USD"), obs[i].Currency)
		v, ok := obs[i].Get(value.Custom(0))
		require.True(t, ok)
		assert.True(t, obs[i].IsAmount(value.Custom(0)))
		got[obs[i].ID] = v
	}
	assert.Equal(t, value.Float(decimal.RequireFromString("1100.11")), got["eur"])
	assert.Equal(t, value.Float(decimal.RequireFromString("1300.13")), got["gbp"])
	assert.Equal(t, got["usd"], got["gbp"], "exact equivalents tie")
	assert.Equal(t, got["usd"], got["eur-gbp-line"], "a credit line in another currency than the orders")
	assert.Equal(t, got["usd"], got["eur-usd-line"], "a credit line in the analysis currency")
	var a, b segment.Result
	require.NoError(t, model.Classify(&a, &obs[1]))
	require.NoError(t, model.Classify(&b, &obs[2]))
	assert.Equal(t, a.Value.Potential, b.Value.Potential)

	// Without a rate for the credit line's currency the input is
	// refused, naming the customer and the pair.
	in := withCustom(dealerInput(t, "eur-chf-line", start, 30), amount(t, "credit-line", "5", "CHF"))
	o := segment.Observation{MedianGap: 42}
	err = segment.ObserveWith(in, &o, opts)
	require.ErrorIs(t, err, errNoRate)
	assert.Contains(t, err.Error(), `customer "eur-chf-line": no rate from CHF to USD`)
	assert.Equal(t, segment.Observation{MedianGap: 42}, o)
}

// A dealer without orders or trade amounts has no currency but that of
// its custom amounts: a credit line given in EUR makes it a EUR
// customer, converted into the analysis currency as any other, not an
// amount of no currency taken as USD beside converted ones. A credit
// line given as a number is refused, naming the customer and the
// indicator, and changes nothing.
func TestCustomMoneyWithoutCurrency(t *testing.T) {
	m := creditLineModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("1.25")}}
	blank := dealerInput(t, "prospect", asOf.AddDate(-3, 0, 0))

	o := segment.Observation{MedianGap: 42}
	err := segment.ObserveWith(withCustom(blank, value.CustomValue{Name: "credit-line", Value: 1000}), &o, opts)
	assert.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Contains(t, err.Error(), `"prospect"`)
	assert.Contains(t, err.Error(), "credit-line")
	assert.Equal(t, segment.Observation{MedianGap: 42}, o)

	require.NoError(t, segment.ObserveWith(withCustom(blank, amount(t, "credit-line", "1000", "EUR")), &o, opts))
	assert.Equal(t, customer.Currency("USD"), o.Currency)
	v, _ := o.Get(value.Custom(0))
	assert.Equal(t, 1250.0, v)

	// Without exchange rates it stays a EUR customer, which statistics
	// of USD customers refuse.
	plain := &segment.Options{Intermediary: &m}
	require.NoError(t, segment.ObserveWith(withCustom(blank, amount(t, "credit-line", "1000", "EUR")), &o, plain))
	assert.Equal(t, customer.Currency("EUR"), o.Currency)
	v, _ = o.Get(value.Custom(0))
	assert.Equal(t, 1000.0, v)
	st, err := segment.NewStats(plain)
	require.NoError(t, err)
	var u segment.Observation
	require.NoError(t, segment.ObserveWith(withCustom(inCurrency(t, "usd", "USD"), amount(t, "credit-line", "10", "USD")), &u, plain))
	require.NoError(t, st.Add(&u))
	var cm *customer.CurrencyMismatchError
	assert.ErrorAs(t, st.Add(&o), &cm)
}

// A bad custom value in the middle of a population is reported by
// FitInputs naming the customer and the indicator.
func TestFitInputsNamesCustomerAndIndicator(t *testing.T) {
	m := creditLineModel()
	opts := &segment.Options{Intermediary: &m}
	start := asOf.AddDate(-3, 0, 0)
	ins := []segment.Input{
		withCustom(dealerInput(t, "ok", start, 30), amount(t, "credit-line", "5", "EUR")),
		withCustom(dealerInput(t, "bad", start, 30), amount(t, "credit-lines", "5", "EUR")),
	}
	_, _, err := segment.FitInputs(ins, opts)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Contains(t, err.Error(), `customer "bad"`)
	assert.Contains(t, err.Error(), `"credit-lines"`)
}

// The integrator's whole path in segment: consumers with a brand-interest
// survey score and dealers with a credit line in EUR and GBP, converted
// into USD; first-pass statistics gathered in two goroutines, shipped as
// bytes and merged, classify every customer as FitInputs does.
func TestSegmentShardedCustom(t *testing.T) {
	consumer := value.Model{Kind: customer.Consumer,
		Custom: []value.CustomIndicator{{Name: "brand-interest", UnitScale: true}},
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			{Name: "revenue", Weight: 1, Measure: &value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax}}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "interest", Weight: 1, Measure: &value.Measure{Indicator: value.Custom(0), Transform: value.Linear,
				Method: value.Absolute, Fallback: value.FullPriceShare, Missing: 0.3}}}},
	}
	dealer := creditLineModel()
	opts := &segment.Options{Consumer: &consumer, Intermediary: &dealer, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("1.1"), {"GBP", "USD"}: decimal.RequireFromString("1.3")}}
	var ins []segment.Input
	for i := range 30 {
		in := input(t, spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer,
			Buys: []buy{{DaysAgo: 10 + 25*i, Qty: 1 + i%3, Cents: int64(2000 + 313*i)}}}, 1)
		if i%3 != 0 {
			in.Custom = []value.CustomValue{{Name: "brand-interest", Value: float64(i%10) / 10}}
		}
		ins = append(ins, in)
	}
	for i := range 12 {
		cur := customer.Currency([]string{"EUR", "GBP", "USD"}[i%3])
		in := inCurrency(t, fmt.Sprint("d", i), cur)
		if i%4 != 0 {
			line := cur
			if i%5 == 0 {
				line = "GBP" // a credit line in another currency than the orders
			}
			in.Custom = []value.CustomValue{amount(t, "credit-line", fmt.Sprint(1000*(i+1)), line)}
		}
		ins = append(ins, in)
	}
	want, obs, err := segment.FitInputs(ins, opts)
	require.NoError(t, err)

	blobs := make([][]byte, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for sh := range 2 {
		wg.Go(func() {
			st, err := segment.NewStats(opts)
			if err != nil {
				errs[sh] = err
				return
			}
			for i := sh; i < len(ins); i += 2 {
				var o segment.Observation
				if err := segment.ObserveWith(ins[i], &o, opts); err != nil {
					errs[sh] = err
					return
				}
				if err := st.Add(&o); err != nil {
					errs[sh] = err
					return
				}
			}
			blobs[sh], errs[sh] = st.MarshalBinary()
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	merged, err := segment.NewStats(opts)
	require.NoError(t, err)
	for _, b := range blobs {
		d, err := segment.NewStats(opts)
		require.NoError(t, err)
		require.NoError(t, d.UnmarshalBinary(b))
		require.NoError(t, merged.Merge(d))
	}
	sc, err := merged.Scoring()
	require.NoError(t, err)
	ts := sc.NewThresholdStats()
	for i := range obs {
		require.NoError(t, ts.Add(&obs[i]))
	}
	got, err := ts.Model()
	require.NoError(t, err)
	for i := range obs {
		var a, b segment.Result
		require.NoError(t, want.Classify(&a, &obs[i]))
		require.NoError(t, got.Classify(&b, &obs[i]))
		require.Equal(t, a, b, obs[i].ID)
	}
}

// A custom money value that its conversion takes beyond the float64
// range is refused naming the customer and the indicator by the name the
// caller gave it, whether it is in the customer's currency or another.
func TestCustomConvertOverflowNamesIndicator(t *testing.T) {
	m := creditLineModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("10"), {"GBP", "USD"}: decimal.RequireFromString("10")}}
	for _, cur := range []customer.Currency{"EUR", "GBP"} {
		huge, err := customer.MoneyFromDecimal(decimal.New(1, 308), cur)
		require.NoError(t, err)
		in := withCustom(dealerInput(t, "huge", asOf.AddDate(-3, 0, 0), 30), value.CustomValue{Name: "credit-line", Amount: huge})
		o := segment.Observation{MedianGap: 42}
		err = segment.ObserveWith(in, &o, opts)
		require.ErrorIs(t, err, value.ErrInvalidInput, cur)
		assert.Contains(t, err.Error(), `customer "huge": indicator credit-line (custom-0) = +Inf`, cur)
		assert.Equal(t, segment.Observation{MedianGap: 42}, o)
	}
}
