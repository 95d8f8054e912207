package customer

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Summaries built with different default margins do not merge: the
// merged summary would price what it adds later at the receiver's margin.
func TestMergeRefusesDifferentMargins(t *testing.T) {
	o2 := validOrder()
	o2.ID = "O-2"
	a := NewSummary("C-1", Consumer, vNow, &SummaryOptions{DefaultMargin: d("0.9")})
	b := NewSummary("C-1", Consumer, vNow, &SummaryOptions{DefaultMargin: d("0.1")})
	require.NoError(t, a.AddOrder(validOrder()))
	require.NoError(t, b.AddOrder(o2))
	for _, err := range []error{mergeErr(a, b), mergeErr(b, a)} {
		require.ErrorIs(t, err, ErrMergeMismatch)
		assert.Contains(t, err.Error(), `merge of two summaries of customer "C-1": the default margins differ (0.`)
	}
	// The default margin given explicitly is the default.
	c := NewSummary("C-1", Consumer, vNow, &SummaryOptions{DefaultMargin: d("0.550")})
	_, err := c.Merge(*NewSummary("C-1", Consumer, vNow, nil))
	require.NoError(t, err)
}

// A summary decoded from JSON has lost its margin: it does not merge with
// a summary of another margin until SetOptions gives it back, and then
// adds exactly as the original does.
func TestDecodedSummaryNeedsItsOptions(t *testing.T) {
	opts := &SummaryOptions{DefaultMargin: d("0.3")}
	s := NewSummary("C-1", Consumer, vNow, opts)
	require.NoError(t, s.AddOrder(validOrder()))
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back Summary
	require.NoError(t, json.Unmarshal(b, &back))
	err = mergeErr(&back, s)
	require.ErrorIs(t, err, ErrMergeMismatch)
	assert.Contains(t, err.Error(), "the default margins differ (0.55 and 0.3; a summary decoded from JSON or gob needs SetOptions)")

	require.NoError(t, back.SetOptions(opts))
	_, err = back.Merge(*NewSummary("C-1", Consumer, vNow, opts))
	require.NoError(t, err)
	refund := vNow.Add(-time.Hour)
	require.NoError(t, s.AddRefund(refund, eur("100"), 1))
	require.NoError(t, back.AddRefund(refund, eur("100"), 1))
	assert.True(t, s.Cost.Equal(back.Cost), "original %s, decoded %s", s.Cost, back.Cost)

	// Invalid options change nothing.
	before := back.Clone()
	requireFields(t, back.SetOptions(&SummaryOptions{DefaultMargin: d("1.5")}), fe("default_margin", CodeRange))
	require.Equal(t, before, back)
	// Nil options are the defaults.
	require.NoError(t, back.SetOptions(nil))
	assert.True(t, back.effectiveMargin().Equal(DefaultMargin))
}

// A merge mismatch names the customers and everything that differs.
func TestMergeMismatchSaysWhatDiffers(t *testing.T) {
	a := NewSummary("C-1", Consumer, vNow, nil)
	for _, tc := range []struct {
		b    *Summary
		want string
	}{
		{NewSummary("C-2", Consumer, vNow, nil), `merge of the summaries of customers "C-1" and "C-2": the customers differ: customer: summaries do not match`},
		{NewSummary("C-1", Intermediary, vNow, nil), `merge of two summaries of customer "C-1": the kinds differ (consumer and intermediary)`},
		{NewSummary("C-1", Consumer, vNow.Add(time.Second), nil), `the as-of instants differ (2026-05-01T12:00:00Z and 2026-05-01T12:00:01Z)`},
		{NewSummary("C-2", Intermediary, vNow.Add(time.Second), &SummaryOptions{DefaultMargin: d("0.4")}),
			`"C-1" and "C-2": the customers differ; the kinds differ (consumer and intermediary); the as-of instants differ (2026-05-01T12:00:00Z and 2026-05-01T12:00:01Z); the default margins differ (0.55 and 0.4`},
	} {
		err := mergeErr(a, tc.b)
		require.ErrorIs(t, err, ErrMergeMismatch)
		assert.Contains(t, err.Error(), tc.want)
	}
}
