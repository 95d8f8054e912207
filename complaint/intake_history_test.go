package complaint_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// intakeRefused requires err to be the validation error of the intake of
// case C-1 by op, naming each field with CodeUnknown, or, with no
// fields, the error of an unknown complainant, "cust-nobody"; and the
// store without the case.
func intakeRefused(t *testing.T, err error, st *complaint.MemStore, op string, fields ...string) {
	t.Helper()
	if len(fields) == 0 {
		require.ErrorIs(t, err, customer.ErrNotFound)
		assert.Contains(t, err.Error(), `complaint "C-1": `+op+`: complainant "cust-nobody" is not a stored customer`)
	} else {
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.ErrorIs(t, err, customer.ErrInvalid)
		assert.Equal(t, `complaint "C-1": `+op, ve.Record)
		for _, f := range fields {
			assert.True(t, ve.Has(f, customer.CodeUnknown), "want %s in %v", f, err)
		}
		assert.Len(t, ve.Fields, len(fields), "%v", err)
	}
	_, gerr := st.Get(context.Background(), "C-1")
	require.ErrorIs(t, gerr, complaint.ErrNotFound, "the case was saved")
	evs, _ := st.Events(context.Background(), "C-1")
	assert.Empty(t, evs)
}

// With a CustomerHistory, an intake whose subject names an order the
// complainant does not have, or whose complainant is not a stored
// customer, is refused at intake, by Record and by Do with CmdRecord,
// and nothing is saved; the fault no longer waits for the carry-out of
// a refund.
func TestServiceHistoryChecksTheIntake(t *testing.T) {
	ctx := context.Background()
	h := newHistory(t, shirtOrder()) // cust-C-1 holds order O-1
	unknownOrder := complainttest.Intake("C-1", t0)
	unknownOrder.Subject.Order = "O-9"
	stranger := complainttest.Intake("C-1", t0)
	stranger.Complainant = "cust-nobody"
	strangerNoOrder := stranger
	strangerNoOrder.Subject = complaint.Subject{Kind: complaint.SubjectStore, Store: "shop-7"}
	for _, tc := range []struct {
		name   string
		in     complaint.Intake
		fields []string
	}{
		{"order not in the history", unknownOrder, []string{"subject.order"}},
		{"unknown complainant", stranger, nil},
		{"unknown complainant, no order", strangerNoOrder, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := complaint.NewMemStore()
			svc := complaint.Service{Store: st, CustomerHistory: h.st}
			_, _, err := svc.Record(ctx, tc.in, "", agent, t0)
			intakeRefused(t, err, st, "record", tc.fields...)
			_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdRecord, Key: "form-1", Intake: &tc.in}, agent, t0)
			intakeRefused(t, err, st, "record", tc.fields...)
			_, _, err = svc.DoRetry(ctx, "C-1", complaint.Command{Kind: complaint.CmdRecord, Intake: &tc.in}, agent, t0, 3)
			intakeRefused(t, err, st, "record", tc.fields...)

			// Without a CustomerHistory the intake is taken, as before.
			_, _, err = (&complaint.Service{Store: st}).Record(ctx, tc.in, "", agent, t0)
			require.NoError(t, err)
		})
	}

	// The order held, or no order named, is taken.
	for _, in := range []complaint.Intake{
		complainttest.Intake("C-1", t0),
		func() complaint.Intake {
			in := complainttest.Intake("C-1", t0)
			in.Subject = complaint.Subject{Kind: complaint.SubjectStore, Store: "shop-7"}
			return in
		}(),
	} {
		st := complaint.NewMemStore()
		svc := complaint.Service{Store: st, CustomerHistory: h.st}
		c, _, err := svc.Record(ctx, in, "", agent, t0)
		require.NoError(t, err)
		assert.Equal(t, complaint.StateRecorded, c.State)
		st = complaint.NewMemStore()
		svc.Store = st
		_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdRecord, Key: "form-1", Intake: &in}, agent, t0)
		require.NoError(t, err)
	}
}

// A CmdRecord delivered again is answered as stored, the history not
// read: also one recorded before the Service was given the history,
// whose order the history does not hold.
func TestServiceHistoryRedeliveredIntakeAnsweredAsStored(t *testing.T) {
	ctx := context.Background()
	in := complainttest.Intake("C-1", t0)
	in.Subject.Order = "O-9"
	st := complaint.NewMemStore()
	cmd := complaint.Command{Kind: complaint.CmdRecord, Key: "form-1", Intake: &in}
	c, ev, err := (&complaint.Service{Store: st}).Do(ctx, "C-1", cmd, agent, t0)
	require.NoError(t, err)
	h := newHistory(t, shirtOrder())
	reads := 0
	svc := complaint.Service{Store: st, CustomerHistory: countingHistory{h.st, &reads}}
	got, gotEv, err := svc.Do(ctx, "C-1", cmd, agent, t0.Add(72*time.Hour))
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, got))
	assert.Equal(t, ev, gotEv)
	assert.Zero(t, reads, "the history was read")
}

// An error reading the history is returned wrapped, naming the case and
// the customer, and nothing is saved.
func TestServiceHistoryIntakeReadError(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("history down")
	st := complaint.NewMemStore()
	svc := complaint.Service{Store: st, CustomerHistory: failingHistory{boom}}
	_, _, err := svc.Record(ctx, complainttest.Intake("C-1", t0), "", agent, t0)
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), `complaint "C-1"`)
	assert.Contains(t, err.Error(), `"cust-C-1"`)
	_, err = st.Get(ctx, "C-1")
	require.ErrorIs(t, err, complaint.ErrNotFound)
}

// countingHistory counts the reads of a HistoryReader.
type countingHistory struct {
	customer.HistoryReader
	n *int
}

func (c countingHistory) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	*c.n++
	return c.HistoryReader.History(ctx, id)
}

// Record of a case the store has is the conflict Record documents,
// whatever the history says of its intake: with a CustomerHistory too,
// a redelivered intake recorded before the history was wired (an order
// the history does not hold, a complainant no longer stored), or one
// whose history cannot be read, is answered with ErrConflict, not taken
// for a bad intake; the stored case is left as it was.
func TestServiceHistoryRecordOfAStoredCaseIsTheConflict(t *testing.T) {
	ctx := context.Background()
	h := newHistory(t, shirtOrder())
	unknownOrder := complainttest.Intake("C-1", t0)
	unknownOrder.Subject.Order = "O-9"
	stranger := complainttest.Intake("C-1", t0)
	stranger.Complainant = "cust-nobody"
	for _, tc := range []struct {
		name string
		in   complaint.Intake
		h    customer.HistoryReader
	}{
		{"order not in the history", unknownOrder, h.st},
		{"unknown complainant", stranger, h.st},
		{"history unreadable", complainttest.Intake("C-1", t0), failingHistory{errors.New("history down")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := complaint.NewMemStore()
			c, ev, err := (&complaint.Service{Store: st}).Record(ctx, tc.in, "", agent, t0)
			require.NoError(t, err)
			svc := complaint.Service{Store: st, CustomerHistory: tc.h}
			_, _, err = svc.Record(ctx, tc.in, "", agent, t0.Add(time.Hour))
			require.ErrorIs(t, err, complaint.ErrConflict)
			assert.Contains(t, err.Error(), `complaint "C-1": record: a case with this ID exists`)
			assert.NotErrorIs(t, err, customer.ErrInvalid)
			got, err := st.Get(ctx, "C-1")
			require.NoError(t, err)
			assert.True(t, complainttest.Same(c, got))
			evs, err := st.Events(ctx, "C-1")
			require.NoError(t, err)
			assert.Equal(t, []complaint.Event{ev}, evs)
		})
	}
}
