package customer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSummarizeRejectsBadArguments: a zero asOf, an unknown kind, an
// empty customer ID and a default margin outside [0, 1] are errors naming
// the field, before the history is read.
func TestSummarizeRejectsBadArguments(t *testing.T) {
	history := seqOf([]Event{evO(validOrder())})
	tests := []struct {
		name string
		id   ID
		kind Kind
		asOf time.Time
		opts *SummaryOptions
		want []FieldError
	}{
		{"zero asOf", "C-1", Consumer, time.Time{}, nil, []FieldError{fe("as_of", CodeRequired)}},
		{"kind 0", "C-1", 0, vNow, nil, []FieldError{fe("kind", CodeUnknown)}},
		{"kind 7", "C-1", 7, vNow, nil, []FieldError{fe("kind", CodeUnknown)}},
		{"empty customer ID", "", Consumer, vNow, nil, []FieldError{fe("customer_id", CodeRequired)}},
		{"margin 5", "C-1", Consumer, vNow, &SummaryOptions{DefaultMargin: d("5")}, []FieldError{fe("default_margin", CodeRange)}},
		{"margin -1", "C-1", Consumer, vNow, &SummaryOptions{DefaultMargin: d("-1")}, []FieldError{fe("default_margin", CodeRange)}},
		{"margin just above 1", "C-1", Consumer, vNow, &SummaryOptions{DefaultMargin: d("1.0001")}, []FieldError{fe("default_margin", CodeRange)}},
		{"every fault at once", "", 0, time.Time{}, &SummaryOptions{DefaultMargin: d("-0.5")},
			[]FieldError{fe("customer_id", CodeRequired), fe("kind", CodeUnknown), fe("as_of", CodeRequired), fe("default_margin", CodeRange)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Summarize(tt.id, tt.kind, tt.asOf, history, tt.opts)
			requireFields(t, err, tt.want...)
			assert.Contains(t, err.Error(), "summary of customer")
			assert.Zero(t, s.Orders)
		})
	}
	for _, m := range []string{"0", "1", "0.55", "0.3"} {
		_, err := Summarize("C-1", Consumer, vNow, history, &SummaryOptions{DefaultMargin: d(m)})
		require.NoError(t, err, "margin %s", m)
	}
}

// TestNewSummaryWithBadArgumentsRejectsEveryRecord: NewSummary cannot
// return an error, so a summary made with a zero asOf, an unknown kind or
// a bad margin refuses every record with the error naming the field and
// stays empty; before the fix a zero asOf silently counted every record
// as Later.
func TestNewSummaryWithBadArgumentsRejectsEveryRecord(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  Kind
		asOf  time.Time
		opts  *SummaryOptions
		field string
	}{
		{"zero asOf", Consumer, time.Time{}, nil, "as_of"},
		{"kind 0", 0, vNow, nil, "kind"},
		{"margin 5", Consumer, vNow, &SummaryOptions{DefaultMargin: d("5")}, "default_margin"},
		{"margin -1", Consumer, vNow, &SummaryOptions{DefaultMargin: d("-1")}, "default_margin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSummary("C-1", tc.kind, tc.asOf, tc.opts)
			before := s.Clone()
			check := func(err error) {
				t.Helper()
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.True(t, ve.Has(tc.field, ""), "%v", err)
				assertSameSummary(t, before, *s)
				assert.Zero(t, s.Later)
			}
			check(s.AddOrder(validOrder()))
			check(s.AddReturn(validReturn(), validOrder()))
			check(s.AddRefund(vNow, mustMoney("10", "EUR"), 1))
			check(s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: mustMoney("10", "EUR"), Units: 1}))
			check(s.AddInteraction(Interaction{CustomerID: "C-1", Time: vNow, Kind: SiteVisit}))
			_, err := s.Merge(*s)
			check(err)
		})
	}
}

func TestSummaryOptionsValidate(t *testing.T) {
	var none *SummaryOptions
	require.NoError(t, none.Validate())
	require.NoError(t, (&SummaryOptions{}).Validate())
	requireFields(t, (&SummaryOptions{DefaultMargin: d("5")}).Validate(), fe("default_margin", CodeRange))
}
