package churn

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tailorcrm/tailor/internal/uniqueid"
)

// Observation is one customer's calibration-period summary, the input of the
// transaction models (the (x, t_x, T) triple of Fader, Hardie & Lee 2005).
//
// Time is in the caller's period unit (days, weeks, ...), the same unit for
// every customer of a fit and for every horizon given to a fitted model.
type Observation struct {
	// ID optionally identifies the customer: it names the customer in
	// error messages, and [GroupObservations] refuses an ID given twice.
	ID string
	// Frequency x is the number of repeat transactions (distinct purchase
	// periods after the first purchase): a non-negative integer.
	Frequency float64
	// Recency t_x is the time from the first to the last purchase,
	// 0 ≤ t_x ≤ T: 0 when Frequency is 0, and positive when it is not,
	// since a repeat purchase is in a later period than the first (in
	// weeks of days ÷ 7, a purchase a day after the first gives 1/7).
	Recency float64
	// T is the time from the first purchase to the end of the calibration
	// period, T > 0.
	T float64
}

// FieldError describes one bad field of an input record.
type FieldError struct {
	// Field is the field name: "frequency", "recency", "T", "mean_spend".
	Field string
	// Value is the offending value.
	Value float64
	// Reason says what is wrong, e.g. "must not be negative".
	Reason string
}

// Error implements error.
func (e FieldError) Error() string {
	return fmt.Sprintf("%s %v: %s", e.Field, e.Value, e.Reason)
}

// InputError reports every bad field of one customer record, or a bad
// argument. Index is the position of the record in the slice given to the
// function that rejected it, and -1 when that function took a single
// record or the error is about an argument (a horizon, a count).
// errors.Is(err, ErrInvalidInput) is true for an *InputError.
type InputError struct {
	// Index is the record's position in its input slice, or -1.
	Index int
	// ID is the record's ID, if it has one.
	ID string
	// Fields lists the bad fields in field order (never empty).
	Fields []FieldError
}

// Error implements error.
func (e *InputError) Error() string {
	var sb strings.Builder
	sb.WriteString("churn: ")
	switch {
	case e.ID != "" && e.Index >= 0:
		fmt.Fprintf(&sb, "customer %q (index %d): ", e.ID, e.Index)
	case e.ID != "":
		fmt.Fprintf(&sb, "customer %q: ", e.ID)
	case e.Index >= 0:
		fmt.Fprintf(&sb, "customer index %d: ", e.Index)
	}
	for i, f := range e.Fields {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(f.Error())
	}
	return sb.String()
}

// Unwrap lets errors.Is(err, ErrInvalidInput) match.
func (e *InputError) Unwrap() error { return ErrInvalidInput }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate checks the triple and returns nil or an *InputError (with Index -1)
// listing every bad field: frequency must be a finite non-negative integer,
// recency finite with 0 ≤ recency ≤ T, T finite and > 0, and recency must be 0
// when frequency is 0 and positive when frequency is positive.
func (o Observation) Validate() error {
	return o.validate(-1)
}

func (o Observation) validate(index int) error {
	// Fast path: the common valid case allocates nothing.
	x, tx, T := o.Frequency, o.Recency, o.T
	if x >= 0 && x == math.Trunc(x) && x <= maxFrequency && tx >= 0 && T > 0 && tx <= T && T <= maxTime && (x > 0) == (tx > 0) {
		return nil
	}
	var fs []FieldError
	fs = checkFrequency(fs, x)
	switch {
	case !finite(tx):
		fs = append(fs, FieldError{"recency", tx, "must be finite"})
	case tx < 0:
		fs = append(fs, FieldError{"recency", tx, "must not be negative"})
	case finite(T) && T > 0 && tx > T:
		fs = append(fs, FieldError{"recency", tx, fmt.Sprintf("must not exceed T (%v)", T)})
	case x == 0 && tx != 0:
		fs = append(fs, FieldError{"recency", tx, "must be 0 when frequency is 0"})
	case x > 0 && tx == 0:
		fs = append(fs, FieldError{"recency", tx, fmt.Sprintf("must be positive when frequency is %v: a repeat purchase is later than the first", x)})
	}
	switch {
	case !finite(T):
		fs = append(fs, FieldError{"T", T, "must be finite"})
	case T <= 0:
		fs = append(fs, FieldError{"T", T, "must be positive"})
	case T > maxTime:
		fs = append(fs, FieldError{"T", T, fmt.Sprintf("must be at most %g", maxTime)})
	}
	return &InputError{Index: index, ID: o.ID, Fields: fs}
}

const (
	// maxFrequency bounds the repeat-purchase count (no real customer comes
	// near it; it keeps every intermediate quantity finite).
	maxFrequency = 1e7
	// maxTime bounds T and recency, in the caller's unit.
	maxTime = 1e9
)

// ValidateObservations checks every observation and returns the *InputError
// of the first invalid one (naming its index, ID and every bad field), or nil.
func ValidateObservations(obs []Observation) error {
	for i, o := range obs {
		if err := o.validate(i); err != nil {
			return err
		}
	}
	return nil
}

// Group is a set of customers with the same (x, t_x, T) triple.
type Group struct {
	// Frequency, Recency and T are the shared triple (see Observation).
	Frequency, Recency, T float64
	// Count is the number of customers in the group, ≥ 1.
	Count int64
}

type groupKey struct{ x, tx, T float64 }

// Groups is the grouped form of a population of observations: each distinct
// (x, t_x, T) triple once, with the number of customers that share it. The
// log-likelihood of the population is the count-weighted sum over groups, so
// a fit costs time in proportion to the number of distinct triples, not of
// customers.
//
// Groups are mergeable: Merge of two shards' groups gives the groups of the
// union, in any order, so the same fit runs on one machine or on a
// distributed engine that groups per worker and merges the results.
//
// The zero value is an empty population ready to use. A Groups is not safe
// for concurrent mutation.
type Groups struct {
	index  map[groupKey]int
	groups []Group
	total  int64
	sorted bool // groups is in the order of Slice
}

// GroupObservations validates obs and groups them. It returns the
// *InputError of the first invalid observation. A customer is listed
// once: an ID given to two observations (a customer who would weigh
// twice in the fit) is an error wrapping ErrInvalidInput that names the
// ID and both indices, checked before the observations are. Observations
// without an ID cannot be told apart and are not checked; [Groups.Add],
// [Groups.Merge] and [GroupsOf] keep no IDs, so their caller adds each
// customer once.
func GroupObservations(obs []Observation) (*Groups, error) {
	if err := repeatedID(len(obs), func(i int) string { return obs[i].ID }, nil); err != nil {
		return nil, err
	}
	g := &Groups{}
	for i, o := range obs {
		if err := o.validate(i); err != nil {
			return nil, err
		}
		g.add(o.Frequency, o.Recency, o.T, 1)
	}
	return g, nil
}

// repeatedID returns an error wrapping ErrInvalidInput that names the
// first non-empty ID of the records 0 … n−1 (id gives each record's ID)
// that an earlier record has, and both indices; or nil. hash, when not
// nil, replaces the seeded hash of [uniqueid.FirstRepeat], which does
// the work.
func repeatedID(n int, id func(int) string, hash func(string) uint64) error {
	f, k, ok := uniqueid.FirstRepeat(n, id, hash)
	if !ok {
		return nil
	}
	return fmt.Errorf("churn: customer %q at indices %d and %d: listed twice: %w", id(k), f, k, ErrInvalidInput)
}

// Add validates o and adds it to the groups; an invalid observation is
// rejected with an *InputError (Index -1) and changes nothing.
func (g *Groups) Add(o Observation) error {
	if err := o.validate(-1); err != nil {
		return err
	}
	g.add(o.Frequency, o.Recency, o.T, 1)
	return nil
}

// AddGroup adds count customers with the triple of grp (grp.Count is
// ignored). It validates like Add and also rejects count < 1.
func (g *Groups) AddGroup(grp Group, count int64) error {
	o := Observation{Frequency: grp.Frequency, Recency: grp.Recency, T: grp.T}
	if err := o.validate(-1); err != nil {
		return err
	}
	if err := checkGroupCount(-1, count, g.total); err != nil {
		return err
	}
	g.add(grp.Frequency, grp.Recency, grp.T, count)
	return nil
}

// GroupsOf returns the groups of gs, a list of triples with their counts
// in any order, in which a triple may appear more than once (its counts
// are added). It validates every entry like AddGroup and returns the
// *InputError of the first invalid one, with its index, leaving gs
// unchanged. Otherwise the result takes gs over: it is sorted and
// compacted in place and kept, so the caller must not use gs afterwards.
// For a population already held in memory it is much cheaper than Add per
// customer: one sort instead of a hash map, and no copy.
func GroupsOf(gs []Group) (*Groups, error) {
	var total int64
	for i, gr := range gs {
		o := Observation{Frequency: gr.Frequency, Recency: gr.Recency, T: gr.T}
		if err := o.validate(i); err != nil {
			return nil, err
		}
		if err := checkGroupCount(i, gr.Count, total); err != nil {
			return nil, err
		}
		total += gr.Count
	}
	for i := range gs {
		g := &gs[i]
		g.Frequency, g.Recency, g.T = g.Frequency+0, g.Recency+0, g.T+0 // +0 turns -0 into 0
	}
	sortGroups(gs)
	out := gs[:0]
	for _, gr := range gs {
		if n := len(out); n > 0 && out[n-1].Frequency == gr.Frequency && out[n-1].Recency == gr.Recency && out[n-1].T == gr.T {
			out[n-1].Count += gr.Count
			continue
		}
		out = append(out, gr)
	}
	if len(out) == 0 {
		out = nil
	}
	return &Groups{groups: slices.Clip(out), total: total, sorted: true}, nil
}

// checkGroupCount checks the count of the i-th group, to be added to total.
func checkGroupCount(i int, count, total int64) error {
	if count < 1 {
		return &InputError{Index: i, Fields: []FieldError{{"count", float64(count), "must be at least 1"}}}
	}
	if total > math.MaxInt64-count {
		return &InputError{Index: i, Fields: []FieldError{{"count", float64(count), "total count overflows int64"}}}
	}
	return nil
}

func (g *Groups) add(x, tx, T float64, n int64) {
	if g.index == nil {
		// Built on first use: GroupsOf leaves it out.
		g.index = make(map[groupKey]int, len(g.groups))
		for i, gr := range g.groups {
			g.index[groupKey{gr.Frequency, gr.Recency, gr.T}] = i
		}
	}
	k := groupKey{x + 0, tx + 0, T + 0} // +0 turns -0 into 0
	if i, ok := g.index[k]; ok {
		g.groups[i].Count += n
	} else {
		g.index[k] = len(g.groups)
		g.groups = append(g.groups, Group{Frequency: k.x, Recency: k.tx, T: k.T, Count: n})
		g.sorted = false
	}
	g.total += n
}

// Merge adds every group of other to g (other is unchanged). Merging is
// associative and commutative up to the order of Slice, which is sorted.
// g.Merge(g) is an error wrapping ErrInvalidInput: every customer would
// count twice.
func (g *Groups) Merge(other *Groups) error {
	if other == nil {
		return nil
	}
	if other == g {
		return fmt.Errorf("churn: merge groups with themselves: a shard would count twice: %w", ErrInvalidInput)
	}
	if g.total > math.MaxInt64-other.total {
		return fmt.Errorf("churn: merge: total count overflows int64: %w", ErrInvalidInput)
	}
	for _, o := range other.groups {
		g.add(o.Frequency, o.Recency, o.T, o.Count)
	}
	return nil
}

// Len is the number of distinct triples.
func (g *Groups) Len() int {
	if g == nil {
		return 0
	}
	return len(g.groups)
}

// Customers is the number of customers (the sum of the counts).
func (g *Groups) Customers() int64 {
	if g == nil {
		return 0
	}
	return g.total
}

// Slice returns a copy of the groups sorted by (frequency, recency, T), so
// the result (and every sum over it) does not depend on insertion order.
func (g *Groups) Slice() []Group {
	if g == nil {
		return nil
	}
	out := slices.Clone(g.groups)
	if !g.sorted {
		sortGroups(out)
	}
	return out
}

// inOrder returns the groups in the order of Slice, without a copy when
// they are already in it; the result must not be modified.
func (g *Groups) inOrder() []Group {
	if g != nil && g.sorted {
		return g.groups
	}
	return g.Slice()
}

func sortGroups(gs []Group) {
	slices.SortFunc(gs, func(a, b Group) int {
		if c := cmp.Compare(a.Frequency, b.Frequency); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Recency, b.Recency); c != 0 {
			return c
		}
		return cmp.Compare(a.T, b.T)
	})
}

// SpendObservation is one customer's input to the Gamma-Gamma spend model.
type SpendObservation struct {
	// ID optionally identifies the customer: it names the customer in
	// error messages, and [GroupSpend] refuses an ID given twice.
	ID string
	// Frequency x is the number of repeat transactions.
	Frequency float64
	// MeanSpend z̄ is the mean value of the x repeat transactions, in the
	// caller's currency unit (a model input, not a bookkeeping amount).
	MeanSpend float64
}

// Validate checks the observation and returns nil or an *InputError
// (with Index -1) listing every bad field: frequency must be a finite
// non-negative integer, the mean spend finite and at most 10¹⁵ in
// absolute value.
func (o SpendObservation) Validate() error { return o.validate(-1) }

func (o SpendObservation) validate(index int) error {
	var fs []FieldError
	x, m := o.Frequency, o.MeanSpend
	fs = checkFrequency(fs, x)
	switch {
	case !finite(m):
		fs = append(fs, FieldError{"mean_spend", m, "must be finite"})
	case math.Abs(m) > maxSpend:
		fs = append(fs, FieldError{"mean_spend", m, fmt.Sprintf("must be at most %g in absolute value", maxSpend)})
	}
	if fs == nil {
		return nil
	}
	return &InputError{Index: index, ID: o.ID, Fields: fs}
}

const maxSpend = 1e15

// SpendGroup is a set of repeat customers with the same (x, z̄) pair.
type SpendGroup struct {
	// Frequency x ≥ 1 and MeanSpend z̄ > 0 are the shared pair.
	Frequency, MeanSpend float64
	// Count is the number of customers in the group.
	Count int64
}

type spendKey struct{ x, m float64 }

// SpendGroups is the grouped, mergeable input of the Gamma-Gamma model.
// Customers with frequency 0 or a non-positive mean spend carry no
// information on spend; they are not grouped but counted in Excluded, so the
// caller always sees how many were left out. The zero value is empty and
// ready to use.
type SpendGroups struct {
	index    map[spendKey]int
	groups   []SpendGroup
	total    int64
	excluded int64
	sorted   bool // groups is in the order of Slice
}

// GroupSpend validates obs and groups the customers the Gamma-Gamma model
// uses (x ≥ 1 and mean spend > 0); the others are counted as excluded. A
// customer ID given twice is refused as by [GroupObservations].
func GroupSpend(obs []SpendObservation) (*SpendGroups, error) {
	if err := repeatedID(len(obs), func(i int) string { return obs[i].ID }, nil); err != nil {
		return nil, err
	}
	g := &SpendGroups{}
	for i, o := range obs {
		if err := o.validate(i); err != nil {
			return nil, err
		}
		g.add(o.Frequency, o.MeanSpend, 1)
	}
	return g, nil
}

// Add validates o and adds it (or counts it as excluded).
func (g *SpendGroups) Add(o SpendObservation) error {
	if err := o.validate(-1); err != nil {
		return err
	}
	g.add(o.Frequency, o.MeanSpend, 1)
	return nil
}

// SpendGroupsOf returns the spend groups of gs, a list of (x, z̄) pairs
// with their counts in any order, in which a pair may appear more than
// once (the counts are added). Pairs with frequency 0 or a non-positive
// mean spend are counted as excluded, as GroupSpend does, so a whole
// population's excluded customers can be one entry. It validates every
// entry like SpendObservation and returns the *InputError of the first
// invalid one, with its index, leaving gs unchanged. Otherwise the result
// takes gs over, like GroupsOf: the caller must not use gs afterwards.
// For a population held in memory it is much cheaper than Add per
// customer: one sort instead of a hash map, and no copy.
func SpendGroupsOf(gs []SpendGroup) (*SpendGroups, error) {
	g := &SpendGroups{}
	var total int64
	for i, gr := range gs {
		if err := (SpendObservation{Frequency: gr.Frequency, MeanSpend: gr.MeanSpend}).validate(i); err != nil {
			return nil, err
		}
		if err := checkGroupCount(i, gr.Count, total); err != nil {
			return nil, err
		}
		total += gr.Count
	}
	kept := gs[:0]
	for _, gr := range gs {
		if gr.Frequency == 0 || gr.MeanSpend <= 0 {
			g.excluded += gr.Count
			continue
		}
		kept = append(kept, gr)
	}
	slices.SortFunc(kept, compareSpend)
	out := kept[:0]
	for _, gr := range kept {
		if n := len(out); n > 0 && out[n-1].Frequency == gr.Frequency && out[n-1].MeanSpend == gr.MeanSpend {
			out[n-1].Count += gr.Count
			continue
		}
		out = append(out, gr)
	}
	g.groups = slices.Clip(out)
	if len(out) == 0 {
		g.groups = nil
	}
	g.sorted = true
	g.total = total - g.excluded
	return g, nil
}

func (g *SpendGroups) add(x, m float64, n int64) {
	if x == 0 || m <= 0 {
		g.excluded += n
		return
	}
	if g.index == nil {
		g.index = make(map[spendKey]int, len(g.groups))
		for i, gr := range g.groups {
			g.index[spendKey{gr.Frequency, gr.MeanSpend}] = i
		}
	}
	k := spendKey{x, m}
	if i, ok := g.index[k]; ok {
		g.groups[i].Count += n
	} else {
		g.index[k] = len(g.groups)
		g.groups = append(g.groups, SpendGroup{Frequency: x, MeanSpend: m, Count: n})
		g.sorted = false
	}
	g.total += n
}

// Merge adds other's groups and excluded count to g. g.Merge(g) is an
// error wrapping ErrInvalidInput: every customer would count twice.
func (g *SpendGroups) Merge(other *SpendGroups) error {
	if other == nil {
		return nil
	}
	if other == g {
		return fmt.Errorf("churn: merge spend groups with themselves: a shard would count twice: %w", ErrInvalidInput)
	}
	if g.total > math.MaxInt64-other.total || g.excluded > math.MaxInt64-other.excluded {
		return fmt.Errorf("churn: merge: count overflows int64: %w", ErrInvalidInput)
	}
	for _, o := range other.groups {
		g.add(o.Frequency, o.MeanSpend, o.Count)
	}
	g.excluded += other.excluded
	return nil
}

// Customers is the number of customers used by the model.
func (g *SpendGroups) Customers() int64 {
	if g == nil {
		return 0
	}
	return g.total
}

// Excluded is the number of customers left out (frequency 0 or mean spend ≤ 0).
func (g *SpendGroups) Excluded() int64 {
	if g == nil {
		return 0
	}
	return g.excluded
}

// Len is the number of distinct (x, z̄) pairs.
func (g *SpendGroups) Len() int {
	if g == nil {
		return 0
	}
	return len(g.groups)
}

// Slice returns a copy of the groups sorted by (frequency, mean spend).
func (g *SpendGroups) Slice() []SpendGroup {
	if g == nil {
		return nil
	}
	out := slices.Clone(g.groups)
	if !g.sorted {
		slices.SortFunc(out, compareSpend)
	}
	return out
}

// inOrder returns the groups in the order of Slice, without a copy when
// they are already in it; the result must not be modified.
func (g *SpendGroups) inOrder() []SpendGroup {
	if g != nil && g.sorted {
		return g.groups
	}
	return g.Slice()
}

func compareSpend(a, b SpendGroup) int {
	if c := cmp.Compare(a.Frequency, b.Frequency); c != 0 {
		return c
	}
	return cmp.Compare(a.MeanSpend, b.MeanSpend)
}

// checkFrequency appends the problems of a frequency x to fs: it must be a
// finite, non-negative integer of at most maxFrequency.
func checkFrequency(fs []FieldError, x float64) []FieldError {
	switch {
	case !finite(x):
		fs = append(fs, FieldError{"frequency", x, "must be finite"})
	case x < 0:
		fs = append(fs, FieldError{"frequency", x, "must not be negative"})
	case x != math.Trunc(x):
		fs = append(fs, FieldError{"frequency", x, "must be an integer"})
	case x > maxFrequency:
		fs = append(fs, FieldError{"frequency", x, fmt.Sprintf("must be at most %g", float64(maxFrequency))})
	}
	return fs
}
