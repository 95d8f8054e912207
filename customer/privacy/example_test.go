package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

const programme = `{
  "name": "atelier club",
  "currency": "EUR",
  "earn": {"points_per_unit": "1"},
  "redeem": {"points_per_unit": "100", "min_points": 100, "max_share": "0.5"},
  "expiry_months": 12,
  "pending_days": 30,
  "debt_policy": "debt"
}`

// annasShop fills in-memory stores with a customer, anna: her record
// with a household and a consent, an order bought for her father, her
// points ledger and a complaint.
func annasShop() (customers *customer.MemStore, ledgers *loyalty.MemStore, club *loyalty.Service, cases *complaint.MemStore) {
	ctx := context.Background()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 11, 0, 0, 0, time.UTC) }

	customers = customer.NewMemStore()
	anna := customer.Customer{ID: "anna", Kind: customer.Consumer, Name: "Anna Li",
		Contact:   customer.Contact{Email: "anna@example.com"},
		Birthday:  customer.Birthday{Month: time.September, Day: 14},
		Joined:    at(1, 10),
		Profile:   customer.Profile{TopSize: "M", HeightCM: 168},
		Household: []customer.Member{{ID: "dad", Relation: customer.Parent, Name: "Li Wei"}}}
	anna, err := anna.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeMarketing, Given: true,
		Time: at(1, 10), Source: customer.SourceWebShop, Notice: "privacy notice v4"}, at(1, 10))
	if err != nil {
		panic(err)
	}
	order := customer.Order{ID: "O-1", CustomerID: "anna", Time: at(1, 20), Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "COAT", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("320.00"), Member: "dad"}}}
	if err := customers.Put(ctx, anna); err != nil {
		panic(err)
	}
	if err := customers.AppendOrder(ctx, order); err != nil {
		panic(err)
	}

	p, err := loyalty.DecodeProgramme([]byte(programme))
	if err != nil {
		panic(err)
	}
	ledgers = loyalty.NewMemStore()
	club = loyalty.NewService(p, ledgers, nil)
	if _, _, err := club.Apply(ctx, loyalty.Join{Member: "anna", Birthday: anna.Birthday, Time: at(1, 10)}, at(1, 10)); err != nil {
		panic(err)
	}
	if _, _, err := club.Apply(ctx, loyalty.Purchase{Order: order}, at(1, 20)); err != nil {
		panic(err)
	}

	cases = complaint.NewMemStore()
	desk := &complaint.Service{Store: cases}
	if _, _, err := desk.Record(ctx, complaint.Intake{ID: "C-1", Complainant: "anna", Channel: complaint.ChannelEmail,
		Received: at(2, 3), Subject: complaint.Subject{Kind: complaint.SubjectProduct, Order: "O-1", SKU: "COAT"},
		Category: complaint.CategorySeams, Severity: complaint.SeverityLow, Currency: "EUR",
		Demand:      complaint.Demand{Kind: complaint.ResolutionRepair},
		Description: "A seam of my father's coat came loose."},
		"", complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}, at(2, 3)); err != nil {
		panic(err)
	}

	return customers, ledgers, club, cases
}

// Anna asks for a copy of everything the brand holds about her. The
// customer directory and history, the loyalty ledger and the complaint
// cases are in memory here; an ERP passes its own stores.
func ExampleExport() {
	ctx := context.Background()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 11, 0, 0, 0, time.UTC) }
	customers, ledgers, _, cases := annasShop()
	r, err := privacy.Export(ctx, "anna", privacy.Sources{
		Customers: customers, History: customers, Loyalty: ledgers, Complaints: cases}, at(3, 1))
	if err != nil {
		panic(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	// What Anna receives, in part: the document is JSON, its schema
	// named first.
	var doc struct {
		Schema  string   `json:"schema"`
		Made    string   `json:"made"`
		Sources []string `json:"sources"`
		Record  struct {
			Name    string `json:"name"`
			Contact struct {
				Email string `json:"email"`
			} `json:"contact"`
			Birthday struct {
				Month int `json:"month"`
				Day   int `json:"day"`
			} `json:"birthday"`
			Profile struct {
				HeightCM int `json:"height_cm"`
			} `json:"profile"`
			ConsentHistory []json.RawMessage `json:"consent_history"`
			Household      []struct {
				ID       string `json:"id"`
				Relation string `json:"relation"`
				Name     string `json:"name"`
			} `json:"household"`
		} `json:"record"`
		Orders []struct {
			ID    string `json:"id"`
			Lines []struct {
				SKU       string `json:"sku"`
				UnitPrice string `json:"unit_price"`
				Member    string `json:"member"`
			} `json:"lines"`
		} `json:"orders"`
		Loyalty struct {
			Balance int `json:"balance"`
			Entries []struct {
				Kind string `json:"kind"`
				Note string `json:"note"`
			} `json:"entries"`
		} `json:"loyalty"`
		Complaints []struct {
			Case struct {
				ID    string `json:"id"`
				State string `json:"state"`
			} `json:"case"`
			Events []json.RawMessage `json:"events"`
		} `json:"complaints"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		panic(err)
	}
	rec := doc.Record
	fmt.Println("schema:", doc.Schema)
	fmt.Println("made:", doc.Made, "from", doc.Sources)
	fmt.Printf("record: %s <%s>, birthday %d/%d, height %d cm\n", rec.Name, rec.Contact.Email, rec.Birthday.Day, rec.Birthday.Month, rec.Profile.HeightCM)
	fmt.Println("consent history:", string(rec.ConsentHistory[0]))
	for _, m := range rec.Household {
		fmt.Printf("household: %s (%s) %s\n", m.ID, m.Relation, m.Name)
	}
	for _, o := range doc.Orders {
		for _, l := range o.Lines {
			fmt.Printf("order %s: %s at %s EUR, for %s\n", o.ID, l.SKU, l.UnitPrice, l.Member)
		}
	}
	fmt.Println("loyalty balance:", doc.Loyalty.Balance)
	for _, e := range doc.Loyalty.Entries {
		fmt.Printf("  %s: %s\n", e.Kind, e.Note)
	}
	for _, c := range doc.Complaints {
		fmt.Printf("complaint %s: %s, %d event(s)\n", c.Case.ID, c.Case.State, len(c.Events))
	}
	// Output:
	// schema: tailor.privacy.export/v2
	// made: 2026-03-01T11:00:00Z from [customers history loyalty complaints]
	// record: Anna Li <anna@example.com>, birthday 14/9, height 168 cm
	// consent history: {"purpose":"marketing","given":true,"time":"2026-01-10T11:00:00Z","source":"web","notice":"privacy notice v4"}
	// household: dad (parent) Li Wei
	// order O-1: COAT at 320 EUR, for dad
	// loyalty balance: 320
	//   join: joined the programme in tier member
	//   earn: 320 points for 320.00 EUR paid
	// complaint C-1: recorded, 1 event(s)
}

// Anna asks the brand to erase her data. One call erases it in the
// customer directory and the loyalty ledger, deletes her store visits
// from the history, keeps her consent history as proof and her orders
// and points as financial records, and lists the complaint cases it
// cannot erase.
func ExampleErase() {
	ctx := context.Background()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 11, 0, 0, 0, time.UTC) }
	customers, ledgers, club, cases := annasShop()
	if err := customers.AppendInteraction(ctx, customer.Interaction{CustomerID: "anna", Time: at(2, 14),
		Kind: customer.StoreVisit, Subject: "Berlin Mitte"}); err != nil {
		panic(err)
	}
	targets := privacy.Targets{Customers: customers, Interactions: customers, Loyalty: club, Complaints: cases}
	r, err := privacy.Erase(ctx, "anna", targets, at(3, 1))
	if err != nil {
		panic(err)
	}
	fmt.Printf("customers: %s, interactions: %s, loyalty: %s, complaints: %s %v\n", r.Customers, r.Interactions, r.Loyalty, r.Complaints, r.KeptCases)
	fmt.Println("consents withdrawn:", r.Withdrawn)

	// What remains, as an export shows it.
	x, err := privacy.Export(ctx, "anna", privacy.Sources{Customers: customers, History: customers, Loyalty: ledgers}, at(3, 1))
	if err != nil {
		panic(err)
	}
	rec := x.Record
	fmt.Printf("record: name %q, e-mail %q, birthday known %t, household %d, joined %s\n",
		rec.Name, rec.Contact.Email, !rec.Birthday.IsZero(), len(rec.Household), rec.Joined.Format(time.DateOnly))
	for _, ch := range rec.ConsentHistory {
		fmt.Printf("consent %s given=%t on %s by %s\n", ch.Purpose, ch.Given, ch.Time.Format(time.DateOnly), ch.Source)
	}
	fmt.Printf("orders: %d, interactions: %d; loyalty balance %d, birthday known %t\n",
		len(x.Orders), len(x.Interactions), x.Loyalty.Account.Balance(), !x.Loyalty.Account.Birthday.IsZero())

	// Asked again, there is nothing left to do.
	r, err = privacy.Erase(ctx, "anna", targets, at(3, 2))
	if err != nil {
		panic(err)
	}
	fmt.Printf("again: customers: %s, interactions: %s, loyalty: %s\n", r.Customers, r.Interactions, r.Loyalty)
	// Output:
	// customers: erased, interactions: erased, loyalty: erased, complaints: kept [C-1]
	// consents withdrawn: [marketing]
	// record: name "", e-mail "", birthday known false, household 0, joined 2026-01-10
	// consent marketing given=true on 2026-01-10 by web
	// consent marketing given=false on 2026-03-01 by erasure
	// orders: 1, interactions: 0; loyalty balance 320, birthday known false
	// again: customers: already erased, interactions: already erased, loyalty: already erased
}

// A store left out is not consulted; a store variable that was never
// set, a nil pointer in an interface field, is not left out but refused
// before any store is read, naming the field.
func ExampleExport_typedNil() {
	ctx := context.Background()
	customers, _, _, _ := annasShop()
	var history *customer.MemStore // never set
	_, err := privacy.Export(ctx, "anna", privacy.Sources{Customers: customers, History: history}, time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC))
	fmt.Println(err)
	fmt.Println("invalid:", errors.Is(err, customer.ErrInvalid))

	r, err := privacy.Export(ctx, "anna", privacy.Sources{Customers: customers}, time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC))
	fmt.Println("left out:", r.Sources, err)
	// Output:
	// privacy: export of customer "anna": Sources.History is a nil *customer.MemStore: give a store, or leave the field nil not to consult it: invalid record
	// invalid: true
	// left out: [customers] <nil>
}
