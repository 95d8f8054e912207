package complaint

import (
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/internal/logtext"
)

// Event is one entry of a case's audit trail: the transition that
// command Command, applied by Actor at At, made from state From (0 for the
// recording) to state To. Seq numbers a case's events 1, 2, 3… without
// gaps; after the event the case has Version == Seq. Priority is the
// case's priority after the event (derived by the policy at recording,
// raised by escalation), so that rebuilding needs no policy.
//
// Events are immutable facts, but for the erasure of the complainant's
// words ([EraseEvent]): a case is rebuilt from them with [Rebuild],
// and SLAs and analytics are computed from them. The first event's From,
// the zero [State], prints as "new" and is left out of the JSON form.
type Event struct {
	Case     ID        `json:"case"`           // the case
	Seq      int       `json:"seq"`            // 1, 2, 3… within the case
	At       time.Time `json:"at"`             // when
	Actor    Actor     `json:"actor"`          // who, in which role
	From     State     `json:"from,omitempty"` // state before; 0 ("new") for the recording
	To       State     `json:"to"`             // state after
	Command  Command   `json:"command"`        // the command with its note and payload
	Priority Priority  `json:"priority"`       // priority after the event
	// FromDepartment is, for a reassignment, the department the case
	// left (the one it had before the event), so that [NoticeOf] can tell
	// a move to another department, which the customer hears of, from a
	// new handler within the same one. It is empty for every other
	// command, and in reassignments logged before events recorded it.
	FromDepartment string `json:"from_department,omitempty"`
	// Revised is, for a revision ([CmdRevise]), the approved resolution
	// it takes back (the case's Proposal before the event, which the
	// revision clears), so that [NoticeOf] can tell the complainant which
	// resolution will not be carried out as announced (domain rules §5:
	// keep the customer informed of every step). It is the brand's
	// decision, not the complainant's words: an erasure keeps it, as it
	// keeps the proposal ([EraseEvent]). It is nil for every other
	// command, and in revisions logged before events recorded it.
	Revised *Proposal `json:"revised,omitempty"`
	// RevisedApproved and RevisedApprovedBy are, for a revision, when and
	// by whom the resolution it takes back was approved (the case's
	// Approved and ApprovedBy before the event), so that the complainant
	// and an auditor learn which decision of which day is taken back.
	// Like Revised, an erasure keeps them. They are zero for every other
	// command, in revisions logged before events recorded them, and
	// RevisedApproved also in a revision of a case stored before cases
	// kept the approval time ([Case].Approved): the time of that decision
	// is then not known to the event.
	RevisedApproved   time.Time `json:"revised_approved,omitzero"`
	RevisedApprovedBy ActorID   `json:"revised_approved_by,omitempty"`
	// LastUnits is, for the carry-out of a refund ([CmdCarryOut] of a
	// [ResolutionRefund]), that the refund left the customer no unit of
	// the subject: the case then sets [Case].RefundedAll, as after a
	// refund of every unit held (Units 0). [Apply] does not see the
	// order and never sets it; [MarkLastUnits] does, which [Service.Do]
	// calls with a CustomerHistory ([Service].CustomerHistory). [Rebuild]
	// refuses it on any other event, and [Refunds] on a refund after
	// which the customer still holds units of the subject. It is false
	// in every event logged before events recorded it, and an erasure
	// keeps it.
	//
	// A reader that does not know the field (encoding/json drops
	// unknown fields), as code written before it, reads the event
	// unmarked. When such code writes the event back unmarked while the
	// case keeps RefundedAll, or writes back a case without RefundedAll
	// while the event keeps the mark, [Service.Verify] reports the case
	// (field refunded_all). When it writes back both without them, as an
	// erasure that rewrites a customer's cases and events may, the log
	// reads as one written before the mark, which Verify accepts: Apply
	// accepts another refund proposal, and [Refunds] refuses its
	// carry-out ([Service.Do] with a CustomerHistory before it is saved,
	// otherwise the whole log once it is; see "Refunds of the last
	// units" at [Refunds]).
	LastUnits bool `json:"last_units,omitempty"`
	// Erased is when the complainant's own words were erased from the
	// event ([EraseEvent]), zero if never. It is the one change a store
	// makes to an event it keeps.
	Erased time.Time `json:"erased,omitzero"`
}

// Clone returns a deep copy of e.
func (e Event) Clone() Event {
	e.Command = e.Command.clone()
	e.Revised = cloneProposal(e.Revised)
	return e
}

// ErrBadLog is matched by the errors of [Rebuild]: the events are empty,
// out of order, have a gap, mix cases, record a transition the table
// does not have, or carry one idempotency key twice.
var ErrBadLog = errors.New("complaint: bad event log")

func badLog(id ID, seq int, format string, args ...any) error {
	return fmt.Errorf("complaint %q: event %d: %s: %w", id, seq, fmt.Sprintf(format, args...), ErrBadLog)
}

// Rebuild reproduces a case from its events, in order. It checks that the
// log is well formed — sequence numbers 1, 2, 3… without gap, one case ID,
// times that never go back, each event's From equal to the state reached,
// a transition the table has, a To that the table (or, for resume, the
// waiting case) gives, a valid actor and payload, the priority the event
// may set, a department left ([Event.FromDepartment]) only by a
// reassignment and the case's, a resolution taken back ([Event.Revised])
// only by a revision and the case's approved one, the approval time and
// approver of the resolution taken back ([Event.RevisedApproved],
// [Event.RevisedApprovedBy]), when given, only by a revision and the
// case's (the time compared as an instant), an idempotency key
// ([Command.Key]) that no earlier event carries, the last units taken
// back ([Event.LastUnits]) only by the carry-out of a refund — and
// returns an error
// wrapping [ErrBadLog] otherwise. A
// command produces one event and [Service.Do] applies a keyed command
// once per case, so a key on two events is a log the workflow did not
// write (and a redelivery would be compared with only one of them); the
// error names both events and the key. It does not re-check guards: they
// were checked under the policy in force when the event happened, and a
// later policy change must not rewrite history.
// An event marked erased (Event.Erased, not before its At) must be in its
// [EraseEvent] form, and then the texts the erasure blanked count as
// given; an event not so marked is checked as it was recorded. An
// erasure rewrites every event of the case, so an event marked erased
// never follows one that is not; an event that an earlier erasure did
// not reach (its Erased is not the case's as rebuilt so far) was
// appended after it and must be dated after it, as [Apply] requires.
// The rebuilt case's Erased is that of its last event marked erased.
//
// For every case c and its events evs produced by [Apply] from commands
// whose keys, when given, differ (as [Service.Do] ensures), each
// carry-out with the case it gave marked by [MarkLastUnits] or not,
// Rebuild(evs) equals c.
func Rebuild(events []Event) (Case, error) {
	var c Case
	if len(events) == 0 {
		return c, fmt.Errorf("complaint: no events: %w", ErrBadLog)
	}
	keys := make(map[string]int)
	for i := range events {
		if i > 0 && events[i-1].Erased.IsZero() && !events[i].Erased.IsZero() {
			return Case{}, badLog(c.ID, events[i].Seq, "marked erased, but event %d is not: an erasure rewrites every event of the case", events[i-1].Seq)
		}
		var err error
		if c, err = replay(c, events[i]); err != nil {
			return Case{}, err
		}
		if err := keyOnce(keys, c.ID, events[i]); err != nil {
			return Case{}, err
		}
	}
	return c, nil
}

// keyOnce records in seen (key to sequence number) the idempotency key
// of ev, of case id, and reports an error wrapping [ErrBadLog] when an
// earlier event carries it.
func keyOnce(seen map[string]int, id ID, ev Event) error {
	k := ev.Command.Key
	if k == "" {
		return nil
	}
	if first, ok := seen[k]; ok {
		return badLog(id, ev.Seq, "command.key %q is carried by event %d too: a keyed command is applied once", k, first)
	}
	seen[k] = ev.Seq
	return nil
}

// replay checks ev against c and applies it.
func replay(c Case, ev Event) (Case, error) {
	id := c.ID
	if c.Version == 0 {
		if ev.Command.Intake != nil {
			id = ev.Command.Intake.ID
		} else {
			id = ev.Case
		}
	}
	if ev.Seq != c.Version+1 {
		return c, badLog(id, ev.Seq, "expected sequence number %d", c.Version+1)
	}
	if ev.Case != id {
		return c, badLog(id, ev.Seq, "belongs to case %q", ev.Case)
	}
	if ev.At.Before(c.Updated) {
		return c, badLog(id, ev.Seq, "at %s, before the previous event", ev.At.Format(time.RFC3339))
	}
	from := c.State
	if c.Version == 0 {
		from = 0
	}
	if ev.From != from {
		return c, badLog(id, ev.Seq, "from %s, but the case is in %s", ev.From, from)
	}
	r, ok := lookup(from, ev.Command.Kind)
	if !ok {
		return c, badLog(id, ev.Seq, "%s is not a transition from %s", ev.Command.Kind, from)
	}
	to := r.to
	if to == 0 {
		to = c.ResumeTo
	}
	if ev.To != to {
		return c, badLog(id, ev.Seq, "to %s, but %s leads to %s", ev.To, ev.Command.Kind, to)
	}
	cmd := ev.Command
	if !ev.Erased.IsZero() {
		// Only the erased form: every text the erasure blanks is blank.
		if ev.Erased.Before(ev.At) {
			return c, badLog(id, ev.Seq, "erased at %s, before it happened", ev.Erased.Format(time.RFC3339))
		}
		if !sameCommand(EraseEvent(ev, ev.Erased).Command, ev.Command) {
			return c, badLog(id, ev.Seq, "marked erased at %s, but holds the complainant's texts", ev.Erased.Format(time.RFC3339))
		}
		cmd = unerased(cmd)
	}
	var p problems
	prior := c
	if ev.Erased.Equal(c.Erased) {
		// Erased with the events before it: recorded before that
		// erasure, not appended after it.
		prior.Erased = time.Time{}
	}
	checkActor(&p, prior, ev.Actor, ev.At)
	checkCommand(&p, c, cmd, ev.At)
	if len(p.fields) > 0 {
		return c, badLog(id, ev.Seq, "%v", p.err(fmt.Sprintf("complaint %q: %s", id, ev.Command.Kind)))
	}
	switch {
	case ev.FromDepartment != "" && ev.Command.Kind != CmdReassign:
		return c, badLog(id, ev.Seq, "%s leaves no department, names %q", ev.Command.Kind, ev.FromDepartment)
	case ev.FromDepartment != "" && ev.FromDepartment != c.Department:
		return c, badLog(id, ev.Seq, "reassignment from department %q, but the case is with %q", ev.FromDepartment, c.Department)
	case ev.Revised != nil && ev.Command.Kind != CmdRevise:
		return c, badLog(id, ev.Seq, "%s takes back no resolution, names %s", ev.Command.Kind, *ev.Revised)
	case ev.Revised != nil && !sameProposal(ev.Revised, c.Proposal):
		return c, badLog(id, ev.Seq, "revision of %s, but the case's approved resolution is %s", *ev.Revised, proposalText(c.Proposal))
	case !ev.RevisedApproved.IsZero() && ev.Command.Kind != CmdRevise:
		return c, badLog(id, ev.Seq, "revised_approved: %s takes back no resolution, names one approved at %s", ev.Command.Kind, logtext.Time(ev.RevisedApproved))
	case ev.RevisedApprovedBy != "" && ev.Command.Kind != CmdRevise:
		return c, badLog(id, ev.Seq, "revised_approved_by: %s takes back no resolution, names one approved by %q", ev.Command.Kind, string(ev.RevisedApprovedBy))
	case !ev.RevisedApproved.IsZero() && !ev.RevisedApproved.Equal(c.Approved):
		return c, badLog(id, ev.Seq, "revised_approved: revision of a resolution approved at %s, but the case's was approved at %s",
			logtext.Time(ev.RevisedApproved), logtext.Time(c.Approved))
	case ev.RevisedApprovedBy != "" && ev.RevisedApprovedBy != c.ApprovedBy:
		return c, badLog(id, ev.Seq, "revised_approved_by: revision of a resolution approved by %q, but the case's was approved by %q",
			string(ev.RevisedApprovedBy), string(c.ApprovedBy))
	case ev.LastUnits && (ev.Command.Kind != CmdCarryOut || c.Proposal == nil || c.Proposal.Kind != ResolutionRefund):
		return c, badLog(id, ev.Seq, "last_units: %s carries out no refund, but says it took back the last units of the subject", ev.Command.Kind)
	}
	switch {
	case !ev.Priority.Valid():
		return c, badLog(id, ev.Seq, "undefined priority %d", uint8(ev.Priority))
	case ev.Command.Kind == CmdEscalate && ev.Priority != min(c.Priority+1, PriorityUrgent):
		return c, badLog(id, ev.Seq, "escalation to priority %s from %s", ev.Priority, c.Priority)
	case ev.Command.Kind != CmdRecord && ev.Command.Kind != CmdEscalate && ev.Priority != c.Priority:
		return c, badLog(id, ev.Seq, "priority %s changed by %s", ev.Priority, ev.Command.Kind)
	}
	c = evolve(c, ev)
	if !ev.Erased.IsZero() {
		c.Erased = ev.Erased
	}
	return c, nil
}

// sameProposal reports whether a and b are the same resolution: the same
// kind, amount (value and currency), units and detail.
func sameProposal(a, b *Proposal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Kind == b.Kind && a.Detail == b.Detail && a.Units == b.Units &&
		a.Amount.Currency() == b.Amount.Currency() && a.Amount.Equal(b.Amount)
}

// proposalText returns p's text form ([Proposal.String]), or "none".
func proposalText(p *Proposal) string {
	if p == nil {
		return "none"
	}
	return p.String()
}
