package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// An erasure time that a case's JSON cannot hold (RFC 3339 has four
// digits of year: 0 to 9999 in the time's own zone) is refused with a
// validation error naming the field "at", before anything is written:
// the cases and their events stay as they were. The ends of that range
// are erased.
func TestEraseRefusesTimesJSONCannotHold(t *testing.T) {
	ctx := context.Background()
	s := newDB(t).Complaints()
	c, ev := complainttest.RecordFor("E-1", "cust-e", complainttest.T0)
	require.NoError(t, s.Save(ctx, c, ev))
	rejected, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReject, Reply: "not a defect"},
		complainttest.Agent, complainttest.T0.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, s.Save(ctx, rejected, ev))
	before, err := s.Events(ctx, "E-1")
	require.NoError(t, err)

	for name, at := range map[string]time.Time{
		"year 10000":         time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		"year 10000 local":   time.Date(9999, 12, 31, 23, 30, 0, 0, time.UTC).In(time.FixedZone("+01", 3600)),
		"year 294276":        time.Date(294276, 6, 1, 0, 0, 0, 0, time.UTC),
		"beyond timestamptz": time.Date(600000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		t.Run(name, func(t *testing.T) {
			err := s.Erase(ctx, "cust-e", at)
			require.Error(t, err)
			require.ErrorIs(t, err, customer.ErrInvalid)
			var ve *customer.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Contains(t, ve.Record, `"cust-e"`)
			assert.True(t, ve.Has("at", customer.CodeRange), "want field at in %v", err)
			got, err := s.Get(ctx, "E-1")
			require.NoError(t, err)
			assert.True(t, complainttest.Same(rejected, got), "the case was changed: %+v", got)
			evs, err := s.Events(ctx, "E-1")
			require.NoError(t, err)
			assert.True(t, complainttest.SameEvents(before, evs), "the events were changed")
		})
	}

	// 9999-12-31T23:30:00-01:00 is in year 10000 in UTC but written with
	// year 9999: it is erased, and kept as given.
	last := time.Date(9999, 12, 31, 23, 30, 0, 0, time.FixedZone("-01", -3600))
	require.NoError(t, s.Erase(ctx, "cust-e", last))
	got, err := s.Get(ctx, "E-1")
	require.NoError(t, err)
	assert.True(t, got.Erased.Equal(last), "erased %v", got.Erased)
}

// An instant of a complaint case or event, or of a loyalty entry's
// detail, that JSON cannot hold (a year outside 0–9999 as written, though
// within timestamptz's range) is refused with a validation error naming
// the record and the field, and nothing is stored.
func TestJSONTimesBeyondYear9999AreRefused(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	refused := func(t *testing.T, err error, record, field string) {
		t.Helper()
		require.ErrorIs(t, err, customer.ErrInvalid)
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.Equal(t, record, ve.Record)
		assert.True(t, ve.Has(field, customer.CodeRange), "want field %s in %v", field, err)
	}

	s := db.Complaints()
	c, ev := complainttest.RecordFor("E-1", "cust-e", complainttest.T0)
	c.Opened = far
	refused(t, s.Save(ctx, c, ev), `complaint "E-1"`, "opened")
	c, ev = complainttest.RecordFor("E-1", "cust-e", complainttest.T0)
	ev.At = far
	refused(t, s.Save(ctx, c, ev), `complaint "E-1" event 1`, "at")
	_, err := s.Get(ctx, "E-1")
	require.ErrorIs(t, err, complaint.ErrNotFound)

	l := db.Loyalty()
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for field, e := range map[string]loyalty.Entry{
		"expires_at":   {Seq: 1, Member: "M", Key: "k", Time: day, ExpiresAt: far},
		"available_at": {Seq: 1, Member: "M", Key: "k", Time: day, AvailableAt: far},
		"next_review":  {Seq: 1, Member: "M", Key: "k", Time: day, NextReview: far},
		"grace_until":  {Seq: 1, Member: "M", Key: "k", Time: day, GraceUntil: far},
	} {
		refused(t, l.Append(ctx, "M", 0, []loyalty.Entry{e}), `loyalty entry 1 of member "M"`, field)
	}
	got, err := l.Entries(ctx, "M", 0)
	require.NoError(t, err)
	assert.Empty(t, got)
}
