package loyalty

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/tailorcrm/tailor/customer"
)

// UnmarshalJSON reads the JSON form of an entry, the one encoding/json
// writes for it, with the field Fingerprint either a decimal string, as
// it is written ([Entry].Fingerprint), or a JSON number of its digits,
// as entries were written before: both give the same fingerprint,
// exactly. A fingerprint that is neither (negative, with a fraction or
// an exponent, beyond 2^64 − 1, or not a number at all) returns an
// error matching [customer.ErrInvalid] that names the entry and the
// field, and e is unchanged. Fields the JSON leaves out keep their
// values in e, as encoding/json does for a plain struct.
func (e *Entry) UnmarshalJSON(b []byte) error {
	type plain Entry // Entry without its methods, so not this one
	c := *e
	aux := struct {
		*plain
		// Fingerprint hides that of plain, whose tag reads strings only.
		Fingerprint json.RawMessage
	}{plain: (*plain)(&c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if raw := aux.Fingerprint; len(raw) > 0 && string(raw) != "null" {
		fp, ok := parseFingerprint(raw)
		if !ok {
			var pr problems
			pr.add("Fingerprint", customer.CodeFormat, "is %s: want an unsigned 64-bit integer, as a decimal string (\"18364758544493064720\") or a JSON number of its digits", raw)
			return pr.err(fmt.Sprintf("loyalty entry %d (%s %q) of member %q", c.Seq, c.Kind, c.Key, c.Member))
		}
		c.Fingerprint = fp
	}
	*e = c
	return nil
}

// parseFingerprint reads a fingerprint's JSON value: a string or a
// number of decimal digits only, at most 2^64 − 1.
func parseFingerprint(raw json.RawMessage) (uint64, bool) {
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false
		}
	}
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	fp, err := strconv.ParseUint(s, 10, 64)
	return fp, err == nil
}
