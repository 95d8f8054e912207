package input

import "github.com/tailorcrm/tailor/customer"

// Earlier is what the summary of a customer as of [Options].Earlier
// holds that its summary as of AsOf does not tell: its kind, units and
// returned units then. Its days then are those of the summary as of
// AsOf dated on or before Earlier, and its orders theirs, as long as no
// row counts on a day on the other side of Earlier than its own and no
// order moves across Earlier (salesrow.Add: every row of an order counts
// on the order's day): each order then has all its rows on one side of
// Earlier, and counts on the same day in both summaries or in neither.
// A table where a row or an order crosses Earlier (a return after
// Earlier of an order before it) holds no earlier state
// ([Table.HasEarlier]).
type Earlier struct {
	Kind                 customer.Kind
	Units, ReturnedUnits int
}

// earlyRec is the state of a customer as of Options.Earlier: its
// rows on or before that day, as account.add counts them.
type earlyRec struct {
	units, returnedUnits int32
	kind                 customer.Kind
	// seen says the customer has a row on or before Earlier; stated
	// that one of them stated its kind.
	seen, stated bool
}

// early returns the state as of Options.Earlier of customer i.
func (s *shard) early(i int32) *earlyRec { return &s.earlies[i/recChunk][i%recChunk] }

// addEarly records a row of customer i, added, in its state as of
// Options.Earlier, when it is dated on or before that day: the
// arguments are those of addUnits and the kind the row states (0: none).
// A sum that leaves the int32 range loses the earlier state of the
// table (see Table.HasEarlier).
func (s *shard) addEarly(i int32, date customer.Date, k customer.Kind, sign, units int, exchange bool, rowUnits int) {
	if date > s.earlier {
		s.laterEarly++
		return
	}
	e := s.early(i)
	if !e.seen {
		e.seen, e.kind = true, s.tmpl.Kind
	}
	if k != 0 && !e.stated {
		e.kind, e.stated = k, true
	}
	u, ok := addUnits(e.units, e.returnedUnits, units, sign, exchange, rowUnits)
	if !ok {
		s.earlyLost = true
		return
	}
	e.units, e.returnedUnits = u[0], u[1]
}

// HasEarlier reports whether the table holds the state of its customers
// as of [Options].Earlier ([Table.EarlierOf]): when ScanCSV was asked
// to keep it (Options.KeepEarlier, with Earlier before AsOf), no row
// was skipped, and no row or order crossed Earlier (see [Earlier]). A skipped row might have been added as of Earlier (one
// stating a kind that a row dated after Earlier contradicts), and one
// dated after Earlier that is skipped as of AsOf would be counted in
// Later as of Earlier; a table of [TableOf] never holds it.
func (t *Table) HasEarlier() bool {
	if !t.keepEarly || t.Skipped > 0 {
		return false
	}
	for _, s := range t.shards {
		if s.earlyLost {
			return false
		}
	}
	return true
}

// EarlierOf returns the state as of [Options].Earlier of the i-th
// customer; ok is false when the customer has no row on or before that
// day (it would not be in a table scanned as of Earlier). It is valid
// only when [Table.HasEarlier] is true.
func (t *Table) EarlierOf(i int) (e Earlier, ok bool) {
	if !t.keepEarly {
		return Earlier{}, false
	}
	o := t.order[i]
	r := t.shards[o>>32].early(int32(uint32(o)))
	if !r.seen {
		return Earlier{}, false
	}
	return Earlier{Kind: r.kind, Units: int(r.units), ReturnedUnits: int(r.returnedUnits)}, true
}

// EarlierCounts returns what a table scanned as of [Options].Earlier
// would hold in Len and Later: the customers with a row on or before
// Earlier, and the valid rows dated after it. It is valid only when
// [Table.HasEarlier] is true.
func (t *Table) EarlierCounts() (customers int, later int64) {
	later = t.Later
	for _, s := range t.shards {
		later += s.laterEarly
		if !t.keepEarly {
			continue
		}
		for i := range s.n {
			if s.early(i).seen {
				customers++
			}
		}
	}
	return customers, later
}
