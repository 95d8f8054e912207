package salesrow_test

import (
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// Every error of Parse carries the code of its fault, the same for every
// row of that fault whatever its values.
func TestParseErrorCodes(t *testing.T) {
	var r salesrow.Row
	for _, tc := range []struct {
		line string
		code salesrow.Code
	}{
		{"c1,2024-03-05,1", salesrow.CodeFieldCount},
		{"c1", salesrow.CodeFieldCount},
		{" ,2024-03-05,1,,,,,,", salesrow.CodeInvalid},
		{"c1,2024-02-30,1,,,,,,", salesrow.CodeInvalid},
		{"c1,2024-03-05T23:58:60Z,1,,,,,,", salesrow.CodeInvalid},
		{"c1,2024-03-05,12x,,,,,,", salesrow.CodeInvalid},
		{"c1,2024-03-05,,,,,,,", salesrow.CodeInvalid},
		{"c1,2024-03-05,1,,1.5,,,,", salesrow.CodeNotInteger},
		{"c1,2024-03-05,1,,1.500,,,,", salesrow.CodeNotInteger},
		{"c1,2024-03-05,1,,-2000000000,,,,", salesrow.CodeInvalid},
		{"c1,2024-03-05,1,,,abc,,,", salesrow.CodeInvalid},
		{"c1,2024-03-05,1,,,,euro,,", salesrow.CodeInvalid},
		{"c1,2024-03-05,1,,,,,robot,", salesrow.CodeInvalid},
		{"c\x01,2024-03-05,1,,,,,,", salesrow.CodeInvalid},
		{"c1,2024-03-05,1,o\xff,,,,,", salesrow.CodeInvalid},
	} {
		fe := layout9.Parse(strings.Split(tc.line, ","), &r)
		require.NotNil(t, fe, tc.line)
		assert.Equal(t, tc.code, fe.Code, "%q: %v", tc.line, fe)
	}
	fe := layout9.ParseUsed([]string{"c1", "2024-03-05"}, &r)
	require.NotNil(t, fe)
	assert.Equal(t, salesrow.CodeFieldCount, fe.Code)
}

// Every error of Add carries the code of its first fault.
func TestAddErrorCodes(t *testing.T) {
	for _, tc := range []struct {
		line string
		code salesrow.Code
	}{
		{"c,2025-05-01,20,o9,1,,,intermediary,", salesrow.CodeEarlier},
		{"c,2025-05-01,20,o9,1,,USD,,", salesrow.CodeEarlier},
		{"c,2025-05-01,20,o9,-1,,,,", salesrow.CodeSign},
		{"c,2025-05-01,-20,o9,2,,,,", salesrow.CodeSign},
		{"c,0025-03-01,20,o9,1,,,,", salesrow.CodeTooEarly},
		{"c,1899-12-31,-20,o9,-1,,,,", salesrow.CodeTooEarly},
		{"c,2025-05-01,20,o9,1,-3,,,", salesrow.CodeUnknown},     // a negative cost on a sale
		{"c,2025-05-01,20,o9,-1,-3.00,,,", salesrow.CodeUnknown}, // the same, first of two
	} {
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		seen := map[string]*salesrow.Order{}
		require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,2,20,EUR,,coats"))
		fe := add(t, s, seen, tc.line)
		require.NotNil(t, fe, tc.line)
		assert.Equal(t, tc.code, fe.Code, "%q: %v", tc.line, fe)
	}

	// Units beyond customer.MaxLineQuantity, which a reader of its own
	// may hand to Add.
	r := row(t, "c,2025-03-01,50,o1,2,20,,,coats")
	r.Units = customer.MaxLineQuantity + 1
	fe := salesrow.Add(customer.NewSummary("c", customer.Consumer, asOf, nil), &r, "EUR", &salesrow.Order{})
	require.NotNil(t, fe)
	assert.Equal(t, salesrow.CodeMaxUnits, fe.Code, "%v", fe)

	// The exchange that would overflow a count of the summary.
	s := customer.NewSummary("c", customer.Consumer, asOf, nil)
	seen := map[string]*salesrow.Order{}
	require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,2,20,,,coats"))
	s.Returns = math.MaxInt
	fe = add(t, s, seen, "c,2025-03-11,0,o1,-1,,,,coats")
	require.NotNil(t, fe)
	assert.Equal(t, salesrow.CodeOverflow, fe.Code)

	// A sale that would overflow the summary's units (customer.ErrOverflow).
	s = customer.NewSummary("c", customer.Consumer, asOf, nil)
	s.Units = math.MaxInt
	fe = add(t, s, map[string]*salesrow.Order{}, "c,2025-03-01,50,o1,2,20,,,coats")
	require.NotNil(t, fe)
	assert.Equal(t, salesrow.CodeOverflow, fe.Code, "%v", fe)

	// Amounts and costs beyond the bounds of customer.ParseAmount, which
	// a reader of its own may hand to Add: the decimals or the integer
	// digits are named.
	for _, tc := range []struct {
		amount, cost string
		code         salesrow.Code
	}{
		{"1." + strings.Repeat("0", 40) + "1", "", salesrow.CodeDecimals},
		{"1" + strings.Repeat("0", 40), "", salesrow.CodeIntegerDigits},
		{"20", "1." + strings.Repeat("0", 40) + "1", salesrow.CodeDecimals},
		{"20", "1" + strings.Repeat("0", 40), salesrow.CodeIntegerDigits},
	} {
		r := row(t, "c,2025-03-01,1,o1,1,,,,")
		r.Amount = decimal.RequireFromString(tc.amount)
		if tc.cost != "" {
			r.Cost.Decimal, r.Cost.Valid = decimal.RequireFromString(tc.cost), true
		}
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		fe := salesrow.Add(s, &r, "EUR", &salesrow.Order{})
		require.NotNil(t, fe, tc)
		assert.Equal(t, tc.code, fe.Code, "%v: %v", tc, fe)
	}
}

// CodeUnknown's documentation names its faults: a negative cost on a
// sale, and a currency that is not known (handed to Add by a reader of
// its own; Parse refuses it as CodeInvalid); an amount with more decimals
// than its currency has (1.005 EUR) is no fault at all.
func TestCodeUnknownFaults(t *testing.T) {
	r := row(t, "c,2025-03-01,1.005,o1,1,,,,")
	fe := salesrow.Add(customer.NewSummary("c", customer.Consumer, asOf, nil), &r, "EUR", &salesrow.Order{})
	assert.Nil(t, fe, "%v", fe)

	r = row(t, "c,2025-03-01,10,o1,1,,,,")
	fe = salesrow.Add(customer.NewSummary("c", customer.Consumer, asOf, nil), &r, "XYZ", &salesrow.Order{})
	if assert.NotNil(t, fe) {
		assert.Equal(t, salesrow.CodeUnknown, fe.Code, "%v", fe)
		assert.Equal(t, salesrow.ColCurrency, fe.Column, "%v", fe)
	}
}

func TestCodeString(t *testing.T) {
	for c := salesrow.CodeUnknown; c <= salesrow.CodeIntegerDigits; c++ {
		assert.NotEmpty(t, c.String())
		assert.NotContains(t, c.String(), "Code(", c)
	}
	assert.Equal(t, "Code(200)", salesrow.Code(200).String())
}
