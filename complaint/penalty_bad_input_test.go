package complaint_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// within runs f and fails the test when it has not returned within a
// few seconds (a comparison of decimals with extreme exponents would not
// end).
func within(t *testing.T, name string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Errorf("%s: did not return", name)
	}
}

// Step and LeastDeduction are exported and may be called on a schedule
// that was never validated (one decoded from JSON, say): a step or a
// loss beyond the bounds of an amount, which Policy.Validate refuses,
// neither hangs nor gives a deduction; nor does a share outside
// (0, 100].
func TestPenaltyScheduleBadValuesDoNotHang(t *testing.T) {
	tiny, huge := decimal.New(1, -2147483647), decimal.New(1, 2147483647)
	loss := eur(t, "500")
	for name, from := range map[string]decimal.Decimal{"tiny from": tiny, "huge from": huge} {
		s := complaint.PenaltySchedule{{From: from, Action: complaint.ActionWarning}}
		within(t, name, func() {
			st, ok := s.Step(loss.Amount())
			assert.False(t, ok, name)
			assert.Equal(t, complaint.PenaltyStep{}, st, name)
		})
	}
	s := complaint.PenaltySchedule{{From: decimal.NewFromInt(100), Action: complaint.ActionWarning}}
	for name, l := range map[string]decimal.Decimal{"tiny loss": tiny, "huge loss": huge} {
		within(t, name, func() {
			_, ok := s.Step(l)
			assert.False(t, ok, "%s: beyond the bounds of an amount, no step applies", name)
		})
	}

	for name, share := range map[string]decimal.Decimal{
		"tiny share": tiny, "huge share": huge, "negative share": decimal.NewFromInt(-5),
		"zero share": decimal.Zero, "share above 100": decimal.NewFromInt(250),
	} {
		st := complaint.PenaltyStep{From: decimal.NewFromInt(1), Action: complaint.ActionPayDeduction, Share: share}
		within(t, name, func() {
			least := st.LeastDeduction(loss)
			assert.True(t, least.IsZero() && least.Currency() == "", "%s: %v", name, least.Sign())
		})
	}
	st := complaint.PenaltyStep{From: decimal.NewFromInt(1), Action: complaint.ActionPayDeduction, Share: decimal.NewFromInt(5)}
	for name, amount := range map[string]decimal.Decimal{"tiny loss": tiny, "huge loss": huge, "negative loss": decimal.NewFromInt(-500)} {
		l, err := customer.MoneyFromDecimal(amount, "EUR")
		require.NoError(t, err)
		within(t, name, func() {
			least := st.LeastDeduction(l)
			assert.True(t, least.IsZero() && least.Currency() == "", name)
		})
	}
	// A sound step still sizes the deduction.
	assert.Equal(t, "25.00 EUR", st.LeastDeduction(loss).String())
}
