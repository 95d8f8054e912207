package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure a [DB].
type Options struct {
	// Schema is the PostgreSQL schema that holds the tables; "public"
	// when empty. Migrate creates it when it does not exist. Several
	// schemas keep independent data sets in one database (one per shop,
	// or one per test). A name that a search_path reads as another
	// schema ($user, the role's own), or one longer than the server
	// keeps of an identifier (max_identifier_length, 63 bytes by
	// default: it would be cut), is refused by [DB.Migrate].
	Schema string
	// MigrationLockTimeout bounds how long [DB.Migrate] waits for the
	// locks on the tables an upgrade alters or rewrites, taken all
	// together before its first migration and within this one bound
	// however many turns it takes, or on schema_version when it reads the
	// schema's version or records a migration, while other transactions
	// use the tables (the
	// server's lock_timeout, set for the migration's transaction only): a
	// migration waiting behind a long transaction would otherwise hold
	// every later query of that table waiting behind itself. When it
	// expires, the migration is rolled back, nothing is changed, and
	// Migrate returns an error matching [ErrMigrationLocked], to be tried
	// again later. 0 means [DefaultMigrationLockTimeout]; a negative value
	// waits as long as the server's own setting says.
	MigrationLockTimeout time.Duration
}

// DefaultMigrationLockTimeout is the MigrationLockTimeout of [Options]
// left 0.
const DefaultMigrationLockTimeout = 10 * time.Second

// DB is a tailor database in PostgreSQL: a connection pool and the schema
// the tables live in. Its stores ([DB.Customers], [DB.Complaints],
// [DB.Loyalty]) are safe for concurrent use and share the pool.
type DB struct {
	pool   *pgxpool.Pool
	owned  bool
	schema string
	t      tables
	// lockTimeout is Options.MigrationLockTimeout, the default for 0.
	lockTimeout time.Duration
	// pins is not nil for a pool that [Open] made, whose sessions keep
	// the search_path [sessionSearchPath]: the stores' statements run on
	// them without [pinSearchPath].
	pins *pins
}

// tables holds the quoted, schema-qualified names of the tables.
type tables struct {
	version, customers, orders, orderLines, returns, returnLines, credits, interactions string
	cases, caseEvents, entries                                                          string
}

// New returns a DB over pool with the tables in opts.Schema (opts may be
// nil). It does no I/O: call [DB.Migrate] before the first use unless the
// schema is known to be up to date. Close does not close a pool passed to
// New.
func New(pool *pgxpool.Pool, opts *Options) *DB {
	schema := "public"
	if opts != nil && opts.Schema != "" {
		schema = opts.Schema
	}
	q := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	lockTimeout := DefaultMigrationLockTimeout
	if opts != nil && opts.MigrationLockTimeout != 0 {
		lockTimeout = opts.MigrationLockTimeout
	}
	return &DB{pool: pool, schema: schema, lockTimeout: lockTimeout, t: tables{
		version:      q("schema_version"),
		customers:    q("customers"),
		orders:       q("orders"),
		orderLines:   q("order_lines"),
		returns:      q("returns"),
		returnLines:  q("return_lines"),
		credits:      q("credits"),
		interactions: q("interactions"),
		cases:        q("complaint_cases"),
		caseEvents:   q("complaint_events"),
		entries:      q("loyalty_entries"),
	}}
}

// Open connects to the database at dsn (a PostgreSQL URL or key=value
// string, as pgxpool.ParseConfig reads it; pool settings such as
// pool_max_conns go there too), brings the schema up to date with
// [DB.Migrate] and returns the DB. Close releases the pool.
//
// The sessions of the pool have the search_path pg_catalog, pg_temp,
// whatever the DSN names: a search_path parameter, or one in options
// (-c search_path=…), is overridden, as are the server's, database's and
// role's settings. So the stores' statements run on them as they are,
// where on a pool passed to [New] each one's transaction sets it; a
// query of the caller's on [DB.Pool] names its tables with their schema,
// or sets the search_path it needs (SET LOCAL in its transaction, or SET:
// the DB sets it back before it next uses that connection). A server
// that does not take the parameter (a proxy that drops it) fails the
// connection with an error saying so. Behind a transaction-pooling proxy
// (PgBouncer in transaction mode), whose server sessions are not the
// pool's, make the pool yourself and pass it to [New].
func Open(ctx context.Context, dsn string, opts *Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	pins := &pins{}
	pins.configure(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	db := New(pool, opts)
	db.owned = true
	db.pins = pins
	if err := db.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool when the DB opened it ([Open]); a pool passed to
// [New] stays open, as its owner may still use it.
func (db *DB) Close() {
	if db.owned {
		db.pool.Close()
	}
}

// Pool returns the connection pool. The sessions of a pool that [Open]
// made have the search_path pg_catalog, pg_temp (see Open).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Schema returns the name of the schema that holds the tables.
func (db *DB) Schema() string { return db.schema }

// Customers returns the customer directory and history store.
func (db *DB) Customers() *CustomerStore { return &CustomerStore{db: db} }

// Complaints returns the complaint store.
func (db *DB) Complaints() *ComplaintStore { return &ComplaintStore{db: db} }

// Loyalty returns the loyalty ledger store.
func (db *DB) Loyalty() *LoyaltyStore {
	s := &LoyaltyStore{db: db}
	s.stateSQL = s.stateSQLFor()
	return s
}

// inTx runs f in a transaction and commits it; any error of f, or of the
// commit, rolls back and is returned. The transaction is READ COMMITTED
// unless opts names another level (see [readCommitted]); its
// search_path is [pinSearchPath], set by the same round trip as BEGIN,
// or the session's on a pool of [Open] ([pins]). When f panics
// (a caller's change function, say), the transaction is rolled back and
// its connection returned to the pool before the panic goes on, so that
// no lock it took outlives the call.
func (db *DB) inTx(ctx context.Context, opts pgx.TxOptions, f func(tx pgx.Tx) error) error {
	if opts.IsoLevel == "" {
		opts.IsoLevel = pgx.ReadCommitted
	}
	// Sent as one simple query (pgx runs a statement without arguments
	// so): the SET runs inside the transaction BEGIN opens.
	begin := "BEGIN ISOLATION LEVEL " + string(opts.IsoLevel)
	if opts.AccessMode != "" {
		begin += " " + string(opts.AccessMode)
	}
	if opts.DeferrableMode != "" {
		begin += " " + string(opts.DeferrableMode)
	}
	opts.BeginQuery = begin
	if db.pins == nil {
		opts.BeginQuery += "; " + pinSearchPath
	}
	tx, err := db.pool.BeginTx(db.own(ctx), opts)
	if err != nil {
		return err
	}
	defer func() {
		// After Commit or Rollback this is a no-op (pgx.ErrTxClosed).
		rctx, cancel := rollbackContext(ctx)
		defer cancel()
		_ = tx.Rollback(rctx)
	}()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// write runs one statement in a transaction of its own: BEGIN and the
// statement in one round trip, then COMMIT in a second, sent only when
// result (which reads the statement's rows) returned nil. So an error —
// a context cancelled or a connection dropped while the statement runs
// or waits for a lock — leaves nothing written; only the loss of the
// COMMIT's own acknowledgement is ambiguous, as with any database. An
// autocommitted statement would commit as soon as it finished, even when
// the caller had stopped waiting for it. Data the server rejects
// (SQLSTATE class 22) gives an error matching customer.ErrInvalid. The
// transaction is READ COMMITTED ([readCommitted]). result may be nil for
// a statement whose rows are of no interest.
func (db *DB) write(ctx context.Context, result func(pgx.Rows) error, sql string, args ...any) error {
	if result == nil {
		result = func(rows pgx.Rows) error {
			rows.Close()
			return rows.Err()
		}
	}
	conn, err := db.pool.Acquire(db.own(ctx))
	if err != nil {
		return err
	}
	// A connection left inside a transaction (after an error) is
	// closed by the pool on release, which rolls the transaction back.
	defer conn.Release()
	b := &pgx.Batch{}
	b.Queue(readCommitted)
	db.queuePin(b)
	b.Queue(sql, args...).Query(result)
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		rctx, cancel := rollbackContext(ctx)
		defer cancel()
		_, _ = conn.Exec(rctx, `ROLLBACK`)
		return classify(err)
	}
	return commit(ctx, conn)
}

// commit sends COMMIT on conn, inside a transaction begun by hand, and
// returns an error unless the server answered COMMIT. A server that
// finds the transaction aborted (a statement of it failed) rolls it back
// and answers ROLLBACK, without an error: that is an error matching
// pgx.ErrTxCommitRollback here, as pgx's own Tx.Commit makes it, so that
// a transaction rolled back is never reported as written.
func commit(ctx context.Context, conn *pgxpool.Conn) error {
	tag, err := conn.Exec(ctx, `COMMIT`)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if got := tag.String(); got != "COMMIT" {
		return fmt.Errorf("commit: the server answered %q: %w", got, pgx.ErrTxCommitRollback)
	}
	return nil
}

// readCommitted begins a transaction of every write. The stores'
// concurrency rests on READ COMMITTED: a statement that waited for a row
// another transaction changed re-checks its condition on the committed
// row (a versioned update then matches no row: ErrConflict), and a
// statement sees every row committed before it started. So the level is
// named rather than left to default_transaction_isolation, which a
// server, database or role may set to REPEATABLE READ or SERIALIZABLE;
// under those, concurrent writers would fail with serialization errors
// (SQLSTATE 40001) instead of the library's ErrConflict, and Update
// would fail rather than wait its turn.
const readCommitted = `BEGIN ISOLATION LEVEL READ COMMITTED`

// pinSearchPath sets the search_path of every statement the stores and
// Migrate run, for the rest of its transaction: pg_catalog, then pg_temp.
// Every name a statement does not qualify — a function (max, lower,
// unnest, jsonb_build_object…), an aggregate, an operator (=, <, ->>,
// ||), the = that IN, ANY, CASE, NULLIF and IS DISTINCT FROM use by name,
// a type or a collation — is then the built-in: PostgreSQL searches the
// search_path in order, and pg_catalog first only when the search_path
// does not name it (the documentation's "The Schema Search Path",
// section 5.9.3); a session whose search_path names another schema
// first (a server, database or role setting, the application's DSN)
// would otherwise call that schema's sum(numeric) or =(text, text) where
// it has one. pg_temp last: a temporary table or type of the session is
// never found first (the stores name their tables with the schema's
// name; temporary functions and operators are never found without
// pg_temp named). A statement prepared before the SET (pgx has the
// server describe a batch's new statements before it runs the batch,
// with the session's search_path) is parsed again when it runs: "if the
// value of search_path changes from one use to the next, the statement
// will be re-parsed using the new search_path" (the documentation of
// PREPARE). Only an error can come of that first parse, never a call:
// a statement that the session's objects make unreadable there (a row
// comparison whose operator has no B-tree meaning) fails, which is why
// [ComplaintStore.logsQuery] names its row comparisons' operators.
//
// A DB of [Open] has no need of it: the sessions of its pool have that
// search_path already ([pins]).
const pinSearchPath = `SET LOCAL search_path TO pg_catalog, pg_temp`

// queuePin queues [pinSearchPath] in b, after the BEGIN, unless the
// sessions of db's pool have that search_path already ([pins]).
func (db *DB) queuePin(b *pgx.Batch) {
	if db.pins == nil {
		b.Queue(pinSearchPath)
	}
}

// sessionSearchPath is the search_path of the sessions of a pool that
// [Open] made, as [pinSearchPath] sets it for a statement, and as the
// server shows it.
const sessionSearchPath = `pg_catalog, pg_temp`

// pins keeps the sessions of a pool that [Open] made at the search_path
// [sessionSearchPath], so that the stores' statements run without
// [pinSearchPath] (one statement fewer for the server per call, and a
// read without a transaction of its own):
//
//   - each session starts with it: it is a parameter of the connection's
//     startup message, which the server applies after the DSN's options
//     (-c search_path=…) and over the server's, database's and role's
//     settings (the documentation's "Connection Strings" and "Setting
//     Parameters", sections 32.1.2 and 20.1); the DSN's own search_path
//     parameter is overridden. [pins.check] reads it back when the
//     connection is made, so that a proxy that drops the parameter is an
//     error, not a session left as the server has it;
//   - a connection that a caller of [DB.Pool] acquires may be left with
//     another search_path (a SET, or set_config, of the session; RESET and
//     DISCARD ALL go back to the startup value): it is marked then, and
//     when the DB next acquires it, before any statement of the stores,
//     its search_path is set back ([pins.prepare], one round trip). The
//     DB's own acquisitions carry a value in their context ([DB.own])
//     that no caller can make; every other acquisition is a caller's.
//
// Checking the session's search_path once per connection of a caller's
// pool would not do: the caller may change it between two uses, and
// reading it before each use costs the round trip the SET does.
// Migrate's SET LOCAL ends with its transaction.
type pins struct {
	// touched holds the *pgx.Conn that a caller acquired since the DB
	// last set their search_path.
	touched sync.Map
}

// ownKey is the key of the context value that marks the DB's own
// acquisitions of a connection ([DB.own]).
type ownKey struct{}

// own returns ctx marked as the context of the DB's acquisition of a
// connection, for [pins.prepare]; ctx itself on a DB of [New].
func (db *DB) own(ctx context.Context) context.Context {
	if db.pins == nil {
		return ctx
	}
	return context.WithValue(ctx, ownKey{}, db.pins)
}

// configure sets the search_path of the sessions of cfg's pool and the
// hooks that keep it.
func (p *pins) configure(cfg *pgxpool.Config) {
	cfg.ConnConfig.RuntimeParams["search_path"] = sessionSearchPath
	cfg.AfterConnect = p.check
	cfg.PrepareConn = p.prepare
	cfg.BeforeClose = func(conn *pgx.Conn) { p.touched.Delete(conn) }
}

// check reads the search_path of a new connection's session and returns
// an error unless it is [sessionSearchPath].
func (p *pins) check(ctx context.Context, conn *pgx.Conn) error {
	res, err := conn.PgConn().Exec(ctx, `SHOW search_path`).ReadAll()
	if err != nil {
		return fmt.Errorf("pgstore: read the session's search_path: %w", err)
	}
	if len(res) != 1 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 1 {
		return errors.New("pgstore: SHOW search_path returned no value")
	}
	if got := string(res[0].Rows[0][0]); got != sessionSearchPath {
		return fmt.Errorf("pgstore: the connection parameter search_path: the session has %q, not %q as the connection asked (a proxy that drops startup parameters?); for a pool of your own, use New", got, sessionSearchPath)
	}
	return nil
}

// prepare is the pool's PrepareConn: it marks a connection a caller
// acquires, and sets the search_path of a marked one back to
// [sessionSearchPath] when the DB acquires it. A failed SET destroys the
// connection and fails the acquisition.
func (p *pins) prepare(ctx context.Context, conn *pgx.Conn) (bool, error) {
	if ctx.Value(ownKey{}) != p {
		p.touched.Store(conn, struct{}{})
		return true, nil
	}
	if _, ok := p.touched.Load(conn); !ok {
		return true, nil
	}
	if err := conn.PgConn().Exec(ctx, `SET search_path TO `+sessionSearchPath).Close(); err != nil {
		return false, fmt.Errorf("pgstore: set the session's search_path back: %w", err)
	}
	p.touched.Delete(conn)
	return true, nil
}

// readTx begins the transaction of a read ([DB.reader]).
const readTx = `BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY`

// reader returns the querier of the stores' reads outside a transaction
// of theirs: each query runs in a read-only transaction of its own
// whose search_path is [pinSearchPath], or, on a DB of [Open], alone on
// a session whose search_path is that already ([pins]).
func (db *DB) reader() reader { return reader{db: db} }

// reader runs each query in a transaction of its own: BEGIN ([readTx]),
// the SET of [pinSearchPath], the query and COMMIT in one batch, one
// round trip. Its rows hold a connection of the pool until they are
// closed or read to the end, which commits. On a DB of [Open] the query
// runs by itself, with the pool's Query.
type reader struct{ db *DB }

// Query runs sql with args as [reader] says and returns its rows, which
// the caller closes (or reads to the end).
func (r reader) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if r.db.pins != nil {
		return r.db.pool.Query(r.db.own(ctx), sql, args...)
	}
	conn, err := r.db.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	b := &pgx.Batch{}
	b.Queue(readTx)
	b.Queue(pinSearchPath)
	b.Queue(sql, args...)
	b.Queue(`COMMIT`)
	rr := &readRows{ctx: ctx, conn: conn, br: conn.SendBatch(ctx, b)}
	for range 2 {
		if _, err := rr.br.Exec(); err != nil {
			rr.end(err)
			return nil, err
		}
	}
	rows, err := rr.br.Query()
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		rr.end(err)
		return nil, err
	}
	rr.Rows = rows
	return rr, nil
}

// QueryRow is [reader.Query] for one row, as pgx's QueryRow: its Scan
// returns pgx.ErrNoRows for none.
func (r reader) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if r.db.pins != nil {
		return r.db.pool.QueryRow(r.db.own(ctx), sql, args...)
	}
	rows, err := r.Query(ctx, sql, args...)
	return readRow{rows: rows, err: err}
}

// readRow is the row of [reader.QueryRow].
type readRow struct {
	rows pgx.Rows
	err  error
}

// Scan reads the first row into dest and closes the rows.
func (r readRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

// readRows are the rows of [reader.Query]: when they end (closed, or
// read to the end) the COMMIT's result is read and the connection goes
// back to the pool.
type readRows struct {
	pgx.Rows
	ctx  context.Context
	conn *pgxpool.Conn
	br   pgx.BatchResults
	done bool
	err  error
}

// Next is pgx.Rows's Next; after the last row it ends the transaction.
func (r *readRows) Next() bool {
	if r.done {
		return false
	}
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

// Close closes the rows and ends the transaction.
func (r *readRows) Close() {
	if r.done {
		return
	}
	r.Rows.Close()
	err := r.Rows.Err()
	if err == nil {
		_, err = r.br.Exec() // COMMIT
	}
	r.end(err)
}

// Err returns the error of the rows or, once they ended, of the
// transaction's end.
func (r *readRows) Err() error {
	if r.done {
		return r.err
	}
	return r.Rows.Err()
}

// end closes the batch and returns the connection to the pool, rolling
// back a transaction an error left open; err is the first error seen.
func (r *readRows) end(err error) {
	r.done = true
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	if r.conn.Conn().PgConn().TxStatus() != 'I' {
		rctx, cancel := rollbackContext(r.ctx)
		_, _ = r.conn.Exec(rctx, `ROLLBACK`)
		cancel()
	}
	r.conn.Release()
	r.err = err
}

// rollbackTimeout bounds a rollback after a failure. The rollback of a
// broken connection fails at once or times out; either way the pool
// closes a connection left inside a transaction, and the server rolls
// back when the session ends.
const rollbackTimeout = 5 * time.Second

// rollbackContext returns a context for a rollback after ctx failed: not
// cancelled with ctx, but bounded by rollbackTimeout.
func rollbackContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
}

// ErrSchemaTooNew is returned by [DB.Migrate] when the database was
// migrated by a newer version of this package: its tables may hold what
// this version cannot read.
var ErrSchemaTooNew = errors.New("pgstore: database schema is newer than this program")

// ErrMigrationLocked is returned by [DB.Migrate] when a migration waited
// longer than [Options].MigrationLockTimeout for a table that other
// transactions held: it was rolled back, and the schema is as it was.
var ErrMigrationLocked = errors.New("pgstore: migration gave up waiting for a table lock")

// ctxErr returns an error wrapping ctx.Err() when ctx is done.
func ctxErr(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	return nil
}
