//go:build race

package main

// raceEnabled is true under the race detector, which makes reading about
// ten times slower: tests then do less.
const raceEnabled = true
