package segment

import (
	"fmt"
	"math"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// Rate is a KPI as a share, with its counts so it can be checked: Value =
// Num ÷ Den, and 0 when Den is 0.
type Rate struct {
	Num, Den int
	Value    float64
}

func rate(num, den int) Rate {
	r := Rate{Num: num, Den: den}
	if den > 0 {
		r.Value = float64(num) / float64(den)
	}
	return r
}

// Contribution is what the customers of one quadrant in the later period
// contribute (domain rules §3.4: value contribution by purchase amount and
// frequency), over the history their results summarise: with summaries
// of the whole history up to the end of the period (see [Migrate]),
// Revenue and PurchaseDays are the customers' totals to that day, not
// the sales of the period alone.
type Contribution struct {
	Customers     int
	Revenue       decimal.Decimal // Σ net kept
	RevenueShare  float64         // Revenue ÷ Σ Revenue of all; 0 when that is ≤ 0
	PurchaseDays  int
	PurchaseShare float64 // PurchaseDays ÷ Σ PurchaseDays; 0 when that is 0
	ValueShare    float64 // Σ total value score ÷ Σ of all; 0 when that is 0
}

// Migration compares two periods' classifications (domain rules §3.4). The
// matrices count customers by [from][to] class; index 0 stands for "not
// in that period" (a new customer is in row 0, one who disappeared in
// column 0); index q is the class with that value (Quadrant(q), …).
type Migration struct {
	Quadrants [5][5]int
	Stages    [5][5]int
	ShopTypes [5][5]int
	// Grades counts customers by [from][to] grade ([Grade]), index 0
	// standing for "not in that period" and also for "not graded": it is
	// all in row and column 0 when the results carry no grade (models
	// fitted without [Options].Grades). Customers moving from C or B to A
	// are the ones the grade strategies won (§3.3, 004).
	Grades [4][4]int

	// Retention: of the customers who had bought by the first period
	// (PurchaseDays > 0) and were not lost in it, the share present and
	// not lost in the second. A customer who has never bought is never
	// lost (see [LifecycleOptions]), so would always count as retained:
	// such customers are in neither count.
	Retention Rate
	// Repurchase: of the customers present in both periods who had
	// bought by the first (PurchaseDays > 0 there), the share who bought
	// on a new day in between (more purchase days). A first purchase is
	// not a repurchase: a customer who had never bought is in neither
	// count. Results are those of cumulative summaries, each as of the
	// end of its period, so the purchase days of the second include
	// those of the first.
	Repurchase Rate
	// NewCustomers: of the customers who bought in the second period
	// (more purchase days than in the first, or any when absent from
	// it), the share who bought for the first time (none by the first
	// period): the new customers among the period's buyers, not among
	// every customer on file, which the second period's results also
	// hold when they are cumulative.
	NewCustomers Rate
	// Conversion: of the first period's potential-value customers, the
	// share who are high-value in the second.
	Conversion Rate
	// Contribution is indexed by quadrant (entry 0 unused).
	Contribution [5]Contribution
	// Currency is the currency of every Contribution.Revenue, the one
	// currency of the results' net amounts; empty when no result has
	// one (every Revenue is then zero).
	Currency customer.Currency
}

// MixedCurrencyError is returned by [Migrate] for results whose net
// amounts are in two currencies (mixing currencies in one aggregate is an
// error, not a silent sum): customer CustomerA's net
// is in A, customer CustomerB's in B. It unwraps to a
// [*customer.CurrencyMismatchError].
type MixedCurrencyError struct {
	// A and B are the two currencies, in the order met.
	A, B customer.Currency
	// CustomerA and CustomerB are a customer of each.
	CustomerA, CustomerB customer.ID
}

// Error names both currencies and a customer of each.
func (e *MixedCurrencyError) Error() string {
	return fmt.Sprintf("segment: net revenue in two currencies: customer %q in %s, customer %q in %s",
		e.CustomerA, e.A, e.CustomerB, e.B)
}

// Unwrap returns the currency mismatch.
func (e *MixedCurrencyError) Unwrap() error {
	return &customer.CurrencyMismatchError{A: e.A, B: e.B}
}

// currency returns the one currency of the net amounts of the results,
// before first and in list order, so that the customers an error names do
// not depend on anything else: a [*MixedCurrencyError] for a second
// currency, an error wrapping [ErrInvalidResult] for a net amount without
// a valid currency or beyond the bounds of an amount
// ([customer.AmountInRange]), which is not written out and is checked
// first: decimal arithmetic on an exponent such as ±2×10⁹ would not end,
// and its text would be as many digits.
func currency(periods ...[]Result) (customer.Currency, error) {
	var cur customer.Currency
	var first customer.ID
	for p, results := range periods {
		for i := range results {
			if r := &results[i]; !customer.AmountInRange(r.Net) {
				return "", fmt.Errorf("segment: %s period: customer %q: net is beyond the bounds of an amount (30 integer digits, 30 decimals): %w",
					[]string{"first", "second"}[p], r.ID, ErrInvalidResult)
			}
		}
	}
	for p, results := range periods {
		for i := range results {
			r := &results[i]
			switch {
			case r.Currency == "" && r.Net.IsZero():
				continue
			case !r.Currency.Valid():
				return "", fmt.Errorf("segment: %s period: customer %q: net %s in currency %q: %w",
					[]string{"first", "second"}[p], r.ID, r.Net, string(r.Currency), ErrInvalidResult)
			case cur == "":
				cur, first = r.Currency, r.ID
			case r.Currency != cur:
				return "", &MixedCurrencyError{A: cur, B: r.Currency, CustomerA: first, CustomerB: r.ID}
			}
		}
	}
	return cur, nil
}

// periodDay returns the as-of day of the results of one period, the customer
// of the first result that knows its day, and whether any does; results
// of two days are an error wrapping [ErrInvalidResult] and a
// [*value.AsOfMismatchError] that names a customer of each day.
func periodDay(results []Result, period string) (customer.Date, customer.ID, bool, error) {
	var d customer.Date
	var who customer.ID
	known := false
	for i := range results {
		r := &results[i]
		switch {
		case !r.AsOfKnown:
		case !known:
			d, who, known = r.AsOf, r.ID, true
		case r.AsOf != d:
			return 0, "", false, fmt.Errorf("segment: %s period: customer %q observed as of %v, customer %q as of %v: a period's results are of one day: %w: %w",
				period, who, d, r.ID, r.AsOf, ErrInvalidResult, &value.AsOfMismatchError{A: d, B: r.AsOf})
		}
	}
	return d, who, known, nil
}

// ordered checks that the results of each period are of one as-of day
// and that the first period's day is before the second's, when both are
// known (see [Migrate]).
func ordered(before, after []Result) error {
	a, ca, aok, err := periodDay(before, "first")
	if err != nil {
		return err
	}
	b, cb, bok, err := periodDay(after, "second")
	if err != nil {
		return err
	}
	if aok && bok && a == b {
		// The same day: the mismatch error's own words ("as-of days
		// differ") would contradict the message, so it is wrapped
		// without being printed.
		return &sameDayError{
			msg:  fmt.Sprintf("segment: both periods are as of %v (customers %q and %q): the first must be of an earlier day: %v", a, ca, cb, ErrInvalidResult),
			errs: []error{ErrInvalidResult, &value.AsOfMismatchError{A: a, B: b}},
		}
	}
	if aok && bok && a > b {
		return fmt.Errorf("segment: the first period (customer %q) is as of %v, the second (customer %q) as of %v: the first must be the earlier: %w: %w",
			ca, a, cb, b, ErrInvalidResult, &value.AsOfMismatchError{A: a, B: b})
	}
	return nil
}

// sameDayError is the error of two periods of one as-of day: it wraps
// [ErrInvalidResult] and a [*value.AsOfMismatchError] naming the day
// twice, as the error of periods in the wrong order does, and says in
// its own words what is wrong.
type sameDayError struct {
	msg  string
	errs []error
}

func (e *sameDayError) Error() string   { return e.msg }
func (e *sameDayError) Unwrap() []error { return e.errs }

func index(results []Result, period string) (map[customer.ID]*Result, error) {
	m := make(map[customer.ID]*Result, len(results))
	for i := range results {
		r := &results[i]
		if !r.Kind.Valid() || !r.Quadrant.Valid() || !r.Stage.Valid() || !r.ShopType.Valid() {
			return nil, fmt.Errorf("segment: %s period: customer %q: kind %v, quadrant %v, stage %v, shop type %v: %w",
				period, r.ID, r.Kind, r.Quadrant, r.Stage, r.ShopType, ErrInvalidResult)
		}
		if r.Grade != 0 && !r.Grade.Valid() {
			return nil, fmt.Errorf("segment: %s period: customer %q: grade %v: %w", period, r.ID, r.Grade, ErrInvalidResult)
		}
		if _, dup := m[r.ID]; dup {
			return nil, fmt.Errorf("segment: %s period: customer %q: %w", period, r.ID, ErrDuplicate)
		}
		if t := r.Value.Total; !(t >= 0 && t <= 1) || math.Trunc(t/value.Unit) != t/value.Unit {
			return nil, fmt.Errorf("segment: %s period: customer %q: total value %v is not a score on the grid of value.Unit in [0, 1]: %w",
				period, r.ID, t, ErrInvalidResult)
		}
		if r.PurchaseDays < 0 {
			return nil, fmt.Errorf("segment: %s period: customer %q: purchase days %d: must not be negative: %w",
				period, r.ID, r.PurchaseDays, ErrInvalidResult)
		}
		m[r.ID] = r
	}
	return m, nil
}

// Migrate computes the migration matrices and KPIs from the results of
// an earlier and a later period (each customer at most once per period),
// each classified from summaries of the history up to the end of its
// period (see [Migration.Repurchase]).
//
// A customer is in a period when a result of that period names it, so
// each list holds the customers on file by the end of its period: a
// customer who registered later, summarised as of the earlier day with
// an empty history and classified, counts as present in the earlier
// period (in whatever class an empty history takes) rather than as new
// in row 0. Leave out of the earlier list the customers registered after
// its day ([customer.Customer].Joined).
//
// The results of one period are of one as-of day (Result.AsOf), and the
// first period's day is before the second's: a period whose results are
// of two days, or periods of the same day or in the wrong order, are an
// error wrapping [ErrInvalidResult] and a [*value.AsOfMismatchError]
// (the day met first, then the other) that names a customer of each
// day. Results that do not know their day (AsOfKnown false: built by
// hand or stored without it) are taken as they are.
//
// The customers of both kinds are counted together; a quadrant is taken
// against the thresholds of the customer's kind, so a customer whose
// kind differs between the periods is an error wrapping
// [ErrInvalidResult]. For the KPIs of one kind — consumers apart from
// intermediaries, as their values come from different models and may be
// in different currencies — pass that kind's results only: a customer
// whose kind changed then leaves one kind and is new in the other.
//
// Revenue is added up, so every net amount of both periods, of either
// kind, must be in one currency (Result.Currency): two currencies are a
// [*MixedCurrencyError], a non-zero net without a valid currency or
// beyond the bounds of an amount ([customer.AmountInRange]) an error
// wrapping [ErrInvalidResult], as is a result no classification gives
// (see [ErrInvalidResult]). The result does not depend on the order of
// either list (value scores lie on the [value.Unit] grid and are added
// as whole units, so their sums are exact); which customers an error
// names does.
func Migrate(before, after []Result) (Migration, error) {
	var mg Migration
	b, err := index(before, "first")
	if err != nil {
		return mg, err
	}
	a, err := index(after, "second")
	if err != nil {
		return mg, err
	}
	// In list order, so that the customer named does not depend on the
	// order of a map.
	for i := range before {
		rb := &before[i]
		if ra := a[rb.ID]; ra != nil && ra.Kind != rb.Kind {
			return mg, fmt.Errorf("segment: customer %q: kind %v in the first period, %v in the second: quadrants of different kinds are not compared; migrate each kind's results apart: %w",
				rb.ID, rb.Kind, ra.Kind, ErrInvalidResult)
		}
	}
	if mg.Currency, err = currency(before, after); err != nil {
		return Migration{}, err
	}
	if err := ordered(before, after); err != nil {
		return Migration{}, err
	}
	var retained, notLost, again, both, fresh, buyers, potential, converted int
	for id, rb := range b {
		ra := a[id]
		if rb.Stage != StageLost && rb.PurchaseDays > 0 {
			notLost++
			if ra != nil && ra.Stage != StageLost {
				retained++
			}
		}
		if rb.Quadrant == PotentialValue {
			potential++
			if ra != nil && ra.Quadrant == HighValue {
				converted++
			}
		}
		if ra == nil {
			mg.Quadrants[rb.Quadrant][0]++
			mg.Stages[rb.Stage][0]++
			mg.ShopTypes[rb.ShopType][0]++
			mg.Grades[rb.Grade][0]++
			continue
		}
		if rb.PurchaseDays == 0 {
			continue
		}
		both++
		if ra.PurchaseDays > rb.PurchaseDays {
			again++
		}
	}
	// Value scores are added in whole units of value.Unit, as int64: the
	// sum is exact, whatever the order and the number of customers.
	totalRev := decimal.Zero
	totalDays := 0
	var units [len(mg.Contribution)]int64
	var totalUnits int64
	for id, ra := range a {
		rb := b[id]
		var fq, fs, ft, fg int
		before := 0 // purchase days by the first period
		if rb != nil {
			before = rb.PurchaseDays
		}
		if ra.PurchaseDays > before {
			buyers++
			if before == 0 {
				fresh++
			}
		}
		if rb != nil {
			fq, fs, ft, fg = int(rb.Quadrant), int(rb.Stage), int(rb.ShopType), int(rb.Grade)
		}
		mg.Quadrants[fq][ra.Quadrant]++
		mg.Stages[fs][ra.Stage]++
		mg.ShopTypes[ft][ra.ShopType]++
		mg.Grades[fg][ra.Grade]++
		c := &mg.Contribution[ra.Quadrant]
		c.Customers++
		c.Revenue = c.Revenue.Add(ra.Net)
		c.PurchaseDays += ra.PurchaseDays
		u := int64(ra.Value.Total / value.Unit)
		units[ra.Quadrant] += u
		totalRev = totalRev.Add(ra.Net)
		totalDays += ra.PurchaseDays
		totalUnits += u
	}
	for q := range mg.Contribution {
		c := &mg.Contribution[q]
		if totalRev.Sign() > 0 {
			c.RevenueShare = c.Revenue.DivRound(totalRev, 12).InexactFloat64()
		}
		if totalDays > 0 {
			c.PurchaseShare = float64(c.PurchaseDays) / float64(totalDays)
		}
		if totalUnits > 0 {
			c.ValueShare = float64(units[q]) / float64(totalUnits)
		}
	}
	mg.Retention = rate(retained, notLost)
	mg.Repurchase = rate(again, both)
	mg.NewCustomers = rate(fresh, buyers)
	mg.Conversion = rate(converted, potential)
	return mg, nil
}
