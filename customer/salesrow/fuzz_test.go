package salesrow_test

import (
	"strings"
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// FuzzParse parses any record: Parse never panics, and a row it accepts
// has what the rules promise.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		" c1 ,2024-03-05,19.90,o-1,2,8.10,EUR,Wholesaler,coats",
		"c2,2024-03-05T23:30:00-05:00,-5,,,,,,",
		"c3,2024-03-05 10:00,0,,-1,,,,",
		",x,1e3,,1.5,,eur,robot,",
		"c4,2024-13-01,1,,,,,,",
		",,,,,,,,",
		" , ,\t,,, ,,,",
		",,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		rec := strings.Split(line, ",")
		var r salesrow.Row
		fe := layout9.Parse(rec, &r)
		if salesrow.Blank(rec) && fe == nil {
			t.Fatalf("blank record %q parses", line)
		}
		if fe != nil {
			if fe.Field < -1 || fe.Field >= len(rec) || fe.Error() == "" {
				t.Fatalf("error %+v for %q", fe, line)
			}
			return
		}
		if r.CustomerID == "" || r.CustomerID != strings.TrimSpace(r.CustomerID) {
			t.Fatalf("customer ID %q", r.CustomerID)
		}
		if r.Units > salesrow.MaxUnits || r.Units < -salesrow.MaxUnits {
			t.Fatalf("units %d", r.Units)
		}
		if r.Currency != "" && !r.Currency.Valid() {
			t.Fatalf("currency %q", r.Currency)
		}
		if r.Kind != 0 && !r.Kind.Valid() {
			t.Fatalf("kind %v", r.Kind)
		}
		if _, err := customer.ParseDay(strings.TrimSpace(rec[layout9.Date])); err != nil {
			t.Fatalf("date %q: %v", rec[layout9.Date], err)
		}
	})
}
