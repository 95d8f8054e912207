package pgstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// LoyaltyStore keeps members' points ledgers: a [loyalty.Store] and
// [loyalty.Eraser]. Each
// entry is a row of loyalty_entries with the primary key (member, seq) and
// the unique key (member, key); the fields one queries (kind, times,
// points, order, spend) are columns, the rest of the entry is the JSONB
// column detail. It is safe for concurrent use.
type LoyaltyStore struct {
	db       *DB
	stateSQL string
}

var _ loyalty.Eraser = (*LoyaltyStore)(nil)

// entryDetail is the JSON form of the fields of a [loyalty.Entry] that
// have no column of their own. Times are RFC 3339 in UTC with
// nanoseconds; amounts are decimal strings with their scale. Fields left
// zero are left out, so a detail written before a field was added
// (tier_name, before entries named their tiers) reads with the field
// zero, and a field added needs no migration.
type entryDetail struct {
	Lot         string            `json:"lot,omitempty"`
	AvailableAt time.Time         `json:"available_at,omitzero"`
	ExpiresAt   time.Time         `json:"expires_at,omitzero"`
	Parts       []lotPart         `json:"parts,omitempty"`
	Debt        int64             `json:"debt,omitempty"`
	Forgiven    int64             `json:"forgiven,omitempty"`
	Lines       []lineRecord      `json:"lines,omitempty"`
	Qualifying  int64             `json:"qualifying,omitempty"`
	Bonus       uint8             `json:"bonus,omitempty"`
	Year        int               `json:"year,omitempty"`
	Reason      string            `json:"reason,omitempty"`
	Operator    string            `json:"operator,omitempty"`
	From        int               `json:"from,omitempty"`
	To          int               `json:"to,omitempty"`
	TierName    string            `json:"tier_name,omitempty"`
	NextReview  time.Time         `json:"next_review,omitzero"`
	GraceUntil  time.Time         `json:"grace_until,omitzero"`
	Birthday    customer.Birthday `json:"birthday,omitzero"`
	Note        string            `json:"note,omitempty"`
	Coupons     []string          `json:"coupons,omitempty"`
}

type lotPart struct {
	Lot    string `json:"lot"`
	Points int64  `json:"points"`
}

type lineRecord struct {
	LineID   string `json:"line_id"`
	Quantity int    `json:"quantity"`
	Net      string `json:"net"`
	Weight   string `json:"weight"`
}

// utc returns t in UTC, the zero time unchanged.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func detailOf(e loyalty.Entry) entryDetail {
	d := entryDetail{
		Lot: e.Lot, AvailableAt: utc(e.AvailableAt), ExpiresAt: utc(e.ExpiresAt),
		Debt: int64(e.Debt), Forgiven: int64(e.Forgiven), Qualifying: int64(e.Qualifying),
		Bonus: uint8(e.Bonus), Year: e.Year, Reason: e.Reason, Operator: e.Operator, From: e.From, To: e.To,
		TierName: e.TierName, NextReview: utc(e.NextReview), GraceUntil: utc(e.GraceUntil), Birthday: e.Birthday, Note: e.Note,
		Coupons: e.Coupons,
	}
	for _, p := range e.Parts {
		d.Parts = append(d.Parts, lotPart{Lot: p.Lot, Points: int64(p.Points)})
	}
	for _, l := range e.Lines {
		d.Lines = append(d.Lines, lineRecord{LineID: l.LineID, Quantity: l.Quantity, Net: dec(l.Net), Weight: dec(l.Weight)})
	}
	return d
}

func (d entryDetail) fill(e *loyalty.Entry) error {
	e.Lot, e.AvailableAt, e.ExpiresAt = d.Lot, d.AvailableAt, d.ExpiresAt
	e.Debt, e.Forgiven, e.Qualifying = loyalty.Points(d.Debt), loyalty.Points(d.Forgiven), loyalty.Points(d.Qualifying)
	e.Bonus, e.Year, e.Reason, e.Operator, e.From, e.To = loyalty.BonusKind(d.Bonus), d.Year, d.Reason, d.Operator, d.From, d.To
	e.TierName = d.TierName
	e.NextReview, e.GraceUntil, e.Birthday, e.Note, e.Coupons = d.NextReview, d.GraceUntil, d.Birthday, d.Note, d.Coupons
	for _, p := range d.Parts {
		e.Parts = append(e.Parts, loyalty.LotPart{Lot: p.Lot, Points: loyalty.Points(p.Points)})
	}
	for _, l := range d.Lines {
		net, err := parseDec(l.Net, "detail.lines.net")
		if err != nil {
			return err
		}
		weight, err := parseDec(l.Weight, "detail.lines.weight")
		if err != nil {
			return err
		}
		e.Lines = append(e.Lines, loyalty.LineRecord{LineID: l.LineID, Quantity: l.Quantity, Net: net, Weight: weight})
	}
	return nil
}

// Entries implements [loyalty.Store].
func (s *LoyaltyStore) Entries(ctx context.Context, member customer.ID, after int64) ([]loyalty.Entry, error) {
	if err := ctxErr(ctx, fmt.Sprintf("entries of member %q", member)); err != nil {
		return nil, err
	}
	if !storable(string(member)) {
		return []loyalty.Entry{}, nil
	}
	rows, err := s.db.reader().Query(ctx, `SELECT seq, key, fingerprint, kind, at, at_ns, effective, effective_ns,
			points, order_id, spend::pg_catalog.text, detail
		FROM `+s.db.t.entries+` WHERE member = $1 AND seq > $2 ORDER BY seq`, string(member), after)
	if err != nil {
		return nil, fmt.Errorf("pgstore: entries of member %q: %w", member, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (loyalty.Entry, error) {
		var (
			e               loyalty.Entry
			fp              int64
			kind, atNS, eNS int16
			at, eff         pgtype.Timestamptz
			spend           string
			detail          []byte
		)
		if err := r.Scan(&e.Seq, &e.Key, &fp, &kind, &at, &atNS, &eff, &eNS, &e.Points, &e.OrderID, &spend, &detail); err != nil {
			return e, err
		}
		e.Member, e.Fingerprint, e.Kind = member, loyalty.Fingerprint(fp), loyalty.EntryKind(kind)
		e.Time, e.Effective = fromInstant(at, atNS), fromInstant(eff, eNS)
		var err error
		if e.Spend, err = parseDec(spend, "spend"); err != nil {
			return e, fmt.Errorf("entry %d: %w", e.Seq, err)
		}
		var d entryDetail
		if err := json.Unmarshal(detail, &d); err != nil {
			return e, fmt.Errorf("entry %d: detail: %w", e.Seq, err)
		}
		if err := d.fill(&e); err != nil {
			return e, fmt.Errorf("entry %d: %w", e.Seq, err)
		}
		return e, nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: entries of member %q: %w", member, err)
	}
	if out == nil {
		out = []loyalty.Entry{}
	}
	return out, nil
}

// Append implements [loyalty.Store] in one statement ([DB.write]:
// atomic, and nothing stored when it fails): it reads the ledger's
// version and looks for a known key of the batch, and inserts the whole
// batch (INSERT … SELECT FROM unnest(…)) only when no key is known and
// the version is expected; a known key is reported as ErrDuplicate even
// at a stale version. An entry whose Seq or Member is not as required
// (customer.ErrInvalid) is reported only after both checks, which a read
// of the ledger then makes alone. When another writer commits in
// between, the unique keys (member, seq) and (member, key) make the
// insert fail with a unique_violation; the store then looks again, once
// and within ctx, and reports ErrDuplicate when a key of the batch is
// now in the ledger, ErrConflict otherwise (also, wrapping the error of
// the look, when that fails: ctx done, say). A member ID the store cannot
// hold (not UTF-8, with a NUL byte) has no ledger, as any unknown member:
// a batch for it at a version other than 0 is ErrConflict (ErrDuplicate
// when it holds a key twice); at version 0, its entries are refused with
// a [*customer.ValidationError] naming the entry and the field "member".
// So is a batch that would be inserted (no key known, the version
// expected) with an entry whose member, key or order ID the server
// cannot index ([keyFault]): the error names the entry and those fields,
// and nothing is stored. A member ID too long to index has no ledger, so
// a batch for it at a version other than 0 is a conflict.
func (s *LoyaltyStore) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := ctxErr(ctx, fmt.Sprintf("member %q: append at version %d", member, expected)); err != nil {
		return err
	}
	return s.append(ctx, member, expected, entries, erasedRows{})
}

// erasedRows are the rows an erasure rewrites: their seq, and the
// fingerprint and detail of their [loyalty.Entry.Erased] form. read is
// set when they were worked out from a read of the member's entries;
// version is the ledger's version at that read (the seq of its last
// entry, 0 when empty), keys its entries' keys in seq order and fps
// their fingerprints.
type erasedRows struct {
	seq, fingerprint []int64
	detail           []string
	read             bool
	version          int64
	keys             []string
	fps              []int64
}

// Erase implements [loyalty.Eraser]. It reads the member's entries, and
// rewrites those up to expected that hold a birthday, and the join, with
// the fingerprint and detail of their [loyalty.Entry.Erased] form, in the
// statement that appends entries as [LoyaltyStore.Append] does, on the
// same condition: no key of the batch known and the version expected.
// The rows rewritten change only by an erasure, which writes the same
// values, so reading them before the statement loses no update. When the
// ledger read is not at version expected, Erase gives the verdict of
// that read (ErrDuplicate for a known key of the batch, else
// ErrConflict) and writes nothing: were the statement left to check the
// version, a writer that brought the ledger up to expected after the
// read would have the entries it appended, which the read did not see,
// keep their birthdays under an erasure reported as done.
func (s *LoyaltyStore) Erase(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := ctxErr(ctx, fmt.Sprintf("member %q: erase at version %d", member, expected)); err != nil {
		return err
	}
	var er erasedRows
	if storable(string(member)) {
		old, err := s.Entries(ctx, member, 0)
		if err != nil {
			return fmt.Errorf("pgstore: member %q: erase: %w", member, err)
		}
		er.read = true
		for _, e := range old {
			er.version = e.Seq
			er.keys, er.fps = append(er.keys, e.Key), append(er.fps, int64(e.Fingerprint))
		}
		for _, e := range old {
			if e.Seq > expected {
				break
			}
			x := e.Erased()
			if x.Birthday == e.Birthday && x.Fingerprint == e.Fingerprint {
				continue
			}
			b, err := json.Marshal(detailOf(x))
			if err != nil {
				return fmt.Errorf("pgstore: member %q: entry %d: encode: %w", member, e.Seq, err)
			}
			er.seq, er.fingerprint, er.detail = append(er.seq, x.Seq), append(er.fingerprint, int64(x.Fingerprint)), append(er.detail, string(b))
		}
	}
	return s.append(ctx, member, expected, entries, er)
}

// append appends entries and rewrites the rows er names, in one
// statement, as Append says.
func (s *LoyaltyStore) append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry, er erasedRows) error {
	n := len(entries)
	keys := make([]string, n)
	fps := make(map[string]loyalty.Fingerprint, n)
	for i, e := range entries {
		if fp, seen := fps[e.Key]; seen {
			return &loyalty.DuplicateError{Member: member, Key: e.Key, Same: fp == e.Fingerprint}
		}
		fps[e.Key] = e.Fingerprint
		keys[i] = e.Key
	}
	if expected != 0 && !storable(string(member)) {
		// No ledger is kept under a member ID this store refuses: as for
		// any unknown member, its version is 0 and no key is known, so a
		// batch at another version is a conflict, reported before the
		// refusal of the ID, in the order of [loyalty.Store].
		return verdict(member, expected, 0, nil, nil, fps)
	}
	var misplaced error
	for i, e := range entries {
		record := fmt.Sprintf("loyalty entry %d of member %q", e.Seq, member)
		// An entry of another member is refused after the ledger's
		// checks, whatever its member ID: its text is checked with the
		// member of the batch, which is what the row would hold.
		checked := e
		checked.Member = member
		if err := checkText(record, checked); err != nil {
			return err
		}
		// The detail column's JSON holds the other instants, in UTC; its
		// fields have the names of the entry's (available_at, expires_at,
		// next_review, grace_until).
		if err := checkJSON(record, detailOf(e)); err != nil {
			return err
		}
		if misplaced == nil && (e.Seq != expected+int64(i)+1 || e.Member != member) {
			misplaced = fmt.Errorf("pgstore: member %q: entry %d has seq %d and member %q, want seq %d: %w",
				member, i, e.Seq, e.Member, expected+int64(i)+1, customer.ErrInvalid)
		}
	}
	if er.read && er.version != expected {
		// The verdict of the erasure's read: see Erase.
		for i, k := range er.keys {
			if _, ok := fps[k]; ok {
				return verdict(member, expected, er.version, &er.keys[i], &er.fps[i], fps)
			}
		}
		return verdict(member, expected, er.version, nil, nil, fps)
	}
	if misplaced != nil {
		// Refused after the ledger's checks, in the order of
		// [loyalty.Store]: known key, then version, then this.
		if !storable(string(member)) {
			return cmp.Or(verdict(member, expected, 0, nil, nil, fps), misplaced)
		}
		return cmp.Or(s.check(ctx, member, expected, keys, fps), misplaced)
	}
	if n == 0 && len(er.seq) == 0 {
		if !storable(string(member)) {
			// No ledger: version 0, no key known.
			return verdict(member, expected, 0, nil, nil, fps)
		}
		return s.check(ctx, member, expected, keys, fps)
	}
	var (
		seq, fp, points           = make([]int64, n), make([]int64, n), make([]int64, n)
		kind, atNS, effNS         = make([]int16, n), make([]int16, n), make([]int16, n)
		at, eff                   = make([]*time.Time, n), make([]*time.Time, n)
		orderID, spend, detailTxt = make([]string, n), make([]string, n), make([]string, n)
	)
	for i, e := range entries {
		seq[i], fp[i], points[i], kind[i] = e.Seq, int64(e.Fingerprint), int64(e.Points), int16(e.Kind)
		at[i], atNS[i] = timeParam(e.Time)
		eff[i], effNS[i] = timeParam(e.Effective)
		orderID[i], spend[i] = e.OrderID, dec(e.Spend)
		b, err := json.Marshal(detailOf(e))
		if err != nil {
			return fmt.Errorf("pgstore: member %q: entry %d: encode: %w: %w", member, e.Seq, customer.ErrInvalid, err)
		}
		detailTxt[i] = string(b)
	}
	var (
		version  int64
		known    *string
		knownFP  *int64
		inserted int
	)
	err := s.db.write(ctx, scanOne(&version, &known, &knownFP, &inserted), `WITH
		state AS (`+s.stateSQL+`),
		ins AS (INSERT INTO `+s.db.t.entries+`
			(member, seq, key, fingerprint, kind, at, at_ns, effective, effective_ns, points, order_id, spend, detail)
			SELECT $1, u.seq, u.key, u.fingerprint, u.kind, u.at, u.at_ns, u.effective, u.effective_ns,
				u.points, u.order_id, u.spend::pg_catalog.numeric, u.detail::pg_catalog.jsonb
			FROM state, unnest($4::pg_catalog.int8[], $2::pg_catalog.text[], $5::pg_catalog.int8[], $6::pg_catalog.int2[], $7::pg_catalog.timestamptz[], $8::pg_catalog.int2[],
				$9::pg_catalog.timestamptz[], $10::pg_catalog.int2[], $11::pg_catalog.int8[], $12::pg_catalog.text[], $13::pg_catalog.text[], $14::pg_catalog.text[])
				AS u(seq, key, fingerprint, kind, at, at_ns, effective, effective_ns, points, order_id, spend, detail)
			WHERE state.key IS NULL AND state.version = $3
			RETURNING 1),
		upd AS (UPDATE `+s.db.t.entries+` AS t SET fingerprint = v.fingerprint, detail = v.detail::pg_catalog.jsonb
			FROM state, unnest($15::pg_catalog.int8[], $16::pg_catalog.int8[], $17::pg_catalog.text[]) AS v(seq, fingerprint, detail)
			WHERE t.member = $1 AND t.seq = v.seq AND state.key IS NULL AND state.version = $3
			RETURNING 1)
		SELECT state.version, state.key, state.fingerprint, (SELECT count(*) FROM ins) FROM state`,
		string(member), keys, expected, seq, fp, kind, at, atNS, eff, effNS, points, orderID, spend, detailTxt,
		orEmpty(er.seq), orEmpty(er.fingerprint), orEmpty(er.detail))
	if code, _ := pgCode(err); code == uniqueViolation {
		// Lost a race: tell a key taken meanwhile from a version moved
		// on, within ctx. When the ledger cannot be read again, the
		// batch was still refused, for a key or a seq another writer
		// took: ErrConflict, which makes a caller read the ledger again.
		err := s.check(ctx, member, expected, keys, fps)
		switch {
		case err == nil:
			return fmt.Errorf("pgstore: member %q: append at version %d: %w", member, expected, loyalty.ErrConflict)
		case errors.Is(err, loyalty.ErrDuplicate) || errors.Is(err, loyalty.ErrConflict):
			return err
		}
		return fmt.Errorf("pgstore: member %q: append at version %d: a concurrent writer took a key or seq of the batch: %w (%w)",
			member, expected, loyalty.ErrConflict, err)
	}
	if err != nil {
		return entryKeyFault(fmt.Errorf("pgstore: member %q: append at version %d: %w", member, expected, err), member, entries)
	}
	if err := verdict(member, expected, version, known, knownFP, fps); err != nil || inserted == n {
		return err
	}
	return fmt.Errorf("pgstore: member %q: append at version %d: %d of %d entries inserted", member, expected, inserted, n)
}

// entryKeyFault is [keyFault] for a batch of entries of member: the
// entry it names is the one whose texts in the index the server names
// are the longest, the first of those of equal length.
func entryKeyFault(err error, member customer.ID, entries []loyalty.Entry) error {
	code, index := pgCode(err)
	if code != programLimitExceeded || len(entries) == 0 {
		return err
	}
	fields, listed := indexFields[index]
	keysOf := func(e loyalty.Entry) []key {
		return []key{{"member", string(member)}, {"key", e.Key}, {"order_id", e.OrderID}}
	}
	best, longest := 0, -1
	for i, e := range entries {
		n := 0
		for _, k := range keysOf(e) {
			if !listed || slices.Contains(fields, k.field) {
				n += len(k.value)
			}
		}
		if n > longest {
			best, longest = i, n
		}
	}
	e := entries[best]
	return keyFault(err, fmt.Sprintf("loyalty entry %d of member %q", e.Seq, member), keysOf(e)...)
}

// timeParam is nullInstant for an element of a timestamptz array.
func timeParam(t time.Time) (*time.Time, int16) {
	if t.IsZero() {
		return nil, 0
	}
	us, ns := instant(t)
	return &us, ns
}

// stateSQL selects, for member $1 and the keys $2, the ledger's version
// and the first entry (by seq) whose key is among the keys, if any.
func (s *LoyaltyStore) stateSQLFor() string {
	return `SELECT (SELECT coalesce(max(seq), 0) FROM ` + s.db.t.entries + ` WHERE member = $1) AS version,
			k.key, k.fingerprint
		FROM (SELECT 1) AS one LEFT JOIN LATERAL (
			SELECT key, fingerprint FROM ` + s.db.t.entries + ` WHERE member = $1 AND key = ANY($2) ORDER BY seq LIMIT 1
		) AS k ON true`
}

// check reads the ledger's state and returns verdict's error.
func (s *LoyaltyStore) check(ctx context.Context, member customer.ID, expected int64, keys []string, fps map[string]loyalty.Fingerprint) error {
	var (
		version int64
		known   *string
		fp      *int64
	)
	if err := s.db.reader().QueryRow(ctx, s.stateSQL, string(member), keys).Scan(&version, &known, &fp); err != nil {
		return fmt.Errorf("pgstore: member %q: read ledger version: %w", member, err)
	}
	return verdict(member, expected, version, known, fp, fps)
}

// verdict returns a [*loyalty.DuplicateError] when known is a key in the
// ledger (Same when its stored fingerprint fp is the one fps gives for
// it), and otherwise an error matching ErrConflict when the ledger's
// version is not expected.
func verdict(member customer.ID, expected, version int64, known *string, fp *int64, fps map[string]loyalty.Fingerprint) error {
	switch {
	case known != nil:
		return &loyalty.DuplicateError{Member: member, Key: *known, Same: fp != nil && loyalty.Fingerprint(*fp) == fps[*known]}
	case version != expected:
		return fmt.Errorf("pgstore: member %q at version %d, expected %d: %w", member, version, expected, loyalty.ErrConflict)
	}
	return nil
}

// orEmpty returns xs, or an empty slice for nil, which pgx would send
// as NULL rather than as an empty array.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
