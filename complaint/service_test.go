package complaint_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

func TestMemStoreConformance(t *testing.T) {
	complainttest.TestStore(t, func(*testing.T) complaint.Store { return complaint.NewMemStore() })
}

// conflictStore reports ErrConflict for the first n saves.
type conflictStore struct {
	complaint.Store
	n int
}

func (s *conflictStore) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	if s.n > 0 {
		s.n--
		return complaint.ErrConflict
	}
	return s.Store.Save(ctx, c, ev)
}

// staleStore returns its case with an older version.
type staleStore struct{ complaint.Store }

func (s staleStore) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	c, err := s.Store.Get(ctx, id)
	c.Version--
	return c, err
}

func TestService(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	in := complainttest.Intake("C-1", t0)
	c, ev, err := svc.Record(ctx, in, "by phone", agent, t0)
	require.NoError(t, err)
	assert.Equal(t, "by phone", ev.Command.Note)
	assert.Equal(t, 1, c.Version)

	_, _, err = svc.Record(ctx, in, "", agent, t0)
	assert.ErrorIs(t, err, complaint.ErrConflict, "same ID twice")

	bad := in
	bad.ID = "C-2"
	bad.Description = ""
	_, _, err = svc.Record(ctx, bad, "", agent, t0)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	_, err = mem.Get(ctx, "C-2")
	assert.ErrorIs(t, err, complaint.ErrNotFound, "nothing saved")

	_, _, err = svc.Do(ctx, "C-9", complaint.Command{Kind: complaint.CmdAccept}, agent, hours(1))
	assert.ErrorIs(t, err, complaint.ErrNotFound)

	got, _, err := svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "q", Handler: "h"}}, agent, hours(1))
	assert.ErrorIs(t, err, complaint.ErrNotPermitted)
	assert.Equal(t, 1, got.Version, "the loaded case is returned unchanged")
	stored, err := mem.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, 1, stored.Version)

	c, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept}, agent, hours(1))
	require.NoError(t, err)
	assert.Equal(t, complaint.StateAccepted, c.State)
	evs, err := svc.History(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 2)
	assert.NoError(t, svc.Verify(ctx, "C-1"))
	assert.ErrorIs(t, (&complaint.Service{Store: staleStore{mem}}).Verify(ctx, "C-1"), complaint.ErrBadLog)
	assert.ErrorIs(t, svc.Verify(ctx, "C-9"), complaint.ErrNotFound)
	assert.Equal(t, []complaint.ID{"C-1"}, mem.IDs())

	// Retries on conflict.
	flaky := &complaint.Service{Store: &conflictStore{Store: mem, n: 2}}
	_, _, err = flaky.DoRetry(ctx, "C-1", complaint.Command{Kind: complaint.CmdEscalate, Reason: "r"}, agent, hours(2), 2)
	assert.ErrorIs(t, err, complaint.ErrConflict)
	flaky = &complaint.Service{Store: &conflictStore{Store: mem, n: 2}}
	c, _, err = flaky.DoRetry(ctx, "C-1", complaint.Command{Kind: complaint.CmdEscalate, Reason: "r"}, agent, hours(2), 3)
	require.NoError(t, err)
	assert.Equal(t, 3, c.Version)
	var zero complaint.MemStore
	_, err = zero.Events(ctx, "x")
	assert.ErrorIs(t, err, complaint.ErrNotFound)
}

func TestJSONRoundTrip(t *testing.T) {
	c, evs := reach(8)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var back complaint.Case
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, complainttest.Same(c, back))
	assert.Contains(t, string(b), `"state":"closed"`)
	assert.Contains(t, string(b), `"order_value":"189.00 EUR"`)

	b, err = json.Marshal(evs)
	require.NoError(t, err)
	var evBack []complaint.Event
	require.NoError(t, json.Unmarshal(b, &evBack))
	assert.True(t, complainttest.SameEvents(evs, evBack))
	r, err := complaint.Rebuild(evBack)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, r))
	assert.Contains(t, string(b), `"kind":"record-feedback"`)

	var cmd complaint.Command
	assert.Error(t, json.Unmarshal([]byte(`{"kind":"fly"}`), &cmd))
	assert.Error(t, json.Unmarshal([]byte(`{"kind":"propose","proposal":{"kind":"refund","amount":"NaN EUR"}}`), &cmd))
	_, err = json.Marshal(complaint.Command{})
	assert.Error(t, err, "the zero command kind has no text form")
}

func seedJSON(f *testing.F, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// fixpoint decodes data into a new T and, when that succeeds and the
// value encodes, checks that decoding and encoding again is stable.
func fixpoint[T any](t *testing.T, data []byte) (T, bool) {
	var v T
	if json.Unmarshal(data, &v) != nil {
		return v, false
	}
	b1, err := json.Marshal(v)
	if err != nil {
		return v, false
	}
	var w T
	require.NoError(t, json.Unmarshal(b1, &w), "re-decoding %s", b1)
	b2, err := json.Marshal(w)
	require.NoError(t, err)
	require.Equal(t, string(b1), string(b2))
	return w, true
}

func FuzzCommandJSON(f *testing.F) {
	in := complainttest.Intake("C-1", t0)
	seedJSON(f, complaint.Command{Kind: complaint.CmdRecord, Intake: &in})
	for _, s := range complainttest.HappyPath() {
		seedJSON(f, s.Command)
	}
	seedJSON(f, complaint.Command{Kind: complaint.CmdReopen, Reason: "r", Feedback: &complaint.Feedback{Perceived: 1, Expected: 9, CSAT: 1}})
	f.Add([]byte(`{"kind":"propose","proposal":{"kind":"refund","amount":"-1 EUR","detail":"x"}}`))
	f.Add([]byte(`{"kind":"record-feedback","feedback":{"perceived":5,"expected":0,"csat":9}}`))
	f.Add([]byte(`{"kind":"wait"}`))
	states := make([]complaint.Case, 0, 9)
	for n := 0; n <= 8; n++ {
		c, _ := reach(n)
		states = append(states, c)
	}
	actors := []complaint.Actor{agent, handler, supervisor, manager, complainant, system}
	f.Fuzz(func(t *testing.T, data []byte) {
		cmd, ok := fixpoint[complaint.Command](t, data)
		if !ok {
			return
		}
		for _, c := range append(states, complaint.Case{}) {
			for _, a := range actors {
				next, ev, err := complaint.Apply(c, cmd, a, hours(100))
				if err != nil {
					require.Equal(t, c, next, "refused command changed the case")
					continue
				}
				require.Equal(t, c.Version+1, next.Version)
				prior := []complaint.Event{}
				if c.Version > 0 {
					_, prior = reach(c.Version - 1)
				}
				r, err := complaint.Rebuild(append(prior, ev))
				require.NoError(t, err)
				require.True(t, complainttest.Same(next, r))
			}
		}
	})
}

func FuzzEventsJSON(f *testing.F) {
	_, evs := reach(8)
	seedJSON(f, evs)
	_, evs = reach(3)
	seedJSON(f, evs)
	f.Add([]byte(`[{"case":"C-1","seq":1,"to":"recorded","command":{"kind":"accept"},"priority":"low"}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, ok := fixpoint[[]complaint.Event](t, data)
		if !ok {
			return
		}
		c, err := complaint.Rebuild(evs)
		if err != nil {
			require.ErrorIs(t, err, complaint.ErrBadLog)
			return
		}
		require.Equal(t, len(evs), c.Version)
		st, err := complaint.DefaultSLA().Status(evs, evs[len(evs)-1].At)
		require.NoError(t, err)
		var sum time.Duration
		for _, v := range st.Visits {
			require.GreaterOrEqual(t, v.Elapsed, time.Duration(0))
			sum += v.Elapsed
		}
		span := evs[len(evs)-1].At.Sub(evs[0].At)
		require.LessOrEqual(t, sum+st.PausedFor, span, "clocks never count more than the elapsed time")
		_, err = complaint.Analyze([][]complaint.Event{evs}, evs[0].At, evs[0].At.Add(time.Hour), 1, nil)
		require.NoError(t, err)
	})
}

// FuzzCaseJSON decodes a case, as a store may give one back, and
// applies to it commands that add and compare its amounts (the
// proposal's bound by the order value, the approval's threshold, the
// carry-out's deductions and sums paid) and an escalation. Apply returns
// within the test's time, a refused command leaves the case as it was,
// and a case Apply returns is not refused for faults of its own
// (case.*) by the next command.
func FuzzCaseJSON(f *testing.F) {
	for _, n := range []int{0, 3, 4, 5, 6, 8} {
		c, _ := reach(n)
		seedJSON(f, c)
	}
	f.Add([]byte(`{"id":"x","version":3,"state":"waiting","resume_to":"closed"}`))
	f.Add([]byte(`{"id":"C-1","version":6,"state":"approved","intake":{"currency":"EUR","order_value":"10 EUR"},` +
		`"department":"q","proposal":{"kind":"refund","amount":"40.00 USD"},"paid_out":"-5 EUR"}`))
	deduction := complaint.Accountability{Staff: "qc-1", Action: complaint.ActionPayDeduction, Deduction: eur(f, "1.00")}
	commands := []struct {
		cmd complaint.Command
		by  complaint.Actor
	}{
		{complaint.Command{Kind: complaint.CmdEscalate, Reason: "r"}, supervisor},
		{complaint.Command{Kind: complaint.CmdApprove}, supervisor},
		{complaint.Command{Kind: complaint.CmdApprove}, manager},
		{complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail,
			Accountability: []complaint.Accountability{deduction}}}, supervisor},
		{complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail,
			Loss: eur(f, "50.00"), Accountability: []complaint.Accountability{deduction}}}, supervisor},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(f, "20.00"), Detail: "x"}}, supervisor},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(f, "20.00"), Detail: "x"}}, supervisor},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok := fixpoint[complaint.Case](t, data)
		if !ok {
			return
		}
		_ = complaint.Permitted(c)
		at := c.Updated.Add(time.Hour)
		for _, s := range commands {
			before := c.Clone()
			next, _, err := applyWithin(t, nil, c, s.cmd, s.by, at)
			require.Equal(t, before, c, "%s changed the case given", s.cmd.Kind)
			if err != nil {
				require.Equal(t, c, next, "%s: %v", s.cmd.Kind, err)
				continue
			}
			_, _, err = applyWithin(t, nil, next, complaint.Command{Kind: complaint.CmdEscalate, Reason: "r"}, supervisor, at.Add(time.Hour))
			var ve *customer.ValidationError
			if errors.As(err, &ve) {
				for _, fe := range ve.Fields {
					require.False(t, strings.HasPrefix(fe.Field, "case."), "%s gave a case Apply refuses: %v", s.cmd.Kind, err)
				}
			}
		}
	})
}

// alteredStore gives back its cases changed by alter.
type alteredStore struct {
	complaint.Store
	alter func(*complaint.Case)
}

func (s alteredStore) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	c, err := s.Store.Get(ctx, id)
	s.alter(&c)
	return c, err
}

// Verify finds a stored case that differs from its events in any field,
// not only in version and state, and names the field; times given back
// in another location are the same instants.
func TestVerifyComparesTheWholeCase(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	c, evs := complainttest.Run("C-1", t0, 7) // carried out, with money paid
	require.False(t, c.PaidOut.IsZero())
	var prev complaint.Case
	for i, ev := range evs {
		next, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, mem.Save(ctx, next, ev))
		prev = next
	}
	require.Equal(t, c.Version, prev.Version)
	require.NoError(t, (&complaint.Service{Store: mem}).Verify(ctx, "C-1"))

	tokyo := time.FixedZone("JST", 9*60*60)
	moved := alteredStore{mem, func(c *complaint.Case) {
		c.Opened, c.Updated, c.CarriedOut = c.Opened.In(tokyo), c.Updated.In(tokyo), c.CarriedOut.In(tokyo)
	}}
	assert.NoError(t, (&complaint.Service{Store: moved}).Verify(ctx, "C-1"), "the same instants in another zone")

	for field, alter := range map[string]func(*complaint.Case){
		"paid_out": func(c *complaint.Case) { c.PaidOut = customer.Money{} },
		"handler":  func(c *complaint.Case) { c.Handler = "someone-else" },
		"opened":   func(c *complaint.Case) { c.Opened = c.Opened.Add(time.Second) },
		"intake":   func(c *complaint.Case) { c.Intake.Description = "another account" },
	} {
		err := (&complaint.Service{Store: alteredStore{mem, alter}}).Verify(ctx, "C-1")
		require.ErrorIs(t, err, complaint.ErrBadLog, field)
		assert.ErrorContains(t, err, "stored field "+field+" differs", field)
	}
}
