package customer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Record names the one record an event holds, and says "event" for none
// or several.
func TestEventRecord(t *testing.T) {
	for want, e := range map[string]Event{
		`order "O-1"`:                   {Order: &Order{ID: "O-1"}},
		`return "R-1"`:                  {Return: &Return{ID: "R-1"}},
		`credit "K-1"`:                  {Credit: &Credit{ID: "K-1"}},
		`interaction of customer "C-1"`: {Interaction: &Interaction{CustomerID: "C-1"}},
		"event":                         {},
	} {
		assert.Equal(t, want, e.Record())
	}
	assert.Equal(t, "event", Event{Order: &Order{ID: "O-1"}, Return: &Return{ID: "R-1"}}.Record())
}
