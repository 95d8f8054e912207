package churn_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tailorcrm/tailor/churn"
)

// A boundary point stands for the limit only with a finite likelihood and
// finite, positive parameters.
func TestBoundaryErrorUsable(t *testing.T) {
	ok := []churn.Param{{Name: "r", Value: 0.68}, {Name: "alpha", Value: 13.3}, {Name: "a", Value: 1.6e-7}, {Name: "b", Value: 18000}}
	be := func(ll float64, ps ...churn.Param) *churn.BoundaryError {
		return &churn.BoundaryError{Model: "bgnbd", Names: []string{"a", "b"}, LogLikelihood: ll, Params: ps}
	}
	assert.True(t, be(-221.2, ok...).Usable())
	assert.False(t, be(math.Inf(-1), ok...).Usable(), "infinite likelihood")
	assert.False(t, be(math.NaN(), ok...).Usable(), "NaN likelihood")
	assert.False(t, be(-221.2).Usable(), "no parameters")
	for _, bad := range []float64{0, -1, math.Inf(1), math.NaN()} {
		ps := append([]churn.Param(nil), ok...)
		ps[2].Value = bad
		assert.False(t, be(-221.2, ps...).Usable(), "a = %v", bad)
	}
}
