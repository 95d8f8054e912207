package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Ledgers is the [loyalty.Store] and [loyalty.Eraser] of a [DB]. Make it
// with [DB.Loyalty].
//
// An entry is a row of loyalty_entries with the primary key (member, seq)
// and the unique key (member, key); kind, time, points and order are
// columns, the rest of the entry a JSON document.
type Ledgers struct{ db *DB }

var _ loyalty.Eraser = (*Ledgers)(nil)

// entryDoc is the document of a ledger entry: all but the columns.
// Fields left zero are left out; a document written before a field was
// added (tier_name, before entries named their tiers) reads with the
// field zero.
//
// The fingerprint is written in its own JSON form, a string of decimal
// digits ([loyalty.Fingerprint]): as a JSON number, SQLite's JSON
// functions (json_extract) would read one beyond 2^63 − 1 as a double,
// rounded, and readers that hold numbers as doubles any beyond 2^53.
// Documents written before hold it as a JSON number, which reads back
// exactly too.
type entryDoc struct {
	Fingerprint loyalty.Fingerprint `json:"fingerprint,omitzero"`
	Effective   time.Time           `json:"effective,omitzero"`
	Lot         string              `json:"lot,omitempty"`
	AvailableAt time.Time           `json:"available_at,omitzero"`
	ExpiresAt   time.Time           `json:"expires_at,omitzero"`
	Parts       []lotPartDoc        `json:"parts,omitempty"`
	Debt        loyalty.Points      `json:"debt,omitzero"`
	Forgiven    loyalty.Points      `json:"forgiven,omitzero"`
	Lines       []lineRecordDoc     `json:"lines,omitempty"`
	Spend       dec                 `json:"spend,omitzero"`
	Qualifying  loyalty.Points      `json:"qualifying,omitzero"`
	Bonus       loyalty.BonusKind   `json:"bonus,omitzero"`
	Year        int                 `json:"year,omitzero"`
	Reason      string              `json:"reason,omitempty"`
	Operator    string              `json:"operator,omitempty"`
	From        int                 `json:"from,omitzero"`
	To          int                 `json:"to,omitzero"`
	TierName    string              `json:"tier_name,omitempty"`
	NextReview  time.Time           `json:"next_review,omitzero"`
	GraceUntil  time.Time           `json:"grace_until,omitzero"`
	Birthday    birthdayDoc         `json:"birthday,omitzero"`
	Note        string              `json:"note,omitempty"`
	Coupons     []string            `json:"coupons,omitempty"`
}

type lotPartDoc struct {
	Lot    string         `json:"lot"`
	Points loyalty.Points `json:"points"`
}

type lineRecordDoc struct {
	LineID   string `json:"line_id"`
	Quantity int    `json:"quantity"`
	Net      dec    `json:"net"`
	Weight   dec    `json:"weight"`
}

// entryRow is the column form of an entry.
type entryRow struct {
	kind, at string
	doc      []byte
}

// encodeEntry returns the column form of e, entry i of a batch, or a
// [*customer.ValidationError] naming the entry and each field SQLite
// cannot hold faithfully: an undefined kind or bonus, a time outside the
// years 0–9999, text of the document that is not valid UTF-8
// (encoding/json would replace its invalid bytes).
func encodeEntry(i int, e loyalty.Entry) (entryRow, error) {
	var f fields
	var r entryRow
	var err error
	r.kind, err = enumName(e.Kind)
	f.enum("kind", uint8(e.Kind), err)
	_, err = enumName(e.Bonus)
	f.enum("bonus", uint8(e.Bonus), err)
	r.at = f.time("time", e.Time)
	for name, t := range map[string]time.Time{"effective": e.Effective, "available_at": e.AvailableAt,
		"expires_at": e.ExpiresAt, "next_review": e.NextReview, "grace_until": e.GraceUntil} {
		f.time(name, t)
	}
	d := entryDoc{
		Fingerprint: e.Fingerprint, Effective: utc(e.Effective), Lot: e.Lot,
		AvailableAt: utc(e.AvailableAt), ExpiresAt: utc(e.ExpiresAt),
		Debt: e.Debt, Forgiven: e.Forgiven, Spend: dec{e.Spend}, Qualifying: e.Qualifying,
		Bonus: e.Bonus, Year: e.Year, Reason: e.Reason, Operator: e.Operator, From: e.From, To: e.To,
		TierName: e.TierName, NextReview: utc(e.NextReview), GraceUntil: utc(e.GraceUntil),
		Birthday: birthdayDoc{e.Birthday.Year, e.Birthday.Month, e.Birthday.Day}, Note: e.Note,
		Coupons: e.Coupons,
	}
	for _, p := range e.Parts {
		d.Parts = append(d.Parts, lotPartDoc{p.Lot, p.Points})
	}
	for _, l := range e.Lines {
		d.Lines = append(d.Lines, lineRecordDoc{l.LineID, l.Quantity, dec{l.Net}, dec{l.Weight}})
	}
	f.text(d)
	record := fmt.Sprintf("loyalty entry %d (seq %d, key %q) of member %q", i, e.Seq, e.Key, e.Member)
	if err := f.err(record); err != nil {
		return r, err
	}
	if r.doc, err = json.Marshal(d); err != nil {
		return r, invalid(record, "", customer.CodeFormat, err.Error())
	}
	return r, nil
}

func decodeEntry(member customer.ID, seq int64, key, kind, at string, points int64, orderID string, doc []byte) (loyalty.Entry, error) {
	fail := func(what string, err error) (loyalty.Entry, error) {
		return loyalty.Entry{}, fmt.Errorf("loyalty entry %d of member %q: stored %s: %w", seq, member, what, err)
	}
	k, err := parseEnum[loyalty.EntryKind](kind)
	if err != nil {
		return fail("kind", err)
	}
	t, err := parseTime(at)
	if err != nil {
		return fail("time", err)
	}
	var d entryDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return fail("document", err)
	}
	e := loyalty.Entry{
		Seq: seq, Member: member, Key: key, Fingerprint: d.Fingerprint, Kind: k, Time: t,
		Effective: d.Effective, Points: loyalty.Points(points), Lot: d.Lot,
		AvailableAt: d.AvailableAt, ExpiresAt: d.ExpiresAt, Debt: d.Debt, Forgiven: d.Forgiven,
		OrderID: orderID, Spend: d.Spend.Decimal, Qualifying: d.Qualifying, Bonus: d.Bonus, Year: d.Year,
		Reason: d.Reason, Operator: d.Operator, From: d.From, To: d.To, TierName: d.TierName,
		NextReview: d.NextReview, GraceUntil: d.GraceUntil,
		Birthday: customer.Birthday{Year: d.Birthday.Year, Month: d.Birthday.Month, Day: d.Birthday.Day},
		Note:     d.Note, Coupons: d.Coupons,
	}
	for _, p := range d.Parts {
		e.Parts = append(e.Parts, loyalty.LotPart{Lot: p.Lot, Points: p.Points})
	}
	for _, l := range d.Lines {
		e.Lines = append(e.Lines, loyalty.LineRecord{LineID: l.LineID, Quantity: l.Quantity, Net: l.Net.Decimal, Weight: l.Weight.Decimal})
	}
	return e, nil
}

// Entries implements [loyalty.Store].
func (s *Ledgers) Entries(ctx context.Context, member customer.ID, after int64) ([]loyalty.Entry, error) {
	out := []loyalty.Entry{}
	err := s.db.read(ctx, fmt.Sprintf("loyalty entries of member %q", member), func(tx *sql.Tx) error {
		return each(ctx, tx, `SELECT seq, key, kind, at, points, order_id, doc FROM loyalty_entries
			WHERE member = ? AND seq > ? ORDER BY seq`, []any{string(member), after}, func(rows *sql.Rows) error {
			var seq, points int64
			var key, kind, at, orderID string
			var doc []byte
			if err := rows.Scan(&seq, &key, &kind, &at, &points, &orderID, &doc); err != nil {
				return err
			}
			e, err := decodeEntry(member, seq, key, kind, at, points, orderID, doc)
			out = append(out, e)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Append implements [loyalty.Store]. The checks run in the order the
// interface gives them, in one write transaction: a key twice in the
// batch or already in the ledger is ErrDuplicate, then a version other
// than expected is ErrConflict, then an entry whose Seq or Member is not
// as required is a [*customer.ValidationError] naming it. The unique key
// (member, key) and the primary key (member, seq) back them up in the
// database. A batch of any size is one transaction: the lookup of its
// keys is split into statements SQLite's limit on bound parameters
// admits.
func (s *Ledgers) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	return s.append(ctx, member, expected, entries, false)
}

// Erase implements [loyalty.Eraser]: in the write transaction of the
// append, after its checks, every row of the member that holds a
// birthday, and its join row, is rewritten with the document of its
// [loyalty.Entry.Erased] form.
func (s *Ledgers) Erase(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	return s.append(ctx, member, expected, entries, true)
}

// erase rewrites, in tx, the rows of member up to seq upTo that hold
// personal data with the erased form of their entry.
func (s *Ledgers) erase(ctx context.Context, tx *sql.Tx, member customer.ID, upTo int64) error {
	type row struct {
		seq int64
		doc []byte
	}
	var rows []row
	err := each(ctx, tx, `SELECT seq, key, kind, at, points, order_id, doc FROM loyalty_entries
		WHERE member = ? AND seq <= ? AND (kind = 'join' OR json_extract(doc, '$.birthday') IS NOT NULL) ORDER BY seq`,
		[]any{string(member), upTo}, func(r *sql.Rows) error {
			var seq, points int64
			var key, kind, at, orderID string
			var doc []byte
			if err := r.Scan(&seq, &key, &kind, &at, &points, &orderID, &doc); err != nil {
				return err
			}
			e, err := decodeEntry(member, seq, key, kind, at, points, orderID, doc)
			if err != nil {
				return err
			}
			er, err := encodeEntry(0, e.Erased())
			if err != nil {
				return err
			}
			if string(er.doc) != string(doc) {
				rows = append(rows, row{seq, er.doc})
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `UPDATE loyalty_entries SET doc = ? WHERE member = ? AND seq = ?`,
			r.doc, string(member), r.seq); err != nil {
			return err
		}
	}
	return nil
}

// keysPerQuery is the most idempotency keys [takenKey] binds in one
// statement. SQLite refuses a statement with more bound parameters than
// its limit (SQLITE_MAX_VARIABLE_NUMBER: 32766 since SQLite 3.32.0, 999
// before), so a larger batch is looked up in parts; 500 stays below
// either limit with room for the member.
const keysPerQuery = 500

// takenKey returns, in tx, a key of entries already in member's ledger,
// or nil when none is. It looks the keys up keysPerQuery at a time, all
// in tx, so that a batch of any size is checked against one state.
func takenKey(ctx context.Context, tx *sql.Tx, member customer.ID, entries []loyalty.Entry) (*string, error) {
	for part := range slices.Chunk(entries, keysPerQuery) {
		args := make([]any, 0, len(part)+1)
		args = append(args, string(member))
		for _, e := range part {
			args = append(args, e.Key)
		}
		var taken string
		err := tx.QueryRowContext(ctx, `SELECT key FROM loyalty_entries WHERE member = ? AND key IN (?`+
			strings.Repeat(", ?", len(part)-1)+`) LIMIT 1`, args...).Scan(&taken)
		if err == nil {
			return &taken, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return nil, nil
}

func (s *Ledgers) append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry, erase bool) error {
	op := fmt.Sprintf("loyalty append to member %q at version %d", member, expected)
	if erase {
		op = fmt.Sprintf("loyalty erase of member %q at version %d", member, expected)
	}
	if err := s.db.start(ctx, op); err != nil {
		return err
	}
	dup := func(key string) error {
		return fmt.Errorf("sqlitestore: loyalty member %q key %q: %w", member, key, loyalty.ErrDuplicate)
	}
	conflict := func(version int64) error {
		return refuse(fmt.Errorf("sqlitestore: loyalty member %q at version %d, expected %d: %w",
			member, version, expected, loyalty.ErrConflict))
	}
	seen := make(map[string]bool, len(entries))
	rows := make([]entryRow, len(entries))
	var f fields
	for i, e := range entries {
		if seen[e.Key] {
			return dup(e.Key)
		}
		seen[e.Key] = true
		if want := expected + int64(i) + 1; e.Seq != want {
			f.add(fmt.Sprintf("entries[%d].seq", i), customer.CodeMismatch, fmt.Sprintf("is %d, want %d", e.Seq, want))
		}
		if e.Member != member {
			f.add(fmt.Sprintf("entries[%d].member", i), customer.CodeMismatch, fmt.Sprintf("is %q, want %q", e.Member, member))
		}
		r, err := encodeEntry(i, e)
		if err != nil {
			return fmt.Errorf("sqlitestore: loyalty append: %w", err)
		}
		rows[i] = r
	}
	// An entry out of place is refused after the ledger's checks, in the
	// order of [loyalty.Store].
	misplaced := f.err(fmt.Sprintf("loyalty append to member %q at version %d", member, expected))
	return s.db.write(ctx, op, func(tx *sql.Tx) error {
		if taken, err := takenKey(ctx, tx, member, entries); err != nil {
			return err
		} else if taken != nil {
			return refuse(dup(*taken))
		}
		var version int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM loyalty_entries WHERE member = ?`,
			string(member)).Scan(&version); err != nil {
			return err
		}
		if version != expected {
			return conflict(version)
		}
		if misplaced != nil {
			return refuse(misplaced)
		}
		if erase {
			if err := s.erase(ctx, tx, member, expected); err != nil {
				return err
			}
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO loyalty_entries (member, seq, key, kind, at, points, order_id, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, e := range entries {
			_, err := stmt.ExecContext(ctx, string(member), e.Seq, e.Key, rows[i].kind, rows[i].at, int64(e.Points), e.OrderID, rows[i].doc)
			switch constraint(err) {
			case 0:
				if err != nil {
					return err
				}
			case violatedUnique:
				return refuse(dup(e.Key))
			case violatedPrimaryKey:
				return conflict(version)
			default:
				return err
			}
		}
		return nil
	})
}
