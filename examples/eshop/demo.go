package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
	"github.com/tailorcrm/tailor/loyalty"
)

// Seed fills the server's stores with a generated shop of n customers
// whose history ends at end (shopgen, seed 7): customers, orders,
// returns, interactions, loyalty ledgers and complaint cases. The
// histories are recorded through the server's Recorder, as the API
// records them, checked as of end. Complaints older than two weeks are
// walked through to closed; newer ones stay open. Seeding twice is a
// no-op, as every record and append is idempotent.
func (s *Server) Seed(ctx context.Context, n int, end time.Time) (int, error) {
	st, p := s.stores, s.programme
	cfg := shopgen.DefaultConfig()
	cfg.Customers, cfg.Seed = n, 7
	cfg.End = end.UTC().Truncate(24 * time.Hour)
	cfg.Start = cfg.End.AddDate(-3, 0, 0)
	records, err := shopgen.Generate(cfg)
	if err != nil {
		return 0, err
	}
	ledger := loyalty.NewService(p, st.Ledgers, nil)
	cases := &complaint.Service{Store: st.Complaints}
	count := 0
	for r := range records {
		c := r.Customer
		if err := st.Customers.Put(ctx, c); err != nil {
			return count, err
		}
		for ev := range r.Events() {
			switch {
			case ev.Order != nil:
				err = s.history.RecordOrder(ctx, *ev.Order, end)
			case ev.Return != nil:
				err = s.history.RecordReturn(ctx, *ev.Return, end)
			case ev.Interaction != nil:
				err = s.history.RecordInteraction(ctx, *ev.Interaction, end)
			}
			if err != nil {
				return count, err
			}
		}
		if c.Kind == customer.Consumer && len(r.Orders) > 0 && r.Orders[0].Currency == p.Config().Currency {
			if err := seedLedger(ctx, ledger, &r, end); err != nil {
				return count, fmt.Errorf("customer %s: %w", c.ID, err)
			}
		}
		for i, cp := range r.Complaints {
			if err := seedCase(ctx, cases, cp, caseID(c.ID, i+1), r.Orders, end); err != nil {
				return count, fmt.Errorf("customer %s: %w", c.ID, err)
			}
		}
		count++
	}
	return count, nil
}

// seedLedger replays a member's orders and returns through the programme,
// each at its own time.
func seedLedger(ctx context.Context, svc *loyalty.Service, r *shopgen.Record, end time.Time) error {
	joined := r.Orders[0].Time.Add(-time.Hour)
	events := []struct {
		e  loyalty.Event
		at time.Time
	}{{loyalty.Join{Member: r.Customer.ID, Birthday: r.Customer.Birthday, Time: joined}, joined}}
	for ev := range r.Events() {
		switch {
		case ev.Order != nil:
			events = append(events, struct {
				e  loyalty.Event
				at time.Time
			}{loyalty.Purchase{Order: *ev.Order}, ev.Order.Time})
		case ev.Return != nil:
			events = append(events, struct {
				e  loyalty.Event
				at time.Time
			}{loyalty.Returned{Return: *ev.Return}, ev.Return.Time})
		}
	}
	for _, x := range events {
		if _, _, err := svc.Apply(ctx, x.e, x.at); err != nil && !errors.Is(err, loyalty.ErrDuplicate) {
			return err
		}
	}
	return nil
}

// seedCase records a generated complaint as case id and, when it is older
// than two weeks at end, resolves it with an apology and closes it.
func seedCase(ctx context.Context, svc *complaint.Service, cp shopgen.Complaint, id complaint.ID, orders []customer.Order, end time.Time) error {
	if _, err := svc.Store.Get(ctx, id); err == nil {
		return nil
	}
	cat := map[string]complaint.Category{"size-fit": complaint.CategorySizeFit, "quality-defect": complaint.CategoryFabric,
		"wrong-item": complaint.CategoryWrongItem, "late-delivery": complaint.CategoryDelivery}[cp.Category.String()]
	if cat == 0 {
		cat = complaint.CategoryOther
	}
	subject := complaint.Subject{Kind: complaint.SubjectService}
	if cp.OrderID != "" {
		subject = complaint.Subject{Kind: complaint.SubjectOrder, Order: cp.OrderID}
	}
	cur := customer.Currency("EUR")
	if len(orders) > 0 {
		cur = orders[0].Currency
	}
	agent := complaint.Actor{ID: "demo-agent", Role: complaint.RoleAgent}
	handler := complaint.Actor{ID: "demo-handler", Role: complaint.RoleHandler}
	supervisor := complaint.Actor{ID: "demo-supervisor", Role: complaint.RoleSupervisor}
	c, _, err := svc.Record(ctx, complaint.Intake{
		ID: id, Complainant: cp.CustomerID, Channel: complaint.ChannelWeb, Received: cp.Time,
		Subject: subject, Category: cat, Severity: complaint.Severity(cp.Severity), Currency: cur,
		Demand: complaint.Demand{Kind: complaint.ResolutionApology}, Description: "generated complaint (" + cp.Category.String() + ")",
	}, "", agent, cp.Time)
	if err != nil || end.Sub(cp.Time) < 14*24*time.Hour {
		return err
	}
	steps := []struct {
		cmd complaint.Command
		by  complaint.Actor
	}{
		{complaint.Command{Kind: complaint.CmdAccept}, agent},
		{complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "service", Handler: handler.ID}}, agent},
		{complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseOther, Responsible: complaint.PartyUndetermined, Detail: "generated"}}, handler},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "apology"}}, handler},
		{complaint.Command{Kind: complaint.CmdApprove}, supervisor},
		{complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, handler},
		{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 7, Expected: 8, CSAT: 4}}, agent},
		{complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "generated", Improvement: "generated"}}, handler},
	}
	for i, st := range steps {
		if c, _, err = svc.Do(ctx, c.ID, st.cmd, st.by, cp.Time.Add(time.Duration(i+1)*time.Hour)); err != nil {
			return err
		}
	}
	return nil
}
