// Package idtext writes the messages of the conformance kits' checks
// about IDs that a store may not hold as given (with a NUL byte, text
// that is not UTF-8, or many kilobytes long): it quotes such an ID short
// enough for a test log, cuts it out of an error's text, and tells
// whether an error is the refusal the kits' contracts ask for, a
// [*customer.ValidationError] that names the record and the field.
package idtext

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/customer"
)

// keep is the number of bytes of a long ID that a message shows, and
// maxMsg the length beyond which an error's text is cut.
const (
	keep   = 24
	maxMsg = 400
)

// Quote quotes id as %q does, cut to its first 24 bytes, with its
// length, when it is longer.
func Quote(id string) string {
	if len(id) <= keep {
		return fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("%q… (%d bytes)", id[:keep], len(id))
}

// Cut returns msg with each occurrence of a long id, quoted (as Quote
// writes it) or as given (its first 24 bytes and "…"), cut short, and the
// whole cut to 400 bytes.
func Cut(msg, id string) string {
	if len(id) > keep {
		msg = strings.ReplaceAll(msg, fmt.Sprintf("%q", id), Quote(id))
		msg = strings.ReplaceAll(msg, id, id[:keep]+"…")
	}
	if len(msg) > maxMsg {
		msg = msg[:maxMsg] + "…"
	}
	return msg
}

// Err is the text of err, cut as Cut cuts it, or "<nil>".
func Err(err error, id string) string {
	if err == nil {
		return "<nil>"
	}
	return Cut(err.Error(), id)
}

// Refusal returns the validation error that err, the refusal of a write
// named what (such as "Put of customer \"C-1\\x00\""), is: one matching
// customer.ErrInvalid and a [*customer.ValidationError]. Otherwise it
// returns nil and what is wrong, for a test to report; the record the
// error names, written as noun ("record", "entry"), and its fields are
// the caller's to check.
func Refusal(err error, id, what, noun string) (*customer.ValidationError, string) {
	var ve *customer.ValidationError
	switch {
	case !errors.Is(err, customer.ErrInvalid):
		return nil, fmt.Sprintf("%s = %s, want nil (the ID kept as given) or an error matching customer.ErrInvalid", what, Err(err, id))
	case !errors.As(err, &ve):
		return nil, fmt.Sprintf("%s = %s, want a *customer.ValidationError naming the %s and the field", what, Err(err, id), noun)
	}
	return ve, ""
}
