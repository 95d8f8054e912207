package loyalty_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func TestAccountsAndEntriesPrintWithoutBirthday(t *testing.T) {
	p := club(t)
	a, entries, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Year: 1991, Month: time.July, Day: 23}, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	var buf bytes.Buffer
	// Without the time, whose digits could be taken for the birthday's.
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	log.Info("joined", "account", a, "entry", entries[0])
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%+v", a), fmt.Sprint(entries[0]), fmt.Sprintf("%v", entries), buf.String()} {
		assert.NotContains(t, s, "1991")
		assert.NotContains(t, s, "23")
		assert.Contains(t, s, "M1")
	}
}
