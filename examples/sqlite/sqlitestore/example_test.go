package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
)

// A shop keeps its customers, their orders, their loyalty points and
// their complaints in one file; after a restart everything is there.
func Example() {
	dir, err := os.MkdirTemp("", "tailor-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "shop.db")
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

	db, err := sqlitestore.Open(ctx, path, nil)
	if err != nil {
		panic(err)
	}
	customers := db.Customers()
	if err := customers.Put(ctx, customer.Customer{ID: "anna", Kind: customer.Consumer, Name: "Anna Weber", Joined: now.AddDate(-1, 0, 0)}); err != nil {
		panic(err)
	}
	order := customer.Order{ID: "O-1", CustomerID: "anna", Time: now.Add(-time.Hour), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "COAT-7", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("249.00")}}}
	for range 2 { // the shop system delivers the order twice: stored once
		if err := customers.AppendOrder(ctx, order); err != nil {
			panic(err)
		}
	}

	club, err := loyalty.Compile(loyalty.Config{Name: "club", Currency: "EUR",
		Earn: loyalty.EarnConfig{PointsPerUnit: decimal.NewFromInt(1)}, Redeem: loyalty.RedeemConfig{PointsPerUnit: decimal.NewFromInt(100)}})
	if err != nil {
		panic(err)
	}
	points := loyalty.NewService(club, db.Loyalty(), nil)
	if _, _, err := points.Apply(ctx, loyalty.Join{Member: "anna", Time: now.AddDate(-1, 0, 0)}, now); err != nil {
		panic(err)
	}
	for range 2 { // and the order earns once
		_, _, err := points.Apply(ctx, loyalty.Purchase{Order: order}, now)
		fmt.Println("earn:", errors.Is(err, loyalty.ErrDuplicate))
	}

	agent := complaint.Actor{ID: "agent-1", Role: complaint.RoleAgent}
	cases := &complaint.Service{Store: db.Complaints()}
	price, _ := customer.NewMoney("249.00", "EUR")
	intake := complaint.Intake{ID: "K-1", Complainant: "anna", Channel: complaint.ChannelWeb, Received: now,
		Subject:  complaint.Subject{Kind: complaint.SubjectOrder, Order: "O-1"},
		Category: complaint.CategorySeams, Severity: complaint.SeverityMedium, Currency: "EUR", OrderValue: price,
		Demand:      complaint.Demand{Kind: complaint.ResolutionRepair},
		Description: "the lining tore at the seam"}
	if _, _, err := cases.Record(ctx, intake, "", agent, now); err != nil {
		panic(err)
	}
	if _, _, err := cases.Do(ctx, "K-1", complaint.Command{Kind: complaint.CmdAccept}, agent, now.Add(time.Hour)); err != nil {
		panic(err)
	}
	if err := db.Close(); err != nil {
		panic(err)
	}

	// The program restarts.
	db, err = sqlitestore.Open(ctx, path, nil)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	anna, err := db.Customers().Get(ctx, "anna")
	if err != nil {
		panic(err)
	}
	for e, err := range db.Customers().History(ctx, "anna") {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s bought %s for %s %s\n", anna.ID, e.Order.Lines[0].SKU, e.Order.Lines[0].UnitPrice.StringFixed(2), e.Order.Currency)
	}
	account, err := loyalty.NewService(club, db.Loyalty(), nil).Account(ctx, "anna")
	if err != nil {
		panic(err)
	}
	fmt.Println("points:", account.Balance())
	k, err := db.Complaints().Get(ctx, "K-1")
	if err != nil {
		panic(err)
	}
	fmt.Printf("complaint %s: %s, version %d\n", k.ID, k.State, k.Version)
	v, _ := db.SchemaVersion(ctx)
	fmt.Println("schema version:", v == sqlitestore.LatestSchema)
	// Output:
	// earn: false
	// earn: true
	// anna bought COAT-7 for 249.00 EUR
	// points: 249
	// complaint K-1: accepted, version 2
	// schema version: true
}
