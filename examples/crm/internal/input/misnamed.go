package input

import (
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A Misnamed is a column of a csv header that is not read although its
// name, written in another style, is that of an optional column the csv
// format reads: "Order ID", "OrderID", "order-id" or "Order.ID" for
// order_id. Such a column is an unknown one, and unknown columns are
// ignored, so the file is read without it (without an order_id, a
// customer's rows of one day are one order); the reader reports it
// rather than drop it silently. A required column so written is an
// error of the header instead (salesrow.NewLayout).
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
func (m Misnamed) String() string {
	return fmt.Sprintf("field %d, %q, would be %s but is not read under that name: rename the column", m.Field, m.Name, m.Column)
}

// optionalColumns are the optional columns that the csv format reads, in
// the order they are reported.
var optionalColumns = []string{ColOrderID, ColQuantity, ColCost, ColCurrency, ColKind, ColCategory}

// misnamed returns the columns of header, the fields of the header row,
// whose names are those of an optional column of l that l does not have,
// written in another style: equal when spaces, hyphens, underscores and
// points are left out, in any case (salesrow.NamedLike). The first such field is
// taken for each column.
func misnamed(header []string, l *salesrow.Layout) []Misnamed {
	have := map[string]int{
		ColOrderID: l.OrderID, ColQuantity: l.Quantity, ColCost: l.Cost,
		ColCurrency: l.Currency, ColKind: l.Kind, ColCategory: l.Category,
	}
	var out []Misnamed
	for _, col := range optionalColumns {
		if have[col] >= 0 {
			continue
		}
		for i, name := range l.Header {
			if name != "" && salesrow.NamedLike(name, col) {
				out = append(out, Misnamed{Field: i + 1, Name: strings.Clone(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))), Column: col})
				break
			}
		}
	}
	return out
}
