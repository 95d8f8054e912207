package customer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The price reductions credited before (reduced) are checked: negative,
// in another currency than the order's, or more than the order's net is
// an error on "reduced" of ValidateFor. AddCreditFor refuses the first
// two, changing nothing; reductions beyond the order's net are money
// paid back as recorded, which a summary keeps (see Over-refunds on
// Summary).
func TestCreditReducedIsChecked(t *testing.T) {
	o := validOrder() // net 210.00 EUR
	for _, tc := range []struct {
		name    string
		credit  func() Credit
		reduced Money
		code    string
		msg     string
	}{
		{"negative", validCredit, eur("-50"), CodeNegative,
			`reduced: the price reductions of order "O-1" before must not be negative, are -50.00 EUR`},
		{"negative, with a reduction above the net", func() Credit { c := validCredit(); c.Amount = eur("250"); return c }, eur("-50"), CodeNegative, "must not be negative"},
		{"negative, of a compensation", func() Credit { c := validCredit(); c.Kind = Compensation; return c }, eur("-0.01"), CodeNegative, "must not be negative"},
		{"another currency", validCredit, mustMoney("5", "JPY"), CodeMismatch,
			`reduced: the price reductions of order "O-1" before are in JPY, the order in EUR`},
		{"zero in another currency", validCredit, Zero("USD"), CodeMismatch, "are in USD, the order in EUR"},
		{"more than the net", validCredit, eur("210.01"), CodeTooMany,
			`reduced: the price reductions of order "O-1" before, 210.01, are more than its net of 210.00`},
		{"more than the net, of a compensation", func() Credit { c := validCredit(); c.Kind = Compensation; return c }, eur("300"), CodeTooMany, "more than its net"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.credit()
			err := c.ValidateFor(o, tc.reduced, vNow)
			requireFields(t, err, fe("reduced", tc.code))
			assert.Contains(t, err.Error(), tc.msg)

			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(o))
			if tc.code == CodeTooMany {
				require.NoError(t, s.AddCreditFor(c, o, tc.reduced))
				assert.True(t, s.Credited.Equal(c.Amount.Amount()), "credited %s", s.Credited)
				return
			}
			requireFields(t, requireRejected(t, s, func() error { return s.AddCreditFor(c, o, tc.reduced) }), fe("reduced", tc.code))
		})
	}
	// A reduction of 150 after "-50" would make the net
	// negative.
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(o))
	c := validCredit()
	c.Amount = eur("150")
	requireRejected(t, s, func() error { return s.AddCreditFor(c, o, eur("-50")) })
	assert.True(t, s.Net().Sign() > 0)

	// Valid reduced values: none, zero, the whole net (nothing is left).
	require.NoError(t, validCredit().ValidateFor(o, Zero("EUR"), vNow))
	require.NoError(t, validCredit().ValidateFor(o, eur("185"), vNow))
	full := validCredit()
	full.Kind = Compensation
	require.NoError(t, full.ValidateFor(o, eur("210"), vNow))
	requireFields(t, validCredit().ValidateFor(o, eur("210"), vNow), fe("amount", CodeTooMany))
}
