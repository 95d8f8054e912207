package loyalty

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/tailorcrm/tailor/customer"
)

// A Fingerprint identifies the content of the event behind a ledger
// entry (see [Entry].Fingerprint): a 64-bit hash.
//
// Its JSON form is a decimal string ("18364758544493064720"), not a
// number, as the JSON mapping of Protocol Buffers writes 64-bit integers:
// a fingerprint is nearly always above 2^53, which a reader that holds
// JSON numbers as float64 (JavaScript, many JSON libraries) rounds, so
// that an entry read and written back would no longer match its event.
// Reading, it also takes the JSON number of its digits, the form entries
// were written in before.
type Fingerprint uint64

// MarshalJSON writes f as a JSON string of its decimal digits.
func (f Fingerprint) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 22)
	b = append(b, '"')
	b = strconv.AppendUint(b, uint64(f), 10)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a fingerprint written as a JSON string of decimal
// digits (escaped or not) or as a JSON number of them; null leaves f as
// it is. Anything else (negative, with a fraction or an exponent, beyond
// 2^64 − 1, empty, or not a number at all) is an error matching
// [customer.ErrInvalid], and f is unchanged.
func (f *Fingerprint) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	ok := true
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		if strings.IndexByte(s, '\\') >= 0 {
			// A JSON string is its characters, however escaped.
			ok = json.Unmarshal(b, &s) == nil
		}
	}
	ok = ok && s != ""
	for i := 0; i < len(s) && ok; i++ {
		ok = s[i] >= '0' && s[i] <= '9'
	}
	var v uint64
	if ok {
		var err error
		v, err = strconv.ParseUint(s, 10, 64)
		ok = err == nil
	}
	if !ok {
		return fmt.Errorf("loyalty: fingerprint %s: want an unsigned 64-bit integer, as a decimal string (\"18364758544493064720\") or a JSON number of its digits: %w", b, customer.ErrInvalid)
	}
	*f = Fingerprint(v)
	return nil
}
