package privacy

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/logtext"
)

// The String, fmt and slog forms of a [Report], a [Loyalty] and a
// [Complaint] say what a report is about and how much it holds, never
// what it holds: a report is the personal data of its customer in full
// (the name, contact details, birthdays, the complaint's own words), and
// a report logged or printed by mistake must not copy them into logs
// (domain rules §1: data security). Only [Report.MarshalJSON] gives the
// content, for the person.
//
// As for [customer.Customer.LogValue], slog resolves a LogValuer only
// where it is an attribute's value: a slice of them (Report.Complaints,
// Loyalty.Entries) logged as one attribute reaches slog.JSONHandler's
// encoding/json element by element, personal data included. Log the
// report, or each element as an attribute of its own.

// String returns what the report is about and how much it holds, as in
//
//	privacy report of customer "C-1" made 2026-03-01T09:00:00Z from customers, history: record, 3 orders, 0 returns, 0 credits, 1 interaction, no ledger, 0 complaint cases, personal data redacted
//
// without any of its content.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "privacy report of customer %q made %s from %s: ", string(r.Customer), logtext.Time(r.Made), strings.Join(r.Sources, ", "))
	if r.Record != nil {
		b.WriteString("record, ")
	} else {
		b.WriteString("no record, ")
	}
	b.WriteString(logtext.Count(len(r.Orders), "order", "orders") + ", " + logtext.Count(len(r.Returns), "return", "returns") + ", " +
		logtext.Count(len(r.Credits), "credit", "credits") + ", " + logtext.Count(len(r.Interactions), "interaction", "interactions") + ", ")
	if r.Loyalty != nil {
		b.WriteString("ledger of " + logtext.Count(len(r.Loyalty.Entries), "entry", "entries") + ", ")
	} else {
		b.WriteString("no ledger, ")
	}
	b.WriteString(logtext.Count(len(r.Complaints), "complaint case", "complaint cases") + ", personal data redacted")
	return b.String()
}

// GoString returns [Report.String], quoted, for %#v.
func (r Report) GoString() string { return strconv.Quote(r.String()) }

// Format prints [Report.String] for every verb (quoted for %q and %#v),
// so that no fmt verb shows the report's content.
func (r Report) Format(f fmt.State, verb rune) { logtext.Format(f, verb, r.String()) }

// LogValue implements [slog.LogValuer]: a group of the customer ID, when
// the report was made, the sources, whether it has a record and a ledger
// entry count, and the number of records of each kind, with
// "personal_data": "[redacted]". slog handlers, text or JSON, therefore
// never print the content of a report logged as an attribute's value.
func (r Report) LogValue() slog.Value {
	entries := 0
	if r.Loyalty != nil {
		entries = len(r.Loyalty.Entries)
	}
	return slog.GroupValue(
		slog.String("customer", string(r.Customer)),
		slog.Time("made", r.Made),
		slog.Any("sources", append([]string{}, r.Sources...)),
		slog.Bool("record", r.Record != nil),
		slog.Int("orders", len(r.Orders)),
		slog.Int("returns", len(r.Returns)),
		slog.Int("credits", len(r.Credits)),
		slog.Int("interactions", len(r.Interactions)),
		slog.Int("ledger_entries", entries),
		slog.Int("complaints", len(r.Complaints)),
		slog.String("personal_data", customer.Redacted))
}

// String returns the member, the number of entries and the balance of
// the ledger, as in
//
//	ledger of member "C-1": 3 entries, balance 120
//
// without the birthday.
func (l Loyalty) String() string {
	return fmt.Sprintf("ledger of member %q: %s, balance %d", string(l.Account.Member),
		logtext.Count(len(l.Entries), "entry", "entries"), l.Account.Balance())
}

// GoString returns [Loyalty.String], quoted, for %#v.
func (l Loyalty) GoString() string { return strconv.Quote(l.String()) }

// Format prints [Loyalty.String] for every verb (quoted for %q and %#v).
func (l Loyalty) Format(f fmt.State, verb rune) { logtext.Format(f, verb, l.String()) }

// LogValue implements [slog.LogValuer]: the account's own form
// ([loyalty.Account.LogValue], without the birthday) and the number of
// entries.
func (l Loyalty) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("account", l.Account),
		slog.Int("entries", len(l.Entries)))
}

// String returns the case ID, the complainant, the state and the number
// of events, as in
//
//	complaint case "K-1" of customer "C-1" (closed, 9 events), personal data redacted
//
// without the customer's words.
func (c Complaint) String() string {
	return fmt.Sprintf("complaint case %q of customer %q (%s, %s), personal data redacted",
		string(c.Case.ID), string(c.Case.Intake.Complainant), c.Case.State, logtext.Count(len(c.Events), "event", "events"))
}

// GoString returns [Complaint.String], quoted, for %#v.
func (c Complaint) GoString() string { return strconv.Quote(c.String()) }

// Format prints [Complaint.String] for every verb (quoted for %q and
// %#v).
func (c Complaint) Format(f fmt.State, verb rune) { logtext.Format(f, verb, c.String()) }

// LogValue implements [slog.LogValuer]: the case ID, the complainant,
// the state and the number of events, with "personal_data":
// "[redacted]".
func (c Complaint) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("case", string(c.Case.ID)),
		slog.String("complainant", string(c.Case.Intake.Complainant)),
		slog.String("state", c.Case.State.String()),
		slog.Int("events", len(c.Events)),
		slog.String("personal_data", customer.Redacted))
}
