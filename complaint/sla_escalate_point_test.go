package complaint_test

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"pgregory.net/rapid"
)

// EscalateAt is the multiple of the target a policy writes, such as 1.2:
// with a target of 240 hours escalation is due once more than 288 hours
// have passed, and an escalation at 288 hours answers the clock. A
// float64 holds 1.2 as a binary fraction a trifle below it, whose exact
// product with the target falls a fraction of a nanosecond short of 288
// hours; 1.1 and 1.3 a trifle above. The point is the multiple as
// written, compared exactly, for every usual multiple and target in
// hours.
func TestEscalationPointAsWritten(t *testing.T) {
	for _, x := range []struct {
		at       float64
		per100th int64 // the multiple in hundredths
	}{{1.05, 105}, {1.1, 110}, {1.15, 115}, {1.2, 120}, {1.25, 125}, {1.3, 130}, {1.5, 150}, {1.7, 170}, {2.4, 240}, {3, 300}} {
		for _, h := range []int64{1, 2, 4, 8, 24, 48, 72, 120, 240, 336} {
			name := fmt.Sprintf("%v×%dh", x.at, h)
			target := time.Duration(h) * time.Hour
			point := time.Duration(int64(target) * x.per100th / 100) // exact: a whole number of seconds
			_, evs := reach(1)
			p := complaint.DefaultSLA()
			p.EscalateAt = x.at
			p.Resolution[evs[0].Priority] = target
			start := evs[0].At // received at the recording

			st, err := p.Status(evs, start.Add(point))
			require.NoError(t, err, name)
			require.Equal(t, point, st.Resolution.Elapsed, name)
			assert.False(t, st.Resolution.EscalationDue, "%s: at %s, not past it", name, point)
			st, err = p.Status(evs, start.Add(point+1))
			require.NoError(t, err, name)
			assert.True(t, st.Resolution.EscalationDue, "%s: a nanosecond past %s", name, point)

			// An escalation when the clock reaches the point answers it.
			c, err := complaint.Rebuild(evs)
			require.NoError(t, err)
			_, ev := do(t, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, agent, start.Add(point))
			st, err = p.Status(append(evs, ev), start.Add(point+time.Hour))
			require.NoError(t, err, name)
			assert.True(t, st.Resolution.Escalated, "%s: escalated at %s", name, point)
			assert.False(t, st.Resolution.EscalationDue, "%s: escalated at %s", name, point)
		}
	}
}

// A multiple too large for any product with a target to fit in a
// Duration never makes escalation due, not even on a clock that ran for
// the longest Duration; the multiple counts from 1.
func TestEscalationPointExtremeMultiples(t *testing.T) {
	_, evs := reach(1)
	far := time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, at := range []float64{1e300, math.MaxFloat64, 123456789012345678} {
		p := complaint.DefaultSLA()
		p.EscalateAt = at
		st, err := p.Status(evs, far)
		require.NoError(t, err)
		assert.Equal(t, time.Duration(math.MaxInt64), st.Resolution.Elapsed)
		assert.True(t, st.Resolution.Overdue, "%v", at)
		assert.False(t, st.Resolution.EscalationDue, "%v", at)
	}
	for _, at := range []float64{0, -3, 0.5, 1} {
		p := complaint.DefaultSLA()
		p.EscalateAt = at
		target := p.Resolution[evs[0].Priority]
		st, err := p.Status(evs, evs[0].At.Add(target))
		require.NoError(t, err)
		assert.False(t, st.Resolution.EscalationDue, "%v at the target", at)
		st, err = p.Status(evs, evs[0].At.Add(target+1))
		require.NoError(t, err)
		assert.True(t, st.Resolution.EscalationDue, "%v past the target", at)
	}
}

// For any multiple written with up to three decimals and any target, the
// escalation is due exactly when Elapsed exceeds the multiple as written
// times the target, as rational arithmetic has it, up to the longest
// Duration.
func TestEscalationPointExactProperty(t *testing.T) {
	_, evs := reach(1)
	start := evs[0].At
	rapid.Check(t, func(t *rapid.T) {
		thousandths := rapid.Int64Range(1000, 20000).Draw(t, "thousandths")
		at, err := strconv.ParseFloat(strconv.FormatFloat(float64(thousandths)/1000, 'f', 3, 64), 64)
		if err != nil {
			t.Fatal(err)
		}
		maxTarget := int64(math.MaxInt64) / thousandths * 1000
		target := time.Duration(rapid.Int64Range(1, 1000).Draw(t, "hours")) * time.Hour
		if rapid.Bool().Draw(t, "any target") {
			target = time.Duration(rapid.Int64Range(1, maxTarget).Draw(t, "target"))
		}
		point := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(target)), big.NewInt(thousandths)), big.NewInt(1000))
		floor := new(big.Int).Quo(point.Num(), point.Denom()) // the point, rounded down (it is positive)
		elapsed := floor.Int64() + rapid.Int64Range(-2, 2).Draw(t, "off")
		if elapsed < 0 || elapsed > math.MaxInt64-2 {
			t.Skip("beyond a Duration")
		}
		p := complaint.DefaultSLA()
		p.EscalateAt = at
		p.Resolution[evs[0].Priority] = target
		st, err := p.Status(evs, start.Add(time.Duration(elapsed)))
		if err != nil {
			t.Fatal(err)
		}
		if st.Resolution.Elapsed != time.Duration(elapsed) {
			t.Fatalf("elapsed %d, want %d", st.Resolution.Elapsed, elapsed)
		}
		want := new(big.Rat).SetInt64(elapsed).Cmp(point) > 0
		if st.Resolution.EscalationDue != want {
			t.Fatalf("%v × %d at %d: due %v, want %v", at, target, elapsed, st.Resolution.EscalationDue, want)
		}
	})
}
