// Package sqlitestore keeps tailor's records in one SQLite file: customers
// and their histories ([customer.Directory], [customer.HistoryStore],
// [customer.BatchGetter], [customer.Updater], [customer.Inserter],
// [customer.CheckedAppender], [customer.InteractionEraser]), complaint
// cases with their audit trails ([complaint.Store], [complaint.Eraser],
// [complaint.LogLister]) and loyalty ledgers ([loyalty.Store],
// [loyalty.Eraser]). It uses the pure-Go driver modernc.org/sqlite, so
// it builds without cgo.
//
// [Open] creates the file when it is missing, readable and writable by
// its owner alone ([NewFileMode]: it holds personal data; the mode of an
// existing file is left as it is), switches it to WAL mode
// (readers never block the writer, nor the writer readers), sets a busy
// time-out and turns foreign keys on, and brings the schema to the version
// this package knows by running, in one transaction, the migrations the
// file has not had yet. Each store is a view of the [DB]:
//
//	db, err := sqlitestore.Open(ctx, "shop.db", nil)
//	...
//	defer db.Close()
//	svc := &complaint.Service{Store: db.Complaints()}
//	ledger := loyalty.NewService(programme, db.Loyalty(), nil)
//
// # Concurrency
//
// Writes run in transactions opened with BEGIN IMMEDIATE on a single
// writing connection, so writers of one process queue in Go (honouring
// their contexts) instead of polling a lock, and a writer never has to
// upgrade a read lock, the cause of SQLITE_BUSY dead-ends in deferred
// transactions. Writers of other processes wait up to
// [Options.BusyTimeout]. Reads use a pool of read-only connections, each
// read in one transaction, so it sees one committed state. A change or
// check function that panics does not keep the writing connection: its
// transaction is rolled back before the panic goes on. The checks that
// make optimistic concurrency safe are also in the schema: a case's events
// have the primary key (case, seq), a ledger's entries (member, seq) and
// the unique key (member, key), so two writers that raced past the version
// check would still be told apart by the database, and the loser gets
// ErrConflict or ErrDuplicate.
//
// # Representation
//
// What is looked up or ordered by is kept in columns: IDs, versions,
// sequence numbers, idempotency keys, states, kinds and instants. The rest
// of a record is one JSON document, written with encoding/json and the
// types' own text forms (enums by name, customer.Money as "49.90 EUR", a
// ledger entry's fingerprint as a string of its decimal digits, which
// SQLite's JSON functions read exactly; documents written before hold it
// as a JSON number and read back exactly too).
// A credit has no nested parts and is columns only: its kind by name, its
// amount as decimal text beside its currency. Amounts are decimal strings
// that keep their scale ("199.00" stays "199.00"); nothing goes through
// float64. An amount that may be unset (a line's unit cost, a return's
// refund) is left out of the document when unset, so a set zero ("0")
// stays apart from it, and documents written before a return had a
// refund read back with none. Likewise a customer's household and a
// line's member are left out when empty, so documents written before
// customers had households read back with none and lines of the
// customer's own, and a customer's consent history is left out when
// empty, so documents written before it read back with none. Instants
// in columns are UTC, with
// nanoseconds, as fixed-width text that sorts in time order (years 0 to
// 9999). A time read back is the same instant (time.Time.Equal), in UTC
// for customers, histories (credits too) and ledgers; a complaint case or
// event keeps the offset its times had, as its own JSON form does. No
// location name or monotonic reading is kept.
//
// Customer.Put stores what it is given, except what SQLite cannot hold
// faithfully: an undefined enumeration value, a non-zero amount without
// a currency, or text of the JSON document that is not valid UTF-8 (a
// name, a household member's ID, a consent notice; encoding/json would
// replace its invalid bytes) is rejected with an error matching
// [customer.ErrInvalid] that names the field. AppendOrder and
// AppendReturn reject such text in their documents (a line's SKU or
// member, a return line's line ID) the same way, and so do
// Complaints.Save (any text of the case or its event, the case's ID
// included, which its document holds; also an undefined state or
// priority, or a time outside years 0–9999) and Ledgers.Append and
// Ledgers.Erase (an entry's reason, note, operator, tier name, lot or
// coupons).
// IDs in columns are bytes and are kept as given.
// Deleting a customer deletes its history (orders, returns, credits,
// interactions), as [customer.MemStore] does, and frees the IDs of its
// orders, returns and credits; replacing it with Put keeps the history.
// EraseInteractions deletes a customer's interactions alone, for an
// erasure request that keeps the customer (package privacy's Erase).
package sqlitestore
