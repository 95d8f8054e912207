package customer

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	vNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	d    = decimal.RequireFromString
)

func validOrder() Order {
	return Order{
		ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10), Channel: Online, Currency: "EUR",
		Lines: []Line{
			{ID: "1", SKU: "COAT", Category: "coats", Quantity: 2, UnitPrice: d("100.00"), Discount: d("20")},
			{ID: "2", SKU: "SCARF", Category: "accessories", Quantity: 1, UnitPrice: d("30"), UnitCost: decimal.NewNullDecimal(d("12"))},
		},
	}
}

func refundOf(s string) decimal.NullDecimal { return decimal.NewNullDecimal(d(s)) }

func validReturn() Return {
	return Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -5),
		Kind: Refund, Reason: SizeFit, Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
}

func validConsumer() Customer {
	return Customer{
		ID: "C-1", Kind: Consumer, Name: "Jana Novak",
		Contact:  Contact{Email: "jana.novak@example.com", Phone: "+420 601 123 456", Address: "Praha 1"},
		Birthday: Birthday{Year: 1990, Month: time.February, Day: 28},
		Region:   "Prague", Joined: vNow.AddDate(-2, 0, 0),
		Profile: Profile{TopSize: "M", BottomSize: "W30L32", ShoeSize: "39.5", HeightCM: 168, Fit: Slim},
	}
}

func validIntermediary() Customer {
	return Customer{
		ID: "D-1", Kind: Intermediary, Role: Dealer, Region: "Bavaria", Joined: vNow.AddDate(-5, 0, 0),
		Trade: &Trade{AnnualTurnover: mustMoney("2500000", "EUR"), Outlets: 4, Rating: RatingBBB,
			CooperationStart: vNow.AddDate(-5, 0, 0), MarketSize: mustMoney("90000000", "EUR")},
	}
}

func mustMoney(a, c string) Money {
	m, err := NewMoney(a, c)
	if err != nil {
		panic(err)
	}
	return m
}

// requireFields asserts that err is a *ValidationError naming exactly the
// given field/code pairs.
func requireFields(t *testing.T, err error, want ...FieldError) {
	t.Helper()
	if len(want) == 0 {
		require.NoError(t, err)
		return
	}
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrInvalid)
	got := make([]FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		got[i] = FieldError{Field: f.Field, Code: f.Code}
		assert.NotEmpty(t, f.Message, "field %s has no message", f.Field)
	}
	assert.ElementsMatch(t, want, got, "error: %v", err)
}

func fe(field, code string) FieldError { return FieldError{Field: field, Code: code} }

func TestOrderValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(o *Order)
		want   []FieldError
	}{
		{"valid", func(*Order) {}, nil},
		{"empty order ID", func(o *Order) { o.ID = "" }, []FieldError{fe("id", CodeRequired)}},
		{"empty customer ID", func(o *Order) { o.CustomerID = "" }, []FieldError{fe("customer_id", CodeRequired)}},
		{"zero time", func(o *Order) { o.Time = time.Time{} }, []FieldError{fe("time", CodeRequired)}},
		{"future time", func(o *Order) { o.Time = vNow.Add(time.Second) }, []FieldError{fe("time", CodeFuture)}},
		{"time equal to now is allowed", func(o *Order) { o.Time = vNow }, nil},
		{"unknown channel", func(o *Order) { o.Channel = 9 }, []FieldError{fe("channel", CodeUnknown)}},
		{"zero channel", func(o *Order) { o.Channel = 0 }, []FieldError{fe("channel", CodeUnknown)}},
		{"unknown currency", func(o *Order) { o.Currency = "XXX" }, []FieldError{fe("currency", CodeUnknown)}},
		{"lower-case currency", func(o *Order) { o.Currency = "eur" }, []FieldError{fe("currency", CodeUnknown)}},
		{"no lines", func(o *Order) { o.Lines = nil }, []FieldError{fe("lines", CodeRequired)}},
		{"empty line ID", func(o *Order) { o.Lines[1].ID = "" }, []FieldError{fe("lines[1].id", CodeRequired)}},
		{"duplicate line ID", func(o *Order) { o.Lines[1].ID = "1" }, []FieldError{fe("lines[1].id", CodeDuplicate)}},
		{"zero quantity", func(o *Order) { o.Lines[0].Quantity = 0 }, []FieldError{fe("lines[0].quantity", CodeNotPos)}},
		{"negative quantity", func(o *Order) { o.Lines[0].Quantity = -2 }, []FieldError{fe("lines[0].quantity", CodeNotPos)}},
		{"negative price", func(o *Order) { o.Lines[1].UnitPrice = d("-1") }, []FieldError{fe("lines[1].unit_price", CodeNegative)}},
		{"zero price is allowed (a gift)", func(o *Order) { o.Lines[1].UnitPrice = decimal.Zero }, nil},
		{"price with more decimals than EUR allows", func(o *Order) { o.Lines[1].UnitPrice = d("30.001") }, []FieldError{fe("lines[1].unit_price", CodeFormat)}},
		{"trailing zeros are not extra decimals", func(o *Order) { o.Lines[1].UnitPrice = d("30.0000") }, nil},
		{"decimals in JPY", func(o *Order) { o.Currency = "JPY"; o.Lines[1].UnitPrice = d("30.5") }, []FieldError{fe("lines[1].unit_price", CodeFormat)}},
		{"negative cost", func(o *Order) { o.Lines[1].UnitCost = decimal.NewNullDecimal(d("-3")) }, []FieldError{fe("lines[1].unit_cost", CodeNegative)}},
		{"negative discount", func(o *Order) { o.Lines[0].Discount = d("-5") }, []FieldError{fe("lines[0].discount", CodeNegative)}},
		{"discount above the line", func(o *Order) { o.Lines[0].Discount = d("200.01") }, []FieldError{fe("lines[0].discount", CodeRange)}},
		{"discount with more decimals than EUR allows", func(o *Order) { o.Lines[0].Discount = d("0.005") }, []FieldError{fe("lines[0].discount", CodeFormat)}},
		{"cost may have more decimals", func(o *Order) { o.Lines[1].UnitCost = decimal.NewNullDecimal(d("12.34567")) }, nil},
		{"discount equal to the line", func(o *Order) { o.Lines[0].Discount = d("200") }, nil},
		{"every fault at once", func(o *Order) {
			o.ID, o.CustomerID, o.Time, o.Channel, o.Currency = "", "", time.Time{}, 0, "XYZ"
			o.Lines[0].Quantity = 0
			o.Lines[1].ID = ""
			o.Lines[1].UnitPrice = d("-1")
		}, []FieldError{fe("id", CodeRequired), fe("customer_id", CodeRequired), fe("time", CodeRequired),
			fe("channel", CodeUnknown), fe("currency", CodeUnknown), fe("lines[0].quantity", CodeNotPos),
			fe("lines[1].id", CodeRequired), fe("lines[1].unit_price", CodeNegative)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := validOrder()
			tt.change(&o)
			requireFields(t, o.Validate(vNow), tt.want...)
		})
	}
}

func TestOrderValidateZeroNowSkipsFuture(t *testing.T) {
	o := validOrder()
	o.Time = vNow.AddDate(10, 0, 0)
	assert.NoError(t, o.Validate(time.Time{}))
}

func TestOrderValidateManyLines(t *testing.T) {
	// Above smallOrder lines, duplicates are found through a map.
	o := validOrder()
	o.Lines = nil
	for i := range 40 {
		o.Lines = append(o.Lines, Line{ID: string(rune('A' + i)), Quantity: 1, UnitPrice: d("1")})
	}
	require.NoError(t, o.Validate(vNow))
	o.Lines[39].ID = o.Lines[3].ID
	requireFields(t, o.Validate(vNow), fe("lines[39].id", CodeDuplicate))
}

func TestOrderValidateMessageNamesRecordSorted(t *testing.T) {
	o := validOrder()
	o.Lines[1].Quantity = 0
	o.CustomerID = ""
	err := o.Validate(vNow)
	require.Error(t, err)
	assert.Equal(t, `order "O-1": customer_id: is empty; lines[1].quantity: must be positive, is 0`, err.Error())
}

func TestOrderValidateDoesNotAllocate(t *testing.T) {
	o := validOrder()
	allocs := testing.AllocsPerRun(100, func() {
		if o.Validate(vNow) != nil {
			t.Fatal("valid order rejected")
		}
	})
	assert.Zero(t, allocs)
}

func TestReturnValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Return)
		want   []FieldError
	}{
		{"valid", func(*Return) {}, nil},
		{"empty return ID", func(r *Return) { r.ID = "" }, []FieldError{fe("id", CodeRequired)}},
		{"empty order ID", func(r *Return) { r.OrderID = "" }, []FieldError{fe("order_id", CodeRequired)}},
		{"other order", func(r *Return) { r.OrderID = "O-2" }, []FieldError{fe("order_id", CodeMismatch)}},
		{"empty customer", func(r *Return) { r.CustomerID = "" }, []FieldError{fe("customer_id", CodeRequired)}},
		{"other customer", func(r *Return) { r.CustomerID = "C-2" }, []FieldError{fe("customer_id", CodeMismatch)}},
		{"zero time", func(r *Return) { r.Time = time.Time{} }, []FieldError{fe("time", CodeRequired)}},
		{"future time", func(r *Return) { r.Time = vNow.Add(time.Hour) }, []FieldError{fe("time", CodeFuture)}},
		{"before its order", func(r *Return) { r.Time = vNow.AddDate(0, 0, -11) }, []FieldError{fe("time", CodeOrder)}},
		{"unknown kind", func(r *Return) { r.Kind = 0 }, []FieldError{fe("kind", CodeUnknown)}},
		{"unknown reason", func(r *Return) { r.Reason = 42 }, []FieldError{fe("reason", CodeUnknown)}},
		{"no lines", func(r *Return) { r.Lines = nil }, []FieldError{fe("lines", CodeRequired)}},
		{"positive quantity", func(r *Return) { r.Lines[0].Quantity = 1 }, []FieldError{fe("lines[0].quantity", CodeRange)}},
		{"zero quantity", func(r *Return) { r.Lines[0].Quantity = 0 }, []FieldError{fe("lines[0].quantity", CodeRange)}},
		{"more than sold", func(r *Return) { r.Lines[0].Quantity = -3 }, []FieldError{fe("lines[0].quantity", CodeTooMany)}},
		{"all units sold", func(r *Return) { r.Lines[0].Quantity = -2 }, nil},
		{"line not in the order", func(r *Return) { r.Lines[0].LineID = "9" }, []FieldError{fe("lines[0].line_id", CodeUnknown)}},
		{"empty line ID", func(r *Return) { r.Lines[0].LineID = "" }, []FieldError{fe("lines[0].line_id", CodeRequired)}},
		{"line twice", func(r *Return) { r.Lines = append(r.Lines, ReturnLine{LineID: "1", Quantity: -1}) }, []FieldError{fe("lines[1].line_id", CodeDuplicate)}},
		// The unit's share of line 1 (2 × 100 less 20) is 90.00.
		{"refund below the share", func(r *Return) { r.Refund = refundOf("85.00") }, nil},
		{"refund of the share", func(r *Return) { r.Refund = refundOf("90") }, nil},
		{"nothing refunded", func(r *Return) { r.Refund = refundOf("0") }, nil},
		{"refund above the share", func(r *Return) { r.Refund = refundOf("90.01") }, []FieldError{fe("refund", CodeTooMany)}},
		{"refund on an exchange", func(r *Return) { r.Kind, r.Refund = Exchange, refundOf("0") }, []FieldError{fe("refund", CodeMismatch)}},
		{"negative refund", func(r *Return) { r.Refund = refundOf("-1") }, []FieldError{fe("refund", CodeNegative)}},
		{"refund finer than a cent", func(r *Return) { r.Refund = refundOf("85.005") }, []FieldError{fe("refund", CodeFormat)}},
		{"refund of a line not in the order", func(r *Return) { r.Lines[0].LineID, r.Refund = "9", refundOf("1000") }, []FieldError{fe("lines[0].line_id", CodeUnknown)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReturn()
			tt.change(&r)
			requireFields(t, r.Validate(validOrder(), vNow), tt.want...)
		})
	}
}

// TestReturnValidateAfterCountsEarlierRefunds: a refund or an exchange
// may bring back the units the customer holds, those sold less those
// refunded before; the message names the line, the units sold and those
// refunded before.
func TestReturnValidateAfterCountsEarlierRefunds(t *testing.T) {
	o := validOrder()
	for _, k := range []ReturnKind{Refund, Exchange} {
		r := validReturn()
		r.Kind = k
		require.NoError(t, r.ValidateAfter(o, map[string]int{"1": 1}, vNow))
		requireFields(t, r.ValidateAfter(o, map[string]int{"1": 2}, vNow), fe("lines[0].quantity", CodeTooMany))
		require.NoError(t, r.ValidateAfter(o, map[string]int{"2": 1}, vNow), "refunds of another line do not count")
	}
	tests := []struct {
		kind     ReturnKind
		back     int
		refunded map[string]int
		want     string
	}{
		{Refund, 3, nil, `return "R-1": lines[0].quantity: 3 units to refund, line "1" sold 2`},
		{Exchange, 3, map[string]int{"2": 1}, `return "R-1": lines[0].quantity: 3 units to exchange, line "1" sold 2`},
		{Refund, 2, map[string]int{"1": 1}, `return "R-1": lines[0].quantity: 2 units to refund, line "1" sold 2 and 1 was refunded before, so the customer holds 1`},
		{Exchange, 1, map[string]int{"1": 2}, `return "R-1": lines[0].quantity: 1 unit to exchange, line "1" sold 2 and 2 were refunded before, so the customer holds 0`},
		{0, 3, nil, `return "R-1": kind: unknown return kind 0; lines[0].quantity: 3 units to return, line "1" sold 2`},
		{Refund, 1, map[string]int{"1": 3}, `return "R-1": lines[0].line_id: the units of line "1" refunded before are given as 3, not in [0, 2], the units it sold`},
		{Refund, 1, map[string]int{"1": -1}, `return "R-1": lines[0].line_id: the units of line "1" refunded before are given as -1, not in [0, 2], the units it sold`},
	}
	for _, tt := range tests {
		r := validReturn()
		r.Kind, r.Lines[0].Quantity = tt.kind, -tt.back
		assert.EqualError(t, r.ValidateAfter(o, tt.refunded, vNow), tt.want)
	}
}

func TestInteractionValidate(t *testing.T) {
	ok := Interaction{CustomerID: "C-1", Time: vNow, Kind: Wishlist}
	tests := []struct {
		name   string
		change func(i *Interaction)
		want   []FieldError
	}{
		{"valid", func(*Interaction) {}, nil},
		{"empty customer", func(i *Interaction) { i.CustomerID = "" }, []FieldError{fe("customer_id", CodeRequired)}},
		{"zero time", func(i *Interaction) { i.Time = time.Time{} }, []FieldError{fe("time", CodeRequired)}},
		{"future", func(i *Interaction) { i.Time = vNow.Add(time.Minute) }, []FieldError{fe("time", CodeFuture)}},
		{"unknown kind", func(i *Interaction) { i.Kind = 0 }, []FieldError{fe("kind", CodeUnknown)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := ok
			tt.change(&i)
			requireFields(t, i.Validate(vNow), tt.want...)
		})
	}
}

func TestCustomerValidate(t *testing.T) {
	tests := []struct {
		name   string
		base   func() Customer
		change func(c *Customer)
		want   []FieldError
	}{
		{"valid consumer", validConsumer, func(*Customer) {}, nil},
		{"valid intermediary", validIntermediary, func(*Customer) {}, nil},
		{"unknown birthday and sizes are fine", validConsumer, func(c *Customer) { c.Birthday = Birthday{}; c.Profile = Profile{} }, nil},
		{"empty ID", validConsumer, func(c *Customer) { c.ID = "" }, []FieldError{fe("id", CodeRequired)}},
		{"invalid kind", validConsumer, func(c *Customer) { c.Kind = 0 }, []FieldError{fe("kind", CodeUnknown)}},
		{"role on a consumer", validConsumer, func(c *Customer) { c.Role = Agent }, []FieldError{fe("role", CodeMismatch)}},
		{"trade on a consumer", validConsumer, func(c *Customer) { c.Trade = validIntermediary().Trade }, []FieldError{fe("trade", CodeMismatch)}},
		{"intermediary without role", validIntermediary, func(c *Customer) { c.Role = 0 }, []FieldError{fe("role", CodeRequired)}},
		{"intermediary with unknown role", validIntermediary, func(c *Customer) { c.Role = 7 }, []FieldError{fe("role", CodeRequired)}},
		{"intermediary without trade", validIntermediary, func(c *Customer) { c.Trade = nil }, []FieldError{fe("trade", CodeRequired)}},
		{"negative turnover", validIntermediary, func(c *Customer) { c.Trade.AnnualTurnover = mustMoney("-1", "EUR") }, []FieldError{fe("trade.annual_turnover", CodeNegative)}},
		{"turnover in unknown currency", validIntermediary, func(c *Customer) { c.Trade.AnnualTurnover = Money{amount: d("5"), currency: "ABC"} }, []FieldError{fe("trade.annual_turnover", CodeUnknown)}},
		{"unknown turnover is allowed", validIntermediary, func(c *Customer) { c.Trade.AnnualTurnover = Money{} }, nil},
		{"negative market size", validIntermediary, func(c *Customer) { c.Trade.MarketSize = mustMoney("-10", "EUR") }, []FieldError{fe("trade.market_size", CodeNegative)}},
		{"negative outlets", validIntermediary, func(c *Customer) { c.Trade.Outlets = -1 }, []FieldError{fe("trade.outlets", CodeNegative)}},
		{"zero outlets allowed (an agent)", validIntermediary, func(c *Customer) { c.Trade.Outlets = 0 }, nil},
		{"unknown rating is allowed", validIntermediary, func(c *Customer) { c.Trade.Rating = 0 }, nil},
		{"rating beyond AAA", validIntermediary, func(c *Customer) { c.Trade.Rating = RatingAAA + 1 }, []FieldError{fe("trade.rating", CodeUnknown)}},
		{"unknown cooperation start is allowed", validIntermediary, func(c *Customer) { c.Trade.CooperationStart = time.Time{} }, nil},
		{"future cooperation start", validIntermediary, func(c *Customer) { c.Trade.CooperationStart = vNow.AddDate(0, 1, 0) }, []FieldError{fe("trade.cooperation_start", CodeFuture)}},
		{"31 February", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 1990, Month: 2, Day: 31} }, []FieldError{fe("birthday", CodeRange)}},
		{"29 February in a common year", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 1991, Month: 2, Day: 29} }, []FieldError{fe("birthday", CodeRange)}},
		{"29 February in a leap year", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 1992, Month: 2, Day: 29} }, nil},
		{"29 February, year unknown", validConsumer, func(c *Customer) { c.Birthday = Birthday{Month: 2, Day: 29} }, nil},
		{"month 13", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 1990, Month: 13, Day: 1} }, []FieldError{fe("birthday", CodeRange)}},
		{"day 0", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 1990, Month: 3, Day: 0} }, []FieldError{fe("birthday", CodeRange)}},
		{"year only", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 1990} }, []FieldError{fe("birthday", CodeRange)}},
		{"year in the future", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 2027, Month: 1, Day: 1} }, []FieldError{fe("birthday", CodeFuture)}},
		{"later this year", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 2026, Month: 12, Day: 1} }, []FieldError{fe("birthday", CodeFuture)}},
		{"year before 1900", validConsumer, func(c *Customer) { c.Birthday = Birthday{Year: 1899, Month: 12, Day: 31} }, []FieldError{fe("birthday", CodeRange)}},
		{"height 0 is unknown", validConsumer, func(c *Customer) { c.Profile.HeightCM = 0 }, nil},
		{"height 39", validConsumer, func(c *Customer) { c.Profile.HeightCM = 39 }, []FieldError{fe("profile.height_cm", CodeRange)}},
		{"height 1", validConsumer, func(c *Customer) { c.Profile.HeightCM = 1 }, []FieldError{fe("profile.height_cm", CodeRange)}},
		{"height 400", validConsumer, func(c *Customer) { c.Profile.HeightCM = 400 }, []FieldError{fe("profile.height_cm", CodeRange)}},
		{"height negative", validConsumer, func(c *Customer) { c.Profile.HeightCM = -170 }, []FieldError{fe("profile.height_cm", CodeRange)}},
		{"height 250", validConsumer, func(c *Customer) { c.Profile.HeightCM = 250 }, nil},
		{"top size not in the system", validConsumer, func(c *Customer) { c.Profile.TopSize = "MM" }, []FieldError{fe("profile.top_size", CodeFormat)}},
		{"bottom size not in the system", validConsumer, func(c *Customer) { c.Profile.BottomSize = "W60L34" }, []FieldError{fe("profile.bottom_size", CodeFormat)}},
		{"shoe size not in the system", validConsumer, func(c *Customer) { c.Profile.ShoeSize = "42.3" }, []FieldError{fe("profile.shoe_size", CodeFormat)}},
		{"unknown fit", validConsumer, func(c *Customer) { c.Profile.Fit = 9 }, []FieldError{fe("profile.fit", CodeUnknown)}},
		{"bad e-mail", validConsumer, func(c *Customer) { c.Contact.Email = "jana at example.com" }, []FieldError{fe("contact.email", CodeFormat)}},
		{"bad phone", validConsumer, func(c *Customer) { c.Contact.Phone = "call me" }, []FieldError{fe("contact.phone", CodeFormat)}},
		{"zero joined", validConsumer, func(c *Customer) { c.Joined = time.Time{} }, []FieldError{fe("joined", CodeRequired)}},
		{"future joined", validConsumer, func(c *Customer) { c.Joined = vNow.AddDate(0, 0, 1) }, []FieldError{fe("joined", CodeFuture)}},
		{"every fault at once", validIntermediary, func(c *Customer) {
			c.ID, c.Role = "", 0
			c.Trade.Outlets, c.Trade.Rating = -1, RatingAAA+1
			c.Birthday = Birthday{Year: 1990, Month: 2, Day: 31}
			c.Profile.HeightCM = 400
			c.Contact.Email = "@"
			c.Joined = time.Time{}
		}, []FieldError{fe("id", CodeRequired), fe("role", CodeRequired), fe("trade.outlets", CodeNegative),
			fe("trade.rating", CodeUnknown), fe("birthday", CodeRange), fe("profile.height_cm", CodeRange),
			fe("contact.email", CodeFormat), fe("joined", CodeRequired)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.base()
			tt.change(&c)
			requireFields(t, c.Validate(vNow), tt.want...)
		})
	}
}

func TestSizeSystems(t *testing.T) {
	for _, s := range []string{"XXS", "XS", "S", "M", "L", "XL", "XXL", "2XL", "3XL", "XXXL", "4XL", "5XL", "m", "xl", "32", "38", "54", "64", "50", "56", "176", "98"} {
		assert.True(t, ValidTopSize(s), "top %q", s)
		assert.True(t, ValidBottomSize(s), "bottom %q", s)
	}
	for _, s := range []string{"", "6XL", "XXXXXL", "MM", "33", "30", "66", "178", "44.5", "-38", "038x", " M", "1000"} {
		assert.False(t, ValidTopSize(s), "top %q", s)
	}
	for _, s := range []string{"32/34", "W32L34", "W32 L34", "w30l32", "W28", "22/26", "50/38"} {
		assert.True(t, ValidBottomSize(s), "bottom %q", s)
	}
	for _, s := range []string{"32/", "/34", "W", "W32L", "W21L30", "W51L30", "32/25", "32/39", "W32L34X", "32-34", "L34"} {
		assert.False(t, ValidBottomSize(s), "bottom %q", s)
	}
	for _, s := range []string{"16", "16.5", "36", "42", "42.5", "42,5", "51.5", "52"} {
		assert.True(t, ValidShoeSize(s), "shoe %q", s)
	}
	for _, s := range []string{"", "15", "15.5", "52.5", "53", "42.3", "42.", ".5", "42.50", "9", "XL", "42 EU"} {
		assert.False(t, ValidShoeSize(s), "shoe %q", s)
	}
}

func TestEmailAndPhoneShapes(t *testing.T) {
	for _, s := range []string{"a@b.co", "jana.novak+shop@example.com", "x_y@mail.example.org", "1@x-y.de"} {
		assert.True(t, ValidEmail(s), "email %q", s)
	}
	for _, s := range []string{"", "a", "a@", "@b.co", "a@b", "a@b.c", "a@@b.co", "a b@c.de", ".a@b.co", "a.@b.co", "a..b@c.de",
		"a@-b.co", "a@b-.co", "a@b..co", "a@b.c0m", "a@b.12", "a@b_c.com", "a<b@c.de", string(make([]byte, 300))} {
		assert.False(t, ValidEmail(s), "email %q", s)
	}
	for _, s := range []string{"+420 601 123 456", "030-1234567", "(030) 123 4567", "601.123.456", "123456", "+123456789012345"} {
		assert.True(t, ValidPhone(s), "phone %q", s)
	}
	for _, s := range []string{"", "12345", "+1234567890123456", "call me", "0301234567x", "++49301234", " 0301234567", "-0301234567", "030+1234567"} {
		assert.False(t, ValidPhone(s), "phone %q", s)
	}
}

func TestValidationErrorHas(t *testing.T) {
	err := validOrder()
	err.ID = ""
	var ve *ValidationError
	require.True(t, errors.As(err.Validate(vNow), &ve))
	assert.True(t, ve.Has("id", ""))
	assert.True(t, ve.Has("id", CodeRequired))
	assert.False(t, ve.Has("id", CodeFormat))
	assert.False(t, ve.Has("time", ""))
}
