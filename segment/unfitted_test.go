package segment_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// A Model that no fit made — the zero Model, held as a value before the
// first fit, or the nil *Model of a fit whose error was not checked — has
// no customer of either kind: classifying with it is an error wrapping
// ErrNotFitted that names the customer and leaves dst as it was, and it
// places and grades nobody, rather than panicking in a host's request.
func TestUnfittedModelRefusesWithoutPanic(t *testing.T) {
	buyer := summarize(t, spec{ID: "C-1", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 30, Qty: 1, Cents: 9900}}}, 1)
	var o segment.Observation
	require.NoError(t, segment.Observe(segment.Input{Summary: buyer}, &o))
	fitted, _, err := segment.FitInputs([]segment.Input{{Summary: buyer}}, nil)
	require.NoError(t, err)
	var r segment.Result
	require.NoError(t, fitted.Classify(&r, &o))
	score := r.Value

	var nilModel *segment.Model
	for name, m := range map[string]*segment.Model{"zero": {}, "nil": nilModel} {
		t.Run(name, func(t *testing.T) {
			dst := segment.Result{ID: "kept", Quadrant: segment.HighValue}
			err := m.Classify(&dst, &o)
			require.Error(t, err)
			require.True(t, errors.Is(err, segment.ErrNotFitted), "%v", err)
			require.Contains(t, err.Error(), `"C-1"`)
			require.Equal(t, segment.Result{ID: "kept", Quadrant: segment.HighValue}, dst)

			for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
				require.Zero(t, m.Quadrant(k, score))
				require.Zero(t, m.Grade(k, score))
				require.Zero(t, m.Thresholds(k).N)
				require.Zero(t, m.GradeThresholds(k).N)
			}
		})
	}

	// The first pass embedded in a zero Model is nil: its methods, promoted
	// to the Model, answer for a fit without customers.
	var zero segment.Model
	_, known := zero.AsOf()
	require.False(t, known)
	require.Nil(t, zero.ValueScorer(customer.Consumer))
	require.Nil(t, zero.RFMScorer(customer.Consumer))
	_, err = zero.LifecycleWindows(&o)
	require.True(t, errors.Is(err, segment.ErrNotFitted), "%v", err)
	err = zero.Scoring.Classify(&r, &o)
	require.True(t, errors.Is(err, segment.ErrNotFitted), "%v", err)
}
