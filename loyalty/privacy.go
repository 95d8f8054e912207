package loyalty

import (
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

// String summarises the entry without personal data (a join entry's
// birthday is left out).
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

// Erased returns e without personal data, as an [Eraser] stores it after
// an [Erasure]: the birthday is zero and a join entry's Fingerprint is
// that of the join without its birthday (a fingerprint of the join with
// it would let the birthday be found again by trying every date). Every
// other field is as in e, so [Replay] of the erased entries gives the
// same account as before but for the birthday. Erased of an erased entry
// is the entry itself.
func (e Entry) Erased() Entry {
	e.Birthday = customer.Birthday{}
	if e.Kind == EntryJoin {
		e.Fingerprint = joinFingerprint(e.Member, e.Effective)
	}
	return e
}
