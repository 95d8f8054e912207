package value

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/tailorcrm/tailor/customer"
)

// The encoded forms of the statistics, so that shards gathered on
// different machines can be shipped and merged (as the combiners of a
// distributed engine do). An encoding starts with a tag and a version
// byte; numbers are unsigned varints, floats their IEEE 754 bits in 8
// little-endian bytes, strings a length and their bytes. A sample is its
// number of distinct values, the values in increasing order, and their
// counts. A leaf's measure is its indicator, transform and method as one
// byte each ([Method] 1 min-max, 2 z-score, 3 percentile-rank,
// 4 absolute), then its winsor share, direction, fallback and missing
// score. The decoders check everything they read.
//
// Statistics decode only into those of the same model. Those gathered
// with a default intermediary model whose credit leaf was min–max, before
// it became [Absolute], are another model's and are refused: gather them
// again, or decode them into statistics of that model.
//
// The value statistics are at version 2, which added the as-of day of
// the customers ([Stats.AsOf]) at the end: a flag byte, 1 when the day
// is known, and then the day ([customer.Date]) as a signed varint. A
// version-1 encoding still decodes, into statistics of an unknown day,
// which merge with those of any day. The statistics of a model that
// declares custom indicators ([Model].Custom) are encoded at version 3,
// which adds the declarations after the leaves: their number, then for
// each its name and its Money and UnitScale flags; those of any other
// model stay at version 2, byte for byte. Statistics decode only into
// those of a model with the same declarations.
//
// The RFM statistics are at version 4, which added the as-of day at the
// end as for the value statistics; version 3 added the currency of the
// buyers; version 2 added the sample of spend per purchase
// ([RFMScore].AOV). Encodings of versions 2 and 3 still decode, into
// statistics of an unknown day (and, for version 2, of an unknown
// currency), which merge with those of any day and currency. A version-1
// encoding lacks the spend per purchase, cannot give that score, and is
// refused with an error that says so: gather such statistics again from
// the customers. The RFM statistics of rules that bound M or AOV
// ([RFMRule]) are encoded at version 5, which adds after the R × F grid
// the segment of every R, F, M and AOV on the 1–5 grid, one byte each
// (625, R outermost, then F, M and AOV, each 1 … 5); those of rules
// without such bounds stay at version 4, byte for byte.
const (
	statsTag      = "tvs"
	rfmStatsTag   = "trf"
	encVersion    = 2
	customVersion = 3 // encVersion with the custom indicators of the model
	rfmEncVersion = 4
	// rfmBoundsVersion is rfmEncVersion with the table of rules that
	// bound M or AOV.
	rfmBoundsVersion = 5
)

// appendAsOf appends the as-of day a: a flag byte, then the day when it
// is known.
func appendAsOf(b []byte, a asOfDay) []byte {
	if !a.known {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), int64(a.day))
}

// MarshalBinary encodes the statistics gathered so far (version 2, or 3
// for a model with custom indicators): the model's leaves, its custom
// indicators, the number of customers, the currency, the exact samples
// of the indicators and the as-of day. The pending values of the
// samples are compacted first; the statistics stay the same.
func (s *Stats) MarshalBinary() ([]byte, error) {
	version := byte(encVersion)
	if len(s.custom) > 0 {
		version = customVersion
	}
	b := append([]byte(statsTag), version, byte(s.kind))
	b = binary.AppendUvarint(b, uint64(len(s.leaves)))
	for i := range s.leaves {
		b = appendLeaf(b, &s.leaves[i])
	}
	if version == customVersion {
		b = binary.AppendUvarint(b, uint64(len(s.custom)))
		for _, c := range s.custom {
			b = appendBool(appendBool(appendString(b, c.Name), c.Money), c.UnitScale)
		}
	}
	b = binary.AppendUvarint(b, uint64(s.n))
	b = appendString(b, string(s.currency))
	for _, i := range s.used {
		s.samples[i].compact()
		b = appendSample(b, s.samples[i])
	}
	return appendAsOf(b, s.asOf), nil
}

// UnmarshalBinary replaces the statistics of s by those encoded in data
// by MarshalBinary. s must come from [NewStats] with the same model as
// the encoded statistics (the same kind and leaves: weights, measures and
// all), since the model itself is not decoded; then s equals the
// statistics that were encoded, and merges with others of that model.
// Data of another model (the error of one with other custom indicators
// names both declarations), or that is not such an encoding, is an
// error and leaves s unchanged. An encoding of version 1 decodes with an
// unknown as-of day.
func (s *Stats) UnmarshalBinary(data []byte) error {
	version := byte(encVersion)
	if len(data) > len(statsTag) && string(data[:len(statsTag)]) == statsTag {
		if v := data[len(statsTag)]; v == 1 || v == customVersion {
			version = v
		}
	}
	d := decoder{b: data}
	d.header(statsTag, version)
	if k := customer.Kind(d.byte()); d.err == nil && k != s.kind {
		return &decodeError{"statistics", fmt.Errorf("kind %v, want %v", k, s.kind)}
	}
	nl := d.count(8)
	leaves := make([]Leaf, 0, nl)
	for range nl {
		leaves = append(leaves, d.leaf())
	}
	var custom []CustomIndicator
	if version == customVersion {
		nc := d.count(3)
		for range nc {
			custom = append(custom, CustomIndicator{Name: d.string(), Money: d.bool(), UnitScale: d.bool()})
		}
	}
	if d.err == nil && !slices.Equal(custom, s.custom) {
		return &decodeError{"statistics", fmt.Errorf("the statistics of a model with other custom indicators: %s, want %s",
			customList(custom), customList(s.custom))}
	}
	if d.err == nil && !reflect.DeepEqual(leaves, s.leaves) {
		return &decodeError{"statistics", errors.New("the statistics of another model")}
	}
	n := d.int()
	cur := customer.Currency(d.string())
	if d.err == nil && cur != "" && !cur.Valid() {
		d.fail("currency %q", string(cur))
	}
	samples := make([]sample, len(s.used))
	for k := range samples {
		samples[k] = d.sample(n)
	}
	var day asOfDay
	if version >= 2 {
		day = d.asOf()
	}
	if err := d.end(); err != nil {
		return &decodeError{"statistics", err}
	}
	for k, i := range s.used {
		*s.samples[i] = samples[k]
	}
	s.n, s.currency, s.asOf = n, cur, day
	return nil
}

// MarshalBinary encodes the RFM statistics gathered so far (version 4,
// or 5 for rules that bound M or AOV): kind, bins, the segment grid (and
// at version 5 the segment table of the rules), the currency, the number
// of customers, the exact samples of recency, frequency, monetary value
// and spend per purchase, and the as-of day.
// The pending values are compacted first; the statistics stay the same.
func (s *RFMStats) MarshalBinary() ([]byte, error) {
	version := byte(rfmEncVersion)
	if s.full != nil {
		version = rfmBoundsVersion
	}
	b := append([]byte(rfmStatsTag), version, byte(s.kind))
	b = binary.AppendUvarint(b, uint64(s.bins))
	for r := range s.grid {
		for f := range s.grid[r] {
			b = append(b, byte(s.grid[r][f]))
		}
	}
	if s.full != nil {
		for r := 1; r <= 5; r++ {
			for f := 1; f <= 5; f++ {
				for m := 1; m <= 5; m++ {
					for a := 1; a <= 5; a++ {
						b = append(b, byte(s.full[r][f][m][a]))
					}
				}
			}
		}
	}
	b = appendString(b, string(s.currency))
	b = binary.AppendUvarint(b, uint64(s.n))
	for _, x := range []*sample{&s.r, &s.f, &s.m, &s.a} {
		x.compact()
		b = appendSample(b, x)
	}
	return appendAsOf(b, s.asOf), nil
}

// UnmarshalBinary replaces the statistics of s by those encoded in data
// by MarshalBinary. s must come from [NewRFMStats] with the same kind and
// options as the encoded statistics. Data of other options, or that is
// not such an encoding, is an error and leaves s unchanged; so is an
// encoding of version 1, which holds no spend per purchase. An encoding
// of version 2 decodes with an unknown currency and as-of day, one of
// version 3 with an unknown as-of day. An encoding of version 5 decodes
// only into statistics of the same rules that bound M or AOV, one of an
// earlier version only into statistics of rules without such bounds.
// Recency, frequency and monetary value must each hold one value per
// customer counted, the spend per purchase at most one.
func (s *RFMStats) UnmarshalBinary(data []byte) error {
	version := byte(rfmEncVersion)
	if len(data) > len(rfmStatsTag) && string(data[:len(rfmStatsTag)]) == rfmStatsTag {
		switch data[len(rfmStatsTag)] {
		case 1:
			return &decodeError{"RFM statistics", errors.New("version 1 holds no spend per purchase, which version 2 added: gather the statistics again")}
		case 2, 3, rfmBoundsVersion:
			version = data[len(rfmStatsTag)]
		}
	}
	d := decoder{b: data}
	d.header(rfmStatsTag, version)
	k := customer.Kind(d.byte())
	bins := d.int()
	var grid [6][6]RFMSegment
	for r := range grid {
		for f := range grid[r] {
			grid[r][f] = RFMSegment(d.byte())
		}
	}
	var full *rfmTable
	if version == rfmBoundsVersion {
		full = new(rfmTable)
		for r := 1; r <= 5; r++ {
			for f := 1; f <= 5; f++ {
				for m := 1; m <= 5; m++ {
					for a := 1; a <= 5; a++ {
						full[r][f][m][a] = RFMSegment(d.byte())
					}
				}
			}
		}
	}
	if d.err == nil && (k != s.kind || bins != int64(s.bins) || grid != s.grid || !sameRules(full, s.full)) {
		return &decodeError{"RFM statistics", errors.New("the statistics of other options")}
	}
	var cur customer.Currency
	if version >= 3 {
		cur = customer.Currency(d.string())
		if d.err == nil && cur != "" && !cur.Valid() {
			d.fail("currency %q", string(cur))
		}
	}
	n := d.int()
	var x [4]sample
	for i := range x {
		x[i] = d.sample(n)
		if i < 3 && d.err == nil && x[i].n() != n {
			d.fail("sample %d holds %d values, want one per customer (%d)", i+1, x[i].n(), n)
		}
	}
	var day asOfDay
	if version >= 4 {
		day = d.asOf()
	}
	if err := d.end(); err != nil {
		return &decodeError{"RFM statistics", err}
	}
	s.r, s.f, s.m, s.a, s.n, s.currency, s.asOf = x[0], x[1], x[2], x[3], n, cur, day
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendFloat(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendLeaf(b []byte, l *Leaf) []byte {
	b = appendString(b, l.Path)
	b = appendFloat(b, l.Weight)
	m := &l.Measure
	b = append(b, byte(m.Indicator), byte(m.Transform), byte(m.Method))
	b = appendFloat(b, m.Winsor)
	b = appendBool(b, m.LowerIsBetter)
	b = append(b, byte(m.Fallback))
	b = appendFloat(b, m.Missing)
	return appendBool(b, l.InCurrent)
}

// appendSample appends a compacted sample.
func appendSample(b []byte, s *sample) []byte {
	b = binary.AppendUvarint(b, uint64(len(s.vals)))
	for _, v := range s.vals {
		b = appendFloat(b, v)
	}
	for _, c := range s.cnts {
		b = binary.AppendUvarint(b, uint64(c))
	}
	return b
}

// decoder reads an encoding, remembering the first error: after one,
// every read returns a zero value.
type decoder struct {
	b   []byte
	err error
}

var errTruncated = errors.New("truncated")

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *decoder) header(tag string, version byte) {
	if len(d.b) < len(tag)+1 || string(d.b[:len(tag)]) != tag {
		d.fail("not an encoding of these statistics")
		return
	}
	if v := d.b[len(tag)]; v != version {
		d.fail("version %d, want %d", v, version)
		return
	}
	d.b = d.b[len(tag)+1:]
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.err = errTruncated
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errTruncated
		return 0
	}
	d.b = d.b[n:]
	return v
}

// int reads a count, which must fit an int64.
func (d *decoder) int() int64 {
	v := d.uvarint()
	if v > math.MaxInt64 {
		d.fail("count %d out of range", v)
		return 0
	}
	return int64(v)
}

// count reads the length of a list whose elements take at least size
// bytes each, so that a bad length cannot make the decoder allocate more
// than the data could hold.
func (d *decoder) count(size int) int {
	v := d.uvarint()
	if d.err == nil && v > uint64(len(d.b)/size) {
		d.err = errTruncated
		return 0
	}
	return int(v)
}

func (d *decoder) float() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.err = errTruncated
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) bool() bool { return d.byte() != 0 }

// asOf reads an as-of day written by appendAsOf: a flag byte of 0 or 1,
// then, for 1, a day within the range of customer.Date.
func (d *decoder) asOf() asOfDay {
	switch f := d.byte(); {
	case d.err != nil:
		return asOfDay{}
	case f == 0:
		return asOfDay{}
	case f != 1:
		d.fail("as-of flag %d", f)
		return asOfDay{}
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errTruncated
		return asOfDay{}
	}
	d.b = d.b[n:]
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail("as-of day %d out of range", v)
		return asOfDay{}
	}
	return asOfDay{customer.Date(v), true}
}

func (d *decoder) string() string {
	n := d.count(1)
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) leaf() Leaf {
	var l Leaf
	l.Path = d.string()
	l.Weight = d.float()
	m := &l.Measure
	m.Indicator, m.Transform, m.Method = Indicator(d.byte()), Transform(d.byte()), Method(d.byte())
	m.Winsor = d.float()
	m.LowerIsBetter = d.bool()
	m.Fallback = Indicator(d.byte())
	m.Missing = d.float()
	l.InCurrent = d.bool()
	return l
}

// sample reads a compacted sample of at most n values: distinct finite
// values in increasing order, each counted at least once.
func (d *decoder) sample(n int64) sample {
	k := d.count(9)
	var s sample
	if d.err != nil {
		return s
	}
	s.vals = make([]float64, k)
	s.cnts = make([]int64, k)
	for i := range s.vals {
		v := d.float()
		if d.err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || (i > 0 && !(s.vals[i-1] < v))) {
			d.fail("sample values not finite, distinct and increasing at %v", v)
		}
		s.vals[i] = v
	}
	var total int64
	for i := range s.cnts {
		c := d.int()
		if d.err == nil && (c < 1 || c > n-total) {
			d.fail("sample counts: %d customers, more counted", n)
		}
		s.cnts[i] = c
		total += c
	}
	if k == 0 {
		s.vals, s.cnts = nil, nil
	}
	return s
}

// end reports the first error, or one for bytes left over.
func (d *decoder) end() error {
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d bytes after the end", len(d.b))
	}
	return d.err
}

// decodeError is data that UnmarshalBinary rejects: what was decoded and
// why. It wraps ErrInvalidInput.
type decodeError struct {
	what string
	err  error
}

func (e *decodeError) Error() string   { return "value: decode " + e.what + ": " + e.err.Error() }
func (e *decodeError) Unwrap() []error { return []error{e.err, ErrInvalidInput} }
