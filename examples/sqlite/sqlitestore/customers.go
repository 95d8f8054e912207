package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Customers is the customer directory and history store of a [DB]:
// a [customer.Directory], [customer.HistoryStore],
// [customer.BatchGetter], [customer.Updater], [customer.Inserter],
// [customer.CheckedAppender] and [customer.InteractionEraser]. Make it
// with [DB.Customers].
type Customers struct{ db *DB }

var (
	_ customer.Directory    = (*Customers)(nil)
	_ customer.HistoryStore = (*Customers)(nil)
	_ customer.BatchGetter  = (*Customers)(nil)
	_ customer.Updater      = (*Customers)(nil)

	_ customer.CheckedAppender = (*Customers)(nil)
	_ customer.Inserter        = (*Customers)(nil)

	_ customer.InteractionEraser = (*Customers)(nil)
)

// listPage is the number of customers List reads per query.
const listPage = 256

// customerDoc is the document of a customer: everything but the ID.
type customerDoc struct {
	Kind     customer.Kind    `json:"kind,omitzero"`
	Role     customer.Role    `json:"role,omitzero"`
	Name     string           `json:"name,omitempty"`
	Email    string           `json:"email,omitempty"`
	Phone    string           `json:"phone,omitempty"`
	Address  string           `json:"address,omitempty"`
	Birthday birthdayDoc      `json:"birthday,omitzero"`
	Region   string           `json:"region,omitempty"`
	Joined   time.Time        `json:"joined,omitzero"`
	Consent  customer.Consent `json:"consent"`
	Profile  profileDoc       `json:"profile,omitzero"`
	Trade    *tradeDoc        `json:"trade,omitempty"`
	// Household is left out when empty, so documents written before
	// customers had households read back with none.
	Household []memberDoc `json:"household,omitempty"`
	// ConsentHistory is left out when empty, so documents written before
	// customers had a consent history read back with none.
	ConsentHistory []consentDoc `json:"consent_history,omitempty"`
}

// consentDoc is a change of a customer's consent history: purpose and
// source by name, the instant in UTC.
type consentDoc struct {
	Purpose customer.Purpose       `json:"purpose,omitzero"`
	Given   bool                   `json:"given,omitempty"`
	Time    time.Time              `json:"time,omitzero"`
	Source  customer.ConsentSource `json:"source,omitzero"`
	Notice  string                 `json:"notice,omitempty"`
}

// memberDoc is a member of a customer's household.
type memberDoc struct {
	ID       string            `json:"id"`
	Relation customer.Relation `json:"relation,omitzero"`
	Name     string            `json:"name,omitempty"`
	Birthday birthdayDoc       `json:"birthday,omitzero"`
	Profile  profileDoc        `json:"profile,omitzero"`
}

type birthdayDoc struct {
	Year  int        `json:"year,omitempty"`
	Month time.Month `json:"month,omitempty"`
	Day   int        `json:"day,omitempty"`
}

type profileDoc struct {
	TopSize    string       `json:"top_size,omitempty"`
	BottomSize string       `json:"bottom_size,omitempty"`
	ShoeSize   string       `json:"shoe_size,omitempty"`
	HeightCM   int          `json:"height_cm,omitempty"`
	Fit        customer.Fit `json:"fit,omitempty"`
	Styles     []string     `json:"styles,omitempty"`
	Colours    []string     `json:"colours,omitempty"`
	Categories []string     `json:"categories,omitempty"`
}

func docOfProfile(p customer.Profile) profileDoc {
	return profileDoc{p.TopSize, p.BottomSize, p.ShoeSize, p.HeightCM, p.Fit, p.Styles, p.Colours, p.Categories}
}

func (d profileDoc) profile() customer.Profile {
	return customer.Profile{TopSize: d.TopSize, BottomSize: d.BottomSize, ShoeSize: d.ShoeSize,
		HeightCM: d.HeightCM, Fit: d.Fit, Styles: d.Styles, Colours: d.Colours, Categories: d.Categories}
}

type tradeDoc struct {
	AnnualTurnover   moneyDoc              `json:"annual_turnover,omitzero"`
	Outlets          int                   `json:"outlets,omitempty"`
	Rating           customer.CreditRating `json:"rating,omitempty"`
	CooperationStart time.Time             `json:"cooperation_start,omitzero"`
	MarketSize       moneyDoc              `json:"market_size,omitzero"`
}

// encodeCustomer returns the kind column and the document of c, or a
// validation error naming the fields SQLite cannot hold.
func encodeCustomer(c customer.Customer) (kind string, doc []byte, err error) {
	var f fields
	kind, kerr := enumName(c.Kind)
	f.enum("kind", uint8(c.Kind), kerr)
	_, rerr := enumName(c.Role)
	f.enum("role", uint8(c.Role), rerr)
	f.time("joined", c.Joined)
	p := c.Profile
	d := customerDoc{
		Kind: c.Kind, Role: c.Role, Name: c.Name,
		Email: string(c.Contact.Email), Phone: string(c.Contact.Phone), Address: c.Contact.Address,
		Birthday: birthdayDoc{c.Birthday.Year, c.Birthday.Month, c.Birthday.Day},
		Region:   c.Region, Joined: utc(c.Joined), Consent: c.Consent,
		Profile: docOfProfile(p),
	}
	for i, m := range c.Household {
		_, rerr := enumName(m.Relation)
		f.enum(fmt.Sprintf("household[%d].relation", i), uint8(m.Relation), rerr)
		_, ferr := enumName(m.Profile.Fit)
		f.enum(fmt.Sprintf("household[%d].profile.fit", i), uint8(m.Profile.Fit), ferr)
		d.Household = append(d.Household, memberDoc{ID: m.ID, Relation: m.Relation, Name: m.Name,
			Birthday: birthdayDoc{m.Birthday.Year, m.Birthday.Month, m.Birthday.Day}, Profile: docOfProfile(m.Profile)})
	}
	for i, ch := range c.ConsentHistory {
		_, perr := enumName(ch.Purpose)
		f.enum(fmt.Sprintf("consent_history[%d].purpose", i), uint8(ch.Purpose), perr)
		_, serr := enumName(ch.Source)
		f.enum(fmt.Sprintf("consent_history[%d].source", i), uint8(ch.Source), serr)
		f.time(fmt.Sprintf("consent_history[%d].time", i), ch.Time)
		d.ConsentHistory = append(d.ConsentHistory, consentDoc{Purpose: ch.Purpose, Given: ch.Given,
			Time: utc(ch.Time), Source: ch.Source, Notice: ch.Notice})
	}
	if t := c.Trade; t != nil {
		turnover, err := docOfMoney(t.AnnualTurnover)
		if err != nil {
			f.add("trade.annual_turnover", customer.CodeMismatch, err.Error())
		}
		market, err := docOfMoney(t.MarketSize)
		if err != nil {
			f.add("trade.market_size", customer.CodeMismatch, err.Error())
		}
		f.time("trade.cooperation_start", t.CooperationStart)
		d.Trade = &tradeDoc{turnover, t.Outlets, t.Rating, utc(t.CooperationStart), market}
	}
	f.text(d)
	if err := f.err(fmt.Sprintf("customer %q", c.ID)); err != nil {
		return "", nil, err
	}
	doc, err = json.Marshal(d)
	if err != nil {
		return "", nil, invalid(fmt.Sprintf("customer %q", c.ID), "", customer.CodeFormat, err.Error())
	}
	return kind, doc, nil
}

func decodeCustomer(id string, doc []byte) (customer.Customer, error) {
	var d customerDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return customer.Customer{}, fmt.Errorf("customer %q: stored document: %w", id, err)
	}
	c := customer.Customer{
		ID: customer.ID(id), Kind: d.Kind, Role: d.Role, Name: d.Name,
		Contact:  customer.Contact{Email: customer.Email(d.Email), Phone: customer.Phone(d.Phone), Address: d.Address},
		Birthday: customer.Birthday{Year: d.Birthday.Year, Month: d.Birthday.Month, Day: d.Birthday.Day},
		Region:   d.Region, Joined: d.Joined, Consent: d.Consent,
		Profile: d.Profile.profile(),
	}
	if len(d.Household) > 0 {
		c.Household = make([]customer.Member, len(d.Household))
		for i, m := range d.Household {
			c.Household[i] = customer.Member{ID: m.ID, Relation: m.Relation, Name: m.Name,
				Birthday: customer.Birthday{Year: m.Birthday.Year, Month: m.Birthday.Month, Day: m.Birthday.Day},
				Profile:  m.Profile.profile()}
		}
	}
	if len(d.ConsentHistory) > 0 {
		c.ConsentHistory = make([]customer.ConsentChange, len(d.ConsentHistory))
		for i, ch := range d.ConsentHistory {
			c.ConsentHistory[i] = customer.ConsentChange{Purpose: ch.Purpose, Given: ch.Given, Time: ch.Time,
				Source: ch.Source, Notice: ch.Notice}
		}
	}
	if t := d.Trade; t != nil {
		turnover, err := t.AnnualTurnover.money()
		if err != nil {
			return customer.Customer{}, fmt.Errorf("customer %q: stored annual turnover: %w", id, err)
		}
		market, err := t.MarketSize.money()
		if err != nil {
			return customer.Customer{}, fmt.Errorf("customer %q: stored market size: %w", id, err)
		}
		c.Trade = &customer.Trade{AnnualTurnover: turnover, Outlets: t.Outlets, Rating: t.Rating,
			CooperationStart: t.CooperationStart, MarketSize: market}
	}
	return c, nil
}

func notFound(format string, args ...any) error {
	return refuse(fmt.Errorf("sqlitestore: "+format+": %w", append(args, customer.ErrNotFound)...))
}

// Get implements [customer.Getter].
func (s *Customers) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	var c customer.Customer
	err := s.db.read(ctx, fmt.Sprintf("get customer %q", id), func(tx *sql.Tx) error {
		var doc []byte
		err := tx.QueryRowContext(ctx, `SELECT doc FROM customers WHERE id = ?`, string(id)).Scan(&doc)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("customer %q", id)
		}
		if err != nil {
			return err
		}
		c, err = decodeCustomer(string(id), doc)
		return err
	})
	return c, err
}

// GetMany implements [customer.BatchGetter]: one read transaction for
// all ids.
func (s *Customers) GetMany(ctx context.Context, ids []customer.ID) ([]customer.Customer, error) {
	out := make([]customer.Customer, 0, len(ids))
	err := s.db.read(ctx, "get customers", func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `SELECT doc FROM customers WHERE id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			var doc []byte
			err := stmt.QueryRowContext(ctx, string(id)).Scan(&doc)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("customer %q", id)
			}
			if err != nil {
				return err
			}
			c, err := decodeCustomer(string(id), doc)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// List implements [customer.Lister]. It reads 256 customers per query,
// each page in its own read transaction, so a long listing holds no
// snapshot open and the consumer may write to the store while it lists.
func (s *Customers) List(ctx context.Context) iter.Seq2[customer.Customer, error] {
	return func(yield func(customer.Customer, error) bool) {
		after, first := "", true
		for {
			var page []customer.Customer
			err := s.db.read(ctx, "list customers", func(tx *sql.Tx) error {
				q, args := `SELECT id, doc FROM customers ORDER BY id LIMIT ?`, []any{listPage}
				if !first {
					q, args = `SELECT id, doc FROM customers WHERE id > ? ORDER BY id LIMIT ?`, []any{after, listPage}
				}
				rows, err := tx.QueryContext(ctx, q, args...)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var id string
					var doc []byte
					if err := rows.Scan(&id, &doc); err != nil {
						return err
					}
					c, err := decodeCustomer(id, doc)
					if err != nil {
						return err
					}
					page = append(page, c)
				}
				return rows.Err()
			})
			if err != nil {
				yield(customer.Customer{}, err)
				return
			}
			for _, c := range page {
				if !yield(c, nil) {
					return
				}
			}
			if len(page) < listPage {
				return
			}
			after, first = string(page[len(page)-1].ID), false
		}
	}
}

// Put implements [customer.Directory]. Replacing a customer keeps its
// history.
func (s *Customers) Put(ctx context.Context, c customer.Customer) error {
	if err := s.db.start(ctx, fmt.Sprintf("put customer %q", c.ID)); err != nil {
		return err
	}
	if c.ID == "" {
		return invalid(`customer ""`, "id", customer.CodeRequired, "is empty")
	}
	kind, doc, err := encodeCustomer(c)
	if err != nil {
		return err
	}
	return s.db.write(ctx, fmt.Sprintf("put customer %q", c.ID), func(tx *sql.Tx) error {
		return putRow(ctx, tx, c.ID, kind, c.Region, doc)
	})
}

// Insert implements [customer.Inserter]: the look-up and the insert are
// one write transaction (BEGIN IMMEDIATE), so of two connections — of
// this process or another on the same file — inserting one ID, one
// stores its customer and the other finds it. A stored customer is
// compared with c as both read back from the database.
func (s *Customers) Insert(ctx context.Context, c customer.Customer) error {
	if err := s.db.start(ctx, fmt.Sprintf("insert customer %q", c.ID)); err != nil {
		return err
	}
	if c.ID == "" {
		return invalid(`customer ""`, "id", customer.CodeRequired, "is empty")
	}
	kind, doc, err := encodeCustomer(c)
	if err != nil {
		return err
	}
	return s.db.write(ctx, fmt.Sprintf("insert customer %q", c.ID), func(tx *sql.Tx) error {
		var prev []byte
		err := tx.QueryRowContext(ctx, `SELECT doc FROM customers WHERE id = ?`, string(c.ID)).Scan(&prev)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return putRow(ctx, tx, c.ID, kind, c.Region, doc)
		case err != nil:
			return err
		}
		stored, err := decodeCustomer(string(c.ID), prev)
		if err != nil {
			return err
		}
		given, err := decodeCustomer(string(c.ID), doc)
		if err != nil {
			return err
		}
		if !stored.Equal(given) {
			return refuse(customer.CustomerTaken(c.ID))
		}
		return nil
	})
}

// putRow stores the row of customer id, encoded by encodeCustomer.
func putRow(ctx context.Context, tx *sql.Tx, id customer.ID, kind, region string, doc []byte) error {
	// An upsert, not INSERT OR REPLACE: replacing would delete the row
	// and, through the foreign keys, the customer's history.
	_, err := tx.ExecContext(ctx, `INSERT INTO customers (id, kind, region, doc) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, region = excluded.region, doc = excluded.doc`,
		string(id), kind, region, doc)
	return err
}

// Update implements [customer.Updater]: the read, change and write are
// one write transaction (BEGIN IMMEDIATE), which holds the database's
// write lock, so no other writer — of this process or another on the
// same file — comes in between. change runs once, inside the
// transaction; it must not write to the store, which would wait for the
// one writing connection this Update holds. A customer that change made
// unfit for SQLite is refused as by Put.
func (s *Customers) Update(ctx context.Context, id customer.ID, change func(*customer.Customer) error) error {
	return s.db.write(ctx, fmt.Sprintf("update customer %q", id), func(tx *sql.Tx) error {
		var doc []byte
		err := tx.QueryRowContext(ctx, `SELECT doc FROM customers WHERE id = ?`, string(id)).Scan(&doc)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("update customer %q", id)
		}
		if err != nil {
			return err
		}
		c, err := decodeCustomer(string(id), doc)
		if err != nil {
			return err
		}
		if err := change(&c); err != nil {
			return refuse(err)
		}
		if c.ID != id {
			return refuse(customer.IDChanged(id, c.ID))
		}
		kind, doc, err := encodeCustomer(c)
		if err != nil {
			return refuse(err)
		}
		return putRow(ctx, tx, id, kind, c.Region, doc)
	})
}

// Delete implements [customer.Directory]; it deletes the customer's
// history too.
func (s *Customers) Delete(ctx context.Context, id customer.ID) error {
	return s.db.write(ctx, fmt.Sprintf("delete customer %q", id), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ?`, string(id))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("delete customer %q", id)
		}
		return nil
	})
}

// orderDoc is the document of an order: all but its ID, customer, time
// and currency, which are columns.
type orderDoc struct {
	Channel customer.Channel `json:"channel,omitzero"`
	Store   string           `json:"store,omitempty"`
	Lines   []lineDoc        `json:"lines,omitempty"`
}

type lineDoc struct {
	ID        string `json:"id"`
	SKU       string `json:"sku,omitempty"`
	Category  string `json:"category,omitempty"`
	Season    string `json:"season,omitempty"`
	Size      string `json:"size,omitempty"`
	Colour    string `json:"colour,omitempty"`
	Quantity  int    `json:"quantity"`
	UnitPrice dec    `json:"unit_price"`
	UnitCost  *dec   `json:"unit_cost,omitempty"`
	Discount  dec    `json:"discount,omitzero"`
	// Member is left out when empty (the customer themself), as in
	// documents written before lines named members.
	Member string `json:"member,omitempty"`
}

func encodeOrder(o customer.Order) (at string, doc []byte, err error) {
	var f fields
	_, cerr := enumName(o.Channel)
	f.enum("channel", uint8(o.Channel), cerr)
	at = f.time("time", o.Time)
	d := orderDoc{Channel: o.Channel, Store: o.Store, Lines: make([]lineDoc, len(o.Lines))}
	for i, l := range o.Lines {
		d.Lines[i] = lineDoc{ID: l.ID, SKU: l.SKU, Category: l.Category, Season: l.Season, Size: l.Size,
			Colour: l.Colour, Quantity: l.Quantity, UnitPrice: dec{l.UnitPrice}, Discount: dec{l.Discount}, Member: l.Member}
		if l.UnitCost.Valid {
			d.Lines[i].UnitCost = &dec{l.UnitCost.Decimal}
		}
	}
	f.text(d)
	record := fmt.Sprintf("order %q", o.ID)
	if err := f.err(record); err != nil {
		return "", nil, err
	}
	if doc, err = json.Marshal(d); err != nil {
		return "", nil, invalid(record, "", customer.CodeFormat, err.Error())
	}
	return at, doc, nil
}

func decodeOrder(id, cust, at, currency string, doc []byte) (customer.Order, error) {
	t, err := parseTime(at)
	if err != nil {
		return customer.Order{}, fmt.Errorf("order %q: %w", id, err)
	}
	var d orderDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return customer.Order{}, fmt.Errorf("order %q: stored document: %w", id, err)
	}
	o := customer.Order{ID: id, CustomerID: customer.ID(cust), Time: t, Channel: d.Channel, Store: d.Store,
		Currency: customer.Currency(currency)}
	if len(d.Lines) > 0 {
		o.Lines = make([]customer.Line, len(d.Lines))
	}
	for i, l := range d.Lines {
		o.Lines[i] = customer.Line{ID: l.ID, SKU: l.SKU, Category: l.Category, Season: l.Season, Size: l.Size,
			Colour: l.Colour, Quantity: l.Quantity, UnitPrice: l.UnitPrice.Decimal, Discount: l.Discount.Decimal, Member: l.Member}
		if l.UnitCost != nil {
			o.Lines[i].UnitCost.Decimal, o.Lines[i].UnitCost.Valid = l.UnitCost.Decimal, true
		}
	}
	return o, nil
}

// returnDoc is the document of a return: all but its ID, order,
// customer and time. Refund is absent when unset, as in documents
// written before returns had one, and "0" when set to zero.
type returnDoc struct {
	Kind   customer.ReturnKind   `json:"kind,omitzero"`
	Reason customer.ReturnReason `json:"reason,omitzero"`
	Lines  []returnLineDoc       `json:"lines,omitempty"`
	Refund *dec                  `json:"refund,omitempty"`
}

type returnLineDoc struct {
	LineID   string `json:"line_id"`
	Quantity int    `json:"quantity"`
}

func encodeReturn(r customer.Return) (at string, doc []byte, err error) {
	var f fields
	_, kerr := enumName(r.Kind)
	f.enum("kind", uint8(r.Kind), kerr)
	_, rerr := enumName(r.Reason)
	f.enum("reason", uint8(r.Reason), rerr)
	at = f.time("time", r.Time)
	d := returnDoc{Kind: r.Kind, Reason: r.Reason, Lines: make([]returnLineDoc, len(r.Lines))}
	for i, l := range r.Lines {
		d.Lines[i] = returnLineDoc{l.LineID, l.Quantity}
	}
	if r.Refund.Valid {
		d.Refund = &dec{r.Refund.Decimal}
	}
	f.text(d)
	record := fmt.Sprintf("return %q", r.ID)
	if err := f.err(record); err != nil {
		return "", nil, err
	}
	if doc, err = json.Marshal(d); err != nil {
		return "", nil, invalid(record, "", customer.CodeFormat, err.Error())
	}
	return at, doc, nil
}

func decodeReturn(id, order, cust, at string, doc []byte) (customer.Return, error) {
	t, err := parseTime(at)
	if err != nil {
		return customer.Return{}, fmt.Errorf("return %q: %w", id, err)
	}
	var d returnDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return customer.Return{}, fmt.Errorf("return %q: stored document: %w", id, err)
	}
	r := customer.Return{ID: id, OrderID: order, CustomerID: customer.ID(cust), Time: t, Kind: d.Kind, Reason: d.Reason}
	if len(d.Lines) > 0 {
		r.Lines = make([]customer.ReturnLine, len(d.Lines))
	}
	for i, l := range d.Lines {
		r.Lines[i] = customer.ReturnLine{LineID: l.LineID, Quantity: l.Quantity}
	}
	if d.Refund != nil {
		r.Refund = decimal.NewNullDecimal(d.Refund.Decimal)
	}
	return r, nil
}

// creditRow is the column form of a credit, but for its ID, customer and
// source, which are kept as given.
type creditRow struct {
	order    sql.NullString // NULL for a credit for no order
	at       string
	kind     string
	amount   string // exact decimal text, with its scale
	currency string
}

func encodeCredit(c customer.Credit) (creditRow, error) {
	var f fields
	kind, kerr := enumName(c.Kind)
	f.enum("kind", uint8(c.Kind), kerr)
	at := f.time("time", c.Time)
	if _, err := docOfMoney(c.Amount); err != nil {
		f.add("amount", customer.CodeMismatch, err.Error())
	}
	if err := f.err(fmt.Sprintf("credit %q", c.ID)); err != nil {
		return creditRow{}, err
	}
	return creditRow{
		order: sql.NullString{String: c.OrderID, Valid: c.OrderID != ""},
		at:    at, kind: kind,
		amount: decText(c.Amount.Amount()), currency: string(c.Amount.Currency()),
	}, nil
}

func decodeCredit(id, cust, source string, r creditRow) (customer.Credit, error) {
	t, err := parseTime(r.at)
	if err != nil {
		return customer.Credit{}, fmt.Errorf("credit %q: %w", id, err)
	}
	k, err := parseEnum[customer.CreditKind](r.kind)
	if err != nil {
		return customer.Credit{}, fmt.Errorf("credit %q: stored kind: %w", id, err)
	}
	a, err := decimal.NewFromString(r.amount)
	if err != nil {
		return customer.Credit{}, fmt.Errorf("credit %q: stored amount: %w", id, err)
	}
	m, err := moneyDoc{Amount: dec{a}, Currency: customer.Currency(r.currency)}.money()
	if err != nil {
		return customer.Credit{}, fmt.Errorf("credit %q: stored amount: %w", id, err)
	}
	return customer.Credit{ID: id, CustomerID: customer.ID(cust), OrderID: r.order.String, Time: t, Kind: k,
		Amount: m, Source: source}, nil
}

// customerExists reports whether id is a stored customer.
func customerExists(ctx context.Context, tx *sql.Tx, id customer.ID) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM customers WHERE id = ?`, string(id)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// AppendOrder implements [customer.HistoryWriter]. An order under a
// stored ID is compared with the stored one ([customer.Order.Conflict]):
// a redelivery is nil, anything else a [*customer.DuplicateError] naming
// the first field that differs.
func (s *Customers) AppendOrder(ctx context.Context, o customer.Order) error {
	if err := s.db.start(ctx, fmt.Sprintf("append order %q", o.ID)); err != nil {
		return err
	}
	step, err := prepareOrder(o)
	if err != nil {
		return err
	}
	return s.db.write(ctx, fmt.Sprintf("append order %q", o.ID), func(tx *sql.Tx) error { return step(ctx, tx) })
}

// prepareOrder checks and encodes o for its append, which the returned step
// makes in a write transaction.
func prepareOrder(o customer.Order) (appendStep, error) {
	if o.ID == "" {
		return nil, invalid(`order ""`, "id", customer.CodeRequired, "is empty")
	}
	at, doc, err := encodeOrder(o)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *sql.Tx) error {
		if ok, err := customerExists(ctx, tx, o.CustomerID); err != nil {
			return err
		} else if !ok {
			return notFound("order %q: customer %q", o.ID, o.CustomerID)
		}
		var cust, pat, cur string
		var pdoc []byte
		err := tx.QueryRowContext(ctx, `SELECT customer_id, at, currency, doc FROM orders WHERE id = ?`, o.ID).
			Scan(&cust, &pat, &cur, &pdoc)
		switch {
		case err == nil:
			prev, err := decodeOrder(o.ID, cust, pat, cur, pdoc)
			if err != nil {
				return err
			}
			if err := prev.Conflict(o); err != nil {
				return refuse(fmt.Errorf("sqlitestore: %w", err))
			}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id, at, currency, doc) VALUES (?, ?, ?, ?, ?)`,
			o.ID, string(o.CustomerID), at, string(o.Currency), doc)
		return err
	}, nil
}

// AppendReturn implements [customer.HistoryWriter]; a return under a
// stored ID is compared as orders are ([customer.Return.Conflict]).
func (s *Customers) AppendReturn(ctx context.Context, r customer.Return) error {
	if err := s.db.start(ctx, fmt.Sprintf("append return %q", r.ID)); err != nil {
		return err
	}
	step, err := prepareReturn(r)
	if err != nil {
		return err
	}
	return s.db.write(ctx, fmt.Sprintf("append return %q", r.ID), func(tx *sql.Tx) error { return step(ctx, tx) })
}

// prepareReturn checks and encodes r for its append, which the returned step
// makes in a write transaction.
func prepareReturn(r customer.Return) (appendStep, error) {
	if r.ID == "" {
		return nil, invalid(`return ""`, "id", customer.CodeRequired, "is empty")
	}
	at, doc, err := encodeReturn(r)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *sql.Tx) error {
		if ok, err := customerExists(ctx, tx, r.CustomerID); err != nil {
			return err
		} else if !ok {
			return notFound("return %q: customer %q", r.ID, r.CustomerID)
		}
		var order, cust, pat string
		var pdoc []byte
		err := tx.QueryRowContext(ctx, `SELECT order_id, customer_id, at, doc FROM returns WHERE id = ?`, r.ID).
			Scan(&order, &cust, &pat, &pdoc)
		switch {
		case err == nil:
			prev, err := decodeReturn(r.ID, order, cust, pat, pdoc)
			if err != nil {
				return err
			}
			if err := prev.Conflict(r); err != nil {
				return refuse(fmt.Errorf("sqlitestore: %w", err))
			}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM orders WHERE id = ? AND customer_id = ?`,
			r.OrderID, string(r.CustomerID)).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("return %q: order %q of customer %q", r.ID, r.OrderID, r.CustomerID)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO returns (id, order_id, customer_id, at, doc) VALUES (?, ?, ?, ?, ?)`,
			r.ID, r.OrderID, string(r.CustomerID), at, doc)
		return err
	}, nil
}

// AppendCredit implements [customer.HistoryWriter]; a credit under a
// stored ID is compared as orders are ([customer.Credit.Conflict]). A
// credit with an order ID must be for an order of its customer.
func (s *Customers) AppendCredit(ctx context.Context, c customer.Credit) error {
	if err := s.db.start(ctx, fmt.Sprintf("append credit %q", c.ID)); err != nil {
		return err
	}
	step, err := prepareCredit(c)
	if err != nil {
		return err
	}
	return s.db.write(ctx, fmt.Sprintf("append credit %q", c.ID), func(tx *sql.Tx) error { return step(ctx, tx) })
}

// prepareCredit checks and encodes c for its append, which the returned step
// makes in a write transaction.
func prepareCredit(c customer.Credit) (appendStep, error) {
	if c.ID == "" {
		return nil, invalid(`credit ""`, "id", customer.CodeRequired, "is empty")
	}
	row, err := encodeCredit(c)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *sql.Tx) error {
		if ok, err := customerExists(ctx, tx, c.CustomerID); err != nil {
			return err
		} else if !ok {
			return notFound("credit %q: customer %q", c.ID, c.CustomerID)
		}
		var cust, source string
		var p creditRow
		err := tx.QueryRowContext(ctx, `SELECT customer_id, order_id, at, kind, amount, currency, source FROM credits WHERE id = ?`, c.ID).
			Scan(&cust, &p.order, &p.at, &p.kind, &p.amount, &p.currency, &source)
		switch {
		case err == nil:
			prev, err := decodeCredit(c.ID, cust, source, p)
			if err != nil {
				return err
			}
			if err := prev.Conflict(c); err != nil {
				return refuse(fmt.Errorf("sqlitestore: %w", err))
			}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if c.OrderID != "" {
			var one int
			err = tx.QueryRowContext(ctx, `SELECT 1 FROM orders WHERE id = ? AND customer_id = ?`,
				c.OrderID, string(c.CustomerID)).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("credit %q: order %q of customer %q", c.ID, c.OrderID, c.CustomerID)
			}
			if err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO credits (id, customer_id, order_id, at, kind, amount, currency, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, string(c.CustomerID), row.order, row.at, row.kind, row.amount, row.currency, c.Source)
		return err
	}, nil
}

// AppendInteraction implements [customer.HistoryWriter]. The primary key
// (customer, time, kind, subject) makes an equal interaction a no-op.
func (s *Customers) AppendInteraction(ctx context.Context, i customer.Interaction) error {
	if err := s.db.start(ctx, fmt.Sprintf("append interaction of customer %q", i.CustomerID)); err != nil {
		return err
	}
	step, err := prepareInteraction(i)
	if err != nil {
		return err
	}
	return s.db.write(ctx, fmt.Sprintf("append interaction of customer %q", i.CustomerID), func(tx *sql.Tx) error { return step(ctx, tx) })
}

// prepareInteraction checks and encodes i for its append, which the returned step
// makes in a write transaction.
func prepareInteraction(i customer.Interaction) (appendStep, error) {
	var f fields
	kind, kerr := enumName(i.Kind)
	f.enum("kind", uint8(i.Kind), kerr)
	at := f.time("time", i.Time)
	if err := f.err(fmt.Sprintf("interaction of customer %q", i.CustomerID)); err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *sql.Tx) error {
		if ok, err := customerExists(ctx, tx, i.CustomerID); err != nil {
			return err
		} else if !ok {
			return notFound("interaction: customer %q", i.CustomerID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO interactions (customer_id, at, kind, subject) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, string(i.CustomerID), at, kind, i.Subject)
		return err
	}, nil
}

// EraseInteractions implements [customer.InteractionEraser] in one write
// transaction (BEGIN IMMEDIATE), which holds the database's write lock:
// an append of this process or another on the same file commits before
// it, and its interaction is deleted and counted, or after it, and is
// kept. Deleted rows free their primary key, so an interaction
// delivered again is stored again.
func (s *Customers) EraseInteractions(ctx context.Context, id customer.ID) (int, error) {
	var n int64
	err := s.db.write(ctx, fmt.Sprintf("erase interactions of customer %q", id), func(tx *sql.Tx) error {
		if ok, err := customerExists(ctx, tx, id); err != nil {
			return err
		} else if !ok {
			return notFound("erase interactions: customer %q", id)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM interactions WHERE customer_id = ?`, string(id))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// appendStep is the append of one record in a write transaction.
type appendStep func(ctx context.Context, tx *sql.Tx) error

// AppendChecked implements [customer.CheckedAppender]: the history is
// read, checked and appended to in one write transaction (BEGIN
// IMMEDIATE), which holds the database's write lock, so no other writer
// — of this process or another on the same file — comes in between.
// check runs once, inside the transaction; it must not write to the
// store, which would wait for the one writing connection this call
// holds.
func (s *Customers) AppendChecked(ctx context.Context, e customer.Event, check func([]customer.Event) error) error {
	op := "append " + e.Record()
	if err := s.db.start(ctx, op); err != nil {
		return err
	}
	var step appendStep
	var err error
	switch {
	case e.Order != nil && e.Return == nil && e.Credit == nil && e.Interaction == nil:
		step, err = prepareOrder(*e.Order)
	case e.Return != nil && e.Order == nil && e.Credit == nil && e.Interaction == nil:
		step, err = prepareReturn(*e.Return)
	case e.Credit != nil && e.Order == nil && e.Return == nil && e.Interaction == nil:
		step, err = prepareCredit(*e.Credit)
	case e.Interaction != nil && e.Order == nil && e.Return == nil && e.Credit == nil:
		step, err = prepareInteraction(*e.Interaction)
	default:
		return fmt.Errorf("sqlitestore: append: an event holds no record or more than one: %w", customer.ErrInvalid)
	}
	if err != nil {
		return err
	}
	id := e.CustomerID()
	return s.db.write(ctx, op, func(tx *sql.Tx) error {
		evs, err := historyIn(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(evs); err != nil {
			return refuse(err)
		}
		return step(ctx, tx)
	})
}

// History implements [customer.HistoryReader]. It reads the whole
// history in one read transaction, then yields it in the order of
// [customer.CompareEvents].
func (s *Customers) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		evs, err := s.history(ctx, id)
		if err != nil {
			yield(customer.Event{}, err)
			return
		}
		for _, e := range evs {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (s *Customers) history(ctx context.Context, id customer.ID) ([]customer.Event, error) {
	var evs []customer.Event
	err := s.db.read(ctx, fmt.Sprintf("history of customer %q", id), func(tx *sql.Tx) error {
		var err error
		evs, err = historyIn(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// historyIn reads the history of customer id in tx, in the order of
// [customer.CompareEvents].
func historyIn(ctx context.Context, tx *sql.Tx, id customer.ID) ([]customer.Event, error) {
	var evs []customer.Event
	err := func() error {
		if ok, err := customerExists(ctx, tx, id); err != nil {
			return err
		} else if !ok {
			return notFound("history of %q", id)
		}
		if err := each(ctx, tx, `SELECT id, at, currency, doc FROM orders WHERE customer_id = ? ORDER BY at, id`,
			[]any{string(id)}, func(rows *sql.Rows) error {
				var oid, at, cur string
				var doc []byte
				if err := rows.Scan(&oid, &at, &cur, &doc); err != nil {
					return err
				}
				o, err := decodeOrder(oid, string(id), at, cur, doc)
				evs = append(evs, customer.Event{Order: &o})
				return err
			}); err != nil {
			return err
		}
		if err := each(ctx, tx, `SELECT id, order_id, at, doc FROM returns WHERE customer_id = ? ORDER BY at, id`,
			[]any{string(id)}, func(rows *sql.Rows) error {
				var rid, order, at string
				var doc []byte
				if err := rows.Scan(&rid, &order, &at, &doc); err != nil {
					return err
				}
				r, err := decodeReturn(rid, order, string(id), at, doc)
				evs = append(evs, customer.Event{Return: &r})
				return err
			}); err != nil {
			return err
		}
		if err := each(ctx, tx, `SELECT id, order_id, at, kind, amount, currency, source FROM credits WHERE customer_id = ? ORDER BY at, id`,
			[]any{string(id)}, func(rows *sql.Rows) error {
				var cid, source string
				var r creditRow
				if err := rows.Scan(&cid, &r.order, &r.at, &r.kind, &r.amount, &r.currency, &source); err != nil {
					return err
				}
				c, err := decodeCredit(cid, string(id), source, r)
				evs = append(evs, customer.Event{Credit: &c})
				return err
			}); err != nil {
			return err
		}
		return each(ctx, tx, `SELECT at, kind, subject FROM interactions WHERE customer_id = ? ORDER BY at`,
			[]any{string(id)}, func(rows *sql.Rows) error {
				var at, kind, subject string
				if err := rows.Scan(&at, &kind, &subject); err != nil {
					return err
				}
				t, err := parseTime(at)
				if err != nil {
					return fmt.Errorf("interaction of %q: %w", id, err)
				}
				k, err := parseEnum[customer.InteractionKind](kind)
				if err != nil {
					return fmt.Errorf("interaction of %q: stored kind: %w", id, err)
				}
				evs = append(evs, customer.Event{Interaction: &customer.Interaction{CustomerID: id, Time: t, Kind: k, Subject: subject}})
				return nil
			})
	}()
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(evs, customer.CompareEvents)
	return evs, nil
}

// each runs query in tx and calls fn for each row.
func each(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
