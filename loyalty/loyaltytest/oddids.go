package loyaltytest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
	"github.com/tailorcrm/tailor/internal/idtext"
	"github.com/tailorcrm/tailor/loyalty"
)

// oddIDs returns the IDs of [customertest.OddIDs] and, with a NUL byte
// right after them, the member "M-1", the keys "join" and "order:A" and
// the order ID "A" of the entries the odd-ID checks store: IDs many
// stores cannot hold as given, used as member IDs, keys and order IDs.
func oddIDs() []string {
	return append(customertest.OddIDs(), "M-1\x00", "join\x00", "order:A\x00", "A\x00")
}

// withMember returns a copy of entries numbered from after+1, each of
// member.
func withMember(member customer.ID, after int64, entries []loyalty.Entry) []loyalty.Entry {
	out := renumber(entries, after)
	for i := range out {
		out[i].Member = member
	}
	return out
}

// wantErr checks err, the answer of what: nil when want is nil, and
// otherwise an error matching want and none of the other errors of the
// contract's order ([faultOrder]).
func wantErr(t *testing.T, err, want error, what, id string) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s = %s, want nil", what, idtext.Err(err, id))
	case want != nil:
		if msg := faultOrder(err, want); msg != "" {
			t.Errorf("%s: %s", what, idtext.Cut(msg, id))
		}
	}
}

// refusedEntry checks that err, the refusal of an append of an entry of
// member, matches customer.ErrInvalid and is a
// [*customer.ValidationError] that names the entry (its Record holds
// the word "entry" and the member, quoted as %q quotes it) and, among
// its fields, one for which isField is true.
func refusedEntry(t *testing.T, err error, member customer.ID, id, what string, isField func(string) bool) {
	t.Helper()
	ve, msg := idtext.Refusal(err, id, what, "entry")
	switch {
	case ve == nil:
		t.Error(msg)
	case !strings.Contains(strings.ToLower(ve.Record), "entry") || !strings.Contains(ve.Record, fmt.Sprintf("%q", member)):
		t.Errorf("%s: the error names the record %s, want one naming the entry of member %s", what, idtext.Cut(fmt.Sprintf("%q", ve.Record), id), idtext.Quote(string(member)))
	case !slices.ContainsFunc(ve.Fields, func(f customer.FieldError) bool { return isField(strings.ToLower(f.Field)) }):
		t.Errorf("%s: the error names the fields %s, not the one of the ID", what, idtext.Cut(fmt.Sprint(ve.Fields), id))
	}
}

// storedAs checks, not fatally, that the entries of member from after
// on are want, field for field as [sameEntries] compares them.
func storedAs(t *testing.T, s loyalty.Store, member customer.ID, after int64, want []loyalty.Entry, what, id string) {
	t.Helper()
	got, err := s.Entries(ctx, member, after)
	if err != nil {
		t.Errorf("%s: Entries(%s, %d) = %s", what, idtext.Quote(string(member)), after, idtext.Err(err, id))
		return
	}
	if len(got) != len(want) {
		t.Errorf("%s: Entries(%s, %d) gives %d entries, want %d", what, idtext.Quote(string(member)), after, len(got), len(want))
		return
	}
	for i := range want {
		for _, d := range entryDiff(want[i], got[i]) {
			t.Errorf("%s: entry %d of member %s (seq %d): %s", what, i, idtext.Quote(string(member)), want[i].Seq, idtext.Cut(d, id))
		}
	}
}

// testOddIDsUnknown checks that a member ID no store may hold, never
// stored, is an unknown member to Entries, Append and Erase; it is part
// of [TestStore].
func testOddIDsUnknown(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M-1")
	stored := all[:1] // the join, holding a birthday: the ledger of M-1 is at version 1
	require.NoError(t, s.Append(ctx, "M-1", 0, stored), "the first append to M-1")
	er, _ := s.(loyalty.Eraser)
	for _, raw := range oddIDs() {
		m := customer.ID(raw)
		for _, after := range []int64{0, 1} {
			got, err := s.Entries(ctx, m, after)
			if err != nil || got == nil || len(got) != 0 {
				t.Errorf("Entries(%s, %d) = %d entries (a nil slice: %v), %s; want an empty slice and a nil error, as for an unknown member",
					idtext.Quote(raw), after, len(got), got == nil, idtext.Err(err, raw))
			}
		}
		// At version 1, the version of M-1: numbered for it, with the
		// keys of M-1's ledger, which m's ledger does not hold.
		stale := withMember(m, 1, all[:2])
		twice := withMember(m, 1, []loyalty.Entry{all[1], all[1]})
		type write struct {
			op       string
			expected int64
			batch    []loyalty.Entry
			want     error
		}
		writes := []write{
			{"an empty batch", 1, nil, loyalty.ErrConflict},
			{"a batch numbered from 2", 1, stale, loyalty.ErrConflict},
			{"a batch with a key twice", 1, twice, loyalty.ErrDuplicate},
			{"an empty batch", 0, nil, nil},
		}
		for _, w := range writes {
			wantErr(t, s.Append(ctx, m, w.expected, w.batch), w.want,
				fmt.Sprintf("Append to member %s at version %d of %s, as for an unknown member", idtext.Quote(raw), w.expected, w.op), raw)
			if er != nil {
				wantErr(t, er.Erase(ctx, m, w.expected, w.batch), w.want,
					fmt.Sprintf("Erase of member %s at version %d with %s, as for an unknown member", idtext.Quote(raw), w.expected, w.op), raw)
			}
		}
		if got, err := s.Entries(ctx, m, 0); err != nil || len(got) != 0 {
			t.Errorf("Entries(%s, 0) after refused and empty writes = %d entries, %s; want none", idtext.Quote(raw), len(got), idtext.Err(err, raw))
		}
	}
	storedAs(t, s, "M-1", 0, stored, "after the calls with odd member IDs", "")
	if err := s.Append(ctx, "M-1", 1, all[1:3]); err != nil {
		t.Errorf("after the calls with odd member IDs, Append to M-1 at version 1 = %v, want nil", err)
	}
}

// testOddIDsKept checks that entries whose member, key or order ID no
// store may hold are kept byte for byte or refused naming the entry and
// the field; it is part of [TestStore].
func testOddIDsKept(t *testing.T, newStore func(*testing.T) loyalty.Store) {
	s := newStore(t)
	all := ledger(t, "M-1")
	// The ledger of M-1 holds the join (key "join") and the earn of order
	// "A" (key "order:A").
	want := slices.Clone(all[:2])
	require.NoError(t, s.Append(ctx, "M-1", 0, want), "the first append to M-1")
	er, _ := s.(loyalty.Eraser)
	isMember := func(f string) bool { return strings.Contains(f, "member") }
	isKey := func(f string) bool { return f == "key" || strings.HasSuffix(f, ".key") }
	isOrder := func(f string) bool { return strings.Contains(f, "order") }
	for i, raw := range oddIDs() {
		m := customer.ID(raw)
		v0 := int64(len(want))

		// The member: a new ledger of the join and the earn of M-1's,
		// by Append and, refused, by an Eraser's Erase; kept, an Eraser
		// erases its birthday.
		batch := withMember(m, 0, all[:2])
		what := fmt.Sprintf("Append to member %s at version 0", idtext.Quote(raw))
		kept := false
		if err := s.Append(ctx, m, 0, batch); err != nil {
			refusedEntry(t, err, m, raw, what, isMember)
		} else {
			kept = true
			storedAs(t, s, m, 0, batch, what, raw)
			wantErr(t, s.Append(ctx, m, 2, withMember(m, 2, all[1:2])), loyalty.ErrDuplicate,
				fmt.Sprintf("%s kept, its earn again at version 2", what), raw)
		}
		if er != nil && !kept {
			what = fmt.Sprintf("Erase of member %s at version 0 with a batch", idtext.Quote(raw))
			if err := er.Erase(ctx, m, 0, batch); err != nil {
				refusedEntry(t, err, m, raw, what, isMember)
			} else {
				kept = true
			}
		}
		switch got, err := s.Entries(ctx, m, 0); {
		case !kept && (err != nil || len(got) != 0):
			t.Errorf("Entries(%s, 0) after refused writes = %d entries, %s; want none", idtext.Quote(raw), len(got), idtext.Err(err, raw))
		case kept:
			storedAs(t, s, m, 0, batch, what, raw)
			if er != nil {
				wantErr(t, er.Erase(ctx, m, 2, nil), nil, fmt.Sprintf("%s kept, Erase of it at version 2", what), raw)
				storedAs(t, s, m, 0, erasedEntries(batch), what+" and erased", raw)
			}
		}

		// The key: an adjustment of M-1 whose key is raw.
		v := int64(len(want))
		e := loyalty.Entry{Seq: v + 1, Member: "M-1", Key: raw, Kind: loyalty.EntryAdjust, Time: epoch,
			Effective: epoch, Points: loyalty.Points(i + 1), Lot: fmt.Sprintf("adjust:odd-%d", i), AvailableAt: epoch,
			Reason: "odd key", Operator: "ops"}
		what = fmt.Sprintf("Append to M-1 at version %d of an entry with key %s", v, idtext.Quote(raw))
		if err := s.Append(ctx, "M-1", v, []loyalty.Entry{e}); err != nil {
			refusedEntry(t, err, "M-1", raw, what, isKey)
		} else {
			want = append(want, e)
			again := e
			again.Seq++
			wantErr(t, s.Append(ctx, "M-1", v+1, []loyalty.Entry{again}), loyalty.ErrDuplicate,
				fmt.Sprintf("%s kept, the entry again at version %d", what, v+1), raw)
		}

		// Another member's entry: one of member raw in a batch for M-1
		// is refused as loyalty.Store says, ErrConflict at a stale
		// version, else customer.ErrInvalid, and never stored as M-1's
		// ("M-1\x00" for "M-1").
		v = int64(len(want))
		f := renumber(all[1:2], v-1)[0]
		f.Member, f.Key = m, fmt.Sprintf("foreign:%d", i)
		wantErr(t, s.Append(ctx, "M-1", v-1, []loyalty.Entry{f}), loyalty.ErrConflict,
			fmt.Sprintf("Append to M-1 at the stale version %d of an entry of member %s", v-1, idtext.Quote(raw)), raw)
		f.Seq++
		wantErr(t, s.Append(ctx, "M-1", v, []loyalty.Entry{f}), customer.ErrInvalid,
			fmt.Sprintf("Append to M-1 at version %d of an entry of member %s", v, idtext.Quote(raw)), raw)

		// The order ID: an earn of M-1 for order raw.
		v = int64(len(want))
		o := renumber(all[1:2], v)[0]
		o.OrderID, o.Key, o.Lot = raw, fmt.Sprintf("order:odd-%d", i), fmt.Sprintf("order:odd-%d", i)
		what = fmt.Sprintf("Append to M-1 at version %d of an earn of order %s", v, idtext.Quote(raw))
		if err := s.Append(ctx, "M-1", v, []loyalty.Entry{o}); err != nil {
			refusedEntry(t, err, "M-1", raw, what, isOrder)
		} else {
			want = append(want, o)
		}
		storedAs(t, s, "M-1", v0, want[v0:], fmt.Sprintf("after the appends to M-1 with %s", idtext.Quote(raw)), raw)
	}
	if !t.Failed() {
		storedAs(t, s, "M-1", 0, want, "after the appends with odd IDs", "")
	}
}
