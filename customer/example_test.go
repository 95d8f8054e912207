package customer_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

func ExampleNewMoney() {
	price, err := customer.NewMoney("49.90", "EUR")
	if err != nil {
		panic(err)
	}
	fee, _ := customer.NewMoney("4.95", "EUR")
	total, _ := price.Add(fee)
	fmt.Println(total)

	_, err = customer.NewMoney("1e400", "EUR")
	fmt.Println(err)
	yen, _ := customer.NewMoney("1500", "JPY")
	_, err = total.Add(yen)
	fmt.Println(err)
	// Output:
	// 54.85 EUR
	// "1e400": not a decimal number
	// customer: currency mismatch: EUR and JPY
}

func ExampleMoney_Split() {
	bill, _ := customer.NewMoney("100.00", "EUR")
	parts, _ := bill.Split(3)
	fmt.Println(parts)
	// Output: [33.34 EUR 33.33 EUR 33.33 EUR]
}

func ExampleMoney_Allocate() {
	// A coupon of 10 EUR spread over lines worth 60, 30 and 10.
	coupon, _ := customer.NewMoney("10", "EUR")
	parts, _ := coupon.Allocate(decimal.NewFromInt(60), decimal.NewFromInt(30), decimal.NewFromInt(10))
	fmt.Println(parts)
	// Output: [6.00 EUR 3.00 EUR 1.00 EUR]
}

var (
	asOf = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	dec  = decimal.RequireFromString
)

func history() []customer.Event {
	o1 := customer.Order{ID: "O-1", CustomerID: "C-7", Time: time.Date(2026, 1, 10, 15, 0, 0, 0, time.UTC),
		Channel: customer.Store, Currency: "EUR", Lines: []customer.Line{
			{ID: "1", Category: "coats", Quantity: 1, UnitPrice: dec("299.00"), Discount: dec("30")},
			{ID: "2", Category: "knitwear", Quantity: 2, UnitPrice: dec("79.00")},
		}}
	r1 := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-7", Time: time.Date(2026, 1, 20, 11, 0, 0, 0, time.UTC),
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	o2 := customer.Order{ID: "O-2", CustomerID: "C-7", Time: time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC),
		Channel: customer.Online, Currency: "EUR", Lines: []customer.Line{
			{ID: "1", Category: "shirts", Quantity: 3, UnitPrice: dec("39.90")},
		}}
	return []customer.Event{{Order: &o1}, {Return: &r1}, {Order: &o2}}
}

func ExampleSummarize() {
	s, err := customer.Summarize("C-7", customer.Consumer, asOf, slices.Values(history()), nil)
	if err != nil {
		panic(err)
	}
	f, r, T, _ := s.BTYD(customer.Days)
	fmt.Println("orders:", s.Orders, "units:", s.Units, "returned:", s.ReturnedUnits)
	fmt.Println("net:", s.Net().StringFixed(2), "refunded:", s.Refunded.StringFixed(2))
	fmt.Println("categories:", s.Categories)
	fmt.Printf("return rate: %.2f\n", s.ReturnRate())
	fmt.Printf("frequency %d, recency %.0f days, T %.0f days\n", f, r, T)
	// Output:
	// orders: 2 units: 6 returned: 1
	// net: 467.70 refunded: 79.00
	// categories: [coats knitwear shirts]
	// return rate: 0.17
	// frequency 1, recency 82 days, T 171 days
}

func ExampleSummary_Merge() {
	h := history()
	// Two workers each summarise part of the history; a return travels
	// with its order.
	a, _ := customer.Summarize("C-7", customer.Consumer, asOf, slices.Values(h[:2]), nil)
	b, _ := customer.Summarize("C-7", customer.Consumer, asOf, slices.Values(h[2:]), nil)
	merged, _ := a.Merge(b)
	whole, _ := customer.Summarize("C-7", customer.Consumer, asOf, slices.Values(h), nil)
	fmt.Println(merged.Orders, merged.Net().StringFixed(2), merged.PurchaseDays())
	fmt.Println(whole.Orders, whole.Net().StringFixed(2), whole.PurchaseDays())
	// Output:
	// 2 467.70 2
	// 2 467.70 2
}

func ExampleSummary_AddReturnAfter() {
	// Three shirts at 33.33 with 10.00 off: 89.99 for the line, which
	// the three units do not share evenly.
	o := customer.Order{ID: "O-5", CustomerID: "C-7", Time: time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC),
		Channel: customer.Online, Currency: "EUR", Lines: []customer.Line{
			{ID: "1", Category: "shirts", Quantity: 3, UnitPrice: dec("33.33"), Discount: dec("10.00")},
		}}
	s := customer.NewSummary("C-7", customer.Consumer, asOf, nil)
	_ = s.AddOrder(o)
	refunded := map[string]int{} // units of each line refunded so far
	for i := range 3 {
		r := customer.Return{ID: fmt.Sprintf("R-%d", i+1), OrderID: "O-5", CustomerID: "C-7",
			Time: o.Time.AddDate(0, 0, 7+i), Kind: customer.Refund, Reason: customer.SizeFit,
			Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
		paid := s.Refunded
		if err := s.AddReturnAfter(r, o, refunded); err != nil {
			panic(err)
		}
		refunded["1"]++
		fmt.Println(r.ID, "pays back", s.Refunded.Sub(paid).StringFixed(2))
	}
	fmt.Println("refunded:", s.Refunded.StringFixed(2), "net:", s.Net().StringFixed(2))
	// Output:
	// R-1 pays back 30.00
	// R-2 pays back 29.99
	// R-3 pays back 30.00
	// refunded: 89.99 net: 0.00
}

func ExampleSummary_AddCreditFor() {
	// A coat with a loose seam: the customer keeps it for 40.00 less
	// (a price reduction settling a complaint); a second complaint is
	// settled with 15.00 for the trouble, for no order.
	h := history()
	o := *h[0].Order
	reduction := customer.Credit{ID: "K-1", CustomerID: "C-7", OrderID: "O-1",
		Time: time.Date(2026, 1, 25, 9, 0, 0, 0, time.UTC), Kind: customer.PriceReduction, Source: "case CASE-12"}
	reduction.Amount, _ = customer.NewMoney("40.00", "EUR")
	s := customer.NewSummary("C-7", customer.Consumer, asOf, nil)
	_ = s.AddOrder(o)
	if err := s.AddCreditFor(reduction, o, customer.Money{}); err != nil {
		panic(err)
	}
	goodwill := customer.Credit{ID: "K-2", CustomerID: "C-7", Time: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC),
		Kind: customer.Compensation, Source: "case CASE-19"}
	goodwill.Amount, _ = customer.NewMoney("15.00", "EUR")
	if err := s.AddCredit(goodwill); err != nil {
		panic(err)
	}
	fmt.Println("credited:", s.Credited.StringFixed(2), "net:", s.Net().StringFixed(2), "purchase days:", s.PurchaseDays())

	// A reduction may not be more than what is left of the order's net:
	// ValidateFor (and a Recorder) refuse it before it is written. A
	// summary of a history that holds one anyway, imported as it was
	// paid, keeps the money as recorded.
	reduced := reduction.Amount
	reduction.ID = "K-3"
	reduction.Amount, _ = customer.NewMoney("500", "EUR")
	fmt.Println(reduction.ValidateFor(o, reduced, asOf))
	if err := s.AddCreditFor(reduction, o, reduced); err != nil {
		panic(err)
	}
	fmt.Println("credited:", s.Credited.StringFixed(2), "net:", s.Net().StringFixed(2))
	// Output:
	// credited: 55.00 net: 372.00 purchase days: 1
	// credit "K-3": amount: 500.00 is more than the 387.00 left of the order's net of 427.00 after earlier reductions
	// credited: 555.00 net: -128.00
}

func ExampleOrder_Validate() {
	o := customer.Order{ID: "O-9", CustomerID: "C-7", Time: asOf.AddDate(0, 0, 2),
		Channel: customer.Online, Currency: "EUR", Lines: []customer.Line{
			{ID: "1", Quantity: 0, UnitPrice: dec("19.999")},
			{ID: "1", Quantity: 1, UnitPrice: dec("10"), Discount: dec("12")},
		}}
	err := o.Validate(asOf)
	var ve *customer.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s (%s): %s\n", f.Field, f.Code, f.Message)
		}
	}
	// Output:
	// lines[0].quantity (not_positive): must be positive, is 0
	// lines[0].unit_price (format): 19.999 has more decimals than EUR allows (2)
	// lines[1].discount (out_of_range): 12 is more than the line's 10
	// lines[1].id (duplicate): line ID "1" is also lines[0]
	// time (future): 2026-07-02T00:00:00Z is after 2026-06-30T00:00:00Z
}

// A store that finds an order's ID taken compares the delivery with what
// it holds: a redelivery is accepted, a second version refused with the
// field that differs.
func ExampleOrder_Conflict() {
	stored := customer.Order{ID: "O-9", CustomerID: "C-7", Time: asOf, Channel: customer.Online,
		Currency: "EUR", Lines: []customer.Line{{ID: "1", Quantity: 2, UnitPrice: dec("19.90")}}}
	fmt.Println(stored.Conflict(stored.Clone()))

	edited := stored.Clone()
	edited.Lines[0].UnitPrice = dec("17.90")
	err := stored.Conflict(edited)
	fmt.Println(err)
	fmt.Println(errors.Is(err, customer.ErrDuplicate))
	// Output:
	// <nil>
	// order "O-9": duplicate ID with different lines[0].unit_price
	// true
}

func ExampleCustomer_redacted() {
	c := customer.Customer{
		ID: "C-7", Kind: customer.Consumer, Name: "Mei Chen",
		Contact:  customer.Contact{Email: "mei.chen@example.com", Phone: "+86 21 5555 0188", Address: "88 Nanjing Rd"},
		Birthday: customer.Birthday{Year: 1988, Month: time.March, Day: 14},
		Region:   "Shanghai", Joined: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		Consent: customer.Consent{Marketing: true},
		Profile: customer.Profile{TopSize: "S", HeightCM: 162},
	}
	fmt.Println(c)
	fmt.Printf("%+v\n", c)
	fmt.Println(c.Contact.Email, c.Contact.Phone)

	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	log.Info("customer saved", "customer", c)

	fmt.Println(c.Anonymize())
	// Output:
	// customer "C-7" (consumer, region "Shanghai", joined 2024-03-01, consent marketing=true profiling=false, personal data redacted)
	// customer "C-7" (consumer, region "Shanghai", joined 2024-03-01, consent marketing=true profiling=false, personal data redacted)
	// m***@example.com ***88
	// {"level":"INFO","msg":"customer saved","customer":{"id":"C-7","kind":"consumer","region":"Shanghai","joined":"2024-03-01T00:00:00Z","consent_marketing":true,"consent_profiling":false,"personal_data":"[redacted]"}}
	// customer "C-7" (consumer, region "Shanghai", joined 2024-03-01, consent marketing=false profiling=false)
}

func ExampleCustomer_Validate() {
	c := customer.Customer{
		ID: "C-8", Kind: customer.Consumer, Joined: asOf.AddDate(-1, 0, 0),
		Birthday: customer.Birthday{Year: 1995, Month: time.February, Day: 31},
		Profile:  customer.Profile{TopSize: "M", ShoeSize: "44.3", HeightCM: 400},
		Contact:  customer.Contact{Email: "c8@example"},
	}
	fmt.Println(c.Validate(asOf))
	// Output:
	// customer "C-8": birthday: the day is not in the month (a leap day only in a leap year or with the year unknown); contact.email: is not an e-mail address (name@domain.tld); profile.height_cm: is outside 40..250 cm (0 means unknown); profile.shoe_size: is not an EU shoe size (16..52, halves allowed)
}

func ExampleMemStore() {
	ctx := context.Background()
	store := customer.NewMemStore()
	_ = store.Put(ctx, customer.Customer{ID: "C-7", Kind: customer.Consumer, Joined: asOf.AddDate(-2, 0, 0)})
	for _, e := range history() {
		switch {
		case e.Order != nil:
			_ = store.AppendOrder(ctx, *e.Order)
			_ = store.AppendOrder(ctx, *e.Order) // a redelivery is a no-op
		case e.Return != nil:
			_ = store.AppendReturn(ctx, *e.Return)
		}
	}
	err := store.AppendOrder(ctx, customer.Order{ID: "O-3", CustomerID: "C-404"})
	fmt.Println(errors.Is(err, customer.ErrNotFound))

	s, _ := customer.SummarizeHistory(ctx, store, "C-7", customer.Consumer, asOf, nil)
	fmt.Println(s.Orders, s.Returns, s.Net().StringFixed(2))
	// Output:
	// true
	// 2 1 467.70
}

func ExampleYearsBefore() {
	asOf := time.Date(2024, 2, 29, 18, 0, 0, 0, time.UTC)
	fmt.Println(customer.DateOf(asOf), customer.YearsBefore(asOf, 1), customer.YearsBefore(asOf, 4))
	// Output: 2024-02-29 2023-03-01 2020-02-29
}

func ExampleSummary_Spend12Months() {
	s := customer.Summary{AsOf: time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)}
	for _, d := range []struct {
		date, net string
	}{{"2024-03-15", "120.50"}, {"2025-01-10", "80.00"}, {"2025-11-30", "45.25"}} {
		day, _ := customer.ParseDate(d.date)
		s.Days = append(s.Days, customer.Day{Date: day, Orders: 1, Net: decimal.RequireFromString(d.net)})
	}
	last, prior := s.Spend12Months()
	fmt.Println(last, prior)
	mean, _ := s.MeanRepeatSpendFloat()
	fmt.Println(mean)
	// Output:
	// 125.25 120.5
	// 62.625
}

func ExampleSpendWindows() {
	day, yearAgo, twoYearsAgo := customer.SpendWindows(time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC))
	fmt.Println(day, yearAgo, twoYearsAgo)
	// Output: 2025-12-31 2024-12-31 2023-12-31
}

// A line of three jumpers, 100.00 EUR after its discount, refunded one
// jumper at a time: each refund is a whole number of cents, and the three
// add up to the line's net. A refund of more units than the line has left
// is refused.
func ExampleRefundShare() {
	net := dec("100.00")
	total := decimal.Zero
	for before := range 3 {
		share, err := customer.RefundShare(net, before, 1, 3, "EUR")
		if err != nil {
			panic(err)
		}
		fmt.Printf("jumper %d: %s EUR\n", before+1, share.StringFixed(2))
		total = total.Add(share)
	}
	fmt.Println("refunded", total.StringFixed(2), "EUR")

	// Two of the three at once pay what the first two paid one by one.
	two, _ := customer.RefundShare(net, 0, 2, 3, "EUR")
	fmt.Println("two at once:", two.StringFixed(2), "EUR")

	// Yen have no minor unit: the shares are whole yen.
	yen, _ := customer.RefundShare(dec("1000"), 0, 1, 3, "JPY")
	fmt.Println("one of three for 1000 JPY:", yen, "JPY")

	_, err := customer.RefundShare(net, 2, 2, 3, "EUR")
	fmt.Println(errors.Is(err, customer.ErrInvalid), err)
	// Output:
	// jumper 1: 33.33 EUR
	// jumper 2: 33.34 EUR
	// jumper 3: 33.33 EUR
	// refunded 100.00 EUR
	// two at once: 66.67 EUR
	// one of three for 1000 JPY: 333 JPY
	// true customer: refund share of 2 units after 2 of a line of 3 units and net 100.00: invalid record
}
