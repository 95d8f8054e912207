package complaint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// Service runs the workflow against a [Store]: it loads a case, applies
// a command with [Policy.Apply], and saves the new case and its event
// together. Behaviour lives here; a Store only persists.
//
// Service holds no state of its own besides its fields and is safe for
// concurrent use when its Store is.
type Service struct {
	// Store persists cases and events; required.
	Store Store
	// Policy configures the guards and priorities; nil means
	// [DefaultPolicy].
	Policy *Policy
}

// Record opens a new case from intake. It returns an error matching
// [ErrConflict] when a case with the intake's ID exists.
func (s *Service) Record(ctx context.Context, intake Intake, note string, actor Actor, now time.Time) (Case, Event, error) {
	c, ev, err := s.Policy.Apply(Case{}, Command{Kind: CmdRecord, Note: note, Intake: &intake}, actor, now)
	if err != nil {
		return Case{}, Event{}, err
	}
	if err := s.Store.Save(ctx, c, ev); err != nil {
		return Case{}, Event{}, fmt.Errorf("complaint %q: record: %w", c.ID, err)
	}
	return c, ev, nil
}

// Do loads case id, applies cmd and saves the result. When the command
// is refused the store is not touched. When another writer saved first it
// returns an error matching [ErrConflict] and nothing is saved: the caller
// may call Do again, which re-reads the case and re-checks the command
// against its new state.
func (s *Service) Do(ctx context.Context, id ID, cmd Command, actor Actor, now time.Time) (Case, Event, error) {
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return Case{}, Event{}, fmt.Errorf("complaint %q: %s: %w", id, cmd.Kind, err)
	}
	next, ev, err := s.Policy.Apply(c, cmd, actor, now)
	if err != nil {
		return c, Event{}, err
	}
	if err := s.Store.Save(ctx, next, ev); err != nil {
		return c, Event{}, fmt.Errorf("complaint %q: %s: %w", id, cmd.Kind, err)
	}
	return next, ev, nil
}

// DoRetry is [Service.Do] retried up to attempts times while the error
// matches [ErrConflict].
func (s *Service) DoRetry(ctx context.Context, id ID, cmd Command, actor Actor, now time.Time, attempts int) (Case, Event, error) {
	var (
		c   Case
		ev  Event
		err error
	)
	for i := 0; i < max(attempts, 1); i++ {
		c, ev, err = s.Do(ctx, id, cmd, actor, now)
		if !errors.Is(err, ErrConflict) {
			break
		}
	}
	return c, ev, err
}

// History returns the case's events from the store.
func (s *Service) History(ctx context.Context, id ID) ([]Event, error) {
	return s.Store.Events(ctx, id)
}

// Cases returns the cases of the customer complainant from the store, as
// [Store.Cases] does: each in its current state, ordered by Opened, then
// by ID; an empty result and a nil error for a customer without cases.
// The caller may modify the result. A service desk reads a customer's
// complaint history with it; [Signals] needs each case's events too,
// from [Service.History].
func (s *Service) Cases(ctx context.Context, complainant customer.ID) ([]Case, error) {
	return s.Store.Cases(ctx, complainant)
}

// Verify rebuilds case id from its stored events and reports an error
// matching [ErrBadLog] when the log is bad or gives another case than the
// stored one: another version or state, or any other field (such as the
// money paid out or the handler, which the guards read), named in the
// error. Instants are compared as instants, whatever their time zone, so
// a store may give back its times in another location.
func (s *Service) Verify(ctx context.Context, id ID) error {
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	evs, err := s.Store.Events(ctx, id)
	if err != nil {
		return err
	}
	r, err := Rebuild(evs)
	if err != nil {
		return err
	}
	if r.Version != c.Version || r.State != c.State {
		return fmt.Errorf("complaint %q: stored version %d in %s, events give version %d in %s: %w", id, c.Version, c.State, r.Version, r.State, ErrBadLog)
	}
	field, err := caseDiff(c, r)
	if err != nil {
		return fmt.Errorf("complaint %q: %w", id, err)
	}
	if field != "" {
		return fmt.Errorf("complaint %q: stored field %s differs from the one its events give: %w", id, field, ErrBadLog)
	}
	return nil
}

// caseDiff returns the JSON name of the first field, in sorted order, in
// which a and b differ ("" when none does), comparing their JSON forms,
// with instants compared as instants.
func caseDiff(a, b Case) (string, error) {
	var fa, fb map[string]any
	for _, x := range []struct {
		c Case
		m *map[string]any
	}{{a, &fa}, {b, &fb}} {
		doc, err := json.Marshal(x.c)
		if err != nil {
			return "", err
		}
		if err := json.Unmarshal(doc, x.m); err != nil {
			return "", err
		}
	}
	names := make([]string, 0, len(fa)+len(fb))
	for k := range fa {
		names = append(names, k)
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		if !sameJSON(fa[k], fb[k]) {
			return k, nil
		}
	}
	return "", nil
}

// sameJSON reports whether two decoded JSON values are equal, strings
// that are both RFC 3339 instants comparing as instants.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		tx, errx := time.Parse(time.RFC3339Nano, x)
		ty, erry := time.Parse(time.RFC3339Nano, y)
		return errx == nil && erry == nil && tx.Equal(ty)
	default:
		return a == b
	}
}

func sortIDs(ids []ID) { sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) }
