package customer

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// fault is one bad input a customer record must be rejected for:
// apply breaks a valid record, field and code are what the error must
// name.
type fault[T any] struct {
	field, code string
	apply       func(*T)
}

// pickFaults draws a non-empty subset of the candidate faults.
func pickFaults[T any](t *rapid.T, cands []fault[T]) []fault[T] {
	var out []fault[T]
	for i, f := range cands {
		if rapid.Bool().Draw(t, fmt.Sprintf("fault %d %s/%s", i, f.field, f.code)) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = append(out, cands[rapid.IntRange(0, len(cands)-1).Draw(t, "the one fault")])
	}
	return out
}

// oneOf draws one fault of a group whose faults exclude each other (they
// touch the same field).
func oneOf[T any](t *rapid.T, name string, group ...fault[T]) fault[T] {
	return group[rapid.IntRange(0, len(group)-1).Draw(t, name)]
}

func assertNamesAll[T any](t *rapid.T, err error, faults []fault[T]) {
	require.Error(t, err, "a record with %d faults was accepted", len(faults))
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range faults {
		assert.True(t, ve.Has(f.field, f.code), "fault %s/%s not named in %v", f.field, f.code, err)
	}
}

// drawNoID draws an ID that names nothing: empty, or only white space.
func drawNoID(t *rapid.T, label string) string {
	return rapid.SampledFrom([]string{"", " ", "  ", "\t", "\n", "\u00a0", "\u3000", " \t "}).Draw(t, label)
}

// drawEarly draws an instant before 1900 that is not the zero
// time, in UTC or in a zone ahead of it.
func drawEarly(t *rapid.T) time.Time {
	sec := rapid.Int64Range(1, time.Date(MinRecordYear, 1, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)).Milliseconds()/1000).Draw(t, "seconds before")
	at := time.Date(MinRecordYear, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(sec) * time.Second)
	if rapid.Bool().Draw(t, "year one") {
		at = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
	}
	return at.In(time.FixedZone("east", rapid.IntRange(0, 14).Draw(t, "hours east")*3600))
}

// TestPropMalformedOrderRejected: an order with any set of injected faults
// is rejected, and the one error names every fault's field and code.
func TestPropMalformedOrderRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cands := []fault[Order]{
			{"id", CodeRequired, func(o *Order) { o.ID = drawNoID(t, "order id") }},
			{"customer_id", CodeRequired, func(o *Order) { o.CustomerID = ID(drawNoID(t, "customer id")) }},
			oneOf(t, "time",
				fault[Order]{"time", CodeRequired, func(o *Order) { o.Time = time.Time{} }},
				fault[Order]{"time", CodeRange, func(o *Order) { o.Time = drawEarly(t) }},
				fault[Order]{"time", CodeFuture, func(o *Order) { o.Time = vNow.Add(time.Minute) }}),
			{"channel", CodeUnknown, func(o *Order) { o.Channel = Channel(rapid.SampledFrom([]uint8{0, 5, 255}).Draw(t, "channel")) }},
			{"currency", CodeUnknown, func(o *Order) {
				o.Currency = Currency(rapid.SampledFrom([]string{"", "eur", "XXX", "EURO"}).Draw(t, "cur"))
			}},
		}
		lineFaults := []fault[Line]{
			{"id", CodeRequired, func(l *Line) { l.ID = drawNoID(t, "line id") }},
			{"id", CodeDuplicate, func(l *Line) { l.ID = "L0" }},
			{"quantity", CodeNotPos, func(l *Line) { l.Quantity = -rapid.IntRange(0, 5).Draw(t, "qty") }},
			{"unit_price", CodeNegative, func(l *Line) { l.UnitPrice = d("-0.01") }},
			{"unit_price", CodeFormat, func(l *Line) { l.UnitPrice = d("19.999") }},
			{"unit_cost", CodeNegative, func(l *Line) { l.UnitCost = decimal.NewNullDecimal(d("-4")) }},
			{"discount", CodeNegative, func(l *Line) { l.Discount = d("-1") }},
			{"discount", CodeFormat, func(l *Line) { l.Discount = d("0.015") }},
			{"discount", CodeRange, func(l *Line) { l.Discount = l.Gross().Add(d("0.01")) }},
			{"member", CodeRequired, func(l *Line) { l.Member = rapid.SampledFrom([]string{" ", "\t", "\u00a0"}).Draw(t, "member") }},
		}
		faults := pickFaults(t, cands)
		o := Order{ID: "O-1", CustomerID: "C-1", Time: vNow.Add(-time.Hour), Channel: Store, Currency: "EUR",
			Lines: []Line{{ID: "L0", Quantity: 1, UnitPrice: d("10")}}}
		if rapid.IntRange(0, 4).Draw(t, "no lines") == 0 {
			faults = append(faults, fault[Order]{"lines", CodeRequired, func(o *Order) { o.Lines = nil }})
		} else {
			for i, lf := range rapid.SliceOfN(rapid.SampledFrom(lineFaults), 0, 4).Draw(t, "line faults") {
				l := Line{ID: fmt.Sprintf("L%d", i+1), Quantity: rapid.IntRange(1, 3).Draw(t, "q"), UnitPrice: d("25.50")}
				lf.apply(&l)
				o.Lines = append(o.Lines, l)
				faults = append(faults, fault[Order]{lineField(i+1, lf.field), lf.code, func(*Order) {}})
			}
		}
		require.NoError(t, (Order{ID: "x", CustomerID: "x", Time: o.Time, Channel: Store, Currency: "EUR", Lines: o.Lines[:1]}).Validate(vNow))
		for _, f := range faults {
			f.apply(&o)
		}
		assertNamesAll(t, o.Validate(vNow), faults)
		// A rejected order changes no summary.
		s := NewSummary("C-1", Consumer, vNow, nil)
		if o.Time.After(vNow) {
			return // left out as later, by design
		}
		require.Error(t, s.AddOrder(o))
		assert.Zero(t, s.Orders)
		assert.Empty(t, s.Days)
	})
}

// TestPropMalformedReturnRejected: the same for returns.
func TestPropMalformedReturnRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		o := Order{ID: "O-1", CustomerID: "C-1", Time: vNow.Add(-48 * time.Hour), Channel: Online, Currency: "EUR"}
		for i := range 6 {
			o.Lines = append(o.Lines, Line{ID: fmt.Sprintf("L%d", i), Quantity: 3, UnitPrice: d("10")})
		}
		cands := []fault[Return]{
			{"id", CodeRequired, func(r *Return) { r.ID = drawNoID(t, "return id") }},
			oneOf(t, "order_id",
				fault[Return]{"order_id", CodeRequired, func(r *Return) { r.OrderID = drawNoID(t, "order id") }},
				fault[Return]{"order_id", CodeMismatch, func(r *Return) { r.OrderID = "O-2" }}),
			oneOf(t, "customer_id",
				fault[Return]{"customer_id", CodeRequired, func(r *Return) { r.CustomerID = ID(drawNoID(t, "customer id")) }},
				fault[Return]{"customer_id", CodeMismatch, func(r *Return) { r.CustomerID = "C-2" }}),
			oneOf(t, "time",
				fault[Return]{"time", CodeRequired, func(r *Return) { r.Time = time.Time{} }},
				fault[Return]{"time", CodeRange, func(r *Return) { r.Time = drawEarly(t) }},
				fault[Return]{"time", CodeFuture, func(r *Return) { r.Time = vNow.Add(time.Hour) }},
				fault[Return]{"time", CodeOrder, func(r *Return) { r.Time = o.Time.Add(-time.Second) }}),
			{"kind", CodeUnknown, func(r *Return) { r.Kind = 0 }},
			{"reason", CodeUnknown, func(r *Return) { r.Reason = 7 }},
			oneOf(t, "refund",
				fault[Return]{"refund", CodeNegative, func(r *Return) { r.Refund = decimal.NewNullDecimal(d("-0.01")) }},
				fault[Return]{"refund", CodeFormat, func(r *Return) { r.Refund = decimal.NewNullDecimal(d("0.005")) }}),
		}
		lineFaults := []fault[ReturnLine]{
			{"quantity", CodeRange, func(l *ReturnLine) { l.Quantity = rapid.IntRange(0, 3).Draw(t, "qty") }},
			{"quantity", CodeTooMany, func(l *ReturnLine) { l.Quantity = -4 }},
			{"line_id", CodeUnknown, func(l *ReturnLine) { l.LineID = "X-" + l.LineID }},
			{"line_id", CodeRequired, func(l *ReturnLine) { l.LineID = drawNoID(t, "line id") }},
			{"line_id", CodeDuplicate, func(l *ReturnLine) { l.LineID = "L0" }},
		}
		faults := pickFaults(t, cands)
		r := Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: vNow.Add(-time.Hour), Kind: Refund, Reason: SizeFit,
			Lines: []ReturnLine{{LineID: "L0", Quantity: -1}}}
		if rapid.IntRange(0, 4).Draw(t, "no lines") == 0 {
			faults = append(faults, fault[Return]{"lines", CodeRequired, func(r *Return) { r.Lines = nil }})
		} else {
			for i, lf := range rapid.SliceOfN(rapid.SampledFrom(lineFaults), 0, 5).Draw(t, "line faults") {
				l := ReturnLine{LineID: fmt.Sprintf("L%d", i+1), Quantity: -1}
				lf.apply(&l)
				r.Lines = append(r.Lines, l)
				faults = append(faults, fault[Return]{lineField(i+1, lf.field), lf.code, func(*Return) {}})
			}
		}
		for _, f := range faults {
			f.apply(&r)
		}
		assertNamesAll(t, r.Validate(o, vNow), faults)
	})
}

// TestPropMalformedCustomerRejected: the same for customers.
func TestPropMalformedCustomerRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		intermediary := rapid.Bool().Draw(t, "intermediary")
		c := validConsumer()
		if intermediary {
			c = validIntermediary()
		}
		household := []Member{{ID: "dad", Relation: Parent, Profile: Profile{TopSize: "XL", HeightCM: 176}},
			{ID: "kid", Relation: Child, Birthday: Birthday{Year: 2016, Month: 3, Day: 1}},
			{ID: "mum", Relation: Partner, Profile: Profile{TopSize: "S"}}}
		if !intermediary {
			c.Household = household // an intermediary has none
		}
		c.Consent = Consent{Profiling: true}
		c.ConsentHistory = []ConsentChange{
			{Purpose: PurposeMarketing, Given: true, Time: vNow.AddDate(0, -3, 0), Source: SourceForm, Notice: "v1"},
			{Purpose: PurposeProfiling, Given: true, Time: vNow.AddDate(0, -2, 0), Source: SourceWebShop, Notice: "v2"},
			{Purpose: PurposeMarketing, Time: vNow.AddDate(0, -1, 0), Source: SourceEmail}}
		require.NoError(t, c.Validate(vNow))
		cands := []fault[Customer]{
			{"id", CodeRequired, func(c *Customer) { c.ID = ID(drawNoID(t, "customer id")) }},
			oneOf(t, "birthday",
				fault[Customer]{"birthday", CodeRange, func(c *Customer) { c.Birthday = Birthday{Year: 1990, Month: 2, Day: 31} }},
				fault[Customer]{"birthday", CodeRange, func(c *Customer) { c.Birthday = Birthday{Year: 1990, Month: 13, Day: 1} }},
				fault[Customer]{"birthday", CodeRange, func(c *Customer) { c.Birthday = Birthday{Year: 1850, Month: 1, Day: 1} }},
				fault[Customer]{"birthday", CodeFuture, func(c *Customer) { c.Birthday = Birthday{Year: 2030, Month: 1, Day: 1} }}),
			{"profile.height_cm", CodeRange, func(c *Customer) {
				c.Profile.HeightCM = rapid.OneOf(rapid.IntRange(-300, -1), rapid.IntRange(1, 39), rapid.IntRange(251, 1000)).Draw(t, "height")
			}},
			{"profile.top_size", CodeFormat, func(c *Customer) {
				c.Profile.TopSize = rapid.SampledFrom([]string{"XXXXXL", "33", "M/L", "medium", "ſ", "xſ"}).Draw(t, "top")
			}},
			{"profile.bottom_size", CodeFormat, func(c *Customer) {
				c.Profile.BottomSize = rapid.SampledFrom([]string{"W70L30", "32/", "6XL"}).Draw(t, "bottom")
			}},
			{"profile.shoe_size", CodeFormat, func(c *Customer) {
				c.Profile.ShoeSize = rapid.SampledFrom([]string{"60", "42.7", "15"}).Draw(t, "shoe")
			}},
			{"profile.fit", CodeUnknown, func(c *Customer) { c.Profile.Fit = 4 }},
			{"profile.colours[1]", CodeRequired, func(c *Customer) {
				c.Profile.Colours = []string{"navy", rapid.SampledFrom([]string{"", " ", "\t", "\u00a0"}).Draw(t, "colour")}
			}},
			{"profile.styles[0]", CodeRequired, func(c *Customer) { c.Profile.Styles = []string{""} }},
			{"profile.categories[0]", CodeRequired, func(c *Customer) { c.Profile.Categories = []string{"  ", "coats"} }},
			{"contact.email", CodeFormat, func(c *Customer) {
				c.Contact.Email = Email(rapid.SampledFrom([]string{"a@", "no-at", "a b@c.de", "x@y"}).Draw(t, "email"))
			}},
			{"contact.phone", CodeFormat, func(c *Customer) {
				c.Contact.Phone = Phone(rapid.SampledFrom([]string{"12", "phone", "+49 30 abc"}).Draw(t, "phone"))
			}},
			oneOf(t, "consent purpose",
				fault[Customer]{"consent_history[0].purpose", CodeRequired, func(c *Customer) { c.ConsentHistory[0].Purpose = 0 }},
				fault[Customer]{"consent_history[0].purpose", CodeUnknown, func(c *Customer) { c.ConsentHistory[0].Purpose = 3 }}),
			{"consent_history[0].notice", CodeRequired, func(c *Customer) { c.ConsentHistory[0].Notice = drawNoID(t, "notice") }},
			{"consent_history[1].source", CodeUnknown, func(c *Customer) { c.ConsentHistory[1].Source = 42 }},
			{"consent_history[1].time", CodeOrder, func(c *Customer) { c.ConsentHistory[1].Time = vNow.AddDate(0, -4, 0) }},
			{"consent_history[2].time", CodeFuture, func(c *Customer) { c.ConsentHistory[2].Time = vNow.Add(time.Nanosecond) }},
			{"consent.profiling", CodeMismatch, func(c *Customer) { c.Consent.Profiling = false }},
			oneOf(t, "joined",
				fault[Customer]{"joined", CodeRequired, func(c *Customer) { c.Joined = time.Time{} }},
				fault[Customer]{"joined", CodeRange, func(c *Customer) { c.Joined = drawEarly(t) }},
				fault[Customer]{"joined", CodeFuture, func(c *Customer) { c.Joined = vNow.Add(time.Hour) }}),
		}
		if intermediary {
			cands = append(cands,
				fault[Customer]{"role", CodeRequired, func(c *Customer) { c.Role = 0 }},
				fault[Customer]{"trade.annual_turnover", CodeNegative, func(c *Customer) { c.Trade.AnnualTurnover = mustMoney("-1", "EUR") }},
				fault[Customer]{"trade.market_size", CodeUnknown, func(c *Customer) { c.Trade.MarketSize = Money{amount: d("1"), currency: "ZZZ"} }},
				fault[Customer]{"trade.outlets", CodeNegative, func(c *Customer) { c.Trade.Outlets = -3 }},
				fault[Customer]{"trade.rating", CodeUnknown, func(c *Customer) { c.Trade.Rating = RatingAAA + 1 }},
				fault[Customer]{"household", CodeMismatch, func(c *Customer) { c.Household = household }},
				oneOf(t, "cooperation start",
					fault[Customer]{"trade.cooperation_start", CodeRange, func(c *Customer) { c.Trade.CooperationStart = drawEarly(t) }},
					fault[Customer]{"trade.cooperation_start", CodeFuture, func(c *Customer) { c.Trade.CooperationStart = vNow.AddDate(1, 0, 0) }}),
			)
		} else {
			cands = append(cands,
				oneOf(t, "consumer kind",
					fault[Customer]{"role", CodeMismatch, func(c *Customer) { c.Role = Agent }},
					fault[Customer]{"kind", CodeUnknown, func(c *Customer) { c.Kind = 0 }}),
				fault[Customer]{"household[0].id", CodeRequired, func(c *Customer) { c.Household[0].ID = drawNoID(t, "member id") }},
				fault[Customer]{"household[2].id", CodeDuplicate, func(c *Customer) { c.Household[2].ID = "kid" }},
				oneOf(t, "relation",
					fault[Customer]{"household[1].relation", CodeRequired, func(c *Customer) { c.Household[1].Relation = 0 }},
					fault[Customer]{"household[1].relation", CodeUnknown, func(c *Customer) { c.Household[1].Relation = 6 }}),
				fault[Customer]{"household[1].birthday", CodeRange, func(c *Customer) { c.Household[1].Birthday = Birthday{Year: 2015, Month: 2, Day: 31} }},
				fault[Customer]{"household[0].profile.height_cm", CodeRange, func(c *Customer) { c.Household[0].Profile.HeightCM = 400 }},
				fault[Customer]{"household[2].profile.top_size", CodeFormat, func(c *Customer) { c.Household[2].Profile.TopSize = "XM" }},
			)
		}
		faults := pickFaults(t, cands)
		for _, f := range faults {
			f.apply(&c)
		}
		assertNamesAll(t, c.Validate(vNow), faults)
	})
}

// TestPropMalformedInteractionRejected: the same for interactions.
func TestPropMalformedInteractionRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		faults := pickFaults(t, []fault[Interaction]{
			{"customer_id", CodeRequired, func(i *Interaction) { i.CustomerID = ID(drawNoID(t, "customer id")) }},
			oneOf(t, "time",
				fault[Interaction]{"time", CodeRequired, func(i *Interaction) { i.Time = time.Time{} }},
				fault[Interaction]{"time", CodeRange, func(i *Interaction) { i.Time = drawEarly(t) }},
				fault[Interaction]{"time", CodeFuture, func(i *Interaction) { i.Time = vNow.Add(time.Nanosecond) }}),
			{"kind", CodeUnknown, func(i *Interaction) { i.Kind = InteractionKind(rapid.SampledFrom([]uint8{0, 7, 200}).Draw(t, "kind")) }},
		})
		i := Interaction{CustomerID: "C-1", Time: vNow, Kind: EventAttended}
		for _, f := range faults {
			f.apply(&i)
		}
		assertNamesAll(t, i.Validate(vNow), faults)
	})
}

// TestPropMalformedCreditRejected: a credit of an order with any set of
// injected faults is rejected by ValidateFor, and the one error names
// every fault's field and code.
func TestPropMalformedCreditRejected(t *testing.T) {
	o := validOrder() // net 210.00 EUR
	rapid.Check(t, func(t *rapid.T) {
		faults := pickFaults(t, []fault[Credit]{
			{"id", CodeRequired, func(c *Credit) { c.ID = drawNoID(t, "credit id") }},
			oneOf(t, "customer_id",
				fault[Credit]{"customer_id", CodeRequired, func(c *Credit) { c.CustomerID = ID(drawNoID(t, "customer id")) }},
				fault[Credit]{"customer_id", CodeMismatch, func(c *Credit) { c.CustomerID = "C-2" }}),
			oneOf(t, "order_id",
				fault[Credit]{"order_id", CodeRequired, func(c *Credit) { c.OrderID = drawNoID(t, "order id") }},
				fault[Credit]{"order_id", CodeMismatch, func(c *Credit) { c.OrderID = "O-2" }}),
			oneOf(t, "time",
				fault[Credit]{"time", CodeRequired, func(c *Credit) { c.Time = time.Time{} }},
				fault[Credit]{"time", CodeRange, func(c *Credit) { c.Time = drawEarly(t) }},
				fault[Credit]{"time", CodeFuture, func(c *Credit) { c.Time = vNow.Add(time.Nanosecond) }},
				fault[Credit]{"time", CodeOrder, func(c *Credit) { c.Time = o.Time.Add(-time.Second) }}),
			oneOf(t, "amount",
				fault[Credit]{"amount", CodeNotPos, func(c *Credit) { c.Amount = eur(rapid.SampledFrom([]string{"0", "-0.01", "-100"}).Draw(t, "amount")) }},
				fault[Credit]{"amount", CodeFormat, func(c *Credit) { c.Amount = eur("10.005") }},
				fault[Credit]{"amount", CodeTooMany, func(c *Credit) { c.Amount = eur("210.01") }},
				fault[Credit]{"amount", CodeUnknown, func(c *Credit) { c.Amount = Money{} }}),
		})
		c := validCredit()
		for _, f := range faults {
			f.apply(&c)
		}
		assertNamesAll(t, c.ValidateFor(o, Money{}, vNow), faults)
	})
}
