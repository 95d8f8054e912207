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
	kindNotInteger = salesrow.NotInteger
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
// salesrow.Layout.ParseUsed or salesrow.Add, before any hint is
// appended to it, from its code (salesrow.Code). A field that does not
// parse has a reason of its fault alone (the quantity's but for its hint
// on thousands separators); the number of fields and the checks of a
// sale against the customer's summary (customer.Summary.AddSale) word
// theirs with the values at fault, which the kinds leave out, and the
// hint on a currency that is no ISO 4217 code names the code to write,
// which the kind leaves out too, as does the hint on a kind written in
// Chinese (零售 is consumer, 批发 intermediary). A fault
// of a sale that no code names is the first part of its reason (that of
// the column named), as it is. It runs on the error path only.
func fieldKind(fe *salesrow.FieldError) string {
	switch fe.Code {
	case salesrow.CodeFieldCount:
		return kindFieldCount
	case salesrow.CodeInvalid:
		if fe.Column == salesrow.ColCurrency || fe.Column == salesrow.ColKind {
			// The hint on the value (salesrow.CurrencyHint, a kind
			// written in Chinese) varies with it.
			first, _, _ := strings.Cut(fe.Reason, "; ")
			return first
		}
		return fe.Reason
	case salesrow.CodeNotInteger:
		return kindNotInteger
	case salesrow.CodeEarlier:
		return kindEarlier
	case salesrow.CodeSign:
		return kindSign
	case salesrow.CodeMaxUnits:
		return "beyond the maximum units per row"
	case salesrow.CodeOverflow:
		return kindOverflow
	case salesrow.CodeTooEarly:
		return "before " + strconv.Itoa(customer.MinRecordYear)
	case salesrow.CodeDecimals:
		return "too many decimals"
	case salesrow.CodeIntegerDigits:
		return "too many integer digits"
	}
	first, _, _ := strings.Cut(fe.Reason, "; ")
	return first
}

// unitsKind returns the kind of why, a reason of salesrow.ParseUnits: a
// quantity that is not an integer is of one kind, with its hint or
// without.
func unitsKind(why string) string {
	if strings.HasPrefix(why, salesrow.NotInteger) {
		return kindNotInteger
	}
	return why
}

// GBKNote returns the note that goes with the tally of the skipped rows
// skips when one of its reasons is that of GBK/GB18030 text
// ([salesrow.NotUTF8GB]): "" when none is. Skipping rows does not mend
// such a file. GBK writes a Chinese character as two bytes, and a pair
// whose first byte is 0xC2–0xDF and whose second is 0x80–0xBF is UTF-8
// of one character ("女", 0xC5 0xAE in GBK, is "Ů"): of the 6,763 Chinese
// characters of GB2312 (GB 2312-1980; first bytes 0xB0–0xF7, second
// 0xA1–0xFE) the 930 with a first byte 0xC2–0xDF and a second 0xA1–0xBF
// are (30 × 31), 13.8%, one in eight of all its 7,445 characters. So a
// row whose Chinese text is such characters alone is read, with its text
// garbled, while the rest are skipped. The note says so and tells to
// convert the whole file. A reason that names GBK or Windows-1252
// ([salesrow.NotUTF8Either]) gets no note: its bytes are as likely
// Windows-1252 ("Ação" reads as two GBK characters), and a UTF-8 file
// with one Windows-1252 row would be garbled whole by that conversion.
func GBKNote(skips []Skip) string {
	for _, s := range skips {
		if s.Kind == salesrow.NotUTF8GB {
			return "the file looks GBK/GB18030-encoded (Chinese): rows whose bytes happen to form UTF-8 were read, and their text may be garbled; convert the whole file (iconv -f GB18030 -t UTF-8) rather than skip rows"
		}
	}
	return ""
}
