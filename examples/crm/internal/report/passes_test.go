package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// serial hides the Reader of its Summaries: Build reads them on one
// goroutine.
type serial struct{ Summaries }

// TestBuildInPartsIsBuildInOne checks that reading the customers in
// parts on several goroutines gives the page of reading them in one.
func TestBuildInPartsIsBuildInOne(t *testing.T) {
	in, _, _ := fixture(t)
	one := *in
	one.Summaries, one.Calibration = serial{in.Summaries}, serial{in.Calibration}
	page := func(in *Input, o *Options) []byte {
		t.Helper()
		rep, err := Build(in, o)
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, rep.WriteHTML(&b))
		return b.Bytes()
	}
	o := &Options{minPart: 64}
	require.Equal(t, 1, numParts(one.Summaries, o.minPart))
	want := page(&one, o)

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(5))
	require.Equal(t, 5, numParts(in.Summaries, o.minPart))
	require.Greater(t, numParts(in.Calibration, o.minPart), 1)
	require.Equal(t, string(want), string(page(in, o)))
}

// TestJoinIndexIsAMap checks the lookup of the join index against a map
// from ID to the last index of the kind, with IDs in order and not, some
// repeated, looked up in order and at random.
func TestJoinIndexIsAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	id := func() customer.ID {
		switch r.IntN(3) {
		case 0:
			return customer.ID(fmt.Sprint(r.IntN(3000)))
		case 1:
			return customer.ID(fmt.Sprintf("%05d", r.IntN(3000)))
		}
		return customer.ID(fmt.Sprintf("c-%d", r.IntN(3000)))
	}
	kinds := []customer.Kind{customer.Consumer, customer.Intermediary}
	for _, sorted := range []bool{true, false} {
		n := 2000
		idx := &joinIndex{ids: make([]customer.ID, n), kinds: make([]customer.Kind, n), holdout: make([]int32, n)}
		for i := range n {
			idx.ids[i], idx.kinds[i] = id(), kinds[r.IntN(2)]
		}
		if sorted {
			slices.SortStableFunc(idx.ids, func(a, b customer.ID) int { return salesrow.CompareIDs(string(a), string(b)) })
		}
		want := map[customer.Kind]map[customer.ID]int{customer.Consumer: {}, customer.Intermediary: {}}
		for i := range n {
			want[idx.kinds[i]][idx.ids[i]] = i
		}
		idx.sort()
		require.Equal(t, sorted, idx.order == nil)

		queries := make([]customer.ID, 3000)
		for q := range queries {
			queries[q] = id()
		}
		inOrder := slices.Clone(queries)
		slices.SortFunc(inOrder, func(a, b customer.ID) int { return salesrow.CompareIDs(string(a), string(b)) })
		for _, qs := range [][]customer.ID{inOrder, queries} {
			next := 0
			for _, q := range qs {
				k := kinds[r.IntN(2)]
				j, ok := idx.lookup(q, k, &next)
				w, wok := want[k][q]
				require.Equal(t, wok, ok, "%q", q)
				if ok {
					require.Equal(t, w, j, "%q", q)
				}
			}
		}
	}
}
