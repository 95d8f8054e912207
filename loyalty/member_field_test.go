package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// An event without its member is refused with a validation error
// naming the field that holds the member, by its name in the event
// (the order's customer for a purchase), and the record.
func TestEventWithoutMemberNamesTheField(t *testing.T) {
	p := club(t)
	now := day(2026, 3, 1)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	for _, c := range []struct {
		e      loyalty.Event
		field  string
		record string
	}{
		{loyalty.Join{Time: now}, "member", "join"},
		{loyalty.Purchase{Order: order("O1", "", now, line("A", "coats", "10", 1))}, "order.customer_id", `purchase "O1"`},
		{loyalty.Returned{Return: ret("X1", "O1", "", now)}, "return.customer_id", `return "X1"`},
		{loyalty.Credited{Credit: customer.Credit{ID: "K1", OrderID: "O1", Time: now, Kind: customer.PriceReduction}}, "credit.customer_id", `credit "K1"`},
		{loyalty.Redemption{ID: "R1", Points: 100, Time: now}, "member", `redemption "R1"`},
		{loyalty.Adjustment{ID: "A1", Points: 5, Reason: "r", Operator: "o", Time: now}, "member", `adjustment "A1"`},
		{loyalty.BirthdayClaim{Time: now}, "member", "birthday claim"},
		{loyalty.BirthdayChanged{ID: "B1", Birthday: customer.Birthday{Month: time.May, Day: 2}, Time: now}, "member", `birthday change "B1"`},
		{loyalty.Erasure{ID: "E1", Time: now}, "member", `erasure "E1"`},
		{loyalty.Tick{}, "member", "tick"},
	} {
		next, es, err := p.Apply(a, c.e, now)
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "%T: %v", c.e, err)
		assert.Equal(t, c.field, ve.Fields[0].Field, "%T", c.e)
		assert.Equal(t, customer.CodeRequired, ve.Fields[0].Code, "%T", c.e)
		assert.Contains(t, err.Error(), c.record, "%T", c.e)
		assert.Empty(t, es)
		assert.Equal(t, a.Version, next.Version)
	}
}
