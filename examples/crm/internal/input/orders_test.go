package input

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

func TestOrderKeysDoNotCollide(t *testing.T) {
	n := 60000
	if testing.Short() || raceEnabled {
		n = 6000
	}
	seen := make(map[uint64]string, 4*n)
	add := func(k uint64, what string) {
		if prev, dup := seen[k]; dup && prev != what {
			t.Fatalf("%s and %s share key %#x", prev, what, k)
		}
		seen[k] = what
	}
	for i := 0; i < n; i++ {
		for _, id := range []string{fmt.Sprintf("O%08d-%03d", i/3, i%3), fmt.Sprint(i), fmt.Sprintf("%x", i), fmt.Sprintf("ORDER-%d-LONGER-THAN-SIXTEEN", i)} {
			add(orderKey(id, 0), fmt.Sprintf("order %q", id))
		}
	}
	// Prefixes and zero bytes: IDs that a zero-padded tail would confuse.
	for _, id := range []string{"a", "a\x00", "a\x00\x00", "\x00", "\x00\x00", "abcdefgh", "abcdefgh\x00", "abcdefghi", "bcdefghi", "abcdefghabcdefgh", "abcdefghabcdefgh\x00"} {
		add(orderKey(id, 0), fmt.Sprintf("order %q", id))
	}
	for d := customer.DateFromYMD(1990, 1, 1); d < customer.DateFromYMD(2040, 1, 1); d++ {
		add(orderKey("", d), "day "+d.String())
	}
}

func TestOrderKeyDependsOnlyOnTheKey(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		id := rapid.String().Draw(rt, "id")
		d1 := customer.Date(rapid.Int32().Draw(rt, "d1"))
		d2 := customer.Date(rapid.Int32().Draw(rt, "d2"))
		// An order ID's key ignores the day, and equal IDs in different
		// memory have equal keys.
		copied := string([]byte(id))
		if id != "" {
			require.Equal(t, orderKey(id, d1), orderKey(copied, d2))
		}
		require.Equal(t, d1 == d2, orderKey("", d1) == orderKey("", d2))
	})
}
