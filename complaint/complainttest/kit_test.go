package complainttest_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

func TestMemStore(t *testing.T) {
	complainttest.TestStore(t, func(*testing.T) complaint.Store { return complaint.NewMemStore() })
}

// Broken stores, each breaking one promise of Cases or of the round trip
// of texts, to show that the kit notices. Each is safe for concurrent use (the kit's concurrent checks
// must not crash it): only the promise is broken.

// byOpenedThenID is the order of a listing.
func byOpenedThenID(a, b complaint.Case) int {
	if d := a.Opened.Compare(b.Opened); d != 0 {
		return d
	}
	return strings.Compare(string(a.ID), string(b.ID))
}

// prefixMatch lists the cases of every customer whose ID starts with the
// one asked for, as a query with LIKE 'id%' would: cases of the wrong
// customer.
type prefixMatch struct{ *complaint.MemStore }

func (s prefixMatch) Cases(ctx context.Context, who customer.ID) ([]complaint.Case, error) {
	var out []complaint.Case
	for _, id := range s.IDs() {
		c, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(string(c.Intake.Complainant), string(who)) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, byOpenedThenID)
	return out, nil
}

// byID lists the right cases ordered by ID only.
type byID struct{ *complaint.MemStore }

func (s byID) Cases(ctx context.Context, who customer.ID) ([]complaint.Case, error) {
	out, err := s.MemStore.Cases(ctx, who)
	slices.SortFunc(out, func(a, b complaint.Case) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, err
}

// microseconds orders by Opened truncated to the microsecond, then ID, as
// a database column that keeps microseconds would.
type microseconds struct{ *complaint.MemStore }

func (s microseconds) Cases(ctx context.Context, who customer.ID) ([]complaint.Case, error) {
	out, err := s.MemStore.Cases(ctx, who)
	slices.SortFunc(out, func(a, b complaint.Case) int {
		if d := a.Opened.Truncate(time.Microsecond).Compare(b.Opened.Truncate(time.Microsecond)); d != 0 {
			return d
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return out, err
}

// indexFirst adds a case to its customer's index before Save checks the
// version, so that a refused save of a taken ID lists it under the
// refused case's customer.
type indexFirst struct {
	*complaint.MemStore
	mu    *sync.Mutex
	index map[customer.ID]map[complaint.ID]bool
}

func (s indexFirst) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	s.mu.Lock()
	who := c.Intake.Complainant
	if s.index[who] == nil {
		s.index[who] = map[complaint.ID]bool{}
	}
	s.index[who][c.ID] = true
	s.mu.Unlock()
	return s.MemStore.Save(ctx, c, ev)
}

func (s indexFirst) Cases(ctx context.Context, who customer.ID) ([]complaint.Case, error) {
	s.mu.Lock()
	var ids []complaint.ID
	for id := range s.index[who] {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	out := []complaint.Case{}
	for _, id := range ids {
		if c, err := s.Get(ctx, id); err == nil {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, byOpenedThenID)
	return out, nil
}

// sharing remembers each listing until the next Save and hands out the
// same slice every time, so a caller's change shows in the next listing.
type sharing struct {
	*complaint.MemStore
	mu   *sync.Mutex
	memo map[customer.ID][]complaint.Case
}

func (s sharing) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.memo)
	return s.MemStore.Save(ctx, c, ev)
}

func (s sharing) Cases(ctx context.Context, who customer.ID) ([]complaint.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if out, ok := s.memo[who]; ok {
		return out, nil
	}
	out, err := s.MemStore.Cases(ctx, who)
	if err == nil {
		s.memo[who] = out
	}
	return out, err
}

// firstVersion lists each case as it was recorded, not as last saved.
type firstVersion struct {
	*complaint.MemStore
	mu    *sync.Mutex
	first map[complaint.ID]complaint.Case
}

func (s firstVersion) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	err := s.MemStore.Save(ctx, c, ev)
	if err == nil && c.Version == 1 {
		s.mu.Lock()
		s.first[c.ID] = c.Clone()
		s.mu.Unlock()
	}
	return err
}

func (s firstVersion) Cases(ctx context.Context, who customer.ID) ([]complaint.Case, error) {
	out, err := s.MemStore.Cases(ctx, who)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range out {
		out[i] = s.first[c.ID].Clone()
	}
	return out, err
}

// mangling changes texts on their way in, as a text column may: the
// description of the case and of its recording event, and every event's
// note.
type mangling struct {
	*complaint.MemStore
	text func(string) string
}

func (s mangling) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	c, ev = c.Clone(), ev.Clone()
	c.Intake.Description = s.text(c.Intake.Description)
	if ev.Command.Intake != nil {
		ev.Command.Intake.Description = s.text(ev.Command.Intake.Description)
	}
	ev.Command.Note = s.text(ev.Command.Note)
	return s.MemStore.Save(ctx, c, ev)
}

// truncate255 keeps the first 255 characters of a text, as a
// VARCHAR(255) column that cuts longer texts does.
func truncate255(s string) string {
	if r := []rune(s); len(r) > 255 {
		return string(r[:255])
	}
	return s
}

// markDropping reads and writes cases and events as a store whose
// documents pass through a decoder that does not know the mark of a
// refund of the last units (encoding/json drops fields it does not
// know): it saves every case without RefundedAll and every event
// without LastUnits.
type markDropping struct{ *complaint.MemStore }

func (s markDropping) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	c.RefundedAll, ev.LastUnits = false, false
	return s.MemStore.Save(ctx, c, ev)
}

// erasureDropsMark gives back the cases and events of an erasure as a
// store whose Erase rewrites their documents through a decoder that
// does not know the mark of a refund of the last units: an erased case
// without RefundedAll, an erased event without LastUnits.
type erasureDropsMark struct{ *complaint.MemStore }

func (s erasureDropsMark) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	c, err := s.MemStore.Get(ctx, id)
	if !c.Erased.IsZero() {
		c.RefundedAll = false
	}
	return c, err
}

func (s erasureDropsMark) Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
	evs, err := s.MemStore.Events(ctx, id)
	for i := range evs {
		if !evs[i].Erased.IsZero() {
			evs[i].LastUnits = false
		}
	}
	return evs, err
}

// nulCutting keeps case and customer IDs only up to their first NUL
// byte, as a driver that passes text to the database as C strings does:
// "C-1\x00" is taken for "C-1".
type nulCutting struct{ *complaint.MemStore }

// cut returns s up to its first NUL byte.
func cut[T ~string](s T) T {
	if i := strings.IndexByte(string(s), 0); i >= 0 {
		return s[:i]
	}
	return s
}

func (s nulCutting) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	return s.MemStore.Get(ctx, cut(id))
}

func (s nulCutting) Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
	return s.MemStore.Events(ctx, cut(id))
}

func (s nulCutting) Cases(ctx context.Context, who customer.ID) ([]complaint.Case, error) {
	return s.MemStore.Cases(ctx, cut(who))
}

func (s nulCutting) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	c, ev = c.Clone(), ev.Clone()
	c.ID, ev.Case, c.Intake.Complainant = cut(c.ID), cut(ev.Case), cut(c.Intake.Complainant)
	return s.MemStore.Save(ctx, c, ev)
}

// TestBrokenStoreHelper runs the kit on the broken store named by
// $COMPLAINTTEST_BROKEN; it is a helper of TestKitDetectsBrokenStores and
// does nothing otherwise.
func TestBrokenStoreHelper(t *testing.T) {
	var newStore func() complaint.Store
	switch os.Getenv("COMPLAINTTEST_BROKEN") {
	case "prefixMatch":
		newStore = func() complaint.Store { return prefixMatch{complaint.NewMemStore()} }
	case "byID":
		newStore = func() complaint.Store { return byID{complaint.NewMemStore()} }
	case "microseconds":
		newStore = func() complaint.Store { return microseconds{complaint.NewMemStore()} }
	case "indexFirst":
		newStore = func() complaint.Store {
			return indexFirst{complaint.NewMemStore(), &sync.Mutex{}, map[customer.ID]map[complaint.ID]bool{}}
		}
	case "sharing":
		newStore = func() complaint.Store {
			return sharing{complaint.NewMemStore(), &sync.Mutex{}, map[customer.ID][]complaint.Case{}}
		}
	case "firstVersion":
		newStore = func() complaint.Store {
			return firstVersion{complaint.NewMemStore(), &sync.Mutex{}, map[complaint.ID]complaint.Case{}}
		}
	case "trimming":
		newStore = func() complaint.Store { return mangling{complaint.NewMemStore(), strings.TrimSpace} }
	case "truncating":
		newStore = func() complaint.Store { return mangling{complaint.NewMemStore(), truncate255} }
	case "nulCutting":
		newStore = func() complaint.Store { return nulCutting{complaint.NewMemStore()} }
	case "markDropping":
		newStore = func() complaint.Store { return markDropping{complaint.NewMemStore()} }
	case "erasureDropsMark":
		newStore = func() complaint.Store { return erasureDropsMark{complaint.NewMemStore()} }
	default:
		return
	}
	complainttest.TestStore(t, func(*testing.T) complaint.Store { return newStore() })
}

// TestKitDetectsBrokenStores runs the kit on stores that break one
// promise of Cases, or of the round trip of texts, each and checks that the kit fails the subtests of
// that promise.
func TestKitDetectsBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary once per broken store")
	}
	for broken, wantFailed := range map[string][]string{
		"prefixMatch":      {"CasesOfCustomerWithoutCasesIsEmpty", "CasesOrderedByOpenedThenID"},
		"byID":             {"CasesOrderedByOpenedThenID", "ConcurrentSavesListCorrectly", "ModelBased"},
		"microseconds":     {"CasesOrderedByOpenedThenID"},
		"indexFirst":       {"RejectedSaveChangesNoListing", "CasesFollowTheCurrentComplainant", "ModelBased"},
		"sharing":          {"CasesResultIsACopy"},
		"firstVersion":     {"CasesReturnCurrentState", "CasesFollowTheCurrentComplainant", "ConcurrentSavesListCorrectly", "ModelBased"},
		"trimming":         {"EveryFieldRoundTrips"},
		"truncating":       {"EveryFieldRoundTrips"},
		"nulCutting":       {"OddIDsAreUnknown", "OddIDsKeptOrRefused"},
		"markDropping":     {"RefundOfTheLastUnitsRoundTrips"},
		"erasureDropsMark": {"EraseKeepsTheLastUnitsMark"},
	} {
		t.Run(broken, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStoreHelper$", "-test.v", "-rapid.nofailfile")
			cmd.Env = append(os.Environ(), "COMPLAINTTEST_BROKEN="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed a store that breaks a promise (%s):\n%s", broken, out)
			}
			for _, name := range wantFailed {
				if !strings.Contains(string(out), "--- FAIL: TestBrokenStoreHelper/"+name+" ") {
					t.Errorf("the kit did not fail %s on the %s store", name, broken)
				}
			}
			if n := strings.Count(string(out), "    --- "); n < 15 {
				t.Errorf("the kit ran %d checks: it stops at the first fault instead of running every check:\n%s", n, out)
			}
		})
	}
}
