package sqlitestore_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

// Several handles opening one new file at once — processes starting
// together — each get a working database at the latest schema: the
// switch to WAL and the migrations wait for each other (busy time-out,
// BEGIN IMMEDIATE) rather than fail, and a later opener finds the
// migrations applied (a second run of one would fail on its tables).
func TestConcurrentOpensOfANewFile(t *testing.T) {
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "shop.db")
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				db, err := sqlitestore.Open(ctx, path, nil)
				if !assert.NoError(t, err, "round %d, opener %d", round, i) {
					return
				}
				defer db.Close()
				v, err := db.SchemaVersion(ctx)
				assert.NoError(t, err)
				assert.Equal(t, sqlitestore.LatestSchema, v, "round %d, opener %d", round, i)
				assert.NoError(t, db.Customers().Put(ctx, consumer("C-1")), "round %d, opener %d", round, i)
			})
		}
		wg.Wait()
	}
}
