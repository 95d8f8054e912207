package main

import (
	"bytes"
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
		"high-value", "mbgnbd", "refused:", "repeated deliveries earned nothing",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, strings.ToLower(text), "nan")
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
