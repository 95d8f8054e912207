package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

func writeFile(t testing.TB, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name, text, err string
		want            *salesrow.Layout
	}{
		{name: "all columns, any order, BOM, case and spaces",
			text: "\ufeffAmount, Customer_ID ,date,order_id,quantity,cost,currency,kind,category,sku\r\n1,a,2024-01-01,,,,,,,\n",
			want: &salesrow.Layout{Fields: 10, CustomerID: 1, Date: 2, Amount: 0, OrderID: 3, Quantity: 4, Cost: 5, Currency: 6, Kind: 7, Category: 8, Discount: -1,
				Header: []string{"amount", "customer_id", "date", "order_id", "quantity", "cost", "currency", "kind", "category", "sku"}}},
		{name: "required only", text: "customer_id,date,amount",
			want: &salesrow.Layout{Fields: 3, CustomerID: 0, Date: 1, Amount: 2, OrderID: -1, Quantity: -1, Cost: -1, Currency: -1, Kind: -1, Category: -1, Discount: -1,
				Header: []string{"customer_id", "date", "amount"}}},
		{name: "missing", text: "customer_id,when\n", err: `missing required column "amount", "date"`},
		{name: "twice", text: "customer_id,date,amount,Date\n", err: `column "date" appears twice`},
		{name: "empty", text: "", err: "empty file"},
		{name: "bad quote", text: "customer_id,\"date,amount\n", err: "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := readHeader(context.Background(), writeFile(t, tt.text))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, _, err := readHeader(context.Background(), filepath.Join(t.TempDir(), "missing.csv"))
	assert.Error(t, err)
}

var testParser = parser{File: "orders.csv", Currency: "USD", Cols: salesrow.Layout{
	Fields: 9, CustomerID: 0, Date: 1, Amount: 2, OrderID: 3, Quantity: 4, Cost: 5, Currency: 6, Kind: 7, Category: 8, Discount: -1,
	Header: []string{"customer_id", "date", "amount", "order_id", "quantity", "cost", "currency", "kind", "category"},
}}

func TestParse(t *testing.T) {
	day := int32(customer.DateFromYMD(2024, 3, 5))
	tests := []struct {
		name, line string
		id         string
		want       row
		skip       lineKind
		err        string // the whole message
		column     string
	}{
		{name: "full row", line: " c1 ,2024-03-05,19.90,o-1,2,8.10,EUR,Wholesaler,coats", id: "c1",
			want: row{Offset: 7, Date: day, Order: "oo-1", Amount: "19.90", Units: 2, Cost: "8.10", Currency: "EUR", CurrencyGiven: true, Kind: uint8(customer.Intermediary), Category: "coats"}},
		{name: "defaults and day order", line: "c2,2024-03-05,-5,,,,,,", id: "c2",
			want: row{Offset: 7, Date: day, Order: "d" + itoa(day), Amount: "-5", Currency: "USD"}},
		{name: "RFC 3339 in its own offset", line: "c3,2024-03-05T23:30:00-05:00,1,,,,,,", id: "c3",
			want: row{Offset: 7, Date: day, Order: "d" + itoa(day), Amount: "1", Currency: "USD"}},
		{name: "quoted id", line: `"c,4",2024-03-05,1,,,,,,`, id: "c,4",
			want: row{Offset: 7, Date: day, Order: "d" + itoa(day), Amount: "1", Currency: "USD"}},
		{name: "UTF-8 beyond ASCII", line: "Müller,2024-03-05,1,Ö-1,,,,,Röcke", id: "Müller",
			want: row{Offset: 7, Date: day, Order: "oÖ-1", Amount: "1", Currency: "USD", Category: "Röcke"}},
		{name: "empty line", line: "", skip: blankRow},
		{name: "blank row", line: ",,,,,,,,", skip: blankRow},
		{name: "blank row with spaces", line: " , ,\t,,  ,,,, ", skip: blankRow},
		{name: "blank quoted row", line: `"","","",""," ","","","",""`, skip: blankRow},
		{name: "blank row of fewer fields", line: ",,", skip: blankRow},
		{name: "blank row of more fields", line: ",,,,,,,,,,,", skip: blankRow},
		{name: "spaces only", line: "   ", skip: blankRow},
		{name: "repeated header", line: "customer_id,date,amount,order_id,quantity,cost,currency,kind,category", skip: headerRow},
		{name: "repeated header in other cases, with spaces, quoted", line: ` Customer_ID,"DATE ",amount ,"order_id",quantity,cost,"Currency",kind,CATEGORY`, skip: headerRow},
		{name: "repeated header after a byte order mark", line: "\ufeffcustomer_id,date,amount,order_id,quantity,cost,currency,kind,category", skip: headerRow},
		{name: "header in another order", line: "date,customer_id,amount,order_id,quantity,cost,currency,kind,category",
			err: `orders.csv, byte 7: date "customer_id": want YYYY-MM-DD`, column: salesrow.ColDate},
		{name: "header with a column missing", line: "customer_id,date,amount,order_id,quantity,cost,currency,kind",
			err: "orders.csv, byte 7: 8 fields, the header has 9"},
		{name: "amount without a customer", line: ",,1,,,,,,", err: `orders.csv, byte 7: customer_id "": empty`, column: salesrow.ColCustomerID},
		{name: "fewer fields, one filled", line: ",,x", err: "orders.csv, byte 7: 3 fields, the header has 9"},
		{name: "fields", line: "c1,2024-03-05,1", err: "orders.csv, byte 7: 3 fields, the header has 9"},
		{name: "empty id", line: " ,2024-03-05,1,,,,,,", err: `orders.csv, byte 7: customer_id " ": empty`, column: salesrow.ColCustomerID},
		{name: "date", line: "c1,2024-02-30,1,,,,,,", err: `orders.csv, byte 7: date "2024-02-30": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`, column: salesrow.ColDate},
		{name: "amount", line: "c1,2024-03-05,12x,,,,,,", column: salesrow.ColAmount},
		{name: "empty amount", line: "c1,2024-03-05,,,,,,,", err: `orders.csv, byte 7: amount "": empty`, column: salesrow.ColAmount},
		{name: "quantity", line: "c1,2024-03-05,1,,1.5,,,,", err: `orders.csv, byte 7: quantity "1.5": not an integer`, column: salesrow.ColQuantity},
		{name: "quantity range", line: "c1,2024-03-05,1,,2000000000,,,,", err: `orders.csv, byte 7: quantity "2000000000": out of range (|quantity| ≤ 1e9)`, column: salesrow.ColQuantity},
		{name: "cost", line: "c1,2024-03-05,1,,,abc,,,", column: salesrow.ColCost},
		{name: "currency", line: "c1,2024-03-05,1,,,,euro,,", err: `orders.csv, byte 7: currency "euro": unknown ISO 4217 currency code`, column: salesrow.ColCurrency},
		{name: "kind", line: "c1,2024-03-05,1,,,,,robot,", column: salesrow.ColKind},
		{name: "Latin-1 customer_id", line: "M\xfcller,2024-03-05,1,,,,,,",
			err: `orders.csv, byte 7: customer_id "M\xfcller": ` + salesrow.NotUTF8, column: salesrow.ColCustomerID},
		{name: "Latin-1 order_id", line: "c1,2024-03-05,1,\xd6-1,,,,,",
			err: `orders.csv, byte 7: order_id "\xd6-1": ` + salesrow.NotUTF8, column: salesrow.ColOrderID},
		{name: "Latin-1 category", line: "c1,2024-03-05,1,,,,,,R\xf6cke",
			err: `orders.csv, byte 7: category "R\xf6cke": ` + salesrow.NotUTF8, column: salesrow.ColCategory},
		{name: "byte order mark before a data row", line: "\ufeffc1,2024-03-05,1,,,,,,",
			err: `orders.csv, byte 7: customer_id "\ufeffc1": ` + salesrow.BOMInID, column: salesrow.ColCustomerID},
		{name: "control character in customer_id", line: "c\x001,2024-03-05,1,,,,,,",
			err: `orders.csv, byte 7: customer_id "c\x001": ` + salesrow.ControlChar, column: salesrow.ColCustomerID},
		{name: "bare quote, named by its column as crm names it", line: `c1,2024"-03-05,1,,,,,,`,
			err: `orders.csv, byte 7: date "2024\"-03-05": bare " in non-quoted-field`, column: salesrow.ColDate},
		{name: "quote left open", line: `c1,2024-03-05,"1,,,,,,`,
			err: `orders.csv, byte 7: amount "\"1,,,,,,": extraneous or missing " in quoted-field`, column: salesrow.ColAmount},
		{name: "bare quote beyond the header", line: `c1,2024-03-05,1,,,,,,,x"`,
			err: `orders.csv, byte 7: bare " in non-quoted-field`},
		{name: "long value, shortened as crm shortens it", line: "c1,2024-03-05," + strings.Repeat("9", 5000) + "x,,,,,,",
			err: `orders.csv, byte 7: amount "` + strings.Repeat("9", 40) + `"… (5001 bytes): not a decimal number`, column: salesrow.ColAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, r, kind, err := testParser.parse(7, tt.line)
			if tt.err != "" || tt.column != "" {
				require.Error(t, err)
				var re *rowError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, int64(7), re.Offset)
				assert.Equal(t, tt.column, re.Column)
				if tt.err != "" {
					assert.True(t, strings.HasPrefix(err.Error(), tt.err), "%q does not start with %q", err.Error(), tt.err)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.skip, kind)
			if kind != dataRow {
				return
			}
			assert.Equal(t, tt.id, id)
			assert.Equal(t, tt.want, r)
		})
	}
}

func itoa(d int32) string { return strconv.Itoa(int(d)) }

func TestParseDay(t *testing.T) {
	d, err := parseDay("2025-06-30")
	require.NoError(t, err)
	assert.Equal(t, customer.DateFromYMD(2025, 6, 30), d)
	for _, bad := range []string{"", "2025-6-30", "2025-06-31", "20250630", "2025/06/30", "0000-01-01"} {
		_, err := parseDay(bad)
		assert.Error(t, err, bad)
	}
}

// FuzzParse checks that no line makes the parser panic, and that an
// accepted row holds valid values.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"c1,2024-03-05,19.90,o-1,2,8.10,EUR,consumer,coats",
		"c1,2024-03-05T23:30:00-05:00,-1,,,,,,",
		`"a""b",2024-03-05,0,,-1,,,,`,
		"c1,2024-03-05,1e3,,,,,,", ",,,,,,,,", "", `"`, "x,y",
		" , ,\t", `"",""," "`, ",,1,,,,,,",
		"customer_id,date,amount,order_id,quantity,cost,currency,kind,category",
		` Customer_ID ,"date",amount,order_id,quantity,cost,currency,kind,category`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		id, r, kind, err := testParser.parse(1, line)
		// A line is passed over exactly when it is blank, or else when
		// it repeats the header.
		if rec, serr := splitLine(line); serr == nil {
			require.Equal(t, salesrow.Blank(rec), err == nil && kind == blankRow, "%q", line)
			require.Equal(t, !salesrow.Blank(rec) && testParser.Cols.RepeatsHeader(rec), err == nil && kind == headerRow, "%q", line)
		}
		if err != nil || kind != dataRow {
			return
		}
		require.NotEmpty(t, id)
		_, err = customer.ParseAmount(r.Amount)
		require.NoError(t, err)
		if r.Cost != "" {
			_, err = customer.ParseAmount(r.Cost)
			require.NoError(t, err)
		}
		require.True(t, customer.Currency(r.Currency).Valid())
		require.True(t, r.Kind == 0 || customer.Kind(r.Kind).Valid())
		require.NotEmpty(t, r.Order)
	})
}

func BenchmarkParse(b *testing.B) {
	line := "C00000001,2023-09-19,211.65,O00000001-001,2,98.93,EUR,consumer,coats"
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := testParser.parse(100, line); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLinesSplit reads a file in byte ranges of every size from one byte
// to the whole file, as a runner splits it, and checks that every line
// comes out once, with its offset, whatever the size: a line belongs to
// the range where it starts, CRLF and LF ends and empty lines included,
// the last line without a line break too.
func TestLinesSplit(t *testing.T) {
	text := "customer_id,date,amount\r\nc1,2025-01-01,10\n\nc2,2025-01-02,12\r\n\r\nc3,2025-01-03,-5\nc4,2025-01-04,7"
	path := writeFile(t, text)
	var want []string
	off := 0
	for _, l := range strings.SplitAfter(text, "\n") {
		if l != "" {
			want = append(want, strconv.Itoa(off)+":"+strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r"))
		}
		off += len(l)
	}
	file := fileio.ReadableFile{Metadata: fileio.FileMetadata{Path: path, Size: int64(len(text))}}
	for block := int64(1); block <= int64(len(text)); block++ {
		fn := &recordsFn{Block: block}
		var got []string
		for _, rest := range fn.SplitRestriction(file, fn.CreateInitialRestriction(file)) {
			err := fn.ProcessElement(context.Background(), fn.CreateTracker(rest), file, func(o int64, r csvRecord) {
				got = append(got, strconv.FormatInt(o, 10)+":"+r.Text)
			})
			require.NoError(t, err)
		}
		require.Equal(t, want, got, "block %d", block)
	}
}
