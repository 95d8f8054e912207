package complaint

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServiceWithoutStore: every method of a Service without a Store
// returns an error saying so rather than panicking, before anything else
// is checked: a Service that is nil itself, one whose Store is nil, and
// one whose Store is a nil *MemStore.
func TestServiceWithoutStore(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *Service
	}{
		{"zero Service", &Service{}},
		{"nil Service", nil},
		{"nil MemStore", &Service{Store: (*MemStore)(nil)}},
		{"nil MemStore and a bad policy", &Service{Store: (*MemStore)(nil), Policy: &Policy{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := tc.s
			now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			want := ErrNoStore.Error()
			require.NotPanics(t, func() {
				_, _, err := s.Record(ctx, Intake{ID: "C-1"}, "", Actor{}, now)
				assert.EqualError(t, err, want)
				_, _, err = s.Do(ctx, "C-1", Command{Kind: CmdAccept}, Actor{}, now)
				assert.EqualError(t, err, want)
				_, _, err = s.Do(ctx, "C-1", Command{Kind: CmdRecord}, Actor{}, now)
				assert.EqualError(t, err, want)
				_, _, err = s.DoRetry(ctx, "C-1", Command{Kind: CmdAccept}, Actor{}, now, 3)
				assert.EqualError(t, err, want)
				_, err = s.History(ctx, "C-1")
				assert.EqualError(t, err, want)
				_, err = s.Cases(ctx, "P-1")
				assert.EqualError(t, err, want)
				_, err = s.Logs(ctx, now, now.Add(time.Hour))
				assert.EqualError(t, err, want)
				_, err = s.Logs(ctx, now, now) // an empty period too
				assert.EqualError(t, err, want)
				assert.EqualError(t, s.Verify(ctx, "C-1"), want)
				assert.ErrorIs(t, s.Verify(ctx, "C-1"), ErrNoStore)
			})
		})
	}
}
