package risk

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/internal/decimalgen"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

// refNewSignals is NewSignals computed the plain way, with the summary's
// own methods and time arithmetic: the reference of the one-pass version.
func refNewSignals(in Input) (Signals, error) {
	s := &in.Summary
	sig := Signals{Customer: s.CustomerID, AsOf: s.AsOf, PAlive: in.PAlive, HasPAlive: in.HasPAlive, Complaints: in.Complaints}
	if days, ok := s.DaysSinceLastPurchase(); ok {
		sig.DaysSinceLastPurchase = days
		sig.PurchaseDays = s.PurchaseDays()
		sig.MedianGap = s.OccasionGapStats(customer.DefaultOccasionWindow).Median
		first, _ := s.FirstPurchase()
		yearAgo := customer.DateOf(s.AsOf.AddDate(-1, 0, 0))
		twoYearsAgo := customer.DateOf(s.AsOf.AddDate(-2, 0, 0))
		asOf := customer.DateOf(s.AsOf)
		sig.PriorYear = first <= yearAgo
		sig.DaysSinceFirstPurchase = int(asOf - first)
		for _, d := range s.Days {
			if d.Date == first && d.Orders > 0 {
				sig.SpendFirstDay = d.Net
			}
		}
		for _, d := range s.Days {
			if d.Orders == 0 {
				continue
			}
			switch {
			case d.Date > yearAgo && d.Date <= asOf:
				sig.PurchaseDaysLast12++
			case d.Date > twoYearsAgo && d.Date <= yearAgo:
				sig.PurchaseDaysPrior12++
			}
		}
		sig.SpendLast12 = s.SpendLast12Months()
		sig.SpendPrior12 = s.SpendPrior12Months()
		sig.ReturnRate = min(s.ReturnRate(), 1)
	}
	if err := sig.Validate(); err != nil {
		return Signals{}, err
	}
	return sig, nil
}

func TestNewSignalsMatchesReference(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		berlin = loc
	}
	rapid.Check(t, func(t *rapid.T) {
		loc := rapid.SampledFrom([]*time.Location{time.UTC, berlin, time.FixedZone("W", -10*3600)}).Draw(t, "loc")
		asOf := time.Date(rapid.IntRange(2000, 2030).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")),
			rapid.IntRange(1, 31).Draw(t, "day"), rapid.IntRange(0, 23).Draw(t, "hour"), 30, 0, 0, loc)
		s := customer.Summary{CustomerID: "C", Kind: customer.Consumer, AsOf: asOf,
			Units: rapid.IntRange(0, 40).Draw(t, "units"), ReturnedUnits: rapid.IntRange(0, 50).Draw(t, "returned")}
		date := customer.DateOf(asOf) - customer.Date(rapid.IntRange(0, 1500).Draw(t, "start"))
		for range rapid.IntRange(0, 30).Draw(t, "days") {
			s.Days = append(s.Days, customer.Day{Date: date, Orders: rapid.IntRange(-1, 3).Draw(t, "orders"), Net: decimalgen.Amount().Draw(t, "net")})
			date += customer.Date(rapid.IntRange(1, 200).Draw(t, "gap"))
		}
		in := Input{Summary: s, PAlive: rapid.Float64Range(0, 1).Draw(t, "p"), HasPAlive: rapid.Bool().Draw(t, "has p")}
		want, werr := refNewSignals(in)
		got, err := NewSignals(in)
		assert.Equal(t, werr, err)
		assert.Equal(t, want.SpendLast12.String(), got.SpendLast12.String())
		assert.Equal(t, want.SpendPrior12.String(), got.SpendPrior12.String())
		assert.Equal(t, want.SpendLast12.Exponent(), got.SpendLast12.Exponent())
		assert.Equal(t, want.SpendPrior12.Exponent(), got.SpendPrior12.Exponent())
		assert.Equal(t, want.SpendFirstDay.String(), got.SpendFirstDay.String())
		want.SpendLast12, want.SpendPrior12, got.SpendLast12, got.SpendPrior12 = decimal.Decimal{}, decimal.Decimal{}, decimal.Decimal{}, decimal.Decimal{}
		want.SpendFirstDay, got.SpendFirstDay = decimal.Decimal{}, decimal.Decimal{}
		assert.Equal(t, want, got)
	})
}

// TestToFloatIsNearest checks toFloat against the exact conversion, bit
// for bit.
func TestToFloatIsNearest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decimalgen.Amount().Draw(t, "d")
		if rapid.Bool().Draw(t, "near 2^53") {
			c := new(big.Int).Lsh(big.NewInt(1), 53)
			c.Add(c, big.NewInt(rapid.Int64Range(-3, 3).Draw(t, "off")))
			d = decimal.NewFromBigInt(c, int32(rapid.IntRange(-23, 23).Draw(t, "exp")))
		}
		assert.Equal(t, math.Float64bits(d.InexactFloat64()), math.Float64bits(toFloat(d)), "%s", d)
	})
}
