package customer

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func eur(amount string) Money {
	m, err := NewMoney(amount, "EUR")
	if err != nil {
		panic(err)
	}
	return m
}

// validCredit is a price reduction of 25 EUR on validOrder (net 210 EUR),
// five days after it.
func validCredit() Credit {
	return Credit{ID: "K-1", CustomerID: "C-1", OrderID: "O-1", Time: vNow.AddDate(0, 0, -5),
		Kind: PriceReduction, Amount: eur("25.00"), Source: "case CASE-7"}
}

func TestCreditKindText(t *testing.T) {
	for _, k := range []CreditKind{PriceReduction, Compensation} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back CreditKind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
		assert.True(t, k.Valid())
	}
	assert.Equal(t, "price-reduction", PriceReduction.String())
	_, err := ParseCreditKind("refund")
	assert.Error(t, err, "a refund is a return, not a credit")
	assert.False(t, CreditKind(0).Valid())
	_, err = CreditKind(9).MarshalText()
	assert.Error(t, err)
}

// Every problem of a credit is reported at once, each on its field.
func TestCreditValidateNamesEveryField(t *testing.T) {
	require.NoError(t, validCredit().Validate(vNow))
	comp := validCredit()
	comp.Kind, comp.OrderID = Compensation, ""
	require.NoError(t, comp.Validate(vNow), "a compensation needs no order")

	tests := []struct {
		name        string
		change      func(c *Credit)
		field, code string
	}{
		{"no id", func(c *Credit) { c.ID = "" }, "id", CodeRequired},
		{"no customer", func(c *Credit) { c.CustomerID = "" }, "customer_id", CodeRequired},
		{"reduction without order", func(c *Credit) { c.OrderID = "" }, "order_id", CodeRequired},
		{"zero time", func(c *Credit) { c.Time = time.Time{} }, "time", CodeRequired},
		{"future", func(c *Credit) { c.Time = vNow.Add(time.Minute) }, "time", CodeFuture},
		{"unknown kind", func(c *Credit) { c.Kind = 7 }, "kind", CodeUnknown},
		{"zero amount", func(c *Credit) { c.Amount = eur("0") }, "amount", CodeNotPos},
		{"negative amount", func(c *Credit) { c.Amount = eur("-5") }, "amount", CodeNotPos},
		{"fraction of a cent", func(c *Credit) { c.Amount = eur("0.005") }, "amount", CodeFormat},
		{"zero Money", func(c *Credit) { c.Amount = Money{} }, "amount", CodeUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validCredit()
			tc.change(&c)
			err := c.Validate(vNow)
			require.ErrorIs(t, err, ErrInvalid)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tc.field, tc.code), "%v: want %s %s", err, tc.field, tc.code)
			assert.Contains(t, err.Error(), `credit "`+c.ID+`"`)
		})
	}
	// Trailing zeros beyond the minor unit are not more decimals.
	c := validCredit()
	c.Amount = eur("25.000")
	require.NoError(t, c.Validate(vNow))
	jpy, err := NewMoney("1200", "JPY")
	require.NoError(t, err)
	c.Amount = jpy
	require.NoError(t, c.Validate(vNow))
	c.Amount, err = NewMoney("1200.5", "JPY")
	require.NoError(t, err)
	assert.True(t, hasField(c.Validate(vNow), "amount", CodeFormat), "a yen has no minor unit")

	all := Credit{Kind: PriceReduction, Amount: eur("-1")}
	var ve *ValidationError
	require.ErrorAs(t, all.Validate(vNow), &ve)
	assert.Len(t, ve.Fields, 5, "id, customer_id, order_id, time, amount: %v", ve)
}

func hasField(err error, field, code string) bool {
	var ve *ValidationError
	return errors.As(err, &ve) && ve.Has(field, code)
}

func TestCreditValidateFor(t *testing.T) {
	o := validOrder() // net 210.00 EUR
	require.NoError(t, validCredit().ValidateFor(o, Money{}, vNow))
	full := validCredit()
	full.Amount = eur("210")
	require.NoError(t, full.ValidateFor(o, Money{}, vNow), "a reduction of the whole net")

	tests := []struct {
		name        string
		change      func(c *Credit)
		reduced     Money
		field, code string
		msg         string
	}{
		{"other order", func(c *Credit) { c.OrderID = "O-2" }, Money{}, "order_id", CodeMismatch, `is "O-2", the order given is "O-1"`},
		{"other customer", func(c *Credit) { c.CustomerID = "C-2" }, Money{}, "customer_id", CodeMismatch, `the order's customer is "C-1"`},
		{"before the order", func(c *Credit) { c.Time = o.Time.Add(-time.Second) }, Money{}, "time", CodeOrder, "is before the order's"},
		{"other currency", func(c *Credit) { c.Amount, _ = NewMoney("5", "USD") }, Money{}, "amount", CodeMismatch, "is in USD, the order in EUR"},
		{"more than the net", func(c *Credit) { c.Amount = eur("210.01") }, Money{}, "amount", CodeTooMany, "210.01 is more than the order's net of 210.00"},
		{"more than is left", func(c *Credit) { c.Amount = eur("10.01") }, eur("200"), "amount", CodeTooMany, "10.01 is more than the 10.00 left of the order's net of 210.00"},
		{"compensation given an order it does not name", func(c *Credit) { c.Kind, c.OrderID = Compensation, "" }, Money{}, "order_id", CodeMismatch, `is empty, the order given is "O-1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validCredit()
			tc.change(&c)
			err := c.ValidateFor(o, tc.reduced, vNow)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tc.field, tc.code), "%v: want %s %s", err, tc.field, tc.code)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	// A compensation is not bounded by the order's net.
	comp := validCredit()
	comp.Kind, comp.Amount = Compensation, eur("500")
	require.NoError(t, comp.ValidateFor(o, eur("210"), vNow))
}

func TestCreditEqualAndConflict(t *testing.T) {
	a := validCredit()
	b := validCredit()
	b.Amount = eur("25") // the same amount by value
	b.Time = a.Time.In(time.FixedZone("CET", 3600))
	assert.True(t, a.Equal(b))
	require.NoError(t, a.Conflict(b))
	changes := []struct {
		field  string
		change func(c *Credit)
	}{
		{"id", func(c *Credit) { c.ID = "K-2" }},
		{"customer_id", func(c *Credit) { c.CustomerID = "C-2" }},
		{"order_id", func(c *Credit) { c.OrderID = "O-2" }},
		{"time", func(c *Credit) { c.Time = c.Time.Add(time.Nanosecond) }},
		{"kind", func(c *Credit) { c.Kind = Compensation }},
		{"amount", func(c *Credit) { c.Amount = eur("25.01") }},
		{"amount", func(c *Credit) { c.Amount, _ = NewMoney("25", "CHF") }},
		{"source", func(c *Credit) { c.Source = "" }},
	}
	for _, tc := range changes {
		c := validCredit()
		tc.change(&c)
		assert.False(t, a.Equal(c), tc.field)
		checkDuplicate(t, a.Conflict(c), `credit "`+c.ID+`"`, tc.field)
	}
}

// A credit lowers the net and the profit, not the cost or the units; of
// an order it comes off the order's day, of none off its own day.
func TestSummaryAddCredit(t *testing.T) {
	o := validOrder()
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(o))
	before := s.Clone()

	require.NoError(t, s.AddCreditFor(validCredit(), o, Money{}))
	assert.Equal(t, 1, s.Credits)
	assert.True(t, s.Credited.Equal(d("25")), "Credited %s", s.Credited)
	assert.True(t, s.Net().Equal(before.Net().Sub(d("25"))), "Net %s", s.Net())
	assert.True(t, s.Cost.Equal(before.Cost), "cost changed: %s → %s", before.Cost, s.Cost)
	assert.Equal(t, before.Units, s.Units)
	assert.Equal(t, before.Returns, s.Returns)
	require.Len(t, s.Days, 1)
	assert.True(t, s.Days[0].Net.Equal(d("185")), "the order's day: %s", s.Days[0].Net)

	comp := Credit{ID: "K-2", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -1), Kind: Compensation, Amount: eur("10")}
	require.NoError(t, s.AddCredit(comp))
	require.Len(t, s.Days, 2)
	assert.Equal(t, DateOf(comp.Time), s.Days[1].Date)
	assert.Equal(t, 0, s.Days[1].Orders, "a credit's day is no purchase day")
	assert.True(t, s.Days[1].Net.Equal(d("-10")))
	assert.Equal(t, 1, s.PurchaseDays())
	assert.True(t, s.Net().Equal(d("175")), "Net %s", s.Net())
	assert.True(t, s.GrossProfit().Equal(before.GrossProfit().Sub(d("35"))))

	later := comp
	later.ID, later.Time = "K-3", vNow.Add(time.Hour)
	require.NoError(t, s.AddCredit(later))
	assert.Equal(t, 1, s.Later)
	assert.Equal(t, 2, s.Credits)
}

// A refused credit changes nothing and names the credit.
func TestSummaryAddCreditRefusals(t *testing.T) {
	o := validOrder()
	base := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, base.AddOrder(o))
	tooMany := base.Clone()
	tooMany.Credits = math.MaxInt
	tests := []struct {
		name    string
		s       Summary
		add     func(s *Summary) error
		want    error
		message string
	}{
		{"invalid", base.Clone(), func(s *Summary) error { c := validCredit(); c.Amount = eur("0"); return s.AddCredit(c) },
			ErrInvalid, `credit "K-1"`},
		{"another customer's", base.Clone(), func(s *Summary) error { c := validCredit(); c.CustomerID = "C-9"; return s.AddCredit(c) },
			ErrWrongCustomer, `credit "K-1" of customer "C-9"`},
		{"other currency", base.Clone(), func(s *Summary) error {
			c := validCredit()
			c.Amount, _ = NewMoney("5", "USD")
			return s.AddCredit(c)
		}, nil, `credit "K-1"`},
		{"before the order", base.Clone(), func(s *Summary) error {
			c := validCredit()
			c.Time = o.Time.Add(-time.Second)
			return s.AddCreditFor(c, o, Money{})
		}, ErrInvalid, "is before the order's"},
		{"invalid order", base.Clone(), func(s *Summary) error {
			bad := o
			bad.Lines = nil
			return s.AddCreditFor(validCredit(), bad, Money{})
		}, ErrInvalid, `credit "K-1": order "O-1"`},
		{"count overflow", tooMany, func(s *Summary) error { return s.AddCredit(validCredit()) }, ErrOverflow, `credit "K-1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			want := s.Clone()
			err := tc.add(&s)
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			assert.Contains(t, err.Error(), tc.message)
			assert.Equal(t, want.Credits, s.Credits)
			assert.True(t, want.Credited.Equal(s.Credited))
			assert.True(t, slices.EqualFunc(want.Days, s.Days, func(a, b Day) bool { return a.Date == b.Date && a.Net.Equal(b.Net) }))
		})
	}
	var cm *CurrencyMismatchError
	c := validCredit()
	c.Amount, _ = NewMoney("5", "USD")
	s := base.Clone()
	require.ErrorAs(t, s.AddCredit(c), &cm)
}

// Summarize keeps credits as it keeps returns: in any order of the
// stream, once per ID, and only for an order that comes.
func TestSummarizeCredits(t *testing.T) {
	o := validOrder()
	k1 := validCredit()
	k2 := Credit{ID: "K-2", CustomerID: "C-1", OrderID: "O-1", Time: vNow.AddDate(0, 0, -4), Kind: PriceReduction, Amount: eur("185.00")}
	evs := []Event{{Credit: &k2}, {Credit: &k1}, {Order: &o}, {Credit: &k1}}
	s, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Credits)
	assert.True(t, s.Net().IsZero(), "two reductions of the whole net leave %s", s.Net())

	// A third reduction is more than the order's net: a Recorder
	// refuses it, a summary keeps the money paid back as recorded.
	k3 := k2
	k3.ID, k3.Time, k3.Amount = "K-3", k2.Time.Add(time.Hour), eur("0.01")
	s, err = Summarize("C-1", Consumer, vNow, seqOf(append(evs, Event{Credit: &k3})), nil)
	require.NoError(t, err)
	assert.Equal(t, "-0.01", s.Net().String())

	// An order that never comes.
	lost := k1
	lost.OrderID = "O-404"
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}, {Credit: &lost}}), nil)
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), `credit "K-1": order "O-404"`)

	// Unless the credit is dated after the analysis.
	lost.Time = vNow.Add(time.Hour)
	s, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}, {Credit: &lost}}), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Later)
	assert.Zero(t, s.Credits)

	// A second version under the same ID.
	other := k1
	other.Source = "case CASE-8"
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}, {Credit: &k1}, {Credit: &other}}), nil)
	checkDuplicate(t, err, `credit "K-1"`, "source")
}

// Summaries with credits merge, and a credits count that would overflow
// is an error.
func TestMergeCredits(t *testing.T) {
	a := NewSummary("C-1", Consumer, vNow, nil)
	b := NewSummary("C-1", Consumer, vNow, nil)
	comp := Credit{ID: "K-2", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -1), Kind: Compensation, Amount: eur("10")}
	require.NoError(t, a.AddCredit(comp))
	comp.ID = "K-3"
	require.NoError(t, b.AddCredit(comp))
	m, err := a.Merge(*b)
	require.NoError(t, err)
	assert.Equal(t, 2, m.Credits)
	assert.True(t, m.Credited.Equal(d("20")))
	assert.True(t, m.Net().Equal(d("-20")))
	a.Credits = math.MaxInt
	_, err = a.Merge(*b)
	require.ErrorIs(t, err, ErrOverflow)
	assert.Contains(t, err.Error(), "credits")
}
