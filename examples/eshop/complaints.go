package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// Case IDs are assigned by the server: "<customer>:<n>", n = 1, 2, 3… per
// customer, so that an ID says whose case it is and a client never picks
// one. The next number follows the highest of the customer's cases, which
// the store lists.

// caseID is the ID of customer id's n-th case.
func caseID(id customer.ID, n int) complaint.ID {
	return complaint.ID(string(id) + ":" + strconv.Itoa(n))
}

// nextCaseNumber returns the number after the highest n among the IDs
// "<id>:<n>" of cases; cases with IDs of another form do not count.
func nextCaseNumber(id customer.ID, cases []complaint.Case) int {
	last := 0
	for _, c := range cases {
		rest, ok := strings.CutPrefix(string(c.ID), string(id)+":")
		if n, err := strconv.Atoi(rest); ok && err == nil && n > last {
			last = n
		}
	}
	return last + 1
}

// casesOf returns the event logs of customer id's cases, in the store's
// listing order (opened, then ID).
func (s *Server) casesOf(ctx context.Context, id customer.ID) ([][]complaint.Event, error) {
	cases, err := s.cases.Cases(ctx, id)
	if err != nil {
		return nil, err
	}
	logs := make([][]complaint.Event, 0, len(cases))
	for _, c := range cases {
		evs, err := s.cases.History(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		logs = append(logs, evs)
	}
	return logs, nil
}

type subjectIn struct {
	Kind     string `json:"kind"`
	Order    string `json:"order"`
	SKU      string `json:"sku"`
	Store    string `json:"store"`
	Staff    string `json:"staff"`
	Delivery string `json:"delivery"`
}

type demandIn struct {
	Kind   string `json:"kind"`
	Amount string `json:"amount"`
	Text   string `json:"text"`
}

// intakeIn is the complaint form. The case ID is assigned by the server.
type intakeIn struct {
	Complainant string    `json:"complainant"`
	Channel     string    `json:"channel"`
	Received    string    `json:"received"`
	Subject     subjectIn `json:"subject"`
	Category    string    `json:"category"`
	Severity    string    `json:"severity"`
	Currency    string    `json:"currency"`
	OrderValue  string    `json:"order_value"`
	Demand      demandIn  `json:"demand"`
	Description string    `json:"description"`
	Attachments []string  `json:"attachments"`
	Note        string    `json:"note"`
}

func (in *intakeIn) intake(p *problems) complaint.Intake {
	if !validID.MatchString(in.Complainant) {
		p.add("complainant", "must be 1–64 letters, digits, '.', '-' or '_'")
	}
	cur := parseCurrency(p, "currency", in.Currency)
	return complaint.Intake{
		Complainant: customer.ID(in.Complainant),
		Channel:     parseEnum(p, "channel", in.Channel, true, complaint.ParseChannel),
		// Stored in UTC, as the API writes every time it answers.
		Received: parseTime(p, "received", in.Received, true).UTC(),
		Subject: complaint.Subject{
			Kind:  parseEnum(p, "subject.kind", in.Subject.Kind, true, complaint.ParseSubjectKind),
			Order: in.Subject.Order, SKU: in.Subject.SKU, Store: in.Subject.Store,
			Staff: in.Subject.Staff, Delivery: in.Subject.Delivery,
		},
		Category:   parseEnum(p, "category", in.Category, true, complaint.ParseCategory),
		Severity:   parseEnum(p, "severity", in.Severity, true, complaint.ParseSeverity),
		Currency:   cur,
		OrderValue: parseMoney(p, "order_value", in.OrderValue, cur),
		Demand: complaint.Demand{
			Kind:   parseEnum(p, "demand.kind", in.Demand.Kind, true, complaint.ParseResolutionKind),
			Amount: parseMoney(p, "demand.amount", in.Demand.Amount, cur),
			Text:   in.Demand.Text,
		},
		Description: in.Description,
		Attachments: in.Attachments,
	}
}

// actor is who acts on a complaint for caller: a staff key in its own
// role; the shop's key as the complainant (the web complaint form).
func actor(caller Caller, complainant customer.ID) complaint.Actor {
	if r := caller.Role.complaintRole(); r != 0 {
		return complaint.Actor{ID: complaint.ActorID(caller.ID), Role: r}
	}
	return complaint.Actor{ID: complaint.ActorID(complainant), Role: complaint.RoleCustomer}
}

type caseOut struct {
	Case      complaint.Case          `json:"case"`
	Events    []complaint.Event       `json:"events,omitempty"`
	Permitted []complaint.CommandKind `json:"permitted"`
	// Refund is, for the carry-out of a refund, the return it recorded
	// and the points the return clawed back.
	Refund *refundOut `json:"refund,omitempty"`
}

// postComplaint opens a case from the complaint form. The form sent
// again is the case recorded before (200, no second case): under an
// Idempotency-Key, the case whose recording carries the key (the key with
// another form is 409); without one, the case recorded from the same
// form, note and caller (recordedBefore).
func (s *Server) postComplaint(ctx context.Context, caller Caller, r *http.Request) (int, any, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return 0, nil, err
	}
	var in intakeIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var p problems
	intake := in.intake(&p)
	if err := p.err(); err != nil {
		return 0, nil, err
	}
	// Orders are in the programme's currency only; money of a complaint
	// in another becomes a credit no summary of the customer can add up.
	if cur := s.programme.Config().Currency; intake.Currency != cur {
		return 0, nil, badRequest("currency", "this shop sells in %s", cur)
	}
	now := s.now()
	intake.ID = "pending"
	if err := intake.Validate(now); err != nil {
		return 0, nil, err
	}
	if _, err := s.stores.Customers.Get(ctx, intake.Complainant); err != nil {
		return 0, nil, notFound(err, "complainant", "no such customer")
	}
	// The value class sets the priority (high current value first).
	intake.Value = s.valueClass(ctx, intake.Complainant, now)
	defer s.lock(intake.Complainant)()
	cases, err := s.cases.Cases(ctx, intake.Complainant)
	if err != nil {
		return 0, nil, err
	}
	who := actor(caller, intake.Complainant)
	// A form sent again (the shop retries after a timeout) is the case
	// recorded before: the same answer, 200, and no second case.
	if c, ev, ok, err := s.recordedBefore(ctx, cases, intake, in.Note, who, key); err != nil {
		return 0, nil, err
	} else if ok {
		return s.opened(caller, http.StatusOK, c, ev)
	}
	first := nextCaseNumber(intake.Complainant, cases)
	for n := first; ; n++ {
		intake.ID = caseID(intake.Complainant, n)
		// Do records the case under the key, which its first event
		// carries; a case stored under the number since the listing
		// refuses the recording (ErrConflict on the save, or the
		// transition refused when Do finds the case).
		c, ev, err := s.cases.Do(ctx, intake.ID, complaint.Command{Kind: complaint.CmdRecord, Note: in.Note, Intake: &intake, Key: key}, who, now)
		var te *complaint.TransitionError
		taken := errors.Is(err, complaint.ErrConflict) || errors.As(err, &te) && te.Command == complaint.CmdRecord
		if taken {
			// Another server may have recorded this very form (the
			// request sent again while this one worked): that case is
			// the answer, not a second case under the next number.
			if got, gerr := s.stores.Complaints.Get(ctx, intake.ID); gerr == nil {
				if c, ev, ok, rerr := s.recordedBefore(ctx, []complaint.Case{got}, intake, in.Note, who, key); rerr != nil {
					return 0, nil, rerr
				} else if ok {
					return s.opened(caller, http.StatusOK, c, ev)
				}
			}
		}
		if taken && n < first+7 {
			continue // another process took the number
		}
		if err != nil {
			return 0, nil, err
		}
		return s.opened(caller, http.StatusCreated, c, ev)
	}
}

// opened is the answer to the recording of case c by event ev, with the
// case's path as its Location.
func (s *Server) opened(caller Caller, status int, c complaint.Case, ev complaint.Event) (int, any, error) {
	loc := "/v1/complaints/" + url.PathEscape(string(c.ID))
	if !caller.Role.Can(RightComplaintRead) {
		// The shop may not read complaints, nor the customer's value
		// class that set the priority: it learns the case it opened.
		return status, locatedBody{openedOut{Case: openedCase{ID: c.ID, State: c.State, Opened: formatTime(c.Opened)}}, loc}, nil
	}
	return status, locatedBody{caseOut{Case: c, Events: []complaint.Event{ev}, Permitted: complaint.Permitted(c)}, loc}, nil
}

// recordedBefore returns the case of cases recorded from the same form as
// intake, and the event that recorded it: the form sent again. Under the
// idempotency key key, that is the case whose recording carries key, and
// one recorded from another form, note or caller is an error (409);
// without a key, the case recorded without one from the same form
// (sameIntake) with the same note by the same actor — two complaints of
// one customer received at the same instant with the same subject, demand
// and words are one complaint. ok is false when there is none.
func (s *Server) recordedBefore(ctx context.Context, cases []complaint.Case, intake complaint.Intake, note string, who complaint.Actor, key string) (complaint.Case, complaint.Event, bool, error) {
	for _, c := range cases {
		if key == "" && !sameIntake(c.Intake, intake) {
			continue
		}
		evs, err := s.cases.History(ctx, c.ID)
		if err != nil {
			return complaint.Case{}, complaint.Event{}, false, err
		}
		if len(evs) == 0 || evs[0].Command.Key != key {
			continue
		}
		same := sameIntake(c.Intake, intake) && evs[0].Actor == who && evs[0].Command.Note == note
		if !same && key == "" {
			continue
		}
		if !same {
			return complaint.Case{}, complaint.Event{}, false, &apiError{status: http.StatusConflict, field: "Idempotency-Key",
				msg: fmt.Sprintf("Idempotency-Key: complaint %q was recorded under this key from another form, note or caller", c.ID)}
		}
		return c, evs[0], true, nil
	}
	return complaint.Case{}, complaint.Event{}, false, nil
}

// sameIntake reports whether a and b are the same complaint form: every
// field the caller sends is equal (times as instants, money by amount and
// currency); the case ID and the value class, which the server sets, are
// not compared.
func sameIntake(a, b complaint.Intake) bool {
	return a.Complainant == b.Complainant && a.Channel == b.Channel && a.Received.Equal(b.Received) &&
		a.Subject == b.Subject && a.Category == b.Category && a.Severity == b.Severity &&
		a.Currency == b.Currency && a.OrderValue.Equal(b.OrderValue) &&
		a.Demand.Kind == b.Demand.Kind && a.Demand.Amount.Equal(b.Demand.Amount) && a.Demand.Text == b.Demand.Text &&
		a.Description == b.Description && slices.Equal(a.Attachments, b.Attachments)
}

// openedOut is the answer to a caller that opens a complaint without the
// right to read complaints: the case's ID, state and opening time.
type openedOut struct {
	Case openedCase `json:"case"`
}

type openedCase struct {
	ID     complaint.ID    `json:"id"`
	State  complaint.State `json:"state"`
	Opened string          `json:"opened"`
}

// valueClass is the complainant's value quadrant under the current
// models, or 0 (not classified) when there are none or it fails.
func (s *Server) valueClass(ctx context.Context, id customer.ID, now time.Time) complaint.ValueClass {
	m := s.models.Load()
	if m == nil {
		return 0
	}
	res, _, _, err := s.classify(ctx, m, id, now)
	if err != nil {
		return 0
	}
	return complaint.ValueClassOf(res.Quadrant)
}

func caseIDFromPath(r *http.Request) (complaint.ID, customer.ID, error) {
	id := r.PathValue("id")
	cust, n, ok := strings.Cut(id, ":")
	if k, err := strconv.Atoi(n); !ok || err != nil || k < 1 || !validID.MatchString(cust) {
		return "", "", &apiError{status: http.StatusNotFound, field: "id", msg: "no such complaint"}
	}
	return complaint.ID(id), customer.ID(cust), nil
}

func (s *Server) getComplaint(ctx context.Context, _ Caller, r *http.Request) (int, any, error) {
	id, _, err := caseIDFromPath(r)
	if err != nil {
		return 0, nil, err
	}
	c, err := s.stores.Complaints.Get(ctx, id)
	if errors.Is(err, complaint.ErrNotFound) {
		return 0, nil, &apiError{status: http.StatusNotFound, field: "id", msg: "no such complaint"}
	}
	if err != nil {
		return 0, nil, err
	}
	evs, err := s.cases.History(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, caseOut{Case: c, Events: evs, Permitted: complaint.Permitted(c)}, nil
}

type assignmentIn struct {
	Department string `json:"department"`
	Handler    string `json:"handler"`
}

type findingIn struct {
	Cause       string `json:"cause"`
	Responsible string `json:"responsible"`
	Staff       string `json:"staff"`
	Detail      string `json:"detail"`
}

// proposalIn is a proposed resolution. Units is, for a refund, how many
// units of the subject the refund takes back; 0 (or left out) takes back
// every unit the customer still holds.
type proposalIn struct {
	Kind   string `json:"kind"`
	Amount string `json:"amount"`
	Units  int    `json:"units"`
	Detail string `json:"detail"`
}

type accountabilityIn struct {
	Staff     string `json:"staff"`
	Action    string `json:"action"`
	Deduction string `json:"deduction"`
}

type executionIn struct {
	Notified       string             `json:"notified"`
	Accountability []accountabilityIn `json:"accountability"`
	Detail         string             `json:"detail"`
}

type feedbackIn struct {
	Perceived int    `json:"perceived"`
	Expected  int    `json:"expected"`
	CSAT      int    `json:"csat"`
	Comment   string `json:"comment"`
}

type evaluationIn struct {
	Lessons     string `json:"lessons"`
	Improvement string `json:"improvement"`
}

// commandIn is one step of the workflow. Amounts are in the case's
// currency.
type commandIn struct {
	Kind       string        `json:"kind"`
	Note       string        `json:"note"`
	Reply      string        `json:"reply"`
	Reason     string        `json:"reason"`
	Assignment *assignmentIn `json:"assignment"`
	Finding    *findingIn    `json:"finding"`
	Proposal   *proposalIn   `json:"proposal"`
	Execution  *executionIn  `json:"execution"`
	Feedback   *feedbackIn   `json:"feedback"`
	Evaluation *evaluationIn `json:"evaluation"`
}

func (in *commandIn) command(p *problems, cur customer.Currency) complaint.Command {
	cmd := complaint.Command{
		Kind: parseEnum(p, "kind", in.Kind, true, complaint.ParseCommandKind),
		Note: in.Note, Reply: in.Reply, Reason: in.Reason,
	}
	if cmd.Kind == complaint.CmdRecord {
		p.add("kind", "a complaint is recorded with POST /v1/complaints")
	}
	if a := in.Assignment; a != nil {
		cmd.Assignment = &complaint.Assignment{Department: a.Department, Handler: complaint.ActorID(a.Handler)}
	}
	if f := in.Finding; f != nil {
		cmd.Finding = &complaint.Finding{
			Cause:       parseEnum(p, "finding.cause", f.Cause, true, complaint.ParseCause),
			Responsible: parseEnum(p, "finding.responsible", f.Responsible, true, complaint.ParseParty),
			Staff:       complaint.ActorID(f.Staff), Detail: f.Detail,
		}
	}
	if pr := in.Proposal; pr != nil {
		cmd.Proposal = &complaint.Proposal{
			Kind:   parseEnum(p, "proposal.kind", pr.Kind, true, complaint.ParseResolutionKind),
			Amount: parseMoney(p, "proposal.amount", pr.Amount, cur),
			Units:  pr.Units,
			Detail: pr.Detail,
		}
		// The checks of complaint.Apply on the units, named as the
		// request names them.
		switch k := cmd.Proposal.Kind; {
		case pr.Units < 0:
			p.add("proposal.units", "%d is below zero: a refund takes back 1 unit or more, or 0 for every unit held", pr.Units)
		case pr.Units != 0 && k != 0 && k != complaint.ResolutionRefund:
			p.add("proposal.units", "%d given, but only a refund takes units back, not a %s", pr.Units, k)
		}
	}
	if e := in.Execution; e != nil {
		cmd.Execution = &complaint.Execution{
			Notified: parseEnum(p, "execution.notified", e.Notified, true, complaint.ParseChannel),
			Detail:   e.Detail,
		}
		for i, a := range e.Accountability {
			f := func(name string) string { return fmt.Sprintf("execution.accountability[%d].%s", i, name) }
			cmd.Execution.Accountability = append(cmd.Execution.Accountability, complaint.Accountability{
				Staff:     complaint.ActorID(a.Staff),
				Action:    parseEnum(p, f("action"), a.Action, true, complaint.ParseAccountabilityAction),
				Deduction: parseMoney(p, f("deduction"), a.Deduction, cur),
			})
		}
	}
	if f := in.Feedback; f != nil {
		cmd.Feedback = &complaint.Feedback{Perceived: f.Perceived, Expected: f.Expected, CSAT: f.CSAT, Comment: f.Comment}
	}
	if e := in.Evaluation; e != nil {
		cmd.Evaluation = &complaint.Evaluation{Lessons: e.Lessons, Improvement: e.Improvement}
	}
	return cmd
}

// postCommand moves a case one step, as the key's actor. The library's
// guards decide what each role may do (only a manager approves above the
// approval threshold; only the assigned handler investigates); a refusal
// for the actor is 403, one for the case's state 409. A command under an
// Idempotency-Key is applied once per case: sent again, it is answered
// with the event of its first delivery and the case as that left it
// (200); the key with another command or caller is 409. A carry-out whose
// credit the customer's history refuses is 422 on "proposal.amount" (or
// "subject.order" when the order is not in it), and the case is
// unchanged; so is one whose refund's return it refuses (422 on
// "proposal.units" or "proposal.amount"); see carryOut for the order of
// its two writes.
func (s *Server) postCommand(ctx context.Context, caller Caller, r *http.Request) (int, any, error) {
	id, cust, err := caseIDFromPath(r)
	if err != nil {
		return 0, nil, err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return 0, nil, err
	}
	var in commandIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := s.stores.Complaints.Get(ctx, id)
	if errors.Is(err, complaint.ErrNotFound) {
		// The body is answered before the case: a bad command is 400
		// naming its field, its amounts read in the shop's currency.
		var p problems
		in.command(&p, s.programme.Config().Currency)
		if err := p.err(); err != nil {
			return 0, nil, err
		}
		return 0, nil, &apiError{status: http.StatusNotFound, field: "id", msg: "no such complaint"}
	}
	if err != nil {
		return 0, nil, err
	}
	var p problems
	cmd := in.command(&p, c.Intake.Currency)
	if err := p.err(); err != nil {
		return 0, nil, err
	}
	cmd.Key = key
	// A carry-out records its credit and then the case (see carryOut),
	// under the complainant's lock, so that two cases of one order carried
	// out in this process are checked one after the other.
	defer s.lock(c.Intake.Complainant)()
	if cmd.Kind == complaint.CmdCarryOut {
		return s.carryOut(ctx, id, cmd, actor(caller, cust), s.now())
	}
	// Any other command is refused while the case's pending carry-out
	// (its credit recorded, the case not yet saved) waits to be sent
	// again: the case is read again under the lock.
	if c, err = s.stores.Complaints.Get(ctx, id); err != nil {
		return 0, nil, err
	}
	if err := s.refusePending(ctx, c, cmd); err != nil {
		return 0, nil, err
	}
	c, ev, err := s.cases.DoRetry(ctx, id, cmd, actor(caller, cust), s.now(), 4)
	if errors.Is(err, complaint.ErrConflict) {
		return 0, nil, caseChanged()
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, caseOut{Case: c, Events: []complaint.Event{ev}, Permitted: complaint.Permitted(c)}, nil
}

// caseChanged answers a command whose case another writer changed between
// its read and its save, more often than the command retries.
func caseChanged() error {
	return &apiError{status: http.StatusConflict, field: "kind", msg: "the case changed meanwhile: reload it and try again"}
}

// idempotencyKey returns the request's Idempotency-Key header: empty when
// there is none, else 1–128 visible ASCII characters (400 otherwise).
func idempotencyKey(r *http.Request) (string, error) {
	vs := r.Header.Values("Idempotency-Key")
	if len(vs) == 0 {
		return "", nil
	}
	k := vs[0]
	ok := len(vs) == 1 && len(k) >= 1 && len(k) <= 128
	for i := 0; ok && i < len(k); i++ {
		ok = k[i] > ' ' && k[i] < 0x7f
	}
	if !ok {
		return "", &apiError{status: http.StatusBadRequest, field: "Idempotency-Key",
			msg: "Idempotency-Key: must be one header of 1–128 visible ASCII characters"}
	}
	return k, nil
}
