package complaint_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// Every notice tells the complainant's value class, so that the result
// reaches high-value customers in particular; an unclassified customer's
// notices leave it out.
func TestNoticesCarryTheValueClass(t *testing.T) {
	in := complainttest.Intake("C-1", t0)
	in.Value = complaint.ValueHighBoth
	events := script(t, in, t0, complainttest.HappyPath()...)
	ns, err := complaint.Notices(events)
	require.NoError(t, err)
	require.Len(t, ns, 7)
	for _, n := range ns {
		assert.Equal(t, complaint.ValueHighBoth, n.Value, "%s", n.Topic)
	}
	b, err := json.Marshal(ns[len(ns)-1])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"value":"high-both"`)

	_, plain := reach(1)
	ns, err = complaint.Notices(plain)
	require.NoError(t, err)
	require.Len(t, ns, 2)
	assert.Zero(t, ns[0].Value)
	b, err = json.Marshal(ns[0])
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"value"`)
}
