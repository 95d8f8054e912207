package complaint_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// bareStore is a store whose errors name nothing: the bare sentinels.
type bareStore struct{ complaint.Store }

func (s bareStore) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	c, err := s.Store.Get(ctx, id)
	return c, bare(err)
}

func (s bareStore) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	return bare(s.Store.Save(ctx, c, ev))
}

func bare(err error) error {
	for _, s := range []error{complaint.ErrNotFound, complaint.ErrConflict} {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}

// TestServiceStoreErrorsNameTheCaseOnce checks that an error of the store
// passed on by the service names the case once, says what was done and
// still matches the store's sentinel, whether or not the store's own
// error names the case.
func TestServiceStoreErrorsNameTheCaseOnce(t *testing.T) {
	ctx := context.Background()
	for name, store := range map[string]func() complaint.Store{
		"mem":  func() complaint.Store { return complaint.NewMemStore() },
		"bare": func() complaint.Store { return bareStore{complaint.NewMemStore()} },
	} {
		t.Run(name, func(t *testing.T) {
			svc := &complaint.Service{Store: store()}
			once := func(t *testing.T, err error, sentinel error, want ...string) {
				t.Helper()
				require.ErrorIs(t, err, sentinel)
				msg := err.Error()
				assert.Equal(t, 1, strings.Count(msg, `"X-404"`), "case named once: %s", msg)
				assert.Equal(t, 1, strings.Count(msg, "complaint"), "one prefix: %s", msg)
				for _, w := range want {
					assert.Contains(t, msg, w)
				}
			}

			_, _, err := svc.Do(ctx, "X-404", complaint.Command{Kind: complaint.CmdAccept}, agent, hours(1))
			once(t, err, complaint.ErrNotFound, `complaint "X-404": accept: `, "case not found")
			_, _, err = svc.Do(ctx, "X-404", complaint.Command{Kind: complaint.CmdAccept, Key: "k"}, agent, hours(1))
			once(t, err, complaint.ErrNotFound, "accept", "case not found")
			_, _, err = svc.DoRetry(ctx, "X-404", complaint.Command{Kind: complaint.CmdAccept}, agent, hours(1), 3)
			once(t, err, complaint.ErrNotFound, "accept", "case not found")
			once(t, svc.Verify(ctx, "X-404"), complaint.ErrNotFound, "case not found")
			_, err = svc.History(ctx, "X-404")
			once(t, err, complaint.ErrNotFound, "case not found")

			in := complainttest.Intake("X-404", t0)
			_, _, err = svc.Record(ctx, in, "", agent, t0)
			require.NoError(t, err)
			_, _, err = svc.Record(ctx, in, "", agent, t0)
			once(t, err, complaint.ErrConflict, "record", "exists")
		})
	}
}
