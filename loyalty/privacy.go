package loyalty

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/tailorcrm/tailor/customer"
)

// String summarises the account without personal data: the birthday is
// left out, so printing or logging an Account leaks nothing.
func (a Account) String() string {
	return fmt.Sprintf("loyalty account %q v%d: balance %d (available %d, pending %d, debt %d), level %d",
		a.Member, a.Version, a.Balance(), a.Available, a.Pending, a.Debt, a.Level)
}

// LogValue implements [slog.LogValuer] without personal data.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("member", string(a.Member)),
		slog.Int64("version", a.Version),
		slog.Int64("available", int64(a.Available)),
		slog.Int64("pending", int64(a.Pending)),
		slog.Int64("debt", int64(a.Debt)),
		slog.Int("level", a.Level),
	)
}

// String summarises the entry without personal data (the birthday of a
// join entry or a birthday change, [EntryBirthday], is left out).
func (e Entry) String() string {
	return fmt.Sprintf("%s #%d %s %q %+d: %s", e.Member, e.Seq, e.Kind, e.Key, e.Points, e.Note)
}

// LogValue implements [slog.LogValuer] without personal data.
func (e Entry) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("member", string(e.Member)),
		slog.Int64("seq", e.Seq),
		slog.String("kind", e.Kind.String()),
		slog.String("key", e.Key),
		slog.Int64("points", int64(e.Points)),
		slog.String("note", e.Note),
	)
}

// entryLog is the log form of an [Entry]: the attributes of
// [Entry.LogValue], as JSON.
type entryLog struct {
	Member customer.ID `json:"member"`
	Seq    int64       `json:"seq"`
	Kind   string      `json:"kind"`
	Key    string      `json:"key"`
	Points Points      `json:"points"`
	Note   string      `json:"note"`
}

// Entries is a ledger's entries as a log attribute's value. slog
// resolves a [slog.LogValuer] only where it is the attribute's value,
// so a plain []Entry reaches slog.JSONHandler's encoding/json entry by
// entry, in the stored JSON form of [Entry], the birthday of a join
// entry or a birthday change included (the text handler formats it with fmt, which uses
// [Entry.String]). Log loyalty.Entries(entries), or install
// [ReplaceAttr] in the handler, and the birthday stays out. Entries
// marshals to JSON as []Entry does, birthday and all: it changes the
// log form only.
type Entries []Entry

// LogValue implements [slog.LogValuer] without personal data: a list of
// the entries' [Entry.LogValue] attributes, a JSON array of objects
// under slog.JSONHandler, the entries' [Entry.String] forms under the
// text handler.
func (es Entries) LogValue() slog.Value { return slog.AnyValue(entriesLog(es)) }

// entriesLog is the value [Entries.LogValue] gives: it marshals to JSON
// as the entries' log forms, and fmt prints each with [Entry.String].
type entriesLog []Entry

// MarshalJSON returns the JSON array of the entries' log forms.
func (es entriesLog) MarshalJSON() ([]byte, error) {
	out := make([]entryLog, len(es))
	for i, e := range es {
		out[i] = entryLog{Member: e.Member, Seq: e.Seq, Kind: e.Kind.String(), Key: e.Key, Points: e.Points, Note: e.Note}
	}
	return json.Marshal(out)
}

// accountsLog is the log form of a []Account: the accounts'
// [Account.LogValue] attributes as JSON, their [Account.String] forms
// for fmt.
type accountsLog []Account

// MarshalJSON returns the JSON array of the accounts' log forms.
func (as accountsLog) MarshalJSON() ([]byte, error) {
	type accountLog struct {
		Member    customer.ID `json:"member"`
		Version   int64       `json:"version"`
		Available Points      `json:"available"`
		Pending   Points      `json:"pending"`
		Debt      Points      `json:"debt"`
		Level     int         `json:"level"`
	}
	out := make([]accountLog, len(as))
	for i, a := range as {
		out[i] = accountLog{Member: a.Member, Version: a.Version, Available: a.Available, Pending: a.Pending, Debt: a.Debt, Level: a.Level}
	}
	return json.Marshal(out)
}

// ReplaceAttr is a function for [slog.HandlerOptions].ReplaceAttr that
// keeps the member's birthday out of the log where slog cannot: an
// attribute whose value is a []Entry or a []Account (which slog does not
// resolve, see [Entries]) gets the value of their log forms, that of
// [Entries] for entries, a list of [Account.LogValue] attributes for
// accounts. Every other attribute is returned as it is. To combine it
// with a function of the host's, call one on the result of the other.
func ReplaceAttr(groups []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindAny {
		return a
	}
	switch v := a.Value.Any().(type) {
	case []Entry:
		a.Value = Entries(v).LogValue()
	case []Account:
		a.Value = slog.AnyValue(accountsLog(v))
	}
	return a
}

// Erased returns e without personal data, as an [Eraser] stores it after
// an [Erasure]: the birthday is zero and the Fingerprint of a join entry
// or a birthday change ([EntryBirthday]) is that of its event without
// the birthday (a fingerprint of the event with it would let the
// birthday be found again by trying every date). Every
// other field is as in e, the tier name among them (the name of one of
// the programme's tiers, not personal data), so [Replay] of the erased entries gives the
// same account as before but for the birthday. Erased of an erased entry
// is the entry itself.
func (e Entry) Erased() Entry {
	e.Birthday = customer.Birthday{}
	switch e.Kind {
	case EntryJoin:
		e.Fingerprint = joinFingerprint(e.Member, e.Effective)
	case EntryBirthday:
		e.Fingerprint = birthdayChangeFingerprint(e.Member, e.Key, e.Effective)
	}
	return e
}
