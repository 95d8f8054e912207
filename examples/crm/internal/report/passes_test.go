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

// calibrationStates are the states as of the calibration end of the
// customers of in.Summaries, nil for those without one.
type calibrationStates []*customer.Summary

func (c calibrationStates) Earlier(i int) (customer.Kind, int, int, bool) {
	if s := c[i]; s != nil {
		return s.Kind, s.Units, s.ReturnedUnits, true
	}
	return 0, 0, 0, false
}

// TestEarlierIsCalibration checks that the customers as of the
// calibration end made from those as of the as-of day and their states
// then (Input.Earlier) give the report of those customers read as of the
// calibration end, in one part and in several. The summaries as of the
// calibration end are those of sales rows dated by day (package input):
// the days on or before it of the summaries as of the as-of day, with
// the kind and units of the fixture's summaries as of the calibration
// end, and every tenth intermediary a consumer then (its kind stated only
// later), which the holdout check leaves out.
func TestEarlierIsCalibration(t *testing.T) {
	fix, _, _ := fixture(t)
	in := *fix
	byID := map[customer.ID]*customer.Summary{}
	for _, s := range list(in.Calibration) {
		byID[s.CustomerID] = s
	}
	states := make(calibrationStates, in.Summaries.Len())
	var cal SummarySlice
	intermediaries, moved := 0, 0
	for i, s := range list(in.Summaries) {
		c := byID[s.CustomerID]
		if c == nil {
			continue
		}
		e := *s
		e.Days, e.Orders, e.AsOf = nil, 0, in.CalibrationEnd.Time()
		for _, d := range s.Days {
			if d.Date <= in.CalibrationEnd {
				e.Days = append(e.Days, d)
				e.Orders += d.Orders
			}
		}
		e.Kind, e.Units, e.ReturnedUnits = c.Kind, c.Units, c.ReturnedUnits
		if e.Kind == customer.Intermediary {
			if intermediaries++; intermediaries%10 == 0 {
				e.Kind = customer.Consumer
				moved++
			}
		}
		states[i] = &e
		cal = append(cal, &e)
	}
	require.Positive(t, moved)
	in.Calibration = cal
	early := in
	early.Calibration, early.Earlier = nil, states
	// build returns the churn figures of the report (the rest does not
	// read the customers as of the calibration end) and the page.
	type churnFigures struct {
		Churn           []ChurnReport
		AtRisk          [][]AtRisk
		AtRiskNet       string
		AtRiskCustomers int
	}
	build := func(in *Input, o *Options) (churnFigures, string) {
		t.Helper()
		rep, err := Build(in, o)
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, rep.WriteHTML(&b))
		f := churnFigures{AtRiskNet: rep.AtRiskNet.String(), AtRiskCustomers: rep.AtRiskCustomers}
		for _, k := range rep.Kinds {
			f.Churn = append(f.Churn, k.Churn)
			f.AtRisk = append(f.AtRisk, k.AtRisk)
		}
		return f, b.String()
	}
	o := &Options{minPart: 64}
	wantRep, want := build(&in, o)
	require.Len(t, wantRep.Churn, 2)
	for _, c := range wantRep.Churn {
		require.NotNil(t, c.Holdout, "the fixture has a holdout check of each kind")
	}
	serialEarly := early
	serialEarly.Summaries = serial{in.Summaries}
	rep, page := build(&serialEarly, o)
	require.Equal(t, wantRep, rep)
	require.Equal(t, want, page)

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(5))
	require.Equal(t, 5, numParts(early.Summaries, o.minPart))
	rep, page = build(&early, o)
	require.Equal(t, wantRep, rep)
	require.Equal(t, want, page)
}
