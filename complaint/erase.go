package complaint

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// ErrOpen is matched by the error of [Eraser.Erase] when one of the
// complainant's cases is still open ([Case.Open]): its texts are kept
// until it is closed, rejected or withdrawn (GDPR art. 17(3)(e): the
// complaint is a legal claim still being dealt with).
var ErrOpen = errors.New("complaint: case still open")

// EraseCase returns a copy of c, sharing nothing with it, without the
// complainant's own words: the description, the demand text and the
// attachments of the intake, the reply of a rejection, the question the
// customer was asked while the case waits, the comment of the feedback
// and the reason of a withdrawal. The texts are blanked either way, since
// a case reopened after an erasure may hold new ones. Erased is set to
// at when the case has events that no erasure reached, those whose
// [EraseEvent] form takes the time at: when it was never erased, or when
// its last event (Updated) is after its erasure ([Apply] dates every
// event appended after an erasure after it). So erasing a case without
// such events changes nothing, its Erased included, and every erasure
// that blanks new texts, a second one after a reopening included, gives
// the case a new Erased, by which [Store.Save] refuses a case computed
// before it (see [Eraser]). Everything else is kept; see "Privacy" in
// the package documentation for why.
func EraseCase(c Case, at time.Time) Case {
	c = c.Clone()
	c.Intake = eraseIntake(c.Intake)
	c.Reply = ""
	c.WaitReason = ""
	c.WithdrawReason = ""
	if c.Feedback != nil {
		c.Feedback.Comment = ""
	}
	if c.Erased.IsZero() || c.Updated.After(c.Erased) {
		c.Erased = at
	}
	return c
}

// EraseEvent returns a copy of ev, sharing nothing with it, without the
// complainant's own words, the fields of the command that [EraseCase]
// blanks in the case: the intake's description, demand text and
// attachments, the reply, the reason of a wait or a withdrawal and the
// feedback's comment, and besides the command's free-text note. Erased
// is set to at unless ev was erased before; an event already erased is
// returned as it is. [Rebuild] accepts the erased form of an event, and
// rebuilds from the erased events of a case its [EraseCase] form.
func EraseEvent(ev Event, at time.Time) Event {
	ev = ev.Clone()
	cmd := &ev.Command
	if cmd.Intake != nil {
		*cmd.Intake = eraseIntake(*cmd.Intake)
	}
	cmd.Note = ""
	cmd.Reply = ""
	if cmd.Kind == CmdWait || cmd.Kind == CmdWithdraw {
		cmd.Reason = ""
	}
	if cmd.Feedback != nil {
		cmd.Feedback.Comment = ""
	}
	if ev.Erased.IsZero() {
		ev.Erased = at
	}
	return ev
}

func eraseIntake(in Intake) Intake {
	in.Description = ""
	in.Demand.Text = ""
	in.Attachments = nil
	return in
}

// erasedPlaceholder fills, for validation only, the texts an erasure
// blanked that a command requires.
const erasedPlaceholder = "(erased)"

// unerased returns, for checking the payload of an erased event, its
// command with the required texts the erasure blanked filled in.
func unerased(cmd Command) Command {
	cmd = cmd.clone()
	if cmd.Intake != nil {
		cmd.Intake.Description = erasedPlaceholder
	}
	switch cmd.Kind {
	case CmdReject:
		cmd.Reply = erasedPlaceholder
	case CmdWait:
		cmd.Reason = erasedPlaceholder
	}
	return cmd
}

// CheckErase reports whether case c may be erased at time at, as
// [Eraser.Erase] requires of each of the complainant's cases: an error
// matching [ErrOpen] that names the case when it is open ([Case.Open]),
// a [*customer.ValidationError] naming the case and the field "at" when
// at is zero or before the case's last event (Case.Updated), since an
// event cannot be erased before it happened and [Rebuild] rejects an
// event so marked; nil otherwise.
func CheckErase(c Case, at time.Time) error {
	if c.Open() {
		return fmt.Errorf("complaint %q of customer %q: erase: in state %s: %w", c.ID, c.Intake.Complainant, c.State, ErrOpen)
	}
	var p problems
	switch {
	case at.IsZero():
		p.add("at", customer.CodeRequired, "is zero")
	case at.Before(c.Updated):
		p.add("at", customer.CodeOrder, fmt.Sprintf("%s is before the case's last event at %s", at.Format(time.RFC3339), c.Updated.Format(time.RFC3339)))
	}
	return p.err(fmt.Sprintf("complaint %q: erase", c.ID))
}

// Eraser is a [Store] that can erase the personal data of a complainant
// from their cases and audit trails (GDPR art. 17, PIPL art. 47): a store
// otherwise keeps events as they are. complainttest.TestStore checks an
// implementation against every sentence below.
type Eraser interface {
	Store
	// Erase replaces, in one atomic step, each case that
	// [Store.Cases](complainant) lists by its [EraseCase] form and each
	// of its events by its [EraseEvent] form, with the time at, and
	// changes neither versions nor the listing. When one of the cases is
	// open ([Case.Open]) it erases nothing and returns an error matching
	// [ErrOpen] that names the case; when at is zero or before the last
	// event of one of them it erases nothing and returns a
	// [*customer.ValidationError] naming the case and the field "at"
	// ([CheckErase] checks a case for both). Erasing what was erased
	// changes nothing; a complainant without cases is not an error.
	// After it, [Store.Save] of a case computed from the case as it was
	// before an erasure that changed it (whose Erased differs, as an
	// instant, from the stored one: [EraseCase] gives every such erasure
	// its own time, a second one included) returns an error matching
	// [ErrConflict] and stores nothing, so that the texts do not come
	// back.
	Erase(ctx context.Context, complainant customer.ID, at time.Time) error
}
