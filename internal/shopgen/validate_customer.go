package shopgen

import (
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// validateCustomer checks the customer record itself with
// [customer.Customer.Validate] as of now, and what the generator promises
// beyond it: complete trade facts for intermediaries (positive turnover
// and market size, at least one outlet).
func validateCustomer(c customer.Customer, now time.Time) error {
	errs := []error{c.Validate(now)}
	if t := c.Trade; t != nil && (t.AnnualTurnover.Sign() <= 0 || t.MarketSize.Sign() <= 0 || t.Outlets < 1) {
		errs = append(errs, fmt.Errorf("shopgen: customer %q: incomplete trade facts", c.ID))
	}
	return errors.Join(errs...)
}
