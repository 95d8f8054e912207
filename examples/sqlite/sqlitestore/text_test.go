package sqlitestore_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A complaint case or event whose document holds text that is not valid
// UTF-8, or a time outside the years 0–9999, is rejected with a
// validation error naming the case and the field, not stored with its
// bytes replaced; nothing is stored.
func TestComplaintSaveRejectsWhatItCannotHold(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "shop.db"))
	defer db.Close()
	s := db.Complaints()
	for name, tc := range map[string]struct {
		change func(*complaint.Case, *complaint.Event)
		record string
		field  string
	}{
		"case text": {func(c *complaint.Case, ev *complaint.Event) {
			c.Intake.Description = "split \xff seam"
		}, `complaint "C-1" version 1`, "intake.description"},
		"event text": {func(c *complaint.Case, ev *complaint.Event) {
			ev.Command.Intake.Attachments = []string{"photo-\xfe"}
		}, `complaint "C-1" event 1`, "command.intake.attachments[0]"},
		"case time": {func(c *complaint.Case, ev *complaint.Event) {
			c.Opened = c.Opened.AddDate(10000, 0, 0)
		}, `complaint "C-1" version 1`, "opened"},
	} {
		t.Run(name, func(t *testing.T) {
			c, ev := complainttest.Record("C-1", day0)
			tc.change(&c, &ev)
			err := s.Save(ctx, c, ev)
			require.ErrorIs(t, err, customer.ErrInvalid)
			var ve *customer.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, tc.record, ve.Record)
			assert.True(t, ve.Has(tc.field, ""), "want field %s in %v", tc.field, err)
			_, err = s.Get(ctx, "C-1")
			assert.ErrorIs(t, err, complaint.ErrNotFound, "a rejected Save stores nothing")
		})
	}
}

// A ledger entry whose document holds text that is not valid UTF-8 is
// rejected with a validation error naming the entry and the field, not
// stored with its bytes replaced; the batch is not stored.
func TestLoyaltyAppendRejectsInvalidUTF8(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "shop.db"))
	defer db.Close()
	s := db.Loyalty()
	ok := loyalty.Entry{Member: "M-1", Seq: 1, Key: "adjust:1", Kind: loyalty.EntryAdjust, Time: day0, Points: 5, Reason: "goodwill"}
	bad := loyalty.Entry{Member: "M-1", Seq: 2, Key: "adjust:2", Kind: loyalty.EntryAdjust, Time: day0, Points: 5, Reason: "goodwill", Note: "caf\xe9"}
	err := s.Append(ctx, "M-1", 0, []loyalty.Entry{ok, bad})
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Contains(t, ve.Record, `key "adjust:2"`)
	assert.True(t, ve.Has("note", customer.CodeFormat), "%v", err)
	got, err := s.Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	assert.Empty(t, got, "a rejected batch stores nothing")
}
