package idtext_test

import (
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/idtext"
)

func ExampleRefusal() {
	id := "C-" + strings.Repeat("7", 40)
	err := fmt.Errorf("store: customer %q: %w", id, customer.ErrInvalid)
	if _, msg := idtext.Refusal(err, id, "Put of "+idtext.Quote(id), "record"); msg != "" {
		fmt.Println(msg)
	}
	// Output:
	// Put of "C-7777777777777777777777"… (42 bytes) = store: customer "C-7777777777777777777777"… (42 bytes): invalid record, want a *customer.ValidationError naming the record and the field
}
