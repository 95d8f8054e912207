package terms_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

func eur(s string) customer.Money {
	m, err := customer.NewMoney(s, "EUR")
	if err != nil {
		panic(err)
	}
	return m
}

// The brand's terms: 30 % off list for dealers, 40 % for wholesalers,
// and "2/10 net 30". A dealer pays on day 8 and takes the cash discount;
// a wholesaler pays part on time and the rest a week late.
func Example() {
	t := terms.Terms{
		Currency: "EUR",
		Functional: map[customer.Role]decimal.Decimal{
			customer.Dealer:     decimal.NewFromInt(30),
			customer.Wholesaler: decimal.NewFromInt(40),
		},
		Cash:    terms.CashDiscount{Percent: decimal.NewFromInt(2), Days: 10},
		NetDays: 30,
	}
	issued := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return issued.AddDate(0, 0, n).Add(6 * time.Hour) }
	asOf := time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC)

	dealer, err := t.Invoice("INV-1", "D-7", customer.Dealer, eur("1000.00"), issued)
	if err != nil {
		panic(err)
	}
	fmt.Println(dealer.Explain())
	s, err := dealer.Settle([]terms.Payment{{ID: "BANK-1", At: day(8), Amount: eur("686.00")}}, asOf)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Explain)
	fmt.Println("owed", s.Owed, "discount", s.Discount)

	wholesaler, err := t.Invoice("INV-2", "W-3", customer.Wholesaler, eur("2500.00"), issued)
	if err != nil {
		panic(err)
	}
	fmt.Println(wholesaler.Explain())
	payments := []terms.Payment{
		{ID: "BANK-9", At: day(37), Amount: eur("1000.00")},
		{ID: "BANK-8", At: day(17), Amount: eur("500.00")},
	}
	s, err = wholesaler.Settle(payments, day(20))
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Explain)
	s, err = wholesaler.Settle(payments, asOf)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Explain)
	fmt.Println("owed", s.Owed, "discount", s.Discount, "days late", s.DaysLate)
	// Output:
	// list 1000.00 EUR − 30% functional discount (dealer) 300.00 EUR = 700.00 EUR; 2% cash discount 14.00 EUR if paid by 2025-03-13, else 700.00 EUR due 2025-04-02
	// settled 2025-03-11 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13
	// owed 0.00 EUR discount 14.00 EUR
	// list 2500.00 EUR − 40% functional discount (wholesaler) 1000.00 EUR = 1500.00 EUR; 2% cash discount 30.00 EUR if paid by 2025-03-13, else 1500.00 EUR due 2025-04-02
	// open: 1000.00 EUR owed, due 2025-04-02
	// settled 2025-04-09, 7 days after the due date 2025-04-02: 1500.00 EUR paid
	// owed 0.00 EUR discount 0.00 EUR days late 7
}

// A payment record of one dealer: three invoices decided, one of them
// paid late, and one open. The caller's credit policy turns it into a
// credit rating for the dealer's potential value.
func ExampleNewRecord() {
	t := terms.Terms{
		Currency:   "EUR",
		Functional: map[customer.Role]decimal.Decimal{customer.Dealer: decimal.NewFromInt(30)},
		Cash:       terms.CashDiscount{Percent: decimal.NewFromInt(2), Days: 10},
		NetDays:    30,
	}
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	var settlements []terms.Settlement
	for i, inv := range []struct {
		issued    time.Time
		paidAfter int // days after the invoice; -1 for not yet
	}{
		{time.Date(2025, 2, 3, 9, 0, 0, 0, time.UTC), 8},
		{time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC), 25},
		{time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC), 40},
		{time.Date(2025, 6, 16, 9, 0, 0, 0, time.UTC), -1},
	} {
		issued, paidAfter := inv.issued, inv.paidAfter
		invoice, err := t.Invoice(fmt.Sprintf("INV-%d", i+1), "D-7", customer.Dealer, eur("1000.00"), issued)
		if err != nil {
			panic(err)
		}
		var payments []terms.Payment
		if paidAfter >= 0 {
			pay := invoice.Amount
			if paidAfter <= 10 {
				pay, _ = pay.Sub(invoice.CashDiscount)
			}
			payments = append(payments, terms.Payment{ID: fmt.Sprintf("BANK-%d", i+1), At: issued.AddDate(0, 0, paidAfter), Amount: pay})
		}
		s, err := invoice.Settle(payments, asOf)
		if err != nil {
			panic(err)
		}
		settlements = append(settlements, s)
	}
	rec, err := terms.NewRecord(settlements)
	if err != nil {
		panic(err)
	}
	share, _ := rec.OnTimeShare()
	late, _ := rec.MeanDaysLate()
	fmt.Printf("%d invoices, %d decided, on time %.2f, mean days late %.2f, open %s\n",
		rec.Invoices, rec.Decided(), share, late, rec.Open)

	// One possible credit policy.
	rating := customer.RatingAAA
	switch {
	case rec.OpenOverdue.Sign() > 0:
		rating = customer.RatingB
	case late > 5:
		rating = customer.RatingBBB
	case share < 1:
		rating = customer.RatingA
	}
	fmt.Printf("rating %s, score %.3f\n", rating, rating.Score())
	// Output:
	// 4 invoices, 3 decided, on time 0.67, mean days late 3.33, open 700.00 EUR
	// rating A, score 0.750
}

// "2/10 net 30" on an invoice of Wednesday 6 May 2026 in Berlin: the
// discount date, 16 May, is a Saturday. With Weekends it moves to
// Monday 18 May, and with a calendar that also closes that Monday as a
// holiday, to Tuesday 19 May. The discounted payment on Monday then
// takes the discount; without a calendar it is too late.
func ExampleWeekends() {
	berlin := time.FixedZone("CEST", 2*3600)
	t := terms.Terms{
		Currency:   "EUR",
		Functional: map[customer.Role]decimal.Decimal{customer.Dealer: decimal.NewFromInt(30)},
		Cash:       terms.CashDiscount{Percent: decimal.NewFromInt(2), Days: 10},
		NetDays:    30,
		Location:   berlin,
	}
	issued := time.Date(2026, 5, 6, 9, 0, 0, 0, berlin)
	payments := []terms.Payment{{ID: "BANK-1", At: time.Date(2026, 5, 18, 10, 0, 0, 0, berlin), Amount: eur("686.00")}}
	asOf := time.Date(2026, 7, 31, 12, 0, 0, 0, berlin)

	holiday := time.Date(2026, 5, 18, 0, 0, 0, 0, time.UTC)
	withHoliday := terms.CalendarFunc(func(d customer.Date) bool {
		return terms.Weekends.IsBusinessDay(d) && d != customer.DateOf(holiday)
	})
	for _, c := range []struct {
		name string
		cal  terms.Calendar
	}{{"none", nil}, {"weekends", terms.Weekends}, {"holiday", withHoliday}} {
		t.Calendar = c.cal
		inv, err := t.Invoice("INV-1", "D-7", customer.Dealer, eur("1000.00"), issued)
		if err != nil {
			panic(err)
		}
		s, err := inv.Settle(payments, asOf)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: discount until %s, due %s; %s\n", c.name, inv.DiscountUntil, inv.Due, s.Explain)
	}
	// Output:
	// none: discount until 2026-05-16, due 2026-06-05; overdue: 14.00 EUR owed, 56 days after the due date 2026-06-05
	// weekends: discount until 2026-05-18, due 2026-06-05; settled 2026-05-18 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2026-05-18
	// holiday: discount until 2026-05-19, due 2026-06-05; settled 2026-05-18 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2026-05-19
}

// A dealer returns two of ten coats before it pays: the credit note
// lowers the invoice, and the cash discount is recomputed on what is
// left. A deposit made before the invoice counts at its issue.
func ExampleInvoice_SettleWith() {
	t := terms.Terms{
		Currency:   "EUR",
		Functional: map[customer.Role]decimal.Decimal{customer.Dealer: decimal.NewFromInt(30)},
		Cash:       terms.CashDiscount{Percent: decimal.NewFromInt(2), Days: 10},
		NetDays:    30,
	}
	issued := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	inv, err := t.Invoice("INV-1", "D-7", customer.Dealer, eur("1000.00"), issued)
	if err != nil {
		panic(err)
	}
	payments := []terms.Payment{
		{ID: "BANK-1", At: issued.Add(-3 * time.Hour), Amount: eur("300.00")}, // a deposit
		{ID: "BANK-2", At: issued.AddDate(0, 0, 9), Amount: eur("331.12")},
	}
	credits := []terms.CreditNote{{ID: "CN-1", At: issued.AddDate(0, 0, 5), Amount: eur("56.00")}}
	s, err := inv.SettleWith(payments, credits, issued.AddDate(0, 1, 0))
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Explain)
	// Output:
	// 700.00 EUR − 56.00 EUR credited = 644.00 EUR; settled 2025-03-12 with the cash discount of 12.88 EUR: 631.12 EUR paid by 2025-03-13; 300.00 EUR paid before the invoice
}

// One transfer pays three invoices of a dealer: the oldest due first,
// each with its cash discount while that is still open.
func ExampleAllocate() {
	t := terms.Terms{
		Currency:   "EUR",
		Functional: map[customer.Role]decimal.Decimal{customer.Dealer: decimal.NewFromInt(30)},
		Cash:       terms.CashDiscount{Percent: decimal.NewFromInt(2), Days: 10},
		NetDays:    30,
	}
	received := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	var open []terms.Settlement
	for _, c := range []struct {
		id     string
		list   string
		issued time.Time
	}{
		{"INV-1", "1000.00", time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)},
		{"INV-2", "500.00", time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)},
		{"INV-3", "200.00", time.Date(2025, 2, 20, 9, 0, 0, 0, time.UTC)},
	} {
		inv, err := t.Invoice(c.id, "D-7", customer.Dealer, eur(c.list), c.issued)
		if err != nil {
			panic(err)
		}
		s, err := inv.Settle(nil, received) // as of the transfer
		if err != nil {
			panic(err)
		}
		open = append(open, s)
	}
	parts, left, err := terms.Allocate(terms.Payment{ID: "BANK-7", At: received, Amount: eur("1200.00")}, open)
	if err != nil {
		panic(err)
	}
	for _, a := range parts {
		fmt.Println(a.Invoice, a.Payment.Amount)
	}
	fmt.Println("left", left)
	// Output:
	// INV-3 140.00 EUR
	// INV-1 686.00 EUR
	// INV-2 343.00 EUR
	// left 31.00 EUR
}

// How an invoice goes into the dealer's customer history: the order at
// list prices with the functional discount as the lines' discounts, the
// return of two coats credited before payment, and the cash discount
// taken as a price reduction of the order. The history's net is then
// what the dealer paid.
func Example_customerHistory() {
	t := terms.Terms{
		Currency:   "EUR",
		Functional: map[customer.Role]decimal.Decimal{customer.Dealer: decimal.NewFromInt(30)},
		Cash:       terms.CashDiscount{Percent: decimal.NewFromInt(2), Days: 10},
		NetDays:    30,
	}
	issued := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	lines := []customer.Line{
		{ID: "1", SKU: "COAT-7", Category: "coats", Quantity: 10, UnitPrice: decimal.RequireFromString("120.00")},
		{ID: "2", SKU: "KNIT-3", Category: "knitwear", Quantity: 20, UnitPrice: decimal.RequireFromString("45.00")},
	}
	list, gross := eur("0"), make([]decimal.Decimal, len(lines))
	for i, l := range lines {
		gross[i] = l.Gross()
		list, _ = list.Add(eur(l.Gross().String()))
	}
	inv, err := t.Invoice("INV-1", "D-7", customer.Dealer, list, issued)
	if err != nil {
		panic(err)
	}
	// The functional discount, allocated over the lines by their list
	// amounts, is the lines' discount: the order's net is the invoice's
	// amount.
	discounts, err := inv.Functional.Allocate(gross...)
	if err != nil {
		panic(err)
	}
	for i := range lines {
		lines[i].Discount = discounts[i].Amount()
	}
	order := customer.Order{ID: "SO-1", CustomerID: "D-7", Time: issued, Channel: customer.Wholesale, Currency: "EUR", Lines: lines}

	// Two coats come back: a return of the order, and a credit note of
	// their share of the line's net against the invoice.
	back := customer.Return{ID: "R-1", OrderID: "SO-1", CustomerID: "D-7", Time: issued.AddDate(0, 0, 5),
		Kind: customer.Refund, Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -2}}}
	credit := terms.CreditNote{ID: "CN-1", At: back.Time, Amount: eur("168.00")}

	// The dealer pays the rest less the recomputed cash discount in time.
	payment := terms.Payment{ID: "BANK-1", At: issued.AddDate(0, 0, 9), Amount: eur("1275.96")}
	s, err := inv.SettleWith([]terms.Payment{payment}, []terms.CreditNote{credit}, issued.AddDate(0, 1, 0))
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Explain)
	// The credit note came before the payment: the discount rose once,
	// at SettledAt, by the settlement's Discount, and the return pays
	// back the credit note's amount.
	cash := customer.Credit{ID: "CASH-INV-1", CustomerID: "D-7", OrderID: "SO-1", Time: s.SettledAt,
		Kind: customer.PriceReduction, Amount: s.Discount, Source: "INV-1"}

	history := func(yield func(customer.Event) bool) {
		_ = yield(customer.Event{Order: &order}) && yield(customer.Event{Return: &back}) && yield(customer.Event{Credit: &cash})
	}
	sum, err := customer.Summarize("D-7", customer.Intermediary, issued.AddDate(0, 1, 0), history, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("gross", sum.Gross.StringFixed(2), "discounts", sum.Discounts.StringFixed(2),
		"refunded", sum.Refunded.StringFixed(2), "credited", sum.Credited.StringFixed(2))
	fmt.Println("net", sum.Net().StringFixed(2), "paid", s.Paid)
	// Output:
	// 1470.00 EUR − 168.00 EUR credited = 1302.00 EUR; settled 2025-03-12 with the cash discount of 26.04 EUR: 1275.96 EUR paid by 2025-03-13
	// gross 2100.00 discounts 630.00 refunded 168.00 credited 26.04
	// net 1275.96 paid 1275.96 EUR
}
