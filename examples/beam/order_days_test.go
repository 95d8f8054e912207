package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A shop of multi-day orders, returns on later days (some after the
// as-of day), refund-only orders, one order_id under two customers, rows
// without order_id, exchanges, large amounts (crm's wide and decimal
// tiers), rows shuffled: the pipeline gives crm's segments and scores.
func TestOrderDaysMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	rng := rand.New(rand.NewPCG(7, 27))
	var rows []string
	day := func(base, span int) string {
		return fmt.Sprintf("2024-%02d-%02d", 1+base%12, 1+rng.IntN(span))
	}
	amounts := []string{"40", "25.5", "120", "9.99", "30000000", "54975581.3887", "7.123456", "0"}
	for c := range 80 {
		id := fmt.Sprintf("c%02d", c)
		for o := range 1 + rng.IntN(5) {
			oid := fmt.Sprintf("o%d-%d", c%7, o) // shared across customers
			m := rng.IntN(12)
			a := amounts[rng.IntN(len(amounts))]
			switch rng.IntN(5) {
			case 0: // refund-only order over two days
				rows = append(rows, fmt.Sprintf("%s,%s,%s,-%s,-1", id, day(m, 20), oid, strings.TrimPrefix(a, "0")+"1"))
				rows = append(rows, fmt.Sprintf("%s,%s,%s,-5,-1", id, day(m, 28), oid))
			case 1: // dealer order billed on several days, a return later
				rows = append(rows, fmt.Sprintf("%s,%s,%s,%s,1", id, day(m, 10), oid, a))
				rows = append(rows, fmt.Sprintf("%s,%s,%s,%s,1", id, day(m, 28), oid, a))
				rows = append(rows, fmt.Sprintf("%s,2025-%02d-%02d,%s,-%s,-1", id, 1+rng.IntN(12), 1+rng.IntN(28), oid, strings.TrimPrefix(a, "0")+"1"))
			case 2: // a sale returned in full on a later day
				rows = append(rows, fmt.Sprintf("%s,%s,%s,%s,1", id, day(m, 10), oid, a))
				if a != "0" {
					rows = append(rows, fmt.Sprintf("%s,%s,%s,-%s,-1", id, day(m+1, 28), oid, a))
				}
			case 3: // no order_id, a refund the same day, an exchange
				d := day(m, 28)
				rows = append(rows, fmt.Sprintf("%s,%s,,%s,1", id, d, a))
				rows = append(rows, fmt.Sprintf("%s,%s,,-3,-1", id, d))
				rows = append(rows, fmt.Sprintf("%s,%s,%s,0,-1", id, day(m, 28), oid))
			default:
				rows = append(rows, fmt.Sprintf("%s,2025-%02d-%02d,%s,%s,1", id, 1+rng.IntN(6), 1+rng.IntN(28), oid, a))
			}
		}
	}
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	text := "customer_id,date,order_id,amount,quantity\n" + strings.Join(rows, "\n") + "\n"
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
	wantSeg := filepath.Join(dir, "crm-segments.csv")
	runCRM(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", wantSeg)
	wantBatch := filepath.Join(dir, "crm-batch.csv")
	runCRM(t, bin, "batch", "-in", in, "-as-of", parityAsOf, "-period", "week", "-horizon", "52", "-out", wantBatch)
	cfg := parityConfig(t, in, t.TempDir(), true)
	_, err := runBeam(t, "direct", cfg)
	require.NoError(t, err)
	sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
	sameTable(t, batchColumns(t, wantBatch, segmentColumns, false), readCSV(t, cfg.Out), segmentFloats)
	sameTable(t, batchScores(t, wantBatch), readCSV(t, cfg.Scores),
		map[string]bool{"recency": true, "T": true, "p_alive": true, "expected_purchases": true})
}
