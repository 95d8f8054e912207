package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A leap second (2016-12-31T23:59:60Z, or the same in another offset,
// 15:59:60-08:00) is read on the day written, as second 59 is, by every
// subcommand: each writes for an export of leap seconds what it writes
// for the same export with second 59.
func TestLeapSecondInEverySubcommand(t *testing.T) {
	rows := []string{
		"C1,2016-12-31T23:59:60Z,10,1",
		"C1,2017-03-01T10:00:00Z,5,2",
		"C1,2017-06-30 23:59:60,7.5,3",
		"C2,2016-12-31T15:59:60.5-08:00,15.299999999999999,4",
		"C2,2017-02-01,20,5",
		"C3,2017-06-30T23:59:60+02:00,1.0000000000000000000001,6",
		"C3,2017-07-30T23:59:60+02:00,3,7",
		"C4,2017-01-31T00:59:60+01:00,12,8",
	}
	leap := "customer_id,date,amount,order_id\n" + strings.Join(rows, "\n") + "\n"
	dirA, dirB := t.TempDir(), t.TempDir()
	a, b := filepath.Join(dirA, "orders.csv"), filepath.Join(dirB, "orders.csv")
	require.NoError(t, os.WriteFile(a, []byte(leap), 0o644))
	require.NoError(t, os.WriteFile(b, []byte(strings.ReplaceAll(leap, ":60", ":59")), 0o644))
	for _, args := range [][]string{
		{"segment", "-as-of", "2017-12-31"},
		{"batch", "-as-of", "2017-12-31"},
		{"fit", "-model", "bgnbd", "-calibration-end", "2017-12-31", "-json"},
		{"score", "-model", "bgnbd", "-calibration-end", "2017-12-31"},
		{"report", "-as-of", "2017-12-31"},
	} {
		ra := crm(t, "", append(args, "-in", a)...)
		rb := crm(t, "", append(args, "-in", b)...)
		require.Equal(t, exitOK, ra.code, "%v: %s", args, ra.stderr)
		require.Equal(t, exitOK, rb.code, "%v: %s", args, rb.stderr)
		assert.Equal(t, rb.stdout, ra.stdout, args)
		assert.Equal(t, strings.ReplaceAll(rb.stderr, dirB, dirA), ra.stderr, args)
	}
}
