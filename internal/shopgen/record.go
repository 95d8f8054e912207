package shopgen

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// Record is one customer with their whole history in the window. Each
// slice is in time order; a return always follows its order.
type Record struct {
	// Index is the customer's index in the shop (0-based).
	Index        int
	Customer     customer.Customer
	Orders       []customer.Order
	Returns      []customer.Return
	Interactions []customer.Interaction
	Complaints   []Complaint
	// Truth is the hidden behaviour the history was drawn from, for tests
	// of models that estimate it.
	Truth Truth
}

// Truth is the hidden state behind a customer's history.
type Truth struct {
	// PurchaseRate is the expected number of orders per year while the
	// customer is alive: for a consumer the rate λ of the purchase
	// process (before seasonal modulation), for an intermediary its
	// replenishment rate plus one pre-order per collection (small
	// partners skip some). Zero for a potential customer.
	PurchaseRate float64
	// Dropout is when the customer stopped buying for good; zero when
	// the customer is still alive at the end of the window.
	Dropout time.Time
	// Potential is true for a consumer who interacts but never buys.
	Potential bool
}

// Order returns the order with the given ID.
func (r *Record) Order(id string) (customer.Order, bool) {
	for i := len(r.Orders) - 1; i >= 0; i-- {
		if r.Orders[i].ID == id {
			return r.Orders[i], true
		}
	}
	return customer.Order{}, false
}

// Validate checks the customer and every order, return and interaction of
// r with the customer package's rules as of now, and that r's complaints
// are well formed, and joins the errors of every bad record.
func (r *Record) Validate(now time.Time) error {
	var errs []error
	if err := validateCustomer(r.Customer, now); err != nil {
		errs = append(errs, err)
	}
	for _, o := range r.Orders {
		if err := o.Validate(now); err != nil {
			errs = append(errs, err)
		}
		if o.CustomerID != r.Customer.ID {
			errs = append(errs, fmt.Errorf("shopgen: order %q: customer %q, record of %q", o.ID, o.CustomerID, r.Customer.ID))
		}
	}
	for _, x := range r.Returns {
		o, ok := r.Order(x.OrderID)
		if !ok {
			errs = append(errs, fmt.Errorf("shopgen: return %q: order %q: %w", x.ID, x.OrderID, customer.ErrNotFound))
			continue
		}
		if err := x.Validate(o, now); err != nil {
			errs = append(errs, err)
		}
	}
	for _, in := range r.Interactions {
		if err := in.Validate(now); err != nil {
			errs = append(errs, err)
		}
	}
	for i, c := range r.Complaints {
		if err := c.validate(r, now); err != nil {
			errs = append(errs, fmt.Errorf("shopgen: complaint %d of customer %q: %w", i, r.Customer.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (c Complaint) validate(r *Record, now time.Time) error {
	var errs []error
	if c.CustomerID != r.Customer.ID {
		errs = append(errs, fmt.Errorf("customer_id %q is not the record's %q", c.CustomerID, r.Customer.ID))
	}
	if c.Time.IsZero() || c.Time.After(now) {
		errs = append(errs, fmt.Errorf("time %s is zero or after %s", c.Time, now))
	}
	if c.OrderID != "" {
		if o, ok := r.Order(c.OrderID); !ok {
			errs = append(errs, fmt.Errorf("order %q: %w", c.OrderID, customer.ErrNotFound))
		} else if c.Time.Before(o.Time) {
			errs = append(errs, fmt.Errorf("time %s is before order %q", c.Time, c.OrderID))
		}
	}
	if !c.Category.Valid() {
		errs = append(errs, fmt.Errorf("unknown category %d", uint8(c.Category)))
	}
	if !c.Demand.Valid() {
		errs = append(errs, fmt.Errorf("unknown demand %d", uint8(c.Demand)))
	}
	if c.Severity < 1 || c.Severity > 4 {
		errs = append(errs, fmt.Errorf("severity %d is outside [1, 4]", c.Severity))
	}
	return errors.Join(errs...)
}

// Events yields r's orders, returns and interactions merged in time
// order (an order before the returns and interactions of the same
// instant), the input of [customer.Summarize].
func (r *Record) Events() iter.Seq[customer.Event] {
	return func(yield func(customer.Event) bool) {
		i, j, k := 0, 0, 0
		for i < len(r.Orders) || j < len(r.Returns) || k < len(r.Interactions) {
			var t time.Time
			which := -1
			if i < len(r.Orders) {
				t, which = r.Orders[i].Time, 0
			}
			if j < len(r.Returns) && (which < 0 || r.Returns[j].Time.Before(t)) {
				t, which = r.Returns[j].Time, 1
			}
			if k < len(r.Interactions) && (which < 0 || r.Interactions[k].Time.Before(t)) {
				which = 2
			}
			var e customer.Event
			switch which {
			case 0:
				e.Order = &r.Orders[i]
				i++
			case 1:
				e.Return = &r.Returns[j]
				j++
			default:
				e.Interaction = &r.Interactions[k]
				k++
			}
			if !yield(e) {
				return
			}
		}
	}
}
