// Package pgstore stores tailor's data in PostgreSQL: it implements every
// storage interface of the library over a [pgxpool.Pool] —
// [customer.Directory], [customer.BatchGetter], [customer.Updater],
// [customer.Inserter], [customer.HistoryStore],
// [customer.CheckedAppender] and [customer.InteractionEraser]
// ([CustomerStore]),
// [complaint.Store], [complaint.Eraser] and [complaint.LogLister]
// ([ComplaintStore]), and [loyalty.Store] and [loyalty.Eraser]
// ([LoyaltyStore]) — and passes the library's conformance
// kits (customertest, complainttest, loyaltytest) against a real server.
//
//	db, err := pgstore.Open(ctx, "postgres://app@db.example:5432/shop", nil)
//	if err != nil { … }
//	defer db.Close()
//	svc := loyalty.NewService(programme, db.Loyalty(), nil)
//
// # Schema
//
// [DB.Migrate] (called by [Open]) creates and upgrades the tables in one
// PostgreSQL schema (Options.Schema, "public" by default): it applies the
// numbered migrations that the schema_version table does not list yet, in
// order, all in one transaction (a failed upgrade changes nothing), under
// a transaction-level advisory lock taken per schema, so that several
// processes starting at once migrate safely (one applies, the others wait
// and find the work done: the transaction is READ COMMITTED, see below, so
// that a migrator reads the schema after its wait, not before). A
// migration that alters a table waits for the transactions using it at
// most Options.MigrationLockTimeout (10 s by default; the tables of an
// upgrade all together, before its first step), since queries of the
// table queue behind a waiting ALTER TABLE; then it is rolled back
// and Migrate returns [ErrMigrationLocked], to be tried again. A schema
// created beforehand for the application's role (CREATE SCHEMA …
// AUTHORIZATION app) is used as it is: Migrate then needs the right to
// create tables and functions in it, and none on the database.
// A database migrated by a newer version of this package is refused
// rather than misread. A process of an older release still running
// beside a migrated one (a rolling upgrade) keeps writing: a column a
// migration adds has a default, or, for the nanoseconds of a complaint
// case's opened and updated and of an event's at, is taken by a trigger
// from the row's JSON when the writer leaves it out (migration 10) or
// updates the JSON's instant without it (migrations 10 and 11). The
// migrations of an upgrade lock every table they change before the
// first of them, never holding one while they wait for another, so that
// a writer running meanwhile (an erasure or a save, which do not lock
// the complaint tables in one order; an order append or a Delete, which
// lock the customer before its orders and returns) waits for them or
// they for the writer, and neither is aborted as a deadlock. The rounds
// that take those locks take schema_version too; then Migrate reads the
// schema's version again, since another process may have migrated while
// they waited, and when it changed, gives the locks back and takes those
// of what is left to do, every round within the one
// Options.MigrationLockTimeout. The migrations give the same schema and
// rows whatever the server's standard_conforming_strings: migration 10
// repairs the nanoseconds that migrations 4 and 5 filled in as 0 under
// standard_conforming_strings = off.
//
// Fields that callers query get their own columns: identifiers, kinds and
// states, times, points, amounts. Amounts are NUMERIC (exact, scale kept);
// money is an amount and a currency code. Nested payloads that are read
// and written whole (a complaint case, an event, the details of a ledger
// entry) are JSONB in the library's own JSON form; a customer's household
// is a JSONB array of its members, their enumerations as numbers like the
// customer's columns ('[]' for none, as for customers stored before
// households existed); its consent history is a JSONB array of its
// changes, enumerations as numbers and instants in UTC with nanoseconds
// ('[]' for none, as for customers stored before the history existed).
// A customer's history
// is a table per kind of record: orders (with order_lines, whose member
// is empty for a line bought for the customer themself), returns (with
// return_lines; refund NULL when the share was paid), credits (order_id NULL for a credit for no order) and
// interactions. Text columns that are sorted or compared use COLLATE "C",
// so that PostgreSQL orders them byte by byte as Go does. The queries
// name their tables in the schema and the types they cast to in
// pg_catalog (::pg_catalog.text, ::pg_catalog.int8[]…): PostgreSQL looks
// an unqualified type name up in the session's temporary schema first,
// and a temporary type named text (a varchar(4), say) would otherwise
// cut the amounts the stores read as text. Every statement runs with
// the search_path pg_catalog, then pg_temp: a session whose search_path
// names another schema before pg_catalog (a server, database or role
// setting, or the DSN's) would otherwise have the queries call that
// schema's functions, aggregates and operators named like the built-ins
// (sum, lower, =, ->>) instead of them. The sessions of the pool that
// Open makes have that search_path from the start (a connection
// parameter that overrides the DSN's search_path and options, and is set
// back on a connection that a caller of DB.Pool acquired before the DB
// uses it again), so the statements run on them as they are. On a pool
// passed to New, whose sessions are the caller's, each statement's
// transaction sets it (SET LOCAL, sent with BEGIN; a read is BEGIN READ
// ONLY, the SET, the query and COMMIT in one batch).
//
// The stores work in every query mode of pgx (default_query_exec_mode in
// the DSN): also in exec and simple_protocol, which a transaction-pooling
// proxy such as PgBouncer in transaction mode needs, and in which pgx
// does not learn the types of a statement's parameters: the arguments of
// JSONB columns are sent as JSON text.
//
// # Times
//
// A timestamptz column keeps microseconds; Go keeps nanoseconds. Each
// instant is therefore stored as a timestamptz truncated to the
// microsecond (readable and indexable) plus a smallint column *_ns with the
// nanoseconds below it (0–999), and read back exactly. The zero
// time.Time is stored as NULL where a column may be unknown. Customers,
// orders, returns, credits and ledger entries come back with their
// instants in UTC (time.Time.Equal holds; the location is not kept).
// Complaint cases and events are read from their JSON body, so their
// instants come back with the UTC offset they were saved with, as a fixed
// zone; an offset with seconds (local mean time, before standard zones)
// cannot be written in RFC 3339, so save such instants in UTC.
//
// # Concurrency and atomicity
//
// Conflicts between writers are detected by the database: a unique key
// (case, seq) for complaint events, (member, seq) and (member, key) for
// ledger entries, and primary keys for order, return and credit IDs. A
// unique_violation (SQLSTATE 23505) becomes [complaint.ErrConflict],
// [loyalty.ErrConflict] or [loyalty.ErrDuplicate]; an optimistic
// "UPDATE … WHERE version = $n" that matches no row is a conflict too, and
// a foreign_key_violation (23503) becomes [customer.ErrNotFound].
//
// Each write — a customer put or deleted, an order with its lines, a
// return, a credit, an interaction, a complaint case with its event, a
// batch of ledger entries — is a single SQL
// statement (data-modifying WITH clauses), run in a transaction of its
// own: BEGIN and the statement travel in one round trip, COMMIT in a
// second one that is sent only after the statement's result is in. A
// write is therefore never half-applied, and when a call fails — its
// context cancelled, or its connection dropped while the statement ran or
// waited for a lock — nothing was written. (Only a COMMIT whose
// acknowledgement is lost is ambiguous, as with any database; the
// library's idempotency keys and version checks make the redelivery
// safe.) A COMMIT that the server answers with ROLLBACK, having found the
// transaction aborted, is an error matching pgx.ErrTxCommitRollback,
// never a success. A read that needs several queries ([CustomerStore.History])
// sends them in one pipelined batch inside a read-only REPEATABLE READ
// transaction: one snapshot.
//
// Every write transaction is begun as READ COMMITTED, whatever
// default_transaction_isolation the server, database or role sets: the
// detection of conflicts above rests on it (a statement that waited for
// a row re-checks its condition on the committed row), and under
// REPEATABLE READ or SERIALIZABLE concurrent writers would get
// serialization failures (SQLSTATE 40001) instead of the library's
// conflicts, and [CustomerStore.Update] would fail instead of waiting
// its turn. A change or check function that panics does not leave its
// transaction open: it is rolled back, its locks released, and the
// panic goes on to the caller.
//
// [CustomerStore.AppendChecked] checks a record against its customer's
// history and appends it in one transaction that holds the customer's
// row locked (SELECT … FOR UPDATE) from the read of the history to the
// COMMIT. The lock is the database's, so the AppendChecked calls of one
// customer — and hence the [customer.Recorder] values that use them —
// run one after the other across connections and processes; plain appends of
// that customer, whose statements take the row FOR KEY SHARE, wait for
// the COMMIT too. Customers do not wait for each other.
// [CustomerStore.EraseInteractions] is one statement of that kind: it
// takes the customer's row FOR KEY SHARE and deletes the customer's
// interactions, for an erasure request that keeps the customer.
//
// # Limits
//
// PostgreSQL text cannot hold the NUL byte or invalid UTF-8, and
// encoding/json would silently replace invalid UTF-8 in a JSONB payload:
// a record with such a string is refused before it is sent, with a
// [*customer.ValidationError] (matching customer.ErrInvalid) naming the
// field as the library's own validation names it ("customer_id",
// "lines[0].sku", "profile.top_size"), and nothing is stored. An ID
// with such text can therefore never have been stored: a lookup by it
// (Get, GetMany, Delete, History, EraseInteractions, Events, Cases,
// Entries, and an Append of no entries, which only reads the
// ledger's version) answers as for an unknown ID — an error matching the
// interface's ErrNotFound, or an empty result or empty ledger where the
// interface gives one — without asking the server; an Append or Erase
// for a member with such text at a version other than 0 is a conflict,
// as for any unknown member, before its entries are refused. A text kept
// in a column of an index (the ID of a customer, order, return, credit or
// complaint case, the customer, order or complainant a record names, an
// interaction's subject, a ledger's member, an entry's key and order) is
// stored whenever the server can index it: an index entry holds at most
// about 2700 bytes, after the server compresses its texts, so one
// incompressible text of some 2600 bytes, or two of 1300 in one entry,
// or many kilobytes that compress fit. A write whose entry does not is
// refused by the server, which stores nothing, and its error is a
// [*customer.ValidationError] (matching customer.ErrInvalid) naming the
// record and the fields the index holds (named so too: "order_id",
// "customer_id"); a lookup by such a text asks the server, which finds
// nothing.
//
// Times must lie within PostgreSQL's timestamptz range (4713 BC to
// 294276 AD): a record with a time outside it is refused before it is
// sent, as one with text that PostgreSQL cannot hold is, however far
// outside (pgx would send an instant some 290,000 years away as
// microseconds that wrap around into the range). Times inside JSON
// payloads must lie within years 0–9999. Decimals must fit NUMERIC (at
// most 131072 integer digits and 16383 decimals): one beyond is refused
// likewise, before it is written out as text, which for an exponent such
// as math.MaxInt32 would never end. A customer.Money inside a JSON
// payload (a complaint case's amounts) must lie within the bounds of
// customer.ParseAmount (customer.AmountInRange), or its JSON form could
// not be read back. Data the server rejects (SQLSTATE class 22) gives an
// error matching customer.ErrInvalid too.
package pgstore
