// Package subtest runs the checks of the conformance kits as subtests
// that report a panic of the code under test as a failure of that check
// alone, so that one broken method of an adapter does not hide the
// faults the other checks would find: a kit reports every fault at once,
// as testing/fstest.TestFS does.
package subtest

import "runtime/debug"

// T is what Run needs of a test: *testing.T is one.
type T[Self any] interface {
	Helper()
	Errorf(format string, args ...any)
	Run(name string, f func(t Self)) bool
}

// Run runs f as the subtest name of t, as t.Run does. A panic in f, on
// the subtest's goroutine, fails the subtest with the panic's value and
// stack instead of ending the test binary.
func Run[S T[S]](t S, name string, f func(t S)) bool {
	t.Helper()
	return t.Run(name, func(t S) {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		f(t)
	})
}
