package value_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// Any split of a population into shards (empty shards and shards of one
// customer included), some compacted and some not, merged in any order
// and any grouping, gives exactly the statistics of the whole: merging is
// commutative and associative, and leaves the merged-in shard unchanged.
func TestPropertyMergeAnySplitAnyOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind")
		xs := extractAll(t, genPopulation(t, k, 0))
		wholeV, wholeR := statsOf(t, k, xs, 0, 1)
		shards := rapid.IntRange(1, 6).Draw(t, "shards")
		of := make([]int, len(xs))
		for i := range of {
			of[i] = rapid.IntRange(0, shards-1).Draw(t, "shard")
		}
		compact := make([]bool, shards)
		for i := range compact {
			compact[i] = rapid.Bool().Draw(t, "compact")
		}
		// build builds the shards; twins built alike show that a merge
		// leaves the merged-in shard as it was.
		build := func() ([]*value.Stats, []*value.RFMStats) {
			vs := make([]*value.Stats, shards)
			rs := make([]*value.RFMStats, shards)
			for i := range vs {
				vs[i], rs[i] = statsOf(t, k, nil, 0, 1)
			}
			for i := range xs {
				require.NoError(t, vs[of[i]].Add(&xs[i]))
				require.NoError(t, rs[of[i]].Add(&xs[i]))
			}
			for i := range vs {
				if compact[i] {
					vs[i].Compact()
					rs[i].Compact()
				}
			}
			return vs, rs
		}
		vs, rs := build()
		tv, tr := build()
		// Merge random pairs until one is left: any order, any tree.
		for len(vs) > 1 {
			i := rapid.IntRange(0, len(vs)-1).Draw(t, "into")
			j := rapid.IntRange(0, len(vs)-2).Draw(t, "from")
			if j >= i {
				j++
			}
			require.NoError(t, vs[i].Merge(vs[j]))
			require.NoError(t, rs[i].Merge(rs[j]))
			require.NoError(t, tv[i].Merge(tv[j]))
			require.NoError(t, tr[i].Merge(tr[j]))
			require.Equal(t, encode(t, tv[j]), encode(t, vs[j]), "the merged-in shard changed")
			require.Equal(t, encode(t, tr[j]), encode(t, rs[j]), "the merged-in shard changed")
			vs, rs = append(vs[:j], vs[j+1:]...), append(rs[:j], rs[j+1:]...)
			tv, tr = append(tv[:j], tv[j+1:]...), append(tr[:j], tr[j+1:]...)
		}
		require.Equal(t, encode(t, wholeV), encode(t, vs[0]))
		require.Equal(t, encode(t, wholeR), encode(t, rs[0]))
		require.Equal(t, wholeR.Scorer(), rs[0].Scorer())
	})
}

func rfmIn(id string, cur customer.Currency, recency, freq, money float64) value.Indicators {
	x := rfmx(id, recency, freq, money)
	x.Currency = cur
	return x
}

// The monetary column of RFM is money: buyers in another currency than
// the buyers before are refused, and so are shards in another currency,
// with a *customer.CurrencyMismatchError; a refusal changes nothing.
func TestRFMStatsRefuseMixedCurrencies(t *testing.T) {
	eur, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	a := rfmIn("a", "EUR", 3, 2, 300)
	require.NoError(t, eur.Add(&a))
	before := encode(t, eur)

	b := rfmIn("b", "USD", 5, 1, 100)
	err = eur.Add(&b)
	var mismatch *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &mismatch)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.ErrorContains(t, err, `"b"`)
	require.Equal(t, before, encode(t, eur))

	usd, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, usd.Add(&b))
	require.ErrorAs(t, eur.CheckMerge(usd), &mismatch)
	require.ErrorAs(t, eur.Merge(usd), &mismatch)
	require.Equal(t, before, encode(t, eur))

	// The currency travels with the encoding: a decoded shard still
	// refuses to merge with one in another currency.
	dec, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, dec.UnmarshalBinary(encode(t, usd)))
	require.ErrorAs(t, eur.Merge(dec), &mismatch)
	require.Equal(t, before, encode(t, eur))

	// Customers without a purchase are not counted, and a shard without
	// buyers (or without a currency) merges with any.
	never := value.Indicators{ID: "n", Kind: customer.Consumer, Currency: "USD"}
	require.NoError(t, eur.Add(&never))
	require.Equal(t, before, encode(t, eur))
	empty, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, empty.Merge(usd))
	require.NoError(t, empty.Merge(usd))
	none, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, eur.Merge(none))
	require.NoError(t, none.Merge(eur))
}

// R, F and M are known for every buyer counted: an encoding whose
// recency, frequency or monetary sample does not hold exactly n values
// is corrupt and refused, not decoded into quantiles of the wrong
// population.
func TestRFMDecodeRejectsColumnsOfOtherSizes(t *testing.T) {
	st, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	a := rfmxa("a", 3, 2, 300, 150)
	require.NoError(t, st.Add(&a))
	enc := encode(t, st)
	// The tail is n = 1, four samples of one value each (1 + 8 + 1
	// bytes) and the unknown as-of day (one byte); claim two customers
	// and count the first value twice.
	tail := len(enc) - 1 - 4*10 - 1
	require.Equal(t, byte(1), enc[tail])
	bad := append([]byte(nil), enc...)
	bad[tail] = 2
	dst, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	before := encode(t, dst)
	err = dst.UnmarshalBinary(bad)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.Equal(t, before, encode(t, dst))

	// Counting the one value twice in each of R, F and M (the spend per
	// purchase may be unknown) is a valid population of two.
	for _, s := range []int{0, 1, 2} {
		bad[tail+1+s*10+9] = 2
	}
	require.NoError(t, dst.UnmarshalBinary(bad))
}

// An encoding of version 2, before the currency was encoded, still
// decodes: into the same statistics with an unknown currency, which
// merge with statistics of any currency.
func TestRFMStatsVersion2DecodesWithoutCurrency(t *testing.T) {
	st, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	a := rfmxa("a", 3, 2, 300, 150)
	require.NoError(t, st.Add(&a))
	enc := encode(t, st)
	// Version 3 added the currency after the grid (4 + 1 + 1 + 36 bytes):
	// here the empty string, one byte; version 4 the as-of day at the
	// end: here unknown, one byte.
	const at = 4 + 1 + 1 + 36
	require.Equal(t, byte(0), enc[at])
	require.Equal(t, byte(0), enc[len(enc)-1])
	v2 := append(append([]byte(nil), enc[:at]...), enc[at+1:len(enc)-1]...)
	v2[3] = 2
	dec, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, dec.UnmarshalBinary(v2))
	require.Equal(t, enc, encode(t, dec))

	usd, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	b := rfmIn("b", "USD", 5, 1, 100)
	require.NoError(t, usd.Add(&b))
	require.NoError(t, dec.Merge(usd))
	// The merge took the currency of the shard that knew it.
	c := rfmIn("c", "EUR", 1, 1, 50)
	var mismatch *customer.CurrencyMismatchError
	require.ErrorAs(t, dec.Add(&c), &mismatch)
}

// FuzzRFMStatsUnmarshalBinary decodes any data: no panic, and what
// decodes encodes into a form that decodes to the same statistics, whose
// columns R, F and M hold one value per customer.
func FuzzRFMStatsUnmarshalBinary(f *testing.F) {
	st, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(f, err)
	for i, x := range []value.Indicators{rfmIn("a", "EUR", 3, 2, 300), rfmIn("b", "EUR", 40, 1, 20)} {
		x.Set(value.AverageOrderValue, float64(100*(i+1)))
		require.NoError(f, st.Add(&x))
	}
	f.Add(encode(f, st))
	f.Add([]byte("trf\x02"))
	f.Add([]byte("trf\x03"))
	f.Add([]byte("trf\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := value.NewRFMStats(customer.Consumer, nil)
		require.NoError(t, err)
		if s.UnmarshalBinary(data) != nil {
			return
		}
		b := encode(t, s)
		s2, err := value.NewRFMStats(customer.Consumer, nil)
		require.NoError(t, err)
		require.NoError(t, s2.UnmarshalBinary(b))
		require.Equal(t, b, encode(t, s2))
		sc := s2.Scorer()
		x := rfmIn("x", "", 1, 1, 1)
		_, err = sc.Score(&x)
		require.NoError(t, err)
	})
}

// Statistics merged with themselves (a loop that merges every shard into
// the first, the first included) would count every customer twice: the
// merge is refused and changes nothing.
func TestStatsRefuseToMergeThemselves(t *testing.T) {
	rfm, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	a := rfmIn("a", "EUR", 3, 2, 300)
	require.NoError(t, rfm.Add(&a))
	before := encode(t, rfm)
	require.ErrorIs(t, rfm.Merge(rfm), value.ErrInvalidInput)
	require.Equal(t, before, encode(t, rfm))

	st, err := value.NewStats(value.DefaultModel(customer.Consumer))
	require.NoError(t, err)
	var x value.Indicators
	require.NoError(t, value.Extract(summarize(t, spec{ID: "c1", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 5000}}}, 1), nil, &x))
	require.NoError(t, st.Add(&x))
	require.ErrorIs(t, st.Merge(st), value.ErrInvalidInput)
	require.Equal(t, int64(1), st.N())
}
