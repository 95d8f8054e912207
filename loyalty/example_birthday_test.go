package loyalty_test

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A member who joined without a birthday gives it later: from the
// change on, the birthday gift can be claimed in the new birthday month.
// The change's entry holds the birthday; its note does not.
func ExampleBirthdayChanged() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "1", "birthday": {"gift": 100}},
		"redeem": {"points_per_unit": "100"}}`))
	if err != nil {
		panic(err)
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
	a, _, _ := p.Apply(loyalty.Account{}, loyalty.Join{Member: "ada", Time: day(time.January, 5)}, day(time.January, 5))

	claim := loyalty.BirthdayClaim{Member: "ada", Time: day(time.May, 3)}
	_, _, err = p.Apply(a, claim, day(time.May, 3))
	fmt.Println("before:", err)

	change := loyalty.BirthdayChanged{Member: "ada", ID: "profile-7", Birthday: customer.Birthday{Month: time.May, Day: 2}, Time: day(time.May, 1)}
	a, entries, err := p.Apply(a, change, day(time.May, 1))
	if err != nil {
		panic(err)
	}
	fmt.Println(entries[0])
	a, entries, err = p.Apply(a, claim, day(time.May, 3))
	fmt.Println(entries[0].Kind, entries[0].Points, err, "balance", a.Balance())
	// Output:
	// before: birthday claim of member "ada": birthday: the member's birthday is unknown
	// ada #2 birthday "birthday-change:profile-7" +0: birthday changed
	// bonus 100 <nil> balance 100
}

// A ledger logged with log/slog's JSON handler: logged as
// [loyalty.Entries], or as a plain []Entry through a handler with
// [loyalty.ReplaceAttr], the entries show no birthday. (The handler's time
// is left out here so that the output is fixed.)
func ExampleReplaceAttr() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "1"}, "redeem": {"points_per_unit": "100"}}`))
	if err != nil {
		panic(err)
	}
	t := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	_, entries, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "ada", Birthday: customer.Birthday{Year: 1991, Month: time.July, Day: 23}, Time: t}, t)
	if err != nil {
		panic(err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return loyalty.ReplaceAttr(groups, a)
		},
	}))
	logger.Info("ledger", "entries", loyalty.Entries(entries))
	logger.Info("ledger", "entries", entries)
	// Output:
	// {"level":"INFO","msg":"ledger","entries":[{"member":"ada","seq":1,"kind":"join","key":"join","points":0,"note":"joined the programme in tier member"}]}
	// {"level":"INFO","msg":"ledger","entries":[{"member":"ada","seq":1,"kind":"join","key":"join","points":0,"note":"joined the programme in tier member"}]}
}
