package customer_test

import (
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// A customer ticks the newsletter box in the web shop and later follows
// the unsubscribe link of a mail: each change is recorded with its
// evidence, and the flag follows the last one.
func ExampleCustomer_RecordConsent() {
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: now.AddDate(-1, 0, 0)}

	c, err := c.RecordConsent(customer.ConsentChange{
		Purpose: customer.PurposeMarketing, Given: true, Time: now.AddDate(0, -3, 0),
		Source: customer.SourceWebShop, Notice: "privacy notice v4",
	}, now)
	fmt.Println(c.Consent.Marketing, err)

	c, err = c.RecordConsent(customer.ConsentChange{
		Purpose: customer.PurposeMarketing, Time: now.AddDate(0, 0, -1), Source: customer.SourceEmail,
	}, now)
	fmt.Println(c.Consent.Marketing, err)
	for _, ch := range c.ConsentHistory {
		fmt.Println(ch)
	}

	// A change dated before the last one is refused; c stays as it was.
	_, err = c.RecordConsent(customer.ConsentChange{
		Purpose: customer.PurposeProfiling, Given: true, Time: now.AddDate(0, -1, 0),
		Source: customer.SourceTill, Notice: "privacy notice v4",
	}, now)
	fmt.Println(err)

	// A flag set by hand against the evidence is reported.
	c.Consent.Marketing = true
	fmt.Println(c.Validate(now))
	// Output:
	// true <nil>
	// false <nil>
	// marketing given 2026-03-30T12:00:00Z via web (notice "privacy notice v4")
	// marketing withdrawn 2026-06-29T12:00:00Z via email
	// customer "C-1": consent_history[2].time: 2026-05-30T12:00:00Z is before the last change, at 2026-06-29T12:00:00Z
	// customer "C-1": consent.marketing: is true, but the last marketing change in consent_history withdraws it (2026-06-29T12:00:00Z)
}
