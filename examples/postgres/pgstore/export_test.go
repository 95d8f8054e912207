package pgstore

import "context"

// MigrateTo brings db's schema up to version target only, to test
// upgrades from older schemas.
func MigrateTo(ctx context.Context, db *DB, target int) error { return db.migrateTo(ctx, target) }

// Pinned reports whether the sessions of db's pool have the search_path
// the stores need, so that their statements run without setting it.
func Pinned(db *DB) bool { return db.pins != nil }
