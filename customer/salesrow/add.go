package salesrow

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Order is the state of one order of a customer that [Add] keeps: the
// caller holds one for each order it has seen (by order_id, or by day
// when a row has none) and passes it with each row of the order; the
// zero Order is that of an order not seen. It takes 24 bytes on a 64-bit
// platform, and the big.Int that Net holds.
type Order struct {
	// Day is the day the order counts on: that of its earliest sale row
	// added, or, while it has none, of its earliest row.
	Day customer.Date
	// Seen says a row of the order is counted; Sale that one of them is a
	// sale row.
	Seen, Sale bool
	// Net is the sum of the amounts of the order's rows counted, all on
	// Day.
	Net decimal.Decimal
}

// Add adds row r to s, the summary of r's customer, as a sale, a refund
// or an exchange (see the package comment). cur is the row's currency:
// r.Currency, or the caller's default when r names none. o is the state
// of r's order, which Add updates when r counts: the caller keeps one
// Order for each order it has seen, by order_id, or by day when there is
// none. Every row of an order on or before AsOf counts on one day, the
// order's, whatever the order of the rows (see Rows in the package
// comment):
//
//   - a row of an order not seen opens it on r's day (and counts an
//     order when it is a sale row);
//   - a sale row of an order with refund rows only opens it on r's day,
//     and the refunds' net moves there ([customer.Sale.MovedFrom]);
//   - a sale row dated before the day of an order with a sale row, or a
//     refund row dated before the day of an order of refunds only, moves
//     the order, its count and its net to r's day;
//   - any other row adds its amount to the order's day
//     ([customer.Sale.OrderDay]).
//
// An exchange moves no money and changes no order; a row dated after
// s.AsOf is left out (counted in Later) and changes no order either.
//
// A row that cannot be added is a *FieldError naming the column, and
// changes nothing, neither s nor o: a kind other than that of s (see the
// package comment for the kind of a customer whose first rows state
// none), an amount in a currency other than the customer's, or whatever
// [customer.Summary.AddSale] rejects (such as a sale of negative units,
// or a negative cost).
func Add(s *customer.Summary, r *Row, cur customer.Currency, o *Order) *FieldError {
	if isExchange(r) || r.Date.Time().After(s.AsOf) {
		return add(s, r, cur, customer.Sale{})
	}
	sale := isSale(r)
	next := *o
	var x customer.Sale
	switch {
	case !o.Seen:
		x.NewOrder = sale
		next = Order{Day: r.Date, Seen: true, Sale: sale}
	case sale && !o.Sale:
		x.NewOrder = true
		if r.Date != o.Day {
			x.MovedFrom, x.MovedNet = o.Day.Time(), o.Net
		}
		next.Day, next.Sale = r.Date, true
	case (sale || !o.Sale) && r.Date < o.Day:
		x.MovedFrom, x.MovedNet = o.Day.Time(), o.Net
		next.Day = r.Date
	case r.Date != o.Day:
		x.OrderDay = o.Day.Time()
	}
	if fe := add(s, r, cur, x); fe != nil {
		return fe
	}
	if next.Seen && o.Seen {
		next.Net = o.Net.Add(r.Amount)
	} else {
		next.Net = r.Amount
	}
	*o = next
	return nil
}

// isExchange reports whether r is an exchange: amount 0, negative
// quantity.
func isExchange(r *Row) bool { return r.Amount.Sign() == 0 && r.Units < 0 }

// isSale reports whether r is a sale row, one that belongs to an order:
// a positive or zero amount, other than an exchange.
func isSale(r *Row) bool {
	return r.Amount.Sign() > 0 || (r.Amount.Sign() == 0 && r.Units >= 0)
}

// add adds r to s as a sale, a refund or an exchange; x holds the
// order fields of its [customer.Sale].
func add(s *customer.Summary, r *Row, cur customer.Currency, x customer.Sale) *FieldError {
	if r.Kind != 0 && r.Kind != s.Kind {
		return saleFault(ColKind, r.Kind.String(), fmt.Sprintf("customer %q is %s on earlier rows", r.CustomerID, s.Kind), CodeEarlier)
	}
	amount, merr := customer.MoneyFromDecimal(r.Amount, cur)
	if merr != nil {
		return saleFault(ColCurrency, string(cur), merr.Error(), CodeUnknown)
	}
	exchange := isExchange(r)
	cost, discount := r.Cost, r.Discount
	if exchange {
		// Units came back for others: no money moved and no units were
		// bought, and the cost of the goods back is that of their
		// replacement. AddSale takes the row as units back without
		// money: in ReturnedUnits and Returns, on no day, and not in
		// Categories (the goods were bought by the sale exchanged).
		cost, discount = decimal.NullDecimal{}, decimal.NullDecimal{}
	}
	at := r.Date.Time()
	// An exchange dated after AsOf is left out: AddSale counts it in
	// Later, and its units count nowhere else.
	counted := exchange && !at.After(s.AsOf)
	if counted {
		if fe := exchangeOverflow(s, r); fe != nil {
			return fe
		}
	}
	x.Time, x.Amount, x.Units, x.Cost, x.Discount, x.Category = at, amount, r.Units, cost, discount, r.Category
	if aerr := s.AddSale(x); aerr != nil {
		return saleError(r, cur, aerr)
	}
	if counted {
		s.Exchanges++
		s.ExchangedUnits -= r.Units
	}
	return nil
}

// exchangeOverflow returns the error for exchange row r when counting it
// would overflow ReturnedUnits, ExchangedUnits, Returns or Exchanges of
// s, or nil.
func exchangeOverflow(s *customer.Summary, r *Row) *FieldError {
	field, v, n := "", 0, 0
	switch {
	case s.ReturnedUnits > math.MaxInt+r.Units: // r.Units < 0
		field, v, n = "returned units", s.ReturnedUnits, -r.Units
	case s.ExchangedUnits > math.MaxInt+r.Units:
		field, v, n = "exchanged units", s.ExchangedUnits, -r.Units
	case s.Returns == math.MaxInt:
		field, v, n = "returns", s.Returns, 1
	case s.Exchanges == math.MaxInt:
		field, v, n = "exchanges", s.Exchanges, 1
	default:
		return nil
	}
	return saleFault(ColQuantity, strconv.Itoa(r.Units), fmt.Sprintf("customer %q: %s: %d + %d does not fit in an int: %v", r.CustomerID, field, v, n, customer.ErrOverflow), CodeOverflow)
}

// saleFault is the error of a row that cannot be added, of column col
// with value v, for reason why of code c.
func saleFault(col, v, why string, c Code) *FieldError {
	return &FieldError{Field: -1, Column: col, Value: v, HasValue: true, Reason: why, Code: c}
}

// columnOf maps the fields of customer.Sale to the columns.
var columnOf = map[string]string{"time": ColDate, "currency": ColCurrency, "units": ColQuantity, "cost": ColCost, "discount": ColDiscount, "amount": ColAmount}

// saleColumn returns the column of field of customer.Sale, or the field
// itself when no column holds it.
func saleColumn(field string) string {
	if col := columnOf[field]; col != "" {
		return col
	}
	return field
}

// columnValue returns the value of column col of r, as parsed (numbers
// in their shortest form, so that "-3.00" shows as "-3"), for an error
// of that column; cur is the row's currency. ok is false for a column
// that r holds no value of.
func columnValue(r *Row, col string, cur customer.Currency) (v string, ok bool) {
	switch col {
	case ColDate:
		return r.Date.String(), true
	case ColAmount:
		return r.Amount.String(), true
	case ColQuantity:
		return strconv.Itoa(r.Units), true
	case ColCost:
		if r.Cost.Valid {
			return r.Cost.Decimal.String(), true
		}
	case ColDiscount:
		if r.Discount.Valid {
			return r.Discount.Decimal.String(), true
		}
	case ColCurrency:
		return string(cur), true
	}
	return "", false
}

// saleError turns an error of Summary.AddSale for row r, in currency
// cur, into a *FieldError that shows the value of each column at fault,
// as a field that does not parse shows its text.
func saleError(r *Row, cur customer.Currency, err error) *FieldError {
	var ve *customer.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		// The error names the column of the first problem; the others
		// name their own columns.
		fe := &FieldError{Field: -1, Column: saleColumn(ve.Fields[0].Field), Code: saleCode(r, ve.Fields[0])}
		fe.Value, fe.HasValue = columnValue(r, fe.Column, cur)
		parts := make([]string, len(ve.Fields))
		for i, f := range ve.Fields {
			parts[i] = f.Message
			if c := saleColumn(f.Field); c != fe.Column {
				if v, ok := columnValue(r, c, cur); ok {
					c += " " + quoteShort(v)
				}
				parts[i] = c + ": " + f.Message
			}
		}
		fe.Reason = strings.Join(parts, "; ")
		return fe
	}
	var cm *customer.CurrencyMismatchError
	if errors.As(err, &cm) {
		return saleFault(ColCurrency, string(cm.B), fmt.Sprintf("customer %q buys in %s", r.CustomerID, cm.A), CodeEarlier)
	}
	fe := &FieldError{Field: -1, Reason: err.Error()}
	if errors.Is(err, customer.ErrOverflow) {
		fe.Code = CodeOverflow
	}
	return fe
}

// saleCode returns the Code of f, the first problem that
// customer.Summary.AddSale found with row r: from the field of the sale
// and the code of the problem, and for an amount or a cost out of range,
// from the value (more decimals than customer.ParseAmount takes, or
// more integer digits).
func saleCode(r *Row, f customer.FieldError) Code {
	switch {
	case f.Field == "units" && f.Code == customer.CodeMismatch:
		return CodeSign
	case f.Field == "units" && f.Code == customer.CodeRange:
		return CodeMaxUnits
	case f.Field == "time" && f.Code == customer.CodeRange:
		return CodeTooEarly
	case (f.Field == "amount" || f.Field == "cost" || f.Field == "discount") && f.Code == customer.CodeRange:
		d := r.Amount
		switch f.Field {
		case "cost":
			d = r.Cost.Decimal
		case "discount":
			d = r.Discount.Decimal
		}
		// Too many decimals when a unit in d's last place is itself
		// out of range: 10^e with e < 0 is within the bounds unless e
		// has more decimals than they allow.
		if e := d.Exponent(); e < 0 && !customer.AmountInRange(decimal.New(0, e)) {
			return CodeDecimals
		}
		return CodeIntegerDigits
	}
	return CodeUnknown
}
