package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// shop is the generated shop and what the tour computes from it.
type shop struct {
	records   []shopgen.Record
	summaries []customer.Summary // as of asOf, one per customer with an order
	browsers  []customer.Summary // as of asOf, customers who interacted but never bought
	customers map[customer.ID]*customer.Customer
}

func newShop(n int) (*shop, error) {
	cfg := shopgen.DefaultConfig()
	cfg.Customers = n
	cfg.Seed = 7
	records, err := shopgen.Generate(cfg)
	if err != nil {
		return nil, err
	}
	s := &shop{customers: make(map[customer.ID]*customer.Customer)}
	for r := range records {
		s.records = append(s.records, r)
	}
	for i := range s.records {
		r := &s.records[i]
		s.customers[r.Customer.ID] = &r.Customer
		sum, err := customer.Summarize(r.Customer.ID, r.Customer.Kind, asOf, r.Events(), nil)
		if err != nil {
			return nil, err
		}
		switch {
		case sum.Orders > 0:
			s.summaries = append(s.summaries, sum)
		case sum.Interactions > 0:
			s.browsers = append(s.browsers, sum)
		}
	}
	return s, nil
}

func overview(w io.Writer, s *shop) error {
	heading(w, "The shop")
	var orders, units, returned, consumers, intermediaries int
	net := map[customer.Kind]decimal.Decimal{}
	reasons := map[customer.ReturnReason]int{}
	for _, r := range s.records {
		for _, ret := range r.Returns {
			reasons[ret.Reason]++
		}
	}
	for _, sum := range s.summaries {
		orders += sum.Orders
		if sum.Kind == customer.Consumer {
			units += sum.Units
			returned += sum.ReturnedUnits
		}
		net[sum.Kind] = net[sum.Kind].Add(sum.Net())
		if sum.Kind == customer.Consumer {
			consumers++
		} else {
			intermediaries++
		}
	}
	fmt.Fprintf(w, "%d customers: %d shoppers and %d dealers, franchisees or wholesalers bought; %d only browsed",
		len(s.records), consumers, intermediaries, len(s.browsers))
	if rest := len(s.records) - consumers - intermediaries - len(s.browsers); rest > 0 {
		fmt.Fprintf(w, "; %d did neither", rest)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintf(w, "%d orders; shoppers bought %d units and returned %.1f%% of them.\n", orders, units, 100*float64(returned)/float64(max(units, 1)))
	fmt.Fprintf(w, "Net sales: %s EUR from shoppers, %s EUR from intermediaries.\n",
		net[customer.Consumer].StringFixed(0), net[customer.Intermediary].StringFixed(0))
	type kv struct {
		r customer.ReturnReason
		n int
	}
	var rs []kv
	for r, n := range reasons {
		rs = append(rs, kv{r, n})
	}
	slices.SortFunc(rs, func(a, b kv) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return int(a.r) - int(b.r)
	})
	var why []string
	for _, x := range rs[:min(3, len(rs))] {
		why = append(why, fmt.Sprintf("%s %d", x.r, x.n))
	}
	fmt.Fprintf(w, "Why goods come back, most often: %s.\n", strings.Join(why, ", "))
	return nil
}
