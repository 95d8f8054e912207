package customer

import "time"

// ID identifies a customer. It is any string the caller's system uses (a
// member number, an ERP account) that is neither empty nor blank (only
// white space) and is valid UTF-8 without control characters (a line
// break, a tab, NUL): the validators of the records reject such an ID, as
// they reject such order, line, return and credit IDs.
type ID string

// Customer is what a brand knows of one customer (domain rules §1: the unified
// customer view). Name, Contact, Birthday and the body measurements of
// the Profile (TopSize, BottomSize, ShoeSize, HeightCM) are personal
// data, as is the Household: they are redacted in String, %v and slog
// output. [Customer.Anonymize] clears
// them and the rest of the Profile.
type Customer struct {
	ID   ID
	Kind Kind
	// Role is the trade role of an intermediary; zero for a consumer.
	Role Role

	Name     string   // personal data
	Contact  Contact  // personal data
	Birthday Birthday // personal data; zero when unknown

	// Region is the sales region or city, used to group customers and,
	// for intermediaries, to size their market.
	Region string
	// Joined is when the customer became known (membership or first
	// contract).
	Joined time.Time

	// Consent holds the flags that gate marketing and profiling.
	Consent Consent
	// ConsentHistory is the evidence behind Consent: every consent given
	// or withdrawn, oldest first, appended by [Customer.RecordConsent].
	// The flag of a purpose must agree with the last change of that
	// purpose ([Customer.Validate] reports consent.marketing or
	// consent.profiling otherwise); a purpose with no change has a flag
	// without evidence, as for customers recorded before the history was
	// kept. It is not personal data beyond the consent itself (see
	// [ConsentChange]).
	ConsentHistory []ConsentChange
	Profile        Profile

	// Trade holds the inputs of an intermediary's potential value
	// (domain rules §2); nil for consumers.
	Trade *Trade

	// Household are the people the customer buys for (domain rules §1:
	// family members buying for each other), each with an ID unique
	// within the customer that order lines name ([Line].Member), and a
	// sizing profile of their own; personal data. Only a consumer has
	// one: an intermediary buys to resell ([Customer.Validate]).
	Household []Member
}

// Contact holds a customer's contact details. All of it is personal data.
type Contact struct {
	Email   Email
	Phone   Phone
	Address string
}

// Email is an e-mail address. It prints redacted ("j***@example.com") in
// every fmt verb and in slog output; string(e) is the address itself, for
// the code that sends the mail.
type Email string

// Phone is a telephone number in any common form. It prints redacted,
// keeping only the last two digits ("***56"); string(p) is the number
// itself.
type Phone string

// Birthday is a day of the year, with the year when known (Year 0 means
// unknown). Birthday benefits need only the month and day.
type Birthday struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether the birthday is unknown.
func (b Birthday) IsZero() bool { return b.Month == 0 && b.Day == 0 && b.Year == 0 }

// Consent records what the customer has agreed to (domain rules §1: data
// collection and marketing need explicit consent). The evidence of each
// flag, when and how it was given or withdrawn and under which notice, is
// in [Customer].ConsentHistory; change both with [Customer.RecordConsent].
type Consent struct {
	// Marketing allows promotional contact: offers, coupons, campaigns.
	Marketing bool
	// Profiling allows actions that use the customer's own purchase
	// history to personalise or study them (personalised recommendations
	// and content); classifying the customer into segments does not need
	// it.
	Profiling bool
}

// Fit is a preferred fit of clothes.
type Fit uint8

const (
	// Slim fit.
	Slim Fit = iota + 1
	// Regular fit.
	Regular
	// Loose (relaxed, oversized) fit.
	Loose
)

// Profile is the clothing profile of a customer (domain rules §1: sizes, body
// shape, height, preferred colours, styles and categories). Sizes are
// labels of the size systems checked by [ValidTopSize], [ValidBottomSize]
// and [ValidShoeSize]; an empty size is unknown. The sizes and HeightCM
// are body measurements, personal data: String, fmt and slog redact them.
type Profile struct {
	TopSize    string
	BottomSize string
	ShoeSize   string
	// HeightCM is the body height in centimetres, 0 when unknown; personal
	// data.
	HeightCM int
	Fit      Fit // zero when unknown
	Styles   []string
	Colours  []string
	// Categories are favourite product categories ("coats", "knitwear").
	Categories []string
}

// Complete reports whether the profile has every field that earns the
// profile-completion bonus of a loyalty programme, known and valid: the
// three sizes in their size systems ([ValidTopSize], [ValidBottomSize],
// [ValidShoeSize]), a height within [MinHeightCM]..[MaxHeightCM], a
// defined fit, and at least one style, colour and category that is not
// blank.
func (p Profile) Complete() bool {
	return ValidTopSize(p.TopSize) && ValidBottomSize(p.BottomSize) && ValidShoeSize(p.ShoeSize) &&
		p.HeightCM >= MinHeightCM && p.HeightCM <= MaxHeightCM && p.Fit.Valid() &&
		anyTag(p.Styles) && anyTag(p.Colours) && anyTag(p.Categories)
}

// CreditRating is an intermediary's creditworthiness on the usual letter
// scale, from AAA (best) to D (in default).
type CreditRating uint8

const (
	// RatingD: in default.
	RatingD CreditRating = iota + 1
	// RatingC: default imminent.
	RatingC
	// RatingCCC: substantial risk.
	RatingCCC
	// RatingB: highly speculative.
	RatingB
	// RatingBB: speculative.
	RatingBB
	// RatingBBB: adequate.
	RatingBBB
	// RatingA: strong.
	RatingA
	// RatingAA: very strong.
	RatingAA
	// RatingAAA: extremely strong.
	RatingAAA
)

// Score maps the rating to [0, 1]: D is 0, AAA is 1, evenly spaced.
func (r CreditRating) Score() float64 {
	if r < RatingD || r > RatingAAA {
		return 0
	}
	return float64(r-RatingD) / float64(RatingAAA-RatingD)
}

// Trade holds the facts behind an intermediary's potential value (domain rules
// §2: operating strength, creditworthiness, cooperation loyalty, regional
// market size).
type Trade struct {
	// AnnualTurnover is the intermediary's own yearly sales, all brands,
	// in its currency: the main measure of operating strength.
	AnnualTurnover Money
	// Outlets is the number of shops or points of sale it runs.
	Outlets int
	// Rating is its credit rating; 0 when unknown (master data of a
	// system that keeps none). Domain rules §2 name creditworthiness as
	// an indicator of potential value but do not require it. Package
	// value scores a known rating on its own scale ([CreditRating.Score],
	// whoever else is rated) and an unknown one as its model's missing
	// score for credit: in its default model 0.5, the rating BB in the
	// middle of the scale, below every dealer rated BBB or better and
	// above every one rated B or worse. The unknown rating keeps its
	// weight in the score; it is not left out.
	Rating CreditRating
	// CooperationStart is when it started to sell the brand; the zero
	// time when unknown. Package value measures cooperation loyalty by
	// the days from it to the as-of day; when it is unknown, or after
	// the as-of day, its default model falls back to the intermediary's
	// tenure as a buyer (days since its first purchase), and scores 0
	// when that is unknown too (no purchase).
	CooperationStart time.Time
	// MarketSize is the yearly clothing spend of its region, in its
	// currency (a market-research estimate).
	MarketSize Money
}
