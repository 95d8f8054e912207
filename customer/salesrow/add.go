package salesrow

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Add adds row r to s, the summary of r's customer, as a sale, a refund
// or an exchange (see the package comment). cur is the row's currency:
// r.Currency, or the caller's default when r names none. seen reports
// whether r's order is already counted in s: the caller keeps the orders
// it has seen, by order_id, or by day when there is none. Add returns
// whether r opened a new order, which the caller then records. A row
// dated after s.AsOf is left out (counted in Later) and opens no order:
// a row of the same order on or before AsOf added after it opens it.
//
// A row that cannot be added is a *FieldError naming the column, and
// changes nothing: a kind other than that of s (see the package comment
// for the kind of a customer whose first rows state none), an amount in a currency
// other than the customer's, or whatever [customer.Summary.AddSale]
// rejects (such as a sale of negative units, or a negative cost).
//
// Add counts an order on the day of the first of its sale rows on or
// before AsOf that the caller adds; [AddOpen] counts it on the day of
// its earliest, whatever the order of the rows.
func Add(s *customer.Summary, r *Row, cur customer.Currency, seen bool) (newOrder bool, err *FieldError) {
	newOrder = isSale(r) && !seen && !r.Date.Time().After(s.AsOf)
	if fe := add(s, r, cur, newOrder, time.Time{}); fe != nil {
		return false, fe
	}
	return newOrder, nil
}

// AddOpen adds row r to s as [Add] does, but counts r's order on the day
// of the earliest of its sale rows, in whatever order the caller adds
// them (see the package comment). seen reports whether r's order is
// already counted in s, and open is then the day it is counted on: the
// caller keeps, for each order it has seen (by order_id, or by day when
// there is none), the day AddOpen last returned for it. AddOpen returns
// the day the order is counted on after r, and whether it is counted:
//
//   - a sale row (see the package comment) of an order not seen opens it
//     on r's day;
//   - a sale row dated before open moves the order to r's day (the order
//     leaves open's day: [customer.Sale.MovedFrom]);
//   - any other row (a later sale row of the order, a refund, an
//     exchange, a row dated after AsOf, which is left out) returns open
//     and seen as given.
//
// A row that cannot be added returns open and seen as given, and an
// error as Add does.
func AddOpen(s *customer.Summary, r *Row, cur customer.Currency, open customer.Date, seen bool) (customer.Date, bool, *FieldError) {
	if !isSale(r) || r.Date.Time().After(s.AsOf) || (seen && r.Date >= open) {
		return open, seen, add(s, r, cur, false, time.Time{})
	}
	var from time.Time
	if seen {
		from = open.Time()
	}
	if fe := add(s, r, cur, !seen, from); fe != nil {
		return open, seen, fe
	}
	return r.Date, true, nil
}

// isSale reports whether r is a sale row, one that belongs to an order:
// a positive or zero amount, other than an exchange.
func isSale(r *Row) bool {
	return r.Amount.Sign() > 0 || (r.Amount.Sign() == 0 && r.Units >= 0)
}

// add adds r to s as a sale, a refund or an exchange; newOrder and
// movedFrom are those of [customer.Sale].
func add(s *customer.Summary, r *Row, cur customer.Currency, newOrder bool, movedFrom time.Time) *FieldError {
	if r.Kind != 0 && r.Kind != s.Kind {
		return saleFault(ColKind, r.Kind.String(), fmt.Sprintf("customer %q is %s on earlier rows", r.CustomerID, s.Kind), CodeEarlier)
	}
	amount, merr := customer.MoneyFromDecimal(r.Amount, cur)
	if merr != nil {
		return saleFault(ColCurrency, string(cur), merr.Error(), CodeUnknown)
	}
	exchange := r.Amount.Sign() == 0 && r.Units < 0
	cost := r.Cost
	if exchange {
		// Units came back for others: no money moved and no units were
		// bought, and the cost of the goods back is that of their
		// replacement. AddSale takes the row as units back without
		// money: in ReturnedUnits and Returns, on no day, and not in
		// Categories (the goods were bought by the sale exchanged).
		cost = decimal.NullDecimal{}
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
	if aerr := s.AddSale(customer.Sale{
		Time:      at,
		NewOrder:  newOrder,
		MovedFrom: movedFrom,
		Amount:    amount,
		Units:     r.Units,
		Cost:      cost,
		Category:  r.Category,
	}); aerr != nil {
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
var columnOf = map[string]string{"time": ColDate, "currency": ColCurrency, "units": ColQuantity, "cost": ColCost, "amount": ColAmount}

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
	case (f.Field == "amount" || f.Field == "cost") && f.Code == customer.CodeRange:
		d := r.Amount
		if f.Field == "cost" {
			d = r.Cost.Decimal
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
