package loyalty_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// withoutTime drops slog's time attribute, whose digits could be taken
// for the birthday's.
func withoutTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// joinedJuly23 returns the account and entries of a member born on 23
// July 1991 after joining and a purchase.
func joinedJuly23(t *testing.T) (loyalty.Account, []loyalty.Entry) {
	t.Helper()
	p := club(t)
	a, es, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Year: 1991, Month: time.July, Day: 23}, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	a, more, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 6), line("A", "coats", "100", 1))}, day(2026, 1, 6))
	require.NoError(t, err)
	return a, append(es, more...)
}

// A ledger logged as loyalty.Entries through slog's JSON handler, or as
// a plain []Entry or []Account through a handler with
// loyalty.ReplaceAttr, shows no birthday, while the entries' own JSON
// form, the stored one, keeps it.
func TestEntrySlicesLogWithoutBirthdayInJSON(t *testing.T) {
	a, es := joinedJuly23(t)
	stored, err := json.Marshal(es)
	require.NoError(t, err)
	assert.Contains(t, string(stored), "1991", "the stored form keeps the birthday")

	check := func(name string, out string) {
		t.Helper()
		assert.NotContains(t, out, "1991", name)
		assert.NotContains(t, out, "23", name)
		assert.Contains(t, out, "M1", name)
		assert.Contains(t, out, "order:O1", name)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: withoutTime}))
	log.Info("ledger", "entries", loyalty.Entries(es))
	check("Entries, JSON handler", buf.String())
	var doc struct{ Entries []map[string]any }
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc), buf.String())
	require.Len(t, doc.Entries, len(es), "one object per entry")
	assert.Equal(t, "join", doc.Entries[0]["kind"])

	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: withoutTime})).Info("ledger", "entries", loyalty.Entries(es))
	check("Entries, text handler", buf.String())

	replace := func(groups []string, x slog.Attr) slog.Attr {
		return loyalty.ReplaceAttr(groups, withoutTime(groups, x))
	}
	for _, h := range []slog.Handler{
		slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: replace}),
		slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: replace}),
	} {
		buf.Reset()
		slog.New(h).WithGroup("g").Info("ledger", "entries", es, "accounts", []loyalty.Account{a}, "n", 7)
		check("plain slices with ReplaceAttr", buf.String())
		assert.Contains(t, buf.String(), "7", "other attributes stay")
	}
}
