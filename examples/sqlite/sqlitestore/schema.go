package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrSchemaTooNew is returned by [Open] for a file whose schema version is
// higher than [LatestSchema]: it was written by a newer program.
var ErrSchemaTooNew = errors.New("sqlitestore: the file's schema is newer than this program's")

// migration is one step of the schema. Steps are applied in order, each
// once; a released step is never edited, a change is a new step.
type migration struct {
	name  string
	stmts []string
}

// migrations are the steps of the schema; version n is the first n.
var migrations = []migration{
	{"customers and their histories", []string{
		`CREATE TABLE customers (
			id     TEXT PRIMARY KEY NOT NULL,
			kind   TEXT NOT NULL,
			region TEXT NOT NULL,
			doc    TEXT NOT NULL
		)`,
		`CREATE TABLE orders (
			id          TEXT PRIMARY KEY NOT NULL,
			customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
			at          TEXT NOT NULL,
			currency    TEXT NOT NULL,
			doc         TEXT NOT NULL
		)`,
		`CREATE INDEX orders_by_customer ON orders (customer_id, at)`,
		`CREATE TABLE returns (
			id          TEXT PRIMARY KEY NOT NULL,
			order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
			customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
			at          TEXT NOT NULL,
			doc         TEXT NOT NULL
		)`,
		`CREATE INDEX returns_by_customer ON returns (customer_id, at)`,
		`CREATE INDEX returns_by_order ON returns (order_id)`,
		`CREATE TABLE interactions (
			customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
			at          TEXT NOT NULL,
			kind        TEXT NOT NULL,
			subject     TEXT NOT NULL,
			PRIMARY KEY (customer_id, at, kind, subject)
		) WITHOUT ROWID`,
	}},
	{"complaint cases and their events", []string{
		`CREATE TABLE complaint_cases (
			id          TEXT PRIMARY KEY NOT NULL,
			version     INTEGER NOT NULL CHECK (version > 0),
			state       TEXT NOT NULL,
			priority    TEXT NOT NULL,
			complainant TEXT NOT NULL,
			opened      TEXT NOT NULL,
			updated     TEXT NOT NULL,
			doc         TEXT NOT NULL
		)`,
		`CREATE INDEX complaint_cases_by_state ON complaint_cases (state, updated)`,
		`CREATE INDEX complaint_cases_by_complainant ON complaint_cases (complainant)`,
		`CREATE TABLE complaint_events (
			case_id TEXT NOT NULL REFERENCES complaint_cases (id),
			seq     INTEGER NOT NULL CHECK (seq > 0),
			at      TEXT NOT NULL,
			command TEXT NOT NULL,
			actor   TEXT NOT NULL,
			doc     TEXT NOT NULL,
			PRIMARY KEY (case_id, seq)
		) WITHOUT ROWID`,
	}},
	{"loyalty ledgers", []string{
		`CREATE TABLE loyalty_entries (
			member   TEXT NOT NULL,
			seq      INTEGER NOT NULL CHECK (seq > 0),
			key      TEXT NOT NULL,
			kind     TEXT NOT NULL,
			at       TEXT NOT NULL,
			points   INTEGER NOT NULL,
			order_id TEXT NOT NULL,
			doc      TEXT NOT NULL,
			PRIMARY KEY (member, seq),
			UNIQUE (member, key)
		) WITHOUT ROWID`,
		`CREATE INDEX loyalty_entries_by_order ON loyalty_entries (order_id) WHERE order_id <> ''`,
	}},
	{"complaint cases listed by complainant", []string{
		// A customer's cases in listing order (opened, then ID) straight
		// from the index; it replaces the index on complainant alone.
		`DROP INDEX complaint_cases_by_complainant`,
		`CREATE INDEX complaint_cases_by_complainant_opened ON complaint_cases (complainant, opened, id)`,
	}},
	{"credits", []string{
		// A credit has no nested parts, so it is columns only: the amount
		// as exact decimal text beside its currency. order_id is NULL for
		// a credit for no order (a foreign key cannot point at '').
		`CREATE TABLE credits (
			id          TEXT PRIMARY KEY NOT NULL,
			customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
			order_id    TEXT REFERENCES orders (id) ON DELETE CASCADE,
			at          TEXT NOT NULL,
			kind        TEXT NOT NULL,
			amount      TEXT NOT NULL,
			currency    TEXT NOT NULL,
			source      TEXT NOT NULL
		)`,
		`CREATE INDEX credits_by_customer ON credits (customer_id, at)`,
		`CREATE INDEX credits_by_order ON credits (order_id)`,
	}},
	// No table changes: the step marks a file whose ledger entries may
	// hold their fingerprint as a string of decimal digits, which a
	// program of version 5 cannot decode. Such a program refuses the file
	// at Open (ErrSchemaTooNew) instead of failing when it reads a
	// ledger. Entries written before keep their JSON number, which reads
	// back exactly.
	{"loyalty fingerprints as text", nil},
	{"complaint cases listed by opening", []string{
		// The cases opened in a period, of every complainant, in the
		// order of Complaints.Logs (opened, then ID) straight from the
		// index.
		`CREATE INDEX complaint_cases_by_opened ON complaint_cases (opened, id)`,
	}},
}

// LatestSchema is the schema version this package writes: the number of
// its migrations.
const LatestSchema = 7

// migrate brings the schema of w's file to version target, in one
// transaction, and returns the number of migrations it applied (0 when
// the file was already there). A file at a higher version is
// ErrSchemaTooNew.
func migrate(ctx context.Context, w *sql.DB, target int) (applied int, err error) {
	tx, err := w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrator at a time
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY NOT NULL,
		name    TEXT NOT NULL
	)`); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if target > len(migrations) {
		return 0, fmt.Errorf("migrate: no schema version %d", target)
	}
	if have > len(migrations) {
		return 0, fmt.Errorf("schema version %d, this program knows %d: %w", have, len(migrations), ErrSchemaTooNew)
	}
	for v := have + 1; v <= target; v++ {
		m := migrations[v-1]
		for _, s := range m.stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return 0, fmt.Errorf("migration %d (%s): %w", v, m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name) VALUES (?, ?)`, v, m.name); err != nil {
			return 0, fmt.Errorf("migration %d (%s): %w", v, m.name, err)
		}
		applied++
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}
