package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The program reproduces the published log-likelihoods and Hardie's spot
// values on the CDNOW sample.
func TestRunCDNOW(t *testing.T) {
	const in = "../../churn/testdata/cdnow/CDNOW_sample.txt"
	f, err := os.Open(in)
	require.NoError(t, err)
	defer f.Close()
	var out bytes.Buffer
	require.NoError(t, run(&out, f, in))
	text := out.String()
	for _, want := range []string{
		"2357 customers", "-9582.429", "-9594.976", "-9582.136", "LL -4055.918",
		"1653.4    1882  0.7855", "P(alive) 0.72661, next 39 weeks 1.22591",
	} {
		assert.Contains(t, text, want)
	}
}

// A malformed row names the file and the line.
func TestRunBadRow(t *testing.T) {
	in := bytes.NewBufferString(" 00004 0001 19970101  2   29.33\n 00004 0001 1997011x  2   29.73\n")
	err := run(&bytes.Buffer{}, in, "sample.txt")
	assert.EqualError(t, err, `sample.txt:2: date "1997011x": want YYYYMMDD`)
}
