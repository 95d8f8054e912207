package shopgen

import (
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Complaint is a complaint as recorded on the complaint form of domain rules §5
// (step 1): who complained, when, about what, how badly, and what they
// demand. It is a plain fact of the generator; the complaint package
// turns such facts into cases.
type Complaint struct {
	CustomerID customer.ID
	Time       time.Time
	// OrderID is the order complained about; empty when the complaint is
	// not about one order.
	OrderID string
	// ReturnID is the return that preceded the complaint, if any.
	ReturnID string
	Category ComplaintCategory
	// Severity runs from 1 (low) to 4 (critical).
	Severity int
	Demand   Demand
}

// ComplaintCategory is what a complaint is about.
type ComplaintCategory uint8

const (
	// SizeFitComplaint: sizes that do not match the size chart.
	SizeFitComplaint ComplaintCategory = iota + 1
	// QualityDefectComplaint: seams, fabric, colour fastness, shrinkage.
	QualityDefectComplaint
	// WrongItem: another article, size or colour was delivered.
	WrongItem
	// LateDeliveryComplaint: the goods came late.
	LateDeliveryComplaint
	// StaffAttitude: the service in a shop or on the phone.
	StaffAttitude
	// PriceDispute: a price, markdown or coupon was not honoured.
	PriceDispute
)

var categoryNames = []string{"", "size-fit", "quality-defect", "wrong-item", "late-delivery", "staff-attitude", "price-dispute"}

// ParseComplaintCategory parses "size-fit", "quality-defect", "wrong-item",
// "late-delivery", "staff-attitude" or "price-dispute".
func ParseComplaintCategory(s string) (ComplaintCategory, error) {
	return enumtext.Parse[ComplaintCategory](s, categoryNames, "complaint category")
}

// String returns the category's name.
func (c ComplaintCategory) String() string {
	return enumtext.String(c, categoryNames, "ComplaintCategory")
}

// Valid reports whether c is a defined category.
func (c ComplaintCategory) Valid() bool { return enumtext.Valid(c, categoryNames) }

// MarshalText implements [encoding.TextMarshaler].
func (c ComplaintCategory) MarshalText() ([]byte, error) {
	return enumtext.Marshal(c, categoryNames, "complaint category")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (c *ComplaintCategory) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(c, b, ParseComplaintCategory)
}

// Demand is what the complaining customer asks for (domain rules §5, step 5:
// return, exchange, repair, price reduction, compensation).
type Demand uint8

const (
	// DemandReturn: take the goods back and refund.
	DemandReturn Demand = iota + 1
	// DemandExchange: swap the goods.
	DemandExchange
	// DemandRepair: mend the goods.
	DemandRepair
	// DemandPriceReduction: keep the goods at a lower price.
	DemandPriceReduction
	// DemandCompensation: money or a voucher for the trouble.
	DemandCompensation
)

var demandNames = []string{"", "return", "exchange", "repair", "price-reduction", "compensation"}

// ParseDemand parses "return", "exchange", "repair", "price-reduction" or
// "compensation".
func ParseDemand(s string) (Demand, error) {
	return enumtext.Parse[Demand](s, demandNames, "demand")
}

// String returns the demand's name.
func (d Demand) String() string { return enumtext.String(d, demandNames, "Demand") }

// Valid reports whether d is a defined demand.
func (d Demand) Valid() bool { return enumtext.Valid(d, demandNames) }

// MarshalText implements [encoding.TextMarshaler].
func (d Demand) MarshalText() ([]byte, error) { return enumtext.Marshal(d, demandNames, "demand") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (d *Demand) UnmarshalText(b []byte) error { return enumtext.Unmarshal(d, b, ParseDemand) }
