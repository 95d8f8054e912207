package complainttest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
	"github.com/tailorcrm/tailor/internal/idtext"
	"github.com/tailorcrm/tailor/internal/subtest"
)

// refused checks that err, the refusal of a Save, matches
// customer.ErrInvalid and is a [*customer.ValidationError] whose Record is
// record (or begins with record and a space, as "complaint \"C-1\" version 2"
// does) and whose fields include one for which isField is true.
func refused(t *testing.T, err error, id, what, record string, isField func(string) bool) {
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

// testOddIDs checks a store with the IDs of [customertest.OddIDs]; it is
// part of [TestStore].
func testOddIDs(t *testing.T, newStore func(t *testing.T) complaint.Store) {
	ctx := context.Background()

	subtest.Run(t, "OddIDsAreUnknown", func(t *testing.T) {
		// A lookup by a case or customer ID never stored that a store may not hold (a NUL byte, also right after a stored ID; not UTF-8; 16 KiB) answers as for any unknown ID: Get and Events fail with ErrNotFound, Cases is empty with a nil error, and an Eraser's Erase has nothing to do; nothing changes.
		s := newStore(t)
		want, evs := RunFor("C-1", "C-1", T0, 2)
		saveAll(t, s, evs)
		e, _ := s.(complaint.Eraser)
		for _, raw := range customertest.OddIDs() {
			if got, err := s.Get(ctx, complaint.ID(raw)); !errors.Is(err, complaint.ErrNotFound) {
				t.Errorf("Get(%s) = case %s, %s; want an error matching ErrNotFound", idtext.Quote(raw), idtext.Quote(string(got.ID)), idtext.Err(err, raw))
			}
			if got, err := s.Events(ctx, complaint.ID(raw)); !errors.Is(err, complaint.ErrNotFound) {
				t.Errorf("Events(%s) = %d events, %s; want an error matching ErrNotFound", idtext.Quote(raw), len(got), idtext.Err(err, raw))
			}
			if got, err := s.Cases(ctx, customer.ID(raw)); err != nil || len(got) != 0 {
				t.Errorf("Cases(%s) = %q, %s; want no case and a nil error", idtext.Quote(raw), caseIDs(got), idtext.Err(err, raw))
			}
			if e != nil {
				if err := e.Erase(ctx, customer.ID(raw), T0.Add(24*time.Hour)); err != nil && !errors.Is(err, errors.ErrUnsupported) {
					t.Errorf("Erase(%s), a complainant without cases = %s, want nil", idtext.Quote(raw), idtext.Err(err, raw))
				}
			}
		}
		if got, err := s.Get(ctx, "C-1"); err != nil {
			t.Errorf("Get(C-1) after the lookups by odd IDs: %v", err)
		} else {
			sameCase(t, want, got, "Get(C-1) after the lookups by odd IDs")
		}
		if got, err := s.Cases(ctx, "C-1"); err != nil || !slices.Equal(caseIDs(got), []complaint.ID{"C-1"}) {
			t.Errorf("Cases(C-1) after the lookups by odd IDs = %q, %v; want [C-1]", caseIDs(got), err)
		}
	})

	subtest.Run(t, "OddIDsKeptOrRefused", func(t *testing.T) {
		// Save of a case whose ID, or whose complainant's ID, a store may not hold keeps the ID byte for byte (Get, Events and Cases give the case back under it) or fails with a *customer.ValidationError matching customer.ErrInvalid that names the case and the field, storing nothing; never is the case stored or listed under another ID, such as the stored "C-1" for "C-1\x00".
		s := newStore(t)
		want, evs := RunFor("C-1", "C-1", T0, 2)
		saveAll(t, s, evs)
		for i, raw := range customertest.OddIDs() {
			id := complaint.ID(raw)
			c, ev := RecordFor("K-odd", customer.ID(fmt.Sprintf("cust-odd-%d", i)), T0)
			c.ID, c.Intake.ID, ev.Case = id, id, id
			what := fmt.Sprintf("Save of case %s", idtext.Quote(raw))
			if err := s.Save(ctx, c, ev); err != nil {
				refused(t, err, raw, what, fmt.Sprintf("complaint %q", raw), func(f string) bool { return f == "id" })
				if _, err := s.Get(ctx, id); !errors.Is(err, complaint.ErrNotFound) {
					t.Errorf("Get(%s) after a refused Save = %s, want an error matching ErrNotFound", idtext.Quote(raw), idtext.Err(err, raw))
				}
			} else {
				if got, err := s.Get(ctx, id); err != nil || got.ID != id {
					t.Errorf("Get(%s) after its Save = case %s, %s; want the case under its ID", idtext.Quote(raw), idtext.Quote(string(got.ID)), idtext.Err(err, raw))
				} else {
					sameCase(t, c, got, what+", Get")
				}
				if got, err := s.Events(ctx, id); err != nil || len(got) != 1 || got[0].Case != id {
					t.Errorf("Events(%s) after its Save = %d events, %s; want its one event, of the case", idtext.Quote(raw), len(got), idtext.Err(err, raw))
				}
				if got, err := s.Cases(ctx, c.Intake.Complainant); err != nil || len(got) != 1 || got[0].ID != id {
					t.Errorf("Cases(%q) after the Save of case %s = %d cases, %s; want that case", c.Intake.Complainant, idtext.Quote(raw), len(got), idtext.Err(err, raw))
				}
			}

			kid := complaint.ID(fmt.Sprintf("K-%d", i))
			// complaint.Apply refuses such a complainant, so the case is
			// recorded with another one, then given it, as a caller that
			// builds a case by hand would.
			c, ev = RecordFor(kid, "cust-odd", T0)
			c.Intake.Complainant = customer.ID(raw)
			if ev.Command.Intake != nil {
				ev.Command.Intake.Complainant = customer.ID(raw)
			}
			what = fmt.Sprintf("Save of case %s of complainant %s", kid, idtext.Quote(raw))
			if err := s.Save(ctx, c, ev); err != nil {
				refused(t, err, raw, what, fmt.Sprintf("complaint %q", kid), func(f string) bool { return strings.Contains(strings.ToLower(f), "complainant") })
				if _, err := s.Get(ctx, kid); !errors.Is(err, complaint.ErrNotFound) {
					t.Errorf("Get(%s) after a refused Save = %s, want an error matching ErrNotFound", kid, idtext.Err(err, raw))
				}
				continue
			}
			if got, err := s.Cases(ctx, customer.ID(raw)); err != nil || !slices.Equal(caseIDs(got), []complaint.ID{kid}) {
				t.Errorf("Cases(%s) after the Save of its case %s = %q, %s; want [%s]", idtext.Quote(raw), kid, caseIDs(got), idtext.Err(err, raw), kid)
			} else if got[0].Intake.Complainant != customer.ID(raw) {
				t.Errorf("Cases(%s) lists case %s of complainant %s", idtext.Quote(raw), kid, idtext.Quote(string(got[0].Intake.Complainant)))
			}
		}
		if got, err := s.Get(ctx, "C-1"); err != nil {
			t.Errorf("Get(C-1) after the Saves of odd IDs: %v", err)
		} else {
			sameCase(t, want, got, "Get(C-1) after the Saves of odd IDs")
		}
		if got, err := s.Events(ctx, "C-1"); err != nil || !SameEvents(evs, got) {
			t.Errorf("Events(C-1) after the Saves of odd IDs = %d events, %v; want the %d saved", len(got), err, len(evs))
		}
		if got, err := s.Cases(ctx, "C-1"); err != nil || !slices.Equal(caseIDs(got), []complaint.ID{"C-1"}) {
			t.Errorf("Cases(C-1) after the Saves of odd IDs = %q, %v; want [C-1]", caseIDs(got), err)
		}
	})
}
