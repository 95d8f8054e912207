package radix_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/internal/radix"
)

// Records sorted by a small key, with each record's index packed into the
// low 8 bits: the records of one key stay in index order.
func ExampleSortFrom() {
	keys := []uint64{3<<8 | 0, 1<<8 | 1, 3<<8 | 2, 1<<8 | 3}
	for _, k := range radix.SortFrom(keys, make([]uint64, len(keys)), 8) {
		fmt.Printf("key %d, record %d\n", k>>8, k&0xff)
	}
	// Output:
	// key 1, record 1
	// key 1, record 3
	// key 3, record 0
	// key 3, record 2
}
