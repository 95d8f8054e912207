package risk

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

// Hand-filled signals whose purchase counts, recency and PriorYear
// contradict each other are refused, naming the customer and the field.
func TestValidateRefusesContradictoryHistory(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Signals)
		fields []string
	}{
		{"prior year with no purchase in the two years and one 10 days ago", func(s *Signals) {
			s.DaysSinceLastPurchase, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 10, 0, 0
			s.SpendLast12, s.SpendPrior12 = decimal.Zero, decimal.Zero
		}, []string{"purchase_days_last_12"}},
		{"prior year with every purchase day in the last 12 months", func(s *Signals) {
			s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 4, 4, 0
			s.SpendPrior12 = decimal.Zero
		}, []string{"prior_year"}},
		{"a single purchase day 10 days ago and a prior year", func(s *Signals) {
			s.PurchaseDays, s.MedianGap, s.DaysSinceLastPurchase, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 1, 0, 10, 1, 0
			s.SpendPrior12 = decimal.Zero
		}, []string{"prior_year"}},
		{"purchases in the last 12 months but the last one 400 days ago", func(s *Signals) {
			s.DaysSinceLastPurchase = 400
		}, []string{"purchase_days_last_12"}},
		{"the last purchase 500 days ago, none in the year before", func(s *Signals) {
			*s = steady(s.Customer, 800, 60)
			s.DaysSinceLastPurchase = 500
		}, []string{"purchase_days_prior_12"}},
		{"the last purchase 800 days ago, purchases in the year before", func(s *Signals) {
			*s = steady(s.Customer, 500, 60)
			s.DaysSinceLastPurchase = 800
		}, []string{"purchase_days_prior_12"}},
		{"no prior year but the last purchase 400 days ago", func(s *Signals) {
			s.PriorYear, s.DaysSinceLastPurchase, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = false, 400, 0, 0
		}, []string{"prior_year"}},
		{"no prior year but purchases in the year before", func(s *Signals) {
			s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = false, 3, 3
		}, []string{"purchase_days_last_12", "purchase_days_prior_12"}},
		{"more purchase days in 12 months than days", func(s *Signals) {
			s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 1000, 400, 3
		}, []string{"purchase_days_last_12"}},
		{"no prior year but more purchase days than a year has", func(s *Signals) {
			s.PriorYear, s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = false, 400, 0, 0
		}, []string{"prior_year"}},
		{"spend in a year without a purchase day (a later shipment)", func(s *Signals) {
			s.DaysSinceLastPurchase, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 400, 0, 4
			s.SpendLast12 = decimal.NewFromInt(120)
		}, nil},
		{"refunds in a year without a purchase day", func(s *Signals) {
			s.DaysSinceLastPurchase, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 400, 0, 4
			s.SpendLast12 = decimal.NewFromInt(-35)
		}, nil},
		{"a median gap with a single purchase day", func(s *Signals) {
			s.PurchaseDays, s.MedianGap, s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 1, 30, false, 1, 0
		}, []string{"median_gap"}},
		// what the signals of a real history look like
		{"steady", func(*Signals) {}, nil},
		{"no prior year, counts left out", func(s *Signals) {
			s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = false, 0, 0
		}, nil},
		{"no prior year, every purchase day in the last 12 months", func(s *Signals) {
			s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = false, 6, 0
		}, nil},
		{"a year and a day of silence", func(s *Signals) { *s = steady(s.Customer, 366, 60) }, nil},
		{"365 days of silence, in either year", func(s *Signals) {
			*s = steady(s.Customer, 366, 60)
			s.DaysSinceLastPurchase = 365
		}, nil},
		{"two years of silence", func(s *Signals) { *s = steady(s.Customer, 731, 60) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := steady("C-9", 30, 60)
			tt.edit(&s)
			err := s.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, customer.ID("C-9"), ie.Customer)
			var got []string
			for _, f := range ie.Fields {
				got = append(got, f.Field)
			}
			assert.Equal(t, tt.fields, got, "%v", err)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			// a model refuses them too
			_, err = mustRules(t).ScoreSignals(s)
			assert.ErrorIs(t, err, customer.ErrInvalid)
		})
	}
}

// drawHistory draws a real purchase history as of an instant in any of
// several years (leap days included) and zones: purchase days up to five
// years back, refunds on later days, orders after the as-of instant.
func drawHistory(t *rapid.T) customer.Summary {
	zone := rapid.SampledFrom([]*time.Location{time.UTC, time.FixedZone("UTC+8", 8*3600), time.FixedZone("UTC-10", -10*3600),
		time.FixedZone("UTC+14", 14*3600)}).Draw(t, "zone")
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, zone)
	at := base.Add(time.Duration(rapid.IntRange(0, 7*365*24).Draw(t, "as_of_hour")) * time.Hour)
	if rapid.Bool().Draw(t, "leap_day") {
		y := rapid.SampledFrom([]int{2024, 2028}).Draw(t, "leap_year")
		at = time.Date(y, 2, 29, rapid.IntRange(0, 23).Draw(t, "leap_hour"), 0, 0, 0, zone)
	}
	s := customer.NewSummary("H", customer.Consumer, at, nil)
	n := rapid.IntRange(1, 12).Draw(t, "orders")
	for i := range n {
		// around the year boundaries more often than elsewhere
		ago := rapid.OneOf(rapid.IntRange(0, 5*366), rapid.IntRange(362, 369), rapid.IntRange(727, 734)).Draw(t, "days_ago")
		when := at.AddDate(0, 0, -ago).Add(time.Duration(rapid.IntRange(-23, 23).Draw(t, "hour_shift")) * time.Hour)
		o := customer.Order{ID: fmt.Sprintf("O%d", i), CustomerID: "H", Time: when, Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", SKU: "S", Category: "knitwear", Quantity: 2,
				UnitPrice: decimal.New(rapid.Int64Range(0, 50_000).Draw(t, "cents"), -2)}}}
		if err := s.AddOrder(o); err != nil {
			t.Fatalf("order: %v", err)
		}
		if rapid.Bool().Draw(t, "refund") {
			back := when.Add(time.Duration(rapid.IntRange(1, 60*24).Draw(t, "refund_hours")) * time.Hour)
			m, err := customer.NewMoney("1.00", "EUR")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.AddRefund(back, m, 1); err != nil {
				t.Fatalf("refund: %v", err)
			}
		}
	}
	return *s
}

// Whatever a real history is, NewSignals derives signals that Validate
// accepts: the consistency checks refuse only what no history gives.
func TestPropertyNewSignalsAlwaysValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { requireValidSignals(t, drawHistory(t)) })
}

// requireValidSignals fails t unless NewSignals of sum gives signals that
// Validate accepts, or refuses a history without a purchase on or before
// the as-of day.
func requireValidSignals(t *rapid.T, sum customer.Summary) {
	s, err := NewSignals(Input{Summary: sum})
	if err != nil {
		for _, d := range sum.Days {
			if d.Orders > 0 {
				t.Fatalf("history with a purchase refused: %v\ndays %+v as of %v", err, sum.Days, sum.AsOf)
			}
		}
		return
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("%v\ndays %+v as of %v", err, sum.Days, sum.AsOf)
	}
}

// A dealer billed per shipment under one order number: the order counts
// on the day of its first shipment, 15 months ago, and the second
// shipment, 3 months ago, adds spend to the last 12 months without a
// purchase day in them. Such signals are valid, and NewSignals makes
// them.
func TestLaterShipmentSpendIsValid(t *testing.T) {
	at := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	s := customer.NewSummary("D-1", customer.Intermediary, at, nil)
	amount, err := customer.NewMoney("100.00", "EUR")
	require.NoError(t, err)
	require.NoError(t, s.AddSale(customer.Sale{Time: at.AddDate(0, -15, 0), NewOrder: true, Amount: amount, Units: 1}))
	require.NoError(t, s.AddSale(customer.Sale{Time: at.AddDate(0, -3, 0), Amount: amount, Units: 1}))
	sig, err := NewSignals(Input{Summary: *s, PAlive: 0.5})
	require.NoError(t, err)
	assert.Equal(t, 0, sig.PurchaseDaysLast12)
	assert.True(t, sig.SpendLast12.IsPositive(), "spend of the last 12 months: %s", sig.SpendLast12)
	require.NoError(t, sig.Validate())
}

// drawSales draws a history of sales-export rows (customer.Sale) in time
// order: orders of one to three shipments up to 15 months apart, returns
// of a unit, and credits, the shapes of a dealer's export.
func drawSales(t *rapid.T) customer.Summary {
	at := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.IntRange(0, 5*365*24).Draw(t, "as_of_hour")) * time.Hour)
	s := customer.NewSummary("S", customer.Intermediary, at, nil)
	type row struct {
		when  time.Time
		first bool
		cents int64
	}
	var rows []row
	for range rapid.IntRange(1, 8).Draw(t, "orders") {
		// the year before the last more often than elsewhere
		when := at.AddDate(0, 0, -rapid.OneOf(rapid.IntRange(0, 4*366), rapid.IntRange(366, 730)).Draw(t, "days_ago"))
		rows = append(rows, row{when, true, rapid.Int64Range(1, 100_000).Draw(t, "cents")})
		for range rapid.IntRange(0, 2).Draw(t, "more_shipments") {
			later := when.AddDate(0, 0, rapid.OneOf(rapid.IntRange(1, 460), rapid.IntRange(200, 460)).Draw(t, "shipment_after"))
			rows = append(rows, row{later, false, rapid.Int64Range(-50_000, 100_000).Draw(t, "shipment_cents")})
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int { return a.when.Compare(b.when) })
	for _, r := range rows {
		m, err := customer.MoneyFromDecimal(decimal.New(r.cents, -2), "EUR")
		if err != nil {
			t.Fatalf("money: %v", err)
		}
		units := 1
		if r.cents < 0 {
			units = -1
		}
		if err := s.AddSale(customer.Sale{Time: r.when, NewOrder: r.first, Amount: m, Units: units}); err != nil {
			t.Fatalf("sale: %v", err)
		}
	}
	return *s
}

// Signals of sales-export histories pass Validate too.
func TestPropertyNewSignalsOfSalesAlwaysValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { requireValidSignals(t, drawSales(t)) })
}
