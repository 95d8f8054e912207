package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
	"github.com/tailorcrm/tailor/loyalty"
)

// complaintCase takes the shop's first quality complaint about an order
// and walks it through the eight steps of the procedure.
func complaintCase(w io.Writer, s *shop) error {
	heading(w, "A complaint, step by step")
	var rec *shopgen.Record
	var comp shopgen.Complaint
	for i := range s.records {
		for _, c := range s.records[i].Complaints {
			if c.Category == shopgen.QualityDefectComplaint && c.OrderID != "" && rec == nil {
				rec, comp = &s.records[i], c
			}
		}
	}
	if rec == nil {
		fmt.Fprintln(w, "No quality complaint in this shop.")
		return nil
	}
	order, _ := rec.Order(comp.OrderID)
	line := order.Lines[0]
	value, err := customer.MoneyFromDecimal(line.Net(), order.Currency)
	if err != nil {
		return err
	}
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	t0 := comp.Time
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	agent := complaint.Actor{ID: "agent-7", Role: complaint.RoleAgent}
	handler := complaint.Actor{ID: "handler-2", Role: complaint.RoleHandler}
	supervisor := complaint.Actor{ID: "supervisor-1", Role: complaint.RoleSupervisor}

	c, _, err := svc.Record(ctx, complaint.Intake{
		ID: "CASE-1", Complainant: comp.CustomerID, Channel: complaint.ChannelEmail, Received: t0,
		Subject:  complaint.Subject{Kind: complaint.SubjectProduct, SKU: line.SKU, Order: order.ID},
		Category: complaint.CategorySeams, Severity: complaint.SeverityMedium, Currency: order.Currency,
		OrderValue:  value,
		Demand:      complaint.Demand{Kind: complaint.ResolutionExchange},
		Description: fmt.Sprintf("The seam of my %s came apart after two wears.", line.Category),
	}, "", agent, t0)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Customer %s complains about %s from order %s (%s %s); priority %s.\n",
		comp.CustomerID, line.SKU, order.ID, value.Amount().StringFixed(2), order.Currency, c.Priority)
	steps := []struct {
		cmd   complaint.Command
		actor complaint.Actor
		hour  int
	}{
		{complaint.Command{Kind: complaint.CmdAccept, Note: "defect within warranty"}, agent, 1},
		{complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}, agent, 2},
		{complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
			Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "seam allowance too narrow in this batch"}}, handler, 20},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionExchange, Detail: "new garment from another batch"}}, handler, 21},
		{complaint.Command{Kind: complaint.CmdApprove}, supervisor, 22},
		{complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Detail: "replacement shipped"}}, handler, 30},
		{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 8, Expected: 8, CSAT: 4}}, agent, 80},
		{complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{
			Lessons: "seam allowance not checked at goods-in", Improvement: "gauge seam allowance at goods-in"}}, handler, 81},
	}
	for _, st := range steps {
		var ev complaint.Event
		if c, ev, err = svc.Do(ctx, c.ID, st.cmd, st.actor, at(st.hour)); err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-16s by %-12s %s → %s\n", ev.Command.Kind, st.actor.ID, ev.From, ev.To)
	}
	// A refused command: the case is closed, it cannot be assigned again.
	_, _, err = svc.Do(ctx, c.ID, complaint.Command{Kind: complaint.CmdAssign,
		Assignment: &complaint.Assignment{Department: "sales", Handler: "handler-9"}}, agent, at(82))
	fmt.Fprintf(w, "  refused: %v\n", err)
	events, err := svc.History(ctx, c.ID)
	if err != nil {
		return err
	}
	sla, err := complaint.DefaultSLA().Status(events, at(81))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Satisfaction (perceived ÷ expected) %.2f, CSAT %d of 5; resolved in %.0f working hours, %s.\n",
		c.Feedback.Satisfaction(), c.Feedback.CSAT, sla.Resolution.Elapsed.Hours(), breaches(sla.Breaches))
	return nil
}

const programme = `{
  "name": "atelier club",
  "currency": "EUR",
  "earn": {"points_per_unit": "1", "birthday": {"multiplier": "2", "gift": 100}},
  "redeem": {"points_per_unit": "100", "min_points": 100, "max_share": "0.5"},
  "expiry_months": 12,
  "pending_days": 30,
  "tiers": {"basis": "spend", "window_months": 12, "review_months": 12, "grace_days": 30,
    "levels": [
      {"name": "member", "min": "0"},
      {"name": "silver", "min": "500", "multiplier": "1.25", "birthday_gift": 100, "free_alterations": true},
      {"name": "gold", "min": "1500", "multiplier": "1.5", "birthday_gift": 250, "early_access": true, "free_alterations": true}
    ]},
  "debt_policy": "debt"
}`

// memberPoints replays the orders and returns of one shopper who returned
// something through the points programme.
func memberPoints(w io.Writer, s *shop) error {
	heading(w, "A member's points")
	p, err := loyalty.DecodeProgramme([]byte(programme))
	if err != nil {
		return err
	}
	var rec *shopgen.Record
	for i := range s.records {
		r := &s.records[i]
		if r.Customer.Kind == customer.Consumer && len(r.Orders) >= 4 && len(r.Returns) > 0 &&
			r.Orders[0].Currency == p.Config().Currency && r.Orders[len(r.Orders)-1].Time.After(asOf.AddDate(0, -3, 0)) {
			rec = r
			break
		}
	}
	if rec == nil {
		fmt.Fprintln(w, "No returning shopper in this shop.")
		return nil
	}
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	id := rec.Customer.ID
	joined := rec.Orders[0].Time.Add(-time.Hour)
	if _, _, err := svc.Apply(ctx, loyalty.Join{Member: id, Birthday: rec.Customer.Birthday, Time: joined}, joined); err != nil {
		return err
	}
	// Orders and returns in time order; each order is delivered twice, as
	// a till that retries would, and earns once.
	ri := 0
	var earned, clawed, expired, duplicates int64
	count := func(entries []loyalty.Entry) {
		for _, en := range entries {
			switch en.Kind {
			case loyalty.EntryEarn:
				earned += int64(en.Points)
			case loyalty.EntryClawback:
				clawed -= int64(en.Points)
			case loyalty.EntryExpire:
				expired -= int64(en.Points)
			}
		}
	}
	apply := func(e loyalty.Event, t time.Time) error {
		_, entries, err := svc.Apply(ctx, e, t)
		if err != nil {
			return err
		}
		count(entries)
		return nil
	}
	for _, o := range rec.Orders {
		for ri < len(rec.Returns) && rec.Returns[ri].Time.Before(o.Time) {
			if err := apply(loyalty.Returned{Return: rec.Returns[ri]}, rec.Returns[ri].Time); err != nil {
				return err
			}
			ri++
		}
		if err := apply(loyalty.Purchase{Order: o}, o.Time); err != nil {
			return err
		}
		if err := apply(loyalty.Purchase{Order: o}, o.Time); err != nil {
			duplicates++
		}
	}
	for ; ri < len(rec.Returns); ri++ {
		if err := apply(loyalty.Returned{Return: rec.Returns[ri]}, rec.Returns[ri].Time); err != nil {
			return err
		}
	}
	a, entries, err := svc.Apply(ctx, loyalty.Tick{Member: id}, asOf)
	if err != nil {
		return err
	}
	count(entries)
	fmt.Fprintf(w, "Shopper %s: %s, %s since %s.\n", id, plural(len(rec.Orders), "order"), plural(len(rec.Returns), "return"), joined.Format(time.DateOnly))
	fmt.Fprintf(w, "Earned %d points; %d clawed back for returns; %d expired unused.\n", earned, clawed, expired)
	fmt.Fprintf(w, "Every order was delivered twice, as a till that retries would: the %d repeats earned nothing.\n", duplicates)
	fmt.Fprintf(w, "Today: %d points available, %d pending, %d owed; tier %s.\n", a.Available, a.Pending, a.Debt, p.Tier(a).Name)
	return nil
}

// plural writes "1 order" or "n orders".
// breaches writes n SLA breaches in words.
func breaches(n int) string {
	if n == 1 {
		return "1 SLA breach"
	}
	return fmt.Sprintf("%d SLA breaches", n)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
