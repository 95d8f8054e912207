package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// The RFM line counts the buyers by segment, largest first, and reports
// the customers without a purchase apart: they are in no segment, and in
// particular not lost.
func TestRFMLineReportsNonBuyersApart(t *testing.T) {
	res := func(seg value.RFMSegment, n int) []segment.Result {
		out := make([]segment.Result, n)
		for i := range out {
			out[i].RFM = value.RFMScore{R: 1, F: 1, M: 1, AOV: 1, Segment: seg}
		}
		return out
	}
	var all []segment.Result
	for _, r := range [][]segment.Result{res(value.Lost, 2), res(value.NoRFMSegment, 3), res(value.Loyal, 2), res(value.Champions, 4)} {
		all = append(all, r...)
	}
	assert.Equal(t, "RFM segments: champions 4, lost 2, loyal 2; 3 without a purchase have no RFM segment.", rfmLine(all))
	assert.Equal(t, "RFM segments: lost 2.", rfmLine(res(value.Lost, 2)), "nobody without a purchase: no clause")
	assert.Equal(t, "RFM segments: no buyers; 1 without a purchase has no RFM segment.", rfmLine(res(value.NoRFMSegment, 1)))
}
