package loyalty_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A tier name is the tier's identity, read back from stored ledgers: a
// name, or a former name, that is not valid UTF-8 is refused, naming
// the field, since a ledger stored as JSON reads it back otherwise
// (each invalid byte as U+FFFD) and the programme would then read the
// tier as dropped and move its members down.
func TestTierNameNotUTF8Refused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *loyalty.Config)
		field  string
	}{
		{"name", func(c *loyalty.Config) { c.Tiers.Levels[1].Name = "silver\xff" }, "tiers.levels[1].name"},
		{"former name", func(c *loyalty.Config) { c.Tiers.Levels[2].FormerNames = []string{"or\xc3"} }, "tiers.levels[2].former_names[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := club(t).Config()
			tc.change(&c)
			_, err := loyalty.Compile(c)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "%v", err)
			assert.Equal(t, tc.field, ve.Fields[0].Field)
			assert.Equal(t, customer.CodeFormat, ve.Fields[0].Code)
		})
	}
}

// A ledger stored as JSON reads back the tier names it recorded: the
// next event under the same programme moves no member (a valid UTF-8
// name, however unusual, round-trips exactly).
func TestTierNameJSONRoundTripKeepsTier(t *testing.T) {
	for _, name := range []string{"silver", " Silber ", "Gold ★", "argent\u00a0plus", "gold\u200bplus"} {
		t.Run(name, func(t *testing.T) {
			c := club(t).Config()
			c.Tiers.Levels[1].Name = name
			p, err := loyalty.Compile(c)
			require.NoError(t, err)
			var a loyalty.Account
			var all []loyalty.Entry
			for _, ev := range []loyalty.Event{
				loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
				loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))},
			} {
				next, es, err := p.Apply(a, ev, day(2026, 2, 1))
				require.NoError(t, err)
				a, all = next, append(all, es...)
			}
			require.Equal(t, name, a.LevelName())
			data, err := json.Marshal(all)
			require.NoError(t, err)
			var back []loyalty.Entry
			require.NoError(t, json.Unmarshal(data, &back))
			r, err := loyalty.Replay(back)
			require.NoError(t, err)
			assert.Equal(t, name, r.LevelName())
			_, es, err := p.Apply(r, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
			require.NoError(t, err)
			assert.Empty(t, ofKind(es, loyalty.EntryTier), "%v", es)
		})
	}
}
