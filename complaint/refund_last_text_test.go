package complaint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// lastUnitsMarked returns case C-1 after a refund of the 2 units of SKU
// JKT-01-M left after a till return of the third, carried out at hour 7
// and marked by MarkLastUnits, its events and the complainant's history
// (the order and the till return).
func lastUnitsMarked(t *testing.T) (complaint.Case, []complaint.Event, history) {
	t.Helper()
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, twoOfThree(t), 5)
	h := newHistory(t, shirtOrder())
	h.ret(t, rvTill("R-till", "1", 1, -30))
	c, ev, err := rvMark(t, c, evs, shirtOrder(), h.events(t))
	require.NoError(t, err)
	require.True(t, ev.LastUnits && c.RefundedAll)
	evs[len(evs)-1] = ev
	return c, evs, h
}

// slogJSON returns the JSON form slog gives v (an event or a case) as
// the attribute "event".
func slogJSON(t *testing.T, v slog.LogValuer) (map[string]any, string) {
	t.Helper()
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("audit", "event", v)
	var doc struct {
		Event map[string]any `json:"event"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc), b.String())
	return doc.Event, b.String()
}

// An operator reading the audit trail sees which carry-out took back the
// last units, and so why the case refuses another refund: the text form
// and the slog form of a marked carry-out say so; those of an unmarked
// one do not.
func TestLastUnitsShownInEventTextAndLog(t *testing.T) {
	_, evs, _ := lastUnitsMarked(t)
	ev := evs[len(evs)-1]
	assert.Contains(t, ev.String(), ": approved → carried-out, priority normal, took back the last units, command carry-out")
	doc, raw := slogJSON(t, ev)
	assert.Equal(t, true, doc["last_units"], raw)
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("audit", "event", ev)
	assert.Contains(t, b.String(), " event.last_units=true ")

	_, evs = refundedUnits(t, "63.00", 1)
	plain := evs[len(evs)-1]
	require.False(t, plain.LastUnits)
	assert.NotContains(t, plain.String(), "last units")
	assert.Contains(t, plain.String(), ": approved → carried-out, priority normal, command carry-out")
	_, raw = slogJSON(t, plain)
	assert.NotContains(t, raw, "last_units")
}

// The refusal of a refund after one that left the customer none of the
// subject's units says so, and what to propose instead, in the same
// words whether that refund was of every unit (Units 0) or marked as
// taking back the last ones.
func TestRefundAfterLastUnitsRefusalText(t *testing.T) {
	const want = `complaint "C-1": propose: command.proposal.kind: a refund the case carried out left the customer none of the subject's units, so none is left to bring back; propose a price reduction of what is left of the order's price or a compensation instead`
	marked, evs, _ := lastUnitsMarked(t)
	marked, _ = reopenAt(t, marked, evs, 8)
	c, evs := reach(3)
	all := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "150.00"), Detail: "all back, less the wear"}
	c, evs = resolve(t, c, evs, all, 5)
	every, _ := reopenAt(t, c, evs, 8)
	for name, c := range map[string]complaint.Case{"last units": marked, "every unit": every} {
		t.Run(name, func(t *testing.T) {
			require.True(t, c.RefundedAll)
			p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "10.00"), Units: 1, Detail: "one more"}
			got, _, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler, hours(10))
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has("command.proposal.kind", customer.CodeMismatch), "%v", err)
			assert.EqualError(t, err, want)
			assert.True(t, complainttest.Same(c, got), "nothing changed")
		})
	}
}

// A reader of the stored documents that does not know the mark (one
// written before it: encoding/json drops unknown fields) and writes an
// event back unmarked, while the case keeps RefundedAll, leaves a case
// that Verify reports; one that writes both back without them leaves a
// log that reads as one written before the mark, which Verify accepts;
// a Service with a CustomerHistory then refuses the carry-out of another
// refund (see Event.LastUnits).
func TestLastUnitsDroppedByAnOlderReader(t *testing.T) {
	ctx := context.Background()
	c, evs, h := lastUnitsMarked(t)
	ev := evs[len(evs)-1]
	dropped := ev
	dropped.LastUnits = false

	st := storeOf(t, evs[:len(evs)-1])
	require.NoError(t, st.Save(ctx, c, dropped))
	err := (&complaint.Service{Store: st}).Verify(ctx, "C-1")
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.ErrorContains(t, err, "stored field refunded_all differs")

	st = storeOf(t, evs[:len(evs)-1])
	both := c
	both.RefundedAll = false
	require.NoError(t, st.Save(ctx, both, dropped))
	svc := &complaint.Service{Store: st, CustomerHistory: h.st}
	require.NoError(t, svc.Verify(ctx, "C-1"))
	p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "10.00"), Units: 1, Detail: "one more"}
	serviceSteps(t, svc, 8, slices.Concat(reopenSteps, refundSteps(p)[:2])...)
	approved, err := st.Get(ctx, "C-1")
	require.NoError(t, err)
	_, _, err = svc.Do(ctx, "C-1", carryOut, handler, hours(12))
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("subject.sku", customer.CodeTooMany), "%v", err)
	after, err := st.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(approved, after), "nothing saved")
}

// A case whose refund left the customer none of the subject's units says
// so in its text and log forms; one without says nothing of it.
func TestRefundedAllShownInCaseTextAndLog(t *testing.T) {
	marked, _, _ := lastUnitsMarked(t)
	require.True(t, marked.RefundedAll)
	assert.Contains(t, marked.String(), ", refunded all units")
	doc, raw := slogJSON(t, marked)
	assert.Equal(t, true, doc["refunded_all"], raw)

	plain, _ := refundedUnits(t, "63.00", 1)
	require.False(t, plain.RefundedAll)
	assert.NotContains(t, plain.String(), "refunded all")
	_, raw = slogJSON(t, plain)
	assert.NotContains(t, raw, "refunded_all")
}
