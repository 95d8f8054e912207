package input

import "github.com/tailorcrm/tailor/customer/salesrow"

// The texts that the rules read, customer_id, order_id and category, are
// checked by the rules of salesrow (salesrow.IDProblem,
// salesrow.TextProblem), which Layout.ParseUsed applies on the exact
// path: the IDs valid UTF-8 without control characters and without a
// byte order mark, the category, which may hold a line break (a quoted
// field over two lines), UTF-8 only. A file saved in Latin-1 or
// Windows-1252 ("Müller" as M 0xFC ller) would otherwise pass its bytes
// on to the output, which would then be no UTF-8 either, while the HTML
// report showed U+FFFD in their place; and the same customer in a UTF-8
// export would be another. The row is malformed, with the column and a
// hint on converting the file; -skip-invalid skips it. Columns that are
// not read are not checked. The fast path of ScanCSV asks textsOK, and
// leaves a row it refuses to the exact path, which words the error.

// bomInID is the reason of an ID that holds a byte order mark.
const bomInID = salesrow.BOMInID

// printable reports whether s is printable ASCII only
// (salesrow.Printable), which passes every check of the texts.
func printable(s string) bool { return salesrow.Printable(s) }

// textsOK reports whether the customer ID id, the order ID order and the
// category cat of a row pass the checks of salesrow. Printable ASCII, the
// common case, costs no call beyond printable.
func textsOK(id, order, cat string) bool {
	return (printable(id) || salesrow.IDProblem(id) == "") && (printable(order) || salesrow.IDProblem(order) == "") &&
		(printable(cat) || salesrow.TextProblem(cat) == "")
}
