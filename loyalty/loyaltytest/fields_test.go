package loyaltytest

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/loyalty"
)

// The kit compares every field of an entry: a field added to
// loyalty.Entry fails here until entryFields compares it, so that a
// store that drops it fails the kit.
func TestEntryFieldsCoverEntry(t *testing.T) {
	var want []string
	for f := range reflect.TypeFor[loyalty.Entry]().Fields() {
		if f.IsExported() {
			want = append(want, f.Name)
		}
	}
	var got []string
	for _, f := range entryFields(loyalty.Entry{}) {
		got = append(got, f.name)
	}
	assert.ElementsMatch(t, want, got)
}
