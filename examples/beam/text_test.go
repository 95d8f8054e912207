package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// runCRMFails runs crm with args, which must fail, and returns its output.
func runCRMFails(t *testing.T, bin string, args ...string) string {
	t.Helper()
	outb, err := exec.Command(bin, args...).CombinedOutput()
	require.Error(t, err, "crm %v succeeded: %s", args, outb)
	return string(outb)
}

// latin1ToUTF8 converts Latin-1 text to UTF-8, as iconv -f LATIN1 does.
func latin1ToUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// TestTextsMatchCRM puts a row with a text that the rules refuse into a
// generated export, an ID or a category saved in Latin-1 ("Müller" as M
// 0xFC ller) or in GBK ("张三" as 0xD5 0xC5 0xC8 0xFD), an ID with a byte order mark or a control character, and
// checks that the pipeline refuses the file as crm does: the same
// column, value and reason, crm naming the line and the pipeline the
// byte offset of the row. The same file converted to UTF-8 is read by
// both, to the same segments.
func TestTextsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	dir := t.TempDir()
	gen := filepath.Join(dir, "generated.csv")
	runCRM(t, bin, "generate", "-customers", "300", "-seed", "3", "-out", gen)
	data, err := os.ReadFile(gen)
	require.NoError(t, err)
	text := string(data)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	lines := strings.SplitAfter(text, "\n")
	header := strings.Split(strings.TrimRight(lines[0], "\r\n"), ",")
	cols, err := salesrow.NewLayout(header)
	require.NoError(t, err)
	require.GreaterOrEqual(t, cols.OrderID, 0, "order_id in %q", header)
	require.GreaterOrEqual(t, cols.Category, 0, "category in %q", header)
	template := strings.Split(strings.TrimRight(lines[1], "\r\n"), ",")
	require.Len(t, template, len(header), "a first row without quoted commas")

	// row is the first data row with the customer, order and category
	// given, a sale of 12.50 on 15 January 2025.
	row := func(id, order, cat string) string {
		f := append([]string(nil), template...)
		f[cols.CustomerID], f[cols.OrderID], f[cols.Category] = id, order, cat
		f[cols.Date], f[cols.Amount] = "2025-01-15", "12.50"
		return strings.Join(f, ",") + "\n"
	}
	const asOf = "2025-06-30"
	d, err := parseDay(asOf)
	require.NoError(t, err)
	cfg := func(in, out string) config {
		return config{In: in, AsOf: d, Out: out, Currency: "USD", Kind: customer.Consumer,
			Margin: customer.DefaultMargin.String(), Period: customer.Weeks, Horizon: 52}
	}
	// mid is where the rows go: after the header and half the rows.
	mid := len(lines) / 2
	before := strings.Join(lines[:mid], "")
	after := strings.Join(lines[mid:], "")

	latin1 := row("M\xfcller", "\xd6-1", "R\xf6cke")
	for _, tc := range []struct {
		name, row, column, value, reason string
	}{
		{"Latin-1 customer_id", latin1, salesrow.ColCustomerID, "M\xfcller", salesrow.NotUTF8},
		{"Latin-1 order_id", row("C-new", "\xd6-1", "tops"), salesrow.ColOrderID, "\xd6-1", salesrow.NotUTF8},
		{"Latin-1 category", row("C-new", "O-new", "R\xf6cke"), salesrow.ColCategory, "R\xf6cke", salesrow.NotUTF8},
		{"GBK customer_id", row("\xd5\xc5\xc8\xfd", "O-new", "tops"), salesrow.ColCustomerID, "\xd5\xc5\xc8\xfd", salesrow.NotUTF8GB},
		{"GBK category", row("C-new", "O-new", "\xc1\xac\xd2\xc2\xc8\xb9"), salesrow.ColCategory, "\xc1\xac\xd2\xc2\xc8\xb9", salesrow.NotUTF8GB},
		{"GBK or Windows-1252 order_id", row("C-new", "\xc4\xd0", "tops"), salesrow.ColOrderID, "\xc4\xd0", salesrow.NotUTF8Either},
		{"byte order mark in customer_id", row("\ufeffC-new", "O-new", "tops"), salesrow.ColCustomerID, "\ufeffC-new", salesrow.BOMInID},
		{"control character in customer_id", row("C\x01new", "O-new", "tops"), salesrow.ColCustomerID, "C\x01new", salesrow.ControlChar},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(before+tc.row+after), 0o644))
			fe := salesrow.FieldError{Column: tc.column, Value: tc.value, HasValue: true, Reason: tc.reason}
			want := fe.Error()

			out := runCRMFails(t, bin, "segment", "-in", in, "-as-of", asOf, "-out", filepath.Join(t.TempDir(), "seg.csv"))
			assert.Contains(t, out, "orders.csv:"+strconv.Itoa(mid+1)+": "+want)

			c := cfg(in, filepath.Join(t.TempDir(), "seg.csv"))
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			_, err := execute(ctx, "direct", c)
			require.Error(t, err)
			assert.Contains(t, cause(err).Error(), "orders.csv, byte "+strconv.Itoa(len(before))+": "+want)
			_, serr := os.Stat(c.Out)
			assert.True(t, os.IsNotExist(serr), "output written")
		})
	}

	// Converted to UTF-8 (iconv -f WINDOWS-1252 -t UTF-8, as the hint
	// says), the file is read by both, to the same segments.
	utf := latin1ToUTF8(latin1)
	require.True(t, utf8.ValidString(utf))
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte(before+utf+after), 0o644))
	wantSeg := filepath.Join(dir, "crm-segments.csv")
	runCRM(t, bin, "segment", "-in", in, "-as-of", asOf, "-out", wantSeg)
	c := cfg(in, filepath.Join(dir, "beam-segments.csv"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err = execute(ctx, "direct", c)
	require.NoError(t, err)
	want := readCSV(t, wantSeg)
	found := false
	for _, r := range want[1:] {
		found = found || r[0] == "Müller"
	}
	require.True(t, found, "Müller among crm's customers")
	sameTable(t, want, readCSV(t, c.Out), map[string]bool{"current_value": true, "potential_value": true, "total_value": true})
}
