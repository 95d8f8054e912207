package customer

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blankIDs are IDs that hold only white space: a space, a tab, a line
// break, a no-break space and an ideographic space (U+3000), as a blank
// cell of a spreadsheet export or a padded fixed-width field leaves them.
var blankIDs = []string{" ", "   ", "\t", "\r\n", "\u00a0", "\u3000"}

// TestBlankIDsRejected: an ID of only white space names nothing, like an
// empty one, so every validator reports it on the field, CodeRequired,
// for each record and each of its ID fields.
func TestBlankIDsRejected(t *testing.T) {
	type tc struct {
		field    string
		validate func(id string) error
	}
	cases := []tc{
		{"id", func(id string) error { o := validOrder(); o.ID = id; return o.Validate(vNow) }},
		{"customer_id", func(id string) error { o := validOrder(); o.CustomerID = ID(id); return o.Validate(vNow) }},
		{"lines[1].id", func(id string) error { o := validOrder(); o.Lines[1].ID = id; return o.Validate(vNow) }},
		{"id", func(id string) error { r := validReturn(); r.ID = id; return r.Validate(validOrder(), vNow) }},
		{"order_id", func(id string) error {
			o, r := validOrder(), validReturn()
			o.ID, r.OrderID = id, id
			return r.Validate(o, vNow)
		}},
		{"customer_id", func(id string) error {
			o, r := validOrder(), validReturn()
			o.CustomerID, r.CustomerID = ID(id), ID(id)
			return r.Validate(o, vNow)
		}},
		{"lines[0].line_id", func(id string) error {
			o, r := validOrder(), validReturn()
			o.Lines[0].ID, r.Lines[0].LineID = id, id
			return r.Validate(o, vNow)
		}},
		{"id", func(id string) error { c := validCredit(); c.ID = id; return c.Validate(vNow) }},
		{"customer_id", func(id string) error { c := validCredit(); c.CustomerID = ID(id); return c.Validate(vNow) }},
		{"order_id", func(id string) error { c := validCredit(); c.OrderID = id; return c.Validate(vNow) }},
		{"order_id", func(id string) error {
			c := validCredit()
			c.Kind, c.OrderID = Compensation, id
			return c.Validate(vNow)
		}},
		{"customer_id", func(id string) error {
			i := Interaction{CustomerID: ID(id), Time: vNow, Kind: StoreVisit}
			return i.Validate(vNow)
		}},
		{"id", func(id string) error { c := validConsumer(); c.ID = ID(id); return c.Validate(vNow) }},
	}
	for _, c := range cases {
		require.NoError(t, c.validate("X-1"), "the record of %s is valid with a real ID", c.field)
		for _, id := range blankIDs {
			err := c.validate(id)
			var ve *ValidationError
			if assert.ErrorAs(t, err, &ve, "%s %q accepted", c.field, id) {
				assert.True(t, ve.Has(c.field, CodeRequired), "%s %q: want %s/%s in %v", c.field, id, c.field, CodeRequired, err)
			}
		}
	}
}

// TestBlankIDsNotBlank: IDs with white space around or inside other
// characters, and IDs of characters that are not white space, are IDs.
func TestBlankIDsNotBlank(t *testing.T) {
	for _, id := range []string{"a", " a", "a ", "A B", "\u00e9", "0", "-", "\u200b"} {
		o := validOrder()
		o.ID, o.CustomerID, o.Lines[0].ID = id, ID(id), id
		assert.NoError(t, o.Validate(vNow), "%q", id)
	}
}

// TestIDsWithControlCharactersRefused: an ID holding a control character
// (a line end taken in from a broken import, a tab, NUL) or bytes that
// are not UTF-8 is refused with CodeFormat, in every ID field, and a
// summary adds nothing of such an order.
func TestIDsWithControlCharactersRefused(t *testing.T) {
	for _, bad := range []string{"C-1\n", "C\r1", "C\t1", "C\x001", "\x7f", "C\u00851", "\xff", "C-\xc3"} {
		for _, f := range []struct {
			field string
			set   func(o *Order)
		}{
			{"id", func(o *Order) { o.ID = bad }},
			{"customer_id", func(o *Order) { o.CustomerID = ID(bad) }},
			{"lines[0].id", func(o *Order) { o.Lines[0].ID = bad }},
		} {
			o := validOrder()
			f.set(&o)
			err := o.Validate(vNow)
			var ve *ValidationError
			if assert.ErrorAs(t, err, &ve, "%s %q accepted", f.field, bad) {
				assert.True(t, ve.Has(f.field, CodeFormat), "%s %q: want %s/%s in %v", f.field, bad, f.field, CodeFormat, err)
			}
		}
		c := validConsumer()
		c.ID = ID(bad)
		err := c.Validate(vNow)
		var ve *ValidationError
		if assert.ErrorAs(t, err, &ve, "customer id %q accepted", bad) {
			assert.True(t, ve.Has("id", CodeFormat), "customer id %q: %v", bad, err)
		}
		o := validOrder()
		o.Lines[0].ID = bad
		s := NewSummary(o.CustomerID, Consumer, vNow, nil)
		require.Error(t, s.AddOrder(o), "%q", bad)
		assert.Zero(t, s.Orders)
	}
}

// TestBlankIDRejectedBySummary: a summary refuses an order of a blank
// customer or line ID and stays empty.
func TestBlankIDRejectedBySummary(t *testing.T) {
	o := validOrder()
	o.Lines[0].ID = " "
	s := NewSummary("C-1", Consumer, vNow, nil)
	err := s.AddOrder(o)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalid), "%v", err)
	assert.Zero(t, s.Orders)
	assert.Empty(t, s.Days)
}

// TestRecordTimeBeforeMinYear: an instant before 1 January of
// MinRecordYear (UTC) is no date of a shop's record but a placeholder
// ("0001-01-01" of another system's empty date) or a mistyped year, and is
// refused with CodeRange, on every record's time; the first instant of
// MinRecordYear is accepted.
func TestRecordTimeBeforeMinYear(t *testing.T) {
	first := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	early := []time.Time{
		time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("UTC+1", 3600)), // not IsZero: 0000-12-31T23:00Z
		time.Date(25, 3, 1, 12, 0, 0, 0, time.UTC),                    // a two-digit year
		first.Add(-time.Nanosecond),
		time.Date(1899, 12, 31, 23, 30, 0, 0, time.UTC),
	}
	type tc struct {
		field string
		check func(at time.Time) error
	}
	cases := []tc{
		{"time", func(at time.Time) error { o := validOrder(); o.Time = at; return o.Validate(vNow) }},
		{"time", func(at time.Time) error {
			o := validOrder()
			o.Time = at.Add(-time.Hour)
			r := validReturn()
			r.Time = at
			return r.Validate(o, vNow)
		}},
		{"time", func(at time.Time) error { c := validCredit(); c.Time = at; return c.Validate(vNow) }},
		{"time", func(at time.Time) error { return Interaction{CustomerID: "C-1", Time: at, Kind: Cart}.Validate(vNow) }},
		{"joined", func(at time.Time) error { c := validConsumer(); c.Joined = at; return c.Validate(vNow) }},
		{"trade.cooperation_start", func(at time.Time) error {
			c := validIntermediary()
			c.Trade.CooperationStart = at
			return c.Validate(vNow)
		}},
		// The rows of a sales export, as AddSale and AddRefund take them.
		{"time", func(at time.Time) error {
			return NewSummary("C-1", Consumer, vNow, nil).AddSale(Sale{Time: at, Amount: eur("10"), Units: 1})
		}},
		{"time", func(at time.Time) error {
			return NewSummary("C-1", Consumer, vNow, nil).AddRefund(at, eur("10"), 1)
		}},
	}
	for _, c := range cases {
		require.NoError(t, c.check(first), "%s at %s", c.field, first)
		require.NoError(t, c.check(first.In(time.FixedZone("UTC-5", -5*3600))), "%s at %s in UTC-5", c.field, first)
		for _, at := range early {
			err := c.check(at)
			var ve *ValidationError
			if assert.ErrorAs(t, err, &ve, "%s at %s accepted", c.field, at) {
				assert.True(t, ve.Has(c.field, CodeRange), "%s at %s: %v", c.field, at, err)
			}
		}
	}
	// A summary refuses such an order even with no clock to compare with:
	// records after AsOf are checked with a zero now.
	o := validOrder()
	o.Time = time.Date(1, 3, 1, 0, 0, 0, 0, time.UTC)
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.Error(t, s.AddOrder(o))
	assert.Zero(t, s.Orders)
	require.Error(t, o.Validate(time.Time{}))
}

// TestBlankIDRejectedBySummarize: a return or credit whose order ID is
// blank is an invalid record (ErrInvalid, naming order_id), not one
// whose order has not come (ErrNotFound).
func TestBlankIDRejectedBySummarize(t *testing.T) {
	o := validOrder()
	r := validReturn()
	r.OrderID = " "
	c := validCredit()
	c.Kind, c.OrderID = Compensation, "\t"
	for _, e := range []Event{{Return: &r}, {Credit: &c}} {
		_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}, e}), nil)
		var ve *ValidationError
		if assert.ErrorAs(t, err, &ve) {
			assert.True(t, ve.Has("order_id", CodeRequired), "%v", err)
		}
		assert.False(t, errors.Is(err, ErrNotFound), "%v", err)
	}
}
