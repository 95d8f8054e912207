package uniqueid_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/internal/uniqueid"
)

// A loader that delivered one customer twice.
func ExampleFirstRepeat() {
	ids := []string{"c-7", "c-2", "c-9", "", "c-2", "c-7", ""}
	if i, j, ok := uniqueid.FirstRepeat(len(ids), func(k int) string { return ids[k] }, nil); ok {
		fmt.Printf("%q at positions %d and %d\n", ids[j], i, j)
	}
	sorted := []string{"a", "b", "c"}
	_, _, ok := uniqueid.FirstRepeat(len(sorted), func(k int) string { return sorted[k] }, nil)
	fmt.Println(ok)
	// Output:
	// "c-2" at positions 1 and 4
	// false
}
