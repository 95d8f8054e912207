package privacy_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noTime leaves the time out of a log line: its digits (the clock's
// nanoseconds) could hold a secret the test looks for, such as "1990".
var noTime = &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}}

// A report, its ledger and its cases hold personal data in full; logged
// or printed by mistake, they show none of it: every fmt verb and both
// slog handlers give what identifies the report, not its content.
func TestReportNotLogged(t *testing.T) {
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	r, _ := s.export(t, "anna")
	require.NotNil(t, r.Loyalty)
	require.NotEmpty(t, r.Complaints)
	secrets := []string{"Name of anna", "Kid of anna", "anna@example.com", "1234567", "Street of anna", "seam came loose", "1990"}
	values := map[string]any{
		"report": r, "*report": &r, "loyalty": *r.Loyalty, "*loyalty": r.Loyalty,
		"complaint": r.Complaints[0], "*complaint": &r.Complaints[0],
	}
	for name, v := range values {
		var out []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, noTime)).Info("export", "v", v)
		slog.New(slog.NewJSONHandler(&js, noTime)).Info("export", "v", v)
		out = append(out, text.String(), js.String())
		for _, o := range out {
			for _, secret := range secrets {
				assert.NotContains(t, o, secret, "%s printed or logged", name)
			}
			assert.Contains(t, o, "anna", "%s printed or logged names the customer", name)
		}
	}
	assert.Equal(t, `privacy report of customer "anna" made 2026-03-01T09:00:00Z from customers, history, loyalty, complaints: record, 1 order, 0 returns, 0 credits, 2 interactions, ledger of 2 entries, 1 complaint case, personal data redacted`, r.String())
	assert.Equal(t, `ledger of member "anna": 2 entries, balance 120`, r.Loyalty.String())
	assert.Equal(t, `complaint case "C-anna" of customer "anna" (recorded, 1 event), personal data redacted`, r.Complaints[0].String())
	var js bytes.Buffer
	slog.New(slog.NewJSONHandler(&js, nil)).Info("export", "report", r)
	assert.Contains(t, js.String(), `"report":{"customer":"anna","made":"2026-03-01T09:00:00Z","sources":["customers","history","loyalty","complaints"],"record":true,"orders":1,"returns":0,"credits":0,"interactions":2,"ledger_entries":2,"complaints":1,"personal_data":"[redacted]"}`)
}
