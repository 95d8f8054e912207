package loyalty

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// QuoteDiff returns the first field in which a and b differ, basket
// included, or "" when they are the same quote as stored: amounts equal
// and, when either exponent is negative, with the same exponent (10.50
// stays 10.50; a positive exponent is stored as 0); times the same
// instant at the same offset; empty lists and nil alike.
func QuoteDiff(a, b Quote) string {
	var diff string
	dec := func(field string, x, y decimal.Decimal) {
		if diff == "" && (!x.Equal(y) || min(x.Exponent(), 0) != min(y.Exponent(), 0)) {
			diff = fmt.Sprintf("%s: %s (exp %d) ≠ %s (exp %d)", field, x, x.Exponent(), y, y.Exponent())
		}
	}
	same := func(field string, ok bool, x, y any) {
		if diff == "" && !ok {
			diff = fmt.Sprintf("%s: %v ≠ %v", field, x, y)
		}
	}
	lines := func(prefix string, x, y []QuoteLine) {
		same(prefix+" count", len(x) == len(y), len(x), len(y))
		for i := range min(len(x), len(y)) {
			f := fmt.Sprintf("%s[%d].", prefix, i)
			same(f+"id", x[i].ID == y[i].ID, x[i].ID, y[i].ID)
			dec(f+"amount", x[i].Amount, y[i].Amount)
			dec(f+"discount", x[i].Discount, y[i].Discount)
			dec(f+"points", x[i].Points, y[i].Points)
			dec(f+"total", x[i].Total, y[i].Total)
		}
	}
	same("currency", a.Currency == b.Currency, a.Currency, b.Currency)
	dec("subtotal", a.Subtotal, b.Subtotal)
	lines("lines", a.Lines, b.Lines)
	same("deductions count", len(a.Deductions) == len(b.Deductions), len(a.Deductions), len(b.Deductions))
	for i := range min(len(a.Deductions), len(b.Deductions)) {
		x, y := a.Deductions[i], b.Deductions[i]
		f := fmt.Sprintf("deductions[%d].", i)
		same(f+"kind", x.Kind == y.Kind, x.Kind, y.Kind)
		same(f+"name", x.Name == y.Name, x.Name, y.Name)
		same(f+"lines", fmt.Sprint(x.Lines) == fmt.Sprint(y.Lines), x.Lines, y.Lines)
		dec(f+"amount", x.Amount, y.Amount)
		same(f+"capped", x.Capped == y.Capped, x.Capped, y.Capped)
		dec(f+"requested", x.Requested, y.Requested)
		same(f+"explain", x.Explain == y.Explain, x.Explain, y.Explain)
	}
	dec("discount", a.Discount, b.Discount)
	same("points_used", a.PointsUsed == b.PointsUsed, a.PointsUsed, b.PointsUsed)
	dec("points_value", a.PointsValue, b.PointsValue)
	dec("total", a.Total, b.Total)

	same("basket", (a.items == nil) == (b.items == nil), a.items != nil, b.items != nil)
	same("basket.member", a.member == b.member, a.member, b.member)
	same("basket.time", a.at.Equal(b.at) && a.at.Format(time.RFC3339Nano) == b.at.Format(time.RFC3339Nano), a.at, b.at)
	same("basket.items count", len(a.items) == len(b.items), len(a.items), len(b.items))
	for i := range min(len(a.items), len(b.items)) {
		x, y := a.items[i], b.items[i]
		f := fmt.Sprintf("basket.items[%d].", i)
		same(f+"text", x.ID == y.ID && x.SKU == y.SKU && x.Category == y.Category && x.Season == y.Season &&
			x.Size == y.Size && x.Colour == y.Colour && x.Series == y.Series, x, y)
		same(f+"quantity", x.Quantity == y.Quantity, x.Quantity, y.Quantity)
		dec(f+"unit_price", x.UnitPrice, y.UnitPrice)
		same(f+"unit_cost.valid", x.UnitCost.Valid == y.UnitCost.Valid, x.UnitCost.Valid, y.UnitCost.Valid)
		if x.UnitCost.Valid && y.UnitCost.Valid {
			dec(f+"unit_cost", x.UnitCost.Decimal, y.UnitCost.Decimal)
		}
		dec(f+"discount", x.Discount, y.Discount)
	}
	lines("basket.priced", a.lines, b.lines)
	return diff
}
