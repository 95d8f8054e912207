package loyalty_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// TestMemStoreKeepsEntriesExactly appends entries with every field set,
// and with few set, in batches of several sizes, and reads them back from
// every position.
func TestMemStoreKeepsEntriesExactly(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 5, paris)
	full := func(seq int64) loyalty.Entry {
		return loyalty.Entry{Seq: seq, Member: "M1", Key: fmt.Sprint("K", seq), Fingerprint: loyalty.Fingerprint(seq) * 77,
			Kind: loyalty.EntryClawback, Time: at, Effective: at.Add(time.Hour), Points: -3, Lot: "L",
			AvailableAt: at.Add(2 * time.Hour), ExpiresAt: at.AddDate(1, 0, 0),
			Parts: []loyalty.LotPart{{Lot: "L", Points: 3}}, Debt: 1, Forgiven: 2, OrderID: "O1",
			Lines: []loyalty.LineRecord{{LineID: "A", Quantity: -1, Net: dec("-9.90"), Weight: dec("990")}},
			Spend: dec("-9.90"), Qualifying: -3, Bonus: loyalty.BonusSurvey, Year: 2026, Reason: "r", Operator: "o",
			From: 1, To: 2, TierName: "gold", NextReview: at.AddDate(0, 6, 0), GraceUntil: at.AddDate(0, 7, 0),
			Birthday: customer.Birthday{Year: 1990, Month: time.May, Day: 4}, Note: "note"}
	}
	sparse := func(seq int64) loyalty.Entry {
		return loyalty.Entry{Seq: seq, Member: "M1", Key: fmt.Sprint("K", seq), Kind: loyalty.EntryRelease,
			Time: at, Effective: at, Parts: []loyalty.LotPart{{Lot: "L", Points: 1}}, Note: "n"}
	}
	named := sparse(0) // a tier name the only field most kinds leave zero
	named.Kind, named.Parts, named.TierName = loyalty.EntryReview, nil, "silver"
	zeroLoc := sparse(0)
	zeroLoc.GraceUntil = time.Time{}.In(paris) // a zero instant with a location is kept as it is
	s := loyalty.NewMemStore()
	ctx := context.Background()
	var all []loyalty.Entry
	for i, size := range []int{1, 3, 2, 1, 4} {
		var batch []loyalty.Entry
		for j := range size {
			seq := int64(len(all) + 1)
			var e loyalty.Entry
			switch (i + j) % 4 {
			case 0:
				e = full(seq)
			case 1:
				e = sparse(seq)
			case 2:
				e = named
				e.Seq, e.Key = seq, fmt.Sprint("K", seq)
			default:
				e = zeroLoc
				e.Seq, e.Key = seq, fmt.Sprint("K", seq)
			}
			batch = append(batch, e)
			all = append(all, e)
		}
		require.NoError(t, s.Append(ctx, "M1", int64(len(all)-size), batch))
	}
	for after := int64(-1); after <= int64(len(all))+1; after++ {
		got, err := s.Entries(ctx, "M1", after)
		require.NoError(t, err)
		want := all[min(max(after, 0), int64(len(all))):]
		require.Equal(t, len(want), len(got), "after %d", after)
		for i := range want {
			require.Equal(t, want[i], got[i], "after %d, entry %d", after, i)
		}
	}
}
