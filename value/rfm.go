package value

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// RFMSegment is a named group of customers of RFM analysis (domain rules
// §2, 001: RFM finds the high-net-worth (高净值), the about-to-churn
// (潜力流失) and the high-frequency, low-spend (高频低额) customers). The
// segments from [Champions] to [Lost] are those of the R × F grid of
// [DefaultRFMRules]; [HighNetWorth], [AboutToChurn] and
// [HighFrequencyLowSpend] are the groups the domain rules name, which no
// default rule assigns: a host places them with rules of its own that
// also read the total spend M and the spend per purchase AOV ([RFMRule];
// see its example). Rules place buyers only: a customer without a
// purchase has [NoRFMSegment], the zero value.
type RFMSegment uint8

// NoRFMSegment, the zero RFMSegment, is the segment of a customer without
// a purchase in the history (one who only browsed, or whose history holds
// only refunds of goods bought before it). RFM analysis groups buyers by
// recency, frequency and monetary value, and such a customer has none of
// them: it is in no cell of the grid, and in particular not lost, which
// is a buyer who stopped (domain rules §3.2, §3.3). Its text form is
// "none" (String, MarshalText, ParseRFMSegment, UnmarshalText); it is not
// Valid, a segment of the grid, so no [RFMRule] may assign it.
const NoRFMSegment RFMSegment = 0

// noRFMSegmentName is the text form of NoRFMSegment.
const noRFMSegmentName = "none"

const (
	// Champions bought recently and often.
	Champions RFMSegment = iota + 1
	// Loyal buy often and fairly recently.
	Loyal
	// PotentialLoyalist bought recently, a few times.
	PotentialLoyalist
	// New bought for the first time very recently.
	New
	// Promising bought recently, once.
	Promising
	// NeedsAttention are average in recency and frequency.
	NeedsAttention
	// AboutToSleep are fading: middling recency, low frequency.
	AboutToSleep
	// AtRisk bought often, but long ago.
	AtRisk
	// CantLose bought most often, but long ago.
	CantLose
	// Hibernating bought rarely and long ago.
	Hibernating
	// Lost bought least often and longest ago.
	Lost
	// HighNetWorth (高净值) spend the most in total (domain rules §2,
	// 001), "high-net-worth". No default rule assigns it.
	HighNetWorth
	// AboutToChurn (潜力流失) are good customers slipping away: they
	// bought often or spent much, but long ago (domain rules §2, 001),
	// "about-to-churn". No default rule assigns it.
	AboutToChurn
	// HighFrequencyLowSpend (高频低额) buy often but spend little per
	// purchase (domain rules §2, 001), "high-frequency-low-spend". No
	// default rule assigns it.
	HighFrequencyLowSpend
)

var rfmSegmentNames = []string{"", "champions", "loyal", "potential-loyalist", "new", "promising",
	"needs-attention", "about-to-sleep", "at-risk", "cant-lose", "hibernating", "lost",
	"high-net-worth", "about-to-churn", "high-frequency-low-spend"}

// ParseRFMSegment parses a segment name such as "champions" or
// "cant-lose", or "none" for [NoRFMSegment].
func ParseRFMSegment(s string) (RFMSegment, error) {
	if s == noRFMSegmentName {
		return NoRFMSegment, nil
	}
	return enumtext.Parse[RFMSegment](s, rfmSegmentNames, "RFM segment")
}

// String returns the segment's name, "none" for [NoRFMSegment], and
// "RFMSegment(n)" for a value that is neither.
func (s RFMSegment) String() string {
	if s == NoRFMSegment {
		return noRFMSegmentName
	}
	return enumtext.String(s, rfmSegmentNames, "RFMSegment")
}

// Valid reports whether s is a defined segment, one a rule may assign;
// [NoRFMSegment] is not.
func (s RFMSegment) Valid() bool { return enumtext.Valid(s, rfmSegmentNames) }

// MarshalText implements [encoding.TextMarshaler]: the segment's name, or
// "none" for [NoRFMSegment]; any other value is an error.
func (s RFMSegment) MarshalText() ([]byte, error) {
	if s == NoRFMSegment {
		return []byte(noRFMSegmentName), nil
	}
	return enumtext.Marshal(s, rfmSegmentNames, "RFM segment")
}

// UnmarshalText implements [encoding.TextUnmarshaler], by
// [ParseRFMSegment]; a text it refuses leaves s unchanged.
func (s *RFMSegment) UnmarshalText(b []byte) error {
	v, err := ParseRFMSegment(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// RFMRule assigns Segment to the buyers whose R and F scores, on the
// 1–5 grid (see [RFMOptions]), lie in [RMin, RMax] × [FMin, FMax], and
// whose total spend M and spend per purchase AOV ([RFMScore], read on the
// same grid) lie within their bounds. R and F bounds are 1 … 5. A zero
// bound of M or AOV leaves that end open: the zero MMin, MMax, AOVMin and
// AOVMax take any M and AOV, so a rule that sets none of them is a cell
// range of the R × F grid, as rules always were, and
// {FMin: 4, FMax: 5, AOVMax: 2} reads F ≥ 4 and AOV ≤ 2. Among the
// rules of a list the first that holds wins.
//
// A buyer whose spend per purchase is unknown (no orders; [Extract]
// never gives one) has AOV 1 ([RFMScorer.Score]), and an AOV bound reads
// it so.
type RFMRule struct {
	Segment    RFMSegment
	RMin, RMax uint8
	FMin, FMax uint8
	// MMin and MMax bound the total-spend score M, 1 … 5; 0 leaves
	// that end open.
	MMin, MMax uint8
	// AOVMin and AOVMax bound the spend-per-purchase score AOV, 1 … 5;
	// 0 leaves that end open.
	AOVMin, AOVMax uint8
}

// bounded reports whether r bounds M or AOV.
func (r *RFMRule) bounded() bool { return r.MMin|r.MMax|r.AOVMin|r.AOVMax != 0 }

// holds reports whether r holds for the scores rr, f, m, a (R, F, M,
// AOV) on the 1–5 grid.
func (r *RFMRule) holds(rr, f, m, a uint8) bool {
	in := func(v, lo, hi uint8) bool { return v >= lo && (hi == 0 || v <= hi) }
	return in(rr, r.RMin, r.RMax) && in(f, r.FMin, r.FMax) && in(m, r.MMin, r.MMax) && in(a, r.AOVMin, r.AOVMax)
}

// check returns what is wrong with r, every bad field of it, or "".
func (r *RFMRule) check() string {
	var bad []string
	if !r.Segment.Valid() {
		bad = append(bad, fmt.Sprintf("segment %v, want a defined segment", r.Segment))
	}
	for _, b := range [...]struct {
		name   string
		lo, hi uint8
		open   bool
	}{{"R", r.RMin, r.RMax, false}, {"F", r.FMin, r.FMax, false}, {"M", r.MMin, r.MMax, true}, {"AOV", r.AOVMin, r.AOVMax, true}} {
		want := "1 … 5"
		if b.open {
			want = "0 (open) or 1 … 5"
		}
		for _, v := range [...]struct {
			end string
			v   uint8
		}{{"Min", b.lo}, {"Max", b.hi}} {
			if v.v > 5 || (v.v == 0 && !b.open) {
				bad = append(bad, fmt.Sprintf("%s%s %d, want %s", b.name, v.end, v.v, want))
			}
		}
		if b.lo != 0 && b.hi != 0 && b.lo <= 5 && b.hi <= 5 && b.lo > b.hi {
			bad = append(bad, fmt.Sprintf("%sMin %d > %sMax %d", b.name, b.lo, b.name, b.hi))
		}
	}
	return strings.Join(bad, "; ")
}

// DefaultRFMRules returns the usual R × F segment grid (the one popularised
// by Putler's "RFM analysis for successful customer segmentation" and
// reused widely), with "lost" carved out of its hibernating corner. The
// first matching rule wins:
//
//	        F=1          F=2          F=3              F=4        F=5
//	R=5  new          potential-loyalist ───        champions ───
//	R=4  promising    potential-loyalist ───        loyal ───
//	R=3  about-to-sleep ───        needs-attention  loyal ───
//	R=2  hibernating ───           at-risk ───                  cant-lose
//	R=1  lost         hibernating  at-risk ───                  cant-lose
//
// The rules read R and F only: they assign none of [HighNetWorth],
// [AboutToChurn] and [HighFrequencyLowSpend] (see [RFMRule] for rules
// that do).
func DefaultRFMRules() []RFMRule {
	return []RFMRule{
		{Segment: Lost, RMin: 1, RMax: 1, FMin: 1, FMax: 1},
		{Segment: Hibernating, RMin: 1, RMax: 2, FMin: 1, FMax: 2},
		{Segment: AtRisk, RMin: 1, RMax: 2, FMin: 3, FMax: 4},
		{Segment: CantLose, RMin: 1, RMax: 2, FMin: 5, FMax: 5},
		{Segment: AboutToSleep, RMin: 3, RMax: 3, FMin: 1, FMax: 2},
		{Segment: NeedsAttention, RMin: 3, RMax: 3, FMin: 3, FMax: 3},
		{Segment: Loyal, RMin: 3, RMax: 4, FMin: 4, FMax: 5},
		{Segment: Promising, RMin: 4, RMax: 4, FMin: 1, FMax: 1},
		{Segment: New, RMin: 5, RMax: 5, FMin: 1, FMax: 1},
		{Segment: PotentialLoyalist, RMin: 4, RMax: 5, FMin: 2, FMax: 3},
		{Segment: Champions, RMin: 5, RMax: 5, FMin: 4, FMax: 5},
	}
}

// RFMOptions configure RFM scoring; nil means the defaults.
type RFMOptions struct {
	// Bins is the number of scores, 2 … 10; 0 means 5.
	Bins int
	// Rules map scores to segments, the first rule that holds winning
	// ([RFMRule]); nil means DefaultRFMRules. Rules are written on the
	// 1–5 grid, R and F as M and AOV: with B bins a score s, which
	// is given to the values with a share p = #below ÷ n of the
	// population strictly below them in [(s − 1) ÷ B, s ÷ B) (see
	// [RFMScorer]), is read as the cell that 5 bins give the centre of
	// that span, p = (s − ½) ÷ B: 1 + ⌊5·(2s − 1) ÷ 2B⌋, except that
	// the lowest score 1 reads as 1 and the highest B as 5, the ends
	// of the grid (which the centre gives with 3 bins or more; with 2
	// it gives 2 and 4, and the F = 1 column of the one-time buyers,
	// new, promising and lost, would stay empty). Mirrored scores so
	// read as mirrored cells (with 2 bins: 1, 5; with 3: 1, 3, 5;
	// with 4: 1, 2, 4, 5; with 5 and 10 the reading is ⌈5·s ÷ B⌉, and
	// with 10 it is exactly the score 1 + ⌊5·p⌋ that 5 bins give to a
	// column of 10 customers or more); the least value of a column,
	// which scores 1 whatever its share, reads as 1. The middle score
	// 1 + ⌊B ÷ 2⌋ of a constant column reads as 3 with any B, since it
	// tells the customers apart in nothing. [RFMScorer.OnGrid] gives
	// the reading. They must give every buyer a segment: some rule must
	// hold for every cell of the R × F grid and, where a rule that
	// bounds M or AOV comes first, for every M and AOV in that cell.
	Rules []RFMRule
}

// RFMScore is a customer's RFM scores, each 1 … Bins (higher is better:
// more recent, more frequent, more spend), and its segment. A customer
// without a purchase has [NoRFMSegment] and scores 1 in every column
// (see [RFMScorer.Score]).
type RFMScore struct {
	R, F, M uint8
	// AOV scores the spend per purchase, the [AverageOrderValue]
	// indicator (net ÷ orders), by the same quantiles as R, F and M,
	// 1 … Bins. M is the total net, which rises with frequency alone;
	// AOV is what "large spend per purchase" (domain rules §3.2, 002) and "value
	// per purchase" (domain rules §2, 003) mean, and it tells the
	// high-frequency, low-spend customers (domain rules §2, 001) from the big
	// spenders. The default rules do not read it; a rule may
	// ([RFMRule]).
	AOV     uint8
	Segment RFMSegment
}

// RFMStats are the mergeable population statistics of RFM: the exact
// multisets of recency, frequency, monetary value and spend per purchase
// over the customers with at least one purchase (see [Stats] for
// exactness). R is the days since the last purchase (Recency), F the
// number of purchase days (PurchaseDays), M the net amount kept
// (Revenue), and the spend per purchase is net ÷ orders
// (AverageOrderValue).
//
// M and the spend per purchase are money: like [Stats], RFMStats take
// the buyers of one currency, and refuse a buyer (Add) or a shard
// (Merge) in another currency than the buyers before. Like [Stats], they
// hold the customers of one as-of day, buyers or not (recency counts up
// to it), and refuse a customer or a shard of another day with an
// *[AsOfMismatchError].
type RFMStats struct {
	kind customer.Kind
	bins int
	// grid is the segment of each R × F cell, 1 … 5, by the first rule
	// without bounds on M or AOV that covers it (0 if none does).
	grid [6][6]RFMSegment
	// full is the segment of every R, F, M and AOV on the 1–5 grid by
	// the first rule that holds, when a rule bounds M or AOV; nil
	// otherwise, when grid is the segment.
	full       *rfmTable
	r, f, m, a sample
	n          int64
	currency   customer.Currency // of the buyers counted; empty while unknown
	asOf       asOfDay           // of the customers added, buyers or not
}

// AsOf returns the as-of day of the customers added, buyers or not
// ([Indicators.AsOf]), and whether it is known.
func (s *RFMStats) AsOf() (customer.Date, bool) { return s.asOf.get() }

// Currency returns the currency of the buyers counted, empty while none
// of them had one ([Indicators.Currency]).
func (s *RFMStats) Currency() customer.Currency { return s.currency }

// NewRFMStats returns empty RFM statistics for customers of kind k, or a
// *[ModelError] when k is not a valid kind or opts are invalid.
func NewRFMStats(k customer.Kind, opts *RFMOptions) (*RFMStats, error) {
	if !k.Valid() {
		return nil, &ModelError{Path: "rfm", Reason: fmt.Sprintf("kind %v: must be consumer or intermediary", k)}
	}
	bins, rules := 5, DefaultRFMRules()
	if opts != nil {
		if opts.Bins != 0 {
			bins = opts.Bins
		}
		if opts.Rules != nil {
			rules = opts.Rules
		}
	}
	if bins < 2 || bins > 10 {
		return nil, &ModelError{Path: "rfm", Reason: fmt.Sprintf("%d bins: want 2 … 10", bins)}
	}
	s := &RFMStats{kind: k, bins: bins}
	var err error
	if s.grid, s.full, err = compileRFMRules(rules); err != nil {
		return nil, err
	}
	return s, nil
}

// rfmTable is the segment of every R, F, M and AOV score on the 1–5
// grid, [R][F][M][AOV]; index 0 is unused.
type rfmTable [6][6][6][6]RFMSegment

// compileRFMRules checks rules and returns the segment of each R × F
// cell by the first rule without bounds on M or AOV that covers it, and,
// when some rule has such bounds, the table of the first rule that holds
// for each R, F, M and AOV (nil otherwise). Rules with a bad field are
// *[ModelError]s naming the rule and every bad field, joined; scores for
// which no rule holds are one naming the first of them.
func compileRFMRules(rules []RFMRule) (grid [6][6]RFMSegment, full *rfmTable, err error) {
	var errs []error
	bounded := false
	for i := range rules {
		r := &rules[i]
		if why := r.check(); why != "" {
			errs = append(errs, &ModelError{Path: fmt.Sprintf("rfm/rules[%d]", i), Reason: fmt.Sprintf("rule %+v: %s", *r, why)})
			continue
		}
		bounded = bounded || r.bounded()
		if r.bounded() {
			continue
		}
		for rr := r.RMin; rr <= r.RMax; rr++ {
			for ff := r.FMin; ff <= r.FMax; ff++ {
				if grid[rr][ff] == 0 {
					grid[rr][ff] = r.Segment
				}
			}
		}
	}
	if len(errs) > 0 {
		return grid, nil, errors.Join(errs...)
	}
	if !bounded {
		for rr := 1; rr <= 5; rr++ {
			for ff := 1; ff <= 5; ff++ {
				if grid[rr][ff] == 0 {
					return grid, nil, &ModelError{Path: "rfm/rules", Reason: fmt.Sprintf("no rule for R=%d, F=%d", rr, ff)}
				}
			}
		}
		return grid, nil, nil
	}
	full = new(rfmTable)
	for rr := uint8(1); rr <= 5; rr++ {
		for ff := uint8(1); ff <= 5; ff++ {
			for m := uint8(1); m <= 5; m++ {
				for a := uint8(1); a <= 5; a++ {
					for i := range rules {
						if rules[i].holds(rr, ff, m, a) {
							full[rr][ff][m][a] = rules[i].Segment
							break
						}
					}
					if full[rr][ff][m][a] == 0 {
						return grid, nil, &ModelError{Path: "rfm/rules", Reason: fmt.Sprintf("no rule for R=%d, F=%d, M=%d, AOV=%d", rr, ff, m, a)}
					}
				}
			}
		}
	}
	return grid, full, nil
}

// sameRules reports whether a and b, the tables of two statistics or
// scorers, segment alike.
func sameRules(a, b *rfmTable) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Grow tells the statistics that about n more customers will be added.
func (s *RFMStats) Grow(n int) {
	for _, x := range []*sample{&s.r, &s.f, &s.m, &s.a} {
		x.hint = max(0, n) + int(x.n())
	}
}

// Compact sorts the values added so far, as [Stats.Compact] does, so
// that a shard does the sorting work of Merge and Scorer before merging.
// It changes no result.
func (s *RFMStats) Compact() {
	s.r.compact()
	s.f.compact()
	s.m.compact()
	s.a.compact()
}

// Add adds a customer. Customers without a purchase are not part of the
// quantiles (they score 1 in every column and have [NoRFMSegment]). A
// buyer whose spend per purchase is unknown (no orders; [Extract] never
// gives one) is left out of that column's quantiles only. A customer of another kind or
// observed at another as-of day than the customers before, a buyer in
// another currency than the buyers before, or one with a non-finite
// value, is rejected with an *[InputError] and changes nothing.
func (s *RFMStats) Add(x *Indicators) error {
	if x.Kind != s.kind {
		return &InputError{Customer: x.ID, Reason: fmt.Sprintf("kind %v: the RFM statistics are for %v customers", x.Kind, s.kind)}
	}
	day := asOfOf(x)
	if err := s.asOf.check(day); err != nil {
		return &InputError{Customer: x.ID, Reason: "as-of day", Err: err}
	}
	r, ok := x.Get(Recency)
	if !ok {
		s.asOf.take(day)
		return nil
	}
	if x.Currency != "" && s.currency != "" && x.Currency != s.currency {
		return &InputError{Customer: x.ID, Reason: "currency", Err: &customer.CurrencyMismatchError{A: s.currency, B: x.Currency}}
	}
	f, m := x.Values[PurchaseDays], x.Values[Revenue]
	a, aok := x.Get(AverageOrderValue)
	for _, v := range [...]struct {
		i Indicator
		v float64
	}{{Recency, r}, {PurchaseDays, f}, {Revenue, m}, {AverageOrderValue, a}} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return &InputError{Customer: x.ID, Indicator: v.i, Value: v.v}
		}
	}
	if s.currency == "" {
		s.currency = x.Currency
	}
	s.asOf.take(day)
	s.r.add(-r)
	s.f.add(f)
	s.m.add(m)
	if aok {
		s.a.add(a)
	}
	s.n++
	return nil
}

// Merge adds the statistics of o (another shard) to s; o is not changed.
// Statistics of other options, or of shards in different currencies or
// of different as-of days, do not merge and leave s unchanged; nor does s
// itself (an [*InputError]: every buyer would count twice).
func (s *RFMStats) Merge(o *RFMStats) error {
	if err := s.CheckMerge(o); err != nil {
		return err
	}
	if s.currency == "" {
		s.currency = o.currency
	}
	s.asOf.take(o.asOf)
	s.r.merge(&o.r)
	s.f.merge(&o.f)
	s.m.merge(&o.m)
	s.a.merge(&o.a)
	s.n += o.n
	return nil
}

// CheckMerge returns the error that Merge(o) would return, or nil,
// without merging (see [Stats.CheckMerge]).
func (s *RFMStats) CheckMerge(o *RFMStats) error {
	if s == o {
		return &InputError{Reason: "merge statistics with themselves: a shard would count twice"}
	}
	if s.kind != o.kind || s.bins != o.bins || s.grid != o.grid || !sameRules(s.full, o.full) {
		return &ModelError{Path: "rfm", Reason: "cannot merge RFM statistics with other options"}
	}
	if s.currency != "" && o.currency != "" && s.currency != o.currency {
		return &InputError{Reason: fmt.Sprintf("merge the RFM statistics of %v customers", s.kind),
			Err: &customer.CurrencyMismatchError{A: s.currency, B: o.currency}}
	}
	if err := s.asOf.check(o.asOf); err != nil {
		return &InputError{Reason: fmt.Sprintf("merge the RFM statistics of %v customers", s.kind), Err: err}
	}
	return nil
}

// Scorer fits the quantile cut points. A population in which nobody has
// bought yet is valid: everybody scores 1 in every column, without a
// segment ([NoRFMSegment]).
func (s *RFMStats) Scorer() *RFMScorer {
	sc := &RFMScorer{kind: s.kind, bins: s.bins, n: s.n, currency: s.currency, asOf: s.asOf, full: s.full}
	sc.r = cuts(&s.r, s.bins)
	sc.f = cuts(&s.f, s.bins)
	if v := s.f.vals; len(v) == 1 && v[0] <= 1 {
		// Every buyer bought on one day: one-time buyers, who score
		// F = 1 as in any other population; more purchase days, which
		// the fit cannot rank, score the middle (see RFMScorer).
		for k := range sc.f {
			if sc.f[k] == v[0] {
				sc.f[k] = math.Nextafter(v[0], math.Inf(1))
			}
		}
	}
	sc.m = cuts(&s.m, s.bins)
	sc.a = cuts(&s.a, s.bins)
	for i, x := range []*sample{&s.r, &s.f, &s.m, &s.a} {
		sc.flat[i] = len(x.vals) == 1 // compacted by cuts
	}
	for col := range sc.cell {
		for v := 1; v <= s.bins; v++ {
			sc.cell[col][v] = sc.read(col, uint8(v))
		}
	}
	for r := 1; r <= s.bins; r++ {
		for f := 1; f <= s.bins; f++ {
			sc.grid[r][f] = s.grid[sc.cell[0][r]][sc.cell[1][f]]
		}
	}
	return sc
}

// quantileScore is the score of a value with below of the n fitted
// values strictly below it (see [RFMScorer]): with n ≥ B,
// min(B, 1 + ⌊B·below ÷ n⌋); with 2 ≤ n < B, the nearest integer to
// 1 + (B − 1)·below ÷ (n − 1), a half rounded down. In integers, so that
// a share on a bin boundary (below ÷ n = k ÷ B) scores k + 1 exactly.
func quantileScore(below, n int64, bins int) int {
	b := int64(bins)
	if n >= b {
		return int(min(b, 1+b*below/n))
	}
	if n < 2 || below <= 0 {
		return 1 // n < 2 is a constant column, scored by its caller
	}
	// ⌈x − ½⌉ for x = (B − 1)·below ÷ (n − 1) > ½: ⌈(2(B − 1)·below −
	// (n − 1)) ÷ 2(n − 1)⌉, whose numerator is positive as n < B.
	num, den := 2*(b-1)*below-(n-1), 2*(n-1)
	return int(1 + (num+den-1)/den)
}

// cuts returns c[k] for k = 0 … bins−2: the smallest value scoring k + 2
// or more (+Inf when none does). A constant column gives its one value
// the middle score 1 + ⌊B ÷ 2⌋ (see [RFMScorer]).
func cuts(s *sample, bins int) [9]float64 {
	var c [9]float64
	for k := range c {
		c[k] = math.Inf(1)
	}
	s.compact()
	n := s.n()
	if n == 0 {
		return c
	}
	var below int64
	for i, v := range s.vals {
		sc := quantileScore(below, n, bins)
		if len(s.vals) == 1 {
			sc = 1 + bins/2
		}
		for k := 2; k <= sc; k++ {
			if math.IsInf(c[k-2], 1) {
				c[k-2] = v
			}
		}
		below += s.cnts[i]
	}
	return c
}

// RFMScorer assigns RFM scores by the fitted quantiles. It is immutable
// and safe for concurrent use.
//
// Each score is by competition-ranking quantile: a value x scores by the
// share of the fitted population strictly below it, p = #below ÷ n, as
// min(B, 1 + ⌊B·p⌋), where p = (rank − 1) ÷ n for the "1224" standard
// competition rank (pandas' rank(method="min"); the mid-rank share of
// average ranks would give a tie block its middle instead). A block
// of equal values so scores as its least favourable position: the same
// score for all, whatever the order of the customers, and the least
// value of a column scores 1 whatever its share (the customers who
// bought on the fewest days, however many, score F = 1). Recency is
// scored reversed (fewer days is better): #below counts the customers
// who bought longer ago, so the most recent tie block too scores by
// those strictly worse than it.
//
// A column of fewer fitted values than bins (2 ≤ n < B) has quantile
// bins narrower than one customer: p never exceeds (n − 1) ÷ n <
// (B − 1) ÷ B, so the quantile score would leave the top scores
// unreachable (four customers would score 1 … 4 of 5, and the best
// customer of a new shop could never be a champion). Such a column
// spreads its ranks evenly over the whole scale instead: the inclusive
// percent rank p' = #below ÷ (n − 1) in [0, 1] (the rank at which the
// type 7 sample quantile of Hyndman & Fan 1996, "Sample quantiles in
// statistical packages", Amer. Statist. 50, puts the value; Excel's
// PERCENTRANK.INC), scored 1 + (B − 1)·p' rounded to the nearest
// integer, a half down (towards the less favourable score, as ties
// are). The least value still scores 1, a greatest value held by one
// customer scores B, distinct values score distinctly, and a larger
// value never scores less. With n ≥ B both scores reach every bin and
// the quantile score is kept, so scores of populations of at least B
// customers do not depend on this rule.
//
// A column with fewer distinct values than bins still leaves some
// scores unused; a constant column (or a population of one) gives
// everybody the middle score 1 + ⌊B ÷ 2⌋ (3 of 5), which the segment
// rules read as 3 with any number of bins ([RFMOptions],
// [RFMScorer.OnGrid]) — except a frequency column in which every buyer
// bought on one day: one purchase day is the fewest a buyer can have,
// so they are one-time buyers as in any population and score F = 1,
// the grid's column of new, promising and lost customers, not the
// middle column of potential loyalists and customers at risk, which
// would read them as buying a few times; a customer scored later with
// more purchase days, whom such a fit cannot rank, scores the middle. A value not seen in the fit scores like the
// largest fitted value at or below it (1 below the least). Spend per
// purchase ([RFMScore].AOV) is scored the same way over the buyers whose
// spend per purchase is known.
type RFMScorer struct {
	kind       customer.Kind
	bins       int
	n          int64
	r, f, m, a [9]float64
	grid       [11][11]RFMSegment
	// full is the segment by R, F, M and AOV on the 1–5 grid when a
	// rule bounds M or AOV (see [RFMStats]), nil when grid is the
	// segment; cell reads each score of R, F, M and AOV on that grid.
	full *rfmTable
	cell [4][11]uint8
	// flat tells, for R, F, M and AOV, whether every fitted customer
	// has the same value.
	flat     [4]bool
	currency customer.Currency
	asOf     asOfDay
}

// AsOf returns the as-of day of the customers the scorer was fitted on
// ([RFMStats.AsOf]) and whether it is known: the day its cut points are
// of (see [RFMScorer.Score]).
func (sc *RFMScorer) AsOf() (customer.Date, bool) { return sc.asOf.get() }

// Bins returns the number of scores.
func (sc *RFMScorer) Bins() int { return sc.bins }

// Cuts returns the fitted cut points: a customer scores k + 2 or more in
// R when its recency is at most recencyDays[k], in F when its purchase
// days are at least frequency[k], in M when its revenue is at least
// monetary[k]. Each cut is the least fitted value that scores k + 2 or
// more: with n ≥ B fitted values, the least with at least (k + 1)·n ÷ B
// of them strictly below it (for recency: bought strictly longer ago);
// with fewer, by the spread ranks of [RFMScorer]; in a constant column
// it is the one value up to the middle score, 1 + ⌊B ÷ 2⌋ (but a
// frequency column of one-time buyers only scores them 1: its cuts up
// to the middle score are then the least number above 1). A cut no
// value reached is +Inf (−Inf for recency).
func (sc *RFMScorer) Cuts() (recencyDays, frequency, monetary []float64) {
	b := sc.bins - 1
	r := make([]float64, b)
	for k := range r {
		r[k] = -sc.r[k]
	}
	return r, append([]float64(nil), sc.f[:b]...), append([]float64(nil), sc.m[:b]...)
}

// AOVCuts returns the fitted cut points of spend per purchase
// ([RFMScore].AOV): a customer scores k + 2 or more when its
// AverageOrderValue is at least spendPerPurchase[k], the least fitted
// spend per purchase that scores k + 2 or more (see [RFMScorer.Cuts]).
// A cut no value reached is +Inf.
func (sc *RFMScorer) AOVCuts() (spendPerPurchase []float64) {
	return append([]float64(nil), sc.a[:sc.bins-1]...)
}

// OnGrid returns s, a score of this scorer, with its R, F, M and AOV
// read on the 1–5 grid of the segment rules, as the segment was found
// (see [RFMOptions]); the segment is kept.
func (sc *RFMScorer) OnGrid(s RFMScore) RFMScore {
	s.R, s.F, s.M, s.AOV = sc.read(0, s.R), sc.read(1, s.F), sc.read(2, s.M), sc.read(3, s.AOV)
	return s
}

// read maps score v of column col (R, F, M, AOV) to the 1–5 grid: the
// middle score of a constant column to 3, any other score to the grid
// cell of the centre (v − ½) ÷ B of the span of shares strictly below
// that score v is given for, 1 + ⌊5·(2v − 1) ÷ 2B⌋ (see [RFMOptions]).
func (sc *RFMScorer) read(col int, v uint8) uint8 {
	if sc.flat[col] && int(v) == 1+sc.bins/2 {
		return 3
	}
	return gridCell(v, sc.bins)
}

// gridCell is 1 + ⌊5·(2v − 1) ÷ 2B⌋, the cell 1 + ⌊5·p⌋ of the 1–5
// grid of the centre p = (v − ½) ÷ B of the shares strictly below,
// [(v − 1) ÷ B, v ÷ B), that score v is given for, except that the
// lowest score 1 reads as 1 and the highest B as 5: the ends of the scale
// are the ends of the grid. That is the centre reading itself with 3
// bins or more, and with 2 bins reads 1 and 2 as 1 and 5 instead of 2
// and 4, which left columns 1, 3 and 5 of the grid, and with them the
// segments of the one-time buyers (new, promising, lost), empty. A v
// outside 1 … B, which no scorer gives, is clamped to it.
func gridCell(v uint8, bins int) uint8 {
	v = min(max(v, 1), uint8(bins))
	switch v {
	case 1:
		return 1
	case uint8(bins):
		return 5
	}
	return uint8(1 + 5*(2*int(v)-1)/(2*bins))
}

func score(c *[9]float64, bins int, x float64) uint8 {
	s := uint8(1)
	for k := 0; k < bins-1; k++ {
		if x >= c[k] {
			s++
		}
	}
	return s
}

// Score returns the RFM scores, the spend-per-purchase score and the
// segment of x, which must be of the scorer's kind with finite known
// values and, for a buyer, in the currency of the buyers fitted (when
// both are known): an [*InputError] naming the customer otherwise,
// wrapping a [*customer.CurrencyMismatchError] for the currency. A
// customer observed at another day than the fit's ([RFMScorer.AsOf]) is
// scored against the fitted cut points.
//
// A customer without a purchase in the history (no [Recency]: one who
// only browsed, or has only refunds of goods bought before the history)
// has no recency, frequency or monetary value to place it on the grid,
// which groups buyers: its Segment is [NoRFMSegment], not the lost cell
// (1, 1) of a buyer who stopped, and its scores are 1, the lowest, in
// every column (so scores stay within 1 … Bins, and [RFMScorer.OnGrid]
// reads them as 1). The spend per purchase of a buyer without a known
// AverageOrderValue scores 1 too.
func (sc *RFMScorer) Score(x *Indicators) (RFMScore, error) {
	if x.Kind != sc.kind {
		return RFMScore{}, &InputError{Customer: x.ID, Reason: fmt.Sprintf("kind %v: the RFM scorer is for %v customers", x.Kind, sc.kind)}
	}
	if err := x.check(); err != nil {
		return RFMScore{}, err
	}
	r, ok := x.Get(Recency)
	if !ok {
		return RFMScore{R: 1, F: 1, M: 1, AOV: 1, Segment: NoRFMSegment}, nil
	}
	if x.Currency != "" && sc.currency != "" && x.Currency != sc.currency {
		return RFMScore{}, &InputError{Customer: x.ID, Reason: "currency of the fit", Err: &customer.CurrencyMismatchError{A: sc.currency, B: x.Currency}}
	}
	out := RFMScore{
		R:   score(&sc.r, sc.bins, -r),
		F:   score(&sc.f, sc.bins, x.Values[PurchaseDays]),
		M:   score(&sc.m, sc.bins, x.Values[Revenue]),
		AOV: 1,
	}
	if x.known&(1<<AverageOrderValue) != 0 {
		out.AOV = score(&sc.a, sc.bins, x.Values[AverageOrderValue])
	}
	if sc.full == nil {
		out.Segment = sc.grid[out.R][out.F]
	} else {
		out.Segment = sc.full[sc.cell[0][out.R]][sc.cell[1][out.F]][sc.cell[2][out.M]][sc.cell[3][out.AOV]]
	}
	return out, nil
}
