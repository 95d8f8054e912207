package customer

import (
	"slices"

	"github.com/shopspring/decimal"
)

// Equal reports whether o and p have the same content: the same IDs,
// instant (time.Time.Equal), channel, store, currency and lines, with
// amounts compared by value (1.5 equals 1.50). Stores and [Summarize] use
// it to tell a redelivery (a no-op) from a conflicting second version (an
// error matching [ErrDuplicate]).
//
// Lines that carry IDs are compared by ID: when every line of each order
// has a non-empty ID, unique within its order (as [Order.Validate]
// requires), the two have the same lines when they have as many and each
// line of o is equal ([Line.Equal]) to the line of p with its ID, in
// whatever sequence (an ERP that exports the lines of an order in another
// sequence delivers the same order). Otherwise the lines are compared by
// position: the same lines in the same sequence.
//
// The same instant written in two zones is equal, although the calendar
// day of the two ([DateOf]) may differ: [Summarize] counts such an order
// on the earlier day, whichever version came first, and [MemStore] keeps
// it on that day, so that neither depends on the order of delivery. Other
// stores may keep the instant in one zone of their own (UTC, say), whose
// day a summary of the stored history then uses. Amounts of an extreme
// exponent (a version with garbage in it) are compared without rescaling
// them.
func (o Order) Equal(p Order) bool {
	return o.ID == p.ID && o.CustomerID == p.CustomerID && o.Time.Equal(p.Time) &&
		o.Channel == p.Channel && o.Store == p.Store && o.Currency == p.Currency &&
		linesEqual(o.Lines, p.Lines)
}

// linesEqual reports whether a and b are the same lines, as
// [Order.Equal] compares them: by position, or by ID when both are keyed.
func linesEqual(a, b []Line) bool {
	if slices.EqualFunc(a, b, Line.Equal) {
		return true
	}
	if len(a) != len(b) || !keyed(a) || !keyed(b) {
		return false
	}
	find := lineFinder(b)
	for i := range a {
		j := find(a[i].ID)
		if j < 0 || !a[i].Equal(b[j]) {
			return false
		}
	}
	return true
}

// keyed reports whether every line of ls has a non-empty ID that no
// other line of ls has.
func keyed(ls []Line) bool {
	return distinctKeys(ls, func(l *Line) string { return l.ID }, true)
}

// lineFinder returns a function that returns the index of the line of ls
// with a given ID, or -1; ls is keyed.
func lineFinder(ls []Line) func(id string) int {
	return indexBy(ls, func(l *Line) string { return l.ID })
}

// distinctKeys reports whether no two elements of ls have the same key,
// and, with nonEmpty, none has the empty key: by a linear scan for up to
// smallOrder elements, with a map beyond.
func distinctKeys[T any](ls []T, key func(*T) string, nonEmpty bool) bool {
	if len(ls) > smallOrder {
		seen := make(map[string]struct{}, len(ls))
		for i := range ls {
			k := key(&ls[i])
			if _, dup := seen[k]; dup || (nonEmpty && k == "") {
				return false
			}
			seen[k] = struct{}{}
		}
		return true
	}
	for i := range ls {
		k := key(&ls[i])
		if nonEmpty && k == "" {
			return false
		}
		for j := range i {
			if key(&ls[j]) == k {
				return false
			}
		}
	}
	return true
}

// indexBy returns a function that returns the index of the element of ls
// with a given key, or -1; the keys of ls are distinct.
func indexBy[T any](ls []T, key func(*T) string) func(k string) int {
	if len(ls) <= smallOrder {
		return func(k string) int {
			for i := range ls {
				if key(&ls[i]) == k {
					return i
				}
			}
			return -1
		}
	}
	at := make(map[string]int, len(ls))
	for i := range ls {
		at[key(&ls[i])] = i
	}
	return func(k string) int {
		if i, ok := at[k]; ok {
			return i
		}
		return -1
	}
}

// Conflict returns nil when p, an order delivered under o's ID, has o's
// content (o.Equal(p): a redelivery, which a store accepts as a no-op),
// and otherwise a [*DuplicateError] for p that names the first field in
// which the two differ, such as `order "O-17": duplicate ID with different
// lines[0].quantity`. Stores call it with the order they hold as o.
func (o Order) Conflict(p Order) error {
	if o.Equal(p) {
		return nil
	}
	return duplicateOrder(&o, &p)
}

// diff returns the path of the first field, in the order of Order's
// fields, in which o and p differ, named as in [Order.Validate] ("time",
// "lines[1].unit_price"; "lines" when the lines both have are equal but
// their number differs), or "" when o.Equal(p). A line is named by its
// index in p. When both orders' lines are keyed (see [Order.Equal]), a
// line of p is compared with the line of o with its ID: the first line
// of p that differs from it is named, then "lines" when the numbers of
// lines differ, then the ID of the first line of p whose ID o lacks
// ("lines[i].id").
func (o *Order) diff(p *Order) string {
	switch {
	case o.ID != p.ID:
		return "id"
	case o.CustomerID != p.CustomerID:
		return "customer_id"
	case !o.Time.Equal(p.Time):
		return "time"
	case o.Channel != p.Channel:
		return "channel"
	case o.Store != p.Store:
		return "store"
	case o.Currency != p.Currency:
		return "currency"
	}
	if linesEqual(o.Lines, p.Lines) {
		return ""
	}
	if keyed(o.Lines) && keyed(p.Lines) {
		find := lineFinder(o.Lines)
		missing := -1
		for i := range p.Lines {
			j := find(p.Lines[i].ID)
			if j < 0 {
				if missing < 0 {
					missing = i
				}
				continue
			}
			if f := o.Lines[j].diff(&p.Lines[i]); f != "" {
				return lineField(i, f)
			}
		}
		if len(o.Lines) != len(p.Lines) || missing < 0 {
			return "lines"
		}
		return lineField(missing, "id")
	}
	for i := range min(len(o.Lines), len(p.Lines)) {
		if f := o.Lines[i].diff(&p.Lines[i]); f != "" {
			return lineField(i, f)
		}
	}
	if len(o.Lines) != len(p.Lines) {
		return "lines"
	}
	return ""
}

// diff returns the name of the first field in which l and m differ, or
// "" when l.Equal(m).
func (l *Line) diff(m *Line) string {
	switch {
	case l.ID != m.ID:
		return "id"
	case l.SKU != m.SKU:
		return "sku"
	case l.Category != m.Category:
		return "category"
	case l.Season != m.Season:
		return "season"
	case l.Size != m.Size:
		return "size"
	case l.Colour != m.Colour:
		return "colour"
	case l.Quantity != m.Quantity:
		return "quantity"
	case !decEqual(l.UnitPrice, m.UnitPrice):
		return "unit_price"
	case !nullEqual(l.UnitCost, m.UnitCost):
		return "unit_cost"
	case !decEqual(l.Discount, m.Discount):
		return "discount"
	case l.Member != m.Member:
		return "member"
	}
	return ""
}

// Conflict returns nil when s, a return delivered under r's ID, has r's
// content (r.Equal(s)), and otherwise a [*DuplicateError] for s that
// names the first field in which the two differ, as [Order.Conflict].
func (r Return) Conflict(s Return) error {
	if r.Equal(s) {
		return nil
	}
	return duplicateReturn(&r, &s)
}

// diff returns the path of the first field, in the order of Return's
// fields, in which r and s differ, named as in [Return.Validate], or ""
// when r.Equal(s).
func (r *Return) diff(s *Return) string {
	switch {
	case r.ID != s.ID:
		return "id"
	case r.OrderID != s.OrderID:
		return "order_id"
	case r.CustomerID != s.CustomerID:
		return "customer_id"
	case !r.Time.Equal(s.Time):
		return "time"
	case r.Kind != s.Kind:
		return "kind"
	case r.Reason != s.Reason:
		return "reason"
	}
	switch {
	case returnLinesEqual(r.Lines, s.Lines):
	case returnKeyed(r.Lines) && returnKeyed(s.Lines):
		// by order line, as Equal compares them: a line of s is named by
		// its index in s
		missing := -1
		find := returnLineFinder(r.Lines)
		for i, b := range s.Lines {
			k := find(b.LineID)
			switch {
			case k < 0 && missing < 0:
				missing = i
			case k >= 0 && r.Lines[k].Quantity != b.Quantity:
				return lineField(i, "quantity")
			}
		}
		if len(r.Lines) != len(s.Lines) || missing < 0 {
			return "lines"
		}
		return lineField(missing, "line_id")
	default:
		for i := range min(len(r.Lines), len(s.Lines)) {
			switch a, b := r.Lines[i], s.Lines[i]; {
			case a.LineID != b.LineID:
				return lineField(i, "line_id")
			case a.Quantity != b.Quantity:
				return lineField(i, "quantity")
			}
		}
		if len(r.Lines) != len(s.Lines) {
			return "lines"
		}
	}
	if !nullEqual(r.Refund, s.Refund) {
		return "refund"
	}
	return ""
}

// Equal reports whether l and m have the same content, amounts compared
// by value.
func (l Line) Equal(m Line) bool {
	return l.ID == m.ID && l.SKU == m.SKU && l.Category == m.Category && l.Season == m.Season &&
		l.Size == m.Size && l.Colour == m.Colour && l.Quantity == m.Quantity &&
		decEqual(l.UnitPrice, m.UnitPrice) && nullEqual(l.UnitCost, m.UnitCost) &&
		decEqual(l.Discount, m.Discount) && l.Member == m.Member
}

func nullEqual(a, b decimal.NullDecimal) bool {
	return a.Valid == b.Valid && (!a.Valid || decEqual(a.Decimal, b.Decimal))
}

// Equal reports whether r and s have the same content: IDs, instant, kind,
// reason, lines and refund (by value). Lines are compared by the order
// line they return when each of r and s names every order line once (as
// [Return.Validate] requires): the same lines in whatever sequence, as
// [Order.Equal] compares keyed order lines; otherwise by position.
func (r Return) Equal(s Return) bool {
	return r.ID == s.ID && r.OrderID == s.OrderID && r.CustomerID == s.CustomerID &&
		r.Time.Equal(s.Time) && r.Kind == s.Kind && r.Reason == s.Reason &&
		returnLinesEqual(r.Lines, s.Lines) && nullEqual(r.Refund, s.Refund)
}

// returnLinesEqual reports whether a and b are the same return lines, as
// [Return.Equal] compares them.
func returnLinesEqual(a, b []ReturnLine) bool {
	if slices.Equal(a, b) {
		return true
	}
	if len(a) != len(b) || !returnKeyed(a) || !returnKeyed(b) {
		return false
	}
	find := returnLineFinder(b)
	for _, l := range a {
		if k := find(l.LineID); k < 0 || b[k] != l {
			return false
		}
	}
	return true
}

// returnKeyed reports whether the lines ls name distinct order lines.
func returnKeyed(ls []ReturnLine) bool {
	return distinctKeys(ls, func(l *ReturnLine) string { return l.LineID }, false)
}

// returnLineFinder returns a function that returns the index of the line
// of ls that returns a given order line, or -1; ls is keyed.
func returnLineFinder(ls []ReturnLine) func(lineID string) int {
	return indexBy(ls, func(l *ReturnLine) string { return l.LineID })
}

// Equal reports whether i and j have the same content. Interactions carry
// no ID: two interactions are the same fact exactly when they are equal.
func (i Interaction) Equal(j Interaction) bool {
	return i.CustomerID == j.CustomerID && i.Time.Equal(j.Time) && i.Kind == j.Kind && i.Subject == j.Subject
}

// Equal reports whether c and d have the same content: every field,
// instants compared with time.Time.Equal, money by value, the Trade facts
// by content (both nil, or equal), the household member by member in the
// same order ([Member.Equal]; nil and empty are equal), and the consent
// history change by change in the same order ([ConsentChange.Equal]; nil
// and empty are equal).
func (c Customer) Equal(d Customer) bool {
	return c.ID == d.ID && c.Kind == d.Kind && c.Role == d.Role && c.Name == d.Name &&
		c.Contact == d.Contact && c.Birthday == d.Birthday && c.Region == d.Region &&
		c.Joined.Equal(d.Joined) && c.Consent == d.Consent && c.Profile.Equal(d.Profile) &&
		c.Trade.Equal(d.Trade) && slices.EqualFunc(c.Household, d.Household, Member.Equal) &&
		slices.EqualFunc(c.ConsentHistory, d.ConsentHistory, ConsentChange.Equal)
}

// Equal reports whether p and q have the same content, slices compared
// element by element (nil and empty are equal).
func (p Profile) Equal(q Profile) bool {
	return p.TopSize == q.TopSize && p.BottomSize == q.BottomSize && p.ShoeSize == q.ShoeSize &&
		p.HeightCM == q.HeightCM && p.Fit == q.Fit && slices.Equal(p.Styles, q.Styles) &&
		slices.Equal(p.Colours, q.Colours) && slices.Equal(p.Categories, q.Categories)
}

// Equal reports whether t and u are both nil or have the same content.
func (t *Trade) Equal(u *Trade) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.AnnualTurnover.Equal(u.AnnualTurnover) && t.Outlets == u.Outlets && t.Rating == u.Rating &&
		t.CooperationStart.Equal(u.CooperationStart) && t.MarketSize.Equal(u.MarketSize)
}

// Clone returns a deep copy of c: the profile's slices, the Trade facts,
// the household with its members' profiles and the consent history are
// copied, so changing the copy never changes c. Stores use it so that
// they never share memory with their callers.
func (c Customer) Clone() Customer {
	c.Profile = c.Profile.clone()
	if c.Trade != nil {
		t := *c.Trade
		c.Trade = &t
	}
	if c.Household != nil {
		h := make([]Member, len(c.Household))
		for i, m := range c.Household {
			h[i] = m.clone()
		}
		c.Household = h
	}
	c.ConsentHistory = slices.Clone(c.ConsentHistory)
	return c
}

// clone returns a copy of p whose slices share no memory with p's.
func (p Profile) clone() Profile {
	p.Styles = slices.Clone(p.Styles)
	p.Colours = slices.Clone(p.Colours)
	p.Categories = slices.Clone(p.Categories)
	return p
}

// Clone returns a copy of o whose lines do not share memory with o's.
func (o Order) Clone() Order {
	o.Lines = slices.Clone(o.Lines)
	return o
}

// Clone returns a copy of r whose lines do not share memory with r's.
func (r Return) Clone() Return {
	r.Lines = slices.Clone(r.Lines)
	return r
}
