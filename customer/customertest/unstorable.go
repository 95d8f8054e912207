package customertest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/idtext"
	"github.com/tailorcrm/tailor/internal/subtest"
)

// OddIDs returns IDs that many stores cannot hold as given: with a NUL
// byte (also right after the IDs "C-1", "O-1", "R-1" and "K-1" the kits
// store), text that is not valid UTF-8, and an ID of 16 KiB that does not
// compress (longer than the entry of a database index). A lookup by one
// that was never stored must answer as for any unknown ID, and a write
// must keep it byte for byte or be refused with an error that names the
// record and the field: a store that cuts an ID at a NUL byte, replaces
// its bad bytes or fails in its database on a long key breaks the
// contract. The slice is new on each call.
func OddIDs() []string {
	var long strings.Builder
	long.WriteString("C-1")
	sum := sha256.Sum256([]byte("customertest"))
	for long.Len() < 16<<10 {
		long.WriteString(hex.EncodeToString(sum[:]))
		sum = sha256.Sum256(sum[:])
	}
	return []string{"C-1\x00", "\x00", "a\x00b", "O-1\x00", "R-1\x00", "K-1\x00", "\xff", "C-\xc3", "C-1\xfe", long.String()}
}

// refusedWith checks that err, the refusal of a write, matches
// customer.ErrInvalid and is a [*customer.ValidationError] whose Record is
// record (or begins with record and a space, naming a part of it) and
// whose fields include one for which isField is true.
func refusedWith(t *testing.T, err error, id, what, record string, isField func(string) bool) {
	t.Helper()
	ve, msg := idtext.Refusal(err, id, what, "record")
	switch {
	case ve == nil:
		t.Error(msg)
	case ve.Record != record && !strings.HasPrefix(ve.Record, record+" "):
		t.Errorf("%s: the error names the record %s, want %s", what, idtext.Quote(ve.Record), idtext.Quote(record))
	case !slices.ContainsFunc(ve.Fields, func(f customer.FieldError) bool { return isField(f.Field) }):
		t.Errorf("%s: the error names the fields %v, not the one of the ID", what, ve.Fields)
	}
}

// isIDField is true for the field "id".
func isIDField(f string) bool { return f == "id" }

// isCustomerField is true for a field that names the customer ID
// ("customer_id", "customerid").
func isCustomerField(f string) bool { return strings.Contains(strings.ToLower(f), "customer") }

// refusedOrUnknown checks err, the answer of a write that names a
// customer, order or customer ID no store holds: an error matching
// customer.ErrNotFound, as for any unknown ID, or a refusal of the ID
// (see refusedWith).
func refusedOrUnknown(t *testing.T, err error, id, what, record string, isField func(string) bool) {
	t.Helper()
	if errors.Is(err, customer.ErrNotFound) {
		return
	}
	refusedWith(t, err, id, what, record, isField)
}

// testOddIDs checks a directory with the IDs of [OddIDs]; it is part of
// [TestStore].
func testOddIDs(t *testing.T, newStore func(t *testing.T) customer.Directory) {
	ctx := context.Background()

	// A lookup by an ID never stored that a store may not hold (a NUL byte, also right after a stored ID; not UTF-8; 16 KiB) answers as for any unknown ID: Get, GetMany, Delete and Update fail with customer.ErrNotFound, Update without calling change, and nothing changes.
	subtest.Run(t, "OddIDsAreUnknown", func(t *testing.T) {
		s := newStore(t)
		want := sampleCustomer("C-1")
		mustPut(t, s, want.Clone())
		b, _ := s.(customer.BatchGetter)
		u, _ := s.(customer.Updater)
		for _, raw := range OddIDs() {
			id := customer.ID(raw)
			if got, err := s.Get(ctx, id); !errors.Is(err, customer.ErrNotFound) {
				t.Errorf("Get(%s) = customer %s, %s; want an error matching customer.ErrNotFound", idtext.Quote(raw), idtext.Quote(string(got.ID)), idtext.Err(err, raw))
			}
			if err := s.Delete(ctx, id); !errors.Is(err, customer.ErrNotFound) {
				t.Errorf("Delete(%s) = %s, want an error matching customer.ErrNotFound", idtext.Quote(raw), idtext.Err(err, raw))
			}
			if b != nil {
				for _, ids := range [][]customer.ID{{id}, {"C-1", id}} {
					if got, err := b.GetMany(ctx, ids); !errors.Is(err, customer.ErrNotFound) || got != nil {
						t.Errorf("GetMany(%d IDs, the last %s) = %d customers, %s; want none and an error matching customer.ErrNotFound",
							len(ids), idtext.Quote(raw), len(got), idtext.Err(err, raw))
					}
				}
			}
			if u != nil {
				called := false
				err := u.Update(ctx, id, func(c *customer.Customer) error { called = true; c.Region = "changed"; return nil })
				if !errors.Is(err, customer.ErrNotFound) {
					t.Errorf("Update(%s) = %s, want an error matching customer.ErrNotFound", idtext.Quote(raw), idtext.Err(err, raw))
				}
				if called {
					t.Errorf("Update(%s) called change", idtext.Quote(raw))
				}
			}
		}
		if ids := listIDs(t, s); !slices.Equal(ids, []customer.ID{"C-1"}) {
			t.Errorf("after the lookups by odd IDs, List yields %d IDs, want [C-1]", len(ids))
		}
		readsBack(ctx, t, s, want)
	})

	// Put and Insert of a customer with such an ID keep the ID byte for byte (Get, List and GetMany read the customer back under it and Delete removes it) or fail with a *customer.ValidationError matching customer.ErrInvalid that names the customer and the field "id" and store nothing; never is the customer stored under another ID, such as the stored "C-1" for "C-1\x00".
	subtest.Run(t, "OddIDsKeptOrRefused", func(t *testing.T) {
		s := newStore(t)
		want := sampleCustomer("C-1")
		mustPut(t, s, want.Clone())
		in, _ := s.(customer.Inserter)
		for _, raw := range OddIDs() {
			id := customer.ID(raw)
			c := rareCustomer(id)
			writes := []struct {
				op    string
				write func() error
			}{{"Put", func() error { return s.Put(ctx, c.Clone()) }}}
			if in != nil {
				writes = append(writes, struct {
					op    string
					write func() error
				}{"Insert", func() error { return in.Insert(ctx, c.Clone()) }})
			}
			for _, w := range writes {
				err := w.write()
				if err != nil {
					refusedWith(t, err, raw, fmt.Sprintf("%s of customer %s", w.op, idtext.Quote(raw)), fmt.Sprintf("customer %q", raw), isIDField)
					if _, gerr := s.Get(ctx, id); !errors.Is(gerr, customer.ErrNotFound) {
						t.Errorf("Get(%s) after a refused %s = %s, want an error matching customer.ErrNotFound", idtext.Quote(raw), w.op, idtext.Err(gerr, raw))
					}
					continue
				}
				if ids := listIDs(t, s); !slices.Contains(ids, id) {
					t.Errorf("after %s of customer %s, List yields %d IDs without it", w.op, idtext.Quote(raw), len(ids))
				}
				readsBack(ctx, t, s, c)
				if derr := s.Delete(ctx, id); derr != nil {
					t.Errorf("Delete(%s) after its %s: %s", idtext.Quote(raw), w.op, idtext.Err(derr, raw))
				}
			}
		}
		if ids := listIDs(t, s); !slices.Equal(ids, []customer.ID{"C-1"}) {
			t.Errorf("after the writes of odd IDs, and the Deletes of those kept, List yields %d IDs %.200q, want [C-1]", len(ids), ids)
		}
		readsBack(ctx, t, s, want)
	})
}

// testOddHistoryIDs checks a history store with the IDs of [OddIDs]; it
// is part of [TestHistoryStore].
func testOddHistoryIDs(t *testing.T, setup func(t *testing.T, ids ...customer.ID) customer.HistoryStore) {
	ctx := context.Background()
	// fill appends to C-1 an order O-1, its return R-1, a credit K-1 and
	// an interaction, and returns the history.
	fill := func(t *testing.T, h customer.HistoryStore) []customer.Event {
		t.Helper()
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		if err := h.AppendReturn(ctx, sampleReturn("R-1", "O-1", "C-1", day0.Add(time.Hour))); err != nil {
			t.Fatalf("AppendReturn: %v", err)
		}
		if err := h.AppendCredit(ctx, sampleCredit("K-1", "O-1", "C-1", day0.Add(2*time.Hour), "5")); err != nil {
			t.Fatalf("AppendCredit: %v", err)
		}
		if err := h.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: day0.Add(3 * time.Hour), Kind: customer.StoreVisit, Subject: "Berlin 1"}); err != nil {
			t.Fatalf("AppendInteraction: %v", err)
		}
		return history(t, h, "C-1")
	}

	// History, EraseInteractions and AppendChecked of a customer ID never stored that a store may not hold answer as for any unknown customer: one error matching customer.ErrNotFound, (0, ErrNotFound), ErrNotFound without calling check (or, for AppendChecked, a refusal of the ID naming the record and the field); an append of a record of such a customer, or of a return or credit of such an order, fails in the same way; nothing changes.
	subtest.Run(t, "OddIDsAreUnknown", func(t *testing.T) {
		h := setup(t, "C-1")
		before := fill(t, h)
		e, _ := h.(customer.InteractionEraser)
		a, _ := h.(customer.CheckedAppender)
		for _, raw := range OddIDs() {
			id := customer.ID(raw)
			n := 0
			var errs []error
			for _, err := range h.History(ctx, id) {
				n++
				errs = append(errs, err)
			}
			if n != 1 || !errors.Is(errs[0], customer.ErrNotFound) {
				t.Errorf("History(%s) yielded %d elements, the first error %s; want exactly one error matching customer.ErrNotFound", idtext.Quote(raw), n, idtext.Err(errors.Join(errs...), raw))
			}
			if e != nil {
				if k, err := e.EraseInteractions(ctx, id); !errors.Is(err, customer.ErrNotFound) || k != 0 {
					t.Errorf("EraseInteractions(%s) = (%d, %s), want (0, an error matching customer.ErrNotFound)", idtext.Quote(raw), k, idtext.Err(err, raw))
				}
			}
			o := sampleOrder("O-9", id, day0)
			r := sampleReturn("R-9", "O-1", id, day0.Add(time.Hour))
			k := sampleCredit("K-9", "", id, day0.Add(time.Hour), "5")
			i := customer.Interaction{CustomerID: id, Time: day0, Kind: customer.Cart, Subject: "COAT-1"}
			what := func(op string) string { return fmt.Sprintf("%s of customer %s", op, idtext.Quote(raw)) }
			refusedOrUnknown(t, h.AppendOrder(ctx, o), raw, what("AppendOrder"), `order "O-9"`, isCustomerField)
			refusedOrUnknown(t, h.AppendReturn(ctx, r), raw, what("AppendReturn"), `return "R-9"`, isCustomerField)
			refusedOrUnknown(t, h.AppendCredit(ctx, k), raw, what("AppendCredit"), `credit "K-9"`, isCustomerField)
			if err := h.AppendInteraction(ctx, i); !errors.Is(err, customer.ErrNotFound) {
				var ve *customer.ValidationError
				if !errors.Is(err, customer.ErrInvalid) || !errors.As(err, &ve) || !slices.ContainsFunc(ve.Fields, func(f customer.FieldError) bool { return isCustomerField(f.Field) }) {
					t.Errorf("%s = %s, want an error matching customer.ErrNotFound, or a *customer.ValidationError naming the customer ID", what("AppendInteraction"), idtext.Err(err, raw))
				}
			}
			// A return or credit of an order no store holds, of the stored customer.
			ro := sampleReturn("R-9", raw, "C-1", day0.Add(time.Hour))
			ko := sampleCredit("K-9", raw, "C-1", day0.Add(time.Hour), "5")
			refusedOrUnknown(t, h.AppendReturn(ctx, ro), raw, fmt.Sprintf("AppendReturn of order %s", idtext.Quote(raw)), `return "R-9"`,
				func(f string) bool { return strings.Contains(strings.ToLower(f), "order") })
			refusedOrUnknown(t, h.AppendCredit(ctx, ko), raw, fmt.Sprintf("AppendCredit of order %s", idtext.Quote(raw)), `credit "K-9"`,
				func(f string) bool { return strings.Contains(strings.ToLower(f), "order") })
			if a != nil {
				called := false
				check := func([]customer.Event) error { called = true; return nil }
				refusedOrUnknown(t, a.AppendChecked(ctx, customer.Event{Order: &o}, check), raw, what("AppendChecked"), `order "O-9"`, isCustomerField)
				if called {
					t.Errorf("%s called check", what("AppendChecked"))
				}
			}
		}
		if got := history(t, h, "C-1"); !slices.EqualFunc(got, before, customer.Event.Equal) {
			t.Errorf("after the calls with odd IDs the history of C-1 is %s, want %s", describe(got), describe(before))
		}
		for _, rec := range []struct{ kind, id string }{{"order", "O-9"}, {"return", "R-9"}, {"credit", "K-9"}} {
			var err error
			switch rec.kind {
			case "order":
				err = h.AppendOrder(ctx, sampleOrder(rec.id, "C-1", day0.Add(4*time.Hour)))
			case "return":
				err = h.AppendReturn(ctx, sampleReturn(rec.id, "O-1", "C-1", day0.Add(5*time.Hour)))
			default:
				err = h.AppendCredit(ctx, sampleCredit(rec.id, "", "C-1", day0.Add(6*time.Hour), "5"))
			}
			if err != nil {
				t.Errorf("the ID of the refused %s %s is taken: appending it to C-1 = %v", rec.kind, rec.id, err)
			}
		}
	})

	// An order, return or credit whose own ID a store may not hold is kept byte for byte (History yields it under that ID; a redelivery is a no-op) or refused with a *customer.ValidationError matching customer.ErrInvalid that names the record and the field "id", storing nothing; never is it stored under another ID, nor taken for the stored "O-1", "R-1" or "K-1".
	subtest.Run(t, "OddIDsKeptOrRefused", func(t *testing.T) {
		h := setup(t, "C-1")
		want := fill(t, h)
		at := day0.Add(24 * time.Hour)
		for _, raw := range OddIDs() {
			o := sampleOrder(raw, "C-1", at)
			at = at.Add(time.Minute)
			r := sampleReturn(raw, "O-1", "C-1", at)
			at = at.Add(time.Minute)
			k := sampleCredit(raw, "O-1", "C-1", at, "1.25")
			at = at.Add(time.Minute)
			for _, rec := range []struct {
				kind   string
				ev     customer.Event
				append func() error
			}{
				{"order", customer.Event{Order: &o}, func() error { return h.AppendOrder(ctx, o.Clone()) }},
				{"return", customer.Event{Return: &r}, func() error { return h.AppendReturn(ctx, r.Clone()) }},
				{"credit", customer.Event{Credit: &k}, func() error { return h.AppendCredit(ctx, k) }},
			} {
				what := fmt.Sprintf("Append of %s %s", rec.kind, idtext.Quote(raw))
				if err := rec.append(); err != nil {
					refusedWith(t, err, raw, what, fmt.Sprintf("%s %q", rec.kind, raw), isIDField)
					continue
				}
				want = append(want, rec.ev)
				if err := rec.append(); err != nil {
					t.Errorf("%s again (a redelivery) = %s, want nil", what, idtext.Err(err, raw))
				}
			}
		}
		got := history(t, h, "C-1")
		if len(got) != len(want) {
			t.Fatalf("after the appends of records with odd IDs the history has %d events, want %d (those before and those kept)", len(got), len(want))
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Errorf("event %d of the history: %s", i, recordDiff(want[i], got[i]))
			}
		}
	})
}
