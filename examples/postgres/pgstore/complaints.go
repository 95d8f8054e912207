package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// ComplaintStore keeps complaint cases and their audit trails: a
// [complaint.Store]. A case is a row of complaint_cases (its JSON in
// body, and the fields one queries — state, priority, complainant,
// handler, opened and updated with their nanoseconds — as columns); each
// event is a row of complaint_events keyed by (case_id, seq), its at with
// its nanoseconds a column too. An index on
// (complainant, opened, opened_ns, id) gives a customer's cases in the
// order [ComplaintStore.Cases] returns them, and one on
// (opened, opened_ns, id) the cases of a period in the order
// [ComplaintStore.Logs] yields them. It is safe for concurrent use, a
// [complaint.Eraser] ([ComplaintStore.Erase]) and a
// [complaint.LogLister] ([ComplaintStore.Logs]).
type ComplaintStore struct {
	db *DB
}

var (
	_ complaint.Eraser    = (*ComplaintStore)(nil)
	_ complaint.LogLister = (*ComplaintStore)(nil)
)

// Get implements [complaint.Store].
func (s *ComplaintStore) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	if err := ctxErr(ctx, fmt.Sprintf("get complaint %q", id)); err != nil {
		return complaint.Case{}, err
	}
	if !storable(string(id)) {
		return complaint.Case{}, fmt.Errorf("pgstore: complaint %q: %w", id, complaint.ErrNotFound)
	}
	var body []byte
	err := s.db.reader().QueryRow(ctx, `SELECT body FROM `+s.db.t.cases+` WHERE id = $1`, string(id)).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return complaint.Case{}, fmt.Errorf("pgstore: complaint %q: %w", id, complaint.ErrNotFound)
	}
	if err != nil {
		return complaint.Case{}, fmt.Errorf("pgstore: get complaint %q: %w", id, err)
	}
	var c complaint.Case
	if err := json.Unmarshal(body, &c); err != nil {
		return complaint.Case{}, fmt.Errorf("pgstore: complaint %q: stored case: %w", id, err)
	}
	return c, nil
}

// Save implements [complaint.Store] in one statement ([DB.write]:
// atomic, and nothing stored when it fails). Version 1 inserts the case (a second insert of the same ID
// finds the primary key taken: ErrConflict); later versions update it
// only "WHERE version = c.Version-1" and the case's erasure time is the
// stored one, as an instant to the nanosecond ([sameErased]; a case
// computed from the case before an erasure would bring its texts back:
// ErrConflict), so that of concurrent savers of one
// version the database lets exactly one through (the others wait for its
// row lock, then match no row). The event is inserted by the same
// statement, from the row written; the primary key (case_id, seq) backs
// the version check.
func (s *ComplaintStore) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	if err := ctxErr(ctx, fmt.Sprintf("save complaint %q version %d", c.ID, c.Version)); err != nil {
		return err
	}
	if ev.Case != c.ID || ev.Seq != c.Version || c.ID == "" {
		return fmt.Errorf("pgstore: complaint %q: event %q/%d for version %d: %w", c.ID, ev.Case, ev.Seq, c.Version, complaint.ErrMismatch)
	}
	conflict := func() error {
		return fmt.Errorf("pgstore: complaint %q: saving version %d: the stored version is not %d: %w", c.ID, c.Version, c.Version-1, complaint.ErrConflict)
	}
	if c.Version < 1 {
		return conflict()
	}
	if err := checkJSON(fmt.Sprintf("complaint %q", c.ID), c); err != nil {
		return err
	}
	if err := checkJSON(fmt.Sprintf("complaint %q event %d", c.ID, ev.Seq), ev); err != nil {
		return err
	}
	caseBody, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("pgstore: complaint %q: encode case: %w: %w", c.ID, customer.ErrInvalid, err)
	}
	evBody, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("pgstore: complaint %q: encode event %d: %w: %w", c.ID, ev.Seq, customer.ErrInvalid, err)
	}
	opened, openedNs := nullInstant(c.Opened)
	updated, updatedNs := nullInstant(c.Updated)
	at, atNs := nullInstant(ev.At)
	// One statement, atomic by itself: the case's insert or versioned
	// update, and the event's insert only when the case row was written.
	var q string
	if c.Version == 1 {
		q = `WITH c AS (
				INSERT INTO ` + s.db.t.cases + ` (id, version, state, priority, complainant, handler, opened, opened_ns, updated, updated_ns, body)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $17, $8, $18, $9) ON CONFLICT (id) DO NOTHING RETURNING id)`
	} else {
		q = `WITH c AS (
				UPDATE ` + s.db.t.cases + ` SET version = $2, state = $3, priority = $4, complainant = $5,
					handler = $6, opened = $7, opened_ns = $17, updated = $8, updated_ns = $18, body = $9
				WHERE id = $1 AND version = $2 - 1 AND ` + sameErased + ` RETURNING id)`
	}
	args := []any{string(c.ID), c.Version, c.State.String(), c.Priority.String(),
		string(c.Intake.Complainant), string(c.Handler), opened, updated, string(caseBody),
		at, string(ev.Actor.ID), ev.Actor.Role.String(), ev.Command.Kind.String(), stateName(ev.From), ev.To.String(), string(evBody),
		openedNs, updatedNs, atNs}
	if c.Version > 1 {
		args = append(args, erasedText(c.Erased)) // $20, only in the update
	}
	var written int64
	err = s.db.write(ctx, func(rows pgx.Rows) error {
		rows.Close()
		written = rows.CommandTag().RowsAffected()
		return rows.Err()
	}, q+`
		INSERT INTO `+s.db.t.caseEvents+` (case_id, seq, at, at_ns, actor, role, command, from_state, to_state, body)
		SELECT c.id, $2, $10, $19, $11, $12, $13, $14, $15, $16 FROM c`, args...)
	if code, _ := pgCode(err); code == uniqueViolation || (err == nil && written == 0) {
		return conflict()
	}
	if err != nil {
		return keyFault(fmt.Errorf("pgstore: save complaint %q version %d: %w", c.ID, c.Version, err),
			fmt.Sprintf("complaint %q", c.ID), key{"id", string(c.ID)}, key{"intake.complainant", string(c.Intake.Complainant)})
	}
	return nil
}

// stateName is the from_state column: empty for the recording event,
// which comes from no state.
func stateName(s complaint.State) string {
	if s == 0 {
		return ""
	}
	return s.String()
}

// Events implements [complaint.Store].
func (s *ComplaintStore) Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
	if err := ctxErr(ctx, fmt.Sprintf("events of complaint %q", id)); err != nil {
		return nil, err
	}
	if !storable(string(id)) {
		return nil, fmt.Errorf("pgstore: complaint %q: %w", id, complaint.ErrNotFound)
	}
	rows, err := s.db.reader().Query(ctx, `SELECT body FROM `+s.db.t.caseEvents+` WHERE case_id = $1 ORDER BY seq`, string(id))
	if err != nil {
		return nil, fmt.Errorf("pgstore: events of complaint %q: %w", id, err)
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (complaint.Event, error) {
		var body []byte
		if err := r.Scan(&body); err != nil {
			return complaint.Event{}, err
		}
		var ev complaint.Event
		return ev, json.Unmarshal(body, &ev)
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: events of complaint %q: %w", id, err)
	}
	if len(evs) == 0 {
		// A stored case always has its recording event.
		return nil, fmt.Errorf("pgstore: complaint %q: %w", id, complaint.ErrNotFound)
	}
	return evs, nil
}

// Cases implements [complaint.Store] in one query, which reads the
// customer's rows from the index on (complainant, opened, opened_ns, id)
// in that order: the instant to the microsecond, then its nanoseconds,
// then the ID byte by byte (COLLATE "C"). A zero Opened (NULL) comes
// first, as the earliest instant. An ID that PostgreSQL text cannot hold
// (a NUL byte, invalid UTF-8) has no stored case, as Save refuses such
// text: it gives an empty result without asking the server.
func (s *ComplaintStore) Cases(ctx context.Context, complainant customer.ID) ([]complaint.Case, error) {
	op := fmt.Sprintf("complaint cases of customer %q", complainant)
	if err := ctxErr(ctx, op); err != nil {
		return nil, err
	}
	if !storable(string(complainant)) {
		return []complaint.Case{}, nil
	}
	rows, err := s.db.reader().Query(ctx, `SELECT id, body FROM `+s.db.t.cases+`
		WHERE complainant = $1 ORDER BY opened NULLS FIRST, opened_ns, id`, string(complainant))
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", op, err)
	}
	cases, err := pgx.CollectRows(rows, scanCase)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", op, err)
	}
	return cases, nil
}

// Logs implements [complaint.LogLister] in one query, whose snapshot the
// logs are (a statement sees the database as of its start, whatever the
// isolation level): it reads the cases of the period from the index on
// (opened, opened_ns, id), in that order (the instant to the
// microsecond, then its nanoseconds, then the ID byte by byte: COLLATE
// "C"), each case's events by the primary key (case_id, seq), and yields
// each log as its last event arrives. A zero Opened (NULL) is the
// earliest instant. The iteration holds one connection of the pool until
// it ends: the loop's body may use the store, with the pool's other
// connections. Stopping early reads the rest of the result off the
// connection before it goes back to the pool. A bound outside
// timestamptz's range, which no stored case's opening is, reads as no
// bound.
func (s *ComplaintStore) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		op := fmt.Sprintf("logs of the complaints opened from %s to %s", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano))
		if err := ctxErr(ctx, op); err != nil {
			yield(nil, err)
			return
		}
		if !to.After(from) || !from.Before(endTimestamp) || to.Before(minTimestamp) {
			return
		}
		var args []any
		lower := from.After(time.Time{}) // a zero Opened is stored as NULL
		if lower {
			at, ns := instant(from)
			args = append(args, at, ns)
		}
		upper := to.Before(endTimestamp)
		if upper {
			at, ns := instant(to)
			args = append(args, at, ns)
		}
		nulls := !lower && to.After(time.Time{})
		rows, err := s.db.reader().Query(ctx, s.logsQuery(lower, upper, nulls), args...)
		if err != nil {
			yield(nil, fmt.Errorf("pgstore: %s: %w", op, err))
			return
		}
		defer rows.Close()
		var log []complaint.Event
		var cur string // the case of log: the rows' case_id, not the documents'
		for rows.Next() {
			var id string
			var seq int64
			var body []byte
			if err := rows.Scan(&id, &seq, &body); err != nil {
				yield(nil, fmt.Errorf("pgstore: %s: %w", op, err))
				return
			}
			if len(log) > 0 && id != cur {
				if !yield(log, nil) {
					return
				}
				log = nil
			}
			var ev complaint.Event
			if err := json.Unmarshal(body, &ev); err != nil {
				yield(nil, fmt.Errorf("pgstore: complaint %q event %d: stored event: %w", id, seq, err))
				return
			}
			log, cur = append(log, ev), id
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("pgstore: %s: %w", op, err))
			return
		}
		if len(log) > 0 {
			yield(log, nil)
		}
	}
}

// logsQuery is the query of [ComplaintStore.Logs]: the events of the
// cases opened at or after ($1, $2) (the instant to the microsecond and
// its nanoseconds) when lower, and before the next two parameters when
// upper, or of the cases with a NULL opening too when nulls; ordered by
// the opening, the case ID and seq.
//
// The row comparisons name their operators in pg_catalog: the statement
// runs with the search_path [pinSearchPath], but pgx may have the server
// describe it first, outside the transaction, with the session's; there
// an operator named alike in a schema before pg_catalog would leave the
// server unable to read the comparison (SQLSTATE 0A000).
func (s *ComplaintStore) logsQuery(lower, upper, nulls bool) string {
	var conds []string
	p := 1
	if lower {
		conds = append(conds, fmt.Sprintf("(c.opened, c.opened_ns) OPERATOR(pg_catalog.>=) ($%d::pg_catalog.timestamptz, $%d::pg_catalog.int2)", p, p+1))
		p += 2
	}
	if upper {
		conds = append(conds, fmt.Sprintf("(c.opened, c.opened_ns) OPERATOR(pg_catalog.<) ($%d::pg_catalog.timestamptz, $%d::pg_catalog.int2)", p, p+1))
	}
	where := "true"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	if nulls {
		where = "(c.opened IS NULL OR " + where + ")"
	}
	return `SELECT e.case_id, e.seq, e.body
		FROM ` + s.db.t.cases + ` AS c JOIN ` + s.db.t.caseEvents + ` AS e ON e.case_id = c.id
		WHERE ` + where + `
		ORDER BY c.opened NULLS FIRST, c.opened_ns, c.id, e.seq`
}

// scanCase decodes a row of (id, body) of the cases table.
func scanCase(r pgx.CollectableRow) (complaint.Case, error) {
	var id string
	var body []byte
	if err := r.Scan(&id, &body); err != nil {
		return complaint.Case{}, err
	}
	var c complaint.Case
	if err := json.Unmarshal(body, &c); err != nil {
		return complaint.Case{}, fmt.Errorf("complaint %q: stored case: %w", id, err)
	}
	return c, nil
}

// sameErased is the condition of the update of a case that its stored
// Erased (body->>'erased', RFC 3339 text in the zone of the erasure, or
// NULL) is the instant $20 ([erasedText]) is, NULL for zero. The texts of
// one instant differ in another zone, so when they differ it compares
// instants: timestamptz, which keeps microseconds (rounded), and the
// fraction of the second to nine digits, which no zone offset (whole
// minutes) changes, so that instants a nanosecond apart differ too.
// CASE keeps the casts from running on NULL or on equal texts.
const sameErased = `CASE
	WHEN (body->>'erased') IS NOT DISTINCT FROM $20::pg_catalog.text THEN true
	WHEN (body->>'erased') IS NULL OR $20::pg_catalog.text IS NULL THEN false
	ELSE (body->>'erased')::pg_catalog.timestamptz = ($20::pg_catalog.text)::pg_catalog.timestamptz
		AND rpad(coalesce(substring(body->>'erased' from '[.]([0-9]+)'), ''), 9, '0')
			= rpad(coalesce(substring($20::pg_catalog.text from '[.]([0-9]+)'), ''), 9, '0')
	END`

// erasedText is the Erased of a case as RFC 3339 text with nanoseconds
// (its JSON form), the parameter $20 of [sameErased]; nil when zero.
func erasedText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	b, err := t.MarshalText()
	if err != nil {
		return nil
	}
	return string(b)
}

// Erase implements [complaint.Eraser] in one transaction: it reads and
// locks the customer's case rows (FOR UPDATE, so that no Save of them
// runs meanwhile), refuses when one is open or at is before its last
// event ([complaint.CheckErase]), and rewrites the body of
// each case and of each of its events in the erased form
// ([complaint.EraseCase], [complaint.EraseEvent]) by two statements. The
// columns hold no text of the customer and stay as they are. A time at
// that the cases' JSON cannot hold (a year outside 0–9999 in at's zone,
// RFC 3339's four digits) is refused before anything is read or written,
// with a [*customer.ValidationError] naming the field "at".
func (s *ComplaintStore) Erase(ctx context.Context, complainant customer.ID, at time.Time) error {
	op := fmt.Sprintf("erase complaints of customer %q", complainant)
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	if !storable(string(complainant)) {
		return nil // Save refuses such text: no case is stored under it
	}
	if _, err := at.MarshalJSON(); err != nil {
		// The erased forms hold at in their JSON, which RFC 3339 limits
		// to the years 0 to 9999 in at's own zone; refused before the
		// transaction, so nothing is read or written.
		return customer.Invalid(fmt.Sprintf("erasure of the complaints of customer %q", complainant), []customer.FieldError{{
			Field: "at", Code: customer.CodeRange,
			Message: fmt.Sprintf("%s is outside the years 0 to 9999 that a case's JSON (RFC 3339) can hold", at.Format(time.RFC3339Nano)),
		}})
	}
	err := s.db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, body FROM `+s.db.t.cases+`
			WHERE complainant = $1 ORDER BY opened NULLS FIRST, opened_ns, id FOR UPDATE`, string(complainant))
		if err != nil {
			return err
		}
		cases, err := pgx.CollectRows(rows, scanCase)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(cases))
		bodies := make([]string, 0, len(cases))
		for _, c := range cases {
			if err := complaint.CheckErase(c, at); err != nil {
				return err
			}
			b, err := json.Marshal(complaint.EraseCase(c, at))
			if err != nil {
				return fmt.Errorf("complaint %q: encode case: %w", c.ID, err)
			}
			ids, bodies = append(ids, string(c.ID)), append(bodies, string(b))
		}
		if len(ids) == 0 {
			return nil
		}
		rows, err = tx.Query(ctx, `SELECT case_id, seq, body FROM `+s.db.t.caseEvents+`
			WHERE case_id = ANY($1::pg_catalog.text[]) ORDER BY case_id, seq`, ids)
		if err != nil {
			return err
		}
		type evRow struct {
			id   string
			seq  int64
			body string
		}
		evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (evRow, error) {
			var e evRow
			var body []byte
			if err := r.Scan(&e.id, &e.seq, &body); err != nil {
				return e, err
			}
			var ev complaint.Event
			if err := json.Unmarshal(body, &ev); err != nil {
				return e, fmt.Errorf("complaint %q event %d: stored event: %w", e.id, e.seq, err)
			}
			b, err := json.Marshal(complaint.EraseEvent(ev, at))
			if err != nil {
				return e, fmt.Errorf("complaint %q event %d: encode: %w", e.id, e.seq, err)
			}
			e.body = string(b)
			return e, nil
		})
		if err != nil {
			return err
		}
		evIDs, evSeqs, evBodies := make([]string, len(evs)), make([]int64, len(evs)), make([]string, len(evs))
		for i, e := range evs {
			evIDs[i], evSeqs[i], evBodies[i] = e.id, e.seq, e.body
		}
		if _, err := tx.Exec(ctx, `UPDATE `+s.db.t.cases+` AS t SET body = v.body::pg_catalog.jsonb
			FROM unnest($1::pg_catalog.text[], $2::pg_catalog.text[]) AS v(id, body) WHERE t.id = v.id`, ids, bodies); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE `+s.db.t.caseEvents+` AS t SET body = v.body::pg_catalog.jsonb
			FROM unnest($1::pg_catalog.text[], $2::pg_catalog.int8[], $3::pg_catalog.text[]) AS v(case_id, seq, body)
			WHERE t.case_id = v.case_id AND t.seq = v.seq`, evIDs, evSeqs, evBodies)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	return nil
}
