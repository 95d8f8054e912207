// Package loyaltytest checks implementations of [loyalty.Store] (and of
// [loyalty.Eraser], when a store implements it): a
// caller runs [TestStore] against its own database adapter and knows it
// keeps ledgers as the loyalty package needs; a panic of the adapter
// fails the check it happens in, and the other checks still run. It also
// has [FaultStore], a wrapper that fails chosen calls, for testing what a
// fault leaves behind.
package loyaltytest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// TestStore runs the conformance tests on stores made by newStore, which
// must return a new, empty store on each call. Each subtest checks one
// sentence of the [loyalty.Store] documentation, or what [loyalty.Service]
// builds on it.
func TestStore(t *testing.T, newStore func(t *testing.T) loyalty.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, newStore func(t *testing.T) loyalty.Store)
	}{
		// An unknown member has no entries and no error.
		{"EntriesOfUnknownMemberAreEmpty", testUnknownMember},
		// What is appended comes back, field for field, in Seq order.
		{"AppendThenEntriesRoundTrips", testRoundTrip},
		// Every field of an entry comes back, also those most kinds leave zero, with nanoseconds, full decimals and integers beyond float64's.
		{"EveryFieldRoundTrips", testEveryField},
		// Entries(after) returns only the entries with Seq > after.
		{"EntriesAfterVersionReturnsOnlyLater", testEntriesAfter},
		// An append at a version other than the ledger's is ErrConflict and changes nothing.
		{"AppendAtWrongVersionIsConflict", testConflict},
		// An append with a key already in the ledger is ErrDuplicate and changes nothing, even at the right version.
		{"AppendKnownKeyIsDuplicate", testDuplicate},
		// A key twice in one batch is ErrDuplicate and nothing is appended.
		{"AppendKeyTwiceInBatchIsDuplicate", testDuplicateInBatch},
		// A batch numbered other than expected+1, expected+2, … or holding another member's entry is customer.ErrInvalid and changes nothing.
		{"AppendMisnumberedBatchIsInvalid", testMisnumbered},
		// A batch with several faults is reported by the first in the order loyalty.Store gives: a known key (ErrDuplicate), then the version (ErrConflict), then the numbering or member (customer.ErrInvalid), matching none of the later ones; by Erase too, for an Eraser; nothing changes.
		{"FaultsInContractOrder", testFaultOrder},
		// An append is all or nothing.
		{"AppendIsAllOrNothing", testAllOrNothing},
		// An append (or erasure) of no entries, and a refused one, leaves no trace: an unknown member stays unknown (Entries an empty slice, version 0), a ledger keeps its version and entries.
		{"EmptyOrRefusedAppendLeavesNoTrace", testNoTrace},
		// Ledgers of two members are independent: same keys, own versions.
		{"MembersAreIndependent", testMembersIndependent},
		// Member IDs are compared exactly: IDs differing in case or spaces are other members.
		{"MemberIDsAreExact", testMemberIDsExact},
		// Keys are compared exactly: events whose keys differ in case, accents or trailing spaces are other events, and each takes effect.
		{"KeysAreExact", testKeysExact},
		// Append does not retain the caller's slice; Entries' result is the caller's.
		{"NoSharedSlices", testNoSharedSlices},
		// Of many concurrent appends at one version, exactly one wins.
		{"ConcurrentAppendsAtOneVersionOneWins", testConcurrentOneWins},
		// Many goroutines earning and redeeming on one account, with duplicate deliveries, through a Service: no lost update, no double earn, no double spend.
		{"ConcurrentEarnersAndRedeemers", testConcurrentEarnRedeem},
		// A failed append leaves balance and lots exactly as before.
		{"FailedAppendChangesNothing", testFailedAppend},
		// An event redelivered after a fault (also one that lost its acknowledgement) takes effect exactly once.
		{"RedeliveryAfterFaultEarnsOnce", testRedeliveryAfterFault},
		// A member ID never stored that a store may not hold (a NUL byte, also right after the stored "M-1"; not UTF-8; 16 KiB) is an unknown member: Entries is empty with a nil error, and Append and Erase at version 1 are ErrConflict (ErrDuplicate for a key twice in the batch), at version 0 with no entries nil; "M-1\x00" never reads or changes M-1's ledger.
		{"OddIDsAreUnknown", testOddIDsUnknown},
		// An entry whose member, key or order ID a store may not hold is kept byte for byte (Entries gives it back under it; its key again is ErrDuplicate) or refused with a *customer.ValidationError matching customer.ErrInvalid that names the entry and the field, storing nothing; never is it stored under another ID, nor its key taken for the stored "join" or "order:A"; an entry of such a member in another member's batch is refused as any other member's entry is.
		{"OddIDsKeptOrRefused", testOddIDsKept},
		// A rapid state-machine test against a model ledger map.
		{"ModelBased", testModel},
		// A loyalty.Eraser appends an erasure and blanks the member's birthday in every stored entry at once; refused, it changes nothing; again, it is a redelivery; the entries replay to the account less the birthday. Skipped for a store that is not an Eraser.
		{"EraseBlanksBirthday", testErase},
	}
	// A store that is nil, or a nil pointer, fails each check with a
	// message that says so, rather than a panic inside it.
	made := func(t *testing.T) loyalty.Store {
		t.Helper()
		s := newStore(t)
		if v := reflect.ValueOf(s); s == nil || v.Kind() == reflect.Pointer && v.IsNil() {
			t.Fatalf("loyaltytest: newStore returned a nil store (%T): it must return a new, empty store", s)
		}
		return s
	}
	for _, tc := range tests {
		subtest.Run(t, tc.name, func(t *testing.T) { tc.run(t, made) })
	}
}

// Programme returns the small programme the kit uses: one point per euro,
// 100 points per euro redeemed, points available at once, no expiry, one
// tier.
func Programme() *loyalty.Programme {
	p, err := loyalty.Compile(loyalty.Config{
		Name:     "conformance",
		Currency: "EUR",
		Earn:     loyalty.EarnConfig{PointsPerUnit: decimal.NewFromInt(1)},
		Redeem:   loyalty.RedeemConfig{PointsPerUnit: decimal.NewFromInt(100)},
	})
	if err != nil {
		panic("loyaltytest: the kit's programme is invalid: " + err.Error())
	}
	return p
}

var epoch = time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)

// Order returns an order of one line of price euros for member, placed
// at epoch plus minute minutes.
func Order(id string, member customer.ID, price int64, minute int) customer.Order {
	return customer.Order{ID: id, CustomerID: member, Time: epoch.Add(time.Duration(minute) * time.Minute),
		Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "SKU-" + id, Category: "coats", Quantity: 1, UnitPrice: decimal.NewFromInt(price)}}}
}

// ledger returns the real entries of a small history of member: join,
// two purchases (the second with coupons), a redemption paying for the
// second, a partial return of it that gives back part of the points,
// a price reduction, and a birthday change (a second entry holding a
// birthday, which an Eraser must blank too).
func ledger(t *testing.T, member customer.ID) []loyalty.Entry {
	t.Helper()
	p := Programme()
	var a loyalty.Account
	var all []loyalty.Entry
	o2 := Order("B", member, 40, 2)
	o2.Lines = append(o2.Lines, customer.Line{ID: "2", SKU: "SCARF", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("19.95")})
	for _, e := range []loyalty.Event{
		loyalty.Join{Member: member, Birthday: customer.Birthday{Month: time.May, Day: 4}, Time: epoch},
		loyalty.Purchase{Order: Order("A", member, 120, 1)},
		loyalty.Purchase{Order: o2, Coupons: []loyalty.CouponUse{{Code: "WELCOME", Limit: 1}, {Code: "WINTER-Ä", Limit: 0}}},
		loyalty.Redemption{Member: member, ID: "R", Points: 150, Time: epoch.Add(3 * time.Minute), Order: "B"},
		loyalty.Returned{Return: customer.Return{ID: "X", OrderID: "B", CustomerID: member, Time: epoch.Add(4 * time.Minute),
			Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}},
		loyalty.Credited{Credit: customer.Credit{ID: "K", CustomerID: member, OrderID: "A", Time: epoch.Add(5 * time.Minute),
			Kind: customer.PriceReduction, Amount: eur("30.00")}},
		loyalty.BirthdayChanged{Member: member, ID: "BD", Birthday: customer.Birthday{Year: 1990, Month: time.May, Day: 14}, Time: epoch.Add(6 * time.Minute)},
	} {
		next, entries, err := p.Apply(a, e, epoch.Add(time.Hour))
		require.NoError(t, err)
		a, all = next, append(all, entries...)
	}
	return all
}

var ctx = context.Background()

func eur(amount string) customer.Money {
	m, err := customer.NewMoney(amount, "EUR")
	if err != nil {
		panic(err)
	}
	return m
}

func entries(t *testing.T, s loyalty.Store, member customer.ID, after int64) []loyalty.Entry {
	t.Helper()
	got, err := s.Entries(ctx, member, after)
	require.NoError(t, err)
	return got
}

// sameEntries compares entries field by field, times with Equal and
// decimals by value, so an adapter may change locations and scales. It
// reports every field that differs, of every entry.
func sameEntries(t *testing.T, want, got []loyalty.Entry) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		for _, d := range entryDiff(want[i], got[i]) {
			assert.Fail(t, "entry differs", "entry %d (seq %d, key %q): %s", i, want[i].Seq, want[i].Key, d)
		}
	}
}

// entryField is one field of an [loyalty.Entry] in the form the kit
// compares: times as UTC instants, decimals by value.
type entryField struct{ name, value string }

func entryFields(e loyalty.Entry) []entryField {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "0"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	d := func(x decimal.Decimal) string { return x.String() }
	f := []entryField{
		{"Seq", fmt.Sprint(e.Seq)}, {"Member", string(e.Member)}, {"Key", e.Key},
		{"Fingerprint", fmt.Sprintf("%#x", e.Fingerprint)}, {"Kind", e.Kind.String()},
		{"Time", ts(e.Time)}, {"Effective", ts(e.Effective)}, {"Points", fmt.Sprint(e.Points)},
		{"Lot", e.Lot}, {"AvailableAt", ts(e.AvailableAt)}, {"ExpiresAt", ts(e.ExpiresAt)},
		{"Debt", fmt.Sprint(e.Debt)}, {"Forgiven", fmt.Sprint(e.Forgiven)}, {"OrderID", e.OrderID},
		{"Spend", d(e.Spend)}, {"Qualifying", fmt.Sprint(e.Qualifying)}, {"Bonus", e.Bonus.String()},
		{"Year", fmt.Sprint(e.Year)}, {"Reason", e.Reason}, {"Operator", e.Operator},
		{"From", fmt.Sprint(e.From)}, {"To", fmt.Sprint(e.To)}, {"TierName", e.TierName},
		{"NextReview", ts(e.NextReview)}, {"GraceUntil", ts(e.GraceUntil)},
		// The fields, not the Birthday's own (redacted) text form.
		{"Birthday", fmt.Sprintf("%04d-%02d-%02d", e.Birthday.Year, int(e.Birthday.Month), e.Birthday.Day)},
		{"Note", e.Note},
	}
	parts := ""
	for _, p := range e.Parts {
		parts += fmt.Sprintf(" (%s,%d)", p.Lot, p.Points)
	}
	lines := ""
	for _, l := range e.Lines {
		lines += fmt.Sprintf(" (%s,%d,%s,%s)", l.LineID, l.Quantity, d(l.Net), d(l.Weight))
	}
	coupons := ""
	for _, c := range e.Coupons {
		coupons += fmt.Sprintf(" %q", c)
	}
	return append(f, entryField{"Parts", parts}, entryField{"Lines", lines}, entryField{"Coupons", coupons})
}

// entryDiff describes each field in which got differs from want, or
// returns nil.
func entryDiff(want, got loyalty.Entry) []string {
	w, g := entryFields(want), entryFields(got)
	var out []string
	for i := range w {
		switch {
		case w[i].value == g[i].value:
		case w[i].name == "Birthday": // personal data: named, not printed
			out = append(out, "Birthday differs")
		default:
			out = append(out, fmt.Sprintf("%s = %q, want %q", w[i].name, g[i].value, w[i].value))
		}
	}
	return out
}

func norm(e loyalty.Entry) string {
	s := ""
	for _, f := range entryFields(e) {
		s += f.name + "=" + f.value + " "
	}
	return s
}

func testUnknownMember(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	for _, after := range []int64{0, 5} {
		got := entries(t, s, "nobody", after)
		assert.Empty(t, got, "Entries(unknown member, %d)", after)
		assert.NotNil(t, got, "Entries(unknown member, %d) returned a nil slice, want an empty slice", after)
	}
}

func testRoundTrip(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:2]))
	require.NoError(t, s.Append(ctx, "M1", 2, all[2:]))
	sameEntries(t, all, entries(t, s, "M1", 0))
	got := entries(t, s, "M1", 0)
	a, err := loyalty.Replay(got)
	require.NoError(t, err, "stored entries replay")
	want, _ := loyalty.Replay(all)
	assert.Equal(t, want.Balance(), a.Balance())
	assert.Equal(t, want.Lots(), a.Lots())
}

func testEntriesAfter(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all))
	for after := 0; after <= len(all); after++ {
		sameEntries(t, all[after:], entries(t, s, "M1", int64(after)))
	}
	assert.Empty(t, entries(t, s, "M1", int64(len(all)+3)))
}

func testConflict(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:3]))
	for _, v := range []int64{0, 2, 4} {
		batch := renumber(all[3:4], v)
		err := s.Append(ctx, "M1", v, batch)
		require.ErrorIs(t, err, loyalty.ErrConflict, "append at version %d of a ledger at 3", v)
	}
	for _, v := range []int64{0, 2, 4} {
		assert.ErrorIs(t, s.Append(ctx, "M1", v, nil), loyalty.ErrConflict, "append of an empty batch at version %d of a ledger at 3", v)
	}
	assert.ErrorIs(t, s.Append(ctx, "M2", 1, nil), loyalty.ErrConflict, "append of an empty batch at version 1 of an unknown member")
	assert.NoError(t, s.Append(ctx, "M1", 3, nil), "append of an empty batch at the ledger's version")
	sameEntries(t, all[:3], entries(t, s, "M1", 0))
	assert.Empty(t, entries(t, s, "M2", 0))
}

// renumber returns a copy of entries numbered from after+1.
func renumber(entries []loyalty.Entry, after int64) []loyalty.Entry {
	out := make([]loyalty.Entry, len(entries))
	for i, e := range entries {
		e.Seq = after + int64(i) + 1
		out[i] = e
	}
	return out
}

func testDuplicate(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:3]))
	dup := renumber(all[1:2], 3)
	require.ErrorIs(t, s.Append(ctx, "M1", 3, dup), loyalty.ErrDuplicate, "right version, known key")
	dup = renumber(all[1:2], 1)
	require.ErrorIs(t, s.Append(ctx, "M1", 1, dup), loyalty.ErrDuplicate, "a known key wins over a stale version")
	sameEntries(t, all[:3], entries(t, s, "M1", 0))
}

func testDuplicateInBatch(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	batch := renumber([]loyalty.Entry{all[0], all[1], all[1]}, 0)
	require.ErrorIs(t, s.Append(ctx, "M1", 0, batch), loyalty.ErrDuplicate)
	assert.Empty(t, entries(t, s, "M1", 0))
}

func testMisnumbered(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:2]))
	gap := renumber(all[2:4], 2)
	gap[1].Seq++
	require.ErrorIs(t, s.Append(ctx, "M1", 2, gap), customer.ErrInvalid, "seqs 3, 5")
	stale := renumber(all[2:4], 1)
	require.ErrorIs(t, s.Append(ctx, "M1", 2, stale), customer.ErrInvalid, "seqs 2, 3 at version 2")
	foreign := renumber(all[2:4], 2)
	foreign[0].Member = "M2"
	require.ErrorIs(t, s.Append(ctx, "M1", 2, foreign), customer.ErrInvalid, "an entry of member M2")
	sameEntries(t, all[:2], entries(t, s, "M1", 0))
	assert.Empty(t, entries(t, s, "M2", 0))
	require.NoError(t, s.Append(ctx, "M1", 2, renumber(all[2:4], 2)), "the ledger still accepts the right batch")
}

// faultErrs are the errors of a refused append, in the order in which
// [loyalty.Store] reports them when a batch has several faults.
var faultErrs = []error{loyalty.ErrDuplicate, loyalty.ErrConflict, customer.ErrInvalid}

// faultOrder returns "" when err matches want and none of the other
// errors of faultErrs, and otherwise what is wrong with it: a store
// reports the first fault of a batch in the contract's order, and not
// also one after it, which a caller testing for that one first would
// act on.
func faultOrder(err, want error) string {
	if !errors.Is(err, want) {
		return fmt.Sprintf("got %v, want an error matching %v", err, want)
	}
	for _, other := range faultErrs {
		if other != want && errors.Is(err, other) {
			return fmt.Sprintf("got %v, matching %v as well as %v: report the first fault only", err, other, want)
		}
	}
	return ""
}

// testFaultOrder sends batches with two or three faults each, through
// Append and, on an Eraser, through Erase, and checks that the store
// reports the one loyalty.Store puts first: a known key, or one twice
// in the batch (ErrDuplicate), before a version other than the
// ledger's (ErrConflict), before an entry misnumbered or of another
// member (customer.ErrInvalid).
func testFaultOrder(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	type write struct {
		name string
		call func(s loyalty.Store, member customer.ID, expected int64, entries []loyalty.Entry) error
	}
	writes := []write{{"Append", func(s loyalty.Store, member customer.ID, expected int64, entries []loyalty.Entry) error {
		return s.Append(ctx, member, expected, entries)
	}}}
	if _, ok := newStore(t).(loyalty.Eraser); ok {
		writes = append(writes, write{"Erase", func(s loyalty.Store, member customer.ID, expected int64, entries []loyalty.Entry) error {
			return s.(loyalty.Eraser).Erase(ctx, member, expected, entries)
		}})
	}
	all := ledger(t, "M1")
	// with returns a copy of entries numbered from after+1 for member,
	// changed by change.
	with := func(member customer.ID, after int64, entries []loyalty.Entry, change func([]loyalty.Entry)) []loyalty.Entry {
		out := renumber(entries, after)
		for i := range out {
			out[i].Member = member
		}
		if change != nil {
			change(out)
		}
		return out
	}
	misnumber := func(es []loyalty.Entry) { es[len(es)-1].Seq += 5 }
	foreign := func(es []loyalty.Entry) { es[0].Member = "M2" }
	fresh, known := all[3:5], all[1]
	// The ledger of M1 holds all[:3], at version 3; M3 has none.
	cases := []struct {
		name     string
		member   customer.ID
		expected int64
		batch    []loyalty.Entry
		want     error
	}{
		{"known key at a stale version", "M1", 1, with("M1", 1, []loyalty.Entry{known}, nil), loyalty.ErrDuplicate},
		{"known key, misnumbered", "M1", 3, with("M1", 3, []loyalty.Entry{fresh[0], known}, misnumber), loyalty.ErrDuplicate},
		{"known key, another member's entry", "M1", 3, with("M1", 3, []loyalty.Entry{fresh[0], known}, foreign), loyalty.ErrDuplicate},
		{"known key at a stale version, misnumbered", "M1", 2, with("M1", 2, []loyalty.Entry{known, fresh[0]}, misnumber), loyalty.ErrDuplicate},
		{"known key at a later version, numbered from 0", "M1", 7, with("M1", 0, []loyalty.Entry{fresh[0], known}, nil), loyalty.ErrDuplicate},
		{"key twice in the batch at a stale version, misnumbered", "M1", 1, with("M1", 1, []loyalty.Entry{fresh[0], fresh[0]}, misnumber), loyalty.ErrDuplicate},
		{"key twice in the batch, another member's entry", "M1", 3, with("M1", 3, []loyalty.Entry{fresh[0], fresh[0]}, foreign), loyalty.ErrDuplicate},
		{"key twice in the batch of an unknown member at version 2", "M3", 2, with("M3", 0, []loyalty.Entry{fresh[0], fresh[0]}, nil), loyalty.ErrDuplicate},
		{"stale version, numbered for the ledger's version", "M1", 1, with("M1", 3, fresh, nil), loyalty.ErrConflict},
		{"stale version, misnumbered", "M1", 2, with("M1", 2, fresh, misnumber), loyalty.ErrConflict},
		{"stale version, another member's entry", "M1", 1, with("M1", 1, fresh, foreign), loyalty.ErrConflict},
		{"later version, numbered for the ledger's version", "M1", 5, with("M1", 3, fresh, nil), loyalty.ErrConflict},
		{"unknown member at version 1, numbered from 1", "M3", 1, with("M3", 0, fresh, nil), loyalty.ErrConflict},
		{"unknown member at version 2, another member's entry", "M3", 2, with("M3", 2, fresh, foreign), loyalty.ErrConflict},
		{"right version, misnumbered", "M1", 3, with("M1", 3, fresh, misnumber), customer.ErrInvalid},
		{"right version, another member's entry", "M1", 3, with("M1", 3, fresh, foreign), customer.ErrInvalid},
	}
	for _, w := range writes {
		subtest.Run(t, w.name, func(t *testing.T) {
			s := newStore(t)
			require.NoError(t, s.Append(ctx, "M1", 0, all[:3]))
			for _, c := range cases {
				err := w.call(s, c.member, c.expected, c.batch)
				if msg := faultOrder(err, c.want); msg != "" {
					assert.Fail(t, "fault reported out of the contract's order", "%s of member %q at version %d (%s): %s",
						w.name, c.member, c.expected, c.name, msg)
				}
			}
			// Refused, every batch changed nothing: the birthday of the
			// join is still stored, also after a refused Erase.
			sameEntries(t, all[:3], entries(t, s, "M1", 0))
			for _, m := range []customer.ID{"M2", "M3"} {
				assert.Empty(t, entries(t, s, m, 0), "entries of member %q after refused writes", m)
			}
			require.NoError(t, w.call(s, "M1", 3, with("M1", 3, fresh, nil)), "the ledger still accepts the right batch")
		})
	}
}

func testAllOrNothing(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:2]))
	batch := renumber([]loyalty.Entry{all[2], all[3], all[0]}, 2) // the last one's key is known
	require.ErrorIs(t, s.Append(ctx, "M1", 2, batch), loyalty.ErrDuplicate)
	sameEntries(t, all[:2], entries(t, s, "M1", 0))
	require.NoError(t, s.Append(ctx, "M1", 2, all[2:]), "the ledger still accepts the right batch")
	sameEntries(t, all, entries(t, s, "M1", 0))
}

func testNoTrace(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	er, eraser := s.(loyalty.Eraser)
	all := ledger(t, "M1")
	unknown := func(what string) {
		t.Helper()
		got := entries(t, s, "M1", 0)
		assert.Empty(t, got, "Entries after %s", what)
		assert.NotNil(t, got, "Entries after %s returned a nil slice: the member is unknown, its entries an empty slice", what)
		assert.ErrorIs(t, s.Append(ctx, "M1", 1, nil), loyalty.ErrConflict, "append of nothing at version 1 after %s: the version is 0", what)
	}
	foreign := renumber(all[:1], 0)
	foreign[0].Member = "M2"
	type attempt struct {
		what    string
		call    func() error
		wantErr error
	}
	calls := []attempt{
		{"an append of nil", func() error { return s.Append(ctx, "M1", 0, nil) }, nil},
		{"an append of an empty slice", func() error { return s.Append(ctx, "M1", 0, []loyalty.Entry{}) }, nil},
		{"an append of nothing at version 2", func() error { return s.Append(ctx, "M1", 2, nil) }, loyalty.ErrConflict},
		{"an append at version 1", func() error { return s.Append(ctx, "M1", 1, renumber(all[:2], 1)) }, loyalty.ErrConflict},
		{"an append of a key twice", func() error {
			return s.Append(ctx, "M1", 0, renumber([]loyalty.Entry{all[0], all[0]}, 0))
		}, loyalty.ErrDuplicate},
		{"a misnumbered append", func() error { return s.Append(ctx, "M1", 0, renumber(all[:2], 1)) }, customer.ErrInvalid},
		{"an append of another member's entry", func() error { return s.Append(ctx, "M1", 0, foreign) }, customer.ErrInvalid},
	}
	if eraser {
		calls = append(calls,
			attempt{"an erasure of nothing", func() error { return er.Erase(ctx, "M1", 0, nil) }, nil},
			attempt{"an erasure at version 1", func() error { return er.Erase(ctx, "M1", 1, renumber(all[:1], 1)) }, loyalty.ErrConflict})
	}
	for _, c := range calls {
		err := c.call()
		if c.wantErr == nil {
			assert.NoError(t, err, c.what)
		} else {
			assert.ErrorIs(t, err, c.wantErr, c.what)
		}
		unknown(c.what)
	}
	require.NoError(t, s.Append(ctx, "M1", 0, all[:3]), "the first append after them, at version 0")
	for _, v := range []int64{3, 3} {
		assert.NoError(t, s.Append(ctx, "M1", v, nil), "append of nothing at the ledger's version %d", v)
	}
	assert.ErrorIs(t, s.Append(ctx, "M1", 4, nil), loyalty.ErrConflict, "append of nothing at version 4 after appends of nothing: the version is 3")
	assert.ErrorIs(t, s.Append(ctx, "M1", 3, renumber(all[:1], 3)), loyalty.ErrDuplicate)
	require.NoError(t, s.Append(ctx, "M1", 3, all[3:]), "the append at the ledger's version after appends of nothing and a refused one")
	sameEntries(t, all, entries(t, s, "M1", 0))
	got := entries(t, s, "M2", 0)
	assert.Empty(t, got, "the member of a foreign entry in a refused batch")
	assert.NotNil(t, got, "Entries of the member of a foreign entry in a refused batch returned a nil slice")
}

func testMembersIndependent(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	a, b := ledger(t, "MA"), ledger(t, "MB")
	require.NoError(t, s.Append(ctx, "MA", 0, a))
	require.NoError(t, s.Append(ctx, "MB", 0, b[:2]), "same keys, other member, own version")
	sameEntries(t, a, entries(t, s, "MA", 0))
	sameEntries(t, b[:2], entries(t, s, "MB", 0))
}

func testMemberIDsExact(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:2]))
	others := []customer.ID{"m1", "M1 ", " M1", "M"}
	for _, other := range others {
		got := entries(t, s, other, 0)
		assert.Empty(t, got, "Entries(%q) after appends to member \"M1\" returned %d entries: member IDs differing in case or spaces are other members", other, len(got))
	}
	for _, other := range others {
		batch := renumber(all[:1], 0)
		batch[0].Member = other
		assert.NoError(t, s.Append(ctx, other, 0, batch), "first append to member %q, beside member \"M1\" at version 2", other)
	}
	sameEntries(t, all[:2], entries(t, s, "M1", 0))
	for _, other := range others {
		want := renumber(all[:1], 0)
		want[0].Member = other
		got := entries(t, s, other, 0)
		if assert.Len(t, got, 1, "entries of member %q", other) {
			for _, d := range entryDiff(want[0], got[0]) {
				assert.Fail(t, "entry differs", "member %q, entry 0: %s", other, d)
			}
		}
	}
}

// testKeysExact records, through a Service, orders whose IDs, and so
// whose idempotency keys, differ only in case, accents or trailing
// spaces: a store whose key column folds them (a case- or
// accent-insensitive collation, one that pads with spaces) takes the
// later ones for redeliveries, and their points are lost without an
// error the caller would look at.
func testKeysExact(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	svc := loyalty.NewService(Programme(), s, nil)
	now := epoch.Add(time.Hour)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: epoch}, now)
	require.NoError(t, err)
	ids := []string{"ord-a", "ORD-A", "Ord-a", "ord-a ", "ord-ä", "ord-A"}
	for i, id := range ids {
		_, _, err := svc.Apply(ctx, loyalty.Purchase{Order: Order(id, "M1", int64(10+i), i+1)}, now)
		assert.NoError(t, err, "purchase of order %q beside orders %q: keys differing in case, accents or trailing spaces are other keys", id, ids[:i])
	}
	var keys []string
	var balance loyalty.Points
	for _, e := range entries(t, s, "M1", 0) {
		keys = append(keys, e.Key)
		balance += e.Points
	}
	want := []string{"join"}
	var points loyalty.Points
	for i, id := range ids {
		want = append(want, "order:"+id)
		points += loyalty.Points(10 + i)
	}
	assert.Equal(t, want, keys, "stored keys")
	assert.Equal(t, points, balance, "every order earned")
	_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: Order("ORD-A", "M1", 11, 2)}, now)
	assert.ErrorIs(t, err, loyalty.ErrDuplicate, "a redelivery with the very same key")
}

// rareEntries returns entries of member numbered from 1 that set the
// fields most entries leave zero, with values a lossy adapter changes:
// nanoseconds, zones other than UTC, decimals of many places, integers
// beyond float64's 53 bits, a fingerprint with the top bit set, a
// birthday with a year, text beyond ASCII, the newest kind, reopen,
// which an adapter that keeps kinds by name must know, a tier entry
// that names an order, as the revocation of a tier by a refund does
// ([loyalty.TierConfig] RevokeDays), and join, tier and review entries
// that name their tiers ([loyalty.Entry].TierName).
func rareEntries(member customer.ID) []loyalty.Entry {
	ist := time.FixedZone("UTC+5:30", 5*3600+1800)
	west := time.FixedZone("UTC-3", -3*3600)
	at := func(minute int, nanos int) time.Time {
		return epoch.Add(time.Duration(minute)*time.Minute + time.Duration(nanos))
	}
	d := decimal.RequireFromString
	es := []loyalty.Entry{
		{Kind: loyalty.EntryJoin, Time: at(0, 123456789).In(ist), Effective: at(0, 1),
			Birthday:   customer.Birthday{Year: 1988, Month: time.February, Day: 29},
			NextReview: at(60*24*365, 999999999).In(west), GraceUntil: at(60*24*400, 7), Fingerprint: 0xfedcba9876543210,
			TierName: "Mitglied", Note: "beigetreten – Stufe “Mitglied” ✓"},
		{Kind: loyalty.EntryEarn, Time: at(1, 500), Effective: at(1, 1).In(west), Points: 83, Lot: "order:Ä-1",
			AvailableAt: at(60*24*30, 42).In(ist), ExpiresAt: at(60*24*730, 999), OrderID: "Ä-1",
			Spend: d("1234.5678"), Qualifying: 83, Fingerprint: 1, Coupons: []string{"WELCOME", "WINTER-Ä"},
			Lines: []loyalty.LineRecord{
				{LineID: "1", Quantity: 3, Net: d("33.333"), Weight: d("49.99950000000001")},
				{LineID: "2", Quantity: 1, Net: d("0.01"), Weight: d("0.015")},
			}},
		{Kind: loyalty.EntryBonus, Time: at(2, 1), Effective: at(2, 1), Points: 50, Lot: "birthday:2026", AvailableAt: at(2, 1),
			Bonus: loyalty.BonusBirthday, Year: 2026, Fingerprint: 1 << 63},
		{Kind: loyalty.EntryClawback, Time: at(3, 3), Effective: at(3, 3), Points: -20, OrderID: "Ä-1",
			Parts: []loyalty.LotPart{{Lot: "order:Ä-1", Points: 13}, {Lot: "birthday:2026", Points: 7}},
			Debt:  7, Forgiven: 3, Spend: d("-11.1111"), Qualifying: -16, Coupons: []string{"WELCOME", "WINTER-Ä"},
			Lines: []loyalty.LineRecord{{LineID: "1", Quantity: 1, Net: d("11.1111"), Weight: d("16.66665")}}},
		{Kind: loyalty.EntryAdjust, Time: at(4, 4), Effective: at(4, 4), Points: 1<<53 + 1, Lot: "adjust:5",
			AvailableAt: at(4, 4), Reason: "migration from the old card system", Operator: "ops-7"},
		{Kind: loyalty.EntryTier, Time: at(5, 5), Effective: at(5, 5), From: 0, To: 2, TierName: "Gold ★",
			NextReview: at(60*24*365, 5), GraceUntil: at(60*24*500, 5)},
		{Kind: loyalty.EntryRepay, Time: at(6, 6), Effective: at(6, 6), Debt: -7,
			Parts: []loyalty.LotPart{{Lot: "adjust:5", Points: 7}}},
		{Kind: loyalty.EntryReview, Time: at(7, 7), Effective: at(7, 7), From: 2, To: 1, TierName: "Silber", GraceUntil: at(60*24*90, 77)},
		{Kind: loyalty.EntryReopen, Time: at(8, 8), Effective: at(5, 8), Points: 4, Lot: "reopen:R-1", AvailableAt: at(5, 8),
			ExpiresAt: at(6, 8), Parts: []loyalty.LotPart{{Lot: "order:Ä-1", Points: 4}}},
		{Kind: loyalty.EntryTier, Time: at(9, 9), Effective: at(9, 9), From: 1, To: 0, OrderID: "Ä-1",
			NextReview: at(60*24*365, 5), GraceUntil: at(60*24*90, 77),
			Note: "refund \"X-Ä\" of order \"Ä-1\": silver revoked"},
	}
	for i := range es {
		es[i].Seq, es[i].Member, es[i].Key = int64(i+1), member, fmt.Sprintf("rare:%d", i+1)
	}
	es[len(es)-1].Key = "revoke:X-Ä"
	return es
}

func testEveryField(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := rareEntries("M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:1]))
	require.NoError(t, s.Append(ctx, "M1", 1, all[1:]))
	sameEntries(t, all, entries(t, s, "M1", 0))
	sameEntries(t, all[4:], entries(t, s, "M1", 4))
}

func testNoSharedSlices(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	batch := append([]loyalty.Entry(nil), all...)
	for i := range batch { // the caller's own Parts, Lines and Coupons
		batch[i].Parts, batch[i].Lines = slices.Clone(batch[i].Parts), slices.Clone(batch[i].Lines)
		batch[i].Coupons = slices.Clone(batch[i].Coupons)
	}
	require.NoError(t, s.Append(ctx, "M1", 0, batch))
	// changeParts changes the lots, lines and coupons that es hold in place.
	changeParts := func(es []loyalty.Entry) (n int) {
		for i := range es {
			for j := range es[i].Parts {
				es[i].Parts[j] = loyalty.LotPart{Lot: "changed", Points: 999}
				n++
			}
			for j := range es[i].Lines {
				es[i].Lines[j].LineID, es[i].Lines[j].Quantity = "changed", 999
				n++
			}
			for j := range es[i].Coupons {
				es[i].Coupons[j] = "changed"
				n++
			}
		}
		return n
	}
	for i := range batch {
		batch[i].Key, batch[i].Points = "changed", 999
	}
	require.Positive(t, changeParts(batch), "the kit's ledger has parts and lines")
	got := entries(t, s, "M1", 0)
	sameEntries(t, all, got)
	got[0].Key = "changed too"
	changeParts(got)
	sameEntries(t, all, entries(t, s, "M1", 0))
}

func testConcurrentOneWins(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M1")
	require.NoError(t, s.Append(ctx, "M1", 0, all[:1]))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := all[1]
			e.Key = fmt.Sprintf("writer-%d", g)
			errs[g] = s.Append(ctx, "M1", 1, []loyalty.Entry{e})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			assert.ErrorIs(t, err, loyalty.ErrConflict)
		}
	}
	assert.Equal(t, 1, won)
	assert.Len(t, entries(t, s, "M1", 0), 2)
}

func testConcurrentEarnRedeem(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	p := Programme()
	svc := loyalty.NewService(p, s, &loyalty.ServiceOptions{Retries: 10000})
	now := epoch.Add(24 * time.Hour)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: epoch}, now)
	require.NoError(t, err)
	const (
		workers = 8
		orders  = 40 // each order is delivered by two workers
		price   = 30
	)
	var (
		mu       sync.Mutex
		earned   = map[string]int{}
		redeemed loyalty.Points
	)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for k := range orders {
				if k%workers != w && (k+1)%workers != w {
					continue
				}
				id := fmt.Sprintf("O%d", k)
				_, _, err := svc.Apply(ctx, loyalty.Purchase{Order: Order(id, "M1", price, k)}, now)
				mu.Lock()
				switch {
				case err == nil:
					earned[id]++
				case !errors.Is(err, loyalty.ErrDuplicate):
					t.Errorf("purchase %s: %v", id, err)
				}
				mu.Unlock()
				pts := loyalty.Points(5 + r.IntN(20))
				rid := fmt.Sprintf("R%d-%d", w, k)
				for range 2 { // the redemption is delivered twice
					_, _, err := svc.Apply(ctx, loyalty.Redemption{Member: "M1", ID: rid, Points: pts, Time: now}, now)
					mu.Lock()
					switch {
					case err == nil:
						redeemed += pts
					case errors.Is(err, loyalty.ErrDuplicate), errors.Is(err, loyalty.ErrInsufficient):
					default:
						t.Errorf("redeem %s: %v", rid, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	stored := entries(t, s, "M1", 0)
	a, err := loyalty.Replay(stored)
	require.NoError(t, err)
	var sum loyalty.Points
	earns, redeems := 0, loyalty.Points(0)
	for _, e := range stored {
		sum += e.Points
		if e.Kind == loyalty.EntryEarn {
			earns++
		}
		if e.Kind == loyalty.EntryRedeem {
			redeems -= e.Points
		}
	}
	assert.Len(t, earned, orders, "every order earned")
	for id, n := range earned {
		assert.Equal(t, 1, n, "order %s earned once", id)
	}
	assert.Equal(t, orders, earns, "one earn entry per order")
	assert.Equal(t, redeemed, redeems, "every successful redemption is stored once, none lost")
	assert.Equal(t, sum, a.Balance(), "balance = sum of entries")
	assert.Equal(t, loyalty.Points(orders*price)-redeemed, a.Balance())
	assert.GreaterOrEqual(t, a.Available, loyalty.Points(0))
	assert.Equal(t, loyalty.Points(0), a.Debt)
}

func snapshot(t *testing.T, s loyalty.Store, member customer.ID) loyalty.Account {
	t.Helper()
	a, err := loyalty.Replay(entries(t, s, member, 0))
	require.NoError(t, err)
	return a
}

func testFailedAppend(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	for _, every := range []int{1, 2, 3} {
		subtest.Run(t, fmt.Sprintf("every%d", every), func(t *testing.T) {
			inner := newStore(t)
			f := &FaultStore{Store: inner}
			svc := loyalty.NewService(Programme(), f, &loyalty.ServiceOptions{NoCache: true})
			now := epoch.Add(time.Hour)
			_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: epoch}, now)
			require.NoError(t, err)
			_, _, err = svc.Apply(ctx, loyalty.Purchase{Order: Order("A", "M1", 80, 1)}, now)
			require.NoError(t, err)
			f.mu.Lock()
			f.FailAppend = Fault{Every: every}
			f.appendCalls = 0
			f.mu.Unlock()
			for k := range 6 {
				before := snapshot(t, inner, "M1")
				var e loyalty.Event = loyalty.Purchase{Order: Order(fmt.Sprintf("B%d", k), "M1", 10, 10+k)}
				if k%2 == 1 {
					e = loyalty.Redemption{Member: "M1", ID: fmt.Sprint(k), Points: 7, Time: now}
				}
				_, _, err := svc.Apply(ctx, e, now)
				after := snapshot(t, inner, "M1")
				if err != nil {
					require.ErrorIs(t, err, ErrInjected)
					assert.Equal(t, before.Version, after.Version, "a failed append adds nothing")
					assert.Equal(t, before.Balance(), after.Balance())
					assert.Equal(t, before.Available, after.Available)
					assert.Equal(t, before.Lots(), after.Lots())
				} else {
					assert.Greater(t, after.Version, before.Version)
				}
			}
			n, _ := f.Injected()
			assert.Positive(t, n)
		})
	}
}

func testRedeliveryAfterFault(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	for _, afterWrite := range []bool{false, true} {
		subtest.Run(t, fmt.Sprintf("afterWrite=%v", afterWrite), func(t *testing.T) {
			inner := newStore(t)
			f := &FaultStore{Store: inner}
			svc := loyalty.NewService(Programme(), f, nil)
			now := epoch.Add(time.Hour)
			_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: epoch}, now)
			require.NoError(t, err)
			f.mu.Lock()
			f.FailAppend = Fault{Call: f.appendCalls + 1, AfterWrite: afterWrite}
			f.mu.Unlock()
			buy := loyalty.Purchase{Order: Order("A", "M1", 75, 1)}
			_, _, err = svc.Apply(ctx, buy, now)
			require.ErrorIs(t, err, ErrInjected)
			_, _, err = svc.Apply(ctx, buy, now) // the caller redelivers
			if afterWrite {
				require.ErrorIs(t, err, loyalty.ErrDuplicate, "the first delivery was written")
			} else {
				require.NoError(t, err)
			}
			_, _, err = svc.Apply(ctx, buy, now) // and once more
			require.ErrorIs(t, err, loyalty.ErrDuplicate)
			a := snapshot(t, inner, "M1")
			assert.Equal(t, loyalty.Points(75), a.Balance(), "earned exactly once")
			earned, _, ok := a.OrderPoints("A")
			assert.True(t, ok)
			assert.Equal(t, loyalty.Points(75), earned)
		})
	}
}

// storeModel is the model of a store: each member's entries.
type storeModel map[customer.ID][]loyalty.Entry

func testModel(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	members := []customer.ID{"M1", "M2"}
	keys := []string{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"}
	rapid.Check(t, func(rt *rapid.T) {
		s := newStore(t)
		model := storeModel{}
		hasKey := func(m customer.ID, k string) bool {
			for _, e := range model[m] {
				if e.Key == k {
					return true
				}
			}
			return false
		}
		rt.Repeat(map[string]func(*rapid.T){
			"Append": func(rt *rapid.T) {
				m := rapid.SampledFrom(members).Draw(rt, "member")
				version := int64(len(model[m]))
				expected := version + int64(rapid.IntRange(-1, 1).Draw(rt, "skew"))
				n := rapid.IntRange(1, 3).Draw(rt, "n")
				batch := make([]loyalty.Entry, n)
				dup := false
				seen := map[string]bool{}
				for i := range batch {
					k := rapid.SampledFrom(keys).Draw(rt, "key")
					dup = dup || seen[k] || hasKey(m, k)
					seen[k] = true
					batch[i] = loyalty.Entry{Seq: expected + int64(i) + 1, Member: m, Key: k, Kind: loyalty.EntryAdjust,
						Points: loyalty.Points(rapid.IntRange(1, 100).Draw(rt, "points")), Time: epoch}
				}
				// Now and then an entry misnumbered or of another
				// member, alone or with the faults above.
				invalid := false
				switch rapid.IntRange(0, 5).Draw(rt, "fault") {
				case 0:
					batch[rapid.IntRange(0, n-1).Draw(rt, "misnumbered")].Seq += int64(rapid.SampledFrom([]int{-1, 1, 7}).Draw(rt, "seqSkew"))
					invalid = true
				case 1:
					batch[rapid.IntRange(0, n-1).Draw(rt, "foreign")].Member = "M9"
					invalid = true
				}
				err := s.Append(ctx, m, expected, batch)
				switch {
				case dup:
					if msg := faultOrder(err, loyalty.ErrDuplicate); msg != "" {
						rt.Fatalf("append with a known key (at %d of a ledger at %d, invalid %v): %s", expected, version, invalid, msg)
					}
				case expected != version:
					if msg := faultOrder(err, loyalty.ErrConflict); msg != "" {
						rt.Fatalf("append at %d of a ledger at %d (invalid %v): %s", expected, version, invalid, msg)
					}
				case invalid:
					if msg := faultOrder(err, customer.ErrInvalid); msg != "" {
						rt.Fatalf("append of a misnumbered batch or one with another member's entry: %s", msg)
					}
				default:
					if err != nil {
						rt.Fatalf("append: %v", err)
					}
					model[m] = append(model[m], batch...)
				}
			},
			"Entries": func(rt *rapid.T) {
				m := rapid.SampledFrom(members).Draw(rt, "member")
				after := rapid.IntRange(0, len(model[m])+1).Draw(rt, "after")
				got, err := s.Entries(ctx, m, int64(after))
				if err != nil {
					rt.Fatalf("entries: %v", err)
				}
				want := []loyalty.Entry{}
				if after < len(model[m]) {
					want = model[m][after:]
				}
				if len(got) != len(want) {
					rt.Fatalf("entries(%s, %d): %d entries, want %d", m, after, len(got), len(want))
				}
				for i := range want {
					if norm(got[i]) != norm(want[i]) {
						rt.Fatalf("entries(%s, %d)[%d] = %s, want %s", m, after, i, norm(got[i]), norm(want[i]))
					}
				}
			},
			"": func(rt *rapid.T) {
				for _, m := range members {
					got, err := s.Entries(ctx, m, 0)
					if err != nil || len(got) != len(model[m]) {
						rt.Fatalf("member %s: %d entries (err %v), model has %d", m, len(got), err, len(model[m]))
					}
				}
			},
		})
	})
}

// erasedEntries returns the erased form of each of entries.
func erasedEntries(entries []loyalty.Entry) []loyalty.Entry {
	out := make([]loyalty.Entry, len(entries))
	for i, e := range entries {
		out[i] = e.Erased()
	}
	return out
}

// noBirthday fails t for each entry that holds a birthday.
func noBirthday(t *testing.T, entries []loyalty.Entry) {
	t.Helper()
	for _, e := range entries {
		assert.True(t, e.Birthday.IsZero(), "entry %d (%s %q) of member %q holds a birthday", e.Seq, e.Kind, e.Key, e.Member)
	}
}

func testErase(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	er, ok := s.(loyalty.Eraser)
	if !ok {
		t.Skipf("%T is not a loyalty.Eraser", s)
	}
	p := Programme()
	now := epoch.Add(time.Hour)
	all := ledger(t, "M1")
	require.NotZero(t, all[0].Birthday, "the kit's ledger holds a birthday")
	v := int64(len(all))
	require.NoError(t, s.Append(ctx, "M1", 0, all))
	other := ledger(t, "M2")
	require.NoError(t, s.Append(ctx, "M2", 0, other))
	before, err := loyalty.Replay(all)
	require.NoError(t, err)
	erasure := loyalty.Erasure{Member: "M1", ID: "anon-1", Time: now}
	after, erased, err := p.Apply(before, erasure, now)
	require.NoError(t, err)

	// Refused, an erasure changes nothing: the birthday stays with the rest.
	require.ErrorIs(t, er.Erase(ctx, "M1", v-1, renumber(erased, v-1)), loyalty.ErrConflict, "stale version")
	dup := renumber(erased, v)
	dup[0].Key = all[1].Key
	require.ErrorIs(t, er.Erase(ctx, "M1", v, dup), loyalty.ErrDuplicate, "known key")
	sameEntries(t, all, entries(t, s, "M1", 0))

	require.NoError(t, er.Erase(ctx, "M1", v, erased))
	want := erasedEntries(append(slices.Clone(all), erased...))
	got := entries(t, s, "M1", 0)
	noBirthday(t, got)
	sameEntries(t, want, got)
	sameEntries(t, other, entries(t, s, "M2", 0))
	// The stored entries replay to the account after the erasure: the
	// same as before but for the birthday.
	a, err := loyalty.Replay(got)
	require.NoError(t, err)
	assert.True(t, a.Birthday.IsZero())
	assert.True(t, a.Erased.Equal(now))
	for _, x := range []loyalty.Account{before, after} {
		assert.Equal(t, x.Balance(), a.Balance())
		assert.Equal(t, x.Debt, a.Debt)
		assert.Equal(t, x.Lots(), a.Lots())
		assert.Equal(t, x.Level, a.Level)
		assert.True(t, x.NextReview.Equal(a.NextReview))
		assert.Equal(t, x.CouponUses("WELCOME"), a.CouponUses("WELCOME"))
	}
	assert.Equal(t, after.Version, a.Version)
	// The join delivered again is still a redelivery, though its stored
	// fingerprint no longer holds the birthday.
	_, _, err = p.Apply(a, loyalty.Join{Member: "M1", Birthday: all[0].Birthday, Time: epoch}, now)
	var de *loyalty.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.True(t, de.Same, "the join delivered again after erasure is the same join")
	_, _, err = p.Apply(a, loyalty.BirthdayChanged{Member: "M1", ID: "BD", Birthday: customer.Birthday{Year: 1990, Month: time.May, Day: 14}, Time: epoch.Add(6 * time.Minute)}, now)
	require.ErrorAs(t, err, &de)
	assert.True(t, de.Same, "the birthday change delivered again after erasure is the same change")

	// Delivered again, the erasure is a duplicate and changes nothing;
	// an erasure of nothing new leaves the erased entries as they are.
	require.ErrorIs(t, er.Erase(ctx, "M1", v, erased), loyalty.ErrDuplicate)
	require.NoError(t, er.Erase(ctx, "M1", v+1, nil))
	sameEntries(t, want, entries(t, s, "M1", 0))

	// Through a Service: one call appends the erasure and blanks the
	// birthday; again, it is a redelivery; an unknown member is an error
	// naming it.
	svc := loyalty.NewService(p, s, nil)
	acc, appended, err := svc.Apply(ctx, loyalty.Erasure{Member: "M2", ID: "anon-1", Time: now}, now)
	require.NoError(t, err)
	require.Len(t, appended, 1)
	assert.True(t, acc.Birthday.IsZero())
	got = entries(t, s, "M2", 0)
	noBirthday(t, got)
	sameEntries(t, erasedEntries(append(slices.Clone(other), appended...)), got)
	_, _, err = svc.Apply(ctx, loyalty.Erasure{Member: "M2", ID: "anon-1", Time: now}, now)
	require.ErrorAs(t, err, &de)
	assert.True(t, de.Same)
	sameEntries(t, got, entries(t, s, "M2", 0))
	_, _, err = svc.Apply(ctx, loyalty.BirthdayClaim{Member: "M2", Time: time.Date(2026, time.May, 4, 10, 0, 0, 0, time.UTC)},
		time.Date(2026, time.May, 4, 10, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, customer.ErrInvalid, "no birthday claim after erasure")
	_, _, err = svc.Apply(ctx, loyalty.Erasure{Member: "nobody", ID: "anon-1", Time: now}, now)
	require.ErrorIs(t, err, loyalty.ErrNotMember)
	assert.Contains(t, err.Error(), `"nobody"`)
	assert.Empty(t, entries(t, s, "nobody", 0))
}
