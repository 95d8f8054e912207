//go:build !race

package shopgen

const raceEnabled = false
