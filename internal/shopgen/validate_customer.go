package shopgen

import (
	"errors"
	"fmt"

	"github.com/tailorcrm/tailor/customer"
)

// validateCustomer checks the customer record itself: an ID, a kind, a
// role and trade facts exactly for intermediaries, a join date, known
// profile sizes.
func validateCustomer(c customer.Customer) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("shopgen: customer %q: "+format, append([]any{c.ID}, args...)...))
	}
	if c.ID == "" {
		bad("empty id")
	}
	if !c.Kind.Valid() {
		bad("unknown kind %d", uint8(c.Kind))
	}
	if c.Joined.IsZero() {
		bad("zero join date")
	}
	switch c.Kind {
	case customer.Intermediary:
		if !c.Role.Valid() {
			bad("intermediary without a role")
		}
		if c.Trade == nil {
			bad("intermediary without trade facts")
		} else if c.Trade.AnnualTurnover.Sign() <= 0 || c.Trade.MarketSize.Sign() <= 0 || c.Trade.Outlets < 1 || c.Trade.CooperationStart.IsZero() {
			bad("incomplete trade facts")
		}
	case customer.Consumer:
		if c.Role != 0 || c.Trade != nil {
			bad("consumer with a role or trade facts")
		}
	}
	return errors.Join(errs...)
}
