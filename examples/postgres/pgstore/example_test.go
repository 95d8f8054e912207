package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
)

// Open a database, then use its stores wherever the library asks for
// one: here a loyalty service that earns points on an order. (The
// example needs a server, so it is compiled but not run by go test.)
func Example() {
	ctx := context.Background()
	db, err := pgstore.Open(ctx, os.Getenv("TAILOR_POSTGRES_DSN"), &pgstore.Options{Schema: "shop"})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	if err := db.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}); err != nil {
		log.Fatal(err)
	}
	p, err := loyalty.Compile(loyalty.Config{Name: "club", Currency: "EUR",
		Earn:   loyalty.EarnConfig{PointsPerUnit: decimal.NewFromInt(1)},
		Redeem: loyalty.RedeemConfig{PointsPerUnit: decimal.NewFromInt(100)}})
	if err != nil {
		log.Fatal(err)
	}
	svc := loyalty.NewService(p, db.Loyalty(), nil)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, _, err := svc.Apply(ctx, loyalty.Join{Member: "C-1", Time: now}, now); err != nil {
		log.Fatal(err)
	}
	order := customer.Order{ID: "O-1", CustomerID: "C-1", Time: now, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "COAT-1", Quantity: 1, UnitPrice: decimal.RequireFromString("149.00")}}}
	if err := db.Customers().AppendOrder(ctx, order); err != nil {
		log.Fatal(err)
	}
	a, _, err := svc.Apply(ctx, loyalty.Purchase{Order: order}, now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("balance:", a.Balance())
}

// New does no I/O: it names the pool and the schema, and Migrate (or a
// schema migrated earlier) makes the tables. One database can hold the
// data of several shops, a schema each.
func ExampleNew() {
	for _, shop := range []string{"berlin", "milano"} {
		db := pgstore.New(nil, &pgstore.Options{Schema: "shop_" + shop})
		fmt.Println(db.Schema())
	}
	fmt.Println("default:", pgstore.New(nil, nil).Schema())
	fmt.Println("schema version:", pgstore.SchemaVersion())
	// Output:
	// shop_berlin
	// shop_milano
	// default: public
	// schema version: 12
}
