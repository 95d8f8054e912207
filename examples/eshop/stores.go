package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
)

// CustomerStore is what the shop needs of its customer storage: the
// directory and the customers' histories.
type CustomerStore interface {
	customer.Directory
	customer.HistoryStore
}

// Stores are the three stores the server works on. Every backend — memory,
// SQLite, PostgreSQL — provides all three; switching is one call.
type Stores struct {
	// Name says which backend this is, for the logs.
	Name       string
	Customers  CustomerStore
	Complaints complaint.Store
	Ledgers    loyalty.Store
	// Close releases the backend; nil when there is nothing to release.
	Close func() error
}

// memoryStores returns the library's in-memory stores: nothing survives
// the process. Tests and a quick look use them.
func memoryStores() *Stores {
	return &Stores{
		Name:       "memory",
		Customers:  customer.NewMemStore(),
		Complaints: complaint.NewMemStore(),
		Ledgers:    loyalty.NewMemStore(),
	}
}

// postgresStores connects to the PostgreSQL database at dsn and migrates
// its schema.
func postgresStores(ctx context.Context, dsn string) (*Stores, error) {
	db, err := pgstore.Open(ctx, dsn, nil)
	if err != nil {
		return nil, err
	}
	return pgStores(db), nil
}

// pgStores returns the stores of an open PostgreSQL database.
func pgStores(db *pgstore.DB) *Stores {
	return &Stores{
		Name:       "postgres",
		Customers:  db.Customers(),
		Complaints: db.Complaints(),
		Ledgers:    db.Loyalty(),
		Close:      func() error { db.Close(); return nil },
	}
}

// openStores opens the backend the flags choose: PostgreSQL when dsn is
// set, else the SQLite file at path, else memory.
func openStores(ctx context.Context, path, dsn string) (*Stores, error) {
	switch {
	case dsn != "" && path != "":
		return nil, errors.New("give -db or -postgres, not both")
	case dsn != "":
		s, err := postgresStores(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		return s, nil
	case path != "":
		s, err := sqliteStores(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		return s, nil
	}
	return memoryStores(), nil
}
