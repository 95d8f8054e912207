package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

// holding is what one generated customer has in the shared stores.
type holding struct {
	id                                  customer.ID
	record, history, ledger, complaints bool
}

// A report holds the data of its customer only: with random customers in
// shared stores, no other customer's ID — which every record of theirs,
// and every piece of their personal data here, carries — appears in the
// document, and every store's records of the customer do.
func TestExportOnlyTheCustomer(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ctx := context.Background()
		s := shop{customer.NewMemStore(), loyalty.NewMemStore(), complaint.NewMemStore()}
		n := rapid.IntRange(1, 6).Draw(rt, "customers")
		hs := make([]holding, n)
		for i := range hs {
			h := holding{id: customer.ID(fmt.Sprintf("c%04d", i))}
			h.record = rapid.Bool().Draw(rt, "record")
			h.history = h.record && rapid.Bool().Draw(rt, "history")
			h.ledger = rapid.Bool().Draw(rt, "ledger")
			h.complaints = rapid.Bool().Draw(rt, "complaints")
			hs[i] = h
			add(rt, s, h, i)
		}
		target := hs[rapid.IntRange(0, n-1).Draw(rt, "target")]

		r, err := privacy.Export(ctx, target.id, s.sources(), now)
		if !(target.record || target.ledger || target.complaints) {
			var unknown *privacy.UnknownCustomerError
			if !errors.As(err, &unknown) || unknown.ID != target.id {
				rt.Fatalf("customer %q held nowhere: got error %v", target.id, err)
			}
			return
		}
		if err != nil {
			rt.Fatalf("export %q: %v", target.id, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			rt.Fatalf("marshal: %v", err)
		}
		doc := string(b)
		for _, h := range hs {
			if h.id != target.id && strings.Contains(doc, string(h.id)) {
				rt.Fatalf("the report of %q holds data of %q: %s", target.id, h.id, doc)
			}
		}
		want := func(what string, got, held bool) {
			if got != held {
				rt.Fatalf("%s of %q: in report %t, held %t", what, target.id, got, held)
			}
		}
		want("record", r.Record != nil && r.Record.Name == "Name of "+string(target.id), target.record)
		want("history", len(r.Orders) == 1 && len(r.Returns) == 1 && len(r.Credits) == 1 && len(r.Interactions) == 1, target.history)
		want("no history", len(r.Orders)+len(r.Returns)+len(r.Credits)+len(r.Interactions) == 0, !target.history)
		want("ledger", r.Loyalty != nil && r.Loyalty.Account.Member == target.id, target.ledger)
		want("complaints", len(r.Complaints) == 1, target.complaints)
	})
}

// add puts h's data into s; i spaces the times.
func add(rt *rapid.T, s shop, h holding, i int) {
	ctx := context.Background()
	sfx := "-" + string(h.id)
	at := t0.Add(time.Duration(i) * time.Minute)
	check := func(err error) {
		if err != nil {
			rt.Fatalf("%s: %v", h.id, err)
		}
	}
	if h.record {
		check(s.customers.Put(ctx, customer.Customer{ID: h.id, Kind: customer.Consumer, Name: "Name of " + string(h.id),
			Contact:   customer.Contact{Email: customer.Email(string(h.id) + "@example.com")},
			Household: []customer.Member{{ID: "kid", Relation: customer.Child, Name: "Kid of " + string(h.id)}},
			Joined:    at}))
	}
	o := customer.Order{ID: "O" + sfx, CustomerID: h.id, Time: at.Add(24 * time.Hour), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "SKU", Quantity: 2, UnitPrice: decimalOf("45.50"), Member: "kid"}}}
	if h.history {
		check(s.customers.AppendOrder(ctx, o))
		check(s.customers.AppendReturn(ctx, customer.Return{ID: "R" + sfx, OrderID: o.ID, CustomerID: h.id,
			Time: at.Add(48 * time.Hour), Kind: customer.Refund, Reason: customer.SizeFit,
			Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}))
		m, err := customer.NewMoney("5.00", "EUR")
		check(err)
		check(s.customers.AppendCredit(ctx, customer.Credit{ID: "K" + sfx, CustomerID: h.id, OrderID: o.ID,
			Time: at.Add(72 * time.Hour), Kind: customer.Compensation, Amount: m}))
		check(s.customers.AppendInteraction(ctx, customer.Interaction{CustomerID: h.id, Time: at.Add(time.Hour),
			Kind: customer.Wishlist, Subject: "coat"}))
	}
	if h.ledger {
		p, err := loyalty.DecodeProgramme([]byte(programme))
		check(err)
		club := loyalty.NewService(p, s.ledgers, nil)
		_, _, err = club.Apply(ctx, loyalty.Join{Member: h.id, Time: at,
			Birthday: customer.Birthday{Month: time.Month(i%12 + 1), Day: 1}}, at)
		check(err)
		_, _, err = club.Apply(ctx, loyalty.Purchase{Order: o}, o.Time)
		check(err)
	}
	if h.complaints {
		desk := &complaint.Service{Store: s.cases}
		_, _, err := desk.Record(ctx, complaint.Intake{ID: complaint.ID("C" + sfx), Complainant: h.id, Channel: complaint.ChannelEmail,
			Received: at.Add(96 * time.Hour), Subject: complaint.Subject{Kind: complaint.SubjectProduct, Order: o.ID, SKU: "SKU"},
			Category: complaint.CategorySeams, Severity: complaint.SeverityLow, Currency: "EUR",
			Demand: complaint.Demand{Kind: complaint.ResolutionRepair}, Description: "written by " + string(h.id)},
			"", complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}, at.Add(96*time.Hour))
		check(err)
	}
}

func decimalOf(s string) decimal.Decimal { return decimal.RequireFromString(s) }
