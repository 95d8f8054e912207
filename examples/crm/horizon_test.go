package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestZeroHorizon scores a horizon of 0 periods, the first of a script's
// horizons 0..52: nobody is expected to buy in no time, so the expected
// purchases and the CLV are 0, and every other column is that of any
// other horizon.
func TestZeroHorizon(t *testing.T) {
	t.Parallel()
	for _, model := range []string{"bgnbd", "paretonbd", "mbgnbd", "bgbb"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			args := []string{"score", "-model", model, "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-spend", "gammagamma"}
			zero := crm(t, "", append(args, "-horizon", "0")...)
			require.Equal(t, 0, zero.code, zero.stderr)
			ref := crm(t, "", append(args, "-horizon", "39")...)
			require.Equal(t, 0, ref.code, ref.stderr)
			got, want := readCSVFile(t, zero.stdout), readCSVFile(t, ref.stdout)
			require.Len(t, got, len(want))
			require.Len(t, got, 2358)
			for i := 1; i < len(got); i++ {
				assert.Equal(t, want[i][:5], got[i][:5], "row %d", i)
				assert.Equal(t, "0", got[i][5], "expected_purchases of %s", got[i][0])
				assert.Equal(t, "0", got[i][6], "clv of %s", got[i][0])
			}
		})
	}

	// A customer whose first purchase is on the calibration end (T = 0),
	// scored as a new customer, is expected to buy nothing in no time
	// either.
	t.Run("T = 0", func(t *testing.T) {
		t.Parallel()
		data := cdnowAsCSV(t) + "1,E,10,1997-09-30\r\n"
		for _, model := range []string{"bgnbd", "paretonbd", "mbgnbd", "bgbb"} {
			r := crm(t, data, "score", "-model", model, "-in", "-", "-calibration-end", "1997-09-30", "-horizon", "0", "-spend", "gammagamma")
			require.Equal(t, 0, r.code, r.stderr)
			recs := readCSVFile(t, r.stdout)
			assert.Equal(t, []string{"E", "0", "0", "0", "1", "0", "0"}, recs[len(recs)-1], model)
		}
	})

	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		shop := generatedShop(t)
		zero := crm(t, shop, "batch", "-in", "-", "-as-of", "2025-06-30", "-horizon", "0")
		require.Equal(t, 0, zero.code, zero.stderr)
		ref := crm(t, shop, "batch", "-in", "-", "-as-of", "2025-06-30", "-horizon", "26")
		require.Equal(t, 0, ref.code, ref.stderr)
		got, want := readCSVFile(t, zero.stdout), readCSVFile(t, ref.stdout)
		require.Len(t, got, len(want))
		scored := 0
		for i := 1; i < len(got); i++ {
			for j := range got[i] {
				switch got[0][j] {
				case "expected_purchases", "clv":
					if want[i][j] != "" {
						assert.Equal(t, "0", got[i][j], "%s of %s", got[0][j], got[i][0])
						scored++
					}
				default:
					assert.Equal(t, want[i][j], got[i][j], "%s of %s", got[0][j], got[i][0])
				}
			}
		}
		assert.Positive(t, scored)
	})

	// A negative, non-numeric or non-finite horizon is still refused, with
	// the flag and the value named; -0 is 0.
	for _, h := range []string{"-1", "-0.5", "abc", "Inf", "-Inf", "NaN", "1e6"} {
		for _, sub := range [][]string{
			{"score", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30"},
			{"score", "-model", "bgnbd", "-spend", "gammagamma", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30"},
			{"batch", "-in", cdnowSample, "-format", "cdnow", "-as-of", "1997-09-30"},
		} {
			r := crm(t, "", append(sub, "-horizon", h)...)
			assert.Equal(t, exitUsage, r.code, "%v -horizon %s", sub, h)
			assert.Contains(t, r.stderr, "-horizon", "%v -horizon %s", sub, h)
			assert.Empty(t, r.stdout)
		}
	}
	r := crm(t, "", "score", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-horizon", "-0")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "0", readCSVFile(t, r.stdout)[1][5])
}
