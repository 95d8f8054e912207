package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// A schema named $user, which a search_path reads as the session role's
// own schema however it is quoted, cannot be the one the migrations run
// in: Migrate refuses it (an error matching customer.ErrInvalid naming
// the schema and Options.Schema) and changes nothing. It creates neither
// the schema nor its tables — not as temporary tables of the session
// (where CREATE TABLE puts them when the role has no schema of its own
// and the search_path names pg_temp), nor in the role's schema when it
// has one.
func TestMigrateRefusesASchemaTheSearchPathCannotName(t *testing.T) {
	ctx := context.Background()
	for _, roleSchema := range []bool{false, true} {
		name := "without a schema of the role"
		if roleSchema {
			name = "with a schema of the role"
		}
		t.Run(name, func(t *testing.T) {
			p := scratchDatabase(t)
			if roleSchema {
				_, err := p.Exec(ctx, `CREATE SCHEMA AUTHORIZATION CURRENT_USER`)
				require.NoError(t, err)
			}
			db := pgstore.New(p, &pgstore.Options{Schema: "$user"})
			err := db.Migrate(ctx)
			require.ErrorIs(t, err, customer.ErrInvalid)
			var verr *customer.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.True(t, verr.Has("Options.Schema", customer.CodeFormat), "%v", err)
			assert.Contains(t, err.Error(), `"$user"`)

			var schemas int
			require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = '$user'`).Scan(&schemas))
			assert.Zero(t, schemas, "the schema $user")
			var tables []string
			rows, err := p.Query(ctx, `SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c
				JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
				WHERE c.relname IN ('schema_version', 'customers', 'complaint_cases')`)
			require.NoError(t, err)
			tables, err = pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			assert.Empty(t, tables, "tables of the migrations anywhere")
		})
	}
}
