package input

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"pgregory.net/rapid"
)

// blankHead and blankRows are an export with three customers; the blank
// rows of the tests go between its lines.
const blankHead = "customer_id,date,amount,quantity,order_id,note\n"

var blankRows = []string{
	"C1,2024-01-01,10,1,A,first\n",
	"C2,2024-01-02,20,2,B,\n",
	"C1,2024-01-05,-5,-1,A,\n",
	"C3,2024-02-01,7.5,1,,\"x, y\"\n",
	"C2,2025-03-01,1,1,C,later\n",
	"C3,2024-02-01,bad,1,,\n",
}

// lineOf matches the place of an error.
var lineOf = regexp.MustCompile(`f\.csv:\d+:`)

// withoutBlank is the outcome of a read, with its count of blank rows
// and the lines of its errors left out: the outcome of the same file
// without those rows. lines are the lines of the errors.
func withoutBlank(data []byte, o Options) (text string, blank int64, lines []string) {
	return withoutCount(data, o, func(r *Result) *int64 { return &r.Blank })
}

// insertRows returns the export of blankHead and blankRows with the
// lines of at put in (at maps a place, before data row i or, at
// len(blankRows), at the end, to the lines put there), the export
// without them, and the place of its bad row (blankRows[5]) as an error
// names it.
func insertRows(at map[int]string) (with, without []byte, badLine string) {
	var w, wo strings.Builder
	w.WriteString(blankHead)
	wo.WriteString(blankHead)
	for i := 0; i <= len(blankRows); i++ {
		w.WriteString(at[i])
		if i < len(blankRows) {
			w.WriteString(blankRows[i])
			wo.WriteString(blankRows[i])
		}
	}
	text := w.String()
	badLine = fmt.Sprintf("f.csv:%d:", 1+strings.Count(text[:strings.Index(text, blankRows[5])], "\n"))
	return []byte(text), []byte(wo.String()), badLine
}

// withoutCount is the outcome of a read, with the count that count
// points to and the lines of its errors left out. lines are the lines of
// the errors.
func withoutCount(data []byte, o Options, count func(*Result) *int64) (text string, n int64, lines []string) {
	r, err := NewCSVReader(bytes.NewReader(data), "f.csv")
	if err != nil {
		return "error: " + err.Error(), 0, nil
	}
	res, err := Summarize(r, "f.csv", o)
	if err == nil {
		n = *count(res)
		*count(res) = 0
	}
	text = outcome(res, err)
	return lineOf.ReplaceAllString(text, "f.csv:L:"), n, lineOf.FindAllString(text, -1)
}

// TestBlankRowsArePassedOverAndCounted puts blank rows (every field
// empty, of any width, with spaces, quoted, over two lines) and empty
// lines at the end, in the middle and at the start of an export: both
// readers give what they give for the export without them, with or
// without -skip-invalid, and count each one, and only those, in Blank.
func TestBlankRowsArePassedOverAndCounted(t *testing.T) {
	tests := []struct {
		name string
		// at maps a place (before data row i; len(blankRows) is the end)
		// to the lines put there.
		at    map[int]string
		blank int64
	}{
		{"trailing separators", map[int]string{6: ",,,,,\n,,,,,\n,,,,,\n"}, 3},
		{"trailing without a final line break", map[int]string{6: ",,,,,\n,,,,,"}, 2},
		{"in the middle", map[int]string{1: ",,,,,\n", 3: ",,,,,\n,,,,,\n"}, 3},
		{"first after the header", map[int]string{0: ",,,,,\n"}, 1},
		{"with spaces and tabs", map[int]string{2: " , ,\t,  ,,\n", 6: " ,,,,, \n"}, 2},
		{"non-breaking spaces", map[int]string{2: "\u00a0,,,,,\u3000\n"}, 1},
		{"quoted empty fields", map[int]string{2: "\"\",\"\",\"\",\"\",\"\",\"\"\n", 6: "\"\",\" \",,\"\",,\n"}, 2},
		{"a quoted field over two lines", map[int]string{3: "\"\n\",,,,,\n"}, 1},
		{"fewer fields", map[int]string{1: ",,\n", 6: ",\n"}, 2},
		{"more fields", map[int]string{6: ",,,,,,,,,,,,\n"}, 1},
		{"one quoted empty field", map[int]string{6: "\"\"\n"}, 1},
		{"spaces only", map[int]string{4: "   \n"}, 1},
		{"crlf", map[int]string{3: ",,,,,\r\n", 6: ",,,,,\r\n\r\n"}, 3},
		{"empty lines", map[int]string{0: "\n", 3: "\n\n", 6: "\r\n"}, 4},
		{"everything", map[int]string{0: "\n,,,,,\n", 2: "\"\",\"\",\"\",\"\",\"\",\"\"\n \t,\n", 5: ",,\n\n", 6: ",,,,,\n,,,,,\n,,,,,"}, 9},
	}
	asOf := customer.DateFromYMD(2024, 12, 31)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, without, badLine := insertRows(tt.at)
			for _, skip := range []bool{false, true} {
				o := Options{AsOf: asOf, SkipInvalid: skip}
				want, wantBlank, _ := withoutBlank(without, o)
				require.Zero(t, wantBlank, "the file without blank rows")
				got, blank, lines := withoutBlank(data, o)
				require.Equal(t, want, got, "skip %v", skip)
				require.Equal(t, []string{badLine}, lines)
				if skip {
					require.Equal(t, tt.blank, blank, "blank rows counted")
					require.Contains(t, got, "rows 6 blank 0 headers 0 later 1 skipped 1 ", "blank rows are neither rows nor skipped")
				} else {
					require.Contains(t, got, `error: f.csv:`, "the bad row still stops the read")
				}
				checkScan(t, data, o)
			}
		})
	}
}

// The count of blank rows is in the Table of ScanCSV, as in the Result
// of Summarize, on the paths of both kinds of blocks: those without
// quotes (indexed) and those with (walked by every worker).
func TestScanCountsBlankRows(t *testing.T) {
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	rows := []string{blankRows[0], blankRows[1], blankRows[2], blankRows[4]} // no quotes
	plain := blankHead + strings.Join(rows, ",,,,,\n\n") + " , ,,,,\n"
	quoted := plain + "\"\",\"\",,,,\n"
	for _, tc := range []struct {
		data  string
		blank int64
	}{{plain, 7}, {quoted, 8}} {
		for _, workers := range []int{1, 3} {
			tab, err := ScanCSV(strings.NewReader(tc.data), "f.csv", o, workers)
			require.NoError(t, err)
			assert.Equal(t, tc.blank, tab.Blank, "%d workers: %q", workers, tc.data)
			assert.EqualValues(t, 4, tab.Rows)
			assert.Equal(t, 2, tab.Len())
		}
	}
}

// A row with one field filled is no blank row: an amount (or a date, or
// a note in a column the reader ignores) without a customer_id is still
// an error, and -skip-invalid skips and counts it as malformed.
func TestRowWithOnlyTheCustomerIDEmptyIsStillAnError(t *testing.T) {
	for _, row := range []string{
		",2024-01-03,5,1,,",
		" ,,5,,,",
		",2024-01-03,,,,",
		",,,,,note",
		"\"\",\"\",\"\",\"1\",\"\",\"\"",
		",,,,,\"x\ny\"",
	} {
		data := blankHead + blankRows[0] + ",,,,,\n" + row + "\n" + blankRows[1]
		for _, read := range []func(Options) (string, error){
			func(o Options) (string, error) {
				r, err := NewCSVReader(strings.NewReader(data), "orders.csv")
				require.NoError(t, err)
				res, err := Summarize(r, "orders.csv", o)
				if err != nil {
					return "", err
				}
				return fmt.Sprint(res.Skipped, res.Blank, res.Errors), nil
			},
			func(o Options) (string, error) {
				tab, err := ScanCSV(strings.NewReader(data), "orders.csv", o, 2)
				if err != nil {
					return "", err
				}
				return fmt.Sprint(tab.Skipped, tab.Blank, tab.Errors), nil
			},
		} {
			// The customer_id as written (spaces show), unquoted.
			want := `orders.csv:4: customer_id "` + strings.Trim(row[:strings.IndexByte(row, ',')], `"`) + `": empty`
			_, err := read(Options{AsOf: customer.DateFromYMD(2024, 12, 31)})
			require.EqualError(t, err, want, "%q", row)
			got, err := read(Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: true})
			require.NoError(t, err)
			assert.Equal(t, `1 1 [`+want+`]`, got, "%q: one skipped, one blank", row)
		}
	}
}

// An export of blank rows only has no data rows, as one of only a header.
func TestOnlyBlankRowsIsNoData(t *testing.T) {
	for data, want := range map[string]string{
		blankHead + ",,,,,\n,,,,,\n":  "f.csv: no data rows (only a header and 2 blank rows)",
		blankHead + "\n\"\",,,,,\n\n": "f.csv: no data rows (only a header and 3 blank rows)",
		blankHead + " , \n":           "f.csv: no data rows (only a header and 1 blank row)",
		"\n\n" + blankHead:            "f.csv: no data rows (only a header, or nothing)",
	} {
		for _, skip := range []bool{false, true} {
			o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: skip}
			r, err := NewCSVReader(strings.NewReader(data), "f.csv")
			require.NoError(t, err)
			_, err = Summarize(r, "f.csv", o)
			require.ErrorIs(t, err, ErrNoRows)
			assert.EqualError(t, err, want)
			_, err = ScanCSV(strings.NewReader(data), "f.csv", o, 2)
			require.ErrorIs(t, err, ErrNoRows)
			assert.EqualError(t, err, want)
		}
	}
}

// A line without quotes is blank exactly when its fields, cut at its
// commas, are blank by the rules of salesrow.
func TestPropertyBlankLineIsBlankFields(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		parts := rapid.SliceOfN(rapid.SampledFrom([]string{",", ",", " ", "\t", "\r", "\u00a0", "\u3000", "\u0085", "x", "0", "\u200b", "\xff", "\xc2"}), 1, 12).Draw(t, "parts")
		raw := strings.Join(parts, "")
		r := record{raw: raw}
		require.Equal(t, salesrow.Blank(strings.Split(raw, ",")), r.blank(), "%q", raw)
	})
}
