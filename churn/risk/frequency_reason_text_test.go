package risk

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// A customer without a purchase day in the last 12 months has stopped
// buying (domain rules §4: a change in purchase frequency is a churn
// signal), and the reason says against what: the purchase days of the
// year before, or, with none in them either, the 24 months. The last 12
// months hold some spend (the later shipment of an order counted before
// them), so the purchase days are told apart from the spend.
func TestReasonNoPurchaseQuotesTheYearsWithout(t *testing.T) {
	for _, c := range []struct {
		days int
		want string
	}{
		{400, "no purchase in the last 12 months against 3 purchase days the year before"},
		{800, "no purchase in the last 24 months"},
	} {
		s := steady("A", c.days, 60)
		s.SpendLast12 = decimal.NewFromInt(40)
		require.NoError(t, s.Validate())
		r, err := mustRules(t).ScoreSignals(s)
		require.NoError(t, err)
		require.Contains(t, reasonTexts(r), c.want)
	}
}
