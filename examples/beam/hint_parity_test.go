package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// hintCases are amounts, costs, discounts and dates written for people,
// as spreadsheets, ERP systems and Chinese exports write them, which crm
// refuses with a hint on what to write instead (package rowhint), and a
// few that are simply wrong, which get none. Each is refused when its
// row is read (salesrow.Layout.Parse); a date before the first year of a
// row, refused when the row is added (salesrow.Add), is among the cases
// of TestErrorsMatchCRM.
var hintCases = []struct{ col, value string }{
	{"amount", "€12.50"},
	{"amount", "12.50 EUR"},
	{"amount", "1,234.50"},
	{"amount", "1.234,50"},
	{"amount", "(10.50)"},
	{"amount", "12.50-"},
	{"amount", "1.5E+02"},
	{"amount", "12元"},
	{"amount", "RMB 12"},
	{"amount", "1.2万"},
	{"amount", "1.2万元"},
	{"amount", "１２．５０"},
	{"amount", "１，２３４.５０"},
	{"amount", "12x"},
	{"cost", "€4"},
	{"cost", "4,50"},
	{"discount", "(1)"},
	{"discount", "1元"},
	{"date", "2024年3月5日"},
	{"date", "2024年3月5日 10:00"},
	{"date", "2024/03/05"},
	{"date", "2024-3-5"},
	{"date", "20240305"},
	{"date", "05/03/2024"},
	{"date", "45356"},
	{"date", "２０２４-０３-０５"},
	{"date", "2024-03-05 10:00 PM"},
	{"date", "2024-03-05 下午10:00"},
	{"date", "2024-03-05 10:00:00 UTC"},
	{"date", "2024-03-05T10:00:00+0100"},
	{"date", "2024-03-05T10:00:00+01"},
	{"date", "2024-03-05T10:00:00+24:00"},
	{"date", "2023-02-29T10:00:00+0200"},
	{"date", "2024-13-05"},
	{"date", "0000-00-00"},
	{"date", "March 5"},
}

// hintRow returns a file of two rows whose second has value in column
// col, quoted, and the other fields valid.
func hintRow(col, value string) string {
	f := map[string]string{"date": "2025-01-02", "amount": "10", "cost": "4", "discount": "1"}
	f[col] = `"` + strings.ReplaceAll(value, `"`, `""`) + `"`
	return "customer_id,date,amount,cost,discount\nc1,2025-01-01,10,4,1\n" +
		"c1," + f["date"] + "," + f["amount"] + "," + f["cost"] + "," + f["discount"] + "\n"
}

// TestHintsMatchCRM checks that a row with an amount, a cost, a discount
// or a date written for people is refused by the pipeline's reader with
// crm's words, the hint on what to write included: the column, value,
// reason and hint of crm's error, the row named by its byte offset.
func TestHintsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	for _, tc := range hintCases {
		t.Run(tc.col+"/"+tc.value, func(t *testing.T) {
			text := hintRow(tc.col, tc.value)
			require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
			out := runCRMFails(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", filepath.Join(dir, "crm.csv"))
			want := crmErrorInBeam(t, out, in, text)
			require.Contains(t, want, tc.col+" ", "crm refuses the %s: %s", tc.col, out)
			lines := strings.SplitAfter(text, "\n")
			l, err := salesrow.NewLayout(strings.Split(strings.TrimSpace(lines[0]), ","))
			require.NoError(t, err)
			p := parser{File: "orders.csv", Currency: "USD", Cols: *l}
			off := len(lines[0]) + len(lines[1])
			_, _, kind, err := p.parse(int64(off), strings.TrimSuffix(lines[2], "\n"))
			require.Error(t, err)
			assert.Equal(t, dataRow, kind)
			assert.Equal(t, want, err.Error())
		})
	}
}
