package segment_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

func ExampleNextPromotion() {
	day := func(s string) customer.Date { d, _ := customer.ParseDate(s); return d }
	vip := segment.Result{ID: "ana", Quadrant: segment.HighValue}
	other := segment.Result{ID: "ben", Quadrant: segment.PotentialValue}
	// The summer sale starts on 29 June; the campaign log holds the
	// promotions each customer received.
	for _, c := range []struct {
		r    segment.Result
		sent []string
	}{
		{vip, []string{"2026-06-01", "2026-06-12"}},
		{other, []string{"2026-06-01", "2026-06-12", "2026-06-19"}},
	} {
		f := segment.PromotionFacts{ID: c.r.ID, Group: segment.ContactGroupOf(&c.r), AsOf: day("2026-06-29")}
		for _, s := range c.sent {
			f.Promotions = append(f.Promotions, day(s))
		}
		slot, err := segment.NextPromotion(f, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s (%v): allowed %t, from %v; %d in the last %v days, at least %v days apart\n",
			slot.ID, slot.Group, slot.Allowed, slot.From, slot.Recent, slot.Limit.Window.Hours()/24, slot.Limit.MinGap.Hours()/24)
	}
	// Output:
	// ana (vip): allowed false, from 2026-07-01; 2 in the last 30 days, at least 14 days apart
	// ben (standard): allowed true, from 2026-06-29; 3 in the last 30 days, at least 7 days apart
}
