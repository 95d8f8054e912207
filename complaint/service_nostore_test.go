package complaint

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestServiceWithoutStore: every method of a Service without a Store
// returns an error saying so rather than panicking.
func TestServiceWithoutStore(t *testing.T) {
	ctx := context.Background()
	var s Service
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	want := ErrNoStore.Error()
	_, _, err := s.Record(ctx, Intake{ID: "C-1"}, "", Actor{}, now)
	assert.EqualError(t, err, want)
	_, _, err = s.Do(ctx, "C-1", Command{Kind: CmdAccept}, Actor{}, now)
	assert.EqualError(t, err, want)
	_, _, err = s.DoRetry(ctx, "C-1", Command{Kind: CmdAccept}, Actor{}, now, 3)
	assert.EqualError(t, err, want)
	_, err = s.History(ctx, "C-1")
	assert.EqualError(t, err, want)
	_, err = s.Cases(ctx, "P-1")
	assert.EqualError(t, err, want)
	assert.EqualError(t, s.Verify(ctx, "C-1"), want)
	assert.ErrorIs(t, s.Verify(ctx, "C-1"), ErrNoStore)
}
