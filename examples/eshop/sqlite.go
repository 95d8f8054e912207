package main

import (
	"context"

	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

// sqliteStores opens (creating when missing) the SQLite file at path.
func sqliteStores(ctx context.Context, path string) (*Stores, error) {
	db, err := sqlitestore.Open(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	return liteStores(db), nil
}

// liteStores returns the stores of an open SQLite database.
func liteStores(db *sqlitestore.DB) *Stores {
	return &Stores{
		Name:       "sqlite",
		Customers:  db.Customers(),
		Complaints: db.Complaints(),
		Ledgers:    db.Loyalty(),
		Close:      db.Close,
	}
}
