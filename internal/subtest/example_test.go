package subtest_test

import (
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/internal/subtest"
)

// check is a test that prints what it is told, as *testing.T would
// report it.
type check struct{ name string }

func (c *check) Helper() {}

func (c *check) Errorf(format string, args ...any) {
	msg, _, _ := strings.Cut(fmt.Sprintf(format, args...), "\n") // the stack follows
	fmt.Printf("%s: %s\n", c.name, msg)
}

func (c *check) Run(name string, f func(*check)) bool {
	f(&check{name: c.name + "/" + name})
	return true
}

func ExampleRun() {
	kit := &check{name: "TestMyStore"}
	subtest.Run(kit, "Get", func(t *check) {
		var m map[string]int
		m["x"] = 1 // the adapter panics
	})
	subtest.Run(kit, "Put", func(t *check) { fmt.Println(t.name, "still runs") })
	// Output:
	// TestMyStore/Get: panic: assignment to entry in nil map
	// TestMyStore/Put still runs
}
