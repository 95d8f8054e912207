package enumtext_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/internal/enumtext"
)

type Size uint8

var sizeNames = []string{"", "small", "medium", "large"}

func (s Size) String() string { return enumtext.String(s, sizeNames, "Size") }

func Example() {
	m, err := enumtext.Parse[Size]("medium", sizeNames, "size")
	fmt.Println(m, err)
	_, err = enumtext.Parse[Size]("huge", sizeNames, "size")
	fmt.Println(err)
	fmt.Println(Size(0), Size(7))
	// Output:
	// medium <nil>
	// unknown size "huge"
	// Size(0) Size(7)
}
