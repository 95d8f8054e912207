package risk_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// drawParam is a model parameter: mostly finite and positive, sometimes
// one the models reject.
func drawParam(t *rapid.T, name string) float64 {
	if rapid.IntRange(0, 19).Draw(t, name+"_bad") == 0 {
		return rapid.SampledFrom([]float64{0, -1, math.NaN(), math.Inf(1)}).Draw(t, name+"_bad_value")
	}
	return math.Exp(rapid.Float64Range(-5, 8).Draw(t, name))
}

// drawTransactionModel draws any of the churn package's transaction
// models with random parameters.
func drawTransactionModel(t *rapid.T) churn.TransactionModel {
	p := func(n string) float64 { return drawParam(t, n) }
	switch rapid.IntRange(0, 3).Draw(t, "kind") {
	case 0:
		return churn.BGNBD{R: p("r"), Alpha: p("alpha"), A: p("a"), B: p("b")}
	case 1:
		return churn.MBGNBD{R: p("r"), Alpha: p("alpha"), A: p("a"), B: p("b")}
	case 2:
		return churn.ParetoNBD{R: p("r"), Alpha: p("alpha"), S: p("s"), Beta: p("beta")}
	default:
		return churn.BGBB{Alpha: p("alpha"), Beta: p("beta"), Gamma: p("gamma"), Delta: p("delta")}
	}
}

// drawTriple draws (x, t_x, T): mostly valid (whole opportunities half
// the time, for BG/BB), sometimes not (recency after T, a negative or
// fractional frequency, NaN).
func drawTriple(t *rapid.T) (x, tx, T float64) {
	T = rapid.Float64Range(0.01, 500).Draw(t, "T")
	if rapid.Bool().Draw(t, "whole") {
		T = math.Ceil(T)
	}
	x = float64(rapid.IntRange(0, 60).Draw(t, "x"))
	if x > 0 {
		tx = rapid.Float64Range(0, T).Draw(t, "tx")
		if T == math.Trunc(T) {
			tx = math.Min(math.Max(math.Round(tx), x), T)
		}
	}
	switch rapid.IntRange(0, 9).Draw(t, "corrupt") {
	case 0:
		tx = T + 1
	case 1:
		x = -1
	case 2:
		x += 0.5
	case 3:
		T = math.NaN()
	}
	return x, tx, T
}

// AliveOf gives what the model gives, value and error alike, for any
// model and any triple, valid or not.
func TestPropertyAliveOfMatchesModel(t *testing.T) {
	var ok, failed int
	rapid.Check(t, func(t *rapid.T) {
		m := drawTransactionModel(t)
		x, tx, T := drawTriple(t)
		want, wantErr := m.PAlive(churn.Observation{Frequency: x, Recency: tx, T: T})
		got, err := risk.AliveOf(m).PAlive(x, tx, T)
		if wantErr != nil {
			failed++
			if err == nil {
				t.Fatalf("%s(%v, %v, %v): want error %v, got %v", m.Name(), x, tx, T, wantErr, got)
			}
			if err.Error() != wantErr.Error() {
				t.Fatalf("%s(%v, %v, %v): error %q, want %q", m.Name(), x, tx, T, err, wantErr)
			}
			for _, target := range []error{churn.ErrInvalidInput, churn.ErrInvalidParams, churn.ErrNumerical} {
				if errors.Is(err, target) != errors.Is(wantErr, target) {
					t.Fatalf("%s(%v, %v, %v): errors.Is(%q, %v) differs from the model's", m.Name(), x, tx, T, err, target)
				}
			}
			return
		}
		ok++
		if err != nil {
			t.Fatalf("%s(%v, %v, %v): unexpected error %v (model gives %v)", m.Name(), x, tx, T, err, want)
		}
		if got != want {
			t.Fatalf("%s(%v, %v, %v): P(alive) %v, model %v", m.Name(), x, tx, T, got, want)
		}
	})
	// both paths were exercised
	require.Positive(t, ok, "valid triples")
	require.Positive(t, failed, "triples or models the model rejects")
}

// A nil model is an error, not a panic.
func TestAliveOfNilModel(t *testing.T) {
	_, err := risk.AliveOf(nil).PAlive(2, 10, 20)
	require.ErrorIs(t, err, churn.ErrInvalidParams)
}

// Collect with AliveOf puts the model's P(alive) of each customer's
// triple into the input, and stops at the model's error naming the
// customer.
func TestCollectAliveOf(t *testing.T) {
	asOf := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sums := []customer.Summary{
		summaryAt(t, "C-1", asOf, 400, 300, 120, 30),
		summaryAt(t, "C-2", asOf, 200, 190),
		summaryAt(t, "C-3", asOf, 50),
	}
	m := churn.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.668}
	ins, err := risk.Collect(sums, nil, risk.AliveOf(m), customer.Weeks)
	require.NoError(t, err)
	for i, s := range sums {
		x, tx, T, ok := s.BTYD(customer.Weeks)
		require.True(t, ok)
		want, err := m.PAlive(churn.Observation{Frequency: float64(x), Recency: tx, T: T})
		require.NoError(t, err)
		require.True(t, ins[i].HasPAlive)
		require.Equal(t, want, ins[i].PAlive, s.CustomerID)
	}
	// BG/BB counts whole opportunities: weeks with a fraction are the
	// model's input error, reported for the customer.
	_, err = risk.Collect(sums, nil, risk.AliveOf(churn.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}), customer.Weeks)
	require.ErrorIs(t, err, churn.ErrInvalidInput)
	require.ErrorContains(t, err, `customer "C-1" (#0)`)
}

// summaryAt builds a summary as of asOf with one order on each of the
// days daysAgo before it.
func summaryAt(t *testing.T, id customer.ID, asOf time.Time, daysAgo ...int) customer.Summary {
	t.Helper()
	s := customer.NewSummary(id, customer.Consumer, asOf, nil)
	for i, d := range daysAgo {
		require.NoError(t, s.AddOrder(customer.Order{
			ID: fmt.Sprint(id, "-", i), CustomerID: id, Time: asOf.AddDate(0, 0, -d),
			Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(40)}},
		}))
	}
	return *s
}

// ComplaintsAsOf serves the signals of its instant (in any location),
// zero signals for a customer without complaints, and refuses another
// instant rather than serve signals of the wrong day.
func TestComplaintsAsOf(t *testing.T) {
	asOf := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sig := customer.ComplaintSignals{Total: 1, Recent: 1, Unresolved: 1, Window: 90 * 24 * time.Hour, MaxSeverity: 2, Last: asOf.AddDate(0, 0, -3)}
	src := risk.ComplaintsAsOf{AsOf: asOf, Signals: map[customer.ID]customer.ComplaintSignals{"C-1": sig}}

	got, err := src.ComplaintSignals("C-1", asOf)
	require.NoError(t, err)
	require.Equal(t, sig, got)
	shanghai := time.FixedZone("CST", 8*3600)
	got, err = src.ComplaintSignals("C-1", asOf.In(shanghai))
	require.NoError(t, err)
	require.Equal(t, sig, got)
	got, err = src.ComplaintSignals("C-2", asOf)
	require.NoError(t, err)
	require.Zero(t, got)

	_, err = src.ComplaintSignals("C-1", asOf.AddDate(0, 0, 1))
	var ie *risk.InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, customer.ID("C-1"), ie.Customer)
	require.True(t, ie.Has("as_of", customer.CodeMismatch), "%v", err)
	require.ErrorIs(t, err, customer.ErrInvalid)

	// Through Collect: the signals reach the input of their customer;
	// a summary as of another instant stops it, naming the customer.
	sums := []customer.Summary{summaryAt(t, "C-1", asOf, 100, 20), summaryAt(t, "C-2", asOf, 10)}
	ins, err := risk.Collect(sums, src, nil, customer.Weeks)
	require.NoError(t, err)
	require.Equal(t, sig, ins[0].Complaints)
	require.Zero(t, ins[1].Complaints)
	sums[1] = summaryAt(t, "C-2", asOf.Add(time.Hour), 10)
	_, err = risk.Collect(sums, src, nil, customer.Weeks)
	require.ErrorAs(t, err, &ie)
	require.ErrorContains(t, err, `"C-2" (#1)`)
}

// The map complaint.Signals returns is what ComplaintsAsOf serves.
func TestComplaintsAsOfTakesComplaintSignals(t *testing.T) {
	asOf := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sigs, err := complaint.Signals(nil, asOf, 0, complaint.DefaultSLA())
	require.NoError(t, err)
	src := risk.ComplaintsAsOf{AsOf: asOf, Signals: sigs}
	got, err := src.ComplaintSignals("C-1", asOf)
	require.NoError(t, err)
	require.Zero(t, got)
}
