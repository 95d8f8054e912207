package privacy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// UnmarshalJSON decodes a document of schema [Schema], as
// [Report.MarshalJSON] encodes it, into r: the inverse of MarshalJSON, so
// that a person can carry their data to another system that uses this
// package (GDPR art. 20(1)). Decoding the document of a report and
// encoding the result gives the same document, byte for byte.
//
// The ledger's account is not read from the document but replayed from
// its entries ([loyalty.Replay]), as [Export] makes it; a document whose
// account disagrees with its entries (version or balance) is an error,
// as is one whose "schema" is not [Schema] (another version, or not a
// report), a value of the wrong form, an empty or blank "customer"
// (matching [customer.ErrInvalid]), and a record of another customer
// than the document's, or an event of another case than its own
// (matching [ErrForeignRecord]): [Export] makes no such report. Keys the document has and this
// version does not know are ignored (see "The document" in the package
// documentation). On error r is unchanged.
func (r *Report) UnmarshalJSON(b []byte) error {
	var d reportDoc
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&d); err != nil {
		return fmt.Errorf("privacy: decode report: %w", err)
	}
	if d.Schema != Schema {
		return fmt.Errorf("privacy: decode report: schema %q, want %q", d.Schema, Schema)
	}
	if strings.TrimSpace(string(d.Customer)) == "" {
		return fmt.Errorf("privacy: decode report: customer %q is empty or blank: %w", d.Customer, customer.ErrInvalid)
	}
	out := Report{
		Customer:     d.Customer,
		Made:         fromTimeDoc(d.Made),
		Sources:      stringsDoc(d.Sources),
		Orders:       listDoc(d.Orders, fromOrderDoc),
		Returns:      listDoc(d.Returns, fromReturnDoc),
		Credits:      listDoc(d.Credits, fromCreditDoc),
		Interactions: listDoc(d.Interactions, fromInteractionDoc),
		Complaints: listDoc(d.Complaints, func(c Complaint) Complaint {
			return Complaint{Case: c.Case, Events: listDoc(c.Events, func(e complaint.Event) complaint.Event { return e })}
		}),
	}
	if d.Record != nil {
		c := fromCustomerDoc(*d.Record)
		out.Record = &c
	}
	if d.Loyalty != nil {
		l, err := fromLoyaltyDoc(*d.Loyalty)
		if err != nil {
			return fmt.Errorf("privacy: decode report of customer %q: loyalty: %w", d.Customer, err)
		}
		out.Loyalty = &l
	}
	if err := out.checkOwner(); err != nil {
		return fmt.Errorf("privacy: decode report of customer %q: %w", d.Customer, err)
	}
	*r = out
	return nil
}

// checkOwner returns an error matching [ErrForeignRecord] when a record
// of r is of another customer than r.Customer (or an event of another
// case than its own): [Export] never makes such a report, and decoding
// one would file that customer's data under this one.
func (r *Report) checkOwner() error {
	id := r.Customer
	if r.Record != nil && r.Record.ID != id {
		return fmt.Errorf("record: %w", foreign("customer", "", r.Record.ID))
	}
	for i, o := range r.Orders {
		if o.CustomerID != id {
			return fmt.Errorf("orders[%d]: %w", i, foreign("order", o.ID, o.CustomerID))
		}
	}
	for i, x := range r.Returns {
		if x.CustomerID != id {
			return fmt.Errorf("returns[%d]: %w", i, foreign("return", x.ID, x.CustomerID))
		}
	}
	for i, c := range r.Credits {
		if c.CustomerID != id {
			return fmt.Errorf("credits[%d]: %w", i, foreign("credit", c.ID, c.CustomerID))
		}
	}
	for i, x := range r.Interactions {
		if x.CustomerID != id {
			return fmt.Errorf("interactions[%d]: %w", i, foreign("interaction", x.Subject, x.CustomerID))
		}
	}
	if l := r.Loyalty; l != nil {
		for i, e := range l.Entries {
			if e.Member != id {
				return fmt.Errorf("loyalty.entries[%d]: %w", i, foreign("ledger entry", strconv.FormatInt(e.Seq, 10), e.Member))
			}
		}
	}
	for i, c := range r.Complaints {
		if c.Case.Intake.Complainant != id {
			return fmt.Errorf("complaints[%d]: %w", i, foreign("complaint case", string(c.Case.ID), c.Case.Intake.Complainant))
		}
		for j, e := range c.Events {
			if e.Case != c.Case.ID {
				return fmt.Errorf("complaints[%d].events[%d]: event %d is of case %q, not %q: %w", i, j, e.Seq, e.Case, c.Case.ID, ErrForeignRecord)
			}
		}
	}
	return nil
}

// fromTimeDoc is the inverse of timeDoc: the zero time for null.
func fromTimeDoc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// fromBirthdayDoc is the inverse of toBirthdayDoc.
func fromBirthdayDoc(b birthdayDoc) customer.Birthday {
	return customer.Birthday{Year: b.Year, Month: time.Month(b.Month), Day: b.Day}
}

// fromCustomerDoc is the inverse of toCustomerDoc.
func fromCustomerDoc(d customerDoc) customer.Customer {
	c := customer.Customer{
		ID: d.ID, Kind: d.Kind, Role: d.Role, Name: d.Name,
		Contact:  customer.Contact{Email: customer.Email(d.Contact.Email), Phone: customer.Phone(d.Contact.Phone), Address: d.Contact.Address},
		Birthday: fromBirthdayDoc(d.Birthday), Region: d.Region, Joined: fromTimeDoc(d.Joined),
		Consent: customer.Consent{Marketing: d.Consent.Marketing, Profiling: d.Consent.Profiling},
		Profile: fromProfileDoc(d.Profile),
	}
	if len(d.ConsentHistory) > 0 {
		c.ConsentHistory = listDoc(d.ConsentHistory, func(x consentChangeDoc) customer.ConsentChange {
			return customer.ConsentChange{Purpose: x.Purpose, Given: x.Given, Time: fromTimeDoc(x.Time), Source: x.Source, Notice: x.Notice}
		})
	}
	if len(d.Household) > 0 {
		c.Household = listDoc(d.Household, func(m memberDoc) customer.Member {
			return customer.Member{ID: m.ID, Relation: m.Relation, Name: m.Name, Birthday: fromBirthdayDoc(m.Birthday), Profile: fromProfileDoc(m.Profile)}
		})
	}
	if t := d.Trade; t != nil {
		c.Trade = &customer.Trade{AnnualTurnover: t.AnnualTurnover, Outlets: t.Outlets, Rating: t.Rating,
			CooperationStart: fromTimeDoc(t.CooperationStart), MarketSize: t.MarketSize}
	}
	return c
}

// fromProfileDoc is the inverse of toProfileDoc; an empty list is nil.
func fromProfileDoc(p profileDoc) customer.Profile {
	return customer.Profile{TopSize: p.TopSize, BottomSize: p.BottomSize, ShoeSize: p.ShoeSize, HeightCM: p.HeightCM, Fit: p.Fit,
		Styles: nilIfEmpty(p.Styles), Colours: nilIfEmpty(p.Colours), Categories: nilIfEmpty(p.Categories)}
}

// nilIfEmpty returns nil for an empty slice: the document has an empty
// array for a list that is nil in the record.
func nilIfEmpty[S ~[]E, E any](xs S) S {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// fromOrderDoc is the inverse of toOrderDoc.
func fromOrderDoc(o orderDoc) customer.Order {
	return customer.Order{ID: o.ID, CustomerID: o.CustomerID, Time: fromTimeDoc(o.Time), Channel: o.Channel, Store: o.Store,
		Currency: o.Currency, Lines: nilIfEmpty(listDoc(o.Lines, func(l lineDoc) customer.Line {
			return customer.Line{ID: l.ID, SKU: l.SKU, Category: l.Category, Season: l.Season, Size: l.Size, Colour: l.Colour,
				Quantity: l.Quantity, UnitPrice: decimal.Decimal(l.UnitPrice), UnitCost: fromNullAmountDoc(l.UnitCost),
				Discount: decimal.Decimal(l.Discount), Member: l.Member}
		}))}
}

// fromReturnDoc is the inverse of toReturnDoc.
func fromReturnDoc(r returnDoc) customer.Return {
	return customer.Return{ID: r.ID, OrderID: r.OrderID, CustomerID: r.CustomerID, Time: fromTimeDoc(r.Time), Kind: r.Kind,
		Reason: r.Reason, Refund: fromNullAmountDoc(r.Refund),
		Lines: nilIfEmpty(listDoc(r.Lines, func(l returnLineDoc) customer.ReturnLine {
			return customer.ReturnLine{LineID: l.LineID, Quantity: l.Quantity}
		}))}
}

// fromCreditDoc is the inverse of toCreditDoc.
func fromCreditDoc(c creditDoc) customer.Credit {
	return customer.Credit{ID: c.ID, CustomerID: c.CustomerID, OrderID: c.OrderID, Time: fromTimeDoc(c.Time), Kind: c.Kind,
		Amount: c.Amount, Source: c.Source}
}

// fromInteractionDoc is the inverse of toInteractionDoc.
func fromInteractionDoc(i interactionDoc) customer.Interaction {
	return customer.Interaction{CustomerID: i.CustomerID, Time: fromTimeDoc(i.Time), Kind: i.Kind, Subject: i.Subject}
}

// fromLoyaltyDoc returns the ledger of d: its entries and the account
// they replay into, which must agree with the account and balance of d.
func fromLoyaltyDoc(d loyaltyDoc) (Loyalty, error) {
	entries := make([]loyalty.Entry, len(d.Entries))
	for i, e := range d.Entries {
		var err error
		if entries[i], err = fromEntryDoc(e); err != nil {
			return Loyalty{}, fmt.Errorf("entry %d: %w", e.Seq, err)
		}
	}
	a, err := loyalty.Replay(entries)
	if err != nil {
		return Loyalty{}, err
	}
	if a.Version != d.Account.Version || a.Balance() != d.Balance {
		return Loyalty{}, fmt.Errorf("the account (version %d, balance %d) disagrees with its entries (version %d, balance %d)",
			d.Account.Version, d.Balance, a.Version, a.Balance())
	}
	return Loyalty{Account: a, Entries: entries}, nil
}

// fromEntryDoc is the inverse of toEntryDoc.
func fromEntryDoc(d entryDoc) (loyalty.Entry, error) {
	e := loyalty.Entry{
		Seq: d.Seq, Member: d.Member, Key: d.Key, Fingerprint: loyalty.Fingerprint(d.Fingerprint), Kind: d.Kind,
		Time: fromTimeDoc(d.Time), Effective: fromTimeDoc(d.Effective), Points: d.Points, Lot: d.Lot,
		AvailableAt: fromTimeDoc(d.AvailableAt), ExpiresAt: fromTimeDoc(d.ExpiresAt),
		Parts: nilIfEmpty(listDoc(d.Parts, func(p lotPartDoc) loyalty.LotPart { return loyalty.LotPart{Lot: p.Lot, Points: p.Points} })),
		Debt:  d.Debt, Forgiven: d.Forgiven, OrderID: d.OrderID,
		Lines: nilIfEmpty(listDoc(d.Lines, func(l lineRecordDoc) loyalty.LineRecord {
			return loyalty.LineRecord{LineID: l.LineID, Quantity: l.Quantity, Net: decimal.Decimal(l.Net), Weight: decimal.Decimal(l.Weight)}
		})),
		Spend: decimal.Decimal(d.Spend), Qualifying: d.Qualifying, Year: d.Year, Reason: d.Reason, Operator: d.Operator,
		From: d.From, To: d.To, TierName: d.TierName, NextReview: fromTimeDoc(d.NextReview), GraceUntil: fromTimeDoc(d.GraceUntil),
		Birthday: fromBirthdayDoc(d.Birthday), Note: d.Note, Coupons: nilIfEmpty(d.Coupons),
	}
	if d.Bonus != "" {
		k, err := loyalty.ParseBonusKind(d.Bonus)
		if err != nil {
			return loyalty.Entry{}, fmt.Errorf("bonus: %w", err)
		}
		e.Bonus = k
	}
	return e, nil
}
