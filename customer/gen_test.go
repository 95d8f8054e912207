package customer

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// genShop is a small deterministic generator of valid customer histories
// for tests and benchmarks: a seed gives the same histories every time.
type genShop struct {
	r    *rand.Rand
	asOf time.Time
}

func newGenShop(seed uint64, asOf time.Time) *genShop {
	return &genShop{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), asOf: asOf}
}

var (
	genPrices     = []string{"9.95", "19.90", "24.50", "39.00", "49.90", "59.95", "89.00", "129.00", "199.50", "349.00"}
	genCategories = []string{"coats", "knitwear", "shirts", "trousers", "dresses", "shoes", "accessories", "denim"}
	genSizes      = []string{"XS", "S", "M", "L", "XL"}
	genColours    = []string{"black", "navy", "grey", "camel", "white", "red"}
)

// history returns a customer's valid history: orders, some returns, some
// interactions, in time order, all dated on or before asOf.
func (g *genShop) history(id ID, orders int) []Event {
	var out []Event
	start := g.asOf.AddDate(-3, 0, 0)
	span := g.asOf.Sub(start)
	times := make([]time.Time, orders)
	for i := range times {
		times[i] = start.Add(time.Duration(g.r.Int64N(int64(span)))).Truncate(time.Second)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i, t := range times {
		o := Order{
			ID:         fmt.Sprintf("%s-O%d", id, i),
			CustomerID: id,
			Time:       t,
			Channel:    Channel(1 + g.r.IntN(4)),
			Store:      "S1",
			Currency:   "EUR",
		}
		nl := 1 + g.r.IntN(4)
		for j := range nl {
			price := decimal.RequireFromString(genPrices[g.r.IntN(len(genPrices))])
			q := 1 + g.r.IntN(3)
			l := Line{
				ID:        fmt.Sprintf("L%d", j),
				SKU:       fmt.Sprintf("SKU-%04d", g.r.IntN(5000)),
				Category:  genCategories[g.r.IntN(len(genCategories))],
				Season:    "2026-AW",
				Size:      genSizes[g.r.IntN(len(genSizes))],
				Colour:    genColours[g.r.IntN(len(genColours))],
				Quantity:  q,
				UnitPrice: price,
			}
			if g.r.IntN(3) == 0 {
				l.Discount = l.Gross().Mul(decimal.New(int64(10+10*g.r.IntN(4)), -2)).Round(2)
			}
			if g.r.IntN(2) == 0 {
				l.UnitCost = decimal.NewNullDecimal(price.Mul(decimal.New(4, -1)).Round(2))
			}
			o.Lines = append(o.Lines, l)
		}
		out = append(out, Event{Order: &o})
		if g.r.IntN(5) == 0 {
			rt := t.Add(time.Duration(1+g.r.IntN(20)) * 24 * time.Hour)
			if rt.After(g.asOf) {
				rt = g.asOf
			}
			l := o.Lines[g.r.IntN(len(o.Lines))]
			r := Return{
				ID: o.ID + "-R", OrderID: o.ID, CustomerID: id, Time: rt,
				Kind: ReturnKind(1 + g.r.IntN(2)), Reason: ReturnReason(1 + g.r.IntN(6)),
				Lines: []ReturnLine{{LineID: l.ID, Quantity: -(1 + g.r.IntN(l.Quantity))}},
			}
			out = append(out, Event{Return: &r})
		}
		if g.r.IntN(4) == 0 {
			in := Interaction{CustomerID: id, Time: t.Add(-time.Hour), Kind: InteractionKind(1 + g.r.IntN(6)), Subject: "coats"}
			out = append(out, Event{Interaction: &in})
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return eventTime(a).Compare(eventTime(b)) })
	return out
}

func eventTime(e Event) time.Time {
	switch {
	case e.Order != nil:
		return e.Order.Time
	case e.Return != nil:
		return e.Return.Time
	case e.Interaction != nil:
		return e.Interaction.Time
	}
	return time.Time{}
}

func seqOf(evs []Event) iter.Seq[Event] { return slices.Values(evs) }

func countLines(evs []Event) int {
	n := 0
	for _, e := range evs {
		if e.Order != nil {
			n += len(e.Order.Lines)
		}
	}
	return n
}

func decimalInt(n int) decimal.Decimal { return decimal.NewFromInt(int64(n)) }
