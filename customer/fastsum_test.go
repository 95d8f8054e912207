package customer

import (
	"math"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the date properties, on any machine

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/internal/decimalgen"
	"pgregory.net/rapid"
)

// The fast paths of the summary's sums and dates are checked against the
// plain computations they replace, kept here as the reference.

func refNet(s Summary) decimal.Decimal {
	n := s.Gross.Sub(s.Discounts).Sub(s.Refunded)
	if !s.Credited.IsZero() {
		n = n.Sub(s.Credited)
	}
	return n
}

func refSpendBetween(s Summary, from, to Date) decimal.Decimal {
	sum := decimal.Zero
	for _, d := range s.Days {
		if d.Date > from && d.Date <= to {
			sum = sum.Add(d.Net)
		}
	}
	return sum
}

func refMeanRepeatSpend(s Summary) (decimal.Decimal, bool) {
	sum, n, seen := decimal.Zero, 0, false
	for _, d := range s.Days {
		if d.Orders == 0 {
			continue
		}
		if !seen {
			seen = true
			continue
		}
		sum = sum.Add(d.Net)
		n++
	}
	if n == 0 {
		return decimal.Zero, false
	}
	return sum.DivRound(decimal.NewFromInt(int64(n)), 8), true
}

func refGapStats(s Summary) GapStats {
	var dates []Date
	for _, d := range s.Days {
		if d.Orders > 0 {
			dates = append(dates, d.Date)
		}
	}
	if len(dates) < 2 {
		return GapStats{}
	}
	g := make([]int, len(dates)-1)
	sum := 0
	for i := 1; i < len(dates); i++ {
		g[i-1] = int(dates[i] - dates[i-1])
		sum += g[i-1]
	}
	last := g[len(g)-1]
	slices.Sort(g)
	n := len(g)
	med := float64(g[n/2])
	if n%2 == 0 {
		med = float64(g[n/2-1]+g[n/2]) / 2
	}
	return GapStats{N: n, Mean: float64(sum) / float64(n), Median: med, Last: last}
}

func refDateOf(t time.Time) Date {
	y, m, d := t.Date()
	return DateFromYMD(y, m, d)
}

// sameDecimal fails unless a and b have the same coefficient and
// exponent, so that they print alike.
func sameDecimal(t require.TestingT, want, got decimal.Decimal, what string) {
	assert.Equal(t, want.Exponent(), got.Exponent(), "%s: exponent of %s and %s", what, want, got)
	assert.Zero(t, want.Coefficient().Cmp(got.Coefficient()), "%s: %s ≠ %s", what, want, got)
	assert.Equal(t, want.String(), got.String(), what)
}

// summaryGen draws a summary with arbitrary amounts and days (not one a
// history could give: the sums must hold for any decimals).
func summaryGen() *rapid.Generator[Summary] {
	return rapid.Custom(func(t *rapid.T) Summary {
		asOf := time.Date(rapid.IntRange(1995, 2040).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")),
			rapid.IntRange(1, 31).Draw(t, "day"), rapid.IntRange(0, 23).Draw(t, "hour"), 0, 0, 0, time.UTC)
		s := Summary{CustomerID: "C", Kind: Consumer, AsOf: asOf,
			Gross: decimalgen.Amount().Draw(t, "gross"), Discounts: decimalgen.Amount().Draw(t, "discounts"),
			Refunded: decimalgen.Amount().Draw(t, "refunded"), Cost: decimalgen.Amount().Draw(t, "cost"),
			Orders: rapid.IntRange(0, 50).Draw(t, "orders")}
		if rapid.Bool().Draw(t, "credited") {
			s.Credited = decimalgen.Amount().Draw(t, "credited")
		}
		date := DateOf(asOf) - Date(rapid.IntRange(0, 1200).Draw(t, "start"))
		for range rapid.IntRange(0, 80).Draw(t, "days") {
			s.Days = append(s.Days, Day{Date: date, Orders: rapid.IntRange(0, 3).Draw(t, "day orders"), Net: decimalgen.Amount().Draw(t, "net")})
			date += Date(rapid.IntRange(1, 120).Draw(t, "gap"))
		}
		return s
	})
}

func TestFastSumsMatchDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := summaryGen().Draw(t, "summary")
		sameDecimal(t, refNet(s), s.Net(), "Net")
		sameDecimal(t, refNet(s).Sub(s.Cost), s.GrossProfit(), "GrossProfit")
		if s.Orders > 0 {
			sameDecimal(t, refNet(s).DivRound(decimal.NewFromInt(int64(s.Orders)), 4), s.AverageOrderValue(), "AverageOrderValue")
		}
		a, y1, y2 := DateOf(s.AsOf), DateOf(s.AsOf.AddDate(-1, 0, 0)), DateOf(s.AsOf.AddDate(-2, 0, 0))
		last, prior := refSpendBetween(s, y1, a), refSpendBetween(s, y2, y1)
		sameDecimal(t, last, s.SpendLast12Months(), "SpendLast12Months")
		sameDecimal(t, prior, s.SpendPrior12Months(), "SpendPrior12Months")
		l, p := s.Spend12Months()
		sameDecimal(t, last, l, "Spend12Months last")
		sameDecimal(t, prior, p, "Spend12Months prior")
		wm, wok := refMeanRepeatSpend(s)
		m, ok := s.MeanRepeatSpend()
		assert.Equal(t, wok, ok)
		sameDecimal(t, wm, m, "MeanRepeatSpend")
		f, ok := s.MeanRepeatSpendFloat()
		assert.Equal(t, wok, ok)
		if wok {
			assert.Equal(t, math.Float64bits(wm.InexactFloat64()), math.Float64bits(f), "MeanRepeatSpendFloat of %s", wm)
		}
		assert.Equal(t, refGapStats(s), s.GapStats())
	})
}

// TestMeanRepeatSpendRounding checks the rounding of the fast division on
// the ties and near-ties it must round away from zero.
func TestMeanRepeatSpendRounding(t *testing.T) {
	tests := []struct {
		name string
		nets []string // of the repeat days
	}{
		{"exact", []string{"10", "20"}},
		{"third", []string{"1", "0", "0"}},
		{"two thirds", []string{"2", "0", "0"}},
		{"negative third", []string{"-1", "0", "0"}},
		{"negative two thirds", []string{"-2", "0", "0"}},
		{"tie", []string{"0.000000005"}},
		{"tie of a mean", []string{"0.00000001", "0"}},
		{"negative tie", []string{"-0.000000005"}},
		{"near tie", []string{"0.0000000049999"}},
		{"many decimals", []string{"0.0000000000001", "3.33333333333333"}},
		{"large", []string{"92233720368547758.07", "1"}},
		{"zero", []string{"0", "0.0000"}},
		{"positive exponent", []string{"1E+3", "7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summary{Days: []Day{{Date: 1, Orders: 1, Net: decimal.NewFromInt(5)}}}
			for i, n := range tt.nets {
				s.Days = append(s.Days, Day{Date: Date(2 + i), Orders: 1, Net: decimal.RequireFromString(n)})
			}
			want, _ := refMeanRepeatSpend(s)
			got, ok := s.MeanRepeatSpend()
			require.True(t, ok)
			sameDecimal(t, want, got, tt.name)
			f, _ := s.MeanRepeatSpendFloat()
			assert.Equal(t, math.Float64bits(want.InexactFloat64()), math.Float64bits(f), "float of %s", want)
		})
	}
}

func TestFastSumsEmpty(t *testing.T) {
	var s Summary
	sameDecimal(t, refNet(s), s.Net(), "Net")
	sameDecimal(t, decimal.Zero, s.SpendLast12Months(), "SpendLast12Months")
	l, p := s.Spend12Months()
	sameDecimal(t, decimal.Zero, l, "last")
	sameDecimal(t, decimal.Zero, p, "prior")
	_, ok := s.MeanRepeatSpend()
	assert.False(t, ok)
	assert.Equal(t, GapStats{}, s.GapStats())
	assert.Nil(t, s.Gaps())
}

// zones are locations with the awkward cases: daylight saving time,
// half-hour offsets and DST, a skipped calendar day (Apia, 2011-12-30),
// transitions at midnight (São Paulo) and negative offsets.
func zones(t require.TestingT) []*time.Location {
	out := []*time.Location{time.UTC, time.Local, time.FixedZone("X", -12*3600), time.FixedZone("Y", 14*3600+45*60)}
	for _, name := range []string{"Europe/Berlin", "America/Sao_Paulo", "Pacific/Apia", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		out = append(out, loc)
	}
	return out
}

func TestDateOfMatchesCalendar(t *testing.T) {
	locs := zones(t)
	rapid.Check(t, func(t *rapid.T) {
		var u int64
		switch rapid.IntRange(0, 2).Draw(t, "range") {
		case 0: // recent decades
			u = rapid.Int64Range(-1e9, 3e9).Draw(t, "unix")
		case 1: // the calendar's whole plausible range
			u = rapid.Int64Range(-1e14, 1e14).Draw(t, "unix")
		default: // around the fast path's bound
			u = rapid.Int64Range(fastUnix-1e6, fastUnix+1e6).Draw(t, "unix")
			if rapid.Bool().Draw(t, "neg") {
				u = -u
			}
		}
		tm := time.Unix(u, rapid.Int64Range(0, 999_999_999).Draw(t, "nsec")).In(rapid.SampledFrom(locs).Draw(t, "loc"))
		assert.Equal(t, refDateOf(tm), DateOf(tm), "%v", tm)
		n := rapid.IntRange(-3, 5).Draw(t, "years")
		if u > -1e13 && u < 1e13 {
			// The same month and day n years before, normalised as
			// time.Date does (29 February to 1 March).
			y, m, dd := tm.Date()
			assert.Equal(t, DateFromYMD(y-n, m, dd), YearsBefore(tm, n), "%v − %d years", tm, n)
			day, y1, y2 := SpendWindows(tm)
			assert.Equal(t, [3]Date{DateOf(tm), DateFromYMD(y-1, m, dd), DateFromYMD(y-2, m, dd)}, [3]Date{day, y1, y2}, "windows of %v", tm)
		}
	})
}

func TestYearsBefore(t *testing.T) {
	tests := []struct {
		t    time.Time
		n    int
		want string
	}{
		{time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC), 1, "2024-12-31"},
		{time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), 1, "2023-03-01"},
		{time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), 4, "2020-02-29"},
		{time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 2, "2023-03-01"},
		{time.Date(2024, 2, 29, 23, 0, 0, 0, time.UTC), 2, "2022-03-01"},
		{time.Date(2024, 2, 29, 1, 0, 0, 0, time.UTC), 0, "2024-02-29"},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 1, "1969-01-01"},
		{time.Date(2000, 3, 1, 0, 0, 0, 0, time.FixedZone("Z", 3600)), 100, "1900-03-01"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, YearsBefore(tt.t, tt.n).String(), "%v − %d", tt.t, tt.n)
	}
}
