package complaint_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

var (
	t0         = complainttest.T0
	agent      = complainttest.Agent
	handler    = complainttest.Handler
	supervisor = complainttest.Supervisor
	manager    = complainttest.Manager
	handler2   = complaint.Actor{ID: "handler-2", Role: complaint.RoleHandler}
	system     = complaint.Actor{ID: "sla-job", Role: complaint.RoleSystem}
	// complainant is the customer of complainttest.Intake("C-1", …).
	complainant = complaint.Actor{ID: "cust-C-1", Role: complaint.RoleCustomer}
	stranger    = complaint.Actor{ID: "cust-other", Role: complaint.RoleCustomer}
)

func hours(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func eur(t testing.TB, s string) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(s, "EUR")
	require.NoError(t, err)
	return m
}

// reach returns case C-1 after the first n happy-path steps (step i at
// hour i+1) and its events.
func reach(n int) (complaint.Case, []complaint.Event) {
	return complainttest.Run("C-1", t0, n)
}

// do applies cmd and requires success.
func do(t testing.TB, c complaint.Case, cmd complaint.Command, a complaint.Actor, at time.Time) (complaint.Case, complaint.Event) {
	t.Helper()
	next, ev, err := complaint.Apply(c, cmd, a, at)
	require.NoError(t, err, "%s by %s", cmd.Kind, a)
	return next, ev
}

// refused applies cmd, requires a *TransitionError whose failed guards
// are exactly guards (none: no transition), and that nothing changed.
func refused(t testing.TB, p *complaint.Policy, c complaint.Case, cmd complaint.Command, a complaint.Actor, at time.Time, guards ...string) {
	t.Helper()
	got, ev, err := p.Apply(c, cmd, a, at)
	var te *complaint.TransitionError
	require.ErrorAs(t, err, &te, "%s by %s", cmd.Kind, a)
	assert.ErrorIs(t, err, complaint.ErrNotPermitted)
	assert.Equal(t, cmd.Kind, te.Command)
	if c.Version > 0 {
		assert.Equal(t, c.State, te.From)
	}
	assert.Equal(t, guards, te.FailedGuards)
	assert.True(t, reflect.DeepEqual(c, got), "case changed")
	assert.Equal(t, complaint.Event{}, ev)
}

// invalid applies cmd and requires a validation error naming each field
// with its code, and that nothing changed.
func invalid(t testing.TB, c complaint.Case, cmd complaint.Command, a complaint.Actor, at time.Time, fieldCodes ...string) {
	t.Helper()
	got, ev, err := complaint.Apply(c, cmd, a, at)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve, "%s", cmd.Kind)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	for i := 0; i+1 < len(fieldCodes); i += 2 {
		assert.True(t, ve.Has(fieldCodes[i], fieldCodes[i+1]), "want %s %s in %v", fieldCodes[i], fieldCodes[i+1], err)
	}
	assert.Len(t, ve.Fields, len(fieldCodes)/2, "%v", err)
	assert.True(t, reflect.DeepEqual(c, got), "case changed")
	assert.Equal(t, complaint.Event{}, ev)
}

// zones loads the time zones named, skipping the test when the system
// has no time zone database.
func zones(t *testing.T, names ...string) []*time.Location {
	t.Helper()
	locs := make([]*time.Location, len(names))
	for i, z := range names {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		locs[i] = loc
	}
	return locs
}
