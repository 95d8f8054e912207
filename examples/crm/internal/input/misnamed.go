package input

import (
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A Misnamed is a column of a csv header that is not read although its
// name, written in another style, is that of an optional column the csv
// format reads: "Order ID", "OrderID", "order-id" or "Order.ID" for
// order_id; or although Chinese ERP exports name that column so
// (salesrow.NamedInChinese): 订单号 for order_id, 数量 for quantity; or
// although a well-known export names that column so (exportNames):
// "InvoiceNo" or "Invoice" for order_id. Such a column is
// an unknown one, and unknown columns are ignored, so the file is read
// without it (without an order_id, a customer's rows of one day are one
// order); the reader reports it rather than drop it silently. A required
// column so written is an error of the header instead
// (salesrow.NewLayout, exportHints).
type Misnamed struct {
	// Field is the place of the column in the header, from 1.
	Field int
	// Name is the name the header gives it, trimmed of spaces.
	Name string
	// Column is the column of the format that the name stands for.
	Column string
}

// String says what the header has and what to do:
//
//	field 4, "Order ID", would be order_id but is not read under that name: rename the column
//
// as salesrow.NewLayout words the hint of a required column so written.
// A name that a well-known export gives the column (exportNames) is told
// with what it is and what reading the file without it does:
//
//	field 1, "InvoiceNo", the invoice number of the Online Retail exports, is not read as order_id: without an order_id, a customer's invoices of one day are one order; rename the column order_id
func (m Misnamed) String() string {
	if e, ok := exportNames[squash(m.Name)]; ok && e.column == m.Column {
		return fmt.Sprintf("field %d, %q, %s, is not read as %s: %s; rename the column %s", m.Field, m.Name, e.what, m.Column, e.without, m.Column)
	}
	return fmt.Sprintf("field %d, %q, would be %s but is not read under that name: rename the column", m.Field, m.Name, m.Column)
}

// An exportName is a column of the csv format as a well-known public
// export names it.
type exportName struct {
	column string // the column of the format it stands for
	what   string // what it is, and in which exports
	// without says what reading the file without it does, for an
	// optional column.
	without string
}

// exportNames are the names, squashed (squash), that well-known public
// exports of sales give to a column the csv format reads under another
// name, when they do not name it so in another style
// (salesrow.NamedLike): the UCI Online Retail data set (D. Chen, S. L.
// Sain, K. Guo, "Data mining for the online retail industry", Journal of
// Database Marketing and Customer Strategy Management 19(3), 2012;
// InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
// CustomerID, Country) and Online Retail II (Invoice, Price and
// Customer ID for InvoiceNo, UnitPrice and CustomerID). Their Quantity is
// read as quantity, their CustomerID and Customer ID are customer_id in
// another style, and their StockCode, Description and Country name no
// column the format reads. UnitPrice and Price stand for no column:
// amount is the money of the row, the quantity times the price. And the
// order exports of Shopify: Lineitem discount, the money taken off a
// line, and Discount Amount, that of the whole order on its first line,
// which read as the discount column would make the order's other lines
// full-price sales.
var exportNames = map[string]exportName{
	"invoiceno":   {ColOrderID, "the invoice number of the Online Retail exports", "without an order_id, a customer's invoices of one day are one order"},
	"invoice":     {ColOrderID, "the invoice number of the Online Retail exports", "without an order_id, a customer's invoices of one day are one order"},
	"invoicedate": {ColDate, "the invoice date of the Online Retail exports", ""},
	"unitprice":   {ColAmount, "a price per unit, as in the Online Retail exports", ""},
	"price":       {ColAmount, "probably a price per unit, as in Online Retail II", ""},
	"lineitemdiscount": {ColDiscount, "the discount of a line of Shopify's order exports",
		"without a discount column, every sale counts as sold at full price"},
	"discountamount": {ColDiscount, "a discount amount (that of the whole order, in Shopify's order exports: give each line its own)",
		"without a discount column, every sale counts as sold at full price"},
	"linediscount": {ColDiscount, "the discount of a line",
		"without a discount column, every sale counts as sold at full price"},
}

// squash returns name trimmed, in lower case, without spaces, hyphens,
// underscores and points, as salesrow.NamedLike compares names.
func squash(name string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '.':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(name)))
}

// exportHints returns the hints, "; field 5, …", for the required columns
// missing from header, the fields of a header row that salesrow.NewLayout
// refused, that a well-known export names otherwise (exportNames):
// InvoiceDate for date, and UnitPrice or Price where amount is missing,
// which is no amount but a price per unit. A required column named in
// another style (CustomerID) is told by NewLayout itself. It runs on the
// error path only.
func exportHints(header []string) string {
	have := make(map[string]bool, len(header))
	for i, f := range header {
		if i == 0 {
			f = strings.TrimPrefix(f, "\ufeff")
		}
		have[strings.ToLower(strings.TrimSpace(f))] = true
	}
	var b strings.Builder
	for _, col := range salesrow.RequiredColumns {
		if have[col] {
			continue
		}
		for i, f := range header {
			if i == 0 {
				f = strings.TrimPrefix(f, "\ufeff")
			}
			e, ok := exportNames[squash(f)]
			if !ok || e.column != col {
				continue
			}
			name := strings.TrimSpace(f)
			if col == ColAmount {
				fmt.Fprintf(&b, "; field %d, %q, is %s, not the amount of the row: add a column amount, the quantity times the price (negative for a return)", i+1, name, e.what)
			} else {
				fmt.Fprintf(&b, "; field %d, %q, %s, would be %s: rename the column", i+1, name, e.what, col)
			}
			break
		}
	}
	return b.String()
}

// optionalColumns are the optional columns that the csv format reads, in
// the order they are reported.
var optionalColumns = []string{ColOrderID, ColQuantity, ColCost, ColDiscount, ColCurrency, ColKind, ColCategory}

// misnamed returns the columns of header, the fields of the header row,
// whose names are those of an optional column of l that l does not have,
// written in another style: equal when spaces, hyphens, underscores and
// points are left out, in any case (salesrow.NamedLike), named as
// Chinese ERP exports name it (salesrow.NamedInChinese: 订单号 for
// order_id), or named as a well-known export names it (exportNames:
// InvoiceNo for order_id). The first such field is taken for each
// column.
func misnamed(header []string, l *salesrow.Layout) []Misnamed {
	have := map[string]int{
		ColOrderID: l.OrderID, ColQuantity: l.Quantity, ColCost: l.Cost, ColDiscount: l.Discount,
		ColCurrency: l.Currency, ColKind: l.Kind, ColCategory: l.Category,
	}
	var out []Misnamed
	for _, col := range optionalColumns {
		if have[col] >= 0 {
			continue
		}
		for i, name := range l.Header {
			if name != "" && (salesrow.NamedLike(name, col) || salesrow.NamedInChinese(name, col) || exportNames[squash(name)].column == col) {
				out = append(out, Misnamed{Field: i + 1, Name: strings.Clone(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))), Column: col})
				break
			}
		}
	}
	return out
}
