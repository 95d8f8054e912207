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
		"high-value", "mbgnbd", "refused:", "repeats earned nothing",
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
