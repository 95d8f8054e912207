//go:build race

package input

// raceEnabled is true when the tests run under the race detector, which
// makes reading about ten times slower: tests then read fewer rows.
const raceEnabled = true
