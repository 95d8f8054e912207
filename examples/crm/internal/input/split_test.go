package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// naiveSplit is the reference for walker.cut and walker.split: the first
// n fields of s (all when n ≤ 0) and the number of fields.
func naiveSplit(s string, n int) ([]string, int) {
	all := strings.Split(s, ",")
	if n > 0 && n < len(all) {
		return all[:n], len(all)
	}
	return all, len(all)
}

func TestCutFindsEveryComma(t *testing.T) {
	tests := []string{
		"", ",", ",,", "a", "a,b", ",-5,-6,", "C1,2024-01-01,-1.5,-1", "12345678,", "1234567,8", ",,,,,,,,,,,,,,,,,",
		"C00000001,2025-05-29,O00000001-002,1,2025-PRE-AW-SHI-17-GRY,shirts,2025-PRE-AW,XXS,grey,social,SOCIAL,1,64.95,9.74,55.21,24.50,EUR,consumer,,sale,",
		"\xac,\xff,\x2d\x2c\x2d,\x01,\x00,", "-,-,-,-,-,-,-,-,-,-,-", "héllo,wörld,ünïcode,",
	}
	var w walker
	for _, s := range tests {
		for _, n := range []int{0, 1, 2, 3, 8, 18, 40} {
			want, nf := naiveSplit(s, n)
			r := record{raw: s}
			w.split(&r, n)
			require.Equal(t, want, r.fields, "%q n=%d", s, n)
			require.Equal(t, nf, r.nfields, "%q n=%d", s, n)
			r2 := record{raw: s}
			w.cut(&r2, n)
			require.Equal(t, nf, r2.nfields, "%q n=%d", s, n)
			for i := range want {
				require.Equal(t, want[i], r2.at(i), "%q n=%d field %d", s, n, i)
			}
		}
	}
}

func TestCutAgreesWithStringsSplit(t *testing.T) {
	var w walker
	rapid.Check(t, func(rt *rapid.T) {
		// Bytes near the comma (0x2c) and the borrow cases of the SWAR
		// test: '-' (0x2d), 0x00, 0x01, 0x80 and 0xac.
		b := rapid.SliceOfN(rapid.SampledFrom([]byte{',', '-', '+', 0, 1, 0x80, 0xac, 0xff, 'a', '9', ' ', '"'}), 0, 200).Draw(rt, "line")
		n := rapid.IntRange(-1, 30).Draw(rt, "n")
		s := string(b)
		want, nf := naiveSplit(s, n)
		r := record{raw: s}
		w.split(&r, n)
		if r.nfields != nf || strings.Join(r.fields, "|") != strings.Join(want, "|") || len(r.fields) != len(want) {
			rt.Fatalf("split(%q, %d) = %q (%d fields), want %q (%d)", s, n, r.fields, r.nfields, want, nf)
		}
	})
}

func TestCommaBits(t *testing.T) {
	for b := 0; b < 256; b++ {
		for pos := 0; pos < 8; pos++ {
			// A comma below the byte under test, so that a borrow would
			// show in the inexact test.
			var x uint64
			for i := 0; i < 8; i++ {
				x |= uint64(',') << (8 * i)
			}
			x &^= 0xff << (8 * pos)
			x |= uint64(b) << (8 * pos)
			got := commaBits(x)>>(8*pos+7)&1 == 1
			assert.Equal(t, b == ',', got, "byte %#x at %d", b, pos)
		}
	}
}

func TestBoundaryTellsPlainBlocks(t *testing.T) {
	cut, plain := boundary([]byte("a,b\nc,d\ne"))
	assert.Equal(t, 8, cut)
	assert.True(t, plain)
	cut, plain = boundary([]byte("a,\"b\nc\",d\ne"))
	assert.Equal(t, 10, cut)
	assert.False(t, plain)
}

func TestCategoryIndexesSurviveSlotCollisions(t *testing.T) {
	s := newShard(nil, zero4)
	// Same length and outer bytes: the same slot.
	names := []string{"axb", "ayb", "azb", "a b", "jeans", "shirts", "axb"}
	want := map[string]int{}
	for round := 0; round < 3; round++ {
		for _, n := range names {
			i := s.category(string([]byte(n))) // not the memory of the slot
			if w, ok := want[n]; ok {
				require.Equal(t, w, i, n)
			}
			want[n] = i
			require.Equal(t, n, s.cats[i])
		}
	}
	require.Len(t, s.cats, 6)
}
