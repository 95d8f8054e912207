package customer

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Records dated after AsOf are checked (all but what depends on AsOf)
// before they are left out: an invalid one is an error that changes
// nothing, Later included.
func TestLaterRecordsAreCheckedBeforeTheyAreLeftOut(t *testing.T) {
	later := vNow.Add(time.Hour)
	garbage := Order{ID: "", CustomerID: "SOMEONE-ELSE", Time: later, Currency: "XXX", Lines: []Line{{Quantity: -3}}}
	otherCustomer := validOrder()
	otherCustomer.ID, otherCustomer.CustomerID, otherCustomer.Time = "O-9", "C-2", later
	badReturn := validReturn()
	badReturn.Time, badReturn.Kind, badReturn.Lines = later, 0, []ReturnLine{{LineID: "9", Quantity: 2}}
	laterOrder := validOrder()
	laterOrder.ID, laterOrder.Time = "O-8", later
	badLine := laterOrder.Clone()
	badLine.Lines[0].UnitPrice = d("-1")
	badCredit := validCredit()
	badCredit.Time, badCredit.Amount = later, eur("-5")
	tests := []struct {
		name   string
		add    func(s *Summary) error
		fields []FieldError // nil: not a *ValidationError
		is     error
	}{
		{"garbage order", func(s *Summary) error { return s.AddOrder(garbage) },
			[]FieldError{fe("id", CodeRequired), fe("channel", CodeUnknown), fe("currency", CodeUnknown),
				fe("lines[0].id", CodeRequired), fe("lines[0].quantity", CodeNotPos)}, nil},
		{"order of another customer", func(s *Summary) error { return s.AddOrder(otherCustomer) }, nil, ErrWrongCustomer},
		{"return with bad lines", func(s *Summary) error { return s.AddReturn(badReturn, validOrder()) },
			[]FieldError{fe("kind", CodeUnknown), fe("lines[0].quantity", CodeRange), fe("lines[0].line_id", CodeUnknown)}, nil},
		{"return of an invalid order", func(s *Summary) error {
			r := validReturn()
			r.OrderID, r.Time = "O-8", later.Add(time.Hour)
			return s.AddReturn(r, badLine)
		}, nil, ErrInvalid},
		{"return of another customer", func(s *Summary) error {
			r := validReturn()
			r.Time = later
			o := validOrder()
			o.CustomerID, r.CustomerID = "C-2", "C-2"
			return s.AddReturn(r, o)
		}, nil, ErrWrongCustomer},
		{"credit", func(s *Summary) error { return s.AddCredit(badCredit) }, []FieldError{fe("amount", CodeNotPos)}, nil},
		{"credit of an order", func(s *Summary) error { return s.AddCreditFor(badCredit, validOrder(), Money{}) }, []FieldError{fe("amount", CodeNotPos)}, nil},
		{"credit with a bad reduced", func(s *Summary) error {
			c := validCredit()
			c.Time = later
			return s.AddCreditFor(c, validOrder(), eur("-1"))
		}, []FieldError{fe("reduced", CodeNegative)}, nil},
		{"interaction", func(s *Summary) error {
			return s.AddInteraction(Interaction{CustomerID: "X", Time: later, Kind: 77})
		}, []FieldError{fe("kind", CodeUnknown)}, nil},
		{"interaction of another customer", func(s *Summary) error {
			return s.AddInteraction(Interaction{CustomerID: "X", Time: later, Kind: StoreVisit})
		}, nil, ErrWrongCustomer},
		{"sale", func(s *Summary) error { return s.AddSale(Sale{Time: later, Amount: Money{}, Units: -3}) },
			[]FieldError{fe("currency", CodeUnknown)}, nil},
		{"sale of units against the amount", func(s *Summary) error { return s.AddSale(Sale{Time: later, Amount: eur("5"), Units: -3}) },
			[]FieldError{fe("units", CodeMismatch)}, nil},
		{"refund", func(s *Summary) error { return s.AddRefund(later, eur("-5"), -1) },
			[]FieldError{fe("amount", CodeNotPos), fe("units", CodeNegative)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(validOrder()))
			err := requireRejected(t, s, func() error { return tc.add(s) })
			if tc.fields != nil {
				requireFields(t, err, tc.fields...)
			}
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.Zero(t, s.Later)
		})
	}
}

// Summarize checks later records too, a return of an order that never
// comes included; valid ones are left out and counted.
func TestSummarizeChecksLaterRecords(t *testing.T) {
	later := vNow.Add(time.Hour)
	garbage := Order{ID: "O-9", CustomerID: "C-1", Time: later, Channel: Store, Currency: "XXX", Lines: []Line{{ID: "1", Quantity: -3}}}
	_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evO(garbage)}), nil)
	requireFields(t, err, fe("currency", CodeUnknown), fe("lines[0].quantity", CodeNotPos))

	orphan := validReturn()
	orphan.OrderID, orphan.Time, orphan.Reason = "O-404", later, 0
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{evR(orphan)}), nil)
	requireFields(t, err, fe("reason", CodeUnknown))
	orphan.Reason, orphan.CustomerID = SizeFit, "C-2"
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{evR(orphan)}), nil)
	assert.True(t, errors.Is(err, ErrWrongCustomer), "%v", err)

	comp := Credit{ID: "K-9", CustomerID: "C-1", Time: later, Kind: 9, Amount: eur("5")}
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{{Credit: &comp}}), nil)
	requireFields(t, err, fe("kind", CodeUnknown))

	orphan.CustomerID = "C-1"
	comp.Kind = Compensation
	laterOrder := validOrder()
	laterOrder.ID, laterOrder.Time = "O-8", later
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evO(laterOrder), evR(orphan), {Credit: &comp},
		evI(Interaction{CustomerID: "C-1", Time: later, Kind: StoreVisit})}), nil)
	require.NoError(t, err)
	assert.Equal(t, 4, s.Later)
	assert.Equal(t, 1, s.Orders)
}

// A later return is not held to the share of the refunds before it, which
// a summary as of AsOf does not all know: two later refunds of a line of
// three units, each paying its cumulative share, are left out, not
// refused.
func TestLaterRefundsAreNotHeldToAShareTheSummaryCannotKnow(t *testing.T) {
	o := Order{ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10), Channel: Store, Currency: "EUR",
		Lines: []Line{{ID: "1", Quantity: 3, UnitPrice: d("3.34"), Discount: d("0.02")}}} // net 10.00
	r1 := Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: vNow.Add(time.Hour), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}, Refund: refundOf("3.33")}
	r2 := r1
	r2.ID, r2.Time, r2.Refund = "R-2", r1.Time.Add(time.Hour), refundOf("3.34") // round(6.67) − round(3.33)
	require.NoError(t, r2.ValidateAfter(o, map[string]int{"1": 1}, time.Time{}), "valid after R-1")
	require.Error(t, r2.ValidateAfter(o, nil, time.Time{}), "more than the share of the first unit")
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evR(r1), evR(r2)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Later)
	assert.Zero(t, s.Returns)
}
