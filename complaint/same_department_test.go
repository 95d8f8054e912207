package complaint_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint"
	"pgregory.net/rapid"
)

// sameDepartmentReference is SameDepartment as its doc comment defines
// it: the names without the white space around them, every run of
// white space inside them as one space, compared with strings.EqualFold.
func sameDepartmentReference(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// Property: SameDepartment is the comparison its doc comment defines,
// for names of letters that fold (ASCII, Latin, Greek, the Kelvin sign),
// white space of every kind, and bytes that are not UTF-8.
func TestSameDepartmentAsDefined(t *testing.T) {
	pieces := []string{"a", "A", "q", "Q", "ß", "ẞ", "k", "K", "\u212a", "σ", "Σ", "ς", "é", "É",
		" ", "  ", "\t", "\n", "\u00a0", "\u0085", "\u2003", "\u3000", "\xff", "\xc3", "-", "1"}
	name := rapid.Custom(func(t *rapid.T) string {
		return strings.Join(rapid.SliceOfN(rapid.SampledFrom(pieces), 0, 8).Draw(t, "pieces"), "")
	})
	rapid.Check(t, func(t *rapid.T) {
		a := name.Draw(t, "a")
		b := name.Draw(t, "b")
		if rapid.Bool().Draw(t, "respell") {
			// b as a respelling of a: other case, other white space.
			f := strings.Fields(a)
			for i := range f {
				if rapid.Bool().Draw(t, "upper") {
					f[i] = strings.ToUpper(f[i])
				}
			}
			b = rapid.SampledFrom([]string{"", " ", "\t"}).Draw(t, "lead") + strings.Join(f, rapid.SampledFrom([]string{" ", "  ", "\u00a0", "\n"}).Draw(t, "sep"))
		}
		want := sameDepartmentReference(a, b)
		if got := complaint.SameDepartment(a, b); got != want {
			t.Fatalf("SameDepartment(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got := complaint.SameDepartment(b, a); got != want {
			t.Fatalf("SameDepartment(%q, %q) = %v, want %v", b, a, got, want)
		}
	})
}

// SameDepartment allocates nothing: the approval guard and
// Policy.Validate call it on every Apply.
func TestSameDepartmentAllocatesNothing(t *testing.T) {
	for _, tc := range [][2]string{
		{" customer  service ", "Customer Service"},
		{"Qualität", "QUALITÄT"},
		{"quality", "logistics"},
		{"quality", "quality control"},
	} {
		assert.Zero(t, testing.AllocsPerRun(100, func() { complaint.SameDepartment(tc[0], tc[1]) }), "%q vs %q", tc[0], tc[1])
	}
}
