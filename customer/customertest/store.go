// Package customertest checks implementations of the storage interfaces
// of package customer, as testing/fstest checks an fs.FS: an ERP team runs
// [TestStore] and [TestHistoryStore] against its database adapter and
// learns every promise the adapter breaks, not only the first.
//
//	func TestPostgresStore(t *testing.T) {
//		customertest.TestStore(t, func(t *testing.T) customer.Directory {
//			return newEmptyPostgresStore(t)
//		})
//	}
//
// Each check is a named subtest whose comment states the rule it
// enforces; each is given a new, empty store by the constructor. The kits
// include a model-based test (pgregory.net/rapid state machine, with a Go
// map as the model) and a concurrent case, so run them with -race. A
// panic of the adapter fails the check it happens in; the other checks
// still run.
package customertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
	"pgregory.net/rapid"
)

// writeDuringListTimeout is how long the kit waits for writes made inside
// a List loop before it reports that the store blocks them.
const writeDuringListTimeout = 10 * time.Second

// day0 is the instant around which the kits date their records.
var day0 = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

// sampleCustomer returns a customer with every kind of field set: slices,
// a Trade pointer, money, times.
func sampleCustomer(id customer.ID) customer.Customer {
	turnover, _ := customer.NewMoney("1250000.00", "EUR")
	market, _ := customer.NewMoney("80000000", "EUR")
	return customer.Customer{
		ID: id, Kind: customer.Intermediary, Role: customer.Dealer,
		Name:     "Moda Rossi S.r.l.",
		Contact:  customer.Contact{Email: "buyer@modarossi.example", Phone: "+39 02 1234 5678", Address: "Via Roma 1, Milano"},
		Birthday: customer.Birthday{Year: 1971, Month: time.May, Day: 3},
		Region:   "Lombardy", Joined: day0.AddDate(-3, 0, 0),
		Consent: customer.Consent{Marketing: true},
		ConsentHistory: []customer.ConsentChange{{Purpose: customer.PurposeMarketing, Given: true,
			Time: day0.AddDate(-1, 0, 0), Source: customer.SourceForm, Notice: "trade terms 2024"}},
		Profile: customer.Profile{TopSize: "M", BottomSize: "32/34", ShoeSize: "42", HeightCM: 180,
			Fit: customer.Regular, Styles: []string{"smart"}, Colours: []string{"navy", "grey"}, Categories: []string{"coats"}},
		Trade: &customer.Trade{AnnualTurnover: turnover, Outlets: 3, Rating: customer.RatingA,
			CooperationStart: day0.AddDate(-3, 0, 0), MarketSize: market},
	}
}

// rareCustomer returns a customer whose fields take the values a lossy
// adapter changes: nanoseconds and zones other than UTC, amounts in
// currencies of 3 and 0 decimals, the consent flag the sample leaves
// false, a fit, text beyond ASCII, a birthday without a year.
func rareCustomer(id customer.ID) customer.Customer {
	east := time.FixedZone("UTC+5:45", 5*3600+45*60)
	turnover, _ := customer.NewMoney("1234567.891", "KWD")
	market, _ := customer.NewMoney("98765432100", "JPY")
	return customer.Customer{
		ID: id, Kind: customer.Intermediary, Role: customer.Wholesaler,
		Name:     "Zoë Ñúñez 李",
		Contact:  customer.Contact{Email: "zoe@example.com", Phone: "+977 1 555 0100", Address: "Durbar Marg 2, Kathmandu"},
		Birthday: customer.Birthday{Month: time.February, Day: 29},
		Region:   "Bagmati", Joined: day0.Add(-123456789 * time.Nanosecond).In(east),
		Consent:        customer.Consent{Profiling: true},
		ConsentHistory: rareConsentHistory(east),
		Profile: customer.Profile{TopSize: "S", ShoeSize: "38.5", HeightCM: 167, Fit: customer.Slim,
			Colours: []string{"ochre"}, Categories: []string{"knitwear", "coats"}},
		Trade: &customer.Trade{AnnualTurnover: turnover, Outlets: 1, Rating: customer.RatingBB,
			CooperationStart: day0.AddDate(-1, 0, 0).Add(999 * time.Nanosecond).In(east), MarketSize: market},
	}
}

// rareConsentHistory returns a consent history whose changes take the
// values a lossy adapter changes: instants with nanoseconds in zone, a
// withdrawal without notice, a notice beyond ASCII, two changes at one
// instant, every purpose and several sources. It ends with profiling
// given and marketing withdrawn.
func rareConsentHistory(zone *time.Location) []customer.ConsentChange {
	t := day0.AddDate(0, -6, 0).Add(987654321 * time.Nanosecond).In(zone)
	return []customer.ConsentChange{
		{Purpose: customer.PurposeMarketing, Given: true, Time: t, Source: customer.SourceTill, Notice: "隐私政策 v2 — Datenschutz"},
		{Purpose: customer.PurposeProfiling, Given: true, Time: t, Source: customer.SourceTill, Notice: "隐私政策 v2 — Datenschutz"},
		{Purpose: customer.PurposeMarketing, Time: t.Add(time.Hour + time.Nanosecond), Source: customer.SourceEmail},
		{Purpose: customer.PurposeProfiling, Time: t.AddDate(0, 1, 0), Source: customer.SourcePhone, Notice: "call 4711"},
		{Purpose: customer.PurposeProfiling, Given: true, Time: t.AddDate(0, 2, 0), Source: customer.SourceApp, Notice: "app v7"},
	}
}

// householdCustomer returns a consumer with a household of three: a
// member with every field set (text beyond ASCII, a birthday without a
// year, a full profile), one with a relation only, and one whose ID is
// not ASCII.
func householdCustomer(id customer.ID) customer.Customer {
	return customer.Customer{
		ID: id, Kind: customer.Consumer, Name: "Wang Fang", Joined: day0.AddDate(-1, 0, 0),
		Profile: customer.Profile{TopSize: "M", HeightCM: 165},
		Household: []customer.Member{
			{ID: "dad", Relation: customer.Parent, Name: "Wáng Jūn 王军", Birthday: customer.Birthday{Month: time.October, Day: 1},
				Profile: customer.Profile{TopSize: "XL", BottomSize: "W34L32", ShoeSize: "43.5", HeightCM: 176, Fit: customer.Loose,
					Styles: []string{"classic"}, Colours: []string{"grey", "navy"}, Categories: []string{"knitwear"}}},
			{ID: "M-2", Relation: customer.Partner},
			{ID: "孩子", Relation: customer.Child, Birthday: customer.Birthday{Year: 2019, Month: time.June, Day: 12},
				Profile: customer.Profile{TopSize: "116", ShoeSize: "29"}},
		},
	}
}

// customerDiff names each field in which got differs from want, as
// [customer.Customer.Equal] compares them. Personal data is named, not
// printed.
func customerDiff(want, got customer.Customer) []string {
	var out []string
	add := func(differs bool, field string, show ...any) {
		if !differs {
			return
		}
		if len(show) == 2 {
			field = fmt.Sprintf("%s (got %v, want %v)", field, show[0], show[1])
		}
		out = append(out, field)
	}
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	add(got.ID != want.ID, "ID", got.ID, want.ID)
	add(got.Kind != want.Kind, "Kind", got.Kind, want.Kind)
	add(got.Role != want.Role, "Role", got.Role, want.Role)
	add(got.Name != want.Name, "Name")
	add(got.Contact != want.Contact, "Contact")
	add(got.Birthday != want.Birthday, "Birthday")
	add(got.Region != want.Region, "Region", got.Region, want.Region)
	add(!got.Joined.Equal(want.Joined), "Joined", ts(got.Joined), ts(want.Joined))
	add(got.Consent != want.Consent, "Consent", fmt.Sprintf("%+v", got.Consent), fmt.Sprintf("%+v", want.Consent))
	add(len(got.ConsentHistory) != len(want.ConsentHistory), "ConsentHistory (number of changes)",
		len(got.ConsentHistory), len(want.ConsentHistory))
	for i := range min(len(got.ConsentHistory), len(want.ConsentHistory)) {
		g, w := got.ConsentHistory[i], want.ConsentHistory[i]
		add(!g.Equal(w), fmt.Sprintf("ConsentHistory[%d]", i), g, w)
	}
	p, q := got.Profile, want.Profile
	add(p.TopSize != q.TopSize || p.BottomSize != q.BottomSize || p.ShoeSize != q.ShoeSize || p.HeightCM != q.HeightCM,
		"Profile sizes or height")
	add(p.Fit != q.Fit, "Profile.Fit", p.Fit, q.Fit)
	add(!slices.Equal(p.Styles, q.Styles), "Profile.Styles", p.Styles, q.Styles)
	add(!slices.Equal(p.Colours, q.Colours), "Profile.Colours", p.Colours, q.Colours)
	add(!slices.Equal(p.Categories, q.Categories), "Profile.Categories", p.Categories, q.Categories)
	switch a, b := got.Trade, want.Trade; {
	case a == nil || b == nil:
		add(a != b, "Trade", a != nil, b != nil)
	default:
		add(!a.AnnualTurnover.Equal(b.AnnualTurnover), "Trade.AnnualTurnover", a.AnnualTurnover, b.AnnualTurnover)
		add(a.Outlets != b.Outlets, "Trade.Outlets", a.Outlets, b.Outlets)
		add(a.Rating != b.Rating, "Trade.Rating", a.Rating, b.Rating)
		add(!a.CooperationStart.Equal(b.CooperationStart), "Trade.CooperationStart", ts(a.CooperationStart), ts(b.CooperationStart))
		add(!a.MarketSize.Equal(b.MarketSize), "Trade.MarketSize", a.MarketSize, b.MarketSize)
	}
	add(len(got.Household) != len(want.Household), "Household (number of members)", len(got.Household), len(want.Household))
	for i := range min(len(got.Household), len(want.Household)) {
		g, w := got.Household[i], want.Household[i]
		f := fmt.Sprintf("Household[%d]", i)
		add(g.ID != w.ID, f+".ID", g.ID, w.ID)
		add(g.Relation != w.Relation, f+".Relation", g.Relation, w.Relation)
		add(g.Name != w.Name, f+".Name")
		add(g.Birthday != w.Birthday, f+".Birthday")
		p, q := g.Profile, w.Profile
		add(p.TopSize != q.TopSize || p.BottomSize != q.BottomSize || p.ShoeSize != q.ShoeSize || p.HeightCM != q.HeightCM,
			f+".Profile sizes or height")
		add(p.Fit != q.Fit, f+".Profile.Fit", p.Fit, q.Fit)
		add(!slices.Equal(p.Styles, q.Styles) || !slices.Equal(p.Colours, q.Colours) || !slices.Equal(p.Categories, q.Categories),
			f+".Profile preferences")
	}
	if len(out) == 0 && !got.Equal(want) {
		out = append(out, "(a field the kit does not name)")
	}
	return out
}

// sameCustomer reports, under what, every field in which got differs
// from want.
// readsBack checks that Get, List and (when s has it) GetMany return want
// as stored, every field compared by sameCustomer.
func readsBack(ctx context.Context, t *testing.T, s customer.Directory, want customer.Customer) {
	t.Helper()
	if got, err := s.Get(ctx, want.ID); err != nil {
		t.Errorf("Get: %v", err)
	} else {
		sameCustomer(t, want, got, "Get")
	}
	for c, err := range s.List(ctx) {
		if err != nil {
			t.Errorf("List: %v", err)
			break
		}
		if c.ID == want.ID {
			sameCustomer(t, want, c, "List")
		}
	}
	if b, ok := s.(customer.BatchGetter); ok {
		got, err := b.GetMany(ctx, []customer.ID{want.ID})
		if err != nil || len(got) != 1 {
			t.Errorf("GetMany(%s) = %d customers, %v; want 1", want.ID, len(got), err)
		} else {
			sameCustomer(t, want, got[0], "GetMany")
		}
	}
}

func sameCustomer(t *testing.T, want, got customer.Customer, what string) {
	t.Helper()
	for _, d := range customerDiff(want, got) {
		t.Errorf("%s: customer %q differs in %s", what, want.ID, d)
	}
}

// TestStore checks that the [customer.Directory] returned by newStore
// keeps every promise of the interface. newStore is called once per
// check (and once per case of the model-based test) and must return an
// empty store.
func TestStore(t *testing.T, newStore func(t *testing.T) customer.Directory) {
	t.Helper()
	if newStore == nil {
		t.Fatal("customertest.TestStore: newStore is nil; pass a function that returns an empty store")
	}
	ctx := context.Background()

	// Get must return an error matching customer.ErrNotFound for an unknown ID.
	subtest.Run(t, "GetMissingReturnsErrNotFound", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Get(ctx, "nobody"); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("Get(unknown) = %v, want an error matching customer.ErrNotFound", err)
		}
	})

	// Get returns what Put stored, field for field.
	subtest.Run(t, "PutThenGetReturnsEqualCustomer", func(t *testing.T) {
		s := newStore(t)
		want := sampleCustomer("C-1")
		if err := s.Put(ctx, want); err != nil {
			t.Fatalf("Put: %v", err)
		}
		got, err := s.Get(ctx, "C-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !got.Equal(want) {
			t.Errorf("Get returned %#v, Put stored %#v (fields differ)", got, want)
		}
		if got.Name != want.Name || got.Contact != want.Contact || got.Birthday != want.Birthday {
			t.Errorf("Get lost personal data: the store must keep it (only printing redacts it)")
		}
	})

	// Put replaces the customer with the same ID.
	subtest.Run(t, "PutReplaces", func(t *testing.T) {
		s := newStore(t)
		c := sampleCustomer("C-1")
		mustPut(t, s, c)
		c.Region = "Piedmont"
		c.Trade = nil
		c.Kind = customer.Consumer
		c.Role = 0
		mustPut(t, s, c)
		got, err := s.Get(ctx, "C-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !got.Equal(c) {
			t.Errorf("after a second Put, Get returned %#v, want %#v", got, c)
		}
		if n := len(listIDs(t, s)); n != 1 {
			t.Errorf("after two Puts of one ID, List yields %d customers, want 1", n)
		}
	})

	// Put must reject an empty ID with an error matching customer.ErrInvalid and store nothing.
	subtest.Run(t, "PutEmptyIDIsInvalid", func(t *testing.T) {
		s := newStore(t)
		if err := s.Put(ctx, sampleCustomer("")); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("Put(empty ID) = %v, want an error matching customer.ErrInvalid", err)
		}
		if ids := listIDs(t, s); len(ids) != 0 {
			t.Errorf("after a rejected Put, List yields %q, want nothing", ids)
		}
	})

	// Put must not retain the caller's slices (profile, consent history) or Trade.
	subtest.Run(t, "PutDoesNotRetainCallerMemory", func(t *testing.T) {
		s := newStore(t)
		c := sampleCustomer("C-1")
		want := c.Clone()
		mustPut(t, s, c)
		c.ConsentHistory[0].Notice = "changed"
		c.Profile.Colours[0] = "changed"
		c.Profile.Styles[0] = "changed"
		c.Profile.Categories[0] = "changed"
		c.Trade.Outlets = 99
		got, err := s.Get(ctx, "C-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !got.Equal(want) {
			t.Errorf("changing the caller's copy after Put changed the store: got %#v", got)
		}
	})

	// Get returns a customer that shares no memory with the store.
	subtest.Run(t, "GetReturnsIndependentCopy", func(t *testing.T) {
		s := newStore(t)
		want := sampleCustomer("C-1")
		mustPut(t, s, want.Clone())
		got, err := s.Get(ctx, "C-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		got.Profile.Colours[0] = "changed"
		got.ConsentHistory[0].Notice = "changed"
		got.Trade.Outlets = 99
		again, err := s.Get(ctx, "C-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !again.Equal(want) {
			t.Errorf("changing a customer returned by Get changed the store: got %#v", again)
		}
	})

	// Every field comes back from Get, List and GetMany as Put stored it, also nanoseconds, amounts of 3 and 0 decimals and the flags the sample leaves false.
	subtest.Run(t, "PutThenReadKeepsEveryField", func(t *testing.T) {
		s := newStore(t)
		want := rareCustomer("C-2")
		mustPut(t, s, sampleCustomer("C-1"))
		mustPut(t, s, want.Clone())
		readsBack(ctx, t, s, want)
	})

	// Put then Get, List and GetMany return the household in order, every member with every field.
	subtest.Run(t, "PutThenReadKeepsHousehold", func(t *testing.T) {
		s := newStore(t)
		want := householdCustomer("C-3")
		mustPut(t, s, want.Clone())
		readsBack(ctx, t, s, want)
		// Put replaces the household as a whole: a member removed is gone.
		want.Household = want.Household[:1]
		mustPut(t, s, want.Clone())
		if got, err := s.Get(ctx, want.ID); err != nil {
			t.Errorf("Get after a member was removed: %v", err)
		} else {
			sameCustomer(t, want, got, "Get after a member was removed")
		}
	})

	// Put then Get, List and GetMany return the consent history in order, every change with every field; Put replaces it as a whole.
	subtest.Run(t, "PutThenReadKeepsConsentHistory", func(t *testing.T) {
		s := newStore(t)
		want := customer.Customer{ID: "C-4", Kind: customer.Consumer, Joined: day0.AddDate(-1, 0, 0),
			Consent: customer.Consent{Profiling: true}, ConsentHistory: rareConsentHistory(time.FixedZone("UTC-9:30", -(9*3600 + 1800)))}
		mustPut(t, s, want.Clone())
		readsBack(ctx, t, s, want)
		// A change recorded later is kept after the others.
		next, err := want.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeMarketing, Given: true,
			Time: day0, Source: customer.SourceWebShop, Notice: "privacy v5"}, day0)
		if err != nil {
			t.Fatalf("RecordConsent: %v", err)
		}
		mustPut(t, s, next.Clone())
		if got, err := s.Get(ctx, want.ID); err != nil {
			t.Errorf("Get after a change was recorded: %v", err)
		} else {
			sameCustomer(t, next, got, "Get after a change was recorded")
		}
		// A customer without a history reads back without one.
		want.ConsentHistory, want.Consent = nil, customer.Consent{}
		mustPut(t, s, want.Clone())
		if got, err := s.Get(ctx, want.ID); err != nil {
			t.Errorf("Get after the history was removed: %v", err)
		} else {
			sameCustomer(t, want, got, "Get after the history was removed")
		}
	})

	// Text that is not valid UTF-8 in a member's ID and name or a consent notice is kept byte for byte, or Put fails with customer.ErrInvalid and stores nothing: never read back changed.
	subtest.Run(t, "PutKeepsOrRejectsInvalidUTF8", func(t *testing.T) {
		s := newStore(t)
		want := householdCustomer("C-5")
		want.Household[0].Name = "Wang \xffJun"
		want.Household[1].ID = "M-\xfe"
		want.Household = append(want.Household, customer.Member{ID: "M-\xff", Relation: customer.Sibling})
		want.Consent = customer.Consent{Marketing: true}
		want.ConsentHistory = []customer.ConsentChange{{Purpose: customer.PurposeMarketing, Given: true,
			Time: day0.AddDate(0, -1, 0), Source: customer.SourceForm, Notice: "form \xc3(2025)"}}
		err := s.Put(ctx, want.Clone())
		got, gerr := s.Get(ctx, want.ID)
		switch {
		case err != nil && !errors.Is(err, customer.ErrInvalid):
			t.Errorf("Put of text that is not UTF-8 = %v, want nil or an error matching customer.ErrInvalid", err)
		case err != nil && !errors.Is(gerr, customer.ErrNotFound):
			t.Errorf("Get after a rejected Put = %v, want an error matching customer.ErrNotFound", gerr)
		case err == nil && gerr != nil:
			t.Errorf("Get: %v", gerr)
		case err == nil:
			sameCustomer(t, want, got, "Get of text that is not UTF-8")
		}
	})

	// Customers yielded by List and returned by GetMany share no memory with the store.
	subtest.Run(t, "ListAndGetManyReturnIndependentCopies", func(t *testing.T) {
		s := newStore(t)
		want := sampleCustomer("C-1")
		mustPut(t, s, want.Clone())
		scribble := func(c customer.Customer) {
			if len(c.Profile.Colours) > 0 && len(c.Profile.Styles) > 0 && c.Trade != nil {
				c.Profile.Colours[0] = "changed"
				c.Profile.Styles[0] = "changed"
				c.Trade.Outlets = 99
			}
		}
		for c, err := range s.List(ctx) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			scribble(c)
		}
		if got, err := s.Get(ctx, "C-1"); err != nil {
			t.Fatalf("Get: %v", err)
		} else {
			sameCustomer(t, want, got, "after changing a customer yielded by List, Get")
		}
		if b, ok := s.(customer.BatchGetter); ok {
			got, err := b.GetMany(ctx, []customer.ID{"C-1"})
			if err != nil || len(got) != 1 {
				t.Fatalf("GetMany(C-1) = %d customers, %v; want 1", len(got), err)
			}
			scribble(got[0])
			if got, err := s.Get(ctx, "C-1"); err != nil {
				t.Fatalf("Get: %v", err)
			} else {
				sameCustomer(t, want, got, "after changing a customer returned by GetMany, Get")
			}
		}
	})

	// Delete removes the customer; a second Delete and a Get then match customer.ErrNotFound.
	subtest.Run(t, "DeleteRemoves", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, sampleCustomer("C-1"))
		mustPut(t, s, sampleCustomer("C-2"))
		if err := s.Delete(ctx, "C-1"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Get(ctx, "C-1"); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("Get after Delete = %v, want an error matching customer.ErrNotFound", err)
		}
		if err := s.Delete(ctx, "C-1"); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("second Delete = %v, want an error matching customer.ErrNotFound", err)
		}
		if ids := listIDs(t, s); !slices.Equal(ids, []customer.ID{"C-2"}) {
			t.Errorf("List after Delete yields %q, want [C-2]", ids)
		}
	})

	// Delete of an unknown ID must return an error matching customer.ErrNotFound.
	subtest.Run(t, "DeleteMissingReturnsErrNotFound", func(t *testing.T) {
		s := newStore(t)
		if err := s.Delete(ctx, "nobody"); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("Delete(unknown) = %v, want an error matching customer.ErrNotFound", err)
		}
	})

	// List yields every customer once, sorted by ID in byte-wise order.
	subtest.Run(t, "ListSortedByID", func(t *testing.T) {
		s := newStore(t)
		ids := []customer.ID{"b", "B", "10", "9", "a", "ä", "C-100", "C-20", " x"}
		for _, id := range ids {
			mustPut(t, s, sampleCustomer(id))
		}
		want := slices.Clone(ids)
		slices.Sort(want)
		if got := listIDs(t, s); !slices.Equal(got, want) {
			t.Errorf("List yields %q, want %q", got, want)
		}
	})

	// List on an empty store yields nothing, and a consumer may stop early.
	subtest.Run(t, "ListEmptyAndEarlyStop", func(t *testing.T) {
		s := newStore(t)
		if ids := listIDs(t, s); len(ids) != 0 {
			t.Errorf("List of an empty store yields %q", ids)
		}
		mustPut(t, s, sampleCustomer("a"))
		mustPut(t, s, sampleCustomer("b"))
		n := 0
		for _, err := range s.List(ctx) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			n++
			break
		}
		if n != 1 {
			t.Errorf("stopping List after one customer gave %d", n)
		}
	})

	// A consumer may change the store while a List is under way (customer.Lister): a Put and a Delete inside the loop return, and the customers left alone are yielded once each, in order.
	subtest.Run(t, "ListWhileWriting", func(t *testing.T) {
		s := newStore(t)
		for _, id := range []customer.ID{"a", "b", "c", "d"} {
			mustPut(t, s, sampleCustomer(id))
		}
		done := make(chan []customer.ID, 1)
		errs := make(chan error, 3) // never blocks the lister, even after a timeout
		go func() {
			var ids []customer.ID
			for c, err := range s.List(ctx) {
				if err != nil {
					errs <- fmt.Errorf("List: %w", err)
					break
				}
				ids = append(ids, c.ID)
				if len(ids) == 1 {
					if err := s.Put(ctx, sampleCustomer("e")); err != nil {
						errs <- fmt.Errorf("Put during List: %w", err)
					}
					if err := s.Delete(ctx, "c"); err != nil {
						errs <- fmt.Errorf("Delete during List: %w", err)
					}
				}
			}
			done <- ids
		}()
		var ids []customer.ID
		select {
		case ids = <-done:
		case <-time.After(writeDuringListTimeout):
			t.Fatalf("a Put and a Delete made inside a List loop did not return within %v: the store blocks writers while a listing is under way", writeDuringListTimeout)
		}
		for len(errs) > 0 {
			t.Error(<-errs)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i-1] >= ids[i] {
				t.Errorf("List with writes under way yields %q: not each once in ID order", ids)
				break
			}
		}
		for _, id := range []customer.ID{"a", "b", "d"} {
			if !slices.Contains(ids, id) {
				t.Errorf("List with writes under way yields %q, without %q, which no write touched", ids, id)
			}
		}
		if got := listIDs(t, s); !slices.Equal(got, []customer.ID{"a", "b", "d", "e"}) {
			t.Errorf("after the writes made during List, List yields %q, want [a b d e]", got)
		}
	})

	// Every method must return an error wrapping ctx.Err() when the context is done, and change nothing.
	subtest.Run(t, "CanceledContext", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, sampleCustomer("C-1"))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Get(cctx, "C-1"); !errors.Is(err, context.Canceled) {
			t.Errorf("Get(canceled) = %v, want an error matching context.Canceled", err)
		}
		if err := s.Put(cctx, sampleCustomer("C-2")); !errors.Is(err, context.Canceled) {
			t.Errorf("Put(canceled) = %v, want an error matching context.Canceled", err)
		}
		if err := s.Delete(cctx, "C-1"); !errors.Is(err, context.Canceled) {
			t.Errorf("Delete(canceled) = %v, want an error matching context.Canceled", err)
		}
		var listErr error
		for _, err := range s.List(cctx) {
			if err != nil {
				listErr = err
			}
		}
		if !errors.Is(listErr, context.Canceled) {
			t.Errorf("List(canceled) yielded error %v, want one matching context.Canceled", listErr)
		}
		if b, ok := s.(customer.BatchGetter); ok {
			if _, err := b.GetMany(cctx, []customer.ID{"C-1"}); !errors.Is(err, context.Canceled) {
				t.Errorf("GetMany(canceled) = %v, want an error matching context.Canceled", err)
			}
		}
		if ids := listIDs(t, s); !slices.Equal(ids, []customer.ID{"C-1"}) {
			t.Errorf("calls with a canceled context changed the store: List yields %q, want [C-1]", ids)
		}
	})

	// A store that offers customer.BatchGetter returns customers in the order asked, an ID asked twice twice and in two copies that share no memory, or ErrNotFound and none.
	subtest.Run(t, "BatchGetter", func(t *testing.T) {
		s := newStore(t)
		b, ok := s.(customer.BatchGetter)
		if !ok {
			t.Skip("the store does not implement customer.BatchGetter")
		}
		for _, id := range []customer.ID{"a", "b", "c"} {
			mustPut(t, s, sampleCustomer(id))
		}
		got, err := b.GetMany(ctx, []customer.ID{"c", "a"})
		if err != nil {
			t.Fatalf("GetMany: %v", err)
		}
		if len(got) != 2 || got[0].ID != "c" || got[1].ID != "a" {
			t.Errorf("GetMany(c, a) returned %d customers %v, want c then a", len(got), got)
		}
		twice, err := b.GetMany(ctx, []customer.ID{"a", "b", "a"})
		switch {
		case err != nil:
			t.Errorf("GetMany(a, b, a): %v", err)
		case len(twice) != 3 || twice[0].ID != "a" || twice[1].ID != "b" || twice[2].ID != "a":
			t.Errorf("GetMany(a, b, a) returned %d customers %v, want a, b, a", len(twice), twice)
		default:
			twice[0].Profile.Colours[0] = "changed"
			twice[0].Trade.Outlets = 99
			sameCustomer(t, sampleCustomer("a"), twice[2], "after changing the first of two copies returned by GetMany(a, b, a), the second")
		}
		got, err = b.GetMany(ctx, []customer.ID{"a", "nobody"})
		if !errors.Is(err, customer.ErrNotFound) || got != nil {
			t.Errorf("GetMany(a, unknown) = %d customers, %v; want none and an error matching customer.ErrNotFound", len(got), err)
		}
	})

	// Concurrent Updates of one customer, each changing a different thing (a household member added, a consent change recorded, the number of outlets raised), all survive: each Update reads the customer as the one before left it (customer.Updater).
	subtest.Run(t, "UpdateKeepsConcurrentChanges", func(t *testing.T) {
		s, u := updater(t, newStore)
		start := sampleCustomer("C-1")
		mustPut(t, s, start.Clone())
		const workers, each = 8, 4
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		begin := make(chan struct{})
		for w := range workers {
			wg.Go(func() {
				<-begin
				for i := range each {
					tag := fmt.Sprintf("w%d-%d", w, i)
					err := u.Update(ctx, "C-1", func(c *customer.Customer) error {
						// A moment between the read and the write, in which
						// a store that does not hold the customer lets
						// other writers in.
						time.Sleep(time.Millisecond)
						switch w % 3 {
						case 0:
							c.Household = append(c.Household, customer.Member{ID: tag, Relation: customer.Child})
						case 1:
							c.ConsentHistory = append(c.ConsentHistory, customer.ConsentChange{Purpose: customer.PurposeProfiling,
								Given: w%2 == 0, Time: day0.Add(time.Duration(w*each+i) * time.Minute), Source: customer.SourceWebShop, Notice: tag})
						default:
							c.Trade.Outlets++
						}
						return nil
					})
					if err != nil {
						errs <- fmt.Errorf("Update %s: %w", tag, err)
					}
				}
			})
		}
		close(begin)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		got, err := s.Get(ctx, "C-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		var lost []string
		outlets := start.Trade.Outlets
		for w := range workers {
			for i := range each {
				tag := fmt.Sprintf("w%d-%d", w, i)
				switch w % 3 {
				case 0:
					if !slices.ContainsFunc(got.Household, func(m customer.Member) bool { return m.ID == tag }) {
						lost = append(lost, "household member "+tag)
					}
				case 1:
					if !slices.ContainsFunc(got.ConsentHistory, func(ch customer.ConsentChange) bool { return ch.Notice == tag }) {
						lost = append(lost, "consent change "+tag)
					}
				default:
					outlets++
				}
			}
		}
		if got.Trade == nil || got.Trade.Outlets != outlets {
			n := -1
			if got.Trade != nil {
				n = got.Trade.Outlets
			}
			lost = append(lost, fmt.Sprintf("outlet increments (outlets %d, want %d)", n, outlets))
		}
		if len(lost) > 0 {
			t.Errorf("after %d concurrent Updates of one customer, %d changes are lost: the store does not make the read and the write one step: %s",
				workers*each, len(lost), strings.Join(lost, ", "))
		}
		if got.Name != start.Name || got.Region != start.Region || got.Contact != start.Contact {
			t.Errorf("concurrent Updates changed fields none of them touched")
		}
	})

	// A Put or Delete made while an Update is under way takes effect before the Update reads or after it writes, never in between: a Put that returned is not overwritten by an Update that read before it, a Delete that returned is not undone (customer.Updater).
	subtest.Run(t, "UpdateAtomicWithPutAndDelete", func(t *testing.T) {
		s, u := updater(t, newStore)
		c := sampleCustomer("C-1")
		mustPut(t, s, c.Clone())
		put := c.Clone()
		put.Region = "Piedmont"
		// during starts write in another goroutine and waits a moment for
		// it: a store that holds the customer keeps write waiting until
		// the Update is stored; one that does not lets it through at once.
		during := func(write func() error) (done chan error) {
			done = make(chan error, 1)
			go func() { done <- write() }()
			select {
			case err := <-done:
				done <- err
			case <-time.After(50 * time.Millisecond):
			}
			return done
		}
		wait := func(done chan error, what string) {
			t.Helper()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("%s during Update: %v", what, err)
				}
			case <-time.After(writeDuringListTimeout):
				t.Fatalf("%s made during an Update did not return within %v of the Update", what, writeDuringListTimeout)
			}
		}

		var putDone chan error
		err := u.Update(ctx, "C-1", func(c *customer.Customer) error {
			putDone = during(func() error { return s.Put(context.Background(), put.Clone()) })
			c.Name = "changed by Update"
			return nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		wait(putDone, "a Put")
		if got, err := s.Get(ctx, "C-1"); err != nil {
			t.Fatalf("Get: %v", err)
		} else {
			sameCustomer(t, put, got, "after a Put made during an Update (the Put must come after the Update, not be overwritten by it), Get")
		}

		var delDone chan error
		err = u.Update(ctx, "C-1", func(c *customer.Customer) error {
			delDone = during(func() error { return s.Delete(context.Background(), "C-1") })
			c.Name = "changed again"
			return nil
		})
		if err != nil {
			t.Fatalf("second Update: %v", err)
		}
		wait(delDone, "a Delete")
		if _, err := s.Get(ctx, "C-1"); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("Get after a Delete made during an Update = %v, want an error matching customer.ErrNotFound: the Update brought the deleted customer back", err)
		}
	})

	// Update stores what change made of the customer and nothing else; Get, List and GetMany return it (customer.Updater).
	subtest.Run(t, "UpdateStoresTheChange", func(t *testing.T) {
		s, u := updater(t, newStore)
		mustPut(t, s, sampleCustomer("C-1"))
		mustPut(t, s, rareCustomer("C-2"))
		want := rareCustomer("C-2")
		want.Region = "Gandaki"
		want.Consent.Marketing = true
		want.ConsentHistory = append(want.ConsentHistory, customer.ConsentChange{Purpose: customer.PurposeMarketing, Given: true,
			Time: day0.Add(time.Nanosecond), Source: customer.SourceWebShop, Notice: "privacy v5"})
		want.Profile.Colours = append(want.Profile.Colours, "teal")
		want.Household = householdCustomer("x").Household
		want.Trade.Outlets = 7
		calls := 0
		err := u.Update(ctx, "C-2", func(c *customer.Customer) error {
			calls++
			sameCustomer(t, rareCustomer("C-2"), *c, "the customer Update gives change")
			c.Region = want.Region
			c.Consent.Marketing = true
			c.ConsentHistory = append(c.ConsentHistory, want.ConsentHistory[len(want.ConsentHistory)-1])
			c.Profile.Colours = append(c.Profile.Colours, "teal")
			c.Household = householdCustomer("x").Household
			c.Trade.Outlets = 7
			return nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if calls != 1 {
			t.Errorf("Update called change %d times, want once", calls)
		}
		readsBack(ctx, t, s, want)
		readsBack(ctx, t, s, sampleCustomer("C-1"))
	})

	// When change returns an error, Update stores nothing, even what change did to the copy in place, and returns an error in which errors.Is and errors.As find change's (customer.Updater).
	subtest.Run(t, "UpdateChangeErrorStoresNothing", func(t *testing.T) {
		s, u := updater(t, newStore)
		want := sampleCustomer("C-1")
		mustPut(t, s, want.Clone())
		refusal := &refusedError{reason: "withdrawn meanwhile"}
		err := u.Update(ctx, "C-1", func(c *customer.Customer) error {
			c.Region = "changed"
			c.Profile.Colours[0] = "changed"
			c.ConsentHistory[0].Notice = "changed"
			c.Trade.Outlets = 99
			c.Household = append(c.Household, customer.Member{ID: "changed", Relation: customer.Child})
			return fmt.Errorf("refused: %w", refusal)
		})
		var re *refusedError
		if !errors.As(err, &re) || re != refusal {
			t.Errorf("Update with a failing change = %v, want an error in which errors.As finds the change's *refusedError", err)
		}
		err = u.Update(ctx, "C-1", func(c *customer.Customer) error {
			c.Name = "changed"
			return errRefused
		})
		if !errors.Is(err, errRefused) {
			t.Errorf("Update with a failing change = %v, want an error matching the change's", err)
		}
		readsBack(ctx, t, s, want)
	})

	// Update of an unknown ID returns an error matching customer.ErrNotFound, does not call change and stores nothing (customer.Updater).
	subtest.Run(t, "UpdateMissingReturnsErrNotFound", func(t *testing.T) {
		s, u := updater(t, newStore)
		mustPut(t, s, sampleCustomer("C-1"))
		called := false
		err := u.Update(ctx, "nobody", func(c *customer.Customer) error {
			called = true
			return nil
		})
		if !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("Update(unknown) = %v, want an error matching customer.ErrNotFound", err)
		}
		if called {
			t.Errorf("Update(unknown) called change")
		}
		if ids := listIDs(t, s); !slices.Equal(ids, []customer.ID{"C-1"}) {
			t.Errorf("after Update(unknown), List yields %q, want [C-1]", ids)
		}
	})

	// Update refuses a change of the customer's ID with an error matching customer.ErrInvalid and stores nothing, under either ID (customer.Updater).
	subtest.Run(t, "UpdateRefusesIDChange", func(t *testing.T) {
		s, u := updater(t, newStore)
		want := sampleCustomer("C-1")
		mustPut(t, s, want.Clone())
		for _, to := range []customer.ID{"C-2", ""} {
			err := u.Update(ctx, "C-1", func(c *customer.Customer) error {
				c.ID = to
				c.Region = "changed"
				return nil
			})
			if !errors.Is(err, customer.ErrInvalid) {
				t.Errorf("Update changing the ID to %q = %v, want an error matching customer.ErrInvalid", to, err)
			}
		}
		if ids := listIDs(t, s); !slices.Equal(ids, []customer.ID{"C-1"}) {
			t.Errorf("after Updates that change the ID, List yields %q, want [C-1]", ids)
		}
		readsBack(ctx, t, s, want)
	})

	// Update must not retain the slices or Trade of the customer it gave change: changing them after Update returned does not change the store (customer.Updater).
	subtest.Run(t, "UpdateDoesNotRetainCallerMemory", func(t *testing.T) {
		s, u := updater(t, newStore)
		mustPut(t, s, householdCustomer("C-1"))
		want := householdCustomer("C-1")
		want.ConsentHistory = sampleCustomer("x").ConsentHistory
		want.Trade = sampleCustomer("x").Trade
		want.Profile.Colours = []string{"navy"}
		var kept *customer.Customer
		err := u.Update(ctx, "C-1", func(c *customer.Customer) error {
			c.ConsentHistory = sampleCustomer("x").ConsentHistory
			c.Trade = sampleCustomer("x").Trade
			c.Profile.Colours = []string{"navy"}
			kept = c
			return nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		kept.ConsentHistory[0].Notice = "changed"
		kept.Trade.Outlets = 99
		kept.Profile.Colours[0] = "changed"
		kept.Household[0].Profile.Styles[0] = "changed"
		kept.Household[1].Name = "changed"
		if got, err := s.Get(ctx, "C-1"); err != nil {
			t.Fatalf("Get: %v", err)
		} else {
			sameCustomer(t, want, got, "after changing the customer given to change once Update returned, Get")
		}
	})

	// Update with a done context returns an error wrapping ctx.Err(), does not call change and stores nothing (customer.Updater).
	subtest.Run(t, "UpdateCanceledContext", func(t *testing.T) {
		s, u := updater(t, newStore)
		want := sampleCustomer("C-1")
		mustPut(t, s, want.Clone())
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		called := false
		err := u.Update(cctx, "C-1", func(c *customer.Customer) error {
			called = true
			c.Region = "changed"
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Update(canceled) = %v, want an error matching context.Canceled", err)
		}
		if called {
			t.Errorf("Update(canceled) called change")
		}
		readsBack(ctx, t, s, want)
	})

	// Concurrent Puts, Gets, Deletes and Lists are safe and each Put is kept (run with -race).
	subtest.Run(t, "Concurrent", func(t *testing.T) {
		s := newStore(t)
		const workers, each = 4, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each*4)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := customer.ID(fmt.Sprintf("w%d-%03d", w, i))
					c := sampleCustomer(id)
					if err := s.Put(ctx, c); err != nil {
						errs <- fmt.Errorf("Put %s: %w", id, err)
						continue
					}
					if got, err := s.Get(ctx, id); err != nil || !got.Equal(c) {
						errs <- fmt.Errorf("Get %s right after its Put: %v (equal: %t)", id, err, got.Equal(c))
					}
					// Every worker also writes one shared ID; the last Put wins.
					if err := s.Put(ctx, sampleCustomer("shared")); err != nil {
						errs <- fmt.Errorf("Put shared: %w", err)
					}
					if i%5 == 4 {
						if err := s.Delete(ctx, id); err != nil {
							errs <- fmt.Errorf("Delete %s: %w", id, err)
						}
					}
					if i%10 == 0 {
						for _, err := range s.List(ctx) {
							if err != nil {
								errs <- fmt.Errorf("List: %w", err)
							}
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var want []customer.ID
		for w := range workers {
			for i := range each {
				if i%5 != 4 {
					want = append(want, customer.ID(fmt.Sprintf("w%d-%03d", w, i)))
				}
			}
		}
		want = append(want, "shared")
		slices.Sort(want)
		if got := listIDs(t, s); !slices.Equal(got, want) {
			t.Errorf("after the concurrent run List yields %d IDs, want %d (%s)", len(got), len(want), diffIDs(got, want))
		}
	})

	// Any sequence of Put, Get, Delete and List behaves as a map from ID to customer (model-based, rapid).
	subtest.Run(t, "StateMachine", func(t *testing.T) {
		rapid.Check(t, func(rt *rapid.T) {
			m := &storeMachine{s: newStore(t), model: map[customer.ID]customer.Customer{}}
			rt.Repeat(map[string]func(*rapid.T){
				"Put":    m.put,
				"Insert": m.insert,
				"Get":    m.get,
				"GetNew": m.getMissing,
				"Delete": m.delete,
				"List":   m.list,
				"":       m.check,
			})
		})
	})

	testInserter(t, newStore)
	testOddIDs(t, newStore)
}

// updater returns a new store from newStore and its customer.Updater
// capability, or skips t when the store does not offer it.
func updater(t *testing.T, newStore func(t *testing.T) customer.Directory) (customer.Directory, customer.Updater) {
	t.Helper()
	s := newStore(t)
	u, ok := s.(customer.Updater)
	if !ok {
		t.Skip("the store does not implement customer.Updater")
	}
	return s, u
}

// errRefused and refusedError are the errors the kit's change funcs
// return, to check that Update passes them on.
var errRefused = errors.New("customertest: change refused")

type refusedError struct{ reason string }

func (e *refusedError) Error() string { return "customertest: change refused: " + e.reason }

func mustPut(t *testing.T, s customer.Directory, c customer.Customer) {
	t.Helper()
	if err := s.Put(context.Background(), c); err != nil {
		t.Fatalf("Put %q: %v", c.ID, err)
	}
}

func listIDs(t *testing.T, s customer.Lister) []customer.ID {
	t.Helper()
	var ids []customer.ID
	for c, err := range s.List(context.Background()) {
		if err != nil {
			t.Errorf("List: %v", err)
			break
		}
		ids = append(ids, c.ID)
	}
	return ids
}

func diffIDs(got, want []customer.ID) string {
	var b strings.Builder
	for _, id := range want {
		if !slices.Contains(got, id) {
			fmt.Fprintf(&b, " missing %q", id)
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			fmt.Fprintf(&b, " extra %q", id)
		}
	}
	return strings.TrimSpace(b.String())
}

// storeMachine is the model-based test of a Directory: the model is a map.
type storeMachine struct {
	s     customer.Directory
	model map[customer.ID]customer.Customer
}

var genID = rapid.SampledFrom([]customer.ID{"a", "b", "c", "d", "e", "C-1", "C-10", "C-2"})

func genCustomer(id customer.ID) *rapid.Generator[customer.Customer] {
	return rapid.Custom(func(t *rapid.T) customer.Customer {
		c := customer.Customer{
			ID:     id,
			Kind:   customer.Consumer,
			Name:   rapid.SampledFrom([]string{"", "Ana", "Li Wei"}).Draw(t, "name"),
			Region: rapid.SampledFrom([]string{"", "Berlin", "Shanghai"}).Draw(t, "region"),
			Joined: day0.Add(-time.Duration(rapid.IntRange(0, 1000).Draw(t, "joined")) * time.Hour),
			Profile: customer.Profile{
				HeightCM: rapid.IntRange(0, 200).Draw(t, "height"),
				Colours:  rapid.SliceOfN(rapid.SampledFrom([]string{"red", "navy"}), 0, 2).Draw(t, "colours"),
			},
		}
		for i := range rapid.IntRange(0, 2).Draw(t, "members") {
			c.Household = append(c.Household, customer.Member{
				ID:       fmt.Sprintf("m%d", i),
				Relation: rapid.SampledFrom([]customer.Relation{customer.Partner, customer.Child, customer.OtherRelative}).Draw(t, "relation"),
				Name:     rapid.SampledFrom([]string{"", "Jun"}).Draw(t, "member name"),
				Profile:  customer.Profile{TopSize: rapid.SampledFrom([]string{"", "S", "128"}).Draw(t, "member top size")},
			})
		}
		at := c.Joined
		for i := range rapid.IntRange(0, 3).Draw(t, "consent changes") {
			at = at.Add(time.Duration(rapid.IntRange(0, 5000).Draw(t, "consent step")) * time.Second)
			ch := customer.ConsentChange{
				Purpose: rapid.SampledFrom(customer.Purposes()).Draw(t, "consent purpose"),
				Given:   rapid.Bool().Draw(t, "consent given"),
				Time:    at,
				Source:  rapid.SampledFrom([]customer.ConsentSource{customer.SourceTill, customer.SourceWebShop}).Draw(t, "consent source"),
				Notice:  fmt.Sprintf("notice v%d", i),
			}
			next, err := c.RecordConsent(ch, time.Time{})
			if err != nil {
				t.Fatalf("RecordConsent(%s): %v", ch, err)
			}
			c = next
		}
		if rapid.Bool().Draw(t, "intermediary") {
			c.Kind, c.Role = customer.Intermediary, customer.Wholesaler
			c.Trade = &customer.Trade{Outlets: rapid.IntRange(0, 50).Draw(t, "outlets"), Rating: customer.RatingBB}
		}
		return c
	})
}

func (m *storeMachine) put(t *rapid.T) {
	id := genID.Draw(t, "id")
	c := genCustomer(id).Draw(t, "customer")
	if err := m.s.Put(context.Background(), c); err != nil {
		t.Fatalf("Put %q: %v", id, err)
	}
	m.model[id] = c.Clone()
}

// insert inserts a drawn customer, or one equal to a stored one (a
// redelivery), when the store is a customer.Inserter: a free ID stores
// it, an equal customer is a no-op, another one is ErrDuplicate and
// changes nothing.
func (m *storeMachine) insert(t *rapid.T) {
	in, ok := m.s.(customer.Inserter)
	if !ok {
		t.Skip("the store does not implement customer.Inserter")
	}
	id := genID.Draw(t, "id")
	c := genCustomer(id).Draw(t, "customer")
	prev, stored := m.model[id]
	if stored && rapid.Bool().Draw(t, "redeliver") {
		c = prev.Clone()
	}
	err := in.Insert(context.Background(), c)
	switch {
	case !stored:
		if err != nil {
			t.Fatalf("Insert %q of a free ID: %v", id, err)
		}
		m.model[id] = c.Clone()
	case prev.Equal(c):
		if err != nil {
			t.Fatalf("Insert %q of the stored customer again: %v, want nil", id, err)
		}
	default:
		if !errors.Is(err, customer.ErrDuplicate) {
			t.Fatalf("Insert %q of another customer under a taken ID = %v, want customer.ErrDuplicate", id, err)
		}
	}
}

func (m *storeMachine) existing(t *rapid.T) customer.ID {
	if len(m.model) == 0 {
		t.Skip("no customer stored yet")
	}
	ids := make([]customer.ID, 0, len(m.model))
	for id := range m.model {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return rapid.SampledFrom(ids).Draw(t, "existing")
}

func (m *storeMachine) get(t *rapid.T) {
	id := m.existing(t)
	got, err := m.s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get %q of a stored customer: %v", id, err)
	}
	if !got.Equal(m.model[id]) {
		t.Fatalf("Get %q = %#v, model has %#v", id, got, m.model[id])
	}
}

func (m *storeMachine) getMissing(t *rapid.T) {
	id := genID.Draw(t, "id")
	if _, ok := m.model[id]; ok {
		t.Skip("stored")
	}
	if _, err := m.s.Get(context.Background(), id); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("Get %q of an unknown customer = %v, want customer.ErrNotFound", id, err)
	}
}

func (m *storeMachine) delete(t *rapid.T) {
	id := genID.Draw(t, "id")
	err := m.s.Delete(context.Background(), id)
	if _, ok := m.model[id]; ok {
		if err != nil {
			t.Fatalf("Delete %q of a stored customer: %v", id, err)
		}
		delete(m.model, id)
	} else if !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("Delete %q of an unknown customer = %v, want customer.ErrNotFound", id, err)
	}
}

func (m *storeMachine) list(t *rapid.T) {
	var got []customer.Customer
	for c, err := range m.s.List(context.Background()) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		got = append(got, c)
	}
	ids := make([]customer.ID, 0, len(m.model))
	for id := range m.model {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(got) != len(ids) {
		t.Fatalf("List yields %d customers, the model has %d", len(got), len(ids))
	}
	for i, id := range ids {
		if !got[i].Equal(m.model[id]) {
			t.Fatalf("List element %d = %#v, want %#v", i, got[i], m.model[id])
		}
	}
}

func (m *storeMachine) check(t *rapid.T) {
	for id, want := range m.model {
		got, err := m.s.Get(context.Background(), id)
		if err != nil || !got.Equal(want) {
			t.Fatalf("store and model differ on %q: Get = %#v, %v; model %#v", id, got, err, want)
		}
	}
}
