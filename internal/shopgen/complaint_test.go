package shopgen

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

func TestComplaintCategoryText(t *testing.T) {
	for c := SizeFitComplaint; c <= PriceDispute; c++ {
		require.True(t, c.Valid())
		b, err := c.MarshalText()
		require.NoError(t, err)
		var back ComplaintCategory
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, c, back)
		assert.Equal(t, string(b), c.String())
	}
	assert.Equal(t, "staff-attitude", StaffAttitude.String())
	for _, bad := range []ComplaintCategory{0, PriceDispute + 1} {
		assert.False(t, bad.Valid())
		_, err := bad.MarshalText()
		assert.Error(t, err)
	}
	assert.Equal(t, "ComplaintCategory(9)", ComplaintCategory(9).String())
	_, err := ParseComplaintCategory("rude")
	assert.ErrorContains(t, err, `"rude"`)
	var c ComplaintCategory
	assert.Error(t, c.UnmarshalText([]byte("")))
}

func TestDemandText(t *testing.T) {
	for d := DemandReturn; d <= DemandCompensation; d++ {
		b, err := d.MarshalText()
		require.NoError(t, err)
		var back Demand
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, d, back)
	}
	assert.Equal(t, "price-reduction", DemandPriceReduction.String())
	assert.Equal(t, "Demand(0)", Demand(0).String())
	_, err := ParseDemand("refund please")
	assert.Error(t, err)
}

func TestSeasonText(t *testing.T) {
	assert.Equal(t, "SS", SpringSummer.String())
	assert.Equal(t, "AW", AutumnWinter.String())
	assert.Equal(t, "Season(0)", Season(0).String())
	for _, s := range []Season{SpringSummer, AutumnWinter} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back Season
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	_, err := Season(3).MarshalText()
	assert.Error(t, err)
	_, err = ParseSeason("FW")
	assert.Error(t, err)
}

func TestConfigIsCopied(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Customers = 5
	g, err := New(cfg)
	require.NoError(t, err)
	before := csvBytes(t, g)
	cfg.Sales[0].Markdowns[0] = 90
	got := g.Config()
	got.Collections[0].Name = "changed"
	got.Sales[1].Markdowns[0] = 90
	assert.Equal(t, 20, g.Config().Sales[0].Markdowns[0])
	assert.Equal(t, "PRE-SS", g.Config().Collections[0].Name)
	assert.Equal(t, before, csvBytes(t, g))
}

func TestComplaintsAreWellFormed(t *testing.T) {
	g := newGen(t, 2000, 4)
	cats := map[ComplaintCategory]int{}
	for rec := range g.All() {
		for _, c := range rec.Complaints {
			cats[c.Category]++
			require.NoError(t, c.validate(&rec, g.Config().End))
			if c.ReturnID != "" {
				found := false
				for _, r := range rec.Returns {
					if r.ID == c.ReturnID {
						found = true
						assert.False(t, c.Time.Before(r.Time), "a complaint after its return")
					}
				}
				assert.True(t, found, "complaint names return %s", c.ReturnID)
			}
		}
	}
	for c := SizeFitComplaint; c <= PriceDispute; c++ {
		assert.Positive(t, cats[c], "some %s complaints", c)
	}
}

func TestRecordValidateReportsProblems(t *testing.T) {
	g := newGen(t, 50, 3)
	var rec Record
	for r := range g.All() {
		if len(r.Orders) > 1 && len(r.Complaints) > 0 || len(r.Returns) > 0 {
			rec = r
			break
		}
	}
	require.NotEmpty(t, rec.Orders)
	end := g.Config().End
	require.NoError(t, rec.Validate(end))
	bad := rec
	bad.Orders = append([]customer.Order(nil), rec.Orders...)
	bad.Orders[0].Lines = nil
	bad.Orders[0].CustomerID = "someone else"
	bad.Complaints = []Complaint{{CustomerID: "x", Severity: 7}}
	err := bad.Validate(end)
	require.Error(t, err)
	for _, want := range []string{"lines", "customer", "severity 7", "unknown category", "unknown demand", "time"} {
		assert.Contains(t, err.Error(), want)
	}
}
