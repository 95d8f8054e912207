package sqlitestore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/loyalty"
)

func BenchmarkCustomerGet(b *testing.B) {
	cs := newDB(b).Customers()
	require.NoError(b, cs.Put(ctx, consumer("C-1")))
	for b.Loop() {
		if _, err := cs.Get(ctx, "C-1"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendOrder(b *testing.B) {
	cs := newDB(b).Customers()
	require.NoError(b, cs.Put(ctx, consumer("C-1")))
	i := 0
	for b.Loop() {
		i++
		if err := cs.AppendOrder(ctx, coat(fmt.Sprint("O-", i), "C-1", day0.Add(time.Duration(i)*time.Minute))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistory reads a history of 100 orders.
func BenchmarkHistory(b *testing.B) {
	cs := newDB(b).Customers()
	require.NoError(b, cs.Put(ctx, consumer("C-1")))
	for i := range 100 {
		require.NoError(b, cs.AppendOrder(ctx, coat(fmt.Sprint("O-", i), "C-1", day0.Add(time.Duration(i)*time.Hour))))
	}
	for b.Loop() {
		n := 0
		for _, err := range cs.History(ctx, "C-1") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100 {
			b.Fatalf("%d events", n)
		}
	}
}

func BenchmarkComplaintSave(b *testing.B) {
	ks := newDB(b).Complaints()
	c, ev := complainttest.Record("K-1", day0)
	require.NoError(b, ks.Save(ctx, c, ev))
	for b.Loop() {
		next, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, complainttest.Agent, day0.Add(time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		if err := ks.Save(ctx, next, ev); err != nil {
			b.Fatal(err)
		}
		c = next
	}
}

func BenchmarkLoyaltyAppend(b *testing.B) {
	ls := newDB(b).Loyalty()
	var seq int64
	for b.Loop() {
		seq++
		e := loyalty.Entry{Seq: seq, Member: "M", Key: fmt.Sprint("k", seq), Kind: loyalty.EntryAdjust, Points: 5, Time: day0}
		if err := ls.Append(ctx, "M", seq-1, []loyalty.Entry{e}); err != nil {
			b.Fatal(err)
		}
	}
}
