package privacy

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Schema names the form of the document a [Report] encodes to, its
// "schema" key: the keys and shapes the package documentation describes.
// It changes when a key is renamed or removed or a value changes its
// form; a key added to an object does not change it.
const Schema = "tailor.privacy.export/v2"

// The document types below are the JSON form of a report: one struct per
// object of the document, with the Go field names of the record they
// carry and the snake_case of those names as keys. Every key is always
// present; a list is an array, empty when there is nothing; a time not
// set (the zero time.Time: unknown, never) is null.

// reportDoc is the JSON form of a [Report].
type reportDoc struct {
	Schema       string           `json:"schema"`
	Customer     customer.ID      `json:"customer"`
	Made         *time.Time       `json:"made"`
	Sources      []string         `json:"sources"`
	Record       *customerDoc     `json:"record"`
	Orders       []orderDoc       `json:"orders"`
	Returns      []returnDoc      `json:"returns"`
	Credits      []creditDoc      `json:"credits"`
	Interactions []interactionDoc `json:"interactions"`
	Loyalty      *loyaltyDoc      `json:"loyalty"`
	Complaints   []Complaint      `json:"complaints"`
}

// customerDoc is the JSON form of a [customer.Customer].
type customerDoc struct {
	ID             customer.ID        `json:"id"`
	Kind           customer.Kind      `json:"kind"`
	Role           customer.Role      `json:"role"`
	Name           string             `json:"name"`
	Contact        contactDoc         `json:"contact"`
	Birthday       birthdayDoc        `json:"birthday"`
	Region         string             `json:"region"`
	Joined         *time.Time         `json:"joined"`
	Consent        consentDoc         `json:"consent"`
	ConsentHistory []consentChangeDoc `json:"consent_history"`
	Profile        profileDoc         `json:"profile"`
	Trade          *tradeDoc          `json:"trade"`
	Household      []memberDoc        `json:"household"`
}

// contactDoc is the JSON form of a [customer.Contact], in clear.
type contactDoc struct {
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// birthdayDoc is the JSON form of a [customer.Birthday]: month 1–12, 0
// for each part that is unknown.
type birthdayDoc struct {
	Year  int `json:"year"`
	Month int `json:"month"`
	Day   int `json:"day"`
}

// consentDoc is the JSON form of a [customer.Consent].
type consentDoc struct {
	Marketing bool `json:"marketing"`
	Profiling bool `json:"profiling"`
}

// consentChangeDoc is the JSON form of a [customer.ConsentChange].
type consentChangeDoc struct {
	Purpose customer.Purpose       `json:"purpose"`
	Given   bool                   `json:"given"`
	Time    *time.Time             `json:"time"`
	Source  customer.ConsentSource `json:"source"`
	Notice  string                 `json:"notice"`
}

// profileDoc is the JSON form of a [customer.Profile].
type profileDoc struct {
	TopSize    string       `json:"top_size"`
	BottomSize string       `json:"bottom_size"`
	ShoeSize   string       `json:"shoe_size"`
	HeightCM   int          `json:"height_cm"`
	Fit        customer.Fit `json:"fit"`
	Styles     []string     `json:"styles"`
	Colours    []string     `json:"colours"`
	Categories []string     `json:"categories"`
}

// tradeDoc is the JSON form of a [customer.Trade].
type tradeDoc struct {
	AnnualTurnover   customer.Money        `json:"annual_turnover"`
	Outlets          int                   `json:"outlets"`
	Rating           customer.CreditRating `json:"rating"`
	CooperationStart *time.Time            `json:"cooperation_start"`
	MarketSize       customer.Money        `json:"market_size"`
}

// memberDoc is the JSON form of a [customer.Member] of a household.
type memberDoc struct {
	ID       string            `json:"id"`
	Relation customer.Relation `json:"relation"`
	Name     string            `json:"name"`
	Birthday birthdayDoc       `json:"birthday"`
	Profile  profileDoc        `json:"profile"`
}

// orderDoc is the JSON form of a [customer.Order].
type orderDoc struct {
	ID         string            `json:"id"`
	CustomerID customer.ID       `json:"customer_id"`
	Time       *time.Time        `json:"time"`
	Channel    customer.Channel  `json:"channel"`
	Store      string            `json:"store"`
	Currency   customer.Currency `json:"currency"`
	Lines      []lineDoc         `json:"lines"`
}

// lineDoc is the JSON form of a [customer.Line]; amounts are decimal
// strings in the order's currency, unit_cost null when unknown.
type lineDoc struct {
	ID        string     `json:"id"`
	SKU       string     `json:"sku"`
	Category  string     `json:"category"`
	Season    string     `json:"season"`
	Size      string     `json:"size"`
	Colour    string     `json:"colour"`
	Quantity  int        `json:"quantity"`
	UnitPrice amountDoc  `json:"unit_price"`
	UnitCost  *amountDoc `json:"unit_cost"`
	Discount  amountDoc  `json:"discount"`
	Member    string     `json:"member"`
}

// returnDoc is the JSON form of a [customer.Return]; refund is null when
// the units' share was paid.
type returnDoc struct {
	ID         string                `json:"id"`
	OrderID    string                `json:"order_id"`
	CustomerID customer.ID           `json:"customer_id"`
	Time       *time.Time            `json:"time"`
	Kind       customer.ReturnKind   `json:"kind"`
	Reason     customer.ReturnReason `json:"reason"`
	Lines      []returnLineDoc       `json:"lines"`
	Refund     *amountDoc            `json:"refund"`
}

// returnLineDoc is the JSON form of a [customer.ReturnLine].
type returnLineDoc struct {
	LineID   string `json:"line_id"`
	Quantity int    `json:"quantity"`
}

// creditDoc is the JSON form of a [customer.Credit].
type creditDoc struct {
	ID         string              `json:"id"`
	CustomerID customer.ID         `json:"customer_id"`
	OrderID    string              `json:"order_id"`
	Time       *time.Time          `json:"time"`
	Kind       customer.CreditKind `json:"kind"`
	Amount     customer.Money      `json:"amount"`
	Source     string              `json:"source"`
}

// interactionDoc is the JSON form of a [customer.Interaction].
type interactionDoc struct {
	CustomerID customer.ID              `json:"customer_id"`
	Time       *time.Time               `json:"time"`
	Kind       customer.InteractionKind `json:"kind"`
	Subject    string                   `json:"subject"`
}

// loyaltyDoc is the JSON form of [Loyalty]: the account with its balance
// and open lots, which are methods of [loyalty.Account], and the entries.
type loyaltyDoc struct {
	Account accountDoc     `json:"account"`
	Balance loyalty.Points `json:"balance"`
	Lots    []lotDoc       `json:"lots"`
	Entries []entryDoc     `json:"entries"`
}

// accountDoc is the JSON form of a [loyalty.Account].
type accountDoc struct {
	Member     customer.ID    `json:"member"`
	Birthday   birthdayDoc    `json:"birthday"`
	Joined     *time.Time     `json:"joined"`
	Erased     *time.Time     `json:"erased"`
	Version    int64          `json:"version"`
	AsOf       *time.Time     `json:"as_of"`
	Available  loyalty.Points `json:"available"`
	Pending    loyalty.Points `json:"pending"`
	Debt       loyalty.Points `json:"debt"`
	Level      int            `json:"level"`
	LevelSince *time.Time     `json:"level_since"`
	NextReview *time.Time     `json:"next_review"`
	GraceUntil *time.Time     `json:"grace_until"`
}

// lotDoc is the JSON form of a [loyalty.Lot].
type lotDoc struct {
	ID          string         `json:"id"`
	EarnedAt    *time.Time     `json:"earned_at"`
	AvailableAt *time.Time     `json:"available_at"`
	ExpiresAt   *time.Time     `json:"expires_at"`
	Points      loyalty.Points `json:"points"`
	Remaining   loyalty.Points `json:"remaining"`
	Pending     bool           `json:"pending"`
	OrderID     string         `json:"order_id"`
}

// entryDoc is the JSON form of a [loyalty.Entry]. The fingerprint is a
// decimal string: a uint64 exceeds the integers a JSON number carries
// exactly in most readers (2^53, RFC 7493 §2.2). Bonus is the bonus
// kind's name, "" for every entry but a bonus.
type entryDoc struct {
	Seq         int64             `json:"seq"`
	Member      customer.ID       `json:"member"`
	Key         string            `json:"key"`
	Fingerprint uint64            `json:"fingerprint,string"`
	Kind        loyalty.EntryKind `json:"kind"`
	Time        *time.Time        `json:"time"`
	Effective   *time.Time        `json:"effective"`
	Points      loyalty.Points    `json:"points"`
	Lot         string            `json:"lot"`
	AvailableAt *time.Time        `json:"available_at"`
	ExpiresAt   *time.Time        `json:"expires_at"`
	Parts       []lotPartDoc      `json:"parts"`
	Debt        loyalty.Points    `json:"debt"`
	Forgiven    loyalty.Points    `json:"forgiven"`
	OrderID     string            `json:"order_id"`
	Lines       []lineRecordDoc   `json:"lines"`
	Spend       amountDoc         `json:"spend"`
	Qualifying  loyalty.Points    `json:"qualifying"`
	Bonus       string            `json:"bonus"`
	Year        int               `json:"year"`
	Reason      string            `json:"reason"`
	Operator    string            `json:"operator"`
	From        int               `json:"from"`
	To          int               `json:"to"`
	TierName    string            `json:"tier_name"`
	NextReview  *time.Time        `json:"next_review"`
	GraceUntil  *time.Time        `json:"grace_until"`
	Birthday    birthdayDoc       `json:"birthday"`
	Note        string            `json:"note"`
	Coupons     []string          `json:"coupons"`
}

// lotPartDoc is the JSON form of a [loyalty.LotPart].
type lotPartDoc struct {
	Lot    string         `json:"lot"`
	Points loyalty.Points `json:"points"`
}

// lineRecordDoc is the JSON form of a [loyalty.LineRecord].
type lineRecordDoc struct {
	LineID   string    `json:"line_id"`
	Quantity int       `json:"quantity"`
	Net      amountDoc `json:"net"`
	Weight   amountDoc `json:"weight"`
}

// MarshalJSON encodes the report as the document described in the
// package documentation: the keys of every object in snake_case, the
// "schema" key ([Schema]) first. A nil slice encodes as an empty array.
func (r Report) MarshalJSON() ([]byte, error) {
	d := reportDoc{
		Schema:       Schema,
		Customer:     r.Customer,
		Made:         timeDoc(r.Made),
		Sources:      listDoc(r.Sources, func(s string) string { return s }),
		Orders:       listDoc(r.Orders, toOrderDoc),
		Returns:      listDoc(r.Returns, toReturnDoc),
		Credits:      listDoc(r.Credits, toCreditDoc),
		Interactions: listDoc(r.Interactions, toInteractionDoc),
		Complaints: listDoc(r.Complaints, func(c Complaint) Complaint {
			return Complaint{Case: c.Case, Events: listDoc(c.Events, func(e complaint.Event) complaint.Event { return e })}
		}),
	}
	if r.Record != nil {
		c := toCustomerDoc(*r.Record)
		d.Record = &c
	}
	if r.Loyalty != nil {
		l := r.Loyalty.doc()
		d.Loyalty = &l
	}
	return json.Marshal(d)
}

// MarshalJSON encodes the ledger as the "loyalty" object of the document
// (see the package documentation):
//
//	{"account": {...}, "balance": 120, "lots": [...], "entries": [...]}
//
// with the net balance ([loyalty.Account.Balance]) and the open lots
// ([loyalty.Account.Lots]).
func (l Loyalty) MarshalJSON() ([]byte, error) { return json.Marshal(l.doc()) }

// doc returns the JSON form of l.
func (l Loyalty) doc() loyaltyDoc {
	a := l.Account
	return loyaltyDoc{
		Account: accountDoc{
			Member: a.Member, Birthday: toBirthdayDoc(a.Birthday), Joined: timeDoc(a.Joined), Erased: timeDoc(a.Erased),
			Version: a.Version, AsOf: timeDoc(a.AsOf), Available: a.Available, Pending: a.Pending, Debt: a.Debt,
			Level: a.Level, LevelSince: timeDoc(a.LevelSince), NextReview: timeDoc(a.NextReview), GraceUntil: timeDoc(a.GraceUntil),
		},
		Balance: a.Balance(),
		Lots:    listDoc(a.Lots(), toLotDoc),
		Entries: listDoc(l.Entries, toEntryDoc),
	}
}

// timeDoc returns t for the document: nil (null) when zero.
func timeDoc(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// listDoc maps xs by f into a slice that is never nil, so that the
// document has an array, empty when there is nothing.
func listDoc[S ~[]E, E, D any](xs S, f func(E) D) []D {
	out := make([]D, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// stringsDoc returns xs, an empty slice for nil.
func stringsDoc(xs []string) []string {
	return listDoc(xs, func(s string) string { return s })
}

// toCustomerDoc returns the JSON form of c.
func toCustomerDoc(c customer.Customer) customerDoc {
	d := customerDoc{
		ID: c.ID, Kind: c.Kind, Role: c.Role, Name: c.Name,
		Contact:  contactDoc{Email: string(c.Contact.Email), Phone: string(c.Contact.Phone), Address: c.Contact.Address},
		Birthday: toBirthdayDoc(c.Birthday), Region: c.Region, Joined: timeDoc(c.Joined),
		Consent:        consentDoc{Marketing: c.Consent.Marketing, Profiling: c.Consent.Profiling},
		ConsentHistory: listDoc(c.ConsentHistory, toConsentChangeDoc),
		Profile:        toProfileDoc(c.Profile),
		Household:      listDoc(c.Household, toMemberDoc),
	}
	if t := c.Trade; t != nil {
		d.Trade = &tradeDoc{AnnualTurnover: t.AnnualTurnover, Outlets: t.Outlets, Rating: t.Rating,
			CooperationStart: timeDoc(t.CooperationStart), MarketSize: t.MarketSize}
	}
	return d
}

// toBirthdayDoc returns the JSON form of b.
func toBirthdayDoc(b customer.Birthday) birthdayDoc {
	return birthdayDoc{Year: b.Year, Month: int(b.Month), Day: b.Day}
}

// toConsentChangeDoc returns the JSON form of c.
func toConsentChangeDoc(c customer.ConsentChange) consentChangeDoc {
	return consentChangeDoc{Purpose: c.Purpose, Given: c.Given, Time: timeDoc(c.Time), Source: c.Source, Notice: c.Notice}
}

// toProfileDoc returns the JSON form of p.
func toProfileDoc(p customer.Profile) profileDoc {
	return profileDoc{TopSize: p.TopSize, BottomSize: p.BottomSize, ShoeSize: p.ShoeSize, HeightCM: p.HeightCM, Fit: p.Fit,
		Styles: stringsDoc(p.Styles), Colours: stringsDoc(p.Colours), Categories: stringsDoc(p.Categories)}
}

// toMemberDoc returns the JSON form of m.
func toMemberDoc(m customer.Member) memberDoc {
	return memberDoc{ID: m.ID, Relation: m.Relation, Name: m.Name, Birthday: toBirthdayDoc(m.Birthday), Profile: toProfileDoc(m.Profile)}
}

// toOrderDoc returns the JSON form of o.
func toOrderDoc(o customer.Order) orderDoc {
	return orderDoc{ID: o.ID, CustomerID: o.CustomerID, Time: timeDoc(o.Time), Channel: o.Channel, Store: o.Store,
		Currency: o.Currency, Lines: listDoc(o.Lines, toLineDoc)}
}

// toLineDoc returns the JSON form of l.
func toLineDoc(l customer.Line) lineDoc {
	return lineDoc{ID: l.ID, SKU: l.SKU, Category: l.Category, Season: l.Season, Size: l.Size, Colour: l.Colour,
		Quantity: l.Quantity, UnitPrice: amountDoc(l.UnitPrice), UnitCost: nullAmountDoc(l.UnitCost), Discount: amountDoc(l.Discount),
		Member: l.Member}
}

// toReturnDoc returns the JSON form of r.
func toReturnDoc(r customer.Return) returnDoc {
	return returnDoc{ID: r.ID, OrderID: r.OrderID, CustomerID: r.CustomerID, Time: timeDoc(r.Time), Kind: r.Kind,
		Reason: r.Reason, Refund: nullAmountDoc(r.Refund),
		Lines: listDoc(r.Lines, func(l customer.ReturnLine) returnLineDoc {
			return returnLineDoc{LineID: l.LineID, Quantity: l.Quantity}
		})}
}

// toCreditDoc returns the JSON form of c.
func toCreditDoc(c customer.Credit) creditDoc {
	return creditDoc{ID: c.ID, CustomerID: c.CustomerID, OrderID: c.OrderID, Time: timeDoc(c.Time), Kind: c.Kind,
		Amount: c.Amount, Source: c.Source}
}

// toInteractionDoc returns the JSON form of i.
func toInteractionDoc(i customer.Interaction) interactionDoc {
	return interactionDoc{CustomerID: i.CustomerID, Time: timeDoc(i.Time), Kind: i.Kind, Subject: i.Subject}
}

// toLotDoc returns the JSON form of l.
func toLotDoc(l loyalty.Lot) lotDoc {
	return lotDoc{ID: l.ID, EarnedAt: timeDoc(l.EarnedAt), AvailableAt: timeDoc(l.AvailableAt), ExpiresAt: timeDoc(l.ExpiresAt),
		Points: l.Points, Remaining: l.Remaining, Pending: l.Pending, OrderID: l.OrderID}
}

// toEntryDoc returns the JSON form of e.
func toEntryDoc(e loyalty.Entry) entryDoc {
	d := entryDoc{
		Seq: e.Seq, Member: e.Member, Key: e.Key, Fingerprint: uint64(e.Fingerprint), Kind: e.Kind,
		Time: timeDoc(e.Time), Effective: timeDoc(e.Effective), Points: e.Points, Lot: e.Lot,
		AvailableAt: timeDoc(e.AvailableAt), ExpiresAt: timeDoc(e.ExpiresAt),
		Parts: listDoc(e.Parts, func(p loyalty.LotPart) lotPartDoc { return lotPartDoc{Lot: p.Lot, Points: p.Points} }),
		Debt:  e.Debt, Forgiven: e.Forgiven, OrderID: e.OrderID,
		Lines: listDoc(e.Lines, func(l loyalty.LineRecord) lineRecordDoc {
			return lineRecordDoc{LineID: l.LineID, Quantity: l.Quantity, Net: amountDoc(l.Net), Weight: amountDoc(l.Weight)}
		}),
		Spend: amountDoc(e.Spend), Qualifying: e.Qualifying, Year: e.Year, Reason: e.Reason, Operator: e.Operator,
		From: e.From, To: e.To, TierName: e.TierName, NextReview: timeDoc(e.NextReview), GraceUntil: timeDoc(e.GraceUntil),
		Birthday: toBirthdayDoc(e.Birthday), Note: e.Note, Coupons: stringsDoc(e.Coupons),
	}
	if e.Bonus != 0 {
		d.Bonus = e.Bonus.String()
	}
	return d
}

// amountDoc is a decimal amount of the document: always a decimal string
// ("45.5"), never a JSON number, whatever
// decimal.MarshalJSONWithoutQuotes says, since a reader that takes
// numbers for binary floating point would round it (RFC 7493 §2.2).
type amountDoc decimal.Decimal

// MarshalJSON encodes a as a decimal string.
func (a amountDoc) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(decimal.Decimal(a).String())), nil
}

// UnmarshalJSON decodes a decimal string; a number or another form is an
// error.
func (a *amountDoc) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("amount %s: want a decimal string", b)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("amount %q: %w", s, err)
	}
	*a = amountDoc(d)
	return nil
}

// nullAmountDoc returns the amount of n, nil (null) when it is not set.
func nullAmountDoc(n decimal.NullDecimal) *amountDoc {
	if !n.Valid {
		return nil
	}
	a := amountDoc(n.Decimal)
	return &a
}

// fromNullAmountDoc is the inverse of nullAmountDoc.
func fromNullAmountDoc(a *amountDoc) decimal.NullDecimal {
	if a == nil {
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(decimal.Decimal(*a))
}
