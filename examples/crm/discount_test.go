package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// editColumn returns the csv text data (no quoted commas) with column
// col dropped (edit nil) or each of its fields replaced by edit's.
func editColumn(t *testing.T, data, col string, edit func(string) string) string {
	t.Helper()
	lines := strings.SplitAfter(data, "\n")
	k := slices.Index(strings.Split(strings.TrimSuffix(lines[0], "\n"), ","), col)
	require.GreaterOrEqual(t, k, 0, "no column %s", col)
	var b strings.Builder
	for i, line := range lines {
		if line == "" {
			continue
		}
		body, nl := strings.CutSuffix(line, "\n")
		f := strings.Split(body, ",")
		switch {
		case edit == nil:
			f = slices.Delete(f, k, k+1)
		case i > 0:
			f[k] = edit(f[k])
		}
		b.WriteString(strings.Join(f, ","))
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// A discount column whose fields are all empty is no discount known:
// crm segment and crm batch write, byte for byte, what they write of the
// file without the column. With the discounts, only the columns of
// value (through the full-price share) and the grades and quadrants made
// of them change.
func TestDiscountColumn(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	without := editColumn(t, shop, "discount", nil)
	empty := editColumn(t, shop, "discount", func(string) string { return "" })
	byValue := []string{"potential_value", "total_value", "quadrant", "grade"}
	for _, cmd := range []string{"segment", "batch"} {
		w := crm(t, without, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, w.code, w.stderr)
		e := crm(t, empty, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, e.code, e.stderr)
		assert.Equal(t, w.stdout, e.stdout, cmd)
		assert.Equal(t, w.stderr, e.stderr, cmd)

		d := crm(t, shop, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, d.code, d.stderr)
		a, b := readCSVFile(t, w.stdout), readCSVFile(t, d.stdout)
		require.Equal(t, a[0], b[0])
		require.Len(t, b, len(a))
		changed := 0
		for i := 1; i < len(a); i++ {
			for j, name := range a[0] {
				if a[i][j] != b[i][j] {
					require.Contains(t, byValue, name, "%s: %s of %s", cmd, name, a[i][0])
					changed++
				}
			}
		}
		assert.Positive(t, changed, cmd)
	}
}

// A discount written as a negative number counts at its size: the
// output is that of the file with the signs dropped.
func TestNegativeDiscountOnASale(t *testing.T) {
	t.Parallel()
	neg := "customer_id,date,order_id,amount,discount,quantity\n" +
		"A,2025-01-05,O1,80,-20,1\n" +
		"A,2025-01-06,O1,-80,-20,-1\n" +
		"A,2025-01-07,O2,50,-5,1\n" +
		"B,2025-01-07,O3,50,0,1\n"
	pos := strings.ReplaceAll(neg, ",-20,1", ",20,1")
	pos = strings.ReplaceAll(pos, ",-5,", ",5,")
	require.NotEqual(t, neg, pos)
	for _, cmd := range []string{"segment", "batch"} {
		a := crm(t, neg, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, a.code, a.stderr)
		b := crm(t, pos, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, b.code, b.stderr)
		assert.Equal(t, b.stdout, a.stdout, cmd)
		assert.Equal(t, b.stderr, a.stderr, cmd)
		assert.Len(t, readCSVFile(t, a.stdout), 3, cmd)
	}
}

// An export that writes discount 0 on the refund of discounted goods
// leaves the customer more refunded at full price than bought so: crm
// says how many such customers there are, the first, and what to do; an
// empty discount on the refund row, or no discount column, is no such
// customer.
func TestRefundsAtFullPriceBeyondSalesWarn(t *testing.T) {
	t.Parallel()
	const warn = `crm: stdin: 2 customers ("A") have more refunded at full price (refund rows with discount 0) than bought at full price: their full-price share is 0;`
	zero := "customer_id,date,order_id,amount,discount,quantity\n" +
		"A,2025-01-05,O1,80,20,1\n" +
		"A,2025-01-20,O1,-80,0,-1\n" +
		"A,2025-02-07,O2,50,0,1\n" +
		"B,2025-01-07,O3,40,10,1\n" +
		"B,2025-01-09,O3,-40,0.00,-1\n" +
		"C,2025-01-07,O4,50,0,1\n"
	for _, cmd := range []string{"segment", "batch"} {
		r := crm(t, zero, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stderr, warn, cmd)
		assert.Contains(t, r.stderr, "leave the discount empty on refund rows whose discount it does not know\n", cmd)

		empty := strings.ReplaceAll(strings.ReplaceAll(zero, "-80,0,", "-80,,"), "-40,0.00,", "-40,,")
		r = crm(t, empty, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, r.code, r.stderr)
		assert.NotContains(t, r.stderr, "refunded at full price", cmd)

		none := editColumn(t, zero, "discount", nil)
		r = crm(t, none, cmd, "-in", "-", "-as-of", "2025-12-31")
		require.Equal(t, 0, r.code, r.stderr)
		assert.NotContains(t, r.stderr, "refunded at full price", cmd)
	}
	r := crm(t, strings.Replace(zero, "B,2025-01-09,O3,-40,0.00,-1\n", "", 1), "segment", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, `crm: stdin: 1 customer ("A") has more refunded at full price (refund rows with discount 0) than bought at full price: its full-price share is 0;`)
}
