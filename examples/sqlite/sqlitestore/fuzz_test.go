package sqlitestore

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// An amount read back from a document is the amount written, with its
// scale.
func FuzzDecimalText(f *testing.F) {
	for _, s := range []string{"0", "199.00", "-0.10", "1e3", "0.000000000000000000000000000001", "123456789012345678901234567890.5", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 80 {
			return
		}
		d, err := decimal.NewFromString(s)
		if err != nil || d.Exponent() < -200 || d.Exponent() > 200 {
			return
		}
		b, err := json.Marshal(dec{d})
		require.NoError(t, err)
		var back dec
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		require.True(t, d.Equal(back.Decimal), "%s read back as %s", d, back.Decimal)
		if d.Exponent() < 0 {
			require.Equal(t, d.Exponent(), back.Exponent(), "scale of %s (%s)", s, b)
		}
	})
}

// An instant read back from a column is the instant written, or it was
// refused when written.
func FuzzTimeText(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(-62135596800), int64(0))       // year 1, the zero time
	f.Add(int64(1772442000), int64(123456789)) // 2026
	f.Add(int64(253402300800), int64(0))       // year 10000
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		at := time.Unix(sec, nsec%1e9)
		s, err := timeText(at)
		if err != nil {
			y := at.UTC().Year()
			require.True(t, y < 0 || y > 9999, "refused year %d: %v", y, err)
			return
		}
		require.Len(t, s, len(timeLayout), "fixed width")
		back, err := parseTime(s)
		require.NoError(t, err)
		require.True(t, back.Equal(at), "%s read back as %s", at, back)
	})
}

// A stored document that is not what this package wrote gives an error,
// never a panic; one that decodes encodes again to the same customer.
func FuzzDecodeCustomer(f *testing.F) {
	f.Add([]byte(`{"kind":"consumer","name":"Ana","trade":{"annual_turnover":{"amount":"12.50","currency":"EUR"},"outlets":2}}`))
	f.Add([]byte(`{"kind":"nope"}`))
	f.Add([]byte(`{"trade":{"market_size":{"amount":"5"}}}`))
	f.Add([]byte(`{"joined":"0001-01-01T00:00:00Z","profile":{"styles":["a"]}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := decodeCustomer("C-1", doc)
		if err != nil {
			return
		}
		_, again, err := encodeCustomer(c)
		if err != nil {
			return // e.g. a year outside 0–9999 in the document
		}
		c2, err := decodeCustomer("C-1", again)
		require.NoError(t, err)
		require.True(t, c.Equal(c2), "%s\n%s", doc, again)
	})
}

// A stored return document that is not what this package wrote gives an
// error, never a panic; one that decodes encodes again to the same
// return, its refund set or unset as it was.
func FuzzDecodeReturn(f *testing.F) {
	f.Add([]byte(`{"kind":"refund","reason":"quality-defect","lines":[{"line_id":"1","quantity":-1}]}`))
	f.Add([]byte(`{"kind":"refund","lines":[{"line_id":"1","quantity":-2}],"refund":"12.50"}`))
	f.Add([]byte(`{"kind":"refund","refund":"0"}`))
	f.Add([]byte(`{"refund":null}`))
	f.Add([]byte(`{"refund":12.5}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		const at = "2026-03-02T09:00:00.000000000Z"
		r, err := decodeReturn("R-1", "O-1", "C-1", at, doc)
		if err != nil {
			return
		}
		_, again, err := encodeReturn(r)
		if err != nil {
			return
		}
		r2, err := decodeReturn("R-1", "O-1", "C-1", at, again)
		require.NoError(t, err)
		require.True(t, r.Equal(r2), "%s\n%s", doc, again)
		if r.Refund.Valid && r.Refund.Decimal.Exponent() < 0 {
			require.Equal(t, r.Refund.Decimal.Exponent(), r2.Refund.Decimal.Exponent(), "scale of the refund (%s)", again)
		}
	})
}
