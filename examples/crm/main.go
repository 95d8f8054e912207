// Command crm analyses a sales export: customer value and segments, "buy
// till you die" model fits and scores, churn risk, a visual HTML report,
// and synthetic test data.
//
//	crm segment  -in FILE -format csv -as-of YYYY-MM-DD -out OUT.csv
//	crm fit      -model MODEL -in FILE -format FMT -calibration-end YYYY-MM-DD -period day|week -json
//	crm score    -model MODEL -in FILE -format FMT -calibration-end YYYY-MM-DD -period day|week -horizon H [-spend gammagamma [-discount-rate R]] -out OUT.csv
//	crm batch    -in FILE -format csv -as-of YYYY-MM-DD [-model bgnbd] [-period week] [-horizon H] [-discount-rate R] -out OUT.csv
//	crm generate -customers N -seed S [-start YYYY-MM-DD] [-end YYYY-MM-DD] [-intermediaries SHARE] -out FILE
//	crm report   -in FILE -format csv -as-of YYYY-MM-DD [-holdout DAYS] [-top N] [-max-points N] -out report.html
//
// This comment is the command's contract (flags, formats, columns); `crm
// SUBCOMMAND -h` (or `crm help SUBCOMMAND`) lists every flag. Everything a
// person reads goes to stderr; data goes to -out, or to stdout when -out
// is absent or "-". An output file is written to a temporary file in the
// same directory and renamed at the end, so a failed run leaves no file
// behind, half-written or not. A file replaced keeps its permissions (a
// new one is 0644), and when -out is a symbolic link the file it points to
// is replaced, or created when the link dangles (as the shell's > does),
// and the link stays a link; a loop of links is an error. A device or
// named pipe is written directly. The names a flag takes (formats, models,
// periods) are read in any case: -model BGNBD is -model bgnbd. A flag
// given twice is a usage error that names it, rather than the last value
// taken and the first dropped: crm reads one -in, so exports of several
// months are put together first (cat jan.csv feb.csv > q1.csv; the
// header of the second is passed over, see Input).
//
// # Input
//
// -format csv (the default) reads a header row (after the line "sep=,"
// that spreadsheets may put first to name the separator, passed over; a
// "sep=;" line is an error that says the file must be comma-separated)
// and then one row per order line or per order, columns found by name in
// any order: customer_id, date (YYYY-MM-DD; YYYY-MM-DD hh:mm or hh:mm:ss, with T or a space and
// without offset; or RFC 3339; not before 1900: the day is the date
// written, in the zone of its offset; a leap second, second 60 of the
// last minute of a month in UTC, 2016-12-31T23:59:60Z or
// 2016-12-31T15:59:60-08:00, or 23:59:60 of a month's last day without
// an offset, is on the day written) and amount (decimal, negative for
// a return) are required; order_id, quantity, cost, discount, currency,
// kind and category are used when present; other columns are ignored.
// Names are trimmed and read in any case; a required column named in
// another style ("Customer ID", "CustomerID") is an error that names it,
// and an optional one so named ("Order ID" for order_id), or named as
// the Online Retail exports name it ("InvoiceNo" or "Invoice"), or as
// Shopify's order exports name a discount ("Lineitem discount",
// "Discount Amount"), or in Chinese ("订单号" for order_id, "数量",
// "成本", "折扣金额", "币种", "客户类型", "品类", also with a unit in
// brackets, "成本（元）", spaces inside, "订单 号", in traditional script,
// "訂單號", or by a synonym, "销售数量", "优惠金额"), is not read, as any
// other column, and stderr says
// so, naming the field and the column it would be (the UnitPrice and
// Price of the Online Retail exports are prices per unit, not the amount
// of a row: a header without amount says so). A header
// and rows that all end in a comma (an empty last column, as spreadsheets
// write it) read as without it; when only the header or only a row ends
// in commas, the row is malformed and its error says which to mend. A customer's rows with
// the same order_id are one order, also on different days (a return
// booked against its order); order IDs are not checked across customers,
// so one order_id under two customers counts as an order of each.
// All the rows of an order count on one day, as an order record and its
// refunds do: the day of its earliest sale row (an order whose sale rows
// fall on several days, a dealer billed per shipment under one order
// number, counts as a purchase there), or, for an order without a sale
// row (returns of goods bought before the export), of its earliest row;
// its other rows, refunds and later shipments, add their amounts to that
// day, wherever they are in the file: the rows need not be sorted by date
// (package salesrow, "Rows"). The optional discount column (the money
// taken off a row's list price) tells the sales at full price from the
// others, for the full-price share of the value models; without it every
// sale counts as sold at full price. What that and the rest change
// against the same facts recorded in full is in package salesrow,
// "Exports and full records".
// Without an order_id, a customer's rows on one day are one order.
// Customer IDs are taken as written: 12346.0, what a spreadsheet or
// pandas writes of a numeric ID column with blanks, is another customer
// than 12346, and stderr counts such IDs; so it counts IDs in scientific
// notation (1.23457E+11: a long numeric ID that a spreadsheet has cut to
// its first digits, which may make several customers one), and IDs that
// are the text of a missing value (nan, NULL, #N/A, NA, None: the rows
// without a customer, made one customer). A quantity of 2.0 or 2.00 is 2
// (pandas writes an integer column with blanks so); 2.000, which may be
// 2000 with a thousands separator, is refused.
// Amounts, costs and discounts are taken exactly as written, in decimal
// arithmetic: nothing is rounded, also not an amount with more decimals
// than the currency's minor unit (15.299999999999999, a unit price times
// a quantity written by a spreadsheet, is that number, and the net column
// shows such sums to their last digit). Round the export first where
// cents must add up to an invoice. A discount is the money taken off the
// row's list price, written with either sign (its size counts): a sale's
// list price is amount + |discount|; of a refund's discount only whether
// it is zero counts (zero: goods sold at full price came back); an
// exchange's is left out; an empty field is no discount known. One
// written as a percentage ("10%") is refused with a reason that says the
// column holds money. Customers refunded more at full price (refund rows
// with discount 0) than they bought at full price are counted on stderr,
// with the first of them: an export that writes 0 on the refunds of
// discounted goods makes them (and their full-price share 0). An amount, cost or discount formatted for people
// ("€12.50", "12.50 EUR", "12,50", "1,234.50", "(10.50)", "12.50-",
// "1.5E+02"; as Chinese exports and people write it, "12元", "RMB 12",
// "1.2万", or in full-width digits, "１２．５０") is refused, since which
// separator is the decimal one cannot always be told, with a hint on
// what to write instead; so is a date written for people (05/03/2024,
// which may be either day first or month first; 2024/03/05; 20240305;
// 2024年3月5日; full-width digits, ２０２４-０３-０５; 下午3:30 after the
// day; a spreadsheet's serial day number 45356;
// an offset without its colon, +0100; a time after the day in 12-hour
// form, with a zone name, or with an offset of hours only, +01, as
// PostgreSQL writes one, where the hint writes the timestamp as it
// should be; a placeholder for a missing date, MySQL's 0000-00-00, a
// spreadsheet's day 0 1899-12-30, or 0001-01-01). A day the calendar
// has not (2023-02-29) is named, and the hint for its time follows when
// that is wrong too. A customer with an amount, cost or discount
// of more than four decimals, up to eighteen (the float noise of a
// spreadsheet's price × quantity, such as 15.299999999999999), is summed
// in 128-bit fixed point: a file of such amounts takes about 1.1 times the
// time and under twice the memory per customer of the same file in cents.
// Only a customer with an amount, cost or discount of more than eighteen
// decimals or more than nineteen integer digits, or whose sums grow past
// what the 128-bit words hold (a day's net of about 4·10¹⁰ or more), is
// summed in decimal arithmetic, at about three times the time and ten
// times the memory per customer.
// -format cdnow reads the whitespace-separated CDNOW transaction files
// (4 or 5 columns, optional header); their all-digit customer IDs are
// numbers, written without leading zeros ("0001" is 1), as in the CDNOW
// summary files; its lines without a field, and the lines that repeat
// the header line the file starts with (two files joined by cat), are
// passed over and counted on stderr, as the blank and repeated header
// rows of csv are (below). Such a file that starts with a row, not a
// header line, read as csv is an error that says to read it with
// -format cdnow. -in - reads stdin. A UTF-8 byte order mark at the start
// of either format is skipped, and so is a Ctrl-Z (0x1A) at its very end,
// the end-of-file mark of DOS text files. An input that is no UTF-8 text
// (gzip-compressed, a zip archive such as an .xlsx workbook, or UTF-16 with its
// byte order mark or without it; also bzip2, xz, zstd or lz4, a 7-Zip
// archive, an .xls workbook, a Parquet file, or NUL bytes at its start)
// is an error that says so and what to do.
//
// Input flags shared by every subcommand that reads: -currency (of rows
// without one, default USD; a file holds one currency), -only-currency
// (below), -margin (gross margin assumed for rows without a cost, default
// 0.55), -kind (kind of customers whose rows name none, default
// consumer), -skip-invalid.
//
// A file holds one currency: a row in another than the first row's is
// an error that names both, `orders.csv:7: currency "CHF": the file is
// in EUR, and one file holds one currency: analyse one at a time with
// -only-currency EUR or -only-currency CHF`, since the thresholds of the
// value model are means of the population, which only make sense within
// one currency. An ERP with shops in several countries exports one file
// in several; -only-currency CODE (ISO 4217, any case) reads the rows in
// CODE only: the rows in other currencies (their own, or -currency for
// rows without one) are left out before anything else reads them, as
// rows after -as-of are: they change no customer, order, kind or
// category, a customer with no row in CODE is not in the output, and
// the output is, byte for byte, that of the file of the rows in CODE
// alone. Their count goes to stderr on the line of the row counts, by
// currency, most first ("1234 rows in other currencies left out (CHF
// 1000, USD 234)"). The currency of a row is read first, so a row in
// another currency is left out whatever else it holds, malformed or not
// (that currency's faults are not this analysis's); but a currency field
// that is no ISO 4217 code, a row without the header's number of fields
// and a line that cannot be cut into fields are malformed as without the
// flag, as their currency cannot be known. Blank rows and repeated
// headers are passed over as always. The cdnow format has no currency
// column: its rows are all in -currency.
//
// A customer_id or order_id that is no UTF-8 or holds a control
// character or a byte order mark (invisible: that of a second file put
// after the first with cat), or a category that is no UTF-8, makes its
// row malformed, in either format, as customer.Validate refuses such an
// ID: a file saved in Latin-1 or Windows-1252 gives `orders.csv:2: customer_id "M\xfcller":
// not UTF-8: the file may be Latin-1/Windows-1252; convert it with iconv
// -f WINDOWS-1252 -t UTF-8`, and one saved in GBK or GB18030, as Excel
// on a Chinese Windows and Chinese ERP and POS systems save CSV, gives
// `orders.csv:2: customer_id "\xd5\xc5\xc8\xfd": not UTF-8: the file may
// be GBK/GB18030 (Chinese, as Excel saves CSV on a Chinese Windows);
// convert it with iconv -f GB18030 -t UTF-8`, told apart by its bytes
// (both conversions are named when they do not tell:
// salesrow.NotUTF8Either); a text of UTF-8 Chinese cut short within its
// last character, as a field cut to a number of bytes is, is told that
// no conversion mends it (salesrow.NotUTF8Cut). Nothing is converted:
// the file is to be. Columns that are not read are
// not checked.
//
// A malformed row stops the run with an error naming file, line, column
// and reason (`orders.csv:5: amount "12x": not a decimal number`); with
// -skip-invalid it is skipped, and the count and the first ten errors go
// to stderr, then a count of all the rows skipped by column and reason,
// most first (`orders.csv: 4103 skipped rows by column and reason:
// customer_id: empty ×4100; amount: not a decimal number ×3`), so that no
// fault is hidden behind another. When a reason is that of GBK/GB18030
// text (not the one that names GBK or Windows-1252, which a UTF-8 file
// with one Windows-1252 row gets), a line after the count says that the
// rows read may hold garbled text (GBK bytes form UTF-8 by chance: "女"
// is "Ů") and to convert the whole file with iconv -f GB18030 -t UTF-8
// rather than skip rows. A kind
// written in Chinese is malformed with what to write: `kind "零售": want
// consumer or intermediary (or dealer, franchisee, wholesaler, agent);
// "零售" is retail: write consumer`. A quote that is not closed where the
// line ends makes its line malformed when the record it opens is no row
// of the file (it has not the header's number of fields, or takes in
// lines that are rows of their own): one stray quote costs one line, and
// the lines after it are read.
// A line longer than 1 MiB (1048576 bytes without its line break, LF or
// CRLF), in either format, is a malformed row at its line, and so is a
// csv record whose quoted field is still open 1 MiB after the record
// starts, at the line where it starts: the rest of such a line is read
// past without being kept, and the lines after it are read. In the csv
// header either stops the run. A file whose lines end with CR alone is
// one line, and its error says so.
// Rows dated after -as-of (segment, batch, report) or -calibration-end
// (fit, score) are left out and counted on stderr. Either date before
// 1900-01-01 is a usage error, as no row before it is read.
//
// A blank csv row, whose every field is empty once trimmed of spaces
// (`,,,,,,` or `"","",""`, of any number of fields), as spreadsheets and
// ERP exports write after or between their data, carries no data: it is
// passed over, and so is an empty line, and their count goes to stderr
// on the line of the row counts ("3 blank rows (no field filled) passed
// over"). They are not malformed rows: -skip-invalid neither skips nor
// lists them, and the output is that of the file without them. A row
// with one field filled is a row, so an amount without a customer_id
// stops the run; a blank record over several lines (a quoted field
// holding a line break) is malformed, as above, unless it has the
// header's number of fields. A file of blank rows only has no data
// rows, an error.
//
// A csv row that repeats the header, as `cat jan.csv feb.csv > q1.csv`
// makes of two exports with headers, carries no data either: a row whose
// fields, trimmed of spaces and in any case (a byte order mark before
// the first ignored), are the header's names one for one is passed over,
// and the count goes to stderr on the line of the row counts ("1
// repeated header row passed over"); -skip-invalid neither skips nor
// lists it. A row that differs from the header in any field (another
// order, a column missing) is malformed, since the rows after it would
// be read with the wrong columns.
//
// Progress of the read goes to stderr ("crm: orders.csv: 52.3M rows,
// 49% of 10.0GB, 1.9M rows/s", "crm: " first as in crm's other notes on
// stderr): on a terminal, one line rewritten in place; otherwise (a log,
// a pipe) a line of its own every 10 seconds once the read has taken
// that long, so a short run writes none.
//
// # Output
//
// Customer IDs are written as they are read (trimmed of surrounding
// spaces), byte for byte, quoted only as CSV requires, also those that
// start with =, +, - or @, which a spreadsheet opening the file may take
// for a formula (CSV formula injection). The output is data, joined back
// to the export by customer_id, so it is not altered: a leading
// apostrophe or tab would make another ID. Where the IDs come from
// untrusted sources, import the file into a spreadsheet with the
// customer_id column as text rather than opening it. The HTML report
// escapes every text it shows.
//
// crm segment writes customer_id, kind, current_value, potential_value,
// total_value, quadrant, r, f, m, rfm_segment, lifecycle, shop_type, then
// orders, net, currency and grade: the value, RFM, quadrant (above the
// mean of the customer's kind is high), lifecycle, shop-type and grade
// results of packages value and segment with their default models, one
// row per customer with a row on or before -as-of. A customer whose rows
// are only refunds (of goods bought before the export) has no purchase to
// score: r, f and m are 1 and rfm_segment is "none". The grade is the
// customer grade of package segment (segment.GradeOptions with its
// defaults) as its text: strategic (A), important (B) or ordinary (C).
// Customers are graded within their kind by rank of total value: the
// ⌈20%⌉ of highest total value are strategic, the next 30% important
// (up to ⌈50%⌉ by rank), the rest ordinary; customers of equal total
// value share the better grade, so a cut may take in more than its share
// when several tie at it; a potential-value customer who is not strategic
// is at least important. The grade is the last column, after every
// other column, so that the columns before it keep their places.
//
// crm fit prints the fitted parameters, the total log-likelihood in the
// chosen time unit, the customers used and the convergence diagnostics
// (one JSON object with -json). crm score writes customer_id, frequency,
// recency, T, p_alive and expected_purchases (the expected repeat
// purchases in the -horizon periods after the calibration end, from 0 to
// 100000, where 0 expects none; default 52 weeks or 365 days), plus clv
// with -spend gammagamma: the Gamma-Gamma expected spend per transaction times the expected purchases of each of
// the -horizon periods discounted at -discount-rate, an annual rate (default
// 0.10) converted to the period, in the currency of the input. Customers
// whose first purchase is on the calibration end (T = 0) are scored but
// left out of the fit; customers without any purchase are left out; both
// are counted on stderr.
//
// -model is bgnbd, paretonbd, mbgnbd (in fit, score and batch) or bgbb,
// and fit also takes gammagamma. bgbb, the BG/BB model of purchases at
// discrete opportunities, counts whole periods after the first purchase
// (customer.Summary.Opportunities): T is the number of whole days or
// weeks from the first purchase to the calibration end, frequency the
// number of them with a purchase (in weeks: a week's purchases count
// once), recency the last of them; a purchase in the week that the
// calibration end cuts short is not counted, and the -horizon is a whole
// number of periods. In days its triples are those of the other models.
//
// Gamma-Gamma is fitted to consumers and to intermediaries each on their
// own, since a dealer's order is often worth a hundred of a shopper's:
// with one fit, a one-time shopper's expected spend would be raised by
// the dealers'. The transaction model is fitted to all customers. A kind
// too small for a fit of its own uses the fit on all customers, and
// stderr says so; crm fit -model gammagamma fits all customers together
// (filter the rows by kind to fit one). A customer to whom the fit of its
// kind gives no finite expected spend (q ≤ 1 and no repeat purchase) has
// an empty clv, counted on stderr. So has a customer without a repeat
// purchase when the fit of its kind does not determine the mean spend
// p·v/(q−1) it would give them: the likelihood ratio of the fit against
// the best fit with q = 1 does not reject q ≤ 1 (its signed root is at
// most 1.96; churn.GammaGammaFit.MeanSpendDetermined), as when the kind's
// spend per order spreads over orders of magnitude; the line of that fit
// says so. A fit without that ratio (its fit at q = 1 found no finite
// likelihood or did not converge) is judged by the standard error of q,
// or, without one, by the least a fit on its customers can have
// (churn.GammaGammaFit.MeanSpendStdErr).
//
// A fit whose likelihood is highest at the edge of the parameter space
// (churn.BoundaryError: on a small shop, often a dropout probability
// running to 0, where the model becomes one in which nobody leaves) is
// kept at its best finite point when its parameters are finite and
// positive (BoundaryError.Usable), the usable estimate of the limit that
// the error documents, and stderr says so on the line of the fit ("the
// best finite point is used"), in crm fit, score and batch alike. crm fit
// then prints that point as any fit and exits 0; -json adds, after every
// other field, "boundary", each parameter at the edge with the end it
// runs to ("0" or "inf"), and "meaning", what the limit means for the
// model's predictions ("" when the model states none), as in
// {…,"boundary":{"a":"0","b":"inf"},"meaning":"nobody seems to leave: …"};
// the text form has a boundary line and, when the model states one, a
// meaning line. converged is what the optimiser reported. A fit at the
// edge whose point is not usable, and any other failed fit, is an error
// (exit status 1). A number of the JSON that is not finite is written
// as null.
//
// crm batch runs the whole analysis in one pass over the input: it writes
// the columns of crm segment up to currency (in the same order) followed
// by frequency, recency, T, p_alive, expected_purchases, clv, churn_risk
// and risk_band, and then grade, the last column, as crm segment writes
// it. The transaction model (-model, default bgnbd) and
// Gamma-Gamma are fitted with -as-of as the calibration end, so the six
// columns from frequency to clv are those of `crm score -spend gammagamma
// -calibration-end` at the same date, digit for digit; churn_risk and
// risk_band are the rule-based churn risk of package churn/risk
// (risk.Rules with its defaults) fed with that P(alive). A customer
// without a purchase (only refunds) has these columns empty. When the
// transaction fit fails (reported on stderr), p_alive,
// expected_purchases and clv are empty for everybody, and churn_risk is
// the rule-based risk from the other signals, without P(alive). When
// the Gamma-Gamma fit of a kind fails (it does not converge; a fit at
// the parameter boundary is kept, as above), the kind uses the fit on
// all customers, and when that fails too its clv is empty; stderr says
// so. crm score -spend gammagamma fits the kinds as batch does (a kind
// without a fit has an empty clv), and when no kind has a fit it writes
// its rows with the clv column empty and says why on stderr, as batch
// does; only a failed transaction fit stops it.
//
// crm report writes one self-contained HTML page (inline CSS and SVG, no
// script): the customers, orders and net revenue of each kind, the
// four-quadrant chart of each kind with the shares of the customer
// grades of the kind, net revenue per customer, the RFM
// heat map, lifecycle stages and shop types, the churn-risk histogram,
// expected against actual holdout purchases, and the customers of high
// current value at high or critical churn risk with the reasons and the
// playbook's actions (-top of each kind, default 10). The churn models are
// checked on the last -holdout days before -as-of (default 182), and the
// churn risk of the page is a risk model fitted on that split (who did
// not buy again in the holdout) with MBG/NBD's P(alive), so it differs
// from crm batch's rule-based churn_risk; when no row is dated on or
// before that calibration end, the page says so and the churn risk is
// the rule-based one. A kind of more than -max-points customers (default
// 3000) is drawn as a density grid instead of dots.
//
// crm generate writes a synthetic clothing shop in the csv format, one row
// per order line, return or exchange, with the columns customer_id, date,
// order_id, line_id, sku, category, season, size, colour, channel, store,
// quantity, unit_price, discount, amount, cost, currency, kind, role, type
// and reason: -customers customers (the share -intermediaries of them
// intermediaries, default 0.03) with histories from -start (default
// 2023-01-01; not before 1900-01-01, as crm reads no row dated before
// 1900) to the day before -end (default 2026-01-01; at most 9999-01-01). The same flags
// give the same file, byte for byte. A customer without a purchase in the
// window (the potential customers, about 8% of the consumers, who
// interact but never buy, and a few whose history starts too late) has no
// row: stderr counts the customers written, and those generated without
// a row.
//
// # Scale
//
// The csv format is read by input.ScanCSV: blocks cut at record
// boundaries, parsed on every core with each customer owned by one
// goroutine, amounts in fixed point, each customer a compact record (about
// 200 bytes for a customer of a handful of orders). Memory grows with the
// customers, not with the rows. The hash tables of the customers, the
// arenas of their days and orders and batch's per-customer slices are
// advised for transparent huge pages (package hugepage) where Linux gives
// them on request: on a virtual machine a first touch of a 4 KiB page
// costs microseconds, and a million customers touch tens of thousands of
// them. (The records and IDs are not: the huge page at the end of each,
// touched but partly used, cost more memory than their faults cost time.)
//
// crm batch then makes three passes over the customers, each split over
// the cores, rebuilding the summaries from the records. The first gathers
// the segment statistics and each customer's BTYD triple (in whole days)
// and mean repeat spend. The triples are grouped by sorting, and the
// transaction model and Gamma-Gamma are fitted at once while the segment
// statistics merge; P(alive) and the expected purchases are computed once
// per distinct triple, and the discounted sum of the CLV once per distinct
// (frequency, T) (churn.DiscountedExpectedPurchasesAll). The second pass
// classifies every customer but for the quadrant and the grade, computes
// the churn risk, keeps 48 bytes per customer and gathers the quadrant
// thresholds and the total values that the grades rank (8 bytes per
// customer more, until the grade cuts are fitted); the last only sets
// the quadrants and grades from the values kept and formats the rows, in
// parallel, writing them in order. crm fit and score gather the triples the same way, and
// score computes the discounted sum of the CLV once per distinct
// (frequency, T) too. crm segment, fit, score and batch run the garbage
// collector with a GOGC that falls from 100 to 10 as the table of
// customers grows (the records live in pointer-free arenas that a
// collection does not scan), so the heap stays near its live size, and
// with GOGC=5 once the input is read when the live heap is past 64 MiB;
// crm report, which reads its tables a summary at a time, keeps Go's
// default, and GOGC=10 past 64 MiB. Neither goes below 200 × the
// scannable heap ÷ the live heap (at most 100): customers whose amounts
// have more than eighteen decimals are kept as decimals, which a
// collection scans.
// The GOGC environment variable overrides both.
// CRM_CPUPROFILE=file and CRM_MEMPROFILE=file write pprof profiles of a
// run.
//
// Rows are sorted by customer ID: all-digit IDs first in numeric order,
// then the others in byte order, so output is byte-identical for
// identical input. Numbers are printed with the fewest digits that read
// back to the same float64, in plain notation from 1e-6 up to 1e21 in
// magnitude (1471292.2428519693, not 1.4712922428519693e+06), as
// encoding/json writes numbers and as the csv format reads amounts; in
// exponent notation beyond (1e-07).
//
// # Exit status
//
// 0 on success, 2 on a usage error (unknown subcommand, format, model or
// period, a flag given twice, a missing -in file, a date that does not parse, an -out that
// cannot be created: a directory, in a missing directory, or where no
// file may be written), 1 on any other error (bad data, a failed fit, a
// write that fails once the run is under way, such as a full disk or a
// pipe whose reader is gone), in every subcommand alike.
//
// A write to a pipe whose reader is gone is an error whose message on
// stderr ends in "write stdout: broken pipe" ("crm segment: write
// stdout: broken pipe"; exit status 1), rather than the end of the
// command by SIGPIPE. A stdout closed by the caller (crm segment … >&-)
// is reopened on /dev/null by the Go runtime before the command starts,
// where the data is discarded like any other write to /dev/null; give
// -out FILE to keep it.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"syscall"
)

func main() {
	if os.Getenv("GOGC") == "" && len(os.Args) > 1 {
		gcTuned = true
		// The customers of a large file live in pointer-free arenas
		// that a collection does not scan, so collecting often is cheap,
		// and it keeps the heap near its live size instead of twice
		// that: paceGC lowers GOGC as the table grows.
		tightGC = compactHeap(os.Args[1])
		gcPercent.Store(100)
	}
	stop := startProfiles(os.Stderr)
	// Interrupted (Ctrl-C, kill, a closed terminal), the command removes
	// the temporary file of its output, which is then never created, and
	// exits as the signal would have: 128 + its number.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := <-sigs
		removeTemps()
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
	// A write to a pipe whose reader is gone (crm segment … | head, or a
	// loader that failed) returns EPIPE instead of ending the command
	// silently by SIGPIPE: it is a write that fails, reported on stderr
	// with exit status 1, and the data is known not to have arrived.
	signal.Ignore(syscall.SIGPIPE)
	code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// gcTuned is set when main may tune the collector (the GOGC environment
// variable is not set), and tightGC besides when the subcommand keeps its
// records pointer-free; see paceGC and tightenGC.
var gcTuned, tightGC bool

// largeHeap is the live heap past which tightenGC lowers GOGC.
const largeHeap = 64 << 20

// gcHeadroom is the allocation between collections that paceGC allows at
// least, while GOGC ≥ 10.
const gcHeadroom = 16 << 20

// gcPercent is the GOGC that paceGC set last (Go's default, 100, before).
var gcPercent atomic.Int32

// paceGC sets GOGC while an input is read by a subcommand that keeps its
// heap compact, from the live heap: 100 × gcHeadroom ÷ live, in steps of
// 10 between 10 and 100. A small table is then collected every 16 MiB of
// allocation or more, not every few hundred kilobytes as GOGC=10 would
// (which costs a small file a third of its time), and a large one every
// tenth of its size, which keeps the peak near the live heap.
//
// The records of customers whose amounts the fixed-point tiers cannot
// hold (more than eighteen decimals) are decimals, which a collection
// scans. GOGC is then raised to at least 200 × the scannable heap ÷ the
// live heap (at most 100), so that a collection comes after at least
// twice as many bytes allocated as it scans: a file of such amounts would otherwise be collected every
// tenth of its heap, each time scanning half of it.
func paceGC() {
	if !tightGC {
		return
	}
	live, scan := heapSizes()
	pct := int32(10)
	if live < gcHeadroom*10 {
		pct = int32(min(100, max(10, 100*gcHeadroom/max(live, 1)/10*10)))
	}
	pct = max(pct, scanFloor(live, scan))
	if gcPercent.Swap(pct) != pct {
		debug.SetGCPercent(int(pct))
	}
}

// scanFloor returns the least GOGC, in steps of 10 up to 100, at which a
// collection comes after at least twice as many bytes allocated as the
// scannable part scan of the live heap live: 200 × scan ÷ live, rounded
// up.
func scanFloor(live, scan uint64) int32 {
	if live == 0 || scan == 0 {
		return 0
	}
	return int32(min(100, (200*scan/live+9)/10*10))
}

// heapSizes returns the live heap after the last collection and the
// heap's scannable bytes (what holds pointers), in bytes.
func heapSizes() (live, scan uint64) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/heap:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		live = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		scan = s[1].Value.Uint64()
	}
	return live, scan
}

// tightenGC lowers GOGC once an input is scanned, when main may tune it
// and the live heap (the table of customers, pointer-free) is past
// largeHeap: to 5 from 10 for the subcommands that keep their heap
// compact, and to 10 from Go's default for crm report, which reads the
// tables a summary at a time. A collection then still finds little to
// scan, and the peak memory is near the live heap. Below that size the
// collections would come too often for what they save.
func tightenGC() {
	if !gcTuned {
		return
	}
	live, scan := heapSizes()
	if live <= largeHeap {
		return
	}
	pct := int32(10)
	if tightGC {
		pct = 5
	}
	debug.SetGCPercent(int(max(pct, scanFloor(live, scan))))
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError is an error in the command line, reported with exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// env is what a subcommand runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name, synopsis string
	run            func(e *env, args []string) error
	// compact is true when the command keeps its customers in the
	// pointer-free records of input.Table, which a collection need not
	// scan, rather than in a customer.Summary each.
	compact bool
}

var commands = []command{
	{"segment", "value scores, quadrants, RFM, lifecycle, shop type and grade per customer", runSegment, true},
	{"fit", "fit a buy-till-you-die model (bgnbd, paretonbd, mbgnbd, bgbb, gammagamma) and print its parameters (as JSON with -json)", runFit, true},
	{"score", "fit a transaction model and score every customer (P(alive), expected purchases, CLV)", runScore, true},
	{"batch", "segment columns plus frequency, recency, T, P(alive), expected purchases, CLV and churn risk, grade last, in one pass", runBatch, true},
	{"generate", "write a synthetic clothing shop in the csv format", runGenerate, false},
	{"report", "write the visual report: one self-contained HTML page of charts and a table", runReport, false},
}

// compactHeap reports whether subcommand name keeps its heap compact
// (see command.compact), so that frequent collections are cheap.
func compactHeap(name string) bool {
	for _, c := range commands {
		if c.name == name {
			return c.compact
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: crm SUBCOMMAND [flags]")
	fmt.Fprintln(w, "\nsubcommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.synopsis)
	}
	fmt.Fprintln(w, "\nrun 'crm SUBCOMMAND -h' or 'crm help SUBCOMMAND' for its flags")
}

// run runs the command line args (without the program name) and returns
// the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	isHelp := func(s string) bool { return s == "-h" || s == "-help" || s == "--help" || s == "help" }
	if name == "help" && len(args) > 2 {
		fmt.Fprintf(stderr, "crm help: %q: want one subcommand: crm help SUBCOMMAND\n", args[2])
		return exitUsage
	}
	if name == "help" && len(args) == 2 && !isHelp(args[1]) {
		// crm help SUBCOMMAND: the subcommand's flags, as -h gives them
		name = args[1]
		args = []string{name, "-h"}
	} else if isHelp(name) {
		usage(stderr)
		return exitOK
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(&env{stdin: stdin, stdout: stdout, stderr: stderr}, args[1:])
		var ue *usageError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, errHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "crm %s: %v\n", name, err)
			fmt.Fprintf(stderr, "run 'crm %s -h' for usage\n", name)
			return exitUsage
		default:
			fmt.Fprintf(stderr, "crm %s: %v\n", name, err)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "crm: unknown subcommand %q (want %s)\n", name, commandNames())
	usage(stderr)
	return exitUsage
}

func commandNames() string {
	n := make([]string, len(commands))
	for i, c := range commands {
		n[i] = c.name
	}
	return strings.Join(n, ", ")
}
