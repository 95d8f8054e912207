package segment_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
	"github.com/tailorcrm/tailor/segment"
	"pgregory.net/rapid"
)

func TestContactGroupText(t *testing.T) {
	for g := segment.ContactVIP; g.Valid(); g++ {
		b, err := g.MarshalText()
		require.NoError(t, err)
		got, err := segment.ParseContactGroup(string(b))
		require.NoError(t, err)
		assert.Equal(t, g, got)
	}
	assert.Equal(t, "vip", segment.ContactVIP.String())
	assert.Equal(t, "standard", segment.ContactStandard.String())
	assert.Equal(t, "ContactGroup(3)", segment.ContactGroup(3).String())
	g := segment.ContactVIP
	enumtext.TestRefusedKeepsValue(t, &g)
}

func TestContactGroupOf(t *testing.T) {
	for _, c := range []struct {
		q    segment.Quadrant
		g    segment.Grade
		want segment.ContactGroup
	}{
		{segment.HighValue, 0, segment.ContactVIP},
		{segment.HighValue, segment.GradeC, segment.ContactVIP},
		{segment.LowValue, segment.GradeA, segment.ContactVIP},
		{segment.PotentialValue, segment.GradeB, segment.ContactStandard},
		{segment.SecondaryValue, 0, segment.ContactStandard},
		{segment.LowValue, segment.GradeC, segment.ContactStandard},
		{0, 0, segment.ContactStandard},
	} {
		r := segment.Result{Quadrant: c.q, Grade: c.g}
		assert.Equal(t, c.want, segment.ContactGroupOf(&r), "%v %v", c.q, c.g)
	}
}

// promo builds facts; days are "YYYY-MM-DD".
func promo(t testing.TB, g segment.ContactGroup, asOf string, days ...string) segment.PromotionFacts {
	t.Helper()
	f := segment.PromotionFacts{ID: "c1", Group: g, AsOf: ymd(t, asOf)}
	for _, d := range days {
		f.Promotions = append(f.Promotions, ymd(t, d))
	}
	return f
}

func TestNextPromotionDefaults(t *testing.T) {
	for name, c := range map[string]struct {
		f       segment.PromotionFacts
		allowed bool
		from    string
		gap     string
		cap     string
		recent  int
	}{
		"VIP never contacted": {promo(t, segment.ContactVIP, "2026-06-30"), true, "2026-06-30", "2026-06-30", "2026-06-30", 0},
		// 14 days after 20 June.
		"VIP, gap not over":  {promo(t, segment.ContactVIP, "2026-06-30", "2026-06-20"), false, "2026-07-04", "2026-07-04", "2026-06-30", 1},
		"VIP, gap just over": {promo(t, segment.ContactVIP, "2026-07-04", "2026-06-20"), true, "2026-07-04", "2026-07-04", "2026-07-04", 1},
		// 2 in 30 days: 1 June and 15 June; the window of 30 days must
		// leave 1 June behind: 1 July.
		"VIP, cap reached":  {promo(t, segment.ContactVIP, "2026-06-29", "2026-06-15", "2026-06-01"), false, "2026-07-01", "2026-06-29", "2026-07-01", 2},
		"VIP, cap and gap":  {promo(t, segment.ContactVIP, "2026-06-20", "2026-06-15", "2026-06-01"), false, "2026-07-01", "2026-06-29", "2026-07-01", 2},
		"VIP, old contacts": {promo(t, segment.ContactVIP, "2026-06-30", "2026-01-15", "2026-01-01", "2025-12-24"), true, "2026-06-30", "2026-06-30", "2026-06-30", 0},
		// Standard: 7 days, 4 in 30.
		"standard, gap": {promo(t, segment.ContactStandard, "2026-06-05", "2026-06-01"), false, "2026-06-08", "2026-06-08", "2026-06-05", 1},
		"standard, cap": {promo(t, segment.ContactStandard, "2026-06-29", "2026-06-22", "2026-06-15", "2026-06-08", "2026-06-01"), false, "2026-07-01", "2026-06-29", "2026-07-01", 4},
		// Order and repeats do not matter: two contacts on one day count twice.
		"unsorted, same day": {promo(t, segment.ContactVIP, "2026-06-25", "2026-06-10", "2026-06-02", "2026-06-10"), false, "2026-07-10", "2026-06-25", "2026-07-10", 3},
	} {
		t.Run(name, func(t *testing.T) {
			in := slices.Clone(c.f.Promotions)
			got, err := segment.NextPromotion(c.f, nil)
			require.NoError(t, err)
			assert.Equal(t, c.allowed, got.Allowed)
			assert.Equal(t, ymd(t, c.from), got.From, "from %v", got.From)
			assert.Equal(t, ymd(t, c.gap), got.GapFrom, "gap %v", got.GapFrom)
			assert.Equal(t, ymd(t, c.cap), got.CapFrom, "cap %v", got.CapFrom)
			assert.Equal(t, c.recent, got.Recent)
			assert.Equal(t, c.f.ID, got.ID)
			assert.Equal(t, c.f.Group, got.Group)
			assert.Equal(t, in, c.f.Promotions, "the caller's slice is not changed")
		})
	}
}

func TestNextPromotionReportsLimit(t *testing.T) {
	got, err := segment.NextPromotion(promo(t, segment.ContactVIP, "2026-06-30"), nil)
	require.NoError(t, err)
	assert.Equal(t, segment.ContactLimit{MinGap: 14 * oneDay, Max: 2, Window: 30 * oneDay}, got.Limit)
	got, err = segment.NextPromotion(promo(t, segment.ContactStandard, "2026-06-30"), nil)
	require.NoError(t, err)
	assert.Equal(t, segment.ContactLimit{MinGap: 7 * oneDay, Max: 4, Window: 30 * oneDay}, got.Limit)

	// Zero fields take the group's defaults; set ones apply.
	p := &segment.ContactPolicy{VIP: segment.ContactLimit{Max: 1}, Standard: segment.ContactLimit{MinGap: 2 * oneDay, Window: 7 * oneDay}}
	got, err = segment.NextPromotion(promo(t, segment.ContactVIP, "2026-06-30", "2026-06-10"), p)
	require.NoError(t, err)
	assert.Equal(t, segment.ContactLimit{MinGap: 14 * oneDay, Max: 1, Window: 30 * oneDay}, got.Limit)
	assert.Equal(t, ymd(t, "2026-07-10"), got.From, "one in 30 days")
	got, err = segment.NextPromotion(promo(t, segment.ContactStandard, "2026-06-30", "2026-06-29"), p)
	require.NoError(t, err)
	assert.Equal(t, segment.ContactLimit{MinGap: 2 * oneDay, Max: 4, Window: 7 * oneDay}, got.Limit)
	assert.Equal(t, ymd(t, "2026-07-01"), got.From)
}

func TestContactPolicyRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		p     segment.ContactPolicy
		field string
	}{
		"negative gap":      {segment.ContactPolicy{VIP: segment.ContactLimit{MinGap: -oneDay}}, "VIP.MinGap"},
		"gap in hours":      {segment.ContactPolicy{VIP: segment.ContactLimit{MinGap: 36 * time.Hour}}, "VIP.MinGap"},
		"gap over a year":   {segment.ContactPolicy{Standard: segment.ContactLimit{MinGap: 400 * oneDay}}, "Standard.MinGap"},
		"negative cap":      {segment.ContactPolicy{Standard: segment.ContactLimit{Max: -1}}, "Standard.Max"},
		"cap over 365":      {segment.ContactPolicy{VIP: segment.ContactLimit{Max: 366}}, "VIP.Max"},
		"negative window":   {segment.ContactPolicy{VIP: segment.ContactLimit{Window: -oneDay}}, "VIP.Window"},
		"window in minutes": {segment.ContactPolicy{Standard: segment.ContactLimit{Window: 30*oneDay + time.Minute}}, "Standard.Window"},
		"window over year":  {segment.ContactPolicy{Standard: segment.ContactLimit{Window: 366 * oneDay}}, "Standard.Window"},
	} {
		t.Run(name, func(t *testing.T) {
			err := c.p.Validate()
			require.ErrorIs(t, err, segment.ErrInvalidOptions)
			require.ErrorIs(t, err, customer.ErrInvalid)
			fs, msg := fieldsOf(t, err)
			assert.Equal(t, []string{c.field}, fs)
			assert.Contains(t, msg, "contact policy")
			_, err2 := segment.NextPromotion(promo(t, segment.ContactVIP, "2026-06-30"), &c.p)
			assert.Equal(t, err.Error(), err2.Error())
		})
	}
	// Every bad field at once.
	err := (&segment.ContactPolicy{VIP: segment.ContactLimit{MinGap: -oneDay, Max: -2}, Standard: segment.ContactLimit{Window: time.Hour}}).Validate()
	fs, _ := fieldsOf(t, err)
	assert.Equal(t, []string{"Standard.Window", "VIP.Max", "VIP.MinGap"}, fs)
	assert.NoError(t, (*segment.ContactPolicy)(nil).Validate())
}

func TestPromotionFactsRefusals(t *testing.T) {
	ok := promo(t, segment.ContactVIP, "2026-06-30", "2026-06-01")
	for name, c := range map[string]struct {
		bad   func(*segment.PromotionFacts)
		field string
	}{
		"blank id":           {func(f *segment.PromotionFacts) { f.ID = " " }, "id"},
		"no group":           {func(f *segment.PromotionFacts) { f.Group = 0 }, "group"},
		"undefined group":    {func(f *segment.PromotionFacts) { f.Group = 9 }, "group"},
		"as-of out of range": {func(f *segment.PromotionFacts) { f.AsOf = 3_000_000 }, "as_of"},
		"contact too early":  {func(f *segment.PromotionFacts) { f.Promotions = []customer.Date{-800_000} }, "promotions[0]"},
		"contact after as-of": {func(f *segment.PromotionFacts) {
			f.Promotions = []customer.Date{f.AsOf - 3, f.AsOf + 1}
		}, "promotions[1]"},
	} {
		t.Run(name, func(t *testing.T) {
			f := ok
			f.Promotions = slices.Clone(ok.Promotions)
			c.bad(&f)
			got, err := segment.NextPromotion(f, nil)
			require.ErrorIs(t, err, customer.ErrInvalid)
			assert.Zero(t, got)
			fs, msg := fieldsOf(t, err)
			assert.Equal(t, []string{c.field}, fs)
			assert.Contains(t, msg, "promotions of customer")
		})
	}
}

// inWindow counts the contacts in the window of w days ending on d.
func inWindow(contacts []customer.Date, d customer.Date, w int) int {
	n := 0
	for _, c := range contacts {
		if c > d-customer.Date(w) && c <= d {
			n++
		}
	}
	return n
}

// allowedOn is the policy read literally: another contact on d keeps
// the least gap since every earlier contact and leaves at most max in
// the window ending on d.
func allowedOn(contacts []customer.Date, d customer.Date, l segment.ContactLimit) bool {
	gap, w := customer.Date(l.MinGap/oneDay), int(l.Window/oneDay)
	for _, c := range contacts {
		if d-c < gap {
			return false
		}
	}
	return inWindow(contacts, d, w)+1 <= l.Max
}

func drawLimit(t *rapid.T) segment.ContactLimit {
	return segment.ContactLimit{
		MinGap: time.Duration(rapid.IntRange(1, 40).Draw(t, "gap")) * oneDay,
		Max:    rapid.IntRange(1, 6).Draw(t, "max"),
		Window: time.Duration(rapid.IntRange(1, 60).Draw(t, "window")) * oneDay,
	}
}

// From is the first day from the as-of day on which the policy, read
// literally, allows another promotional contact.
func TestNextPromotionIsFirstAllowedDay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := drawLimit(t)
		asOf := customer.Date(20000)
		contacts := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) customer.Date {
			return asOf - customer.Date(rapid.IntRange(0, 90).Draw(t, "ago"))
		}), 0, 8).Draw(t, "contacts")
		p := &segment.ContactPolicy{VIP: l}
		got, err := segment.NextPromotion(segment.PromotionFacts{ID: "c", Group: segment.ContactVIP, AsOf: asOf, Promotions: contacts}, p)
		require.NoError(t, err)
		require.GreaterOrEqual(t, got.From, asOf)
		assert.Equal(t, got.From == asOf, got.Allowed)
		assert.Equal(t, max(got.GapFrom, got.CapFrom), got.From)
		assert.Equal(t, inWindow(contacts, asOf, int(l.Window/oneDay)), got.Recent)
		assert.True(t, allowedOn(contacts, got.From, l), "allowed on %v", got.From)
		for d := asOf; d < got.From; d++ {
			assert.False(t, allowedOn(contacts, d, l), "allowed on %v, before %v", d, got.From)
		}
		// The day is the same asked on any day up to it.
		later, err := segment.NextPromotion(segment.PromotionFacts{ID: "c", Group: segment.ContactVIP, AsOf: got.From, Promotions: contacts}, p)
		require.NoError(t, err)
		assert.True(t, later.Allowed)
		assert.Equal(t, got.From, later.From)
	})
}

// A shop that sends a promotion whenever NextPromotion allows it never
// breaks its policy: no two contacts closer than the least gap, never
// more than the cap in any window.
func TestPromotionsFollowingThePolicyKeepIt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := drawLimit(t)
		p := &segment.ContactPolicy{Standard: l}
		var sent []customer.Date
		start := customer.Date(20000)
		for d := start; d < start+200; d++ {
			if !rapid.Bool().Draw(t, "wants") {
				continue
			}
			got, err := segment.NextPromotion(segment.PromotionFacts{ID: "c", Group: segment.ContactStandard, AsOf: d, Promotions: sent}, p)
			require.NoError(t, err)
			if got.Allowed {
				sent = append(sent, d)
			}
		}
		gap, w := customer.Date(l.MinGap/oneDay), int(l.Window/oneDay)
		for i := 1; i < len(sent); i++ {
			require.GreaterOrEqual(t, sent[i]-sent[i-1], gap)
		}
		for d := start; d < start+200; d++ {
			require.LessOrEqual(t, inWindow(sent, d, w), l.Max)
		}
	})
}

// The last day of the calendar is accepted as the as-of day and as a
// promotion's day; the first allowed day after it is computed without
// overflow and returned, not refused, as NextFollowUp's due day is.
// Asking on that day is refused: it is outside the days facts hold.
func TestNextPromotionAtTheEndOfTheCalendar(t *testing.T) {
	f := promo(t, segment.ContactVIP, "9999-12-31", "9999-12-31", "9999-12-20")
	got, err := segment.NextPromotion(f, nil)
	require.NoError(t, err)
	assert.False(t, got.Allowed)
	assert.Equal(t, "10000-01-14", got.GapFrom.Time().Format("2006-01-02"))
	assert.Equal(t, "10000-01-19", got.CapFrom.Time().Format("2006-01-02"))
	assert.Equal(t, got.CapFrom, got.From)
	assert.Equal(t, 2, got.Recent)
	// The widest policy: From at most 365 days after the last day.
	wide := &segment.ContactPolicy{VIP: segment.ContactLimit{MinGap: 365 * oneDay, Max: 1, Window: 365 * oneDay}}
	got, err = segment.NextPromotion(promo(t, segment.ContactVIP, "9999-12-31", "9999-12-31"), wide)
	require.NoError(t, err)
	assert.Equal(t, ymd(t, "9999-12-31")+365, got.From)
	f.AsOf = got.From
	_, err = segment.NextPromotion(f, nil)
	require.ErrorIs(t, err, customer.ErrInvalid)
	fs, _ := fieldsOf(t, err)
	assert.Equal(t, []string{"as_of"}, fs)
}

// Windows are counted in days, across month ends and leap days: 29
// February is a day of the window like any other.
func TestNextPromotionAcrossLeapDay(t *testing.T) {
	// 1 and 28 February 2028 (a leap year); 30 days after 1 February is
	// 2 March, 14 after 28 February is 13 March.
	got, err := segment.NextPromotion(promo(t, segment.ContactVIP, "2028-03-01", "2028-02-28", "2028-02-01"), nil)
	require.NoError(t, err)
	assert.Equal(t, ymd(t, "2028-03-02"), got.CapFrom)
	assert.Equal(t, ymd(t, "2028-03-13"), got.GapFrom)
	assert.Equal(t, 2, got.Recent)
	// In 2027, not a leap year, 30 days after 1 February is 3 March.
	got, err = segment.NextPromotion(promo(t, segment.ContactVIP, "2027-03-01", "2027-02-28", "2027-02-01"), nil)
	require.NoError(t, err)
	assert.Equal(t, ymd(t, "2027-03-03"), got.CapFrom)
	// A promotion already sent on the as-of day: not another that day.
	got, err = segment.NextPromotion(promo(t, segment.ContactStandard, "2028-02-29", "2028-02-29"), nil)
	require.NoError(t, err)
	assert.False(t, got.Allowed)
	assert.Equal(t, ymd(t, "2028-03-07"), got.From)
	assert.Equal(t, 1, got.Recent)
}
