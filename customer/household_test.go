package customer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

var hhNow = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)

// family returns a consumer with two household members: dad, with a
// full profile, and a child.
func family() customer.Customer {
	return customer.Customer{
		ID: "C-1", Kind: customer.Consumer, Name: "Wang Fang", Joined: hhNow.AddDate(-2, 0, 0),
		Household: []customer.Member{
			{ID: "dad", Relation: customer.Parent, Name: "Wang Jun", Birthday: customer.Birthday{Year: 1958, Month: time.October, Day: 1},
				Profile: customer.Profile{TopSize: "XL", BottomSize: "W34L32", ShoeSize: "43", HeightCM: 176, Fit: customer.Loose,
					Styles: []string{"classic"}}},
			{ID: "kid", Relation: customer.Child, Name: "Wang Xiaoming", Profile: customer.Profile{TopSize: "128"}},
		},
	}
}

func hhOrder(id string, t time.Time, lines ...customer.Line) customer.Order {
	return customer.Order{ID: id, CustomerID: "C-1", Time: t, Channel: customer.Store, Currency: "EUR", Lines: lines}
}

func hhLine(id, member string, qty int, price string) customer.Line {
	return customer.Line{ID: id, SKU: "SKU-" + id, Category: "knitwear", Size: "L", Quantity: qty,
		UnitPrice: decimal.RequireFromString(price), Member: member}
}

// validationError returns err as a *ValidationError, failing the test
// when it is not one.
func validationError(t *testing.T, err error) *customer.ValidationError {
	t.Helper()
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
	return ve
}

func TestRelationText(t *testing.T) {
	for _, r := range []customer.Relation{customer.Partner, customer.Child, customer.Parent, customer.Sibling, customer.OtherRelative} {
		b, err := r.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, r.String(), string(b))
		back, err := customer.ParseRelation(string(b))
		require.NoError(t, err)
		assert.Equal(t, r, back)
		assert.True(t, r.Valid())
	}
	for _, bad := range []customer.Relation{0, 6, 255} {
		assert.False(t, bad.Valid(), "%d", uint8(bad))
		_, err := bad.MarshalText()
		assert.Error(t, err, "%d has no text form", uint8(bad))
	}
	assert.Equal(t, "Relation(9)", customer.Relation(9).String())
	var r customer.Relation
	assert.Error(t, r.UnmarshalText([]byte("dad")))
	assert.Error(t, r.UnmarshalText(nil))
}

// Each bad household input is reported on its own field, with the
// customer named, and every problem at once.
func TestCustomerValidateHousehold(t *testing.T) {
	require.NoError(t, family().Validate(hhNow))
	cases := []struct {
		name  string
		edit  func(c *customer.Customer)
		field string
		code  string
	}{
		{"empty member ID", func(c *customer.Customer) { c.Household[1].ID = "" }, "household[1].id", customer.CodeRequired},
		{"blank member ID", func(c *customer.Customer) { c.Household[1].ID = " \t" }, "household[1].id", customer.CodeRequired},
		{"duplicate member ID", func(c *customer.Customer) { c.Household[1].ID = "dad" }, "household[1].id", customer.CodeDuplicate},
		{"no relation", func(c *customer.Customer) { c.Household[0].Relation = 0 }, "household[0].relation", customer.CodeRequired},
		{"unknown relation", func(c *customer.Customer) { c.Household[0].Relation = 42 }, "household[0].relation", customer.CodeUnknown},
		{"31 February", func(c *customer.Customer) { c.Household[0].Birthday = customer.Birthday{Year: 1990, Month: 2, Day: 31} }, "household[0].birthday", customer.CodeRange},
		{"future birthday", func(c *customer.Customer) { c.Household[1].Birthday = customer.Birthday{Year: 2027, Month: 1, Day: 1} }, "household[1].birthday", customer.CodeFuture},
		{"height 400 cm", func(c *customer.Customer) { c.Household[0].Profile.HeightCM = 400 }, "household[0].profile.height_cm", customer.CodeRange},
		{"height 0 is unknown, 20 is not", func(c *customer.Customer) { c.Household[1].Profile.HeightCM = 20 }, "household[1].profile.height_cm", customer.CodeRange},
		{"top size not in the system", func(c *customer.Customer) { c.Household[1].Profile.TopSize = "XM" }, "household[1].profile.top_size", customer.CodeFormat},
		{"bottom size not in the system", func(c *customer.Customer) { c.Household[0].Profile.BottomSize = "W99" }, "household[0].profile.bottom_size", customer.CodeFormat},
		{"shoe size not in the system", func(c *customer.Customer) { c.Household[0].Profile.ShoeSize = "60" }, "household[0].profile.shoe_size", customer.CodeFormat},
		{"unknown fit", func(c *customer.Customer) { c.Household[0].Profile.Fit = 7 }, "household[0].profile.fit", customer.CodeUnknown},
		{"blank style", func(c *customer.Customer) { c.Household[0].Profile.Styles = []string{"classic", " "} }, "household[0].profile.styles[1]", customer.CodeRequired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := family().Clone()
			tc.edit(&c)
			before := c.Clone()
			ve := validationError(t, c.Validate(hhNow))
			assert.Equal(t, `customer "C-1"`, ve.Record)
			assert.True(t, ve.Has(tc.field, tc.code), "want %s (%s) in %v", tc.field, tc.code, ve)
			assert.Len(t, ve.Fields, 1, "only the bad field is reported: %v", ve)
			assert.True(t, before.Equal(c), "Validate changed the customer")
		})
	}
	// Every problem at once, the customer's own and the members'.
	c := family()
	c.Profile.HeightCM = 300
	c.Household[0].Relation = 0
	c.Household[1].ID = "dad"
	c.Household[1].Profile.ShoeSize = "9"
	ve := validationError(t, c.Validate(hhNow))
	for _, f := range []string{"profile.height_cm", "household[0].relation", "household[1].id", "household[1].profile.shoe_size"} {
		assert.True(t, ve.Has(f, ""), "want %s in %v", f, ve)
	}
}

func TestOrderMemberValidation(t *testing.T) {
	c := family()
	ok := hhOrder("O-1", hhNow.Add(-time.Hour), hhLine("1", "dad", 1, "59.90"), hhLine("2", "", 1, "19.90"))
	require.NoError(t, ok.Validate(hhNow))
	require.NoError(t, ok.ValidateFor(c, hhNow))

	cases := []struct {
		name      string
		edit      func(o *customer.Order)
		field     string
		code      string
		validate  bool // Order.Validate reports it too
		validFor  bool // ValidateFor reports it
		otherCust bool
	}{
		{"blank member", func(o *customer.Order) { o.Lines[1].Member = "  " }, "lines[1].member", customer.CodeRequired, true, true, false},
		{"member the customer does not have", func(o *customer.Order) { o.Lines[0].Member = "mum" }, "lines[0].member", customer.CodeUnknown, false, true, false},
		{"member of another spelling", func(o *customer.Order) { o.Lines[0].Member = "Dad" }, "lines[0].member", customer.CodeUnknown, false, true, false},
		{"order of another customer", func(o *customer.Order) { o.CustomerID = "C-2" }, "customer_id", customer.CodeMismatch, false, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := ok.Clone()
			tc.edit(&o)
			err := o.Validate(hhNow)
			if tc.validate {
				ve := validationError(t, err)
				assert.Equal(t, `order "O-1"`, ve.Record)
				assert.True(t, ve.Has(tc.field, tc.code), "Validate: want %s (%s) in %v", tc.field, tc.code, ve)
			} else {
				assert.NoError(t, err, "Validate does not know the customer")
			}
			ve := validationError(t, o.ValidateFor(c, hhNow))
			assert.Equal(t, `order "O-1"`, ve.Record)
			assert.True(t, ve.Has(tc.field, tc.code), "ValidateFor: want %s (%s) in %v", tc.field, tc.code, ve)
		})
	}
	// Every problem at once: ValidateFor also reports what Validate finds.
	o := ok.Clone()
	o.Lines[0].Member, o.Lines[1].Quantity, o.Lines[1].Member = "grandma", 0, " "
	ve := validationError(t, o.ValidateFor(c, hhNow))
	for _, f := range []string{"lines[0].member", "lines[1].quantity", "lines[1].member"} {
		assert.True(t, ve.Has(f, ""), "want %s in %v", f, ve)
	}
	// A customer without a household has no members to name.
	alone := c
	alone.Household = nil
	assert.True(t, validationError(t, ok.ValidateFor(alone, hhNow)).Has("lines[0].member", customer.CodeUnknown))
}

// An order whose line has a blank member is refused by a summary, which
// stays as it was.
func TestSummaryRefusesBlankMember(t *testing.T) {
	s := customer.NewSummary("C-1", customer.Consumer, hhNow, nil)
	require.NoError(t, s.AddOrder(hhOrder("O-1", hhNow.Add(-48*time.Hour), hhLine("1", "dad", 1, "10.00"))))
	before := s.Clone()
	err := s.AddOrder(hhOrder("O-2", hhNow.Add(-time.Hour), hhLine("1", "\u00a0", 1, "10.00")))
	assert.True(t, validationError(t, err).Has("lines[0].member", customer.CodeRequired), "%v", err)
	assert.Equal(t, before, s.Clone())
}

func TestSummaryMembers(t *testing.T) {
	t0 := hhNow.AddDate(0, -2, 0)
	o1 := hhOrder("O-1", t0, hhLine("1", "dad", 2, "59.90"), hhLine("2", "", 1, "39.90"), hhLine("3", "kid", 3, "12.00"))
	o2 := hhOrder("O-2", t0.AddDate(0, 0, 10), hhLine("1", "dad", 1, "89.00"))
	o3 := hhOrder("O-3", t0.AddDate(0, 0, 20), hhLine("1", "", 2, "25.00"))
	sizeFit := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: t0.AddDate(0, 0, 3),
		Kind: customer.Refund, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}, {LineID: "2", Quantity: -1}}}
	exchange := customer.Return{ID: "R-2", OrderID: "O-2", CustomerID: "C-1", Time: t0.AddDate(0, 0, 12),
		Kind: customer.Exchange, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	defect := customer.Return{ID: "R-3", OrderID: "O-1", CustomerID: "C-1", Time: t0.AddDate(0, 0, 5),
		Kind: customer.Refund, Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "3", Quantity: -1}}}
	later := hhOrder("O-4", hhNow.Add(time.Hour), hhLine("1", "mum", 1, "10.00"))
	evs := []customer.Event{{Order: &o1}, {Order: &o2}, {Order: &o3}, {Return: &sizeFit}, {Return: &exchange}, {Return: &defect}, {Order: &later}}
	s, err := customer.Summarize("C-1", customer.Consumer, hhNow, slices.Values(evs), nil)
	require.NoError(t, err)
	want := []customer.MemberPurchases{
		{Member: "dad", Units: 3, ReturnedUnits: 2, SizeFitUnits: 2},
		{Member: "kid", Units: 3, ReturnedUnits: 1, SizeFitUnits: 0},
	}
	assert.Equal(t, want, s.Members, "the order after AsOf is left out, mum with it")
	dad, ok := s.MemberPurchases("dad")
	require.True(t, ok)
	assert.InDelta(t, 2.0/3, dad.SizeFitRate(), 1e-12)
	_, ok = s.MemberPurchases("mum")
	assert.False(t, ok)
	// The customer's own units are the totals less the members'.
	assert.Equal(t, 1+2, s.Units-3-3)

	// Summaries of two parts of the history merge into the whole.
	a, err := customer.Summarize("C-1", customer.Consumer, hhNow, slices.Values([]customer.Event{{Order: &o1}, {Return: &sizeFit}, {Return: &defect}}), nil)
	require.NoError(t, err)
	b, err := customer.Summarize("C-1", customer.Consumer, hhNow, slices.Values([]customer.Event{{Order: &o2}, {Order: &o3}, {Return: &exchange}, {Order: &later}}), nil)
	require.NoError(t, err)
	m, err := a.Merge(b)
	require.NoError(t, err)
	assert.Equal(t, want, m.Members)
	m2, err := b.Merge(a)
	require.NoError(t, err)
	assert.Equal(t, want, m2.Members)

	// A summary without member lines has none, also after a merge.
	c, err := customer.Summarize("C-1", customer.Consumer, hhNow, slices.Values([]customer.Event{{Order: &o3}}), nil)
	require.NoError(t, err)
	assert.Nil(t, c.Members)
	mc, err := c.Merge(c.Clone())
	require.NoError(t, err)
	assert.Nil(t, mc.Members)

	// Clone copies the members.
	cl := s.Clone()
	cl.Members[0].Units = 99
	assert.Equal(t, 3, s.Members[0].Units)

	// JSON carries them.
	js, err := json.Marshal(s)
	require.NoError(t, err)
	var back customer.Summary
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, s.Members, back.Members)
}

func TestMemberPurchasesSizeFitRate(t *testing.T) {
	assert.Zero(t, customer.MemberPurchases{}.SizeFitRate())
	assert.Equal(t, 0.5, customer.MemberPurchases{Units: 4, SizeFitUnits: 2}.SizeFitRate())
	assert.Equal(t, 1.0, customer.MemberPurchases{Units: 1, SizeFitUnits: 2}.SizeFitRate(), "clamped")
}

func TestLineMemberEqualAndConflict(t *testing.T) {
	o := hhOrder("O-1", hhNow.Add(-time.Hour), hhLine("1", "dad", 1, "10.00"))
	p := o.Clone()
	assert.NoError(t, o.Conflict(p))
	p.Lines[0].Member = "kid"
	assert.False(t, o.Equal(p))
	var dup *customer.DuplicateError
	require.True(t, errors.As(o.Conflict(p), &dup))
	assert.Equal(t, "lines[0].member", dup.Field)
}

func TestCustomerHouseholdEqualAndClone(t *testing.T) {
	c := family()
	d := c.Clone()
	require.True(t, c.Equal(d))
	d.Household[0].Profile.Styles[0] = "sporty"
	d.Household[1].Name = "Xiao"
	assert.Equal(t, "classic", c.Household[0].Profile.Styles[0], "Clone shares no memory")
	assert.Equal(t, "Wang Xiaoming", c.Household[1].Name)
	assert.False(t, c.Equal(d))
	for _, edit := range []func(c *customer.Customer){
		func(c *customer.Customer) { c.Household = c.Household[:1] },
		func(c *customer.Customer) { c.Household[0], c.Household[1] = c.Household[1], c.Household[0] },
		func(c *customer.Customer) { c.Household[1].Relation = customer.Sibling },
		func(c *customer.Customer) { c.Household[0].Birthday.Day = 2 },
		func(c *customer.Customer) { c.Household[0].Profile.HeightCM = 177 },
		func(c *customer.Customer) { c.Household[0].ID = "father" },
	} {
		e := c.Clone()
		edit(&e)
		assert.False(t, c.Equal(e))
	}
	empty, none := c, c
	empty.Household, none.Household = []customer.Member{}, nil
	assert.True(t, empty.Equal(none), "nil and empty households are equal")
}

// memberPersonal lists the personal data of family's members.
var memberPersonal = []string{"Wang Jun", "Xiaoming", "1958", "176"}

func TestMemberRedacted(t *testing.T) {
	c := family()
	m := c.Household[0]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for _, v := range []any{c, &c, m, &m, c.Household, struct{ H []customer.Member }{c.Household}} {
			out := fmt.Sprintf(verb, v)
			for _, p := range memberPersonal {
				assert.NotContains(t, out, p, "%s of %T", verb, v)
			}
		}
	}
	assert.Equal(t, `member "dad" (parent, personal data redacted)`, m.String())
	assert.Equal(t, `member "M" (partner)`, customer.Member{ID: "M", Relation: customer.Partner}.String())
	var buf bytes.Buffer
	// Without the time, whose digits could hold a personal datum's.
	noTime := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	log := slog.New(slog.NewJSONHandler(&buf, noTime))
	log.Info("member", "member", m, "customer", c)
	log = slog.New(slog.NewTextHandler(&buf, noTime))
	log.Info("member", "member", m, "customer", c)
	for _, p := range memberPersonal {
		assert.NotContains(t, buf.String(), p)
	}
	assert.Contains(t, buf.String(), `"relation":"parent"`)
	assert.Contains(t, fmt.Sprintf("%#v", c), "Household:2 members")
}

// Anonymize leaves no personal data of any member: the household is gone,
// and nothing of it prints.
func TestAnonymizeErasesHousehold(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := family()
		n := rapid.IntRange(0, 4).Draw(t, "members")
		c.Household = nil
		var names []string
		for i := range n {
			name := rapid.StringMatching(`[A-Z][a-z]{4,8}`).Draw(t, "name")
			names = append(names, name)
			c.Household = append(c.Household, customer.Member{ID: fmt.Sprintf("m%d", i), Relation: customer.Child, Name: name,
				Birthday: customer.Birthday{Year: 2010, Month: time.May, Day: rapid.IntRange(1, 31).Draw(t, "day")},
				Profile:  customer.Profile{HeightCM: rapid.IntRange(100, 199).Draw(t, "height"), TopSize: "S"}})
		}
		a := c.Anonymize()
		if len(a.Household) != 0 {
			t.Fatalf("Anonymize kept %d members", len(a.Household))
		}
		js, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			for _, out := range []string{string(js), fmt.Sprintf("%+v", a), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
				if strings.Contains(out, name) {
					t.Fatalf("member name %q in %s", name, out)
				}
			}
		}
		if n > 0 && c.Household[0].Name == "" {
			t.Fatal("Anonymize changed the original")
		}
	})
}

// A customer with a household and an order with member lines come back
// equal from JSON.
func TestHouseholdJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: hhNow}
		rels := []customer.Relation{customer.Partner, customer.Child, customer.Parent, customer.Sibling, customer.OtherRelative}
		for i := range rapid.IntRange(0, 3).Draw(t, "members") {
			c.Household = append(c.Household, customer.Member{
				ID:       fmt.Sprintf("m-%d", i),
				Relation: rapid.SampledFrom(rels).Draw(t, "relation"),
				Name:     rapid.String().Draw(t, "name"),
				Birthday: rapid.SampledFrom([]customer.Birthday{{}, {Month: 2, Day: 29}, {Year: 1960, Month: 12, Day: 31}}).Draw(t, "birthday"),
				Profile: customer.Profile{TopSize: rapid.SampledFrom([]string{"", "M", "170/88A"}).Draw(t, "top"),
					HeightCM: rapid.IntRange(0, 250).Draw(t, "height"),
					Fit:      rapid.SampledFrom([]customer.Fit{0, customer.Slim, customer.Loose}).Draw(t, "fit"),
					Colours:  rapid.SliceOfN(rapid.String(), 0, 2).Draw(t, "colours")},
			})
		}
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back customer.Customer
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("%v: %s", err, js)
		}
		if !c.Equal(back) {
			t.Fatalf("customer differs after JSON: %s", js)
		}
		o := hhOrder("O-1", hhNow, hhLine("1", rapid.String().Draw(t, "member"), 1, "1.00"))
		js, err = json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var ob customer.Order
		if err := json.Unmarshal(js, &ob); err != nil {
			t.Fatal(err)
		}
		if !o.Equal(ob) {
			t.Fatalf("order differs after JSON: %s", js)
		}
	})
}

// An intermediary buys to resell (domain rules §1): it has no household,
// and the lines of its orders name no member. Validate reports a
// household on an intermediary; ValidateFor reports a member line on an
// intermediary's order even when the intermediary was given one.
func TestIntermediaryHasNoHousehold(t *testing.T) {
	dealer := family()
	dealer.Name = ""
	dealer.Kind, dealer.Role = customer.Intermediary, customer.Dealer
	dealer.Trade = &customer.Trade{Outlets: 2, Rating: customer.RatingA, CooperationStart: hhNow.AddDate(-1, 0, 0)}
	before := dealer.Clone()
	ve := validationError(t, dealer.Validate(hhNow))
	assert.True(t, ve.Has("household", customer.CodeMismatch), "%v", ve)
	assert.Len(t, ve.Fields, 1, "%v", ve)
	assert.True(t, before.Equal(dealer))
	bare := dealer
	bare.Household = nil
	require.NoError(t, bare.Validate(hhNow))

	o := hhOrder("O-1", hhNow.Add(-time.Hour), hhLine("1", "", 10, "20.00"), hhLine("2", "dad", 5, "20.00"))
	for _, c := range []customer.Customer{dealer, bare} {
		ve := validationError(t, o.ValidateFor(c, hhNow))
		assert.True(t, ve.Has("lines[1].member", customer.CodeMismatch), "%v", ve)
		assert.False(t, ve.Has("lines[0].member", ""), "%v", ve)
	}
	o.Lines[1].Member = ""
	assert.NoError(t, o.ValidateFor(bare, hhNow))
}

// The duplicate member IDs of a large household are found in linear
// time, as the duplicate line IDs of a large order are: a household
// imported from a broken export must not stall Validate.
func TestValidateLargeHouseholdFindsDuplicate(t *testing.T) {
	c := largeHousehold(100_000)
	c.Household[len(c.Household)-1].ID = "m000007"
	ve := validationError(t, c.Validate(hhNow))
	assert.True(t, ve.Has(fmt.Sprintf("household[%d].id", len(c.Household)-1), customer.CodeDuplicate), "%v", ve)
	assert.Len(t, ve.Fields, 1)
	assert.Contains(t, ve.Error(), "household[7]")
}

// largeHousehold is a consumer with n members of distinct IDs.
func largeHousehold(n int) customer.Customer {
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: hhNow.AddDate(-1, 0, 0)}
	c.Household = make([]customer.Member, n)
	for i := range c.Household {
		c.Household[i] = customer.Member{ID: fmt.Sprintf("m%06d", i), Relation: customer.Child}
	}
	return c
}

// BenchmarkValidateHousehold validates households of growing size: the
// time per member stays flat (duplicate IDs are found through a map, not
// by comparing every pair, which took 26 s for 10^5 members).
func BenchmarkValidateHousehold(b *testing.B) {
	for _, n := range []int{10, 1_000, 100_000} {
		c := largeHousehold(n)
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := c.Validate(hhNow); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/member")
		})
	}
}

// Summary.Members agrees with a count straight from random histories:
// lines for members and for the customer, refunds and exchanges for
// size or fit and for other reasons, records after AsOf, orders delivered
// twice in another zone, and the history split into two shards (a return
// travels with its order) whose summaries are merged.
func TestPropSummaryMembersCount(t *testing.T) {
	members := []string{"", "", "dad", "kid", "孩子"}
	reasons := []customer.ReturnReason{customer.SizeFit, customer.QualityDefect, customer.SizeFit}
	zones := []*time.Location{time.UTC, time.FixedZone("UTC+14", 14*3600), time.FixedZone("UTC-12", -12*3600)}
	rapid.Check(t, func(t *rapid.T) {
		want := map[string]*customer.MemberPurchases{}
		entry := func(m string) *customer.MemberPurchases {
			if want[m] == nil {
				want[m] = &customer.MemberPurchases{Member: m}
			}
			return want[m]
		}
		var shards [2][]customer.Event
		for i := range rapid.IntRange(1, 6).Draw(t, "orders") {
			at := hhNow.Add(-time.Duration(rapid.IntRange(-48, 24*60).Draw(t, "hours before")) * time.Hour)
			o := hhOrder(fmt.Sprintf("O-%d", i), at.In(rapid.SampledFrom(zones).Draw(t, "zone")))
			for j := range rapid.IntRange(1, 3).Draw(t, "lines") {
				o.Lines = append(o.Lines, hhLine(fmt.Sprint(j), rapid.SampledFrom(members).Draw(t, "member"), rapid.IntRange(1, 4).Draw(t, "qty"), "10.00"))
			}
			shard := rapid.IntRange(0, 1).Draw(t, "shard")
			add := func(e customer.Event) { shards[shard] = append(shards[shard], e) }
			add(customer.Event{Order: &o})
			if rapid.Bool().Draw(t, "redelivered") {
				again := o.Clone()
				again.Time = o.Time.In(rapid.SampledFrom(zones).Draw(t, "zone again"))
				add(customer.Event{Order: &again})
			}
			counted := !o.Time.After(hhNow)
			if counted {
				for _, l := range o.Lines {
					if l.Member != "" {
						entry(l.Member).Units += l.Quantity
					}
				}
			}
			refunded := map[string]int{}
			rt := o.Time
			for k := range rapid.IntRange(0, 3).Draw(t, "returns") {
				l := o.Lines[rapid.IntRange(0, len(o.Lines)-1).Draw(t, "line")]
				held := l.Quantity - refunded[l.ID]
				if held == 0 {
					continue
				}
				back := rapid.IntRange(1, held).Draw(t, "back")
				kind := rapid.SampledFrom([]customer.ReturnKind{customer.Refund, customer.Exchange}).Draw(t, "kind")
				reason := rapid.SampledFrom(reasons).Draw(t, "reason")
				rt = rt.Add(time.Duration(rapid.IntRange(1, 24*20).Draw(t, "hours after")) * time.Hour)
				r := customer.Return{ID: fmt.Sprintf("R-%d-%d", i, k), OrderID: o.ID, CustomerID: "C-1", Time: rt, Kind: kind,
					Reason: reason, Lines: []customer.ReturnLine{{LineID: l.ID, Quantity: -back}}}
				add(customer.Event{Return: &r})
				if rapid.Bool().Draw(t, "return redelivered") {
					again := r
					again.Time = r.Time.In(rapid.SampledFrom(zones).Draw(t, "return zone"))
					add(customer.Event{Return: &again})
				}
				if r.Time.After(hhNow) {
					continue
				}
				if kind == customer.Refund {
					refunded[l.ID] += back
				}
				if l.Member != "" {
					entry(l.Member).ReturnedUnits += back
					if reason == customer.SizeFit {
						entry(l.Member).SizeFitUnits += back
					}
				}
			}
		}
		var wantList []customer.MemberPurchases
		for _, m := range want {
			wantList = append(wantList, *m)
		}
		slices.SortFunc(wantList, func(a, b customer.MemberPurchases) int { return strings.Compare(a.Member, b.Member) })

		all := append(slices.Clone(shards[0]), shards[1]...)
		s, err := customer.Summarize("C-1", customer.Consumer, hhNow, slices.Values(all), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Members, wantList) {
			t.Fatalf("Members = %v, want %v", s.Members, wantList)
		}
		var parts [2]customer.Summary
		for k := range shards {
			if parts[k], err = customer.Summarize("C-1", customer.Consumer, hhNow, slices.Values(shards[k]), nil); err != nil {
				t.Fatal(err)
			}
		}
		m, err := parts[0].Merge(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.Members, wantList) {
			t.Fatalf("merged Members = %v, want %v", m.Members, wantList)
		}
		// The customer's own units are the totals less the members'.
		own := s.Units
		for _, mp := range s.Members {
			own -= mp.Units
		}
		if own < 0 {
			t.Fatalf("members bought %d units more than the summary counts", -own)
		}
	})
}
