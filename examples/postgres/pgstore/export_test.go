package pgstore

import "context"

// MigrateTo brings db's schema up to version target only, to test
// upgrades from older schemas.
func MigrateTo(ctx context.Context, db *DB, target int) error { return db.migrateTo(ctx, target) }
