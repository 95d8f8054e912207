package rowhint_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/rowhint"
)

// A field that salesrow refuses gets a hint when it is an amount or a
// date written for people; one simply wrong gets none.
func ExampleField() {
	for _, v := range [][2]string{
		{salesrow.ColAmount, "1.2万"},
		{salesrow.ColAmount, "12x"},
		{salesrow.ColDate, "2024年3月5日"},
	} {
		var fe *salesrow.FieldError
		if v[0] == salesrow.ColAmount {
			_, why := salesrow.ParseAmount(v[1])
			fe = &salesrow.FieldError{Column: v[0], Value: v[1], HasValue: true, Reason: why}
		} else {
			_, why := salesrow.ParseDate(v[1])
			fe = &salesrow.FieldError{Column: v[0], Value: v[1], HasValue: true, Reason: why}
		}
		fe.Reason = rowhint.Field(fe.Column, fe.Reason, fe.Value)
		fmt.Println(fe)
	}
	// Output:
	// amount "1.2万": not a decimal number; write it in full, 12000, not in 万 (ten thousands)
	// amount "12x": not a decimal number
	// date "2024年3月5日": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339; write it as 2024-03-05: YYYY-MM-DD, with hyphens and a two-digit month and day
}
