package segment_test

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

var update = flag.Bool("update", false, "rewrite golden files")

// playbookGolden holds the actions of the default playbook, as they were
// before it knew the churn risk, for every kind × consent × quadrant ×
// lifecycle stage × shop type × grade, the zero value of each included.
const playbookGolden = "testdata/playbook_actions.golden.gz"

// playbookDump lists p's actions for every combination, with set giving
// each result what the playbook is not classified by (the churn risk):
// first every action once (code, needs, description), then one line per
// combination with its codes in order.
func playbookDump(p segment.Playbook, set func(*segment.Result)) string {
	actions := map[string]bool{}
	var lines strings.Builder
	for k := customer.Kind(0); k <= customer.Intermediary; k++ {
		for c := range 4 {
			consent := customer.Consent{Marketing: c&1 != 0, Profiling: c&2 != 0}
			for q := segment.Quadrant(0); q <= segment.LowValue; q++ {
				for st := segment.Stage(0); st <= segment.StageLost; st++ {
					for s := segment.ShopType(0); s <= segment.ShopLost; s++ {
						for g := segment.Grade(0); g <= segment.GradeC; g++ {
							r := segment.Result{Kind: k, Consent: consent, Quadrant: q, Stage: st, ShopType: s, Grade: g}
							set(&r)
							fmt.Fprintf(&lines, "%d %d %d %d %d %d:", k, c, q, st, s, g)
							for _, a := range p.Actions(&r) {
								fmt.Fprintf(&lines, " %s", a.Code)
								actions[fmt.Sprintf("%s %d %q", a.Code, a.Needs, a.Description)] = true
							}
							lines.WriteByte('\n')
						}
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(actions))
	for a := range actions {
		keys = append(keys, a)
	}
	slices.Sort(keys)
	return "kind consent quadrant stage shop-type grade: codes; consent bit 1 marketing, bit 2 profiling\n" +
		strings.Join(keys, "\n") + "\n" + lines.String()
}

// readGolden returns the uncompressed golden file at path, rewriting it
// first with want under -update.
func readGolden(t *testing.T, path, want string) string {
	t.Helper()
	if *update {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		_, err := z.Write([]byte(want))
		require.NoError(t, err)
		require.NoError(t, z.Close())
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	}
	f, err := os.Open(path)
	require.NoError(t, err, "run go test -run TestPlaybookGolden -update")
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(z)
	require.NoError(t, err)
	return string(b)
}

// firstDiff reports the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl, wl)
		}
	}
	return ""
}

// unchangedRisks are the churn risks of customers the playbook has no
// risk action for: not known, low, worth watching, and a band that is not
// defined, each with and without a complaint among the reasons.
func unchangedRisks() []segment.Risk {
	var out []segment.Risk
	for _, b := range []risk.Band{0, risk.BandLow, risk.BandWatch, risk.BandCritical + 1} {
		out = append(out, segment.Risk{Band: b}, segment.Risk{Band: b, Complaint: true})
	}
	return out
}

// The default playbook recommends, to a customer whose churn risk is not
// known, low or only worth watching (or of an undefined band), exactly
// what it recommended before it knew the risk: the same actions,
// descriptions, consent and order, for every combination of kind,
// consent and segments.
func TestPlaybookGolden(t *testing.T) {
	p := segment.DefaultPlaybook()
	want := readGolden(t, playbookGolden, playbookDump(p, func(*segment.Result) {}))
	for _, rk := range unchangedRisks() {
		got := playbookDump(p, func(r *segment.Result) { r.Risk = rk })
		if got != want {
			t.Errorf("risk %+v: %s", rk, firstDiff(got, want))
		}
	}
}
