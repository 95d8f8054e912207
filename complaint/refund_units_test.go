package complaint_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// shirtOrder is order O-1 of the fixture case C-1 with the article of
// SKU JKT-01-M sold as three units of 63.00 on line 1 (189.00, the
// intake's order value), and a scarf.
func shirtOrder() customer.Order {
	return customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "JKT-01-M", Category: "shirts", Quantity: 3, UnitPrice: decimal.RequireFromString("63.00")},
			{ID: "2", SKU: "SCF-07", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("25.00")},
		}}
}

// refundedUnits returns case C-1 of the fixture, investigated, after a
// refund of amount for units units was proposed, approved and carried
// out (event 7, at hour 7), and its events.
func refundedUnits(t *testing.T, amount string, units int) (complaint.Case, []complaint.Event) {
	t.Helper()
	c, evs := reach(3)
	return resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, amount), Units: units, Detail: "one back"}, 5)
}

// A refund of one unit of a line of three takes back that one unit and
// pays its share; less than the share is the return's Refund, more is
// refused.
func TestRefundsOfOneUnitOfThree(t *testing.T) {
	_, evs := refundedUnits(t, "63.00", 1)
	got, err := complaint.Refunds(evs, shirtOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, got[0].Lines)
	assert.False(t, got[0].Refund.Valid, "the share of the one unit is paid")
	require.NoError(t, got[0].Validate(shirtOrder(), evs[6].At))

	_, evs = refundedUnits(t, "50.00", 1)
	got, err = complaint.Refunds(evs, shirtOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, got[0].Lines)
	require.True(t, got[0].Refund.Valid)
	assert.Equal(t, "50", got[0].Refund.Decimal.String())

	_, evs = refundedUnits(t, "100.00", 1)
	got, err = complaint.Refunds(evs, shirtOrder(), nil)
	refundRefused(t, got, err, "7", "proposal.amount", customer.CodeTooMany)
	assert.ErrorContains(t, err, "100.00 EUR is more than the 63.00 EUR share of the units brought back (1 unit of line \"1\")")

	// Units 0 takes back every unit held, as before Units.
	_, evs = refundedUnits(t, "189.00", 0)
	got, err = complaint.Refunds(evs, shirtOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -3}}, got[0].Lines)
}

// The units come from the lines of the SKU in line order, the first
// line's units still held first; the share is that of exactly those
// units, line by line.
func TestRefundsOfUnitsAcrossLines(t *testing.T) {
	order := shirtOrder()
	order.Lines[0].Quantity, order.Lines[0].UnitPrice = 2, decimal.RequireFromString("50.00")
	order.Lines = append(order.Lines, customer.Line{ID: "3", SKU: "JKT-01-M", Category: "shirts", Quantity: 2, UnitPrice: decimal.RequireFromString("44.50")})

	_, evs := refundedUnits(t, "144.50", 3)
	got, err := complaint.Refunds(evs, order, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -2}, {LineID: "3", Quantity: -1}}, got[0].Lines)
	assert.False(t, got[0].Refund.Valid, "2 × 50.00 + 44.50 is the share")

	// One unit of line 1 refunded before: the units left of line 1 come
	// first, then line 3.
	earlier := []customer.Return{{ID: "R-1", OrderID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -5), Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}}
	_, evs = refundedUnits(t, "90.00", 2)
	got, err = complaint.Refunds(evs, order, asHistory(earlier...))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}, {LineID: "3", Quantity: -1}}, got[0].Lines)
	require.True(t, got[0].Refund.Valid, "90.00 is below the 94.50 share")
	assert.Equal(t, "90", got[0].Refund.Decimal.String())
	require.NoError(t, got[0].ValidateAfter(order, map[string]int{"1": 1}, evs[6].At))

	// The share of the units, not of the lines: 94.50 of 1 unit of line 1
	// and 1 of line 3.
	_, evs = refundedUnits(t, "95.00", 2)
	got, err = complaint.Refunds(evs, order, asHistory(earlier...))
	refundRefused(t, got, err, "7", "proposal.amount", customer.CodeTooMany)
	assert.ErrorContains(t, err, "the 94.50 EUR share of the units brought back (1 unit of line \"1\", 1 unit of line \"3\")")
}

// More units than the customer holds are refused, naming what is held;
// a second refund of a reopened case takes its units from those the
// first left.
func TestRefundsOfMoreUnitsThanHeld(t *testing.T) {
	_, evs := refundedUnits(t, "63.00", 4)
	got, err := complaint.Refunds(evs, shirtOrder(), nil)
	refundRefused(t, got, err, "7", "proposal.units", customer.CodeTooMany)
	assert.ErrorContains(t, err, `4 units, but the customer holds 3 units of SKU "JKT-01-M" of order "O-1"`)

	earlier := []customer.Return{{ID: "R-1", OrderID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -5), Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -2}}}}
	_, evs = refundedUnits(t, "63.00", 2)
	got, err = complaint.Refunds(evs, shirtOrder(), asHistory(earlier...))
	refundRefused(t, got, err, "7", "proposal.units", customer.CodeTooMany)
	assert.ErrorContains(t, err, `2 units, but the customer holds 1 unit of SKU "JKT-01-M" of order "O-1"`)

	// Reopened: one unit refunded, then two more; then a third is too many.
	c, evs := refundedUnits(t, "63.00", 1)
	c, evs = reopened(t, c, evs)
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "126.00"), Units: 2, Detail: "two more"}, 10)
	got, err = complaint.Refunds(evs, shirtOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, got[0].Lines)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -2}}, got[1].Lines)
	assert.False(t, got[1].Refund.Valid)

	// The whole order: a subject without SKU takes its units from all
	// the order's lines.
	_, evs = wholeOrderRefund(t, "88.00", 4)
	got, err = complaint.Refunds(evs, shirtOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -3}, {LineID: "2", Quantity: -1}}, got[0].Lines)
	require.True(t, got[0].Refund.Valid, "88.00 is below the 214.00 share")
	_, evs = wholeOrderRefund(t, "88.00", 6)
	got, err = complaint.Refunds(evs, shirtOrder(), nil)
	refundRefused(t, got, err, "7", "proposal.units", customer.CodeTooMany)
	assert.ErrorContains(t, err, `6 units, but the customer holds 5 units of order "O-1"`)
}

// reopened reopens case c, carried out, at hour 8 and investigates it
// again at hour 9.
func reopened(t *testing.T, c complaint.Case, evs []complaint.Event) (complaint.Case, []complaint.Event) {
	t.Helper()
	var ev complaint.Event
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdReopen, Feedback: &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}, Reason: "the others too"}, complainant, hours(8))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "the whole batch"}}, handler, hours(9))
	return c, append(evs, ev)
}

// wholeOrderRefund returns case C-1 about the delivery of order O-1 (no
// SKU), after a refund of amount for units units was carried out.
func wholeOrderRefund(t *testing.T, amount string, units int) (complaint.Case, []complaint.Event) {
	t.Helper()
	in := complainttest.Intake("C-1", t0.Add(-time.Hour))
	in.Subject = complaint.Subject{Kind: complaint.SubjectDelivery, Order: "O-1"}
	in.Category = complaint.CategoryDelivery
	in.OrderValue = eur(t, "239.00")
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	evs := []complaint.Event{ev}
	for i, s := range complainttest.HappyPath()[:3] {
		c, ev = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
		evs = append(evs, ev)
	}
	return resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, amount), Units: units, Detail: "some back"}, 5)
}

// Apply refuses negative units and units on a resolution that is not a
// refund, changing nothing; a refund's units are not checked against
// the order, which Apply does not see.
func TestProposeUnitsRefused(t *testing.T) {
	c, _ := reach(3)
	propose := func(p complaint.Proposal) complaint.Command {
		return complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}
	}
	invalid(t, c, propose(complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: -1, Detail: "back"}), handler, hours(4),
		"command.proposal.units", customer.CodeNegative)
	for _, p := range []complaint.Proposal{
		{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "40.00"), Units: 1, Detail: "off the price"},
		{Kind: complaint.ResolutionCompensation, Amount: eur(t, "10.00"), Units: 1, Detail: "voucher"},
		{Kind: complaint.ResolutionExchange, Units: 1, Detail: "another size"},
		{Kind: complaint.ResolutionRepair, Units: 2, Detail: "re-sew"},
		{Kind: complaint.ResolutionApology, Units: 1, Detail: "sorry"},
	} {
		invalid(t, c, propose(p), handler, hours(4), "command.proposal.units", customer.CodeMismatch)
	}
	_, _, err := complaint.Apply(c, propose(complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "40.00"), Units: 1, Detail: "x"}), handler, hours(4))
	assert.ErrorContains(t, err, "command.proposal.units")
	assert.ErrorContains(t, err, "only a refund takes units back")

	next, ev := do(t, c, propose(complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: 99, Detail: "back"}), handler, hours(4))
	assert.Equal(t, 99, next.Proposal.Units)
	assert.Equal(t, 99, ev.Command.Proposal.Units)
}

// A log that holds negative units, or units on another resolution than
// a refund, does not rebuild: no log was written with them.
func TestRebuildRefusesBadUnits(t *testing.T) {
	for _, p := range []complaint.Proposal{
		{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: -2, Detail: "back"},
		{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "40.00"), Units: 1, Detail: "off"},
	} {
		_, evs := refundedUnits(t, "63.00", 1)
		evs[4].Command.Proposal = &p
		_, err := complaint.Rebuild(evs)
		require.ErrorIs(t, err, complaint.ErrBadLog, "%d", p.Units)
		assert.ErrorContains(t, err, "command.proposal.units")
		got, err := complaint.Refunds(evs, shirtOrder(), nil)
		require.ErrorIs(t, err, complaint.ErrBadLog)
		assert.Nil(t, got)
	}
}

// The units are part of the resolution: a revision that names the
// approved resolution with other units is not of that resolution.
func TestRevisionComparesUnits(t *testing.T) {
	c, evs := reach(3)
	p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: 1, Detail: "one back"}
	var ev complaint.Event
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler, hours(5))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, manager, hours(6))
	evs = append(evs, ev)
	_, ev = do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "out of stock"}, handler, hours(7))
	require.NotNil(t, ev.Revised)
	assert.Equal(t, 1, ev.Revised.Units)
	evs = append(evs, ev)
	_, err := complaint.Rebuild(evs)
	require.NoError(t, err)

	ev.Revised = &complaint.Proposal{Kind: p.Kind, Amount: p.Amount, Units: 2, Detail: p.Detail}
	evs[len(evs)-1] = ev
	_, err = complaint.Rebuild(evs)
	require.ErrorIs(t, err, complaint.ErrBadLog)
}

// The JSON form of events carries the units, and leaves them out when
// 0; a log written without them decodes to 0, which takes back every
// unit held.
func TestUnitsJSON(t *testing.T) {
	_, evs := refundedUnits(t, "63.00", 2)
	doc, err := json.Marshal(evs)
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"units":2`)
	var back []complaint.Event
	require.NoError(t, json.Unmarshal(doc, &back))
	assert.Equal(t, 2, back[4].Command.Proposal.Units)
	c, err := complaint.Rebuild(back)
	require.NoError(t, err)
	assert.Equal(t, 2, c.Proposal.Units)
	cdoc, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(cdoc), `"units":2`)
	got, err := complaint.Refunds(back, shirtOrder(), nil)
	require.NoError(t, err)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -2}}, got[0].Lines)

	// Written before Units: no "units" key.
	_, evs = refundedUnits(t, "189.00", 0)
	doc, err = json.Marshal(evs)
	require.NoError(t, err)
	assert.NotContains(t, string(doc), `"units"`)
	back = nil
	require.NoError(t, json.Unmarshal(doc, &back))
	assert.Zero(t, back[4].Command.Proposal.Units)
	got, err = complaint.Refunds(back, shirtOrder(), nil)
	require.NoError(t, err)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -3}}, got[0].Lines)

	// A proposal from a log of the time before, by hand.
	var p complaint.Proposal
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"refund","amount":"63.00 EUR","detail":"back"}`), &p))
	assert.Zero(t, p.Units)
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"refund","amount":"63.00 EUR","units":3,"detail":"back"}`), &p))
	assert.Equal(t, 3, p.Units)
}

// The notices of a refund of some units carry them, and the text and
// log forms of the proposal name them when set.
func TestUnitsDescribed(t *testing.T) {
	_, evs := refundedUnits(t, "63.00", 1)
	ns, err := complaint.Notices(evs)
	require.NoError(t, err)
	var resolved *complaint.Notice
	for i := range ns {
		if ns[i].Topic == complaint.TopicResolved {
			resolved = &ns[i]
		}
	}
	require.NotNil(t, resolved)
	require.NotNil(t, resolved.Resolution)
	assert.Equal(t, 1, resolved.Resolution.Units)

	p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: 1, Detail: "one back"}
	assert.Equal(t, "proposal refund of 1 unit (detail: 8 bytes)", p.String())
	p.Units = 2
	assert.Equal(t, "proposal refund of 2 units (detail: 8 bytes)", fmt.Sprint(p))
	p.Units = 0
	assert.Equal(t, "proposal refund (detail: 8 bytes)", p.String())

	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "p", complaint.Proposal{Kind: complaint.ResolutionRefund, Units: 2, Detail: "ab"})
	assert.Contains(t, b.String(), "p.units=2")
	b.Reset()
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "p", complaint.Proposal{Kind: complaint.ResolutionRefund, Detail: "ab"})
	assert.NotContains(t, b.String(), "units")
}

// Refunds of units are the same for the same log, whatever time it is
// read: a redelivery with the case's own return in the history gives it
// again.
func TestRefundsOfUnitsRedelivered(t *testing.T) {
	_, evs := refundedUnits(t, "63.00", 1)
	got, err := complaint.Refunds(evs, shirtOrder(), nil)
	require.NoError(t, err)
	again, err := complaint.Refunds(slices.Clone(evs), shirtOrder(), asHistory(got...))
	require.NoError(t, err)
	require.Len(t, again, 1)
	assert.True(t, again[0].Equal(got[0]))
}
