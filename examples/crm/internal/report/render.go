package report

import (
	"bufio"
	"cmp"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// Colours of the kinds, in the order of customer.Kind (index 0 unused).
var kindColour = [...]string{"#777", "#2b6cb0", "#c05621"}

func kindClass(k customer.Kind) string {
	if k == customer.Intermediary {
		return "k-int"
	}
	return "k-con"
}

// nCustomers counts customers: "1 customer", "2,000 customers".
func nCustomers(n int) string {
	if n == 1 {
		return "1 customer"
	}
	return grouped(n) + " customers"
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// kindNoun names n customers of a kind, in lower case: "1 consumer",
// "2,000 intermediaries".
func kindNoun(k customer.Kind, n int) string {
	return grouped(n) + " " + plural(n, k.String(), strings.ToLower(kindPlural(k)))
}

// isAre is the verb "to be" for a subject of n things.
func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// kindPlural names the customers of a kind.
func kindPlural(k customer.Kind) string {
	switch k {
	case customer.Consumer:
		return "Consumers"
	case customer.Intermediary:
		return "Intermediaries"
	}
	return k.String()
}

// quadrantName is the display name of a quadrant.
func quadrantName(q segment.Quadrant) string {
	switch q {
	case segment.HighValue:
		return "High value"
	case segment.PotentialValue:
		return "Potential value"
	case segment.SecondaryValue:
		return "Secondary value"
	case segment.LowValue:
		return "Low value"
	}
	return q.String()
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

const css = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2933;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif}
main{max-width:1320px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 2px}
h2{font-size:19px;margin:0 0 4px}
h3{font-size:15px;margin:0 0 6px}
.sub,.note{color:#52606d}
.note{font-size:12.5px;margin:6px 0 0}
section,.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px 18px;margin:16px 0}
.row{display:flex;flex-wrap:wrap;gap:16px}
.row>.card{flex:1 1 560px;margin:0}
.headline{display:flex;flex-wrap:wrap;gap:12px;background:none;border:none;padding:0}
.stat{flex:1 1 200px;background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:12px 16px}
.stat .v{font-size:26px;font-weight:600;display:block}
.stat .l{color:#52606d;font-size:12.5px}
.stat.alert .v{color:#b42318}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart{flex:0 1 590px}
.chart.holdout{max-width:600px}
svg{display:block;max-width:100%;height:auto;font-family:inherit}
svg text{font-size:11px;fill:#3e4c59}
svg .axis{stroke:#9aa5b1;stroke-width:1}
svg .grid{stroke:#e4e7eb;stroke-width:1}
svg .mean{stroke:#1f2933;stroke-width:1.3;stroke-dasharray:5 4}
svg .axis-title{font-size:12px;fill:#1f2933}
svg .q-high-value{fill:#e3f5e9}
svg .q-potential-value{fill:#e6f0fb}
svg .q-secondary-value{fill:#fdf3df}
svg .q-low-value{fill:#f2f3f5}
svg .label-box{fill:#fff;fill-opacity:.86;stroke:#cbd2d9}
svg .quadrant-label{font-size:12px;font-weight:600;fill:#1f2933}
svg .quadrant-figures{font-size:11px;fill:#3e4c59}
svg .pt{fill-opacity:.5}
svg .k-con{fill:#2b6cb0}
svg .k-int{fill:#c05621}
svg .cell-count{font-size:13px;font-weight:600}
svg .cell-m,.cell-seg{font-size:10px}
svg .light{fill:#fff}
svg .dark{fill:#000}
svg .band-low{fill:#edf7ed}
svg .band-watch{fill:#fff8e1}
svg .band-high{fill:#fdeee3}
svg .band-critical{fill:#fde4e4}
svg .expected{fill:#a9c7e8}
svg .actual{fill:#1d4f91}
svg .median{stroke:#b42318;stroke-width:1.5;stroke-dasharray:3 3}
svg .median-label{fill:#b42318}
svg .value-label{font-size:10.5px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:7px 8px;border-bottom:1px solid #e4e7eb}
th{background:#f7f8fa;font-weight:600;white-space:nowrap}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td ul{margin:0;padding-left:16px}
td.why{width:31%}
td.todo{width:33%}
td.q{white-space:nowrap}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;white-space:nowrap}
.band{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600}
.band.critical{background:#fde4e4;color:#9b1c1c}
.band.high{background:#fdeee3;color:#9c4221}
.needs{color:#52606d;font-size:12px;margin:4px 0 0}
.legend{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:middle}
.empty{color:#52606d;font-style:italic;padding:12px 0}
footer{color:#52606d;font-size:12px;margin-top:24px}
details.figures{margin:10px 0 0}
details.figures summary{cursor:pointer;color:#52606d;font-size:12.5px}
table.figures{width:auto;margin:6px 0 10px}
table.figures tr.total th,table.figures tr.total td{font-weight:600}
`

// WriteHTML writes the report as one self-contained HTML page.
func (rep *Report) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	p := func(s ...string) {
		for _, x := range s {
			bw.WriteString(x)
		}
	}
	title := "Customer report as of " + rep.AsOf.String()
	p(`<!DOCTYPE html>`, "\n", `<html lang="en"><head><meta charset="utf-8"/>`,
		`<meta name="viewport" content="width=device-width, initial-scale=1"/>`,
		`<title>`, esc(title), `</title><style>`, css, `</style></head>`, "\n<body><main>\n")

	p(`<header><h1>Customer report</h1><p class="sub">`)
	if rep.Source != "" {
		p(esc(rep.Source), " · ")
	}
	p(`as of `, rep.AsOf.String(), ` · amounts in `, esc(string(rep.Currency)), "</p></header>\n")

	rep.headline(p)
	rep.quadrantSection(p)
	rep.spendSection(p)
	p(`<div class="row">`)
	rep.rfmSection(p)
	rep.lifecycleSection(p)
	p("</div>\n")
	rep.riskSection(p)
	rep.holdoutSection(p)
	rep.tableSection(p)
	p(`<footer>Values, quadrants, grades, RFM, lifecycle and shop types: packages value and segment with their default models; `,
		`quadrant thresholds are the mean value of each kind. Churn: MBG/NBD (Batislam, Denizel &amp; Filiztekin 2007) `,
		`and the complaint-aware risk of package churn/risk. Customers are named by ID only.</footer>`,
		"\n</main></body></html>\n")
	return bw.Flush()
}

type printer func(s ...string)

func (rep *Report) headline(p printer) {
	p(`<section class="headline" id="headline">`)
	stat := func(class, v, l string) {
		p(`<div class="stat`, class, `"><span class="v">`, v, `</span><span class="l">`, l, `</span></div>`)
	}
	var parts []string
	for _, k := range rep.Kinds {
		parts = append(parts, kindNoun(k.Kind, k.Customers))
	}
	stat("", grouped(rep.Customers), plural(rep.Customers, "customer", "customers")+": "+esc(strings.Join(parts, ", ")))
	stat("", grouped(rep.Orders), plural(rep.Orders, "order", "orders"))
	// The headline figure is rounded to whole units (or millions); the
	// label gives the exact sum, to check against crm batch's net column.
	cur := esc(string(rep.Currency))
	v := shortMoney(rep.Net)
	if v == "" {
		v = money(rep.Net)
	}
	stat("", v+" "+cur, "net revenue (sales less returns): "+exactMoney(rep.Currency, rep.Net)+" "+cur)
	stat("", rep.AsOf.String(), "as of (rows dated later are left out)")
	held := "with " + exactMoney(rep.Currency, rep.AtRiskNet) + " " + cur + " of net revenue"
	if rep.Net.Sign() > 0 {
		held = "holding " + pct(rep.AtRiskNet.Div(rep.Net).InexactFloat64()) + " of net revenue"
	}
	stat(" alert", grouped(rep.AtRiskCustomers), plural(rep.AtRiskCustomers, "customer", "customers")+" at high or critical churn risk, "+held)
	p("</section>\n")
}

// shortMoney writes an amount of a hundred million or more in millions
// or billions ("645.4 million", "29.45 billion"); "" for smaller ones,
// which fit the headline in full.
func shortMoney(d decimal.Decimal) string {
	a := d.Abs()
	switch {
	case a.GreaterThanOrEqual(decimal.New(1, 9)):
		return d.Shift(-9).StringFixed(2) + " billion"
	case a.GreaterThanOrEqual(decimal.New(1, 8)):
		return d.Shift(-6).StringFixed(1) + " million"
	}
	return ""
}

// quadrantSection draws one four-quadrant panel per kind.
func (rep *Report) quadrantSection(p printer) {
	p(`<section id="quadrants"><h2>Current and potential value</h2>`,
		`<p class="sub">Each customer by current value (what they bring now) and potential value (what they could bring), scores in [0, 1]. `,
		`The dashed lines are the mean of the kind: above the mean is high. Consumers and intermediaries are valued by different models and shown apart.</p>`,
		`<div class="charts">`)
	for _, k := range rep.Kinds {
		p(`<div class="chart"><h3>`, kindPlural(k.Kind), ` (`, grouped(k.Customers), `)</h3>`, rep.quadrantChart(k), `</div>`)
	}
	p("</div>")
	rep.gradeLine(p)
	rep.quadrantTable(p)
	p("</section>\n")
}

// gradeLine writes the shares of the customer grades of each kind, when
// the customers are graded.
func (rep *Report) gradeLine(p printer) {
	var parts []string
	for _, k := range rep.Kinds {
		graded := 0
		for g := segment.GradeA; g.Valid(); g++ {
			graded += k.Grades[g]
		}
		if graded == 0 {
			continue
		}
		var shares []string
		for g := segment.GradeA; g.Valid(); g++ {
			shares = append(shares, pct(float64(k.Grades[g])/float64(graded))+" "+g.String())
		}
		parts = append(parts, kindPlural(k.Kind)+": "+strings.Join(shares, ", "))
	}
	if len(parts) == 0 {
		return
	}
	p(`<p class="note" id="grades">Customer grades, by total value within each kind (the top fifth strategic, the next 30% important, `,
		`a potential-value customer who is not strategic at least important; customers tied at a cut share the better grade): `,
		esc(strings.Join(parts, "; ")), `.</p>`)
}

func (rep *Report) quadrantChart(k *KindReport) string {
	const W, H = 590, 470
	const ml, mr, mt, mb = 58.0, 14.0, 22.0, 46.0
	pw, ph := W-ml-mr, H-mt-mb
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, pt := range k.Points {
		minX, maxX = math.Min(minX, pt[0]), math.Max(maxX, pt[0])
		minY, maxY = math.Min(minY, pt[1]), math.Max(maxY, pt[1])
	}
	th := k.Thresholds
	minX, maxX = math.Min(minX, th.Current), math.Max(maxX, th.Current)
	minY, maxY = math.Min(minY, th.Potential), math.Max(maxY, th.Potential)
	// Room above and below the data for the quadrant labels.
	pad := 0.2 * (maxY - minY)
	// One customer, or customers of equal values, give no spread to
	// scale an axis to: it then spans the range of the scores, [0, 1].
	if !(maxX > minX) {
		minX, maxX = math.Min(minX, 0), math.Max(maxX, 1)
	}
	if !(maxY > minY) {
		minY, maxY, pad = math.Min(minY, 0), math.Max(maxY, 1), 0
	}
	x0, x1, xs := axisRange(math.Max(0, minX), maxX, 6)
	y0, y1, ys := axisRange(math.Max(0, minY-pad), maxY+pad, 6)
	X := func(v float64) float64 { return ml + (v-x0)/(x1-x0)*pw }
	Y := func(v float64) float64 { return mt + ph - (v-y0)/(y1-y0)*ph }

	s := newSVG("quadrant-chart", W, H, kindPlural(k.Kind)+": current against potential value")
	tx, ty := X(th.Current), Y(th.Potential)
	// Quadrant backgrounds: high potential on top, high current right.
	s.rect(tx, mt, ml+pw-tx, ty-mt, "q-high-value", "")
	s.rect(ml, mt, tx-ml, ty-mt, "q-potential-value", "")
	s.rect(tx, ty, ml+pw-tx, mt+ph-ty, "q-secondary-value", "")
	s.rect(ml, ty, tx-ml, mt+ph-ty, "q-low-value", "")
	for _, v := range ticks(x0, x1, xs) {
		s.line(X(v), mt, X(v), mt+ph, "grid")
		s.text(X(v), mt+ph+15, "middle", "", tickLabel(v, xs))
	}
	for _, v := range ticks(y0, y1, ys) {
		s.line(ml, Y(v), ml+pw, Y(v), "grid")
		s.text(ml-6, Y(v)+4, "end", "", tickLabel(v, ys))
	}
	cls := kindClass(k.Kind)
	if len(k.Points) <= rep.MaxPoints {
		s.raw(`<g class="points">`)
		r := 2.2
		if len(k.Points) < 500 {
			r = 3
		}
		// Drawn in the order of their values, so that the page does not
		// depend on the order of the customers' IDs.
		pts := slices.Clone(k.Points)
		slices.SortFunc(pts, func(a, b [2]float64) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
		})
		for _, pt := range pts {
			s.circle(X(pt[0]), Y(pt[1]), r, "pt "+cls)
		}
		s.raw(`</g>`)
	} else {
		density(s, k.Points, cls, X, Y, x0, x1, y0, y1, pw, ph)
	}
	s.line(ml, mt+ph, ml+pw, mt+ph, "axis")
	s.line(ml, mt, ml, mt+ph, "axis")
	s.line(tx, mt, tx, mt+ph, "mean")
	s.line(ml, ty, ml+pw, ty, "mean")
	s.text(tx, mt-6, "middle", "", "mean "+fixed(th.Current, 3))
	s.text(ml+pw-4, ty-5, "end", "", "mean "+fixed(th.Potential, 3))
	s.text(ml+pw/2, H-8, "middle", "axis-title", "current value →")
	s.textRot(16, mt+ph/2, "axis-title", "potential value →")

	// Labels in the outer corners.
	type corner struct {
		q      segment.Quadrant
		x, y   float64
		anchor string
	}
	const bw, bh = 176.0, 52.0
	for _, c := range []corner{
		{segment.PotentialValue, ml + 6, mt + 6, "start"},
		{segment.HighValue, ml + pw - 6 - bw, mt + 6, "start"},
		{segment.LowValue, ml + 6, mt + ph - 6 - bh, "start"},
		{segment.SecondaryValue, ml + pw - 6 - bw, mt + ph - 6 - bh, "start"},
	} {
		q := k.Quadrants[c.q]
		s.raw(`<g class="quadrant" data-quadrant="` + c.q.String() + `">`)
		s.rect(c.x, c.y, bw, bh, "label-box", "")
		s.text(c.x+8, c.y+16, "start", "quadrant-label", quadrantName(c.q))
		s.text(c.x+8, c.y+31, "start", "quadrant-figures", nCustomers(q.Customers)+" ("+pct(q.CustomerShare)+")")
		if k.Net.Sign() > 0 {
			s.text(c.x+8, c.y+45, "start", "quadrant-figures", pct(q.NetShare)+" of net revenue")
		} else {
			// No share of a net revenue that is not positive.
			s.text(c.x+8, c.y+45, "start", "quadrant-figures", money(q.Net)+" "+string(rep.Currency)+" net revenue")
		}
		s.raw(`</g>`)
	}
	return s.String()
}

// density draws points as a grid of squares, darker for more customers
// (opacity by the logarithm of the count).
func density(s *svg, pts [][2]float64, cls string, X, Y func(float64) float64, x0, x1, y0, y1, pw, ph float64) {
	const nx, ny = 90, 66
	counts := make([]int, nx*ny)
	for _, pt := range pts {
		i := int((pt[0] - x0) / (x1 - x0) * nx)
		j := int((pt[1] - y0) / (y1 - y0) * ny)
		i, j = min(max(i, 0), nx-1), min(max(j, 0), ny-1)
		counts[j*nx+i]++
	}
	most := 0
	for _, c := range counts {
		most = max(most, c)
	}
	cw, ch := pw/nx, ph/ny
	s.raw(`<g class="density">`)
	for j := range ny {
		for i := range nx {
			c := counts[j*nx+i]
			if c == 0 {
				continue
			}
			op := 0.15 + 0.85*math.Log1p(float64(c))/math.Log1p(float64(most))
			x := X(x0 + float64(i)/nx*(x1-x0))
			y := Y(y0 + float64(j+1)/ny*(y1-y0))
			s.rectTitle(x, y, cw+0.3, ch+0.3, "cell "+cls, "fill-opacity:"+fixed(op, 2), nCustomers(c))
		}
	}
	s.raw(`</g>`)
}

// quadrantTable writes the figures of the quadrant charts as a table,
// folded under the charts: the customers and the exact net revenue of
// each quadrant of each kind, which the charts give only as shares, and
// the kind's totals. A screen reader reads it where it cannot read the
// charts, and the amounts can be checked against crm batch.
func (rep *Report) quadrantTable(p printer) {
	cur := esc(string(rep.Currency))
	p(`<details class="figures"><summary>The figures of the quadrants, as a table</summary>`,
		`<table class="figures quadrant-table"><thead><tr><th scope="col">Kind: quadrant</th><th scope="col">Customers</th>`,
		`<th scope="col">Share of the kind's customers</th><th scope="col">Net revenue (`, cur, `)</th>`,
		`<th scope="col">Share of the kind's net revenue</th></tr></thead><tbody>`)
	for _, k := range rep.Kinds {
		positive := k.Net.Sign() > 0
		share := func(x float64) string {
			if !positive {
				return "–"
			}
			return pct(x)
		}
		for q := segment.HighValue; q.Valid(); q++ {
			s := k.Quadrants[q]
			p(`<tr><th scope="row">`, kindPlural(k.Kind), `: `, strings.ToLower(quadrantName(q)), `</th><td class="num">`, grouped(s.Customers),
				`</td><td class="num">`, pct(s.CustomerShare), `</td><td class="num">`, exactMoney(rep.Currency, s.Net),
				`</td><td class="num">`, share(s.NetShare), `</td></tr>`)
		}
		netShare := share(1)
		p(`<tr class="total"><th scope="row">`, kindPlural(k.Kind), `: all quadrants</th><td class="num">`, grouped(k.Customers),
			`</td><td class="num">`, pct(1), `</td><td class="num">`, exactMoney(rep.Currency, k.Net),
			`</td><td class="num">`, netShare, `</td></tr>`)
	}
	p(`</tbody></table>`)
	if !rep.positiveNet() {
		p(`<p class="note">A kind whose net revenue is not positive (refunds outweigh sales) has no shares of it: they show as –.</p>`)
	}
	p(`</details>`)
}

// positiveNet reports whether every kind's net revenue is positive.
func (rep *Report) positiveNet() bool {
	for _, k := range rep.Kinds {
		if k.Net.Sign() <= 0 {
			return false
		}
	}
	return true
}

// countTable writes counts drawn as bars stacked by kind as a table: a
// row per name, a column per kind and their total.
func (rep *Report) countTable(p printer, class, title string, names []string, counts [][]int) {
	p(`<table class="figures `, class, `"><thead><tr><th scope="col">`, title, `</th>`)
	for _, k := range rep.Kinds {
		p(`<th scope="col">`, kindPlural(k.Kind), `</th>`)
	}
	p(`<th scope="col">All customers</th></tr></thead><tbody>`)
	for i, name := range names {
		p(`<tr><th scope="row">`, esc(name), `</th>`)
		n := 0
		for _, c := range counts[i] {
			p(`<td class="num">`, grouped(c), `</td>`)
			n += c
		}
		p(`<td class="num">`, grouped(n), `</td></tr>`)
	}
	p(`</tbody></table>`)
}

// spendSection draws the net revenue per customer on a log axis.
func (rep *Report) spendSection(p printer) {
	p(`<section id="spend"><h2>Net revenue per customer</h2>`,
		`<p class="sub">On a logarithmic axis, because spend is skewed: a few customers buy many times what the median customer buys. `,
		`The red line is the median.</p><div class="charts">`)
	for _, k := range rep.Kinds {
		p(`<div class="chart"><h3>`, kindPlural(k.Kind), `</h3>`, rep.spendChart(k), `</div>`)
	}
	p(`</div><details class="figures"><summary>The bars, as a table</summary><table class="figures spend-table"><thead><tr>`,
		`<th scope="col">Kind: net revenue per customer (`, esc(string(rep.Currency)), `)</th><th scope="col">Customers</th></tr></thead><tbody>`)
	for _, k := range rep.Kinds {
		h := k.Spend
		for i, c := range h.Counts {
			a, b := math.Pow(10, h.Lo+float64(i)*h.Step), math.Pow(10, h.Lo+float64(i+1)*h.Step)
			p(`<tr><th scope="row">`, kindPlural(k.Kind), `: `, compact(a), ` to `, compact(b), `</th><td class="num">`, grouped(c), `</td></tr>`)
		}
		p(`<tr><th scope="row">`, kindPlural(k.Kind), `: none (0 or less)</th><td class="num">`, grouped(h.NonPositive), `</td></tr>`)
	}
	p("</tbody></table></details></section>\n")
}

func (rep *Report) spendChart(k *KindReport) string {
	const W, H = 590, 230
	const ml, mr, mt, mb = 58.0, 14.0, 30.0, 40.0
	pw, ph := W-ml-mr, H-mt-mb
	h := k.Spend
	s := newSVG("spend-chart", W, H, kindPlural(k.Kind)+": net revenue per customer")
	if h.NonPositive > 0 {
		s.text(ml+pw, 12, "end", "", nCustomers(h.NonPositive)+" without net revenue "+isAre(h.NonPositive)+" not shown")
	}
	if len(h.Counts) == 0 {
		s.text(ml+pw/2, mt+ph/2, "middle", "", "no customer with net revenue")
		return s.String()
	}
	most := 0
	for _, c := range h.Counts {
		most = max(most, c)
	}
	ytop, ys := countAxis(most, 4)
	lo, hi := h.Lo, h.Lo+float64(len(h.Counts))*h.Step
	X := func(l float64) float64 { return ml + (l-lo)/(hi-lo)*pw }
	Y := func(v float64) float64 { return mt + ph - v/ytop*ph }
	for _, v := range ticks(0, ytop, ys) {
		s.line(ml, Y(v), ml+pw, Y(v), "grid")
		s.text(ml-6, Y(v)+4, "end", "", grouped(int(v)))
	}
	bw := pw / float64(len(h.Counts))
	cls := kindClass(k.Kind)
	for i, c := range h.Counts {
		a, b := math.Pow(10, lo+float64(i)*h.Step), math.Pow(10, lo+float64(i+1)*h.Step)
		s.rectTitle(X(lo+float64(i)*h.Step)+0.5, Y(float64(c)), bw-1, Y(0)-Y(float64(c)), "spend-bar "+cls, "",
			nCustomers(c)+" with "+compact(a)+" to "+compact(b))
	}
	// Ticks at the powers of ten; a kind whose customers spend within
	// one decade has fewer than two of them, and its bin edges are
	// labelled instead, so that the axis can be read.
	var at []float64
	for d := math.Ceil(lo - 1e-9); d <= hi+1e-9; d++ {
		at = append(at, d)
	}
	if len(at) < 2 {
		at = at[:0]
		for i := range len(h.Counts) + 1 {
			at = append(at, lo+float64(i)*h.Step)
		}
	}
	for _, d := range at {
		s.line(X(d), mt+ph, X(d), mt+ph+4, "axis")
		s.text(X(d), mt+ph+16, "middle", "", compact(math.Pow(10, d)))
	}
	s.line(ml, mt+ph, ml+pw, mt+ph, "axis")
	if h.Median > 0 {
		mx := X(math.Log10(h.Median))
		s.line(mx, mt, mx, mt+ph, "median")
		s.text(mx, mt-6, "middle", "median-label", "median "+compact(h.Median))
	}
	s.text(ml+pw/2, H-6, "middle", "axis-title", "net revenue per customer, "+string(rep.Currency)+" (log scale)")
	return s.String()
}

// rfmSection draws the R × F heat map.
func (rep *Report) rfmSection(p printer) {
	g := rep.RFM
	p(`<div class="card" id="rfm"><h2>RFM heat map</h2>`,
		`<p class="sub">Customers by recency score (rows, most recent on top) and frequency score (columns); each cell gives the customers, `,
		`their mean monetary score M̄ and their RFM segment. Scores are quintiles within each kind; a tie scores by the share of customers below it.</p>`)
	const cell = 92.0
	const ml, mt = 46.0, 14.0
	n := float64(g.Bins)
	W, H := int(ml+n*cell+10), int(mt+n*cell+44)
	s := newSVG("rfm-heatmap", W, H, "RFM heat map")
	most := 0
	for _, row := range g.Cells {
		for _, c := range row {
			most = max(most, c.Customers)
		}
	}
	lightC, darkC := [3]float64{240, 246, 252}, [3]float64{8, 69, 148}
	for r := g.Bins; r >= 1; r-- {
		y := mt + float64(g.Bins-r)*cell
		s.text(ml-10, y+cell/2+4, "end", "", "R"+strconv.Itoa(r))
		for f := 1; f <= g.Bins; f++ {
			c := g.Cells[r-1][f-1]
			x := ml + float64(f-1)*cell
			t := 0.0
			if most > 0 {
				t = math.Sqrt(float64(c.Customers) / float64(most))
			}
			seg := ""
			if c.Segment.Valid() {
				seg = c.Segment.String()
			}
			fill := mixRGB(lightC, darkC, t)
			s.rectTitle(x+1, y+1, cell-2, cell-2, "rfm-cell", "fill:"+rgb(fill),
				"R"+strconv.Itoa(r)+" F"+strconv.Itoa(f)+": "+nCustomers(c.Customers))
			tc := " " + cellText(fill)
			s.text(x+cell/2, y+cell/2-8, "middle", "cell-count"+tc, grouped(c.Customers))
			if c.Customers > 0 {
				s.text(x+cell/2, y+cell/2+8, "middle", "cell-m"+tc, "M̄ "+fixed(c.MeanM, 1))
				s.text(x+cell/2, y+cell/2+22, "middle", "cell-seg"+tc, seg)
			}
		}
	}
	for f := 1; f <= g.Bins; f++ {
		s.text(ml+(float64(f)-0.5)*cell, mt+n*cell+16, "middle", "", "F"+strconv.Itoa(f))
	}
	s.text(ml+n*cell/2, mt+n*cell+36, "middle", "axis-title", "frequency score →")
	p(s.String())
	if g.Unscored > 0 {
		p(`<p class="note" id="rfm-unscored">`, nCustomers(g.Unscored), ` without a purchase `,
			plural(g.Unscored, "has", "have"), ` no RFM score and `, isAre(g.Unscored), ` not on the map (only refunds, of goods bought before the export).</p>`)
	}
	p(`<details class="figures"><summary>The customers of each cell, as a table</summary><table class="figures rfm-table"><thead><tr><th scope="col">Recency</th>`)
	for f := 1; f <= g.Bins; f++ {
		p(`<th scope="col">F`, strconv.Itoa(f), `</th>`)
	}
	p(`</tr></thead><tbody>`)
	for r := g.Bins; r >= 1; r-- {
		p(`<tr><th scope="row">R`, strconv.Itoa(r), `</th>`)
		for f := 1; f <= g.Bins; f++ {
			p(`<td class="num">`, grouped(g.Cells[r-1][f-1].Customers), `</td>`)
		}
		p(`</tr>`)
	}
	p(`</tbody></table></details></div>`, "\n")
}

// lifecycleSection draws the lifecycle stages and shop types.
func (rep *Report) lifecycleSection(p printer) {
	p(`<div class="card" id="lifecycle"><h2>Lifecycle and shop types</h2>`,
		`<p class="sub">Lifecycle stages follow each customer's own buying rhythm; the four shop types follow the documented rules of package segment.`)
	for _, k := range rep.Kinds {
		p(`<span class="legend" style="background:`, kindColour[k.Kind], `"></span>`, kindPlural(k.Kind))
	}
	p(`</p>`)
	var stages, types [][]int
	var stageNames, typeNames []string
	for st := segment.StageNew; st.Valid(); st++ {
		stageNames = append(stageNames, capital(st.String()))
		var row []int
		for _, k := range rep.Kinds {
			row = append(row, k.Stages[st])
		}
		stages = append(stages, row)
	}
	for t := segment.ShopLoyal; t.Valid(); t++ {
		typeNames = append(typeNames, capital(t.String()))
		var row []int
		for _, k := range rep.Kinds {
			row = append(row, k.ShopTypes[t])
		}
		types = append(types, row)
	}
	p(rep.bars("lifecycle-bars", "Lifecycle stage", stageNames, stages))
	p(rep.bars("shoptype-bars", "Shop type", typeNames, types))
	p(`<details class="figures"><summary>The figures of the bars, as tables</summary>`)
	rep.countTable(p, "lifecycle-table", "Lifecycle stage", stageNames, stages)
	rep.countTable(p, "shoptype-table", "Shop type", typeNames, types)
	p("</details></div>\n")
}

// bars draws horizontal bars, one per name, stacked by kind.
func (rep *Report) bars(class, title string, names []string, counts [][]int) string {
	const W = 560.0
	const ml, mr, rowH, mt = 92.0, 84.0, 30.0, 24.0
	H := mt + rowH*float64(len(names)) + 6
	s := newSVG(class, int(W), int(H), title)
	s.text(0, 14, "start", "axis-title", title)
	total, most := 0, 0
	for _, row := range counts {
		n := 0
		for _, c := range row {
			n += c
		}
		total += n
		most = max(most, n)
	}
	pw := W - ml - mr
	for i, name := range names {
		y := mt + float64(i)*rowH
		s.raw(`<g class="bar-row">`)
		s.text(ml-8, y+rowH/2+4, "end", "", name)
		x := ml
		n := 0
		for j, c := range counts[i] {
			w := 0.0
			if most > 0 {
				w = float64(c) / float64(most) * pw
			}
			k := rep.Kinds[j]
			s.rectTitle(x, y+4, w, rowH-8, "bar "+kindClass(k.Kind), "", kindPlural(k.Kind)+": "+grouped(c))
			x += w
			n += c
		}
		share := 0.0
		if total > 0 {
			share = float64(n) / float64(total)
		}
		s.text(x+6, y+rowH/2+4, "start", "value-label", grouped(n)+" ("+pct(share)+")")
		s.raw(`</g>`)
	}
	s.line(ml, mt, ml, mt+rowH*float64(len(names)), "axis")
	return s.String()
}

// riskSection draws the churn-risk histogram.
func (rep *Report) riskSection(p printer) {
	cuts := risk.DefaultBands
	if len(rep.Kinds) > 0 {
		cuts = rep.Kinds[0].Churn.Cuts
	}
	cut := func(x float64) string { return trimZero(fixed(100*x, 1)) + "%" }
	p(`<section id="risk"><h2>Churn risk</h2>`,
		`<p class="sub">The probability that a customer makes no purchase in the next `, strconv.Itoa(int(math.Round(rep.HoldoutWeeks))),
		` weeks, from recency against the customer's own rhythm, purchase days, trends, returns and P(alive). `,
		`P(alive) is the probability that the customer still buys from the shop at all, from the MBG/NBD model of the kind's purchases. `,
		`Background: the early-warning bands, watch from `, cut(cuts.Watch), `, high from `, cut(cuts.High), `, critical from `, cut(cuts.Critical), `. `,
		`AUC is the chance that a model ranks a customer who left above one who stayed (0.5 is guessing, 1 a perfect ranking). `,
		`The risk of each kind comes from the model named below it; the churn_risk column of crm batch is the documented rule-based risk `,
		`with P(alive) from the transaction model of its -model flag, so its bands can differ from these.`)
	for _, k := range rep.Kinds {
		p(`<span class="legend" style="background:`, kindColour[k.Kind], `"></span>`, kindPlural(k.Kind))
	}
	p(`</p>`, rep.riskChart())
	for _, k := range rep.Kinds {
		c := k.Churn
		p(`<p class="note"><b>`, kindPlural(k.Kind), `:</b> `)
		for b := risk.BandLow; b.Valid(); b++ {
			if b > risk.BandLow {
				p(", ")
			}
			p(grouped(c.Bands[b]), " ", b.String())
		}
		if n := k.Customers - c.Scored; n > 0 {
			p("; ", nCustomers(n), " without a purchase ", plural(n, "has", "have"), " no churn risk")
		}
		p(`. Risk model: `, esc(c.Note), `. P(alive): `, esc(c.Alive), `.</p>`)
	}
	p("</section>\n")
}

func (rep *Report) riskChart() string {
	const W, H = 1260, 300
	const ml, mr, mt, mb = 62.0, 14.0, 24.0, 42.0
	pw, ph := W-ml-mr, H-mt-mb
	s := newSVG("risk-histogram", W, H, "Churn-risk histogram")
	var stack [RiskBins]int
	most := 0
	for i := range RiskBins {
		for _, k := range rep.Kinds {
			stack[i] += k.Churn.Histogram[i]
		}
		most = max(most, stack[i])
	}
	ytop, ys := countAxis(most, 5)
	X := func(r float64) float64 { return ml + r*pw }
	Y := func(v float64) float64 { return mt + ph - v/ytop*ph }
	cuts := risk.DefaultBands
	if len(rep.Kinds) > 0 {
		cuts = rep.Kinds[0].Churn.Cuts
	}
	edges := []float64{0, cuts.Watch, cuts.High, cuts.Critical, 1}
	for b := risk.BandLow; b.Valid(); b++ {
		a, z := edges[b-1], edges[b]
		s.rect(X(a), mt, X(z)-X(a), ph, "band-"+b.String(), "")
		s.text((X(a)+X(z))/2, mt-8, "middle", "axis-title", b.String())
	}
	for _, v := range ticks(0, ytop, ys) {
		s.line(ml, Y(v), ml+pw, Y(v), "grid")
		s.text(ml-6, Y(v)+4, "end", "", grouped(int(v)))
	}
	bw := pw / RiskBins
	for i := range RiskBins {
		base := 0
		for _, k := range rep.Kinds {
			c := k.Churn.Histogram[i]
			if c == 0 {
				continue
			}
			s.rectTitle(X(float64(i)/RiskBins)+1, Y(float64(base+c)), bw-2, Y(float64(base))-Y(float64(base+c)), "risk-bar "+kindClass(k.Kind), "",
				kindPlural(k.Kind)+": "+grouped(c)+" with risk "+strconv.Itoa(i*100/RiskBins)+"–"+strconv.Itoa((i+1)*100/RiskBins)+"%")
			base += c
		}
	}
	for i := 0; i <= 10; i++ {
		x := X(float64(i) / 10)
		s.line(x, mt+ph, x, mt+ph+4, "axis")
		s.text(x, mt+ph+16, "middle", "", strconv.Itoa(i*10)+"%")
	}
	s.line(ml, mt+ph, ml+pw, mt+ph, "axis")
	s.text(ml+pw/2, H-6, "middle", "axis-title", "churn risk")
	s.textRot(16, mt+ph/2, "axis-title", "customers")
	return s.String()
}

// holdoutSection draws expected against actual holdout purchases.
func (rep *Report) holdoutSection(p printer) {
	p(`<section id="holdout"><h2>Does the model predict? Expected against actual purchases</h2>`,
		`<p class="sub">The transaction model was fitted on the history up to `, rep.CalibrationEnd.String(),
		` and predicted the repeat purchases of the following `, fixed(rep.HoldoutWeeks, 0), ` weeks, up to `, rep.AsOf.String(),
		`. Bars: mean purchases per customer by the number of repeat purchases before the split.`,
		`<span class="legend expected-key" style="background:#a9c7e8"></span>expected<span class="legend" style="background:#1d4f91"></span>actual</p>`,
		`<div class="charts">`)
	for _, k := range rep.Kinds {
		h := k.Churn.Holdout
		if h == nil {
			p(`<div class="chart holdout"><h3>`, kindPlural(k.Kind), `</h3><p class="empty holdout-missing">No holdout check: `, esc(k.Churn.HoldoutNote), `.</p></div>`)
			continue
		}
		p(`<div class="chart holdout"><h3>`, kindPlural(k.Kind), `</h3>`, holdoutChart(k.Kind, h))
		exp, what := fixed(h.TotalExpected, 0), ` repeat purchases`
		if exp == "1" {
			what = ` repeat purchase`
		}
		p(`<p class="note">`, nCustomers(h.Customers), `: `, exp, what, ` expected, `,
			fixed(h.TotalActual, 0), ` made; mean absolute error `, fixed(h.MAE, 2), ` per customer`)
		if h.AUCDefined {
			p(`; P(alive) ranks the customers who did not come back with AUC `, fixed(h.AUC, 2))
		}
		p(`.<br/>`, esc(h.Params), `.</p></div>`)
	}
	p("</div>")
	rep.holdoutTable(p)
	p("</section>\n")
}

// holdoutTable writes the bars of the holdout charts as a table, when
// some kind has a holdout check.
func (rep *Report) holdoutTable(p printer) {
	var rows []string
	for _, k := range rep.Kinds {
		h := k.Churn.Holdout
		if h == nil {
			continue
		}
		for _, b := range h.Bins {
			label := strconv.Itoa(b.Frequency)
			if b.AndAbove {
				label += " or more"
			}
			rows = append(rows, `<tr><th scope="row">`+kindPlural(k.Kind)+`: `+label+`</th><td class="num">`+grouped(b.Customers)+
				`</td><td class="num">`+fixed(b.MeanExpected, 2)+`</td><td class="num">`+fixed(b.MeanActual, 2)+`</td></tr>`)
		}
	}
	if len(rows) == 0 {
		return
	}
	p(`<details class="figures"><summary>The bars, as a table</summary><table class="figures holdout-table"><thead><tr>`,
		`<th scope="col">Kind: repeat purchases before the split</th><th scope="col">Customers</th>`,
		`<th scope="col">Expected purchases per customer</th><th scope="col">Actual purchases per customer</th></tr></thead><tbody>`)
	p(rows...)
	p(`</tbody></table></details>`)
}

func holdoutChart(k customer.Kind, h *Holdout) string {
	const W, H = 590, 290
	const ml, mr, mt, mb = 52.0, 14.0, 12.0, 58.0
	pw, ph := W-ml-mr, H-mt-mb
	s := newSVG("holdout-chart", W, H, kindPlural(k)+": expected against actual holdout purchases")
	most := 0.0
	for _, b := range h.Bins {
		most = math.Max(most, math.Max(b.MeanExpected, b.MeanActual))
	}
	_, ytop, ys := axisRange(0, math.Max(most, 0.1), 5)
	Y := func(v float64) float64 { return mt + ph - v/ytop*ph }
	for _, v := range ticks(0, ytop, ys) {
		s.line(ml, Y(v), ml+pw, Y(v), "grid")
		s.text(ml-6, Y(v)+4, "end", "", tickLabel(v, ys))
	}
	n := float64(len(h.Bins))
	gw := pw / math.Max(n, 1)
	for i, b := range h.Bins {
		x := ml + float64(i)*gw
		bw := (gw - 14) / 2
		s.rectTitle(x+7, Y(b.MeanExpected), bw, Y(0)-Y(b.MeanExpected), "holdout-bar expected", "", "expected "+fixed(b.MeanExpected, 2))
		s.rectTitle(x+7+bw, Y(b.MeanActual), bw, Y(0)-Y(b.MeanActual), "holdout-bar actual", "", "actual "+fixed(b.MeanActual, 2))
		label := strconv.Itoa(b.Frequency)
		if b.AndAbove {
			label += "+"
		}
		s.text(x+gw/2, mt+ph+15, "middle", "", label)
		s.text(x+gw/2, mt+ph+29, "middle", "value-label", "n="+grouped(b.Customers))
	}
	s.line(ml, mt+ph, ml+pw, mt+ph, "axis")
	s.text(ml+pw/2, H-8, "middle", "axis-title", "repeat purchases in the calibration period")
	s.textRot(14, mt+ph/2, "axis-title", "purchases per customer")
	return s.String()
}

// tableSection lists the customers most worth a call, kind by kind.
func (rep *Report) tableSection(p printer) {
	p(`<section id="at-risk"><h2>High-value customers at risk</h2>`,
		`<p class="sub">Customers of high current value (quadrants high value and secondary value) whose churn risk is high or critical, `,
		`largest net revenue first. Actions are those of the strategy playbook; the export carries no consent, `,
		`so actions that need it are listed apart, to use where the customer agreed.</p>`)
	for _, k := range rep.Kinds {
		p(`<h3>`, kindPlural(k.Kind))
		if k.AtRiskTotal > len(k.AtRisk) {
			p(`: the first `, grouped(len(k.AtRisk)), ` of `, grouped(k.AtRiskTotal))
		}
		p(`</h3>`)
		if len(k.AtRisk) == 0 {
			p(`<p class="empty">No `, strings.ToLower(kindPlural(k.Kind)), ` of high current value at high or critical risk.</p>`, "\n")
			continue
		}
		p(`<table class="at-risk"><thead><tr><th scope="col">#</th><th scope="col">Customer</th><th scope="col">Quadrant</th><th scope="col">Net revenue (`, esc(string(rep.Currency)),
			`)</th><th scope="col">Last purchase</th><th scope="col">Risk</th><th scope="col">Why</th><th scope="col">What to do</th></tr></thead><tbody>`)
		for i, r := range k.AtRisk {
			p(`<tr class="at-risk-row"><td class="num">`, strconv.Itoa(i+1), `</td><td class="id">`, esc(string(r.ID)),
				`</td><td class="q">`, quadrantName(r.Quadrant), `</td><td class="num">`, money(r.Net), `</td><td class="num">`, r.LastPurchase.String(),
				`</td><td class="num">`, riskPercent(r.Risk), ` <span class="band `, r.Band, `">`, r.Band, `</span></td><td class="why"><ul>`)
			for _, why := range r.Reasons {
				p(`<li>`, esc(why), `</li>`)
			}
			p(`</ul></td><td class="todo"><ul>`)
			var gated []string
			for _, a := range r.Actions {
				if a.Needs == "" {
					p(`<li>`, esc(a.Description), `</li>`)
				} else {
					gated = append(gated, short(a.Description))
				}
			}
			p(`</ul>`)
			if len(gated) > 0 {
				p(`<p class="needs">With consent: `, esc(strings.Join(gated, "; ")), `.</p>`)
			}
			p("</td></tr>\n")
		}
		p("</tbody></table>\n")
	}
	p("</section>\n")
}

// riskPercent formats a risk as a whole percentage, never rounding a
// risk below 1 up to 100%.
func riskPercent(r float64) string {
	if r < 1 && r >= 0.995 {
		return "&gt;99%"
	}
	return fixed(100*r, 0) + "%"
}

// short returns a description up to its first comma or colon.
func short(s string) string {
	if i := strings.IndexAny(s, ",:"); i > 0 {
		return s[:i]
	}
	return s
}
