package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// customerIn is a customer as the shop registers it. Every consumer who
// registers joins the loyalty programme.
type customerIn struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Address  string `json:"address"`
	Birthday string `json:"birthday"` // "1990-04-12", or "--04-12" without the year
	Region   string `json:"region"`
	Joined   string `json:"joined"` // RFC 3339; empty keeps the stored one, or means now; another than the stored one is 409
	Consent  struct {
		Marketing bool `json:"marketing"`
		Profiling bool `json:"profiling"`
		// Notice names the privacy notice the customer saw ("privacy
		// v4"); required when a consent is given that was not. A
		// consent kept given under a new notice is recorded again.
		Notice string `json:"notice"`
	} `json:"consent"`
}

// consentChangeOut is one recorded change of consent.
type consentChangeOut struct {
	Purpose string `json:"purpose"`
	Given   bool   `json:"given"`
	Time    string `json:"time"`
	Source  string `json:"source"`
	Notice  string `json:"notice,omitempty"`
}

// customerOut is a customer's record, personal data included: only keys
// with the right to read customers see it.
type customerOut struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Address  string `json:"address,omitempty"`
	Birthday string `json:"birthday,omitempty"`
	Region   string `json:"region,omitempty"`
	Joined   string `json:"joined"`
	Consent  struct {
		Marketing bool `json:"marketing"`
		Profiling bool `json:"profiling"`
		// History is the evidence of the consents: every change, oldest
		// first.
		History []consentChangeOut `json:"history"`
	} `json:"consent"`
}

func parseBirthday(p *problems, s string) customer.Birthday {
	if s == "" {
		return customer.Birthday{}
	}
	var y, m, d int
	var err error
	switch {
	case strings.HasPrefix(s, "--") && len(s) == 7 && s[4] == '-':
		m, err = strconv.Atoi(s[2:4])
		if err == nil {
			d, err = strconv.Atoi(s[5:])
		}
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, err = strconv.Atoi(s[:4])
		if err == nil {
			m, err = strconv.Atoi(s[5:7])
		}
		if err == nil {
			d, err = strconv.Atoi(s[8:])
		}
	default:
		err = errors.New("format")
	}
	if err != nil {
		p.add("birthday", "must be YYYY-MM-DD, or --MM-DD without the year")
		return customer.Birthday{}
	}
	// Customer.Validate checks the day against the month.
	return customer.Birthday{Year: y, Month: time.Month(m), Day: d}
}

func formatBirthday(b customer.Birthday) string {
	switch {
	case b.IsZero():
		return ""
	case b.Year == 0:
		return fmt.Sprintf("--%02d-%02d", int(b.Month), b.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", b.Year, int(b.Month), b.Day)
}

// putCustomer registers a customer, or updates the data the shop keeps
// of one registered before, and makes it a member of the loyalty
// programme. What the shop does not collect — the clothing profile, the
// household, the trade data an ERP keeps — is left as stored. A consent
// flag that changes is recorded as evidence ([customer.Customer.RecordConsent]):
// given or withdrawn now, through the web shop, with the privacy notice
// the request names; so is a consent kept given under a notice other than
// the one it was last given under. A joining time other than the stored
// one is refused (409): the ledger keeps the first. A first registration
// answers 201, an update 200; of two first registrations of one ID at
// once, the one that finds the other's record is an update.
func (s *Server) putCustomer(ctx context.Context, caller Caller, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	if err := checkID("id", id); err != nil {
		return 0, nil, err
	}
	var in customerIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	now := s.now()
	var p problems
	kind := parseEnum(&p, "kind", in.Kind, true, customer.ParseKind)
	if kind == customer.Intermediary {
		p.add("kind", "intermediaries are registered in the ERP, not through the shop")
	}
	birthday := parseBirthday(&p, in.Birthday)
	joined := parseTime(&p, "joined", in.Joined, false)
	if err := p.err(); err != nil {
		return 0, nil, err
	}
	// change makes the customer of the request out of c: the customer as
	// stored when registered is true, a new one otherwise.
	created := false
	change := func(c *customer.Customer, registered bool) error {
		created = !registered
		switch {
		case !registered:
		case c.Kind != kind:
			return &apiError{status: http.StatusConflict, field: "kind", msg: fmt.Sprintf("customer %s is registered as %s", id, c.Kind)}
		case !joined.IsZero() && !joined.Equal(c.Joined):
			// The member joined the programme at the first registration, and
			// the ledger keeps that time: the record may not say otherwise.
			return &apiError{status: http.StatusConflict, field: "joined",
				msg: fmt.Sprintf("customer %s joined at %s", id, formatTime(c.Joined))}
		}
		c.Kind, c.Name, c.Birthday, c.Region = kind, in.Name, birthday, in.Region
		c.Contact = customer.Contact{Email: customer.Email(in.Email), Phone: customer.Phone(in.Phone), Address: in.Address}
		if !joined.IsZero() {
			c.Joined = joined
		}
		for _, ch := range []struct {
			purpose customer.Purpose
			given   bool
		}{{customer.PurposeMarketing, in.Consent.Marketing}, {customer.PurposeProfiling, in.Consent.Profiling}} {
			if c.Consent.Allows(ch.purpose) == ch.given {
				// Unchanged: a consent kept given under another notice than
				// the one it was last given under is given again (evidence
				// that the customer saw the new notice); else nothing.
				last, ok := c.LatestConsent(ch.purpose)
				if !ch.given || strings.TrimSpace(in.Consent.Notice) == "" || ok && last.Given && last.Notice == in.Consent.Notice {
					continue
				}
			}
			if ch.given && strings.TrimSpace(in.Consent.Notice) == "" {
				return &apiError{status: http.StatusBadRequest, field: "consent.notice",
					msg: "required when a consent is given: the privacy notice the customer saw"}
			}
			next, err := c.RecordConsent(customer.ConsentChange{Purpose: ch.purpose, Given: ch.given, Time: now,
				Source: customer.SourceWebShop, Notice: in.Consent.Notice}, now)
			if err != nil {
				return requestFields(err)
			}
			*c = next
		}
		if err := c.Validate(now); err != nil {
			return requestFields(err)
		}
		return nil
	}
	defer s.lock(customer.ID(id))()
	c, err := s.changeCustomer(ctx, customer.Customer{ID: customer.ID(id), Joined: now}, change)
	if err != nil {
		return 0, nil, err
	}
	acct, err := s.join(ctx, c, now)
	if err != nil {
		return 0, nil, err
	}
	// The customer's LogValue leaves the personal data out.
	s.log.LogAttrs(ctx, slog.LevelInfo, "customer registered", slog.Any("customer", c), slog.String("caller", caller.ID),
		slog.Bool("created", created))
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return status, map[string]any{"id": id, "member": true, "points": s.pointsView(acct, now)}, nil
}

// changeCustomer applies change to the stored customer with fresh.ID
// and stores the result (registered true), or, when there is no such
// customer, applies it to fresh and stores that (registered false). It
// returns the customer stored. An error of change stores nothing and is
// returned as it is.
//
// A store that is a [customer.Updater] reads, changes and writes the
// customer in one atomic step, so that two servers on one database
// cannot lose each other's change (a consent withdrawn on one, a
// profile kept by the other from an older read). Otherwise it is a Get
// and a Put, which only the caller's lock (s.lock) keeps apart, within
// this process. A first registration is stored with
// [customer.Inserter.Insert] when the store has it, so that of two first
// registrations of one ID at once on two servers the later one finds the
// first and changes it, as an update; without it, the later Put is
// stored.
func (s *Server) changeCustomer(ctx context.Context, fresh customer.Customer,
	change func(c *customer.Customer, registered bool) error) (customer.Customer, error) {
	c, err := s.changeOrCreate(ctx, fresh, change)
	if errors.Is(err, errRegisteredMeanwhile) {
		// Another server registered the ID between the look-up and
		// the insert: this request changes that customer.
		c, err = s.changeOrCreate(ctx, fresh, change)
	}
	return c, err
}

// errRegisteredMeanwhile is the error of changeOrCreate when the customer
// it was to insert was registered by another writer after it looked.
var errRegisteredMeanwhile = errors.New("eshop: the customer was registered meanwhile")

// changeOrCreate is one attempt of changeCustomer.
func (s *Server) changeOrCreate(ctx context.Context, fresh customer.Customer,
	change func(c *customer.Customer, registered bool) error) (customer.Customer, error) {
	id := fresh.ID
	if u, ok := s.stores.Customers.(customer.Updater); ok {
		var out customer.Customer
		called := false
		err := u.Update(ctx, id, func(c *customer.Customer) error {
			called = true
			if err := change(c, true); err != nil {
				return err
			}
			out = c.Clone()
			return nil
		})
		if err == nil || called || !errors.Is(err, customer.ErrNotFound) {
			return out, err
		}
	} else {
		c, err := s.stores.Customers.Get(ctx, id)
		switch {
		case err == nil:
			if err := change(&c, true); err != nil {
				return customer.Customer{}, err
			}
			return c, s.stores.Customers.Put(ctx, c)
		case !errors.Is(err, customer.ErrNotFound):
			return customer.Customer{}, err
		}
	}
	c := fresh
	if err := change(&c, false); err != nil {
		return customer.Customer{}, err
	}
	if in, ok := s.stores.Customers.(customer.Inserter); ok {
		if err := in.Insert(ctx, c); errors.Is(err, customer.ErrDuplicate) {
			return customer.Customer{}, fmt.Errorf("%w: %w", errRegisteredMeanwhile, err)
		} else if err != nil {
			return customer.Customer{}, err
		}
		return c, nil
	}
	return c, s.stores.Customers.Put(ctx, c)
}

// requestFields renames the fields of a customer's validation error to
// those of the request (customerIn): "contact.email" is "email", a
// consent change's notice is "consent.notice". Other errors, and fields
// the request does not carry, pass unchanged.
func requestFields(err error) error {
	var ve *customer.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	fields := make([]customer.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		switch name := f.Field; {
		case strings.HasPrefix(name, "contact."):
			f.Field = strings.TrimPrefix(name, "contact.")
		case strings.HasPrefix(name, "consent_history[") && strings.HasSuffix(name, "].notice"):
			f.Field = "consent.notice"
		}
		fields[i] = f
	}
	return customer.Invalid(ve.Record, fields)
}

// join opens c's ledger unless it is open already.
func (s *Server) join(ctx context.Context, c customer.Customer, now time.Time) (loyalty.Account, error) {
	acct, _, err := s.ledger.Apply(ctx, loyalty.Join{Member: c.ID, Birthday: c.Birthday, Time: c.Joined}, now)
	if errors.Is(err, loyalty.ErrDuplicate) {
		return s.ledger.Account(ctx, c.ID)
	}
	return acct, err
}

func (s *Server) getCustomer(ctx context.Context, _ Caller, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	if err := checkID("id", id); err != nil {
		return 0, nil, err
	}
	c, err := s.stores.Customers.Get(ctx, customer.ID(id))
	if err != nil {
		return 0, nil, notFound(err, "id", "no such customer")
	}
	out := customerOut{
		ID: string(c.ID), Kind: c.Kind.String(), Name: c.Name,
		Email: string(c.Contact.Email), Phone: string(c.Contact.Phone), Address: c.Contact.Address,
		Birthday: formatBirthday(c.Birthday), Region: c.Region, Joined: formatTime(c.Joined),
	}
	out.Consent.Marketing, out.Consent.Profiling = c.Consent.Marketing, c.Consent.Profiling
	out.Consent.History = []consentChangeOut{}
	for _, ch := range c.ConsentHistory {
		out.Consent.History = append(out.Consent.History, consentChangeOut{Purpose: ch.Purpose.String(), Given: ch.Given,
			Time: formatTime(ch.Time), Source: ch.Source.String(), Notice: ch.Notice})
	}
	return http.StatusOK, out, nil
}

// notFound turns an error matching customer.ErrNotFound into a 404 naming
// field; other errors pass through.
func notFound(err error, field, msg string) error {
	if errors.Is(err, customer.ErrNotFound) {
		return &apiError{status: http.StatusNotFound, field: field, msg: msg}
	}
	return err
}
