package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrClosed is returned by every method of a store whose [DB] was closed.
var ErrClosed = errors.New("sqlitestore: database is closed")

// Options tune [Open]. A nil *Options means the defaults.
type Options struct {
	// BusyTimeout is how long a statement waits for a lock that another
	// process holds before it fails with SQLITE_BUSY (default 5 s),
	// rounded up to whole milliseconds.
	// Writers of this process never wait on each other this way: they
	// queue for the one writing connection.
	BusyTimeout time.Duration
	// Readers is the number of read-only connections (default 4).
	Readers int
	// Durable makes every commit wait for the disk (PRAGMA synchronous =
	// FULL). By default a commit is durable once the WAL is checkpointed
	// (synchronous = NORMAL): a power cut may lose the last commits but
	// never corrupts the file.
	Durable bool
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.BusyTimeout <= 0 {
		r.BusyTimeout = 5 * time.Second
	}
	if r.Readers <= 0 {
		r.Readers = 4
	}
	return r
}

// DB is an open SQLite database with tailor's schema. It is safe for
// concurrent use. Close it when done.
type DB struct {
	path   string
	w      *sql.DB // one connection, BEGIN IMMEDIATE
	r      *sql.DB // read-only connections
	closed atomic.Bool
}

// Open opens the SQLite file at path, creating it when missing (with
// mode [NewFileMode]), and migrates its schema to the current version
// ([LatestSchema]). It fails when the file has a newer schema than this
// package knows, or is not a SQLite database. The connections run in WAL
// mode with foreign keys on.
func Open(ctx context.Context, path string, opts *Options) (*DB, error) {
	return open(ctx, path, opts, LatestSchema)
}

// open is Open migrating to version target (tests make old files).
func open(ctx context.Context, path string, opts *Options, target int) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlitestore: open: empty path")
	}
	o := opts.withDefaults()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	if err := createPrivate(abs); err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	sync := "NORMAL"
	if o.Durable {
		sync = "FULL"
	}
	// SQLite counts the time-out in whole milliseconds, in a C int:
	// round up, so that a positive time-out never becomes 0 (no waiting
	// at all), and keep it within the int.
	ms := o.BusyTimeout / time.Millisecond
	if o.BusyTimeout%time.Millisecond != 0 {
		ms++
	}
	busy := strconv.FormatInt(min(int64(ms), math.MaxInt32), 10)
	w, err := sql.Open("sqlite", dsn(abs, url.Values{
		"_pragma": {"busy_timeout(" + busy + ")", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(" + sync + ")"},
		"_txlock": {"immediate"},
	}))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{path: abs, w: w}
	if err := migrateWaiting(ctx, w, target, o.BusyTimeout); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(abs, url.Values{
		"_pragma": {"busy_timeout(" + busy + ")", "foreign_keys(1)", "query_only(1)"},
	}))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(o.Readers)
	r.SetMaxIdleConns(o.Readers)
	db.r = r
	return db, nil
}

// NewFileMode is the mode (before the umask) of a database file that
// [Open] creates: readable and writable by its owner alone, as the file
// holds personal data (names, contacts, birthdays, histories). SQLite
// gives the file's WAL and shared-memory files (path-wal, path-shm) the
// mode of the database file. Open never changes the mode of a file that
// exists: to share one with a group (a backup account, say), change its
// mode; the WAL and shared-memory files made afterwards follow it.
const NewFileMode os.FileMode = 0o600

// createPrivate creates an empty file (an empty SQLite database) at abs
// with mode NewFileMode, unless something is there already. SQLite
// itself would create a missing file with mode 0644, readable by every
// user of the machine.
func createPrivate(abs string) error {
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, NewFileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// migrateWaiting is migrate, tried again for up to wait while it fails
// with SQLITE_BUSY. Processes opening one new file at once meet where
// the busy time-out does not help: a connection's first statement
// switches the file to WAL, and SQLite answers a connection that finds
// another one in the middle of that switch with SQLITE_BUSY at once,
// without calling the busy handler. A new attempt on a new connection
// finds the file in WAL and waits as every other statement does.
func migrateWaiting(ctx context.Context, w *sql.DB, target int, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		_, err := migrate(ctx, w, target)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// dsn is the driver's name of the file at the absolute path abs: a file:
// URI, so that any character may appear in the path, and the driver's
// parameters.
func dsn(abs string, params url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	return u.String() + "?" + params.Encode()
}

// Path returns the absolute path of the database file.
func (db *DB) Path() string { return db.path }

// Close closes the database. The stores made from db then return errors
// matching [ErrClosed]. Closing twice is a no-op.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return nil
	}
	return errors.Join(db.r.Close(), db.w.Close())
}

// SchemaVersion returns the version of the schema in the file: the
// number of migrations applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read(ctx, "schema version", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	})
	return v, err
}

// Customers returns the customer directory and history store of db.
func (db *DB) Customers() *Customers { return &Customers{db: db} }

// Complaints returns the complaint case store of db.
func (db *DB) Complaints() *Complaints { return &Complaints{db: db} }

// Loyalty returns the loyalty ledger store of db.
func (db *DB) Loyalty() *Ledgers { return &Ledgers{db: db} }

// start checks, before any work, that db is open and ctx not done.
func (db *DB) start(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	if db.closed.Load() {
		return fmt.Errorf("sqlitestore: %s: %w", op, ErrClosed)
	}
	return nil
}

// fail wraps err, an error of the driver, for op. When ctx is done or db
// closed it wraps that too, so that errors.Is finds context.Canceled or
// ErrClosed whatever the driver said.
func (db *DB) fail(ctx context.Context, op string, err error) error {
	switch {
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return fmt.Errorf("sqlitestore: %s: %w: %w", op, ctx.Err(), err)
	case db.closed.Load():
		return fmt.Errorf("sqlitestore: %s: %w: %w", op, ErrClosed, err)
	}
	return fmt.Errorf("sqlitestore: %s: %w", op, err)
}

// storeError marks an error that a store function built itself (a
// sentinel with context); read and write return it unchanged.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

// refuse returns err, built by a store, to be passed through unchanged.
func refuse(err error) error { return storeError{err} }

// write runs fn in a write transaction (BEGIN IMMEDIATE) and commits it
// when fn returns nil; otherwise it rolls back and returns fn's error.
// When fn panics (a caller's change or check function, say), the
// transaction is rolled back before the panic goes on, so that the one
// writing connection is not left holding the database's write lock.
func (db *DB) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if err := db.start(ctx, op); err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(ctx, op, err)
	}
	// After Commit, or the Rollback below, this is a no-op (sql.ErrTxDone).
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return db.unwrap(ctx, op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(ctx, op, err)
	}
	return nil
}

// read runs fn in a read-only transaction, so that all its queries see
// one committed state.
func (db *DB) read(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if err := db.start(ctx, op); err != nil {
		return err
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.fail(ctx, op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return db.unwrap(ctx, op, err)
	}
	return nil
}

func (db *DB) unwrap(ctx context.Context, op string, err error) error {
	var se storeError
	if errors.As(err, &se) {
		return se.err
	}
	return db.fail(ctx, op, err)
}

// constraint returns the extended result code of a constraint violation
// reported by the driver, or 0 when err is not one.
func constraint(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return e.Code()
	}
	return 0
}

// Extended result codes of the constraint violations the stores map to
// their sentinels.
const (
	violatedPrimaryKey = sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	violatedUnique     = sqlite3.SQLITE_CONSTRAINT_UNIQUE
	violatedForeignKey = sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
)
