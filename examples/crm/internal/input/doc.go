// Package input reads the sales exports of the crm command and summarises
// them per customer, streaming: a file is read once, row by row, and the
// memory kept grows with the number of customers (and their orders), never
// with the number of rows, so files of many gigabytes work.
//
// # Formats
//
// [CSV] is a header row and then one row per order line (or per order).
// A first line "sep=," (in any case, quoted or not), with which
// spreadsheets name the field separator, is passed over and the header is
// the line after it; one naming another separator ("sep=;") is an error
// that says the file must be comma-separated.
// Columns are found by header name (trimmed, case-insensitive, a UTF-8 byte
// order mark is ignored), in any order; unknown columns are ignored.
// Required: customer_id, date (YYYY-MM-DD, a timestamp YYYY-MM-DD hh:mm:ss
// without offset, which belongs to the day written, or RFC 3339, which
// belongs to the calendar day of its own offset: see customer.ParseDay;
// a leap second, second 60 of the last minute of a month in UTC
// (2016-12-31T23:59:60Z, 2016-12-31T15:59:60-08:00; 23:59:60 of a
// month's last day without an offset), belongs to the day written, and
// second 60 of any other minute is malformed: see salesrow.ParseDate;
// one written for people, 05/03/2024, 2024/03/05, 20240305, 2024年3月5日,
// in full-width digits, a serial day number or an offset without its
// colon, is malformed with a hint, and so
// is a time written otherwise after a right day: 10:00 PM, 10:00:00 UTC,
// or 10:00:00+01, an offset of hours only as PostgreSQL writes it, and
// an offset out of RFC 3339's range, -24:00 or +23:60, which time.Parse
// reads but no zone has; a day the calendar has not, 2023-02-29, is
// named, and the hint for its time follows when that is wrong too; a
// placeholder for a missing date, 0000-00-00, 1899-12-30 or 0001-01-01,
// is refused with a hint that says so),
// amount (a plain decimal number, negative for a return or cancellation;
// one formatted for people, with a currency sign, a decimal comma,
// thousands separators, a negative in parentheses or in scientific
// notation, with 元 or RMB, in 万 or in full-width digits, is malformed
// with a hint: package internal/rowhint). Optional: order_id, quantity (integer; 2.0 or 2.00,
// as pandas writes an integer column with blanks, is 2; 2.000 is
// refused, as it may be 2000 with a thousands separator), cost (decimal cost of goods of the row),
// discount (decimal, the money taken off the row's list price, written
// with either sign: its size counts. A sale counts in Gross at its list
// price, amount + |discount|, in Discounts at |discount|, and in
// FullPriceNet only when the discount is zero; a refund whose discount
// is zero comes off FullPriceNet; an exchange's is left out. An empty
// field, or no column, is no discount known, and a sale then counts at
// full price: customer.Summary.AddSale; salesrow, "Exports and full
// records". One written for people is malformed with the hint of an
// amount, and one written as a percentage, 10%, with a reason that says
// the column holds money), currency
// (ISO 4217), kind (consumer, intermediary, or an intermediary role such as
// wholesaler), category. Other columns of the format (channel, sku, size,
// season) are accepted and not used. An optional column named in another
// style ("Order ID"), as Chinese ERP exports name it (订单号, 数量, 成本,
// 折扣金额, 币种, 客户类型, 品类, also 成本（元）, 订单 号, 訂單號 or
// 销售数量: salesrow.NamedInChinese), as the Online
// Retail exports name it (InvoiceNo
// or Invoice for order_id), or as Shopify's order exports name a
// discount (Lineitem discount, Discount Amount), is not read, and the
// reader reports it ([Misnamed]); a header without date or amount names the columns of
// those exports that stand for them (InvoiceDate; UnitPrice or Price,
// which is a price per unit, not an amount: exportHints). The error of
// a header refused also names its fields that hold a control character
// (a NUL byte, a line break within quotes), which no column name has
// (controlHints). Fields are trimmed of surrounding spaces; an empty
// optional field counts as absent. A customer_id or
// order_id that is not UTF-8 or holds a control character or a byte
// order mark (that of a second file put after the first), and a
// category that is not UTF-8, make the row malformed, as
// customer.Validate refuses such an ID (salesrow.IDProblem,
// salesrow.TextProblem): an export saved in
// Latin-1 or Windows-1252, or in GBK or GB18030, is reported, with a
// hint on converting it that names the encoding its bytes suggest, or
// both when they do not tell (salesrow.NotUTF8GB, salesrow.NotUTF8Either),
// rather than passed on to outputs that would then be no UTF-8 either; a
// text of UTF-8 Chinese cut short within its last character, as a field
// cut to a number of bytes is, is told that no conversion mends it
// (salesrow.NotUTF8Cut).
// Columns that are not read are not checked. A header and rows that end
// in a comma, as spreadsheets write an empty last column, read as the
// file without it: an unnamed column is not read. When only the header,
// or only a row, ends in commas, the row is malformed (its number of
// fields is not the header's) and its error says which line to mend
// (layout.fieldCount):
//
//	orders.csv:2: 3 fields, the header has 4; the header's last field has no name (a comma at the end of the header line): remove that comma, or end every row with one
//
// These are the rules of
// package salesrow, which the exact path of the reader calls and the fast
// path of ScanCSV reproduces.
//
// [CDNOW] is the whitespace-separated format of the CDNOW transaction
// files: an optional header line, then four columns customer_id
// date(YYYYMMDD) quantity amount, or five columns master_id customer_id
// date quantity amount. The first non-empty line is a header when it has
// 4 or 5 fields and none of them starts with a digit, a sign or a point
// ("customer_id date quantity amount"); any other first line is data. A
// data line never has that shape (its date is eight digits), so none is
// dropped as a header, and a malformed first line with a numeric field
// ("00001 0001 Jan-01-1997 1 29.33") is reported like any other. Every line must have the
// column count of the first data line, but for lines without a field and
// lines that repeat the header line (see Blank rows and Repeated
// headers below), which are passed over and counted. An all-digit customer ID loses its
// leading zeros ("0001" is customer "1"), as in the ID column of the CDNOW
// summary files.
//
// # Errors
//
// A malformed row gives a [*RowError] naming file, line, column and
// reason, such as
//
//	orders.csv:5: amount "12x": not a decimal number
//
// A field that opens with spaces and a quote (`C1, "2024-01-05"`, as a
// program that joins quoted fields with ", " writes it) is malformed, as
// a quote opens a quoted field only right after the comma (RFC 4180);
// its error, of the header or of a row, says to remove the spaces.
//
// Skipped rows (SkipInvalid) are counted by fault in Result.Skips and
// Table.Skips: by column and by the kind of their reason
// ([RowError.Kind]), the reason without the parts that vary from row to
// row (the value, a count, a customer ID, a hint on the value), so that
// the 4,100 rows without a customer ID and the three amounts "12x" of an
// export are two counts. Every read path counts the same. A count whose
// reason is that of GBK/GB18030 text (salesrow.NotUTF8GB) goes with a
// note ([GBKNote]): the rows of such a file that were read may hold
// garbled text, and the whole file is to be converted. A reason that
// names GBK or Windows-1252 (salesrow.NotUTF8Either) gets none.
//
// A reader can go on after a *RowError (the caller decides whether to
// skip); any other error ends the file. A physical line longer than
// [MaxLineBytes] (without its line break, LF or CRLF) is a malformed
// row, in both formats, reported at its line; so is a csv record whose
// quoted field is still open MaxLineBytes bytes after the record starts
// (a field of many lines that long, or a quote missing where the lines
// that follow are no rows), reported at the line the record starts on,
// with the column and the limit:
//
//	orders.csv:6: line longer than 1048576 bytes
//	orders.csv:7: note: record longer than 1048576 bytes: its quoted field is still open there (a quote missing, or a field that long)
//
// The line of such a row is its first physical line, and the reader goes
// on with the line after it, as after any malformed record: the rest of
// a line too long is read past without being kept, so that memory stays
// bounded however long it is (a file without line breaks), and the lines
// of a record too long, where it ends cannot be told, are read as rows
// (or reported) of their own. In the csv header either ends the file. A
// read that stops at such a line (in the header, or without SkipInvalid)
// reads no further than a few blocks of it.
//
// An input that starts as no UTF-8 text does is an error that names the
// input and says what it is and what to do, rather than one about a
// stray quote or the columns of a header that is no text: gzip-compressed
// (it starts with 0x1f 0x8b), or compressed with bzip2, xz, zstd or lz4,
// a zip archive such as a spreadsheet workbook (.xlsx, .ods: "PK\x03"),
// a 7-Zip archive, an Excel 97-2003 workbook (.xls), a Parquet file,
// UTF-16 text with its byte order mark, as spreadsheets save "Unicode
// text", or without it, or a file with NUL bytes at its start (notText):
//
//	orders.csv: the file is gzip-compressed, not text: decompress it first (gunzip FILE, or gunzip -c FILE | crm … -in -)
//
// A Ctrl-Z (0x1A) or a run of them at the very end of the input, the
// end-of-file mark of DOS text files that old ERP exports still write,
// carries no data and is passed over, in both formats (trimEOF).
//
// A first line (the CSV header, the first CDNOW line) that holds a
// carriage return not followed by a line feed is an error that says the
// lines seem to end with CR alone, as in the "CSV (Macintosh)" of old
// spreadsheets, which neither format reads. Such a file is one line, so
// past MaxLineBytes it is a line too long, whose error says the same:
//
//	orders.csv:1: header: line longer than 1048576 bytes; the line holds a carriage return (CR) not followed by a line feed: the lines of the file seem to end with CR alone (old Mac text); want LF or CRLF line ends
//
// # Blank rows
//
// A csv row whose every field is empty once trimmed (salesrow.Blank),
// such as the ",,,,,," or `"",""` rows that spreadsheets and ERP exports
// put after or between their data, carries no data: it is passed over,
// whatever its number of fields, and counted in Result.Blank (and
// Table.Blank), never in Rows or Skipped, so SkipInvalid does not
// change it. So is an empty line after the header, which encoding/csv
// skips. A row with one field filled is a row: an amount without a
// customer_id is malformed. Only a row that fails as one of the wrong
// width or without a customer ID is asked whether it is blank, so the
// question costs the rows of an export nothing. A record over several
// lines is a row only when it has the header's width (a quote closed
// lines after it opened a field is more likely a stray one): one of
// another width is malformed, blank or not. A file of blank rows only
// has no data rows ([ErrNoRows]).
//
// A CDNOW line without a field (empty, or of white space only) after the
// first non-empty line is passed over and counted in the same way
// ([CDNOWReader.Blank]); empty lines before that line are no rows.
//
// # Repeated headers
//
// A csv row that repeats the header (salesrow.Layout.RepeatsHeader), as
// `cat jan.csv feb.csv` makes of two exports with headers, carries no
// data either: its fields, trimmed and read as the header's names are
// (in any case, a byte order mark before the first ignored), are the
// header's one for one. It is passed over and counted in Result.Headers
// (and Table.Headers), never in Rows or Skipped, so SkipInvalid does not
// change it. A row that differs from the header in any field (another
// order, a column missing) is malformed as any other, since the rows after
// it would be read with columns that are not theirs. Only a row that
// fails to parse (a repeated header fails on its date) is asked whether
// it repeats the header, so the question costs the rows of an export
// nothing. A file of a header and repeated headers only has no data rows.
//
// A CDNOW line that repeats the header line the file starts with (the
// same words, in any case, a byte order mark before the first ignored)
// is passed over and counted in the same way ([CDNOWReader.Headers]),
// and only then: a line of other words, or of words in a file that
// starts without a header line, is malformed. It too is asked for only
// of a line that fails as one of the wrong width or on its fields, or
// that comes before the first data line.
//
// # Rows
//
// A row with a positive amount is a sale, one with a negative amount a
// refund (a return or cancellation, [customer.Summary.AddSale]). A row
// with amount 0 and a negative quantity is an exchange: the units count as
// returned (and the return as an exchange), no money moves and no units
// are bought, and its cost, of either sign, is left out. An exchange is
// not a purchase: it opens no order, makes no day (no purchase day, no
// transaction of crm fit and score) and adds no category. Other
// zero-amount rows are sales of nothing (free goods) and count as
// transactions, as in the CDNOW data.
//
// # Currencies
//
// A row's currency is its currency field (an ISO 4217 code in any case,
// trimmed), or Options.Currency when the field is empty or the file has
// no currency column (a CDNOW file has none). A file holds one currency:
// that of its first row that parses; a row in another is malformed, and
// its error says how to read such a file:
//
//	orders.csv:7: currency "CHF": the file is in EUR, and one file holds one currency: analyse one at a time with -only-currency EUR or -only-currency CHF
//
// With [Options.Only], the file's currency is that one, and a row in
// another is left out before anything else reads it: it changes no
// summary, no order, no kind and no category, as a row dated after AsOf
// does not, and a customer whose rows are all in other currencies is no
// customer of the result. Such rows are counted in Rows and, by
// currency, in Result.Others (Table.Others), in no other count. The
// currency is read first, so a row in another currency is left out
// whatever else it holds, malformed or not (a date that does not parse,
// no customer ID, a kind contrary to the customer's earlier rows): that
// currency is not analysed, and its faults are not this analysis's. But
// a row is one of another currency only when its currency is known: a
// currency field that holds no ISO 4217 code leaves the row malformed as
// without Options.Only, and so does a row without the header's number of
// fields, or one the csv reader cannot cut (a stray quote, a line too
// long), whose fields cannot be told apart. A blank row and a row that
// repeats the header are passed over and counted as such, in whatever
// currency they would be. In the CDNOW format every line is in
// Options.Currency: with another Options.Only, every line of the file's
// number of fields is left out. Every read path (ScanCSV in each of its
// tiers, Summarize with [CSVReader] or [CDNOWReader], which it sets to
// pass over the malformed rows in another currency) leaves out and
// counts the same rows; the fast path of ScanCSV pays nothing for it, as
// it compares each row's currency with the file's already.
//
// # Money
//
// Amounts, costs and discounts are summed exactly. [Summarize] sums them
// in decimal arithmetic. [ScanCSV] sums them in fixed point, in three
// tiers per customer: counts of 10⁻⁴ in an int64 while its amounts,
// costs and discounts have at most four decimals (Gross at list price,
// Discounts and FullPriceNet each in a word of the customer's record);
// counts of 10⁻¹⁸ in 128 bits (two words)
// once one has more (up to 18, as the float noise of a spreadsheet's
// price × quantity, 15.299999999999999, has), the sums carried over
// exactly; and decimals, as Summarize, only for a customer with more
// decimals than that, more than 19 integer digits or a sum past what the
// words hold. The first two keep a customer in a record without pointers
// (wide.go); the third takes about ten times the memory. The summary of
// a customer of the second tier is, decimals to the exponent, the one
// the third would build from the summary of the first.
//
// # Orders
//
// Rows with the same order_id (per customer) are one order; without an
// order_id, one customer's rows on one calendar day are one order. To
// count orders without keeping order IDs, each customer keeps 64-bit
// hashes of its order keys, in a sorted slice or a hash set past
// [smallOrderSet] orders (orderKey: the ID a word at a time, each word
// folded in by MurmurHash3's finaliser), each with the state of its
// order (salesrow.Order): the day all its rows count on, whether it has a
// sale row, and its net so far, which moves with it. That is 16 bytes an
// order on the fast path (orderWords: the key, and a word holding the day,
// the sale bit and the net in 40 bits), as before the net was kept; 32 on
// the wide tier (wideOrderWords); on the decimal path a salesrow.Order,
// 24 bytes beside the key and the big.Int of its net. Order rows need not be adjacent, nor in date
// order: an order counts on the earliest day of its sale rows (of its
// rows, when it has no sale row; salesrow.Add), and a row dated before
// that day moves it there, with its count and its net. Two distinct order IDs of one customer with n orders collide
// with probability about n²/2⁶⁵, which would undercount one order.
package input
