package main

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// segmentColumns are the columns of crm segment, in order (the command's contract), but
// the last, gradeColumn; the columns after shop_type are extra.
var segmentColumns = []string{
	"customer_id", "kind", "current_value", "potential_value", "total_value", "quadrant",
	"r", "f", "m", "rfm_segment", "lifecycle", "shop_type",
	"orders", "net", "currency",
}

// gradeColumn is the last column of crm segment and of crm batch: the
// customer grade of package segment (strategic, important or ordinary),
// after every other column so that the columns before it keep their
// places.
const gradeColumn = "grade"

// segmentOptions are the options of the segmentation of crm: the
// defaults of package segment, with the customer grades at their
// defaults (the top 20% of each kind by total value strategic, the next
// 30% important, potential-value customers at least important; see
// segment.GradeOptions).
func segmentOptions() *segment.Options {
	return &segment.Options{Grades: &segment.GradeOptions{}}
}

// gradeTexts are the texts of the grades, as their MarshalText gives
// them, indexed by segment.Grade; "" for an invalid grade.
var gradeTexts = func() (t [segment.GradeC + 1]string) {
	for g := range t {
		if b, err := segment.Grade(g).MarshalText(); err == nil {
			t[g] = string(b)
		}
	}
	return t
}()

// gradeText returns the text of grade g of customer id, or an error
// naming the customer when g is no grade (a customer outside the fit).
func gradeText(id customer.ID, g segment.Grade) (string, error) {
	if int(g) < len(gradeTexts) && gradeTexts[g] != "" {
		return gradeTexts[g], nil
	}
	return "", fmt.Errorf("customer %q: no grade (%v)", id, g)
}

func runSegment(e *env, args []string) error {
	fs := newFlags(e, "segment", "-in FILE [-format csv|cdnow] -as-of YYYY-MM-DD [-out FILE]")
	var f inputFlags
	f.register(fs)
	asOfFlag := fs.String("as-of", "", "day of the analysis, `YYYY-MM-DD` (required): later rows are left out and counted")
	outPath := fs.String("out", "", "output `file` (default stdout): one row per customer, columns "+strings.Join(segmentColumns, ",")+","+gradeColumn)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	asOf, err := parseDay("as-of", *asOfFlag)
	if err != nil {
		return err
	}
	t, out, err := f.scanTo(e, asOf, *outPath, "-as-of")
	if err != nil {
		return err
	}
	defer out.abort()
	if err := writeSegmentsTable(out, t); err != nil {
		return writeError(out.name(), err)
	}
	return out.commit()
}

// fitSegments fits the segmentation of package segment with
// segmentOptions to the summaries, in the two passes of fit-then-apply
// (value and RFM statistics per kind, then the quadrant thresholds, the
// mean value of each kind, and the grade cuts, by rank of total value
// within each kind). Observations are recomputed in each pass rather
// than kept, so memory stays with the summaries.
func fitSegments(sums []*customer.Summary) (*segment.Model, error) {
	st, err := segment.NewStats(segmentOptions())
	if err != nil {
		return nil, err
	}
	var o segment.Observation
	for _, s := range sums {
		if err := segment.Observe(segment.Input{Summary: s}, &o); err != nil {
			return nil, err
		}
		if err := st.Add(&o); err != nil {
			return nil, err
		}
	}
	sc, err := st.Scoring()
	if err != nil {
		return nil, err
	}
	ts := sc.NewThresholdStats()
	for _, s := range sums {
		if err := segment.Observe(segment.Input{Summary: s}, &o); err != nil {
			return nil, err
		}
		if err := ts.Add(&o); err != nil {
			return nil, err
		}
	}
	return ts.Model()
}

// writeSegments classifies every customer and writes one row each, in
// the order of sums (sorted by customer ID).
func writeSegments(out *output, sums []*customer.Summary) error {
	m, err := fitSegments(sums)
	if err != nil {
		return err
	}
	w := csv.NewWriter(out)
	if err := w.Write(append(segmentColumns[:len(segmentColumns):len(segmentColumns)], gradeColumn)); err != nil {
		return err
	}
	rec := make([]string, len(segmentColumns)+1)
	var o segment.Observation
	var r segment.Result
	for _, s := range sums {
		if err := segment.Observe(segment.Input{Summary: s}, &o); err != nil {
			return err
		}
		if err := m.Classify(&r, &o); err != nil {
			return err
		}
		rec[0] = string(s.CustomerID)
		rec[1] = s.Kind.String()
		rec[2], rec[3], rec[4] = num(r.Value.Current), num(r.Value.Potential), num(r.Value.Total)
		rec[5] = r.Quadrant.String()
		rec[6] = strconv.Itoa(int(r.RFM.R))
		rec[7] = strconv.Itoa(int(r.RFM.F))
		rec[8] = strconv.Itoa(int(r.RFM.M))
		rec[9] = r.RFM.Segment.String()
		rec[10], rec[11] = r.Stage.String(), r.ShopType.String()
		rec[12] = strconv.Itoa(s.Orders)
		rec[13] = s.Net().String()
		rec[14] = string(s.Currency)
		if rec[15], err = gradeText(s.CustomerID, r.Grade); err != nil {
			return err
		}
		if err := w.Write(rec); err != nil {
			return writeError(out.name(), err)
		}
	}
	w.Flush()
	return w.Error()
}
