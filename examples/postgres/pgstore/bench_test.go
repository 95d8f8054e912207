package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// The benchmarks measure one call's round trips to the server named by
// TAILOR_POSTGRES_DSN; they skip without one.

func BenchmarkCustomerGet(b *testing.B) { benchCustomerGet(b, newDB(b)) }

// BenchmarkOpenCustomerGet is BenchmarkCustomerGet on a DB that Open
// made (its sessions' search_path pinned).
func BenchmarkOpenCustomerGet(b *testing.B) { benchCustomerGet(b, openDB(b)) }

func benchCustomerGet(b *testing.B, db *pgstore.DB) {
	s := db.Customers()
	ctx := context.Background()
	if err := s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana", Profile: customer.Profile{Colours: []string{"navy"}}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Get(ctx, "C-1"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCustomerPut(b *testing.B) {
	s := newDB(b).Customers()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if err := s.Put(ctx, customer.Customer{ID: customer.ID(fmt.Sprintf("C-%d", i%1000)), Kind: customer.Consumer}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendOrder(b *testing.B) {
	s := newDB(b).Customers()
	ctx := context.Background()
	if err := s.Put(ctx, customer.Customer{ID: "C-1"}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if err := s.AppendOrder(ctx, sampleOrder(fmt.Sprintf("O-%d", i), "C-1")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistory reads a history of 100 orders (two lines each).
func BenchmarkHistory(b *testing.B) { benchHistory(b, newDB(b)) }

// BenchmarkOpenHistory is BenchmarkHistory on a DB that Open made.
func BenchmarkOpenHistory(b *testing.B) { benchHistory(b, openDB(b)) }

func benchHistory(b *testing.B, db *pgstore.DB) {
	s := db.Customers()
	ctx := context.Background()
	if err := s.Put(ctx, customer.Customer{ID: "C-1"}); err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		if err := s.AppendOrder(ctx, sampleOrder(fmt.Sprintf("O-%d", i), "C-1")); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		n := 0
		for _, err := range s.History(ctx, "C-1") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100 {
			b.Fatalf("%d events", n)
		}
	}
}

// BenchmarkComplaintSave saves one escalation of a case per operation.
func BenchmarkComplaintSave(b *testing.B) {
	s := newDB(b).Complaints()
	ctx := context.Background()
	c, ev := complainttest.Record("K-1", complainttest.T0)
	if err := s.Save(ctx, c, ev); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		next, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, complainttest.Agent, c.Updated.Add(time.Minute))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Save(ctx, next, ev); err != nil {
			b.Fatal(err)
		}
		c = next
	}
}

// BenchmarkLoyaltyPurchase earns points on one order per operation
// through loyalty.Service (its account cache on).
func BenchmarkLoyaltyPurchase(b *testing.B) {
	s := newDB(b).Loyalty()
	ctx := context.Background()
	svc := loyalty.NewService(loyaltytest.Programme(), s, nil)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, now); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if _, _, err := svc.Apply(ctx, loyalty.Purchase{Order: loyaltytest.Order(fmt.Sprintf("O-%d", i), "M1", 25, i%60)}, now); err != nil {
			b.Fatal(err)
		}
	}
}
