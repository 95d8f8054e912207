package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// Complaints is the [complaint.Store] of a [DB]. Make it with
// [DB.Complaints].
//
// A case is a row of complaint_cases (ID, version, state, priority,
// complainant, opening and last-event times in columns, the case as JSON
// in its own wire form); each event a row of complaint_events with the
// primary key (case, seq). An index on (complainant, opened, id) gives a
// customer's cases in the order [Complaints.Cases] returns them, and one
// on (opened, id) the cases of a period in the order [Complaints.Logs]
// yields them. It is a [complaint.Eraser] too: [Complaints.Erase]
// rewrites the documents of a customer's cases and events in their
// erased form. It is a [complaint.LogLister]: [Complaints.Logs] reads
// the logs of all the cases of a period in one query.
type Complaints struct{ db *DB }

var (
	_ complaint.Eraser    = (*Complaints)(nil)
	_ complaint.LogLister = (*Complaints)(nil)
)

// Get implements [complaint.Store].
func (s *Complaints) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	var c complaint.Case
	err := s.db.read(ctx, fmt.Sprintf("get complaint %q", id), func(tx *sql.Tx) error {
		var doc []byte
		err := tx.QueryRowContext(ctx, `SELECT doc FROM complaint_cases WHERE id = ?`, string(id)).Scan(&doc)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse(fmt.Errorf("sqlitestore: complaint %q: %w", id, complaint.ErrNotFound))
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal(doc, &c); err != nil {
			return fmt.Errorf("complaint %q: stored document: %w", id, err)
		}
		return nil
	})
	return c, err
}

// caseRow is the column form of a case.
type caseRow struct {
	state, priority, opened, updated string
	doc                              []byte
}

// encodeCase returns the column form of c, or a
// [*customer.ValidationError] naming the case and each field SQLite
// cannot hold faithfully: an undefined state or priority, an opening or
// last-event time outside the years 0–9999, text of the document that is
// not valid UTF-8 (encoding/json would replace its invalid bytes, and
// the case would read back changed).
func encodeCase(c complaint.Case) (caseRow, error) {
	var r caseRow
	var f fields
	var err error
	r.state, err = enumName(c.State)
	f.enum("state", uint8(c.State), err)
	r.priority, err = enumName(c.Priority)
	f.enum("priority", uint8(c.Priority), err)
	r.opened = f.time("opened", c.Opened)
	r.updated = f.time("updated", c.Updated)
	f.text(c)
	record := fmt.Sprintf("complaint %q version %d", c.ID, c.Version)
	if err := f.err(record); err != nil {
		return r, err
	}
	if r.doc, err = json.Marshal(c); err != nil {
		return r, invalid(record, "", customer.CodeFormat, err.Error())
	}
	return r, nil
}

// eventRow is the column form of an event.
type eventRow struct {
	at, command string
	doc         []byte
}

// encodeEvent returns the column form of ev, or a
// [*customer.ValidationError] naming the event and each field SQLite
// cannot hold faithfully, as encodeCase.
func encodeEvent(ev complaint.Event) (eventRow, error) {
	var r eventRow
	var f fields
	var err error
	r.at = f.time("at", ev.At)
	r.command, err = enumName(ev.Command.Kind)
	f.enum("command.kind", uint8(ev.Command.Kind), err)
	f.text(ev)
	record := fmt.Sprintf("complaint %q event %d", ev.Case, ev.Seq)
	if err := f.err(record); err != nil {
		return r, err
	}
	if r.doc, err = json.Marshal(ev); err != nil {
		return r, invalid(record, "", customer.CodeFormat, err.Error())
	}
	return r, nil
}

// Save implements [complaint.Store]. In one write transaction it checks
// the stored version, writes the case (insert for version 1, update
// guarded by the previous version otherwise) and inserts the event; a
// version or (case, seq) clash is ErrConflict.
func (s *Complaints) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	if err := s.db.start(ctx, fmt.Sprintf("save complaint %q version %d", c.ID, c.Version)); err != nil {
		return err
	}
	if ev.Case != c.ID || ev.Seq != c.Version || c.ID == "" {
		return fmt.Errorf("sqlitestore: complaint %q: event %q/%d for version %d: %w",
			c.ID, ev.Case, ev.Seq, c.Version, complaint.ErrMismatch)
	}
	conflict := func(stored int) error {
		return refuse(fmt.Errorf("sqlitestore: complaint %q: saving version %d over version %d: %w",
			c.ID, c.Version, stored, complaint.ErrConflict))
	}
	if c.Version < 1 {
		return conflict(-1)
	}
	row, err := encodeCase(c)
	if err != nil {
		return err
	}
	evRow, err := encodeEvent(ev)
	if err != nil {
		return err
	}
	return s.db.write(ctx, fmt.Sprintf("save complaint %q version %d", c.ID, c.Version), func(tx *sql.Tx) error {
		var stored int
		var storedDoc []byte
		err := tx.QueryRowContext(ctx, `SELECT version, doc FROM complaint_cases WHERE id = ?`, string(c.ID)).Scan(&stored, &storedDoc)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if stored != c.Version-1 {
			return conflict(stored)
		}
		if stored > 0 {
			var prev struct {
				Erased time.Time `json:"erased"`
			}
			if err := json.Unmarshal(storedDoc, &prev); err != nil {
				return fmt.Errorf("complaint %q: stored document: %w", c.ID, err)
			}
			if !prev.Erased.Equal(c.Erased) {
				return refuse(fmt.Errorf("sqlitestore: complaint %q: saving version %d computed from the case before its erasure: %w",
					c.ID, c.Version, complaint.ErrConflict))
			}
		}
		if c.Version == 1 {
			_, err = tx.ExecContext(ctx, `INSERT INTO complaint_cases
				(id, version, state, priority, complainant, opened, updated, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				string(c.ID), c.Version, row.state, row.priority, string(c.Intake.Complainant), row.opened, row.updated, row.doc)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE complaint_cases
				SET version = ?, state = ?, priority = ?, complainant = ?, opened = ?, updated = ?, doc = ?
				WHERE id = ? AND version = ?`,
				c.Version, row.state, row.priority, string(c.Intake.Complainant), row.opened, row.updated, row.doc,
				string(c.ID), c.Version-1)
			if err == nil {
				var n int64
				if n, err = res.RowsAffected(); err == nil && n != 1 {
					return conflict(stored)
				}
			}
		}
		if err != nil {
			if code := constraint(err); code == violatedPrimaryKey || code == violatedUnique {
				return conflict(stored)
			}
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO complaint_events (case_id, seq, at, command, actor, doc)
			VALUES (?, ?, ?, ?, ?, ?)`, string(ev.Case), ev.Seq, evRow.at, evRow.command, ev.Actor.String(), evRow.doc)
		if code := constraint(err); code == violatedPrimaryKey || code == violatedUnique {
			return conflict(stored)
		}
		return err
	})
}

// Events implements [complaint.Store].
func (s *Complaints) Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
	var evs []complaint.Event
	err := s.db.read(ctx, fmt.Sprintf("events of complaint %q", id), func(tx *sql.Tx) error {
		var version int
		err := tx.QueryRowContext(ctx, `SELECT version FROM complaint_cases WHERE id = ?`, string(id)).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse(fmt.Errorf("sqlitestore: complaint %q: %w", id, complaint.ErrNotFound))
		}
		if err != nil {
			return err
		}
		evs = make([]complaint.Event, 0, version)
		return each(ctx, tx, `SELECT seq, doc FROM complaint_events WHERE case_id = ? ORDER BY seq`,
			[]any{string(id)}, func(rows *sql.Rows) error {
				var seq int
				var doc []byte
				if err := rows.Scan(&seq, &doc); err != nil {
					return err
				}
				ev, err := decodeEvent(id, seq, doc)
				if err != nil {
					return err
				}
				evs = append(evs, ev)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// Cases implements [complaint.Store]: one query that reads the
// customer's rows from the index on (complainant, opened, id), in that
// order. The opened column is UTC text of fixed width, so its text order
// is the order of the instants, nanoseconds included.
func (s *Complaints) Cases(ctx context.Context, complainant customer.ID) ([]complaint.Case, error) {
	var cases []complaint.Case
	err := s.db.read(ctx, fmt.Sprintf("complaint cases of customer %q", complainant), func(tx *sql.Tx) error {
		var err error
		cases, err = casesOf(ctx, tx, complainant)
		return err
	})
	if err != nil {
		return nil, err
	}
	return cases, nil
}

// casesOf reads the cases of complainant in tx, in the order of
// [Complaints.Cases]; never nil.
func casesOf(ctx context.Context, tx *sql.Tx, complainant customer.ID) ([]complaint.Case, error) {
	cases := []complaint.Case{}
	err := each(ctx, tx, `SELECT id, doc FROM complaint_cases WHERE complainant = ? ORDER BY opened, id`,
		[]any{string(complainant)}, func(rows *sql.Rows) error {
			var id string
			var doc []byte
			if err := rows.Scan(&id, &doc); err != nil {
				return err
			}
			var c complaint.Case
			if err := json.Unmarshal(doc, &c); err != nil {
				return fmt.Errorf("complaint %q: stored document: %w", id, err)
			}
			cases = append(cases, c)
			return nil
		})
	return cases, err
}

// logsQuery reads the events of the cases opened in [?1, ?2) (the opened
// column's text), case by case in the order of Complaints.Logs, each
// case's events by seq.
const logsQuery = `SELECT e.case_id, e.seq, e.doc
	FROM complaint_cases AS c JOIN complaint_events AS e ON e.case_id = c.id
	WHERE c.opened >= ?1 AND c.opened < ?2
	ORDER BY c.opened, c.id, e.seq`

// Logs implements [complaint.LogLister] in one query, in one read
// transaction, whose snapshot the logs are: it reads the cases of the
// period from the index on (opened, id), in that order (the opened column
// is UTC text of fixed width, so its text order is the order of the
// instants, nanoseconds included; IDs compare byte by byte, as Go
// compares strings), and each case's events by the primary key, and
// yields each log as its last event is read. The iteration holds one of
// the read connections ([Options].Readers) until it ends: the loop's
// body may save (the writer has its own connection, and WAL mode lets
// it commit while the snapshot is read), but a body that reads the store
// needs another read connection, and waits for one when the others are
// busy. Bounds outside the years 0–9999, which no stored case's opening
// is, read as no bound.
func (s *Complaints) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		op := fmt.Sprintf("logs of the complaints opened from %s to %s", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano))
		if err := s.db.start(ctx, op); err != nil {
			yield(nil, err)
			return
		}
		if !to.After(from) {
			return
		}
		lo, err := timeText(from)
		if err != nil {
			if from.After(to) || from.UTC().Year() > 9999 {
				return // after every stored opening
			}
			lo = "" // before every stored opening
		}
		hi, err := timeText(to)
		if err != nil {
			if to.UTC().Year() < 0 {
				return
			}
			hi = "~" // after every stored opening: '~' sorts after the digits
		}
		stopped := false
		var log []complaint.Event
		var cur string // the case of log: the rows' case_id, not the documents'
		err = s.db.read(ctx, op, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, logsQuery, lo, hi)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				var seq int
				var doc []byte
				if err := rows.Scan(&id, &seq, &doc); err != nil {
					return err
				}
				if len(log) > 0 && id != cur {
					if !yield(log, nil) {
						stopped = true
						return nil
					}
					log = nil
				}
				ev, err := decodeEvent(id, seq, doc)
				if err != nil {
					return err
				}
				log, cur = append(log, ev), id
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(log) > 0 && !yield(log, nil) {
				stopped = true
			}
			return nil
		})
		if err != nil && !stopped {
			yield(nil, err)
		}
	}
}

// decodeEvent decodes the stored document doc of event seq of case id.
func decodeEvent[ID ~string](id ID, seq int, doc []byte) (complaint.Event, error) {
	var ev complaint.Event
	if err := json.Unmarshal(doc, &ev); err != nil {
		return ev, fmt.Errorf("complaint %q event %d: stored document: %w", id, seq, err)
	}
	return ev, nil
}

// Erase implements [complaint.Eraser]. In one write transaction it reads
// the customer's cases, refuses when one is open or at is before its
// last event ([complaint.CheckErase]), and rewrites the
// document of each case and of each of its events in the erased form
// ([complaint.EraseCase], [complaint.EraseEvent]); the columns hold no
// text of the customer and stay as they are.
func (s *Complaints) Erase(ctx context.Context, complainant customer.ID, at time.Time) error {
	op := fmt.Sprintf("erase complaints of customer %q", complainant)
	return s.db.write(ctx, op, func(tx *sql.Tx) error {
		cases, err := casesOf(ctx, tx, complainant)
		if err != nil {
			return err
		}
		for _, c := range cases {
			if err := complaint.CheckErase(c, at); err != nil {
				return refuse(fmt.Errorf("sqlitestore: %w", err))
			}
		}
		for _, c := range cases {
			doc, err := json.Marshal(complaint.EraseCase(c, at))
			if err != nil {
				return fmt.Errorf("sqlitestore: complaint %q: erase: %w", c.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE complaint_cases SET doc = ? WHERE id = ?`, doc, string(c.ID)); err != nil {
				return err
			}
			var evs []complaint.Event
			err = each(ctx, tx, `SELECT seq, doc FROM complaint_events WHERE case_id = ? ORDER BY seq`,
				[]any{string(c.ID)}, func(rows *sql.Rows) error {
					var seq int
					var doc []byte
					if err := rows.Scan(&seq, &doc); err != nil {
						return err
					}
					ev, err := decodeEvent(c.ID, seq, doc)
					if err != nil {
						return err
					}
					evs = append(evs, ev)
					return nil
				})
			if err != nil {
				return err
			}
			for _, ev := range evs {
				doc, err := json.Marshal(complaint.EraseEvent(ev, at))
				if err != nil {
					return fmt.Errorf("sqlitestore: complaint %q event %d: erase: %w", c.ID, ev.Seq, err)
				}
				if _, err := tx.ExecContext(ctx, `UPDATE complaint_events SET doc = ? WHERE case_id = ? AND seq = ?`,
					doc, string(c.ID), ev.Seq); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
