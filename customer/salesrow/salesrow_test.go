package salesrow_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"pgregory.net/rapid"
)

func TestNewLayout(t *testing.T) {
	l, err := salesrow.NewLayout([]string{"\ufeffAmount", " Customer_ID ", "date", "order_id", "quantity", "cost", "currency", "kind", "category", "sku", ""})
	require.NoError(t, err)
	assert.Equal(t, &salesrow.Layout{Fields: 11, CustomerID: 1, Date: 2, Amount: 0, OrderID: 3, Quantity: 4, Cost: 5, Currency: 6, Kind: 7, Category: 8, Discount: -1,
		Header: []string{"amount", "customer_id", "date", "order_id", "quantity", "cost", "currency", "kind", "category", "sku", ""}}, l)
	assert.Equal(t, 9, l.Used())

	l, err = salesrow.NewLayout([]string{"customer_id", "date", "amount"})
	require.NoError(t, err)
	assert.Equal(t, &salesrow.Layout{Fields: 3, CustomerID: 0, Date: 1, Amount: 2, OrderID: -1, Quantity: -1, Cost: -1, Currency: -1, Kind: -1, Category: -1, Discount: -1,
		Header: []string{"customer_id", "date", "amount"}}, l)
	assert.Equal(t, 3, l.Used())

	for _, tc := range []struct {
		header []string
		err    string
	}{
		{[]string{"customer_id", "when"}, `missing required column "amount", "date" (header has 2 columns; need customer_id, date, amount)`},
		{nil, `missing required column "amount", "customer_id", "date" (header has 0 columns; need customer_id, date, amount)`},
		{[]string{"customer_id;date;amount"}, `missing required column "amount", "customer_id", "date" (header has 1 column; need customer_id, date, amount; the header looks separated by ";": the file must be comma-separated)`},
		{[]string{"customer_id\tdate\tamount"}, `missing required column "amount", "customer_id", "date" (header has 1 column; need customer_id, date, amount; the header looks separated by "\t": the file must be comma-separated)`},
		{[]string{"customer"}, `missing required column "amount", "customer_id", "date" (header has 1 column; need customer_id, date, amount)`},
		{[]string{"Customer ID", "Date", "Amount"}, `missing required column "customer_id" (header has 3 columns; need customer_id, date, amount; field 1, "Customer ID", would be customer_id: rename the column)`},
		{[]string{"date", "CustomerID", "amount"}, `missing required column "customer_id" (header has 3 columns; need customer_id, date, amount; field 2, "CustomerID", would be customer_id: rename the column)`},
		{[]string{"customer-id", "date", "amount"}, `missing required column "customer_id" (header has 3 columns; need customer_id, date, amount; field 1, "customer-id", would be customer_id: rename the column)`},
		{[]string{"customer_id", "date", "amount", "Date"}, `column "date" appears twice in the header (fields 2 and 4)`},
		{[]string{"Amount", "customer_id", "date", " amount "}, `column "amount" appears twice in the header (fields 1 and 4)`},
		{[]string{"\ufeffcategory", "customer_id", "date", "amount", "CATEGORY"}, `column "category" appears twice in the header (fields 1 and 5)`},
		{[]string{"x", "\ufeffcustomer_id", "date", "amount"}, `missing required column "customer_id"`},
	} {
		_, err := salesrow.NewLayout(tc.header)
		require.Error(t, err, "%q", tc.header)
		assert.Contains(t, err.Error(), tc.err)
	}
}

// An unknown column named twice, in any case, is ignored as unknown
// columns are: exports that join tables often repeat a name such as
// "name" or "description".
func TestNewLayoutIgnoresRepeatedUnknownColumns(t *testing.T) {
	l, err := salesrow.NewLayout([]string{"name", "customer_id", "Name", "date", "amount", "note", " NOTE ", "sku", "sku"})
	require.NoError(t, err)
	assert.Equal(t, &salesrow.Layout{Fields: 9, CustomerID: 1, Date: 3, Amount: 4, OrderID: -1, Quantity: -1, Cost: -1, Currency: -1, Kind: -1, Category: -1, Discount: -1,
		Header: []string{"name", "customer_id", "name", "date", "amount", "note", "note", "sku", "sku"}}, l)
}

var layout9 = &salesrow.Layout{Fields: 9, CustomerID: 0, Date: 1, Amount: 2, OrderID: 3, Quantity: 4, Cost: 5, Currency: 6, Kind: 7, Category: 8, Discount: -1}

func TestParse(t *testing.T) {
	day := customer.DateFromYMD(2024, 3, 5)
	var r salesrow.Row
	require.Nil(t, layout9.Parse(strings.Split(" c1 ,2024-03-05, 19.90 ,o-1,2,8.10,EUR,Wholesaler, coats ", ","), &r))
	assert.Equal(t, salesrow.Row{CustomerID: "c1", Date: day, OrderID: "o-1", Amount: decimal.RequireFromString("19.90"), Units: 2,
		Cost: decimal.NewNullDecimal(decimal.RequireFromString("8.10")), Currency: "EUR", Kind: customer.Intermediary, Category: "coats"}, r)

	// Absent optional fields, a timestamp, and a row parsed over an old one.
	require.Nil(t, layout9.Parse(strings.Split("c2,2024-03-05 18:30:00,-5,,,,,,", ","), &r))
	assert.Equal(t, salesrow.Row{CustomerID: "c2", Date: day, Amount: decimal.RequireFromString("-5")}, r)

	for _, tc := range []struct {
		name, line string
		field      int
		err        string
	}{
		{"fields", "c1,2024-03-05,1", -1, "3 fields, the header has 9"},
		{"empty id", " ,2024-03-05,1,,,,,,", 0, `customer_id " ": empty`},
		{"no id", ",2024-03-05,1,,,,,,", 0, `customer_id "": empty`},
		{"date", "c1,2024-02-30,1,,,,,,", 1, `date "2024-02-30": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`},
		{"amount", "c1,2024-03-05,12x,,,,,,", 2, `amount "12x": `},
		{"empty amount", "c1,2024-03-05, ,,,,,,", 2, `amount "": empty`},
		{"quantity", "c1,2024-03-05,1,,1.5,,,,", 4, `quantity "1.5": not an integer`},
		{"quantity range", "c1,2024-03-05,1,,-2000000000,,,,", 4, `quantity "-2000000000": out of range (|quantity| ≤ 1e9)`},
		{"quantity beyond int", "c1,2024-03-05,1,,99999999999999999999,,,,", 4, `quantity "99999999999999999999": out of range (|quantity| ≤ 1e9)`},
		{"one field", "c1", -1, "1 field, the header has 9"},
		{"cost", "c1,2024-03-05,1,,,abc,,,", 5, `cost "abc": `},
		{"currency", "c1,2024-03-05,1,,,,euro,,", 6, `currency "euro": unknown ISO 4217 currency code`},
		{"kind", "c1,2024-03-05,1,,,,,robot,", 7, `kind "robot": want consumer or intermediary (or dealer, franchisee, wholesaler, agent)`},
	} {
		fe := layout9.Parse(strings.Split(tc.line, ","), &r)
		require.NotNil(t, fe, tc.name)
		assert.Equal(t, tc.field, fe.Field, tc.name)
		assert.True(t, strings.HasPrefix(fe.Error(), tc.err), "%s: %q does not start with %q", tc.name, fe.Error(), tc.err)
	}
}

// A blank row is one whose every field is empty once trimmed, whatever
// its number of fields; one filled field makes a row that is not blank.
func TestBlank(t *testing.T) {
	for _, rec := range [][]string{
		nil,
		{""},
		strings.Split(",,,,,,,,", ","),
		strings.Split(" , ,\t,\r,  ,,\u00a0,,\u3000", ","),
		{"", "", ""},
		{"\n", " \r\n "},
	} {
		assert.True(t, salesrow.Blank(rec), "%q", rec)
	}
	for _, rec := range [][]string{
		{"c1"},
		strings.Split(",2024-03-05,1,,,,,,", ","),
		strings.Split(",,,,,,,,x", ","),
		{"", "", "\""},
		{"\x00"},
		{"", "\u200b"}, // a zero-width space is not a space
	} {
		assert.False(t, salesrow.Blank(rec), "%q", rec)
	}
}

// A blank record of the header's width fails Parse as an empty
// customer_id: a reader that asks Blank only where Parse fails sees
// every blank row. Any record with a filled field is not blank.
func TestPropertyBlankRowsFailParseOnTheCustomerID(t *testing.T) {
	space := rapid.SampledFrom([]string{"", " ", "\t", "  ", "\u00a0", "\r\n"})
	rapid.Check(t, func(t *rapid.T) {
		rec := rapid.SliceOfN(space, layout9.Fields, layout9.Fields).Draw(t, "blank")
		require.True(t, salesrow.Blank(rec))
		var r salesrow.Row
		fe := layout9.Parse(rec, &r)
		require.NotNil(t, fe)
		require.Equal(t, salesrow.ColCustomerID, fe.Column)
		require.Equal(t, layout9.CustomerID, fe.Field)

		i := rapid.IntRange(0, len(rec)-1).Draw(t, "filled")
		rec[i] += rapid.StringMatching(`[a-z0-9.-]{1,5}`).Draw(t, "value")
		require.False(t, salesrow.Blank(rec))
	})
}

// A row is the header again when its fields, read as header names
// (trimmed, in any case, a byte order mark before the first ignored),
// are the header's one for one; another order, a name more or less, or
// another name is no repeated header. A Layout without a header has
// none to repeat.
func TestRepeatsHeader(t *testing.T) {
	l, err := salesrow.NewLayout([]string{"\ufeffCustomer_ID", " date ", "amount", "", "Note"})
	require.NoError(t, err)
	for _, rec := range [][]string{
		{"\ufeffCustomer_ID", " date ", "amount", "", "Note"},
		{"customer_id", "date", "amount", "", "note"},
		{" CUSTOMER_ID\t", "Date", "AMOUNT ", "  ", " note "},
		{"\ufeffcustomer_id", "date", "amount", "", "note"},
	} {
		assert.True(t, l.RepeatsHeader(rec), "%q", rec)
	}
	for _, rec := range [][]string{
		{"date", "customer_id", "amount", "", "note"},
		{"customer_id", "date", "amount", ""},
		{"customer_id", "date", "amount", "", "note", ""},
		{"customer_id", "date", "amount", "x", "note"},
		{"customer_id", "date", "amounts", "", "note"},
		{"customer_id", "date", "amount", "", "\ufeffnote"},
		{"c1", "2024-03-05", "1", "", ""},
		nil,
	} {
		assert.False(t, l.RepeatsHeader(rec), "%q", rec)
	}
	assert.False(t, layout9.RepeatsHeader(strings.Split("customer_id,date,amount,order_id,quantity,cost,currency,kind,category", ",")),
		"a Layout not made by NewLayout")
}

// A repeated header fails Parse (its date is a column name), so a reader
// that asks RepeatsHeader only where Parse fails sees every one; and a
// row whose fields differ from the header's in one place is none.
func TestPropertyRepeatedHeaderFailsParse(t *testing.T) {
	names := []string{"customer_id", "date", "amount", "order_id", "quantity", "cost", "currency", "kind", "category", "note", "sku", ""}
	space := rapid.SampledFrom([]string{"", " ", "\t", "\u00a0"})
	rapid.Check(t, func(t *rapid.T) {
		header := rapid.Permutation(names).Draw(t, "header")[:rapid.IntRange(3, len(names)).Draw(t, "width")]
		l, err := salesrow.NewLayout(header)
		if err != nil {
			t.Skip("a required column left out")
		}
		rec := make([]string, len(header))
		for i, name := range header {
			if rapid.Bool().Draw(t, "upper") {
				name = strings.ToUpper(name)
			}
			rec[i] = space.Draw(t, "before") + name + space.Draw(t, "after")
		}
		require.True(t, l.RepeatsHeader(rec), "%q", rec)
		var r salesrow.Row
		require.NotNil(t, l.Parse(rec, &r), "%q parses", rec)

		i := rapid.IntRange(0, len(rec)-1).Draw(t, "changed")
		other := rapid.SampledFrom(append(names, "x")).Filter(func(s string) bool { return s != header[i] }).Draw(t, "other")
		rec[i] = other
		require.False(t, l.RepeatsHeader(rec), "%q", rec)
	})
}

func TestParseCurrencyInAnyCase(t *testing.T) {
	var r salesrow.Row
	for _, code := range []string{"eur", "Eur", "EUR"} {
		require.Nil(t, layout9.Parse(strings.Split("c1,2024-03-05,1,,,,"+code+",,", ","), &r), code)
		assert.Equal(t, customer.Currency("EUR"), r.Currency, code)
	}
}

// ParseUsed reads a record of which only the used fields are split, as
// Parse reads the whole record.
func TestParseUsed(t *testing.T) {
	l, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "channel", "sku"})
	require.NoError(t, err)
	var whole, prefix salesrow.Row
	require.Nil(t, l.Parse([]string{"c1", "2024-03-05", "10", "web", "x"}, &whole))
	require.Nil(t, l.ParseUsed([]string{"c1", "2024-03-05", "10"}, &prefix))
	assert.Equal(t, whole, prefix)
	fe := l.ParseUsed([]string{"c1", "2024-03-05"}, &prefix)
	require.NotNil(t, fe)
	assert.Equal(t, "2 fields split, the columns need 3", fe.Error())
	fe = l.Parse([]string{"c1", "2024-03-05", "10"}, &prefix)
	require.NotNil(t, fe)
	assert.Equal(t, "3 fields, the header has 5", fe.Error())
}

func TestFieldErrorText(t *testing.T) {
	assert.Equal(t, `amount "": empty`, (&salesrow.FieldError{Column: "amount", HasValue: true, Reason: "empty"}).Error())
	assert.Equal(t, `quantity: units must be ≥ 0`, (&salesrow.FieldError{Column: "quantity", Reason: "units must be ≥ 0"}).Error())
	assert.Equal(t, `3 fields, the header has 9`, (&salesrow.FieldError{Field: -1, Reason: "3 fields, the header has 9"}).Error())
	long := strings.Repeat("x", 39) + "é" + strings.Repeat("\x00", 600)
	assert.Equal(t, `amount "`+strings.Repeat("x", 39)+`"… (641 bytes): not a decimal number`,
		(&salesrow.FieldError{Column: "amount", Value: long, HasValue: true, Reason: "not a decimal number"}).Error(),
		"a long value is cut on a character boundary")
	edge := strings.Repeat("y", 56)
	assert.Equal(t, `sku "`+edge+`": bad`, (&salesrow.FieldError{Column: "sku", Value: edge, HasValue: true, Reason: "bad"}).Error())
}

var asOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)

func row(t *testing.T, line string) salesrow.Row {
	t.Helper()
	var r salesrow.Row
	require.Nil(t, layout9.Parse(strings.Split(line, ","), &r), line)
	return r
}

// add adds lines to a new summary, keeping the orders by order_id, or
// by day when a row has none.
func add(t *testing.T, s *customer.Summary, seen map[string]*salesrow.Order, lines ...string) *salesrow.FieldError {
	t.Helper()
	for _, l := range lines {
		r := row(t, l)
		cur := r.Currency
		if cur == "" {
			cur = "EUR"
		}
		key := r.OrderID
		if key == "" {
			key = "day " + r.Date.String()
		}
		o := seen[key]
		if o == nil {
			o = &salesrow.Order{}
		}
		if fe := salesrow.Add(s, &r, cur, o); fe != nil {
			return fe
		}
		if o.Seen {
			seen[key] = o
		}
	}
	return nil
}

func TestAddSalesRefundsAndExchanges(t *testing.T) {
	s := customer.NewSummary("c", customer.Consumer, asOf, nil)
	seen := map[string]*salesrow.Order{}
	require.Nil(t, add(t, s, seen,
		"c,2025-03-01,50,o1,2,20,,,coats",    // a sale of two: a new order
		"c,2025-03-01,30,o1,1,,,,shirts",     // the same order
		"c,2025-03-10,-25,o1,-1,-10,,,coats", // a refund of one unit
		"c,2025-03-11,0,o1,-1,,,,coats",      // an exchange of one unit
		"c,2025-04-01,0,o2,1,,,,socks",       // free goods: a new order
	))
	assert.Equal(t, 2, s.Orders)
	assert.Equal(t, 4, s.Units)
	assert.Equal(t, 2, s.ReturnedUnits)
	assert.Equal(t, 2, s.Returns)
	assert.Equal(t, 1, s.Exchanges)
	assert.Equal(t, 1, s.ExchangedUnits)
	assert.Equal(t, 3, s.KeptUnits(), "four bought, one refunded, one exchanged")
	assert.True(t, s.Net().Equal(decimal.NewFromInt(55)), "net %v", s.Net())
	assert.Equal(t, []string{"coats", "shirts", "socks"}, s.Categories)
}

// A row with several faults names the column and the value of each.
func TestAddNamesTheColumnOfEveryFault(t *testing.T) {
	s := customer.NewSummary("c", customer.Consumer, asOf, nil)
	before := s.Clone()
	fe := add(t, s, map[string]*salesrow.Order{}, "c,2025-05-01,20,o9,-1,-3.00,,,")
	require.NotNil(t, fe)
	assert.Equal(t, salesrow.ColCost, fe.Column)
	assert.Equal(t, "-3", fe.Value)
	assert.True(t, fe.HasValue)
	assert.Equal(t, `cost "-3": must not be negative on a sale; quantity "-1": -1 unit for an amount of 20`, fe.Error())
	assert.Equal(t, before, *s)
}

// The errors of Add show the value of their column, as the errors of
// Parse do, in the form the row holds it: the same whatever the text
// ("-3.00", "-3") and however a reader parsed it.
func TestAddErrorsShowTheValue(t *testing.T) {
	for _, tc := range []struct {
		line, err string
	}{
		{"c,2025-05-01,20,o9,1,-3.50,,,", `cost "-3.5": must not be negative on a sale`},
		{"c,2025-05-01,20.00,o9,-2,,,,", `quantity "-2": -2 units for an amount of 20`},
		{"c,2025-05-01,-20,o9,2,,,,", `quantity "2": 2 units for an amount of -20`},
		{"c,0001-01-01,20,o9,1,,,,", `date "0001-01-01": is zero`},
		{"c,0025-03-01,20,o9,1,,,,", `date "0025-03-01": 0025-03-01T00:00:00Z is before 1900`},
		{"c,1899-12-31,-20,o9,-1,,,,", `date "1899-12-31": 1899-12-31T00:00:00Z is before 1900`},
	} {
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		before := s.Clone()
		fe := add(t, s, map[string]*salesrow.Order{}, tc.line)
		require.NotNil(t, fe, tc.line)
		assert.Equal(t, tc.err, fe.Error(), tc.line)
		assert.Equal(t, before, *s, "the summary is unchanged")
	}
}

// An exchange row that would overflow a count of the summary is an
// error naming the quantity, and changes nothing.
func TestAddExchangeOverflow(t *testing.T) {
	for _, set := range []func(s *customer.Summary){
		func(s *customer.Summary) { s.ReturnedUnits = math.MaxInt },
		func(s *customer.Summary) { s.Returns = math.MaxInt },
		func(s *customer.Summary) { s.Exchanges = math.MaxInt },
		func(s *customer.Summary) { s.ExchangedUnits = math.MaxInt },
	} {
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		seen := map[string]*salesrow.Order{}
		require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,2,20,,,coats"))
		set(s)
		before := s.Clone()
		fe := add(t, s, seen, "c,2025-03-11,0,o1,-1,,,,coats")
		require.NotNil(t, fe)
		assert.Equal(t, salesrow.ColQuantity, fe.Column)
		assert.Contains(t, fe.Error(), "does not fit in an int")
		assert.Equal(t, before, *s, "the summary is unchanged")
	}
}

// An exchange row dated after the summary's AsOf is left out of the
// analysis and only counted in Later, as every other row.
func TestAddExchangeAfterAsOf(t *testing.T) {
	s := customer.NewSummary("c", customer.Consumer, asOf, nil)
	seen := map[string]*salesrow.Order{}
	require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,2,20,,,coats"))
	before := s.Clone()
	later := asOf.AddDate(0, 0, 2).Format(time.DateOnly)
	require.Nil(t, add(t, s, seen, "c,"+later+",0,o1,-1,,,,coats"))
	before.Later = 1
	assert.Equal(t, before, *s, "an exchange after AsOf is only counted in Later")
}

// An exchange's cost, of either sign, is left out: the goods that came
// back were replaced by the same goods, so the profit does not move.
func TestAddExchangeLeavesItsCostOut(t *testing.T) {
	for _, cost := range []string{"-20", "20", "0"} {
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		seen := map[string]*salesrow.Order{}
		require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,2,20,,,coats"))
		profit := s.GrossProfit()
		require.Nil(t, add(t, s, seen, "c,2025-03-05,0,o1,-1,"+cost+",,,coats"), "exchange at cost %s", cost)
		assert.Equal(t, 1, s.Exchanges)
		assert.True(t, profit.Equal(s.GrossProfit()), "cost %s: gross profit %s, was %s", cost, s.GrossProfit(), profit)
	}
}

// An exchange is not a purchase: whatever its order or category, it
// opens no order, makes no day (so no purchase day and no transaction of
// the buy-till-you-die models) and adds no category; it counts in
// ReturnedUnits, ExchangedUnits, Returns and Exchanges only, as
// customer.Summary.AddReturn
// counts an exchange. An exchange of a sale the summary does not hold
// leaves it without days or categories.
func TestAddExchangeIsNotAPurchase(t *testing.T) {
	s := customer.NewSummary("c", customer.Consumer, asOf, nil)
	seen := map[string]*salesrow.Order{}
	require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,2,20,,,coats"))
	want := s.Clone()
	for _, line := range []string{
		"c,2025-03-05,0,o1,-1,,,,coats",  // the order's own id, another day
		"c,2025-03-06,0,x1,-1,,,,shirts", // an id of its own, another category
		"c,2025-03-07,0,,-1,-4,,,jeans",  // no id, a cost
	} {
		o := salesrow.Order{}
		fe := salesrow.Add(s, ptr(row(t, line)), "EUR", &o)
		require.Nil(t, fe, line)
		assert.False(t, o.Seen, line)
	}
	want.ReturnedUnits, want.ExchangedUnits, want.Returns, want.Exchanges = 3, 3, 3, 3
	assert.Equal(t, want, *s)
	assert.Equal(t, 2, s.KeptUnits(), "the customer still holds both units")
	x, _, _, ok := s.BTYD(customer.Days)
	assert.True(t, ok)
	assert.Zero(t, x)

	s = customer.NewSummary("c", customer.Consumer, asOf, nil)
	require.Nil(t, add(t, s, map[string]*salesrow.Order{}, "c,2025-03-05,0,o1,-2,,,,coats"))
	assert.Zero(t, s.Orders)
	assert.Empty(t, s.Days)
	assert.Empty(t, s.Categories)
	assert.Equal(t, 2, s.ReturnedUnits)
	assert.Equal(t, 2, s.ExchangedUnits)
	assert.Equal(t, 1, s.Exchanges)
}

func ptr[T any](v T) *T { return &v }

// A row that cannot be added names its column and changes nothing.
func TestAddRejectsAndChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		name, line, column, err string
	}{
		{"kind changes", "c,2025-05-01,20,o9,1,,,intermediary,", salesrow.ColKind, `kind "intermediary": customer "c" is consumer on earlier rows`},
		{"units against amount", "c,2025-05-01,20,o9,-1,,,,", salesrow.ColQuantity, `quantity "-1": `},
		{"negative cost on a sale", "c,2025-05-01,20,o9,1,-3,,,", salesrow.ColCost, `cost "-3": `},
		{"currency changes", "c,2025-05-01,20,o9,1,,USD,,", salesrow.ColCurrency, `currency "USD": customer "c" buys in EUR`},
		{"too many decimals for the currency", "c,2025-05-01,20.001,o9,1,,JPY,,", salesrow.ColCurrency, `currency "JPY": `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := customer.NewSummary("c", customer.Consumer, asOf, nil)
			seen := map[string]*salesrow.Order{}
			require.Nil(t, add(t, s, seen, "c,2025-03-01,50,o1,2,20,EUR,,coats"))
			before, o1 := s.Clone(), *seen["o1"]
			fe := add(t, s, seen, tc.line)
			require.NotNil(t, fe)
			assert.Equal(t, tc.column, fe.Column)
			assert.True(t, strings.HasPrefix(fe.Error(), tc.err), "%q does not start with %q", fe.Error(), tc.err)
			assert.Equal(t, before, *s, "the summary is unchanged")
			assert.Len(t, seen, 1)
			assert.Equal(t, o1, *seen["o1"], "the order is unchanged")
		})
	}
}

// A refund of an order not seen opens no order but counts on its day as
// the order's; the order's first sale row opens it on the sale's day and
// takes the refund along.
func TestAddOpensOrdersOnSalesOnly(t *testing.T) {
	s := customer.NewSummary("c", customer.Consumer, asOf, nil)
	var o salesrow.Order
	r := row(t, "c,2025-03-10,-25,o1,-1,,,,")
	require.Nil(t, salesrow.Add(s, &r, "EUR", &o))
	assert.Zero(t, s.Orders)
	assert.Equal(t, salesrow.Order{Day: r.Date, Seen: true, Net: decimal.RequireFromString("-25")}, o)
	r = row(t, "c,2025-03-01,25,o1,1,,,,")
	require.Nil(t, salesrow.Add(s, &r, "EUR", &o))
	assert.Equal(t, 1, s.Orders)
	require.Len(t, s.Days, 1)
	assert.Equal(t, r.Date, s.Days[0].Date)
	assert.Equal(t, 1, s.Days[0].Orders)
	assert.True(t, s.Days[0].Net.IsZero(), "%s", s.Days[0].Net)
	assert.True(t, o.Sale)
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"b", "10", "2", "a", "007", "7", "", "0", "A1"}
	want := []string{"0", "2", "007", "7", "10", "", "A1", "a", "b"}
	got := append([]string(nil), ids...)
	for i := 1; i < len(got); i++ {
		for j := i; j > 0 && salesrow.CompareIDs(got[j-1], got[j]) > 0; j-- {
			got[j-1], got[j] = got[j], got[j-1]
		}
	}
	assert.Equal(t, want, got)
}

// CompareIDs is a total order: antisymmetric, transitive, and zero only
// for equal IDs.
func TestPropertyCompareIDsIsATotalOrder(t *testing.T) {
	id := rapid.OneOf(rapid.StringMatching(`0{0,2}[0-9]{0,4}`), rapid.StringMatching(`[0-9A-Za-z]{0,4}`))
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := id.Draw(t, "a"), id.Draw(t, "b"), id.Draw(t, "c")
		ab, ba := salesrow.CompareIDs(a, b), salesrow.CompareIDs(b, a)
		if ab != -ba {
			t.Fatalf("compare(%q, %q) = %d, compare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		if (ab == 0) != (a == b) {
			t.Fatalf("compare(%q, %q) = %d", a, b, ab)
		}
		if ab <= 0 && salesrow.CompareIDs(b, c) <= 0 && salesrow.CompareIDs(a, c) > 0 {
			t.Fatalf("%q ≤ %q ≤ %q but %q > %q", a, b, c, a, c)
		}
	})
}

// A quantity written with a fraction of one or two zeros is that
// integer; one with three zeros may be a thousands separator's and is
// refused with a hint; any other fraction is refused.
func TestParseUnitsWholeNumbers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		why  string
	}{
		{"2", 2, ""},
		{"2.0", 2, ""},
		{"-1.00", -1, ""},
		{"+3.0", 3, ""},
		{"0.0", 0, ""},
		{"1000000000.0", 1000000000, ""},
		{"1000000001.0", 0, "out of range (|quantity| ≤ 1e9)"},
		{"1.000", 0, "not an integer (1 or 1000, with a thousands separator?)"},
		{"-12.000", 0, "not an integer (1 or 1000, with a thousands separator?)"},
		{"1.000.000", 0, "not an integer (1 or 1000, with a thousands separator?)"},
		{"1.5", 0, "not an integer"},
		{"1.", 0, "not an integer"},
		{".0", 0, "not an integer"},
		{"1.0.0", 0, "not an integer"},
		{"1.05", 0, "not an integer"},
		{"x.0", 0, "not an integer"},
	} {
		got, why := salesrow.ParseUnits(tc.in)
		if got != tc.want || why != tc.why {
			t.Errorf("ParseUnits(%q) = %d, %q; want %d, %q", tc.in, got, why, tc.want, tc.why)
		}
	}
}
