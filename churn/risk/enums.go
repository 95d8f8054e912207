package risk

import "github.com/tailorcrm/tailor/internal/enumtext"

// Band is an early-warning level derived from a risk by the thresholds of
// [Bands]: a customer whose risk is at least Bands.Critical is
// BandCritical, at least Bands.High is BandHigh, at least Bands.Watch is
// BandWatch, and BandLow otherwise.
type Band uint8

const (
	// BandLow needs no action.
	BandLow Band = iota + 1
	// BandWatch is worth watching: include in routine retention contact.
	BandWatch
	// BandHigh is likely to leave: contact and ask what is wrong (domain rules §4).
	BandHigh
	// BandCritical is very likely to leave: act now (offer, service recovery).
	BandCritical
)

var bandNames = []string{"", "low", "watch", "high", "critical"}

// ParseBand parses the text form of a Band: "low", "watch", "high" or
// "critical".
func ParseBand(s string) (Band, error) { return enumtext.Parse[Band](s, bandNames, "band") }

// String returns the text form, or "Band(n)" for an undefined value.
func (b Band) String() string { return enumtext.String(b, bandNames, "Band") }

// Valid reports whether b is a defined Band.
func (b Band) Valid() bool { return enumtext.Valid(b, bandNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an
// error.
func (b Band) MarshalText() ([]byte, error) { return enumtext.Marshal(b, bandNames, "band") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (b *Band) UnmarshalText(text []byte) error { return enumtext.Unmarshal(b, text, ParseBand) }

// Method says which model produced a risk.
type Method uint8

const (
	// MethodFitted is a logistic regression fitted on labelled history
	// (see [Fit]).
	MethodFitted Method = iota + 1
	// MethodRules is the documented fixed-weight score (see [Rules]), used
	// when there is too little labelled history to fit.
	MethodRules
)

var methodNames = []string{"", "fitted", "rules"}

// ParseMethod parses the text form of a Method: "fitted" or "rules".
func ParseMethod(s string) (Method, error) {
	return enumtext.Parse[Method](s, methodNames, "method")
}

// String returns the text form, or "Method(n)" for an undefined value.
func (m Method) String() string { return enumtext.String(m, methodNames, "Method") }

// Valid reports whether m is a defined Method.
func (m Method) Valid() bool { return enumtext.Valid(m, methodNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an
// error.
func (m Method) MarshalText() ([]byte, error) { return enumtext.Marshal(m, methodNames, "method") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (m *Method) UnmarshalText(text []byte) error { return enumtext.Unmarshal(m, text, ParseMethod) }

// Feature identifies one input of the risk model. Features are numbered
// 1..NumFeatures-1 in a fixed order, which is also the order of
// coefficients and contributions.
type Feature uint8

const (
	// FeatureNotAlive is 1 − P(alive), the buy-till-you-die probability
	// that the customer has already left. Missing when no P(alive) is
	// given, and for customers with a single purchase day: the BG/NBD
	// model lets customers drop out only after a repeat purchase, so its
	// P(alive) is 1 for all of them by construction (Fader, Hardie & Lee
	// 2005: P(alive | x = 0) = 1), which would rank one-time buyers as the
	// safest customers. On the CDNOW sample 1 − P(alive) alone ranks
	// churners with an AUC of 0.30, worse than chance, for this reason.
	FeatureNotAlive Feature = iota + 1
	// FeatureOverdue is ln(1 + d ÷ g): d the days since the last purchase,
	// g the customer's typical gap between shopping occasions (see
	// [Model.TypicalGap]). It is ln 2 when the customer is exactly one
	// usual gap away from the last purchase, and grows slowly beyond.
	FeatureOverdue
	// FeatureFewPurchases is 1 ÷ the number of purchase days: 1 for a
	// one-time buyer, ½ for two purchase days, approaching 0 for a regular.
	// Most customers who leave a retailer never come back after their
	// first purchase (on the CDNOW sample, 86% of one-time buyers made no
	// purchase in the 39-week holdout against 48% of repeat buyers).
	FeatureFewPurchases
	// FeatureFrequencyDecline is (p − l) ÷ (p + l), with l and p the
	// purchase days in the last 12 months and in the 12 months before: +1
	// when purchases stopped, −1 when they started, 0 when steady. It is
	// +1 too when p + l = 0: the first purchase being more than a year
	// old, every purchase day is then more than two years old, so
	// purchases stopped, and the risk of a lapsed customer does not fall
	// when the last purchase leaves the two years.
	//
	// It compares two years of the customer's history, so it is missing
	// when the first purchase is less than a year old ([Signals].PriorYear
	// false). In the customer's second year the first purchase day falls
	// in the 12 months before the last 12, which then hold only e days of
	// the customer's history after it (e = DaysSinceFirstPurchase − the
	// days of the last 12 months; 0 on the day the first purchase turns
	// one year old). Counted as they are, those months would read a
	// steady customer as declining (the first purchase day opens the
	// history: a steady customer who buys every g days has ⌊e ÷ g⌋ + 1
	// purchase days in them against about 365 ÷ g in a full year) and a
	// growing one as steady, and the trend would jump on the day the first
	// purchase turns two years old. So, with l > 0, p is replaced by
	//
	//	p′ = (p − 1) + l · (1 − e ÷ Y),
	//
	// Y the days of those 12 months (365 or 366): the purchase days after
	// the first, the rest of the year filled with the rhythm of the last
	// 12 months, as if nothing changed. The trend is missing at e = 0 (no
	// day to compare with), moves from 0 towards the full comparison as
	// the year before fills with the customer's history, and meets it on
	// the second anniversary; a customer whose purchases speed up sees the
	// risk ease through the second year, not all at once when that year
	// becomes a full one. With l = 0 (no purchase day in the last 12
	// months) it is (p − 0) ÷ p = +1, the customer stopped; and for
	// hand-filled signals without DaysSinceFirstPurchase it is the
	// decline of the raw counts, present only when p > l.
	FeatureFrequencyDecline
	// FeatureSpendDecline is (p − l) ÷ (p + l) on the net spend of the same
	// two years, negative amounts counted as zero. Without a purchase day
	// in the two years it is +1, as FeatureFrequencyDecline, unless those
	// years hold positive spend all the same (later shipments of an order
	// counted on an earlier day, see [Signals.Validate]): it is then the
	// ratio of that spend. In the customer's second year the spend of the
	// year before is, as the purchase days, the spend after the first
	// purchase day filled with the last 12 months' (SpendPrior12 −
	// SpendFirstDay + max(SpendLast12, 0) · (1 − e ÷ Y)). Missing as
	// FeatureFrequencyDecline, and when the two years have purchase days
	// but no positive spend.
	FeatureSpendDecline
	// FeatureReturnRate is the share of units bought that were returned,
	// in [0, 1].
	FeatureReturnRate
	// FeatureRecentComplaints is ln(1 + complaints within the recent
	// window).
	FeatureRecentComplaints
	// FeatureUnresolved is ln(1 + complaints still unresolved).
	FeatureUnresolved
	// FeatureSLABreaches is ln(1 + complaints that missed a service-level
	// deadline).
	FeatureSLABreaches
	// FeatureSeverity is the highest recent complaint severity ÷ 4, in
	// [0, 1].
	FeatureSeverity
	// FeatureComplaintRecency is 2^(−a ÷ h), a the days since the last
	// complaint and h the half-life ([Options].ComplaintHalfLife, 90 days by
	// default): 1 for a complaint today, ½ after h days, 0 with no
	// complaint.
	FeatureComplaintRecency
	// FeatureDissatisfied is ln(1 + complaints whose latest feedback says
	// the customer was not satisfied with how they were handled,
	// [customer.ComplaintSignals].Dissatisfied): a complaint handled to the
	// customer's dissatisfaction is the bad experience after which most
	// customers leave (domain rules §4, 004: 71%), while one resolved to
	// the customer's satisfaction is not.
	FeatureDissatisfied
	// FeatureEscalated is ln(1 + complaints a person escalated within the
	// recent window, [customer.ComplaintSignals].Escalated): a customer
	// who pushed a complaint past the front line, asking for a manager or
	// threatening to go public, has had the bad experience after which
	// most customers leave (domain rules §4, 004: 71%), whether or not a
	// service deadline was missed. It comes last so that the numbers of
	// the earlier features, and stored models without it, stay as they
	// were.
	FeatureEscalated

	// NumFeatures is one more than the last Feature: arrays indexed by
	// Feature have this length, and index 0 is unused.
	NumFeatures int = iota + 1
)

var featureNames = []string{"", "not_alive", "overdue", "few_purchases", "frequency_decline", "spend_decline",
	"return_rate", "recent_complaints", "unresolved_complaints", "sla_breaches",
	"complaint_severity", "complaint_recency", "dissatisfied_complaints", "escalated_complaints"}

// Features returns every Feature in order.
func Features() []Feature {
	out := make([]Feature, 0, NumFeatures-1)
	for f := Feature(1); int(f) < NumFeatures; f++ {
		out = append(out, f)
	}
	return out
}

// ParseFeature parses the text form of a Feature, such as "overdue".
func ParseFeature(s string) (Feature, error) {
	return enumtext.Parse[Feature](s, featureNames, "feature")
}

// String returns the text form, or "Feature(n)" for an undefined value.
func (f Feature) String() string { return enumtext.String(f, featureNames, "Feature") }

// Valid reports whether f is a defined Feature.
func (f Feature) Valid() bool { return enumtext.Valid(f, featureNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an
// error.
func (f Feature) MarshalText() ([]byte, error) { return enumtext.Marshal(f, featureNames, "feature") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (f *Feature) UnmarshalText(text []byte) error { return enumtext.Unmarshal(f, text, ParseFeature) }
