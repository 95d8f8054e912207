package customer

import (
	"encoding"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type textEnum interface {
	fmt.Stringer
	encoding.TextMarshaler
}

// TestEnumsRoundTrip: every value of every enum marshals to its name and
// parses back; zero and out-of-range values print as Type(n) and do not
// marshal — except the zero of an optional field (Role, Fit,
// CreditRating: "not set"), which marshals as "".
func TestEnumsRoundTrip(t *testing.T) {
	optional := map[string]bool{"Role": true, "Fit": true, "CreditRating": true}
	check := func(name string, n int, get func(i int) textEnum, parse func(s string) (textEnum, error)) {
		for i := 1; i <= n; i++ {
			v := get(i)
			b, err := v.MarshalText()
			require.NoError(t, err, "%s %d", name, i)
			assert.Equal(t, v.String(), string(b))
			back, err := parse(string(b))
			require.NoError(t, err)
			assert.Equal(t, v, back)
		}
		for _, i := range []int{0, n + 1, 255} {
			assert.Equal(t, fmt.Sprintf("%s(%d)", name, i), get(i).String())
			b, err := get(i).MarshalText()
			if i == 0 && optional[name] {
				require.NoError(t, err, "%s(0) is 'not set'", name)
				assert.Empty(t, b)
				continue
			}
			assert.Error(t, err, "%s(%d) marshals", name, i)
		}
		_, err := parse("no-such-value")
		assert.Error(t, err)
		_, err = parse("")
		assert.Error(t, err)
	}
	check("Kind", 2, func(i int) textEnum { return Kind(i) }, func(s string) (textEnum, error) { return ParseKind(s) })
	check("Role", 4, func(i int) textEnum { return Role(i) }, func(s string) (textEnum, error) { return ParseRole(s) })
	check("Channel", 4, func(i int) textEnum { return Channel(i) }, func(s string) (textEnum, error) { return ParseChannel(s) })
	check("ReturnReason", 6, func(i int) textEnum { return ReturnReason(i) }, func(s string) (textEnum, error) { return ParseReturnReason(s) })
	check("ReturnKind", 2, func(i int) textEnum { return ReturnKind(i) }, func(s string) (textEnum, error) { return ParseReturnKind(s) })
	check("InteractionKind", 6, func(i int) textEnum { return InteractionKind(i) }, func(s string) (textEnum, error) { return ParseInteractionKind(s) })
	check("Fit", 3, func(i int) textEnum { return Fit(i) }, func(s string) (textEnum, error) { return ParseFit(s) })
	check("CreditRating", 9, func(i int) textEnum { return CreditRating(i) }, func(s string) (textEnum, error) { return ParseCreditRating(s) })
	check("RoundingMode", 3, func(i int) textEnum { return RoundingMode(i) }, func(s string) (textEnum, error) { return ParseRoundingMode(s) })
	check("Period", 2, func(i int) textEnum { return Period(i) }, func(s string) (textEnum, error) { return ParsePeriod(s) })

	k, err := ParseKind("wholesaler")
	require.NoError(t, err)
	assert.Equal(t, Intermediary, k, "a role parses as an intermediary")
	assert.Equal(t, 0.0, RatingD.Score())
	assert.Equal(t, 1.0, RatingAAA.Score())
	assert.InDelta(t, 0.625, RatingBBB.Score()+0.0, 1e-12)
	assert.Equal(t, "AAA", RatingAAA.String())
}
