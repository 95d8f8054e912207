package customer

import (
	"time"

	"github.com/shopspring/decimal"
)

// Order is one purchase: one or more lines bought together, in one
// currency, through one channel.
type Order struct {
	ID         string
	CustomerID ID
	Time       time.Time
	Channel    Channel
	// Store identifies the shop or web shop; optional.
	Store    string
	Currency Currency
	Lines    []Line
}

// Line is one article of an order. Amounts are in the order's currency.
type Line struct {
	// ID is unique within the order.
	ID       string
	SKU      string
	Category string // "coats", "knitwear", "shoes", ...
	// Season is the collection, such as "2026-AW" or "2027-SS".
	Season string
	Size   string
	Colour string
	// Quantity is the number of units sold, > 0.
	Quantity int
	// UnitPrice is the list price of one unit, >= 0.
	UnitPrice decimal.Decimal
	// UnitCost is the cost of goods of one unit, when known. When it is
	// not, profit uses the default margin of [SummaryOptions].
	UnitCost decimal.NullDecimal
	// Discount is the amount taken off the whole line (markdown, coupon),
	// 0 <= Discount <= Quantity*UnitPrice. A line with no discount sold at
	// full price.
	Discount decimal.Decimal
	// Member is the ID of the member of the customer's household the
	// item was bought for ([Customer].Household); empty when it was
	// bought for the customer themself. [Order.ValidateFor] checks that
	// the customer has the member (an intermediary has none: it buys to
	// resell); [Summary].Members counts the units per member.
	Member string
}

// Gross returns Quantity × UnitPrice.
func (l Line) Gross() decimal.Decimal {
	return l.UnitPrice.Mul(decimal.NewFromInt(int64(l.Quantity)))
}

// Net returns Gross − Discount, what the customer paid for the line.
func (l Line) Net() decimal.Decimal { return l.Gross().Sub(l.Discount) }

// Return brings back units of one order's lines, for a refund or an
// exchange.
type Return struct {
	ID         string
	OrderID    string
	CustomerID ID
	Time       time.Time
	Kind       ReturnKind
	Reason     ReturnReason
	Lines      []ReturnLine
	// Refund is the money paid back when the shop paid less than the
	// units' share of their lines' net ([Summary.AddReturnAfter]), as
	// after a return-shipping or restocking fee, or after a price
	// reduction of the order paid back part of the price already
	// ([Recorder.RecordReturn] refuses a refund that would pay back more
	// than the order's net); unset, the share is paid. Only a refund has
	// one, in whole minor units, at most the share when it is
	// checked or recorded; money paid on top of the share is a [Credit].
	// A summary of an imported history keeps a Refund above the share as
	// recorded (see Over-refunds on [Summary]).
	Refund decimal.NullDecimal
}

// ReturnLine is the units of one order line that came back. As on an ERP
// credit note, Quantity is negative: -1 is one unit returned.
type ReturnLine struct {
	LineID   string
	Quantity int
}

// Interaction is a sign of interest that is not a purchase: a visit, a
// wish-list entry, a basket, a survey answer, an event attended.
type Interaction struct {
	CustomerID ID
	Time       time.Time
	Kind       InteractionKind
	// Subject is what the interest was in: a SKU, a category or an event
	// name; optional.
	Subject string
}
