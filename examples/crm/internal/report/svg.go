package report

import (
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
)

// esc escapes s for HTML and XML text and attribute values. Bytes that
// are not UTF-8 and characters that XML does not allow (most control
// characters) become U+FFFD, so that any customer ID prints safely.
func esc(s string) string { return html.EscapeString(clean(s)) }

// clean replaces invalid UTF-8 and characters outside XML's Char
// production (W3C XML 1.0 §2.2) with U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return utf8.RuneError
		}
		return r
	}, s)
}

// f1 formats a coordinate with one decimal, without a negative zero.
func f1(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		x = 0
	}
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}

// fixed formats x with d decimals.
func fixed(x float64, d int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		x = 0
	}
	s := strconv.FormatFloat(x, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// pct formats a share in [0, 1] as a percentage with one decimal.
func pct(x float64) string { return fixed(100*x, 1) + "%" }

// grouped formats n with thousands separators: 1,234,567.
func grouped(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// money formats d rounded to whole units with thousands separators.
func money(d decimal.Decimal) string {
	r := d.Round(0)
	s := r.StringFixed(0)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg && s != "0" {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// exactMoney formats d as crm batch writes an amount of c, to the
// digits of c's minor unit or more, never rounded (customer.Currency.Format),
// with thousands separators in its whole part: 52,258,299.92.
func exactMoney(c customer.Currency, d decimal.Decimal) string {
	s := c.Format(d)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if strings.ContainsAny(whole, "e") {
		return sign + s
	}
	n := len(whole)
	var b strings.Builder
	b.WriteString(sign)
	for i := range n {
		if i > 0 && (n-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// compact formats a positive amount for an axis: 10, 100, 1k, 10k, 1M.
func compact(x float64) string {
	switch {
	case x >= 1e9:
		return trimZero(fixed(x/1e9, 1)) + "G"
	case x >= 1e6:
		return trimZero(fixed(x/1e6, 1)) + "M"
	case x >= 1e3:
		return trimZero(fixed(x/1e3, 1)) + "k"
	case x >= 1:
		return trimZero(fixed(x, 1))
	}
	return strconv.FormatFloat(x, 'g', 2, 64)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }

// svg writes one SVG element.
type svg struct {
	b strings.Builder
}

func newSVG(class string, w, h int, title string) *svg {
	s := &svg{}
	s.b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="` + class + `" width="` + strconv.Itoa(w) + `" height="` + strconv.Itoa(h) +
		`" viewBox="0 0 ` + strconv.Itoa(w) + ` ` + strconv.Itoa(h) + `" role="img" aria-label="` + esc(title) + `"><title>` + esc(title) + `</title>`)
	return s
}

func (s *svg) raw(x string) { s.b.WriteString(x) }

// attrs renders optional class and style attributes.
func attrs(class, style string) string {
	a := ""
	if class != "" {
		a += ` class="` + class + `"`
	}
	if style != "" {
		a += ` style="` + style + `"`
	}
	return a
}

func (s *svg) rect(x, y, w, h float64, class, style string) {
	s.b.WriteString(`<rect x="` + f1(x) + `" y="` + f1(y) + `" width="` + f1(math.Max(w, 0)) + `" height="` + f1(math.Max(h, 0)) + `"` + attrs(class, style) + `/>`)
}

// rectTitle is a rect with a tooltip.
func (s *svg) rectTitle(x, y, w, h float64, class, style, title string) {
	s.b.WriteString(`<rect x="` + f1(x) + `" y="` + f1(y) + `" width="` + f1(math.Max(w, 0)) + `" height="` + f1(math.Max(h, 0)) + `"` + attrs(class, style) + `><title>` + esc(title) + `</title></rect>`)
}

func (s *svg) line(x1, y1, x2, y2 float64, class string) {
	s.b.WriteString(`<line x1="` + f1(x1) + `" y1="` + f1(y1) + `" x2="` + f1(x2) + `" y2="` + f1(y2) + `"` + attrs(class, "") + `/>`)
}

func (s *svg) circle(x, y, r float64, class string) {
	s.b.WriteString(`<circle cx="` + f1(x) + `" cy="` + f1(y) + `" r="` + f1(r) + `"` + attrs(class, "") + `/>`)
}

// text writes an escaped text; anchor is start, middle or end.
func (s *svg) text(x, y float64, anchor, class, t string) {
	s.b.WriteString(`<text x="` + f1(x) + `" y="` + f1(y) + `" text-anchor="` + anchor + `"` + attrs(class, "") + `>` + esc(t) + `</text>`)
}

// textRot writes a text rotated by −90° around its position.
func (s *svg) textRot(x, y float64, class, t string) {
	s.b.WriteString(`<text x="` + f1(x) + `" y="` + f1(y) + `" text-anchor="middle" transform="rotate(-90 ` + f1(x) + ` ` + f1(y) + `)"` + attrs(class, "") + `>` + esc(t) + `</text>`)
}

func (s *svg) String() string { return s.b.String() + `</svg>` }

// niceStep returns a round tick step (1, 2 or 5 × 10^k) giving about n
// ticks over span.
func niceStep(span float64, n int) float64 {
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// axisRange returns a range [lo, hi] of round numbers around [min, max]
// and its tick step.
func axisRange(lo, hi float64, n int) (float64, float64, float64) {
	if !(hi > lo) {
		hi = lo + 1
	}
	step := niceStep(hi-lo, n)
	a := math.Floor(lo/step) * step
	b := math.Ceil(hi/step) * step
	if b <= a {
		b = a + step
	}
	return a, b, step
}

// countAxis returns the top and the tick step of an axis of counts from 0
// to at least most (≥ 1), with about n ticks: as axisRange, but the step
// is a whole number, since a count axis has no half customer to label.
func countAxis(most, n int) (top, step float64) {
	_, top, step = axisRange(0, float64(max(most, 1)), n)
	if step < 1 {
		step = 1
		top = float64(max(most, 1))
	}
	return top, step
}

// ticks lists lo, lo+step, … ≤ hi, free of accumulated rounding.
func ticks(lo, hi, step float64) []float64 {
	var t []float64
	n := int(math.Round((hi - lo) / step))
	for i := 0; i <= n; i++ {
		t = append(t, lo+float64(i)*step)
	}
	return t
}

// tickLabel formats a tick with the decimals its step needs.
func tickLabel(v, step float64) string {
	d := 0
	if step < 1 {
		d = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return fixed(v, d)
}

// mix interpolates between two RGB colours, t in [0, 1], and writes the
// result as CSS.
func mix(a, b [3]float64, t float64) string { return rgb(mixRGB(a, b, t)) }

// mixRGB interpolates between two RGB colours, t in [0, 1], each channel
// rounded to a whole number.
func mixRGB(a, b [3]float64, t float64) [3]float64 {
	t = math.Max(0, math.Min(1, t))
	var c [3]float64
	for i := range 3 {
		c[i] = math.Round(a[i] + (b[i]-a[i])*t)
	}
	return c
}

// rgb writes a colour as CSS: rgb(8,69,148).
func rgb(c [3]float64) string {
	var s strings.Builder
	s.WriteString("rgb(")
	for i := range 3 {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteString(strconv.Itoa(int(c[i])))
	}
	s.WriteString(")")
	return s.String()
}

// luminance is the relative luminance of an sRGB colour with channels in
// [0, 255] (WCAG 2.1, definition of relative luminance).
func luminance(c [3]float64) float64 {
	var l [3]float64
	for i, v := range c {
		v /= 255
		if v <= 0.04045 {
			l[i] = v / 12.92
		} else {
			l[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// cellText returns the class of the text printed on a fill: "light"
// (white) or "dark" (black), whichever contrasts more with it. The
// contrast ratio (L1 + 0.05) / (L2 + 0.05) of WCAG 2.1 is then at least
// 4.58:1 on any fill, above the 4.5:1 of success criterion 1.4.3.
func cellText(fill [3]float64) string {
	l := luminance(fill)
	if 1.05/(l+0.05) > (l+0.05)/0.05 {
		return "light"
	}
	return "dark"
}
