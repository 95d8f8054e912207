package segment_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"pgregory.net/rapid"
)

func ymd(t testing.TB, s string) customer.Date {
	t.Helper()
	d, err := customer.ParseDate(s)
	require.NoError(t, err)
	return d
}

// facts builds the facts of a customer; an empty first or last means
// none.
func facts(t testing.TB, k customer.Kind, first, last, asOf string) segment.FollowUpFacts {
	t.Helper()
	f := segment.FollowUpFacts{ID: "c1", Kind: k, AsOf: ymd(t, asOf)}
	if first != "" {
		f.FirstPurchase, f.Bought = ymd(t, first), true
	}
	if last != "" {
		f.LastFollowUp, f.FollowedUp = ymd(t, last), true
	}
	return f
}

var (
	halfYear = &segment.FollowUpPolicy{Cadence: segment.FollowUpInterval}
	ten      = &segment.FollowUpPolicy{NewCustomerAfter: 10 * 24 * time.Hour}
)

func TestNextFollowUpEdgeRules(t *testing.T) {
	first, periodic := segment.FollowUpFirstPurchase, segment.FollowUpPeriodic
	for _, c := range []struct {
		name              string
		policy            *segment.FollowUpPolicy
		kind              customer.Kind
		first, last, asOf string
		due               string // empty: none
		reason            segment.FollowUpReason
		overdue           bool
	}{
		// The new customer: a week after the first purchase.
		{name: "new, before due", first: "2026-03-20", asOf: "2026-03-25", due: "2026-03-27", reason: first},
		{name: "new, as of the due day", first: "2026-03-20", asOf: "2026-03-27", due: "2026-03-27", reason: first},
		{name: "new, the day after", first: "2026-03-20", asOf: "2026-03-28", due: "2026-03-27", reason: first, overdue: true},
		{name: "new, as of the purchase day", first: "2026-03-20", asOf: "2026-03-20", due: "2026-03-27", reason: first},
		{name: "new, over the year end", first: "2026-12-28", asOf: "2026-12-30", due: "2027-01-04", reason: first},
		{name: "new, over a leap day", policy: ten, first: "2024-02-25", asOf: "2024-02-26", due: "2024-03-06", reason: first},
		{name: "new, over a common February", policy: ten, first: "2026-02-25", asOf: "2026-02-26", due: "2026-03-07", reason: first},
		{name: "never followed up, bought long ago", first: "2023-05-02", asOf: "2026-06-30", due: "2023-05-09", reason: first, overdue: true},
		// A follow-up made on or after the first purchase is the new
		// customer's; the quarter ends follow.
		{name: "early follow-up counts", first: "2026-01-05", last: "2026-01-08", asOf: "2026-01-09", due: "2026-03-31", reason: periodic},
		{name: "follow-up on the purchase day counts", first: "2026-01-05", last: "2026-01-05", asOf: "2026-01-05", due: "2026-03-31", reason: periodic},
		{name: "follow-up in a quarter's last month: next quarter", first: "2026-03-20", last: "2026-03-27", asOf: "2026-04-01", due: "2026-06-30", reason: periodic},
		{name: "follow-up on the quarter's first day of its last month", first: "2026-02-20", last: "2026-03-01", asOf: "2026-03-02", due: "2026-06-30", reason: periodic},
		{name: "follow-up on the day before the last month", first: "2026-02-20", last: "2026-02-28", asOf: "2026-03-02", due: "2026-03-31", reason: periodic},
		{name: "quarter end, contact on the due day", first: "2025-06-01", last: "2026-03-31", asOf: "2026-03-31", due: "2026-06-30", reason: periodic},
		{name: "quarter end, before due", first: "2025-06-01", last: "2026-04-05", asOf: "2026-05-01", due: "2026-06-30", reason: periodic},
		{name: "quarter end, as of the due day", first: "2025-06-01", last: "2026-04-05", asOf: "2026-06-30", due: "2026-06-30", reason: periodic},
		{name: "quarter end, overdue", first: "2025-06-01", last: "2026-04-05", asOf: "2026-07-01", due: "2026-06-30", reason: periodic, overdue: true},
		{name: "quarter end, Q3", first: "2025-06-01", last: "2026-07-31", asOf: "2026-08-01", due: "2026-09-30", reason: periodic},
		{name: "quarter end, over the year end", first: "2025-06-01", last: "2026-12-31", asOf: "2026-12-31", due: "2027-03-31", reason: periodic},
		{name: "quarter end, November", first: "2025-06-01", last: "2026-11-30", asOf: "2026-12-01", due: "2026-12-31", reason: periodic},
		{name: "quarter end, leap day", first: "2023-06-01", last: "2024-02-29", asOf: "2024-03-01", due: "2024-03-31", reason: periodic},
		// Every six months, clamped to the end of the month.
		{name: "half year", policy: halfYear, first: "2025-01-10", last: "2026-02-28", asOf: "2026-03-01", due: "2026-08-28", reason: periodic},
		{name: "half year, Aug 31 to a common February", policy: halfYear, first: "2025-01-10", last: "2025-08-31", asOf: "2025-09-01", due: "2026-02-28", reason: periodic},
		{name: "half year, Aug 31 to a leap February", policy: halfYear, first: "2023-01-10", last: "2023-08-31", asOf: "2023-09-01", due: "2024-02-29", reason: periodic},
		{name: "half year, Mar 31 to Sep 30", policy: halfYear, first: "2025-01-10", last: "2026-03-31", asOf: "2026-04-01", due: "2026-09-30", reason: periodic},
		{name: "half year, Dec 31 to Jun 30", policy: halfYear, first: "2025-01-10", last: "2026-12-31", asOf: "2026-12-31", due: "2027-06-30", reason: periodic},
		{name: "half year, overdue", policy: halfYear, first: "2025-01-10", last: "2025-08-31", asOf: "2026-03-01", due: "2026-02-28", reason: periodic, overdue: true},
		{name: "half year, the new customer first", policy: halfYear, first: "2026-01-10", asOf: "2026-01-11", due: "2026-01-17", reason: first},
		{name: "one month, Jan 31", policy: &segment.FollowUpPolicy{Cadence: segment.FollowUpInterval, Months: 1}, first: "2025-01-10", last: "2026-01-31", asOf: "2026-02-01", due: "2026-02-28", reason: periodic},
		{name: "twelve months, leap day", policy: &segment.FollowUpPolicy{Cadence: segment.FollowUpInterval, Months: 12}, first: "2023-01-10", last: "2024-02-29", asOf: "2024-03-01", due: "2025-02-28", reason: periodic},
		// None: a prospect, or a first purchase after the as-of day.
		{name: "prospect", asOf: "2026-06-30"},
		{name: "prospect contacted", last: "2026-06-01", asOf: "2026-06-30"},
		{name: "first purchase after as-of", first: "2026-07-01", asOf: "2026-06-30"},
		// A contact before the first purchase is one with a prospect.
		{name: "contact before the first purchase", first: "2026-06-10", last: "2026-06-01", asOf: "2026-06-30", due: "2026-06-17", reason: first, overdue: true},
		// Intermediaries follow the same days.
		{name: "intermediary, new", kind: customer.Intermediary, first: "2026-03-20", asOf: "2026-03-25", due: "2026-03-27", reason: first},
		{name: "intermediary, quarter end", kind: customer.Intermediary, first: "2025-06-01", last: "2026-03-31", asOf: "2026-03-31", due: "2026-06-30", reason: periodic},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := c.kind
			if k == 0 {
				k = customer.Consumer
			}
			f := facts(t, k, c.first, c.last, c.asOf)
			got, ok, err := segment.NextFollowUp(f, c.policy)
			require.NoError(t, err)
			if c.due == "" {
				assert.False(t, ok)
				assert.Zero(t, got)
				return
			}
			require.True(t, ok)
			assert.Equal(t, c.due, got.Due.String())
			assert.Equal(t, c.reason, got.Reason)
			assert.Equal(t, c.overdue, got.Overdue)
			assert.Equal(t, f.ID, got.ID)
			assert.Equal(t, k, got.Kind)
		})
	}
}

func TestFollowUpAsksByKind(t *testing.T) {
	c, ok, err := segment.NextFollowUp(facts(t, customer.Consumer, "2026-03-20", "", "2026-03-25"), nil)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, []segment.FollowUpTopic{segment.TopicWear, segment.TopicNeeds}, c.Ask)
	a := c.Action()
	assert.Equal(t, "first-purchase-follow-up", a.Code)
	assert.Equal(t, segment.NeedsMarketing, a.Needs, "a consumer's follow-up is unsolicited contact")
	assert.False(t, a.Allowed(customer.Consent{}))
	assert.True(t, a.Allowed(customer.Consent{Marketing: true}))
	assert.Contains(t, a.Description, "fit")

	d, ok, err := segment.NextFollowUp(facts(t, customer.Intermediary, "2025-03-20", "2026-01-10", "2026-03-25"), nil)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, []segment.FollowUpTopic{segment.TopicSalesAndStock, segment.TopicNeeds}, d.Ask)
	a = d.Action()
	assert.Equal(t, "periodic-follow-up", a.Code)
	assert.Zero(t, a.Needs, "an account manager's contact with a trade partner is service")
	assert.Contains(t, a.Description, "stock")

	d.Ask[0] = segment.TopicWear
	e, _, _ := segment.NextFollowUp(facts(t, customer.Intermediary, "2025-03-20", "2026-01-10", "2026-03-25"), nil)
	assert.Equal(t, segment.TopicSalesAndStock, e.Ask[0], "each follow-up has its own slice")

	assert.Zero(t, segment.FollowUp{}.Action(), "no follow-up, no action")
	seen := map[string]bool{}
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		for _, r := range []segment.FollowUpReason{segment.FollowUpFirstPurchase, segment.FollowUpPeriodic} {
			a := segment.FollowUp{Kind: k, Reason: r}.Action()
			assert.NotEmpty(t, a.Code)
			assert.False(t, seen[a.Description], "%v %v: a description of its own", k, r)
			seen[a.Description] = true
		}
	}
}

func TestFollowUpPolicyRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		p      segment.FollowUpPolicy
		fields []string
	}{
		{"negative delay", segment.FollowUpPolicy{NewCustomerAfter: -24 * time.Hour}, []string{"NewCustomerAfter"}},
		{"part of a day", segment.FollowUpPolicy{NewCustomerAfter: 36 * time.Hour}, []string{"NewCustomerAfter"}},
		{"absurd delay", segment.FollowUpPolicy{NewCustomerAfter: 91 * 24 * time.Hour}, []string{"NewCustomerAfter"}},
		{"huge delay", segment.FollowUpPolicy{NewCustomerAfter: time.Duration(1<<63 - 1)}, []string{"NewCustomerAfter"}},
		{"unknown cadence", segment.FollowUpPolicy{Cadence: 9}, []string{"Cadence"}},
		{"negative months", segment.FollowUpPolicy{Cadence: segment.FollowUpInterval, Months: -6}, []string{"Months"}},
		{"absurd months", segment.FollowUpPolicy{Cadence: segment.FollowUpInterval, Months: 13}, []string{"Months"}},
		{"months of quarter ends", segment.FollowUpPolicy{Months: 6}, []string{"Months"}},
		{"every fault at once", segment.FollowUpPolicy{NewCustomerAfter: -1, Cadence: 7, Months: 400}, []string{"Cadence", "Months", "NewCustomerAfter"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, segment.ErrInvalidOptions)
			var v *customer.ValidationError
			require.ErrorAs(t, err, &v)
			var got []string
			for _, f := range v.Fields {
				got = append(got, f.Field)
			}
			assert.Equal(t, c.fields, got)
			_, _, err2 := segment.NextFollowUp(facts(t, customer.Consumer, "2026-01-01", "", "2026-02-01"), &c.p)
			assert.Equal(t, err, err2, "NextFollowUp refuses the policy as Validate does")
		})
	}
	var nilPolicy *segment.FollowUpPolicy
	assert.NoError(t, nilPolicy.Validate(), "nil: the defaults")
	assert.NoError(t, (&segment.FollowUpPolicy{NewCustomerAfter: 90 * 24 * time.Hour, Cadence: segment.FollowUpInterval, Months: 12}).Validate())
	assert.NoError(t, (&segment.FollowUpPolicy{NewCustomerAfter: 24 * time.Hour, Cadence: segment.FollowUpQuarterEnd}).Validate())
}

func TestFollowUpFactsRefused(t *testing.T) {
	ok := facts(t, customer.Consumer, "2026-01-01", "2026-02-01", "2026-03-01")
	for _, c := range []struct {
		name   string
		edit   func(*segment.FollowUpFacts)
		fields []string
	}{
		{"empty id", func(f *segment.FollowUpFacts) { f.ID = " " }, []string{"id"}},
		{"no kind", func(f *segment.FollowUpFacts) { f.Kind = 0 }, []string{"kind"}},
		{"unknown kind", func(f *segment.FollowUpFacts) { f.Kind = 7 }, []string{"kind"}},
		{"follow-up after as-of", func(f *segment.FollowUpFacts) { f.LastFollowUp = f.AsOf + 1 }, []string{"last_follow_up"}},
		{"prospect's follow-up after as-of", func(f *segment.FollowUpFacts) { f.Bought = false; f.LastFollowUp = f.AsOf + 1 }, []string{"last_follow_up"}},
		{"as-of beyond the calendar", func(f *segment.FollowUpFacts) { f.AsOf = 1 << 30 }, []string{"as_of"}},
		{"as-of before year 0", func(f *segment.FollowUpFacts) { f.AsOf, f.FirstPurchase, f.LastFollowUp = -1<<30, -1<<30, -1<<30 }, []string{"as_of", "first_purchase", "last_follow_up"}},
		{"every fault at once", func(f *segment.FollowUpFacts) { f.ID, f.Kind, f.LastFollowUp = "", 0, f.AsOf+30 }, []string{"id", "kind", "last_follow_up"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := ok
			c.edit(&f)
			got, has, err := segment.NextFollowUp(f, nil)
			require.Error(t, err)
			assert.False(t, has)
			assert.Zero(t, got)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			var v *customer.ValidationError
			require.ErrorAs(t, err, &v)
			assert.Contains(t, v.Record, string(f.ID))
			var fields []string
			for _, e := range v.Fields {
				fields = append(fields, e.Field)
			}
			assert.Equal(t, c.fields, fields)
		})
	}
	// Fields not in force are not read: a prospect's FirstPurchase, the
	// LastFollowUp of a customer never followed up.
	f := ok
	f.Bought, f.FirstPurchase = false, 1<<30
	f.FollowedUp, f.LastFollowUp = false, 1<<30
	_, has, err := segment.NextFollowUp(f, nil)
	require.NoError(t, err)
	assert.False(t, has)
	// The last day of the calendar is accepted, and the due day after it
	// is computed without overflow.
	last := ymd(t, "9999-12-31")
	g, has, err := segment.NextFollowUp(segment.FollowUpFacts{ID: "z", Kind: customer.Consumer, AsOf: last,
		FirstPurchase: last, Bought: true, LastFollowUp: last, FollowedUp: true}, halfYear)
	require.NoError(t, err)
	require.True(t, has)
	assert.Equal(t, "10000-06-30", g.Due.Time().Format("2006-01-02"))
}

func TestFollowUpFactsOf(t *testing.T) {
	at := time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC)
	s := customer.NewSummary("ana", customer.Consumer, at, nil)
	for i, ago := range []int{40, 12} {
		require.NoError(t, s.AddOrder(customer.Order{ID: "o" + strconv.Itoa(i), CustomerID: "ana", Time: at.AddDate(0, 0, -ago),
			Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("99.00")}}}))
	}
	f, err := segment.FollowUpFactsOf(s)
	require.NoError(t, err)
	assert.Equal(t, segment.FollowUpFacts{ID: "ana", Kind: customer.Consumer, AsOf: ymd(t, "2026-06-30"),
		FirstPurchase: ymd(t, "2026-05-21"), Bought: true}, f)

	p := customer.NewSummary("pia", customer.Intermediary, at, nil)
	require.NoError(t, p.AddInteraction(customer.Interaction{CustomerID: "pia", Time: at.AddDate(0, 0, -3), Kind: customer.StoreVisit}))
	f, err = segment.FollowUpFactsOf(p)
	require.NoError(t, err)
	assert.False(t, f.Bought, "a prospect")
	_, has, err := segment.NextFollowUp(f, nil)
	require.NoError(t, err)
	assert.False(t, has)

	_, err = segment.FollowUpFactsOf(nil)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	_, err = segment.FollowUpFactsOf(customer.NewSummary("zed", customer.Consumer, time.Time{}, nil))
	var v *customer.ValidationError
	require.ErrorAs(t, err, &v)
	assert.True(t, v.Has("as_of", customer.CodeRequired), err)
	assert.Contains(t, err.Error(), `"zed"`)
}

func TestFollowUpEnumsText(t *testing.T) {
	for _, c := range []segment.FollowUpCadence{segment.FollowUpQuarterEnd, segment.FollowUpInterval} {
		b, err := c.MarshalText()
		require.NoError(t, err)
		var back segment.FollowUpCadence
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, c, back)
	}
	for _, r := range []segment.FollowUpReason{segment.FollowUpFirstPurchase, segment.FollowUpPeriodic} {
		b, err := r.MarshalText()
		require.NoError(t, err)
		back, err := segment.ParseFollowUpReason(string(b))
		require.NoError(t, err)
		assert.Equal(t, r, back)
	}
	for _, x := range []segment.FollowUpTopic{segment.TopicWear, segment.TopicSalesAndStock, segment.TopicNeeds} {
		b, err := x.MarshalText()
		require.NoError(t, err)
		var back segment.FollowUpTopic
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, x, back)
	}
	assert.Equal(t, "quarter-end", segment.FollowUpQuarterEnd.String())
	assert.Equal(t, "FollowUpCadence(9)", segment.FollowUpCadence(9).String())
	_, err := segment.FollowUpTopic(0).MarshalText()
	assert.Error(t, err)
	c := segment.FollowUpInterval
	assert.Error(t, c.UnmarshalText([]byte("weekly")))
	assert.Equal(t, segment.FollowUpInterval, c, "a refused text leaves the value")
	_, err = segment.ParseFollowUpCadence("half-year")
	assert.Error(t, err)
}

// genFollowUpFacts draws facts of a buyer over 1990–2100, the last
// follow-up (when any) between 30 days before the first purchase and the
// as-of day.
func genFollowUpFacts(t *rapid.T) segment.FollowUpFacts {
	lo, hi := int(customer.DateFromYMD(1990, 1, 1)), int(customer.DateFromYMD(2100, 12, 31))
	first := customer.Date(rapid.IntRange(lo, hi).Draw(t, "first"))
	asOf := first + customer.Date(rapid.IntRange(0, 1500).Draw(t, "asOfAfter"))
	f := segment.FollowUpFacts{ID: "c", Kind: rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind"),
		AsOf: asOf, FirstPurchase: first, Bought: true}
	if rapid.Bool().Draw(t, "followedUp") {
		f.FollowedUp = true
		f.LastFollowUp = first - 30 + customer.Date(rapid.IntRange(0, int(asOf-first)+30).Draw(t, "last"))
	}
	return f
}

func genFollowUpPolicy(t *rapid.T) *segment.FollowUpPolicy {
	switch rapid.IntRange(0, 2).Draw(t, "policy") {
	case 0:
		return nil
	case 1:
		return &segment.FollowUpPolicy{NewCustomerAfter: time.Duration(rapid.IntRange(0, 90).Draw(t, "newDays")) * 24 * time.Hour}
	}
	return &segment.FollowUpPolicy{Cadence: segment.FollowUpInterval, Months: rapid.IntRange(0, 12).Draw(t, "months"),
		NewCustomerAfter: time.Duration(rapid.IntRange(0, 90).Draw(t, "newDays")) * 24 * time.Hour}
}

func TestFollowUpProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genFollowUpPolicy(t)
		f := genFollowUpFacts(t)
		next, ok, err := segment.NextFollowUp(f, p)
		require.NoError(t, err)
		require.True(t, ok, "a buyer as of a day on or after the first purchase has a follow-up")
		// The due day is never before the first purchase, nor on or
		// before the last follow-up.
		require.Greater(t, next.Due, f.FirstPurchase)
		if f.FollowedUp {
			require.Greater(t, next.Due, f.LastFollowUp)
		}
		require.Equal(t, f.AsOf > next.Due, next.Overdue)
		if f.FollowedUp && f.LastFollowUp >= f.FirstPurchase {
			require.Equal(t, segment.FollowUpPeriodic, next.Reason)
		} else {
			require.Equal(t, segment.FollowUpFirstPurchase, next.Reason)
		}
		// As-of moving forward never moves the due day earlier.
		later := f
		later.AsOf += customer.Date(rapid.IntRange(0, 800).Draw(t, "forward"))
		n2, ok, err := segment.NextFollowUp(later, p)
		require.NoError(t, err)
		require.True(t, ok)
		require.GreaterOrEqual(t, n2.Due, next.Due)
		// A follow-up made on the due day moves the next one later, and
		// makes it periodic.
		made := f
		made.LastFollowUp, made.FollowedUp = next.Due, true
		if made.AsOf < next.Due {
			made.AsOf = next.Due
		}
		n3, ok, err := segment.NextFollowUp(made, p)
		require.NoError(t, err)
		require.True(t, ok)
		require.Greater(t, n3.Due, next.Due)
		require.Equal(t, segment.FollowUpPeriodic, n3.Reason)
		// The periodic cadence: a quarter end, at most two quarters after
		// the contact; or Months calendar months later, clamped.
		y, m, d := next.Due.Time().Date()
		if n3.Reason == segment.FollowUpPeriodic && (p == nil || p.Cadence == 0 || p.Cadence == segment.FollowUpQuarterEnd) {
			y3, m3, _ := n3.Due.Time().Date()
			require.Zero(t, int(m3)%3, "a quarter's last month")
			require.Equal(t, customer.DateFromYMD(y3, m3+1, 0), n3.Due, "its last day")
			require.LessOrEqual(t, int(n3.Due-next.Due), 184)
		}
		if p != nil && p.Cadence == segment.FollowUpInterval {
			months := p.Months
			if months == 0 {
				months = 6
			}
			y3, m3, d3 := n3.Due.Time().Date()
			require.Equal(t, (y*12+int(m)-1)+months, y3*12+int(m3)-1, "Months calendar months later")
			require.True(t, d3 == d || d3 < d && customer.DateFromYMD(y3, m3+1, 0) == n3.Due, "the same day of the month, or the month's last")
		}
	})
}

func TestFollowUpErrorsAreNotSentinels(t *testing.T) {
	_, _, err := segment.NextFollowUp(segment.FollowUpFacts{}, nil)
	require.Error(t, err)
	assert.False(t, errors.Is(err, segment.ErrInvalidOptions), "bad facts are not bad options")
}
