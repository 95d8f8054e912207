package customer

import (
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var pAsOf = time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC)

// Amounts drawn by the generators: ordinary prices, amounts with more
// decimals or more digits than the fixed-point fast path takes (so both
// paths and their mix are exercised), and zero.
var (
	genPriceText = []string{"0", "9.95", "19.90", "49.90", "120", "349.00", "0.01", "123456789012.34", "99999999.99"}
	genCostText  = []string{"0", "3.10", "12.345678", "80", "1.5", "55555555555.5"}
	// genCreditText are credit amounts; a price reduction is cut to what
	// is left of its order's net.
	genCreditText = []string{"0.01", "5", "19.90", "250.00", "123456789012.34"}
)

// drawCredit draws a credit of amount genCreditText (at most max, when
// max is not nil), or false when the amount left is zero.
func drawCredit(t *rapid.T, id, order string, k CreditKind, at time.Time, max *decimal.Decimal) (Credit, bool) {
	a := d(rapid.SampledFrom(genCreditText).Draw(t, "credit"))
	if max != nil && a.GreaterThan(*max) {
		a = *max
	}
	if a.Sign() <= 0 {
		return Credit{}, false
	}
	m, err := MoneyFromDecimal(a, "EUR")
	if err != nil {
		panic(err)
	}
	return Credit{ID: id, CustomerID: "C", OrderID: order, Time: at, Kind: k, Amount: m, Source: "case " + id}, true
}

// histGen draws a valid history of customer "C" as of pAsOf: orders (some
// after asOf), returns of one or two lines in time order that never bring
// back more units than the customer holds (refunds take units away,
// exchanges do not, so a unit can be exchanged and later refunded),
// credits of orders (price reductions that together stay within what
// the order's refunds left of its net, compensations of any amount) and
// of no order, and interactions. Some orders come as imported from a
// till that did not know of the others' records: their refunds may pay
// the share of their units on their own (above the share after the
// refunds before, by a rounding) and their price reductions are not cut
// to what is left of the net, so that they pay back more than the
// customer paid (see Over-refunds on Summary).
func histGen() *rapid.Generator[[]Event] {
	return rapid.Custom(func(t *rapid.T) []Event {
		n := rapid.IntRange(0, 12).Draw(t, "orders")
		var evs []Event
		for i := range n {
			// Times within two and a half years before asOf, a few after it.
			hours := rapid.IntRange(-22000, 300).Draw(t, "hours")
			o := Order{ID: fmt.Sprintf("O%d", i), CustomerID: "C", Time: pAsOf.Add(time.Duration(hours) * time.Hour),
				Channel: Channel(rapid.IntRange(1, 4).Draw(t, "channel")), Currency: "EUR"}
			for j := range rapid.IntRange(1, 4).Draw(t, "lines") {
				l := Line{
					ID:        fmt.Sprintf("L%d", j),
					Category:  rapid.SampledFrom([]string{"", "coats", "knitwear", "shoes"}).Draw(t, "category"),
					Quantity:  rapid.IntRange(1, 6).Draw(t, "qty"),
					UnitPrice: d(rapid.SampledFrom(genPriceText).Draw(t, "price")),
				}
				if rapid.Bool().Draw(t, "has cost") {
					l.UnitCost = decimal.NewNullDecimal(d(rapid.SampledFrom(genCostText).Draw(t, "cost")))
				}
				if rapid.IntRange(0, 2).Draw(t, "discounted") == 0 {
					pct := rapid.IntRange(0, 100).Draw(t, "pct")
					l.Discount = l.Gross().Mul(decimal.New(int64(pct), -2)).Round(2)
					if l.Discount.GreaterThan(l.Gross()) {
						l.Discount = l.Gross()
					}
				}
				o.Lines = append(o.Lines, l)
			}
			evs = append(evs, Event{Order: &o})
			imported := rapid.IntRange(0, 2).Draw(t, "imported") == 0
			refunded := make([]int, len(o.Lines))
			paid := decimal.Zero // by the refunds of o
			at := o.Time
			for k := range rapid.IntRange(0, 4).Draw(t, "returns") {
				kind := ReturnKind(rapid.IntRange(1, 2).Draw(t, "kind"))
				// Returns of one order follow each other, some at the
				// same instant (then in ID order).
				at = at.Add(time.Duration(rapid.IntRange(0, 700).Draw(t, "return hours")) * time.Hour)
				r := Return{ID: fmt.Sprintf("R%d-%d", i, k), OrderID: o.ID, CustomerID: "C", Time: at,
					Kind: kind, Reason: SizeFit}
				first := rapid.IntRange(0, len(o.Lines)-1).Draw(t, "line")
				share := decimal.Zero // of the units refunded
				own := decimal.Zero   // of the same units on their own
				for _, j := range []int{first, rapid.IntRange(-1, len(o.Lines)-1).Draw(t, "second line")} {
					if j < 0 || (j == first && len(r.Lines) > 0) {
						continue
					}
					held := o.Lines[j].Quantity - refunded[j]
					if held == 0 {
						continue
					}
					back := rapid.IntRange(1, held).Draw(t, "back")
					if kind == Refund {
						l := &o.Lines[j]
						share = share.Add(refRefund(l.Net(), refunded[j]+back, l.Quantity, 2).Sub(refRefund(l.Net(), refunded[j], l.Quantity, 2)))
						own = own.Add(refRefund(l.Net(), back, l.Quantity, 2))
						refunded[j] += back
					}
					r.Lines = append(r.Lines, ReturnLine{LineID: o.Lines[j].ID, Quantity: -back})
				}
				if kind == Refund && len(r.Lines) > 0 && rapid.IntRange(0, 2).Draw(t, "fee") == 0 {
					// A fee kept from the share: a cent, half, all or none.
					fee := rapid.SampledFrom([]decimal.Decimal{d("0.01"), share.Div(d("2")).RoundDown(2), share, decimal.Zero}).Draw(t, "fee amount")
					if fee.GreaterThan(share) {
						fee = share
					}
					r.Refund = decimal.NewNullDecimal(share.Sub(fee))
				}
				if kind == Refund && len(r.Lines) > 0 && imported && rapid.Bool().Draw(t, "own share") {
					// The till paid the share of the units on their own.
					r.Refund = decimal.NewNullDecimal(own)
				}
				if len(r.Lines) > 0 {
					evs = append(evs, Event{Return: &r})
					if r.Refund.Valid {
						paid = paid.Add(r.Refund.Decimal)
					} else {
						paid = paid.Add(share)
					}
				}
			}
			left := o.net().Sub(paid)
			at = o.Time
			for k := range rapid.IntRange(0, 2).Draw(t, "credits") {
				at = at.Add(time.Duration(rapid.IntRange(0, 900).Draw(t, "credit hours")) * time.Hour)
				kind := CreditKind(rapid.IntRange(1, 2).Draw(t, "credit kind"))
				var max *decimal.Decimal
				if kind == PriceReduction && !imported {
					max = &left
				}
				if c, ok := drawCredit(t, fmt.Sprintf("K%d-%d", i, k), o.ID, kind, at, max); ok {
					if kind == PriceReduction {
						left = left.Sub(c.Amount.Amount())
					}
					evs = append(evs, Event{Credit: &c})
				}
			}
		}
		for k := range rapid.IntRange(0, 2).Draw(t, "compensations") {
			at := pAsOf.Add(-time.Duration(rapid.IntRange(-100, 9000).Draw(t, "compensation hours")) * time.Hour)
			if c, ok := drawCredit(t, fmt.Sprintf("KC%d", k), "", Compensation, at, nil); ok {
				evs = append(evs, Event{Credit: &c})
			}
		}
		for range rapid.IntRange(0, 3).Draw(t, "interactions") {
			i := Interaction{CustomerID: "C", Time: pAsOf.Add(-time.Duration(rapid.IntRange(-100, 9000).Draw(t, "ihours")) * time.Hour),
				Kind: InteractionKind(rapid.IntRange(1, 6).Draw(t, "ikind"))}
			evs = append(evs, Event{Interaction: &i})
		}
		return evs
	})
}

func summarizeT(t require.TestingT, evs []Event) Summary {
	s, err := Summarize("C", Consumer, pAsOf, seqOf(evs), nil)
	require.NoError(t, err)
	return s
}

// assertSameSummary compares every exported field and derived value.
func assertSameSummary(t require.TestingT, want, got Summary) {
	dec := func(name string, a, b decimal.Decimal) {
		assert.True(t, a.Equal(b), "%s: want %s, got %s", name, a, b)
	}
	assert.Equal(t, want.CustomerID, got.CustomerID)
	assert.Equal(t, want.Kind, got.Kind)
	assert.True(t, want.AsOf.Equal(got.AsOf))
	assert.Equal(t, want.Currency, got.Currency, "Currency")
	assert.Equal(t, want.Orders, got.Orders, "Orders")
	assert.Equal(t, want.Units, got.Units, "Units")
	assert.Equal(t, want.ReturnedUnits, got.ReturnedUnits, "ReturnedUnits")
	assert.Equal(t, want.Returns, got.Returns, "Returns")
	assert.Equal(t, want.Exchanges, got.Exchanges, "Exchanges")
	assert.Equal(t, want.ExchangedUnits, got.ExchangedUnits, "ExchangedUnits")
	assert.Equal(t, want.KeptUnits(), got.KeptUnits(), "KeptUnits")
	assert.Equal(t, want.Credits, got.Credits, "Credits")
	dec("Gross", want.Gross, got.Gross)
	dec("Discounts", want.Discounts, got.Discounts)
	dec("Refunded", want.Refunded, got.Refunded)
	dec("Credited", want.Credited, got.Credited)
	dec("Cost", want.Cost, got.Cost)
	dec("FullPriceNet", want.FullPriceNet, got.FullPriceNet)
	if assert.Equal(t, len(want.Days), len(got.Days), "number of days") {
		for i := range want.Days {
			assert.Equal(t, want.Days[i].Date, got.Days[i].Date, "Days[%d].Date", i)
			assert.Equal(t, want.Days[i].Orders, got.Days[i].Orders, "Days[%d].Orders", i)
			dec(fmt.Sprintf("Days[%d].Net", i), want.Days[i].Net, got.Days[i].Net)
		}
	}
	assert.Equal(t, len(want.Categories), len(got.Categories))
	assert.True(t, slices.Equal(want.Categories, got.Categories), "Categories %v vs %v", want.Categories, got.Categories)
	assert.Equal(t, want.Interactions, got.Interactions, "Interactions")
	assert.True(t, want.LastInteraction.Equal(got.LastInteraction), "LastInteraction")
	assert.Equal(t, want.Later, got.Later, "Later")

	dec("Net()", want.Net(), got.Net())
	dec("GrossProfit()", want.GrossProfit(), got.GrossProfit())
	dec("AverageOrderValue()", want.AverageOrderValue(), got.AverageOrderValue())
	assert.Equal(t, want.ReturnRate(), got.ReturnRate(), "ReturnRate")
	assert.Equal(t, want.FullPriceShare(), got.FullPriceShare(), "FullPriceShare")
	assert.Equal(t, want.CategoryBreadth(), got.CategoryBreadth())
	assert.Equal(t, want.PurchaseDays(), got.PurchaseDays())
	wf, wok := want.FirstPurchase()
	gf, gok := got.FirstPurchase()
	assert.Equal(t, [2]any{wf, wok}, [2]any{gf, gok}, "FirstPurchase")
	wl, wok := want.LastPurchase()
	gl, gok := got.LastPurchase()
	assert.Equal(t, [2]any{wl, wok}, [2]any{gl, gok}, "LastPurchase")
	wd, wok := want.DaysSinceLastPurchase()
	gd, gok := got.DaysSinceLastPurchase()
	assert.Equal(t, [2]any{wd, wok}, [2]any{gd, gok}, "DaysSinceLastPurchase")
	assert.Equal(t, want.Gaps(), got.Gaps(), "Gaps")
	assert.Equal(t, want.GapStats(), got.GapStats(), "GapStats")
	dec("SpendLast12Months()", want.SpendLast12Months(), got.SpendLast12Months())
	dec("SpendPrior12Months()", want.SpendPrior12Months(), got.SpendPrior12Months())
	for _, p := range []Period{Days, Weeks} {
		wf, wr, wt, wok := want.BTYD(p)
		gf, gr, gt, gok := got.BTYD(p)
		assert.Equal(t, []any{wf, wr, wt, wok}, []any{gf, gr, gt, gok}, "BTYD(%d)", p)
	}
	wm, wok := want.MeanRepeatSpend()
	gm, gok := got.MeanRepeatSpend()
	assert.Equal(t, wok, gok, "MeanRepeatSpend ok")
	dec("MeanRepeatSpend()", wm, gm)
	wt, wok := want.Tenure()
	gt, gok := got.Tenure()
	assert.Equal(t, [2]any{wt, wok}, [2]any{gt, gok}, "Tenure")
}

// TestPropMergeOfShardsEqualsWhole: for any history and any partition of
// its orders (each return travelling with its order) and interactions into
// two shards (each return and credit travelling with its order, a credit
// of no order anywhere, equal interactions together), merging the shards' summaries gives the summary
// of the whole.
func TestPropMergeOfShardsEqualsWhole(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := histGen().Draw(t, "history")
		inA := map[string]bool{}
		var seenI []Interaction
		var seenA []bool
		var a, b []Event
		for _, e := range evs {
			var toA bool
			switch {
			case e.Order != nil:
				toA = rapid.Bool().Draw(t, "order to A")
				inA[e.Order.ID] = toA
			case e.Return != nil:
				toA = inA[e.Return.OrderID]
			case e.Credit != nil && e.Credit.OrderID != "":
				toA = inA[e.Credit.OrderID]
			case e.Interaction != nil:
				// Equal interactions are one fact, which a sharding
				// by customer and record sends to one shard.
				if j := slices.IndexFunc(seenI, e.Interaction.Equal); j >= 0 {
					toA = seenA[j]
					break
				}
				toA = rapid.Bool().Draw(t, "interaction to A")
				seenI, seenA = append(seenI, *e.Interaction), append(seenA, toA)
			default:
				toA = rapid.Bool().Draw(t, "interaction to A")
			}
			if toA {
				a = append(a, e)
			} else {
				b = append(b, e)
			}
		}
		whole := summarizeT(t, evs)
		sa, sb := summarizeT(t, a), summarizeT(t, b)
		ab, err := sa.Merge(sb)
		require.NoError(t, err)
		assertSameSummary(t, whole, ab)
		ba, err := sb.Merge(sa)
		require.NoError(t, err)
		assertSameSummary(t, whole, ba)
	})
}

// TestPropInputOrderDoesNotMatter: any permutation of a history, returns
// before their orders included, gives the same summary.
func TestPropInputOrderDoesNotMatter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := histGen().Draw(t, "history")
		perm := rapid.Permutation(evs).Draw(t, "permutation")
		assertSameSummary(t, summarizeT(t, evs), summarizeT(t, perm))
	})
}

// TestPropRedeliveryIsNoOp: delivering any records of a history a second
// time (identical content) changes nothing.
func TestPropRedeliveryIsNoOp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := histGen().Draw(t, "history")
		var again []Event
		for _, e := range evs {
			again = append(again, e)
			if rapid.Bool().Draw(t, "redeliver") {
				again = append(again, e.clone())
			}
		}
		assertSameSummary(t, summarizeT(t, evs), summarizeT(t, again))
	})
}

// refRefund returns net × k ÷ q rounded half up to digits decimals,
// computed with math/big rationals: the money paid back, in all, for k
// refunded units of a line of q units and net net (≥ 0).
func refRefund(net decimal.Decimal, k, q int, digits int32) decimal.Decimal {
	x := new(big.Rat).Mul(net.Rat(), new(big.Rat).SetFrac(
		new(big.Int).Mul(big.NewInt(int64(k)), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)),
		big.NewInt(int64(q))))
	x.Add(x, big.NewRat(1, 2))
	return decimal.NewFromBigInt(new(big.Int).Quo(x.Num(), x.Denom()), -digits)
}

// referenceSummary computes a summary the plain way, line by line in
// decimal arithmetic, for comparison with the fixed-point fast path. The
// refunds of a line are priced from the units refunded in all
// (refRefund), the sum that the cumulative rule of AddReturnAfter gives
// for any split, in any order.
func referenceSummary(evs []Event) Summary {
	s := Summary{CustomerID: "C", Kind: Consumer, AsOf: pAsOf}
	orders := map[string]Order{}
	for _, e := range evs {
		if e.Order != nil {
			orders[e.Order.ID] = *e.Order
		}
	}
	refunded := map[string]map[string]int{} // order ID → line ID → units
	var seen []Interaction                  // equal interactions are one fact
	for _, e := range evs {
		switch {
		case e.Order != nil:
			o := e.Order
			if o.Time.After(pAsOf) {
				s.Later++
				continue
			}
			s.Currency = o.Currency
			s.Orders++
			net := decimal.Zero
			for _, l := range o.Lines {
				ln := l.UnitPrice.Mul(decimal.NewFromInt(int64(l.Quantity))).Sub(l.Discount)
				net = net.Add(ln)
				s.Units += l.Quantity
				s.Gross = s.Gross.Add(l.UnitPrice.Mul(decimal.NewFromInt(int64(l.Quantity))))
				s.Discounts = s.Discounts.Add(l.Discount)
				if l.UnitCost.Valid {
					s.Cost = s.Cost.Add(l.UnitCost.Decimal.Mul(decimal.NewFromInt(int64(l.Quantity))))
				} else {
					s.Cost = s.Cost.Add(ln.Mul(d("0.45")))
				}
				if l.Discount.IsZero() {
					s.FullPriceNet = s.FullPriceNet.Add(ln)
				}
				if l.Category != "" && !slices.Contains(s.Categories, l.Category) {
					s.Categories = append(s.Categories, l.Category)
				}
			}
			dd := s.day(DateOf(o.Time))
			dd.Orders++
			dd.Net = dd.Net.Add(net)
		case e.Return != nil:
			r := e.Return
			if r.Time.After(pAsOf) {
				s.Later++
				continue
			}
			s.Returns++
			if r.Kind == Exchange {
				s.Exchanges++
			}
			if r.Refund.Valid {
				// The fee kept: the share of this return less what it paid.
				o := orders[r.OrderID]
				share := decimal.Zero
				for _, rl := range r.Lines {
					l := o.line(rl.LineID)
					k := refunded[r.OrderID][rl.LineID]
					share = share.Add(refRefund(l.Net(), k-rl.Quantity, l.Quantity, 2).Sub(refRefund(l.Net(), k, l.Quantity, 2)))
				}
				fee := share.Sub(r.Refund.Decimal)
				s.Refunded = s.Refunded.Sub(fee)
				dd := s.day(DateOf(o.Time))
				dd.Net = dd.Net.Add(fee)
			}
			for _, rl := range r.Lines {
				s.ReturnedUnits -= rl.Quantity
				if r.Kind == Exchange {
					s.ExchangedUnits -= rl.Quantity
				}
				if r.Kind == Refund {
					if refunded[r.OrderID] == nil {
						refunded[r.OrderID] = map[string]int{}
					}
					refunded[r.OrderID][rl.LineID] -= rl.Quantity
				}
			}
		case e.Credit != nil:
			c := e.Credit
			if c.Time.After(pAsOf) {
				s.Later++
				continue
			}
			s.Currency = c.Amount.Currency()
			s.Credits++
			s.Credited = s.Credited.Add(c.Amount.Amount())
			at := c.Time
			if c.OrderID != "" && c.Kind == PriceReduction {
				at = orders[c.OrderID].Time
			}
			dd := s.day(DateOf(at))
			dd.Net = dd.Net.Sub(c.Amount.Amount())
		case e.Interaction != nil:
			if slices.ContainsFunc(seen, e.Interaction.Equal) {
				continue
			}
			seen = append(seen, *e.Interaction)
			if e.Interaction.Time.After(pAsOf) {
				s.Later++
				continue
			}
			s.Interactions++
			if e.Interaction.Time.After(s.LastInteraction) {
				s.LastInteraction = e.Interaction.Time
			}
		}
	}
	for id, lines := range refunded {
		o := orders[id]
		for lineID, units := range lines {
			l := o.line(lineID)
			share := refRefund(l.Net(), units, l.Quantity, o.Currency.Digits())
			s.Refunded = s.Refunded.Add(share)
			if l.UnitCost.Valid {
				s.Cost = s.Cost.Sub(l.UnitCost.Decimal.Mul(decimal.NewFromInt(int64(units))))
			} else {
				s.Cost = s.Cost.Sub(share.Mul(d("0.45")))
			}
			if l.Discount.IsZero() {
				s.FullPriceNet = s.FullPriceNet.Sub(share)
			}
			dd := s.day(DateOf(o.Time))
			dd.Net = dd.Net.Sub(share)
		}
	}
	slices.Sort(s.Categories)
	return s
}

// TestPropSummarizeMatchesReference: the fast path gives exactly the
// amounts of plain decimal arithmetic.
func TestPropSummarizeMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := histGen().Draw(t, "history")
		assertSameSummary(t, referenceSummary(evs), summarizeT(t, evs))
	})
}

// TestPropAddOrderMatchesSummarize: adding orders, returns and credits one
// by one with the public methods (each return after the refunds of its
// order before it, each credit of an order after its price reductions)
// gives the summary that Summarize gives.
func TestPropAddOrderMatchesSummarize(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := histGen().Draw(t, "history")
		s := NewSummary("C", Consumer, pAsOf, nil)
		orders := map[string]Order{}
		refunded := map[string]map[string]int{}
		reduced := map[string]Money{}
		var added []Interaction
		for _, e := range evs {
			switch {
			case e.Credit != nil && e.Credit.OrderID == "":
				require.NoError(t, s.AddCredit(*e.Credit))
			case e.Credit != nil:
				c := *e.Credit
				require.NoError(t, s.AddCreditFor(c, orders[c.OrderID], reduced[c.OrderID]))
				if c.Kind == PriceReduction && !c.Time.After(pAsOf) {
					var err error
					reduced[c.OrderID], err = reduced[c.OrderID].Add(c.Amount)
					require.NoError(t, err)
				}
			case e.Order != nil:
				require.NoError(t, s.AddOrder(*e.Order))
				orders[e.Order.ID] = *e.Order
			case e.Return != nil:
				r := *e.Return
				require.NoError(t, s.AddReturnAfter(r, orders[r.OrderID], refunded[r.OrderID]))
				if r.Kind == Refund && !r.Time.After(pAsOf) {
					if refunded[r.OrderID] == nil {
						refunded[r.OrderID] = map[string]int{}
					}
					for _, rl := range r.Lines {
						refunded[r.OrderID][rl.LineID] -= rl.Quantity
					}
				}
			case e.Interaction != nil:
				// Adding an interaction once is the caller's job, as
				// for orders: Summarize skips an equal one.
				if !slices.ContainsFunc(added, e.Interaction.Equal) {
					require.NoError(t, s.AddInteraction(*e.Interaction))
					added = append(added, *e.Interaction)
				}
			}
		}
		assertSameSummary(t, summarizeT(t, evs), *s)
	})
}
