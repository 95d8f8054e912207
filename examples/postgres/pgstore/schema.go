package pgstore

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tailorcrm/tailor/customer"
)

// migration is one step of the schema. Steps are applied in order and
// never changed once released: a new column or table is a new step.
type migration struct {
	description string
	sql         string
	// locks names the existing tables the step writes rows of, or adds
	// a trigger or a foreign key to, which it needs in EXCLUSIVE mode;
	// alters those it alters (ALTER TABLE, DROP INDEX, DROP TRIGGER),
	// which it needs in ACCESS EXCLUSIVE mode. A run of steps locks the
	// tables of all its steps, each in the strongest mode one of them
	// needs, before its first step's SQL ([DB.runLocks]), never holding
	// one while waiting for another ([DB.lockTables]); then no step waits
	// for a table. EXCLUSIVE conflicts with every lock a writer takes
	// (FOR UPDATE's and FOR KEY SHARE's included) and leaves plain reads
	// alone; ACCESS EXCLUSIVE conflicts with those reads too. Every step
	// that locks a table that exists before the run names it here.
	locks, alters []string
}

// migrations are the schema's steps; step i+1 is migrations[i]. They run
// with search_path set to the DB's schema, then pg_temp (see [DB.apply]):
// their unqualified names are the schema's tables and functions, or
// PostgreSQL's built-ins.
var migrations = []migration{
	{"customers and their histories", `
CREATE TABLE customers (
	id                text COLLATE "C" PRIMARY KEY,
	kind              smallint NOT NULL,
	role              smallint NOT NULL,
	name              text NOT NULL,
	email             text NOT NULL,
	phone             text NOT NULL,
	address           text NOT NULL,
	birth_year        bigint NOT NULL,
	birth_month       bigint NOT NULL,
	birth_day         bigint NOT NULL,
	region            text NOT NULL,
	joined            timestamptz,
	joined_ns         smallint NOT NULL,
	consent_marketing boolean NOT NULL,
	consent_profiling boolean NOT NULL,
	top_size          text NOT NULL,
	bottom_size       text NOT NULL,
	shoe_size         text NOT NULL,
	height_cm         bigint NOT NULL,
	fit               smallint NOT NULL,
	styles            text[] NOT NULL,
	colours           text[] NOT NULL,
	categories        text[] NOT NULL,
	has_trade                boolean NOT NULL,
	annual_turnover          numeric,
	annual_turnover_currency text,
	outlets                  bigint,
	rating                   smallint,
	cooperation_start        timestamptz,
	cooperation_start_ns     smallint,
	market_size              numeric,
	market_size_currency     text
);

CREATE TABLE orders (
	id          text COLLATE "C" PRIMARY KEY,
	customer_id text COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	at          timestamptz,
	at_ns       smallint NOT NULL,
	channel     smallint NOT NULL,
	store       text NOT NULL,
	currency    text NOT NULL,
	UNIQUE (id, customer_id)
);
CREATE INDEX orders_customer_at ON orders (customer_id, at);

CREATE TABLE order_lines (
	order_id   text COLLATE "C" NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	pos        integer NOT NULL,
	line_id    text NOT NULL,
	sku        text NOT NULL,
	category   text NOT NULL,
	season     text NOT NULL,
	size       text NOT NULL,
	colour     text NOT NULL,
	quantity   bigint NOT NULL,
	unit_price numeric NOT NULL,
	unit_cost  numeric,
	discount   numeric NOT NULL,
	PRIMARY KEY (order_id, pos)
);

CREATE TABLE returns (
	id          text COLLATE "C" PRIMARY KEY,
	order_id    text COLLATE "C" NOT NULL,
	customer_id text COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	at          timestamptz,
	at_ns       smallint NOT NULL,
	kind        smallint NOT NULL,
	reason      smallint NOT NULL,
	FOREIGN KEY (order_id, customer_id) REFERENCES orders (id, customer_id) ON DELETE CASCADE
);
CREATE INDEX returns_customer_at ON returns (customer_id, at);
CREATE INDEX returns_order ON returns (order_id, customer_id);

CREATE TABLE return_lines (
	return_id text COLLATE "C" NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
	pos       integer NOT NULL,
	line_id   text NOT NULL,
	quantity  bigint NOT NULL,
	PRIMARY KEY (return_id, pos)
);

CREATE TABLE interactions (
	customer_id text COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	at          timestamptz NOT NULL,
	at_ns       smallint NOT NULL,
	kind        smallint NOT NULL,
	subject     text COLLATE "C" NOT NULL,
	PRIMARY KEY (customer_id, at, at_ns, kind, subject)
);
`, nil, nil},
	{"complaint cases and their audit trails", `
CREATE TABLE complaint_cases (
	id          text COLLATE "C" PRIMARY KEY,
	version     bigint NOT NULL CHECK (version > 0),
	state       text NOT NULL,
	priority    text NOT NULL,
	complainant text COLLATE "C" NOT NULL,
	handler     text NOT NULL,
	opened      timestamptz,
	updated     timestamptz,
	body        jsonb NOT NULL
);
CREATE INDEX complaint_cases_state_updated ON complaint_cases (state, updated);
CREATE INDEX complaint_cases_complainant ON complaint_cases (complainant);

CREATE TABLE complaint_events (
	case_id    text COLLATE "C" NOT NULL REFERENCES complaint_cases (id) ON DELETE CASCADE,
	seq        bigint NOT NULL CHECK (seq > 0),
	at         timestamptz,
	actor      text NOT NULL,
	role       text NOT NULL,
	command    text NOT NULL,
	from_state text NOT NULL,
	to_state   text NOT NULL,
	body       jsonb NOT NULL,
	CONSTRAINT complaint_events_pkey PRIMARY KEY (case_id, seq)
);
`, nil, nil},
	{"loyalty ledgers", `
CREATE TABLE loyalty_entries (
	member       text COLLATE "C" NOT NULL,
	seq          bigint NOT NULL CHECK (seq > 0),
	key          text COLLATE "C" NOT NULL,
	fingerprint  bigint NOT NULL,
	kind         smallint NOT NULL,
	at           timestamptz,
	at_ns        smallint NOT NULL,
	effective    timestamptz,
	effective_ns smallint NOT NULL,
	points       bigint NOT NULL,
	order_id     text NOT NULL,
	spend        numeric NOT NULL,
	detail       jsonb NOT NULL,
	CONSTRAINT loyalty_entries_pkey PRIMARY KEY (member, seq),
	CONSTRAINT loyalty_entries_member_key UNIQUE (member, key)
);
CREATE INDEX loyalty_entries_order ON loyalty_entries (member, order_id) WHERE order_id <> '';
`, nil, nil},
	{"complaint cases listed by complainant", `
-- The nanoseconds of opened, which the timestamptz column drops, so that
-- a customer's cases are listed in the exact order of their opening;
-- existing rows take them from the case's JSON ("…T09:00:00.123456789Z").
ALTER TABLE complaint_cases ADD COLUMN opened_ns smallint NOT NULL DEFAULT 0;
UPDATE complaint_cases SET opened_ns = coalesce(
	right(rpad(substring(body->>'opened' from '\.([0-9]+)'), 9, '0'), 3)::smallint, 0);
ALTER TABLE complaint_cases ALTER COLUMN opened_ns DROP DEFAULT;
-- A customer's cases in listing order straight from the index; it
-- replaces the index on complainant alone.
DROP INDEX complaint_cases_complainant;
CREATE INDEX complaint_cases_complainant_opened
	ON complaint_cases (complainant, opened NULLS FIRST, opened_ns, id);
`, nil, []string{"complaint_cases"}},
	{"nanoseconds of complaint cases' updated and events' at", `
-- The nanoseconds of a case's updated and of an event's at, which the
-- timestamptz columns drop, as every other instant column has them;
-- existing rows take them from the JSON of the case or event
-- ("…T09:00:00.123456789Z"), which holds the exact instant.
ALTER TABLE complaint_cases ADD COLUMN updated_ns smallint NOT NULL DEFAULT 0;
UPDATE complaint_cases SET updated_ns = coalesce(
	right(rpad(substring(body->>'updated' from '\.([0-9]+)'), 9, '0'), 3)::smallint, 0);
ALTER TABLE complaint_cases ALTER COLUMN updated_ns DROP DEFAULT;
ALTER TABLE complaint_events ADD COLUMN at_ns smallint NOT NULL DEFAULT 0;
UPDATE complaint_events SET at_ns = coalesce(
	right(rpad(substring(body->>'at' from '\.([0-9]+)'), 9, '0'), 3)::smallint, 0);
ALTER TABLE complaint_events ALTER COLUMN at_ns DROP DEFAULT;
`, nil, []string{"complaint_cases", "complaint_events"}},
	{"customer credits", `
-- Money paid to a customer without goods coming back. A credit for an
-- order must be for an order of the same customer (the foreign key is
-- not checked when order_id is NULL: a credit for no order); deleting
-- the customer deletes its credits, as its returns.
CREATE TABLE credits (
	id          text COLLATE "C" PRIMARY KEY,
	customer_id text COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	order_id    text COLLATE "C",
	at          timestamptz,
	at_ns       smallint NOT NULL,
	kind        smallint NOT NULL,
	amount      numeric NOT NULL,
	currency    text NOT NULL,
	source      text NOT NULL,
	FOREIGN KEY (order_id, customer_id) REFERENCES orders (id, customer_id) ON DELETE CASCADE
);
CREATE INDEX credits_customer_at ON credits (customer_id, at);
CREATE INDEX credits_order ON credits (order_id, customer_id) WHERE order_id IS NOT NULL;
`, []string{"customers", "orders"}, nil},
	{"refunds of returns", `
-- The money paid back for a return when the shop paid less than the
-- units' share (customer.Return.Refund): NULL when unset, the share
-- being paid, as for every return stored before this step.
ALTER TABLE returns ADD COLUMN refund numeric;
`, nil, []string{"returns"}},
	{"households and the members lines are bought for", `
-- The household of a customer (customer.Customer.Household), members in
-- order, as a JSON array (see memberDoc); '[]' for no household, as for
-- every customer stored before this step.
ALTER TABLE customers ADD COLUMN household jsonb NOT NULL DEFAULT '[]';
-- The member an order line was bought for (customer.Line.Member); ''
-- for the customer themself, as for every line stored before this step.
ALTER TABLE order_lines ADD COLUMN member text NOT NULL DEFAULT '';
`, nil, []string{"customers", "order_lines"}},
	{"consent evidence of customers", `
-- The consent history of a customer (customer.Customer.ConsentHistory),
-- changes oldest first, as a JSON array (see consentDoc); '[]' for no
-- history, as for every customer stored before this step, whose flags
-- stand without evidence.
ALTER TABLE customers ADD COLUMN consent_history jsonb NOT NULL DEFAULT '[]';
`, nil, []string{"customers"}},
	{"nanoseconds of complaint instants taken from the JSON when a writer leaves them out", `
-- Steps 4 and 5 read the fraction of a second with a pattern that
-- escapes the dot with a backslash in a plain string literal, which
-- under standard_conforming_strings = off (a server, database or role
-- setting) drops the backslash: the pattern is '.', any character, and
-- every row they filled got 0. The nanoseconds are taken
-- again from the JSON of each row that does not hold them. The pattern
-- here, '[.]', means a dot whatever that setting is; so does every
-- literal below, none of which holds a backslash.
UPDATE complaint_cases SET
	opened_ns = coalesce(right(rpad(substring(body->>'opened' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0),
	updated_ns = coalesce(right(rpad(substring(body->>'updated' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0)
WHERE opened_ns <> coalesce(right(rpad(substring(body->>'opened' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0)
	OR updated_ns <> coalesce(right(rpad(substring(body->>'updated' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0);
UPDATE complaint_events SET
	at_ns = coalesce(right(rpad(substring(body->>'at' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0)
WHERE at_ns <> coalesce(right(rpad(substring(body->>'at' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0);

-- Steps 4 and 5 left opened_ns, updated_ns and at_ns NOT NULL without a
-- default, so a process of an older release still running beside this
-- one (it writes the cases and events as schema 3 or 4 did, without
-- those columns) could no longer save a case. Their default is now the
-- row's own: a column the INSERT leaves out (NULL, as it has no DEFAULT)
-- is taken from the JSON of the row, which holds the exact instant, and
-- an UPDATE that changes the JSON's instant without the column (the
-- older release's) takes it from there too. A writer that sets the
-- columns sets them to what the JSON says, so this changes nothing it
-- wrote. The NOT NULL constraints are checked after these triggers.
-- The functions run in the session of whoever writes, with its
-- search_path: theirs is pinned to pg_catalog (pg_temp last), so that
-- every name they call (rpad, substring, the operators) is the
-- built-in, whatever schema a writer's search_path puts before it.
CREATE FUNCTION complaint_cases_instants() RETURNS trigger LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
	IF TG_OP = 'INSERT' AND NEW.opened_ns IS NULL
		OR TG_OP = 'UPDATE' AND (NEW.body->>'opened') IS DISTINCT FROM (OLD.body->>'opened') THEN
		NEW.opened_ns := coalesce(right(rpad(substring(NEW.body->>'opened' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0);
	END IF;
	IF TG_OP = 'INSERT' AND NEW.updated_ns IS NULL
		OR TG_OP = 'UPDATE' AND (NEW.body->>'updated') IS DISTINCT FROM (OLD.body->>'updated') THEN
		NEW.updated_ns := coalesce(right(rpad(substring(NEW.body->>'updated' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0);
	END IF;
	RETURN NEW;
END
$fn$;
CREATE TRIGGER complaint_cases_instants BEFORE INSERT OR UPDATE ON complaint_cases
	FOR EACH ROW EXECUTE PROCEDURE complaint_cases_instants();
CREATE FUNCTION complaint_events_instants() RETURNS trigger LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
	IF NEW.at_ns IS NULL THEN
		NEW.at_ns := coalesce(right(rpad(substring(NEW.body->>'at' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0);
	END IF;
	RETURN NEW;
END
$fn$;
CREATE TRIGGER complaint_events_instants BEFORE INSERT ON complaint_events
	FOR EACH ROW EXECUTE PROCEDURE complaint_events_instants();
`, []string{"complaint_cases", "complaint_events"}, nil},
	{"nanoseconds of a complaint event's at taken from the JSON when an update changes it", `
-- Step 10's trigger on complaint_events fills at_ns on INSERT only,
-- unlike the one on complaint_cases, which also takes the nanoseconds
-- from the JSON when an UPDATE changes the JSON's instant. Events are
-- updated (an erasure rewrites their JSON, keeping its instant, as every
-- release's erasure did), and an UPDATE that changed the instant without
-- at_ns (a writer that does not know the column, a repair by hand) would
-- leave at_ns stale. The function now does for UPDATE what the cases'
-- does, and fires on UPDATE too. An UPDATE that keeps the JSON's at
-- (text for text) keeps at_ns; a writer that sets at_ns sets it to what
-- the JSON says, so this changes nothing it wrote.
CREATE OR REPLACE FUNCTION complaint_events_instants() RETURNS trigger LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
	IF TG_OP = 'INSERT' AND NEW.at_ns IS NULL
		OR TG_OP = 'UPDATE' AND (NEW.body->>'at') IS DISTINCT FROM (OLD.body->>'at') THEN
		NEW.at_ns := coalesce(right(rpad(substring(NEW.body->>'at' from '[.]([0-9]+)'), 9, '0'), 3)::smallint, 0);
	END IF;
	RETURN NEW;
END
$fn$;
DROP TRIGGER complaint_events_instants ON complaint_events;
CREATE TRIGGER complaint_events_instants BEFORE INSERT OR UPDATE ON complaint_events
	FOR EACH ROW EXECUTE PROCEDURE complaint_events_instants();
`, nil, []string{"complaint_events"}},
	{"complaint cases listed by opening", `
-- The cases opened in a period, of every complainant, in the order of
-- ComplaintStore.Logs straight from the index. CREATE INDEX takes the
-- table in SHARE mode, which conflicts with its writers: the step names
-- it among those it locks.
CREATE INDEX complaint_cases_opened ON complaint_cases (opened NULLS FIRST, opened_ns, id);
`, []string{"complaint_cases"}, nil},
}

// SchemaVersion is the number of the last migration this package knows:
// the version [DB.Migrate] brings a database to.
func SchemaVersion() int { return len(migrations) }

// lockClass is the first key of the advisory lock that serialises
// migrations; the second is a hash of the schema name.
const lockClass = 0x7a11

// Migrate creates the schema (when it does not exist: a schema that
// exists, created by a DBA for the application's role, needs no right on
// the database) and its tables when they do not exist and
// applies, in order, every migration the schema_version table does not
// list yet, with a row in schema_version for each, all in one
// transaction: a failed upgrade leaves the schema as it was. A
// transaction-level advisory lock (per schema) makes concurrent Migrate
// calls, from this process or others, wait for each other, so each
// migration is applied once. Once it holds that lock, Migrate waits for
// the tables it reads or alters (schema_version included, even when the
// schema is up to date) at most [Options].MigrationLockTimeout, then
// gives up (an error matching [ErrMigrationLocked]; nothing changed).
// The migrations to apply lock every existing table one of them alters,
// rewrites or adds a foreign key or trigger to, in the strongest mode one
// of them needs, and schema_version, before the first of them runs,
// never holding one while waiting for another, nor the lock its reading
// of the version took (the writers do not all lock the complaint tables
// in one order; migration 6 or 7 would otherwise hold orders or returns,
// which a writer or a history read waits for while it holds the
// customer, and migration 8 of the same run wait for that customer), so
// that they and a concurrent writer or reader (an erasure, a save, an
// order append, a Delete, a history, of this release or an older one)
// wait for each other in turn rather than deadlock: both complete,
// neither is aborted with SQLSTATE 40P01. The migrations resolve the
// schema's table and type names in the schema and pg_catalog, never in
// a temporary table or type of the session named alike; a schema the
// search_path cannot name ($user, which it reads as the role's own), and
// one longer than the server keeps of an identifier
// (max_identifier_length, 63 bytes by default), are refused with an
// error matching customer.ErrInvalid. It returns an error matching
// [ErrSchemaTooNew] when the database lists a migration this package
// does not know.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrateTo(ctx, len(migrations))
}

// checkSchemaLength refuses a schema name longer than the server keeps
// of an identifier (max_identifier_length, 63 bytes unless PostgreSQL was
// built otherwise): every statement would cut it to that length, so two
// names alike in their first bytes would be one schema, migrated under
// two advisory locks.
func (db *DB) checkSchemaLength(ctx context.Context, tx pgx.Tx) error {
	var limit int
	if err := tx.QueryRow(ctx, `SELECT pg_catalog.current_setting('max_identifier_length')::pg_catalog.int4`).Scan(&limit); err != nil {
		return err
	}
	if len(db.schema) <= limit {
		return nil
	}
	return customer.Invalid(fmt.Sprintf("schema %q", db.schema), []customer.FieldError{{
		Field: "Options.Schema", Code: customer.CodeRange,
		Message: fmt.Sprintf("the name is %d bytes; the server keeps %d of an identifier and would cut it, so names alike in their first %d bytes would be one schema", len(db.schema), limit, limit),
	}})
}

// migrateTo is Migrate up to version target.
func (db *DB) migrateTo(ctx context.Context, target int) error {
	if err := ctxErr(ctx, "migrate"); err != nil {
		return err
	}
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if err := db.checkSchemaLength(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockClass, db.schema); err != nil {
			return err
		}
		// Bounded from here on, not before: the advisory lock waits for
		// another migrator as long as its migrations take, but everything
		// after it (creating the schema and schema_version, reading the
		// version, the migrations and their rows) waits for locks other
		// transactions hold, a DBA's LOCK TABLE of schema_version say.
		if err := db.setLockTimeout(ctx, tx); err != nil {
			return err
		}
		schema := pgx.Identifier{db.schema}.Sanitize()
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, db.t.version).Scan(&exists); err != nil {
			return db.lockError("reading the schema version", err)
		}
		if !exists {
			// CREATE SCHEMA needs the CREATE right on the database even
			// when the schema exists (IF NOT EXISTS is checked after the
			// right), a right the application's role lacks when a DBA
			// created the schema for it: so only for a missing schema.
			var have bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1)`, db.schema).Scan(&have); err != nil {
				return err
			}
			if !have {
				if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
					return db.lockError("creating the schema", err)
				}
			}
			// The types named in pg_catalog: this runs before the
			// search_path is set (see apply), and a temporary type of
			// the session named text or timestamptz would be found
			// first.
			if _, err := tx.Exec(ctx, `CREATE TABLE `+db.t.version+` (
					version     pg_catalog.int4 PRIMARY KEY,
					description pg_catalog.text NOT NULL,
					applied_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now())`); err != nil {
				return db.lockError("creating schema_version", err)
			}
		}
		// Read in a savepoint rolled back after it, which gives back the
		// lock the read took (ACCESS SHARE): apply takes schema_version
		// again in the rounds that take its steps' tables, and a
		// transaction that holds one of those tables and asks for
		// schema_version in ACCESS EXCLUSIVE mode (a DBA's LOCK TABLE)
		// meanwhile gets it instead of waiting for a migration that
		// waits for it.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return err
		}
		current, err := db.readVersion(ctx, sp)
		rctx, cancel := rollbackContext(ctx)
		rerr := sp.Rollback(rctx)
		cancel()
		if err != nil {
			return db.lockError("reading the schema version", err)
		}
		if rerr != nil {
			return rerr
		}
		return db.apply(ctx, tx, schema, current, target)
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrate schema %q: %w", db.schema, err)
	}
	return nil
}

// apply applies the migrations after version current up to target in tx.
// Before the first step's SQL it locks the steps' tables
// ([migration].locks, [DB.runLocks], [DB.lockTables]), so that a step
// waits for a writer holding rows of them, or a writer waits for the
// step, and never each for the other: a step that rewrites rows in the
// order they lie on disk would otherwise hold a row a writer needs while
// waiting for one that writer holds (an erasure locks a customer's cases
// in the order of their opening), and the server would abort one of
// them as a deadlock (SQLSTATE 40P01). schema_version, which the rows
// recording the steps need, is taken in the same rounds ([DB.lockRun]).
func (db *DB) apply(ctx context.Context, tx pgx.Tx, schema string, current, target int) error {
	if current > len(migrations) {
		return fmt.Errorf("%w: it is at version %d, this program knows %d", ErrSchemaTooNew, current, len(migrations))
	}
	if current >= target {
		return nil
	}
	// pg_temp named last: left out, it would be searched first for
	// tables and types, and a temporary table of the session named like
	// one of ours (customers, complaint_cases…) would be the one a
	// migration alters, fills or references, a temporary type named text
	// the type of a column. pg_catalog, left out, is searched first, so
	// that every type, function and operator the migrations name is the
	// built-in, and the schema stays the one CREATE puts objects in.
	if _, err := tx.Exec(ctx, `SET LOCAL search_path TO `+schema+`, pg_temp`); err != nil {
		return err
	}
	// The search_path reads the name $user, quoted or not, as the
	// session role's own schema: the migrations' objects would go there,
	// or, when the role has none, into pg_temp (temporary tables, gone
	// with the session, while schema_version lists their steps). Such a
	// schema is refused, the transaction rolled back: nothing changed.
	var first bool
	if err := tx.QueryRow(ctx, `SELECT coalesce(pg_catalog.current_schema() = $1::pg_catalog.text::pg_catalog.name, false)`, db.schema).Scan(&first); err != nil {
		return err
	}
	if !first {
		return customer.Invalid(fmt.Sprintf("schema %q", db.schema), []customer.FieldError{{
			Field: "Options.Schema", Code: customer.CodeFormat,
			Message: fmt.Sprintf("a search_path reads the name %q as another schema (the role's own for $user), so the migrations cannot run in it", db.schema),
		}})
	}
	budget, err := readLockBudget(ctx, tx)
	if err != nil {
		return err
	}
	for {
		now, err := db.lockRun(ctx, tx, budget, current, target)
		if err != nil {
			return err
		}
		if now == current {
			break
		}
		// Another session recorded migrations (or removed their rows)
		// while the rounds waited; lockRun gave the locks back. The
		// next run's rounds wait within what is left of budget.
		if now > len(migrations) {
			return fmt.Errorf("%w: it is at version %d, this program knows %d", ErrSchemaTooNew, now, len(migrations))
		}
		if now >= target {
			return nil
		}
		current = now
	}
	for v := current + 1; v <= target; v++ {
		m := migrations[v-1]
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return db.migrationError(v, m, err)
		}
		// schema_version is held (lockRun): the row waits at most for
		// a transaction that wrote a row of the same version, under the
		// same lock_timeout.
		if _, err := tx.Exec(ctx, `INSERT INTO `+db.t.version+` (version, description) VALUES ($1, $2)`, v, m.description); err != nil {
			return db.migrationError(v, m, err)
		}
	}
	return nil
}

// lockRun takes the locks of the migrations after version current up to
// target ([DB.runLocks], [DB.lockTables]) in tx, then reads the schema's
// version again, which another session may have changed while the rounds
// waited (schema_version was not held then: see [DB.migrateTo]), and
// returns it. When it is current, the locks stay, held until tx ends;
// else lockRun gives them back (a rollback to a savepoint), for the run
// from the version read. The rounds of every run wait within budget,
// shared by them all. (schema_version is held in ROW EXCLUSIVE mode,
// which another session's INSERT takes too: a migration recorded by
// hand after the reading, not by Migrate, which holds the advisory lock,
// makes the run fail and roll back — its step's SQL, or else its row of
// that version, a unique violation — never a step recorded twice.)
func (db *DB) lockRun(ctx context.Context, tx pgx.Tx, budget *lockBudget, current, target int) (int, error) {
	locks, err := db.runLocks(ctx, tx, current, target)
	if err != nil {
		return 0, db.migrationError(current+1, migrations[current], err)
	}
	sp, err := tx.Begin(ctx) // a savepoint
	if err != nil {
		return 0, err
	}
	now := -1
	err = db.lockTables(ctx, sp, locks, budget)
	if err == nil {
		now, err = db.readVersion(ctx, sp)
	}
	if err != nil {
		return 0, db.migrationError(current+1, migrations[current], err)
	}
	if now == current {
		return now, sp.Commit(ctx) // RELEASE SAVEPOINT: the locks stay
	}
	rctx, cancel := rollbackContext(ctx)
	defer cancel()
	return now, sp.Rollback(rctx)
}

// readVersion returns the schema's version: the greatest one
// schema_version lists, 0 for none.
func (db *DB) readVersion(ctx context.Context, tx pgx.Tx) (int, error) {
	var v int
	err := tx.QueryRow(ctx, `SELECT coalesce(pg_catalog.max(version), 0) FROM `+db.t.version).Scan(&v)
	return v, err
}

// tableLock is a table of the schema a run of migrations locks and the
// mode it locks it in.
type tableLock struct {
	name string
	// mode is "ROW EXCLUSIVE" (schema_version), "EXCLUSIVE" or
	// "ACCESS EXCLUSIVE".
	mode string
}

// runLocks returns the tables the steps after version current up to
// target lock ([migration].locks and alters), each once, in the order of
// the steps, in ACCESS EXCLUSIVE mode when one of the steps alters it,
// else in EXCLUSIVE mode, leaving out those that do not exist yet (a
// step of the run creates them: no other transaction sees them before
// the run commits). They are locked before the run's first step, not
// before the step that names them, and in the strongest mode a step of
// the run needs: a step would otherwise hold a table while a later step
// waits for another (or for a stronger lock of its own), and a writer or
// reader that took that other first and waits for the one held would
// deadlock with it. The customer's writers and readers take customers
// before its orders, returns and their lines; from schema 5, say,
// migration 6 would hold orders, which an order append waits for while
// it holds its customer's row, and migration 8 wait for customers; from
// schema 6, migration 7 would hold returns, which a Delete's cascade
// waits for, and migration 8 wait for the customer the Delete holds.
// The same goes for the complaint tables (4 alters complaint_cases, 5
// both). schema_version comes last, in ROW EXCLUSIVE mode, the lock of
// the rows that record the steps: taken after the steps' SQL, it would
// be waited for holding their tables, and a transaction that holds
// schema_version in a mode that conflicts with it (SHARE: a DBA's LOCK
// TABLE, a CREATE INDEX) and then uses one of those tables would
// deadlock with the run.
func (db *DB) runLocks(ctx context.Context, tx pgx.Tx, current, target int) ([]tableLock, error) {
	var locks []tableLock
	add := func(name, mode string) {
		i := slices.IndexFunc(locks, func(l tableLock) bool { return l.name == name })
		switch {
		case i < 0:
			locks = append(locks, tableLock{name, mode})
		case mode == accessExclusive:
			locks[i].mode = mode
		}
	}
	for v := current + 1; v <= target; v++ {
		for _, name := range migrations[v-1].locks {
			add(name, exclusive)
		}
		for _, name := range migrations[v-1].alters {
			add(name, accessExclusive)
		}
	}
	add("schema_version", rowExclusive)
	qualified := make([]string, len(locks))
	for i, l := range locks {
		qualified[i] = pgx.Identifier{db.schema, l.name}.Sanitize()
	}
	rows, err := tx.Query(ctx, `SELECT i FROM unnest($1::pg_catalog.text[]) WITH ORDINALITY AS u(qualified, i)
		WHERE pg_catalog.to_regclass(qualified) IS NOT NULL ORDER BY i`, qualified)
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	existing := make([]tableLock, len(found))
	for k, i := range found {
		existing[k] = locks[i-1]
	}
	return existing, nil
}

// The modes of [tableLock].
const (
	rowExclusive    = "ROW EXCLUSIVE"
	exclusive       = "EXCLUSIVE"
	accessExclusive = "ACCESS EXCLUSIVE"
)

// lockTables locks the schema's tables named, each in its mode, in tx,
// never holding one of them while it waits for another: it waits
// (lock_timeout bounding the wait) for one, then takes the others
// without waiting (NOWAIT); when one of those is held, it gives back
// every lock of the round (a rollback to a savepoint, which releases the
// locks taken after it) and starts again, waiting for that one. The
// writers do not all lock the complaint tables in one order: an erasure
// locks complaint_cases, then complaint_events, in two statements; a
// complaint Save, one statement, may lock complaint_events before
// complaint_cases (a statement prepared on the connection locks its
// outer INSERT's table before the one its WITH writes). Taking the
// tables one after the other in any fixed order would hold one while
// waiting for a writer that holds the other and waits for it: a
// deadlock, and the server aborts the writer or the migration (SQLSTATE
// 40P01). Waiting holding none of them, the migration only ever waits
// for writers that are not waiting for it.
//
// The rounds share budget, the lock_timeout in force when the first of
// them began ([Options].MigrationLockTimeout or the server's), with the
// rounds of the earlier calls of the same Migrate ([DB.lockRun] runs
// again when the version changed while it waited): each waits at most
// what the earlier ones left of it, by the server's clock, and when
// nothing is left lockTables gives up with an error matching
// [ErrMigrationLocked]. Each round's wait may end
// well within lock_timeout and the next table still be busy — readers
// that take turns at the tables, which ACCESS EXCLUSIVE waits for too,
// one always reading the table the migration does not hold — so that
// rounds bounded one by one could go on until the context ends, every
// round queueing the users of the table it waits for behind it.
func (db *DB) lockTables(ctx context.Context, tx pgx.Tx, tables []tableLock, b *lockBudget) error {
	if len(tables) == 0 {
		return nil
	}
	budget, deadline := b.ms, b.deadline
	// set: this call set lock_timeout to what was left (the lock_timeout
	// in force is the whole budget only for the first round of all).
	set := false
	wait := 0
	for round := 0; ; round++ {
		if b.used && budget > 0 {
			// What is left of the budget, rounded up to a millisecond
			// (lock_timeout 0 would mean no limit).
			var left int64
			if err := tx.QueryRow(ctx, `SELECT pg_catalog.ceil(1000 * pg_catalog.date_part('epoch',
				$1::pg_catalog.timestamptz - pg_catalog.clock_timestamp()))::pg_catalog.int8`, deadline).Scan(&left); err != nil {
				return err
			}
			if left <= 0 {
				names := make([]string, len(tables))
				for i, l := range tables {
					names[i] = l.name
				}
				return fmt.Errorf("%w after %v (Options.MigrationLockTimeout): the tables %s were never free at once",
					ErrMigrationLocked, db.lockTimeout, strings.Join(names, ", "))
			}
			if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, left)); err != nil {
				return err
			}
			set = true
		}
		b.used = true
		sp, err := tx.Begin(ctx) // a savepoint
		if err != nil {
			return err
		}
		busy := -1
		for i := range tables {
			j := (wait + i) % len(tables)
			q := `LOCK TABLE ` + pgx.Identifier{db.schema, tables[j].name}.Sanitize() + ` IN ` + tables[j].mode + ` MODE`
			if i > 0 {
				q += ` NOWAIT`
			}
			if _, err = sp.Exec(ctx, q); err != nil {
				if code, _ := pgCode(err); i > 0 && code == lockNotAvailable {
					busy, err = j, nil
				}
				break
			}
		}
		if err == nil && busy < 0 {
			if err := sp.Commit(ctx); err != nil { // RELEASE SAVEPOINT: the locks stay
				return err
			}
			if set {
				// The steps' own waits (for a transaction that wrote a
				// row of schema_version, say) get the whole lock_timeout
				// again.
				_, err = tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, budget))
			}
			return err
		}
		rctx, cancel := rollbackContext(ctx)
		rerr := sp.Rollback(rctx)
		cancel()
		if err != nil {
			return err
		}
		if rerr != nil {
			return rerr
		}
		wait = busy
	}
}

// lockBudget is the lock_timeout the rounds of [DB.lockTables] share,
// over every run [DB.lockRun] tries in one Migrate.
type lockBudget struct {
	// ms is lock_timeout in milliseconds when the budget was read; 0
	// means no limit.
	ms int64
	// deadline is when ms runs out, by the server's clock.
	deadline time.Time
	// used is set once a round ran: from then on each round sets
	// lock_timeout to what is left of ms.
	used bool
}

// readLockBudget reads the lock_timeout in force in tx and starts the
// server's clock for it.
func readLockBudget(ctx context.Context, tx pgx.Tx) (*lockBudget, error) {
	var ms int64
	var start time.Time
	if err := tx.QueryRow(ctx, `SELECT s.setting::pg_catalog.int8, pg_catalog.clock_timestamp()
		FROM pg_catalog.pg_settings s WHERE s.name = 'lock_timeout'`).Scan(&ms, &start); err != nil {
		return nil, err
	}
	return &lockBudget{ms: ms, deadline: start.Add(time.Duration(ms) * time.Millisecond)}, nil
}

// setLockTimeout sets the server's lock_timeout for the rest of tx to
// [Options].MigrationLockTimeout; it leaves the server's setting when
// that is negative. It is set after the advisory lock was taken: another
// migrator may hold that one for as long as its migrations take.
// lock_timeout is in whole milliseconds: rounded up, so never 0 (no
// limit), without adding 999 999 ns first, which overflows the longest
// durations.
func (db *DB) setLockTimeout(ctx context.Context, tx pgx.Tx) error {
	if db.lockTimeout <= 0 {
		return nil
	}
	ms := db.lockTimeout / time.Millisecond
	if db.lockTimeout%time.Millisecond != 0 {
		ms++
	}
	_, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, min(ms, math.MaxInt32)))
	return err
}

// lockError returns err, an error of Migrate's step before the
// migrations (what names it), as it is, or, when the lock_timeout expired
// (SQLSTATE 55P03), naming the step and matching [ErrMigrationLocked].
func (db *DB) lockError(what string, err error) error {
	if code, _ := pgCode(err); code == lockNotAvailable {
		return fmt.Errorf("%s: %w after %v (Options.MigrationLockTimeout): %w", what, ErrMigrationLocked, db.lockTimeout, err)
	}
	return err
}

// migrationError returns err, an error of migration v (its SQL or its
// row in schema_version), naming it; a lock_timeout that expired
// (SQLSTATE 55P03) also matches [ErrMigrationLocked].
func (db *DB) migrationError(v int, m migration, err error) error {
	if code, _ := pgCode(err); code == lockNotAvailable {
		return fmt.Errorf("migration %d (%s): %w after %v (Options.MigrationLockTimeout): %w", v, m.description, ErrMigrationLocked, db.lockTimeout, err)
	}
	return fmt.Errorf("migration %d (%s): %w", v, m.description, err)
}
