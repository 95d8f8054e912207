package complaint_test

import (
	"fmt"
	"sort"
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

// The thresholds are a map, ranged in no fixed order: Validate's error
// lists the faults sorted by field all the same, so that one policy gives
// one message.
func TestPolicyValidateSameMessageEveryTime(t *testing.T) {
	p := deskPolicy()
	for cur, d := range map[customer.Currency]decimal.Decimal{
		"eur": decimal.NewFromInt(1), "XYZ": decimal.NewFromInt(-1), "USD": decimal.NewFromInt(-2),
		"": decimal.New(1, 40), "JPY": decimal.RequireFromString("-0.5"),
	} {
		p.ApprovalThresholds[cur] = d
	}
	p.ApprovingDepartments = append(p.ApprovingDepartments, " ", "quality")
	first := p.Validate()
	require.Error(t, first)
	var ve *customer.ValidationError
	require.ErrorAs(t, first, &ve)
	assert.True(t, sort.SliceIsSorted(ve.Fields, func(i, j int) bool { return ve.Fields[i].Field < ve.Fields[j].Field }), "%v", first)
	assert.Len(t, ve.Fields, 9, "%v", first) // "" and XYZ twice each: unknown, and out of bounds or negative
	for range 50 {
		require.Equal(t, first.Error(), p.Validate().Error())
	}
}

// sameDepartmentBefore is SameDepartment as it was written before it
// compared word by word.
func sameDepartmentBefore(a, b string) bool {
	return a == b || strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// awkward are pieces of department names on which a word-by-word
// comparison could part from the definition: white space outside ASCII
// (U+0085 and U+00A0 among them), characters that look like it and are
// not (U+200B, U+FEFF, U+180E), the bytes of spaces alone or cut short,
// other bytes that are not UTF-8, U+FFFD, and letters whose case folding
// has three members or more.
var awkward = []string{
	"", " ", "\t", "\n", "\v", "\f", "\r", "\u0085", "\u00a0", "\u1680", "\u2000", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
	"\u200b", "\ufeff", "\u180e", "\x1c", "\x00",
	"\xc2", "\x85", "\xa0", "\xc2\xc2\x85", "\xe2\x80", "\xe3\x80", "\xe1\x9a", "\xff", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\ufffd",
	"a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "σ", "ς", "Σ", "ß", "ẞ", "θ", "ϑ", "Θ", "ϴ", "µ", "μ", "Μ", "ǅ", "ǆ", "Ǆ", "İ", "ı", "i", "I",
}

// adversarialName draws a name of awkward pieces, or of arbitrary bytes.
var adversarialName = rapid.Custom(func(t *rapid.T) string {
	if rapid.IntRange(0, 3).Draw(t, "bytes") == 0 {
		return string(rapid.SliceOfN(rapid.Byte(), 0, 12).Draw(t, "raw"))
	}
	return strings.Join(rapid.SliceOfN(rapid.SampledFrom(awkward), 0, 8).Draw(t, "pieces"), "")
})

// Property: SameDepartment, which compares word by word, is the
// comparison it was before for every pair of strings, UTF-8 or not.
func TestSameDepartmentAsBeforeOnBytes(t *testing.T) {
	for _, a := range awkward {
		for _, b := range awkward {
			for _, ab := range [][2]string{{a, b}, {a + " " + b, b + a}, {"x" + a + "y", "x" + b + "y"}, {a + "q" + a, b + "Q" + b}} {
				if got, want := complaint.SameDepartment(ab[0], ab[1]), sameDepartmentBefore(ab[0], ab[1]); got != want {
					t.Fatalf("SameDepartment(%q, %q) = %v, was %v", ab[0], ab[1], got, want)
				}
			}
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		a := adversarialName.Draw(t, "a")
		b := adversarialName.Draw(t, "b")
		if rapid.Bool().Draw(t, "related") {
			// b from a: a piece of it, a respelling, or a with bytes around.
			switch rapid.IntRange(0, 2).Draw(t, "how") {
			case 0:
				i := rapid.IntRange(0, len(a)).Draw(t, "i")
				j := rapid.IntRange(i, len(a)).Draw(t, "j")
				b = a[i:j]
			case 1:
				b = strings.Join(strings.Fields(strings.ToUpper(a)), rapid.SampledFrom(awkward[:16]).Draw(t, "sep"))
			default:
				b = rapid.SampledFrom(awkward).Draw(t, "pre") + a + rapid.SampledFrom(awkward).Draw(t, "post")
			}
		}
		for _, ab := range [][2]string{{a, b}, {b, a}} {
			if got, want := complaint.SameDepartment(ab[0], ab[1]), sameDepartmentBefore(ab[0], ab[1]); got != want {
				t.Fatalf("SameDepartment(%q, %q) = %v, was %v", ab[0], ab[1], got, want)
			}
		}
	})
}

// foldingRunes are the characters whose simple case folding holds
// another character.
var foldingRunes = func() []rune {
	var rs []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if utf8.ValidRune(r) && unicode.SimpleFold(r) != r {
			rs = append(rs, r)
		}
	}
	return rs
}()

// fillers are distinct department names, none a respelling of another,
// that make a list long enough for Validate to find its repeated names
// through their folded forms rather than pair by pair.
func fillers(n int) []string {
	ds := make([]string, n)
	for i := range ds {
		ds[i] = fmt.Sprintf("filler %d", i)
	}
	return ds
}

// repeats returns, by index, the first earlier entry each entry of ds
// names again as SameDepartment compares (-1 for none), for a list of
// valid names.
func repeats(ds []string) []int {
	first := make([]int, len(ds))
	for i, d := range ds {
		first[i] = -1
		for j, e := range ds[:i] {
			if complaint.SameDepartment(d, e) {
				first[i] = j
				break
			}
		}
	}
	return first
}

// validateRepeats returns, by index, the entry Validate says each entry
// of ds names again (-1 for none).
func validateRepeats(t require.TestingT, ds []string) []int {
	got := make([]int, len(ds))
	for i := range got {
		got[i] = -1
	}
	err := (&complaint.Policy{ApprovingDepartments: ds}).Validate()
	if err == nil {
		return got
	}
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range ve.Fields {
		require.Equal(t, customer.CodeDuplicate, f.Code, "%v", err)
		var i, j int
		_, scanErr := fmt.Sscanf(f.Field, "approving_departments[%d]", &i)
		require.NoError(t, scanErr, f.Field)
		_, scanErr = fmt.Sscanf(f.Message, "names the department of approving_departments[%d]", &j)
		require.NoError(t, scanErr, f.Message)
		got[i] = j
	}
	return got
}

// Every character and each other member of its case folding are one
// department's name for SameDepartment, and Validate finds the second
// a repeat whether it compares the list pair by pair or by folded forms;
// a character and one outside its folding are not.
func TestDepartmentFoldingEveryCharacter(t *testing.T) {
	long := fillers(17)
	for _, r := range foldingRunes {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			a, b := "x"+string(r), "X"+string(f)
			require.True(t, complaint.SameDepartment(a, b), "%q %q", a, b)
			require.Equal(t, []int{-1, 0}, validateRepeats(t, []string{a, b}), "%q %q", a, b)
			require.Equal(t, 17, validateRepeats(t, append(long[:17:17], a, b))[18], "%q %q", a, b)
		}
		// The next character with another folding: not the same name.
		if o := r + 1; utf8.ValidRune(o) && !complaint.SameDepartment(string(r), string(o)) {
			require.Equal(t, -1, validateRepeats(t, append(long[:17:17], string(r), string(o)))[18], "%q %q", r, o)
		}
	}
}

// Property: for lists of valid names of characters that fold, and of
// white space, the repeats Validate finds are those SameDepartment
// defines, on both of its paths (16 names or fewer, and more).
func TestDepartmentRepeatsAgreeOnBothPaths(t *testing.T) {
	spaces := []rune{' ', '\t', '\u0085', '\u00a0', '\u3000'}
	name := rapid.Custom(func(t *rapid.T) string {
		var b strings.Builder
		b.WriteRune(rapid.SampledFrom(foldingRunes).Draw(t, "lead"))
		for range rapid.IntRange(0, 4).Draw(t, "more") {
			if rapid.IntRange(0, 3).Draw(t, "space") == 0 {
				b.WriteRune(rapid.SampledFrom(spaces).Draw(t, "sp"))
			}
			b.WriteRune(rapid.SampledFrom(foldingRunes).Draw(t, "r"))
		}
		return b.String()
	})
	// A respelling: each character replaced by one of its folding, each
	// run of white space by another.
	respell := func(t *rapid.T, s string) string {
		var b strings.Builder
		b.WriteRune(rapid.SampledFrom(spaces).Draw(t, "lead"))
		for i, w := range strings.Fields(s) {
			if i > 0 {
				b.WriteString(strings.Repeat(string(rapid.SampledFrom(spaces).Draw(t, "sep")), rapid.IntRange(1, 2).Draw(t, "n")))
			}
			for _, r := range w {
				for range rapid.IntRange(0, 3).Draw(t, "fold") {
					r = unicode.SimpleFold(r)
				}
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	rapid.Check(t, func(t *rapid.T) {
		var ds []string
		for range rapid.IntRange(1, 10).Draw(t, "names") {
			if len(ds) > 0 && rapid.Bool().Draw(t, "again") {
				ds = append(ds, respell(t, rapid.SampledFrom(ds).Draw(t, "of")))
			} else {
				ds = append(ds, name.Draw(t, "name"))
			}
		}
		want := repeats(ds)
		require.Equal(t, want, validateRepeats(t, ds), "pairwise %q", ds)
		long := append(fillers(17), ds...)
		want = repeats(long)
		require.Equal(t, want, validateRepeats(t, long), "folded %q", ds)
	})
}

// A valid list of approving departments costs Validate no allocation
// only up to 16 names, as its documentation says; a longer one is
// checked through a map.
func TestPolicyValidateAllocationAsDocumented(t *testing.T) {
	for _, n := range []int{0, 1, 16} {
		p := &complaint.Policy{ApprovingDepartments: fillers(n)}
		assert.Zero(t, testing.AllocsPerRun(20, func() { _ = p.Validate() }), "%d names", n)
	}
}

// An erasure keeps a case's department, in the case and in the events
// it rebuilds from: a closed case erased, read back or rebuilt, still
// takes a follow-up's feedback, not refused as a case without its
// department.
func TestErasedCaseKeepsItsDepartment(t *testing.T) {
	c, evs := complainttest.Run("C-7", t0, 8)
	require.Equal(t, complaint.StateClosed, c.State)
	at := c.Updated.Add(time.Hour)
	erased := make([]complaint.Event, len(evs))
	for i, ev := range evs {
		erased[i] = complaint.EraseEvent(ev, at)
	}
	rebuilt, err := complaint.Rebuild(erased)
	require.NoError(t, err)
	stored := complaint.EraseCase(c, at)
	followUp := complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 6, Expected: 8, CSAT: 3}}
	for _, c := range []complaint.Case{rebuilt, stored} {
		assert.Equal(t, "quality", c.Department)
		_, _, err := complaint.Apply(c, followUp, agent, at.Add(time.Hour))
		require.NoError(t, err)
	}
}
