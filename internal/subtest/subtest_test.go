package subtest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/tailorcrm/tailor/internal/subtest"
)

// TestKitChild is a kit whose first check panics; it runs only as the
// child process of TestPanicFailsOnlyItsCheck.
func TestKitChild(t *testing.T) {
	if os.Getenv("SUBTEST_CHILD") != "1" {
		t.Skip("run by TestPanicFailsOnlyItsCheck")
	}
	subtest.Run(t, "Panics", func(t *testing.T) { panic("boom") })
	subtest.Run(t, "RunsAfter", func(t *testing.T) {})
}

// A panicking check fails alone, with the panic's value; the checks after
// it still run and pass.
func TestPanicFailsOnlyItsCheck(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKitChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SUBTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child kit passed:\n%s", out)
	}
	for _, want := range []string{"--- FAIL: TestKitChild/Panics", "panic: boom", "--- PASS: TestKitChild/RunsAfter"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}
