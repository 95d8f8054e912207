package sqlitestore_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
)

// mode returns the permission bits of the file at path.
func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi.Mode().Perm()
}

// A database file holds personal data: Open creates a new one readable
// and writable by its owner alone, and SQLite gives its WAL and
// shared-memory files the mode of the database file.
func TestNewFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	path := filepath.Join(t.TempDir(), "shop.db")
	db, err := sqlitestore.Open(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Loyalty().Append(ctx, "M", 0, []loyalty.Entry{{Seq: 1, Member: "M", Key: "k", Kind: loyalty.EntryAdjust, Time: day0}}))
	assert.Equal(t, os.FileMode(0o600), mode(t, path))
	// The database is open in WAL mode: both files are there.
	for _, side := range []string{"-wal", "-shm"} {
		assert.Equal(t, os.FileMode(0o600), mode(t, path+side), side)
	}
}

// Open leaves the mode of an existing file as it is: its owner chose it.
func TestExistingFileKeepsItsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	path := filepath.Join(t.TempDir(), "shop.db")
	require.NoError(t, os.WriteFile(path, template, 0o600))
	require.NoError(t, os.Chmod(path, 0o640))
	db, err := sqlitestore.Open(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	assert.Equal(t, os.FileMode(0o640), mode(t, path))
}
