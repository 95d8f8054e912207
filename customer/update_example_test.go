package customer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// A consent withdrawal made with Update reads the customer and writes it
// back in one step of the store, so a profile update made at the same
// time by another writer, also with Update, cannot give the consent back.
// A change that fails, here the check of the result, stores nothing.
func ExampleUpdater() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	var dir customer.Directory = customer.NewMemStore()
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana", Joined: now.AddDate(-1, 0, 0)}
	c, _ = c.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeMarketing, Given: true,
		Time: now.AddDate(0, -1, 0), Source: customer.SourceWebShop, Notice: "privacy v4"}, now)
	if err := dir.Put(ctx, c); err != nil {
		panic(err)
	}

	u, ok := dir.(customer.Updater)
	if !ok {
		panic("the store cannot update atomically")
	}
	err := u.Update(ctx, "C-1", func(c *customer.Customer) error {
		next, err := c.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeMarketing,
			Time: now, Source: customer.SourceEmail}, now)
		if err != nil {
			return err
		}
		*c = next
		return c.Validate(now)
	})
	fmt.Println("withdrawal:", err)

	err = u.Update(ctx, "C-1", func(c *customer.Customer) error {
		c.Profile.HeightCM = -1
		return c.Validate(now)
	})
	fmt.Println("bad height refused:", errors.Is(err, customer.ErrInvalid))

	stored, _ := dir.Get(ctx, "C-1")
	fmt.Println("marketing allowed:", stored.Consent.Allows(customer.PurposeMarketing), "height:", stored.Profile.HeightCM)
	// Output:
	// withdrawal: <nil>
	// bad height refused: true
	// marketing allowed: false height: 0
}
