package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// TestReportDoesNotDependOnCustomerIDs checks that the report says the
// same of the same facts under other customer IDs: renamed one to one so
// that their order changes (C00000123 → R32100000), every number on the
// page is the same, and the page is the same once the IDs are mapped
// back. The churn risk trains on half of the calibration customers: a
// half chosen by the customers' facts, not by their place in ID order.
func TestReportDoesNotDependOnCustomerIDs(t *testing.T) {
	t.Parallel()
	def := shopgen.DefaultConfig()
	for _, n := range []int{200, 201} { // an even and an odd population
		in := writeShop(t, n, 3, def.Start, def.End)
		data, err := os.ReadFile(in)
		require.NoError(t, err)
		back := map[string]string{}
		lines := strings.Split(string(data), "\n")
		for i, l := range lines[1:] {
			id, rest, ok := strings.Cut(l, ",")
			if !ok {
				continue
			}
			r := []rune(strings.TrimPrefix(id, "C"))
			for a, b := 0, len(r)-1; a < b; a, b = a+1, b-1 {
				r[a], r[b] = r[b], r[a]
			}
			renamed := "R" + string(r)
			back[renamed] = id
			lines[i+1] = renamed + "," + rest
		}
		require.Greater(t, len(back), n/2)
		dir := t.TempDir()
		renamedIn := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(renamedIn, []byte(strings.Join(lines, "\n")), 0o644))

		page := func(in string) string {
			out := filepath.Join(t.TempDir(), "report.html")
			r := crm(t, "", "report", "-in", in, "-as-of", "2025-06-30", "-out", out)
			require.Equal(t, 0, r.code, r.stderr)
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			return string(b)
		}
		want := page(in)
		got := regexp.MustCompile(`R\d{8}`).ReplaceAllStringFunc(page(renamedIn), func(s string) string { return back[s] })
		require.Contains(t, want, "customers at high or critical churn risk")
		require.Equal(t, riskNote(want), riskNote(got), "n=%d", n)
		wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
		require.Len(t, gl, len(wl), "n=%d", n)
		for i := range wl {
			require.Equal(t, wl[i], gl[i], "n=%d: line %d of the page", n, i+1)
		}
	}
}

// riskNote returns the lines of page that tell how the churn risk was
// fitted and how many customers it puts at high or critical risk.
func riskNote(page string) string {
	var out []string
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " ")
	for _, re := range []string{`[\d,]+ customers at high or critical churn risk[^.]*`, `fitted on \d+ customers as of [\d-]+ \([^)]*\)`} {
		out = append(out, regexp.MustCompile(re).FindAllString(text, -1)...)
	}
	return strings.Join(out, "\n")
}

// TestReportAtRiskTiesDoNotDependOnCustomerIDs checks the at-risk table
// where two customers have the same net revenue: A1 (critical, last
// bought 161 days ago) and B1 (high, 121 days ago), with one row to
// show. The more at risk is shown whatever the two are called: renamed
// Z1, A1 is no longer first in ID order, and was then left out for B1.
func TestReportAtRiskTiesDoNotDependOnCustomerIDs(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("customer_id,date,amount\nA1,2025-01-05,500\nA1,2025-01-20,500\nB1,2025-01-10,600\nB1,2025-03-01,400\n")
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		d := start.AddDate(0, 0, (i*37)%170)
		fmt.Fprintf(&b, "F%02d,%s,%d.00\n", i, d.Format(time.DateOnly), 20+i%7)
		if i%3 == 0 {
			fmt.Fprintf(&b, "F%02d,%s,15.00\n", i, d.AddDate(0, 0, 11).Format(time.DateOnly))
		}
	}
	table := func(csv string) string {
		out := filepath.Join(t.TempDir(), "report.html")
		r := crm(t, csv, "report", "-in", "-", "-as-of", "2025-06-30", "-top", "1", "-out", out)
		require.Equal(t, 0, r.code, r.stderr)
		page, err := os.ReadFile(out)
		require.NoError(t, err)
		text := regexp.MustCompile(`\s+`).ReplaceAllString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(page), " "), " ")
		m := regexp.MustCompile(`\b[ABZ]1 High value 1,000 \S+ \d+% \w+`).FindString(text)
		require.NotEmpty(t, m, "the at-risk table has A1 or B1")
		return m
	}
	want := table(b.String())
	assert.Regexp(t, `^A1 High value 1,000 2025-01-20 \d+% critical$`, want)
	got := table(strings.ReplaceAll(b.String(), "A1,", "Z1,"))
	assert.Equal(t, strings.Replace(want, "A1", "Z1", 1), got)
}
