package loyalty_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// An erasure applied in one batch with the events that recorded the
// birthday (a join, a birthday change) leaves no birthday in the store:
// not in the entries stored before the batch, nor in those of the batch
// itself; the entries returned are those stored.
func TestErasureInOneBatchWithTheBirthday(t *testing.T) {
	p := club(t)
	ctx := context.Background()
	st := loyalty.NewMemStore()
	svc := loyalty.NewService(p, st, nil)
	bd := customer.Birthday{Year: 1990, Month: time.May, Day: 2}
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Birthday: bd, Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	for _, batch := range [][]loyalty.Event{
		{
			loyalty.Join{Member: "M2", Birthday: bd, Time: day(2026, 1, 5)},
			loyalty.Erasure{Member: "M2", ID: "e", Time: day(2026, 1, 5)},
		},
		{
			loyalty.BirthdayChanged{Member: "M1", ID: "c", Birthday: customer.Birthday{Year: 1991, Month: time.June, Day: 3}, Time: day(2026, 1, 6)},
			loyalty.Erasure{Member: "M1", ID: "e", Time: day(2026, 1, 6)},
		},
	} {
		m := batch[0].MemberID()
		a, appended, err := svc.ApplyAll(ctx, batch, day(2026, 1, 6))
		require.NoError(t, err)
		assert.True(t, a.Birthday.IsZero())
		stored, err := st.Entries(ctx, m, 0)
		require.NoError(t, err)
		for _, e := range stored {
			assert.True(t, e.Birthday.IsZero(), "member %s entry %d (%s) holds a birthday", m, e.Seq, e.Kind)
		}
		assert.Equal(t, stored[len(stored)-len(appended):], appended, "the entries returned are those stored")
		r, err := loyalty.Replay(stored)
		require.NoError(t, err)
		assert.Equal(t, a.Version, r.Version)
		// Delivered again, the batch is a redelivery.
		_, _, err = svc.ApplyAll(ctx, batch, day(2026, 1, 7))
		require.ErrorIs(t, err, loyalty.ErrDuplicate)
	}
}
