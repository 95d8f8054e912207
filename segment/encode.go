package segment

import (
	"encoding"
	"encoding/binary"
	"fmt"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// statsTag and statsVersion start the encoding of Stats. Version 2 holds
// RFM statistics of version 2 or later, with the spend per purchase that
// the shop type loyal reads ([value.RFMScore].AOV); version 1 lacks it
// and is refused with an error that says so.
const (
	statsTag     = "tss"
	statsVersion = 2
)

// MarshalBinary encodes the first-pass statistics gathered so far
// (version 2): for each kind, its [value.Stats] and [value.RFMStats], in their own
// encodings. The options are not encoded. Shards gathered on different
// machines can so be shipped and merged, as the combiners of a
// distributed engine do.
func (s *Stats) MarshalBinary() ([]byte, error) {
	b := append([]byte(statsTag), statsVersion)
	for i := range kinds {
		for _, m := range []encoding.BinaryMarshaler{s.value[i], s.rfm[i]} {
			e, err := m.MarshalBinary()
			if err != nil {
				return nil, err
			}
			b = binary.AppendUvarint(b, uint64(len(e)))
			b = append(b, e...)
		}
	}
	return b, nil
}

// UnmarshalBinary replaces the statistics of s by those encoded in data
// by MarshalBinary. s must come from [NewStats] with options whose value
// and RFM models are those of the encoded statistics; the quadrant rule
// may differ, since the first pass does not read it. Data of other
// models, of version 1, that is not such an encoding, whose
// statistics hold customers of two as-of days, or, with
// Options.Currency, customers in another currency, is an error wrapping
// [value.ErrInvalidInput] and leaves s unchanged. The as-of day travels
// in the encodings of the value and RFM statistics; those of their
// versions without it decode with an unknown day ([Stats.AsOf]).
func (s *Stats) UnmarshalBinary(data []byte) error {
	bad := func(why string) error {
		return fmt.Errorf("segment: decode statistics: %s: %w", why, value.ErrInvalidInput)
	}
	if len(data) < len(statsTag)+1 || string(data[:len(statsTag)]) != statsTag {
		return bad("not an encoding of segment statistics")
	}
	switch v := data[len(statsTag)]; {
	case v == 1:
		return bad("version 1 holds no spend per purchase, which version 2 added: gather the statistics again")
	case v != statsVersion:
		return bad(fmt.Sprintf("version %d, want %d", v, statsVersion))
	}
	data = data[len(statsTag)+1:]
	t, err := NewStats(&s.opts)
	if err != nil {
		return err
	}
	for i := range kinds {
		for _, u := range []encoding.BinaryUnmarshaler{t.value[i], t.rfm[i]} {
			n, k := binary.Uvarint(data)
			if k <= 0 || n > uint64(len(data)-k) {
				return bad("truncated")
			}
			if err := u.UnmarshalBinary(data[k : k+int(n)]); err != nil {
				return fmt.Errorf("segment: decode statistics of %v customers: %w", kinds[i], err)
			}
			data = data[k+int(n):]
		}
	}
	if len(data) > 0 {
		return bad(fmt.Sprintf("%d bytes after the end", len(data)))
	}
	// The statistics hold the customers of one as-of day (see Stats).
	var days []customer.Date
	for i := range kinds {
		for _, f := range []func() (customer.Date, bool){t.value[i].AsOf, t.rfm[i].AsOf} {
			if d, ok := f(); ok {
				days = append(days, d)
			}
		}
	}
	for _, d := range days {
		if d != days[0] {
			return bad(fmt.Sprintf("customers of two as-of days, %v and %v", days[0], d))
		}
	}
	// Options that convert into a currency take no customer in another
	// (see Stats.Add).
	if want := s.opts.Currency; want != "" {
		for i := range kinds {
			for _, c := range []customer.Currency{t.value[i].Currency(), t.rfm[i].Currency()} {
				if c != "" && c != want {
					return bad(fmt.Sprintf("%v customers in %s, the options convert into %s", kinds[i], c, want))
				}
			}
		}
	}
	s.value, s.rfm = t.value, t.rfm
	return nil
}
