package salesrow_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// The error of an exchange row that would overflow a count of the
// summary names the count, its value and what the row would add to it,
// so that the reader of the message knows which total is full.
func TestAddExchangeOverflowNamesTheCount(t *testing.T) {
	for _, tc := range []struct {
		set  func(s *customer.Summary)
		want string
	}{
		{func(s *customer.Summary) { s.ReturnedUnits = math.MaxInt - 2 },
			fmt.Sprintf("returned units: %d + 3 does not fit in an int", math.MaxInt-2)},
		{func(s *customer.Summary) { s.ExchangedUnits = math.MaxInt - 1 },
			fmt.Sprintf("exchanged units: %d + 3 does not fit in an int", math.MaxInt-1)},
		{func(s *customer.Summary) { s.Returns = math.MaxInt },
			fmt.Sprintf("returns: %d + 1 does not fit in an int", math.MaxInt)},
		{func(s *customer.Summary) { s.Exchanges = math.MaxInt },
			fmt.Sprintf("exchanges: %d + 1 does not fit in an int", math.MaxInt)},
	} {
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		seen := map[string]*salesrow.Order{}
		require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,3,20,,,coats"))
		tc.set(s)
		before := s.Clone()
		fe := add(t, s, seen, "c,2025-03-11,0,o1,-3,,,,coats")
		require.NotNil(t, fe, tc.want)
		assert.Equal(t, `quantity "-3": customer "c": `+tc.want+": "+customer.ErrOverflow.Error(), fe.Error())
		assert.Equal(t, salesrow.CodeOverflow, fe.Code)
		assert.Equal(t, before, *s, "the summary is unchanged")
	}
}

// An exchange that brings ReturnedUnits and ExchangedUnits to exactly
// math.MaxInt fits: only a sum past it overflows.
func TestAddExchangeUpToMaxInt(t *testing.T) {
	s := customer.NewSummary("c", customer.Consumer, asOf, nil)
	seen := map[string]*salesrow.Order{}
	require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,3,20,,,coats"))
	s.ReturnedUnits, s.ExchangedUnits = math.MaxInt-3, math.MaxInt-3
	require.Nil(t, add(t, s, seen, "c,2025-03-11,0,o1,-3,,,,coats"))
	assert.Equal(t, math.MaxInt, s.ReturnedUnits)
	assert.Equal(t, math.MaxInt, s.ExchangedUnits)
	assert.Equal(t, 1, s.Exchanges)
}

// An error of Add is no fault of one field of the record (the row was
// parsed): its Field is -1, as FieldError documents, whatever the fault
// (a kind or currency other than the customer's, what AddSale rejects,
// an overflow).
func TestAddErrorsHaveNoField(t *testing.T) {
	for _, tc := range []struct {
		prep func(s *customer.Summary)
		line string
	}{
		{nil, "c,2025-03-01,50,o1,2,20,,intermediary,coats"},                                     // kind
		{nil, "c,2025-03-01,50,o1,2,20,USD,,coats"},                                              // currency
		{nil, "c,2025-03-01,50,o1,-2,20,,,coats"},                                                // units of the other sign
		{nil, "c,0001-01-01,50,o1,2,20,,,coats"},                                                 // too early
		{func(s *customer.Summary) { s.Units = math.MaxInt }, "c,2025-03-01,50,o1,2,20,,,coats"}, // overflow
		{func(s *customer.Summary) { s.Returns = math.MaxInt }, "c,2025-03-11,0,o1,-1,,,,coats"}, // exchange overflow
	} {
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		seen := map[string]*salesrow.Order{}
		require.Nil(t, add(t, s, seen, "c,2025-02-01,50,o0,2,20,EUR,,coats"))
		if tc.prep != nil {
			tc.prep(s)
		}
		fe := add(t, s, seen, tc.line)
		require.NotNil(t, fe, tc.line)
		assert.Equal(t, -1, fe.Field, "%s: %v", tc.line, fe)
	}
}

// A Layout not made by NewLayout has no header to repeat, not even for a
// record of no fields.
func TestRepeatsHeaderWithoutHeader(t *testing.T) {
	assert.False(t, (&salesrow.Layout{}).RepeatsHeader(nil))
	assert.False(t, (&salesrow.Layout{}).RepeatsHeader([]string{}))
	assert.False(t, layout9.RepeatsHeader([]string{}))
}

// The first Code past the last one named has no name: String gives its
// number.
func TestCodeStringPastTheLast(t *testing.T) {
	assert.Equal(t, "integer digits", salesrow.CodeIntegerDigits.String())
	assert.Equal(t, fmt.Sprintf("Code(%d)", salesrow.CodeIntegerDigits+1), (salesrow.CodeIntegerDigits + 1).String())
}

// An error of Add for a value that AddSale rejects shows that value, as
// parsed, in the column at fault, and the value of each other column at
// fault after it, as a field that does not parse shows its text.
func TestAddErrorShowsTheValuesAtFault(t *testing.T) {
	big := "1" + strings.Repeat("0", 35)
	const digits = "has 36 integer digits, more than the 30 allowed"
	for _, tc := range []struct {
		amount, cost, discount, want string
	}{
		{big, "", "", `amount "` + big + `": ` + digits},
		{"20", big, "", `cost "` + big + `": ` + digits},
		{"20", "", big, `discount "` + big + `": ` + digits},
		{"5", "-3.00", big, `cost "-3": must not be negative on a sale; discount "` + big + `": ` + digits},
	} {
		r := row(t, "c,2025-03-01,1,o1,1,,,,")
		r.Amount = decimal.RequireFromString(tc.amount)
		if tc.cost != "" {
			r.Cost = decimal.NewNullDecimal(decimal.RequireFromString(tc.cost))
		}
		if tc.discount != "" {
			r.Discount = decimal.NewNullDecimal(decimal.RequireFromString(tc.discount))
		}
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		before := s.Clone()
		fe := salesrow.Add(s, &r, "EUR", &salesrow.Order{})
		require.NotNil(t, fe, tc.want)
		assert.Equal(t, tc.want, fe.Error())
		assert.True(t, fe.HasValue, tc.want)
		assert.Equal(t, before, *s, "the summary is unchanged")
	}
	for line, want := range map[string]string{
		"c,2025-05-01,20,o9,-1,-3.00,,,": `cost "-3": must not be negative on a sale; quantity "-1": -1 unit for an amount of 20`,
		"c,0001-01-01,-20,o9,1,-3,,,":    `date "0001-01-01": is zero; quantity "1": 1 unit for an amount of -20`,
	} {
		fe := add(t, customer.NewSummary("c", customer.Consumer, asOf, nil), map[string]*salesrow.Order{}, line)
		require.NotNil(t, fe, line)
		assert.Equal(t, want, fe.Error(), line)
	}
}
