package value_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// Fit, then apply, over two shards: each worker gathers the statistics of
// its customers, the merged statistics fit the same Scorer as the whole
// population, and every score is the exact sum of its parts. A customer of
// another as-of day does not join the statistics, and a population of one
// scores 0.5 on every indicator.
func Example() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	pop := []value.Indicators{
		shopper("ana", asOf, []string{"120.00", "89.90", "240.00"}, []int{300, 120, 20}),
		shopper("ben", asOf, []string{"39.90"}, []int{400}),
		shopper("eva", asOf, []string{"450.00", "60.00"}, []int{600, 45}),
		shopper("kim", asOf, []string{"75.00"}, []int{10}),
	}
	model := value.DefaultModel(customer.Consumer)

	shards := [][]value.Indicators{pop[:2], pop[2:]}
	var merged *value.Stats
	for _, shard := range shards {
		st, err := value.NewStats(model)
		if err != nil {
			panic(err)
		}
		for i := range shard {
			if err := st.Add(&shard[i]); err != nil {
				panic(err)
			}
		}
		if merged == nil {
			merged = st
		} else if err := merged.Merge(st); err != nil {
			panic(err)
		}
	}
	sharded, err := merged.Scorer()
	if err != nil {
		panic(err)
	}
	whole, err := value.Fit(model, pop)
	if err != nil {
		panic(err)
	}
	for i := range pop {
		a, _ := sharded.Score(&pop[i])
		b, _ := whole.Score(&pop[i])
		sum := 0.0
		for _, p := range a.Part[:a.N] {
			sum += p
		}
		fmt.Printf("%s current %.4f potential %.4f total %.4f; same as unsharded: %v; parts add up: %v\n",
			pop[i].ID, a.Current, a.Potential, a.Total, a == b, sum == a.Total && a.Current+a.Potential == a.Total)
	}

	later := shopper("lea", asOf.AddDate(0, 0, 1), []string{"99.00"}, []int{3})
	var mismatch *value.AsOfMismatchError
	fmt.Println(errors.As(merged.Add(&later), &mismatch), merged.N())

	alone, _ := value.Fit(model, pop[:1])
	s, _ := alone.Score(&pop[0])
	fmt.Printf("a population of one: total %.2f\n", s.Total)

	_, err = value.Fit(model, nil)
	fmt.Println(err)
	// Output:
	// ana current 0.4720 potential 0.3596 total 0.8316; same as unsharded: true; parts add up: true
	// ben current 0.0000 potential 0.0966 total 0.0966; same as unsharded: true; parts add up: true
	// eva current 0.4668 potential 0.3372 total 0.8040; same as unsharded: true; parts add up: true
	// kim current 0.0688 potential 0.1985 total 0.2673; same as unsharded: true; parts add up: true
	// true 4
	// a population of one: total 0.50
	// value: fit consumer model: value: empty population
}
