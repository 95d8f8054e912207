// Package complaint implements the complaint-handling workflow of a
// clothing brand as a typed state machine with an audit trail, service
// levels and analytics, following the eight steps of a written
// complaint-handling procedure.
//
// # Workflow
//
// A case is recorded from a complaint form ([Intake]), judged valid or
// rejected with a tactful reply, assigned to a department and a handler,
// investigated (cause and responsible party), given a proposed resolution
// (refund, exchange, repair, price reduction, compensation, apology),
// approved or sent back, revised when the approved resolution cannot be
// carried out ([CmdRevise]: proposed anew and approved again), carried
// out (customer notified, feedback collected, staff accountability
// recorded), and evaluated and closed.
// Besides: waiting for the customer (the SLA clocks pause; a case that
// waits from the assigned, investigated or approved step may be
// reassigned meanwhile, and goes on waiting), escalation, reopening
// within a window when the customer is not satisfied, and withdrawal by
// the customer. A reassignment must move the case: one naming the
// department and handler the case has is refused. Department names
// compare as names, whatever their case and the white space around and
// within them ([SameDepartment]).
//
// Approval is by the relevant department (step 6): besides the
// approver's authority over the amount (see "Money paid") and four eyes
// (the approver is not the proposer), an approver whose department is
// known ([Actor].Department) must be of the case's department, of one
// the policy names as approving every case
// ([Policy].ApprovingDepartments, a central complaint desk), or a
// manager. The same holds for sending a proposal back, the approver's
// other answer to it: a department that may not approve a case's
// proposal may not turn it down either. An approver whose department
// is not known (empty) is checked by role, amount and four eyes only,
// and [Rebuild], which checks no guard, rebuilds a log whatever
// department its approvers had. A case past its assignment always has a
// department: [Apply] refuses one without (case.department), as a
// damaged store may give back, rather than hold its approver to none.
// Nor does it add or compare the amounts of such a case: an amount
// beyond the bounds of an amount (1e-2147483647, whose arithmetic would
// not end), in another currency than the case's, or a negative sum paid
// out is refused by every command, naming the field
// (case.proposal.amount, case.paid_out, …), before anything else.
//
// The configurable parts of the guards (approval thresholds, the reopen
// window and feedback wait, the approving departments, the priority
// rule, the penalties of the staff responsible by the loss) are a
// [Policy]. [Policy.Validate] lists every fault of one, each naming its
// field (approval_thresholds["EUR"], approving_departments[2],
// penalties["EUR"][1].share): an unknown currency, a threshold below
// zero or beyond the bounds of an amount, a negative window, a nil
// priority function, an approving department that is empty, blank or not
// valid UTF-8 (which would approve nobody, silently) or named twice, a
// penalty schedule whose steps do not ascend or do not each ask more than
// the one before, or whose share is not in (0, 100]. [Policy.Apply], and
// [Service] when it applies a command, validate their policy on every
// call and refuse one that does not validate, changing nothing.
//
// The carry-out penalises the staff directly responsible (step 7: "by
// the size of the loss the complaint caused, deduct a share of the
// performance pay of the person responsible"): the staff member a
// finding names ([Finding].Staff) needs an accountability entry, sized
// by the loss as the policy's penalty schedule for the case's currency
// asks ([Policy].Penalties, [PenaltySchedule]): below its first step any
// measure, from one step a warning at least, from another a pay
// deduction of at least a share of the loss. The loss is the one the
// carry-out records ([Execution].Loss) or, without one, what its
// resolution pays the customer. A carry-out whose measure is too light
// is refused with a [*TransitionError] that names the guard and what is
// missing ("a pay deduction of at least 25.00 EUR for a loss of 500.00
// EUR"). [DefaultPolicy] has a schedule; the zero Policy has none, and
// then any measure will do. A finding of staff conduct
// ([CauseStaffConduct]) must name them: [Apply] refuses one that names
// nobody (command.finding.staff), which would let the penalty be skipped
// without a trace. [Rebuild] accepts such a finding in a log written
// before the rule, and the case then carries out only with at least one
// accountability entry, one staff member's entries meeting the schedule.
// Both rules, and the schedule, are [Apply]'s: [Rebuild] checks no guard,
// so logs written before them rebuild.
//
// The workflow is a pure transition table ([Rules], drawn by [Graph]).
// [Apply] is a pure function of (case, command, actor, time): no
// callbacks, no clock. It returns the new [Case] and the [Event] that
// records the transition; a refused command returns a [*TransitionError]
// (no such transition, or the guards that failed) or a
// [*customer.ValidationError] (a bad payload, or a text that is not
// valid UTF-8, a required text or ID of only white space, an ID with a
// control character; or a policy that does not validate), and the case
// is unchanged. [Permitted] lists the
// commands the table allows in a case's state (guards aside).
//
// A caller with a store runs each step through [Service.Do], which
// loads the case, applies the command and saves the case with its event:
// a [CmdRecord] command with an [Intake] opens the case, and the
// commands of the steps above lead it to [CmdClose]. The example
// "jacket" follows one case from intake to close.
//
// A case closes with the customer's feedback, or without it once the
// policy's feedback wait has passed since the carry-out: customers often
// leave a follow-up unanswered, and the case must not stay open for
// that. Follow-up visits check the quality of the resolution and the
// customer's satisfaction with it also after the close: within the
// reopen window the feedback they bring is recorded on the closed case
// ([CmdRecordFeedback]), which stays closed, or, when the customer is not
// satisfied, reopens it.
//
// Rejected cases end there, except that a supervisor may reopen them
// within the reopen window when the customer contests the decision;
// withdrawn cases are final; closed cases may be reopened within the
// window when the customer's feedback shows they are not satisfied. A
// case may be withdrawn until its resolution is carried out, not after,
// also not while it waits for the customer after the carry-out.
//
// # Keeping the customer informed
//
// The procedure asks to keep the customer informed of every step.
// [NoticeOf] tells, for the event that [Apply] returned, what the
// complainant is to hear ([Notice]: received, accepted or rejected with
// the reply, assigned, moved to another department, under investigation,
// the resolution decided, revised (naming the one taken back) and
// carried out, closed, waiting for
// something from the customer, resumed, reopened, withdrawn), and
// nothing of the steps within the brand;
// [Notices] does the same for a whole log. Each notice carries the
// customer's value class, so that the result reaches high-value customers
// in particular. The caller words and sends the message.
//
// # Audit trail
//
// Events are immutable and numbered 1, 2, 3… per case; each records the
// state it left (From) and the one it reached (To). The first event, the
// recording, leaves no state: its From is the zero [State], which prints
// as "new" and is left out of the event's JSON. [Rebuild]
// reproduces a case exactly from its events and rejects a log that is out
// of order, has a gap or records a transition the table does not have.
// SLA clocks ([SLAPolicy.Status]) and analytics ([Analyze], [Signals]) are
// computed from the events, so changing a policy recomputes them without
// losing anything. [Signals] gives each complainant's signals for the churn
// risk (package churn/risk): recent, unresolved and overdue complaints,
// those whose latest feedback says the customer was not satisfied, and
// those a person escalated. The SLA clocks, [Analyze] and [Signals] all
// date a complaint by when the customer made it (Intake.Received), not by
// when it was typed in: the clocks start then, a report's period and the
// recent window of the signals take the complaint by it, so a letter
// received on 31 March and recorded on 2 April is a March complaint. A
// receipt time before [customer.MinRecordYear], a placeholder for a
// missing date that only old logs hold, counts as missing: the
// recording's time stands for it.
//
// # Money paid
//
// A price reduction or a compensation carried out is money the customer
// received without goods coming back. [Credits] turns the log of a case
// into [customer.Credit] records, one per carry-out, with IDs that do not
// change, so that the customer's history (a [customer.HistoryWriter]) and
// its summary count what the complaint cost. A refund brings goods back:
// [Refunds] turns the log into [customer.Return] records of kind
// [customer.Refund], one per carry-out, with IDs that do not change
// either, of the subject's order and the order's lines of the subject's
// SKU (all its lines when the subject names no SKU). A refund's proposal
// says how many units it takes back ([Proposal].Units), taken from those
// lines in line order; without it (0, as in logs written before the
// field) every unit the customer still holds, given the order's earlier
// returns. More units than the customer holds are refused. The return
// pays the approved amount, as its Refund when that is less than the
// share of exactly those units; more is refused, since money on top of
// the share is a compensation. Refunds reads the customer's history
// ([customer.HistoryReader].History) and gives only returns that
// [customer.Recorder.RecordReturn] accepts on it: the amount is also at
// most what is left of the order's net after its price reductions (the
// history's and the case's own) and its other refunds, and the order's
// returns dated after the carry-out must still fit after the case's;
// otherwise it is an error naming the case, the event and the field, and
// nothing is lowered to fit. Record them with
// [customer.Recorder.RecordReturn], the case's credits ([Credits])
// first (see the example of [Refunds]). A refund and a price reduction
// are therefore proposed only on a case whose subject names the order,
// and a refund not after the case carried out a refund that left the
// customer no unit of the subject ([Case].RefundedAll): nothing is left
// to bring back, and more money is a price reduction or a compensation.
// A refund of every unit held (Units 0) sets RefundedAll; a refund by
// Units that takes the last units held sets it when its carry-out is
// marked ([Event].LastUnits) by [MarkLastUnits], which sees the order and
// the history that [Apply] does not (see "Refunds of the last units" at
// [Refunds]). A [Service] with a CustomerHistory
// ([Service].CustomerHistory) runs Refunds before it saves the carry-out
// of a refund, refuses one that the history cannot hold, so that no log
// says a refund was carried out that Refunds then refuses, and marks one
// that takes the last units; it does not record the returns, which the
// caller records as above from the saved log. What a case gives back
// of the order's price, refunds and price reductions over all its
// carry-outs ([Case.Paid]), may
// not exceed the order's value, so a reopened case cannot pay the price
// twice; a compensation is goodwill on top. Take the order's value
// ([Intake].OrderValue) from the customer's history when the case is
// recorded ([customer.Recorder.Refundable]): a higher one lets a case
// pay out a credit that the history then refuses. A supervisor approves a
// payment only while it and everything the case paid out before
// ([Case.PaidOut]) stay within the approval threshold; above it a manager
// approves. The pay deductions of the staff responsible, sized by the
// loss (at least the share the policy's penalty schedule asks),
// together stay within the loss the carry-out records
// ([Execution].Loss) or, without one, what its resolution pays. Amounts
// are in whole minor units of the case's currency.
//
// # Privacy
//
// A case holds the complainant's own words, which are their personal
// data; the customer's right to erasure (GDPR art. 17, PIPL art. 47)
// reaches them although events are otherwise never changed. [EraseCase]
// and [EraseEvent] give the erased form of a case and of an event, and a
// store that implements [Eraser] ([MemStore] does) rewrites a
// complainant's cases and events in that form in one atomic step. The
// caller that anonymises a customer ([customer.Customer.Anonymize]) also
// calls Erase, with the same time.
//
// Blanked, as the complainant's words or the brand's correspondence with
// them: the intake's description, demand text and attachment references,
// the reply of a rejection, what the customer was asked while the case
// waits, the reason of a withdrawal, the feedback's comment, and every
// command's free-text note (any actor may write one, and a note often
// records what the customer said or sent).
//
// Kept, as the brand's business record: the states and times of every
// event, the command kinds, the actors' IDs and departments, the
// priority, the subject's references (order, article, shop, staff,
// delivery: IDs of records kept elsewhere, and the price-reduction and
// order-value bounds need them), the category, severity, channel, value
// class, currency and amounts, the feedback's scores, the finding, the
// proposal (and the one a revision took back, [Event].Revised, with the
// time and approver of its approval), the
// execution with the staff's accountability, the evaluation, and the
// staff's reasons for a send-back, a revision, a reassignment, an
// escalation and a reopening. These are what the workflow, the SLA clocks, [Analyze],
// [Signals], [Credits] and the audit trail's integrity need, so an
// erasure changes none of their results; they are the brand's own
// decisions, kept for its accounting (art. 17(3)(b), a legal obligation
// to keep records of the money paid) and for the defence of legal claims
// (art. 17(3)(e)). The complainant's customer ID stays as the key of
// those records; the customer's name and contact data are erased where
// they are kept, by package customer.
//
// An open case ([Case.Open]) is not erased: [Eraser.Erase] refuses with
// [ErrOpen] and changes nothing, since the complaint is a legal claim
// still being dealt with and its texts are what it is handled on
// (art. 17(3)(e)). The customer may withdraw it (until the resolution is
// carried out) or wait for it to close, then ask again. A closed or
// rejected case erased and then reopened within the reopen window goes
// on without the erased texts; what is recorded after the erasure is
// dated after it ([Apply] refuses an earlier time) and erased by the
// next one.
//
// An erased event carries the time of its erasure (Event.Erased), and
// [Rebuild] accepts a required text blank only in an event so marked and
// blank in every field the erasure blanks; the case rebuilt from erased
// events is the erased case. Case.Erased is the time of the latest
// erasure that reached an event no earlier one had, so every such
// erasure, a second one after a reopening included, changes it. A store
// refuses with [ErrConflict] to save a case computed from its state
// before such an erasure, whose Case.Erased differs (as an instant) from
// the stored one, so that the texts do not come back.
//
// Printed with fmt or logged with log/slog, a [Case], an [Intake], an
// [Event], a [Command], a [Notice] and the parts of a case that hold
// texts show IDs, codes, states, times and counts (a text by its length,
// "description: 42 bytes"), never the texts, so that a case logged by
// mistake copies no personal data into the logs; their JSON form, the
// store's, holds everything. slog asks for a value's own form only where
// it is an attribute's value: a slice, map or struct holding cases or
// events reaches slog.JSONHandler's encoding/json, which writes that JSON
// form, texts included. Log each case or event as an attribute of its own
// (see the examples of [Case.String] and [Case.LogValue]).
//
// # Storage
//
// A [Store] persists a case and its event together with optimistic
// concurrency ([ErrConflict]) and lists a customer's cases
// ([Store.Cases]); [MemStore] is the in-memory one, and the conformance
// kit complainttest.TestStore checks any implementation. A store that is
// a [LogLister] also reads the event logs of all the cases opened in a
// period, of every complainant, in one pass and one snapshot
// ([Service.Logs]): what [Analyze] and [Signals] take for a
// population-wide report. [Service] loads, applies and saves; a nil
// Service, and one without a Store (nil, or a nil *MemStore), refuses
// every call with [ErrNoStore]. A command
// may carry an idempotency key ([Command.Key]): [Service.Do] applies it
// once per case, so that a command delivered twice from a queue leaves
// one event and one notice, and refuses the key with another command
// ([ErrKeyReused]). A Service given the customers' histories
// ([Service].CustomerHistory) checks the carry-out of a refund against
// the complainant's history with [Refunds] before it saves it, and the
// intake of a new case: the complainant is a stored customer who holds
// the order its subject names.
//
// # A wrong now
//
// The package reads no clock: every command is given its now, and
// [Apply] trusts it, except that it refuses a now before the case's
// last event. So one command with a now in the future (a machine whose
// clock is years ahead, seconds taken for milliseconds) dates its event
// then, and every later command on the case at the real time is
// refused ("now" [customer.CodeOrder]) until the real time passes it:
// the case is stuck, and the SLA clocks and analytics read the event at
// that time. A host guards against it by wiring its clock to the
// [Service] ([Service].Clock, with a tolerance MaxAhead,
// [DefaultMaxAhead] by default): a now later than the clock allows is
// then refused with a [*NowAheadError], matching [ErrNowAhead], before
// anything is read or saved. Without a Clock the future now is trusted,
// as Apply trusts it.
//
// The package offers no way to undo a wrong now that got in before the
// guard was wired: events are immutable, no command dates an event
// before the case's last one, and a [Store] has no call that removes an
// event (nor can [Eraser.Erase] erase the case before that time). What
// a host can do is in its own store. The event dated in the future is
// the case's last (every command after it at the real time was
// refused); the events before it are the case as it was. With no
// command of the case under way, the host deletes that event in its
// database and stores, as the case, what [Rebuild] gives from the
// events left (for a case whose recording is the wrong event, it deletes
// the case and records it again); [Service.Verify] checks the result.
// The command is then given again with the real now. A notice the
// customer was sent for the event ([NoticeOf]) stays sent, and a
// redelivery of the command is applied anew, its key gone with the
// event. [MemStore] has no such deletion: a store of the host's own (a
// database) is needed for it.
//
// # Priority
//
// Priority comes from severity and the customer's value class through a
// [PriorityPolicy], so this package does not depend on how value is
// computed; the default puts customers of high current value first.
package complaint
