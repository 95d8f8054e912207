package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// farTimes are instants beyond timestamptz's range (4713 BC to 294276
// AD): just beyond its ends, and so far beyond that their microseconds
// since 2000 do not fit in an int64, which sent as they are would wrap
// around into the range and be stored as another instant, or as
// ±infinity, which reads back as the zero time.
var farTimes = map[string]time.Time{
	"year 600000":  time.Date(600000, 1, 1, 0, 0, 0, 0, time.UTC),
	"year -600000": time.Date(-600000, 1, 1, 0, 0, 0, 0, time.UTC),
	"year 300000":  time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC),
	"294277 AD":    time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC),
	"4714 BC":      time.Date(-4713, 11, 23, 23, 59, 59, 999999999, time.UTC),
}

// An instant beyond timestamptz's range is refused with a validation
// error naming the record and the field, whatever its distance from the
// range, and nothing is stored; the ends of the range are stored.
func TestTimesBeyondTheRangeAreRefused(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	s := db.Customers()
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	require.NoError(t, s.AppendOrder(ctx, customer.Order{ID: "O-1", CustomerID: "C-1", Time: day, Currency: "EUR"}))
	refused := func(t *testing.T, err error, record, field string) {
		t.Helper()
		require.ErrorIs(t, err, customer.ErrInvalid)
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.Equal(t, record, ve.Record)
		assert.True(t, ve.Has(field, customer.CodeRange), "want field %s in %v", field, err)
	}
	for name, far := range farTimes {
		t.Run(name, func(t *testing.T) {
			refused(t, s.Put(ctx, customer.Customer{ID: "C-2", Kind: customer.Consumer, Joined: far}), `customer "C-2"`, "joined")
			refused(t, s.Put(ctx, customer.Customer{ID: "C-2", Kind: customer.Intermediary, Trade: &customer.Trade{CooperationStart: far}}),
				`customer "C-2"`, "trade.cooperation_start")
			_, err := s.Get(ctx, "C-2")
			require.ErrorIs(t, err, customer.ErrNotFound)
			refused(t, s.AppendOrder(ctx, customer.Order{ID: "O-2", CustomerID: "C-1", Time: far, Currency: "EUR"}), `order "O-2"`, "time")
			refused(t, s.AppendReturn(ctx, customer.Return{ID: "R-2", OrderID: "O-1", CustomerID: "C-1", Time: far}), `return "R-2"`, "time")
			refused(t, s.AppendCredit(ctx, customer.Credit{ID: "K-2", CustomerID: "C-1", Time: far,
				Amount: customer.Zero("EUR")}), `credit "K-2"`, "time")
			refused(t, s.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: far}),
				`interaction of customer "C-1"`, "time")
			for e, err := range s.History(ctx, "C-1") {
				require.NoError(t, err)
				require.NotNil(t, e.Order, "only the order O-1 is stored: %+v", e)
			}
			l := db.Loyalty()
			refused(t, l.Append(ctx, "M", 0, []loyalty.Entry{{Seq: 1, Member: "M", Key: "k", Time: far}}),
				`loyalty entry 1 of member "M"`, "time")
			refused(t, l.Append(ctx, "M", 0, []loyalty.Entry{{Seq: 1, Member: "M", Key: "k", Time: day, Effective: far}}),
				`loyalty entry 1 of member "M"`, "effective")
			got, err := l.Entries(ctx, "M", 0)
			require.NoError(t, err)
			assert.Empty(t, got)
		})
	}

	// The ends of the range are kept.
	first := time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC)
	last := time.Date(294276, 12, 31, 23, 59, 59, 999999999, time.UTC)
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-3", Kind: customer.Consumer, Joined: first}))
	got, err := s.Get(ctx, "C-3")
	require.NoError(t, err)
	assert.True(t, got.Joined.Equal(first), "joined %v", got.Joined)
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-3", Kind: customer.Consumer, Joined: last}))
	got, err = s.Get(ctx, "C-3")
	require.NoError(t, err)
	assert.True(t, got.Joined.Equal(last), "joined %v", got.Joined)
}
