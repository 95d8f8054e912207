package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// crm report with an empty discount column writes, byte for byte, the
// page it writes without the column; with the discounts, a page; and a
// negative discount is read as its size, the page that of the file with
// the signs dropped.
func TestReportWithDiscounts(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	without := editColumn(t, shop, "discount", nil)
	empty := editColumn(t, shop, "discount", func(string) string { return "" })
	negated := editColumn(t, shop, "discount", func(s string) string {
		if s == "" || s == "0" || strings.HasPrefix(s, "-") {
			return s
		}
		return "-" + s
	})
	page := func(name, data string) (string, string) {
		dir := t.TempDir()
		in := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(in, []byte(data), 0o644))
		out := filepath.Join(dir, "report.html")
		r := crm(t, "", "report", "-in", in, "-as-of", "2025-12-31", "-out", out)
		require.Equal(t, 0, r.code, r.stderr)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		return string(b), strings.ReplaceAll(r.stderr, dir, "DIR")
	}
	w, we := page("without", without)
	e, ee := page("empty", empty)
	require.Equal(t, we, ee)
	require.True(t, w == e, "the page of an empty discount column is that without it")
	d, _ := page("discounts", shop)
	n, _ := page("negated", negated)
	require.True(t, d == n, "a negative discount counts at its size")
	require.NotEqual(t, w, d)
}
