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
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/tailorcrm/tailor/customer"
)

// CustomerStore is the customer directory and the customers' histories
// in PostgreSQL: a [customer.Directory], [customer.BatchGetter],
// [customer.Updater], [customer.Inserter], [customer.HistoryStore],
// [customer.CheckedAppender] and [customer.InteractionEraser]. Deleting
// a customer deletes its history (ON DELETE CASCADE). It is safe for
// concurrent use.
type CustomerStore struct {
	db *DB
}

var (
	_ customer.Directory    = (*CustomerStore)(nil)
	_ customer.BatchGetter  = (*CustomerStore)(nil)
	_ customer.HistoryStore = (*CustomerStore)(nil)
	_ customer.Updater      = (*CustomerStore)(nil)

	_ customer.CheckedAppender = (*CustomerStore)(nil)
	_ customer.Inserter        = (*CustomerStore)(nil)

	_ customer.InteractionEraser = (*CustomerStore)(nil)
)

// ListPageSize is the number of customers [CustomerStore.List] reads per
// query; each page reflects the directory at one instant, and no
// connection is held while the caller handles a page.
const ListPageSize = 500

const customerColumns = `id, kind, role, name, email, phone, address,
	birth_year, birth_month, birth_day, region, joined, joined_ns,
	consent_marketing, consent_profiling,
	top_size, bottom_size, shoe_size, height_cm, fit, styles, colours, categories,
	has_trade, annual_turnover::pg_catalog.text, annual_turnover_currency, outlets, rating,
	cooperation_start, cooperation_start_ns, market_size::pg_catalog.text, market_size_currency, household, consent_history`

// memberDoc is a member of a customer's household in the household
// column: enumerations as their numbers, as in the customer's columns.
type memberDoc struct {
	ID         string   `json:"id"`
	Relation   int16    `json:"relation"`
	Name       string   `json:"name,omitempty"`
	BirthYear  int64    `json:"birth_year,omitempty"`
	BirthMonth int64    `json:"birth_month,omitempty"`
	BirthDay   int64    `json:"birth_day,omitempty"`
	TopSize    string   `json:"top_size,omitempty"`
	BottomSize string   `json:"bottom_size,omitempty"`
	ShoeSize   string   `json:"shoe_size,omitempty"`
	HeightCM   int64    `json:"height_cm,omitempty"`
	Fit        int16    `json:"fit,omitempty"`
	Styles     []string `json:"styles,omitempty"`
	Colours    []string `json:"colours,omitempty"`
	Categories []string `json:"categories,omitempty"`
}

// householdDocs returns the column form of h, never nil: the column is
// NOT NULL.
func householdDocs(h []customer.Member) []memberDoc {
	out := make([]memberDoc, len(h))
	for i, m := range h {
		p := m.Profile
		out[i] = memberDoc{ID: m.ID, Relation: int16(m.Relation), Name: m.Name,
			BirthYear: int64(m.Birthday.Year), BirthMonth: int64(m.Birthday.Month), BirthDay: int64(m.Birthday.Day),
			TopSize: p.TopSize, BottomSize: p.BottomSize, ShoeSize: p.ShoeSize, HeightCM: int64(p.HeightCM),
			Fit: int16(p.Fit), Styles: p.Styles, Colours: p.Colours, Categories: p.Categories}
	}
	return out
}

// household returns the members of the household column; nil for none.
func household(docs []memberDoc) []customer.Member {
	if len(docs) == 0 {
		return nil
	}
	out := make([]customer.Member, len(docs))
	for i, d := range docs {
		out[i] = customer.Member{ID: d.ID, Relation: customer.Relation(d.Relation), Name: d.Name,
			Birthday: customer.Birthday{Year: int(d.BirthYear), Month: time.Month(d.BirthMonth), Day: int(d.BirthDay)},
			Profile: customer.Profile{TopSize: d.TopSize, BottomSize: d.BottomSize, ShoeSize: d.ShoeSize,
				HeightCM: int(d.HeightCM), Fit: customer.Fit(d.Fit), Styles: d.Styles, Colours: d.Colours, Categories: d.Categories}}
	}
	return out
}

// consentDoc is a change of a customer's consent history in the
// consent_history column: enumerations as their numbers, as in the
// customer's columns, the instant in UTC with its nanoseconds.
type consentDoc struct {
	Purpose int16     `json:"purpose"`
	Given   bool      `json:"given"`
	Time    time.Time `json:"time,omitzero"`
	Source  int16     `json:"source"`
	Notice  string    `json:"notice,omitempty"`
}

// consentDocs returns the column form of h, never nil: the column is NOT
// NULL. It returns a validation error for record naming each change whose
// instant JSON cannot hold (a year outside 0–9999).
func consentDocs(record string, h []customer.ConsentChange) ([]consentDoc, error) {
	out := make([]consentDoc, len(h))
	var bad []customer.FieldError
	for i, ch := range h {
		if y := ch.Time.UTC().Year(); !ch.Time.IsZero() && (y < 0 || y > 9999) {
			bad = append(bad, customer.FieldError{Field: fmt.Sprintf("consent_history[%d].time", i), Code: customer.CodeRange,
				Message: fmt.Sprintf("year %d is outside 0–9999", y)})
		}
		t := ch.Time
		if !t.IsZero() {
			t = t.UTC()
		}
		out[i] = consentDoc{Purpose: int16(ch.Purpose), Given: ch.Given, Time: t, Source: int16(ch.Source), Notice: ch.Notice}
	}
	return out, customer.Invalid(record, bad)
}

// consentHistory returns the changes of the consent_history column; nil
// for none.
func consentHistory(docs []consentDoc) []customer.ConsentChange {
	if len(docs) == 0 {
		return nil
	}
	out := make([]customer.ConsentChange, len(docs))
	for i, d := range docs {
		out[i] = customer.ConsentChange{Purpose: customer.Purpose(d.Purpose), Given: d.Given, Time: d.Time,
			Source: customer.ConsentSource(d.Source), Notice: d.Notice}
	}
	return out
}

// scanCustomer reads one row of customerColumns.
func scanCustomer(row pgx.Row) (customer.Customer, error) {
	var (
		c                       customer.Customer
		id, email, phone        string
		kind, role, fit         int16
		month                   int64
		joined, coop            pgtype.Timestamptz
		joinedNS                int16
		coopNS, rating          *int16
		hasTrade                bool
		turnover, market        *string
		turnoverCur, marketCur  *string
		outlets                 *int64
		birthYear, birthDay, ht int64
		members                 []memberDoc
		consents                []consentDoc
	)
	err := row.Scan(&id, &kind, &role, &c.Name, &email, &phone, &c.Contact.Address,
		&birthYear, &month, &birthDay, &c.Region, &joined, &joinedNS,
		&c.Consent.Marketing, &c.Consent.Profiling,
		&c.Profile.TopSize, &c.Profile.BottomSize, &c.Profile.ShoeSize, &ht, &fit,
		&c.Profile.Styles, &c.Profile.Colours, &c.Profile.Categories,
		&hasTrade, &turnover, &turnoverCur, &outlets, &rating, &coop, &coopNS, &market, &marketCur, &members, &consents)
	if err != nil {
		return customer.Customer{}, err
	}
	c.ID, c.Kind, c.Role = customer.ID(id), customer.Kind(kind), customer.Role(role)
	c.Contact.Email, c.Contact.Phone = customer.Email(email), customer.Phone(phone)
	c.Birthday = customer.Birthday{Year: int(birthYear), Month: time.Month(month), Day: int(birthDay)}
	c.Joined = fromInstant(joined, joinedNS)
	c.Profile.HeightCM, c.Profile.Fit = int(ht), customer.Fit(fit)
	c.Household = household(members)
	c.ConsentHistory = consentHistory(consents)
	if !hasTrade {
		return c, nil
	}
	t := &customer.Trade{}
	if outlets != nil {
		t.Outlets = int(*outlets)
	}
	if rating != nil {
		t.Rating = customer.CreditRating(*rating)
	}
	var ns int16
	if coopNS != nil {
		ns = *coopNS
	}
	t.CooperationStart = fromInstant(coop, ns)
	if t.AnnualTurnover, err = nullMoney(turnover, turnoverCur, "annual_turnover"); err != nil {
		return customer.Customer{}, fmt.Errorf("customer %q: %w", id, err)
	}
	if t.MarketSize, err = nullMoney(market, marketCur, "market_size"); err != nil {
		return customer.Customer{}, fmt.Errorf("customer %q: %w", id, err)
	}
	c.Trade = t
	return c, nil
}

// nullMoney reads a money pair of nullable columns.
func nullMoney(amount, cur *string, field string) (customer.Money, error) {
	if amount == nil {
		return customer.Money{}, nil
	}
	d, err := parseDec(*amount, field)
	if err != nil {
		return customer.Money{}, err
	}
	c := ""
	if cur != nil {
		c = *cur
	}
	m, err := money(d, c)
	if err != nil {
		return customer.Money{}, fmt.Errorf("column %s: %w", field, err)
	}
	return m, nil
}

// nonNil returns s, or an empty slice for nil: the array columns are NOT
// NULL, and nil and empty are the same profile.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Get implements [customer.Getter].
func (s *CustomerStore) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	if err := ctxErr(ctx, fmt.Sprintf("get customer %q", id)); err != nil {
		return customer.Customer{}, err
	}
	if !storable(string(id)) {
		return customer.Customer{}, fmt.Errorf("pgstore: customer %q: %w", id, customer.ErrNotFound)
	}
	c, err := scanCustomer(s.db.reader().QueryRow(ctx, `SELECT `+customerColumns+` FROM `+s.db.t.customers+` WHERE id = $1`, string(id)))
	if errors.Is(err, pgx.ErrNoRows) {
		return customer.Customer{}, fmt.Errorf("pgstore: customer %q: %w", id, customer.ErrNotFound)
	}
	if err != nil {
		return customer.Customer{}, fmt.Errorf("pgstore: get customer %q: %w", id, err)
	}
	return c, nil
}

// GetMany implements [customer.BatchGetter] in one query.
func (s *CustomerStore) GetMany(ctx context.Context, ids []customer.ID) ([]customer.Customer, error) {
	if err := ctxErr(ctx, "get customers"); err != nil {
		return nil, err
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		if !storable(string(id)) {
			return nil, fmt.Errorf("pgstore: customer %q: %w", id, customer.ErrNotFound)
		}
		keys[i] = string(id)
	}
	rows, err := s.db.reader().Query(ctx, `SELECT `+customerColumns+` FROM `+s.db.t.customers+` WHERE id = ANY($1)`, keys)
	if err != nil {
		return nil, fmt.Errorf("pgstore: get customers: %w", err)
	}
	found := make(map[customer.ID]customer.Customer, len(ids))
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("pgstore: get customers: %w", err)
		}
		found[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: get customers: %w", err)
	}
	out := make([]customer.Customer, len(ids))
	for i, id := range ids {
		c, ok := found[id]
		if !ok {
			return nil, fmt.Errorf("pgstore: customer %q: %w", id, customer.ErrNotFound)
		}
		// A customer asked for twice is returned twice, each its own copy.
		out[i] = c.Clone()
	}
	return out, nil
}

// List implements [customer.Lister]. It reads [ListPageSize] customers per
// query, in the order of the primary key (COLLATE "C": byte order).
func (s *CustomerStore) List(ctx context.Context) iter.Seq2[customer.Customer, error] {
	return func(yield func(customer.Customer, error) bool) {
		if err := ctxErr(ctx, "list customers"); err != nil {
			yield(customer.Customer{}, err)
			return
		}
		after, first := "", true
		for {
			page, err := s.page(ctx, after, first)
			if err != nil {
				yield(customer.Customer{}, fmt.Errorf("pgstore: list customers: %w", err))
				return
			}
			for _, c := range page {
				if !yield(c, nil) {
					return
				}
			}
			if len(page) < ListPageSize {
				return
			}
			after, first = string(page[len(page)-1].ID), false
		}
	}
}

// page reads the customers after the ID after (from the first when
// first). The first page and the later ones are two statements, so that
// each keeps a plan that walks the primary key.
func (s *CustomerStore) page(ctx context.Context, after string, first bool) ([]customer.Customer, error) {
	var (
		rows pgx.Rows
		err  error
	)
	if first {
		rows, err = s.db.reader().Query(ctx, `SELECT `+customerColumns+` FROM `+s.db.t.customers+`
			ORDER BY id LIMIT $1`, ListPageSize)
	} else {
		rows, err = s.db.reader().Query(ctx, `SELECT `+customerColumns+` FROM `+s.db.t.customers+`
			WHERE id > $1 ORDER BY id LIMIT $2`, after, ListPageSize)
	}
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Customer, error) { return scanCustomer(r) })
}

// Put implements [customer.Directory]: one upsert, in a transaction of
// its own ([DB.write]: nothing stored when it fails). Text PostgreSQL
// cannot hold (NUL bytes, invalid UTF-8) and times outside its range are
// refused with an error matching customer.ErrInvalid.
func (s *CustomerStore) Put(ctx context.Context, c customer.Customer) error {
	if err := ctxErr(ctx, fmt.Sprintf("put customer %q", c.ID)); err != nil {
		return err
	}
	if c.ID == "" {
		return &customer.ValidationError{Record: `customer ""`, Fields: []customer.FieldError{{Field: "id", Code: customer.CodeRequired, Message: "is empty"}}}
	}
	args, err := customerArgs(c)
	if err != nil {
		return err
	}
	if err = s.db.write(ctx, nil, s.upsertSQL(), args...); err != nil {
		return keyFault(fmt.Errorf("pgstore: put customer %q: %w", c.ID, err), fmt.Sprintf("customer %q", c.ID), key{"id", string(c.ID)})
	}
	return nil
}

// Insert implements [customer.Inserter] in one transaction: INSERT … ON
// CONFLICT (id) DO NOTHING, which waits for a concurrent insert of the ID
// on any connection to commit or roll back, and, when the ID is taken,
// reads the stored customer to compare it with c. When that customer was
// deleted in between (each statement of the READ COMMITTED transaction
// sees what was committed before it), the ID is free again, and the
// insert is tried again.
func (s *CustomerStore) Insert(ctx context.Context, c customer.Customer) error {
	if err := ctxErr(ctx, fmt.Sprintf("insert customer %q", c.ID)); err != nil {
		return err
	}
	if c.ID == "" {
		return &customer.ValidationError{Record: `customer ""`, Fields: []customer.FieldError{{Field: "id", Code: customer.CodeRequired, Message: "is empty"}}}
	}
	args, err := customerArgs(c)
	if err != nil {
		return err
	}
	var taken error
	err = s.db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		for {
			tag, err := tx.Exec(ctx, s.insertSQL(), args...)
			if err != nil || tag.RowsAffected() == 1 {
				return err
			}
			prev, err := scanCustomer(tx.QueryRow(ctx, `SELECT `+customerColumns+` FROM `+s.db.t.customers+` WHERE id = $1`, string(c.ID)))
			if errors.Is(err, pgx.ErrNoRows) {
				// The customer that held the ID was deleted after the
				// insert found it (the insert takes no lock on it): the
				// ID is free, and the next insert sees so.
				continue
			}
			if err != nil {
				return err
			}
			if !prev.Equal(c) {
				taken = customer.CustomerTaken(c.ID)
			}
			return nil
		}
	})
	if err != nil {
		return keyFault(fmt.Errorf("pgstore: insert customer %q: %w", c.ID, classify(err)), fmt.Sprintf("customer %q", c.ID), key{"id", string(c.ID)})
	}
	return taken
}

// insertSQL inserts the customer of customerArgs unless its ID is taken.
func (s *CustomerStore) insertSQL() string { return s.valuesSQL() + ` ON CONFLICT (id) DO NOTHING` }

// customerArgs returns the arguments of upsertSQL for c, or a validation
// error naming what PostgreSQL cannot hold.
func customerArgs(c customer.Customer) ([]any, error) {
	if err := checkText(fmt.Sprintf("customer %q", c.ID), c); err != nil {
		return nil, err
	}
	consents, err := consentDocs(fmt.Sprintf("customer %q", c.ID), c.ConsentHistory)
	if err != nil {
		return nil, err
	}
	// The JSONB columns get JSON text: pgx encodes a Go value as JSON
	// only when the server has described the statement, which it does
	// not in the exec and simple_protocol query modes (those a
	// transaction-pooling proxy such as PgBouncer needs).
	household, err := jsonText(householdDocs(c.Household))
	if err != nil {
		return nil, fmt.Errorf("pgstore: customer %q: household: %w: %w", c.ID, customer.ErrInvalid, err)
	}
	consentsText, err := jsonText(consents)
	if err != nil {
		return nil, fmt.Errorf("pgstore: customer %q: consent history: %w: %w", c.ID, customer.ErrInvalid, err)
	}
	joined, joinedNS := nullInstant(c.Joined)
	var (
		turnover, turnoverCur, outlets, rating, coop, coopNS, market, marketCur any
	)
	if t := c.Trade; t != nil {
		turnover, turnoverCur = dec(t.AnnualTurnover.Amount()), string(t.AnnualTurnover.Currency())
		market, marketCur = dec(t.MarketSize.Amount()), string(t.MarketSize.Currency())
		outlets, rating = int64(t.Outlets), int16(t.Rating)
		var ns int16
		coop, ns = nullInstant(t.CooperationStart)
		coopNS = ns
	}
	return []any{string(c.ID), int16(c.Kind), int16(c.Role), c.Name, string(c.Contact.Email), string(c.Contact.Phone), c.Contact.Address,
		int64(c.Birthday.Year), int64(c.Birthday.Month), int64(c.Birthday.Day), c.Region, joined, joinedNS,
		c.Consent.Marketing, c.Consent.Profiling,
		c.Profile.TopSize, c.Profile.BottomSize, c.Profile.ShoeSize, int64(c.Profile.HeightCM), int16(c.Profile.Fit),
		nonNil(c.Profile.Styles), nonNil(c.Profile.Colours), nonNil(c.Profile.Categories),
		c.Trade != nil, turnover, turnoverCur, outlets, rating, coop, coopNS, market, marketCur, household, consentsText}, nil
}

// jsonText returns v encoded as JSON, as text: the argument of a JSONB
// column in every query mode of pgx.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// upsertSQL is the statement that stores a customer, with the arguments
// of customerArgs: an insert, or an update of every column of the row
// with the same ID.
func (s *CustomerStore) upsertSQL() string {
	return s.valuesSQL() + ` ON CONFLICT (id) DO UPDATE SET ` + customerUpdates
}

// valuesSQL is the INSERT of the arguments of customerArgs.
func (s *CustomerStore) valuesSQL() string {
	return `INSERT INTO ` + s.db.t.customers + ` (` + customerInsertColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
			$17, $18, $19, $20, $21, $22, $23, $24, $25::pg_catalog.numeric, $26, $27, $28, $29, $30, $31::pg_catalog.numeric, $32, $33, $34)`
}

// Update implements [customer.Updater]: in one transaction, SELECT ...
// FOR UPDATE locks the customer's row, change runs once on the customer
// read, and the row is written back. A Put, Delete or Update of the
// customer on any connection to the database waits for the row until the
// transaction ends, and this one waits for theirs, or until ctx is done.
// change runs while the row is locked: it must not write the customer
// through the store, which would wait for this Update. A customer that
// change made unfit for PostgreSQL is refused as by Put.
func (s *CustomerStore) Update(ctx context.Context, id customer.ID, change func(*customer.Customer) error) error {
	if err := ctxErr(ctx, fmt.Sprintf("update customer %q", id)); err != nil {
		return err
	}
	if !storable(string(id)) {
		return fmt.Errorf("pgstore: update customer %q: %w", id, customer.ErrNotFound)
	}
	// refused is the error of change, or of the changed customer, which
	// Update returns as it is.
	var refused error
	err := s.db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		c, err := scanCustomer(tx.QueryRow(ctx, `SELECT `+customerColumns+` FROM `+s.db.t.customers+` WHERE id = $1 FOR UPDATE`, string(id)))
		if errors.Is(err, pgx.ErrNoRows) {
			refused = fmt.Errorf("pgstore: update customer %q: %w", id, customer.ErrNotFound)
			return refused
		}
		if err != nil {
			return err
		}
		if err := change(&c); err != nil {
			refused = err
			return err
		}
		if c.ID != id {
			refused = customer.IDChanged(id, c.ID)
			return refused
		}
		args, err := customerArgs(c)
		if err != nil {
			refused = err
			return err
		}
		_, err = tx.Exec(ctx, s.upsertSQL(), args...)
		return err
	})
	switch {
	case err == nil:
		return nil
	case refused != nil && err == refused:
		return refused
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return fmt.Errorf("pgstore: update customer %q: %w: %w", id, ctx.Err(), classify(err))
	}
	return keyFault(fmt.Errorf("pgstore: update customer %q: %w", id, classify(err)), fmt.Sprintf("customer %q", id), key{"id", string(id)})
}

const customerInsertColumns = `id, kind, role, name, email, phone, address,
	birth_year, birth_month, birth_day, region, joined, joined_ns,
	consent_marketing, consent_profiling,
	top_size, bottom_size, shoe_size, height_cm, fit, styles, colours, categories,
	has_trade, annual_turnover, annual_turnover_currency, outlets, rating,
	cooperation_start, cooperation_start_ns, market_size, market_size_currency, household, consent_history`

// customerUpdates is the SET list of Put's upsert: every column but id
// takes the new value.
var customerUpdates = func() string {
	var b strings.Builder
	for i, col := range strings.Split(customerInsertColumns, ",")[1:] {
		col = strings.TrimSpace(col)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(col + " = EXCLUDED." + col)
	}
	return b.String()
}()

// Delete implements [customer.Directory] in one statement ([DB.write]:
// atomic, and nothing deleted when it fails); the customer's orders,
// returns, credits and interactions go with it (ON DELETE CASCADE), and
// their IDs may be used again.
func (s *CustomerStore) Delete(ctx context.Context, id customer.ID) error {
	if err := ctxErr(ctx, fmt.Sprintf("delete customer %q", id)); err != nil {
		return err
	}
	if !storable(string(id)) {
		return fmt.Errorf("pgstore: delete customer %q: %w", id, customer.ErrNotFound)
	}
	var deleted int64
	err := s.db.write(ctx, func(rows pgx.Rows) error {
		rows.Close()
		deleted = rows.CommandTag().RowsAffected()
		return rows.Err()
	}, `DELETE FROM `+s.db.t.customers+` WHERE id = $1`, string(id))
	if err != nil {
		return fmt.Errorf("pgstore: delete customer %q: %w", id, err)
	}
	if deleted == 0 {
		return fmt.Errorf("pgstore: delete customer %q: %w", id, customer.ErrNotFound)
	}
	return nil
}
