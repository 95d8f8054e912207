package complaint_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// jacketOrder is order O-1 of the fixture case C-1: the jacket of SKU
// JKT-01-M the case is about, bought twenty days before, and a scarf.
func jacketOrder() customer.Order {
	return customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: 1, UnitPrice: decimal.RequireFromString("189.00")},
			{ID: "2", SKU: "SCF-07", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("25.00")},
		}}
}

// refunded returns case C-1 of the fixture, investigated, after a refund
// of amount was proposed, approved and carried out (event 7, at hour 7),
// and its events.
func refunded(t *testing.T, amount string) (complaint.Case, []complaint.Event) {
	t.Helper()
	c, evs := reach(3) // investigated
	return resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, amount), Detail: "money back"}, 5)
}

// asHistory returns the returns rs as events of a customer's history.
func asHistory(rs ...customer.Return) []customer.Event {
	out := make([]customer.Return, len(rs))
	copy(out, rs)
	evs := make([]customer.Event, len(out))
	for i := range out {
		evs[i] = customer.Event{Return: &out[i]}
	}
	return evs
}

// refundRefused requires err to be a validation error of case C-1's
// event seq that names each field with its code.
func refundRefused(t *testing.T, got []customer.Return, err error, seq string, fieldCodes ...string) {
	t.Helper()
	assert.Nil(t, got, "on an error nothing is returned")
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Equal(t, `complaint "C-1": event `+seq, ve.Record)
	for i := 0; i+1 < len(fieldCodes); i += 2 {
		assert.True(t, ve.Has(fieldCodes[i], fieldCodes[i+1]), "want %s %s in %v", fieldCodes[i], fieldCodes[i+1], err)
	}
	assert.Len(t, ve.Fields, len(fieldCodes)/2, "%v", err)
}

// A refund of the price of the article complained about brings back its
// units: one return of the complainant, of the subject's order and SKU,
// dated at the carry-out, whose ID is stable, and which pays the share.
func TestRefundsOfAFullRefund(t *testing.T) {
	_, evs := refunded(t, "189.00")
	carried := evs[6]
	require.Equal(t, complaint.CmdCarryOut, carried.Command.Kind)
	got, err := complaint.Refunds(evs, jacketOrder(), nil)
	require.NoError(t, err)
	want := customer.Return{ID: "C-1#7", OrderID: "O-1", CustomerID: "cust-C-1", Time: carried.At, Kind: customer.Refund,
		Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	require.Len(t, got, 1)
	assert.True(t, got[0].Equal(want), "got %+v, want %+v", got[0], want)
	assert.False(t, got[0].Refund.Valid, "the share is paid")
	require.NoError(t, got[0].Validate(jacketOrder(), carried.At))

	again, err := complaint.Refunds(slices.Clone(evs), jacketOrder(), nil)
	require.NoError(t, err)
	assert.True(t, again[0].Equal(got[0]), "the same log gives the same return")

	// Before the carry-out nothing came back.
	none, err := complaint.Refunds(evs[:6], jacketOrder(), nil)
	require.NoError(t, err)
	assert.Empty(t, none)

	// The credits of the case stay empty: the refund is a return.
	credits, err := complaint.Credits(evs)
	require.NoError(t, err)
	assert.Empty(t, credits)
}

// A refund of less than the units' share (a fee kept, or part of the
// price paid back before) pays what was approved: the return's Refund.
func TestRefundsOfLessThanTheShare(t *testing.T) {
	_, evs := refunded(t, "150.00")
	got, err := complaint.Refunds(evs, jacketOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.True(t, got[0].Refund.Valid)
	assert.Equal(t, "150", got[0].Refund.Decimal.String())
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, got[0].Lines)
	require.NoError(t, got[0].Validate(jacketOrder(), evs[6].At))
}

// More than the units' share is refused: money on top of the share is a
// compensation, not a refund.
func TestRefundsOfMoreThanTheShare(t *testing.T) {
	_, evs := refunded(t, "189.00")
	order := jacketOrder()
	order.Lines[0].Discount = decimal.RequireFromString("20.00") // the jacket was sold for 169.00
	got, err := complaint.Refunds(evs, order, nil)
	refundRefused(t, got, err, "7", "proposal.amount", customer.CodeTooMany)
	assert.ErrorContains(t, err, "189.00 EUR is more than the 169.00 EUR share")
}

// The order given must be the subject's, of the complainant, in the
// case's currency; the subject's SKU must be in it.
func TestRefundsOfAnotherOrder(t *testing.T) {
	_, evs := refunded(t, "189.00")
	for _, tc := range []struct {
		name      string
		change    func(*customer.Order)
		field     string
		code      string
		inMessage string
	}{
		{"another order", func(o *customer.Order) { o.ID = "O-2" }, "subject.order", customer.CodeMismatch, `order "O-2" is not the subject's order "O-1"`},
		{"another customer", func(o *customer.Order) { o.CustomerID = "cust-9" }, "complainant", customer.CodeMismatch, `"cust-9"`},
		{"another currency", func(o *customer.Order) { o.Currency = "CZK" }, "currency", customer.CodeMismatch, "CZK"},
		{"no such SKU", func(o *customer.Order) { o.Lines[0].SKU = "JKT-01-L" }, "subject.sku", customer.CodeUnknown, `order "O-1" has no line of SKU "JKT-01-M"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := jacketOrder()
			tc.change(&o)
			got, err := complaint.Refunds(evs, o, nil)
			refundRefused(t, got, err, "7", tc.field, tc.code)
			assert.ErrorContains(t, err, tc.inMessage)
		})
	}
	// The history's order of that ID is another than the one given: the
	// Recorder checks the return against the history's.
	stored := jacketOrder()
	stored.Lines[0].Quantity = 2
	got, err := complaint.Refunds(evs, jacketOrder(), []customer.Event{{Order: &stored}})
	refundRefused(t, got, err, "7", "history[0]", customer.CodeMismatch)
	assert.ErrorContains(t, err, "lines[0].quantity")
	other := jacketOrder()
	other.ID = "O-2"
	_, err = complaint.Refunds(evs, jacketOrder(), []customer.Event{{Order: &other}})
	require.NoError(t, err, "another order of the history is not looked at")

	// An order that is not valid is refused with its own error.
	o := jacketOrder()
	o.Lines[1].Quantity = 0
	got, err = complaint.Refunds(evs, o, nil)
	assert.Nil(t, got)
	require.ErrorIs(t, err, customer.ErrInvalid)
	assert.ErrorContains(t, err, `complaint "C-1": event 7: order "O-1": lines[1].quantity`)
}

// The units of the SKU that earlier refunds of the order took back are
// not the customer's any more: the refund brings back those left, and
// none left is an error. Exchanges leave the units held; returns of
// other orders and the case's own returns (a redelivery) are not
// counted, and returns dated after the carry-out do not change the
// units taken back (they are checked after them, see
// TestRefundsBeforeLaterReturns).
func TestRefundsAfterEarlierReturns(t *testing.T) {
	_, evs := refunded(t, "75.00") // the three coats of line 1 came back at hour 7, for 75.00
	order := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: 5, UnitPrice: decimal.RequireFromString("37.80")},
			{ID: "2", SKU: "SCF-07", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("25.00")},
		}}
	ret := func(id string, at time.Time, kind customer.ReturnKind, lines ...customer.ReturnLine) customer.Return {
		return customer.Return{ID: id, OrderID: "O-1", CustomerID: "cust-C-1", Time: at, Kind: kind, Reason: customer.SizeFit, Lines: lines}
	}
	earlier := []customer.Return{
		ret("R-1", t0.AddDate(0, 0, -10), customer.Refund, customer.ReturnLine{LineID: "1", Quantity: -2}, customer.ReturnLine{LineID: "2", Quantity: -1}),
		ret("R-2", t0.AddDate(0, 0, -9), customer.Exchange, customer.ReturnLine{LineID: "1", Quantity: -3}),
		{ID: "R-9", OrderID: "O-7", CustomerID: "cust-C-1", Time: t0, Kind: customer.Refund, Reason: customer.SizeFit,
			Lines: []customer.ReturnLine{{LineID: "1", Quantity: -9}}}, // another order
	}
	got, err := complaint.Refunds(evs, order, asHistory(earlier...))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -3}}, got[0].Lines)
	// The share of the last three units of five of a line of 189.00 is
	// 113.40; 75.00 was approved.
	require.True(t, got[0].Refund.Valid)
	assert.Equal(t, "75", got[0].Refund.Decimal.String())
	require.NoError(t, got[0].ValidateAfter(order, map[string]int{"1": 2, "2": 1}, evs[6].At))

	// Recorded, and delivered again with the order's returns since,
	// among them a refund dated after the carry-out: the same return.
	later := append(slices.Clone(earlier), got[0], ret("R-3", hours(30), customer.Refund, customer.ReturnLine{LineID: "2", Quantity: -1}))
	again, err := complaint.Refunds(evs, order, asHistory(later...))
	require.NoError(t, err)
	require.Len(t, again, 1)
	assert.True(t, again[0].Equal(got[0]), "got %+v, want %+v", again[0], got[0])

	// All units of the SKU refunded before: nothing left to bring back.
	all := append(slices.Clone(earlier), ret("R-4", t0, customer.Refund, customer.ReturnLine{LineID: "1", Quantity: -3}))
	none, err := complaint.Refunds(evs, order, asHistory(all...))
	refundRefused(t, none, err, "7", "subject.sku", customer.CodeTooMany)
	assert.ErrorContains(t, err, `all 5 units of SKU "JKT-01-M" of order "O-1" were refunded before`)

	// Of a line of one unit: the one unit.
	_, evs = refunded(t, "189.00")
	gone := ret("R-5", t0, customer.Refund, customer.ReturnLine{LineID: "1", Quantity: -1})
	none, err = complaint.Refunds(evs, jacketOrder(), asHistory(gone))
	refundRefused(t, none, err, "7", "subject.sku", customer.CodeTooMany)
	assert.ErrorContains(t, err, `the 1 unit of SKU "JKT-01-M" of order "O-1" was refunded before`)
}

// Earlier returns that could not have been recorded are refused, naming
// the return by its index in the history: a refund of more units than
// the line sold, two returns with one ID, and a return with the ID of
// the case's own return but other content (a redelivery would find it
// in the history, and the Recorder refuses the case's return as a
// duplicate).
func TestRefundsWithBadEarlierReturns(t *testing.T) {
	_, evs := refunded(t, "189.00")
	order := jacketOrder()
	back := func(id string, q int) customer.Return {
		return customer.Return{ID: id, OrderID: "O-1", CustomerID: "cust-C-1", Time: t0, Kind: customer.Refund, Reason: customer.SizeFit,
			Lines: []customer.ReturnLine{{LineID: "2", Quantity: q}}}
	}
	history := func(rs ...customer.Return) []customer.Event {
		return append([]customer.Event{{Order: &order}}, asHistory(rs...)...)
	}
	got, err := complaint.Refunds(evs, order, history(back("R-1", -1), back("R-2", -2)))
	refundRefused(t, got, err, "7", "history[2]", customer.CodeMismatch)
	assert.ErrorContains(t, err, `return "R-2"`)

	got, err = complaint.Refunds(evs, order, history(back("R-1", -1), back("R-1", -1)))
	refundRefused(t, got, err, "7", "history[2]", customer.CodeDuplicate)
	assert.ErrorContains(t, err, `return "R-1" is given twice (history[1])`)

	// The case's own return, recorded by hand with other lines.
	byHand := back("C-1#7", -2)
	byHand.Time, byHand.Reason = hours(7), customer.QualityDefect
	got, err = complaint.Refunds(evs, order, history(back("R-1", -1), byHand))
	refundRefused(t, got, err, "7", "history[2]", customer.CodeDuplicate)
	assert.ErrorContains(t, err, `return "C-1#7"`)
	assert.ErrorContains(t, err, "lines")

	// Under the case's ID, of another order: the Recorder refuses the
	// case's return all the same.
	byHand = back("C-1#7", -1)
	byHand.OrderID = "O-2"
	got, err = complaint.Refunds(evs, order, history(byHand))
	refundRefused(t, got, err, "7", "history[1]", customer.CodeDuplicate)
	assert.ErrorContains(t, err, "order_id")

	// The same return delivered before is no problem: a redelivery.
	want, err := complaint.Refunds(evs, order, nil)
	require.NoError(t, err)
	got, err = complaint.Refunds(evs, order, history(want...))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.True(t, got[0].Equal(want[0]))
}

// Several lines of the SKU all come back; a subject that names no SKU
// (a complaint about the whole order) brings back the whole order.
func TestRefundsOfSeveralLines(t *testing.T) {
	_, evs := refunded(t, "189.00")
	order := jacketOrder()
	order.Lines[0].UnitPrice = decimal.RequireFromString("100.00")
	order.Lines = append(order.Lines, customer.Line{ID: "3", SKU: "JKT-01-M", Category: "jackets", Quantity: 1, UnitPrice: decimal.RequireFromString("89.00")})
	got, err := complaint.Refunds(evs, order, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}, {LineID: "3", Quantity: -1}}, got[0].Lines)
	assert.False(t, got[0].Refund.Valid)

	// The whole order: a late delivery refused.
	in := complainttest.Intake("C-1", t0.Add(-time.Hour))
	in.Subject = complaint.Subject{Kind: complaint.SubjectDelivery, Order: "O-1"}
	in.Category = complaint.CategoryDelivery
	in.OrderValue = eur(t, "239.00")
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	evs = []complaint.Event{ev}
	for i, s := range complainttest.HappyPath()[:3] {
		c, ev = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
		evs = append(evs, ev)
	}
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "239.00"), Detail: "all of it"}, 5)
	got, err = complaint.Refunds(evs, jacketOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}, {LineID: "2", Quantity: -2}}, got[0].Lines)
	assert.Equal(t, customer.LateDelivery, got[0].Reason)
	assert.False(t, got[0].Refund.Valid)
}

// The return's reason follows the case's category.
func TestRefundsReason(t *testing.T) {
	for cat, want := range map[complaint.Category]customer.ReturnReason{
		complaint.CategorySizeFit:        customer.SizeFit,
		complaint.CategorySeams:          customer.QualityDefect,
		complaint.CategoryFabric:         customer.QualityDefect,
		complaint.CategoryColourFastness: customer.QualityDefect,
		complaint.CategoryShrinkage:      customer.QualityDefect,
		complaint.CategoryFastenings:     customer.QualityDefect,
		complaint.CategoryWrongItem:      customer.NotAsDescribed,
		complaint.CategoryDelivery:       customer.LateDelivery,
		complaint.CategoryPrice:          customer.OtherReason,
		complaint.CategoryReturnRefused:  customer.OtherReason,
		complaint.CategoryOther:          customer.OtherReason,
		complaint.CategoryStaffAttitude:  customer.OtherReason,
	} {
		in := complainttest.Intake("C-1", t0.Add(-time.Hour))
		in.Category = cat
		c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
		evs := []complaint.Event{ev}
		for i, s := range complainttest.HappyPath()[:3] {
			c, ev = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
			evs = append(evs, ev)
		}
		_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "189.00"), Detail: "back"}, 5)
		got, err := complaint.Refunds(evs, jacketOrder(), nil)
		require.NoError(t, err, cat)
		require.Len(t, got, 1, cat)
		assert.Equal(t, want, got[0].Reason, cat)
	}
}

// A case reopened after a price reduction and refunded the rest brings
// the jacket back for what was left. (A second refund after a refund of
// every unit: TestRefundAfterARefundOfEveryUnit.)
func TestRefundsOfAReopenedCase(t *testing.T) {
	reopen := func(t *testing.T, c complaint.Case, evs []complaint.Event) (complaint.Case, []complaint.Event) {
		unhappy := &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}
		var ev complaint.Event
		c, ev = do(t, c, complaint.Command{Kind: complaint.CmdReopen, Feedback: unhappy, Reason: "still torn"}, complainant, hours(8))
		evs = append(evs, ev)
		c, ev = do(t, c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
			Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "the repair did not hold"}}, handler, hours(9))
		return c, append(evs, ev)
	}
	c, evs := reach(6) // a price reduction of 40.00 carried out
	c, evs = reopen(t, c, evs)
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "149.00"), Detail: "the rest back"}, 10)
	got, err := complaint.Refunds(evs, jacketOrder(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "C-1#12", got[0].ID)
	assert.True(t, got[0].Time.Equal(hours(12)))
	require.True(t, got[0].Refund.Valid)
	assert.Equal(t, "149", got[0].Refund.Decimal.String())
}

// Other resolutions bring nothing back, and the order is then not
// looked at: a case about a member of staff has none.
func TestRefundsLeaveOutOtherResolutions(t *testing.T) {
	for _, p := range []complaint.Proposal{
		{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "40.00"), Detail: "off the price"},
		{Kind: complaint.ResolutionCompensation, Amount: eur(t, "10.00"), Detail: "voucher"},
		{Kind: complaint.ResolutionExchange, Detail: "another size"},
		{Kind: complaint.ResolutionRepair, Detail: "re-sew"},
		{Kind: complaint.ResolutionApology, Detail: "sorry"},
	} {
		c, evs := reach(3)
		_, evs = resolve(t, c, evs, p, 5)
		got, err := complaint.Refunds(evs, customer.Order{}, nil)
		require.NoError(t, err, p.Kind)
		assert.Empty(t, got, p.Kind)
	}
}

// A bad log is refused as Rebuild refuses it.
func TestRefundsOfABadLog(t *testing.T) {
	_, err := complaint.Refunds(nil, jacketOrder(), nil)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	_, evs := refunded(t, "189.00")
	got, err := complaint.Refunds(slices.Delete(slices.Clone(evs), 3, 4), jacketOrder(), nil)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Nil(t, got)
}

// The refund goes into the customer's history through a Recorder: the
// summary counts the units back and the money paid back, and a second
// delivery is a no-op.
func TestRefundsReachTheSummary(t *testing.T) {
	ctx := context.Background()
	st := customer.NewMemStore()
	require.NoError(t, st.Put(ctx, customer.Customer{ID: "cust-C-1", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
	rec := &customer.Recorder{Customers: st, History: st}
	order := jacketOrder()
	require.NoError(t, rec.RecordOrder(ctx, order, order.Time))

	_, evs := refunded(t, "150.00")
	for delivery := range 2 {
		var history []customer.Event
		for ev, err := range st.History(ctx, "cust-C-1") {
			require.NoError(t, err)
			history = append(history, ev)
		}
		rets, err := complaint.Refunds(evs, order, history)
		require.NoError(t, err)
		for _, r := range rets {
			stored, err := rec.RecordReturnStored(ctx, r, hours(100))
			require.NoError(t, err)
			assert.Equal(t, delivery == 0, stored, "stored the first time only")
		}
	}
	s, err := customer.SummarizeHistory(ctx, st, "cust-C-1", customer.Consumer, hours(100), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Returns)
	assert.Equal(t, 1, s.ReturnedUnits)
	assert.Equal(t, "89", s.Net().String(), "239.00 less the 150.00 refunded")
}

// A refund on a case whose subject names no order is refused when
// proposed; a log written before that holds one gives no return, and
// says so.
func TestRefundsWithoutAnOrder(t *testing.T) {
	in := complainttest.Intake("C-1", t0.Add(-time.Hour))
	in.Subject = complaint.Subject{Kind: complaint.SubjectStaff, Staff: "clerk-4", Store: "Brno"}
	in.Category = complaint.CategoryStaffAttitude
	in.OrderValue = customer.Money{}
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	evs := []complaint.Event{ev}
	for i, s := range complainttest.HappyPath()[:3] {
		c, ev = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
		evs = append(evs, ev)
	}
	n := len(evs)
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "15.00"), Detail: "voucher"}, 5)
	// The proposal as an older system wrote it.
	evs[n].Command.Proposal = &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "15.00"), Detail: "money back"}
	_, err := complaint.Rebuild(evs)
	require.NoError(t, err, "the log rebuilds")
	got, err := complaint.Refunds(evs, jacketOrder(), nil)
	refundRefused(t, got, err, "7", "subject.order", customer.CodeRequired)
	credits, err := complaint.Credits(evs)
	require.NoError(t, err)
	assert.Empty(t, credits)
}
