package sqlitestore

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Options.BusyTimeout is rounded up to SQLite's whole milliseconds: a
// positive time-out below one millisecond still waits (busy_timeout 0
// would not wait at all), and 1.5 ms waits 2 ms, not 1; a time-out
// beyond SQLite's int waits the longest SQLite can.
func TestBusyTimeoutRoundsUp(t *testing.T) {
	for d, want := range map[time.Duration]int{300 * time.Microsecond: 1, 1500 * time.Microsecond: 2, 2 * time.Second: 2000,
		time.Duration(math.MaxInt64): math.MaxInt32} {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "shop.db"), &Options{BusyTimeout: d})
		require.NoError(t, err)
		for name, pool := range map[string]interface {
			QueryRowContext(context.Context, string, ...any) *sql.Row
		}{"writer": db.w, "reader": db.r} {
			var got int
			require.NoError(t, pool.QueryRowContext(context.Background(), `PRAGMA busy_timeout`).Scan(&got))
			assert.Equal(t, want, got, "%s, BusyTimeout %v", name, d)
		}
		require.NoError(t, db.Close())
	}
}
