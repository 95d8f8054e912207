package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// classify fits the segment model on sums (with the shop's customer
// records) and classifies every customer.
func classify(s *shop, sums []customer.Summary) (*segment.Model, []segment.Result, error) {
	in := make([]segment.Input, len(sums))
	for i := range sums {
		in[i] = segment.Input{Summary: &sums[i], Customer: s.customers[sums[i].CustomerID]}
	}
	// Grades (strategic, important, ordinary) are opt-in; the zero
	// GradeOptions are the defaults.
	m, obs, err := segment.FitInputs(in, &segment.Options{Grades: &segment.GradeOptions{}})
	if err != nil {
		return nil, nil, err
	}
	res := make([]segment.Result, len(obs))
	for i := range obs {
		if err := m.Classify(&res[i], &obs[i]); err != nil {
			return nil, nil, err
		}
	}
	return m, res, nil
}

func valueAndSegments(w io.Writer, s *shop) error {
	heading(w, "What customers are worth")
	m, now, err := classify(s, append(append([]customer.Summary(nil), s.summaries...), s.browsers...))
	if err != nil {
		return err
	}
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		th := m.Thresholds(k)
		fmt.Fprintf(w, "%-12s high when above the %v of %d: current value %.3f, potential value %.3f.\n",
			k.String()+":", th.Rule, th.N, th.Current, th.Potential)
	}
	// The quadrants of each kind, with the kind's share of sales: a
	// dealer's net is a hundred shoppers', so one share over both kinds
	// would only show the dealers.
	var count [2][5]int
	var net [2][5]decimal.Decimal
	var total [2]decimal.Decimal
	for _, r := range now {
		k := 0
		if r.Kind == customer.Intermediary {
			k = 1
		}
		count[k][r.Quadrant]++
		net[k][r.Quadrant] = net[k][r.Quadrant].Add(r.Net)
		total[k] = total[k].Add(r.Net)
	}
	fmt.Fprintf(w, "\n  %-16s %9s %8s %9s %8s\n", "quadrant", "shoppers", "sales", "dealers", "sales")
	for q := segment.HighValue; q.Valid(); q++ {
		fmt.Fprintf(w, "  %-16s", q)
		for k := range count {
			fmt.Fprintf(w, " %9d %8s", count[k][q], percent(net[k][q], total[k]))
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "  (sales: the quadrant's share of its kind's net sales)")

	stages, types := map[segment.Stage]int{}, map[segment.ShopType]int{}
	for _, r := range now {
		stages[r.Stage]++
		types[r.ShopType]++
	}
	var parts []string
	for st := segment.StageNew; st.Valid(); st++ {
		parts = append(parts, fmt.Sprintf("%s %d", st, stages[st]))
	}
	fmt.Fprintf(w, "\nLifecycle: %s.\n", strings.Join(parts, ", "))
	parts = parts[:0]
	for t := segment.ShopLoyal; t.Valid(); t++ {
		parts = append(parts, fmt.Sprintf("%s %d", t, types[t]))
	}
	fmt.Fprintf(w, "Shop types: %s.\n", strings.Join(parts, ", "))
	// Grades rank customers by total value within their kind: the top
	// 20% are A, the next 30% B (and any potential-value customer not
	// A), the rest C.
	var gradeN [4]int
	var gradeNet [4]decimal.Decimal
	for _, r := range now {
		if r.Kind == customer.Consumer {
			gradeN[r.Grade]++
			gradeNet[r.Grade] = gradeNet[r.Grade].Add(r.Net)
		}
	}
	parts = parts[:0]
	for g := segment.GradeA; g.Valid(); g++ {
		parts = append(parts, fmt.Sprintf("%s %d (%s of sales)", g, gradeN[g], percent(gradeNet[g], total[0])))
	}
	fmt.Fprintf(w, "Shopper grades: %s.\n", strings.Join(parts, ", "))
	fmt.Fprintln(w, rfmLine(now))

	// What to do with one potential-value shopper, as far as her consent
	// allows.
	book := segment.DefaultPlaybook()
	for i := range now {
		r := &now[i]
		if r.Quadrant == segment.PotentialValue && r.Kind == customer.Consumer && r.Consent.Marketing {
			fmt.Fprintf(w, "\n%s is a %s customer (current %.3f, potential %.3f), %s, %s, graded %s. Playbook:\n",
				r.ID, r.Quadrant, r.Value.Current, r.Value.Potential, r.Stage, r.ShopType, r.Grade)
			for _, a := range book.Actions(r) {
				fmt.Fprintf(w, "  - %s\n", a.Description)
			}
			break
		}
	}

	// Did it work? The same shop half a year earlier, against today.
	var before []customer.Summary
	halfYear := asOf.AddDate(0, -6, 0)
	for i := range s.records {
		r := &s.records[i]
		sum, err := customer.Summarize(r.Customer.ID, r.Customer.Kind, halfYear, r.Events(), nil)
		if err != nil {
			return err
		}
		if sum.Orders > 0 || sum.Interactions > 0 {
			before = append(before, sum)
		}
	}
	_, then, err := classify(s, before)
	if err != nil {
		return err
	}
	mig, err := segment.Migrate(then, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nSince %s: retention %.1f%%, repurchase %.1f%%, new customers %.1f%% of buyers, potential → high value %.1f%%.\n",
		halfYear.Format(time.DateOnly), 100*mig.Retention.Value, 100*mig.Repurchase.Value,
		100*mig.NewCustomers.Value, 100*mig.Conversion.Value)
	return nil
}

// rfmLine returns the RFM segments of the buyers among results, largest
// first (ties by name), and how many customers without a purchase have no
// segment (value.NoRFMSegment): RFM groups buyers, and one who never
// bought is not lost.
func rfmLine(results []segment.Result) string {
	rfm, none := map[string]int{}, 0
	for _, r := range results {
		if r.RFM.Segment == value.NoRFMSegment {
			none++
			continue
		}
		rfm[r.RFM.Segment.String()]++
	}
	names := slices.Collect(maps.Keys(rfm))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(rfm[b]-rfm[a], strings.Compare(a, b)) })
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %d", n, rfm[n]))
	}
	line := "RFM segments: " + cmp.Or(strings.Join(parts, ", "), "no buyers")
	switch none {
	case 0:
	case 1:
		line += "; 1 without a purchase has no RFM segment"
	default:
		line += fmt.Sprintf("; %d without a purchase have no RFM segment", none)
	}
	return line + "."
}

// percent formats part as a share of whole with one decimal, or "-" when
// whole is not positive.
func percent(part, whole decimal.Decimal) string {
	if whole.Sign() <= 0 {
		return "-"
	}
	return part.Mul(decimal.NewFromInt(100)).Div(whole).StringFixed(1) + "%"
}
