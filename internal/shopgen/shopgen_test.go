package shopgen

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

func newGen(t testing.TB, n int, seed uint64) *Generator {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Customers, cfg.Seed = n, seed
	g, err := New(cfg)
	require.NoError(t, err)
	return g
}

func csvBytes(t testing.TB, g *Generator) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := WriteCSV(&buf, g.All(), nil)
	require.NoError(t, err)
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	a := csvBytes(t, newGen(t, 500, 7))
	b := csvBytes(t, newGen(t, 500, 7))
	c := csvBytes(t, newGen(t, 500, 8))
	assert.Equal(t, sha256.Sum256(a), sha256.Sum256(b), "same seed, same bytes")
	assert.NotEqual(t, sha256.Sum256(a), sha256.Sum256(c), "another seed, another shop")
	assert.Greater(t, bytes.Count(a, []byte("\n")), 2000)
}

func TestParallelWriteCSVSameBytes(t *testing.T) {
	g := newGen(t, 3*chunkSize+17, 3)
	want := csvBytes(t, g)
	rowsWant := int64(bytes.Count(want, []byte("\n")) - 1)
	for _, workers := range []int{1, 2, 3, 8} {
		var buf bytes.Buffer
		rows, err := g.WriteCSV(&buf, &CSVOptions{Workers: workers})
		require.NoError(t, err)
		assert.Equal(t, rowsWant, rows, "workers=%d", workers)
		assert.True(t, bytes.Equal(want, buf.Bytes()), "workers=%d: output differs", workers)
	}
	var buf bytes.Buffer
	_, err := g.WriteCSV(&buf, &CSVOptions{NoHeader: true, Workers: 2})
	require.NoError(t, err)
	_, body, _ := bytes.Cut(want, []byte("\n"))
	assert.True(t, bytes.Equal(body, buf.Bytes()), "NoHeader leaves out exactly the header")
}

func TestShardIndependence(t *testing.T) {
	g := newGen(t, 300, 11)
	var all []Record
	for r := range g.All() {
		all = append(all, r)
	}
	require.Len(t, all, 300)
	for _, i := range []int{0, 1, 57, 150, 299} {
		assert.True(t, reflect.DeepEqual(all[i], g.Customer(i)), "customer %d alone", i)
	}
	var shards []Record
	for _, b := range [][2]int{{0, 13}, {13, 200}, {200, 300}} {
		for r := range g.Range(b[0], b[1]) {
			shards = append(shards, r)
		}
	}
	assert.True(t, reflect.DeepEqual(all, shards), "shards concatenate to the whole")
	// A customer does not depend on how many customers the shop has.
	small := newGen(t, 10, 11)
	assert.True(t, reflect.DeepEqual(all[5], small.Customer(5)))
}

func TestRangeStopsEarly(t *testing.T) {
	g := newGen(t, 100, 1)
	n := 0
	for range g.All() {
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
}

func TestEveryRecordValid(t *testing.T) {
	n := 3000
	if testing.Short() || raceEnabled {
		n = 600
	}
	g := newGen(t, n, 5)
	cfg := g.Config()
	for rec := range g.All() {
		require.NoError(t, rec.Validate(cfg.End), "customer %d", rec.Index)
		c := rec.Customer
		assert.False(t, c.Joined.After(cfg.End))
		for _, o := range rec.Orders {
			assert.False(t, o.Time.Before(cfg.Start), "order %s before the window", o.ID)
			assert.True(t, o.Time.Before(cfg.End), "order %s after the window", o.ID)
			assert.False(t, o.Time.Before(c.Joined), "order %s before the customer joined", o.ID)
			for _, l := range o.Lines {
				k := categoryIndex(l.Category)
				assert.True(t, validSize(k, l.Size), "order %s line %s: size %q of %s", o.ID, l.ID, l.Size, l.Category)
				switch categories[k].sizes {
				case letterSize, euGarment:
					assert.True(t, customer.ValidTopSize(l.Size), l.Size)
				case waistInseam:
					assert.True(t, customer.ValidBottomSize(l.Size), l.Size)
				case euShoe:
					assert.True(t, customer.ValidShoeSize(l.Size), l.Size)
				}
			}
		}
		if rec.Truth.Potential {
			assert.Empty(t, rec.Orders, "a potential customer never buys")
			assert.NotEmpty(t, rec.Interactions, "a potential customer shows interest")
		}
		if d := rec.Truth.Dropout; !d.IsZero() {
			for _, o := range rec.Orders {
				assert.False(t, o.Time.After(d), "order %s after the customer dropped out", o.ID)
			}
		}
		for _, x := range rec.Interactions {
			assert.True(t, x.Time.Before(cfg.End))
			assert.False(t, x.Time.Before(c.Joined), "interaction before joining")
		}
		for i := 1; i < len(rec.Orders); i++ {
			assert.False(t, rec.Orders[i].Time.Before(rec.Orders[i-1].Time), "orders in time order")
		}
		s, err := customer.Summarize(c.ID, c.Kind, cfg.End, rec.Events(), nil)
		require.NoError(t, err, "customer %d", rec.Index)
		assert.Equal(t, len(rec.Orders), s.Orders)
		assert.Equal(t, len(rec.Interactions), s.Interactions)
	}
}

func categoryIndex(name string) int {
	for i, c := range categories {
		if c.name == name {
			return i
		}
	}
	return -1
}

// validSize checks a line's size against the size system of its
// category: letter sizes XXS…5XL, EU numeric garment sizes, waist/inseam
// and EU shoe sizes.
func validSize(cat int, size string) bool {
	if cat < 0 {
		return false
	}
	switch categories[cat].sizes {
	case noSize:
		return size == ""
	case letterSize:
		for _, s := range letterSizes {
			if s == size {
				return true
			}
		}
	case euGarment:
		n, ok := atoi(size)
		return ok && n >= 32 && n <= 60 && n%2 == 0
	case waistInseam:
		w, l, ok := strings.Cut(size, "/")
		wi, ok1 := atoi(w)
		li, ok2 := atoi(l)
		return ok && ok1 && ok2 && wi >= 24 && wi <= 44 && li >= 28 && li <= 36
	case euShoe:
		whole, half, _ := strings.Cut(size, ".")
		n, ok := atoi(whole)
		return ok && n >= 34 && n <= 48 && (half == "" || half == "5")
	}
	return false
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = 10*n + int(c-'0')
	}
	return n, true
}

func TestProfileSizesMatchLabels(t *testing.T) {
	g := newGen(t, 400, 9)
	for rec := range g.All() {
		p := rec.Customer.Profile
		require.NoError(t, rec.Customer.Validate(g.Config().End))
		if p.TopSize != "" {
			assert.True(t, validSize(categoryIndex("t-shirts"), p.TopSize), p.TopSize)
		}
		if p.BottomSize != "" {
			assert.True(t, validSize(categoryIndex("jeans"), p.BottomSize), p.BottomSize)
		}
		if p.ShoeSize != "" {
			assert.True(t, validSize(categoryIndex("shoes"), p.ShoeSize), p.ShoeSize)
		}
	}
}

// shape holds the statistics the shape test checks.
type shape struct {
	customers, intermediaries, potential, buyers, oneOff, dropped int
	consumerOrders, maxOrders                                     int
	onlineUnits, onlineReturned, storeUnits, storeReturned        int
	reasons                                                       map[customer.ReturnReason]int
	exchanges, returns, complaints, complaintsAfterDefect         int
	defectReturns                                                 int
	interSpend                                                    []float64
	interQty                                                      []int
	fullPriceMargin                                               []float64
	markdowns                                                     map[int]int
	saleDayOrders, saleDays, days                                 int
	nonBuyerInteractions                                          int
}

func measure(t *testing.T, g *Generator) shape {
	t.Helper()
	s := shape{reasons: map[customer.ReturnReason]int{}, markdowns: map[int]int{}}
	for _, d := range g.cal {
		s.days++
		if d.markdown != 0 {
			s.saleDays++
		}
	}
	for rec := range g.All() {
		s.customers++
		if rec.Truth.Potential {
			s.potential++
			if len(rec.Interactions) > 0 {
				s.nonBuyerInteractions++
			}
		}
		if !rec.Truth.Dropout.IsZero() {
			s.dropped++
		}
		units := map[string]customer.Channel{}
		if rec.Customer.Kind == customer.Intermediary {
			s.intermediaries++
			spend := decimal.Zero
			for _, o := range rec.Orders {
				for _, l := range o.Lines {
					spend = spend.Add(l.Net())
					s.interQty = append(s.interQty, l.Quantity)
				}
			}
			if len(rec.Orders) > 0 {
				s.interSpend = append(s.interSpend, spend.InexactFloat64())
			}
		} else {
			if len(rec.Orders) > 0 {
				s.buyers++
				if len(rec.Orders) == 1 {
					s.oneOff++
				}
			}
			s.consumerOrders += len(rec.Orders)
			s.maxOrders = max(s.maxOrders, len(rec.Orders))
			for _, o := range rec.Orders {
				if g.cal[int(dayOf(o.Time)-g.start)].markdown != 0 {
					s.saleDayOrders++
				}
				for _, l := range o.Lines {
					units[o.ID+"/"+l.ID] = o.Channel
					if o.Channel == customer.Store {
						s.storeUnits += l.Quantity
					} else {
						s.onlineUnits += l.Quantity
					}
					if l.Discount.IsZero() {
						m := l.UnitPrice.Sub(l.UnitCost.Decimal).Div(l.UnitPrice).InexactFloat64()
						s.fullPriceMargin = append(s.fullPriceMargin, m)
					} else {
						pct := l.Discount.Mul(decimal.NewFromInt(100)).Div(l.Gross()).Round(0).IntPart()
						s.markdowns[int(pct)]++
					}
				}
			}
		}
		for _, r := range rec.Returns {
			s.returns++
			s.reasons[r.Reason]++
			if r.Kind == customer.Exchange {
				s.exchanges++
			}
			if r.Reason == customer.QualityDefect {
				s.defectReturns++
			}
			if rec.Customer.Kind != customer.Consumer {
				continue
			}
			for _, l := range r.Lines {
				if units[r.OrderID+"/"+l.LineID] == customer.Store {
					s.storeReturned -= l.Quantity
				} else {
					s.onlineReturned -= l.Quantity
				}
			}
		}
		for _, c := range rec.Complaints {
			s.complaints++
			if c.ReturnID != "" && c.Category == QualityDefectComplaint {
				s.complaintsAfterDefect++
			}
		}
	}
	return s
}

func TestShape(t *testing.T) {
	n := 12000
	if testing.Short() || raceEnabled {
		n = 4000
	}
	g := newGen(t, n, 2024)
	s := measure(t, g)
	share := func(a, b int) float64 { return float64(a) / float64(b) }
	t.Logf("intermediaries %.3f, potential %.3f, online returns %.3f, store returns %.3f, one-off %.3f, max orders %d, dropped %.3f, complaints/order %.4f, reasons %v, exchanges %d/%d",
		share(s.intermediaries, s.customers), share(s.potential, s.customers-s.intermediaries),
		share(s.onlineReturned, s.onlineUnits), share(s.storeReturned, s.storeUnits), share(s.oneOff, s.buyers),
		s.maxOrders, share(s.dropped, s.customers), share(s.complaints, s.consumerOrders), s.reasons, s.exchanges, s.returns)

	assert.InDelta(t, 0.03, share(s.intermediaries, s.customers), 0.01, "intermediary share")
	assert.InDelta(t, 0.08, share(s.potential, s.customers-s.intermediaries), 0.02, "potential share")
	assert.Equal(t, s.potential, s.nonBuyerInteractions, "every potential customer shows interest")
	assert.InDelta(t, 0.25, share(s.onlineReturned, s.onlineUnits), 0.05, "online return rate")
	assert.InDelta(t, 0.07, share(s.storeReturned, s.storeUnits), 0.03, "store return rate")
	oneOff := share(s.oneOff, s.buyers)
	assert.True(t, oneOff > 0.35 && oneOff < 0.65, "one-off buyers %.2f", oneOff)
	assert.GreaterOrEqual(t, s.maxOrders, 15, "a few heavy buyers")
	dropped := share(s.dropped, s.customers)
	assert.True(t, dropped > 0.2 && dropped < 0.8, "customers who stopped buying %.2f", dropped)

	top, topN := customer.ReturnReason(0), 0
	for r, k := range s.reasons {
		if k > topN {
			top, topN = r, k
		}
	}
	assert.Equal(t, customer.SizeFit, top, "size/fit is the most common return reason: %v", s.reasons)
	assert.True(t, s.exchanges > 0 && s.exchanges < s.returns/2, "some exchanges: %d of %d", s.exchanges, s.returns)
	assert.Greater(t, share(s.complaintsAfterDefect, s.defectReturns), 0.2, "complaints follow defects")
	cr := share(s.complaints, s.consumerOrders)
	assert.True(t, cr > 0.005 && cr < 0.08, "complaints per order %.3f", cr)

	// Intermediaries buy in bulk, over orders of magnitude.
	sort.Float64s(s.interSpend)
	sort.Ints(s.interQty)
	require.NotEmpty(t, s.interSpend)
	assert.Greater(t, s.interSpend[len(s.interSpend)-1]/s.interSpend[0], 100.0, "spend spread")
	assert.GreaterOrEqual(t, s.interQty[len(s.interQty)/2], 12, "median units per wholesale line")
	assert.GreaterOrEqual(t, s.interQty[len(s.interQty)*95/100], 100, "large lines")

	// Margins at full price, markdowns in the sales, seasonality.
	mean := 0.0
	for _, m := range s.fullPriceMargin {
		assert.True(t, m >= 0.48 && m <= 0.73, "full-price margin %.3f", m)
		mean += m
	}
	mean /= float64(len(s.fullPriceMargin))
	assert.InDelta(t, 0.6, mean, 0.06, "mean full-price margin")
	for _, pct := range []int{20, 30, 40, 50} {
		assert.Positive(t, s.markdowns[pct], "markdown %d%% used", pct)
	}
	for pct := range s.markdowns {
		assert.Contains(t, []int{10, 15, 20, 30, 40, 50}, pct, "unexpected discount")
	}
	assert.Greater(t, share(s.saleDayOrders, s.consumerOrders), 1.15*share(s.saleDays, s.days), "sales draw buyers")
}

func TestTruthRates(t *testing.T) {
	// Buyers with a higher hidden rate order more: the BTYD heterogeneity
	// is visible in the data.
	g := newGen(t, 4000, 77)
	var lo, hi []int
	for rec := range g.All() {
		if rec.Customer.Kind != customer.Consumer || rec.Truth.Potential {
			continue
		}
		switch {
		case rec.Truth.PurchaseRate < 0.5:
			lo = append(lo, len(rec.Orders))
		case rec.Truth.PurchaseRate > 3:
			hi = append(hi, len(rec.Orders))
		}
	}
	avg := func(x []int) float64 {
		s := 0
		for _, v := range x {
			s += v
		}
		return float64(s) / float64(len(x))
	}
	require.NotEmpty(t, lo)
	require.NotEmpty(t, hi)
	assert.Greater(t, avg(hi), 2*avg(lo))
}

func TestGamma(t *testing.T) {
	r := newRNG()
	r.reset(1, 2)
	for _, k := range []float64{0.5, 1, 2.5} {
		const n = 40000
		sum, sq := 0.0, 0.0
		for range n {
			x := r.gamma(k, 2)
			require.False(t, math.IsNaN(x) || x < 0)
			sum += x
			sq += x * x
		}
		mean := sum / n
		v := sq/n - mean*mean
		assert.InEpsilon(t, 2*k, mean, 0.05, "mean of Gamma(%v, 2)", k)
		assert.InEpsilon(t, 4*k, v, 0.1, "variance of Gamma(%v, 2)", k)
	}
}

func TestConfigErrors(t *testing.T) {
	mod := func(f func(*Config)) Config {
		c := DefaultConfig()
		f(&c)
		return c
	}
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"negative customers", mod(func(c *Config) { c.Customers = -1 }), "Customers"},
		{"share above one", mod(func(c *Config) { c.IntermediaryShare = 1.5 }), "IntermediaryShare"},
		{"NaN share", mod(func(c *Config) { c.PotentialShare = math.NaN() }), "PotentialShare"},
		{"all potential", mod(func(c *Config) { c.PotentialShare = 1 }), "PotentialShare"},
		{"return rate", mod(func(c *Config) { c.OnlineReturnRate = -0.1 }), "OnlineReturnRate"},
		{"no window", mod(func(c *Config) { c.Start = time.Time{} }), "Start/End"},
		{"end before start", mod(func(c *Config) { c.Start, c.End = c.End, c.Start }), "Start/End"},
		{"currency", mod(func(c *Config) { c.Currency = "XXX" }), "Currency"},
		{"price level", mod(func(c *Config) { c.PriceLevel = decimal.Zero }), "PriceLevel"},
		{"no collections", mod(func(c *Config) { c.Collections = nil }), "Collections"},
		{"duplicate collection", mod(func(c *Config) { c.Collections[1].Name = c.Collections[0].Name }), "Collections[1].Name"},
		{"comma in a collection", mod(func(c *Config) { c.Collections[2].Name = "PRE,AW" }), "Collections[2].Name"},
		{"bad launch", mod(func(c *Config) { c.Collections[0].Launch = MonthDay{time.February, 30} }), "Collections[0].Launch"},
		{"bad season", mod(func(c *Config) { c.Collections[0].Season = 9 }), "Collections[0].Season"},
		{"bad offset", mod(func(c *Config) { c.Collections[0].YearOffset = 2 }), "Collections[0].YearOffset"},
		{"markdown", mod(func(c *Config) { c.Sales[0].Markdowns = []int{20, 95} }), "Sales[0].Markdowns[1]"},
		{"no markdowns", mod(func(c *Config) { c.Sales[1].Markdowns = nil }), "Sales[1].Markdowns"},
		{"sale day", mod(func(c *Config) { c.Sales[0].To = MonthDay{13, 1} }), "Sales[0].To"},
		{"channels", mod(func(c *Config) { c.Channels = ChannelMix{} }), "Channels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, g)
			assert.ErrorIs(t, err, ErrConfig)
			assert.Contains(t, err.Error(), tt.field+":")
		})
	}
	// Every problem is reported at once.
	_, err := New(mod(func(c *Config) { c.Customers, c.Currency = -1, "" }))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Customers:")
	assert.Contains(t, err.Error(), "Currency:")
	_, err = Generate(mod(func(c *Config) { c.Customers = -1 }))
	assert.ErrorIs(t, err, ErrConfig)
}

func TestDefaultConfigValid(t *testing.T) {
	cfg := DefaultConfig()
	require.NoError(t, cfg.validate())
	assert.Equal(t, 3, cfg.End.Year()-cfg.Start.Year())
	assert.Len(t, cfg.Collections, 4)
	seq, err := Generate(cfg)
	require.NoError(t, err)
	for rec := range seq {
		assert.Equal(t, 0, rec.Index)
		break
	}
}

func TestOtherCurrencyAndCalendar(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Customers = 300
	cfg.Currency = "JPY"
	cfg.PriceLevel = decimal.NewFromInt(160)
	cfg.Start = time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
	cfg.End = time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	cfg.Collections = []CollectionSpec{
		{Name: "SS", Season: SpringSummer, Launch: MonthDay{time.March, 1}},
		{Name: "AW", Season: AutumnWinter, Launch: MonthDay{time.September, 1}},
	}
	cfg.Sales = []SalePeriod{{Name: "winter", From: MonthDay{time.January, 2}, To: MonthDay{time.January, 31}, Season: AutumnWinter, Markdowns: []int{30}}}
	g, err := New(cfg)
	require.NoError(t, err)
	orders, markdowns := 0, 0
	for rec := range g.All() {
		require.NoError(t, rec.Validate(cfg.End))
		for _, o := range rec.Orders {
			orders++
			assert.Equal(t, customer.Currency("JPY"), o.Currency)
			for _, l := range o.Lines {
				assert.True(t, l.UnitPrice.IsInteger(), "yen have no minor unit: %s", l.UnitPrice)
				assert.True(t, strings.HasSuffix(l.Season, "-SS") || strings.HasSuffix(l.Season, "-AW"), l.Season)
				pct := l.Discount.Mul(decimal.NewFromInt(100)).Div(l.Gross()).Round(0).IntPart()
				if pct == 30 && o.Channel != customer.Wholesale {
					markdowns++
					assert.Equal(t, time.January, o.Time.Month(), "the only sale is in January")
				}
			}
		}
	}
	assert.Positive(t, orders)
	assert.Positive(t, markdowns)
	out := csvBytes(t, g)
	assert.Contains(t, string(out), ",JPY,")
	assert.NotContains(t, string(out), ".00,JPY")
}

func TestEmptyShop(t *testing.T) {
	g := newGen(t, 0, 1)
	var buf bytes.Buffer
	rows, err := g.WriteCSV(&buf, nil)
	require.NoError(t, err)
	assert.Zero(t, rows)
	assert.Equal(t, strings.Join(CSVColumns, ",")+"\n", buf.String())
}

type failWriter struct{ after int }

var errDiskFull = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errDiskFull
	}
	f.after--
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	n := 1500
	if raceEnabled {
		n = 600 // still several 256 KiB blocks
	}
	g := newGen(t, n, 1)
	for _, after := range []int{0, 1, 3} {
		_, err := WriteCSV(&failWriter{after: after}, g.All(), nil)
		assert.ErrorIs(t, err, errDiskFull, "sequential, after %d writes", after)
		for _, workers := range []int{1, 2, 4} {
			_, err := g.WriteCSV(&failWriter{after: after}, &CSVOptions{Workers: workers})
			assert.ErrorIs(t, err, errDiskFull, "parallel %d, after %d writes", workers, after)
		}
	}
	_, err := g.WriteCSV(io.Discard, nil)
	assert.NoError(t, err)
}

// The export of a Generator formats from the generator's own integer
// amounts; it must write exactly what WriteCSV writes from the records'
// decimals, in any currency and for both kinds of customer.
func TestGeneratorExportMatchesRecords(t *testing.T) {
	for _, cur := range []customer.Currency{"EUR", "JPY", "KWD"} {
		cfg := DefaultConfig()
		cfg.Customers, cfg.Seed, cfg.IntermediaryShare, cfg.Currency = 120, 99, 0.5, cur
		if raceEnabled {
			cfg.Customers = 40
		}
		g, err := New(cfg)
		require.NoError(t, err)
		want := csvBytes(t, g)
		for _, workers := range []int{1, 3} {
			var buf bytes.Buffer
			_, err := g.WriteCSV(&buf, &CSVOptions{Workers: workers})
			require.NoError(t, err)
			assert.True(t, bytes.Equal(want, buf.Bytes()), "%s, workers=%d", cur, workers)
		}
	}
}
