// Package salesrow holds the rules of one row of a sales export, the csv
// format of the crm command: which columns there are, found by their
// header names; how each field is read and checked; and how a row adds to
// a customer's [customer.Summary]. Programs that read such exports, on one
// machine or spread over many, share these rules and so agree on every
// row.
//
// The package reads no file. A caller splits its lines into fields (with
// encoding/csv or a splitter of its own), finds the columns once with
// [NewLayout], parses each record with [Layout.Parse] and adds the row
// with [Add]. The errors name the column, the value and the reason; the
// caller says where the row came from (a file and a line, or a byte
// offset), as in
//
//	orders.csv:5: amount "12x": not a decimal number
//
// # Columns
//
// Columns are found by header name, trimmed of spaces and compared in
// lower case; a UTF-8 byte order mark before the first name is ignored;
// unknown columns are ignored, also when their name repeats, and one of
// the columns below named twice is an error. Required: customer_id,
// date, amount.
// Optional: order_id, quantity, cost, discount, currency, kind,
// category.
//
// # Fields
//
// Every field is trimmed of surrounding spaces, and an empty optional
// field counts as absent.
//
//   - customer_id: not empty; valid UTF-8, without a control character
//     ([unicode.IsControl]: a line break, a tab, NUL) and without a byte
//     order mark (U+FEFF, invisible, which a file put after another
//     without its header brings to its first line), as
//     [customer.Validate] wants an ID ([IDProblem]). An export saved in
//     Latin-1 or Windows-1252 ("Müller" as M 0xFC ller), or in GBK or
//     GB18030 ("张三" as 0xD5 0xC5 0xC8 0xFD), is refused with a hint on
//     converting it ([NotUTF8], [NotUTF8GB], [NotUTF8Either], by what
//     its bytes look like), rather than passed on to
//     outputs that would then be no UTF-8 either, or read as a customer
//     other than the same one in a UTF-8 export; UTF-8 Chinese cut short
//     within its last character is told that no conversion mends it
//     ([NotUTF8Cut]).
//   - date: a day as [customer.ParseDay] reads it: YYYY-MM-DD, a timestamp
//     without offset (the day written), or RFC 3339 (the calendar day of
//     its own offset), and a leap second, second 60 of the last minute
//     of a month in UTC (2016-12-31T23:59:60Z, 2016-12-31T15:59:60-08:00),
//     on the day written ([ParseDate]); a day before 1 January
//     [customer.MinRecordYear] (a placeholder such as 0001-01-01, or a
//     mistyped year) is an error when the row is added ([Add]).
//   - amount, cost and discount: plain decimal numbers
//     ([customer.ParseAmount]), kept exactly as written: an amount with
//     more decimals than its currency's minor unit (a computed net such
//     as 12.345 EUR, common in exports) is neither rounded nor rejected.
//     The amount is what the customer paid; the discount is the money
//     taken off the row's list price (a markdown, a coupon), of either
//     sign, as exports write it either way. Of a sale's discount its
//     size counts: the list price is amount + |discount|
//     ([customer.Sale].Discount). Of a refund's only whether it is zero
//     counts: zero says goods sold at full price came back. A
//     percentage ("10%") is refused ([ParseDiscount]); a rate written
//     as a number (0.1) cannot be told from money.
//   - quantity: an integer, |quantity| ≤ 10⁹, so that sums of units
//     cannot overflow.
//   - currency: an ISO 4217 code, in any case (eur is EUR).
//   - kind: consumer or intermediary, or an intermediary role such as
//     dealer, franchisee, wholesaler or agent, in any case. An empty kind
//     states nothing: a customer's kind is the one its rows state, in
//     whatever order they come, two rows stating different kinds
//     conflict, and a caller's default kind is for a customer whose rows
//     state none. [Add] rejects a row whose kind is not the summary's, so
//     a caller gives a summary that no row has stated a kind for the kind
//     of the first row that states one.
//   - order_id: as customer_id, but may be empty.
//   - category: valid UTF-8 ([TextProblem]); it may hold a line break (a
//     quoted field over two lines) or any other character.
//
// The texts (customer_id, order_id, category) are checked after the
// other fields, so a row with another fault too reports that one.
// Columns the rules do not read are not checked.
//
// # Rows
//
// A row with a positive amount is a sale, one with a negative amount a
// refund (a return or cancellation). A row with amount 0 and a negative
// quantity is an exchange: the units count as returned (and the return
// as an exchange), no money moves and no units are bought; its cost and
// its discount, of either sign, are left out, since the goods that came
// back were replaced by the same goods. An exchange is not a purchase:
// it opens no order, makes no day of the customer's
// [customer.Summary.Days] (so no purchase day, and no transaction of the
// buy-till-you-die models), and adds no category, since its category is
// that of the goods that came back, bought by the sale it exchanges; as
// [customer.Summary.AddReturn] counts an exchange, it counts in
// ReturnedUnits, ExchangedUnits, Returns and Exchanges only, and leaves
// [customer.Summary.KeptUnits] as it was. Other zero-amount rows are
// sales of nothing (free goods) and count as transactions. A sale's
// quantity may be 0 or absent: a delivery or service charge adds money
// but no units.
//
// The rows of an order (by order_id) count together on one day, as an
// order record and its refunds do: the day of the earliest of its sale rows
// on or before AsOf (an order's sale rows may fall on several days, as a
// dealer billed per shipment under one order number), or, for an order
// without a sale row on or before AsOf (returns of goods bought before the
// export), the day of its earliest row on or before AsOf. Every row of the
// order on or before AsOf (sales, refunds, later shipments) adds its amount
// to that day's net, and the order counts once, there, when it has a sale
// row. Rows without an order_id are, for each customer, one order a day:
// each counts on its own day. An exchange moves no money and belongs to no
// order's day. [Add] keeps that rule in whatever order the rows come (files
// put together out of date order): with the state of each order ([Order]),
// a row dated before its order's day moves the order, its count and its net
// so far to its own day, so the summary does not depend on the order of the
// rows.
//
// # Exports and full records
//
// A row says less than the records of package customer ([customer.Order],
// [customer.Return], [customer.Credit]), so the summary of an export and
// that of the same facts recorded in full differ where the row is silent:
//
//   - A refund row counts on its order's day, as a refund of a recorded
//     order does, when it carries the order's order_id; without one it
//     counts on its own day, so a return made days after a repeat purchase
//     does not lower the spend of that purchase day
//     ([customer.Summary.MeanRepeatSpend], the Gamma-Gamma input, is then
//     gross of it). A refund of goods bought before the export, whose
//     order has no sale row, counts on the day of the order's earliest row,
//     where a record would count it on the order's own day.
//   - Without a discount column, a row has no list price or discount: a
//     sale counts in Gross at its amount, as sold at full price, and a
//     refund leaves FullPriceNet as it is, so the full-price share
//     ([customer.Summary.FullPriceShare]) is 1 for every customer whose
//     net is positive. With one, a sale counts in Gross at amount +
//     |discount|, in Discounts at |discount| and in FullPriceNet only
//     when its discount is zero, and a refund whose discount is zero
//     comes off FullPriceNet, as the records of lines sold at those
//     prices do. The value models read the full-price share, so of a
//     discount only whether it is zero changes them: its size goes into
//     Gross and Discounts, whose difference, the net, it leaves as it
//     is. A refund's discount says only whether the goods were sold at
//     full price: the export cannot say which sale row they came from,
//     so a refund row whose discount is 0 takes its amount off
//     FullPriceNet: what it paid back, where the records take off the
//     goods' share of the line's net. A refund that keeps a fee (it pays
//     back less than that share) takes less off FullPriceNet than the
//     records do, and, without a cost column, less cost back (its amount
//     × (1 − margin)). A partial refund whose share of a small discount
//     rounds to 0.00 takes its amount off FullPriceNet, where the records
//     take nothing off. An export that writes 0 on every refund, whatever
//     the sale's discount was, makes every refund one of goods sold at
//     full price (and FullPriceNet may then fall below zero, the share
//     to 0): leave the field empty on refund rows when the export does
//     not know their discount. An empty discount field is a row without
//     a discount known: as without the column.
//     The return of goods given free (amount 0, a negative quantity) is
//     read as an exchange, whatever its discount, where the record of the
//     same return is a refund of nothing: the customer keeps the units in
//     KeptUnits and the return counts in Exchanges.
//   - A negative row is a refund, never a credit: a price reduction or a
//     compensation written as a row counts in Refunded and Returns, not in
//     Credited and Credits (the net is the same), and, with a discount of
//     0, comes off FullPriceNet, which a credit leaves as it is: leave the
//     discount empty on such rows. Without a cost, the cost of the goods
//     a negative row takes back is its amount × (1 − margin), also when
//     its quantity is 0: write cost 0 on a row that pays money back
//     without goods coming back.
//   - Each refund row counts one return in Returns (and an exchange row
//     one in Exchanges), where a return record of several lines counts
//     one: write a return of several lines as several rows and it counts
//     as several returns. Units and money are the same.
//   - An order's sale rows may fall on several days (see Rows); an
//     order record has one time. The export counts them all on the
//     earliest.
//   - A sale cancelled on its own day (a sale row and a refund row of the
//     same amount) still opens its order, so the day is a purchase day and
//     a transaction of the buy-till-you-die models, with a net of 0, as a
//     recorded order refunded the same day is: a customer's same-day
//     transactions are merged, amounts added. Leave such pairs out of the
//     export when a cancelled order is not a purchase.
//
// # Blank rows
//
// A row whose every field is empty once trimmed ([Blank]), such as the
// `,,,,,,` or `"",""` rows that spreadsheets and ERP exports put after
// (or between) the data, carries no data, whatever its number of
// fields: it is no sale and no error. [Layout.Parse] rejects it like any
// row without a customer_id; a reader asks Blank where Parse fails, so
// that no valid row pays for the question, and passes the row over and
// counts it, since nothing is dropped silently. A row with one field
// filled is no blank row: an amount without a customer_id is an error.
//
// # Repeated headers
//
// A row that repeats the header ([Layout.RepeatsHeader]), as two exports
// with headers put one after the other (`cat jan.csv feb.csv`) have
// where the second begins, carries no data either: its fields, each read
// as a header name is read (trimmed of spaces, in lower case, a byte
// order mark before the first ignored), are the header's, one for one.
// [Layout.Parse] rejects it, since its date is a column name; a reader
// asks RepeatsHeader where Parse fails, as it asks Blank, and passes the
// row over and counts it apart. A row that differs from the header in
// any field (another order, a column missing or added) is no repeated
// header: it stays an error, since the rows after it would be read with
// columns that are not theirs.
package salesrow

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Column names of the format.
const (
	ColCustomerID = "customer_id"
	ColDate       = "date"
	ColAmount     = "amount"
	ColOrderID    = "order_id"
	ColQuantity   = "quantity"
	ColCost       = "cost"
	ColDiscount   = "discount"
	ColCurrency   = "currency"
	ColKind       = "kind"
	ColCategory   = "category"
)

// columns are the columns the rules read.
var columns = []string{ColCustomerID, ColDate, ColAmount, ColOrderID, ColQuantity, ColCost, ColDiscount, ColCurrency, ColKind, ColCategory}

// RequiredColumns are the columns every export has.
var RequiredColumns = []string{ColCustomerID, ColDate, ColAmount}

// MaxUnits bounds the absolute value of a quantity.
const MaxUnits = 1_000_000_000

// Layout is where the columns of an export are: the index of each column
// in a record, -1 for an absent optional column, and the number of fields
// of the header, which every record must have.
type Layout struct {
	Fields                                            int
	CustomerID, Date, Amount                          int
	OrderID, Quantity, Cost, Currency, Kind, Category int
	// Discount is the index of the discount column, -1 when absent.
	Discount int
	// Header holds the names of the header's fields as NewLayout reads
	// them (trimmed of spaces, in lower case, the first without a byte
	// order mark), one per field, for [Layout.RepeatsHeader]; nil in a
	// Layout not made by NewLayout, which then has no header to repeat.
	Header []string
}

// NewLayout finds the columns in the fields of a header row. A column of
// the format named twice (names compare trimmed and in any case), or a
// required column missing, is an error; an unknown column named twice
// is ignored, as every unknown column is. The error of a missing column
// says what the header looks like when it tells why: separated by
// another character than a comma (";", a tab, "|", a full-width comma
// or semicolon), a column named in another style ([NamedLike]) or as
// Chinese exports name it (会员卡号, 销售日期, 实收金额, also with a unit in
// brackets, spaces inside or in traditional script: 实收金额（元）, 金額;
// [NamedInChinese]), a name
// that is not UTF-8 (with the conversion that [IDProblem] names).
func NewLayout(header []string) (*Layout, error) {
	idx := make(map[string]int, len(header))
	names := make([]string, len(header))
	for i, name := range header {
		name = headerName(i, name)
		names[i] = name
		if name == "" {
			continue
		}
		if j, dup := idx[name]; dup {
			if !slices.Contains(columns, name) {
				continue
			}
			return nil, fmt.Errorf("column %q appears twice in the header (fields %d and %d)", name, j+1, i+1)
		}
		idx[name] = i
	}
	var missing []string
	for _, req := range RequiredColumns {
		if _, ok := idx[req]; !ok {
			missing = append(missing, strconv.Quote(req))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		cols := "columns"
		if len(header) == 1 {
			cols = "column"
		}
		hint := ""
		if len(header) == 1 {
			for _, sep := range []struct{ sep, what string }{{";", ""}, {"\t", ""}, {"|", ""},
				{"，", " (a full-width comma)"}, {"；", " (a full-width semicolon)"}} {
				if strings.Contains(header[0], sep.sep) {
					hint = fmt.Sprintf("; the header looks separated by %q%s: the file must be comma-separated", sep.sep, sep.what)
					break
				}
			}
		}
		for i, name := range header {
			if !utf8.ValidString(name) {
				hint += fmt.Sprintf("; field %d, %s, is %s", i+1, quoteShort(strings.TrimSpace(name)), notUTF8(strings.TrimSpace(name)))
				break
			}
		}
		for _, req := range RequiredColumns {
			if _, ok := idx[req]; ok {
				continue
			}
			for i, name := range names {
				if NamedLike(name, req) || chineseColumn(name) == req {
					hint += fmt.Sprintf("; field %d, %q, would be %s: rename the column", i+1, strings.TrimSpace(header[i]), req)
					break
				}
			}
		}
		return nil, fmt.Errorf("missing required column %s (header has %d %s; need %s%s)",
			strings.Join(missing, ", "), len(header), cols, strings.Join(RequiredColumns, ", "), hint)
	}
	get := func(name string) int {
		if i, ok := idx[name]; ok {
			return i
		}
		return -1
	}
	return &Layout{
		Fields:     len(header),
		CustomerID: get(ColCustomerID), Date: get(ColDate), Amount: get(ColAmount),
		OrderID: get(ColOrderID), Quantity: get(ColQuantity), Cost: get(ColCost),
		Currency: get(ColCurrency), Kind: get(ColKind), Category: get(ColCategory),
		Discount: get(ColDiscount), Header: names,
	}, nil
}

// chineseNames are the names that Chinese ERP and POS exports give the
// columns, with the column each would be ([NamedInChinese]): NewLayout
// names a required column so named in the error of a missing one, and
// reads none by such a name. 实收 and 实付 are the money received and
// paid, the amount of a row; 应收 (receivable) and 原价 (list price) are
// not it, and are not listed. Of the optional columns: 单号 is the
// number of the sale's document, an order's, and 订单ID (read as 订单id)
// the order's ID, as 客户ID is the customer's; 成本 is the cost of goods
// of the row, as cost is (a unit cost, 成本价 or 单位成本, is not listed);
// 折扣金额 is the money taken off, the discount, but 折扣 alone is not
// listed, as Chinese exports write a rate in it (8折, 0.8: 80% of the
// price), which is no money; 客户类型, the type of customer, is retail
// or trade (零售, 批发, 经销商), the kind. Columns the rules do not read
// (a channel, 渠道; a size, 尺码; a season, 季节; an article number, 款号
// or 货号) are not listed: their names change nothing.
//
// Synonyms, each of the meaning of its column in the format: 销售数量 and
// 商品数量 (units sold) are the quantity; 优惠金额 and 折扣额 (the money
// taken off) the discount; 下单时间, 交易时间 and 销售时间 (the time of the
// order, of the sale) the date; 单据编号, 销售单号 and 小票号 (the number
// of the sale's document, of its receipt) the order's ID; 客户编码,
// 会员编码 and 顾客id the customer's ID; 销售成本 (the cost of the goods
// sold) the cost; 商品分类 the category; 币别 (as Taiwan's exports name
// it) the currency. Names are listed in simplified script:
// [chineseColumn] reads one in traditional script (訂單號, 數量, 幣種) as
// its simplified form.
var chineseNames = map[string]string{
	"客户编号": ColCustomerID,
	"客户id": ColCustomerID,
	"客户号":  ColCustomerID,
	"客户代码": ColCustomerID,
	"顾客编号": ColCustomerID,
	"会员编号": ColCustomerID,
	"会员号":  ColCustomerID,
	"会员id": ColCustomerID,
	"会员卡号": ColCustomerID,
	"日期":   ColDate,
	"销售日期": ColDate,
	"订单日期": ColDate,
	"交易日期": ColDate,
	"下单日期": ColDate,
	"单据日期": ColDate,
	"业务日期": ColDate,
	"金额":   ColAmount,
	"销售金额": ColAmount,
	"实收金额": ColAmount,
	"实付金额": ColAmount,
	"成交金额": ColAmount,
	"销售额":  ColAmount,
	"订单号":  ColOrderID,
	"订单编号": ColOrderID,
	"订单id": ColOrderID,
	"单号":   ColOrderID,
	"数量":   ColQuantity,
	"成本":   ColCost,
	"成本金额": ColCost,
	"折扣金额": ColDiscount,
	"币种":   ColCurrency,
	"货币":   ColCurrency,
	"客户类型": ColKind,
	"品类":   ColCategory,
	"类别":   ColCategory,
	"商品类别": ColCategory,
	"销售数量": ColQuantity,
	"商品数量": ColQuantity,
	"优惠金额": ColDiscount,
	"折扣额":  ColDiscount,
	"下单时间": ColDate,
	"交易时间": ColDate,
	"销售时间": ColDate,
	"单据编号": ColOrderID,
	"销售单号": ColOrderID,
	"小票号":  ColOrderID,
	"客户编码": ColCustomerID,
	"会员编码": ColCustomerID,
	"顾客id": ColCustomerID,
	"销售成本": ColCost,
	"商品分类": ColCategory,
	"币别":   ColCurrency,
}

// NamedInChinese reports whether name, a header name as [NewLayout]
// reads it (trimmed, in lower case), is one that Chinese ERP and POS
// exports give column (订单号 for order_id, 实收金额 for amount), also
// with a unit in brackets, spaces inside or in traditional script
// (成本（元）, 订单 号, 訂單號: [chineseColumn]). No column is read by
// such a name: NewLayout names a required column so named in the error
// of a missing one; a reader may warn of an optional one, as of one
// named in another style ([NamedLike]).
func NamedInChinese(name, column string) bool {
	c := chineseColumn(name)
	return c != "" && c == column
}

// NamedLike reports whether name, a header name as [NewLayout] reads it
// (trimmed, in lower case), is column written in another style: equal
// to it without spaces, hyphens, underscores and points, and not equal
// to it ("customer id", "customerid", "customer-id" for customer_id).
// NewLayout names such a column in the error of a missing required one;
// a reader may warn of an optional one so named, which is not read.
func NamedLike(name, column string) bool {
	return name != column && squash(name) == squash(column)
}

// squash returns name without spaces, hyphens, underscores and points.
func squash(name string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '.':
			return -1
		}
		return r
	}, name)
}

// headerName is field i of a header row as a name: trimmed of spaces and
// in lower case, without the byte order mark that may start the first.
func headerName(i int, f string) string {
	if i == 0 {
		f = strings.TrimPrefix(f, "\ufeff")
	}
	return strings.ToLower(strings.TrimSpace(f))
}

// RepeatsHeader reports whether rec is the header row again (see the
// package comment): whether it has the header's number of fields and
// each of its fields, read as NewLayout reads a name (trimmed of
// spaces, in lower case, the first without a byte order mark), is the
// header's name at its place. A row with the names in another order, or
// one name more or less, is no repeated header.
func (l *Layout) RepeatsHeader(rec []string) bool {
	if len(l.Header) == 0 || len(rec) != len(l.Header) {
		return false
	}
	for i, f := range rec {
		if headerName(i, f) != l.Header[i] {
			return false
		}
	}
	return true
}

// Used returns one more than the largest index of a known column: the
// fields of a record past it are never read.
func (l *Layout) Used() int {
	return 1 + max(l.CustomerID, l.Date, l.Amount, l.OrderID, l.Quantity, l.Cost, l.Currency, l.Kind, l.Category, l.Discount)
}

// Row is one parsed row. Its strings are the record's own (trimmed), so
// they share the memory of the record.
type Row struct {
	// CustomerID is never empty.
	CustomerID string
	// Date is the calendar day of the row.
	Date customer.Date
	// OrderID is empty when the export has no order_id or the field is
	// empty: the row's order is then its customer's order of that day.
	OrderID string
	// Amount is the money of the row, negative for a refund.
	Amount decimal.Decimal
	// Units is the quantity, 0 when absent.
	Units int
	// Cost is the cost of goods of the row, when given.
	Cost decimal.NullDecimal
	// Discount is the money taken off the row's list price, when given
	// ([customer.Sale].Discount).
	Discount decimal.NullDecimal
	// Currency is empty when not given.
	Currency customer.Currency
	// Kind is zero when not given.
	Kind customer.Kind
	// Category is empty when not given.
	Category string
}

// FieldError is a record or a row that the rules reject: the field (its
// index in the record, -1 when the error is not that of one field), its
// column, its text, the reason and the reason's code.
type FieldError struct {
	Field  int
	Column string // empty for an error of the whole record
	Value  string
	// HasValue says Value is shown (it may be empty, as in amount "").
	HasValue bool
	Reason   string
	// Code is the kind of the fault, the same for every row rejected
	// for it whatever the row's values (which Reason may name): the
	// rules set it where they make the error. It is not part of the
	// message.
	Code Code
}

// Code is the kind of fault of a [FieldError]: a reader that skips
// malformed rows can count them by column and Code, since Reason may
// name the values at fault (a customer ID, a count, a currency).
type Code uint8

// The codes of a FieldError.
const (
	// CodeUnknown is the zero Code: an error made without one, or a
	// fault of a sale that no other Code names (a negative cost on a
	// sale, which [customer.Summary.AddSale] rejects; a currency that is
	// not known, handed to [Add] by a reader of its own). The first part
	// of Reason, up to its first "; ", names it.
	CodeUnknown Code = iota
	// CodeFieldCount: the record has not the header's number of fields
	// ([Layout.Parse]), or a reader split fewer than the columns need
	// ([Layout.ParseUsed]). Column is empty.
	CodeFieldCount
	// CodeInvalid: a field does not parse, or its text is refused (an
	// empty customer_id, an ID that is not UTF-8 or holds a control
	// character). Reason is the reason of that fault alone (an amount
	// of more decimals than [customer.ParseAmount] takes counts them).
	CodeInvalid
	// CodeNotInteger: a quantity that is not an integer ([ParseUnits]);
	// Reason may add a hint on thousands separators.
	CodeNotInteger
	// CodeEarlier: the row's kind or currency is not the one the
	// customer's earlier rows have ([Add]).
	CodeEarlier
	// CodeSign: units of the other sign than the amount.
	CodeSign
	// CodeMaxUnits: units beyond ±[customer.MaxLineQuantity].
	CodeMaxUnits
	// CodeOverflow: a total of the customer's summary would not fit in
	// an int ([customer.ErrOverflow]).
	CodeOverflow
	// CodeTooEarly: a row dated before 1 January
	// [customer.MinRecordYear].
	CodeTooEarly
	// CodeDecimals: an amount, cost or discount with more decimals than
	// [customer.ParseAmount] takes, handed to [Add] by a reader of its
	// own.
	CodeDecimals
	// CodeIntegerDigits: an amount, cost or discount with more integer
	// digits than customer.ParseAmount takes, handed to Add by a reader
	// of its own.
	CodeIntegerDigits
)

var codeNames = [...]string{
	CodeUnknown:       "unknown",
	CodeFieldCount:    "field count",
	CodeInvalid:       "invalid",
	CodeNotInteger:    "not an integer",
	CodeEarlier:       "differs from earlier rows",
	CodeSign:          "sign",
	CodeMaxUnits:      "maximum units",
	CodeOverflow:      "overflow",
	CodeTooEarly:      "too early",
	CodeDecimals:      "decimals",
	CodeIntegerDigits: "integer digits",
}

// String returns the name of c, "Code(n)" for a c not listed.
func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// Error returns `amount "12x": not a decimal number`, or the reason alone
// for an error of the whole record.
func (e *FieldError) Error() string {
	if e.Column == "" {
		return e.Reason
	}
	if e.HasValue {
		return e.Column + " " + quoteShort(e.Value) + ": " + e.Reason
	}
	return e.Column + ": " + e.Reason
}

// valueError is the error of a field that does not parse or whose text
// is refused (CodeInvalid).
func valueError(field int, column, value, reason string) *FieldError {
	return &FieldError{Field: field, Column: column, Value: value, HasValue: true, Reason: reason, Code: CodeInvalid}
}

// field returns field i of rec, trimmed; "" for an absent column.
func field(rec []string, i int) string {
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// Parse parses record rec into r (overwriting it). A record without the
// header's number of fields, or a field that does not parse, is a
// *FieldError; r is then not to be used. The texts are checked last
// ([IDProblem], [TextProblem]), so a row with another fault too reports
// that fault.
func (l *Layout) Parse(rec []string, r *Row) *FieldError {
	if len(rec) != l.Fields {
		return &FieldError{Field: -1, Reason: FieldCount(len(rec), l.Fields) + FullWidthCommas(rec, l.Fields), Code: CodeFieldCount}
	}
	return l.ParseUsed(rec, r)
}

// ParseUsed is Parse for a reader that has checked the record's number of
// fields itself and split only the fields it reads: rec holds at least
// the first [Layout.Used] fields of the record.
func (l *Layout) ParseUsed(rec []string, r *Row) *FieldError {
	if len(rec) < l.Used() {
		return &FieldError{Field: -1, Reason: fmt.Sprintf("%d fields split, the columns need %d", len(rec), l.Used()), Code: CodeFieldCount}
	}
	*r = Row{}
	if r.CustomerID = field(rec, l.CustomerID); r.CustomerID == "" {
		return valueError(l.CustomerID, ColCustomerID, rec[l.CustomerID], "empty") // as written: spaces show
	}
	s := field(rec, l.Date)
	var why string
	if r.Date, why = ParseDate(s); why != "" {
		return valueError(l.Date, ColDate, s, why)
	}
	s = field(rec, l.Amount)
	if r.Amount, why = ParseAmount(s); why != "" {
		return valueError(l.Amount, ColAmount, s, why)
	}
	r.OrderID = field(rec, l.OrderID)
	if s = field(rec, l.Quantity); s != "" {
		if r.Units, why = ParseUnits(s); why != "" {
			fe := valueError(l.Quantity, ColQuantity, s, why)
			if why != unitsRange {
				fe.Code = CodeNotInteger
			}
			return fe
		}
	}
	if s = field(rec, l.Cost); s != "" {
		d, why := ParseAmount(s)
		if why != "" {
			return valueError(l.Cost, ColCost, s, why)
		}
		r.Cost = decimal.NewNullDecimal(d)
	}
	if s = field(rec, l.Discount); s != "" {
		d, why := ParseDiscount(s)
		if why != "" {
			return valueError(l.Discount, ColDiscount, s, why)
		}
		r.Discount = decimal.NewNullDecimal(d)
	}
	if s = field(rec, l.Currency); s != "" {
		cur, err := customer.ParseCurrency(strings.ToUpper(s))
		if err != nil {
			return valueError(l.Currency, ColCurrency, s, "unknown ISO 4217 currency code"+CurrencyHint(s))
		}
		r.Currency = cur
	}
	if s = field(rec, l.Kind); s != "" {
		k, why := ParseKind(s)
		if why != "" {
			return valueError(l.Kind, ColKind, s, why)
		}
		r.Kind = k
	}
	r.Category = field(rec, l.Category)
	return l.checkTexts(r)
}

// Blank reports whether every field of rec is empty once trimmed of
// surrounding spaces, as the fields of a row are read: a blank row (see
// the package comment). A record of no fields is blank.
func Blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// ParseDate parses the date field as [customer.ParseDay] does, and
// reads a leap second too; the reason is empty when it parses.
//
// RFC 3339 allows a second 60 (§ 5.6, time-second 00–60), which
// time.Parse and so customer.ParseDay refuse, only where a leap second
// may be (§ 5.7): "at the end of months in which a leap second occurs",
// the last minute of a month in UTC, as 2016-12-31T23:59:60Z; "in time
// zones other than Z, the leap second point is shifted by the zone
// offset", so that RFC 3339 § 5.8 writes one 1990-12-31T15:59:60-08:00.
// As the table of leap seconds to come cannot be known, ParseDate reads
// second 60 of the last minute of every month: 23:59 in UTC of the
// month's last day, the minute written shifted back by the offset
// written (Z, +00:00 and -00:00 shift it by nothing). A timestamp without
// an offset names no zone to shift by: it is read as written, as if in
// UTC (2016-12-31 23:59:60), as its day is the day written. Second 60 of
// any other minute (23:58:60, 2016-12-31T23:59:60+01:00, which is
// 22:59:60 in UTC) or of a day that ends no month in UTC
// (2016-12-15T23:59:60Z) is an error.
//
// The day of a leap second is the day written, in its own offset, as
// that of 23:59:59 written there (1991-01-01T00:59:60+01:00 is on
// 1 January); the instant is the second after 23:59:59 (as time.Date
// normalises second 60), which only the day of the row keeps.
func ParseDate(s string) (customer.Date, string) {
	d, err := customer.ParseDay(s)
	if err != nil {
		if d, ok := leapDay(s); ok {
			return d, ""
		}
		return 0, customer.WantDay
	}
	return d, ""
}

// leapDay returns the day of s, a timestamp with a leap second (see
// ParseDate): one that customer.ParseDay reads with second 59 in place of
// 60, whose minute, shifted back by its offset (none without one), is
// 23:59 of the last day of a month. It runs only on a date that ParseDay
// refuses.
func leapDay(s string) (customer.Date, bool) {
	if len(s) < 19 || s[16] != ':' || s[17:19] != "60" {
		return 0, false
	}
	d, err := customer.ParseDay(s[:17] + "59" + s[19:])
	if err != nil {
		return 0, false
	}
	// ParseDay read YYYY-MM-DD, a separator and hh:mm:ss, then an
	// optional fraction and an optional Z, z or ±hh:mm offset, all
	// digits where digits go.
	num := func(t string) int { return int(t[0]-'0')*10 + int(t[1]-'0') }
	const day = 24 * 60
	utc := num(s[11:13])*60 + num(s[14:16]) // minute of the day written
	if n := len(s); s[n-6] == '+' || s[n-6] == '-' {
		off := num(s[n-5:n-3])*60 + num(s[n-2:])
		if s[n-6] == '-' {
			off = -off
		}
		utc -= off // in (-day, 2·day)
	}
	inUTC := d // the day in UTC
	switch utc {
	case day - 1: // 23:59 of the day written
	case -1: // 23:59 of the day before: the offset is ahead of UTC
		inUTC--
	default:
		return 0, false
	}
	if (inUTC + 1).Time().Day() != 1 {
		return 0, false // the day in UTC ends no month
	}
	return d, true
}

// ParseAmount parses an amount or a cost with [customer.ParseAmount]; the
// reason is empty when it parses, else that of ParseAmount without the
// quoted text that it puts first.
func ParseAmount(s string) (decimal.Decimal, string) {
	d, err := customer.ParseAmount(s)
	if err != nil {
		if s == "" {
			return d, "empty"
		}
		return d, strings.TrimPrefix(err.Error(), strconv.Quote(s)+": ")
	}
	return d, ""
}

// ParseDiscount parses a discount as [ParseAmount] parses an amount; a
// percentage ("10%") or a rate in 折 ("8折", as Chinese shops write 80%
// of the price) is refused with a reason that says the column holds
// money. The reason is empty when it parses.
func ParseDiscount(s string) (decimal.Decimal, string) {
	d, why := ParseAmount(s)
	switch {
	case why == "":
	case strings.HasSuffix(s, "%"):
		why += NotPercent
	case strings.HasSuffix(s, "折"):
		why += NotZhe
	}
	return d, why
}

// NotZhe ends the reason [ParseDiscount] gives for a rate in 折, the
// share of the list price paid in tenths (8折 is 80% of it, 20% off).
const NotZhe = " (the discount column holds the money taken off the row's list price, not a rate in 折 (8折 is 80% of the price): rename the column to leave it unread)"

// NotPercent ends the reason [ParseDiscount] gives for a percentage.
const NotPercent = " (the discount column holds the money taken off the row's list price, not a percentage: rename the column to leave it unread)"

// FieldCount is the reason given for a row of n fields under a header of
// header fields: "1 field, the header has 3".
func FieldCount(n, header int) string {
	if n == 1 {
		return fmt.Sprintf("1 field, the header has %d", header)
	}
	return fmt.Sprintf("%d fields, the header has %d", n, header)
}

// ParseUnits parses a quantity: an integer of absolute value at most
// [MaxUnits]. An integer written with a fraction of one or two zeros
// ("2.0", "-1.00") is that integer: pandas and spreadsheets write an
// integer column that has blanks so ([WholeNumber]). The reason is empty
// when it parses.
func ParseUnits(s string) (int, string) {
	n, err := strconv.Atoi(WholeNumber(s))
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, unitsRange
	case err != nil && thousands(s):
		return 0, NotInteger + " (1 or 1000, with a thousands separator?)"
	case err != nil:
		if w, ok := fullWidthInteger(s); ok {
			return 0, NotInteger + " (full-width digits: write them as ASCII digits, " + strconv.Itoa(w) + ")"
		}
		return 0, NotInteger
	}
	if n > MaxUnits || n < -MaxUnits {
		return 0, unitsRange
	}
	return n, ""
}

// NotInteger is the reason [ParseUnits] gives for a quantity that is no
// integer, or its first part, before a hint on thousands separators or
// on full-width digits.
const NotInteger = "not an integer"

// unitsRange is the reason ParseUnits gives for a quantity beyond
// ±MaxUnits.
const unitsRange = "out of range (|quantity| ≤ 1e9)"

// WholeNumber returns s without a fraction of one or two zeros: "12" for
// "12.0" or "12.00". Any other s is returned as it is: "12.5", ".0", and
// "12.000", which may be twelve thousand written with a thousands
// separator (a group of three digits) as well as twelve.
func WholeNumber(s string) string {
	dot := strings.IndexByte(s, '.')
	if dot <= 0 || s[dot-1] < '0' || s[dot-1] > '9' {
		return s
	}
	switch s[dot+1:] {
	case "0", "00":
		return s[:dot]
	}
	return s
}

// thousands reports whether s is digits, a dot and groups of three
// digits: a number a thousands separator may have written.
func thousands(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for i, p := range parts {
		if i > 0 && len(p) != 3 {
			return false
		}
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// ParseKind parses a kind, in any case: consumer, intermediary or an
// intermediary role ([customer.ParseKind]). The reason is empty when it
// parses; for a kind written in Chinese it ends in what to write instead
// ([chineseKinds]).
func ParseKind(s string) (customer.Kind, string) {
	switch s {
	case "consumer":
		return customer.Consumer, ""
	case "intermediary":
		return customer.Intermediary, ""
	}
	k, err := customer.ParseKind(strings.ToLower(s))
	if err != nil {
		why := "want consumer or intermediary (or dealer, franchisee, wholesaler, agent)"
		if h, ok := chineseKinds[s]; ok {
			why += "; " + strconv.Quote(s) + " is " + h
		}
		return 0, why
	}
	return k, ""
}

// chineseKinds are the kinds of customer that Chinese exports write in
// their type-of-customer column (客户类型), with what each is and what to
// write: 零售 (retail), 散客 (a walk-in customer) and 个人 (a private
// person) buy for themselves, consumer; 批发 (wholesale), 经销商 (a
// dealer), 加盟商 (a franchisee), 代理商 (an agent) and 分销商 (a
// distributor) buy to sell on, intermediary, with the role of
// [customer.Role] where one is its own (a distributor is a dealer or a
// wholesaler, which the word does not tell). In simplified and in
// traditional script. [ParseKind] gives the hint; the value is refused
// all the same.
var chineseKinds = map[string]string{
	"零售":  "retail: write consumer",
	"散客":  "a walk-in customer: write consumer",
	"个人":  "a private person: write consumer",
	"個人":  "a private person: write consumer",
	"批发":  "wholesale: write intermediary (or wholesaler)",
	"批發":  "wholesale: write intermediary (or wholesaler)",
	"批发商": "a wholesaler: write intermediary (or wholesaler)",
	"批發商": "a wholesaler: write intermediary (or wholesaler)",
	"经销商": "a dealer: write intermediary (or dealer)",
	"經銷商": "a dealer: write intermediary (or dealer)",
	"加盟商": "a franchisee: write intermediary (or franchisee)",
	"代理商": "an agent: write intermediary (or agent)",
	"分销商": "a distributor: write intermediary",
	"分銷商": "a distributor: write intermediary",
}

// quoteShort quotes an offending value for an error message, cut to its
// first 40 bytes (on a character boundary) with the full length noted, so
// that a binary file or a runaway field does not flood the terminal.
// It quotes as quoteValue does.
func quoteShort(v string) string {
	const keep = 40
	if len(v) <= keep+16 {
		return quoteValue(v)
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return quoteValue(v[:cut]) + "… (" + strconv.Itoa(len(v)) + " bytes)"
}

// quoteValue quotes v as [strconv.Quote] does, but for a v that is not
// valid UTF-8, of which every byte ≥ 0x80 is written as \xNN: the bytes
// of a text in another encoding are then shown as they are, not some of
// them as the characters they happen to form in UTF-8 (the GBK bytes of
// "连衣裙" end with 0xC8 0xB9, which is "ȹ" in UTF-8).
func quoteValue(v string) string {
	if utf8.ValidString(v) {
		return strconv.Quote(v)
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= utf8.RuneSelf {
			const hex = "0123456789abcdef"
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
			continue
		}
		q := strconv.Quote(v[i : i+1])
		b.WriteString(q[1 : len(q)-1])
	}
	b.WriteByte('"')
	return b.String()
}

// SeparatorLine reports whether the fields of a file's first line are
// the line "sep=X" (in any case, quoted or not) with which spreadsheets
// name the field separator X of a file, and returns X. "sep=," unquoted
// reads as the two fields "sep=" and "". A reader passes over the line
// when X is a comma and refuses the file otherwise.
func SeparatorLine(fields []string) (sep string, ok bool) {
	switch {
	case len(fields) == 2 && strings.EqualFold(fields[0], "sep=") && fields[1] == "":
		return ",", true
	case len(fields) == 1 && len(fields[0]) > 4 && strings.EqualFold(fields[0][:4], "sep=") &&
		utf8.RuneCountInString(fields[0][4:]) == 1:
		return fields[0][4:], true
	}
	return "", false
}
