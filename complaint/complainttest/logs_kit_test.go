package complainttest_test

import (
	"context"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// Broken log listers, each breaking one promise of complaint.LogLister
// over a MemStore, to show that the kit notices.

// perCase reads each case's log with its own Events call: no snapshot.
type perCase struct{ *complaint.MemStore }

func (s perCase) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		var cases []complaint.Case
		for _, id := range s.IDs() {
			c, err := s.Get(ctx, id)
			if err != nil {
				yield(nil, err)
				return
			}
			if !c.Opened.Before(from) && c.Opened.Before(to) {
				cases = append(cases, c)
			}
		}
		slices.SortFunc(cases, byOpenedThenID)
		for _, c := range cases {
			time.Sleep(time.Millisecond) // a slow round trip per case
			evs, err := s.Events(ctx, c.ID)
			if !yield(evs, err) || err != nil {
				return
			}
		}
	}
}

// logsByID yields the right logs ordered by case ID.
type logsByID struct{ *complaint.MemStore }

func (s logsByID) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		var logs [][]complaint.Event
		for log, err := range s.MemStore.Logs(ctx, from, to) {
			if err != nil {
				yield(nil, err)
				return
			}
			logs = append(logs, log)
		}
		slices.SortFunc(logs, func(a, b []complaint.Event) int { return strings.Compare(string(a[0].Case), string(b[0].Case)) })
		for _, log := range logs {
			if !yield(log, nil) {
				return
			}
		}
	}
}

// collated yields the cases opened at one instant by ID with accents
// folded first (é and e followed by a combining accent next to e, ä next
// to a), as a database collation other than "C" sorts them, instead of
// byte by byte; IDs in ASCII keep their byte order.
type collated struct{ *complaint.MemStore }

func (s collated) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		var logs [][]complaint.Event
		for log, err := range s.MemStore.Logs(ctx, from, to) {
			if err != nil {
				yield(nil, err)
				return
			}
			logs = append(logs, log)
		}
		fold := func(id complaint.ID) string {
			return strings.Map(func(r rune) rune {
				switch {
				case unicode.Is(unicode.Mn, r):
					return -1
				case r == '\u00e9':
					return 'e'
				case r == '\u00e4':
					return 'a'
				}
				return r
			}, string(id))
		}
		slices.SortStableFunc(logs, func(a, b []complaint.Event) int {
			if d := a[0].At.Compare(b[0].At); d != 0 {
				return d
			}
			if d := strings.Compare(fold(a[0].Case), fold(b[0].Case)); d != 0 {
				return d
			}
			return strings.Compare(string(a[0].Case), string(b[0].Case))
		})
		for _, log := range logs {
			if !yield(log, nil) {
				return
			}
		}
	}
}

// closedPeriod yields the cases opened in [from, to], to included.
type closedPeriod struct{ *complaint.MemStore }

func (s closedPeriod) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return s.MemStore.Logs(ctx, from, to.Add(time.Nanosecond))
}

// recordOnly yields each case's recording event alone.
type recordOnly struct{ *complaint.MemStore }

func (s recordOnly) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		for log, err := range s.MemStore.Logs(ctx, from, to) {
			if len(log) > 1 {
				log = log[:1]
			}
			if !yield(log, err) {
				return
			}
		}
	}
}

// markless lists the events without the mark of a refund of the last
// units (LastUnits), as a query that reads the events through a decoder
// that does not know it.
type markless struct{ *complaint.MemStore }

func (s markless) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		for log, err := range s.MemStore.Logs(ctx, from, to) {
			for i := range log {
				log[i].LastUnits = false
			}
			if !yield(log, err) {
				return
			}
		}
	}
}

// ignoresCtx lists with a context that is never done.
type ignoresCtx struct{ *complaint.MemStore }

func (s ignoresCtx) Logs(_ context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return s.MemStore.Logs(context.Background(), from, to)
}

// TestBrokenLogListerHelper runs the kit on the broken log lister named
// by $COMPLAINTTEST_BROKEN_LOGS, for TestKitDetectsBrokenLogListers; it
// does nothing otherwise.
func TestBrokenLogListerHelper(t *testing.T) {
	var newStore func() complaint.Store
	switch os.Getenv("COMPLAINTTEST_BROKEN_LOGS") {
	case "perCase":
		newStore = func() complaint.Store { return perCase{complaint.NewMemStore()} }
	case "byID":
		newStore = func() complaint.Store { return logsByID{complaint.NewMemStore()} }
	case "collated":
		newStore = func() complaint.Store { return collated{complaint.NewMemStore()} }
	case "closedPeriod":
		newStore = func() complaint.Store { return closedPeriod{complaint.NewMemStore()} }
	case "recordOnly":
		newStore = func() complaint.Store { return recordOnly{complaint.NewMemStore()} }
	case "ignoresCtx":
		newStore = func() complaint.Store { return ignoresCtx{complaint.NewMemStore()} }
	case "markless":
		newStore = func() complaint.Store { return markless{complaint.NewMemStore()} }
	default:
		return
	}
	complainttest.TestStore(t, func(*testing.T) complaint.Store { return newStore() })
}

// TestKitDetectsBrokenLogListers runs the kit on log listers that break
// one promise of Logs each, and checks that the kit fails the subtests
// of that promise, and only subtests that read logs (the model-based one
// reads them too).
func TestKitDetectsBrokenLogListers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary once per broken log lister")
	}
	for broken, wantFailed := range map[string][]string{
		"perCase":      {"LogsAreASnapshot"},
		"byID":         {"LogsOrderedByOpenedThenID", "LogsMatchTheListings"},
		"collated":     {"LogsOrderIDsByteByByte"},
		"closedPeriod": {"LogsPeriodBounds"},
		"recordOnly":   {"LogsOrderedByOpenedThenID", "LogsAreWhole", "LogsMatchTheListings"},
		"ignoresCtx":   {"LogsWithContextDone"},
		"markless":     {"LogsKeepTheLastUnitsMark"},
	} {
		t.Run(broken, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenLogListerHelper$", "-test.v", "-rapid.nofailfile")
			cmd.Env = append(os.Environ(), "COMPLAINTTEST_BROKEN_LOGS="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed a log lister that breaks a promise (%s):\n%s", broken, out)
			}
			for _, name := range wantFailed {
				if !strings.Contains(string(out), "--- FAIL: TestBrokenLogListerHelper/"+name+" ") {
					t.Errorf("the kit did not fail %s on the %s log lister", name, broken)
				}
			}
			for _, line := range strings.Split(string(out), "\n") {
				if name, ok := strings.CutPrefix(strings.TrimSpace(line), "--- FAIL: TestBrokenLogListerHelper/"); ok && !strings.HasPrefix(name, "Logs") && !strings.HasPrefix(name, "ConcurrentSavesLog") && !strings.HasPrefix(name, "ModelBased") {
					t.Errorf("the %s log lister failed a check that is not of Logs: %s", broken, name)
				}
			}
		})
	}
}
