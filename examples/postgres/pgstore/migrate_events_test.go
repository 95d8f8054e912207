package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// An UPDATE of a complaint event that changes the instant of its JSON
// without at_ns (as a writer that does not know the column would: no
// release of this package updates an event's instant, Erase rewrites the
// rest of the JSON only, but a repair by hand or a later writer may)
// takes at_ns from the JSON, as the cases' trigger does for opened and
// updated: in a schema created new and in one at version 10, upgraded
// with the event already stored. An UPDATE that keeps the JSON's instant
// keeps at_ns.
func TestEventUpdateTakesNanosecondsFromJSON(t *testing.T) {
	ctx := context.Background()
	for _, from := range []int{0, 10} {
		t.Run(fmt.Sprintf("from version %d", from), func(t *testing.T) {
			p := sharedPool(t)
			schema := newSchemaName()
			t.Cleanup(func() { dropSchema(t, p, schema) })
			db := pgstore.New(p, &pgstore.Options{Schema: schema})
			at := from
			if at == 0 {
				at = pgstore.SchemaVersion()
			}
			require.NoError(t, pgstore.MigrateTo(ctx, db, at))
			c, ev := complainttest.RecordFor("K-1", "anna", complainttest.T0.Add(700*time.Nanosecond))
			require.NoError(t, db.Complaints().Save(ctx, c, ev))
			require.NoError(t, db.Migrate(ctx))
			require.Equal(t, allVersions(), versions(t, schema))

			events := pgx.Identifier{schema, "complaint_events"}.Sanitize()
			where := `case_id = 'K-1' AND seq = 1`
			moved := complainttest.T0.Add(time.Minute + 1042*time.Nanosecond).In(time.FixedZone("UTC+5", 5*3600))
			text, err := moved.MarshalText()
			require.NoError(t, err)
			_, err = p.Exec(ctx, `UPDATE `+events+` SET at = $1, body = jsonb_set(body, '{at}', to_jsonb($2::text))
				WHERE `+where, moved.Truncate(time.Microsecond), string(text))
			require.NoError(t, err)
			sameInstant(t, moved, columnInstant(t, db, "complaint_events", "at", where), "column at after the JSON's instant changed")

			_, err = p.Exec(ctx, `UPDATE `+events+` SET actor = 'someone', body = jsonb_set(body, '{actor,id}', '"someone"') WHERE `+where)
			require.NoError(t, err)
			sameInstant(t, moved, columnInstant(t, db, "complaint_events", "at", where), "column at after an update keeping the JSON's instant")
			evs, err := db.Complaints().Events(ctx, "K-1")
			require.NoError(t, err)
			require.Len(t, evs, 1)
			sameInstant(t, moved, evs[0].At, "the event's instant")
		})
	}
}
