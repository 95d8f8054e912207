package shopgen_test

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// A small shop as the crm command exports it: one row per order line,
// returns as negative rows on the return date.
func ExampleGenerator_WriteCSV() {
	cfg := shopgen.DefaultConfig()
	cfg.Customers = 3
	g, err := shopgen.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	var sb strings.Builder
	rows, err := g.WriteCSV(&sb, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := bufio.NewScanner(strings.NewReader(sb.String()))
	for i := 0; i < 4 && sc.Scan(); i++ {
		fmt.Println(sc.Text())
	}
	fmt.Println("rows:", rows)
	// Output:
	// customer_id,date,order_id,line_id,sku,category,season,size,colour,channel,store,quantity,unit_price,discount,amount,cost,currency,kind,role,type,reason
	// C00000001,2024-12-12,O00000001-001,1,2024-AW-JEA-00-GRN,jeans,2024-AW,26/32,green,social,SOCIAL,1,73.95,0.00,73.95,32.72,EUR,consumer,,sale,
	// C00000001,2025-05-29,O00000001-002,1,2025-PRE-AW-SHI-17-GRY,shirts,2025-PRE-AW,XXS,grey,social,SOCIAL,1,64.95,9.74,55.21,24.50,EUR,consumer,,sale,
	// C00000001,2025-06-19,O00000001-002,1,2025-PRE-AW-SHI-17-GRY,shirts,2025-PRE-AW,XXS,grey,social,SOCIAL,-1,64.95,-9.74,-55.21,-24.50,EUR,consumer,,return,size-fit
	// rows: 15
}

// Every customer's history streams out one record at a time and feeds
// customer.Summarize directly.
func ExampleNew() {
	cfg := shopgen.DefaultConfig()
	cfg.Customers = 1000
	g, err := shopgen.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	var buyers, intermediaries, returns int
	for rec := range g.All() {
		c := rec.Customer
		s, err := customer.Summarize(c.ID, c.Kind, cfg.End, rec.Events(), nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		if s.Orders > 0 {
			buyers++
		}
		if c.Kind == customer.Intermediary {
			intermediaries++
		}
		returns += s.Returns
	}
	fmt.Printf("%d customers, %d buyers, %d intermediaries, %d returns\n", cfg.Customers, buyers, intermediaries, returns)
	// Output:
	// 1000 customers, 920 buyers, 40 intermediaries, 749 returns
}

// Customer i is the same whether generated alone, in a shard or in the
// whole shop, so shards can be generated in parallel.
func ExampleGenerator_Customer() {
	cfg := shopgen.DefaultConfig()
	g, err := shopgen.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	alone := g.Customer(4242)
	for rec := range g.Range(4240, 4245) {
		if rec.Index == 4242 {
			fmt.Println(rec.Customer.ID, len(rec.Orders) == len(alone.Orders), rec.Customer.ID == alone.Customer.ID)
		}
	}
	// Output:
	// C00004243 true true
}
