package complaint_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// policyFault is one fault of a Policy: what it changes in a valid
// policy, and the field and code the error names.
type policyFault struct {
	name        string
	inject      func(p *complaint.Policy)
	field, code string
}

func threshold(cur customer.Currency, d decimal.Decimal) func(p *complaint.Policy) {
	return func(p *complaint.Policy) {
		if p.ApprovalThresholds == nil {
			p.ApprovalThresholds = map[customer.Currency]decimal.Decimal{}
		}
		p.ApprovalThresholds[cur] = d
	}
}

func department(name string) func(p *complaint.Policy) {
	return func(p *complaint.Policy) { p.ApprovingDepartments = append(p.ApprovingDepartments, name) }
}

// policyFaults are the faults Validate refuses. A department fault is
// appended to the policy's list; its field names the index of the
// appended name, which the caller fills in.
var policyFaults = []policyFault{
	{"negative threshold", threshold("EUR", decimal.NewFromInt(-1)), `approval_thresholds["EUR"]`, customer.CodeNegative},
	{"negative threshold in a currency not otherwise set", threshold("JPY", decimal.RequireFromString("-0.01")), `approval_thresholds["JPY"]`, customer.CodeNegative},
	{"threshold beyond the bounds of an amount", threshold("USD", decimal.New(1, 40)), `approval_thresholds["USD"]`, customer.CodeRange},
	{"threshold with an extreme exponent", threshold("USD", decimal.New(1, -2147483647)), `approval_thresholds["USD"]`, customer.CodeRange},
	{"lower-case currency code", threshold("eur", decimal.NewFromInt(100)), `approval_thresholds["eur"]`, customer.CodeUnknown},
	{"unknown currency code", threshold("XYZ", decimal.NewFromInt(100)), `approval_thresholds["XYZ"]`, customer.CodeUnknown},
	{"empty currency code", threshold("", decimal.NewFromInt(100)), `approval_thresholds[""]`, customer.CodeUnknown},
	{"negative reopen window", func(p *complaint.Policy) { p.ReopenWindow = -time.Nanosecond }, "reopen_window", customer.CodeNegative},
	{"negative feedback wait", func(p *complaint.Policy) { p.FeedbackWait = -time.Hour }, "feedback_wait", customer.CodeNegative},
	{"nil priority function", func(p *complaint.Policy) { p.Priority = complaint.PriorityFunc(nil) }, "priority", customer.CodeRequired},
	{"empty department", department(""), "approving_departments[%d]", customer.CodeRequired},
	{"blank department", department(" \t\u00a0"), "approving_departments[%d]", customer.CodeRequired},
	{"department not valid UTF-8", department("Qual\xffity"), "approving_departments[%d]", customer.CodeFormat},
	{"department named twice", department("quality"), "approving_departments[%d]", customer.CodeDuplicate},
	{"department named twice as a name", department("  QUALITY "), "approving_departments[%d]", customer.CodeDuplicate},
	{"department named twice with a line break", department("Quality\n"), "approving_departments[%d]", customer.CodeDuplicate},
}

// faultField is f's field in p after the injection.
func faultField(f policyFault, p *complaint.Policy) string {
	if f.field == "approving_departments[%d]" {
		return fmt.Sprintf(f.field, len(p.ApprovingDepartments)-1)
	}
	return f.field
}

// helperT is what policyInvalid needs of a test: a *testing.T or a
// *rapid.T.
type helperT interface {
	require.TestingT
	Helper()
}

// policyInvalid requires err to be a validation error of the policy that
// names exactly the given fields with their codes.
func policyInvalid(t helperT, err error, fieldCodes ...string) {
	t.Helper()
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Equal(t, "complaint: policy", ve.Record)
	for i := 0; i+1 < len(fieldCodes); i += 2 {
		assert.True(t, ve.Has(fieldCodes[i], fieldCodes[i+1]), "want %s %s in %v", fieldCodes[i], fieldCodes[i+1], err)
	}
	assert.Len(t, ve.Fields, len(fieldCodes)/2, "%v", err)
}

// deskPolicy is the default policy with a central desk and the quality
// department approving.
func deskPolicy() *complaint.Policy {
	p := complaint.DefaultPolicy()
	p.ApprovingDepartments = []string{"Customer Service", "Quality"}
	return p
}

func TestPolicyValidateAccepts(t *testing.T) {
	var none *complaint.Policy
	require.NoError(t, none.Validate(), "nil: the default policy")
	require.NoError(t, complaint.DefaultPolicy().Validate())
	require.NoError(t, (&complaint.Policy{}).Validate(), "zero: every amount needs a manager, no reopening, no closing without feedback")
	require.NoError(t, deskPolicy().Validate())
	zero := &complaint.Policy{ApprovalThresholds: map[customer.Currency]decimal.Decimal{"EUR": decimal.Zero, "JPY": {}}}
	require.NoError(t, zero.Validate(), "a zero threshold: supervisors approve no amount")
	loc := &complaint.Policy{Location: time.FixedZone("shops", 3600), Priority: complaint.PriorityFunc(func(complaint.Severity, complaint.ValueClass) complaint.Priority { return 0 })}
	require.NoError(t, loc.Validate(), "an undefined priority is replaced by normal, as documented")
}

// Apply validates its policy on every call: a valid one costs no
// allocation.
func TestPolicyValidateAllocatesNothing(t *testing.T) {
	desk := deskPolicy()
	desk.ApprovingDepartments = append(desk.ApprovingDepartments, " Head  Office ", "Returns")
	for _, p := range []*complaint.Policy{complaint.DefaultPolicy(), desk} {
		assert.Zero(t, testing.AllocsPerRun(100, func() { _ = p.Validate() }))
	}
}

func TestPolicyValidateRefusesEachFault(t *testing.T) {
	for _, f := range policyFaults {
		t.Run(f.name, func(t *testing.T) {
			p := deskPolicy()
			f.inject(p)
			policyInvalid(t, p.Validate(), faultField(f, p), f.code)
		})
	}
}

func TestPolicyValidateListsEveryFault(t *testing.T) {
	p := &complaint.Policy{
		ApprovalThresholds: map[customer.Currency]decimal.Decimal{
			"EUR": decimal.NewFromInt(100), "usd": decimal.NewFromInt(-5), "GBP": decimal.NewFromInt(-1),
		},
		ReopenWindow:         -time.Hour,
		FeedbackWait:         -time.Minute,
		Priority:             complaint.PriorityFunc(nil),
		ApprovingDepartments: []string{"Quality", "", "Desk", " quality", "desk", "  "},
	}
	err := p.Validate()
	policyInvalid(t, err,
		`approval_thresholds["usd"]`, customer.CodeUnknown,
		`approval_thresholds["usd"]`, customer.CodeNegative,
		`approval_thresholds["GBP"]`, customer.CodeNegative,
		"reopen_window", customer.CodeNegative,
		"feedback_wait", customer.CodeNegative,
		"priority", customer.CodeRequired,
		"approving_departments[1]", customer.CodeRequired,
		"approving_departments[3]", customer.CodeDuplicate,
		"approving_departments[4]", customer.CodeDuplicate,
		"approving_departments[5]", customer.CodeRequired,
	)
	// Deterministic, whatever the order in which the map is ranged.
	for range 20 {
		require.Equal(t, err.Error(), p.Validate().Error())
	}
	assert.Contains(t, err.Error(), `approving_departments[3]: names the department of approving_departments[0] ("Quality") again`)
}

// Apply refuses a policy that does not validate, with the policy's
// error, before it looks at the case or the command, and changes
// nothing.
func TestApplyRefusesAnInvalidPolicy(t *testing.T) {
	proposed, _ := reach(4)
	approve := complaint.Command{Kind: complaint.CmdApprove}
	for _, f := range policyFaults {
		t.Run(f.name, func(t *testing.T) {
			p := deskPolicy()
			f.inject(p)
			before := proposed.Clone()
			got, ev, err := p.Apply(proposed, approve, supervisor, hours(5))
			policyInvalid(t, err, faultField(f, p), f.code)
			assert.True(t, reflect.DeepEqual(before, got), "case changed")
			assert.True(t, reflect.DeepEqual(before, proposed), "case changed")
			assert.Equal(t, complaint.Event{}, ev)

			in := complainttest.Intake("C-9", t0)
			_, ev, err = p.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
			policyInvalid(t, err, faultField(f, p), f.code)
			assert.Equal(t, complaint.Event{}, ev)
		})
	}
}

// The Service refuses a policy that does not validate before it touches
// the store: no case recorded, no event appended, and a redelivery of a
// command already applied is refused too rather than answered.
func TestServiceRefusesAnInvalidPolicy(t *testing.T) {
	ctx := context.Background()
	store := complaint.NewMemStore()
	good := &complaint.Service{Store: store, Policy: deskPolicy()}
	in := complainttest.Intake("C-1", t0)
	_, _, err := good.Record(ctx, in, "", agent, t0)
	require.NoError(t, err)
	accept := complaint.Command{Kind: complaint.CmdAccept, Key: "k-1"}
	_, _, err = good.Do(ctx, "C-1", accept, agent, hours(1))
	require.NoError(t, err)
	before, err := store.Events(ctx, "C-1")
	require.NoError(t, err)

	bad := deskPolicy()
	bad.ApprovingDepartments = append(bad.ApprovingDepartments, " ")
	svc := &complaint.Service{Store: store, Policy: bad}
	field := "approving_departments[2]"

	in2 := complainttest.Intake("C-2", t0)
	_, _, err = svc.Record(ctx, in2, "", agent, t0)
	policyInvalid(t, err, field, customer.CodeRequired)
	_, _, err = svc.Do(ctx, "C-3", complaint.Command{Kind: complaint.CmdRecord, Intake: ptr(complainttest.Intake("C-3", t0))}, agent, t0)
	policyInvalid(t, err, field, customer.CodeRequired)
	for _, id := range []complaint.ID{"C-2", "C-3"} {
		_, err = store.Get(ctx, id)
		require.ErrorIs(t, err, complaint.ErrNotFound, "nothing recorded")
	}

	_, _, err = svc.Do(ctx, "C-1", accept, agent, hours(1)) // a redelivery
	policyInvalid(t, err, field, customer.CodeRequired)
	assign := complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}
	_, _, err = svc.DoRetry(ctx, "C-1", assign, agent, hours(2), 3)
	policyInvalid(t, err, field, customer.CodeRequired)
	after, err := store.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, before, after, "no event appended")
}

func ptr[T any](v T) *T { return &v }

// Property: a valid policy validates and Apply works under it; the same
// policy with any one fault injected is refused, the error naming that
// field alone, and Apply under it leaves the case unchanged.
func TestPolicyOneFaultRefused(t *testing.T) {
	proposed, _ := reach(4)
	approve := complaint.Command{Kind: complaint.CmdApprove}
	currencies := []customer.Currency{"EUR", "USD", "GBP", "CHF", "CNY", "JPY", "KWD"}
	rapid.Check(t, func(t *rapid.T) {
		p := &complaint.Policy{}
		if rapid.Bool().Draw(t, "thresholds") {
			p.ApprovalThresholds = map[customer.Currency]decimal.Decimal{}
			for _, cur := range rapid.SliceOfDistinct(rapid.SampledFrom(currencies), func(c customer.Currency) customer.Currency { return c }).Draw(t, "currencies") {
				units := rapid.Int64Range(0, 1_000_000).Draw(t, "units")
				p.ApprovalThresholds[cur] = decimal.New(units, -rapid.Int32Range(0, 3).Draw(t, "decimals"))
			}
		}
		p.ReopenWindow = time.Duration(rapid.Int64Range(0, int64(400*24*time.Hour)).Draw(t, "reopen window"))
		p.FeedbackWait = time.Duration(rapid.Int64Range(0, int64(40*24*time.Hour)).Draw(t, "feedback wait"))
		for i := range rapid.IntRange(0, 4).Draw(t, "departments") {
			spelling := rapid.SampledFrom([]string{"Desk %d", " desk %d", "DESK  %d "}).Draw(t, "spelling")
			p.ApprovingDepartments = append(p.ApprovingDepartments, fmt.Sprintf(spelling, i))
		}
		if rapid.Bool().Draw(t, "default priority") {
			p.Priority = complaint.DefaultPriority{}
		}
		require.NoError(t, p.Validate(), "%+v", p)
		_, _, err := p.Apply(proposed, approve, manager, hours(5))
		require.NoError(t, err)

		f := rapid.SampledFrom(policyFaults).Draw(t, "fault")
		if f.code == customer.CodeDuplicate {
			p.ApprovingDepartments = append(p.ApprovingDepartments, "Quality") // what the fault names again
		}
		f.inject(p)
		field := faultField(f, p)
		policyInvalid(t, p.Validate(), field, f.code)
		before := proposed.Clone()
		got, ev, err := p.Apply(proposed, approve, manager, hours(5))
		policyInvalid(t, err, field, f.code)
		require.True(t, reflect.DeepEqual(before, got), "case changed")
		require.Equal(t, complaint.Event{}, ev)
	})
}

// A case past its assignment has a department: the assignment requires
// one, and Rebuild checks it. A case that has none there, as a damaged
// store may give back, is refused rather than approved by anyone: the
// approval guard would have no department to hold the approver to.
func TestApplyRefusesACaseWithoutItsDepartment(t *testing.T) {
	proposed, _ := reach(4)
	require.Equal(t, complaint.StateProposed, proposed.State)
	damaged := proposed.Clone()
	damaged.Department = ""
	logistics := complaint.Actor{ID: "supervisor-9", Role: complaint.RoleSupervisor, Department: "logistics"}
	invalid(t, damaged, complaint.Command{Kind: complaint.CmdApprove}, logistics, hours(5), "case.department", customer.CodeRequired)
	invalid(t, damaged, complaint.Command{Kind: complaint.CmdSendBack, Reason: "r"}, logistics, hours(5), "case.department", customer.CodeRequired)

	// So is a waiting case that resumes to a step past the assignment.
	waiting, _ := do(t, proposed, complaint.Command{Kind: complaint.CmdWait, Reason: "photos"}, handler, hours(5))
	waiting.Department = ""
	invalid(t, waiting, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(6), "case.department", customer.CodeRequired)
	// The message tells which of the two it is.
	_, _, err := complaint.Apply(damaged, complaint.Command{Kind: complaint.CmdApprove}, logistics, hours(5))
	assert.ErrorContains(t, err, "a case proposed has been assigned, and has no department")
	_, _, err = complaint.Apply(waiting, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(6))
	assert.ErrorContains(t, err, "a case waiting to resume to proposed has been assigned, and has no department")

	// Before the assignment, and after a rejection, a case has none.
	accepted, _ := reach(1)
	require.Equal(t, "", accepted.Department)
	do(t, accepted, complaint.Command{Kind: complaint.CmdWait, Reason: "photos"}, agent, hours(2))
	recorded, _ := reach(0)
	rejected, _ := do(t, recorded, complaint.Command{Kind: complaint.CmdReject, Reply: "not ours"}, agent, hours(1))
	do(t, rejected, complaint.Command{Kind: complaint.CmdReopen, Reason: "it is"}, supervisor, hours(2))
}

// Property: Validate finds the repeated approving departments as
// SameDepartment defines them, for short lists and for long ones (which
// it checks another way): each valid name that names the department of
// an earlier valid one is refused, naming the first such entry; an
// empty, blank or malformed name is refused as such and repeats nothing.
func TestPolicyRepeatedDepartments(t *testing.T) {
	pieces := []string{"desk", "DESK", "q", "ß", "ẞ", "k", "\u212a", "σ", "ς", "Σ", " ", "  ", "\t", "\u00a0", "\xff", "\ufffd"}
	name := rapid.Custom(func(t *rapid.T) string {
		return strings.Join(rapid.SliceOfN(rapid.SampledFrom(pieces), 0, 3).Draw(t, "pieces"), "")
	})
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.SampledFrom([]int{0, 1, 2, 5, 16, 17, 40}).Draw(t, "length") // 16 or fewer compared pairwise
		ds := rapid.SliceOfN(name, n, n).Draw(t, "departments")
		p := &complaint.Policy{ApprovingDepartments: ds}
		bad := func(d string) bool { return !utf8.ValidString(d) || strings.TrimFunc(d, unicode.IsSpace) == "" }
		var want []customer.FieldError
		for i, d := range ds {
			field := fmt.Sprintf("approving_departments[%d]", i)
			switch {
			case !utf8.ValidString(d):
				want = append(want, customer.FieldError{Field: field, Code: customer.CodeFormat})
				continue
			case bad(d):
				want = append(want, customer.FieldError{Field: field, Code: customer.CodeRequired})
				continue
			}
			for j, e := range ds[:i] {
				if !bad(e) && sameDepartmentReference(d, e) {
					want = append(want, customer.FieldError{Field: field, Code: customer.CodeDuplicate,
						Message: fmt.Sprintf("names the department of approving_departments[%d] (%q) again", j, e)})
					break
				}
			}
		}
		err := p.Validate()
		if len(want) == 0 {
			require.NoError(t, err)
			return
		}
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Len(t, ve.Fields, len(want), "%v", err)
		got := map[string]customer.FieldError{}
		for _, f := range ve.Fields {
			got[f.Field] = f
		}
		for _, w := range want {
			g, ok := got[w.Field]
			require.True(t, ok, "want %s %s in %v", w.Field, w.Code, err)
			require.Equal(t, w.Code, g.Code, "%s in %v", w.Field, err)
			if w.Message != "" {
				require.Equal(t, w.Message, g.Message)
			}
		}
	})
}

// A long list of approving departments is checked in time linear in its
// length, not by comparing every pair.
func TestPolicyManyDepartments(t *testing.T) {
	ds := make([]string, 50_000)
	for i := range ds {
		ds[i] = fmt.Sprintf("Shop %d Desk", i)
	}
	p := &complaint.Policy{ApprovingDepartments: append(ds, " shop  17 DESK")}
	policyInvalid(t, p.Validate(), "approving_departments[50000]", customer.CodeDuplicate)
	assert.Contains(t, p.Validate().Error(), `names the department of approving_departments[17] ("Shop 17 Desk") again`)
	p.ApprovingDepartments = ds
	require.NoError(t, p.Validate())
}
