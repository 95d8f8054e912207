package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tour runs end to end on a small shop and prints every section.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and analyses a shop")
	}
	var out bytes.Buffer
	require.NoError(t, run(&out, 1500))
	text := out.String()
	for _, want := range []string{
		"== The shop", "== What customers are worth", "== Who is leaving",
		"== A complaint, step by step", "== A member's points",
		"high-value", "mbgnbd", "refused:", "repeats earned nothing", "Shopper grades: strategic ",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, strings.ToLower(text), "nan")

	// The member's points add up: earned − clawed back − expired =
	// available + pending − owed.
	var earned, clawed, expired, avail, pending, owed int
	_, err := fmt.Sscanf(text[strings.Index(text, "Earned "):], "Earned %d points; %d clawed back for returns; %d expired unused.", &earned, &clawed, &expired)
	require.NoError(t, err)
	_, err = fmt.Sscanf(text[strings.Index(text, "Today: "):], "Today: %d points available, %d pending, %d owed;", &avail, &pending, &owed)
	require.NoError(t, err)
	assert.Equal(t, earned-clawed-expired, avail+pending-owed)

	// Each kind's quadrant shares of its own sales add up to 100%, up to
	// the rounding of four shares to a tenth.
	var share [2]float64
	for _, q := range []string{"high-value", "potential-value", "secondary-value", "low-value"} {
		line := text[strings.Index(text, "  "+q+" "):]
		var name string
		var n [2]int
		var s [2]float64
		_, err := fmt.Sscanf(line, "%s %d %f%% %d %f%%", &name, &n[0], &s[0], &n[1], &s[1])
		require.NoError(t, err, q)
		share[0] += s[0]
		share[1] += s[1]
	}
	assert.InDelta(t, 100, share[0], 0.21)
	assert.InDelta(t, 100, share[1], 0.21)

	// The grades split the shoppers' sales too, and the strategic fifth
	// brings more of them than the ordinary half.
	var g [3]int
	var gs [3]float64
	line := text[strings.Index(text, "Shopper grades: "):]
	_, err = fmt.Sscanf(line, "Shopper grades: strategic %d (%f%% of sales), important %d (%f%% of sales), ordinary %d (%f%% of sales).",
		&g[0], &gs[0], &g[1], &gs[1], &g[2], &gs[2])
	require.NoError(t, err)
	assert.InDelta(t, 100, gs[0]+gs[1]+gs[2], 0.16)
	assert.Greater(t, gs[0], gs[2])
	assert.Less(t, g[0], g[2])

	// Every customer classified is in one lifecycle stage, and either
	// in one RFM segment (a buyer) or among those without a purchase,
	// who have none: the shop has browsers who never bought.
	var stages [4]int
	line = text[strings.Index(text, "Lifecycle: "):]
	_, err = fmt.Sscanf(line, "Lifecycle: new %d, active %d, dormant %d, lost %d.", &stages[0], &stages[1], &stages[2], &stages[3])
	require.NoError(t, err)
	line = text[strings.Index(text, "RFM segments: "):]
	line = line[:strings.Index(line, "\n")]
	list, none, ok := strings.Cut(strings.TrimPrefix(line, "RFM segments: "), "; ")
	require.True(t, ok, line)
	var nonBuyers int
	_, err = fmt.Sscanf(none, "%d without a purchase have no RFM segment.", &nonBuyers)
	require.NoError(t, err, line)
	assert.Positive(t, nonBuyers)
	inSegments := 0
	for _, part := range strings.Split(list, ", ") {
		var name string
		var n int
		_, err := fmt.Sscanf(part, "%s %d", &name, &n)
		require.NoError(t, err, part)
		assert.NotEqual(t, "none", name)
		inSegments += n
	}
	assert.Equal(t, stages[0]+stages[1]+stages[2]+stages[3], inSegments+nonBuyers, line)
}

// The same shop gives the same tour, byte for byte.
func TestRunDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and analyses a shop twice")
	}
	var a, b bytes.Buffer
	require.NoError(t, run(&a, 800))
	require.NoError(t, run(&b, 800))
	assert.Equal(t, a.String(), b.String())
}
