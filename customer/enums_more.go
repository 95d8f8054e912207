package customer

import "github.com/tailorcrm/tailor/internal/enumtext"

var fitNames = []string{"", "slim", "regular", "loose"}

// ParseFit parses "slim", "regular" or "loose".
func ParseFit(s string) (Fit, error) { return enumtext.Parse[Fit](s, fitNames, "fit") }

// String returns the fit's name.
func (f Fit) String() string { return enumtext.String(f, fitNames, "Fit") }

// Valid reports whether f is a defined fit.
func (f Fit) Valid() bool { return enumtext.Valid(f, fitNames) }

// MarshalText implements [encoding.TextMarshaler]. The zero Fit (unknown)
// encodes as the empty string.
func (f Fit) MarshalText() ([]byte, error) { return enumtext.MarshalOptional(f, fitNames, "fit") }

// UnmarshalText implements [encoding.TextUnmarshaler]; the empty string
// decodes as the zero Fit.
func (f *Fit) UnmarshalText(b []byte) error {
	v, err := enumtext.ParseOptional[Fit](string(b), fitNames, "fit")
	if err != nil {
		return err
	}
	*f = v
	return nil
}

var ratingNames = []string{"", "D", "C", "CCC", "B", "BB", "BBB", "A", "AA", "AAA"}

// ParseCreditRating parses a letter rating from "D" to "AAA" (upper case).
func ParseCreditRating(s string) (CreditRating, error) {
	return enumtext.Parse[CreditRating](s, ratingNames, "credit rating")
}

// String returns the letter rating, such as "BBB".
func (r CreditRating) String() string { return enumtext.String(r, ratingNames, "CreditRating") }

// Valid reports whether r is a defined rating.
func (r CreditRating) Valid() bool { return enumtext.Valid(r, ratingNames) }

// MarshalText implements [encoding.TextMarshaler]. The zero rating (not
// rated) encodes as the empty string.
func (r CreditRating) MarshalText() ([]byte, error) {
	return enumtext.MarshalOptional(r, ratingNames, "credit rating")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; the empty string
// decodes as the zero rating.
func (r *CreditRating) UnmarshalText(b []byte) error {
	v, err := enumtext.ParseOptional[CreditRating](string(b), ratingNames, "credit rating")
	if err != nil {
		return err
	}
	*r = v
	return nil
}

var periodNames = []string{"", "day", "week"}

// ParsePeriod parses "day" or "week", the -period values of the crm
// command.
func ParsePeriod(s string) (Period, error) { return enumtext.Parse[Period](s, periodNames, "period") }

// String returns "day" or "week".
func (p Period) String() string { return enumtext.String(p, periodNames, "Period") }

// Valid reports whether p is Days or Weeks.
func (p Period) Valid() bool { return enumtext.Valid(p, periodNames) }

// mustBeValid panics, naming the method, when p is not a defined period.
func (p Period) mustBeValid(method string) {
	if !p.Valid() {
		panic("customer: Summary." + method + ": invalid " + p.String() + " (want Days or Weeks)")
	}
}

// MarshalText implements [encoding.TextMarshaler].
func (p Period) MarshalText() ([]byte, error) { return enumtext.Marshal(p, periodNames, "period") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (p *Period) UnmarshalText(b []byte) error { return enumtext.Unmarshal(p, b, ParsePeriod) }

// ParseRoundingMode parses "half-up", "half-even" or "down".
func ParseRoundingMode(s string) (RoundingMode, error) {
	return enumtext.Parse[RoundingMode](s, roundingNames, "rounding mode")
}

// MarshalText implements [encoding.TextMarshaler].
func (r RoundingMode) MarshalText() ([]byte, error) {
	return enumtext.Marshal(r, roundingNames, "rounding mode")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (r *RoundingMode) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(r, b, ParseRoundingMode)
}
