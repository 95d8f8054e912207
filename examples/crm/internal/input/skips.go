package input

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// Skip counts the skipped rows of one fault: those whose [RowError] has
// the same Column and the same kind of reason ([RowError.Kind]).
type Skip struct {
	// Column is the column at fault; empty for a fault of the whole row.
	Column string
	// Kind is the reason without its parts that vary from row to row.
	Kind string
	// Rows is the number of skipped rows of that fault.
	Rows int64
}

// The kinds of the reasons that have a part varying from row to row.
const (
	kindFieldCount = "wrong number of fields"
	kindEarlier    = "differs from the customer's earlier rows"
	kindCurrency   = "not the file's currency"
	kindSign       = "of the other sign than the amount"
	kindOverflow   = "a total of the customer does not fit in an int"
	kindNotInteger = "not an integer"
)

// skipKey is the fault of a skipped row: its column and kind of reason.
type skipKey struct{ column, kind string }

// skips counts skipped rows by fault. It is touched only for a skipped
// row, never for a row that is read.
type skips map[skipKey]int64

// add counts the skipped row of re.
func (k *skips) add(re *RowError) {
	if *k == nil {
		*k = skips{}
	}
	(*k)[skipKey{re.Column, re.kind()}]++
}

// merge adds the counts of o to k.
func (k *skips) merge(o skips) {
	for key, n := range o {
		if *k == nil {
			*k = skips{}
		}
		(*k)[key] += n
	}
}

// sorted returns the counts, most rows first, then by column and by kind:
// the same for the same rows, however they were read.
func (k skips) sorted() []Skip {
	if len(k) == 0 {
		return nil
	}
	out := make([]Skip, 0, len(k))
	for key, n := range k {
		out = append(out, Skip{Column: key.column, Kind: key.kind, Rows: n})
	}
	slices.SortFunc(out, func(a, b Skip) int {
		return cmp.Or(cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

// kind returns the kind of the reason of e: Kind, or Reason when Kind is
// empty (a reason without a varying part).
func (e *RowError) kind() string {
	if e.Kind != "" {
		return e.Kind
	}
	return e.Reason
}

// fieldKind returns the kind of the reason of fe, an error of
// salesrow.Layout.ParseUsed or salesrow.AddOpen, before any hint is
// appended to it. A field that does not parse has a fixed reason (the
// quantity's but for its hint on thousands separators); the number of
// fields and the checks of a sale against the customer's summary
// (customer.Summary.AddSale) word theirs with the values at fault, which
// are left out here. A reason of a sale not known here is its first
// part (that of the column named), as it is. It runs on the error path
// only.
func fieldKind(fe *salesrow.FieldError) string {
	switch {
	case fe.Column == "":
		return kindFieldCount
	case fe.Field >= 0:
		if fe.Column == ColQuantity && strings.HasPrefix(fe.Reason, kindNotInteger) {
			return kindNotInteger
		}
		return fe.Reason
	}
	first, _, _ := strings.Cut(fe.Reason, "; ")
	switch {
	case strings.HasSuffix(first, " on earlier rows"), strings.Contains(first, " buys in "):
		return kindEarlier
	case strings.Contains(first, " for an amount of "):
		return kindSign
	case strings.Contains(first, " units per row"):
		return "beyond the maximum units per row"
	case strings.Contains(first, "does not fit in an int"):
		return kindOverflow
	case strings.HasSuffix(first, " is before "+strconv.Itoa(customer.MinRecordYear)):
		return "before " + strconv.Itoa(customer.MinRecordYear)
	case strings.Contains(first, " decimals, more than the "):
		return "too many decimals"
	case strings.Contains(first, " integer digits, more than the "):
		return "too many integer digits"
	}
	return first
}
