package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
)

// The stores work in every query mode of pgx, not only in the default
// one, where the server describes each statement before it runs: a
// transaction-pooling proxy (PgBouncer in transaction mode, say) needs
// default_query_exec_mode=exec or simple_protocol in the DSN, and then
// pgx knows no parameter's type. Every argument of a JSONB column must
// then be JSON text already.
func TestStoresInEveryQueryMode(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		t.Run(mode.String(), func(t *testing.T) {
			check := newDB(t)
			cfg, err := pgxpool.ParseConfig(testDSN(t))
			require.NoError(t, err)
			cfg.ConnConfig.DefaultQueryExecMode = mode
			p, err := pgxpool.NewWithConfig(context.Background(), cfg)
			require.NoError(t, err)
			t.Cleanup(p.Close)
			db := pgstore.New(p, &pgstore.Options{Schema: check.Schema()})
			ctx := context.Background()

			c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana", Region: "Berlin", Joined: at,
				Household: []customer.Member{{ID: "kid", Relation: customer.Relation(1), Name: "Bo",
					Birthday: customer.Birthday{Year: 2015, Month: 4, Day: 2}, Profile: customer.Profile{TopSize: "128", Styles: []string{"sport"}}}},
				ConsentHistory: []customer.ConsentChange{{Purpose: customer.Purpose(1), Given: true, Time: at,
					Source: customer.ConsentSource(1), Notice: "v3"}}}
			require.NoError(t, db.Customers().Put(ctx, c))
			got, err := check.Customers().Get(ctx, "C-1")
			require.NoError(t, err)
			assert.True(t, got.Equal(c), "Put stored\n%#v\nwant\n%#v", got, c)
			require.NoError(t, db.Customers().Update(ctx, "C-1", func(c *customer.Customer) error { c.Name = "Ana B."; return nil }))
			require.NoError(t, db.Customers().Insert(ctx, customer.Customer{ID: "C-2", Kind: customer.Consumer}))

			k, ev := complainttest.RecordFor("K-1", "C-1", at)
			require.NoError(t, db.Complaints().Save(ctx, k, ev))
			stored, err := check.Complaints().Get(ctx, "K-1")
			require.NoError(t, err)
			assert.Equal(t, k.Version, stored.Version)
			evs, err := check.Complaints().Events(ctx, "K-1")
			require.NoError(t, err)
			assert.Len(t, evs, 1)

			require.NoError(t, db.Customers().AppendOrder(ctx, sampleOrder("O-1", "C-1")))
			assert.Equal(t, 1, historyLen(t, check.Customers(), "C-1"))
			require.NoError(t, db.Loyalty().Append(ctx, "C-1", 0, []loyalty.Entry{joinWithBirthday("C-1")}))
			require.NoError(t, db.Loyalty().Erase(ctx, "C-1", 1, nil))
			assert.Empty(t, birthdays(t, check.Loyalty(), "C-1"))
		})
	}
}
