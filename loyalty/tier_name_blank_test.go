package loyalty_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A tier name of white space only is refused, naming the field: it
// shows as nothing in a note ("upgraded from member to    "), on a
// receipt or a screen, and no members' sale could be limited to the
// tier, since pricing.seasonal[i].tiers refuses a blank name.
func TestTierNameBlankRefused(t *testing.T) {
	for _, name := range []string{" ", "   ", "\t", "\u00a0", " \u3000 "} {
		t.Run(name, func(t *testing.T) {
			c := club(t).Config()
			c.Tiers.Levels[1].Name = name
			_, err := loyalty.Compile(c)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "%v", err)
			assert.Equal(t, "tiers.levels[1].name", ve.Fields[0].Field)
			assert.Equal(t, customer.CodeRequired, ve.Fields[0].Code)
			assert.Contains(t, ve.Fields[0].Message, "blank")
		})
	}
}

// A blank former name is still accepted: ledgers may have recorded a
// blank tier name under a programme that took one, and the rename that
// lists it is the only way for their members to keep that tier.
func TestTierFormerNameBlankKeepsTier(t *testing.T) {
	p := club(t)
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
	silver := p.Tier(a).Name
	require.NotEqual(t, p.Levels()[0].Name, silver, "the purchase reaches the second tier")
	for i := range all {
		if all[i].TierName == silver {
			all[i].TierName = "   "
		}
	}
	old, err := loyalty.Replay(all)
	require.NoError(t, err)
	require.Equal(t, "   ", old.LevelName())

	c := p.Config()
	c.Tiers.Levels[1].FormerNames = []string{"   "}
	renamed, err := loyalty.Compile(c)
	require.NoError(t, err, "a blank former name is accepted")
	assert.Equal(t, silver, renamed.Tier(old).Name)
}

// A name of invisible characters only shows as nothing too, and a
// control character breaks the notes and exports the name is written
// to: both are refused, naming the field. Visible text with such a
// character inside is refused only for the control character.
func TestTierNameInvisibleOrControlRefused(t *testing.T) {
	for _, tc := range []struct{ name, code, msg string }{
		{"\u200b", customer.CodeRequired, "blank"},
		{"\u00ad", customer.CodeRequired, "blank"},
		{" \u2060 ", customer.CodeRequired, "blank"},
		{"\ufeff", customer.CodeRequired, "blank"},
		{"\x00", customer.CodeFormat, "control character"},
		{"gold\x1b", customer.CodeFormat, "control character"},
		{"gold\nsilver", customer.CodeFormat, "control character"},
		{"\u0085", customer.CodeRequired, "blank"}, // NEL is white space
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := club(t).Config()
			c.Tiers.Levels[1].Name = tc.name
			_, err := loyalty.Compile(c)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "%v", err)
			assert.Equal(t, "tiers.levels[1].name", ve.Fields[0].Field)
			assert.Equal(t, tc.code, ve.Fields[0].Code)
			assert.Contains(t, ve.Fields[0].Message, tc.msg)
		})
	}
	// A visible name with a format character inside stays a name.
	c := club(t).Config()
	c.Tiers.Levels[1].Name = "gold\u200bplus"
	_, err := loyalty.Compile(c)
	require.NoError(t, err)
}

// A former name may hold a control character: a programme that took
// such a name wrote it to its ledgers, and listing it is how the
// renamed tier keeps its members.
func TestTierFormerNameControlAccepted(t *testing.T) {
	c := club(t).Config()
	c.Tiers.Levels[1].FormerNames = []string{"tab\tname", "\x00"}
	_, err := loyalty.Compile(c)
	require.NoError(t, err)
}
