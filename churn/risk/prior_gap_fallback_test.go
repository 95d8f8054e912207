package risk

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// When no customer of the population has two shopping occasions there is
// no median gap to learn the prior gap from: Fit then measures the
// single-purchase customers against [DefaultPriorGap], a quarter (domain
// rules §4: clothing is seasonal), as the rules do, not against a gap of
// zero days.
func TestFitWithoutOwnGapsUsesDefaultPriorGap(t *testing.T) {
	ex := make([]Example, 60)
	for i := range ex {
		d := 5 * i // 0 to 295 days since the only purchase
		ex[i] = Example{Signals: Signals{
			Customer: customer.ID(fmt.Sprint("S", i)), AsOf: asOf,
			DaysSinceLastPurchase: d, DaysSinceFirstPurchase: d, PurchaseDays: 1,
			PurchaseDaysLast12: 1, SpendLast12: decimal.NewFromInt(100), SpendFirstDay: decimal.NewFromInt(100),
		}, Churned: d > 150}
	}
	m, rep, err := Fit(ex, nil)
	require.NoError(t, err)
	require.Equal(t, MethodFitted, rep.Method)
	require.Equal(t, DefaultPriorGap, m.PriorGap())
	r, err := m.ScoreSignals(ex[18].Signals)
	require.NoError(t, err)
	require.InDelta(t, overdue(90, DefaultPriorGap), r.Contributions[FeatureOverdue-1].Value, 1e-12)
}
