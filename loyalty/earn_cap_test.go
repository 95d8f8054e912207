package loyalty_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// capped is the test programme with stacked multipliers capped at max.
func capped(t *testing.T, max string) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Earn.MaxFactor = dec(max)
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

func TestEarnMaxFactorCapsStackedMultipliers(t *testing.T) {
	launch := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	online := func(lines ...customer.Line) customer.Order {
		o := order("O", "M1", launch, lines...)
		o.Channel = customer.Online
		return o
	}
	knit := line("K", "knitwear", "100", 1)
	coat := line("C", "coats", "100", 1)
	tests := []struct {
		name   string
		max    string
		o      customer.Order
		level  int
		points loyalty.Points
		capped bool
	}{
		// knitwear ×2, online launch week ×1.5, gold ×1.5: ×4.5 uncapped.
		{"no cap", "0", online(knit), 2, 450, false},
		{"cap below the product", "3", online(knit), 2, 300, true},
		{"cap equal to the product", "4.5", online(knit), 2, 450, false},
		{"cap above the product", "10", online(knit), 2, 450, false},
		{"cap per line", "2", online(knit, coat), 0, 200 + 150, true},
		{"cap of 1 leaves base points", "1", online(knit), 2, 100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := club(t)
			if tc.max != "0" {
				p = capped(t, tc.max)
			}
			e, err := p.Earn(tc.o, tc.level, customer.Birthday{}, 0)
			require.NoError(t, err)
			assert.Equal(t, tc.points, e.Points)
			named := false
			for _, n := range e.Multipliers {
				named = named || strings.HasPrefix(n, "capped at ×")
			}
			assert.Equal(t, tc.capped, named, "%v", e.Multipliers)
		})
	}
}

func TestEarnBirthdayMultiplierAbsorbedByTheCapIsNotUsed(t *testing.T) {
	// Knitwear earns ×2, the cap is ×2: the birthday ×2 changes nothing on
	// a knitwear order, so the year's multiplier is left for a coat.
	p := capped(t, "2")
	bd := customer.Birthday{Month: time.March, Day: 10}
	at := day(2026, 3, 12)
	e, err := p.Earn(order("O1", "M1", at, line("K", "knitwear", "100", 1)), 0, bd, 0)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(200), e.Points)
	assert.Zero(t, e.BirthdayYear, "the cap absorbed the birthday multiplier")

	e, err = p.Earn(order("O2", "M1", at, line("C", "coats", "100", 1)), 0, bd, 0)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(200), e.Points)
	assert.Equal(t, 2026, e.BirthdayYear)

	// Through the ledger: the coat bought after the capped knitwear order
	// still gets the birthday multiplier.
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: bd, Time: day(2026, 1, 5)})
	a = apply(t, p, a, day(2026, 3, 20),
		loyalty.Purchase{Order: order("O1", "M1", at, line("K", "knitwear", "100", 1))},
		loyalty.Purchase{Order: order("O2", "M1", at.Add(time.Hour), line("C", "coats", "100", 1))})
	assert.Equal(t, loyalty.Points(400), a.Pending)
}

func TestEarnMaxFactorIsChecked(t *testing.T) {
	for _, bad := range []string{"0.5", "-2", "0.999", "1e19"} {
		t.Run(bad, func(t *testing.T) {
			c := club(t).Config()
			c.Earn.MaxFactor = dec(bad)
			_, err := loyalty.Compile(c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "earn.max_factor")
		})
	}
}

func TestEarnMaxFactorJSON(t *testing.T) {
	// Absent: no cap, and not written back.
	data, err := json.Marshal(club(t).Config())
	require.NoError(t, err)
	assert.NotContains(t, string(data), "max_factor")

	p := capped(t, "3")
	data, err = json.Marshal(p.Config())
	require.NoError(t, err)
	assert.Contains(t, string(data), `"max_factor":"3"`)
	q, err := loyalty.DecodeProgramme(data)
	require.NoError(t, err)
	assert.True(t, q.Config().Earn.MaxFactor.Equal(dec("3")))

	_, err = loyalty.DecodeProgramme([]byte(strings.Replace(string(data), `"max_factor":"3"`, `"max_factor":"0.5"`, 1)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "earn.max_factor")
}

// A line with nothing paid (a free gift, or a line discounted to
// nothing) earns no points, so the birthday multiplier changes nothing
// on it: an order whose other lines all earn at the cap already leaves
// the year's multiplier for a later purchase, and does not name it.
func TestEarnBirthdayMultiplierOnALineWithNothingPaidIsNotUsed(t *testing.T) {
	p := capped(t, "2")
	bd := customer.Birthday{Month: time.March, Day: 10}
	at := day(2026, 3, 12)
	knit := line("K", "knitwear", "100", 1)
	gift := line("G", "coats", "0", 1)
	discounted := line("D", "coats", "50", 1)
	discounted.Discount = dec("50")
	for _, free := range []customer.Line{gift, discounted} {
		t.Run(free.ID, func(t *testing.T) {
			e, err := p.Earn(order("O1", "M1", at, knit, free), 0, bd, 0)
			require.NoError(t, err)
			assert.Equal(t, loyalty.Points(200), e.Points)
			assert.Zero(t, e.BirthdayYear, "the multiplier changed no line's points")
			assert.NotContains(t, e.Multipliers, "birthday month ×2")

			a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: bd, Time: day(2026, 1, 5)})
			a = apply(t, p, a, day(2026, 3, 20),
				loyalty.Purchase{Order: order("O1", "M1", at, knit, free)},
				loyalty.Purchase{Order: order("O2", "M1", at.Add(time.Hour), line("C", "coats", "100", 1))})
			assert.Equal(t, loyalty.Points(400), a.Pending, "the coat bought after still earns double")
		})
	}
}
