package report

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium is where Debian's chromium package installs the browser
// (apt-get install -y chromium).
const chromium = "/usr/bin/chromium"

// chromiumFlags start the browser headless and offline: without the
// background-networking flags it tries to reach the network.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--hide-scrollbars", "--window-size=1400,1000",
}

// runChromium runs the browser on the page with extra flags and returns
// its standard output.
func runChromium(t *testing.T, page string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append(append(append([]string(nil), chromiumFlags...), "--user-data-dir="+t.TempDir()), extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, chromium, args...)
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	require.NoError(t, err, "chromium: %s", lastLines(errb.String(), 10))
	return out.Bytes()
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}

// probe is injected into a copy of the page (the report itself has no
// script): it measures what the browser laid out and writes it as JSON
// into the DOM, where --dump-dom shows it.
const probe = `<pre id="probe"></pre><script>
(function () {
  function box(e) { var r = e.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; }
  function inside(a, b) { return a.x >= b.x - 1 && a.y >= b.y - 1 && a.x + a.w <= b.x + b.w + 1 && a.y + a.h <= b.y + b.h + 1; }
  function overlap(a, b) {
    var w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
    var h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    return w > 1 && h > 1;
  }
  var out = {svgs: [], outside: [], overlapping: [], labelBoxes: 0, labelOverlaps: 0,
             scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
             rows: [], counts: {}};
  document.querySelectorAll("svg").forEach(function (s) {
    var b = box(s);
    out.svgs.push({cls: s.getAttribute("class"), w: b.w, h: b.h});
    var texts = Array.prototype.slice.call(s.querySelectorAll("text")).filter(function (t) { return t.textContent.trim() !== ""; });
    var boxes = texts.map(box);
    texts.forEach(function (t, i) { if (!inside(boxes[i], b)) out.outside.push(s.getAttribute("class") + ": " + t.textContent); });
    for (var i = 0; i < texts.length; i++) for (var j = i + 1; j < texts.length; j++)
      if (overlap(boxes[i], boxes[j])) out.overlapping.push(texts[i].textContent + " | " + texts[j].textContent);
    var labels = Array.prototype.slice.call(s.querySelectorAll("rect.label-box")).map(box);
    out.labelBoxes += labels.length;
    for (var i = 0; i < labels.length; i++) for (var j = i + 1; j < labels.length; j++)
      if (overlap(labels[i], labels[j])) out.labelOverlaps++;
  });
  document.querySelectorAll("tr.at-risk-row").forEach(function (r) { out.rows.push(box(r).h); });
  ["text.quadrant-label", "line.mean", "rect.rfm-cell", "g.bar-row", "rect.risk-bar", "rect.holdout-bar", "rect.spend-bar", "circle.pt"].forEach(function (q) {
    out.counts[q] = document.querySelectorAll(q).length;
  });
  document.getElementById("probe").textContent = JSON.stringify(out);
})();
</script>`

type layout struct {
	SVGs []struct {
		Cls string  `json:"cls"`
		W   float64 `json:"w"`
		H   float64 `json:"h"`
	} `json:"svgs"`
	Outside       []string       `json:"outside"`
	Overlapping   []string       `json:"overlapping"`
	LabelBoxes    int            `json:"labelBoxes"`
	LabelOverlaps int            `json:"labelOverlaps"`
	ScrollWidth   float64        `json:"scrollWidth"`
	InnerWidth    float64        `json:"innerWidth"`
	Rows          []float64      `json:"rows"`
	Counts        map[string]int `json:"counts"`
}

// TestBrowser opens the report in headless Chromium as a person would:
// it checks what the browser drew (every chart laid out with a size, the
// quadrant labels, bars, cells and table rows, no label outside its chart
// or on top of another, no horizontal scrolling) and takes a screenshot
// whose pixels must show the charts. Set REPORT_SCREENSHOT_DIR to keep
// the page and the screenshot.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("headless Chromium is not installed at %s (Debian: apt-get install -y chromium); skipping the browser check", chromium)
	}
	if testing.Short() {
		t.Skip("the browser check takes several seconds; skipped in -short mode")
	}
	_, rep, page := fixture(t)
	dir := t.TempDir()
	if d := os.Getenv("REPORT_SCREENSHOT_DIR"); d != "" {
		dir = d
	}
	reportPath := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(reportPath, page, 0o644))
	probePath := filepath.Join(dir, "probe.html")
	probed := strings.Replace(string(page), "</body>", probe+"</body>", 1)
	require.NoError(t, os.WriteFile(probePath, []byte(probed), 0o644))

	t.Run("dom", func(t *testing.T) {
		dom := runChromium(t, probePath, "--dump-dom")
		m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindSubmatch(dom)
		require.NotNil(t, m, "the probe ran and wrote its result")
		var l layout
		require.NoError(t, json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &l))

		kinds := len(rep.Kinds)
		rows := 0
		for _, k := range rep.Kinds {
			rows += len(k.AtRisk)
		}
		assert.Equal(t, 4*kinds, l.Counts["text.quadrant-label"], "four quadrant labels per kind")
		assert.Equal(t, 2*kinds, l.Counts["line.mean"], "two mean lines per kind")
		assert.Equal(t, rep.Customers, l.Counts["circle.pt"], "one dot per customer")
		assert.Equal(t, rep.RFM.Bins*rep.RFM.Bins, l.Counts["rect.rfm-cell"])
		assert.Equal(t, 8, l.Counts["g.bar-row"], "four lifecycle stages and four shop types")
		assert.Positive(t, l.Counts["rect.risk-bar"])
		assert.Positive(t, l.Counts["rect.spend-bar"])
		assert.Equal(t, 2*(HoldoutBins+1)*kinds, l.Counts["rect.holdout-bar"])
		assert.Len(t, l.Rows, rows, "one table row per customer at risk")
		for _, h := range l.Rows {
			assert.Greater(t, h, 10.0, "table rows are laid out")
		}

		classes := map[string]int{}
		for _, s := range l.SVGs {
			classes[s.Cls]++
			assert.Greater(t, s.W, 100.0, "%s is drawn", s.Cls)
			assert.Greater(t, s.H, 100.0, "%s is drawn", s.Cls)
		}
		assert.Equal(t, map[string]int{
			"quadrant-chart": kinds, "spend-chart": kinds, "rfm-heatmap": 1, "lifecycle-bars": 1,
			"shoptype-bars": 1, "risk-histogram": 1, "holdout-chart": kinds,
		}, classes)
		assert.Empty(t, l.Outside, "every text lies inside its chart")
		assert.Empty(t, l.Overlapping, "no text is drawn over another")
		assert.Equal(t, 4*kinds, l.LabelBoxes)
		assert.Zero(t, l.LabelOverlaps, "quadrant labels do not cover each other")
		assert.LessOrEqual(t, l.ScrollWidth, l.InnerWidth, "the page fits a 1400-pixel window")
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(dir, "report.png")
		runChromium(t, reportPath, "--screenshot="+shot)
		f, err := os.Open(shot)
		require.NoError(t, err)
		defer f.Close()
		img, err := png.Decode(f)
		require.NoError(t, err)
		require.Equal(t, image.Rect(0, 0, 1400, 1000), img.Bounds())
		// The first screen holds the headline and the quadrant charts:
		// the consumers' blue and the intermediaries' orange must show,
		// and much of the screen must be drawn on.
		var blue, orange, ink int
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				r, g, bl = r>>8, g>>8, bl>>8
				switch {
				case bl > r+60 && bl > g+20:
					blue++
				case r > bl+80 && r > g+30:
					orange++
				}
				if r < 200 || g < 200 || bl < 200 {
					ink++
				}
			}
		}
		total := b.Dx() * b.Dy()
		t.Logf("screenshot %s: %d blue, %d orange pixels, %.1f%% ink", shot, blue, orange, 100*float64(ink)/float64(total))
		assert.Greater(t, blue, 5000, "the consumers' dots are visible")
		assert.Greater(t, orange, 300, "the intermediaries' dots are visible")
		assert.Greater(t, float64(ink)/float64(total), 0.03, "the screen is not blank")
	})
}
