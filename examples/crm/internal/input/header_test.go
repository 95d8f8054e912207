package input

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/csvfault"
	"pgregory.net/rapid"
)

// withoutHeaders is the outcome of a read, with its count of repeated
// header rows and the lines of its errors left out: the outcome of the
// same file without those rows. lines are the lines of the errors.
func withoutHeaders(data []byte, o Options) (text string, headers int64, lines []string) {
	return withoutCount(data, o, func(r *Result) *int64 { return &r.Headers })
}

// TestRepeatedHeadersArePassedOverAndCounted puts the header again
// (as it is, with spaces, in other cases, quoted, after a byte order
// mark, with CRLF) at the start, in the middle and at the end of an
// export, as `cat jan.csv feb.csv` puts it: both readers give what they
// give for the export without those rows, with or without -skip-invalid,
// and count each one, and only those, in Headers.
func TestRepeatedHeadersArePassedOverAndCounted(t *testing.T) {
	head := strings.TrimSuffix(blankHead, "\n")
	tests := []struct {
		name string
		// at maps a place (before data row i; len(blankRows) is the end)
		// to the lines put there.
		at      map[int]string
		headers int64
		blank   int64
	}{
		{"in the middle", map[int]string{3: blankHead}, 1, 0},
		{"first after the header", map[int]string{0: blankHead}, 1, 0},
		{"at the end", map[int]string{6: blankHead}, 1, 0},
		{"at the end without a final line break", map[int]string{6: head}, 1, 0},
		{"three files", map[int]string{2: blankHead, 4: blankHead}, 2, 0},
		{"spaces around the names", map[int]string{2: " customer_id ,\tdate, amount ,quantity , order_id,note \n"}, 1, 0},
		{"other cases", map[int]string{2: "Customer_ID,DATE,Amount,quantity,ORDER_ID,Note\n"}, 1, 0},
		{"quoted", map[int]string{2: `"customer_id","date","amount","quantity","order_id","note"` + "\n"}, 1, 0},
		{"quoted with spaces inside", map[int]string{2: `" customer_id","date ","Amount",quantity,"order_id"," note "` + "\n"}, 1, 0},
		{"after a byte order mark", map[int]string{4: "\ufeff" + blankHead}, 1, 0},
		{"crlf", map[int]string{1: head + "\r\n", 6: head + "\r\n"}, 2, 0},
		{"with blank rows", map[int]string{3: ",,,,,\n" + blankHead + "\n", 6: blankHead + ",,,,,\n"}, 2, 3},
	}
	asOf := customer.DateFromYMD(2024, 12, 31)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, without, badLine := insertRows(tt.at)
			for _, skip := range []bool{false, true} {
				o := Options{AsOf: asOf, SkipInvalid: skip}
				want, wantHeaders, _ := withoutHeaders(without, o)
				require.Zero(t, wantHeaders, "the file without repeated headers")
				got, headers, lines := withoutHeaders(data, o)
				if tt.blank > 0 {
					want = strings.Replace(want, "blank 0 ", fmt.Sprintf("blank %d ", tt.blank), 1)
				}
				require.Equal(t, want, got, "skip %v", skip)
				require.Equal(t, []string{badLine}, lines)
				if skip {
					require.Equal(t, tt.headers, headers, "repeated headers counted")
					require.Contains(t, got, "rows 6 blank", "repeated headers are no rows")
					require.Contains(t, got, " later 1 skipped 1 ", "repeated headers are not skipped")
				} else {
					require.Contains(t, got, `error: f.csv:`, "the bad row still stops the read")
				}
				checkScan(t, data, o)
			}
		})
	}
}

// The count of repeated headers is in the Table of ScanCSV, as in the
// Result of Summarize, once each, whichever worker owns the row's
// customer_id field (the name, in the case written) and whatever the
// blocks: without quotes (indexed), or with quotes (walked by every
// worker, read by the owner of each row).
func TestScanCountsRepeatedHeadersOnce(t *testing.T) {
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	rows := []string{blankRows[0], blankRows[1], blankRows[2], blankRows[4]} // no quotes
	again := []string{blankHead, "CUSTOMER_ID,Date,amount,QUANTITY,order_id,Note\n", " Customer_id , date,amount,quantity,order_id,note\n"}
	plain := blankHead + rows[0] + again[0] + rows[1] + again[1] + rows[2] + again[2] + rows[3] + blankHead
	quoted := plain + `"customer_id","date","amount","quantity","order_id","note"` + "\n" + `"C4","2024-03-01","1","1","",""` + "\n"
	for _, tc := range []struct {
		data          string
		rows, headers int64
		customers     int
	}{{plain, 4, 4, 2}, {quoted, 5, 5, 3}} {
		for _, workers := range []int{1, 2, 3, 4} {
			for _, block := range []int{chunkBytes, 40} {
				func() {
					defer func(n int) { chunkBytes = n }(chunkBytes)
					chunkBytes = block
					tab, err := ScanCSV(strings.NewReader(tc.data), "f.csv", o, workers)
					require.NoError(t, err)
					assert.Equal(t, tc.headers, tab.Headers, "%d workers, blocks of %d: %q", workers, block, tc.data)
					assert.Equal(t, tc.rows, tab.Rows)
					assert.Zero(t, tab.Skipped)
					assert.Zero(t, tab.Blank)
					assert.Equal(t, tc.customers, tab.Len())
				}()
			}
		}
		r, err := NewCSVReader(strings.NewReader(tc.data), "f.csv")
		require.NoError(t, err)
		res, err := Summarize(r, "f.csv", o)
		require.NoError(t, err)
		assert.Equal(t, tc.headers, res.Headers)
		assert.Equal(t, tc.headers, r.Headers())
		assert.Equal(t, tc.rows, res.Rows)
	}
}

// A row that is like the header but not the same (the names in another
// order, a column missing or added, a name changed, a quoted field with
// spaces outside its quotes) is no repeated header: it stops the read
// with today's error, or is skipped and counted as malformed with
// -skip-invalid, in both readers.
func TestRowLikeTheHeaderIsStillAnError(t *testing.T) {
	for row, want := range map[string]string{
		"date,customer_id,amount,quantity,order_id,note":       `orders.csv:3: date "customer_id": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`,
		"customer_id,date,amount,order_id,quantity,note":       `orders.csv:3: date "date": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`,
		"customer_id,date,amount,quantity,order_id":            `orders.csv:3: 5 fields, the header has 6`,
		"customer_id,date,amount,quantity,order_id,note,":      `orders.csv:3: 7 fields, the header has 6; its last field is empty and has no column (a comma at the end of the line): remove that comma, or end the header with one`,
		"customer_id,date,amount,quantity,order_id,notes":      `orders.csv:3: date "date": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`,
		"customer_id,date,amount,quantity,order_id,":           `orders.csv:3: date "date": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`,
		`customer_id, "date",amount,quantity,order_id,note`:    `orders.csv:3: date " \"date\"": bare " in non-quoted-field` + csvfault.HintSpaceQuote,
		"customer_id,date,amount,quantity,order_id,note\u200b": `orders.csv:3: date "date": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`,
	} {
		data := blankHead + blankRows[0] + row + "\n" + blankRows[1]
		for _, read := range []func(Options) (string, error){
			func(o Options) (string, error) {
				r, err := NewCSVReader(strings.NewReader(data), "orders.csv")
				require.NoError(t, err)
				res, err := Summarize(r, "orders.csv", o)
				if err != nil {
					return "", err
				}
				return fmt.Sprint(res.Rows, res.Skipped, res.Headers, res.Errors), nil
			},
			func(o Options) (string, error) {
				tab, err := ScanCSV(strings.NewReader(data), "orders.csv", o, 2)
				if err != nil {
					return "", err
				}
				return fmt.Sprint(tab.Rows, tab.Skipped, tab.Headers, tab.Errors), nil
			},
		} {
			_, err := read(Options{AsOf: customer.DateFromYMD(2024, 12, 31)})
			require.EqualError(t, err, want, "%q", row)
			got, err := read(Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: true})
			require.NoError(t, err)
			assert.Equal(t, `3 1 0 [`+want+`]`, got, "%q: a row, skipped; no repeated header", row)
		}
	}
}

// An export of a header and repeated headers only has no data rows, as
// one of only a header, and the error counts them.
func TestOnlyRepeatedHeadersIsNoData(t *testing.T) {
	for data, want := range map[string]string{
		blankHead + blankHead:                         "f.csv: no data rows (only a header and 1 repeated header row)",
		blankHead + blankHead + ",,,,,\n" + blankHead: "f.csv: no data rows (only a header, 1 blank row and 2 repeated header rows)",
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

// headerRow draws the header names again as a row, as concatenated
// exports have it: each name as written, in upper case or capitalised,
// with spaces around it, quoted (the spaces inside the quotes) or not,
// the first sometimes after a byte order mark.
func headerRow(t *rapid.T, names []string) string {
	fields := make([]string, len(names))
	space := rapid.SampledFrom([]string{"", "", " ", "  ", "\t"})
	quoted := false
	for i, n := range names {
		switch rapid.IntRange(0, 2).Draw(t, "case") {
		case 1:
			n = strings.ToUpper(n)
		case 2:
			n = strings.ToUpper(n[:1]) + n[1:]
		}
		n = space.Draw(t, "before") + n + space.Draw(t, "after")
		if rapid.IntRange(0, 3).Draw(t, "quoted?") == 0 {
			n = `"` + n + `"`
			quoted = quoted || i == 0
		}
		fields[i] = n
	}
	if !quoted && rapid.IntRange(0, 4).Draw(t, "bom?") == 0 {
		fields[0] = "\ufeff" + fields[0]
	}
	return strings.Join(fields, ",")
}

// nearHeaderRow draws a row like the header but not it: two names
// swapped, or one left out. It is a malformed row.
func nearHeaderRow(t *rapid.T, names []string) string {
	n := slices.Clone(names)
	i := rapid.IntRange(0, len(n)-1).Draw(t, "at")
	if rapid.Bool().Draw(t, "swap") {
		j := (i + 1 + rapid.IntRange(0, len(n)-2).Draw(t, "with")) % len(n)
		n[i], n[j] = n[j], n[i]
	} else {
		n = append(n[:i], n[i+1:]...)
	}
	return strings.Join(n, ",")
}

// headerRow repeats the header by the rules of salesrow: the csv reader
// passes it over, whatever its case, spaces and quotes.
func TestPropertyHeaderRowRepeatsTheHeader(t *testing.T) {
	names := strings.Split(strings.TrimSuffix(blankHead, "\n"), ",")
	rapid.Check(t, func(t *rapid.T) {
		data := blankHead + headerRow(t, names) + "\n" + blankRows[0]
		r, err := NewCSVReader(strings.NewReader(data), "f.csv")
		require.NoError(t, err)
		_, err = r.Read()
		require.NoError(t, err, "%q", data)
		require.EqualValues(t, 1, r.Headers())
	})
}
