package shopgen

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Config describes the shop to generate. Start from [DefaultConfig] and
// change what you need; [New] rejects an inconsistent Config.
type Config struct {
	// Customers is the number of customers, consumers and intermediaries
	// together. Default 10,000.
	Customers int
	// Seed selects the shop: the same Config gives the same output.
	// Default 1.
	Seed uint64
	// IntermediaryShare is the share of customers who are intermediaries
	// (dealers, franchisees, wholesalers, agents), in [0, 1]. Default 0.03.
	IntermediaryShare float64
	// PotentialShare is the share of consumers who interact (visits, wish
	// lists, baskets, events) but never buy, in [0, 1). Default 0.08.
	PotentialShare float64

	// Start and End bound the history: every order, return, interaction
	// and complaint falls in [Start, End). Consumers are acquired in that
	// window; intermediaries may have started to cooperate before Start.
	// Default: the three years 2023-01-01 to 2026-01-01 (exclusive), UTC.
	// Both are truncated to whole days in UTC.
	Start, End time.Time

	// Currency of every order. Default EUR.
	Currency customer.Currency
	// PriceLevel multiplies the catalogue's prices, which are set in
	// euros: use about 7.8 for CNY or 160 for JPY. Must be positive.
	// Default 1.
	PriceLevel decimal.Decimal

	// Collections are launched every year. Default [DefaultCollections].
	Collections []CollectionSpec
	// Sales are the yearly end-of-season sale periods. Default
	// [DefaultSales].
	Sales []SalePeriod

	// Channels is the average share of consumer orders placed in stores,
	// online and on social shops; each consumer leans to some channels
	// around it. Intermediaries always order through the wholesale
	// channel. Default 0.55 / 0.35 / 0.10.
	Channels ChannelMix

	// OnlineReturnRate is the expected share of units bought online (or in
	// a social shop) that come back; StoreReturnRate the same for store
	// purchases. Defaults 0.25 and 0.07 (clothing e-commerce returns a
	// quarter to a third of units; try-on in a store prevents most size
	// returns).
	OnlineReturnRate, StoreReturnRate float64
}

// ChannelMix is the share of consumer orders per channel. The shares must
// be non-negative with a positive sum; they are normalised.
type ChannelMix struct {
	Store, Online, Social float64
}

// Season is the main season a collection belongs to.
type Season uint8

const (
	// SpringSummer collections are sold from about February to July.
	SpringSummer Season = iota + 1
	// AutumnWinter collections are sold from about August to January.
	AutumnWinter
)

var seasonNames = []string{"", "SS", "AW"}

// ParseSeason parses "SS" or "AW".
func ParseSeason(s string) (Season, error) {
	return enumtext.Parse[Season](s, seasonNames, "season")
}

// String returns "SS" or "AW".
func (s Season) String() string { return enumtext.String(s, seasonNames, "Season") }

// Valid reports whether s is a defined season.
func (s Season) Valid() bool { return enumtext.Valid(s, seasonNames) }

// MarshalText implements [encoding.TextMarshaler].
func (s Season) MarshalText() ([]byte, error) { return enumtext.Marshal(s, seasonNames, "season") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (s *Season) UnmarshalText(b []byte) error { return enumtext.Unmarshal(s, b, ParseSeason) }

// MonthDay is a day of the year.
type MonthDay struct {
	Month time.Month
	Day   int
}

func (m MonthDay) valid() bool {
	return m.Month >= time.January && m.Month <= time.December && m.Day >= 1 &&
		m.Day <= time.Date(2001, m.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// CollectionSpec is one collection launched every year. The collection
// of year Y is labelled "Y-Name" (the Line.Season of its articles) and
// launches on Launch of year Y+YearOffset.
type CollectionSpec struct {
	// Name is the suffix of the label, such as "SS" or "PRE-AW".
	Name   string
	Season Season
	Launch MonthDay
	// YearOffset is usually 0; -1 for a collection that launches in the
	// year before the one it is named after (a pre-spring collection in
	// November).
	YearOffset int
}

// DefaultCollections are the four collections of a year Y: the
// pre-spring collection "Y-PRE-SS" launched on 15 November of Y-1, the
// main "Y-SS" on 1 February, the pre-fall "Y-PRE-AW" on 15 May and the
// main "Y-AW" on 1 August.
func DefaultCollections() []CollectionSpec {
	return []CollectionSpec{
		{Name: "PRE-SS", Season: SpringSummer, Launch: MonthDay{time.November, 15}, YearOffset: -1},
		{Name: "SS", Season: SpringSummer, Launch: MonthDay{time.February, 1}},
		{Name: "PRE-AW", Season: AutumnWinter, Launch: MonthDay{time.May, 15}},
		{Name: "AW", Season: AutumnWinter, Launch: MonthDay{time.August, 1}},
	}
}

// SalePeriod is a yearly end-of-season sale: from From to To (inclusive;
// To may fall in the next year) the collections of Season launched in
// the year before are marked down, by Markdowns[0] percent in the first
// part of the period rising to the last entry in the last part.
type SalePeriod struct {
	Name     string
	From, To MonthDay
	Season   Season
	// Markdowns are the percentages taken off, in equal steps over the
	// period, each in [1, 90].
	Markdowns []int
}

// DefaultSales are the winter sale (27 December to 15 February, autumn/
// winter goods) and the summer sale (26 June to 15 August, spring/summer
// goods), each marking down 20%, then 30%, 40% and finally 50%.
func DefaultSales() []SalePeriod {
	return []SalePeriod{
		{Name: "winter sale", From: MonthDay{time.December, 27}, To: MonthDay{time.February, 15}, Season: AutumnWinter, Markdowns: []int{20, 30, 40, 50}},
		{Name: "summer sale", From: MonthDay{time.June, 26}, To: MonthDay{time.August, 15}, Season: SpringSummer, Markdowns: []int{20, 30, 40, 50}},
	}
}

// DefaultConfig returns the documented defaults of every field.
func DefaultConfig() Config {
	return Config{
		Customers:         10_000,
		Seed:              1,
		IntermediaryShare: 0.03,
		PotentialShare:    0.08,
		Start:             time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		End:               time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Currency:          "EUR",
		PriceLevel:        decimal.NewFromInt(1),
		Collections:       DefaultCollections(),
		Sales:             DefaultSales(),
		Channels:          ChannelMix{Store: 0.55, Online: 0.35, Social: 0.10},
		OnlineReturnRate:  0.25,
		StoreReturnRate:   0.07,
	}
}

// ErrConfig is matched by every error of [New] about its Config.
var ErrConfig = errors.New("shopgen: invalid config")

// validate reports every problem of c at once.
func (c Config) validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrConfig, field, fmt.Sprintf(format, args...)))
	}
	share := func(field string, v, hi float64, open bool) {
		if math.IsNaN(v) || v < 0 || v > hi || (open && v == hi) {
			bad(field, "%v is outside [0, %v%s", v, hi, map[bool]string{true: ")", false: "]"}[open])
		}
	}
	if c.Customers < 0 {
		bad("Customers", "%d is negative", c.Customers)
	}
	share("IntermediaryShare", c.IntermediaryShare, 1, false)
	share("PotentialShare", c.PotentialShare, 1, true)
	share("OnlineReturnRate", c.OnlineReturnRate, 0.9, false)
	share("StoreReturnRate", c.StoreReturnRate, 0.9, false)
	switch {
	case c.Start.IsZero() || c.End.IsZero():
		bad("Start/End", "both are required")
	case dayOf(c.End)-dayOf(c.Start) < 28:
		bad("Start/End", "the window %s to %s is shorter than 28 days", c.Start.Format(time.DateOnly), c.End.Format(time.DateOnly))
	case dayOf(c.End)-dayOf(c.Start) > 100*366:
		bad("Start/End", "the window is longer than 100 years")
	}
	if !c.Currency.Valid() {
		bad("Currency", "unknown currency %q", string(c.Currency))
	}
	if c.PriceLevel.Sign() <= 0 || c.PriceLevel.GreaterThan(decimal.NewFromInt(1_000_000)) {
		bad("PriceLevel", "%s is outside (0, 1000000]", c.PriceLevel)
	}
	if len(c.Collections) == 0 {
		bad("Collections", "at least one collection is needed")
	}
	seen := map[string]bool{}
	for i, s := range c.Collections {
		f := fmt.Sprintf("Collections[%d]", i)
		switch {
		case s.Name == "":
			bad(f+".Name", "is empty")
		case seen[s.Name]:
			bad(f+".Name", "%q is used twice", s.Name)
		case strings.ContainsAny(s.Name, ",\"\r\n"):
			bad(f+".Name", "%q holds a comma, quote or line break", s.Name)
		}
		seen[s.Name] = true
		if !s.Season.Valid() {
			bad(f+".Season", "unknown season %d", uint8(s.Season))
		}
		if !s.Launch.valid() {
			bad(f+".Launch", "%v %d is not a day of the year", s.Launch.Month, s.Launch.Day)
		}
		if s.YearOffset < -1 || s.YearOffset > 0 {
			bad(f+".YearOffset", "%d is not -1 or 0", s.YearOffset)
		}
	}
	for i, s := range c.Sales {
		f := fmt.Sprintf("Sales[%d]", i)
		if !s.From.valid() {
			bad(f+".From", "not a day of the year")
		}
		if !s.To.valid() {
			bad(f+".To", "not a day of the year")
		}
		if !s.Season.Valid() {
			bad(f+".Season", "unknown season %d", uint8(s.Season))
		}
		if len(s.Markdowns) == 0 {
			bad(f+".Markdowns", "at least one markdown is needed")
		}
		for j, m := range s.Markdowns {
			if m < 1 || m > 90 {
				bad(fmt.Sprintf("%s.Markdowns[%d]", f, j), "%d is outside [1, 90]", m)
			}
		}
	}
	ch := c.Channels
	if math.IsNaN(ch.Store+ch.Online+ch.Social) || ch.Store < 0 || ch.Online < 0 || ch.Social < 0 || ch.Store+ch.Online+ch.Social <= 0 ||
		math.IsInf(ch.Store+ch.Online+ch.Social, 0) {
		bad("Channels", "shares must be finite, non-negative and not all zero")
	}
	return errors.Join(errs...)
}
