package complaint_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint"
)

// TestRulesSortedByFromThenCommand pins the order Rules documents: by
// From, then by command, and each (From, command) pair once, as the
// table is a function of them.
func TestRulesSortedByFromThenCommand(t *testing.T) {
	rules := complaint.Rules()
	assert.True(t, slices.IsSortedFunc(rules, func(a, b complaint.Rule) int {
		if a.From != b.From {
			return int(a.From) - int(b.From)
		}
		return int(a.On) - int(b.On)
	}), "%v", rules)
	for i := 1; i < len(rules); i++ {
		assert.False(t, rules[i-1].From == rules[i].From && rules[i-1].On == rules[i].On, "%s on %s twice", rules[i].From, rules[i].On)
	}
}
