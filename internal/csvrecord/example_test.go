package csvrecord_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/internal/csvrecord"
)

// The records of an export whose note column holds a line break within
// quotes, and a stray quote that costs one line.
func Example() {
	data := []byte("customer_id,date,amount,note\n" +
		"c1,2024-01-02,10,\"a\nb\"\n" +
		"c1,2024-02-03,20,x\"\n" +
		"c2,2024-03-04,30,y\n")
	width := 4 // the header's number of fields
	for i := csvrecord.End(data, 0, true, 0, csvrecord.MaxLineBytes); i < len(data); {
		end, _, _ := csvrecord.Scan(data, i, true, width, csvrecord.MaxLineBytes)
		fmt.Printf("%d: %q\n", i, data[i:end])
		i = end
	}
	// Output:
	// 29: "c1,2024-01-02,10,\"a\nb\"\n"
	// 52: "c1,2024-02-03,20,x\"\n"
	// 72: "c2,2024-03-04,30,y\n"
}
