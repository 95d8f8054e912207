package segment

import (
	"fmt"

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

// Contribution is what one quadrant contributes in the later period
// (domain rules §3.4: value contribution by purchase amount and frequency).
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

	// Retention: of the customers not lost in the first period, the share
	// present and not lost in the second.
	Retention Rate
	// Repurchase: of the customers present in both periods, the share
	// who bought on a new day in between (more purchase days).
	Repurchase Rate
	// NewCustomers: of the second period's customers, the share absent
	// from the first.
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
// a valid currency.
func currency(periods ...[]Result) (customer.Currency, error) {
	var cur customer.Currency
	var first customer.ID
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

func index(results []Result, period string) (map[customer.ID]*Result, error) {
	m := make(map[customer.ID]*Result, len(results))
	for i := range results {
		r := &results[i]
		if !r.Quadrant.Valid() || !r.Stage.Valid() || !r.ShopType.Valid() {
			return nil, fmt.Errorf("segment: %s period: customer %q: quadrant %v, stage %v, shop type %v: %w",
				period, r.ID, r.Quadrant, r.Stage, r.ShopType, ErrInvalidResult)
		}
		if _, dup := m[r.ID]; dup {
			return nil, fmt.Errorf("segment: %s period: customer %q: %w", period, r.ID, ErrDuplicate)
		}
		m[r.ID] = r
	}
	return m, nil
}

// Migrate computes the migration matrices and KPIs from the results of
// an earlier and a later period (each customer at most once per period).
// Revenue is added up, so every net amount of both periods, of either
// kind, must be in one currency (Result.Currency): two currencies are a
// [*MixedCurrencyError], a non-zero net without a valid currency an error
// wrapping [ErrInvalidResult]. The result does not depend on the order of
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
	if mg.Currency, err = currency(before, after); err != nil {
		return Migration{}, err
	}
	var retained, notLost, again, both, fresh, potential, converted int
	for id, rb := range b {
		ra := a[id]
		if rb.Stage != StageLost {
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
		var fq, fs, ft int
		if rb == nil {
			fresh++
		} else {
			fq, fs, ft = int(rb.Quadrant), int(rb.Stage), int(rb.ShopType)
		}
		mg.Quadrants[fq][ra.Quadrant]++
		mg.Stages[fs][ra.Stage]++
		mg.ShopTypes[ft][ra.ShopType]++
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
	mg.NewCustomers = rate(fresh, len(a))
	mg.Conversion = rate(converted, potential)
	return mg, nil
}
