package shopgen

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// readCSV parses out with encoding/csv into header and rows.
func readCSV(t testing.TB, out []byte) ([]string, [][]string) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(out))
	all, err := r.ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, all)
	return all[0], all[1:]
}

func TestCSVColumnsCoverTheCLIFormat(t *testing.T) {
	// The crm command's contract: required and optional columns of the csv format.
	for _, c := range []string{"customer_id", "date", "amount", "order_id", "quantity", "cost",
		"category", "channel", "currency", "kind", "sku", "size", "season"} {
		assert.Contains(t, CSVColumns, c)
	}
}

func TestCSVRows(t *testing.T) {
	g := newGen(t, 800, 21)
	cfg := g.Config()
	header, rows := readCSV(t, csvBytes(t, g))
	assert.Equal(t, CSVColumns, header)
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	dec := func(row []string, name string) decimal.Decimal {
		d, err := customer.ParseAmount(row[col[name]])
		require.NoError(t, err, "%s %q", name, row[col[name]])
		return d
	}
	orderDate := map[string]string{}
	kinds := map[string]int{}
	prevCustomer, prevDate := "", ""
	for _, row := range rows {
		require.Len(t, row, len(CSVColumns))
		id, date, typ := row[col["customer_id"]], row[col["date"]], row[col["type"]]
		kinds[typ]++
		d, err := time.Parse(time.DateOnly, date)
		require.NoError(t, err)
		assert.False(t, d.Before(cfg.Start) || !d.Before(cfg.End), "date %s in the window", date)
		if id == prevCustomer {
			assert.GreaterOrEqual(t, date, prevDate, "a customer's rows are in date order")
		} else {
			assert.Greater(t, id, prevCustomer, "customers in index order")
		}
		prevCustomer, prevDate = id, date
		q, err := strconv.Atoi(row[col["quantity"]])
		require.NoError(t, err)
		amount := dec(row, "amount")
		oid := row[col["order_id"]]
		assert.NotEmpty(t, oid)
		_, err = customer.ParseKind(row[col["kind"]])
		assert.NoError(t, err)
		_, err = customer.ParseChannel(row[col["channel"]])
		assert.NoError(t, err)
		switch typ {
		case "sale":
			assert.Positive(t, q)
			assert.True(t, amount.Sign() >= 0)
			assert.Empty(t, row[col["reason"]])
			if _, seen := orderDate[oid]; !seen {
				orderDate[oid] = date
			}
			assert.Equal(t, orderDate[oid], date, "an order's rows share its date")
		case "return", "exchange":
			assert.Negative(t, q)
			_, err := customer.ParseReturnReason(row[col["reason"]])
			assert.NoError(t, err)
			od, seen := orderDate[oid]
			require.True(t, seen, "a return row follows its order %s", oid)
			assert.GreaterOrEqual(t, date, od, "returned on or after the order date")
			if typ == "return" {
				assert.Negative(t, amount.Sign())
				assert.Negative(t, dec(row, "cost").Sign())
			} else {
				assert.True(t, amount.IsZero())
				assert.Empty(t, row[col["discount"]])
			}
		default:
			t.Fatalf("unknown row type %q", typ)
		}
		if typ != "exchange" {
			want := dec(row, "unit_price").Mul(decimal.NewFromInt(int64(q))).Sub(dec(row, "discount"))
			assert.True(t, want.Equal(amount), "amount %s = quantity × unit_price − discount = %s", amount, want)
		}
	}
	assert.Positive(t, kinds["sale"])
	assert.Positive(t, kinds["return"])
	assert.Positive(t, kinds["exchange"])
}

// TestCSVAmountsMatchSummary checks, for random shops, that every record
// is valid and that the amounts a customer's CSV rows add up to are the
// net revenue the customer package computes from the same record.
func TestCSVAmountsMatchSummary(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := DefaultConfig()
		cfg.Seed = rapid.Uint64().Draw(t, "seed")
		most := 40
		if raceEnabled {
			most = 12
		}
		cfg.Customers = rapid.IntRange(1, most).Draw(t, "customers")
		cfg.IntermediaryShare = rapid.Float64Range(0, 0.5).Draw(t, "intermediaries")
		cfg.PotentialShare = rapid.Float64Range(0, 0.5).Draw(t, "potential")
		cfg.Currency = customer.Currency(rapid.SampledFrom([]string{"EUR", "JPY", "KWD", "CNY"}).Draw(t, "currency"))
		cfg.PriceLevel = decimal.New(int64(rapid.IntRange(1, 1000).Draw(t, "level")), int32(rapid.IntRange(-3, 3).Draw(t, "level_exp")))
		cfg.Start = time.Date(rapid.IntRange(2000, 2030).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")), 1, 0, 0, 0, 0, time.UTC)
		cfg.End = cfg.Start.AddDate(0, 0, rapid.IntRange(28, 2000).Draw(t, "days"))
		if rapid.Bool().Draw(t, "own_calendar") {
			day := func(label string) MonthDay {
				return MonthDay{time.Month(rapid.IntRange(1, 12).Draw(t, label+"_month")), rapid.IntRange(1, 28).Draw(t, label+"_day")}
			}
			season := func(label string) Season { return Season(rapid.IntRange(1, 2).Draw(t, label)) }
			cfg.Collections = nil
			for i := range rapid.IntRange(1, 5).Draw(t, "collections") {
				cfg.Collections = append(cfg.Collections, CollectionSpec{Name: "C" + strconv.Itoa(i),
					Season: season("season"), Launch: day("launch"), YearOffset: -rapid.IntRange(0, 1).Draw(t, "offset")})
			}
			cfg.Sales = nil
			for range rapid.IntRange(0, 3).Draw(t, "sales") {
				cfg.Sales = append(cfg.Sales, SalePeriod{Name: "sale", From: day("from"), To: day("to"), Season: season("sale_season"),
					Markdowns: rapid.SliceOfN(rapid.IntRange(1, 90), 1, 4).Draw(t, "markdowns")})
			}
		}
		g, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		// The generator's own export writes what WriteCSV writes from the
		// records.
		var whole, fast bytes.Buffer
		if _, err := WriteCSV(&whole, g.All(), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := g.WriteCSV(&fast, &CSVOptions{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Bytes(), fast.Bytes()) {
			t.Fatalf("the generator's export differs from WriteCSV of its records")
		}
		for rec := range g.All() {
			if err := rec.Validate(cfg.End); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := WriteCSV(&buf, func(yield func(Record) bool) { yield(rec) }, &CSVOptions{NoHeader: true}); err != nil {
				t.Fatal(err)
			}
			sum := decimal.Zero
			for line := range strings.Lines(buf.String()) {
				f := strings.Split(strings.TrimSuffix(line, "\n"), ",")
				a, err := customer.ParseAmount(f[14])
				if err != nil {
					t.Fatal(err)
				}
				sum = sum.Add(a)
			}
			s, err := customer.Summarize(rec.Customer.ID, rec.Customer.Kind, cfg.End, rec.Events(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Net().Equal(sum) {
				t.Fatalf("customer %d: CSV amounts add up to %s, summary net is %s", rec.Index, sum, s.Net())
			}
		}
	})
}

func TestWriteCSVRejectsDanglingReturn(t *testing.T) {
	g := newGen(t, 1, 1)
	rec := g.Customer(0)
	rec.Returns = append(rec.Returns, customer.Return{ID: "R", OrderID: "nope", CustomerID: rec.Customer.ID,
		Time: g.Config().End.Add(-time.Hour), Kind: customer.Refund, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}})
	_, err := WriteCSV(io.Discard, func(yield func(Record) bool) { yield(rec) }, nil)
	assert.ErrorIs(t, err, customer.ErrNotFound)
	assert.Contains(t, err.Error(), `order "nope"`)
}

func TestWriteCSVHandWrittenRecord(t *testing.T) {
	at := time.Date(2025, 3, 4, 15, 0, 0, 0, time.UTC)
	rec := Record{
		Customer: customer.Customer{ID: `Smith, "J"`, Kind: customer.Consumer},
		Orders: []customer.Order{{
			ID: "O1", CustomerID: `Smith, "J"`, Time: at, Channel: customer.Online, Store: "WEB", Currency: "EUR",
			Lines: []customer.Line{
				{ID: "1", SKU: "A", Category: "coats", Quantity: 3, UnitPrice: decimal.RequireFromString("10"),
					UnitCost: decimal.NullDecimal{Decimal: decimal.RequireFromString("3.3333"), Valid: true},
					Discount: decimal.RequireFromString("1")},
				{ID: "2", SKU: "B", Quantity: 1, UnitPrice: decimal.RequireFromString("123456789012345.5")},
			},
		}},
		Returns: []customer.Return{{ID: "R1", OrderID: "O1", CustomerID: `Smith, "J"`, Time: at.AddDate(0, 0, 2),
			Kind: customer.Refund, Reason: customer.ChangedMind, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}},
	}
	var buf bytes.Buffer
	n, err := WriteCSV(&buf, func(yield func(Record) bool) { yield(rec) }, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	_, rows := readCSV(t, buf.Bytes())
	require.Len(t, rows, 3)
	assert.Equal(t, `Smith, "J"`, rows[0][0], "quoted and read back")
	assert.Equal(t, []string{"3", "10.00", "1.00", "29.00", "9.9999"}, rows[0][11:16])
	assert.Equal(t, []string{"1", "123456789012345.50", "0.00", "123456789012345.50", ""}, rows[1][11:16])
	// The returned unit gets a third of the discount, rounded to cents.
	assert.Equal(t, []string{"2025-03-06", "-1", "10.00", "-0.33", "-9.67", "-3.3333"},
		[]string{rows[2][1], rows[2][11], rows[2][12], rows[2][13], rows[2][14], rows[2][15]})
	assert.Equal(t, []string{"return", "changed-mind"}, rows[2][19:21])
}

func FuzzAppendField(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `say "hi"`, "two\nlines", `",`, "ü,ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, '\r') {
			t.Skip("encoding/csv turns \\r\\n into \\n inside quotes")
		}
		line := append(appendField(nil, s), ",x\n"...)
		r := csv.NewReader(bytes.NewReader(line))
		r.LazyQuotes = false
		rec, err := r.Read()
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if len(rec) != 2 || rec[0] != s || rec[1] != "x" {
			t.Fatalf("%q read back as %q", s, rec)
		}
	})
}

func TestFixed(t *testing.T) {
	tests := []struct {
		in     string
		digits int32
		want   int64
		ok     bool
	}{
		{"12.34", 2, 1234, true},
		{"12", 2, 1200, true},
		{"12.3400", 2, 1234, true},
		{"12.345", 2, 0, false},
		{"-0.5", 2, -50, true},
		{"7490", 0, 7490, true},
		{"1.5", 3, 1500, true},
		{"99999999999", 2, 0, false},
		{"123456789012345678901234567890", 2, 0, false},
		{"0", 2, 0, true},
	}
	for _, tt := range tests {
		v, ok := fixed(decimal.RequireFromString(tt.in), tt.digits)
		assert.Equal(t, tt.ok, ok, tt.in)
		if ok {
			assert.Equal(t, tt.want, v, tt.in)
			assert.Equal(t, decimal.RequireFromString(tt.in).StringFixed(tt.digits), string(appendFixed(nil, v, tt.digits)))
		}
	}
}

func TestCSVDates(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	times := []time.Time{
		time.Date(2025, 3, 4, 23, 30, 0, 0, cet), // 22:30 UTC, still the 4th locally
		time.Date(2025, 3, 4, 0, 30, 0, 0, cet),  // 23:30 UTC on the 3rd
		time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 4, 23, 59, 59, 0, time.UTC),
		time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 12, 0, 0, 0, time.UTC),
		time.Date(12345, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 5, 8, 0, 0, 0, time.UTC),
	}
	var cw csvWriter
	for _, tm := range times {
		got := string(cw.appendDate(nil, tm))
		assert.Equal(t, tm.Format(time.DateOnly), got, "%v", tm)
	}
}

// The export of a Generator writes its strings without a quoting check;
// every string it can produce must therefore be free of commas, quotes
// and line breaks.
func TestGeneratedStringsNeedNoQuotes(t *testing.T) {
	clean := func(s string) {
		t.Helper()
		assert.False(t, strings.ContainsAny(s, ",\"\r\n"), "%q", s)
	}
	for _, c := range categories {
		clean(c.name)
		clean(c.code)
	}
	for _, c := range colours {
		clean(c.name)
		clean(c.code)
	}
	for _, s := range letterSizes {
		clean(s)
	}
	for _, s := range shoeLabels {
		clean(s)
	}
	for _, l := range waistLabels {
		for _, s := range l {
			clean(s)
		}
	}
	g := newGen(t, 1, 1)
	for _, c := range g.colls {
		clean(c.label)
		for _, st := range c.styles {
			for _, s := range st {
				for _, sku := range s.skus {
					clean(sku)
				}
			}
		}
	}
	for _, st := range g.stores {
		for _, s := range st {
			clean(s)
		}
	}
	for _, s := range []string{"WEB", "SOCIAL", "B2B"} {
		clean(s)
	}
}
