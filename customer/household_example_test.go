package customer_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
)

// The whole family bought one each, and dad's was a bit small: the lines
// say whom each jumper was for, the return says why it came back, and the
// summary counts it for dad.
func ExampleSummary_members() {
	now := time.Date(2026, 12, 20, 18, 0, 0, 0, time.UTC)
	c := customer.Customer{ID: "C-4", Kind: customer.Consumer, Joined: now.AddDate(-1, 0, 0),
		Profile: customer.Profile{TopSize: "M"},
		Household: []customer.Member{
			{ID: "dad", Relation: customer.Parent, Profile: customer.Profile{TopSize: "L"}},
			{ID: "kid", Relation: customer.Child, Profile: customer.Profile{TopSize: "140"}},
		}}
	jumper := func(id, size, member string) customer.Line {
		return customer.Line{ID: id, SKU: "JUMPER-" + size, Category: "knitwear", Size: size, Quantity: 1,
			UnitPrice: decimal.RequireFromString("49.90"), Member: member}
	}
	o := customer.Order{ID: "O-1", CustomerID: "C-4", Time: now.AddDate(0, 0, -10), Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{jumper("1", "M", ""), jumper("2", "L", "dad"), jumper("3", "140", "kid")}}
	fmt.Println(o.ValidateFor(c, now))

	wrong := o.Clone()
	wrong.Lines[2].Member = "mum"
	fmt.Println(wrong.ValidateFor(c, now))

	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-4", Time: now.AddDate(0, 0, -8),
		Kind: customer.Exchange, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	s, err := customer.Summarize("C-4", customer.Consumer, now, slices.Values([]customer.Event{{Order: &o}, {Return: &r}}), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range s.Members {
		fmt.Printf("%s: %d bought, %d back for size or fit (%.0f%%)\n", m.Member, m.Units, m.SizeFitUnits, 100*m.SizeFitRate())
	}
	// Output:
	// <nil>
	// order "O-1": lines[2].member: customer "C-4" has no household member "mum"
	// dad: 1 bought, 1 back for size or fit (100%)
	// kid: 1 bought, 0 back for size or fit (0%)
}

// A member's name and birthday are personal data: they never print.
func ExampleMember_redacted() {
	m := customer.Member{ID: "dad", Relation: customer.Parent, Name: "Wang Jun",
		Birthday: customer.Birthday{Year: 1958, Month: time.October, Day: 1}}
	fmt.Println(m)
	fmt.Printf("%+v\n", []customer.Member{m, {ID: "M-2", Relation: customer.Partner}})
	// Output:
	// member "dad" (parent, personal data redacted)
	// [member "dad" (parent, personal data redacted) member "M-2" (partner)]
}
