package rowhint

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A fraction of a second written with a decimal comma (ISO 8601 allows
// one, RFC 3339 does not) in a timestamp refused for its time is written
// with a point in the timestamp that the hint gives, which
// salesrow.ParseDate reads on the same day.
func TestTimeHintWritesTheFractionWithAPoint(t *testing.T) {
	for v, want := range map[string]string{
		"2024-03-05 10:00:00,5 UTC":  "2024-03-05 10:00:00.5Z",
		"2024-03-05T10:00:00,5+01":   "2024-03-05T10:00:00.5+01:00",
		"2024-03-05 10:00:00,125 PM": "2024-03-05 22:00:00.125",
	} {
		_, why := salesrow.ParseDate(v)
		require.Equal(t, customer.WantDay, why, "%q is read", v)
		assert.Equal(t, customer.WantDay+"; "+fmt.Sprintf(hintTimeAs, want), Date(why, v), "%q", v)
		d, why := salesrow.ParseDate(want)
		require.Empty(t, why, "the hint's %q is read", want)
		assert.Equal(t, "2024-03-05", d.String(), want)
	}
}
