package pgstore

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// connectWith connects to the test server (TAILOR_POSTGRES_DSN) with the
// search_path searchPath, or skips t without one.
func connectWith(t *testing.T, searchPath string) *pgx.Conn {
	t.Helper()
	dsn := os.Getenv("TAILOR_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("TAILOR_POSTGRES_DSN not set: no PostgreSQL server configured")
	}
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.RuntimeParams["search_path"] = searchPath
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// A session whose search_path is not the pinned one when its connection
// is made (a proxy that dropped the startup parameter) is an error naming
// the parameter and the search_path found; the pinned one is not.
func TestPinsCheckRefusesASessionNotPinned(t *testing.T) {
	ctx := context.Background()
	var p pins
	err := p.check(ctx, connectWith(t, `"$user", public`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "search_path")
	assert.Contains(t, err.Error(), `"\"$user\", public"`)
	require.NoError(t, p.check(ctx, connectWith(t, sessionSearchPath)))
}

// A connection a caller acquired is set back to the pinned search_path
// when the DB acquires it, and only then; when that fails (here, a
// context already done), the acquisition fails and the connection is
// destroyed, never handed to the stores unpinned.
func TestPinsPrepareSetsBackWhatACallerChanged(t *testing.T) {
	ctx := context.Background()
	conn := connectWith(t, sessionSearchPath)
	var p pins
	db := &DB{pins: &p}
	show := func() string {
		var got string
		require.NoError(t, conn.QueryRow(ctx, `SHOW search_path`).Scan(&got))
		return got
	}
	ok, err := p.prepare(ctx, conn) // a caller's
	require.True(t, ok)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `SET search_path TO public`)
	require.NoError(t, err)
	ok, err = p.prepare(db.own(ctx), conn)
	require.True(t, ok)
	require.NoError(t, err)
	assert.Equal(t, sessionSearchPath, show(), "set back for the DB")

	ok, err = p.prepare(ctx, conn) // a caller's
	require.True(t, ok)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `SET search_path TO public`)
	require.NoError(t, err)
	done, cancel := context.WithCancel(ctx)
	cancel()
	ok, err = p.prepare(db.own(done), conn)
	assert.False(t, ok, "the connection is destroyed")
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "search_path")

	// Another DB's acquisition is a caller's.
	other := &DB{pins: &pins{}}
	conn2 := connectWith(t, sessionSearchPath)
	ok, err = p.prepare(other.own(ctx), conn2)
	require.True(t, ok)
	require.NoError(t, err)
	_, touched := p.touched.Load(conn2)
	assert.True(t, touched, "acquired by another DB's context")
}
