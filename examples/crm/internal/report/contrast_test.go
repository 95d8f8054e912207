package report

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wcagLuminance is the relative luminance of an sRGB colour, WCAG 2.1
// (§ definition "relative luminance").
func wcagLuminance(rgb [3]float64) float64 {
	var l [3]float64
	for i, c := range rgb {
		c /= 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// contrast is the WCAG 2.1 contrast ratio (L1 + 0.05) / (L2 + 0.05).
func contrast(a, b [3]float64) float64 {
	la, lb := wcagLuminance(a), wcagLuminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// parseColour reads #rgb, #rrggbb or rgb(r,g,b).
func parseColour(t *testing.T, s string) [3]float64 {
	t.Helper()
	s = strings.TrimSpace(s)
	var c [3]float64
	switch {
	case strings.HasPrefix(s, "rgb("):
		parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(s, "rgb("), ")"), ",")
		require.Len(t, parts, 3, s)
		for i, p := range parts {
			v, err := strconv.Atoi(strings.TrimSpace(p))
			require.NoError(t, err, s)
			c[i] = float64(v)
		}
	case strings.HasPrefix(s, "#") && len(s) == 4:
		for i := range 3 {
			v, err := strconv.ParseUint(strings.Repeat(s[1+i:2+i], 2), 16, 8)
			require.NoError(t, err, s)
			c[i] = float64(v)
		}
	case strings.HasPrefix(s, "#") && len(s) == 7:
		for i := range 3 {
			v, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
			require.NoError(t, err, s)
			c[i] = float64(v)
		}
	default:
		t.Fatalf("colour %q", s)
	}
	return c
}

// cssRule returns the declarations of the rule whose selector is sel.
func cssRule(t *testing.T, sel string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sel) + `\{([^}]*)\}`).FindStringSubmatch(css)
	require.NotNil(t, m, "a CSS rule %q", sel)
	return m[1]
}

// property returns the value of property name in the declarations d.
func property(d, name string) string {
	for _, p := range strings.Split(d, ";") {
		if k, v, ok := strings.Cut(p, ":"); ok && strings.TrimSpace(k) == name {
			return v
		}
	}
	return ""
}

// Small text has a contrast of at least 4.5:1 against its background
// (WCAG 2.1 success criterion 1.4.3, level AA): the notes, the consent
// line of the at-risk table and the footer too, on the white cards and on
// the grey page.
func TestTextContrast(t *testing.T) {
	white, page := parseColour(t, "#fff"), parseColour(t, property(cssRule(t, "body"), "background"))
	for _, sel := range []string{"body", ".sub,.note", ".stat .l", ".needs", ".empty", "footer", "details.figures summary"} {
		c := parseColour(t, property(cssRule(t, sel), "color"))
		for _, bg := range [][3]float64{white, page} {
			assert.GreaterOrEqual(t, contrast(c, bg), 4.5, "%s on %v", sel, bg)
		}
	}
	for _, sel := range []string{".band.critical", ".band.high"} {
		d := cssRule(t, sel)
		assert.GreaterOrEqual(t, contrast(parseColour(t, property(d, "color")), parseColour(t, property(d, "background"))), 4.5, sel)
	}
}

// Every figure printed on a cell of the RFM heat map contrasts at least
// 4.5:1 with the cell's fill, whatever the fill: mid-blue cells took grey
// or white text of less than 3:1.
func TestRFMCellTextContrast(t *testing.T) {
	_, _, page := fixture(t)
	els := parsePage(t, page)
	text := map[string][3]float64{
		"light": parseColour(t, property(cssRule(t, "svg .light"), "fill")),
		"dark":  parseColour(t, property(cssRule(t, "svg .dark"), "fill")),
	}
	var fill [3]float64
	cells, checked := 0, 0
	for _, e := range els {
		if e.name == "rect" && e.has("rfm-cell") {
			fill = parseColour(t, strings.TrimPrefix(e.attrs["style"], "fill:"))
			cells++
			continue
		}
		if e.name != "text" || !(e.has("cell-count") || e.has("cell-m") || e.has("cell-seg")) {
			continue
		}
		var c [3]float64
		switch {
		case e.has("light"):
			c = text["light"]
		case e.has("dark"):
			c = text["dark"]
		default:
			t.Fatalf("cell text %q has no colour class", e.text)
		}
		assert.GreaterOrEqual(t, contrast(c, fill), 4.5, "%q on rgb%v", e.text, fill)
		checked++
	}
	require.Positive(t, cells)
	require.GreaterOrEqual(t, checked, cells)

	// Across the whole scale of fills, not only the fixture's.
	light, dark := [3]float64{240, 246, 252}, [3]float64{8, 69, 148}
	for i := 0; i <= 100; i++ {
		f := parseColour(t, mix(light, dark, float64(i)/100))
		assert.GreaterOrEqual(t, contrast(text[cellText(f)], f), 4.5, "fill %v", f)
	}
}
