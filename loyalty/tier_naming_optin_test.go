package loyalty_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// oldReleaseAccepts fails the test for a tier entry of es that versions
// of the library from before the naming refuse: one whose From and To
// are equal ("not a tier change"), such as a naming.
func oldReleaseAccepts(t *testing.T, es []loyalty.Entry) {
	t.Helper()
	for _, e := range es {
		if e.Kind == loyalty.EntryTier && (e.From == e.To || strings.HasPrefix(e.Key, "named-tier:")) {
			t.Errorf("entry %d %q: tier %d to %d, which versions before the naming refuse", e.Seq, e.Key, e.From, e.To)
		}
	}
}

// A programme that does not name ledgers (the default) names no ledger
// written before tier names were recorded, whatever the event: each
// leaves it as before the naming, a ledger the versions before it read.
// The first review names it, as a tier or review entry always did.
func TestTierNamingOffByDefault(t *testing.T) {
	p := club(t)
	require.False(t, p.Config().Tiers.NameLedgers)
	old, a := oldTierLedger(t, "M1", "600")
	now := day(2026, 2, 20)
	for _, ev := range []loyalty.Event{
		loyalty.Tick{Member: "M1"},
		loyalty.Purchase{Order: order("O2", "M1", now, line("SCARF", "accessories", "100", 1))},
		loyalty.Purchase{Order: order("O3", "M1", now, line("SUIT", "suits", "1000", 1))},
		loyalty.Returned{Return: ret("X1", "O1", "M1", now, customer.ReturnLine{LineID: "COAT", Quantity: -1})},
		loyalty.Adjustment{Member: "M1", ID: "A1", Points: 10, Reason: "goodwill", Operator: "ops", Time: now},
		loyalty.SurveyAnswered{Member: "M1", SurveyID: "S2", Time: now},
		loyalty.BirthdayChanged{Member: "M1", ID: "B1", Birthday: customer.Birthday{Month: 5, Day: 4}, Time: now},
		loyalty.Erasure{ID: "E1", Member: "M1", Time: now},
	} {
		t.Run(fmt.Sprintf("%T", ev), func(t *testing.T) {
			b, es, err := p.Apply(a, ev, now)
			require.NoError(t, err)
			assert.Empty(t, tierMoves(es, "named-tier:"), "%v", es)
			oldReleaseAccepts(t, es)
			if len(ofKind(es, loyalty.EntryTier)) == 0 {
				assert.Empty(t, b.LevelName(), "no tier entry, no name")
			}
			r, err := loyalty.Replay(append(append([]loyalty.Entry(nil), old...), es...))
			require.NoError(t, err)
			assert.Equal(t, b.Version, r.Version)
		})
	}

	// A ledger so left, over a year: the review (a year after the
	// upgrade of 1 February 2026) names the tier held, and no entry is
	// one that versions before the naming refuse.
	log := append([]loyalty.Entry(nil), old...)
	for _, step := range []struct {
		ev loyalty.Event
		at int
	}{
		{loyalty.Tick{Member: "M1"}, 1},
		{loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 20), line("SCARF", "accessories", "100", 1))}, 1},
		{loyalty.Tick{Member: "M1"}, 2},
	} {
		next, es, err := p.Apply(a, step.ev, day(2026+step.at-1, 2, 20))
		require.NoError(t, err)
		assert.Empty(t, tierMoves(es, "named-tier:"))
		a, log = next, append(log, es...)
	}
	oldReleaseAccepts(t, log)
	reviews := ofKind(log, loyalty.EntryReview)
	require.NotEmpty(t, reviews)
	assert.Equal(t, "silver", reviews[0].TierName)
	assert.Equal(t, "silver", a.LevelName())
	r, err := loyalty.Replay(log)
	require.NoError(t, err)
	assert.Equal(t, "silver", r.LevelName())
}

// A ledger named under a programme that names ledgers reads and takes
// events under one that does not: the name stays, a restructure reads
// the tier by it, and replay accepts the naming whatever the programme.
func TestTierNamingThenSettingOff(t *testing.T) {
	old, a := oldTierLedger(t, "M1", "600")
	named, es, err := namingClub(t).Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 11))
	require.NoError(t, err)
	require.Len(t, tierMoves(es, "named-tier:"), 1)
	log := append(append([]loyalty.Entry(nil), old...), es...)

	off := club(t)
	b, es, err := off.Apply(named, loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 20), line("SCARF", "accessories", "100", 1))}, day(2026, 2, 20))
	require.NoError(t, err)
	assert.Empty(t, ofKind(es, loyalty.EntryTier))
	assert.Equal(t, loyalty.Points(125), earned(es)["O2"], "earns as silver")
	assert.Equal(t, "silver", b.LevelName())
	log = append(log, es...)
	r, err := loyalty.Replay(log)
	require.NoError(t, err)
	assert.Equal(t, "silver", r.LevelName())
	assert.Equal(t, b.Version, r.Version)

	// Silver dropped, the setting still off: the member goes to member.
	p := restructured(t, clubTier(t, "member"), clubTier(t, "gold"))
	require.False(t, p.Config().Tiers.NameLedgers)
	after, es, err := p.Apply(r, loyalty.Tick{Member: "M1"}, day(2026, 2, 21))
	require.NoError(t, err)
	require.Len(t, tierMoves(es, "dropped-tier:"), 1)
	assert.Equal(t, "member", after.LevelName())
}

// NameLedgers is the programme's "name_ledgers" in tiers: decoded,
// returned by Config, written back and read again; left out when false,
// so a programme without it writes as before; a value of another type
// is refused naming the field.
func TestTierNamingSettingJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/programme.json")
	require.NoError(t, err)
	on := strings.Replace(string(data), `"basis": "spend",`, `"basis": "spend", "name_ledgers": true,`, 1)
	require.NotEqual(t, string(data), on)
	p, err := loyalty.DecodeProgramme([]byte(on))
	require.NoError(t, err)
	assert.True(t, p.Config().Tiers.NameLedgers)
	b, err := json.Marshal(p.Config())
	require.NoError(t, err)
	assert.Contains(t, string(b), `"name_ledgers":true`)
	q, err := loyalty.DecodeProgramme(b)
	require.NoError(t, err)
	assert.True(t, q.Config().Tiers.NameLedgers)
	_, old := oldTierLedger(t, "M1", "600")
	_, es, err := q.Apply(old, loyalty.Tick{Member: "M1"}, day(2026, 2, 11))
	require.NoError(t, err)
	assert.Len(t, tierMoves(es, "named-tier:"), 1, "the decoded programme names ledgers")

	b, err = json.Marshal(club(t).Config())
	require.NoError(t, err)
	assert.NotContains(t, string(b), "name_ledgers")
	q, err = loyalty.DecodeProgramme(b)
	require.NoError(t, err)
	assert.False(t, q.Config().Tiers.NameLedgers)

	bad := strings.Replace(string(data), `"basis": "spend",`, `"basis": "spend", "name_ledgers": "yes",`, 1)
	_, err = loyalty.DecodeProgramme([]byte(bad))
	require.Error(t, err)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Contains(t, err.Error(), "tiers.name_ledgers")
}
