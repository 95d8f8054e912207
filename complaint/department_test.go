package complaint_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
)

// Department names are typed by people: "Quality", "quality" and
// " quality " name one department. A reassignment to the department and
// handler the case has, however the name is written, moves nothing and
// is refused; a new handler in the department so written is no move to
// another department, which the customer would hear of.
func TestDepartmentNamesCompareAsNames(t *testing.T) {
	assigned, _ := reach(2)
	require.Equal(t, "quality", assigned.Department)
	for _, dept := range []string{"quality", "Quality", "QUALITY", " quality", "quality\t", " Quality "} {
		refused(t, nil, assigned, complaint.Command{Kind: complaint.CmdReassign,
			Assignment: &complaint.Assignment{Department: dept, Handler: handler.ID}}, supervisor, hours(4),
			"assignment differs from the case's department and handler")

		moved, ev := do(t, assigned, complaint.Command{Kind: complaint.CmdReassign,
			Assignment: &complaint.Assignment{Department: dept, Handler: "handler-2"}}, supervisor, hours(4))
		_, ok, err := complaint.NoticeOf(moved, ev)
		require.NoError(t, err)
		assert.False(t, ok, "%q: a new handler in the same department", dept)
	}
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"Quality", "quality", true},
		{" customer  service ", "Customer Service", true},
		{"Straße", "STRASSE", false}, // simple case folding, as strings.EqualFold
		{"quality", "logistics", false},
		{"quality", "quality control", false},
		{"", " ", true},
	} {
		assert.Equal(t, tc.same, complaint.SameDepartment(tc.a, tc.b), "%q vs %q", tc.a, tc.b)
		assert.Equal(t, tc.same, complaint.SameDepartment(tc.b, tc.a), "%q vs %q", tc.b, tc.a)
	}
}

// Department names compare as names: case and white space do not make
// another department.
func ExampleSameDepartment() {
	fmt.Println(complaint.SameDepartment("Customer Service", " customer  service"))
	fmt.Println(complaint.SameDepartment("quality", "quality control"))
	// Output:
	// true
	// false
}
