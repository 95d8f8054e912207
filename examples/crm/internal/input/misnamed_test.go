package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer/salesrow"
)

// TestMisnamedColumns: a header column named as an optional column in
// another style ("Order ID", "OrderID", "order-id" for order_id) is not
// read, as any unknown column, and both readers report it with the
// column it would be; a column of the exact name is read and then no
// other is reported for it.
func TestMisnamedColumns(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, c := range []struct {
		header string
		want   []Misnamed
	}{
		{"customer_id,date,amount", nil},
		{"customer_id,date,amount,Order ID", []Misnamed{{4, "Order ID", ColOrderID}}},
		{"\ufeffOrderID,amount,date,customer_id", []Misnamed{{1, "OrderID", ColOrderID}}},
		{"customer_id,date,amount, order-id ,Qty,Unit_Cost,COST.,Currency_", []Misnamed{
			{4, "order-id", ColOrderID}, {7, "COST.", ColCost}, {8, "Currency_", ColCurrency}}},
		{"customer_id,date,amount,Customer Kind,kind_,category,Cate Gory", []Misnamed{{5, "kind_", ColKind}}},
		{"customer_id,date,amount,order_id,Order ID", nil},
		{"customer_id,date,amount,Dis-Count,cost", []Misnamed{{4, "Dis-Count", ColDiscount}}},
		{"customer_id,date,amount,Discount,dis_count", nil},
		{"Customer_ID,Date,Amount,ORDER_ID", nil},
	} {
		row := "C1,2024-01-01,10" + commas(c.header)
		if strings.HasPrefix(c.header, "\ufeff") {
			row = "O1,10,2024-01-01,C1"
		}
		data := []byte(c.header + "\n" + row + "\n")
		cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, cr.Misnamed(), c.header)
		tb, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, tb.Misnamed, c.header)
	}
	assert.Equal(t, `field 4, "Order ID", would be order_id but is not read under that name: rename the column`,
		Misnamed{4, "Order ID", ColOrderID}.String())
}

// commas returns a comma for each field of header past the third.
func commas(header string) string {
	n := bytes.Count([]byte(header), []byte(","))
	return string(bytes.Repeat([]byte(","), n-2))
}

// TestExportColumnNames: the columns of the UCI Online Retail exports
// (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
// CustomerID, Country; Online Retail II: Invoice, Price, Customer ID)
// are told with the column of the format each stands for. Its invoice
// number is not read as order_id, which makes a customer's invoices of
// one day one order: both readers report it while order_id is absent,
// and not once it is there. A header without date or amount names
// InvoiceDate for date and says UnitPrice or Price is no amount; its
// Quantity is read as quantity.
func TestExportColumnNames(t *testing.T) {
	o := Options{AsOf: day(t, "2011-12-31")}
	const invoices = "; rename the column order_id"
	for _, c := range []struct {
		header, row string
		want        []Misnamed
		text        string
	}{
		{"InvoiceNo,StockCode,Description,Quantity,date,amount,customer_id,Country", "536365,85123A,T-LIGHT,6,2010-12-01,15.30,17850,United Kingdom",
			[]Misnamed{{1, "InvoiceNo", ColOrderID}},
			`field 1, "InvoiceNo", the invoice number of the Online Retail exports, is not read as order_id: without an order_id, a customer's invoices of one day are one order` + invoices},
		{"\ufeffInvoice,Quantity,InvoiceDate,date,amount,Customer ID,customer_id", "489434,12,2009-12-01 07:45:00,2009-12-01,83.40,13085.0,13085",
			[]Misnamed{{1, "Invoice", ColOrderID}},
			`field 1, "Invoice", the invoice number of the Online Retail exports, is not read as order_id: without an order_id, a customer's invoices of one day are one order` + invoices},
		{"invoice_no,customer_id,date,amount", "536365,17850,2010-12-01,15.30", []Misnamed{{1, "invoice_no", ColOrderID}}, ""},
		{"InvoiceNo,order_id,customer_id,date,amount", "536365,536365,17850,2010-12-01,15.30", nil, ""},
		{"customer_id,date,amount,UnitPrice,Price,StockCode,InvoiceDate", "17850,2010-12-01,15.30,2.55,2.55,85123A,2010-12-01", nil, ""},
		{"customer_id,date,amount,Lineitem discount", "17850,2010-12-01,15.30,1.70", []Misnamed{{4, "Lineitem discount", ColDiscount}},
			`field 4, "Lineitem discount", the discount of a line of Shopify's order exports, is not read as discount: without a discount column, every sale counts as sold at full price; rename the column discount`},
		{"customer_id,date,amount,Discount Amount", "17850,2010-12-01,15.30,1.70", []Misnamed{{4, "Discount Amount", ColDiscount}},
			`field 4, "Discount Amount", a discount amount (that of the whole order, in Shopify's order exports: give each line its own), is not read as discount: without a discount column, every sale counts as sold at full price; rename the column discount`},
		{"customer_id,date,amount,line_discount", "17850,2010-12-01,15.30,1.70", []Misnamed{{4, "line_discount", ColDiscount}}, ""},
		{"customer_id,date,amount,Discount Amount,discount", "17850,2010-12-01,15.30,1.70,1.70", nil, ""},
	} {
		data := []byte(c.header + "\n" + c.row + "\n")
		cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, cr.Misnamed(), c.header)
		tb, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, tb.Misnamed, c.header)
		if c.text != "" {
			assert.Equal(t, c.text, c.want[0].String())
		}
	}
	// Quantity is read as quantity.
	res, err := readCSV(t, "InvoiceNo,Quantity,InvoiceDate,date,amount,customer_id\n536365,6,2010-12-01 08:26:00,2010-12-01,15.30,17850\n", o)
	require.NoError(t, err)
	assert.Equal(t, 6, res.Summaries[0].Units)

	const uci = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,T-LIGHT,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
	const uci2 = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n489434,85048,LED,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom\n"
	for data, want := range map[string]string{
		uci: `orders.csv:1: missing required column "amount", "customer_id", "date" (header has 8 columns; need customer_id, date, amount; ` +
			`field 7, "CustomerID", would be customer_id: rename the column; ` +
			`field 5, "InvoiceDate", the invoice date of the Online Retail exports, would be date: rename the column; ` +
			`field 6, "UnitPrice", is a price per unit, as in the Online Retail exports, not the amount of the row: add a column amount, the quantity times the price (negative for a return))`,
		uci2: `orders.csv:1: missing required column "amount", "customer_id", "date" (header has 8 columns; need customer_id, date, amount; ` +
			`field 7, "Customer ID", would be customer_id: rename the column; ` +
			`field 5, "InvoiceDate", the invoice date of the Online Retail exports, would be date: rename the column; ` +
			`field 6, "Price", is probably a price per unit, as in Online Retail II, not the amount of the row: add a column amount, the quantity times the price (negative for a return))`,
		// Only for a column that is missing.
		"InvoiceDate,date,UnitPrice,customer_id\n": `orders.csv:1: missing required column "amount" (header has 4 columns; need customer_id, date, amount; ` +
			`field 3, "UnitPrice", is a price per unit, as in the Online Retail exports, not the amount of the row: add a column amount, the quantity times the price (negative for a return))`,
		"InvoiceDate,amount,UnitPrice,customer_id\n": `orders.csv:1: missing required column "date" (header has 4 columns; need customer_id, date, amount; ` +
			`field 1, "InvoiceDate", the invoice date of the Online Retail exports, would be date: rename the column)`,
		"customer_id,amount\n": `orders.csv:1: missing required column "date" (header has 2 columns; need customer_id, date, amount)`,
	} {
		_, err := readCSV(t, data, o)
		require.Error(t, err, data)
		assert.Equal(t, want, err.Error())
		_, err = ScanCSV(strings.NewReader(data), "orders.csv", o, 2)
		require.Error(t, err, data)
		assert.Equal(t, want, err.Error())
	}
}

// TestSquash: the crm copy of squash trims, lowers the case and drops
// spaces, hyphens, underscores and points, and no other character; a
// name it squashes to a column's squashed name is that column named in
// another style, as salesrow.NamedLike tells for names as NewLayout
// reads them (trimmed, in lower case).
func TestSquash(t *testing.T) {
	for in, want := range map[string]string{
		"InvoiceNo":        "invoiceno",
		" Invoice No ":     "invoiceno",
		"\tINVOICE-DATE\r": "invoicedate",
		"Unit_Price":       "unitprice",
		"unit.price":       "unitprice",
		"Order ID":         "orderid",
		"order/id":         "order/id",
		"a\u00a0b":         "a\u00a0b", // a space other than ' ' inside stays
		"Ünit Price":       "ünitprice",
		"":                 "",
		" - _ . ":          "",
	} {
		assert.Equal(t, want, squash(in), "%q", in)
	}
	for _, col := range []string{ColOrderID, ColQuantity, ColCost, ColCurrency, ColKind, ColCategory, ColCustomerID, ColDate, ColAmount} {
		for _, name := range []string{col, strings.ToUpper(col), strings.ReplaceAll(col, "_", " "), strings.ReplaceAll(col, "_", "-"), " " + strings.ReplaceAll(col, "_", ".") + " ", "x" + col} {
			read := strings.ToLower(strings.TrimSpace(name))
			assert.Equal(t, salesrow.NamedLike(read, col) || read == col, squash(name) == squash(col), "%q as %s", name, col)
		}
	}
}

// TestCDNOWFileReadAsCSV: a file of the CDNOW format read as csv (the
// default -format) is refused on its first line with a hint to read it
// with -format cdnow, by both csv readers, in its 4- and 5-column forms,
// tab-separated too; a line of words, which may be a CDNOW header, or a
// line that no CDNOW row is, gets no such hint.
func TestCDNOWFileReadAsCSV(t *testing.T) {
	o := Options{AsOf: day(t, "1998-06-30")}
	const hint = "the line reads as a row of the CDNOW format, its fields separated by white space: such a file is read with -format cdnow"
	for data, hinted := range map[string]bool{
		" 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n": true,
		"00004 19970101 2 29.33\n":           true,
		"00004\t19970101\t2\t29.33\n":        true,
		"customer_id date quantity amount\n": false,
		"00004 1997-01-01 2 29.33\n":         false,
		"customer_id,date\n4,1997-01-01\n":   false,
	} {
		_, err := readCSV(t, data, o)
		require.Error(t, err, data)
		assert.Equal(t, hinted, strings.Contains(err.Error(), hint), "%q: %v", data, err)
		_, err = ScanCSV(strings.NewReader(data), "orders.csv", o, 2)
		require.Error(t, err, data)
		assert.Equal(t, hinted, strings.Contains(err.Error(), hint), "%q: %v", data, err)
	}
}
