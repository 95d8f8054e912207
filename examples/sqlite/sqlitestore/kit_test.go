package sqlitestore_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// template is an empty database file at the current schema. The kits ask
// for a new, empty store per check and per case of their model-based
// tests (hundreds); each gets a copy of this file rather than running the
// migrations again, which keeps the suite fast under -race.
var template []byte

func TestMain(m *testing.M) {
	flag.Parse()
	// The SQLite engine is C translated to Go: under the race detector
	// every statement is several times slower. With -race, the kits'
	// model-based tests run fewer cases unless -rapid.checks is given.
	if raceEnabled && !flagSet("rapid.checks") {
		_ = flag.Set("rapid.checks", "25")
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sqlitestore-template-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	db, err := sqlitestore.Open(context.Background(), path, nil)
	if err == nil {
		err = db.Close()
	}
	if err == nil {
		template, err = os.ReadFile(path)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "template database:", err)
		return 1
	}
	return m.Run()
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// newDB opens a new database file, a copy of the template, in a
// temporary directory of t; it is closed when t ends.
func newDB(t testing.TB) *sqlitestore.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tailor.db")
	require.NoError(t, os.WriteFile(path, template, 0o600))
	db, err := sqlitestore.Open(context.Background(), path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// The conformance kits of the library, each store on its own file.

func TestCustomerKit(t *testing.T) {
	customertest.TestStore(t, func(t *testing.T) customer.Directory { return newDB(t).Customers() })
}

func TestCustomerHistoryKit(t *testing.T) {
	customertest.TestHistoryStore(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
		s := newDB(t).Customers()
		return s, s
	})
}

func TestCustomerHistoryConflicts(t *testing.T) {
	customertest.TestHistoryConflicts(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
		s := newDB(t).Customers()
		return s, s
	})
}

func TestComplaintKit(t *testing.T) {
	complainttest.TestStore(t, func(t *testing.T) complaint.Store { return newDB(t).Complaints() })
}

func TestLoyaltyKit(t *testing.T) {
	loyaltytest.TestStore(t, func(t *testing.T) loyalty.Store { return newDB(t).Loyalty() })
}
