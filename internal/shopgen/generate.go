package shopgen

import (
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// Generator generates the customers of one shop. It holds the shop's
// calendar and catalogue, built once by [New]; it is immutable and safe
// for concurrent use.
type Generator struct {
	cfg          Config
	digits       int32
	level        float64
	start        customer.Date // first day of the window
	startUnix    int64
	days         int // days in the window
	cal          []dayInfo
	maxIntensity float64
	colls        []collection
	channels     [3]float64 // store, online, social, normalised
	stores       [][]string // store IDs per region
}

// collection is one collection of the catalogue.
type collection struct {
	label  string
	season Season
	launch int // day index relative to the window start (may be negative)
	styles [][]style
}

// dayInfo is what the shop sells on one day of the window.
type dayInfo struct {
	intensity float64 // relative buying intensity
	full      []int16 // collections at full price, newest first
	sale      []int16 // collections marked down
	markdown  int     // percent off the sale collections
}

// fullPriceDays is how long after its launch a collection sells at full
// price (unless a sale marks it down earlier).
const fullPriceDays = 200

// saleLookback is how long after its launch a collection can still be
// marked down in a sale of its season.
const saleLookback = 330

// New returns the generator of the shop cfg describes, or an error
// matching [ErrConfig] that lists every problem of cfg.
func New(cfg Config) (*Generator, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.Collections = slices.Clone(cfg.Collections)
	cfg.Sales = slices.Clone(cfg.Sales)
	for i := range cfg.Sales {
		cfg.Sales[i].Markdowns = slices.Clone(cfg.Sales[i].Markdowns)
	}
	g := &Generator{cfg: cfg, digits: cfg.Currency.Digits(), level: cfg.PriceLevel.InexactFloat64()}
	g.start = dayOf(cfg.Start)
	g.startUnix = int64(g.start) * 86400
	g.days = int(dayOf(cfg.End) - g.start)
	tot := cfg.Channels.Store + cfg.Channels.Online + cfg.Channels.Social
	g.channels = [3]float64{cfg.Channels.Store / tot, cfg.Channels.Online / tot, cfg.Channels.Social / tot}
	g.buildCollections()
	g.buildCalendar()
	g.stores = make([][]string, len(regions))
	for i, rg := range regions {
		for k := 1; k <= rg.stores; k++ {
			g.stores[i] = append(g.stores[i], "S-"+rg.code+"-"+numbers[k])
		}
	}
	return g, nil
}

// dayOf returns the UTC calendar day of t.
func dayOf(t time.Time) customer.Date { return customer.DateOf(t.UTC()) }

// Config returns the generator's configuration (a copy: changing it
// does not change the generator).
func (g *Generator) Config() Config {
	c := g.cfg
	c.Collections = slices.Clone(c.Collections)
	c.Sales = slices.Clone(c.Sales)
	for i := range c.Sales {
		c.Sales[i].Markdowns = slices.Clone(c.Sales[i].Markdowns)
	}
	return c
}

func (g *Generator) buildCollections() {
	r := newRNG()
	r.reset(g.cfg.Seed, 1<<63) // the catalogue's own stream, apart from the customers'
	y0 := g.cfg.Start.UTC().Year() - 2
	y1 := g.cfg.End.UTC().Year() + 1
	for y := y0; y <= y1; y++ {
		for _, s := range g.cfg.Collections {
			launch := int(customer.DateFromYMD(y+s.YearOffset, s.Launch.Month, s.Launch.Day) - g.start)
			if launch < -(saleLookback+60) || launch >= g.days {
				continue
			}
			label := numbers[y/100] + padded2(y%100) + "-" + s.Name
			c := collection{label: label, season: s.Season, launch: launch}
			c.styles = make([][]style, len(categories))
			for k := range categories {
				c.styles[k] = g.buildStyles(r, label, k)
			}
			g.colls = append(g.colls, c)
		}
	}
	sort.SliceStable(g.colls, func(i, j int) bool { return g.colls[i].launch < g.colls[j].launch })
}

func padded2(n int) string {
	if n < 10 {
		return "0" + numbers[n]
	}
	return numbers[n]
}

func (g *Generator) buildCalendar() {
	g.cal = make([]dayInfo, g.days)
	y0 := g.cfg.Start.UTC().Year() - 1
	y1 := g.cfg.End.UTC().Year()
	for _, sp := range g.cfg.Sales {
		for y := y0; y <= y1; y++ {
			from := int(customer.DateFromYMD(y, sp.From.Month, sp.From.Day) - g.start)
			ty := y
			if sp.To.Month < sp.From.Month || (sp.To.Month == sp.From.Month && sp.To.Day < sp.From.Day) {
				ty++
			}
			to := int(customer.DateFromYMD(ty, sp.To.Month, sp.To.Day) - g.start)
			n := to - from + 1
			for d := max(from, 0); d <= to && d < g.days; d++ {
				di := &g.cal[d]
				if di.markdown != 0 {
					continue // an earlier sale period already covers the day
				}
				di.markdown = sp.Markdowns[(d-from)*len(sp.Markdowns)/n]
				for ci, c := range g.colls {
					if c.season == sp.Season && c.launch <= from && d-c.launch <= saleLookback {
						di.sale = append(di.sale, int16(ci))
					}
				}
				if len(di.sale) == 0 {
					di.markdown = 0
				}
			}
		}
	}
	for d := range g.cal {
		di := &g.cal[d]
		for ci := len(g.colls) - 1; ci >= 0; ci-- {
			c := g.colls[ci]
			if c.launch > d || d-c.launch >= fullPriceDays || contains(di.sale, int16(ci)) {
				continue
			}
			di.full = append(di.full, int16(ci))
		}
		if len(di.full) == 0 { // a sparse custom calendar: sell the newest collection
			for ci := len(g.colls) - 1; ci >= 0; ci-- {
				if g.colls[ci].launch <= d {
					di.full = append(di.full, int16(ci))
					break
				}
			}
		}
		if len(di.full) == 0 {
			di.full = append(di.full, 0)
		}
		di.intensity = g.intensity(d, di)
		g.maxIntensity = max(g.maxIntensity, di.intensity)
	}
}

func contains(s []int16, v int16) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// intensity is the relative buying intensity of day d: busier on
// Saturdays, in the sales (most in their first weeks), before Christmas
// and in the three weeks after a collection launch.
func (g *Generator) intensity(d int, di *dayInfo) float64 {
	date := g.start + customer.Date(d)
	x := 1.0
	switch (int(date)%7 + 7 + 4) % 7 { // 1970-01-01 was a Thursday (4)
	case 6:
		x *= 1.35
	case 0:
		x *= 0.8
	}
	if di.markdown != 0 {
		x *= 1.3 + 0.02*float64(50-di.markdown)
	}
	t := date.Time()
	if m, day := t.Month(), t.Day(); m == time.December && day <= 23 || m == time.November && day >= 20 {
		x *= 1.5
	}
	for _, c := range g.colls {
		if since := d - c.launch; since >= 0 && since < 21 {
			x *= 1.25
			break
		}
	}
	return x
}

// Customer returns customer i (0 ≤ i < Config.Customers; other indices
// also work and continue the same shop). The same i always gives the same
// record.
func (g *Generator) Customer(i int) Record {
	w := g.newWorker()
	return w.customer(i)
}

// Range yields customers lo, lo+1, …, hi-1: a shard of the shop.
// Concatenating the shards [0, a), [a, b), … gives exactly [Generator.All].
func (g *Generator) Range(lo, hi int) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		w := g.newWorker()
		for i := lo; i < hi; i++ {
			if !yield(w.customer(i)) {
				return
			}
		}
	}
}

// All yields every customer of the shop, in index order.
func (g *Generator) All() iter.Seq[Record] { return g.Range(0, g.cfg.Customers) }

// Generate is New followed by [Generator.All].
func Generate(cfg Config) (iter.Seq[Record], error) {
	g, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return g.All(), nil
}

// time returns the instant at day offset t (fractional days) of the window.
func (g *Generator) time(t float64) time.Time {
	return time.Unix(g.startUnix+int64(t*86400), 0).UTC()
}
