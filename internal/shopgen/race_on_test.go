//go:build race

package shopgen

// raceEnabled shrinks the larger tests under the race detector, which
// slows the generator down about tenfold.
const raceEnabled = true
