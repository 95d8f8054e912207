package customer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
)

// Two shop servers register a new customer under one ID. Put would let
// the later registration replace the first, its consents with it; Insert
// stores only the first, accepts the same registration delivered again,
// and refuses another one under the taken ID.
func ExampleInserter() {
	ctx := context.Background()
	joined := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	var dir customer.Directory = customer.NewMemStore()
	ins, ok := dir.(customer.Inserter)
	if !ok {
		panic("the store cannot insert atomically")
	}
	first := customer.Customer{ID: "C-7", Kind: customer.Consumer, Name: "Ana", Joined: joined}
	fmt.Println("first:", ins.Insert(ctx, first))
	fmt.Println("redelivered:", ins.Insert(ctx, first))

	other := first
	other.Name = "Bo"
	err := ins.Insert(ctx, other)
	fmt.Println("other under C-7 refused:", errors.Is(err, customer.ErrDuplicate))

	stored, _ := dir.Get(ctx, "C-7")
	fmt.Println("kept the first:", stored.Equal(first))
	// Output:
	// first: <nil>
	// redelivered: <nil>
	// other under C-7 refused: true
	// kept the first: true
}

// Append stores the one record an Event holds with the HistoryWriter
// method of its kind, as it is: a store checks only that the customer
// and the order exist and that IDs are not reused. Event.CustomerID
// names the customer, for instance to partition incoming records.
func ExampleAppend() {
	ctx := context.Background()
	bought := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	st := customer.NewMemStore()
	if err := st.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: bought.AddDate(-1, 0, 0)}); err != nil {
		panic(err)
	}
	events := []customer.Event{
		{Order: &customer.Order{ID: "O-1", CustomerID: "C-1", Time: bought, Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Category: "knitwear", Quantity: 1, UnitPrice: decimal.RequireFromString("59.00")}}}},
		{Interaction: &customer.Interaction{CustomerID: "C-1", Time: bought.Add(time.Hour), Kind: customer.Wishlist, Subject: "coats"}},
		{},
	}
	for _, e := range events {
		err := customer.Append(ctx, st, e)
		fmt.Printf("customer %q: %v\n", e.CustomerID(), err)
	}
	// Output:
	// customer "C-1": <nil>
	// customer "C-1": <nil>
	// customer "": customer: an event holds 0 records, want one: invalid record
}

// A CheckedAppender checks a record against the customer's history and
// appends it in one step of the store: of two writers that each find the
// order not yet returned, only one appends its return. A Recorder uses
// the capability by itself; a caller with rules of its own passes the
// check.
func ExampleCheckedAppender() {
	ctx := context.Background()
	bought := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	st := customer.NewMemStore()
	if err := st.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: bought.AddDate(-1, 0, 0)}); err != nil {
		panic(err)
	}
	order := customer.Order{ID: "O-1", CustomerID: "C-1", Time: bought, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("199.00")}}}
	if err := st.AppendOrder(ctx, order); err != nil {
		panic(err)
	}
	oneReturnPerOrder := func(history []customer.Event) error {
		for _, e := range history {
			if e.Return != nil && e.Return.OrderID == "O-1" {
				return fmt.Errorf("order O-1 has return %s already", e.Return.ID)
			}
		}
		return nil
	}
	var a customer.CheckedAppender = st
	for _, id := range []string{"R-1", "R-2"} {
		ret := customer.Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: bought.Add(48 * time.Hour),
			Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: 1}}}
		fmt.Printf("%s: %v\n", id, a.AppendChecked(ctx, customer.Event{Return: &ret}, oneReturnPerOrder))
	}
	// Output:
	// R-1: <nil>
	// R-2: order O-1 has return R-1 already
}
