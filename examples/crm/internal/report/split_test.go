package report

import (
	"cmp"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// splitExamples gives what sorting every example by (exampleKey, index),
// keeping the first most and dealing them out in turn gives, whatever
// the population's size against most and however many keys are equal;
// and it fails with the error of the first customer whose label fails.
func TestSplitExamplesIsSortAndDeal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(t, "n")
		most := rapid.IntRange(1, 400).Draw(t, "most")
		facts := rapid.SliceOfN(rapid.IntRange(0, rapid.IntRange(0, 400).Draw(t, "spread")), n, n).Draw(t, "facts")
		bad := rapid.IntRange(-1, n-1).Draw(t, "bad")
		example := func(i int) risk.Example {
			return risk.Example{Signals: risk.Signals{Customer: customer.ID(rune('a' + i%26)), PurchaseDays: facts[i]}, Churned: facts[i]%3 == 0}
		}
		errBad := errors.New("bad label")
		calls := 0
		train, test, err := splitExamples(n, most, func(i int, _ *customer.Summary) (risk.Example, error) {
			require.Equal(t, calls, i, "labelled in order, once each")
			calls++
			if i == bad {
				return risk.Example{}, errBad
			}
			return example(i), nil
		})
		if bad >= 0 {
			require.ErrorIs(t, err, errBad)
			require.Equal(t, bad+1, calls, "stops at the first failing label")
			return
		}
		require.NoError(t, err)
		require.Equal(t, n, calls)
		type ki struct {
			key uint64
			i   int
		}
		all := make([]ki, n)
		for i := range n {
			ex := example(i)
			all[i] = ki{exampleKey(&ex), i}
		}
		slices.SortFunc(all, func(a, b ki) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.i, b.i)) })
		all = all[:min(n, most)]
		var wantTrain, wantTest []risk.Example
		for j, k := range all {
			if j%2 == 0 {
				wantTrain = append(wantTrain, example(k.i))
			} else {
				wantTest = append(wantTest, example(k.i))
			}
		}
		require.Equal(t, len(wantTrain), len(train))
		require.Equal(t, len(wantTest), len(test))
		for j := range wantTrain {
			require.Equal(t, wantTrain[j], train[j], "train %d", j)
		}
		for j := range wantTest {
			require.Equal(t, wantTest[j], test[j], "test %d", j)
		}
	})
}
