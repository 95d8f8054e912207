package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

var (
	t0  = time.Date(2026, 1, 10, 11, 0, 0, 0, time.UTC)
	now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

func money(t testing.TB, amount, cur string) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(amount, cur)
	require.NoError(t, err)
	return m
}

// Dumb fakes, one Fn field per method.

type getterFn func(context.Context, customer.ID) (customer.Customer, error)

func (f getterFn) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	return f(ctx, id)
}

type historyFn func(context.Context, customer.ID) iter.Seq2[customer.Event, error]

func (f historyFn) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return f(ctx, id)
}

type ledgerFn func(context.Context, customer.ID, int64) ([]loyalty.Entry, error)

func (f ledgerFn) Entries(ctx context.Context, m customer.ID, after int64) ([]loyalty.Entry, error) {
	return f(ctx, m, after)
}

type caseReader struct {
	CasesFn  func(context.Context, customer.ID) ([]complaint.Case, error)
	EventsFn func(context.Context, complaint.ID) ([]complaint.Event, error)
}

func (c caseReader) Cases(ctx context.Context, id customer.ID) ([]complaint.Case, error) {
	return c.CasesFn(ctx, id)
}

func (c caseReader) Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
	return c.EventsFn(ctx, id)
}

var (
	_ privacy.LedgerReader = loyalty.Store(nil)
	_ privacy.CaseReader   = complaint.Store(nil)
)

// shop holds one customer "anna" in every store, with some history.
type shop struct {
	customers *customer.MemStore
	ledgers   *loyalty.MemStore
	cases     *complaint.MemStore
}

func (s shop) sources() privacy.Sources {
	return privacy.Sources{Customers: s.customers, History: s.customers, Loyalty: s.ledgers, Complaints: s.cases}
}

func newShop(t testing.TB) shop {
	t.Helper()
	ctx := context.Background()
	s := shop{customer.NewMemStore(), loyalty.NewMemStore(), complaint.NewMemStore()}
	require.NoError(t, s.customers.Put(ctx, customer.Customer{ID: "anna", Kind: customer.Consumer, Name: "Anna Li", Joined: t0}))
	addHistory(t, s, "anna", 0)
	return s
}

// addHistory gives customer id an order, a return, a credit, an
// interaction, a loyalty join and earn, and a complaint case; n makes
// the record IDs unique.
func addHistory(t testing.TB, s shop, id customer.ID, n int) {
	t.Helper()
	ctx := context.Background()
	sfx := "-" + string(id)
	at := t0.Add(time.Duration(n) * time.Minute)
	o := customer.Order{ID: "O" + sfx, CustomerID: id, Time: at.Add(24 * time.Hour), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "SKU" + sfx, Quantity: 2, UnitPrice: decimal.RequireFromString("45.50")}}}
	require.NoError(t, s.customers.AppendOrder(ctx, o))
	require.NoError(t, s.customers.AppendReturn(ctx, customer.Return{ID: "R" + sfx, OrderID: o.ID, CustomerID: id,
		Time: at.Add(48 * time.Hour), Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}))
	require.NoError(t, s.customers.AppendCredit(ctx, customer.Credit{ID: "K" + sfx, CustomerID: id, OrderID: o.ID,
		Time: at.Add(72 * time.Hour), Kind: customer.Compensation, Amount: money(t, "5.00", "EUR")}))
	require.NoError(t, s.customers.AppendInteraction(ctx, customer.Interaction{CustomerID: id, Time: at.Add(time.Hour),
		Kind: customer.StoreVisit, Subject: "visit" + sfx}))

	p, err := loyalty.DecodeProgramme([]byte(programme))
	require.NoError(t, err)
	club := loyalty.NewService(p, s.ledgers, nil)
	_, _, err = club.Apply(ctx, loyalty.Join{Member: id, Time: at}, at)
	require.NoError(t, err)
	_, _, err = club.Apply(ctx, loyalty.Purchase{Order: o}, o.Time)
	require.NoError(t, err)

	desk := &complaint.Service{Store: s.cases}
	_, _, err = desk.Record(ctx, complaint.Intake{ID: complaint.ID("C" + sfx), Complainant: id, Channel: complaint.ChannelEmail,
		Received: at.Add(96 * time.Hour), Subject: complaint.Subject{Kind: complaint.SubjectProduct, Order: o.ID, SKU: "SKU" + sfx},
		Category: complaint.CategorySeams, Severity: complaint.SeverityLow, Currency: "EUR",
		Demand: complaint.Demand{Kind: complaint.ResolutionRepair}, Description: "seam came loose" + sfx},
		"", complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}, at.Add(96*time.Hour))
	require.NoError(t, err)
}

func TestExportAll(t *testing.T) {
	s := newShop(t)
	r, err := privacy.Export(context.Background(), "anna", s.sources(), now)
	require.NoError(t, err)
	assert.Equal(t, customer.ID("anna"), r.Customer)
	assert.True(t, r.Made.Equal(now))
	assert.Equal(t, []string{privacy.SourceCustomers, privacy.SourceHistory, privacy.SourceLoyalty, privacy.SourceComplaints}, r.Sources)
	require.NotNil(t, r.Record)
	assert.Equal(t, "Anna Li", r.Record.Name)
	require.Len(t, r.Orders, 1)
	require.Len(t, r.Returns, 1)
	require.Len(t, r.Credits, 1)
	require.Len(t, r.Interactions, 1)
	require.NotNil(t, r.Loyalty)
	assert.Len(t, r.Loyalty.Entries, 2)
	assert.Equal(t, int64(2), r.Loyalty.Account.Version)
	assert.Equal(t, loyalty.Points(91), r.Loyalty.Account.Balance())
	require.Len(t, r.Complaints, 1)
	assert.Len(t, r.Complaints[0].Events, 1)

	b, err := json.Marshal(r)
	require.NoError(t, err)
	for _, want := range []string{`"made":"2026-03-01T09:00:00Z"`, `"unit_price":"45.5"`, `"amount":"5.00 EUR"`,
		`"kind":"refund"`, `"reason":"size-fit"`, `"kind":"earn"`, `"balance":91`, `"state":"recorded"`} {
		assert.Contains(t, string(b), want)
	}
}

// A customer the directory erased may still have a loyalty ledger and
// complaint cases: the report holds them, without a record.
func TestExportWithoutRecord(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	require.NoError(t, s.customers.Delete(ctx, "anna"))
	r, err := privacy.Export(ctx, "anna", s.sources(), now)
	require.NoError(t, err)
	assert.Nil(t, r.Record)
	assert.Empty(t, r.Orders)
	assert.NotNil(t, r.Orders)
	assert.NotNil(t, r.Loyalty)
	assert.Len(t, r.Complaints, 1)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"record":null`)
	assert.Contains(t, string(b), `"orders":[]`)
}

// Only the sources given are consulted, and the report says which.
func TestExportSomeSources(t *testing.T) {
	s := newShop(t)
	r, err := privacy.Export(context.Background(), "anna", privacy.Sources{Loyalty: s.ledgers}, now)
	require.NoError(t, err)
	assert.Equal(t, []string{privacy.SourceLoyalty}, r.Sources)
	assert.Nil(t, r.Record)
	assert.NotNil(t, r.Loyalty)
	assert.Empty(t, r.Complaints)
}

func TestExportErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	good := newShop(t)
	failingHistory := historyFn(func(context.Context, customer.ID) iter.Seq2[customer.Event, error] {
		return func(yield func(customer.Event, error) bool) { yield(customer.Event{}, boom) }
	})
	failingCases := caseReader{
		CasesFn:  func(context.Context, customer.ID) ([]complaint.Case, error) { return nil, boom },
		EventsFn: good.cases.Events,
	}
	failingEvents := caseReader{
		CasesFn:  good.cases.Cases,
		EventsFn: func(context.Context, complaint.ID) ([]complaint.Event, error) { return nil, boom },
	}
	empty := privacy.Sources{Customers: customer.NewMemStore(), History: customer.NewMemStore(),
		Loyalty: loyalty.NewMemStore(), Complaints: complaint.NewMemStore()}
	with := func(f func(*privacy.Sources)) privacy.Sources {
		src := good.sources()
		f(&src)
		return src
	}
	tests := []struct {
		name    string
		id      customer.ID
		src     privacy.Sources
		now     time.Time
		unknown bool   // an *UnknownCustomerError
		invalid bool   // matches customer.ErrInvalid
		source  string // a *SourceError of this source
	}{
		{name: "unknown everywhere", id: "nobody", src: good.sources(), now: now, unknown: true},
		{name: "empty stores", id: "anna", src: empty, now: now, unknown: true},
		{name: "no sources", id: "anna", now: now, unknown: true},
		{name: "empty id", id: "", src: good.sources(), now: now, invalid: true},
		{name: "blank id", id: " \t", src: good.sources(), now: now, invalid: true},
		{name: "zero now", id: "anna", src: good.sources(), invalid: true},
		{name: "directory fails", id: "anna", now: now, source: privacy.SourceCustomers, src: with(func(s *privacy.Sources) {
			s.Customers = getterFn(func(context.Context, customer.ID) (customer.Customer, error) { return customer.Customer{}, boom })
		})},
		{name: "history fails", id: "anna", now: now, source: privacy.SourceHistory, src: with(func(s *privacy.Sources) { s.History = failingHistory })},
		{name: "ledger fails", id: "anna", now: now, source: privacy.SourceLoyalty, src: with(func(s *privacy.Sources) {
			s.Loyalty = ledgerFn(func(context.Context, customer.ID, int64) ([]loyalty.Entry, error) { return nil, boom })
		})},
		{name: "cases fail", id: "anna", now: now, source: privacy.SourceComplaints, src: with(func(s *privacy.Sources) { s.Complaints = failingCases })},
		{name: "events fail", id: "anna", now: now, source: privacy.SourceComplaints, src: with(func(s *privacy.Sources) { s.Complaints = failingEvents })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := privacy.Export(context.Background(), tt.id, tt.src, tt.now)
			require.Error(t, err)
			assert.True(t, reflect.ValueOf(r).IsZero(), "a failed export returns nothing: %+v", r)
			var unknown *privacy.UnknownCustomerError
			var se *privacy.SourceError
			switch {
			case tt.unknown:
				require.ErrorAs(t, err, &unknown)
				assert.Equal(t, tt.id, unknown.ID)
				assert.ErrorIs(t, err, customer.ErrNotFound)
				assert.Contains(t, err.Error(), `"`+string(tt.id)+`"`)
			case tt.invalid:
				assert.ErrorIs(t, err, customer.ErrInvalid)
			default:
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tt.source, se.Source)
				assert.Equal(t, tt.id, se.Customer)
				assert.ErrorIs(t, err, boom)
				assert.Contains(t, err.Error(), tt.source+" store")
				assert.Contains(t, err.Error(), `"anna"`)
				assert.False(t, errors.Is(err, customer.ErrNotFound))
			}
		})
	}
}

// A source that returns another customer's record fails the export: the
// record would disclose that customer's data.
func TestExportForeignRecord(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	require.NoError(t, s.customers.Put(ctx, customer.Customer{ID: "bob", Kind: customer.Consumer, Name: "Bob Secret", Joined: t0}))
	addHistory(t, s, "bob", 1)
	asBob := func(customer.ID) customer.ID { return "bob" }
	tests := []struct {
		name   string
		source string
		src    func(*privacy.Sources)
	}{
		{"directory", privacy.SourceCustomers, func(src *privacy.Sources) {
			src.Customers = getterFn(func(ctx context.Context, id customer.ID) (customer.Customer, error) {
				return s.customers.Get(ctx, asBob(id))
			})
		}},
		{"history", privacy.SourceHistory, func(src *privacy.Sources) {
			src.History = historyFn(func(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
				return s.customers.History(ctx, asBob(id))
			})
		}},
		{"ledger", privacy.SourceLoyalty, func(src *privacy.Sources) {
			src.Loyalty = ledgerFn(func(ctx context.Context, id customer.ID, after int64) ([]loyalty.Entry, error) {
				return s.ledgers.Entries(ctx, asBob(id), after)
			})
		}},
		{"cases", privacy.SourceComplaints, func(src *privacy.Sources) {
			src.Complaints = caseReader{
				CasesFn: func(ctx context.Context, id customer.ID) ([]complaint.Case, error) {
					return s.cases.Cases(ctx, asBob(id))
				},
				EventsFn: s.cases.Events,
			}
		}},
		{"events", privacy.SourceComplaints, func(src *privacy.Sources) {
			src.Complaints = caseReader{
				CasesFn: s.cases.Cases,
				EventsFn: func(ctx context.Context, _ complaint.ID) ([]complaint.Event, error) {
					return s.cases.Events(ctx, "C-bob")
				},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := s.sources()
			tt.src(&src)
			r, err := privacy.Export(ctx, "anna", src, now)
			require.ErrorIs(t, err, privacy.ErrForeignRecord)
			var se *privacy.SourceError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.source, se.Source)
			assert.True(t, reflect.ValueOf(r).IsZero())
		})
	}
}

// requireAllSet fails when a field of v reachable from it (through
// structs, pointers and slices) is zero or an empty slice, so that a
// fixture that should exercise every field does.
func requireAllSet(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		require.False(t, v.IsNil(), "%s is nil", path)
		requireAllSet(t, v.Elem(), path)
	case reflect.Slice:
		require.Positive(t, v.Len(), "%s is empty", path)
		for i := range v.Len() {
			requireAllSet(t, v.Index(i), path+"[]")
		}
	case reflect.Struct:
		if v.Type().NumField() > 0 && !v.Type().Field(0).IsExported() {
			require.False(t, v.IsZero(), "%s is zero", path) // time.Time, decimal, Money
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				requireAllSet(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	default:
		require.False(t, v.IsZero(), "%s is zero", path)
	}
}

// Every field of a customer record reaches the document, its personal
// data in clear: a record with every field set is in the document with
// every value.
func TestExportRichCustomer(t *testing.T) {
	ctx := context.Background()
	profile := customer.Profile{TopSize: "M", BottomSize: "32", ShoeSize: "42", HeightCM: 181, Fit: customer.Loose,
		Styles: []string{"classic"}, Colours: []string{"navy"}, Categories: []string{"coats"}}
	c := customer.Customer{ID: "dealer-1", Kind: customer.Intermediary, Role: customer.Dealer, Name: "Hans Muster",
		Contact:  customer.Contact{Email: "hans@example.com", Phone: "+49 30 1234567", Address: "Hauptstr. 1, Berlin"},
		Birthday: customer.Birthday{Year: 1970, Month: time.May, Day: 3}, Region: "Berlin", Joined: t0,
		Consent: customer.Consent{Marketing: true, Profiling: true},
		ConsentHistory: []customer.ConsentChange{
			{Purpose: customer.PurposeMarketing, Given: true, Time: t0, Source: customer.SourceForm, Notice: "notice v1"},
			{Purpose: customer.PurposeProfiling, Given: true, Time: t0.Add(time.Hour), Source: customer.SourceApp, Notice: "notice v2"},
		},
		Profile: profile,
		Trade: &customer.Trade{AnnualTurnover: money(t, "2500000.00", "EUR"), Outlets: 4, Rating: customer.RatingBBB,
			CooperationStart: t0.AddDate(-3, 0, 0), MarketSize: money(t, "90000000", "EUR")},
		// Validate allows a household only for a consumer; the store keeps
		// what it is given, and so must the export.
		Household: []customer.Member{{ID: "son", Relation: customer.Child, Name: "Max Muster",
			Birthday: customer.Birthday{Year: 2010, Month: time.June, Day: 9}, Profile: profile}},
	}
	requireAllSet(t, reflect.ValueOf(c), "customer")
	dir := customer.NewMemStore()
	require.NoError(t, dir.Put(ctx, c))

	r, err := privacy.Export(ctx, c.ID, privacy.Sources{Customers: dir}, now)
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	requireCarried(t, reflect.ValueOf(c), decode(t, b).(map[string]any)["record"], "record")
	for _, clear := range []string{"Hans Muster", "hans@example.com", "+49 30 1234567", "Hauptstr. 1, Berlin",
		"Max Muster", `"height_cm":181`, `"year":1970`, "notice v2", `"rating":"BBB"`, `"annual_turnover":"2500000.00 EUR"`} {
		assert.Contains(t, string(b), clear)
	}
	assert.NotContains(t, string(b), customer.Redacted)
}

// Every field of a loyalty entry reaches the document, by the snake_case
// of its Go name, and entries without a bonus kind encode (BonusKind
// encodes only a defined kind), with an empty bonus.
func TestLoyaltyJSON(t *testing.T) {
	entries := []loyalty.Entry{
		{Seq: 1, Member: "anna", Key: "join", Kind: loyalty.EntryJoin, Time: t0, Effective: t0,
			Birthday: customer.Birthday{Month: time.September, Day: 14}, Note: "joined"},
		{Seq: 2, Member: "anna", Key: "bonus:survey", Kind: loyalty.EntryBonus, Time: t0, Effective: t0,
			Points: 50, Lot: "bonus:survey", Bonus: loyalty.BonusSurvey, Note: "survey"},
	}
	a, err := loyalty.Replay(entries)
	require.NoError(t, err)
	b, err := json.Marshal(privacy.Loyalty{Account: a, Entries: entries})
	require.NoError(t, err)
	var doc struct {
		Account map[string]any   `json:"account"`
		Balance int64            `json:"balance"`
		Lots    []map[string]any `json:"lots"`
		Entries []map[string]any `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(b, &doc), "%s", b)
	assert.Equal(t, int64(50), doc.Balance)
	require.Len(t, doc.Lots, 1)
	assert.Equal(t, "bonus:survey", doc.Lots[0]["id"])
	assert.Equal(t, "anna", doc.Account["member"])
	assert.Nil(t, doc.Account["erased"], "a time not set is null")
	require.Len(t, doc.Entries, 2)
	assert.Equal(t, "", doc.Entries[0]["bonus"], "a join has no bonus kind")
	assert.Equal(t, "survey", doc.Entries[1]["bonus"])
	assert.Equal(t, "bonus", doc.Entries[1]["kind"])
	assert.Equal(t, []any{}, doc.Entries[1]["parts"], "a list is an array, never null")

	et := reflect.TypeFor[loyalty.Entry]()
	var fields []string
	for i := range et.NumField() {
		if et.Field(i).IsExported() {
			fields = append(fields, snake(et.Field(i).Name))
		}
	}
	var keys []string
	for k := range doc.Entries[1] {
		keys = append(keys, k)
	}
	slices.Sort(fields)
	slices.Sort(keys)
	assert.Equal(t, fields, keys, "every field of loyalty.Entry, and nothing else")
}

// The staff member a finding holds responsible and the measures taken
// with staff are left out of the case and of its events; the store's
// records are not changed.
func TestExportLeavesOutStaff(t *testing.T) {
	c := complaint.Case{ID: "C-1", Version: 2, State: complaint.StateCarriedOut, Priority: complaint.PriorityLow, Opened: t0, Updated: t0,
		Intake: complaint.Intake{ID: "C-1", Complainant: "anna", Channel: complaint.ChannelEmail, Received: t0,
			Subject: complaint.Subject{Kind: complaint.SubjectProduct}, Category: complaint.CategorySeams,
			Severity: complaint.SeverityLow, Currency: "EUR", Demand: complaint.Demand{Kind: complaint.ResolutionRepair},
			Description: "seam"},
		Finding: &complaint.Finding{Cause: complaint.CauseManufacturing, Responsible: complaint.PartyStore, Staff: "QC-5", Detail: "sloppy seam"},
		Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Detail: "repaired",
			Accountability: []complaint.Accountability{{Staff: "QC-5", Action: complaint.ActionPayDeduction, Deduction: money(t, "20.00", "EUR")}}},
	}
	ev := complaint.Event{Case: "C-1", Seq: 1, At: t0, Actor: complaint.Actor{ID: "H-2", Role: complaint.RoleHandler},
		To: complaint.StateInvestigated, Priority: complaint.PriorityLow,
		Command: complaint.Command{Kind: complaint.CmdInvestigate, Finding: c.Finding, Execution: c.Execution}}
	src := privacy.Sources{Complaints: caseReader{
		CasesFn:  func(context.Context, customer.ID) ([]complaint.Case, error) { return []complaint.Case{c}, nil },
		EventsFn: func(context.Context, complaint.ID) ([]complaint.Event, error) { return []complaint.Event{ev}, nil },
	}}
	r, err := privacy.Export(context.Background(), "anna", src, now)
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "QC-5")
	assert.NotContains(t, string(b), "accountability")
	assert.NotContains(t, string(b), "20.00")
	assert.Contains(t, string(b), "sloppy seam")
	assert.Contains(t, string(b), `"H-2"`, "the staff who acted on the case stay")
	assert.Equal(t, complaint.ActorID("QC-5"), c.Finding.Staff, "the store's case is unchanged")
	assert.Len(t, c.Execution.Accountability, 1)
}

// shuffled returns sources that give the records of s in reverse order.
func shuffled(s shop) privacy.Sources {
	return privacy.Sources{
		Customers: s.customers,
		History: historyFn(func(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
			var evs []customer.Event
			for e, err := range s.customers.History(ctx, id) {
				if err != nil {
					return func(yield func(customer.Event, error) bool) { yield(customer.Event{}, err) }
				}
				evs = append(evs, e)
			}
			slices.Reverse(evs)
			return func(yield func(customer.Event, error) bool) {
				for _, e := range evs {
					if !yield(e, nil) {
						return
					}
				}
			}
		}),
		Loyalty: ledgerFn(func(ctx context.Context, id customer.ID, after int64) ([]loyalty.Entry, error) {
			es, err := s.ledgers.Entries(ctx, id, after)
			slices.Reverse(es)
			return es, err
		}),
		Complaints: caseReader{
			CasesFn: func(ctx context.Context, id customer.ID) ([]complaint.Case, error) {
				cs, err := s.cases.Cases(ctx, id)
				slices.Reverse(cs)
				return cs, err
			},
			EventsFn: func(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
				evs, err := s.cases.Events(ctx, id)
				slices.Reverse(evs)
				return evs, err
			},
		},
	}
}

// The same stores give the same bytes, whatever order a store returns
// its records in.
func TestExportDeterministic(t *testing.T) {
	ctx := context.Background()
	s := newShop(t)
	desk := &complaint.Service{Store: s.cases}
	for _, id := range []complaint.ID{"C-z", "C-a"} { // same instant: ordered by ID
		_, _, err := desk.Record(ctx, complaint.Intake{ID: id, Complainant: "anna", Channel: complaint.ChannelPhone,
			Received: t0.Add(200 * time.Hour), Subject: complaint.Subject{Kind: complaint.SubjectService},
			Category: complaint.CategoryStaffAttitude, Severity: complaint.SeverityLow, Currency: "EUR",
			Demand: complaint.Demand{Kind: complaint.ResolutionApology}, Description: "rude"},
			"", complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}, t0.Add(200*time.Hour))
		require.NoError(t, err)
		_, _, err = desk.Do(ctx, id, complaint.Command{Kind: complaint.CmdAccept}, complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}, t0.Add(201*time.Hour))
		require.NoError(t, err)
	}
	for _, subject := range []string{"scarf", "hat", "boots"} {
		require.NoError(t, s.customers.AppendInteraction(ctx, customer.Interaction{CustomerID: "anna", Time: t0.Add(300 * time.Hour),
			Kind: customer.Wishlist, Subject: subject}))
	}
	encode := func(src privacy.Sources) string {
		r, err := privacy.Export(ctx, "anna", src, now)
		require.NoError(t, err)
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return string(b)
	}
	first := encode(s.sources())
	assert.Equal(t, first, encode(s.sources()))
	assert.Equal(t, first, encode(shuffled(s)))
	assert.Less(t, strings.Index(first, `"id":"C-a"`), strings.Index(first, `"id":"C-z"`))
	assert.Less(t, strings.Index(first, `"boots"`), strings.Index(first, `"hat"`))
}
