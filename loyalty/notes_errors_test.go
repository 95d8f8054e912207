package loyalty_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A birthday claim outside the birthday month, recorded after the year's
// gift was claimed, reports both problems, the month first: the claim's
// own validation error names the field, and the key of the year is
// reported as taken. A claim of the same content delivered again is a
// redelivery only.
func TestBirthdayClaimOutsideTheMonthAfterTheGiftReportsBoth(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5)) // birthday 3 October
	claim := loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 10, 4)}
	a = apply(t, p, a, day(2026, 10, 4), claim)

	_, entries, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 12, 1)}, day(2026, 12, 1))
	require.Error(t, err)
	assert.Empty(t, entries)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1)
	assert.Equal(t, "time", ve.Fields[0].Field)
	assert.Contains(t, ve.Fields[0].Message, "not in the birthday month")
	var de *loyalty.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.False(t, de.Same)
	assert.ErrorIs(t, err, loyalty.ErrDuplicate)
	msg := err.Error()
	month, claimed := strings.Index(msg, "not in the birthday month"), strings.Index(msg, "birthday benefit of 2026 was already claimed")
	require.True(t, month >= 0 && claimed >= 0, "%s", msg)
	assert.Less(t, month, claimed, "the month first: %s", msg)

	// In the month, after the gift: only the duplicate.
	_, _, err = p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 10, 20)}, day(2026, 10, 20))
	require.ErrorAs(t, err, &de)
	assert.False(t, errors.As(err, &ve), "%v", err)
	// The same claim again, later, beyond the late bound: a redelivery.
	_, _, err = p.Apply(a, claim, day(2026, 12, 1))
	require.ErrorAs(t, err, &de)
	assert.True(t, de.Same)
	assert.False(t, errors.As(err, &ve), "%v", err)
}

// Points given back by a refund keep the expiry of the points they
// replace; when they expire, the note says they were given back (on the
// refund's date, for the order's refunded goods), not earned then.
func TestExpiryNoteOfPointsGivenBack(t *testing.T) {
	p := club(t) // points expire after 12 months; 30 days pending
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 1, 10), loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("COAT", "coats", "240", 1))})
	a = apply(t, p, a, day(2026, 3, 1),
		loyalty.Redemption{Member: "M1", ID: "R1", Points: 240, Order: "O2", Time: day(2026, 3, 1)},
		loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("HAT", "hats", "60", 1))})
	a = apply(t, p, a, day(2026, 5, 24), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2026, 5, 24), customer.ReturnLine{LineID: "HAT", Quantity: -1})})
	_, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 1, 11))
	require.NoError(t, err)
	var notes []string
	for _, e := range ofKind(entries, loyalty.EntryExpire) {
		notes = append(notes, e.Note)
		assert.Equal(t, day(2027, 1, 10), e.Effective)
	}
	assert.Equal(t, []string{`240 points given back 2026-05-24 for refunded goods of order "O2" expired, as the points they replace`}, notes)
}
