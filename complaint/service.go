package complaint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	// Store persists cases and events; required: every method of a
	// Service without one returns [ErrNoStore]. A nil *MemStore counts
	// as none. A nil pointer of another Store type is an interface
	// that is not nil: the Service cannot tell it from a store, calls
	// its methods, and gets whatever they do with a nil receiver
	// (typically a panic), so do not set one.
	Store Store
	// Policy configures the guards and priorities; nil means
	// [DefaultPolicy]. Record, Do and DoRetry validate it on every call
	// ([Policy.Validate]).
	Policy *Policy
	// CustomerHistory, when set, is where [Service.Do] and
	// [Service.DoRetry] read the complainant's history to check the
	// carry-out ([CmdCarryOut]) of a refund before they save it: they
	// find the subject's order (Intake.Subject.Order) in it and run
	// [Refunds] on the stored log with the new event appended, and an
	// error refuses the command, the case unchanged and nothing saved.
	// An order the history does not hold is a [*customer.ValidationError]
	// on "subject.order" (CodeUnknown); an error of Refunds is returned
	// as it is, a [*customer.ValidationError] naming the case, the
	// carry-out event and the field ("proposal.units",
	// "proposal.amount", …); an error reading the history is returned
	// wrapped, naming the case and the customer. A refund that leaves
	// the customer no unit of the subject is saved marked
	// ([MarkLastUnits]): the case's RefundedAll is set and the event's
	// LastUnits, so that no refund is proposed after it. Other commands
	// and carry-outs of other resolutions do not read it, nor does a
	// redelivered command ([Command.Key]), answered as stored.
	//
	// It does not record the returns: after a carry-out is saved, the caller
	// runs Refunds on the saved log ([Service.History]) and the history, and
	// records each return with [customer.Recorder.RecordReturn], which
	// checks it again against the history as it is then. A second delivery
	// of the returns is a no-op, so a caller that fails between the two
	// writes runs the same steps again. [Service.RecordMoneyBack] takes
	// these steps, the credits of price reductions and compensations with
	// them. What it closes is the gap of a log that says a refund was
	// carried out that no history can hold. Nil: carry-outs are not checked
	// against the order, and only Refunds refuses such a refund afterwards.
	//
	// It also checks the intake of a new case ([Service.Record], and
	// [Service.Do] with [CmdRecord] on a case the store does not have)
	// once [Policy.Apply] accepted it, before it is saved: the
	// complainant must be a stored customer (otherwise the history's
	// error is returned wrapped, matching [customer.ErrNotFound] and
	// naming the case and the complainant), and the order the subject
	// names (Intake.Subject.Order, when set) must be in the
	// complainant's history (otherwise a [*customer.ValidationError] on
	// "subject.order", CodeUnknown, as the carry-out says). Either
	// refuses the intake, nothing saved; another error reading the
	// history is returned wrapped, naming the case and the customer. A
	// redelivered CmdRecord ([Command.Key]) is answered as stored, the
	// history not read; an intake of a case the store has is the
	// conflict ([ErrConflict]) that Record returns for it without a
	// CustomerHistory, whatever the history says. Nil: an intake is not checked against the
	// customers, and a subject order the complainant does not have, or
	// an unknown complainant, is first found at the carry-out of a
	// refund, by this check or by [Refunds].
	CustomerHistory customer.HistoryReader
	// Clock, when set, is the host's clock, and guards the cases against
	// a now in the future (a machine with a wrong clock, a unit mix-up):
	// [Service.Record], [Service.Do] and [Service.DoRetry] read it once
	// per call (DoRetry once per attempt) and refuse a now later than
	// Clock() + MaxAhead with a [*NowAheadError] (matching [ErrNowAhead]
	// and [customer.ErrInvalid]), before the store is read: nothing is
	// read or saved, and a redelivered command ([Command.Key]) is not
	// answered either. A now at most MaxAhead ahead, or in the past, is
	// taken as before. The library itself reads no clock: a host passes
	// time.Now, or its own clock. A clock that returns the zero time (1
	// January of year 1: a clock not set) refuses every present-day now.
	//
	// Nil (the default): no guard, as before. A now in the future is
	// then trusted: the event is dated then, and since [Apply] refuses
	// a command dated before the case's last event, every later command
	// at the real time is refused ("now" [customer.CodeOrder]) until the
	// real time passes that now; the SLA clocks and analytics read the
	// event at that time too. See "A wrong now" in the package
	// documentation.
	Clock func() time.Time
	// MaxAhead is how far after Clock() a now may be: the clock drift
	// between the machines that give the now and the host's clock. Zero
	// means [DefaultMaxAhead]; a negative MaxAhead allows none (now may
	// not be after Clock()). Without a Clock it is not used.
	MaxAhead time.Duration
}

// DefaultMaxAhead is the [Service].MaxAhead of a Service with a Clock
// and no MaxAhead: five minutes, well above the drift of machines whose
// clocks are kept in step (NTP keeps them within a second) and the time
// a message takes to arrive, and far below the errors the guard is for
// (a clock set to another day or year, seconds taken for milliseconds).
// Within it, a now ahead of the real time holds the case's next command
// back at most that long.
const DefaultMaxAhead = 5 * time.Minute

// ErrNowAhead is matched by every [*NowAheadError]: a now later than a
// [Service]'s clock allows ([Service].Clock).
var ErrNowAhead = errors.New("complaint: now is ahead of the clock")

// NowAheadError reports a call of a [Service] refused because its now is
// later than the Service's clock reading plus its tolerance
// ([Service].Clock, MaxAhead): Now − Clock > MaxAhead. Nothing was read
// or saved. It matches [ErrNowAhead], and its Unwrap gives a
// [*customer.ValidationError] on the field "now" with
// [customer.CodeFuture], so it matches [customer.ErrInvalid] too.
type NowAheadError struct {
	Case     ID            // the case of the call (the intake's ID for Record)
	Op       string        // the operation refused: the command's kind ("record", "accept", …)
	Now      time.Time     // the now given
	Clock    time.Time     // the clock's reading
	MaxAhead time.Duration // how far after Clock a now may be
}

// Error names the case, the operation, the field "now", both times and
// the tolerance, such as `complaint "C-1": accept: now: … is more than
// 5m0s after the clock's …`.
func (e *NowAheadError) Error() string {
	return fmt.Sprintf("%s: now: %s", e.record(), e.detail())
}

func (e *NowAheadError) record() string { return fmt.Sprintf("complaint %q: %s", e.Case, e.Op) }

func (e *NowAheadError) detail() string {
	return fmt.Sprintf("%s is more than %s after the clock's %s", e.Now.Format(time.RFC3339Nano), e.MaxAhead, e.Clock.Format(time.RFC3339Nano))
}

// Is reports whether target is [ErrNowAhead].
func (e *NowAheadError) Is(target error) bool { return target == ErrNowAhead }

// Unwrap returns the refusal as a [*customer.ValidationError] of the
// call, on the field "now" with [customer.CodeFuture].
func (e *NowAheadError) Unwrap() error {
	return customer.Invalid(e.record(), []customer.FieldError{{Field: "now", Code: customer.CodeFuture, Message: e.detail()}})
}

// ahead returns a [*NowAheadError] when s has a Clock and now is later
// than its reading plus the tolerance, for the operation op on case id;
// nil otherwise. It reads the clock once.
func (s *Service) ahead(id ID, op string, now time.Time) error {
	if s.Clock == nil {
		return nil
	}
	tol := s.MaxAhead
	switch {
	case tol == 0:
		tol = DefaultMaxAhead
	case tol < 0:
		tol = 0
	}
	if c := s.Clock(); now.After(c.Add(tol)) {
		return &NowAheadError{Case: id, Op: op, Now: now, Clock: c, MaxAhead: tol}
	}
	return nil
}

// checkIntake checks in, the intake of a case that [Policy.Apply]
// recorded, against the complainant's history when s has a
// CustomerHistory: the complainant is a stored customer and the
// subject's order, when one is named, is in the history. op is the
// command's kind, for the error.
func (s *Service) checkIntake(ctx context.Context, in Intake, op string) error {
	if s.CustomerHistory == nil {
		return nil
	}
	who, want := in.Complainant, in.Subject.Order
	found := false
	for he, err := range s.CustomerHistory.History(ctx, who) {
		if errors.Is(err, customer.ErrNotFound) {
			return caseErr(in.ID, op, fmt.Errorf("complainant %q is not a stored customer: %w", who, err))
		}
		if err != nil {
			return caseErr(in.ID, op, fmt.Errorf("history of customer %q: %w", who, err))
		}
		if want == "" {
			break // the customer is known; no order to find
		}
		if o := he.Order; o != nil && o.ID == want {
			found = true
			break
		}
	}
	if want == "" || found {
		return nil
	}
	var q problems
	q.add("subject.order", customer.CodeUnknown, fmt.Sprintf("order %q is not in the history of customer %q", want, who))
	return q.err(fmt.Sprintf("complaint %q: %s", in.ID, op))
}

// Record opens a new case from intake; note is the staff's note on the
// record event, not a key. It returns an error matching [ErrConflict]
// when a case with the intake's ID exists, a redelivered intake
// included: Record is not idempotent. Where an intake may arrive twice (a
// form submitted again, a message redelivered), use [Service.Do] with a
// [Command] of kind [CmdRecord] carrying the intake and a Key: the
// redelivery then returns the case and event of the first delivery. A
// Policy that does not validate is refused, as [Policy.Apply] refuses
// it, and nothing is saved.
//
// With a CustomerHistory ([Service].CustomerHistory), the complainant
// and the subject's order are checked against the customers' histories
// before the case is saved. With a Clock ([Service].Clock), a now too far
// ahead of it is refused with a [*NowAheadError] before anything else.
func (s *Service) Record(ctx context.Context, intake Intake, note string, actor Actor, now time.Time) (Case, Event, error) {
	if err := s.noStore(); err != nil {
		return Case{}, Event{}, err
	}
	if err := s.ahead(intake.ID, CmdRecord.String(), now); err != nil {
		return Case{}, Event{}, err
	}
	c, ev, err := s.Policy.Apply(Case{}, Command{Kind: CmdRecord, Note: note, Intake: &intake}, actor, now)
	if err != nil {
		return Case{}, Event{}, err
	}
	if err := s.checkIntake(ctx, c.Intake, CmdRecord.String()); err != nil {
		return Case{}, Event{}, s.intakeRefused(ctx, c.ID, err)
	}
	if err := s.Store.Save(ctx, c, ev); err != nil {
		return Case{}, Event{}, recordError(c.ID, err)
	}
	return c, ev, nil
}

// intakeRefused returns err, checkIntake's refusal of the intake of case
// id, unless the store has the case (an intake delivered again, recorded
// before the history was wired; or another writer's): then it is the
// conflict a Save of it gives, as without a CustomerHistory.
func (s *Service) intakeRefused(ctx context.Context, id ID, err error) error {
	if _, gerr := s.Store.Get(ctx, id); gerr == nil {
		return recordError(id, ErrConflict)
	}
	return err
}

// ErrNoStore is returned by every method of a [Service] that has no
// Store, before anything else is checked: a nil *Service, and one whose
// Store is nil or a nil *MemStore (see [Service].Store). A Service is
// made with its Store.
var ErrNoStore = errors.New("complaint: the Service has no Store")

// noStore returns [ErrNoStore] when s is nil or has no Store: a nil
// Store or a nil *MemStore, the package's own store, which a type
// assertion finds; nil otherwise. A nil pointer of another type is not
// detected (see [Service].Store).
func (s *Service) noStore() error {
	if s == nil || s.Store == nil {
		return ErrNoStore
	}
	if m, ok := s.Store.(*MemStore); ok && m == nil {
		return ErrNoStore
	}
	return nil
}

// recordError is the error of a failed save of the new case id: one that
// says so when the case exists (the store's ErrConflict on version 1).
func recordError(id ID, err error) error {
	if errors.Is(err, ErrConflict) {
		return caseErr(id, "record: a case with this ID exists (Service.Do with a Command.Key makes a redelivered intake a no-op)", err)
	}
	return caseErr(id, "record", err)
}

// ErrKeyReused is matched by the error of [Service.Do] when the
// idempotency key of a command ([Command.Key]) is carried by an event of
// the case that records another command or another actor.
var ErrKeyReused = errors.New("complaint: idempotency key reused for another command")

// Do loads case id, applies cmd and saves the result. When the command
// is refused the store is not touched. When another writer saved first it
// returns an error matching [ErrConflict] and nothing is saved: the caller
// may call Do again, which re-reads the case and re-checks the command
// against its new state. An error of the store is returned wrapped,
// naming the case and the command once, such as
// `complaint "C-1": accept: case not found`, and matches the store's
// error (here [ErrNotFound]).
//
// A [CmdRecord] command records case id when the store does not have it
// (its intake must have the ID id); on an existing case it is refused as
// [Apply] refuses it, unless it is a redelivery.
//
// With a CustomerHistory ([Service].CustomerHistory), the carry-out of a
// refund is checked with [Refunds] against the complainant's history
// before it is saved, and refused, nothing saved, when the history
// cannot hold it, and saved marked when it takes back the last units
// the customer holds ([MarkLastUnits]); the returns are the caller's to
// record. A case that
// another writer saved after it was read is the conflict, as above,
// not checked against the log as it was read.
//
// A command with an idempotency key ([Command.Key]) is applied at most
// once per case, so that a command delivered twice from a queue leaves
// one event in the audit trail and one notice: when an event of the case
// carries the key with the same command (compared in its JSON form, note
// included) and the same actor (the same ID and role; departments
// compared as names, [SameDepartment], and one not known, empty, is
// the same as any), Do applies nothing and returns that
// event and the case as it left it, whatever now is (times in the
// command compare as instants, whatever their time zone); with another
// command or actor it returns an error matching [ErrKeyReused] that names
// the case, the key and the event, and stores nothing. Against an event
// that an erasure rewrote ([Event.Erased]) the command is compared in its
// erased form ([EraseEvent]): a delivery that differs from the recorded
// one only in the texts the erasure blanked, such as the note, is a
// redelivery, since nothing is left to tell them apart. A log in which
// two events carry the key is one the workflow did not write: Do returns
// an error matching [ErrBadLog], as [Rebuild] does, and stores nothing.
// A command refused leaves no event, so its redelivery is checked again.
// Looking a key up reads the case's events ([Store.Events]); commands
// without a key do not, apart from the carry-out of a refund checked
// against a CustomerHistory, which reads them for [Refunds].
//
// A Policy that does not validate ([Policy.Validate]) is refused with
// its error before the store is read: no command is applied under it,
// and no redelivery answered. So is, with a Clock ([Service].Clock), a
// now later than the clock allows: a [*NowAheadError] naming the case
// and the command's kind.
//
// A CmdRecord that records a new case has its intake checked against
// the customers' histories when the Service has a CustomerHistory, as
// [Service.Record] has; a redelivered one is answered as stored.
func (s *Service) Do(ctx context.Context, id ID, cmd Command, actor Actor, now time.Time) (Case, Event, error) {
	if err := s.noStore(); err != nil {
		return Case{}, Event{}, err
	}
	if err := s.ahead(id, cmd.Kind.String(), now); err != nil {
		return Case{}, Event{}, err
	}
	p := s.Policy.orDefault()
	if err := p.check(); err != nil {
		return Case{}, Event{}, err
	}
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		if cmd.Kind == CmdRecord && errors.Is(err, ErrNotFound) {
			return s.record(ctx, p, id, cmd, actor, now)
		}
		return Case{}, Event{}, caseErr(id, cmd.Kind.String(), err)
	}
	if cmd.Key != "" {
		done, ev, found, err := s.redelivered(ctx, c, cmd, actor)
		if err != nil {
			return c, Event{}, err
		}
		if found {
			return done, ev, nil
		}
	}
	next, ev, err := p.apply(c, cmd, actor, now)
	if err != nil {
		return c, Event{}, err
	}
	if next, ev, err = s.checkRefund(ctx, c, next, ev); err != nil {
		return c, Event{}, err
	}
	if err := s.Store.Save(ctx, next, ev); err != nil {
		return c, Event{}, caseErr(id, cmd.Kind.String(), err)
	}
	return next, ev, nil
}

// checkRefund checks ev, the event of a command applied to c that gave
// next, against the complainant's history when s has a CustomerHistory
// and ev carries out c's approved refund: it runs [MarkLastUnits] on c's
// log from the store, next and ev, and the order of c's subject found in
// the history, and returns what it gives. It returns next and ev as they
// are otherwise.
func (s *Service) checkRefund(ctx context.Context, c, next Case, ev Event) (Case, Event, error) {
	if s.CustomerHistory == nil || ev.Command.Kind != CmdCarryOut || c.Proposal == nil || c.Proposal.Kind != ResolutionRefund {
		return next, ev, nil
	}
	evs, order, history, err := s.readRefund(ctx, c, ev)
	if err != nil {
		return next, ev, err
	}
	return MarkLastUnits(next, ev, evs, *order, history)
}

// readRefund reads c's log from the store and the complainant's history,
// and finds the order of c's subject in it, for ev, the carry-out of c's
// refund.
func (s *Service) readRefund(ctx context.Context, c Case, ev Event) ([]Event, *customer.Order, []customer.Event, error) {
	op := ev.Command.Kind.String()
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return nil, nil, nil, caseErr(c.ID, op, err)
	}
	if len(evs) > c.Version {
		// Another writer saved after c was read: the Save would find the
		// conflict, and a verdict on the log c was built from would hide
		// it from DoRetry.
		return nil, nil, nil, caseErr(c.ID, op, fmt.Errorf("read at version %d, the store holds %d events: %w", c.Version, len(evs), ErrConflict))
	}
	who := c.Intake.Complainant
	var history []customer.Event
	for he, err := range s.CustomerHistory.History(ctx, who) {
		if err != nil {
			return nil, nil, nil, caseErr(c.ID, op, fmt.Errorf("history of customer %q: %w", who, err))
		}
		history = append(history, he)
	}
	want := c.Intake.Subject.Order
	var order *customer.Order
	for i := range history {
		if o := history[i].Order; o != nil && want != "" && o.ID == want {
			order = o
			break
		}
	}
	if order == nil {
		var q problems
		if want == "" {
			q.add("subject.order", customer.CodeRequired, "the case's subject names no order to take the refund's goods back from")
		} else {
			q.add("subject.order", customer.CodeUnknown, fmt.Sprintf("order %q is not in the history of customer %q", want, who))
		}
		return nil, nil, nil, q.err(fmt.Sprintf("complaint %q: event %d", c.ID, ev.Seq))
	}
	return evs, order, history, nil
}

// record applies the recording cmd of case id, which the store does not
// have, under p, validated, and saves it.
func (s *Service) record(ctx context.Context, p *Policy, id ID, cmd Command, actor Actor, now time.Time) (Case, Event, error) {
	if cmd.Intake != nil && cmd.Intake.ID != id {
		var q problems
		q.add("command.intake.id", customer.CodeMismatch, fmt.Sprintf("%q is not the case %q the command is for", cmd.Intake.ID, id))
		return Case{}, Event{}, q.err(fmt.Sprintf("complaint %q: %s", id, cmd.Kind))
	}
	c, ev, err := p.apply(Case{}, cmd, actor, now)
	if err != nil {
		if cmd.Intake == nil {
			// Apply knows the case only from the intake: name the case
			// the command is for.
			err = forCase(err, id, cmd.Kind)
		}
		return Case{}, Event{}, err
	}
	if err := s.checkIntake(ctx, c.Intake, cmd.Kind.String()); err != nil {
		return Case{}, Event{}, s.intakeRefused(ctx, id, err)
	}
	if err := s.Store.Save(ctx, c, ev); err != nil {
		return Case{}, Event{}, recordError(id, err)
	}
	return c, ev, nil
}

// forCase returns err, an error of [Policy.Apply] about a case it could
// not name, as the same error about case id and command kind.
func forCase(err error, id ID, kind CommandKind) error {
	var ve *customer.ValidationError
	if errors.As(err, &ve) {
		return customer.Invalid(fmt.Sprintf("complaint %q: %s", id, kind), ve.Fields)
	}
	var te *TransitionError
	if errors.As(err, &te) {
		named := *te
		named.Case = id
		return &named
	}
	return err
}

// redelivered looks for an event of c carrying cmd's key. It returns the
// case as that event left it and the event, with found true, when the
// event records the same command and actor, and an error matching
// [ErrKeyReused] when it records another.
func (s *Service) redelivered(ctx context.Context, c Case, cmd Command, actor Actor) (done Case, ev Event, found bool, err error) {
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return Case{}, Event{}, false, caseErr(c.ID, cmd.Kind.String(), err)
	}
	for i, ev := range evs {
		if ev.Command.Key != cmd.Key {
			continue
		}
		if !ev.Erased.IsZero() {
			// The stored command lost the complainant's texts: compare
			// with the erased form of the one delivered.
			cmd = EraseEvent(Event{Command: cmd}, ev.Erased).Command
		}
		if sameActor(ev.Actor, actor) && ev.Command.Kind == cmd.Kind && !sameCommand(ev.Command, cmd) {
			return Case{}, Event{}, false, fmt.Errorf("complaint %q: command.key %q: event %d carries it with another %s by %s (another note or payload): %w",
				c.ID, cmd.Key, ev.Seq, cmd.Kind, actor, ErrKeyReused)
		}
		if !sameActor(ev.Actor, actor) || !sameCommand(ev.Command, cmd) {
			return Case{}, Event{}, false, fmt.Errorf("complaint %q: command.key %q: event %d carries it with %s by %s, not this %s by %s: %w",
				c.ID, cmd.Key, ev.Seq, ev.Command.Kind, ev.Actor, cmd.Kind, actor, ErrKeyReused)
		}
		// A later event with the key too makes the log one the workflow
		// did not write: which of the two the delivery repeats is unknown.
		seen := map[string]int{ev.Command.Key: ev.Seq}
		for _, later := range evs[i+1:] {
			if err := keyOnce(seen, c.ID, later); err != nil {
				return Case{}, Event{}, false, err
			}
		}
		done, err := Rebuild(evs[:i+1])
		if err != nil {
			return Case{}, Event{}, false, err
		}
		return done, ev, true, nil
	}
	return Case{}, Event{}, false, nil
}

// sameActor reports whether a redelivery by b is by the actor a of the
// recorded event: the same ID and role, and departments that are the
// same name ([SameDepartment]) or of which one is not known (empty). The
// department is what the caller knew of the actor at the delivery: a
// consumer that looks it up may find it spelt otherwise, or not at all,
// when the same command comes again.
func sameActor(a, b Actor) bool {
	return a.ID == b.ID && a.Role == b.Role &&
		(a.Department == "" || b.Department == "" || SameDepartment(a.Department, b.Department))
}

// sameCommand reports whether a and b have the same JSON form, with
// instants compared as instants (as [Service.Verify] does), so that a
// command is the same whatever the time zone of its times: a store may
// give back the stored command's times in another location than the
// redelivered command carries. A command that does not encode (an
// undefined enum) is the same as none.
func sameCommand(a, b Command) bool {
	var da, db any
	for _, x := range []struct {
		c Command
		v *any
	}{{a, &da}, {b, &db}} {
		doc, err := json.Marshal(x.c)
		if err != nil {
			return false
		}
		if err := json.Unmarshal(doc, x.v); err != nil {
			return false
		}
	}
	return sameJSON(da, db)
}

// DoRetry is [Service.Do] retried up to attempts times while the error
// matches [ErrConflict]. Each attempt is a Do: with a Clock, each reads
// it, and a now too far ahead of it is refused at the first.
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
	if err := s.noStore(); err != nil {
		return nil, err
	}
	evs, err := s.Store.Events(ctx, id)
	if err != nil {
		return nil, caseErr(id, "history", err)
	}
	return evs, nil
}

// Cases returns the cases of the customer complainant from the store, as
// [Store.Cases] does: each in its current state, ordered by Opened, then
// by ID; an empty result and a nil error for a customer without cases.
// The caller may modify the result. A service desk reads a customer's
// complaint history with it; [Signals] needs each case's events too,
// from [Service.History].
func (s *Service) Cases(ctx context.Context, complainant customer.ID) ([]Case, error) {
	if err := s.noStore(); err != nil {
		return nil, err
	}
	return s.Store.Cases(ctx, complainant)
}

// Logs returns the event logs of the cases opened (recorded) in
// [from, to), each whole, in the order of [Store.Cases] (by Opened, then
// ID), read through the Store's [LogLister] in one pass and one snapshot
// of the store: the logs [Analyze] and [Signals] take. The caller may
// modify the result. A to not after from is an error matching
// [ErrPeriod], and a Store that is not a LogLister an error matching
// errors.ErrUnsupported; neither reads the store. An error of the store
// is returned wrapped, with no logs.
//
// A complaint is recorded at or after the customer made it, never
// before, so the logs a computation needs are these:
//   - [Analyze] of the period [F, T): Logs(ctx, F,
//     now.Add(time.Nanosecond)), now being the time of the report: every
//     case recorded from F up to now included, as to is not (a later to
//     serves too). No case opened before F was made in the period, and a
//     complaint made in it may be typed in after T, up to the very
//     instant of the report (it counts in Report.RecordedLate);
//     Report.LastRecorded is then the latest recording from F on (zero
//     when no case was recorded since F, where the logs of every case
//     would give the latest recording before F).
//   - [Signals] as of A: Logs(ctx, time.Time{}, A.Add(time.Nanosecond)),
//     every case recorded up to A included: a complainant's signals
//     count all their cases (Total), the open ones however old
//     (Unresolved). Cases opened after A are ignored by Signals, so a
//     later to serves too. [Service.Signals] reads them so.
//
// To stream the logs instead, one at a time, call the LogLister's own
// [LogLister.Logs].
func (s *Service) Logs(ctx context.Context, from, to time.Time) ([][]Event, error) {
	if err := s.noStore(); err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, fmt.Errorf("complaint: logs of the cases opened from %s to %s: to is not after from: %w",
			from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), ErrPeriod)
	}
	ll, ok := s.Store.(LogLister)
	if !ok {
		return nil, fmt.Errorf("complaint: logs of the cases opened from %s to %s: the Store %T is not a complaint.LogLister: %w",
			from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), s.Store, errors.ErrUnsupported)
	}
	logs := [][]Event{}
	for log, err := range ll.Logs(ctx, from, to) {
		if err != nil {
			return nil, fmt.Errorf("complaint: logs of the cases opened from %s to %s: %w",
				from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), err)
		}
		logs = append(logs, log)
	}
	return logs, nil
}

// Signals returns each complainant's complaint signals as of asOf, the
// input of the churn risk (risk.ComplaintsAsOf{AsOf: asOf, Signals: …}),
// in one read of the store: the logs of every case recorded up to asOf
// included, Logs(ctx, time.Time{}, asOf.Add(time.Nanosecond)), given to
// [Signals] with window and sla as there (window ≤ 0 means
// [DefaultSignalWindow], a nil sla [DefaultSLA]). Its errors are those
// of [Service.Logs] and of [Signals], with no signals.
func (s *Service) Signals(ctx context.Context, asOf time.Time, window time.Duration, sla *SLAPolicy) (map[customer.ID]customer.ComplaintSignals, error) {
	to := asOf.Add(time.Nanosecond)
	if !to.After(asOf) {
		// asOf is within a nanosecond of the last instant a time.Time
		// holds, where Add saturates.
		to = asOf
	}
	logs, err := s.Logs(ctx, time.Time{}, to)
	if err != nil {
		return nil, err
	}
	return Signals(logs, asOf, window, sla)
}

// Verify rebuilds case id from its stored events and reports an error
// matching [ErrBadLog] when the log is bad or gives another case than the
// stored one: another version or state, or any other field (such as the
// money paid out or the handler, which the guards read), named in the
// error. Instants are compared as instants, whatever their time zone, so
// a store may give back its times in another location. A stored case
// that keeps an approval (ApprovedBy) without its time, as one stored
// before cases kept the approval time ([Case].Approved) does, is
// compared as if the log did not give the time either: the workflow
// carries that zero time on until the approval is cleared, and the case
// is not corrupt. A stored approval time the log does not give, or
// another approver, is reported. Likewise a stored case without
// [Case].RefundedAll whose log gives it is compared as if the log did
// not give it either, as one stored before the field ([Apply] then lets
// the case propose a refund again, which [Refunds] refuses); a stored
// RefundedAll that the log does not give is reported. A log written
// before carry-outs were marked ([Event].LastUnits) gives RefundedAll
// only for refunds of Units 0, as it did; a log with a marked carry-out
// was written after the field, so a stored case without RefundedAll is
// then reported too.
func (s *Service) Verify(ctx context.Context, id ID) error {
	if err := s.noStore(); err != nil {
		return err
	}
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return caseErr(id, "verify", err)
	}
	evs, err := s.Store.Events(ctx, id)
	if err != nil {
		return caseErr(id, "verify", err)
	}
	r, err := Rebuild(evs)
	if err != nil {
		return err
	}
	if r.Version != c.Version || r.State != c.State {
		return fmt.Errorf("complaint %q: stored version %d in %s, events give version %d in %s: %w", id, c.Version, c.State, r.Version, r.State, ErrBadLog)
	}
	if c.Approved.IsZero() && c.ApprovedBy != "" {
		// Stored before cases kept the approval time.
		r.Approved = time.Time{}
	}
	if !c.RefundedAll && !slices.ContainsFunc(evs, func(ev Event) bool { return ev.LastUnits }) {
		// Stored before cases kept it. A log with a marked carry-out
		// was written after, with the case's RefundedAll set.
		r.RefundedAll = false
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
