package value

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/uniqueid"
)

// Stats are the population statistics of one [Model]: for every indicator
// the model reads, the exact multiset of its values (distinct values with
// their counts). They are built customer by customer with Add and are
// mergeable: the Stats of two shards merged with Merge equal, exactly,
// the Stats of the union, in any order — so a [Scorer] fitted from merged
// shards gives bit-for-bit the scores of one fitted on the whole.
//
// Exactness costs memory: 16 bytes per distinct value per indicator
// (8 per customer until compacted). Counts, days and shares have few
// distinct values; money has about one per customer.
//
// Statistics hold the customers of one as-of day: every indicator
// counted up to the day of the analysis (recency, tenure, the spend of
// the last twelve months) means something else at another day, so a
// customer observed at another day than the customers before (Add), or
// a shard of another day (Merge), is refused with an
// *[AsOfMismatchError] naming both days. Indicators without a day
// ([Indicators.AsOf]) are taken by statistics of any day.
//
// Statistics keep no customer IDs: a customer added twice, or to two
// shards, counts twice, so the caller adds each customer once. [Fit],
// which sees the whole population, refuses a repeated ID.
//
// A Stats is not safe for concurrent use; use one per goroutine or shard
// and merge them.
type Stats struct {
	kind     customer.Kind
	leaves   []Leaf
	custom   []CustomIndicator // the model's declarations
	used     []Indicator
	samples  [numCodes]*sample
	n        int64
	currency customer.Currency
	asOf     asOfDay
}

// NewStats returns empty statistics for model m, or an error when m is
// invalid (see [Model], [Node], [Measure]; *[ModelError] or
// *[ConsistencyError]).
func NewStats(m Model) (*Stats, error) {
	leaves, err := m.compile()
	if err != nil {
		return nil, err
	}
	s := &Stats{kind: m.Kind, leaves: leaves}
	if len(m.Custom) > 0 {
		s.custom = append([]CustomIndicator(nil), m.Custom...)
	}
	for _, l := range leaves {
		for _, i := range []Indicator{l.Measure.Indicator, l.Measure.Fallback} {
			if i != 0 && s.samples[i] == nil {
				s.samples[i] = &sample{}
				s.used = append(s.used, i)
			}
		}
	}
	return s, nil
}

// Grow tells the statistics that about n more customers will be added,
// so that their buffers are sized once instead of grown step by step.
func (s *Stats) Grow(n int) {
	for _, i := range s.used {
		s.samples[i].hint = max(0, n) + int(s.samples[i].n())
	}
}

// N returns the number of customers added.
func (s *Stats) N() int64 { return s.n }

// Currency returns the currency of the customers added, empty while none
// of them had one ([Indicators.Currency]).
func (s *Stats) Currency() customer.Currency { return s.currency }

// AsOf returns the as-of day of the customers added ([Indicators.AsOf])
// and whether it is known: unknown while no customer added knew its day.
func (s *Stats) AsOf() (customer.Date, bool) { return s.asOf.get() }

// Compact sorts the values added so far into distinct values with their
// counts, the work that Merge and Scorer otherwise do first. Compacting
// each shard before merging does that work where the shard was built,
// in parallel, and leaves Merge a linear merge of sorted values. It
// changes no result; an indicator with about one value per customer
// (money) then takes 16 bytes per value instead of 8.
func (s *Stats) Compact() {
	for _, i := range s.used {
		s.samples[i].compact()
	}
}

// Add adds one customer's indicators. A customer of another kind than the
// model's, in another currency or observed at another as-of day than the
// customers before, with a non-finite indicator, or with a value of a
// custom indicator the model declares that its declaration refuses
// (outside [0, 1] on a unit scale, money set as a number or the other
// way round: see [CustomIndicator]), whether a leaf reads it or not, is
// rejected with an *[InputError] naming the customer and the indicator,
// and changes nothing.
func (s *Stats) Add(x *Indicators) error {
	if x.Kind != s.kind {
		return &InputError{Customer: x.ID, Reason: fmt.Sprintf("kind %v: the model is for %v customers", x.Kind, s.kind)}
	}
	if x.Currency != "" && s.currency != "" && x.Currency != s.currency {
		return &InputError{Customer: x.ID, Reason: "currency", Err: &customer.CurrencyMismatchError{A: s.currency, B: x.Currency}}
	}
	if err := s.asOf.check(asOfOf(x)); err != nil {
		return &InputError{Customer: x.ID, Reason: "as-of day", Err: err}
	}
	// Every known value, read by a leaf or not, as ScoreInto checks it:
	// the statistics take no customer the scorer would refuse.
	if err := checkValues(x, s.custom); err != nil {
		return err
	}
	if s.currency == "" {
		s.currency = x.Currency
	}
	s.asOf.take(asOfOf(x))
	for _, i := range s.used {
		if v, ok := x.Get(i); ok {
			s.samples[i].add(v)
		}
	}
	s.n++
	return nil
}

// Merge adds the statistics of o (another shard of the same model) to s;
// o is not changed. Statistics of different models, or of shards in
// different currencies or of different as-of days, do not merge and
// leave s unchanged; nor does s itself (s.Merge(s) would count every
// customer twice: an [*InputError]).
func (s *Stats) Merge(o *Stats) error {
	if err := s.CheckMerge(o); err != nil {
		return err
	}
	if s.currency == "" {
		s.currency = o.currency
	}
	s.asOf.take(o.asOf)
	for _, i := range s.used {
		s.samples[i].merge(o.samples[i])
	}
	s.n += o.n
	return nil
}

// CheckMerge returns the error that Merge(o) would return, or nil,
// without merging: a caller that merges several statistics as one
// operation checks them all first, so that a refused merge changes none.
func (s *Stats) CheckMerge(o *Stats) error {
	if s == o {
		return &InputError{Reason: "merge statistics with themselves: a shard would count twice"}
	}
	if !slices.Equal(s.custom, o.custom) {
		return &ModelError{Reason: fmt.Sprintf("cannot merge the statistics of models with other custom indicators: %s and %s",
			customList(s.custom), customList(o.custom))}
	}
	if s.kind != o.kind || !reflect.DeepEqual(s.leaves, o.leaves) {
		return &ModelError{Reason: "cannot merge the statistics of different models"}
	}
	if s.currency != "" && o.currency != "" && s.currency != o.currency {
		return &InputError{Reason: fmt.Sprintf("merge the statistics of %v customers", s.kind),
			Err: &customer.CurrencyMismatchError{A: s.currency, B: o.currency}}
	}
	if err := s.asOf.check(o.asOf); err != nil {
		return &InputError{Reason: fmt.Sprintf("merge the statistics of %v customers", s.kind), Err: err}
	}
	return nil
}

// Scorer fits the model to the statistics: it returns an immutable,
// goroutine-safe [Scorer], or [ErrEmpty] when no customer was added.
func (s *Stats) Scorer() (*Scorer, error) {
	if s.n == 0 {
		return nil, fmt.Errorf("value: fit %v model: %w", s.kind, ErrEmpty)
	}
	for _, i := range s.used {
		s.samples[i].compact()
	}
	sc := &Scorer{kind: s.kind, leaves: s.leaves, custom: s.custom, n: s.n, currency: s.currency, asOf: s.asOf}
	for k, l := range s.leaves {
		m := l.Measure
		c := compiled{ind: m.Indicator, w: l.Weight, missing: m.Missing}
		c.prim, c.fitted[0] = newNorm(&m, s.samples[m.Indicator])
		if m.Fallback != 0 {
			c.fb = m.Fallback
			c.fall, c.fitted[1] = newNorm(&m, s.samples[m.Fallback])
		}
		sc.cl[k] = c
	}
	return sc, nil
}

// Fit fits model m to a population of customers of m's kind: NewStats,
// Add for each, Scorer. Each customer is listed once: an ID repeated in
// the population (a customer that would count twice in the
// normalisation) is an [*InputError] naming the customer and both
// positions, and nothing is fitted. Customers without an ID cannot be
// told apart and are not checked. ([Stats] keep no IDs: their caller
// adds each customer once, in one shard.)
func Fit(m Model, population []Indicators) (*Scorer, error) {
	s, err := NewStats(m)
	if err != nil {
		return nil, err
	}
	if err := unique(population, nil); err != nil {
		return nil, err
	}
	for i := range population {
		if err := s.Add(&population[i]); err != nil {
			return nil, err
		}
	}
	return s.Scorer()
}

// unique returns an [*InputError] naming the first non-empty ID of the
// population that an earlier customer has, and both positions, or nil.
// hash, when not nil, replaces the seeded hash of
// [uniqueid.FirstRepeat], which does the work.
func unique(population []Indicators, hash func(customer.ID) uint64) error {
	var h func(string) uint64
	if hash != nil {
		h = func(s string) uint64 { return hash(customer.ID(s)) }
	}
	i, j, ok := uniqueid.FirstRepeat(len(population), func(k int) string { return string(population[k].ID) }, h)
	if !ok {
		return nil
	}
	return &InputError{Customer: population[j].ID, Reason: fmt.Sprintf("listed twice in the population, at positions %d and %d", i, j)}
}

// Custom returns the custom indicators of the model (a copy; see
// [Model].Custom).
func (s *Stats) Custom() []CustomIndicator { return slices.Clone(s.custom) }

// customName returns the declared name of custom indicator i, or "" for
// a built-in one.
func customName(i Indicator, custom []CustomIndicator) string {
	if k, ok := i.CustomIndex(); ok && k < len(custom) {
		return custom[k].Name
	}
	return ""
}

// customList returns the names of custom as "[a b]", "none" for none.
func customList(custom []CustomIndicator) string {
	if len(custom) == 0 {
		return "none"
	}
	names := make([]string, len(custom))
	for k, c := range custom {
		names[k] = c.Name
		if c.Money {
			names[k] += " (money)"
		}
		if c.UnitScale {
			names[k] += " (unit scale)"
		}
	}
	return "[" + strings.Join(names, ", ") + "]"
}
