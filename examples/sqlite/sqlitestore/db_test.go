package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

var (
	ctx  = context.Background()
	day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

func open(t *testing.T, path string) *sqlitestore.DB {
	t.Helper()
	db, err := sqlitestore.Open(ctx, path, nil)
	require.NoError(t, err)
	return db
}

func coat(id string, c customer.ID, at time.Time) customer.Order {
	return customer.Order{ID: id, CustomerID: c, Time: at, Channel: customer.Store, Store: "Milano 1", Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "COAT-1", Category: "coats", Size: "M", Quantity: 2, UnitPrice: decimal.RequireFromString("199.00"),
				UnitCost: decimal.NewNullDecimal(decimal.RequireFromString("80.125")), Discount: decimal.RequireFromString("20.50")},
			{ID: "2", SKU: "SCARF-3", Category: "accessories", Quantity: 1, UnitPrice: decimal.RequireFromString("39.90")},
		}}
}

func consumer(id customer.ID) customer.Customer {
	return customer.Customer{ID: id, Kind: customer.Consumer, Name: "Ana", Region: "Berlin", Joined: day0.AddDate(-1, 0, 0),
		Contact: customer.Contact{Email: "ana@example.com"}}
}

func historyOf(t *testing.T, s *sqlitestore.Customers, id customer.ID) []customer.Event {
	t.Helper()
	var evs []customer.Event
	for e, err := range s.History(ctx, id) {
		require.NoError(t, err)
		evs = append(evs, e)
	}
	return evs
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	db := open(t, path)
	cs := db.Customers()
	want := consumer("C-1")
	want.Trade = &customer.Trade{Outlets: 2, Rating: customer.RatingA}
	require.NoError(t, cs.Put(ctx, want))
	o := coat("O-1", "C-1", day0)
	require.NoError(t, cs.AppendOrder(ctx, o))
	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: day0.Add(time.Hour), Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	require.NoError(t, cs.AppendReturn(ctx, r))
	cr := customer.Credit{ID: "CR-1", CustomerID: "C-1", OrderID: "O-1", Time: day0.Add(90 * time.Minute),
		Kind: customer.PriceReduction, Amount: money(t, "5.50", "EUR"), Source: "K-1"}
	require.NoError(t, cs.AppendCredit(ctx, cr))
	i := customer.Interaction{CustomerID: "C-1", Time: day0.Add(2 * time.Hour), Kind: customer.Wishlist, Subject: "COAT-2"}
	require.NoError(t, cs.AppendInteraction(ctx, i))
	kase, evs := complainttest.Run("K-1", day0, 4)
	for n := range evs {
		c, err := complaint.Rebuild(evs[:n+1])
		require.NoError(t, err)
		require.NoError(t, db.Complaints().Save(ctx, c, evs[n]))
	}
	svc := loyalty.NewService(loyaltytest.Programme(), db.Loyalty(), nil)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "C-1", Time: day0.AddDate(-1, 0, 0)}, day0)
	require.NoError(t, err)
	before, _, err := svc.Apply(ctx, loyalty.Purchase{Order: loyaltytest.Order("A", "C-1", 120, 5)}, day0.Add(time.Hour))
	require.NoError(t, err)
	entries, err := db.Loyalty().Entries(ctx, "C-1", 0)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db = open(t, path)
	defer db.Close()
	got, err := db.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "customer after reopening: %#v", got)
	hist := historyOf(t, db.Customers(), "C-1")
	require.Len(t, hist, 4)
	assert.True(t, hist[0].Order.Equal(o))
	assert.True(t, hist[1].Return.Equal(r))
	assert.True(t, hist[2].Credit.Equal(cr))
	assert.True(t, hist[3].Interaction.Equal(i))
	gotCase, err := db.Complaints().Get(ctx, "K-1")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(kase, gotCase))
	gotEvs, err := db.Complaints().Events(ctx, "K-1")
	require.NoError(t, err)
	assert.True(t, complainttest.SameEvents(evs, gotEvs))
	gotEntries, err := db.Loyalty().Entries(ctx, "C-1", 0)
	require.NoError(t, err)
	assert.Equal(t, entries, gotEntries, "ledger after reopening")
	after, err := loyalty.NewService(loyaltytest.Programme(), db.Loyalty(), nil).Account(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, before.Balance(), after.Balance())
}

// Every method of every store of a closed database returns an error
// matching ErrClosed; none panics.
func TestClosedDatabaseReturnsErrors(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "shop.db"))
	cs, ks, ls := db.Customers(), db.Complaints(), db.Loyalty()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, db.Close())
	require.NoError(t, db.Close(), "closing twice")

	c, ev := complainttest.Record("K-1", day0)
	_, errGet := cs.Get(ctx, "C-1")
	_, errMany := cs.GetMany(ctx, []customer.ID{"C-1"})
	_, errCase := ks.Get(ctx, "K-1")
	_, errEvents := ks.Events(ctx, "K-1")
	_, errCases := ks.Cases(ctx, "C-1")
	_, errEntries := ls.Entries(ctx, "C-1", 0)
	_, errVersion := db.SchemaVersion(ctx)
	var errList, errHistory error
	for _, err := range cs.List(ctx) {
		errList = err
	}
	for _, err := range cs.History(ctx, "C-1") {
		errHistory = err
	}
	for name, err := range map[string]error{
		"Get": errGet, "GetMany": errMany, "List": errList, "History": errHistory,
		"Put":               cs.Put(ctx, consumer("C-2")),
		"Delete":            cs.Delete(ctx, "C-1"),
		"AppendOrder":       cs.AppendOrder(ctx, coat("O-1", "C-1", day0)),
		"AppendReturn":      cs.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: day0}),
		"AppendCredit":      cs.AppendCredit(ctx, customer.Credit{ID: "CR-1", CustomerID: "C-1", Time: day0, Kind: customer.Compensation}),
		"AppendInteraction": cs.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: day0, Kind: customer.Cart}),
		"complaint Get":     errCase, "complaint Events": errEvents, "complaint Cases": errCases,
		"complaint Save":  ks.Save(ctx, c, ev),
		"loyalty Entries": errEntries,
		"loyalty Append":  ls.Append(ctx, "C-1", 0, []loyalty.Entry{{Seq: 1, Member: "C-1", Key: "k", Kind: loyalty.EntryAdjust}}),
		"SchemaVersion":   errVersion,
	} {
		assert.ErrorIs(t, err, sqlitestore.ErrClosed, name)
	}
}

// Put replaces a customer and keeps its history; Delete removes the
// history too, and frees the order IDs.
func TestPutKeepsHistoryDeleteRemovesIt(t *testing.T) {
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-1", "C-1", day0)))
	require.NoError(t, cs.AppendReturn(ctx, customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: day0.Add(time.Hour),
		Kind: customer.Exchange, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}))
	changed := consumer("C-1")
	changed.Region = "Hamburg"
	require.NoError(t, cs.Put(ctx, changed))
	assert.Len(t, historyOf(t, cs, "C-1"), 2, "history after replacing the customer")

	require.NoError(t, cs.Delete(ctx, "C-1"))
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	assert.Empty(t, historyOf(t, cs, "C-1"), "a new customer under a deleted ID has no history")
	other := coat("O-1", "C-1", day0.Add(48*time.Hour))
	require.NoError(t, cs.AppendOrder(ctx, other), "the deleted customer's order ID is free again")
}

// Amounts keep their scale and value; instants keep their nanoseconds;
// a time in another zone comes back as the same instant in UTC.
func TestRoundTripIsExact(t *testing.T) {
	db := newDB(t)
	cs := db.Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	at := time.Date(2026, 3, 2, 23, 59, 59, 123456789, time.FixedZone("CET", 3600))
	o := coat("O-1", "C-1", at)
	o.Lines[1].UnitPrice = decimal.RequireFromString("0.000000000000000000000000000001")
	o.Lines[1].Discount = decimal.RequireFromString("-0.10")
	require.NoError(t, cs.AppendOrder(ctx, o))
	hist := historyOf(t, cs, "C-1")
	require.Len(t, hist, 1)
	got := hist[0].Order
	assert.True(t, got.Time.Equal(at), "time %s, want %s", got.Time, at)
	assert.Equal(t, time.UTC, got.Time.Location())
	for i, l := range o.Lines {
		g := got.Lines[i]
		for _, pair := range [][2]decimal.Decimal{{l.UnitPrice, g.UnitPrice}, {l.Discount, g.Discount}, {l.UnitCost.Decimal, g.UnitCost.Decimal}} {
			assert.True(t, pair[0].Equal(pair[1]), "line %d: %s read back as %s", i, pair[0], pair[1])
			assert.Equal(t, pair[0].Exponent(), pair[1].Exponent(), "line %d: scale of %s", i, pair[0])
		}
		assert.Equal(t, l.UnitCost.Valid, g.UnitCost.Valid, "line %d: cost known", i)
	}

	turnover, err := customer.NewMoney("1250000.50", "EUR")
	require.NoError(t, err)
	c := consumer("C-2")
	c.Joined = time.Time{}
	c.Trade = &customer.Trade{AnnualTurnover: turnover, MarketSize: customer.Zero("JPY")}
	require.NoError(t, cs.Put(ctx, c))
	back, err := cs.Get(ctx, "C-2")
	require.NoError(t, err)
	assert.True(t, back.Equal(c))
	assert.True(t, back.Joined.IsZero())
	assert.Equal(t, "1250000.50 EUR", back.Trade.AnnualTurnover.String())
	assert.Equal(t, customer.Currency("JPY"), back.Trade.MarketSize.Currency(), "a zero amount keeps its currency")

	e := loyalty.Entry{Seq: 1, Member: "C-2", Key: "k", Kind: loyalty.EntryEarn, Time: at, Points: 12, Fingerprint: 1<<64 - 1,
		Spend: decimal.RequireFromString("12.30"),
		Lines: []loyalty.LineRecord{{LineID: "1", Quantity: 1, Net: decimal.RequireFromString("12.30"), Weight: decimal.RequireFromString("12.3000000001")}}}
	require.NoError(t, db.Loyalty().Append(ctx, "C-2", 0, []loyalty.Entry{e}))
	entries, err := db.Loyalty().Entries(ctx, "C-2", 0)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, e.Fingerprint, entries[0].Fingerprint, "a 64-bit fingerprint survives")
	assert.Equal(t, "12.30", entries[0].Spend.StringFixed(-entries[0].Spend.Exponent()))
	assert.Equal(t, "12.3000000001", entries[0].Lines[0].Weight.String())
	assert.True(t, entries[0].Time.Equal(at))
}

// What SQLite cannot hold faithfully is refused with customer.ErrInvalid,
// naming the field, and nothing is stored.
func TestUnrepresentableInputIsInvalid(t *testing.T) {
	db := newDB(t)
	cs := db.Customers()
	bad := consumer("C-1")
	bad.Kind = 99
	err := cs.Put(ctx, bad)
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("kind", customer.CodeUnknown), "%v", err)
	_, err = cs.Get(ctx, "C-1")
	assert.ErrorIs(t, err, customer.ErrNotFound)

	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	o := coat("O-1", "C-1", time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC))
	o.Channel = 200
	err = cs.AppendOrder(ctx, o)
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("channel", customer.CodeUnknown), "%v", err)
	assert.True(t, ve.Has("time", customer.CodeRange), "%v", err)
	assert.Empty(t, historyOf(t, cs, "C-1"))

	err = db.Loyalty().Append(ctx, "M", 0, []loyalty.Entry{{Seq: 2, Member: "N", Key: "k", Kind: loyalty.EntryAdjust}})
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("entries[0].seq", customer.CodeMismatch), "%v", err)
	assert.True(t, ve.Has("entries[0].member", customer.CodeMismatch), "%v", err)
	entries, err := db.Loyalty().Entries(ctx, "M", 0)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// A listing longer than a page yields every customer once, in order, and
// the consumer may write to the store while it lists.
func TestListPagesWhileWriting(t *testing.T) {
	cs := newDB(t).Customers()
	const n = 600
	for i := range n {
		require.NoError(t, cs.Put(ctx, consumer(customer.ID(fmt.Sprintf("C-%04d", i)))))
	}
	var ids []customer.ID
	for c, err := range cs.List(ctx) {
		require.NoError(t, err)
		ids = append(ids, c.ID)
		if len(ids)%100 == 0 {
			require.NoError(t, cs.Put(ctx, consumer("A-"+c.ID)))  // before the listing's position
			require.NoError(t, cs.Put(ctx, consumer(c.ID+"-zz"))) // after it
		}
	}
	assert.True(t, slices.IsSorted(ids), "List is sorted")
	assert.Len(t, slices.Compact(slices.Clone(ids)), len(ids), "each customer once")
	for i := range n {
		assert.Contains(t, ids, customer.ID(fmt.Sprintf("C-%04d", i)))
	}
}

// Two handles on one file, as two processes would have, race for one
// ledger version and one complaint version: exactly one writer wins each
// round, the others get ErrConflict; nobody gets SQLITE_BUSY.
func TestTwoHandlesOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	a, b := open(t, path), open(t, path)
	defer a.Close()
	defer b.Close()
	c, ev := complainttest.Record("K-1", day0)
	require.NoError(t, a.Complaints().Save(ctx, c, ev))
	for round := range 3 {
		const writers = 8
		var wg sync.WaitGroup
		ledgerErrs, caseErrs := make([]error, writers), make([]error, writers)
		base, err := a.Complaints().Get(ctx, "K-1")
		require.NoError(t, err)
		for w := range writers {
			db := []*sqlitestore.DB{a, b}[w%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := loyalty.Entry{Seq: int64(round) + 1, Member: "M", Key: fmt.Sprintf("r%d-w%d", round, w), Kind: loyalty.EntryAdjust, Points: 1, Time: day0}
				ledgerErrs[w] = db.Loyalty().Append(ctx, "M", int64(round), []loyalty.Entry{e})
				next, ev, err := complaint.Apply(base, complaint.Command{Kind: complaint.CmdEscalate, Reason: fmt.Sprint("writer ", w)},
					complainttest.Agent, day0.Add(time.Hour))
				if err == nil {
					err = db.Complaints().Save(ctx, next, ev)
				}
				caseErrs[w] = err
			}()
		}
		wg.Wait()
		for name, errs := range map[string][]error{"ledger": ledgerErrs, "case": caseErrs} {
			wins := 0
			for _, err := range errs {
				if err == nil {
					wins++
				} else {
					assert.True(t, errors.Is(err, loyalty.ErrConflict) || errors.Is(err, complaint.ErrConflict), "%s round %d: %v", name, round, err)
				}
			}
			assert.Equal(t, 1, wins, "%s round %d", name, round)
		}
	}
	entries, err := b.Loyalty().Entries(ctx, "M", 0)
	require.NoError(t, err)
	assert.Len(t, entries, 3)
}

// A file that is not a SQLite database, and an unusable path, fail to
// open with an error, and leave the file alone.
func TestOpenRejectsWhatIsNotADatabase(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "notes.txt")
	content := []byte("these are not the pages you are looking for, not at all, no; " +
		"SQLite wants a 100-byte header that starts with its magic string")
	require.NoError(t, os.WriteFile(junk, content, 0o600))
	_, err := sqlitestore.Open(ctx, junk, nil)
	require.Error(t, err)
	after, err := os.ReadFile(junk)
	require.NoError(t, err)
	assert.Equal(t, content, after)

	_, err = sqlitestore.Open(ctx, filepath.Join(dir, "missing", "dir", "x.db"), nil)
	assert.Error(t, err)
	_, err = sqlitestore.Open(ctx, "", nil)
	assert.Error(t, err)
}

// A path may hold any character a file name may: spaces, '?', '#', '%'.
func TestOpenPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my shop #1")
	require.NoError(t, os.Mkdir(dir, 0o700))
	path := filepath.Join(dir, "data?v=2&x=%41.db")
	db := open(t, path)
	require.NoError(t, db.Customers().Put(ctx, consumer("C-1")))
	require.NoError(t, db.Close())
	_, err := os.Stat(path)
	require.NoError(t, err, "the file has exactly the name given")
	assert.Equal(t, path, db.Path())
	db = open(t, path)
	defer db.Close()
	_, err = db.Customers().Get(ctx, "C-1")
	assert.NoError(t, err)
}

// IDs are bytes: any string, valid UTF-8 or not, is kept as given and
// listed in byte-wise order, as Go compares strings.
func TestIDsAreBytes(t *testing.T) {
	cs := newDB(t).Customers()
	ids := []customer.ID{"b", "\xff\xfe", "a\x00b", "a", "ä", "Z", "\u00e4\u0301", "a\x00"}
	for _, id := range ids {
		require.NoError(t, cs.Put(ctx, consumer(id)))
	}
	var got []customer.ID
	for c, err := range cs.List(ctx) {
		require.NoError(t, err)
		got = append(got, c.ID)
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	assert.Equal(t, want, got)
	for _, id := range ids {
		c, err := cs.Get(ctx, id)
		require.NoError(t, err, "%q", id)
		assert.Equal(t, id, c.ID)
	}
}
